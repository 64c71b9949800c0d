/*
** kruskal.h: the Kruskal-Wallis rank-sum test of k independent groups.
**
** Kruskal, W. H. & Wallis, W. A. (1952) Use of ranks in one-criterion
** variance analysis. JASA 47, 583-621. As R's kruskal.test.default: with
** midranks r over all N values, group rank sums R_g and sizes n_g,
**
**   H = (12 / (N (N + 1)) sum_g R_g^2 / n_g - 3 (N + 1)) / (1 - sum(t^3 - t) / (N^3 - N))
**
** (t = sizes of tie groups), df = k - 1, p = P(chi^2_{k-1} >= H) (GSL).
**
** Arguments: x[n] finite values and g[n] group codes 0..k-1 (borrowed).
** Refused (AVN_E_DEGENERATE): fewer than 2 non-empty groups (R: "all
** observations are in the same group"), all values equal (H undefined);
** a code outside 0..k-1 is AVN_E_RANGE. Cost O(n log n).
*/
#ifndef AVN_STATS_KRUSKAL_H
#define AVN_STATS_KRUSKAL_H

#include <stddef.h>
#include "core/rc.h"

typedef struct kruskal_result {
  double statistic;   /* H, tie-corrected */
  double df;          /* non-empty groups - 1 */
  double p;
  size_t n, k;        /* values, non-empty groups */
} kruskal_result;

avn_rc kruskal_test(const double *x, const int *g, size_t n, size_t k,
                    kruskal_result *out /* OUT */);

#endif
