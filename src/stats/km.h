/*
** km.h: the Kaplan-Meier product-limit estimator with Greenwood variance.
**
** km_fit() takes n subjects (time, event 1/0, optional stratum index) and
** returns, per stratum, one row per distinct observed time (event or
** censoring, as R's survfit object holds them): n_risk, n_event, n_censor,
** surv, the Greenwood standard error of S(t) (what R's summary.survfit
** prints as std.err), the standard error of -log S(t) (survfit's internal
** std.err, on which the confidence bands are built), and the pointwise
** confidence band (log, log-log or plain, as survival::survfit's
** conf.type). Each stratum also gets the median survival time and its
** confidence interval by survival's quantile rules (findq: first time the
** curve reaches 0.5 within a tolerance of sqrt(DBL_EPSILON), the midpoint
** of a plateau lying exactly on 0.5).
**
** Values that R reports as NA (the log band where S = 0, the log-log band
** where S is 0 or 1, a median never reached) are NAN here; callers print
** them as null / NA. No other NAN can come out.
**
** Costs: one O(n) radix ordering by (stratum, time), then linear passes.
** Ownership: the result is the caller's, freed with km_free().
*/
#ifndef AVN_STATS_KM_H
#define AVN_STATS_KM_H

#include <stddef.h>
#include "core/rc.h"

typedef enum km_conf_type {
  KM_CONF_LOG = 0,   /* S * exp(+-z se(-log S)), upper capped at 1 (default) */
  KM_CONF_LOGLOG,    /* exp(-exp(log(-log S) -+ z se / log S)) */
  KM_CONF_PLAIN      /* S +- z se(S), clipped to [0, 1] */
} km_conf_type;

typedef struct km_stratum {
  size_t n;             /* subjects */
  size_t n_event;       /* events */
  size_t first;         /* first row of this stratum in the result arrays */
  size_t nrows;         /* distinct times in this stratum */
  double median;        /* NAN when not reached */
  double median_lower;  /* NAN when not reached */
  double median_upper;
} km_stratum;

typedef struct km_result {
  size_t nstrata;
  km_stratum *strata;   /* [nstrata] */
  size_t nrows;         /* total rows over all strata */
  int *stratum;         /* [nrows] stratum index of each row */
  double *time;         /* [nrows] ascending within a stratum */
  size_t *n_risk;       /* [nrows] */
  size_t *n_event;      /* [nrows] */
  size_t *n_censor;     /* [nrows] */
  double *surv;         /* [nrows] */
  double *std_err;      /* [nrows] Greenwood SE of S(t); NAN where S = 0 */
  double *se_log;       /* [nrows] SE of -log S(t); NAN where S = 0 */
  double *lower;        /* [nrows] */
  double *upper;        /* [nrows] */
  km_conf_type conf_type;
  double conf_level;
} km_result;

/* Survival read off a fitted curve at time t (summary(fit, times = t)). */
typedef struct km_point {
  double time;
  size_t n_risk;        /* subjects with time >= t */
  double surv, std_err, lower, upper;
} km_point;

/* Fits the curves. time[n] finite and >= 0; event[n] 0 or 1; stratum NULL
** (one curve) or [n] values in 0..nstrata-1. conf_level in (0, 1).
** Fails AVN_E_RANGE (negative or non-finite time, event not 0/1, bad
** stratum), AVN_E_DEGENERATE (n = 0), AVN_E_NOMEM. */
avn_rc km_fit(size_t n, const double *time, const int *event,
              const int *stratum, size_t nstrata, km_conf_type conf_type,
              double conf_level, km_result **out /* OUT */, avn_err *err);

/* Replaces the Greenwood standard errors and the bands of a fitted r by
** cluster-robust ones (infinitesimal jackknife summed within clusters, as
** survfit(..., id = cluster, robust = TRUE), survival 3.5-3): the
** influence of subject i on log S(t) is
**   H(t)                                   while t_i > t,
**   H(t_i) - delta_i / (n(t_i) - d(t_i))   once t_i <= t,
** with H(t) = sum_{t_j <= t} d_j / (n_j (n_j - d_j)) (up to a sign that
** the square removes); se_log(t) = sqrt(sum_g (sum_{i in g} infl_i)^2),
** std_err = S se_log (what survfit's robust std.err holds), the bands by
** r's conf_type. Each cluster's sum is a_g(t) H(t) + b_g(t) (a_g subjects
** still at risk beyond t, b_g the constants of those past it), so one
** pass in time order keeps sum a^2, sum ab, sum b^2: O(n log n) for the
** row look-ups. The inputs must be those r was fitted on; cluster[n] ids
** in 0..ncl-1. Fails AVN_E_RANGE (bad id, a time not in r), AVN_E_NOMEM. */
avn_rc km_robust(km_result *r, size_t n, const double *time, const int *event,
                 const int *stratum, const int *cluster, size_t ncl, avn_err *err);
/* The curve of stratum s at time t: the row of the last time <= t (S = 1
** before the first). */
void km_at(const km_result *r, size_t s, double t, km_point *out /* OUT */);

void km_free(km_result *r);

#endif
