/*
** stats_paired_t.c: `avn stats paired-t --x A --y B [--mu M]`: the paired t
** test on d = y - x (R: t.test(y, x, paired = TRUE)). Rows missing either
** column are dropped and counted.
*/
#include <stdio.h>

#include <math.h>

#include "cli/stats_cli.h"
#include "core/mem.h"
#include "stats/ttest.h"

avn_rc stats_cli_paired_t(stats_ctx *c) {
  avn_rc rc = AVN_OK;
  frame_sel f = {0};
  double *d = NULL, conf = 0.95, mu = 0.0;
  const char *xc = NULL, *yc = NULL;
  stats_alt alt;
  ttest_result r;
  char alts[160], dn[300];

  rc = stats_cli_allow(c, "x,y,mu,alternative,conf-level,alpha");
  if (!rc) rc = stats_opt_req(&c->opts, "x", &xc, c->err);
  if (!rc) rc = stats_opt_req(&c->opts, "y", &yc, c->err);
  if (!rc) rc = stats_cli_conf_level(c, &conf);
  if (!rc) rc = stats_cli_alternative(c, &alt);
  if (!rc) rc = stats_opt_double(&c->opts, "mu", 0.0, -INFINITY, INFINITY, &mu, c->err);
  if (rc) goto cleanup;
  stats_colspec spec[] = {{xc, FRAME_SEL_NUMERIC}, {yc, FRAME_SEL_NUMERIC}};
  rc = stats_cli_frame(c, spec, 2, &f);
  if (rc) goto cleanup;
  d = avn_malloc((f.n ? f.n : 1) * sizeof *d);
  if (!d) {
    rc = avn_fail(c->err, AVN_E_NOMEM, NULL, NULL, "out of memory");
    goto cleanup;
  }
  snprintf(dn, sizeof dn, "%s - %s", yc, xc);
  for (size_t i = 0; i < f.n; i++) {
    d[i] = f.v[1].x[i] - f.v[0].x[i];
    if (!isfinite(d[i])) {
      char v[64];
      snprintf(v, sizeof v, "%.17g - %.17g", f.v[1].x[i], f.v[0].x[i]);
      rc = avn_fail(c->err, AVN_E_RANGE, dn, v,
                    "the difference in data row %zu is beyond the double range (about 1.8e308)",
                    f.row[i] + 1);
      goto cleanup;
    }
  }
  rc = ttest_one(d, f.n, mu, (int)alt, conf, &r);
  if (rc == AVN_E_DEGENERATE) {
    rc = avn_fail(c->err, rc, dn, NULL,
                  f.n < 2 ? "needs at least 2 complete pairs, found %zu"
                          : "the differences are constant (%zu pairs): t is undefined",
                  f.n);
    goto cleanup;
  }
  if (rc == AVN_E_RANGE) {
    rc = avn_fail(c->err, rc, dn, NULL,
                  "the mean difference minus --mu is beyond the double range (about 1.8e308)");
    goto cleanup;
  }
  if (rc) goto cleanup;
  stats_json_str(c->json, "method", "Paired t-test");
  stats_json_str(c->json, "difference", dn);
  stats_json_int(c->json, "n", (long long)f.n);
  stats_json_int(c->json, "n_missing", (long long)f.n_missing);
  stats_json_num(c->json, "statistic", r.statistic);
  stats_json_num(c->json, "df", r.df);
  stats_json_num(c->json, "p", r.p);
  stats_json_num(c->json, "estimate", r.estimate);
  stats_json_num(c->json, "se", r.se);
  stats_json_num(c->json, "ci_low", r.ci_low);
  stats_json_num(c->json, "ci_high", r.ci_high);
  stats_json_num(c->json, "conf_level", conf);
  stats_json_num(c->json, "mu", mu);
  stats_json_str(c->json, "alternative", stats_alt_name(alt));
  rc = stats_text_htest(c, &(stats_htest){
      .method = "Paired t-test", .data_name = dn, .stat_name = "t", .statistic = r.statistic,
      .df_name = "df", .df = r.df, .p = r.p,
      .alternative = stats_alt_sentence(alts, sizeof alts, "mean difference", alt, mu),
      .conf_level = conf, .ci_low = r.ci_low, .ci_high = r.ci_high,
      .estimate_name = "mean difference", .estimate = r.estimate});
cleanup:
  avn_free(d);
  frame_sel_free(&f);
  return rc;
}
