/*
** cohort_spec.c: reading a demo cohort file (demos/NAME.yaml) into a
** demo_spec (cohort.h). The format is the file itself: each key is read
** here once; unknown keys at the top level are refused so a typo cannot
** silently drop a target. Numbers are parsed strictly (strtod, whole
** string); refusals give "file:line" and the rule.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embedded.h"
#include "core/mem.h"
#include "core/ytree.h"
#include "demo/cohort.h"

const char *const demo_cohorts[] = {"sequential", "single-dose"};
const size_t demo_n_cohorts = sizeof demo_cohorts / sizeof demo_cohorts[0];

typedef struct rd {
  const char *file;
  avn_err *e;
  avn_rc rc;
} rd;

static avn_rc bad(rd *r, const ytree *at, const char *key, const char *fmt, const char *what) {
  char where[300];
  snprintf(where, sizeof where, "%s:%d", r->file, at ? at->line : 0);
  r->rc = avn_fail(r->e, AVN_E_PARSE, where, key, fmt, what);
  return r->rc;
}

static bool num(const char *s, double *out) {
  if (!s || !*s) return false;
  char *end = NULL;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || *end) return false;
  *out = v;
  return true;
}

/* Scalar map[key] as a number; *out untouched when absent and !required. */
static avn_rc get_num(rd *r, const ytree *map, const char *key, bool required, double *out) {
  const ytree *v = map ? ytree_get(map, key) : NULL;
  if (!v) return required ? bad(r, map, key, "required key '%s' missing", key) : AVN_OK;
  if (v->kind != YT_SCALAR || !num(v->scalar, out)) return bad(r, v, key, "'%s' must be a number", key);
  return AVN_OK;
}

static avn_rc get_int(rd *r, const ytree *map, const char *key, bool required, int *out) {
  double d = *out;
  avn_rc rc = get_num(r, map, key, required, &d);
  if (rc) return rc;
  if (d != (int)d) return bad(r, ytree_get(map, key), key, "'%s' must be a whole number", key);
  *out = (int)d;
  return AVN_OK;
}

static avn_rc get_str(rd *r, const ytree *map, const char *key, bool required, char **out) {
  const ytree *v = map ? ytree_get(map, key) : NULL;
  if (!v) return required ? bad(r, map, key, "required key '%s' missing", key) : AVN_OK;
  if (v->kind != YT_SCALAR) return bad(r, v, key, "'%s' must be a scalar", key);
  *out = avn_strdup(v->scalar);
  return *out ? AVN_OK : (r->rc = AVN_E_NOMEM);
}

static avn_rc get_bool(rd *r, const ytree *map, const char *key, bool *out) {
  const char *s = ytree_str(map, key);
  if (!s) return AVN_OK;
  if (!strcmp(s, "true") || !strcmp(s, "yes")) *out = true;
  else if (!strcmp(s, "false") || !strcmp(s, "no")) *out = false;
  else return bad(r, ytree_get(map, key), key, "'%s' must be true or false", key);
  return AVN_OK;
}

static avn_rc get_date(rd *r, const ytree *map, const char *key, avn_date *out) {
  const char *s = ytree_str(map, key);
  if (!s || avn_date_parse(s, out)) return bad(r, map, key, "'%s' must be a date YYYY-MM-DD", key);
  return AVN_OK;
}

/* A map of name: whole number (the key "assumed" is a flag, skipped). */
static avn_rc get_counts(rd *r, const ytree *node, const char *key, demo_count **out, size_t *n) {
  *out = NULL;
  *n = 0;
  if (!node) return AVN_OK;
  if (node->kind != YT_MAP) return bad(r, node, key, "'%s' must be a map of counts", key);
  *out = avn_calloc(node->n ? node->n : 1, sizeof **out);
  if (!*out) return r->rc = AVN_E_NOMEM;
  for (size_t i = 0; i < node->n; i++) {
    if (!strcmp(node->keys[i], "assumed")) continue;
    double d;
    if (node->items[i]->kind != YT_SCALAR || !num(node->items[i]->scalar, &d) || d < 0 || d != (int)d)
      return bad(r, node->items[i], node->keys[i], "'%s' must be a whole number >= 0", node->keys[i]);
    demo_count *c = &(*out)[(*n)++];
    c->n = (int)d;
    c->name = avn_strdup(node->keys[i]);
    if (!c->name) return r->rc = AVN_E_NOMEM;
  }
  return AVN_OK;
}

/* A map of name: scalar | [lo, hi]. */
static avn_rc get_ranges(rd *r, const ytree *node, const char *key, demo_range **out, size_t *n) {
  *out = NULL;
  *n = 0;
  if (!node) return AVN_OK;
  if (node->kind != YT_MAP) return bad(r, node, key, "'%s' must be a map", key);
  *out = avn_calloc(node->n ? node->n : 1, sizeof **out);
  if (!*out) return r->rc = AVN_E_NOMEM;
  for (size_t i = 0; i < node->n; i++) {
    const ytree *v = node->items[i];
    demo_range *g = &(*out)[(*n)++];
    g->name = avn_strdup(node->keys[i]);
    if (!g->name) return r->rc = AVN_E_NOMEM;
    if (v->kind == YT_SCALAR) {
      g->text = avn_strdup(v->scalar);
      if (!g->text) return r->rc = AVN_E_NOMEM;
      num(v->scalar, &g->lo);
      g->hi = g->lo;
    } else if (v->kind == YT_SEQ && v->n == 2 && v->items[0]->kind == YT_SCALAR &&
               v->items[1]->kind == YT_SCALAR && num(v->items[0]->scalar, &g->lo) &&
               num(v->items[1]->scalar, &g->hi) && g->lo <= g->hi) {
      g->text = NULL;
    } else {
      return bad(r, v, node->keys[i], "'%s' must be a value or [low, high]", node->keys[i]);
    }
  }
  return AVN_OK;
}

static avn_rc get_strings(rd *r, const ytree *node, const char *key, char ***out, size_t *n) {
  *out = NULL;
  *n = 0;
  if (!node) return AVN_OK;
  if (node->kind != YT_SEQ) return bad(r, node, key, "'%s' must be a list of strings", key);
  *out = avn_calloc(node->n ? node->n : 1, sizeof **out);
  if (!*out) return r->rc = AVN_E_NOMEM;
  for (size_t i = 0; i < node->n; i++) {
    if (node->items[i]->kind != YT_SCALAR) return bad(r, node->items[i], key, "'%s' items must be strings", key);
    (*out)[(*n)++] = avn_strdup(node->items[i]->scalar);
    if (!(*out)[*n - 1]) return r->rc = AVN_E_NOMEM;
  }
  return AVN_OK;
}

static avn_rc get_outcome(rd *r, const ytree *m, demo_outcome *o) {
  if (m->kind != YT_MAP) return bad(r, m, "outcomes", "each %s entry must be a map", "outcome");
  o->decimals = 1;
  o->lo = 0;
  o->hi = 100;
  if (get_str(r, m, "name", true, &o->name) || get_str(r, m, "form", true, &o->form) ||
      get_str(r, m, "item", true, &o->item) || get_num(r, m, "step", false, &o->step) ||
      get_num(r, m, "min", false, &o->lo) || get_num(r, m, "max", false, &o->hi) ||
      get_int(r, m, "decimals", false, &o->decimals))
    return r->rc;
  const char *better = ytree_str(m, "better");
  if (!better || (strcmp(better, "lower") && strcmp(better, "higher")))
    return bad(r, m, "better", "'%s' must be lower or higher", "better");
  o->lower_better = !strcmp(better, "lower");
  const ytree *t = ytree_get(m, "targets");
  if (!t || t->kind != YT_MAP || t->n == 0)
    return bad(r, m, "targets", "'%s' must map visits to [mean, sd]", "targets");
  o->targets = avn_calloc(t->n, sizeof *o->targets);
  if (!o->targets) return r->rc = AVN_E_NOMEM;
  for (size_t i = 0; i < t->n; i++) {
    const ytree *v = t->items[i];
    demo_target *g = &o->targets[o->n_targets++];
    g->visit = avn_strdup(t->keys[i]);
    if (!g->visit) return r->rc = AVN_E_NOMEM;
    if (v->kind != YT_SEQ || v->n < 2 || v->n > 3 || !num(v->items[0]->scalar, &g->mean) ||
        !num(v->items[1]->scalar, &g->sd) || g->sd < 0)
      return bad(r, v, t->keys[i], "'%s' must be [mean, sd] or [mean, sd, assumed|sd_assumed]", t->keys[i]);
    if (v->n == 3) {
      const char *f = v->items[2]->scalar;
      if (f && !strcmp(f, "assumed")) g->assumed = true;
      else if (f && !strcmp(f, "sd_assumed")) g->sd_assumed = true;
      else return bad(r, v, t->keys[i], "the third element of '%s' is assumed or sd_assumed", t->keys[i]);
    }
  }
  return AVN_OK;
}

static const char *const top_keys[] = {
    "demo", "protocol", "seed", "enrolment", "screen_days_before", "patients", "bilateral", "sex", "age",
    "etiology", "stage", "outcomes", "responder", "conversions", "radiology", "lesion_reduction_pct",
    "edema", "second_reader", "adverse_events", "satisfaction", "sf36", "screening", "cell_product",
    "procedure", "survival", "notes"};

static avn_rc read_spec(rd *r, const ytree *t, demo_spec *sp) {
  if (t->kind != YT_MAP) return bad(r, t, "demo", "the file must be a %s", "map");
  for (size_t i = 0; i < t->n; i++) {
    bool known = false;
    for (size_t k = 0; k < sizeof top_keys / sizeof top_keys[0]; k++) known |= !strcmp(t->keys[i], top_keys[k]);
    if (!known) {
      char where[300];
      snprintf(where, sizeof where, "%s:%d", r->file, t->key_lines[i]);
      return r->rc = avn_fail(r->e, AVN_E_PARSE, where, t->keys[i], "unknown key");
    }
  }
  double seed = 1;
  if (get_str(r, t, "demo", true, &sp->name) || get_str(r, t, "protocol", true, &sp->protocol) ||
      get_num(r, t, "seed", true, &seed) || get_int(r, t, "patients", true, &sp->patients) ||
      get_int(r, t, "bilateral", false, &sp->bilateral) ||
      get_int(r, t, "screen_days_before", false, &sp->screen_days))
    return r->rc;
  sp->seed = (unsigned long)seed;
  const ytree *en = ytree_get(t, "enrolment");
  if (!en) return bad(r, t, "enrolment", "required key '%s' missing", "enrolment");
  if (get_date(r, en, "first", &sp->enrol_first) || get_date(r, en, "last", &sp->enrol_last)) return r->rc;
  if (sp->enrol_last < sp->enrol_first) return bad(r, en, "last", "'%s' is before first", "last");
  const ytree *sx = ytree_get(t, "sex");
  if (get_int(r, sx, "male", true, &sp->male) || get_int(r, sx, "female", true, &sp->female)) return r->rc;
  if (sp->male + sp->female != sp->patients) return bad(r, sx, "sex", "%s counts do not add up to patients", "sex");
  const ytree *ag = ytree_get(t, "age");
  sp->age_decimals = 1;
  sp->age_min = 18;
  sp->age_max = 100;
  if (get_num(r, ag, "mean", true, &sp->age_mean) || get_num(r, ag, "sd", true, &sp->age_sd) ||
      get_num(r, ag, "min", false, &sp->age_min) || get_num(r, ag, "max", false, &sp->age_max) ||
      get_int(r, ag, "decimals", false, &sp->age_decimals) ||
      get_bool(r, ag, "range_printed", &sp->age_range_printed) ||
      get_bool(r, ag, "sd_assumed", &sp->age_sd_assumed))
    return r->rc;
  const ytree *et = ytree_get(t, "etiology");
  if (!et) return bad(r, t, "etiology", "required key '%s' missing", "etiology");
  const char *per = ytree_str(et, "per");
  if (!per || (strcmp(per, "hip") && strcmp(per, "patient")))
    return bad(r, et, "per", "'%s' must be hip or patient", "per");
  sp->etiology_per_hip = !strcmp(per, "hip");
  if (get_counts(r, ytree_get(et, "counts"), "counts", &sp->etiology, &sp->n_etiology) ||
      get_counts(r, ytree_get(et, "bilateral_pairs"), "bilateral_pairs", &sp->pairs, &sp->n_pairs))
    return r->rc;
  const ytree *stg = ytree_get(t, "stage");
  if (get_counts(r, stg, "stage", &sp->stages, &sp->n_stages) || get_bool(r, stg, "assumed", &sp->stages_assumed))
    return r->rc;
  const ytree *oc = ytree_get(t, "outcomes");
  if (oc) {
    if (oc->kind != YT_SEQ) return bad(r, oc, "outcomes", "'%s' must be a list", "outcomes");
    sp->outcomes = avn_calloc(oc->n ? oc->n : 1, sizeof *sp->outcomes);
    if (!sp->outcomes) return r->rc = AVN_E_NOMEM;
    for (size_t i = 0; i < oc->n; i++) {
      sp->n_outcomes++;
      if (get_outcome(r, oc->items[i], &sp->outcomes[i])) return r->rc;
    }
  }
  const ytree *rs = ytree_get(t, "responder");
  if (rs && (get_str(r, rs, "outcome", true, &sp->resp_outcome) || get_str(r, rs, "from", true, &sp->resp_from) ||
             get_str(r, rs, "to", true, &sp->resp_to) || get_num(r, rs, "more_than", true, &sp->resp_more_than) ||
             get_int(r, rs, "hips", true, &sp->resp_hips)))
    return r->rc;
  const ytree *cv = ytree_get(t, "conversions");
  if (cv) {
    const ytree *mo = ytree_get(cv, "months");
    if (get_int(r, cv, "hips", true, &sp->conv_hips) ||
        get_counts(r, ytree_get(cv, "by_stage"), "by_stage", &sp->conv_by_stage, &sp->n_conv_by_stage))
      return r->rc;
    if (!mo || mo->kind != YT_SEQ || mo->n != 2 || !num(mo->items[0]->scalar, &sp->conv_month_lo) ||
        !num(mo->items[1]->scalar, &sp->conv_month_hi) || sp->conv_month_lo >= sp->conv_month_hi)
      return bad(r, cv, "months", "'%s' must be [from, to] in months", "months");
  }
  const ytree *ra = ytree_get(t, "radiology");
  if (ra) {
    if (ra->kind != YT_MAP) return bad(r, ra, "radiology", "'%s' must be a map", "radiology");
    sp->radio = avn_calloc(ra->n, sizeof *sp->radio);
    if (!sp->radio) return r->rc = AVN_E_NOMEM;
    for (size_t i = 0; i < ra->n; i++) {
      if (!strcmp(ra->keys[i], "progressed_by_etiology")) {
        if (get_counts(r, ra->items[i], "progressed_by_etiology", &sp->prog_by_etiology, &sp->n_prog_by_etiology))
          return r->rc;
        continue;
      }
      demo_radio *g = &sp->radio[sp->n_radio++];
      g->stage = avn_strdup(ra->keys[i]);
      if (!g->stage) return r->rc = AVN_E_NOMEM;
      if (get_int(r, ra->items[i], "improved", true, &g->improved) ||
          get_int(r, ra->items[i], "stable", true, &g->stable) ||
          get_int(r, ra->items[i], "progressed", true, &g->progressed))
        return r->rc;
    }
  }
  if (get_ranges(r, ytree_get(t, "lesion_reduction_pct"), "lesion_reduction_pct", &sp->lesion, &sp->n_lesion))
    return r->rc;
  sp->edema_baseline = -1;
  const ytree *ed = ytree_get(t, "edema");
  if (ed && (get_int(r, ed, "baseline", true, &sp->edema_baseline) ||
             get_counts(r, ytree_get(ed, "resolved"), "resolved", &sp->edema_resolved, &sp->n_edema_resolved)))
    return r->rc;
  if (get_bool(r, t, "second_reader", &sp->second_reader)) return r->rc;
  const ytree *ae = ytree_get(t, "adverse_events");
  if (ae) {
    if (ae->kind != YT_SEQ) return bad(r, ae, "adverse_events", "'%s' must be a list", "adverse_events");
    sp->aes = avn_calloc(ae->n ? ae->n : 1, sizeof *sp->aes);
    if (!sp->aes) return r->rc = AVN_E_NOMEM;
    for (size_t i = 0; i < ae->n; i++) {
      const ytree *m = ae->items[i];
      demo_ae *a = &sp->aes[sp->n_aes++];
      const ytree *days = ytree_get(m, "days");
      double lo = 1, hi = 1;
      if (get_str(r, m, "term", true, &a->term) || get_str(r, m, "grade", true, &a->grade) ||
          get_str(r, m, "related", true, &a->related) || get_int(r, m, "patients", true, &a->patients) ||
          get_counts(r, ytree_get(m, "after"), "after", &a->after, &a->n_after))
        return r->rc;
      if (!days || days->kind != YT_SEQ || days->n != 2 || !num(days->items[0]->scalar, &lo) ||
          !num(days->items[1]->scalar, &hi) || lo > hi || lo < 0)
        return bad(r, m, "days", "'%s' must be [shortest, longest] duration in days", "days");
      a->days_lo = (int)lo;
      a->days_hi = (int)hi;
      int sum = 0;
      for (size_t k = 0; k < a->n_after; k++) sum += a->after[k].n;
      if (sum != a->patients) return bad(r, m, "after", "'%s' counts do not add up to patients", "after");
    }
  }
  const ytree *sa = ytree_get(t, "satisfaction");
  if (sa && (get_str(r, sa, "visit", true, &sp->sat_visit) ||
             get_counts(r, ytree_get(sa, "counts"), "counts", &sp->sat, &sp->n_sat)))
    return r->rc;
  const ytree *sf = ytree_get(t, "sf36");
  if (sf && (get_str(r, sf, "from", true, &sp->sf_from) || get_str(r, sf, "to", true, &sp->sf_to) ||
             get_num(r, sf, "enhancement_pct", true, &sp->sf_enhancement_pct)))
    return r->rc;
  const ytree *sv = ytree_get(t, "survival");
  if (sv) {
    sp->has_survival = true;
    if (get_num(r, sv, "months", true, &sp->surv_months) || get_num(r, sv, "percent", true, &sp->surv_pct))
      return r->rc;
  }
  const ytree *pr = ytree_get(t, "procedure");
  if (get_ranges(r, ytree_get(t, "screening"), "screening", &sp->screening, &sp->n_screening) ||
      get_ranges(r, ytree_get(t, "cell_product"), "cell_product", &sp->cell, &sp->n_cell) ||
      get_ranges(r, pr ? ytree_get(pr, "first") : NULL, "first", &sp->proc_first, &sp->n_proc_first) ||
      get_ranges(r, pr ? ytree_get(pr, "repeat") : NULL, "repeat", &sp->proc_repeat, &sp->n_proc_repeat))
    return r->rc;
  const ytree *no = ytree_get(t, "notes");
  if (no && (get_strings(r, ytree_get(no, "contradictions"), "contradictions", &sp->contradictions,
                         &sp->n_contradictions) ||
             get_strings(r, ytree_get(no, "assumptions"), "assumptions", &sp->assumptions, &sp->n_assumptions)))
    return r->rc;
  return AVN_OK;
}

avn_rc demo_spec_load(const char *name_or_path, demo_spec **out, avn_err *e) {
  char key[256];
  char *text = NULL;
  size_t len = 0;
  ytree *t = NULL;
  demo_spec *sp = NULL;
  avn_rc rc = AVN_OK;
  *out = NULL;
  if (strchr(name_or_path, '/')) {
    FILE *f = fopen(name_or_path, "rb");
    if (!f) return avn_fail(e, AVN_E_IO, name_or_path, NULL, "cannot open: %s", strerror(errno));
    size_t cap = 1 << 16;
    text = avn_malloc(cap + 1);
    if (text) len = fread(text, 1, cap, f);
    fclose(f);
    if (!text) return AVN_E_NOMEM;
    text[len] = '\0';
    snprintf(key, sizeof key, "%s", name_or_path);
  } else {
    snprintf(key, sizeof key, "demos/%s.yaml", name_or_path);
    const avn_embedded *em = avn_embedded_find(key);
    if (!em) return avn_fail(e, AVN_E_UNKNOWN, "demo", name_or_path, "no such demo cohort");
    text = avn_strndup(em->data, em->len);
    len = em->len;
    if (!text) return AVN_E_NOMEM;
  }
  rc = ytree_parse(key, text, len, &t, e);
  if (rc) goto cleanup;
  sp = avn_calloc(1, sizeof *sp);
  if (!sp) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  sp->file = avn_strdup(key);
  sp->screen_days = 7;
  if (!sp->file) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  rd r = {key, e, AVN_OK};
  rc = read_spec(&r, t, sp);
cleanup:
  ytree_free(t);
  avn_free(text);
  if (rc) demo_spec_free(sp);
  else *out = sp;
  return rc;
}

static void free_counts(demo_count *c, size_t n) {
  for (size_t i = 0; c && i < n; i++) avn_free(c[i].name);
  avn_free(c);
}

static void free_ranges(demo_range *g, size_t n) {
  for (size_t i = 0; g && i < n; i++) {
    avn_free(g[i].name);
    avn_free(g[i].text);
  }
  avn_free(g);
}

static void free_strings(char **s, size_t n) {
  for (size_t i = 0; s && i < n; i++) avn_free(s[i]);
  avn_free(s);
}

void demo_spec_free(demo_spec *sp) {
  if (!sp) return;
  avn_free(sp->name);
  avn_free(sp->protocol);
  avn_free(sp->file);
  free_counts(sp->etiology, sp->n_etiology);
  free_counts(sp->pairs, sp->n_pairs);
  free_counts(sp->stages, sp->n_stages);
  for (size_t i = 0; sp->outcomes && i < sp->n_outcomes; i++) {
    demo_outcome *o = &sp->outcomes[i];
    avn_free(o->name);
    avn_free(o->form);
    avn_free(o->item);
    for (size_t k = 0; o->targets && k < o->n_targets; k++) avn_free(o->targets[k].visit);
    avn_free(o->targets);
  }
  avn_free(sp->outcomes);
  avn_free(sp->resp_outcome);
  avn_free(sp->resp_from);
  avn_free(sp->resp_to);
  free_counts(sp->conv_by_stage, sp->n_conv_by_stage);
  for (size_t i = 0; sp->radio && i < sp->n_radio; i++) avn_free(sp->radio[i].stage);
  avn_free(sp->radio);
  free_counts(sp->prog_by_etiology, sp->n_prog_by_etiology);
  free_ranges(sp->lesion, sp->n_lesion);
  free_counts(sp->edema_resolved, sp->n_edema_resolved);
  for (size_t i = 0; sp->aes && i < sp->n_aes; i++) {
    avn_free(sp->aes[i].term);
    avn_free(sp->aes[i].grade);
    avn_free(sp->aes[i].related);
    free_counts(sp->aes[i].after, sp->aes[i].n_after);
  }
  avn_free(sp->aes);
  avn_free(sp->sat_visit);
  free_counts(sp->sat, sp->n_sat);
  avn_free(sp->sf_from);
  avn_free(sp->sf_to);
  free_ranges(sp->screening, sp->n_screening);
  free_ranges(sp->cell, sp->n_cell);
  free_ranges(sp->proc_first, sp->n_proc_first);
  free_ranges(sp->proc_repeat, sp->n_proc_repeat);
  free_strings(sp->contradictions, sp->n_contradictions);
  free_strings(sp->assumptions, sp->n_assumptions);
  avn_free(sp);
}
