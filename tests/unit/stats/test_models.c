/*
** test_models.c: rmanova, mixed (lmm), gee, agree (kappa, icc) and power
** against R. Expected values: tests/golden/stats/expected_models.json,
** written by tests/golden/stats/make_expected_models.R from the CSVs in
** tests/golden/stats/data/ (lme4/lmerTest, geepack, pwr, base R formulas).
** Hand-worked / published checks: Shrout & Fleiss (1979) Table 2 ICCs, a
** 2x2 kappa worked on paper, and the seed-000 sample size.
**
** Tolerances: 1e-9 relative for closed forms (1e-6 for p-values in deep
** tails), 1e-6 for REML/ML fits, 1e-5 for Satterthwaite df (numerical
** derivatives on both sides), 1e-7 for GEE. The largest relative error per
** method is printed at the end.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "core/mem.h"
#include "interop/csv_table.h"
#include "stats/agree.h"
#include "stats/gee.h"
#include "stats/mixed.h"
#include "stats/power.h"
#include "stats/rmanova.h"

#define DATA AVN_SOURCE_DIR "/tests/golden/stats/data/"

static json_t *EXP;
enum { M_RMANOVA, M_LMM, M_GEE, M_KAPPA, M_ICC, M_POWER, M__N };
static const char *mname[M__N] = {"rm-anova", "lmm", "gee", "kappa", "icc", "power"};
static double maxerr[M__N];

static double jnum(json_t *o, const char *k) {
  json_t *v = json_object_get(o, k);
  if (!v || !json_is_number(v)) fail_msg("expected value %s missing", k);
  return json_number_value(v);
}
static double jat(json_t *o, const char *k, size_t i) {
  json_t *a = json_object_get(o, k);
  json_t *v = json_is_array(a) ? json_array_get(a, i) : (i == 0 ? a : NULL);
  if (!v || !json_is_number(v)) fail_msg("expected value %s[%zu] missing", k, i);
  return json_number_value(v);
}
static json_t *ecase(const char *id) {
  json_t *c = json_object_get(EXP, id);
  if (!c) fail_msg("no expected case %s", id);
  return c;
}

static void close_to(int m, const char *what, double got, double want, double rel) {
  double e = fabs(got - want) / fmax(fabs(want), 1e-300);
  if (fabs(got - want) < 1e-14) e = 0.; /* exact zeros and p = 0 */
  if (e > maxerr[m]) maxerr[m] = e;
  if (!(e <= rel))
    fail_msg("%s %s: got %.17g want %.17g (rel err %.3g > %.1g)", mname[m], what, got,
             want, e, rel);
}

/* --- CSV helpers ------------------------------------------------------ */
static csv_table *load(const char *name) {
  char path[512];
  csv_table *t = NULL;
  avn_err e;
  snprintf(path, sizeof path, DATA "%s", name);
  assert_int_equal(csv_table_read_file(path, &t, &e), AVN_OK);
  return t;
}
static size_t col(csv_table *t, const char *name) {
  size_t c = 0;
  avn_err e;
  assert_int_equal(csv_table_find(t, name, &c, &e), AVN_OK);
  return c;
}
static int cmpstr(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}
/* Codes the listed rows of a text column by sorted level; returns nlev. */
static size_t factor(csv_table *t, size_t c, const size_t *rows, size_t n, size_t *code,
                     const char ***levels_out) {
  const char **lv = calloc(n + 1, sizeof *lv);
  size_t nl = 0, i, j;
  for (i = 0; i < n; i++) lv[i] = csv_table_cell(t, rows[i], c);
  qsort(lv, n, sizeof *lv, cmpstr);
  for (i = 0; i < n; i++)
    if (nl == 0 || strcmp(lv[nl - 1], lv[i]) != 0) lv[nl++] = lv[i];
  for (i = 0; i < n; i++)
    for (j = 0; j < nl; j++)
      if (strcmp(lv[j], csv_table_cell(t, rows[i], c)) == 0) code[i] = j;
  if (levels_out) *levels_out = lv;
  else free(lv);
  return nl;
}

/* --- rm-anova --------------------------------------------------------- */
static void run_rmanova(const char *file, const char *value, const char *id) {
  csv_table *t = load(file);
  json_t *c = ecase(id);
  size_t nr = csv_table_nrow(t), *rows = calloc(nr, sizeof *rows), *sc = calloc(nr, sizeof *sc),
         *wc = calloc(nr, sizeof *wc), ns, nw, i, j, n = 0;
  size_t cv = col(t, value), cs = col(t, "subject"), cw = col(t, "time");
  double *wide, *keep;
  rmanova_result r;
  avn_err e;
  for (i = 0; i < nr; i++) rows[i] = i;
  ns = factor(t, cs, rows, nr, sc, NULL);
  nw = factor(t, cw, rows, nr, wc, NULL);
  wide = malloc(ns * nw * sizeof *wide);
  keep = malloc(ns * nw * sizeof *keep);
  for (i = 0; i < ns * nw; i++) wide[i] = NAN;
  for (i = 0; i < nr; i++) {
    double x;
    bool miss;
    assert_int_equal(csv_table_number(t, i, cv, &x, &miss, &e), AVN_OK);
    wide[sc[i] * nw + wc[i]] = x;
  }
  for (i = 0; i < ns; i++) {
    int ok = 1;
    for (j = 0; j < nw; j++) ok &= !isnan(wide[i * nw + j]);
    if (ok) memcpy(keep + n++ * nw, wide + i * nw, nw * sizeof *keep);
  }
  assert_int_equal(n, (size_t)jnum(c, "n"));
  assert_int_equal(ns - n, (size_t)jnum(c, "n_dropped"));
  assert_int_equal(rmanova_fit(keep, n, nw, value, &e, &r), AVN_OK);
  close_to(M_RMANOVA, "F", r.f, jnum(c, "statistic"), 1e-10);
  close_to(M_RMANOVA, "df1", r.df1, jnum(c, "df1"), 1e-12);
  close_to(M_RMANOVA, "df2", r.df2, jnum(c, "df2"), 1e-12);
  close_to(M_RMANOVA, "p", r.p, jnum(c, "p"), 1e-9);
  close_to(M_RMANOVA, "eta", r.partial_eta_sq, jnum(c, "partial_eta_sq"), 1e-10);
  assert_true(r.mauchly_ok);
  close_to(M_RMANOVA, "mauchly_w", r.mauchly_w, jnum(c, "mauchly_w"), 1e-8);
  close_to(M_RMANOVA, "mauchly_p", r.mauchly_p, jnum(c, "mauchly_p"), 1e-8);
  close_to(M_RMANOVA, "gg", r.gg_epsilon, jnum(c, "gg_epsilon"), 1e-10);
  close_to(M_RMANOVA, "hf", r.hf_epsilon, jnum(c, "hf_epsilon"), 1e-10);
  close_to(M_RMANOVA, "p_gg", r.p_gg, jnum(c, "p_gg"), 1e-8);
  close_to(M_RMANOVA, "p_hf", r.p_hf, jnum(c, "p_hf"), 1e-8);
  assert_int_equal(r.n_pairs, 3);
  for (i = 0; i < r.n_pairs; i++) {
    close_to(M_RMANOVA, "pair p", r.pairs[i].p, jat(c, "pairs_p", i), 1e-9);
    close_to(M_RMANOVA, "pair bonf", r.pairs[i].p_bonferroni, jat(c, "pairs_bonferroni", i), 1e-9);
    close_to(M_RMANOVA, "pair holm", r.pairs[i].p_holm, jat(c, "pairs_holm", i), 1e-9);
  }
  rmanova_result_free(&r);
  free(rows); free(sc); free(wc); free(wide); free(keep);
  csv_table_free(t);
}
static void test_rmanova_sphericity(void **s) { (void)s; run_rmanova("sphericity.csv", "pain", "rmanova_sph"); }
static void test_rmanova_n3(void **s) { (void)s; run_rmanova("n3.csv", "y", "rmanova_n3"); }

static void test_rmanova_degenerate(void **s) {
  (void)s;
  double one[3] = {1, 2, 4}, cst[12], h[4] = {0.01, 0.04, 0.03, 0.005}, adj[4];
  rmanova_result r;
  avn_err e;
  for (int i = 0; i < 12; i++) cst[i] = 5.;
  assert_int_equal(rmanova_fit(one, 1, 3, "y", &e, &r), AVN_E_DEGENERATE);
  assert_string_equal(e.field, "subject");
  assert_int_equal(rmanova_fit(cst, 4, 3, "y", &e, &r), AVN_E_DEGENERATE);
  assert_string_equal(e.field, "y");
  /* Holm by hand: sorted .005 .01 .03 .04 -> x4 x3 x2 x1 = .02 .03 .06 .04
  ** -> monotone .02 .03 .06 .06 */
  assert_int_equal(rmanova_holm(h, 4, adj), AVN_OK);
  assert_true(fabs(adj[0] - 0.03) < 1e-15 && fabs(adj[1] - 0.06) < 1e-15 &&
              fabs(adj[2] - 0.06) < 1e-15 && fabs(adj[3] - 0.02) < 1e-15);
}

/* --- lmm / gee on hhs_visits.csv --------------------------------------- */
typedef struct hv {
  size_t n, p, nsub, nhip, *sub, *hip;
  double *X, *y;
} hv;
/* The rows with `outcome`; subjects are the levels of column `subject`,
** units the hips. */
static void hv_load_by(hv *d, const char *outcome, const char *subject) {
  csv_table *t = load("hhs_visits.csv");
  size_t nr = csv_table_nrow(t), i, j, *rows = calloc(nr, sizeof *rows), *vc, *tmp;
  size_t cy = col(t, outcome), ca = col(t, "age");
  avn_err e;
  memset(d, 0, sizeof *d);
  for (i = 0; i < nr; i++)
    if (!csv_table_missing(t, i, cy)) rows[d->n++] = i;
  d->p = 5;
  d->X = calloc(d->n * d->p, sizeof *d->X);
  d->y = calloc(d->n, sizeof *d->y);
  d->sub = calloc(d->n, sizeof *d->sub);
  d->hip = calloc(d->n, sizeof *d->hip);
  vc = calloc(d->n, sizeof *vc);
  tmp = calloc(d->n, sizeof *tmp);
  d->nsub = factor(t, col(t, subject), rows, d->n, d->sub, NULL);
  d->nhip = factor(t, col(t, "hip"), rows, d->n, d->hip, NULL);
  assert_int_equal(factor(t, col(t, "visit"), rows, d->n, vc, NULL), 4);
  for (i = 0; i < d->n; i++) {
    bool miss;
    assert_int_equal(csv_table_number(t, rows[i], cy, &d->y[i], &miss, &e), AVN_OK);
    assert_int_equal(csv_table_number(t, rows[i], ca, &d->X[i * 5 + 1], &miss, &e), AVN_OK);
    d->X[i * 5] = 1.;
    for (j = 1; j < 4; j++) d->X[i * 5 + 1 + j] = vc[i] == j ? 1. : 0.;
  }
  free(rows); free(vc); free(tmp);
  csv_table_free(t);
}
static void hv_load(hv *d, const char *outcome) { hv_load_by(d, outcome, "patient"); }
static void hv_free(hv *d) { free(d->X); free(d->y); free(d->sub); free(d->hip); }

static void check_lmm_in(json_t *c, const char *subject, int reml, int nested, double df_rel) {
  hv d;
  mixed_result r;
  avn_err e;
  json_t *vc;
  size_t j;
  hv_load_by(&d, "hhs", subject);
  assert_int_equal(mixed_fit(d.X, d.y, d.n, d.p, d.sub, d.nsub, nested ? d.hip : NULL,
                             d.nhip, reml, 0.95, "hhs", &e, &r), AVN_OK);
  assert_int_equal(r.n, (size_t)jnum(c, "n"));
  for (j = 0; j < d.p; j++) {
    close_to(M_LMM, "estimate", r.beta[j], jat(c, "estimate", j), 1e-6);
    close_to(M_LMM, "se", r.se[j], jat(c, "se", j), 1e-6);
    close_to(M_LMM, "df", r.df[j], jat(c, "df", j), df_rel);
    close_to(M_LMM, "t", r.t[j], jat(c, "statistic", j), 1e-6);
    close_to(M_LMM, "p", r.pval[j], jat(c, "p", j), 10. * df_rel);   /* p follows the df */
    close_to(M_LMM, "ci_low", r.ci_low[j], jat(c, "ci_low", j), 1e-6);
    close_to(M_LMM, "ci_high", r.ci_high[j], jat(c, "ci_high", j), 1e-6);
  }
  vc = json_object_get(c, "vc_variance");
  if (nested) {
    close_to(M_LMM, "var hip", r.var_unit, json_number_value(json_array_get(vc, 0)), df_rel);
    close_to(M_LMM, "var patient", r.var_subject, json_number_value(json_array_get(vc, 1)), df_rel);
    close_to(M_LMM, "var resid", r.var_resid, json_number_value(json_array_get(vc, 2)), df_rel);
  } else {
    close_to(M_LMM, "var patient", r.var_subject, json_number_value(json_array_get(vc, 0)), 1e-5);
    close_to(M_LMM, "var resid", r.var_resid, json_number_value(json_array_get(vc, 1)), 1e-5);
  }
  close_to(M_LMM, "loglik", r.loglik, jnum(c, "loglik"), 1e-9);
  close_to(M_LMM, "aic", r.aic, jnum(c, "aic"), 1e-9);
  mixed_result_free(&r);
  hv_free(&d);
}
static void check_lmm(const char *id, int reml, int nested) { check_lmm_in(ecase(id), "patient", reml, nested, 1e-5); }
static void test_lmm_reml(void **s) { (void)s; check_lmm("lmm_reml", 1, 0); }
static void test_lmm_ml(void **s) { (void)s; check_lmm("lmm_ml", 0, 0); }
static void test_lmm_nested(void **s) { (void)s; check_lmm("lmm_nested", 1, 1); }
/* Hips nested in the side of the body: two subjects, each a cluster shape
** of its own, so mixed.c sums the subject terms unit by unit (its direct
** loop) where lmm_nested sums them by shape. R: make_expected_lmm_shapes.R.
** With two subjects the side variance rests on two values, and the df (a
** numerical second derivative: our Richardson step, lmerTest's numDeriv)
** agree to 2e-5 (the per-unit sums before mixed.c summed by shape: 1.4e-5),
** so df and the variances are checked to 1e-4 here (p, which follows the
** df, to 1e-3); the optimum itself, the log-likelihood, to 1e-9 as in
** lmm_nested: the side variance lies along a flat ridge of it. */
static void test_lmm_side_hip(void **s) {
  json_error_t je;
  json_t *all = json_load_file(AVN_SOURCE_DIR "/tests/golden/stats/expected_lmm_shapes.json", 0, &je);
  (void)s;
  assert_non_null(all);
  check_lmm_in(json_object_get(all, "lmm_side_hip"), "side", 1, 1, 1e-4);
  json_decref(all);
}

static void test_lmm_degenerate(void **s) {
  (void)s;
  double X[8] = {1, 1, 1, 2, 1, 3, 1, 4}, y[4] = {5, 5, 5, 5};
  size_t sub[4] = {0, 0, 1, 1}, one[4] = {0, 0, 0, 0};
  mixed_result r;
  avn_err e;
  assert_int_equal(mixed_fit(X, y, 4, 2, sub, 2, NULL, 0, 1, .95, "hhs", &e, &r), AVN_E_DEGENERATE);
  assert_string_equal(e.field, "hhs");
  y[1] = 6;
  assert_int_equal(mixed_fit(X, y, 4, 2, one, 1, NULL, 0, 1, .95, "hhs", &e, &r), AVN_E_DEGENERATE);
  assert_string_equal(e.field, "subject");
  X[3] = 1; X[5] = 1; X[7] = 1; /* second column = intercept: rank 1 */
  assert_int_equal(mixed_fit(X, y, 4, 2, sub, 2, NULL, 0, 1, .95, "hhs", &e, &r), AVN_E_DEGENERATE);
  assert_string_equal(e.field, "predictors");
}

static void check_gee(const char *id, const char *y, gee_family f, gee_corstr cs) {
  hv d;
  gee_result r;
  avn_err e;
  json_t *c = ecase(id);
  size_t j;
  hv_load(&d, y);
  assert_int_equal(gee_fit(d.X, d.y, d.n, d.p, d.sub, d.nsub, f, cs, .95, y, &e, &r), AVN_OK);
  assert_int_equal(r.n, (size_t)jnum(c, "n"));
  for (j = 0; j < d.p; j++) {
    close_to(M_GEE, "estimate", r.beta[j], jat(c, "estimate", j), 1e-7);
    close_to(M_GEE, "robust_se", r.robust_se[j], jat(c, "robust_se", j), 1e-7);
    close_to(M_GEE, "wald", r.wald[j], jat(c, "wald", j), 1e-7);
    if (jat(c, "p", j) > 1e-300) close_to(M_GEE, "p", r.pval[j], jat(c, "p", j), 1e-6);
  }
  close_to(M_GEE, "alpha", r.alpha, jnum(c, "alpha"), 1e-7);
  close_to(M_GEE, "scale", r.scale, jnum(c, "scale"), 1e-7);
  gee_result_free(&r);
  hv_free(&d);
}
static void test_gee_gauss_exch(void **s) { (void)s; check_gee("gee_gauss_exch", "hhs", GEE_GAUSSIAN, GEE_EXCHANGEABLE); }
static void test_gee_gauss_ind(void **s) { (void)s; check_gee("gee_gauss_ind", "hhs", GEE_GAUSSIAN, GEE_INDEPENDENCE); }
static void test_gee_binom_exch(void **s) { (void)s; check_gee("gee_binom_exch", "success", GEE_BINOMIAL, GEE_EXCHANGEABLE); }
static void test_gee_binom_ind(void **s) { (void)s; check_gee("gee_binom_ind", "success", GEE_BINOMIAL, GEE_INDEPENDENCE); }

static void test_gee_degenerate(void **s) {
  (void)s;
  double X[8] = {1, 1, 1, 2, 1, 3, 1, 4}, y[4] = {0, 2, 1, 1};
  size_t sub[4] = {0, 0, 1, 1};
  gee_result r;
  avn_err e;
  assert_int_equal(gee_fit(X, y, 4, 2, sub, 2, GEE_BINOMIAL, GEE_INDEPENDENCE, .95, "ok", &e, &r), AVN_E_RANGE);
  assert_string_equal(e.field, "ok");
  y[0] = 0; y[1] = 0; y[2] = 1; y[3] = 1; /* separated by x */
  assert_int_equal(gee_fit(X, y, 4, 2, sub, 2, GEE_BINOMIAL, GEE_INDEPENDENCE, .95, "ok", &e, &r), AVN_E_DEGENERATE);
}

/* --- kappa / icc ------------------------------------------------------ */
static void run_kappa(const char *file, const char *a, const char *b, const char *const *lev,
                      int k, agree_weights w, const char *id) {
  csv_table *t = load(file);
  size_t n = csv_table_nrow(t), i, ca = col(t, a), cb = col(t, b);
  int *x = calloc(n, sizeof *x), *y = calloc(n, sizeof *y), j;
  json_t *c = ecase(id);
  agree_kappa_result r;
  avn_err e;
  for (i = 0; i < n; i++)
    for (j = 0; j < k; j++) {
      if (strcmp(csv_table_cell(t, i, ca), lev[j]) == 0) x[i] = j;
      if (strcmp(csv_table_cell(t, i, cb), lev[j]) == 0) y[i] = j;
    }
  assert_int_equal(agree_kappa(x, y, n, k, w, 0.95, &e, &r), AVN_OK);
  close_to(M_KAPPA, "kappa", r.kappa, jnum(c, "estimate"), 1e-12);
  close_to(M_KAPPA, "se", r.se, jnum(c, "se"), 1e-10);
  close_to(M_KAPPA, "se0", r.se0, jnum(c, "se0"), 1e-10);
  close_to(M_KAPPA, "z", r.z, jnum(c, "statistic"), 1e-10);
  close_to(M_KAPPA, "p", r.p, jnum(c, "p"), 1e-8);
  close_to(M_KAPPA, "ci_low", r.ci_low, jnum(c, "ci_low"), 1e-10);
  close_to(M_KAPPA, "ci_high", r.ci_high, jnum(c, "ci_high"), 1e-10);
  free(x); free(y);
  csv_table_free(t);
}
static const char *const ST[] = {"I", "II", "III", "IV"};
static void test_kappa_none(void **s) { (void)s; run_kappa("reads.csv", "reader1", "reader2", ST, 4, AGREE_W_NONE, "kappa_none"); }
static void test_kappa_linear(void **s) { (void)s; run_kappa("reads.csv", "reader1", "reader2", ST, 4, AGREE_W_LINEAR, "kappa_linear"); }
static void test_kappa_quadratic(void **s) { (void)s; run_kappa("reads.csv", "reader1", "reader2", ST, 4, AGREE_W_QUADRATIC, "kappa_quadratic"); }
static void test_kappa_n3(void **s) { (void)s; run_kappa("reads_n3.csv", "r1", "r2", ST, 3, AGREE_W_NONE, "kappa_n3"); }

/* Worked by hand: 2x2 table [[20,5],[10,15]], n = 50. po = 35/50 = .70;
** margins rows .5/.5, cols .6/.4; pe = .5*.6 + .5*.4 = .50;
** kappa = (.70 - .50)/(1 - .50) = .40. Null variance (FCE 1969, w = I):
** wi = (.6,.4), wj = (.5,.5); sum p_i. p_.j (w - wi - wj)^2 =
** .30*(1-1.1)^2 + .20*(0-1.1)^2 + .30*(0-.9)^2 + .20*(1-.9)^2
** = .003 + .242 + .243 + .002 = .49; var0 = (.49 - .25)/(50*.25) = .0192
** (the same as Fleiss's unweighted form (pe + pe^2 - sum p_i.p_.i(p_i.+p_.i))
** / (n (1-pe)^2) = (.75 - .51)/12.5); z = .4/sqrt(.0192) = 2.88675. */
static void test_kappa_hand(void **s) {
  (void)s;
  int x[50], y[50], i;
  agree_kappa_result r;
  avn_err e;
  for (i = 0; i < 50; i++) {
    x[i] = i < 25 ? 0 : 1;
    y[i] = (i < 20) ? 0 : (i < 25) ? 1 : (i < 35) ? 0 : 1;
  }
  assert_int_equal(agree_kappa(x, y, 50, 2, AGREE_W_NONE, .95, &e, &r), AVN_OK);
  assert_true(fabs(r.kappa - 0.4) < 1e-14);
  assert_true(fabs(r.se0 - sqrt(0.0192)) < 1e-14);
  assert_true(fabs(r.z - 0.4 / sqrt(0.0192)) < 1e-12);
  for (i = 0; i < 50; i++) y[i] = 0;
  for (i = 0; i < 50; i++) x[i] = 0;
  assert_int_equal(agree_kappa(x, y, 50, 2, AGREE_W_NONE, .95, &e, &r), AVN_E_DEGENERATE);
}

static void run_icc(const char *file, const char *const *cols, size_t k, const char *id) {
  csv_table *t = load(file);
  size_t n = csv_table_nrow(t), i, j;
  double *m = calloc(n * k, sizeof *m);
  json_t *c = ecase(id);
  agree_icc_result r;
  avn_err e;
  for (j = 0; j < k; j++) {
    size_t cj = col(t, cols[j]);
    for (i = 0; i < n; i++) {
      bool miss;
      assert_int_equal(csv_table_number(t, i, cj, &m[i * k + j], &miss, &e), AVN_OK);
    }
  }
  assert_int_equal(agree_icc(m, n, k, 0.95, &e, &r), AVN_OK);
  close_to(M_ICC, "F", r.f, jnum(c, "statistic"), 1e-11);
  close_to(M_ICC, "p", r.p, jnum(c, "p"), 1e-8);
  close_to(M_ICC, "v", r.v, jnum(c, "v"), 1e-10);
#define IC(fld, key) \
  close_to(M_ICC, key, r.fld.icc, jnum(c, key), 1e-11); \
  close_to(M_ICC, key "_low", r.fld.ci_low, jnum(c, key "_low"), 1e-8); \
  close_to(M_ICC, key "_high", r.fld.ci_high, jnum(c, key "_high"), 1e-8)
  IC(c1, "icc_c1");
  IC(ck, "icc_ck");
  IC(a1, "icc_a1");
  IC(ak, "icc_ak");
#undef IC
  free(m);
  csv_table_free(t);
}
static const char *const A3[] = {"angle1", "angle2", "angle3"};
static const char *const AN3[] = {"a1", "a2"};
static void test_icc_2(void **s) { (void)s; run_icc("reads.csv", A3, 2, "icc_2"); }
static void test_icc_3(void **s) { (void)s; run_icc("reads.csv", A3, 3, "icc_3"); }
static void test_icc_n3(void **s) { (void)s; run_icc("reads_n3.csv", AN3, 2, "icc_n3"); }

/* Shrout & Fleiss (1979), Table 2 (6 targets x 4 judges) and their printed
** Table 4 values: ICC(2,1) = .29, ICC(3,1) = .71, ICC(2,4) = .62,
** ICC(3,4) = .91 (two decimals). */
static void test_icc_shrout_fleiss(void **s) {
  (void)s;
  double m[24] = {9, 2, 5, 8, 6, 1, 3, 2, 8, 4, 6, 8, 7, 1, 2, 6, 10, 5, 6, 9, 6, 2, 4, 7};
  agree_icc_result r;
  avn_err e;
  assert_int_equal(agree_icc(m, 6, 4, .95, &e, &r), AVN_OK);
  assert_true(fabs(r.a1.icc - 0.29) < 0.005);
  assert_true(fabs(r.c1.icc - 0.71) < 0.005);
  assert_true(fabs(r.ak.icc - 0.62) < 0.005);
  assert_true(fabs(r.ck.icc - 0.91) < 0.005);
  for (int i = 0; i < 24; i++) m[i] = (i % 4) * 3.; /* raters differ by constants */
  assert_int_equal(agree_icc(m, 6, 4, .95, &e, &r), AVN_E_DEGENERATE);
}

/* --- power ------------------------------------------------------------ */
static void test_power_seed000(void **s) {
  (void)s;
  json_t *c = ecase("power_seed000");
  double n, nc, nd, pw;
  avn_err e;
  assert_int_equal(power_t_n(POWER_PAIRED, 15, 12, 0.05, 0.90, &e, &n), AVN_OK);
  close_to(M_POWER, "n", n, jnum(c, "n"), 1e-9);
  close_to(M_POWER, "n vs pwr's uniroot", n, jnum(c, "n_pwr"), 1e-6);
  assert_int_equal(power_inflate_dropout(n, 0.15, &e, &nc, &nd), AVN_OK);
  assert_true(nc == 9. && nd == 11.); /* ceil(8.866) = 9; ceil(9 / .85) = 11 */
  assert_true(nc == jnum(c, "n_ceiling") && nd == jnum(c, "n_with_dropout"));
  assert_int_equal(power_t_power(POWER_PAIRED, n, 15, 12, 0.05, &e, &pw), AVN_OK);
  close_to(M_POWER, "power", pw, 0.90, 1e-10);
}
static void test_power_cases(void **s) {
  (void)s;
  double n, pw, ev, nn;
  avn_err e;
  json_t *c = ecase("power_two_sample");
  assert_int_equal(power_t_n(POWER_TWO_SAMPLE, 10, 15, 0.05, 0.80, &e, &n), AVN_OK);
  close_to(M_POWER, "two-sample n", n, jnum(c, "n"), 1e-9);
  c = ecase("power_paired_n");
  assert_int_equal(power_t_power(POWER_PAIRED, 20, 0.5, 1, 0.05, &e, &pw), AVN_OK);
  close_to(M_POWER, "paired power", pw, jnum(c, "power"), 1e-9);
  c = ecase("power_two_sample_n");
  assert_int_equal(power_t_power(POWER_TWO_SAMPLE, 50, 0.4, 1, 0.01, &e, &pw), AVN_OK);
  close_to(M_POWER, "two-sample power", pw, jnum(c, "power"), 1e-9);
  c = ecase("power_logrank");
  assert_int_equal(power_logrank(0.6, 0.05, 0.8, 0.5, 0.4, &e, &ev, &nn), AVN_OK);
  close_to(M_POWER, "events", ev, jnum(c, "events"), 1e-12);
  close_to(M_POWER, "n", nn, jnum(c, "n"), 1e-12);
  c = ecase("power_logrank_unbal");
  assert_int_equal(power_logrank(1.8, 0.01, 0.9, 2. / 3., 0.55, &e, &ev, &nn), AVN_OK);
  close_to(M_POWER, "events", ev, jnum(c, "events"), 1e-12);
  close_to(M_POWER, "n", nn, jnum(c, "n"), 1e-12);
  /* Refusals name the parameter. */
  assert_int_equal(power_t_n(POWER_PAIRED, 15, 0, 0.05, 0.9, &e, &n), AVN_E_RANGE);
  assert_string_equal(e.field, "sd");
  assert_int_equal(power_t_n(POWER_PAIRED, 15, 12, 0.05, 1.2, &e, &n), AVN_E_RANGE);
  assert_string_equal(e.field, "power");
  assert_int_equal(power_logrank(1, 0.05, 0.8, 0.5, 1, &e, &ev, &nn), AVN_E_RANGE);
  assert_string_equal(e.field, "hr");
  assert_int_equal(power_inflate_dropout(10, 1, &e, &n, &nn), AVN_E_RANGE);
  assert_string_equal(e.field, "dropout");
}

static int setup(void **s) {
  json_error_t je;
  (void)s;
  EXP = json_load_file(AVN_SOURCE_DIR "/tests/golden/stats/expected_models.json", 0, &je);
  return EXP ? 0 : -1;
}
static int teardown(void **s) {
  (void)s;
  for (int m = 0; m < M__N; m++) printf("max relative error vs R, %-8s %.3g\n", mname[m], maxerr[m]);
  json_decref(EXP);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rmanova_sphericity), cmocka_unit_test(test_rmanova_n3),
      cmocka_unit_test(test_rmanova_degenerate), cmocka_unit_test(test_lmm_reml),
      cmocka_unit_test(test_lmm_ml),             cmocka_unit_test(test_lmm_nested),
      cmocka_unit_test(test_lmm_side_hip),       cmocka_unit_test(test_lmm_degenerate),     cmocka_unit_test(test_gee_gauss_exch),
      cmocka_unit_test(test_gee_gauss_ind),      cmocka_unit_test(test_gee_binom_exch),
      cmocka_unit_test(test_gee_binom_ind),      cmocka_unit_test(test_gee_degenerate),
      cmocka_unit_test(test_kappa_none),         cmocka_unit_test(test_kappa_linear),
      cmocka_unit_test(test_kappa_quadratic),    cmocka_unit_test(test_kappa_n3),
      cmocka_unit_test(test_kappa_hand),         cmocka_unit_test(test_icc_2),
      cmocka_unit_test(test_icc_3),              cmocka_unit_test(test_icc_n3),
      cmocka_unit_test(test_icc_shrout_fleiss),  cmocka_unit_test(test_power_seed000),
      cmocka_unit_test(test_power_cases),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
