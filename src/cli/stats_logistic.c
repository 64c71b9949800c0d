/*
** stats_logistic.c: `avn stats logistic --outcome Y --predictors a,b
** [--factors f] [--ref f=level] [--cluster ID] [--conf-level L]`: logistic
** regression as R's glm(Y ~ a + b, family = binomial): coefficients with SE,
** z, p, Wald CI (confint.default); deviance, null deviance, AIC,
** iterations. Y must be 0/1. Separation is refused naming the predictor
** (exit 1). With --cluster, CR1 robust SE (vcovCL type HC1). Shared body:
** stats_covars_regress() in stats_covars.c.
*/
#include "cli/stats_covars.h"

avn_rc stats_cli_logistic(stats_ctx *c) { return stats_covars_regress(c, true); }
