/*
** kruskal.c: Kruskal-Wallis test (see kruskal.h for the formula and the
** paper). Midranks and the tie sum come from wilcoxon_rank (one sort);
** the rank sums are accumulated in long double. Memory: two arrays of n
** doubles plus k group sums, freed before return.
*/
#include "stats/kruskal.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

#include "core/mem.h"
#include "stats/wilcoxon.h"

avn_rc kruskal_test(const double *x, const int *g, size_t n, size_t k, kruskal_result *out) {
  avn_rc rc = AVN_OK;
  double *r = NULL;
  long double *rs = NULL;
  size_t *ng = NULL;
  if (n < 2 || k < 2) return AVN_E_DEGENERATE;
  for (size_t i = 0; i < n; i++)
    if (g[i] < 0 || (size_t)g[i] >= k || !isfinite(x[i])) return AVN_E_RANGE;
  r = avn_calloc(n, sizeof *r);
  rs = avn_calloc(k, sizeof *rs);
  ng = avn_calloc(k, sizeof *ng);
  if (!r || !rs || !ng) { rc = AVN_E_NOMEM; goto cleanup; }
  double ties = 0;
  rc = wilcoxon_rank(x, n, r, &ties);
  if (rc) goto cleanup;
  for (size_t i = 0; i < n; i++) {
    rs[g[i]] += r[i];
    ng[g[i]]++;
  }
  size_t kk = 0;
  long double sum = 0;
  for (size_t j = 0; j < k; j++) {
    if (ng[j] == 0) continue;
    kk++;
    sum += rs[j] * rs[j] / (long double)ng[j];
  }
  const double N = (double)n;
  double denom = 1.0 - ties / (N * N * N - N);
  if (kk < 2 || !(denom > 0)) { rc = AVN_E_DEGENERATE; goto cleanup; }
  double h = (double)((12.0L * sum / (N * (N + 1)) - 3.0L * (N + 1))) / denom;
  out->statistic = h;
  out->df = (double)(kk - 1);
  out->p = gsl_cdf_chisq_Q(h, out->df);
  out->n = n;
  out->k = kk;
cleanup:
  avn_free(r);
  avn_free(rs);
  avn_free(ng);
  return rc;
}
