/*
** registry.c: instrument definitions loaded from YAML, value parsing,
** completeness and cross-item rules, and dispatch to the scorers.
**
** What it owns. Every file src/instruments/defs/NAME.yaml (compiled into the
** binary, core/embedded.h) becomes one inst_def the first time any inst_*
** function needs the registry. A definition holds
**   name, title, level (patient | hip),
**   items:   name, label, type (int real code bool date time text), unit,
**            min/max, codes (name, label, value), required, alias_of/factor,
**            by_value (a code item may be entered as its numeric value),
**            or `- include: OTHER` which splices OTHER's items in place
**            (the HHS range-of-motion block is the `rom` form's items),
**   results: name, label, unit,
**   options: items with a `default` (rom_method, mhhs_factor, ...),
**   rules:   cross-item rules: `{item: B, not_before: A}`.
** A malformed definition is refused with "file:line" and what is wrong.
**
** Invariants. Names are unique within a definition (items, options,
** results). An alias names an existing numeric item. Every definition with
** results has a scorer in the table below, and vice versa. Option defaults
** parse against their own option definition.
**
** Memory. Each definition owns a pool of allocations (strings, item and
** code arrays); spliced items are shallow copies that borrow from the
** included definition, which lives as long (both are freed only by
** inst_registry_free()). The registry is a process-wide singleton, loaded
** lazily and not thread-safe until loaded: call inst_registry_load() early
** in a threaded program (the web server does so before it starts).
**
** Costs. Loading parses a few dozen small files once; lookups are linear
** over about twenty definitions and a few dozen items.
*/
#include "instruments/instrument.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/date.h"
#include "core/embedded.h"
#include "core/mem.h"
#include "instruments/scoring.h"

#define DEFS_PREFIX "instruments/defs/"
#define TEXT_MAX_DEFAULT 2000
#define INCLUDE_DEPTH_MAX 4

typedef struct def_item {
  inst_item pub;        /* what accessors hand out */
  bool by_value;        /* code may be entered as its numeric value */
  const char *dflt;     /* options only: default value text */
} def_item;

typedef struct def_rule {
  const char *item;       /* the later value */
  const char *not_before; /* the item it must not precede */
} def_rule;

struct inst_def {
  const char *file;
  const char *name;
  const char *title;
  inst_level level;
  def_item *items;
  size_t n_items;
  def_item *opts;
  size_t n_opts;
  inst_result_def *results;
  size_t n_results;
  def_rule *rules;
  size_t n_rules;
  const char *reader;   /* reads: the item naming the reader, or NULL */
  const char **agree_on;/* reads: items the readers must agree on */
  size_t n_agree;
  inst_scorer score;
  void **pool;          /* every allocation this definition owns */
  size_t n_pool, cap_pool;
};

/* --- the scorer table: definition name -> C function --- */
static const struct {
  const char *name;
  inst_scorer fn;
} scorers[] = {
  {"hhs", hhs_score},
  {"vas", vas_score},
  {"womac", womac_score},
  {"sf36", sf36_score},
  {"mri", mri_score},
  {"cell_product", cell_product_score},
  {"baseline", baseline_score},
  {"rom", rom_score},
};

/* --- the registry singleton --- */
static struct {
  inst_def **defs;
  size_t n, cap;
  bool loaded;
  avn_rc rc;          /* result of the first load */
  avn_err err;
} reg;

/* ------------------------------------------------------------------ */
/* pool */

static void *pool_add(inst_def *d, void *p) {
  if (!p) return NULL;
  if (d->n_pool == d->cap_pool) {
    size_t cap = d->cap_pool ? d->cap_pool * 2 : 32;
    void **np = avn_reallocarray(d->pool, cap, sizeof *np);
    if (!np) {
      avn_free(p);
      return NULL;
    }
    d->pool = np;
    d->cap_pool = cap;
  }
  d->pool[d->n_pool++] = p;
  return p;
}

static char *pool_strdup(inst_def *d, const char *s) { return pool_add(d, avn_strdup(s)); }

/* pool_strdup into *dst, AVN_E_NOMEM on failure. */
static avn_rc pool_set(inst_def *d, const char *s, const char **dst, avn_err *e) {
  char *c = pool_strdup(d, s);
  if (!c) return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory loading definitions");
  *dst = c;
  return AVN_OK;
}

void inst_def_free(inst_def *d) {
  if (!d) return;
  for (size_t i = 0; i < d->n_pool; i++) avn_free(d->pool[i]);
  avn_free(d->pool);
  avn_free(d->items);
  avn_free(d->opts);
  avn_free(d->results);
  avn_free(d->rules);
  avn_free(d->agree_on);
  avn_free(d);
}

/* ------------------------------------------------------------------ */
/* YAML helpers (libyaml document API: nodes carry their line) */

typedef struct yctx {
  yaml_document_t *doc;
  const char *file;
  avn_err *e;
} yctx;

static avn_rc yfail(const yctx *y, const yaml_node_t *n, const char *value, const char *fmt,
                    const char *arg) {
  char where[160];
  snprintf(where, sizeof where, "%s:%lu", y->file, n ? (unsigned long)n->start_mark.line + 1 : 0UL);
  return avn_fail(y->e, AVN_E_PARSE, where, value, fmt, arg ? arg : "");
}

static const char *yscalar(const yaml_node_t *n) {
  if (!n || n->type != YAML_SCALAR_NODE) return NULL;
  return (const char *)n->data.scalar.value;
}

static avn_rc yexpect_scalar(const yctx *y, const yaml_node_t *n, const char *key,
                             const char **out /* OUT */) {
  const char *s = yscalar(n);
  if (!s) return yfail(y, n, NULL, "'%s' must be a plain value", key);
  *out = s;
  return AVN_OK;
}

static avn_rc yexpect_number(const yctx *y, const yaml_node_t *n, const char *key,
                             double *out /* OUT */) {
  const char *s = yscalar(n);
  char *end = NULL;
  if (!s || !*s) return yfail(y, n, s, "'%s' must be a number", key);
  errno = 0;
  double v = strtod(s, &end);
  if (*end || errno || !isfinite(v)) return yfail(y, n, s, "'%s' must be a number", key);
  *out = v;
  return AVN_OK;
}

static avn_rc yexpect_bool(const yctx *y, const yaml_node_t *n, const char *key,
                           bool *out /* OUT */) {
  const char *s = yscalar(n);
  if (s && (!strcmp(s, "true") || !strcmp(s, "yes"))) {
    *out = true;
    return AVN_OK;
  }
  if (s && (!strcmp(s, "false") || !strcmp(s, "no"))) {
    *out = false;
    return AVN_OK;
  }
  return yfail(y, n, s, "'%s' must be true or false", key);
}

static bool valid_name(const char *s) {
  if (!s || !*s || strlen(s) > 48) return false;
  if (!((*s >= 'a' && *s <= 'z'))) return false;
  for (const char *p = s; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) return false;
  return true;
}

static bool valid_code_name(const char *s) {
  /* codes may be stage names ("IIA") or numbers ("1.1", "100/91") */
  if (!s || !*s || strlen(s) > 48) return false;
  for (const char *p = s; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
          *p == '_' || *p == '.' || *p == '/' || *p == '-'))
      return false;
  return true;
}

static const struct {
  const char *name;
  inst_type type;
} type_names[] = {
  {"int", INST_INT},   {"real", INST_REAL}, {"code", INST_CODE}, {"bool", INST_BOOL},
  {"date", INST_DATE}, {"time", INST_TIME}, {"text", INST_TEXT},
};

static const char *type_name(inst_type t) {
  for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++)
    if (type_names[i].type == t) return type_names[i].name;
  return "?";
}

/* ------------------------------------------------------------------ */
/* definition parsing */

static avn_rc load_by_name(const char *name, int depth, const inst_def **out, avn_err *e);
static avn_rc parse_value_item(const inst_def *d, const def_item *it, const char *text,
                               inst_value *out, avn_err *e);

static avn_rc push_item(inst_def *d, def_item **arr, size_t *n, size_t *cap, const def_item *it,
                        avn_err *e) {
  (void)d;
  if (*n == *cap) {
    size_t nc = *cap ? *cap * 2 : 16;
    def_item *na = avn_reallocarray(*arr, nc, sizeof *na);
    if (!na) return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory loading definitions");
    *arr = na;
    *cap = nc;
  }
  (*arr)[(*n)++] = *it;
  return AVN_OK;
}

static avn_rc parse_codes(const yctx *y, inst_def *d, const yaml_node_t *seq, def_item *it) {
  if (seq->type != YAML_SEQUENCE_NODE || seq->data.sequence.items.top == seq->data.sequence.items.start)
    return yfail(y, seq, NULL, "'codes' must be a non-empty list%s", NULL);
  size_t n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
  inst_code *codes = pool_add(d, avn_calloc(n, sizeof *codes));
  if (!codes) return avn_fail(y->e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  for (size_t i = 0; i < n; i++) {
    yaml_node_t *cn = yaml_document_get_node(y->doc, seq->data.sequence.items.start[i]);
    bool has_value = false;
    if (!cn || cn->type != YAML_MAPPING_NODE)
      return yfail(y, cn, NULL, "a code must be a mapping {name, label, value}%s", NULL);
    for (yaml_node_pair_t *p = cn->data.mapping.pairs.start; p < cn->data.mapping.pairs.top; p++) {
      yaml_node_t *k = yaml_document_get_node(y->doc, p->key);
      yaml_node_t *v = yaml_document_get_node(y->doc, p->value);
      const char *key = yscalar(k);
      const char *s = NULL;
      avn_rc rc = AVN_OK;
      if (!key) return yfail(y, k, NULL, "keys must be plain words%s", NULL);
      if (!strcmp(key, "name")) {
        rc = yexpect_scalar(y, v, key, &s);
        if (rc) return rc;
        if (!valid_code_name(s)) return yfail(y, v, s, "bad code name%s", NULL);
        rc = pool_set(d, s, &codes[i].name, y->e);
        if (rc) return rc;
      } else if (!strcmp(key, "label")) {
        rc = yexpect_scalar(y, v, key, &s);
        if (rc) return rc;
        rc = pool_set(d, s, &codes[i].label, y->e);
        if (rc) return rc;
      } else if (!strcmp(key, "value")) {
        rc = yexpect_number(y, v, key, &codes[i].value);
        if (rc) return rc;
        has_value = true;
      } else {
        return yfail(y, k, key, "unknown key in a code (expected name, label, value)%s", NULL);
      }
    }
    if (!codes[i].name || !codes[i].label || !has_value)
      return yfail(y, cn, it->pub.name, "every code of '%s' needs name, label and value",
                   it->pub.name);
    for (size_t j = 0; j < i; j++)
      if (!strcmp(codes[j].name, codes[i].name))
        return yfail(y, cn, codes[i].name, "duplicate code name%s", NULL);
  }
  it->pub.codes = codes;
  it->pub.n_codes = n;
  return AVN_OK;
}

static avn_rc parse_item(const yctx *y, inst_def *d, const yaml_node_t *m, bool is_option,
                         def_item *it /* OUT */) {
  bool has_type = false, has_min = false, has_max = false, has_factor = false;
  memset(it, 0, sizeof *it);
  it->pub.unit = "";
  it->pub.min = 1;
  it->pub.max = 0;
  for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(y->doc, p->key);
    yaml_node_t *v = yaml_document_get_node(y->doc, p->value);
    const char *key = yscalar(k);
    const char *s = NULL;
    avn_rc rc = AVN_OK;
    if (!key) return yfail(y, k, NULL, "keys must be plain words%s", NULL);
    if (!strcmp(key, "name") || !strcmp(key, "label") || !strcmp(key, "unit") ||
        !strcmp(key, "alias_of") || !strcmp(key, "default")) {
      rc = yexpect_scalar(y, v, key, &s);
      if (rc) return rc;
      char *c = pool_strdup(d, s);
      if (!c) return avn_fail(y->e, AVN_E_NOMEM, NULL, NULL, "out of memory");
      if (!strcmp(key, "name")) {
        if (!valid_name(s)) return yfail(y, v, s, "a name is lower-case letters, digits, _%s", NULL);
        it->pub.name = c;
      } else if (!strcmp(key, "label")) {
        it->pub.label = c;
      } else if (!strcmp(key, "unit")) {
        it->pub.unit = c;
      } else if (!strcmp(key, "alias_of")) {
        it->pub.alias_of = c;
      } else {
        if (!is_option) return yfail(y, k, key, "'default' is only for options%s", NULL);
        it->dflt = c;
      }
    } else if (!strcmp(key, "type")) {
      rc = yexpect_scalar(y, v, key, &s);
      if (rc) return rc;
      for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++) {
        if (!strcmp(type_names[i].name, s)) {
          it->pub.type = type_names[i].type;
          has_type = true;
        }
      }
      if (!has_type) return yfail(y, v, s, "type must be int, real, code, bool, date, time or text%s", NULL);
    } else if (!strcmp(key, "min")) {
      rc = yexpect_number(y, v, key, &it->pub.min);
      has_min = true;
    } else if (!strcmp(key, "max")) {
      rc = yexpect_number(y, v, key, &it->pub.max);
      has_max = true;
    } else if (!strcmp(key, "factor")) {
      rc = yexpect_number(y, v, key, &it->pub.alias_factor);
      has_factor = true;
    } else if (!strcmp(key, "required")) {
      rc = yexpect_bool(y, v, key, &it->pub.required);
    } else if (!strcmp(key, "by_value")) {
      rc = yexpect_bool(y, v, key, &it->by_value);
    } else if (!strcmp(key, "codes")) {
      rc = parse_codes(y, d, v, it);
    } else {
      return yfail(y, k, key,
                   "unknown key (expected name, label, type, unit, min, max, codes, required, "
                   "alias_of, factor, by_value%s)", is_option ? ", default" : "");
    }
    if (rc) return rc;
  }
  if (!it->pub.name) return yfail(y, m, NULL, "an item needs a name%s", NULL);
  if (!it->pub.label) return yfail(y, m, it->pub.name, "item '%s' needs a label", it->pub.name);
  if (!has_type) return yfail(y, m, it->pub.name, "item '%s' needs a type", it->pub.name);
  if (it->pub.type == INST_TEXT && has_max && !has_min) {
    it->pub.min = 0; /* a text's max alone is its length limit */
    has_min = true;
  }
  if (has_min != has_max) return yfail(y, m, it->pub.name, "item '%s': give both min and max", it->pub.name);
  if (has_min && it->pub.min > it->pub.max)
    return yfail(y, m, it->pub.name, "item '%s': min is greater than max", it->pub.name);
  if (it->pub.type == INST_CODE && !it->pub.codes)
    return yfail(y, m, it->pub.name, "code item '%s' needs codes", it->pub.name);
  if (it->pub.type != INST_CODE && it->pub.codes)
    return yfail(y, m, it->pub.name, "item '%s' has codes but is not of type code", it->pub.name);
  if (it->by_value && it->pub.type != INST_CODE)
    return yfail(y, m, it->pub.name, "by_value on '%s' needs type code", it->pub.name);
  if ((it->pub.alias_of != NULL) != has_factor)
    return yfail(y, m, it->pub.name, "item '%s': alias_of and factor go together", it->pub.name);
  if (is_option && !it->dflt) return yfail(y, m, it->pub.name, "option '%s' needs a default", it->pub.name);
  return AVN_OK;
}

static bool name_taken(const inst_def *d, const char *name) {
  for (size_t i = 0; i < d->n_items; i++)
    if (!strcmp(d->items[i].pub.name, name)) return true;
  return false;
}

static avn_rc parse_items(const yctx *y, inst_def *d, const yaml_node_t *seq, int depth,
                          size_t *cap) {
  if (seq->type != YAML_SEQUENCE_NODE) return yfail(y, seq, NULL, "'items' must be a list%s", NULL);
  for (yaml_node_item_t *ip = seq->data.sequence.items.start; ip < seq->data.sequence.items.top; ip++) {
    yaml_node_t *m = yaml_document_get_node(y->doc, *ip);
    def_item it;
    avn_rc rc = AVN_OK;
    if (!m || m->type != YAML_MAPPING_NODE) return yfail(y, m, NULL, "an item must be a mapping%s", NULL);
    /* `- include: other` splices another definition's items here */
    if (m->data.mapping.pairs.top - m->data.mapping.pairs.start == 1) {
      yaml_node_t *k = yaml_document_get_node(y->doc, m->data.mapping.pairs.start->key);
      yaml_node_t *v = yaml_document_get_node(y->doc, m->data.mapping.pairs.start->value);
      if (yscalar(k) && !strcmp(yscalar(k), "include")) {
        const inst_def *other = NULL;
        const char *oname = yscalar(v);
        if (!oname) return yfail(y, v, NULL, "include needs a definition name%s", NULL);
        rc = load_by_name(oname, depth + 1, &other, y->e);
        if (rc == AVN_E_UNKNOWN) return yfail(y, v, oname, "include: no definition named '%s'", oname);
        if (rc) return rc;
        for (size_t i = 0; i < other->n_items; i++) {
          if (name_taken(d, other->items[i].pub.name))
            return yfail(y, v, other->items[i].pub.name, "included item '%s' duplicates an item",
                         other->items[i].pub.name);
          rc = push_item(d, &d->items, &d->n_items, cap, &other->items[i], y->e);
          if (rc) return rc;
        }
        continue;
      }
    }
    rc = parse_item(y, d, m, false, &it);
    if (rc) return rc;
    if (name_taken(d, it.pub.name)) return yfail(y, m, it.pub.name, "duplicate item '%s'", it.pub.name);
    rc = push_item(d, &d->items, &d->n_items, cap, &it, y->e);
    if (rc) return rc;
  }
  return AVN_OK;
}

static avn_rc parse_options(const yctx *y, inst_def *d, const yaml_node_t *seq) {
  size_t cap = 0;
  if (seq->type != YAML_SEQUENCE_NODE) return yfail(y, seq, NULL, "'options' must be a list%s", NULL);
  for (yaml_node_item_t *ip = seq->data.sequence.items.start; ip < seq->data.sequence.items.top; ip++) {
    yaml_node_t *m = yaml_document_get_node(y->doc, *ip);
    def_item it;
    avn_rc rc = AVN_OK;
    if (!m || m->type != YAML_MAPPING_NODE) return yfail(y, m, NULL, "an option must be a mapping%s", NULL);
    rc = parse_item(y, d, m, true, &it);
    if (rc) return rc;
    for (size_t i = 0; i < d->n_opts; i++)
      if (!strcmp(d->opts[i].pub.name, it.pub.name))
        return yfail(y, m, it.pub.name, "duplicate option '%s'", it.pub.name);
    if (d->n_opts >= INST_MAX_OPTS) return yfail(y, m, NULL, "too many options%s", NULL);
    rc = push_item(d, &d->opts, &d->n_opts, &cap, &it, y->e);
    if (rc) return rc;
  }
  return AVN_OK;
}

static avn_rc parse_results(const yctx *y, inst_def *d, const yaml_node_t *seq) {
  if (seq->type != YAML_SEQUENCE_NODE) return yfail(y, seq, NULL, "'results' must be a list%s", NULL);
  size_t n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
  if (n > INST_MAX_RESULTS) return yfail(y, seq, NULL, "more than INST_MAX_RESULTS results%s", NULL);
  d->results = avn_calloc(n ? n : 1, sizeof *d->results);
  if (!d->results) return avn_fail(y->e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  for (size_t i = 0; i < n; i++) {
    yaml_node_t *m = yaml_document_get_node(y->doc, seq->data.sequence.items.start[i]);
    inst_result_def *r = &d->results[i];
    if (!m || m->type != YAML_MAPPING_NODE) return yfail(y, m, NULL, "a result must be a mapping%s", NULL);
    r->unit = "";
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
      yaml_node_t *k = yaml_document_get_node(y->doc, p->key);
      yaml_node_t *v = yaml_document_get_node(y->doc, p->value);
      const char *key = yscalar(k);
      const char *s = NULL;
      avn_rc rc = AVN_OK;
      if (!key) return yfail(y, k, NULL, "keys must be plain words%s", NULL);
      rc = yexpect_scalar(y, v, key, &s);
      if (rc) return rc;
      if (!strcmp(key, "name")) {
        if (!valid_name(s)) return yfail(y, v, s, "bad result name%s", NULL);
        rc = pool_set(d, s, &r->name, y->e);
      } else if (!strcmp(key, "label")) {
        rc = pool_set(d, s, &r->label, y->e);
      } else if (!strcmp(key, "unit")) {
        rc = pool_set(d, s, &r->unit, y->e);
      } else {
        return yfail(y, k, key, "unknown key in a result (expected name, label, unit)%s", NULL);
      }
      if (rc) return rc;
    }
    if (!r->name || !r->label || !r->unit) return yfail(y, m, NULL, "a result needs name and label%s", NULL);
    for (size_t j = 0; j < i; j++)
      if (!strcmp(d->results[j].name, r->name)) return yfail(y, m, r->name, "duplicate result '%s'", r->name);
    d->n_results = i + 1;
  }
  return AVN_OK;
}

static avn_rc parse_rules(const yctx *y, inst_def *d, const yaml_node_t *seq) {
  if (seq->type != YAML_SEQUENCE_NODE) return yfail(y, seq, NULL, "'rules' must be a list%s", NULL);
  size_t n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
  d->rules = avn_calloc(n ? n : 1, sizeof *d->rules);
  if (!d->rules) return avn_fail(y->e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  for (size_t i = 0; i < n; i++) {
    yaml_node_t *m = yaml_document_get_node(y->doc, seq->data.sequence.items.start[i]);
    def_rule *r = &d->rules[i];
    if (!m || m->type != YAML_MAPPING_NODE) return yfail(y, m, NULL, "a rule must be a mapping%s", NULL);
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
      yaml_node_t *k = yaml_document_get_node(y->doc, p->key);
      yaml_node_t *v = yaml_document_get_node(y->doc, p->value);
      const char *key = yscalar(k);
      const char *s = NULL;
      avn_rc rc = AVN_OK;
      if (!key) return yfail(y, k, NULL, "keys must be plain words%s", NULL);
      rc = yexpect_scalar(y, v, key, &s);
      if (rc) return rc;
      if (!name_taken(d, s)) return yfail(y, v, s, "rule names an unknown item '%s'", s);
      if (!strcmp(key, "item")) {
        rc = pool_set(d, s, &r->item, y->e);
      } else if (!strcmp(key, "not_before")) {
        rc = pool_set(d, s, &r->not_before, y->e);
      } else {
        return yfail(y, k, key, "unknown key in a rule (expected item, not_before)%s", NULL);
      }
      if (rc) return rc;
    }
    if (!r->item || !r->not_before) return yfail(y, m, NULL, "a rule needs item and not_before%s", NULL);
    d->n_rules = i + 1;
  }
  return AVN_OK;
}

/* reads: {reader: ITEM, agree_on: [ITEM, ...]}: the form may be filled in
** by several readers of the same images; two entries naming different
** readers are two independent reads, not a double data entry. */
static avn_rc parse_reads(const yctx *y, inst_def *d, const yaml_node_t *m) {
  if (m->type != YAML_MAPPING_NODE) return yfail(y, m, NULL, "'reads' must be a mapping (reader, agree_on)%s", NULL);
  for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(y->doc, p->key);
    yaml_node_t *v = yaml_document_get_node(y->doc, p->value);
    const char *key = yscalar(k);
    const char *s = NULL;
    avn_rc rc = AVN_OK;
    if (!key) return yfail(y, k, NULL, "keys must be plain words%s", NULL);
    if (!strcmp(key, "reader")) {
      rc = yexpect_scalar(y, v, key, &s);
      if (!rc) rc = pool_set(d, s, &d->reader, y->e);
    } else if (!strcmp(key, "agree_on")) {
      if (v->type != YAML_SEQUENCE_NODE) return yfail(y, v, NULL, "'agree_on' must be a list of items%s", NULL);
      size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
      avn_free(d->agree_on);
      d->n_agree = 0;
      d->agree_on = avn_calloc(n ? n : 1, sizeof *d->agree_on);
      if (!d->agree_on) return avn_fail(y->e, AVN_E_NOMEM, NULL, NULL, "out of memory");
      for (size_t i = 0; i < n && !rc; i++) {
        yaml_node_t *it = yaml_document_get_node(y->doc, v->data.sequence.items.start[i]);
        rc = yexpect_scalar(y, it, key, &s);
        if (!rc) rc = pool_set(d, s, &d->agree_on[i], y->e);
        if (!rc) d->n_agree = i + 1;
      }
    } else {
      return yfail(y, k, key, "unknown key in reads (expected reader, agree_on)%s", NULL);
    }
    if (rc) return rc;
  }
  if (!d->reader) return yfail(y, m, NULL, "'reads' needs reader (the item naming the reader)%s", NULL);
  return AVN_OK;
}

/* Checks that need the whole definition. */
static avn_rc def_finish(const yctx *y, inst_def *d, const yaml_node_t *root, const char *expect_name) {
  avn_err oe;
  if (!d->name) return yfail(y, root, NULL, "the definition needs a name%s", NULL);
  if (!d->title) return yfail(y, root, d->name, "'%s' needs a title", d->name);
  if (!d->items) return yfail(y, root, d->name, "'%s' needs items", d->name);
  if (expect_name && strcmp(expect_name, d->name) != 0)
    return yfail(y, root, d->name, "name must match the file name '%s'", expect_name);
  for (size_t i = 0; i < d->n_items; i++) {
    const inst_item *it = &d->items[i].pub;
    if (!it->alias_of) continue;
    const inst_item *t = inst_item_find(d, it->alias_of);
    if (!t || t->alias_of || (t->type != INST_INT && t->type != INST_REAL))
      return yfail(y, root, it->name, "alias '%s' must name a numeric item of this form", it->name);
    if (it->required) return yfail(y, root, it->name, "alias '%s' cannot be required", it->name);
  }
  if (d->reader) {
    const inst_item *r = inst_item_find(d, d->reader);
    if (!r || r->type != INST_TEXT || !r->required)
      return yfail(y, root, d->reader, "reads: reader '%s' must name a required text item of this form", d->reader);
  }
  for (size_t i = 0; i < d->n_agree; i++)
    if (!inst_item_find(d, d->agree_on[i]))
      return yfail(y, root, d->agree_on[i], "reads: agree_on names an unknown item '%s'", d->agree_on[i]);
  for (size_t i = 0; i < d->n_opts; i++) {
    inst_value v;
    if (parse_value_item(d, &d->opts[i], d->opts[i].dflt, &v, &oe))
      return yfail(y, root, d->opts[i].dflt, "default of option '%s' is not allowed by it",
                   d->opts[i].pub.name);
  }
  d->score = NULL;
  for (size_t i = 0; i < sizeof scorers / sizeof scorers[0]; i++)
    if (!strcmp(scorers[i].name, d->name)) d->score = scorers[i].fn;
  if (d->n_results && !d->score)
    return yfail(y, root, d->name, "'%s' lists results but has no scoring function", d->name);
  if (!d->n_results && d->score)
    return yfail(y, root, d->name, "'%s' has a scoring function but lists no results", d->name);
  return AVN_OK;
}

static avn_rc parse_def(const char *file, const char *text, size_t len, const char *expect_name,
                        int depth, inst_def **out, avn_err *e) {
  yaml_parser_t parser;
  yaml_document_t doc;
  bool parser_ok = false, doc_ok = false;
  inst_def *d = NULL;
  avn_rc rc = AVN_OK;
  size_t item_cap = 0;
  yctx y = {&doc, file, e};

  *out = NULL;
  d = avn_calloc(1, sizeof *d);
  if (!d) {
    rc = avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
    goto cleanup;
  }
  d->file = pool_strdup(d, file);
  if (!d->file) {
    rc = avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
    goto cleanup;
  }
  if (!yaml_parser_initialize(&parser)) {
    rc = avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory (YAML parser)");
    goto cleanup;
  }
  parser_ok = true;
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
  if (!yaml_parser_load(&parser, &doc)) {
    char where[160];
    snprintf(where, sizeof where, "%s:%lu", file, (unsigned long)parser.problem_mark.line + 1);
    rc = avn_fail(e, AVN_E_PARSE, where, NULL, "YAML syntax: %s",
                  parser.problem ? parser.problem : "malformed");
    goto cleanup;
  }
  doc_ok = true;
  yaml_node_t *root = yaml_document_get_root_node(&doc);
  if (!root || root->type != YAML_MAPPING_NODE) {
    rc = yfail(&y, root, NULL, "a definition must be a mapping (name, title, level, items, ...)%s", NULL);
    goto cleanup;
  }
  d->level = INST_LEVEL_PATIENT;
  for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(&doc, p->key);
    yaml_node_t *v = yaml_document_get_node(&doc, p->value);
    const char *key = yscalar(k);
    const char *s = NULL;
    if (!key) {
      rc = yfail(&y, k, NULL, "keys must be plain words%s", NULL);
      goto cleanup;
    }
    if (!strcmp(key, "name") || !strcmp(key, "title") || !strcmp(key, "level")) {
      rc = yexpect_scalar(&y, v, key, &s);
      if (rc) goto cleanup;
      if (!strcmp(key, "name")) {
        if (!valid_name(s)) {
          rc = yfail(&y, v, s, "a name is lower-case letters, digits, _%s", NULL);
          goto cleanup;
        }
        rc = pool_set(d, s, &d->name, e);
      } else if (!strcmp(key, "title")) {
        rc = pool_set(d, s, &d->title, e);
      } else if (!strcmp(s, "patient")) {
        d->level = INST_LEVEL_PATIENT;
      } else if (!strcmp(s, "hip")) {
        d->level = INST_LEVEL_HIP;
      } else {
        rc = yfail(&y, v, s, "level must be patient or hip%s", NULL);
        goto cleanup;
      }
    } else if (!strcmp(key, "items")) {
      rc = parse_items(&y, d, v, depth, &item_cap);
    } else if (!strcmp(key, "options")) {
      rc = parse_options(&y, d, v);
    } else if (!strcmp(key, "results")) {
      rc = parse_results(&y, d, v);
    } else if (!strcmp(key, "rules")) {
      rc = parse_rules(&y, d, v);
    } else if (!strcmp(key, "reads")) {
      rc = parse_reads(&y, d, v);
    } else {
      rc = yfail(&y, k, key, "unknown key (expected name, title, level, items, results, options, rules, reads)%s",
                 NULL);
    }
    if (rc) goto cleanup;
  }
  rc = def_finish(&y, d, root, expect_name);
  if (rc) goto cleanup;
  *out = d;
  d = NULL;

cleanup:
  if (doc_ok) yaml_document_delete(&doc);
  if (parser_ok) yaml_parser_delete(&parser);
  inst_def_free(d);
  return rc;
}

avn_rc inst_def_parse(const char *file, const char *text, size_t len, inst_def **out, avn_err *e) {
  assert(file && text && out);
  return parse_def(file, text, len, NULL, 0, out, e);
}

/* ------------------------------------------------------------------ */
/* registry */

static const inst_def *reg_lookup(const char *name) {
  for (size_t i = 0; i < reg.n; i++)
    if (!strcmp(reg.defs[i]->name, name)) return reg.defs[i];
  return NULL;
}

static avn_rc load_by_name(const char *name, int depth, const inst_def **out, avn_err *e) {
  char key[128];
  const avn_embedded *f = NULL;
  inst_def *d = NULL;
  avn_rc rc = AVN_OK;

  *out = reg_lookup(name);
  if (*out) return AVN_OK;
  if (depth > INCLUDE_DEPTH_MAX)
    return avn_fail(e, AVN_E_PARSE, name, NULL, "includes nested too deep (a cycle?)");
  snprintf(key, sizeof key, DEFS_PREFIX "%s.yaml", name);
  f = avn_embedded_find(key);
  if (!f) return avn_fail(e, AVN_E_UNKNOWN, name, NULL, "no such instrument definition");
  rc = parse_def(key, f->data, f->len, name, depth, &d, e);
  if (rc) return rc;
  if (reg.n == reg.cap) {
    size_t cap = reg.cap ? reg.cap * 2 : 32;
    inst_def **nd = avn_reallocarray(reg.defs, cap, sizeof *nd);
    if (!nd) {
      inst_def_free(d);
      return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
    }
    reg.defs = nd;
    reg.cap = cap;
  }
  reg.defs[reg.n++] = d;
  *out = d;
  return AVN_OK;
}

avn_rc inst_registry_load(avn_err *e) {
  if (reg.loaded) {
    if (reg.rc && e) *e = reg.err;
    return reg.rc;
  }
  reg.loaded = true;
  reg.rc = AVN_OK;
  for (const avn_embedded *f = avn_embedded_files; f->name; f++) {
    size_t plen = strlen(DEFS_PREFIX), n = strlen(f->name);
    char name[64];
    const inst_def *d = NULL;
    if (strncmp(f->name, DEFS_PREFIX, plen) != 0 || n < plen + 6) continue;
    if (strcmp(f->name + n - 5, ".yaml") != 0) continue;
    if (n - plen - 5 >= sizeof name) continue;
    memcpy(name, f->name + plen, n - plen - 5);
    name[n - plen - 5] = '\0';
    reg.rc = load_by_name(name, 0, &d, &reg.err);
    if (reg.rc) break;
  }
  if (reg.rc && e) *e = reg.err;
  return reg.rc;
}

void inst_registry_free(void) {
  for (size_t i = 0; i < reg.n; i++) inst_def_free(reg.defs[i]);
  avn_free(reg.defs);
  memset(&reg, 0, sizeof reg);
}

const inst_def *inst_find(const char *name) {
  if (!name || inst_registry_load(NULL)) return NULL;
  return reg_lookup(name);
}

size_t inst_count(void) {
  if (inst_registry_load(NULL)) return 0;
  return reg.n;
}

const inst_def *inst_at(size_t i) {
  if (inst_registry_load(NULL) || i >= reg.n) return NULL;
  return reg.defs[i];
}

/* ------------------------------------------------------------------ */
/* accessors */

const char *inst_name(const inst_def *d) { return d->name; }
const char *inst_title(const inst_def *d) { return d->title; }
inst_level inst_get_level(const inst_def *d) { return d->level; }
size_t inst_n_items(const inst_def *d) { return d->n_items; }
const inst_item *inst_item_at(const inst_def *d, size_t i) {
  return i < d->n_items ? &d->items[i].pub : NULL;
}
const inst_item *inst_item_find(const inst_def *d, const char *item) {
  for (size_t i = 0; i < d->n_items; i++)
    if (!strcmp(d->items[i].pub.name, item)) return &d->items[i].pub;
  return NULL;
}
size_t inst_n_results(const inst_def *d) { return d->n_results; }
const char *inst_reader_item(const inst_def *d) { return d->reader; }
size_t inst_n_agree(const inst_def *d) { return d->n_agree; }
const char *inst_agree_at(const inst_def *d, size_t i) { return i < d->n_agree ? d->agree_on[i] : NULL; }
const inst_result_def *inst_result_at(const inst_def *d, size_t i) {
  return i < d->n_results ? &d->results[i] : NULL;
}
size_t inst_n_opts(const inst_def *d) { return d->n_opts; }
const inst_item *inst_opt_at(const inst_def *d, size_t i) {
  return i < d->n_opts ? &d->opts[i].pub : NULL;
}
const char *inst_opt_default(const inst_def *d, size_t i) {
  return i < d->n_opts ? d->opts[i].dflt : NULL;
}
bool inst_item_by_value(const inst_def *d, const inst_item *it) {
  for (size_t i = 0; i < d->n_items; i++)
    if (&d->items[i].pub == it) return d->items[i].by_value;
  return false;
}
const char *inst_type_name(inst_type t) { return type_name(t); }

/* ------------------------------------------------------------------ */
/* values */

static avn_rc parse_number(const char *s, bool integer, double *out) {
  char *end = NULL;
  if (!*s || strlen(s) > 64) return AVN_E_TYPE;
  if (*s == ' ' || *s == '+') return AVN_E_TYPE;
  errno = 0;
  double v = strtod(s, &end);
  if (*end || errno || !isfinite(v)) return AVN_E_TYPE;
  /* refuse hex, inf, nan spellings strtod accepts */
  for (const char *p = s; *p; p++)
    if (!((*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == 'e' || *p == 'E'))
      return AVN_E_TYPE;
  if (integer && v != floor(v)) return AVN_E_TYPE;
  *out = v;
  return AVN_OK;
}

static void range_words(const inst_item *it, char *out, size_t n) {
  snprintf(out, n, "must be between %.15g and %.15g%s%s", it->min, it->max, *it->unit ? " " : "",
           it->unit);
}

static avn_rc parse_value_item(const inst_def *d, const def_item *di, const char *text,
                               inst_value *out, avn_err *e) {
  const inst_item *it = &di->pub;
  char field[128], words[384];
  double v = 0;
  snprintf(field, sizeof field, "%s.%s", d->name, it->name);
  memset(out, 0, sizeof *out);
  out->item = it->name;
  if (!text) text = "";
  if (!*text) {
    out->missing = true;
    return AVN_OK;
  }
  switch (it->type) {
  case INST_INT:
  case INST_REAL:
    if (parse_number(text, it->type == INST_INT, &v))
      return avn_fail(e, AVN_E_TYPE, field, text, "must be %s",
                      it->type == INST_INT ? "a whole number" : "a number");
    if (it->min <= it->max && (v < it->min || v > it->max)) {
      range_words(it, words, sizeof words);
      return avn_fail(e, AVN_E_RANGE, field, text, "%s", words);
    }
    out->num = v;
    break;
  case INST_CODE: {
    const inst_code *hit = NULL;
    size_t n_hits = 0;
    for (size_t i = 0; i < it->n_codes; i++)
      if (!strcmp(it->codes[i].name, text)) hit = &it->codes[i];
    if (!hit && di->by_value && !parse_number(text, false, &v)) {
      for (size_t i = 0; i < it->n_codes; i++) {
        if (it->codes[i].value == v) {
          hit = &it->codes[i];
          n_hits++;
        }
      }
      if (n_hits > 1) hit = NULL;
    }
    if (!hit) {
      size_t len = 0;
      words[0] = '\0';
      len += (size_t)snprintf(words, sizeof words, "must be one of: ");
      for (size_t i = 0; i < it->n_codes && len < sizeof words; i++) {
        int w;
        if (di->by_value)
          w = snprintf(words + len, sizeof words - len, "%s%s (%.15g)", i ? ", " : "",
                       it->codes[i].name, it->codes[i].value);
        else
          w = snprintf(words + len, sizeof words - len, "%s%s", i ? ", " : "", it->codes[i].name);
        if (w < 0) break;
        len += (size_t)w;
      }
      return avn_fail(e, AVN_E_CODE, field, text, "%s", words);
    }
    out->num = hit->value;
    out->text = hit->name;
    break;
  }
  case INST_BOOL:
    if (!strcmp(text, "yes") || !strcmp(text, "true") || !strcmp(text, "1")) {
      out->num = 1;
    } else if (!strcmp(text, "no") || !strcmp(text, "false") || !strcmp(text, "0")) {
      out->num = 0;
    } else {
      return avn_fail(e, AVN_E_TYPE, field, text, "must be yes or no");
    }
    break;
  case INST_DATE: {
    avn_date t = 0;
    char today[11];
    if (avn_date_parse(text, &t))
      return avn_fail(e, AVN_E_TYPE, field, text, "must be a calendar date YYYY-MM-DD");
    if (t > avn_date_today())
      return avn_fail(e, AVN_E_DATE, field, text, "must not be in the future (today is %s)",
                      avn_date_format(avn_date_today(), today));
    out->num = t;
    break;
  }
  case INST_TIME: {
    int hh = 0, mm = 0;
    if (strlen(text) != 5 || text[2] != ':' || text[0] < '0' || text[0] > '9' || text[1] < '0' ||
        text[1] > '9' || text[3] < '0' || text[3] > '9' || text[4] < '0' || text[4] > '9')
      return avn_fail(e, AVN_E_TYPE, field, text, "must be a time HH:MM (00:00 to 23:59)");
    hh = (text[0] - '0') * 10 + (text[1] - '0');
    mm = (text[3] - '0') * 10 + (text[4] - '0');
    if (hh > 23 || mm > 59)
      return avn_fail(e, AVN_E_TYPE, field, text, "must be a time HH:MM (00:00 to 23:59)");
    out->num = hh * 60 + mm;
    break;
  }
  case INST_TEXT: {
    size_t maxlen = it->min <= it->max ? (size_t)it->max : TEXT_MAX_DEFAULT;
    if (strlen(text) > maxlen)
      return avn_fail(e, AVN_E_RANGE, field, NULL, "must be at most %zu characters", maxlen);
    for (const char *p = text; *p; p++)
      if ((unsigned char)*p < 0x20 && *p != '\t')
        return avn_fail(e, AVN_E_TYPE, field, text, "must not contain control characters");
    out->text = text;
    break;
  }
  }
  /* an entry alias stores into its target, converted */
  if (it->alias_of) {
    out->item = inst_item_find(d, it->alias_of)->name;
    out->num *= it->alias_factor;
  }
  return AVN_OK;
}

avn_rc inst_parse_value(const inst_def *d, const char *item, const char *text, inst_value *out,
                        avn_err *e) {
  assert(d && item && out);
  for (size_t i = 0; i < d->n_items; i++)
    if (!strcmp(d->items[i].pub.name, item)) return parse_value_item(d, &d->items[i], text, out, e);
  char field[128];
  snprintf(field, sizeof field, "%s.%s", d->name, item);
  return avn_fail(e, AVN_E_UNKNOWN, field, NULL, "no such item in %s (avn score %s --items lists them)",
                  d->name, d->name);
}

static const inst_value *resp_get(const inst_response *r, const char *item) {
  const inst_value *hit = NULL;
  for (size_t i = 0; r && i < r->n; i++)
    if (r->values[i].item && !strcmp(r->values[i].item, item)) hit = &r->values[i];
  return hit;
}

static void value_words(const inst_item *it, const inst_value *v, char *out, size_t n) {
  char buf[11];
  if (it->type == INST_DATE) {
    avn_date_format((avn_date)v->num, buf);
    snprintf(out, n, "%s", buf);
  } else if (it->type == INST_TIME) {
    snprintf(out, n, "%02d:%02d", (int)v->num / 60, (int)v->num % 60);
  } else if (v->text) {
    snprintf(out, n, "%s", v->text);
  } else {
    snprintf(out, n, "%.15g", v->num);
  }
}

avn_rc inst_check_complete(const inst_def *d, const inst_response *resp, avn_err *e) {
  char field[128];
  assert(d);
  for (size_t i = 0; resp && i < resp->n; i++) {
    const inst_item *it = resp->values[i].item ? inst_item_find(d, resp->values[i].item) : NULL;
    if (!it || it->alias_of) {
      snprintf(field, sizeof field, "%s.%s", d->name, resp->values[i].item ? resp->values[i].item : "");
      return avn_fail(e, AVN_E_UNKNOWN, field, NULL, "no such item in %s", d->name);
    }
  }
  for (size_t i = 0; i < d->n_items; i++) {
    const inst_item *it = &d->items[i].pub;
    const inst_value *v = resp_get(resp, it->name);
    if (!it->required || (v && !v->missing)) continue;
    snprintf(field, sizeof field, "%s.%s", d->name, it->name);
    return avn_fail(e, AVN_E_REQUIRED, field, NULL, "required: the form is incomplete without it");
  }
  for (size_t i = 0; i < d->n_rules; i++) {
    const def_rule *r = &d->rules[i];
    const inst_value *a = resp_get(resp, r->not_before), *b = resp_get(resp, r->item);
    char bw[64], aw[64];
    if (!a || !b || a->missing || b->missing || b->num >= a->num) continue;
    value_words(inst_item_find(d, r->item), b, bw, sizeof bw);
    value_words(inst_item_find(d, r->not_before), a, aw, sizeof aw);
    snprintf(field, sizeof field, "%s.%s", d->name, r->item);
    return avn_fail(e, AVN_E_DATE, field, bw, "must not be before %s (%s)", r->not_before, aw);
  }
  return AVN_OK;
}

/* ------------------------------------------------------------------ */
/* scoring */

const inst_value *inst_ctx_get(const inst_ctx *c, const char *item) {
  const inst_value *v = resp_get(c->resp, item);
  assert(inst_item_find(c->def, item) != NULL);
  return (v && !v->missing) ? v : NULL;
}

bool inst_ctx_num(const inst_ctx *c, const char *item, double *v) {
  const inst_value *x = inst_ctx_get(c, item);
  if (!x) return false;
  *v = x->num;
  return true;
}

const inst_value *inst_ctx_opt(const inst_ctx *c, const char *name) {
  for (size_t i = 0; i < c->def->n_opts; i++)
    if (!strcmp(c->def->opts[i].pub.name, name)) return &c->opt[i];
  assert(!"scorer asked for an option its definition lacks");
  return &c->opt[0];
}

static inst_result *result_slot(inst_scores *s, const char *name) {
  for (size_t i = 0; i < s->n; i++)
    if (!strcmp(s->r[i].name, name)) return &s->r[i];
  assert(!"scorer set a result its definition lacks");
  return NULL;
}

void inst_set_num(inst_scores *s, const char *name, double v) {
  inst_result *r = result_slot(s, name);
  if (!r || !isfinite(v)) return;   /* never store NaN: stays missing */
  r->missing = false;
  r->num = v;
  r->text = NULL;
}

void inst_set_text(inst_scores *s, const char *name, const char *text, double num) {
  inst_result *r = result_slot(s, name);
  if (!r || !text) return;
  r->missing = false;
  r->num = num;
  r->text = text;
}

const inst_result *inst_scores_get(const inst_scores *s, const char *name) {
  for (size_t i = 0; i < s->n; i++)
    if (!strcmp(s->r[i].name, name)) return &s->r[i];
  return NULL;
}

avn_rc inst_score(const inst_def *d, const inst_response *resp, const inst_opt *opts, size_t n_opts,
                  inst_scores *out, avn_err *e) {
  inst_ctx c;
  char field[128];
  assert(d && out);
  memset(&c, 0, sizeof c);
  memset(out, 0, sizeof *out);
  c.def = d;
  c.resp = resp;
  for (size_t i = 0; i < d->n_opts; i++) {
    avn_rc rc = parse_value_item(d, &d->opts[i], d->opts[i].dflt, &c.opt[i], e);
    if (rc) return rc;
  }
  for (size_t j = 0; j < n_opts; j++) {
    size_t i = 0;
    avn_rc rc = AVN_OK;
    while (i < d->n_opts && strcmp(d->opts[i].pub.name, opts[j].name) != 0) i++;
    snprintf(field, sizeof field, "%s.%s", d->name, opts[j].name);
    if (i == d->n_opts) {
      char names[256] = "";
      size_t len = 0;
      for (size_t k = 0; k < d->n_opts && len < sizeof names; k++) {
        int w = snprintf(names + len, sizeof names - len, "%s%s", k ? ", " : "", d->opts[k].pub.name);
        if (w < 0) break;
        len += (size_t)w;
      }
      return avn_fail(e, AVN_E_UNKNOWN, field, opts[j].value, "no such option for %s (options: %s)",
                      d->name, d->n_opts ? names : "none");
    }
    for (size_t k = 0; k < j; k++)
      if (!strcmp(opts[k].name, opts[j].name))
        return avn_fail(e, AVN_E_USAGE, field, opts[j].value, "option given twice");
    if (!opts[j].value || !*opts[j].value)
      return avn_fail(e, AVN_E_TYPE, field, NULL, "option needs a value");
    rc = parse_value_item(d, &d->opts[i], opts[j].value, &c.opt[i], e);
    if (rc) return rc;
    /* the option's field name is d.opt, like an item */
  }
  for (size_t i = 0; i < d->n_results; i++) {
    out->r[i].name = d->results[i].name;
    out->r[i].missing = true;
  }
  out->n = d->n_results;
  if (!d->score) return AVN_OK;
  return d->score(&c, out, e);
}
