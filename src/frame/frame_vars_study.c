/*
** frame_vars_study.c: the analysis variables from a study (see
** frame_vars.h): frame_open's wide, de-identified rows, each wanted cell
** written as the wide CSV export writes it (numbers %.15g, dates
** YYYY-MM-DD, text as is) and put through the same column builder as a
** CSV cell, so a study and its exported CSV are the same analysis. Streams
** the study chunk by chunk (frame_next); memory is the columns read.
*/
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/mem.h"
#include "frame/frame.h"
#include "frame/frame_vars.h"
#include "frame/frame_vars_int.h"

avn_rc frame_vars_read_study(store *s, const frame_vars_opts *o, frame_vars **out, avn_err *e) {
  avn_rc rc = AVN_OK;
  frame *fr = NULL;
  frame_vars *v = NULL;
  frame_vars_reader r = {0};
  frame_opts fo = {.deidentified = true};
  const frame_cell *rows = NULL;
  size_t n = 0;

  *out = NULL;
  rc = frame_open(s, &fo, &fr, e);
  if (rc) goto cleanup;
  v = avn_calloc(1, sizeof *v);
  if (!v) goto nomem;
  v->label = "study";
  v->ncol = frame_ncols(fr);
  v->header = avn_calloc(v->ncol ? v->ncol : 1, sizeof *v->header);
  if (!v->header) goto nomem;
  for (size_t j = 0; j < v->ncol; j++) {
    v->header[j] = avn_strdup(frame_col_at(fr, j)->name);
    if (!v->header[j]) goto nomem;
  }
  r.v = v;
  r.o = o;
  r.e = e;
  rc = frame_vars_header_done(&r);
  if (rc) goto cleanup;
  while (!(rc = frame_next(fr, &rows, &n, e)) && n > 0) {
    for (size_t i = 0; i < n; i++) {
      for (size_t j = 0; j < v->ncol; j++) {
        int k = r.slot[j];
        if (k < 0) continue;
        const frame_col *c = frame_col_at(fr, j);
        const frame_cell *x = &rows[i * v->ncol + j];
        char buf[40];
        const char *t = "";
        if (!x->missing && c->kind == FRAME_TEXT) {
          t = x->text ? x->text : "";
        } else if (!x->missing && c->kind == FRAME_DATE) {
          t = avn_date_format((avn_date)x->num, buf);
        } else if (!x->missing) {
          snprintf(buf, sizeof buf, "%.15g", x->num);
          t = buf;
        }
        rc = frame_var_put(&v->var[k], &r.cap[k], t, strlen(t));
        if (rc) goto nomem;
      }
      v->nrow++;
    }
  }
  if (rc) goto cleanup;
  for (size_t j = 0; j < v->nvar && !rc; j++) rc = frame_var_done(&v->var[j], &r.cap[j]);
  if (rc) goto nomem;
  *out = v;
  v = NULL;
  goto cleanup;
nomem:
  rc = avn_fail(e, AVN_E_NOMEM, "study", NULL, "out of memory reading the analysis dataset");
cleanup:
  avn_free(r.slot);
  avn_free(r.cap);
  frame_vars_free(v);
  frame_close(fr);
  return rc;
}
