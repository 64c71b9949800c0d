/*
** pg_copy.c: PostgreSQL's COPY text format, one row at a time (see
** pg_copy.h and the server's manual, COPY, "Text Format").
**
** A row is its columns joined by tabs; a column's tab, newline, carriage
** return and backslash are written as \t \n \r \\, and SQL NULL as \N. The
** server writes only those (and \b \f \v); the octal and hex forms are
** read too, as the manual defines them. Unescaping only ever shortens a
** column, so it is done in the line's own buffer: no allocation, O(len).
*/
#include "store/pg_copy.h"

#include <string.h>

static int hex_digit(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

/* Unescapes one column, s[0 .. n), in place; returns its new length. */
static size_t unescape(char *s, size_t n) {
  char *w = memchr(s, '\\', n);
  if (!w) return n;   /* most columns: nothing to undo */
  const char *r = w, *end = s + n;
  while (r < end) {
    if (*r != '\\' || r + 1 == end) {   /* a lone final backslash stays */
      *w++ = *r++;
      continue;
    }
    char ch = r[1];
    r += 2;
    switch (ch) {
    case 'b': *w++ = '\b'; break;
    case 'f': *w++ = '\f'; break;
    case 'n': *w++ = '\n'; break;
    case 'r': *w++ = '\r'; break;
    case 't': *w++ = '\t'; break;
    case 'v': *w++ = '\v'; break;
    case 'x':
      if (r < end && hex_digit(*r) >= 0) {
        int v = hex_digit(*r++);
        if (r < end && hex_digit(*r) >= 0) v = v * 16 + hex_digit(*r++);
        *w++ = (char)v;
      } else {
        *w++ = 'x';
      }
      break;
    default:
      if (ch >= '0' && ch <= '7') {
        int v = ch - '0';
        for (int k = 0; k < 2 && r < end && *r >= '0' && *r <= '7'; k++) v = v * 8 + (*r++ - '0');
        *w++ = (char)v;
      } else {
        *w++ = ch;
      }
    }
  }
  return (size_t)(w - s);
}

int pg_copy_split(char *line, size_t len, char **cols, int max) {
  if (len > 0 && line[len - 1] == '\n') len--;
  char *p = line, *end = line + len;
  int n = 0;
  for (;;) {
    char *tab = memchr(p, '\t', (size_t)(end - p));
    char *stop = tab ? tab : end;
    if (n == max) return -1;
    size_t k = (size_t)(stop - p);
    if (k == 2 && p[0] == '\\' && p[1] == 'N') {
      cols[n++] = NULL;
    } else {
      p[unescape(p, k)] = '\0';   /* stop is a tab or the '\n'/NUL after the row: writable */
      cols[n++] = p;
    }
    if (!tab) break;
    p = tab + 1;
  }
  return n;
}
