/*
** test_store_batch.c: batch mode (store_begin/store_commit) and withdrawal.
**
** In a batch a refused write must still change nothing (its savepoint is
** rolled back) while the accepted writes before and after it stay and
** reach the file at store_commit. A withdrawal is refused before
** enrolment, without a reason, and twice; an accepted one is audited and
** read back by store_load; events after it are "withdrawn", not overdue.
** Runs on a study file, and on PostgreSQL as pg/unit/test_store_batch (test_db.h).
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

#include "store/store.h"
#include "unit/store/test_db.h"

static char db_path[256];

static long count(const char *sql) { return test_db_count(db_path, sql); }

static store *make_study(void) {
  avn_err e;
  store *s = NULL;
  s = test_db_study(db_path, sizeof db_path, "batch", "sequential");
  char *kv[] = {"age=40", "mri_confirmed=yes", "stage.left=II", "conservative_months=6", "can_attend_24m=yes",
                "accepts_procedure=yes", "infection=no", "severe_coagulopathy=no", "platelets=200000",
                "prior_surgery.left=no", "active_malignancy=no", "pregnant=no", "aspiration_inadequate=no"};
  store_screen_req sr = {.code = "S1", .kv = kv, .n_kv = 13, .user = "test"};
  avn_date_parse("2024-01-10", &sr.date);
  elig_result er;
  assert_int_equal(store_screen(s, &sr, &er, &e), AVN_OK);
  elig_result_free(&er);
  store_enroll_req en = {.screening = "S1", .patient = "P1", .sex = "male", .user = "test"};
  avn_date_parse("2024-01-15", &en.date);
  assert_int_equal(store_enroll(s, &en, &e), AVN_OK);
  return s;
}

static void test_batch(void **unused) {
  (void)unused;
  avn_err e;
  store *s = make_study();
  long audit0 = count("SELECT count(*) FROM audit");
  assert_int_equal(store_begin(s, &e), AVN_OK);
  assert_int_equal(store_begin(s, &e), AVN_E_STATE);   /* one batch at a time */
  char *ok1[] = {"pain_mm=70"};
  char *bad[] = {"pain_mm=170"};                        /* out of range */
  char *ok2[] = {"pain_mm=40"};
  store_enter_req r = {.patient = "P1", .visit = "baseline", .form = "vas", .side = SIDE_LEFT, .entry = 1,
                       .kv = ok1, .n_kv = 1, .has_date = true, .user = "test"};
  avn_date_parse("2024-01-15", &r.date);
  store_enter_result res;
  assert_int_equal(store_enter(s, &r, &res, &e), AVN_OK);
  r.kv = bad;
  r.visit = "m1";
  avn_date_parse("2024-02-15", &r.date);
  assert_int_equal(store_enter(s, &r, &res, &e), AVN_E_RANGE);
  assert_string_equal(e.field, "vas.pain_mm");
  r.kv = ok2;
  assert_int_equal(store_enter(s, &r, &res, &e), AVN_OK);
  assert_int_equal(store_commit(s, &e), AVN_OK);
  assert_int_equal(store_commit(s, &e), AVN_E_STATE);
  /* Two forms, two values; the refused write left no trace. */
  assert_int_equal(count("SELECT count(*) FROM form"), 2);
  assert_int_equal(count("SELECT count(*) FROM item_value WHERE value_num IN (70, 40)"), 2);
  assert_int_equal(count("SELECT count(*) FROM item_value WHERE value_num = 170"), 0);
  assert_true(count("SELECT count(*) FROM audit") > audit0);
  store_close(s);
  test_db_drop(db_path);
}

/* A save reads its locks with its context, once, and keeps "not locked"
** as a memo for its audit rows (store_guard_reads); in a batch that memo
** must not carry over to the next save of the same form: a casebook locked
** between two saves of one batch refuses the second, and unlocked again
** lets a third through. Expected: the form's value goes 70 (insert), then
** 55 is refused as locked and leaves nothing, then 40 (update, with its
** reason): two audit rows for the item, 40 stored, 55 nowhere. */
static void test_batch_guards(void **unused) {
  (void)unused;
  avn_err e;
  store *s = make_study();
  char *v1[] = {"pain_mm=70"}, *v2[] = {"pain_mm=55"}, *v3[] = {"pain_mm=40"};
  store_enter_req r = {.patient = "P1", .visit = "baseline", .form = "vas", .side = SIDE_LEFT, .entry = 1,
                       .kv = v1, .n_kv = 1, .has_date = true, .user = "test"};
  avn_date_parse("2024-01-15", &r.date);
  store_enter_result res;
  assert_int_equal(store_begin(s, &e), AVN_OK);
  assert_int_equal(store_enter(s, &r, &res, &e), AVN_OK);
  assert_int_equal(store_lock_patient(s, "P1", false, "monitoring visit", "test", &e), AVN_OK);
  r.kv = v2;
  r.reason = "patient corrected the scale";
  assert_int_equal(store_enter(s, &r, &res, &e), AVN_E_LOCKED);
  assert_int_equal(store_lock_patient(s, "P1", true, "monitoring done", "test", &e), AVN_OK);
  r.kv = v3;
  assert_int_equal(store_enter(s, &r, &res, &e), AVN_OK);
  assert_int_equal(res.n_changed, 1);
  assert_int_equal(store_commit(s, &e), AVN_OK);
  assert_int_equal(count("SELECT count(*) FROM item_value WHERE item = 'pain_mm' AND value_num = 40"), 1);
  assert_int_equal(count("SELECT count(*) FROM item_value WHERE item = 'pain_mm'"), 1);
  assert_int_equal(count("SELECT count(*) FROM audit WHERE field = 'pain_mm'"), 2);
  assert_int_equal(count("SELECT count(*) FROM audit WHERE new_value = '55'"), 0);
  store_close(s);
}

static void test_withdraw(void **unused) {
  (void)unused;
  avn_err e;
  store *s = make_study();
  avn_date d;
  avn_date_parse("2024-01-01", &d);
  assert_int_equal(store_withdraw(s, "P1", d, "moved", "test", &e), AVN_E_DATE);
  avn_date_parse("2024-05-01", &d);
  assert_int_equal(store_withdraw(s, "P1", d, "", "test", &e), AVN_E_REQUIRED);
  assert_int_equal(store_withdraw(s, "P9", d, "moved", "test", &e), AVN_E_NOTFOUND);
  long audit0 = count("SELECT count(*) FROM audit");
  assert_int_equal(store_withdraw(s, "P1", d, "moved away", "test", &e), AVN_OK);
  assert_int_equal(store_withdraw(s, "P1", d, "again", "test", &e), AVN_E_STATE);
  /* status, withdrawn_on and withdraw_reason: one row each (store_verify replays them). */
  assert_int_equal(count("SELECT count(*) FROM audit WHERE action='withdraw'"), 3);
  assert_int_equal(count("SELECT count(*) FROM audit") - audit0, 3);
  store_study *st = NULL;
  assert_int_equal(store_load(s, NULL, &st, &e), AVN_OK);
  assert_true(st->patients[0].withdrawn);
  assert_int_equal(st->patients[0].withdrawn_on, d);
  assert_string_equal(st->patients[0].withdraw_reason, "moved away");
  avn_date late;
  avn_date_parse("2026-01-01", &late);
  size_t n_withdrawn = 0, n_overdue = 0;
  for (size_t i = 0; i < st->n_events; i++) {
    const char *status = store_event_status(st, &st->events[i], late);
    if (!strcmp(status, "withdrawn")) n_withdrawn++;
    if (!strcmp(status, "overdue")) n_overdue++;
    /* m6 (window opens 2024-07-01) and later are no longer due */
    if (st->events[i].earliest > d) assert_string_equal(status, "withdrawn");
  }
  assert_true(n_withdrawn > 0);
  assert_true(n_overdue > 0);   /* baseline .. m3 were due before the withdrawal */
  store_study_free(st);
  store_close(s);
  test_db_drop(db_path);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_batch), cmocka_unit_test(test_batch_guards),
                                     cmocka_unit_test(test_withdraw)};
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  inst_registry_free();
  return rc;
}
