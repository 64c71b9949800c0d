/*
** test_kruskal_binom.c: Kruskal-Wallis (stats/kruskal.h) and the Wilson
** interval (stats/binom.h) against R 4.2.2: kruskal.test and
** prop.test(correct = FALSE)$conf.int. The R script and its output are
** tests/golden/report/kruskal_binom.R and .out (values copied below).
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "stats/binom.h"
#include "stats/kruskal.h"

static void near(double got, double want, double rel) {
  double tol = rel * fmax(1.0, fabs(want));
  if (!(fabs(got - want) <= tol)) fail_msg("got %.17g want %.17g", got, want);
}

static void test_kruskal_no_ties(void **unused) {
  (void)unused;
  const double x[] = {2.9, 3.0, 2.5, 2.6, 3.2, 3.8, 2.7, 4.0, 2.4, 2.8, 3.4, 3.7, 2.2, 2.0};
  const int g[] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2};
  kruskal_result r;
  assert_int_equal(kruskal_test(x, g, 14, 3, &r), AVN_OK);
  near(r.statistic, 0.77142857142857224, 1e-13);
  near(r.df, 2, 0);
  near(r.p, 0.67996477357889362, 1e-12);
}

static void test_kruskal_ties(void **unused) {
  (void)unused;
  const double x[] = {1, 2, 2, 3, 5, 2, 3, 3, 4, 5, 5, 6, 1, 7, 7, 2};
  const int g[] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3};
  kruskal_result r;
  assert_int_equal(kruskal_test(x, g, 16, 4, &r), AVN_OK);
  near(r.statistic, 3.3071969696969634, 1e-13);
  near(r.df, 3, 0);
  near(r.p, 0.34664221602840301, 1e-12);
}

static void test_kruskal_refusals(void **unused) {
  (void)unused;
  const double x[] = {1, 2, 3, 4};
  const double same[] = {5, 5, 5, 5};
  const int one[] = {0, 0, 0, 0}, two[] = {0, 0, 1, 1}, bad[] = {0, 3, 1, 1};
  kruskal_result r;
  assert_int_equal(kruskal_test(x, one, 4, 2, &r), AVN_E_DEGENERATE);   /* one non-empty group */
  assert_int_equal(kruskal_test(same, two, 4, 2, &r), AVN_E_DEGENERATE); /* all equal */
  assert_int_equal(kruskal_test(x, bad, 4, 2, &r), AVN_E_RANGE);
}

static void test_wilson(void **unused) {
  (void)unused;
  static const struct { size_t k, n; double lo, hi; } t[] = {
      {45, 58, 0.65338882361081307, 0.86406339388590259},
      {0, 10, 0, 0.27753279986288915},
      {10, 10, 0.72246720013711085, 1},
      {1, 3, 0.061491944720396291, 0.79234039919795229},
      {83, 100, 0.74451995232398871, 0.89106433885940062}};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    double lo, hi;
    assert_int_equal(binom_wilson(t[i].k, t[i].n, 0.95, &lo, &hi), AVN_OK);
    near(lo, t[i].lo, 1e-13);
    near(hi, t[i].hi, 1e-13);
  }
  double lo, hi;
  assert_int_equal(binom_wilson(0, 0, 0.95, &lo, &hi), AVN_E_DEGENERATE);
  assert_int_equal(binom_wilson(3, 2, 0.95, &lo, &hi), AVN_E_RANGE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_kruskal_no_ties), cmocka_unit_test(test_kruskal_ties),
      cmocka_unit_test(test_kruskal_refusals), cmocka_unit_test(test_wilson)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
