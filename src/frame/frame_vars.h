/*
** frame_vars.h: the analysis variables: the columns an analysis names, read
** once into typed arrays, from a CSV file or from a study's analysis
** dataset (frame.h, the wide layout: "m6_hhs_total").
**
** What it owns: for each column read, its cells parsed once at read time:
**   - a column of numbers (every non-missing cell a decimal number, in
**     csv_parse_double's syntax, and at least one): num[nrow], NAN when
**     missing, and nothing else: no text, no codes (frame_sel codes it by
**     value when an analysis uses it as a factor, with levels written
**     %.15g, as R's factor() of a numeric column);
**   - any other column: code[nrow] + level[nlev], its texts coded by first
**     appearance through a hash table (FRAME_NA when missing); the
**     distinct strings are the only text kept. When a text cell follows
**     numbers, the rows before it are coded from their numbers (%.15g: a
**     "1.0" there becomes level "1");
**   - text (only when asked: frame_vars_opts.keep_text) for the analyses
**     that work on the decimal digits themselves (exact centring).
** Missing cells: empty or exactly "NA" (what R's read.csv reads as NA).
** The header's names are all kept (to name the columns there are when an
** analysis asks for one that is not); only the wanted columns get arrays,
** so a 1,000,000-row file of 8 columns costs 8 or 12 bytes a cell of the
** columns used, never the file's text.
**
** CSV rules (strict, as csv_table.h): first record is the header, every
** name non-empty and unique (a UTF-8 byte-order mark is dropped); every
** record as many fields as the header; RFC 4180 quoting (libcsv); blank
** lines skipped; a NUL byte refused.
**
** Costs: one streaming pass, 64 KiB blocks, O(bytes); one hash lookup per
** cell of a text column; no allocation per cell.
**
** Ownership: frame_vars_read_* return a set freed by frame_vars_free; every
** pointer into it (vars, levels, text) is borrowed until then.
*/
#ifndef AVN_FRAME_VARS_H
#define AVN_FRAME_VARS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/rc.h"
#include "store/store.h"

#define FRAME_NA UINT32_MAX

typedef struct frame_var {
  char *name;
  size_t nrow;
  bool numeric;        /* every non-missing cell is a number, and one is there */
  size_t n_present;    /* non-missing cells */
  double *num;         /* [nrow] or NULL once a cell is not a number */
  size_t bad_row;      /* first non-numeric cell: data row (0-based) ... */
  char *bad_text;      /* ... and its text (NULL when numeric) */
  uint32_t *code;      /* [nrow] first-appearance level index, FRAME_NA when
                          missing; NULL for a column of numbers */
  char **level;        /* [nlev] the distinct texts, first appearance first */
  size_t nlev;
  char *text;          /* keep_text only: arena of the cells' text ... */
  uint32_t *off;       /* ... [nrow] offsets into it ("" when missing) */
  size_t text_len, text_cap;
  void *hash;          /* while reading a text column: text -> level index + 1 */
  bool released;       /* frame_vars_release: the arrays are gone */
} frame_var;

typedef struct frame_vars {
  char **header;       /* every column name of the source, in order */
  size_t ncol;
  size_t nrow;
  frame_var *var;      /* the columns read, in header order */
  size_t nvar;
  const char *label;   /* the source, for messages (borrowed) */
} frame_vars;

typedef struct frame_vars_opts {
  /* Reads the column when wanted(name, ctx) is true; NULL reads them all. */
  bool (*wanted)(const char *name, void *ctx);
  void *ctx;
  bool keep_text;      /* keep every read cell's text (frame_var.text) */
} frame_vars_opts;

/* Reads the CSV file at path (label in messages: path). Errors: AVN_E_IO
** (cannot open or read), AVN_E_PARSE (malformed CSV, ragged row, bad
** header), AVN_E_NOMEM. */
avn_rc frame_vars_read_csv(const char *path, const frame_vars_opts *o,
                           frame_vars **out /* OUT */, avn_err *e);
/* The same from memory (tests, fuzzing). */
avn_rc frame_vars_read_mem(const char *data, size_t len, const char *label,
                           const frame_vars_opts *o, frame_vars **out /* OUT */, avn_err *e);
/* The study's analysis dataset (frame_open: settled, de-identified, wide
** columns named as the CSV export names them), each cell as the wide CSV
** export writes it (numbers %.15g, dates YYYY-MM-DD, codes by value), so
** an analysis of the study and of its exported CSV are the same analysis. */
avn_rc frame_vars_read_study(store *s, const frame_vars_opts *o, frame_vars **out /* OUT */,
                             avn_err *e);
void frame_vars_free(frame_vars *v);

/* The column called name, or AVN_E_UNKNOWN naming it and listing the
** columns there are (AVN_E_UNKNOWN "not read" when it is in the header
** but was not wanted: a caller's bug). */
avn_rc frame_vars_find(const frame_vars *v, const char *name, const frame_var **out /* OUT */,
                       avn_err *e);
/* Frees the arrays of the column called name (no-op when not read): for the
** last analysis of a read, once it has its own copy of the values (a
** design matrix), so the two are not held at once. A later
** frame_vars_find of it is AVN_E_STATE. */
void frame_vars_release(frame_vars *v, const char *name);
/* True when the cell is missing. */
bool frame_var_missing(const frame_var *x, size_t row);
/* The cell as text: its level, or its number written %.15g into buf; ""
** when missing. */
const char *frame_var_text(const frame_var *x, size_t row, char *buf, size_t n);

#endif
