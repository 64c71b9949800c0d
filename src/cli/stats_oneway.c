/*
** stats_oneway.c: `avn stats oneway --value V --group G [--var-equal]`:
** the one-way test of equal means as R's oneway.test(V ~ G): Welch's F
** (unequal variances, the default), or the classic F with --var-equal
** (the same as `avn stats anova`).
*/
#include <stdio.h>

#include "cli/stats_cli.h"
#include "stats/anova.h"

avn_rc stats_cli_oneway(stats_ctx *c) {
  avn_rc rc = AVN_OK;
  frame_sel f = {0};
  const char *vc = NULL, *gc = NULL;
  char dn[300], b[4][48];
  double F = 0, df1 = 0, df2 = 0, p = 0;

  rc = stats_cli_value_by_group(c, "value,group,levels,ref,var-equal", &f, &vc, &gc);
  if (rc) goto cleanup;
  bool ve = stats_has(&c->opts, "var-equal");
  stats_cli_center_exact(c, &f, 0);   /* F is shift-invariant: exact digits */
  const frame_svar *g = &f.v[1];
  if (ve) {
    anova_result r;
    rc = anova_oneway(f.v[0].x, g->code, f.n, g->nlev, &r);
    if (rc == AVN_E_DEGENERATE)
      rc = avn_fail(c->err, rc, vc, NULL,
                    "needs more rows than groups and variation within groups: F is undefined");
    F = r.statistic, df1 = r.df1, df2 = r.df2, p = r.p;
  } else {
    anova_welch_result r;
    rc = anova_welch(f.v[0].x, g->code, f.n, g->nlev, &r);
    if (rc == AVN_E_DEGENERATE)
      rc = avn_fail(c->err, rc, vc, g->levels[r.bad_group],
                    "Welch's test needs at least 2 values with some variation in every group "
                    "(group %s has %zu)", g->levels[r.bad_group], g->count[r.bad_group]);
    F = r.statistic, df1 = r.df1, df2 = r.df2, p = r.p;
  }
  if (rc) goto cleanup;
  const char *method = ve ? "One-way analysis of means"
                          : "One-way analysis of means (not assuming equal variances)";
  snprintf(dn, sizeof dn, "%s and %s", vc, gc);
  stats_json_head(c, method, &f);
  stats_json_int(c->json, "groups", (long long)g->nlev);
  stats_json_num(c->json, "statistic", F);
  stats_json_num(c->json, "df1", df1);
  stats_json_num(c->json, "df2", df2);
  stats_json_num(c->json, "p", p);
  rc = stats_text_printf(c, "\n\t%s\n\ndata:  %s\nF = %s, num df = %s, denom df = %s, p-value = %s\n",
                         method, dn, stats_fmt_num(b[0], 48, F, 5), stats_fmt_num(b[1], 48, df1, 5),
                         stats_fmt_num(b[2], 48, df2, 5), stats_fmt_p(b[3], 48, p, 4));
cleanup:
  frame_sel_free(&f);
  return rc;
}
