/*
** db.h: the backend interface under the store: a connection that runs SQL
** with text parameters and streams text rows to a callback.
**
** The store (store.c) writes portable SQL with '?' placeholders and
** RETURNING; each backend fills this vtable: db_sqlite.c (a STUDY.db
** file) and db_pg.c (a postgresql:// URI; it rewrites '?' to $n and the
** DDL's types). db_open picks one from the target's form. Nobody above
** store/ sees this header.
**
** Values travel as text (NULL for SQL NULL): avn stores typed values, but
** parsing and formatting them is the store's job, once, not the backend's.
** The bulk readers take typed rows instead (exec_typed), so a number the
** backend keeps as a number reaches them without a round trip through text
** (SQLite), and a backend may stream them its fastest way (PostgreSQL:
** COPY ... TO STDOUT, parameters inlined as literals).
*/
#ifndef AVN_STORE_DB_H
#define AVN_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/rc.h"

/* Called once per result row; cols[i] may be NULL. Return nonzero to stop. */
typedef int (*db_row_fn)(void *ctx, int ncol, const char *const *cols);

typedef struct db_conn db_conn;
typedef struct db_bulk db_bulk;   /* a bulk insert in progress (bulk_begin) */

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

/* One of several reads sent together (db_ops.exec_many). */
typedef struct db_query {
  const char *sql;
  const char *const *params;
  size_t n_params;
  db_row_fn fn;                                      /* may be NULL */
  void *ctx;
} db_query;

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
  /* The study's identity and schema version (SQLite: the file header's
  ** application_id / user_version; PostgreSQL: table avn_meta), 0 and 0
  ** for an empty database. set_header writes them inside the caller's
  ** transaction (PostgreSQL) or at once (SQLite). */
  avn_rc (*header)(db_conn *c, long *app_id /* OUT */, long *user_version /* OUT */, avn_err *e);
  avn_rc (*set_header)(db_conn *c, long app_id, long user_version, avn_err *e);
  /* Called once the target is known to be an avn study opened to write
  ** (SQLite: WAL); a no-op where there is nothing to switch. */
  avn_rc (*ready)(db_conn *c, avn_err *e);
  /* A query whose rows are the storage's complaints, "ok" when sound
  ** (SQLite: PRAGMA quick_check). */
  const char *check_sql;
  /* For copying a study between backends (store_copy.c): the names of the
  ** database's tables (no parameter; the header's own table left out) and
  ** of one table's columns in order (one parameter: the table). */
  const char *tables_sql;
  const char *columns_sql;
  /* A read-only transaction that sees one snapshot of the whole study. */
  avn_rc (*begin_read)(db_conn *c, avn_err *e);
  /* After rows were copied in with their ids: the table's id generator
  ** continues after the largest (PostgreSQL's identity); NULL where ids
  ** are the table's own (SQLite). */
  avn_rc (*sync_ids)(db_conn *c, const char *table, avn_err *e);
  /* A write whose result the caller does not read (no rows): inside a
  ** transaction the backend may send it with the next statement instead of
  ** waiting for it (PostgreSQL: libpq's pipeline). Its failure is then the
  ** next statement's, commit's or rollback's error: the transaction fails
  ** as a whole, as if this call had failed. SQLite: exec at once. */
  avn_rc (*exec_later)(db_conn *c, const char *sql, const char *const *params, size_t n_params, avn_err *e);
  /* Reads whose parameters do not depend on each other's rows, run in
  ** order, each result's rows to its own callback: PostgreSQL sends them
  ** in one round trip (libpq's pipeline, after what exec_later queued);
  ** SQLite runs them one after another. The first failure is the error
  ** (the reads after it may not have run). */
  avn_rc (*exec_many)(db_conn *c, const db_query *q, size_t n, avn_err *e);
  /* Bulk insert into one table inside the caller's write transaction
  ** (store_copy.c): bulk_begin names the table and its columns, bulk_row
  ** adds one row (ncol values as text, NULL for SQL NULL), bulk_end
  ** finishes (ok) or abandons (!ok) and frees the db_bulk, which it always
  ** does. PostgreSQL: COPY FROM STDIN; SQLite: one prepared INSERT reused. */
  avn_rc (*bulk_begin)(db_conn *c, const char *table, const char *const *cols, size_t ncol,
                       db_bulk **out /* OUT */, avn_err *e);
  avn_rc (*bulk_row)(db_bulk *b, const char *const *vals, avn_err *e);
  avn_rc (*bulk_end)(db_bulk *b, bool ok, avn_err *e);
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

/* A copy of an open SQLite study in a new file `to` (must not exist) by
** SQLite's online backup API, consistent while others write (db_sqlite.c);
** *pages: the pages copied. A failed copy leaves no file. */
avn_rc db_sqlite_backup(db_conn *from, const char *to, int *pages /* OUT */, avn_err *e);
/* Removes a study file and its WAL side files (a half-made study). */
void db_sqlite_remove(const char *path);
/* Opens a PostgreSQL database given as a libpq URI (db_pg.c). DB_CREATE:
** the database (its current schema) must have no tables; DB_READ: every
** transaction is read only. AVN_E_NOTFOUND when the server cannot be
** reached, naming the URI without its password. */
avn_rc db_pg_open(const char *uri, db_mode mode, db_conn **out /* OUT */, avn_err *e);
/* Whether target is a PostgreSQL URI (postgresql:// or postgres://). */
bool db_is_uri(const char *target);
/* db_pg_open for a URI, db_sqlite_open for a file path. */
avn_rc db_open(const char *target, db_mode mode, db_conn **out /* OUT */, avn_err *e);

#endif
