/*
** store_correct.c: corrections (see store.h): voiding and restoring a form,
** amending enrolment details, reversing a withdrawal. (Clearing a value is
** store_enter with a blank value; screening again is store_screen with
** again.) Each is one transaction with its audit rows and the user's reason
** (ICH E6: a change to a record says why, and the original stays visible in
** the trail); a refusal leaves the database as it was.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/text.h"
#include "protocol/schedule.h"
#include "store/store_int.h"

static avn_rc need_reason(const char *reason, const char *what, avn_err *e) {
  if (!reason) return avn_fail(e, AVN_E_REQUIRED, "--reason", NULL, "%s needs --reason \"why\"", what);
  return avn_text_check("--reason", reason, AVN_TEXT_REASON, 0, e);
}

/* --- void / restore ------------------------------------------------------ */

avn_rc store_void(store *s, const store_form_ref *f, bool restore, const char *reason, const char *user,
                  avn_err *e) {
  store_patient_row pt = {0};
  char *c[3] = {NULL, NULL, NULL};
  bool in_tx = false;
  char record[256];
  avn_rc rc = need_reason(reason, restore ? "restoring a form" : "voiding a form", e);
  if (rc) return rc;
  rc = store_tx_begin(s, e);
  if (rc) return rc;
  in_tx = true;
  rc = store_form_locate(s, f, &pt, c, record, e);
  if (rc) goto cleanup;
  if (!restore && c[2])
    rc = avn_fail(e, AVN_E_STATE, "form", record, "already void (since: %s)", c[2]);
  else if (restore && !c[2])
    rc = avn_fail(e, AVN_E_STATE, "form", record, "is not void: there is nothing to restore");
  else if (!strcmp(c[1], "locked"))
    rc = avn_fail(e, AVN_E_LOCKED, "form", record, "this form is locked; it can no longer be changed");
  if (rc) goto cleanup;
  const char *up[2] = {restore ? NULL : reason, c[0]};
  rc = store_q(s, "UPDATE form SET void_reason=? WHERE id=?", up, 2, NULL, NULL, e);
  if (!rc) rc = store_audit(s, user, restore ? "restore" : "void", record, "voided", c[2], restore ? NULL : reason,
                            reason, e);
  if (!rc) rc = store_tx_commit(s, e);
  if (!rc) in_tx = false;
cleanup:
  if (in_tx) store_tx_rollback(s);
  store_row_free(c, 3);
  store_patient_row_free(&pt);
  return rc;
}

typedef struct {
  store_void_fn fn;
  void *ctx;
} void_iter;

static int void_row(void *ctx, int n, const char *const *c) {
  void_iter *it = ctx;
  (void)n;
  store_void_form f = {c[0], c[1], c[4], !strcmp(c[2], "left") ? SIDE_LEFT : !strcmp(c[2], "right") ? SIDE_RIGHT
                                                                                                    : SIDE_PATIENT,
                       (int)strtol(c[3], NULL, 10), c[5] ? c[5] : ""};
  return it->fn(it->ctx, &f);
}

avn_rc store_each_void(store *s, const char *patient, store_void_fn fn, void *ctx, avn_err *e) {
  void_iter it = {fn, ctx};
  const char *p[1] = {patient};
  return store_q(s, "SELECT f.visit, f.instrument, f.side, f.entry, f.void_reason, f.instance FROM form f JOIN patient p"
                    " ON p.id = f.patient_id WHERE p.code=? AND f.void_reason IS NOT NULL ORDER BY f.id",
                 p, 1, void_row, &it, e);
}

/* --- amend enrolment ----------------------------------------------------- */

/* The schedule from a new day 0: planned dates and windows move; recorded
** visit dates stay. One UPDATE per protocol event (a few dozen). */
static avn_rc move_schedule(store *s, const char *pid, avn_date day0, avn_err *e) {
  sched_event *ev = NULL;
  size_t n = 0;
  avn_rc rc = schedule_build(s->protocol, day0, &ev, &n);
  for (size_t i = 0; !rc && i < n; i++) {
    char pl[11], lo[11], hi[11];
    avn_date_format(ev[i].planned, pl);
    avn_date_format(ev[i].earliest, lo);
    avn_date_format(ev[i].latest, hi);
    const char *p[6] = {pl, lo, hi, pid, sched_kind_name(ev[i].kind), ev[i].name};
    rc = store_q(s, "UPDATE event SET planned=?, earliest=?, latest=? WHERE patient_id=? AND kind=? AND name=?", p, 6,
                 NULL, NULL, e);
  }
  avn_free(ev);
  return rc;
}

/* One field of the patient row changed, with its audit row. col is a
** column name from this file, never user input. */
static avn_rc amend_field(store *s, const store_amend_req *r, const char *pid, const char *col, const char *field,
                          const char *was, const char *now, int *n, avn_err *e) {
  char sql[96], record[160];
  if (was && now && !strcmp(was, now)) return AVN_OK;
  snprintf(sql, sizeof sql, "UPDATE patient SET %s=? WHERE id=?", col);
  const char *p[2] = {now, pid};
  avn_rc rc = store_q(s, sql, p, 2, NULL, NULL, e);
  snprintf(record, sizeof record, "patient %s", r->patient);
  if (!rc) rc = store_audit(s, r->user, "amend", record, field, was, now, r->reason, e);
  if (!rc) (*n)++;
  return rc;
}

avn_rc store_amend(store *s, const store_amend_req *r, int *n_changed, avn_err *e) {
  store_patient_row pt = {0};
  screen_data d = {0};
  char *c[5] = {NULL, NULL, NULL, NULL, NULL}, *first = NULL, *site = NULL;
  bool found = false, in_tx = false;
  char date[11], birth[11];
  int n = 0;
  if (n_changed) *n_changed = 0;
  avn_rc rc = need_reason(r->reason, "amending enrolment details", e);
  if (rc) return rc;
  if (r->sex && strcmp(r->sex, "male") && strcmp(r->sex, "female"))
    return avn_fail(e, AVN_E_CODE, "--sex", r->sex, "must be male or female");
  if (r->site && (rc = avn_text_check("--site", r->site, AVN_TEXT_ID, 0, e))) return rc;
  rc = store_tx_begin(s, e);
  if (rc) return rc;
  in_tx = true;
  rc = store_patient_find(s, r->patient, &pt, e);
  if (rc) goto cleanup;
  const char *pp[1] = {pt.pid};
  rc = store_q_row(s, "SELECT p.sex, st.code, sc.screened_on, sc.data, p.site_id FROM patient p"
                      " JOIN site st ON st.id = p.site_id JOIN screening sc ON sc.id = p.screening_id WHERE p.id=?",
                   pp, 1, c, 5, &found, e);
  if (!rc && !found) rc = avn_fail(e, AVN_E_STATE, "patient", r->patient, "the enrolment's screening is missing");
  if (rc) goto cleanup;
  snprintf(date, sizeof date, "%s", pt.enrolled);
  if (r->has_date) avn_date_format(r->date, date);
  if (r->has_birth) avn_date_format(r->birth, birth);
  else snprintf(birth, sizeof birth, "%s", pt.birth ? pt.birth : "");
  /* Enrolment's rules, on the amended whole. */
  if (r->has_date) {
    if (strcmp(date, c[2]) < 0)
      rc = avn_fail(e, AVN_E_DATE, "--date", date, "enrolment must not be before the screening (%s)", c[2]);
    else if (r->date > avn_date_today())
      rc = avn_fail(e, AVN_E_DATE, "--date", date, "the enrolment date must not be in the future");
    else if (pt.withdrawn && strcmp(date, pt.withdrawn) > 0)
      rc = avn_fail(e, AVN_E_DATE, "--date", date, "enrolment must not be after the withdrawal (%s)", pt.withdrawn);
    if (!rc) rc = store_q_one(s, "SELECT actual || ' ' || name FROM event WHERE patient_id=? AND kind='visit'"
                                 " AND actual IS NOT NULL ORDER BY actual LIMIT 1", pp, 1, &first, NULL, e);
    if (!rc && first && strncmp(first, date, 10) < 0)
      rc = avn_fail(e, AVN_E_DATE, "--date", date, "visit '%s' was recorded on %.10s, before this enrolment date",
                    first + 11, first);
    avn_free(first);
    first = NULL;
    if (!rc) rc = store_in_study_date(s, pt.pid, NULL, false, &first, e);
    if (!rc && first && strncmp(first, date, 10) < 0)
      rc = avn_fail(e, AVN_E_DATE, "--date", date, "%s is dated %.10s, before this enrolment date", first + 11, first);
    if (rc) goto cleanup;
  }
  if (birth[0] && strcmp(birth, date) >= 0) {
    rc = avn_fail(e, AVN_E_DATE, "--birth", birth, "the birth date must be before enrolment (%s)", date);
    goto cleanup;
  }
  if (r->has_birth) {
    rc = store_reparse_screening(s->protocol, c[3], &d, e);
    if (!rc) rc = store_birth_check(s->protocol, &d, c[2], r->birth, e);
    if (rc) goto cleanup;
  }
  if (r->site) {
    const char *sp[1] = {r->site};
    bool there = false;
    rc = store_q_one(s, "SELECT id FROM site WHERE code=?", sp, 1, &site, &there, e);
    if (!rc && !there) rc = avn_fail(e, AVN_E_NOTFOUND, "--site", r->site, "no such site in this study");
    if (rc) goto cleanup;
  }
  if (r->has_date) {
    rc = amend_field(s, r, pt.pid, "enrolled_on", "enrolled", pt.enrolled, date, &n, e);
    if (!rc && strcmp(pt.enrolled, date) != 0) rc = move_schedule(s, pt.pid, r->date, e);
  }
  if (!rc && r->sex) rc = amend_field(s, r, pt.pid, "sex", "sex", c[0], r->sex, &n, e);
  if (!rc && r->has_birth) rc = amend_field(s, r, pt.pid, "birth_date", "birth", pt.birth, birth, &n, e);
  if (!rc && r->site && strcmp(site, c[4]) != 0) {
    /* site_id holds the row id; the trail, the site's code. */
    const char *up[2] = {site, pt.pid};
    char record[160];
    snprintf(record, sizeof record, "patient %s", r->patient);
    rc = store_q(s, "UPDATE patient SET site_id=? WHERE id=?", up, 2, NULL, NULL, e);
    if (!rc) rc = store_audit(s, r->user, "amend", record, "site", c[1], r->site, r->reason, e);
    if (!rc) n++;
  }
  if (rc) goto cleanup;
  rc = store_tx_commit(s, e);
  if (rc) goto cleanup;
  in_tx = false;
  if (n_changed) *n_changed = n;
cleanup:
  if (in_tx) store_tx_rollback(s);
  store_row_free(c, 5);
  screen_data_free(&d);
  avn_free(first);
  avn_free(site);
  store_patient_row_free(&pt);
  return rc;
}

/* --- reverse a withdrawal ------------------------------------------------ */

avn_rc store_unwithdraw(store *s, const char *patient, const char *reason, const char *user, avn_err *e) {
  char *c[3] = {NULL, NULL, NULL};
  bool found = false, in_tx = false;
  char record[160];
  avn_rc rc = need_reason(reason, "reversing a withdrawal", e);
  if (rc) return rc;
  rc = store_tx_begin(s, e);
  if (rc) return rc;
  in_tx = true;
  const char *p[1] = {patient};
  rc = store_q_row(s, "SELECT status, withdrawn_on, withdraw_reason FROM patient WHERE code=?", p, 1, c, 3, &found, e);
  if (rc) goto cleanup;
  if (!found) rc = avn_fail(e, AVN_E_NOTFOUND, "patient", patient, "no such patient in this study");
  else if (strcmp(c[0], "withdrawn") != 0) rc = avn_fail(e, AVN_E_STATE, "patient", patient, "is not withdrawn");
  if (rc) goto cleanup;
  rc = store_q(s, "UPDATE patient SET status='active', withdrawn_on=NULL, withdraw_reason=NULL WHERE code=?", p, 1,
               NULL, NULL, e);
  snprintf(record, sizeof record, "patient %s", patient);
  if (!rc) rc = store_audit(s, user, "unwithdraw", record, "status", c[0], "active", reason, e);
  if (!rc) rc = store_audit(s, user, "unwithdraw", record, "withdrawn_on", c[1], NULL, reason, e);
  if (!rc) rc = store_audit(s, user, "unwithdraw", record, "withdraw_reason", c[2], NULL, reason, e);
  if (!rc) rc = store_tx_commit(s, e);
  if (!rc) in_tx = false;
cleanup:
  if (in_tx) store_tx_rollback(s);
  store_row_free(c, 3);
  return rc;
}

/* --- acknowledged deviations --------------------------------------------- */

avn_rc store_ack_deviation(store *s, const char *finding, const char *reason, const char *user, avn_err *e) {
  char *old = NULL, at[40], record[600];
  bool in_tx = false;
  avn_rc rc = need_reason(reason, "acknowledging a deviation", e);
  if (rc) return rc;
  if (!finding || strncmp(finding, "deviation/", 10) != 0 || strlen(finding) > 500)
    return avn_fail(e, AVN_E_RANGE, "--ack", finding, "a deviation's id (deviation/PATIENT/VISIT/FORM/HIP/FIELD, "
                    "as avn list STUDY.db findings --kind deviation shows it)");
  rc = store_tx_begin(s, e);
  if (rc) return rc;
  in_tx = true;
  const char *p[1] = {finding};
  rc = store_q_one(s, "SELECT reason FROM deviation_ack WHERE finding=?", p, 1, &old, NULL, e);
  if (!rc && old) rc = avn_fail(e, AVN_E_STATE, "--ack", finding, "already acknowledged (reason: %s)", old);
  if (rc) goto cleanup;
  store_now_iso(at);
  const char *ins[4] = {finding, reason, user, at};
  snprintf(record, sizeof record, "finding %s", finding);
  rc = store_audit(s, user, "ack", record, "ack", NULL, reason, reason, e);   /* validates the user first */
  if (!rc) rc = store_q(s, "INSERT INTO deviation_ack(finding, reason, user, at) VALUES (?,?,?,?)", ins, 4, NULL, NULL, e);
  if (!rc) rc = store_tx_commit(s, e);
  if (!rc) in_tx = false;
cleanup:
  if (in_tx) store_tx_rollback(s);
  avn_free(old);
  return rc;
}
