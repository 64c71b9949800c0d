/*
** wilcoxon.c: signed-rank and rank-sum tests (see wilcoxon.h for the
** references and the rules, which are R's wilcox.test.default).
*/
#include "stats/wilcoxon.h"

#include <gsl/gsl_cdf.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

typedef struct ix {
  double v;
  size_t i;
} ix;

static int cmp_ix(const void *a, const void *b) {
  const ix *x = a, *y = b;
  if (x->v < y->v) return -1;
  if (x->v > y->v) return 1;
  return (x->i > y->i) - (x->i < y->i);
}

avn_rc wilcoxon_rank(const double *v, size_t n, double *r, double *ties) {
  ix *s = avn_malloc((n ? n : 1) * sizeof *s);
  if (!s) return AVN_E_NOMEM;
  for (size_t i = 0; i < n; i++) {
    s[i].v = v[i];
    s[i].i = i;
  }
  qsort(s, n, sizeof *s, cmp_ix);
  double tt = 0.0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j + 1 < n && s[j + 1].v == s[i].v) j++;
    double rank = ((double)i + (double)j) / 2.0 + 1.0;
    for (size_t k = i; k <= j; k++) r[s[k].i] = rank;
    double t = (double)(j - i + 1);
    tt += t * t * t - t;
    i = j + 1;
  }
  *ties = tt;
  avn_free(s);
  return AVN_OK;
}

/* ---- exact distributions ------------------------------------------------ */

/* The signed-rank null probabilities w[0..n(n+1)/2] (caller frees). */
static avn_rc signrank_pmf(size_t n, double **out) {
  size_t top = n * (n + 1) / 2;
  if (n > 5000) return AVN_E_RANGE;
  double *w = avn_calloc(top + 1, sizeof *w);
  if (!w) return AVN_E_NOMEM;
  w[0] = 1.0;
  size_t cur = 0;  /* current max sum */
  for (size_t k = 1; k <= n; k++) {
    cur += k;
    for (size_t s = cur; s >= k; s--) w[s] = (w[s] + w[s - k]) * 0.5;
    for (size_t s = k; s-- > 0;) w[s] *= 0.5;
  }
  *out = w;
  return AVN_OK;
}

/* The rank-sum null probabilities of (m, n) on 0..m n (caller frees). */
static avn_rc wilcox_pmf(size_t m, size_t n, double **out) {
  avn_rc rc = AVN_OK;
  double **f = NULL;
  size_t a = m < n ? m : n, b = m < n ? n : m;   /* distribution symmetric in (m, n) */
  if ((double)a * (double)a * (double)b > 4e7) return AVN_E_RANGE;
  /* f[i] = distribution for (i, nb) with nb the current second size */
  f = avn_calloc(a + 1, sizeof *f);
  if (!f) return AVN_E_NOMEM;
  for (size_t i = 0; i <= a; i++) {
    f[i] = avn_calloc(i * b + 1, sizeof **f);
    if (!f[i]) {
      rc = AVN_E_NOMEM;
      goto cleanup;
    }
  }
  /* nb = 0: U = 0 with probability 1 for every i */
  for (size_t i = 0; i <= a; i++) f[i][0] = 1.0;
  for (size_t nb = 1; nb <= b; nb++) {
    /* i = 0 stays a point mass at 0; i ascending so f[i-1] is already nb */
    for (size_t i = 1; i <= a; i++) {
      double wa = (double)i / (double)(i + nb), wb = (double)nb / (double)(i + nb);
      size_t mx = i * nb;
      for (size_t k = mx + 1; k-- > 0;) {
        double old = (k <= i * (nb - 1)) ? f[i][k] : 0.0;
        double shifted = (k >= nb && k - nb <= (i - 1) * nb) ? f[i - 1][k - nb] : 0.0;
        f[i][k] = wb * old + wa * shifted;
      }
    }
  }
  *out = f[a];
  f[a] = NULL;
cleanup:
  for (size_t i = 0; f && i <= a; i++) avn_free(f[i]);
  avn_free(f);
  return rc;
}

/* P(S <= q) (or > q when upper) from the symmetric pmf d[0..top], summing
** the shorter tail as R does. */
static double pmf_tail(const double *d, size_t top, size_t qi, bool upper) {
  double acc = 0.0;
  if (qi > top / 2) {
    for (size_t k = qi + 1; k <= top; k++) acc += d[k];
    return upper ? acc : 1.0 - acc;
  }
  for (size_t k = 0; k <= qi; k++) acc += d[k];
  return upper ? 1.0 - acc : acc;
}

/* Outside the support: 0 or 1 without building the pmf. */
static bool tail_trivial(double *q, size_t top, bool upper, double *p) {
  *q = floor(*q + 1e-7);
  if (*q < 0) {
    *p = upper ? 1.0 : 0.0;
    return true;
  }
  if (*q >= (double)top) {
    *p = upper ? 0.0 : 1.0;
    return true;
  }
  return false;
}

avn_rc wilcoxon_psignrank(double q, size_t n, bool upper, double *p) {
  double *w = NULL;
  if (n > 5000) return AVN_E_RANGE;
  if (tail_trivial(&q, n * (n + 1) / 2, upper, p)) return AVN_OK;
  avn_rc rc = signrank_pmf(n, &w);
  if (rc) return rc;
  *p = pmf_tail(w, n * (n + 1) / 2, (size_t)q, upper);
  avn_free(w);
  return AVN_OK;
}

avn_rc wilcoxon_pwilcox(double q, size_t m, size_t n, bool upper, double *p) {
  double *d = NULL;
  if (tail_trivial(&q, m * n, upper, p)) return AVN_OK;
  avn_rc rc = wilcox_pmf(m, n, &d);
  if (rc) return rc;
  *p = pmf_tail(d, m * n, (size_t)q, upper);
  avn_free(d);
  return AVN_OK;
}

/* R's qsignrank / qwilcox (nmath): the smallest q with P(S <= q) >= x, with
** R's 10 DBL_EPSILON fuzz, from the symmetric pmf d[0..top]. */
static size_t pmf_quantile(const double *d, size_t top, double x) {
  double p = 0.0;
  if (x <= 0.5) {
    x -= 10 * DBL_EPSILON;
    for (size_t q = 0;; q++) {
      p += d[q];
      if (p >= x || q == top) return q;
    }
  }
  x = 1 - x + 10 * DBL_EPSILON;
  for (size_t q = 0;; q++) {
    p += d[q];
    if (p > x || q == top) return top - q;
  }
}

/* ---- tests ------------------------------------------------------------- */

static double normal_p(double z, int alt) {
  if (alt == 1) return gsl_cdf_ugaussian_P(z);
  if (alt == 2) return gsl_cdf_ugaussian_Q(z);
  double lo = gsl_cdf_ugaussian_P(z), hi = gsl_cdf_ugaussian_Q(z);
  return 2.0 * (lo < hi ? lo : hi);
}

static double correction(double z, int alt, bool correct) {
  if (!correct) return 0.0;
  if (alt == 2) return 0.5;
  if (alt == 1) return -0.5;
  return z > 0 ? 0.5 : (z < 0 ? -0.5 : 0.0);
}

/* The exact p of statistic s, whose null distribution is centred at
** `center`: the signed-rank distribution of n when m == 0, else the rank-sum
** distribution of (m, n). Two-sided: twice the smaller tail, at most 1, as
** R's wilcox.test. */
static avn_rc exact_tail(double q, size_t m, size_t n, bool upper, double *p) {
  return m ? wilcoxon_pwilcox(q, m, n, upper, p) : wilcoxon_psignrank(q, n, upper, p);
}

static avn_rc exact_p(double s, double center, size_t m, size_t n, int alt, double *p) {
  if (alt == 2) return exact_tail(s - 1, m, n, true, p);
  if (alt == 1) return exact_tail(s, m, n, false, p);
  avn_rc rc = s > center ? exact_tail(s - 1, m, n, true, p) : exact_tail(s, m, n, false, p);
  *p = 2.0 * *p < 1.0 ? 2.0 * *p : 1.0;
  return rc;
}

/* The normal approximation of statistic s with null mean `center` and SD
** sigma (tie-corrected by the caller), with R's continuity correction. */
static avn_rc normal_approx(double s, double center, double sigma, int alt, bool correct, wilcoxon_result *out) {
  if (!(sigma > 0)) return AVN_E_DEGENERATE;
  double z = s - center;
  out->correct = correct;
  out->z = (z - correction(z, alt, correct)) / sigma;
  out->p = normal_p(out->z, alt);
  return AVN_OK;
}

avn_rc wilcoxon_signed_rank(const double *din, size_t nin, double mu, int exact_mode,
                            bool correct, int alt, wilcoxon_result *out) {
  avn_rc rc = AVN_OK;
  double *d = NULL, *r = NULL, ties = 0.0;
  memset(out, 0, sizeof *out);
  d = avn_malloc((nin ? nin : 1) * sizeof *d);
  r = avn_malloc((nin ? nin : 1) * sizeof *r);
  if (!d || !r) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  size_t n = 0;
  for (size_t i = 0; i < nin; i++) {
    double v = din[i] - mu;
    if (v == 0.0) out->n_zero++;
    else d[n++] = v;
  }
  out->n = n;
  if (n == 0) {
    rc = AVN_E_DEGENERATE;
    goto cleanup;
  }
  for (size_t i = 0; i < n; i++) r[i] = fabs(d[i]);
  rc = wilcoxon_rank(r, n, r, &ties);
  if (rc) goto cleanup;
  double v = 0.0;
  for (size_t i = 0; i < n; i++)
    if (d[i] > 0) v += r[i];
  out->statistic = v;
  out->ties = ties > 0.0;
  bool exact = exact_mode == 1 || (exact_mode == 0 && n < 50);
  double dn = (double)n, center = dn * (dn + 1) / 4.0;
  if (exact && !out->ties && out->n_zero == 0) {
    out->exact = true;
    out->z = NAN;
    rc = exact_p(v, center, 0, n, alt, &out->p);
  } else {
    rc = normal_approx(v, center, sqrt(dn * (dn + 1) * (2 * dn + 1) / 24.0 - ties / 48.0), alt, correct, out);
  }

cleanup:
  avn_free(d);
  avn_free(r);
  return rc;
}

avn_rc wilcoxon_rank_sum(const double *x, size_t nx, const double *y, size_t ny, double mu,
                         int exact_mode, bool correct, int alt, wilcoxon_result *out) {
  avn_rc rc = AVN_OK;
  size_t N = nx + ny;
  double *v = NULL, *r = NULL, ties = 0.0;
  memset(out, 0, sizeof *out);
  if (nx == 0 || ny == 0) return AVN_E_DEGENERATE;
  v = avn_malloc(N * sizeof *v);
  r = avn_malloc(N * sizeof *r);
  if (!v || !r) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  for (size_t i = 0; i < nx; i++) v[i] = x[i] - mu;
  for (size_t i = 0; i < ny; i++) v[nx + i] = y[i];
  rc = wilcoxon_rank(v, N, r, &ties);
  if (rc) goto cleanup;
  double sr = 0.0, dx = (double)nx, dy = (double)ny;
  for (size_t i = 0; i < nx; i++) sr += r[i];
  double w = sr - dx * (dx + 1) / 2.0;
  out->statistic = w;
  out->n = N;
  out->ties = ties > 0.0;
  bool exact = exact_mode == 1 || (exact_mode == 0 && nx < 50 && ny < 50);
  double dN = (double)N;
  if (exact && !out->ties) {
    out->exact = true;
    out->z = NAN;
    rc = exact_p(w, dx * dy / 2.0, nx, ny, alt, &out->p);
  } else {
    rc = normal_approx(w, dx * dy / 2.0, sqrt((dx * dy / 12.0) * ((dN + 1) - ties / (dN * (dN - 1)))), alt,
                       correct, out);
  }

cleanup:
  avn_free(v);
  avn_free(r);
  return rc;
}

/* ---- Hodges-Lehmann estimates and confidence intervals ------------------ */

static int cmp_dbl(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median_sorted(const double *s, size_t n) {
  return (n % 2) ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
}

/* signif(x, 2) as R: two significant digits. */
static double signif2(double x) {
  if (x == 0.0 || !isfinite(x)) return x;
  double p = pow(10.0, floor(log10(fabs(x))) - 1.0);
  return nearbyint(x / p) * p;
}

/* The exact CI from the sorted differences diffs[0..top) (Walsh averages or
** x - y differences, top = their count) and the null pmf, as R's
** wilcox.test: qu = q(alpha/2) (q(alpha) one-sided), 1 if 0; the bounds are
** the qu-th and (top - qu + 1)-th differences (1-based). When the achieved
** level falls short by more than alpha/2, R reports 1 - signif(achieved, 2). */
static void exact_ci(const double *diffs, size_t top, const double *pmf, size_t n_signed,
                     int alt, double cl, wilcoxon_hl *out) {
  double alpha = 1.0 - cl;
  size_t qu = pmf_quantile(pmf, top, alt == 0 ? alpha / 2 : alpha);
  if (qu == 0) qu = 1;
  size_t ql = top - qu;
  double achieved = pmf_tail(pmf, top, qu - 1, false);
  if (n_signed) {
    /* R's psignrank: counts times exp(-n log 2), which can sit an ulp off
    ** the dyadic value and so round differently in signif() */
    double f = exp(-(double)n_signed * log(2.0)), sc = ldexp(1.0, (int)n_signed);
    achieved = 0.0;
    for (size_t i = 0; i < qu; i++) achieved += nearbyint(pmf[i] * sc) * f;
  }
  achieved *= alt == 0 ? 2.0 : 1.0;
  out->ci_low = alt == 1 ? -INFINITY : diffs[qu - 1];
  out->ci_high = alt == 2 ? INFINITY : diffs[ql];
  /* signed rank: 1 - signif(achieved, 2); rank sum: 1 - achieved (R 4.2.2) */
  if (achieved - alpha > alpha / 2) out->conf_level = 1.0 - (n_signed ? signif2(achieved) : achieved);
  else out->conf_level = cl;
  out->estimate = median_sorted(diffs, top);
  out->exact = true;
}

/* R's R_zeroin2 (src/library/stats/src/zeroin.c; Brent, R. P. (1973)
** Algorithms for Minimization without Derivatives, ch. 4), which uniroot()
** calls: the asymptotic Hodges-Lehmann estimate and bounds are roots of a
** step function, so any point of the step where it changes sign is a root;
** taking R's iteration (tol.root 1e-4, at most 1000 steps) returns R's
** point. */
typedef double (*hl_fn)(void *ctx, double d, double zq);
static double zeroin(hl_fn f, void *ctx, double zq, double a, double b, double fa, double fb) {
  const double tol = 1e-4;   /* wilcox.test's tol.root */
  double c = a, fc = fa;
  if (fa == 0.0) return a;
  if (fb == 0.0) return b;
  for (int maxit = 1001; maxit--;) {
    double prev_step = b - a, tol_act, p, q, new_step;
    if (fabs(fc) < fabs(fb)) {
      a = b, b = c, c = a;
      fa = fb, fb = fc, fc = fa;
    }
    tol_act = 2 * DBL_EPSILON * fabs(b) + tol / 2;
    new_step = (c - b) / 2;
    if (fabs(new_step) <= tol_act || fb == 0.0) return b;
    if (fabs(prev_step) >= tol_act && fabs(fa) > fabs(fb)) {
      double t1, cb = c - b, t2;
      if (a == c) {
        t1 = fb / fa;
        p = cb * t1;
        q = 1.0 - t1;
      } else {
        q = fa / fc, t1 = fb / fc, t2 = fb / fa;
        p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0));
        q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0);
      }
      if (p > 0.0) q = -q;
      else p = -p;
      if (p < (0.75 * cb * q - fabs(tol_act * q) / 2) && p < fabs(prev_step * q / 2))
        new_step = p / q;
    }
    if (fabs(new_step) < tol_act) new_step = new_step > 0.0 ? tol_act : -tol_act;
    a = b, fa = fb;
    b += new_step;
    fb = f(ctx, b, zq);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) c = a, fc = fa;
  }
  return b;
}

/* root() of wilcox.test: the end of [lo, hi] when f does not change sign. */
static double hl_root(hl_fn f, void *ctx, double zq, double lo, double hi) {
  double fl = f(ctx, lo, zq), fu = f(ctx, hi, zq);
  if (isnan(fl) || isnan(fu)) return NAN;
  if (fl <= 0) return lo;
  if (fu >= 0) return hi;
  return zeroin(f, ctx, zq, lo, hi, fl, fu);
}

typedef struct hl_ctx {
  const double *x, *y;
  size_t nx, ny;
  double *v, *r;    /* scratch: nx + ny */
  int alt;
  bool correct;
  bool failed;      /* a zero SIGMA.CI: R stops */
} hl_ctx;

static double hl_corr(const hl_ctx *h, double z) {
  if (!h->correct) return 0.0;
  if (h->alt == 0) return z > 0 ? 0.5 : (z < 0 ? -0.5 : 0.0);
  return h->alt == 2 ? 0.5 : -0.5;
}

/* wdiff of the one-sample case: standardized V of x - d, zeros dropped. */
static double wdiff_signed(void *p, double d, double zq) {
  hl_ctx *h = p;
  size_t m = 0;
  double ties = 0.0;
  for (size_t i = 0; i < h->nx; i++)
    if (h->x[i] - d != 0) h->v[m++] = h->x[i] - d;
  for (size_t i = 0; i < m; i++) h->r[i] = fabs(h->v[i]);
  if (m == 0 || wilcoxon_rank(h->r, m, h->r, &ties)) {
    h->failed = true;
    return NAN;
  }
  double dm = (double)m, zd = -dm * (dm + 1) / 4.0;
  for (size_t i = 0; i < m; i++)
    if (h->v[i] > 0) zd += h->r[i];
  double sigma = sqrt(dm * (dm + 1) * (2 * dm + 1) / 24.0 - ties / 48.0);
  if (!(sigma > 0)) {
    h->failed = true;
    return NAN;
  }
  return (zd - hl_corr(h, zd)) / sigma - zq;
}

/* wdiff of the two-sample case: standardized W of (x - d, y). */
static double wdiff_ranksum(void *p, double d, double zq) {
  hl_ctx *h = p;
  size_t N = h->nx + h->ny;
  double ties = 0.0, dx = (double)h->nx, dy = (double)h->ny, dN = (double)N;
  for (size_t i = 0; i < h->nx; i++) h->v[i] = h->x[i] - d;
  for (size_t i = 0; i < h->ny; i++) h->v[h->nx + i] = h->y[i];
  if (wilcoxon_rank(h->v, N, h->r, &ties)) {
    h->failed = true;
    return NAN;
  }
  double dz = -dx * (dx + 1) / 2.0 - dx * dy / 2.0;
  for (size_t i = 0; i < h->nx; i++) dz += h->r[i];
  double sigma = sqrt((dx * dy / 12.0) * ((dN + 1) - ties / (dN * (dN - 1))));
  if (!(sigma > 0)) {
    h->failed = true;
    return NAN;
  }
  return (dz - hl_corr(h, dz)) / sigma - zq;
}

/* The asymptotic interval and estimate of wilcox.test (uniroot on wdiff). */
static void normal_ci(hl_fn f, hl_ctx *h, double lo, double hi, double cl, wilcoxon_hl *out) {
  double alpha = 1.0 - cl;
  out->ci_low = -INFINITY;
  out->ci_high = INFINITY;
  if (h->alt == 0) {
    out->ci_low = hl_root(f, h, gsl_cdf_ugaussian_Qinv(alpha / 2), lo, hi);
    out->ci_high = hl_root(f, h, gsl_cdf_ugaussian_Pinv(alpha / 2), lo, hi);
  } else if (h->alt == 2) {
    out->ci_low = hl_root(f, h, gsl_cdf_ugaussian_Qinv(alpha), lo, hi);
  } else {
    out->ci_high = hl_root(f, h, gsl_cdf_ugaussian_Pinv(alpha), lo, hi);
  }
  out->conf_level = cl;
  h->correct = false;   /* as R: the estimate without the correction */
  double fl = f(h, lo, 0.0), fu = f(h, hi, 0.0);
  out->estimate = (isnan(fl) || isnan(fu) || fl * fu > 0) ? NAN
                                                         : zeroin(f, h, 0.0, lo, hi, fl, fu);
  out->exact = false;
}

/* The one-sample asymptotic interval of R 4.2.2's wilcox.test: alpha is
** doubled until the end points bracket the quantiles (the reported level
** drops accordingly), the roots have no end-point shortcut, and the
** estimate is the root of W without the correction. x[] holds the values
** with the zero differences dropped. */
static double median_of(hl_ctx *h) {
  for (size_t i = 0; i < h->nx; i++) h->v[i] = h->x[i];
  qsort(h->v, h->nx, sizeof *h->v, cmp_dbl);
  return median_sorted(h->v, h->nx);
}

static void signed_normal_ci(hl_ctx *h, double lo, double hi, double cl, wilcoxon_hl *out) {
  double alpha = 1.0 - cl;
  double wlo = wdiff_signed(h, lo, 0.0), whi = wdiff_signed(h, hi, 0.0);
  out->exact = false;
  out->ci_low = -INFINITY;
  out->ci_high = INFINITY;
  if (h->failed || !isfinite(wlo) || !isfinite(whi) || !(lo < hi)) {
    h->failed = true;
    return;
  }
  for (; alpha < 1.0; alpha *= 2) {
    bool widen = h->alt == 2 ? wlo - gsl_cdf_ugaussian_Qinv(alpha) < 0
               : h->alt == 1 ? whi - gsl_cdf_ugaussian_Pinv(alpha / 2) > 0
                             : (wlo - gsl_cdf_ugaussian_Qinv(alpha / 2) < 0 ||
                                whi - gsl_cdf_ugaussian_Pinv(alpha / 2) > 0);
    if (!widen) break;
  }
  out->conf_level = (alpha >= 1.0 || 1.0 - cl < alpha * 0.75) ? 1.0 - fmin(1.0, alpha) : cl;
  if (alpha >= 1.0) {
    double m = median_of(h);
    if (h->alt != 1) out->ci_low = m;
    if (h->alt != 2) out->ci_high = m;
  } else {
    double zl = gsl_cdf_ugaussian_Qinv(h->alt == 0 ? alpha / 2 : alpha);
    double zu = gsl_cdf_ugaussian_Pinv(h->alt == 0 ? alpha / 2 : alpha);
    if (h->alt != 1) out->ci_low = zeroin(wdiff_signed, h, zl, lo, hi, wlo - zl, whi - zl);
    if (h->alt != 2) out->ci_high = zeroin(wdiff_signed, h, zu, lo, hi, wlo - zu, whi - zu);
  }
  h->correct = false;
  double fl = wdiff_signed(h, lo, 0.0), fu = wdiff_signed(h, hi, 0.0);
  out->estimate = fl * fu > 0 ? NAN : zeroin(wdiff_signed, h, 0.0, lo, hi, fl, fu);
}

avn_rc wilcoxon_hl_signed(const double *din, size_t nin, double mu, bool exact, bool correct,
                          int alt, double cl, wilcoxon_hl *out) {
  avn_rc rc = AVN_OK;
  double *x = NULL, *r = NULL, *w = NULL, *pmf = NULL;
  memset(out, 0, sizeof *out);
  x = avn_malloc((nin ? nin : 1) * sizeof *x);
  r = avn_malloc((nin ? nin : 1) * sizeof *r);
  if (!x || !r) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  /* x - mu with the zeros dropped, then + mu back (R) */
  size_t n = 0;
  for (size_t i = 0; i < nin; i++)
    if (din[i] - mu != 0.0) x[n++] = din[i];
  if (n == 0) {
    rc = AVN_E_DEGENERATE;
    goto cleanup;
  }
  if (exact) {
    size_t top = n * (n + 1) / 2;
    rc = signrank_pmf(n, &pmf);
    if (!rc) {
      w = avn_malloc(top * sizeof *w);
      if (!w) rc = AVN_E_NOMEM;
    }
    if (rc) goto cleanup;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
      for (size_t j = i; j < n; j++) w[k++] = (x[i] + x[j]) / 2.0;
    qsort(w, top, sizeof *w, cmp_dbl);
    exact_ci(w, top, pmf, n, alt, cl, out);
  } else {
    double lo = x[0], hi = x[0];
    for (size_t i = 1; i < n; i++) {
      if (x[i] < lo) lo = x[i];
      if (x[i] > hi) hi = x[i];
    }
    w = avn_malloc(n * sizeof *w);
    if (!w) {
      rc = AVN_E_NOMEM;
      goto cleanup;
    }
    hl_ctx h = {.x = x, .nx = n, .v = w, .r = r, .alt = alt, .correct = correct};
    signed_normal_ci(&h, lo, hi, cl, out);
    if (h.failed) rc = AVN_E_DEGENERATE;
  }
cleanup:
  avn_free(x);
  avn_free(r);
  avn_free(w);
  avn_free(pmf);
  return rc;
}

avn_rc wilcoxon_hl_ranksum(const double *x, size_t nx, const double *y, size_t ny, bool exact,
                           bool correct, int alt, double cl, wilcoxon_hl *out) {
  avn_rc rc = AVN_OK;
  size_t N = nx + ny;
  double *v = NULL, *r = NULL, *pmf = NULL;
  memset(out, 0, sizeof *out);
  if (nx == 0 || ny == 0) return AVN_E_DEGENERATE;
  v = avn_malloc(N * sizeof *v);
  r = avn_malloc(N * sizeof *r);
  if (!v || !r) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  if (exact) {
    size_t top = nx * ny;
    double *d = avn_malloc(top * sizeof *d);
    if (!d) {
      rc = AVN_E_NOMEM;
      goto cleanup;
    }
    rc = wilcox_pmf(nx, ny, &pmf);
    if (rc) {
      avn_free(d);
      goto cleanup;
    }
    for (size_t i = 0; i < nx; i++)
      for (size_t j = 0; j < ny; j++) d[i * ny + j] = x[i] - y[j];
    qsort(d, top, sizeof *d, cmp_dbl);
    exact_ci(d, top, pmf, 0, alt, cl, out);
    avn_free(d);
  } else {
    double xmin = x[0], xmax = x[0], ymin = y[0], ymax = y[0];
    for (size_t i = 1; i < nx; i++) xmin = fmin(xmin, x[i]), xmax = fmax(xmax, x[i]);
    for (size_t i = 1; i < ny; i++) ymin = fmin(ymin, y[i]), ymax = fmax(ymax, y[i]);
    hl_ctx h = {.x = x, .y = y, .nx = nx, .ny = ny, .v = v, .r = r, .alt = alt,
                .correct = correct};
    normal_ci(wdiff_ranksum, &h, xmin - ymax, xmax - ymin, cl, out);
    if (h.failed) rc = AVN_E_DEGENERATE;
  }
cleanup:
  avn_free(v);
  avn_free(r);
  avn_free(pmf);
  return rc;
}
