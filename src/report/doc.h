/*
** doc.h: the report as a document: sections holding paragraphs, tables,
** figures and "not computed" notices, in order. Analysis code fills it
** with already-formatted numbers; this module only lays it out and writes:
**
**   DIR/report.html       one self-contained file: inline CSS and inline
**                         SVG figures, no scripts, no external links; opens
**                         offline in any browser and prints cleanly.
**   DIR/report.pdf        the same content, multi-page A4 (cairo + pango).
**   DIR/tables/ID.csv     every table (RFC 4180, UTF-8, header row; the
**                         cells as displayed).
**   DIR/figures/ID.svg, ID.png, ID.pdf   every figure.
**
** Ids name files, so they are [a-z0-9_-]+ and unique in the document
** (rdoc_write refuses otherwise, naming the id). Text is plain UTF-8; the
** writers escape it. A notice (rsec_missing) is styled apart so a reader
** can tell "not computed, and why" from a result.
**
** Ownership: rdoc_new returns a document freed by rdoc_free, which frees
** everything added to it. Add functions copy their strings; rsec_figure
** takes the figure. Memory failure is recorded and reported by rdoc_write
** (AVN_E_NOMEM), so callers need not check every add.
*/
#ifndef AVN_REPORT_DOC_H
#define AVN_REPORT_DOC_H

#include <stddef.h>
#include "core/rc.h"
#include "report/figure.h"

typedef struct rdoc rdoc;
typedef struct rsec rsec;
typedef struct rtable rtable;

/* title: "avn report: <study title>"; subtitle: study, protocol, data
** cut-off and generation time, one line. */
rdoc *rdoc_new(const char *title, const char *subtitle);
void rdoc_free(rdoc *d);

/* A numbered section ("3. Outcomes over time"); numbering is the writer's. */
rsec *rdoc_section(rdoc *d, const char *id, const char *title);
/* A sub-heading inside a section. */
void rsec_heading(rsec *s, const char *text);
void rsec_para(rsec *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "Not computed: <why>": data missing, too few, a plan item absent. */
void rsec_missing(rsec *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A table with ncols columns and its header; caption is "Table N." text
** without the number. Cells are copied; a NULL cell prints empty. */
rtable *rsec_table(rsec *s, const char *id, const char *caption, size_t ncols,
                   const char *const *header);
void rtable_row(rtable *t, const char *const *cells);
/* A row shown as a group label spanning the table (e.g. "Stage II"). In the
** CSV it is a row with the label in the first cell. */
void rtable_group(rtable *t, const char *label);
/* A footnote under the table (abbreviations, tests, what n counts). */
void rtable_note(rtable *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A figure with its caption ("Figure N." is the writer's); takes f. */
void rsec_figure(rsec *s, const char *id, const char *caption, rfig *f);

/* Writes everything under dir (created if needed; existing report files
** are replaced). */
avn_rc rdoc_write(const rdoc *d, const char *dir, avn_err *e);

#endif
