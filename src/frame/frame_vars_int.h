/*
** frame_vars_int.h: what the two readers of frame_vars (the CSV reader in
** frame_vars.c, the study reader in frame_vars_study.c) share: the column
** builder and the header's column choice. Not for other modules.
*/
#ifndef AVN_FRAME_VARS_INT_H
#define AVN_FRAME_VARS_INT_H

#include "frame/frame_vars.h"

/* Capacity (in cells) of a column's row arrays, grown by doubling. */
typedef struct frame_var_cap {
  size_t num, code, off, lev;
} frame_var_cap;

typedef struct frame_vars_reader {
  frame_vars *v;
  const frame_vars_opts *o;
  avn_rc rc;
  avn_err *e;
  bool in_header;
  size_t hdr_cap;
  size_t field;          /* fields seen in the current data row */
  int *slot;             /* [ncol] index into v->var, -1 when not read */
  frame_var_cap *cap;    /* [ncol] */
  char *cell;            /* NUL-terminated copy of a field */
  size_t cell_cap;
} frame_vars_reader;

/* Appends row x->nrow: s[len] is the cell's text, NUL-terminated. */
avn_rc frame_var_put(frame_var *x, frame_var_cap *cap, const char *s, size_t len);
/* After the last row. */
avn_rc frame_var_done(frame_var *x, frame_var_cap *cap);
/* Header read (r->v->header, ncol): checks the names, chooses the columns
** (r->o->wanted) and makes their columns. AVN_E_PARSE or AVN_E_NOMEM. */
avn_rc frame_vars_header_done(frame_vars_reader *r);

#endif
