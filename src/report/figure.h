/*
** figure.h: the report's figures as data, drawn with cairo.
**
** A figure is built by an analysis section (numbers already computed) and
** handed to the document (doc.h), which draws it several times: into the
** self-contained HTML as inline SVG, into report.pdf, and into
** figures/ID.svg, .png and .pdf. Drawing is one function of (figure, cairo
** context, width, height), so every output shows the same picture.
**
** Kinds:
**   lines  - series of (x, y) with optional error bars lo..hi at each point
**            (trajectories: mean +- SD or 95% CI; the caption says which).
**   km     - Kaplan-Meier step curves with censoring marks and a
**            number-at-risk table under the plot.
**   bars   - categories on x, one bar per series, side by side or stacked.
**   flow   - a CONSORT-style diagram: main boxes top to bottom, each with
**            optional side boxes (exclusions, losses) to its right.
**
** Style: journal-like: white background, axes with "nice" ticks (Heckbert,
** "Nice numbers for graph labels", Graphics Gems, 1990), no grid clutter,
** DejaVu Sans, a colour-blind-safe palette (Okabe & Ito, 2008) with a
** second cue (marker shape, line dash) per series so a grey print still reads.
**
** Ownership: rfig_* constructors return a figure the caller owns until it
** is given to rsec_figure() (doc.h), which takes it; rfig_free otherwise.
** Every add function copies what it is given. Errors: only memory (the
** figure records the failure and the writers return AVN_E_NOMEM).
*/
#ifndef AVN_REPORT_FIGURE_H
#define AVN_REPORT_FIGURE_H

#include <stdbool.h>
#include <stddef.h>
#include "core/buf.h"
#include "core/rc.h"

typedef struct rfig rfig;
typedef struct _cairo cairo_t;   /* as cairo.h declares it */

/* --- construction --- */
rfig *rfig_lines(const char *xlab, const char *ylab);
rfig *rfig_km(const char *xlab, const char *ylab);
rfig *rfig_bars(const char *ylab, bool stacked);
rfig *rfig_flow(void);
void rfig_free(rfig *f);

/* Fixes an axis range (otherwise taken from the data, widened to nice ticks). */
void rfig_ylim(rfig *f, double lo, double hi);
void rfig_xlim(rfig *f, double lo, double hi);
/* Category labels on x for a lines figure (e.g. visit names at x = 0, 3, 6
** months); when given, ticks are drawn only at these x values. */
void rfig_xticks(rfig *f, size_t n, const double *x, const char *const *labels);

/* lines: n points; lo/hi may be NULL (no error bars). */
void rfig_series(rfig *f, const char *name, size_t n, const double *x, const double *y,
                 const double *lo, const double *hi);
/* lines: how the last series added is drawn (default: line and markers).
** A scatter is markers without the line; a fitted line has no markers.
** (Added by the render helper for the dose-outcome scatter.) */
void rfig_series_draw(rfig *f, bool line, bool markers);

/* km: one curve: the step function's jump times and survival after each
** jump (n points, t ascending, starting after time 0 where S = 1), and the
** censoring times with the survival at each (marks drawn as '+'). */
void rfig_km_curve(rfig *f, const char *name, size_t n, const double *t, const double *s,
                   size_t n_cens, const double *cens_t, const double *cens_s);
/* km: the number-at-risk table: at each of n_times times, the count for
** each curve in the order added (counts has n_curves * n_times entries,
** curve-major). */
void rfig_km_risk(rfig *f, size_t n_times, const double *times, size_t n_curves,
                  const int *counts);

/* bars: the categories on x, then one series of n_cat values per call. */
void rfig_categories(rfig *f, size_t n_cat, const char *const *labels);
void rfig_bar_series(rfig *f, const char *name, const double *values);

/* flow: a main box (lines separated by '\n'); returns its index. A side
** box hangs to the right of main box `parent` (exclusions, losses). */
size_t rfig_flow_box(rfig *f, const char *text);
void rfig_flow_side(rfig *f, size_t parent, const char *text);

/* --- drawing and output --- */
/* The size the figure asks for, in points (1/72 inch). */
void rfig_size(const rfig *f, double *w /* OUT */, double *h /* OUT */);
/* Draws into cr over a w x h area at the current origin. */
void rfig_draw(const rfig *f, cairo_t *cr, double w, double h);
/* Files: path ends in .svg, .png (2x resolution) or .pdf. */
avn_rc rfig_write(const rfig *f, const char *path, avn_err *e);
/* The SVG text, appended to out (for inline HTML; no XML declaration). */
avn_rc rfig_svg(const rfig *f, avn_buf *out, avn_err *e);

#endif
