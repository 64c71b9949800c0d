/*
** power.h: sample size and power for the paired / one-sample t test, the
** two-sample t test (equal n per group), and the log-rank test.
**
** t tests: the exact power of the two-sided t test from the noncentral t
** distribution, as pwr::pwr.t.test and G*Power compute it (Cohen 1988,
** ch. 2): with d = delta / sd, df = n - 1 (paired / one-sample) or
** 2 (n - 1) (two-sample, n per group) and ncp = d sqrt(n) or d sqrt(n / 2),
**   power = P(T' > t_{1-alpha/2}) + P(T' < -t_{1-alpha/2}),  T' ~ t'(df, ncp).
** The noncentral t CDF is Lenth's AS 243 (1989) series, in the form R's
** pnt.c uses. The sample size is the unrounded root n of power(n) = target,
** found by bisection + secant to 1e-12 relative (pwr's uniroot stops at
** 1e-4, so pwr's printed n can differ from ours in the 5th decimal).
**
** Log-rank: Schoenfeld (1983), required events
**   D = (z_{1-alpha/2} + z_{power})^2 / (a (1 - a) log(HR)^2),
** a = allocation fraction to one arm; n = D / p_event.
**
** Dropout inflation (power_inflate_dropout): n_with_dropout =
** ceil(ceil(n) / (1 - dropout)), the usual "divide by the retention"
** rule applied to the whole-number sample size.
**
** Pure functions, no allocation. Every function validates its arguments
** and names the offending option in the avn_err.
*/
#ifndef AVN_STATS_POWER_H
#define AVN_STATS_POWER_H

#include <stdbool.h>

#include "core/rc.h"

typedef enum power_design {
  POWER_PAIRED = 0,     /* paired or one-sample: n = number of pairs */
  POWER_TWO_SAMPLE = 1  /* two independent groups: n per group */
} power_design;

/* Noncentral t CDF P(T <= t), T ~ t'(df, ncp); df > 0. Returns NaN only
** if the series fails to converge (never for df, |ncp| < 1e4). */
double power_pnt(double t, double df, double ncp);

/* Power of the two-sided t test with n (pairs, or per group), effect
** delta / sd, level alpha. n >= 2 (real n allowed). */
avn_rc power_t_power(power_design design, double n, double delta, double sd,
                     double alpha, avn_err *err, double *power /* OUT */);

/* Unrounded n (pairs, or per group) that reaches the target power. */
avn_rc power_t_n(power_design design, double delta, double sd, double alpha,
                 double power, avn_err *err, double *n /* OUT */);

/* ceil(ceil(n) / (1 - dropout)); dropout in [0, 1). */
avn_rc power_inflate_dropout(double n, double dropout, avn_err *err,
                             double *n_ceiling /* OUT */,
                             double *n_with_dropout /* OUT */);

/* Schoenfeld's events for hazard ratio hr, and n = events / p_event. */
avn_rc power_logrank(double hr, double alpha, double power, double alloc,
                     double p_event, avn_err *err, double *events /* OUT */,
                     double *n /* OUT */);

/* Two proportions, as R's power.prop.test (normal approximation, n per
** group; sides 2 = "two.sided", 1 = "one.sided"; strict counts the
** opposite tail too): power at n, or the unrounded n for the target power
** (bisection to double precision; R's uniroot stops at tol = 1.2e-4). */
avn_rc power_prop_power(double n, double p1, double p2, double alpha, int sides, bool strict,
                        avn_err *err, double *power /* OUT */);
avn_rc power_prop_n(double p1, double p2, double alpha, double power, int sides, bool strict,
                    avn_err *err, double *n /* OUT */);

#endif
