/*
** test_store_visit.c: store_visit, a visit's date without a form.
**
** The study: protocols/single-dose.yaml, one patient P1 enrolled on Monday
** 2024-03-04, today fixed at 2024-06-01 ($AVN_TODAY). Hand-worked from the
** protocol (w2 at 2 weeks -3/+3 days, w6 at 6 weeks +-7 days):
**   w2 planned 2024-03-18, window 2024-03-15 .. 2024-03-21 (collects no form)
**   w6 planned 2024-04-15, window 2024-04-08 .. 2024-04-22
** Checked: each refusal's code and field; the status of the formless w2
** (upcoming / due / overdue by date, done once recorded: no special case);
** inside a batch a refused store_visit leaves the writes around it; every
** failing allocation inside store_visit leaves the database as it was.
** Runs on a study file, and on PostgreSQL as pg/unit/test_store_visit (test_db.h).
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mem.h"
#include "store/store.h"
#include "unit/store/test_db.h"

static char db_path[256];

/* The rows of a query, read behind the store's back (test_db.h). */
static void q(const char *sql, char *out, size_t n) { test_db_rows(db_path, sql, out, n); }

/* Visit dates, audit rows and the last audit row: what a write changes. */
static void state(char *out, size_t n) {
  char a[32], b[256], c[80];
  q("SELECT count(*) FROM audit", a, sizeof a);
  q("SELECT name || '=' || actual FROM event WHERE actual IS NOT NULL ORDER BY id", b, sizeof b);
  q("SELECT hash FROM audit ORDER BY id DESC LIMIT 1", c, sizeof c);
  snprintf(out, n, "%s/%s/%s", a, b, c);
}

static store *make_study(void) {
  avn_err e;
  store *s = NULL;
  setenv("AVN_TODAY", "2024-06-01", 1);
  s = test_db_study(db_path, sizeof db_path, "visit", "single-dose");
  char *kv[] = {"age=39", "stage.right=II", "prior_surgery.right=no", "avn_confirmed=yes", "conservative_months=6",
                "willing_followup=yes", "consent=yes", "infection=no", "hematologic_disorder=no",
                "pregnant_or_lactating=no", "immunocompromised=no", "malignancy_5y=no", "asa=1"};
  elig_result er;
  store_screen_req sr = {.code = "S1", .kv = kv, .n_kv = 13, .user = "test"};
  avn_date_parse("2024-03-01", &sr.date);
  assert_int_equal(store_screen(s, &sr, &er, &e), AVN_OK);
  assert_true(er.eligible);
  elig_result_free(&er);
  sr.code = "S2";   /* eligible, never enrolled */
  assert_int_equal(store_screen(s, &sr, &er, &e), AVN_OK);
  elig_result_free(&er);
  store_enroll_req en = {.screening = "S1", .patient = "P1", .sex = "male", .user = "test"};
  avn_date_parse("2024-03-04", &en.date);
  assert_int_equal(store_enroll(s, &en, &e), AVN_OK);
  return s;
}

static void finish(store *s) {
  store_close(s);
  test_db_drop(db_path);
}

static avn_rc visit(store *s, const char *pt, const char *v, const char *day, const char *reason,
                    store_visit_change *ch, avn_err *e) {
  store_visit_req r = {.patient = pt, .visit = v, .user = "test", .reason = reason};
  assert_int_equal(avn_date_parse(day, &r.date), AVN_OK);
  return store_visit(s, &r, ch, e);
}

static const char *w2_status(store *s, const char *today) {
  static char out[32];
  avn_err e;
  avn_date t;
  store_study *st = NULL;
  assert_int_equal(avn_date_parse(today, &t), AVN_OK);
  assert_int_equal(store_load(s, NULL, &st, &e), AVN_OK);
  out[0] = '\0';
  for (size_t i = 0; i < st->n_events; i++)
    if (!strcmp(st->events[i].kind, "visit") && !strcmp(st->events[i].name, "w2"))
      snprintf(out, sizeof out, "%s", store_event_status(st, &st->events[i], t));
  store_study_free(st);
  return out;
}

static void test_refusals(void **unused) {
  (void)unused;
  avn_err e;
  store_visit_change ch;
  store *s = make_study();
  char before[512], after[512];
  state(before, sizeof before);
  assert_int_equal(visit(s, "P9", "w2", "2024-03-19", NULL, &ch, &e), AVN_E_NOTFOUND);
  assert_string_equal(e.field, "patient");
  assert_int_equal(visit(s, "S2", "w2", "2024-03-19", NULL, &ch, &e), AVN_E_NOTFOUND);
  assert_non_null(strstr(e.rule, "never enrolled"));
  assert_int_equal(visit(s, "P1", "m5", "2024-03-19", NULL, &ch, &e), AVN_E_UNKNOWN);
  assert_string_equal(e.field, "visit");
  assert_non_null(strstr(e.rule, "baseline, w2, w6, m3, m6, m12, m18"));
  assert_int_equal(visit(s, "P1", "w2", "2024-03-03", NULL, &ch, &e), AVN_E_DATE);   /* day -1 */
  assert_string_equal(e.value, "2024-03-03");
  assert_non_null(strstr(e.rule, "before enrolment (2024-03-04)"));
  assert_int_equal(visit(s, "P1", "w2", "2024-06-02", NULL, &ch, &e), AVN_E_DATE);   /* tomorrow */
  assert_non_null(strstr(e.rule, "future"));
  state(after, sizeof after);
  assert_string_equal(before, after);
  /* Accepted: the enrolment day and today are both allowed. */
  assert_int_equal(visit(s, "P1", "baseline", "2024-03-04", NULL, &ch, &e), AVN_OK);
  assert_int_equal(ch, STORE_VISIT_NEW);
  assert_int_equal(visit(s, "P1", "w2", "2024-03-19", NULL, &ch, &e), AVN_OK);
  assert_int_equal(ch, STORE_VISIT_NEW);
  assert_int_equal(visit(s, "P1", "w2", "2024-03-19", NULL, &ch, &e), AVN_OK);
  assert_int_equal(ch, STORE_VISIT_SAME);
  state(before, sizeof before);
  assert_int_equal(visit(s, "P1", "w2", "2024-03-20", NULL, &ch, &e), AVN_E_REQUIRED);
  assert_string_equal(e.field, "--reason");
  assert_int_equal(visit(s, "P1", "w2", "2024-03-20", "", &ch, &e), AVN_E_REQUIRED);
  state(after, sizeof after);
  assert_string_equal(before, after);
  assert_int_equal(visit(s, "P1", "w2", "2024-03-20", "typo", &ch, &e), AVN_OK);
  assert_int_equal(ch, STORE_VISIT_CHANGED);
  char row[256];
  q("SELECT action || '|' || record || '|' || field || '|' || old_value || '|' || new_value || '|' || reason"
    " FROM audit ORDER BY id DESC LIMIT 1", row, sizeof row);
  assert_string_equal(row, "visit|patient P1 / visit w2|date|2024-03-19|2024-03-20|typo");
  /* Withdrawn on 2024-04-10: that day is allowed, the day after is not. */
  avn_date wd;
  avn_date_parse("2024-04-10", &wd);
  assert_int_equal(store_withdraw(s, "P1", wd, "moved away", "test", &e), AVN_OK);
  state(before, sizeof before);
  assert_int_equal(visit(s, "P1", "w6", "2024-04-11", NULL, &ch, &e), AVN_E_DATE);
  assert_non_null(strstr(e.rule, "withdrawal from follow-up (2024-04-10)"));
  state(after, sizeof after);
  assert_string_equal(before, after);
  assert_int_equal(visit(s, "P1", "w6", "2024-04-10", NULL, &ch, &e), AVN_OK);
  finish(s);
}

static void test_status(void **unused) {
  (void)unused;
  avn_err e;
  store *s = make_study();
  /* w2 collects no form and is a visit like any other. */
  assert_string_equal(w2_status(s, "2024-03-14"), "upcoming");
  assert_string_equal(w2_status(s, "2024-03-15"), "due");
  assert_string_equal(w2_status(s, "2024-03-21"), "due");
  assert_string_equal(w2_status(s, "2024-03-22"), "overdue");
  assert_int_equal(visit(s, "P1", "w2", "2024-03-21", NULL, NULL, &e), AVN_OK);
  assert_string_equal(w2_status(s, "2024-03-22"), "done");
  assert_string_equal(w2_status(s, "2024-03-10"), "done");
  finish(s);
}

static void test_batch(void **unused) {
  (void)unused;
  avn_err e;
  store *s = make_study();
  assert_int_equal(store_begin(s, &e), AVN_OK);
  assert_int_equal(visit(s, "P1", "w2", "2024-03-19", NULL, NULL, &e), AVN_OK);
  assert_int_equal(visit(s, "P1", "w6", "2024-02-01", NULL, NULL, &e), AVN_E_DATE);   /* refused in the batch */
  assert_int_equal(visit(s, "P1", "w6", "2024-04-16", NULL, NULL, &e), AVN_OK);
  assert_int_equal(store_commit(s, &e), AVN_OK);
  char got[256];
  q("SELECT name || '=' || actual FROM event WHERE actual IS NOT NULL ORDER BY planned", got, sizeof got);
  assert_string_equal(got, "w2=2024-03-19,w6=2024-04-16");
  q("SELECT count(*) FROM audit WHERE action='visit'", got, sizeof got);
  assert_string_equal(got, "2");
  finish(s);
}

static void test_faults(void **unused) {
  (void)unused;
  avn_err e;
  store *s = make_study();
  char before[512], after[512];
  state(before, sizeof before);
  int failures = 0;
  avn_rc rc = AVN_E_NOMEM;
  for (long n = 0; n < 1000 && rc; n++) {
    avn_mem_fail_after(n);
    rc = visit(s, "P1", "w2", "2024-03-19", NULL, NULL, &e);
    avn_mem_fail_after(-1);
    if (rc == AVN_OK) break;
    failures++;
    assert_int_equal(rc, AVN_E_NOMEM);
    state(after, sizeof after);
    assert_string_equal(before, after);
  }
  assert_int_equal(rc, AVN_OK);
  assert_true(failures > 0);   /* the loop did inject faults */
  state(after, sizeof after);
  assert_string_not_equal(before, after);
  finish(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_refusals), cmocka_unit_test(test_status),
                                     cmocka_unit_test(test_batch), cmocka_unit_test(test_faults)};
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  inst_registry_free();
  return rc;
}
