/*
** date.c: day numbers and calendar arithmetic (see date.h).
*/
#include "core/date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

avn_date avn_date_from_ymd(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (avn_date)(era * 146097 + (int)doe - 719468);
}

void avn_date_to_ymd(avn_date t, int *y, int *m, int *d) {
  int z = t + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = (unsigned)(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned dd = doy - (153 * mp + 2) / 5 + 1;
  const unsigned mm = mp < 10 ? mp + 3 : mp - 9;
  *y = (int)yoe + era * 400 + (mm <= 2);
  *m = (int)mm;
  *d = (int)dd;
}

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int avn_days_in_month(int y, int m) {
  static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && is_leap(y)) return 29;
  return dim[m - 1];
}

bool avn_ymd_valid(int y, int m, int d) {
  return m >= 1 && m <= 12 && d >= 1 && d <= avn_days_in_month(y, m);
}

/* The reason s is not a date, in words ("" when it is one); *out is set
** when it is. The one parser behind avn_date_parse and avn_date_check. */
static const char *date_reason(const char *s, avn_date *out, char *why, size_t n) {
  static const char *const months[12] = {"January", "February", "March",     "April",   "May",      "June",
                                         "July",    "August",   "September", "October", "November", "December"};
  if (!s || !*s) return "is empty: needs a date YYYY-MM-DD";
  if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return "needs a date YYYY-MM-DD";
  for (int i = 0; i < 10; i++) {
    if (i == 4 || i == 7) continue;
    if (s[i] < '0' || s[i] > '9') return "needs a date YYYY-MM-DD";
  }
  int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  int m = (s[5] - '0') * 10 + (s[6] - '0');
  int d = (s[8] - '0') * 10 + (s[9] - '0');
  if (y < 1800 || y > 2999) {
    snprintf(why, n, "the year %d is outside the years avn accepts (1800-2999)", y);
    return why;
  }
  if (m < 1 || m > 12) {
    snprintf(why, n, "not a date: there is no month %02d", m);
    return why;
  }
  if (d < 1 || d > avn_days_in_month(y, m)) {
    snprintf(why, n, "not a date: %s %d has %d days", months[m - 1], y, avn_days_in_month(y, m));
    return why;
  }
  *out = avn_date_from_ymd(y, m, d);
  return "";
}

avn_rc avn_date_parse(const char *s, avn_date *out) {
  char why[96];
  return *date_reason(s, out, why, sizeof why) ? AVN_E_PARSE : AVN_OK;
}

avn_rc avn_date_check(const char *field, const char *s, avn_date *out, avn_err *e) {
  char why[96];
  const char *r = date_reason(s, out, why, sizeof why);
  return *r ? avn_fail(e, AVN_E_PARSE, field, s, "%s", r) : AVN_OK;
}

char *avn_date_format(avn_date t, char out[11]) {
  int y, m, d;
  avn_date_to_ymd(t, &y, &m, &d);
  unsigned uy = (unsigned)y % 10000u, um = (unsigned)m % 100u, ud = (unsigned)d % 100u;
  out[0] = (char)('0' + uy / 1000); out[1] = (char)('0' + uy / 100 % 10);
  out[2] = (char)('0' + uy / 10 % 10); out[3] = (char)('0' + uy % 10);
  out[4] = '-'; out[5] = (char)('0' + um / 10); out[6] = (char)('0' + um % 10);
  out[7] = '-'; out[8] = (char)('0' + ud / 10); out[9] = (char)('0' + ud % 10);
  out[10] = '\0';
  return out;
}

avn_date avn_date_add_months(avn_date t, int months) {
  int y, m, d;
  avn_date_to_ymd(t, &y, &m, &d);
  int total = y * 12 + (m - 1) + months;
  int ny = total / 12, nm = total % 12 + 1;
  if (total < 0) { ny = (total - 11) / 12; nm = total - ny * 12 + 1; }
  int dim = avn_days_in_month(ny, nm);
  return avn_date_from_ymd(ny, nm, d > dim ? dim : d);
}

avn_date avn_date_add(avn_date t, int amount, avn_time_unit unit) {
  switch (unit) {
    case AVN_UNIT_DAY: return t + amount;
    case AVN_UNIT_WEEK: return t + 7 * amount;
    case AVN_UNIT_MONTH: return avn_date_add_months(t, amount);
    case AVN_UNIT_YEAR: return avn_date_add_months(t, 12 * amount);
  }
  return t;
}

avn_date avn_date_today(void) {
  const char *env = getenv("AVN_TODAY");
  avn_date t;
  if (env && avn_date_parse(env, &t) == AVN_OK) return t;
  time_t now = time(NULL);
  struct tm tm;
  localtime_r(&now, &tm);
  return avn_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int avn_date_age_years(avn_date birth, avn_date on) {
  int by, bm, bd, oy, om, od;
  avn_date_to_ymd(birth, &by, &bm, &bd);
  avn_date_to_ymd(on, &oy, &om, &od);
  int age = oy - by;
  if (om < bm || (om == bm && od < bd)) age--;
  return age;
}
