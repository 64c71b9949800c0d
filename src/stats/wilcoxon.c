/*
** wilcoxon.c: signed-rank and rank-sum tests (see wilcoxon.h for the
** references and the rules, which are R's wilcox.test.default).
*/
#include "stats/wilcoxon.h"

#include <gsl/gsl_cdf.h>
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

avn_rc wilcoxon_psignrank(double q, size_t n, bool upper, double *p) {
  size_t top = n * (n + 1) / 2;
  double *w = NULL;
  if (n > 5000) return AVN_E_RANGE;
  q = floor(q + 1e-7);
  if (q < 0) {
    *p = upper ? 1.0 : 0.0;
    return AVN_OK;
  }
  if (q >= (double)top) {
    *p = upper ? 0.0 : 1.0;
    return AVN_OK;
  }
  w = avn_calloc(top + 1, sizeof *w);
  if (!w) return AVN_E_NOMEM;
  w[0] = 1.0;
  size_t cur = 0;  /* current max sum */
  for (size_t k = 1; k <= n; k++) {
    cur += k;
    for (size_t s = cur; s >= k; s--) w[s] = (w[s] + w[s - k]) * 0.5;
    for (size_t s = k; s-- > 0;) w[s] *= 0.5;
  }
  /* sum the shorter tail (the distribution is symmetric), as R does */
  size_t qi = (size_t)q;
  double acc = 0.0;
  if (qi > top / 2) {
    for (size_t s = qi + 1; s <= top; s++) acc += w[s];   /* P(V > q) */
    if (!upper) acc = 1.0 - acc;
  } else {
    for (size_t s = 0; s <= qi; s++) acc += w[s];         /* P(V <= q) */
    if (upper) acc = 1.0 - acc;
  }
  *p = acc;
  avn_free(w);
  return AVN_OK;
}

avn_rc wilcoxon_pwilcox(double q, size_t m, size_t n, bool upper, double *p) {
  avn_rc rc = AVN_OK;
  double **f = NULL;
  size_t a = m < n ? m : n, b = m < n ? n : m;   /* distribution symmetric in (m, n) */
  size_t top = m * n;
  q = floor(q + 1e-7);
  if (q < 0) {
    *p = upper ? 1.0 : 0.0;
    return AVN_OK;
  }
  if (q >= (double)top) {
    *p = upper ? 0.0 : 1.0;
    return AVN_OK;
  }
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
  {
    size_t qi = (size_t)q;
    double acc = 0.0;
    const double *d = f[a];
    if (qi > top / 2) {
      for (size_t k = qi + 1; k <= top; k++) acc += d[k];
      *p = upper ? acc : 1.0 - acc;
    } else {
      for (size_t k = 0; k <= qi; k++) acc += d[k];
      *p = upper ? 1.0 - acc : acc;
    }
  }
cleanup:
  for (size_t i = 0; f && i <= a; i++) avn_free(f[i]);
  avn_free(f);
  return rc;
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
