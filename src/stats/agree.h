/*
** agree.h: agreement between raters: Cohen's kappa (unweighted and
** weighted) for categorical reads, and the two-way intraclass correlation
** coefficients for continuous measurements.
**
** Kappa (Cohen 1960; weighted: Cohen 1968). For an n-item k x k table of
** proportions p_ij with margins p_i., p_.j and agreement weights w_ij
** (identity; linear 1 - |i-j|/(k-1); quadratic 1 - (i-j)^2/(k-1)^2):
**   po = sum w p,  pe = sum w p_i. p_.j,  kappa = (po - pe) / (1 - pe).
** Standard errors are the large-sample ones of Fleiss, Cohen & Everitt
** (1969): the non-null SE (for the confidence interval, kappa +- z se)
**   var = [sum p_ij (w_ij - (wi_i + wj_j)(1 - kappa))^2
**          - (kappa - pe (1 - kappa))^2] / (n (1 - pe)^2)
** and the null SE se0 (for z = kappa / se0, two-sided normal p)
**   var0 = [sum p_i. p_.j (w_ij - (wi_i + wj_j))^2 - pe^2] / (n (1 - pe)^2),
** with wi_i = sum_j p_.j w_ij, wj_j = sum_i p_i. w_ij.
** Cost O(n + k^2), k x k scratch.
**
** ICC (Shrout & Fleiss 1979; McGraw & Wong 1996), two-way model on an
** n x k matrix (n targets, k raters, complete): with the two-way ANOVA mean
** squares MSR (targets), MSC (raters), MSE (residual):
**   ICC(C,1) = (MSR - MSE) / (MSR + (k-1) MSE)        = S&F ICC(3,1)
**   ICC(C,k) = (MSR - MSE) / MSR                       = S&F ICC(3,k)
**   ICC(A,1) = (MSR - MSE) / (MSR + (k-1) MSE + k (MSC - MSE) / n) = ICC(2,1)
**   ICC(A,k) = (MSR - MSE) / (MSR + (MSC - MSE) / n)   = S&F ICC(2,k)
** F test of rho = 0: F = MSR / MSE on (n - 1, (n - 1)(k - 1)) df, one-sided
** upper-tail p. Confidence intervals are McGraw & Wong's Table 7: exact F
** bounds for consistency; for agreement the Satterthwaite df
**   v = (a MSC + b MSE)^2 / ((a MSC)^2 / (k-1) + (b MSE)^2 / ((n-1)(k-1))),
**   a = k r / (n (1 - r)), b = 1 + k r (n - 1) / (n (1 - r)), r = ICC(A,1),
** used for both ICC(A,1) and ICC(A,k) (so the ICC(A,k) bounds are the
** Spearman-Brown images of the ICC(A,1) bounds; irr::icc plugs ICC(A,k)
** into a and b instead, which breaks that identity). Cost O(n k).
*/
#ifndef AVN_STATS_AGREE_H
#define AVN_STATS_AGREE_H

#include <stddef.h>
#include "core/rc.h"

typedef enum agree_weights {
  AGREE_W_NONE = 0,
  AGREE_W_LINEAR,
  AGREE_W_QUADRATIC
} agree_weights;

typedef struct agree_kappa_result {
  size_t n;
  double kappa, po, pe;
  double se;        /* non-null large-sample SE (for the CI) */
  double se0;       /* SE under kappa = 0 (for z) */
  double z, p;      /* z = kappa / se0, two-sided p */
  double ci_low, ci_high;
} agree_kappa_result;

/* x, y: n category codes in [0, k). k >= 2, n >= 2. Refuses (AVN_E_DEGENERATE,
** field "x"/"y") a table in which chance agreement pe is 1 (a single
** category used by both raters). conf_level in (0,1). */
avn_rc agree_kappa(const int *x, const int *y, size_t n, int k,
                   agree_weights w, double conf_level, avn_err *err,
                   agree_kappa_result *out /* OUT */);

/* Kappa's interval when the items are nested in clusters (reads of the
** hips of one patient, at several visits): the percentile interval of
** `reps` bootstrap replicates that resample whole clusters with
** replacement (Efron & Tibshirani 1993, ch. 13; Davison & Hinkley 1997,
** sec. 3.8, the "cases" bootstrap at the top level), each replicate the
** kappa of its table. Fixed seed (GSL's mt19937): the same call gives the
** same interval. Percentiles by R's quantile() type 7 over the replicates
** whose chance agreement is below 1 (`used`; a replicate drawing a single
** category for both readers has no kappa). se is the replicates' SD.
** Refuses as agree_kappa, plus fewer than 2 clusters or reps < 100.
** Cost O(reps (n + k^2)), O(n + reps) memory. */
typedef struct agree_kappa_boot_result {
  size_t n, nclusters, reps, used;
  double kappa, se, ci_low, ci_high;
} agree_kappa_boot_result;
avn_rc agree_kappa_boot(const int *x, const int *y, const int *cluster, size_t n,
                        size_t ncl, int k, agree_weights w, double conf_level, size_t reps,
                        unsigned long seed, avn_err *err,
                        agree_kappa_boot_result *out /* OUT */);

typedef struct agree_icc_value {
  double icc, ci_low, ci_high;
} agree_icc_value;

typedef struct agree_icc_result {
  size_t n, k;
  double ms_rows, ms_cols, ms_error;
  double f, df1, df2, p;   /* F = MSR/MSE test of rho = 0, upper tail */
  double v;                /* Satterthwaite df for the agreement CIs */
  agree_icc_value c1, ck, a1, ak;
} agree_icc_result;

/* m: n x k ratings, row-major (m[i*k + j] = rater j on target i), all
** finite. n >= 2, k >= 2. Refuses MSE = 0 (field "ratings"). */
avn_rc agree_icc(const double *m, size_t n, size_t k, double conf_level,
                 avn_err *err, agree_icc_result *out /* OUT */);

#endif
