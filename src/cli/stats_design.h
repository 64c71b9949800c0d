/*
** stats_design.h: the model frame shared by the `lmm` and `gee` adapters:
** outcome, grouping columns and a fixed-effects design matrix built from
** --predictors (numeric columns, or factors when listed in --factors or not
** numeric) and --factors, with an intercept, in R's model.matrix order and
** treatment coding (names column+level, e.g. visitm06).
**
** Rows with a missing cell in any used column are dropped (n_missing).
** Everything in a stats_design is owned by it: stats_design_free.
*/
#ifndef AVN_STATS_DESIGN_H
#define AVN_STATS_DESIGN_H

#include <stddef.h>
#include "cli/stats_cli.h"

typedef struct stats_design {
  frame_sel f;       /* columns: outcome, subject, [nested], terms... */
  size_t n, p, n_missing;
  double *X;           /* n x p row-major */
  double *y;           /* borrowed from f */
  char **names;        /* p term names (owned) */
  size_t *subject;     /* n subject codes */
  size_t n_subjects;
  size_t *unit;        /* n nested codes or NULL */
  size_t n_units;
  char **pred, **fac;  /* split option lists (the frame borrows names) */
} stats_design;

/* outcome: column; subject: column; nested: column or NULL. Reads
** --predictors and --factors (comma lists; at least one of them, or an
** intercept-only model). */
avn_rc stats_design_build(stats_ctx *c, const char *outcome, const char *subject,
                          const char *nested, stats_design *d /* OUT */);
void stats_design_free(stats_design *d);

#endif
