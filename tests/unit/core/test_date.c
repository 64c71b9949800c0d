/*
** test_date.c: calendar arithmetic. Expected dates worked by hand from a
** printed calendar: 2024 is a leap year, 2023 and 2100 are not.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/date.h"

static avn_date D(const char *s) {
  avn_date t = 0;
  assert_int_equal(avn_date_parse(s, &t), AVN_OK);
  return t;
}

static void check_add(const char *from, int n, avn_time_unit u, const char *want) {
  char out[11];
  avn_date_format(avn_date_add(D(from), n, u), out);
  assert_string_equal(out, want);
}

static void test_epoch(void **s) {
  (void)s;
  assert_int_equal(D("1970-01-01"), 0);
  assert_int_equal(D("1970-01-02"), 1);
  assert_int_equal(D("1969-12-31"), -1);
  assert_int_equal(D("2000-03-01") - D("2000-02-28"), 2); /* 2000 is leap */
  assert_int_equal(D("2100-03-01") - D("2100-02-28"), 1); /* 2100 is not */
  assert_int_equal(D("2025-01-01") - D("2024-01-01"), 366);
}

static void test_months_clamp(void **s) {
  (void)s;
  check_add("2024-01-31", 1, AVN_UNIT_MONTH, "2024-02-29");
  check_add("2023-01-31", 1, AVN_UNIT_MONTH, "2023-02-28");
  check_add("2024-01-31", 3, AVN_UNIT_MONTH, "2024-04-30");
  check_add("2024-01-31", 6, AVN_UNIT_MONTH, "2024-07-31");
  check_add("2024-01-31", 12, AVN_UNIT_MONTH, "2025-01-31");
  check_add("2024-01-31", 13, AVN_UNIT_MONTH, "2025-02-28");
  check_add("2024-01-31", 24, AVN_UNIT_MONTH, "2026-01-31");
  check_add("2024-02-29", 1, AVN_UNIT_YEAR, "2025-02-28");
  check_add("2024-03-31", -1, AVN_UNIT_MONTH, "2024-02-29");
  check_add("2024-01-15", -1, AVN_UNIT_MONTH, "2023-12-15");
  check_add("2024-01-31", 2, AVN_UNIT_WEEK, "2024-02-14");
  check_add("2024-02-28", 2, AVN_UNIT_DAY, "2024-03-01");
}

static void test_parse_rejects(void **s) {
  (void)s;
  avn_date t;
  const char *bad[] = {"2023-02-29", "2024-13-01", "2024-00-10", "2024-1-01",
                       "24-01-01", "2024/01/01", "2024-01-32", "", "2024-01-01x",
                       "abcd-ef-gh", "1700-01-01"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(avn_date_parse(bad[i], &t), AVN_E_PARSE);
}

/* The reason names what is wrong, worked from a printed calendar. */
static void check_why(const char *text, const char *rule) {
  avn_date t = 0;
  avn_err e;
  avn_err_clear(&e);
  assert_int_equal(avn_date_check("--date", text, &t, &e), AVN_E_PARSE);
  assert_string_equal(e.field, "--date");
  assert_string_equal(e.value, text);
  assert_string_equal(e.rule, rule);
}

static void test_check_reasons(void **s) {
  (void)s;
  check_why("2024-02-30", "not a date: February 2024 has 29 days");
  check_why("2023-02-29", "not a date: February 2023 has 28 days");
  check_why("2100-02-29", "not a date: February 2100 has 28 days");
  check_why("2024-04-31", "not a date: April 2024 has 30 days");
  check_why("2024-01-00", "not a date: January 2024 has 31 days");
  check_why("2024-13-01", "not a date: there is no month 13");
  check_why("2024-00-10", "not a date: there is no month 00");
  check_why("1700-01-01", "the year 1700 is outside the years avn accepts (1800-2999)");
  check_why("2024/01/01", "needs a date YYYY-MM-DD");
  check_why("", "is empty: needs a date YYYY-MM-DD");
  avn_date t = 0;
  assert_int_equal(avn_date_check("--date", "2024-02-29", &t, NULL), AVN_OK);
  assert_int_equal(t, D("2024-03-01") - 1);
}

static void test_age(void **s) {
  (void)s;
  assert_int_equal(avn_date_age_years(D("1985-06-15"), D("2024-06-14")), 38);
  assert_int_equal(avn_date_age_years(D("1985-06-15"), D("2024-06-15")), 39);
  assert_int_equal(avn_date_age_years(D("2000-02-29"), D("2023-02-28")), 22);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_epoch),
      cmocka_unit_test(test_check_reasons),
      cmocka_unit_test(test_months_clamp),
      cmocka_unit_test(test_parse_rejects),
      cmocka_unit_test(test_age),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
