/*
** web_html.c: the page frame and the HTML helpers every page uses
** (web_int.h). Stored strings reach a page only through web_text, which
** escapes them; web_raw is for the page's own markup.
*/
#include <stdarg.h>
#include <stdio.h>

#include "core/mem.h"
#include "web/web_int.h"

void web_text(web_resp *r, const char *s) { web_html_escape(&r->body, s); }

void web_raw(web_resp *r, const char *fmt, ...) {
  char small[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof small) {
    avn_buf_append(&r->body, small, (size_t)n);
    return;
  }
  char *big = avn_malloc((size_t)n + 1);
  if (!big) return;
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  avn_buf_append(&r->body, big, (size_t)n);
  avn_free(big);
}

void web_url(web_resp *r, const char *s) { web_url_encode(&r->body, s); }

void web_csrf_field(web_resp *r, const web_req *q) {
  web_raw(r, "<input type=\"hidden\" name=\"csrf\" value=\"");
  web_text(r, q->who.csrf);
  web_raw(r, "\">");
}

void web_page_begin(web_resp *r, const web_req *q, const char *title) {
  bool rtl = web_rtl(q);
  r->rtl = rtl;
  web_raw(r, "<!DOCTYPE html><html lang=\"%s\" dir=\"%s\"><head>", rtl ? "ar" : "en", rtl ? "rtl" : "ltr");
  web_raw(r, "<meta charset=\"utf-8\">"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
             "<link rel=\"stylesheet\" href=\"/static/avn.css\"><script src=\"/static/avn.js\" defer></script><title>");
  web_text(r, title);
  web_raw(r, " · avn</title></head><body><header><a class=\"brand\" href=\"/\">avn</a>");
  if (q->who.user) {
    const protocol *p = store_protocol(q->app->s);
    web_raw(r, "<span class=\"study\">");
    web_text(r, p->title ? p->title : p->name);
    web_raw(r, "</span><nav><a href=\"/\">%s</a> <a href=\"/screen\">%s</a> <a href=\"/reports\">%s</a></nav>"
               "<form class=\"logout\" method=\"post\" action=\"/logout\">",
            web_t(q, "Dashboard"), web_t(q, "Screen"), web_t(q, "Reports"));
    web_csrf_field(r, q);
    web_raw(r, "<span>");
    web_text(r, q->who.user);
    web_raw(r, "</span> <button>%s</button></form>", web_t(q, "Log out"));
  }
  /* The other language, back to this page. */
  web_raw(r, "<a class=\"lang\" id=\"lang\" href=\"/lang?to=%s&amp;back=", rtl ? "en" : "ar");
  web_url(r, q->path ? q->path : "/");
  web_raw(r, "\">%s</a>", rtl ? "English" : "العربية");
  web_raw(r, "</header><main>");
}

void web_page_end(web_resp *r) { web_raw(r, "</main></body></html>\n"); }

void web_error_page(web_resp *r, const web_req *q, unsigned status, const char *msg) {
  avn_buf_reset(&r->body);
  r->status = status;
  r->ctype = NULL;
  web_page_begin(r, q, "Error");
  web_raw(r, "<h1>%u</h1><p class=\"error\">", status);
  web_text(r, msg);
  web_raw(r, "</p>");
  if (status == 401) web_raw(r, "<p><a href=\"/login\">Log in</a></p>");
  web_page_end(r);
}

void web_redirect(web_resp *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->location, sizeof r->location, fmt, ap);
  va_end(ap);
  r->status = 303;
}

void web_redirect_patient(web_resp *r, const char *code) { web_redirect_under(r, "/patient/", code); }

void web_redirect_under(web_resp *r, const char *prefix, const char *code) {
  avn_buf loc;
  avn_buf_init(&loc, sizeof r->location - 1);
  avn_buf_puts(&loc, prefix);
  web_url_encode(&loc, code);
  web_redirect(r, "%s", avn_buf_str(&loc));
  avn_buf_free(&loc);
}
