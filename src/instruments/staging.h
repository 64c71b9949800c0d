/*
** staging.h: osteonecrosis staging systems derived from structured imaging
** findings (docs/instruments.md 5; choices in section 7). Pure functions over an
** avn_findings record filled by mri.c from the `mri` form; they return
** static strings ("IIIA") and never allocate.
**
** Shared reading of the findings (documented once here):
**  - "radiograph abnormal" is osteopenia, sclerosis, cysts or both.
**    Ficat is the exception: its stage I allows "minor osteopenia", so for
**    Ficat osteopenia alone stays stage I (radiopaedia's wording, 5.1).
**  - "collapse" is flattening of the head OR a measured depression > 0 mm.
**  - "osteoarthritis" is joint-space narrowing, acetabular involvement or
**    advanced degenerative change.
*/
#ifndef AVN_INST_STAGING_H
#define AVN_INST_STAGING_H

#include <stdbool.h>

typedef enum {
  XRAY_NORMAL = 0,
  XRAY_OSTEOPENIA = 1,
  XRAY_SCLEROSIS = 2,
  XRAY_CYSTS = 3,
  XRAY_SCLEROSIS_CYSTS = 4
} avn_xray;

typedef struct avn_findings {
  bool mri_positive;
  bool bone_scan_positive;     /* false when not done or negative */
  avn_xray xray;
  bool crescent;               /* crescent sign */
  bool subchondral_fracture;
  bool flattening;             /* flattening / collapse of the head */
  bool jsn;                    /* joint-space narrowing */
  bool acetabular;             /* acetabular involvement */
  bool advanced;               /* advanced degenerative change */
  bool has_head_pct, has_surface_pct, has_depression;
  double head_pct;             /* % of the femoral head involved */
  double surface_pct;          /* % of articular surface collapsed / under crescent */
  double depression_mm;        /* depth of collapse */
  int acetabular_grade;        /* 1..3 (mild, moderate, severe); 0 unknown */
} avn_findings;

/* Ficat-Arlet: "0", "I", "II", "III", "IV"; modified: "IIA"/"IIB" for II.
** *ordinal = 0..4. */
const char *ficat_stage(const avn_findings *f, bool modified, int *ordinal /* OUT */);

/* Steinberg (University of Pennsylvania, 1995): *stage 0..6; *extent 0 none
** or unknown, 1..3 = A..C. Returns the full stage ("IIB", "IV", "VI"). */
const char *steinberg_stage(const avn_findings *f, int *stage /* OUT */, int *extent /* OUT */);
/* Extent letter for a percentage: A < 15, B 15-30 inclusive, C > 30. */
int steinberg_extent_pct(double pct);

/* ARCO 2019 (Yoon et al. 2020): "I", "II", "IIIA", "IIIB", "III" (fracture,
** depth unknown), "IV"; NULL when no finding of osteonecrosis (the 2019
** system has no stage 0). *ordinal = 1..4. */
const char *arco2019_stage(const avn_findings *f, int *ordinal /* OUT */);

/* true when a reader's stage differs from the derived one: the Roman
** numerals differ, or both carry a letter and the letters differ ("II" vs
** "IIA" agree; "IIA" vs "IIB" do not). */
bool stage_disagree(const char *reader, const char *derived);

#endif
