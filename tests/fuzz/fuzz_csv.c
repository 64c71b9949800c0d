/*
** fuzz_csv.c: libFuzzer target for the CSV reader behind `avn stats` and the
** imports (src/interop/csv_table.c): any bytes either read into a table whose
** every cell can be asked for, or are refused with a message; never a crash,
** a leak or an out-of-bounds read (built with ASan + UBSan).
*/
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/mem.h"
#include "interop/csv_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  csv_table *t = NULL;
  avn_err e;
  if (csv_table_read_mem((const char *)data, size, "fuzz", &t, &e) != AVN_OK) {
    if (!e.rule[0]) __builtin_trap(); /* a refusal always says why */
    return 0;
  }
  size_t nc = csv_table_ncol(t), nr = csv_table_nrow(t);
  double *x = avn_calloc(nr ? nr : 1, sizeof *x);
  for (size_t c = 0; x && c < nc; c++) {
    size_t col = 0, miss = 0;
    if (csv_table_find(t, csv_table_name(t, c), &col, &e) != AVN_OK || col != c) __builtin_trap();
    if (csv_table_is_numeric(t, c) && csv_table_numeric(t, c, x, &miss, &e) != AVN_OK) __builtin_trap();
    for (size_t r = 0; r < nr; r++) (void)strlen(csv_table_cell(t, r, c));
  }
  avn_free(x);
  csv_table_free(t);
  return 0;
}
