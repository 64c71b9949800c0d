/*
** ttest.c: t tests (see ttest.h).
** Reference: R's t.test.default (stats/R/t.test.R); Welch, B. L. (1947)
** The generalization of "Student's" problem when several different
** population variances are involved. Biometrika 34, 28-35.
*/
#include "stats/ttest.h"

#include <float.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

#include "stats/desc.h"

static void finish(double tstat, double df, double se, double mu, int alt, double cl,
                   ttest_result *r) {
  r->statistic = tstat;
  r->df = df;
  r->se = se;
  r->conf_level = cl;
  if (alt == 1) {
    r->p = gsl_cdf_tdist_P(tstat, df);
    r->ci_low = -INFINITY;
    r->ci_high = mu + (tstat + gsl_cdf_tdist_Pinv(cl, df)) * se;
  } else if (alt == 2) {
    r->p = gsl_cdf_tdist_Q(tstat, df);
    r->ci_low = mu + (tstat - gsl_cdf_tdist_Pinv(cl, df)) * se;
    r->ci_high = INFINITY;
  } else {
    r->p = 2.0 * gsl_cdf_tdist_P(-fabs(tstat), df);
    double q = gsl_cdf_tdist_Pinv(1.0 - (1.0 - cl) / 2.0, df);
    r->ci_low = mu + (tstat - q) * se;
    r->ci_high = mu + (tstat + q) * se;
  }
}

avn_rc ttest_one(const double *x, size_t n, double mu, int alt, double cl, ttest_result *r) {
  memset(r, 0, sizeof *r);
  if (n < 2) return AVN_E_DEGENERATE;
  double m = desc_mean(x, n);
  double se = desc_sd(x, n) / sqrt((double)n);
  if (!isfinite(m - mu)) return AVN_E_RANGE;
  if (!(se >= 10.0 * DBL_EPSILON * fabs(m)) || se == 0.0) return AVN_E_DEGENERATE;
  r->n = n;
  r->estimate = m;
  finish((m - mu) / se, (double)(n - 1), se, mu, alt, cl, r);
  return AVN_OK;
}

avn_rc ttest_two(const double *x, size_t nx, const double *y, size_t ny, double mu,
                 bool var_equal, int alt, double cl, ttest_result *r) {
  memset(r, 0, sizeof *r);
  if (var_equal ? (nx < 1 || ny < 1 || nx + ny < 3) : (nx < 2 || ny < 2))
    return AVN_E_DEGENERATE;
  double mx = desc_mean(x, nx), my = desc_mean(y, ny);
  double sdx = nx > 1 ? desc_sd(x, nx) : 0.0, sdy = ny > 1 ? desc_sd(y, ny) : 0.0;
  /* variances relative to the larger sd, so data near +-1e308 (whose
  ** variances overflow) give the same t; at ordinary magnitudes the scale
  ** is 1 and the formulas are R's */
  double sc = fmax(sdx, sdy) > 0x1p500 ? fmax(sdx, sdy) : 1.0;
  double vx = (sdx / sc) * (sdx / sc), vy = (sdy / sc) * (sdy / sc);
  if (sc == 1.0) {
    vx = nx > 1 ? desc_var(x, nx) : 0.0;
    vy = ny > 1 ? desc_var(y, ny) : 0.0;
  }
  double df, se;
  if (var_equal) {
    df = (double)(nx + ny - 2);
    double v = 0.0;
    if (nx > 1) v += (double)(nx - 1) * vx;
    if (ny > 1) v += (double)(ny - 1) * vy;
    v /= df;
    se = sqrt(v * (1.0 / (double)nx + 1.0 / (double)ny));
  } else {
    double sx = vx / (double)nx, sy = vy / (double)ny;
    se = sqrt(sx + sy);
    df = (se * se) * (se * se) / (sx * sx / (double)(nx - 1) + sy * sy / (double)(ny - 1));
  }
  se *= sc;
  if (!isfinite(mx - my)) return AVN_E_RANGE;
  if (!(se >= 10.0 * DBL_EPSILON * fmax(fabs(mx), fabs(my))) || se == 0.0)
    return AVN_E_DEGENERATE;
  r->n = nx + ny;
  r->nx = nx;
  r->ny = ny;
  r->mean_x = mx;
  r->mean_y = my;
  r->estimate = mx - my;
  finish((mx - my - mu) / se, df, se, mu, alt, cl, r);
  return AVN_OK;
}
