/*
** stats_gee.c: `avn stats gee --outcome Y --subject ID [--predictors a,b]
** [--factors f] [--family gaussian|binomial] [--corstr
** exchangeable|independence]`: GEE with robust (sandwich) SE, as
** geepack::geeglm(Y ~ ..., id = ID). Coefficient rows: se = robust_se (the
** sandwich SE geeglm prints), naive_se = model-based, statistic = Wald
** chi-square on 1 df, Wald normal CI. Also the working correlation
** "alpha" and "scale".
*/
#include <stdio.h>

#include "cli/stats_cli.h"
#include "cli/stats_design.h"
#include "stats/gee.h"

avn_rc stats_cli_gee(stats_ctx *c) {
  avn_rc rc = AVN_OK;
  stats_design d = {0};
  gee_result r = {0};
  const char *yc = NULL, *sc = NULL;
  static const char *const fams[] = {"gaussian", "binomial", NULL};
  static const char *const cors[] = {"exchangeable", "independence", NULL};
  int fam = 0, cor = 0;
  double conf;
  size_t j;
  char b[6][48];

  rc = stats_cli_allow(c, "outcome,subject,cluster,predictors,factors,ref,levels,family,corstr,"
                          "conf-level,alpha");
  if (!rc) rc = stats_opt_req(&c->opts, "outcome", &yc, c->err);
  if (!rc) {
    sc = stats_opt(&c->opts, "subject");
    if (!sc) sc = stats_opt(&c->opts, "cluster");
    if (!sc) rc = avn_fail(c->err, AVN_E_USAGE, "--subject", NULL, "the cluster id column is required");
  }
  if (!rc) rc = stats_opt_choice(&c->opts, "family", fams, 0, &fam, c->err);
  if (!rc) rc = stats_opt_choice(&c->opts, "corstr", cors, 0, &cor, c->err);
  if (!rc) rc = stats_cli_conf_level(c, &conf);
  if (rc) goto cleanup;
  rc = stats_design_build(c, yc, sc, NULL, &d);
  if (rc) goto cleanup;
  rc = gee_fit(d.X, d.y, d.n, d.p, d.subject, d.n_subjects,
               fam == 0 ? GEE_GAUSSIAN : GEE_BINOMIAL,
               cor == 0 ? GEE_EXCHANGEABLE : GEE_INDEPENDENCE, conf, yc, c->err, &r);
  if (rc) {
    stats_cli_role_field(c, "subject", sc);
    stats_cli_role_field(c, "predictors", stats_opt(&c->opts, "predictors"));
    goto cleanup;
  }
  stats_json_str(c->json, "method", "Generalized estimating equations (robust sandwich SE)");
  stats_json_str(c->json, "family", fams[fam]);
  stats_json_str(c->json, "link", fam == 0 ? "identity" : "logit");
  stats_json_str(c->json, "corstr", cors[cor]);
  stats_json_int(c->json, "n", (long long)d.n);
  stats_json_int(c->json, "n_missing", (long long)d.n_missing);
  stats_json_int(c->json, "n_clusters", (long long)d.n_subjects);
  stats_json_int(c->json, "max_cluster_size", (long long)r.max_cluster);
  stats_json_num(c->json, "alpha", r.alpha);
  stats_json_num(c->json, "scale", r.scale);
  stats_json_int(c->json, "iterations", r.iterations);
  for (j = 0; j < d.p; j++) {
    stats_coef row = {d.names[j], r.beta[j], r.robust_se[j], r.robust_se[j], r.wald[j],
                      r.pval[j], r.ci_low[j], r.ci_high[j]};
    rc = stats_json_coef(c->json, &row);
    if (rc) goto cleanup;
    json_object_set_new(json_array_get(stats_json_array(c->json, "coefficients"), j),
                        "naive_se", json_real(r.naive_se[j]));
  }
  rc = stats_text_printf(c, "GEE: %s ~ ..., id = %s, family = %s, corstr = %s\n\n"
                            "Coefficients:\n%-14s %12s %12s %10s %10s\n",
                         yc, sc, fams[fam], cors[cor], "", "Estimate", "Std.err", "Wald",
                         "Pr(>|W|)");
  for (j = 0; !rc && j < d.p; j++)
    rc = stats_text_printf(c, "%-14s %12s %12s %10s %10s\n", d.names[j],
                           stats_fmt_num(b[0], 48, r.beta[j], 6),
                           stats_fmt_num(b[1], 48, r.robust_se[j], 5),
                           stats_fmt_num(b[2], 48, r.wald[j], 4), stats_fmt_p(b[3], 48, r.pval[j], 3));
  if (!rc)
    rc = stats_text_printf(c, "\nEstimated scale: %s  correlation alpha: %s\n"
                              "Number of clusters: %zu  Maximum cluster size: %zu\n",
                           stats_fmt_num(b[0], 48, r.scale, 6), stats_fmt_num(b[1], 48, r.alpha, 6),
                           d.n_subjects, r.max_cluster);
cleanup:
  gee_result_free(&r);
  stats_design_free(&d);
  return rc;
}
