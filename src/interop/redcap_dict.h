/*
** redcap_dict.h: a REDCap data dictionary (the CSV REDCap's "Data
** Dictionary" page downloads and uploads) read into fields.
**
** What it owns: the dictionary's rows as fields, each with its row number,
** name, form, type, label, choices split into (code, label), validation,
** bounds, flags, branching logic and annotation, as text. It checks the
** rules of REDCap's documented format, not avn's: the columns in REDCap's
** order (the first thirteen required, the last five optional, as older
** dictionaries lack them), a name and a form on every row, a known field
** type, choices written "code, label | code, label" for radio, dropdown
** and checkbox fields, codes unique within a field, names unique, and
** Identifier? / Required Field? either "y" or blank. Mapping the fields to
** avn's definitions is the import's job (import/import_dict.c).
**
** Rows are numbered as a spreadsheet numbers them: the header is row 1, the
** first field row 2. Refusals are AVN_E_PARSE with e->field = "COLUMN (row
** N)", e->value the cell, and the rule.
**
** Ownership: redcap_dict_read_* return a dictionary freed with
** redcap_dict_free; every string is borrowed from it.
**
** Costs: one pass over the file (csv_table), O(bytes); names checked for
** duplicates with a hash table.
*/
#ifndef AVN_REDCAP_DICT_H
#define AVN_REDCAP_DICT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/rc.h"

/* The columns of a REDCap data dictionary, in REDCap's order. */
typedef enum redcap_col {
  RC_NAME, RC_FORM, RC_SECTION, RC_TYPE, RC_LABEL, RC_CHOICES, RC_NOTE, RC_VALIDATION, RC_MIN, RC_MAX,
  RC_IDENTIFIER, RC_BRANCHING, RC_REQUIRED, RC_ALIGN, RC_QUESTION, RC_MATRIX, RC_RANKING, RC_ANNOTATION,
  RC__N
} redcap_col;

/* The column's header as REDCap writes it ("Variable / Field Name"). Static. */
const char *redcap_col_name(redcap_col c);

typedef struct redcap_choice {
  const char *code, *label;
} redcap_choice;

typedef struct redcap_field {
  size_t row;                    /* spreadsheet row: 2 for the first field */
  const char *cell[RC__N];       /* every column as written ("" when absent) */
  const char *name, *form, *type, *label;   /* = cell[RC_NAME], ... */
  bool identifier, required;     /* "y" */
  redcap_choice *choices;        /* radio, dropdown, checkbox; NULL otherwise */
  size_t n_choices;
} redcap_field;

typedef struct redcap_dict redcap_dict;

avn_rc redcap_dict_read_file(const char *path, redcap_dict **out /* OUT */, avn_err *e);
/* The same from memory; label names the source in messages. */
avn_rc redcap_dict_read_mem(const char *data, size_t len, const char *label, redcap_dict **out /* OUT */,
                            avn_err *e);
void redcap_dict_free(redcap_dict *d);

size_t redcap_dict_n(const redcap_dict *d);
const redcap_field *redcap_dict_at(const redcap_dict *d, size_t i);
/* The field called name, or NULL. */
const redcap_field *redcap_dict_find(const redcap_dict *d, const char *name);

#endif
