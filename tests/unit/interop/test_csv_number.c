/*
** test_csv_number.c: csv_parse_double, whose plain decimals take a fast
** path (Clinger: whole number < 2^53 over a power of ten <= 1e22). The
** reference is the C library's strtod (glibc rounds correctly): every case
** must give the same double, bit for bit, or be refused where strtod's
** rules refuse it. Hand-worked cases first, then a million random decimals
** from a fixed seed, shaped like CSV numbers (sign, up to 17 digits, a
** point anywhere).
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interop/csv_table.h"

static void same_as_strtod(const char *s) {
  double got = 0, want = strtod(s, NULL);
  assert_true(csv_parse_double(s, &got));
  if (memcmp(&got, &want, sizeof got)) fail_msg("%s: got %.17g, strtod %.17g", s, got, want);
}

static void test_hand(void **st) {
  (void)st;
  double x = 0;
  /* 0.1 is not a double: 0.1000000000000000055511151231257827 is the nearest,
  ** 1 / 10 rounded once, which is what strtod gives. */
  same_as_strtod("0.1");
  assert_true(csv_parse_double("0.1", &x) && x == 1.0 / 10);
  same_as_strtod("-12.345");   /* -12345 / 1e3 */
  same_as_strtod("380");
  same_as_strtod("+7.");
  same_as_strtod(".5");
  same_as_strtod("  42 ");
  same_as_strtod("-0");        /* negative zero, as strtod */
  assert_true(csv_parse_double("-0", &x) && signbit(x));
  same_as_strtod("9007199254740991");      /* 2^53 - 1: the largest fast whole number */
  same_as_strtod("9007199254740993");      /* 2^53 + 1: not a double, strtod's path rounds it */
  same_as_strtod("0.0000000000000000000001");   /* 22 places */
  same_as_strtod("0.00000000000000000000001");  /* 23 places: strtod's path */
  same_as_strtod("1e5");
  same_as_strtod("123456789012345678901234567890");
  /* refused, as before: not a decimal number */
  const char *bad[] = {"", "-", ".", "1.2.3", "1,5", "NaN", "inf", "0x10", "1 2", "12a", NULL};
  for (size_t i = 0; bad[i]; i++)
    if (csv_parse_double(bad[i], &x)) fail_msg("'%s' was read as %g", bad[i], x);
}

static void test_random(void **st) {
  (void)st;
  uint64_t state = 0x9E3779B97F4A7C15u;
  char buf[40];
  for (int i = 0; i < 1000000; i++) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    uint64_t r = state >> 11;
    int nd = 1 + (int)(r % 17), point = (int)((r >> 5) % (unsigned)(nd + 1));
    size_t k = 0;
    if (r & (1u << 10)) buf[k++] = '-';
    for (int d = 0; d < nd; d++) {
      if (d == point && point > 0) buf[k++] = '.';
      state = state * 6364136223846793005u + 1442695040888963407u;
      buf[k++] = (char)('0' + (state >> 33) % 10);
    }
    buf[k] = '\0';
    same_as_strtod(buf);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_hand), cmocka_unit_test(test_random)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
