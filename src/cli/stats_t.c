/*
** stats_t.c: `avn stats t --value V --group G [--var-equal] [--levels a,b]`:
** two-sample t test, Welch unless --var-equal; estimate = mean of the first
** level minus the second (R: t.test(V ~ G)). With --col C [--mu M] instead,
** the one-sample t test.
*/
#include <stdio.h>

#include <math.h>

#include "cli/stats_cli.h"
#include "core/mem.h"
#include "stats/ttest.h"

static avn_rc put(stats_ctx *c, const ttest_result *r, const char *method, const char *dn,
                  const char *what, stats_alt alt, double mu, double conf, const char *ename) {
  char alts[160];
  stats_json_str(c->json, "method", method);
  stats_json_num(c->json, "statistic", r->statistic);
  stats_json_num(c->json, "df", r->df);
  stats_json_num(c->json, "p", r->p);
  stats_json_num(c->json, "estimate", r->estimate);
  stats_json_num(c->json, "se", r->se);
  stats_json_num(c->json, "ci_low", r->ci_low);
  stats_json_num(c->json, "ci_high", r->ci_high);
  stats_json_num(c->json, "conf_level", conf);
  stats_json_num(c->json, "mu", mu);
  stats_json_str(c->json, "alternative", stats_alt_name(alt));
  return stats_text_htest(c, &(stats_htest){
      .method = method, .data_name = dn, .stat_name = "t", .statistic = r->statistic,
      .df_name = "df", .df = r->df, .p = r->p,
      .alternative = stats_alt_sentence(alts, sizeof alts, what, alt, mu), .conf_level = conf,
      .ci_low = r->ci_low, .ci_high = r->ci_high, .estimate_name = ename,
      .estimate = r->estimate});
}

avn_rc stats_cli_t(stats_ctx *c) {
  avn_rc rc = AVN_OK;
  frame_sel f = {0};
  double *x = NULL, *y = NULL, conf = 0.95, mu = 0.0;
  size_t nx = 0, ny = 0;
  const char *vc = NULL, *gc = NULL, *col = NULL;
  stats_alt alt;
  ttest_result r;
  char dn[300];

  rc = stats_cli_allow(c, "value,group,col,levels,ref,var-equal,mu,alternative,conf-level,alpha");
  if (!rc) rc = stats_cli_conf_level(c, &conf);
  if (!rc) rc = stats_cli_alternative(c, &alt);
  if (!rc) rc = stats_opt_double(&c->opts, "mu", 0.0, -INFINITY, INFINITY, &mu, c->err);
  if (rc) goto cleanup;
  col = stats_opt(&c->opts, "col");
  if (col) {
    stats_colspec spec[] = {{col, FRAME_SEL_NUMERIC}};
    rc = stats_cli_frame(c, spec, 1, &f);
    if (rc) goto cleanup;
    rc = ttest_one(f.v[0].x, f.n, mu, (int)alt, conf, &r);
    if (rc == AVN_E_DEGENERATE) {
      rc = avn_fail(c->err, rc, col, NULL,
                    f.n < 2 ? "needs at least 2 non-missing values, found %zu"
                            : "the column is constant (%zu values): t is undefined", f.n);
      goto cleanup;
    }
    if (rc == AVN_E_RANGE) {
      rc = avn_fail(c->err, rc, col, NULL,
                    "the mean minus --mu is beyond the double range (about 1.8e308)");
      goto cleanup;
    }
    if (rc) goto cleanup;
    stats_json_int(c->json, "n", (long long)f.n);
    stats_json_int(c->json, "n_missing", (long long)f.n_missing);
    rc = put(c, &r, "One Sample t-test", col, "mean", alt, mu, conf, "mean of x");
    goto cleanup;
  }
  rc = stats_opt_req(&c->opts, "value", &vc, c->err);
  if (!rc) rc = stats_opt_req(&c->opts, "group", &gc, c->err);
  if (rc) goto cleanup;
  stats_colspec spec[] = {{vc, FRAME_SEL_NUMERIC}, {gc, FRAME_SEL_FACTOR}};
  rc = stats_cli_frame(c, spec, 2, &f);
  if (rc) goto cleanup;
  rc = stats_cli_two_groups(c, &f, 0, 1, &x, &nx, &y, &ny);
  if (rc) goto cleanup;
  bool ve = stats_has(&c->opts, "var-equal");
  rc = ttest_two(x, nx, y, ny, mu, ve, (int)alt, conf, &r);
  if (rc == AVN_E_DEGENERATE) {
    rc = avn_fail(c->err, rc, vc, NULL,
                  (nx < 2 || ny < 2)
                      ? "needs at least 2 values per group (%s: %zu, %s: %zu)"
                      : "the values are constant within both groups (%s: %zu, %s: %zu): t is undefined",
                  f.v[1].levels[0], nx, f.v[1].levels[1], ny);
    goto cleanup;
  }
  if (rc == AVN_E_RANGE) {
    rc = avn_fail(c->err, rc, vc, NULL,
                  "the difference of the group means is beyond the double range (about 1.8e308)");
    goto cleanup;
  }
  if (rc) goto cleanup;
  snprintf(dn, sizeof dn, "%s by %s (%s minus %s)", vc, gc, f.v[1].levels[0], f.v[1].levels[1]);
  stats_json_int(c->json, "n", (long long)f.n);
  stats_json_int(c->json, "n_missing", (long long)f.n_missing);
  stats_json_str(c->json, "level_1", f.v[1].levels[0]);
  stats_json_str(c->json, "level_2", f.v[1].levels[1]);
  stats_json_int(c->json, "n_1", (long long)nx);
  stats_json_int(c->json, "n_2", (long long)ny);
  stats_json_num(c->json, "mean_1", r.mean_x);
  stats_json_num(c->json, "mean_2", r.mean_y);
  rc = put(c, &r, ve ? "Two Sample t-test" : "Welch Two Sample t-test", dn,
           "difference in means", alt, mu, conf, "difference in means");
cleanup:
  avn_free(x);
  avn_free(y);
  frame_sel_free(&f);
  return rc;
}
