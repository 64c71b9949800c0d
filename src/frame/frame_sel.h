/*
** frame_sel.h: an analysis's selection of the analysis variables
** (frame_vars.h): complete cases over the columns it names, numeric columns
** as double arrays, factors as integer codes with their levels, treatment
** (dummy) coding and grouping (clusters, strata, subjects) by level.
**
** Rules, as R's model.frame with na.omit:
**   - a row missing any selected column is dropped (n_missing);
**   - a numeric selection of a column with a non-numeric cell is refused
**     (AVN_E_TYPE naming the column, the data row and the value), even when
**     that row would be dropped;
**   - factor levels are those of the kept rows (a column of numbers: its
**     values written %.15g, as R's factor() of a numeric column), ordered
**     as R's factor():
**     numerically when every level is a number, else by strcmp (the C
**     locale, R's sort under LC_COLLATE=C); only the few distinct levels
**     are sorted, never the rows (codes come from the read's first-
**     appearance coding);
**   - a chosen level list (frame_want.levels) orders the levels and leaves
**     out the rows of any other level (n_unlisted), as factor(x, levels =
**     ...) + na.omit; a reference level moves first (R's relevel).
** Errors name the column (and the level), never the option that chose it:
** frame_want.levels_from / ref_from are the caller's words for the source
** of a level list, put in front of the rule ("--levels names a level ...").
**
** Costs: O(rows x columns) plus d log d per factor of d levels (a column
** of numbers used as a factor is coded by hashing its values, O(n)).
**
** Ownership: frame_select fills a selection freed by frame_sel_free; level
** strings are borrowed from the frame_vars, which must outlive it.
*/
#ifndef AVN_FRAME_SEL_H
#define AVN_FRAME_SEL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/rc.h"
#include "frame/frame_vars.h"

typedef enum frame_sel_kind {
  FRAME_SEL_NUMERIC = 0,  /* doubles; a non-numeric cell is an error */
  FRAME_SEL_FACTOR = 1,   /* codes + ordered levels */
  FRAME_SEL_AUTO = 2      /* numeric when every cell is a number, else factor */
} frame_sel_kind;

typedef struct frame_want {
  const char *name;            /* the column */
  frame_sel_kind kind;
  char **levels;               /* NULL, or the chosen levels in order */
  size_t nlevels;
  const char *levels_from;     /* words naming the source of levels, for errors */
  const char *ref;             /* NULL, or the reference level ... */
  size_t ref_len;              /* ... of this many bytes */
  const char *ref_from;        /* words naming the source of ref */
  bool borrow;                 /* numeric: leave x NULL; the values are
                                  src->num[row[i]] (no copy) */
} frame_want;

typedef struct frame_svar {
  const char *name;            /* borrowed from the frame_vars */
  const frame_var *src;        /* the whole column */
  frame_sel_kind kind;         /* NUMERIC or FACTOR after selection */
  double *x;                   /* numeric: n values */
  int *code;                   /* factor: n codes in 0..nlev-1 (level order) */
  size_t nlev;
  const char **levels;         /* factor: nlev names; levels[0] the reference */
  size_t ref;                  /* always 0 (the reference moved first) */
  size_t *count;               /* factor: kept rows per level */
  char *numtext;               /* levels written from numbers (owned) */
} frame_svar;

typedef struct frame_sel {
  size_t nvar;
  frame_svar *v;               /* in the order wanted */
  size_t n;                    /* complete rows */
  size_t n_missing;            /* rows dropped for a missing cell */
  size_t n_unlisted;           /* complete rows of a level not chosen */
  size_t *row;                 /* n source rows (0-based) of the kept rows */
} frame_sel;

avn_rc frame_select(const frame_vars *d, const frame_want *w, size_t nw, frame_sel *out /* OUT */,
                    avn_err *e);
void frame_sel_free(frame_sel *f);

/* Treatment coding as R's model.matrix for the factor v: nlev-1 columns,
** one per non-reference level, named column+level ("stageII"), written into
** X (n rows, row-major, leading dimension ld, from column j0); names[0..
** nlev-2] allocated (avn_free each). */
avn_rc frame_dummy_code(const frame_svar *v, size_t n, double *X, size_t ld, size_t j0,
                        char **names /* OUT */);

/* Rows grouped by the factor g: idx[n] ordered by level, start[nlev+1]
** offsets (level k is idx[start[k] .. start[k+1])). Counting sort, O(n).
** Caller frees both. */
avn_rc frame_group_index(const frame_svar *g, size_t n, size_t **idx /* OUT */,
                         size_t **start /* OUT */);

/* True when the first non-missing cell of x is a number (a cheap guess of
** a covariate's kind that a later non-numeric cell then contradicts). */
bool frame_var_first_numeric(const frame_var *x);

#endif
