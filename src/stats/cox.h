/*
** cox.h: the Cox proportional-hazards model, as R's survival::coxph.
**
** cox_fit() takes n subjects (time, event 1/0) and p covariates (row-major
** n x p design, factors already coded as 0/1 dummies by the caller) and
** returns the maximum partial-likelihood estimates with Efron (default) or
** Breslow handling of tied event times; model-based variance (inverse
** information) and, when cluster ids are given, the Lin-Wei robust sandwich
** variance built from dfbeta residuals summed within clusters (what
** coxph(..., cluster = id) reports); the initial and final log partial
** likelihoods; likelihood-ratio, Wald and score tests; and Harrell's
** concordance as survival::concordance computes it for a coxph fit.
**
** Preconditions: 0 < p <= 100; time finite >= 0; event 0/1; x finite.
** Refusals (avn_err names the column): no event (AVN_E_DEGENERATE), a
** constant covariate, collinear covariates, a coefficient that runs to
** infinity (monotone likelihood, survival's "Loglik converged before
** variable"), numeric overflow. Non-convergence after max_iter is NOT an
** error: converged = 0 is returned, as R warns and returns.
**
** Costs: one O(n) radix sort by time; each Newton-Raphson iteration is one
** backward pass of O(n p^2); concordance is O(n log n) (radix ranks, Fenwick);
** the robust variance one more O(n p^2) pass. Memory: a sorted copy of
** the design (none with cox_fit_take) and O(n) vectors; the fit's arrays
** are freed before the concordance's are made.
** Ownership: the result is the caller's, freed with cox_free().
*/
#ifndef AVN_STATS_COX_H
#define AVN_STATS_COX_H

#include <stddef.h>
#include <stdint.h>
#include "core/rc.h"

/* EXACT: the exact partial likelihood of coxph(ties = "exact") (every
** subset of the risk set of the tied deaths' size; no robust variance). */
typedef enum cox_ties { COX_TIES_EFRON = 0, COX_TIES_BRESLOW, COX_TIES_EXACT } cox_ties;

typedef struct cox_opts {
  cox_ties ties;
  int max_iter;        /* 20 as coxph.control */
  double eps;          /* 1e-9: |1 - loglik_old / loglik_new| <= eps */
  double toler_chol;   /* .Machine$double.eps^0.75 */
  double toler_inf;    /* sqrt(eps) */
  double conf_level;   /* 0.95 */
  const int *strata;   /* NULL, or [n] stratum ids 0..nstrata-1 (borrowed):
                          risk sets within strata, as coxph's strata(s) */
  size_t nstrata;
  int score_only;      /* 0; 1: stop at beta = 0 after the score tests (no
                       ** fit, so no refusal for a monotone likelihood); the
                       ** result then holds n, nevent, p, df, loglik0, score
                       ** and robust_score only (arrays NULL, the rest NAN) */
} cox_opts;

/* Fills o with R's defaults. */
void cox_opts_default(cox_opts *o);

typedef struct cox_result {
  size_t n, nevent, p;
  size_t nclusters;    /* 0 without --cluster */
  double *beta;        /* [p] */
  double *se;          /* [p] model-based sqrt(diag(I^-1)) */
  double *robust_se;   /* [p] or NULL without clusters */
  double *var;         /* [p*p] model-based variance (I^-1) */
  double *robust_var;  /* [p*p] or NULL */
  double *z, *p_value; /* [p] on the robust SE when clustered (as R) */
  double *hr, *hr_low, *hr_high; /* [p] exp(beta) and its Wald CI */
  double loglik0, loglik;
  double lr, wald, score; /* tests on df = p; wald from the model variance */
  double lr_p, wald_p, score_p;
  double robust_wald, robust_wald_p;  /* with clusters only, else NAN */
  /* with clusters only, else NAN: the robust score test at beta = 0,
  ** U(0)' M0^-1 U(0) with M0 the cross-product of the score residuals at 0
  ** summed per cluster (coxph's rscore, "Robust = ... p=..." in summary),
  ** on df = p: the log-rank test made robust to the clustering when x codes
  ** a group */
  double robust_score, robust_score_p;
  int df;
  double concordance;
  double concordance_se; /* survival::concordancefit's std (per cluster) */
  int64_t concordant, discordant, tied_x, tied_y;
  int iterations;
  int converged;
} cox_result;

/* names[p] are the covariate names used in error messages (borrowed).
** cluster NULL or [n] ids in 0..nclusters-1. */
avn_rc cox_fit(size_t n, size_t p, const double *time, const int *event,
               const double *x, const char *const *names, const int *cluster,
               size_t nclusters, const cox_opts *opts,
               cox_result **out /* OUT */, avn_err *err);

/* The same fit on a design the caller gives up: x (from avn_malloc) is
** permuted into time order, centred and scaled in place, and freed by the
** fit (before the concordance is computed, success or not): no copy of n x
** p doubles, and none held to the end. */
avn_rc cox_fit_take(size_t n, size_t p, const double *time, const int *event, double *x,
                    const char *const *names, const int *cluster, size_t nclusters,
                    const cox_opts *opts, cox_result **out /* OUT */, avn_err *err);

void cox_free(cox_result *r);

/* Harrell's C of a risk score (higher score = earlier event) on right-
** censored data, as survival::concordance(..., reverse = TRUE): pairs tied
** on the score count one half, pairs of events at the same time are not
** comparable (tied_y counts them unless also tied on the score: R's
** tied.xy). O(n log n). Exposed for tests. */
avn_rc cox_concordance(size_t n, const double *time, const int *event,
                       const double *score, int64_t *concordant,
                       int64_t *discordant, int64_t *tied_x, int64_t *tied_y,
                       double *c /* OUT */);

/* The concordance of cox_fit with its standard error, as
** survival::concordancefit(y, lp, strata, cluster = ..., reverse = TRUE)
** (what coxph stores and summary(coxph) prints): pairs only within a
** stratum (strata NULL: one), the variance of Somers' d by the
** infinitesimal jackknife from each row's concordant / discordant / tied
** pair counts, summed within clusters (cluster NULL: per row); se =
** sqrt(var(d) / 4). O(n log n). */
typedef struct cox_conc {
  int64_t concordant, discordant, tied_x, tied_y;
  double c, se;
} cox_conc;
avn_rc cox_concordance_se(size_t n, const double *time, const int *event, const double *score,
                          const int *strata, const int *cluster, size_t ncl,
                          cox_conc *out /* OUT */);

#endif
