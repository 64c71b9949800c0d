/*
** binom.c: the Wilson score interval (see binom.h for the formula and the
** paper). The normal quantile is GSL's gsl_cdf_ugaussian_Pinv.
*/
#include "stats/binom.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

avn_rc binom_wilson(size_t k, size_t n, double conf_level, double *lo, double *hi) {
  if (n == 0) return AVN_E_DEGENERATE;
  if (k > n || !(conf_level > 0 && conf_level < 1)) return AVN_E_RANGE;
  double z = gsl_cdf_ugaussian_Pinv(0.5 + conf_level / 2);
  double nn = (double)n, p = (double)k / nn, z2 = z * z;
  double centre = ((double)k + z2 / 2) / (nn + z2);
  double half = z * sqrt(nn) / (nn + z2) * sqrt(p * (1 - p) + z2 / (4 * nn));
  *lo = fmax(0.0, centre - half);
  *hi = fmin(1.0, centre + half);
  return AVN_OK;
}
