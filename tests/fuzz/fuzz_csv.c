/*
** fuzz_csv.c: libFuzzer target for the CSV readers: the imports' table of
** text cells (src/interop/csv_table.c) and `avn stats`'s typed columns with
** every column selected (src/frame/frame_vars.c, frame_sel.c): any bytes
** either read into a table whose every cell can be asked for, or are refused
** with a message; never a crash, a leak or an out-of-bounds read (built
** with ASan + UBSan).
*/
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/mem.h"
#include "frame/frame_sel.h"
#include "frame/frame_vars.h"
#include "interop/csv_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The typed read, every column selected as it reads (numbers or factor
** codes), then each as a factor: complete cases over all of them. */
static void typed(const uint8_t *data, size_t size) {
  frame_vars *v = NULL;
  frame_want *w = NULL;
  frame_sel f;
  avn_err e;
  if (frame_vars_read_mem((const char *)data, size, "fuzz", NULL, &v, &e) != AVN_OK) {
    if (!e.rule[0]) __builtin_trap();
    return;
  }
  w = avn_calloc(v->nvar ? v->nvar : 1, sizeof *w);
  for (int kind = 0; w && kind < 2; kind++) {
    for (size_t j = 0; j < v->nvar; j++) {
      w[j].name = v->var[j].name;
      w[j].kind = kind ? FRAME_SEL_FACTOR : FRAME_SEL_AUTO;
    }
    if (frame_select(v, w, v->nvar, &f, &e) != AVN_OK) {
      if (!e.rule[0]) __builtin_trap();
      continue;
    }
    for (size_t j = 0; j < f.nvar; j++)
      for (size_t i = 0; i < f.n; i++)
        if (f.v[j].code && (f.v[j].code[i] < 0 || (size_t)f.v[j].code[i] >= f.v[j].nlev))
          __builtin_trap();
    frame_sel_free(&f);
  }
  avn_free(w);
  frame_vars_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  csv_table *t = NULL;
  typed(data, size);
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
