/*
** frame.h: the analysis dataset as exports read it: the study as one wide,
** typed table.
**
** A row per unit of analysis (a hip when the protocol's unit is the hip,
** else a patient); columns: the unit's identifiers and baseline descriptors,
** then for every visit of the protocol and every form it collects, each item
** and each computed score, named VISIT_FORM_ITEM ("m6_hhs_pain",
** "m6_hhs_total"). When the unit is the patient, a per-hip form gives a
** column per hip ("m6_hhs_total_left"). Labels, units, value labels and
** measurement levels come from the instrument definitions (and a result's
** `type: category`); nothing here repeats them.
**
** Which values: each chunk is settled by store_settle, so a form entered
** twice contributes a value only where both entries agree or an adjudication
** settled it (a disagreement not yet settled is missing, never entry 1 picked
** silently); a form read by independent readers (mri) contributes its first
** read (entry 1); scores are computed from those values, once. An item
** entered as a missing-data code ("ND") is a missing cell that names its
** code (frame_cell.code), so exports can write it as user-missing. With
** frame_opts.raw the chunks keep the entries as typed (the long CSV, ODM).
**
** De-identified (frame_opts.deidentified): no birth date, no enrolment date,
** every other date becomes whole days from the patient's enrolment; names and
** phone numbers never enter a frame at all (store_load does not read them).
**
** Streaming: frame_open builds the columns from the protocol; each
** frame_next loads the next chunk of patients (store_load_next) and fills
** their rows, so memory stays bounded whatever the study's size. Rows and
** their text are valid until the next frame_next or frame_close.
**
** Ownership: frame_open returns a frame freed by frame_close; columns and
** rows are borrowed from it.
*/
#ifndef AVN_FRAME_H
#define AVN_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include "core/rc.h"
#include "instruments/instrument.h"
#include "store/store.h"

typedef enum frame_kind { FRAME_NUM, FRAME_DATE, FRAME_TEXT } frame_kind;
typedef enum frame_measure { FRAME_NOMINAL, FRAME_ORDINAL, FRAME_SCALE } frame_measure;

typedef struct frame_col {
  char name[64];             /* unique; [a-z][a-z0-9_]* */
  char label[256];           /* words for people: "Harris Hip Score (0-100), 6 months" */
  const char *unit;          /* "" when none; borrowed from the definition */
  frame_kind kind;           /* dates are day numbers (core/date.h) in num */
  frame_measure measure;
  const inst_item *coded;    /* a code or yes/no item: its value labels; else NULL */
  const inst_item *item;     /* the item a column holds, or NULL (identifier, score) */
  const char *visit;         /* the visit, or NULL for an identifier column */
  const inst_def *form;      /* the form, or NULL */
  const char *source;        /* the item or result name; the identifier's name */
} frame_col;

typedef struct frame_cell {
  bool missing;
  double num;                /* numbers, dates (day numbers), code values */
  const char *text;          /* FRAME_TEXT; for a code, its name */
  const char *code;          /* a missing cell entered as a missing-data code
                                ("ND", inst_missing_codes; static), else NULL */
} frame_cell;

typedef struct frame_opts {
  bool deidentified;
  bool raw;                  /* chunks as stored, entries unsettled (rows still settle nothing) */
  size_t chunk;              /* patients per chunk; 0: 1000 */
} frame_opts;

typedef struct frame frame;

avn_rc frame_open(store *s, const frame_opts *o, frame **out /* OUT */, avn_err *e);
void frame_close(frame *f);

size_t frame_ncols(const frame *f);
const frame_col *frame_col_at(const frame *f, size_t j);
/* Units in the whole study (a count query, for writers that need the row
** count before the first row: SPSS, Stata, SAS transport). */
avn_rc frame_count_rows(store *s, size_t *out /* OUT */, avn_err *e);

/* Widths, in bytes, that every text cell of the whole study fits:
** widths[j] for each FRAME_TEXT column j (0 for the others), from the
** store's aggregate queries (identifiers, text items) and the definitions
** (a category result: its longest level, else FRAME_CATEGORY_WIDTH). For
** writers that size string columns before the first row, without a pass
** over the study. */
#define FRAME_CATEGORY_WIDTH 16
avn_rc frame_text_widths(frame *f, size_t *widths /* OUT: frame_ncols(f) */, avn_err *e);

/* The next chunk: *rows = n_rows x ncols cells, row-major; *n_rows = 0 at
** the end. */
avn_rc frame_next(frame *f, const frame_cell **rows /* OUT */, size_t *n_rows /* OUT */, avn_err *e);

/* The chunk's snapshot (the long layout walks its forms directly). */
const store_study *frame_chunk(const frame *f);

/* Value labels of a coded column (an item's codes, yes/no, sex, hip), or
** NULL with *n = 0. Borrowed. */
const inst_code *frame_col_codes(const frame_col *c, size_t *n /* OUT */);

/* The value a coded item's cell carries for code k: the code's value when
** the item's values are whole numbers that tell its codes apart (HHS
** answers carry their points), else k + 1; for yes/no, 0 and 1. */
double frame_code_value(const inst_item *it, size_t k);

#endif
