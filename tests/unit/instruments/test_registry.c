/*
** test_registry.c: the shipped instrument definitions load and are well
** formed; malformed definitions are refused with file:line; allocation
** failures while loading are reported, never crash or leak (ASan build).
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <math.h>
#include <string.h>

#include "core/mem.h"
#include "instruments/instrument.h"

static void test_all_shipped_load(void **s) {
  (void)s;
  avn_err e;
  avn_err_clear(&e);
  avn_rc rc = inst_registry_load(&e);
  if (rc) fail_msg("%s: %s", e.field, e.rule);
  /* the forms of docs/instruments.md 7 and issue 2 */
  static const char *const want[] = {"hhs", "vas", "womac", "sf36", "mri", "cell_product",
                                     "procedure", "ae", "tha", "satisfaction", "rom",
                                     "baseline", "hip_baseline", "conmed"};   /* conmed: issue 10, repeating forms */
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    assert_non_null(inst_find(want[i]));
  assert_int_equal(inst_count(), sizeof want / sizeof want[0]);
  assert_null(inst_find("nope"));
  for (size_t i = 0; i < inst_count(); i++) {
    const inst_def *d = inst_at(i);
    assert_true(strlen(inst_title(d)) > 3);
    for (size_t j = 0; j < inst_n_items(d); j++) {
      const inst_item *it = inst_item_at(d, j);
      assert_true(strlen(it->label) > 1);
      for (size_t k = 0; k < it->n_codes; k++) assert_true(strlen(it->codes[k].label) > 1);
    }
    for (size_t j = 0; j < inst_n_results(d); j++) assert_true(strlen(inst_result_at(d, j)->label) > 3);
  }
}

static void test_levels_and_include(void **s) {
  (void)s;
  const inst_def *hhs = inst_find("hhs"), *rom = inst_find("rom");
  assert_int_equal(inst_get_level(hhs), INST_LEVEL_HIP);
  assert_int_equal(inst_get_level(inst_find("sf36")), INST_LEVEL_PATIENT);
  assert_int_equal(inst_get_level(inst_find("vas")), INST_LEVEL_HIP);
  /* the HHS range-of-motion block is the rom form's items, described once */
  for (size_t j = 0; j < inst_n_items(rom); j++) {
    const inst_item *a = inst_item_at(rom, j), *b = inst_item_find(hhs, a->name);
    assert_non_null(b);
    assert_string_equal(a->label, b->label);
    assert_true(a->max == b->max);
  }
  assert_int_equal(inst_n_items(inst_find("womac")), 24);
  assert_int_equal(inst_n_items(inst_find("sf36")), 36);
  /* alias */
  const inst_item *cm = inst_item_find(inst_find("vas"), "pain_cm");
  assert_string_equal(cm->alias_of, "pain_mm");
  assert_true(cm->alias_factor == 10);
}

static void expect_parse_error(const char *yaml, int line, const char *rule_part) {
  inst_def *d = NULL;
  avn_err e;
  char where[64];
  avn_err_clear(&e);
  avn_rc rc = inst_def_parse("t.yaml", yaml, strlen(yaml), &d, &e);
  if (rc != AVN_E_PARSE) fail_msg("expected a parse error for:\n%s", yaml);
  assert_null(d);
  snprintf(where, sizeof where, "t.yaml:%d", line);
  if (strcmp(e.field, where) != 0) fail_msg("field '%s', expected '%s' (%s)", e.field, where, e.rule);
  if (!strstr(e.rule, rule_part)) fail_msg("rule '%s' lacks '%s'", e.rule, rule_part);
}

static void test_malformed(void **s) {
  (void)s;
  expect_parse_error("name: x\ntitle: X\nitems:\n  - name: a\n    type: integer\n    label: A\n", 5,
                     "type must be");
  expect_parse_error("name: x\ntitle: X\nitems:\n  - name: a\n    label: A\n", 4, "needs a type");
  expect_parse_error("name: x\ntitle: X\nitems:\n  - name: a\n    type: int\n", 4, "needs a label");
  expect_parse_error("name: x\ntitle: X\nitems:\n  - name: a\n    type: int\n    label: A\n    colour: red\n",
                     7, "unknown key");
  expect_parse_error("name: x\ntitle: X\nitems:\n  - name: a\n    type: code\n    label: A\n", 4,
                     "needs codes");
  expect_parse_error("name: x\ntitle: X\nitems:\n  - name: a\n    type: int\n    label: A\n    min: 5\n    max: 1\n",
                     4, "min is greater");
  expect_parse_error("name: x\ntitle: X\nitems:\n  - name: a\n    type: int\n    label: A\n    min: five\n    max: 9\n",
                     7, "must be a number");
  expect_parse_error("name: x\ntitle: X\nitems:\n  - include: nosuch\n", 4, "no definition named");
  expect_parse_error("name: x\ntitle: X\nitems:\n  - name: a\n    type: int\n    label: A\n  - name: a\n    type: int\n    label: B\n",
                     7, "duplicate item");
  expect_parse_error("name: x\ntitle: X\nitems: [\n", 4, "YAML syntax");
  expect_parse_error("name: x\ntitle: X\nlevel: knee\nitems: []\n", 3, "level must be");
  expect_parse_error("name: x\ntitle: X\nitems:\n  - name: a\n    type: int\n    label: A\nresults:\n  - {name: r, label: R}\n",
                     1, "no scoring function");
  expect_parse_error("name: x\ntitle: X\nitems:\n  - name: a\n    type: code\n    label: A\n    codes:\n      - {name: y, label: Y}\n",
                     8, "needs name, label and value");
  expect_parse_error("name: x\ntitle: X\nitems:\n  - name: a\n    type: real\n    label: A\n  - name: b\n    type: real\n    label: B\n    alias_of: c\n    factor: 2\n",
                     1, "alias 'b'");
  expect_parse_error("name: x\ntitle: X\nitems:\n  - name: a\n    type: date\n    label: A\nrules:\n  - {item: a, not_before: zz}\n",
                     8, "unknown item");
  expect_parse_error("name: x\ntitle: X\nitems:\n  - name: a\n    type: int\n    label: A\noptions:\n  - name: o\n    type: int\n    label: O\n    min: 0\n    max: 3\n    default: \"7\"\n",
                     1, "default of option");
  /* reads: the reader must be a required text item; agree_on must name items */
  expect_parse_error("name: x\ntitle: X\nreads: {reader: r}\nitems:\n  - name: r\n    type: text\n    label: R\n",
                     1, "required text item");
  expect_parse_error("name: x\ntitle: X\nreads: {reader: a}\nitems:\n  - name: a\n    type: int\n    label: A\n    required: true\n",
                     1, "required text item");
  expect_parse_error("name: x\ntitle: X\nreads: {reader: r, agree_on: [zz]}\nitems:\n  - name: r\n    type: text\n    label: R\n    required: true\n",
                     1, "unknown item 'zz'");
  expect_parse_error("name: x\ntitle: X\nreads: {agree_on: []}\nitems:\n  - name: a\n    type: int\n    label: A\n",
                     3, "needs reader");
  expect_parse_error("name: x\ntitle: X\nreads: {reader: r, by: x}\nitems:\n  - name: a\n    type: int\n    label: A\n",
                     3, "unknown key in reads");
  /* a result's direction and MCID */
  expect_parse_error("name: vas\ntitle: X\nitems:\n  - name: pain_mm\n    type: real\n    label: A\nresults:\n"
                     "  - {name: pain_mm, label: P, better: sideways}\n",
                     8, "'better' is higher or lower");
  expect_parse_error("name: vas\ntitle: X\nitems:\n  - name: pain_mm\n    type: real\n    label: A\nresults:\n"
                     "  - {name: pain_mm, label: P, mcid: -2}\n",
                     8, "'mcid' is a positive number");
  /* translations: label_ar / title_ar must hold Arabic letters */
  expect_parse_error("name: x\ntitle: X\nitems:\n  - name: a\n    type: int\n    label: A\n    label_ar: Pain\n",
                     7, "needs Arabic letters");
  expect_parse_error("name: x\ntitle: X\ntitle_ar: \"X\"\nitems: []\n", 3, "needs Arabic letters");
  expect_parse_error("name: x\ntitle: X\nitems:\n  - name: a\n    type: code\n    label: A\n    codes:\n"
                     "      - {name: y, label: Y, label_ar: Yes, value: 1}\n", 8, "needs Arabic letters");
}

/* A definition's Arabic (label_ar, title_ar) is kept beside the English. */
static void test_translations(void **s) {
  (void)s;
  const char *yaml = "name: x\ntitle: X\ntitle_ar: \"\u0623\u0644\u0645\"\nitems:\n  - name: a\n    type: code\n"
                     "    label: Pain\n    label_ar: \"\u0627\u0644\u0623\u0644\u0645\"\n    codes:\n"
                     "      - {name: y, label: Yes, label_ar: \"\u0646\u0639\u0645\", value: 1}\n"
                     "      - {name: n, label: No, value: 0}\n";
  inst_def *d = NULL;
  avn_err e;
  assert_int_equal(inst_def_parse("t.yaml", yaml, strlen(yaml), &d, &e), AVN_OK);
  const inst_item *it = inst_item_find(d, "a");
  assert_string_equal(inst_title_ar(d), "\u0623\u0644\u0645");
  assert_string_equal(it->label, "Pain");
  assert_string_equal(it->label_ar, "\u0627\u0644\u0623\u0644\u0645");
  assert_string_equal(it->codes[0].label_ar, "\u0646\u0639\u0645");
  assert_null(it->codes[1].label_ar);   /* untranslated: the English is shown */
  inst_def_free(d);
  /* the shipped VAS (public domain) carries its Arabic */
  assert_non_null(inst_item_find(inst_find("vas"), "pain_mm")->label_ar);
}

/* Direction and MCID are the definitions' (Tubach et al., Ann Rheum Dis
** 2005;64:29: VAS pain MCII 15.3 mm; Singh et al. 2016: HHS 15.9 points). */
static void test_meaning(void **s) {
  (void)s;
  const inst_def *vas = inst_find("vas"), *hhs = inst_find("hhs");
  const inst_result_def *mm = NULL, *total = NULL, *cat = NULL;
  for (size_t k = 0; k < inst_n_results(vas); k++)
    if (!strcmp(inst_result_at(vas, k)->name, "pain_mm")) mm = inst_result_at(vas, k);
  for (size_t k = 0; k < inst_n_results(hhs); k++) {
    if (!strcmp(inst_result_at(hhs, k)->name, "total")) total = inst_result_at(hhs, k);
    if (!strcmp(inst_result_at(hhs, k)->name, "category")) cat = inst_result_at(hhs, k);
  }
  assert_non_null(mm);
  assert_non_null(total);
  assert_non_null(cat);
  assert_int_equal(mm->better, -1);
  assert_true(mm->mcid == 15.3);
  assert_int_equal(total->better, 1);
  assert_true(total->mcid == 15.9);
  assert_true(cat->category && !total->category);
  assert_true(isnan(cat->mcid));
}

/* Definitions are read by core/ytree, which takes plain YAML only: a key
** given twice (once silently the last one), an alias or an empty file is
** refused where it stands. */
static void test_plain_yaml(void **s) {
  (void)s;
  expect_parse_error("name: x\ntitle: X\nname: y\nitems:\n  - {name: a, type: int, label: A}\n", 3,
                     "key 'name' given twice");
  expect_parse_error("name: x\ntitle: X\nitems:\n  - name: a\n    type: int\n    label: A\n    type: real\n",
                     7, "key 'type' given twice");
  expect_parse_error("name: x\ntitle: X\nitems:\n  - &a {name: a, type: int, label: A}\n  - *a\n", 5,
                     "aliases");
  expect_parse_error("", 1, "the file is empty");
}

/* The shipped MRI read takes independent reads on the reader's stages. */
static void test_reads(void **s) {
  (void)s;
  const inst_def *mri = inst_find("mri"), *hhs = inst_find("hhs");
  assert_string_equal(inst_reader_item(mri), "reader");
  assert_int_equal(inst_n_agree(mri), 3);
  assert_string_equal(inst_agree_at(mri, 0), "ficat_reader");
  assert_string_equal(inst_agree_at(mri, 1), "steinberg_reader");
  assert_string_equal(inst_agree_at(mri, 2), "arco_reader");
  assert_null(inst_agree_at(mri, 3));
  assert_null(inst_reader_item(hhs));
  assert_int_equal(inst_n_agree(hhs), 0);
}

static void test_user_definition_with_include(void **s) {
  (void)s;
  const char *yaml = "name: myrom\ntitle: My ROM\nlevel: hip\nitems:\n  - include: rom\n"
                     "  - name: note\n    type: text\n    label: Note\n    max: 10\n";
  inst_def *d = NULL;
  avn_err e;
  inst_value v;
  assert_int_equal(inst_def_parse("my.yaml", yaml, strlen(yaml), &d, &e), AVN_OK);
  assert_int_equal(inst_n_items(d), 6);
  assert_int_equal(inst_parse_value(d, "note", "0123456789", &v, &e), AVN_OK);
  assert_int_equal(inst_parse_value(d, "note", "0123456789x", &v, &e), AVN_E_RANGE);
  assert_string_equal(e.field, "myrom.note");
  assert_int_equal(inst_parse_value(d, "flexion_deg", "141", &v, &e), AVN_E_RANGE);
  assert_string_equal(e.rule, "must be between 0 and 140 deg");
  inst_def_free(d);
}

/* A study's own form: a declarative sum with the prorating rule and a
** rescale, registered, shadowed by a later version, rolled back. Hand-worked:
** items 0-4, 0-2 and 1-3 (bool-free), possible sum 1..9. */
static void test_declarative_and_register(void **s) {
  (void)s;
  const char *yaml = "name: mine\ntitle: Mine\nrole: adverse_event\nitems:\n"
                     "  - {name: a, label: A, type: int, min: 0, max: 4}\n"
                     "  - {name: b, label: B, type: code, codes: [{name: x, label: X, value: 0},"
                     " {name: y, label: Y, value: 2}]}\n"
                     "  - {name: c, label: C, type: real, min: 1, max: 3}\n"
                     "results:\n  - {name: t, label: T, sum: [a, b, c], max_missing: 1}\n"
                     "  - {name: r, label: R, sum: [a, b, c], max_missing: 1, rescale: [0, 100]}\n";
  inst_def *d = NULL;
  avn_err e;
  inst_scores sc;
  assert_int_equal(inst_def_parse("mine.yaml", yaml, strlen(yaml), &d, &e), AVN_OK);
  /* a=3, b=y (2), c=2: t = 7; r = (7 - 1) / (9 - 1) * 100 = 75 */
  inst_value v[3];
  assert_int_equal(inst_parse_value(d, "a", "3", &v[0], &e), AVN_OK);
  assert_int_equal(inst_parse_value(d, "b", "y", &v[1], &e), AVN_OK);
  assert_int_equal(inst_parse_value(d, "c", "2", &v[2], &e), AVN_OK);
  inst_response r = {v, 3};
  assert_int_equal(inst_score(d, &r, NULL, 0, &sc, &e), AVN_OK);
  assert_float_equal(inst_scores_get(&sc, "t")->num, 7, 1e-12);
  assert_float_equal(inst_scores_get(&sc, "r")->num, 75, 1e-12);
  /* c coded ND: (3 + 2) + 1 x 2.5 = 7.5 */
  assert_int_equal(inst_parse_value(d, "c", "ND", &v[2], &e), AVN_OK);
  assert_true(v[2].missing);
  assert_string_equal(v[2].code, "ND");
  assert_int_equal(inst_score(d, &r, NULL, 0, &sc, &e), AVN_OK);
  assert_float_equal(inst_scores_get(&sc, "t")->num, 7.5, 1e-12);
  /* two missing: more than max_missing, no result */
  r.n = 1;
  assert_int_equal(inst_score(d, &r, NULL, 0, &sc, &e), AVN_OK);
  assert_true(inst_scores_get(&sc, "t")->missing);
  /* registered: found by name and by role, shadowing the shipped ae; rolled back */
  size_t mark = inst_registry_mark();
  assert_string_equal(inst_role_form(INST_ROLE_ADVERSE_EVENT), "ae");
  assert_int_equal(inst_register(d, &e), AVN_OK);
  assert_ptr_equal(inst_find("mine"), d);
  assert_false(inst_is_shipped(d));
  assert_string_equal(inst_role_form(INST_ROLE_ADVERSE_EVENT), "mine");
  inst_registry_rollback(mark);
  assert_null(inst_find("mine"));
  assert_string_equal(inst_role_form(INST_ROLE_ADVERSE_EVENT), "ae");
  /* a shipped name is refused (and the definition freed) */
  const char *hhs = "name: ae\ntitle: Mine\nitems:\n  - {name: a, label: A, type: int}\n";
  assert_int_equal(inst_def_parse("h.yaml", hhs, strlen(hhs), &d, &e), AVN_OK);
  assert_int_equal(inst_register(d, &e), AVN_E_EXISTS);
  /* the HHS category levels come from hhs.yaml */
  const inst_result_def *cat = inst_result_find(inst_find("hhs"), "category");
  assert_int_equal(cat->n_levels, 4);
  assert_int_equal(inst_level_index(cat, "fair"), 2);
  assert_float_equal(cat->levels[1].min, 80, 0);
  assert_false(cat->levels[3].has_min);
}

static void test_values(void **s) {
  (void)s;
  const inst_def *cp = inst_find("cell_product"), *vas = inst_find("vas");
  inst_value v;
  avn_err e;
  assert_int_equal(inst_parse_value(cp, "harvest_time", "23:59", &v, &e), AVN_OK);
  assert_true(v.num == 23 * 60 + 59);
  assert_int_equal(inst_parse_value(cp, "harvest_time", "12:60", &v, &e), AVN_E_TYPE);
  assert_int_equal(inst_parse_value(vas, "pain_cm", "4.5", &v, &e), AVN_OK);
  assert_string_equal(v.item, "pain_mm");
  assert_true(v.num == 45);
  assert_int_equal(inst_parse_value(vas, "pain_mm", "", &v, &e), AVN_OK);
  assert_true(v.missing);
  assert_int_equal(inst_parse_value(vas, "pain_mm", "0x10", &v, &e), AVN_E_TYPE);
  assert_int_equal(inst_parse_value(vas, "pain_mm", "nan", &v, &e), AVN_E_TYPE);
  assert_int_equal(inst_parse_value(vas, "pain_mm", "1e1", &v, &e), AVN_OK);
  assert_int_equal(inst_parse_value(inst_find("mri"), "bme", "true", &v, &e), AVN_OK);
  assert_true(v.num == 1);
  /* option descriptions */
  const inst_def *hhs = inst_find("hhs");
  assert_int_equal(inst_n_opts(hhs), 3);
  assert_string_equal(inst_opt_at(hhs, 0)->name, "rom_method");
  assert_string_equal(inst_opt_default(hhs, 0), "index");
}

/* Fail the n-th allocation of a load, for every n, until a load succeeds:
** each failure must come back as AVN_E_NOMEM and leak nothing. */
static void test_load_faults(void **s) {
  (void)s;
  int n_fail = 0;
  for (long n = 0; n < 100000; n++) {
    avn_err e;
    inst_registry_free();
    avn_mem_fail_after(n);
    avn_rc rc = inst_registry_load(&e);
    avn_mem_fail_after(-1);
    if (rc == AVN_OK) break;
    assert_int_equal(rc, AVN_E_NOMEM);
    n_fail++;
  }
  assert_true(n_fail > 10);
  assert_non_null(inst_find("hhs"));
  inst_registry_free();
}

static int teardown(void **s) {
  (void)s;
  inst_registry_free();
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_all_shipped_load),
    cmocka_unit_test(test_levels_and_include),
    cmocka_unit_test(test_malformed),
    cmocka_unit_test(test_meaning), cmocka_unit_test(test_translations),
    cmocka_unit_test(test_plain_yaml),
    cmocka_unit_test(test_reads),
    cmocka_unit_test(test_user_definition_with_include),
    cmocka_unit_test(test_declarative_and_register),
    cmocka_unit_test(test_values),
    cmocka_unit_test(test_load_faults),
  };
  return cmocka_run_group_tests(tests, NULL, teardown);
}
