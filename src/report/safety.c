/*
** safety.c: the safety board's report (report.h: report_safety), for one
** review period [from, to]: enrolment and follow-up status at the period's
** end; adverse events (the AE log, ae_log.c: the same computation as the
** study report's safety tables) by onset in the period and cumulatively, by grade, relatedness and the
** procedure they followed; conversions to total hip arthroplasty (the `tha`
** form's tha_date); protocol deviations (the monitor's, src/monitor/) by
** the date of the visit whose form carries them. Same document code as the
** study report (doc.h): HTML, PDF, every table as CSV.
**
** Only patients enrolled on or before `to` count. An event without an onset
** date cannot be placed in a period and is counted apart (stated). Cost: one
** snapshot, one pass over forms; the procedures and visit dates of a
** patient are found among that patient's events (contiguous in the
** snapshot), so the whole is O(n log n).
*/
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "monitor/monitor.h"
#include "report/ae_log.h"
#include "report/report.h"
#include "report/rctx.h"

#define N_GRADES 5
#define N_RELATED 5

typedef struct sctx {
  const store_study *st;
  avn_date from, to;
  size_t *ev_first;          /* [n_patients + 1]: the patient's events are ev_first[p] .. ev_first[p+1] */
  bool *in;                  /* enrolled by `to` */
} sctx;

/* Counts in the period and up to its end. */
typedef struct pc {
  size_t period, period_serious, cumul, cumul_serious;
} pc;

static const inst_value *value(const store_form *f, const char *item) {
  for (size_t i = 0; i < f->n_values; i++)
    if (f->values[i].item && !strcmp(f->values[i].item, item)) return f->values[i].missing ? NULL : &f->values[i];
  return NULL;
}

/* The date a visit took place (its actual date), else its planned date. */
static bool visit_date(const sctx *x, size_t p, const char *visit, avn_date *out) {
  for (size_t i = x->ev_first[p]; i < x->ev_first[p + 1]; i++) {
    const store_event *ev = &x->st->events[i];
    if (strcmp(ev->kind, "visit") || strcmp(ev->visit, visit)) continue;
    *out = ev->has_actual ? ev->actual : ev->planned;
    return ev->has_actual;
  }
  return false;
}

/* The protocol procedure (index into protocol procs) done last on or before
** `on` for the patient, or -1. A procedure is done when its form is
** entered; its date is its visit's. */
static int procedure_before(const sctx *x, size_t p, avn_date on) {
  const protocol *pr = x->st->protocol;
  int best = -1;
  avn_date best_d = 0;
  for (size_t i = x->ev_first[p]; i < x->ev_first[p + 1]; i++) {
    const store_event *ev = &x->st->events[i];
    if (strcmp(ev->kind, "procedure") || !store_event_done(x->st, ev)) continue;
    avn_date d = ev->planned;
    visit_date(x, p, ev->visit, &d);
    if (d > on || (best >= 0 && d < best_d)) continue;
    for (size_t k = 0; k < pr->n_procs; k++)
      if (!strcmp(pr->procs[k].name, ev->name)) best = (int)k;
    best_d = d;
  }
  return best;
}

static void count(pc *c, bool in_period, bool serious) {
  c->cumul++;
  c->cumul_serious += serious;
  c->period += in_period;
  c->period_serious += in_period && serious;
}

static void pc_row(rtable *t, const char *label, const pc *c) {
  char a[4][32];
  snprintf(a[0], sizeof a[0], "%zu", c->period);
  snprintf(a[1], sizeof a[1], "%zu", c->period_serious);
  snprintf(a[2], sizeof a[2], "%zu", c->cumul);
  snprintf(a[3], sizeof a[3], "%zu", c->cumul_serious);
  rtable_row(t, (const char *const[]){label, a[0], a[1], a[2], a[3]});
}

static const char *const pc_header[] = {"", "AEs in the period", "of which serious", "AEs to the period's end",
                                        "of which serious"};

static void status_table(const sctx *x, rsec *s) {
  const store_study *st = x->st;
  size_t before = 0, during = 0, withdrawn = 0, attended = 0;
  for (size_t p = 0; p < st->n_patients; p++) {
    const store_patient *pt = &st->patients[p];
    if (!x->in[p]) continue;
    before += pt->enrolled < x->from;
    during += pt->enrolled >= x->from;
    withdrawn += pt->withdrawn && pt->withdrawn_on <= x->to;
    bool seen = false;
    for (size_t i = x->ev_first[p]; i < x->ev_first[p + 1] && !seen; i++) {
      const store_event *ev = &st->events[i];
      seen = !strcmp(ev->kind, "visit") && ev->has_actual && ev->actual >= x->from && ev->actual <= x->to;
    }
    attended += seen;
  }
  rtable *t = rsec_table(s, "safety_status", "Enrolment and follow-up status", 2,
                         (const char *const[]){"", "Patients"});
  char a[6][32];
  size_t v[6] = {before, during, before + during, withdrawn, before + during - withdrawn, attended};
  const char *lab[6] = {"Enrolled before the period", "Enrolled in the period", "Enrolled by the period's end",
                        "Withdrawn by the period's end", "In follow-up at the period's end",
                        "Attended a visit in the period"};
  for (int k = 0; k < 6; k++) {
    snprintf(a[k], sizeof a[k], "%zu", v[k]);
    rtable_row(t, (const char *const[]){lab[k], a[k]});
  }
}

typedef struct overdue_count {
  const sctx *x;
  bool *seen;
  size_t n;
} overdue_count;

static int count_overdue(const monitor_finding *f, void *ctx) {
  overdue_count *o = ctx;
  if (!o->x->in[f->patient] || o->seen[f->patient]) return 0;
  o->seen[f->patient] = true;
  o->n++;
  return 0;
}

typedef struct dev_count {
  const sctx *x;
  size_t period, period_open, cumul, cumul_open, undated;
} dev_count;

static int count_deviation(const monitor_finding *f, void *ctx) {
  dev_count *d = ctx;
  avn_date on;
  if (!d->x->in[f->patient]) return 0;
  if (!visit_date(d->x, f->patient, f->visit, &on)) {
    d->undated++;
    return 0;
  }
  if (on > d->x->to) return 0;
  d->cumul++;
  d->cumul_open += !f->acked;
  if (on >= d->x->from) {
    d->period++;
    d->period_open += !f->acked;
  }
  return 0;
}

static avn_rc safety_doc(const sctx *x, rdoc *doc) {
  const store_study *st = x->st;
  const protocol *pr = st->protocol;
  size_t np = st->n_patients;
  avn_rc rc = AVN_OK;
  pc any = {0}, grade[N_GRADES + 1] = {{0}}, rel[N_RELATED + 1] = {{0}};
  pc *proc = avn_calloc(pr->n_procs + 1, sizeof *proc);
  bool *pat_ae = avn_calloc(np + 1, sizeof *pat_ae), *pat_sae = avn_calloc(np + 1, sizeof *pat_sae);
  bool *cum_ae = avn_calloc(np + 1, sizeof *cum_ae), *cum_sae = avn_calloc(np + 1, sizeof *cum_sae);
  bool *seen = avn_calloc(np + 1, sizeof *seen);
  size_t no_onset = 0, tha_period = 0, tha_cumul = 0, n_ae = 0, sae_unexpected = 0, sae_no_expected = 0;
  ae_rec *ae = NULL;
  if (!proc || !pat_ae || !pat_sae || !cum_ae || !cum_sae || !seen) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  rsec *s = rdoc_section(doc, "status", "Enrolment and follow-up");
  if (!s) { rc = AVN_E_NOMEM; goto cleanup; }
  status_table(x, s);
  overdue_count oc = {x, seen, 0};
  monitor_run(st, x->to, 1u << MON_OVERDUE, 0, count_overdue, &oc);
  rsec_para(s, "Patients with a visit, procedure or MRI overdue at the period's end (its window closed, not done): "
               "%zu.", oc.n);

  for (size_t i = 0; i < st->n_forms; i++) {
    const store_form *f = &st->forms[i];
    if (f->entry != 1 || !x->in[f->patient] || strcmp(f->instrument, inst_role_form(INST_ROLE_CONVERSION))) continue;
    const inst_value *v = value(f, "tha_date");
    if (v && (avn_date)v->num <= x->to) {
      tha_cumul++;
      tha_period += (avn_date)v->num >= x->from;
    }
  }
  rc = ae_log_build(st, x->in, &ae, &n_ae);
  if (rc) goto cleanup;
  for (size_t i = 0; i < n_ae; i++) {
    const ae_rec *r = &ae[i];
    if (!r->has_onset) {
      no_onset++;
      continue;
    }
    if (r->onset > x->to) continue;
    bool inp = r->onset >= x->from, ser = r->serious == 1;
    int pi = procedure_before(x, r->patient, r->onset);
    count(&any, inp, ser);
    count(&grade[r->grade], inp, ser);
    count(&rel[r->related], inp, ser);
    count(&proc[pi < 0 ? pr->n_procs : (size_t)pi], inp, ser);
    sae_unexpected += ser && r->expected == 2;
    sae_no_expected += ser && r->expected == 0;
    cum_ae[r->patient] = true;
    cum_sae[r->patient] |= ser;
    pat_ae[r->patient] |= inp;
    pat_sae[r->patient] |= inp && ser;
  }

  s = rdoc_section(doc, "adverse_events", "Adverse events");
  if (!s) { rc = AVN_E_NOMEM; goto cleanup; }
  size_t n_in = 0, pa = 0, ps = 0, ca = 0, cs = 0;
  for (size_t p = 0; p < np; p++) {
    n_in += x->in[p];
    pa += pat_ae[p];
    ps += pat_sae[p];
    ca += cum_ae[p];
    cs += cum_sae[p];
  }
  rtable *t = rsec_table(s, "safety_ae_period", "Adverse events (AEs) and serious adverse events (SAEs) by onset", 5,
                         (const char *const[]){"", "AEs", "Patients with an AE", "SAEs", "Patients with an SAE"});
  char a[4][48];
  snprintf(a[0], sizeof a[0], "%zu", any.period);
  rfmt_pct(a[1], sizeof a[1], pa, n_in);
  snprintf(a[2], sizeof a[2], "%zu", any.period_serious);
  rfmt_pct(a[3], sizeof a[3], ps, n_in);
  rtable_row(t, (const char *const[]){"In the period", a[0], a[1], a[2], a[3]});
  snprintf(a[0], sizeof a[0], "%zu", any.cumul);
  rfmt_pct(a[1], sizeof a[1], ca, n_in);
  snprintf(a[2], sizeof a[2], "%zu", any.cumul_serious);
  rfmt_pct(a[3], sizeof a[3], cs, n_in);
  rtable_row(t, (const char *const[]){"From the start to the period's end", a[0], a[1], a[2], a[3]});
  rtable_note(t, "Percentages of the %zu patients enrolled by the period's end.%s", n_in,
              no_onset ? " Events without an onset date are not placed in a period (see below)." : "");
  if (no_onset) rsec_para(s, "%zu adverse event%s without an onset date: not counted in these tables.", no_onset,
                          no_onset == 1 ? "" : "s");
  if (any.cumul_serious)
    rsec_para(s, "Of the %zu serious adverse event%s to the period's end, %zu %s unexpected (not in the reference "
                 "safety information)%s.", any.cumul_serious, any.cumul_serious == 1 ? "" : "s", sae_unexpected,
              sae_unexpected == 1 ? "was" : "were",
              sae_no_expected ? "; for some, expectedness is not recorded" : "");

  const inst_def *aed = inst_find("ae");
  const inst_item *gitem = aed ? inst_item_find(aed, "grade") : NULL, *ritem = aed ? inst_item_find(aed, "related") : NULL;
  t = rsec_table(s, "safety_ae_grade", "Adverse events by CTCAE grade", 5, pc_header);
  for (int k = 1; k <= N_GRADES; k++) {
    const char *lab = gitem && (size_t)k <= gitem->n_codes ? gitem->codes[k - 1].label : "?";
    pc_row(t, lab, &grade[k]);
  }
  pc_row(t, "Grade not recorded", &grade[0]);
  t = rsec_table(s, "safety_ae_related", "Adverse events by relatedness to the procedure", 5, pc_header);
  for (int k = 1; k <= N_RELATED; k++) {
    const char *lab = ritem && (size_t)k <= ritem->n_codes ? ritem->codes[k - 1].label : "?";
    pc_row(t, lab, &rel[k]);
  }
  pc_row(t, "Relatedness not recorded", &rel[0]);
  t = rsec_table(s, "safety_ae_procedure", "Adverse events by the procedure they followed", 5, pc_header);
  for (size_t k = 0; k < pr->n_procs; k++) pc_row(t, pr->procs[k].label ? pr->procs[k].label : pr->procs[k].name, &proc[k]);
  pc_row(t, "Before any procedure", &proc[pr->n_procs]);
  rtable_note(t, "An event is counted under the protocol procedure done last on or before its onset (a procedure "
                 "form entered; its date is its visit's).");

  s = rdoc_section(doc, "conversions", "Conversions to total hip arthroplasty");
  if (!s) { rc = AVN_E_NOMEM; goto cleanup; }
  t = rsec_table(s, "safety_tha", "Hips converted to total hip arthroplasty (THA), by the operation's date", 2,
                 (const char *const[]){"", "Hips"});
  snprintf(a[0], sizeof a[0], "%zu", tha_period);
  snprintf(a[1], sizeof a[1], "%zu", tha_cumul);
  rtable_row(t, (const char *const[]){"In the period", a[0]});
  rtable_row(t, (const char *const[]){"From the start to the period's end", a[1]});

  s = rdoc_section(doc, "deviations", "Protocol deviations");
  if (!s) { rc = AVN_E_NOMEM; goto cleanup; }
  dev_count dc = {x, 0, 0, 0, 0, 0};
  monitor_run(st, x->to, 1u << MON_DEVIATION, MONITOR_ACKED, count_deviation, &dc);
  t = rsec_table(s, "safety_deviations", "Protocol deviations (values outside the protocol's limits), by visit date",
                 3, (const char *const[]){"", "Deviations", "Open (not acknowledged)"});
  snprintf(a[0], sizeof a[0], "%zu", dc.period);
  snprintf(a[1], sizeof a[1], "%zu", dc.period_open);
  rtable_row(t, (const char *const[]){"In the period", a[0], a[1]});
  snprintf(a[0], sizeof a[0], "%zu", dc.cumul);
  snprintf(a[1], sizeof a[1], "%zu", dc.cumul_open);
  rtable_row(t, (const char *const[]){"From the start to the period's end", a[0], a[1]});
  rtable_note(t, "Found by the monitoring rules (avn check); acknowledged: accepted with a reason (avn check --ack). "
                 "Dated by the visit the form belongs to.%s", dc.undated ? " Forms at a visit without a date are "
                 "not counted." : "");
cleanup:
  avn_free(ae);
  avn_free(proc);
  avn_free(pat_ae);
  avn_free(pat_sae);
  avn_free(cum_ae);
  avn_free(cum_sae);
  avn_free(seen);
  return rc;
}

avn_rc report_safety(store *s, avn_date from, avn_date to, const char *dir, report_info *info, avn_err *e) {
  store_study *st = NULL;
  rdoc *doc = NULL;
  sctx x = {0};
  char f1[11], f2[11];
  if (from > to)
    return avn_fail(e, AVN_E_RANGE, "--from", avn_date_format(from, f1), "the period must start on or before --to (%s)",
                    avn_date_format(to, f2));
  avn_rc rc = store_load(s, NULL, &st, e);
  if (!rc) rc = store_settle(st, NULL);
  if (rc) goto cleanup;
  x = (sctx){st, from, to, avn_calloc(st->n_patients + 1, sizeof *x.ev_first), avn_calloc(st->n_patients + 1, 1)};
  if (!x.ev_first || !x.in) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  size_t n_in = 0;
  for (size_t p = 0; p < st->n_patients; p++) n_in += x.in[p] = st->patients[p].enrolled <= to;
  for (size_t i = 0, p = 0; p <= st->n_patients; p++) {   /* events come grouped by patient */
    while (i < st->n_events && st->events[i].patient < p) i++;
    x.ev_first[p] = i;
  }
  store_chain chain;
  rc = rctx_chain(s, &chain, e);
  if (rc) goto cleanup;
  const protocol *p = st->protocol;
  char title[512], sub[768];
  snprintf(title, sizeof title, "Safety report: %s", p->title ? p->title : p->name);
  snprintf(sub, sizeof sub, "For the data and safety monitoring board. Review period %s to %s; %zu patients enrolled "
           "by its end. Protocol '%s'. Generated by avn %s from an audit trail of %lld rows, head %s.",
           avn_date_format(from, f1), avn_date_format(to, f2), n_in, p->name, AVN_VERSION, (long long)chain.rows,
           chain.head[0] ? chain.head : "(empty)");
  doc = rdoc_new(title, sub);
  rc = doc ? safety_doc(&x, doc) : AVN_E_NOMEM;
  if (!rc) rc = rdoc_write(doc, dir, e);
  if (!rc && info) {
    info->n_patients = n_in;
    info->n_units = n_in;
    info->audit_rows = (long long)chain.rows;
    snprintf(info->audit_head, sizeof info->audit_head, "%s", chain.head);
  }
cleanup:
  if (rc == AVN_E_NOMEM && e && !e->rule[0]) avn_fail(e, AVN_E_NOMEM, "report", NULL, "out of memory");
  avn_free(x.ev_first);
  avn_free(x.in);
  rdoc_free(doc);
  store_study_free(st);
  return rc;
}
