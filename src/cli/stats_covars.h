/*
** stats_covars.h: the frame shared by the survival and regression adapters
** (km, logrank, cox, ols, logistic): role columns (time, event, outcome,
** group, cluster) plus covariates from a comma list (--covariates or
** --predictors), each numeric or, when listed in --factors or not numeric,
** a factor coded as R's treatment dummies (stageII, stageIII). The design
** has NO intercept column; the library adds it where the model has one.
**
** Rows with a missing cell in any used column are dropped (f.n_missing).
** Owns everything: stats_covars_free.
*/
#ifndef AVN_STATS_COVARS_H
#define AVN_STATS_COVARS_H

#include <stddef.h>
#include "cli/stats_cli.h"

typedef struct stats_covars {
  frame_sel f;      /* roles first (in the order given), then covariates */
  size_t n;           /* complete rows */
  size_t k;           /* design columns */
  double *X;          /* n x k row-major */
  char **names;       /* k term names (owned) */
  char **cov;         /* split covariate list */
  size_t ncov;
} stats_covars;

/* roles: nroles columns (may be 0); list_opt: "covariates" or "predictors"
** (required when need_covs). */
avn_rc stats_covars_build(stats_ctx *c, const stats_colspec *roles, size_t nroles,
                          const char *list_opt, bool need_covs, stats_covars *m /* OUT */);
void stats_covars_free(stats_covars *m);

/* Numeric variable f->v[var] as 0/1 codes (event, binary outcome):
** AVN_E_RANGE naming the column, value and data row otherwise. */
avn_rc stats_covars_binary(stats_ctx *c, const frame_sel *f, size_t var, int *out /* OUT */);
/* Refuses negative times in f->v[var], naming the column and data row. */
avn_rc stats_covars_times(stats_ctx *c, const frame_sel *f, size_t var);
/* The event factor f->v[var] as 0/1 in out[f->n], coded as R's Surv():
** TRUE/FALSE (as.logical's spellings), 0/1, or 1/2 with 2 = event when the
** column holds exactly the values 1 and 2; with --event-value V, rows equal
** to V (as text, or as a number: "2" = "2.0") are events and all others
** censored. Any other value is AVN_E_RANGE naming the column, value and
** data row. *coding: a static description of the coding used. */
avn_rc stats_covars_event(stats_ctx *c, const frame_sel *f, size_t var, int *out /* OUT */,
                          const char **coding /* OUT */);
/* The survival adapters' pair: f->v[0] checked as times, f->v[1] as the
** event (a FRAME_SEL_FACTOR role; stats_covars_event), returned in *ev (f->n
** entries, the caller's: avn_free); adds "event_coding" to c->json. */
avn_rc stats_covars_surv(stats_ctx *c, const frame_sel *f, int **ev /* OUT */);

/* The whole `ols` / `logistic` adapter (they differ in the family only):
** --outcome Y --predictors a,b [--factors f] [--cluster ID] [--no-intercept]. */
avn_rc stats_covars_regress(stats_ctx *c, bool logistic);

#endif
