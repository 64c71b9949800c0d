/*
** store_form.c: entering form values (store_enter, see store.h).
**
** Order of checks, cheapest first: the form and every item value against the
** instrument definition (no database needed); then, inside the write
** transaction, the patient, the hip, the visit, the double-entry rule,
** dates against birth and enrolment, the lock, and the whole form's
** cross-item rules on the merged old+new values. Only then are values
** written, each change with its audit row. Changing a recorded value needs
** a reason (ICH E6: the audit trail says why). The visit's date follows
** store_visit_date's rules (store_visit.c), the same ones avn visit uses.
** The instance is settled first (enter_prepare; store_instance.c): a new
** or named instance of a repeating form, at a visit or at none (no visit
** date then), or a read's reader, which is also its reader item's value.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "store/store_int.h"

typedef struct {
  char *item, *text;
} kv_row;

typedef struct {
  kv_row *rows;
  size_t n;
  avn_rc rc;
} kv_rows;

static int kv_cb(void *ctx, int n, const char *const *c) {
  kv_rows *k = ctx;
  (void)n;
  kv_row *g = avn_reallocarray(k->rows, k->n + 1, sizeof *g);
  if (!g) { k->rc = AVN_E_NOMEM; return 1; }
  k->rows = g;
  k->rows[k->n].item = avn_strdup(c[0]);
  k->rows[k->n].text = avn_strdup(c[1] ? c[1] : "");
  if (!k->rows[k->n].item || !k->rows[k->n].text) {
    avn_free(k->rows[k->n].item);
    avn_free(k->rows[k->n].text);
    k->rc = AVN_E_NOMEM;
    return 1;
  }
  k->n++;
  return 0;
}

static void kv_rows_free(kv_rows *k) {
  for (size_t i = 0; i < k->n; i++) { avn_free(k->rows[i].item); avn_free(k->rows[i].text); }
  avn_free(k->rows);
}

/* Formats a parsed value as the text stored in item_value.value_text. */
void store_value_text(const inst_item *it, const inst_value *v, char *out, size_t n) {
  char d[11];
  switch (it->type) {
    case INST_CODE:
    case INST_TEXT:
      snprintf(out, n, "%s", v->text ? v->text : "");
      break;
    case INST_BOOL:
      snprintf(out, n, "%s", v->num != 0 ? "yes" : "no");
      break;
    case INST_DATE:
      snprintf(out, n, "%s", avn_date_format((avn_date)v->num, d));
      break;
    case INST_TIME:
      snprintf(out, n, "%02d:%02d", (int)v->num / 60, (int)v->num % 60);
      break;
    default:
      snprintf(out, n, "%.15g", v->num);
  }
}

/* A form the protocol schedules at some visits is entered at one of them,
** or marked unscheduled (r->unscheduled); a form it schedules nowhere (an
** adverse event, an arthroplasty) may come at any visit. */
static avn_rc schedule_check(const protocol *p, const store_enter_req *r, avn_err *e) {
  char where[256] = "";
  size_t used = 0;
  bool here = false;
  for (size_t i = 0; i < p->n_visits; i++)
    for (size_t k = 0; k < p->visits[i].n_forms; k++) {
      if (strcmp(p->visits[i].forms[k], r->form) != 0) continue;
      here |= !strcmp(p->visits[i].name, r->visit);
      int w = snprintf(where + used, sizeof where - used, "%s%s", used ? ", " : "", p->visits[i].name);
      if (w > 0 && (size_t)w < sizeof where - used) used += (size_t)w;
    }
  if (here || !used || r->unscheduled) return AVN_OK;
  return avn_fail(e, AVN_E_STATE, "form", r->form,
                  "visit '%s' does not schedule it (protocol '%s' has it at: %s): give --unscheduled if it was "
                  "collected there all the same", r->visit, p->name, where);
}

/* Dates of things that happen to an enrolled patient in the study: they lie
** inside enrolment..withdrawal (or today) and not after the visit they are
** reported at. (An MRI may be read before enrolment: screening images.) */
static const struct {
  inst_role role;
  const char *item;
} in_study[] = {{INST_ROLE_CONVERSION, "tha_date"}, {INST_ROLE_ADVERSE_EVENT, "onset_date"},
                {INST_ROLE_CELL_PRODUCT, "harvest_date"}, {INST_ROLE_CELL_PRODUCT, "injection_date"}};

static bool in_study_date(const char *form, const char *item) {
  for (size_t i = 0; i < sizeof in_study / sizeof in_study[0]; i++)
    if (!strcmp(inst_role_form(in_study[i].role), form) && !strcmp(in_study[i].item, item)) return true;
  return false;
}

avn_rc store_in_study_date(store *s, const char *pid, const char *visit, bool latest, char **out, avn_err *e) {
  char sql[1024];
  size_t used = (size_t)snprintf(sql, sizeof sql,
                                 "SELECT v.value_text || ' ' || f.instrument || '.' || v.item || ' at visit ' || f.visit"
                                 " FROM item_value v JOIN form f ON f.id = v.form_id WHERE f.patient_id=?"
                                 " AND f.void_reason IS NULL%s AND (", visit ? " AND f.visit=?" : "");
  bool any = false;
  for (size_t i = 0; i < sizeof in_study / sizeof in_study[0] && used < sizeof sql; i++) {
    const char *form = inst_role_form(in_study[i].role); /* names from the definitions, never user input */
    if (!form) continue;
    used += (size_t)snprintf(sql + used, sizeof sql - used, "%s(f.instrument='%s' AND v.item='%s')", any ? " OR " : "",
                             form, in_study[i].item);
    any = true;
  }
  if (!any) used += (size_t)snprintf(sql + used, sizeof sql - used, "0");
  if (used + 40 >= sizeof sql) return avn_fail(e, AVN_E_STATE, "store", NULL, "in-study date query too long");
  snprintf(sql + used, sizeof sql - used, ") ORDER BY v.value_text%s LIMIT 1", latest ? " DESC" : "");
  const char *p[2] = {pid, visit};
  return store_q_one(s, sql, p, visit ? 2 : 1, out, NULL, e);
}

/* The hip's first arthroplasty (its date and visit) on a side, by study id:
** read with the rest of a save (store_q_rows) or alone (timeline_check). */
#define THA_SQL                                                                                                  \
  "SELECT v.value_text, f.visit FROM form f JOIN patient p ON p.id = f.patient_id JOIN item_value v"             \
  " ON v.form_id = f.id AND v.item = 'tha_date' WHERE p.code=? AND f.side=? AND f.instrument=?"                  \
  " AND f.void_reason IS NULL ORDER BY v.value_text LIMIT 1"

/* The timeline of one entry, inside the write transaction after the visit
** date is settled: in-study dates inside enrolment..withdrawal and not after
** the visit; nothing on a hip after its arthroplasty (a form at a later
** visit), and no arthroplasty dated before a hip form already entered.
** visit_on: the visit's date after store_visit_date (NULL: at no visit);
** tha: the hip's arthroplasty as read already (THA_SQL), NULL to read it. */
static avn_rc timeline_check(store *s, const store_enter_req *r, const store_patient_row *pr,
                             const inst_value *vals, char **texts, const char *visit_on, const store_row_read *tha,
                             avn_err *e) {
  char *c[2] = {NULL, NULL};
  char field[200];
  bool found = false;
  avn_rc rc = AVN_OK;
  if (!visit_on && *r->visit) goto cleanup;   /* an instance at no visit: enrolment..withdrawal only */
  const char *tha_date = NULL;
  for (size_t i = 0; i < r->n_kv; i++) {
    if (!texts[i] || vals[i].missing || !in_study_date(r->form, vals[i].item)) continue; /* "ND": no date */
    snprintf(field, sizeof field, "%s.%s", r->form, vals[i].item);
    if (strcmp(texts[i], pr->enrolled) < 0)
      rc = avn_fail(e, AVN_E_DATE, field, texts[i], "must not be before enrolment (%s)", pr->enrolled);
    else if (pr->withdrawn && strcmp(texts[i], pr->withdrawn) > 0)
      rc = avn_fail(e, AVN_E_DATE, field, texts[i], "must not be after the patient's withdrawal (%s)", pr->withdrawn);
    else if (visit_on && strcmp(texts[i], visit_on) > 0)
      rc = avn_fail(e, AVN_E_DATE, field, texts[i], "must not be after the date of visit '%s' (%s), where it is "
                    "entered", r->visit, visit_on);
    if (rc) goto cleanup;
    if (!strcmp(vals[i].item, "tha_date")) tha_date = texts[i];
  }
  if (r->side == SIDE_PATIENT || !visit_on) goto cleanup;
  const char *side = side_name(r->side);
  const char *conv = inst_role_form(INST_ROLE_CONVERSION);
  if (strcmp(r->form, conv) != 0) {
    const char *tp[3] = {r->patient, side, conv};
    const char *const *t = (const char *const *)c;
    if (tha) {
      found = tha->found;
      t = (const char *const *)tha->cols;
    } else {
      rc = store_q_row(s, THA_SQL, tp, 3, c, 2, &found, e);
    }
    if (!rc && found && strcmp(visit_on, t[0]) > 0)
      rc = avn_fail(e, AVN_E_STATE, "--hip", side, "the %s hip was replaced (THA on %s, entered at visit %s): no %s "
                    "after that (visit %s is on %s)", side, t[0], t[1], r->form, r->visit, visit_on);
  } else if (tha_date) {
    const char *tp[4] = {pr->pid, side, conv, tha_date};
    rc = store_q_row(s, "SELECT f.instrument, f.visit || ' (' || ev.actual || ')' FROM form f JOIN event ev"
                        " ON ev.patient_id = f.patient_id AND ev.kind = 'visit' AND ev.name = f.visit"
                        " WHERE f.patient_id=? AND f.side=? AND f.instrument <> ? AND f.void_reason IS NULL"
                        " AND ev.actual > ? ORDER BY ev.actual LIMIT 1", tp, 4, c, 2, &found, e);
    if (!rc && found)
      rc = avn_fail(e, AVN_E_DATE, "tha.tha_date", tha_date, "the %s hip has a %s form at visit %s, after this "
                    "arthroplasty: void that form first if it was entered in error", side, c[0], c[1]);
  }
cleanup:
  store_row_free(c, 2);
  return rc;
}

/* The request with its instance settled before the transaction: the visit
** "-" or "" of a repeating form is none (""), and a read's reader item is
** added from --reader (or --reader from it) so the two never differ. kv2
** (caller frees) holds the values when one was added. */
static avn_rc enter_prepare(const inst_def *d, const store_enter_req *r, store_enter_req *q, char ***kv2,
                            char *reader_kv, size_t n_reader, avn_err *e) {
  *q = *r;
  if (!q->visit) q->visit = "";
  avn_rc rc = store_instance_check(d, r->instance, r->new_instance, e);
  if (rc) return rc;
  if (inst_repeats(d)) {
    if (!r->new_instance && !(r->instance && *r->instance))
      return avn_fail(e, AVN_E_REQUIRED, "--new", NULL, "form '%s' is a log (repeats): give --new to add an "
                      "instance, or --instance N to change instance N", r->form);
    if (!r->visit || !*r->visit || !strcmp(r->visit, "-")) q->visit = "";
    if (r->entry == 2 && r->new_instance)
      return avn_fail(e, AVN_E_USAGE, "--entry", "2", "the second entry of an instance is --instance N --entry 2");
    return AVN_OK;
  }
  const char *ri = inst_reader_item(d);
  if (!ri) return AVN_OK;
  size_t rlen = strlen(ri);
  const char *given = NULL;
  for (size_t i = 0; i < r->n_kv; i++)
    if (!strncmp(r->kv[i], ri, rlen) && r->kv[i][rlen] == '=') given = r->kv[i] + rlen + 1;
  if (r->instance && *r->instance && given && strcmp(given, r->instance) != 0) {
    char field[200];
    snprintf(field, sizeof field, "%s.%s", r->form, ri);
    return avn_fail(e, AVN_E_STATE, field, given, "this is %s's read (--reader %s): a read's reader is its key",
                    r->instance, r->instance);
  }
  if (!(r->instance && *r->instance)) {
    if (!given || !*given)
      return avn_fail(e, AVN_E_REQUIRED, "--reader", NULL, "form '%s' takes independent reads: give --reader NAME "
                      "(or %s=NAME; --reader %s for the consensus read)", r->form, ri, STORE_CONSENSUS);
    q->instance = given;
    return store_instance_check(d, given, false, e);
  }
  if (given) return AVN_OK;
  *kv2 = avn_calloc(r->n_kv + 1, sizeof **kv2);
  if (!*kv2) return AVN_E_NOMEM;
  memcpy(*kv2, r->kv, r->n_kv * sizeof **kv2);
  snprintf(reader_kv, n_reader, "%s=%s", ri, r->instance);
  (*kv2)[r->n_kv] = reader_kv;
  q->kv = *kv2;
  q->n_kv = r->n_kv + 1;
  return AVN_OK;
}

/* Whether a user (2) wrote a record (1): the other entry of a double entry. */
#define OTHER_ENTRY_SQL "SELECT 1 FROM audit WHERE record=? AND user=? LIMIT 1"

/* A form instance (study id, visit, form, side, instance, entry) with its
** values, one row per value (one with a NULL item when it has none):
** id, status ('void' when voided), version, item, value_text. */
#define FORM_SQL                                                                                                 \
  "SELECT f.id, CASE WHEN f.void_reason IS NULL THEN f.status ELSE 'void' END, f.version, v.item, v.value_text"  \
  " FROM form f JOIN patient p ON p.id = f.patient_id LEFT JOIN item_value v ON v.form_id = f.id"                \
  " WHERE p.code=? AND f.visit=? AND f.instrument=? AND f.side=? AND f.instance=? AND f.entry=?"

typedef struct {
  bool found;
  char *id, *status;   /* owned */
  int64_t version;
  kv_rows values;
  avn_rc rc;
} form_read;

static int form_cb(void *ctx, int n, const char *const *c) {
  form_read *f = ctx;
  if (!f->found) {
    f->found = true;
    f->id = avn_strdup(c[0]);
    f->status = avn_strdup(c[1]);
    f->version = strtoll(c[2], NULL, 10);
    if (!f->id || !f->status) {
      f->rc = AVN_E_NOMEM;
      return 1;
    }
  }
  if (n < 5 || !c[3]) return 0;   /* a form without values */
  if (kv_cb(&f->values, 2, c + 3)) {
    f->rc = f->values.rc;
    return 1;
  }
  return 0;
}

/* A save made from version r->if_version finds version `now`: the first
** value it would change that differs from the stored one is refused,
** naming the item, the user's value, the stored one and who saved it.
** Values the save leaves as stored overwrite nothing: no conflict. */
static avn_rc version_conflict(store *s, const store_enter_req *r, const char *record, const inst_value *vals,
                               char *const *texts, const kv_rows *old, int64_t now, avn_err *e) {
  for (size_t i = 0; i < r->n_kv; i++) {
    const char *was = NULL;
    for (size_t k = 0; k < old->n; k++)
      if (!strcmp(old->rows[k].item, vals[i].item)) was = old->rows[k].text;
    bool blank = vals[i].missing && !vals[i].code;
    const char *mine = blank ? NULL : texts[i];
    if (blank ? !was : (was && !strcmp(was, mine))) continue;
    char field[200], *who = NULL;
    snprintf(field, sizeof field, "%s.%s", r->form, vals[i].item);
    const char *ap[1] = {record};
    avn_rc rc = store_q_one(s, "SELECT user FROM audit WHERE record=? ORDER BY id DESC LIMIT 1", ap, 1, &who, NULL, e);
    if (rc) return rc;
    rc = avn_fail(e, AVN_E_STATE, field, mine ? mine : "(blank)",
                  "conflict: %s saved this form after you read it (version %lld, now %lld); the stored value is "
                  "'%s', yours '%s': nothing was written; read the form again and decide", who ? who : "someone",
                  (long long)r->if_version, (long long)now, was ? was : "(blank)", mine ? mine : "(blank)");
    avn_free(who);
    return rc;
  }
  return AVN_OK;
}

avn_rc store_enter(store *s, const store_enter_req *req, store_enter_result *out, avn_err *e) {
  const inst_def *d = inst_find(req->form);
  store_enter_req rq;
  const store_enter_req *r = &rq;
  char **kv2 = NULL, reader_kv[200], inst[64] = "";
  inst_value *vals = NULL;
  inst_value *merged = NULL;
  char **texts = NULL;
  store_patient_row pr = {0};
  kv_rows old = {0};
  char *hip = NULL, *form_id = NULL, *status = NULL, *visit_kept = NULL;
  char *otherc[1] = {NULL}, *visc[1] = {NULL}, *thac[2] = {NULL, NULL};   /* read in one round trip (step 2) */
  form_read fr = {0};
  int64_t version = 0;   /* the stored form's row version; 0 while there is none */
  bool in_tx = false, found = false;
  char record[256];
  avn_rc rc = AVN_OK;
  memset(out, 0, sizeof *out);
  if (!d) return avn_fail(e, AVN_E_UNKNOWN, "form", req->form, "no such form (see 'avn score --help')");
  avn_rc prc = enter_prepare(d, req, &rq, &kv2, reader_kv, sizeof reader_kv, e);
  if (prc) {
    avn_free(kv2);
    return prc;
  }
  if (rq.instance) snprintf(inst, sizeof inst, "%s", rq.instance);
  if (r->n_kv == 0) return avn_fail(e, AVN_E_USAGE, "values", NULL, "give at least one item=value");
  if (r->entry != 1 && r->entry != 2)
    return avn_fail(e, AVN_E_RANGE, "entry", r->entry == 0 ? "0" : "?", "the entry number is 1 or 2");
  if (inst_get_level(d) == INST_LEVEL_HIP && r->side == SIDE_PATIENT)
    return avn_fail(e, AVN_E_REQUIRED, "--hip", NULL, "form '%s' is recorded per hip: give --hip left or --hip right", r->form);
  if (inst_get_level(d) == INST_LEVEL_PATIENT && r->side != SIDE_PATIENT)
    return avn_fail(e, AVN_E_USAGE, "--hip", side_name(r->side), "form '%s' is recorded per patient, not per hip", r->form);
  avn_rc vrc = *r->visit || !inst_repeats(d) ? store_visit_known(s, r->visit, e) : AVN_OK;
  if (!vrc && *r->visit) vrc = schedule_check(s->protocol, r, e);
  if (!vrc && !*r->visit && r->has_date)
    vrc = avn_fail(e, AVN_E_USAGE, "--date", NULL, "--date is a visit's date: this %s belongs to no visit", r->form);
  if (vrc) {
    avn_free(kv2);
    return vrc;
  }
  if (r->entry == 2 && !protocol_double_entry(s->protocol, r->form)) {
    avn_free(kv2);
    return avn_fail(e, AVN_E_STATE, "entry", "2", "protocol '%s' does not ask for double entry of '%s'", s->protocol->name, r->form);
  }

  /* 1. Every value against its definition. */
  vals = avn_calloc(r->n_kv, sizeof *vals);
  texts = avn_calloc(r->n_kv, sizeof *texts);
  if (!vals || !texts) { rc = AVN_E_NOMEM; goto cleanup; }
  for (size_t i = 0; i < r->n_kv; i++) {
    const char *eq = strchr(r->kv[i], '=');
    if (!eq || eq == r->kv[i]) {
      rc = avn_fail(e, AVN_E_USAGE, "argument", r->kv[i], "expected item=value");
      goto cleanup;
    }
    char item[128];
    snprintf(item, sizeof item, "%.*s", (int)(eq - r->kv[i]), r->kv[i]);
    rc = inst_parse_value(d, item, eq + 1, &vals[i], e);
    if (rc) goto cleanup;
    for (size_t j = 0; j < i; j++) {
      if (!strcmp(vals[j].item, vals[i].item)) {
        rc = avn_fail(e, AVN_E_EXISTS, vals[i].item, eq + 1, "item given twice");
        goto cleanup;
      }
    }
    const inst_item *it = inst_item_find(d, vals[i].item);
    if (vals[i].missing && !vals[i].code) continue;   /* a blank is missing: no text, never 0 / "no" / 1970-01-01 */
    char buf[1024];
    if (vals[i].code) snprintf(buf, sizeof buf, "%s", vals[i].code);   /* stored as its code */
    else store_value_text(it, &vals[i], buf, sizeof buf);
    texts[i] = avn_strdup(buf);
    if (!texts[i]) { rc = AVN_E_NOMEM; goto cleanup; }
  }

  rc = store_tx_begin(s, e);
  if (rc) goto cleanup;
  in_tx = true;

  /* 2. Patient, hip, visit date. What the save reads goes in one round
  **    trip on a server (store_q_rows), not one each: the patient, the hip,
  **    who wrote the other entry, the visit's date, the hip's arthroplasty,
  **    the form with its values, the patient's site, the locks and the
  **    signatures (store_guard_reads), the chain's head. A repeating
  **    form's instance is settled first (its visit may follow from it), so
  **    its visit and form are read after that, as before. All of it is
  **    read under the write lock (the transaction's first statement took
  **    it), so none of it can change before this save commits. */
  const char *side = r->side == SIDE_PATIENT ? "" : side_name(r->side);
  const char *conv = inst_role_form(INST_ROLE_CONVERSION);
  bool settled = !inst_repeats(d);   /* the visit and the instance are the request's */
  bool other_check = store_has_accounts(s) && store_actor(s);
  char entry[4], other[256];
  snprintf(entry, sizeof entry, "%d", r->entry);
  store_form_record(other, sizeof other, r->patient, r->visit, r->form, r->side, inst, 3 - r->entry);
  char *pc[4], *hipc[1] = {NULL}, *headc[4];
  const char *pp[1] = {r->patient}, *hp[2] = {r->patient, side}, *ap[2] = {other, store_actor(s)};
  const char *vp[2] = {r->patient, r->visit}, *tp[3] = {r->patient, side, conv};
  const char *fp[6] = {r->patient, r->visit, r->form, side, inst, entry};
  store_row_read rd[10];
  store_guard_read guard;
  size_t nrd = 0, i_hip = 0, i_other = 0, i_visit = 0, i_tha = 0, i_head = 0, i_guard = 0;
  rd[nrd++] = (store_row_read){STORE_PATIENT_SQL, pp, 1, pc, 4, NULL, NULL, false};
  if (r->side != SIDE_PATIENT) {
    i_hip = nrd;
    rd[nrd++] = (store_row_read){"SELECT h.id FROM hip h JOIN patient p ON p.id = h.patient_id WHERE p.code=?"
                                 " AND h.side=?", hp, 2, hipc, 1, NULL, NULL, false};
  }
  if (settled && other_check) {
    i_other = nrd;
    rd[nrd++] = (store_row_read){OTHER_ENTRY_SQL, ap, 2, otherc, 1, NULL, NULL, false};
  }
  if (settled && *r->visit) {
    i_visit = nrd;
    rd[nrd++] = (store_row_read){"SELECT e.actual FROM event e JOIN patient p ON p.id = e.patient_id"
                                 " WHERE p.code=? AND e.kind='visit' AND e.name=?", vp, 2, visc, 1, NULL, NULL, false};
  }
  if (r->side != SIDE_PATIENT && strcmp(r->form, conv) != 0) {
    i_tha = nrd;
    rd[nrd++] = (store_row_read){THA_SQL, tp, 3, thac, 2, NULL, NULL, false};
  }
  if (settled) {
    rd[nrd++] = (store_row_read){FORM_SQL, fp, 6, NULL, 0, form_cb, &fr, false};
    /* What store_audit asks of the form's record for each row. */
    store_form_record(record, sizeof record, r->patient, r->visit, r->form, r->side, inst, r->entry);
    i_guard = nrd;
    nrd += store_guard_reads(s, record, &guard, &rd[nrd]);
  }
  if (!s->head_known) {
    i_head = nrd;
    rd[nrd++] = (store_row_read){STORE_HEAD_SQL, NULL, 0, headc, 4, NULL, NULL, false};
  }
  rc = store_q_rows(s, rd, nrd, e);
  if (rc) goto cleanup;
  if (i_hip) {
    hip = hipc[0];
    found = rd[i_hip].found;
  }
  if (i_head) store_tx_head_take(s, headc);
  if (i_guard) store_guard_take(s, record, &guard, &rd[i_guard]);
  rc = store_patient_take(s, r->patient, pc, rd[0].found, &pr, e);
  if (rc) goto cleanup;
  if (r->side != SIDE_PATIENT && !found) {
    rc = avn_fail(e, AVN_E_NOTFOUND, "--hip", side_name(r->side), "patient %s has no %s study hip", r->patient, side_name(r->side));
    goto cleanup;
  }
  /* Roles and sites, before anything is written (store_audit checks each row too). */
  rc = store_permit(s, "enter", r->patient, e);
  if (rc) goto cleanup;
  /* A repeating form's instance: the next number, or the visit of the one named. */
  if (inst_repeats(d) && r->new_instance) {
    rc = store_instance_next(s, pr.pid, r->form, inst, e);
    if (rc) goto cleanup;
  } else if (inst_repeats(d)) {
    char *at = NULL;
    rc = store_instance_visit(s, pr.pid, r->form, r->side, inst, &at, &found, e);
    if (!rc && !found)
      rc = avn_fail(e, AVN_E_NOTFOUND, "--instance", inst, "patient %s has no %s instance %s (--new adds one)",
                    r->patient, r->form, inst);
    if (!rc && *r->visit && strcmp(r->visit, at) != 0)
      rc = avn_fail(e, AVN_E_STATE, "visit", r->visit, "%s instance %s belongs to %s%s (give it, or '-')", r->form,
                    inst, *at ? "visit " : "no visit", at);
    if (!rc && r->has_date && !*at)
      rc = avn_fail(e, AVN_E_USAGE, "--date", NULL, "--date is a visit's date: this %s belongs to no visit", r->form);
    if (!rc) {
      avn_free(visit_kept);
      visit_kept = at;
      rq.visit = at;
      at = NULL;
    }
    avn_free(at);
    if (rc) goto cleanup;
  }
  /* A double entry is two people's: with named users, whoever wrote the
  ** other entry of this form does not write this one. */
  if (other_check) {
    bool wrote = i_other && rd[i_other].found;
    if (!settled) {
      char *hit = NULL;
      store_form_record(other, sizeof other, r->patient, r->visit, r->form, r->side, inst, 3 - r->entry);
      rc = store_q_one(s, OTHER_ENTRY_SQL, ap, 2, &hit, &wrote, e);
      avn_free(hit);
    }
    if (!rc && wrote)
      rc = avn_fail(e, AVN_E_STATE, "--entry", r->entry == 2 ? "2" : "1", "user %s wrote entry %d of %s: the two "
                    "entries of a double-entered form come from two different users; nothing was written",
                    store_actor(s), 3 - r->entry, other);
    if (rc) goto cleanup;
  }
  /* The visit's date: its rules live in store_visit.c, shared with avn visit. */
  store_visit_req vr = {.patient = r->patient, .visit = r->visit, .date = r->date, .user = r->user,
                        .reason = r->reason};
  store_visit_on on = {.known = i_visit != 0, .found = i_visit && rd[i_visit].found};
  if (i_visit) snprintf(on.actual, sizeof on.actual, "%s", visc[0] ? visc[0] : "");
  if (*r->visit) rc = store_visit_date(s, &pr, &vr, r->has_date, &on, NULL, e);
  if (rc) goto cleanup;

  /* 3. Dates inside the form: not before birth (not in the future is the
  **    definition's own rule, checked at parse time). */
  for (size_t i = 0; i < r->n_kv; i++) {
    const inst_item *it = inst_item_find(d, vals[i].item);
    if (it->type == INST_DATE && texts[i] && pr.birth && strcmp(texts[i], pr.birth) < 0) {
      char field[200];
      snprintf(field, sizeof field, "%s.%s", r->form, vals[i].item);
      rc = avn_fail(e, AVN_E_DATE, field, texts[i], "must not be before the patient's birth (%s)", pr.birth);
      goto cleanup;
    }
  }

  /*    The clinical timeline (timeline_check). */
  rc = timeline_check(s, r, &pr, vals, texts, *r->visit && on.actual[0] ? on.actual : NULL, i_tha ? &rd[i_tha] : NULL,
                      e);
  if (rc) goto cleanup;

  /* 4. The form instance (read above unless the instance was settled here). */
  store_form_record(record, sizeof record, r->patient, r->visit, r->form, r->side, inst, r->entry);
  if (!settled) {
    fp[1] = r->visit;
    rc = store_q(s, FORM_SQL, fp, 6, form_cb, &fr, e);
    if (rc) goto cleanup;
  }
  rc = fr.rc;
  old = fr.values;
  fr.values = (kv_rows){0};
  if (rc) goto cleanup;
  if (fr.found) {
    form_id = fr.id;
    status = fr.status;
    version = fr.version;
    fr.id = fr.status = NULL;
    if (!strcmp(status, "void")) {
      rc = avn_fail(e, AVN_E_STATE, r->form, NULL,
                    "this form was voided as entered in error: 'avn restore' it first to change it");
      goto cleanup;
    }
    if (!strcmp(status, "locked")) {
      rc = avn_fail(e, AVN_E_LOCKED, r->form, NULL, "this form is locked; it can no longer be changed");
      goto cleanup;
    }
  }

  /*    Saved from what the user read: a value another save put there since
  **    is never overwritten unseen. */
  if (r->has_if_version && r->if_version != version) {
    rc = version_conflict(s, r, record, vals, texts, &old, version, e);
    if (rc) goto cleanup;
  }

  /* 5. A required item is never left blank (leave it out to enter it
  **    later); blanking a recorded one clears it (step 6). */
  for (size_t i = 0; i < r->n_kv; i++) {
    if (!vals[i].missing || vals[i].code || !inst_item_find(d, vals[i].item)->required) continue;
    bool recorded = false;
    for (size_t k = 0; k < old.n; k++) recorded |= !strcmp(old.rows[k].item, vals[i].item);
    if (recorded) continue;
    char field[200];
    snprintf(field, sizeof field, "%s.%s", r->form, vals[i].item);
    rc = avn_fail(e, AVN_E_REQUIRED, field, "",
                  "a required item cannot be left blank: give its value, or leave the item out "
                  "and enter it later (the form stays incomplete)");
    goto cleanup;
  }

  /*    The whole form after the change must still pass cross-item rules. */
  merged = avn_calloc(old.n + r->n_kv + 1, sizeof *merged);
  if (!merged) { rc = AVN_E_NOMEM; goto cleanup; }
  size_t nm = 0;
  for (size_t i = 0; i < r->n_kv; i++)
    if (!vals[i].missing || vals[i].code) merged[nm++] = vals[i];
  for (size_t k = 0; k < old.n; k++) {
    bool replaced = false;
    for (size_t i = 0; i < r->n_kv; i++) replaced |= !strcmp(old.rows[k].item, vals[i].item);
    if (replaced) continue;
    rc = inst_parse_value(d, old.rows[k].item, old.rows[k].text, &merged[nm], e);
    if (rc) goto cleanup;
    nm++;
  }
  inst_response resp = {merged, nm};
  avn_err ce;
  avn_err_clear(&ce);
  avn_rc crc = inst_check_complete(d, &resp, &ce);
  if (crc && crc != AVN_E_REQUIRED) {
    if (e) *e = ce;
    rc = crc;
    goto cleanup;
  }
  const char *new_status = crc ? "incomplete" : "complete";
  out->complete = crc == AVN_OK;

  char now[32];
  store_now_iso(now);
  size_t n_given = 0;
  for (size_t i = 0; i < r->n_kv; i++) n_given += !vals[i].missing || vals[i].code;
  if (!form_id && n_given == 0) {
    rc = avn_fail(e, AVN_E_REQUIRED, r->form, NULL, "every value given is blank: there is nothing to enter");
    goto cleanup;
  }
  if (!form_id) {
    const protocol *p = s->protocol;
    bool mark = r->unscheduled && *r->visit && schedule_check(p, &(store_enter_req){.visit = r->visit, .form = r->form}, NULL);
    const char *ip[10] = {pr.pid, r->visit, r->form, side, entry, new_status, now, now, mark ? "1" : "0", inst};
    rc = store_q_one(s, "INSERT INTO form(patient_id,visit,instrument,side,entry,status,created_at,updated_at,"
                        "unscheduled,instance) VALUES(?,?,?,?,?,?,?,?,?,?) RETURNING id", ip, 10, &form_id, NULL, e);
    if (!rc) rc = store_audit(s, r->user, "create", record, "status", NULL, new_status, NULL, e);
    if (!rc && mark) rc = store_audit(s, r->user, "create", record, "unscheduled", NULL, "yes", NULL, e);
    if (rc) goto cleanup;
  }

  /* 6. Values: insert new ones, update changed ones (with a reason). */
  for (size_t i = 0; i < r->n_kv; i++) {
    const inst_item *it = inst_item_find(d, vals[i].item);
    const char *was = NULL;
    for (size_t k = 0; k < old.n; k++)
      if (!strcmp(old.rows[k].item, vals[i].item)) was = old.rows[k].text;
    if (vals[i].missing && !vals[i].code) {
      /* A blank: nothing to store. A required item is never left blank
      ** (leave it out to enter it later); a recorded value is cleared, with
      ** a reason, like any other change. */
      char field[200];
      snprintf(field, sizeof field, "%s.%s", r->form, vals[i].item);
      if (!was) { out->n_same++; continue; }
      if (!r->reason) {
        rc = avn_fail(e, AVN_E_REQUIRED, field, "", "clears the recorded value '%s': give --reason \"why\"", was);
        goto cleanup;
      }
      const char *dp[2] = {form_id, vals[i].item};
      rc = store_q_later(s, "DELETE FROM item_value WHERE form_id=? AND item=?", dp, 2, e);
      if (!rc) rc = store_audit(s, r->user, "clear", record, vals[i].item, was, NULL, r->reason, e);
      if (rc) goto cleanup;
      out->n_cleared++;
      continue;
    }
    if (was && !strcmp(was, texts[i])) { out->n_same++; continue; }
    if (was && !r->reason) {
      char field[200];
      snprintf(field, sizeof field, "%s.%s", r->form, vals[i].item);
      rc = avn_fail(e, AVN_E_REQUIRED, field, texts[i],
                    "changes the recorded value '%s': give --reason \"why\"", was);
      goto cleanup;
    }
    char num[40];
    bool numeric = it->type != INST_TEXT && !vals[i].code;   /* a missing-data code has no number */
    snprintf(num, sizeof num, "%.17g", vals[i].num);
    const char *vp2[5] = {form_id, vals[i].item, texts[i], numeric ? num : NULL, it->unit};
    rc = store_q_later(s, "INSERT INTO item_value(form_id,item,value_text,value_num,unit) VALUES(?,?,?,?,?)"
                          " ON CONFLICT(form_id,item) DO UPDATE SET value_text=excluded.value_text,"
                          " value_num=excluded.value_num, unit=excluded.unit", vp2, 5, e);
    /* A reason given with new values is kept too: it says where they came
    ** from (a questionnaire the patient filled in: web_survey.c). */
    if (!rc) rc = store_audit(s, r->user, was ? "update" : "insert", record, vals[i].item, was, texts[i],
                              r->reason, e);
    if (rc) goto cleanup;
    if (was) out->n_changed++;
    else out->n_new++;
  }
  /* A verified form stays verified only while nothing in it changes: a
  ** changed value is no longer the one checked against the source. */
  if (status && !strcmp(status, "verified") && !out->n_new && !out->n_changed && !out->n_cleared)
    new_status = "verified";
  if (status && strcmp(status, new_status) != 0) {
    rc = store_audit(s, r->user, "status", record, "status", status, new_status, r->reason, e);
    if (rc) goto cleanup;
  }
  /* Re-entering what is recorded writes nothing, not even updated_at. */
  if (out->n_new || out->n_changed || out->n_cleared || !status || strcmp(status, new_status)) {
    char next[24];
    snprintf(next, sizeof next, "%lld", (long long)(status ? version + 1 : 1));
    const char *upd[4] = {new_status, now, next, form_id};
    rc = store_q_later(s, "UPDATE form SET status=?, updated_at=?, version=? WHERE id=?", upd, 4, e);
    if (rc) goto cleanup;
    version = status ? version + 1 : 1;
  }
  out->version = version;
  rc = store_tx_commit(s, e);
  if (rc) goto cleanup;
  in_tx = false;
  out->form_id = strtoll(form_id, NULL, 10);
cleanup:
  if (in_tx) store_tx_rollback(s);
  if (texts)
    for (size_t i = 0; i < r->n_kv; i++) avn_free(texts[i]);
  avn_free(texts);
  avn_free(vals);
  avn_free(merged);
  kv_rows_free(&old);
  kv_rows_free(&fr.values);
  avn_free(fr.id);
  avn_free(fr.status);
  store_row_free(otherc, 1);
  store_row_free(visc, 1);
  store_row_free(thac, 2);
  store_patient_row_free(&pr);
  avn_free(hip); avn_free(form_id); avn_free(status);
  if (!rc) snprintf(out->instance, sizeof out->instance, "%s", inst);
  if (!rc) snprintf(out->visit, sizeof out->visit, "%s", r->visit);   /* before visit_kept goes */
  avn_free(visit_kept);
  avn_free(kv2);
  return rc;
}

avn_rc store_form_version(store *s, const char *patient, const char *visit, const char *form, int side,
                          const char *instance, int entry, int64_t *version, avn_err *e) {
  char ent[4], *v = NULL;
  bool found = false;
  *version = 0;
  snprintf(ent, sizeof ent, "%d", entry);
  const char *p[6] = {patient, visit && strcmp(visit, "-") ? visit : "", form,
                      side == SIDE_PATIENT ? "" : side_name(side), instance ? instance : "", ent};
  avn_rc rc = store_q_one(s, "SELECT f.version FROM form f JOIN patient p ON p.id = f.patient_id"
                             " WHERE p.code=? AND f.visit=? AND f.instrument=? AND f.side=? AND f.instance=?"
                             " AND f.entry=?", p, 6, &v, &found, e);
  if (!rc && found) *version = strtoll(v, NULL, 10);
  avn_free(v);
  return rc;
}
