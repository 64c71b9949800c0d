/*
** test_nist_anova.c: anova_oneway() (stats-A's module; this file is tests
** only) against the NIST StRD ANOVA certified values, parsed from the .dat
** files in tests/golden/stats/nist/ (SiRstv, SmLs01-09, AtmWtAg, copied
** from https://www.itl.nist.gov/div898/strd/anova/anova.html). Accuracy is
** the log relative error (LRE, capped at 15) of the between and within sums
** of squares and mean squares, F, R^2 and the residual SD; each must reach
** 9 digits, except SmLs07-09: their responses (1000000000000.4 etc.) have
** 13 constant leading digits, and a double holds numbers near 1e12 only to
** within half an ulp, 2^-13 = 1.2e-4, against deviations of about 0.1, so
** the data as read already differ from NIST's by ~1e-3 relative in the sums
** of squares: about 4 digits is the ceiling for any double-precision input,
** and the test requires 3.5 there (exact rational arithmetic on the
** double-rounded SmLs07 data gives SS within to LRE 4.26). The per-file
** minimum is printed. The command line does better by centring the cells in
** exact decimal before rounding (tests/cases/stats_nist.sh: 15 digits).
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "stats/anova.h"

static double lre(double est, double cert) {
  double d = cert != 0 ? fabs(est - cert) / fabs(cert) : fabs(est);
  if (d == 0) return 15;
  double v = -log10(d);
  return v > 15 ? 15 : v;
}

static void run_file(const char *file, double need) {
  char path[512], line[512];
  snprintf(path, sizeof path, "%s/tests/golden/stats/nist/%s", AVN_SOURCE_DIR, file);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  double df_b = 0, ss_b = 0, ms_b = 0, fst = 0, df_w = 0, ss_w = 0, ms_w = 0, r2 = 0, rsd = 0;
  long data_line = 0, lineno = 0;
  size_t n = 0, cap = 0;
  double *x = NULL;
  int *g = NULL, gmax = 0, want_sd = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    char *p = line;
    while (isspace((unsigned char)*p)) p++;
    long a, b;
    if (sscanf(p, "Data (lines %ld to %ld)", &a, &b) == 2) data_line = a;
    if (!strncmp(p, "Between", 7)) {
      char w1[32], w2[32];
      sscanf(p, "%31s %31s %lf %lf %lf %lf", w1, w2, &df_b, &ss_b, &ms_b, &fst);
    }
    if (!strncmp(p, "Within", 6)) {
      char w1[32], w2[32];
      sscanf(p, "%31s %31s %lf %lf %lf", w1, w2, &df_w, &ss_w, &ms_w);
    }
    if (!strncmp(p, "Certified R-Squared", 19)) sscanf(p + 19, "%lf", &r2);
    if (!strncmp(p, "Certified Residual", 18)) want_sd = 1;
    if (want_sd && !strncmp(p, "Standard Deviation", 18)) {
      sscanf(p + 18, "%lf", &rsd);
      want_sd = 0;
    }
    if (data_line && lineno >= data_line) {
      int gi;
      double v;
      if (sscanf(p, "%d %lf", &gi, &v) != 2) continue;
      if (n == cap) {
        cap = cap ? 2 * cap : 256;
        x = avn_reallocarray(x, cap, sizeof *x);
        g = avn_reallocarray(g, cap, sizeof *g);
      }
      x[n] = v;
      g[n] = gi - 1;
      if (gi > gmax) gmax = gi;
      n++;
    }
  }
  fclose(f);
  anova_result r;
  assert_int_equal(anova_oneway(x, g, n, (size_t)gmax, &r), AVN_OK);
  assert_true(r.df1 == df_b && r.df2 == df_w);
  double m = 15;
  m = fmin(m, lre(r.ss_between, ss_b));
  m = fmin(m, lre(r.ss_within, ss_w));
  m = fmin(m, lre(r.ms_between, ms_b));
  m = fmin(m, lre(r.ms_within, ms_w));
  m = fmin(m, lre(r.statistic, fst));
  double got_r2 = r.ss_between / (r.ss_between + r.ss_within);
  double l_r2 = lre(got_r2, r2), l_sd = lre(sqrt(r.ms_within), rsd);
  printf("NIST %-12s n=%5zu k=%2d  LRE SS/MS/F %5.2f  R2 %5.2f  resid sd %5.2f\n", file, n,
         gmax, m, l_r2, l_sd);
  assert_true(m >= need);
  assert_true(l_r2 >= need);
  assert_true(l_sd >= need);
  avn_free(x);
  avn_free(g);
}

#define NIST_TEST(name, need) \
  static void test_##name(void **st) { (void)st; run_file(#name ".dat", need); }
NIST_TEST(SiRstv, 9)
NIST_TEST(SmLs01, 9)
NIST_TEST(SmLs02, 9)
NIST_TEST(SmLs03, 9)
NIST_TEST(AtmWtAg, 9)
NIST_TEST(SmLs04, 9)
NIST_TEST(SmLs05, 9)
NIST_TEST(SmLs06, 9)
NIST_TEST(SmLs07, 3.5)
NIST_TEST(SmLs08, 3.5)
NIST_TEST(SmLs09, 3.5)

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_SiRstv), cmocka_unit_test(test_SmLs01),
      cmocka_unit_test(test_SmLs02), cmocka_unit_test(test_SmLs03),
      cmocka_unit_test(test_AtmWtAg), cmocka_unit_test(test_SmLs04),
      cmocka_unit_test(test_SmLs05), cmocka_unit_test(test_SmLs06),
      cmocka_unit_test(test_SmLs07), cmocka_unit_test(test_SmLs08),
      cmocka_unit_test(test_SmLs09),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
