/*
** doc_html.c: report.html, one self-contained file.
**
** Everything is inside the file: the CSS in <style>, every figure as
** inline SVG (rfig_svg's text), no scripts, no external URL, no web font
** (the font stack starts with DejaVu Sans, the figures' font). It opens
** offline and prints on A4 (print CSS: contents on its own page, headings
** kept with what follows, figures and rows not split, table headers
** repeated by the browser's thead handling).
**
** Structure: header (title, subtitle), a table of contents linking to the
** section anchors (#sec-ID), then one <section> per section: numbered <h2>,
** <h3> sub-headings, <p>, notices (<p class="missing"><strong>Not
** computed:</strong> why</p>), tables (<table id="tbl-ID"> with <caption>
** "Table N. ...", <thead>, group rows as a <th colspan> row, notes under it)
** and figures (<figure id="fig-ID"> with "Figure N. ..." in <figcaption>).
** Columns that read as numbers are right-aligned (rtable_numeric_col).
**
** Inline SVG: cairo names its glyphs and clips "glyph0-1", "clip1" in every
** file, and ids are global in an HTML page, so each figure's ids (id=,
** href="#", url(#)) get the prefix "fN-" (N its number); the xmlns
** attributes are dropped (the HTML parser puts <svg> in the SVG namespace
** and maps xlink:href itself), so the page names no URL at all. The root
** gets an explicit CSS width (PX_PER_PT) and the caption as its accessible
** name.
**
** Escaping: all document text goes through rdoc_html_escape (& < > " '),
** so no text can open a tag or an attribute. Cost: O(output bytes); the
** page is built in one avn_buf and written through a rename.
*/
#include "report/doc_int.h"

#include <stdio.h>
#include <string.h>

avn_rc rdoc_html_escape(avn_buf *b, const char *s, bool br) {
  avn_rc rc = AVN_OK;
  const char *run = s;
  for (const char *p = s; !rc && *p; p++) {
    const char *rep = NULL;
    switch (*p) {
    case '&': rep = "&amp;"; break;
    case '<': rep = "&lt;"; break;
    case '>': rep = "&gt;"; break;
    case '"': rep = "&quot;"; break;
    case '\'': rep = "&#39;"; break;
    case '\n': rep = br ? "<br>" : " "; break;
    default: break;
    }
    if (!rep) continue;
    rc = avn_buf_append(b, run, (size_t)(p - run));
    if (!rc) rc = avn_buf_puts(b, rep);
    run = p + 1;
  }
  if (!rc) rc = avn_buf_puts(b, run);
  return rc;
}

static const char css[] =
    ":root{color-scheme:light}\n"
    "body{font-family:\"DejaVu Sans\",Verdana,Helvetica,Arial,sans-serif;font-size:15px;"
    "line-height:1.5;color:#111;background:#fff;max-width:70rem;margin:0 auto;"
    "padding:1.5rem 1.5rem 3rem}\n"
    "header h1{font-size:1.6rem;margin:0 0 .25rem;line-height:1.25}\n"
    ".subtitle{color:#444;margin:0 0 1rem}\n"
    "nav.toc{border:1px solid #ccc;background:#fafafa;padding:.5rem 1rem;margin:1rem 0 2rem}\n"
    "nav.toc h2{font-size:1rem;margin:.2rem 0 .4rem;border:0;padding:0}\n"
    "nav.toc ol{list-style:none;margin:0;padding:0;columns:2 18rem}\n"
    "nav.toc li{margin:.1rem 0}\n"
    "nav.toc a{color:#0b4f8a;text-decoration:none}\n"
    "nav.toc a:hover{text-decoration:underline}\n"
    "h2{font-size:1.3rem;border-bottom:1px solid #999;padding-bottom:.2rem;margin:2.4rem 0 .8rem}\n"
    "h3{font-size:1.05rem;margin:1.5rem 0 .4rem}\n"
    "p{margin:.5rem 0}\n"
    "p.missing{border-left:4px solid #D55E00;background:#fff3e8;padding:.5rem .8rem;margin:.8rem "
    "0}\n"
    "p.missing strong{color:#8f3a00}\n"
    ".table-wrap{overflow-x:auto;margin:1.2rem 0 1.6rem}\n"
    "table{border-collapse:collapse;font-size:.85rem;line-height:1.35;"
    "border-top:2px solid #000;border-bottom:2px solid #000}\n"
    "caption{caption-side:top;text-align:left;padding:0 0 .35rem;font-size:.9rem}\n"
    "th,td{padding:.25rem .65rem;vertical-align:top;text-align:left}\n"
    "thead th{border-bottom:1px solid #000;vertical-align:bottom}\n"
    "tr.group th{font-style:italic;padding-top:.55rem;border-top:1px solid #bbb}\n"
    "tbody tr:first-child.group th{border-top:0}\n"
    ".num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "td.num,.nw{white-space:nowrap}\n"
    ".tnote{font-size:.8rem;color:#333;margin:.35rem 0 0;max-width:60rem}\n"
    "figure{margin:1.6rem 0}\n"
    "figure svg{display:block;max-width:100%;height:auto}\n"
    "figcaption{font-size:.9rem;margin-top:.4rem;max-width:48rem}\n"
    "footer{margin-top:3rem;border-top:1px solid "
    "#ccc;padding-top:.5rem;color:#555;font-size:.8rem}\n"
    "@page{size:A4;margin:16mm 14mm}\n"
    "@media print{body{max-width:none;font-size:10pt;padding:0}"
    "nav.toc{break-after:page;border:0;background:none}nav.toc ol{columns:1}"
    "nav.toc a{color:inherit}"
    "h2,h3,caption{break-after:avoid}figure,p.missing,tr{break-inside:avoid}"
    ".nw{white-space:normal}"
    ".table-wrap{overflow:visible}thead{display:table-header-group}}\n";

/* Cells up to this many bytes do not wrap on screen (labels such as
** "VAS pain (0-10)" read badly broken); longer ones wrap. */
#define SHORT_CELL 24
#define SHORT_HEAD 14

/* Figures show at 1.6 CSS px per point (1.2x print size), so their 9 pt
** labels read like the 15 px body text; never wider than the page. */
#define PX_PER_PT 1.6

#define XMLNS_SVG " xmlns=\"http://www.w3.org/2000/svg\""
#define XMLNS_XLINK " xmlns:xlink=\"http://www.w3.org/1999/xlink\""

/* Appends svg with ids prefixed by prefix, xmlns dropped and an
** accessible name on the root. */
static avn_rc inline_svg(avn_buf *b, const char *svg, const char *prefix, const char *label,
                         double width_px) {
  avn_rc rc = AVN_OK;
  const char *flushed = svg;
  bool root = false;
  const char *p = svg;
  while (!rc && *p) {
    size_t m = 0;
    bool drop = false, add_prefix = false, add_label = false;
    if (*p == ' ' && strncmp(p, XMLNS_SVG, sizeof XMLNS_SVG - 1) == 0) {
      m = sizeof XMLNS_SVG - 1;
      drop = true;
    } else if (*p == ' ' && strncmp(p, XMLNS_XLINK, sizeof XMLNS_XLINK - 1) == 0) {
      m = sizeof XMLNS_XLINK - 1;
      drop = true;
    } else if (*p == ' ' && strncmp(p, " id=\"", 5) == 0) {
      m = 5;
      add_prefix = true;
    } else if (*p == 'h' && strncmp(p, "href=\"#", 7) == 0) {
      m = 7;
      add_prefix = true;
    } else if (*p == 'u' && strncmp(p, "url(#", 5) == 0) {
      m = 5;
      add_prefix = true;
    } else if (!root && *p == '<' && strncmp(p, "<svg", 4) == 0) {
      m = 4;
      add_label = true;
      root = true;
    }
    if (!m) {
      p++;
      continue;
    }
    rc = avn_buf_append(b, flushed, (size_t)(p - flushed));
    if (!rc && !drop) rc = avn_buf_append(b, p, m);
    if (!rc && add_prefix) rc = avn_buf_puts(b, prefix);
    if (!rc && add_label) {
      rc = avn_buf_printf(b, " style=\"width:%.0fpx\" role=\"img\" aria-label=\"", width_px);
      if (!rc) rc = rdoc_html_escape(b, label, false);
      if (!rc) rc = avn_buf_puts(b, "\"");
    }
    p += m;
    flushed = p;
  }
  if (!rc) rc = avn_buf_puts(b, flushed);
  return rc;
}

static avn_rc put(avn_buf *b, const char *s) { return avn_buf_puts(b, s); }

static avn_rc esc(avn_buf *b, const char *s) { return rdoc_html_escape(b, s, true); }

static avn_rc html_table(avn_buf *b, const rtable *t, int number) {
  avn_rc rc = AVN_OK;
  bool numeric[64];
  size_t nc = t->ncols;
  for (size_t j = 0; j < nc && j < 64; j++) numeric[j] = rtable_numeric_col(t, j);
#define NUMERIC(j) ((j) < 64 && numeric[j])
  rc = put(b, "<div class=\"table-wrap\"><table id=\"tbl-");
  if (!rc) rc = esc(b, t->id);
  if (!rc) rc = avn_buf_printf(b, "\"><caption><b>Table %d.</b> ", number);
  if (!rc) rc = esc(b, t->caption);
  if (!rc) rc = put(b, "</caption>\n<thead><tr>");
  for (size_t j = 0; !rc && j < nc; j++) {
    bool short_head = strlen(t->header[j]) <= SHORT_HEAD;
    const char *cls = NUMERIC(j) ? (short_head ? " class=\"num nw\"" : " class=\"num\"")
                                 : (short_head ? " class=\"nw\"" : "");
    rc = avn_buf_printf(b, "<th scope=\"col\"%s>", cls);
    if (!rc) rc = esc(b, t->header[j]);
    if (!rc) rc = put(b, "</th>");
  }
  if (!rc) rc = put(b, "</tr></thead>\n<tbody>\n");
  for (size_t r = 0; !rc && r < t->nrows; r++) {
    if (t->group[r]) {
      rc = avn_buf_printf(b, "<tr class=\"group\"><th colspan=\"%zu\" scope=\"rowgroup\">", nc);
      if (!rc) rc = esc(b, rtable_cell(t, r, 0));
      if (!rc) rc = put(b, "</th></tr>\n");
      continue;
    }
    rc = put(b, "<tr>");
    for (size_t j = 0; !rc && j < nc; j++) {
      /* short text stays on one line; long text wraps */
      bool short_text = strlen(rtable_cell(t, r, j)) <= SHORT_CELL;
      rc = put(b, NUMERIC(j)   ? "<td class=\"num\">"
                  : short_text ? "<td class=\"nw\">"
                               : "<td>");
      if (!rc) rc = esc(b, rtable_cell(t, r, j));
      if (!rc) rc = put(b, "</td>");
    }
    if (!rc) rc = put(b, "</tr>\n");
  }
#undef NUMERIC
  if (!rc) rc = put(b, "</tbody></table>\n");
  for (size_t i = 0; !rc && i < t->n_notes; i++) {
    rc = put(b, "<p class=\"tnote\">");
    if (!rc) rc = esc(b, t->notes[i]);
    if (!rc) rc = put(b, "</p>\n");
  }
  if (!rc) rc = put(b, "</div>\n");
  return rc;
}

static avn_rc html_body(avn_buf *b, const rdoc *d, const avn_buf *svgs) {
  avn_rc rc = put(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<meta name=\"generator\" content=\"avn " AVN_VERSION "\">\n<title>");
  if (!rc) rc = esc(b, d->title);
  if (!rc) rc = put(b, "</title>\n<style>\n");
  if (!rc) rc = put(b, css);
  if (!rc) rc = put(b, "</style>\n</head>\n<body>\n<header>\n<h1>");
  if (!rc) rc = esc(b, d->title);
  if (!rc) rc = put(b, "</h1>\n<p class=\"subtitle\">");
  if (!rc) rc = esc(b, d->subtitle);
  if (!rc) rc = put(b, "</p>\n</header>\n");
  /* contents */
  if (!rc) rc = put(b, "<nav class=\"toc\" aria-label=\"Contents\">\n<h2>Contents</h2>\n<ol>\n");
  for (size_t i = 0; !rc && i < d->n_secs; i++) {
    rc = put(b, "<li><a href=\"#sec-");
    if (!rc) rc = esc(b, d->secs[i]->id);
    if (!rc) rc = avn_buf_printf(b, "\">%zu. ", i + 1);
    if (!rc) rc = esc(b, d->secs[i]->title);
    if (!rc) rc = put(b, "</a></li>\n");
  }
  if (!rc) rc = put(b, "</ol>\n</nav>\n<main>\n");
  int n_tab = 0, n_fig = 0;
  for (size_t i = 0; !rc && i < d->n_secs; i++) {
    const rsec *s = d->secs[i];
    rc = put(b, "<section id=\"sec-");
    if (!rc) rc = esc(b, s->id);
    if (!rc) rc = avn_buf_printf(b, "\">\n<h2>%zu. ", i + 1);
    if (!rc) rc = esc(b, s->title);
    if (!rc) rc = put(b, "</h2>\n");
    for (size_t k = 0; !rc && k < s->n_items; k++) {
      const ritem *it = &s->items[k];
      switch (it->kind) {
      case RIT_HEADING:
        rc = put(b, "<h3>");
        if (!rc) rc = esc(b, it->text);
        if (!rc) rc = put(b, "</h3>\n");
        break;
      case RIT_PARA:
        rc = put(b, "<p>");
        if (!rc) rc = esc(b, it->text);
        if (!rc) rc = put(b, "</p>\n");
        break;
      case RIT_MISSING:
        rc = put(b, "<p class=\"missing\"><strong>Not computed:</strong> ");
        if (!rc) rc = esc(b, it->text);
        if (!rc) rc = put(b, "</p>\n");
        break;
      case RIT_TABLE:
        rc = html_table(b, it->table, ++n_tab);
        break;
      case RIT_FIGURE: {
        char prefix[32];
        int num = ++n_fig;
        snprintf(prefix, sizeof prefix, "f%d-", num);
        rc = put(b, "<figure id=\"fig-");
        if (!rc) rc = esc(b, it->id);
        if (!rc) rc = put(b, "\">\n");
        double fw, fh;
        rfig_size(it->fig, &fw, &fh);
        if (!rc)
          rc = inline_svg(b, avn_buf_str(&svgs[num - 1]), prefix, it->caption, fw * PX_PER_PT);
        if (!rc) rc = avn_buf_printf(b, "<figcaption><b>Figure %d.</b> ", num);
        if (!rc) rc = esc(b, it->caption);
        if (!rc) rc = put(b, "</figcaption>\n</figure>\n");
        break;
      }
      }
    }
    if (!rc) rc = put(b, "</section>\n");
  }
  if (!rc)
    rc = put(b, "</main>\n<footer>Generated by avn " AVN_VERSION ".</footer>\n</body>\n</html>\n");
  return rc;
}

avn_rc rdoc_write_html(const rdoc *d, const avn_buf *svgs, const char *path, avn_err *e) {
  avn_buf b;
  avn_buf_init(&b, 0);
  avn_rc rc = html_body(&b, d, svgs);
  if (rc) {
    rc = avn_fail(e, rc, "file", path, "out of memory while writing the HTML");
    goto cleanup;
  }
  rc = rdoc_write_file(path, avn_buf_str(&b), b.len, e);
cleanup:
  avn_buf_free(&b);
  return rc;
}
