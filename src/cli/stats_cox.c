/*
** stats_cox.c: `avn stats cox --time T --event E --covariates a,b
** [--factors f] [--ref f=level] [--ties efron|breslow|exact] [--cluster ID]
** [--conf-level L]`: Cox proportional hazards as R's coxph(Surv(T, E) ~ a +
** b, ties = ..., cluster = ID). Coefficient rows: estimate = log hazard
** ratio, se = model SE, robust_se = Lin-Wei grouped-dfbeta SE (with
** --cluster, else null), statistic = z and p and ci_low/ci_high (of the
** log HR) on the robust SE when clustered (as summary.coxph), plus hr,
** hr_low, hr_high. Fit: loglik, loglik_null, lr/wald/score tests (model-
** based; robust_wald with --cluster), concordance and its se (as
** summary(coxph): survival's concordancefit, per cluster with --cluster),
** iterations. --strata S: separate baseline hazards per level of S (coxph's
** + strata(S)); the concordance then pairs rows within strata only.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/stats_cli.h"
#include "cli/stats_covars.h"
#include "core/mem.h"
#include "stats/cox.h"

static const char *const ties_names[] = {"efron", "breslow", "exact", NULL};

avn_rc stats_cli_cox(stats_ctx *c) {
  avn_rc rc = AVN_OK;
  stats_covars m = {0};
  cox_result *r = NULL;
  int *ev = NULL;
  const char *tc = NULL, *ec = NULL, *cc = NULL, *sc = NULL;
  int ties = 0;
  double conf;
  char b[8][48];

  rc = stats_cli_allow(c, "time,event,event-value,covariates,factors,ref,levels,ties,cluster,strata,"
                          "conf-level,alpha");
  if (!rc) rc = stats_opt_req(&c->opts, "time", &tc, c->err);
  if (!rc) rc = stats_opt_req(&c->opts, "event", &ec, c->err);
  if (!rc) rc = stats_opt_choice(&c->opts, "ties", ties_names, 0, &ties, c->err);
  if (!rc) rc = stats_cli_conf_level(c, &conf);
  if (rc) goto cleanup;
  cc = stats_opt(&c->opts, "cluster");
  sc = stats_opt(&c->opts, "strata");
  /* roles: time, event, then the optional cluster and strata columns */
  stats_colspec roles[4] = {{tc, FRAME_SEL_NUMERIC}, {ec, FRAME_SEL_FACTOR}};
  size_t nroles = 2, ci = 0, si = 0;
  if (cc) roles[ci = nroles++] = (stats_colspec){cc, FRAME_SEL_FACTOR};
  if (sc) roles[si = nroles++] = (stats_colspec){sc, FRAME_SEL_FACTOR};
  rc = stats_covars_build(c, roles, nroles, "covariates", true, &m);
  if (rc) goto cleanup;
  if (m.n < 2) {
    rc = avn_fail(c->err, AVN_E_DEGENERATE, tc, NULL, "too few complete rows (%zu)", m.n);
    goto cleanup;
  }
  rc = stats_covars_surv(c, &m.f, &ev);
  if (rc) goto cleanup;
  cox_opts o;
  cox_opts_default(&o);
  o.ties = ties == 2 ? COX_TIES_EXACT : ties == 1 ? COX_TIES_BRESLOW : COX_TIES_EFRON;
  o.conf_level = conf;
  const frame_svar *cl = cc ? &m.f.v[ci] : NULL, *st = sc ? &m.f.v[si] : NULL;
  if (st) {
    o.strata = st->code;
    o.nstrata = st->nlev;
  }
  /* X is not needed after the fit: the fit sorts it in place and frees it */
  double *X = m.X;
  m.X = NULL;
  rc = cox_fit_take(m.n, m.k, m.f.v[0].x, ev, X, (const char *const *)m.names,
                    cl ? cl->code : NULL, cl ? cl->nlev : 0, &o, &r, c->err);
  if (rc) {
    stats_cli_role_field(c, "event", ec);
    stats_cli_role_field(c, "time", tc);
    goto cleanup;
  }
  stats_json_str(c->json, "method", ties == 2   ? "Cox proportional hazards (exact ties)"
                                    : ties == 1 ? "Cox proportional hazards (Breslow ties)"
                                                : "Cox proportional hazards (Efron ties)");
  stats_json_str(c->json, "ties", ties_names[ties]);
  stats_json_int(c->json, "n", (long long)m.n);
  stats_json_int(c->json, "n_missing", (long long)m.f.n_missing);
  stats_json_int(c->json, "n_event", (long long)r->nevent);
  stats_json_str(c->json, "se_type",
                 cl ? "robust_se: Lin-Wei sandwich from dfbeta residuals summed per cluster "
                      "(coxph cluster = ...); z, p and CIs use it"
                    : "model-based (inverse information)");
  if (cl) stats_json_int(c->json, "n_clusters", (long long)cl->nlev);
  json_t *ca = NULL;
  for (size_t j = 0; j < r->p; j++) {
    stats_coef row = {m.names[j], r->beta[j], r->se[j], cl ? r->robust_se[j] : NAN, r->z[j],
                      r->p_value[j], log(r->hr_low[j]), log(r->hr_high[j])};
    rc = stats_json_coef(c->json, &row);
    if (rc) goto cleanup;
    ca = json_array_get(stats_json_array(c->json, "coefficients"), j);
    stats_json_num(ca, "hr", r->hr[j]);
    stats_json_num(ca, "hr_low", r->hr_low[j]);
    stats_json_num(ca, "hr_high", r->hr_high[j]);
  }
  stats_json_num(c->json, "loglik_null", r->loglik0);
  stats_json_num(c->json, "loglik", r->loglik);
  stats_json_num(c->json, "statistic", r->lr);
  stats_json_int(c->json, "df", r->df);
  stats_json_num(c->json, "p", r->lr_p);
  stats_json_num(c->json, "lr_statistic", r->lr);
  stats_json_num(c->json, "lr_p", r->lr_p);
  stats_json_num(c->json, "wald_statistic", r->wald);
  stats_json_num(c->json, "wald_p", r->wald_p);
  stats_json_num(c->json, "score_statistic", r->score);
  stats_json_num(c->json, "score_p", r->score_p);
  if (cl) {
    stats_json_num(c->json, "robust_wald_statistic", r->robust_wald);
    stats_json_num(c->json, "robust_wald_p", r->robust_wald_p);
  }
  stats_json_num(c->json, "concordance", r->concordance);
  stats_json_num(c->json, "concordance_se", r->concordance_se);
  if (st) {
    stats_json_str(c->json, "strata", sc);
    stats_json_int(c->json, "n_strata", (long long)st->nlev);
  }
  stats_json_int(c->json, "concordant", r->concordant);
  stats_json_int(c->json, "discordant", r->discordant);
  stats_json_int(c->json, "tied_risk", r->tied_x);
  stats_json_int(c->json, "tied_time", r->tied_y);
  stats_json_int(c->json, "iterations", r->iterations);
  stats_json_bool(c->json, "converged", r->converged != 0);

  rc = stats_text_printf(c, "coxph: Surv(%s, %s) ~ %s%s%s%s   (ties = %s%s%s)\n  n= %zu, number of "
                            "events= %zu%s\n\n%-16s %10s %10s %10s%s %8s %10s\n",
                         tc, ec, stats_opt(&c->opts, "covariates"), st ? " + strata(" : "",
                         st ? sc : "", st ? ")" : "", ties_names[ties],
                         cl ? ", cluster = " : "", cl ? cc : "", m.n, r->nevent,
                         m.f.n_missing ? " (rows with missing cells dropped)" : "", "", "coef",
                         "exp(coef)", "se(coef)", cl ? "  robust se" : "", "z", "Pr(>|z|)");
  for (size_t j = 0; !rc && j < r->p; j++) {
    char rs[64] = "";
    if (cl) snprintf(rs, sizeof rs, " %10s", stats_fmt_num(b[7], 48, r->robust_se[j], 4));
    rc = stats_text_printf(c, "%-16s %10s %10s %10s%s %8s %10s\n", m.names[j],
                           stats_fmt_num(b[0], 48, r->beta[j], 4),
                           stats_fmt_num(b[1], 48, r->hr[j], 4),
                           stats_fmt_num(b[2], 48, r->se[j], 4), rs,
                           stats_fmt_num(b[3], 48, r->z[j], 3),
                           stats_fmt_p(b[4], 48, r->p_value[j], 3));
  }
  if (!rc)
    rc = stats_text_printf(c, "\n%-16s %10s %10s %10s\n", "", "exp(coef)", "lower .95",
                           "upper .95");
  for (size_t j = 0; !rc && j < r->p; j++)
    rc = stats_text_printf(c, "%-16s %10s %10s %10s\n", m.names[j],
                           stats_fmt_num(b[0], 48, r->hr[j], 4),
                           stats_fmt_num(b[1], 48, r->hr_low[j], 4),
                           stats_fmt_num(b[2], 48, r->hr_high[j], 4));
  if (!rc)
    rc = stats_text_printf(
        c, "\nConcordance= %s  (se = %s )\nLikelihood ratio test= %s  on %d df,   p=%s\n"
           "Wald test            = %s  on %d df,   p=%s\nScore (logrank) test = %s  on %d "
           "df,   p=%s\n",
        stats_fmt_num(b[0], 48, r->concordance, 3), stats_fmt_num(b[7], 48, r->concordance_se, 3),
        stats_fmt_num(b[1], 48, r->lr, 4), r->df,
        stats_fmt_p(b[2], 48, r->lr_p, 4), stats_fmt_num(b[3], 48, r->wald, 4), r->df,
        stats_fmt_p(b[4], 48, r->wald_p, 4), stats_fmt_num(b[5], 48, r->score, 4), r->df,
        stats_fmt_p(b[6], 48, r->score_p, 4));
  if (!rc && cl)
    rc = stats_text_printf(c, "Robust Wald test     = %s  on %d df,   p=%s\n",
                           stats_fmt_num(b[0], 48, r->robust_wald, 4), r->df,
                           stats_fmt_p(b[1], 48, r->robust_wald_p, 4));
  if (!rc && !r->converged)
    rc = stats_text_printf(c, "\nWARNING: ran out of iterations and did not converge\n");
cleanup:
  avn_free(ev);
  cox_free(r);
  stats_covars_free(&m);
  return rc;
}
