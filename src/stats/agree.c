/*
** agree.c: Cohen's kappa and two-way ICCs. Formulas and papers in agree.h
** (Cohen 1960, 1968; Fleiss, Cohen & Everitt 1969; Shrout & Fleiss 1979;
** McGraw & Wong 1996). Only the k x k kappa table is allocated, and freed
** before return.
*/
#include "stats/agree.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "core/mem.h"

static double kappa_weight(agree_weights w, int i, int j, int k) {
  double d = (double)(i - j) / (double)(k - 1);
  switch (w) {
  case AGREE_W_LINEAR: return 1. - fabs(d);
  case AGREE_W_QUADRATIC: return 1. - d * d;
  case AGREE_W_NONE: break;
  }
  return i == j ? 1. : 0.;
}

avn_rc agree_kappa(const int *x, const int *y, size_t n, int k,
                   agree_weights w, double conf_level, avn_err *err,
                   agree_kappa_result *out) {
  avn_rc rc = AVN_OK;
  double *p = NULL, *pr = NULL, *pc = NULL, *wi = NULL, *wj = NULL;
  double po = 0., pe = 0., kap, s1 = 0., s0 = 0., v1, v0, z;
  char v[64];
  size_t t;
  int i, j;

  assert(x && y && out);
  if (k < 2) {
    snprintf(v, sizeof v, "%d", k);
    rc = avn_fail(err, AVN_E_DEGENERATE, "x", v, "kappa needs at least 2 categories");
    goto cleanup;
  }
  if (n < 2) {
    snprintf(v, sizeof v, "%zu", n);
    rc = avn_fail(err, AVN_E_DEGENERATE, "x", v, "kappa needs at least 2 rated items");
    goto cleanup;
  }
  p = avn_calloc((size_t)k * (size_t)k, sizeof *p);
  pr = avn_calloc((size_t)k, sizeof *pr);
  pc = avn_calloc((size_t)k, sizeof *pc);
  wi = avn_calloc((size_t)k, sizeof *wi);
  wj = avn_calloc((size_t)k, sizeof *wj);
  if (!p || !pr || !pc || !wi || !wj) {
    rc = avn_fail(err, AVN_E_NOMEM, NULL, NULL, "kappa table");
    goto cleanup;
  }
  for (t = 0; t < n; t++) {
    if (x[t] < 0 || x[t] >= k || y[t] < 0 || y[t] >= k) {
      snprintf(v, sizeof v, "%d/%d", x[t], y[t]);
      rc = avn_fail(err, AVN_E_RANGE, x[t] < 0 || x[t] >= k ? "x" : "y", v,
                    "category code outside the level list");
      goto cleanup;
    }
    p[x[t] * k + y[t]] += 1. / (double)n;
  }
  for (i = 0; i < k; i++)
    for (j = 0; j < k; j++) {
      pr[i] += p[i * k + j];
      pc[j] += p[i * k + j];
    }
  for (i = 0; i < k; i++)
    for (j = 0; j < k; j++) {
      double wt = kappa_weight(w, i, j, k);
      po += wt * p[i * k + j];
      pe += wt * pr[i] * pc[j];
      wi[i] += pc[j] * wt;
      wj[j] += pr[i] * wt;
    }
  if (1. - pe < 1e-12) {
    rc = avn_fail(err, AVN_E_DEGENERATE, "x", "",
                  "chance agreement is 1 (both raters used a single category): kappa undefined");
    goto cleanup;
  }
  kap = (po - pe) / (1. - pe);
  for (i = 0; i < k; i++)
    for (j = 0; j < k; j++) {
      double wt = kappa_weight(w, i, j, k), a = wi[i] + wj[j];
      double d1 = wt - a * (1. - kap), d0 = wt - a;
      s1 += p[i * k + j] * d1 * d1;
      s0 += pr[i] * pc[j] * d0 * d0;
    }
  v1 = (s1 - (kap - pe * (1. - kap)) * (kap - pe * (1. - kap))) /
       ((double)n * (1. - pe) * (1. - pe));
  v0 = (s0 - pe * pe) / ((double)n * (1. - pe) * (1. - pe));
  if (v1 < 0.) v1 = 0.; /* perfect agreement: exactly 0 up to rounding */
  if (!(v0 > 0.)) {
    rc = avn_fail(err, AVN_E_DEGENERATE, "x", "", "null variance of kappa is 0");
    goto cleanup;
  }
  z = kap / sqrt(v0);
  out->n = n;
  out->kappa = kap;
  out->po = po;
  out->pe = pe;
  out->se = sqrt(v1);
  out->se0 = sqrt(v0);
  out->z = z;
  out->p = 2. * gsl_cdf_ugaussian_Q(fabs(z));
  {
    double q = gsl_cdf_ugaussian_Pinv(0.5 + conf_level / 2.);
    out->ci_low = kap - q * out->se;
    out->ci_high = kap + q * out->se;
  }
cleanup:
  avn_free(p);
  avn_free(pr);
  avn_free(pc);
  avn_free(wi);
  avn_free(wj);
  return rc;
}

avn_rc agree_icc(const double *m, size_t n, size_t k, double conf_level,
                 avn_err *err, agree_icc_result *out) {
  double gm = 0., ssr = 0., ssc = 0., sst = 0., sse, msr, msc, mse, f, df1, df2;
  double al = 1. - conf_level, fl, fu, r, a, b, v, dn = (double)n, dk = (double)k;
  char val[64];
  size_t i, j;

  assert(m && out);
  if (n < 2 || k < 2) {
    snprintf(val, sizeof val, "%zu x %zu", n, k);
    return avn_fail(err, AVN_E_DEGENERATE, "ratings", val,
                    "ICC needs at least 2 targets and 2 raters");
  }
  for (i = 0; i < n * k; i++) gm += m[i];
  gm /= dn * dk;
  for (i = 0; i < n; i++) {
    double rm = 0.;
    for (j = 0; j < k; j++) rm += m[i * k + j];
    rm = rm / dk - gm;
    ssr += rm * rm;
  }
  for (j = 0; j < k; j++) {
    double cm = 0.;
    for (i = 0; i < n; i++) cm += m[i * k + j];
    cm = cm / dn - gm;
    ssc += cm * cm;
  }
  for (i = 0; i < n * k; i++) sst += (m[i] - gm) * (m[i] - gm);
  ssr *= dk;
  ssc *= dn;
  sse = sst - ssr - ssc;
  df1 = dn - 1.;
  df2 = (dn - 1.) * (dk - 1.);
  msr = ssr / df1;
  msc = ssc / (dk - 1.);
  mse = sse / df2;
  if (!(mse > 1e-12 * (sst / (dn * dk - 1.))) || !(sst > 0.)) {
    return avn_fail(err, AVN_E_DEGENERATE, "ratings", "",
                    "residual mean square is 0 (raters differ by constants only, "
                    "or all ratings equal): ICC undefined");
  }
  f = msr / mse;
  out->n = n;
  out->k = k;
  out->ms_rows = msr;
  out->ms_cols = msc;
  out->ms_error = mse;
  out->f = f;
  out->df1 = df1;
  out->df2 = df2;
  out->p = gsl_cdf_fdist_Q(f, df1, df2);

  fl = f / gsl_cdf_fdist_Pinv(1. - al / 2., df1, df2);
  fu = f * gsl_cdf_fdist_Pinv(1. - al / 2., df2, df1);
  out->c1.icc = (msr - mse) / (msr + (dk - 1.) * mse);
  out->c1.ci_low = (fl - 1.) / (fl + dk - 1.);
  out->c1.ci_high = (fu - 1.) / (fu + dk - 1.);
  out->ck.icc = (msr - mse) / msr;
  out->ck.ci_low = 1. - 1. / fl;
  out->ck.ci_high = 1. - 1. / fu;

  r = (msr - mse) / (msr + (dk - 1.) * mse + dk / dn * (msc - mse));
  out->a1.icc = r;
  out->ak.icc = (msr - mse) / (msr + (msc - mse) / dn);
  a = dk * r / (dn * (1. - r));
  b = 1. + dk * r * (dn - 1.) / (dn * (1. - r));
  v = (a * msc + b * mse) * (a * msc + b * mse) /
      ((a * msc) * (a * msc) / (dk - 1.) + (b * mse) * (b * mse) / df2);
  out->v = v;
  fl = gsl_cdf_fdist_Pinv(1. - al / 2., df1, v);
  fu = gsl_cdf_fdist_Pinv(1. - al / 2., v, df1);
  out->a1.ci_low = dn * (msr - fl * mse) /
                   (fl * (dk * msc + (dk * dn - dk - dn) * mse) + dn * msr);
  out->a1.ci_high = dn * (fu * msr - mse) /
                    (dk * msc + (dk * dn - dk - dn) * mse + dn * fu * msr);
  out->ak.ci_low = dn * (msr - fl * mse) / (fl * (msc - mse) + dn * msr);
  out->ak.ci_high = dn * (fu * msr - mse) / (msc - mse + dn * fu * msr);
  return AVN_OK;
}

/* Kappa of a k x k table of counts (total tot); NAN when pe is 1. */
static double kappa_of_counts(const double *cnt, int k, agree_weights w, double tot,
                              double *pr, double *pc) {
  double po = 0, pe = 0;
  for (int i = 0; i < k; i++) pr[i] = pc[i] = 0;
  for (int i = 0; i < k; i++)
    for (int j = 0; j < k; j++) {
      pr[i] += cnt[i * k + j] / tot;
      pc[j] += cnt[i * k + j] / tot;
    }
  for (int i = 0; i < k; i++)
    for (int j = 0; j < k; j++) {
      double wt = kappa_weight(w, i, j, k);
      po += wt * cnt[i * k + j] / tot;
      pe += wt * pr[i] * pc[j];
    }
  return 1. - pe < 1e-12 ? NAN : (po - pe) / (1. - pe);
}

avn_rc agree_kappa_boot(const int *x, const int *y, const int *cluster, size_t n,
                        size_t ncl, int k, agree_weights w, double conf_level, size_t reps,
                        unsigned long seed, avn_err *err, agree_kappa_boot_result *out) {
  avn_rc rc = AVN_OK;
  agree_kappa_result full;
  size_t *start = NULL, *items = NULL, *ids = NULL, g = 0;
  double *cnt = NULL, *pr = NULL, *pc = NULL, *kb = NULL;
  gsl_rng *rng = NULL;
  if (reps < 100) return avn_fail(err, AVN_E_RANGE, "reps", NULL, "a bootstrap needs at least 100 replicates");
  if ((rc = agree_kappa(x, y, n, k, w, conf_level, err, &full))) return rc;
  start = avn_calloc(ncl + 1, sizeof *start);
  items = avn_reallocarray(NULL, n, sizeof *items);
  ids = avn_reallocarray(NULL, ncl ? ncl : 1, sizeof *ids);
  cnt = avn_calloc((size_t)k * (size_t)k, sizeof *cnt);
  pr = avn_calloc((size_t)k, sizeof *pr);
  pc = avn_calloc((size_t)k, sizeof *pc);
  kb = avn_reallocarray(NULL, reps, sizeof *kb);
  rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!start || !items || !ids || !cnt || !pr || !pc || !kb || !rng) {
    rc = avn_fail(err, AVN_E_NOMEM, NULL, NULL, "kappa bootstrap");
    goto cleanup;
  }
  for (size_t t = 0; t < n; t++) {
    if (cluster[t] < 0 || (size_t)cluster[t] >= ncl) {
      rc = avn_fail(err, AVN_E_RANGE, "cluster", NULL, "cluster id out of range (item %zu)", t + 1);
      goto cleanup;
    }
    start[cluster[t] + 1]++;
  }
  for (size_t c = 0; c < ncl; c++) {
    if (start[c + 1]) ids[g++] = c;
    start[c + 1] += start[c];
  }
  if (g < 2) {
    rc = avn_fail(err, AVN_E_DEGENERATE, "cluster", NULL, "a cluster bootstrap needs at least 2 clusters");
    goto cleanup;
  }
  {
    size_t *fill = avn_calloc(ncl + 1, sizeof *fill);
    if (!fill) {
      rc = avn_fail(err, AVN_E_NOMEM, NULL, NULL, "kappa bootstrap");
      goto cleanup;
    }
    for (size_t t = 0; t < n; t++) items[start[cluster[t]] + fill[cluster[t]]++] = t;
    avn_free(fill);
  }
  gsl_rng_set(rng, seed);
  size_t used = 0;
  for (size_t b = 0; b < reps; b++) {
    double tot = 0;
    for (size_t q = 0; q < (size_t)k * (size_t)k; q++) cnt[q] = 0;
    for (size_t d = 0; d < g; d++) {
      size_t c = ids[gsl_rng_uniform_int(rng, (unsigned long)g)];
      for (size_t q = start[c]; q < start[c + 1]; q++) {
        cnt[x[items[q]] * k + y[items[q]]] += 1;
        tot += 1;
      }
    }
    double kv = kappa_of_counts(cnt, k, w, tot, pr, pc);
    if (!isnan(kv)) kb[used++] = kv;
  }
  if (used < 2) {
    rc = avn_fail(err, AVN_E_DEGENERATE, "x", NULL, "no bootstrap replicate has a kappa");
    goto cleanup;
  }
  gsl_sort(kb, 1, used);
  double a = (1 - conf_level) / 2;
  out->n = n;
  out->nclusters = g;
  out->reps = reps;
  out->used = used;
  out->kappa = full.kappa;
  out->se = gsl_stats_sd(kb, 1, used);
  out->ci_low = gsl_stats_quantile_from_sorted_data(kb, 1, used, a);
  out->ci_high = gsl_stats_quantile_from_sorted_data(kb, 1, used, 1 - a);
cleanup:
  avn_free(start);
  avn_free(items);
  avn_free(ids);
  avn_free(cnt);
  avn_free(pr);
  avn_free(pc);
  avn_free(kb);
  if (rng) gsl_rng_free(rng);
  return rc;
}
