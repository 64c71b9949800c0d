/*
** test_rfmt.c: the report's number formatting never hides a sign
** (rctx.h: rfmt_num, rfmt_ci, rfmt_est_ci, rfmt_p). Every expected string is
** worked by hand below, from the rule and the value, not from avn's output.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "report/rctx.h"

static void test_num_keeps_sign(void **state) {
  (void)state;
  char b[64];
  /* -0.049 at 1 decimal: |x| < 0.05 rounds to 0.0, the sign stays */
  rfmt_num(b, sizeof b, -0.049, 1);
  assert_string_equal(b, "-0.0");
  rfmt_num(b, sizeof b, 0.049, 1);
  assert_string_equal(b, "0.0");
  rfmt_num(b, sizeof b, -0.05001, 1);
  assert_string_equal(b, "-0.1");
  rfmt_num(b, sizeof b, -1.25, 0);   /* -1.25 -> -1 */
  assert_string_equal(b, "-1");
  rfmt_num(b, sizeof b, -0.4, 0);
  assert_string_equal(b, "-0");
  /* float noise of a difference of equal recorded values is zero */
  rfmt_num(b, sizeof b, 2.0 - 2.0000000000000004, 1);
  assert_string_equal(b, "0.0");
  rfmt_num(b, sizeof b, -0.0, 2);
  assert_string_equal(b, "0.00");
  rfmt_num(b, sizeof b, NAN, 1);
  assert_string_equal(b, "NA");
}

static void test_ci_crossing_zero_shows_it(void **state) {
  (void)state;
  char b[128];
  /* issue 15: single-dose HHS at 6 weeks, change 1.7 (-0.049 to 3.4):
  ** -0.049 at 1 decimal is -0.0; one more decimal gives -0.05 */
  rfmt_est_ci(b, sizeof b, 1.7, -0.049, 3.4, 0, 1);
  assert_string_equal(b, "1.7 (-0.05 to 3.4)");
  /* a lower bound just above zero: 0.0004 needs 4 decimals to show 4 */
  rfmt_est_ci(b, sizeof b, 1.7, 0.0004, 3.4, 0, 1);
  assert_string_equal(b, "1.7 (0.0004 to 3.4)");
  /* an upper bound just below zero */
  rfmt_ci(b, sizeof b, -2.26, -0.003, 0, 1);
  assert_string_equal(b, "-2.3 to -0.003");
  /* exactly zero stays at the asked decimals */
  rfmt_ci(b, sizeof b, 0.0, 3.44, 0, 1);
  assert_string_equal(b, "0.0 to 3.4");
  /* ratios: the null is 1; 0.996 at 2 decimals would read 1.00 */
  rfmt_est_ci(b, sizeof b, 1.52, 0.996, 2.31, 1, 2);
  assert_string_equal(b, "1.52 (0.996 to 2.31)");
  rfmt_est_ci(b, sizeof b, 1.52, 1.0004, 2.31, 1, 2);
  assert_string_equal(b, "1.52 (1.0004 to 2.31)");
  /* far from the null nothing changes */
  rfmt_est_ci(b, sizeof b, 12.345, 10.01, 14.68, 0, 1);
  assert_string_equal(b, "12.3 (10.0 to 14.7)");
  /* no interval: the estimate alone */
  rfmt_est_ci(b, sizeof b, -0.02, NAN, NAN, 0, 1);
  assert_string_equal(b, "-0.0");
}

static void test_p_agrees_with_interval(void **state) {
  (void)state;
  char b[64];
  rfmt_p(b, sizeof b, 0.057);
  assert_string_equal(b, "0.057");
  /* 0.0496 < 0.05 would print as 0.050 at 3 decimals: one more decimal */
  rfmt_p(b, sizeof b, 0.0496);
  assert_string_equal(b, "0.0496");
  /* 0.04999 needs 5 decimals to print below 0.05 */
  rfmt_p(b, sizeof b, 0.04999);
  assert_string_equal(b, "0.04999");
  rfmt_p(b, sizeof b, 0.0504);   /* not below 0.05: 3 decimals */
  assert_string_equal(b, "0.050");
  rfmt_p(b, sizeof b, 0.0494);
  assert_string_equal(b, "0.049");
  rfmt_p(b, sizeof b, 0.0009);
  assert_string_equal(b, "<0.001");
  rfmt_p(b, sizeof b, NAN);
  assert_string_equal(b, "NA");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_num_keeps_sign),
      cmocka_unit_test(test_ci_crossing_zero_shows_it),
      cmocka_unit_test(test_p_agrees_with_interval),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
