/*
** test_ytree.c: the YAML tree and its typed readers (core/ytree.h).
**
** Expected lines are counted by hand on the text below (written down before
** the code ran); a block mapping starts at its first key's line, an empty
** value sits on its key's line. Expected numbers are the decimal values of
** the spelled numbers.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "core/ytree.h"

static const char doc[] =
    "# a definition\n"      /*  1 */
    "name: hip\n"           /*  2 */
    "low: -1.5e2\n"         /*  3 */
    "bad: 12abc\n"          /*  4 */
    "big: 1e999\n"          /*  5 */
    "nan: nan\n"            /*  6 */
    "empty:\n"              /*  7 */
    "flags:\n"              /*  8 */
    "  t1: yes\n"           /*  9 */
    "  t2: true\n"          /* 10 */
    "  f1: no\n"            /* 11 */
    "  f2: false\n"         /* 12 */
    "  one: 1\n"            /* 13 */
    "  upper: Yes\n"        /* 14 */
    "seq:\n"                /* 15 */
    "  - x\n"               /* 16 */
    "  - {k: v}\n";         /* 17 */

typedef struct {
  ytree *root;
  avn_err e;
  ytree_reader r;
} fixture;

static int setup(void **state) {
  static fixture f;
  memset(&f, 0, sizeof f);
  f.r.file = "t.yaml";
  f.r.e = &f.e;
  if (ytree_parse("t.yaml", doc, strlen(doc), &f.root, &f.e)) return -1;
  *state = &f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  ytree_free(f->root);
  return 0;
}

/* rc is a refusal at t.yaml:line with value and rule. */
static void refused(const fixture *f, avn_rc rc, int line, const char *value, const char *rule) {
  char where[32];
  snprintf(where, sizeof where, "t.yaml:%d", line);
  assert_int_equal(rc, AVN_E_PARSE);
  assert_string_equal(f->e.field, where);
  assert_string_equal(f->e.value, value);
  assert_string_equal(f->e.rule, rule);
}

static void test_lines(void **state) {
  fixture *f = *state;
  assert_int_equal(f->root->kind, YT_MAP);
  assert_int_equal(f->root->line, 2);
  assert_int_equal(f->root->n, 8);
  assert_int_equal(f->root->key_lines[5], 7);
  assert_int_equal(ytree_get(f->root, "empty")->line, 7);
  assert_int_equal(ytree_get(f->root, "flags")->line, 9);
  assert_int_equal(ytree_get(f->root, "seq")->items[1]->line, 17);
}

static void test_scalar(void **state) {
  fixture *f = *state;
  const char *s = NULL;
  assert_int_equal(ytree_scalar(&f->r, ytree_get(f->root, "name"), "name", &s), AVN_OK);
  assert_string_equal(s, "hip");
  assert_int_equal(ytree_scalar(&f->r, ytree_get(f->root, "empty"), "empty", &s), AVN_OK);
  assert_string_equal(s, "");
  refused(f, ytree_scalar(&f->r, ytree_get(f->root, "flags"), "flags", &s), 9, "",
          "'flags' must be a plain value");
  refused(f, ytree_scalar(&f->r, ytree_get(f->root, "seq"), "seq", &s), 16, "",
          "'seq' must be a plain value");
}

static void test_number(void **state) {
  fixture *f = *state;
  double x = 0;
  assert_int_equal(ytree_number(&f->r, ytree_get(f->root, "low"), "low", &x), AVN_OK);
  assert_true(x == -150.0);
  x = 42;
  refused(f, ytree_number(&f->r, ytree_get(f->root, "bad"), "bad", &x), 4, "12abc",
          "'bad' must be a number");
  assert_true(x == 42); /* untouched on refusal */
  refused(f, ytree_number(&f->r, ytree_get(f->root, "big"), "big", &x), 5, "1e999",
          "'big' must be a number");
  refused(f, ytree_number(&f->r, ytree_get(f->root, "nan"), "nan", &x), 6, "nan",
          "'nan' must be a number");
  refused(f, ytree_number(&f->r, ytree_get(f->root, "empty"), "empty", &x), 7, "",
          "'empty' must be a number");
  refused(f, ytree_number(&f->r, ytree_get(f->root, "seq"), "seq", &x), 16, "",
          "'seq' must be a number");
  /* the by-key reader keeps its own wording, the value inside the rule */
  bool has = true;
  refused(f, ytree_get_num(&f->r, f->root, "bad", &has, &x), 4, "",
          "'bad' must be a number, not '12abc'");
  assert_false(has);
  assert_int_equal(ytree_get_num(&f->r, f->root, "low", &has, &x), AVN_OK);
  assert_true(has && x == -150.0);
}

static void test_bool(void **state) {
  fixture *f = *state;
  const ytree *flags = ytree_get(f->root, "flags");
  bool b = false;
  assert_int_equal(ytree_bool(&f->r, ytree_get(flags, "t1"), "t1", &b), AVN_OK);
  assert_true(b);
  assert_int_equal(ytree_bool(&f->r, ytree_get(flags, "t2"), "t2", &b), AVN_OK);
  assert_true(b);
  assert_int_equal(ytree_bool(&f->r, ytree_get(flags, "f1"), "f1", &b), AVN_OK);
  assert_false(b);
  b = true;
  assert_int_equal(ytree_bool(&f->r, ytree_get(flags, "f2"), "f2", &b), AVN_OK);
  assert_false(b);
  refused(f, ytree_bool(&f->r, ytree_get(flags, "one"), "one", &b), 13, "1",
          "'one' must be true or false");
  refused(f, ytree_bool(&f->r, ytree_get(flags, "upper"), "upper", &b), 14, "Yes",
          "'upper' must be true or false");
  refused(f, ytree_bool(&f->r, ytree_get(f->root, "seq"), "seq", &b), 16, "",
          "'seq' must be true or false");
}

static void test_shapes_and_keys(void **state) {
  fixture *f = *state;
  assert_int_equal(ytree_need_seq(&f->r, ytree_get(f->root, "seq"), "'seq'"), AVN_OK);
  refused(f, ytree_need_seq(&f->r, ytree_get(f->root, "flags"), "'flags'"), 9, "",
          "'flags' must be a list");
  refused(f, ytree_need_seq(&f->r, NULL, "'none'"), 1, "", "'none' must be a list");
  /* root keys: name low bad big nan empty flags seq -> "bad" is index 2 */
  refused(f, ytree_unknown_key(&f->r, f->root, 2, "unknown key (expected name)"), 4, "bad",
          "unknown key (expected name)");
  /* the rule is text, not a format */
  refused(f, ytree_unknown_key(&f->r, f->root, 0, "100% unknown"), 2, "name", "100% unknown");
  refused(f, ytree_fail_value(&f->r, 12, "v", "rule %d", 7), 12, "v", "rule 7");
  refused(f, ytree_fail_value(&f->r, 3, NULL, "no value"), 3, "", "no value");
}

/* What ytree_parse itself refuses (the readers above rely on unique keys). */
static void test_parse_refusals(void **state) {
  (void)state;
  static const struct {
    const char *text;
    int line;
    const char *rule;
  } cases[] = {
    {"a: 1\nb: 2\na: 3\n", 3, "key 'a' given twice"},
    {"a: &x 1\nb: *x\n", 2, "aliases (*name) are not allowed"},
    {"a: 1\n---\nb: 2\n", 2, "only one YAML document per file"},
    {"# nothing\n", 1, "the file is empty"},
    {"a: [\n", 2, "YAML syntax: did not find expected node content"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ytree *t = NULL;
    avn_err e;
    char where[32];
    avn_err_clear(&e);
    avn_rc rc = ytree_parse("t.yaml", cases[i].text, strlen(cases[i].text), &t, &e);
    snprintf(where, sizeof where, "t.yaml:%d", cases[i].line);
    assert_int_equal(rc, AVN_E_PARSE);
    assert_null(t);
    assert_string_equal(e.field, where);
    assert_string_equal(e.rule, cases[i].rule);
  }
}

/* A wide mapping fills several blocks and regrows its arrays many times:
** key kI (I from 0) stands on line I + 1 with the value I. */
static void test_wide(void **state) {
  (void)state;
  enum { N = 5000 };
  char *text = avn_malloc(N * 16);
  size_t len = 0;
  ytree *t = NULL;
  avn_err e;
  assert_non_null(text);
  for (int i = 0; i < N; i++) len += (size_t)snprintf(text + len, 16, "k%d: %d\n", i, i);
  assert_int_equal(ytree_parse("w.yaml", text, len, &t, &e), AVN_OK);
  assert_int_equal(t->n, N);
  assert_string_equal(ytree_str(t, "k0"), "0");
  assert_string_equal(ytree_str(t, "k4999"), "4999");
  assert_int_equal(t->key_lines[4999], 5000);
  assert_int_equal(ytree_get(t, "k2500")->line, 2501);
  ytree_free(t);
  avn_free(text);
}

/* Each allocation of a parse fails in turn: AVN_E_NOMEM, no tree, and
** nothing leaked (the sanitizer build checks), until one succeeds. */
static void test_alloc_faults(void **state) {
  fixture *f = *state;
  long n = 0;
  for (;; n++) {
    ytree *t = NULL;
    avn_err e;
    avn_mem_fail_after(n);
    avn_rc rc = ytree_parse("t.yaml", doc, strlen(doc), &t, &e);
    avn_mem_fail_after(-1);
    if (rc == AVN_OK) {
      assert_int_equal(t->n, f->root->n);
      ytree_free(t);
      break;
    }
    assert_int_equal(rc, AVN_E_NOMEM);
    assert_null(t);
  }
  assert_true(n >= 1); /* the document needs at least one block */
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_lines),
    cmocka_unit_test(test_scalar),
    cmocka_unit_test(test_number),
    cmocka_unit_test(test_bool),
    cmocka_unit_test(test_shapes_and_keys),
    cmocka_unit_test(test_parse_refusals),
    cmocka_unit_test(test_wide),
    cmocka_unit_test(test_alloc_faults),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
