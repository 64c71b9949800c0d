/*
** text.c: identifier and text validation (see text.h).
*/
#include "core/text.h"

#include <ctype.h>
#include <glib.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The value as it can be shown in a message: control bytes and bytes that
** are not UTF-8 as \xNN, cut at 60 bytes. */
static void printable(const char *v, char *out, size_t n) {
  size_t w = 0;
  bool utf8 = g_utf8_validate(v, -1, NULL);
  for (const unsigned char *p = (const unsigned char *)v; *p && w + 8 < n && p - (const unsigned char *)v < 60; p++) {
    if (*p < 0x20 || *p == 0x7f || (!utf8 && *p >= 0x80)) w += (size_t)snprintf(out + w, n - w, "\\x%02x", *p);
    else out[w++] = (char)*p;
  }
  out[w] = '\0';
}

static avn_rc refuse(avn_err *e, avn_rc rc, const char *field, const char *v, const char *rule) {
  char shown[256];
  printable(v, shown, sizeof shown);
  return avn_fail(e, rc, field, shown, "%s", rule);
}

static avn_rc check_id(const char *field, const char *v, avn_err *e) {
  size_t n = strlen(v);
  bool ok = n >= 1 && n <= AVN_ID_MAX && isalnum((unsigned char)v[0]);
  for (size_t i = 0; ok && i < n; i++) {
    unsigned char c = (unsigned char)v[i];
    ok = c < 0x80 && (isalnum(c) || c == '-' || c == '_' || c == '.');
  }
  if (ok) return AVN_OK;
  return refuse(e, n ? AVN_E_PARSE : AVN_E_REQUIRED, field, v,
                "an identifier is 1-32 characters: ASCII letters, digits, '-', '_' or '.', "
                "starting with a letter or a digit (no spaces)");
}

avn_rc avn_text_check(const char *field, const char *v, avn_text_kind kind, size_t max, avn_err *e) {
  if (!v) v = "";
  if (kind == AVN_TEXT_ID) return check_id(field, v, e);
  if (kind == AVN_TEXT_USER) max = AVN_USER_MAX;
  else if (kind == AVN_TEXT_REASON || !max) max = AVN_LINE_MAX;
  size_t n = strlen(v);
  if (n > max) {
    char rule[96];
    snprintf(rule, sizeof rule, "must be at most %zu bytes (this is %zu)", max, n);
    return refuse(e, AVN_E_RANGE, field, v, rule);
  }
  if (!g_utf8_validate(v, (gssize)n, NULL))
    return refuse(e, AVN_E_PARSE, field, v, "must be valid UTF-8 text");
  for (const char *p = v; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f))
      return refuse(e, AVN_E_PARSE, field, v, "must be one line without control characters (tab, line break ...)");
  }
  if (kind != AVN_TEXT_LINE) {
    bool blank = true;
    for (const char *p = v; *p && blank; p = g_utf8_next_char(p)) blank = g_unichar_isspace(g_utf8_get_char(p));
    if (blank)
      return refuse(e, AVN_E_REQUIRED, field, v,
                    kind == AVN_TEXT_USER ? "a user name must not be empty or only spaces"
                                          : "a reason must say why: not empty, not only spaces");
  }
  return AVN_OK;
}

void avn_id_key(const char *id, char *out, size_t n) {
  size_t i = 0;
  for (; id[i] && i + 1 < n; i++) out[i] = (char)toupper((unsigned char)id[i]);
  out[i] = '\0';
}
