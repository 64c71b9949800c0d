/*
** desc.h: descriptive statistics of one numeric sample.
**
** desc_summary() gives n, mean, sd, se, median, quartiles, min, max and the
** t-based confidence interval of the mean, computed as R does: the mean in
** long double with one refinement pass (R's summary.c), the variance by the
** two-pass formula over n - 1 (R's cov.c), quantiles by Hyndman & Fan
** (1996) type 7 (R's default) or type 6 (SPSS), written exactly as R's
** quantile.default so ties and interpolation agree to the last bit.
**
** Arguments: x[n] finite values (missing ones already removed), borrowed.
** Cost O(n log n) (one sorted copy). n == 0 is AVN_E_DEGENERATE; with n == 1
** the sd, se and CI are NaN (R gives NA) and the caller shows them as null.
*/
#ifndef AVN_DESC_H
#define AVN_DESC_H

#include <stddef.h>

#include "core/rc.h"

typedef struct desc_result {
  size_t n;
  double mean, sd, var, se;
  double median, q1, q3, min, max;
  double ci_low, ci_high;   /* mean +- qt((1+conf)/2, n-1) * se */
  double conf_level;
  int quantile_type;        /* 6 or 7 */
} desc_result;

avn_rc desc_summary(const double *x, size_t n, double conf_level, int quantile_type,
                    desc_result *out /* OUT */);

/* Quantile of a SORTED array, Hyndman-Fan type 6 or 7, as R. */
double desc_quantile_sorted(const double *s, size_t n, double p, int type);
/* Mean as R computes it (long double sum, one refinement pass). */
double desc_mean(const double *x, size_t n);
/* Sample variance (n - 1 denominator), two-pass; NaN when n < 2; +Inf when
** it exceeds DBL_MAX (data near +-1e308). */
double desc_var(const double *x, size_t n);
/* Sample standard deviation, finite for any finite data (the squares are
** summed in long double); NaN when n < 2. */
double desc_sd(const double *x, size_t n);

#endif
