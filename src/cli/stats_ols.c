/*
** stats_ols.c: `avn stats ols --outcome Y --predictors a,b [--factors f]
** [--ref f=level] [--cluster ID] [--no-intercept] [--conf-level L]`:
** linear regression as R's summary(lm(Y ~ a + b)): coefficients with SE,
** t, p, CI; sigma, R^2, adjusted R^2, F (statistic, df1, df2, p), loglik,
** AIC as AIC(lm). With --cluster, robust_se is CR1 (sandwich::vcovCL type
** HC1) and t, p, CI use it on n - p df (coeftest). The shared body is
** stats_covars_regress() in stats_covars.c.
*/
#include "cli/stats_covars.h"

avn_rc stats_cli_ols(stats_ctx *c) { return stats_covars_regress(c, false); }
