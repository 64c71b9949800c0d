/*
** cli_progress.c: the progress bar that long imports and exports draw on
** stderr when it is a terminal (the libraries only report done/total through
** a callback; drawing is the CLI's). The caller owns the cli_progress.
*/
#include <stdio.h>

#include "cli/cli.h"

void cli_progress_draw(void *ctx, size_t done, size_t total) {
  cli_progress *p = ctx;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  double dt = (double)(now.tv_sec - p->last.tv_sec) + (double)(now.tv_nsec - p->last.tv_nsec) / 1e9;
  if (p->drawn && dt < 0.1 && done != total) return;   /* at most ten redraws a second */
  p->last = now;
  p->drawn = true;
  p->open = done != total;
  int width = 40, fill = total ? (int)((double)done / (double)total * width) : width;
  fprintf(stderr, "\r%s [%.*s%*s] %3d%% %zu/%zu", p->what, fill, "########################################",
          width - fill, "", total ? (int)(100.0 * (double)done / (double)total) : 100, done, total);
  if (done == total) fputc('\n', stderr);
  fflush(stderr);
}

void cli_progress_end(cli_progress *p) {
  if (p->open) fputc('\n', stderr);
  p->open = false;
}
