/*
** doc_int.h: the inside of a document (doc.h), shared by doc.c (building,
** checking, rdoc_write) and the three writers doc_html.c, doc_pdf.c and
** doc_csv.c. Not a contract for section authors: they use doc.h.
**
** Shape: an rdoc holds sections in order; a section holds items in order
** (heading, paragraph, notice, table, figure). Tables and figures are
** numbered by the writers in document order ("Table 3.", "Figure 2.").
** Every string is a valid-UTF-8 copy (rfig_strdup_text) owned by the
** document; figures are owned once given to rsec_figure. Sections and
** tables are separate allocations, so the pointers handed to callers stay
** valid while the arrays that list them grow.
*/
#ifndef AVN_REPORT_DOC_INT_H
#define AVN_REPORT_DOC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include "core/buf.h"
#include "report/doc.h"

typedef enum ritem_kind { RIT_HEADING, RIT_PARA, RIT_MISSING, RIT_TABLE, RIT_FIGURE } ritem_kind;

typedef struct ritem {
  ritem_kind kind;
  char *text;         /* heading, paragraph, notice (the "why") */
  rtable *table;      /* RIT_TABLE */
  char *id;           /* RIT_FIGURE */
  char *caption;      /* RIT_FIGURE */
  rfig *fig;          /* RIT_FIGURE */
} ritem;

struct rtable {
  rdoc *doc;
  char *id;
  char *caption;
  size_t ncols;
  char **header;      /* ncols */
  char **cells;       /* nrows * ncols, row-major; a group row has only cells[0] */
  bool *group;        /* nrows */
  size_t nrows, cap_rows;
  char **notes;
  size_t n_notes, cap_notes;
};

struct rsec {
  rdoc *doc;
  char *id;
  char *title;
  ritem *items;
  size_t n_items, cap_items;
};

struct rdoc {
  char *title;
  char *subtitle;
  rsec **secs;
  size_t n_secs, cap_secs;
  bool nomem;         /* an add failed for memory */
};

/* The cell text of row r, column j ("" for NULL). */
const char *rtable_cell(const rtable *t, size_t r, size_t j);
/* Whether column j reads as numbers (right-aligned): most of its non-empty
** body cells start like a number ("54.6", "-3", "<0.001", "(12)"). Column 0
** never does. O(rows). */
bool rtable_numeric_col(const rtable *t, size_t j);

/* Writers: each returns AVN_OK or fills e (AVN_E_IO naming the path,
** AVN_E_NOMEM). They assume rdoc_write checked ids and memory. */
avn_rc rdoc_write_csv(const rtable *t, const char *path, avn_err *e);
/* Appends one CSV field (RFC 4180: quoted when it holds a comma, a quote,
** CR or LF; quotes doubled). */
avn_rc rdoc_csv_field(avn_buf *b, const char *s);
/* svgs: the SVG text of every figure in document order (rfig_svg). */
avn_rc rdoc_write_html(const rdoc *d, const avn_buf *svgs, const char *path, avn_err *e);
/* Appends s HTML-escaped (& < > " '); '\n' becomes <br> when br. */
avn_rc rdoc_html_escape(avn_buf *b, const char *s, bool br);
avn_rc rdoc_write_pdf(const rdoc *d, const char *path, avn_err *e);
/* Every table as a formatted sheet of one workbook (doc_xlsx.c). */
avn_rc rdoc_write_xlsx(const rdoc *d, const char *path, avn_err *e);
/* The PDF's pages as PREFIX-001.png, ... (1.5x), to look at without a PDF
** viewer (tests/tools/report_sample --pages). */
avn_rc rdoc_pdf_pages_png(const rdoc *d, const char *prefix, avn_err *e);

/* Writes len bytes to path through path.tmp and a rename, so a reader
** never sees half a file. */
avn_rc rdoc_write_file(const char *path, const char *data, size_t len, avn_err *e);

#endif
