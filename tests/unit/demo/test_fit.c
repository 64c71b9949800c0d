/*
** test_fit.c: exact-moment fitting (src/demo/fit.c) against targets typed
** by hand from the seed papers (and two made up to exercise the edges):
**   - the fitted values' mean and SD, recomputed HERE by a plain two-pass
**     formula and printed with printf, give exactly the target strings;
**   - every value lies on the lattice and inside the bounds; fixed values
**     appear as given (the printed range's ends);
**   - the same seed gives the same values, another seed other values;
**   - caller scores keep their rank order (up to the repair's single steps);
**   - an unreachable target ends in AVN_E_NOCONV, a malformed spec in
**     AVN_E_RANGE, and failing allocations in AVN_E_NOMEM without leaks.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>

#include "core/mem.h"
#include "demo/fit.h"

typedef struct fit_case {
  const char *id;
  size_t n;
  const char *mean, *sd;    /* as printed in the paper */
  int decimals;
  double lo, hi, step;      /* uniform lattice; step 0: WOMAC k * 100 / 96 */
  double fixed[2];
  size_t n_fixed;
} fit_case;

/* Seed 002 Table 2 and the Results' age; seed 000's WOMAC (SD assumed);
** a two-decimal case; a tiny n. */
static const fit_case cases[] = {
    {"vas baseline (002 Table 2)", 58, "7.8", "1.1", 1, 0, 10, 0.1, {0}, 0},
    {"vas 3 months (002 Table 2)", 58, "4.3", "1.4", 1, 0, 10, 0.1, {0}, 0},
    {"hhs 24 months (002 Table 2)", 52, "84.2", "9.1", 1, 30, 100, 0.05, {0}, 0},
    {"hhs baseline (002 Table 2)", 58, "54.6", "6.8", 1, 30, 100, 0.05, {0}, 0},
    {"age 22-55 (002 Results)", 46, "38.7", "7.9", 1, 22, 55, 1, {22, 55}, 2},
    {"womac total_100 (000, SD assumed)", 60, "65.2", "11.5", 1, 0, 100, 0, {0}, 0},
    {"two decimals", 30, "3.14", "0.27", 2, 0, 10, 0.01, {0}, 0},
    {"n = 5 on whole numbers", 5, "3.0", "1.6", 1, 0, 10, 1, {0}, 0},
};

static size_t make_lattice(const fit_case *c, double *lat, size_t cap) {
  if (c->step > 0) return fit_lattice_uniform(c->lo, c->hi, c->step, lat, cap);
  size_t n = 0;
  for (int k = 0; k <= 96 && n < cap; k++) lat[n++] = k * 100.0 / 96.0;
  return n;
}

static int on_lattice(double x, const double *lat, size_t n) {
  for (size_t k = 0; k < n; k++)
    if (x == lat[k]) return 1;
  return 0;
}

static void run_case(const fit_case *c, unsigned long seed, double *out) {
  double lat[2100];
  size_t nl = make_lattice(c, lat, 2100);
  fit_spec sp = {.n = c->n, .mean = strtod(c->mean, NULL), .sd = strtod(c->sd, NULL), .decimals = c->decimals,
                 .lattice = lat, .n_lattice = nl, .lo = c->lo, .hi = c->hi,
                 .fixed = c->n_fixed ? c->fixed : NULL, .n_fixed = c->n_fixed};
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  avn_err e;
  avn_err_clear(&e);
  avn_rc rc = fit_moments(&sp, r, out, &e);
  gsl_rng_free(r);
  if (rc) print_error("%s: %s\n", c->id, e.rule);
  assert_int_equal(rc, AVN_OK);

  /* Two-pass mean and SD, written out here rather than taken from fit.c. */
  double s = 0, q = 0;
  for (size_t i = 0; i < c->n; i++) s += out[i];
  double m = s / (double)c->n;
  for (size_t i = 0; i < c->n; i++) q += (out[i] - m) * (out[i] - m);
  double sd = sqrt(q / (double)(c->n - 1));
  char pm[32], ps[32];
  snprintf(pm, sizeof pm, "%.*f", c->decimals, m);
  snprintf(ps, sizeof ps, "%.*f", c->decimals, sd);
  if (strcmp(pm, c->mean) || strcmp(ps, c->sd))
    print_error("%s: got %s ± %s, wanted %s ± %s\n", c->id, pm, ps, c->mean, c->sd);
  assert_string_equal(pm, c->mean);
  assert_string_equal(ps, c->sd);
  for (size_t i = 0; i < c->n; i++) {
    assert_true(out[i] >= c->lo && out[i] <= c->hi);
    assert_true(on_lattice(out[i], lat, nl));
  }
  for (size_t i = 0; i < c->n_fixed; i++) assert_true(out[i] == c->fixed[i]);
}

static void test_targets(void **state) {
  (void)state;
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    double *a = calloc(cases[k].n, sizeof *a);
    assert_non_null(a);
    for (unsigned long seed = 1; seed <= 5; seed++) run_case(&cases[k], seed * 7919, a);
    free(a);
  }
}

static void test_range_ends(void **state) {
  (void)state;
  double out[46];
  run_case(&cases[4], 20220103, out);
  double lo = out[0], hi = out[0];
  for (size_t i = 0; i < 46; i++) {
    lo = fmin(lo, out[i]);
    hi = fmax(hi, out[i]);
  }
  assert_true(lo == 22 && hi == 55);   /* "range 22-55" */
}

static void test_deterministic(void **state) {
  (void)state;
  double a[58], b[58], c[58];
  run_case(&cases[0], 42, a);
  run_case(&cases[0], 42, b);
  run_case(&cases[0], 43, c);
  assert_memory_equal(a, b, sizeof a);
  assert_true(memcmp(a, c, sizeof a) != 0);
}

/* Scores 0..n-1 in order: the fitted values must be non-decreasing up to
** one lattice step (the repair's moves) and strongly rank-correlated. */
static void test_keeps_order(void **state) {
  (void)state;
  double lat[200], z[40], out[40];
  size_t nl = fit_lattice_uniform(0, 10, 0.1, lat, 200);
  for (int i = 0; i < 40; i++) z[i] = i;
  fit_spec sp = {.n = 40, .mean = 4.3, .sd = 1.4, .decimals = 1, .lattice = lat, .n_lattice = nl,
                 .lo = 0, .hi = 10, .z = z};
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 7);
  assert_int_equal(fit_moments(&sp, r, out, NULL), AVN_OK);
  gsl_rng_free(r);
  for (int i = 1; i < 40; i++) assert_true(out[i] >= out[i - 1] - 0.1 - 1e-9);
}

static void test_refusals(void **state) {
  (void)state;
  double lat[3] = {0, 1, 2}, bad[3] = {0, 2, 1}, out[4];
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  avn_err e;
  /* Three values from {0, 1, 2} cannot have mean 0.5 and SD 0.0. */
  fit_spec sp = {.n = 3, .mean = 0.5, .sd = 0.0, .decimals = 1, .lattice = lat, .n_lattice = 3,
                 .lo = 0, .hi = 2, .max_iter = 2000};
  assert_int_equal(fit_moments(&sp, r, out, &e), AVN_E_NOCONV);
  sp.lattice = bad;
  assert_int_equal(fit_moments(&sp, r, out, &e), AVN_E_RANGE);
  assert_string_equal(e.field, "lattice");
  sp.lattice = lat;
  sp.n = 1;
  assert_int_equal(fit_moments(&sp, r, out, &e), AVN_E_RANGE);
  sp.n = 3;
  sp.lo = 5;
  sp.hi = 6;
  assert_int_equal(fit_moments(&sp, r, out, &e), AVN_E_RANGE);
  sp.lo = 0;
  sp.hi = 2;
  sp.decimals = 9;
  assert_int_equal(fit_moments(&sp, r, out, &e), AVN_E_RANGE);
  sp.decimals = 1;
  sp.n_fixed = 3;
  assert_int_equal(fit_moments(&sp, r, out, &e), AVN_E_RANGE);
  gsl_rng_free(r);
}

static void test_nomem(void **state) {
  (void)state;
  double lat[200], out[58];
  size_t nl = fit_lattice_uniform(0, 10, 0.1, lat, 200);
  fit_spec sp = {.n = 58, .mean = 7.8, .sd = 1.1, .decimals = 1, .lattice = lat, .n_lattice = nl,
                 .lo = 0, .hi = 10};
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  for (long k = 0; k < 2; k++) {
    avn_mem_fail_after(k);
    avn_rc rc = fit_moments(&sp, r, out, NULL);
    avn_mem_fail_after(-1);
    assert_int_equal(rc, AVN_E_NOMEM);
  }
  gsl_rng_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_targets),       cmocka_unit_test(test_range_ends),
      cmocka_unit_test(test_deterministic), cmocka_unit_test(test_keeps_order),
      cmocka_unit_test(test_refusals),      cmocka_unit_test(test_nomem),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
