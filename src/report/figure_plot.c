/*
** figure_plot.c: the three kinds with axes: lines (trajectories with error
** bars), km (Kaplan-Meier step curves with a number-at-risk table) and
** bars (grouped or stacked, values printed on the bars).
**
** Layout, in points, for a w x h area:
**
**   +------------------------------------------------+
**   | legend (rows of sample + name), when >= 2 series|
**   |   y  +---------------------------------------+  |
**   |   l  | plot area (x0..x1, y0..y1)            |  |
**   |   a  |                                       |  |
**   |   b  +---------------------------------------+  |
**   |        x tick labels (a second row if they would collide)
**   |        x label                                 |
**   |  Number at risk          (km only, one row per curve, counts
**   |  curve name (its colour)  centred under the x ticks)
**   +------------------------------------------------+
**
** Margins come from measured text (tick labels, the wrapped axis labels,
** the risk-table names), so nothing is clipped and the legend sits above
** the plot area, never on the data. Axes are two thin black spines (left,
** bottom) with outward ticks; no grid. y ticks are Heckbert's loose labels
** (figure.c); a lines figure with rfig_xticks gets ticks only at those x,
** and a km figure with a risk table gets its x ticks at the risk times, so
** the counts sit exactly under the ticks.
**
** Costs: O(points) per series; a km curve is one path however many steps,
** and all censoring marks of a curve are one stroke. Steps and marks that
** land within KM_MERGE (0.25 pt) of the previous one are merged, so the
** path holds at most a few thousand segments whatever n is (10,000 steps
** would otherwise cost ~0.1 s per output in cairo's stroker). No
** allocation: the layout is recomputed from the figure on every draw.
*/
#include "report/figure_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define PAD 8.0
#define TICK_LEN 4.0
#define FS_TICK 9.0
#define FS_LABEL 10.0
#define FS_LEGEND 9.0
#define FS_RISK 8.5
#define FS_VALUE 8.0
#define RISK_ROW 13.0
#define LEG_SAMPLE 26.0
#define LINE_W 1.4
#define MARK_R 3.2
#define KM_MERGE 0.25 /* points */

enum { XM_LOOSE, XM_CATEGORICAL, XM_RISK, XM_BARS };

typedef struct plot {
  const rfig *f;
  rtext *t;
  double W, H;
  double x0, x1, y0, y1;     /* plot area */
  double xlo, xhi, ylo, yhi; /* data ranges mapped onto it */
  rfig_ticks yt, xt;
  int xmode;
  int xdec;                  /* decimals of risk-time labels */
  bool has_data;
  bool legend;
  double legend_h;
  double ylab_h, xlab_h;
  double xband;              /* height of the x tick label band */
  double risk_y;             /* top of the risk table */
  int vdec;                  /* bars: decimals of the value labels */
  bool vrot;                 /* bars: value labels rotated */
  double vext;               /* bars: how far a value label reaches above a bar */
} plot;

/* ------------------------------------------------------------------ */
/* ranges                                                              */

static void widen(double v, double *lo, double *hi) {
  if (!isfinite(v)) return;
  if (v < *lo) *lo = v;
  if (v > *hi) *hi = v;
}

static void y_range(plot *p) {
  const rfig *f = p->f;
  double lo = INFINITY, hi = -INFINITY;
  if (f->kind == RFIG_LINES) {
    for (size_t i = 0; i < f->n_ser; i++) {
      const rfig_ser *s = &f->ser[i];
      for (size_t j = 0; j < s->n; j++) {
        if (!isfinite(s->x[j]) || !isfinite(s->y[j])) continue;
        widen(s->y[j], &lo, &hi);
        if (s->lo && isfinite(s->lo[j]) && isfinite(s->hi[j])) {
          widen(s->lo[j], &lo, &hi);
          widen(s->hi[j], &lo, &hi);
        }
      }
    }
  } else if (f->kind == RFIG_KM) {
    lo = 0;
    hi = 1;
    for (size_t i = 0; i < f->n_ser; i++)
      if (f->ser[i].n || f->ser[i].n_cens) p->has_data = true;
  } else { /* bars */
    lo = hi = 0;
    for (size_t c = 0; c < f->n_cat; c++) {
      double pos = 0, neg = 0;
      for (size_t i = 0; i < f->n_ser; i++) {
        double v = f->ser[i].v[c];
        if (!isfinite(v)) continue;
        p->has_data = true;
        if (f->stacked) {
          if (v > 0) pos += v;
          else neg += v;
        } else {
          widen(v, &lo, &hi);
        }
      }
      if (f->stacked) {
        widen(pos, &lo, &hi);
        widen(neg, &lo, &hi);
      }
    }
  }
  if (f->kind == RFIG_LINES) p->has_data = lo <= hi;
  if (!(lo <= hi)) {
    lo = 0;
    hi = 1;
  }
  if (f->has_ylim) {
    p->ylo = f->ylim[0];
    p->yhi = f->ylim[1];
    rfig_loose_ticks(p->ylo, p->yhi, 5, &p->yt);
  } else {
    rfig_loose_ticks(lo, hi, 5, &p->yt);
    p->ylo = p->yt.lo;
    p->yhi = p->yt.hi;
  }
}

static void x_range(plot *p) {
  const rfig *f = p->f;
  double lo = INFINITY, hi = -INFINITY;
  if (f->kind == RFIG_BARS) {
    p->xmode = XM_BARS;
    p->xlo = 0;
    p->xhi = (double)(f->n_cat ? f->n_cat : 1);
    return;
  }
  for (size_t i = 0; i < f->n_ser; i++) {
    const rfig_ser *s = &f->ser[i];
    for (size_t j = 0; j < s->n; j++)
      if (isfinite(s->y[j])) widen(s->x[j], &lo, &hi);
    for (size_t j = 0; j < s->n_cens; j++) widen(s->cx[j], &lo, &hi);
  }
  if (f->kind == RFIG_KM) {
    lo = 0; /* curves start at (0, 1) */
    if (!(hi > 0)) hi = 1;
    if (f->n_rt) {
      p->xmode = XM_RISK;
      p->xdec = 0;
      for (size_t k = 0; k < f->n_rt; k++) {
        widen(f->rt[k], &lo, &hi);
        int d = rfig_decimals(f->rt[k]);
        if (d > p->xdec) p->xdec = d;
      }
      p->xlo = lo;
      p->xhi = hi;
    } else {
      p->xmode = XM_LOOSE;
      rfig_loose_ticks(0, hi, 6, &p->xt);
      p->xlo = p->xt.lo;
      p->xhi = p->xt.hi;
    }
  } else if (f->n_xt) {
    p->xmode = XM_CATEGORICAL;
    for (size_t k = 0; k < f->n_xt; k++) widen(f->xt[k], &lo, &hi);
    if (!(lo <= hi)) {
      lo = 0;
      hi = 1;
    }
    double pad = (hi - lo) * 0.05;
    if (!(pad > 0)) pad = 0.5;
    p->xlo = lo - pad;
    p->xhi = hi + pad;
  } else {
    p->xmode = XM_LOOSE;
    if (!(lo <= hi)) {
      lo = 0;
      hi = 1;
    }
    rfig_loose_ticks(lo, hi, 6, &p->xt);
    p->xlo = p->xt.lo;
    p->xhi = p->xt.hi;
  }
  if (f->has_xlim) {
    p->xlo = f->xlim[0];
    p->xhi = f->xlim[1];
    if (p->xmode == XM_LOOSE) rfig_loose_ticks(p->xlo, p->xhi, 6, &p->xt);
  }
}

static double X(const plot *p, double v) {
  return p->x0 + (v - p->xlo) / (p->xhi - p->xlo) * (p->x1 - p->x0);
}

static double Y(const plot *p, double v) {
  return p->y1 - (v - p->ylo) / (p->yhi - p->ylo) * (p->y1 - p->y0);
}

/* ------------------------------------------------------------------ */
/* ticks                                                               */

static bool in_range(double v, double lo, double hi) {
  double eps = (hi - lo) * 1e-9;
  return v >= lo - eps && v <= hi + eps;
}

static size_t y_tick_count(const plot *p) { return p->yt.n; }

/* The i-th y tick; false when outside the fixed range. */
static bool y_tick(const plot *p, size_t i, double *v, char *buf, size_t size) {
  *v = rfig_tick_at(&p->yt, i);
  if (!in_range(*v, p->ylo, p->yhi)) return false;
  rfig_fmt_num(buf, size, *v, p->yt.nfrac);
  return true;
}

static size_t x_tick_count(const plot *p) {
  switch (p->xmode) {
  case XM_CATEGORICAL: return p->f->n_xt;
  case XM_RISK: return p->f->n_rt;
  case XM_BARS: return p->f->n_cat;
  default: return p->xt.n;
  }
}

/* The i-th x tick value and label (label points into buf or the figure). */
static bool x_tick(const plot *p, size_t i, double *v, const char **label, char *buf, size_t size) {
  const rfig *f = p->f;
  switch (p->xmode) {
  case XM_CATEGORICAL:
    *v = f->xt[i];
    *label = f->xt_lab[i];
    break;
  case XM_RISK:
    *v = f->rt[i];
    rfig_fmt_num(buf, size, *v, p->xdec);
    *label = buf;
    break;
  case XM_BARS:
    *v = (double)i + 0.5;
    *label = f->cat[i];
    return true;
  default:
    *v = rfig_tick_at(&p->xt, i);
    rfig_fmt_num(buf, size, *v, p->xt.nfrac);
    *label = buf;
    break;
  }
  return isfinite(*v) && in_range(*v, p->xlo, p->xhi);
}

/* Places the x tick labels (lines, km): a label that would collide with
** the previous one on row 0 goes to row 1, and is left out if it collides
** there too. Returns the rows used; with draw, draws the labels. */
static int x_labels(plot *p, bool draw) {
  rtext *t = p->t;
  double right[2] = {-INFINITY, -INFINITY};
  double rowh = 0;
  int rows = 0;
  char buf[64];
  rtext_font(t, FS_TICK, false);
  size_t n = x_tick_count(p);
  for (size_t i = 0; i < n; i++) {
    double v;
    const char *lab;
    if (!x_tick(p, i, &v, &lab, buf, sizeof buf)) continue;
    double w, h;
    rtext_set(t, lab, -1, PANGO_ALIGN_LEFT);
    rtext_size(t, &w, &h);
    rowh = h;
    double cx = X(p, v);
    int row = -1;
    if (cx - w / 2 >= right[0] + 4) row = 0;
    else if (cx - w / 2 >= right[1] + 4) row = 1;
    if (row < 0) continue;
    right[row] = cx + w / 2;
    if (row + 1 > rows) rows = row + 1;
    if (draw) rtext_show(t, cx - w / 2, p->y1 + TICK_LEN + 2 + row * (h + 1));
  }
  p->xband = rows * (rowh + 1);
  return rows;
}

/* Bars: category names wrapped to their slot. Returns the band height. */
static double bar_labels(plot *p, bool draw) {
  rtext *t = p->t;
  const rfig *f = p->f;
  double band = 0;
  double sw = (p->x1 - p->x0) / (double)(f->n_cat ? f->n_cat : 1);
  rtext_font(t, FS_TICK, false);
  for (size_t c = 0; c < f->n_cat; c++) {
    double w, h;
    rtext_set(t, f->cat[c], sw - 4 > 10 ? sw - 4 : 10, PANGO_ALIGN_CENTER);
    rtext_size(t, &w, &h);
    if (h > band) band = h;
    if (draw) rtext_show(t, p->x0 + c * sw + 2, p->y1 + TICK_LEN + 2);
  }
  return band;
}

/* ------------------------------------------------------------------ */
/* legend                                                              */

static double legend_entry_w(plot *p, size_t i) {
  double w, h;
  rtext_font(p->t, FS_LEGEND, false);
  rtext_set(p->t, p->f->ser[i].name, -1, PANGO_ALIGN_LEFT);
  rtext_size(p->t, &w, &h);
  double sample = p->f->kind == RFIG_BARS ? 11 : LEG_SAMPLE;
  return sample + 5 + w;
}

/* Rows of legend entries across [x0, x1]; draws them when draw. Returns
** the height. */
static double legend(plot *p, bool draw) {
  const rfig *f = p->f;
  rtext *t = p->t;
  cairo_t *cr = t->cr;
  double avail = p->x1 - p->x0;
  double rowh = 13;
  double x = 0, y = PAD;
  int rows = 1;
  for (size_t i = 0; i < f->n_ser; i++) {
    double w = legend_entry_w(p, i);
    if (x > 0 && x + w > avail) {
      x = 0;
      y += rowh;
      rows++;
    }
    if (draw) {
      double sx = p->x0 + x, cy = y + rowh / 2;
      double rgb[3];
      rfig_colour(i, rgb);
      if (f->kind == RFIG_BARS) {
        rfig_hatch_rect(cr, i, sx, cy - 5, 11, 10);
      } else {
        cairo_save(cr);
        cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
        cairo_set_line_width(cr, LINE_W);
        rfig_dash(cr, i);
        cairo_move_to(cr, sx, cy);
        cairo_line_to(cr, sx + LEG_SAMPLE, cy);
        if (f->ser[i].no_line) cairo_new_path(cr);
        else cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        if (f->kind == RFIG_LINES && !f->ser[i].no_markers)
          rfig_marker(cr, i, sx + LEG_SAMPLE / 2, cy, MARK_R);
        cairo_restore(cr);
      }
      double tw, th;
      rtext_font(t, FS_LEGEND, false);
      rtext_set(t, f->ser[i].name, -1, PANGO_ALIGN_LEFT);
      rtext_size(t, &tw, &th);
      cairo_set_source_rgb(cr, 0, 0, 0);
      double sample = f->kind == RFIG_BARS ? 11 : LEG_SAMPLE;
      rtext_show(t, sx + sample + 5, cy - th / 2);
    }
    x += w + 14;
  }
  return rows * rowh;
}

/* ------------------------------------------------------------------ */
/* layout                                                              */

static const char *km_ylab(const rfig *f) {
  if (f->ylab && *f->ylab) return f->ylab;
  return f->kind == RFIG_KM ? "Survival (proportion)" : NULL;
}

/* Bars: decimals and extent of value labels. */
static void bar_values_measure(plot *p) {
  const rfig *f = p->f;
  int dec = 0;
  for (size_t i = 0; i < f->n_ser; i++)
    for (size_t c = 0; c < f->n_cat; c++) {
      int d = rfig_decimals(f->ser[i].v[c]);
      if (d > dec) dec = d;
    }
  p->vdec = dec > 1 ? 1 : dec;
  double maxw = 0, h = 10;
  char buf[64];
  rtext_font(p->t, FS_VALUE, false);
  for (size_t c = 0; c < f->n_cat; c++) {
    double tot = 0;
    for (size_t i = 0; i < f->n_ser; i++) {
      double v = f->ser[i].v[c];
      if (!isfinite(v)) continue;
      if (v > 0) tot += v;
      if (!f->stacked) {
        rfig_fmt_num(buf, sizeof buf, v, p->vdec);
        double w;
        rtext_set(p->t, buf, -1, PANGO_ALIGN_LEFT);
        rtext_size(p->t, &w, &h);
        if (w > maxw) maxw = w;
      }
    }
    if (f->stacked) {
      rfig_fmt_num(buf, sizeof buf, tot, p->vdec);
      double w;
      rtext_set(p->t, buf, -1, PANGO_ALIGN_LEFT);
      rtext_size(p->t, &w, &h);
      if (w > maxw) maxw = w;
    }
  }
  /* bar width known only after the margins: decided in layout() */
  p->vext = maxw;
  p->vrot = false;
  (void)h;
}

static double bar_width(const plot *p, double *group_w) {
  const rfig *f = p->f;
  double sw = (p->x1 - p->x0) / (double)(f->n_cat ? f->n_cat : 1);
  size_t ns = f->n_ser ? f->n_ser : 1;
  if (f->stacked) {
    double bw = fmin(sw * 0.55, 64);
    *group_w = bw;
    return bw;
  }
  double gw = fmin(sw * 0.8, (double)ns * 44);
  *group_w = gw;
  return gw / (double)ns;
}

static void layout(plot *p) {
  const rfig *f = p->f;
  rtext *t = p->t;
  double w, h;
  char buf[64];
  y_range(p);
  x_range(p);
  p->legend = f->n_ser >= 2;

  /* left margin: y label (rotated, wrapped), y tick labels, tick marks */
  double lm = PAD;
  const char *ylab = km_ylab(f);
  p->ylab_h = 0;
  if (ylab && *ylab) {
    rtext_font(t, FS_LABEL, false);
    rtext_set(t, ylab, p->H * 0.6, PANGO_ALIGN_CENTER);
    rtext_size(t, &w, &p->ylab_h);
    lm += p->ylab_h + 6;
  }
  double ytw = 0;
  rtext_font(t, FS_TICK, false);
  for (size_t i = 0; i < y_tick_count(p); i++) {
    double v;
    if (!y_tick(p, i, &v, buf, sizeof buf)) continue;
    rtext_set(t, buf, -1, PANGO_ALIGN_LEFT);
    rtext_size(t, &w, &h);
    if (w > ytw) ytw = w;
  }
  lm += ytw + 3 + TICK_LEN;
  if (f->kind == RFIG_KM && f->n_rt) {
    rtext_font(t, FS_RISK, true);
    for (size_t i = 0; i < f->n_rc && i < f->n_ser; i++) {
      rtext_set(t, f->ser[i].name, -1, PANGO_ALIGN_LEFT);
      rtext_size(t, &w, &h);
      w = fmin(w, p->W * 0.35);
      if (PAD + w + 10 > lm) lm = PAD + w + 10;
    }
  }
  /* right margin: half of the widest x label may hang past x1 */
  double rm = PAD + 6;
  if (p->xmode != XM_BARS) {
    rtext_font(t, FS_TICK, false);
    size_t n = x_tick_count(p);
    for (size_t i = 0; i < n; i++) {
      double v;
      const char *lab;
      if (!x_tick(p, i, &v, &lab, buf, sizeof buf)) continue;
      rtext_set(t, lab, -1, PANGO_ALIGN_LEFT);
      rtext_size(t, &w, &h);
      if (PAD + w / 2 > rm) rm = PAD + w / 2;
    }
  }
  p->x0 = lm;
  p->x1 = p->W - rm;
  if (p->x1 - p->x0 < 40) p->x1 = p->x0 + 40;

  /* top: legend rows, bar value labels, half a tick label */
  double top = PAD + 6;
  if (p->legend) {
    p->legend_h = legend(p, false);
    top = PAD + p->legend_h + 10;
  }
  if (f->kind == RFIG_BARS) {
    bar_values_measure(p);
    double gw;
    double bw = bar_width(p, &gw);
    rtext_font(t, FS_VALUE, false);
    rtext_set(t, "0", -1, PANGO_ALIGN_LEFT);
    rtext_size(t, &w, &h);
    p->vrot = !f->stacked && p->vext > bw + 1;
    double ext = (p->vrot ? p->vext : h) + 3;
    p->vext = ext;
    top += ext;
  }
  p->y0 = top;

  /* bottom: tick labels, x label, risk table */
  double bottom = PAD;
  if (f->kind == RFIG_KM && f->n_rt) bottom += 12 + (double)(f->n_rc + 1) * RISK_ROW;
  p->xlab_h = 0;
  if (f->xlab && *f->xlab) {
    rtext_font(t, FS_LABEL, false);
    rtext_set(t, f->xlab, p->x1 - p->x0, PANGO_ALIGN_CENTER);
    rtext_size(t, &w, &p->xlab_h);
    bottom += p->xlab_h + 5;
  }
  /* The tick band does not depend on y1: measure with a provisional y1. */
  p->y1 = p->H - bottom;
  if (p->xmode == XM_BARS) p->xband = bar_labels(p, false);
  else x_labels(p, false);
  bottom += TICK_LEN + 2 + p->xband;
  p->y1 = p->H - bottom;
  if (p->y1 - p->y0 < 40) p->y1 = p->y0 + 40;
  p->risk_y = p->y1 + TICK_LEN + 2 + p->xband + (p->xlab_h > 0 ? p->xlab_h + 5 : 0) + 12;
}

/* ------------------------------------------------------------------ */
/* axes                                                                */

static void draw_axes(plot *p) {
  rtext *t = p->t;
  cairo_t *cr = t->cr;
  const rfig *f = p->f;
  char buf[64];
  double w, h;
  cairo_save(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, 0.75);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_SQUARE);
  /* spines */
  cairo_move_to(cr, p->x0, p->y0);
  cairo_line_to(cr, p->x0, p->y1);
  cairo_line_to(cr, p->x1, p->y1);
  cairo_stroke(cr);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
  /* y ticks and labels */
  rtext_font(t, FS_TICK, false);
  for (size_t i = 0; i < y_tick_count(p); i++) {
    double v;
    if (!y_tick(p, i, &v, buf, sizeof buf)) continue;
    double y = Y(p, v);
    cairo_move_to(cr, p->x0 - TICK_LEN, y);
    cairo_line_to(cr, p->x0, y);
    cairo_stroke(cr);
    rtext_set(t, buf, -1, PANGO_ALIGN_LEFT);
    rtext_size(t, &w, &h);
    rtext_show(t, p->x0 - TICK_LEN - 3 - w, y - h / 2);
  }
  /* zero line for bars that go below 0 */
  if (f->kind == RFIG_BARS && p->ylo < 0 && p->yhi > 0) {
    cairo_move_to(cr, p->x0, Y(p, 0));
    cairo_line_to(cr, p->x1, Y(p, 0));
    cairo_stroke(cr);
  }
  /* x ticks and labels */
  if (p->xmode == XM_BARS) {
    bar_labels(p, true);
  } else {
    size_t n = x_tick_count(p);
    for (size_t i = 0; i < n; i++) {
      double v;
      const char *lab;
      if (!x_tick(p, i, &v, &lab, buf, sizeof buf)) continue;
      double x = X(p, v);
      cairo_move_to(cr, x, p->y1);
      cairo_line_to(cr, x, p->y1 + TICK_LEN);
      cairo_stroke(cr);
    }
    x_labels(p, true);
  }
  /* axis labels */
  if (p->xlab_h > 0) {
    rtext_font(t, FS_LABEL, false);
    rtext_set(t, f->xlab, p->x1 - p->x0, PANGO_ALIGN_CENTER);
    rtext_show(t, p->x0, p->y1 + TICK_LEN + 2 + p->xband + 5);
  }
  const char *ylab = km_ylab(f);
  if (p->ylab_h > 0) {
    double ph = p->y1 - p->y0;
    cairo_save(cr);
    cairo_translate(cr, PAD, (p->y0 + p->y1) / 2);
    cairo_rotate(cr, -G_PI / 2);
    rtext_update(t);
    rtext_font(t, FS_LABEL, false);
    rtext_set(t, ylab, ph, PANGO_ALIGN_CENTER);
    rtext_show(t, -ph / 2, 0);
    cairo_restore(cr);
    rtext_update(t);
  }
  cairo_restore(cr);
}

static void no_data(plot *p) {
  double w, h;
  rtext_font(p->t, FS_LABEL, false);
  rtext_set(p->t, "No data", -1, PANGO_ALIGN_LEFT);
  rtext_size(p->t, &w, &h);
  cairo_set_source_rgb(p->t->cr, 0.35, 0.35, 0.35);
  rtext_show(p->t, (p->x0 + p->x1 - w) / 2, (p->y0 + p->y1 - h) / 2);
  cairo_set_source_rgb(p->t->cr, 0, 0, 0);
}

/* Clip to the plot area, with room for markers and line width. */
static void clip_plot(plot *p, double slack) {
  cairo_rectangle(p->t->cr, p->x0 - slack, p->y0 - slack, p->x1 - p->x0 + 2 * slack,
                  p->y1 - p->y0 + 2 * slack);
  cairo_clip(p->t->cr);
}

/* ------------------------------------------------------------------ */
/* lines                                                               */

static void draw_lines(plot *p) {
  const rfig *f = p->f;
  cairo_t *cr = p->t->cr;
  bool any_bars = false;
  for (size_t i = 0; i < f->n_ser; i++)
    if (f->ser[i].lo) any_bars = true;
  cairo_save(cr);
  clip_plot(p, MARK_R + 2);
  for (size_t i = 0; i < f->n_ser; i++) {
    const rfig_ser *s = &f->ser[i];
    double rgb[3];
    rfig_colour(i, rgb);
    /* dodge series sideways so error bars at the same x do not overlap */
    double dx = (any_bars && f->n_ser > 1) ? ((double)i - (double)(f->n_ser - 1) / 2) * 4.0 : 0;
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    if (s->lo) {
      cairo_set_line_width(cr, 0.9);
      cairo_set_dash(cr, NULL, 0, 0);
      for (size_t j = 0; j < s->n; j++) {
        if (!isfinite(s->x[j]) || !isfinite(s->y[j]) || !isfinite(s->lo[j]) ||
            !isfinite(s->hi[j]))
          continue;
        double x = X(p, s->x[j]) + dx, ylo = Y(p, s->lo[j]), yhi = Y(p, s->hi[j]);
        cairo_move_to(cr, x, ylo);
        cairo_line_to(cr, x, yhi);
        cairo_move_to(cr, x - 3, ylo);
        cairo_line_to(cr, x + 3, ylo);
        cairo_move_to(cr, x - 3, yhi);
        cairo_line_to(cr, x + 3, yhi);
      }
      cairo_stroke(cr);
    }
    cairo_set_line_width(cr, LINE_W);
    rfig_dash(cr, i);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    bool pen = false;
    for (size_t j = 0; j < s->n; j++) {
      if (!isfinite(s->x[j]) || !isfinite(s->y[j])) {
        pen = false;
        continue;
      }
      double x = X(p, s->x[j]) + dx, y = Y(p, s->y[j]);
      if (pen) cairo_line_to(cr, x, y);
      else cairo_move_to(cr, x, y);
      pen = true;
    }
    if (s->no_line) cairo_new_path(cr);
    else cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    for (size_t j = 0; !s->no_markers && j < s->n; j++) {
      if (!isfinite(s->x[j]) || !isfinite(s->y[j])) continue;
      rfig_marker(cr, i, X(p, s->x[j]) + dx, Y(p, s->y[j]), MARK_R);
    }
  }
  cairo_restore(cr);
}

/* ------------------------------------------------------------------ */
/* Kaplan-Meier                                                        */

static void draw_km(plot *p) {
  const rfig *f = p->f;
  cairo_t *cr = p->t->cr;
  cairo_save(cr);
  clip_plot(p, 4);
  for (size_t i = 0; i < f->n_ser; i++) {
    const rfig_ser *s = &f->ser[i];
    double rgb[3];
    rfig_colour(i, rgb);
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    cairo_set_line_width(cr, LINE_W);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    rfig_dash(cr, i);
    /* The steps as one path. Jumps closer than MERGE points to the pen's
    ** column become one vertical drop there, so a curve of any length
    ** emits at most ~ plot width / MERGE segments (0.25 pt: half a pixel
    ** of the 2x PNG). */
    double prev = 1.0, tend = 0;
    double px = X(p, 0), py = Y(p, 1.0), pend = py;
    cairo_move_to(cr, px, py);
    for (size_t j = 0; j < s->n; j++) {
      if (!isfinite(s->x[j]) || !isfinite(s->y[j])) continue;
      double x = X(p, s->x[j]);
      if (x - px >= KM_MERGE) {
        if (pend != py) cairo_line_to(cr, px, pend);
        cairo_line_to(cr, x, pend);
        px = x;
        py = pend;
      }
      pend = Y(p, s->y[j]);
      prev = s->y[j];
      if (s->x[j] > tend) tend = s->x[j];
    }
    if (pend != py) cairo_line_to(cr, px, pend);
    for (size_t j = 0; j < s->n_cens; j++)
      if (isfinite(s->cx[j]) && s->cx[j] > tend) tend = s->cx[j];
    cairo_line_to(cr, fmax(X(p, tend), px), Y(p, prev));
    cairo_stroke(cr);
    /* censoring marks: '+', one stroke for the curve; a mark within
    ** KM_MERGE of the last one drawn would cover it, so it is skipped */
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_width(cr, 0.9);
    double lx = -INFINITY, ly = -INFINITY;
    for (size_t j = 0; j < s->n_cens; j++) {
      if (!isfinite(s->cx[j]) || !isfinite(s->cy[j])) continue;
      double x = X(p, s->cx[j]), y = Y(p, s->cy[j]);
      if (fabs(x - lx) < KM_MERGE && fabs(y - ly) < KM_MERGE) continue;
      lx = x;
      ly = y;
      cairo_move_to(cr, x - 3, y);
      cairo_line_to(cr, x + 3, y);
      cairo_move_to(cr, x, y - 3);
      cairo_line_to(cr, x, y + 3);
    }
    cairo_stroke(cr);
  }
  cairo_restore(cr);
}

static void draw_risk(plot *p) {
  const rfig *f = p->f;
  rtext *t = p->t;
  cairo_t *cr = t->cr;
  if (!f->n_rt) return;
  double w, h;
  char buf[32];
  cairo_set_source_rgb(cr, 0, 0, 0);
  rtext_font(t, FS_RISK, true);
  rtext_set(t, "Number at risk", -1, PANGO_ALIGN_LEFT);
  rtext_show(t, PAD, p->risk_y);
  for (size_t c = 0; c < f->n_rc; c++) {
    double y = p->risk_y + (double)(c + 1) * RISK_ROW;
    double rgb[3];
    rfig_colour(c, rgb);
    if (c < f->n_ser) {
      rtext_font(t, FS_RISK, true);
      rtext_set(t, f->ser[c].name, -1, PANGO_ALIGN_LEFT);
      rtext_size(t, &w, &h);
      if (w > p->W * 0.35) {
        pango_layout_set_width(t->lay, (int)(p->W * 0.35 * PANGO_SCALE));
        pango_layout_set_ellipsize(t->lay, PANGO_ELLIPSIZE_END);
        rtext_size(t, &w, &h);
      }
      cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
      rtext_show(t, p->x0 - 10 - w, y);
      pango_layout_set_ellipsize(t->lay, PANGO_ELLIPSIZE_NONE);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    rtext_font(t, FS_RISK, false);
    for (size_t k = 0; k < f->n_rt; k++) {
      double v = f->rt[k];
      if (!isfinite(v) || !in_range(v, p->xlo, p->xhi)) continue;
      snprintf(buf, sizeof buf, "%d", f->rcount[c * f->n_rt + k]);
      rtext_set(t, buf, -1, PANGO_ALIGN_LEFT);
      rtext_size(t, &w, &h);
      rtext_show(t, X(p, v) - w / 2, y);
    }
  }
}

/* ------------------------------------------------------------------ */
/* bars                                                                */

/* Black or white text, whichever reads on the fill. */
static void text_on(cairo_t *cr, size_t i) {
  double rgb[3];
  rfig_colour(i, rgb);
  double lum = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
  if (lum < 0.45) cairo_set_source_rgb(cr, 1, 1, 1);
  else cairo_set_source_rgb(cr, 0, 0, 0);
}

static void value_label(plot *p, double cx, double ybar, double v, bool up) {
  rtext *t = p->t;
  cairo_t *cr = t->cr;
  char buf[64];
  double w, h;
  rfig_fmt_num(buf, sizeof buf, v, p->vdec);
  rtext_font(t, FS_VALUE, false);
  rtext_set(t, buf, -1, PANGO_ALIGN_LEFT);
  rtext_size(t, &w, &h);
  cairo_set_source_rgb(cr, 0, 0, 0);
  if (!p->vrot) {
    rtext_show(t, cx - w / 2, up ? ybar - 2 - h : ybar + 2);
    return;
  }
  cairo_save(cr);
  cairo_translate(cr, cx, ybar + (up ? -2 : 2));
  cairo_rotate(cr, -G_PI / 2);
  rtext_update(t);
  rtext_show(t, up ? 0 : -w, -h / 2);
  cairo_restore(cr);
  rtext_update(t);
}

static void draw_bars(plot *p) {
  const rfig *f = p->f;
  rtext *t = p->t;
  cairo_t *cr = t->cr;
  double sw = (p->x1 - p->x0) / (double)(f->n_cat ? f->n_cat : 1);
  double gw;
  double bw = bar_width(p, &gw);
  double y0 = Y(p, 0);
  char buf[64];
  for (size_t c = 0; c < f->n_cat; c++) {
    double cx = p->x0 + ((double)c + 0.5) * sw;
    if (!f->stacked) {
      for (size_t i = 0; i < f->n_ser; i++) {
        double v = f->ser[i].v[c];
        if (!isfinite(v)) continue;
        double bx = cx - gw / 2 + (double)i * bw;
        double yv = Y(p, v);
        rfig_hatch_rect(cr, i, bx + 0.5, yv, bw - 1, y0 - yv);
        value_label(p, bx + bw / 2, yv, v, v >= 0);
      }
      continue;
    }
    double pos = 0, neg = 0;
    for (size_t i = 0; i < f->n_ser; i++) {
      double v = f->ser[i].v[c];
      if (!isfinite(v) || v == 0) continue;
      double base = v > 0 ? pos : neg;
      double ya = Y(p, base), yb = Y(p, base + v);
      rfig_hatch_rect(cr, i, cx - bw / 2, yb, bw, ya - yb);
      if (v > 0) pos += v;
      else neg += v;
      /* the segment's value inside it when it fits */
      double w, h;
      rfig_fmt_num(buf, sizeof buf, v, p->vdec);
      rtext_font(t, FS_VALUE, false);
      rtext_set(t, buf, -1, PANGO_ALIGN_LEFT);
      rtext_size(t, &w, &h);
      if (fabs(ya - yb) >= h + 1 && w <= bw - 2) {
        /* a plain patch of the fill under the text keeps it readable
        ** over the hatch */
        double rgb[3];
        double tx = cx - w / 2, ty = (ya + yb) / 2 - h / 2;
        rfig_colour(i, rgb);
        cairo_save(cr);
        cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
        cairo_rectangle(cr, tx - 2, ty, w + 4, h);
        cairo_fill(cr);
        text_on(cr, i);
        rtext_show(t, tx, ty);
        cairo_restore(cr);
      }
    }
    if (pos > 0) value_label(p, cx, Y(p, pos), pos, true);
  }
}

/* ------------------------------------------------------------------ */
/* entry points                                                        */

void rfig_plot_size(const rfig *f, double *w, double *h) {
  *w = 480;
  *h = 320;
  if (f->kind == RFIG_BARS) {
    size_t ns = f->n_ser ? f->n_ser : 1;
    double slot = fmax(64, (double)ns * 18 + 24);
    *w = fmin(960, fmax(480, 110 + (double)f->n_cat * slot));
  } else if (f->kind == RFIG_KM && f->n_rt) {
    *h = 320 + 12 + (double)(f->n_rc + 1) * RISK_ROW;
  }
}

void rfig_plot_draw(const rfig *f, rtext *t, double w, double h) {
  plot p;
  memset(&p, 0, sizeof p);
  p.f = f;
  p.t = t;
  p.W = w;
  p.H = h;
  layout(&p);
  draw_axes(&p);
  if (!p.has_data) {
    no_data(&p);
  } else if (f->kind == RFIG_LINES) {
    draw_lines(&p);
  } else if (f->kind == RFIG_KM) {
    draw_km(&p);
  } else {
    draw_bars(&p);
  }
  if (p.legend) legend(&p, true);
  if (f->kind == RFIG_KM) draw_risk(&p);
}
