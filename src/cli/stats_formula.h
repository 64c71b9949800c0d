/*
** stats_formula.h: `--formula "..."` for `avn stats`, R's model formula
** translated to the flags every method already reads, so a formula fit and
** a flag fit are the same fit:
**
**   cox         Surv(T, E) ~ a + factor(b) + strata(s) + cluster(id)
**               -> --time T --event E --covariates a,b --factors b
**                  --strata s --cluster id
**   km, logrank Surv(T, E) ~ g   (km also ~ 1) -> --time T --event E --group g
**   ols         y ~ a + b [- 1 | + 0] [+ cluster(id)]; y ~ poly(x, K, raw = TRUE)
**               -> --outcome y --predictors a,b [--no-intercept] [--cluster id];
**                  --predictors x --degree K
**   logistic    as ols, without poly()
**   lmm         y ~ a + (1 | s) or (1 | s/u) -> --outcome y --predictors a
**                  --subject s [--nested u]
**   gee         y ~ a + cluster(id) -> --outcome y --predictors a --subject id
**   t, mann-whitney, anova, oneway, kruskal   v ~ g -> --value v --group g
**   anova2      v ~ a * b (or a + b) -> --value v --factors a,b
**                  [--no-interaction]
**
** Anything else (interactions a:b outside anova2, transformations, poly
** without raw = TRUE, a term the method has no flag for) is a usage error
** naming the term. A flag given both in the formula and on the command line
** is a usage error too.
**
** Ownership: stats_formula_apply() replaces c->opts with an array owned by
** fm (the formula option removed, the translated ones appended); free it
** with stats_formula_free() after the adapter has run.
*/
#ifndef AVN_STATS_FORMULA_H
#define AVN_STATS_FORMULA_H

#include "cli/stats_cli.h"

typedef struct stats_formula {
  stats_optval *v;   /* the new option array */
  char *text;        /* names and values it points into */
} stats_formula;

/* No-op when --formula is absent. AVN_E_USAGE with the reason otherwise. */
avn_rc stats_formula_apply(stats_ctx *c, stats_formula *fm /* OUT */);
void stats_formula_free(stats_formula *fm);

#endif
