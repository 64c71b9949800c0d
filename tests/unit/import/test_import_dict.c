/*
** test_import_dict.c: the REDCap field types avn import dictionary maps,
** one dictionary row each, with the item REDCap's documented format says it
** is (docs/import.md's table, worked by hand): the YAML is parsed back by
** the registry and the item's type, bounds, codes and flags checked; what
** avn cannot keep is listed as a note, never dropped silently.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/ytree.h"
#include "import/import.h"
#include "instruments/instrument.h"

#define HEADER "\"Variable / Field Name\",\"Form Name\",\"Section Header\",\"Field Type\",\"Field Label\"," \
               "\"Choices, Calculations, OR Slider Labels\",\"Field Note\",\"Text Validation Type OR Show Slider " \
               "Number\",\"Text Validation Min\",\"Text Validation Max\",\"Identifier?\",\"Branching Logic (Show " \
               "field only if...)\",\"Required Field?\"\n"

static const char dict[] = HEADER
    "record_id,one,,text,Id,,,,,,,,\n"
    "n_int,one,,text,Count,,,integer,-5,5,,,y\n"
    "n_real,one,,text,Dose,,,number_2dp,0.5,2.5,,,\n"
    "n_min,one,,text,Only a minimum,,,integer,0,,,,\n"
    "d,one,,text,Day,,,date_ymd,2020-01-01,,,,\n"
    "t,one,,text,Clock,,,time,,,,,\n"
    "mail,one,,text,E-mail,,,email,,,y,,\n"
    "dd,one,,dropdown,Grade,\"a, Low | b, High\",,,,,,,\n"
    "tf,one,,truefalse,True?,,,,,,,,\n"
    "sl,one,,slider,Slide,\"Left | Right\",,,,,,,\n"
    "up,one,,file,Upload,,,,,,,,\n"
    "box,one,,checkbox,Which,\"1, A | 2, B\",,,,,,,y\n"
    "c,one,,calc,Sum,\"[n_int]+[n_real]\",,,,,,,\n"
    "other,two,,text,Other form,,,,,,,\"[n_int] > 1\",\n";

static const inst_def *form(const import_dict_result *r, const char *name, inst_def **keep) {
  ytree *root = NULL;
  avn_err e;
  assert_int_equal(ytree_parse("t.yaml", r->yaml, strlen(r->yaml), &root, &e), AVN_OK);
  const ytree *forms = ytree_get(root, "forms");
  for (size_t i = 0; i < forms->n; i++)
    if (!strcmp(ytree_str(forms->items[i], "name"), name)) {
      assert_int_equal(inst_def_parse_tree("t.yaml", forms->items[i], keep, &e), AVN_OK);
      break;
    }
  ytree_free(root);
  return *keep;
}

static bool has_note(const import_dict_result *r, const char *field, const char *text) {
  for (size_t i = 0; i < r->n_notes; i++)
    if (!strcmp(r->notes[i].field, field) && strstr(r->notes[i].text, text)) return true;
  return false;
}

static void test_types(void **s) {
  (void)s;
  import_dict_result r;
  avn_err e;
  avn_err_clear(&e);
  if (import_dictionary_mem(dict, strlen(dict), "t.csv", NULL, &r, &e)) fail_msg("%s %s %s", e.field, e.value, e.rule);
  /* 14 rows: record_id (no item) and 13 data fields, box giving 2 items:
  ** 13 + 1 = 14 items, form one 13 (12 fields), form two 1. */
  assert_int_equal(r.n_fields, 14);
  assert_int_equal(r.n_forms, 2);
  assert_int_equal(r.n_items, 14);
  inst_def *d = NULL;
  form(&r, "one", &d);
  const inst_item *it = inst_item_find(d, "n_int");
  assert_int_equal(it->type, INST_INT);
  assert_true(it->min == -5 && it->max == 5 && it->required);
  it = inst_item_find(d, "n_real");
  assert_int_equal(it->type, INST_REAL);
  assert_true(it->min == 0.5 && it->max == 2.5 && !it->required);
  it = inst_item_find(d, "n_min");   /* one bound: none checked, noted */
  assert_true(it->min > it->max);
  assert_true(has_note(&r, "n_min", "only a minimum is given (0)"));
  assert_int_equal(inst_item_find(d, "d")->type, INST_DATE);
  assert_true(has_note(&r, "d", "bounds (2020-01-01..) are not checked"));
  assert_int_equal(inst_item_find(d, "t")->type, INST_TIME);
  it = inst_item_find(d, "mail");
  assert_int_equal(it->type, INST_TEXT);
  assert_true(it->identifying);
  assert_true(has_note(&r, "mail", "validation email is not checked"));
  it = inst_item_find(d, "dd");   /* codes a, b are not numbers: values are positions 1, 2 */
  assert_int_equal(it->type, INST_CODE);
  assert_int_equal(it->n_codes, 2);
  assert_string_equal(it->codes[1].name, "b");
  assert_string_equal(it->codes[1].label, "High");
  assert_true(it->codes[0].value == 1 && it->codes[1].value == 2);
  assert_int_equal(inst_item_find(d, "tf")->type, INST_BOOL);
  it = inst_item_find(d, "sl");   /* a slider is 0-100 */
  assert_int_equal(it->type, INST_INT);
  assert_true(it->min == 0 && it->max == 100);
  assert_int_equal(inst_item_find(d, "up")->type, INST_TEXT);
  assert_true(has_note(&r, "up", "file field"));
  it = inst_item_find(d, "box___2");
  assert_int_equal(it->type, INST_BOOL);
  assert_string_equal(it->label, "Which: B");
  assert_false(it->required);
  assert_true(has_note(&r, "box", "required checkbox"));
  it = inst_item_find(d, "c");
  assert_int_equal(it->type, INST_REAL);
  assert_non_null(strstr(it->note, "[n_int]+[n_real]"));
  assert_true(has_note(&r, "c", "NOT computed"));
  inst_def_free(d);
  d = NULL;
  /* form two's logic reads form one: left out, noted */
  form(&r, "two", &d);
  assert_null(inst_item_find(d, "other")->show_if);
  assert_true(has_note(&r, "other", "reads n_int on form one"));
  inst_def_free(d);
  import_dict_result_free(&r);
  inst_registry_free();
}

static void test_refusals(void **s) {
  (void)s;
  static const struct {
    const char *rows, *field, *value, *rule;
  } bad[] = {
      {"x,hhs,,text,X,,,,,,,,\n", "Form Name (row 3)", "hhs", "avn ships a form of this name"},
      {"x,f,,text,X,,,integer,a,9,,,\n", "Text Validation Min (row 3)", "a", "is a number"},
      {"x,f,,text,X,,,,,,,\"[nosuch] = 1\",\n", "Branching Logic (Show field only if...) (row 3)", "[nosuch] = 1",
       "does not define"},
      {"x,f,,text,X,,,,,,,\"[id(1)] = 1\",\n", "Branching Logic (Show field only if...) (row 3)", "[id(1)] = 1",
       "is not a checkbox field"},
      {"x,f,,radio,X,\"1, A | 1, B\",,,,,,,\n", "Choices, Calculations, OR Slider Labels (row 3)", "1",
       "given twice"},
      {"x,f,,text,X,,,,,,maybe,,\n", "Identifier? (row 3)", "maybe", "\"y\" or blank"},
      {"X,f,,text,X,,,,,,,,\n", "Variable / Field Name (row 3)", "X", "lower-case"},
      {"id,f,,text,X,,,,,,,,\n", "Variable / Field Name (row 3)", "id", "already defined in row 2"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char text[2048];
    snprintf(text, sizeof text, HEADER "id,f,,text,Id,,,,,,,,\n%s", bad[i].rows);
    import_dict_result r;
    avn_err e;
    avn_err_clear(&e);
    assert_int_equal(import_dictionary_mem(text, strlen(text), "t.csv", NULL, &r, &e), AVN_E_PARSE);
    assert_null(r.yaml);
    if (strcmp(e.field, bad[i].field) || strcmp(e.value, bad[i].value) || !strstr(e.rule, bad[i].rule))
      fail_msg("case %zu: got %s | %s | %s", i, e.field, e.value, e.rule);
  }
  inst_registry_free();
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_types), cmocka_unit_test(test_refusals)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
