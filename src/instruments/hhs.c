/*
** hhs.c: Harris Hip Score (Harris WH, J Bone Joint Surg Am 1969;51:737-55)
** and the modified HHS, scored from the items of defs/hhs.yaml.
**
** Parts (docs/instruments.md 1.1-1.6, choices in section 7):
**   pain 0-44; function 0-47 = gait (limp + support + distance, 0-33)
**   + activities (stairs + shoes + sitting + transport, 0-14): the code
**   values in the definition ARE the points.
**   deformity 0-4 from four measured criteria: fixed flexion contracture
**   < 30 deg, fixed adduction < 10 deg, fixed internal rotation in extension
**   < 10 deg, limb-length discrepancy < 3.2 cm. Default all-or-none (4 if all
**   four hold, else 0); deformity_method=per_criterion gives 1 per criterion.
**   range of motion 0-5: default Harris's index method (hhs_rom_index, arc
**   segments x index, sum x 0.05, capped at 5); rom_method=bands maps the
**   total arc (hhs_rom_bands).
**   total = pain + function + deformity + rom, unrounded; category by the
**   levels of hhs.yaml's `category` result (excellent >= 90, good >= 80,
**   fair >= 70, else poor).
**   mHHS raw = pain + function (0-91); mhhs = raw x mhhs_factor (1.1 default,
**   100/91 or 1 by option).
** A part with a missing item is missing, and so is every sum that needs it.
** The Trendelenburg sign is recorded, never scored.
*/
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "instruments/scoring.h"

static double clamp(double x, double lo, double hi) { return x < lo ? lo : (x > hi ? hi : x); }

/* Harris index method (docs/instruments.md 1.4 A). Flexion 0-45 x1.0, 45-90 x0.6,
** 90-110 x0.3; abduction 0-15 x0.8, 15-20 x0.3; external rotation 0-15
** x0.4; adduction 0-15 x0.2; internal rotation x0. Sum x 0.05, capped at 5
** (the uncapped maximum is 100.5 x 0.05 = 5.025). */
double hhs_rom_index(double flexion, double abduction, double adduction, double er, double ir) {
  (void)ir; /* internal rotation earns no index points */
  double s = clamp(flexion, 0, 45) * 1.0 + clamp(flexion - 45, 0, 45) * 0.6 +
             clamp(flexion - 90, 0, 20) * 0.3;
  s += clamp(abduction, 0, 15) * 0.8 + clamp(abduction - 15, 0, 5) * 0.3;
  s += clamp(er, 0, 15) * 0.4;
  s += clamp(adduction, 0, 15) * 0.2;
  s *= 0.05;
  return s > 5 ? 5 : s;
}

/* Total-arc bands (awell rom_table.ts): >= 211 -> 5, 161-210 -> 4,
** 101-160 -> 3, 61-100 -> 2, 31-60 -> 1, 0-30 -> 0. The degrees are whole
** numbers (int items), so the integer band edges leave no gaps. */
double hhs_rom_bands(double flexion, double abduction, double adduction, double er, double ir) {
  double t = flexion + abduction + adduction + er + ir;
  if (t >= 211) return 5;
  if (t >= 161) return 4;
  if (t >= 101) return 3;
  if (t >= 61) return 2;
  if (t >= 31) return 1;
  return 0;
}

static bool sum_items(const inst_ctx *c, const char *const *items, size_t n, double *out) {
  double s = 0, v = 0;
  for (size_t i = 0; i < n; i++) {
    if (!inst_ctx_num(c, items[i], &v)) return false;
    s += v;
  }
  *out = s;
  return true;
}

avn_rc hhs_score(const inst_ctx *c, inst_scores *out, avn_err *e) {
  static const char *const gait_items[] = {"limp", "support", "distance"};
  static const char *const act_items[] = {"stairs", "shoes", "sitting", "transport"};
  double pain = 0, gait = 0, act = 0, def = 0, rom = 0;
  double fc = 0, fadd = 0, fir = 0, lld = 0;
  double fl = 0, ab = 0, ad = 0, er = 0, ir = 0;
  bool has_pain = inst_ctx_num(c, "pain", &pain);
  bool has_gait = sum_items(c, gait_items, 3, &gait);
  bool has_act = sum_items(c, act_items, 4, &act);
  bool has_def = inst_ctx_num(c, "flexion_contracture_deg", &fc) &&
                 inst_ctx_num(c, "fixed_adduction_deg", &fadd) &&
                 inst_ctx_num(c, "fixed_ir_deg", &fir) && inst_ctx_num(c, "lld_cm", &lld);
  bool has_rom = inst_ctx_num(c, "flexion_deg", &fl) && inst_ctx_num(c, "abduction_deg", &ab) &&
                 inst_ctx_num(c, "adduction_deg", &ad) && inst_ctx_num(c, "er_deg", &er) &&
                 inst_ctx_num(c, "ir_deg", &ir);
  (void)e;

  if (has_pain) inst_set_num(out, "pain", pain);
  if (has_gait) inst_set_num(out, "gait", gait);
  if (has_act) inst_set_num(out, "activities", act);
  if (has_gait && has_act) inst_set_num(out, "function", gait + act);
  if (has_def) {
    int met = (fc < 30) + (fadd < 10) + (fir < 10) + (lld < 3.2);
    bool per = !strcmp(inst_ctx_opt(c, "deformity_method")->text, "per_criterion");
    def = per ? met : (met == 4 ? 4 : 0);
    inst_set_num(out, "deformity_criteria", met);
    inst_set_num(out, "deformity", def);
  }
  if (has_rom) {
    bool bands = !strcmp(inst_ctx_opt(c, "rom_method")->text, "bands");
    rom = bands ? hhs_rom_bands(fl, ab, ad, er, ir) : hhs_rom_index(fl, ab, ad, er, ir);
    inst_set_num(out, "rom", rom);
  }
  if (has_pain && has_gait && has_act) {
    double raw = pain + gait + act;
    inst_set_num(out, "mhhs_raw", raw);
    inst_set_num(out, "mhhs", raw * inst_ctx_opt(c, "mhhs_factor")->num);
  }
  if (has_pain && has_gait && has_act && has_def && has_rom) {
    double total = pain + gait + act + def + rom;
    inst_set_num(out, "total", total);
    inst_set_level(c, out, "category", total);   /* levels: in hhs.yaml */
  }
  return AVN_OK;
}

/* rom form: total arc and the HHS index points of the same measurements. */
avn_rc rom_score(const inst_ctx *c, inst_scores *out, avn_err *e) {
  double fl = 0, ab = 0, ad = 0, er = 0, ir = 0;
  (void)e;
  if (inst_ctx_num(c, "flexion_deg", &fl) && inst_ctx_num(c, "abduction_deg", &ab) &&
      inst_ctx_num(c, "adduction_deg", &ad) && inst_ctx_num(c, "er_deg", &er) &&
      inst_ctx_num(c, "ir_deg", &ir)) {
    inst_set_num(out, "total_arc", fl + ab + ad + er + ir);
    inst_set_num(out, "hhs_rom_index", hhs_rom_index(fl, ab, ad, er, ir));
  }
  return AVN_OK;
}
