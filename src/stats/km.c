/*
** km.c: Kaplan-Meier curves (see km.h for the contract).
**
** References:
**   Kaplan EL, Meier P. Nonparametric estimation from incomplete
**     observations. J Am Stat Assoc 1958;53:457-481.
**   Greenwood M. The natural duration of cancer. Reports on Public Health
**     and Medical Subjects 33. London: HMSO, 1926.
**   Therneau T. survival package 3.5-3 for R: survfitkm.c (the estimator),
**     survfit_confint() (the bands) and findq() (the quantile rules),
**     which this file reproduces so results agree with R to rounding.
**
** Algorithm: the rows are packed into (stratum, time, event) records and
** ordered once by stratum then time (radix sort by time, sortkey.h, then a
** stable counting sort by stratum: O(n)). One backward pass
** per stratum counts the number at risk at each distinct time; one forward
** pass multiplies S(t) = prod (1 - d/n) and sums Greenwood's
** sum d / (n (n - d)) for the variance of -log S. A censored subject whose
** time equals an event time is in the risk set at that time (R's rule).
** When d = n the curve drops to 0 and the SE of -log S is infinite: we
** store NAN (R prints NA / NaN) from that row on, as survfit does.
**
** Median: survival's findq() on x = (0, times), y = (0, 1 - S): duplicates
** in y are dropped (keeping the first), then the knot with the smallest y
** such that y + tol >= 0.5 and the one with y - tol >= 0.5 (approx() with
** method "constant", f = 1, which sorts the knots by y) are averaged, so a curve
** sitting exactly on 0.5 gives the midpoint of the plateau; when the last
** value equals 0.5 the midpoint with the last observed time is used. The
** CI of the median applies the same rule to 1 - upper and 1 - lower.
** tol = sqrt(DBL_EPSILON).
*/
#include "stats/km.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

#include "core/mem.h"
#include "stats/sortkey.h"
#include "stats/survdata.h"

typedef struct km_rec {
  double t;
  int32_t s;
  int32_t ev;
} km_rec;

void km_free(km_result *r) {
  if (!r) return;
  avn_free(r->strata);
  avn_free(r->stratum);
  avn_free(r->time);
  avn_free(r->n_risk);
  avn_free(r->n_event);
  avn_free(r->n_censor);
  avn_free(r->surv);
  avn_free(r->std_err);
  avn_free(r->se_log);
  avn_free(r->lower);
  avn_free(r->upper);
  avn_free(r);
}

/* survival's findq(): x[0..m) times with x[0] = 0, y[0..m) cumulative
** "failure" values (NAN allowed), xmax the last observed time. Returns the
** p-quantile or NAN. */
static double findq(size_t m, const double *x, const double *y, double p,
                    double xmax) {
  const double tol = sqrt(DBL_EPSILON);
  double ymax = -INFINITY;
  size_t i;
  for (i = 0; i < m; i++)
    if (!isnan(y[i]) && y[i] > ymax) ymax = y[i];
  if (!(ymax >= p)) return NAN;
  /* Walk the de-duplicated sequence: an element is kept when its y differs
  ** from every earlier y. y is non-decreasing apart from NANs, so comparing
  ** with the last kept non-NAN value (and remembering whether a NAN was
  ** kept) is R's duplicated(). approx() then ignores the NAN knots. */
  double lastkept = NAN, ylast = NAN;
  int have_kept = 0, nan_kept = 0, found1 = 0, found2 = 0;
  double x1 = NAN, x2 = NAN;    /* x at indx1, indx2 */
  double best1 = 0, best2 = 0;
  for (i = 0; i < m; i++) {
    double yi = y[i];
    if (isnan(yi)) {
      if (!nan_kept) ylast = NAN;
      nan_kept = 1;
      continue;
    }
    if (have_kept && yi == lastkept) continue;
    have_kept = 1;
    lastkept = yi;
    ylast = yi;
    /* approx() sorts its knots by y, so the knot used is the one with the
    ** smallest y satisfying the condition, wherever it lies in time (a
    ** confidence band need not be monotone). */
    if (yi + tol >= p && (!found1 || yi < best1)) {
      found1 = 1;
      best1 = yi;
      x1 = x[i];
    }
    if (yi - tol >= p && (!found2 || yi < best2)) {
      found2 = 1;
      best2 = yi;
      x2 = x[i];
    }
  }
  /* p = 0.5 is never below the first knot (y = 0 +- tol), so approx()'s
  ** rule = 1 NA below the range cannot arise here. */
  double q = (found1 && found2) ? (x1 + x2) / 2 : NAN;
  if (!isnan(ylast) && fabs(p - ylast) < tol && found1) q = (x1 + xmax) / 2;
  return q;
}

/* Median and its CI for rows [first, first+k) of r. */
static avn_rc km_median(km_result *r, km_stratum *st) {
  avn_rc rc = AVN_OK;
  size_t k = st->nrows, i;
  double *x = avn_malloc((k + 1) * sizeof *x);
  double *y = avn_malloc((k + 1) * sizeof *y);
  if (!x || !y) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  x[0] = 0;
  for (i = 0; i < k; i++) x[i + 1] = r->time[st->first + i];
  double xmax = k ? x[k] : 0;
  y[0] = 0;
  for (i = 0; i < k; i++) y[i + 1] = 1 - r->surv[st->first + i];
  st->median = findq(k + 1, x, y, 0.5, xmax);
  /* 1 - lower >= 1 - S reaches 0.5 first: the lower end of the CI */
  for (i = 0; i < k; i++) y[i + 1] = 1 - r->lower[st->first + i];
  st->median_lower = findq(k + 1, x, y, 0.5, xmax);
  for (i = 0; i < k; i++) y[i + 1] = 1 - r->upper[st->first + i];
  st->median_upper = findq(k + 1, x, y, 0.5, xmax);
cleanup:
  avn_free(x);
  avn_free(y);
  return rc;
}

static void km_band(km_conf_type ct, double z, double s, double se_log,
                    double *lo, double *hi) {
  if (isnan(se_log)) {
    *lo = *hi = NAN;
    if (ct == KM_CONF_PLAIN && s == 0) *lo = *hi = NAN;
    return;
  }
  switch (ct) {
  case KM_CONF_PLAIN: {
    double se2 = se_log * s * z;
    *lo = fmax(s - se2, 0);
    *hi = fmin(s + se2, 1);
    break;
  }
  case KM_CONF_LOG:
    if (s == 0) {
      *lo = *hi = NAN;
    } else {
      *lo = exp(log(s) - z * se_log);
      *hi = fmin(exp(log(s) + z * se_log), 1);
    }
    break;
  case KM_CONF_LOGLOG:
    if (s == 0 || s == 1) {
      *lo = *hi = NAN;
    } else {
      double se2 = z * se_log / log(s);
      *lo = exp(-exp(log(-log(s)) - se2));
      *hi = exp(-exp(log(-log(s)) + se2));
    }
    break;
  }
}

avn_rc km_fit(size_t n, const double *time, const int *event,
              const int *stratum, size_t nstrata, km_conf_type conf_type,
              double conf_level, km_result **out, avn_err *err) {
  avn_rc rc = AVN_OK;
  km_rec *rec = NULL, *sorted = NULL;
  uint32_t *order = NULL;
  size_t *scount = NULL;
  km_result *r = NULL;
  size_t i;
  *out = NULL;
  if (n == 0)
    return avn_fail(err, AVN_E_DEGENERATE, "time", NULL,
                    "no rows left to fit a survival curve");
  if (!stratum) nstrata = 1;
  if (nstrata == 0 || nstrata > INT32_MAX)
    return avn_fail(err, AVN_E_RANGE, "group", NULL, "bad number of strata");
  if (!(conf_level > 0 && conf_level < 1))
    return avn_fail(err, AVN_E_RANGE, "conf-level", NULL,
                    "must lie strictly between 0 and 1");
  rec = avn_reallocarray(NULL, n, sizeof *rec);
  if (!rec) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  for (i = 0; i < n; i++) {
    rc = survdata_check_row(time, event, i, err);
    if (rc) goto cleanup;
    int s = stratum ? stratum[i] : 0;
    if (s < 0 || (size_t)s >= nstrata) {
      rc = avn_fail(err, AVN_E_RANGE, "group", NULL, "stratum index out of range");
      goto cleanup;
    }
    rec[i].t = time[i];
    rec[i].s = s;
    rec[i].ev = event[i];
  }
  /* stable radix order by time, then a stable counting sort by stratum */
  order = avn_reallocarray(NULL, n, sizeof *order);
  sorted = avn_reallocarray(NULL, n, sizeof *sorted);
  scount = avn_calloc(nstrata + 1, sizeof *scount);
  if (!order || !sorted || !scount) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  rc = sortkey_order(n, time, NULL, order);
  if (rc) goto cleanup;
  for (i = 0; i < n; i++) scount[rec[i].s + 1]++;
  for (size_t s = 0; s < nstrata; s++) scount[s + 1] += scount[s];
  for (i = 0; i < n; i++) sorted[scount[rec[order[i]].s]++] = rec[order[i]];
  avn_free(rec);
  rec = sorted;
  sorted = NULL;

  size_t nrows = 0;
  for (i = 0; i < n; i++)
    if (i == 0 || rec[i].s != rec[i - 1].s || rec[i].t != rec[i - 1].t) nrows++;

  r = avn_calloc(1, sizeof *r);
  if (!r) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  r->nstrata = nstrata;
  r->nrows = nrows;
  r->conf_type = conf_type;
  r->conf_level = conf_level;
  r->strata = avn_calloc(nstrata, sizeof *r->strata);
  r->stratum = avn_calloc(nrows, sizeof *r->stratum);
  r->time = avn_calloc(nrows, sizeof *r->time);
  r->n_risk = avn_calloc(nrows, sizeof *r->n_risk);
  r->n_event = avn_calloc(nrows, sizeof *r->n_event);
  r->n_censor = avn_calloc(nrows, sizeof *r->n_censor);
  r->surv = avn_calloc(nrows, sizeof *r->surv);
  r->std_err = avn_calloc(nrows, sizeof *r->std_err);
  r->se_log = avn_calloc(nrows, sizeof *r->se_log);
  r->lower = avn_calloc(nrows, sizeof *r->lower);
  r->upper = avn_calloc(nrows, sizeof *r->upper);
  if (!r->strata || !r->stratum || !r->time || !r->n_risk || !r->n_event ||
      !r->n_censor || !r->surv || !r->std_err || !r->se_log || !r->lower ||
      !r->upper) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }

  /* Forward pass: distinct times, counts, and the stratum bookkeeping. */
  size_t row = 0;
  for (i = 0; i < n; i++) {
    int news = (i == 0 || rec[i].s != rec[i - 1].s);
    int newt = news || rec[i].t != rec[i - 1].t;
    km_stratum *st = &r->strata[rec[i].s];
    if (news) st->first = row;
    if (newt) {
      r->stratum[row] = rec[i].s;
      r->time[row] = rec[i].t;
      st->nrows++;
      row++;
    }
    st->n++;
    if (rec[i].ev) {
      st->n_event++;
      r->n_event[row - 1]++;
    } else {
      r->n_censor[row - 1]++;
    }
  }
  /* Empty strata (a level with no rows) keep nrows = 0. */
  double z = gsl_cdf_ugaussian_Pinv(1 - (1 - conf_level) / 2);
  for (size_t s = 0; s < nstrata; s++) {
    km_stratum *st = &r->strata[s];
    size_t atrisk = st->n;
    double surv = 1, green = 0;
    int dead = 0;
    for (size_t k = 0; k < st->nrows; k++) {
      size_t j = st->first + k;
      size_t d = r->n_event[j];
      r->n_risk[j] = atrisk;
      if (d > 0) {
        surv *= (double)(atrisk - d) / (double)atrisk;
        if (d == atrisk)
          dead = 1;
        else
          green += (double)d / ((double)atrisk * (double)(atrisk - d));
      }
      r->surv[j] = surv;
      r->se_log[j] = dead ? NAN : sqrt(green);
      r->std_err[j] = dead ? NAN : surv * sqrt(green);
      km_band(conf_type, z, surv, r->se_log[j], &r->lower[j], &r->upper[j]);
      atrisk -= d + r->n_censor[j];
    }
    st->median = st->median_lower = st->median_upper = NAN;
    if (st->nrows) {
      rc = km_median(r, st);
      if (rc) goto cleanup;
    }
  }
  *out = r;
  r = NULL;
cleanup:
  if (rc == AVN_E_NOMEM && err) avn_fail(err, rc, NULL, NULL, "out of memory");
  avn_free(rec);
  avn_free(sorted);
  avn_free(order);
  avn_free(scount);
  km_free(r);
  return rc;
}

/* The row of stratum s whose time is t, or SIZE_MAX. */
static size_t km_row(const km_result *r, size_t s, double t) {
  const km_stratum *st = &r->strata[s];
  size_t lo = 0, hi = st->nrows;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (r->time[st->first + mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo < st->nrows && r->time[st->first + lo] == t ? st->first + lo : SIZE_MAX;
}

avn_rc km_robust(km_result *r, size_t n, const double *time, const int *event,
                 const int *stratum, const int *cluster, size_t ncl, avn_err *err) {
  avn_rc rc = AVN_OK;
  size_t *row = avn_reallocarray(NULL, n ? n : 1, sizeof *row);
  size_t *start = avn_calloc(r->nrows + 1, sizeof *start);
  size_t *by = avn_reallocarray(NULL, n ? n : 1, sizeof *by);
  double *a = avn_calloc(ncl ? ncl : 1, sizeof *a), *b = avn_calloc(ncl ? ncl : 1, sizeof *b);
  if (!row || !start || !by || !a || !b) {
    rc = avn_fail(err, AVN_E_NOMEM, NULL, NULL, "out of memory");
    goto cleanup;
  }
  for (size_t i = 0; i < n; i++) {
    size_t s = stratum ? (size_t)stratum[i] : 0;
    if (cluster[i] < 0 || (size_t)cluster[i] >= ncl || s >= r->nstrata ||
        (row[i] = km_row(r, s, time[i])) == SIZE_MAX) {
      rc = avn_fail(err, AVN_E_RANGE, "cluster", NULL,
                    "subject %zu: a cluster id out of range or a time the curve was not fitted on", i + 1);
      goto cleanup;
    }
    start[row[i] + 1]++;
  }
  for (size_t j = 0; j < r->nrows; j++) start[j + 1] += start[j];
  {
    size_t *fill = avn_calloc(r->nrows + 1, sizeof *fill);
    if (!fill) {
      rc = avn_fail(err, AVN_E_NOMEM, NULL, NULL, "out of memory");
      goto cleanup;
    }
    for (size_t i = 0; i < n; i++) by[start[row[i]] + fill[row[i]]++] = i;
    avn_free(fill);
  }
  double z = gsl_cdf_ugaussian_Pinv(1 - (1 - r->conf_level) / 2);
  for (size_t s = 0; s < r->nstrata; s++) {
    const km_stratum *st = &r->strata[s];
    if (!st->nrows) continue;
    size_t j0 = st->first, j1 = st->first + st->nrows;
    memset(a, 0, ncl * sizeof *a);
    memset(b, 0, ncl * sizeof *b);
    for (size_t k = start[j0]; k < start[j1]; k++) a[cluster[by[k]]] += 1;
    double sa2 = 0, sab = 0, sb2 = 0, H = 0;
    for (size_t c = 0; c < ncl; c++) sa2 += a[c] * a[c];
    int dead = 0;
    for (size_t j = j0; j < j1; j++) {
      double nj = (double)r->n_risk[j], dj = (double)r->n_event[j];
      if (dj > 0) {
        if (dj >= nj) dead = 1;
        else H += dj / (nj * (nj - dj));
      }
      if (!dead)
        for (size_t k = start[j]; k < start[j + 1]; k++) {
          size_t i = by[k];
          int c = cluster[i];
          double ci = H - (event[i] ? 1.0 / (nj - dj) : 0.0);
          sa2 -= a[c] * a[c];
          sab -= a[c] * b[c];
          sb2 -= b[c] * b[c];
          a[c] -= 1;
          b[c] += ci;
          sa2 += a[c] * a[c];
          sab += a[c] * b[c];
          sb2 += b[c] * b[c];
        }
      double v = H * H * sa2 + 2 * H * sab + sb2;
      r->se_log[j] = dead ? NAN : sqrt(fmax(v, 0));
      r->std_err[j] = dead ? NAN : r->surv[j] * r->se_log[j];
      km_band(r->conf_type, z, r->surv[j], r->se_log[j], &r->lower[j], &r->upper[j]);
    }
    rc = km_median(r, &r->strata[s]);
    if (rc) {
      avn_fail(err, rc, NULL, NULL, "out of memory");
      goto cleanup;
    }
  }
cleanup:
  avn_free(row);
  avn_free(start);
  avn_free(by);
  avn_free(a);
  avn_free(b);
  return rc;
}

void km_at(const km_result *r, size_t s, double t, km_point *out) {
  const km_stratum *st = &r->strata[s];
  size_t lo = 0, hi = st->nrows;  /* first row with time > t */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (r->time[st->first + mid] <= t)
      lo = mid + 1;
    else
      hi = mid;
  }
  out->time = t;
  /* at risk at t: those with time >= t */
  size_t ge = lo;
  if (ge > 0 && r->time[st->first + ge - 1] == t) ge--;
  out->n_risk = ge < st->nrows ? r->n_risk[st->first + ge] : 0;
  if (lo == 0) {
    out->surv = 1;
    out->std_err = 0;
    km_band(r->conf_type, gsl_cdf_ugaussian_Pinv(1 - (1 - r->conf_level) / 2),
            1, 0, &out->lower, &out->upper);
    return;
  }
  size_t j = st->first + lo - 1;
  out->surv = r->surv[j];
  out->std_err = r->std_err[j];
  out->lower = r->lower[j];
  out->upper = r->upper[j];
}
