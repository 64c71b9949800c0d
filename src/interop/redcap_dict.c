/*
** redcap_dict.c: a REDCap data dictionary CSV -> fields (see redcap_dict.h).
**
** The CSV itself is read by csv_table (libcsv, RFC 4180); this file checks
** the dictionary's own rules and splits choices. Choice lists are parsed
** into copies kept in one allocation per field (codes and labels trimmed),
** all freed by redcap_dict_free; the other strings are the table's cells.
*/
#include "interop/redcap_dict.h"

#include <assert.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/mem.h"
#include "interop/csv_table.h"

struct redcap_dict {
  csv_table *t;
  redcap_field *fields;
  size_t n;
  char **copies;             /* choice text, one block per field with choices */
  size_t n_copies, cap_copies;
  GHashTable *by_name;       /* name -> field index + 1 (borrowed keys) */
};

/* Header, and the prefix a dictionary's header must start with (REDCap's
** own files differ across versions after it: "Branching Logic (Show field
** only if...)", "Question Number (surveys only)"). */
static const struct {
  const char *name, *prefix;
} cols[RC__N] = {
    {"Variable / Field Name", "Variable"},
    {"Form Name", "Form Name"},
    {"Section Header", "Section Header"},
    {"Field Type", "Field Type"},
    {"Field Label", "Field Label"},
    {"Choices, Calculations, OR Slider Labels", "Choices"},
    {"Field Note", "Field Note"},
    {"Text Validation Type OR Show Slider Number", "Text Validation Type"},
    {"Text Validation Min", "Text Validation Min"},
    {"Text Validation Max", "Text Validation Max"},
    {"Identifier?", "Identifier"},
    {"Branching Logic (Show field only if...)", "Branching Logic"},
    {"Required Field?", "Required Field"},
    {"Custom Alignment", "Custom Alignment"},
    {"Question Number (surveys only)", "Question Number"},
    {"Matrix Group Name", "Matrix Group Name"},
    {"Matrix Ranking?", "Matrix Ranking"},
    {"Field Annotation", "Field Annotation"},
};
#define RC_REQUIRED_COLS 13   /* through "Required Field?" */

static const char *const field_types[] = {"text", "notes", "radio", "dropdown", "checkbox", "yesno", "truefalse",
                                          "calc", "slider", "descriptive", "file", "sql"};

const char *redcap_col_name(redcap_col c) { return (size_t)c < RC__N ? cols[c].name : "?"; }

static avn_rc cell_fail(avn_err *e, const redcap_field *f, redcap_col c, const char *value, const char *rule) {
  char field[128];
  snprintf(field, sizeof field, "%s (row %zu)", cols[c].name, f->row);
  return avn_fail(e, AVN_E_PARSE, field, value, "%s", rule);
}

static bool lower_name(const char *s) {
  if (!(*s >= 'a' && *s <= 'z')) return false;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) return false;
  return true;
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) s[--n] = '\0';
  return s;
}

/* "1, Male | 2, Female" (REDCap also writes each choice on its own line
** with a pipe): the codes and labels of f, in a copy f owns through d. */
static avn_rc parse_choices(redcap_dict *d, redcap_field *f, avn_err *e) {
  const char *text = f->cell[RC_CHOICES];
  char *copy = NULL;
  size_t n = 1;
  if (!*text) return cell_fail(e, f, RC_CHOICES, text, "a radio, dropdown or checkbox field needs its choices: "
                                                        "\"1, First | 2, Second\"");
  for (const char *p = text; *p; p++) n += *p == '|';
  copy = avn_strdup(text);
  f->choices = avn_calloc(n, sizeof *f->choices);
  if (!copy || !f->choices || avn_grow((void **)&d->copies, &d->cap_copies, d->n_copies, sizeof *d->copies)) {
    avn_free(copy);
    return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  }
  d->copies[d->n_copies++] = copy;
  char *save = NULL;
  for (char *part = strtok_r(copy, "|", &save); part; part = strtok_r(NULL, "|", &save)) {
    char *comma = strchr(part, ',');
    if (!comma) return cell_fail(e, f, RC_CHOICES, trim(part), "each choice is \"code, label\"");
    *comma = '\0';
    const char *code = trim(part), *label = trim(comma + 1);
    if (!*code) return cell_fail(e, f, RC_CHOICES, label, "a choice needs its code before the comma");
    for (size_t k = 0; k < f->n_choices; k++)
      if (!strcmp(f->choices[k].code, code)) return cell_fail(e, f, RC_CHOICES, code, "a choice code is given twice");
    f->choices[f->n_choices].code = code;
    f->choices[f->n_choices++].label = label;
  }
  if (!f->n_choices) return cell_fail(e, f, RC_CHOICES, text, "no choices: \"1, First | 2, Second\"");
  return AVN_OK;
}

static avn_rc flag(const redcap_field *f, redcap_col c, bool *out, avn_err *e) {
  const char *s = f->cell[c];
  *out = false;
  if (!*s) return AVN_OK;
  if (!strcasecmp(s, "y")) {
    *out = true;
    return AVN_OK;
  }
  return cell_fail(e, f, c, s, "is \"y\" or blank");
}

static avn_rc read_field(redcap_dict *d, size_t r, redcap_field *f, avn_err *e) {
  size_t ncol = csv_table_ncol(d->t);
  f->row = r + 2;
  for (size_t c = 0; c < RC__N; c++) f->cell[c] = c < ncol ? csv_table_cell(d->t, r, c) : "";
  for (size_t c = 0; c < RC__N; c++)
    if (!g_utf8_validate(f->cell[c], -1, NULL))
      return cell_fail(e, f, (redcap_col)c, NULL, "is not UTF-8 text (save the dictionary as UTF-8 CSV)");
  f->name = f->cell[RC_NAME];
  f->form = f->cell[RC_FORM];
  f->type = f->cell[RC_TYPE];
  f->label = f->cell[RC_LABEL];
  if (!lower_name(f->name))
    return cell_fail(e, f, RC_NAME, f->name, "a variable name is lower-case letters, digits and _, "
                                             "starting with a letter");
  if (!lower_name(f->form))
    return cell_fail(e, f, RC_FORM, f->form, "a form name is lower-case letters, digits and _, starting with a letter");
  bool known = false;
  for (size_t i = 0; i < sizeof field_types / sizeof field_types[0]; i++) known |= !strcmp(field_types[i], f->type);
  if (!known)
    return cell_fail(e, f, RC_TYPE, f->type, "a field type is text, notes, radio, dropdown, checkbox, yesno, "
                                             "truefalse, calc, slider, descriptive, file or sql");
  avn_rc rc = flag(f, RC_IDENTIFIER, &f->identifier, e);
  if (!rc) rc = flag(f, RC_REQUIRED, &f->required, e);
  if (rc) return rc;
  if (!strcmp(f->type, "radio") || !strcmp(f->type, "dropdown") || !strcmp(f->type, "checkbox"))
    rc = parse_choices(d, f, e);
  if (rc) return rc;
  if (g_hash_table_lookup(d->by_name, f->name)) {
    const redcap_field *first = &d->fields[GPOINTER_TO_SIZE(g_hash_table_lookup(d->by_name, f->name)) - 1];
    char rule[96];
    snprintf(rule, sizeof rule, "the variable is already defined in row %zu", first->row);
    return cell_fail(e, f, RC_NAME, f->name, rule);
  }
  g_hash_table_insert(d->by_name, (gpointer)f->name, GSIZE_TO_POINTER(r + 1));
  return AVN_OK;
}

static avn_rc check_header(const csv_table *t, avn_err *e) {
  size_t ncol = csv_table_ncol(t);
  if (ncol < RC_REQUIRED_COLS || ncol > RC__N)
    return avn_fail(e, AVN_E_PARSE, "header (row 1)", NULL, "a REDCap data dictionary has %d to %d columns, "
                    "this file %zu: is it a data dictionary (not a records export)?", RC_REQUIRED_COLS, RC__N, ncol);
  for (size_t c = 0; c < ncol; c++) {
    const char *h = csv_table_name(t, c);
    if (strncasecmp(h, cols[c].prefix, strlen(cols[c].prefix)) != 0) {
      char field[64];
      snprintf(field, sizeof field, "header column %zu (row 1)", c + 1);
      return avn_fail(e, AVN_E_PARSE, field, h, "REDCap's column %zu is \"%s\"", c + 1, cols[c].name);
    }
  }
  return AVN_OK;
}

static avn_rc build(csv_table *t, redcap_dict **out, avn_err *e) {
  avn_rc rc = AVN_OK;
  redcap_dict *d = avn_calloc(1, sizeof *d);
  if (!d) {
    csv_table_free(t);
    return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  }
  d->t = t;
  d->by_name = g_hash_table_new(g_str_hash, g_str_equal);
  rc = check_header(t, e);
  if (rc) goto cleanup;
  d->n = csv_table_nrow(t);
  if (d->n == 0) {
    rc = avn_fail(e, AVN_E_PARSE, "Variable / Field Name", NULL, "the dictionary has no fields");
    goto cleanup;
  }
  d->fields = avn_calloc(d->n, sizeof *d->fields);
  if (!d->fields) {
    rc = avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
    goto cleanup;
  }
  for (size_t r = 0; r < d->n; r++) {
    rc = read_field(d, r, &d->fields[r], e);
    if (rc) goto cleanup;
  }
  *out = d;
  d = NULL;
cleanup:
  redcap_dict_free(d);
  return rc;
}

avn_rc redcap_dict_read_file(const char *path, redcap_dict **out, avn_err *e) {
  csv_table *t = NULL;
  assert(path && out);
  *out = NULL;
  avn_rc rc = csv_table_read_file(path, &t, e);
  return rc ? rc : build(t, out, e);
}

avn_rc redcap_dict_read_mem(const char *data, size_t len, const char *label, redcap_dict **out, avn_err *e) {
  csv_table *t = NULL;
  assert(data && out);
  *out = NULL;
  avn_rc rc = csv_table_read_mem(data, len, label, &t, e);
  return rc ? rc : build(t, out, e);
}

void redcap_dict_free(redcap_dict *d) {
  if (!d) return;
  for (size_t i = 0; i < d->n && d->fields; i++) avn_free(d->fields[i].choices);
  for (size_t i = 0; i < d->n_copies; i++) avn_free(d->copies[i]);
  avn_free(d->copies);
  avn_free(d->fields);
  if (d->by_name) g_hash_table_destroy(d->by_name);
  csv_table_free(d->t);
  avn_free(d);
}

size_t redcap_dict_n(const redcap_dict *d) { return d->n; }
const redcap_field *redcap_dict_at(const redcap_dict *d, size_t i) { return i < d->n ? &d->fields[i] : NULL; }

const redcap_field *redcap_dict_find(const redcap_dict *d, const char *name) {
  size_t i = GPOINTER_TO_SIZE(g_hash_table_lookup(d->by_name, name));
  return i ? &d->fields[i - 1] : NULL;
}
