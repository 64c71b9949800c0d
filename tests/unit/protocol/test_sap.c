/*
** test_sap.c: the statistical analysis plan (`analysis:` of a protocol).
**
** Checks the two shipped plans against the values their papers give (seed
** 002: HHS without a 3-month value, responder > 20 points, lesion-size cuts
** 30/50; seed 000: sixteen outcomes, MCID-based success), the default plan
** of a protocol without `analysis:`, and every refusal with its file:line.
** Expected lines are counted by hand in the snippets below: each snippet's
** first line is line 1 after the base protocol.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "instruments/instrument.h"
#include "protocol/protocol.h"

/* 11 lines; visits baseline, m6, m12 (w2 collects nothing). */
static const char base[] =
    "avn_protocol: 1\n"
    "name: t\n"
    "title: test\n"
    "unit_of_analysis: hip\n"
    "staging: ficat\n"
    "visits:\n"
    "  - {name: baseline, at: 0 days, forms: [baseline, hip_baseline, hhs, vas, sf36]}\n"
    "  - {name: w2, at: 2 weeks, forms: []}\n"
    "  - {name: m6, at: 6 months, forms: [hhs, vas]}\n"
    "  - {name: m12, at: 12 months, forms: [hhs, vas, sf36]}\n"
    "double_entry: []\n";
#define BASE_LINES 11

static avn_rc load(const char *analysis, protocol **p, avn_err *e) {
  char text[8192];
  snprintf(text, sizeof text, "%s%s", base, analysis);
  return protocol_parse("t.yaml", text, strlen(text), p, e);
}

static void expect_refusal(const char *analysis, int line, const char *words) {
  protocol *p = NULL;
  avn_err e;
  memset(&e, 0, sizeof e);
  assert_int_equal(load(analysis, &p, &e), AVN_E_PARSE);
  assert_null(p);
  char where[64];
  snprintf(where, sizeof where, "t.yaml:%d", BASE_LINES + line);
  if (strcmp(e.field, where)) fprintf(stderr, "field %s rule %s (want %s)\n", e.field, e.rule, where);
  assert_string_equal(e.field, where);
  if (!strstr(e.rule, words)) fprintf(stderr, "rule: %s (want '%s')\n", e.rule, words);
  assert_non_null(strstr(e.rule, words));
}

static void test_sequential(void **unused) {
  (void)unused;
  protocol *p = NULL;
  avn_err e;
  assert_int_equal(protocol_load("sequential", &p, &e), AVN_OK);
  const sap *s = p->analysis;
  assert_non_null(s);
  assert_false(s->defaulted);
  assert_int_equal(s->n_visits, 5);
  assert_string_equal(s->visits[0], "baseline");
  assert_string_equal(s->visits[1], "m3");
  assert_string_equal(s->final_visit, "m24");
  assert_int_equal(s->n_outcomes, 2);
  const sap_outcome *vas = sap_find_outcome(s, "vas"), *hhs = sap_find_outcome(s, "hhs");
  assert_non_null(vas);
  assert_non_null(hhs);
  assert_null(sap_find_outcome(s, "womac"));
  assert_string_equal(vas->result, "pain_cm");
  assert_string_equal(vas->label, "VAS pain (0-10)");
  assert_false(vas->higher_better);
  assert_true(hhs->higher_better);
  assert_true(vas->primary && hhs->primary);
  assert_int_equal(hhs->decimals, 1);
  size_t n = 0;
  char *const *hv = sap_outcome_visits(s, hhs, &n);
  assert_int_equal(n, 4);   /* Table 2 prints "-" for HHS at 3 months */
  assert_string_equal(hv[1], "m6");
  char *const *vv = sap_outcome_visits(s, vas, &n);
  assert_int_equal(n, 5);
  assert_string_equal(vv[1], "m3");
  assert_string_equal(s->responder_outcome, "hhs");
  assert_true(s->responder_more_than == 20);
  assert_string_equal(s->success_outcome, "hhs");
  assert_true(s->success_more_than == 20);
  assert_true(s->success_conversion_fails);
  assert_true(s->bonferroni);
  assert_false(s->error_bars_ci);
  assert_true(s->alpha == 0.05 && s->normality_alpha == 0.05);
  assert_int_equal(s->n_predictors, 4);
  assert_string_equal(s->predictors[3], "etiology");
  assert_int_equal(s->n_subgroups, 5);
  assert_string_equal(s->subgroups[2].by, "lesion_size");
  assert_int_equal(s->subgroups[2].n_cuts, 2);
  assert_true(s->subgroups[2].cuts[0] == 30 && s->subgroups[2].cuts[1] == 50);
  assert_string_equal(s->subgroups[3].by, "age");
  assert_true(s->subgroups[3].n_cuts == 1 && s->subgroups[3].cuts[0] == 40);
  assert_int_equal(s->subgroups[4].n_cuts, 0);
  assert_true(s->radio_progression_mm == 2 && s->radio_improved_reduction_pct == 10);
  assert_true(s->radio_conversion_progressed);
  assert_string_equal(s->survival_endpoint, "tha");
  assert_string_equal(s->survival_by, "stage");
  assert_int_equal(s->n_cox_covariates, 2);
  assert_true(s->cluster_patient);
  assert_int_equal(s->safety_period_months, 6);
  protocol_free(p);
}

static void test_single_dose(void **unused) {
  (void)unused;
  protocol *p = NULL;
  avn_err e;
  assert_int_equal(protocol_load("single-dose", &p, &e), AVN_OK);
  const sap *s = p->analysis;
  assert_int_equal(s->n_visits, 6);   /* baseline w6 m3 m6 m12 m18: not w2 */
  assert_string_equal(s->visits[1], "w6");
  assert_string_equal(s->final_visit, "m18");
  assert_int_equal(s->n_outcomes, 16);  /* hhs vas womac+3 subscales, 8 SF-36 scales, pcs mcs */
  const sap_outcome *w = sap_find_outcome(s, "womac");
  assert_string_equal(w->label, "WOMAC total (0-100)");
  assert_string_equal(w->result, "total_100");
  assert_false(w->higher_better);
  assert_true(isnan(w->mcid));
  assert_true(sap_find_outcome(s, "womac_function")->mcid == 7.9);
  assert_true(sap_find_outcome(s, "sf36_mh")->higher_better);
  assert_string_equal(sap_find_outcome(s, "sf36_pcs")->result, "pcs");
  size_t n = 0;
  sap_outcome_visits(s, w, &n);
  assert_int_equal(n, 6);
  assert_true(s->success_more_than == 15.9);
  assert_int_equal(s->n_subgroups, 4);
  protocol_free(p);
}

static void test_default_plan(void **unused) {
  (void)unused;
  protocol *p = NULL;
  avn_err e;
  assert_int_equal(load("", &p, &e), AVN_OK);
  const sap *s = p->analysis;
  assert_true(s->defaulted);
  /* hhs, vas, sf36 pcs and mcs are collected; womac is not */
  assert_int_equal(s->n_outcomes, 4);
  assert_string_equal(s->outcomes[0].name, "hhs");
  assert_string_equal(s->outcomes[1].name, "vas");
  assert_string_equal(s->outcomes[1].result, "pain_cm");
  assert_false(s->outcomes[1].higher_better);
  assert_string_equal(s->outcomes[2].result, "pcs");
  assert_string_equal(s->outcomes[3].result, "mcs");
  assert_null(sap_find_outcome(s, "womac"));
  size_t n = 0;
  char *const *v = sap_outcome_visits(s, &s->outcomes[2], &n);
  assert_int_equal(n, 2);   /* SF-36 at baseline and m12 only */
  assert_string_equal(v[1], "m12");
  assert_int_equal(s->n_visits, 3);   /* w2 collects none of them */
  assert_string_equal(s->final_visit, "m12");
  assert_null(s->responder_outcome);
  assert_null(s->success_outcome);
  assert_true(s->bonferroni);
  assert_true(s->alpha == 0.05);
  assert_true(s->cluster_patient);   /* unit of analysis: hip */
  assert_int_equal(s->safety_period_months, 6);
  protocol_free(p);
}

static void test_minimal_plan_defaults(void **unused) {
  (void)unused;
  protocol *p = NULL;
  avn_err e;
  const char *a =
      "analysis:\n"
      "  outcomes:\n"
      "    - {name: pain, form: vas, result: pain_cm}\n";
  assert_int_equal(load(a, &p, &e), AVN_OK);
  const sap *s = p->analysis;
  assert_false(s->defaulted);
  assert_int_equal(s->n_outcomes, 1);
  assert_false(s->outcomes[0].higher_better);   /* from the known-results table */
  assert_true(fabs(s->outcomes[0].mcid - 1.53) < 1e-12);
  assert_int_equal(s->outcomes[0].decimals, 1);
  assert_string_equal(s->outcomes[0].label, "Pain VAS (0-10 cm)");
  assert_int_equal(s->n_visits, 3);
  assert_string_equal(s->final_visit, "m12");
  protocol_free(p);
}

static void test_refusals(void **unused) {
  (void)unused;
  expect_refusal("analysis:\n  outcomes: []\n  colour: red\n", 3, "unknown key 'colour'");
  /* a block mapping starts at its first key: line 2 */
  expect_refusal("analysis:\n  visits: [baseline]\n", 2, "needs 'outcomes'");
  expect_refusal("analysis:\n"
                 "  outcomes:\n"
                 "    - {name: x, form: hhs, result: total,\n"
                 "       colour: red}\n", 4, "unknown key 'colour'");
  expect_refusal("analysis:\n"
                 "  outcomes:\n"
                 "    - {name: x,\n"
                 "       form: hoos, result: total}\n", 4, "unknown form 'hoos'");
  expect_refusal("analysis:\n"
                 "  outcomes:\n"
                 "    - {name: x, form: hhs,\n"
                 "       result: totl}\n", 4, "has no result or item 'totl'");
  expect_refusal("analysis:\n"
                 "  outcomes:\n"
                 "    - {name: x, form: hhs, result: total}\n"
                 "  visits:\n"
                 "    - baseline\n"
                 "    - m24\n", 6, "no visit 'm24'");
  expect_refusal("analysis:\n"
                 "  outcomes:\n"
                 "    - {name: x, form: hhs, result: total, visits: [baseline, m3]}\n", 3,
                 "no visit 'm3'");
  expect_refusal("analysis:\n"
                 "  outcomes:\n"
                 "    - {name: x, form: hhs, result: total}\n"
                 "  visits: [m12, m6]\n", 4, "out of schedule order");
  expect_refusal("analysis:\n"
                 "  outcomes:\n"
                 "    - {name: x, form: hhs, result: total}\n"
                 "  final_visit: m3\n", 4, "not one of the plan's visits");
  expect_refusal("analysis:\n"
                 "  outcomes:\n"
                 "    - {name: x, form: hhs, result: total}\n"
                 "  subgroups:\n"
                 "    - {by: stage}\n"
                 "    - {by: height}\n", 6, "subgroup 'height' is not a known variable");
  expect_refusal("analysis:\n"
                 "  outcomes:\n"
                 "    - {name: x, form: hhs, result: total}\n"
                 "  predictors:\n"
                 "    - age\n"
                 "    - smoker\n", 6, "predictors 'smoker' is not a known variable");
  expect_refusal("analysis:\n"
                 "  outcomes:\n"
                 "    - {name: x, form: hhs, result: total}\n"
                 "  survival:\n"
                 "    covariates: [age, weight]\n", 5, "covariates 'weight' is not a known variable");
  expect_refusal("analysis:\n"
                 "  outcomes:\n"
                 "    - {name: x, form: hhs, result: total}\n"
                 "  subgroups:\n"
                 "    - {by: sex, cuts: [1]}\n", 5, "categorical");
  expect_refusal("analysis:\n"
                 "  outcomes:\n"
                 "    - {name: x, form: hhs, result: total}\n"
                 "  subgroups:\n"
                 "    - {by: age}\n", 5, "give cuts");
  expect_refusal("analysis:\n"
                 "  outcomes:\n"
                 "    - {name: x, form: hhs, result: total}\n"
                 "  subgroups:\n"
                 "    - {by: lesion_size, cuts: [50, 30]}\n", 5, "ascending");
  expect_refusal("analysis:\n"
                 "  outcomes:\n"
                 "    - {name: x, form: hhs, result: total}\n"
                 "  responder: {outcome: y, more_than: 20}\n", 4, "not one of the plan's outcomes");
  expect_refusal("analysis:\n"
                 "  outcomes:\n"
                 "    - {name: x, form: hhs, result: total}\n"
                 "  tests:\n"
                 "    adjust: holm\n", 5, "bonferroni or none");
  expect_refusal("analysis:\n"
                 "  outcomes:\n"
                 "    - {name: x, form: hhs, result: total}\n"
                 "  tests: {alpha: 2}\n", 4, "between");
  expect_refusal("analysis:\n"
                 "  outcomes:\n"
                 "    - {name: X-1, form: hhs, result: total}\n", 3, "lower-case");
  expect_refusal("analysis:\n"
                 "  outcomes:\n"
                 "    - {name: x, form: hhs, result: total}\n"
                 "    - {name: x, form: vas, result: pain_cm}\n", 4, "defined twice");
  expect_refusal("analysis:\n"
                 "  outcomes:\n"
                 "    - {name: x, form: hhs, result: pain_score}\n", 3, "has no result or item");
  expect_refusal("analysis:\n"
                 "  outcomes:\n"
                 "    - {name: x, form: rom, result: flexion_deg}\n", 3, "give 'better");
  expect_refusal("analysis:\n"
                 "  outcomes:\n"
                 "    - {name: x, form: hhs, result: total, visits: [m6, m12]}\n", 3,
                 "start at the plan's baseline");
  expect_refusal("analysis:\n"
                 "  outcomes:\n"
                 "    - {name: x, form: hhs, result: total}\n"
                 "  survival: {endpoint: death}\n", 4, "must be tha");
}

/* Every allocation failure while reading a plan is reported, not crashed on,
** and leaks nothing (ASan). */
static void test_alloc_faults(void **unused) {
  (void)unused;
  int failures = 0;
  for (long n = 0; n < 100000; n++) {
    protocol *p = NULL;
    avn_err e;
    avn_mem_fail_after(n);
    avn_rc rc = protocol_load("single-dose", &p, &e);
    avn_mem_fail_after(-1);
    if (rc == AVN_OK) {
      assert_non_null(p->analysis);
      protocol_free(p);
      break;
    }
    assert_int_equal(rc, AVN_E_NOMEM);
    assert_null(p);
    failures++;
  }
  assert_true(failures > 100);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sequential),   cmocka_unit_test(test_single_dose),
      cmocka_unit_test(test_default_plan), cmocka_unit_test(test_minimal_plan_defaults),
      cmocka_unit_test(test_refusals),     cmocka_unit_test(test_alloc_faults),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  inst_registry_free();
  return rc;
}
