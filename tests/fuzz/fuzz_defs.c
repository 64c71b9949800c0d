/*
** fuzz_defs.c: libFuzzer target for the YAML readers a study's own files go
** through: an instrument definition (inst_def_parse) and a protocol
** (protocol_parse). Any bytes are read or refused with file:line and a rule;
** never a crash, a leak or an out-of-bounds read (built with ASan + UBSan).
*/
#include <stdint.h>

#include "instruments/instrument.h"
#include "protocol/protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  avn_err e;
  inst_def *d = NULL;
  if (inst_def_parse("fuzz.yaml", (const char *)data, size, &d, &e) == AVN_OK) inst_def_free(d);
  else if (!e.rule[0]) __builtin_trap();
  protocol *p = NULL;
  if (protocol_parse("fuzz.yaml", (const char *)data, size, &p, &e) == AVN_OK) protocol_free(p);
  else if (!e.rule[0]) __builtin_trap();
  return 0;
}
