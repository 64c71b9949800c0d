/*
** gee.h: generalized estimating equations (Liang & Zeger 1986) for a
** Gaussian (identity link) or binomial (logit link) outcome with an
** independence or exchangeable working correlation, robust (sandwich) SE.
**
** Matches geepack::geeglm (Halekoh, Hojsgaard & Yan 2006): with Pearson
** residuals r = (y - mu) / sqrt(v(mu)), the scale and the exchangeable
** correlation are the moment estimators geepack uses,
**   phi = sum r^2 / N,     alpha = sum_i sum_{j<k} r_ij r_ik / (phi M),
**   M = sum_i n_i (n_i - 1) / 2
** (no degrees-of-freedom corrections, unlike Liang & Zeger's paper).
** beta is updated by Fisher scoring, beta += B^{-1} U with
** B = sum_i D_i' V_i^{-1} D_i, U = sum_i D_i' V_i^{-1} (y_i - mu_i),
** alternating with (phi, alpha), from the independence (GLM) fit, until the
** largest change is below 1e-10 (relative to |beta| + 1e-3); at most 100
** iterations (converged flag). Robust covariance B^{-1} (sum u_i u_i') B^{-1}
** (u_i the cluster score); model-based ("naive") phi B^{-1}. Wald chi-square
** = (b / robust se)^2 on 1 df, as geeglm prints.
**
** Per cluster R_i^{-1} = (I - c_i J) / (1 - alpha), c_i = alpha / (1 +
** (n_i - 1) alpha), so no n_i x n_i matrix is formed: cost O(n p^2) per
** iteration. Clusters need not be contiguous (ids are 0..m-1).
**
** The result owns its arrays (gee_result_free).
*/
#ifndef AVN_STATS_GEE_H
#define AVN_STATS_GEE_H

#include <stddef.h>
#include "core/rc.h"

typedef enum gee_family { GEE_GAUSSIAN = 0, GEE_BINOMIAL } gee_family;
typedef enum gee_corstr { GEE_INDEPENDENCE = 0, GEE_EXCHANGEABLE } gee_corstr;

typedef struct gee_result {
  size_t n, p, n_clusters, max_cluster;
  int iterations, converged;
  double *beta, *robust_se, *naive_se, *wald, *pval, *ci_low, *ci_high;
  double alpha, scale;
} gee_result;

/* X: n x p row-major (with intercept column), y: n (0/1 for binomial),
** cluster: n ids in [0, n_clusters). Refuses rank-deficient X
** ("predictors"), a non-0/1 binomial outcome or a constant outcome
** (y_name), fewer than 2 clusters ("subject"), and non-convergence or
** fitted probabilities 0/1 (separation, y_name). */
avn_rc gee_fit(const double *X, const double *y, size_t n, size_t p,
               const size_t *cluster, size_t n_clusters, gee_family fam,
               gee_corstr cor, double conf_level, const char *y_name,
               avn_err *err, gee_result *out /* OUT */);

void gee_result_free(gee_result *r);

#endif
