/*
** cell_product.c: derived quantities of a bone-marrow cell product
** (defs/cell_product.yaml).
**
** RCF. Relative centrifugal force in multiples of g from the speed and the
** rotor radius: RCF = 1.118e-5 x r(cm) x rpm^2. This is omega^2 r / g with
** omega = 2 pi rpm / 60: 4 pi^2 / (3600 s^2/min^2 x 980.665 cm/s^2) =
** 1.1182e-5, the constant printed in centrifuge manufacturers' rotor
** nomograms (source recalled, not retrieved; the derivation above is exact).
**
** Cells. total_cells_e6 = concentration (x10^6/ml) x final volume (ml). When
** the laboratory also reports a total, total_cells_mismatch = 1 if it
** differs from the computed one by more than total_cells_tolerance_pct
** (default 5 %) of the computed one. viability_pct = live / (live + dead) x
** 100 (trypan blue exclusion); no counts, no viability.
**
** Times (HH:MM, minutes since midnight). The four clock times form a chain
** harvest <= lab arrival <= end of processing <= injection. Rule for the
** day roll-over: each step is shorter than 24 hours, so a clock time
** earlier than the one before it is on the next day (harvest 23:50, lab
** 00:15 = 25 min). When injection_date and harvest_date are both given, the
** injection interval uses them instead: processing ends on the harvest date
** plus the roll-overs counted so far, and the injection is at
** injection_date + injection_time (a negative interval then means the
** dates contradict the times: the result is left missing).
*/
#include <math.h>

#include "instruments/scoring.h"

#define RCF_CONSTANT 1.118e-5

static double rcf(double rpm, double radius_cm) { return RCF_CONSTANT * radius_cm * rpm * rpm; }

avn_rc cell_product_score(const inst_ctx *c, inst_scores *out, avn_err *e) {
  double rpm = 0, r = 0, conc = 0, vol = 0, entered = 0, live = 0, dead = 0;
  double th = 0, tl = 0, tp = 0, ti = 0, dh = 0, di = 0;
  (void)e;

  if (inst_ctx_num(c, "spin1_rpm", &rpm) && inst_ctx_num(c, "spin1_radius_cm", &r))
    inst_set_num(out, "spin1_rcf_g", rcf(rpm, r));
  if (inst_ctx_num(c, "spin2_rpm", &rpm) && inst_ctx_num(c, "spin2_radius_cm", &r))
    inst_set_num(out, "spin2_rcf_g", rcf(rpm, r));

  if (inst_ctx_num(c, "mnc_conc_e6_per_ml", &conc) && inst_ctx_num(c, "final_ml", &vol)) {
    double total = conc * vol;
    inst_set_num(out, "total_cells_e6", total);
    if (inst_ctx_num(c, "total_cells_entered_e6", &entered)) {
      double tol = inst_ctx_opt(c, "total_cells_tolerance_pct")->num / 100.0;
      inst_set_num(out, "total_cells_mismatch", fabs(entered - total) > tol * total ? 1 : 0);
    }
  }
  if (inst_ctx_num(c, "live_count", &live) && inst_ctx_num(c, "dead_count", &dead) &&
      live + dead > 0)
    inst_set_num(out, "viability_pct", live / (live + dead) * 100.0);

  bool hh = inst_ctx_num(c, "harvest_time", &th), hl = inst_ctx_num(c, "lab_time", &tl);
  bool hp = inst_ctx_num(c, "processed_time", &tp), hi = inst_ctx_num(c, "injection_time", &ti);
  int rollovers = 0;
  if (hh && hl) {
    double d = tl - th;
    if (d < 0) {
      d += 1440;
      rollovers++;
    }
    inst_set_num(out, "harvest_to_lab_min", d);
  }
  if (hl && hp && tp < tl) rollovers++;
  if (hp && hi) {
    double d = ti - tp;
    if (inst_ctx_num(c, "harvest_date", &dh) && inst_ctx_num(c, "injection_date", &di)) {
      d = (di - dh - rollovers) * 1440 + ti - tp;
      if (d >= 0) inst_set_num(out, "processing_to_injection_min", d);
    } else {
      if (d < 0) d += 1440;
      inst_set_num(out, "processing_to_injection_min", d);
    }
  }
  return AVN_OK;
}
