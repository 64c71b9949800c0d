/*
** test_answers.c: item answers for synthetic patients (src/demo/answers.c)
** scored back by the instruments' own scorers:
**   - every HHS total the lattice offers between 30 and 100 gets answers
**     whose Harris Hip Score (hhs.c, default options) is that total, and a
**     hand-worked total: 54.6 = pain 20 + gait 8+5+5 + activities 2+2+3+1
**     + deformity 4 + ROM 4.6 is on the lattice; 2.0 cannot be reached (a
**     hip flexing at least 55 degrees has 3 ROM points) nor can 54.63 (the
**     grid is 0.05);
**   - every WOMAC raw total 0..96 gives 24 answers 0-4 summing to it;
**   - SF-36: a higher health level never gives lower RAND-36 scale scores
**     (no noise), level 0 gives the floor and level 1 the ceiling;
**   - MRI findings derive the Steinberg / Ficat stage they are meant to.
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

#include "demo/answers.h"

static demo_answers *A;
static gsl_rng *R;

static int setup(void **state) {
  (void)state;
  R = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(R, 11);
  return demo_answers_new(&A, NULL) == AVN_OK ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  demo_answers_free(A);
  gsl_rng_free(R);
  inst_registry_free();
  return 0;
}

static double result(const char *form, const demo_kv *kv, const char *name) {
  inst_scores sc;
  assert_int_equal(demo_kv_score(form, kv, &sc, NULL), AVN_OK);
  const inst_result *r = inst_scores_get(&sc, name);
  assert_non_null(r);
  assert_false(r->missing);
  return r->num;
}

static void test_hhs(void **state) {
  (void)state;
  static double lat[2000];
  size_t n = demo_hhs_lattice(A, 30, 100, lat, 2000);
  assert_true(n > 1300);          /* nearly every 0.05 step in 30..100 */
  demo_kv kv;
  demo_rom rom;
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(demo_hhs_items(A, lat[i], R, &kv, &rom, NULL), AVN_OK);
    double got = result("hhs", &kv, "total");
    if (fabs(got - lat[i]) > 1e-9) print_error("total %.2f scored %.6f\n", lat[i], got);
    assert_true(fabs(got - lat[i]) <= 1e-9);
    assert_true(rom.flexion >= 55 && rom.flexion <= 125);
  }
  int found = 0;
  for (size_t i = 0; i < n; i++) found |= fabs(lat[i] - 54.6) < 1e-9;
  assert_true(found);
  avn_err e;
  assert_int_equal(demo_hhs_items(A, 2.0, R, &kv, NULL, &e), AVN_E_RANGE);   /* ROM alone gives >= 3 */
  assert_int_equal(demo_hhs_items(A, 54.63, R, &kv, NULL, &e), AVN_E_RANGE);
}

static void test_womac(void **state) {
  (void)state;
  demo_kv kv;
  for (int raw = 0; raw <= 96; raw++) {
    assert_int_equal(demo_womac_items(raw, R, &kv, NULL), AVN_OK);
    assert_int_equal(kv.n, 24);
    assert_true(fabs(result("womac", &kv, "total") - raw) < 1e-12);
    assert_true(fabs(result("womac", &kv, "total_100") - raw * 100.0 / 96.0) < 1e-9);
  }
  assert_int_equal(demo_womac_items(97, R, &kv, NULL), AVN_E_RANGE);
}

static void test_sf36(void **state) {
  (void)state;
  static const char *const scales[] = {"pf", "rp", "re", "vt", "mh", "sf", "bp", "gh"};
  demo_kv kv;
  double prev[8];
  for (int step = 0; step <= 20; step++) {
    double level = step / 20.0;
    assert_int_equal(demo_sf36_items(A, level, level, 0, R, &kv, NULL), AVN_OK);
    assert_int_equal(kv.n, 36);
    for (int k = 0; k < 8; k++) {
      double x = result("sf36", &kv, scales[k]);
      if (step == 0) assert_true(x == 0);
      if (step == 20) assert_true(x == 100);
      if (step) assert_true(x >= prev[k]);
      prev[k] = x;
    }
  }
}

static void test_mri(void **state) {
  (void)state;
  demo_kv kv;
  int ord = -1;
  demo_mri m = {.reader = "R", .read_date = "2022-01-05", .xray = "normal", .head_pct = 12,
                .surface_pct = -1};
  assert_int_equal(demo_mri_items(&m, "steinberg", &kv, &ord, NULL), AVN_OK);
  assert_int_equal(ord, 1);                      /* normal radiograph, positive MRI: I */
  m.xray = "sclerosis";
  assert_int_equal(demo_mri_items(&m, "steinberg", &kv, &ord, NULL), AVN_OK);
  assert_int_equal(ord, 2);                      /* sclerosis: II */
  m.crescent = true;
  m.surface_pct = 12;
  assert_int_equal(demo_mri_items(&m, "steinberg", &kv, &ord, NULL), AVN_OK);
  assert_int_equal(ord, 3);                      /* crescent, no flattening: III */
  assert_int_equal(demo_mri_items(&m, "ficat", &kv, &ord, NULL), AVN_OK);
  assert_int_equal(ord, 3);                      /* Ficat original: crescent is III */
  m.flattening = true;
  m.depression_mm = 3;
  assert_int_equal(demo_mri_items(&m, "steinberg", &kv, &ord, NULL), AVN_OK);
  assert_int_equal(ord, 4);                      /* flattening: IV */
  /* The reader's stage is written as derived, so the two agree. */
  assert_true(result("mri", &kv, "steinberg_disagree") == 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hhs), cmocka_unit_test(test_womac), cmocka_unit_test(test_sf36),
      cmocka_unit_test(test_mri),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
