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
  long date_col;             /* the column that gives the visit's date, or -1 (names it in a refusal) */
} import_entry;

/* A visit's date given by the file (a wide file's VISIT_date, REDCap's
** --map date: field), recorded through store_visit before the unit's forms. */
typedef struct import_vdate {
  char *visit, *date;
  size_t col, row;
} import_vdate;

/* One enrolment detail or screening value of a patient, as the file gives
** it. key: "enrolled", "sex", "birth", "site", "screening", "screened", or
** a screening field as avn screen takes it ("age", "stage.left"). */
typedef struct import_pfield {
  char *key, *value;
  size_t col, row;
} import_pfield;

/* A patient named with enrolment columns (import_patient.c): enrolled
** through store_screen and store_enroll when the study lacks it, checked
** against the study's enrolment when it has it. Refused whole: then every
** unit of the patient is refused with it. */
typedef struct import_patient {
  char *code;
  import_pfield *f;
  size_t n_f, cap_f;
  size_t row;                /* the first row naming the patient */
  bool refused;
  char column[128], value[256], rule[384];
  size_t refused_row;
} import_patient;

typedef struct import_unit {
  size_t first, last;        /* rows (spreadsheet numbering) */
  size_t entry0, n_entries;  /* its entries: plan->entries[entry0 ...] */
  size_t vdate0, n_vdates;   /* its visit dates: plan->vdates[vdate0 ...] */
  long patient;              /* its patient's enrolment: plan->patients[patient], or -1 */
  const char *code;          /* its patient (borrowed from the table), or NULL */
  bool refused;
  char column[128], value[256], rule[384];   /* the refusal */
  size_t refused_row;
} import_unit;

typedef struct import_plan {
  import_unit *units;
  size_t n_units, cap_units;
  import_entry *entries;
  size_t n_entries, cap_entries;
  import_vdate *vdates;
  size_t n_vdates, cap_vdates;
  import_patient *patients;
  size_t n_patients, cap_patients;
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

/* Whether the store's rc means the study could not be written at all
** (the import stops), rather than a refusal of the row (the row goes). */
static inline bool import_fatal(avn_rc rc) {
  return rc == AVN_E_NOMEM || rc == AVN_E_DB || rc == AVN_E_BUSY || rc == AVN_E_CORRUPT || rc == AVN_E_IO;
}

/* --- patients (import_patient.c) --- */

/* Enrolment columns of a row-per-unit file (wide, REDCap): which column of
** t gives which key (import_pfield.key), or NULL for none. Names:
** enrolled, sex, birth_date, site (REDCap: also redcap_data_access_group),
** screening, screened, and screen_FIELD (screen_FIELD_left/_right for a
** per-hip field; screen_FIELD alone is the row's hip in a hip-unit file).
** taken(ctx, h) says a column is something else (an item): not enrolment.
** The keys are g_malloc'd (a caller may replace one with g_strdup); the
** array is freed with them by import_pcols_free. */
typedef bool (*import_col_taken_fn)(void *ctx, const char *h);
avn_rc import_pcols(const csv_table *t, const protocol *p, import_col_taken_fn taken, void *ctx,
                    char ***keys /* OUT: ncol entries, each NULL or a key */, avn_err *e);
void import_pcols_free(char **keys, size_t ncol);
/* Adds row r's enrolment cells (keys from import_pcols; side: the row's hip
** in a hip-unit file, else SIDE_PATIENT) to the patient's record in pl,
** created at its first cell; patients (a GHashTable) maps a code to its
** record's index + 1 (keys borrowed from the records). */
avn_rc import_patient_row(import_plan *pl, void *patients, const csv_table *t, char *const *keys, size_t r,
                          const char *code, int side, avn_err *e);
/* The column an enrolment key is read from ("birth" -> "birth_date"), or
** NULL when key is a screening field. */
const char *import_enrol_column(const char *key);
/* The record's value for key, or NULL (borrowed from pt). */
const import_pfield *import_patient_field(const import_patient *pt, const char *key);
/* Refuses pt (its first refusal stands) naming column, value, row, rule. */
void import_patient_refuse(import_patient *pt, const char *column, const char *value, size_t row, const char *fmt,
                           ...) __attribute__((format(printf, 5, 6)));

/* (import_enrol.c) Enrols (or checks) a patient record in s; a refusal
** marks it refused. An error only when the study cannot be written at all.
** *enrolled: 1 when the patient was enrolled now. */
avn_rc import_patient_run(store *s, const csv_table *t, import_patient *pt, const char *user,
                          int *enrolled /* OUT */);
void import_patient_free(import_patient *pt);

#endif
