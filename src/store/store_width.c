/*
** store_width.c: store_text_widths, the widest stored texts (see store.h).
**
** Three aggregate queries: the identifiers (patient and hip tables), the
** named text items (form scanned first, each value found by the item_value
** primary key, so the cost follows the forms, not every stored value) and
** their adjudications. Lengths are bytes (CAST AS BLOB), as writers count.
** Nothing is kept: each group goes to the callback.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"
#include "store/store_int.h"

#define MAX_NAMES 256    /* text items a study's forms may have; more: AVN_E_RANGE */

typedef struct width_ctx {
  store_width_fn fn;
  void *ctx;
  bool stopped;
} width_ctx;

static int side_code(const char *s) {
  if (!s || !*s) return SIDE_PATIENT;
  return !strcmp(s, "left") ? SIDE_LEFT : SIDE_RIGHT;
}

static size_t len_of(const db_row *r, int i) { return db_null(r, i) ? 0 : (size_t)db_int64(r, i); }

static int id_cb(void *ctx, const db_row *r) {
  width_ctx *w = ctx;
  static const char *const names[] = {"patient", "site", "status", "withdraw_reason"};
  for (int i = 0; i < 4 && !w->stopped; i++) w->stopped = w->fn(w->ctx, NULL, NULL, SIDE_PATIENT, names[i], len_of(r, i)) != 0;
  return w->stopped;
}

static int stage_cb(void *ctx, const db_row *r) {
  width_ctx *w = ctx;
  w->stopped = w->fn(w->ctx, NULL, NULL, SIDE_PATIENT, "stage", len_of(r, 0)) != 0;
  return w->stopped;
}

static int item_cb(void *ctx, const db_row *r) {
  width_ctx *w = ctx;
  const char *visit = db_text(r, 0), *form = db_text(r, 1), *item = db_text(r, 3);
  w->stopped = w->fn(w->ctx, visit ? visit : "", form ? form : "", side_code(db_text(r, 2)), item ? item : "",
                     len_of(r, 4)) != 0;
  return w->stopped;
}

/* "?, ?, ?" for n parameters. */
static avn_rc placeholders(avn_buf *b, size_t n) {
  avn_rc rc = AVN_OK;
  for (size_t i = 0; !rc && i < n; i++) rc = avn_buf_puts(b, i ? ", ?" : "?");
  return rc;
}

avn_rc store_text_widths(store *s, const char *const *forms, const char *const *items, size_t n,
                         store_width_fn fn, void *ctx, avn_err *e) {
  width_ctx w = {fn, ctx, false};
  avn_buf q1, q2;
  avn_buf_init(&q1, 1 << 16);
  avn_buf_init(&q2, 1 << 16);
  const char **params = NULL;
  avn_rc rc = store_q_typed(s, "SELECT max(length(CAST(p.code AS BLOB))), max(length(CAST(site.code AS BLOB))),"
                               " max(length(CAST(p.status AS BLOB))), max(length(CAST(p.withdraw_reason AS BLOB)))"
                               " FROM patient p JOIN site ON site.id = p.site_id", NULL, 0, id_cb, &w, e);
  if (!rc && !w.stopped)
    rc = store_q_typed(s, "SELECT max(length(CAST(stage AS BLOB))) FROM hip", NULL, 0, stage_cb, &w, e);
  if (rc || w.stopped || n == 0) goto cleanup;
  if (n > MAX_NAMES) {
    rc = avn_fail(e, AVN_E_RANGE, "text items", NULL, "more than %d text items in the study's forms", MAX_NAMES);
    goto cleanup;
  }
  params = avn_calloc(2 * n, sizeof *params);
  if (!params) {
    rc = avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
    goto cleanup;
  }
  for (size_t i = 0; i < n; i++) {   /* the item list first in both queries */
    params[i] = items[i];
    params[n + i] = forms[i];
  }
  /* An item and a form list (a superset of the pairs: the caller keeps the
  ** groups it has columns for). A plain JOIN: SQLite's CROSS JOIN ... ON
  ** order hint is a syntax error in PostgreSQL; "+f.id" (no index on that
  ** side) keeps form the outer loop instead, where SQLite otherwise scanned
  ** every stored value's key for the item list. */
  rc = avn_buf_puts(&q1, "SELECT f.visit, f.instrument, f.side, v.item, max(length(CAST(v.value_text AS BLOB)))"
                         " FROM form f JOIN item_value v ON v.form_id = +f.id AND v.item IN (");
  if (!rc) rc = placeholders(&q1, n);
  if (!rc) rc = avn_buf_puts(&q1, ") WHERE f.void_reason IS NULL AND f.instrument IN (");
  if (!rc) rc = placeholders(&q1, n);
  if (!rc) rc = avn_buf_puts(&q1, ") GROUP BY f.visit, f.instrument, f.side, v.item");
  if (!rc) rc = avn_buf_puts(&q2, "SELECT visit, instrument, side, item, max(length(CAST(value_text AS BLOB)))"
                                  " FROM adjudication WHERE item IN (");
  if (!rc) rc = placeholders(&q2, n);
  if (!rc) rc = avn_buf_puts(&q2, ") AND instrument IN (");
  if (!rc) rc = placeholders(&q2, n);
  if (!rc) rc = avn_buf_puts(&q2, ") GROUP BY visit, instrument, side, item");
  if (rc) {
    rc = avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
    goto cleanup;
  }
  rc = store_q_typed(s, avn_buf_str(&q1), params, 2 * n, item_cb, &w, e);
  if (!rc && !w.stopped) rc = store_q_typed(s, avn_buf_str(&q2), params, 2 * n, item_cb, &w, e);
cleanup:
  avn_free(params);
  avn_buf_free(&q1);
  avn_buf_free(&q2);
  return rc;
}
