/*
** stats_anova2.c: `avn stats anova2 --value V --factors A,B
** [--no-interaction]`: two-way (factorial) ANOVA with sequential (type I)
** sums of squares in the order listed, as R's anova(lm(V ~ A * B)) (or
** V ~ A + B). --levels col=... and --ref col=level apply to either factor.
*/
#include <stdio.h>
#include <string.h>

#include "cli/stats_cli.h"
#include "core/mem.h"
#include "stats/anova.h"

avn_rc stats_cli_anova2(stats_ctx *c) {
  avn_rc rc = AVN_OK;
  frame_sel f = {0};
  const char *vc = NULL, *fl = NULL;
  char **fac = NULL, b[5][48], term[300];
  size_t nf = 0;
  anova_twoway_result r;

  rc = stats_cli_allow(c, "value,factors,levels,ref,no-interaction");
  if (!rc) rc = stats_opt_req(&c->opts, "value", &vc, c->err);
  if (!rc) rc = stats_opt_req(&c->opts, "factors", &fl, c->err);
  if (!rc) rc = stats_split_list(fl, &fac, &nf);
  if (!rc && nf != 2)
    rc = avn_fail(c->err, AVN_E_USAGE, "--factors", fl, "expected two columns: --factors A,B");
  if (!rc && !strcmp(fac[0], fac[1]))
    rc = avn_fail(c->err, AVN_E_USAGE, "--factors", fl, "the two factors must be different columns");
  if (rc) goto cleanup;
  stats_colspec spec[] = {{vc, FRAME_SEL_NUMERIC}, {fac[0], FRAME_SEL_FACTOR}, {fac[1], FRAME_SEL_FACTOR}};
  rc = stats_cli_frame(c, spec, 3, &f);
  if (rc) goto cleanup;
  for (size_t j = 1; j <= 2; j++)
    if (f.v[j].nlev < 2) {
      rc = avn_fail(c->err, AVN_E_DEGENERATE, f.v[j].name, NULL,
                    "needs at least 2 levels among complete rows, found %zu", f.v[j].nlev);
      goto cleanup;
    }
  bool inter = !stats_has(&c->opts, "no-interaction");
  const frame_svar *A = &f.v[1], *B = &f.v[2];
  rc = anova_twoway(f.n, f.v[0].x, A->code, A->nlev, B->code, B->nlev, inter, &r, c->err);
  if (rc == AVN_E_DEGENERATE) {
    rc = avn_fail(c->err, rc, vc, NULL,
                  "the two-way model cannot be fitted: every %s x %s cell needs a row (with "
                  "the interaction; first empty: %s, %s), the rows must outnumber the "
                  "parameters, and the residuals must vary",
                  fac[0], fac[1], A->levels[r.empty_a], B->levels[r.empty_b]);
    goto cleanup;
  }
  if (rc) goto cleanup;
  stats_json_head(c, inter ? "Two-way ANOVA with interaction (type I SS)"
                          : "Two-way ANOVA, additive (type I SS)", &f);
  json_t *tab = stats_json_array(c->json, "terms");
  rc = stats_text_printf(c, "Analysis of Variance Table\n\nResponse: %s\n%-16s %4s %12s %12s %10s %10s\n",
                         vc, "", "Df", "Sum Sq", "Mean Sq", "F value", "Pr(>F)");
  for (size_t t = 0; !rc && t <= r.nterms; t++) {
    bool res = t == r.nterms;
    if (t == 0) snprintf(term, sizeof term, "%s", fac[0]);
    else if (t == 1) snprintf(term, sizeof term, "%s", fac[1]);
    else if (!res) snprintf(term, sizeof term, "%s:%s", fac[0], fac[1]);
    else snprintf(term, sizeof term, "Residuals");
    json_t *o = json_object();
    if (!tab || !o || json_array_append_new(tab, o)) {
      rc = AVN_E_NOMEM;
      break;
    }
    stats_json_str(o, "term", term);
    stats_json_num(o, "df", res ? r.df_resid : r.df[t]);
    stats_json_num(o, "ss", res ? r.ss_resid : r.ss[t]);
    stats_json_num(o, "ms", res ? r.ms_resid : r.ms[t]);
    if (!res) {
      stats_json_num(o, "statistic", r.statistic[t]);
      stats_json_num(o, "p", r.p[t]);
    }
    rc = stats_text_printf(c, "%-16.16s %4.0f %12s %12s %10s %10s\n", term,
                           res ? r.df_resid : r.df[t],
                           stats_fmt_num(b[0], 48, res ? r.ss_resid : r.ss[t], 5),
                           stats_fmt_num(b[1], 48, res ? r.ms_resid : r.ms[t], 5),
                           res ? "" : stats_fmt_num(b[2], 48, r.statistic[t], 4),
                           res ? "" : stats_fmt_p(b[3], 48, r.p[t], 4));
  }
cleanup:
  avn_free(fac);
  frame_sel_free(&f);
  return rc;
}
