/*
** store_adjudicate.c: settling double-entry discrepancies (store.h:
** store_adjudicate, store_find_adjudication, store_settle).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "core/mem.h"
#include "core/text.h"
#include "store/store_int.h"

static const char *value_of(const store_form *f, const char *item) {
  for (size_t i = 0; f && i < f->n_values; i++)
    if (!strcmp(f->values[i].item, item)) return f->values[i].missing ? NULL : f->values[i].text;
  return NULL;
}

bool store_independent_reads(const store_form *f1, const store_form *f2) {
  const char *ri = f1 && f2 && f1->def ? inst_reader_item(f1->def) : NULL;
  if (!ri) return false;
  const char *r1 = value_of(f1, ri), *r2 = value_of(f2, ri);
  return r1 && r2 && strcmp(r1, r2) != 0;
}

static int user_row(void *ctx, int n, const char *const *c) {
  const char **u = ctx;
  (void)n;
  if (c[0] && !strcmp(c[0], u[0])) u[1] = "yes";
  return 0;
}

/* One entry's stored value of the item, or NULL (blank). */
static avn_rc entry_value(store *s, const char *pid, const store_adjudicate_req *r, const char *item, int entry,
                          bool *form_found, char **val, avn_err *e) {
  char en[4];
  snprintf(en, sizeof en, "%d", entry);
  const char *side = r->side == SIDE_PATIENT ? "" : side_name(r->side);
  const char *p[6] = {pid, r->visit, r->form, side, en, r->instance ? r->instance : ""};
  char *id = NULL;
  avn_rc rc = store_q_one(s, "SELECT id FROM form WHERE patient_id=? AND visit=? AND instrument=? AND side=?"
                             " AND entry=? AND instance=? AND void_reason IS NULL", p, 6, &id, form_found, e);
  if (!rc && *form_found) {
    const char *q[2] = {id, item};
    rc = store_q_one(s, "SELECT value_text FROM item_value WHERE form_id=? AND item=?", q, 2, val, NULL, e);
  }
  avn_free(id);
  return rc;
}

avn_rc store_adjudicate(store *s, const store_adjudicate_req *r, avn_err *e) {
  store_patient_row pt = {0};
  char *v1 = NULL, *v2 = NULL, *old = NULL, record[400], r1[300], r2[300], at[32], text[1024];
  bool in_tx = false, found1 = false, found2 = false;
  const inst_def *d = inst_find(r->form);
  if (!r->reason) return avn_fail(e, AVN_E_REQUIRED, "--reason", NULL, "adjudicating a value needs --reason \"why\"");
  avn_rc rc = avn_text_check("--reason", r->reason, AVN_TEXT_REASON, 0, e);
  if (rc) return rc;
  if (!d) return avn_fail(e, AVN_E_UNKNOWN, "form", r->form, "no such form (see 'avn score --help')");
  if (!protocol_double_entry(s->protocol, r->form))
    return avn_fail(e, AVN_E_STATE, "form", r->form, "is not double-entered in this protocol (double_entry): "
                    "there is nothing to adjudicate");
  inst_value v;
  rc = inst_parse_value(d, r->item, r->value, &v, e);   /* names the item, the value and the rule */
  if (rc) return rc;
  const inst_item *it = inst_item_find(d, v.item);
  if (v.missing)
    return avn_fail(e, AVN_E_REQUIRED, r->item, r->value, "an adjudicated value cannot be blank");
  store_value_text(it, &v, text, sizeof text);
  rc = store_visit_known(s, r->visit, e);
  if (rc) return rc;
  rc = store_tx_begin(s, e);
  if (rc) return rc;
  in_tx = true;
  rc = store_patient_find(s, r->patient, &pt, e);
  if (!rc) rc = entry_value(s, pt.pid, r, it->name, 1, &found1, &v1, e);
  if (!rc) rc = entry_value(s, pt.pid, r, it->name, 2, &found2, &v2, e);
  if (rc) goto cleanup;
  const char *inst = r->instance ? r->instance : "";
  store_form_record(r1, sizeof r1, r->patient, r->visit, r->form, r->side, inst, 1);
  store_form_record(r2, sizeof r2, r->patient, r->visit, r->form, r->side, inst, 2);
  if (!found1 || !found2) {
    rc = avn_fail(e, AVN_E_NOTFOUND, "form", found1 ? r2 : r1, "not entered: both entries are needed to adjudicate");
    goto cleanup;
  }
  if ((v1 && v2 && !strcmp(v1, v2)) || (!v1 && !v2)) {
    rc = avn_fail(e, AVN_E_STATE, it->name, v1 ? v1 : "(blank)", "entries 1 and 2 agree on %s: nothing to adjudicate",
                  it->name);
    goto cleanup;
  }
  const char *ri = inst_reader_item(d);
  char *rd1 = NULL, *rd2 = NULL;
  if (ri) {
    rc = entry_value(s, pt.pid, r, ri, 1, &found1, &rd1, e);
    if (!rc) rc = entry_value(s, pt.pid, r, ri, 2, &found2, &rd2, e);
  }
  bool reads = rd1 && rd2 && strcmp(rd1, rd2) != 0;
  avn_free(rd1);
  avn_free(rd2);
  if (rc) goto cleanup;
  if (reads) {
    rc = avn_fail(e, AVN_E_STATE, "form", r1, "the two entries are independent reads by two readers: they "
                           "are settled by a consensus read, not adjudicated");
    goto cleanup;
  }
  /* A third person: anyone who wrote either entry is refused. With named
  ** users the adjudicator is the logged-in one, whatever --user says. */
  const char *who = r->user;
  rc = store_writer(s, r->user, &who, e);
  if (rc) goto cleanup;
  const char *u[2] = {who, NULL};
  const char *rp[2] = {r1, r2};
  rc = store_q(s, "SELECT DISTINCT user FROM audit WHERE record IN (?, ?)", rp, 2, user_row, u, e);
  if (!rc && u[1])
    rc = avn_fail(e, AVN_E_STATE, "--user", who, "entered %s themselves: an adjudication is made by a third "
                  "person", r->form);
  if (rc) goto cleanup;
  const char *side = r->side == SIDE_PATIENT ? "" : side_name(r->side);
  const char *k[6] = {pt.pid, r->visit, r->form, side, it->name, inst};
  rc = store_q_one(s, "SELECT value_text FROM adjudication WHERE patient_id=? AND visit=? AND instrument=? AND side=?"
                      " AND item=? AND instance=?", k, 6, &old, NULL, e);
  if (!rc && old && !strcmp(old, text))
    rc = avn_fail(e, AVN_E_STATE, it->name, text, "already adjudicated to this value");
  if (rc) goto cleanup;
  snprintf(record, sizeof record, "patient %s / visit %s / %s%s%s%s%s / adjudication", r->patient, r->visit, r->form,
           r->side == SIDE_PATIENT ? "" : " ", side, *inst ? " / instance " : "", inst);
  rc = store_audit(s, r->user, "adjudicate", record, it->name, old, text, r->reason, e);
  store_now_iso(at);
  const char *ins[10] = {pt.pid, r->visit, r->form, side, it->name, text, r->reason, who, at, inst};
  if (!rc)
    rc = store_q(s, "INSERT INTO adjudication(patient_id, visit, instrument, side, item, value_text, reason, user, at,"
                    " instance) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(patient_id, visit, instrument, side, instance,"
                    " item) DO UPDATE SET"
                    " value_text=excluded.value_text, reason=excluded.reason, user=excluded.user, at=excluded.at",
                 ins, 10, NULL, NULL, e);
  if (!rc) rc = store_tx_commit(s, e);
  if (!rc) in_tx = false;
cleanup:
  if (in_tx) store_tx_rollback(s);
  avn_free(v1);
  avn_free(v2);
  avn_free(old);
  store_patient_row_free(&pt);
  return rc;
}

/* --- the settled view ------------------------------------------------------ */

static int adj_cmp(size_t pa, const char *va, const char *fa, int sa, const char *na, const char *ia,
                   const store_adjudication *b) {
  if (pa != b->patient) return pa < b->patient ? -1 : 1;
  int c = strcmp(va, b->visit);
  if (!c) c = strcmp(fa, b->form);
  if (!c && sa != b->side) c = sa < b->side ? -1 : 1;
  if (!c) c = strcmp(na, b->instance);
  if (!c) c = strcmp(ia, b->item);
  return c;
}

const store_adjudication *store_find_adjudication(const store_study *st, size_t patient, const char *visit,
                                                  const char *form, int side, const char *instance, const char *item) {
  size_t lo = 0, hi = st->n_adjudications;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = adj_cmp(patient, visit, form, side, instance ? instance : "", item, &st->adjudications[mid]);
    if (!c) return &st->adjudications[mid];
    if (c < 0) hi = mid;
    else lo = mid + 1;
  }
  return NULL;
}

static inst_value *slot(store_form *f, const char *item) {
  for (size_t i = 0; i < f->n_values; i++)
    if (!strcmp(f->values[i].item, item)) return &f->values[i];
  return NULL;
}

/* Sets the item in the form to the parsed value (its text a copy in the
** snapshot's strings), adding it when the form had it blank. */
static avn_rc set_value(store_study *st, store_form *f, const inst_value *v, const char *text) {
  inst_value *x = slot(f, v->item);
  if (!x) {
    inst_value *g = avn_reallocarray(f->values, f->n_values + 1, sizeof *f->values);
    if (!g) return AVN_E_NOMEM;
    f->values = g;
    x = &f->values[f->n_values++];
    x->text = NULL;
  }
  const char *t = g_string_chunk_insert(st->strings, text);
  *x = *v;
  x->text = t;
  return AVN_OK;
}

/* One differing item of a pair: its adjudication in both, else missing in both. */
static avn_rc settle_item(store_study *st, store_form *f1, store_form *f2, const char *item, store_settle_result *out) {
  const store_adjudication *a =
      store_find_adjudication(st, f1->patient, f1->visit, f1->instrument, f1->side, f1->instance, item);
  inst_value v;
  if (a && inst_parse_value(f1->def, item, a->value, &v, NULL) == AVN_OK) {
    out->adjudicated++;
    avn_rc rc = set_value(st, f1, &v, a->value);
    return rc ? rc : set_value(st, f2, &v, a->value);
  }
  out->unresolved++;
  inst_value *x1 = slot(f1, item), *x2 = slot(f2, item);
  /* unsettled: plain missing, not a recorded code (the entries disagree) */
  if (x1) *x1 = (inst_value){.item = x1->item, .missing = true, .text = x1->text};
  if (x2) *x2 = (inst_value){.item = x2->item, .missing = true, .text = x2->text};
  return AVN_OK;
}

avn_rc store_settle(store_study *st, store_settle_result *out) {
  store_settle_result r = {0, 0, 0};
  avn_rc rc = AVN_OK;
  for (size_t i = 0; !rc && i < st->n_forms; i++) {
    store_form *f1 = &st->forms[i];
    if (f1->entry != 1 || !f1->def || !protocol_double_entry(st->protocol, f1->instrument)) continue;
    store_form *f2 =
        (store_form *)store_find_instance(st, f1->patient, f1->visit, f1->instrument, f1->side, f1->instance, 2);
    if (!f2 || store_independent_reads(f1, f2)) continue;
    /* The items first: settling changes the forms' value arrays. */
    size_t n1 = f1->n_values, n2 = f2->n_values, n = 0;
    const char **items = avn_calloc(n1 + n2 + 1, sizeof *items);
    if (!items) return AVN_E_NOMEM;
    for (size_t k = 0; k < n1; k++) {
      const char *a = value_of(f1, f1->values[k].item), *b = value_of(f2, f1->values[k].item);
      /* the same missing-data code in both ("ND" twice) is an agreement too */
      const inst_value *c2 = slot(f2, f1->values[k].item);
      bool same_code = f1->values[k].code && c2 && c2->code && !strcmp(f1->values[k].code, c2->code);
      if ((a && b && !strcmp(a, b)) || same_code) r.agreed++;
      else items[n++] = f1->values[k].item;
    }
    for (size_t k = 0; k < n2; k++)
      if (!slot(f1, f2->values[k].item) && !f2->values[k].missing) items[n++] = f2->values[k].item;
    for (size_t k = 0; !rc && k < n; k++) rc = settle_item(st, f1, f2, items[k], &r);
    avn_free(items);
  }
  if (out) {
    out->agreed += r.agreed;
    out->adjudicated += r.adjudicated;
    out->unresolved += r.unresolved;
  }
  return rc;
}
