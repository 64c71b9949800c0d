/*
** frame_code.c: dummy coding and cluster ids (frame_code.h).
*/
#include "frame/frame_code.h"

#include <assert.h>

#include "core/mem.h"

size_t frame_code_dummies(const int *lev, size_t n, size_t n_levels, double *X, size_t stride, size_t col,
                          size_t max_cols) {
  size_t k = 0;
  for (size_t l = 1; l < n_levels && k < max_cols; l++, k++) {
    assert(col + k < stride);
    for (size_t i = 0; i < n; i++) X[i * stride + col + k] = lev[i] == (int)l ? 1 : 0;
  }
  return k;
}

avn_rc frame_code_clusters(const size_t *group, size_t n, size_t n_groups, int *ids, size_t *n_clusters,
                           size_t *repeated) {
  int *map = avn_malloc((n_groups + 1) * sizeof *map);
  unsigned char *seen = avn_calloc(n_groups + 1, 1);
  avn_rc rc = AVN_OK;
  *n_clusters = *repeated = 0;
  if (!map || !seen) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  for (size_t i = 0; i < n; i++) {
    size_t g = group[i];
    assert(g < n_groups);
    if (!seen[g]) map[g] = (int)(*n_clusters)++;
    else if (seen[g] == 1) (*repeated)++;
    if (seen[g] < 2) seen[g]++;
    ids[i] = map[g];
  }
cleanup:
  avn_free(map);
  avn_free(seen);
  return rc;
}
