/*
** stats_shapiro.c: `avn stats shapiro --col C` (swilk_test, Royston 1995).
** n must be 3..5000 after dropping missing cells; a constant column is
** refused, as R's shapiro.test does.
*/
#include <math.h>

#include "cli/stats_cli.h"
#include "stats/swilk.h"

avn_rc stats_cli_shapiro(stats_ctx *c) {
  avn_rc rc = AVN_OK;
  frame_sel f = {0};
  const char *col = NULL;
  swilk_result r;

  rc = stats_cli_allow(c, "col");
  if (rc) goto cleanup;
  rc = stats_opt_req(&c->opts, "col", &col, c->err);
  if (rc) goto cleanup;
  stats_colspec spec[] = {{col, FRAME_SEL_NUMERIC}};
  rc = stats_cli_frame(c, spec, 1, &f);
  if (rc) goto cleanup;
  rc = swilk_test(f.v[0].x, f.n, &r);
  if (rc == AVN_E_RANGE) {
    rc = avn_fail(c->err, AVN_E_DEGENERATE, col, NULL,
                  "Shapiro-Wilk needs 3 to 5000 non-missing values, found %zu", f.n);
    goto cleanup;
  }
  if (rc == AVN_E_DEGENERATE) {
    rc = avn_fail(c->err, rc, col, NULL, "all values are identical (constant column)");
    goto cleanup;
  }
  if (rc) goto cleanup;
  stats_json_str(c->json, "method", "Shapiro-Wilk normality test");
  stats_json_str(c->json, "column", col);
  stats_json_int(c->json, "n", (long long)f.n);
  stats_json_int(c->json, "n_missing", (long long)f.n_missing);
  stats_json_num(c->json, "statistic", r.w);
  stats_json_num(c->json, "p", r.p);
  rc = stats_text_htest(c, &(stats_htest){.method = "Shapiro-Wilk normality test",
                                          .data_name = col, .stat_name = "W",
                                          .statistic = r.w, .df = NAN, .p = r.p,
                                          .conf_level = NAN, .ci_low = NAN, .ci_high = NAN,
                                          .estimate = NAN});
cleanup:
  frame_sel_free(&f);
  return rc;
}
