/*
** anova.c: one-way ANOVA (see anova.h).
*/
#include "stats/anova.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

#include "core/mem.h"

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
