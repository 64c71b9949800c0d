/*
** test_store_roles.c: the role table (store_permit, store.h) as a table:
** each role, logged in through store_login, tries each action on a patient
** of its own site (P1, site main) and of another (P2, site north). The
** expected answers are written out by hand from the rules: data
** entry writes its own sites' patients; the investigator too, plus signs;
** monitors open and close queries and verify but change no data;
** statistician and safety board read only, never contact details; the
** administrator may do everything everywhere but sign.
** Runs on a study file, and on PostgreSQL as pg/unit/test_store_roles (test_db.h).
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

static void screen_enrol(store *s, const char *scr, const char *pt, const char *site) {
  avn_err e;
  char *kv[] = {"age=40", "mri_confirmed=yes", "stage.left=II", "conservative_months=6", "can_attend_24m=yes",
                "accepts_procedure=yes", "infection=no", "severe_coagulopathy=no", "platelets=200000",
                "prior_surgery.left=no", "active_malignancy=no", "pregnant=no", "aspiration_inadequate=no"};
  store_screen_req sr = {.code = scr, .kv = kv, .n_kv = 13, .site = site};
  avn_date_parse("2024-01-10", &sr.date);
  elig_result er;
  assert_int_equal(store_screen(s, &sr, &er, &e), AVN_OK);
  elig_result_free(&er);
  store_enroll_req en = {.screening = scr, .patient = pt, .sex = "male"};
  avn_date_parse("2024-01-15", &en.date);
  assert_int_equal(store_enroll(s, &en, &e), AVN_OK);
}

/* Rows: roles in store_role order; per action: P1 (own site), P2 (other site). */
static const char *const actions[] = {"enter", "contact", "query_open", "query_answer", "query_close",
                                      "verify", "sign", "lock", "read", "read_safety", "export_identified"};
#define N_ACTIONS (sizeof actions / sizeof actions[0])
static const char *const users[STORE_ROLE_N] = {"ada", "ivy", "dan", "mo", "stan", "sabine"};
static const int want[STORE_ROLE_N][N_ACTIONS][2] = {
    /* Reads (issue 11): every role reads its own site's data but the safety
    ** board, which reads safety data only; identifying dates leave in an
    ** export for the roles that may see contact details. */
    /*            enter  contact q_open q_ans  q_close verify sign   lock    read   safety ident */
    /* admin */ {{1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {0, 0}, {1, 1}, {1, 1}, {1, 1}, {1, 1}},
    /* inv   */ {{1, 0}, {1, 0}, {1, 0}, {1, 0}, {0, 0}, {0, 0}, {1, 0}, {1, 0}, {1, 0}, {1, 0}, {1, 0}},
    /* entry */ {{1, 0}, {1, 0}, {0, 0}, {1, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {1, 0}, {1, 0}, {1, 0}},
    /* mon   */ {{0, 0}, {1, 0}, {1, 0}, {0, 0}, {1, 0}, {1, 0}, {0, 0}, {0, 0}, {1, 0}, {1, 0}, {1, 0}},
    /* stat  */ {{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {1, 0}, {1, 0}, {0, 0}},
    /* dsmb  */ {{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {1, 0}, {0, 0}},
};

static void role_table(void **state) {
  (void)state;
  avn_err e;
  store *s = NULL;
  char token[65];
  s = test_db_study(db_path, sizeof db_path, "roles", "sequential");
  const char *main_only[1] = {"main"};
  store_user_req admin = {"ada", "administrator", main_only, 1, "pw-of-ada", NULL};
  assert_int_equal(store_user_add(s, &admin, &e), AVN_OK);
  assert_true(store_has_accounts(s));
  assert_string_equal(store_actor(s), "ada");
  assert_int_equal(store_site_add(s, "north", "North", NULL, &e), AVN_OK);
  for (int r = 1; r < STORE_ROLE_N; r++) {
    char pw[32];
    snprintf(pw, sizeof pw, "pw-of-%s", users[r]);
    store_user_req u = {users[r], store_role_name((store_role)r), main_only, 1, pw, NULL};
    assert_int_equal(store_user_add(s, &u, &e), AVN_OK);
  }
  screen_enrol(s, "S1", "P1", "main");
  screen_enrol(s, "S2", "P2", "north");
  for (int r = 0; r < STORE_ROLE_N; r++) {
    char pw[32];
    snprintf(pw, sizeof pw, "pw-of-%s", users[r]);
    assert_int_equal(store_login(s, users[r], pw, 1, token, &e), AVN_OK);
    assert_int_equal(store_actor_role(s), r);
    for (size_t a = 0; a < N_ACTIONS; a++) {
      for (int k = 0; k < 2; k++) {
        avn_err pe;
        avn_err_clear(&pe);
        avn_rc rc = store_permit(s, actions[a], k ? "P2" : "P1", &pe);
        if ((rc == AVN_OK) != want[r][a][k]) fail_msg("%s (%s) %s P%d: got %d: %s", users[r],
                                                      store_role_name((store_role)r), actions[a], k + 1, rc, pe.rule);
        /* A refusal names the user, the role and the patient's site. */
        if (rc) {
          assert_non_null(strstr(pe.rule, users[r]));
          assert_non_null(strstr(pe.rule, store_role_name((store_role)r)));
          assert_non_null(strstr(pe.rule, k ? "site north" : "site main"));
        }
      }
    }
    assert_int_equal(store_logout(s, &e), AVN_OK);
    assert_null(store_actor(s));
  }
  /* Without a session nothing is permitted, and a wrong password opens none. */
  assert_int_equal(store_permit(s, "enter", "P1", &e), AVN_E_STATE);
  assert_int_equal(store_login(s, "ivy", "pw-of-ada", 1, token, &e), AVN_E_STATE);
  assert_int_equal(store_login(s, "ivy", "pw-of-ivy", 25, token, &e), AVN_E_RANGE);
  /* The whole replay is an administrator's: refused to a statistician,
  ** without a session, and done for ada. */
  store_verify_result vr;
  assert_int_equal(store_verify(s, NULL, NULL, &vr, &e), AVN_E_STATE);
  assert_int_equal(store_login(s, "stan", "pw-of-stan", 1, token, &e), AVN_OK);
  assert_int_equal(store_verify(s, NULL, NULL, &vr, &e), AVN_E_STATE);
  assert_non_null(strstr(e.rule, "user stan (role statistician) may not replay the whole audit trail"));
  assert_int_equal(store_logout(s, &e), AVN_OK);
  assert_int_equal(store_login(s, "ada", "pw-of-ada", 1, token, &e), AVN_OK);
  assert_int_equal(store_verify(s, NULL, NULL, &vr, &e), AVN_OK);
  assert_int_equal((int)vr.n_diffs, 0);
  store_close(s);
  test_db_drop(db_path);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(role_table)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
