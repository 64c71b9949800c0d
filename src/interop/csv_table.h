/*
** csv_table.h: a CSV file read into named columns of text cells.
**
** What it owns: the header (column names) and every cell of a CSV file, as
** NUL-terminated strings. Cells stay text; numbers are parsed on demand by
** csv_table_number()/csv_table_numeric(), so one file can feed both a
** numeric analysis and a categorical one without a type guess up front.
**
** Rules (the same ones R's read.csv users expect, made strict):
**   - the first record is the header; every column needs a non-empty,
**     unique name (a leading UTF-8 byte-order mark is dropped);
**   - every data record has exactly as many fields as the header;
**   - blank lines are skipped; quoting follows RFC 4180 (libcsv);
**   - a cell that is empty or exactly "NA" is missing;
**   - a numeric cell is a decimal number strtod() reads completely (spaces
**     around it allowed); "Inf", "NaN", hex and "1,5" are refused with an
**     avn_err naming the column, the data row (1 = first row after the
**     header) and the value.
**
** Costs: reading is one streaming pass (64 KiB blocks through libcsv),
** O(bytes). All cell text lives in one arena (a single growing block) and
** each cell is a 32-bit offset into it, so 1,000,000 rows x 10 columns
** costs the file's size plus 40 MB, and no allocation per cell. Offsets
** fit in 32 bits because avn_malloc caps any block at 1 GiB.
**
** Ownership: csv_table_read_* return a table the caller frees with
** csv_table_free(). Names and cells returned by the accessors are borrowed
** and valid until the table is freed.
*/
#ifndef AVN_CSV_TABLE_H
#define AVN_CSV_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/rc.h"

typedef struct csv_table csv_table;

/* Reads the CSV file at path. On failure *out is NULL and e says why
** (AVN_E_IO: cannot open/read; AVN_E_PARSE: malformed CSV, ragged row, bad
** header; AVN_E_NOMEM). */
avn_rc csv_table_read_file(const char *path, csv_table **out /* OUT */,
                           avn_err *e);
/* The same from memory; label names the source in error messages. */
avn_rc csv_table_read_mem(const char *data, size_t len, const char *label,
                          csv_table **out /* OUT */, avn_err *e);
void csv_table_free(csv_table *t);

size_t csv_table_ncol(const csv_table *t);
size_t csv_table_nrow(const csv_table *t);
/* Column name, borrowed. col < ncol. */
const char *csv_table_name(const csv_table *t, size_t col);

/* Index of the column called name. AVN_E_UNKNOWN (field = name, rule lists
** the columns there are) when absent. */
avn_rc csv_table_find(const csv_table *t, const char *name,
                      size_t *col /* OUT */, avn_err *e);

/* Cell text, borrowed; "" for an empty cell. row < nrow, col < ncol. */
const char *csv_table_cell(const csv_table *t, size_t row, size_t col);
/* True when the cell is empty or "NA". */
bool csv_table_missing(const csv_table *t, size_t row, size_t col);

/* Parses one cell. Missing => *missing = true and *x = NAN. A non-numeric
** cell => AVN_E_TYPE naming column, row and value. */
avn_rc csv_table_number(const csv_table *t, size_t row, size_t col,
                        double *x /* OUT */, bool *missing /* OUT */,
                        avn_err *e);
/* Parses a whole column into x[nrow] (NAN where missing) and counts the
** missing cells. Stops at the first non-numeric cell with AVN_E_TYPE. */
avn_rc csv_table_numeric(const csv_table *t, size_t col, double *x /* OUT */,
                         size_t *n_missing /* OUT */, avn_err *e);
/* True when every non-missing cell of the column is a number (and there is
** at least one). Used to decide numeric vs categorical. */
bool csv_table_is_numeric(const csv_table *t, size_t col);

/* The streaming reader under csv_table (and src/frame's typed reader):
** libcsv (RFC 4180, strict) fed in 64 KiB blocks, field(text, len, ctx) per
** field and row(ch, ctx) per record, as csv_parse() calls them. The
** callbacks cannot stop libcsv, so they record their first error in *rc
** and ignore the rest; the stream stops after the block and returns *rc.
** *nrow (the rows the callbacks have taken) numbers the data row in
** messages about malformed CSV. */
typedef struct csv_sink {
  void (*field)(void *text, size_t len, void *ctx);
  void (*row)(int ch, void *ctx);
  void *ctx;
  avn_rc *rc;
  const size_t *nrow;
} csv_sink;
avn_rc csv_stream_file(const char *path, const csv_sink *k, avn_err *e);
avn_rc csv_stream_mem(const char *data, size_t len, const char *label, const csv_sink *k,
                      avn_err *e);

/* Lexer used by the above: true and *x set when s is a finite decimal
** number with optional surrounding spaces. */
bool csv_parse_double(const char *s, double *x /* OUT */);

/* a - b for two cells in decimal syntax, computed exactly in decimal and
** rounded once to double (so "1000000000000.4" - "1000000000000" is 0.4 to
** the last bit, where the doubles of the two differ by 0.4000244). False
** when a cell has more than 80 significant digits or the two span more than
** 160 decimal places: the caller then subtracts the doubles. */
bool csv_decimal_diff(const char *a, const char *b, double *out /* OUT */);

#endif
