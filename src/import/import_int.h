/*
** import_int.h: the plan of a records import, shared by its two halves
** (not for callers outside src/import/):
**
**   import_rows.c  a records file + the protocol -> a plan: units (a row of
**                  a wide or REDCap file, a run of rows of one form in a long
**                  file), each with its form entries (patient, visit, form,
**                  hip, entry, item=value pairs with the column of each).
**                  No database: the fuzzer runs it alone.
**   import.c       runs the plan through store_enter in one batch.
**
** A unit is loaded or refused whole. A unit refused while planning (a hip
** that is neither left nor right, a column no form at the row's visit
** collects) carries its refusal; the store's refusals come later.
**
** Memory: a plan owns its units, entries and strings (import_plan_free).
*/
#ifndef AVN_IMPORT_INT_H
#define AVN_IMPORT_INT_H

#include "import/import.h"
#include "interop/csv_table.h"
#include "protocol/protocol.h"

typedef struct import_entry {
  char *patient, *visit, *form;
  char *instance;            /* a long file's instance column ("" or NULL: none) */
  int side, entry;
  char **kv;                 /* "item=value" */
  size_t *col;               /* the column of each kv */
  size_t *row;               /* the row of each kv */
  size_t n_kv, cap_kv;
  char *date;                /* the visit's date (YYYY-MM-DD) when the file gives it, else NULL */
  long date_col;             /* the column that gives visit dates, or -1 */
} import_entry;

typedef struct import_unit {
  size_t first, last;        /* rows (spreadsheet numbering) */
  size_t entry0, n_entries;  /* its entries: plan->entries[entry0 ...] */
  bool refused;
  char column[128], value[256], rule[384];   /* the refusal */
  size_t refused_row;
} import_unit;

typedef struct import_plan {
  import_unit *units;
  size_t n_units, cap_units;
  import_entry *entries;
  size_t n_entries, cap_entries;
  size_t rows, ignored_columns;
} import_plan;

/* The plan of table t (read from label) in format fmt against protocol p;
** map_text (may be NULL) is the --map YAML. The file's own errors (a
** header the format does not know, a bad map) are returned; a row's are
** kept in its unit. */
/* code_value(it, k): the number a wide CSV writes for code k of item it
** (frame_code_value); NULL takes cells as code names only. */
typedef double (*import_code_value_fn)(const inst_item *it, size_t k);
avn_rc import_plan_build(const csv_table *t, import_format fmt, const protocol *p, const char *map_text,
                         size_t map_len, const char *map_label, import_code_value_fn code_value,
                         import_plan *out /* OUT */, avn_err *e);
void import_plan_free(import_plan *pl);

#endif
