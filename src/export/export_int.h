/*
** export_int.h: what the export writers share (not for callers outside
** src/export/): the file written under a temporary name, progress, names
** shortened to a format's limit, dates as text.
*/
#ifndef AVN_EXPORT_INT_H
#define AVN_EXPORT_INT_H

#include <stdio.h>
#include "core/buf.h"
#include "export/export.h"
#include "frame/frame.h"

typedef struct ex_file {
  char *path;                /* the final name */
  char *tmp;                 /* path + ".part": written, then renamed */
  FILE *fp;                  /* NULL for writers that open tmp themselves */
} ex_file;

/* Opens tmp for writing (fp NULL when !open_fp). */
avn_rc ex_open(const char *path, bool open_fp, ex_file *f /* OUT */, avn_err *e);
/* Closes and renames into place; on any failure removes tmp. Frees f. */
avn_rc ex_commit(ex_file *f, avn_err *e);
/* Closes and removes tmp. Frees f. Safe on a zeroed f. */
void ex_abort(ex_file *f);

/* Reports units done of total to o->progress, when set. */
void ex_progress(const export_opts *o, size_t done, size_t total);

/* name, or when longer than max bytes, its first max-5 bytes + "_" + the
** column's number (4 digits): unique because the number is. */
void ex_short_name(const char *name, size_t col, size_t max, char *out, size_t out_size);

/* A label cut to at most max bytes without splitting a UTF-8 character. */
void ex_cut_label(const char *label, size_t max, char *out, size_t out_size);

/* A column's label with its unit: "Pain (VAS, 6 weeks) [mm]". */
void ex_full_label(const frame_col *c, char *out, size_t out_size);

/* Missing-data codes (inst_missing_codes, k = 0 for NA .. 8 for OTH) as
** SPSS user-missing values: EX_CODE_SAV_HI - k, the column's MISSING VALUES
** the range EX_CODE_SAV_LO THRU EX_CODE_SAV_HI (the .sav and the CSV's .sps
** alike; export_stat.c explains the choice). */
#define EX_CODE_SAV_HI (-99991.0)
#define EX_CODE_SAV_LO (EX_CODE_SAV_HI - 8)
/* k of a code, or (size_t)-1. */
size_t ex_code_index(const char *code);
/* Whether a column writes codes as user-missing values: a numeric or date
** item whose own values cannot fall in the range. */
bool ex_col_takes_codes(const frame_col *c);

/* Every code an item cell may hold, for codebooks: "NA=not applicable; ND=not done; ...". */
void ex_missing_codes_text(avn_buf *b);

/* The writers, one per file kind (export_study dispatches). */
avn_rc ex_write_stat(store *s, frame *fr, const export_opts *o, export_summary *sum, avn_err *e);
avn_rc ex_write_xlsx(store *s, frame *fr, const export_opts *o, export_summary *sum, avn_err *e);
avn_rc ex_write_odm(store *s, frame *fr, const export_opts *o, export_summary *sum, avn_err *e);

#endif
