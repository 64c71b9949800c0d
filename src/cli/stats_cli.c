/*
** stats_cli.c: shared helpers of the `avn stats` adapters (see stats_cli.h).
**
** The frames are src/frame's (frame_select); here the options become its
** column list, kinds, level choices and reference levels.
*/
#include "cli/stats_cli.h"
#include "stats/wilcoxon.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "interop/csv_table.h"

/* ---- options ---------------------------------------------------------- */

const char *stats_opt(const stats_opts *o, const char *name) {
  const char *v = NULL;
  for (size_t i = 0; i < o->n; i++)
    if (!strcmp(o->v[i].name, name)) v = o->v[i].value;
  return v;
}

bool stats_has(const stats_opts *o, const char *name) {
  for (size_t i = 0; i < o->n; i++)
    if (!strcmp(o->v[i].name, name)) return true;
  return false;
}

avn_rc stats_opt_req(const stats_opts *o, const char *name, const char **value, avn_err *e) {
  *value = stats_opt(o, name);
  if (!*value || !**value) {
    char opt[128];
    snprintf(opt, sizeof opt, "--%s", name);
    return avn_fail(e, AVN_E_USAGE, opt, NULL, "this option is required for this test");
  }
  return AVN_OK;
}

avn_rc stats_opt_double(const stats_opts *o, const char *name, double def, double lo,
                        double hi, double *x, avn_err *e) {
  const char *s = stats_opt(o, name);
  char opt[128];
  snprintf(opt, sizeof opt, "--%s", name);
  if (!s) {
    *x = def;
    return AVN_OK;
  }
  double v;
  if (!csv_parse_double(s, &v)) return avn_fail(e, AVN_E_USAGE, opt, s, "not a number");
  if (v < lo || v > hi)
    return avn_fail(e, AVN_E_USAGE, opt, s, "must be between %g and %g", lo, hi);
  *x = v;
  return AVN_OK;
}

avn_rc stats_opt_choice(const stats_opts *o, const char *name, const char *const choices[],
                        int def, int *idx, avn_err *e) {
  const char *s = stats_opt(o, name);
  if (!s) {
    *idx = def;
    return AVN_OK;
  }
  for (int i = 0; choices[i]; i++) {
    if (!strcmp(s, choices[i])) {
      *idx = i;
      return AVN_OK;
    }
  }
  char opt[128], list[256] = "";
  size_t used = 0;
  snprintf(opt, sizeof opt, "--%s", name);
  for (int i = 0; choices[i] && used < sizeof list; i++) {
    int k = snprintf(list + used, sizeof list - used, "%s%s", i ? "|" : "", choices[i]);
    if (k < 0) break;
    used += (size_t)k;
  }
  return avn_fail(e, AVN_E_USAGE, opt, s, "must be one of %s", list);
}

avn_rc stats_split_list(const char *s, char ***items, size_t *n) {
  *items = NULL;
  *n = 0;
  if (!s || !*s) return AVN_OK;
  size_t len = strlen(s), k = 1;
  for (const char *p = s; *p; p++) k += (*p == ',');
  /* pointers first, then a copy of the text */
  char **arr = avn_malloc(k * sizeof *arr + len + 1);
  if (!arr) return AVN_E_NOMEM;
  char *txt = (char *)(arr + k);
  memcpy(txt, s, len + 1);
  size_t m = 0;
  char *start = txt;
  for (char *p = txt;; p++) {
    if (*p == ',' || *p == '\0') {
      bool end = (*p == '\0');
      *p = '\0';
      arr[m++] = start;
      start = p + 1;
      if (end) break;
    }
  }
  *items = arr;
  *n = m;
  return AVN_OK;
}

/* ---- context ---------------------------------------------------------- */

avn_rc stats_cli_allow(stats_ctx *c, const char *allowed) {
  size_t alen = strlen(allowed), kept = 0;
  for (size_t i = 0; i < c->opts.n; i++) {
    const char *name = c->opts.v[i].name;
    if (!strcmp(name, "data") || !strcmp(name, "json")) {
      if (c->several) c->narrow[kept++] = c->opts.v[i];
      continue;
    }
    size_t nlen = strlen(name);
    bool ok = false;
    for (const char *p = allowed; p && p < allowed + alen;) {
      const char *comma = strchr(p, ',');
      size_t wl = comma ? (size_t)(comma - p) : strlen(p);
      if (wl == nlen && !strncmp(p, name, nlen)) {
        ok = true;
        break;
      }
      p = comma ? comma + 1 : NULL;
    }
    if (ok && c->several) {
      c->opt_used[i] = true;
      c->narrow[kept++] = c->opts.v[i];
    }
    if (!ok && !c->several) {
      char opt[140];
      snprintf(opt, sizeof opt, "--%s", name);
      return avn_fail(c->err, AVN_E_USAGE, opt, NULL, "not an option of 'avn stats %s' (options: %s)",
                      c->test, allowed);
    }
  }
  if (c->several) { /* the other tests' options are not this test's business */
    c->opts.v = c->narrow;
    c->opts.n = kept;
  }
  return AVN_OK;
}

void stats_cli_role_field(stats_ctx *c, const char *role, const char *column) {
  if (column && !strcmp(c->err->field, role)) snprintf(c->err->field, sizeof c->err->field, "%s", column);
}

avn_rc stats_cli_data(const stats_ctx *c, const frame_vars **d) {
  *d = c->data;
  if (!c->data)
    return avn_fail(c->err, AVN_E_USAGE, "--data", NULL, "--data FILE.csv is required for this test");
  return AVN_OK;
}

avn_rc stats_cli_conf_level(const stats_ctx *c, double *level) {
  double cl = 0.95, alpha = 0.05;
  avn_rc rc = stats_opt_double(&c->opts, "conf-level", 0.95, 0.0, 1.0, &cl, c->err);
  if (rc) return rc;
  rc = stats_opt_double(&c->opts, "alpha", 0.05, 0.0, 1.0, &alpha, c->err);
  if (rc) return rc;
  bool has_cl = stats_has(&c->opts, "conf-level"), has_a = stats_has(&c->opts, "alpha");
  if (has_a && !has_cl) cl = 1.0 - alpha;
  if (has_a && has_cl && fabs(cl - (1.0 - alpha)) > 1e-12)
    return avn_fail(c->err, AVN_E_USAGE, "--alpha", stats_opt(&c->opts, "alpha"),
                    "disagrees with --conf-level (give one of them)");
  if (!(cl > 0.0 && cl < 1.0))
    return avn_fail(c->err, AVN_E_USAGE, has_cl ? "--conf-level" : "--alpha",
                    stats_opt(&c->opts, has_cl ? "conf-level" : "alpha"),
                    "the confidence level must be strictly between 0 and 1");
  *level = cl;
  return AVN_OK;
}

avn_rc stats_cli_alternative(const stats_ctx *c, stats_alt *alt) {
  static const char *const ch[] = {"two.sided", "less", "greater", NULL};
  int i = 0;
  avn_rc rc = stats_opt_choice(&c->opts, "alternative", ch, 0, &i, c->err);
  if (rc) return rc;
  *alt = (stats_alt)i;
  return AVN_OK;
}

const char *stats_alt_name(stats_alt a) {
  return a == STATS_LESS ? "less" : a == STATS_GREATER ? "greater" : "two.sided";
}

/* ---- frames ------------------------------------------------------------ */

bool stats_cli_is_listed_factor(const stats_ctx *c, const char *name) {
  for (size_t i = 0; i < c->opts.n; i++) {
    if (strcmp(c->opts.v[i].name, "factors") || !c->opts.v[i].value) continue;
    const char *p = c->opts.v[i].value;
    size_t nl = strlen(name);
    while (p && *p) {
      const char *comma = strchr(p, ',');
      size_t wl = comma ? (size_t)(comma - p) : strlen(p);
      if (wl == nl && !strncmp(p, name, nl)) return true;
      p = comma ? comma + 1 : NULL;
    }
  }
  return false;
}

/* The --levels value for column name: "col=a,b" for that column, or a bare
** "a,b" when name is the --group column (else the --within column, else the
** only factor). */
static const char *levels_for(const stats_ctx *c, const char *name, bool only_factor) {
  const char *res = NULL;
  size_t nl = strlen(name);
  const char *group = stats_opt(&c->opts, "group");
  if (!group) group = stats_opt(&c->opts, "within");
  for (size_t i = 0; i < c->opts.n; i++) {
    const char *v = c->opts.v[i].value;
    if (strcmp(c->opts.v[i].name, "levels") || !v) continue;
    const char *eq = strchr(v, '=');
    const char *comma = strchr(v, ',');
    if (eq && (!comma || eq < comma)) {
      if ((size_t)(eq - v) == nl && !strncmp(v, name, nl)) res = eq + 1;
    } else if (only_factor || (group && !strcmp(group, name))) {
      res = v;
    }
  }
  return res;
}

/* The --ref level for column name ("col=level", repeatable or comma list). */
static avn_rc ref_for(const stats_ctx *c, const char *name, const char **level, size_t *len) {
  size_t nl = strlen(name);
  *level = NULL;
  for (size_t i = 0; i < c->opts.n; i++) {
    const char *v = c->opts.v[i].value;
    if (strcmp(c->opts.v[i].name, "ref") || !v) continue;
    const char *p = v;
    while (p && *p) {
      const char *comma = strchr(p, ',');
      size_t wl = comma ? (size_t)(comma - p) : strlen(p);
      const char *eq = memchr(p, '=', wl);
      if (!eq)
        return avn_fail(c->err, AVN_E_USAGE, "--ref", v, "expected column=level");
      if ((size_t)(eq - p) == nl && !strncmp(p, name, nl)) {
        *level = eq + 1;
        *len = wl - nl - 1;
      }
      p = comma ? comma + 1 : NULL;
    }
  }
  return AVN_OK;
}

avn_rc stats_cli_frame(const stats_ctx *c, const stats_colspec *spec, size_t nspec, frame_sel *f) {
  return stats_cli_frame_borrow(c, spec, nspec, nspec, f);
}

avn_rc stats_cli_frame_borrow(const stats_ctx *c, const stats_colspec *spec, size_t nspec,
                              size_t borrow_from, frame_sel *f) {
  avn_rc rc = AVN_OK;
  const frame_vars *d = NULL;
  frame_want *w = NULL;

  memset(f, 0, sizeof *f);
  rc = stats_cli_data(c, &d);
  if (rc) return rc;
  w = avn_calloc(nspec ? nspec : 1, sizeof *w);
  if (!w) {
    rc = avn_fail(c->err, AVN_E_NOMEM, NULL, NULL, "out of memory");
    goto cleanup;
  }
  size_t nfactor = 0;
  for (size_t j = 0; j < nspec; j++) {
    const frame_var *src = NULL;
    rc = frame_vars_find(d, spec[j].name, &src, c->err);
    if (rc) goto cleanup;
    w[j].name = spec[j].name;
    w[j].kind = spec[j].kind;
    w[j].borrow = j >= borrow_from;
    if (w[j].kind == FRAME_SEL_AUTO)
      w[j].kind = (!stats_cli_is_listed_factor(c, spec[j].name) && src->numeric) ? FRAME_SEL_NUMERIC
                                                                                 : FRAME_SEL_FACTOR;
    nfactor += (w[j].kind == FRAME_SEL_FACTOR);
  }
  for (size_t j = 0; j < nspec; j++) {
    if (w[j].kind != FRAME_SEL_FACTOR) continue;
    const char *lv = levels_for(c, w[j].name, nfactor == 1);
    if (lv) {
      rc = stats_split_list(lv, &w[j].levels, &w[j].nlevels);
      if (rc) goto cleanup;
      w[j].levels_from = "--levels";
    }
    rc = ref_for(c, w[j].name, &w[j].ref, &w[j].ref_len);
    if (rc) goto cleanup;
    w[j].ref_from = "--ref";
  }
  rc = frame_select(d, w, nspec, f, c->err);
  if (rc) goto cleanup;
  if (f->n_unlisted && c->json) stats_json_int(c->json, "n_not_in_levels", (long long)f->n_unlisted);

cleanup:
  for (size_t j = 0; w && j < nspec; j++) avn_free(w[j].levels);
  avn_free(w);
  return rc;
}

avn_rc stats_cli_two_groups(const stats_ctx *c, const frame_sel *f, size_t vi, size_t gi,
                            double **x, size_t *nx, double **y, size_t *ny) {
  const frame_svar *v = &f->v[vi], *g = &f->v[gi];
  *x = *y = NULL;
  *nx = *ny = 0;
  if (g->nlev != 2) {
    char lv[256] = "";
    size_t used = 0;
    for (size_t k = 0; k < g->nlev && used < sizeof lv; k++) {
      int w = snprintf(lv + used, sizeof lv - used, "%s%s", k ? ", " : "", g->levels[k]);
      if (w < 0) break;
      used += (size_t)w;
    }
    return avn_fail(c->err, AVN_E_DEGENERATE, g->name, NULL,
                    "the grouping column must have exactly 2 levels among complete rows, found "
                    "%zu%s%s%s%s",
                    g->nlev, g->nlev ? " (" : "", lv, g->nlev ? ")" : "",
                    g->nlev > 2 ? "; choose two with --levels a,b" : "");
  }
  *x = avn_malloc((g->count[0] ? g->count[0] : 1) * sizeof **x);
  *y = avn_malloc((g->count[1] ? g->count[1] : 1) * sizeof **y);
  if (!*x || !*y) {
    avn_free(*x);
    avn_free(*y);
    *x = *y = NULL;
    return avn_fail(c->err, AVN_E_NOMEM, NULL, NULL, "out of memory");
  }
  for (size_t i = 0; i < f->n; i++) {
    if (g->code[i] == 0) (*x)[(*nx)++] = v->x[i];
    else (*y)[(*ny)++] = v->x[i];
  }
  return AVN_OK;
}

avn_rc stats_cli_factor_pair(stats_ctx *c, const char *xc, const char *yc, frame_sel *f) {
  stats_colspec spec[] = {{xc, FRAME_SEL_FACTOR}, {yc, FRAME_SEL_FACTOR}};
  avn_rc rc = stats_cli_frame(c, spec, 2, f);
  for (size_t j = 0; !rc && j < 2; j++)
    if (f->v[j].nlev < 2)
      rc = avn_fail(c->err, AVN_E_DEGENERATE, f->v[j].name, NULL,
                    "needs at least 2 levels among complete rows, found %zu", f->v[j].nlev);
  return rc;
}

avn_rc stats_cli_crosstab(const stats_ctx *c, const frame_sel *f, double **counts) {
  size_t r = f->v[0].nlev, k = f->v[1].nlev;
  *counts = avn_calloc((r * k) > 0 ? r * k : 1, sizeof **counts);
  if (!*counts) return avn_fail(c->err, AVN_E_NOMEM, NULL, NULL, "out of memory");
  for (size_t i = 0; i < f->n; i++) (*counts)[(size_t)f->v[0].code[i] * k + (size_t)f->v[1].code[i]] += 1.0;
  return AVN_OK;
}

avn_rc stats_cli_put_table(stats_ctx *c, const frame_sel *f, const char *key, const double *m) {
  size_t r = f->v[0].nlev, k = f->v[1].nlev;
  json_t *rows = stats_json_array(c->json, "rows"), *cols = stats_json_array(c->json, "cols");
  json_t *tab = json_array();
  char b[48];
  if (!rows || !cols || !tab) {
    json_decref(tab);
    return avn_fail(c->err, AVN_E_NOMEM, NULL, NULL, "out of memory");
  }
  if (json_array_size(rows) == 0) {
    for (size_t i = 0; i < r; i++) json_array_append_new(rows, json_string(f->v[0].levels[i]));
    for (size_t j = 0; j < k; j++) json_array_append_new(cols, json_string(f->v[1].levels[j]));
  }
  /* a wide table is unreadable as text: say so, the JSON has it whole */
  bool text = r <= 60 && k <= 12;
  avn_rc rc = text ? stats_text_printf(c, "%s (%s x %s):\n%12s", key, f->v[0].name,
                                       f->v[1].name, "")
                   : stats_text_printf(c, "%s (%s x %s): %zu x %zu, not shown (see --json)\n", key,
                                       f->v[0].name, f->v[1].name, r, k);
  for (size_t j = 0; text && !rc && j < k; j++)
    rc = stats_text_printf(c, " %10.10s", f->v[1].levels[j]);
  if (text && !rc) rc = stats_text_printf(c, "\n");
  for (size_t i = 0; !rc && i < r; i++) {
    json_t *row = json_array();
    if (!row) break;
    for (size_t j = 0; j < k; j++) json_array_append_new(row, json_real(m[i * k + j]));
    json_array_append_new(tab, row);
    if (!text) continue;
    rc = stats_text_printf(c, "%12.12s", f->v[0].levels[i]);
    for (size_t j = 0; !rc && j < k; j++)
      rc = stats_text_printf(c, " %10s", stats_fmt_num(b, sizeof b, m[i * k + j], 5));
    if (!rc) rc = stats_text_printf(c, "\n");
  }
  json_object_set_new(c->json, key, tab);
  return rc;
}

char *stats_alt_sentence(char *buf, size_t n, const char *what, stats_alt a, double mu) {
  char m[48];
  stats_fmt_num(m, sizeof m, mu, 7);
  snprintf(buf, n, "true %s is %s %s", what,
           a == STATS_LESS ? "less than" : a == STATS_GREATER ? "greater than" : "not equal to", m);
  return buf;
}

/* ---- JSON -------------------------------------------------------------- */

void stats_json_num(json_t *o, const char *key, double x) {
  json_object_set_new(o, key, isfinite(x) ? json_real(x) : json_null());
}

void stats_json_int(json_t *o, const char *key, long long v) {
  json_object_set_new(o, key, json_integer((json_int_t)v));
}

void stats_json_str(json_t *o, const char *key, const char *s) {
  json_object_set_new(o, key, s ? json_string(s) : json_null());
}

void stats_json_bool(json_t *o, const char *key, bool b) {
  json_object_set_new(o, key, json_boolean(b));
}

json_t *stats_json_array(json_t *o, const char *key) {
  json_t *a = json_object_get(o, key);
  if (a && json_is_array(a)) return a;
  a = json_array();
  if (!a) return NULL;
  if (json_object_set_new(o, key, a)) return NULL;
  return a;
}

avn_rc stats_json_coef(json_t *o, const stats_coef *r) {
  json_t *arr = stats_json_array(o, "coefficients");
  json_t *row = json_object();
  if (!arr || !row) {
    json_decref(row);
    return AVN_E_NOMEM;
  }
  stats_json_str(row, "term", r->term);
  stats_json_num(row, "estimate", r->estimate);
  stats_json_num(row, "se", r->se);
  stats_json_num(row, "robust_se", r->robust_se);
  stats_json_num(row, "statistic", r->statistic);
  stats_json_num(row, "p", r->p);
  stats_json_num(row, "ci_low", r->ci_low);
  stats_json_num(row, "ci_high", r->ci_high);
  return json_array_append_new(arr, row) ? AVN_E_NOMEM : AVN_OK;
}

avn_rc stats_json_surv(json_t *o, const stats_surv_row *r) {
  json_t *arr = stats_json_array(o, "table");
  json_t *row = json_object();
  if (!arr || !row) {
    json_decref(row);
    return AVN_E_NOMEM;
  }
  stats_json_num(row, "time", r->time);
  stats_json_num(row, "n_risk", r->n_risk);
  stats_json_num(row, "n_event", r->n_event);
  stats_json_num(row, "n_censor", r->n_censor);
  stats_json_num(row, "surv", r->surv);
  stats_json_num(row, "std_err", r->std_err);
  stats_json_num(row, "lower", r->lower);
  stats_json_num(row, "upper", r->upper);
  if (r->strata) stats_json_str(row, "strata", r->strata);
  return json_array_append_new(arr, row) ? AVN_E_NOMEM : AVN_OK;
}

avn_rc stats_json_pair(json_t *o, const char *a, const char *b, double p, double p_adjusted) {
  json_t *arr = stats_json_array(o, "pairs");
  json_t *row = json_object();
  if (!arr || !row) {
    json_decref(row);
    return AVN_E_NOMEM;
  }
  stats_json_str(row, "a", a);
  stats_json_str(row, "b", b);
  stats_json_num(row, "p", p);
  stats_json_num(row, "p_adjusted", p_adjusted);
  return json_array_append_new(arr, row) ? AVN_E_NOMEM : AVN_OK;
}

/* ---- formatting like R ------------------------------------------------- */

/* R's formatReal for one number (scipen = 0): the fewest significant digits
** (<= digits) that show x to `digits` digits, then fixed notation unless
** scientific is narrower. */
char *stats_fmt_num(char *buf, size_t n, double x, int digits) {
  if (isnan(x)) {
    snprintf(buf, n, "NA");
    return buf;
  }
  if (isinf(x)) {
    snprintf(buf, n, x > 0 ? "Inf" : "-Inf");
    return buf;
  }
  if (x == 0.0) {
    snprintf(buf, n, "0");
    return buf;
  }
  if (digits < 1) digits = 1;
  if (digits > 15) digits = 15;
  char tmp[64];
  snprintf(tmp, sizeof tmp, "%.*e", digits - 1, x);  /* rounded to digits */
  char *e = strchr(tmp, 'e');
  int kp = (int)strtol(e + 1, NULL, 10);
  /* significant digits needed: strip trailing zeros of the mantissa */
  int sig = digits;
  for (char *q = e - 1; sig > 1 && *q == '0'; q--) sig--;
  bool neg = x < 0;
  int w_sci = neg + (sig > 1 ? sig + 1 : 1) + (abs(kp) >= 100 ? 5 : 4);
  int rgt = sig - kp - 1;
  if (rgt < 0) rgt = 0;
  int left = kp >= 0 ? kp + 1 : 1;
  int w_fix = neg + left + (rgt ? rgt + 1 : 0);
  if (w_fix <= w_sci)
    snprintf(buf, n, "%.*f", rgt, x);
  else
    snprintf(buf, n, "%.*e", sig - 1, x);
  return buf;
}

char *stats_fmt_p(char *buf, size_t n, double p, int digits) {
  if (isnan(p)) {
    snprintf(buf, n, "NA");
    return buf;
  }
  if (p < DBL_EPSILON) {
    char e[32];
    stats_fmt_num(e, sizeof e, DBL_EPSILON, digits > 2 ? digits - 2 : 1);
    snprintf(buf, n, "< %s", e);
    return buf;
  }
  return stats_fmt_num(buf, n, p, digits);
}

avn_rc stats_text_printf(stats_ctx *c, const char *fmt, ...) {
  char tmp[2048];
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (k < 0) return AVN_E_NOMEM;
  return avn_buf_append(&c->text, tmp, strlen(tmp));
}

avn_rc stats_text_htest(stats_ctx *c, const stats_htest *h) {
  char a[64], b[64], p[64];
  avn_rc rc = stats_text_printf(c, "\n\t%s\n\n", h->method);
  if (!rc && h->data_name) rc = stats_text_printf(c, "data:  %s\n", h->data_name);
  if (rc) return rc;
  if (h->stat_name && isfinite(h->statistic))
    rc = stats_text_printf(c, "%s = %s, ", h->stat_name, stats_fmt_num(a, sizeof a, h->statistic, 5));
  if (!rc && h->df_name && isfinite(h->df))
    rc = stats_text_printf(c, "%s = %s, ", h->df_name, stats_fmt_num(b, sizeof b, h->df, 5));
  if (!rc) {
    stats_fmt_p(p, sizeof p, h->p, 4);
    rc = stats_text_printf(c, "p-value %s%s\n", p[0] == '<' ? "" : "= ", p);
  }
  if (!rc && h->alternative) rc = stats_text_printf(c, "alternative hypothesis: %s\n", h->alternative);
  if (!rc && isfinite(h->conf_level) && (isfinite(h->ci_low) || isfinite(h->ci_high)))
    rc = stats_text_printf(c, "%s percent confidence interval:\n %s %s\n",
                           stats_fmt_num(p, sizeof p, 100.0 * h->conf_level, 7),
                           stats_fmt_num(a, sizeof a, h->ci_low, 7),
                           stats_fmt_num(b, sizeof b, h->ci_high, 7));
  if (!rc && h->estimate_name && isfinite(h->estimate))
    rc = stats_text_printf(c, "sample estimates:\n%s\n %s\n", h->estimate_name,
                           stats_fmt_num(a, sizeof a, h->estimate, 7));
  return rc;
}

avn_rc stats_cli_value_by_group(stats_ctx *c, const char *allowed, frame_sel *f,
                                const char **vc, const char **gc) {
  avn_rc rc = stats_cli_allow(c, allowed);
  if (!rc) rc = stats_opt_req(&c->opts, "value", vc, c->err);
  if (!rc) rc = stats_opt_req(&c->opts, "group", gc, c->err);
  if (rc) return rc;
  stats_colspec spec[] = {{*vc, FRAME_SEL_NUMERIC}, {*gc, FRAME_SEL_FACTOR}};
  rc = stats_cli_frame(c, spec, 2, f);
  if (rc) return rc;
  if (f->v[1].nlev < 2)
    return avn_fail(c->err, AVN_E_DEGENERATE, *gc, NULL,
                    "%s needs at least 2 groups, found %zu", c->test, f->v[1].nlev);
  return AVN_OK;
}

void stats_json_head(stats_ctx *c, const char *method, const frame_sel *f) {
  stats_json_str(c->json, "method", method);
  stats_json_int(c->json, "n", (long long)f->n);
  stats_json_int(c->json, "n_missing", (long long)f->n_missing);
}

avn_rc stats_cli_put_hl(stats_ctx *c, avn_rc rc, const char *data_name,
                        const wilcoxon_hl *hl, const char *estimate_name) {
  if (rc == AVN_E_DEGENERATE)
    return avn_fail(c->err, rc, data_name, NULL,
                    "cannot compute the confidence interval: all observations are zero or tied "
                    "at some shift");
  if (rc) return rc;
  stats_json_num(c->json, "estimate", hl->estimate);
  stats_json_str(c->json, "estimate_name", estimate_name);
  stats_json_num(c->json, "ci_low", hl->ci_low);
  stats_json_num(c->json, "ci_high", hl->ci_high);
  stats_json_num(c->json, "conf_level", hl->conf_level);
  stats_json_bool(c->json, "ci_exact", hl->exact);
  return AVN_OK;
}

void stats_cli_center_exact(stats_ctx *c, frame_sel *f, size_t vi) {
  frame_svar *v = &f->v[vi];
  const frame_var *src = v->src;
  if (f->n == 0 || !v->x) return;
  double b = v->x[0];
  if (src->text) {   /* cmd_stats keeps the text for the tests that centre */
    const char *base = src->text + src->off[f->row[0]];
    for (size_t i = 0; i < f->n; i++) {
      double d;
      if (!csv_decimal_diff(src->text + src->off[f->row[i]], base, &d)) d = v->x[i] - b;
      v->x[i] = d;
    }
  } else {
    for (size_t i = 0; i < f->n; i++) v->x[i] -= b;
  }
  stats_json_num(c->json, "centred_on", b);
}
