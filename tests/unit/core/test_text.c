/*
** test_text.c: identifier and text validation (core/text.h).
**
** Each case is the pattern or the UTF-8 definition (RFC 3629, section 4)
** applied by hand: which byte breaks which rule is written beside it.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/text.h"

static avn_rc id(const char *v) { return avn_text_check("id", v, AVN_TEXT_ID, 0, NULL); }

static void test_identifiers(void **unused) {
  (void)unused;
  assert_int_equal(id("S001"), AVN_OK);
  assert_int_equal(id("p-012_a.b"), AVN_OK);
  assert_int_equal(id("1"), AVN_OK);
  assert_int_equal(id("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"), AVN_OK);      /* 32 characters */
  assert_int_equal(id("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456"), AVN_E_PARSE); /* 33 */
  assert_int_equal(id(""), AVN_E_REQUIRED);
  assert_int_equal(id(" "), AVN_E_PARSE);
  assert_int_equal(id("S001 "), AVN_E_PARSE);                             /* trailing space */
  assert_int_equal(id("S001\xc2\xa0"), AVN_E_PARSE);                     /* U+00A0 no-break space */
  assert_int_equal(id("S\t1"), AVN_E_PARSE);
  assert_int_equal(id("-S1"), AVN_E_PARSE);                               /* must start alphanumeric */
  assert_int_equal(id("S/1"), AVN_E_PARSE);
  char k[40];
  avn_id_key("s0a1-x", k, sizeof k);
  assert_string_equal(k, "S0A1-X");
}

static avn_rc line(const char *v, avn_text_kind kind) { return avn_text_check("t", v, kind, 0, NULL); }

static void test_text(void **unused) {
  (void)unused;
  avn_err e;
  assert_int_equal(line("p\xc3\xa2tissi\xc3\xa8re", AVN_TEXT_LINE), AVN_OK);  /* patissiere with U+00E2, U+00E8 */
  assert_int_equal(line("", AVN_TEXT_LINE), AVN_OK);                           /* an optional text may be empty */
  assert_int_equal(line("cook\xff", AVN_TEXT_LINE), AVN_E_PARSE);              /* 0xFF never occurs in UTF-8 */
  assert_int_equal(line("\xc0\xaf", AVN_TEXT_LINE), AVN_E_PARSE);              /* overlong '/' */
  assert_int_equal(line("\xed\xa0\x80", AVN_TEXT_LINE), AVN_E_PARSE);          /* a UTF-16 surrogate, U+D800 */
  assert_int_equal(line("a\nb", AVN_TEXT_LINE), AVN_E_PARSE);
  assert_int_equal(line("a\tb", AVN_TEXT_LINE), AVN_E_PARSE);
  assert_int_equal(line("a\x7f", AVN_TEXT_LINE), AVN_E_PARSE);                 /* DEL */
  assert_int_equal(line("a\xc2\x85", AVN_TEXT_LINE), AVN_E_PARSE);             /* U+0085, a C1 control */
  assert_int_equal(line("   ", AVN_TEXT_LINE), AVN_OK);
  assert_int_equal(line("   ", AVN_TEXT_REASON), AVN_E_REQUIRED);
  assert_int_equal(line("\xe2\x80\x83", AVN_TEXT_REASON), AVN_E_REQUIRED);     /* U+2003 em space only */
  assert_int_equal(line("", AVN_TEXT_USER), AVN_E_REQUIRED);
  char big[1002];
  memset(big, 'a', sizeof big - 1);
  big[1001] = '\0';                                                            /* 1001 bytes */
  assert_int_equal(avn_text_check("--reason", big, AVN_TEXT_REASON, 0, &e), AVN_E_RANGE);
  assert_string_equal(e.rule, "must be at most 1000 bytes (this is 1001)");
  big[1000] = '\0';
  assert_int_equal(line(big, AVN_TEXT_REASON), AVN_OK);
  big[65] = '\0';
  assert_int_equal(line(big, AVN_TEXT_USER), AVN_E_RANGE);                     /* 65 > 64 */
  assert_int_equal(avn_text_check("x", "abcdef", AVN_TEXT_LINE, 5, NULL), AVN_E_RANGE);
  /* The refused value is shown printable. */
  assert_int_equal(avn_text_check("--user", "ann\nroot", AVN_TEXT_USER, 0, &e), AVN_E_PARSE);
  assert_string_equal(e.value, "ann\\x0aroot");
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_identifiers), cmocka_unit_test(test_text)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
