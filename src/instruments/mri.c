/*
** mri.c: scores the `mri` imaging-read form: fills an avn_findings record
** (staging.h) from the items, derives the Ficat-Arlet (ficat.c), Steinberg
** (steinberg.c) and ARCO 2019 (arco.c) stages, the Kerboul combined necrotic
** angle (coronal + sagittal arc; Kerboul et al., J Bone Joint Surg Br
** 1974;56:291-6), and flags a reader's stage that differs from the derived
** one (stage_disagree).
**
** A stage needs every required finding (the booleans and the radiograph);
** with one missing, no stage is derived. A disagreement flag needs both the
** reader's stage and a derived stage. Missing optional measures (depth, %)
** only limit the extent letter / the ARCO sub-stage.
*/
#include <string.h>

#include "instruments/scoring.h"
#include "instruments/staging.h"

static bool flag(const inst_ctx *c, const char *item, bool *out) {
  double v = 0;
  if (!inst_ctx_num(c, item, &v)) return false;
  *out = v != 0;
  return true;
}

static void disagree(const inst_ctx *c, inst_scores *out, const char *reader_item,
                     const char *derived, const char *result) {
  const inst_value *r = inst_ctx_get(c, reader_item);
  if (!r || !derived) return;
  inst_set_num(out, result, stage_disagree(r->text, derived) ? 1 : 0);
}

avn_rc mri_score(const inst_ctx *c, inst_scores *out, avn_err *e) {
  static const char *const letters[4] = {"", "A", "B", "C"};
  static const char *const numerals[7] = {"0", "I", "II", "III", "IV", "V", "VI"};
  avn_findings f;
  double v = 0, cor = 0, sag = 0;
  bool ok = true;
  (void)e;
  memset(&f, 0, sizeof f);

  if (inst_ctx_num(c, "necrotic_angle_coronal_deg", &cor) &&
      inst_ctx_num(c, "necrotic_angle_sagittal_deg", &sag))
    inst_set_num(out, "kerboul_angle", cor + sag);

  ok &= flag(c, "mri_positive", &f.mri_positive);
  ok &= flag(c, "crescent_sign", &f.crescent);
  ok &= flag(c, "subchondral_fracture", &f.subchondral_fracture);
  ok &= flag(c, "flattening", &f.flattening);
  ok &= flag(c, "jsn", &f.jsn);
  ok &= flag(c, "acetabular_involvement", &f.acetabular);
  ok &= flag(c, "advanced_degeneration", &f.advanced);
  if (inst_ctx_num(c, "xray", &v))
    f.xray = (avn_xray)(int)v;
  else
    ok = false;
  if (!ok) return AVN_OK;
  f.bone_scan_positive = inst_ctx_num(c, "bone_scan", &v) && v == 2;
  f.has_head_pct = inst_ctx_num(c, "head_involved_pct", &f.head_pct);
  f.has_surface_pct = inst_ctx_num(c, "surface_collapsed_pct", &f.surface_pct);
  f.has_depression = inst_ctx_num(c, "depression_mm", &f.depression_mm);
  if (inst_ctx_num(c, "acetabular_extent", &v)) f.acetabular_grade = (int)v;

  int ford = 0, sst = 0, sx = 0, aord = 0;
  bool modified = !strcmp(inst_ctx_opt(c, "ficat_variant")->text, "modified");
  const char *ficat = ficat_stage(&f, modified, &ford);
  const char *stein = steinberg_stage(&f, &sst, &sx);
  const char *arco = arco2019_stage(&f, &aord);

  inst_set_text(out, "ficat", ficat, ford);
  inst_set_text(out, "steinberg", stein, sst);
  inst_set_text(out, "steinberg_stage", numerals[sst], sst);
  if (sx) inst_set_text(out, "steinberg_extent", letters[sx], sx);
  if (arco) inst_set_text(out, "arco", arco, aord);

  disagree(c, out, "ficat_reader", ficat, "ficat_disagree");
  disagree(c, out, "steinberg_reader", stein, "steinberg_disagree");
  disagree(c, out, "arco_reader", arco, "arco_disagree");
  return AVN_OK;
}
