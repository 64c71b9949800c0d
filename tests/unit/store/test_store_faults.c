/*
** test_store_faults.c: a write that fails part-way leaves nothing behind.
**
** Fails the Nth allocation inside store_enter for every N until the call
** succeeds (SQLite's fault-injection idea, STYLE.md 13), and after each
** failure checks that forms, values, visit dates and the audit trail are
** exactly as before. Then checks the successful write changed them, and
** that store_load, failing the same way, returns no half snapshot.
** Runs on a study file, and on PostgreSQL as pg/unit/test_store_faults (test_db.h).
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

/* Forms, values, audit rows, visit dates and values: what a write changes. */
static void state(char *out, size_t n) {
  static const char *const sql[] = {
      "SELECT count(*) FROM form", "SELECT count(*) FROM item_value", "SELECT count(*) FROM audit",
      "SELECT actual FROM event WHERE actual IS NOT NULL ORDER BY id",
      "SELECT value_text FROM item_value ORDER BY form_id, item"};
  size_t len = 0;
  for (size_t i = 0; i < sizeof sql / sizeof sql[0] && len + 1 < n; i++) {
    if (i) out[len++] = '/';
    test_db_rows(db_path, sql[i], out + len, n - len);
    len += strlen(out + len);
  }
}

static void test_enter_faults(void **unused) {
  (void)unused;
  avn_err e;
  protocol *p = NULL;
  store *s = NULL;
  test_db_make(db_path, sizeof db_path, "faults");
  assert_int_equal(protocol_load("sequential", &p, &e), AVN_OK);
  assert_int_equal(store_create(db_path, p, "test", &s, &e), AVN_OK);
  char *kv[] = {"age=40", "mri_confirmed=yes", "stage.left=II", "conservative_months=6", "can_attend_24m=yes",
                "accepts_procedure=yes", "infection=no", "severe_coagulopathy=no", "platelets=200000",
                "prior_surgery.left=no", "active_malignancy=no", "pregnant=no", "aspiration_inadequate=no"};
  store_screen_req sr = {.code = "S1", .kv = kv, .n_kv = 13, .user = "test"};
  avn_date_parse("2024-01-10", &sr.date);
  elig_result er;
  assert_int_equal(store_screen(s, &sr, &er, &e), AVN_OK);
  assert_true(er.eligible);
  elig_result_free(&er);
  store_enroll_req en = {.screening = "S1", .patient = "P1", .sex = "male", .user = "test"};
  avn_date_parse("2024-01-15", &en.date);
  assert_int_equal(store_enroll(s, &en, &e), AVN_OK);

  char before[4096], after[4096];
  state(before, sizeof before);
  char *vals[] = {"pain=slight", "limp=none", "support=none"};
  store_enter_req r = {.patient = "P1", .visit = "baseline", .form = "hhs", .side = SIDE_LEFT, .entry = 1,
                       .kv = vals, .n_kv = 3, .has_date = true, .user = "test"};
  avn_date_parse("2024-01-15", &r.date);
  store_enter_result res;
  int failures = 0;
  for (long n = 0; n < 1000; n++) {
    avn_mem_fail_after(n);
    avn_rc rc = store_enter(s, &r, &res, &e);
    avn_mem_fail_after(-1);
    if (rc == AVN_OK) break;
    failures++;
    assert_int_equal(rc, AVN_E_NOMEM);
    state(after, sizeof after);
    assert_string_equal(before, after);
  }
  assert_true(failures > 0);        /* the loop did inject faults */
  state(after, sizeof after);
  assert_string_not_equal(before, after);
  assert_int_equal(res.n_new, 3);

  /* Reading fails cleanly too: store_load with the Nth allocation failing
  ** returns AVN_E_NOMEM and no snapshot (nothing leaked: the sanitizer
  ** build checks), until it succeeds with the one patient, form and 3
  ** values entered above. */
  failures = 0;
  store_study *st = NULL;
  for (long n = 0; n < 1000; n++) {
    avn_mem_fail_after(n);
    avn_rc rc = store_load(s, NULL, &st, &e);
    avn_mem_fail_after(-1);
    if (rc == AVN_OK) break;
    failures++;
    assert_int_equal(rc, AVN_E_NOMEM);
    assert_null(st);
  }
  assert_true(failures > 0);
  assert_non_null(st);
  assert_int_equal(st->n_patients, 1);
  assert_int_equal(st->n_forms, 1);
  assert_int_equal(st->forms[0].n_values, 3);
  store_study_free(st);
  store_close(s);
  protocol_free(p);
  inst_registry_free();
  test_db_drop(db_path);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_enter_faults)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
