/*
** sap.c: the `analysis:` section of a protocol file -> sap (see sap.h).
**
** What it owns: the plan's strings and arrays, freed by sap_free (called by
** protocol_free). The reader walks the ytree once and refuses, with
** "file:line" in e->field (AVN_E_PARSE, as protocol.c does), any unknown
** key, an outcome whose form is not in the instrument registry or whose
** result is neither a result nor an item of that form, a visit the
** protocol does not have (or plan visits out of schedule order), a subgroup
** / predictor / covariate name outside sap.h's list, and values outside
** their range (alpha in (0,1), cuts ascending, ...). A plan that loads is
** therefore one every report section can run without re-checking names.
**
** Defaults (the methods paragraph says when they were used):
** - no `analysis:` at all: the default plan (defaulted = true): the outcomes
**   are those of HHS total, VAS pain_cm, WOMAC total_100, SF-36 pcs and mcs
**   whose form some visit of the protocol collects, each at the visits that
**   collect its form; the plan's visits are the visits that collect any of
**   them; subgroups by stage; survival to THA by stage; no responder or
**   success definition (the report says none was planned).
** - `better:` and `mcid:` of an outcome, when absent, come from the result's
**   own definition (the YAML files in src/instruments/defs: `better:`, `mcid:`, with
**   their published sources); a result whose definition states no direction
**   and whose outcome gives no `better:` is refused.
** - `visits:` absent: every protocol visit that collects one of the plan's
**   outcome forms; `final_visit:` absent: the last of them.
**
** Costs: O(outcomes x visits) string comparisons, on load only.
*/
#include "protocol/sap_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "instruments/instrument.h"

typedef struct {
  ytree_reader r;        /* file and error sink (core/ytree.h readers) */
  const protocol *p;
} sctx;

#define serr(c, ...) ytree_fail(&(c)->r, __VA_ARGS__)

/* --- the fixed vocabularies ---------------------------------------------- */

/* Variables a subgroup, predictor or covariate may name (sap.h). numeric:
** a subgroup by it needs cuts. */
static const struct { const char *name; bool numeric; } vars[] = {
    {"age", true},         {"sex", false},        {"stage", false}, {"etiology", false},
    {"laterality", false}, {"lesion_size", true}, {"bmi", true},    {"dose", true}};

static int var_index(const char *name) {
  for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
    if (!strcmp(vars[i].name, name)) return (int)i;
  return -1;
}

/* The definition's result called name (NULL for an item or unknown): its
** direction (`better:`) and MCID (`mcid:`) live there, not here. */
static const inst_result_def *result_def(const inst_def *d, const char *name) {
  for (size_t k = 0; d && k < inst_n_results(d); k++)
    if (!strcmp(inst_result_at(d, k)->name, name)) return inst_result_at(d, k);
  return NULL;
}

/* --- small readers -------------------------------------------------------- */

/* A number in [lo, hi] (ytree_get_num, then the range). */
static avn_rc get_num(sctx *c, const ytree *map, const char *key, double lo, double hi,
                      bool *has, double *out) {
  avn_rc rc = ytree_get_num(&c->r, map, key, has, out);
  if (rc || !*has) return rc;
  if (*out < lo || *out > hi) {
    *has = false;
    return serr(c, ytree_get(map, key)->line, "'%s' must be between %g and %g, not %s", key, lo, hi,
                ytree_get(map, key)->scalar);
  }
  return AVN_OK;
}

static avn_rc get_bool(sctx *c, const ytree *map, const char *key, bool *out) {
  const ytree *v = ytree_get(map, key);
  if (!v) return AVN_OK;
  if (v->kind == YT_SCALAR) {
    const char *s = v->scalar;
    if (!strcmp(s, "yes") || !strcmp(s, "true")) { *out = true; return AVN_OK; }
    if (!strcmp(s, "no") || !strcmp(s, "false")) { *out = false; return AVN_OK; }
  }
  return serr(c, v->line, "'%s' must be yes or no", key);
}

/* A name used in file names and table ids: [a-z0-9_], starting with a letter. */
static bool plain_name(const char *s) {
  if (!(*s >= 'a' && *s <= 'z')) return false;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) return false;
  return true;
}

/* Visits: each must be a protocol visit, in schedule order, no repeats. */
static avn_rc check_visits(sctx *c, const ytree *node, char **v, size_t n, const char *key) {
  size_t prev = 0;
  if (n == 0) return serr(c, node->line, "'%s' must name at least one visit", key);
  for (size_t i = 0; i < n; i++) {
    size_t k = protocol_visit_index(c->p, v[i]);
    int line = node->kind == YT_SEQ ? node->items[i]->line : node->line;
    if (k == (size_t)-1) return serr(c, line, "'%s': the protocol has no visit '%s'", key, v[i]);
    if (i > 0 && k <= prev)
      return serr(c, line, "'%s': visit '%s' is repeated or out of schedule order", key, v[i]);
    prev = k;
  }
  return AVN_OK;
}

static avn_rc check_var(sctx *c, int line, const char *name, const char *what) {
  if (var_index(name) < 0)
    return serr(c, line, "%s '%s' is not a known variable (age, sex, stage, etiology, laterality, "
                "lesion_size, bmi, dose)", what, name);
  return AVN_OK;
}

static bool form_has(const inst_def *d, const char *name) {
  if (inst_item_find(d, name)) return true;
  for (size_t k = 0; k < inst_n_results(d); k++)
    if (!strcmp(inst_result_at(d, k)->name, name)) return true;
  return false;
}

/* The label of a result or item of d. */
static const char *result_label(const inst_def *d, const char *name) {
  for (size_t k = 0; k < inst_n_results(d); k++)
    if (!strcmp(inst_result_at(d, k)->name, name)) return inst_result_at(d, k)->label;
  const inst_item *it = inst_item_find(d, name);
  return it && it->label ? it->label : name;
}

static bool visit_collects(const protocol *p, size_t v, const char *form) {
  return protocol_visit_has_form(&p->visits[v], form);
}

/* --- sections ------------------------------------------------------------- */

static avn_rc parse_outcome(sctx *c, const ytree *m, sap *s, sap_outcome *o) {
  static const char *const keys[] = {"name", "label", "form", "result", "better", "mcid",
                                     "decimals", "primary", "visits", NULL};
  char *better = NULL;
  avn_rc rc = ytree_need_map(&c->r, m, "an outcome");
  if (rc) return rc;
  rc = ytree_check_keys(&c->r, m, keys, "an outcome");
  if (rc) return rc;
  o->line = m->line;
  o->mcid = NAN;
  o->decimals = 1;
  rc = ytree_get_str(&c->r, m, "name", true, &o->name);
  if (rc) return rc;
  if (!plain_name(o->name))
    return serr(c, ytree_get(m, "name")->line, "outcome name '%s' must be lower-case letters, digits "
                "and _ (it names files)", o->name);
  for (size_t j = 0; j < s->n_outcomes; j++)
    if (!strcmp(s->outcomes[j].name, o->name))
      return serr(c, m->line, "outcome '%s' defined twice", o->name);
  rc = ytree_get_str(&c->r, m, "form", true, &o->form);
  if (rc) return rc;
  const inst_def *d = inst_find(o->form);
  if (!d) return serr(c, ytree_get(m, "form")->line, "outcome '%s': unknown form '%s'", o->name, o->form);
  rc = ytree_get_str(&c->r, m, "result", true, &o->result);
  if (rc) return rc;
  if (!form_has(d, o->result))
    return serr(c, ytree_get(m, "result")->line, "outcome '%s': form '%s' has no result or item '%s'",
                o->name, o->form, o->result);
  rc = ytree_get_str(&c->r, m, "label", false, &o->label);
  if (rc) return rc;
  if (!o->label) {
    o->label = avn_strdup(result_label(d, o->result));
    if (!o->label) return AVN_E_NOMEM;
  }
  const inst_result_def *rd = result_def(d, o->result);
  rc = ytree_get_str(&c->r, m, "better", false, &better);
  if (rc) return rc;
  if (better) {
    bool hi = !strcmp(better, "higher"), lo = !strcmp(better, "lower");
    avn_free(better);
    if (!hi && !lo) return serr(c, ytree_get(m, "better")->line, "'better' must be higher or lower");
    o->higher_better = hi;
  } else if (rd && rd->better) {
    o->higher_better = rd->better > 0;
  } else {
    return serr(c, m->line, "outcome '%s': give 'better: higher' or 'better: lower'", o->name);
  }
  bool has = false;
  double x = 0;
  rc = get_num(c, m, "mcid", 0, 1e6, &has, &x);
  if (rc) return rc;
  o->mcid = has ? x : rd ? rd->mcid : NAN;
  rc = get_num(c, m, "decimals", 0, 6, &has, &x);
  if (rc) return rc;
  if (has) {
    if (x != floor(x)) return serr(c, ytree_get(m, "decimals")->line, "'decimals' must be a whole number");
    o->decimals = (int)x;
  }
  rc = get_bool(c, m, "primary", &o->primary);
  if (rc) return rc;
  const ytree *vv = ytree_get(m, "visits");
  if (vv) {
    rc = ytree_get_list(&c->r, vv, "visits", &o->visits, &o->n_visits);
    if (rc) return rc;
    rc = check_visits(c, vv, o->visits, o->n_visits, "visits");
    if (rc) return rc;
  }
  return AVN_OK;
}

static avn_rc parse_outcomes(sctx *c, const ytree *seq, sap *s) {
  if (seq->kind != YT_SEQ || seq->n == 0)
    return serr(c, seq->line, "'outcomes' must be a non-empty list");
  s->outcomes = avn_calloc(seq->n, sizeof *s->outcomes);
  if (!s->outcomes) return AVN_E_NOMEM;
  for (size_t i = 0; i < seq->n; i++) {
    sap_outcome *o = &s->outcomes[s->n_outcomes];
    avn_rc rc = parse_outcome(c, seq->items[i], s, o);
    s->n_outcomes++;   /* counted even when half-read, so sap_free frees it */
    if (rc) return rc;
  }
  return AVN_OK;
}

/* {outcome: NAME, more_than: X} (+ conversion_fails for success). */
static avn_rc parse_threshold(sctx *c, const ytree *m, const sap *s, const char *what, bool success,
                              char **outcome, double *more_than, bool *conv) {
  static const char *const rkeys[] = {"outcome", "more_than", NULL};
  static const char *const skeys[] = {"outcome", "more_than", "conversion_fails", NULL};
  char where[64];
  snprintf(where, sizeof where, "'%s'", what);
  avn_rc rc = ytree_need_map(&c->r, m, where);
  if (rc) return rc;
  rc = ytree_check_keys(&c->r, m, success ? skeys : rkeys, where);
  if (rc) return rc;
  rc = ytree_get_str(&c->r, m, "outcome", true, outcome);
  if (rc) return rc;
  if (!sap_find_outcome(s, *outcome))
    return serr(c, ytree_get(m, "outcome")->line, "%s: '%s' is not one of the plan's outcomes", what, *outcome);
  bool has = false;
  rc = get_num(c, m, "more_than", -1e6, 1e6, &has, more_than);
  if (rc) return rc;
  if (!has) return serr(c, m->line, "%s: missing required key 'more_than'", what);
  if (success) {
    rc = get_bool(c, m, "conversion_fails", conv);
    if (rc) return rc;
  }
  return AVN_OK;
}

static avn_rc parse_vars(sctx *c, const ytree *v, const char *key, char ***out, size_t *n) {
  avn_rc rc = ytree_get_list(&c->r, v, key, out, n);
  if (rc) return rc;
  for (size_t i = 0; i < *n; i++) {
    int line = v->kind == YT_SEQ ? v->items[i]->line : v->line;
    rc = check_var(c, line, (*out)[i], key);
    if (rc) return rc;
    for (size_t j = 0; j < i; j++)
      if (!strcmp((*out)[j], (*out)[i])) return serr(c, line, "%s: '%s' given twice", key, (*out)[i]);
  }
  return AVN_OK;
}

static avn_rc parse_subgroups(sctx *c, const ytree *seq, sap *s) {
  static const char *const keys[] = {"by", "cuts", NULL};
  if (seq->kind != YT_SEQ) return serr(c, seq->line, "'subgroups' must be a list");
  s->subgroups = avn_calloc(seq->n ? seq->n : 1, sizeof *s->subgroups);
  if (!s->subgroups) return AVN_E_NOMEM;
  for (size_t i = 0; i < seq->n; i++) {
    const ytree *m = seq->items[i];
    sap_subgroup *g = &s->subgroups[s->n_subgroups++];
    avn_rc rc = ytree_need_map(&c->r, m, "a subgroup");
    if (rc) return rc;
    rc = ytree_check_keys(&c->r, m, keys, "a subgroup");
    if (rc) return rc;
    g->line = m->line;
    rc = ytree_get_str(&c->r, m, "by", true, &g->by);
    if (rc) return rc;
    int line = ytree_get(m, "by")->line;
    rc = check_var(c, line, g->by, "subgroup");
    if (rc) return rc;
    const ytree *cv = ytree_get(m, "cuts");
    bool numeric = vars[var_index(g->by)].numeric;
    if (cv && !numeric)
      return serr(c, cv->line, "subgroup '%s' is categorical and takes no cuts", g->by);
    if (!cv && numeric)
      return serr(c, line, "subgroup '%s' is numeric: give cuts, e.g. cuts: [40]", g->by);
    if (cv) {
      char **txt = NULL;
      size_t n = 0;
      rc = ytree_get_list(&c->r, cv, "cuts", &txt, &n);
      if (!rc && n == 0) rc = serr(c, cv->line, "'cuts' must list at least one number");
      if (!rc) {
        g->cuts = avn_calloc(n, sizeof *g->cuts);
        if (!g->cuts) rc = AVN_E_NOMEM;
      }
      for (size_t k = 0; !rc && k < n; k++) {
        char *end = NULL;
        errno = 0;
        double x = strtod(txt[k], &end);
        if (errno || end == txt[k] || *end || !isfinite(x))
          rc = serr(c, cv->line, "'cuts' must be numbers, not '%s'", txt[k]);
        else if (k > 0 && x <= g->cuts[k - 1])
          rc = serr(c, cv->line, "'cuts' must be strictly ascending");
        else
          g->cuts[g->n_cuts++] = x;
      }
      ytree_free_list(txt, n);
      if (rc) return rc;
    }
    for (size_t j = 0; j + 1 < s->n_subgroups; j++)
      if (!strcmp(s->subgroups[j].by, g->by)) return serr(c, line, "subgroup '%s' given twice", g->by);
  }
  return AVN_OK;
}

static avn_rc parse_tests(sctx *c, const ytree *m, sap *s) {
  static const char *const keys[] = {"alpha", "normality_alpha", "adjust", "error_bars", NULL};
  avn_rc rc = ytree_need_map(&c->r, m, "'tests'");
  if (rc) return rc;
  rc = ytree_check_keys(&c->r, m, keys, "'tests'");
  if (rc) return rc;
  bool has = false;
  double x = 0;
  rc = get_num(c, m, "alpha", 1e-9, 0.5, &has, &x);
  if (rc) return rc;
  if (has) s->alpha = x;
  rc = get_num(c, m, "normality_alpha", 1e-9, 0.5, &has, &x);
  if (rc) return rc;
  if (has) s->normality_alpha = x;
  const char *adj = ytree_str(m, "adjust");
  if (ytree_get(m, "adjust")) {
    if (!adj || (strcmp(adj, "bonferroni") && strcmp(adj, "none")))
      return serr(c, ytree_get(m, "adjust")->line, "'adjust' must be bonferroni or none");
    s->bonferroni = !strcmp(adj, "bonferroni");
  }
  const char *eb = ytree_str(m, "error_bars");
  if (ytree_get(m, "error_bars")) {
    if (!eb || (strcmp(eb, "sd") && strcmp(eb, "ci95")))
      return serr(c, ytree_get(m, "error_bars")->line, "'error_bars' must be sd or ci95");
    s->error_bars_ci = !strcmp(eb, "ci95");
  }
  return AVN_OK;
}

static avn_rc parse_radiology(sctx *c, const ytree *m, sap *s) {
  static const char *const keys[] = {"improved_reduction_pct", "progression_mm",
                                     "conversion_progressed", NULL};
  avn_rc rc = ytree_need_map(&c->r, m, "'radiology'");
  if (rc) return rc;
  rc = ytree_check_keys(&c->r, m, keys, "'radiology'");
  if (rc) return rc;
  bool has = false;
  double x = 0;
  rc = get_num(c, m, "improved_reduction_pct", 0, 100, &has, &x);
  if (rc) return rc;
  if (has) s->radio_improved_reduction_pct = x;
  rc = get_num(c, m, "progression_mm", 0, 100, &has, &x);
  if (rc) return rc;
  if (has) s->radio_progression_mm = x;
  return get_bool(c, m, "conversion_progressed", &s->radio_conversion_progressed);
}

static avn_rc parse_survival(sctx *c, const ytree *m, sap *s) {
  static const char *const keys[] = {"endpoint", "by", "covariates", "cluster", NULL};
  avn_rc rc = ytree_need_map(&c->r, m, "'survival'");
  if (rc) return rc;
  rc = ytree_check_keys(&c->r, m, keys, "'survival'");
  if (rc) return rc;
  const ytree *ep = ytree_get(m, "endpoint");
  if (ep) {
    if (ep->kind != YT_SCALAR || strcmp(ep->scalar, "tha"))
      return serr(c, ep->line, "survival 'endpoint' must be tha (conversion to arthroplasty)");
  }
  const ytree *by = ytree_get(m, "by");
  if (by) {
    avn_free(s->survival_by);
    s->survival_by = NULL;
    if (by->kind != YT_SCALAR) return serr(c, by->line, "survival 'by' must be a single value");
    if (strcmp(by->scalar, "none")) {
      rc = check_var(c, by->line, by->scalar, "survival 'by'");
      if (rc) return rc;
      s->survival_by = avn_strdup(by->scalar);
      if (!s->survival_by) return AVN_E_NOMEM;
    }
  }
  const ytree *cv = ytree_get(m, "covariates");
  if (cv) {
    ytree_free_list(s->cox_covariates, s->n_cox_covariates);
    s->cox_covariates = NULL;
    s->n_cox_covariates = 0;
    rc = parse_vars(c, cv, "covariates", &s->cox_covariates, &s->n_cox_covariates);
    if (rc) return rc;
  }
  const ytree *cl = ytree_get(m, "cluster");
  if (cl) {
    if (cl->kind != YT_SCALAR || (strcmp(cl->scalar, "patient") && strcmp(cl->scalar, "none")))
      return serr(c, cl->line, "survival 'cluster' must be patient or none");
    s->cluster_patient = !strcmp(cl->scalar, "patient");
  }
  return AVN_OK;
}

static avn_rc parse_safety(sctx *c, const ytree *m, sap *s) {
  static const char *const keys[] = {"period_months", NULL};
  avn_rc rc = ytree_need_map(&c->r, m, "'safety'");
  if (rc) return rc;
  rc = ytree_check_keys(&c->r, m, keys, "'safety'");
  if (rc) return rc;
  bool has = false;
  double x = 0;
  rc = get_num(c, m, "period_months", 1, 120, &has, &x);
  if (rc) return rc;
  if (has) {
    if (x != floor(x)) return serr(c, ytree_get(m, "period_months")->line, "'period_months' must be whole");
    s->safety_period_months = (int)x;
  }
  return AVN_OK;
}

/* Defaults shared by parsed and default plans. */
static avn_rc set_defaults(const protocol *p, sap *s) {
  s->alpha = 0.05;
  s->normality_alpha = 0.05;
  s->bonferroni = true;
  s->error_bars_ci = false;
  s->success_conversion_fails = true;
  s->radio_improved_reduction_pct = 10;
  s->radio_progression_mm = 2;
  s->radio_conversion_progressed = true;
  s->survival_endpoint = avn_strdup("tha");
  s->survival_by = avn_strdup("stage");
  s->cox_covariates = avn_calloc(2, sizeof *s->cox_covariates);
  if (!s->survival_endpoint || !s->survival_by || !s->cox_covariates) return AVN_E_NOMEM;
  s->cox_covariates[0] = avn_strdup("age");
  if (!s->cox_covariates[0]) return AVN_E_NOMEM;
  s->n_cox_covariates = 1;
  s->cox_covariates[1] = avn_strdup("stage");
  if (!s->cox_covariates[1]) return AVN_E_NOMEM;
  s->n_cox_covariates = 2;
  s->cluster_patient = p->per_hip;
  s->safety_period_months = 6;
  return AVN_OK;
}

/* Plan visits when not given: every visit collecting an outcome form. */
static avn_rc default_visits(const protocol *p, sap *s) {
  s->visits = avn_calloc(p->n_visits, sizeof *s->visits);
  if (!s->visits) return AVN_E_NOMEM;
  for (size_t v = 0; v < p->n_visits; v++) {
    bool any = false;
    for (size_t i = 0; i < s->n_outcomes && !any; i++) any = visit_collects(p, v, s->outcomes[i].form);
    if (!any) continue;
    s->visits[s->n_visits] = avn_strdup(p->visits[v].name);
    if (!s->visits[s->n_visits]) return AVN_E_NOMEM;
    s->n_visits++;
  }
  return AVN_OK;
}

static avn_rc build_default(const protocol *p, sap *s) {
  static const struct { const char *name, *form, *result; } cand[] = {
      {"hhs", "hhs", "total"}, {"vas", "vas", "pain_cm"}, {"womac", "womac", "total_100"},
      {"sf36_pcs", "sf36", "pcs"}, {"sf36_mcs", "sf36", "mcs"}};
  const size_t nc = sizeof cand / sizeof cand[0];
  s->defaulted = true;
  s->outcomes = avn_calloc(nc, sizeof *s->outcomes);
  s->subgroups = avn_calloc(1, sizeof *s->subgroups);
  if (!s->outcomes || !s->subgroups) return AVN_E_NOMEM;
  s->subgroups[0].by = avn_strdup("stage");
  if (!s->subgroups[0].by) return AVN_E_NOMEM;
  s->n_subgroups = 1;
  for (size_t i = 0; i < nc; i++) {
    const inst_def *d = inst_find(cand[i].form);
    size_t nv = 0;
    for (size_t v = 0; v < p->n_visits; v++) nv += visit_collects(p, v, cand[i].form);
    if (!d || nv == 0 || !form_has(d, cand[i].result)) continue;
    sap_outcome *o = &s->outcomes[s->n_outcomes++];
    const inst_result_def *rd = result_def(d, cand[i].result);
    o->name = avn_strdup(cand[i].name);
    o->form = avn_strdup(cand[i].form);
    o->result = avn_strdup(cand[i].result);
    o->label = avn_strdup(result_label(d, cand[i].result));
    o->visits = avn_calloc(nv, sizeof *o->visits);
    if (!o->name || !o->form || !o->result || !o->label || !o->visits) return AVN_E_NOMEM;
    o->higher_better = rd && rd->better ? rd->better > 0 : true;
    o->mcid = rd ? rd->mcid : NAN;
    o->decimals = 1;
    for (size_t v = 0; v < p->n_visits; v++) {
      if (!visit_collects(p, v, cand[i].form)) continue;
      o->visits[o->n_visits] = avn_strdup(p->visits[v].name);
      if (!o->visits[o->n_visits]) return AVN_E_NOMEM;
      o->n_visits++;
    }
  }
  return AVN_OK;
}

/* --- entry points ----------------------------------------------------------- */

avn_rc sap_parse(const ytree *node, const protocol *p, const char *file, sap **out, avn_err *e) {
  static const char *const keys[] = {"visits", "final_visit", "outcomes", "tests", "responder",
                                     "success", "predictors", "subgroups", "radiology",
                                     "survival", "safety", NULL};
  sctx c = {.r = {.file = file, .e = e}, .p = p};
  sap *s = avn_calloc(1, sizeof *s);
  avn_rc rc = AVN_OK;
  const ytree *v = NULL;
  *out = NULL;
  if (!s) { rc = AVN_E_NOMEM; goto cleanup; }
  rc = set_defaults(p, s);
  if (rc) goto cleanup;
  if (!node) {
    rc = build_default(p, s);
    if (rc) goto cleanup;
    rc = default_visits(p, s);
    if (rc) goto cleanup;
    goto finish;
  }
  rc = ytree_need_map(&c.r, node, "'analysis'");
  if (rc) goto cleanup;
  rc = ytree_check_keys(&c.r, node, keys, "'analysis'");
  if (rc) goto cleanup;
  v = ytree_get(node, "outcomes");
  if (!v) { rc = serr(&c, node->line, "'analysis' needs 'outcomes'"); goto cleanup; }
  rc = parse_outcomes(&c, v, s);
  if (rc) goto cleanup;
  v = ytree_get(node, "visits");
  if (v) {
    rc = ytree_get_list(&c.r, v, "visits", &s->visits, &s->n_visits);
    if (rc) goto cleanup;
    rc = check_visits(&c, v, s->visits, s->n_visits, "visits");
    if (rc) goto cleanup;
  } else {
    rc = default_visits(p, s);
    if (rc) goto cleanup;
  }
  /* every outcome starts at the plan's baseline, so change is defined */
  for (size_t i = 0; i < s->n_outcomes; i++) {
    const sap_outcome *o = &s->outcomes[i];
    if (o->n_visits && s->n_visits && strcmp(o->visits[0], s->visits[0])) {
      rc = serr(&c, o->line, "outcome '%s': its visits must start at the plan's baseline '%s'",
                o->name, s->visits[0]);
      goto cleanup;
    }
  }
  v = ytree_get(node, "final_visit");
  if (v) {
    if (v->kind != YT_SCALAR) { rc = serr(&c, v->line, "'final_visit' must be a single value"); goto cleanup; }
    bool in_plan = false;
    for (size_t i = 0; i < s->n_visits; i++) in_plan = in_plan || !strcmp(s->visits[i], v->scalar);
    if (!in_plan) {
      rc = serr(&c, v->line, "'final_visit': '%s' is not one of the plan's visits", v->scalar);
      goto cleanup;
    }
    s->final_visit = avn_strdup(v->scalar);
    if (!s->final_visit) { rc = AVN_E_NOMEM; goto cleanup; }
  }
  v = ytree_get(node, "tests");
  if (v) {
    rc = parse_tests(&c, v, s);
    if (rc) goto cleanup;
  }
  v = ytree_get(node, "responder");
  if (v) {
    rc = parse_threshold(&c, v, s, "responder", false, &s->responder_outcome, &s->responder_more_than, NULL);
    if (rc) goto cleanup;
  }
  v = ytree_get(node, "success");
  if (v) {
    rc = parse_threshold(&c, v, s, "success", true, &s->success_outcome, &s->success_more_than,
                         &s->success_conversion_fails);
    if (rc) goto cleanup;
  }
  v = ytree_get(node, "predictors");
  if (v) {
    rc = parse_vars(&c, v, "predictors", &s->predictors, &s->n_predictors);
    if (rc) goto cleanup;
  }
  v = ytree_get(node, "subgroups");
  if (v) {
    rc = parse_subgroups(&c, v, s);
    if (rc) goto cleanup;
  }
  v = ytree_get(node, "radiology");
  if (v) {
    rc = parse_radiology(&c, v, s);
    if (rc) goto cleanup;
  }
  v = ytree_get(node, "survival");
  if (v) {
    rc = parse_survival(&c, v, s);
    if (rc) goto cleanup;
  }
  v = ytree_get(node, "safety");
  if (v) {
    rc = parse_safety(&c, v, s);
    if (rc) goto cleanup;
  }
finish:
  if (!s->final_visit && s->n_visits) {
    s->final_visit = avn_strdup(s->visits[s->n_visits - 1]);
    if (!s->final_visit) { rc = AVN_E_NOMEM; goto cleanup; }
  }
  *out = s;
  s = NULL;
cleanup:
  if (rc == AVN_E_NOMEM) avn_fail(e, rc, file, NULL, "out of memory reading the analysis plan");
  sap_free(s);
  return rc;
}

void sap_free(sap *s) {
  if (!s) return;
  ytree_free_list(s->visits, s->n_visits);
  avn_free(s->final_visit);
  for (size_t i = 0; i < s->n_outcomes; i++) {
    sap_outcome *o = &s->outcomes[i];
    avn_free(o->name); avn_free(o->label); avn_free(o->form); avn_free(o->result);
    ytree_free_list(o->visits, o->n_visits);
  }
  avn_free(s->outcomes);
  avn_free(s->responder_outcome);
  avn_free(s->success_outcome);
  ytree_free_list(s->predictors, s->n_predictors);
  for (size_t i = 0; i < s->n_subgroups; i++) {
    avn_free(s->subgroups[i].by);
    avn_free(s->subgroups[i].cuts);
  }
  avn_free(s->subgroups);
  avn_free(s->survival_endpoint);
  avn_free(s->survival_by);
  ytree_free_list(s->cox_covariates, s->n_cox_covariates);
  avn_free(s);
}

const sap_outcome *sap_find_outcome(const sap *s, const char *name) {
  for (size_t i = 0; i < s->n_outcomes; i++)
    if (!strcmp(s->outcomes[i].name, name)) return &s->outcomes[i];
  return NULL;
}

char *const *sap_outcome_visits(const sap *s, const sap_outcome *o, size_t *n) {
  if (o->visits) {
    *n = o->n_visits;
    return o->visits;
  }
  *n = s->n_visits;
  return s->visits;
}

const char *sap_outcome_final_visit(const sap *s, const sap_outcome *o) {
  size_t n = 0;
  char *const *v = sap_outcome_visits(s, o, &n);
  if (n == 0) return NULL;
  if (s->final_visit)
    for (size_t j = 0; j < n; j++)
      if (!strcmp(v[j], s->final_visit)) return v[j];
  return v[n - 1];
}
