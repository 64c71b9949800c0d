/*
** regress.h: linear (ordinary least squares) and logistic regression, with
** cluster-robust standard errors.
**
** regress_ols() fits y = b0 + X b by Householder QR on centred and
** column-equilibrated predictors in extended precision, with iterative
** refinement, and returns what R's summary(lm()) prints: coefficients, SE,
** t, p, confidence intervals, residual SD, R^2, adjusted R^2, the overall
** F test, log-likelihood and AIC as AIC(lm). It reaches the NIST StRD
** certified values of the linear-regression files to 9+ digits (see
** tests/unit/stats/test_nist.c for the measured digits).
**
** regress_logistic() fits a binomial GLM with logit link by iteratively
** reweighted least squares exactly as R's glm.fit (same start, same
** convergence rule |dev - dev_old| / (|dev| + 0.1) < 1e-8, at most 25
** iterations), and returns coefficients, SE, z, p, Wald CIs, deviance,
** null deviance and AIC. Complete or quasi-complete separation (the MLE
** does not exist) is refused with AVN_E_DEGENERATE naming the predictor,
** never returned as a huge coefficient.
**
** Clusters: with cluster ids, robust_se holds the CR1 cluster-robust SE
** (sandwich::vcovCL(type = "HC1"): V = B M B * G/(G-1) * (n-1)/(n-p), with
** M the sum over clusters of the outer products of the summed scores), and
** statistic, p and CI use it, as coeftest(fit, vcov = vcovCL(...)) does.
**
** Inputs: x is n x k row-major WITHOUT an intercept column (factors
** already dummy-coded by the caller); names[k] name the columns in error
** messages. The result's coefficient arrays have p = k + intercept
** entries, the intercept first.
**
** Costs: O(n p^2) time, O(n p) memory (one long double copy of X).
** Ownership: results are the caller's, freed with regress_free().
*/
#ifndef AVN_STATS_REGRESS_H
#define AVN_STATS_REGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include "core/rc.h"

typedef struct regress_result {
  size_t n, k, p;        /* rows, predictors, parameters (k + intercept) */
  bool intercept;
  size_t nclusters;      /* 0 without clusters */
  double *beta, *se;     /* [p] */
  double *robust_se;     /* [p] or NULL */
  double *var;           /* [p*p] model-based covariance */
  double *robust_var;    /* [p*p] or NULL */
  double *statistic, *p_value, *ci_low, *ci_high; /* [p]: t (ols) or z */
  double df_resid;
  /* ols */
  double sigma, rss, r2, adj_r2, fstat, f_df1, f_df2, f_p;
  /* logistic */
  double deviance, null_deviance, df_null;
  int iterations;
  bool converged;
  /* both */
  double loglik, aic;
} regress_result;

avn_rc regress_ols(size_t n, size_t k, const double *x, const double *y, bool intercept,
                   const char *const *names, const int *cluster, size_t nclusters,
                   double conf_level, regress_result **out /* OUT */, avn_err *err);

/* Polynomial regression y = b0 + b1 x + ... + bd x^d on one predictor
** x[n]: the powers are formed in long double inside the QR, never rounded
** to double (rounding them costs NIST Filip two digits). names, if given,
** has degree entries. */
avn_rc regress_ols_poly(size_t n, size_t degree, const double *x, const double *y,
                        bool intercept, const char *const *names, const int *cluster,
                        size_t nclusters, double conf_level,
                        regress_result **out /* OUT */, avn_err *err);

/* y[n] must be 0 or 1. */
avn_rc regress_logistic(size_t n, size_t k, const double *x, const double *y,
                        bool intercept, const char *const *names, const int *cluster,
                        size_t nclusters, double conf_level,
                        regress_result **out /* OUT */, avn_err *err);

void regress_free(regress_result *r);

#endif
