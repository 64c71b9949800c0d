/*
** store_part.c: one site's part of a study in a file (avn dump --site), and
** what the audit check needs to know about a part.
**
** A part is made by copying the whole study into the new file (store_copy,
** one snapshot) and then, in one transaction on the file, deleting every
** row that is not the site's: other sites, their screenings, patients and
** everything hanging off them (identities, hips, schedule, forms, values,
** adjudications, queries, signatures, acknowledged findings), users who
** work only at other sites, and every session. The file is then vacuumed
** with secure_delete on, so no page of the file keeps another site's data.
**
** The audit trail is one chain over all sites: the part keeps the records
** of what it holds (the study, its protocol versions, the site, its
** screenings, patients, queries and findings, its users), which no longer
** form a chain by themselves. Two tables say what it was cut from:
**   site_part(site, rows, head)   the whole chain's length and head hash
**                                 (the ones the signed checkpoint signs)
**   site_part_link(id, prev)      for each kept row, the hash of the row
**                                 before it in the whole chain
** so `avn audit --verify` on a part checks each row's own hash against its
** predecessor's, every link where two kept rows are neighbours, the signed
** checkpoint against the whole chain's length and head, and the replay of
** the part's records against its tables. It cannot check that no record of
** the site was left out (the rows between are not there): it says it is a
** site's part, and the whole chain is verified on the study itself.
**
** A part is for handing data in and reading offline; opening it to write
** is refused (open_study, store.c): a new row would follow the part's last
** row, not the whole chain's head. Its users read it without a session row
** (store_part_login, store_user.c): logging in would be a write.
**
** Ownership: store_part_load fills a store_part_links the caller frees with
** store_part_free.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "store/store_int.h"

/* --- reading a part's links (store_each_audit) --------------------------- */

static int part_head_row(void *ctx, int n, const char *const *c) {
  store_part_links *l = ctx;
  if (n < 3) return 1;
  snprintf(l->site, sizeof l->site, "%s", c[0] ? c[0] : "");
  l->whole_rows = c[1] ? strtoll(c[1], NULL, 10) : 0;
  snprintf(l->whole_head, sizeof l->whole_head, "%s", c[2] ? c[2] : "");
  return 0;
}

static int part_link_row(void *ctx, int n, const char *const *c) {
  store_part_links *l = ctx;
  if (n < 2 || !c[0]) return 1;
  if (avn_grow((void **)&l->id, &l->cap, l->n + 1, sizeof *l->id)) return l->nomem = true;
  char(*p)[65] = avn_reallocarray(l->prev, l->cap, sizeof *l->prev);   /* in step with id */
  if (!p) return l->nomem = true;
  l->prev = p;
  l->id[l->n] = strtoll(c[0], NULL, 10);
  snprintf(l->prev[l->n], sizeof l->prev[l->n], "%s", c[1] ? c[1] : "");
  l->n++;
  return 0;
}

static int count_row(void *ctx, int n, const char *const *c) {
  if (n > 0 && c[0]) *(int64_t *)ctx = strtoll(c[0], NULL, 10);
  return 0;
}

avn_rc store_part_head(store *s, store_part_links *out, avn_err *e) {
  memset(out, 0, sizeof *out);
  if (db_is_uri(s->path)) return AVN_OK;   /* a part is a file */
  int64_t has = 0;
  avn_rc rc = store_q(s, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'site_part'", NULL, 0,
                      count_row, &has, e);
  if (!rc && has) rc = store_q(s, "SELECT site, rows, head FROM site_part", NULL, 0, part_head_row, out, e);
  return rc;
}

avn_rc store_part_load(store *s, store_part_links *out, avn_err *e) {
  avn_rc rc = store_part_head(s, out, e);
  if (rc || !out->site[0]) return rc;
  rc = store_q(s, "SELECT id, prev FROM site_part_link ORDER BY id", NULL, 0, part_link_row, out, e);
  if (!rc && out->nomem) rc = avn_fail(e, AVN_E_NOMEM, "audit", NULL, "out of memory");
  if (rc) store_part_free(out);
  return rc;
}

avn_rc store_part_site(store *s, char site[64], avn_err *e) {
  store_part_links h;
  avn_rc rc = store_part_head(s, &h, e);
  snprintf(site, 64, "%s", rc ? "" : h.site);
  return rc;
}

const char *store_part_prev(const store_part_links *l, int64_t id) {
  size_t lo = 0, hi = l->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (l->id[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo < l->n && l->id[lo] == id ? l->prev[lo] : NULL;
}

void store_part_free(store_part_links *l) {
  avn_free(l->id);
  avn_free(l->prev);
  memset(l, 0, sizeof *l);
}

/* --- cutting a part (avn dump --site) ------------------------------------ */

typedef struct {
  char **v;
  size_t n, cap;
  bool nomem;
} key_set;

static int key_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int key_row(void *ctx, int n, const char *const *c) {
  key_set *k = ctx;
  if (n < 1 || !c[0]) return 0;
  if (avn_grow((void **)&k->v, &k->cap, k->n + 1, sizeof *k->v) || !(k->v[k->n] = avn_strdup(c[0])))
    return k->nomem = true;
  k->n++;
  return 0;
}

static void key_set_free(key_set *k) {
  for (size_t i = 0; i < k->n; i++) avn_free(k->v[i]);
  avn_free(k->v);
  memset(k, 0, sizeof *k);
}

static bool key_has(const key_set *k, const char *key) {
  return bsearch(&key, k->v, k->n, sizeof *k->v, key_cmp) != NULL;
}

/* Whether an audit record (record, field) is the part's: the study's own,
** or one whose first part ("patient P", "screening S", "query 7", "user U",
** "site C"; a finding "finding KIND/P/..." by its patient) is kept; a user's
** link to another site, and sessions, are not. */
static bool record_kept(const key_set *kept, const char *site_key, const char *record, const char *field) {
  char key[200];
  if (!strcmp(record, "study") || !strncmp(record, "protocol version ", 17)) return true;
  if (!strncmp(record, "user ", 5) && field && !strncmp(field, "site ", 5) && strcmp(field, site_key) != 0)
    return false;
  return store_record_key(record, key, sizeof key) && key_has(kept, key);
}

typedef struct {
  db_conn *c;
  const key_set *kept;
  const char *site_key;
  avn_rc rc;
  avn_err *e;
} keep_ctx;

/* One row (id, record, field) of the scan: its id into part_keep when it is
** the site's, at once (SQLite runs the insert beside the scan), so memory
** does not grow with the study. */
static int keep_row(void *ctx, int n, const char *const *c) {
  keep_ctx *k = ctx;
  if (n < 3 || !c[0] || !c[1]) return 1;
  if (!record_kept(k->kept, k->site_key, c[1], c[2])) return 0;
  const char *p[1] = {c[0]};
  k->rc = k->c->ops->exec(k->c, "INSERT INTO part_keep(id) VALUES(?)", p, 1, NULL, NULL, k->e);
  return k->rc != AVN_OK;
}

/* Keeps the rows of table (audit, deviation_ack) whose record scan (its
** SELECT of id, record, field) says are the site's; deletes the rest in
** one statement. */
static avn_rc keep_only(keep_ctx *k, const char *table, const char *scan) {
  char sql[160];
  avn_rc rc = k->c->ops->exec_script(k->c, "DELETE FROM part_keep", k->e);
  if (!rc) rc = k->c->ops->exec(k->c, scan, NULL, 0, keep_row, k, k->e);
  if (!rc) rc = k->rc;
  snprintf(sql, sizeof sql, "DELETE FROM %s WHERE id NOT IN (SELECT id FROM part_keep)", table);
  if (!rc) rc = k->c->ops->exec(k->c, sql, NULL, 0, NULL, NULL, k->e);
  return rc;
}

/* Rows of other sites, children before parents (foreign keys hold). ? (at
** most one) is the site's id. */
#define OTHER_PATIENTS "SELECT id FROM patient WHERE site_id <> ?"
static const char *const part_deletes[] = {
    "DELETE FROM session",
    "DELETE FROM query_message WHERE query_id IN (SELECT id FROM query WHERE patient_id IN (" OTHER_PATIENTS "))",
    "DELETE FROM query WHERE patient_id IN (" OTHER_PATIENTS ")",
    "DELETE FROM signature WHERE patient_id IN (" OTHER_PATIENTS ")",
    "DELETE FROM adjudication WHERE patient_id IN (" OTHER_PATIENTS ")",
    "DELETE FROM item_value WHERE form_id IN (SELECT id FROM form WHERE patient_id IN (" OTHER_PATIENTS "))",
    "DELETE FROM form WHERE patient_id IN (" OTHER_PATIENTS ")",
    "DELETE FROM event WHERE patient_id IN (" OTHER_PATIENTS ")",
    "DELETE FROM hip WHERE patient_id IN (" OTHER_PATIENTS ")",
    "DELETE FROM identity WHERE patient_id IN (" OTHER_PATIENTS ")",
    "DELETE FROM patient WHERE site_id <> ?",
    "DELETE FROM screening_attempt WHERE screening_id IN (SELECT id FROM screening WHERE site_id <> ?)",
    "DELETE FROM screening_attempt WHERE site_id <> ?",
    "DELETE FROM screening WHERE site_id <> ?",
    /* users who work at other sites only (no link to this one, some link) */
    "CREATE TEMP TABLE part_gone AS SELECT id FROM account WHERE id IN (SELECT account_id FROM account_site)"
    " AND id NOT IN (SELECT account_id FROM account_site WHERE site_id = ?)",
    "DELETE FROM account_site WHERE site_id <> ?",
    "DELETE FROM account WHERE id IN (SELECT id FROM part_gone)",
    "DELETE FROM site WHERE id <> ?",
};

/* The site's records' keys (record_kept), read before anything is deleted. */
static const char kept_sql[] =
    "SELECT 'site ' || code FROM site WHERE id = ?1"
    " UNION ALL SELECT 'screening ' || code FROM screening WHERE site_id = ?1"
    " UNION ALL SELECT 'patient ' || code FROM patient WHERE site_id = ?1"
    " UNION ALL SELECT 'query ' || q.id FROM query q JOIN patient p ON p.id = q.patient_id WHERE p.site_id = ?1"
    " UNION ALL SELECT 'user ' || name FROM account WHERE id IN (SELECT account_id FROM account_site WHERE site_id = ?1)"
    "   OR id NOT IN (SELECT account_id FROM account_site)";

static avn_rc cut_part(db_conn *c, const char *site, int64_t *kept_rows, avn_err *e) {
  char *site_id = NULL;
  key_set kept = {0}, site_ids = {0};
  keep_ctx k = {.c = c, .kept = &kept, .e = e};
  char site_key[80];
  avn_rc rc;
  const char *p1[1] = {site};
  rc = c->ops->exec(c, "SELECT id FROM site WHERE code = ?", p1, 1, key_row, &site_ids, e);
  if (!rc && site_ids.nomem) rc = AVN_E_NOMEM;
  if (!rc && site_ids.n != 1) rc = avn_fail(e, AVN_E_NOTFOUND, "--site", site, "no such site in this study");
  if (rc) goto cleanup;
  site_id = site_ids.v[0];
  const char *pid[1] = {site_id};
  snprintf(site_key, sizeof site_key, "site %.60s", site);
  k.site_key = site_key;
  rc = c->ops->exec(c, kept_sql, pid, 1, key_row, &kept, e);
  if (!rc && kept.nomem) rc = AVN_E_NOMEM;
  if (rc) goto cleanup;
  qsort(kept.v, kept.n, sizeof *kept.v, key_cmp);
  rc = c->ops->exec_script(c, "CREATE TABLE site_part(site TEXT NOT NULL, rows INTEGER NOT NULL, head TEXT NOT NULL);"
                           "CREATE TABLE site_part_link(id INTEGER PRIMARY KEY, prev TEXT NOT NULL);"
                           "INSERT INTO site_part_link(id, prev) SELECT a.id, coalesce(b.hash, '') FROM audit a"
                           " LEFT JOIN audit b ON b.id = a.id - 1", e);
  if (!rc)
    rc = c->ops->exec(c, "INSERT INTO site_part(site, rows, head) SELECT ?, count(*),"
                      " coalesce((SELECT hash FROM audit ORDER BY id DESC LIMIT 1), '') FROM audit", p1, 1, NULL,
                      NULL, e);
  /* The audit rows and acknowledged findings that are not the site's. */
  if (!rc) rc = c->ops->exec_script(c, "CREATE TEMP TABLE part_keep(id INTEGER PRIMARY KEY)", e);
  if (!rc) rc = keep_only(&k, "audit", "SELECT id, record, field FROM audit");
  if (!rc) rc = keep_only(&k, "deviation_ack", "SELECT id, 'finding ' || finding, NULL FROM deviation_ack");
  for (size_t i = 0; !rc && i < sizeof part_deletes / sizeof part_deletes[0]; i++)
    rc = c->ops->exec(c, part_deletes[i], pid, strchr(part_deletes[i], '?') ? 1 : 0, NULL, NULL, e);
  if (!rc) rc = c->ops->exec_script(c, "DELETE FROM site_part_link WHERE id NOT IN (SELECT id FROM audit);"
                                    "DROP TABLE part_gone; DROP TABLE part_keep", e);
  if (!rc) rc = c->ops->exec(c, "SELECT count(*) FROM audit", NULL, 0, count_row, kept_rows, e);
cleanup:
  key_set_free(&kept);
  key_set_free(&site_ids);
  return rc;
}

avn_rc store_dump_site(const char *from, const char *to, const char *site, store_copy_result *out, avn_err *e) {
  db_conn *c = NULL;
  bool in_tx = false;
  if (db_is_uri(to)) return avn_fail(e, AVN_E_USAGE, "--site", site, "a site's part is written to a new file");
  avn_rc rc = store_copy(from, to, out, e);
  if (rc) return rc;
  rc = db_open(to, DB_WRITE, &c, e);
  /* Deleted rows' bytes are overwritten, and the file rebuilt after. */
  if (!rc) rc = c->ops->exec_script(c, "PRAGMA secure_delete=ON", e);
  if (!rc) rc = c->ops->begin(c, e);
  if (rc) goto cleanup;
  in_tx = true;
  rc = cut_part(c, site, &out->audit_rows, e);
  if (!rc) rc = c->ops->commit(c, e);
  if (rc) goto cleanup;
  in_tx = false;
  rc = c->ops->exec_script(c, "VACUUM; PRAGMA wal_checkpoint(TRUNCATE)", e);
cleanup:
  if (in_tx) c->ops->rollback(c);
  if (c) c->ops->close(c);
  if (rc) db_sqlite_remove(to);
  return rc;
}
