/*
** stats_logrank.c: `avn stats logrank --time T --event E --group G`: the
** log-rank test as R's survdiff(Surv(T, E) ~ G) (rho = 0; --rho R for the G-rho
** family, rho = 1 Peto & Peto, weights S(t-)^rho). JSON: statistic
** (chi-square), df, p, and "groups": [{group, n, observed, expected,
** oe2_e, oe2_v}] with (O-E)^2/E and (O-E)^2/V as survdiff prints them.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/stats_cli.h"
#include "cli/stats_covars.h"
#include "core/mem.h"
#include "stats/logrank.h"

avn_rc stats_cli_logrank(stats_ctx *c) {
  avn_rc rc = AVN_OK;
  stats_covars m = {0};
  logrank_result *r = NULL;
  int *ev = NULL;
  const char *tc = NULL, *ec = NULL, *gc = NULL;
  char b[6][48], meth[96];
  double rho = 0.0;

  rc = stats_cli_allow(c, "time,event,event-value,group,levels,ref,rho");
  if (!rc) rc = stats_opt_req(&c->opts, "time", &tc, c->err);
  if (!rc) rc = stats_opt_req(&c->opts, "event", &ec, c->err);
  if (!rc) rc = stats_opt_req(&c->opts, "group", &gc, c->err);
  if (!rc) rc = stats_opt_double(&c->opts, "rho", 0.0, 0.0, 1e6, &rho, c->err);
  if (rc) goto cleanup;
  stats_colspec roles[3] = {{tc, FRAME_SEL_NUMERIC}, {ec, FRAME_SEL_FACTOR}, {gc, FRAME_SEL_FACTOR}};
  rc = stats_covars_build(c, roles, 3, "covariates", false, &m);
  if (rc) goto cleanup;
  if (m.n < 2) {
    rc = avn_fail(c->err, AVN_E_DEGENERATE, tc, NULL, "too few complete rows (%zu)", m.n);
    goto cleanup;
  }
  rc = stats_covars_surv(c, &m.f, &ev);
  if (rc) goto cleanup;
  const frame_svar *g = &m.f.v[2];
  rc = logrank_test_rho(m.n, m.f.v[0].x, ev, g->code, g->nlev, rho, &r, c->err);
  if (rc) {
    /* the library names its roles generically: give the user's columns */
    stats_cli_role_field(c, "group", gc);
    stats_cli_role_field(c, "event", ec);
    goto cleanup;
  }
  if (rho == 0.0)
    snprintf(meth, sizeof meth, "Log-rank test (Mantel-Haenszel; survdiff rho = 0)");
  else
    snprintf(meth, sizeof meth, "G-rho test, rho = %g (Harrington-Fleming; survdiff rho = %g%s)",
             rho, rho, rho == 1.0 ? ": Peto & Peto" : "");
  stats_json_str(c->json, "method", meth);
  stats_json_num(c->json, "rho", rho);
  stats_json_int(c->json, "n", (long long)m.n);
  stats_json_int(c->json, "n_missing", (long long)m.f.n_missing);
  stats_json_num(c->json, "statistic", r->chisq);
  stats_json_int(c->json, "df", r->df);
  stats_json_num(c->json, "p", r->p);
  json_t *ga = stats_json_array(c->json, "groups");
  if (!ga) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  rc = stats_text_printf(c, "survdiff: Surv(%s, %s) ~ %s\n\n%-20s %6s %9s %9s %10s %10s\n", tc,
                         ec, gc, "", "N", "Observed", "Expected", "(O-E)^2/E", "(O-E)^2/V");
  for (size_t k = 0; !rc && k < r->ngroups; k++) {
    double oe = r->observed[k] - r->expected[k];
    double v = r->var[k * r->ngroups + k];
    json_t *o = json_object();
    if (!o || json_array_append_new(ga, o)) {
      rc = AVN_E_NOMEM;
      break;
    }
    stats_json_str(o, "group", g->levels[k]);
    stats_json_int(o, "n", (long long)r->n_group[k]);
    stats_json_num(o, "observed", r->observed[k]);
    stats_json_num(o, "expected", r->expected[k]);
    stats_json_num(o, "oe2_e", r->expected[k] > 0 ? oe * oe / r->expected[k] : NAN);
    stats_json_num(o, "oe2_v", v > 0 ? oe * oe / v : NAN);
    char lab[80];
    snprintf(lab, sizeof lab, "%s=%s", gc, g->levels[k]);
    rc = stats_text_printf(c, "%-20s %6zu %9s %9s %10s %10s\n", lab, r->n_group[k],
                           stats_fmt_num(b[0], 48, r->observed[k], 7),
                           stats_fmt_num(b[1], 48, r->expected[k], 4),
                           stats_fmt_num(b[2], 48, r->expected[k] > 0 ? oe * oe / r->expected[k]
                                                                      : NAN, 3),
                           stats_fmt_num(b[3], 48, v > 0 ? oe * oe / v : NAN, 3));
  }
  if (!rc)
    rc = stats_text_printf(c, "\n Chisq= %.1f  on %d degrees of freedom, p= %s\n", r->chisq,
                           r->df, stats_fmt_p(b[1], 48, r->p, 1)); /* as print.survdiff */
cleanup:
  avn_free(ev);
  logrank_free(r);
  stats_covars_free(&m);
  return rc;
}
