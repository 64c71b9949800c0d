/*
** gee.c: GEE for Gaussian / binomial outcomes with independence or
** exchangeable working correlation; see gee.h (Liang & Zeger 1986;
** Halekoh, Hojsgaard & Yan 2006 for geepack's moment estimators).
**
** Rows are grouped by cluster with one counting sort (O(n + m)); every
** iteration is one pass computing per-cluster sums of the weighted rows
** x~ = x sqrt(v(mu)) and the Pearson residuals. Scratch: p x p matrices,
** per-cluster row lists; all freed before return.
*/
#include "stats/gee.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include "core/mem.h"

void gee_result_free(gee_result *r) {
  if (!r) return;
  avn_free(r->beta);
  avn_free(r->robust_se);
  avn_free(r->naive_se);
  avn_free(r->wald);
  avn_free(r->pval);
  avn_free(r->ci_low);
  avn_free(r->ci_high);
  r->beta = r->robust_se = r->naive_se = r->wald = r->pval = r->ci_low = r->ci_high = NULL;
}

typedef struct gee_work {
  size_t n, p, m;
  const double *X, *y;
  size_t *start, *rows;   /* cluster c has rows[start[c] .. start[c+1]) */
  double *mu, *w, *r;     /* n each */
  double *B, *U, *M, *s, *xr, *ui; /* p x p, p, p x p, p, p, p */
} gee_work;

/* mu, sqrt-variance weights w and Pearson residuals r at beta. Returns 0,
** or -1 if a fitted probability reached 0 or 1. */
static int gee_mu(gee_work *g, gee_family fam, const double *beta) {
  size_t i, j, p = g->p;
  for (i = 0; i < g->n; i++) {
    double eta = 0.;
    for (j = 0; j < p; j++) eta += g->X[i * p + j] * beta[j];
    if (fam == GEE_BINOMIAL) {
      double mu = 1. / (1. + exp(-eta));
      if (!(mu > 1e-10 && mu < 1. - 1e-10)) return -1;
      g->mu[i] = mu;
      g->w[i] = sqrt(mu * (1. - mu));
    } else {
      g->mu[i] = eta;
      g->w[i] = 1.;
    }
    g->r[i] = (g->y[i] - g->mu[i]) / g->w[i];
  }
  return 0;
}

/* phi and alpha (exchangeable) from the current residuals. */
static void gee_moments(gee_work *g, gee_corstr cor, double *phi, double *alpha) {
  double ss = 0., cross = 0., npair = 0.;
  size_t c, k;
  for (c = 0; c < g->m; c++) {
    double sr = 0., sr2 = 0., nc = (double)(g->start[c + 1] - g->start[c]);
    for (k = g->start[c]; k < g->start[c + 1]; k++) {
      double r = g->r[g->rows[k]];
      sr += r;
      sr2 += r * r;
    }
    ss += sr2;
    cross += (sr * sr - sr2) / 2.;
    npair += nc * (nc - 1.) / 2.;
  }
  *phi = ss / (double)g->n;
  *alpha = (cor == GEE_EXCHANGEABLE && npair > 0.) ? cross / (*phi * npair) : 0.;
}

/* B = sum X~' R^-1 X~, U = sum X~' R^-1 r and (if M) M = sum u u'. */
static int gee_score(gee_work *g, double alpha, int want_m) {
  size_t c, k, j, l, p = g->p;
  memset(g->B, 0, p * p * sizeof *g->B);
  memset(g->U, 0, p * sizeof *g->U);
  if (want_m) memset(g->M, 0, p * p * sizeof *g->M);
  for (c = 0; c < g->m; c++) {
    double nc = (double)(g->start[c + 1] - g->start[c]), sr = 0., cc;
    if (1. + (nc - 1.) * alpha <= 0. || alpha >= 1.) return -1;
    cc = alpha / (1. + (nc - 1.) * alpha);
    memset(g->s, 0, p * sizeof *g->s);
    memset(g->xr, 0, p * sizeof *g->xr);
    for (k = g->start[c]; k < g->start[c + 1]; k++) {
      size_t i = g->rows[k];
      const double *x = g->X + i * p;
      double wi = g->w[i], ri = g->r[i];
      for (j = 0; j < p; j++) {
        double xj = x[j] * wi;
        for (l = 0; l <= j; l++) g->B[j * p + l] += xj * x[l] * wi / (1. - alpha);
        g->s[j] += xj;
        g->xr[j] += xj * ri;
      }
      sr += ri;
    }
    for (j = 0; j < p; j++) {
      for (l = 0; l <= j; l++) g->B[j * p + l] -= cc * g->s[j] * g->s[l] / (1. - alpha);
      g->ui[j] = (g->xr[j] - cc * g->s[j] * sr) / (1. - alpha);
      g->U[j] += g->ui[j];
    }
    if (want_m)
      for (j = 0; j < p; j++)
        for (l = 0; l < p; l++) g->M[j * p + l] += g->ui[j] * g->ui[l];
  }
  for (j = 0; j < p; j++)
    for (l = 0; l < j; l++) g->B[l * p + j] = g->B[j * p + l];
  return 0;
}

avn_rc gee_fit(const double *X, const double *y, size_t n, size_t p,
               const size_t *cluster, size_t n_clusters, gee_family fam,
               gee_corstr cor, double conf_level, const char *y_name,
               avn_err *err, gee_result *out) {
  avn_rc rc = AVN_OK;
  gee_work g;
  double *beta = NULL, *Binv = NULL, *tmp = NULL, phi = 1., alpha = 0.;
  size_t i, j, l, c, maxc = 0;
  int phase, it = 0, conv = 0, total = 0;
  char v[64];
  gsl_permutation *perm = NULL;

  assert(X && y && cluster && out);
  memset(&g, 0, sizeof g);
  memset(out, 0, sizeof *out);
  if (n_clusters < 2) {
    snprintf(v, sizeof v, "%zu", n_clusters);
    rc = avn_fail(err, AVN_E_DEGENERATE, "subject", v, "GEE needs at least 2 clusters");
    goto cleanup;
  }
  if (n <= p) {
    snprintf(v, sizeof v, "%zu", n);
    rc = avn_fail(err, AVN_E_DEGENERATE, y_name, v, "too few complete rows for the predictors");
    goto cleanup;
  }
  {
    int constant = 1;
    for (i = 0; i < n; i++) {
      if (fam == GEE_BINOMIAL && y[i] != 0. && y[i] != 1.) {
        snprintf(v, sizeof v, "%g", y[i]);
        rc = avn_fail(err, AVN_E_RANGE, y_name, v, "a binomial outcome must be 0 or 1");
        goto cleanup;
      }
      if (y[i] != y[0]) constant = 0;
    }
    if (constant) {
      rc = avn_fail(err, AVN_E_DEGENERATE, y_name, "", "the outcome is constant");
      goto cleanup;
    }
  }
  g.n = n;
  g.p = p;
  g.m = n_clusters;
  g.X = X;
  g.y = y;
  g.start = avn_calloc(n_clusters + 1, sizeof *g.start);
  g.rows = avn_calloc(n, sizeof *g.rows);
  g.mu = avn_calloc(n, sizeof *g.mu);
  g.w = avn_calloc(n, sizeof *g.w);
  g.r = avn_calloc(n, sizeof *g.r);
  g.B = avn_calloc(p * p, sizeof *g.B);
  g.M = avn_calloc(p * p, sizeof *g.M);
  g.U = avn_calloc(p, sizeof *g.U);
  g.s = avn_calloc(p, sizeof *g.s);
  g.xr = avn_calloc(p, sizeof *g.xr);
  g.ui = avn_calloc(p, sizeof *g.ui);
  beta = avn_calloc(p, sizeof *beta);
  Binv = avn_calloc(p * p, sizeof *Binv);
  tmp = avn_calloc(p * p, sizeof *tmp);
  perm = gsl_permutation_alloc(p);
  out->beta = avn_calloc(p, sizeof *out->beta);
  out->robust_se = avn_calloc(p, sizeof *out->robust_se);
  out->naive_se = avn_calloc(p, sizeof *out->naive_se);
  out->wald = avn_calloc(p, sizeof *out->wald);
  out->pval = avn_calloc(p, sizeof *out->pval);
  out->ci_low = avn_calloc(p, sizeof *out->ci_low);
  out->ci_high = avn_calloc(p, sizeof *out->ci_high);
  if (!g.start || !g.rows || !g.mu || !g.w || !g.r || !g.B || !g.M || !g.U ||
      !g.s || !g.xr || !g.ui || !beta || !Binv || !tmp || !perm || !out->beta ||
      !out->robust_se || !out->naive_se || !out->wald || !out->pval ||
      !out->ci_low || !out->ci_high) {
    rc = avn_fail(err, AVN_E_NOMEM, NULL, NULL, "GEE workspace");
    goto cleanup;
  }
  /* Counting sort of rows by cluster. */
  for (i = 0; i < n; i++) {
    if (cluster[i] >= n_clusters) {
      rc = avn_fail(err, AVN_E_RANGE, "subject", "", "cluster index out of range (internal)");
      goto cleanup;
    }
    g.start[cluster[i] + 1]++;
  }
  for (c = 0; c < n_clusters; c++) {
    size_t sz = g.start[c + 1];
    if (sz > maxc) maxc = sz;
    g.start[c + 1] += g.start[c];
  }
  {
    size_t *fill = avn_calloc(n_clusters, sizeof *fill);
    if (!fill) {
      rc = avn_fail(err, AVN_E_NOMEM, NULL, NULL, "GEE workspace");
      goto cleanup;
    }
    for (i = 0; i < n; i++) g.rows[g.start[cluster[i]] + fill[cluster[i]]++] = i;
    avn_free(fill);
  }
  /* Start: logit of the mean (binomial) or 0 (Gaussian, exact in 1 step). */
  if (fam == GEE_BINOMIAL) {
    double ybar = 0.;
    for (i = 0; i < n; i++) ybar += y[i];
    ybar /= (double)n;
    beta[0] = log(ybar / (1. - ybar)); /* column 0 is the intercept */
  }
  /* Phase 0: independence (the GLM fit); phase 1: exchangeable. */
  for (phase = 0; phase < (cor == GEE_EXCHANGEABLE ? 2 : 1); phase++) {
    conv = 0;
    for (it = 0; it < 100; it++, total++) {
      double maxrel = 0.;
      int sg;
      if (gee_mu(&g, fam, beta)) {
        rc = avn_fail(err, AVN_E_DEGENERATE, y_name, "",
                      "fitted probabilities of 0 or 1 (complete separation)");
        goto cleanup;
      }
      gee_moments(&g, phase ? cor : GEE_INDEPENDENCE, &phi, &alpha);
      if (gee_score(&g, alpha, 0)) {
        snprintf(v, sizeof v, "%g", alpha);
        rc = avn_fail(err, AVN_E_NOCONV, "corstr", v,
                      "working correlation outside its valid range");
        goto cleanup;
      }
      {
        gsl_matrix_view Bv = gsl_matrix_view_array(g.B, p, p);
        gsl_vector_view Uv = gsl_vector_view_array(g.U, p);
        gsl_vector_view Dv = gsl_vector_view_array(g.s, p);
        gsl_error_handler_t *old = gsl_set_error_handler_off();
        int st = gsl_linalg_cholesky_decomp1(&Bv.matrix);
        if (!st) st = gsl_linalg_cholesky_solve(&Bv.matrix, &Uv.vector, &Dv.vector);
        gsl_set_error_handler(old);
        (void)sg;
        if (st) {
          rc = avn_fail(err, AVN_E_DEGENERATE, "predictors", "",
                        "the design is rank deficient (collinear predictors or an "
                        "empty factor level)");
          goto cleanup;
        }
      }
      for (j = 0; j < p; j++) {
        double rel = fabs(g.s[j]) / (fabs(beta[j]) + 1e-3);
        beta[j] += g.s[j];
        if (rel > maxrel) maxrel = rel;
      }
      if (maxrel < 1e-11) {
        conv = 1;
        break;
      }
    }
  }
  if (!conv) {
    rc = avn_fail(err, AVN_E_NOCONV, y_name, "", "GEE did not converge in 100 iterations");
    goto cleanup;
  }
  /* Final moments, B and M at the solution. */
  if (gee_mu(&g, fam, beta)) {
    rc = avn_fail(err, AVN_E_DEGENERATE, y_name, "", "fitted probabilities of 0 or 1 (complete separation)");
    goto cleanup;
  }
  gee_moments(&g, cor, &phi, &alpha);
  if (gee_score(&g, alpha, 1)) {
    rc = avn_fail(err, AVN_E_NOCONV, "corstr", "", "working correlation outside its valid range");
    goto cleanup;
  }
  {
    gsl_matrix_view Bv = gsl_matrix_view_array(g.B, p, p);
    gsl_matrix_view Iv = gsl_matrix_view_array(Binv, p, p);
    int sg;
    gsl_linalg_LU_decomp(&Bv.matrix, perm, &sg);
    gsl_linalg_LU_invert(&Bv.matrix, perm, &Iv.matrix);
  }
  for (i = 0; i < p; i++) /* tmp = Binv M */
    for (j = 0; j < p; j++) {
      double s = 0.;
      for (l = 0; l < p; l++) s += Binv[i * p + l] * g.M[l * p + j];
      tmp[i * p + j] = s;
    }
  {
    double q = gsl_cdf_ugaussian_Pinv(0.5 + conf_level / 2.);
    for (j = 0; j < p; j++) {
      double vr = 0.;
      for (l = 0; l < p; l++) vr += tmp[j * p + l] * Binv[l * p + j];
      out->beta[j] = beta[j];
      out->robust_se[j] = sqrt(vr);
      out->naive_se[j] = sqrt(phi * Binv[j * p + j]);
      out->wald[j] = beta[j] * beta[j] / vr;
      out->pval[j] = gsl_cdf_chisq_Q(out->wald[j], 1.);
      out->ci_low[j] = beta[j] - q * out->robust_se[j];
      out->ci_high[j] = beta[j] + q * out->robust_se[j];
    }
  }
  out->n = n;
  out->p = p;
  out->n_clusters = n_clusters;
  out->max_cluster = maxc;
  out->iterations = total;
  out->converged = conv;
  out->alpha = alpha;
  out->scale = phi;
cleanup:
  avn_free(g.start);
  avn_free(g.rows);
  avn_free(g.mu);
  avn_free(g.w);
  avn_free(g.r);
  avn_free(g.B);
  avn_free(g.M);
  avn_free(g.U);
  avn_free(g.s);
  avn_free(g.xr);
  avn_free(g.ui);
  avn_free(beta);
  avn_free(Binv);
  avn_free(tmp);
  if (perm) gsl_permutation_free(perm);
  if (rc) gee_result_free(out);
  return rc;
}
