/*
** vas.c: pain visual analogue scale (docs/instruments.md 4, section 7). The
** value is stored in mm (0-100 on a 100 mm line); an entry in cm was already
** converted by the pain_cm alias (x 10). Results: pain_mm and pain_cm =
** pain_mm / 10, for protocols that report 0-10 (the seed papers do).
*/
#include "instruments/scoring.h"

avn_rc vas_score(const inst_ctx *c, inst_scores *out, avn_err *e) {
  double mm = 0;
  (void)e;
  if (!inst_ctx_num(c, "pain_mm", &mm)) return AVN_OK;
  inst_set_num(out, "pain_mm", mm);
  inst_set_num(out, "pain_cm", mm / 10.0);
  return AVN_OK;
}
