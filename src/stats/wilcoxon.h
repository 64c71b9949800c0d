/*
** wilcoxon.h: Wilcoxon signed-rank and rank-sum (Mann-Whitney) tests.
**
** Wilcoxon, F. (1945) Individual comparisons by ranking methods.
** Biometrics Bulletin 1, 80-83; Mann, H. B. & Whitney, D. R. (1947) On a
** test of whether one of two random variables is stochastically larger
** than the other. Ann. Math. Statist. 18, 50-60. Rules as R's
** wilcox.test.default:
**   signed rank: zero differences are dropped; V = sum of the ranks of the
**     positive differences (midranks for ties); exact when exact_mode is
**     "auto" and n < 50, or "yes", and there are no ties and no zeros;
**     otherwise the normal approximation with the tie-corrected variance
**     n(n+1)(2n+1)/24 - sum(t^3 - t)/48 and, unless correct == false, the
**     continuity correction of 0.5 towards zero.
**   rank sum: W = sum of ranks of x - nx(nx+1)/2; exact when auto and
**     nx < 50 and ny < 50 (or "yes") with no ties; otherwise normal with
**     variance nx ny/12 ((N+1) - sum(t^3 - t)/(N(N-1))).
** Exact null distributions: the signed-rank distribution by the recursion
** p_n(s) = (p_{n-1}(s) + p_{n-1}(s - n))/2, O(n^3); the rank-sum one by
** p_{m,n}(k) = m/(m+n) p_{m-1,n}(k - n) + n/(m+n) p_{m,n-1}(k), O(m^2 n^2)
** with m = min(nx, ny); both in probabilities, so nothing overflows.
** Exact sizes are capped (AVN_E_RANGE) so a forced --exact yes on huge data
** cannot run for hours: signed rank n <= 5000, rank sum min^2*max <= 4e7.
**
** exact_mode: 0 auto, 1 yes, 2 no. alternative: 0 two-sided, 1 less,
** 2 greater. Arguments borrowed; refused with AVN_E_DEGENERATE: no non-zero
** difference (signed rank), an empty group (rank sum).
** Hodges-Lehmann (Hodges, J. L. & Lehmann, E. L. (1963) Estimates of
** location based on rank tests. Ann. Math. Statist. 34, 598-611), as R's
** conf.int = TRUE: in the exact case the median of the Walsh averages
** (x_i + x_j)/2, i <= j (signed rank) or of the differences x_i - y_j
** (rank sum), with the CI from the exact null quantiles (R's
** qsignrank/qwilcox) and R's report of the achieved level when the
** requested one is not reachable; otherwise the roots of the standardized
** statistic as a function of the shift, by R's uniroot algorithm (Brent,
** tol 1e-4) so the same point of each step is returned. Walsh averages
** take O(n^2) memory, only in the exact case (n < 50 unless --exact yes).
*/
#ifndef AVN_WILCOXON_H
#define AVN_WILCOXON_H

#include <stdbool.h>
#include <stddef.h>

#include "core/rc.h"

typedef struct wilcoxon_result {
  double statistic;  /* V (signed rank) or W (rank sum) */
  double p;
  bool exact;        /* exact distribution used */
  bool ties;         /* ties among |d| (signed rank) or among all values */
  bool correct;      /* continuity correction applied */
  size_t n;          /* signed rank: non-zero differences; rank sum: nx + ny */
  size_t n_zero;     /* signed rank: zero differences dropped */
  double z;          /* normal approximation: the z used (NaN if exact) */
} wilcoxon_result;

avn_rc wilcoxon_signed_rank(const double *d, size_t n, double mu, int exact_mode,
                            bool correct, int alternative, wilcoxon_result *out /* OUT */);
avn_rc wilcoxon_rank_sum(const double *x, size_t nx, const double *y, size_t ny, double mu,
                         int exact_mode, bool correct, int alternative,
                         wilcoxon_result *out /* OUT */);

typedef struct wilcoxon_hl {
  double estimate;          /* (pseudo)median or difference in location */
  double ci_low, ci_high;   /* one-sided: one infinite end */
  double conf_level;        /* achieved level when R reports one, else requested */
  bool exact;
} wilcoxon_hl;
/* Same arguments as the tests above, with exact = the test's own choice
** (wilcoxon_result.exact: R computes the exact interval exactly when it
** computes the exact p), plus the confidence level. AVN_E_DEGENERATE: no
** non-zero difference, or all values tied at a shift (R: "cannot compute
** confidence interval"). The rank-sum shift is x - y whatever mu. */
avn_rc wilcoxon_hl_signed(const double *d, size_t n, double mu, bool exact, bool correct,
                          int alternative, double conf_level, wilcoxon_hl *out /* OUT */);
avn_rc wilcoxon_hl_ranksum(const double *x, size_t nx, const double *y, size_t ny, bool exact,
                           bool correct, int alternative, double conf_level,
                           wilcoxon_hl *out /* OUT */);

/* Exact null CDFs: P(V <= q) for n and P(W <= q) for (m, n); q may be < 0. */
avn_rc wilcoxon_psignrank(double q, size_t n, bool upper, double *p /* OUT */);
avn_rc wilcoxon_pwilcox(double q, size_t m, size_t n, bool upper, double *p /* OUT */);

/* Midranks (average ranks, 1-based) of v[n] into r[n]; ties gets sum(t^3-t)
** over tie groups. O(n log n). */
avn_rc wilcoxon_rank(const double *v, size_t n, double *r /* OUT */, double *ties /* OUT */);

#endif
