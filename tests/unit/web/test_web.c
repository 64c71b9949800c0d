/*
** test_web.c: the web server's own parsing and its sessions. Expected
** values worked by hand: percent-decoding per RFC 3986 2.1 and the
** application/x-www-form-urlencoded rules of the HTML standard ('+' is a
** space); "é" is C3 A9 in UTF-8; the back-off doubles from 1 s to 60 s.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "web/web.h"
#include "web/web_auth.h"
#include "web/web_parse.h"
#include "web/web_int.h"

static void parse_ok(const char *body, web_form *f) {
  avn_err e;
  assert_int_equal(web_form_parse(body, strlen(body), f, &e), AVN_OK);
}

static void parse_refused(const char *body, const char *rule) {
  web_form f;
  avn_err e;
  avn_err_clear(&e);
  assert_int_equal(web_form_parse(body, strlen(body), &f, &e), AVN_E_PARSE);
  assert_non_null(strstr(e.rule, rule));
  assert_int_equal(f.n, 0);
}

static void test_form(void **s) {
  (void)s;
  web_form f;
  parse_ok("a=1&b=x+y%21&c&&d=%3Cb%3E%c3%a9", &f);
  assert_int_equal(f.n, 4);
  assert_string_equal(web_form_get(&f, "a"), "1");
  assert_string_equal(web_form_get(&f, "b"), "x y!");
  assert_string_equal(web_form_get(&f, "c"), "");
  assert_string_equal(web_form_get(&f, "d"), "<b>\xc3\xa9");
  assert_null(web_form_get(&f, "e"));
  web_form_free(&f);
  parse_ok("", &f);
  assert_int_equal(f.n, 0);
  web_form_free(&f);
  parse_ok("k=a%3Db%26c", &f);   /* '=' and '&' inside a value */
  assert_string_equal(web_form_get(&f, "k"), "a=b&c");
  web_form_free(&f);
  parse_refused("a=%zz", "two hex digits");
  parse_refused("a=%4", "two hex digits");
  parse_refused("a=%", "two hex digits");
  parse_refused("a=%00", "NUL");
  parse_refused("=1", "field name");
  char many[2000] = "";
  for (int i = 0; i < WEB_FORM_MAX_FIELDS + 1; i++) strcat(many, "x=1&");
  parse_refused(many, "more than 256 fields");
}

static void test_cookie(void **s) {
  (void)s;
  char v[8];
  assert_true(web_cookie_get("x=1; avn_session=abc ; y=2", "avn_session", v, sizeof v));
  assert_string_equal(v, "abc");
  assert_true(web_cookie_get("avn_session=q", "avn_session", v, sizeof v));
  assert_string_equal(v, "q");
  assert_false(web_cookie_get("avn_sessionx=1; x=2", "avn_session", v, sizeof v));
  assert_false(web_cookie_get("avn_session=", "avn_session", v, sizeof v));
  assert_false(web_cookie_get("avn_session=12345678", "avn_session", v, sizeof v));   /* 8 + NUL > 8 */
  assert_false(web_cookie_get("", "avn_session", v, sizeof v));
}

static void test_escape(void **s) {
  (void)s;
  avn_buf b;
  avn_buf_init(&b, 1024);
  assert_int_equal(web_html_escape(&b, "<a href=\"x\">'&</a> ok"), AVN_OK);
  assert_string_equal(avn_buf_str(&b), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&lt;/a&gt; ok");
  avn_buf_reset(&b);
  assert_int_equal(web_url_encode(&b, "P 1/\xc3\xa9~a-b_c.d"), AVN_OK);
  assert_string_equal(avn_buf_str(&b), "P%201%2F%C3%A9~a-b_c.d");
  avn_buf_free(&b);
  assert_true(web_is_hex("0a9f", 4));
  assert_false(web_is_hex("0A9F", 4));
  assert_false(web_is_hex("0a9", 4));
  assert_false(web_is_hex("0a9f0", 4));
}

static void test_loopback(void **s) {
  (void)s;
  assert_true(web_is_loopback("127.0.0.1"));
  assert_true(web_is_loopback("127.8.9.10"));
  assert_true(web_is_loopback("::1"));
  assert_false(web_is_loopback("0.0.0.0"));
  assert_false(web_is_loopback("10.0.0.1"));
  assert_false(web_is_loopback("::"));
  assert_false(web_is_loopback("localhost"));
}

static void test_sessions(void **s) {
  (void)s;
  web_auth *a = NULL;
  char sid[WEB_TOKEN_HEX + 1], wrong[WEB_TOKEN_HEX + 1];
  int wait = 0;
  web_principal p;
  assert_int_equal(web_auth_create("nurse", 60, &a, NULL), AVN_OK);
  const char *token = web_auth_token(a);
  assert_true(web_is_hex(token, WEB_TOKEN_HEX));
  snprintf(wrong, sizeof wrong, "%s", token);
  wrong[0] = wrong[0] == '0' ? '1' : '0';
  /* back-off: 1, 2, 4, 8, 16, 32, then 60 s */
  double t = 1000, delays[] = {1, 2, 4, 8, 16, 32, 60, 60};
  for (size_t i = 0; i < sizeof delays / sizeof delays[0]; i++) {
    assert_int_equal(web_auth_login(a, wrong, "10.0.0.1", t, sid, &wait), WEB_LOGIN_REFUSED);
    assert_int_equal(web_auth_login(a, token, "10.0.0.1", t + delays[i] - 0.01, sid, &wait), WEB_LOGIN_WAIT);
    t += delays[i];
  }
  assert_int_equal(web_auth_login(a, NULL, "10.0.0.1", t, sid, &wait), WEB_LOGIN_REFUSED);
  t += 60;   /* the ninth failure waits 60 s too */
  assert_int_equal(web_auth_login(a, token, "10.0.0.1", t, sid, &wait), WEB_LOGIN_OK);
  assert_true(web_is_hex(sid, WEB_TOKEN_HEX));
  assert_true(web_auth_session(a, sid, t + 59, &p));   /* renewed at t + 59 */
  assert_string_equal(p.user, "nurse");
  assert_true(web_auth_csrf_ok(&p, p.csrf));
  assert_false(web_auth_csrf_ok(&p, wrong));
  assert_false(web_auth_csrf_ok(&p, NULL));
  assert_false(web_auth_session(a, wrong, t + 60, &p));
  assert_true(web_auth_session(a, sid, t + 118, &p));
  assert_false(web_auth_session(a, sid, t + 178.5, &p));   /* idle 60.5 s */
  assert_false(web_auth_session(a, sid, t + 179, &p));      /* and gone */
  assert_int_equal(web_auth_login(a, token, "10.0.0.1", t + 200, sid, &wait), WEB_LOGIN_OK);
  web_auth_logout(a, sid);
  assert_false(web_auth_session(a, sid, t + 201, &p));
  web_auth_free(a);
}

/* The back-off is per user name and per address, each its own count:
**   t=0    nora fails from A      nora: 1 failure, wait until 1; A: until 1
**   t=0.5  ada from B             neither key has failed: allowed
**          ada from A             A waits (0.5 s left, rounded up to 1)
**          nora from B            nora waits
**   t=1    nora fails from B      nora: 2 failures, until 1+2 = 3; B: until 2
**          ada from A             A's wait is over: allowed
**   t=2.5  nora from C            nora still waits (until 3)
**          ada opens a session    ada's count is reset; A's is kept */
static void test_backoff_keys(void **s) {
  (void)s;
  web_auth *a = NULL;
  int wait = 0;
  assert_int_equal(web_auth_create("nurse", 60, &a, NULL), AVN_OK);
  web_auth_failed(a, "nora", "10.0.0.1", 0);
  assert_int_equal(web_auth_gate(a, "ada", "10.0.0.2", 0.5, &wait), WEB_LOGIN_OK);
  assert_int_equal(web_auth_gate(a, "ada", "10.0.0.1", 0.5, &wait), WEB_LOGIN_WAIT);
  assert_int_equal(wait, 1);
  assert_int_equal(web_auth_gate(a, "nora", "10.0.0.2", 0.5, &wait), WEB_LOGIN_WAIT);
  assert_int_equal(web_auth_gate(a, "nora", "10.0.0.2", 1, &wait), WEB_LOGIN_OK);
  web_auth_failed(a, "nora", "10.0.0.2", 1);
  assert_int_equal(web_auth_gate(a, "ada", "10.0.0.1", 1, &wait), WEB_LOGIN_OK);
  assert_int_equal(web_auth_gate(a, "nora", "10.0.0.3", 2.5, &wait), WEB_LOGIN_WAIT);
  assert_int_equal(wait, 1);
  assert_int_equal(web_auth_gate(a, "nora", "10.0.0.3", 3, &wait), WEB_LOGIN_OK);
  assert_int_equal(web_auth_gate(a, "ada", "10.0.0.2", 1.5, &wait), WEB_LOGIN_WAIT);   /* B until 2 */
  web_auth_free(a);
}

/* A questionnaire link: one use, a life in seconds, only its hash kept. */
static void test_survey_links(void **s) {
  (void)s;
  web_surveys *t = NULL;
  char a[WEB_TOKEN_HEX + 1], b[WEB_TOKEN_HEX + 1];
  assert_int_equal(web_surveys_create(&t, NULL), AVN_OK);
  web_survey_add(t, "P001", "m1", "dora", "", false, 100, 60, a);   /* lives until 100 + 60 = 160 */
  assert_true(web_is_hex(a, WEB_TOKEN_HEX));
  assert_true(web_survey_live(t, a, 159.9));
  assert_false(web_survey_live(t, a, 160));
  web_survey_add(t, "P001", "m3", "dora", "", true, 100, 600, b);
  assert_string_not_equal(a, b);
  assert_true(web_survey_live(t, b, 101));
  web_survey_spend(t, b, 101);
  assert_false(web_survey_live(t, b, 102));                           /* single use */
  a[0] = a[0] == '0' ? '1' : '0';
  assert_false(web_survey_live(t, a, 101));                           /* one digit off */
  assert_false(web_survey_live(t, "abc", 101));
  assert_false(web_survey_live(t, NULL, 101));
  web_surveys_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_form),     cmocka_unit_test(test_cookie),   cmocka_unit_test(test_escape),
      cmocka_unit_test(test_loopback), cmocka_unit_test(test_sessions), cmocka_unit_test(test_backoff_keys), cmocka_unit_test(test_survey_links),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
