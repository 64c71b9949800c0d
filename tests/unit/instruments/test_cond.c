/*
** test_cond.c: item conditions (show_if, cond.h), each case worked by hand
** from REDCap's branching-logic rules: numbers compare as numbers, other
** text as text, a blank is '' and an unticked checkbox choice '0', an
** ordering comparison with a blank side is false, `and` binds tighter than
** `or`. Plus refusals with the character position, and a definition whose
** show_if names an item it lacks refused with file:line.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "instruments/cond.h"
#include "instruments/instrument.h"

/* The values of a form: "sex=2", "age=45", "risk___1=1" (absent: blank). */
typedef struct vals {
  const char *const *kv;
} vals;

static const char *get(void *ctx, const char *item, char *buf, size_t n) {
  const vals *v = ctx;
  size_t len = strlen(item);
  (void)buf;
  (void)n;
  for (size_t i = 0; v->kv[i]; i++)
    if (!strncmp(v->kv[i], item, len) && v->kv[i][len] == '=') return v->kv[i][len + 1] ? v->kv[i] + len + 1 : NULL;
  return NULL;
}

static bool eval(const char *text, const char *const *kv) {
  cond *c = NULL;
  avn_err e;
  avn_err_clear(&e);
  if (cond_parse(text, &c, &e)) fail_msg("%s: %s", text, e.rule);
  vals v = {kv};
  bool r = cond_eval(c, get, &v);
  cond_free(c);
  return r;
}

static void test_compare(void **s) {
  (void)s;
  const char *const female45[] = {"sex=2", "age=45", "name=Ann", "day=2024-03-01", NULL};
  assert_true(eval("[sex] = '2'", female45));
  assert_true(eval("[sex] = 2", female45));          /* 2 = 2 as numbers */
  assert_true(eval("[sex] = '2.0'", female45));      /* 2 = 2.0 as numbers, not as text */
  assert_false(eval("[sex] <> '2'", female45));
  assert_false(eval("[sex] != \"2\"", female45));
  assert_true(eval("[age] >= 40", female45));        /* 45 >= 40 */
  assert_true(eval("[age] < 100", female45));        /* 45 < 100 as numbers ("45" > "100" as text) */
  assert_false(eval("[age] > 45", female45));
  assert_true(eval("[age] <= 45", female45));
  assert_true(eval("[name] = 'Ann'", female45));
  assert_false(eval("[name] = 'ann'", female45));    /* text compares exactly */
  assert_true(eval("[day] > '2024-02-29'", female45)); /* dates order as text */
  assert_true(eval("[day] = [day]", female45));
}

static void test_blank_and_checkbox(void **s) {
  (void)s;
  const char *const none[] = {"risk___1=1", NULL};
  assert_true(eval("[age] = ''", none));             /* blank is '' */
  assert_false(eval("[age] <> ''", none));
  assert_false(eval("[age] < 40", none));            /* ordering with a blank: false */
  assert_false(eval("[age] >= 40", none));
  assert_true(eval("[risk(1)] = '1'", none));        /* the item risk___1 */
  assert_true(eval("[risk(2)] = '0'", none));        /* unticked: '0', not '' */
  assert_true(eval("[risk(99)] <> '1'", none));
}

static void test_logic(void **s) {
  (void)s;
  const char *const v[] = {"a=1", "b=0", "c=1", NULL};
  /* and before or: 1=1 or (b=1 and c=0) -> true or false = true */
  assert_true(eval("[a] = 1 or [b] = 1 and [c] = 0", v));
  /* (a=1 or b=1) and c=0 -> true and false = false */
  assert_false(eval("([a] = 1 or [b] = 1) and [c] = 0", v));
  assert_true(eval("[a] = 1 AND [c] = 1", v));       /* words in any case */
  assert_false(eval("[a] = 0 Or [b] = 1", v));
  assert_true(eval("(([a] = 1))", v));
}

static void test_refusals(void **s) {
  (void)s;
  static const struct {
    const char *text, *rule;
  } bad[] = {
      {"[a] = ", "at character 7: expected [item], a quoted value or a number"},
      {"datediff([d], 'today', 'y') > 1", "at character 1: expected [item]"},
      {"[a] == 1", "at character 6: expected [item]"},
      {"[ev][a] = 1", "[event][field]"},
      {"[a] = 1 [b] = 2", "expected 'and', 'or' or the end"},
      {"([a] = 1", "expected ')'"},
      {"[a] = 'x", "unterminated quoted text"},
      {"[a(] = 1", "checkbox choice code"},
      {"[a] + 1 = 2", "expected a comparison"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    cond *c = NULL;
    avn_err e;
    avn_err_clear(&e);
    assert_int_equal(cond_parse(bad[i].text, &c, &e), AVN_E_PARSE);
    assert_null(c);
    if (!strstr(e.rule, bad[i].rule)) fail_msg("%s: got '%s', wanted '%s'", bad[i].text, e.rule, bad[i].rule);
  }
  /* nesting past COND_MAX_DEPTH is refused, never a deep recursion */
  char deep[200] = "";
  for (int i = 0; i < 40; i++) strcat(deep, "(");
  cond *c = NULL;
  avn_err e;
  assert_int_equal(cond_parse(deep, &c, &e), AVN_E_PARSE);
  assert_non_null(strstr(e.rule, "nested too deeply"));
}

static void test_refs(void **s) {
  (void)s;
  cond *c = NULL;
  avn_err e;
  assert_int_equal(cond_parse("[sex] = '2' and [risk(-1)] = '1' or [Risk(A b)] = '1'", &c, &e), AVN_OK);
  assert_int_equal(cond_n_refs(c), 3);
  assert_string_equal(cond_ref_at(c, 0), "sex");
  assert_false(cond_ref_checkbox(c, 0));
  assert_string_equal(cond_ref_at(c, 1), "risk____1");   /* REDCap's column for code -1 */
  assert_true(cond_ref_checkbox(c, 1));
  assert_string_equal(cond_ref_at(c, 2), "Risk___a_b");
  cond_free(c);
}

/* In a definition: show_if is checked against the form's items at parse
** time (file:line), and drives completeness and refusals. */
static void test_definition(void **s) {
  (void)s;
  static const char bad[] = "name: f\ntitle: F\nitems:\n"
                            "  - {name: a, label: A, type: int, min: 0, max: 9}\n"
                            "  - {name: b, label: B, type: int, min: 0, max: 9, show_if: \"[c] = 1\"}\n";
  inst_def *d = NULL;
  avn_err e;
  avn_err_clear(&e);
  assert_int_equal(inst_def_parse("f.yaml", bad, strlen(bad), &d, &e), AVN_E_PARSE);
  assert_string_equal(e.field, "f.yaml:5");
  assert_non_null(strstr(e.rule, "reads 'c', which is not an item of this form"));
  static const char good[] = "name: f\ntitle: F\nitems:\n"
                             "  - {name: a, label: A, type: int, min: 0, max: 9, required: true}\n"
                             "  - {name: b, label: B, type: int, min: 0, max: 9, required: true, show_if: \"[a] > 4\"}\n";
  assert_int_equal(inst_def_parse("f.yaml", good, strlen(good), &d, &e), AVN_OK);
  inst_value v[2];
  assert_int_equal(inst_parse_value(d, "a", "3", &v[0], &e), AVN_OK);
  assert_int_equal(inst_parse_value(d, "b", "7", &v[1], &e), AVN_OK);
  inst_response one = {v, 1}, both = {v, 2};
  /* a=3: 3 > 4 is false, so b does not apply: not required, and refused when given */
  assert_int_equal(inst_check_complete(d, &one, &e), AVN_OK);
  assert_int_equal(inst_check_complete(d, &both, &e), AVN_E_STATE);
  assert_string_equal(e.field, "f.b");
  assert_string_equal(e.value, "7");
  /* a=5: 5 > 4, b applies and is required */
  assert_int_equal(inst_parse_value(d, "a", "5", &v[0], &e), AVN_OK);
  assert_int_equal(inst_check_complete(d, &one, &e), AVN_E_REQUIRED);
  assert_string_equal(e.field, "f.b");
  assert_int_equal(inst_check_complete(d, &both, &e), AVN_OK);
  inst_def_free(d);
  inst_registry_free();
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_compare),   cmocka_unit_test(test_blank_and_checkbox),
      cmocka_unit_test(test_logic),     cmocka_unit_test(test_refusals),
      cmocka_unit_test(test_refs),      cmocka_unit_test(test_definition),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
