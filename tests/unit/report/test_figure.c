/*
** test_figure.c: the figures (src/report/figure*.c).
**
** Ticks: expected values worked by hand from Heckbert's algorithm
** ("Nice numbers for graph labels", Graphics Gems, 1990), written down
** before running the code:
**
**   nicenum(x, round): e = floor(log10 x), f = x / 10^e, then
**     round: f < 1.5 -> 1, f < 3 -> 2, f < 7 -> 5, else 10
**     ceil:  f <= 1 -> 1, f <= 2 -> 2, f <= 5 -> 5, else 10
**   loose(lo, hi, n): range = nicenum(hi - lo, ceil);
**     d = nicenum(range / (n - 1), round);
**     ticks from floor(lo / d) d to ceil(hi / d) d step d;
**     digits = max(-floor(log10 d), 0).
**
**   (105, 543, 5), the paper's example: range = nicenum(438) = 500
**     (f = 4.38 <= 5); d = nicenum(125, round) = 100 (f = 1.25 < 1.5);
**     floor(1.05) = 1, ceil(5.43) = 6: ticks 100 200 300 400 500 600.
**   (0, 1, 5): range = 1; d = nicenum(0.25) = 0.2 (f = 2.5 < 3);
**     ticks 0 0.2 0.4 0.6 0.8 1.0, one digit.
**   (-3.7, 18.2, 5): range = nicenum(21.9) = 50 (f = 2.19 <= 5);
**     d = nicenum(12.5) = 10; floor(-0.37) = -1, ceil(1.82) = 2:
**     ticks -10 0 10 20.
**   (0, 24, 6): range = nicenum(24) = 50; d = nicenum(10) = 10
**     (f = 1.0 < 1.5); ticks 0 10 20 30.
**   (42.1, 91.7, 5): range = nicenum(49.6) = 50; d = 10;
**     floor(4.21) = 4, ceil(9.17) = 10: ticks 40 50 ... 100 (7 ticks).
**   (0.0012, 0.0087, 5): range = nicenum(0.0075) = 0.01 (f = 7.5 > 5);
**     d = nicenum(0.0025) = 0.002 (f = 2.5 < 3); floor(0.6) = 0,
**     ceil(4.35) = 5: ticks 0 0.002 ... 0.010, three digits.
**
** Output: every kind as SVG (parsed by libxml2; root <svg>, width and
** height = rfig_size), PNG (signature; IHDR width and height = 2 x
** rfig_size) and PDF ("%PDF-" header, "%%EOF" trailer). The inline SVG
** has no XML declaration. A 20,000-step Kaplan-Meier curve must come out as
** a handful of paths (one per curve), not one per step, and 10,000 jumps
** packed into a sub-pixel interval must draw the picture of one jump. The first series
** is drawn in Okabe-Ito blue (#0072B2). A figure whose add failed for
** memory is refused by the writers with AVN_E_NOMEM.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cairo.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/mem.h"
#include "report/figure.h"
#include "report/figure_int.h"

static char tmpdir[64];

static int setup_dir(void **s) {
  (void)s;
  snprintf(tmpdir, sizeof tmpdir, "/tmp/avn_test_figure_XXXXXX");
  return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_dir(void **s) {
  (void)s;
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  return system(cmd) == 0 ? 0 : -1;
}

/* --- ticks ---------------------------------------------------------- */

static void test_nicenum(void **s) {
  (void)s;
  assert_true(fabs(rfig_nicenum(438, false) - 500) < 1e-9);
  assert_true(fabs(rfig_nicenum(125, true) - 100) < 1e-9);
  assert_true(fabs(rfig_nicenum(0.25, true) - 0.2) < 1e-12);
  assert_true(fabs(rfig_nicenum(1, false) - 1) < 1e-12);
  assert_true(fabs(rfig_nicenum(21.9, false) - 50) < 1e-9);
  assert_true(fabs(rfig_nicenum(12.5, true) - 10) < 1e-9);
  assert_true(fabs(rfig_nicenum(7, true) - 10) < 1e-9);   /* f = 7 is not < 7 */
  assert_true(fabs(rfig_nicenum(2, false) - 2) < 1e-12);  /* f = 2 <= 2 */
  assert_true(fabs(rfig_nicenum(2.01, false) - 5) < 1e-12);
  assert_true(fabs(rfig_nicenum(0.0075, false) - 0.01) < 1e-15);
}

static void check_ticks(double lo, double hi, int n, const double *want, size_t nwant, int nfrac) {
  rfig_ticks t;
  rfig_loose_ticks(lo, hi, n, &t);
  assert_int_equal(t.n, nwant);
  for (size_t i = 0; i < nwant; i++) {
    double got = rfig_tick_at(&t, i);
    if (fabs(got - want[i]) > 1e-9 * fmax(1, fabs(want[i]))) {
      print_error("tick %zu of (%g, %g): got %.17g, want %g\n", i, lo, hi, got, want[i]);
      fail();
    }
  }
  assert_int_equal(t.nfrac, nfrac);
}

static void test_loose_ticks(void **s) {
  (void)s;
  const double a[] = {100, 200, 300, 400, 500, 600};
  check_ticks(105, 543, 5, a, 6, 0);
  const double b[] = {0, 0.2, 0.4, 0.6, 0.8, 1.0};
  check_ticks(0, 1, 5, b, 6, 1);
  const double c[] = {-10, 0, 10, 20};
  check_ticks(-3.7, 18.2, 5, c, 4, 0);
  const double d[] = {0, 10, 20, 30};
  check_ticks(0, 24, 6, d, 4, 0);
  const double e[] = {40, 50, 60, 70, 80, 90, 100};
  check_ticks(42.1, 91.7, 5, e, 7, 0);
  const double f[] = {0, 0.002, 0.004, 0.006, 0.008, 0.010};
  check_ticks(0.0012, 0.0087, 5, f, 6, 3);
  /* a single value still gets a range around it with ticks */
  rfig_ticks t;
  rfig_loose_ticks(5, 5, 5, &t);
  assert_true(t.n >= 2);
  assert_true(t.lo < 5 && t.hi > 5);
  /* non-finite input falls back to [0, 1] */
  rfig_loose_ticks(NAN, 3, 5, &t);
  assert_true(t.lo == 0 && t.hi >= 1);
}

static void test_fmt_num(void **s) {
  (void)s;
  char b[32];
  rfig_fmt_num(b, sizeof b, -5, 0);
  assert_string_equal(b, "\xE2\x88\x92" "5"); /* U+2212 minus */
  rfig_fmt_num(b, sizeof b, -0.0, 1);
  assert_string_equal(b, "0.0");
  rfig_fmt_num(b, sizeof b, -0.04, 1); /* rounds to zero: no sign */
  assert_string_equal(b, "0.0");
  rfig_fmt_num(b, sizeof b, 0.2, 1);
  assert_string_equal(b, "0.2");
  assert_int_equal(rfig_decimals(12), 0);
  assert_int_equal(rfig_decimals(1.5), 1);
  assert_int_equal(rfig_decimals(0.25), 2);
}

/* --- figures of every kind ------------------------------------------- */

static rfig *make_lines(void) {
  rfig *f = rfig_lines("Months", "Harris Hip Score (points)");
  double x[] = {0, 3, 6, 12}, y[] = {55, 70, 78, 82}, lo[] = {47, 61, 70, 73},
         hi[] = {63, 79, 86, 91};
  const char *lab[] = {"Baseline", "3 months", "6 months", "12 months"};
  rfig_xticks(f, 4, x, lab);
  rfig_series(f, "Stage I-II", 4, x, y, lo, hi);
  double y2[] = {50, 60, NAN, 66};
  rfig_series(f, "Stage III", 4, x, y2, NULL, NULL);
  return f;
}

static rfig *make_km(size_t n) {
  rfig *f = rfig_km("Months", NULL);
  double *t = malloc(n * sizeof *t), *s = malloc(n * sizeof *s);
  double *ct = malloc(n * sizeof *ct), *cs = malloc(n * sizeof *cs);
  double surv = 1;
  for (size_t i = 0; i < n; i++) {
    t[i] = 24.0 * (double)(i + 1) / (double)(n + 1);
    surv *= 0.9999;
    s[i] = surv;
    ct[i] = t[i] + 0.001;
    cs[i] = surv;
  }
  rfig_km_curve(f, "All hips", n, t, s, n, ct, cs);
  double t2[] = {2, 5}, s2[] = {0.9, 0.7};
  rfig_km_curve(f, "Stage III", 2, t2, s2, 0, NULL, NULL);
  double rt[] = {0, 6, 12, 18, 24};
  int cnt[] = {100, 90, 80, 70, 60, 10, 9, 8, 7, 6};
  rfig_km_risk(f, 5, rt, 2, cnt);
  free(t);
  free(s);
  free(ct);
  free(cs);
  return f;
}

static rfig *make_bars(bool stacked) {
  rfig *f = rfig_bars("Hips (%)", stacked);
  const char *cat[] = {"I", "II", "III"};
  rfig_categories(f, 3, cat);
  double a[] = {10, 12, 2}, b[] = {3, 14, 6};
  rfig_bar_series(f, "Improved", a);
  rfig_bar_series(f, "Stable", b);
  return f;
}

static rfig *make_flow(void) {
  rfig *f = rfig_flow();
  size_t b = rfig_flow_box(f, "Assessed for eligibility\n(n = 60)");
  rfig_flow_side(f, b, "Excluded (n = 14)\nNot meeting criteria (n = 9)");
  b = rfig_flow_box(f, "Enrolled (n = 46)");
  rfig_flow_side(f, b, "Withdrawn (n = 1)");
  return f;
}

static rfig *make_kind(int k) {
  switch (k) {
  case 0: return make_lines();
  case 1: return make_km(50);
  case 2: return make_bars(false);
  case 3: return make_bars(true);
  default: return make_flow();
  }
}

static char *slurp(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  assert_non_null(fp);
  fseek(fp, 0, SEEK_END);
  long n = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  char *d = malloc((size_t)n + 1);
  assert_int_equal(fread(d, 1, (size_t)n, fp), (size_t)n);
  d[n] = '\0';
  fclose(fp);
  *len = (size_t)n;
  return d;
}

static uint32_t be32(const unsigned char *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Root <svg> with width/height "Wpt"/"Hpt". */
static void check_svg_doc(xmlDocPtr doc, double w, double h) {
  assert_non_null(doc);
  xmlNodePtr root = xmlDocGetRootElement(doc);
  assert_non_null(root);
  assert_string_equal((const char *)root->name, "svg");
  char want[32];
  xmlChar *aw = xmlGetProp(root, (const xmlChar *)"width");
  xmlChar *ah = xmlGetProp(root, (const xmlChar *)"height");
  assert_non_null(aw);
  assert_non_null(ah);
  snprintf(want, sizeof want, "%gpt", w);
  assert_string_equal((const char *)aw, want);
  snprintf(want, sizeof want, "%gpt", h);
  assert_string_equal((const char *)ah, want);
  xmlFree(aw);
  xmlFree(ah);
}

static void test_outputs(void **s) {
  (void)s;
  for (int k = 0; k < 5; k++) {
    rfig *f = make_kind(k);
    assert_non_null(f);
    double w, h;
    rfig_size(f, &w, &h);
    assert_true(w >= 100 && h >= 50);
    assert_true(w == floor(w) && h == floor(h));

    /* inline SVG */
    avn_buf b;
    avn_buf_init(&b, 0);
    avn_err e;
    assert_int_equal(rfig_svg(f, &b, &e), AVN_OK);
    assert_true(strncmp(avn_buf_str(&b), "<svg", 4) == 0);
    xmlDocPtr doc = xmlReadMemory(avn_buf_str(&b), (int)b.len, "inline.svg", NULL, XML_PARSE_NONET);
    check_svg_doc(doc, w, h);
    xmlFreeDoc(doc);
    avn_buf_free(&b);

    /* files */
    char path[128];
    snprintf(path, sizeof path, "%s/fig%d.svg", tmpdir, k);
    assert_int_equal(rfig_write(f, path, &e), AVN_OK);
    doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    check_svg_doc(doc, w, h);
    xmlFreeDoc(doc);

    snprintf(path, sizeof path, "%s/fig%d.png", tmpdir, k);
    assert_int_equal(rfig_write(f, path, &e), AVN_OK);
    size_t len;
    unsigned char *png = (unsigned char *)slurp(path, &len);
    assert_true(len > 33);
    assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
    assert_memory_equal(png + 12, "IHDR", 4);
    assert_int_equal(be32(png + 16), (uint32_t)(2 * w));
    assert_int_equal(be32(png + 20), (uint32_t)(2 * h));
    free(png);

    snprintf(path, sizeof path, "%s/fig%d.pdf", tmpdir, k);
    assert_int_equal(rfig_write(f, path, &e), AVN_OK);
    char *pdf = slurp(path, &len);
    assert_true(len > 100);
    assert_memory_equal(pdf, "%PDF-", 5);
    size_t end = len;
    while (end > 0 && (pdf[end - 1] == '\n' || pdf[end - 1] == '\r')) end--;
    assert_true(end >= 5);
    assert_memory_equal(pdf + end - 5, "%%EOF", 5);
    free(pdf);
    rfig_free(f);
  }
}

static void test_bad_path(void **s) {
  (void)s;
  rfig *f = make_bars(false);
  avn_err e;
  char path[128];
  snprintf(path, sizeof path, "%s/fig.jpg", tmpdir);
  assert_int_equal(rfig_write(f, path, &e), AVN_E_USAGE);
  assert_non_null(strstr(e.rule, ".svg, .png or .pdf"));
  assert_int_equal(rfig_write(f, "/nonexistent-dir/x.pdf", &e), AVN_E_IO);
  rfig_free(f);
}

/* One path per curve, however many steps: count <path in the SVG. */
static void test_km_one_path(void **s) {
  (void)s;
  rfig *f = make_km(20000);
  avn_buf b;
  avn_buf_init(&b, 0);
  avn_err e;
  assert_int_equal(rfig_svg(f, &b, &e), AVN_OK);
  size_t paths = 0;
  const char *p = strstr(avn_buf_str(&b), "<path");
  while (p) {
    paths++;
    p = strstr(p + 1, "<path");
  }
  /* glyph outlines (~60 symbols), axes, ticks, 2 curves, 2 mark sets */
  assert_true(paths < 300);
  xmlDocPtr doc =
      xmlReadMemory(avn_buf_str(&b), (int)b.len, "km.svg", NULL, XML_PARSE_NONET | XML_PARSE_HUGE);
  assert_non_null(doc);
  xmlFreeDoc(doc);
  avn_buf_free(&b);
  rfig_free(f);
}

/* Draws f on a w x h image; the caller destroys it. */
static cairo_surface_t *raster(const rfig *f) {
  double w, h;
  rfig_size(f, &w, &h);
  cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)w, (int)h);
  cairo_t *cr = cairo_create(img);
  rfig_draw(f, cr, w, h);
  cairo_destroy(cr);
  cairo_surface_flush(img);
  return img;
}

/* 10,000 tiny jumps between t = 10 and 10.001 (1 -> 0.5) draw the same
** picture as one jump at t = 10: merging sub-pixel steps keeps the shape. */
static void test_km_many_steps_same_picture(void **s) {
  (void)s;
  size_t n = 10000;
  double *t = malloc(n * sizeof *t), *sv = malloc(n * sizeof *sv);
  for (size_t i = 0; i < n; i++) {
    t[i] = 10 + 0.001 * (double)(i + 1) / (double)n;
    sv[i] = 1 - 0.5 * (double)(i + 1) / (double)n;
  }
  double ct[] = {20}, cs[] = {0.5};
  rfig *many = rfig_km("Months", NULL);
  rfig_km_curve(many, "All", n, t, sv, 1, ct, cs);
  /* the reference's drop is drawn when its second (null) jump comes, not
  ** by the end-of-curve flush that the merged curve relies on */
  double t1[] = {10, 20}, s1[] = {0.5, 0.5};
  rfig *one = rfig_km("Months", NULL);
  rfig_km_curve(one, "All", 2, t1, s1, 1, ct, cs);
  cairo_surface_t *a = raster(many), *b = raster(one);
  int w = cairo_image_surface_get_width(a), h = cairo_image_surface_get_height(a);
  assert_int_equal(w, cairo_image_surface_get_width(b));
  int stride = cairo_image_surface_get_stride(a);
  const unsigned char *da = cairo_image_surface_get_data(a), *db = cairo_image_surface_get_data(b);
  long differ = 0, ink = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      uint32_t pa = *(const uint32_t *)(const void *)(da + y * stride + 4 * x) & 0xFFFFFF;
      uint32_t pb = *(const uint32_t *)(const void *)(db + y * stride + 4 * x) & 0xFFFFFF;
      if (pb != 0xFFFFFF) ink++;
      int dr = (int)((pa >> 16) & 0xFF) - (int)((pb >> 16) & 0xFF);
      if (dr > 64 || dr < -64) differ++;
    }
  assert_true(ink > 1000);
  assert_true(differ < 40); /* a few anti-aliased pixels at the merged corner */
  cairo_surface_destroy(a);
  cairo_surface_destroy(b);
  rfig_free(many);
  rfig_free(one);
  free(t);
  free(sv);
}

/* The first series is Okabe-Ito blue: exact pixels of #0072B2 exist. */
static void test_palette(void **s) {
  (void)s;
  rfig *f = make_lines();
  char path[128];
  avn_err e;
  snprintf(path, sizeof path, "%s/pal.png", tmpdir);
  assert_int_equal(rfig_write(f, path, &e), AVN_OK);
  cairo_surface_t *img = cairo_image_surface_create_from_png(path);
  assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
  int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
  int stride = cairo_image_surface_get_stride(img);
  const unsigned char *d = cairo_image_surface_get_data(img);
  long blue = 0, vermillion = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      uint32_t p = *(const uint32_t *)(const void *)(d + y * stride + 4 * x) & 0xFFFFFF;
      if (p == 0x0072B2) blue++;
      if (p == 0xD55E00) vermillion++;
    }
  assert_true(blue > 50);
  assert_true(vermillion > 50);
  cairo_surface_destroy(img);
  rfig_free(f);
}

/* Pixels tinted towards Okabe-Ito blue (#0072B2): blue well above red,
** anti-aliased edges included. */
static long count_blue(const rfig *f) {
  cairo_surface_t *img = raster(f);
  int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
  int stride = cairo_image_surface_get_stride(img);
  const unsigned char *d = cairo_image_surface_get_data(img);
  long n = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        uint32_t p = *(const uint32_t *)(const void *)(d + y * stride + 4 * x);
        int r = (int)((p >> 16) & 0xFF), b = (int)(p & 0xFF);
        if (b - r > 60) n++;
      }
  cairo_surface_destroy(img);
  return n;
}

/* rfig_series_draw: a scatter has markers and no line; a fit line has no
** markers; neither leaves no ink of the series' colour. */
static void test_series_draw(void **s) {
  (void)s;
  double x[] = {0, 10}, y[] = {0, 10};
  long ink[4];
  for (int k = 0; k < 4; k++) {
    rfig *f = rfig_lines("x", "y");
    rfig_series(f, "s", 2, x, y, NULL, NULL);
    rfig_series_draw(f, k & 1, k & 2);
    ink[k] = count_blue(f);
    rfig_free(f);
  }
  assert_int_equal(ink[0], 0);          /* neither */
  assert_true(ink[1] > 200);            /* line only: a long diagonal */
  assert_true(ink[2] > 20 && ink[2] < ink[1]); /* two markers */
  assert_true(ink[3] > ink[1]);         /* both */
}

/* Each allocation made to fail in turn: the figure either does not exist,
** records the failure (writers say AVN_E_NOMEM), or is complete. */
static void test_nomem(void **s) {
  (void)s;
  for (long k = 0; k < 60; k++) {
    avn_mem_fail_after(k);
    rfig *f = make_lines();
    avn_mem_fail_after(-1);
    avn_buf b;
    avn_buf_init(&b, 0);
    avn_err e;
    avn_rc rc = rfig_svg(f, &b, &e);
    if (!f || f->nomem) assert_int_equal(rc, AVN_E_NOMEM);
    else assert_int_equal(rc, AVN_OK);
    avn_buf_free(&b);
    rfig_free(f);
  }
  /* NULL figures are accepted everywhere */
  rfig_series(NULL, "x", 0, NULL, NULL, NULL, NULL);
  rfig_free(NULL);
  avn_err e;
  char path[128];
  snprintf(path, sizeof path, "%s/null.svg", tmpdir);
  assert_int_equal(rfig_write(NULL, path, &e), AVN_E_NOMEM);
}

/* Invalid UTF-8 in a label becomes U+FFFD, so pango and XML stay valid. */
static void test_bad_utf8(void **s) {
  (void)s;
  char *c = rfig_strdup_text("a\xFF" "b\x01");
  assert_string_equal(c, "a\xEF\xBF\xBD" "b ");
  avn_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_nicenum),    cmocka_unit_test(test_loose_ticks),
      cmocka_unit_test(test_fmt_num),    cmocka_unit_test(test_outputs),
      cmocka_unit_test(test_bad_path),   cmocka_unit_test(test_km_one_path),
      cmocka_unit_test(test_km_many_steps_same_picture),
      cmocka_unit_test(test_palette),    cmocka_unit_test(test_series_draw),
      cmocka_unit_test(test_nomem),
      cmocka_unit_test(test_bad_utf8),
  };
  return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
