/*
** ttest.h: Student's and Welch's t tests (one-sample, paired, two-sample).
**
** Formulas as R's t.test.default: one-sample / paired on d = y - x with
** se = sd(d)/sqrt(n), df = n - 1; two-sample Student with the pooled
** variance, df = nx + ny - 2; Welch (1947) with the Satterthwaite df.
** Distributions from GSL (gsl_cdf_tdist_*). Alternative: 0 two-sided,
** 1 less, 2 greater (stats_alt order); a one-sided CI has one infinite end.
**
** Refused: fewer than 2 values (AVN_E_DEGENERATE), and data that are
** essentially constant (se < 10 * DBL_EPSILON * |estimate|, R's rule);
** the caller names the column. Data near +-DBL_MAX are handled by scaling
** (desc_sd); an estimate beyond the double range (mean(x) - mean(y) or
** mean - mu overflowing) is AVN_E_RANGE. Arguments borrowed; O(n).
*/
#ifndef AVN_TTEST_H
#define AVN_TTEST_H

#include <stdbool.h>
#include <stddef.h>

#include "core/rc.h"

typedef struct ttest_result {
  double estimate;          /* mean(d) or mean(x) - mean(y) */
  double mean_x, mean_y;    /* two-sample: group means */
  double statistic, df, p, se;
  double ci_low, ci_high, conf_level;
  size_t n, nx, ny;
} ttest_result;

/* One-sample test of mean(x) = mu; paired = one-sample on differences. */
avn_rc ttest_one(const double *x, size_t n, double mu, int alternative, double conf_level,
                 ttest_result *out /* OUT */);
/* Two-sample test of mean(x) - mean(y) = mu. var_equal: Student, else Welch. */
avn_rc ttest_two(const double *x, size_t nx, const double *y, size_t ny, double mu,
                 bool var_equal, int alternative, double conf_level,
                 ttest_result *out /* OUT */);

#endif
