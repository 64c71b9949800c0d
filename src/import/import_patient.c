/*
** import_patient.c: the patients a records file brings (see import_int.h).
**
** A wide or REDCap file may give, beside the form values, the enrolment of
** each patient: the columns enrolled, sex, birth_date, site, screening,
** screened and screen_FIELD (docs/import.md). They are gathered per patient
** over all the patient's rows (a hip-unit file has a row per hip; a REDCap
** record a row per event), then, before the forms, each patient goes
** through the study's own door:
**   - not in the study: store_screen (the screen_ values, on the screening
**     date, default the enrolment date; the screening number defaults to
**     the patient's id), then store_enroll; the hips are the screening's
**     eligible hips, as for avn screen + avn enroll;
**   - in the study: the given enrolled, sex, birth_date and site must be
**     the study's (a file never changes an enrolment silently: avn amend).
** A refusal names the column, the value and the rule, and refuses every
** unit of the patient. Everything runs inside the import's batch, so it
** is audited like avn screen and avn enroll and undone with the batch.
**
** Memory: records and their strings belong to the plan
** (import_plan_free); keys from import_pcols to the caller.
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

static const char *key_column(const char *key) {
  for (size_t k = 0; k < N_ENROL_KEYS; k++)
    if (!strcmp(enrol_keys[k][0], key)) return enrol_keys[k][1];
  return NULL;
}

static bool is_enrol_key(const char *key) { return key_column(key) != NULL; }

void import_pcols_free(char **keys, size_t ncol) {
  if (!keys) return;
  for (size_t j = 0; j < ncol; j++) avn_free(keys[j]);
  avn_free(keys);
}

/* The key of a screen_ column: "FIELD", "FIELD.left", or "FIELD.*" (a
** per-hip field whose side is the row's hip). */
static avn_rc screen_key(const protocol *p, const char *h, bool hip_rows, char **key, avn_err *e) {
  char base[128];
  const char *rest = h + strlen("screen_");
  const char *side = NULL;
  size_t n = strlen(rest);
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

static void pt_refuse(import_patient *pt, const char *column, const char *value, size_t row, const char *fmt, ...) {
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

static const import_pfield *pfield(const import_patient *pt, const char *key) {
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
        pt_refuse(pt, csv_table_name(t, j), cell, row, "a per-hip screening field on a row with no hip");
        continue;
      }
      key = g_strdup_printf("%.*s.%s", (int)(kn - 2), keys[j], side_name(side));
    } else {
      key = g_strdup(keys[j]);
    }
    const import_pfield *was = pfield(pt, key);
    if (was) {
      if (strcmp(was->value, cell) != 0)
        pt_refuse(pt, csv_table_name(t, j), cell, row, "row %zu gives '%s' for patient %s (column '%s')", was->row,
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

/* The column a key is read from, as the file names it (or would). */
static void key_col(const csv_table *t, const import_patient *pt, const char *key, char *out, size_t n) {
  const import_pfield *f = pfield(pt, key);
  const char *c = key_column(key);
  if (f) {
    snprintf(out, n, "%s", csv_table_name(t, f->col));
  } else if (c) {
    snprintf(out, n, "%s", c);
  } else {
    const char *dot = strchr(key, '.');
    if (dot) snprintf(out, n, "screen_%.*s_%s", (int)(dot - key), key, dot + 1);
    else snprintf(out, n, "screen_%s", key);
  }
}

static void refuse_key(const csv_table *t, import_patient *pt, const char *key, const char *fmt, const char *arg) {
  char col[128];
  const import_pfield *f = pfield(pt, key);
  key_col(t, pt, key, col, sizeof col);
  pt_refuse(pt, col, f ? f->value : "", f ? f->row : pt->row, fmt, arg);
}

/* Sex as avn's wide export writes it (1 male, 2 female: frame.c's codes),
** or its name. */
static const char *sex_name(const char *v) {
  if (!strcasecmp(v, "male") || !strcasecmp(v, "m") || !strcmp(v, "1")) return "male";
  if (!strcasecmp(v, "female") || !strcasecmp(v, "f") || !strcmp(v, "2")) return "female";
  return v;
}

/* A date key's value, parsed; a refusal when it is no date. */
static bool date_of(const csv_table *t, import_patient *pt, const char *key, avn_date *out) {
  const import_pfield *f = pfield(pt, key);
  if (!f) return false;
  if (avn_date_parse(f->value, out) == AVN_OK) return true;
  refuse_key(t, pt, key, "%s", "a date is YYYY-MM-DD");
  return false;
}

/* The store's refusal e, traced to the column of the key it names. */
static void refuse_store(const csv_table *t, import_patient *pt, const avn_err *e) {
  static const char *const fields[][2] = {{"date", "enrolled"}, {"birth", "birth"}, {"sex", "sex"},
                                          {"site", "site"}, {"screening", "screening"}, {"patient", NULL}};
  const char *key = e->field;
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
    if (!strcmp(e->field, fields[i][0])) key = fields[i][1];
  char col[128];
  if (key) key_col(t, pt, key, col, sizeof col);
  else snprintf(col, sizeof col, "patient");
  const import_pfield *f = key ? pfield(pt, key) : NULL;
  pt_refuse(pt, col, e->value[0] || !f ? e->value : f->value, f ? f->row : pt->row, "%s",
            e->rule[0] ? e->rule : avn_strerror(e->rc));
}

/* A patient the study has: what the file gives must be what it holds. */
static void check_known(const csv_table *t, import_patient *pt, const store_patient *sp) {
  avn_date d;
  char have[11];
  const import_pfield *f;
  if (date_of(t, pt, "enrolled", &d) && d != sp->enrolled)
    refuse_key(t, pt, "enrolled", "differs from the study's enrolment date (%s): correct it with avn amend",
               avn_date_format(sp->enrolled, have));
  if (date_of(t, pt, "birth", &d) && (!sp->has_birth || d != sp->birth))
    refuse_key(t, pt, "birth", "differs from the study's birth date (%s): correct it with avn amend",
               sp->has_birth ? avn_date_format(sp->birth, have) : "none recorded");
  if ((f = pfield(pt, "sex")) && strcmp(sex_name(f->value), sp->sex ? sp->sex : ""))
    refuse_key(t, pt, "sex", "differs from the study's sex (%s): correct it with avn amend", sp->sex ? sp->sex : "");
  if ((f = pfield(pt, "site")) && strcmp(f->value, sp->site ? sp->site : ""))
    refuse_key(t, pt, "site", "differs from the study's site (%s): correct it with avn amend", sp->site ? sp->site : "");
}

/* Why an ineligible screening is: its first failure (a patient-level one
** first: a hip's failure alone leaves the other hip). */
static void refuse_ineligible(const csv_table *t, import_patient *pt, const protocol *p, const elig_result *er) {
  const elig_failure *f = NULL;
  for (size_t i = 0; i < er->n_fails && !f; i++)
    if (er->fails[i].side == SIDE_PATIENT) f = &er->fails[i];
  if (!f && er->n_fails) f = &er->fails[0];
  if (!f) {
    pt_refuse(pt, "screen_", "", pt->row, "patient %s is not in the study: enrolling needs the screening values "
              "(screen_FIELD columns; per-hip fields screen_FIELD_left, _right)", pt->code);
    return;
  }
  char key[160], rule[384];
  const char *field = p->fields[f->crit->field].name;
  if (f->side == SIDE_PATIENT) snprintf(key, sizeof key, "%s", field);
  else snprintf(key, sizeof key, "%s.%s", field, side_name(f->side));
  snprintf(rule, sizeof rule, "%s criterion '%s' %s: patient %s's screening is not eligible, so it cannot be "
           "enrolled", f->crit->kind == CRIT_INCLUSION ? "inclusion" : "exclusion", f->crit->text,
           f->missing ? "needs this value" : f->crit->kind == CRIT_INCLUSION ? "is not met" : "applies", pt->code);
  refuse_key(t, pt, key, "%s", rule);
}

avn_rc import_patient_run(store *s, const csv_table *t, import_patient *pt, const char *user, int *enrolled) {
  store_study *st = NULL;
  elig_result er = {0};
  char **kv = NULL;
  size_t n_kv = 0;
  avn_err e;
  avn_rc rc = AVN_OK;
  *enrolled = 0;
  if (pt->refused) return AVN_OK;
  avn_err_clear(&e);
  rc = store_load(s, pt->code, &st, &e);
  if (!rc) {
    if (st->n_patients) check_known(t, pt, &st->patients[0]);
    goto cleanup;
  }
  if (rc != AVN_E_NOTFOUND) {
    if (!import_fatal(rc)) {
      refuse_store(t, pt, &e);
      rc = AVN_OK;
    }
    goto cleanup;
  }
  rc = AVN_OK;
  /* Not in the study: screen, then enrol. */
  store_enroll_req er_req = {.patient = pt->code, .user = user};
  store_screen_req sr = {.user = user};
  const import_pfield *f;
  if (!pfield(pt, "enrolled")) {
    refuse_key(t, pt, "enrolled", "patient %s is not in the study: enrolling needs its enrolment date (YYYY-MM-DD)",
               pt->code);
    goto cleanup;
  }
  if (!(f = pfield(pt, "sex"))) {
    refuse_key(t, pt, "sex", "patient %s is not in the study: enrolling needs its sex (male or female)", pt->code);
    goto cleanup;
  }
  er_req.sex = sex_name(f->value);
  if (!date_of(t, pt, "enrolled", &er_req.date)) goto cleanup;
  er_req.has_birth = date_of(t, pt, "birth", &er_req.birth);
  if (pt->refused) goto cleanup;
  sr.date = er_req.date;
  if (pfield(pt, "screened") && !date_of(t, pt, "screened", &sr.date)) goto cleanup;
  sr.code = (f = pfield(pt, "screening")) ? f->value : pt->code;
  sr.site = (f = pfield(pt, "site")) ? f->value : NULL;
  er_req.screening = sr.code;
  kv = avn_calloc(pt->n_f ? pt->n_f : 1, sizeof *kv);
  if (!kv) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  for (size_t i = 0; i < pt->n_f && !rc; i++) {
    if (is_enrol_key(pt->f[i].key)) continue;
    if (!(kv[n_kv++] = g_strdup_printf("%s=%s", pt->f[i].key, pt->f[i].value))) rc = AVN_E_NOMEM;
  }
  sr.kv = kv;
  sr.n_kv = n_kv;
  if (rc) goto cleanup;
  rc = store_screen(s, &sr, &er, &e);
  if (!rc && !er.eligible) {
    refuse_ineligible(t, pt, store_protocol(s), &er);
    goto cleanup;
  }
  if (!rc) rc = store_enroll(s, &er_req, &e);
  if (!rc) *enrolled = 1;
  if (rc && !import_fatal(rc)) {
    refuse_store(t, pt, &e);
    rc = AVN_OK;
  }
cleanup:
  for (size_t i = 0; i < n_kv; i++) g_free(kv[i]);
  avn_free(kv);
  elig_result_free(&er);
  store_study_free(st);
  return rc;
}
