/*
** store_verify.c: replaying the audit trail against the tables
** (store_verify, see store.h).
**
** Both sides become facts (record, field, value). The trail's facts are its
** rows in order, each setting its (record, field) to new_value (NULL: the
** fact is gone, e.g. a cleared value), plus the schedule that enrolment
** implies (schedule_build from the replayed enrolment date and hips). The
** tables' facts are one query per table, named the way the write path names
** its audit rows (store.c, store_form.c, store_visit.c). Both lists are
** sorted and merged: O(n log n) in the number of rows, no per-row query.
** An item's stored number (value_num, what the analysis reads) is also
** checked against its text, parsed again with the form's definition.
*/
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "protocol/schedule.h"
#include "store/store_int.h"

typedef struct {
  char *rec, *field, *val;
  size_t seq;
} fact;

typedef struct {
  fact *v;
  size_t n, cap;
  avn_rc rc;
} facts;

static void facts_free(facts *f) {
  for (size_t i = 0; i < f->n; i++) {
    avn_free(f->v[i].rec);
    avn_free(f->v[i].field);
    avn_free(f->v[i].val);
  }
  avn_free(f->v);
  memset(f, 0, sizeof *f);
}

static avn_rc facts_add(facts *f, const char *rec, const char *field, const char *val) {
  if (f->rc) return f->rc;
  if (avn_grow((void **)&f->v, &f->cap, f->n + 1, sizeof *f->v)) return f->rc = AVN_E_NOMEM;
  fact *x = &f->v[f->n];
  x->rec = avn_strdup(rec ? rec : "");
  x->field = avn_strdup(field ? field : "");
  x->val = val ? avn_strdup(val) : NULL;
  x->seq = f->n;
  f->n++;
  if (!x->rec || !x->field || (val && !x->val)) f->rc = AVN_E_NOMEM;
  return f->rc;
}

static int fact_cmp(const void *a, const void *b) {
  const fact *x = a, *y = b;
  int c = strcmp(x->rec, y->rec);
  if (!c) c = strcmp(x->field, y->field);
  if (!c) c = (x->seq > y->seq) - (x->seq < y->seq);
  return c;
}

/* Sorted by (record, field); for each key only the last fact by seq stays,
** and a NULL value means the fact is gone. */
static void facts_settle(facts *f) {
  qsort(f->v, f->n, sizeof *f->v, fact_cmp);
  size_t w = 0;
  for (size_t i = 0; i < f->n; i++) {
    bool last = i + 1 == f->n || strcmp(f->v[i].rec, f->v[i + 1].rec) || strcmp(f->v[i].field, f->v[i + 1].field);
    if (last && f->v[i].val) {
      f->v[w++] = f->v[i];
      continue;
    }
    avn_free(f->v[i].rec);
    avn_free(f->v[i].field);
    avn_free(f->v[i].val);
  }
  f->n = w;
}

/* Binary search in the first n facts (sorted). */
static const fact *facts_find(const facts *f, size_t n, const char *rec, const char *field) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(f->v[mid].rec, rec);
    if (!c) c = strcmp(f->v[mid].field, field);
    if (!c) return &f->v[mid];
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

static int fact_row(void *ctx, int n, const char *const *c) {
  facts *f = ctx;
  (void)n;
  return facts_add(f, c[0], c[1], c[2]) != AVN_OK;
}

/* --- the tables' facts --------------------------------------------------- */

#define PATIENT_OF(alias, col) "coalesce(" alias ".code, '#' || " col ")"
/* store_form_record's name for form f: visit and instance only when not "". */
#define FORM_RECORD                                                                                        \
  "'patient ' || " PATIENT_OF("p", "f.patient_id") " || CASE WHEN f.visit <> '' THEN ' / visit ' || f.visit" \
  " ELSE '' END || ' / ' || f.instrument || CASE WHEN f.side <> '' THEN ' ' || f.side ELSE '' END ||"        \
  " CASE WHEN f.instance <> '' THEN ' / instance ' || f.instance ELSE '' END || ' / entry ' || f.entry"

static const char tables_sql[] =
    "SELECT 'study', 'protocol', protocol_name FROM study"
    " UNION ALL SELECT 'site ' || code, 'name', name FROM site"
    " UNION ALL SELECT 'screening ' || code, 'date', screened_on FROM screening"
    " UNION ALL SELECT 'screening ' || s.code, 'site', coalesce(st.code, '#' || s.site_id) FROM screening s"
    "   LEFT JOIN site st ON st.id = s.site_id"
    " UNION ALL SELECT 'screening ' || code, 'eligible', CASE eligible WHEN 1 THEN 'yes' ELSE 'no' END FROM screening"
    " UNION ALL SELECT 'screening ' || code, 'failed', failed FROM screening"
    " UNION ALL SELECT 'screening ' || code, 'data', data FROM screening"
    " UNION ALL SELECT 'screening ' || s.code, 'attempts', CAST(1 + count(*) AS TEXT) FROM screening s"
    "   JOIN screening_attempt a ON a.screening_id = s.id GROUP BY s.id"
    " UNION ALL SELECT 'patient ' || p.code, 'screening', coalesce(s.code, '#' || p.screening_id) FROM patient p"
    "   LEFT JOIN screening s ON s.id = p.screening_id"
    " UNION ALL SELECT 'patient ' || p.code, 'site', coalesce(st.code, '#' || p.site_id) FROM patient p"
    "   LEFT JOIN site st ON st.id = p.site_id"
    " UNION ALL SELECT 'patient ' || code, 'sex', sex FROM patient"
    " UNION ALL SELECT 'patient ' || code, 'birth', birth_date FROM patient WHERE birth_date IS NOT NULL"
    " UNION ALL SELECT 'patient ' || code, 'enrolled', enrolled_on FROM patient"
    " UNION ALL SELECT 'patient ' || code, 'status', status FROM patient"
    " UNION ALL SELECT 'patient ' || code, 'withdrawn_on', withdrawn_on FROM patient WHERE withdrawn_on IS NOT NULL"
    " UNION ALL SELECT 'patient ' || code, 'withdraw_reason', withdraw_reason FROM patient"
    "   WHERE withdraw_reason IS NOT NULL"
    " UNION ALL SELECT 'patient ' || " PATIENT_OF("p", "i.patient_id") ", 'identity', '(recorded)' FROM identity i"
    "   LEFT JOIN patient p ON p.id = i.patient_id"
    " UNION ALL SELECT 'patient ' || " PATIENT_OF("p", "h.patient_id") " || ' / hip ' || h.side, 'stage',"
    "   coalesce(h.stage, '" STORE_NO_STAGE "') FROM hip h LEFT JOIN patient p ON p.id = h.patient_id"
    " UNION ALL SELECT 'patient ' || " PATIENT_OF("p", "e.patient_id") " || ' / visit ' || e.name, 'date', e.actual"
    "   FROM event e LEFT JOIN patient p ON p.id = e.patient_id WHERE e.kind = 'visit' AND e.actual IS NOT NULL"
    " UNION ALL SELECT 'patient ' || " PATIENT_OF("p", "e.patient_id") " || ' / event ' || e.kind || ' ' || e.name ||"
    "   CASE WHEN e.side <> '' THEN ' ' || e.side ELSE '' END, x.f,"
    "   CASE x.f WHEN 'planned' THEN e.planned WHEN 'earliest' THEN e.earliest ELSE e.latest END"
    "   FROM event e LEFT JOIN patient p ON p.id = e.patient_id"
    "   CROSS JOIN (SELECT 'planned' AS f UNION ALL SELECT 'earliest' UNION ALL SELECT 'latest') x"
    " UNION ALL SELECT 'finding ' || finding, 'ack', reason FROM deviation_ack";

/* Forms (their status, marks and void) and adjudications. */
static const char forms_sql[] =
    "SELECT " FORM_RECORD ", 'status', f.status FROM form f LEFT JOIN patient p ON p.id = f.patient_id"
    " UNION ALL SELECT " FORM_RECORD ", 'unscheduled', 'yes' FROM form f LEFT JOIN patient p ON p.id = f.patient_id"
    "   WHERE f.unscheduled <> 0"
    " UNION ALL SELECT " FORM_RECORD ", 'voided', f.void_reason FROM form f LEFT JOIN patient p ON p.id = f.patient_id"
    "   WHERE f.void_reason IS NOT NULL"
    " UNION ALL SELECT 'patient ' || " PATIENT_OF("p", "a.patient_id") " || ' / visit ' || a.visit || ' / ' ||"
    "   a.instrument || CASE WHEN a.side <> '' THEN ' ' || a.side ELSE '' END ||"
    "   CASE WHEN a.instance <> '' THEN ' / instance ' || a.instance ELSE '' END || ' / adjudication', a.item,"
    "   a.value_text FROM adjudication a LEFT JOIN patient p ON p.id = a.patient_id";

/* Users, their sites and sessions; queries and their threads. */
static const char users_sql[] =
    "SELECT 'user ' || name, 'role', role FROM account"
    " UNION ALL SELECT 'user ' || name, 'disabled', 'yes' FROM account WHERE disabled <> 0"
    " UNION ALL SELECT 'user ' || coalesce(a.name, '#' || x.account_id), 'site ' || coalesce(st.code, '#' || x.site_id),"
    "   'yes' FROM account_site x LEFT JOIN account a ON a.id = x.account_id LEFT JOIN site st ON st.id = x.site_id"
    " UNION ALL SELECT 'session ' || substr(x.token_hash, 1, 16), 'user', coalesce(a.name, '#' || x.account_id)"
    "   FROM session x LEFT JOIN account a ON a.id = x.account_id"
    " UNION ALL SELECT 'session ' || substr(token_hash, 1, 16), 'expires', expires_at FROM session"
    " UNION ALL SELECT 'query ' || q.id, 'on', " STORE_QUERY_ON_SQL " FROM query q LEFT JOIN patient p ON p.id = q.patient_id"
    " UNION ALL SELECT 'query ' || id, 'status', status FROM query"
    " UNION ALL SELECT 'patient ' || code, 'lock', lock_reason FROM patient WHERE lock_reason IS NOT NULL"
    " UNION ALL SELECT 'study', x.f, CASE x.f WHEN 'lock' THEN lock_reason WHEN 'locked_at' THEN locked_at"
    "   ELSE locked_by END FROM study CROSS JOIN (SELECT 'lock' AS f UNION ALL SELECT 'locked_at'"
    "   UNION ALL SELECT 'locked_by') x WHERE lock_reason IS NOT NULL"
    " UNION ALL SELECT 'patient ' || " PATIENT_OF("p", "g.patient_id") " || ' / signature ' ||"
    "   CASE g.visit WHEN '' THEN 'casebook' ELSE g.visit END, x.f, CASE x.f WHEN 'by' THEN g.user ELSE g.meaning END"
    "   FROM signature g LEFT JOIN patient p ON p.id = g.patient_id"
    "   CROSS JOIN (SELECT 'by' AS f UNION ALL SELECT 'meaning') x"
    " UNION ALL SELECT 'query ' || query_id, 'message ' || seq, text FROM query_message";

static const char items_sql[] =
    "SELECT coalesce(" FORM_RECORD ", 'form #' || v.form_id), v.item, v.value_text, v.value_num, f.instrument"
    " FROM item_value v LEFT JOIN form f ON f.id = v.form_id LEFT JOIN patient p ON p.id = f.patient_id";

/* An item's text, and its stored number when that is not the text's. */
static int item_row(void *ctx, int n, const char *const *c) {
  facts *f = ctx;
  (void)n;
  const inst_def *d = c[4] ? inst_find(c[4]) : NULL;
  inst_value v;
  char num[40], shown[600];
  const char *val = c[2];
  if (d && c[2] && inst_parse_value(d, c[1], c[2], &v, NULL) == AVN_OK && !v.missing) {
    const inst_item *it = inst_item_find(d, v.item);
    bool numeric = it && it->type != INST_TEXT;
    bool same = numeric ? (c[3] && strtod(c[3], NULL) == v.num) : !c[3];
    if (!same) {
      if (c[3]) snprintf(num, sizeof num, "%.17g", strtod(c[3], NULL));
      snprintf(shown, sizeof shown, "%.500s (stored number %s)", c[2], c[3] ? num : "none");
      val = shown;
    }
  }
  return facts_add(f, c[0], c[1], val) != AVN_OK;
}

static int yaml_row(void *ctx, int n, const char *const *c) {
  facts *f = ctx;
  char h[65];
  (void)n;
  store_text_hash(c[0] ? c[0] : "", h);
  return facts_add(f, "study", "protocol_yaml", h) != AVN_OK;
}

/* A password's fingerprint (store_user.c audits the same, never the hash). */
static int password_row(void *ctx, int n, const char *const *c) {
  facts *f = ctx;
  char h[65];
  (void)n;
  store_text_hash(c[1] ? c[1] : "", h);
  return facts_add(f, c[0], "password", h) != AVN_OK;
}

/* A protocol version (store_protocol.c): its text's fingerprint and reason. */
static int version_row(void *ctx, int n, const char *const *c) {
  facts *f = ctx;
  char h[65], rec[48];
  (void)n;
  snprintf(rec, sizeof rec, "protocol version %.20s", c[0] ? c[0] : "?");
  store_text_hash(c[1] ? c[1] : "", h);
  return facts_add(f, rec, "yaml", h) != AVN_OK || facts_add(f, rec, "reason", c[2] ? c[2] : "") != AVN_OK;
}

static avn_rc table_facts(store *s, facts *t, avn_err *e) {
  avn_rc rc = store_q(s, tables_sql, NULL, 0, fact_row, t, e);
  if (!rc) rc = store_q(s, forms_sql, NULL, 0, fact_row, t, e);
  if (!rc) rc = store_q(s, users_sql, NULL, 0, fact_row, t, e);
  if (!rc) rc = store_q(s, items_sql, NULL, 0, item_row, t, e);
  if (!rc) rc = store_q(s, "SELECT protocol_yaml FROM study", NULL, 0, yaml_row, t, e);
  if (!rc) rc = store_q(s, "SELECT 'user ' || name, pw_hash FROM account", NULL, 0, password_row, t, e);
  if (!rc) rc = store_q(s, "SELECT version, yaml, reason FROM protocol_version", NULL, 0, version_row, t, e);
  if (!rc) rc = t->rc;
  if (!rc) facts_settle(t);
  return rc;
}

/* --- the trail's facts --------------------------------------------------- */

/* A grant (store_grant.c) is the server's permission, which copies do not
** carry: in the chain, not in the replay. */
static int audit_fact(void *ctx, int n, const char *const *c) {
  facts *f = ctx;
  (void)n;
  if (c[1] && !strncmp(c[1], STORE_GRANT_FIELD, strlen(STORE_GRANT_FIELD))) return 0;
  return facts_add(f, c[0], c[1], c[2]) != AVN_OK;
}

/* The schedule enrolment wrote: the protocol's events from the replayed
** enrolment date, per-hip ones for the replayed study hips. */
static avn_rc schedule_facts(store *s, facts *a) {
  size_t n0 = a->n;
  avn_rc rc = AVN_OK;
  for (size_t i = 0; !rc && i < n0; i++) {
    const fact *f = &a->v[i];
    avn_date day0;
    if (strncmp(f->rec, "patient ", 8) || strstr(f->rec, " / ") || strcmp(f->field, "enrolled")) continue;
    if (avn_date_parse(f->val, &day0) != AVN_OK) continue;
    char rec[400], code[300];
    bool hip[3] = {false, false, false};
    snprintf(code, sizeof code, "%s", f->rec + 8);
    for (int side = SIDE_LEFT; side <= SIDE_RIGHT; side++) {
      snprintf(rec, sizeof rec, "patient %s / hip %s", code, side_name(side));
      hip[side] = facts_find(a, n0, rec, "stage") != NULL;
    }
    sched_event *ev = NULL;
    size_t nev = 0;
    rc = schedule_build(s->protocol, day0, &ev, &nev);
    for (size_t k = 0; !rc && k < nev; k++) {
      for (int side = 0; !rc && side < 3; side++) {
        if (ev[k].per_hip ? (side == SIDE_PATIENT || !hip[side]) : side != SIDE_PATIENT) continue;
        char d[3][11];
        snprintf(rec, sizeof rec, "patient %s / event %s %s%s%s", code, sched_kind_name(ev[k].kind), ev[k].name,
                 side == SIDE_PATIENT ? "" : " ", side == SIDE_PATIENT ? "" : side_name(side));
        avn_date_format(ev[k].planned, d[0]);
        avn_date_format(ev[k].earliest, d[1]);
        avn_date_format(ev[k].latest, d[2]);
        facts_add(a, rec, "planned", d[0]);
        facts_add(a, rec, "earliest", d[1]);
        rc = facts_add(a, rec, "latest", d[2]);
      }
    }
    avn_free(ev);
  }
  return rc ? rc : a->rc;
}

/* Reads written before instances (migration 5) were named "... / FORM[ SIDE]
** / entry N", and the migration moved them to their reader's instance
** (store_instance_migrate): the same rule on the replayed facts. Entry 1
** goes to (its reader, 1); entry 2 to (its reader, 2) when entry 1 names the
** same reader, else (its reader, 1); the adjudication of a double-entered
** read to the instance of its entry 2. Facts are settled (sorted) on entry;
** the caller settles them again. O(n log n). */
static avn_rc legacy_reads(facts *a) {
  size_t n0 = a->n;
  bool *gone = avn_calloc(n0 + 1, sizeof *gone);
  if (!gone) return a->rc = AVN_E_NOMEM;
  for (size_t i = 0; !a->rc && i < n0; i++) {
    fact *f = &a->v[i];
    const char *slash = strrchr(f->rec, '/');
    if (strncmp(f->rec, "patient ", 8) || strstr(f->rec, " / instance ") || !slash || slash < f->rec + 2) continue;
    bool adj = !strcmp(slash, "/ adjudication");
    int entry = !strcmp(slash, "/ entry 1") ? 1 : !strcmp(slash, "/ entry 2") ? 2 : 0;
    if (!adj && !entry) continue;
    /* the form's name: the word after the last " / " before the tail, without its side */
    char base[600], form[128];
    size_t blen = (size_t)(slash - 1 - f->rec);
    if (blen >= sizeof base) continue;
    memcpy(base, f->rec, blen);
    base[blen] = '\0';
    const char *fs = strrchr(base, '/');
    if (!fs) continue;
    snprintf(form, sizeof form, "%s", fs + 2);
    char *sp = strchr(form, ' ');
    if (sp) *sp = '\0';
    const inst_def *d = inst_find(form);
    const char *ri = d ? inst_reader_item(d) : NULL;
    if (!ri) continue;
    char r1[640], r2[640], rec[1400];
    snprintf(r1, sizeof r1, "%s / entry 1", base);
    snprintf(r2, sizeof r2, "%s / entry 2", base);
    const fact *x1 = facts_find(a, n0, r1, ri), *x2 = facts_find(a, n0, r2, ri);
    const char *reader1 = x1 && x1->val && *x1->val ? x1->val : NULL;
    const char *reader2 = x2 && x2->val && *x2->val ? x2->val : NULL;
    if (adj) {
      if (!reader2 || !reader1 || strcmp(reader1, reader2)) continue;
      snprintf(rec, sizeof rec, "%s / instance %s / adjudication", base, reader2);
    } else if (entry == 1) {
      if (!reader1) continue;
      snprintf(rec, sizeof rec, "%s / instance %s / entry 1", base, reader1);
    } else {
      if (!reader2) continue;
      snprintf(rec, sizeof rec, "%s / instance %s / entry %d", base, reader2,
               reader1 && !strcmp(reader1, reader2) ? 2 : 1);
    }
    /* The old facts stay as they are until every move is decided (facts_find
    ** reads them); the copy under the new name is appended. */
    char *field = avn_strdup(f->field), *val = f->val ? avn_strdup(f->val) : NULL;
    size_t seq = f->seq;
    if (!field || (f->val && !val) || facts_add(a, rec, field, val)) {
      avn_free(field);
      avn_free(val);
      a->rc = AVN_E_NOMEM;
      break;
    }
    a->v[a->n - 1].seq = seq;
    avn_free(field);
    avn_free(val);
    gone[i] = true;
  }
  for (size_t i = 0; i < n0; i++)
    if (gone[i]) {   /* a NULL value: settled away under the old name */
      avn_free(a->v[i].val);
      a->v[i].val = NULL;
    }
  avn_free(gone);
  return a->rc;
}

/* A legacy record of a repeating form: "patient P / visit V / FORM[ SIDE]"
** + " / entry N" or " / adjudication" (no instance): its base (the part
** before the tail) into base, the patient's code length into *plen. */
static bool legacy_repeat(const char *rec, char *base, size_t n, size_t *plen) {
  const char *slash = strrchr(rec, '/');
  if (strncmp(rec, "patient ", 8) || strstr(rec, " / instance ") || !slash || slash < rec + 2) return false;
  if (strcmp(slash, "/ entry 1") && strcmp(slash, "/ entry 2") && strcmp(slash, "/ adjudication")) return false;
  size_t blen = (size_t)(slash - 1 - rec);
  const char *fs = NULL;
  for (const char *p = rec; p + 3 <= rec + blen; p++)
    if (!strncmp(p, " / ", 3)) fs = p;
  const char *pe = strstr(rec, " / ");
  if (blen >= n || !fs || !pe) return false;
  char form[128];
  snprintf(form, sizeof form, "%.*s", (int)(blen - (size_t)(fs + 3 - rec)), fs + 3);
  char *sp = strchr(form, ' ');
  if (sp) *sp = '\0';
  const inst_def *d = inst_find(form);
  if (!d || !inst_repeats(d)) return false;
  memcpy(base, rec, blen);
  base[blen] = '\0';
  *plen = (size_t)(pe - rec);
  return true;
}

typedef struct {
  char *base;
  size_t first, plen;        /* first: seq of its first fact (its creation) */
  long number;
} rep_group;

static int rep_base_cmp(const void *x, const void *y) {
  const rep_group *a = x, *b = y;
  int c = strcmp(a->base, b->base);
  return c ? c : (a->first > b->first) - (a->first < b->first);
}

/* Patient, then creation order. */
static int rep_order_cmp(const void *x, const void *y) {
  const rep_group *a = x, *b = y;
  size_t n = a->plen < b->plen ? a->plen : b->plen;
  int c = strncmp(a->base, b->base, n);
  if (!c && a->plen != b->plen) c = a->plen < b->plen ? -1 : 1;
  return c ? c : (a->first > b->first) - (a->first < b->first);
}

/* Forms of a repeating form entered before instances (migration 5) were
** named without an instance, one per visit; the migration numbered them 1,
** 2 ... per patient and form in the order they were created
** (store_instance_migrate). The same numbering from the trail: a record's
** first fact is its creation. Runs on the facts in trail order, before
** settling. O(n log n). */
static avn_rc legacy_repeats(facts *a) {
  rep_group *g = NULL;
  size_t ng = 0, cap = 0;
  char base[600];
  size_t plen;
  avn_rc rc = AVN_OK;
  for (size_t i = 0; !rc && i < a->n; i++) {
    if (!legacy_repeat(a->v[i].rec, base, sizeof base, &plen)) continue;
    if (avn_grow((void **)&g, &cap, ng + 1, sizeof *g)) { rc = AVN_E_NOMEM; break; }
    g[ng] = (rep_group){avn_strdup(base), a->v[i].seq, plen, 0};
    if (!g[ng++].base) rc = AVN_E_NOMEM;
  }
  if (rc || !ng) goto cleanup;
  qsort(g, ng, sizeof *g, rep_base_cmp);
  size_t w = 0;   /* one group per base: its first fact */
  for (size_t i = 0; i < ng; i++) {
    if (w && !strcmp(g[w - 1].base, g[i].base)) { avn_free(g[i].base); continue; }
    g[w++] = g[i];
  }
  ng = w;
  qsort(g, ng, sizeof *g, rep_order_cmp);
  for (size_t i = 0; i < ng; i++)
    g[i].number = i && g[i].plen == g[i - 1].plen && !strncmp(g[i].base, g[i - 1].base, g[i].plen)
                      ? g[i - 1].number + 1 : 1;
  qsort(g, ng, sizeof *g, rep_base_cmp);
  for (size_t i = 0; !rc && i < a->n; i++) {
    if (!legacy_repeat(a->v[i].rec, base, sizeof base, &plen)) continue;
    rep_group key = {base, 0, 0, 0};
    size_t lo = 0, hi = ng;   /* the group of this base (ng >= 1, every base is there) */
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (strcmp(g[mid].base, key.base) < 0) lo = mid + 1;
      else hi = mid;
    }
    char rec[1400];
    snprintf(rec, sizeof rec, "%s / instance %ld%s", base, g[lo].number, a->v[i].rec + strlen(base));
    char *moved = avn_strdup(rec);
    if (!moved) { rc = AVN_E_NOMEM; break; }
    avn_free(a->v[i].rec);
    a->v[i].rec = moved;
  }
cleanup:
  for (size_t i = 0; i < ng; i++) avn_free(g[i].base);
  avn_free(g);
  if (rc) a->rc = rc;
  return rc;
}

static avn_rc audit_facts(store *s, facts *a, avn_err *e) {
  avn_rc rc = store_q(s, "SELECT record, field, new_value FROM audit ORDER BY id", NULL, 0, audit_fact, a, e);
  if (!rc) rc = a->rc;
  if (!rc) rc = legacy_repeats(a);
  if (rc) return rc;
  facts_settle(a);
  rc = legacy_reads(a);
  if (rc) return rc;
  facts_settle(a);
  rc = schedule_facts(s, a);
  if (!rc) facts_settle(a);
  return rc;
}

/* --- the comparison ------------------------------------------------------ */

static int check_row(void *ctx, int n, const char *const *c) {
  char *out = ctx;
  (void)n;
  if (!out[0]) snprintf(out, 256, "%s", c[0] ? c[0] : "");
  for (char *nl = strchr(out, '\n'); nl; nl = strchr(nl, '\n')) *nl = ' ';   /* one line */
  return 0;
}

avn_rc store_quick_check(store *s, avn_err *e) {
  char first[256] = "";
  avn_rc rc = store_q(s, s->db->ops->check_sql, NULL, 0, check_row, first, e);
  if (rc) return rc;
  if (strcmp(first, "ok") != 0)
    return avn_fail(e, AVN_E_CORRUPT, s->path, NULL, "the database file is damaged (quick_check: %s): restore it "
                    "from a backup", first);
  return AVN_OK;
}

avn_rc store_verify(store *s, store_diff_fn fn, void *ctx, store_verify_result *out, avn_err *e) {
  facts a = {0}, t = {0};
  avn_err qe;
  avn_err_clear(&qe);
  memset(out, 0, sizeof *out);
  /* The replay compares every site's tables: an administrator's, with users. */
  avn_rc rc = store_read_scope(s, NULL, "read_trail", NULL, 0, e);
  if (rc) return rc;
  rc = store_quick_check(s, &qe);
  out->file_ok = rc == AVN_OK;
  if (rc == AVN_E_CORRUPT) {
    snprintf(out->file, sizeof out->file, "%.250s", qe.rule);
    if (e) *e = qe;
    return rc;
  }
  if (rc) {
    if (e) *e = qe;
    return rc;
  }
  snprintf(out->file, sizeof out->file, "ok");
  avn_err ce;
  avn_err_clear(&ce);
  rc = store_each_audit(s, NULL, NULL, NULL, &out->chain, &ce);
  if (rc && rc != AVN_E_STATE) {
    if (e) *e = ce;
    return rc;
  }
  rc = audit_facts(s, &a, e);
  if (!rc) rc = table_facts(s, &t, e);
  if (rc) goto cleanup;
  size_t i = 0, j = 0;
  while (i < a.n || j < t.n) {
    int c = i == a.n ? 1 : j == t.n ? -1 : strcmp(a.v[i].rec, t.v[j].rec);
    if (!c) c = strcmp(a.v[i].field, t.v[j].field);
    store_diff d = {0};
    if (c < 0) {
      d = (store_diff){a.v[i].rec, a.v[i].field, a.v[i].val, NULL};
      i++;
    } else if (c > 0) {
      d = (store_diff){t.v[j].rec, t.v[j].field, NULL, t.v[j].val};
      j++;
    } else {
      bool same = !strcmp(a.v[i].val, t.v[j].val);
      d = (store_diff){a.v[i].rec, a.v[i].field, a.v[i].val, t.v[j].val};
      i++;
      j++;
      if (same) continue;
    }
    out->n_diffs++;
    if (fn && fn(ctx, &d)) break;
  }
  if (out->n_diffs)
    rc = avn_fail(e, AVN_E_STATE, "audit", NULL, "%zu difference%s between the audit trail and the tables",
                  out->n_diffs, out->n_diffs == 1 ? "" : "s");
  else if (!out->chain.chain_ok || !out->chain.checkpoint_ok)
    rc = avn_fail(e, AVN_E_STATE, "audit", NULL, "%s", ce.rule);
cleanup:
  facts_free(&a);
  facts_free(&t);
  return rc;
}
