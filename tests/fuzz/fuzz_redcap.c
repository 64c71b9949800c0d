/*
** fuzz_redcap.c: libFuzzer target for a REDCap data dictionary a user brings
** (import_dictionary_mem: interop/redcap_dict.c's reader, the field mapping,
** the branching-logic parser in instruments/cond.c, the YAML written and
** read back). Any bytes give forms or a refusal naming its rule; never a
** crash, a leak or an out-of-bounds read (built with ASan + UBSan).
*/
#include <stdint.h>

#include "import/import.h"
#include "instruments/instrument.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const hips[] = {"harris_hip_score"};
  import_dict_opts o = {.hip_forms = hips, .n_hip_forms = 1};
  import_dict_result r;
  avn_err e;
  avn_err_clear(&e);
  if (import_dictionary_mem((const char *)data, size, "fuzz.csv", &o, &r, &e) == AVN_OK) {
    if (!r.yaml) __builtin_trap();
    import_dict_result_free(&r);
  } else if (!e.rule[0]) {
    __builtin_trap();
  }
  return 0;
}
