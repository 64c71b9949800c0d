/*
** anova.h: one-way analysis of variance (fixed effects, k groups).
**
** F = (SSB/(k-1)) / (SSW/(N-k)), p = P(F_{k-1,N-k} > F) (GSL). Sums of
** squares by two passes: group means in long double with one refinement
** pass (as R's mean), then SSW = sum (x - mean_g)^2 and SSB = sum n_g
** (mean_g - grand)^2, which keeps the NIST StRD ANOVA files (SmLs*, AtmWtAg,
** SiRstv) to their certified digits. Fisher, R. A. (1925) Statistical
** Methods for Research Workers.
**
** Arguments: x[n] values and g[n] group codes 0..k-1 (borrowed); every group
** must be non-empty. Refused (AVN_E_DEGENERATE): k < 2, N <= k, or SSW = 0
** (F undefined). O(n).
*/
#ifndef AVN_ANOVA_H
#define AVN_ANOVA_H

#include <stddef.h>

#include "core/rc.h"

typedef struct anova_result {
  size_t n, k;
  double df1, df2;
  double ss_between, ss_within, ms_between, ms_within;
  double statistic, p;
  double eta_squared;  /* SSB / (SSB + SSW) */
} anova_result;

avn_rc anova_oneway(const double *x, const int *g, size_t n, size_t k,
                    anova_result *out /* OUT */);

#endif
