/*
** fuzz_web.c: libFuzzer target for what `avn serve` parses itself
** (src/web/web_parse.c): any bytes as a form body either decode into pairs
** that round-trip through percent-encoding, or are refused with a message;
** as a Cookie header they yield a bounded cookie or none; escaped as HTML
** they contain no markup character. Never a crash, a leak or an
** out-of-bounds read (built with ASan + UBSan).
*/
#include <stdint.h>
#include <string.h>

#include "core/mem.h"
#include "web/web_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  web_form f;
  avn_err e;
  avn_buf b;
  avn_buf_init(&b, 16 * size + 64);
  if (web_form_parse((const char *)data, size, &f, &e) != AVN_OK) {
    if (!e.rule[0]) __builtin_trap();   /* a refusal always says why */
  } else {
    for (size_t i = 0; i < f.n; i++) {
      web_form g;
      if (!f.name[i][0] || strlen(f.name[i]) > WEB_FORM_MAX_NAME) __builtin_trap();
      if (web_form_get(&f, f.name[i]) == NULL) __builtin_trap();
      /* name=value encoded again decodes to the same pair */
      avn_buf_reset(&b);
      if (web_url_encode(&b, f.name[i]) || avn_buf_puts(&b, "=") || web_url_encode(&b, f.value[i])) __builtin_trap();
      if (web_form_parse(b.data, b.len, &g, &e) != AVN_OK || g.n != 1 || strcmp(g.name[0], f.name[i]) != 0 ||
          strcmp(g.value[0], f.value[i]) != 0)
        __builtin_trap();
      web_form_free(&g);
      avn_buf_reset(&b);
      if (web_html_escape(&b, f.value[i])) __builtin_trap();
      if (strpbrk(avn_buf_str(&b), "<>\"'")) __builtin_trap();
    }
    web_form_free(&f);
  }
  char *s = avn_strndup((const char *)data, size);   /* a header is text up to its NUL */
  char cookie[65];
  if (s && web_cookie_get(s, "avn_session", cookie, sizeof cookie)) {
    if (!cookie[0] || strlen(cookie) >= sizeof cookie || strchr(cookie, ';')) __builtin_trap();
    (void)web_is_hex(cookie, 64);
  }
  avn_free(s);
  avn_buf_free(&b);
  return 0;
}
