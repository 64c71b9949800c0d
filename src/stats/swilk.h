/*
** swilk.h: the Shapiro-Wilk W test of normality.
**
** Royston, P. (1995) Remark AS R94: A remark on Algorithm AS 181: the
** W-test for normality. Applied Statistics 44(4), 547-551. The code follows
** R's src/library/stats/src/swilk.c (a C port of AS R94) step for step, so W
** and p agree with shapiro.test() to rounding.
**
** Arguments: x[n] finite values, borrowed, any order (sorted internally);
** 3 <= n <= 5000. Refused: n out of range (AVN_E_RANGE), range of x below
** 1e-10 (AVN_E_DEGENERATE: "all values identical", as R). Cost O(n log n).
*/
#ifndef AVN_SWILK_H
#define AVN_SWILK_H

#include <stddef.h>

#include "core/rc.h"

typedef struct swilk_result {
  size_t n;
  double w;   /* the W statistic */
  double p;   /* p-value (upper tail of Royston's normalising transform;
                 exact for n = 3) */
} swilk_result;

avn_rc swilk_test(const double *x, size_t n, swilk_result *out /* OUT */);

#endif
