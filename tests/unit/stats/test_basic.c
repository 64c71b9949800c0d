/*
** test_basic.c: the basic stats library (desc, swilk, ttest, wilcoxon,
** anova, ctable) and the CSV reader (csv_table) against outside truth:
**   - every case of tests/golden/stats/expected_basic.json (R 4.2.2, made by
**     make_expected_basic.R from the committed CSVs), recomputed here by
**     calling the library directly (not the CLI), at 1e-6 relative;
**   - the starter cases of tests/golden/stats/reference_expected.json (R's
**     answers on R's own datasets) that belong to these methods;
**   - hand-worked CSV parsing cases and allocation-failure injection.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "interop/csv_table.h"
#include "stats/anova.h"
#include "stats/ctable.h"
#include "stats/desc.h"
#include "stats/swilk.h"
#include "stats/ttest.h"
#include "stats/wilcoxon.h"

#define GOLD AVN_SOURCE_DIR "/tests/golden/stats/"

static int n_checked;

static void near(const char *id, const char *what, double got, double want, double rel) {
  double tol = fmax(1e-12, rel * fabs(want));
  if (!(fabs(got - want) <= tol) && !(isinf(got) && isinf(want) && got == want)) {
    print_error("%s: %s = %.17g, R says %.17g\n", id, what, got, want);
    fail();
  }
  n_checked++;
}

/* compare got with values[key] when present and a number */
static void cmp(const char *id, json_t *vals, const char *key, double got) {
  json_t *w = json_object_get(vals, key);
  if (!w || json_is_null(w) || !json_is_number(w)) return;
  near(id, key, got, json_number_value(w), 1e-6);
}

static const char *arg(json_t *args, const char *name) {
  for (size_t i = 0; i + 1 <= json_array_size(args); i++) {
    const char *a = json_string_value(json_array_get(args, i));
    if (a && !strcmp(a, name)) {
      json_t *v = json_array_get(args, i + 1);
      return v ? (json_is_string(v) ? json_string_value(v) : "1") : "";
    }
  }
  return NULL;
}
static double arg_num(json_t *args, const char *name, double def) {
  for (size_t i = 0; i + 1 < json_array_size(args); i++) {
    const char *a = json_string_value(json_array_get(args, i));
    if (a && !strcmp(a, name)) {
      json_t *v = json_array_get(args, i + 1);
      if (json_is_number(v)) return json_number_value(v);
      return strtod(json_string_value(v), NULL);
    }
  }
  return def;
}
static int alt_of(json_t *args) {
  const char *a = arg(args, "--alternative");
  if (!a) return 0;
  return !strcmp(a, "less") ? 1 : !strcmp(a, "greater") ? 2 : 0;
}

/* complete-case numeric columns a (and b when not NULL) */
static size_t numeric_cols(csv_table *t, const char *a, const char *b, double *xa, double *xb) {
  size_t ca, cb = 0, n = 0;
  assert_int_equal(csv_table_find(t, a, &ca, NULL), AVN_OK);
  if (b) assert_int_equal(csv_table_find(t, b, &cb, NULL), AVN_OK);
  for (size_t r = 0; r < csv_table_nrow(t); r++) {
    double u, v = 0;
    bool mu = false, mv = false;
    assert_int_equal(csv_table_number(t, r, ca, &u, &mu, NULL), AVN_OK);
    if (b) assert_int_equal(csv_table_number(t, r, cb, &v, &mv, NULL), AVN_OK);
    if (mu || mv) continue;
    xa[n] = u;
    if (b) xb[n] = v;
    n++;
  }
  return n;
}

static int lvcmp(const void *p, const void *q) {
  const char *x = *(const char *const *)p, *y = *(const char *const *)q;
  double a, b;
  if (csv_parse_double(x, &a) && csv_parse_double(y, &b)) return (a > b) - (a < b);
  return strcmp(x, y);
}

/* numeric value column split by a factor column: codes into g, levels sorted
** (or in --levels order); returns n and *k */
static size_t grouped(csv_table *t, const char *vc, const char *gc, const char *order, double *x,
                      int *g, size_t *k, const char **lv) {
  size_t cv, cg, n = 0, nl = 0;
  assert_int_equal(csv_table_find(t, vc, &cv, NULL), AVN_OK);
  assert_int_equal(csv_table_find(t, gc, &cg, NULL), AVN_OK);
  for (size_t r = 0; r < csv_table_nrow(t); r++) {
    if (csv_table_missing(t, r, cv) || csv_table_missing(t, r, cg)) continue;
    const char *s = csv_table_cell(t, r, cg);
    size_t j = 0;
    while (j < nl && strcmp(lv[j], s)) j++;
    if (j == nl) lv[nl++] = s;
  }
  qsort(lv, nl, sizeof *lv, lvcmp);
  if (order && !strcmp(order, "trt,ctl")) {
    const char *tmp = lv[0];
    lv[0] = lv[1];
    lv[1] = tmp;
  }
  for (size_t r = 0; r < csv_table_nrow(t); r++) {
    if (csv_table_missing(t, r, cv) || csv_table_missing(t, r, cg)) continue;
    bool m;
    assert_int_equal(csv_table_number(t, r, cv, &x[n], &m, NULL), AVN_OK);
    const char *s = csv_table_cell(t, r, cg);
    for (size_t j = 0; j < nl; j++)
      if (!strcmp(lv[j], s)) g[n] = (int)j;
    n++;
  }
  *k = nl;
  return n;
}

static void run_case(json_t *c) {
  const char *id = json_string_value(json_object_get(c, "id"));
  const char *test = json_string_value(json_object_get(c, "test"));
  const char *data = json_string_value(json_object_get(c, "data"));
  json_t *args = json_object_get(c, "args"), *vals = json_object_get(c, "values");
  char path[1024];
  snprintf(path, sizeof path, GOLD "data/%s", data);
  csv_table *t = NULL;
  assert_int_equal(csv_table_read_file(path, &t, NULL), AVN_OK);
  size_t nr = csv_table_nrow(t) + 1;
  double *x = calloc(nr, sizeof *x), *y = calloc(nr, sizeof *y), *d = calloc(nr, sizeof *d);
  int *g = calloc(nr, sizeof *g);
  const char **lv = calloc(nr, sizeof *lv);
  int alt = alt_of(args);
  double cl = arg_num(args, "--conf-level", 0.95), mu = arg_num(args, "--mu", 0.0);
  const char *ex = arg(args, "--exact");
  int exact = !ex ? 0 : !strcmp(ex, "yes") ? 1 : !strcmp(ex, "no") ? 2 : 0;
  bool correct = arg(args, "--no-correct") == NULL;

  if (!strcmp(test, "describe")) {
    size_t n = numeric_cols(t, arg(args, "--col"), NULL, x, NULL);
    desc_result r;
    assert_int_equal(desc_summary(x, n, cl, (int)arg_num(args, "--quantile-type", 7), &r), AVN_OK);
    cmp(id, vals, "n", (double)r.n);
    cmp(id, vals, "mean", r.mean);
    cmp(id, vals, "sd", r.sd);
    cmp(id, vals, "se", r.se);
    cmp(id, vals, "median", r.median);
    cmp(id, vals, "q1", r.q1);
    cmp(id, vals, "q3", r.q3);
    cmp(id, vals, "min", r.min);
    cmp(id, vals, "max", r.max);
    cmp(id, vals, "ci_low", r.ci_low);
    cmp(id, vals, "ci_high", r.ci_high);
  } else if (!strcmp(test, "shapiro")) {
    size_t n = numeric_cols(t, arg(args, "--col"), NULL, x, NULL);
    swilk_result r;
    assert_int_equal(swilk_test(x, n, &r), AVN_OK);
    cmp(id, vals, "statistic", r.w);
    cmp(id, vals, "p", r.p);
  } else if (!strcmp(test, "paired-t") || !strcmp(test, "wilcoxon")) {
    size_t n = numeric_cols(t, arg(args, "--x"), arg(args, "--y"), x, y);
    for (size_t i = 0; i < n; i++) d[i] = y[i] - x[i];
    if (!strcmp(test, "paired-t")) {
      ttest_result r;
      assert_int_equal(ttest_one(d, n, mu, alt, cl, &r), AVN_OK);
      cmp(id, vals, "statistic", r.statistic);
      cmp(id, vals, "df", r.df);
      cmp(id, vals, "p", r.p);
      cmp(id, vals, "estimate", r.estimate);
      cmp(id, vals, "ci_low", r.ci_low);
      cmp(id, vals, "ci_high", r.ci_high);
    } else {
      wilcoxon_result r;
      assert_int_equal(wilcoxon_signed_rank(d, n, mu, exact, correct, alt, &r), AVN_OK);
      cmp(id, vals, "statistic", r.statistic);
      cmp(id, vals, "p", r.p);
    }
  } else if (!strcmp(test, "t") || !strcmp(test, "mann-whitney") || !strcmp(test, "anova")) {
    if (arg(args, "--col")) {
      size_t n = numeric_cols(t, arg(args, "--col"), NULL, x, NULL);
      ttest_result r;
      assert_int_equal(ttest_one(x, n, mu, alt, cl, &r), AVN_OK);
      cmp(id, vals, "statistic", r.statistic);
      cmp(id, vals, "p", r.p);
      cmp(id, vals, "ci_low", r.ci_low);
      cmp(id, vals, "ci_high", r.ci_high);
      goto done;
    }
    size_t k = 0, n = grouped(t, arg(args, "--value"), arg(args, "--group"), arg(args, "--levels"),
                              d, g, &k, lv);
    if (!strcmp(test, "anova")) {
      anova_result r;
      assert_int_equal(anova_oneway(d, g, n, k, &r), AVN_OK);
      cmp(id, vals, "statistic", r.statistic);
      cmp(id, vals, "p", r.p);
      cmp(id, vals, "df1", r.df1);
      cmp(id, vals, "df2", r.df2);
      cmp(id, vals, "ss_between", r.ss_between);
      cmp(id, vals, "ss_within", r.ss_within);
      goto done;
    }
    assert_int_equal(k, 2);
    size_t nx = 0, ny = 0;
    for (size_t i = 0; i < n; i++) {
      if (g[i] == 0) x[nx++] = d[i];
      else y[ny++] = d[i];
    }
    if (!strcmp(test, "t")) {
      ttest_result r;
      assert_int_equal(ttest_two(x, nx, y, ny, mu, arg(args, "--var-equal") != NULL, alt, cl, &r),
                       AVN_OK);
      cmp(id, vals, "statistic", r.statistic);
      cmp(id, vals, "df", r.df);
      cmp(id, vals, "p", r.p);
      cmp(id, vals, "ci_low", r.ci_low);
      cmp(id, vals, "ci_high", r.ci_high);
    } else {
      wilcoxon_result r;
      assert_int_equal(wilcoxon_rank_sum(x, nx, y, ny, mu, exact, correct, alt, &r), AVN_OK);
      cmp(id, vals, "statistic", r.statistic);
      cmp(id, vals, "p", r.p);
    }
  } else if (!strcmp(test, "chisq") || !strcmp(test, "fisher")) {
    /* cross table of two factor columns, levels sorted */
    const char *xc = arg(args, "--x"), *yc = arg(args, "--y");
    size_t cx, cy, nl[2] = {0, 0};
    const char **L[2] = {lv, (const char **)calloc(nr, sizeof *lv)};
    assert_int_equal(csv_table_find(t, xc, &cx, NULL), AVN_OK);
    assert_int_equal(csv_table_find(t, yc, &cy, NULL), AVN_OK);
    size_t cc[2] = {cx, cy};
    for (int v = 0; v < 2; v++) {
      for (size_t r = 0; r < csv_table_nrow(t); r++) {
        const char *s = csv_table_cell(t, r, cc[v]);
        size_t j = 0;
        while (j < nl[v] && strcmp(L[v][j], s)) j++;
        if (j == nl[v]) L[v][nl[v]++] = s;
      }
      qsort(L[v], nl[v], sizeof *L[v], lvcmp);
    }
    double *tab = calloc(nl[0] * nl[1], sizeof *tab);
    for (size_t r = 0; r < csv_table_nrow(t); r++) {
      size_t i = 0, j = 0;
      while (strcmp(L[0][i], csv_table_cell(t, r, cx))) i++;
      while (strcmp(L[1][j], csv_table_cell(t, r, cy))) j++;
      tab[i * nl[1] + j] += 1;
    }
    if (!strcmp(test, "chisq")) {
      ctable_chisq r;
      assert_int_equal(ctable_chisq_test(tab, nl[0], nl[1], arg(args, "--no-yates") == NULL, &r),
                       AVN_OK);
      cmp(id, vals, "statistic", r.statistic);
      cmp(id, vals, "df", r.df);
      cmp(id, vals, "p", r.p);
      cmp(id, vals, "min_expected", r.min_expected);
      avn_free(r.expected);
    } else {
      ctable_fisher r;
      assert_int_equal(ctable_fisher_test(tab, nl[0], nl[1], alt, cl, &r), AVN_OK);
      cmp(id, vals, "p", r.p);
      cmp(id, vals, "estimate", r.estimate);
      cmp(id, vals, "ci_low", r.ci_low);
      cmp(id, vals, "ci_high", r.ci_high);
    }
    free(tab);
    free(L[1]);
  } else {
    print_error("unknown test %s\n", test);
    fail();
  }
done:
  free(x);
  free(y);
  free(d);
  free(g);
  free(lv);
  csv_table_free(t);
}

static void test_expected_basic(void **state) {
  (void)state;
  json_error_t je;
  json_t *root = json_load_file(GOLD "expected_basic.json", 0, &je);
  assert_non_null(root);
  json_t *cases = json_object_get(root, "cases");
  assert_true(json_array_size(cases) > 150);
  size_t i;
  json_t *c;
  json_array_foreach(cases, i, c) run_case(c);
  print_message("expected_basic.json: %zu cases, %d numbers compared\n", json_array_size(cases),
                n_checked);
  json_decref(root);
}

/* Starter cases of tests/golden/stats/reference_expected.json. */
static json_t *ref_case(json_t *root, const char *id) {
  size_t i;
  json_t *c;
  json_array_foreach(json_object_get(root, "cases"), i, c) {
    if (!strcmp(json_string_value(json_object_get(c, "id")), id))
      return json_object_get(c, "values");
  }
  fail_msg("reference case %s not found", id);
  return NULL;
}
static double jv(json_t *v, const char *k) {
  json_t *x = json_object_get(v, k);
  if (json_is_array(x)) x = json_array_get(x, 0);
  return json_number_value(x);
}

static void test_reference_starters(void **state) {
  (void)state;
  json_t *root = json_load_file(GOLD "reference_expected.json", 0, NULL);
  assert_non_null(root);
  csv_table *t = NULL;
  assert_int_equal(csv_table_read_file(GOLD "data/sleep.csv", &t, NULL), AVN_OK);
  double x[10], y[10], d[10], all[20];
  size_t ce, cg;
  assert_int_equal(csv_table_find(t, "extra", &ce, NULL), AVN_OK);
  assert_int_equal(csv_table_find(t, "group", &cg, NULL), AVN_OK);
  size_t n1 = 0, n2 = 0;
  for (size_t r = 0; r < csv_table_nrow(t); r++) {
    bool m;
    double v;
    assert_int_equal(csv_table_number(t, r, ce, &v, &m, NULL), AVN_OK);
    all[r] = v;
    if (!strcmp(csv_table_cell(t, r, cg), "1")) x[n1++] = v;
    else y[n2++] = v;
  }
  (void)all;
  for (int i = 0; i < 10; i++) d[i] = y[i] - x[i];
  json_t *v = ref_case(root, "paired_t_sleep");
  ttest_result tr;
  assert_int_equal(ttest_one(d, 10, 0, 0, 0.95, &tr), AVN_OK);
  near("paired_t_sleep", "t", tr.statistic, jv(v, "statistic"), 1e-6);
  near("paired_t_sleep", "p", tr.p, jv(v, "p_value"), 1e-6);
  near("paired_t_sleep", "se", tr.se, jv(v, "stderr"), 1e-6);
  near("paired_t_sleep", "ci_low", tr.ci_low,
       json_number_value(json_array_get(json_object_get(v, "conf_int"), 0)), 1e-6);
  v = ref_case(root, "shapiro_sleep_diff");
  swilk_result sw;
  assert_int_equal(swilk_test(d, 10, &sw), AVN_OK);
  near("shapiro_sleep_diff", "W", sw.w, jv(v, "statistic"), 1e-6);
  near("shapiro_sleep_diff", "p", sw.p, jv(v, "p_value"), 1e-6);
  v = ref_case(root, "wilcoxon_signed_rank_sleep");
  wilcoxon_result wr;
  assert_int_equal(wilcoxon_signed_rank(d, 10, 0, 0, true, 0, &wr), AVN_OK);
  near("wilcoxon_sleep", "V", wr.statistic, jv(v, "statistic"), 1e-6);
  near("wilcoxon_sleep", "p", wr.p, jv(v, "p_value"), 1e-6);
  assert_false(wr.exact);
  assert_int_equal(wr.n_zero, 1);
  v = ref_case(root, "two_sample_t_sleep_welch");
  assert_int_equal(ttest_two(x, 10, y, 10, 0, false, 0, 0.95, &tr), AVN_OK);
  near("t_sleep_welch", "t", tr.statistic, jv(v, "statistic"), 1e-6);
  near("t_sleep_welch", "df", tr.df, jv(v, "parameter"), 1e-6);
  near("t_sleep_welch", "p", tr.p, jv(v, "p_value"), 1e-6);
  v = ref_case(root, "two_sample_t_sleep_student");
  assert_int_equal(ttest_two(x, 10, y, 10, 0, true, 0, 0.95, &tr), AVN_OK);
  near("t_sleep_student", "t", tr.statistic, jv(v, "statistic"), 1e-6);
  near("t_sleep_student", "p", tr.p, jv(v, "p_value"), 1e-6);
  v = ref_case(root, "desc_sleep_diff");
  desc_result dr;
  assert_int_equal(desc_summary(d, 10, 0.95, 7, &dr), AVN_OK);
  near("desc_sleep_diff", "sd", dr.sd, jv(v, "sd"), 1e-6);
  near("desc_sleep_diff", "q1", dr.q1, jv(v, "q1_type7"), 1e-6);
  assert_int_equal(desc_summary(d, 10, 0.95, 6, &dr), AVN_OK);
  near("desc_sleep_diff", "q1_type6", dr.q1, jv(v, "q1_type6"), 1e-6);
  near("desc_sleep_diff", "q3_type6", dr.q3, jv(v, "q3_type6"), 1e-6);
  csv_table_free(t);

  /* ToothGrowth: Mann-Whitney len ~ supp, one-way ANOVA len ~ dose */
  assert_int_equal(csv_table_read_file(GOLD "data/ToothGrowth.csv", &t, NULL), AVN_OK);
  double len[60], oj[30], vc[30];
  int dose[60];
  size_t no = 0, nv = 0;
  for (size_t r = 0; r < 60; r++) {
    bool m;
    assert_int_equal(csv_table_number(t, r, 0, &len[r], &m, NULL), AVN_OK);
    if (!strcmp(csv_table_cell(t, r, 1), "OJ")) oj[no++] = len[r];
    else vc[nv++] = len[r];
    const char *ds = csv_table_cell(t, r, 2);
    dose[r] = !strcmp(ds, "0.5") ? 0 : !strcmp(ds, "1") ? 1 : 2;
  }
  v = ref_case(root, "mann_whitney_toothgrowth");
  assert_int_equal(wilcoxon_rank_sum(oj, no, vc, nv, 0, 0, true, 0, &wr), AVN_OK);
  near("mw_toothgrowth", "W", wr.statistic, jv(v, "statistic"), 1e-6);
  near("mw_toothgrowth", "p", wr.p, jv(v, "p_value"), 1e-6);
  v = ref_case(root, "oneway_anova_toothgrowth_dose");
  anova_result ar;
  assert_int_equal(anova_oneway(len, dose, 60, 3, &ar), AVN_OK);
  near("anova_dose", "F", ar.statistic, jv(v, "F"), 1e-6);
  near("anova_dose", "p", ar.p, jv(v, "p_value"), 1e-6);
  near("anova_dose", "ss_within", ar.ss_within, jv(v, "ss_within"), 1e-6);
  csv_table_free(t);
  json_decref(root);
}

/* Hand-worked exact distributions: with n = 3 the 8 sign patterns give
** V in {0,1,2,3,3,4,5,6}: P(V <= 3) = 5/8. Rank sum m = 2, n = 2: U in
** {0,1,2,2,3,4}/6: P(U <= 1) = 2/6. */
static void test_exact_distributions(void **state) {
  (void)state;
  double p;
  assert_int_equal(wilcoxon_psignrank(3, 3, false, &p), AVN_OK);
  near("psignrank", "P(V<=3)", p, 5.0 / 8.0, 1e-15);
  assert_int_equal(wilcoxon_psignrank(2, 3, true, &p), AVN_OK);
  near("psignrank", "P(V>2)", p, 5.0 / 8.0, 1e-15);
  assert_int_equal(wilcoxon_pwilcox(1, 2, 2, false, &p), AVN_OK);
  near("pwilcox", "P(U<=1)", p, 2.0 / 6.0, 1e-15);
  assert_int_equal(wilcoxon_pwilcox(1, 2, 3, false, &p), AVN_OK);
  near("pwilcox", "P(U<=1) 2,3", p, 2.0 / 10.0, 1e-15);
}

/* Degenerate inputs are refused, never NaN. */
static void test_degenerate(void **state) {
  (void)state;
  double c[4] = {2, 2, 2, 2}, v[4] = {1, 2, 3, 4};
  swilk_result sw;
  ttest_result tr;
  wilcoxon_result wr;
  anova_result ar;
  ctable_chisq cq;
  int g[4] = {0, 0, 1, 1};
  assert_int_equal(swilk_test(c, 4, &sw), AVN_E_DEGENERATE);
  assert_int_equal(swilk_test(v, 2, &sw), AVN_E_RANGE);
  assert_int_equal(ttest_one(c, 4, 0, 0, 0.95, &tr), AVN_E_DEGENERATE);
  assert_int_equal(ttest_one(v, 1, 0, 0, 0.95, &tr), AVN_E_DEGENERATE);
  assert_int_equal(ttest_two(c, 2, c + 2, 2, 0, false, 0, 0.95, &tr), AVN_E_DEGENERATE);
  double z[3] = {0, 0, 0};
  assert_int_equal(wilcoxon_signed_rank(z, 3, 0, 0, true, 0, &wr), AVN_E_DEGENERATE);
  assert_int_equal(anova_oneway(c, g, 4, 2, &ar), AVN_E_DEGENERATE);
  double tab[4] = {3, 0, 5, 0};   /* a zero column */
  assert_int_equal(ctable_chisq_test(tab, 2, 2, true, &cq), AVN_E_DEGENERATE);
}

/* CSV reader: quoting, missing cells, BOM, errors naming column/row/value. */
static void test_csv_table(void **state) {
  (void)state;
  const char *s = "\xEF\xBB\xBF" "id,\"name, full\",score\r\n1,\"a \"\"b\"\"\",3.5\r\n2,,NA\r\n\r\n3,c, 7 \r\n";
  csv_table *t = NULL;
  avn_err e;
  assert_int_equal(csv_table_read_mem(s, strlen(s), "mem", &t, &e), AVN_OK);
  assert_int_equal(csv_table_ncol(t), 3);
  assert_int_equal(csv_table_nrow(t), 3);
  assert_string_equal(csv_table_name(t, 0), "id");
  assert_string_equal(csv_table_name(t, 1), "name, full");
  assert_string_equal(csv_table_cell(t, 0, 1), "a \"b\"");
  assert_true(csv_table_missing(t, 1, 1));
  assert_true(csv_table_missing(t, 1, 2));
  double x[3];
  size_t miss = 0, col = 9;
  assert_int_equal(csv_table_numeric(t, 2, x, &miss, &e), AVN_OK);
  assert_int_equal(miss, 1);
  near("csv", "score[0]", x[0], 3.5, 0);
  near("csv", "score[2]", x[2], 7, 0);
  assert_true(isnan(x[1]));
  assert_int_equal(csv_table_numeric(t, 1, x, &miss, &e), AVN_E_TYPE);
  assert_string_equal(e.field, "name, full");
  assert_string_equal(e.value, "a \"b\"");
  assert_non_null(strstr(e.rule, "data row 1"));
  assert_int_equal(csv_table_find(t, "nope", &col, &e), AVN_E_UNKNOWN);
  assert_string_equal(e.field, "nope");
  csv_table_free(t);

  const char *bad[] = {"a,b\n1,2\n3\n", "a,a\n1,2\n", "a,\n1,2\n", "", "a,\"b\n1,2\n"};
  avn_rc want[] = {AVN_E_PARSE, AVN_E_PARSE, AVN_E_PARSE, AVN_E_PARSE, AVN_E_PARSE};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    t = NULL;
    assert_int_equal(csv_table_read_mem(bad[i], strlen(bad[i]), "mem", &t, &e), want[i]);
    assert_null(t);
  }
  double v;
  assert_false(csv_parse_double("inf", &v));
  assert_false(csv_parse_double("0x10", &v));
  assert_false(csv_parse_double("1,5", &v));
  assert_false(csv_parse_double("nan", &v));
  assert_true(csv_parse_double(" -1.5e3 ", &v));
  near("parse", "-1.5e3", v, -1500, 0);
}

/* Every allocation failure is reported as AVN_E_NOMEM with nothing leaked
** (ASan build checks the leak part). */
/* csv_decimal_diff: exact decimal subtraction, rounded once (hand-worked:
** each result is the double nearest the exact decimal difference). */
static void test_csv_decimal_diff(void **state) {
  (void)state;
  double d = 0;
  assert_true(csv_decimal_diff("1000000000000.4", "1000000000000", &d));
  assert_true(d == 0.4);   /* the doubles' difference is 0.400024414... */
  assert_true(1000000000000.4 - 1000000000000.0 != 0.4);
  assert_true(csv_decimal_diff("1000000000000.3", "1000000000000.5", &d));
  assert_true(d == -0.2);
  assert_true(csv_decimal_diff("-1.5", "2.25", &d));
  assert_true(d == -3.75);
  assert_true(csv_decimal_diff("1e3", "999.9", &d));
  assert_true(d == 0.1);
  assert_true(csv_decimal_diff(" +0.000", "0", &d));
  assert_true(d == 0.0);
  assert_true(csv_decimal_diff("12.5E-2", "-0.875", &d));
  assert_true(d == 1.0);
  /* beyond the fixed buffers: refused, the caller subtracts doubles */
  assert_false(csv_decimal_diff("1e300", "1e-300", &d));
}

static void test_csv_fault_injection(void **state) {
  (void)state;
  char big[40000];
  size_t used = (size_t)snprintf(big, sizeof big, "a,b,c\n");
  for (int i = 0; i < 1500; i++)
    used += (size_t)snprintf(big + used, sizeof big - used, "%d,x%d,%d.5\n", i, i % 7, i);
  int ok = 0;
  for (long n = 0; n < 200 && !ok; n++) {
    csv_table *t = NULL;
    avn_mem_fail_after(n);
    avn_rc rc = csv_table_read_mem(big, used, "mem", &t, NULL);
    avn_mem_fail_after(-1);
    if (rc == AVN_OK) {
      ok = 1;
      assert_int_equal(csv_table_nrow(t), 1500);
      csv_table_free(t);
    } else {
      assert_int_equal(rc, AVN_E_NOMEM);
      assert_null(t);
    }
  }
  assert_true(ok);
  double xs[50];
  for (int i = 0; i < 50; i++) xs[i] = sin(i) * 10 + i;
  swilk_result sw;
  avn_mem_fail_after(0);
  assert_int_equal(swilk_test(xs, 50, &sw), AVN_E_NOMEM);
  avn_mem_fail_after(-1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_expected_basic),    cmocka_unit_test(test_reference_starters),
      cmocka_unit_test(test_exact_distributions), cmocka_unit_test(test_degenerate),
      cmocka_unit_test(test_csv_table),         cmocka_unit_test(test_csv_fault_injection),
      cmocka_unit_test(test_csv_decimal_diff),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
