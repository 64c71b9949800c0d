/*
** doc_pdf.c: report.pdf, the document on A4 pages (cairo PDF surface,
** pango text).
**
** Page 1 carries the title, the subtitle and the contents (section titles
** with their page numbers, each a link to its section; the PDF outline
** lists the sections too). Sections then flow from page 2: numbered
** headings kept with what follows, paragraphs wrapped to the text width and
** broken between lines at a page end, notices ("Not computed: ...") in a
** tinted block with a vermillion bar, tables with booktabs rules (a heavy
** rule above and below, a light one under the header) split between rows
** across pages with the caption "(continued)" and the header repeated, and
** figures drawn by rfig_draw scaled to the text width (at most 1.25x, less
** when a tall figure must fit a page) with the caption under them. Every
** page has "Page N of M" at the foot and, after the first, the title at
** the head.
**
** Two passes: the first lays everything out on a 1x1 measuring surface
** without drawing (same fonts, metric hinting off, so the same line
** breaks) to learn the page count and each section's page; the second
** draws. Table columns: each column's natural width (widest cell on one
** line); when they do not fit, water-filling: columns narrower than an
** equal share keep their width, the rest share what is left and wrap.
** Cost: O(cells) text measurements per pass; figures are drawn once, in
** the second pass.
**
** rdoc_pdf_pages_png renders the same pages to PNG files instead (used by
** tests/tools/report_sample to look at the pages without a PDF viewer).
*/
#include "report/doc_int.h"
#include "report/figure_int.h"

#include <cairo-pdf.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"

#define PAGE_W 595.2756 /* A4, points */
#define PAGE_H 841.8898
#define ML 56.7         /* 20 mm */
#define MT 62.0
#define MB 62.0
#define CW (PAGE_W - 2 * ML)
#define BOTTOM (PAGE_H - MB)
#define FS_BODY 9.5
#define FS_H1 14.0
#define FS_H2 11.0
#define FS_TABLE 8.0
#define FS_NOTE 7.5
#define FS_CAPTION 8.5
#define CELL_PX 4.0
#define CELL_PY 2.0

typedef struct pdfw {
  const rdoc *d;
  bool draw;                /* second pass */
  cairo_surface_t *surf;    /* PDF surface, or the page image in PNG mode */
  cairo_t *cr;
  rtext t;                  /* body text */
  rtext ft;                 /* page furniture: its own layout, since a page
                            ** break can come while t's layout is in use */
  const char *png_prefix;   /* PNG mode: pages go to PREFIX-NNN.png */
  double y;                 /* top of the free space on the page */
  int page;
  int total;                /* page count (from the first pass) */
  int *sec_page;            /* each section's first page */
  avn_rc rc;                /* first failure (memory, cairo, file) */
  avn_err *e;
} pdfw;

/* ------------------------------------------------------------------ */
/* pages                                                               */

static void fail(pdfw *w, avn_rc rc, const char *what) {
  if (w->rc) return;
  w->rc = avn_fail(w->e, rc, "file", "report.pdf", "%s", what);
}

static void page_furniture(pdfw *w) {
  if (!w->draw) return;
  cairo_t *cr = w->cr;
  char buf[64];
  double tw, th;
  cairo_save(cr);
  cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
  rtext_font(&w->ft, 7.5, false);
  snprintf(buf, sizeof buf, "Page %d of %d", w->page, w->total);
  rtext_set(&w->ft, buf, -1, PANGO_ALIGN_LEFT);
  rtext_size(&w->ft, &tw, &th);
  rtext_show(&w->ft, (PAGE_W - tw) / 2, PAGE_H - MB + 26);
  if (w->page > 1) {
    rtext_set(&w->ft, w->d->title, CW, PANGO_ALIGN_LEFT);
    pango_layout_set_ellipsize(w->ft.lay, PANGO_ELLIPSIZE_END);
    rtext_show(&w->ft, ML, 30);
    pango_layout_set_ellipsize(w->ft.lay, PANGO_ELLIPSIZE_NONE);
    cairo_set_line_width(cr, 0.4);
    cairo_move_to(cr, ML, 44);
    cairo_line_to(cr, PAGE_W - ML, 44);
    cairo_stroke(cr);
  }
  cairo_restore(cr);
}

/* PNG mode: a fresh white page surface. The text helper keeps its layout
** across pages (a page break can come in the middle of a paragraph's line
** iteration) and only changes the context it draws on. */
static bool png_page_open(pdfw *w) {
  w->surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(PAGE_W * 1.5),
                                       (int)ceil(PAGE_H * 1.5));
  w->cr = cairo_create(w->surf);
  if (cairo_status(w->cr) != CAIRO_STATUS_SUCCESS) return false;
  cairo_scale(w->cr, 1.5, 1.5);
  cairo_set_source_rgb(w->cr, 1, 1, 1);
  cairo_paint(w->cr);
  cairo_set_source_rgb(w->cr, 0, 0, 0);
  if (w->t.lay) {
    w->t.cr = w->cr;
    w->ft.cr = w->cr;
    return true;
  }
  return rtext_open(&w->t, w->cr) && rtext_open(&w->ft, w->cr);
}

static void png_page_close(pdfw *w) {
  if (!w->surf) return;
  char path[1024];
  snprintf(path, sizeof path, "%s-%03d.png", w->png_prefix, w->page);
  if (cairo_surface_write_to_png(w->surf, path) != CAIRO_STATUS_SUCCESS)
    fail(w, AVN_E_IO, "a page image could not be written");
  cairo_destroy(w->cr);
  cairo_surface_destroy(w->surf);
  w->cr = NULL;
  w->surf = NULL;
}

static void new_page(pdfw *w) {
  if (w->draw) {
    if (w->png_prefix) {
      png_page_close(w);
      if (!png_page_open(w)) fail(w, AVN_E_NOMEM, "cairo could not make a page image");
    } else {
      cairo_show_page(w->cr);
    }
  }
  w->page++;
  w->y = MT;
  page_furniture(w);
}

/* Starts a new page unless h more points fit (or the page is empty). */
static void ensure(pdfw *w, double h) {
  if (w->y + h > BOTTOM && w->y > MT + 0.5) new_page(w);
}

/* ------------------------------------------------------------------ */
/* text blocks                                                         */

/* A bold attribute over the first n bytes of the layout's text. */
static void bold_prefix(rtext *t, size_t n) {
  PangoAttrList *al = pango_attr_list_new();
  PangoAttribute *a = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
  a->start_index = 0;
  a->end_index = (guint)n;
  pango_attr_list_insert(al, a);
  pango_layout_set_attributes(t->lay, al);
  pango_attr_list_unref(al);
}

/* Draws the layout already set in w->t line by line from w->y at x,
** breaking pages between lines. */
static void flow_lines(pdfw *w, double x) {
  PangoLayoutIter *it = pango_layout_get_iter(w->t.lay);
  do {
    PangoRectangle log;
    pango_layout_iter_get_line_extents(it, NULL, &log);
    double top = (double)log.y / PANGO_SCALE, h = (double)log.height / PANGO_SCALE;
    double base = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
    ensure(w, h);
    if (w->draw) {
      cairo_move_to(w->cr, x + (double)log.x / PANGO_SCALE, w->y + (base - top));
      pango_cairo_show_layout_line(w->cr, pango_layout_iter_get_line_readonly(it));
      cairo_new_path(w->cr);
    }
    w->y += h;
  } while (pango_layout_iter_next_line(it));
  pango_layout_iter_free(it);
}

static void para(pdfw *w, const char *text, double size, bool bold, double gap_after) {
  rtext_font(&w->t, size, bold);
  rtext_set(&w->t, text, CW, PANGO_ALIGN_LEFT);
  flow_lines(w, ML);
  w->y += gap_after;
}

/* A caption "Table 3. text" / "Figure 2. text" with the label in bold;
** returns its height, and draws it at w->y when draw_it. */
static double caption(pdfw *w, const char *label, const char *text, bool draw_it) {
  avn_buf b;
  avn_buf_init(&b, 0);
  if (avn_buf_printf(&b, "%s %s", label, text)) {
    fail(w, AVN_E_NOMEM, "out of memory while writing the PDF");
    avn_buf_free(&b);
    return 0;
  }
  double tw, th;
  rtext_font(&w->t, FS_CAPTION, false);
  rtext_set(&w->t, avn_buf_str(&b), CW, PANGO_ALIGN_LEFT);
  bold_prefix(&w->t, strlen(label));
  rtext_size(&w->t, &tw, &th);
  if (draw_it) {
    if (w->draw) rtext_show(&w->t, ML, w->y);
    w->y += th;
  }
  avn_buf_free(&b);
  return th;
}

static void notice(pdfw *w, const char *why) {
  avn_buf b;
  avn_buf_init(&b, 0);
  if (avn_buf_printf(&b, "Not computed: %s", why)) {
    fail(w, AVN_E_NOMEM, "out of memory while writing the PDF");
    avn_buf_free(&b);
    return;
  }
  double tw, th;
  rtext_font(&w->t, FS_BODY, false);
  rtext_set(&w->t, avn_buf_str(&b), CW - 16, PANGO_ALIGN_LEFT);
  bold_prefix(&w->t, strlen("Not computed:"));
  rtext_size(&w->t, &tw, &th);
  double h = th + 10;
  ensure(w, h);
  if (w->draw) {
    cairo_t *cr = w->cr;
    cairo_save(cr);
    cairo_set_source_rgb(cr, 1.0, 0.953, 0.91);
    cairo_rectangle(cr, ML, w->y, CW, h);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0xD5 / 255.0, 0x5E / 255.0, 0);
    cairo_rectangle(cr, ML, w->y, 3, h);
    cairo_fill(cr);
    cairo_restore(cr);
    rtext_show(&w->t, ML + 11, w->y + 5);
  }
  w->y += h + 8;
  avn_buf_free(&b);
}

static void section_heading(pdfw *w, size_t i) {
  const rsec *s = w->d->secs[i];
  char num[32];
  snprintf(num, sizeof num, "%zu. ", i + 1);
  avn_buf b;
  avn_buf_init(&b, 0);
  if (avn_buf_puts(&b, num) || avn_buf_puts(&b, s->title)) {
    fail(w, AVN_E_NOMEM, "out of memory while writing the PDF");
    avn_buf_free(&b);
    return;
  }
  double tw, th;
  rtext_font(&w->t, FS_H1, true);
  rtext_set(&w->t, avn_buf_str(&b), CW, PANGO_ALIGN_LEFT);
  rtext_size(&w->t, &tw, &th);
  if (w->y > MT + 0.5) w->y += 16;
  ensure(w, th + 90); /* keep the heading with what follows */
  w->sec_page[i] = w->page;
  if (w->draw) {
    rtext_show(&w->t, ML, w->y);
    cairo_save(w->cr);
    cairo_set_line_width(w->cr, 0.6);
    cairo_move_to(w->cr, ML, w->y + th + 2);
    cairo_line_to(w->cr, PAGE_W - ML, w->y + th + 2);
    cairo_stroke(w->cr);
    cairo_restore(w->cr);
  }
  w->y += th + 10;
  avn_buf_free(&b);
}

static void sub_heading(pdfw *w, const char *text) {
  double tw, th;
  rtext_font(&w->t, FS_H2, true);
  rtext_set(&w->t, text, CW, PANGO_ALIGN_LEFT);
  rtext_size(&w->t, &tw, &th);
  w->y += 6;
  ensure(w, th + 60);
  if (w->y < MT + 0.5) w->y = MT;
  flow_lines(w, ML);
  w->y += 4;
}

/* ------------------------------------------------------------------ */
/* figures                                                             */

static void figure(pdfw *w, const char *id, const char *cap, const rfig *f, int number) {
  (void)id;
  double fw, fh;
  rfig_size(f, &fw, &fh);
  char label[32];
  snprintf(label, sizeof label, "Figure %d.", number);
  double ch = caption(w, label, cap, false);
  double s = fmin(CW / fw, 1.25);
  double avail = BOTTOM - MT - 8 - ch;
  if (fh * s > avail) s = avail / fh;
  w->y += 4;
  /* shrink a little (to 80%) rather than leave the rest of the page empty */
  double room = BOTTOM - w->y - 6 - ch;
  if (fh * s > room && room >= 0.8 * fh * s) s = room / fh;
  double h = fh * s + 6 + ch;
  ensure(w, h);
  if (w->draw) {
    cairo_save(w->cr);
    cairo_translate(w->cr, ML + (CW - fw * s) / 2, w->y);
    cairo_scale(w->cr, s, s);
    rfig_draw(f, w->cr, fw, fh);
    cairo_restore(w->cr);
    rtext_update(&w->t);
  }
  w->y += fh * s + 6;
  caption(w, label, cap, true);
  w->y += 12;
}

/* ------------------------------------------------------------------ */
/* tables                                                              */

typedef struct tcols {
  double *x, *w;     /* column left edges and widths (padding included) */
  bool *num;         /* right-aligned */
  double fs;         /* font size */
} tcols;

static bool columns(pdfw *w, const rtable *t, tcols *c) {
  size_t n = t->ncols;
  c->x = avn_calloc(n, sizeof *c->x);
  c->w = avn_calloc(n, sizeof *c->w);
  c->num = avn_calloc(n, sizeof *c->num);
  double *nat = avn_calloc(n, sizeof *nat);
  bool *fixed = avn_calloc(n, sizeof *fixed);
  if (!c->x || !c->w || !c->num || !nat || !fixed) {
    avn_free(nat);
    avn_free(fixed);
    fail(w, AVN_E_NOMEM, "out of memory while writing the PDF");
    return false;
  }
  c->fs = n > 7 ? 7.0 : FS_TABLE;
  double tw, th;
  for (size_t j = 0; j < n; j++) {
    c->num[j] = rtable_numeric_col(t, j);
    rtext_font(&w->t, c->fs, true);
    rtext_set(&w->t, t->header[j], -1, PANGO_ALIGN_LEFT);
    rtext_size(&w->t, &tw, &th);
    nat[j] = tw;
  }
  rtext_font(&w->t, c->fs, false);
  for (size_t r = 0; r < t->nrows; r++) {
    if (t->group[r]) continue;
    for (size_t j = 0; j < n; j++) {
      rtext_set(&w->t, rtable_cell(t, r, j), -1, PANGO_ALIGN_LEFT);
      rtext_size(&w->t, &tw, &th);
      if (tw > nat[j]) nat[j] = tw;
    }
  }
  double total = 0;
  for (size_t j = 0; j < n; j++) {
    nat[j] += 2 * CELL_PX + 1;
    total += nat[j];
  }
  if (total <= CW) {
    for (size_t j = 0; j < n; j++) c->w[j] = nat[j];
  } else {
    /* water-filling: narrow columns keep their width, wide ones share */
    double left = CW;
    size_t n_left = n;
    bool changed = true;
    while (changed && n_left > 0) {
      changed = false;
      double share = left / (double)n_left;
      for (size_t j = 0; j < n; j++) {
        if (fixed[j] || nat[j] > share) continue;
        fixed[j] = true;
        c->w[j] = nat[j];
        left -= nat[j];
        n_left--;
        changed = true;
      }
    }
    for (size_t j = 0; j < n; j++)
      if (!fixed[j]) c->w[j] = left / (double)n_left;
  }
  double x = ML;
  for (size_t j = 0; j < n; j++) {
    c->x[j] = x;
    x += c->w[j];
  }
  avn_free(nat);
  avn_free(fixed);
  return true;
}

static void columns_free(tcols *c) {
  avn_free(c->x);
  avn_free(c->w);
  avn_free(c->num);
}

/* Height of a row (header when cells == t->header), drawn at w->y when
** draw_it. A group row is its label across the table. */
static double table_row(pdfw *w, const rtable *t, const tcols *c, size_t r, bool header,
                        bool draw_it) {
  double h = 0, tw, th;
  size_t n = t->ncols;
  bool group = !header && t->group[r];
  double right = c->x[n - 1] + c->w[n - 1];
  for (size_t j = 0; j < (group ? 1 : n); j++) {
    const char *s = header ? t->header[j] : rtable_cell(t, r, j);
    double cw = group ? right - ML - 2 * CELL_PX : c->w[j] - 2 * CELL_PX;
    rtext_font(&w->t, c->fs, header || group);
    rtext_set(&w->t, s, cw, (c->num[j] && !group) ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
    rtext_size(&w->t, &tw, &th);
    if (th > h) h = th;
    if (draw_it && w->draw) {
      double yy = w->y + CELL_PY + (group ? 2 : 0);
      rtext_show(&w->t, c->x[j] + CELL_PX, yy);
    }
  }
  return h + 2 * CELL_PY + (group ? 2 : 0);
}

static void rule(pdfw *w, double x0, double x1, double width) {
  if (w->draw) {
    cairo_save(w->cr);
    cairo_set_line_width(w->cr, width);
    cairo_move_to(w->cr, x0, w->y + width / 2);
    cairo_line_to(w->cr, x1, w->y + width / 2);
    cairo_stroke(w->cr);
    cairo_restore(w->cr);
  }
  w->y += width;
}

static void table_head(pdfw *w, const rtable *t, const tcols *c, const char *label,
                       bool continued, double right) {
  char lab[48];
  snprintf(lab, sizeof lab, "%s%s", label, continued ? " (continued)" : "");
  if (continued) {
    double tw, th;
    rtext_font(&w->t, FS_CAPTION, true);
    rtext_set(&w->t, lab, CW, PANGO_ALIGN_LEFT);
    rtext_size(&w->t, &tw, &th);
    if (w->draw) rtext_show(&w->t, ML, w->y);
    w->y += th;
  } else {
    caption(w, lab, t->caption, true);
  }
  w->y += 3;
  rule(w, ML, right, 1.0);
  double hh = table_row(w, t, c, 0, true, true);
  w->y += hh;
  rule(w, ML, right, 0.5);
}

static void table(pdfw *w, const rtable *t, int number) {
  tcols c;
  memset(&c, 0, sizeof c);
  if (!columns(w, t, &c)) {
    columns_free(&c);
    return;
  }
  char label[32];
  snprintf(label, sizeof label, "Table %d.", number);
  size_t n = t->ncols;
  double right = c.x[n - 1] + c.w[n - 1];
  /* keep caption, header and the first rows together */
  double need = caption(w, label, t->caption, false) + 3 + 1 + table_row(w, t, &c, 0, true, false) +
                0.5 +
                (t->nrows ? table_row(w, t, &c, 0, false, false) * (t->nrows > 2 ? 3 : 1) : 0);
  w->y += 4;
  ensure(w, need);
  table_head(w, t, &c, label, false, right);
  for (size_t r = 0; r < t->nrows; r++) {
    double rh = table_row(w, t, &c, r, false, false);
    if (w->y + rh > BOTTOM - 1) {
      rule(w, ML, right, 0.5);
      new_page(w);
      table_head(w, t, &c, label, true, right);
    }
    if (t->group[r] && r > 0 && w->draw) {
      cairo_save(w->cr);
      cairo_set_source_rgb(w->cr, 0.7, 0.7, 0.7);
      cairo_set_line_width(w->cr, 0.4);
      cairo_move_to(w->cr, ML, w->y + 0.2);
      cairo_line_to(w->cr, right, w->y + 0.2);
      cairo_stroke(w->cr);
      cairo_restore(w->cr);
    }
    table_row(w, t, &c, r, false, true);
    w->y += rh;
  }
  rule(w, ML, right, 1.0);
  w->y += 3;
  for (size_t i = 0; i < t->n_notes; i++) {
    rtext_font(&w->t, FS_NOTE, false);
    rtext_set(&w->t, t->notes[i], CW, PANGO_ALIGN_LEFT);
    flow_lines(w, ML);
    w->y += 1;
  }
  w->y += 12;
  columns_free(&c);
}

/* ------------------------------------------------------------------ */
/* the document                                                        */

static void title_page(pdfw *w) {
  const rdoc *d = w->d;
  double tw, th;
  para(w, d->title, 20, true, 6);
  if (w->draw) cairo_set_source_rgb(w->cr, 0.25, 0.25, 0.25);
  para(w, d->subtitle, 10, false, 8);
  if (w->draw) cairo_set_source_rgb(w->cr, 0, 0, 0);
  rule(w, ML, PAGE_W - ML, 0.8);
  w->y += 18;
  para(w, "Contents", 13, true, 8);
  char buf[64];
  for (size_t i = 0; i < d->n_secs; i++) {
    const rsec *s = d->secs[i];
    snprintf(buf, sizeof buf, "%d", w->sec_page[i]);
    rtext_font(&w->t, 10.5, false);
    rtext_set(&w->t, buf, -1, PANGO_ALIGN_LEFT);
    rtext_size(&w->t, &tw, &th);
    double pw = tw;
    ensure(w, th + 4);
    avn_buf b;
    avn_buf_init(&b, 0);
    if (avn_buf_printf(&b, "%zu. %s", i + 1, s->title)) {
      avn_buf_free(&b);
      fail(w, AVN_E_NOMEM, "out of memory while writing the PDF");
      return;
    }
    if (w->draw && !w->png_prefix) {
      char attr[64];
      snprintf(attr, sizeof attr, "page=%d pos=[%g %g]", w->sec_page[i], ML, MT - 4);
      cairo_tag_begin(w->cr, CAIRO_TAG_LINK, attr);
    }
    if (w->draw) rtext_show(&w->t, PAGE_W - ML - pw, w->y);
    rtext_set(&w->t, avn_buf_str(&b), CW - pw - 24, PANGO_ALIGN_LEFT);
    rtext_size(&w->t, &tw, &th);
    if (w->draw) rtext_show(&w->t, ML, w->y);
    if (w->draw && !w->png_prefix) cairo_tag_end(w->cr, CAIRO_TAG_LINK);
    w->y += th + 4;
    avn_buf_free(&b);
  }
}

static void body(pdfw *w) {
  const rdoc *d = w->d;
  int n_tab = 0, n_fig = 0;
  page_furniture(w);
  title_page(w);
  new_page(w);
  for (size_t i = 0; i < d->n_secs && !w->rc; i++) {
    const rsec *s = d->secs[i];
    section_heading(w, i);
    for (size_t k = 0; k < s->n_items && !w->rc; k++) {
      const ritem *it = &s->items[k];
      switch (it->kind) {
      case RIT_HEADING: sub_heading(w, it->text); break;
      case RIT_PARA: para(w, it->text, FS_BODY, false, 6); break;
      case RIT_MISSING: notice(w, it->text); break;
      case RIT_TABLE: table(w, it->table, ++n_tab); break;
      case RIT_FIGURE: figure(w, it->id, it->caption, it->fig, ++n_fig); break;
      }
    }
  }
}

/* Pass 1 on a measuring surface: page count and section pages. */
static bool layout_pass(pdfw *w) {
  if (!rtext_open_measure(&w->t)) return false;
  w->cr = w->t.cr;
  if (!rtext_open(&w->ft, w->cr)) {
    rtext_close(&w->t);
    return false;
  }
  w->draw = false;
  w->page = 1;
  w->y = MT;
  body(w);
  w->total = w->page;
  rtext_close(&w->ft);
  rtext_close(&w->t);
  w->cr = NULL;
  return true;
}

static avn_rc write_pages(const rdoc *d, const char *path, const char *png_prefix, avn_err *e) {
  pdfw w;
  memset(&w, 0, sizeof w);
  w.d = d;
  w.e = e;
  w.png_prefix = png_prefix;
  w.sec_page = avn_calloc(d->n_secs ? d->n_secs : 1, sizeof *w.sec_page);
  if (!w.sec_page)
    return avn_fail(e, AVN_E_NOMEM, "file", path, "out of memory while writing the PDF");
  if (!layout_pass(&w)) {
    fail(&w, AVN_E_NOMEM, "pango could not lay out text");
    goto cleanup;
  }
  if (w.rc) goto cleanup;
  w.draw = true;
  w.page = 1;
  w.y = MT;
  if (png_prefix) {
    if (!png_page_open(&w)) {
      fail(&w, AVN_E_NOMEM, "cairo could not make a page image");
      goto cleanup;
    }
  } else {
    w.surf = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
    if (cairo_surface_status(w.surf) != CAIRO_STATUS_SUCCESS) {
      w.rc = avn_fail(e, AVN_E_IO, "file", path, "could not be created: %s",
                      cairo_status_to_string(cairo_surface_status(w.surf)));
      goto cleanup;
    }
    cairo_pdf_surface_set_metadata(w.surf, CAIRO_PDF_METADATA_TITLE, d->title);
    cairo_pdf_surface_set_metadata(w.surf, CAIRO_PDF_METADATA_CREATOR, "avn " AVN_VERSION);
    w.cr = cairo_create(w.surf);
    if (!rtext_open(&w.t, w.cr) || !rtext_open(&w.ft, w.cr)) {
      fail(&w, AVN_E_NOMEM, "pango could not lay out text");
      goto cleanup;
    }
  }
  body(&w);
  if (!png_prefix && !w.rc) {
    for (size_t i = 0; i < d->n_secs; i++) {
      char attr[64], name[512];
      snprintf(attr, sizeof attr, "page=%d pos=[%g %g]", w.sec_page[i], ML, MT - 4);
      snprintf(name, sizeof name, "%zu. %s", i + 1, d->secs[i]->title);
      cairo_pdf_surface_add_outline(w.surf, CAIRO_PDF_OUTLINE_ROOT, name, attr, 0);
    }
  }
cleanup:
  if (png_prefix) {
    if (w.surf) png_page_close(&w);
    rtext_close(&w.ft);
    rtext_close(&w.t);
  } else {
    rtext_close(&w.ft);
    rtext_close(&w.t);
    if (w.cr) {
      cairo_status_t st = cairo_status(w.cr);
      cairo_destroy(w.cr);
      if (!w.rc && st != CAIRO_STATUS_SUCCESS)
        w.rc = avn_fail(e, AVN_E_IO, "file", path, "could not be drawn: %s",
                        cairo_status_to_string(st));
    }
    if (w.surf) {
      cairo_surface_finish(w.surf);
      cairo_status_t st = cairo_surface_status(w.surf);
      if (!w.rc && st != CAIRO_STATUS_SUCCESS)
        w.rc = avn_fail(e, AVN_E_IO, "file", path, "could not be written: %s",
                        cairo_status_to_string(st));
      cairo_surface_destroy(w.surf);
    }
  }
  avn_free(w.sec_page);
  return w.rc;
}

avn_rc rdoc_write_pdf(const rdoc *d, const char *path, avn_err *e) {
  return write_pages(d, path, NULL, e);
}

avn_rc rdoc_pdf_pages_png(const rdoc *d, const char *prefix, avn_err *e) {
  return write_pages(d, prefix, prefix, e);
}
