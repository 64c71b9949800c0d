/*
** stats_rm_anova.c: `avn stats rm-anova --value V --subject S --within W
** [--p-adjust bonferroni|holm]`: one-way repeated-measures ANOVA on long
** data. Subjects missing any level (after dropping rows with a missing
** cell) are dropped and counted in "n_subjects_dropped"; a subject with two
** rows for one level is refused. R: summary(aov(V ~ W + Error(S/W))),
** mauchly.test, anova.mlm(test = "Spherical"); pairs as
** pairwise.t.test(paired = TRUE) with p_adjusted per --p-adjust (default
** bonferroni) and both adjustments in every row.
*/
#include <math.h>
#include <stdio.h>

#include "cli/stats_cli.h"
#include "core/mem.h"
#include "stats/rmanova.h"

avn_rc stats_cli_rm_anova(stats_ctx *c) {
  avn_rc rc = AVN_OK;
  frame_sel f = {0};
  const char *vc = NULL, *sc = NULL, *wc = NULL;
  static const char *const adj[] = {"bonferroni", "holm", NULL};
  int ai = 0;
  double *wide = NULL, *keep = NULL;
  size_t ns, k, i, j, n = 0;
  rmanova_result r = {0};
  char b[8][48];

  rc = stats_cli_allow(c, "value,subject,within,levels,ref,p-adjust");
  if (!rc) rc = stats_opt_req(&c->opts, "value", &vc, c->err);
  if (!rc) rc = stats_opt_req(&c->opts, "subject", &sc, c->err);
  if (!rc) rc = stats_opt_req(&c->opts, "within", &wc, c->err);
  if (!rc) rc = stats_opt_choice(&c->opts, "p-adjust", adj, 0, &ai, c->err);
  if (rc) goto cleanup;
  stats_colspec spec[] = {{vc, FRAME_SEL_NUMERIC}, {sc, FRAME_SEL_FACTOR}, {wc, FRAME_SEL_FACTOR}};
  rc = stats_cli_frame(c, spec, 3, &f);
  if (rc) goto cleanup;
  ns = f.v[1].nlev;
  k = f.v[2].nlev;
  if (k < 2) {
    rc = avn_fail(c->err, AVN_E_DEGENERATE, wc, NULL,
                  "the within factor needs at least 2 levels, found %zu", k);
    goto cleanup;
  }
  wide = avn_malloc(ns * k * sizeof *wide + 1);
  keep = avn_malloc(ns * k * sizeof *keep + 1);
  if (!wide || !keep) {
    rc = avn_fail(c->err, AVN_E_NOMEM, NULL, NULL, "rm-anova");
    goto cleanup;
  }
  for (i = 0; i < ns * k; i++) wide[i] = NAN;
  for (i = 0; i < f.n; i++) {
    size_t s = (size_t)f.v[1].code[i], w = (size_t)f.v[2].code[i];
    if (!isnan(wide[s * k + w])) {
      rc = avn_fail(c->err, AVN_E_DEGENERATE, sc, f.v[1].levels[s],
                    "subject has more than one row for %s = %s (aggregate first)", wc,
                    f.v[2].levels[w]);
      goto cleanup;
    }
    wide[s * k + w] = f.v[0].x[i];
  }
  for (i = 0; i < ns; i++) {
    int ok = 1;
    for (j = 0; j < k; j++) ok &= !isnan(wide[i * k + j]);
    if (ok) {
      for (j = 0; j < k; j++) keep[n * k + j] = wide[i * k + j];
      n++;
    }
  }
  if (n < 2) {
    rc = avn_fail(c->err, AVN_E_DEGENERATE, sc, NULL,
                  "%zu subject(s) with every level of %s: at least 2 are needed", n, wc);
    goto cleanup;
  }
  rc = rmanova_fit(keep, n, k, vc, c->err, &r);
  if (rc) {
    stats_cli_role_field(c, "subject", sc);
    stats_cli_role_field(c, "within", wc);
    goto cleanup;
  }

  stats_json_str(c->json, "method", "Repeated-measures ANOVA (one within factor)");
  stats_json_int(c->json, "n", (long long)n);
  stats_json_int(c->json, "n_missing", (long long)f.n_missing);
  stats_json_int(c->json, "n_subjects_dropped", (long long)(ns - n));
  stats_json_int(c->json, "levels", (long long)k);
  stats_json_num(c->json, "statistic", r.f);
  stats_json_num(c->json, "df1", r.df1);
  stats_json_num(c->json, "df2", r.df2);
  stats_json_num(c->json, "p", r.p);
  stats_json_num(c->json, "ss_effect", r.ss_effect);
  stats_json_num(c->json, "ss_error", r.ss_error);
  stats_json_num(c->json, "partial_eta_sq", r.partial_eta_sq);
  if (r.mauchly_ok) {
    stats_json_num(c->json, "mauchly_w", r.mauchly_w);
    stats_json_num(c->json, "mauchly_p", r.mauchly_p);
  } else {
    json_object_set_new(c->json, "mauchly_w", json_null());
    json_object_set_new(c->json, "mauchly_p", json_null());
    stats_json_str(c->json, "mauchly_note", "fewer subjects than levels: W undefined");
  }
  stats_json_num(c->json, "gg_epsilon", r.gg_epsilon);
  stats_json_num(c->json, "hf_epsilon", r.hf_epsilon);
  stats_json_num(c->json, "p_gg", r.p_gg);
  stats_json_num(c->json, "p_hf", r.p_hf);
  stats_json_str(c->json, "p_adjust", adj[ai]);
  for (i = 0; i < r.n_pairs; i++) {
    const rmanova_pair *pr = &r.pairs[i];
    json_t *row;
    rc = stats_json_pair(c->json, f.v[2].levels[pr->a], f.v[2].levels[pr->b], pr->p,
                         ai == 0 ? pr->p_bonferroni : pr->p_holm);
    if (rc) goto cleanup;
    row = json_array_get(stats_json_array(c->json, "pairs"), i);
    stats_json_num(row, "estimate", pr->estimate);
    stats_json_num(row, "statistic", pr->t);
    stats_json_num(row, "df", pr->df);
    stats_json_num(row, "p_bonferroni", pr->p_bonferroni);
    stats_json_num(row, "p_holm", pr->p_holm);
  }
  rc = stats_text_printf(c, "Repeated-measures ANOVA: %s by %s within %s (%zu subjects, "
                            "%zu dropped as incomplete)\n\n"
                            "%-10s %6s %8s %12s %10s\n%-10s %6.0f %8.0f %12s %10s\n\n",
                         vc, wc, sc, n, ns - n, "", "num Df", "den Df", "F", "Pr(>F)", wc,
                         r.df1, r.df2, stats_fmt_num(b[0], 48, r.f, 5), stats_fmt_p(b[1], 48, r.p, 4));
  if (!rc)
    rc = stats_text_printf(c, "partial eta^2 = %s\nMauchly W = %s, p = %s\n"
                              "GG eps = %s, p[GG] = %s\nHF eps = %s, p[HF] = %s\n\n"
                              "Pairwise paired t tests (%s):\n",
                           stats_fmt_num(b[0], 48, r.partial_eta_sq, 4),
                           r.mauchly_ok ? stats_fmt_num(b[1], 48, r.mauchly_w, 5) : "NA",
                           r.mauchly_ok ? stats_fmt_p(b[2], 48, r.mauchly_p, 4) : "NA",
                           stats_fmt_num(b[3], 48, r.gg_epsilon, 4), stats_fmt_p(b[4], 48, r.p_gg, 4),
                           stats_fmt_num(b[5], 48, r.hf_epsilon, 4), stats_fmt_p(b[6], 48, r.p_hf, 4),
                           adj[ai]);
  for (i = 0; !rc && i < r.n_pairs; i++) {
    const rmanova_pair *pr = &r.pairs[i];
    rc = stats_text_printf(c, "  %s - %s: diff = %s, t = %s, p = %s, adjusted p = %s\n",
                           f.v[2].levels[pr->b], f.v[2].levels[pr->a],
                           stats_fmt_num(b[0], 48, pr->estimate, 5),
                           pr->ok ? stats_fmt_num(b[1], 48, pr->t, 4) : "NA",
                           pr->ok ? stats_fmt_p(b[2], 48, pr->p, 4) : "NA",
                           pr->ok ? stats_fmt_p(b[3], 48, ai == 0 ? pr->p_bonferroni : pr->p_holm, 4)
                                  : "NA (constant difference)");
  }
cleanup:
  rmanova_result_free(&r);
  avn_free(wide);
  avn_free(keep);
  frame_sel_free(&f);
  return rc;
}
