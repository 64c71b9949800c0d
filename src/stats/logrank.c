/*
** logrank.c: the log-rank (Mantel-Haenszel) test, see logrank.h.
**
** References:
**   Mantel N. Evaluation of survival data and two new rank order
**     statistics arising in its consideration. Cancer Chemother Rep
**     1966;50:163-170.
**   Peto R, Peto J. Asymptotically efficient rank invariant test
**     procedures. J R Stat Soc A 1972;135:185-207.
**   survival 3.5-3 for R: survdiff2.c and survdiff.fit (rho = 0), which
**     this file reproduces.
**
** At each distinct time t with d deaths among n at risk (n_g of them in
** group g, d_g deaths) the contributions are
**   E_g += d n_g / n,
**   V_gh += d (n - d) / (n - 1) * (n_g / n) * (delta_gh - n_h / n)  (n > 1).
** The statistic is (O - E)' V^- (O - E) computed, as survdiff does, on the
** groups with E > 0 after dropping the first of them, by Cholesky.
**
** The risk sets come from one radix sort by time (sortkey.h), so the
** cost is O(n + T k^2).
*/
#include "stats/logrank.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "core/mem.h"
#include "stats/sortkey.h"
#include "stats/survdata.h"

typedef struct lr_rec {
  double t;
  int32_t g;
  int32_t ev;
} lr_rec;

void logrank_free(logrank_result *r) {
  if (!r) return;
  avn_free(r->n_group);
  avn_free(r->observed);
  avn_free(r->expected);
  avn_free(r->var);
  avn_free(r);
}

avn_rc logrank_test(size_t n, const double *time, const int *event,
                    const int *group, size_t ngroups, logrank_result **out,
                    avn_err *err) {
  return logrank_test_rho(n, time, event, group, ngroups, 0.0, out, err);
}

avn_rc logrank_test_rho(size_t n, const double *time, const int *event, const int *group,
                        size_t ngroups, double rho, logrank_result **out, avn_err *err) {
  avn_rc rc = AVN_OK;
  lr_rec *rec = NULL;
  uint32_t *order = NULL;
  logrank_result *r = NULL;
  double *risk = NULL, *dg = NULL;
  gsl_matrix *vv = NULL;
  gsl_vector *b = NULL, *sol = NULL;
  size_t *keep = NULL;
  size_t i, k = ngroups;
  *out = NULL;
  if (k < 2 || k > 10000)
    return avn_fail(err, AVN_E_DEGENERATE, "group", NULL,
                    "the log-rank test needs at least two groups");
  r = avn_calloc(1, sizeof *r);
  risk = avn_calloc(k, sizeof *risk);
  dg = avn_calloc(k, sizeof *dg);
  keep = avn_calloc(k, sizeof *keep);
  if (!r || !risk || !dg || !keep) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  r->ngroups = k;
  r->n = n;
  r->n_group = avn_calloc(k, sizeof *r->n_group);
  r->observed = avn_calloc(k, sizeof *r->observed);
  r->expected = avn_calloc(k, sizeof *r->expected);
  r->var = avn_calloc(k * k, sizeof *r->var);
  if (!r->n_group || !r->observed || !r->expected || !r->var) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  size_t nev = 0;
  for (i = 0; i < n; i++) {
    rc = survdata_check_row(time, event, i, err);
    if (rc) goto cleanup;
    if (group[i] < 0 || (size_t)group[i] >= k) {
      rc = avn_fail(err, AVN_E_RANGE, "group", NULL, "group index out of range");
      goto cleanup;
    }
    r->n_group[group[i]]++;
    nev += (size_t)event[i];
  }
  size_t nonempty = 0;
  for (size_t g = 0; g < k; g++) nonempty += r->n_group[g] > 0;
  if (nonempty < 2) {
    rc = avn_fail(err, AVN_E_DEGENERATE, "group", NULL,
                  "only one group has rows: nothing to compare");
    goto cleanup;
  }
  if (nev == 0) {
    rc = avn_fail(err, AVN_E_DEGENERATE, "event", NULL,
                  "every observation is censored: there is no event to compare");
    goto cleanup;
  }
  /* the rows in time order, gathered after the sort (whose scratch is
  ** then gone): one copy of the data, not two */
  order = avn_reallocarray(NULL, n, sizeof *order);
  if (!order) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  rc = sortkey_order(n, time, NULL, order);
  if (rc) goto cleanup;
  rec = avn_reallocarray(NULL, n, sizeof *rec);
  if (!rec) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  for (i = 0; i < n; i++) {
    uint32_t o = order[i];
    rec[i].t = time[o];
    rec[i].g = group[o];
    rec[i].ev = event[o];
  }
  avn_free(order);
  order = NULL;
  for (size_t g = 0; g < k; g++) risk[g] = (double)r->n_group[g];
  double ntot = (double)n;
  double km = 1.0;   /* pooled Kaplan-Meier S(t-), for the G-rho weight */
  r->rho = rho;
  /* ascending pass: the risk set at t is everyone with time >= t */
  i = 0;
  while (i < n) {
    size_t j = i;
    double d = 0;
    while (j < n && rec[j].t == rec[i].t) {
      if (rec[j].ev) {
        dg[rec[j].g] += 1;
        d += 1;
      }
      j++;
    }
    if (d > 0) {
      double wt = rho == 0.0 ? 1.0 : pow(km, rho);
      double kk = ntot > 1 ? wt * wt * d * (ntot - d) / (ntot * (ntot - 1)) : 0;
      for (size_t g = 0; g < k; g++) {
        r->observed[g] += wt * dg[g];
        r->expected[g] += wt * d * risk[g] / ntot;
        if (kk == 0 || risk[g] == 0) continue;
        double tg = kk * risk[g];
        r->var[g * k + g] += tg;
        for (size_t h = 0; h < k; h++) r->var[g * k + h] -= tg * risk[h] / ntot;
      }
      for (size_t g = 0; g < k; g++) dg[g] = 0;
      km *= (ntot - d) / ntot;
    }
    for (size_t m = i; m < j; m++) risk[rec[m].g] -= 1;
    ntot -= (double)(j - i);
    i = j;
  }
  /* groups with E > 0, the first one dropped */
  size_t nk = 0;
  for (size_t g = 0; g < k; g++)
    if (r->expected[g] > 0) keep[nk++] = g;
  r->df = (int)nk - 1;
  if (nk < 2) {
    rc = avn_fail(err, AVN_E_DEGENERATE, "group", NULL,
                  "fewer than two groups have subjects at risk at event times");
    goto cleanup;
  }
  size_t m = nk - 1;
  vv = gsl_matrix_alloc(m, m);
  b = gsl_vector_alloc(m);
  sol = gsl_vector_alloc(m);
  if (!vv || !b || !sol) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  for (size_t a = 0; a < m; a++) {
    size_t ga = keep[a + 1];
    gsl_vector_set(b, a, r->observed[ga] - r->expected[ga]);
    for (size_t c = 0; c < m; c++)
      gsl_matrix_set(vv, a, c, r->var[ga * k + keep[c + 1]]);
  }
  gsl_error_handler_t *old = gsl_set_error_handler_off();
  int grc = gsl_linalg_cholesky_decomp1(vv);
  if (!grc) grc = gsl_linalg_cholesky_solve(vv, b, sol);
  gsl_set_error_handler(old);
  if (grc) {
    rc = avn_fail(err, AVN_E_DEGENERATE, "group", NULL,
                  "the variance matrix of observed - expected is singular");
    goto cleanup;
  }
  double chi = 0;
  for (size_t a = 0; a < m; a++) chi += gsl_vector_get(sol, a) * gsl_vector_get(b, a);
  r->chisq = chi;
  r->p = gsl_cdf_chisq_Q(chi, (double)r->df);
  *out = r;
  r = NULL;
cleanup:
  if (rc == AVN_E_NOMEM && err) avn_fail(err, rc, NULL, NULL, "out of memory");
  gsl_matrix_free(vv);
  gsl_vector_free(b);
  gsl_vector_free(sol);
  avn_free(rec);
  avn_free(order);
  avn_free(risk);
  avn_free(dg);
  avn_free(keep);
  logrank_free(r);
  return rc;
}
