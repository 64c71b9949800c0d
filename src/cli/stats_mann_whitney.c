/*
** stats_mann_whitney.c: `avn stats mann-whitney --value V --group G`: the
** Wilcoxon rank-sum test, W = rank sum of the first level minus
** n1(n1+1)/2 (R: wilcox.test(V ~ G)). --exact yes|no|auto, --no-correct.
*/
#include <stdio.h>

#include <math.h>

#include "cli/stats_cli.h"
#include "core/mem.h"
#include "stats/wilcoxon.h"

static const char *const exact_words[] = {"auto", "yes", "no", NULL};

avn_rc stats_cli_mann_whitney(stats_ctx *c) {
  avn_rc rc = AVN_OK;
  frame_sel f = {0};
  double *x = NULL, *y = NULL, mu = 0.0, conf = 0.95;
  wilcoxon_hl hl = {.estimate = NAN, .ci_low = NAN, .ci_high = NAN, .conf_level = NAN};
  size_t nx = 0, ny = 0;
  const char *vc = NULL, *gc = NULL;
  stats_alt alt;
  int ex = 0;
  wilcoxon_result r;
  char dn[300], alts[160], method[160];

  rc = stats_cli_allow(c, "value,group,levels,ref,mu,exact,no-correct,alternative,conf-level,alpha,conf-int");
  if (!rc) rc = stats_cli_alternative(c, &alt);
  if (!rc) rc = stats_opt_choice(&c->opts, "exact", exact_words, 0, &ex, c->err);
  if (!rc) rc = stats_opt_double(&c->opts, "mu", 0.0, -INFINITY, INFINITY, &mu, c->err);
  if (!rc) rc = stats_cli_conf_level(c, &conf);
  if (!rc) rc = stats_opt_req(&c->opts, "value", &vc, c->err);
  if (!rc) rc = stats_opt_req(&c->opts, "group", &gc, c->err);
  if (rc) goto cleanup;
  stats_colspec spec[] = {{vc, FRAME_SEL_NUMERIC}, {gc, FRAME_SEL_FACTOR}};
  rc = stats_cli_frame(c, spec, 2, &f);
  if (rc) goto cleanup;
  rc = stats_cli_two_groups(c, &f, 0, 1, &x, &nx, &y, &ny);
  if (rc) goto cleanup;
  bool correct = !stats_has(&c->opts, "no-correct");
  rc = wilcoxon_rank_sum(x, nx, y, ny, mu, ex, correct, (int)alt, &r);
  if (rc == AVN_E_DEGENERATE) {
    rc = avn_fail(c->err, rc, vc, NULL, "all values are tied: the test is undefined");
    goto cleanup;
  }
  if (rc == AVN_E_RANGE) {
    rc = avn_fail(c->err, AVN_E_USAGE, "--exact", "yes",
                  "groups of %zu and %zu are too large for the exact distribution", nx, ny);
    goto cleanup;
  }
  if (rc) goto cleanup;
  snprintf(dn, sizeof dn, "%s by %s (%s vs %s)", vc, gc, f.v[1].levels[0], f.v[1].levels[1]);
  snprintf(method, sizeof method, "Wilcoxon rank sum %s%s", r.exact ? "exact test" : "test",
           (!r.exact && r.correct) ? " with continuity correction" : "");
  stats_json_str(c->json, "method", method);
  stats_json_int(c->json, "n", (long long)f.n);
  stats_json_int(c->json, "n_missing", (long long)f.n_missing);
  stats_json_str(c->json, "level_1", f.v[1].levels[0]);
  stats_json_str(c->json, "level_2", f.v[1].levels[1]);
  stats_json_int(c->json, "n_1", (long long)nx);
  stats_json_int(c->json, "n_2", (long long)ny);
  stats_json_bool(c->json, "ties", r.ties);
  stats_json_bool(c->json, "exact", r.exact);
  stats_json_bool(c->json, "correct", r.correct);
  stats_json_num(c->json, "statistic", r.statistic);
  stats_json_num(c->json, "p", r.p);
  stats_json_num(c->json, "mu", mu);
  stats_json_str(c->json, "alternative", stats_alt_name(alt));
  if (stats_has(&c->opts, "conf-int")) {
    rc = wilcoxon_hl_ranksum(x, nx, y, ny, r.exact, correct, (int)alt, conf, &hl);
    rc = stats_cli_put_hl(c, rc, dn, &hl, "difference in location");
    if (rc) goto cleanup;
  }
  if (ex == 1 && !r.exact) stats_json_str(c->json, "warning", "cannot compute exact p-value with ties");
  rc = stats_text_htest(c, &(stats_htest){
      .method = method, .data_name = dn, .stat_name = "W", .statistic = r.statistic,
      .df = NAN, .p = r.p, .alternative = stats_alt_sentence(alts, sizeof alts, "location shift", alt, mu),
      .conf_level = hl.conf_level, .ci_low = hl.ci_low, .ci_high = hl.ci_high,
      .estimate_name = stats_has(&c->opts, "conf-int") ? "difference in location" : NULL, .estimate = hl.estimate});
cleanup:
  avn_free(x);
  avn_free(y);
  frame_sel_free(&f);
  return rc;
}
