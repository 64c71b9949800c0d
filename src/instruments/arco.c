/*
** arco.c: ARCO 2019 revised staging (Yoon BH, Mont MA, Koo KH et al., J
** Arthroplasty 2020;35:933-940, doi:10.1016/j.arth.2019.11.029;
** docs/instruments.md 5.4) from structured findings (staging.h), and the
** comparison of a reader's stage with a derived one (all systems).
**
**   IV   osteoarthritis: joint-space narrowing, acetabular change or
**        advanced degenerative change.
**   III  fracture in the subchondral or necrotic zone (crescent sign,
**        subchondral fracture) or flattening / depression: IIIA when the
**        measured depression is <= 2 mm (0 mm included), IIIB when > 2 mm,
**        plain "III" when no depth was measured.
**   II   radiograph abnormal (osteopenia, sclerosis, cysts) without fracture.
**   I    radiograph normal, MRI or bone scan positive.
** No stage 0 in the 2019 system: nothing positive gives no stage (NULL).
** [RECALL, docs/instruments.md 5.4] the IIIB and IV wording was not
** retrieved verbatim.
*/
#include <string.h>

#include "instruments/staging.h"

const char *arco2019_stage(const avn_findings *f, int *ordinal) {
  bool fracture = f->crescent || f->subchondral_fracture || f->flattening ||
                  (f->has_depression && f->depression_mm > 0);
  *ordinal = 0;
  if (f->jsn || f->acetabular || f->advanced) {
    *ordinal = 4;
    return "IV";
  }
  if (fracture) {
    *ordinal = 3;
    if (!f->has_depression) return "III";
    return f->depression_mm <= 2 ? "IIIA" : "IIIB";
  }
  if (f->xray != XRAY_NORMAL) {
    *ordinal = 2;
    return "II";
  }
  if (f->mri_positive || f->bone_scan_positive) {
    *ordinal = 1;
    return "I";
  }
  return NULL;
}

/* Splits "IIIB" into numeral "III" (length) and letter 'B' (0 if none). */
static size_t numeral_len(const char *s) {
  size_t n = 0;
  while (s[n] == 'I' || s[n] == 'V' || s[n] == 'X' || s[n] == '0') n++;
  return n;
}

bool stage_disagree(const char *reader, const char *derived) {
  size_t a = numeral_len(reader), b = numeral_len(derived);
  if (a != b || strncmp(reader, derived, a) != 0) return true;
  if (reader[a] && derived[b] && strcmp(reader + a, derived + b) != 0) return true;
  return false;
}
