/*
** buf.c: the growable buffer (see buf.h). Growth doubles capacity, so n
** appends cost O(total length).
*/
#include "core/buf.h"
#include "core/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void avn_buf_init(avn_buf *b, size_t limit) {
  b->data = NULL;
  b->len = b->cap = 0;
  b->limit = limit ? limit : AVN_MEM_CAP;
}

static avn_rc buf_reserve(avn_buf *b, size_t extra) {
  if (extra > b->limit || b->len > b->limit - extra) return AVN_E_NOMEM;
  size_t need = b->len + extra + 1;
  if (need <= b->cap) return AVN_OK;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need) cap *= 2;
  char *p = avn_realloc(b->data, cap);
  if (!p) return AVN_E_NOMEM;
  b->data = p;
  b->cap = cap;
  return AVN_OK;
}

avn_rc avn_buf_append(avn_buf *b, const char *s, size_t n) {
  avn_rc rc = buf_reserve(b, n);
  if (rc) return rc;
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
  return AVN_OK;
}

avn_rc avn_buf_puts(avn_buf *b, const char *s) {
  return avn_buf_append(b, s, strlen(s));
}

avn_rc avn_buf_printf(avn_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return AVN_E_PARSE;
  avn_rc rc = buf_reserve(b, (size_t)n);
  if (rc) return rc;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return AVN_OK;
}

const char *avn_buf_str(const avn_buf *b) { return b->data ? b->data : ""; }

void avn_buf_reset(avn_buf *b) {
  b->len = 0;
  if (b->data) b->data[0] = '\0';
}

void avn_buf_free(avn_buf *b) {
  avn_free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

char *avn_buf_take(avn_buf *b) {
  char *p = b->data;
  if (!p) p = avn_strdup("");
  b->data = NULL;
  b->len = b->cap = 0;
  return p;
}
