/*
** test_nist.c: regress_ols() against the NIST StRD linear-regression
** certified values (the .dat files in tests/golden/stats/nist/, copied from
** https://www.itl.nist.gov/div898/strd/lls/lls.shtml). The certified
** estimates, standard deviations, residual SD and R^2 are parsed from the
** files themselves. Accuracy is the log relative error
**   LRE = -log10(|estimate - certified| / |certified|)
** (or -log10|estimate| when certified = 0), capped at 15. Requirement: at
** least 9 digits in every coefficient and in the residual SD, for every
** file, Filip included. The per-file minimum LREs are printed.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "stats/regress.h"

typedef struct nist {
  int npar;             /* certified parameters */
  int intercept;        /* B0 present */
  double cert[16], cert_sd[16];
  double resid_sd, r2;
  int ncol;             /* data columns incl. y */
  size_t n;
  double *data;         /* n x ncol row-major */
} nist;

static int parse_nist(const char *file, nist *s) {
  char path[512], line[1024];
  snprintf(path, sizeof path, "%s/tests/golden/stats/nist/%s", AVN_SOURCE_DIR, file);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  memset(s, 0, sizeof *s);
  int in_data = 0, minb = 99;
  size_t cap = 0;
  long data_line = 0, lineno = 0;
  /* the header says "Data (lines A to B)" */
  while (fgets(line, sizeof line, f)) {
    lineno++;
    char *p = line;
    while (isspace((unsigned char)*p)) p++;
    long a, b;
    if (sscanf(p, "Data (lines %ld to %ld)", &a, &b) == 2) data_line = a;
    if (!in_data && p[0] == 'B' && isdigit((unsigned char)p[1])) {
      int idx;
      double est, sd;
      if (sscanf(p, "B%d %lf %lf", &idx, &est, &sd) == 3 && idx < 16) {
        s->cert[idx] = est;
        s->cert_sd[idx] = sd;
        if (idx < minb) minb = idx;
        if (idx + 1 > s->npar) s->npar = idx + 1;
      }
    }
    if (!strncmp(p, "Standard Deviation", 18)) {
      double v;
      if (sscanf(p + 18, "%lf", &v) == 1) s->resid_sd = v;
    }
    if (!strncmp(p, "R-Squared", 9)) sscanf(p + 9, "%lf", &s->r2);
    if (!strncmp(p, "Data:", 5) && lineno == data_line - 1) {
      in_data = 1;
      s->ncol = 0;
      for (char *t = strtok(p + 5, " \t\r\n"); t; t = strtok(NULL, " \t\r\n")) s->ncol++;
      continue;
    }
    if (in_data) {
      double v[16];
      int m = 0;
      char *q = p, *end;
      while (m < s->ncol) {
        v[m] = strtod(q, &end);
        if (end == q) break;
        q = end;
        m++;
      }
      if (m != s->ncol) continue;
      if (s->n == cap) {
        cap = cap ? 2 * cap : 64;
        s->data = avn_reallocarray(s->data, cap * (size_t)s->ncol, sizeof *s->data);
      }
      memcpy(s->data + s->n * (size_t)s->ncol, v, (size_t)s->ncol * sizeof *v);
      s->n++;
    }
  }
  fclose(f);
  s->intercept = minb == 0;
  if (!s->intercept) /* NoInt: B1 only, shift to index 0 */
    for (int j = 0; j + 1 < s->npar; j++) {
      s->cert[j] = s->cert[j + 1];
      s->cert_sd[j] = s->cert_sd[j + 1];
    }
  if (!s->intercept) s->npar--;
  return s->n > 0 && s->npar > 0 ? 0 : -1;
}

static double lre(double est, double cert) {
  double d = cert != 0 ? fabs(est - cert) / fabs(cert) : fabs(est);
  if (d == 0) return 15;
  double v = -log10(d);
  return v > 15 ? 15 : v;
}

static double xcol[1024];
static const double *y2x(const nist *s) {
  for (size_t i = 0; i < s->n && i < 1024; i++) xcol[i] = s->data[i * (size_t)s->ncol + 1];
  return xcol;
}

static void run_file(const char *file, double need) {
  nist s;
  assert_int_equal(parse_nist(file, &s), 0);
  int npred = s.ncol - 1;
  int k = s.npar - (s.intercept ? 1 : 0);   /* non-intercept terms */
  int poly = npred == 1 && k > 1;
  double *x = avn_calloc(s.n * (size_t)k, sizeof *x);
  double *y = avn_calloc(s.n, sizeof *y);
  assert_non_null(x);
  for (size_t i = 0; i < s.n; i++) {
    const double *row = s.data + i * (size_t)s.ncol;
    y[i] = row[0];
    for (int j = 0; j < k; j++) x[i * (size_t)k + j] = poly ? pow(row[1], j + 1) : row[1 + j];
  }
  regress_result *r = NULL;
  avn_err e;
  /* polynomial files go through regress_ols_poly (powers in long double);
  ** the rounded-to-double design is also run and its digits printed */
  avn_rc rc = poly ? regress_ols_poly(s.n, (size_t)k, y2x(&s), y, s.intercept, NULL, NULL, 0,
                                      0.95, &r, &e)
                   : regress_ols(s.n, (size_t)k, x, y, s.intercept, NULL, NULL, 0, 0.95, &r, &e);
  if (rc) fprintf(stderr, "%s: %s %s\n", file, e.field, e.rule);
  assert_int_equal(rc, AVN_OK);
  assert_int_equal(r->p, (size_t)s.npar);
  double minb = 99, minse = 99;
  for (int j = 0; j < s.npar; j++) {
    minb = fmin(minb, lre(r->beta[j], s.cert[j]));
    minse = fmin(minse, lre(r->se[j], s.cert_sd[j]));
  }
  double lsd = lre(r->sigma, s.resid_sd), lr2 = lre(r->r2, s.r2);
  printf("NIST %-10s n=%3zu p=%2d  LRE coef %5.2f  se %5.2f  resid sd %5.2f  R2 %5.2f\n",
         file, s.n, s.npar, minb, minse, lsd, lr2);
  if (poly) {
    regress_result *r2 = NULL;
    assert_int_equal(regress_ols(s.n, (size_t)k, x, y, s.intercept, NULL, NULL, 0, 0.95, &r2,
                                 &e), AVN_OK);
    double m2 = 99;
    for (int j = 0; j < s.npar; j++) m2 = fmin(m2, lre(r2->beta[j], s.cert[j]));
    printf("     (same file with the powers rounded to double first: LRE coef %5.2f)\n", m2);
    regress_free(r2);
  }
  assert_true(minb >= need);
  assert_true(lsd >= need);
  assert_true(minse >= need - 1);
  regress_free(r);
  avn_free(x);
  avn_free(y);
  avn_free(s.data);
}

#define NIST_TEST(name, need) \
  static void test_##name(void **st) { (void)st; run_file(#name ".dat", need); }
NIST_TEST(Norris, 9)
NIST_TEST(Pontius, 9)
NIST_TEST(NoInt1, 9)
NIST_TEST(NoInt2, 9)
NIST_TEST(Filip, 9)
NIST_TEST(Longley, 9)
NIST_TEST(Wampler1, 9)
NIST_TEST(Wampler2, 9)
NIST_TEST(Wampler3, 9)
NIST_TEST(Wampler4, 9)
NIST_TEST(Wampler5, 9)

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_Norris),   cmocka_unit_test(test_Pontius),
      cmocka_unit_test(test_NoInt1),   cmocka_unit_test(test_NoInt2),
      cmocka_unit_test(test_Filip),    cmocka_unit_test(test_Longley),
      cmocka_unit_test(test_Wampler1), cmocka_unit_test(test_Wampler2),
      cmocka_unit_test(test_Wampler3), cmocka_unit_test(test_Wampler4),
      cmocka_unit_test(test_Wampler5),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
