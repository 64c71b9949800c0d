/*
** stats_wilcoxon.c: `avn stats wilcoxon --x A --y B` (signed rank on the
** pairs, d = y - x; R: wilcox.test(y, x, paired = TRUE)), or --col C [--mu M]
** (one sample). --exact yes|no|auto (auto: exact when n < 50 and no ties or
** zeros, as R), --no-correct. `method` says which computation was used.
** The Hodges-Lehmann pseudo-median and its CI are not computed.
*/
#include <stdio.h>

#include <math.h>

#include "cli/stats_cli.h"
#include "core/mem.h"
#include "stats/wilcoxon.h"

static const char *const exact_words[] = {"auto", "yes", "no", NULL};

avn_rc stats_cli_wilcoxon(stats_ctx *c) {
  avn_rc rc = AVN_OK;
  frame_sel f = {0};
  double *d = NULL, mu = 0.0, conf = 0.95;
  wilcoxon_hl hl = {.estimate = NAN, .ci_low = NAN, .ci_high = NAN, .conf_level = NAN};
  const char *xc = NULL, *yc = NULL, *col = NULL;
  stats_alt alt;
  int ex = 0;
  wilcoxon_result r;
  char dn[300], alts[160], method[160];

  rc = stats_cli_allow(c, "x,y,col,mu,exact,no-correct,alternative,conf-level,alpha,conf-int");
  if (!rc) rc = stats_cli_alternative(c, &alt);
  if (!rc) rc = stats_opt_choice(&c->opts, "exact", exact_words, 0, &ex, c->err);
  if (!rc) rc = stats_opt_double(&c->opts, "mu", 0.0, -INFINITY, INFINITY, &mu, c->err);
  if (!rc) rc = stats_cli_conf_level(c, &conf);
  if (rc) goto cleanup;
  col = stats_opt(&c->opts, "col");
  if (col) {
    stats_colspec spec[] = {{col, FRAME_SEL_NUMERIC}};
    rc = stats_cli_frame(c, spec, 1, &f);
    if (rc) goto cleanup;
    d = avn_malloc((f.n ? f.n : 1) * sizeof *d);
    if (!d) goto nomem;
    for (size_t i = 0; i < f.n; i++) d[i] = f.v[0].x[i];
    snprintf(dn, sizeof dn, "%s", col);
  } else {
    rc = stats_opt_req(&c->opts, "x", &xc, c->err);
    if (!rc) rc = stats_opt_req(&c->opts, "y", &yc, c->err);
    if (rc) goto cleanup;
    stats_colspec spec[] = {{xc, FRAME_SEL_NUMERIC}, {yc, FRAME_SEL_NUMERIC}};
    rc = stats_cli_frame(c, spec, 2, &f);
    if (rc) goto cleanup;
    d = avn_malloc((f.n ? f.n : 1) * sizeof *d);
    if (!d) goto nomem;
    for (size_t i = 0; i < f.n; i++) d[i] = f.v[1].x[i] - f.v[0].x[i];
    snprintf(dn, sizeof dn, "%s - %s", yc, xc);
  }
  bool correct = !stats_has(&c->opts, "no-correct");
  rc = wilcoxon_signed_rank(d, f.n, mu, ex, correct, (int)alt, &r);
  if (rc == AVN_E_DEGENERATE) {
    rc = avn_fail(c->err, rc, dn, NULL,
                  "no non-zero difference among %zu complete values: the test is undefined", f.n);
    goto cleanup;
  }
  if (rc == AVN_E_RANGE) {
    rc = avn_fail(c->err, AVN_E_USAGE, "--exact", "yes", "n = %zu is too large for the exact distribution",
                  r.n);
    goto cleanup;
  }
  if (rc) goto cleanup;
  snprintf(method, sizeof method, "Wilcoxon signed rank %s%s",
           r.exact ? "exact test" : "test", (!r.exact && r.correct) ? " with continuity correction" : "");
  stats_json_str(c->json, "method", method);
  stats_json_str(c->json, "data", dn);
  stats_json_int(c->json, "n", (long long)f.n);
  stats_json_int(c->json, "n_missing", (long long)f.n_missing);
  stats_json_int(c->json, "n_zero", (long long)r.n_zero);
  stats_json_int(c->json, "n_used", (long long)r.n);
  stats_json_bool(c->json, "ties", r.ties);
  stats_json_bool(c->json, "exact", r.exact);
  stats_json_bool(c->json, "correct", r.correct);
  stats_json_num(c->json, "statistic", r.statistic);
  stats_json_num(c->json, "p", r.p);
  stats_json_num(c->json, "mu", mu);
  stats_json_str(c->json, "alternative", stats_alt_name(alt));
  if (stats_has(&c->opts, "conf-int")) {
    rc = wilcoxon_hl_signed(d, f.n, mu, r.exact, correct, (int)alt, conf, &hl);
    rc = stats_cli_put_hl(c, rc, dn, &hl, "(pseudo)median");
    if (rc) goto cleanup;
  }
  if (ex == 1 && !r.exact)
    stats_json_str(c->json, "warning", r.ties ? "cannot compute exact p-value with ties"
                                              : "cannot compute exact p-value with zeroes");
  rc = stats_text_htest(c, &(stats_htest){
      .method = method, .data_name = dn, .stat_name = "V", .statistic = r.statistic,
      .df = NAN, .p = r.p, .alternative = stats_alt_sentence(alts, sizeof alts, "location shift", alt, mu),
      .conf_level = hl.conf_level, .ci_low = hl.ci_low, .ci_high = hl.ci_high,
      .estimate_name = stats_has(&c->opts, "conf-int") ? "(pseudo)median" : NULL, .estimate = hl.estimate});
  goto cleanup;
nomem:
  rc = avn_fail(c->err, AVN_E_NOMEM, NULL, NULL, "out of memory");
cleanup:
  avn_free(d);
  frame_sel_free(&f);
  return rc;
}
