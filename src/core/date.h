/*
** date.h: calendar dates as day numbers (days since 1970-01-01, proleptic
** Gregorian), with strict ISO parsing and calendar-month arithmetic.
**
** Month arithmetic clamps to the end of the month, as a clinic schedules:
** 2024-01-31 + 1 month = 2024-02-29, + 2 months = 2024-03-31. Offsets are
** always taken from the anchor date, never chained, so month 3 of a schedule
** anchored on 31 January is 30 April, not 29 April.
**
** Algorithms: Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms"
** (days_from_civil / civil_from_days), exact over +-5 million years.
*/
#ifndef AVN_DATE_H
#define AVN_DATE_H

#include <stdbool.h>
#include <stdint.h>
#include "core/rc.h"

typedef int32_t avn_date;

typedef enum { AVN_UNIT_DAY, AVN_UNIT_WEEK, AVN_UNIT_MONTH, AVN_UNIT_YEAR } avn_time_unit;

avn_date avn_date_from_ymd(int y, int m, int d);
void avn_date_to_ymd(avn_date t, int *y, int *m, int *d); /* OUT: y, m, d */
bool avn_ymd_valid(int y, int m, int d);
int avn_days_in_month(int y, int m);

/* Parses exactly "YYYY-MM-DD" (a real calendar date, year 1800-2999).
** AVN_E_PARSE on anything else. */
avn_rc avn_date_parse(const char *s, avn_date *out /* OUT */);
/* avn_date_parse, and on failure fills e with field, the text and why it
** is not a date ("not a date: February 2024 has 29 days"). */
avn_rc avn_date_check(const char *field, const char *s, avn_date *out /* OUT */, avn_err *e);
/* Writes "YYYY-MM-DD" into out, which must hold 11 bytes. Returns out. */
char *avn_date_format(avn_date t, char out[11]);

avn_date avn_date_add(avn_date t, int amount, avn_time_unit unit);
avn_date avn_date_add_months(avn_date t, int months);

/* Today in local time, or the date in $AVN_TODAY when set (for tests and
** for replaying a schedule as of a past day). */
avn_date avn_date_today(void);

/* Whole years between birth and on (age at a date). */
int avn_date_age_years(avn_date birth, avn_date on);

#endif
