/*
** test_cluster.c: estimates for hips nested in patients.
**
** Against R 4.2.2 (tests/golden/stats/expected_cluster.json, written with
** its simulated data by make_expected_cluster.R): cluster_mean (survey's
** svymean, confint with degf, svyttest), cluster_prop (svyciprop, logit),
** cluster_chisq (svychisq, Rao-Scott F), km_robust (survfit(..., id =,
** robust = TRUE)) and cox's robust score test (coxph(..., cluster =)$rscore,
** also with a group that has no event). Tolerances: 1e-10 relative (closed
** forms; achieved ~1e-14), 1e-9 for the Rao-Scott F (a k x k solve).
**
** The kappa bootstrap has no R counterpart to copy (it is random): it is
** checked by what it must do. On independent items its SE matches the
** large-sample SE of Fleiss, Cohen & Everitt; when every item is entered
** twice in one cluster the naive SE shrinks by sqrt(2) while the cluster
** bootstrap's does not; the same seed gives the same interval; and over 200
** simulated clustered studies its 95% interval covers the population kappa
** about 95% of the time.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_rng.h>
#include <jansson.h>

#include "core/mem.h"
#include "stats/agree.h"
#include "stats/cluster.h"
#include "stats/cox.h"
#include "stats/km.h"

#define EXPECTED AVN_SOURCE_DIR "/tests/golden/stats/expected_cluster.json"

static json_t *ex;

static int setup(void **state) {
  (void)state;
  json_error_t je;
  ex = json_load_file(EXPECTED, 0, &je);
  if (!ex) fprintf(stderr, "%s: %s\n", EXPECTED, je.text);
  return ex ? 0 : -1;
}
static int teardown(void **state) {
  (void)state;
  json_decref(ex);
  return 0;
}

/* o.path[i]: keys separated by '.', then index i of the final array */
static json_t *get(const json_t *o, const char *path) {
  char buf[128];
  snprintf(buf, sizeof buf, "%s", path);
  json_t *cur = (json_t *)o;
  for (char *k = strtok(buf, "."); k && cur; k = strtok(NULL, "."))
    cur = json_object_get(cur, k);
  assert_non_null(cur);
  return cur;
}
static double num(const json_t *o, const char *path, size_t i) {
  json_t *a = get(o, path);
  json_t *v = json_is_array(a) ? json_array_get(a, i) : a;
  while (json_is_array(v)) v = json_array_get(v, 0);   /* svymean's 1x1 SE */
  return json_is_null(v) ? NAN : json_number_value(v);
}
static size_t len(const json_t *o, const char *path) { return json_array_size(get(o, path)); }
static double *dvec(const json_t *o, const char *path) {
  size_t n = len(o, path);
  double *v = avn_calloc(n, sizeof *v);
  for (size_t i = 0; i < n; i++) v[i] = num(o, path, i);
  return v;
}
static int *ivec(const json_t *o, const char *path) {
  size_t n = len(o, path);
  int *v = avn_calloc(n, sizeof *v);
  for (size_t i = 0; i < n; i++) v[i] = (int)num(o, path, i);
  return v;
}

static void close_to(double got, double want, double rel, const char *what) {
  if (isnan(want) && isnan(got)) return;
  double tol = rel * fmax(fabs(want), 1e-300);
  if (!(fabs(got - want) <= tol)) {
    fprintf(stderr, "%s: avn %.17g, R %.17g\n", what, got, want);
    fail();
  }
}

static void test_mean_and_prop(void **state) {
  (void)state;
  size_t n = len(ex, "data.y"), ncl = (size_t)num(ex, "nclusters", 0);
  double *y = dvec(ex, "data.y");
  int *cl = ivec(ex, "data.cluster"), *resp = ivec(ex, "data.resp");
  cluster_est m;
  avn_err e;
  assert_int_equal(cluster_mean(y, cl, n, ncl, 0.95, &m, &e), AVN_OK);
  assert_int_equal(m.nclusters, ncl);
  close_to(m.estimate, num(ex, "mean.estimate", 0), 1e-12, "mean");
  close_to(m.se, num(ex, "mean.se", 0), 1e-10, "mean se");
  close_to(m.df, num(ex, "mean.df", 0), 0, "mean df");
  close_to(m.ci_low, num(ex, "mean.ci_low", 0), 1e-10, "mean ci_low");
  close_to(m.ci_high, num(ex, "mean.ci_high", 0), 1e-10, "mean ci_high");
  close_to(m.t, num(ex, "mean.t", 0), 1e-10, "mean t");
  assert_true(m.p < 1e-20 && num(ex, "mean.p", 0) < 1e-20);   /* GSL's far t tail is not R's to 8 digits */
  double *yc = dvec(ex, "data.yc");
  assert_int_equal(cluster_mean(yc, cl, n, ncl, 0.95, &m, &e), AVN_OK);
  close_to(m.estimate, num(ex, "mean_c.estimate", 0), 1e-12, "mean_c");
  close_to(m.se, num(ex, "mean_c.se", 0), 1e-10, "mean_c se");
  close_to(m.t, num(ex, "mean_c.t", 0), 1e-10, "mean_c t");
  close_to(m.p, num(ex, "mean_c.p", 0), 1e-10, "mean_c p");
  close_to(m.ci_low, num(ex, "mean_c.ci_low", 0), 1e-10, "mean_c ci_low");
  avn_free(yc);
  cluster_est p;
  assert_int_equal(cluster_prop(resp, cl, n, ncl, 0.95, &p, &e), AVN_OK);
  close_to(p.estimate, num(ex, "prop.estimate", 0), 1e-12, "prop");
  close_to(p.se, num(ex, "prop.se", 0), 1e-10, "prop se");
  close_to(p.ci_low, num(ex, "prop.ci_low", 0), 1e-10, "prop ci_low");
  close_to(p.ci_high, num(ex, "prop.ci_high", 0), 1e-10, "prop ci_high");
  /* refusals: one cluster; a value that is not 0/1 */
  int one[3] = {0, 0, 0}, bad[3] = {0, 2, 1}, cl3[3] = {0, 1, 2};
  double y3[3] = {1, 2, 3};
  assert_int_equal(cluster_mean(y3, one, 3, 1, 0.95, &m, &e), AVN_E_DEGENERATE);
  assert_string_equal(e.field, "cluster");
  assert_int_equal(cluster_prop(bad, cl3, 3, 3, 0.95, &p, &e), AVN_E_RANGE);
  /* every unit its own cluster: the SE is sd / sqrt(n) (G/(G-1) = n/(n-1)):
  ** y = 1, 2, 3: sd = 1, se = 1/sqrt(3) */
  assert_int_equal(cluster_mean(y3, cl3, 3, 3, 0.95, &m, &e), AVN_OK);
  close_to(m.se, 1 / sqrt(3.0), 1e-14, "iid se");
  avn_free(y);
  avn_free(cl);
  avn_free(resp);
}

static void check_chisq(const char *name, size_t extra_levels) {
  char path[64];
  snprintf(path, sizeof path, "chisq.%s.a", name);
  size_t n = len(ex, path);
  int *a = ivec(ex, path);
  snprintf(path, sizeof path, "chisq.%s.b", name);
  int *b = ivec(ex, path);
  snprintf(path, sizeof path, "chisq.%s.cluster", name);
  int *cl = ivec(ex, path);
  int na = 0, nb = 0;
  for (size_t i = 0; i < n; i++) {
    if (a[i] + 1 > na) na = a[i] + 1;
    if (b[i] + 1 > nb) nb = b[i] + 1;
  }
  cluster_chisq_result r;
  avn_err e;
  /* extra_levels: unused levels at the end, which must not change anything */
  assert_int_equal(cluster_chisq(a, (size_t)na, b, (size_t)nb + extra_levels, cl, n,
                                 (size_t)num(ex, "nclusters", 0), &r, &e), AVN_OK);
  assert_int_equal(r.cols, (size_t)nb);
  char what[64];
  snprintf(what, sizeof what, "chisq %s", name);
  json_t *c = get(ex, "chisq");
  c = json_object_get(c, name);
  close_to(r.pearson, num(c, "pearson", 0), 1e-12, what);
  close_to(r.f, num(c, "f", 0), 1e-9, what);
  close_to(r.df1, num(c, "df1", 0), 1e-9, what);
  close_to(r.df2, num(c, "df2", 0), 1e-9, what);
  close_to(r.p, num(c, "p", 0), 1e-8, what);
  avn_free(a);
  avn_free(b);
  avn_free(cl);
}

static void test_rao_scott(void **state) {
  (void)state;
  check_chisq("t33", 0);
  check_chisq("t33", 1);
  check_chisq("t22", 0);
  int a[4] = {0, 0, 0, 0}, b[4] = {0, 1, 0, 1}, cl[4] = {0, 0, 1, 1};
  cluster_chisq_result r;
  avn_err e;
  assert_int_equal(cluster_chisq(a, 2, b, 2, cl, 4, 2, &r, &e), AVN_E_DEGENERATE);
  assert_string_equal(e.field, "rows");
}

static void test_km_robust(void **state) {
  (void)state;
  size_t n = len(ex, "data.time"), ncl = (size_t)num(ex, "nclusters", 0);
  double *t = dvec(ex, "data.time");
  int *ev = ivec(ex, "data.status"), *a = ivec(ex, "data.a"), *cl = ivec(ex, "data.cluster");
  km_result *r = NULL;
  avn_err e;
  assert_int_equal(km_fit(n, t, ev, a, 3, KM_CONF_LOG, 0.95, &r, &e), AVN_OK);
  assert_int_equal(km_robust(r, n, t, ev, a, cl, ncl, &e), AVN_OK);
  json_t *km = get(ex, "km");
  assert_int_equal(json_array_size(km), r->nstrata);
  for (size_t s = 0; s < r->nstrata; s++) {
    json_t *st = json_array_get(km, s);
    assert_int_equal(r->strata[s].nrows, len(st, "time"));
    for (size_t k = 0; k < r->strata[s].nrows; k++) {
      size_t j = r->strata[s].first + k;
      char what[64];
      snprintf(what, sizeof what, "km stratum %zu row %zu", s, k);
      assert_true(r->time[j] == num(st, "time", k));
      close_to(r->surv[j], num(st, "surv", k), 1e-12, what);
      close_to(r->se_log[j], num(st, "se_log", k), 1e-9, what);
      close_to(r->lower[j], num(st, "lower", k), 1e-9, what);
      close_to(r->upper[j], num(st, "upper", k), 1e-9, what);
    }
  }
  /* a time the curve was not fitted on is refused */
  t[0] += 0.05;
  assert_int_equal(km_robust(r, n, t, ev, a, cl, ncl, &e), AVN_E_RANGE);
  km_free(r);
  avn_free(t);
  avn_free(ev);
  avn_free(a);
  avn_free(cl);
}

static void check_score(const char *name) {
  json_t *c = json_object_get(get(ex, "score"), name);
  size_t n = len(c, "time");
  double *t = dvec(c, "time");
  int *ev = ivec(c, "status"), *a = ivec(c, "a"), *cl = ivec(c, "cluster");
  double *x = avn_calloc(2 * n, sizeof *x);
  for (size_t i = 0; i < n; i++) {
    x[2 * i] = a[i] == 1;
    x[2 * i + 1] = a[i] == 2;
  }
  cox_opts o;
  cox_opts_default(&o);
  o.score_only = 1;
  cox_result *r = NULL;
  avn_err e;
  assert_int_equal(cox_fit(n, 2, t, ev, x, (const char *const[]){"a1", "a2"}, cl,
                           (size_t)num(ex, "nclusters", 0), &o, &r, &e), AVN_OK);
  close_to(r->score, num(c, "score", 0), 1e-10, name);
  close_to(r->robust_score, num(c, "robust_score", 0), 1e-10, name);
  assert_int_equal(r->df, 2);
  cox_free(r);
  avn_free(t);
  avn_free(ev);
  avn_free(a);
  avn_free(cl);
  avn_free(x);
}

static void test_robust_score(void **state) {
  (void)state;
  check_score("all");
  check_score("monotone");
}

/* Reads of n items by two readers: truth in 0..3, each reader wrong with
** probability err (to a neighbouring category). */
static void reads(gsl_rng *g, size_t n, const int *truth, double err, int *x, int *y) {
  for (size_t i = 0; i < n; i++) {
    int t = truth[i];
    x[i] = t;
    y[i] = t;
    if (gsl_rng_uniform(g) < err) x[i] = t == 0 ? 1 : t - 1;
    if (gsl_rng_uniform(g) < err) y[i] = t == 3 ? 2 : t + 1;
  }
}

static void test_kappa_bootstrap(void **state) {
  (void)state;
  gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(g, 7);
  enum { N = 300 };
  int truth[2 * N], x[2 * N], y[2 * N], cl[2 * N];
  for (size_t i = 0; i < N; i++) truth[i] = (int)gsl_rng_uniform_int(g, 4);
  reads(g, N, truth, 0.2, x, y);
  for (size_t i = 0; i < N; i++) cl[i] = (int)i;
  avn_err e;
  agree_kappa_result k1;
  agree_kappa_boot_result b1, b1again, b2;
  assert_int_equal(agree_kappa(x, y, N, 4, AGREE_W_NONE, 0.95, &e, &k1), AVN_OK);
  assert_int_equal(agree_kappa_boot(x, y, cl, N, N, 4, AGREE_W_NONE, 0.95, 2000, 1, &e, &b1), AVN_OK);
  assert_true(b1.kappa == k1.kappa);
  assert_true(b1.ci_low < b1.kappa && b1.kappa < b1.ci_high);
  /* independent items: the bootstrap SE estimates the large-sample SE */
  assert_true(fabs(b1.se / k1.se - 1) < 0.15);
  /* the same seed, the same interval */
  assert_int_equal(agree_kappa_boot(x, y, cl, N, N, 4, AGREE_W_NONE, 0.95, 2000, 1, &e, &b1again), AVN_OK);
  assert_true(b1again.ci_low == b1.ci_low && b1again.ci_high == b1.ci_high);
  /* every item entered twice, both copies in one cluster: the same kappa,
  ** the naive SE smaller by sqrt(2), the cluster bootstrap's unchanged */
  for (size_t i = 0; i < N; i++) {
    x[N + i] = x[i];
    y[N + i] = y[i];
    cl[N + i] = (int)i;
  }
  agree_kappa_result k2;
  assert_int_equal(agree_kappa(x, y, 2 * N, 4, AGREE_W_NONE, 0.95, &e, &k2), AVN_OK);
  close_to(k2.kappa, k1.kappa, 1e-12, "doubled kappa");
  close_to(k2.se * sqrt(2.0), k1.se, 1e-12, "doubled naive se");
  assert_int_equal(agree_kappa_boot(x, y, cl, 2 * N, N, 4, AGREE_W_NONE, 0.95, 2000, 1, &e, &b2), AVN_OK);
  assert_true(fabs(b2.se / k1.se - 1) < 0.15);
  assert_true(b2.se / k2.se > 1.25);   /* sqrt(2) = 1.41 in expectation */
  /* refusals */
  assert_int_equal(agree_kappa_boot(x, y, cl, 2 * N, N, 4, AGREE_W_NONE, 0.95, 10, 1, &e, &b2), AVN_E_RANGE);
  int one[4] = {0, 0, 0, 0};
  assert_int_equal(agree_kappa_boot(x, y, one, 4, 1, 4, AGREE_W_NONE, 0.95, 200, 1, &e, &b2), AVN_E_DEGENERATE);
  gsl_rng_free(g);
}

/* Coverage: 200 studies of 80 patients with 2 hips each, the two hips of a
** patient sharing their true stage with probability 0.8 (so the reads are
** clustered); the population kappa of this design is that of one hip, which
** a million simulated hips give to ~1e-3. */
static void test_kappa_bootstrap_coverage(void **state) {
  (void)state;
  gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(g, 11);
  enum { BIG = 1000000, P = 80, STUDIES = 200 };
  int *bt = avn_calloc(BIG, sizeof *bt), *bx = avn_calloc(BIG, sizeof *bx), *by = avn_calloc(BIG, sizeof *by);
  for (size_t i = 0; i < BIG; i++) bt[i] = (int)gsl_rng_uniform_int(g, 4);
  reads(g, BIG, bt, 0.2, bx, by);
  agree_kappa_result pop;
  avn_err e;
  assert_int_equal(agree_kappa(bx, by, BIG, 4, AGREE_W_NONE, 0.95, &e, &pop), AVN_OK);
  size_t cover = 0, naive_cover = 0;
  int t[2 * P], x[2 * P], y[2 * P], cl[2 * P];
  for (size_t s = 0; s < STUDIES; s++) {
    for (size_t p = 0; p < P; p++) {
      t[2 * p] = (int)gsl_rng_uniform_int(g, 4);
      t[2 * p + 1] = gsl_rng_uniform(g) < 0.8 ? t[2 * p] : (int)gsl_rng_uniform_int(g, 4);
      cl[2 * p] = cl[2 * p + 1] = (int)p;
    }
    /* the second hip shares its reads' errors too when it shares the stage */
    reads(g, 2 * P, t, 0.2, x, y);
    for (size_t p = 0; p < P; p++)
      if (t[2 * p + 1] == t[2 * p] && gsl_rng_uniform(g) < 0.8) {
        x[2 * p + 1] = x[2 * p];
        y[2 * p + 1] = y[2 * p];
      }
    agree_kappa_boot_result b;
    agree_kappa_result k;
    assert_int_equal(agree_kappa_boot(x, y, cl, 2 * P, P, 4, AGREE_W_NONE, 0.95, 500, 100 + s, &e, &b), AVN_OK);
    assert_int_equal(agree_kappa(x, y, 2 * P, 4, AGREE_W_NONE, 0.95, &e, &k), AVN_OK);
    cover += b.ci_low <= pop.kappa && pop.kappa <= b.ci_high;
    naive_cover += k.ci_low <= pop.kappa && pop.kappa <= k.ci_high;
  }
  fprintf(stderr, "coverage: cluster bootstrap %zu/%d, naive %zu/%d\n", cover, STUDIES, naive_cover, STUDIES);
  /* 95% nominal; binomial SD over 200 studies is 1.5%: [0.90, 0.99] */
  assert_true(cover >= 180 && cover <= 198);
  /* the naive interval, which counts 160 independent hips, covers less */
  assert_true(naive_cover < cover);
  avn_free(bt);
  avn_free(bx);
  avn_free(by);
  gsl_rng_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mean_and_prop),
      cmocka_unit_test(test_rao_scott),
      cmocka_unit_test(test_km_robust),
      cmocka_unit_test(test_robust_score),
      cmocka_unit_test(test_kappa_bootstrap),
      cmocka_unit_test(test_kappa_bootstrap_coverage),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
