/*
** fuzz_records.c: libFuzzer target for a records file a user brings
** (avn import records): the CSV reader, then the plan of the file in each
** layout (long, wide, REDCap) against the shipped `sequential` protocol
** (import/import_rows.c; the store is not involved). Any bytes give a plan
** or a refusal naming its rule; never a crash, a leak or an out-of-bounds
** read (built with ASan + UBSan).
*/
#include <stdint.h>
#include <stdlib.h>

#include "import/import_int.h"
#include "instruments/instrument.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static protocol *p;
  avn_err e;
  if (!p && protocol_load("sequential", &p, &e) != AVN_OK) abort();
  csv_table *t = NULL;
  if (csv_table_read_mem((const char *)data, size, "fuzz.csv", &t, &e) != AVN_OK) return 0;
  for (int f = IMPORT_LONG; f <= IMPORT_REDCAP; f++) {
    import_plan pl;
    avn_err_clear(&e);
    if (import_plan_build(t, (import_format)f, p, NULL, 0, NULL, NULL, &pl, &e) == AVN_OK) {
      for (size_t i = 0; i < pl.n_units; i++)
        if (pl.units[i].entry0 + pl.units[i].n_entries > pl.n_entries) __builtin_trap();
      import_plan_free(&pl);
    } else if (!e.rule[0]) {
      __builtin_trap();
    }
  }
  csv_table_free(t);
  return 0;
}
