/*
** pngstat.c: size and ink of a PNG, so shell tests can tell a rendered
** page from a blank one.
**
**   pngstat FILE [X Y W H]
**
** prints "WIDTH HEIGHT FRACTION": the image's size in pixels and the
** fraction of its pixels (or of the rectangle X, Y, W, H, clipped to the
** image) that are not white, where white means every channel >= 245 (so
** anti-aliasing fringes near white do not count as ink). A transparent
** pixel counts as white. Exit 1 if the file is not a readable PNG, 2 on
** usage errors. Uses cairo's PNG reader.
*/
#include <cairo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc != 2 && argc != 6) {
    fprintf(stderr, "usage: pngstat FILE [X Y W H]\n");
    return 2;
  }
  cairo_surface_t *s = cairo_image_surface_create_from_png(argv[1]);
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    fprintf(stderr, "pngstat: %s: %s\n", argv[1], cairo_status_to_string(cairo_surface_status(s)));
    cairo_surface_destroy(s);
    return 1;
  }
  cairo_surface_flush(s);
  int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
  int stride = cairo_image_surface_get_stride(s);
  cairo_format_t fmt = cairo_image_surface_get_format(s);
  const unsigned char *data = cairo_image_surface_get_data(s);
  long x0 = 0, y0 = 0, x1 = w, y1 = h;
  if (argc == 6) {
    x0 = strtol(argv[2], NULL, 10);
    y0 = strtol(argv[3], NULL, 10);
    x1 = x0 + strtol(argv[4], NULL, 10);
    y1 = y0 + strtol(argv[5], NULL, 10);
    if (x0 < 0) x0 = 0;
    if (y0 < 0) y0 = 0;
    if (x1 > w) x1 = w;
    if (y1 > h) y1 = h;
  }
  long ink = 0, total = 0;
  for (long y = y0; y < y1; y++) {
    const uint32_t *row = (const uint32_t *)(const void *)(data + y * stride);
    for (long x = x0; x < x1; x++) {
      uint32_t p = row[x];
      unsigned a = fmt == CAIRO_FORMAT_ARGB32 ? (p >> 24) & 0xFF : 0xFF;
      unsigned r = (p >> 16) & 0xFF, g = (p >> 8) & 0xFF, b = p & 0xFF;
      total++;
      if (a == 0) continue;
      if (a < 0xFF) { /* premultiplied: composite over white */
        r = r + (0xFF - a);
        g = g + (0xFF - a);
        b = b + (0xFF - a);
      }
      if (r < 245 || g < 245 || b < 245) ink++;
    }
  }
  printf("%d %d %.6f\n", w, h, total ? (double)ink / (double)total : 0.0);
  cairo_surface_destroy(s);
  return 0;
}
