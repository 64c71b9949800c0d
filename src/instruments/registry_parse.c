/*
** registry_parse.c: one instrument definition, YAML text -> inst_def.
**
** What it owns. The definition format and its checks. A file
** src/instruments/defs/NAME.yaml (or a user's text, inst_def_parse) holds
**   name, title, level (patient | hip),
**   items:   name, label, type (int real code bool date time text), unit,
**            min/max, codes (name, label, value), required, alias_of/factor,
**   label_ar (items, codes) and title_ar: an Arabic translation, shown in
**            the Arabic interface (only where the instrument's licence allows),
**            by_value (a code item may be entered as its numeric value),
**            show_if (a condition on the form's other items, cond.h: the
**            item applies only when it holds), note (for reviewers),
**            identifying (a direct identifier: never exported),
**            or `- include: OTHER` which splices OTHER's items in place
**            (the HHS range-of-motion block is the `rom` form's items),
**   results: name, label, unit, type (number | category), better (higher |
**            lower: which direction is improvement), mcid (the minimal
**            clinically important difference, a positive number),
**   options: items with a `default` (rom_method, mhhs_factor, ...),
**   rules:   cross-item rules: `{item: B, not_before: A}`,
**   reads:   {reader: ITEM, agree_on: [ITEM, ...]},
**   repeats: true            (a log: numbered instances per patient; not with reads)
**   role:    what the analysis uses the form for (adverse_event, conversion,
**            imaging, procedure, cell_product, baseline, hip_baseline),
**   scorer:  the C scorer's name when it is not the definition's own;
**   a result may also carry sum/max_missing/rescale (a declarative score)
**   or, for type category, levels: [{name, min}, ..., {name}].
** The text is read by core/ytree (plain YAML: no aliases, no key given
** twice, one document). Each mapping is walked in document order, so the
** first problem in the file is the one reported, as AVN_E_PARSE with
** e->field = "file:line", the offending text in e->value and the rule.
**
** Invariants of a definition that parses. Names are unique within it
** (items, options, results). An alias names an existing numeric item.
** Every definition with results has a scorer (registry.c's table), and vice
** versa. Option defaults parse against their own option definition. A
** rule names items listed above it; a reader is a required text item.
**
** Memory. Each definition owns a pool of allocations (every string, the
** code arrays) and its item, option, result, rule and agree_on arrays;
** inst_def_free releases them all. Items spliced in by `include` are
** shallow copies that borrow from the included definition, which belongs
** to the registry: a definition that includes another must be freed before
** inst_registry_free(). The ytree is freed before parsing returns; nothing
** points into it.
**
** Costs. Linear in the size of the file, plus a linear name check per item
** (a few dozen items).
*/
#include "instruments/registry_int.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "core/mem.h"
#include "core/ytree.h"
#include "instruments/cond.h"

#define NAME_RULE "a name is lower-case letters, digits, _"

/* The file being read, where refusals go, and the definition being built. */
typedef struct dctx {
  ytree_reader r;
  inst_def *d;
  int depth;            /* how many includes led to this file */
} dctx;

/* A refusal at line, with value (may be NULL) as the refused text. */
#define dfail(c, line, value, ...) ytree_fail_value(&(c)->r, (line), (value), __VA_ARGS__)

/* ------------------------------------------------------------------ */
/* the pool */

static void *pool_add(inst_def *d, void *p) {
  if (!p) return NULL;
  if (avn_grow((void **)&d->pool, &d->cap_pool, d->n_pool, sizeof *d->pool)) {
    avn_free(p);
    return NULL;
  }
  d->pool[d->n_pool++] = p;
  return p;
}

/* A copy of s in d's pool, in *dst. */
static avn_rc pool_set(inst_def *d, const char *s, const char **dst, avn_err *e) {
  char *c = pool_add(d, avn_strdup(s));
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
  avn_free(d->sums);
  avn_free(d->rules);
  avn_free(d->agree_on);
  for (size_t i = 0; i < d->n_conds; i++) cond_free(d->conds[i]);
  avn_free(d->conds);
  avn_free(d);
}

/* ------------------------------------------------------------------ */
/* words */

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

const char *inst_type_name(inst_type t) {
  for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++)
    if (type_names[i].type == t) return type_names[i].name;
  return "?";
}

/* ------------------------------------------------------------------ */
/* values of one key */

/* v's text (a plain value), copied into the pool, in *dst. */
static avn_rc get_text(dctx *c, const ytree *v, const char *key, const char **dst) {
  const char *s = NULL;
  avn_rc rc = ytree_scalar(&c->r, v, key, &s);
  if (rc) return rc;
  return pool_set(c->d, s, dst, c->r.e);
}

/* get_text for a name that ok() accepts; else refused with rule. */
static avn_rc get_name(dctx *c, const ytree *v, const char *key, bool (*ok)(const char *),
                       const char *rule, const char **dst) {
  if (v->kind == YT_SCALAR && !ok(v->scalar)) return dfail(c, v->line, v->scalar, "%s", rule);
  return get_text(c, v, key, dst);
}

/* An Arabic translation (label_ar, title_ar): text with at least one
** letter of the Arabic block (U+0600-U+06FF: UTF-8 lead bytes D8-DB). */
static bool has_arabic(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s >= 0xD8 && (unsigned char)*s <= 0xDB && ((unsigned char)s[1] & 0xC0) == 0x80) return true;
  return false;
}

static avn_rc get_arabic(dctx *c, const ytree *v, const char *key, const char **dst) {
  return get_name(c, v, key, has_arabic, "an Arabic translation needs Arabic letters", dst);
}

static avn_rc get_type(dctx *c, const ytree *v, inst_type *out) {
  const char *s = NULL;
  avn_rc rc = ytree_scalar(&c->r, v, "type", &s);
  if (rc) return rc;
  for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++) {
    if (!strcmp(type_names[i].name, s)) {
      *out = type_names[i].type;
      return AVN_OK;
    }
  }
  return dfail(c, v->line, s, "type must be int, real, code, bool, date, time or text");
}

static const char *const role_names[] = {"", "adverse_event", "conversion", "imaging", "procedure",
                                         "cell_product", "baseline", "hip_baseline"};

const char *inst_role_name(inst_role r) {
  return (size_t)r < sizeof role_names / sizeof role_names[0] ? role_names[r] : "";
}

static avn_rc get_role(dctx *c, const ytree *v, inst_role *out) {
  const char *s = NULL;
  avn_rc rc = ytree_scalar(&c->r, v, "role", &s);
  if (rc) return rc;
  for (size_t i = 1; i < sizeof role_names / sizeof role_names[0]; i++) {
    if (!strcmp(role_names[i], s)) {
      *out = (inst_role)i;
      return AVN_OK;
    }
  }
  return dfail(c, v->line, s, "role must be adverse_event, conversion, imaging, procedure, cell_product, "
               "baseline or hip_baseline");
}

static avn_rc get_level(dctx *c, const ytree *v, inst_level *out) {
  const char *s = NULL;
  avn_rc rc = ytree_scalar(&c->r, v, "level", &s);
  if (rc) return rc;
  if (!strcmp(s, "patient")) {
    *out = INST_LEVEL_PATIENT;
  } else if (!strcmp(s, "hip")) {
    *out = INST_LEVEL_HIP;
  } else {
    return dfail(c, v->line, s, "level must be patient or hip");
  }
  return AVN_OK;
}

/* ------------------------------------------------------------------ */
/* items and options */

static avn_rc push_item(def_item **arr, size_t *n, size_t *cap, const def_item *it, avn_err *e) {
  if (avn_grow((void **)arr, cap, *n, sizeof **arr))
    return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory loading definitions");
  (*arr)[(*n)++] = *it;
  return AVN_OK;
}

static bool name_taken(const inst_def *d, const char *name) {
  for (size_t i = 0; i < d->n_items; i++)
    if (!strcmp(d->items[i].pub.name, name)) return true;
  return false;
}

/* One code {name, label, value} of the item called item (NULL when the
** item's name comes later in its mapping). */
static avn_rc parse_code(dctx *c, const ytree *m, const char *item, inst_code *code) {
  avn_rc rc = AVN_OK;
  if (m->kind != YT_MAP)
    return dfail(c, m->line, NULL, "a code must be a mapping {name, label, value}");
  for (size_t k = 0; k < m->n; k++) {
    const char *key = m->keys[k];
    const ytree *v = m->items[k];
    if (!strcmp(key, "name")) {
      rc = get_name(c, v, key, valid_code_name, "bad code name", &code->name);
    } else if (!strcmp(key, "label")) {
      rc = get_text(c, v, key, &code->label);
    } else if (!strcmp(key, "label_ar")) {
      rc = get_arabic(c, v, key, &code->label_ar);
    } else if (!strcmp(key, "value")) {
      rc = ytree_number(&c->r, v, key, &code->value);
    } else {
      rc = ytree_unknown_key(&c->r, m, k, "unknown key in a code (expected name, label, label_ar, value)");
    }
    if (rc) return rc;
  }
  if (!code->name || !code->label || !ytree_get(m, "value"))
    return dfail(c, m->line, item, "every code of '%s' needs name, label and value",
                 item ? item : "");
  return AVN_OK;
}

static avn_rc parse_codes(dctx *c, const ytree *seq, def_item *it) {
  if (seq->kind != YT_SEQ || seq->n == 0)
    return dfail(c, seq->line, NULL, "'codes' must be a non-empty list");
  inst_code *codes = pool_add(c->d, avn_calloc(seq->n, sizeof *codes));
  if (!codes) return avn_fail(c->r.e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  for (size_t i = 0; i < seq->n; i++) {
    avn_rc rc = parse_code(c, seq->items[i], it->pub.name, &codes[i]);
    if (rc) return rc;
    for (size_t j = 0; j < i; j++)
      if (!strcmp(codes[j].name, codes[i].name))
        return dfail(c, seq->items[i]->line, codes[i].name, "duplicate code name");
  }
  it->pub.codes = codes;
  it->pub.n_codes = seq->n;
  return AVN_OK;
}

/* The checks that need the whole item (m: its mapping). */
static avn_rc item_finish(dctx *c, const ytree *m, bool is_option, def_item *it) {
  const char *name = it->pub.name;
  bool has_min = ytree_get(m, "min") != NULL, has_max = ytree_get(m, "max") != NULL;
  if (!name) return dfail(c, m->line, NULL, "an item needs a name");
  if (!it->pub.label) return dfail(c, m->line, name, "item '%s' needs a label", name);
  if (!ytree_get(m, "type")) return dfail(c, m->line, name, "item '%s' needs a type", name);
  if (it->pub.type == INST_TEXT && has_max && !has_min) {
    it->pub.min = 0; /* a text's max alone is its length limit */
    has_min = true;
  }
  if (has_min != has_max) return dfail(c, m->line, name, "item '%s': give both min and max", name);
  if (has_min && it->pub.min > it->pub.max)
    return dfail(c, m->line, name, "item '%s': min is greater than max", name);
  if (it->pub.type == INST_CODE && !it->pub.codes)
    return dfail(c, m->line, name, "code item '%s' needs codes", name);
  if (it->pub.type != INST_CODE && it->pub.codes)
    return dfail(c, m->line, name, "item '%s' has codes but is not of type code", name);
  if (it->by_value && it->pub.type != INST_CODE)
    return dfail(c, m->line, name, "by_value on '%s' needs type code", name);
  if ((it->pub.alias_of != NULL) != (ytree_get(m, "factor") != NULL))
    return dfail(c, m->line, name, "item '%s': alias_of and factor go together", name);
  if (is_option && !it->dflt) return dfail(c, m->line, name, "option '%s' needs a default", name);
  return AVN_OK;
}

/* show_if: CONDITION, parsed now (its names are checked in def_finish,
** once every item is known). The definition owns the parsed form. */
static avn_rc parse_show_if(dctx *c, const ytree *v, def_item *it) {
  inst_def *d = c->d;
  cond *cd = NULL;
  avn_err ce;
  avn_rc rc = get_text(c, v, "show_if", &it->pub.show_if);
  if (rc) return rc;
  avn_err_clear(&ce);
  rc = cond_parse(it->pub.show_if, &cd, &ce);
  if (rc == AVN_E_NOMEM) return avn_fail(c->r.e, rc, NULL, NULL, "out of memory");
  if (rc) return dfail(c, v->line, it->pub.show_if, "show_if: %s", ce.rule);
  if (avn_grow((void **)&d->conds, &d->cap_conds, d->n_conds, sizeof *d->conds)) {
    cond_free(cd);
    return avn_fail(c->r.e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  }
  d->conds[d->n_conds++] = cd;
  it->cond = cd;
  return AVN_OK;
}

/* An item or (is_option) an option: the mapping m. */
static avn_rc parse_item(dctx *c, const ytree *m, bool is_option, def_item *it /* OUT */) {
  memset(it, 0, sizeof *it);
  it->line = m->line;
  it->pub.unit = "";
  it->pub.min = 1;
  it->pub.max = 0;
  for (size_t k = 0; k < m->n; k++) {
    const char *key = m->keys[k];
    const ytree *v = m->items[k];
    avn_rc rc = AVN_OK;
    if (!strcmp(key, "name")) {
      rc = get_name(c, v, key, valid_name, NAME_RULE, &it->pub.name);
    } else if (!strcmp(key, "label")) {
      rc = get_text(c, v, key, &it->pub.label);
    } else if (!strcmp(key, "label_ar")) {
      rc = get_arabic(c, v, key, &it->pub.label_ar);
    } else if (!strcmp(key, "unit")) {
      rc = get_text(c, v, key, &it->pub.unit);
    } else if (!strcmp(key, "alias_of")) {
      rc = get_text(c, v, key, &it->pub.alias_of);
    } else if (!strcmp(key, "default")) {
      rc = get_text(c, v, key, &it->dflt);
      if (!rc && !is_option) rc = dfail(c, m->key_lines[k], key, "'default' is only for options");
    } else if (!strcmp(key, "type")) {
      rc = get_type(c, v, &it->pub.type);
    } else if (!strcmp(key, "min")) {
      rc = ytree_number(&c->r, v, key, &it->pub.min);
    } else if (!strcmp(key, "max")) {
      rc = ytree_number(&c->r, v, key, &it->pub.max);
    } else if (!strcmp(key, "factor")) {
      rc = ytree_number(&c->r, v, key, &it->pub.alias_factor);
    } else if (!strcmp(key, "required")) {
      rc = ytree_bool(&c->r, v, key, &it->pub.required);
    } else if (!strcmp(key, "by_value")) {
      rc = ytree_bool(&c->r, v, key, &it->by_value);
    } else if (!strcmp(key, "codes")) {
      rc = parse_codes(c, v, it);
    } else if (!strcmp(key, "note")) {
      rc = get_text(c, v, key, &it->pub.note);
    } else if (!strcmp(key, "identifying")) {
      rc = ytree_bool(&c->r, v, key, &it->pub.identifying);
    } else if (!strcmp(key, "show_if") && !is_option) {
      rc = parse_show_if(c, v, it);
    } else if (is_option) {
      rc = ytree_unknown_key(&c->r, m, k, "unknown key (expected name, label, type, unit, min, "
                             "max, codes, required, alias_of, factor, by_value, default)");
    } else {
      rc = ytree_unknown_key(&c->r, m, k, "unknown key (expected name, label, type, unit, min, "
                             "max, codes, required, alias_of, factor, by_value, show_if, note, "
                             "identifying)");
    }
    if (rc) return rc;
  }
  return item_finish(c, m, is_option, it);
}

/* `- include: OTHER` (v: OTHER) splices OTHER's items in place. */
static avn_rc include_items(dctx *c, const ytree *v) {
  const inst_def *other = NULL;
  inst_def *d = c->d;
  if (v->kind != YT_SCALAR) return dfail(c, v->line, NULL, "include needs a definition name");
  avn_rc rc = registry_load_by_name(v->scalar, c->depth + 1, &other, c->r.e);
  if (rc == AVN_E_UNKNOWN)
    return dfail(c, v->line, v->scalar, "include: no definition named '%s'", v->scalar);
  if (rc) return rc;
  for (size_t i = 0; i < other->n_items; i++) {
    const char *name = other->items[i].pub.name;
    if (name_taken(d, name))
      return dfail(c, v->line, name, "included item '%s' duplicates an item", name);
    rc = push_item(&d->items, &d->n_items, &d->cap_items, &other->items[i], c->r.e);
    if (rc) return rc;
  }
  return AVN_OK;
}

/* it, just parsed from m, joins the items or (is_option) the options. */
static avn_rc add_item(dctx *c, const ytree *m, bool is_option, const def_item *it) {
  inst_def *d = c->d;
  const char *name = it->pub.name;
  if (!is_option) {
    if (name_taken(d, name)) return dfail(c, m->line, name, "duplicate item '%s'", name);
    return push_item(&d->items, &d->n_items, &d->cap_items, it, c->r.e);
  }
  for (size_t j = 0; j < d->n_opts; j++)
    if (!strcmp(d->opts[j].pub.name, name))
      return dfail(c, m->line, name, "duplicate option '%s'", name);
  if (d->n_opts >= INST_MAX_OPTS) return dfail(c, m->line, NULL, "too many options");
  return push_item(&d->opts, &d->n_opts, &d->cap_opts, it, c->r.e);
}

/* items: or (is_option) options:, a list of item mappings; an item may be
** `- include: OTHER`. */
static avn_rc parse_item_list(dctx *c, const ytree *seq, bool is_option) {
  avn_rc rc = ytree_need_seq(&c->r, seq, is_option ? "'options'" : "'items'");
  if (rc) return rc;
  for (size_t i = 0; i < seq->n; i++) {
    const ytree *m = seq->items[i];
    def_item it;
    rc = ytree_need_map(&c->r, m, is_option ? "an option" : "an item");
    if (rc) return rc;
    if (!is_option && m->n == 1 && !strcmp(m->keys[0], "include")) {
      rc = include_items(c, m->items[0]);
      if (rc) return rc;
      continue;
    }
    rc = parse_item(c, m, is_option, &it);
    if (rc) return rc;
    rc = add_item(c, m, is_option, &it);
    if (rc) return rc;
  }
  return AVN_OK;
}

/* ------------------------------------------------------------------ */
/* results, rules, reads */

/* One zeroed slot of size bytes per entry of the list seq (owned by the
** caller), or NULL: out of memory, reported in c's error. */
static void *list_slots(dctx *c, const ytree *seq, size_t size) {
  void *p = avn_calloc(seq->n ? seq->n : 1, size);
  if (!p) avn_fail(c->r.e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  return p;
}

/* `sum: [ITEM, ...]` or `rescale: [LO, HI]` of a declarative result. The
** items are checked against the definition in def_finish (they may be listed
** after the results). */
static avn_rc parse_sum_key(dctx *c, const char *key, const ytree *v, def_sum *sum) {
  if (v->kind != YT_SEQ || v->n == 0)
    return dfail(c, v->line, NULL, "'%s' must be a non-empty list", key);
  if (!strcmp(key, "rescale")) {
    if (v->n != 2) return dfail(c, v->line, NULL, "'rescale' is [LO, HI], two numbers");
    avn_rc rc = ytree_number(&c->r, v->items[0], key, &sum->lo);
    if (!rc) rc = ytree_number(&c->r, v->items[1], key, &sum->hi);
    if (rc) return rc;
    if (!(sum->lo < sum->hi)) return dfail(c, v->line, NULL, "'rescale' needs LO < HI");
    sum->rescale = true;
    return AVN_OK;
  }
  sum->line = v->line;
  sum->items = pool_add(c->d, avn_calloc(v->n, sizeof *sum->items));
  if (!sum->items) return avn_fail(c->r.e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  for (size_t j = 0; j < v->n; j++) {
    avn_rc rc = get_name(c, v->items[j], key, valid_name, NAME_RULE, &sum->items[j]);
    if (rc) return rc;
    for (size_t k = 0; k < j; k++)
      if (!strcmp(sum->items[k], sum->items[j]))
        return dfail(c, v->items[j]->line, sum->items[j], "'sum' lists '%s' twice", sum->items[j]);
    sum->n_items = j + 1;
  }
  return AVN_OK;
}

/* levels: [{name, min}, ..., {name}] of a category result: best first,
** each min below the one before, the last without min (it takes the rest). */
static avn_rc parse_levels(dctx *c, const ytree *v, inst_result_def *r) {
  if (v->kind != YT_SEQ || v->n < 2) return dfail(c, v->line, NULL, "'levels' must be a list of two or more");
  inst_cat_level *lv = pool_add(c->d, avn_calloc(v->n, sizeof *lv));
  if (!lv) return avn_fail(c->r.e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  for (size_t j = 0; j < v->n; j++) {
    const ytree *m = v->items[j];
    avn_rc rc = ytree_need_map(&c->r, m, "a level");
    if (rc) return rc;
    for (size_t k = 0; k < m->n; k++) {
      const char *key = m->keys[k];
      if (!strcmp(key, "name")) {
        rc = get_name(c, m->items[k], key, valid_code_name, "bad level name", &lv[j].name);
      } else if (!strcmp(key, "min")) {
        rc = ytree_number(&c->r, m->items[k], key, &lv[j].min);
        lv[j].has_min = true;
      } else {
        rc = ytree_unknown_key(&c->r, m, k, "unknown key in a level (expected name, min)");
      }
      if (rc) return rc;
    }
    if (!lv[j].name) return dfail(c, m->line, NULL, "a level needs a name");
    if (lv[j].has_min == (j + 1 == v->n))
      return dfail(c, m->line, lv[j].name, "every level but the last has min; the last has none");
    if (j && lv[j].has_min && !(lv[j].min < lv[j - 1].min))
      return dfail(c, m->line, lv[j].name, "levels go best first: each min below the one before");
  }
  r->levels = lv;
  r->n_levels = v->n;
  return AVN_OK;
}

/* The i-th result (m), into d->results[i]. */
static avn_rc parse_result(dctx *c, const ytree *m, size_t i) {
  inst_result_def *r = &c->d->results[i];
  avn_rc rc = ytree_need_map(&c->r, m, "a result");
  if (rc) return rc;
  r->unit = "";
  r->mcid = NAN;
  for (size_t k = 0; k < m->n; k++) {
    const char *key = m->keys[k], *s = NULL;
    const ytree *v = m->items[k];
    if (!strcmp(key, "sum") || !strcmp(key, "rescale")) {
      rc = parse_sum_key(c, key, v, &c->d->sums[i]);
      if (rc) return rc;
      continue;
    }
    if (!strcmp(key, "levels")) {
      rc = parse_levels(c, v, r);
      if (rc) return rc;
      continue;
    }
    rc = ytree_scalar(&c->r, v, key, &s); /* the other keys of a result take text */
    if (rc) return rc;
    if (!strcmp(key, "max_missing")) {
      double n = 0;
      rc = ytree_number(&c->r, v, key, &n);
      if (!rc && !(n >= 0 && n <= 1000 && n == floor(n)))
        return dfail(c, v->line, s, "'max_missing' is a whole number >= 0");
      c->d->sums[i].max_missing = (int)n;
    } else if (!strcmp(key, "name")) {
      rc = get_name(c, v, key, valid_name, "bad result name", &r->name);
    } else if (!strcmp(key, "label")) {
      rc = get_text(c, v, key, &r->label);
    } else if (!strcmp(key, "unit")) {
      rc = get_text(c, v, key, &r->unit);
    } else if (!strcmp(key, "type")) {
      if (strcmp(s, "number") && strcmp(s, "category"))
        return dfail(c, v->line, s, "a result's type is number (the default) or category");
      r->category = !strcmp(s, "category");
    } else if (!strcmp(key, "better")) {
      if (strcmp(s, "higher") && strcmp(s, "lower")) return dfail(c, v->line, s, "'better' is higher or lower");
      r->better = !strcmp(s, "higher") ? 1 : -1;
    } else if (!strcmp(key, "mcid")) {
      rc = ytree_number(&c->r, v, key, &r->mcid);
      if (!rc && !(r->mcid > 0)) return dfail(c, v->line, s, "'mcid' is a positive number (a difference, unsigned)");
    } else {
      rc = ytree_unknown_key(&c->r, m, k, "unknown key in a result (expected name, label, unit, type, "
                             "better, mcid, sum, max_missing, rescale, levels)");
    }
    if (rc) return rc;
  }
  if (!r->name || !r->label) return dfail(c, m->line, NULL, "a result needs name and label");
  if (!c->d->sums[i].items && (ytree_get(m, "max_missing") || ytree_get(m, "rescale")))
    return dfail(c, m->line, r->name, "result '%s': max_missing and rescale go with sum", r->name);
  if (r->levels && !r->category)
    return dfail(c, m->line, r->name, "result '%s': levels go with type: category", r->name);
  if (c->d->sums[i].items && r->category)
    return dfail(c, m->line, r->name, "result '%s': a sum is a number, not a category", r->name);
  for (size_t j = 0; j < i; j++)
    if (!strcmp(c->d->results[j].name, r->name))
      return dfail(c, m->line, r->name, "duplicate result '%s'", r->name);
  return AVN_OK;
}

static avn_rc parse_results(dctx *c, const ytree *seq) {
  inst_def *d = c->d;
  avn_rc rc = ytree_need_seq(&c->r, seq, "'results'");
  if (rc) return rc;
  if (seq->n > INST_MAX_RESULTS)
    return dfail(c, seq->line, NULL, "more than INST_MAX_RESULTS results");
  d->results = list_slots(c, seq, sizeof *d->results);
  if (!d->results) return AVN_E_NOMEM;
  d->sums = list_slots(c, seq, sizeof *d->sums);
  if (!d->sums) return AVN_E_NOMEM;
  for (size_t i = 0; i < seq->n; i++) {
    rc = parse_result(c, seq->items[i], i);
    if (rc) return rc;
    d->n_results = i + 1;
  }
  return AVN_OK;
}

/* {item: B, not_before: A}: both must be items listed above the rule. */
static avn_rc parse_rule(dctx *c, const ytree *m, def_rule *r) {
  avn_rc rc = ytree_need_map(&c->r, m, "a rule");
  if (rc) return rc;
  for (size_t k = 0; k < m->n; k++) {
    const char *key = m->keys[k], *s = NULL;
    const ytree *v = m->items[k];
    rc = ytree_scalar(&c->r, v, key, &s);
    if (rc) return rc;
    if (!name_taken(c->d, s)) return dfail(c, v->line, s, "rule names an unknown item '%s'", s);
    if (!strcmp(key, "item")) {
      rc = pool_set(c->d, s, &r->item, c->r.e);
    } else if (!strcmp(key, "not_before")) {
      rc = pool_set(c->d, s, &r->not_before, c->r.e);
    } else {
      rc = ytree_unknown_key(&c->r, m, k, "unknown key in a rule (expected item, not_before)");
    }
    if (rc) return rc;
  }
  if (!r->item || !r->not_before)
    return dfail(c, m->line, NULL, "a rule needs item and not_before");
  return AVN_OK;
}

static avn_rc parse_rules(dctx *c, const ytree *seq) {
  inst_def *d = c->d;
  avn_rc rc = ytree_need_seq(&c->r, seq, "'rules'");
  if (rc) return rc;
  d->rules = list_slots(c, seq, sizeof *d->rules);
  if (!d->rules) return AVN_E_NOMEM;
  for (size_t i = 0; i < seq->n; i++) {
    rc = parse_rule(c, seq->items[i], &d->rules[i]);
    if (rc) return rc;
    d->n_rules = i + 1;
  }
  return AVN_OK;
}

static avn_rc parse_agree_on(dctx *c, const ytree *seq) {
  inst_def *d = c->d;
  if (seq->kind != YT_SEQ) return dfail(c, seq->line, NULL, "'agree_on' must be a list of items");
  d->agree_on = list_slots(c, seq, sizeof *d->agree_on);
  if (!d->agree_on) return AVN_E_NOMEM;
  for (size_t i = 0; i < seq->n; i++) {
    avn_rc rc = get_text(c, seq->items[i], "agree_on", &d->agree_on[i]);
    if (rc) return rc;
    d->n_agree = i + 1;
  }
  return AVN_OK;
}

/* reads: {reader: ITEM, agree_on: [ITEM, ...]}: the form may be filled in
** by several readers of the same images; two entries naming different
** readers are two independent reads, not a double data entry. */
static avn_rc parse_reads(dctx *c, const ytree *m) {
  if (m->kind != YT_MAP)
    return dfail(c, m->line, NULL, "'reads' must be a mapping (reader, agree_on)");
  for (size_t k = 0; k < m->n; k++) {
    const char *key = m->keys[k];
    avn_rc rc = AVN_OK;
    if (!strcmp(key, "reader")) {
      rc = get_text(c, m->items[k], key, &c->d->reader);
    } else if (!strcmp(key, "agree_on")) {
      rc = parse_agree_on(c, m->items[k]);
    } else {
      rc = ytree_unknown_key(&c->r, m, k, "unknown key in reads (expected reader, agree_on)");
    }
    if (rc) return rc;
  }
  if (!c->d->reader)
    return dfail(c, m->line, NULL, "'reads' needs reader (the item naming the reader)");
  return AVN_OK;
}

/* ------------------------------------------------------------------ */
/* the definition */

/* A declarative result's items: each an item of the definition with a
** numeric value and known bounds; the possible range of the sum. */
static avn_rc sum_finish(dctx *c, def_sum *sum, const char *result) {
  sum->min_raw = sum->max_raw = 0;
  if ((size_t)sum->max_missing >= sum->n_items)
    return dfail(c, sum->line, result, "result '%s': max_missing must be below the number of "
                 "items summed (%zu)", result, sum->n_items);
  for (size_t j = 0; j < sum->n_items; j++) {
    const inst_item *it = inst_item_find(c->d, sum->items[j]);
    double lo = 0, hi = 1;
    if (!it || it->alias_of)
      return dfail(c, sum->line, sum->items[j], "result '%s' sums '%s', which is not an item of "
                   "this form", result, sum->items[j]);
    if (it->type == INST_CODE) {
      lo = hi = it->codes[0].value;
      for (size_t k = 1; k < it->n_codes; k++) {
        lo = fmin(lo, it->codes[k].value);
        hi = fmax(hi, it->codes[k].value);
      }
    } else if ((it->type == INST_INT || it->type == INST_REAL) && it->min <= it->max) {
      lo = it->min;
      hi = it->max;
    } else if (it->type != INST_BOOL) {
      return dfail(c, sum->line, sum->items[j], "result '%s' sums '%s': a summed item is a code, "
                   "a bool, or a number with min and max", result, sum->items[j]);
    }
    sum->min_raw += lo;
    sum->max_raw += hi;
  }
  if (sum->rescale && !(sum->max_raw > sum->min_raw))
    return dfail(c, sum->line, result, "result '%s': rescale needs items whose sum can vary", result);
  return AVN_OK;
}

/* A C scorer named by `scorer:` reads the items and sets the results of the
** shipped definition it was written for: this definition must have them all,
** with the same types (else the scorer would read what is not there). */
static avn_rc scorer_fits(dctx *c, int line) {
  const inst_def *d = c->d, *base = NULL;
  avn_rc rc = registry_load_by_name(d->scorer_name, c->depth + 1, &base, c->r.e);
  if (rc) return rc;
  for (size_t i = 0; i < base->n_items; i++) {
    const inst_item *want = &base->items[i].pub, *have = inst_item_find(d, want->name);
    if (!have || have->type != want->type)
      return dfail(c, line, want->name, "scorer '%s' reads item '%s' (%s): the form needs it "
                   "(`- include: %s` brings all of them)", d->scorer_name, want->name,
                   inst_type_name(want->type), d->scorer_name);
  }
  for (size_t i = 0; i < base->n_results; i++) {
    bool found = false;
    for (size_t j = 0; j < d->n_results && !found; j++)
      found = !strcmp(d->results[j].name, base->results[i].name) && !d->sums[j].items;
    if (!found)
      return dfail(c, line, base->results[i].name, "scorer '%s' sets result '%s': the form must "
                   "list it (without sum:)", d->scorer_name, base->results[i].name);
  }
  for (size_t i = 0; i < base->n_opts; i++)
    if (d->n_opts <= i || strcmp(d->opts[i].pub.name, base->opts[i].pub.name))
      return dfail(c, line, base->opts[i].pub.name, "scorer '%s' reads option '%s': the form must "
                   "list the options of %s, in its order", d->scorer_name, base->opts[i].pub.name,
                   d->scorer_name);
  return AVN_OK;
}

/* Checks that need the whole definition (root: its mapping). */
static avn_rc def_finish(dctx *c, const ytree *root, const char *expect_name) {
  inst_def *d = c->d;
  int line = root->line;
  avn_err oe;
  if (!d->name) return dfail(c, line, NULL, "the definition needs a name");
  if (!d->title) return dfail(c, line, d->name, "'%s' needs a title", d->name);
  if (!d->items) return dfail(c, line, d->name, "'%s' needs items", d->name);
  if (expect_name && strcmp(expect_name, d->name) != 0)
    return dfail(c, line, d->name, "name must match the file name '%s'", expect_name);
  for (size_t i = 0; i < d->n_items; i++) {
    const inst_item *it = &d->items[i].pub;
    if (!it->alias_of) continue;
    const inst_item *t = inst_item_find(d, it->alias_of);
    if (!t || t->alias_of || (t->type != INST_INT && t->type != INST_REAL))
      return dfail(c, line, it->name, "alias '%s' must name a numeric item of this form", it->name);
    if (it->required) return dfail(c, line, it->name, "alias '%s' cannot be required", it->name);
  }
  for (size_t i = 0; i < d->n_items; i++) {
    const def_item *di = &d->items[i];
    for (size_t k = 0; di->cond && k < cond_n_refs(di->cond); k++) {
      const char *ref = cond_ref_at(di->cond, k);
      const inst_item *t = inst_item_find(d, ref);
      if (!t)
        return dfail(c, di->line, ref, "show_if of '%s' reads '%s', which is not an item of this form%s",
                     di->pub.name, ref, cond_ref_checkbox(di->cond, k) ? " (a checkbox choice [x(code)] is "
                     "the yes/no item x___code)" : "");
      if (t == &di->pub) return dfail(c, di->line, ref, "show_if of '%s' reads the item itself", ref);
      if (cond_ref_checkbox(di->cond, k) && t->type != INST_BOOL)
        return dfail(c, di->line, ref, "show_if of '%s': checkbox choice '%s' must be a yes/no item",
                     di->pub.name, ref);
    }
  }
  if (d->reader && d->repeats)
    return dfail(c, line, "repeats", "a form with reads (one read per reader) cannot also repeat");
  if (d->reader) {
    const inst_item *r = inst_item_find(d, d->reader);
    if (!r || r->type != INST_TEXT || !r->required)
      return dfail(c, line, d->reader,
                   "reads: reader '%s' must name a required text item of this form", d->reader);
  }
  for (size_t i = 0; i < d->n_agree; i++)
    if (!inst_item_find(d, d->agree_on[i]))
      return dfail(c, line, d->agree_on[i], "reads: agree_on names an unknown item '%s'",
                   d->agree_on[i]);
  for (size_t i = 0; i < d->n_opts; i++) {
    inst_value v;
    if (registry_value_item(d, &d->opts[i], d->opts[i].dflt, &v, &oe))
      return dfail(c, line, d->opts[i].dflt, "default of option '%s' is not allowed by it",
                   d->opts[i].pub.name);
  }
  bool needs_c = false;
  for (size_t i = 0; i < d->n_results; i++) {
    avn_rc rc = d->sums[i].items ? sum_finish(c, &d->sums[i], d->results[i].name) : AVN_OK;
    if (rc) return rc;
    needs_c = needs_c || !d->sums[i].items;
  }
  d->score = registry_scorer(d->scorer_name ? d->scorer_name : d->name);
  if (d->scorer_name && !d->score)
    return dfail(c, line, d->scorer_name, "scorer: no scoring function called '%s' in avn "
                 "(hhs, vas, womac, sf36, mri, cell_product, baseline, rom)", d->scorer_name);
  if (d->scorer_name) {
    avn_rc rc = scorer_fits(c, line);
    if (rc) return rc;
  }
  if (needs_c && !d->score)
    return dfail(c, line, d->name, "'%s' lists results that are not sums but has no scoring "
                 "function (give the result a sum: or the form a scorer:)", d->name);
  if (!d->n_results && d->score)
    return dfail(c, line, d->name, "'%s' has a scoring function but lists no results", d->name);
  return AVN_OK;
}

/* The top-level mapping, key by key in document order. */
static avn_rc parse_top(dctx *c, const ytree *root) {
  for (size_t k = 0; k < root->n; k++) {
    const char *key = root->keys[k];
    const ytree *v = root->items[k];
    avn_rc rc = AVN_OK;
    if (!strcmp(key, "name")) {
      rc = get_name(c, v, key, valid_name, NAME_RULE, &c->d->name);
    } else if (!strcmp(key, "title")) {
      rc = get_text(c, v, key, &c->d->title);
    } else if (!strcmp(key, "title_ar")) {
      rc = get_arabic(c, v, key, &c->d->title_ar);
    } else if (!strcmp(key, "level")) {
      rc = get_level(c, v, &c->d->level);
    } else if (!strcmp(key, "items")) {
      rc = parse_item_list(c, v, false);
    } else if (!strcmp(key, "options")) {
      rc = parse_item_list(c, v, true);
    } else if (!strcmp(key, "results")) {
      rc = parse_results(c, v);
    } else if (!strcmp(key, "rules")) {
      rc = parse_rules(c, v);
    } else if (!strcmp(key, "reads")) {
      rc = parse_reads(c, v);
    } else if (!strcmp(key, "role")) {
      rc = get_role(c, v, &c->d->role);
    } else if (!strcmp(key, "repeats")) {
      rc = ytree_bool(&c->r, v, key, &c->d->repeats);
    } else if (!strcmp(key, "scorer")) {
      rc = get_name(c, v, key, valid_name, NAME_RULE, &c->d->scorer_name);
    } else {
      rc = ytree_unknown_key(&c->r, root, k, "unknown key (expected name, title, title_ar, level, items, "
                             "results, options, rules, reads, repeats, scorer, role)");
    }
    if (rc) return rc;
  }
  return AVN_OK;
}

avn_rc registry_parse_def(const char *file, const char *text, size_t len, const char *expect_name,
                          int depth, inst_def **out, avn_err *e) {
  ytree *root = NULL;
  avn_rc rc = AVN_OK;

  *out = NULL;
  rc = ytree_parse(file, text, len, &root, e);
  if (rc == AVN_E_NOMEM) rc = avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  if (!rc) rc = registry_parse_tree(file, root, expect_name, depth, out, e);
  ytree_free(root);
  return rc;
}

avn_rc registry_parse_tree(const char *file, const ytree *root, const char *expect_name, int depth,
                           inst_def **out, avn_err *e) {
  dctx c = {.r = {.file = file, .e = e}, .depth = depth};
  avn_rc rc = AVN_OK;

  *out = NULL;
  c.d = avn_calloc(1, sizeof *c.d);
  if (!c.d) {
    rc = avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
    goto cleanup;
  }
  rc = pool_set(c.d, file, &c.d->file, e);
  if (rc) goto cleanup;
  if (root->kind != YT_MAP) {
    rc = dfail(&c, root->line, NULL,
               "a definition must be a mapping (name, title, level, items, ...)");
    goto cleanup;
  }
  c.d->level = INST_LEVEL_PATIENT;
  rc = parse_top(&c, root);
  if (rc) goto cleanup;
  rc = def_finish(&c, root, expect_name);
  if (rc) goto cleanup;
  *out = c.d;
  c.d = NULL;

cleanup:
  inst_def_free(c.d);
  return rc;
}

avn_rc inst_def_parse(const char *file, const char *text, size_t len, inst_def **out, avn_err *e) {
  assert(file && text && out);
  return registry_parse_def(file, text, len, NULL, 0, out, e);
}

avn_rc inst_def_parse_tree(const char *file, const ytree *root, inst_def **out, avn_err *e) {
  assert(file && root && out);
  return registry_parse_tree(file, root, NULL, 0, out, e);
}
