/*
** web_i18n.c: the interface's language. English, or Arabic (right to left)
** when the request asks for it: ?lang=ar on any page, else the avn_lang
** cookie that GET /lang?to=ar sets (the browser's choice, kept for a
** year). The words are web_strings.def's; web_page_begin writes lang= and
** dir= on <html> from web_lang(). Lookups are a linear scan of a few dozen
** constant strings per call: cheaper than the page around them.
*/
#include <stdio.h>
#include <string.h>

#include "web/web_int.h"

typedef struct web_string {
  const char *en, *ar;
} web_string;

static const web_string strings[] = {
#define WEB_STRING(en, ar) {en, ar},
#include "web/web_strings.def"
#undef WEB_STRING
};

const char *web_lang(const web_req *q) {
  char v[8];
  const char *arg = q->conn ? web_arg(q, "lang") : NULL;
  if (arg) return !strcmp(arg, "ar") ? "ar" : "en";
  if (q->cookies && web_cookie_get(q->cookies, "avn_lang", v, sizeof v) && !strcmp(v, "ar")) return "ar";
  return "en";
}

bool web_rtl(const web_req *q) { return !strcmp(web_lang(q), "ar"); }

const char *web_t(const web_req *q, const char *en) {
  if (!web_rtl(q)) return en;
  for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
    if (!strcmp(strings[i].en, en)) return strings[i].ar;
  return en;
}

size_t web_strings_count(void) { return sizeof strings / sizeof strings[0]; }

/* GET /lang?to=ar|en[&back=/path]: remembers the choice in a cookie. */
void web_page_lang(web_req *q, web_resp *r) {
  const char *to = web_arg(q, "to"), *back = web_arg(q, "back");
  bool ar = to && !strcmp(to, "ar");
  snprintf(r->cookie, sizeof r->cookie, "avn_lang=%s; Path=/; Max-Age=31536000; SameSite=Strict%s", ar ? "ar" : "en",
           q->app->tls ? "; Secure" : "");
  /* Back to a local page only (an open redirect would be a phishing aid). */
  if (back && back[0] == '/' && back[1] != '/' && !strpbrk(back, "\r\n\\"))
    web_redirect(r, "%s", back);
  else
    web_redirect(r, "/");
}
