/*
** stats_lmm.c: `avn stats lmm --outcome Y --subject S [--nested U]
** [--predictors a,b] [--factors f] [--method reml|ml | --ml]`:
** random-intercept linear mixed model (R: lmerTest::lmer(Y ~ a + b + f +
** (1 | S)) or (1 | S/U)). Fixed effects with Satterthwaite df (lmerTest's
** method; the JSON says so in "df_method"), variance components, loglik
** (REML log-likelihood for REML fits, as logLik() in lme4), AIC.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/stats_cli.h"
#include "cli/stats_design.h"
#include "stats/mixed.h"

avn_rc stats_cli_lmm(stats_ctx *c) {
  avn_rc rc = AVN_OK;
  stats_design d = {0};
  mixed_result r = {0};
  const char *yc = NULL, *sc = NULL, *nc = NULL;
  static const char *const methods[] = {"reml", "ml", NULL};
  int method = 0;
  double conf;
  size_t j;
  char b[8][48];
  json_t *vc;

  rc = stats_cli_allow(c, "outcome,subject,nested,predictors,factors,ref,levels,method,ml,"
                          "reml,conf-level,alpha");
  if (!rc) rc = stats_opt_req(&c->opts, "outcome", &yc, c->err);
  if (!rc) rc = stats_opt_req(&c->opts, "subject", &sc, c->err);
  if (!rc) rc = stats_opt_choice(&c->opts, "method", methods, 0, &method, c->err);
  if (!rc) rc = stats_cli_conf_level(c, &conf);
  if (rc) goto cleanup;
  if (stats_has(&c->opts, "ml")) method = 1;
  nc = stats_opt(&c->opts, "nested");
  rc = stats_design_build(c, yc, sc, nc, &d);
  if (rc) goto cleanup;
  rc = mixed_fit(d.X, d.y, d.n, d.p, d.subject, d.n_subjects, d.unit, d.n_units,
                 method == 0, conf, yc, c->err, &r);
  if (rc) {
    stats_cli_role_field(c, "subject", sc);
    stats_cli_role_field(c, "nested", nc);
    stats_cli_role_field(c, "predictors", stats_opt(&c->opts, "predictors"));
    goto cleanup;
  }

  stats_json_str(c->json, "method", method == 0 ? "Linear mixed model fit by REML"
                                                : "Linear mixed model fit by maximum likelihood");
  stats_json_str(c->json, "df_method", "Satterthwaite");
  stats_json_int(c->json, "n", (long long)d.n);
  stats_json_int(c->json, "n_missing", (long long)d.n_missing);
  stats_json_int(c->json, "n_subjects", (long long)d.n_subjects);
  if (nc) stats_json_int(c->json, "n_nested", (long long)d.n_units);
  stats_json_num(c->json, "loglik", r.loglik);
  stats_json_num(c->json, "aic", r.aic);
  stats_json_num(c->json, method == 0 ? "reml_criterion" : "deviance", r.criterion);
  stats_json_bool(c->json, "converged", r.converged != 0);
  vc = json_object();
  if (!vc) {
    rc = avn_fail(c->err, AVN_E_NOMEM, NULL, NULL, "json");
    goto cleanup;
  }
  stats_json_num(vc, sc, r.var_subject);
  if (nc) stats_json_num(vc, nc, r.var_unit);
  stats_json_num(vc, "residual", r.var_resid);
  json_object_set_new(c->json, "variance_components", vc);
  for (j = 0; j < d.p; j++) {
    stats_coef row = {d.names[j], r.beta[j], r.se[j], NAN, r.t[j], r.pval[j],
                      r.ci_low[j], r.ci_high[j]};
    rc = stats_json_coef(c->json, &row);
    if (rc) goto cleanup;
    json_object_set_new(json_array_get(stats_json_array(c->json, "coefficients"), j), "df",
                        json_real(r.df[j]));
  }

  rc = stats_text_printf(c, "%s ['lmerModLmerTest']\nFormula: %s ~ ... + (1 | %s%s%s)\n\n",
                         method == 0 ? "Linear mixed model fit by REML. t-tests use "
                                       "Satterthwaite's method"
                                     : "Linear mixed model fit by maximum likelihood. "
                                       "t-tests use Satterthwaite's method",
                         yc, sc, nc ? "/" : "", nc ? nc : "");
  if (!rc)
    rc = stats_text_printf(c, "%s: %s  logLik: %s  AIC: %s\n\nRandom effects (variances):\n",
                           method == 0 ? "REML criterion at convergence" : "deviance",
                           stats_fmt_num(b[0], 48, r.criterion, 6),
                           stats_fmt_num(b[1], 48, r.loglik, 6),
                           stats_fmt_num(b[2], 48, r.aic, 6));
  if (!rc) rc = stats_text_printf(c, " %-12s %s\n", sc, stats_fmt_num(b[0], 48, r.var_subject, 5));
  if (!rc && nc) rc = stats_text_printf(c, " %-12s %s\n", nc, stats_fmt_num(b[0], 48, r.var_unit, 5));
  snprintf(b[1], 48, ", %zu", d.n_units);
  if (!rc)
    rc = stats_text_printf(c, " %-12s %s\nNumber of obs: %zu, groups: %s, %zu%s%s%s\n\n"
                              "Fixed effects:\n%-14s %12s %12s %10s %8s %10s\n",
                           "Residual", stats_fmt_num(b[0], 48, r.var_resid, 5), d.n, sc,
                           d.n_subjects, nc ? "; " : "", nc ? nc : "", nc ? b[1] : "",
                           "", "Estimate", "Std. Error", "df", "t value", "Pr(>|t|)");
  for (j = 0; !rc && j < d.p; j++)
    rc = stats_text_printf(c, "%-14s %12s %12s %10s %8s %10s\n", d.names[j],
                           stats_fmt_num(b[0], 48, r.beta[j], 6), stats_fmt_num(b[1], 48, r.se[j], 5),
                           stats_fmt_num(b[2], 48, r.df[j], 5), stats_fmt_num(b[3], 48, r.t[j], 4),
                           stats_fmt_p(b[4], 48, r.pval[j], 3));
cleanup:
  mixed_result_free(&r);
  stats_design_free(&d);
  return rc;
}
