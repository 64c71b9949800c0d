/*
** cluster.h: estimates for units nested in clusters (hips in patients)
** whose variance counts the cluster, not the unit, as the independent
** draw: a patient's two hips are two observations but not two
** independent ones. As R's survey package on svydesign(ids = ~cluster)
** (Lumley, Complex Surveys, Wiley 2010; Rao & Scott, Ann Stat 1984).
**
** Notation: n units, G clusters present (ids in 0..ncl-1; an id no unit
** carries is not counted), N = n, ybar the mean. The linearised
** (cluster-robust) variance of a mean is
**   V = G/(G-1) * sum_g z_g^2,   z_g = sum_{i in g} (y_i - ybar) / N
** (svymean's; the CR1 "G/(G-1)" factor), inference on t with G - 1 df
** (degf(design)).
**
**   cluster_mean   mean, its SE, t = mean / SE, two-sided p and the t
**                  interval: confint(svymean(~y, des), df = degf(des));
**                  the p on the same G - 1 df (svyttest(y ~ 0) has the same
**                  t but uses G - 2). The paired comparison over visits is
**                  this on the within-unit changes.
**   cluster_prop   a proportion (y 0/1) with the logit interval of
**                  svyciprop(~y, des, method = "logit"):
**                  plogis(logit(p) +- t_{G-1} SE / (p (1 - p))); no
**                  interval when p is 0 or 1.
**   cluster_chisq  an r x c table of two unit-level factors with the
**                  Rao-Scott second-order corrected Pearson test,
**                  svychisq(~a + b, des) (statistic = "F"): X2 the Pearson
**                  statistic of the counts, Delta = (C'D^-1 C / N)^-1
**                  C'D^-1 V D^-1 C with D the cell proportions, V their
**                  cluster-robust covariance and C the interaction
**                  contrasts (cells double-centred); F = X2 / tr(Delta) on
**                  d0 = tr(Delta)^2 / tr(Delta^2) and d0 (G - 1) df. Levels
**                  no unit carries are dropped, as svychisq does.
**
** Refused (AVN_E_DEGENERATE, field names the input): n < 2, fewer than 2
** clusters, a level index out of range (AVN_E_RANGE), a table with fewer
** than 2 used levels on a side. Costs O(n + G) for the mean and the
** proportion, O(n + G (rc)^2 + (rc)^3) for the table. Arguments borrowed.
*/
#ifndef AVN_STATS_CLUSTER_H
#define AVN_STATS_CLUSTER_H

#include <stddef.h>
#include "core/rc.h"

typedef struct cluster_est {
  size_t n;          /* units */
  size_t nclusters;  /* clusters present (G) */
  double estimate;   /* mean or proportion */
  double se;         /* cluster-robust SE */
  double df;         /* G - 1 */
  double t, p;       /* t = estimate / se, two-sided p on df (mean only; NAN for a proportion) */
  double ci_low, ci_high;
} cluster_est;

avn_rc cluster_mean(const double *y, const int *cluster, size_t n, size_t ncl,
                    double conf_level, cluster_est *out /* OUT */, avn_err *err);
/* y[i] is 0 or 1. */
avn_rc cluster_prop(const int *y, const int *cluster, size_t n, size_t ncl,
                    double conf_level, cluster_est *out /* OUT */, avn_err *err);

typedef struct cluster_chisq_result {
  size_t n, nclusters;
  size_t rows, cols;   /* used levels */
  double pearson;      /* X2 of the counts */
  double delta_mean;   /* tr(Delta) / ((r-1)(c-1)): the mean design effect */
  double f, df1, df2, p;
} cluster_chisq_result;

/* a[i] in 0..na-1, b[i] in 0..nb-1. */
avn_rc cluster_chisq(const int *a, size_t na, const int *b, size_t nb, const int *cluster,
                     size_t n, size_t ncl, cluster_chisq_result *out /* OUT */, avn_err *err);

#endif
