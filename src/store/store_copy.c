/*
** store_copy.c: a whole study copied to a new database, on either backend
** (avn migrate: a file to a PostgreSQL server; avn dump / avn backup: a
** server's study, or a file, to a new file).
**
** The copy is logical and lossless: the target gets the schema by the same
** migrations, then every table's rows with their ids, column by column as
** text, in foreign-key order; the audit trail and its signed checkpoint
** are copied row for row, so `avn audit --verify` replays the same chain
** on both sides. The source is read in one snapshot (db_ops.begin_read),
** so a copy taken while others write is consistent (a backup); the target
** is written in one transaction: a failed copy leaves no study behind (a
** half-made file is removed; a server's database is rolled back to empty).
**
** Every table of the source must be one this avn knows (copy_tables):
** a table it does not know is refused, never silently left out.
**
** Costs: the target's bulk insert (db.h: COPY on PostgreSQL, one prepared
** INSERT reused on SQLite), inside one transaction. Each source table is
** read as a stream (db.h exec_typed: COPY ... TO STDOUT on PostgreSQL, SQLite's
** steps), each row handed to the bulk insert as it arrives, so memory is
** one row plus the bulk insert's buffer at any size of study.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"
#include "store/schema.h"
#include "store/store_int.h"

/* Parents before children (foreign keys hold at every insert). */
static const char *const copy_tables[] = {
    "study", "site", "screening", "screening_attempt", "patient", "identity", "hip", "event", "form",
    "item_value", "audit", "checkpoint", "deviation_ack", "adjudication", "account", "account_site", "session",
    "query", "query_message", "signature", "protocol_version"};
#define N_COPY_TABLES (sizeof copy_tables / sizeof copy_tables[0])

typedef struct {
  char **v;
  size_t n;
  avn_rc rc;
} name_list;

static int name_row(void *ctx, int n, const char *const *c) {
  name_list *l = ctx;
  if (n < 1 || !c[0]) return 0;
  char **g = avn_reallocarray(l->v, l->n + 1, sizeof *g);
  if (!g || !(g[l->n] = avn_strdup(c[0]))) {
    if (g) l->v = g;
    l->rc = AVN_E_NOMEM;
    return 1;
  }
  l->v = g;
  l->n++;
  return 0;
}

static void name_list_free(name_list *l) {
  for (size_t i = 0; i < l->n; i++) avn_free(l->v[i]);
  avn_free(l->v);
  memset(l, 0, sizeof *l);
}

typedef struct {
  db_conn *to;
  db_bulk *bulk;
  size_t ncol;
  const char **vals;   /* ncol borrowed columns of the current row */
  int64_t rows;
  avn_rc rc;
  avn_err *e;
} copy_ctx;

/* One streamed row (valid only in this call) into the target's bulk insert. */
static int copy_row(void *ctx, const db_row *row) {
  copy_ctx *k = ctx;
  for (size_t i = 0; i < k->ncol; i++) k->vals[i] = db_text(row, (int)i);
  k->rc = k->to->ops->bulk_row(k->bulk, k->vals, k->e);
  if (k->rc) return 1;
  k->rows++;
  return 0;
}

/* One table: its columns from the source, every row into the target by
** the backend's bulk insert (db.h). */
static avn_rc copy_table(db_conn *from, db_conn *to, const char *table, int64_t *rows, avn_err *e) {
  name_list cols = {0};
  avn_buf sel;
  copy_ctx k = {.to = to, .e = e};
  avn_buf_init(&sel, 1 << 16);
  const char *p[1] = {table};
  avn_rc rc = from->ops->exec(from, from->ops->columns_sql, p, 1, name_row, &cols, e);
  if (!rc) rc = cols.rc;
  if (!rc && cols.n == 0) rc = avn_fail(e, AVN_E_SCHEMA, "table", table, "the source study has no such table");
  if (rc) goto cleanup;
  rc = avn_buf_puts(&sel, "SELECT ");
  for (size_t i = 0; !rc && i < cols.n; i++) rc = avn_buf_printf(&sel, "%s%s", i ? ", " : "", cols.v[i]);
  /* A stable order (the first column: the id or the key's first part). */
  if (!rc) rc = avn_buf_printf(&sel, " FROM %s ORDER BY 1", table);
  if (rc) goto cleanup;
  k.ncol = cols.n;
  k.vals = avn_calloc(cols.n, sizeof *k.vals);
  if (!k.vals) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  rc = to->ops->bulk_begin(to, table, (const char *const *)cols.v, cols.n, &k.bulk, e);
  if (rc) goto cleanup;
  rc = from->ops->exec_typed(from, avn_buf_str(&sel), NULL, 0, copy_row, &k, e);
  if (!rc) rc = k.rc;
  avn_rc erc = to->ops->bulk_end(k.bulk, !rc, e);
  k.bulk = NULL;
  if (!rc) rc = erc;
  if (!rc && to->ops->sync_ids) rc = to->ops->sync_ids(to, table, e);
  *rows += k.rows;
cleanup:
  avn_free(k.vals);
  name_list_free(&cols);
  avn_buf_free(&sel);
  return rc;
}

avn_rc store_copy(const char *from_target, const char *to_target, store_copy_result *out, avn_err *e) {
  store *src = NULL, *dst = NULL;
  name_list tables = {0};
  bool created = false, in_tx = false;
  avn_rc rc;
  memset(out, 0, sizeof *out);
  rc = store_open_read(from_target, &src, e);
  if (rc) return rc;
  dst = avn_calloc(1, sizeof *dst);
  if (!dst) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  snprintf(dst->path, sizeof dst->path, "%s", to_target);
  rc = src->db->ops->begin_read(src->db, e);
  if (rc) goto cleanup;
  /* Every table the source has is one this avn copies. */
  rc = src->db->ops->exec(src->db, src->db->ops->tables_sql, NULL, 0, name_row, &tables, e);
  if (!rc) rc = tables.rc;
  if (rc) goto cleanup;
  for (size_t i = 0; i < tables.n; i++) {
    bool known = false;
    for (size_t k = 0; k < N_COPY_TABLES; k++) known |= !strcmp(tables.v[i], copy_tables[k]);
    known |= !strcmp(tables.v[i], "avn_site_role");   /* a server's permission (store_grant.c), not copied */
    if (!known) {
      rc = avn_fail(e, AVN_E_SCHEMA, "table", tables.v[i], "the study has a table this avn does not know how to "
                    "copy: nothing was copied");
      goto cleanup;
    }
  }
  rc = db_open(to_target, DB_CREATE, &dst->db, e);
  if (rc) goto cleanup;
  created = !db_is_uri(to_target);
  rc = dst->db->ops->ready(dst->db, e);
  if (!rc) rc = dst->db->ops->begin(dst->db, e);
  if (rc) goto cleanup;
  in_tx = true;
  rc = store_run_migrations(dst, 0, e);
  for (size_t k = 0; !rc && k < N_COPY_TABLES; k++) {
    int64_t before = out->rows;
    rc = copy_table(src->db, dst->db, copy_tables[k], &out->rows, e);
    if (!rc && !strcmp(copy_tables[k], "audit")) out->audit_rows = out->rows - before;
  }
  if (!rc) out->tables = N_COPY_TABLES;
  if (!rc) rc = dst->db->ops->commit(dst->db, e);
  if (rc) goto cleanup;
  in_tx = false;
cleanup:
  if (in_tx) dst->db->ops->rollback(dst->db);
  if (src && src->db) src->db->ops->rollback(src->db);
  if (dst && dst->db) dst->db->ops->close(dst->db);
  avn_free(dst);
  store_close(src);
  name_list_free(&tables);
  if (rc && created) db_sqlite_remove(to_target);
  return rc;
}
