/*
** import_dict.c: a REDCap data dictionary -> avn form definitions (YAML).
**
** The mapping, field type by field type (docs/import.md has the table):
**   text            text; with validation integer -> int, number* -> real,
**                   date_ymd/date_mdy/date_dmy -> date, time -> time (the
**                   others stay text, noted); Text Validation Min/Max -> min
**                   and max of a number (both, or noted and left out)
**   notes           text
**   radio, dropdown code, a code per choice (value: the code when every
**                   code is a number, else its position)
**   yesno, truefalse bool (REDCap's 1/0 is avn's yes/no)
**   checkbox        one yes/no item per choice, FIELD___CODE, as REDCap
**                   exports them; [field(code)] in conditions reads it
**   slider          int 0-100 (or the validation's bounds)
**   calc            real, with a note: avn does not compute it (noted)
**   file, sql       text, noted
**   descriptive     no item (display text only), noted
** Required Field? -> required; Identifier? -> identifying; Branching Logic
** -> show_if, parsed here (a syntax avn does not evaluate is refused with
** the row); a condition reading a field of another form cannot be
** evaluated in one form, so it is left out and noted. The first field of a
** REDCap project is its record id: avn's patient number, not an item.
**
** Output: YAML through libyaml's emitter (so quoting is libyaml's), each
** form parsed back by the registry (inst_def_parse_tree) before returning.
**
** Memory: the result owns its YAML and notes (import_dict_result_free).
*/
#include "import/import.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/buf.h"
#include "core/mem.h"
#include "core/ytree.h"
#include "instruments/cond.h"
#include "instruments/instrument.h"
#include "interop/redcap_dict.h"

#define NAME_MAX_LEN 48   /* an avn item or form name */

typedef struct dctx {
  const redcap_dict *d;
  const import_dict_opts *o;
  import_dict_result *out;
  yaml_emitter_t em;
  bool em_ok;
  avn_buf yaml;
  avn_err *e;
} dctx;

static avn_rc note(dctx *c, const redcap_field *f, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static avn_rc note(dctx *c, const redcap_field *f, const char *fmt, ...) {
  import_dict_result *r = c->out;
  char text[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  size_t cap = r->n_notes;   /* grown one at a time: notes are few */
  import_note *g = avn_reallocarray(r->notes, cap + 1, sizeof *g);
  if (!g) return avn_fail(c->e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  r->notes = g;
  g[r->n_notes].row = f->row;
  g[r->n_notes].field = avn_strdup(f->name);
  g[r->n_notes].text = avn_strdup(text);
  r->n_notes++;
  if (!g[r->n_notes - 1].field || !g[r->n_notes - 1].text)
    return avn_fail(c->e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  return AVN_OK;
}

static avn_rc refuse(dctx *c, const redcap_field *f, redcap_col col, const char *value, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static avn_rc refuse(dctx *c, const redcap_field *f, redcap_col col, const char *value, const char *fmt, ...) {
  char field[128], rule[384];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(rule, sizeof rule, fmt, ap);
  va_end(ap);
  snprintf(field, sizeof field, "%s (row %zu)", redcap_col_name(col), f->row);
  return avn_fail(c->e, AVN_E_PARSE, field, value, "%s", rule);
}

/* ------------------------------------------------------------------ */
/* the emitter                                                         */

static int write_cb(void *data, unsigned char *buffer, size_t size) {
  return avn_buf_append(data, (const char *)buffer, size) == AVN_OK;
}

/* The emitter owns an event it is given, even when it fails; one not given
** (after an earlier failure) is deleted here. */
static void emit(dctx *c, yaml_event_t *ev, int ok) {
  if (!ok) {
    c->em_ok = false;
  } else if (!c->em_ok) {
    yaml_event_delete(ev);
  } else if (!yaml_emitter_emit(&c->em, ev)) {
    c->em_ok = false;
  }
}

static void y_map(dctx *c, bool flow) {
  yaml_event_t ev;
  emit(c, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, flow ? YAML_FLOW_MAPPING_STYLE
                                                                             : YAML_BLOCK_MAPPING_STYLE));
}
static void y_map_end(dctx *c) {
  yaml_event_t ev;
  emit(c, &ev, yaml_mapping_end_event_initialize(&ev));
}
static void y_seq(dctx *c) {
  yaml_event_t ev;
  emit(c, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE));
}
static void y_seq_end(dctx *c) {
  yaml_event_t ev;
  emit(c, &ev, yaml_sequence_end_event_initialize(&ev));
}
/* A scalar: plain for names, numbers and booleans; quoted for words. */
static void y_scalar(dctx *c, const char *s, bool quoted) {
  yaml_event_t ev;
  emit(c, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1, 1,
                                            quoted ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE));
}
static void y_kv(dctx *c, const char *key, const char *value, bool quoted) {
  y_scalar(c, key, false);
  y_scalar(c, value, quoted);
}
static void y_num(dctx *c, const char *key, double v) {
  char buf[40];
  snprintf(buf, sizeof buf, "%.15g", v);
  y_kv(c, key, buf, false);
}

/* ------------------------------------------------------------------ */
/* fields                                                              */

static bool is_number(const char *s, double *x) {
  char *end = NULL;
  if (!s || !*s) return false;
  *x = strtod(s, &end);
  return *end == '\0' && isfinite(*x);
}

static bool avn_name_ok(const char *s) { return strlen(s) <= NAME_MAX_LEN; }

static bool code_name_ok(const char *s) {
  if (!*s || strlen(s) > 48) return false;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' ||
          *s == '.' || *s == '/' || *s == '-'))
      return false;
  return true;
}

/* The form of the field a condition reference names (a checkbox item
** FIELD___CODE belongs to FIELD), or NULL when the dictionary lacks it. */
static const redcap_field *ref_field(dctx *c, const cond *cd, size_t k) {
  const char *ref = cond_ref_at(cd, k);
  if (!cond_ref_checkbox(cd, k)) return redcap_dict_find(c->d, ref);
  const char *sep = strstr(ref, "___");
  char name[128];
  if (!sep || (size_t)(sep - ref) >= sizeof name) return NULL;
  snprintf(name, sizeof name, "%.*s", (int)(sep - ref), ref);
  return redcap_dict_find(c->d, name);
}

/* The field's branching logic as show_if text, or NULL (none, or noted and
** left out). A syntax avn cannot evaluate is refused. */
static avn_rc logic(dctx *c, const redcap_field *f, const char **show_if) {
  const char *text = f->cell[RC_BRANCHING];
  cond *cd = NULL;
  avn_err ce;
  *show_if = NULL;
  if (!*text) return AVN_OK;
  avn_err_clear(&ce);
  avn_rc rc = cond_parse(text, &cd, &ce);
  if (rc == AVN_E_NOMEM) return avn_fail(c->e, rc, NULL, NULL, "out of memory");
  if (rc) return refuse(c, f, RC_BRANCHING, text, "%s (avn evaluates [field] comparisons with = <> < > <= >=, "
                        "and, or, parentheses, [field(code)])", ce.rule);
  for (size_t k = 0; k < cond_n_refs(cd) && !rc; k++) {
    const redcap_field *g = ref_field(c, cd, k);
    if (!g) {
      rc = refuse(c, f, RC_BRANCHING, text, "reads [%s], which the dictionary does not define", cond_ref_at(cd, k));
    } else if (cond_ref_checkbox(cd, k) && strcmp(g->type, "checkbox") != 0) {
      rc = refuse(c, f, RC_BRANCHING, text, "[%s(...)] names a choice, but %s is not a checkbox field", g->name, g->name);
    } else if (strcmp(g->form, f->form) != 0 || g == redcap_dict_at(c->d, 0)) {
      cond_free(cd);
      return note(c, f, "branching logic %s reads %s on form %s: avn evaluates a condition within one form, so it "
                  "was left out (the item always applies); review", text, g->name, g->form);
    }
  }
  cond_free(cd);
  if (!rc) *show_if = text;
  return rc;
}

/* min and max of a number from the validation columns (both or noted). */
static avn_rc bounds(dctx *c, const redcap_field *f, double lo_default, double hi_default, bool has_default) {
  const char *lo = f->cell[RC_MIN], *hi = f->cell[RC_MAX];
  double a = lo_default, b = hi_default;
  bool has_lo = *lo, has_hi = *hi;
  if (has_lo && !is_number(lo, &a))
    return refuse(c, f, RC_MIN, lo, "the minimum of a number is a number");
  if (has_hi && !is_number(hi, &b))
    return refuse(c, f, RC_MAX, hi, "the maximum of a number is a number");
  if (has_lo != has_hi && !has_default) {
    return note(c, f, "only a %s is given (%s): avn checks a range with both bounds, so none is checked; review",
                has_lo ? "minimum" : "maximum", has_lo ? lo : hi);
  }
  if (!has_lo && !has_hi && !has_default) return AVN_OK;
  if (a > b) return refuse(c, f, RC_MIN, lo, "the minimum is greater than the maximum (%s)", hi);
  y_num(c, "min", a);
  y_num(c, "max", b);
  return AVN_OK;
}

static void common_keys(dctx *c, const redcap_field *f, const char *name, const char *label, const char *show_if,
                        bool required) {
  y_kv(c, "name", name, false);
  y_kv(c, "label", *label ? label : name, true);
  if (required) y_kv(c, "required", "true", false);
  if (f->identifier) y_kv(c, "identifying", "true", false);
  if (show_if) y_kv(c, "show_if", show_if, true);
}

/* A text field by its validation type. */
static avn_rc text_field(dctx *c, const redcap_field *f, const char *show_if) {
  const char *v = f->cell[RC_VALIDATION];
  const char *type = "text";
  bool numeric = false;
  if (!strcmp(v, "integer")) {
    type = "int";
    numeric = true;
  } else if (!strncmp(v, "number", 6)) {
    type = "real";
    numeric = true;
  } else if (!strcmp(v, "date_ymd") || !strcmp(v, "date_mdy") || !strcmp(v, "date_dmy")) {
    type = "date";
  } else if (!strcmp(v, "time")) {
    type = "time";
  }
  y_map(c, false);
  common_keys(c, f, f->name, f->label, show_if, f->required);
  y_kv(c, "type", type, false);
  avn_rc rc = AVN_OK;
  if (numeric) rc = bounds(c, f, 0, 0, false);
  y_map_end(c);
  if (rc) return rc;
  if (*v && !numeric && strcmp(type, "text") != 0 && (*f->cell[RC_MIN] || *f->cell[RC_MAX]))
    rc = note(c, f, "the %s bounds (%s..%s) are not checked by avn; review", v, f->cell[RC_MIN], f->cell[RC_MAX]);
  else if (*v && !strcmp(type, "text"))
    rc = note(c, f, "validation %s is not checked by avn: imported as text", v);
  return rc;
}

static avn_rc coded_field(dctx *c, const redcap_field *f, const char *show_if) {
  bool all_numeric = true;
  double x = 0;
  for (size_t k = 0; k < f->n_choices; k++) {
    if (!code_name_ok(f->choices[k].code))
      return refuse(c, f, RC_CHOICES, f->choices[k].code, "an avn code is letters, digits, _ . / - (at most 48)");
    if (!*f->choices[k].label) return refuse(c, f, RC_CHOICES, f->choices[k].code, "the choice needs a label");
    all_numeric &= is_number(f->choices[k].code, &x);
  }
  y_map(c, false);
  common_keys(c, f, f->name, f->label, show_if, f->required);
  y_kv(c, "type", "code", false);
  y_scalar(c, "codes", false);
  y_seq(c);
  for (size_t k = 0; k < f->n_choices; k++) {
    y_map(c, true);
    y_kv(c, "name", f->choices[k].code, true);
    y_kv(c, "label", f->choices[k].label, true);
    if (all_numeric) is_number(f->choices[k].code, &x);
    else x = (double)(k + 1);
    y_num(c, "value", x);
    y_map_end(c);
  }
  y_seq_end(c);
  y_map_end(c);
  return AVN_OK;
}

static avn_rc checkbox_field(dctx *c, const redcap_field *f, const char *show_if) {
  for (size_t k = 0; k < f->n_choices; k++) {
    char name[192], label[1024];
    if (!cond_checkbox_item(f->name, f->choices[k].code, name, sizeof name) || !avn_name_ok(name))
      return refuse(c, f, RC_CHOICES, f->choices[k].code, "the choice's item %s___%s is longer than %d characters",
                    f->name, f->choices[k].code, NAME_MAX_LEN);
    snprintf(label, sizeof label, "%s: %s", *f->label ? f->label : f->name, f->choices[k].label);
    y_map(c, false);
    common_keys(c, f, name, label, show_if, false);
    y_kv(c, "type", "bool", false);
    y_map_end(c);
  }
  if (f->required) return note(c, f, "a required checkbox (at least one choice ticked) is not checked by avn; review");
  return AVN_OK;
}

/* One field as zero or more items of its form. */
static avn_rc field_items(dctx *c, const redcap_field *f, size_t *n_items) {
  const char *show_if = NULL;
  const char *t = f->type;
  avn_rc rc = AVN_OK;
  if (!avn_name_ok(f->name))
    return refuse(c, f, RC_NAME, f->name, "an avn item name is at most %d characters", NAME_MAX_LEN);
  if (!strcmp(t, "descriptive")) return note(c, f, "descriptive text: no data, no item");
  rc = logic(c, f, &show_if);
  if (rc) return rc;
  (*n_items)++;
  if (!strcmp(t, "text")) return text_field(c, f, show_if);
  if (!strcmp(t, "radio") || !strcmp(t, "dropdown")) return coded_field(c, f, show_if);
  if (!strcmp(t, "checkbox")) {
    *n_items += f->n_choices - 1;
    return checkbox_field(c, f, show_if);
  }
  y_map(c, false);
  common_keys(c, f, f->name, f->label, show_if, f->required && strcmp(t, "calc") != 0);
  if (!strcmp(t, "yesno") || !strcmp(t, "truefalse")) {
    y_kv(c, "type", "bool", false);
  } else if (!strcmp(t, "slider")) {
    y_kv(c, "type", "int", false);
    rc = bounds(c, f, 0, 100, true);
  } else if (!strcmp(t, "calc")) {
    char text[1200];
    snprintf(text, sizeof text, "REDCap calculation: %s. avn does not compute it: enter the value, or define "
             "the score as a result of the form; review", f->cell[RC_CHOICES]);
    y_kv(c, "type", "real", false);
    y_kv(c, "note", text, true);
  } else {   /* notes, file, sql */
    y_kv(c, "type", "text", false);
  }
  y_map_end(c);
  if (rc) return rc;
  if (!strcmp(t, "calc"))
    rc = note(c, f, "calculated field (%s): imported as a plain number, NOT computed; review", f->cell[RC_CHOICES]);
  else if (!strcmp(t, "file") || !strcmp(t, "sql"))
    rc = note(c, f, "%s field: imported as text; review", t);
  return rc;
}

static bool hip_form(const import_dict_opts *o, const char *form) {
  for (size_t i = 0; o && i < o->n_hip_forms; i++)
    if (!strcmp(o->hip_forms[i], form)) return true;
  return false;
}

/* "pain_scores" -> "Pain scores". */
static void title_of(const char *form, char *out, size_t n) {
  snprintf(out, n, "%s", form);
  for (char *p = out; *p; p++)
    if (*p == '_') *p = ' ';
  if (out[0] >= 'a' && out[0] <= 'z') out[0] = (char)(out[0] - 'a' + 'A');
}

/* Every form in order of first appearance, its fields in dictionary order. */
static avn_rc emit_forms(dctx *c) {
  size_t n = redcap_dict_n(c->d);
  avn_rc rc = AVN_OK;
  bool *done = avn_calloc(n ? n : 1, sizeof *done);
  if (!done) return avn_fail(c->e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  y_scalar(c, "forms", false);
  y_seq(c);
  for (size_t i = 0; i < n && !rc; i++) {
    const redcap_field *first = redcap_dict_at(c->d, i);
    if (done[i]) continue;
    if (!avn_name_ok(first->form)) {
      rc = refuse(c, first, RC_FORM, first->form, "an avn form name is at most %d characters", NAME_MAX_LEN);
      break;
    }
    const inst_def *shipped = inst_find(first->form);
    if (shipped && inst_is_shipped(shipped)) {
      rc = refuse(c, first, RC_FORM, first->form, "avn ships a form of this name: rename the form");
      break;
    }
    /* A form whose only field is the record id or display text has no items. */
    size_t n_data = 0;
    for (size_t j = i; j < n; j++) {
      const redcap_field *f = redcap_dict_at(c->d, j);
      if (!strcmp(f->form, first->form) && j != 0 && strcmp(f->type, "descriptive") != 0) n_data++;
    }
    char title[128];
    title_of(first->form, title, sizeof title);
    if (n_data) {
      y_map(c, false);
      y_kv(c, "name", first->form, false);
      y_kv(c, "title", title, true);
      y_kv(c, "level", hip_form(c->o, first->form) ? "hip" : "patient", false);
      y_scalar(c, "items", false);
      y_seq(c);
    }
    for (size_t j = i; j < n && !rc; j++) {
      const redcap_field *f = redcap_dict_at(c->d, j);
      if (strcmp(f->form, first->form) != 0) continue;
      done[j] = true;
      c->out->n_fields++;
      if (j == 0) rc = note(c, f, "the record id: avn's patient number, not an item");
      else rc = field_items(c, f, &c->out->n_items);
    }
    if (n_data) {
      y_seq_end(c);
      y_map_end(c);
      c->out->n_forms++;
    }
  }
  y_seq_end(c);
  avn_free(done);
  return rc;
}

/* Every form written, read back by the registry: the output is a valid
** `forms:` list (a failure here is a fault of the mapping above). */
static avn_rc verify(dctx *c, const char *label) {
  ytree *root = NULL;
  avn_rc rc = ytree_parse(label, avn_buf_str(&c->yaml), c->yaml.len, &root, c->e);
  if (rc) return rc;
  const ytree *forms = ytree_get(root, "forms");
  for (size_t i = 0; forms && forms->kind == YT_SEQ && i < forms->n && !rc; i++) {
    inst_def *d = NULL;
    rc = inst_def_parse_tree(label, forms->items[i], &d, c->e);
    inst_def_free(d);
  }
  ytree_free(root);
  return rc;
}

static avn_rc convert(const redcap_dict *d, const char *label, const import_dict_opts *o, import_dict_result *out,
                      avn_err *e) {
  dctx c = {.d = d, .o = o, .out = out, .e = e, .em_ok = true};
  avn_rc rc = AVN_OK;
  yaml_event_t ev;
  avn_buf_init(&c.yaml, 64u << 20);
  avn_buf_printf(&c.yaml, "# Forms from the REDCap data dictionary %s (avn import dictionary).\n"
                          "# Put them in a protocol (or avn protocol amend); review the notes the import printed.\n",
                 label);
  if (!yaml_emitter_initialize(&c.em)) {
    avn_buf_free(&c.yaml);
    return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  }
  yaml_emitter_set_output(&c.em, write_cb, &c.yaml);
  yaml_emitter_set_unicode(&c.em, 1);
  yaml_emitter_set_width(&c.em, 120);
  emit(&c, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
  emit(&c, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
  y_map(&c, false);
  rc = emit_forms(&c);
  y_map_end(&c);
  emit(&c, &ev, yaml_document_end_event_initialize(&ev, 1));
  emit(&c, &ev, yaml_stream_end_event_initialize(&ev));
  if (!rc && !c.em_ok)
    rc = avn_fail(e, c.em.error == YAML_MEMORY_ERROR ? AVN_E_NOMEM : AVN_E_PARSE, "dictionary", label,
                  "the forms could not be written as YAML: %s",
                  c.em.problem ? c.em.problem : "a text the YAML writer refused");
  yaml_emitter_delete(&c.em);
  if (!rc) rc = verify(&c, label);
  if (!rc) out->yaml = avn_buf_take(&c.yaml);
  if (!rc && !out->yaml) rc = avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  avn_buf_free(&c.yaml);
  return rc;
}

avn_rc import_dictionary_mem(const char *data, size_t len, const char *label, const import_dict_opts *o,
                             import_dict_result *out, avn_err *e) {
  redcap_dict *d = NULL;
  assert(data && label && out);
  memset(out, 0, sizeof *out);
  avn_rc rc = redcap_dict_read_mem(data, len, label, &d, e);
  if (!rc) rc = convert(d, label, o, out, e);
  redcap_dict_free(d);
  if (rc) import_dict_result_free(out);
  return rc;
}

avn_rc import_dictionary(const char *path, const import_dict_opts *o, import_dict_result *out, avn_err *e) {
  redcap_dict *d = NULL;
  assert(path && out);
  memset(out, 0, sizeof *out);
  avn_rc rc = redcap_dict_read_file(path, &d, e);
  if (!rc) rc = convert(d, path, o, out, e);
  redcap_dict_free(d);
  if (rc) import_dict_result_free(out);
  return rc;
}

void import_dict_result_free(import_dict_result *r) {
  if (!r) return;
  avn_free(r->yaml);
  for (size_t i = 0; i < r->n_notes; i++) {
    avn_free(r->notes[i].field);
    avn_free(r->notes[i].text);
  }
  avn_free(r->notes);
  memset(r, 0, sizeof *r);
}
