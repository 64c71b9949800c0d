/*
** test_frame_scores.c: the analysis dataset's scores (frame_scores) and its
** model coding (frame_code), hand-worked.
**
** Scores: a snapshot of three forms. The VAS definition (defs/vas.yaml)
** gives result pain_mm = the 100 mm line's reading and pain_cm = pain_mm /
** 10: a form with pain_mm 37 scores pain_mm 37 and pain_cm 3.7; a VAS form
** without pain_mm is scored with both results missing, so frame_scores_num
** finds no number; a form without a definition is never scored.
**
** Coding: levels {0, 1, 2, 1} of a 3-level factor are, against level 0,
** the columns (l1, l2) = (0,0), (1,0), (0,1), (1,0) (R: model.matrix(~f)
** without its intercept). Groups {5, 3, 5, 7} number as clusters in order of
** first appearance {0, 1, 0, 2}: 3 clusters, one (group 5) repeated.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "frame/frame_code.h"
#include "frame/frame_scores.h"

static void test_scores(void **state) {
  (void)state;
  const inst_def *vas = inst_find("vas");
  assert_non_null(vas);
  inst_value v37 = {.item = inst_item_find(vas, "pain_mm")->name, .num = 37, .text = "37"};
  store_form forms[3] = {
      {.instrument = "vas", .def = vas, .values = &v37, .n_values = 1},
      {.instrument = "vas", .def = vas, .values = NULL, .n_values = 0},
      {.instrument = "unknown", .def = NULL},
  };
  store_study st = {.forms = forms, .n_forms = 3};
  frame_scores *sc = NULL;
  assert_int_equal(frame_scores_new(&st, &sc, NULL), AVN_OK);

  assert_true(frame_scores_ok(sc, &forms[0]));
  const inst_result *r = frame_scores_get(sc, &forms[0], "pain_cm");
  assert_non_null(r);
  assert_false(r->missing);
  assert_true(fabs(r->num - 3.7) < 1e-12);   /* 37 mm / 10 */
  double x = 0;
  assert_true(frame_scores_num(sc, &forms[0], "pain_mm", &x));
  assert_true(x == 37);
  assert_null(frame_scores_get(sc, &forms[0], "no_such_result"));
  inst_scores copy;
  assert_true(frame_scores_copy(sc, &forms[0], &copy));
  assert_int_equal(copy.n, 2);

  assert_true(frame_scores_ok(sc, &forms[1]));
  r = frame_scores_get(sc, &forms[1], "pain_mm");
  assert_non_null(r);
  assert_true(r->missing);   /* no reading, no score */
  assert_false(frame_scores_num(sc, &forms[1], "pain_mm", &x));
  assert_true(frame_scores_copy(sc, &forms[1], &copy));
  assert_int_equal(copy.n, 2);

  assert_false(frame_scores_copy(sc, &forms[2], &copy));
  assert_int_equal(copy.n, 0);

  assert_false(frame_scores_ok(sc, &forms[2]));
  assert_false(frame_scores_num(sc, &forms[2], "pain_mm", &x));
  frame_scores_free(sc);
}

static void test_dummies(void **state) {
  (void)state;
  const int lev[4] = {0, 1, 2, 1};
  double X[4 * 3];
  for (size_t i = 0; i < 12; i++) X[i] = -9;
  /* column 0 is another predictor's; the dummies go to columns 1 and 2 */
  assert_int_equal(frame_code_dummies(lev, 4, 3, X, 3, 1, 2), 2);
  const double want[4][2] = {{0, 0}, {1, 0}, {0, 1}, {1, 0}};
  for (size_t i = 0; i < 4; i++) {
    assert_true(X[i * 3] == -9);
    assert_true(X[i * 3 + 1] == want[i][0]);
    assert_true(X[i * 3 + 2] == want[i][1]);
  }
  /* room for one column only: level 2's is not written */
  assert_int_equal(frame_code_dummies(lev, 4, 3, X, 3, 2, 1), 1);
}

static void test_clusters(void **state) {
  (void)state;
  const size_t group[4] = {5, 3, 5, 7};
  int ids[4];
  size_t n = 0, rep = 0;
  assert_int_equal(frame_code_clusters(group, 4, 8, ids, &n, &rep), AVN_OK);
  assert_int_equal(ids[0], 0);
  assert_int_equal(ids[1], 1);
  assert_int_equal(ids[2], 0);
  assert_int_equal(ids[3], 2);
  assert_int_equal(n, 3);
  assert_int_equal(rep, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scores),
      cmocka_unit_test(test_dummies),
      cmocka_unit_test(test_clusters),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
