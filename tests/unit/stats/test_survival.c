/*
** test_survival.c: km, logrank and cox against R 4.2.2 / survival 3.5-3.
** Expected values: tests/golden/stats/expected_survival.json, written by
** tests/golden/stats/make_expected_survival.R from the CSVs in
** tests/golden/stats/data/, plus the starter cases of
** tests/golden/stats/reference_expected.json (R 4.2.2 / survival 3.5-3 on R's
** own datasets; each case gives its R call). Tolerances: 1e-12 relative for
** the closed-form KM, 1e-10 for log-rank and for the Cox fit (iterative,
** but R stops at |1 - l_old/l_new| <= 1e-9 and we take the same steps, so
** we land on R's point: ~5e-14 achieved).
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "stats/cox.h"
#include "stats/km.h"
#include "stats/logrank.h"
#include "unit/stats/surv_fixture.h"

enum { S_KM, S_LR, S_COX };
static json_t *expected;

static const char *cstr(const json_t *o, const char *k) {
  const char *s = fx_str(o, k, 0);
  return s;
}

static void check_km_case(const char *name, const json_t *c) {
  const char *file = cstr(c, "file"), *group = cstr(c, "group");
  const char *ct = cstr(c, "conf_type");
  km_conf_type type = !strcmp(ct, "log") ? KM_CONF_LOG
                      : !strcmp(ct, "log-log") ? KM_CONF_LOGLOG : KM_CONF_PLAIN;
  fx_frame f;
  assert_int_equal(fx_load(file, "time", "status", NULL, group, NULL, NULL, &f), 0);
  km_result *r = NULL;
  avn_err e;
  assert_int_equal(km_fit(f.n, f.time, f.ev, group ? f.grp : NULL,
                          group ? f.ngrp : 1, type, 0.95, &r, &e), AVN_OK);
  json_t *strata = json_object_get(c, "strata");
  assert_int_equal(json_array_size(strata), r->nstrata);
  int ok = 1;
  char what[160];
  for (size_t s = 0; s < r->nstrata; s++) {
    json_t *js = json_array_get(strata, s);
    const km_stratum *st = &r->strata[s];
    assert_int_equal(st->nrows, fx_len(js, "time"));
    assert_int_equal(st->n, (size_t)fx_num(js, "n", 0));
    for (size_t k = 0; k < st->nrows; k++) {
      size_t j = st->first + k;
      snprintf(what, sizeof what, "km %s stratum %zu row %zu", name, s, k);
      assert_true(r->time[j] == fx_num(js, "time", k));
      assert_int_equal(r->n_risk[j], (size_t)fx_num(js, "n_risk", k));
      assert_int_equal(r->n_event[j], (size_t)fx_num(js, "n_event", k));
      assert_int_equal(r->n_censor[j], (size_t)fx_num(js, "n_censor", k));
      ok &= fx_close(S_KM, what, r->surv[j], fx_num(js, "surv", k), 1e-12, 1e-15);
      ok &= fx_close(S_KM, what, r->se_log[j], fx_num(js, "se_log", k), 1e-12, 1e-15);
      ok &= fx_close(S_KM, what, r->std_err[j], fx_num(js, "std_err", k), 1e-12, 1e-15);
      ok &= fx_close(S_KM, what, r->lower[j], fx_num(js, "lower", k), 1e-12, 1e-15);
      ok &= fx_close(S_KM, what, r->upper[j], fx_num(js, "upper", k), 1e-12, 1e-15);
    }
    snprintf(what, sizeof what, "km %s stratum %zu median", name, s);
    ok &= fx_close(S_KM, what, st->median, fx_num(js, "median", 0), 1e-12, 1e-12);
    ok &= fx_close(S_KM, what, st->median_lower, fx_num(js, "median_lower", 0), 1e-12, 1e-12);
    ok &= fx_close(S_KM, what, st->median_upper, fx_num(js, "median_upper", 0), 1e-12, 1e-12);
    json_t *at = json_object_get(js, "at");
    if (at) {
      size_t na = fx_len(at, "time");
      for (size_t k = 0; k < na; k++) {
        km_point pt;
        km_at(r, s, fx_num(at, "time", k), &pt);
        snprintf(what, sizeof what, "km %s stratum %zu at %g", name, s, pt.time);
        assert_int_equal(pt.n_risk, (size_t)fx_num(at, "n_risk", k));
        ok &= fx_close(S_KM, what, pt.surv, fx_num(at, "surv", k), 1e-12, 1e-15);
        ok &= fx_close(S_KM, what, pt.std_err, fx_num(at, "std_err", k), 1e-12, 1e-15);
        ok &= fx_close(S_KM, what, pt.lower, fx_num(at, "lower", k), 1e-12, 1e-15);
        ok &= fx_close(S_KM, what, pt.upper, fx_num(at, "upper", k), 1e-12, 1e-15);
      }
    }
  }
  km_free(r);
  fx_free(&f);
  assert_true(ok);
}

static void test_km_r(void **s) {
  (void)s;
  json_t *km = json_object_get(expected, "km");
  const char *name;
  json_t *c;
  size_t n = 0;
  json_object_foreach(km, name, c) {
    check_km_case(name, c);
    n++;
  }
  assert_true(n >= 10);
}

/* Starter case of reference_expected.json (summary.survfit: event rows). */
static void test_km_reference(void **s) {
  (void)s;
  json_t *ref = fx_json("reference_expected.json");
  assert_non_null(ref);
  json_t *cases = json_object_get(ref, "cases"), *c = NULL;
  for (size_t i = 0; i < json_array_size(cases); i++)
    if (!strcmp(json_string_value(json_object_get(json_array_get(cases, i), "id")),
                "km_aml_by_x"))
      c = json_object_get(json_array_get(cases, i), "values");
  assert_non_null(c);
  const char *types[] = {"log", "loglog", "plain"};
  km_conf_type kt[] = {KM_CONF_LOG, KM_CONF_LOGLOG, KM_CONF_PLAIN};
  fx_frame f;
  assert_int_equal(fx_load("aml.csv", "time", "status", NULL, "x", NULL, NULL, &f), 0);
  int ok = 1;
  for (int t = 0; t < 3; t++) {
    km_result *r = NULL;
    assert_int_equal(km_fit(f.n, f.time, f.ev, f.grp, f.ngrp, kt[t], 0.95, &r, NULL), 0);
    const char *sn[] = {"x=Maintained", "x=Nonmaintained"};
    for (size_t st = 0; st < 2; st++) {
      json_t *js = json_object_get(json_object_get(c, "km"), sn[st]);
      size_t ev = 0;
      for (size_t k = 0; k < r->strata[st].nrows; k++) {
        size_t j = r->strata[st].first + k;
        if (!r->n_event[j]) continue;
        char lo[32], hi[32], what[64];
        snprintf(lo, sizeof lo, "lower95_%s", types[t]);
        snprintf(hi, sizeof hi, "upper95_%s", types[t]);
        snprintf(what, sizeof what, "ref km %s %s %zu", types[t], sn[st], ev);
        ok &= fx_close(S_KM, what, r->surv[j], fx_num(js, "surv", ev), 1e-12, 0);
        ok &= fx_close(S_KM, what, r->std_err[j], fx_num(js, "std_err_surv", ev), 1e-12, 0);
        ok &= fx_close(S_KM, what, r->se_log[j], fx_num(js, "std_err_log_surv", ev), 1e-12, 0);
        ok &= fx_close(S_KM, what, r->lower[j], fx_num(js, lo, ev), 1e-12, 1e-15);
        ok &= fx_close(S_KM, what, r->upper[j], fx_num(js, hi, ev), 1e-12, 1e-15);
        ev++;
      }
      assert_int_equal(ev, fx_len(js, "time"));
    }
    km_free(r);
  }
  fx_free(&f);
  json_decref(ref);
  assert_true(ok);
}

static void test_km_refusals(void **s) {
  (void)s;
  double t[] = {1, 2, -3};
  int ev[] = {1, 0, 1}, ev2[] = {1, 2, 0};
  km_result *r = NULL;
  avn_err e;
  assert_int_equal(km_fit(3, t, ev, NULL, 1, KM_CONF_LOG, 0.95, &r, &e), AVN_E_RANGE);
  assert_string_equal(e.field, "time");
  t[2] = 3;
  assert_int_equal(km_fit(3, t, ev2, NULL, 1, KM_CONF_LOG, 0.95, &r, &e), AVN_E_RANGE);
  assert_string_equal(e.field, "event");
  assert_int_equal(km_fit(0, t, ev, NULL, 1, KM_CONF_LOG, 0.95, &r, &e), AVN_E_DEGENERATE);
  assert_null(r);
}

/* Hand-worked: times 1,2,5,6,6+,8+ with events at 1,2,5,6. S = 5/6, 4/6,
** 3/6 = 0.5 exactly on [5, 6), then 3/6 * 2/3 = 1/3: median = (5 + 6) / 2. */
static void test_km_plateau_by_hand(void **s) {
  (void)s;
  double t[] = {1, 2, 5, 6, 6, 8};
  int ev[] = {1, 1, 1, 0, 1, 0};
  km_result *r = NULL;
  assert_int_equal(km_fit(6, t, ev, NULL, 1, KM_CONF_LOG, 0.95, &r, NULL), 0);
  assert_int_equal(r->nrows, 5);
  assert_true(fabs(r->surv[2] - 0.5) < 1e-15);
  assert_true(fabs(r->surv[3] - 1.0 / 3) < 1e-15);
  assert_int_equal(r->n_risk[3], 3);  /* the censored 6 is at risk at 6 */
  assert_true(r->strata[0].median == 5.5);
  km_free(r);
}

static void check_lr_case(const char *name, const json_t *c) {
  fx_frame f;
  assert_int_equal(fx_load(cstr(c, "file"), "time", "status", NULL, cstr(c, "group"),
                           NULL, NULL, &f), 0);
  logrank_result *r = NULL;
  avn_err e;
  assert_int_equal(logrank_test(f.n, f.time, f.ev, f.grp, f.ngrp, &r, &e), AVN_OK);
  char what[128];
  int ok = 1;
  snprintf(what, sizeof what, "logrank %s", name);
  ok &= fx_close(S_LR, what, r->chisq, fx_num(c, "chisq", 0), 1e-10, 1e-14);
  ok &= fx_close(S_LR, what, r->p, fx_num(c, "p", 0), 1e-9, 1e-300);
  assert_int_equal(r->df, (int)fx_num(c, "df", 0));
  for (size_t g = 0; g < f.ngrp; g++) {
    assert_int_equal(r->n_group[g], (size_t)fx_num(c, "n", g));
    ok &= fx_close(S_LR, what, r->observed[g], fx_num(c, "observed", g), 1e-12, 0);
    ok &= fx_close(S_LR, what, r->expected[g], fx_num(c, "expected", g), 1e-12, 0);
  }
  logrank_free(r);
  fx_free(&f);
  assert_true(ok);
}

static void test_logrank_r(void **s) {
  (void)s;
  const char *name;
  json_t *c;
  json_object_foreach(json_object_get(expected, "logrank"), name, c) check_lr_case(name, c);
}

static void test_logrank_refusals(void **s) {
  (void)s;
  double t[] = {3, 5, 5, 8};
  int ev0[] = {0, 0, 0, 0}, ev[] = {1, 0, 1, 1}, g1[] = {0, 0, 0, 0}, g2[] = {0, 1, 0, 1};
  logrank_result *r = NULL;
  avn_err e;
  assert_int_equal(logrank_test(4, t, ev0, g2, 2, &r, &e), AVN_E_DEGENERATE);
  assert_string_equal(e.field, "event");
  assert_int_equal(logrank_test(4, t, ev, g1, 2, &r, &e), AVN_E_DEGENERATE);
  assert_string_equal(e.field, "group");
  assert_int_equal(logrank_test(4, t, ev, g1, 1, &r, &e), AVN_E_DEGENERATE);
  assert_null(r);
}

static void check_cox_case(const char *name, const json_t *c) {
  char covs[256] = "", facs[256] = "";
  json_t *cv = json_object_get(c, "covariates"), *fv = json_object_get(c, "factors");
  for (size_t i = 0; i < json_array_size(cv); i++) {
    strcat(covs, i ? "," : "");
    strcat(covs, json_string_value(json_array_get(cv, i)));
  }
  for (size_t i = 0; i < json_array_size(fv); i++) {
    strcat(facs, i ? "," : "");
    strcat(facs, json_string_value(json_array_get(fv, i)));
  }
  const char *cluster = cstr(c, "cluster");
  fx_frame f;
  assert_int_equal(fx_load(cstr(c, "file"), "time", "status", NULL, cluster, covs, facs, &f), 0);
  cox_opts o;
  cox_opts_default(&o);
  o.ties = !strcmp(cstr(c, "ties"), "breslow") ? COX_TIES_BRESLOW : COX_TIES_EFRON;
  const char *names[64];
  for (size_t j = 0; j < f.p; j++) names[j] = f.names[j];
  cox_result *r = NULL;
  avn_err e;
  avn_rc rc = cox_fit(f.n, f.p, f.time, f.ev, f.x, names, cluster ? f.grp : NULL,
                      f.ngrp, &o, &r, &e);
  if (rc) fprintf(stderr, "%s: %s %s\n", name, e.field, e.rule);
  assert_int_equal(rc, AVN_OK);
  assert_int_equal(r->n, (size_t)fx_num(c, "n", 0));
  assert_int_equal(r->nevent, (size_t)fx_num(c, "nevent", 0));
  assert_int_equal(r->p, fx_len(c, "coef"));
  assert_int_equal(r->iterations, (int)fx_num(c, "iterations", 0));
  assert_true(r->converged);
  int ok = 1;
  char what[128];
  const double rel = 1e-10; /* achieved: ~5e-14 */
  for (size_t j = 0; j < r->p; j++) {
    assert_string_equal(f.names[j], cstr(c, "terms") ? fx_str(c, "terms", j) : "");
    snprintf(what, sizeof what, "cox %s %s", name, f.names[j]);
    ok &= fx_close(S_COX, what, r->beta[j], fx_num(c, "coef", j), rel, 1e-12);
    ok &= fx_close(S_COX, what, r->se[j], fx_num(c, "se", j), rel, 0);
    if (cluster) ok &= fx_close(S_COX, what, r->robust_se[j], fx_num(c, "robust_se", j), rel, 0);
    ok &= fx_close(S_COX, what, r->z[j], fx_num(c, "z", j), rel, 1e-12);
    ok &= fx_close(S_COX, what, r->p_value[j], fx_num(c, "p", j), rel, 1e-300);
    ok &= fx_close(S_COX, what, r->hr_low[j], fx_num(c, "hr_low", j), rel, 0);
    ok &= fx_close(S_COX, what, r->hr_high[j], fx_num(c, "hr_high", j), rel, 0);
  }
  snprintf(what, sizeof what, "cox %s tests", name);
  ok &= fx_close(S_COX, what, r->loglik0, fx_num(c, "loglik0", 0), 1e-12, 0);
  ok &= fx_close(S_COX, what, r->loglik, fx_num(c, "loglik", 0), 1e-10, 0);
  ok &= fx_close(S_COX, what, r->lr, fx_num(c, "lr", 0), rel, 0);
  ok &= fx_close(S_COX, what, r->wald, fx_num(c, "wald", 0), rel, 0);
  ok &= fx_close(S_COX, what, r->score, fx_num(c, "score", 0), 1e-10, 0);
  if (cluster) ok &= fx_close(S_COX, what, r->robust_wald, fx_num(c, "robust_wald", 0), rel, 0);
  if (cluster) ok &= fx_close(S_COX, what, r->robust_score, fx_num(c, "robust_score", 0), 1e-10, 0);
  else assert_true(isnan(r->robust_score));
  if (cluster) {
    /* score_only stops at beta = 0 with the same two score tests */
    cox_result *r0 = NULL;
    o.score_only = 1;
    assert_int_equal(cox_fit(f.n, f.p, f.time, f.ev, f.x, names, f.grp, f.ngrp, &o, &r0, &e), AVN_OK);
    ok &= fx_close(S_COX, what, r0->score, fx_num(c, "score", 0), 1e-10, 0);
    ok &= fx_close(S_COX, what, r0->robust_score, fx_num(c, "robust_score", 0), 1e-10, 0);
    assert_null(r0->beta);
    cox_free(r0);
  }
  ok &= fx_close(S_COX, what, r->concordance, fx_num(c, "concordance", 0), 1e-12, 0);
  assert_int_equal(r->concordant, (int64_t)fx_num(c, "concordant", 0));
  assert_int_equal(r->discordant, (int64_t)fx_num(c, "discordant", 0));
  assert_int_equal(r->tied_x, (int64_t)fx_num(c, "tied_x", 0));
  assert_int_equal(r->tied_y, (int64_t)fx_num(c, "tied_y", 0));
  cox_free(r);
  fx_free(&f);
  assert_true(ok);
}

static void test_cox_r(void **s) {
  (void)s;
  const char *name;
  json_t *c;
  json_object_foreach(json_object_get(expected, "cox"), name, c) check_cox_case(name, c);
}

static void test_cox_refusals(void **s) {
  (void)s;
  double t[] = {3, 5, 5, 8, 9, 12}, x[] = {1, 2, 3, 4, 5, 6}, k[] = {7, 7, 7, 7, 7, 7};
  int ev0[] = {0, 0, 0, 0, 0, 0}, ev[] = {1, 0, 1, 1, 0, 1};
  const char *nx[] = {"age"}, *nk[] = {"const"};
  cox_result *r = NULL;
  avn_err e;
  assert_int_equal(cox_fit(6, 1, t, ev0, x, nx, NULL, 0, NULL, &r, &e), AVN_E_DEGENERATE);
  assert_string_equal(e.field, "event");
  assert_int_equal(cox_fit(6, 1, t, ev, k, nk, NULL, 0, NULL, &r, &e), AVN_E_DEGENERATE);
  assert_string_equal(e.field, "const");
  assert_int_equal(cox_fit(1, 1, t, ev, x, nx, NULL, 0, NULL, &r, &e), AVN_E_DEGENERATE);
  /* collinear: the second column is twice the first */
  double x2[12];
  const char *n2[] = {"a", "b"};
  for (int i = 0; i < 6; i++) {
    x2[2 * i] = x[i];
    x2[2 * i + 1] = 2 * x[i];
  }
  assert_int_equal(cox_fit(6, 2, t, ev, x2, n2, NULL, 0, NULL, &r, &e), AVN_E_DEGENERATE);
  assert_string_equal(e.field, "b");
  /* monotone likelihood: every event in the x = 1 group, x = 0 censored */
  double xm[] = {1, 1, 1, 0, 0, 0}, tm[] = {1, 2, 3, 4, 5, 6};
  int em[] = {1, 1, 1, 0, 0, 0};
  const char *nm[] = {"steroid"};
  assert_int_equal(cox_fit(6, 1, tm, em, xm, nm, NULL, 0, NULL, &r, &e), AVN_E_DEGENERATE);
  assert_string_equal(e.field, "steroid");
  assert_null(r);
}

/* Concordance by brute force on a small tied example (written before the
** Fenwick version): pairs (i, j) with t_i < t_j and event i, or t_i == t_j
** with i an event and j censored. */
static void test_concordance_brute(void **s) {
  (void)s;
  double t[] = {5, 3, 3, 8, 8, 1, 9, 3, 6, 6};
  int ev[] = {1, 1, 0, 1, 1, 0, 1, 1, 0, 1};
  double sc[] = {0.2, 1.5, 0.2, -1, 0.5, 2, 0.2, 1.5, 0, 0.7};
  int64_t c = 0, d = 0, tx = 0, ty = 0;
  for (int i = 0; i < 10; i++)
    for (int j = 0; j < 10; j++) {
      if (i == j || !ev[i]) continue;
      int comparable = t[i] < t[j] || (t[i] == t[j] && !ev[j]);
      if (t[i] == t[j] && ev[j] && i < j && sc[i] != sc[j]) ty++; /* R: tied.xy apart */
      if (!comparable) continue;
      if (sc[i] > sc[j]) c++;
      else if (sc[i] < sc[j]) d++;
      else tx++;
    }
  int64_t c2, d2, tx2, ty2;
  double cc;
  assert_int_equal(cox_concordance(10, t, ev, sc, &c2, &d2, &tx2, &ty2, &cc), 0);
  assert_int_equal(c2, c);
  assert_int_equal(d2, d);
  assert_int_equal(tx2, tx);
  assert_int_equal(ty2, ty);
}

/* Fault injection: fail the k-th allocation for every k until the fit
** succeeds; each failure must be AVN_E_NOMEM with no result and no leak
** (the ASan build checks leaks). */
static void test_alloc_failures(void **s) {
  (void)s;
  fx_frame f;
  assert_int_equal(fx_load("hips.csv", "time", "status", NULL, "patient", "steroid,age,ficat",
                           "ficat", &f), 0);
  const char *names[64];
  for (size_t j = 0; j < f.p; j++) names[j] = f.names[j];
  int done[3] = {0, 0, 0};
  for (long k = 0; k < 400 && !(done[0] && done[1] && done[2]); k++) {
    km_result *kr = NULL;
    logrank_result *lr = NULL;
    cox_result *cr = NULL;
    avn_rc rc;
    if (!done[0]) {
      avn_mem_fail_after(k);
      rc = km_fit(f.n, f.time, f.ev, NULL, 1, KM_CONF_LOG, 0.95, &kr, NULL);
      avn_mem_fail_after(-1);
      if (rc == AVN_OK) done[0] = 1; else { assert_int_equal(rc, AVN_E_NOMEM); assert_null(kr); }
      km_free(kr);
    }
    if (!done[1]) {
      int g[512];
      for (size_t i = 0; i < f.n; i++) g[i] = (int)(f.x[i * f.p] != 0);
      avn_mem_fail_after(k);
      rc = logrank_test(f.n, f.time, f.ev, g, 2, &lr, NULL);
      avn_mem_fail_after(-1);
      if (rc == AVN_OK) done[1] = 1; else { assert_int_equal(rc, AVN_E_NOMEM); assert_null(lr); }
      logrank_free(lr);
    }
    if (!done[2]) {
      avn_mem_fail_after(k);
      rc = cox_fit(f.n, f.p, f.time, f.ev, f.x, names, f.grp, f.ngrp, NULL, &cr, NULL);
      avn_mem_fail_after(-1);
      if (rc == AVN_OK) done[2] = 1; else { assert_int_equal(rc, AVN_E_NOMEM); assert_null(cr); }
      cox_free(cr);
    }
  }
  assert_true(done[0] && done[1] && done[2]);
  fx_free(&f);
}

static int setup(void **s) {
  (void)s;
  expected = fx_json("expected_survival.json");
  return expected ? 0 : -1;
}
static int teardown(void **s) {
  (void)s;
  json_decref(expected);
  const char *m[] = {"km", "logrank", "cox"};
  for (int i = 0; i < 3; i++)
    printf("max relative error vs R, %s: %.3g (%s)\n", m[i], fx_maxrel[i], fx_maxrel_name[i]);
  printf("values compared: %d\n", fx_ncompared);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_km_r),           cmocka_unit_test(test_km_reference),
      cmocka_unit_test(test_km_refusals),    cmocka_unit_test(test_km_plateau_by_hand),
      cmocka_unit_test(test_logrank_r),      cmocka_unit_test(test_logrank_refusals),
      cmocka_unit_test(test_cox_r),          cmocka_unit_test(test_cox_refusals),
      cmocka_unit_test(test_concordance_brute), cmocka_unit_test(test_alloc_failures),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
