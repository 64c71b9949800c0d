/*
** test_pg_copy.c: PostgreSQL's COPY text format as db_pg.c reads it
** (src/store/pg_copy.c), and the bulk readers' typed rows on each backend.
**
** The lines are written by hand from the server's manual (COPY, "Text
** Format"): columns split at tabs, \N alone a NULL, \t \n \r \\ and the other
** backslash escapes undone, bytes (UTF-8 included) otherwise verbatim. The
** second part runs a query through store_q_typed, on a study file and (as
** pg/unit/test_pg_copy) on the test cluster, where it goes by COPY with its
** parameters inlined as literals: the values come back as written.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/pg_copy.h"
#include "store/store.h"
#include "store/store_int.h"
#include "unit/store/test_db.h"

/* Splits a copy of text (room for the NUL after it, as libpq leaves). */
static int split(const char *text, char *buf, size_t n, char **cols, int max) {
  size_t len = strlen(text);
  assert_true(len < n);
  memcpy(buf, text, len + 1);
  return pg_copy_split(buf, len, cols, max);
}

static void test_plain_and_null(void **unused) {
  (void)unused;
  char buf[64], *cols[8];
  /* 42 TAB abc TAB \N TAB 1.5 NEWLINE: four columns, the third NULL */
  assert_int_equal(split("42\tabc\t\\N\t1.5\n", buf, sizeof buf, cols, 8), 4);
  assert_string_equal(cols[0], "42");
  assert_string_equal(cols[1], "abc");
  assert_null(cols[2]);
  assert_string_equal(cols[3], "1.5");
  /* an escaped backslash before N is the text "\N", not a NULL */
  assert_int_equal(split("\\\\N\n", buf, sizeof buf, cols, 8), 1);
  assert_string_equal(cols[0], "\\N");
  /* empty columns are empty text: TAB NEWLINE is two, NEWLINE alone one */
  assert_int_equal(split("\t\n", buf, sizeof buf, cols, 8), 2);
  assert_string_equal(cols[0], "");
  assert_string_equal(cols[1], "");
  assert_int_equal(split("\n", buf, sizeof buf, cols, 8), 1);
  assert_string_equal(cols[0], "");
  /* the last row of a stream need not end in a newline */
  assert_int_equal(split("x\ty", buf, sizeof buf, cols, 8), 2);
  assert_string_equal(cols[1], "y");
}

static void test_escapes(void **unused) {
  (void)unused;
  char buf[128], *cols[8];
  /* a\tb | line1\nline2 | back\\slash | cr\r, each escape one byte again */
  assert_int_equal(split("a\\tb\tline1\\nline2\tback\\\\slash\tcr\\r\n", buf, sizeof buf, cols, 8), 4);
  assert_string_equal(cols[0], "a\tb");
  assert_string_equal(cols[1], "line1\nline2");
  assert_string_equal(cols[2], "back\\slash");
  assert_string_equal(cols[3], "cr\r");
  /* \b \f \v; octal \101 = 65 'A', hex \x42 = 66 'B', \7 = 7; \q is q */
  assert_int_equal(split("\\b\\f\\v\t\\101\\x42\\7\t\\q\n", buf, sizeof buf, cols, 8), 3);
  assert_string_equal(cols[0], "\b\f\v");
  assert_string_equal(cols[1], "AB\a");
  assert_string_equal(cols[2], "q");
  /* UTF-8 passes byte for byte: e-acute (C3 A9), sharp s (C3 9F), arrow (E2 86 92) */
  assert_int_equal(split("\xc3\xa9\t\xc3\x9f\xe2\x86\x92\n", buf, sizeof buf, cols, 8), 2);
  assert_string_equal(cols[0], "\xc3\xa9");
  assert_string_equal(cols[1], "\xc3\x9f\xe2\x86\x92");
}

static void test_too_many(void **unused) {
  (void)unused;
  char buf[32], *cols[2];
  assert_int_equal(split("a\tb\tc\n", buf, sizeof buf, cols, 2), -1);
  assert_string_equal(cols[0], "a");
  assert_string_equal(cols[1], "b");
}

typedef struct {
  int rows;
  char text[5][64];
  int null[6];
  int64_t i;
  double d;
} got;

static int grab(void *ctx, const db_row *r) {
  got *g = ctx;
  g->rows++;
  for (int k = 0; k < 6; k++) g->null[k] = db_null(r, k);
  const int tcols[] = {0, 4, 5};
  for (int k = 0; k < 3; k++) {
    const char *t = db_text(r, tcols[k]);
    snprintf(g->text[k], sizeof g->text[k], "%s", t ? t : "(null)");
  }
  g->i = db_int64(r, 2);
  g->d = db_double(r, 3);
  return 0;
}

/* One row through the backend's bulk reader: a tab and a newline in the
** values, a quote, a backslash, a '?' and a '"' in a parameter (inlined on
** PostgreSQL: none of them may end the literal or become a placeholder), a
** NULL parameter, UTF-8, an integer and a real. */
static void test_typed_rows(void **unused) {
  (void)unused;
  char path[256];
  avn_err e;
  store *s = NULL;
  s = test_db_study(path, sizeof path, "pgcopy", "sequential");
  const char *params[] = {"\t", "it's a\\b?\"c\"\n\xc3\xa9", NULL};
  got g = {0};
  assert_int_equal(store_q_typed(s, "SELECT 'x' || ? || 'y', CAST(NULL AS TEXT), 7, 2.5, ?, ?", params, 3, grab,
                                 &g, &e), AVN_OK);
  assert_int_equal(g.rows, 1);
  assert_string_equal(g.text[0], "x\ty");
  assert_true(g.null[1]);
  assert_false(g.null[0]);
  assert_int_equal(g.i, 7);
  assert_true(g.d == 2.5);
  assert_string_equal(g.text[1], "it's a\\b?\"c\"\n\xc3\xa9");
  assert_true(g.null[5]);
  assert_string_equal(g.text[2], "(null)");
  /* ?NNN names a parameter by number (SQLite's form, kept on PostgreSQL) */
  got h = {0};
  assert_int_equal(store_q_typed(s, "SELECT ?2, NULL, ?1, 0.25, ?2, NULL", (const char *[]){"12", "b"}, 2, grab, &h,
                                 &e), AVN_OK);
  assert_string_equal(h.text[0], "b");
  assert_int_equal(h.i, 12);
  assert_true(h.d == 0.25);
  /* A row wider than the bulk reader's 64 columns is refused on
  ** PostgreSQL, never handed over cut short (SQLite steps any width). */
  char wide[512] = "SELECT 1";
  for (int k = 1; k < 65; k++) strcat(wide, ", 1");
  got w = {0};
  avn_rc wrc = store_q_typed(s, wide, NULL, 0, grab, &w, &e);
  if (test_db_server()) {
    assert_int_equal(wrc, AVN_E_STATE);
    assert_int_equal(w.rows, 0);
    assert_non_null(strstr(e.rule, "more than 64 columns"));
  } else {
    assert_int_equal(wrc, AVN_OK);
  }
  store_close(s);
  test_db_drop(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain_and_null),
      cmocka_unit_test(test_escapes),
      cmocka_unit_test(test_too_many),
      cmocka_unit_test(test_typed_rows),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
