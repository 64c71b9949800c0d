/*
** import_patient.c: the patients a records file brings, as planned (see
** import_int.h): which columns give enrolment details and screening values
** (import_pcols), and each patient's values gathered over all its rows (a
** hip-unit file has a row per hip; a REDCap record a row per event) into
** one record (import_patient_row). No database: the fuzzer runs it with
** import_rows.c. import_enrol.c takes the records through the store.
**
** A patient's rows must agree: a second, different value for the same key
** refuses the patient, naming both rows.
**
** Memory: records and their strings belong to the plan
** (import_plan_free); keys from import_pcols to the caller
** (import_pcols_free).
*/
#include "import/import_int.h"

#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/mem.h"

/* The enrolment keys and the column each is read from. */
static const char *const enrol_keys[][2] = {{"enrolled", "enrolled"}, {"sex", "sex"}, {"birth", "birth_date"},
                                            {"site", "site"}, {"screening", "screening"},
                                            {"screened", "screened"}};
#define N_ENROL_KEYS (sizeof enrol_keys / sizeof enrol_keys[0])

const char *import_enrol_column(const char *key) {
  for (size_t k = 0; k < N_ENROL_KEYS; k++)
    if (!strcmp(enrol_keys[k][0], key)) return enrol_keys[k][1];
  return NULL;
}

void import_pcols_free(char **keys, size_t ncol) {
  if (!keys) return;
  for (size_t j = 0; j < ncol; j++) g_free(keys[j]);   /* g_strdup'd, as every key */
  avn_free(keys);
}

/* The key of a screen_ column: "FIELD", "FIELD.left", or "FIELD.*" (a
** per-hip field whose side is the row's hip). */
static avn_rc screen_key(const protocol *p, const char *h, bool hip_rows, char **key, avn_err *e) {
  char base[128];
  const char *rest = h + strlen("screen_");
  const char *side = NULL;
  size_t n = strlen(rest);
  if (n >= sizeof base)   /* no screening field's name is that long */
    return avn_fail(e, AVN_E_UNKNOWN, "header (row 1)", h, "protocol '%s' has no screening field of this name",
                    p->name);
  snprintf(base, sizeof base, "%s", rest);
  const proto_field *f = protocol_find_field(p, base);
  if (!f && n > 5 && !strcmp(rest + n - 5, "_left")) side = "left";
  if (!f && n > 6 && !strcmp(rest + n - 6, "_right")) side = "right";
  if (side) {
    base[n - strlen(side) - 1] = '\0';
    f = protocol_find_field(p, base);
  }
  if (!f)
    return avn_fail(e, AVN_E_UNKNOWN, "header (row 1)", h, "protocol '%s' has no screening field '%s' (screen_FIELD, "
                    "screen_FIELD_left, screen_FIELD_right)", p->name, base);
  if (f->per_hip && !side && !hip_rows)
    return avn_fail(e, AVN_E_USAGE, "header (row 1)", h, "'%s' is screened per hip: name the columns "
                    "screen_%s_left and screen_%s_right", base, base, base);
  if (!f->per_hip && side)
    return avn_fail(e, AVN_E_USAGE, "header (row 1)", h, "'%s' is a patient-level screening field: screen_%s",
                    base, base);
  *key = g_strdup_printf("%s%s%s", base, f->per_hip ? "." : "", f->per_hip ? (side ? side : "*") : "");
  return AVN_OK;
}

avn_rc import_pcols(const csv_table *t, const protocol *p, import_col_taken_fn taken, void *ctx, char ***keys,
                    avn_err *e) {
  size_t ncol = csv_table_ncol(t), site_col = 0;
  bool has_site = csv_table_find(t, "site", &site_col, NULL) == AVN_OK;
  bool hip_rows = p->per_hip;
  char **k = avn_calloc(ncol ? ncol : 1, sizeof *k);
  avn_rc rc = AVN_OK;
  if (!k) return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  for (size_t j = 0; j < ncol && !rc; j++) {
    const char *h = csv_table_name(t, j), *key = NULL;
    if (taken && taken(ctx, h)) continue;
    for (size_t q = 0; q < N_ENROL_KEYS && !key; q++)
      if (!strcmp(h, enrol_keys[q][1])) key = enrol_keys[q][0];
    if (!key && !has_site && !strcmp(h, "redcap_data_access_group")) key = "site";
    if (key) {
      k[j] = g_strdup(key);
    } else if (!strncmp(h, "screen_", 7)) {
      rc = screen_key(p, h, hip_rows, &k[j], e);
    }
  }
  if (rc) {
    import_pcols_free(k, ncol);
    return rc;
  }
  *keys = k;
  return AVN_OK;
}

void import_patient_free(import_patient *pt) {
  avn_free(pt->code);
  for (size_t i = 0; i < pt->n_f; i++) {
    g_free(pt->f[i].key);
    avn_free(pt->f[i].value);
  }
  avn_free(pt->f);
}

void import_patient_refuse(import_patient *pt, const char *column, const char *value, size_t row, const char *fmt, ...) {
  va_list ap;
  if (pt->refused) return;
  pt->refused = true;
  pt->refused_row = row;
  snprintf(pt->column, sizeof pt->column, "%s", column);
  snprintf(pt->value, sizeof pt->value, "%s", value ? value : "");
  va_start(ap, fmt);
  vsnprintf(pt->rule, sizeof pt->rule, fmt, ap);
  va_end(ap);
}

const import_pfield *import_patient_field(const import_patient *pt, const char *key) {
  for (size_t i = 0; i < pt->n_f; i++)
    if (!strcmp(pt->f[i].key, key)) return &pt->f[i];
  return NULL;
}

avn_rc import_patient_row(import_plan *pl, void *patients, const csv_table *t, char *const *keys, size_t r,
                          const char *code, int side, avn_err *e) {
  GHashTable *h = patients;
  size_t row = r + 2;
  for (size_t j = 0; j < csv_table_ncol(t); j++) {
    if (!keys[j] || csv_table_missing(t, r, j) || !*csv_table_cell(t, r, j)) continue;
    const char *cell = csv_table_cell(t, r, j);
    size_t idx = GPOINTER_TO_SIZE(g_hash_table_lookup(h, code));
    if (!idx) {
      if (avn_grow((void **)&pl->patients, &pl->cap_patients, pl->n_patients, sizeof *pl->patients))
        return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
      import_patient *np = &pl->patients[pl->n_patients++];
      memset(np, 0, sizeof *np);
      np->row = row;
      if (!(np->code = avn_strdup(code))) return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
      g_hash_table_insert(h, np->code, GSIZE_TO_POINTER(pl->n_patients));
      idx = pl->n_patients;
    }
    import_patient *pt = &pl->patients[idx - 1];
    char *key = NULL;
    size_t kn = strlen(keys[j]);
    if (kn > 2 && !strcmp(keys[j] + kn - 2, ".*")) {
      if (side == SIDE_PATIENT) {
        import_patient_refuse(pt, csv_table_name(t, j), cell, row, "a per-hip screening field on a row with no hip");
        continue;
      }
      key = g_strdup_printf("%.*s.%s", (int)(kn - 2), keys[j], side_name(side));
    } else {
      key = g_strdup(keys[j]);
    }
    const import_pfield *was = import_patient_field(pt, key);
    if (was) {
      if (strcmp(was->value, cell) != 0)
        import_patient_refuse(pt, csv_table_name(t, j), cell, row, "row %zu gives '%s' for patient %s (column '%s')", was->row,
                  was->value, code, csv_table_name(t, was->col));
      g_free(key);
      continue;
    }
    if (avn_grow((void **)&pt->f, &pt->cap_f, pt->n_f, sizeof *pt->f)) {
      g_free(key);
      return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
    }
    pt->f[pt->n_f] = (import_pfield){.key = key, .value = avn_strdup(cell), .col = j, .row = row};
    if (!pt->f[pt->n_f++].value) return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  }
  return AVN_OK;
}

