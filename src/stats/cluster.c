/*
** cluster.c: cluster-robust mean, proportion and Rao-Scott table test
** (see cluster.h for the contract and the formulas).
**
** References:
**   Rao JNK, Scott AJ. On chi-squared tests for multiway contingency tables
**     with cell proportions estimated from survey data. Ann Stat
**     1984;12:46-60 (the second-order correction).
**   Lumley T. survey package 4.1 for R: svymean, svyciprop (logit) and
**     svychisq.survey.design (statistic = "F"), which this file reproduces.
*/
#include "stats/cluster.h"

#include <math.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>

#include "core/mem.h"

/* Counts the clusters present and checks the ids; fails on n < 2 or G < 2. */
static avn_rc clusters_present(const int *cluster, size_t n, size_t ncl, size_t *g,
                               avn_err *err) {
  if (n < 2) return avn_fail(err, AVN_E_DEGENERATE, "y", NULL, "fewer than 2 units (%zu)", n);
  unsigned char *seen = avn_calloc(ncl ? ncl : 1, 1);
  if (!seen) return avn_fail(err, AVN_E_NOMEM, NULL, NULL, "out of memory");
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (cluster[i] < 0 || (size_t)cluster[i] >= ncl) {
      avn_free(seen);
      return avn_fail(err, AVN_E_RANGE, "cluster", NULL, "cluster id out of range (unit %zu)", i + 1);
    }
    if (!seen[cluster[i]]) {
      seen[cluster[i]] = 1;
      k++;
    }
  }
  avn_free(seen);
  if (k < 2)
    return avn_fail(err, AVN_E_DEGENERATE, "cluster", NULL,
                    "all units are in one cluster: no between-cluster variance");
  *g = k;
  return AVN_OK;
}

/* Mean and its linearised cluster-robust SE; out->n, nclusters, df too. */
static avn_rc mean_se(const double *y, const int *cluster, size_t n, size_t ncl,
                      cluster_est *out, avn_err *err) {
  size_t g;
  avn_rc rc = clusters_present(cluster, n, ncl, &g, err);
  if (rc) return rc;
  double *z = avn_calloc(ncl, sizeof *z);
  if (!z) return avn_fail(err, AVN_E_NOMEM, NULL, NULL, "out of memory");
  double m = 0;
  for (size_t i = 0; i < n; i++) m += y[i];
  m /= (double)n;
  for (size_t i = 0; i < n; i++) z[cluster[i]] += (y[i] - m) / (double)n;
  double v = 0;
  for (size_t c = 0; c < ncl; c++) v += z[c] * z[c];
  avn_free(z);
  memset(out, 0, sizeof *out);
  out->n = n;
  out->nclusters = g;
  out->estimate = m;
  out->se = sqrt((double)g / (double)(g - 1) * v);
  out->df = (double)(g - 1);
  out->t = out->p = out->ci_low = out->ci_high = NAN;
  return AVN_OK;
}

static double t_quantile(double conf_level, double df) {
  return gsl_cdf_tdist_Pinv(1 - (1 - conf_level) / 2, df);
}

avn_rc cluster_mean(const double *y, const int *cluster, size_t n, size_t ncl,
                    double conf_level, cluster_est *out, avn_err *err) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(y[i])) return avn_fail(err, AVN_E_RANGE, "y", NULL, "non-finite value (unit %zu)", i + 1);
  avn_rc rc = mean_se(y, cluster, n, ncl, out, err);
  if (rc) return rc;
  double q = t_quantile(conf_level, out->df);
  out->ci_low = out->estimate - q * out->se;
  out->ci_high = out->estimate + q * out->se;
  if (out->se > 0) {
    out->t = out->estimate / out->se;
    out->p = 2 * gsl_cdf_tdist_Q(fabs(out->t), out->df);
  }
  return AVN_OK;
}

avn_rc cluster_prop(const int *y, const int *cluster, size_t n, size_t ncl,
                    double conf_level, cluster_est *out, avn_err *err) {
  double *d = avn_reallocarray(NULL, n ? n : 1, sizeof *d);
  if (!d) return avn_fail(err, AVN_E_NOMEM, NULL, NULL, "out of memory");
  for (size_t i = 0; i < n; i++) {
    if (y[i] != 0 && y[i] != 1) {
      avn_free(d);
      return avn_fail(err, AVN_E_RANGE, "y", NULL, "a proportion counts 0/1 values (unit %zu)", i + 1);
    }
    d[i] = y[i];
  }
  avn_rc rc = mean_se(d, cluster, n, ncl, out, err);
  avn_free(d);
  if (rc) return rc;
  double p = out->estimate;
  if (p > 0 && p < 1) {
    /* the intercept of svyglm(y ~ 1, quasibinomial) is logit(p), its SE
    ** the delta-method image of the mean's */
    double q = t_quantile(conf_level, out->df), l = log(p / (1 - p));
    double sl = out->se / (p * (1 - p));
    out->ci_low = 1 / (1 + exp(-(l - q * sl)));
    out->ci_high = 1 / (1 + exp(-(l + q * sl)));
  }
  return AVN_OK;
}

/* ---- Rao-Scott ---------------------------------------------------------- */

/* The used levels of a factor: map[level] = index among used, or -1. */
static avn_rc used_levels(const int *a, size_t na, size_t n, const char *field, int *map,
                          size_t *used, avn_err *err) {
  for (size_t l = 0; l < na; l++) map[l] = -1;
  for (size_t i = 0; i < n; i++) {
    if (a[i] < 0 || (size_t)a[i] >= na)
      return avn_fail(err, AVN_E_RANGE, field, NULL, "level index out of range (unit %zu)", i + 1);
    map[a[i]] = 0;
  }
  size_t k = 0;
  for (size_t l = 0; l < na; l++)
    if (map[l] == 0) map[l] = (int)k++;
  if (k < 2)
    return avn_fail(err, AVN_E_DEGENERATE, field, NULL,
                    "only %zu level is used: a table needs 2 on each side", k);
  *used = k;
  return AVN_OK;
}

avn_rc cluster_chisq(const int *a, size_t na, const int *b, size_t nb, const int *cluster,
                     size_t n, size_t ncl, cluster_chisq_result *out, avn_err *err) {
  avn_rc rc = AVN_OK;
  int *ma = avn_calloc(na ? na : 1, sizeof *ma), *mb = avn_calloc(nb ? nb : 1, sizeof *mb);
  double *cnt = NULL, *cm = NULL, *v0 = NULL, *w = NULL, *A = NULL, *B = NULL;
  gsl_permutation *perm = NULL;
  size_t g = 0, r = 0, c = 0;
  if (!ma || !mb) { rc = AVN_E_NOMEM; goto cleanup; }
  if ((rc = clusters_present(cluster, n, ncl, &g, err))) goto cleanup;
  if ((rc = used_levels(a, na, n, "rows", ma, &r, err))) goto cleanup;
  if ((rc = used_levels(b, nb, n, "columns", mb, &c, err))) goto cleanup;
  const size_t m = r * c, k = (r - 1) * (c - 1);
  const double N = (double)n;
  cnt = avn_calloc(m, sizeof *cnt);
  cm = avn_calloc(m * k, sizeof *cm);     /* D^-1 C, cell-major */
  v0 = avn_calloc(k, sizeof *v0);
  w = avn_calloc(ncl * k, sizeof *w);     /* C' D^-1 z_g per cluster */
  A = avn_calloc(k * k, sizeof *A);
  B = avn_calloc(k * k, sizeof *B);
  perm = gsl_permutation_alloc(k);
  if (!cnt || !cm || !v0 || !w || !A || !B || !perm) { rc = AVN_E_NOMEM; goto cleanup; }
  for (size_t i = 0; i < n; i++) cnt[(size_t)ma[a[i]] + r * (size_t)mb[b[i]]]++;
  /* Pearson X2 of the counts */
  double x2 = 0;
  for (size_t i = 0; i < r; i++)
    for (size_t j = 0; j < c; j++) {
      double ri = 0, cj = 0;
      for (size_t jj = 0; jj < c; jj++) ri += cnt[i + r * jj];
      for (size_t ii = 0; ii < r; ii++) cj += cnt[ii + r * j];
      double e = ri * cj / N, o = cnt[i + r * j];
      x2 += (o - e) * (o - e) / e;
    }
  /* C: the interaction indicators (i, j >= 1) double-centred, which is
  ** qr.resid on the main effects for a complete grid; D^-1 C with 0 for
  ** an empty cell (svychisq's iDmat) */
  for (size_t cell = 0; cell < m; cell++) {
    size_t ci = cell % r, cj = cell / r;
    double pm = cnt[cell] / N;
    for (size_t jj = 1; jj < c; jj++)
      for (size_t ii = 1; ii < r; ii++) {
        size_t col = (ii - 1) + (r - 1) * (jj - 1);
        double cv = (ci == ii && cj == jj) - (double)(ci == ii) / (double)c -
                    (double)(cj == jj) / (double)r + 1.0 / (double)m;
        cm[cell * k + col] = pm > 0 ? cv / pm : 0;
        v0[col] += pm > 0 ? cv : 0;   /* sum_cell (D^-1 C) p = sum over used cells of C */
      }
  }
  /* A = C' D^-1 C / N = sum_cell p (D^-1 C)'(D^-1 C) / N */
  for (size_t cell = 0; cell < m; cell++) {
    double pm = cnt[cell] / N;
    const double *row = cm + cell * k;
    for (size_t x = 0; x < k; x++)
      for (size_t y = 0; y < k; y++) A[x * k + y] += pm * row[x] * row[y] / N;
  }
  /* z_g = sum_{i in g} (e_cell(i) - p) / N, so C'D^-1 z_g sums (row - v0) / N */
  for (size_t i = 0; i < n; i++) {
    const double *row = cm + ((size_t)ma[a[i]] + r * (size_t)mb[b[i]]) * k;
    double *wg = w + (size_t)cluster[i] * k;
    for (size_t x = 0; x < k; x++) wg[x] += (row[x] - v0[x]) / N;
  }
  const double fg = (double)g / (double)(g - 1);
  for (size_t q = 0; q < ncl; q++) {
    const double *wg = w + q * k;
    for (size_t x = 0; x < k; x++)
      for (size_t y = 0; y < k; y++) B[x * k + y] += fg * wg[x] * wg[y];
  }
  /* Delta = A^-1 B */
  gsl_matrix_view av = gsl_matrix_view_array(A, k, k);
  int sign;
  gsl_error_handler_t *old = gsl_set_error_handler_off();
  int bad = gsl_linalg_LU_decomp(&av.matrix, perm, &sign);
  if (!bad) {
    for (size_t y = 0; y < k && !bad; y++) {
      gsl_vector_view col = gsl_vector_view_array_with_stride(B + y, k, k);
      bad = gsl_linalg_LU_svx(&av.matrix, perm, &col.vector);
    }
  }
  gsl_set_error_handler(old);
  if (bad) {
    rc = avn_fail(err, AVN_E_DEGENERATE, "table", NULL,
                  "the cell proportions' contrast matrix is singular");
    goto cleanup;
  }
  double tr = 0, tr2 = 0;
  for (size_t x = 0; x < k; x++) {
    tr += B[x * k + x];
    for (size_t y = 0; y < k; y++) tr2 += B[x * k + y] * B[y * k + x];
  }
  if (!(tr > 0) || !(tr2 > 0)) {
    rc = avn_fail(err, AVN_E_DEGENERATE, "table", NULL,
                  "no between-cluster variation in the cells: the design effect is 0");
    goto cleanup;
  }
  memset(out, 0, sizeof *out);
  out->n = n;
  out->nclusters = g;
  out->rows = r;
  out->cols = c;
  out->pearson = x2;
  out->delta_mean = tr / (double)k;
  out->f = x2 / tr;
  out->df1 = tr * tr / tr2;
  out->df2 = out->df1 * (double)(g - 1);
  out->p = gsl_cdf_fdist_Q(out->f, out->df1, out->df2);
cleanup:
  if (rc == AVN_E_NOMEM && err) avn_fail(err, rc, NULL, NULL, "out of memory");
  avn_free(ma);
  avn_free(mb);
  avn_free(cnt);
  avn_free(cm);
  avn_free(v0);
  avn_free(w);
  avn_free(A);
  avn_free(B);
  if (perm) gsl_permutation_free(perm);
  return rc;
}
