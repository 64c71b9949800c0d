/*
** store_monitor.c: the monitoring cycle's writes (see store.h): source
** data verification of a form, an investigator's signature of a visit or
** a casebook, and locks at form, patient and study level. Each is one
** audited transaction; store_audit_permit (store_user.c) refuses data
** changes under a lock, and store_audit clears the signatures a change
** touches (store_sign_clear).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/text.h"
#include "store/store_int.h"

/* The form f: c = id, status, void_reason; NOTFOUND naming its record. */
static avn_rc form_find(store *s, const store_form_ref *f, store_patient_row *pt, char *c[3], char record[256],
                        avn_err *e) {
  avn_rc rc = store_form_locate(s, f, pt, c, record, e);
  if (!rc && c[2]) rc = avn_fail(e, AVN_E_STATE, "form", record, "the form is void (avn restore it first)");
  return rc;
}

static avn_rc set_form_status(store *s, const char *id, const char *status, avn_err *e) {
  char now[32];
  store_now_iso(now);
  const char *p[3] = {status, now, id};
  return store_q(s, "UPDATE form SET status=?, updated_at=? WHERE id=?", p, 3, NULL, NULL, e);
}

avn_rc store_sdv(store *s, const store_form_ref *f, const char *user, avn_err *e) {
  store_patient_row pt = {0};
  char *c[3] = {NULL, NULL, NULL}, record[256];
  avn_rc rc = store_tx_begin(s, e);
  if (rc) return rc;
  rc = form_find(s, f, &pt, c, record, e);
  if (!rc) rc = store_permit(s, "verify", f->patient, e);
  if (!rc && strcmp(c[1], "complete") != 0)
    rc = avn_fail(e, AVN_E_STATE, "form", record, "%s", !strcmp(c[1], "verified") ? "already verified"
                  : !strcmp(c[1], "locked") ? "the form is locked" : "the form is incomplete: only a complete form "
                  "is verified against its source");
  if (!rc) rc = set_form_status(s, c[0], "verified", e);
  if (!rc) rc = store_audit(s, user, "verify", record, "status", c[1], "verified", NULL, e);
  if (!rc) rc = store_tx_commit(s, e);
  if (rc) store_tx_rollback(s);
  store_row_free(c, 3);
  store_patient_row_free(&pt);
  return rc;
}

/* --- locks --------------------------------------------------------------- */

static avn_rc need_reason(const char *reason, avn_err *e) {
  if (!reason) return avn_fail(e, AVN_E_REQUIRED, "--reason", NULL, "a lock or an unlock needs --reason \"why\"");
  return avn_text_check("--reason", reason, AVN_TEXT_REASON, 0, e);
}

avn_rc store_lock_form(store *s, const store_form_ref *f, bool unlock, const char *reason, const char *user,
                       avn_err *e) {
  store_patient_row pt = {0};
  char *c[3] = {NULL, NULL, NULL}, *was = NULL, record[256];
  avn_rc rc = need_reason(reason, e);
  if (rc) return rc;
  rc = store_tx_begin(s, e);
  if (rc) return rc;
  rc = form_find(s, f, &pt, c, record, e);
  if (!rc) rc = store_permit(s, unlock ? "unlock" : "lock", f->patient, e);
  if (!rc && unlock != !strcmp(c[1], "locked"))
    rc = avn_fail(e, AVN_E_STATE, "form", record, unlock ? "the form is not locked" : "the form is already locked");
  if (rc) goto cleanup;
  if (unlock) {
    /* Back to the status it had when it was locked, as the trail says. */
    const char *p[1] = {record};
    rc = store_q_one(s, "SELECT old_value FROM audit WHERE record=? AND field='status' AND new_value='locked'"
                        " ORDER BY id DESC LIMIT 1", p, 1, &was, NULL, e);
    if (!rc && !was) rc = avn_fail(e, AVN_E_STATE, "form", record, "the trail does not say how it was locked");
  }
  const char *now = unlock ? was : "locked";
  if (!rc) rc = set_form_status(s, c[0], now, e);
  if (!rc) rc = store_audit(s, user, unlock ? "unlock" : "lock", record, "status", c[1], now, reason, e);
  if (!rc) rc = store_tx_commit(s, e);
cleanup:
  if (rc) store_tx_rollback(s);
  store_row_free(c, 3);
  store_patient_row_free(&pt);
  avn_free(was);
  return rc;
}

avn_rc store_lock_patient(store *s, const char *patient, bool unlock, const char *reason, const char *user,
                          avn_err *e) {
  char *was = NULL, rec[64];
  bool found = false;
  avn_rc rc = need_reason(reason, e);
  if (rc) return rc;
  rc = store_tx_begin(s, e);
  if (rc) return rc;
  const char *p[1] = {patient};
  rc = store_q_one(s, "SELECT lock_reason FROM patient WHERE code=?", p, 1, &was, &found, e);
  if (!rc && !found) rc = avn_fail(e, AVN_E_NOTFOUND, "patient", patient, "no such patient in this study");
  if (!rc) rc = store_permit(s, unlock ? "unlock" : "lock", patient, e);
  if (!rc && unlock == !was)
    rc = avn_fail(e, AVN_E_STATE, "patient", patient, unlock ? "the patient is not locked" : "already locked (%s)", was);
  const char *pu[2] = {unlock ? NULL : reason, patient};
  if (!rc) rc = store_q(s, "UPDATE patient SET lock_reason=? WHERE code=?", pu, 2, NULL, NULL, e);
  snprintf(rec, sizeof rec, "patient %s", patient);
  if (!rc) rc = store_audit(s, user, unlock ? "unlock" : "lock", rec, "lock", was, unlock ? NULL : reason, reason, e);
  if (!rc) rc = store_tx_commit(s, e);
  if (rc) store_tx_rollback(s);
  avn_free(was);
  return rc;
}

avn_rc store_lock_study(store *s, bool unlock, const char *reason, const char *user, avn_err *e) {
  char *c[3] = {NULL, NULL, NULL}, at[32];
  const char *who = user;
  avn_rc rc = need_reason(reason, e);
  if (!rc) rc = store_writer(s, user, &who, e);
  if (!rc) rc = store_permit(s, unlock ? "unlock_study" : "lock_study", NULL, e);
  if (rc) return rc;
  rc = store_tx_begin(s, e);
  if (rc) return rc;
  rc = store_q_row(s, "SELECT lock_reason, locked_at, locked_by FROM study", NULL, 0, c, 3, NULL, e);
  if (!rc && unlock == !c[0])
    rc = avn_fail(e, AVN_E_STATE, "study", NULL, unlock ? "the study is not locked" : "the study is already locked "
                  "(since %s by %s)", c[1], c[2]);
  store_now_iso(at);
  const char *p[3] = {unlock ? NULL : reason, unlock ? NULL : at, unlock ? NULL : who};
  if (!rc) rc = store_q(s, "UPDATE study SET lock_reason=?, locked_at=?, locked_by=?", p, 3, NULL, NULL, e);
  const char *act = unlock ? "unlock" : "lock";
  if (!rc) rc = store_audit(s, who, act, "study", "lock", c[0], p[0], reason, e);
  if (!rc) rc = store_audit(s, who, act, "study", "locked_at", c[1], p[1], reason, e);
  if (!rc) rc = store_audit(s, who, act, "study", "locked_by", c[2], p[2], reason, e);
  if (!rc) rc = store_tx_commit(s, e);
  if (rc) store_tx_rollback(s);
  store_row_free(c, 3);
  return rc;
}

avn_rc store_study_lock(store *s, store_lock_info *out, avn_err *e) {
  char *c[3] = {NULL, NULL, NULL};
  memset(out, 0, sizeof *out);
  avn_rc rc = store_q_row(s, "SELECT lock_reason, locked_at, locked_by FROM study", NULL, 0, c, 3, NULL, e);
  if (!rc && c[0]) {
    out->locked = true;
    snprintf(out->reason, sizeof out->reason, "%s", c[0]);
    snprintf(out->at, sizeof out->at, "%s", c[1] ? c[1] : "");
    snprintf(out->by, sizeof out->by, "%s", c[2] ? c[2] : "");
  }
  store_row_free(c, 3);
  return rc;
}

/* The study's lock and a patient's (one parameter: the study id). */
#define LOCK_SQL "SELECT lock_reason, locked_at, locked_by, (SELECT lock_reason FROM patient WHERE code=?) FROM study"
/* The signatures a change to a patient's data touches (parameters: study
** id, visit, visit; "" for all, "/" for the casebook's only). */
#define SIGN_SQL                                                                                               \
  "SELECT s.visit, s.user FROM signature s JOIN patient p ON p.id = s.patient_id"                              \
  " WHERE p.code=? AND (s.visit = '' OR ? = '' OR s.visit = ?) LIMIT 8"

/* The study id of a "patient P ..." record. */
static void record_code(const char *record, char code[AVN_ID_MAX + 1]) {
  size_t n = strcspn(record + 8, " ");
  snprintf(code, AVN_ID_MAX + 1, "%.*s", (int)(n < AVN_ID_MAX ? n : AVN_ID_MAX), record + 8);
}

/* The visit a change to record is in: its name, "/" for a log instance at
** no visit (the casebook's signature only), "" for the patient itself. */
static void record_visit(const char *record, char visit[64]) {
  const char *v = strstr(record, " / visit ");
  visit[0] = '\0';
  if (v) snprintf(visit, 64, "%.*s", (int)strcspn(v + 9, " "), v + 9);
  else if (strstr(record, " / entry ")) snprintf(visit, 64, "/");   /* no visit is named "/" */
}

size_t store_guard_reads(const store *s, const char *record, store_guard_read *g, store_row_read *r) {
  record_code(record, g->code);
  record_visit(record, g->visit);
  g->lock_p[0] = g->code;
  g->sign_p[0] = g->code;
  g->sign_p[1] = g->sign_p[2] = g->visit;
  r[0] = (store_row_read){LOCK_SQL, g->lock_p, 1, g->lock, 4, NULL, NULL, false};
  r[1] = (store_row_read){SIGN_SQL, g->sign_p, 3, g->sign, 2, NULL, NULL, false};
  g->site[0] = NULL;
  if (!s->has_accounts) return 2;   /* no users: nobody's sites to check */
  r[2] = (store_row_read){STORE_SITE_SQL, g->lock_p, 1, g->site, 1, NULL, NULL, false};
  return 3;
}

void store_guard_take(store *s, const char *record, store_guard_read *g, const store_row_read *r) {
  size_t n = strlen(record);
  /* Only what lets the write pass is kept: a lock or a signature is met
  ** again where the write reaches it, and refused or cleared there. */
  if (r[0].found && !g->lock[0] && !g->lock[3] && n < sizeof s->memo.lock_ok) memcpy(s->memo.lock_ok, record, n + 1);
  if (!r[1].found && n < sizeof s->memo.sign_cleared) memcpy(s->memo.sign_cleared, record, n + 1);
  if (s->has_accounts && r[2].found && g->site[0]) store_site_memo(s, g->code, g->site[0]);
  store_row_free(g->lock, 4);
  store_row_free(g->sign, 2);
  store_row_free(g->site, 1);
}

avn_rc store_lock_guard(store *s, const char *action, const char *record, avn_err *e) {
  static const char *const frozen[] = {"enter", "screen", "enroll", "create", "insert", "update", "clear", "status",
                                       "visit", "withdraw", "unwithdraw", "void", "restore", "amend", "verify", "sign",
                                       NULL};
  bool data = false;
  for (size_t i = 0; frozen[i] && !data; i++) data = !strcmp(frozen[i], action);
  if (!data) return AVN_OK;
  /* Passed for this record in this write: a lock is a write of its own. */
  if (!strcmp(s->memo.lock_ok, record)) return AVN_OK;
  /* The study's lock and the patient's, in one query (a round trip each
  ** on a server, for every audit row). */
  char code[AVN_ID_MAX + 1] = "", *c[4] = {NULL, NULL, NULL, NULL};
  bool patient = !strncmp(record, "patient ", 8);
  if (patient) record_code(record, code);
  const char *p[1] = {code};
  avn_rc rc = store_q_row(s, LOCK_SQL, p, 1, c, 4, NULL, e);
  if (!rc && c[0])
    rc = avn_fail(e, AVN_E_LOCKED, "study", NULL, "the study is locked (data freeze since %s by %s: %s): nothing "
                  "can change until it is unlocked", c[1] ? c[1] : "", c[2] ? c[2] : "", c[0]);
  else if (!rc && patient && c[3])
    rc = avn_fail(e, AVN_E_LOCKED, "patient", code, "the patient's casebook is locked (%s): unlock it first", c[3]);
  store_row_free(c, 4);
  if (!rc && strlen(record) < sizeof s->memo.lock_ok) memcpy(s->memo.lock_ok, record, strlen(record) + 1);
  return rc;
}

/* --- signatures ---------------------------------------------------------- */

avn_rc store_sign(store *s, const char *patient, const char *visit, const char *meaning, const char *password,
                  avn_err *e) {
  store_patient_row pt = {0};
  char rec[160], at[32];
  avn_rc rc = avn_text_check("--meaning", meaning, AVN_TEXT_REASON, 0, e);
  if (rc) return rc;
  if (!s->has_accounts)
    return avn_fail(e, AVN_E_STATE, "user", NULL, "a signature needs a named user: this study has none (avn user add)");
  if (visit) rc = store_visit_known(s, visit, e);
  /* The password again: a signature is the signer's own act (21 CFR 11.200). */
  if (!rc) rc = store_password_check(s, password, e);
  if (rc) return rc;
  rc = store_tx_begin(s, e);
  if (rc) return rc;
  rc = store_patient_find(s, patient, &pt, e);
  if (!rc) rc = store_permit(s, "sign", patient, e);
  if (rc) goto cleanup;
  store_now_iso(at);
  const char *p[5] = {pt.pid, visit ? visit : "", s->actor.name, at, meaning};
  rc = store_q(s, "INSERT INTO signature(patient_id,visit,user,at,meaning) VALUES(?,?,?,?,?) ON CONFLICT(patient_id,"
                  "visit) DO UPDATE SET user=excluded.user, at=excluded.at, meaning=excluded.meaning", p, 5, NULL, NULL,
               e);
  snprintf(rec, sizeof rec, "patient %s / signature %s", patient, visit ? visit : "casebook");
  if (!rc) rc = store_audit(s, NULL, "sign", rec, "by", NULL, s->actor.name, NULL, e);
  if (!rc) rc = store_audit(s, NULL, "sign", rec, "meaning", NULL, meaning, NULL, e);
  if (!rc) rc = store_tx_commit(s, e);
cleanup:
  if (rc) store_tx_rollback(s);
  store_patient_row_free(&pt);
  return rc;
}

typedef struct { char *v[8][2]; size_t n; } sig_rows;

static int sig_row(void *ctx, int n, const char *const *c) {
  sig_rows *r = ctx;
  (void)n;
  if (r->n == 8) return 1;
  r->v[r->n][0] = avn_strdup(c[0]);
  r->v[r->n][1] = avn_strdup(c[1]);
  r->n++;
  return 0;
}

static avn_rc sig_clear_rows(store *s, const char *user, const char *code, const sig_rows *rows, avn_err *e);

avn_rc store_sign_clear(store *s, const char *user, const char *action, const char *record, avn_err *e) {
  static const char *const changes[] = {"create", "insert", "update", "clear", "void", "restore", "visit", "amend",
                                        "withdraw", "unwithdraw", NULL};
  bool change = false;
  for (size_t i = 0; changes[i] && !change; i++) change = !strcmp(changes[i], action);
  if (!change || strncmp(record, "patient ", 8) || strstr(record, " / signature ")) return AVN_OK;
  /* Taken away for this record in this write: a signature is a write of its own. */
  if (!strcmp(s->memo.sign_cleared, record)) return AVN_OK;
  char code[AVN_ID_MAX + 1], visit[64];
  record_code(record, code);
  record_visit(record, visit);
  /* The casebook and the visit the change is in (all of them for a change
  ** to the patient itself). */
  sig_rows r = {0};
  const char *p[3] = {code, visit, visit};
  avn_rc rc = AVN_OK;
  do {   /* eight at a time: each pass deletes what it found */
    for (size_t i = 0; i < r.n; i++) {
      avn_free(r.v[i][0]);
      avn_free(r.v[i][1]);
    }
    r.n = 0;
    rc = store_q(s, SIGN_SQL, p, 3, sig_row, &r, e);
    rc = rc ? rc : sig_clear_rows(s, user, code, &r, e);
  } while (!rc && r.n == 8);
  for (size_t i = 0; i < r.n; i++) {
    avn_free(r.v[i][0]);
    avn_free(r.v[i][1]);
  }
  if (!rc && strlen(record) < sizeof s->memo.sign_cleared) memcpy(s->memo.sign_cleared, record, strlen(record) + 1);
  return rc;
}

static avn_rc sig_clear_rows(store *s, const char *user, const char *code, const sig_rows *rows, avn_err *e) {
  avn_rc rc = AVN_OK;
  const sig_rows r = *rows;
  for (size_t i = 0; !rc && i < r.n; i++) {
    char rec[160];
    snprintf(rec, sizeof rec, "patient %s / signature %s", code, r.v[i][0][0] ? r.v[i][0] : "casebook");
    const char *pd[2] = {code, r.v[i][0]};
    rc = store_q(s, "DELETE FROM signature WHERE patient_id=(SELECT id FROM patient WHERE code=?) AND visit=?", pd, 2,
                 NULL, NULL, e);
    if (!rc) rc = store_audit(s, user, "unsign", rec, "by", r.v[i][1], NULL, "the signed data changed", e);
    if (!rc) rc = store_audit(s, user, "unsign", rec, "meaning", NULL, NULL, "the signed data changed", e);
  }
  return rc;
}
