/*
** store_int.h: what the store's own files share (store.c, store_form.c,
** store_read.c). Not for callers outside src/store/.
*/
#ifndef AVN_STORE_INT_H
#define AVN_STORE_INT_H

#include "store/db.h"
#include "store/store.h"

struct store {
  db_conn *db;
  protocol *protocol;
  char path[1024];
  int batch;        /* store_begin is open: writes use savepoints */
};

/* One write's transaction: its own BEGIN/COMMIT, or a savepoint inside an
** open batch (store_begin), so a refused write still changes nothing. */
avn_rc store_tx_begin(store *s, avn_err *e);
avn_rc store_tx_commit(store *s, avn_err *e);
void store_tx_rollback(store *s);

/* Runs sql with text parameters, rows to fn (may be NULL). */
avn_rc store_q(store *s, const char *sql, const char *const *p, size_t n, db_row_fn fn, void *ctx,
               avn_err *e);
/* First column of the first row (caller frees *out), or *out = NULL and
** *found = false (found may be NULL). */
avn_rc store_q_one(store *s, const char *sql, const char *const *p, size_t n, char **out,
                   bool *found, avn_err *e);
/* Appends one audit row, chained to the previous row's hash, inside the
** caller's transaction. */
avn_rc store_audit(store *s, const char *user, const char *action, const char *record,
                   const char *field, const char *old_v, const char *new_v, const char *reason,
                   avn_err *e);
void store_now_iso(char out[32]);

#endif
