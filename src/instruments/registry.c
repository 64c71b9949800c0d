/*
** registry.c: the registry of instrument definitions, value parsing,
** completeness and cross-item rules, and dispatch to the scorers.
**
** What it owns. Which definitions exist: every file
** src/instruments/defs/NAME.yaml (compiled into the binary, core/embedded.h)
** becomes one inst_def, parsed by registry_parse.c (the definition format
** and its checks are described there), the first time any inst_* function
** needs the registry. The scorer table below binds a definition's name to
** its C scoring function. Then, per definition: the accessors, the parsing
** of one entered value against its item (type, range, codes, aliases),
** the completeness and cross-item rules of a response, and scoring.
**
** A study's own forms (a protocol's `forms:`) join later through
** inst_register, after the shipped ones; a name registered again shadows the
** earlier version (lookups go newest first), which stays alive until
** inst_registry_free; inst_registry_rollback drops what a failed protocol
** load registered. Shipped names cannot be registered again.
**
** Invariants. A shipped name is registered once; a definition that includes
** another is registered after it. Every result is either a declarative sum
** (`sum:`, computed here by registry_score_sums) or set by the definition's
** C scorer from the table (by `scorer:` or its own name); a scorer without
** results is refused (registry_parse.c).
**
** Memory. The registry owns its definitions and frees them all in
** inst_registry_free(); everything the accessors return is borrowed from
** them. Definitions from inst_def_parse are the caller's (inst_def_free),
** but may borrow items from a registry definition they include. The
** registry is a process-wide singleton, loaded lazily and not thread-safe
** until loaded: call inst_registry_load() early in a threaded program (the
** web server does so before it starts).
**
** Costs. Loading parses a dozen small files once; lookups are linear over
** about a dozen definitions and a few dozen items.
*/
#include "instruments/registry_int.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/embedded.h"
#include "core/mem.h"
#include "core/text.h"
#include "instruments/cond.h"
#include "instruments/scoring.h"

#define DEFS_PREFIX "instruments/defs/"
#define TEXT_MAX_DEFAULT 2000

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
  inst_def **defs;      /* shipped first (n_shipped), then study-defined forms */
  size_t n, cap;
  size_t n_shipped;
  bool loaded;
  avn_rc rc;          /* result of the first load */
  avn_err err;
} reg;

inst_scorer registry_scorer(const char *name) {
  for (size_t i = 0; i < sizeof scorers / sizeof scorers[0]; i++)
    if (!strcmp(scorers[i].name, name)) return scorers[i].fn;
  return NULL;
}

/* ------------------------------------------------------------------ */
/* registry */

/* The newest definition called name: a study's form registered again (a
** protocol reloaded or amended) shadows its earlier version, which stays
** alive for whoever borrowed it. */
static const inst_def *reg_lookup(const char *name) {
  for (size_t i = reg.n; i-- > 0;)
    if (!strcmp(reg.defs[i]->name, name)) return reg.defs[i];
  return NULL;
}

avn_rc registry_load_by_name(const char *name, int depth, const inst_def **out, avn_err *e) {
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
  rc = registry_parse_def(key, f->data, f->len, name, depth, &d, e);
  if (rc) return rc;
  if (avn_grow((void **)&reg.defs, &reg.cap, reg.n, sizeof *reg.defs)) {
    inst_def_free(d);
    return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
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
    reg.rc = registry_load_by_name(name, 0, &d, &reg.err);
    if (reg.rc) break;
  }
  reg.n_shipped = reg.n;
  if (reg.rc && e) *e = reg.err;
  return reg.rc;
}

avn_rc inst_register(inst_def *d, avn_err *e) {
  avn_rc rc = inst_registry_load(e);
  if (!rc) {
    for (size_t i = 0; i < reg.n_shipped; i++)
      if (!strcmp(reg.defs[i]->name, d->name))
        rc = avn_fail(e, AVN_E_EXISTS, d->file, d->name,
                      "form '%s' is one of avn's own instruments: give the study's form another name",
                      d->name);
  }
  if (!rc && avn_grow((void **)&reg.defs, &reg.cap, reg.n, sizeof *reg.defs))
    rc = avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  if (rc) {
    inst_def_free(d);
    return rc;
  }
  reg.defs[reg.n++] = d;
  return AVN_OK;
}

size_t inst_registry_mark(void) { return reg.n; }

void inst_registry_rollback(size_t mark) {
  while (reg.n > mark && reg.n > reg.n_shipped) inst_def_free(reg.defs[--reg.n]);
}

bool inst_is_shipped(const inst_def *d) {
  for (size_t i = 0; i < reg.n_shipped; i++)
    if (reg.defs[i] == d) return true;
  return false;
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

const char *inst_role_form(inst_role r) {
  if (r == INST_ROLE_NONE || inst_registry_load(NULL)) return "";
  for (size_t i = reg.n; i-- > 0;)
    if (reg.defs[i]->role == r) return reg.defs[i]->name;
  return "";
}
inst_role inst_get_role(const inst_def *d) { return d->role; }

const char *inst_name(const inst_def *d) { return d->name; }
const char *inst_title(const inst_def *d) { return d->title; }
const char *inst_title_ar(const inst_def *d) { return d->title_ar; }
inst_level inst_get_level(const inst_def *d) { return d->level; }
size_t inst_n_items(const inst_def *d) { return d->n_items; }
const inst_item *inst_item_at(const inst_def *d, size_t i) {
  return i < d->n_items ? &d->items[i].pub : NULL;
}
const inst_item *inst_item_find(const inst_def *d, const char *item) {
  for (size_t i = 0; i < d->n_items; i++)   /* the first byte first: called per stored value */
    if (d->items[i].pub.name[0] == item[0] && !strcmp(d->items[i].pub.name, item)) return &d->items[i].pub;
  return NULL;
}
size_t inst_n_results(const inst_def *d) { return d->n_results; }
const char *inst_reader_item(const inst_def *d) { return d->reader; }
bool inst_repeats(const inst_def *d) { return d->repeats; }
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

const inst_missing_code inst_missing_codes[] = {
    {"NA", "not applicable"},   {"ND", "not done"},         {"UNK", "unknown"},
    {"ASKU", "asked but unknown"}, {"NASK", "not asked"},   {"NI", "no information"},
    {"NAV", "temporarily not available"}, {"MSK", "masked"}, {"OTH", "other"},
};
const size_t inst_n_missing_codes = sizeof inst_missing_codes / sizeof inst_missing_codes[0];

const inst_missing_code *inst_missing_code_find(const char *text) {
  for (size_t i = 0; text && i < inst_n_missing_codes; i++)
    if (!strcmp(inst_missing_codes[i].code, text)) return &inst_missing_codes[i];
  return NULL;
}

avn_rc registry_value_item(const inst_def *d, const def_item *di, const char *text,
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
  const inst_missing_code *mc = di->dflt ? NULL : inst_missing_code_find(text);   /* not for options */
  if (mc) {
    out->missing = true;
    out->code = mc->code;
    if (it->alias_of) out->item = inst_item_find(d, it->alias_of)->name;
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
    if (avn_date_check(field, text, &t, e)) { /* for an item, a text that is no date has the wrong type */
      if (e) e->rc = AVN_E_TYPE;
      return AVN_E_TYPE;
    }
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
    avn_rc trc = avn_text_check(field, text, AVN_TEXT_LINE, maxlen, e);   /* UTF-8, one line */
    if (trc) return trc;
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
    if (!strcmp(d->items[i].pub.name, item)) return registry_value_item(d, &d->items[i], text, out, e);
  char field[128];
  snprintf(field, sizeof field, "%s.%s", d->name, item);
  return avn_fail(e, AVN_E_UNKNOWN, field, NULL, "no such item in %s (avn score %s --items lists them)",
                  d->name, d->name);
}

static const inst_value *resp_get(const inst_response *r, const char *item) {
  const inst_value *hit = NULL;
  for (size_t i = 0; r && i < r->n; i++)
    if (r->values[i].item && r->values[i].item[0] == item[0] && !strcmp(r->values[i].item, item)) hit = &r->values[i];
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

typedef struct cond_ctx {
  const inst_def *d;
  const inst_response *resp;
} cond_ctx;

/* A value as the condition language reads it (cond.h): a code's name, a
** yes/no as 1/0, numbers and dates as written; NULL when blank. */
static const char *cond_value(void *ctx, const char *item, char *buf, size_t n) {
  const cond_ctx *cc = ctx;
  const inst_value *v = resp_get(cc->resp, item);
  const inst_item *it = inst_item_find(cc->d, item);
  if (!v || !it) return NULL;
  if (v->code) return v->code;
  if (v->missing) return NULL;
  if (it->type == INST_BOOL) return v->num != 0 ? "1" : "0";
  value_words(it, v, buf, n);
  return buf;
}

bool inst_item_applies(const inst_def *d, const inst_item *it, const inst_response *resp) {
  const def_item *di = (const def_item *)it;   /* pub is def_item's first member */
  assert(d && it);
  if (!it->show_if) return true;
  if (!di->cond) return true;
  cond_ctx cc = {d, resp};
  return cond_eval(di->cond, cond_value, &cc);
}

size_t inst_missing_required(const inst_def *d, const inst_response *resp, char *out, size_t n) {
  size_t count = 0, len = 0;
  if (n) out[0] = '\0';
  for (size_t i = 0; i < d->n_items; i++) {
    const inst_item *it = &d->items[i].pub;
    const inst_value *v = resp_get(resp, it->name);
    if (!it->required || (v && (!v->missing || v->code)) || !inst_item_applies(d, it, resp)) continue;
    if (len < n) {
      int w = snprintf(out + len, n - len, "%s%s", count ? ", " : "", it->name);
      if (w > 0) len += (size_t)w;
    }
    count++;
  }
  return count;
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
  /* A value for an item whose condition is false is refused whatever else
  ** is wrong: the form would hold an answer to a question it did not ask. */
  for (size_t i = 0; i < d->n_items; i++) {
    const inst_item *it = &d->items[i].pub;
    const inst_value *v = resp_get(resp, it->name);
    char vw[64];
    if (!it->show_if || !v || (v->missing && !v->code) || inst_item_applies(d, it, resp)) continue;
    if (v->code) snprintf(vw, sizeof vw, "%s", v->code);
    else value_words(it, v, vw, sizeof vw);
    snprintf(field, sizeof field, "%s.%s", d->name, it->name);
    return avn_fail(e, AVN_E_STATE, field, vw, "applies only when %s, which the form's values make false: "
                    "leave it blank", it->show_if);
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
  /* Last, so AVN_E_REQUIRED means every value given is valid and only
  ** required items are missing: the form is stored and scored as incomplete. */
  for (size_t i = 0; i < d->n_items; i++) {
    const inst_item *it = &d->items[i].pub;
    const inst_value *v = resp_get(resp, it->name);
    if (!it->required || (v && (!v->missing || v->code)) || !inst_item_applies(d, it, resp)) continue;
    snprintf(field, sizeof field, "%s.%s", d->name, it->name);
    return avn_fail(e, AVN_E_REQUIRED, field, NULL, "required: the form is incomplete without it");
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
    if (s->r[i].name[0] == name[0] && !strcmp(s->r[i].name, name)) return &s->r[i];
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

const inst_result_def *inst_result_find(const inst_def *d, const char *name) {
  for (size_t i = 0; d && i < d->n_results; i++)
    if (!strcmp(d->results[i].name, name)) return &d->results[i];
  return NULL;
}

int inst_level_index(const inst_result_def *r, const char *name) {
  for (size_t i = 0; r && name && i < r->n_levels; i++)
    if (!strcmp(r->levels[i].name, name)) return (int)i;
  return -1;
}

void inst_set_level(const inst_ctx *c, inst_scores *s, const char *name, double value) {
  const inst_result_def *r = inst_result_find(c->def, name);
  assert(r && r->n_levels);
  for (size_t i = 0; r && i < r->n_levels; i++) {
    if (r->levels[i].has_min && value < r->levels[i].min) continue;
    inst_set_text(s, name, r->levels[i].name, (double)(r->n_levels - i));
    return;
  }
}

const inst_result *inst_scores_get(const inst_scores *s, const char *name) {
  for (size_t i = 0; i < s->n; i++)
    if (s->r[i].name[0] == name[0] && !strcmp(s->r[i].name, name)) return &s->r[i];
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
    avn_rc rc = registry_value_item(d, &d->opts[i], d->opts[i].dflt, &c.opt[i], e);
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
    rc = registry_value_item(d, &d->opts[i], opts[j].value, &c.opt[i], e);
    if (rc) return rc;
    /* the option's field name is d.opt, like an item */
  }
  for (size_t i = 0; i < d->n_results; i++) {
    out->r[i].name = d->results[i].name;
    out->r[i].missing = true;
  }
  out->n = d->n_results;
  registry_score_sums(&c, out);
  if (!d->score) return AVN_OK;
  return d->score(&c, out, e);
}

void registry_score_sums(const inst_ctx *c, inst_scores *out) {
  const inst_def *d = c->def;
  for (size_t i = 0; d->sums && i < d->n_results; i++) {
    const def_sum *sum = &d->sums[i];
    double total = 0, v = 0;
    size_t answered = 0;
    if (!sum->items) continue;
    for (size_t j = 0; j < sum->n_items; j++) {
      if (!inst_ctx_num(c, sum->items[j], &v)) continue;
      total += v;
      answered++;
    }
    size_t missing = sum->n_items - answered;
    if (missing > (size_t)sum->max_missing || answered == 0) continue;
    /* each missing item takes the mean of the answered ones */
    total += (double)missing * total / (double)answered;
    if (sum->rescale)
      total = sum->lo + (total - sum->min_raw) * (sum->hi - sum->lo) / (sum->max_raw - sum->min_raw);
    inst_set_num(out, d->results[i].name, total);
  }
}
