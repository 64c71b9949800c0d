/*
** logrank.h: the log-rank test comparing survival between groups, as R's
** survival::survdiff(rho = 0), and the G-rho family of Harrington, D. P. &
** Fleming, T. R. (1982) A class of rank test procedures for censored
** survival data. Biometrika 69, 553-566: each event time is weighted by
** S(t-)^rho, S the pooled Kaplan-Meier estimate (rho = 1: the Peto & Peto
** modification of the Gehan-Wilcoxon test), as survdiff(rho = ...): the
** observed and expected counts are weighted, the variance by the square.
**
** logrank_test() takes n subjects (time, event 1/0, group index 0..k-1)
** and returns observed and expected events per group, the (k x k)
** hypergeometric variance matrix, the chi-square statistic on k - 1
** degrees of freedom (groups with no expected events dropped, as survdiff
** does) and its p-value.
**
** Costs: one O(n) radix sort by time, then a pass of O(n + T k^2) for T
** distinct event times, and a (k-1) x (k-1) Cholesky solve.
** Ownership: the result is the caller's, freed with logrank_free().
*/
#ifndef AVN_STATS_LOGRANK_H
#define AVN_STATS_LOGRANK_H

#include <stddef.h>
#include "core/rc.h"

typedef struct logrank_result {
  size_t ngroups;
  size_t n;
  size_t *n_group;   /* [k] subjects per group */
  double *observed;  /* [k] events */
  double *expected;  /* [k] */
  double *var;       /* [k*k] row-major variance of O - E */
  double chisq;
  int df;
  double p;
  double rho;        /* the G-rho weight exponent (0: log-rank) */
} logrank_result;

/* time[n] finite >= 0, event[n] in {0,1}, group[n] in 0..ngroups-1.
** Fails AVN_E_DEGENERATE when fewer than two groups have rows or there is
** no event, AVN_E_RANGE on bad input values, AVN_E_NOMEM. */
avn_rc logrank_test(size_t n, const double *time, const int *event,
                    const int *group, size_t ngroups,
                    logrank_result **out /* OUT */, avn_err *err);

/* The same with weights S(t-)^rho (rho >= 0; 0 gives logrank_test). */
avn_rc logrank_test_rho(size_t n, const double *time, const int *event, const int *group,
                        size_t ngroups, double rho, logrank_result **out /* OUT */,
                        avn_err *err);

void logrank_free(logrank_result *r);

#endif
