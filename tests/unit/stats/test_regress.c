/*
** test_regress.c: ols and logistic against R 4.2.2 (lm, glm, confint,
** confint.default, AIC, and the CR1 cluster-robust variance of
** sandwich::vcovCL(type = "HC1") written out in the R script).
** Expected values: tests/golden/stats/expected_regress.json from
** tests/golden/stats/make_expected_regress.R on tests/golden/stats/data/.
** Tolerance: 1e-10 relative for both (the logistic fit takes glm.fit's
** steps, so it lands on the same point, not just near the MLE). Refusals: separation (complete,
** quasi-complete through a factor level), constant and collinear columns,
** too few rows, a non-0/1 outcome.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "stats/regress.h"
#include "unit/stats/surv_fixture.h"

enum { S_OLS, S_LOGIT };
static json_t *expected;

static void join(const json_t *a, char *out, size_t n) {
  out[0] = '\0';
  for (size_t i = 0; i < json_array_size(a); i++) {
    if (i) strncat(out, ",", n - strlen(out) - 1);
    strncat(out, json_string_value(json_array_get(a, i)), n - strlen(out) - 1);
  }
}

static void check_case(int slot, const char *name, const json_t *c) {
  char preds[256], facs[256];
  join(json_object_get(c, "predictors"), preds, sizeof preds);
  join(json_object_get(c, "factors"), facs, sizeof facs);
  const char *cluster = fx_str(c, "cluster", 0);
  bool intercept = json_is_true(json_array_get(json_object_get(c, "intercept"), 0));
  fx_frame f;
  assert_int_equal(fx_load(fx_str(c, "file", 0), NULL, NULL, fx_str(c, "outcome", 0), cluster,
                           preds, facs, &f), 0);
  const char *names[64];
  for (size_t j = 0; j < f.p; j++) names[j] = f.names[j];
  regress_result *r = NULL;
  avn_err e;
  avn_rc rc = slot == S_OLS
                  ? regress_ols(f.n, f.p, f.x, f.y, intercept, names, cluster ? f.grp : NULL,
                                f.ngrp, 0.95, &r, &e)
                  : regress_logistic(f.n, f.p, f.x, f.y, intercept, names,
                                     cluster ? f.grp : NULL, f.ngrp, 0.95, &r, &e);
  if (rc) fprintf(stderr, "%s: %s %s\n", name, e.field, e.rule);
  assert_int_equal(rc, AVN_OK);
  assert_int_equal(r->n, (size_t)fx_num(c, "n", 0));
  assert_int_equal(r->p, fx_len(c, "coef"));
  double rel = 1e-10; /* achieved: ~2e-13 (ols), ~8e-14 (logistic) */
  int ok = 1;
  char what[160];
  size_t off = intercept ? 1 : 0;
  for (size_t j = 0; j < r->p; j++) {
    const char *term = fx_str(c, "terms", j);
    if (j >= off) assert_string_equal(f.names[j - off], term);
    snprintf(what, sizeof what, "%s %s %s", slot == S_OLS ? "ols" : "logistic", name, term);
    ok &= fx_close(slot, what, r->beta[j], fx_num(c, "coef", j), rel, 1e-13);
    ok &= fx_close(slot, what, r->se[j], fx_num(c, "se", j), rel, 0);
    if (cluster) {
      ok &= fx_close(slot, what, r->robust_se[j], fx_num(c, "robust_se", j), rel, 0);
      ok &= fx_close(slot, what, r->statistic[j], fx_num(c, "robust_statistic", j), rel, 1e-12);
      ok &= fx_close(slot, what, r->p_value[j], fx_num(c, "robust_p", j), rel, 1e-300);
      ok &= fx_close(slot, what, r->ci_low[j], fx_num(c, "robust_ci_low", j), rel, 1e-12);
      ok &= fx_close(slot, what, r->ci_high[j], fx_num(c, "robust_ci_high", j), rel, 1e-12);
    } else {
      ok &= fx_close(slot, what, r->statistic[j], fx_num(c, "statistic", j), rel, 1e-12);
      ok &= fx_close(slot, what, r->p_value[j], fx_num(c, "p", j), rel, 1e-300);
      ok &= fx_close(slot, what, r->ci_low[j], fx_num(c, "ci_low", j), rel, 1e-12);
      ok &= fx_close(slot, what, r->ci_high[j], fx_num(c, "ci_high", j), rel, 1e-12);
    }
  }
  snprintf(what, sizeof what, "%s %s fit", slot == S_OLS ? "ols" : "logistic", name);
  ok &= fx_close(slot, what, r->loglik, fx_num(c, "loglik", 0), rel, 0);
  ok &= fx_close(slot, what, r->aic, fx_num(c, "aic", 0), rel, 0);
  if (slot == S_OLS) {
    ok &= fx_close(slot, what, r->sigma, fx_num(c, "sigma", 0), rel, 0);
    ok &= fx_close(slot, what, r->r2, fx_num(c, "r2", 0), rel, 0);
    ok &= fx_close(slot, what, r->adj_r2, fx_num(c, "adj_r2", 0), rel, 0);
    ok &= fx_close(slot, what, r->fstat, fx_num(c, "fstat", 0), rel, 0);
    ok &= fx_close(slot, what, r->f_p, fx_num(c, "f_p", 0), rel, 1e-300);
    assert_true(r->f_df1 == fx_num(c, "f_df1", 0));
    assert_true(r->f_df2 == fx_num(c, "f_df2", 0));
  } else {
    ok &= fx_close(slot, what, r->deviance, fx_num(c, "deviance", 0), rel, 0);
    ok &= fx_close(slot, what, r->null_deviance, fx_num(c, "null_deviance", 0), 1e-12, 0);
    assert_true(r->df_null == fx_num(c, "df_null", 0));
    assert_int_equal(r->iterations, (int)fx_num(c, "iterations", 0));
  }
  regress_free(r);
  fx_free(&f);
  assert_true(ok);
}

static void test_ols_r(void **s) {
  (void)s;
  const char *name;
  json_t *c;
  json_object_foreach(json_object_get(expected, "ols"), name, c) check_case(S_OLS, name, c);
}

static void test_logistic_r(void **s) {
  (void)s;
  const char *name;
  json_t *c;
  json_object_foreach(json_object_get(expected, "logistic"), name, c)
      check_case(S_LOGIT, name, c);
}

static avn_rc fit_file(int logit, const char *file, const char *y, const char *preds,
                       const char *facs, avn_err *e) {
  fx_frame f;
  assert_int_equal(fx_load(file, NULL, NULL, y, NULL, preds, facs, &f), 0);
  const char *names[64];
  for (size_t j = 0; j < f.p; j++) names[j] = f.names[j];
  regress_result *r = NULL;
  avn_rc rc = logit ? regress_logistic(f.n, f.p, f.x, f.y, true, names, NULL, 0, 0.95, &r, e)
                    : regress_ols(f.n, f.p, f.x, f.y, true, names, NULL, 0, 0.95, &r, e);
  if (rc) assert_null(r);
  regress_free(r);
  fx_free(&f);
  return rc;
}

static void test_separation(void **s) {
  (void)s;
  avn_err e;
  /* complete: x > 5 <=> y = 1 */
  assert_int_equal(fit_file(1, "sep_complete.csv", "y", "x,z", NULL, &e), AVN_E_DEGENERATE);
  assert_string_equal(e.field, "x");
  assert_non_null(strstr(e.rule, "complete separation"));
  /* quasi-complete: every row of site c has y = 1 (R returns sitec = 19.6) */
  assert_int_equal(fit_file(1, "sep_level.csv", "y", "x,site", "site", &e), AVN_E_DEGENERATE);
  assert_string_equal(e.field, "sitec");
  assert_non_null(strstr(e.rule, "quasi-complete"));
  /* R fits this one silently with stageIII = 18.1 (SE 1721): stage III has
  ** no censored row */
  assert_int_equal(fit_file(1, "surv_ties.csv", "status", "age,sex,stage", "stage", &e),
                   AVN_E_DEGENERATE);
  assert_string_equal(e.field, "stageIII");
  /* joint separation: neither column alone separates, x1 + x2 > 0 does */
  double x[] = {1, -2, -2, 1, 2, 0, 0, 2, -1, -1, 3, -1, -1, 3, 1, 1};
  double y[] = {0, 0, 1, 1, 1, 1, 0, 0};
  const char *nm[] = {"u", "v"};
  for (int i = 0; i < 8; i++) y[i] = x[2 * i] + x[2 * i + 1] > 0;
  regress_result *r = NULL;
  assert_int_equal(regress_logistic(8, 2, x, y, true, nm, NULL, 0, 0.95, &r, &e),
                   AVN_E_DEGENERATE);
  assert_null(r);
  assert_non_null(strstr(e.rule, "separat"));
}

static void test_refusals(void **s) {
  (void)s;
  avn_err e;
  assert_int_equal(fit_file(0, "reg_const.csv", "y", "x,k", NULL, &e), AVN_E_DEGENERATE);
  assert_string_equal(e.field, "k");
  assert_non_null(strstr(e.rule, "constant"));
  assert_int_equal(fit_file(1, "reg_const.csv", "y", "x,k", NULL, &e), AVN_E_DEGENERATE);
  assert_string_equal(e.field, "k");
  double x[] = {1, 2, 2, 4, 3, 6, 4, 8, 5, 10.0000000000001};
  double y[] = {1, 3, 2, 5, 4};
  const char *nm[] = {"a", "b"};
  regress_result *r = NULL;
  assert_int_equal(regress_ols(5, 2, x, y, true, nm, NULL, 0, 0.95, &r, &e), AVN_E_DEGENERATE);
  assert_string_equal(e.field, "b");
  assert_non_null(strstr(e.rule, "collinear"));
  assert_int_equal(regress_ols(3, 2, x, y, true, nm, NULL, 0, 0.95, &r, &e), AVN_E_DEGENERATE);
  assert_non_null(strstr(e.rule, "too few rows"));
  double yb[] = {0, 1, 2, 1, 0};
  assert_int_equal(regress_logistic(5, 1, x, yb, true, nm, NULL, 0, 0.95, &r, &e), AVN_E_RANGE);
  assert_string_equal(e.field, "outcome");
  double y0[] = {1, 1, 1, 1, 1};
  assert_int_equal(regress_logistic(5, 1, x, y0, true, nm, NULL, 0, 0.95, &r, &e),
                   AVN_E_DEGENERATE);
  assert_null(r);
}

/* Hand-worked: y = 1, 3, 2, 5, 4 on x = 1..5: b1 = S_xy/S_xx = 8/10 = 0.8,
** b0 = 3 - 0.8 * 3 = 0.6, RSS = 10 - 6.4 = 3.6, sigma = sqrt(3.6/3), R^2 =
** 6.4/10. */
static void test_ols_by_hand(void **s) {
  (void)s;
  double x[] = {1, 2, 3, 4, 5}, y[] = {1, 3, 2, 5, 4};
  regress_result *r = NULL;
  assert_int_equal(regress_ols(5, 1, x, y, true, NULL, NULL, 0, 0.95, &r, NULL), 0);
  assert_true(fabs(r->beta[1] - 0.8) < 1e-15);
  assert_true(fabs(r->beta[0] - 0.6) < 1e-15);
  assert_true(fabs(r->rss - 3.6) < 1e-14);
  assert_true(fabs(r->sigma - sqrt(1.2)) < 1e-15);
  assert_true(fabs(r->r2 - 0.64) < 1e-15);
  regress_free(r);
}

/* Fault injection: every allocation failure is AVN_E_NOMEM, no result. */
static void test_alloc_failures(void **s) {
  (void)s;
  fx_frame f;
  assert_int_equal(fx_load("reg.csv", NULL, NULL, "yb", "id", "x1,x2,g", "g", &f), 0);
  for (int fam = 0; fam < 3; fam++) {
    int ok = 0;
    for (long k = 0; k < 200 && !ok; k++) {
      regress_result *r = NULL;
      avn_mem_fail_after(k);
      avn_rc rc;
      if (fam == 0)
        rc = regress_ols(f.n, f.p, f.x, f.y, true, NULL, f.grp, f.ngrp, 0.95, &r, NULL);
      else if (fam == 1)
        rc = regress_logistic(f.n, f.p, f.x, f.y, true, NULL, f.grp, f.ngrp, 0.95, &r, NULL);
      else
        rc = regress_ols_poly(f.n, 3, f.x, f.y, true, NULL, NULL, 0, 0.95, &r, NULL);
      avn_mem_fail_after(-1);
      if (rc == AVN_OK) ok = 1; else { assert_int_equal(rc, AVN_E_NOMEM); assert_null(r); }
      regress_free(r);
    }
    assert_true(ok);
  }
  fx_free(&f);
}

static int setup(void **s) {
  (void)s;
  expected = fx_json("expected_regress.json");
  return expected ? 0 : -1;
}
static int teardown(void **s) {
  (void)s;
  json_decref(expected);
  printf("max relative error vs R, ols: %.3g (%s)\n", fx_maxrel[S_OLS], fx_maxrel_name[S_OLS]);
  printf("max relative error vs R, logistic: %.3g (%s)\n", fx_maxrel[S_LOGIT],
         fx_maxrel_name[S_LOGIT]);
  printf("values compared: %d\n", fx_ncompared);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ols_r),      cmocka_unit_test(test_logistic_r),
      cmocka_unit_test(test_separation), cmocka_unit_test(test_refusals),
      cmocka_unit_test(test_ols_by_hand), cmocka_unit_test(test_alloc_failures),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
