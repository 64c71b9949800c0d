/*
** stats_chisq.c: `avn stats chisq --x A --y B [--no-yates]`: Pearson's
** chi-square test on the cross table of two categorical columns (R:
** chisq.test(table(A, B)), Yates' correction for a 2x2 table unless
** --no-yates). Reports the expected counts and a "warning" when one is < 5
** (R: "Chi-squared approximation may be incorrect").
*/
#include <stdio.h>

#include <math.h>

#include "cli/stats_cli.h"
#include "core/mem.h"
#include "stats/ctable.h"

avn_rc stats_cli_chisq(stats_ctx *c) {
  avn_rc rc = AVN_OK;
  frame_sel f = {0};
  double *tab = NULL;
  const char *xc = NULL, *yc = NULL;
  ctable_chisq r = {0};
  char dn[300], method[128];

  rc = stats_cli_allow(c, "x,y,no-yates,levels,ref,factors");
  if (!rc) rc = stats_opt_req(&c->opts, "x", &xc, c->err);
  if (!rc) rc = stats_opt_req(&c->opts, "y", &yc, c->err);
  if (rc) goto cleanup;
  rc = stats_cli_factor_pair(c, xc, yc, &f);
  if (rc) goto cleanup;
  rc = stats_cli_crosstab(c, &f, &tab);
  if (rc) goto cleanup;
  rc = ctable_chisq_test(tab, f.v[0].nlev, f.v[1].nlev, !stats_has(&c->opts, "no-yates"), &r);
  if (rc) goto cleanup;
  snprintf(method, sizeof method, "Pearson's Chi-squared test%s",
           r.yates ? " with Yates' continuity correction" : "");
  snprintf(dn, sizeof dn, "%s by %s", xc, yc);
  stats_json_str(c->json, "method", method);
  stats_json_int(c->json, "n", (long long)f.n);
  stats_json_int(c->json, "n_missing", (long long)f.n_missing);
  stats_json_num(c->json, "statistic", r.statistic);
  stats_json_num(c->json, "df", r.df);
  stats_json_num(c->json, "p", r.p);
  stats_json_bool(c->json, "yates", r.yates);
  stats_json_num(c->json, "min_expected", r.min_expected);
  if (r.min_expected < 5)
    stats_json_str(c->json, "warning", "Chi-squared approximation may be incorrect (an expected count is below 5)");
  rc = stats_cli_put_table(c, &f, "observed", tab);
  if (!rc) rc = stats_cli_put_table(c, &f, "expected", r.expected);
  if (!rc)
    rc = stats_text_htest(c, &(stats_htest){.method = method, .data_name = dn,
                                            .stat_name = "X-squared", .statistic = r.statistic,
                                            .df_name = "df", .df = r.df, .p = r.p,
                                            .conf_level = NAN, .ci_low = NAN, .ci_high = NAN,
                                            .estimate = NAN});
  if (!rc && r.min_expected < 5)
    rc = stats_text_printf(c, "Warning: Chi-squared approximation may be incorrect\n");
cleanup:
  avn_free(r.expected);
  avn_free(tab);
  frame_sel_free(&f);
  return rc;
}
