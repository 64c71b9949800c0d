/*
** sec_survival.c: report section 7, hip survival with conversion to total
** hip arthroplasty (THA) as the end point.
**
** What it computes, from the snapshot only:
**   - per unit (hip, or patient when the protocol's unit is the patient)
**     a survival time from day 0 (the enrolment date) to tha.tha_date for a
**     converted unit (event 1); any other unit is censored at the actual
**     date of its patient's last attended visit, or at withdrawal when that
**     is earlier (event 0). Months = days / (365.25 / 12). A tha form
**     without a date, or a date before day 0, is left out and counted in a
**     note, never guessed.
**   - the Kaplan-Meier curve overall and by the plan's `survival.by`
**     (km_fit, Greenwood variance, log-transformed 95% band as R's survfit
**     default), drawn with censoring marks and a number-at-risk table every
**     6 months up to the plan's final visit (figures km_overall and
**     km_by_<by>); the log-rank test between the groups (logrank_test, as
**     survdiff); when a patient contributes both hips, the bands from the
**     patient-clustered robust variance (km_robust, as survfit(..., id =
**     patient, robust = TRUE)) come first, the Greenwood ones beside them,
**     and the robust score test (cox_fit score_only with patients as
**     clusters, coxph's rscore) is noted beside the log-rank;
**   - table `survival`: survival at 6, 12, 18, ... months (as far as each
**     curve's follow-up goes, as summary.survfit(extend = FALSE)) with its
**     95% CI, the number at risk and the cumulative events;
**   - table `cox`: a Cox model (Efron ties) on the plan's covariates,
**     numeric ones linear, categorical ones as treatment-coded dummies (the
**     first level is the reference), on complete cases; when units are hips
**     and the plan clusters on patient, the Lin-Wei robust variance summed
**     within patients (cox_fit's cluster argument = coxph(..., cluster =
**     patient)) gives the CI and p. Lin, D. Y. & Wei, L. J. (1989) The
**     robust inference for the Cox proportional hazards model. JASA 84,
**     1074-1078.
**
** Refusals become notices (rsec_missing), never numbers: no conversion at
** all, a single group, a categorical level without events (the partial
** likelihood is monotone: the hazard ratio is 0 or infinite), or whatever
** cox_fit refuses (constant or collinear covariates, an infinite
** coefficient), with its reason.
**
** Costs: O(units x visits x log forms) to read the data, O(n) radix sorts
** in km/logrank/cox, O(n p^2) per Cox iteration. Every array is freed at
** the single exit.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "report/rctx.h"
#include "report/rvar.h"
#include "stats/cox.h"
#include "stats/km.h"
#include "stats/logrank.h"

/* "p = 0.034" or "p < 0.001" for running text. */
static void p_phrase(char *out, size_t n, double p) {
  char b[16];
  rfmt_p(b, sizeof b, p);
  snprintf(out, n, "p %s %s", b[0] == '<' ? "<" : "=", b[0] == '<' ? b + 1 : b);
}

#define MONTH_DAYS (365.25 / 12.0)

/* --- grouping -------------------------------------------------------------- */

/* The class limits the plan gives a numeric variable in its subgroups. */
static const sap_subgroup *plan_cuts(const sap *plan, const char *by) {
  for (size_t i = 0; i < plan->n_subgroups; i++)
    if (!strcmp(plan->subgroups[i].by, by) && plan->subgroups[i].n_cuts > 0) return &plan->subgroups[i];
  return NULL;
}

/* Groups the n units idx[] by `by` (rvar_group, with the plan's cuts for a
** numeric variable). */
static void group_units(const rctx *c, const char *by, const size_t *idx, size_t n, int *level,
                        rlevels *L, char *why, size_t whyn) {
  const sap_subgroup *cuts = rvar_is_numeric(by) ? plan_cuts(c->plan, by) : NULL;
  rvar_group(c, by, cuts ? cuts->cuts : NULL, cuts ? cuts->n_cuts : 0, idx, n, level, L, why, whyn);
}

/* --- survival data --------------------------------------------------------- */

typedef struct sdata {
  size_t n;          /* units with a valid time */
  size_t *unit;      /* [n] unit index */
  double *t;         /* [n] months */
  int *ev;           /* [n] */
  size_t n_events, n_nodate, n_baddate;
} sdata;

static void sdata_free(sdata *d) {
  avn_free(d->unit);
  avn_free(d->t);
  avn_free(d->ev);
}

static avn_rc sdata_build(const rctx *c, sdata *d) {
  avn_rc rc = AVN_OK;
  const store_study *st = c->st;
  avn_date *last = NULL;
  bool *has_last = NULL;
  memset(d, 0, sizeof *d);
  size_t nu = c->n_units ? c->n_units : 1, np = st->n_patients ? st->n_patients : 1;
  d->unit = avn_calloc(nu, sizeof *d->unit);
  d->t = avn_calloc(nu, sizeof *d->t);
  d->ev = avn_calloc(nu, sizeof *d->ev);
  last = avn_calloc(np, sizeof *last);
  has_last = avn_calloc(np, sizeof *has_last);
  if (!d->unit || !d->t || !d->ev || !last || !has_last) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  /* one pass over the events: each patient's last attended visit */
  for (size_t i = 0; i < st->n_events; i++) {
    const store_event *ev = &st->events[i];
    if (strcmp(ev->kind, "visit") != 0 || !ev->has_actual) continue;
    if (!has_last[ev->patient] || ev->actual > last[ev->patient]) {
      last[ev->patient] = ev->actual;
      has_last[ev->patient] = true;
    }
  }
  for (size_t u = 0; u < c->n_units; u++) {
    const store_patient *pt = &st->patients[c->units[u].patient];
    const char *tv = NULL;
    double days = 0;
    int event = 0;
    if (rctx_find_any(c, u, inst_role_form(INST_ROLE_CONVERSION), &tv)) {
      double dd = 0;
      if (!rctx_num(c, u, tv, inst_role_form(INST_ROLE_CONVERSION), "tha_date", &dd)) {
        d->n_nodate++;
        continue;
      }
      days = dd - (double)pt->enrolled;
      event = 1;
    } else {
      avn_date end = has_last[c->units[u].patient] ? last[c->units[u].patient] : pt->enrolled;
      if (pt->withdrawn && pt->withdrawn_on < end) end = pt->withdrawn_on;
      days = (double)end - (double)pt->enrolled;
    }
    if (days < 0) {
      d->n_baddate++;
      continue;
    }
    d->unit[d->n] = u;
    d->t[d->n] = days / MONTH_DAYS;
    d->ev[d->n] = event;
    d->n_events += (size_t)event;
    d->n++;
  }
cleanup:
  avn_free(last);
  avn_free(has_last);
  return rc;
}

/* --- figures and tables ------------------------------------------------------ */

/* Adds stratum s of r as a curve: its jumps, extended flat to the last
** observed time, and its censoring marks. */
static avn_rc add_curve(rfig *f, const km_result *r, size_t s, const char *name) {
  const km_stratum *ks = &r->strata[s];
  avn_rc rc = AVN_OK;
  size_t m = ks->nrows + 1;
  double *t = avn_calloc(m, sizeof *t), *sv = avn_calloc(m, sizeof *sv);
  double *ct = avn_calloc(m, sizeof *ct), *cs = avn_calloc(m, sizeof *cs);
  if (!t || !sv || !ct || !cs) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  size_t nj = 0, nc = 0;
  for (size_t i = ks->first; i < ks->first + ks->nrows; i++) {
    if (r->n_event[i] > 0) {
      t[nj] = r->time[i];
      sv[nj++] = r->surv[i];
    }
    if (r->n_censor[i] > 0) {
      ct[nc] = r->time[i];
      cs[nc++] = r->surv[i];
    }
  }
  if (ks->nrows > 0) {
    double tl = r->time[ks->first + ks->nrows - 1];
    if (nj == 0 || t[nj - 1] < tl) {
      t[nj] = tl;
      sv[nj] = nj ? sv[nj - 1] : 1.0;
      nj++;
    }
  }
  rfig_km_curve(f, name, nj, t, sv, nc, ct, cs);
cleanup:
  avn_free(t);
  avn_free(sv);
  avn_free(ct);
  avn_free(cs);
  return rc;
}

/* The risk-table times: 0, 6, 12, ... up to the final visit (up to the
** longest follow-up tmax when the protocol's visits give no time). */
static size_t risk_times(const rctx *c, double tmax, double *times, size_t max) {
  double fm = NAN;
  if (c->plan->final_visit) fm = rctx_visit_months(c, c->plan->final_visit);
  if (!isfinite(fm)) {
    fm = 0;
    for (size_t i = 0; i < c->p->n_visits; i++) {
      double m = rctx_visit_months(c, c->p->visits[i].name);
      if (isfinite(m) && m > fm) fm = m;
    }
  }
  if (!(fm > 0)) fm = tmax > 0 ? tmax : 6;
  size_t n = 0;
  for (double t = 0; t <= fm + 1e-9 && n < max; t += 6) times[n++] = t;
  if (n < max && times[n - 1] < fm - 1e-9) times[n++] = fm;
  return n;
}

static avn_rc km_figure(rsec *s, const km_result *r, const rlevels *L, const double *times,
                        size_t nt, const char *id, const char *caption) {
  avn_rc rc = AVN_OK;
  int *counts = NULL;
  rfig *f = rfig_km("Months since treatment", "Survival free of arthroplasty");
  if (!f) return AVN_E_NOMEM;
  counts = avn_calloc(r->nstrata * nt, sizeof *counts);
  if (!counts) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  rfig_ylim(f, 0, 1);
  rfig_xlim(f, 0, times[nt - 1]);
  for (size_t s2 = 0; s2 < r->nstrata; s2++) {
    rc = add_curve(f, r, s2, L ? L->label[s2] : "All");
    if (rc) goto cleanup;
    for (size_t k = 0; k < nt; k++) {
      km_point pt;
      km_at(r, s2, times[k], &pt);
      counts[s2 * nt + k] = (int)pt.n_risk;
    }
  }
  rfig_km_risk(f, nt, times, r->nstrata, counts);
  rsec_figure(s, id, caption, f);
  f = NULL;
cleanup:
  rfig_free(f);
  avn_free(counts);
  return rc;
}

/* Rows of table `survival` for one curve; with rob (the same curve with
** patient-clustered bands) its interval comes first and r's after it. */
static void survival_rows(rtable *tb, const km_result *r, const km_result *rob, size_t s, const char *name,
                          const double *times, size_t nt) {
  const km_stratum *ks = &r->strata[s];
  if (ks->nrows == 0) return;
  double tmax = r->time[ks->first + ks->nrows - 1];
  for (size_t k = 0; k < nt; k++) {
    double t = times[k];
    if (t <= 0 || t > tmax) continue;
    km_point pt;
    km_at(r, s, t, &pt);
    size_t events = 0;
    for (size_t i = ks->first; i < ks->first + ks->nrows && r->time[i] <= t; i++) events += r->n_event[i];
    char mon[32], risk[32], evs[32], sv[128], a[32], lo[32], hi[32], nv[96] = "";
    rfmt_num(mon, sizeof mon, t, 0);
    snprintf(risk, sizeof risk, "%zu", pt.n_risk);
    snprintf(evs, sizeof evs, "%zu", events);
    if (rob) {   /* the naive band beside the clustered one */
      rfmt_num(lo, sizeof lo, 100 * pt.lower, 1);
      rfmt_num(hi, sizeof hi, 100 * pt.upper, 1);
      snprintf(nv, sizeof nv, "%s-%s", lo, hi);
      km_at(rob, s, t, &pt);
    }
    rfmt_num(a, sizeof a, 100 * pt.surv, 1);
    rfmt_num(lo, sizeof lo, 100 * pt.lower, 1);
    rfmt_num(hi, sizeof hi, 100 * pt.upper, 1);
    snprintf(sv, sizeof sv, "%s (%s-%s)", a, lo, hi);
    const char *cells[] = {name, mon, risk, evs, sv, nv};
    rtable_row(tb, cells);
  }
}

/* --- Cox model --------------------------------------------------------------- */

static avn_rc cox_section(rctx *c, rsec *s, const sdata *d) {
  const sap *plan = c->plan;
  avn_rc rc = AVN_OK;
  size_t nc = plan->n_cox_covariates, n = 0, p = 0, G = 0;
  rvar_val *vals = NULL;          /* [d->n * nc] */
  size_t *rows = NULL;            /* complete cases: index into d */
  size_t *ucc = NULL;             /* [n] their unit indices */
  rlevels *L = NULL;              /* [nc] */
  int *lev = NULL;                /* [d->n * nc] level of categorical covariates */
  int *lj = NULL;
  double *x = NULL, *tt = NULL;
  int *ev = NULL, *cl = NULL, *cmap = NULL;
  char (*names)[192] = NULL;   /* "title: level vs level", each part at most 63 bytes */
  const char **nameptr = NULL;
  cox_result *cr = NULL;

  rsec_heading(s, "Cox proportional-hazards model");
  if (nc == 0) {
    rsec_missing(s, "The analysis plan names no Cox covariates (analysis: survival: covariates), so no Cox "
                    "model was fitted.");
    return AVN_OK;
  }
  vals = avn_calloc(d->n * nc + 1, sizeof *vals);
  rows = avn_calloc(d->n + 1, sizeof *rows);
  ucc = avn_calloc(d->n + 1, sizeof *ucc);
  L = avn_calloc(nc, sizeof *L);
  lev = avn_calloc(d->n * nc + 1, sizeof *lev);
  lj = avn_calloc(d->n + 1, sizeof *lj);
  if (!vals || !rows || !ucc || !L || !lev || !lj) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  for (size_t i = 0; i < d->n; i++) {
    bool ok = true;
    for (size_t j = 0; j < nc && ok; j++) ok = rvar_get(c, d->unit[i], plan->cox_covariates[j], &vals[i * nc + j]);
    if (ok) {
      ucc[n] = d->unit[i];
      rows[n++] = i;
    }
  }
  size_t nevent = 0;
  for (size_t r = 0; r < n; r++) nevent += (size_t)d->ev[rows[r]];
  if (n == 0 || nevent == 0) {
    rsec_missing(s, "No Cox model: %s.", n == 0 ? "no unit has every covariate of the plan recorded"
                                                : "there is no conversion among the units with complete covariates");
    goto cleanup;
  }
  /* levels of the categorical covariates among the complete cases */
  for (size_t j = 0; j < nc; j++) {
    const char *cv = plan->cox_covariates[j];
    if (rvar_is_numeric(cv)) {
      p++;
      continue;
    }
    char why[256];
    rvar_group(c, cv, NULL, 0, ucc, n, lj, &L[j], why, sizeof why);
    if (L[j].n == 0) {
      rsec_missing(s, "No Cox model: covariate '%s': %s.", cv, why);
      goto cleanup;
    }
    for (size_t r = 0; r < n; r++) lev[r * nc + j] = lj[r];
    if (L[j].n < 2) {
      rsec_missing(s, "No Cox model: covariate '%s' takes the single value '%s' among the %zu units with "
                      "complete data, so it has no effect to estimate.", cv, L[j].label[0], n);
      goto cleanup;
    }
    /* a level without events: monotone partial likelihood */
    size_t ev_in[RVAR_MAX_LEVELS] = {0}, n_in[RVAR_MAX_LEVELS] = {0};
    for (size_t r = 0; r < n; r++) {
      n_in[lev[r * nc + j]]++;
      ev_in[lev[r * nc + j]] += (size_t)d->ev[rows[r]];
    }
    size_t nzero = 0;
    for (size_t k = 0; k < L[j].n; k++) nzero += ev_in[k] == 0;
    if (nzero > 0) {
      /* say where the conversions are and which levels have none */
      char none[1024] = "", some[1024] = "";
      size_t wn = 0, ws = 0, nsome = L[j].n - nzero;
      for (size_t k = 0; k < L[j].n; k++) {
        if (ev_in[k] == 0 && wn < sizeof none)
          wn += (size_t)snprintf(none + wn, sizeof none - wn, "%s%s (%zu units)", wn ? ", " : "", L[j].label[k],
                                 n_in[k]);
        else if (ev_in[k] > 0 && ws < sizeof some && nsome == 1)
          ws += (size_t)snprintf(some + ws, sizeof some - ws, "all %zu conversions are in %s", nevent, L[j].label[k]);
        else if (ev_in[k] > 0 && ws < sizeof some)
          ws += (size_t)snprintf(some + ws, sizeof some - ws, "%s%zu in %s", ws ? ", " : "the conversions: ",
                                 ev_in[k], L[j].label[k]);
      }
      rsec_missing(s, "No Cox model: no unit was converted in %s of '%s': %s; %s. The partial likelihood is "
                      "monotone, so the hazard ratio%s of '%s' %s 0 or infinite; a number would be meaningless.",
                   nzero == 1 ? "one level" : "these levels", cv, none, some, nzero == 1 ? "" : "s", cv,
                   nzero == 1 ? "is" : "are");
      goto cleanup;
    }
    p += L[j].n - 1;
  }
  x = avn_calloc(n * p + 1, sizeof *x);
  tt = avn_calloc(n + 1, sizeof *tt);
  ev = avn_calloc(n + 1, sizeof *ev);
  names = avn_calloc(p + 1, sizeof *names);
  nameptr = avn_calloc(p + 1, sizeof *nameptr);
  if (!x || !tt || !ev || !names || !nameptr) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  {
    size_t col = 0;
    for (size_t j = 0; j < nc; j++) {
      const char *cv = plan->cox_covariates[j];
      if (rvar_is_numeric(cv)) {
        snprintf(names[col], sizeof names[col], "%s", rvar_title(cv));
        for (size_t r = 0; r < n; r++) x[r * p + col] = vals[rows[r] * nc + j].x;
        col++;
        continue;
      }
      for (size_t k = 1; k < L[j].n; k++) {
        if (!strcmp(cv, "stage"))   /* the labels say "Stage" already */
          snprintf(names[col], sizeof names[col], "%s vs %s", L[j].label[k], L[j].label[0]);
        else
          snprintf(names[col], sizeof names[col], "%s: %s vs %s", rvar_title(cv), L[j].label[k], L[j].label[0]);
        for (size_t r = 0; r < n; r++) x[r * p + col] = lev[r * nc + j] == (int)k ? 1.0 : 0.0;
        col++;
      }
    }
  }
  for (size_t k = 0; k < p; k++) nameptr[k] = names[k];
  for (size_t r = 0; r < n; r++) {
    tt[r] = d->t[rows[r]];
    ev[r] = d->ev[rows[r]];
  }
  bool clustered = c->per_hip && plan->cluster_patient;
  if (clustered) {
    cl = avn_calloc(n + 1, sizeof *cl);
    cmap = avn_calloc(c->st->n_patients + 1, sizeof *cmap);
    if (!cl || !cmap) {
      rc = AVN_E_NOMEM;
      goto cleanup;
    }
    for (size_t i = 0; i < c->st->n_patients; i++) cmap[i] = -1;
    for (size_t r = 0; r < n; r++) {
      size_t pt = c->units[d->unit[rows[r]]].patient;
      if (cmap[pt] < 0) cmap[pt] = (int)G++;
      cl[r] = cmap[pt];
    }
  }
  avn_err ce;
  avn_err_clear(&ce);
  rc = cox_fit(n, p, tt, ev, x, nameptr, clustered ? cl : NULL, clustered ? G : 0, NULL, &cr, &ce);
  if (rc == AVN_E_NOMEM) goto cleanup;
  if (rc) {
    rc = AVN_OK;
    rsec_missing(s, "No Cox model: %s%s%s.", ce.field, ce.field[0] ? ": " : "", ce.rule);
    goto cleanup;
  }
  {
    const char *hdr6[] = {"Term", "\xce\xb2", "SE", "Robust SE", "HR (95% CI)", "p"};
    const char *hdr5[] = {"Term", "\xce\xb2", "SE", "HR (95% CI)", "p"};
    rtable *tb = rsec_table(s, "cox", "Cox proportional-hazards model of conversion to arthroplasty",
                            clustered ? 6 : 5, clustered ? hdr6 : hdr5);
    for (size_t k = 0; k < p; k++) {
      char b[32], se[32], rse[32], hr[128], pv[32];
      rfmt_num(b, sizeof b, cr->beta[k], 3);
      rfmt_num(se, sizeof se, cr->se[k], 3);
      rfmt_num(rse, sizeof rse, clustered ? cr->robust_se[k] : NAN, 3);
      rfmt_est_ci(hr, sizeof hr, cr->hr[k], cr->hr_low[k], cr->hr_high[k], 1, 2);
      rfmt_p(pv, sizeof pv, cr->p_value[k]);
      const char *c6[] = {names[k], b, se, rse, hr, pv};
      const char *c5[] = {names[k], b, se, hr, pv};
      rtable_row(tb, clustered ? c6 : c5);
    }
    char lrp[32];
    p_phrase(lrp, sizeof lrp, cr->lr_p);
    rtable_note(tb, "n = %zu %s with complete covariates, %zu conversions; Efron ties; likelihood-ratio test "
                    "%.2f on %d df, %s; concordance %.3f.%s",
                n, c->per_hip ? "hips" : "patients", cr->nevent, cr->lr, cr->df, lrp, cr->concordance,
                cr->converged ? "" : " The fit did not converge in 20 iterations (last values shown).");
    if (clustered)
      rtable_note(tb, "95%% CI and p use the robust (sandwich) standard error with hips clustered within "
                      "their %zu patients (Lin & Wei 1989; R: coxph(..., cluster = patient)).", G);
    rtable_note(tb, "Categorical covariates are coded against their first level; HR: hazard ratio.");
  }
  {
    char cov[512] = "";
    for (size_t j = 0; j < nc; j++) {
      size_t l = strlen(cov);
      snprintf(cov + l, sizeof cov - l, "%s%s", j ? ", " : "", plan->cox_covariates[j]);
    }
    rctx_method(c, "cox",
                "A Cox proportional-hazards model (Efron ties) of conversion to arthroplasty was fitted on "
                "%s (complete cases)%s.",
                cov, clustered ? ", with robust standard errors clustering hips within patients (Lin & Wei 1989)"
                               : "");
  }
cleanup:
  cox_free(cr);
  avn_free(vals);
  avn_free(rows);
  avn_free(ucc);
  avn_free(lj);
  avn_free(L);
  avn_free(lev);
  avn_free(x);
  avn_free(tt);
  avn_free(ev);
  avn_free(cl);
  avn_free(cmap);
  avn_free(names);
  avn_free(nameptr);
  return rc;
}

/* The robust score test of the groups with patients as clusters (coxph's
** rscore at beta = 0, so a group without conversions still has it), as a
** note beside the log-rank test. *x and *r are the caller's to free. */
static avn_rc robust_score_note(rctx *c, rtable *tb, const char *by, size_t n, const double *t, const int *ev,
                                const int *grp, size_t ng, const int *ids, double **x, cox_result **r) {
  size_t p = ng - 1;
  *x = avn_calloc(n * p + 1, sizeof **x);
  if (!*x) return AVN_E_NOMEM;
  for (size_t i = 0; i < n; i++)
    if (grp[i] > 0) (*x)[i * p + (size_t)grp[i] - 1] = 1;
  cox_opts o;
  cox_opts_default(&o);
  o.score_only = 1;
  avn_err e;
  avn_err_clear(&e);
  avn_rc rc = cox_fit(n, p, t, ev, *x, NULL, ids, c->st->n_patients, &o, r, &e);
  if (rc == AVN_E_NOMEM) return rc;
  if (rc || !isfinite((*r)->robust_score)) {
    rtable_note(tb, "No patient-clustered test by %s: %s.", by, rc ? e.rule : "the clustered score variance is singular");
    return AVN_OK;
  }
  char pv[32];
  p_phrase(pv, sizeof pv, (*r)->robust_score_p);
  rtable_note(tb, "Accounting for the patient: robust score test by %s with patients as clusters (the log-rank "
                  "score test with a variance summed within patients, the robust score test of R's "
                  "coxph(..., cluster = patient)): chi-square %.2f on %d df, %s.", by, (*r)->robust_score, (*r)->df, pv);
  rctx_method(c, "robust_score", "Because some patients contributed both hips, the survival curves were also "
              "compared with the robust score test with patients as clusters (Lin & Wei 1989; R's coxph with "
              "cluster = patient).");
  return AVN_OK;
}

/* --- the section ------------------------------------------------------------- */

avn_rc sec_survival(rctx *c, avn_err *e) {
  avn_rc rc = AVN_OK;
  sdata d;
  km_result *all = NULL, *byfit = NULL, *allr = NULL, *byfitr = NULL;
  logrank_result *lr = NULL;
  cox_result *rs = NULL;
  int *level = NULL, *grp = NULL, *ids = NULL, *gids = NULL;
  double *dummies = NULL;
  double *gt = NULL;
  int *gev = NULL;
  rlevels *L = NULL;
  double times[64];
  const char *unit_word = c->per_hip ? "hips" : "patients";
  (void)e;
  memset(&d, 0, sizeof d);

  rsec *s = rdoc_section(c->doc, "survival", "Hip survival");
  if (!s) return AVN_E_NOMEM;
  const char *endpoint = c->plan->survival_endpoint ? c->plan->survival_endpoint : "tha";
  if (strcmp(endpoint, "tha") != 0) {
    rsec_missing(s, "The plan's survival end point '%s' is not one avn computes (only tha, conversion to "
                    "total hip arthroplasty).", endpoint);
    return AVN_OK;
  }
  if (c->n_units == 0) {
    rsec_missing(s, "No %s are enrolled, so there is no survival to estimate.", unit_word);
    return AVN_OK;
  }
  rc = sdata_build(c, &d);
  if (rc) goto cleanup;
  {
    size_t np = 0;
    bool *seen = avn_calloc(c->st->n_patients + 1, sizeof *seen);
    if (!seen) {
      rc = AVN_E_NOMEM;
      goto cleanup;
    }
    for (size_t i = 0; i < d.n; i++) {
      size_t pt = c->units[d.unit[i]].patient;
      if (!seen[pt]) np++;
      seen[pt] = true;
    }
    avn_free(seen);
    double tmin = INFINITY, tmax = -INFINITY;
    for (size_t i = 0; i < d.n; i++) {
      tmin = fmin(tmin, d.t[i]);
      tmax = fmax(tmax, d.t[i]);
    }
    if (d.n > 0) {
      char a[32], b[32];
      rfmt_num(a, sizeof a, tmin, 1);
      rfmt_num(b, sizeof b, tmax, 1);
      rsec_para(s, "%zu %s of %zu patients: %zu converted to total hip arthroplasty; follow-up %s to %s months "
                   "(time from day 0 to conversion, or to the last attended visit or withdrawal).",
                d.n, unit_word, np, d.n_events, a, b);
    }
    if (d.n_nodate)
      rsec_para(s, "%zu %s with a conversion form but no conversion date are left out.", d.n_nodate, unit_word);
    if (d.n_baddate)
      rsec_para(s, "%zu %s whose end date precedes day 0 are left out.", d.n_baddate, unit_word);
  }
  if (d.n == 0) {
    rsec_missing(s, "No %s has a usable survival time.", c->per_hip ? "hip" : "unit");
    goto cleanup;
  }
  if (d.n_events == 0) {
    rsec_missing(s, "No conversion to arthroplasty is recorded (no tha form), so there is no event: the "
                    "Kaplan-Meier curve would stay at 100%%, and no log-rank test or Cox model can be "
                    "estimated.");
    goto cleanup;
  }
  double tmax_all = 0;
  for (size_t i = 0; i < d.n; i++) tmax_all = fmax(tmax_all, d.t[i]);
  size_t nt = risk_times(c, tmax_all, times, sizeof times / sizeof times[0]);

  avn_err ke;
  avn_err_clear(&ke);
  rc = km_fit(d.n, d.t, d.ev, NULL, 1, KM_CONF_LOG, 0.95, &all, &ke);
  if (rc == AVN_E_NOMEM) goto cleanup;
  if (rc) {
    rc = AVN_OK;
    rsec_missing(s, "No Kaplan-Meier estimate: %s.", ke.rule);
    goto cleanup;
  }
  rc = km_figure(s, all, NULL, times, nt, "km_overall",
                 "Kaplan-Meier estimate of survival free of conversion to total hip arthroplasty, all units "
                 "(+: censored; numbers at risk below)");
  if (rc) goto cleanup;
  const bool clustered = rctx_clustered(c);
  size_t npat = 0, both = 0;
  char ph[160] = "";
  if (clustered) {
    /* the same curve with bands from the patient-clustered (robust) variance */
    ids = avn_calloc(d.n + 1, sizeof *ids);
    if (!ids) { rc = AVN_E_NOMEM; goto cleanup; }
    if ((rc = rctx_cluster_ids(c, d.unit, d.n, ids, &npat, &both))) goto cleanup;
    rctx_cluster_phrase(ph, sizeof ph, d.n, npat, both);
    if ((rc = km_fit(d.n, d.t, d.ev, NULL, 1, KM_CONF_LOG, 0.95, &allr, &ke))) goto cleanup;
    if ((rc = km_robust(allr, d.n, d.t, d.ev, NULL, ids, c->st->n_patients, &ke))) goto cleanup;
  }
  rctx_method(c, "km",
              "Survival free of conversion to total hip arthroplasty was estimated by the Kaplan-Meier method "
              "(time from day 0; %s not converted censored at the last attended visit or at withdrawal), with "
              "95%% confidence intervals on the log scale from %s.",
              unit_word, clustered ? "the patient-clustered robust variance (infinitesimal jackknife summed within "
                                     "patients, as R's survfit(..., id = patient, robust = TRUE)); the Greenwood "
                                     "interval, which treats hips as independent, is shown beside it"
                                   : "the Greenwood variance");

  const char *hdr[] = {"Curve", "Months", "At risk", "Events", "Survival, % (95% CI)"};
  const char *hdrc[] = {"Curve", "Months", "At risk", "Events", "Survival, % (95% CI, clustered)",
                        "95% CI, hips independent"};
  rtable *tb = rsec_table(s, "survival", "Kaplan-Meier survival free of conversion to arthroplasty", clustered ? 6 : 5,
                          clustered ? hdrc : hdr);
  survival_rows(tb, all, allr, 0, "All", times, nt);

  const char *by = c->plan->survival_by;
  if (by) {
    char why[256];
    level = avn_calloc(d.n, sizeof *level);
    L = avn_calloc(1, sizeof *L);
    grp = avn_calloc(d.n, sizeof *grp);
    gt = avn_calloc(d.n, sizeof *gt);
    gev = avn_calloc(d.n, sizeof *gev);
    if (!level || !L || !grp || !gt || !gev) {
      rc = AVN_E_NOMEM;
      goto cleanup;
    }
    group_units(c, by, d.unit, d.n, level, L, why, sizeof why);
    size_t ng = 0;
    gids = avn_calloc(d.n + 1, sizeof *gids);
    if (!gids) { rc = AVN_E_NOMEM; goto cleanup; }
    for (size_t i = 0; i < d.n; i++)
      if (level[i] >= 0) {
        grp[ng] = level[i];
        gt[ng] = d.t[i];
        if (ids) gids[ng] = ids[i];
        gev[ng++] = d.ev[i];
      }
    if (L->n == 0) {
      rsec_missing(s, "No survival by %s: %s.", by, why);
    } else if (L->n < 2) {
      rsec_missing(s, "No survival by %s: every unit with a known %s has the value %s.", by, by, L->label[0]);
    } else {
      rc = km_fit(ng, gt, gev, grp, L->n, KM_CONF_LOG, 0.95, &byfit, &ke);
      if (rc == AVN_E_NOMEM) goto cleanup;
      if (rc) {
        rc = AVN_OK;
        rsec_missing(s, "No Kaplan-Meier estimate by %s: %s.", by, ke.rule);
      } else {
        char id[96], cap[256];
        snprintf(id, sizeof id, "km_by_%s", by);
        snprintf(cap, sizeof cap,
                 "Kaplan-Meier estimate of survival free of conversion to arthroplasty by %s (+: censored; "
                 "numbers at risk below)", by);
        rc = km_figure(s, byfit, L, times, nt, id, cap);
        if (rc) goto cleanup;
        if (clustered) {
          if ((rc = km_fit(ng, gt, gev, grp, L->n, KM_CONF_LOG, 0.95, &byfitr, &ke))) goto cleanup;
          if ((rc = km_robust(byfitr, ng, gt, gev, grp, gids, c->st->n_patients, &ke))) goto cleanup;
        }
        for (size_t g = 0; g < L->n; g++) survival_rows(tb, byfit, byfitr, g, L->label[g], times, nt);
        rc = logrank_test(ng, gt, gev, grp, L->n, &lr, &ke);
        if (rc == AVN_E_NOMEM) goto cleanup;
        if (rc) {
          rc = AVN_OK;
          rsec_missing(s, "No log-rank test by %s: %s.", by, ke.rule);
        } else {
          char pv[32];
          p_phrase(pv, sizeof pv, lr->p);
          rtable_note(tb, "Log-rank test by %s%s: chi-square %.2f on %d df, %s.", by,
                      clustered ? " (hips independent)" : "", lr->chisq, lr->df, pv);
          rctx_method(c, "logrank", "Survival curves were compared between groups of %s with the log-rank test.",
                      by);
          if (clustered) {
            rc = robust_score_note(c, tb, by, ng, gt, gev, grp, L->n, gids, &dummies, &rs);
            if (rc) goto cleanup;
          }
        }
      }
    }
    if (ng < d.n && L->n >= 2)
      rsec_para(s, "%zu %s with unknown %s are in the overall curve only.", d.n - ng, unit_word, by);
  }
  rtable_note(tb, "Survival in percent with its 95%% confidence interval (log transform, as R's survfit "
                  "default); At risk: units still followed at that time; Events: conversions up to it. Rows "
                  "stop at each curve's longest follow-up.");
  if (clustered)
    rtable_note(tb, "Accounts for the patient (%s): the first interval uses the robust variance with patients "
                    "as clusters (as R's survfit(..., id = patient, robust = TRUE)); the Greenwood interval "
                    "beside it treats hips as independent.", ph);
  rc = cox_section(c, s, &d);
cleanup:
  sdata_free(&d);
  km_free(all);
  km_free(byfit);
  km_free(allr);
  km_free(byfitr);
  cox_free(rs);
  avn_free(ids);
  avn_free(gids);
  avn_free(dummies);
  logrank_free(lr);
  avn_free(level);
  avn_free(L);
  avn_free(grp);
  avn_free(gt);
  avn_free(gev);
  return rc;
}
