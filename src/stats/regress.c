/*
** regress.c: OLS and logistic regression (see regress.h for the contract).
**
** References:
**   Golub GH, Van Loan CF. Matrix Computations, 4th ed. Johns Hopkins,
**     2013: section 5.1-5.3 (Householder QR, least squares) and 5.3.8
**     (iterative improvement).
**   Bjorck A. Iterative refinement of linear least squares solutions I.
**     BIT 1967;7:257-278.
**   McCullagh P, Nelder JA. Generalized Linear Models, 2nd ed. Chapman &
**     Hall, 1989: section 2.5 (iteratively reweighted least squares).
**   Albert A, Anderson JA. On the existence of maximum likelihood estimates
**     in logistic regression models. Biometrika 1984;71:1-10 (separation).
**   Zeileis A, Koll S, Graham N. Various versatile variances: an object-
**     oriented implementation of clustered covariances in R. J Stat Softw
**     2020;95(1) (vcovCL, the HC1 / CR1 adjustment).
**   NIST Statistical Reference Datasets, linear regression (certified
**     values used by tests/unit/stats/test_nist.c).
**
** OLS numerics: predictors and outcome are centred (when there is an
** intercept) and each predictor column is divided by its Euclidean norm,
** in long double (64-bit mantissa on x86-64). Householder QR of that
** matrix gives b; two rounds of iterative refinement (residual in long
** double, correction by the same QR) polish it. The rank test refuses a
** column whose component orthogonal to the earlier ones is below 1e-13 of
** its norm (collinear), naming it; a column with zero norm after centring
** is constant. Covariance sigma^2 (R'R)^-1 is unscaled back to the
** original units; the intercept's variance is sigma^2/n + m' C m.
** Polynomial designs (regress_ols_poly) form the powers in long double:
** NIST Filip (degree 10) reaches 11.5 digits that way, but only 7.6 when
** its powers are first rounded to double, whatever the solver (a quad-
** precision QR of the rounded design also gives 7.7): the rounding of the
** design, not the algorithm, then limits the digits.
**
** Logistic numerics: R's glm.fit step for step, including its clamped
** logit inverse (|eta| > 30) and the covariance from the last weighted QR.
** Separation: before fitting, every predictor is checked on its own (its
** values for y = 0 and y = 1 do not overlap, or touch only at one value:
** complete or quasi-complete separation); after fitting, fitted
** probabilities numerically 0 or 1 (within 10 DBL_EPSILON, R's warning) or
** non-convergence are refused as separation naming the predictor with the
** largest |b| sd(x).
*/
#include "stats/regress.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>

#include "core/mem.h"

#define RG_RANK_TOL 1e-13L

void regress_free(regress_result *r) {
  if (!r) return;
  avn_free(r->beta);
  avn_free(r->se);
  avn_free(r->robust_se);
  avn_free(r->var);
  avn_free(r->robust_var);
  avn_free(r->statistic);
  avn_free(r->p_value);
  avn_free(r->ci_low);
  avn_free(r->ci_high);
  avn_free(r);
}

/* ---- Householder QR in long double (column-major a[j*n + i]) ------------ */

/* Factors a (n x p) in place: below the diagonal the Householder vectors,
** above it R, rdiag the diagonal of R. Returns -1, or the first column
** whose remaining norm is <= tol * norm0[j]. */
static long lqr(size_t n, size_t p, long double *a, long double *tau,
                long double *rdiag, const long double *norm0, long double tol) {
  for (size_t j = 0; j < p; j++) {
    long double *v = a + j * n;
    long double s = 0;
    for (size_t i = j; i < n; i++) s += v[i] * v[i];
    long double nrm = sqrtl(s);
    if (!(nrm > tol * norm0[j])) return (long)j;
    long double alpha = v[j] > 0 ? -nrm : nrm;
    v[j] -= alpha;
    long double vtv = 0;
    for (size_t i = j; i < n; i++) vtv += v[i] * v[i];
    tau[j] = 2 / vtv;
    rdiag[j] = alpha;
    for (size_t k = j + 1; k < p; k++) {
      long double *c = a + k * n, d = 0;
      for (size_t i = j; i < n; i++) d += v[i] * c[i];
      d *= tau[j];
      for (size_t i = j; i < n; i++) c[i] -= d * v[i];
    }
  }
  return -1;
}

/* y := Q' y */
static void lqr_qty(size_t n, size_t p, const long double *a, const long double *tau,
                    long double *y) {
  for (size_t j = 0; j < p; j++) {
    const long double *v = a + j * n;
    long double d = 0;
    for (size_t i = j; i < n; i++) d += v[i] * y[i];
    d *= tau[j];
    for (size_t i = j; i < n; i++) y[i] -= d * v[i];
  }
}

/* b[0..p) := R^-1 b */
static void lqr_rsolve(size_t n, size_t p, const long double *a, const long double *rdiag,
                       long double *b) {
  for (size_t j = p; j-- > 0;) {
    long double s = b[j];
    for (size_t k = j + 1; k < p; k++) s -= a[k * n + j] * b[k];
    b[j] = s / rdiag[j];
  }
}

/* c = (R'R)^-1 (p x p row-major, double), via R^-1 (ri scratch p*p). */
static void lqr_xtx_inv(size_t n, size_t p, const long double *a, const long double *rdiag,
                        long double *ri, double *c) {
  for (size_t j = 0; j < p * p; j++) ri[j] = 0;
  for (size_t col = 0; col < p; col++) {   /* column col of R^-1 */
    for (size_t j = col + 1; j-- > 0;) {
      long double s = j == col ? 1 : 0;
      for (size_t k = j + 1; k <= col; k++) s -= a[k * n + j] * ri[k * p + col];
      ri[j * p + col] = s / rdiag[j];
    }
  }
  for (size_t j = 0; j < p; j++)
    for (size_t k = 0; k < p; k++) {
      long double s = 0;
      for (size_t m = (j > k ? j : k); m < p; m++) s += ri[j * p + m] * ri[k * p + m];
      c[j * p + k] = (double)s;
    }
}

/* ---- shared result pieces ----------------------------------------------- */

/* Sets the result's sizes and allocates its per-coefficient arrays. */
static avn_rc rg_alloc(regress_result *r, size_t n, size_t k, size_t p, bool intercept, bool robust) {
  r->n = n;
  r->k = k;
  r->p = p;
  r->intercept = intercept;
  r->beta = avn_calloc(p, sizeof(double));
  r->se = avn_calloc(p, sizeof(double));
  r->var = avn_calloc(p * p, sizeof(double));
  r->statistic = avn_calloc(p, sizeof(double));
  r->p_value = avn_calloc(p, sizeof(double));
  r->ci_low = avn_calloc(p, sizeof(double));
  r->ci_high = avn_calloc(p, sizeof(double));
  if (robust) {
    r->robust_se = avn_calloc(p, sizeof(double));
    r->robust_var = avn_calloc(p * p, sizeof(double));
  }
  if (!r->beta || !r->se || !r->var || !r->statistic || !r->p_value || !r->ci_low ||
      !r->ci_high || (robust && (!r->robust_se || !r->robust_var)))
    return AVN_E_NOMEM;
  return AVN_OK;
}

/* CR1 sandwich: bread = (X'WX)^-1 (= var / scale), scores s_i = x_i * u_i
** (x with the intercept first), summed per cluster. */
static avn_rc rg_cluster(const regress_result *r, const double *x, const double *u,
                         const int *cluster, size_t ncl, double bread_scale,
                         double *rvar) {
  size_t n = r->n, k = r->k, p = r->p, off = r->intercept ? 1 : 0;
  avn_rc rc = AVN_OK;
  double *g = avn_calloc(ncl * p, sizeof *g);
  double *meat = avn_calloc(p * p, sizeof *meat);
  double *tmp = avn_calloc(p * p, sizeof *tmp);
  if (!g || !meat || !tmp) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  for (size_t i = 0; i < n; i++) {
    double *gc = g + (size_t)cluster[i] * p;
    if (off) gc[0] += u[i];
    for (size_t j = 0; j < k; j++) gc[off + j] += x[i * k + j] * u[i];
  }
  for (size_t c = 0; c < ncl; c++)
    for (size_t j = 0; j < p; j++)
      for (size_t l = 0; l < p; l++) meat[j * p + l] += g[c * p + j] * g[c * p + l];
  double adj = (double)ncl / (double)(ncl - 1) * (double)(n - 1) / (double)(n - p);
  for (size_t j = 0; j < p; j++)
    for (size_t l = 0; l < p; l++) {
      double s = 0;
      for (size_t m = 0; m < p; m++) s += r->var[j * p + m] * bread_scale * meat[m * p + l];
      tmp[j * p + l] = s;
    }
  for (size_t j = 0; j < p; j++)
    for (size_t l = 0; l < p; l++) {
      double s = 0;
      for (size_t m = 0; m < p; m++) s += tmp[j * p + m] * r->var[m * p + l] * bread_scale;
      rvar[j * p + l] = s * adj;
    }
cleanup:
  avn_free(g);
  avn_free(meat);
  avn_free(tmp);
  return rc;
}

/* statistic, p, CI from se (robust when present); t on df when df > 0,
** else normal. */
static void rg_tests(regress_result *r, double conf_level, double df) {
  double q = df > 0 ? gsl_cdf_tdist_Pinv(1 - (1 - conf_level) / 2, df)
                    : gsl_cdf_ugaussian_Pinv(1 - (1 - conf_level) / 2);
  const double *se = r->robust_se ? r->robust_se : r->se;
  for (size_t j = 0; j < r->p; j++) {
    double t = r->beta[j] / se[j];
    r->statistic[j] = t;
    /* two-sided t p-value as the incomplete beta I_{df/(df+t^2)}(df/2, 1/2):
    ** far in the tail (p ~ 1e-40) this keeps 14 digits where
    ** 2 * gsl_cdf_tdist_Q keeps about 7 */
    r->p_value[j] = df > 0 ? gsl_sf_beta_inc(df / 2, 0.5, df / (df + t * t))
                           : 2 * gsl_cdf_ugaussian_Q(fabs(t));
    r->ci_low[j] = r->beta[j] - q * se[j];
    r->ci_high[j] = r->beta[j] + q * se[j];
  }
}

static avn_rc rg_check_input(size_t n, size_t k, const double *x, const double *y,
                             const char *const *names, const int *cluster, size_t ncl,
                             bool intercept, const char *yname, avn_err *err) {
  size_t p = k + (intercept ? 1 : 0);
  if (p == 0)
    return avn_fail(err, AVN_E_USAGE, "predictors", NULL, "the model has no terms");
  if (n <= p)
    return avn_fail(err, AVN_E_DEGENERATE, yname, NULL,
                    "too few rows: %zu complete rows for %zu parameters (need more rows "
                    "than parameters)", n, p);
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(y[i]))
      return avn_fail(err, AVN_E_RANGE, yname, NULL, "non-finite outcome (row %zu)", i + 1);
    for (size_t j = 0; j < k; j++)
      if (!isfinite(x[i * k + j]))
        return avn_fail(err, AVN_E_RANGE, names ? names[j] : "predictor", NULL,
                        "non-finite value (row %zu)", i + 1);
    if (cluster && (cluster[i] < 0 || (size_t)cluster[i] >= ncl))
      return avn_fail(err, AVN_E_RANGE, "cluster", NULL, "cluster id out of range");
  }
  if (cluster && ncl < 2)
    return avn_fail(err, AVN_E_DEGENERATE, "cluster", NULL,
                    "cluster-robust standard errors need at least 2 clusters");
  return AVN_OK;
}

/* ---- OLS ------------------------------------------------------------------ */

/* x[i, j] of the design: a column of x, or the (j+1)-th power of x[i]
** computed in long double when poly (so the design is not rounded to double
** before the QR: what decides Filip's digits). */
static long double ols_x(const double *x, size_t k, bool poly, size_t i, size_t j) {
  if (!poly) return x[i * k + j];
  long double v = x[i], pw = v;
  for (size_t m = 0; m < j; m++) pw *= v;
  return pw;
}

static avn_rc ols_core(size_t n, size_t k, const double *x, bool poly, const double *y,
                       bool intercept, const char *const *names, const int *cluster,
                       size_t ncl, double conf_level, regress_result **out, avn_err *err) {
  avn_rc rc = AVN_OK;
  regress_result *r = NULL;
  long double *a = NULL, *a0 = NULL, *tau = NULL, *rdiag = NULL, *norm0 = NULL;
  long double *unit = NULL, *mean = NULL, *qy = NULL, *bs = NULL, *db = NULL, *ri = NULL;
  double *cs = NULL, *resid = NULL;
  *out = NULL;
  rc = rg_check_input(n, poly ? 1 : k, x, y, names, cluster, ncl, intercept, "outcome", err);
  if (rc) return rc;
  if (n <= k + (intercept ? 1 : 0))
    return avn_fail(err, AVN_E_DEGENERATE, "outcome", NULL,
                    "too few rows: %zu complete rows for %zu parameters", n,
                    k + (intercept ? 1 : 0));
  size_t p = k + (intercept ? 1 : 0), off = intercept ? 1 : 0;
  size_t kk = k ? k : 1;
  double *xd = NULL;   /* the design in double, for the cluster scores */
  r = avn_calloc(1, sizeof *r);
  a = avn_reallocarray(NULL, n * kk, sizeof *a);
  a0 = avn_reallocarray(NULL, n * kk, sizeof *a0);
  tau = avn_calloc(kk, sizeof *tau);
  rdiag = avn_calloc(kk, sizeof *rdiag);
  norm0 = avn_calloc(kk, sizeof *norm0);
  unit = avn_calloc(kk, sizeof *unit);
  mean = avn_calloc(kk, sizeof *mean);
  qy = avn_reallocarray(NULL, n, sizeof *qy);
  bs = avn_calloc(kk, sizeof *bs);
  db = avn_calloc(kk, sizeof *db);
  ri = avn_calloc(kk * kk, sizeof *ri);
  cs = avn_calloc(kk * kk, sizeof *cs);
  resid = avn_reallocarray(NULL, n, sizeof *resid);
  if (!r || !a || !a0 || !tau || !rdiag || !norm0 || !unit || !mean || !qy || !bs || !db || !ri ||
      !cs || !resid) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  rc = rg_alloc(r, n, k, p, intercept, cluster != NULL);
  if (rc) goto cleanup;
  long double ybar = 0;
  if (intercept) {
    for (size_t i = 0; i < n; i++) ybar += y[i];
    ybar /= (long double)n;
  }
  for (size_t j = 0; j < k; j++) {
    long double m = 0, s = 0;
    if (intercept) {
      for (size_t i = 0; i < n; i++) m += ols_x(x, k, poly, i, j);
      m /= (long double)n;
    }
    mean[j] = m;
    for (size_t i = 0; i < n; i++) {
      long double v = ols_x(x, k, poly, i, j) - m;
      a[j * n + i] = v;
      s += v * v;
    }
    norm0[j] = sqrtl(s);
    if (!(norm0[j] > 0)) {
      rc = avn_fail(err, AVN_E_DEGENERATE, names ? names[j] : "predictor", NULL,
                    intercept ? "the column is constant: its coefficient is not "
                                "identifiable beside the intercept"
                              : "the column is all zero");
      goto cleanup;
    }
    for (size_t i = 0; i < n; i++) a[j * n + i] /= norm0[j];
  }
  memcpy(a0, a, n * k * sizeof *a);
  for (size_t j = 0; j < k; j++) unit[j] = 1;
  long bad = lqr(n, k, a, tau, rdiag, unit, RG_RANK_TOL);
  if (bad >= 0) {
    rc = avn_fail(err, AVN_E_DEGENERATE, names ? names[bad] : "predictor", NULL,
                  "the column is collinear with the columns before it (a linear "
                  "combination of them): its coefficient is not identifiable");
    goto cleanup;
  }
  /* solve, then refine twice: b += R^-1 Q' (yc - A b) */
  for (int round = 0; round < 3; round++) {
    for (size_t i = 0; i < n; i++) {
      long double v = (long double)y[i] - ybar;
      for (size_t j = 0; j < k; j++) v -= a0[j * n + i] * bs[j];
      qy[i] = v;
    }
    lqr_qty(n, k, a, tau, qy);
    for (size_t j = 0; j < k; j++) db[j] = qy[j];
    lqr_rsolve(n, k, a, rdiag, db);
    for (size_t j = 0; j < k; j++) bs[j] += db[j];
  }
  /* coefficients in original units; residuals from the original data */
  long double b0 = ybar;
  for (size_t j = 0; j < k; j++) {
    long double bj = bs[j] / norm0[j];
    r->beta[off + j] = (double)bj;
    b0 -= mean[j] * bj;
  }
  if (intercept) r->beta[0] = (double)b0;
  long double rss = 0, tss = 0;
  for (size_t i = 0; i < n; i++) {
    long double e = (long double)y[i] - (intercept ? b0 : 0);
    for (size_t j = 0; j < k; j++) e -= ols_x(x, k, poly, i, j) * (bs[j] / norm0[j]);
    resid[i] = (double)e;
    rss += e * e;
    long double d = (long double)y[i] - ybar;
    tss += d * d;
  }
  double df = (double)(n - p);
  double s2 = (double)(rss / (long double)df);
  r->df_resid = df;
  r->rss = (double)rss;
  r->sigma = sqrt(s2);
  /* covariance: C = (A'A)^-1 in scaled units */
  lqr_xtx_inv(n, k, a, rdiag, ri, cs);
  for (size_t j = 0; j < k; j++)
    for (size_t l = 0; l < k; l++)
      r->var[(off + j) * p + off + l] =
          s2 * cs[j * k + l] / (double)(norm0[j] * norm0[l]);
  if (intercept) {
    /* var(b0) = s2/n + m' V m ; cov(b0, b) = -V m */
    long double v00 = (long double)s2 / (long double)n;
    for (size_t j = 0; j < k; j++) {
      long double c = 0;
      for (size_t l = 0; l < k; l++) c += (long double)r->var[(1 + j) * p + 1 + l] * mean[l];
      r->var[(1 + j) * p] = r->var[1 + j] = (double)-c;
      v00 += mean[j] * c;
    }
    r->var[0] = (double)v00;
  }
  for (size_t j = 0; j < p; j++) r->se[j] = sqrt(r->var[j * p + j]);
  if (cluster) {
    r->nclusters = ncl;
    xd = avn_reallocarray(NULL, n * kk, sizeof *xd);
    if (!xd) {
      rc = AVN_E_NOMEM;
      goto cleanup;
    }
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < k; j++) xd[i * k + j] = (double)ols_x(x, k, poly, i, j);
    rc = rg_cluster(r, xd, resid, cluster, ncl, 1 / s2, r->robust_var);
    if (rc) goto cleanup;
    for (size_t j = 0; j < p; j++) r->robust_se[j] = sqrt(r->robust_var[j * p + j]);
  }
  rg_tests(r, conf_level, df);
  /* summary.lm: R^2 against the mean (intercept) or zero; F on p - int df */
  long double ref = intercept ? tss : 0;
  if (!intercept)
    for (size_t i = 0; i < n; i++) ref += (long double)y[i] * y[i];
  if (!(ref > 0)) {
    rc = avn_fail(err, AVN_E_DEGENERATE, "outcome", NULL,
                  intercept ? "the outcome is constant: nothing to explain"
                            : "the outcome is all zero");
    goto cleanup;
  }
  r->r2 = (double)(1 - rss / ref);
  double dfint = intercept ? 1 : 0;
  r->adj_r2 = 1 - (1 - r->r2) * (((double)n - dfint) / df);
  r->f_df1 = (double)p - dfint;
  r->f_df2 = df;
  if (r->f_df1 > 0) {
    r->fstat = (double)((ref - rss) / (long double)r->f_df1) / s2;
    r->f_p = gsl_cdf_fdist_Q(r->fstat, r->f_df1, df);
  } else {
    r->fstat = r->f_p = NAN;
  }
  /* logLik.lm: 0.5 * (-n (log(2 pi) + 1 - log(n) + log(RSS))); df = p + 1 */
  double dn = (double)n;
  r->loglik = 0.5 * (-dn * (log(6.283185307179586477) + 1 - log(dn) + log((double)rss)));
  r->aic = -2 * r->loglik + 2 * ((double)p + 1);
  r->converged = true;
  *out = r;
  r = NULL;
cleanup:
  if (rc == AVN_E_NOMEM && err) avn_fail(err, rc, NULL, NULL, "out of memory");
  avn_free(a);
  avn_free(a0);
  avn_free(tau);
  avn_free(rdiag);
  avn_free(norm0);
  avn_free(unit);
  avn_free(mean);
  avn_free(qy);
  avn_free(bs);
  avn_free(db);
  avn_free(ri);
  avn_free(cs);
  avn_free(resid);
  avn_free(xd);
  regress_free(r);
  return rc;
}

avn_rc regress_ols(size_t n, size_t k, const double *x, const double *y, bool intercept,
                   const char *const *names, const int *cluster, size_t ncl,
                   double conf_level, regress_result **out, avn_err *err) {
  return ols_core(n, k, x, false, y, intercept, names, cluster, ncl, conf_level, out, err);
}

avn_rc regress_ols_poly(size_t n, size_t degree, const double *x, const double *y,
                        bool intercept, const char *const *names, const int *cluster,
                        size_t ncl, double conf_level, regress_result **out,
                        avn_err *err) {
  if (degree == 0 || degree > 20)
    return avn_fail(err, AVN_E_RANGE, "degree", NULL, "polynomial degree must be 1-20");
  return ols_core(n, degree, x, true, y, intercept, names, cluster, ncl, conf_level, out,
                  err);
}

/* ---- logistic ----------------------------------------------------------- */

/* R's C_logit_linkinv and C_logit_mu_eta (family.c). */
#define RG_THRESH 30.
#define RG_MTHRESH -30.
static double logit_linkinv(double eta) {
  double t = eta < RG_MTHRESH ? DBL_EPSILON : (eta > RG_THRESH ? 1 / DBL_EPSILON : exp(eta));
  return t / (1 + t);
}
static double logit_mu_eta(double eta) {
  double opexp = 1 + exp(eta);
  return (eta > RG_THRESH || eta < RG_MTHRESH) ? DBL_EPSILON : exp(eta) / (opexp * opexp);
}
static double binom_dev(double y, double mu) {
  return y > 0 ? -2 * log(mu) : -2 * log(1 - mu);
}

avn_rc regress_logistic(size_t n, size_t k, const double *x, const double *y,
                        bool intercept, const char *const *names, const int *cluster,
                        size_t ncl, double conf_level, regress_result **out,
                        avn_err *err) {
  avn_rc rc = AVN_OK;
  regress_result *r = NULL;
  long double *a = NULL, *tau = NULL, *rdiag = NULL, *unit = NULL, *z = NULL, *ri = NULL;
  double *eta = NULL, *mu = NULL, *w = NULL, *beta = NULL, *cs = NULL, *u = NULL;
  *out = NULL;
  rc = rg_check_input(n, k, x, y, names, cluster, ncl, intercept, "outcome", err);
  if (rc) return rc;
  size_t p = k + (intercept ? 1 : 0), off = intercept ? 1 : 0;
  size_t n1 = 0;
  for (size_t i = 0; i < n; i++) {
    if (y[i] != 0 && y[i] != 1) {
      char v[64];
      snprintf(v, sizeof v, "%g", y[i]);
      return avn_fail(err, AVN_E_RANGE, "outcome", v,
                      "a logistic outcome must be 0 or 1 (row %zu)", i + 1);
    }
    n1 += y[i] == 1;
  }
  if (n1 == 0 || n1 == n)
    return avn_fail(err, AVN_E_DEGENERATE, "outcome", NULL,
                    "the outcome takes only the value %d: nothing to model", n1 ? 1 : 0);
  /* Separation by a single predictor (Albert & Anderson 1984): the values
  ** for y = 0 and y = 1 do not overlap (complete) or meet at one value
  ** (quasi-complete). */
  for (size_t j = 0; j < k; j++) {
    double min0 = INFINITY, max0 = -INFINITY, min1 = INFINITY, max1 = -INFINITY;
    for (size_t i = 0; i < n; i++) {
      double v = x[i * k + j];
      if (y[i] == 1) {
        min1 = fmin(min1, v);
        max1 = fmax(max1, v);
      } else {
        min0 = fmin(min0, v);
        max0 = fmax(max0, v);
      }
    }
    if (min0 == max1 && min1 == max0) continue; /* constant column: caught below */
    if (max0 <= min1 || max1 <= min0) {
      int complete = max0 < min1 || max1 < min0;
      return avn_fail(err, AVN_E_DEGENERATE, names ? names[j] : "predictor", NULL,
                      "%s separation: this predictor alone splits the outcome (every "
                      "row with %s %s %g has outcome %d), so the maximum-likelihood "
                      "estimate does not exist (its coefficient runs to infinity)",
                      complete ? "complete" : "quasi-complete",
                      names ? names[j] : "it", max0 <= min1 ? ">" : "<",
                      max0 <= min1 ? max0 : max1, max0 <= min1 ? 1 : 0);
    }
  }
  r = avn_calloc(1, sizeof *r);
  a = avn_reallocarray(NULL, n * p, sizeof *a);
  tau = avn_calloc(p, sizeof *tau);
  rdiag = avn_calloc(p, sizeof *rdiag);
  unit = avn_calloc(p, sizeof *unit);
  z = avn_reallocarray(NULL, n, sizeof *z);
  ri = avn_calloc(p * p, sizeof *ri);
  eta = avn_reallocarray(NULL, n, sizeof *eta);
  mu = avn_reallocarray(NULL, n, sizeof *mu);
  w = avn_reallocarray(NULL, n, sizeof *w);
  beta = avn_calloc(p, sizeof *beta);
  cs = avn_calloc(p * p, sizeof *cs);
  u = avn_reallocarray(NULL, n, sizeof *u);
  if (!r || !a || !tau || !rdiag || !unit || !z || !ri || !eta || !mu || !w || !beta ||
      !cs || !u) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  rc = rg_alloc(r, n, k, p, intercept, cluster != NULL);
  if (rc) goto cleanup;
  /* constant or collinear columns: QR of the unweighted design, scaled */
  for (size_t j = 0; j < p; j++) {
    long double s = 0;
    for (size_t i = 0; i < n; i++) {
      long double v = (j < off) ? 1 : x[i * k + j - off];
      a[j * n + i] = v;
      s += v * v;
    }
    unit[j] = sqrtl(s);
  }
  if (intercept)
    for (size_t j = 1; j < p; j++) {
      /* a column equal to a constant is collinear with the intercept */
      double v0 = x[j - 1];
      size_t i;
      for (i = 1; i < n && x[i * k + j - 1] == v0; i++) {}
      if (i == n) {
        rc = avn_fail(err, AVN_E_DEGENERATE, names ? names[j - 1] : "predictor", NULL,
                      "the column is constant: its coefficient is not identifiable "
                      "beside the intercept");
        goto cleanup;
      }
    }
  long bad = lqr(n, p, a, tau, rdiag, unit, RG_RANK_TOL);
  if (bad >= 0) {
    rc = avn_fail(err, AVN_E_DEGENERATE, bad >= (long)off && names ? names[bad - off]
                                                                   : "predictor", NULL,
                  "the column is collinear with the columns before it: its coefficient "
                  "is not identifiable");
    goto cleanup;
  }
  /* glm.fit */
  double devold = 0, dev = 0;
  for (size_t i = 0; i < n; i++) {
    double m = (y[i] + 0.5) / 2;
    eta[i] = log(m / (1 - m));
    mu[i] = logit_linkinv(eta[i]);
    devold += binom_dev(y[i], mu[i]);
  }
  int iter, conv = 0;
  for (iter = 1; iter <= 25; iter++) {
    for (size_t i = 0; i < n; i++) {
      double me = logit_mu_eta(eta[i]);
      double vm = mu[i] * (1 - mu[i]);
      z[i] = eta[i] + (y[i] - mu[i]) / me;
      w[i] = sqrt(me * me / vm);
    }
    for (size_t j = 0; j < p; j++) {
      for (size_t i = 0; i < n; i++)
        a[j * n + i] = (long double)w[i] * ((j < off) ? 1 : x[i * k + j - off]);
      unit[j] = 0;
    }
    for (size_t i = 0; i < n; i++) z[i] *= w[i];
    bad = lqr(n, p, a, tau, rdiag, unit, 0);
    if (bad >= 0) {
      rc = avn_fail(err, AVN_E_DEGENERATE, bad >= (long)off && names ? names[bad - off]
                                                                     : "predictor", NULL,
                    "the weighted design became singular at this column during the "
                    "fit (separation?)");
      goto cleanup;
    }
    lqr_qty(n, p, a, tau, z);
    lqr_rsolve(n, p, a, rdiag, z);
    for (size_t j = 0; j < p; j++) beta[j] = (double)z[j];
    dev = 0;
    for (size_t i = 0; i < n; i++) {
      long double e = intercept ? beta[0] : 0;
      for (size_t j = 0; j < k; j++) e += (long double)x[i * k + j] * beta[off + j];
      eta[i] = (double)e;
      mu[i] = logit_linkinv(eta[i]);
      dev += binom_dev(y[i], mu[i]);
    }
    if (!isfinite(dev)) {
      rc = avn_fail(err, AVN_E_DEGENERATE, "outcome", NULL,
                    "the deviance became infinite during the fit (separation)");
      goto cleanup;
    }
    if (fabs(dev - devold) / (fabs(dev) + 0.1) < 1e-8) {
      conv = 1;
      break;
    }
    devold = dev;
  }
  if (iter > 25) iter = 25;
  /* separation jointly over several predictors: fitted 0/1 or no convergence */
  int edge = 0;
  for (size_t i = 0; i < n; i++)
    if (mu[i] > 1 - 10 * DBL_EPSILON || mu[i] < 10 * DBL_EPSILON) edge = 1;
  if (edge || !conv) {
    size_t worst = 0;
    double wv = -1;
    for (size_t j = 0; j < k; j++) {
      double m = 0, s = 0;
      for (size_t i = 0; i < n; i++) m += x[i * k + j];
      m /= (double)n;
      for (size_t i = 0; i < n; i++) s += (x[i * k + j] - m) * (x[i * k + j] - m);
      double v = fabs(beta[off + j]) * sqrt(s / (double)(n - 1));
      if (v > wv) {
        wv = v;
        worst = j;
      }
    }
    rc = avn_fail(err, AVN_E_DEGENERATE, k && names ? names[worst] : "predictors", NULL,
                  "%s: the predictors separate the outcome (complete or quasi-complete "
                  "separation, jointly; this one has the largest standardized "
                  "coefficient), so the maximum-likelihood estimate does not exist",
                  edge ? "fitted probabilities numerically 0 or 1"
                       : "the fit did not converge in 25 iterations");
    goto cleanup;
  }
  r->iterations = iter;
  r->converged = true;
  for (size_t j = 0; j < p; j++) r->beta[j] = beta[j];
  lqr_xtx_inv(n, p, a, rdiag, ri, r->var);
  for (size_t j = 0; j < p; j++) r->se[j] = sqrt(r->var[j * p + j]);
  r->deviance = dev;
  r->df_resid = (double)(n - p);
  double ybar = intercept ? (double)n1 / (double)n : 0.5, nd = 0;
  for (size_t i = 0; i < n; i++) nd += binom_dev(y[i], ybar);
  r->null_deviance = nd;
  r->df_null = (double)(intercept ? n - 1 : n);
  r->loglik = -dev / 2;
  r->aic = dev + 2 * (double)p;
  r->sigma = r->rss = r->r2 = r->adj_r2 = r->fstat = r->f_df1 = r->f_df2 = r->f_p = NAN;
  if (cluster) {
    r->nclusters = ncl;
    for (size_t i = 0; i < n; i++) u[i] = y[i] - mu[i];
    rc = rg_cluster(r, x, u, cluster, ncl, 1, r->robust_var);
    if (rc) goto cleanup;
    for (size_t j = 0; j < p; j++) r->robust_se[j] = sqrt(r->robust_var[j * p + j]);
  }
  rg_tests(r, conf_level, 0);
  *out = r;
  r = NULL;
cleanup:
  if (rc == AVN_E_NOMEM && err) avn_fail(err, rc, NULL, NULL, "out of memory");
  avn_free(a);
  avn_free(tau);
  avn_free(rdiag);
  avn_free(unit);
  avn_free(z);
  avn_free(ri);
  avn_free(eta);
  avn_free(mu);
  avn_free(w);
  avn_free(beta);
  avn_free(cs);
  avn_free(u);
  regress_free(r);
  return rc;
}
