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

#include <stdbool.h>
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

/* Welch's one-way test of equal means without assuming equal variances
** (Welch, B. L. (1951) On the comparison of several mean values: an
** alternative approach. Biometrika 38, 330-336), as R's oneway.test(var.equal
** = FALSE): weights w_j = n_j / s_j^2, F on k - 1 and 1 / (3 tmp) df.
** Refused (AVN_E_DEGENERATE, bad_group set): a group with fewer than 2
** values or zero variance; k < 2. O(n). */
typedef struct anova_welch_result {
  size_t n, k;
  double statistic, df1, df2, p;
  size_t bad_group;   /* on refusal: the group at fault */
} anova_welch_result;
avn_rc anova_welch(const double *x, const int *g, size_t n, size_t k,
                   anova_welch_result *out /* OUT */);

/* Two-way (factorial) ANOVA of y on factors A (codes ga, a levels) and B
** (gb, b levels), with the A:B interaction when interaction is true, as R's
** anova(lm(y ~ A * B)): sequential (type I) sums of squares, A first, from
** the residual sums of squares of the nested treatment-coded least-squares
** fits (regress_ols). Terms: [0] A, [1] B, [2] A:B. Refused
** (AVN_E_DEGENERATE): a or b < 2; an empty A x B cell with the interaction
** (empty_a/empty_b name it; R would report aliased coefficients); no
** residual df or zero residual variance. O(n p^2), p = a b. */
typedef struct anova_twoway_result {
  size_t n, nterms;
  double df[3], ss[3], ms[3], statistic[3], p[3];
  double df_resid, ss_resid, ms_resid;
  size_t empty_a, empty_b;   /* on refusal for an empty cell */
} anova_twoway_result;
avn_rc anova_twoway(size_t n, const double *y, const int *ga, size_t a, const int *gb,
                    size_t b, bool interaction, anova_twoway_result *out /* OUT */,
                    avn_err *err);

#endif
