/*
** stats_power.c: `avn stats power` (no --data):
**   --design paired|two-sample --delta D --sd S [--alpha A]
**     (--power P | --n N) [--dropout F]
**   --design logrank --hr H [--alpha A] [--power P] [--alloc 0.5] [--p-event P]
** t designs: pwr::pwr.t.test (two-sided, noncentral t); n is unrounded
** (pairs, or per group for two-sample), n_ceiling = ceil(n),
** n_with_dropout = ceil(n_ceiling / (1 - dropout)). Log-rank: Schoenfeld
** (1983) events, n = events / p_event (total over both arms).
*/
#include <math.h>
#include <stdio.h>

#include "cli/stats_cli.h"
#include "stats/power.h"

/* --design two-prop: R's power.prop.test. */
static avn_rc power_cli_prop(stats_ctx *c, double alpha) {
  static const char *const alts[] = {"two.sided", "one.sided", NULL};
  int alt = 0;
  double p1, p2, pw, n, nc, nd, drop;
  char b[6][48];
  int have_n = stats_has(&c->opts, "n"), have_p = stats_has(&c->opts, "power");
  bool strict = stats_has(&c->opts, "strict");
  avn_rc rc = stats_opt_double(&c->opts, "p1", NAN, 0., 1., &p1, c->err);
  if (!rc) rc = stats_opt_double(&c->opts, "p2", NAN, 0., 1., &p2, c->err);
  if (!rc) rc = stats_opt_choice(&c->opts, "alternative", alts, 0, &alt, c->err);
  if (!rc) rc = stats_opt_double(&c->opts, "dropout", 0., 0., 0.999999, &drop, c->err);
  if (rc) return rc;
  if (isnan(p1) || isnan(p2))
    return avn_fail(c->err, AVN_E_USAGE, isnan(p1) ? "--p1" : "--p2", NULL,
                    "the two-prop design needs --p1 and --p2");
  if (have_n == have_p)
    return avn_fail(c->err, AVN_E_USAGE, "--power", NULL, "give exactly one of --power and --n");
  int sides = alt == 0 ? 2 : 1;
  if (have_p) {
    rc = stats_opt_double(&c->opts, "power", NAN, 1e-9, 0.999999999, &pw, c->err);
    if (!rc) rc = power_prop_n(p1, p2, alpha, pw, sides, strict, c->err, &n);
  } else {
    rc = stats_opt_double(&c->opts, "n", NAN, 2., 1e12, &n, c->err);
    if (!rc) rc = power_prop_power(n, p1, p2, alpha, sides, strict, c->err, &pw);
  }
  if (!rc) rc = power_inflate_dropout(n, drop, c->err, &nc, &nd);
  if (rc) return rc;
  stats_json_str(c->json, "method", "Two-sample comparison of proportions power calculation");
  stats_json_str(c->json, "design", "two-prop");
  stats_json_num(c->json, "p1", p1);
  stats_json_num(c->json, "p2", p2);
  stats_json_num(c->json, "alpha", alpha);
  stats_json_num(c->json, "power", pw);
  stats_json_num(c->json, "n", n);
  stats_json_str(c->json, "n_unit", "per group");
  stats_json_num(c->json, "n_ceiling", nc);
  stats_json_num(c->json, "dropout", drop);
  stats_json_num(c->json, "n_with_dropout", nd);
  stats_json_str(c->json, "alternative", alts[alt]);
  stats_json_bool(c->json, "strict", strict);
  return stats_text_printf(c, "\n     Two-sample comparison of proportions power calculation \n\n"
                              "              n = %s\n             p1 = %s\n             p2 = %s\n"
                              "      sig.level = %s\n          power = %s\n    alternative = %s\n\n"
                              "NOTE: n is number in *each* group; rounded up: %.0f; with %s%% "
                              "dropout: %.0f\n",
                           stats_fmt_num(b[0], 48, n, 7), stats_fmt_num(b[1], 48, p1, 7),
                           stats_fmt_num(b[2], 48, p2, 7), stats_fmt_num(b[3], 48, alpha, 7),
                           stats_fmt_num(b[4], 48, pw, 7), alts[alt], nc,
                           stats_fmt_num(b[5], 48, 100. * drop, 4), nd);
}

avn_rc stats_cli_power(stats_ctx *c) {
  avn_rc rc = AVN_OK;
  static const char *const designs[] = {"paired", "two-sample", "logrank", "one-sample",
                                        "two-prop", NULL};
  int des = 0;
  double alpha, pw, delta, sd, n, drop, nc, nd, hr, alloc, pev, ev;
  char b[8][48];

  rc = stats_cli_allow(c, "design,delta,sd,alpha,power,n,dropout,hr,alloc,p-event,p1,p2,"
                          "alternative,strict");
  if (!rc) rc = stats_opt_choice(&c->opts, "design", designs, 0, &des, c->err);
  if (!rc) rc = stats_opt_double(&c->opts, "alpha", 0.05, 1e-12, 0.999999, &alpha, c->err);
  if (rc) goto cleanup;
  if (des == 4) {
    rc = power_cli_prop(c, alpha);
    goto cleanup;
  }
  if (des == 2) {
    rc = stats_opt_double(&c->opts, "hr", NAN, 1e-9, 1e9, &hr, c->err);
    if (!rc) rc = stats_opt_double(&c->opts, "power", 0.8, 1e-9, 0.999999999, &pw, c->err);
    if (!rc) rc = stats_opt_double(&c->opts, "alloc", 0.5, 1e-9, 0.999999999, &alloc, c->err);
    if (!rc) rc = stats_opt_double(&c->opts, "p-event", 1.0, 1e-9, 1.0, &pev, c->err);
    if (rc) goto cleanup;
    if (isnan(hr)) {
      rc = avn_fail(c->err, AVN_E_USAGE, "--hr", NULL, "the log-rank design needs --hr");
      goto cleanup;
    }
    rc = power_logrank(hr, alpha, pw, alloc, pev, c->err, &ev, &n);
    if (rc) goto cleanup;
    stats_json_str(c->json, "method", "Log-rank test sample size (Schoenfeld 1983)");
    stats_json_str(c->json, "design", "logrank");
    stats_json_num(c->json, "hr", hr);
    stats_json_num(c->json, "alpha", alpha);
    stats_json_num(c->json, "power", pw);
    stats_json_num(c->json, "alloc", alloc);
    stats_json_num(c->json, "p_event", pev);
    stats_json_num(c->json, "events", ev);
    stats_json_num(c->json, "events_ceiling", ceil(ev - 1e-9));
    stats_json_num(c->json, "n", n);
    stats_json_num(c->json, "n_ceiling", ceil(n - 1e-9));
    rc = stats_text_printf(c, "Log-rank sample size (Schoenfeld)\n  HR = %s, alpha = %s, power = %s, "
                              "allocation = %s, P(event) = %s\n  events = %s (%.0f), n = %s (%.0f)\n",
                           stats_fmt_num(b[0], 48, hr, 4), stats_fmt_num(b[1], 48, alpha, 4),
                           stats_fmt_num(b[2], 48, pw, 4), stats_fmt_num(b[3], 48, alloc, 4),
                           stats_fmt_num(b[4], 48, pev, 4), stats_fmt_num(b[5], 48, ev, 7),
                           ceil(ev - 1e-9), stats_fmt_num(b[6], 48, n, 7), ceil(n - 1e-9));
    goto cleanup;
  }
  {
    power_design pd = des == 1 ? POWER_TWO_SAMPLE : POWER_PAIRED;
    int have_n = stats_has(&c->opts, "n"), have_p = stats_has(&c->opts, "power");
    rc = stats_opt_double(&c->opts, "delta", NAN, -1e300, 1e300, &delta, c->err);
    if (!rc) rc = stats_opt_double(&c->opts, "sd", NAN, -1e300, 1e300, &sd, c->err);
    if (!rc) rc = stats_opt_double(&c->opts, "dropout", 0., 0., 0.999999, &drop, c->err);
    if (rc) goto cleanup;
    if (isnan(delta) || isnan(sd)) {
      rc = avn_fail(c->err, AVN_E_USAGE, isnan(delta) ? "--delta" : "--sd", NULL,
                    "the t designs need --delta and --sd");
      goto cleanup;
    }
    if (have_n == have_p) {
      rc = avn_fail(c->err, AVN_E_USAGE, "--power", NULL, "give exactly one of --power and --n");
      goto cleanup;
    }
    if (have_p) {
      rc = stats_opt_double(&c->opts, "power", NAN, 1e-9, 0.999999999, &pw, c->err);
      if (!rc) rc = power_t_n(pd, delta, sd, alpha, pw, c->err, &n);
    } else {
      rc = stats_opt_double(&c->opts, "n", NAN, 2., 1e12, &n, c->err);
      if (!rc) rc = power_t_power(pd, n, delta, sd, alpha, c->err, &pw);
    }
    if (!rc) rc = power_inflate_dropout(n, drop, c->err, &nc, &nd);
    if (rc) goto cleanup;
    stats_json_str(c->json, "method", pd == POWER_PAIRED
                                          ? "Paired t test power calculation (noncentral t)"
                                          : "Two-sample t test power calculation (noncentral t)");
    stats_json_str(c->json, "design", pd == POWER_PAIRED ? "paired" : "two-sample");
    stats_json_num(c->json, "delta", delta);
    stats_json_num(c->json, "sd", sd);
    stats_json_num(c->json, "effect_size", fabs(delta) / sd);
    stats_json_num(c->json, "alpha", alpha);
    stats_json_num(c->json, "power", pw);
    stats_json_num(c->json, "n", n);
    stats_json_str(c->json, "n_unit", pd == POWER_PAIRED ? "pairs" : "per group");
    stats_json_num(c->json, "n_ceiling", nc);
    stats_json_num(c->json, "dropout", drop);
    stats_json_num(c->json, "n_with_dropout", nd);
    stats_json_str(c->json, "dropout_rule", "ceiling(n_ceiling / (1 - dropout))");
    rc = stats_text_printf(c, "\n     %s t test power calculation \n\n"
                              "              n = %s\n          delta = %s\n             sd = %s\n"
                              "      sig.level = %s\n          power = %s\n    alternative = two.sided\n\n"
                              "NOTE: n is %s; rounded up: %.0f; with %s%% dropout: %.0f\n",
                           pd == POWER_PAIRED ? "Paired" : "Two-sample",
                           stats_fmt_num(b[0], 48, n, 7), stats_fmt_num(b[1], 48, delta, 7),
                           stats_fmt_num(b[2], 48, sd, 7), stats_fmt_num(b[3], 48, alpha, 7),
                           stats_fmt_num(b[4], 48, pw, 7),
                           pd == POWER_PAIRED ? "number of *pairs*" : "number in *each* group", nc,
                           stats_fmt_num(b[5], 48, 100. * drop, 4), nd);
  }
cleanup:
  return rc;
}
