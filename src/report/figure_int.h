/*
** figure_int.h: the inside of a figure, shared by figure.c (construction,
** output), figure_plot.c (lines, km, bars), figure_flow.c (CONSORT), the
** document writers (doc_*.c use the text helper) and the unit tests (the
** tick algorithm). Not a contract for section authors: they use figure.h.
**
** Text: every string drawn goes through rtext, one PangoLayout in
** "DejaVu Sans" with metric hinting off and unrounded glyph positions, so a
** string measures the same on the SVG, PDF and 2x PNG surfaces and on the
** 1x1 measuring surface that rfig_size uses. Sizes are in points (cairo
** user units).
**
** Ownership: an rfig owns every array and string below (copies made by
** the add functions, all from avn_malloc). rtext owns its layout (and its
** measuring surface when made by rtext_open_measure).
*/
#ifndef AVN_REPORT_FIGURE_INT_H
#define AVN_REPORT_FIGURE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include "report/figure.h"

typedef enum rfig_kind { RFIG_LINES, RFIG_KM, RFIG_BARS, RFIG_FLOW } rfig_kind;

typedef struct rfig_ser {
  char *name;
  size_t n;           /* points (lines), jumps (km) */
  double *x, *y;      /* lines: x, y; km: t, s */
  double *lo, *hi;    /* lines: error bar ends, NULL when none */
  size_t n_cens;      /* km: censoring marks */
  double *cx, *cy;
  double *v;          /* bars: one value per category (n_cat at the call) */
  size_t n_v;
  bool no_line;       /* lines: rfig_series_draw */
  bool no_markers;
} rfig_ser;

typedef struct rfig_side {
  size_t parent;      /* index of the main box */
  char *text;
} rfig_side;

struct rfig {
  rfig_kind kind;
  bool nomem;         /* an add failed for memory: writers return AVN_E_NOMEM */
  bool stacked;       /* bars */
  char *xlab, *ylab;  /* may be NULL */
  bool has_xlim, has_ylim;
  double xlim[2], ylim[2];
  size_t n_xt;        /* rfig_xticks: categorical ticks of a lines figure */
  double *xt;
  char **xt_lab;
  rfig_ser *ser;
  size_t n_ser, cap_ser;
  size_t n_cat;       /* bars */
  char **cat;
  size_t n_rt, n_rc;  /* km number at risk: n_rt times, n_rc curves */
  double *rt;
  int *rcount;        /* n_rc * n_rt, curve-major */
  char **box;         /* flow main boxes */
  size_t n_box, cap_box;
  rfig_side *side;
  size_t n_side, cap_side;
};

/* --- nice ticks (Heckbert 1990, "loose labelling") --- */
#define RFIG_MAX_TICKS 64
typedef struct rfig_ticks {
  double lo, hi;      /* graph range: first and last tick */
  double step;        /* tick spacing d */
  size_t n;           /* ticks lo, lo + d, ..., hi */
  int nfrac;          /* digits after the point for labels */
} rfig_ticks;

/* Heckbert's nicenum: a "nice" number (1, 2, 5 x 10^k; 10 when rounding up)
** approximately equal to x > 0; round picks rounding over the ceiling. */
double rfig_nicenum(double x, bool round);
/* Heckbert's loose labelling of [lo, hi] with about nticks ticks. A zero
** or non-finite range is widened first (see figure.c). */
void rfig_loose_ticks(double lo, double hi, int nticks, rfig_ticks *out /* OUT */);
/* The i-th tick value, computed as lo + i*d (no drift), with -0 made 0. */
double rfig_tick_at(const rfig_ticks *t, size_t i);
/* Formats v with nfrac decimals and a true minus sign (U+2212). */
void rfig_fmt_num(char *out, size_t size, double v, int nfrac);
/* Fewest decimals (0..3) that print v exactly to 1e-9. */
int rfig_decimals(double v);

/* --- text --- */
typedef struct rtext {
  cairo_t *cr;                 /* borrowed, or owned with surf */
  cairo_surface_t *surf;       /* owned measuring surface, or NULL */
  PangoLayout *lay;
  PangoFontDescription *fd;
} rtext;

/* Binds a text helper to cr (borrowed). False if pango failed. */
bool rtext_open(rtext *t, cairo_t *cr);
/* A helper on its own 1x1 surface, for measuring without a target. */
bool rtext_open_measure(rtext *t);
void rtext_close(rtext *t);
/* Font for the next set: size in points; bold or regular. */
void rtext_font(rtext *t, double size, bool bold);
/* Text for the next size/show: wrap at width (<= 0: one line per '\n'),
** aligned within that width. */
void rtext_set(rtext *t, const char *s, double width, PangoAlignment align);
/* Logical size of the current text, in points. */
void rtext_size(rtext *t, double *w /* OUT */, double *h /* OUT */);
/* Distance from the top of the layout to the first baseline. */
double rtext_baseline(rtext *t);
/* Draws the current text with its top-left corner at (x, y). */
void rtext_show(rtext *t, double x, double y);
/* Re-reads cr's transformation (after a rotation). */
void rtext_update(rtext *t);

/* A copy of s that is valid UTF-8 (bad bytes become U+FFFD, control
** characters other than '\n', '\r' and '\t' become spaces). NULL on
** memory. */
char *rfig_strdup_text(const char *s);

/* --- palette and series cues (Okabe & Ito 2008) --- */
#define RFIG_N_COLOURS 8
/* Colour of series i as r, g, b in 0..1. */
void rfig_colour(size_t i, double rgb[3] /* OUT */);
/* Sets series i's dash on cr (solid, dashed, dotted, ...). */
void rfig_dash(cairo_t *cr, size_t i);
/* Draws series i's marker (circle, square, triangle, diamond, ...) at
** (x, y) with radius r, filled in the current source. */
void rfig_marker(cairo_t *cr, size_t i, double x, double y, double r);
/* Fills a rectangle in series i's colour and hatch (bars). */
void rfig_hatch_rect(cairo_t *cr, size_t i, double x, double y, double w, double h);

/* --- drawing by kind (figure_plot.c, figure_flow.c) --- */
void rfig_plot_draw(const rfig *f, rtext *t, double w, double h);
void rfig_plot_size(const rfig *f, double *w /* OUT */, double *h /* OUT */);
void rfig_flow_draw(const rfig *f, rtext *t, double w, double h);
void rfig_flow_size(const rfig *f, rtext *t, double *w /* OUT */, double *h /* OUT */);

#endif
