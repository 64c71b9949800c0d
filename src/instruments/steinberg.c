/*
** steinberg.c: University of Pennsylvania (Steinberg) staging with extent
** (Steinberg ME, Hayken GD, Steinberg DR, J Bone Joint Surg Br
** 1995;77:34-41; docs/instruments.md 5.2) from structured findings (staging.h).
**
** Stage: VI advanced degenerative change; V joint-space narrowing or
** acetabular involvement; IV flattening of the head (or a measured
** depression > 0 mm); III subchondral collapse (crescent sign / subchondral
** fracture) without flattening; II lucent/sclerotic change (any abnormal
** radiograph); I normal radiograph with positive MRI or bone scan; 0 none.
**
** Extent, A < 15 %, B 15-30 % inclusive, C > 30 % (avn's boundary rule,
** docs/instruments.md 7):
**   I-II  % of the femoral head involved;
**   III   % of the articular surface under the crescent;
**   IV    C if > 30 % collapsed or depression > 4 mm; else B if >= 15 %
**         or depression >= 2 mm; else A (< 15 % and < 2 mm). So 2 mm and
**         4 mm are B. A measure not recorded does not contribute; with
**         neither, no extent.
**   V     mean of the head grade (as for IV) and the reader's acetabular
**         grade (mild 1, moderate 2, severe 3), a half rounded UP (the more
**         severe letter); no extent without the acetabular grade.
**   0, VI no extent.
*/
#include "instruments/staging.h"

int steinberg_extent_pct(double pct) {
  if (pct < 15) return 1;
  if (pct <= 30) return 2;
  return 3;
}

static int collapse_grade(const avn_findings *f) {
  int g = 0;
  if (!f->has_surface_pct && !f->has_depression) return 0;
  if ((f->has_surface_pct && f->surface_pct > 30) || (f->has_depression && f->depression_mm > 4))
    g = 3;
  else if ((f->has_surface_pct && f->surface_pct >= 15) ||
           (f->has_depression && f->depression_mm >= 2))
    g = 2;
  else
    g = 1;
  return g;
}

const char *steinberg_stage(const avn_findings *f, int *stage, int *extent) {
  static const char *const names[7][4] = {
    {"0", "0", "0", "0"},     {"I", "IA", "IB", "IC"},     {"II", "IIA", "IIB", "IIC"},
    {"III", "IIIA", "IIIB", "IIIC"}, {"IV", "IVA", "IVB", "IVC"}, {"V", "VA", "VB", "VC"},
    {"VI", "VI", "VI", "VI"},
  };
  int s = 0, x = 0;
  if (f->advanced) {
    s = 6;
  } else if (f->jsn || f->acetabular) {
    s = 5;
    int head = collapse_grade(f);
    if (head && f->acetabular_grade >= 1 && f->acetabular_grade <= 3)
      x = (head + f->acetabular_grade + 1) / 2; /* mean, half rounded up */
  } else if (f->flattening || (f->has_depression && f->depression_mm > 0)) {
    s = 4;
    x = collapse_grade(f);
  } else if (f->crescent || f->subchondral_fracture) {
    s = 3;
    x = f->has_surface_pct ? steinberg_extent_pct(f->surface_pct) : 0;
  } else if (f->xray != XRAY_NORMAL) {
    s = 2;
    x = f->has_head_pct ? steinberg_extent_pct(f->head_pct) : 0;
  } else if (f->mri_positive || f->bone_scan_positive) {
    s = 1;
    x = f->has_head_pct ? steinberg_extent_pct(f->head_pct) : 0;
  }
  *stage = s;
  *extent = (s == 0 || s == 6) ? 0 : x;
  return names[s][*extent];
}
