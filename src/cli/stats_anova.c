/*
** stats_anova.c: `avn stats anova --value V --group G`: one-way ANOVA
** (R: summary(aov(V ~ factor(G)))). Every level with data counts as a group.
** The values are centred on the first one in exact decimal while read
** (stats_cli_center_exact): NIST SmLs07-09 keep their certified digits.
*/
#include <stdio.h>

#include <math.h>

#include "cli/stats_cli.h"
#include "stats/anova.h"

avn_rc stats_cli_anova(stats_ctx *c) {
  avn_rc rc = AVN_OK;
  frame_sel f = {0};
  const char *vc = NULL, *gc = NULL;
  anova_result r;
  char b[6][48];

  rc = stats_cli_allow(c, "value,group,levels,ref");
  if (!rc) rc = stats_opt_req(&c->opts, "value", &vc, c->err);
  if (!rc) rc = stats_opt_req(&c->opts, "group", &gc, c->err);
  if (rc) goto cleanup;
  stats_colspec spec[] = {{vc, FRAME_SEL_NUMERIC}, {gc, FRAME_SEL_FACTOR}};
  rc = stats_cli_frame(c, spec, 2, &f);
  if (rc) goto cleanup;
  if (f.v[1].nlev < 2) {
    rc = avn_fail(c->err, AVN_E_DEGENERATE, gc, NULL,
                  "one-way ANOVA needs at least 2 groups, found %zu", f.v[1].nlev);
    goto cleanup;
  }
  stats_cli_center_exact(c, &f, 0);
  rc = anova_oneway(f.v[0].x, f.v[1].code, f.n, f.v[1].nlev, &r);
  if (rc == AVN_E_DEGENERATE) {
    rc = avn_fail(c->err, rc, vc, NULL,
                  f.n <= f.v[1].nlev
                      ? "needs more rows (%zu) than groups (%zu)"
                      : "no variation within groups (%zu rows, %zu groups): F is undefined",
                  f.n, f.v[1].nlev);
    goto cleanup;
  }
  if (rc) goto cleanup;
  stats_json_str(c->json, "method", "One-way analysis of variance");
  stats_json_int(c->json, "n", (long long)f.n);
  stats_json_int(c->json, "n_missing", (long long)f.n_missing);
  stats_json_int(c->json, "groups", (long long)r.k);
  stats_json_num(c->json, "statistic", r.statistic);
  stats_json_num(c->json, "df1", r.df1);
  stats_json_num(c->json, "df2", r.df2);
  stats_json_num(c->json, "p", r.p);
  stats_json_num(c->json, "ss_between", r.ss_between);
  stats_json_num(c->json, "ss_within", r.ss_within);
  stats_json_num(c->json, "ms_between", r.ms_between);
  stats_json_num(c->json, "ms_within", r.ms_within);
  stats_json_num(c->json, "eta_squared", r.eta_squared);
  rc = stats_text_printf(c,
                         "One-way ANOVA: %s by %s\n"
                         "            Df  Sum Sq  Mean Sq  F value  Pr(>F)\n"
                         "%-10s %4.0f  %s  %s  %s  %s\nResiduals  %4.0f  %s  %s\n",
                         vc, gc, gc, r.df1, stats_fmt_num(b[0], 48, r.ss_between, 5),
                         stats_fmt_num(b[1], 48, r.ms_between, 5),
                         stats_fmt_num(b[2], 48, r.statistic, 4), stats_fmt_p(b[3], 48, r.p, 3),
                         r.df2, stats_fmt_num(b[4], 48, r.ss_within, 5),
                         stats_fmt_num(b[5], 48, r.ms_within, 5));
cleanup:
  frame_sel_free(&f);
  return rc;
}
