/*
** baseline.c: body-mass index from the baseline form: BMI = weight (kg) /
** height (m)^2 (WHO). Both are required items; without either, no BMI.
*/
#include "instruments/scoring.h"

avn_rc baseline_score(const inst_ctx *c, inst_scores *out, avn_err *e) {
  double w = 0, h = 0;
  (void)e;
  if (inst_ctx_num(c, "weight_kg", &w) && inst_ctx_num(c, "height_cm", &h))
    inst_set_num(out, "bmi", w / ((h / 100.0) * (h / 100.0)));
  return AVN_OK;
}
