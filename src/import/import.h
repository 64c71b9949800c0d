/*
** import.h: data brought into avn from elsewhere.
**
** Two imports:
**  - import_dictionary: a REDCap data dictionary (interop/redcap_dict.h)
**    becomes study form definitions, YAML in the format of
**    src/instruments/defs/ under `forms:`, for a protocol or `avn protocol
**    amend` (docs/import.md gives the mapping, field type by field type).
**    Every form written is parsed back by the instrument registry before it
**    is handed out, so what the import gives is what `avn init` accepts.
**  - import_records: a records file (a REDCap records export, avn's wide
**    CSV, avn's long CSV) loads into a study through store_enter, the
**    validated entry path, in one batch: with any refused row nothing is
**    written (the study file stays byte-identical) unless skip_invalid,
**    when the refused rows are left out and every one is reported.
**
** Layering: cli -> import (beside export) -> frame (the number a wide CSV
** writes for a code) -> store -> protocol -> instruments/interop -> core.
** Nothing here prints; refusals and notes go to the caller's callbacks or
** result structs.
**
** Ownership: results are the caller's, freed with their _free function;
** callback arguments are borrowed for the duration of the call.
*/
#ifndef AVN_IMPORT_H
#define AVN_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/rc.h"
#include "store/store.h"

/* --- the dictionary --- */

typedef struct import_dict_opts {
  const char *const *hip_forms;  /* forms recorded per hip (REDCap has no hips) */
  size_t n_hip_forms;
} import_dict_opts;

/* Something a person should review: a calculated field imported as a
** plain item, a validation avn does not enforce, a field with no data. */
typedef struct import_note {
  size_t row;                    /* the dictionary row (spreadsheet numbering) */
  char *field;                   /* the variable */
  char *text;
} import_note;

typedef struct import_dict_result {
  char *yaml;                    /* "forms:\n  - name: ...", with a comment header */
  size_t n_fields, n_forms, n_items;
  import_note *notes;
  size_t n_notes;
} import_dict_result;

avn_rc import_dictionary(const char *path, const import_dict_opts *o, import_dict_result *out /* OUT */,
                         avn_err *e);
/* The same from memory (tests, the fuzzer); label names the source. */
avn_rc import_dictionary_mem(const char *data, size_t len, const char *label, const import_dict_opts *o,
                             import_dict_result *out /* OUT */, avn_err *e);
void import_dict_result_free(import_dict_result *r);

/* --- records --- */

typedef enum import_format { IMPORT_LONG, IMPORT_WIDE, IMPORT_REDCAP } import_format;

/* "long", "wide", "redcap" to a format; AVN_E_UNKNOWN naming the choices. */
avn_rc import_format_parse(const char *name, import_format *out /* OUT */, avn_err *e);

/* A refused row: which row (spreadsheet numbering: the header is row 1),
** which column, the value and the rule (the store's or the reader's). */
typedef struct import_refusal {
  size_t row;                    /* the row of the value at fault */
  size_t first, last;            /* the rows left out with it (one unit) */
  const char *column, *value, *rule;
} import_refusal;
typedef void (*import_refusal_fn)(void *ctx, const import_refusal *r);

/* Progress: rows done of total, now and then (every 1% or so). */
typedef void (*import_progress_fn)(void *ctx, size_t done, size_t total);

typedef struct import_opts {
  import_format format;
  bool skip_invalid;             /* load the valid rows, report the others */
  const char *map_path;          /* --map: REDCap event -> avn visit (YAML), or NULL */
  const char *user;
  const char *reason;            /* for values that change recorded ones; NULL: such rows are refused */
  import_refusal_fn refused;     /* each refused row (may be NULL) */
  import_progress_fn progress;   /* may be NULL */
  void *ctx;
} import_opts;

typedef struct import_summary {
  size_t rows;                   /* data rows read */
  size_t forms, values;          /* form entries written, values new or changed */
  size_t patients, visits;       /* patients enrolled, visit dates recorded or changed */
  size_t refused;                /* rows refused */
  size_t ignored_columns;        /* columns with no avn item (computed scores, identifiers) */
  bool loaded;                   /* false: nothing was written */
} import_summary;

/* Loads the file into s. AVN_OK when the file was read, even with refused
** rows (see sum->refused and sum->loaded); an error when it could not be
** read at all (no such file, not CSV, a header the format does not know). */
avn_rc import_records(store *s, const char *path, const import_opts *o, import_summary *sum /* OUT */,
                      avn_err *e);

#endif
