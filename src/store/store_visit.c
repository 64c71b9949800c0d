/*
** store_visit.c: a visit's actual date (store_visit, see store.h, and
** store_visit_date, the rules shared with store_enter, see store_int.h).
**
** A visit took place on one day: event.actual of the patient's visit row.
** It is recorded either with the visit's first form (avn enter --date,
** required then) or on its own (avn visit), for a visit that collects no form, such
** as a wound check, or whose forms come later. Either way the same rules
** apply, here and nowhere else, in this order:
**   the date is not before the patient's enrolment (day 0),
**   not in the future (avn_date_today, so $AVN_TODAY in tests),
**   not after the patient's withdrawal from follow-up (on the day is allowed),
**   and a recorded date is changed only with a reason (ICH E6 audit trail).
** Recording the date already recorded writes nothing. Each write appends
** one audit row: action "visit", record "patient P / visit V", field
** "date", old and new dates, and the reason when a date was replaced.
**
** Transactions: store_visit_date runs inside its caller's transaction;
** store_visit opens its own (a savepoint inside a batch, store_begin), so a
** refusal leaves the database exactly as it was. Costs: three indexed
** queries and at most one UPDATE and one audit INSERT.
*/
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "store/store_int.h"

avn_rc store_visit_known(const store *s, const char *name, avn_err *e) {
  const protocol *p = s->protocol;
  if (name && protocol_find_visit(p, name)) return AVN_OK;
  char list[320];
  size_t used = 0;
  list[0] = '\0';
  for (size_t i = 0; i < p->n_visits && used < sizeof list; i++) {
    int n = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", p->visits[i].name);
    if (n < 0) break;
    used += (size_t)n;
  }
  return avn_fail(e, AVN_E_UNKNOWN, "visit", name, "protocol '%s' has no such visit (its visits: %s)", p->name,
                  list);
}

avn_rc store_visit_date(store *s, const store_patient_row *pt, const store_visit_req *r, bool has_date,
                        store_visit_on *on, store_visit_change *out, avn_err *e) {
  char *actual = NULL;
  bool found = false;
  char date[11], record[256];
  avn_rc rc = AVN_OK;
  if (out) *out = STORE_VISIT_SAME;
  if (on && on->known) {   /* read with the rest of a save, in its round trip */
    found = on->found;
    actual = found && on->actual[0] ? avn_strdup(on->actual) : NULL;
    if (found && on->actual[0] && !actual) return AVN_E_NOMEM;
  } else {
    const char *vp[2] = {pt->pid, r->visit};
    rc = store_q_one(s, "SELECT actual FROM event WHERE patient_id=? AND kind='visit' AND name=?", vp, 2, &actual,
                     &found, e);
  }
  if (rc) goto cleanup;
  if (on) snprintf(on->actual, sizeof on->actual, "%s", actual ? actual : "");
  if (!found) {
    /* Enrolment schedules every protocol visit; a missing row is damage. */
    rc = avn_fail(e, AVN_E_STATE, "visit", r->visit, "patient %s has no scheduled visit '%s' in this study",
                  r->patient, r->visit);
    goto cleanup;
  }
  if (!has_date && actual) goto cleanup;   /* an entry without a date keeps the recorded one */
  if (!has_date) {
    /* Never a silent "today": the first entry at a visit says when it was. */
    rc = avn_fail(e, AVN_E_REQUIRED, "--date", NULL,
                  "visit '%s' has no date yet: give --date YYYY-MM-DD (or --date today)", r->visit);
    goto cleanup;
  }
  avn_date vdate = r->date;
  avn_date_format(vdate, date);
  if (strcmp(date, pt->enrolled) < 0) {
    rc = avn_fail(e, AVN_E_DATE, "--date", date, "a visit must not be before enrolment (%s)", pt->enrolled);
    goto cleanup;
  }
  if (vdate > avn_date_today()) {
    rc = avn_fail(e, AVN_E_DATE, "--date", date, "a visit date must not be in the future");
    goto cleanup;
  }
  if (pt->withdrawn && strcmp(date, pt->withdrawn) > 0) {
    rc = avn_fail(e, AVN_E_DATE, "--date", date,
                  "a visit must not be after the patient's withdrawal from follow-up (%s)", pt->withdrawn);
    goto cleanup;
  }
  if (actual && !strcmp(actual, date)) goto cleanup;   /* already recorded: nothing to write */
  if (actual && (!r->reason || !r->reason[0])) {
    rc = avn_fail(e, AVN_E_REQUIRED, "--reason", NULL,
                  "the visit date was recorded as %s; changing it to %s needs --reason", actual, date);
    goto cleanup;
  }
  if (actual) {
    /* A date moved earlier than an event reported at this visit (a THA, an
    ** AE onset) would leave that event after its own visit. */
    char *ev = NULL;
    rc = store_in_study_date(s, pt->pid, r->visit, true, &ev, e);
    if (!rc && ev && strncmp(ev, date, 10) > 0)
      rc = avn_fail(e, AVN_E_DATE, "--date", date, "%s is dated %.10s, after this visit date", ev + 11, ev);
    avn_free(ev);
    ev = NULL;
    /* ... and a date moved later than a hip's arthroplasty would put this
    ** visit's forms on that hip after it. */
    const char *tp[3] = {pt->pid, r->visit, date};
    if (!rc) rc = store_q_one(s, "SELECT v.value_text || ' ' || f.instrument || ' ' || f.side FROM form f"
                                 " JOIN form t ON t.patient_id = f.patient_id AND t.side = f.side"
                                 " AND t.instrument = 'tha' AND t.void_reason IS NULL"
                                 " JOIN item_value v ON v.form_id = t.id AND v.item = 'tha_date'"
                                 " WHERE f.patient_id=? AND f.visit=? AND f.side <> '' AND f.instrument <> 'tha'"
                                 " AND f.void_reason IS NULL AND v.value_text < ? ORDER BY v.value_text LIMIT 1",
                              tp, 3, &ev, NULL, e);
    if (!rc && ev)
      rc = avn_fail(e, AVN_E_DATE, "--date", date, "the %s form at this visit would come after the %s hip's "
                    "arthroplasty (%.10s)", ev + 11, strrchr(ev, ' ') + 1, ev);
    avn_free(ev);
    if (rc) goto cleanup;
  }
  const char *up[3] = {date, pt->pid, r->visit};
  rc = store_q(s, "UPDATE event SET actual=? WHERE patient_id=? AND kind='visit' AND name=?", up, 3, NULL, NULL, e);
  if (rc) goto cleanup;
  snprintf(record, sizeof record, "patient %s / visit %s", r->patient, r->visit);
  rc = store_audit(s, r->user, "visit", record, "date", actual, date, actual ? r->reason : NULL, e);
  if (rc) goto cleanup;
  if (on) snprintf(on->actual, sizeof on->actual, "%s", date);
  if (out) *out = actual ? STORE_VISIT_CHANGED : STORE_VISIT_NEW;
cleanup:
  avn_free(actual);
  return rc;
}

avn_rc store_visit(store *s, const store_visit_req *r, store_visit_change *out, avn_err *e) {
  store_patient_row pt = {0};
  bool in_tx = false;
  avn_rc rc;
  if (out) *out = STORE_VISIT_SAME;
  if (!r->patient || !r->patient[0]) return avn_fail(e, AVN_E_REQUIRED, "patient", NULL, "give the patient's study id");
  rc = store_visit_known(s, r->visit, e);
  if (rc) return rc;
  rc = store_tx_begin(s, e);
  if (rc) goto cleanup;
  in_tx = true;
  rc = store_patient_find(s, r->patient, &pt, e);
  if (rc) goto cleanup;
  rc = store_visit_date(s, &pt, r, true, NULL, out, e);
  if (rc) goto cleanup;
  rc = store_tx_commit(s, e);
  if (rc) goto cleanup;
  in_tx = false;
cleanup:
  if (in_tx) store_tx_rollback(s);
  if (rc && out) *out = STORE_VISIT_SAME;
  store_patient_row_free(&pt);
  return rc;
}
