/*
** stats_fisher.c: `avn stats fisher --x A --y B`: Fisher's exact test on
** the cross table of two categorical columns (R: fisher.test(table(A, B))).
** 2x2: p, conditional MLE odds ratio and exact CI, --alternative;
** r x c: the two-sided p by the network algorithm (Mehta & Patel 1983).
*/
#include <stdio.h>

#include <math.h>

#include "cli/stats_cli.h"
#include "core/mem.h"
#include "stats/ctable.h"

avn_rc stats_cli_fisher(stats_ctx *c) {
  avn_rc rc = AVN_OK;
  frame_sel f = {0};
  double *tab = NULL, conf = 0.95;
  const char *xc = NULL, *yc = NULL;
  stats_alt alt;
  ctable_fisher r = {0};
  char dn[300], alts[160];

  rc = stats_cli_allow(c, "x,y,levels,ref,factors,alternative,conf-level,alpha");
  if (!rc) rc = stats_opt_req(&c->opts, "x", &xc, c->err);
  if (!rc) rc = stats_opt_req(&c->opts, "y", &yc, c->err);
  if (!rc) rc = stats_cli_conf_level(c, &conf);
  if (!rc) rc = stats_cli_alternative(c, &alt);
  if (rc) goto cleanup;
  rc = stats_cli_factor_pair(c, xc, yc, &f);
  if (rc) goto cleanup;
  bool is22 = f.v[0].nlev == 2 && f.v[1].nlev == 2;
  if (!is22 && alt != STATS_TWO_SIDED) {
    rc = avn_fail(c->err, AVN_E_USAGE, "--alternative", stats_alt_name(alt),
                  "one-sided alternatives apply to 2x2 tables only");
    goto cleanup;
  }
  rc = stats_cli_crosstab(c, &f, &tab);
  if (rc) goto cleanup;
  rc = ctable_fisher_test(tab, f.v[0].nlev, f.v[1].nlev, (int)alt, conf, &r);
  if (rc == AVN_E_RANGE) {
    rc = avn_fail(c->err, rc, xc, NULL,
                  "the %zu x %zu table (n = %zu) is beyond the network algorithm's limits "
                  "(2000 levels on the longer side, 2e6 partial tables per stage, a few "
                  "seconds of work); use chisq",
                  f.v[0].nlev, f.v[1].nlev, f.n);
    goto cleanup;
  }
  if (rc) goto cleanup;
  snprintf(dn, sizeof dn, "%s by %s", xc, yc);
  const char *method = "Fisher's Exact Test for Count Data";
  stats_json_head(c, method, &f);
  stats_json_num(c->json, "p", r.p);
  stats_json_str(c->json, "alternative", stats_alt_name(alt));
  if (is22) {
    /* 0 and Inf are legitimate odds ratios here: say so instead of null */
    stats_json_num(c->json, "estimate", r.estimate);
    stats_json_num(c->json, "ci_low", r.ci_low);
    stats_json_num(c->json, "ci_high", r.ci_high);
    if (isinf(r.estimate)) stats_json_str(c->json, "estimate_note", "Inf");
    if (isinf(r.ci_high)) stats_json_str(c->json, "ci_high_note", "Inf");
    stats_json_num(c->json, "conf_level", conf);
  }
  rc = stats_cli_put_table(c, &f, "observed", tab);
  if (!rc)
    rc = stats_text_htest(c, &(stats_htest){
        .method = method, .data_name = dn, .df = NAN, .statistic = NAN, .p = r.p,
        .alternative = is22 ? stats_alt_sentence(alts, sizeof alts, "odds ratio", alt, 1.0)
                            : "two.sided",
        .conf_level = is22 ? conf : NAN, .ci_low = r.ci_low, .ci_high = r.ci_high,
        .estimate_name = is22 ? "odds ratio" : NULL, .estimate = is22 ? r.estimate : NAN});
cleanup:
  avn_free(tab);
  frame_sel_free(&f);
  return rc;
}
