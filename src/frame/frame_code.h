/*
** frame_code.h: coding an analysis's rows for a model: factors as dummy
** columns of a design matrix, and cluster ids (the hips of one patient).
**
** The report's sections pick their rows (complete cases) and levels; these
** functions turn them into the arrays src/stats takes (row-major X, int
** cluster ids), so every model codes factors and clusters the same way.
** Pure functions over caller arrays: nothing allocated but the scratch of
** frame_code_clusters, freed before it returns.
*/
#ifndef AVN_FRAME_CODE_H
#define AVN_FRAME_CODE_H

#include <stdbool.h>
#include <stddef.h>
#include "core/rc.h"

/* Treatment (dummy) coding against the first level, as R's
** contr.treatment: for each row i (level lev[i] in 0..n_levels-1) writes
** X[i * stride + col + (l - 1)] = (lev[i] == l) for l = 1 .. n_levels - 1,
** at most max_cols columns. Returns the number of columns written. */
size_t frame_code_dummies(const int *lev, size_t n, size_t n_levels, double *X /* OUT */, size_t stride,
                          size_t col, size_t max_cols);

/* Cluster ids of n rows, row i belonging to group[i] (< n_groups, e.g. a
** patient's index): ids[i] dense, 0 .. *n_clusters - 1, numbered in order of
** first appearance; *repeated: groups with two or more rows (patients with
** both hips). O(n + n_groups). AVN_E_NOMEM when the scratch fails. */
avn_rc frame_code_clusters(const size_t *group, size_t n, size_t n_groups, int *ids /* OUT [n] */,
                           size_t *n_clusters /* OUT */, size_t *repeated /* OUT */);

#endif
