/*
** doc.c: the report as a document (see doc.h): building it, checking its
** ids and writing every output under one directory.
**
** Building: every add copies its strings (made valid UTF-8) and appends to
** an array that doubles when full, so n adds cost O(n). A failed allocation
** sets d->nomem and the add does nothing; functions given a NULL section
** or table (an earlier add that failed) do nothing, and rsec_figure frees
** the figure it cannot keep. rdoc_write reports AVN_E_NOMEM once.
**
** Writing (rdoc_write): first every check, so a refused document writes
** nothing: memory, then ids (sections, tables and figures each form their
** own namespace, since "responders" is both a table and a figure; an id is
** [a-z0-9_-]{1,64} and unique in its namespace; found by sorting, O(n log
** n)). Then DIR, DIR/tables and DIR/figures are made (mkdir -p), then
** tables/ID.csv, figures/ID.svg|png|pdf, report.html and report.pdf. Each
** figure is drawn four times: SVG once (kept for the HTML and ID.svg), PNG,
** PDF and inside report.pdf. Files are replaced: text files through
** NAME.tmp and rename(), cairo's files in place.
*/
#include "report/doc.h"
#include "report/doc_int.h"
#include "report/figure_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dir.h"
#include "core/mem.h"

/* ------------------------------------------------------------------ */
/* building                                                            */

/* Grows *arr (of *cap elements of size sz) to hold n+1. */
rdoc *rdoc_new(const char *title, const char *subtitle) {
  rdoc *d = avn_calloc(1, sizeof *d);
  if (!d) return NULL;
  d->title = rfig_strdup_text(title);
  d->subtitle = rfig_strdup_text(subtitle);
  if (!d->title || !d->subtitle) {
    rdoc_free(d);
    return NULL;
  }
  return d;
}

static void table_free(rtable *t) {
  if (!t) return;
  avn_free(t->id);
  avn_free(t->caption);
  if (t->header)
    for (size_t j = 0; j < t->ncols; j++) avn_free(t->header[j]);
  avn_free(t->header);
  for (size_t i = 0; i < t->nrows * t->ncols; i++) avn_free(t->cells[i]);
  avn_free(t->cells);
  avn_free(t->group);
  for (size_t i = 0; i < t->n_notes; i++) avn_free(t->notes[i]);
  avn_free(t->notes);
  avn_free(t);
}

void rdoc_free(rdoc *d) {
  if (!d) return;
  for (size_t i = 0; i < d->n_secs; i++) {
    rsec *s = d->secs[i];
    for (size_t k = 0; k < s->n_items; k++) {
      ritem *it = &s->items[k];
      avn_free(it->text);
      avn_free(it->id);
      avn_free(it->caption);
      table_free(it->table);
      rfig_free(it->fig);
    }
    avn_free(s->items);
    avn_free(s->id);
    avn_free(s->title);
    avn_free(s);
  }
  avn_free(d->secs);
  avn_free(d->title);
  avn_free(d->subtitle);
  avn_free(d);
}

rsec *rdoc_section(rdoc *d, const char *id, const char *title) {
  if (!d) return NULL;
  rsec *s = avn_calloc(1, sizeof *s);
  if (!s) goto nomem;
  s->doc = d;
  s->id = rfig_strdup_text(id);
  s->title = rfig_strdup_text(title);
  if (!s->id || !s->title) goto nomem;
  if (avn_grow((void **)&d->secs, &d->cap_secs, d->n_secs, sizeof *d->secs)) goto nomem;
  d->secs[d->n_secs++] = s;
  return s;
nomem:
  d->nomem = true;
  if (s) {
    avn_free(s->id);
    avn_free(s->title);
    avn_free(s);
  }
  return NULL;
}

/* A new zeroed item at the end of s, or NULL (nomem recorded). */
static ritem *add_item(rsec *s, ritem_kind kind) {
  if (avn_grow((void **)&s->items, &s->cap_items, s->n_items, sizeof *s->items)) {
    s->doc->nomem = true;
    return NULL;
  }
  ritem *it = &s->items[s->n_items];
  memset(it, 0, sizeof *it);
  it->kind = kind;
  return it;
}

static void add_text(rsec *s, ritem_kind kind, const char *text) {
  char *c = rfig_strdup_text(text);
  if (!c) {
    s->doc->nomem = true;
    return;
  }
  ritem *it = add_item(s, kind);
  if (!it) {
    avn_free(c);
    return;
  }
  it->text = c;
  s->n_items++;
}

/* A printf result from the heap, or NULL. */
static char *vformat(const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) return NULL;
  char *s = avn_malloc((size_t)n + 1);
  if (!s) return NULL;
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  return s;
}

void rsec_heading(rsec *s, const char *text) {
  if (s) add_text(s, RIT_HEADING, text);
}

/* A paragraph or a notice, formatted. */
static void add_vtext(rsec *s, ritem_kind kind, const char *fmt, va_list ap) {
  char *t = vformat(fmt, ap);
  if (!t) {
    s->doc->nomem = true;
    return;
  }
  add_text(s, kind, t);
  avn_free(t);
}

void rsec_para(rsec *s, const char *fmt, ...) {
  if (!s) return;
  va_list ap;
  va_start(ap, fmt);
  add_vtext(s, RIT_PARA, fmt, ap);
  va_end(ap);
}

void rsec_missing(rsec *s, const char *fmt, ...) {
  if (!s) return;
  va_list ap;
  va_start(ap, fmt);
  add_vtext(s, RIT_MISSING, fmt, ap);
  va_end(ap);
}

rtable *rsec_table(rsec *s, const char *id, const char *caption, size_t ncols,
                   const char *const *header) {
  if (!s) return NULL;
  rtable *t = avn_calloc(1, sizeof *t);
  if (!t) goto nomem;
  t->doc = s->doc;
  t->ncols = ncols ? ncols : 1;
  t->id = rfig_strdup_text(id);
  t->caption = rfig_strdup_text(caption);
  t->header = avn_calloc(t->ncols, sizeof *t->header);
  if (!t->id || !t->caption || !t->header) goto nomem;
  for (size_t j = 0; j < t->ncols; j++) {
    t->header[j] = rfig_strdup_text(header && j < ncols ? header[j] : "");
    if (!t->header[j]) goto nomem;
  }
  ritem *it = add_item(s, RIT_TABLE);
  if (!it) goto nomem;
  it->table = t;
  s->n_items++;
  return t;
nomem:
  s->doc->nomem = true;
  table_free(t);
  return NULL;
}

/* Room for one more row; false (nomem recorded) if none. */
static bool table_grow(rtable *t) {
  if (t->nrows < t->cap_rows) return true;
  size_t cap = t->cap_rows ? 2 * t->cap_rows : 16;
  if (cap > SIZE_MAX / t->ncols) goto nomem;
  char **cells = avn_reallocarray(t->cells, cap * t->ncols, sizeof *cells);
  if (!cells) goto nomem;
  t->cells = cells;
  bool *g = avn_reallocarray(t->group, cap, sizeof *g);
  if (!g) goto nomem;
  t->group = g;
  t->cap_rows = cap;
  return true;
nomem:
  t->doc->nomem = true;
  return false;
}

void rtable_row(rtable *t, const char *const *cells) {
  if (!t || !table_grow(t)) return;
  char **row = &t->cells[t->nrows * t->ncols];
  for (size_t j = 0; j < t->ncols; j++) {
    row[j] = rfig_strdup_text(cells ? cells[j] : "");
    if (!row[j]) {
      for (size_t k = 0; k < j; k++) avn_free(row[k]);
      t->doc->nomem = true;
      return;
    }
  }
  t->group[t->nrows++] = false;
}

void rtable_group(rtable *t, const char *label) {
  if (!t || !table_grow(t)) return;
  char **row = &t->cells[t->nrows * t->ncols];
  row[0] = rfig_strdup_text(label);
  if (!row[0]) {
    t->doc->nomem = true;
    return;
  }
  for (size_t j = 1; j < t->ncols; j++) row[j] = NULL;
  t->group[t->nrows++] = true;
}

void rtable_note(rtable *t, const char *fmt, ...) {
  if (!t) return;
  va_list ap;
  va_start(ap, fmt);
  char *raw = vformat(fmt, ap);
  va_end(ap);
  char *c = raw ? rfig_strdup_text(raw) : NULL;
  avn_free(raw);
  if (!c || avn_grow((void **)&t->notes, &t->cap_notes, t->n_notes, sizeof *t->notes)) {
    avn_free(c);
    t->doc->nomem = true;
    return;
  }
  t->notes[t->n_notes++] = c;
}

void rsec_figure(rsec *s, const char *id, const char *caption, rfig *f) {
  if (!s) {
    rfig_free(f);
    return;
  }
  if (!f) { /* the figure's constructor failed */
    s->doc->nomem = true;
    return;
  }
  char *cid = rfig_strdup_text(id);
  char *ccap = rfig_strdup_text(caption);
  ritem *it = (cid && ccap) ? add_item(s, RIT_FIGURE) : NULL;
  if (!it) {
    s->doc->nomem = true;
    avn_free(cid);
    avn_free(ccap);
    rfig_free(f);
    return;
  }
  it->id = cid;
  it->caption = ccap;
  it->fig = f;
  s->n_items++;
}

const char *rtable_cell(const rtable *t, size_t r, size_t j) {
  const char *c = t->cells[r * t->ncols + j];
  return c ? c : "";
}

static bool looks_numeric(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  if (*p == '(') p++;
  if (*p == '<' || *p == '>' || *p == '-' || *p == '+' || *p == '.') p++;
  else if (strncmp((const char *)p, "\xE2\x88\x92", 3) == 0) p += 3; /* U+2212 */
  else if (strncmp((const char *)p, "\xE2\x89\xA4", 3) == 0 ||       /* U+2264 */
           strncmp((const char *)p, "\xE2\x89\xA5", 3) == 0)         /* U+2265 */
    p += 3;
  while (*p == ' ') p++;
  if (!(*p >= '0' && *p <= '9')) return false;
  /* "14.8 (12.5 to 17.1)" is a number; "3 months" is a label */
  int letters = 0;
  for (; *p; p++)
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) letters++;
  return letters <= 2;
}

bool rtable_numeric_col(const rtable *t, size_t j) {
  if (j == 0) return false;
  size_t num = 0, text = 0;
  for (size_t r = 0; r < t->nrows; r++) {
    if (t->group[r]) continue;
    const char *c = rtable_cell(t, r, j);
    /* dashes and NA are neutral */
    if (!*c || strcmp(c, "-") == 0 || strcmp(c, "\xE2\x80\x93") == 0 ||
        strcmp(c, "\xE2\x80\x94") == 0 || strcmp(c, "NA") == 0)
      continue;
    if (looks_numeric(c)) num++;
    else text++;
  }
  return num > 0 && num >= text;
}

/* ------------------------------------------------------------------ */
/* checks                                                              */

static bool id_ok(const char *id) {
  size_t n = 0;
  for (const char *p = id; *p; p++, n++) {
    char c = *p;
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return n >= 1 && n <= 64;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ids: n ids of one kind; refuses a bad or repeated one. Sorts ids. */
static avn_rc check_ids(const char **ids, size_t n, const char *what, avn_err *e) {
  for (size_t i = 0; i < n; i++)
    if (!id_ok(ids[i]))
      return avn_fail(e, AVN_E_PARSE, what, ids[i],
                      "an id names a file: 1 to 64 characters from a-z, 0-9, '_' and '-'");
  qsort(ids, n, sizeof *ids, cmp_str);
  for (size_t i = 1; i < n; i++)
    if (strcmp(ids[i - 1], ids[i]) == 0)
      return avn_fail(e, AVN_E_EXISTS, what, ids[i],
                      "duplicate: each %s must be unique in the document", what);
  return AVN_OK;
}

static avn_rc check_doc(const rdoc *d, size_t n_tab, size_t n_fig, avn_err *e) {
  avn_rc rc = AVN_OK;
  const char **sec = avn_calloc(d->n_secs ? d->n_secs : 1, sizeof *sec);
  const char **tab = avn_calloc(n_tab ? n_tab : 1, sizeof *tab);
  const char **fig = avn_calloc(n_fig ? n_fig : 1, sizeof *fig);
  if (!sec || !tab || !fig) {
    rc = avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory while checking the report's ids");
    goto cleanup;
  }
  size_t nt = 0, nf = 0;
  for (size_t i = 0; i < d->n_secs; i++) {
    const rsec *s = d->secs[i];
    sec[i] = s->id;
    for (size_t k = 0; k < s->n_items; k++) {
      const ritem *it = &s->items[k];
      if (it->kind == RIT_TABLE) tab[nt++] = it->table->id;
      if (it->kind == RIT_FIGURE) {
        fig[nf++] = it->id;
        if (it->fig->nomem) {
          rc = avn_fail(e, AVN_E_NOMEM, "figure id", it->id,
                        "out of memory while building the figure");
          goto cleanup;
        }
      }
    }
  }
  rc = check_ids(sec, d->n_secs, "section id", e);
  if (rc) goto cleanup;
  rc = check_ids(tab, nt, "table id", e);
  if (rc) goto cleanup;
  rc = check_ids(fig, nf, "figure id", e);
cleanup:
  avn_free(sec);
  avn_free(tab);
  avn_free(fig);
  return rc;
}

/* ------------------------------------------------------------------ */
/* files                                                               */

avn_rc rdoc_write_file(const char *path, const char *data, size_t len, avn_err *e) {
  avn_rc rc = AVN_OK;
  avn_buf tmp;
  avn_buf_init(&tmp, 0);
  FILE *fp = NULL;
  rc = avn_buf_printf(&tmp, "%s.tmp", path);
  if (rc) return avn_fail(e, rc, NULL, NULL, "out of memory");
  fp = fopen(avn_buf_str(&tmp), "wb");
  if (!fp) {
    rc = avn_fail(e, AVN_E_IO, "file", avn_buf_str(&tmp), "could not be opened: %s",
                  strerror(errno));
    goto cleanup;
  }
  size_t wrote = len ? fwrite(data, 1, len, fp) : 0;
  int err = (wrote != len) ? errno : 0;
  if (fclose(fp) != 0 && !err) err = errno ? errno : EIO;
  fp = NULL;
  if (wrote != len || err) {
    rc = avn_fail(e, AVN_E_IO, "file", path, "could not be written: %s", strerror(err ? err : EIO));
    remove(avn_buf_str(&tmp));
    goto cleanup;
  }
  if (rename(avn_buf_str(&tmp), path) != 0) {
    rc = avn_fail(e, AVN_E_IO, "file", path, "could not be replaced: %s", strerror(errno));
    remove(avn_buf_str(&tmp));
  }
cleanup:
  if (fp) fclose(fp);
  avn_buf_free(&tmp);
  return rc;
}

static avn_rc join(avn_buf *b, const char *dir, const char *sub, const char *id, const char *ext) {
  avn_buf_reset(b);
  return avn_buf_printf(b, "%s/%s%s%s%s", dir, sub, *sub ? "/" : "", id, ext);
}

avn_rc rdoc_write(const rdoc *d, const char *dir, avn_err *e) {
  avn_rc rc = AVN_OK;
  avn_buf path;
  avn_buf_init(&path, 0);
  avn_buf *svgs = NULL;
  size_t n_tab = 0, n_fig = 0, done = 0;
  if (!d || d->nomem)
    return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory while building the report");
  for (size_t i = 0; i < d->n_secs; i++)
    for (size_t k = 0; k < d->secs[i]->n_items; k++) {
      n_tab += d->secs[i]->items[k].kind == RIT_TABLE;
      n_fig += d->secs[i]->items[k].kind == RIT_FIGURE;
    }
  rc = check_doc(d, n_tab, n_fig, e);
  if (rc) goto cleanup;
  svgs = avn_calloc(n_fig ? n_fig : 1, sizeof *svgs);
  if (!svgs) {
    rc = avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
    goto cleanup;
  }
  for (size_t i = 0; i < n_fig; i++) avn_buf_init(&svgs[i], 0);

  rc = avn_mkdir_p(dir, e);
  if (rc) goto cleanup;
  rc = join(&path, dir, "", "tables", "");
  if (!rc) rc = avn_mkdir_p(avn_buf_str(&path), e);
  if (rc) goto cleanup;
  rc = join(&path, dir, "", "figures", "");
  if (!rc) rc = avn_mkdir_p(avn_buf_str(&path), e);
  if (rc) goto cleanup;

  for (size_t i = 0; i < d->n_secs; i++) {
    const rsec *s = d->secs[i];
    for (size_t k = 0; k < s->n_items; k++) {
      const ritem *it = &s->items[k];
      if (it->kind == RIT_TABLE) {
        rc = join(&path, dir, "tables", it->table->id, ".csv");
        if (rc) goto nomem;
        rc = rdoc_write_csv(it->table, avn_buf_str(&path), e);
        if (rc) goto cleanup;
      } else if (it->kind == RIT_FIGURE) {
        avn_buf *svg = &svgs[done++];
        rc = rfig_svg(it->fig, svg, e);
        if (rc) goto cleanup;
        rc = join(&path, dir, "figures", it->id, ".svg");
        if (rc) goto nomem;
        {
          avn_buf file;
          avn_buf_init(&file, 0);
          rc = avn_buf_puts(&file, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
          if (!rc) rc = avn_buf_append(&file, avn_buf_str(svg), svg->len);
          if (rc) {
            avn_buf_free(&file);
            goto nomem;
          }
          rc = rdoc_write_file(avn_buf_str(&path), avn_buf_str(&file), file.len, e);
          avn_buf_free(&file);
          if (rc) goto cleanup;
        }
        rc = join(&path, dir, "figures", it->id, ".png");
        if (rc) goto nomem;
        rc = rfig_write(it->fig, avn_buf_str(&path), e);
        if (rc) goto cleanup;
        rc = join(&path, dir, "figures", it->id, ".pdf");
        if (rc) goto nomem;
        rc = rfig_write(it->fig, avn_buf_str(&path), e);
        if (rc) goto cleanup;
      }
    }
  }
  rc = join(&path, dir, "", "report", ".html");
  if (rc) goto nomem;
  rc = rdoc_write_html(d, svgs, avn_buf_str(&path), e);
  if (rc) goto cleanup;
  rc = join(&path, dir, "", "report", ".pdf");
  if (rc) goto nomem;
  rc = rdoc_write_pdf(d, avn_buf_str(&path), e);
  if (rc) goto cleanup;
  rc = join(&path, dir, "", "report", ".xlsx");
  if (rc) goto nomem;
  rc = rdoc_write_xlsx(d, avn_buf_str(&path), e);
  goto cleanup;
nomem:
  rc = avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory while writing the report");
cleanup:
  if (svgs)
    for (size_t i = 0; i < n_fig; i++) avn_buf_free(&svgs[i]);
  avn_free(svgs);
  avn_buf_free(&path);
  return rc;
}
