/*
** import_enrol.c: the patients a records file brings, through the store
** (import_patient_run; the plan is import_patient.c's). Before the forms,
** each patient goes through the study's own door:
**   - not in the study: store_screen (the screen_ values, on the screening
**     date, default the enrolment date; the screening number defaults to
**     the patient's id), then store_enroll; the hips are the screening's
**     eligible hips, as for avn screen + avn enroll;
**   - in the study: the given enrolled, sex, birth_date and site must be
**     the study's (a file never changes an enrolment silently: avn amend).
** A refusal names the column, the value and the rule, and refuses every
** unit of the patient (import.c). Everything runs inside the import's
** batch, so it is audited like avn screen and avn enroll and undone with
** the batch.
**
** Memory: nothing kept; a refusal is written into the record.
*/
#include "import/import_int.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/mem.h"

/* The column a key is read from, as the file names it (or would). */
static void key_col(const csv_table *t, const import_patient *pt, const char *key, char *out, size_t n) {
  const import_pfield *f = import_patient_field(pt, key);
  const char *c = import_enrol_column(key);
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
  const import_pfield *f = import_patient_field(pt, key);
  key_col(t, pt, key, col, sizeof col);
  import_patient_refuse(pt, col, f ? f->value : "", f ? f->row : pt->row, fmt, arg);
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
  const import_pfield *f = import_patient_field(pt, key);
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
  const import_pfield *f = key ? import_patient_field(pt, key) : NULL;
  import_patient_refuse(pt, col, e->value[0] || !f ? e->value : f->value, f ? f->row : pt->row, "%s",
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
  if ((f = import_patient_field(pt, "sex")) && strcmp(sex_name(f->value), sp->sex ? sp->sex : ""))
    refuse_key(t, pt, "sex", "differs from the study's sex (%s): correct it with avn amend", sp->sex ? sp->sex : "");
  if ((f = import_patient_field(pt, "site")) && strcmp(f->value, sp->site ? sp->site : ""))
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
    import_patient_refuse(pt, "screen_", "", pt->row, "patient %s is not in the study: enrolling needs the screening values "
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
  if (!import_patient_field(pt, "enrolled")) {
    refuse_key(t, pt, "enrolled", "patient %s is not in the study: enrolling needs its enrolment date (YYYY-MM-DD)",
               pt->code);
    goto cleanup;
  }
  if (!(f = import_patient_field(pt, "sex"))) {
    refuse_key(t, pt, "sex", "patient %s is not in the study: enrolling needs its sex (male or female)", pt->code);
    goto cleanup;
  }
  er_req.sex = sex_name(f->value);
  if (!date_of(t, pt, "enrolled", &er_req.date)) goto cleanup;
  er_req.has_birth = date_of(t, pt, "birth", &er_req.birth);
  if (pt->refused) goto cleanup;
  sr.date = er_req.date;
  if (import_patient_field(pt, "screened") && !date_of(t, pt, "screened", &sr.date)) goto cleanup;
  sr.code = (f = import_patient_field(pt, "screening")) ? f->value : pt->code;
  sr.site = (f = import_patient_field(pt, "site")) ? f->value : NULL;
  er_req.screening = sr.code;
  kv = avn_calloc(pt->n_f ? pt->n_f : 1, sizeof *kv);
  if (!kv) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  for (size_t i = 0; i < pt->n_f && !rc; i++) {
    if ((import_enrol_column(pt->f[i].key) != NULL)) continue;
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
