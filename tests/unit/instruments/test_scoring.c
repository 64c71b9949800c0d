/*
** test_scoring.c: runs the instrument test tables in tests/golden/instruments/
** (format in that folder's README.md). Each case parses its values through
** inst_parse_value, checks the form with inst_check_complete, scores it with
** inst_score, and compares either the refusal (code and field) or every
** expected result. A form lacking required items is scored all the same,
** as the study and avn score score it (unless the case expects REQUIRED);
** `incomplete N` says how many required items it lacks (default 0). Expected values come from docs/instruments.md 6 or
** were worked by hand from the published rules, with the arithmetic in the
** table's comments. A case that names a result the form lacks fails.
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

#include "core/mem.h"
#include "instruments/instrument.h"

#define MAX_TOK 256
#define GOLDEN AVN_SOURCE_DIR "/tests/golden/instruments/"

typedef struct tcase {
  char name[96];
  char form[64];
  int line;
  char *in[MAX_TOK];
  size_t n_in;
  char *opt[16];
  size_t n_opt;
  char *expect[MAX_TOK];
  size_t n_expect;
  double tol;
  char error[32];
  char field[128];
  int incomplete;            /* required items missing, by inst_missing_required */
} tcase;

static void tcase_clear(tcase *c) {
  for (size_t i = 0; i < c->n_in; i++) avn_free(c->in[i]);
  for (size_t i = 0; i < c->n_opt; i++) avn_free(c->opt[i]);
  for (size_t i = 0; i < c->n_expect; i++) avn_free(c->expect[i]);
  memset(c, 0, sizeof *c);
  c->tol = 1e-9;
  snprintf(c->error, sizeof c->error, "none");
}

static const struct {
  const char *name;
  avn_rc rc;
} codes[] = {
  {"none", AVN_OK},          {"RANGE", AVN_E_RANGE},   {"CODE", AVN_E_CODE},
  {"TYPE", AVN_E_TYPE},      {"UNKNOWN", AVN_E_UNKNOWN}, {"REQUIRED", AVN_E_REQUIRED},
  {"DATE", AVN_E_DATE},      {"USAGE", AVN_E_USAGE},
};

static avn_rc code_of(const char *s) {
  for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
    if (!strcmp(codes[i].name, s)) return codes[i].rc;
  fail_msg("unknown error name '%s' in a table", s);
  return AVN_OK;
}

static void split_into(char *rest, char **arr, size_t *n, size_t cap) {
  for (char *tok = strtok(rest, " \t"); tok; tok = strtok(NULL, " \t")) {
    assert_true(*n < cap);
    arr[(*n)++] = avn_strdup(tok);
  }
}

/* Runs one case; returns 0 when it passed, else prints why and returns 1. */
static int run_case(const char *file, tcase *c) {
  const inst_def *d = inst_find(c->form);
  inst_value vals[MAX_TOK];
  inst_opt opts[16];
  inst_scores s;
  avn_err e;
  avn_rc rc = AVN_OK, want = code_of(c->error);
  size_t n_vals = 0;
  int bad = 0;
  char split_opts[16][256];

  avn_err_clear(&e);
  if (!d) {
    rc = avn_fail(&e, AVN_E_UNKNOWN, "form", c->form, "no such form");
    goto judge;
  }
  for (size_t i = 0; i < c->n_in; i++) {
    char buf[512];
    snprintf(buf, sizeof buf, "%s", c->in[i]);
    char *eq = strchr(c->in[i], '=');
    if (!eq) {
      printf("%s:%d %s: bad input token '%s'\n", file, c->line, c->name, c->in[i]);
      return 1;
    }
    *eq = '\0';
    rc = inst_parse_value(d, c->in[i], eq + 1, &vals[n_vals], &e);
    *eq = '=';
    if (rc) goto judge;
    n_vals++;
  }
  inst_response resp = {vals, n_vals};
  rc = inst_check_complete(d, &resp, &e);
  if (rc == AVN_E_REQUIRED && want != AVN_E_REQUIRED) rc = AVN_OK;   /* incomplete, scored */
  if (rc) goto judge;

  for (size_t i = 0; i < c->n_opt; i++) {
    snprintf(split_opts[i], sizeof split_opts[i], "%s", c->opt[i]);
    char *eq = strchr(split_opts[i], '=');
    assert_non_null(eq);
    *eq = '\0';
    opts[i].name = split_opts[i];
    opts[i].value = eq + 1;
  }
  rc = inst_score(d, &resp, opts, c->n_opt, &s, &e);
  char names[1024];
  size_t nm = inst_missing_required(d, &resp, names, sizeof names);
  if (!rc && (int)nm != c->incomplete) {
    printf("%s:%d %s: %zu required items missing (%s), expected %d\n", file, c->line, c->name, nm, names,
           c->incomplete);
    return 1;
  }

judge:
  if (rc != want) {
    char msg[1024];
    avn_err_format(&e, msg, sizeof msg);
    printf("%s:%d %s: expected %s, got %s (%s)\n", file, c->line, c->name, c->error,
           avn_strerror(rc), rc ? msg : "");
    return 1;
  }
  if (rc) {
    if (c->field[0] && strcmp(c->field, e.field) != 0) {
      printf("%s:%d %s: refusal names field '%s', expected '%s'\n", file, c->line, c->name,
             e.field, c->field);
      return 1;
    }
    if (!e.rule[0]) {
      printf("%s:%d %s: refusal without a rule in words\n", file, c->line, c->name);
      return 1;
    }
    return 0;
  }
  /* The definition says which results are categories: the scorer agrees. */
  for (size_t i = 0; i < s.n; i++) {
    const inst_result_def *rd = NULL;
    for (size_t j = 0; j < inst_n_results(d); j++)
      if (!strcmp(inst_result_at(d, j)->name, s.r[i].name)) rd = inst_result_at(d, j);
    if (rd && !s.r[i].missing && (s.r[i].text != NULL) != rd->category) {
      printf("%s:%d %s: result '%s' is %s but its definition says %s\n", file, c->line, c->name, s.r[i].name,
             s.r[i].text ? "a category" : "a number", rd->category ? "type: category" : "a number");
      bad = 1;
    }
  }
  for (size_t i = 0; i < c->n_expect; i++) {
    char key[128];
    snprintf(key, sizeof key, "%s", c->expect[i]);
    char *eq = strchr(key, '=');
    const char *want_v = eq ? eq + 1 : "";
    if (eq) *eq = '\0';
    const inst_result *r = inst_scores_get(&s, key);
    if (!r) {
      printf("%s:%d %s: no result '%s'\n", file, c->line, c->name, key);
      bad = 1;
      continue;
    }
    if (!strcmp(want_v, "NA")) {
      if (!r->missing) {
        printf("%s:%d %s: %s expected missing, got %.17g%s%s\n", file, c->line, c->name, key,
               r->num, r->text ? " " : "", r->text ? r->text : "");
        bad = 1;
      }
      continue;
    }
    if (r->missing) {
      printf("%s:%d %s: %s expected %s, got missing\n", file, c->line, c->name, key, want_v);
      bad = 1;
      continue;
    }
    if (r->text) {
      if (strcmp(r->text, want_v) != 0) {
        printf("%s:%d %s: %s expected '%s', got '%s'\n", file, c->line, c->name, key, want_v,
               r->text);
        bad = 1;
      }
      continue;
    }
    char *end = NULL;
    double x = strtod(want_v, &end);
    if (*end || fabs(r->num - x) > c->tol) {
      printf("%s:%d %s: %s expected %s (tol %g), got %.17g\n", file, c->line, c->name, key,
             want_v, c->tol, r->num);
      bad = 1;
    }
  }
  return bad;
}

static void run_table(const char *name) {
  char path[512], line[2048];
  tcase c;
  int n_cases = 0, n_failed = 0, lineno = 0;
  bool open_case = false;
  snprintf(path, sizeof path, GOLDEN "%s", name);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  memset(&c, 0, sizeof c);
  tcase_clear(&c);
  while (fgets(line, sizeof line, f)) {
    lineno++;
    line[strcspn(line, "\r\n")] = '\0';
    if (!line[0] || line[0] == '#') continue;
    char *sp = strchr(line, ' ');
    char *rest = sp ? sp + 1 : line + strlen(line);
    if (sp) *sp = '\0';
    if (!strcmp(line, "case")) {
      assert_false(open_case);
      tcase_clear(&c);
      snprintf(c.name, sizeof c.name, "%s", rest);
      c.line = lineno;
      open_case = true;
    } else if (!strcmp(line, "form")) {
      snprintf(c.form, sizeof c.form, "%s", rest);
    } else if (!strcmp(line, "in")) {
      split_into(rest, c.in, &c.n_in, MAX_TOK);
    } else if (!strcmp(line, "opt")) {
      split_into(rest, c.opt, &c.n_opt, 16);
    } else if (!strcmp(line, "expect")) {
      split_into(rest, c.expect, &c.n_expect, MAX_TOK);
    } else if (!strcmp(line, "tol")) {
      c.tol = strtod(rest, NULL);
    } else if (!strcmp(line, "error")) {
      snprintf(c.error, sizeof c.error, "%s", rest);
    } else if (!strcmp(line, "incomplete")) {
      c.incomplete = (int)strtol(rest, NULL, 10);
    } else if (!strcmp(line, "field")) {
      snprintf(c.field, sizeof c.field, "%s", rest);
    } else if (!strcmp(line, "end")) {
      assert_true(open_case);
      n_cases++;
      n_failed += run_case(name, &c);
      open_case = false;
    } else {
      fail_msg("%s:%d: unknown directive '%s'", name, lineno, line);
    }
  }
  fclose(f);
  tcase_clear(&c);
  assert_false(open_case);
  printf("%s: %d cases, %d failed\n", name, n_cases, n_failed);
  assert_true(n_cases > 0);
  assert_int_equal(n_failed, 0);
}

static void test_hhs(void **s) { (void)s; run_table("hhs.txt"); }
static void test_rom(void **s) { (void)s; run_table("rom.txt"); }
static void test_vas(void **s) { (void)s; run_table("vas.txt"); }
static void test_womac(void **s) { (void)s; run_table("womac.txt"); }
static void test_sf36(void **s) { (void)s; run_table("sf36.txt"); }
static void test_staging(void **s) { (void)s; run_table("staging.txt"); }
static void test_cell_product(void **s) { (void)s; run_table("cell_product.txt"); }
static void test_misc(void **s) { (void)s; run_table("misc.txt"); }

static int teardown(void **s) {
  (void)s;
  inst_registry_free();
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_hhs),     cmocka_unit_test(test_rom),
    cmocka_unit_test(test_vas),     cmocka_unit_test(test_womac),
    cmocka_unit_test(test_sf36),    cmocka_unit_test(test_staging),
    cmocka_unit_test(test_cell_product), cmocka_unit_test(test_misc),
  };
  return cmocka_run_group_tests(tests, NULL, teardown);
}
