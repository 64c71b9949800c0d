/*
** mixed.h: linear mixed model with a random intercept per subject, and
** optionally a second random intercept for units nested in subjects (two
** hips of one patient): y = X b + Z1 u1 + Z2 u2 + e,
** u1 ~ N(0, s1^2 I), u2 ~ N(0, s2^2 I), e ~ N(0, s^2 I)
** (Laird & Ware 1982). Fitted by REML (Patterson & Thompson 1971; the
** default) or ML, profiling out b and s^2 as lme4 does (Bates, Maechler,
** Bolker & Walker 2015): the criterion is a function of the relative
** standard deviations theta = (s1/s, s2/s) only, and is minimised by
** Brent's method (one component) or Nelder-Mead (two components).
**
** No n x n matrix is formed. For subject i with nested units h of size n_h,
** V_i / s^2 = I + g2 sum_h J_h + g1 J   (g = theta^2), and by two nested
** Woodbury steps u' V_i^{-1} v s^2 = u'v - sum_h c_h u_h v_h - d_i U_i V_i
** with unit sums u_h, c_h = g2 / (1 + n_h g2), U_i = sum_h u_h / (1 + n_h g2),
** d_i = g1 / (1 + g1 sum_h n_h / (1 + n_h g2)); log|V_i / s^2| =
** sum_h log(1 + n_h g2) + log(1 + g1 sum_h n_h / (1 + n_h g2)). One pass
** over the data builds X'X and the unit sums; each criterion evaluation
** then costs O((units + subjects) p^2 + p^3). Without nesting the subject
** is the only unit (g1 = 0).
**
** Criteria (lme4's): REML  d = log|V| + log|A| + (N-p)(1 + log(2 pi RSS/(N-p)))
**                    ML    d = log|V| + N (1 + log(2 pi RSS / N))
** with A = X'V^{-1}X s^2, RSS the GLS residual quadratic form. loglik =
** -d/2 (the REML log-likelihood for REML fits, as logLik.merMod), AIC =
** d + 2 (p + components + 1).
**
** Fixed-effect df: Satterthwaite (1946) as lmerTest computes it (Kuznetsova,
** Brockhoff & Christensen 2017): df_j = 2 f_j^2 / (g_j' W g_j), where
** f_j = Var(b_j) as a function of the variance parameters
** phi = (s1^2, [s2^2,] s^2), g_j its gradient, W = 2 H^{-1} and H the
** Hessian of the non-profiled deviance in phi, all at the estimate; the
** derivatives are central differences with Richardson extrapolation
** (lmerTest uses numDeriv, also Richardson). t = b / se, p two-sided on
** df_j; CI = b +- t_{df_j} se.
**
** Inputs are borrowed; the result owns its arrays (mixed_result_free).
*/
#ifndef AVN_STATS_MIXED_H
#define AVN_STATS_MIXED_H

#include <stddef.h>
#include "core/rc.h"

typedef struct mixed_result {
  size_t n, p;
  size_t n_subjects, n_units;   /* n_units = nested units (0 if none) */
  int reml, nested, converged;
  double *beta, *se, *df, *t, *pval, *ci_low, *ci_high; /* p each, owned */
  double var_subject, var_unit, var_resid;  /* s1^2, s2^2 (0), s^2 */
  double theta[2];              /* s1/s, s2/s */
  double criterion;             /* REML criterion or ML deviance (-2 loglik) */
  double loglik, aic;
} mixed_result;

/* X: n x p row-major (include the intercept column yourself), y: n.
** subject: n ids in [0, n_subjects); unit: NULL, or n ids in [0, n_units)
** each unit inside a single subject. reml: 1 REML, 0 ML. Refuses
** (AVN_E_DEGENERATE) rank-deficient X (field "predictors"), fewer than
** 2 subjects ("subject"), n <= p, zero residual variance (y_name); a
** unit spanning two subjects is AVN_E_RANGE on "nested". */
avn_rc mixed_fit(const double *X, const double *y, size_t n, size_t p,
                 const size_t *subject, size_t n_subjects,
                 const size_t *unit, size_t n_units, int reml,
                 double conf_level, const char *y_name, avn_err *err,
                 mixed_result *out /* OUT */);

void mixed_result_free(mixed_result *r);

#endif
