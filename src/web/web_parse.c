/*
** web_parse.c: form bodies, cookies, tokens and HTML escaping (web_parse.h).
** Every loop is bounded by the input length; nothing here allocates more
** than the input's size plus the pair table.
*/
#include "web/web_parse.h"

#include <string.h>

#include "core/mem.h"

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes s[0..n) into a new string; NULL when malformed (*why says why). */
static char *url_decode(const char *s, size_t n, const char **why) {
  char *out = avn_malloc(n + 1);
  size_t o = 0;
  if (!out) {
    *why = "out of memory";
    return NULL;
  }
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '+') {
      c = ' ';
    } else if (c == '%') {
      int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
      int lo = hi >= 0 ? hexval(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        *why = "a '%' must be followed by two hex digits";
        avn_free(out);
        return NULL;
      }
      c = (char)(hi * 16 + lo);
      i += 2;
    }
    if (c == '\0') {
      *why = "a NUL byte is not allowed";
      avn_free(out);
      return NULL;
    }
    out[o++] = c;
  }
  out[o] = '\0';
  return out;
}

void web_form_free(web_form *f) {
  if (!f) return;
  for (size_t i = 0; i < f->n; i++) {
    avn_free(f->name[i]);
    avn_free(f->value[i]);
  }
  avn_free(f->name);
  avn_free(f->value);
  memset(f, 0, sizeof *f);
}

avn_rc web_form_parse(const char *body, size_t len, web_form *out, avn_err *e) {
  avn_rc rc = AVN_OK;
  web_form f = {0};
  const char *why = NULL;
  memset(out, 0, sizeof *out);
  f.name = avn_calloc(WEB_FORM_MAX_FIELDS, sizeof *f.name);
  f.value = avn_calloc(WEB_FORM_MAX_FIELDS, sizeof *f.value);
  if (!f.name || !f.value) {
    rc = avn_fail(e, AVN_E_NOMEM, "request body", NULL, "out of memory");
    goto cleanup;
  }
  size_t i = 0;
  while (i < len) {
    size_t end = i;
    while (end < len && body[end] != '&') end++;
    if (end > i) {   /* "a=1&&b=2": empty pairs are skipped, as browsers never send them */
      size_t eq = i;
      while (eq < end && body[eq] != '=') eq++;
      if (f.n == WEB_FORM_MAX_FIELDS) {
        rc = avn_fail(e, AVN_E_PARSE, "request body", NULL, "more than %d fields", WEB_FORM_MAX_FIELDS);
        goto cleanup;
      }
      if (eq == i || eq - i > 3 * WEB_FORM_MAX_NAME) {
        rc = avn_fail(e, AVN_E_PARSE, "request body", NULL, "a field name must have 1 to %d characters",
                      WEB_FORM_MAX_NAME);
        goto cleanup;
      }
      f.name[f.n] = url_decode(body + i, eq - i, &why);
      if (f.name[f.n] && strlen(f.name[f.n]) > WEB_FORM_MAX_NAME) why = "a field name is too long";
      f.value[f.n] = f.name[f.n] && !why ? url_decode(body + (eq < end ? eq + 1 : end),
                                                      end - (eq < end ? eq + 1 : end), &why) : NULL;
      f.n++;
      if (why) {
        rc = avn_fail(e, AVN_E_PARSE, "request body", NULL, "%s", why);
        goto cleanup;
      }
    }
    i = end + 1;
  }
  *out = f;
  f = (web_form){0};
cleanup:
  if (f.name) {
    web_form_free(&f);
  } else {
    avn_free(f.value);
  }
  return rc;
}

const char *web_form_get(const web_form *f, const char *name) {
  for (size_t i = 0; f && i < f->n; i++)
    if (strcmp(f->name[i], name) == 0) return f->value[i];
  return NULL;
}

bool web_cookie_get(const char *header, const char *name, char *out, size_t n) {
  size_t nl = strlen(name);
  const char *p = header;
  while (p && *p) {
    while (*p == ' ' || *p == '\t' || *p == ';') p++;
    const char *end = strchr(p, ';');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
      size_t vl = len - nl - 1;
      while (vl > 0 && (p[nl + 1 + vl - 1] == ' ' || p[nl + 1 + vl - 1] == '\t')) vl--;
      if (vl == 0 || vl >= n) return false;
      memcpy(out, p + nl + 1, vl);
      out[vl] = '\0';
      return true;
    }
    p = end;
  }
  return false;
}

bool web_is_hex(const char *s, size_t len) {
  if (!s) return false;
  for (size_t i = 0; i < len; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
  return s[len] == '\0';
}

avn_rc web_html_escape(avn_buf *b, const char *s) {
  avn_rc rc = AVN_OK;
  const char *run = s;
  if (!s) return AVN_OK;
  for (; *s && !rc; s++) {
    const char *ent = NULL;
    switch (*s) {
      case '&': ent = "&amp;"; break;
      case '<': ent = "&lt;"; break;
      case '>': ent = "&gt;"; break;
      case '"': ent = "&quot;"; break;
      case '\'': ent = "&#39;"; break;
      default: break;
    }
    if (!ent) continue;
    rc = avn_buf_append(b, run, (size_t)(s - run));
    if (!rc) rc = avn_buf_puts(b, ent);
    run = s + 1;
  }
  if (!rc) rc = avn_buf_append(b, run, strlen(run));
  return rc;
}

avn_rc web_url_encode(avn_buf *b, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  avn_rc rc = AVN_OK;
  for (; s && *s && !rc; s++) {
    unsigned char c = (unsigned char)*s;
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      rc = avn_buf_append(b, (const char *)&c, 1);
    } else {
      char t[3] = {'%', hex[c >> 4], hex[c & 15]};
      rc = avn_buf_append(b, t, 3);
    }
  }
  return rc;
}
