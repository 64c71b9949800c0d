/*
** anova.c: one-way ANOVA (see anova.h).
*/
#include "stats/anova.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

#include "core/mem.h"
#include "stats/desc.h"
#include "stats/regress.h"

avn_rc anova_oneway(const double *x, const int *g, size_t n, size_t k, anova_result *out) {
  avn_rc rc = AVN_OK;
  long double *sum = NULL, *corr = NULL;
  size_t *cnt = NULL;
  memset(out, 0, sizeof *out);
  if (k < 2 || n <= k) return AVN_E_DEGENERATE;
  sum = avn_calloc(k, sizeof *sum);
  corr = avn_calloc(k, sizeof *corr);
  cnt = avn_calloc(k, sizeof *cnt);
  if (!sum || !corr || !cnt) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  long double gs = 0.0L;
  for (size_t i = 0; i < n; i++) {
    sum[g[i]] += x[i];
    cnt[g[i]]++;
    gs += x[i];
  }
  for (size_t j = 0; j < k; j++) {
    if (cnt[j] == 0) {
      rc = AVN_E_DEGENERATE;
      goto cleanup;
    }
    sum[j] /= (long double)cnt[j];
  }
  gs /= (long double)n;
  long double gc = 0.0L;
  for (size_t i = 0; i < n; i++) {
    corr[g[i]] += x[i] - sum[g[i]];
    gc += x[i] - gs;
  }
  for (size_t j = 0; j < k; j++) sum[j] += corr[j] / (long double)cnt[j];
  gs += gc / (long double)n;
  long double ssw = 0.0L, ssb = 0.0L;
  for (size_t i = 0; i < n; i++) {
    long double d = x[i] - sum[g[i]];
    ssw += d * d;
  }
  for (size_t j = 0; j < k; j++) {
    long double d = sum[j] - gs;
    ssb += (long double)cnt[j] * d * d;
  }
  out->n = n;
  out->k = k;
  out->df1 = (double)(k - 1);
  out->df2 = (double)(n - k);
  out->ss_between = (double)ssb;
  out->ss_within = (double)ssw;
  out->ms_between = out->ss_between / out->df1;
  out->ms_within = out->ss_within / out->df2;
  out->eta_squared = out->ss_between / (out->ss_between + out->ss_within);
  if (!(out->ms_within > 0.0)) {
    rc = AVN_E_DEGENERATE;
    goto cleanup;
  }
  out->statistic = out->ms_between / out->ms_within;
  out->p = gsl_cdf_fdist_Q(out->statistic, out->df1, out->df2);

cleanup:
  avn_free(sum);
  avn_free(corr);
  avn_free(cnt);
  return rc;
}

avn_rc anova_welch(const double *x, const int *g, size_t n, size_t k, anova_welch_result *out) {
  avn_rc rc = AVN_OK;
  size_t *pos = NULL, *start = NULL;
  double *m = NULL, *w = NULL;
  memset(out, 0, sizeof *out);
  if (k < 2) return AVN_E_DEGENERATE;
  pos = avn_calloc(k, sizeof *pos);
  start = avn_calloc(k + 1, sizeof *start);
  m = avn_calloc(k, sizeof *m);
  w = avn_calloc(k, sizeof *w);
  double *vals = avn_malloc((n ? n : 1) * sizeof *vals);
  if (!pos || !start || !m || !w || !vals) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  /* bucket the values by group (counting sort), then R's oneway.test */
  for (size_t i = 0; i < n; i++) {
    if (g[i] < 0 || (size_t)g[i] >= k) {
      rc = AVN_E_RANGE;
      goto cleanup;
    }
    start[g[i] + 1]++;
  }
  for (size_t j = 0; j < k; j++) start[j + 1] += start[j];
  for (size_t j = 0; j < k; j++) pos[j] = start[j];
  for (size_t i = 0; i < n; i++) vals[pos[g[i]]++] = x[i];
  double sw = 0.0;
  for (size_t j = 0; j < k; j++) {
    size_t nj = start[j + 1] - start[j];
    if (nj < 2) {
      out->bad_group = j;
      rc = AVN_E_DEGENERATE;
      goto cleanup;
    }
    m[j] = desc_mean(vals + start[j], nj);
    double v = desc_var(vals + start[j], nj);
    if (!(v > 0)) {
      out->bad_group = j;
      rc = AVN_E_DEGENERATE;
      goto cleanup;
    }
    w[j] = (double)nj / v;
    sw += w[j];
  }
  double mw = 0.0, tmp = 0.0, num = 0.0, kk = (double)k;
  for (size_t j = 0; j < k; j++) mw += w[j] * m[j];
  mw /= sw;
  for (size_t j = 0; j < k; j++) {
    double nj = (double)(start[j + 1] - start[j]);
    tmp += (1.0 - w[j] / sw) * (1.0 - w[j] / sw) / (nj - 1.0);
    num += w[j] * (m[j] - mw) * (m[j] - mw);
  }
  tmp /= kk * kk - 1.0;
  out->n = n;
  out->k = k;
  out->statistic = num / ((kk - 1.0) * (1.0 + 2.0 * (kk - 2.0) * tmp));
  out->df1 = kk - 1.0;
  out->df2 = 1.0 / (3.0 * tmp);
  out->p = gsl_cdf_fdist_Q(out->statistic, out->df1, out->df2);
cleanup:
  avn_free(pos);
  avn_free(start);
  avn_free(m);
  avn_free(w);
  avn_free(vals);
  return rc;
}

/* RSS of y on the first k columns of the treatment-coded design X (n x ld). */
static avn_rc rss_of(size_t n, size_t k, size_t ld, const double *X, const double *y,
                     double *rss, avn_err *err) {
  regress_result *r = NULL;
  double *Xk = NULL;
  if (k == ld) {
    avn_rc rc = regress_ols(n, k, X, y, true, NULL, NULL, 0, 0.95, &r, err);
    if (!rc) *rss = r->rss;
    regress_free(r);
    return rc;
  }
  Xk = avn_malloc((n && k ? n * k : 1) * sizeof *Xk);
  if (!Xk) return AVN_E_NOMEM;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < k; j++) Xk[i * k + j] = X[i * ld + j];
  avn_rc rc = regress_ols(n, k, Xk, y, true, NULL, NULL, 0, 0.95, &r, err);
  if (!rc) *rss = r->rss;
  regress_free(r);
  avn_free(Xk);
  return rc;
}

avn_rc anova_twoway(size_t n, const double *y, const int *ga, size_t a, const int *gb,
                    size_t b, bool interaction, anova_twoway_result *out, avn_err *err) {
  avn_rc rc = AVN_OK;
  double *X = NULL;
  size_t *cell = NULL;
  memset(out, 0, sizeof *out);
  if (a < 2 || b < 2) return AVN_E_DEGENERATE;
  size_t ka = a - 1, kb = b - 1, kab = interaction ? ka * kb : 0, k = ka + kb + kab;
  cell = avn_calloc(a * b, sizeof *cell);
  X = avn_calloc(n && k ? n * k : 1, sizeof *X);
  if (!cell || !X) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  for (size_t i = 0; i < n; i++) {
    if (ga[i] < 0 || (size_t)ga[i] >= a || gb[i] < 0 || (size_t)gb[i] >= b) {
      rc = AVN_E_RANGE;
      goto cleanup;
    }
    cell[(size_t)ga[i] * b + (size_t)gb[i]]++;
    /* treatment coding, level 0 the reference: A, then B, then A:B */
    double *row = X + i * k;
    if (ga[i] > 0) row[ga[i] - 1] = 1.0;
    if (gb[i] > 0) row[ka + gb[i] - 1] = 1.0;
    if (interaction && ga[i] > 0 && gb[i] > 0)
      row[ka + kb + (size_t)(ga[i] - 1) * kb + (size_t)(gb[i] - 1)] = 1.0;
  }
  /* an empty cell makes interaction columns aliased (R's lm gives NA):
  ** refused rather than silently reducing the df */
  for (size_t c = 0; interaction && c < a * b; c++)
    if (cell[c] == 0) {
      out->empty_a = c / b;
      out->empty_b = c % b;
      rc = AVN_E_DEGENERATE;
      goto cleanup;
    }
  if (n <= k + 1) {
    rc = AVN_E_DEGENERATE;
    goto cleanup;
  }
  double m = desc_mean(y, n), rss1 = 0.0, rss2 = 0.0, rss3 = 0.0;
  long double t0 = 0.0L;
  for (size_t i = 0; i < n; i++) t0 += ((long double)y[i] - m) * ((long double)y[i] - m);
  double rss0 = (double)t0;
  rc = rss_of(n, ka, k, X, y, &rss1, err);
  if (!rc) rc = rss_of(n, ka + kb, k, X, y, &rss2, err);
  if (!rc && interaction) rc = rss_of(n, k, k, X, y, &rss3, err);
  if (rc) goto cleanup;
  double rssf = interaction ? rss3 : rss2;
  out->n = n;
  out->nterms = interaction ? 3 : 2;
  out->df[0] = (double)ka;
  out->df[1] = (double)kb;
  out->df[2] = (double)kab;
  out->ss[0] = rss0 - rss1;
  out->ss[1] = rss1 - rss2;
  out->ss[2] = interaction ? rss2 - rss3 : 0.0;
  out->df_resid = (double)(n - k - 1);
  out->ss_resid = rssf;
  out->ms_resid = rssf / out->df_resid;
  if (!(out->ms_resid > 0)) {
    rc = AVN_E_DEGENERATE;
    goto cleanup;
  }
  for (size_t t = 0; t < out->nterms; t++) {
    out->ms[t] = out->ss[t] / out->df[t];
    out->statistic[t] = out->ms[t] / out->ms_resid;
    out->p[t] = gsl_cdf_fdist_Q(out->statistic[t], out->df[t], out->df_resid);
  }
cleanup:
  avn_free(cell);
  avn_free(X);
  return rc;
}
