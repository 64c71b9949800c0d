/*
** stats_kruskal.c: `avn stats kruskal --value V --group G`: the
** Kruskal-Wallis rank-sum test (R: kruskal.test(V ~ G)), from
** src/stats/kruskal.c (tie-corrected H, chi-square on k - 1 df).
*/
#include <math.h>
#include <stdio.h>

#include "cli/stats_cli.h"
#include "stats/kruskal.h"

avn_rc stats_cli_kruskal(stats_ctx *c) {
  avn_rc rc = AVN_OK;
  frame_sel f = {0};
  const char *vc = NULL, *gc = NULL;
  char dn[300];
  kruskal_result r;

  rc = stats_cli_value_by_group(c, "value,group,levels,ref", &f, &vc, &gc);
  if (rc) goto cleanup;
  rc = kruskal_test(f.v[0].x, f.v[1].code, f.n, f.v[1].nlev, &r);
  if (rc == AVN_E_DEGENERATE) {
    rc = avn_fail(c->err, rc, vc, NULL, "all %zu values are tied: H is undefined", f.n);
    goto cleanup;
  }
  if (rc) goto cleanup;
  snprintf(dn, sizeof dn, "%s by %s", vc, gc);
  const char *method = "Kruskal-Wallis rank sum test";
  stats_json_head(c, method, &f);
  stats_json_int(c->json, "groups", (long long)r.k);
  stats_json_num(c->json, "statistic", r.statistic);
  stats_json_num(c->json, "df", r.df);
  stats_json_num(c->json, "p", r.p);
  rc = stats_text_htest(c, &(stats_htest){.method = method, .data_name = dn,
                                          .stat_name = "Kruskal-Wallis chi-squared",
                                          .statistic = r.statistic, .df_name = "df", .df = r.df,
                                          .p = r.p, .conf_level = NAN, .ci_low = NAN,
                                          .ci_high = NAN, .estimate = NAN});
cleanup:
  frame_sel_free(&f);
  return rc;
}
