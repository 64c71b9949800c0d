/*
** desc.c: descriptive statistics (see desc.h).
**
** Reference: R Core, src/main/summary.c (rsum/mean) and src/library/stats/
** src/cov.c (two-pass variance); R's quantile.default (stats/R/quantile.R);
** Hyndman, R. J. & Fan, Y. (1996) Sample quantiles in statistical packages.
** The American Statistician 50, 361-365.
*/
#include "stats/desc.h"

#include <float.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

/* Values beyond 2^500 are summed divided by a power of two (exact), so the
** sums and squares stay finite for data near +-DBL_MAX even where long double
** is only double (valgrind, some ABIs); below 2^500 the scale is 1 and the
** arithmetic is R's, bit for bit. */
static double big_scale(const double *x, size_t n) {
  double mx = 0.0;
  for (size_t i = 0; i < n; i++)
    if (fabs(x[i]) > mx) mx = fabs(x[i]);
  if (!(mx > 0x1p500) || !isfinite(mx)) return 1.0;
  int e;
  frexp(mx, &e);
  return ldexp(1.0, e - 1);   /* max / scale in [1, 2): 2^1023 at most */
}

static long double mean_ld(const double *x, size_t n, double sc) {
  long double s = 0.0L;
  for (size_t i = 0; i < n; i++) s += x[i] / sc;
  s /= (long double)n;
  if (isfinite((double)s)) {
    long double t = 0.0L;
    for (size_t i = 0; i < n; i++) t += x[i] / sc - s;
    s += t / (long double)n;
  }
  return s;
}

double desc_mean(const double *x, size_t n) {
  if (n == 0) return NAN;
  double sc = big_scale(x, n);
  return (double)mean_ld(x, n, sc) * sc;
}

/* Two-pass sum of squares over n - 1 of x / sc (sc from big_scale). */
static long double var_scaled(const double *x, size_t n, double sc) {
  long double m = mean_ld(x, n, sc);
  long double ss = 0.0L;
  for (size_t i = 0; i < n; i++) {
    long double d = x[i] / sc - m;
    ss += d * d;
  }
  return ss / (long double)(n - 1);
}

double desc_var(const double *x, size_t n) {
  if (n < 2) return NAN;
  double sc = big_scale(x, n);
  return (double)var_scaled(x, n, sc) * sc * sc;
}

double desc_sd(const double *x, size_t n) {
  if (n < 2) return NAN;
  double sc = big_scale(x, n);
  return (double)sqrtl(var_scaled(x, n, sc)) * sc;
}

double desc_quantile_sorted(const double *s, size_t n, double p, int type) {
  if (n == 0) return NAN;
  if (type == 7) {
    double index = 1.0 + (double)(n - 1) * p;   /* 1-based */
    double lo = floor(index), hi = ceil(index);
    double qs = s[(size_t)lo - 1];
    double h = index - lo;
    double xh = s[(size_t)hi - 1];
    if (index > lo && xh != qs) qs = (1.0 - h) * qs + h * xh;
    return qs;
  }
  /* type 6: a = b = 0, nppm = p * (n + 1) */
  const double fuzz = 4.0 * DBL_EPSILON;
  double nppm = p * ((double)n + 1.0);
  double j = floor(nppm + fuzz);
  double h = nppm - j;
  if (fabs(h) < fuzz) h = 0.0;
  /* padded x: x[j+2] (1-based) is s[j-1] clamped to [s[0], s[n-1]] */
  long jj = (long)j;
  long i2 = jj - 1, i3 = jj;        /* 0-based indices of x[j+2], x[j+3] */
  if (i2 < 0) i2 = 0;
  if (i2 > (long)n - 1) i2 = (long)n - 1;
  if (i3 < 0) i3 = 0;
  if (i3 > (long)n - 1) i3 = (long)n - 1;
  double a = s[i2], b = s[i3];
  if (h == 1.0) return b;
  if (h > 0.0 && h < 1.0 && a != b) return (1.0 - h) * a + h * b;
  return a;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

avn_rc desc_summary(const double *x, size_t n, double conf_level, int quantile_type,
                    desc_result *out) {
  memset(out, 0, sizeof *out);
  if (n == 0) return AVN_E_DEGENERATE;
  if (quantile_type != 6 && quantile_type != 7) return AVN_E_RANGE;
  double *s = avn_malloc(n * sizeof *s);
  if (!s) return AVN_E_NOMEM;
  memcpy(s, x, n * sizeof *s);
  qsort(s, n, sizeof *s, cmp_double);
  out->n = n;
  out->conf_level = conf_level;
  out->quantile_type = quantile_type;
  out->mean = desc_mean(x, n);
  out->var = desc_var(x, n);
  out->sd = desc_sd(x, n);
  out->se = out->sd / sqrt((double)n);
  out->min = s[0];
  out->max = s[n - 1];
  size_t half = (n + 1) / 2;
  out->median = (n % 2) ? s[half - 1] : s[half - 1] / 2.0 + s[half] / 2.0;
  out->q1 = desc_quantile_sorted(s, n, 0.25, quantile_type);
  out->q3 = desc_quantile_sorted(s, n, 0.75, quantile_type);
  if (n >= 2) {
    double tq = gsl_cdf_tdist_Pinv(0.5 + conf_level / 2.0, (double)(n - 1));
    out->ci_low = out->mean - tq * out->se;
    out->ci_high = out->mean + tq * out->se;
  } else {
    out->ci_low = out->ci_high = NAN;
  }
  avn_free(s);
  return AVN_OK;
}
