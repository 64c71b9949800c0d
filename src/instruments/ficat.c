/*
** ficat.c: Ficat & Arlet staging (Ficat RP, J Bone Joint Surg Br
** 1985;67:3-9; docs/instruments.md 5.1) from structured findings (staging.h).
**
**   IV  osteoarthritis: joint-space narrowing, acetabular involvement or
**       advanced degenerative change.
**   III collapse: flattening or depression > 0 mm; in the ORIGINAL
**       variant (default) also a crescent sign or subchondral fracture.
**   II  sclerosis and/or cysts on the radiograph. In the MODIFIED variant
**       (option ficat_variant=modified): IIB = crescent sign / subchondral
**       fracture without collapse ("transition"), IIA = sclerosis/cysts.
**   I   radiograph normal or minor osteopenia; MRI or bone scan positive.
**   0   nothing positive.
** [CONFLICT, docs/instruments.md 5.1] the crescent sign is III in the
** original, IIB in the modified versions; "early flattening" listed under
** IIB by one source is read here as collapse (III), so IIB is purely the
** crescent/fracture.
*/
#include "instruments/staging.h"

const char *ficat_stage(const avn_findings *f, bool modified, int *ordinal) {
  bool collapse = f->flattening || (f->has_depression && f->depression_mm > 0);
  bool fracture = f->crescent || f->subchondral_fracture;
  bool sclerocystic = f->xray == XRAY_SCLEROSIS || f->xray == XRAY_CYSTS ||
                      f->xray == XRAY_SCLEROSIS_CYSTS;
  if (f->jsn || f->acetabular || f->advanced) {
    *ordinal = 4;
    return "IV";
  }
  if (collapse || (fracture && !modified)) {
    *ordinal = 3;
    return "III";
  }
  if (fracture) {
    *ordinal = 2;
    return "IIB";
  }
  if (sclerocystic) {
    *ordinal = 2;
    return modified ? "IIA" : "II";
  }
  if (f->mri_positive || f->bone_scan_positive) {
    *ordinal = 1;
    return "I";
  }
  *ordinal = 0;
  return "0";
}
