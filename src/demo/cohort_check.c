/*
** cohort_check.c: the demo checks its own claim (cohort.h, demo_check).
** After the study is written it is read back in one snapshot (store_load)
** and every figure of the cohort file is recomputed from the stored item
** values and the analysis dataset's scores (frame_scores: each form scored
** once, the numbers the report and avn check read), by the rules of
** /work/notes/report_common.md (radiological outcome, oedema resolution,
** lesion change, responders, hip survival) and written to NOTES.md as a
** table "paper | this study", followed by the paper's contradictions and
** the demo's assumptions. A figure that misses its target makes the demo
** fail (AVN_E_STATE naming it): the demo never claims what its data do
** not show. The report (src/report) computes the same figures
** independently; tests/cases/demo_paper.sh compares those with the papers.
**
** Costs: O(forms log forms) (store_find_form per value).
*/
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"
#include "demo/cohort.h"
#include "demo/cohort_int.h"
#include "demo/fit.h"
#include "protocol/limits.h"
#include "stats/agree.h"
#include "stats/binom.h"
#include "stats/cluster.h"
#include "stats/cox.h"
#include "stats/ctable.h"
#include "stats/logrank.h"
#include "stats/ttest.h"
#include "monitor/monitor.h"

typedef struct unit {
  size_t pat;
  int side;
} unit;

typedef struct chk {
  const demo_spec *sp;
  const store_study *st;
  frame_scores *sc;  /* st's forms, scored once */
  const protocol *p;
  unit *u;
  size_t nu;
  avn_buf out;
  avn_buf claims;   /* the paper's claims, hips independent vs patients as clusters */
  int misses;
  char first_miss[160];
} chk;

static void row(chk *c, bool ok, const char *what, const char *paper, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void row(chk *c, bool ok, const char *what, const char *paper, const char *fmt, ...) {
  char got[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(got, sizeof got, fmt, ap);
  va_end(ap);
  avn_buf_printf(&c->out, "| %s | %s | %s | %s |\n", what, paper, got, ok ? "yes" : "**NO**");
  if (!ok && !c->misses++) snprintf(c->first_miss, sizeof c->first_miss, "%s", what);
}

/* A form's result (scored) or item for (patient, visit, form, side), entry 1. */
static bool value(const chk *c, size_t pat, const char *visit, const char *form, int side, const char *name,
                  double *num, const char **text) {
  const store_form *f = store_find_form(c->st, pat, visit, form, side, 1);
  if (!f || !f->def) return false;
  {
    const inst_result *r = frame_scores_get(c->sc, f, name);
    if (r && !r->missing) {
      if (num) *num = r->num;
      if (text) *text = r->text;
      return true;
    }
  }
  for (size_t i = 0; i < f->n_values; i++) {
    if (strcmp(f->values[i].item, name) || f->values[i].missing) continue;
    if (num) *num = f->values[i].num;
    if (text) *text = f->values[i].text;
    return true;
  }
  return false;
}

static bool has_form_any(const chk *c, size_t pat, const char *form, int side, const char **visit) {
  for (size_t v = 0; v < c->p->n_visits; v++)
    if (store_find_form(c->st, pat, c->p->visits[v].name, form, side, 1)) {
      if (visit) *visit = c->p->visits[v].name;
      return true;
    }
  return false;
}

static const char *visit_label(const chk *c, const char *visit) {
  const proto_visit *v = protocol_find_visit(c->p, visit);
  return v && v->label ? v->label : visit;
}

static void pct(char *out, size_t n, int k, size_t of) {
  snprintf(out, n, "%d/%zu (%.1f%%)", k, of, of ? 100.0 * k / (double)of : 0);
}

/* --- the figures --- */

static void check_people(chk *c) {
  const demo_spec *sp = c->sp;
  const store_study *st = c->st;
  int male = 0, bil = 0;
  double *age = avn_calloc(st->n_patients + 1, sizeof *age);
  double lo = INFINITY, hi = -INFINITY;
  for (size_t i = 0; i < st->n_patients; i++) {
    const store_patient *p = &st->patients[i];
    male += !strcmp(p->sex, "male");
    bil += p->hip[SIDE_LEFT] && p->hip[SIDE_RIGHT];
    if (age) age[i] = avn_date_age_years(p->birth, p->enrolled);
    if (age) lo = fmin(lo, age[i]), hi = fmax(hi, age[i]);
  }
  char paper[96];
  snprintf(paper, sizeof paper, "%d", sp->patients);
  row(c, st->n_patients == (size_t)sp->patients, "Patients", paper, "%zu", st->n_patients);
  snprintf(paper, sizeof paper, "%d", sp->patients + sp->bilateral);
  row(c, c->nu == (size_t)(sp->patients + sp->bilateral), "Hips", paper, "%zu", c->nu);
  snprintf(paper, sizeof paper, "%d", sp->bilateral);
  row(c, bil == sp->bilateral, "Bilateral patients", paper, "%d", bil);
  snprintf(paper, sizeof paper, "%d / %d", sp->male, sp->female);
  row(c, male == sp->male && (int)st->n_patients - male == sp->female, "Men / women", paper, "%d / %d", male,
      (int)st->n_patients - male);
  if (age && st->n_patients > 1) {
    double m, s;
    fit_mean_sd(age, st->n_patients, &m, &s);
    bool ok = fit_rounds_to(m, sp->age_mean, sp->age_decimals) && fit_rounds_to(s, sp->age_sd, sp->age_decimals);
    if (sp->age_range_printed) ok = ok && lo == sp->age_min && hi == sp->age_max;
    else ok = ok && lo >= sp->age_min && hi <= sp->age_max;
    snprintf(paper, sizeof paper, "%.*f ± %.*f%s (%s %.0f-%.0f)", sp->age_decimals, sp->age_mean, sp->age_decimals,
             sp->age_sd, sp->age_sd_assumed ? " (SD assumed)" : "", sp->age_range_printed ? "range" : "within",
             sp->age_min, sp->age_max);
    row(c, ok, "Age, completed years at enrolment", paper, "%.*f ± %.*f (range %.0f-%.0f)", sp->age_decimals, m,
        sp->age_decimals, s, lo, hi);
  }
  avn_free(age);
}

static void check_counts(chk *c, const char *what, const demo_count *want, size_t nw, const int *got) {
  char paper[256] = "", have[256] = "";
  bool ok = true;
  for (size_t i = 0; i < nw; i++) {
    size_t a = strlen(paper), b = strlen(have);
    snprintf(paper + a, sizeof paper - a, "%s%s %d", i ? ", " : "", want[i].name, want[i].n);
    snprintf(have + b, sizeof have - b, "%s%s %d", i ? ", " : "", want[i].name, got[i]);
    ok &= got[i] == want[i].n;
  }
  row(c, ok, what, paper, "%s", have);
}

static size_t idx_of(const demo_count *w, size_t n, const char *name) {
  for (size_t i = 0; name && i < n; i++)
    if (!strcmp(w[i].name, name)) return i;
  return SIZE_MAX;
}

static void check_etiology_stage(chk *c) {
  const demo_spec *sp = c->sp;
  const char *base = c->p->visits[0].name;
  int got[32] = {0}, gotp[32] = {0}, gst[32] = {0};
  size_t last_pat = SIZE_MAX;
  for (size_t k = 0; k < c->nu; k++) {
    const char *t = NULL;
    value(c, c->u[k].pat, base, inst_role_form(INST_ROLE_HIP_BASELINE), c->u[k].side, "etiology", NULL, &t);
    size_t i = idx_of(sp->etiology, sp->n_etiology, t);
    if (i < 32) {
      got[i]++;
      if (c->u[k].pat != last_pat) gotp[i]++;
    }
    last_pat = c->u[k].pat;
    size_t s = idx_of(sp->stages, sp->n_stages, c->st->patients[c->u[k].pat].hip_stage[c->u[k].side]);
    if (s < 32) gst[s]++;
  }
  check_counts(c, sp->etiology_per_hip ? "Etiology (hips)" : "Etiology (patients)", sp->etiology,
               sp->n_etiology < 32 ? sp->n_etiology : 32, sp->etiology_per_hip ? got : gotp);
  if (!sp->etiology_per_hip) {
    char have[256] = "";
    for (size_t i = 0; i < sp->n_etiology && i < 32; i++) {
      size_t a = strlen(have);
      snprintf(have + a, sizeof have - a, "%s%s %d", i ? ", " : "", sp->etiology[i].name, got[i]);
    }
    row(c, true, "Etiology (hips; the report's unit)", "not in the paper", "%s", have);
  }
  check_counts(c, sp->stages_assumed ? "Stage (hips, assumed)" : "Stage (hips)", sp->stages,
               sp->n_stages < 32 ? sp->n_stages : 32, gst);
}

static void check_outcomes(chk *c) {
  const demo_spec *sp = c->sp;
  double *x = avn_calloc(c->nu + 1, sizeof *x);
  if (!x) return;
  for (size_t o = 0; o < sp->n_outcomes; o++) {
    const demo_outcome *oc = &sp->outcomes[o];
    for (size_t t = 0; t < oc->n_targets; t++) {
      const demo_target *tg = &oc->targets[t];
      size_t n = 0;
      for (size_t k = 0; k < c->nu; k++)
        if (value(c, c->u[k].pat, tg->visit, oc->form, c->u[k].side, oc->item, &x[n], NULL)) n++;
      double m = NAN, s = NAN;
      if (n > 1) fit_mean_sd(x, n, &m, &s);
      char what[160], paper[96];
      snprintf(what, sizeof what, "%s (%s), %s", oc->name, oc->item, visit_label(c, tg->visit));
      snprintf(paper, sizeof paper, "%.*f ± %.*f%s", oc->decimals, tg->mean, oc->decimals, tg->sd,
               tg->assumed ? " (assumed)" : tg->sd_assumed ? " (SD assumed)" : "");
      row(c, n > 1 && fit_rounds_to(m, tg->mean, oc->decimals) && fit_rounds_to(s, tg->sd, oc->decimals), what,
          paper, "%.*f ± %.*f (n = %zu)", oc->decimals, m, oc->decimals, s, n);
    }
  }
  avn_free(x);
}

static bool converted(const chk *c, size_t k, avn_date *when) {
  const char *v = NULL;
  if (!has_form_any(c, c->u[k].pat, inst_role_form(INST_ROLE_CONVERSION), c->u[k].side, &v)) return false;
  double d = 0;
  if (when && value(c, c->u[k].pat, v, inst_role_form(INST_ROLE_CONVERSION), c->u[k].side, "tha_date", &d, NULL)) *when = (avn_date)d;
  return true;
}

static void check_responders(chk *c) {
  const demo_spec *sp = c->sp;
  if (!sp->resp_outcome) return;
  const demo_outcome *oc = NULL;
  for (size_t o = 0; o < sp->n_outcomes; o++)
    if (!strcmp(sp->outcomes[o].name, sp->resp_outcome)) oc = &sp->outcomes[o];
  if (!oc) return;
  int k = 0, with = 0;
  for (size_t u = 0; u < c->nu; u++) {
    double a, b;
    if (!value(c, c->u[u].pat, sp->resp_from, oc->form, c->u[u].side, oc->item, &a, NULL) ||
        !value(c, c->u[u].pat, sp->resp_to, oc->form, c->u[u].side, oc->item, &b, NULL))
      continue;
    with++;
    k += (oc->lower_better ? a - b : b - a) > sp->resp_more_than;
  }
  char what[160], paper[64], got[64];
  snprintf(what, sizeof what, "%s improvement > %g, %s to %s (converted = failure)", oc->name, sp->resp_more_than,
           visit_label(c, sp->resp_from), visit_label(c, sp->resp_to));
  pct(paper, sizeof paper, sp->resp_hips, c->nu);
  pct(got, sizeof got, k, c->nu);
  row(c, k == sp->resp_hips, what, paper, "%s; %d/%d of hips with both values", got, k, with);
}

static void check_conversions(chk *c) {
  const demo_spec *sp = c->sp;
  int n = 0, by[32] = {0};
  for (size_t k = 0; k < c->nu; k++) {
    if (!converted(c, k, NULL)) continue;
    n++;
    size_t s = idx_of(sp->conv_by_stage, sp->n_conv_by_stage, c->st->patients[c->u[k].pat].hip_stage[c->u[k].side]);
    if (s < 32) by[s]++;
  }
  char paper[32];
  snprintf(paper, sizeof paper, "%d", sp->conv_hips);
  row(c, n == sp->conv_hips, "Conversions to THA (hips)", paper, "%d", n);
  if (sp->n_conv_by_stage) check_counts(c, "Conversions by stage", sp->conv_by_stage, sp->n_conv_by_stage, by);
  /* No hip form after a conversion. */
  int after = 0;
  for (size_t k = 0; k < c->nu; k++) {
    avn_date when = 0;
    if (!converted(c, k, &when)) continue;
    const store_patient *pt = &c->st->patients[c->u[k].pat];
    for (size_t f = 0; f < c->st->n_forms; f++) {
      const store_form *fm = &c->st->forms[f];
      if (&c->st->patients[fm->patient] != pt || fm->side != c->u[k].side || !strcmp(fm->instrument, inst_role_form(INST_ROLE_CONVERSION))) continue;
      for (size_t e = 0; e < c->st->n_events; e++) {
        const store_event *ev = &c->st->events[e];
        if (&c->st->patients[ev->patient] == pt && !strcmp(ev->kind, "visit") && !strcmp(ev->name, fm->visit) &&
            ev->has_actual && ev->actual > when)
          after++;
      }
    }
  }
  row(c, after == 0, "Hip forms dated after the hip's conversion", "none", "%d", after);
}

/* Radiological outcome of unit k (report_common.md): 0 improved, 1 stable,
** 2 progressed, -1 not assessable. */
static int radio_outcome(const chk *c, size_t k, double *reduction) {
  const char *base = c->p->visits[0].name, *last = NULL;
  const char *stage_res = !strcmp(c->p->staging, "ficat") ? "ficat" : "steinberg_stage";
  size_t pat = c->u[k].pat;
  int side = c->u[k].side;
  bool conv = converted(c, k, NULL);
  for (size_t i = 0; i < c->p->n_mri; i++) {
    const char *v = c->p->visits[c->p->mri[i]].name;
    if (strcmp(v, base) && store_find_form(c->st, pat, v, inst_role_form(INST_ROLE_IMAGING), side, 1)) last = v;
  }
  double s0, s1, d0 = 0, d1 = 0, h0, h1;
  bool has0 = value(c, pat, base, inst_role_form(INST_ROLE_IMAGING), side, stage_res, &s0, NULL);
  if (!has0 || !last) return conv ? 2 : -1;
  value(c, pat, last, inst_role_form(INST_ROLE_IMAGING), side, stage_res, &s1, NULL);
  value(c, pat, base, inst_role_form(INST_ROLE_IMAGING), side, "depression_mm", &d0, NULL);
  value(c, pat, last, inst_role_form(INST_ROLE_IMAGING), side, "depression_mm", &d1, NULL);
  bool hh = value(c, pat, base, inst_role_form(INST_ROLE_IMAGING), side, "head_involved_pct", &h0, NULL) &&
            value(c, pat, last, inst_role_form(INST_ROLE_IMAGING), side, "head_involved_pct", &h1, NULL) && h0 > 0;
  if (reduction) *reduction = hh ? 100 * (h0 - h1) / h0 : NAN;
  if (s1 > s0 || d1 - d0 > 2 || conv) return 2;
  if (hh && h0 - h1 >= 0.10 * h0) return 0;
  return 1;
}

static void check_radiology(chk *c) {
  const demo_spec *sp = c->sp;
  if (!sp->n_radio && !sp->n_lesion) return;
  int cnt[16][3] = {{0}}, prog_et[32] = {0};
  double lsum[16] = {0};
  int ln[16] = {0};
  for (size_t k = 0; k < c->nu; k++) {
    const char *stage = c->st->patients[c->u[k].pat].hip_stage[c->u[k].side];
    double red = NAN;
    int o = radio_outcome(c, k, &red);
    size_t s = SIZE_MAX;
    for (size_t i = 0; i < sp->n_radio && i < 16; i++)
      if (!strcmp(sp->radio[i].stage, stage)) s = i;
    if (s != SIZE_MAX && o >= 0) cnt[s][o]++;
    for (size_t i = 0; i < sp->n_lesion && i < 16; i++)
      if (!strcmp(sp->lesion[i].name, stage) && !isnan(red)) {
        lsum[i] += red;
        ln[i]++;
      }
    if (o == 2) {
      const char *t = NULL;
      value(c, c->u[k].pat, c->p->visits[0].name, inst_role_form(INST_ROLE_HIP_BASELINE), c->u[k].side, "etiology", NULL, &t);
      size_t e = idx_of(sp->prog_by_etiology, sp->n_prog_by_etiology, t);
      if (e < 32) prog_et[e]++;
    }
  }
  for (size_t i = 0; i < sp->n_radio && i < 16; i++) {
    const demo_radio *r = &sp->radio[i];
    char what[96], paper[96];
    snprintf(what, sizeof what, "Radiological outcome, stage %s (improved / stable / progressed)", r->stage);
    snprintf(paper, sizeof paper, "%d / %d / %d", r->improved, r->stable, r->progressed);
    row(c, cnt[i][0] == r->improved && cnt[i][1] == r->stable && cnt[i][2] == r->progressed, what, paper,
        "%d / %d / %d", cnt[i][0], cnt[i][1], cnt[i][2]);
  }
  if (sp->n_prog_by_etiology)
    check_counts(c, "Progressed hips by etiology", sp->prog_by_etiology, sp->n_prog_by_etiology, prog_et);
  for (size_t i = 0; i < sp->n_lesion && i < 16; i++) {
    char what[96], paper[32];
    double m = ln[i] ? lsum[i] / ln[i] : NAN;
    snprintf(what, sizeof what, "Mean lesion size reduction, stage %s (%%)", sp->lesion[i].name);
    snprintf(paper, sizeof paper, "%.1f", sp->lesion[i].lo);
    row(c, ln[i] && fit_rounds_to(m, sp->lesion[i].lo, 1), what, paper, "%.2f (n = %d)", m, ln[i]);
  }
}

static void check_edema(chk *c) {
  const demo_spec *sp = c->sp;
  if (sp->edema_baseline < 0) return;
  const char *base = c->p->visits[0].name;
  int with = 0, at0 = 0;
  for (size_t k = 0; k < c->nu; k++) {
    double b;
    if (!value(c, c->u[k].pat, base, inst_role_form(INST_ROLE_IMAGING), c->u[k].side, "bme", &b, NULL)) continue;
    with++;
    at0 += b != 0;
  }
  char paper[64], got[64];
  snprintf(paper, sizeof paper, "%d (assumed)", sp->edema_baseline);
  row(c, at0 == sp->edema_baseline, "Bone marrow oedema at baseline (hips)", paper, "%d of %d with a baseline MRI",
      at0, with);
  for (size_t i = 0; i < sp->n_edema_resolved; i++) {
    const char *v = sp->edema_resolved[i].name;
    int n = 0;
    for (size_t k = 0; k < c->nu; k++) {
      double b, x;
      if (value(c, c->u[k].pat, base, inst_role_form(INST_ROLE_IMAGING), c->u[k].side, "bme", &b, NULL) && b != 0 &&
          value(c, c->u[k].pat, v, inst_role_form(INST_ROLE_IMAGING), c->u[k].side, "bme", &x, NULL) && x == 0)
        n++;
    }
    char what[96];
    snprintf(what, sizeof what, "Oedema resolved by %s", visit_label(c, v));
    pct(paper, sizeof paper, sp->edema_resolved[i].n, (size_t)with);
    pct(got, sizeof got, n, (size_t)with);
    row(c, n == sp->edema_resolved[i].n, what, paper, "%s", got);
  }
}

static void check_aes_satisfaction(chk *c) {
  const demo_spec *sp = c->sp;
  for (size_t a = 0; a < sp->n_aes; a++) {
    int n = 0;
    for (size_t i = 0; i < c->st->n_patients; i++) {
      bool has = false;
      for (size_t v = 0; v < c->p->n_visits; v++) {
        const char *t = NULL;
        if (value(c, i, c->p->visits[v].name, inst_role_form(INST_ROLE_ADVERSE_EVENT), SIDE_PATIENT, "term", NULL, &t) && t && !strcmp(t, sp->aes[a].term))
          has = true;
      }
      n += has;
    }
    char what[256], paper[32];
    snprintf(what, sizeof what, "Adverse event \"%s\" (patients)", sp->aes[a].term);
    snprintf(paper, sizeof paper, "%d", sp->aes[a].patients);
    row(c, n == sp->aes[a].patients, what, paper, "%d", n);
  }
  if (!sp->sat_visit) return;
  int got[32] = {0};
  for (size_t i = 0; i < c->st->n_patients; i++) {
    const char *t = NULL;
    if (value(c, i, sp->sat_visit, "satisfaction", SIDE_PATIENT, "satisfaction", NULL, &t)) {
      size_t k = idx_of(sp->sat, sp->n_sat, t);
      if (k < 32) got[k]++;
    }
  }
  char what[96];
  snprintf(what, sizeof what, "Satisfaction at %s (patients)", visit_label(c, sp->sat_visit));
  check_counts(c, what, sp->sat, sp->n_sat < 32 ? sp->n_sat : 32, got);
}

static void check_sf36(chk *c) {
  static const char *const dom[8] = {"pf", "rp", "re", "vt", "mh", "sf", "bp", "gh"};
  const demo_spec *sp = c->sp;
  if (!sp->sf_from) return;
  double tot = 0;
  char parts[512] = "";
  for (int d = 0; d < 8; d++) {
    double s0 = 0, s1 = 0, x;
    int n0 = 0, n1 = 0;
    for (size_t i = 0; i < c->st->n_patients; i++) {
      if (value(c, i, sp->sf_from, "sf36", SIDE_PATIENT, dom[d], &x, NULL)) s0 += x, n0++;
      if (value(c, i, sp->sf_to, "sf36", SIDE_PATIENT, dom[d], &x, NULL)) s1 += x, n1++;
    }
    double e = n0 && n1 ? 100 * ((s1 / n1) / (s0 / n0) - 1) : NAN;
    tot += e / 8;
    size_t a = strlen(parts);
    snprintf(parts + a, sizeof parts - a, "%s%s %.0f -> %.0f (%+.0f%%)", d ? ", " : "", dom[d], n0 ? s0 / n0 : NAN,
             n1 ? s1 / n1 : NAN, e);
  }
  char paper[64];
  snprintf(paper, sizeof paper, "about %.0f%% (loose)", sp->sf_enhancement_pct);
  row(c, fabs(tot - sp->sf_enhancement_pct) < 2.5, "SF-36 (RAND-36) domains, mean relative change", paper,
      "%.1f%% (%s)", tot, parts);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Months from enrolment to unit k's conversion (*ev = 1), else to its
** patient's last attended visit (*ev = 0). */
static double surv_time(const chk *c, size_t k, int *ev) {
  const store_patient *pt = &c->st->patients[c->u[k].pat];
  avn_date when = 0, last = pt->enrolled;
  *ev = converted(c, k, &when);
  if (!*ev)
    for (size_t e = 0; e < c->st->n_events; e++) {
      const store_event *x = &c->st->events[e];
      if (x->patient == c->u[k].pat && !strcmp(x->kind, "visit") && x->has_actual && x->actual > last)
        last = x->actual;
    }
  return (double)((*ev ? when : last) - pt->enrolled) / (365.25 / 12);
}

static void check_survival(chk *c) {
  const demo_spec *sp = c->sp;
  if (!sp->has_survival) return;
  /* time (months), event; censored at the last attended visit. */
  double *t = avn_calloc(2 * c->nu + 2, sizeof *t);
  if (!t) return;
  size_t n = c->nu;
  for (size_t k = 0; k < n; k++) {
    int ev;
    t[2 * k] = surv_time(c, k, &ev);
    t[2 * k + 1] = ev;
  }
  qsort(t, n, 2 * sizeof *t, cmp_double);   /* by time; an event before a censoring at the same time */
  double s = 1;
  size_t at_risk = n;
  for (size_t k = 0; k < n; k++) {
    if (t[2 * k] > sp->surv_months) break;
    if (t[2 * k + 1] != 0) s *= 1 - 1.0 / (double)at_risk;
    at_risk--;
  }
  char paper[32], what[96];
  snprintf(paper, sizeof paper, "%.0f%%", sp->surv_pct);
  snprintf(what, sizeof what, "Kaplan-Meier hip survival at %.0f months", sp->surv_months);
  row(c, fit_rounds_to(100 * s, sp->surv_pct, 0), what, paper, "%.3f", s);
  avn_free(t);
}

/* Counts the monitor's findings (src/monitor/) of one kind. */
static int count_finding(const monitor_finding *x, void *ctx) {
  (void)x;
  ++*(int *)ctx;
  return 0;
}

static void check_conduct(chk *c) {
  const store_study *st = c->st;
  int out = 0, attended = 0, dev = 0;
  for (size_t e = 0; e < st->n_events; e++) attended += !strcmp(st->events[e].kind, "visit") && st->events[e].has_actual;
  monitor_run_scored(st, c->sc, 0, 1u << MON_OUT_OF_WINDOW, 0, count_finding, &out);
  row(c, out == 0, "Visits outside their window", "none", "%d of %d attended visits", out, attended);
  monitor_run_scored(st, c->sc, 0, 1u << MON_DEVIATION, MONITOR_ACKED, count_finding, &dev);
  row(c, dev == 0, "Cell products and procedures outside the protocol's limits", "none", "%d", dev);
}

/* ---- the paper's claims, hips as independent and patients as clusters ---- */

static void pphrase(char *out, size_t n, double p) {
  if (!isfinite(p)) snprintf(out, n, "no test");
  else if (p < 0.001) snprintf(out, n, "p < 0.001");
  else snprintf(out, n, "p = %.3f", p);
}

static void claim(chk *c, const char *what, const char *naive, double pn, const char *clustered, double pc) {
  bool sn = pn < 0.05, sc = pc < 0.05;
  avn_buf_printf(&c->claims, "| %s | %s | %s | %s |\n", what, naive, clustered,
                 !isfinite(pn) || !isfinite(pc) ? "not tested"
                 : sn == sc ? (sn ? "yes: significant either way" : "yes: not significant either way")
                 : sn ? "**no**: significant only with hips as independent" : "**no**: significant only when clustered");
}

/* Change of each outcome from its first target visit to each later one:
** paired t on hips vs the patient-clustered mean change. */
static void claim_changes(chk *c, int *ids) {
  const demo_spec *sp = c->sp;
  double *d = avn_calloc(c->nu + 1, sizeof *d);
  if (!d) return;
  for (size_t o = 0; o < sp->n_outcomes; o++) {
    const demo_outcome *oc = &sp->outcomes[o];
    if (oc->n_targets < 2) continue;
    const char *v0 = oc->targets[0].visit;
    for (size_t t = 1; t < oc->n_targets; t++) {
      if (oc->targets[t].assumed) continue;   /* not the paper's: no claim */
      size_t n = 0;
      for (size_t k = 0; k < c->nu; k++) {
        double a, b;
        if (!value(c, c->u[k].pat, v0, oc->form, c->u[k].side, oc->item, &a, NULL) ||
            !value(c, c->u[k].pat, oc->targets[t].visit, oc->form, c->u[k].side, oc->item, &b, NULL))
          continue;
        d[n] = b - a;
        ids[n++] = (int)c->u[k].pat;
      }
      ttest_result tt;
      cluster_est ce;
      avn_err e;
      if (n < 3 || ttest_one(d, n, 0, 0, 0.95, &tt) != AVN_OK ||
          cluster_mean(d, ids, n, c->st->n_patients, 0.95, &ce, &e) != AVN_OK)
        continue;
      char what[192], a[160], b[160], pa[32], pb[32];
      snprintf(what, sizeof what, "%s (%s) changes from %s to %s (paired, as the paper)", oc->name, oc->item,
               visit_label(c, v0), visit_label(c, oc->targets[t].visit));
      pphrase(pa, sizeof pa, tt.p);
      pphrase(pb, sizeof pb, ce.p);
      snprintf(a, sizeof a, "%.2f (%.2f to %.2f), %s; %zu hips", tt.estimate, tt.ci_low, tt.ci_high, pa, n);
      snprintf(b, sizeof b, "%.2f (%.2f to %.2f), %s; %zu patients", ce.estimate, ce.ci_low, ce.ci_high, pb,
               ce.nclusters);
      claim(c, what, a, tt.p, b, ce.p);
    }
  }
  avn_free(d);
}

/* The responder share: Wilson on hips vs the patient-clustered interval. */
static void claim_responders(chk *c, int *ids, int *y) {
  const demo_spec *sp = c->sp;
  const demo_outcome *oc = NULL;
  for (size_t o = 0; sp->resp_outcome && o < sp->n_outcomes; o++)
    if (!strcmp(sp->outcomes[o].name, sp->resp_outcome)) oc = &sp->outcomes[o];
  if (!oc) return;
  size_t k = 0;
  for (size_t u = 0; u < c->nu; u++) {
    double a, b;
    y[u] = value(c, c->u[u].pat, sp->resp_from, oc->form, c->u[u].side, oc->item, &a, NULL) &&
           value(c, c->u[u].pat, sp->resp_to, oc->form, c->u[u].side, oc->item, &b, NULL) &&
           (oc->lower_better ? a - b : b - a) > sp->resp_more_than;
    ids[u] = (int)c->u[u].pat;
    k += (size_t)y[u];
  }
  double lo, hi;
  cluster_est ce;
  avn_err e;
  if (binom_wilson(k, c->nu, 0.95, &lo, &hi) != AVN_OK ||
      cluster_prop(y, ids, c->nu, c->st->n_patients, 0.95, &ce, &e) != AVN_OK)
    return;
  char what[192], a[128], b[128];
  snprintf(what, sizeof what, "%s improvement > %g in %zu/%zu hips, %s to %s (converted = failure): 95%% CI",
           oc->name, sp->resp_more_than, k, c->nu, visit_label(c, sp->resp_from), visit_label(c, sp->resp_to));
  snprintf(a, sizeof a, "%.1f%% (Wilson %.1f-%.1f%%)", 100.0 * (double)k / (double)c->nu, 100 * lo, 100 * hi);
  snprintf(b, sizeof b, "%.1f%% (%.1f-%.1f%%)", 100 * ce.estimate, 100 * ce.ci_low, 100 * ce.ci_high);
  avn_buf_printf(&c->claims, "| %s | %s | %s | interval only |\n", what, a, b);
}

/* The stage index of unit k among the protocol's stage codes, or -1. */
static int stage_index(const chk *c, size_t k) {
  const char *st = c->st->patients[c->u[k].pat].hip_stage[c->u[k].side];
  const proto_field *f = protocol_find_field(c->p, "stage");
  for (size_t i = 0; st && f && i < f->n_codes; i++)
    if (!strcmp(f->codes[i], st)) return (int)i;
  return -1;
}

/* Radiological outcome by stage: Fisher on hips vs Rao-Scott; conversion
** by stage: log-rank vs the robust score test. */
static void claim_stage(chk *c, int *ids) {
  size_t n = 0, ns = 0;
  int *a = avn_calloc(c->nu + 1, sizeof *a), *b = avn_calloc(c->nu + 1, sizeof *b), *ev = avn_calloc(c->nu + 1, sizeof *ev);
  double *t = avn_calloc(c->nu + 1, sizeof *t), *x = NULL;
  double cnt[16 * 3] = {0}, m[16 * 3];
  if (!a || !b || !ev || !t) goto cleanup;
  for (size_t k = 0; k < c->nu; k++) {
    int si = stage_index(c, k), o = radio_outcome(c, k, NULL);
    if (si < 0 || si >= 16) continue;
    if ((size_t)si + 1 > ns) ns = (size_t)si + 1;
    if (o < 0) continue;
    a[n] = si;
    b[n] = o;
    ids[n++] = (int)c->u[k].pat;
    cnt[si * 3 + o]++;
  }
  if (c->sp->n_radio && n > 0) {
    /* the table without empty rows or columns, as the report tests it */
    size_t r = 0, q = 0;
    bool col[3] = {false, false, false};
    for (size_t i = 0; i < ns; i++)
      for (size_t o = 0; o < 3; o++) col[o] = col[o] || cnt[i * 3 + o] > 0;
    for (size_t o = 0; o < 3; o++) q += col[o];
    for (size_t i = 0; i < ns; i++) {
      if (cnt[i * 3] + cnt[i * 3 + 1] + cnt[i * 3 + 2] <= 0) continue;
      size_t j = 0;
      for (size_t o = 0; o < 3; o++)
        if (col[o]) m[r * q + j++] = cnt[i * 3 + o];
      r++;
    }
    ctable_fisher fi;
    cluster_chisq_result rs;
    avn_err e;
    if (r >= 2 && q >= 2 && ctable_fisher_test(m, r, q, 0, 0.95, &fi) == AVN_OK &&
        cluster_chisq(a, ns, b, 3, ids, n, c->st->n_patients, &rs, &e) == AVN_OK) {
      char pa[32], pb[32], sa[96], sb[160];
      pphrase(pa, sizeof pa, fi.p);
      pphrase(pb, sizeof pb, rs.p);
      snprintf(sa, sizeof sa, "Fisher's exact test, %s", pa);
      snprintf(sb, sizeof sb, "Rao-Scott F = %.2f on %.2f and %.2f df, %s", rs.f, rs.df1, rs.df2, pb);
      claim(c, "Radiological outcome differs by stage (the paper: progression confined to advanced stages)", sa, fi.p,
            sb, rs.p);
    }
  }
  /* the stages that have hips, as groups 0..ng-1 (an empty level would be
  ** a constant covariate) */
  int map[16];
  size_t ng = 0;
  for (size_t i = 0; i < 16; i++) map[i] = -1;
  for (size_t k = 0; k < c->nu; k++) {
    int si = stage_index(c, k);
    if (si >= 0 && si < 16 && map[si] < 0) map[si] = 0;
  }
  for (size_t i = 0; i < 16; i++)
    if (map[i] == 0) map[i] = (int)ng++;
  ns = ng;
  if (ns >= 2) {
    n = 0;
    for (size_t k = 0; k < c->nu; k++) {
      int si = stage_index(c, k);
      if (si < 0 || si >= 16) continue;
      t[n] = surv_time(c, k, &ev[n]);
      a[n] = map[si];
      ids[n++] = (int)c->u[k].pat;
    }
    x = avn_calloc(n * (ns - 1) + 1, sizeof *x);
    if (!x) goto cleanup;
    for (size_t i = 0; i < n; i++)
      if (a[i] > 0) x[i * (ns - 1) + (size_t)a[i] - 1] = 1;
    logrank_result *lr = NULL;
    cox_result *cr = NULL;
    cox_opts o;
    cox_opts_default(&o);
    o.score_only = 1;
    avn_err e;
    size_t nev = 0;
    for (size_t i = 0; i < n; i++) nev += (size_t)ev[i];
    if (nev > 0 && logrank_test(n, t, ev, a, ns, &lr, &e) == AVN_OK &&
        cox_fit(n, ns - 1, t, ev, x, NULL, ids, c->st->n_patients, &o, &cr, &e) == AVN_OK) {
      char pa[32], pb[32], sa[96], sb[96];
      pphrase(pa, sizeof pa, lr->p);
      pphrase(pb, sizeof pb, cr->robust_score_p);
      snprintf(sa, sizeof sa, "log-rank chi-square %.2f on %d df, %s", lr->chisq, lr->df, pa);
      snprintf(sb, sizeof sb, "robust score chi-square %.2f on %d df, %s", cr->robust_score, cr->df, pb);
      claim(c, "Conversion to THA differs by stage (survival curves by stage)", sa, lr->p, sb, cr->robust_score_p);
    }
    logrank_free(lr);
    cox_free(cr);
  }
cleanup:
  avn_free(a);
  avn_free(b);
  avn_free(ev);
  avn_free(t);
  avn_free(x);
}

static void check_claims(chk *c) {
  bool bilateral = false;
  for (size_t i = 0; i < c->st->n_patients; i++)
    bilateral = bilateral || (c->st->patients[i].hip[SIDE_LEFT] && c->st->patients[i].hip[SIDE_RIGHT]);
  if (!bilateral) return;
  int *ids = avn_calloc(c->nu + 1, sizeof *ids), *y = avn_calloc(c->nu + 1, sizeof *y);
  if (ids && y) {
    claim_changes(c, ids);
    claim_responders(c, ids, y);
    claim_stage(c, ids);
  }
  avn_free(ids);
  avn_free(y);
}

static avn_rc write_notes(chk *c, const char *path, avn_err *e) {
  const demo_spec *sp = c->sp;
  avn_buf b;
  avn_buf_init(&b, 1 << 20);
  avn_buf_printf(&b, "# Demo study `%s`: notes\n\n", sp->name);
  avn_buf_printf(&b,
                 "Synthetic patients built by `avn demo` from `%s` (the seed paper's figures, each with the "
                 "sentence it comes from), protocol `%s`, random seed %lu (gsl_rng_mt19937). Every record was "
                 "entered through the validated, audited write path (screening, enrolment, forms). No patient is "
                 "real.\n\n",
                 sp->file, sp->protocol, sp->seed);
  avn_buf_puts(&b, "## The paper's figures and what this study's data give\n\n"
                   "Recomputed from the database after it was written (stored items, the instruments' scorers). "
                   "The report computes them again, independently.\n\n"
                   "| Figure | Paper | This study | Matches |\n|---|---|---|---|\n");
  avn_buf_puts(&b, avn_buf_str(&c->out));
  if (avn_buf_str(&c->claims)) {
    avn_buf_puts(&b, "\n## The paper's claims with hips as independent and with patients as clusters\n\n"
                     "Some patients contributed both hips, and the paper treats the hips as independent (paired "
                     "tests on hips). Each claim is tested both ways on this study's data: hips as independent (as "
                     "the paper) and patients as clusters (cluster-robust mean change with t on patients - 1 df, "
                     "logit interval of the cluster-robust proportion, Rao-Scott second-order test, robust score "
                     "test of coxph with cluster = patient; src/stats/cluster.h). The report shows the same pairs; "
                     "these are recomputed here from the database.\n\n"
                     "| Claim | Hips as independent | Patients as clusters | Survives clustering? |\n|---|---|---|---|\n");
    avn_buf_puts(&b, avn_buf_str(&c->claims));
  }
  avn_buf_puts(&b, "\n## Where the paper contradicts itself\n\n");
  if (!sp->n_contradictions) avn_buf_puts(&b, "None found.\n");
  for (size_t i = 0; i < sp->n_contradictions; i++) avn_buf_printf(&b, "- %s\n", sp->contradictions[i]);
  avn_buf_puts(&b, "\n## Demo assumptions (not in the paper)\n\n");
  for (size_t i = 0; i < sp->n_assumptions; i++) avn_buf_printf(&b, "- %s\n", sp->assumptions[i]);
  for (size_t o = 0; o < sp->n_outcomes; o++)
    for (size_t t = 0; t < sp->outcomes[o].n_targets; t++) {
      const demo_target *tg = &sp->outcomes[o].targets[t];
      if (tg->assumed || tg->sd_assumed)
        avn_buf_printf(&b, "- %s at %s: %s%.*f ± %.*f.\n", sp->outcomes[o].name, visit_label(c, tg->visit),
                       tg->assumed ? "" : "SD assumed, ", sp->outcomes[o].decimals, tg->mean,
                       sp->outcomes[o].decimals, tg->sd);
    }
  avn_rc rc = AVN_OK;
  const char *text = avn_buf_str(&b);
  if (!text) {
    avn_buf_free(&b);
    return AVN_E_NOMEM;
  }
  FILE *f = fopen(path, "w");
  if (!f) rc = avn_fail(e, AVN_E_IO, path, NULL, "cannot write: %s", strerror(errno));
  else {
    if (fputs(text, f) == EOF) rc = avn_fail(e, AVN_E_IO, path, NULL, "write failed");
    if (fclose(f) != 0 && !rc) rc = avn_fail(e, AVN_E_IO, path, NULL, "write failed");
  }
  avn_buf_free(&b);
  return rc;
}

avn_rc demo_check(const demo_spec *sp, store *s, const char *notes_path, avn_err *e) {
  store_study *st = NULL;
  chk c = {0};
  avn_rc rc = store_load(s, NULL, &st, e);
  if (rc) return rc;
  c.sp = sp;
  c.st = st;
  c.p = st->protocol;
  rc = frame_scores_new(st, &c.sc, e);
  if (rc) goto cleanup;
  avn_buf_init(&c.out, 1 << 20);
  avn_buf_init(&c.claims, 1 << 20);
  c.u = avn_calloc(2 * st->n_patients + 1, sizeof *c.u);
  if (!c.u) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  for (size_t i = 0; i < st->n_patients; i++)
    for (int side = SIDE_LEFT; side <= SIDE_RIGHT; side++)
      if (st->patients[i].hip[side]) c.u[c.nu++] = (unit){i, side};
  check_people(&c);
  check_etiology_stage(&c);
  check_outcomes(&c);
  check_responders(&c);
  check_conversions(&c);
  check_survival(&c);
  check_radiology(&c);
  check_edema(&c);
  check_aes_satisfaction(&c);
  check_sf36(&c);
  check_conduct(&c);
  check_claims(&c);
  rc = write_notes(&c, notes_path, e);
  if (!rc && c.misses)
    rc = avn_fail(e, AVN_E_STATE, "demo", sp->name, "%d figure%s missed (first: %s); see %s", c.misses,
                  c.misses == 1 ? "" : "s", c.first_miss, notes_path);
cleanup:
  avn_buf_free(&c.out);
  avn_buf_free(&c.claims);
  avn_free(c.u);
  frame_scores_free(c.sc);
  store_study_free(st);
  return rc;
}
