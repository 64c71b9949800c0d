/*
** stats_kappa.c: `avn stats kappa --x A --y B [--weights
** none|linear|quadratic] [--levels l1,l2,...]`: Cohen's kappa between two
** raters' categorical reads (Cohen 1960/1968; SE of Fleiss, Cohen & Everitt
** 1969). Categories are the union of both columns' values, in numeric order
** if all are numbers, else strcmp order, or as --levels lists them (the
** order matters for the weighted kappas). Rows with a missing read are
** dropped (n_missing).
*/
#include <stdlib.h>
#include <string.h>

#include "cli/stats_cli.h"
#include "core/mem.h"
#include "interop/csv_table.h"
#include "stats/agree.h"

static int cmp_level(const void *a, const void *b) {
  const char *x = *(const char *const *)a, *y = *(const char *const *)b;
  double u, v;
  if (csv_parse_double(x, &u) && csv_parse_double(y, &v)) return (u > v) - (u < v);
  return strcmp(x, y);
}

avn_rc stats_cli_kappa(stats_ctx *c) {
  avn_rc rc = AVN_OK;
  frame_sel f = {0};
  stats_ctx cc = *c;
  stats_optval *ov = NULL;
  const char *xc = NULL, *yc = NULL, *ls = NULL;
  static const char *const wts[] = {"none", "linear", "quadratic", NULL};
  int wi = 0, *x = NULL, *y = NULL, mixed = 0;
  const char **lev = NULL;
  char **given = NULL;
  size_t nl = 0, ng = 0, i, j, o;
  double conf;
  agree_kappa_result r;
  char b[8][48];

  rc = stats_cli_allow(c, "x,y,weights,levels,conf-level,alpha");
  if (!rc) rc = stats_opt_req(&c->opts, "x", &xc, c->err);
  if (!rc) rc = stats_opt_req(&c->opts, "y", &yc, c->err);
  if (!rc) rc = stats_opt_choice(&c->opts, "weights", wts, 0, &wi, c->err);
  if (!rc) rc = stats_cli_conf_level(c, &conf);
  if (rc) goto cleanup;
  /* --levels is about the shared category list: hide it from the frame. */
  ls = stats_opt(&c->opts, "levels");
  ov = avn_calloc(c->opts.n + 1, sizeof *ov);
  if (!ov) {
    rc = avn_fail(c->err, AVN_E_NOMEM, NULL, NULL, "kappa");
    goto cleanup;
  }
  for (i = 0, o = 0; i < c->opts.n; i++)
    if (strcmp(c->opts.v[i].name, "levels") != 0) ov[o++] = c->opts.v[i];
  cc.opts.v = ov;
  cc.opts.n = o;
  stats_colspec spec[] = {{xc, FRAME_SEL_FACTOR}, {yc, FRAME_SEL_FACTOR}};
  rc = stats_cli_frame(&cc, spec, 2, &f);
  if (rc) goto cleanup;
  if (f.n < 2) {
    rc = avn_fail(c->err, AVN_E_DEGENERATE, xc, NULL,
                  "kappa needs at least 2 rows with both reads, found %zu", f.n);
    goto cleanup;
  }
  lev = avn_calloc(f.v[0].nlev + f.v[1].nlev + 1, sizeof *lev);
  x = avn_calloc(f.n, sizeof *x);
  y = avn_calloc(f.n, sizeof *y);
  if (!lev || !x || !y) {
    rc = avn_fail(c->err, AVN_E_NOMEM, NULL, NULL, "kappa");
    goto cleanup;
  }
  if (ls) {
    rc = stats_split_list(ls, &given, &ng);
    if (rc) goto cleanup;
    for (i = 0; i < ng; i++) lev[nl++] = given[i];
  } else {
    for (j = 0; j < 2; j++)
      for (i = 0; i < f.v[j].nlev; i++) lev[nl++] = f.v[j].levels[i];
    qsort(lev, nl, sizeof *lev, cmp_level);
    for (i = 0, o = 0; i < nl; i++)
      if (o == 0 || strcmp(lev[o - 1], lev[i]) != 0) lev[o++] = lev[i];
    nl = o;
  }
  (void)mixed;
  for (j = 0; j < 2; j++) {
    int *dst = j ? y : x;
    int *map = avn_calloc(f.v[j].nlev + 1, sizeof *map);
    if (!map) {
      rc = avn_fail(c->err, AVN_E_NOMEM, NULL, NULL, "kappa");
      goto cleanup;
    }
    for (i = 0; i < f.v[j].nlev; i++) {
      map[i] = -1;
      for (o = 0; o < nl; o++)
        if (strcmp(f.v[j].levels[i], lev[o]) == 0) map[i] = (int)o;
      if (map[i] < 0) {
        rc = avn_fail(c->err, AVN_E_UNKNOWN, f.v[j].name, f.v[j].levels[i],
                      "category not listed in --levels");
        avn_free(map);
        goto cleanup;
      }
    }
    for (i = 0; i < f.n; i++) dst[i] = map[f.v[j].code[i]];
    avn_free(map);
  }
  if (nl < 2) {
    rc = avn_fail(c->err, AVN_E_DEGENERATE, xc, lev[0],
                  "both raters used a single category: kappa is undefined");
    goto cleanup;
  }
  rc = agree_kappa(x, y, f.n, (int)nl, (agree_weights)wi, conf, c->err, &r);
  if (rc) {
    stats_cli_role_field(c, "x", xc);
    stats_cli_role_field(c, "y", yc);
    goto cleanup;
  }
  stats_json_str(c->json, "method", wi == 0 ? "Cohen's kappa (unweighted)"
                                    : wi == 1 ? "Cohen's weighted kappa (linear weights)"
                                              : "Cohen's weighted kappa (quadratic weights)");
  stats_json_str(c->json, "weights", wts[wi]);
  stats_json_int(c->json, "n", (long long)f.n);
  stats_json_int(c->json, "n_missing", (long long)f.n_missing);
  stats_json_int(c->json, "categories", (long long)nl);
  stats_json_num(c->json, "estimate", r.kappa);
  stats_json_num(c->json, "se", r.se);
  stats_json_num(c->json, "se0", r.se0);
  stats_json_num(c->json, "statistic", r.z);
  stats_json_num(c->json, "p", r.p);
  stats_json_num(c->json, "ci_low", r.ci_low);
  stats_json_num(c->json, "ci_high", r.ci_high);
  stats_json_num(c->json, "po", r.po);
  stats_json_num(c->json, "pe", r.pe);
  {
    json_t *a = json_array();
    for (i = 0; a && i < nl; i++) json_array_append_new(a, json_string(lev[i]));
    if (a) json_object_set_new(c->json, "levels", a);
  }
  rc = stats_text_printf(c, " %s\n\n Subjects = %zu\n   Raters = 2\n    Kappa = %s\n\n"
                            "        z = %s\n  p-value = %s\n  SE = %s, %g%% CI %s to %s\n",
                         wi == 0 ? "Cohen's Kappa for 2 Raters (Weights: unweighted)"
                         : wi == 1 ? "Cohen's Kappa for 2 Raters (Weights: equal)"
                                   : "Cohen's Kappa for 2 Raters (Weights: squared)",
                         f.n, stats_fmt_num(b[0], 48, r.kappa, 3), stats_fmt_num(b[1], 48, r.z, 3),
                         stats_fmt_p(b[2], 48, r.p, 3), stats_fmt_num(b[3], 48, r.se, 4),
                         100. * conf, stats_fmt_num(b[4], 48, r.ci_low, 4),
                         stats_fmt_num(b[5], 48, r.ci_high, 4));
cleanup:
  avn_free(given);
  avn_free(lev);
  avn_free(x);
  avn_free(y);
  avn_free(ov);
  frame_sel_free(&f);
  return rc;
}
