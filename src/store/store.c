/*
** store.c: the write path and the snapshot reader (see store.h).
**
** Every public write has the same shape: validate what needs no database,
** BEGIN, validate what does (the patient exists, the hip is theirs, the
** visit date is after enrolment), write, append audit rows, COMMIT; any
** failure after BEGIN rolls back. Reads load a whole study (or one patient)
** in a fixed number of queries, never one per row.
*/
#include "store/store.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/mem.h"
#include "core/text.h"
#include "protocol/schedule.h"
#include "store/db.h"
#include "store/schema.h"
#include "store/store_int.h"


/* --- small query helpers ------------------------------------------------ */

avn_rc store_q(store *s, const char *sql, const char *const *p, size_t n, db_row_fn fn, void *ctx,
                avn_err *e) {
  return s->db->ops->exec(s->db, sql, p, n, fn, ctx, e);
}

avn_rc store_q_later(store *s, const char *sql, const char *const *p, size_t n, avn_err *e) {
  return s->db->ops->exec_later(s->db, sql, p, n, e);
}

avn_rc store_q_typed(store *s, const char *sql, const char *const *p, size_t n, db_typed_fn fn, void *ctx,
                     avn_err *e) {
  return s->db->ops->exec_typed(s->db, sql, p, n, fn, ctx, e);
}

typedef struct { char *v; bool found, nomem; } one_ctx;

static int one_row(void *ctx, int n, const char *const *cols) {
  one_ctx *o = ctx;
  o->found = true;
  o->v = (n > 0 && cols[0]) ? avn_strdup(cols[0]) : NULL;
  o->nomem = n > 0 && cols[0] && !o->v;
  return 1;
}

avn_rc store_q_one(store *s, const char *sql, const char *const *p, size_t n, char **out,
                    bool *found, avn_err *e) {
  one_ctx o = {0};
  avn_rc rc = store_q(s, sql, p, n, one_row, &o, e);
  if (!rc && o.nomem) rc = AVN_E_NOMEM;
  if (rc) { avn_free(o.v); return rc; }
  *out = o.v;
  if (found) *found = o.found;
  return AVN_OK;
}

typedef struct { char **cols; size_t n; bool found, nomem; } row_ctx;

static int row_cb(void *ctx, int n, const char *const *c) {
  row_ctx *r = ctx;
  r->found = true;
  for (size_t i = 0; i < r->n && (int)i < n; i++) {
    r->cols[i] = c[i] ? avn_strdup(c[i]) : NULL;
    r->nomem |= c[i] && !r->cols[i];
  }
  return 1;
}

avn_rc store_q_row(store *s, const char *sql, const char *const *p, size_t n, char **cols, size_t ncols,
                   bool *found, avn_err *e) {
  row_ctx r = {cols, ncols, false, false};
  for (size_t i = 0; i < ncols; i++) cols[i] = NULL;
  avn_rc rc = store_q(s, sql, p, n, row_cb, &r, e);
  if (!rc && r.nomem) rc = AVN_E_NOMEM;
  if (rc) store_row_free(cols, ncols);
  if (found) *found = !rc && r.found;
  return rc;
}

avn_rc store_q_rows(store *s, store_row_read *r, size_t n, avn_err *e) {
  row_ctx rc_[STORE_ROWS_MAX] = {0};
  db_query q[STORE_ROWS_MAX] = {0};
  if (n > STORE_ROWS_MAX) return avn_fail(e, AVN_E_STATE, "store", NULL, "more than %d reads at once", STORE_ROWS_MAX);
  for (size_t i = 0; i < n; i++) {
    rc_[i] = (row_ctx){r[i].cols, r[i].ncols, false, false};
    for (size_t k = 0; k < r[i].ncols; k++) r[i].cols[k] = NULL;
    q[i] = (db_query){r[i].sql, r[i].p, r[i].n, r[i].fn ? r[i].fn : row_cb, r[i].fn ? r[i].ctx : &rc_[i]};
  }
  avn_rc rc = s->db->ops->exec_many(s->db, q, n, e);
  for (size_t i = 0; i < n; i++) {
    if (!rc && rc_[i].nomem) rc = AVN_E_NOMEM;
    r[i].found = rc_[i].found;
  }
  if (rc)
    for (size_t i = 0; i < n; i++) store_row_free(r[i].cols, r[i].ncols);
  return rc;
}

void store_row_free(char **cols, size_t ncols) {
  for (size_t i = 0; i < ncols; i++) {
    avn_free(cols[i]);
    cols[i] = NULL;
  }
}

void store_now_iso(char out[32]) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

const char *store_user_default(void) {
  const char *u = getenv("AVN_USER");
  if (u && *u) return u;
  u = getenv("USER");
  return u && *u ? u : "unknown";
}

/* --- the patient, for the write path ------------------------------------ */

void store_patient_row_free(store_patient_row *p) {
  avn_free(p->pid);
  avn_free(p->enrolled);
  avn_free(p->birth);
  avn_free(p->withdrawn);
  memset(p, 0, sizeof *p);
}

avn_rc store_patient_find(store *s, const char *code, store_patient_row *out, avn_err *e) {
  char *cols[4];
  bool found = false;
  const char *p[1] = {code};
  memset(out, 0, sizeof *out);
  avn_rc rc = store_q_row(s, STORE_PATIENT_SQL, p, 1, cols, 4, &found, e);
  return rc ? rc : store_patient_take(s, code, cols, found, out, e);
}

avn_rc store_patient_take(store *s, const char *code, char *cols[4], bool found, store_patient_row *out,
                          avn_err *e) {
  char *scr = NULL;
  bool screened = false;
  avn_rc rc = AVN_OK;
  const char *p[1] = {code};
  *out = (store_patient_row){cols[0], cols[1], cols[2], cols[3]};
  if (found) return AVN_OK;
  /* A screening number given where a study id belongs: say what it is. */
  rc = store_q_one(s, "SELECT coalesce(p.code, '') FROM screening sc LEFT JOIN patient p ON p.screening_id = sc.id"
                      " WHERE sc.code=?", p, 1, &scr, &screened, e);
  if (rc) goto cleanup;
  if (screened && scr && scr[0])
    rc = avn_fail(e, AVN_E_NOTFOUND, "patient", code,
                  "no such patient in this study: %s is a screening number, enrolled as patient %s", code, scr);
  else if (screened)
    rc = avn_fail(e, AVN_E_NOTFOUND, "patient", code,
                  "no such patient in this study: screening %s was never enrolled (avn enroll first)", code);
  else
    rc = avn_fail(e, AVN_E_NOTFOUND, "patient", code, "no such patient in this study");
cleanup:
  if (rc) store_patient_row_free(out);
  avn_free(scr);
  return rc;
}

avn_rc store_id_unused(store *s, const char *table, const char *code, const char *rule, avn_err *e) {
  char key[AVN_ID_MAX + 1], sql[96], *have = NULL;
  bool found = false;
  avn_id_key(code, key, sizeof key);
  snprintf(sql, sizeof sql, "SELECT code FROM %s WHERE upper(code)=?", table);
  const char *p[1] = {key};
  avn_rc rc = store_q_one(s, sql, p, 1, &have, &found, e);
  if (!rc && found)
    rc = !strcmp(have, code) ? avn_fail(e, AVN_E_EXISTS, table, code, "%s", rule)
                             : avn_fail(e, AVN_E_EXISTS, table, code, "%s (as '%s': identifiers differing only in "
                                        "case are the same)", rule, have);
  avn_free(have);
  return rc;
}

/* --- audit: a hash chain ------------------------------------------------- */

static void hash_field(crypto_generichash_state *h, const char *s) {
  /* Length-prefixed, so ("ab","c") and ("a","bc") hash differently. */
  uint64_t len = s ? strlen(s) : UINT64_MAX;
  crypto_generichash_update(h, (const unsigned char *)&len, sizeof len);
  if (s) crypto_generichash_update(h, (const unsigned char *)s, strlen(s));
}

void store_text_hash(const char *text, char out[65]) {
  unsigned char d[32];
  crypto_generichash(d, sizeof d, (const unsigned char *)text, strlen(text), NULL, 0);
  sodium_bin2hex(out, 65, d, sizeof d);
}

static void audit_hash(const char *prev, const char *const f[8], char out[65]) {
  unsigned char d[32];
  crypto_generichash_state h;
  crypto_generichash_init(&h, NULL, 0, sizeof d);
  hash_field(&h, prev);
  for (int i = 0; i < 8; i++) hash_field(&h, f[i]);
  crypto_generichash_final(&h, d, sizeof d);
  sodium_bin2hex(out, 65, d, sizeof d);
}

avn_rc store_audit(store *s, const char *user, const char *action, const char *record,
                    const char *field, const char *old_v, const char *new_v, const char *reason,
                    avn_err *e) {
  char at[80], hash[65];
  /* Every accepted change passes here: who and why are validated once; in
  ** a study with named users, who is the session's user (store_user.c). */
  avn_rc vrc = store_writer(s, user, &user, e);
  if (!vrc) vrc = store_audit_permit(s, action, record, field, old_v, e);
  if (!vrc) vrc = store_lock_guard(s, action, record, e);
  if (vrc) return vrc;
  vrc = avn_text_check("--user", user, AVN_TEXT_USER, 0, e);
  if (!vrc && reason) vrc = avn_text_check("--reason", reason, AVN_TEXT_REASON, 0, e);
  if (vrc) return vrc;
  store_now_iso(at);
  const char *o = getenv("AVN_TODAY");
  if (o && *o) {   /* a write made with "today" moved says so in its trail */
    size_t n = strlen(at);
    snprintf(at + n, sizeof at - n, " (AVN_TODAY=%.20s)", o);
  }
  /* The id is the head's plus one, given, not drawn from a sequence: ids
  ** run 1..n without gaps on every backend (a PostgreSQL sequence skips
  ** the numbers of rolled-back writes). The write transaction holds the
  ** head (db.h's begin), so no other writer reads the same one. */
  char next_id[24];
  avn_rc rc = store_tx_head(s, e);
  if (rc) return rc;
  snprintf(next_id, sizeof next_id, "%lld", strtoll(s->head_id, NULL, 10) + 1);
  const char *f[8] = {at, user, action, record, field, old_v, new_v, reason};
  audit_hash(s->head_hash, f, hash);
  const char *p[10] = {next_id, at, user, action, record, field, old_v, new_v, reason, hash};
  s->audit_dirty = true;
  /* Nothing reads its result: it goes with the next statement (a failure
  ** there fails this transaction all the same). */
  rc = store_q_later(s, "INSERT INTO audit(id,at,user,action,record,field,old_value,new_value,reason,hash)"
                     " VALUES(?,?,?,?,?,?,?,?,?,?)", p, 10, e);
  if (rc) {
    s->head_known = false;
    return rc;
  }
  snprintf(s->head_id, sizeof s->head_id, "%s", next_id);
  snprintf(s->head_hash, sizeof s->head_hash, "%s", hash);
  /* A change to signed data takes the signature away, in the same transaction. */
  return store_sign_clear(s, user, action, record, e);
}

avn_rc store_tx_head(store *s, avn_err *e) {
  char *last[4] = {NULL, NULL, NULL, NULL};
  if (s->head_known) return AVN_OK;
  avn_rc rc = store_q_row(s, STORE_HEAD_SQL, NULL, 0, last, 4, NULL, e);
  if (!rc) store_tx_head_take(s, last);
  return rc;
}

void store_tx_head_take(store *s, char *cols[4]) {
  snprintf(s->head_id, sizeof s->head_id, "%s", cols[0] ? cols[0] : "0");
  snprintf(s->head_hash, sizeof s->head_hash, "%s", cols[1] ? cols[1] : "");
  s->cp_found = cols[2] != NULL;
  snprintf(s->cp_key, sizeof s->cp_key, "%s", cols[3] ? cols[3] : "");
  store_row_free(cols, 4);
  s->head_known = true;
}

typedef struct {
  const char *like;
  store_audit_fn fn;
  void *ctx;
  char prev[65];
  store_chain *chain;
  bool stopped;
  char **hidden;             /* records of other sites' patients, screenings, queries: sorted */
  size_t n_hidden, cap_hidden;
  bool nomem;
  store_part_links part;     /* a site's part: each row's predecessor in the whole chain */
  int64_t last_id;
} audit_iter;

static int str_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int hidden_row(void *ctx, int n, const char *const *c) {
  audit_iter *it = ctx;
  (void)n;
  if (avn_grow((void **)&it->hidden, &it->cap_hidden, it->n_hidden + 1, sizeof *it->hidden)) return it->nomem = true;
  it->hidden[it->n_hidden] = avn_strdup(c[0]);
  if (!it->hidden[it->n_hidden++]) return it->nomem = true;
  return 0;
}

/* Whether a row's record belongs to a patient, screening or query the reader
** may not see: "patient P / ..." and "screening S" by their first part, a
** finding "finding KIND/P/..." by its patient. O(log n). */
bool store_record_key(const char *record, char *key, size_t n) {
  if (!strncmp(record, "finding ", 8)) {
    const char *p = strchr(record, '/');
    if (!p) return false;
    snprintf(key, n, "patient %.*s", (int)strcspn(p + 1, "/"), p + 1);
  } else {
    const char *sep = strstr(record, " / ");
    snprintf(key, n, "%.*s", sep ? (int)(sep - record) : (int)strlen(record), record);
  }
  return true;
}

static bool row_hidden(const audit_iter *it, const char *record) {
  char key[160];
  if (!it->n_hidden || !store_record_key(record, key, sizeof key)) return false;
  const char *k = key;
  return bsearch(&k, it->hidden, it->n_hidden, sizeof *it->hidden, str_cmp) != NULL;
}

static int audit_row(void *ctx, int n, const char *const *c) {
  audit_iter *it = ctx;
  store_chain *ch = it->chain;
  if (n < 11) return 1;
  const char *f[8] = {c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]};
  char want[65];
  int64_t id = strtoll(c[0], NULL, 10);
  const char *prev = it->prev;
  bool in_order = id == ch->rows + 1;
  if (it->part.n) {
    /* A part: the row's predecessor is in the whole chain; where it is in
    ** the part too, the two agree. */
    const char *lp = store_part_prev(&it->part, id);
    in_order = lp && id > it->last_id && (id != it->last_id + 1 || !strcmp(lp, it->prev));
    prev = lp ? lp : "";
  }
  it->last_id = id;
  audit_hash(prev, f, want);
  ch->rows++;
  /* ids run 1..n: a row deleted inside the trail shows even if the chain
  ** were recomputed around it. */
  if (ch->chain_ok && (!c[9] || strcmp(want, c[9]) != 0 || !in_order)) {
    ch->chain_ok = false;
    ch->bad_row = id;
  }
  snprintf(it->prev, sizeof it->prev, "%s", c[9] ? c[9] : "");
  if (it->stopped || (it->like && !strstr(c[4], it->like)) || row_hidden(it, c[4])) return 0;
  store_audit_row r = {id, c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]};
  if (it->fn && it->fn(it->ctx, &r)) it->stopped = true;
  return 0;
}

avn_rc store_each_audit(store *s, const char *record_like, store_audit_fn fn, void *ctx, store_chain *chain,
                        avn_err *e) {
  store_chain local;
  if (!chain) chain = &local;
  memset(chain, 0, sizeof *chain);
  chain->chain_ok = true;
  audit_iter it = {.like = record_like, .fn = fn, .ctx = ctx, .chain = chain};
  char sites[128], sql[640];
  avn_rc rc = AVN_OK;
  /* Rows shown (fn) are the reader's sites' only; the chain is checked whole. */
  if (fn) rc = store_read_scope(s, NULL, NULL, sites, sizeof sites, e);
  if (!rc && fn && sites[0]) {
    snprintf(sql, sizeof sql, "SELECT 'patient ' || code FROM patient WHERE site_id NOT IN %s"
             " UNION ALL SELECT 'screening ' || code FROM screening WHERE site_id NOT IN %s"
             " UNION ALL SELECT 'query ' || q.id FROM query q JOIN patient p ON p.id = q.patient_id"
             " WHERE p.site_id NOT IN %s", sites, sites, sites);
    rc = store_q(s, sql, NULL, 0, hidden_row, &it, e);
    if (!rc && it.nomem) rc = avn_fail(e, AVN_E_NOMEM, "audit", NULL, "out of memory");
    if (!rc) qsort(it.hidden, it.n_hidden, sizeof *it.hidden, str_cmp);
  }
  if (!rc) rc = store_part_load(s, &it.part, e);
  if (!rc) rc = store_q(s, "SELECT id,at,user,action,record,field,old_value,new_value,reason,hash,1"
                           " FROM audit ORDER BY id", NULL, 0, audit_row, &it, e);
  for (size_t i = 0; i < it.n_hidden; i++) avn_free(it.hidden[i]);
  avn_free(it.hidden);
  if (rc) {
    store_part_free(&it.part);
    return rc;
  }
  snprintf(chain->head, sizeof chain->head, "%s", it.prev);
  if (it.part.n) {
    /* The signed checkpoint is the whole chain's; the part's last row, when
    ** it is the whole chain's last, is its head. */
    chain->whole_rows = it.part.whole_rows;
    snprintf(chain->part_site, sizeof chain->part_site, "%s", it.part.site);
    if (chain->chain_ok && it.last_id == it.part.whole_rows && strcmp(it.prev, it.part.whole_head) != 0) {
      chain->chain_ok = false;
      chain->bad_row = it.last_id;
    }
    rc = store_checkpoint_check(s, it.part.whole_rows, it.part.whole_head, chain, e);
  } else {
    rc = store_checkpoint_check(s, chain->rows, chain->head, chain, e);
  }
  store_part_free(&it.part);
  if (rc) return rc;
  if (!chain->chain_ok)
    return avn_fail(e, AVN_E_STATE, "audit", NULL,
                    "the audit trail was altered: row %" PRId64 " does not match its hash chain", chain->bad_row);
  if (!chain->checkpoint_ok)
    return avn_fail(e, AVN_E_STATE, "audit", NULL, "the audit trail's signed checkpoint: %s", chain->checkpoint);
  return AVN_OK;
}

/* One query, not a walk: ids run 1..n (store_audit gives the head's id plus
** one), so the last row's id is the trail's length. */
avn_rc store_audit_head(store *s, store_chain *out, avn_err *e) {
  char *last[2] = {NULL, NULL};
  memset(out, 0, sizeof *out);
  avn_rc rc = store_q_row(s, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", NULL, 0, last, 2, NULL, e);
  if (!rc && last[0]) {
    out->rows = strtoll(last[0], NULL, 10);
    snprintf(out->head, sizeof out->head, "%s", last[1] ? last[1] : "");
  }
  store_row_free(last, 2);
  return rc;
}

/* --- lifecycle ----------------------------------------------------------- */

avn_rc store_run_migrations(store *s, long from, avn_err *e) {
  for (size_t i = (size_t)from; i < schema_n_migrations; i++) {
    avn_rc rc = s->db->ops->exec_script(s->db, schema_migrations[i], e);
    if (!rc && i + 1 == 5) rc = store_instance_migrate(s, e);   /* migration 5's second step */
    /* migration 5 rebuilt form and adjudication with their ids: an identity
    ** column (PostgreSQL) continues after the largest */
    if (!rc && i + 1 == 5 && s->db->ops->sync_ids) rc = s->db->ops->sync_ids(s->db, "form", e);
    if (!rc && i + 1 == 5 && s->db->ops->sync_ids) rc = s->db->ops->sync_ids(s->db, "adjudication", e);
    if (rc) return rc;
  }
  return s->db->ops->set_header(s->db, AVN_APP_ID, (long)schema_n_migrations, e);
}

void store_close(store *s) {
  if (!s) return;
  if (s->db) s->db->ops->close(s->db);
  protocol_free(s->protocol);
  avn_free(s);
}

const protocol *store_protocol(const store *s) { return s->protocol; }

avn_rc store_create(const char *path, const protocol *p, const char *user, store **out, avn_err *e) {
  store *s = NULL;
  avn_rc rc;
  bool created = false;
  *out = NULL;
  if (sodium_init() < 0) return avn_fail(e, AVN_E_STATE, "libsodium", NULL, "initialisation failed");
  s = avn_calloc(1, sizeof *s);
  if (!s) return AVN_E_NOMEM;
  snprintf(s->path, sizeof s->path, "%s", path);
  rc = db_open(path, DB_CREATE, &s->db, e);
  if (rc) goto cleanup;
  created = !db_is_uri(path);   /* a server's database: the rollback undoes it */
  rc = s->db->ops->ready(s->db, e);
  if (rc) goto cleanup;
  rc = store_tx_begin(s, e);
  if (rc) goto cleanup;
  rc = store_run_migrations(s, 0, e);
  if (rc) goto cleanup;
  char at[32];
  store_now_iso(at);
  const char *sp[4] = {p->name, p->yaml, at, user};
  rc = store_q(s, "INSERT INTO study(id,protocol_name,protocol_yaml,created_at,created_by) VALUES(1,?,?,?,?)",
         sp, 4, NULL, NULL, e);
  if (rc) goto cleanup;
  rc = store_q(s, "INSERT INTO site(code,name) VALUES('main','Main site')", NULL, 0, NULL, NULL, e);
  if (rc) goto cleanup;
  /* The trail records enough to rebuild every table (store_verify). */
  char yhash[65];
  store_text_hash(p->yaml, yhash);
  rc = store_audit(s, user, "create", "study", "protocol", NULL, p->name, NULL, e);
  if (!rc) rc = store_audit(s, user, "create", "study", "protocol_yaml", NULL, yhash, NULL, e);
  if (!rc) rc = store_audit(s, user, "create", "site main", "name", NULL, "Main site", NULL, e);
  if (rc) goto cleanup;
  rc = store_tx_commit(s, e);
  if (rc) goto cleanup;
  rc = protocol_parse(p->file, p->yaml, strlen(p->yaml), &s->protocol, e);
  if (rc) goto cleanup;
  *out = s;
  s = NULL;
cleanup:
  if (s) {
    if (s->db) store_tx_rollback(s);
    store_close(s);
    if (created) db_sqlite_remove(path);   /* a half-made study file must not be left behind */
  }
  return rc;
}

static avn_rc open_study(const char *path, db_mode mode, store **out, avn_err *e) {
  store *s = NULL;
  char *yaml = NULL, *pname = NULL;
  avn_rc rc;
  *out = NULL;
  if (sodium_init() < 0) return avn_fail(e, AVN_E_STATE, "libsodium", NULL, "initialisation failed");
  s = avn_calloc(1, sizeof *s);
  if (!s) return AVN_E_NOMEM;
  snprintf(s->path, sizeof s->path, "%s", path);
  s->readonly = mode == DB_READ;
  rc = db_open(path, mode, &s->db, e);
  if (rc) goto cleanup;
  long app = 0, ver = 0;
  rc = s->db->ops->header(s->db, &app, &ver, e);
  if (rc) goto cleanup;
  /* Recognised before anything is written: an empty or foreign file stays
  ** exactly as it was. */
  if (app != AVN_APP_ID) {
    rc = avn_fail(e, AVN_E_SCHEMA, path, NULL, "not an avn study database");
    goto cleanup;
  }
  if (ver > (long)schema_n_migrations) {
    rc = avn_fail(e, AVN_E_SCHEMA, path, NULL,
                  "made by a newer avn (schema version %ld; this avn reads up to %zu): upgrade avn",
                  ver, schema_n_migrations);
    goto cleanup;
  }
  if (ver < (long)schema_n_migrations && s->readonly) {
    rc = avn_fail(e, AVN_E_SCHEMA, path, NULL,
                  "made by an older avn (schema version %ld; this avn's is %zu): any write command "
                  "(e.g. avn visit) upgrades it", ver, schema_n_migrations);
    goto cleanup;
  }
  if (!s->readonly) {
    rc = s->db->ops->ready(s->db, e);
    if (rc) goto cleanup;
  }
  if (ver < (long)schema_n_migrations) {
    rc = store_tx_begin(s, e);
    if (!rc) rc = store_run_migrations(s, ver, e);
    s->audit_dirty = ver < 3;   /* schema 3 brings the checkpoint: sign the trail as it stands */
    if (!rc) rc = store_tx_commit(s, e);
    if (rc) goto cleanup;
  }
  rc = store_accounts_load(s, e);
  if (!rc) rc = store_q_one(s, "SELECT protocol_yaml FROM study WHERE id=1", NULL, 0, &yaml, NULL, e);
  if (!rc) rc = store_q_one(s, "SELECT protocol_name FROM study WHERE id=1", NULL, 0, &pname, NULL, e);
  if (rc) goto cleanup;
  if (!yaml || !pname) {
    rc = avn_fail(e, AVN_E_SCHEMA, path, NULL, "the study record is missing");
    goto cleanup;
  }
  if (!s->readonly) {
    /* The rules every write applies come from the stored protocol: it must
    ** be the one the trail recorded, not one edited behind avn's back. */
    char *want = NULL, have[65];
    rc = store_q_one(s, "SELECT new_value FROM audit WHERE record='study' AND field='protocol_yaml'"
                        " ORDER BY id DESC LIMIT 1", NULL, 0, &want, NULL, e);
    if (rc) goto cleanup;
    store_text_hash(yaml, have);
    bool same = !want || !strcmp(want, have);
    avn_free(want);
    if (!same) {
      rc = avn_fail(e, AVN_E_STATE, path, NULL, "the stored protocol is not the one the audit trail recorded "
                    "(it was changed outside avn): nothing is written; see avn audit --verify");
      goto cleanup;
    }
    /* A site's part (store_part.c) is read, not written: a new record would
    ** follow the part's last one, not the whole chain's head. */
    store_part_links part;
    rc = store_part_load(s, &part, e);
    if (rc) goto cleanup;
    bool is_part = part.n > 0;
    store_part_free(&part);
    if (is_part) {
      rc = avn_fail(e, AVN_E_STATE, path, NULL, "this file is one site's part of a study (avn dump --site): it is "
                    "read and handed in, not written; write to the study itself");
      goto cleanup;
    }
  }
  char label[300];
  snprintf(label, sizeof label, "%s (protocol '%s' stored in the study)", path, pname);
  rc = protocol_parse(label, yaml, strlen(yaml), &s->protocol, e);
  if (rc) goto cleanup;
  *out = s;
  s = NULL;
cleanup:
  avn_free(yaml);
  avn_free(pname);
  store_close(s);
  return rc;
}

avn_rc store_open(const char *path, store **out, avn_err *e) { return open_study(path, DB_WRITE, out, e); }
avn_rc store_open_read(const char *path, store **out, avn_err *e) { return open_study(path, DB_READ, out, e); }

/* --- screening ----------------------------------------------------------- */

static avn_rc site_id(store *s, const char *site, char **id, avn_err *e) {
  const char *p[1] = {site ? site : "main"};
  bool found = false;
  avn_rc rc = store_q_one(s, "SELECT id FROM site WHERE code=?", p, 1, id, &found, e);
  if (rc) return rc;
  if (!found) return avn_fail(e, AVN_E_NOTFOUND, "site", p[0], "no such site in this study");
  return AVN_OK;
}

static avn_rc failed_list(const elig_result *r, avn_buf *b) {
  avn_rc rc = AVN_OK;
  for (size_t i = 0; !rc && i < r->n_fails; i++) {
    const elig_failure *f = &r->fails[i];
    rc = avn_buf_printf(b, "%s%s", i ? "," : "", f->crit->name);
    if (!rc && f->side != SIDE_PATIENT) rc = avn_buf_printf(b, "[%s]", side_name(f->side));
  }
  return rc;
}

/* A person screened again: the current row goes to screening_attempt, the
** row takes the new attempt, each field audited old -> new with the reason. */
static avn_rc screen_again(store *s, const store_screen_req *r, const char *sid, const char *date, bool eligible,
                           const char *failed, const char *data, avn_err *e) {
  char *c[8];
  bool found = false;
  char record[160], n_was[24], n_now[24];
  const char *p1[1] = {r->code};
  if (!r->reason) return avn_fail(e, AVN_E_REQUIRED, "--reason", NULL, "screening a person again needs --reason");
  avn_rc rc = store_q_row(s, "SELECT sc.id, st.code, sc.screened_on, CASE sc.eligible WHEN 1 THEN 'yes' ELSE 'no' END,"
                             " sc.failed, sc.data, p.code, (SELECT count(*) FROM screening_attempt a"
                             " WHERE a.screening_id = sc.id) FROM screening sc JOIN site st ON st.id = sc.site_id"
                             " LEFT JOIN patient p ON p.screening_id = sc.id WHERE sc.code=?", p1, 1, c, 8, &found, e);
  if (rc) return rc;
  if (!found) {
    rc = avn_fail(e, AVN_E_NOTFOUND, "screening", r->code, "no such screening in the log: screen without --again");
  } else if (c[6]) {
    rc = avn_fail(e, AVN_E_STATE, "screening", r->code, "already enrolled as patient %s: correct the enrolment "
                  "with avn amend instead", c[6]);
  } else if (strcmp(date, c[2]) < 0) {
    rc = avn_fail(e, AVN_E_DATE, "date", date, "screening again must not be before the last attempt (%s)", c[2]);
  }
  if (rc) goto cleanup;
  long k = strtol(c[7], NULL, 10);
  snprintf(n_was, sizeof n_was, "%ld", k + 1);
  snprintf(n_now, sizeof n_now, "%ld", k + 2);
  const char *p2[2] = {n_was, c[0]};
  rc = store_q(s, "INSERT INTO screening_attempt(screening_id,attempt,site_id,screened_on,eligible,failed,data)"
                  " SELECT id, ?, site_id, screened_on, eligible, failed, data FROM screening WHERE id=?",
               p2, 2, NULL, NULL, e);
  const char *p3[6] = {sid, date, eligible ? "1" : "0", failed, data, c[0]};
  if (!rc) rc = store_q(s, "UPDATE screening SET site_id=?, screened_on=?, eligible=?, failed=?, data=? WHERE id=?",
                        p3, 6, NULL, NULL, e);
  snprintf(record, sizeof record, "screening %s", r->code);
  const char *site = r->site ? r->site : "main";
  if (!rc) rc = store_audit(s, r->user, "screen", record, "attempts", n_was, n_now, r->reason, e);
  if (!rc) rc = store_audit(s, r->user, "screen", record, "eligible", c[3], eligible ? "yes" : "no", r->reason, e);
  if (!rc) rc = store_audit(s, r->user, "screen", record, "date", c[2], date, r->reason, e);
  if (!rc) rc = store_audit(s, r->user, "screen", record, "site", c[1], site, r->reason, e);
  if (!rc) rc = store_audit(s, r->user, "screen", record, "failed", c[4], failed, r->reason, e);
  if (!rc) rc = store_audit(s, r->user, "screen", record, "data", c[5], data, r->reason, e);
cleanup:
  store_row_free(c, 8);
  return rc;
}

avn_rc store_screen(store *s, const store_screen_req *r, elig_result *out, avn_err *e) {
  screen_data d = {0};
  avn_buf failed, data;
  char *sid = NULL;
  char date[11];
  avn_rc rc;
  bool in_tx = false;
  avn_buf_init(&failed, 0);
  avn_buf_init(&data, 0);
  memset(out, 0, sizeof *out);
  rc = avn_text_check("screening", r->code, AVN_TEXT_ID, 0, e);
  if (rc) return rc;
  if (r->date > avn_date_today()) {
    avn_date_format(r->date, date);
    return avn_fail(e, AVN_E_DATE, "date", date, "the screening date must not be in the future");
  }
  rc = screen_data_parse(s->protocol, r->kv, r->n_kv, &d, e);
  if (rc) goto cleanup;
  rc = eligibility_evaluate(s->protocol, &d, out);
  if (rc) goto cleanup;
  rc = failed_list(out, &failed);
  for (size_t i = 0; !rc && i < r->n_kv; i++) rc = avn_buf_printf(&data, "%s\n", r->kv[i]);
  if (rc) goto cleanup;
  rc = store_tx_begin(s, e);
  if (rc) goto cleanup;
  in_tx = true;
  rc = site_id(s, r->site, &sid, e);
  if (rc) goto cleanup;
  avn_date_format(r->date, date);
  char record[160];
  snprintf(record, sizeof record, "screening %s", r->code);
  const char *site = r->site ? r->site : "main";
  if (r->again) {
    rc = screen_again(s, r, sid, date, out->eligible, avn_buf_str(&failed), avn_buf_str(&data), e);
    goto cleanup_ok;
  }
  rc = store_id_unused(s, "screening", r->code,
                       "this screening number is already in the log (screen the person again with --again --reason)", e);
  if (rc) goto cleanup;
  const char *p[6] = {r->code, sid, date, out->eligible ? "1" : "0", avn_buf_str(&failed),
                      avn_buf_str(&data)};
  rc = store_q(s, "INSERT INTO screening(code,site_id,screened_on,eligible,failed,data) VALUES(?,?,?,?,?,?)",
         p, 6, NULL, NULL, e);
  if (rc == AVN_E_EXISTS)
    rc = avn_fail(e, AVN_E_EXISTS, "screening", r->code, "this screening number is already in the log");
  if (rc) goto cleanup;
  rc = store_audit(s, r->user, "screen", record, "eligible", NULL, out->eligible ? "yes" : "no",
             out->n_fails ? avn_buf_str(&failed) : NULL, e);
  if (!rc) rc = store_audit(s, r->user, "screen", record, "date", NULL, date, NULL, e);
  if (!rc) rc = store_audit(s, r->user, "screen", record, "site", NULL, site, NULL, e);
  if (!rc) rc = store_audit(s, r->user, "screen", record, "failed", NULL, avn_buf_str(&failed), NULL, e);
  if (!rc) rc = store_audit(s, r->user, "screen", record, "data", NULL, avn_buf_str(&data), NULL, e);
cleanup_ok:
  if (rc) goto cleanup;
  rc = store_tx_commit(s, e);
  in_tx = false;
cleanup:
  if (in_tx) store_tx_rollback(s);
  if (rc) elig_result_free(out);
  screen_data_free(&d);
  avn_buf_free(&failed);
  avn_buf_free(&data);
  avn_free(sid);
  return rc;
}

/* --- enrolment ----------------------------------------------------------- */

typedef struct {
  char *id, *site_id, *date, *data, *patient, *site_code;
  int eligible;
  bool found, nomem;
} screening_row;

static int screening_cb(void *ctx, int n, const char *const *c) {
  screening_row *r = ctx;
  (void)n;
  r->found = true;
  r->id = avn_strdup(c[0]);
  r->site_id = avn_strdup(c[1]);
  r->date = avn_strdup(c[2]);
  r->eligible = c[3] && c[3][0] == '1';
  r->data = avn_strdup(c[4]);
  r->patient = c[5] ? avn_strdup(c[5]) : NULL;
  r->site_code = avn_strdup(c[6]);
  r->nomem = !r->id || !r->site_id || !r->date || !r->data || (c[5] && !r->patient) || !r->site_code;
  return 1;
}

static void screening_row_free(screening_row *r) {
  avn_free(r->id); avn_free(r->site_id); avn_free(r->date); avn_free(r->data); avn_free(r->patient);
  avn_free(r->site_code);
}

avn_rc store_birth_check(const protocol *p, const screen_data *d, const char *screened_on, avn_date birth,
                         avn_err *e) {
  const proto_field *agef = protocol_find_field(p, "age");
  if (!agef || !d->val[agef - p->fields][SIDE_PATIENT]) return AVN_OK;
  avn_date sd;
  char b[11];
  avn_date_parse(screened_on, &sd);
  int age = avn_date_age_years(birth, sd);
  long given = strtol(d->val[agef - p->fields][SIDE_PATIENT], NULL, 10);
  if (age == given) return AVN_OK;
  return avn_fail(e, AVN_E_DATE, "birth", avn_date_format(birth, b),
                  "gives age %d at screening (%s), but the screening recorded age %ld", age, screened_on, given);
}

/* Splits the stored "k=v\n" lines back into screen_data. */
avn_rc store_reparse_screening(const protocol *p, const char *data, screen_data *d, avn_err *e) {
  char *copy = avn_strdup(data ? data : "");
  char **kv = NULL;
  size_t n = 0;
  avn_rc rc = AVN_OK;
  if (!copy) return AVN_E_NOMEM;
  for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
    char **g = avn_reallocarray(kv, n + 1, sizeof *g);
    if (!g) { rc = AVN_E_NOMEM; goto cleanup; }
    kv = g;
    kv[n++] = line;
  }
  rc = screen_data_parse(p, kv, n, d, e);
cleanup:
  avn_free(kv);
  avn_free(copy);
  return rc;
}

static avn_rc insert_events(store *s, const char *pid, avn_date day0, const bool hips[3], avn_err *e) {
  sched_event *ev = NULL;
  size_t n = 0;
  avn_rc rc = schedule_build(s->protocol, day0, &ev, &n);
  if (rc) return rc;
  for (size_t i = 0; !rc && i < n; i++) {
    char pl[11], lo[11], hi[11];
    avn_date_format(ev[i].planned, pl);
    avn_date_format(ev[i].earliest, lo);
    avn_date_format(ev[i].latest, hi);
    for (int side = 0; !rc && side < 3; side++) {
      if (ev[i].per_hip ? (side == SIDE_PATIENT || !hips[side]) : side != SIDE_PATIENT) continue;
      const char *p[8] = {pid, sched_kind_name(ev[i].kind), ev[i].name, ev[i].visit,
                          side == SIDE_PATIENT ? "" : side_name(side), pl, lo, hi};
      rc = store_q(s, "INSERT INTO event(patient_id,kind,name,visit,side,planned,earliest,latest)"
                " VALUES(?,?,?,?,?,?,?,?)", p, 8, NULL, NULL, e);
    }
  }
  avn_free(ev);
  return rc;
}

avn_rc store_enroll(store *s, const store_enroll_req *r, avn_err *e) {
  screening_row sr = {0};
  screen_data d = {0};
  elig_result er = {0};
  char *pid = NULL;
  char date[11], birth[11];
  bool in_tx = false;
  avn_rc rc;
  avn_date_format(r->date, date);
  if (r->has_birth) avn_date_format(r->birth, birth);
  if (strcmp(r->sex, "male") && strcmp(r->sex, "female"))
    return avn_fail(e, AVN_E_CODE, "sex", r->sex, "must be male or female");
  if (r->date > avn_date_today())
    return avn_fail(e, AVN_E_DATE, "date", date, "the enrolment date must not be in the future");
  if (r->has_birth && r->birth >= r->date)
    return avn_fail(e, AVN_E_DATE, "birth", birth, "the birth date must be before enrolment (%s)", date);
  avn_rc vrc = avn_text_check("patient", r->patient, AVN_TEXT_ID, 0, e);
  if (!vrc && r->name) vrc = avn_text_check("--name", r->name, AVN_TEXT_LINE, 200, e);
  if (!vrc && r->phone) vrc = avn_text_check("--phone", r->phone, AVN_TEXT_LINE, 64, e);
  if (vrc) return vrc;
  rc = store_tx_begin(s, e);
  if (rc) goto cleanup;
  in_tx = true;
  const char *p1[1] = {r->screening};
  rc = store_q(s, "SELECT s.id, s.site_id, s.screened_on, s.eligible, s.data, p.code, st.code FROM screening s"
            " JOIN site st ON st.id = s.site_id LEFT JOIN patient p ON p.screening_id = s.id WHERE s.code=?",
            p1, 1, screening_cb, &sr, e);
  if (!rc && sr.nomem) rc = AVN_E_NOMEM;
  if (rc) goto cleanup;
  if (!sr.found) {
    rc = avn_fail(e, AVN_E_NOTFOUND, "screening", r->screening, "no such screening in the log; run avn screen first");
    goto cleanup;
  }
  if (!sr.eligible) {
    rc = avn_fail(e, AVN_E_INELIGIBLE, "screening", r->screening, "enrolment requires an eligible screening");
    goto cleanup;
  }
  if (sr.patient) {
    rc = avn_fail(e, AVN_E_EXISTS, "screening", r->screening, "already enrolled as patient %s", sr.patient);
    goto cleanup;
  }
  if (strcmp(date, sr.date) < 0) {
    rc = avn_fail(e, AVN_E_DATE, "date", date, "enrolment must not be before the screening (%s)", sr.date);
    goto cleanup;
  }
  rc = store_reparse_screening(s->protocol, sr.data, &d, e);
  if (!rc) rc = eligibility_evaluate(s->protocol, &d, &er);
  if (rc) goto cleanup;
  if (r->has_birth) {
    rc = store_birth_check(s->protocol, &d, sr.date, r->birth, e);
    if (rc) goto cleanup;
  }
  rc = store_id_unused(s, "patient", r->patient, "this study id is already used", e);
  if (rc) goto cleanup;
  const char *p2[6] = {r->patient, sr.site_id, sr.id, r->sex, r->has_birth ? birth : NULL, date};
  rc = store_q_one(s, "INSERT INTO patient(code,site_id,screening_id,sex,birth_date,enrolled_on)"
                " VALUES(?,?,?,?,?,?) RETURNING id", p2, 6, &pid, NULL, e);
  if (rc == AVN_E_EXISTS)
    rc = avn_fail(e, AVN_E_EXISTS, "patient", r->patient, "this study id is already used");
  if (rc) goto cleanup;
  char record[160];
  snprintf(record, sizeof record, "patient %s", r->patient);
  rc = store_audit(s, r->user, "enroll", record, "screening", NULL, r->screening, NULL, e);
  if (!rc) rc = store_audit(s, r->user, "enroll", record, "site", NULL, sr.site_code, NULL, e);
  if (!rc) rc = store_audit(s, r->user, "enroll", record, "sex", NULL, r->sex, NULL, e);
  if (!rc && r->has_birth) rc = store_audit(s, r->user, "enroll", record, "birth", NULL, birth, NULL, e);
  if (!rc) rc = store_audit(s, r->user, "enroll", record, "enrolled", NULL, date, NULL, e);
  if (!rc) rc = store_audit(s, r->user, "enroll", record, "status", NULL, "active", NULL, e);
  if (rc) goto cleanup;
  if (r->name || r->phone) {
    const char *p3[3] = {pid, r->name, r->phone};
    rc = store_q(s, "INSERT INTO identity(patient_id,name,phone) VALUES(?,?,?)", p3, 3, NULL, NULL, e);
    if (!rc) rc = store_audit(s, r->user, "enroll", record, "identity", NULL, "(recorded)", NULL, e);
    if (rc) goto cleanup;
  }
  const proto_field *stagef = protocol_find_field(s->protocol, "stage");
  for (int side = SIDE_LEFT; side <= SIDE_RIGHT; side++) {
    if (!er.hip_eligible[side]) continue;
    const char *stage = stagef ? d.val[stagef - s->protocol->fields][side] : NULL;
    const char *p4[3] = {pid, side_name(side), stage};
    char hrec[200];
    snprintf(hrec, sizeof hrec, "patient %s / hip %s", r->patient, side_name(side));
    rc = store_q(s, "INSERT INTO hip(patient_id,side,stage) VALUES(?,?,?)", p4, 3, NULL, NULL, e);
    if (!rc) rc = store_audit(s, r->user, "enroll", hrec, "stage", NULL, stage ? stage : STORE_NO_STAGE, NULL, e);
    if (rc) goto cleanup;
  }
  rc = insert_events(s, pid, r->date, er.hip_eligible, e);
  if (rc) goto cleanup;
  rc = store_tx_commit(s, e);
  in_tx = false;
cleanup:
  if (in_tx) store_tx_rollback(s);
  screening_row_free(&sr);
  screen_data_free(&d);
  elig_result_free(&er);
  avn_free(pid);
  return rc;
}

/* --- transactions: one per write, or savepoints inside a batch --- */

/* $AVN_TODAY moves "today" for tests and replays; a write may use it only
** to go back in time, never forward (the trail records it, store_audit). */
static avn_rc today_override_check(avn_err *e) {
  const char *o = getenv("AVN_TODAY");
  if (!o || !*o) return AVN_OK;
  time_t t = time(NULL);
  struct tm tm;
  localtime_r(&t, &tm);
  avn_date real = avn_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  char d[11];
  if (avn_date_today() > real)
    return avn_fail(e, AVN_E_DATE, "AVN_TODAY", o, "is after today's date (%s): nothing is written dated in the future",
                    avn_date_format(real, d));
  return AVN_OK;
}

void store_tx_forget(store *s, bool head_too) {
  s->memo.lock_ok[0] = s->memo.sign_cleared[0] = s->memo.site_of[0] = '\0';
  if (head_too) {
    s->head_known = false;
    s->n_seen = 0;
  }
}

avn_rc store_tx_begin(store *s, avn_err *e) {
  if (s->readonly) return avn_fail(e, AVN_E_STATE, s->path, NULL, "opened to read only: nothing can be written");
  /* A batch's savepoint keeps the head: only this transaction moved it. */
  store_tx_forget(s, !s->batch);
  avn_rc orc = today_override_check(e);
  if (orc) return orc;
  /* In a batch (one transaction for many saves), a save's savepoint goes
  ** with its first statement and its release with the next save's. */
  if (s->batch) return store_q_later(s, "SAVEPOINT avn_write", NULL, 0, e);
  return s->db->ops->begin(s->db, e);
}

/* Every transaction that added audit rows signs the new chain head before
** it commits (a batch: once, at store_commit). */
avn_rc store_tx_commit(store *s, avn_err *e) {
  if (s->batch) {
    store_tx_forget(s, false);
    return store_q_later(s, "RELEASE avn_write", NULL, 0, e);
  }
  avn_rc rc = s->audit_dirty ? store_checkpoint(s, e) : AVN_OK;
  store_tx_forget(s, true);
  return rc ? rc : s->db->ops->commit(s->db, e);
}

void store_tx_rollback(store *s) {
  store_tx_forget(s, true);   /* the rows this write appended are gone */
  if (s->batch) {
    avn_err ignored = {0};
    /* ROLLBACK TO keeps the savepoint open; RELEASE ends it. The batch's
    ** outer transaction, and the writes before this one, stay. */
    if (s->db->ops->exec_script(s->db, "ROLLBACK TO avn_write", &ignored) == AVN_OK)
      s->db->ops->exec_script(s->db, "RELEASE avn_write", &ignored);
    return;
  }
  s->audit_dirty = false;
  s->db->ops->rollback(s->db);
}

avn_rc store_begin(store *s, avn_err *e) {
  if (s->batch) return avn_fail(e, AVN_E_STATE, "batch", NULL, "a batch is already open");
  store_tx_forget(s, true);
  avn_rc rc = s->db->ops->begin(s->db, e);
  if (!rc) s->batch = 1;
  return rc;
}

avn_rc store_commit(store *s, avn_err *e) {
  if (!s->batch) return avn_fail(e, AVN_E_STATE, "batch", NULL, "no batch is open");
  s->batch = 0;
  avn_rc rc = s->audit_dirty ? store_checkpoint(s, e) : AVN_OK;
  store_tx_forget(s, true);
  if (!rc) rc = s->db->ops->commit(s->db, e);
  if (rc) s->db->ops->rollback(s->db);
  return rc;
}

void store_abort(store *s) {
  if (!s->batch) return;
  s->batch = 0;
  store_tx_forget(s, true);
  s->audit_dirty = false;
  s->db->ops->rollback(s->db);
}

/* --- withdrawal --- */

avn_rc store_withdraw(store *s, const char *patient, avn_date date, const char *reason,
                      const char *user, avn_err *e) {
  char *row = NULL, *last = NULL;
  bool found = false, in_tx = false;
  char day[11], record[160];
  avn_rc rc;
  avn_date_format(date, day);
  if (!reason || !reason[0])
    return avn_fail(e, AVN_E_REQUIRED, "--reason", NULL, "a withdrawal needs its reason");
  if (date > avn_date_today())
    return avn_fail(e, AVN_E_DATE, "date", day, "the withdrawal date must not be in the future");
  rc = store_tx_begin(s, e);
  if (rc) goto cleanup;
  in_tx = true;
  const char *p1[1] = {patient};
  rc = store_q_one(s, "SELECT enrolled_on || ' ' || status FROM patient WHERE code=?", p1, 1, &row, &found, e);
  if (rc) goto cleanup;
  if (!found) {
    rc = avn_fail(e, AVN_E_NOTFOUND, "patient", patient, "no such patient in this study");
    goto cleanup;
  }
  if (strcmp(row + 11, "withdrawn") == 0) {
    rc = avn_fail(e, AVN_E_STATE, "patient", patient, "already withdrawn");
    goto cleanup;
  }
  if (strncmp(day, row, 10) < 0) {
    rc = avn_fail(e, AVN_E_DATE, "date", day, "the withdrawal must not be before enrolment (%.10s)", row);
    goto cleanup;
  }
  /* Follow-up recorded after the date would contradict it: the latest
  ** recorded visit bounds the withdrawal from below. */
  rc = store_q_one(s, "SELECT ev.actual || ' ' || ev.name FROM event ev JOIN patient p ON p.id=ev.patient_id "
                      "WHERE p.code=? AND ev.kind='visit' AND ev.actual IS NOT NULL ORDER BY ev.actual DESC LIMIT 1",
                   p1, 1, &last, &found, e);
  if (rc) goto cleanup;
  if (found && last && strncmp(day, last, 10) < 0) {
    rc = avn_fail(e, AVN_E_DATE, "date", day, "visit '%s' was recorded on %.10s, after this withdrawal date",
                  last + 11, last);
    goto cleanup;
  }
  const char *p2[3] = {day, reason, patient};
  rc = store_q(s, "UPDATE patient SET status='withdrawn', withdrawn_on=?, withdraw_reason=? WHERE code=?", p2, 3,
               NULL, NULL, e);
  if (rc) goto cleanup;
  snprintf(record, sizeof record, "patient %s", patient);
  rc = store_audit(s, user, "withdraw", record, "status", row + 11, "withdrawn", reason, e);
  if (!rc) rc = store_audit(s, user, "withdraw", record, "withdrawn_on", NULL, day, reason, e);
  if (!rc) rc = store_audit(s, user, "withdraw", record, "withdraw_reason", NULL, reason, reason, e);
  if (rc) goto cleanup;
  rc = store_tx_commit(s, e);
  if (rc) goto cleanup;
  in_tx = false;
cleanup:
  if (in_tx) store_tx_rollback(s);
  avn_free(row);
  avn_free(last);
  return rc;
}
