/*
** sec_predictors.c: report section 8, predictors of success (table
** `logistic`).
**
** Success of a unit (the plan's success definition, sap.h): improvement
** of the success outcome from its baseline to the final visit (the change,
** sign-reversed where lower is better) more than success.more_than; a unit
** converted to arthroplasty by the final visit is a failure when
** success.conversion_fails (else it is left out); a unit with neither
** value nor conversion is left out (complete cases).
**
** Model: logistic regression (regress_logistic: IRLS as R's glm) of
** success on the plan's predictors: numeric ones (age, lesion size, BMI,
** dose) linear, categorical ones (sex, stage, etiology, laterality)
** dummy-coded against their first level (rvar.h order; frame_code.h), on the units with
** every predictor recorded. Odds ratios exp(b) with 95% Wald CI exp(b -/+
** 1.96 SE) and Wald p. When units are hips, the plan clusters on patient
** and some patient contributes both hips, the SE is the CR1 cluster-robust
** one (clustered on patient, as sandwich::vcovCL type HC1).
**
** Honest refusals (rsec_missing, no numbers): no success definition, no
** predictor, no unit with data, no success or no failure, a categorical
** predictor with a single level (dropped, said), and separation (the MLE
** does not exist: regress_logistic names the predictor). Fewer than 10
** events per predictor column (Peduzzi et al. 1996) still fits, with a
** warning sentence.
**
** Costs: O(units x predictors) reads, O(n p^2) per IRLS iteration.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "frame/frame_code.h"
#include "report/rctx.h"
#include "report/rvar.h"
#include "stats/regress.h"

#define MAX_COLS 64


static const char *per_unit(const char *name) {
  if (!strcmp(name, "age")) return "per year";
  if (!strcmp(name, "lesion_size")) return "per 1% of head";
  if (!strcmp(name, "bmi")) return "per kg/m\xc2\xb2";
  return "per 10^6 cells";
}

avn_rc sec_predictors(rctx *c, avn_err *e) {
  (void)e;
  avn_rc rc = AVN_OK;
  double *y = NULL, *X = NULL;
  int *succ = NULL, *lev = NULL, *cl = NULL;
  size_t *units = NULL, *pat = NULL;
  char **names = NULL;
  regress_result *res = NULL;
  rsec *s = rdoc_section(c->doc, "predictors", "Predictors of success");
  if (!s) return AVN_OK;
  const sap *plan = c->plan;
  const sap_outcome *o = plan->success_outcome ? sap_find_outcome(plan, plan->success_outcome) : NULL;
  if (!o) {
    rsec_missing(s, "the analysis plan gives no success definition (analysis: success), so no model "
                 "of success was fitted");
    return AVN_OK;
  }
  if (plan->n_predictors == 0) {
    rsec_missing(s, "the analysis plan names no predictor (analysis: predictors)");
    return AVN_OK;
  }
  size_t nv = 0;
  char *const *v = sap_outcome_visits(plan, o, &nv);
  const char *fin = sap_outcome_final_visit(c->plan, o);
  if (nv < 2 || !fin || c->n_units == 0) {
    rsec_missing(s, "%s", c->n_units == 0 ? "no patient enrolled" : "the success outcome has no follow-up visit");
    return AVN_OK;
  }
  const size_t N = c->n_units;
  succ = avn_calloc(N, sizeof *succ);
  units = avn_calloc(N, sizeof *units);
  lev = avn_calloc(N, sizeof *lev);
  y = avn_calloc(N, sizeof *y);
  X = avn_calloc(N * MAX_COLS, sizeof *X);
  names = avn_calloc(MAX_COLS, sizeof *names);
  cl = avn_calloc(N, sizeof *cl);
  pat = avn_calloc(N, sizeof *pat);
  if (!succ || !units || !lev || !y || !X || !names || !cl || !pat) { rc = AVN_E_NOMEM; goto cleanup; }

  /* outcome: 1 success, 0 failure, -1 left out */
  size_t n_out = 0, n_conv = 0;
  for (size_t u = 0; u < N; u++) {
    succ[u] = -1;
    if (!rvar_outcome_unit(c, o, u)) continue;
    if (rctx_converted_by(c, u, fin)) {
      n_conv++;
      if (plan->success_conversion_fails) succ[u] = 0;
      continue;
    }
    double b = 0, f = 0;
    if (!rctx_num(c, u, v[0], o->form, o->result, &b) || !rctx_num(c, u, fin, o->form, o->result, &f))
      continue;
    double imp = rvar_snap((f - b) * (o->higher_better ? 1 : -1));
    succ[u] = imp > plan->success_more_than ? 1 : 0;
  }
  /* complete cases over the predictors */
  size_t n = 0;
  for (size_t u = 0; u < N; u++) {
    if (succ[u] < 0) { n_out++; continue; }
    bool all = true;
    for (size_t k = 0; k < plan->n_predictors && all; k++) {
      rvar_val val;
      all = rvar_get(c, u, plan->predictors[k], &val);
    }
    if (all) units[n++] = u;
  }
  const char *un = c->per_hip ? "hips" : "patients";
  if (n == 0) {
    rsec_missing(s, "no %s with the success outcome and every predictor recorded (%zu without the "
                 "outcome at %s)", un, n_out, rctx_visit_label(c, fin));
    goto cleanup;
  }
  size_t ev1 = 0;
  for (size_t i = 0; i < n; i++) {
    y[i] = succ[units[i]];
    ev1 += succ[units[i]] == 1;
  }
  if (ev1 == 0 || ev1 == n) {
    rsec_missing(s, "the %zu %s with the outcome and every predictor recorded are all %s: the odds "
                 "of success cannot be modelled", n, un, ev1 ? "successes" : "failures");
    goto cleanup;
  }
  /* design matrix */
  size_t k = 0;
  char dropped[512] = "";
  for (size_t q = 0; q < plan->n_predictors; q++) {
    const char *pn = plan->predictors[q];
    if (rvar_is_numeric(pn)) {
      if (k == MAX_COLS) break;
      for (size_t i = 0; i < n; i++) {
        rvar_val val;
        rvar_get(c, units[i], pn, &val);
        X[i * MAX_COLS + k] = val.x;
      }
      char nm[160];
      snprintf(nm, sizeof nm, "%s, %s", rvar_title(pn), per_unit(pn));
      names[k] = avn_strdup(nm);
      if (!names[k]) { rc = AVN_E_NOMEM; goto cleanup; }
      k++;
      continue;
    }
    rlevels L;
    char why[256];
    rvar_group(c, pn, NULL, 0, units, n, lev, &L, why, sizeof why);
    if (L.n < 2) {
      size_t dl = strlen(dropped);
      snprintf(dropped + dl, sizeof dropped - dl, "%s%s (one level only)", dl ? ", " : "", rvar_title(pn));
      continue;
    }
    size_t nd = frame_code_dummies(lev, n, L.n, X, MAX_COLS, k, MAX_COLS - k);
    for (size_t l = 1; l <= nd; l++, k++) {
      char nm[200];
      snprintf(nm, sizeof nm, "%s: %s vs %s", rvar_title(pn), L.label[l], L.label[0]);
      names[k] = avn_strdup(nm);
      if (!names[k]) { rc = AVN_E_NOMEM; goto cleanup; }
    }
  }
  if (k == 0) {
    rsec_missing(s, "no predictor varies among the %zu %s with data (%s)", n, un, dropped);
    goto cleanup;
  }
  /* compact X from stride MAX_COLS to k */
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < k; j++) X[i * k + j] = X[i * MAX_COLS + j];
  /* clusters: patients, when hips of one patient appear twice */
  size_t ncl = 0, twice = 0;
  for (size_t i = 0; i < n; i++) pat[i] = c->units[units[i]].patient;
  rc = frame_code_clusters(pat, n, c->st->n_patients, cl, &ncl, &twice);
  if (rc) goto cleanup;
  bool cluster = c->per_hip && plan->cluster_patient && twice > 0;
  avn_err err;
  avn_err_clear(&err);
  avn_rc r2 = regress_logistic(n, k, X, y, true, (const char *const *)names, cluster ? cl : NULL,
                               cluster ? ncl : 0, 0.95, &res, &err);
  if (r2 == AVN_E_NOMEM) { rc = r2; goto cleanup; }
  if (r2 != AVN_OK) {
    rsec_missing(s, "the logistic model could not be fitted: %s%s%s", err.field[0] ? err.field : "",
                 err.field[0] ? ": " : "", err.rule);
    goto cleanup;
  }
  char succ_def[256];
  snprintf(succ_def, sizeof succ_def, "improvement of %s from %s to %s by more than %g%s", o->label,
           rctx_visit_label(c, v[0]), rctx_visit_label(c, fin), plan->success_more_than,
           plan->success_conversion_fails ? ", conversion to arthroplasty = failure" : "");
  rsec_para(s, "Success: %s. %zu of %zu %s with complete data succeeded (%zu without the outcome or a "
            "predictor were left out).", succ_def, ev1, n, un, N - n);
  size_t minev = ev1 < n - ev1 ? ev1 : n - ev1;
  if ((double)minev < 10.0 * (double)k)
    rsec_para(s, "Warning: %zu %s for %zu model terms is fewer than 10 per term (Peduzzi et al. "
              "1996); the estimates are unstable and may be biased away from 1.", minev,
              minev == ev1 ? "successes" : "failures", k);
  if (!res->converged) rsec_para(s, "Warning: the fit did not converge in 25 iterations.");
  rtable *t = rsec_table(s, "logistic", "Logistic regression of success: odds ratios", 3,
                         (const char *const[]){"Predictor", "OR (95% CI)", "p"});
  for (size_t j = 1; j < res->p; j++) {
    char cell[160], pc[32];
    rfmt_est_ci(cell, sizeof cell, exp(res->beta[j]), exp(res->ci_low[j]), exp(res->ci_high[j]), 1, 2);
    rfmt_p(pc, sizeof pc, res->p_value[j]);
    rtable_row(t, (const char *const[]){names[j - 1], cell, pc});
  }
  rtable_note(t, "n = %zu %s, %zu successes. OR: odds ratio, exp(coefficient); 95%% Wald CI and p%s.%s%s",
              n, un, ev1, cluster ? " from cluster-robust (CR1) standard errors clustered on patient" : "",
              dropped[0] ? " Left out: " : "", dropped);
  rctx_method(c, "logistic", "Predictors of success were assessed by logistic regression (maximum "
              "likelihood, IRLS) with categorical predictors coded against their first level; odds "
              "ratios are given with 95%% Wald intervals%s.",
              cluster ? " from standard errors clustered on patient" : "");
cleanup:
  regress_free(res);
  if (names)
    for (size_t j = 0; j < MAX_COLS; j++) avn_free(names[j]);
  avn_free(names);
  avn_free(succ);
  avn_free(units);
  avn_free(lev);
  avn_free(y);
  avn_free(X);
  avn_free(cl);
  avn_free(pat);
  return rc;
}
