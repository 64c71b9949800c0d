/*
** stats_icc.c: `avn stats icc (--x A --y B | --cols a,b,c) [--type
** agreement|consistency] [--unit single|average]`: two-way intraclass
** correlations (McGraw & Wong 1996; Shrout & Fleiss 1979), wide data, one
** row per target, one column per rater; rows with a missing rating are
** dropped. All four ICCs are in "icc"; estimate/ci_low/ci_high repeat the
** one --type/--unit select (default agreement, single = ICC(A,1)).
** statistic/df1/df2/p: F = MSR/MSE test of ICC = 0 (upper tail).
*/
#include <stdio.h>

#include "cli/stats_cli.h"
#include "core/mem.h"
#include "stats/agree.h"

avn_rc stats_cli_icc(stats_ctx *c) {
  avn_rc rc = AVN_OK;
  frame_sel f = {0};
  stats_colspec *spec = NULL;
  char **cols = NULL;
  size_t k = 0, i, j;
  const char *cs, *xc, *yc;
  static const char *const types[] = {"agreement", "consistency", NULL};
  static const char *const units[] = {"single", "average", NULL};
  int ti = 0, ui = 0;
  double conf, *m = NULL;
  agree_icc_result r;
  const agree_icc_value *sel;
  char b[8][48];

  rc = stats_cli_allow(c, "x,y,cols,type,unit,conf-level,alpha");
  if (!rc) rc = stats_opt_choice(&c->opts, "type", types, 0, &ti, c->err);
  if (!rc) rc = stats_opt_choice(&c->opts, "unit", units, 0, &ui, c->err);
  if (!rc) rc = stats_cli_conf_level(c, &conf);
  if (rc) goto cleanup;
  cs = stats_opt(&c->opts, "cols");
  xc = stats_opt(&c->opts, "x");
  yc = stats_opt(&c->opts, "y");
  if (cs) {
    rc = stats_split_list(cs, &cols, &k);
    if (rc) goto cleanup;
  } else if (!xc || !yc) {
    rc = avn_fail(c->err, AVN_E_USAGE, "--cols", NULL, "give --x and --y, or --cols a,b,c");
    goto cleanup;
  } else
    k = 2;
  if (k < 2) {
    rc = avn_fail(c->err, AVN_E_USAGE, "--cols", cs, "at least 2 rater columns are needed");
    goto cleanup;
  }
  spec = avn_calloc(k, sizeof *spec);
  if (!spec) {
    rc = avn_fail(c->err, AVN_E_NOMEM, NULL, NULL, "icc");
    goto cleanup;
  }
  for (j = 0; j < k; j++)
    spec[j] = (stats_colspec){cols ? cols[j] : (j ? yc : xc), FRAME_SEL_NUMERIC};
  rc = stats_cli_frame(c, spec, k, &f);
  if (rc) goto cleanup;
  if (f.n < 2) {
    rc = avn_fail(c->err, AVN_E_DEGENERATE, spec[0].name, NULL,
                  "ICC needs at least 2 rows with every rating, found %zu", f.n);
    goto cleanup;
  }
  m = avn_calloc(f.n * k, sizeof *m);
  if (!m) {
    rc = avn_fail(c->err, AVN_E_NOMEM, NULL, NULL, "icc");
    goto cleanup;
  }
  for (i = 0; i < f.n; i++)
    for (j = 0; j < k; j++) m[i * k + j] = f.v[j].x[i];
  rc = agree_icc(m, f.n, k, conf, c->err, &r);
  if (rc) {
    if (rc == AVN_E_DEGENERATE)
      snprintf(c->err->field, sizeof c->err->field, "%s", cs ? cs : spec[0].name);
    goto cleanup;
  }
  sel = ti == 0 ? (ui == 0 ? &r.a1 : &r.ak) : (ui == 0 ? &r.c1 : &r.ck);
  stats_json_str(c->json, "method", "Intraclass correlation, two-way model (McGraw & Wong 1996)");
  stats_json_str(c->json, "type", types[ti]);
  stats_json_str(c->json, "unit", units[ui]);
  stats_json_int(c->json, "n", (long long)f.n);
  stats_json_int(c->json, "n_missing", (long long)f.n_missing);
  stats_json_int(c->json, "raters", (long long)k);
  stats_json_num(c->json, "estimate", sel->icc);
  stats_json_num(c->json, "ci_low", sel->ci_low);
  stats_json_num(c->json, "ci_high", sel->ci_high);
  stats_json_num(c->json, "statistic", r.f);
  stats_json_num(c->json, "df1", r.df1);
  stats_json_num(c->json, "df2", r.df2);
  stats_json_num(c->json, "p", r.p);
  stats_json_num(c->json, "ms_rows", r.ms_rows);
  stats_json_num(c->json, "ms_cols", r.ms_cols);
  stats_json_num(c->json, "ms_error", r.ms_error);
  {
    const char *nm[4] = {"ICC(A,1)", "ICC(C,1)", "ICC(A,k)", "ICC(C,k)"};
    const agree_icc_value *v[4] = {&r.a1, &r.c1, &r.ak, &r.ck};
    json_t *a = json_array();
    for (j = 0; a && j < 4; j++) {
      json_t *o = json_object();
      if (!o) break;
      stats_json_str(o, "type", nm[j]);
      stats_json_num(o, "estimate", v[j]->icc);
      stats_json_num(o, "ci_low", v[j]->ci_low);
      stats_json_num(o, "ci_high", v[j]->ci_high);
      json_array_append_new(a, o);
    }
    if (a) json_object_set_new(c->json, "icc", a);
    rc = stats_text_printf(c, " Intraclass correlations, two-way model, %zu subjects, %zu raters\n"
                              " F(%g, %g) = %s, p-value = %s\n\n",
                           f.n, k, r.df1, r.df2, stats_fmt_num(b[0], 48, r.f, 4),
                           stats_fmt_p(b[1], 48, r.p, 3));
    for (j = 0; !rc && j < 4; j++)
      rc = stats_text_printf(c, " %-9s %s  %g%% CI %s to %s\n", nm[j],
                             stats_fmt_num(b[0], 48, v[j]->icc, 4), 100. * conf,
                             stats_fmt_num(b[1], 48, v[j]->ci_low, 4),
                             stats_fmt_num(b[2], 48, v[j]->ci_high, 4));
  }
cleanup:
  avn_free(m);
  avn_free(spec);
  avn_free(cols);
  frame_sel_free(&f);
  return rc;
}
