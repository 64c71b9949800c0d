/*
** db.h: the backend interface under the store: a connection that runs SQL
** with text parameters and streams text rows to a callback.
**
** The store (store.c) writes portable SQL with '?' placeholders and
** RETURNING; each backend fills this vtable: db_sqlite.c now, a libpq one
** for multi-site studies later (it rewrites '?' to $n). Nobody above
** store/ sees this header.
**
** Values travel as text (NULL for SQL NULL): avn stores typed values, but
** parsing and formatting them is the store's job, once, not the backend's.
** The bulk readers take typed rows instead (exec_typed), so a number the
** backend keeps as a number reaches them without a round trip through text.
*/
#ifndef AVN_STORE_DB_H
#define AVN_STORE_DB_H

#include <stddef.h>
#include <stdint.h>
#include "core/rc.h"

/* Called once per result row; cols[i] may be NULL. Return nonzero to stop. */
typedef int (*db_row_fn)(void *ctx, int ncol, const char *const *cols);

typedef struct db_conn db_conn;

/* Typed rows, for the bulk readers (store_load): a column is read as the
** type the caller wants, so a number stored as a number is never formatted
** as text and parsed back (SQLite keeps types; a text-only backend parses
** in its accessors). A row is valid only inside the callback. */
typedef struct db_row db_row;
typedef struct db_row_ops {
  int (*is_null)(const db_row *r, int i);
  int64_t (*int64)(const db_row *r, int i);
  double (*dbl)(const db_row *r, int i);
  const char *(*text)(const db_row *r, int i);       /* NULL for SQL NULL */
} db_row_ops;
struct db_row {
  const db_row_ops *ops;
  void *impl;                                        /* the backend's statement or result */
};
typedef int (*db_typed_fn)(void *ctx, const db_row *row);   /* nonzero stops */
static inline int db_null(const db_row *r, int i) { return r->ops->is_null(r, i); }
static inline int64_t db_int64(const db_row *r, int i) { return r->ops->int64(r, i); }
static inline double db_double(const db_row *r, int i) { return r->ops->dbl(r, i); }
static inline const char *db_text(const db_row *r, int i) { return r->ops->text(r, i); }

typedef struct db_ops {
  const char *name;                                  /* "sqlite" */
  avn_rc (*exec)(db_conn *c, const char *sql, const char *const *params, size_t n_params,
                 db_row_fn fn, void *ctx, avn_err *e);
  avn_rc (*exec_script)(db_conn *c, const char *sql, avn_err *e);   /* DDL, no params */
  avn_rc (*begin)(db_conn *c, avn_err *e);           /* immediate/write transaction */
  avn_rc (*commit)(db_conn *c, avn_err *e);
  avn_rc (*rollback)(db_conn *c);
  void (*close)(db_conn *c);
  avn_rc (*exec_typed)(db_conn *c, const char *sql, const char *const *params, size_t n_params,
                       db_typed_fn fn, void *ctx, avn_err *e);   /* exec with typed rows */
} db_ops;

struct db_conn {
  const db_ops *ops;
};

typedef enum { DB_WRITE, DB_CREATE, DB_READ } db_mode;
/* Opens (DB_CREATE: creates; the file must not exist; DB_READ: SQLite
** read-only) a SQLite database with foreign keys and synchronous=FULL
** (durable commits), writing nothing. Errors: AVN_E_BUSY when locked,
** AVN_E_CORRUPT when damaged, AVN_E_SCHEMA when not SQLite. */
avn_rc db_sqlite_open(const char *path, db_mode mode, db_conn **out /* OUT */, avn_err *e);
/* Switches to WAL, once the file is known to be an avn study (a write). */
avn_rc db_sqlite_wal(db_conn *c, avn_err *e);
/* SQLite's application_id / user_version, read before any schema work. */
avn_rc db_sqlite_header(db_conn *c, long *app_id /* OUT */, long *user_version /* OUT */, avn_err *e);

#endif
