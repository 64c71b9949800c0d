/*
** stats_describe.c: `avn stats describe --col C [--group G]`.
**
** A numeric column (every cell a number, not listed in --factors) gets
** desc_summary(): n, n_missing, mean, sd, se, median, q1, q3 (type 7, or 6
** with --quantile-type 6), min, max and the t CI of the mean. A categorical
** column gets counts and percentages of the non-missing cells per level.
** With --group G the same per level of G ("groups": [...]); rows whose group
** is missing are dropped and counted in the top-level n_missing.
*/
#include <math.h>
#include <string.h>

#include "cli/stats_cli.h"
#include "core/mem.h"
#include "stats/desc.h"

static void put_desc(json_t *o, const desc_result *d) {
  stats_json_num(o, "mean", d->mean);
  stats_json_num(o, "sd", d->sd);
  stats_json_num(o, "se", d->se);
  stats_json_num(o, "median", d->median);
  stats_json_num(o, "q1", d->q1);
  stats_json_num(o, "q3", d->q3);
  stats_json_num(o, "min", d->min);
  stats_json_num(o, "max", d->max);
  stats_json_num(o, "ci_low", d->ci_low);
  stats_json_num(o, "ci_high", d->ci_high);
}

static avn_rc text_desc(stats_ctx *c, const char *label, size_t n_missing, const desc_result *d) {
  char b[11][48];
  return stats_text_printf(
      c,
      "%s\n  n = %zu, missing = %zu\n  mean = %s, sd = %s, se = %s\n"
      "  median = %s, q1 = %s, q3 = %s (type %d)\n  min = %s, max = %s\n"
      "  %s%% CI of the mean: %s to %s\n",
      label, d->n, n_missing, stats_fmt_num(b[0], 48, d->mean, 7),
      stats_fmt_num(b[1], 48, d->sd, 7), stats_fmt_num(b[2], 48, d->se, 7),
      stats_fmt_num(b[3], 48, d->median, 7), stats_fmt_num(b[4], 48, d->q1, 7),
      stats_fmt_num(b[5], 48, d->q3, 7), d->quantile_type, stats_fmt_num(b[6], 48, d->min, 7),
      stats_fmt_num(b[7], 48, d->max, 7), stats_fmt_num(b[8], 48, 100 * d->conf_level, 7),
      stats_fmt_num(b[9], 48, d->ci_low, 7), stats_fmt_num(b[10], 48, d->ci_high, 7));
}

/* Counts of the factor var among rows idx[0..m), into a "levels" array. */
static avn_rc put_counts(stats_ctx *c, json_t *o, const frame_svar *v, const size_t *idx,
                         size_t m, const char *label) {
  size_t *cnt = avn_calloc(v->nlev ? v->nlev : 1, sizeof *cnt);
  json_t *arr = json_array();
  avn_rc rc = AVN_OK;
  if (!cnt || !arr) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  for (size_t i = 0; i < m; i++) cnt[v->code[idx ? idx[i] : i]]++;
  rc = stats_text_printf(c, "%s (n = %zu)\n", label, m);
  for (size_t k = 0; !rc && k < v->nlev; k++) {
    json_t *row = json_object();
    if (!row) {
      rc = AVN_E_NOMEM;
      goto cleanup;
    }
    double pct = m ? 100.0 * (double)cnt[k] / (double)m : NAN;
    stats_json_str(row, "level", v->levels[k]);
    stats_json_int(row, "count", (long long)cnt[k]);
    stats_json_num(row, "percent", pct);
    json_array_append_new(arr, row);
    char b[48];
    rc = stats_text_printf(c, "  %-20s %8zu  %s%%\n", v->levels[k], cnt[k],
                           stats_fmt_num(b, sizeof b, pct, 4));
  }
  json_object_set_new(o, "levels", arr);
  arr = NULL;
cleanup:
  json_decref(arr);
  avn_free(cnt);
  return rc;
}

avn_rc stats_cli_describe(stats_ctx *c) {
  avn_rc rc = AVN_OK;
  frame_sel f = {0};
  size_t *idx = NULL, *start = NULL, *gmiss = NULL;
  double *tmp = NULL;
  const char *colname = NULL, *groupname = NULL;
  double conf = 0.95, qt = 7;
  desc_result d;

  rc = stats_cli_allow(c, "col,group,factors,quantile-type,conf-level,alpha,levels,ref");
  if (rc) goto cleanup;
  const frame_vars *data = NULL;
  const frame_var *column = NULL;
  rc = stats_cli_data(c, &data);
  if (!rc) rc = stats_opt_req(&c->opts, "col", &colname, c->err);
  if (!rc) rc = frame_vars_find(data, colname, &column, c->err);
  if (rc) goto cleanup;
  rc = stats_cli_conf_level(c, &conf);
  if (rc) goto cleanup;
  rc = stats_opt_double(&c->opts, "quantile-type", 7, 6, 7, &qt, c->err);
  if (rc) goto cleanup;
  if (qt != 6 && qt != 7) {
    rc = avn_fail(c->err, AVN_E_USAGE, "--quantile-type", stats_opt(&c->opts, "quantile-type"),
                  "must be 7 (R's default) or 6 (SPSS)");
    goto cleanup;
  }
  groupname = stats_opt(&c->opts, "group");
  stats_colspec spec[2] = {{colname, FRAME_SEL_AUTO}, {groupname, FRAME_SEL_FACTOR}};
  rc = stats_cli_frame(c, spec, groupname ? 2 : 1, &f);
  if (rc) goto cleanup;
  const frame_svar *v = &f.v[0];
  stats_json_str(c->json, "method", v->kind == FRAME_SEL_NUMERIC ? "describe (numeric)"
                                                             : "describe (categorical)");
  stats_json_str(c->json, "column", colname);
  stats_json_int(c->json, "n", (long long)f.n);
  stats_json_int(c->json, "n_missing", (long long)f.n_missing);
  if (v->kind == FRAME_SEL_NUMERIC) {
    stats_json_num(c->json, "conf_level", conf);
    stats_json_int(c->json, "quantile_type", (long long)qt);
  }
  if (!groupname) {
    if (v->kind == FRAME_SEL_NUMERIC) {
      rc = desc_summary(v->x, f.n, conf, (int)qt, &d);
      if (rc == AVN_E_DEGENERATE) {
        rc = avn_fail(c->err, rc, colname, NULL, "no non-missing values to describe");
        goto cleanup;
      }
      if (rc) goto cleanup;
      put_desc(c->json, &d);
      rc = text_desc(c, colname, f.n_missing, &d);
    } else {
      rc = put_counts(c, c->json, v, NULL, f.n, colname);
    }
    goto cleanup;
  }
  /* per group */
  const frame_svar *g = &f.v[1];
  rc = frame_group_index(g, f.n, &idx, &start);
  if (rc) goto cleanup;
  gmiss = avn_calloc(g->nlev ? g->nlev : 1, sizeof *gmiss);
  tmp = avn_malloc((f.n ? f.n : 1) * sizeof *tmp);
  if (!gmiss || !tmp) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  /* rows with a group but no value: missing within that group */
  for (size_t r = 0; r < c->data->nrow; r++) {
    if (frame_var_missing(g->src, r) || !frame_var_missing(v->src, r)) continue;
    char buf[40];
    const char *s = frame_var_text(g->src, r, buf, sizeof buf);
    for (size_t k = 0; k < g->nlev; k++)
      if (!strcmp(s, g->levels[k])) gmiss[k]++;
  }
  stats_json_str(c->json, "group", groupname);
  json_t *arr = stats_json_array(c->json, "groups");
  if (!arr) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  for (size_t k = 0; k < g->nlev; k++) {
    size_t m = start[k + 1] - start[k];
    json_t *o = json_object();
    if (!o || json_array_append_new(arr, o)) {
      rc = AVN_E_NOMEM;
      goto cleanup;
    }
    char label[512];
    snprintf(label, sizeof label, "%s, %s = %s", colname, groupname, g->levels[k]);
    stats_json_str(o, "level", g->levels[k]);
    stats_json_int(o, "n", (long long)m);
    stats_json_int(o, "n_missing", (long long)gmiss[k]);
    if (v->kind == FRAME_SEL_NUMERIC) {
      for (size_t i = 0; i < m; i++) tmp[i] = v->x[idx[start[k] + i]];
      rc = desc_summary(tmp, m, conf, (int)qt, &d);
      if (rc) goto cleanup;
      put_desc(o, &d);
      rc = text_desc(c, label, gmiss[k], &d);
    } else {
      rc = put_counts(c, o, v, idx + start[k], m, label);
    }
    if (rc) goto cleanup;
  }

cleanup:
  if (rc == AVN_E_NOMEM && c->err->rc == AVN_OK) avn_fail(c->err, rc, NULL, NULL, "out of memory");
  frame_sel_free(&f);
  avn_free(idx);
  avn_free(start);
  avn_free(gmiss);
  avn_free(tmp);
  return rc;
}
