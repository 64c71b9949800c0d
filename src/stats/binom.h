/*
** binom.h: confidence interval for a binomial proportion.
**
** Wilson, E. B. (1927) Probable inference, the law of succession, and
** statistical inference. JASA 22, 209-212. The score interval: with
** p = k/n and z = the (1 + conf)/2 standard normal quantile,
**
**   centre = (k + z^2/2) / (n + z^2)
**   half   = z sqrt(n) / (n + z^2) * sqrt(p (1 - p) + z^2 / (4 n))
**
** and the interval is centre -/+ half (inside [0, 1] by construction).
** It is R's prop.test(k, n, correct = FALSE)$conf.int.
**
** Refused: n == 0 or k > n (AVN_E_DEGENERATE / AVN_E_RANGE), conf outside
** (0, 1) (AVN_E_RANGE). O(1).
*/
#ifndef AVN_STATS_BINOM_H
#define AVN_STATS_BINOM_H

#include <stddef.h>
#include "core/rc.h"

avn_rc binom_wilson(size_t k, size_t n, double conf_level, double *lo /* OUT */,
                    double *hi /* OUT */);

#endif
