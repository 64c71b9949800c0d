/*
** test_frame_vars.c: the analysis variables read from CSV (frame_vars) and
** an analysis's selection of them (frame_sel), on small files worked by
** hand below: which columns are read, numbers vs codes, missing cells,
** complete cases, R's level order (factor() sorts numbers numerically and
** text in the C locale), chosen and reference levels, dummies, refusals.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "core/mem.h"
#include "frame/frame_sel.h"
#include "frame/frame_vars.h"

/* rows:      y     g     n    t
**   1        1.5   b     10   x
**   2        NA    a     2    y
**   3        2.5   B     10
**   4        4     a     1.0  x
**   5        3     b     2    z      */
static const char CSV[] = "y,g,n,t\n1.5,b,10,x\nNA,a,2,y\n2.5,B,10,\n4,a,1.0,x\n3,b,2,z\n";

static bool not_t(const char *name, void *ctx) {
  (void)ctx;
  return strcmp(name, "t") != 0;
}

static frame_vars *read_csv(const char *csv, const frame_vars_opts *o) {
  frame_vars *v = NULL;
  avn_err e;
  avn_err_clear(&e);
  assert_int_equal(frame_vars_read_mem(csv, strlen(csv), "t.csv", o, &v, &e), AVN_OK);
  return v;
}

static void test_read(void **st) {
  (void)st;
  frame_vars_opts o = {.wanted = not_t};
  frame_vars *v = read_csv(CSV, &o);
  avn_err e;
  const frame_var *y = NULL, *g = NULL, *n = NULL, *t = NULL;
  assert_int_equal(v->nrow, 5);
  assert_int_equal(v->ncol, 4);
  assert_int_equal(v->nvar, 3);   /* t is not read */
  assert_int_equal(frame_vars_find(v, "y", &y, &e), AVN_OK);
  assert_int_equal(frame_vars_find(v, "g", &g, &e), AVN_OK);
  assert_int_equal(frame_vars_find(v, "n", &n, &e), AVN_OK);
  /* in the header but not read: an internal error, not "no such column" */
  assert_int_equal(frame_vars_find(v, "t", &t, &e), AVN_E_UNKNOWN);
  assert_non_null(strstr(e.rule, "not read"));
  assert_int_equal(frame_vars_find(v, "q", &t, &e), AVN_E_UNKNOWN);
  assert_non_null(strstr(e.rule, "columns: y, g, n, t"));
  /* y: numbers only, NA missing */
  assert_true(y->numeric && y->num && !y->code);
  assert_true(y->num[0] == 1.5 && isnan(y->num[1]) && y->num[3] == 4);
  assert_int_equal(y->n_present, 4);
  /* g: text coded by first appearance: b=0, a=1, B=2 */
  assert_false(g->numeric);
  assert_int_equal(g->nlev, 3);
  assert_string_equal(g->level[0], "b");
  assert_string_equal(g->level[1], "a");
  assert_string_equal(g->level[2], "B");
  assert_int_equal(g->code[4], 0);
  frame_vars_free(v);
}

/* Complete cases over y and g drop row 2 (y missing): rows 1, 3, 4, 5.
** g's levels in R's order (C locale: "B" < "a" < "b"): B, a, b, so the
** kept rows' codes are b=2, B=0, a=1, b=2. */
static void test_select_levels(void **st) {
  (void)st;
  frame_vars *v = read_csv(CSV, NULL);
  frame_sel f;
  avn_err e;
  frame_want w[] = {{.name = "y", .kind = FRAME_SEL_AUTO}, {.name = "g", .kind = FRAME_SEL_AUTO}};
  assert_int_equal(frame_select(v, w, 2, &f, &e), AVN_OK);
  assert_int_equal(f.n, 4);
  assert_int_equal(f.n_missing, 1);
  assert_int_equal(f.v[0].kind, FRAME_SEL_NUMERIC);
  assert_true(f.v[0].x[1] == 2.5);
  assert_int_equal(f.v[1].kind, FRAME_SEL_FACTOR);
  assert_int_equal(f.v[1].nlev, 3);
  assert_string_equal(f.v[1].levels[0], "B");
  assert_string_equal(f.v[1].levels[1], "a");
  assert_string_equal(f.v[1].levels[2], "b");
  int want[] = {2, 0, 1, 2};
  for (int i = 0; i < 4; i++) assert_int_equal(f.v[1].code[i], want[i]);
  /* treatment dummies: columns ga, gb (B is the reference) */
  double X[8];
  char *names[2];
  assert_int_equal(frame_dummy_code(&f.v[1], 4, X, 2, 0, names), AVN_OK);
  assert_string_equal(names[0], "ga");
  assert_string_equal(names[1], "gb");
  double wx[] = {0, 1, 0, 0, 1, 0, 0, 1};
  for (int i = 0; i < 8; i++) assert_true(X[i] == wx[i]);
  avn_free(names[0]);
  avn_free(names[1]);
  frame_sel_free(&f);
  /* a column of numbers as a factor: levels by value, written %.15g, in
  ** numeric order: 1.0 is level "1" (R's factor of a numeric column), and
  ** 10 after 2 (not "10" < "2" as text) */
  frame_want wn[] = {{.name = "n", .kind = FRAME_SEL_FACTOR}};
  assert_int_equal(frame_select(v, wn, 1, &f, &e), AVN_OK);
  assert_int_equal(f.v[0].nlev, 3);
  assert_string_equal(f.v[0].levels[0], "1");
  assert_string_equal(f.v[0].levels[1], "2");
  assert_string_equal(f.v[0].levels[2], "10");
  assert_int_equal(f.v[0].count[2], 2);
  frame_sel_free(&f);
  frame_vars_free(v);
}

/* Chosen levels a,b (row 3's B left out: n_unlisted 1) with b as the
** reference: levels b, a. */
static void test_chosen_ref(void **st) {
  (void)st;
  frame_vars *v = read_csv(CSV, NULL);
  frame_sel f;
  avn_err e;
  char a[] = "a", b[] = "b", z[] = "zz";
  char *lv[] = {a, b};
  frame_want w[] = {{.name = "y", .kind = FRAME_SEL_NUMERIC},
                    {.name = "g", .kind = FRAME_SEL_FACTOR, .levels = lv, .nlevels = 2,
                     .ref = "b", .ref_len = 1}};
  assert_int_equal(frame_select(v, w, 2, &f, &e), AVN_OK);
  assert_int_equal(f.n, 3);
  assert_int_equal(f.n_unlisted, 1);
  assert_string_equal(f.v[1].levels[0], "b");
  assert_string_equal(f.v[1].levels[1], "a");
  frame_sel_free(&f);
  /* a chosen level the data has not: refused naming the column and level,
  ** in the caller's words */
  char *bad[] = {a, z};
  w[1].levels = bad;
  w[1].levels_from = "the list";
  w[1].ref = NULL;
  assert_int_equal(frame_select(v, w, 2, &f, &e), AVN_E_UNKNOWN);
  assert_string_equal(e.field, "g");
  assert_string_equal(e.value, "zz");
  assert_non_null(strstr(e.rule, "the list names a level"));
  /* g as a number: refused naming the first non-number (data row 1) */
  frame_want wg[] = {{.name = "g", .kind = FRAME_SEL_NUMERIC}};
  assert_int_equal(frame_select(v, wg, 1, &f, &e), AVN_E_TYPE);
  assert_string_equal(e.value, "b");
  assert_non_null(strstr(e.rule, "data row 1"));
  frame_vars_free(v);
}

/* Numbers, then text: "1.0" and "2" (read as numbers) then "x" (text):
** the first two rows take levels from their numbers ("1", "2"); the
** column is text from then on; borrowing leaves x NULL. */
static void test_mixed_and_borrow(void **st) {
  (void)st;
  frame_vars *v = read_csv("c,y\n1.0,1\n2,2\nx,3\n,4\n", NULL);
  const frame_var *c = NULL;
  avn_err e;
  assert_int_equal(frame_vars_find(v, "c", &c, &e), AVN_OK);
  assert_false(c->numeric);
  assert_int_equal(c->nlev, 3);
  assert_string_equal(c->level[0], "1");
  assert_string_equal(c->level[2], "x");
  assert_int_equal(c->code[3], FRAME_NA);
  assert_int_equal(c->bad_row, 2);
  assert_true(frame_var_first_numeric(c));
  frame_sel f;
  frame_want w[] = {{.name = "y", .kind = FRAME_SEL_NUMERIC, .borrow = true}};
  assert_int_equal(frame_select(v, w, 1, &f, &e), AVN_OK);
  assert_null(f.v[0].x);
  assert_true(f.v[0].src->num[f.row[3]] == 4);
  frame_sel_free(&f);
  frame_vars_release(v, "y");
  assert_int_equal(frame_vars_find(v, "y", &c, &e), AVN_E_STATE);
  frame_vars_free(v);
  /* text after 10 numbers (more than the first growth step of the codes:
  ** the fuzzer's find): rows 1-10 are levels "1".."10", row 11 "D3" */
  v = read_csv("c\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\nD3\n", NULL);
  assert_int_equal(frame_vars_find(v, "c", &c, &e), AVN_OK);
  assert_int_equal(c->nlev, 11);
  assert_string_equal(c->level[9], "10");
  assert_int_equal(c->code[10], 10);
  frame_vars_free(v);
}

/* Refusals of the file itself, as csv_table's. */
static void test_refusals(void **st) {
  (void)st;
  frame_vars *v = NULL;
  avn_err e;
  const char *ragged = "a,b\n1,2\n3\n";
  assert_int_equal(frame_vars_read_mem(ragged, strlen(ragged), "r.csv", NULL, &v, &e), AVN_E_PARSE);
  assert_non_null(strstr(e.rule, "data row 2 has 1 fields"));
  const char *dup = "a,a\n1,2\n";
  assert_int_equal(frame_vars_read_mem(dup, strlen(dup), "d.csv", NULL, &v, &e), AVN_E_PARSE);
  assert_non_null(strstr(e.rule, "duplicate column name"));
  assert_int_equal(frame_vars_read_mem("", 0, "e.csv", NULL, &v, &e), AVN_E_PARSE);
  assert_null(v);
}

/* Every allocation failing in turn: a clean refusal, nothing leaked (ASan). */
static void test_nomem(void **st) {
  (void)st;
  for (long k = 0; k < 200; k++) {
    frame_vars *v = NULL;
    avn_err e;
    avn_mem_fail_after(k);
    avn_rc rc = frame_vars_read_mem(CSV, strlen(CSV), "t.csv", NULL, &v, &e);
    frame_sel f;
    frame_want w[] = {{.name = "y", .kind = FRAME_SEL_AUTO}, {.name = "n", .kind = FRAME_SEL_FACTOR}};
    if (!rc) rc = frame_select(v, w, 2, &f, &e);
    avn_mem_fail_after(-1);
    if (!rc) frame_sel_free(&f);
    frame_vars_free(v);
    assert_true(rc == AVN_OK || rc == AVN_E_NOMEM);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_read),          cmocka_unit_test(test_select_levels),
      cmocka_unit_test(test_chosen_ref),    cmocka_unit_test(test_mixed_and_borrow),
      cmocka_unit_test(test_refusals),      cmocka_unit_test(test_nomem),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
