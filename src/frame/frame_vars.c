/*
** frame_vars.c: CSV file or study -> typed columns of the named variables
** (see frame_vars.h).
**
** Every source goes through frame_var_put(): one cell's text to its
** column's number, level code and (keep_text) text. The CSV reader here
** feeds it from libcsv's field callback, the study reader
** (frame_vars_study.c) from frame_next's cells written as the wide CSV
** export writes them; so both sources are one column builder. Arrays grow by doubling (avn_grow: realloc, which for large
** blocks remaps pages instead of copying).
**
** The CSV is streamed by interop's csv_stream (libcsv): the callbacks keep
** their first error in the reader state and ignore the rest.
*/
#include "frame/frame_vars.h"
#include "frame/frame_vars_int.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"
#include "interop/csv_table.h"

/* ---- one column ---------------------------------------------------------- */

static void var_clear(frame_var *x) {
  if (x->hash) g_hash_table_destroy(x->hash);
  for (size_t k = 0; k < x->nlev; k++) avn_free(x->level[k]);
  avn_free(x->level);
  avn_free(x->code);
  avn_free(x->name);
  avn_free(x->num);
  avn_free(x->bad_text);
  avn_free(x->text);
  avn_free(x->off);
  memset(x, 0, sizeof *x);
}

static avn_rc var_init(frame_var *x, const char *name, bool keep_text) {
  memset(x, 0, sizeof *x);
  x->name = avn_strdup(name);
  x->numeric = true;
  if (keep_text) {
    x->text = avn_malloc(1);
    if (x->text) x->text[0] = '\0';
    x->text_len = x->text_cap = 1;
  }
  return (!x->name || (keep_text && !x->text)) ? AVN_E_NOMEM : AVN_OK;
}


static bool is_missing(const char *s, size_t len) {
  return len == 0 || (len == 2 && s[0] == 'N' && s[1] == 'A');
}

/* The level code of the text s (NUL-terminated), added at first sight. */
static avn_rc var_code(frame_var *x, frame_var_cap *cap, const char *s, size_t len, uint32_t *code) {
  gpointer hit = g_hash_table_lookup(x->hash, s);
  if (hit) {
    *code = (uint32_t)(GPOINTER_TO_SIZE(hit) - 1);
    return AVN_OK;
  }
  if (x->nlev >= UINT32_MAX - 1 ||
      avn_grow((void **)&x->level, &cap->lev, x->nlev, sizeof *x->level))
    return AVN_E_NOMEM;
  char *t = avn_strndup(s, len);
  if (!t) return AVN_E_NOMEM;
  x->level[x->nlev++] = t;
  g_hash_table_insert(x->hash, t, GSIZE_TO_POINTER(x->nlev));
  *code = (uint32_t)(x->nlev - 1);
  return AVN_OK;
}

/* The column was numbers up to row x->nrow and its next cell is text: the
** rows so far get level codes from their numbers (written %.15g), and the
** numbers go. */
static avn_rc var_to_text(frame_var *x, frame_var_cap *cap) {
  x->hash = g_hash_table_new(g_str_hash, g_str_equal);
  if (!x->hash) return AVN_E_NOMEM;
  /* room for the rows so far at once (avn_grow adds one doubling per call) */
  size_t want = x->nrow < 8 ? 8 : x->nrow;
  x->code = avn_reallocarray(NULL, want, sizeof *x->code);
  if (!x->code) return AVN_E_NOMEM;
  cap->code = want;
  for (size_t r = 0; r < x->nrow; r++) {
    char buf[40];
    x->code[r] = FRAME_NA;
    if (isnan(x->num[r])) continue;
    int k = snprintf(buf, sizeof buf, "%.15g", x->num[r]);
    avn_rc rc = var_code(x, cap, buf, (size_t)k, &x->code[r]);
    if (rc) return rc;
  }
  x->numeric = false;
  avn_free(x->num);
  x->num = NULL;
  return AVN_OK;
}

/* Appends row x->nrow: s[len] is the cell's text, NUL-terminated. */
avn_rc frame_var_put(frame_var *x, frame_var_cap *cap, const char *s, size_t len) {
  size_t r = x->nrow;
  bool miss = is_missing(s, len);
  avn_rc rc = AVN_OK;
  if (x->numeric) {
    double v = NAN;
    if (miss || csv_parse_double(s, &v)) {
      if (avn_grow((void **)&x->num, &cap->num, r, sizeof *x->num)) return AVN_E_NOMEM;
      x->num[r] = v;
    } else {
      x->bad_row = r;
      x->bad_text = avn_strndup(s, len);
      if (!x->bad_text) return AVN_E_NOMEM;
      rc = var_to_text(x, cap);
      if (rc) return rc;
    }
  }
  if (!x->numeric) {
    if (avn_grow((void **)&x->code, &cap->code, r, sizeof *x->code)) return AVN_E_NOMEM;
    x->code[r] = FRAME_NA;
    if (!miss) rc = var_code(x, cap, s, len, &x->code[r]);
    if (rc) return rc;
  }
  if (x->text) {
    if (avn_grow((void **)&x->off, &cap->off, r, sizeof *x->off)) return AVN_E_NOMEM;
    uint32_t off = 0;
    if (!miss) {
      size_t need = x->text_len + len + 1;
      if (need > UINT32_MAX) return AVN_E_NOMEM;
      if (need > x->text_cap) {
        size_t c = 2 * x->text_cap;
        while (c < need) c *= 2;
        char *p = avn_realloc(x->text, c);
        if (!p) return AVN_E_NOMEM;
        x->text = p;
        x->text_cap = c;
      }
      memcpy(x->text + x->text_len, s, len + 1);
      off = (uint32_t)x->text_len;
      x->text_len = need;
    }
    x->off[r] = off;
  }
  x->n_present += !miss;
  x->nrow++;
  return AVN_OK;
}

/* After the last row: the hash is no longer needed; a column with no cell
** at all is not numeric (its cells are all missing: no codes either). */
avn_rc frame_var_done(frame_var *x, frame_var_cap *cap) {
  if (x->hash) g_hash_table_destroy(x->hash);
  x->hash = NULL;
  if (x->numeric && x->n_present == 0) {
    avn_rc rc = var_to_text(x, cap);
    g_hash_table_destroy(x->hash);
    x->hash = NULL;
    return rc;
  }
  return AVN_OK;
}

/* ---- the set --------------------------------------------------------------- */

void frame_vars_free(frame_vars *v) {
  if (!v) return;
  for (size_t j = 0; j < v->ncol; j++) avn_free(v->header[j]);
  avn_free(v->header);
  for (size_t j = 0; j < v->nvar; j++) var_clear(&v->var[j]);
  avn_free(v->var);
  avn_free(v);
}

avn_rc frame_vars_find(const frame_vars *v, const char *name, const frame_var **out, avn_err *e) {
  *out = NULL;
  for (size_t j = 0; j < v->nvar; j++) {
    if (!strcmp(v->var[j].name, name)) {
      if (v->var[j].released)
        return avn_fail(e, AVN_E_STATE, name, NULL, "the column's values were released (internal)");
      *out = &v->var[j];
      return AVN_OK;
    }
  }
  avn_buf b;
  avn_buf_init(&b, 300);
  bool in_header = false;
  for (size_t c = 0; c < v->ncol; c++) {
    in_header |= !strcmp(v->header[c], name);
    if (avn_buf_printf(&b, "%s%s", c ? ", " : "", v->header[c])) break;
  }
  avn_rc rc = in_header
                  ? avn_fail(e, AVN_E_UNKNOWN, name, NULL, "the column was not read (internal)")
                  : avn_fail(e, AVN_E_UNKNOWN, name, NULL, "no such column in the data (columns: %s)",
                             avn_buf_str(&b));
  avn_buf_free(&b);
  return rc;
}

void frame_vars_release(frame_vars *v, const char *name) {
  for (size_t j = 0; j < v->nvar; j++) {
    frame_var *x = &v->var[j];
    if (strcmp(x->name, name) || x->released) continue;
    char *keep = x->name;
    x->name = NULL;
    var_clear(x);
    x->name = keep;
    x->released = true;
  }
}

bool frame_var_missing(const frame_var *x, size_t row) {
  if (x->code) return x->code[row] == FRAME_NA;
  return isnan(x->num[row]);
}

const char *frame_var_text(const frame_var *x, size_t row, char *buf, size_t n) {
  if (x->code) return x->code[row] == FRAME_NA ? "" : x->level[x->code[row]];
  if (isnan(x->num[row])) return "";
  snprintf(buf, n, "%.15g", x->num[row]);
  return buf;
}

/* ---- reading: shared state -------------------------------------------------- */

avn_rc frame_vars_header_done(frame_vars_reader *r) {
  frame_vars *v = r->v;
  for (size_t c = 0; c < v->ncol; c++) {
    if (v->header[c][0] == '\0')
      return avn_fail(r->e, AVN_E_PARSE, v->label, NULL,
                      "header: column %zu has no name (a header row naming every column is required)",
                      c + 1);
    for (size_t d = 0; d < c; d++)
      if (!strcmp(v->header[c], v->header[d]))
        return avn_fail(r->e, AVN_E_PARSE, v->label, v->header[c],
                        "header: duplicate column name (columns %zu and %zu)", d + 1, c + 1);
  }
  r->slot = avn_malloc((v->ncol ? v->ncol : 1) * sizeof *r->slot);
  v->var = avn_calloc(v->ncol ? v->ncol : 1, sizeof *v->var);
  r->cap = avn_calloc(v->ncol ? v->ncol : 1, sizeof *r->cap);
  if (!r->slot || !v->var || !r->cap) return AVN_E_NOMEM;
  for (size_t c = 0; c < v->ncol; c++) {
    r->slot[c] = -1;
    if (r->o && r->o->wanted && !r->o->wanted(v->header[c], r->o->ctx)) continue;
    r->slot[c] = (int)v->nvar;
    if (var_init(&v->var[v->nvar++], v->header[c], r->o && r->o->keep_text)) return AVN_E_NOMEM;
  }
  return AVN_OK;
}

static void field_cb(void *s, size_t len, void *data) {
  frame_vars_reader *r = data;
  frame_vars *v = r->v;
  if (r->rc) return;
  const char *str = s ? s : "";
  if (memchr(str, '\0', len)) {
    r->rc = r->in_header
                ? avn_fail(r->e, AVN_E_PARSE, v->label, NULL,
                           "the header field %zu contains a NUL byte", v->ncol + 1)
                : avn_fail(r->e, AVN_E_PARSE, r->field < v->ncol ? v->header[r->field] : v->label,
                           NULL, "the cell in data row %zu (file %s) contains a NUL byte",
                           v->nrow + 1, v->label);
    return;
  }
  if (r->in_header) {
    if (v->ncol == 0 && len >= 3 && !memcmp(str, "\xEF\xBB\xBF", 3)) {
      str += 3;
      len -= 3;
    }
    char *name = avn_strndup(str, len);
    if (!name || avn_grow((void **)&v->header, &r->hdr_cap, v->ncol, sizeof *v->header)) {
      avn_free(name);
      r->rc = avn_fail(r->e, AVN_E_NOMEM, v->label, NULL, "out of memory reading the header");
      return;
    }
    v->header[v->ncol++] = name;
    return;
  }
  size_t f = r->field++;
  if (f >= v->ncol || r->slot[f] < 0) return;   /* extra fields are counted at the row's end */
  if (len + 1 > r->cell_cap) {
    size_t c = r->cell_cap ? r->cell_cap : 256;
    while (c < len + 1) c *= 2;
    char *p = avn_realloc(r->cell, c);
    if (!p) {
      r->rc = avn_fail(r->e, AVN_E_NOMEM, v->label, NULL, "out of memory at data row %zu", v->nrow + 1);
      return;
    }
    r->cell = p;
    r->cell_cap = c;
  }
  memcpy(r->cell, str, len);
  r->cell[len] = '\0';
  int k = r->slot[f];
  if (frame_var_put(&v->var[k], &r->cap[k], r->cell, len))
    r->rc = avn_fail(r->e, AVN_E_NOMEM, v->label, NULL, "out of memory at data row %zu", v->nrow + 1);
}

static void row_cb(int ch, void *data) {
  frame_vars_reader *r = data;
  frame_vars *v = r->v;
  (void)ch;
  if (r->rc) return;
  if (r->in_header) {
    r->in_header = false;
    r->rc = frame_vars_header_done(r);
    if (r->rc == AVN_E_NOMEM) avn_fail(r->e, AVN_E_NOMEM, v->label, NULL, "out of memory");
    return;
  }
  if (r->field != v->ncol) {
    r->rc = avn_fail(r->e, AVN_E_PARSE, v->label, NULL,
                     "data row %zu has %zu fields but the header has %zu columns", v->nrow + 1,
                     r->field, v->ncol);
    return;
  }
  v->nrow++;
  r->field = 0;
}

static avn_rc read_any(const char *path, const char *data, size_t len, const char *label,
                       const frame_vars_opts *o, frame_vars **out, avn_err *e) {
  avn_rc rc = AVN_OK;
  frame_vars_reader r = {0};

  *out = NULL;
  r.v = avn_calloc(1, sizeof *r.v);
  if (!r.v) return avn_fail(e, AVN_E_NOMEM, label, NULL, "out of memory");
  r.v->label = label;
  r.o = o;
  r.e = e;
  r.in_header = true;
  csv_sink k = {field_cb, row_cb, &r, &r.rc, &r.v->nrow};
  rc = path ? csv_stream_file(path, &k, e) : csv_stream_mem(data, len, label, &k, e);
  if (rc) goto cleanup;
  if (r.in_header || r.v->ncol == 0) {
    rc = avn_fail(e, AVN_E_PARSE, label, NULL, "empty file: a header row is required");
    goto cleanup;
  }
  for (size_t j = 0; j < r.v->nvar && !rc; j++) rc = frame_var_done(&r.v->var[j], &r.cap[j]);
  if (rc) {
    rc = avn_fail(e, AVN_E_NOMEM, label, NULL, "out of memory");
    goto cleanup;
  }
  *out = r.v;
  r.v = NULL;

cleanup:
  avn_free(r.slot);
  avn_free(r.cap);
  avn_free(r.cell);
  frame_vars_free(r.v);
  return rc;
}

avn_rc frame_vars_read_csv(const char *path, const frame_vars_opts *o, frame_vars **out,
                           avn_err *e) {
  return read_any(path, NULL, 0, path, o, out, e);
}

avn_rc frame_vars_read_mem(const char *data, size_t len, const char *label,
                           const frame_vars_opts *o, frame_vars **out, avn_err *e) {
  return read_any(NULL, data, len, label ? label : "csv", o, out, e);
}

