/*
** figure_flow.c: the CONSORT-style flow diagram (rfig_flow).
**
** Main boxes stand in one column, top to bottom, all as wide as the widest
** (CONSORT draws the trunk in equal boxes), joined by downward arrows.
** Side boxes of main box i (exclusions, losses) stand in a second column
** to the right, stacked in the gap between box i and box i+1, each fed by
** a horizontal arrow from the trunk; side boxes of the last main box hang
** from a trunk line continued below it. Text is measured with pango:
** main boxes wrap at MAIN_WRAP points and centre their lines; side boxes
** wrap at SIDE_WRAP and align left, as CONSORT's exclusion boxes do (a
** list of reasons reads down a left edge). Box sizes are the measured
** text plus padding, so the text never spills.
**
** rfig_flow_size gives the natural size; rfig_flow_draw draws at that size
** scaled down (never up) to fit the w x h it is given, centred.
** Cost: O(boxes x side boxes) scans to find each box's side boxes; a flow
** diagram has tens of boxes.
*/
#include "report/figure_int.h"

#include <math.h>
#include <string.h>

#define PAD 8.0
#define FS_BOX 9.0
#define BOX_PX 8.0
#define BOX_PY 5.0
#define MAIN_WRAP 230.0
#define SIDE_WRAP 190.0
#define GAP_X 34.0
#define GAP_Y 24.0
#define SIDE_GAP 8.0
#define ARROW 6.0

typedef struct flow {
  const rfig *f;
  rtext *t;
  double main_w, side_w; /* box widths, padding included */
  double W, H;           /* natural size */
} flow;

static void box_text(rtext *t, const char *s, double wrap, bool centre) {
  rtext_font(t, FS_BOX, false);
  rtext_set(t, s, wrap, centre ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
}

static double main_h(flow *fl, size_t i) {
  double w, h;
  box_text(fl->t, fl->f->box[i], fl->main_w - 2 * BOX_PX, true);
  rtext_size(fl->t, &w, &h);
  return h + 2 * BOX_PY;
}

static double side_h(flow *fl, size_t k) {
  double w, h;
  box_text(fl->t, fl->f->side[k].text, fl->side_w - 2 * BOX_PX, false);
  rtext_size(fl->t, &w, &h);
  return h + 2 * BOX_PY;
}

/* Total height of main box i's side boxes, gaps between them included. */
static double sides_h(flow *fl, size_t i, size_t *count) {
  double tot = 0;
  size_t k = 0;
  for (size_t j = 0; j < fl->f->n_side; j++) {
    if (fl->f->side[j].parent != i) continue;
    tot += side_h(fl, j) + (k ? SIDE_GAP : 0);
    k++;
  }
  *count = k;
  return tot;
}

/* The gap under main box i (0 under the last box without side boxes). */
static double gap_after(flow *fl, size_t i) {
  size_t k;
  double sh = sides_h(fl, i, &k);
  bool last = i + 1 == fl->f->n_box;
  if (k == 0) return last ? 0 : GAP_Y;
  return fmax(GAP_Y, sh + 2 * 10);
}

static void measure(flow *fl) {
  const rfig *f = fl->f;
  double w, h;
  fl->main_w = 60;
  for (size_t i = 0; i < f->n_box; i++) {
    box_text(fl->t, f->box[i], MAIN_WRAP, true);
    rtext_size(fl->t, &w, &h);
    if (w + 2 * BOX_PX > fl->main_w) fl->main_w = w + 2 * BOX_PX;
  }
  fl->side_w = 0;
  for (size_t j = 0; j < f->n_side; j++) {
    box_text(fl->t, f->side[j].text, SIDE_WRAP, false);
    rtext_size(fl->t, &w, &h);
    if (w + 2 * BOX_PX > fl->side_w) fl->side_w = w + 2 * BOX_PX;
  }
  /* ceil so the wrap width given back to pango is never below the text */
  fl->main_w = ceil(fl->main_w + 0.5);
  fl->side_w = ceil(fl->side_w + 0.5);
  fl->W = 2 * PAD + fl->main_w + (f->n_side ? GAP_X + fl->side_w : 0);
  fl->H = 2 * PAD;
  for (size_t i = 0; i < f->n_box; i++) fl->H += main_h(fl, i) + gap_after(fl, i);
  if (f->n_box == 0) fl->H += 20;
}

void rfig_flow_size(const rfig *f, rtext *t, double *w, double *h) {
  flow fl;
  memset(&fl, 0, sizeof fl);
  fl.f = f;
  fl.t = t;
  measure(&fl);
  *w = fl.W;
  *h = fl.H;
}

static void arrow_head(cairo_t *cr, double x, double y, double dx, double dy) {
  /* tip at (x, y), pointing along the unit vector (dx, dy) */
  double bx = x - dx * ARROW, by = y - dy * ARROW;
  double px = -dy * ARROW * 0.55, py = dx * ARROW * 0.55;
  cairo_move_to(cr, x, y);
  cairo_line_to(cr, bx + px, by + py);
  cairo_line_to(cr, bx - px, by - py);
  cairo_close_path(cr);
  cairo_fill(cr);
}

static void draw_box(flow *fl, double x, double y, double w, double h, const char *text,
                     bool centre) {
  cairo_t *cr = fl->t->cr;
  cairo_rectangle(cr, x, y, w, h);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_fill_preserve(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, 0.8);
  cairo_stroke(cr);
  box_text(fl->t, text, w - 2 * BOX_PX, centre);
  rtext_show(fl->t, x + BOX_PX, y + BOX_PY);
}

void rfig_flow_draw(const rfig *f, rtext *t, double w, double h) {
  cairo_t *cr = t->cr;
  flow fl;
  memset(&fl, 0, sizeof fl);
  fl.f = f;
  fl.t = t;
  measure(&fl);
  double s = fmin(1.0, fmin(w / fl.W, h / fl.H));
  cairo_save(cr);
  cairo_translate(cr, (w - fl.W * s) / 2, (h - fl.H * s) / 2);
  cairo_scale(cr, s, s);
  rtext_update(t);
  double cx = PAD + fl.main_w / 2;
  double sx = PAD + fl.main_w + GAP_X;
  double y = PAD;
  for (size_t i = 0; i < f->n_box; i++) {
    double bh = main_h(&fl, i);
    draw_box(&fl, PAD, y, fl.main_w, bh, f->box[i], true);
    double bottom = y + bh;
    double gap = gap_after(&fl, i);
    size_t k;
    double sh = sides_h(&fl, i, &k);
    bool last = i + 1 == f->n_box;
    double sy = bottom + (gap - sh) / 2;
    double trunk_end = bottom + gap;
    cairo_set_line_width(cr, 0.8);
    cairo_set_source_rgb(cr, 0, 0, 0);
    /* side boxes and their arrows */
    double last_mid = bottom;
    for (size_t j = 0; j < f->n_side; j++) {
      if (f->side[j].parent != i) continue;
      double hh = side_h(&fl, j);
      draw_box(&fl, sx, sy, fl.side_w, hh, f->side[j].text, false);
      double mid = sy + hh / 2;
      cairo_set_source_rgb(cr, 0, 0, 0);
      cairo_move_to(cr, cx, mid);
      cairo_line_to(cr, sx - ARROW + 0.5, mid);
      cairo_stroke(cr);
      arrow_head(cr, sx, mid, 1, 0);
      last_mid = mid;
      sy += hh + SIDE_GAP;
    }
    /* the trunk: to the next box with an arrow, or down to the last side */
    if (!last) {
      cairo_move_to(cr, cx, bottom);
      cairo_line_to(cr, cx, trunk_end - ARROW + 0.5);
      cairo_stroke(cr);
      arrow_head(cr, cx, trunk_end, 0, 1);
    } else if (k > 0) {
      cairo_move_to(cr, cx, bottom);
      cairo_line_to(cr, cx, last_mid);
      cairo_stroke(cr);
    }
    y = trunk_end;
  }
  cairo_restore(cr);
  rtext_update(t);
}
