/*
** test_store_faults.c: a write that fails part-way leaves nothing behind.
**
** Fails the Nth allocation inside store_enter for every N until the call
** succeeds (SQLite's fault-injection idea, STYLE.md 13), and after each
** failure checks that forms, values, visit dates and the audit trail are
** exactly as before. Then checks the successful write changed them.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mem.h"
#include "store/store.h"

static char db_path[256];

static void state(char *out, size_t n) {
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
  const char *sql =
      "SELECT (SELECT count(*) FROM form) || '/' || (SELECT count(*) FROM item_value) || '/' ||"
      " (SELECT count(*) FROM audit) || '/' || coalesce((SELECT group_concat(actual) FROM event), '') ||"
      " '/' || coalesce((SELECT group_concat(value_text) FROM item_value), '')";
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
}

static void test_enter_faults(void **unused) {
  (void)unused;
  avn_err e;
  protocol *p = NULL;
  store *s = NULL;
  snprintf(db_path, sizeof db_path, "%s/avn-faults-%d.db", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
  unlink(db_path);
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
  store_close(s);
  protocol_free(p);
  inst_registry_free();
  unlink(db_path);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_enter_faults)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
