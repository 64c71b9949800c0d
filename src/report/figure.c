/*
** figure.c: a figure as data (see figure.h), its output files and the
** pieces every kind shares: nice ticks, text, palette and series cues.
**
** Construction copies everything it is given into the rfig (avn_malloc);
** a failed copy sets f->nomem and leaves the figure as it was, so the
** writers can report AVN_E_NOMEM once instead of every caller checking.
** Every function accepts f == NULL (a constructor that failed) and does
** nothing.
**
** Output: rfig_draw is the one picture; rfig_write puts it on a cairo SVG,
** PDF or image surface (PNG at 2x: the image is ceil(2w) x ceil(2h) pixels
** for rfig_size's w x h points), and rfig_svg streams an SVG surface into
** an avn_buf and drops the XML declaration so the text can sit inside HTML.
** Drawing costs O(points + censor marks + boxes); a Kaplan-Meier curve of
** any length is one path. The first text drawn registers an atexit handler
** that releases pango's font map and, once that map is really gone,
** cairo's caches and fontconfig (FcFini), so a program that draws figures
** exits clean under LeakSanitizer without calling anything itself.
**
** Nice ticks follow P. S. Heckbert, "Nice numbers for graph labels", in
** A. S. Glassner (ed.), Graphics Gems, Academic Press, 1990, pp. 61-63 and
** 657-659 ("loose labelling": the graph range is widened to the outer
** ticks). The palette is M. Okabe and K. Ito, "Color Universal Design
** (CUD): how to make figures and presentations that are friendly to
** colorblind people", J*FLY, 2008 (https://jfly.uni-koeln.de/color/),
** and every series also gets a dash, a marker shape or a hatch, so a grey
** print still tells the series apart.
*/
#include "report/figure.h"
#include "report/figure_int.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

/* ------------------------------------------------------------------ */
/* construction                                                        */

char *rfig_strdup_text(const char *s) {
  if (!s) s = "";
  size_t n = strlen(s);
  const gchar *end = NULL;
  bool valid = g_utf8_validate(s, (gssize)n, &end);
  if (valid) {
    char *d = avn_strndup(s, n);
    if (!d) return NULL;
    for (char *p = d; *p; p++)
      if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t') *p = ' ';
    return d;
  }
  /* Each bad byte becomes U+FFFD (3 bytes): at most 3n bytes. */
  if (n > (AVN_MEM_CAP - 1) / 3) return NULL;
  char *d = avn_malloc(3 * n + 1);
  if (!d) return NULL;
  size_t o = 0;
  const char *p = s;
  const char *stop = s + n;
  while (p < stop) {
    const gchar *bad = NULL;
    g_utf8_validate(p, stop - p, &bad);
    size_t good = (size_t)(bad - p);
    memcpy(d + o, p, good);
    for (size_t i = 0; i < good; i++)
      if ((unsigned char)d[o + i] < 0x20 && d[o + i] != '\n' && d[o + i] != '\r' &&
          d[o + i] != '\t')
        d[o + i] = ' ';
    o += good;
    p = bad;
    if (p < stop) {
      memcpy(d + o, "\xEF\xBF\xBD", 3);
      o += 3;
      p++;
    }
  }
  d[o] = '\0';
  return d;
}

static void set_text(rfig *f, char **dst, const char *s) {
  if (!s) return;
  char *c = rfig_strdup_text(s);
  if (!c) {
    f->nomem = true;
    return;
  }
  avn_free(*dst);
  *dst = c;
}

static rfig *fig_new(rfig_kind kind, const char *xlab, const char *ylab) {
  rfig *f = avn_calloc(1, sizeof *f);
  if (!f) return NULL;
  f->kind = kind;
  set_text(f, &f->xlab, xlab);
  set_text(f, &f->ylab, ylab);
  if (f->nomem) {
    rfig_free(f);
    return NULL;
  }
  return f;
}

rfig *rfig_lines(const char *xlab, const char *ylab) { return fig_new(RFIG_LINES, xlab, ylab); }
rfig *rfig_km(const char *xlab, const char *ylab) { return fig_new(RFIG_KM, xlab, ylab); }
rfig *rfig_flow(void) { return fig_new(RFIG_FLOW, NULL, NULL); }

rfig *rfig_bars(const char *ylab, bool stacked) {
  rfig *f = fig_new(RFIG_BARS, NULL, ylab);
  if (f) f->stacked = stacked;
  return f;
}

static void free_strv(char **v, size_t n) {
  if (!v) return;
  for (size_t i = 0; i < n; i++) avn_free(v[i]);
  avn_free(v);
}

static void drop_series(rfig_ser *s) {
  avn_free(s->name);
  avn_free(s->x);
  avn_free(s->y);
  avn_free(s->lo);
  avn_free(s->hi);
  avn_free(s->cx);
  avn_free(s->cy);
  avn_free(s->v);
}

void rfig_free(rfig *f) {
  if (!f) return;
  avn_free(f->xlab);
  avn_free(f->ylab);
  avn_free(f->xt);
  free_strv(f->xt_lab, f->n_xt);
  for (size_t i = 0; i < f->n_ser; i++) drop_series(&f->ser[i]);
  avn_free(f->ser);
  free_strv(f->cat, f->n_cat);
  avn_free(f->rt);
  avn_free(f->rcount);
  free_strv(f->box, f->n_box);
  for (size_t i = 0; i < f->n_side; i++) avn_free(f->side[i].text);
  avn_free(f->side);
  avn_free(f);
}

void rfig_ylim(rfig *f, double lo, double hi) {
  if (!f || !isfinite(lo) || !isfinite(hi) || !(hi > lo)) return;
  f->has_ylim = true;
  f->ylim[0] = lo;
  f->ylim[1] = hi;
}

void rfig_xlim(rfig *f, double lo, double hi) {
  if (!f || !isfinite(lo) || !isfinite(hi) || !(hi > lo)) return;
  f->has_xlim = true;
  f->xlim[0] = lo;
  f->xlim[1] = hi;
}

/* A copy of n doubles (NULL when src is NULL or n is 0: not a failure). */
static double *dup_doubles(rfig *f, const double *src, size_t n) {
  if (!src || n == 0) return NULL;
  double *d = avn_reallocarray(NULL, n, sizeof *d);
  if (!d) {
    f->nomem = true;
    return NULL;
  }
  memcpy(d, src, n * sizeof *d);
  return d;
}

static char **dup_strv(rfig *f, const char *const *src, size_t n) {
  char **v = avn_calloc(n ? n : 1, sizeof *v);
  if (!v) {
    f->nomem = true;
    return NULL;
  }
  for (size_t i = 0; i < n; i++) {
    v[i] = rfig_strdup_text(src ? src[i] : "");
    if (!v[i]) {
      f->nomem = true;
      free_strv(v, n);
      return NULL;
    }
  }
  return v;
}

void rfig_xticks(rfig *f, size_t n, const double *x, const char *const *labels) {
  if (!f || n == 0 || !x) return;
  double *xt = dup_doubles(f, x, n);
  char **lab = xt ? dup_strv(f, labels, n) : NULL;
  if (!xt || !lab) {
    avn_free(xt);
    return;
  }
  avn_free(f->xt);
  free_strv(f->xt_lab, f->n_xt);
  f->xt = xt;
  f->xt_lab = lab;
  f->n_xt = n;
}

/* Appends an empty series named name; NULL on memory. */
static rfig_ser *add_series(rfig *f, const char *name) {
  if (avn_grow((void **)&f->ser, &f->cap_ser, f->n_ser, sizeof *f->ser)) {
    f->nomem = true;
    return NULL;
  }
  char *nm = rfig_strdup_text(name);
  if (!nm) {
    f->nomem = true;
    return NULL;
  }
  rfig_ser *s = &f->ser[f->n_ser];
  memset(s, 0, sizeof *s);
  s->name = nm;
  return s;
}

void rfig_series(rfig *f, const char *name, size_t n, const double *x, const double *y,
                 const double *lo, const double *hi) {
  if (!f || f->kind != RFIG_LINES) return;
  rfig_ser *s = add_series(f, name);
  if (!s) return;
  s->n = (x && y) ? n : 0;
  s->x = dup_doubles(f, x, s->n);
  s->y = dup_doubles(f, y, s->n);
  if (lo && hi) {
    s->lo = dup_doubles(f, lo, s->n);
    s->hi = dup_doubles(f, hi, s->n);
  }
  if (f->nomem) {
    drop_series(s);
    return;
  }
  f->n_ser++;
}

void rfig_series_draw(rfig *f, bool line, bool markers) {
  if (!f || f->kind != RFIG_LINES || f->n_ser == 0) return;
  f->ser[f->n_ser - 1].no_line = !line;
  f->ser[f->n_ser - 1].no_markers = !markers;
}

void rfig_km_curve(rfig *f, const char *name, size_t n, const double *t, const double *s,
                   size_t n_cens, const double *cens_t, const double *cens_s) {
  if (!f || f->kind != RFIG_KM) return;
  rfig_ser *c = add_series(f, name);
  if (!c) return;
  c->n = (t && s) ? n : 0;
  c->x = dup_doubles(f, t, c->n);
  c->y = dup_doubles(f, s, c->n);
  c->n_cens = (cens_t && cens_s) ? n_cens : 0;
  c->cx = dup_doubles(f, cens_t, c->n_cens);
  c->cy = dup_doubles(f, cens_s, c->n_cens);
  if (f->nomem) {
    drop_series(c);
    return;
  }
  f->n_ser++;
}

void rfig_km_risk(rfig *f, size_t n_times, const double *times, size_t n_curves,
                  const int *counts) {
  if (!f || f->kind != RFIG_KM || !times || !counts || n_times == 0 || n_curves == 0) return;
  if (n_curves > SIZE_MAX / n_times) {
    f->nomem = true;
    return;
  }
  double *rt = dup_doubles(f, times, n_times);
  int *rc = rt ? avn_reallocarray(NULL, n_curves * n_times, sizeof *rc) : NULL;
  if (!rt || !rc) {
    f->nomem = true;
    avn_free(rt);
    return;
  }
  memcpy(rc, counts, n_curves * n_times * sizeof *rc);
  avn_free(f->rt);
  avn_free(f->rcount);
  f->rt = rt;
  f->rcount = rc;
  f->n_rt = n_times;
  f->n_rc = n_curves;
}

void rfig_categories(rfig *f, size_t n_cat, const char *const *labels) {
  if (!f || f->kind != RFIG_BARS || n_cat == 0) return;
  char **cat = dup_strv(f, labels, n_cat);
  if (!cat) return;
  free_strv(f->cat, f->n_cat);
  f->cat = cat;
  f->n_cat = n_cat;
}

void rfig_bar_series(rfig *f, const char *name, const double *values) {
  if (!f || f->kind != RFIG_BARS || f->n_cat == 0 || !values) return;
  rfig_ser *s = add_series(f, name);
  if (!s) return;
  s->v = dup_doubles(f, values, f->n_cat);
  s->n_v = f->n_cat;
  if (f->nomem) {
    drop_series(s);
    return;
  }
  f->n_ser++;
}

size_t rfig_flow_box(rfig *f, const char *text) {
  if (!f || f->kind != RFIG_FLOW) return SIZE_MAX;
  if (avn_grow((void **)&f->box, &f->cap_box, f->n_box, sizeof *f->box)) {
    f->nomem = true;
    return SIZE_MAX;
  }
  char *c = rfig_strdup_text(text);
  if (!c) {
    f->nomem = true;
    return SIZE_MAX;
  }
  f->box[f->n_box] = c;
  return f->n_box++;
}

void rfig_flow_side(rfig *f, size_t parent, const char *text) {
  if (!f || f->kind != RFIG_FLOW || parent >= f->n_box) return;
  if (avn_grow((void **)&f->side, &f->cap_side, f->n_side, sizeof *f->side)) {
    f->nomem = true;
    return;
  }
  char *c = rfig_strdup_text(text);
  if (!c) {
    f->nomem = true;
    return;
  }
  f->side[f->n_side].parent = parent;
  f->side[f->n_side].text = c;
  f->n_side++;
}

/* ------------------------------------------------------------------ */
/* nice ticks (Heckbert 1990)                                          */

double rfig_nicenum(double x, bool round) {
  if (!(x > 0) || !isfinite(x)) return 1.0;
  double expv = floor(log10(x));
  double p10 = pow(10.0, expv);
  double fr = x / p10; /* 1 <= fr < 10 */
  double nf;
  if (round) {
    if (fr < 1.5) nf = 1;
    else if (fr < 3) nf = 2;
    else if (fr < 7) nf = 5;
    else nf = 10;
  } else {
    if (fr <= 1) nf = 1;
    else if (fr <= 2) nf = 2;
    else if (fr <= 5) nf = 5;
    else nf = 10;
  }
  return nf * p10;
}

void rfig_loose_ticks(double lo, double hi, int nticks, rfig_ticks *out) {
  if (!isfinite(lo) || !isfinite(hi)) {
    lo = 0;
    hi = 1;
  }
  if (lo > hi) {
    double t = lo;
    lo = hi;
    hi = t;
  }
  if (hi - lo <= 1e-12 * fmax(fabs(lo), fabs(hi))) {
    /* One value: a range around it (Heckbert assumes max > min). */
    double a = fabs(lo) > 0 ? fabs(lo) * 0.1 : 1.0;
    lo -= a;
    hi += a;
  }
  if (nticks < 2) nticks = 2;
  double range = rfig_nicenum(hi - lo, false);
  double d = rfig_nicenum(range / (nticks - 1), true);
  double gmin = floor(lo / d) * d;
  double gmax = ceil(hi / d) * d;
  /* floor/ceil of a quotient that is an integer up to rounding */
  if (lo - gmin > d * (1 - 1e-9)) gmin += d;
  if (gmax - hi > d * (1 - 1e-9)) gmax -= d;
  size_t n = (size_t)llround((gmax - gmin) / d) + 1;
  if (n > RFIG_MAX_TICKS) n = RFIG_MAX_TICKS;
  out->lo = gmin;
  out->step = d;
  out->n = n;
  out->hi = gmin + (double)(n - 1) * d;
  int nfrac = (int)-floor(log10(d) + 1e-9);
  out->nfrac = nfrac > 0 ? nfrac : 0;
}

double rfig_tick_at(const rfig_ticks *t, size_t i) {
  double v = t->lo + (double)i * t->step;
  if (fabs(v) < t->step * 1e-9) v = 0.0;
  return v;
}

void rfig_fmt_num(char *out, size_t size, double v, int nfrac) {
  if (!isfinite(v)) {
    snprintf(out, size, "%s", "");
    return;
  }
  char tmp[64];
  snprintf(tmp, sizeof tmp, "%.*f", nfrac, v);
  if (tmp[0] == '-') {
    /* -0.0 printed as "-0.0": no sign then */
    bool zero = true;
    for (const char *p = tmp + 1; *p; p++)
      if (*p >= '1' && *p <= '9') zero = false;
    if (zero) snprintf(out, size, "%s", tmp + 1);
    else snprintf(out, size, "\xE2\x88\x92%s", tmp + 1);
    return;
  }
  snprintf(out, size, "%s", tmp);
}

int rfig_decimals(double v) {
  if (!isfinite(v)) return 0;
  for (int d = 0; d < 3; d++) {
    double s = pow(10.0, d);
    if (fabs(v * s - round(v * s)) < 1e-9 * fmax(1.0, fabs(v * s))) return d;
  }
  return 3;
}

/* ------------------------------------------------------------------ */
/* text                                                                */

/* At exit, hand back what pango, cairo and fontconfig keep for the life of
** the process (the font map, glyph caches, the fontconfig configuration),
** so leak checkers (LeakSanitizer, valgrind) see a clean exit. Registered
** once, on first use of text; the only process-wide state in this module. */
static bool atexit_done;

static void text_release(void) {
  /* pango may still hold the font map (its fontconfig start-up runs as a
  ** task on another thread that keeps a reference until it ends); then
  ** cairo's font caches are still in use and cairo_debug_reset_static_data
  ** would abort on its own assertion. Reset only what was really let go. */
  PangoFontMap *map = pango_cairo_font_map_get_default();
  g_object_add_weak_pointer(G_OBJECT(map), (gpointer *)&map);
  pango_cairo_font_map_set_default(NULL);
  if (map) {
    g_object_remove_weak_pointer(G_OBJECT(map), (gpointer *)&map);
    return;
  }
  cairo_debug_reset_static_data();
  FcFini();
}

static bool rtext_setup(rtext *t) {
  if (!atexit_done) {
    atexit_done = true;
    atexit(text_release);
  }
  t->lay = pango_cairo_create_layout(t->cr);
  if (!t->lay) return false;
  PangoContext *ctx = pango_layout_get_context(t->lay);
  cairo_font_options_t *fo = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(ctx, fo);
  cairo_font_options_destroy(fo);
  pango_context_set_round_glyph_positions(ctx, FALSE);
  pango_layout_context_changed(t->lay);
  t->fd = pango_font_description_from_string("DejaVu Sans");
  if (!t->fd) return false;
  rtext_font(t, 9, false);
  return true;
}

bool rtext_open(rtext *t, cairo_t *cr) {
  memset(t, 0, sizeof *t);
  t->cr = cr;
  if (rtext_setup(t)) return true;
  rtext_close(t);
  return false;
}

bool rtext_open_measure(rtext *t) {
  memset(t, 0, sizeof *t);
  t->surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
  t->cr = cairo_create(t->surf);
  if (cairo_status(t->cr) == CAIRO_STATUS_SUCCESS && rtext_setup(t)) return true;
  rtext_close(t);
  return false;
}

void rtext_close(rtext *t) {
  if (t->lay) g_object_unref(t->lay);
  if (t->fd) pango_font_description_free(t->fd);
  if (t->surf) {
    cairo_destroy(t->cr);
    cairo_surface_destroy(t->surf);
  }
  memset(t, 0, sizeof *t);
}

void rtext_font(rtext *t, double size, bool bold) {
  pango_font_description_set_absolute_size(t->fd, size * PANGO_SCALE);
  pango_font_description_set_weight(t->fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description(t->lay, t->fd);
}

void rtext_set(rtext *t, const char *s, double width, PangoAlignment align) {
  pango_layout_set_attributes(t->lay, NULL);
  pango_layout_set_text(t->lay, s ? s : "", -1);
  if (width > 0) {
    pango_layout_set_width(t->lay, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(t->lay, PANGO_WRAP_WORD_CHAR);
  } else {
    pango_layout_set_width(t->lay, -1);
  }
  pango_layout_set_alignment(t->lay, align);
}

void rtext_size(rtext *t, double *w, double *h) {
  PangoRectangle log;
  pango_layout_get_extents(t->lay, NULL, &log);
  *w = (double)log.width / PANGO_SCALE;
  *h = (double)log.height / PANGO_SCALE;
}

double rtext_baseline(rtext *t) { return (double)pango_layout_get_baseline(t->lay) / PANGO_SCALE; }

void rtext_show(rtext *t, double x, double y) {
  cairo_move_to(t->cr, x, y);
  pango_cairo_show_layout(t->cr, t->lay);
  cairo_new_path(t->cr);
}

void rtext_update(rtext *t) { pango_cairo_update_layout(t->cr, t->lay); }

/* ------------------------------------------------------------------ */
/* palette and cues                                                    */

/* Okabe-Ito, in the order used: blue, vermillion, bluish green, orange,
** reddish purple, sky blue, black, yellow (last: weakest on white). */
static const unsigned okabe_ito[RFIG_N_COLOURS] = {
    0x0072B2, 0xD55E00, 0x009E73, 0xE69F00, 0xCC79A7, 0x56B4E9, 0x000000, 0xF0E442};

void rfig_colour(size_t i, double rgb[3]) {
  unsigned c = okabe_ito[i % RFIG_N_COLOURS];
  rgb[0] = ((c >> 16) & 0xFF) / 255.0;
  rgb[1] = ((c >> 8) & 0xFF) / 255.0;
  rgb[2] = (c & 0xFF) / 255.0;
}

void rfig_dash(cairo_t *cr, size_t i) {
  static const double dashed[] = {6, 3};
  static const double dotted[] = {1.2, 2.4};
  static const double dashdot[] = {6, 2.5, 1.2, 2.5};
  static const double longdash[] = {11, 3.5};
  static const double dashdotdot[] = {6, 2, 1.2, 2, 1.2, 2};
  switch (i % 6) {
  case 0: cairo_set_dash(cr, NULL, 0, 0); break;
  case 1: cairo_set_dash(cr, dashed, 2, 0); break;
  case 2: cairo_set_dash(cr, dotted, 2, 0); break;
  case 3: cairo_set_dash(cr, dashdot, 4, 0); break;
  case 4: cairo_set_dash(cr, longdash, 2, 0); break;
  default: cairo_set_dash(cr, dashdotdot, 6, 0); break;
  }
}

void rfig_marker(cairo_t *cr, size_t i, double x, double y, double r) {
  switch (i % 6) {
  case 0: /* circle */
    cairo_new_sub_path(cr);
    cairo_arc(cr, x, y, r, 0, 2 * G_PI);
    break;
  case 1: /* square */
    cairo_rectangle(cr, x - r * 0.88, y - r * 0.88, r * 1.76, r * 1.76);
    break;
  case 2: /* triangle up */
    cairo_move_to(cr, x, y - r * 1.15);
    cairo_line_to(cr, x + r * 1.05, y + r * 0.75);
    cairo_line_to(cr, x - r * 1.05, y + r * 0.75);
    cairo_close_path(cr);
    break;
  case 3: /* diamond */
    cairo_move_to(cr, x, y - r * 1.25);
    cairo_line_to(cr, x + r * 1.05, y);
    cairo_line_to(cr, x, y + r * 1.25);
    cairo_line_to(cr, x - r * 1.05, y);
    cairo_close_path(cr);
    break;
  case 4: /* triangle down */
    cairo_move_to(cr, x, y + r * 1.15);
    cairo_line_to(cr, x + r * 1.05, y - r * 0.75);
    cairo_line_to(cr, x - r * 1.05, y - r * 0.75);
    cairo_close_path(cr);
    break;
  default: { /* open circle with a dot: drawn as a ring (even-odd) */
    cairo_new_sub_path(cr);
    cairo_arc(cr, x, y, r, 0, 2 * G_PI);
    cairo_new_sub_path(cr);
    cairo_arc_negative(cr, x, y, r * 0.45, 2 * G_PI, 0);
    break;
  }
  }
  cairo_fill(cr);
}

void rfig_hatch_rect(cairo_t *cr, size_t i, double x, double y, double w, double h) {
  double rgb[3];
  rfig_colour(i, rgb);
  if (w < 0) {
    x += w;
    w = -w;
  }
  if (h < 0) {
    y += h;
    h = -h;
  }
  cairo_save(cr);
  cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
  cairo_rectangle(cr, x, y, w, h);
  cairo_fill_preserve(cr);
  cairo_clip(cr);
  int kind = (int)(i % 5);
  if (kind) {
    /* hatch in white over the fill: /, -, \, x */
    cairo_set_source_rgba(cr, 1, 1, 1, 0.75);
    cairo_set_line_width(cr, 0.9);
    cairo_set_dash(cr, NULL, 0, 0);
    double sp = 4.0;
    if (kind == 2) {
      for (double yy = y + sp / 2; yy < y + h; yy += sp) {
        cairo_move_to(cr, x, yy);
        cairo_line_to(cr, x + w, yy);
      }
    }
    if (kind == 1 || kind == 4) {
      for (double o = -h; o < w; o += sp) {
        cairo_move_to(cr, x + o, y + h);
        cairo_line_to(cr, x + o + h, y);
      }
    }
    if (kind == 3 || kind == 4) {
      for (double o = -h; o < w; o += sp) {
        cairo_move_to(cr, x + o, y);
        cairo_line_to(cr, x + o + h, y + h);
      }
    }
    cairo_stroke(cr);
  }
  cairo_restore(cr);
  /* a thin dark outline keeps light fills (yellow) visible */
  cairo_save(cr);
  cairo_set_source_rgb(cr, rgb[0] * 0.6, rgb[1] * 0.6, rgb[2] * 0.6);
  cairo_set_line_width(cr, 0.5);
  cairo_set_dash(cr, NULL, 0, 0);
  cairo_rectangle(cr, x, y, w, h);
  cairo_stroke(cr);
  cairo_restore(cr);
}

/* ------------------------------------------------------------------ */
/* size, draw, output                                                  */

void rfig_size(const rfig *f, double *w, double *h) {
  *w = 480;
  *h = 320;
  if (!f) return;
  if (f->kind == RFIG_FLOW) {
    rtext t;
    if (!rtext_open_measure(&t)) return;
    rfig_flow_size(f, &t, w, h);
    rtext_close(&t);
  } else {
    rfig_plot_size(f, w, h);
  }
  *w = ceil(*w);
  *h = ceil(*h);
}

void rfig_draw(const rfig *f, cairo_t *cr, double w, double h) {
  cairo_save(cr);
  cairo_rectangle(cr, 0, 0, w, h);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_fill(cr);
  rtext t;
  if (f && rtext_open(&t, cr)) {
    cairo_set_source_rgb(cr, 0, 0, 0);
    if (f->kind == RFIG_FLOW) rfig_flow_draw(f, &t, w, h);
    else rfig_plot_draw(f, &t, w, h);
    rtext_close(&t);
  }
  cairo_restore(cr);
}

static cairo_status_t buf_sink(void *closure, const unsigned char *data, unsigned int len) {
  avn_buf *b = closure;
  return avn_buf_append(b, (const char *)data, len) ? CAIRO_STATUS_WRITE_ERROR
                                                     : CAIRO_STATUS_SUCCESS;
}

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Draws f on surface s (w x h points, scaled by scale) and finishes it. */
static cairo_status_t draw_on(const rfig *f, cairo_surface_t *s, double w, double h,
                              double scale) {
  cairo_status_t st = cairo_surface_status(s);
  if (st != CAIRO_STATUS_SUCCESS) return st;
  cairo_t *cr = cairo_create(s);
  cairo_scale(cr, scale, scale);
  rfig_draw(f, cr, w, h);
  st = cairo_status(cr);
  cairo_destroy(cr);
  if (st != CAIRO_STATUS_SUCCESS) return st;
  cairo_surface_flush(s);
  return cairo_surface_status(s);
}

avn_rc rfig_write(const rfig *f, const char *path, avn_err *e) {
  if (!f || f->nomem)
    return avn_fail(e, AVN_E_NOMEM, "figure", path, "out of memory while building the figure");
  double w, h;
  rfig_size(f, &w, &h);
  cairo_surface_t *s = NULL;
  cairo_status_t st = CAIRO_STATUS_SUCCESS;
  avn_rc rc = AVN_OK;
  if (ends_with(path, ".svg")) {
    s = cairo_svg_surface_create(path, w, h);
    if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS)
      cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PT);
    st = draw_on(f, s, w, h, 1.0);
  } else if (ends_with(path, ".pdf")) {
    s = cairo_pdf_surface_create(path, w, h);
    if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS)
      cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "avn " AVN_VERSION);
    st = draw_on(f, s, w, h, 1.0);
  } else if (ends_with(path, ".png")) {
    s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(2 * w), (int)ceil(2 * h));
    st = draw_on(f, s, w, h, 2.0);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_write_to_png(s, path);
  } else {
    rc = avn_fail(e, AVN_E_USAGE, "figure path", path, "must end in .svg, .png or .pdf");
    goto cleanup;
  }
  if (st == CAIRO_STATUS_SUCCESS) {
    cairo_surface_finish(s);
    st = cairo_surface_status(s);
  }
  if (st == CAIRO_STATUS_NO_MEMORY) {
    rc = avn_fail(e, AVN_E_NOMEM, "figure", path, "cairo ran out of memory");
  } else if (st != CAIRO_STATUS_SUCCESS) {
    rc = avn_fail(e, AVN_E_IO, "figure", path, "could not be written: %s",
                  cairo_status_to_string(st));
  }
cleanup:
  if (s) cairo_surface_destroy(s);
  return rc;
}

avn_rc rfig_svg(const rfig *f, avn_buf *out, avn_err *e) {
  if (!f || f->nomem)
    return avn_fail(e, AVN_E_NOMEM, "figure", NULL, "out of memory while building the figure");
  avn_rc rc = AVN_OK;
  avn_buf tmp;
  avn_buf_init(&tmp, out->limit);
  double w, h;
  rfig_size(f, &w, &h);
  cairo_surface_t *s = cairo_svg_surface_create_for_stream(buf_sink, &tmp, w, h);
  if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS)
    cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PT);
  cairo_status_t st = draw_on(f, s, w, h, 1.0);
  if (st == CAIRO_STATUS_SUCCESS) {
    cairo_surface_finish(s);
    st = cairo_surface_status(s);
  }
  if (st == CAIRO_STATUS_WRITE_ERROR || st == CAIRO_STATUS_NO_MEMORY) {
    rc = avn_fail(e, AVN_E_NOMEM, "figure", NULL, "out of memory while writing SVG");
    goto cleanup;
  }
  if (st != CAIRO_STATUS_SUCCESS) {
    rc =
        avn_fail(e, AVN_E_IO, "figure", NULL, "SVG drawing failed: %s", cairo_status_to_string(st));
    goto cleanup;
  }
  const char *p = avn_buf_str(&tmp);
  if (strncmp(p, "<?xml", 5) == 0) {
    const char *q = strstr(p, "?>");
    if (q) {
      p = q + 2;
      while (*p == '\n' || *p == '\r' || *p == ' ') p++;
    }
  }
  rc = avn_buf_append(out, p, tmp.len - (size_t)(p - avn_buf_str(&tmp)));
  if (rc) rc = avn_fail(e, rc, "figure", NULL, "out of memory while writing SVG");
cleanup:
  cairo_surface_destroy(s);
  avn_buf_free(&tmp);
  return rc;
}
