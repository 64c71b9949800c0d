/*
** db_sqlite.c: the SQLite backend (see db.h).
**
** Settings: journal_mode=WAL (readers never block the writer; set by
** db_sqlite_wal once the file is known to be an avn study), foreign_keys=ON, synchronous=FULL (a commit survives power
** loss), busy_timeout 5 s (two clinic users on one file wait, not fail).
** Write transactions are BEGIN IMMEDIATE so a transaction that reads then
** writes cannot deadlock with another writer.
*/
#include "store/db.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/mem.h"

/* Prepared statements kept for reuse, keyed by their SQL text: the write
** path runs the same few dozen statements for every save, and preparing
** (parsing, planning) was the largest single cost of a save under load.
** A statement in use (a row callback running the same SQL again) is not
** shared: that call prepares its own. The least recently used slot makes
** way; sq_close finalizes them all. */
#define SQ_CACHE 128

typedef struct sq_cached {
  char *sql;                 /* its text (avn_strdup), NULL: a free slot */
  unsigned long hash;
  sqlite3_stmt *st;
  bool busy;
  unsigned long used;        /* tick of the last use */
} sq_cached;

typedef struct {
  db_conn base;
  sqlite3 *db;
  char path[1024];
  sq_cached cache[SQ_CACHE];
  unsigned long tick;
} sqlite_conn;

static unsigned long sql_hash(const char *s) {   /* FNV-1a */
  unsigned long h = 1469598103934665603UL;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211UL;
  return h;
}

/* The statement for sql, from the cache or prepared; *slot: its cache slot,
** or NULL when the caller owns it (finalize it after use). */
static int sq_prepare(sqlite_conn *c, const char *sql, sqlite3_stmt **st, sq_cached **slot) {
  unsigned long h = sql_hash(sql);
  sq_cached *victim = NULL;
  *slot = NULL;
  for (size_t i = 0; i < SQ_CACHE; i++) {
    sq_cached *x = &c->cache[i];
    if (x->sql && x->hash == h && !strcmp(x->sql, sql)) {
      if (x->busy) break;   /* in use further up the stack: prepare another */
      x->busy = true;
      x->used = ++c->tick;
      *st = x->st;
      *slot = x;
      return SQLITE_OK;
    }
    if (!x->busy && (!victim || (victim->sql && (!x->sql || x->used < victim->used)))) victim = x;
  }
  int r = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
  if (r != SQLITE_OK || !victim) return r;
  char *copy = avn_strdup(sql);
  if (!copy) return r;   /* not cached: the caller finalizes it */
  if (victim->sql) {
    sqlite3_finalize(victim->st);
    avn_free(victim->sql);
  }
  *victim = (sq_cached){copy, h, *st, true, ++c->tick};
  *slot = victim;
  return r;
}

static void sq_release(sqlite3_stmt *st, sq_cached *slot) {
  if (!slot) {
    sqlite3_finalize(st);
    return;
  }
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  slot->busy = false;
}

/* SQLite's code as avn's: "busy" is its own status (exit 3: try again),
** damage is never folded into a generic failure. */
static avn_rc sq_code(sqlite_conn *c, int code, avn_err *e, const char *what, const char *msg) {
  switch (code & 0xff) {
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    return avn_fail(e, AVN_E_BUSY, c->path, NULL,
                    "another program is writing to this study (waited 5 s): try again");
  case SQLITE_CORRUPT:
    return avn_fail(e, AVN_E_CORRUPT, c->path, NULL, "the database file is damaged (%s: %s): restore it from a backup",
                    what, msg);
  case SQLITE_NOTADB:
    return avn_fail(e, AVN_E_SCHEMA, c->path, NULL, "not an avn study database (not a SQLite file)");
  case SQLITE_READONLY:
    return avn_fail(e, AVN_E_STATE, c->path, NULL, "%s: %s (opened to read only)", what, msg);
  default:
    return avn_fail(e, AVN_E_DB, c->path, NULL, "%s: %s", what, msg);
  }
}

static avn_rc sq_fail(sqlite_conn *c, avn_err *e, const char *what) {
  return sq_code(c, sqlite3_extended_errcode(c->db), e, what, sqlite3_errmsg(c->db));
}

static int sq_is_null(const db_row *r, int i) { return sqlite3_column_type(r->impl, i) == SQLITE_NULL; }
static int64_t sq_int64(const db_row *r, int i) { return sqlite3_column_int64(r->impl, i); }
static double sq_dbl(const db_row *r, int i) { return sqlite3_column_double(r->impl, i); }
static const char *sq_text(const db_row *r, int i) { return (const char *)sqlite3_column_text(r->impl, i); }
static const db_row_ops sq_row_ops = {sq_is_null, sq_int64, sq_dbl, sq_text};

/* One statement, rows to fn (text rows) or tfn (typed rows). */
static avn_rc sq_run(db_conn *base, const char *sql, const char *const *params, size_t n,
                     db_row_fn fn, db_typed_fn tfn, void *ctx, avn_err *e) {
  sqlite_conn *c = (sqlite_conn *)base;
  sqlite3_stmt *st = NULL;
  sq_cached *slot = NULL;
  avn_rc rc = AVN_OK;
  const char *cols[64];
  if (sq_prepare(c, sql, &st, &slot) != SQLITE_OK) {
    rc = sq_fail(c, e, "prepare");
    goto cleanup;
  }
  for (size_t i = 0; i < n; i++) {
    int r = params[i] ? sqlite3_bind_text(st, (int)i + 1, params[i], -1, SQLITE_STATIC)
                      : sqlite3_bind_null(st, (int)i + 1);
    if (r != SQLITE_OK) {
      rc = sq_fail(c, e, "bind");
      goto cleanup;
    }
  }
  for (;;) {
    int r = sqlite3_step(st);
    if (r == SQLITE_DONE) break;
    if (r != SQLITE_ROW) {
      rc = (r & 0xff) == SQLITE_CONSTRAINT ? avn_fail(e, AVN_E_EXISTS, c->path, NULL, "%s", sqlite3_errmsg(c->db))
                                           : sq_fail(c, e, "step");
      goto cleanup;
    }
    if (tfn) {
      db_row row = {&sq_row_ops, st};
      if (tfn(ctx, &row)) break;
      continue;
    }
    int nc = sqlite3_column_count(st);
    if (nc > 64) nc = 64;
    for (int i = 0; i < nc; i++) cols[i] = (const char *)sqlite3_column_text(st, i);
    if (fn && fn(ctx, nc, cols)) break;
  }
cleanup:
  if (st) sq_release(st, slot);
  return rc;
}

static avn_rc sq_exec(db_conn *base, const char *sql, const char *const *params, size_t n,
                      db_row_fn fn, void *ctx, avn_err *e) {
  return sq_run(base, sql, params, n, fn, NULL, ctx, e);
}

static avn_rc sq_exec_typed(db_conn *base, const char *sql, const char *const *params, size_t n,
                            db_typed_fn fn, void *ctx, avn_err *e) {
  return sq_run(base, sql, params, n, NULL, fn, ctx, e);
}

static avn_rc sq_script(db_conn *base, const char *sql, avn_err *e) {
  sqlite_conn *c = (sqlite_conn *)base;
  char *msg = NULL;
  int r = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
  if (r != SQLITE_OK) {
    avn_rc rc = sq_code(c, sqlite3_extended_errcode(c->db), e, "exec", msg ? msg : "exec failed");
    sqlite3_free(msg);
    return rc;
  }
  return AVN_OK;
}

static avn_rc sq_begin(db_conn *c, avn_err *e) { return sq_script(c, "BEGIN IMMEDIATE", e); }
/* A deferred transaction's first read fixes its snapshot (WAL). */
static avn_rc sq_begin_read(db_conn *c, avn_err *e) {
  avn_rc rc = sq_script(c, "BEGIN", e);
  return rc ? rc : sq_exec(c, "SELECT count(*) FROM sqlite_master", NULL, 0, NULL, NULL, e);
}
static avn_rc sq_commit(db_conn *c, avn_err *e) { return sq_script(c, "COMMIT", e); }
static avn_rc sq_rollback(db_conn *base) {
  sqlite_conn *c = (sqlite_conn *)base;
  if (sqlite3_get_autocommit(c->db)) return AVN_OK;
  return sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK ? AVN_OK : AVN_E_DB;
}

static void sq_close(db_conn *base) {
  sqlite_conn *c = (sqlite_conn *)base;
  if (!c) return;
  for (size_t i = 0; i < SQ_CACHE; i++) {
    sqlite3_finalize(c->cache[i].st);
    avn_free(c->cache[i].sql);
  }
  sqlite3_close(c->db);
  avn_free(c);
}

/* A write's result is not read: SQLite has no round trip to save. */
static avn_rc sq_exec_later(db_conn *base, const char *sql, const char *const *params, size_t n, avn_err *e) {
  return sq_run(base, sql, params, n, NULL, NULL, NULL, e);
}

/* Bulk insert: one INSERT prepared for the table, bound and stepped per row. */
struct db_bulk {
  sqlite_conn *c;
  sqlite3_stmt *st;
  size_t ncol;
};

/* Nothing to save by sending reads together: a read is a function call. */
static avn_rc sq_exec_many(db_conn *base, const db_query *q, size_t n, avn_err *e) {
  avn_rc rc = AVN_OK;
  for (size_t i = 0; !rc && i < n; i++) rc = sq_exec(base, q[i].sql, q[i].params, q[i].n_params, q[i].fn, q[i].ctx, e);
  return rc;
}

static avn_rc sq_bulk_begin(db_conn *base, const char *table, const char *const *cols, size_t ncol, db_bulk **out,
                            avn_err *e) {
  sqlite_conn *c = (sqlite_conn *)base;
  avn_rc rc = AVN_OK;
  char *sql = NULL;
  db_bulk *b = avn_calloc(1, sizeof *b);
  if (!b) return AVN_E_NOMEM;
  *out = NULL;
  b->c = c;
  b->ncol = ncol;
  sql = sqlite3_mprintf("INSERT INTO \"%w\"(", table);
  for (size_t i = 0; sql && i < ncol; i++) {
    char *g = sqlite3_mprintf("%s%s\"%w\"", sql, i ? ", " : "", cols[i]);
    sqlite3_free(sql);
    sql = g;
  }
  for (size_t i = 0; sql && i <= ncol; i++) {
    char *g = sqlite3_mprintf("%s%s", sql, i == 0 ? ") VALUES(?" : i < ncol ? ", ?" : ")");
    sqlite3_free(sql);
    sql = g;
  }
  if (!sql) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  if (sqlite3_prepare_v2(c->db, sql, -1, &b->st, NULL) != SQLITE_OK) {
    rc = sq_fail(c, e, "prepare");
    goto cleanup;
  }
  *out = b;
  b = NULL;
cleanup:
  sqlite3_free(sql);
  if (b) sqlite3_finalize(b->st);
  avn_free(b);
  return rc;
}

static avn_rc sq_bulk_row(db_bulk *b, const char *const *vals, avn_err *e) {
  for (size_t i = 0; i < b->ncol; i++) {
    int r = vals[i] ? sqlite3_bind_text(b->st, (int)i + 1, vals[i], -1, SQLITE_STATIC)
                    : sqlite3_bind_null(b->st, (int)i + 1);
    if (r != SQLITE_OK) return sq_fail(b->c, e, "bind");
  }
  int r = sqlite3_step(b->st);
  sqlite3_reset(b->st);
  if (r == SQLITE_DONE) return AVN_OK;
  return (r & 0xff) == SQLITE_CONSTRAINT ? avn_fail(e, AVN_E_EXISTS, b->c->path, NULL, "%s", sqlite3_errmsg(b->c->db))
                                         : sq_fail(b->c, e, "step");
}

static avn_rc sq_bulk_end(db_bulk *b, bool ok, avn_err *e) {
  (void)ok;
  (void)e;
  if (!b) return AVN_OK;
  sqlite3_finalize(b->st);
  avn_free(b);
  return AVN_OK;
}

static const db_ops sqlite_ops;

avn_rc db_sqlite_open(const char *path, db_mode mode, db_conn **out, avn_err *e) {
  int create = mode == DB_CREATE;
  sqlite_conn *c = NULL;
  avn_rc rc = AVN_OK;
  *out = NULL;
  if (create && access(path, F_OK) == 0)
    return avn_fail(e, AVN_E_EXISTS, path, NULL, "the file already exists; choose a new name");
  if (!create && access(path, F_OK) != 0)
    return avn_fail(e, AVN_E_NOTFOUND, path, NULL, "no such study database");
  c = avn_calloc(1, sizeof *c);
  if (!c) return AVN_E_NOMEM;
  c->base.ops = &sqlite_ops;
  snprintf(c->path, sizeof c->path, "%s", path);
  int flags = mode == DB_READ ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  /* A connection is used by one thread at a time (avn serve runs its
  ** requests on one), so SQLite's per-call mutex is pure cost: a lock and
  ** unlock around every sqlite3_column_* of an export's millions of values. */
  flags |= SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK) {
    rc = sq_fail(c, e, "open");
    goto cleanup;
  }
  sqlite3_busy_timeout(c->db, 5000);
  /* Reading the header first: a file that is not SQLite fails here. Nothing
  ** is written yet: WAL (a write to the header) waits until the store has
  ** recognised an avn study (db_sqlite_wal). */
  long app = 0, ver = 0;
  rc = sq_script(&c->base, "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;", e);
  if (!rc) rc = db_sqlite_header(&c->base, &app, &ver, e);
  if (rc) {
    if (rc != AVN_E_CORRUPT && rc != AVN_E_BUSY)
      rc = avn_fail(e, AVN_E_SCHEMA, path, NULL, "not an avn study database (not a SQLite file)");
    goto cleanup;
  }
  *out = &c->base;
  c = NULL;
cleanup:
  sq_close(c ? &c->base : NULL);
  return rc;
}

static int grab_long(void *ctx, int n, const char *const *cols) {
  if (n > 0 && cols[0]) sscanf(cols[0], "%ld", (long *)ctx);
  return 1;
}

avn_rc db_sqlite_header(db_conn *c, long *app_id, long *user_version, avn_err *e) {
  *app_id = *user_version = 0;
  avn_rc rc = sq_exec(c, "PRAGMA application_id", NULL, 0, grab_long, app_id, e);
  if (rc) return rc;
  return sq_exec(c, "PRAGMA user_version", NULL, 0, grab_long, user_version, e);
}

avn_rc db_sqlite_wal(db_conn *c, avn_err *e) { return sq_script(c, "PRAGMA journal_mode=WAL;", e); }

static avn_rc sq_set_header(db_conn *c, long app_id, long user_version, avn_err *e) {
  char pragma[96];
  snprintf(pragma, sizeof pragma, "PRAGMA application_id=%ld; PRAGMA user_version=%ld;", app_id, user_version);
  return sq_script(c, pragma, e);
}

static const db_ops sqlite_ops = {
    .name = "sqlite",
    .exec = sq_exec,
    .exec_typed = sq_exec_typed,
    .exec_script = sq_script,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .close = sq_close,
    .header = db_sqlite_header,
    .set_header = sq_set_header,
    .ready = db_sqlite_wal,
    .check_sql = "PRAGMA quick_check",
    .tables_sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    .columns_sql = "SELECT name FROM pragma_table_info(?) ORDER BY cid",
    .begin_read = sq_begin_read,
    .sync_ids = NULL,
    .exec_later = sq_exec_later,
    .exec_many = sq_exec_many,
    .bulk_begin = sq_bulk_begin,
    .bulk_row = sq_bulk_row,
    .bulk_end = sq_bulk_end,
};

avn_rc db_open(const char *target, db_mode mode, db_conn **out, avn_err *e) {
  return db_is_uri(target) ? db_pg_open(target, mode, out, e) : db_sqlite_open(target, mode, out, e);
}

void db_sqlite_remove(const char *path) {
  char side[1100];
  unlink(path);
  snprintf(side, sizeof side, "%s-wal", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", path);
  unlink(side);
}

/* SQLite's online backup API, page by page into a new file. The whole copy
** is one step (-1): the source is read inside one read transaction, so on
** WAL the copy is the snapshot at its start and writers go on meanwhile
** (stepping a few pages at a time would restart whenever another
** connection writes, and might never finish under a steady writer).
** BUSY/LOCKED (a writer checkpointing, the target's lock) is retried for
** about 5 s, as the store's busy timeout. The target, made by this call,
** gets SQLite's durable commit (synchronous=FULL). */
avn_rc db_sqlite_backup(db_conn *base, const char *to, int *pages /* OUT */, avn_err *e) {
  sqlite_conn *src = (sqlite_conn *)base;
  sqlite_conn dst = {0};
  sqlite3_backup *b = NULL;
  avn_rc rc = AVN_OK;
  *pages = 0;
  snprintf(dst.path, sizeof dst.path, "%s", to);
  if (access(to, F_OK) == 0) return avn_fail(e, AVN_E_EXISTS, to, NULL, "the file already exists; choose a new name");
  if (sqlite3_open_v2(to, &dst.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
    rc = sq_fail(&dst, e, "open");
    goto cleanup;
  }
  if (sqlite3_exec(dst.db, "PRAGMA synchronous=FULL", NULL, NULL, NULL) != SQLITE_OK) {
    rc = sq_fail(&dst, e, "synchronous");
    goto cleanup;
  }
  b = sqlite3_backup_init(dst.db, "main", src->db, "main");
  if (!b) {
    rc = sq_fail(&dst, e, "backup");
    goto cleanup;
  }
  int code, tries = 0;
  while ((code = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || code == SQLITE_LOCKED) {
    if (++tries > 100) break;
    sqlite3_sleep(50);
  }
  *pages = sqlite3_backup_pagecount(b);
  int fin = sqlite3_backup_finish(b);
  b = NULL;
  if (code != SQLITE_DONE) {
    rc = sq_code(&dst, code, e, "backup", sqlite3_errstr(code));
    goto cleanup;
  }
  if (fin != SQLITE_OK) rc = sq_fail(&dst, e, "backup");
cleanup:
  if (b) sqlite3_backup_finish(b);
  sqlite3_close(dst.db);
  if (rc && dst.db) db_sqlite_remove(to);
  return rc;
}
