/*
** csv_table.c: CSV file -> named text columns (see csv_table.h).
**
** Layout: `text` is one arena of NUL-terminated cell strings; offset 0 holds
** the empty string, so every empty cell shares it. `cell[r * ncol + c]` is
** the arena offset of row r, column c (row-major, the order libcsv delivers
** fields). While the header is being read the fields go to the same arena
** and their offsets to `hdr`.
**
** libcsv calls field_cb per field and row_cb at each end of record. The
** callbacks cannot abort the parse, so the first error is recorded in the
** reader state and later callbacks do nothing; the driver checks the state
** after every block and stops.
*/
#include "interop/csv_table.h"

#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"

struct csv_table {
  size_t ncol, nrow;
  char *text;          /* arena of cell strings */
  size_t text_len, text_cap;
  uint32_t *hdr;       /* ncol offsets of the column names */
  uint32_t *cell;      /* nrow * ncol offsets */
  size_t cell_cap;     /* capacity of cell, in entries */
};

typedef struct reader {
  csv_table *t;
  const char *label;
  avn_rc rc;
  avn_err *e;
  bool in_header;
  size_t hdr_n, hdr_cap;   /* fields seen in the header */
  size_t field;            /* fields seen in the current data row */
} reader;

enum { ARENA_MIN = 1 << 16, READ_BLOCK = 1 << 16 };

/* Appends len bytes + NUL to the arena, returning the offset in *off. */
static avn_rc arena_put(csv_table *t, const char *s, size_t len, uint32_t *off) {
  if (len == 0) {
    *off = 0;
    return AVN_OK;
  }
  size_t need = t->text_len + len + 1;
  if (need > UINT32_MAX) return AVN_E_NOMEM;
  if (need > t->text_cap) {
    size_t cap = t->text_cap ? t->text_cap : ARENA_MIN;
    while (cap < need) cap *= 2;
    if (cap > AVN_MEM_CAP) cap = need > AVN_MEM_CAP ? need : AVN_MEM_CAP;
    char *p = avn_realloc(t->text, cap);
    if (!p) return AVN_E_NOMEM;
    t->text = p;
    t->text_cap = cap;
  }
  memcpy(t->text + t->text_len, s, len);
  t->text[t->text_len + len] = '\0';
  *off = (uint32_t)t->text_len;
  t->text_len = need;
  return AVN_OK;
}

static void field_cb(void *s, size_t len, void *data) {
  reader *r = data;
  csv_table *t = r->t;
  uint32_t off = 0;
  if (r->rc) return;
  const char *str = s ? s : "";
  if (r->in_header) {
    if (r->hdr_n == 0 && len >= 3 && !memcmp(str, "\xEF\xBB\xBF", 3)) {
      str += 3;
      len -= 3;
    }
    if (r->hdr_n == r->hdr_cap) {
      size_t cap = r->hdr_cap ? 2 * r->hdr_cap : 16;
      uint32_t *p = avn_reallocarray(t->hdr, cap, sizeof *p);
      if (!p) {
        r->rc = avn_fail(r->e, AVN_E_NOMEM, r->label, NULL, "out of memory reading the header");
        return;
      }
      t->hdr = p;
      r->hdr_cap = cap;
    }
    /* cells are NUL-terminated strings: a NUL inside one would silently cut
    ** it ("2\0 2" read as 2) */
    if (memchr(str, '\0', len)) {
      r->rc = avn_fail(r->e, AVN_E_PARSE, r->label, NULL,
                       "the header field %zu contains a NUL byte", r->hdr_n + 1);
      return;
    }
    if (arena_put(t, str, len, &off)) {
      r->rc = avn_fail(r->e, AVN_E_NOMEM, r->label, NULL, "out of memory reading the header");
      return;
    }
    t->hdr[r->hdr_n++] = off;
    return;
  }
  if (r->field >= t->ncol) {
    r->field++;   /* counted, reported at the end of the row */
    return;
  }
  size_t idx = t->nrow * t->ncol + r->field;
  if (idx >= t->cell_cap) {
    size_t cap = t->cell_cap ? 2 * t->cell_cap : 1024 * t->ncol;
    uint32_t *p = avn_reallocarray(t->cell, cap, sizeof *p);
    if (!p) {
      r->rc = avn_fail(r->e, AVN_E_NOMEM, r->label, NULL, "out of memory at data row %zu",
                       t->nrow + 1);
      return;
    }
    t->cell = p;
    t->cell_cap = cap;
  }
  if (memchr(str, '\0', len)) {
    r->rc = avn_fail(r->e, AVN_E_PARSE, t->text + t->hdr[r->field], NULL,
                     "the cell in data row %zu (file %s) contains a NUL byte", t->nrow + 1,
                     r->label);
    return;
  }
  if (arena_put(t, str, len, &off)) {
    r->rc = avn_fail(r->e, AVN_E_NOMEM, r->label, NULL, "out of memory at data row %zu",
                     t->nrow + 1);
    return;
  }
  t->cell[idx] = off;
  r->field++;
}

static void header_done(reader *r) {
  csv_table *t = r->t;
  t->ncol = r->hdr_n;
  for (size_t c = 0; c < t->ncol; c++) {
    const char *name = t->text + t->hdr[c];
    if (name[0] == '\0') {
      r->rc = avn_fail(r->e, AVN_E_PARSE, r->label, NULL,
                       "header: column %zu has no name (a header row naming every column is required)",
                       c + 1);
      return;
    }
    for (size_t d = 0; d < c; d++) {
      if (!strcmp(name, t->text + t->hdr[d])) {
        r->rc = avn_fail(r->e, AVN_E_PARSE, r->label, name,
                         "header: duplicate column name (columns %zu and %zu)", d + 1, c + 1);
        return;
      }
    }
  }
}

static void row_cb(int ch, void *data) {
  reader *r = data;
  (void)ch;
  if (r->rc) return;
  if (r->in_header) {
    r->in_header = false;
    header_done(r);
    return;
  }
  csv_table *t = r->t;
  if (r->field != t->ncol) {
    r->rc = avn_fail(r->e, AVN_E_PARSE, r->label, NULL,
                     "data row %zu has %zu fields but the header has %zu columns",
                     t->nrow + 1, r->field, t->ncol);
    return;
  }
  t->nrow++;
  r->field = 0;
}

static void *csv_realloc_hook(void *p, size_t n) { return avn_realloc(p, n); }
static void csv_free_hook(void *p) { avn_free(p); }

/* Feeds one source to libcsv. next() returns the next block (len 0 = end). */
typedef size_t (*block_fn)(void *src, char *buf, size_t cap, int *ioerr);

static avn_rc stream_any(block_fn next, void *src, const char *label, const csv_sink *k,
                         avn_err *e) {
  avn_rc rc = AVN_OK;
  struct csv_parser p;
  bool p_init = false;
  char *buf = avn_malloc(READ_BLOCK);
  if (!buf || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
    rc = avn_fail(e, AVN_E_NOMEM, label, NULL, "out of memory");
    goto cleanup;
  }
  p_init = true;
  csv_set_realloc_func(&p, csv_realloc_hook);
  csv_set_free_func(&p, csv_free_hook);
  for (;;) {
    int ioerr = 0;
    size_t n = next(src, buf, READ_BLOCK, &ioerr);
    if (ioerr) {
      rc = avn_fail(e, AVN_E_IO, label, NULL, "read error: %s", strerror(ioerr));
      goto cleanup;
    }
    if (n == 0) break;
    if (csv_parse(&p, buf, n, k->field, k->row, k->ctx) != n && !*k->rc) {
      if (csv_error(&p) == CSV_ENOMEM || csv_error(&p) == CSV_ETOOBIG)
        *k->rc = avn_fail(e, AVN_E_NOMEM, label, NULL, "out of memory near data row %zu",
                          *k->nrow + 1);
      else
        *k->rc = avn_fail(e, AVN_E_PARSE, label, NULL, "malformed CSV near data row %zu: %s",
                          *k->nrow + 1, csv_strerror(csv_error(&p)));
    }
    if (*k->rc) {
      rc = *k->rc;
      goto cleanup;
    }
  }
  if (csv_fini(&p, k->field, k->row, k->ctx) != 0 && !*k->rc)
    *k->rc = avn_fail(e, AVN_E_PARSE, label, NULL, "malformed CSV at the end (unterminated quote?)");
  rc = *k->rc;

cleanup:
  if (p_init) csv_free(&p);
  avn_free(buf);
  return rc;
}

static size_t file_block(void *src, char *buf, size_t cap, int *ioerr) {
  FILE *f = src;
  size_t n = fread(buf, 1, cap, f);
  if (n == 0 && ferror(f)) *ioerr = errno ? errno : EIO;
  return n;
}

typedef struct mem_src {
  const char *p;
  size_t left;
} mem_src;

static size_t mem_block(void *src, char *buf, size_t cap, int *ioerr) {
  mem_src *m = src;
  size_t n = m->left < cap ? m->left : cap;
  (void)ioerr;
  memcpy(buf, m->p, n);
  m->p += n;
  m->left -= n;
  return n;
}

avn_rc csv_stream_file(const char *path, const csv_sink *k, avn_err *e) {
  FILE *f = fopen(path, "rb");
  if (!f) return avn_fail(e, AVN_E_IO, "--data", path, "cannot open: %s", strerror(errno));
  avn_rc rc = stream_any(file_block, f, path, k, e);
  fclose(f);
  return rc;
}

avn_rc csv_stream_mem(const char *data, size_t len, const char *label, const csv_sink *k,
                      avn_err *e) {
  mem_src m = {data, len};
  return stream_any(mem_block, &m, label, k, e);
}

/* A csv_table from a stream already open (path or memory). */
static avn_rc read_table(const char *path, const char *data, size_t len, const char *label,
                         csv_table **out, avn_err *e) {
  avn_rc rc = AVN_OK;
  csv_table *t = NULL;
  reader r = {0};

  *out = NULL;
  t = avn_calloc(1, sizeof *t);
  /* offset 0 = the shared empty string */
  if (t) t->text = avn_malloc(ARENA_MIN);
  if (!t || !t->text) {
    rc = avn_fail(e, AVN_E_NOMEM, label, NULL, "out of memory");
    goto cleanup;
  }
  t->text_cap = ARENA_MIN;
  t->text[0] = '\0';
  t->text_len = 1;
  r.t = t;
  r.label = label;
  r.e = e;
  r.in_header = true;
  csv_sink k = {field_cb, row_cb, &r, &r.rc, &t->nrow};
  rc = path ? csv_stream_file(path, &k, e) : csv_stream_mem(data, len, label, &k, e);
  if (rc) goto cleanup;
  if (r.in_header || t->ncol == 0) {
    rc = avn_fail(e, AVN_E_PARSE, label, NULL, "empty file: a header row is required");
    goto cleanup;
  }
  *out = t;
  t = NULL;

cleanup:
  csv_table_free(t);
  return rc;
}

avn_rc csv_table_read_file(const char *path, csv_table **out, avn_err *e) {
  return read_table(path, NULL, 0, path, out, e);
}

avn_rc csv_table_read_mem(const char *data, size_t len, const char *label,
                          csv_table **out, avn_err *e) {
  return read_table(NULL, data, len, label ? label : "csv", out, e);
}

void csv_table_free(csv_table *t) {
  if (!t) return;
  avn_free(t->text);
  avn_free(t->hdr);
  avn_free(t->cell);
  avn_free(t);
}

size_t csv_table_ncol(const csv_table *t) { return t->ncol; }
size_t csv_table_nrow(const csv_table *t) { return t->nrow; }

const char *csv_table_name(const csv_table *t, size_t col) {
  return col < t->ncol ? t->text + t->hdr[col] : "";
}

avn_rc csv_table_find(const csv_table *t, const char *name, size_t *col, avn_err *e) {
  for (size_t c = 0; c < t->ncol; c++) {
    if (!strcmp(name, t->text + t->hdr[c])) {
      *col = c;
      return AVN_OK;
    }
  }
  avn_buf b;
  avn_buf_init(&b, 300);
  for (size_t c = 0; c < t->ncol; c++) {
    if (avn_buf_printf(&b, "%s%s", c ? ", " : "", t->text + t->hdr[c])) break;
  }
  avn_rc rc = avn_fail(e, AVN_E_UNKNOWN, name, NULL,
                       "no such column in the data (columns: %s)", avn_buf_str(&b));
  avn_buf_free(&b);
  return rc;
}

const char *csv_table_cell(const csv_table *t, size_t row, size_t col) {
  return t->text + t->cell[row * t->ncol + col];
}

bool csv_table_missing(const csv_table *t, size_t row, size_t col) {
  const char *s = csv_table_cell(t, row, col);
  return s[0] == '\0' || !strcmp(s, "NA");
}

/* Clinger's fast path: a plain decimal ("-12.345", no exponent) whose
** digits, point dropped, make a whole number w < 2^53 with at most 22
** places is w / 10^places, both exact in a double, so one IEEE division
** rounds correctly: the same double strtod() returns, without its
** locale and big-number machinery. false: not that shape, use strtod. */
static bool fast_decimal(const char *s, double *x) {
  static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                               1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  bool neg = *s == '-';
  if (*s == '-' || *s == '+') s++;
  uint64_t w = 0;
  int digits = 0, places = -1;   /* places: -1 until the point */
  for (;; s++) {
    if (*s >= '0' && *s <= '9') {
      if (w > ((UINT64_C(1) << 53) - 10) / 10) return false;   /* w * 10 + 9 must stay below 2^53 */
      w = w * 10 + (uint64_t)(*s - '0');
      digits++;
      if (places >= 0) places++;
    } else if (*s == '.' && places < 0) {
      places = 0;
    } else {
      break;
    }
  }
  while (*s == ' ' || *s == '\t') s++;
  if (*s != '\0' || digits == 0 || places > 22) return false;
  double v = places > 0 ? (double)w / p10[places] : (double)w;
  *x = neg ? -v : v;
  return true;
}

bool csv_parse_double(const char *s, double *x) {
  while (*s == ' ' || *s == '\t') s++;
  if (fast_decimal(s, x)) return true;
  const char *q = s;
  if (*q == '+' || *q == '-') q++;
  /* only decimal syntax: a digit or a point must come next (no inf, nan, 0x) */
  if (!(isdigit((unsigned char)*q) || *q == '.')) return false;
  if (q[0] == '0' && (q[1] == 'x' || q[1] == 'X')) return false;
  char *end = NULL;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s) return false;
  while (*end == ' ' || *end == '\t') end++;
  if (*end != '\0') return false;
  if (!isfinite(v)) return false;
  *x = v;
  return true;
}

avn_rc csv_table_number(const csv_table *t, size_t row, size_t col, double *x,
                        bool *missing, avn_err *e) {
  const char *s = csv_table_cell(t, row, col);
  *missing = false;
  if (s[0] == '\0' || !strcmp(s, "NA")) {
    *missing = true;
    *x = NAN;
    return AVN_OK;
  }
  if (!csv_parse_double(s, x))
    return avn_fail(e, AVN_E_TYPE, csv_table_name(t, col), s,
                    "not a number (data row %zu); missing values must be empty or NA",
                    row + 1);
  return AVN_OK;
}

avn_rc csv_table_numeric(const csv_table *t, size_t col, double *x, size_t *n_missing,
                         avn_err *e) {
  size_t miss = 0;
  for (size_t r = 0; r < t->nrow; r++) {
    bool m = false;
    avn_rc rc = csv_table_number(t, r, col, &x[r], &m, e);
    if (rc) return rc;
    miss += m;
  }
  *n_missing = miss;
  return AVN_OK;
}

bool csv_table_is_numeric(const csv_table *t, size_t col) {
  size_t seen = 0;
  for (size_t r = 0; r < t->nrow; r++) {
    if (csv_table_missing(t, r, col)) continue;
    double x;
    if (!csv_parse_double(csv_table_cell(t, r, col), &x)) return false;
    seen++;
  }
  return seen > 0;
}

/* ---- exact decimal differences ------------------------------------------ */

/* A decimal number as sign * digits * 10^exp (digits without leading zeros,
** at most DEC_MAX of them). */
enum { DEC_MAX = 80 };
typedef struct dec {
  bool neg;
  char d[DEC_MAX + 1];   /* ASCII digits, most significant first */
  size_t nd;
  long exp;
} dec;

/* Parses the decimal syntax csv_parse_double accepts, exactly; false when
** it has more digits than DEC_MAX or a huge exponent. */
static bool dec_parse(const char *s, dec *x) {
  memset(x, 0, sizeof *x);
  while (*s == ' ' || *s == '\t') s++;
  if (*s == '+' || *s == '-') x->neg = *s++ == '-';
  bool point = false;
  for (; isdigit((unsigned char)*s) || (*s == '.' && !point); s++) {
    if (*s == '.') {
      point = true;
      continue;
    }
    if (x->nd == 0 && *s == '0') {
      if (point) x->exp--;
      continue;
    }
    if (x->nd == DEC_MAX) return false;
    x->d[x->nd++] = *s;
    if (point) x->exp--;
  }
  if (*s == 'e' || *s == 'E') {
    char *end = NULL;
    long e = strtol(s + 1, &end, 10);
    if (e > 400 || e < -400) return false;
    x->exp += e;
    s = end;
  }
  return true;
}

/* |a| - |b| for digit strings aligned at exponent e (both padded), into out
** (ASCII, no sign), assuming |a| >= |b|. */
static void dig_sub(const char *a, const char *b, size_t n, char *out) {
  int borrow = 0;
  for (size_t i = n; i-- > 0;) {
    int v = (a[i] - '0') - (b[i] - '0') - borrow;
    borrow = v < 0;
    out[i] = (char)('0' + (v < 0 ? v + 10 : v));
  }
}

static void dig_add(const char *a, const char *b, size_t n, char *out /* n + 1 */) {
  int carry = 0;
  for (size_t i = n; i-- > 0;) {
    int v = (a[i] - '0') + (b[i] - '0') + carry;
    carry = v >= 10;
    out[i + 1] = (char)('0' + v % 10);
  }
  out[0] = (char)('0' + carry);
}

/* a - b exactly, rounded once to double; false when either has too many
** digits or too wide a span for the fixed buffers. */
static bool dec_diff(const dec *a, const dec *b, double *out) {
  enum { W = 2 * DEC_MAX + 2 };
  char pa[W + 1], pb[W + 1], r[W + 2];
  long lo = a->exp < b->exp ? a->exp : b->exp;
  long top_a = a->exp + (long)a->nd, top_b = b->exp + (long)b->nd;
  long hi = top_a > top_b ? top_a : top_b;
  if (hi - lo > W - 1) return false;
  size_t n = (size_t)(hi - lo);
  if (n == 0) {
    *out = 0.0;
    return true;
  }
  memset(pa, '0', n);
  memset(pb, '0', n);
  memcpy(pa + (hi - top_a), a->d, a->nd);
  memcpy(pb + (hi - top_b), b->d, b->nd);
  pa[n] = pb[n] = '\0';
  bool neg;
  size_t len;
  if (a->neg != b->neg) {   /* a - b = sign(a) (|a| + |b|) */
    dig_add(pa, pb, n, r);
    neg = a->neg;
    len = n + 1;
  } else {
    bool a_big = memcmp(pa, pb, n) >= 0;
    dig_sub(a_big ? pa : pb, a_big ? pb : pa, n, r);
    neg = a_big ? a->neg : !a->neg;
    len = n;
  }
  char txt[W + 40];
  int k = snprintf(txt, sizeof txt, "%s%.*se%ld", neg ? "-" : "", (int)len, r, lo);
  if (k < 0 || (size_t)k >= sizeof txt) return false;
  *out = strtod(txt, NULL);
  return true;
}

bool csv_decimal_diff(const char *a, const char *b, double *out) {
  dec x, y;
  return dec_parse(a, &x) && dec_parse(b, &y) && dec_diff(&x, &y, out);
}
