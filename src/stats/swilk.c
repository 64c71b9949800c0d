/*
** swilk.c: Shapiro-Wilk W and its p-value (see swilk.h).
**
** Royston, P. (1995) Remark AS R94, Applied Statistics 44, 547-551; a port
** of the structure of R's swilk.c (itself from the Fortran AS R94): the
** coefficients a[] come from Blom-type normal scores m_i = qnorm((i -
** 0.375)/(n + 0.25)) corrected by Royston's polynomials in 1/sqrt(n) for
** the two (n > 5) or one (n <= 5) extreme coefficients; W is the squared
** correlation between the range-scaled data and a[], computed as 1 - W1 to
** keep precision when W is near 1; the p-value uses Royston's normalising
** transformations (log(1 - W) for n >= 12; -log(gamma - log(1 - W)) for
** 4 <= n <= 11) and the exact distribution for n = 3.
** Memory: one sorted copy of x and nn2 coefficients, freed here.
*/
#include "stats/swilk.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

static double poly(const double *cc, int nord, double x) {
  double ret = cc[0];
  if (nord > 1) {
    double p = x * cc[nord - 1];
    for (int j = nord - 2; j > 0; j--) p = (p + cc[j]) * x;
    ret += p;
  }
  return ret;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double sgn(long v) { return v > 0 ? 1.0 : (v < 0 ? -1.0 : 0.0); }

avn_rc swilk_test(const double *xin, size_t nin, swilk_result *out) {
  static const double small = 1e-19;
  static const double g[2] = {-2.273, .459};
  static const double c1[6] = {0., .221157, -.147981, -2.07119, 4.434685, -2.706056};
  static const double c2[6] = {0., .042981, -.293762, -1.752461, 5.682633, -3.582633};
  static const double c3[4] = {.544, -.39978, .025054, -6.714e-4};
  static const double c4[4] = {1.3822, -.77857, .062767, -.0020322};
  static const double c5[4] = {-1.5861, -.31082, -.083751, .0038915};
  static const double c6[3] = {-.4803, -.082676, .0030302};
  avn_rc rc = AVN_OK;
  double *x = NULL, *a = NULL;

  memset(out, 0, sizeof *out);
  if (nin < 3 || nin > 5000) return AVN_E_RANGE;
  long n = (long)nin, nn2 = n / 2;
  x = avn_malloc(nin * sizeof *x);
  a = avn_malloc((size_t)(nn2 + 1) * sizeof *a);   /* 1-based */
  if (!x || !a) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  memcpy(x, xin, nin * sizeof *x);
  qsort(x, nin, sizeof *x, cmp_double);
  if (x[n - 1] - x[0] < 1e-10) {   /* shapiro.test: "all 'x' values are identical" */
    rc = AVN_E_DEGENERATE;
    goto cleanup;
  }
  double an = (double)n;
  if (n == 3) {
    a[1] = sqrt(0.5);
  } else {
    double an25 = an + .25, summ2 = 0.0;
    for (long i = 1; i <= nn2; i++) {
      a[i] = gsl_cdf_ugaussian_Pinv(((double)i - .375) / an25);
      summ2 += a[i] * a[i];
    }
    summ2 *= 2.;
    double ssumm2 = sqrt(summ2);
    double rsn = 1. / sqrt(an);
    double a1 = poly(c1, 6, rsn) - a[1] / ssumm2, fac;
    long i1;
    if (n > 5) {
      i1 = 3;
      double a2 = -a[2] / ssumm2 + poly(c2, 6, rsn);
      fac = sqrt((summ2 - 2. * (a[1] * a[1]) - 2. * (a[2] * a[2])) /
                 (1. - 2. * (a1 * a1) - 2. * (a2 * a2)));
      a[2] = a2;
    } else {
      i1 = 2;
      fac = sqrt((summ2 - 2. * (a[1] * a[1])) / (1. - 2. * (a1 * a1)));
    }
    a[1] = a1;
    for (long i = i1; i <= nn2; i++) a[i] /= -fac;
  }
  double range = x[n - 1] - x[0];
  if (range < small) {
    rc = AVN_E_DEGENERATE;
    goto cleanup;
  }
  double xx = x[0] / range, sx = xx, sa = -a[1];
  for (long i = 1, j = n - 1; i < n; j--) {
    double xi = x[i] / range;
    sx += xi;
    i++;
    if (i != j) sa += sgn(i - j) * a[i < j ? i : j];
    xx = xi;
  }
  sa /= (double)n;
  sx /= (double)n;
  double ssa = 0., ssx = 0., sax = 0.;
  for (long i = 0, j = n - 1; i < n; i++, j--) {
    double asa;
    if (i != j)
      asa = sgn(i - j) * a[1 + (i < j ? i : j)] - sa;
    else
      asa = -sa;
    double xsx = x[i] / range - sx;
    ssa += asa * asa;
    ssx += xsx * xsx;
    sax += asa * xsx;
  }
  double ssassx = sqrt(ssa * ssx);
  double w1 = (ssassx - sax) * (ssassx + sax) / (ssa * ssx);
  out->n = nin;
  out->w = 1. - w1;
  if (n == 3) {
    const double pi6 = 1.90985931710274, stqr = 1.04719755119660;
    double pw = pi6 * (asin(sqrt(out->w)) - stqr);
    out->p = pw < 0. ? 0. : pw;
    goto cleanup;
  }
  double y = log(w1), m, s;
  xx = log(an);
  if (n <= 11) {
    double gamma = poly(g, 2, an);
    if (y >= gamma) {
      out->p = 1e-99;
      goto cleanup;
    }
    y = -log(gamma - y);
    m = poly(c3, 4, an);
    s = exp(poly(c4, 4, an));
  } else {
    m = poly(c5, 4, xx);
    s = exp(poly(c6, 3, xx));
  }
  out->p = gsl_cdf_ugaussian_Q((y - m) / s);

cleanup:
  avn_free(x);
  avn_free(a);
  return rc;
}
