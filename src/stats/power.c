/*
** power.c: t-test and log-rank power / sample size. See power.h for the
** formulas and papers (Cohen 1988; Lenth 1989 AS 243; Schoenfeld 1983).
**
** power_pnt follows AS 243 as R's nmath/pnt.c does: for t >= 0 it sums the
** Poisson-weighted incomplete beta series in the even and odd terms until
** the remaining Poisson mass bounds the error below 1e-12; for t < 0 it
** uses P(T <= t; ncp) = 1 - P(T <= -t; -ncp). Huge df or ncp fall back to
** the normal approximation (Abramowitz & Stegun 26.7.10) as R does.
*/
#include "stats/power.h"

#include <math.h>
#include <float.h>
#include <stdio.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>

double power_pnt(double t, double df, double ncp) {
  const int itrmax = 1000;
  const double errmax = 1e-12;
  double tt, del, x, lambda, p, q, s, a, b, rxb, albeta, xodd, godd, xeven,
      geven, tnc, errbd;
  int negdel, it;

  if (!(df > 0)) return NAN;
  if (ncp == 0.0) return gsl_cdf_tdist_P(t, df);
  if (t >= 0) {
    negdel = 0;
    tt = t;
    del = ncp;
  } else {
    if (ncp > 40) return 0.0;
    negdel = 1;
    tt = -t;
    del = -ncp;
  }
  if (df > 4e5 || del * del > 2 * 0.693147180559945309417232 * (-(DBL_MIN_EXP))) {
    double s4 = 1. / (4. * df);
    double z = (tt * (1. - s4) - del) / sqrt(1. + tt * tt * 2. * s4);
    return negdel ? gsl_cdf_ugaussian_Q(z) : gsl_cdf_ugaussian_P(z);
  }
  x = t * t;
  x = x / (x + df);
  tnc = 0.0;
  if (x > 0.) {
    lambda = del * del;
    p = .5 * exp(-.5 * lambda);
    if (p == 0.) return negdel ? 1.0 : 0.0; /* underflow: |ncp| > 38 */
    q = 0.797884560802865355879892 * p * del;
    s = .5 - p;
    if (s < 1e-7) s = -0.5 * expm1(-0.5 * lambda);
    a = .5;
    b = .5 * df;
    rxb = pow(1. - x, b);
    albeta = 0.572364942924700087071713 + gsl_sf_lngamma(b) - gsl_sf_lngamma(.5 + b);
    xodd = gsl_cdf_beta_P(x, a, b);
    godd = 2. * rxb * exp(a * log(x) - albeta);
    tnc = b * x;
    xeven = (tnc < DBL_EPSILON) ? tnc : 1. - rxb;
    geven = tnc * rxb;
    tnc = p * xodd + q * xeven;
    for (it = 1; it <= itrmax; it++) {
      a += 1.;
      xodd -= godd;
      xeven -= geven;
      godd *= x * (a + b - 1.) / a;
      geven *= x * (a + b - .5) / (a + .5);
      p *= lambda / (2 * it);
      q *= lambda / (2 * it + 1);
      tnc += p * xodd + q * xeven;
      s -= p;
      if (s < -1.e-10) break; /* rounding: accept what we have */
      if (s <= 0 && it > 1) break;
      errbd = 2. * s * (xodd - godd);
      if (fabs(errbd) < errmax) break;
    }
    if (it > itrmax) return NAN;
  }
  tnc += gsl_cdf_ugaussian_P(-del);
  if (tnc > 1.) tnc = 1.;
  return negdel ? 1. - tnc : tnc;
}

/* Two-sided power at real n; no argument checks (callers did them). */
static double t_power(power_design design, double n, double d, double alpha) {
  double df = design == POWER_TWO_SAMPLE ? 2. * (n - 1.) : n - 1.;
  double ncp = design == POWER_TWO_SAMPLE ? d * sqrt(n / 2.) : d * sqrt(n);
  double qu = gsl_cdf_tdist_Qinv(alpha / 2., df);
  return (1. - power_pnt(qu, df, ncp)) + power_pnt(-qu, df, ncp);
}

static avn_rc check_common(double delta, double sd, double alpha, avn_err *err) {
  char v[64];
  if (!isfinite(delta) || delta == 0.) {
    snprintf(v, sizeof v, "%g", delta);
    return avn_fail(err, AVN_E_RANGE, "delta", v, "must be a finite non-zero difference");
  }
  if (!isfinite(sd) || sd <= 0.) {
    snprintf(v, sizeof v, "%g", sd);
    return avn_fail(err, AVN_E_RANGE, "sd", v, "must be a finite standard deviation > 0");
  }
  if (!(alpha > 0. && alpha < 1.)) {
    snprintf(v, sizeof v, "%g", alpha);
    return avn_fail(err, AVN_E_RANGE, "alpha", v, "must be strictly between 0 and 1");
  }
  return AVN_OK;
}

avn_rc power_t_power(power_design design, double n, double delta, double sd,
                     double alpha, avn_err *err, double *power) {
  avn_rc rc = check_common(delta, sd, alpha, err);
  char v[64];
  if (rc) return rc;
  if (!isfinite(n) || n < 2.) {
    snprintf(v, sizeof v, "%g", n);
    return avn_fail(err, AVN_E_RANGE, "n", v, "must be at least 2");
  }
  *power = t_power(design, n, fabs(delta) / sd, alpha);
  snprintf(v, sizeof v, "%g", n);
  if (!isfinite(*power))
    return avn_fail(err, AVN_E_NOCONV, "n", v, "noncentral t series did not converge");
  return AVN_OK;
}

avn_rc power_t_n(power_design design, double delta, double sd, double alpha,
                 double power, avn_err *err, double *n) {
  avn_rc rc = check_common(delta, sd, alpha, err);
  double d, lo = 2., hi = 4., plo, phi;
  char v[64];
  int i;
  if (rc) return rc;
  if (!(power > alpha / 2. && power < 1.)) {
    snprintf(v, sizeof v, "%g", power);
    return avn_fail(err, AVN_E_RANGE, "power", v,
                    "must be between alpha/2 and 1 (exclusive)");
  }
  d = fabs(delta) / sd;
  plo = t_power(design, lo, d, alpha);
  if (plo >= power) {
    snprintf(v, sizeof v, "%g", delta);
    return avn_fail(err, AVN_E_RANGE, "delta", v,
                    "effect so large that n = 2 already exceeds the power");
  }
  phi = t_power(design, hi, d, alpha);
  while (phi < power) {
    lo = hi;
    hi *= 2.;
    if (hi > 1e10) {
      snprintf(v, sizeof v, "%g", delta);
      return avn_fail(err, AVN_E_RANGE, "delta", v,
                      "effect too small: more than 1e10 subjects needed");
    }
    phi = t_power(design, hi, d, alpha);
  }
  /* Bisection: power(n) is increasing; 200 halvings reach machine precision. */
  for (i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
    double mid = 0.5 * (lo + hi);
    if (t_power(design, mid, d, alpha) < power)
      lo = mid;
    else
      hi = mid;
  }
  *n = 0.5 * (lo + hi);
  return AVN_OK;
}

avn_rc power_inflate_dropout(double n, double dropout, avn_err *err,
                             double *n_ceiling, double *n_with_dropout) {
  char v[64];
  if (!(dropout >= 0. && dropout < 1.)) {
    snprintf(v, sizeof v, "%g", dropout);
    return avn_fail(err, AVN_E_RANGE, "dropout", v, "must be in [0, 1)");
  }
  *n_ceiling = ceil(n - 1e-9 * n); /* 36.0000000001 from rounding stays 36 */
  *n_with_dropout = ceil(*n_ceiling / (1. - dropout) - 1e-9);
  return AVN_OK;
}

avn_rc power_logrank(double hr, double alpha, double power, double alloc,
                     double p_event, avn_err *err, double *events, double *n) {
  char v[64];
  double z;
  if (!isfinite(hr) || hr <= 0. || hr == 1.) {
    snprintf(v, sizeof v, "%g", hr);
    return avn_fail(err, AVN_E_RANGE, "hr", v, "must be > 0 and not 1");
  }
  if (!(alpha > 0. && alpha < 1.)) {
    snprintf(v, sizeof v, "%g", alpha);
    return avn_fail(err, AVN_E_RANGE, "alpha", v, "must be strictly between 0 and 1");
  }
  if (!(power > 0. && power < 1.)) {
    snprintf(v, sizeof v, "%g", power);
    return avn_fail(err, AVN_E_RANGE, "power", v, "must be strictly between 0 and 1");
  }
  if (!(alloc > 0. && alloc < 1.)) {
    snprintf(v, sizeof v, "%g", alloc);
    return avn_fail(err, AVN_E_RANGE, "alloc", v, "must be strictly between 0 and 1");
  }
  if (!(p_event > 0. && p_event <= 1.)) {
    snprintf(v, sizeof v, "%g", p_event);
    return avn_fail(err, AVN_E_RANGE, "p-event", v, "must be in (0, 1]");
  }
  z = gsl_cdf_ugaussian_Qinv(alpha / 2.) + gsl_cdf_ugaussian_Pinv(power);
  *events = z * z / (alloc * (1. - alloc) * log(hr) * log(hr));
  *n = *events / p_event;
  return AVN_OK;
}

/* ---- two proportions: R's power.prop.test --------------------------------- */

static avn_rc open01(const char *name, double x, avn_err *err) {
  char v[64];
  if (x > 0. && x < 1.) return AVN_OK;
  snprintf(v, sizeof v, "%g", x);
  return avn_fail(err, AVN_E_RANGE, name, v, "must be strictly between 0 and 1");
}

static avn_rc prop_args(double p1, double p2, double alpha, int sides, avn_err *err) {
  avn_rc rc = open01("p1", p1, err);
  if (!rc) rc = open01("p2", p2, err);
  if (!rc) rc = open01("alpha", alpha, err);
  if (!rc && p1 == p2)
    rc = avn_fail(err, AVN_E_RANGE, "p2", NULL, "must differ from p1 (no effect to detect)");
  if (!rc && sides != 1 && sides != 2)
    rc = avn_fail(err, AVN_E_RANGE, "alternative", NULL, "two.sided or one.sided");
  return rc;
}

/* The power expression of power.prop.test (stats/R/power.R), verbatim. */
static double prop_power(double n, double p1, double p2, double alpha, int sides, bool strict) {
  double qu = gsl_cdf_ugaussian_Qinv(alpha / sides), d = fabs(p1 - p2);
  double q1 = 1. - p1, q2 = 1. - p2, sd1 = sqrt(p1 * q1 + p2 * q2);
  if (strict && sides == 2) {
    double s0 = sqrt((p1 + p2) * (q1 + q2) / 2.);
    return gsl_cdf_ugaussian_P((sqrt(n * d * d) - qu * s0) / sd1) +
           gsl_cdf_ugaussian_Q((sqrt(n * d * d) + qu * s0) / sd1);
  }
  return gsl_cdf_ugaussian_P((sqrt(n * d * d) - qu * sqrt((p1 + p2) * (1. - (p1 + p2) / 2.))) /
                             sd1);
}

avn_rc power_prop_power(double n, double p1, double p2, double alpha, int sides, bool strict,
                        avn_err *err, double *power) {
  avn_rc rc = prop_args(p1, p2, alpha, sides, err);
  if (rc) return rc;
  if (!(n >= 2.) || !isfinite(n)) {
    char v[64];
    snprintf(v, sizeof v, "%g", n);
    return avn_fail(err, AVN_E_RANGE, "n", v, "must be >= 2 (per group)");
  }
  *power = prop_power(n, p1, p2, alpha, sides, strict);
  return AVN_OK;
}

avn_rc power_prop_n(double p1, double p2, double alpha, double power, int sides, bool strict,
                    avn_err *err, double *n) {
  avn_rc rc = prop_args(p1, p2, alpha, sides, err);
  if (!rc) rc = open01("power", power, err);
  if (rc) return rc;
  /* power rises with n: bisection on R's interval [2, 1e7], to the last bit */
  double lo = 2., hi = 1e7;
  if (prop_power(lo, p1, p2, alpha, sides, strict) >= power) {
    *n = lo;
    return avn_fail(err, AVN_E_RANGE, "power", NULL,
                    "already reached with 2 per group: the effect is too large to size");
  }
  if (prop_power(hi, p1, p2, alpha, sides, strict) < power)
    return avn_fail(err, AVN_E_RANGE, "p2", NULL,
                    "the difference is too small: more than 1e7 per group needed");
  for (int it = 0; it < 200; it++) {
    double mid = 0.5 * (lo + hi);
    if (mid == lo || mid == hi) break;
    if (prop_power(mid, p1, p2, alpha, sides, strict) < power) lo = mid;
    else hi = mid;
  }
  *n = 0.5 * (lo + hi);
  return AVN_OK;
}
