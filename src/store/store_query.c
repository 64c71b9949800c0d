/*
** store_query.c: queries on a field and their message threads (see
** store.h). A query names a patient and, as far as given, a visit, a form
** (with its hip) and an item; its status goes open -> answered -> closed
** (a monitor may close an open one). Audited as record "query N": field
** "on" (what it is about), "status", and "message K" (the text; the row's
** user is the author), so store_verify replays threads too.
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/text.h"
#include "store/store_int.h"

/* What the query is about, in words ("patient P1 / visit m1 / hhs left / pain"). */
static void query_on(const store_query_ref *q, char *out, size_t n) {
  int k = snprintf(out, n, "patient %s", q->patient);
  if (q->visit && k >= 0 && (size_t)k < n) k += snprintf(out + k, n - (size_t)k, " / visit %s", q->visit);
  if (q->form && k >= 0 && (size_t)k < n)
    k += snprintf(out + k, n - (size_t)k, " / %s%s%s", q->form, q->side ? " " : "", q->side ? side_name(q->side) : "");
  if (q->item && k >= 0 && (size_t)k < n) snprintf(out + k, n - (size_t)k, " / %s", q->item);
}

static avn_rc ref_check(store *s, const store_query_ref *q, avn_err *e) {
  avn_rc rc = AVN_OK;
  if ((q->form && !q->visit) || (q->item && !q->form))
    return avn_fail(e, AVN_E_USAGE, q->item && !q->form ? "--item" : "--form", q->item && !q->form ? q->item : q->form,
                    "a query on an item names its form, and a query on a form names its visit");
  if (q->side && !q->form) return avn_fail(e, AVN_E_USAGE, "--hip", side_name(q->side), "--hip goes with --form");
  if (q->visit) rc = store_visit_known(s, q->visit, e);
  if (rc) return rc;
  const inst_def *d = q->form ? inst_find(q->form) : NULL;
  if (q->form && !d) return avn_fail(e, AVN_E_UNKNOWN, "--form", q->form, "no such form");
  if (q->item && !inst_item_find(d, q->item))
    return avn_fail(e, AVN_E_UNKNOWN, "--item", q->item, "form '%s' has no such item", q->form);
  return AVN_OK;
}

/* Appends the next message of query qid's thread, by who, audited. */
static avn_rc add_message(store *s, const char *qid, const char *who, const char *action, const char *text,
                          avn_err *e) {
  char *seq = NULL, rec[48], field[32], at[32];
  const char *p[1] = {qid};
  avn_rc rc = store_q_one(s, "SELECT 1 + count(*) FROM query_message WHERE query_id=?", p, 1, &seq, NULL, e);
  if (rc) return rc;
  store_now_iso(at);
  const char *pm[5] = {qid, seq, who, at, text};
  rc = store_q(s, "INSERT INTO query_message(query_id,seq,user,at,text) VALUES(?,?,?,?,?)", pm, 5, NULL, NULL, e);
  snprintf(rec, sizeof rec, "query %s", qid);
  snprintf(field, sizeof field, "message %s", seq);
  if (!rc) rc = store_audit(s, who, action, rec, field, NULL, text, NULL, e);
  avn_free(seq);
  return rc;
}

avn_rc store_query_open(store *s, const store_query_ref *q, const char *message, const char *user, int64_t *id,
                        avn_err *e) {
  char on[400], at[32], rec[48], *qid = NULL;
  const char *who = user;
  store_patient_row pr = {0};
  avn_rc rc = avn_text_check("--message", message, AVN_TEXT_REASON, 0, e);
  if (!rc) rc = ref_check(s, q, e);
  if (!rc) rc = store_writer(s, user, &who, e);
  if (rc) return rc;
  rc = store_tx_begin(s, e);
  if (rc) return rc;
  rc = store_patient_find(s, q->patient, &pr, e);
  if (!rc) rc = store_permit(s, "query_open", q->patient, e);
  if (!rc && q->side) {
    char *hip = NULL;
    bool found = false;
    const char *hp[2] = {pr.pid, side_name(q->side)};
    rc = store_q_one(s, "SELECT id FROM hip WHERE patient_id=? AND side=?", hp, 2, &hip, &found, e);
    avn_free(hip);
    if (!rc && !found)
      rc = avn_fail(e, AVN_E_NOTFOUND, "--hip", side_name(q->side), "patient %s has no %s study hip", q->patient,
                    side_name(q->side));
  }
  if (rc) goto cleanup;
  store_now_iso(at);
  const char *p[6] = {pr.pid, q->visit ? q->visit : "", q->form ? q->form : "",
                      q->side ? side_name(q->side) : "", q->item ? q->item : "", at};
  rc = store_q_one(s, "INSERT INTO query(patient_id,visit,form,side,item,status,opened_at) VALUES(?,?,?,?,?,'open',?)"
                      " RETURNING id", p, 6, &qid, NULL, e);
  if (rc) goto cleanup;
  query_on(q, on, sizeof on);
  snprintf(rec, sizeof rec, "query %s", qid);
  rc = store_audit(s, who, "query_open", rec, "on", NULL, on, NULL, e);
  if (!rc) rc = store_audit(s, who, "query_open", rec, "status", NULL, "open", NULL, e);
  if (!rc) rc = add_message(s, qid, who, "query_open", message, e);
  if (!rc) rc = store_tx_commit(s, e);
  if (!rc && id) *id = strtoll(qid, NULL, 10);
cleanup:
  if (rc) store_tx_rollback(s);
  store_patient_row_free(&pr);
  avn_free(qid);
  return rc;
}

/* answer (open|answered -> answered) and close (open|answered -> closed). */
static avn_rc query_step(store *s, int64_t id, bool close, const char *message, const char *user, avn_err *e) {
  char qid[24], rec[48], *c[2] = {NULL, NULL};
  const char *who = user, *action = close ? "query_close" : "query_answer";
  bool found = false;
  snprintf(qid, sizeof qid, "%" PRId64, id);
  avn_rc rc = avn_text_check("--message", message, AVN_TEXT_REASON, 0, e);
  if (!rc) rc = store_writer(s, user, &who, e);
  if (rc) return rc;
  rc = store_tx_begin(s, e);
  if (rc) return rc;
  const char *p[1] = {qid};
  rc = store_q_row(s, "SELECT q.status, p.code FROM query q JOIN patient p ON p.id = q.patient_id WHERE q.id=?", p, 1,
                   c, 2, &found, e);
  if (!rc && !found) rc = avn_fail(e, AVN_E_NOTFOUND, "query", qid, "no such query in this study (avn query list)");
  if (!rc) rc = store_permit(s, action, c[1], e);
  if (!rc && !strcmp(c[0], "closed"))
    rc = avn_fail(e, AVN_E_STATE, "query", qid, "the query is closed: open a new one to take it up again");
  if (rc) goto cleanup;
  const char *now = close ? "closed" : "answered";
  const char *pu[2] = {now, qid};
  snprintf(rec, sizeof rec, "query %s", qid);
  if (strcmp(c[0], now) != 0) {
    rc = store_q(s, "UPDATE query SET status=? WHERE id=?", pu, 2, NULL, NULL, e);
    if (!rc) rc = store_audit(s, who, action, rec, "status", c[0], now, NULL, e);
  }
  if (!rc) rc = add_message(s, qid, who, action, message, e);
  if (!rc) rc = store_tx_commit(s, e);
cleanup:
  if (rc) store_tx_rollback(s);
  store_row_free(c, 2);
  return rc;
}

avn_rc store_query_answer(store *s, int64_t id, const char *message, const char *user, avn_err *e) {
  return query_step(s, id, false, message, user, e);
}

avn_rc store_query_close(store *s, int64_t id, const char *message, const char *user, avn_err *e) {
  return query_step(s, id, true, message, user, e);
}

typedef struct {
  store_query_row *v;
  size_t n, cap;
  bool nomem;
} query_list;

/* Rows come ordered by query then seq: a new query starts a row. */
static int query_cb(void *ctx, int n, const char *const *c) {
  query_list *l = ctx;
  (void)n;
  int64_t id = strtoll(c[0], NULL, 10);
  if (!l->n || l->v[l->n - 1].id != id) {
    if (avn_grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v)) return l->nomem = true, 1;
    store_query_row *r = &l->v[l->n++];
    memset(r, 0, sizeof *r);
    r->id = id;
    r->on = avn_strdup(c[1]);
    r->status = avn_strdup(c[2]);
    l->nomem |= !r->on || !r->status;
  }
  store_query_row *r = &l->v[l->n - 1];
  size_t cap = r->n_messages;
  if (avn_grow((void **)&r->messages, &cap, r->n_messages + 1, sizeof *r->messages)) return l->nomem = true, 1;
  store_query_msg *m = &r->messages[r->n_messages++];
  m->user = avn_strdup(c[3]);
  m->at = avn_strdup(c[4]);
  m->text = avn_strdup(c[5]);
  l->nomem |= !m->user || !m->at || !m->text;
  return l->nomem;
}

avn_rc store_queries(store *s, const char *patient, const char *status, store_query_row **out, size_t *n,
                     avn_err *e) {
  query_list l = {0};
  const char *p[4] = {patient, patient, status, status};
  char sites[128], sql[768];
  /* the reader's sites only (store_read_scope) */
  avn_rc rc = store_read_scope(s, NULL, NULL, sites, sizeof sites, e);
  if (rc) return rc;
  snprintf(sql, sizeof sql, "SELECT q.id, " STORE_QUERY_ON_SQL ", q.status, m.user, m.at, m.text FROM query q JOIN"
           " patient p ON p.id = q.patient_id JOIN query_message m ON m.query_id = q.id"
           " WHERE (CAST(? AS TEXT) IS NULL OR p.code = ?) AND (CAST(? AS TEXT) IS NULL OR q.status = ?)%s%s ORDER BY q.id, m.seq",
           sites[0] ? " AND p.site_id IN " : "", sites);
  rc = store_q(s, sql, p, 4, query_cb, &l, e);
  if (!rc && l.nomem) rc = AVN_E_NOMEM;
  if (rc) {
    store_queries_free(l.v, l.n);
    return rc;
  }
  *out = l.v;
  *n = l.n;
  return AVN_OK;
}

void store_queries_free(store_query_row *v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    for (size_t k = 0; k < v[i].n_messages; k++) {
      avn_free(v[i].messages[k].user);
      avn_free(v[i].messages[k].at);
      avn_free(v[i].messages[k].text);
    }
    avn_free(v[i].messages);
    avn_free(v[i].on);
    avn_free(v[i].status);
  }
  avn_free(v);
}
