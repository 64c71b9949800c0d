/*
** stats_km.c: `avn stats km --time T --event E [--group G]
** [--conf-type log|log-log|plain] [--conf-level L] [--at t1,t2]`:
** Kaplan-Meier curves as R's survfit(Surv(T, E) ~ G, conf.type = ...).
** JSON: "table" has one row per distinct time per stratum (event and
** censoring times, as the survfit object; std_err is the Greenwood SE of
** S(t), what summary.survfit prints; se_log the SE of -log S(t) on which
** the bands are built); "strata" gives n, events, median and its CI per
** curve (R's quantile rules); "at" the curve read at --at times.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/stats_cli.h"
#include "cli/stats_covars.h"
#include "core/mem.h"
#include "interop/csv_table.h"
#include "stats/km.h"

static const char *const conf_types[] = {"log", "log-log", "plain", NULL};

avn_rc stats_cli_km(stats_ctx *c) {
  avn_rc rc = AVN_OK;
  stats_covars m = {0};
  km_result *r = NULL;
  int *ev = NULL;
  char **at = NULL;
  double *atv = NULL;
  size_t nat = 0;
  const char *tc = NULL, *ec = NULL, *gc = NULL;
  int ct = 0;
  double conf;
  char b[8][48];

  rc = stats_cli_allow(c, "time,event,event-value,group,conf-type,conf-level,alpha,at,levels,ref");
  if (!rc) rc = stats_opt_req(&c->opts, "time", &tc, c->err);
  if (!rc) rc = stats_opt_req(&c->opts, "event", &ec, c->err);
  if (!rc) rc = stats_opt_choice(&c->opts, "conf-type", conf_types, 0, &ct, c->err);
  if (!rc) rc = stats_cli_conf_level(c, &conf);
  if (rc) goto cleanup;
  gc = stats_opt(&c->opts, "group");
  if (stats_opt(&c->opts, "at")) {
    rc = stats_split_list(stats_opt(&c->opts, "at"), &at, &nat);
    if (rc) goto cleanup;
  }
  if (nat) {
    atv = avn_calloc(nat, sizeof *atv);
    if (!atv) {
      rc = AVN_E_NOMEM;
      goto cleanup;
    }
    for (size_t i = 0; i < nat; i++)
      if (!csv_parse_double(at[i], &atv[i]) || atv[i] < 0) {
        rc = avn_fail(c->err, AVN_E_USAGE, "--at", at[i], "times must be numbers >= 0");
        goto cleanup;
      }
  }
  stats_colspec roles[3] = {{tc, FRAME_SEL_NUMERIC}, {ec, FRAME_SEL_FACTOR}, {gc, FRAME_SEL_FACTOR}};
  rc = stats_covars_build(c, roles, gc ? 3 : 2, "covariates", false, &m);
  if (!rc && m.ncov)
    rc = avn_fail(c->err, AVN_E_USAGE, "--covariates", NULL, "km takes no covariates");
  if (!rc && m.n == 0)
    rc = avn_fail(c->err, AVN_E_DEGENERATE, tc, NULL,
                  "no complete rows (every row misses %s, %s%s%s)", tc, ec, gc ? " or " : "",
                  gc ? gc : "");
  if (rc) goto cleanup;
  rc = stats_covars_surv(c, &m.f, &ev);
  if (rc) goto cleanup;
  const frame_svar *g = gc ? &m.f.v[2] : NULL;
  rc = km_fit(m.n, m.f.v[0].x, ev, g ? g->code : NULL, g ? g->nlev : 1, (km_conf_type)ct, conf,
              &r, c->err);
  if (rc) goto cleanup;

  stats_json_str(c->json, "method", "Kaplan-Meier (product-limit), Greenwood variance");
  stats_json_int(c->json, "n", (long long)m.n);
  stats_json_int(c->json, "n_missing", (long long)m.f.n_missing);
  size_t nev = 0;
  for (size_t s = 0; s < r->nstrata; s++) nev += r->strata[s].n_event;
  stats_json_int(c->json, "n_event", (long long)nev);
  stats_json_str(c->json, "conf_type", conf_types[ct]);
  stats_json_num(c->json, "conf_level", conf);
  stats_json_str(c->json, "std_err_type",
                 "std_err = Greenwood SE of S(t) (R summary.survfit std.err); se_log = SE "
                 "of -log S(t) (survfit object std.err, used for the bands)");
  if (r->nstrata == 1) {
    stats_json_num(c->json, "median", r->strata[0].median);
    stats_json_num(c->json, "median_lower", r->strata[0].median_lower);
    stats_json_num(c->json, "median_upper", r->strata[0].median_upper);
  }
  json_t *tab = stats_json_array(c->json, "table");
  for (size_t j = 0; j < r->nrows; j++) {
    stats_surv_row row = {r->time[j],   (double)r->n_risk[j], (double)r->n_event[j],
                          (double)r->n_censor[j], r->surv[j], r->std_err[j],
                          r->lower[j],  r->upper[j], g ? g->levels[r->stratum[j]] : NULL};
    rc = stats_json_surv(c->json, &row);
    if (rc) goto cleanup;
    stats_json_num(json_array_get(tab, j), "se_log", r->se_log[j]);
  }
  json_t *sa = stats_json_array(c->json, "strata");
  json_t *ata = nat ? stats_json_array(c->json, "at") : NULL;
  if (!sa || (nat && !ata)) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  rc = stats_text_printf(c, "Kaplan-Meier: Surv(%s, %s) ~ %s   (conf.type = %s, %s%%)\n\n"
                            "%-16s %6s %6s %8s %8s %8s\n",
                         tc, ec, gc ? gc : "1", conf_types[ct],
                         stats_fmt_num(b[0], 48, conf * 100, 4), "", "n", "events", "median",
                         "LCL", "UCL");
  for (size_t s = 0; !rc && s < r->nstrata; s++) {
    const km_stratum *st = &r->strata[s];
    json_t *o = json_object();
    if (!o || json_array_append_new(sa, o)) {
      rc = AVN_E_NOMEM;
      break;
    }
    if (g) stats_json_str(o, "strata", g->levels[s]);
    stats_json_int(o, "n", (long long)st->n);
    stats_json_int(o, "n_event", (long long)st->n_event);
    stats_json_num(o, "median", st->median);
    stats_json_num(o, "median_lower", st->median_lower);
    stats_json_num(o, "median_upper", st->median_upper);
    char lab[64];
    snprintf(lab, sizeof lab, "%s%s%s", g ? gc : "all", g ? "=" : "", g ? g->levels[s] : "");
    rc = stats_text_printf(c, "%-16s %6zu %6zu %8s %8s %8s\n", lab, st->n, st->n_event,
                           stats_fmt_num(b[0], 48, st->median, 4),
                           stats_fmt_num(b[1], 48, st->median_lower, 4),
                           stats_fmt_num(b[2], 48, st->median_upper, 4));
    for (size_t i = 0; !rc && i < nat; i++) {
      km_point pt;
      km_at(r, s, atv[i], &pt);
      json_t *p = json_object();
      if (!p || json_array_append_new(ata, p)) {
        rc = AVN_E_NOMEM;
        break;
      }
      if (g) stats_json_str(p, "strata", g->levels[s]);
      stats_json_num(p, "time", pt.time);
      stats_json_int(p, "n_risk", (long long)pt.n_risk);
      stats_json_num(p, "surv", pt.surv);
      stats_json_num(p, "std_err", pt.std_err);
      stats_json_num(p, "lower", pt.lower);
      stats_json_num(p, "upper", pt.upper);
    }
  }
  /* the event-time table, as summary(fit) */
  for (size_t s = 0; !rc && s < r->nstrata; s++) {
    const km_stratum *st = &r->strata[s];
    if (g) rc = stats_text_printf(c, "\n                %s=%s\n", gc, g->levels[s]);
    else rc = stats_text_printf(c, "\n");
    if (!rc)
      rc = stats_text_printf(c, "%8s %7s %7s %9s %9s %9s %9s\n", "time", "n.risk", "n.event",
                             "survival", "std.err", "lower", "upper");
    for (size_t k = 0; !rc && k < st->nrows; k++) {
      size_t j = st->first + k;
      if (!r->n_event[j]) continue;
      rc = stats_text_printf(c, "%8s %7zu %7zu %9s %9s %9s %9s\n",
                             stats_fmt_num(b[0], 48, r->time[j], 7), r->n_risk[j],
                             r->n_event[j], stats_fmt_num(b[1], 48, r->surv[j], 4),
                             stats_fmt_num(b[2], 48, r->std_err[j], 4),
                             stats_fmt_num(b[3], 48, r->lower[j], 4),
                             stats_fmt_num(b[4], 48, r->upper[j], 4));
    }
  }
  for (size_t s = 0; !rc && nat && s < r->nstrata; s++) {
    rc = stats_text_printf(c, "\nsurvival at --at times%s%s%s:\n", g ? " (" : "",
                           g ? g->levels[s] : "", g ? ")" : "");
    for (size_t i = 0; !rc && i < nat; i++) {
      km_point pt;
      km_at(r, s, atv[i], &pt);
      rc = stats_text_printf(c, "  t = %-8s n.risk %-6zu S = %-9s se %-9s [%s, %s]\n",
                             stats_fmt_num(b[0], 48, pt.time, 7), pt.n_risk,
                             stats_fmt_num(b[1], 48, pt.surv, 4),
                             stats_fmt_num(b[2], 48, pt.std_err, 4),
                             stats_fmt_num(b[3], 48, pt.lower, 4),
                             stats_fmt_num(b[4], 48, pt.upper, 4));
    }
  }
cleanup:
  avn_free(atv);
  avn_free(at);
  avn_free(ev);
  km_free(r);
  stats_covars_free(&m);
  return rc;
}
