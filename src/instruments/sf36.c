/*
** sf36.c: RAND-36 scale scores and SF-36 v1 scale scores with the PCS/MCS
** summary scores (docs/instruments.md 3, choices in section 7).
**
** RAND-36 (RAND Health, "36-Item Short Form Survey scoring instructions"):
** every item is recoded to 0-100 (table 3.2) and a scale is the mean of its
** ANSWERED recoded items (3.3); a scale with no answered item is missing.
**
** SF-36 v1 (Ware, Snow, Kosinski & Gandek 1993; summary scores Ware,
** Kosinski & Keller 1994, as ported in lbscorer R/sf36.R from the Apolone &
** Mosconi SAS algorithm): raw item values (some reversed), a scale's
** missing items replaced by the mean of its answered items when at least
** half are answered (PF 5, RP 2, BP 1, GH 3, VT 2, SF 1, RE 2, MH 3), then
** (sum - lowest) / range x 100. Bodily pain and general health use the
** recalibrated values of 3.4. PCS and MCS: z = (scale - mean) / SD with the
** 1990 US norms, 50 + 10 x sum(z x coefficient) (table 3.5); both need all
** eight v1 scales.
*/
#include <stdio.h>

#include "instruments/scoring.h"

static bool item(const inst_ctx *c, int k, double *v) {
  char name[16];
  snprintf(name, sizeof name, "q%d", k);
  return inst_ctx_num(c, name, v);
}

/* RAND table 3.2: precoded value -> 0..100. */
static double rand_recode(int k, double x) {
  switch (k) {
  case 1: case 2: case 20: case 22: case 34: case 36:
    return (5 - x) * 25;
  case 21: case 23: case 26: case 27: case 30:
    return (6 - x) * 20;
  case 24: case 25: case 28: case 29: case 31:
    return (x - 1) * 20;
  case 32: case 33: case 35:
    return (x - 1) * 25;
  default:
    if (k >= 3 && k <= 12) return (x - 1) * 50;
    return (x - 1) * 100; /* 13-19 */
  }
}

static void rand_scale(const inst_ctx *c, inst_scores *out, const char *name, const int *items,
                       int n) {
  double s = 0, v = 0;
  int answered = 0;
  for (int i = 0; i < n; i++) {
    if (!item(c, items[i], &v)) continue;
    s += rand_recode(items[i], v);
    answered++;
  }
  if (answered) inst_set_num(out, name, s / answered);
}

/* SF-36 v1 item value after reversal: `rev` = 0 as is, else rev - x. */
static bool v1_scale(const inst_ctx *c, const int *items, const int *rev, int n, int min_answered,
                     double lowest, double range, double *score) {
  double s = 0, v = 0;
  int answered = 0;
  for (int i = 0; i < n; i++) {
    if (!item(c, items[i], &v)) continue;
    s += rev[i] ? rev[i] - v : v;
    answered++;
  }
  if (answered < min_answered) return false;
  s = s / answered * n; /* missing items take the mean of the answered */
  *score = (s - lowest) / range * 100.0;
  return true;
}

/* Bodily pain, v1 (3.4). */
static bool v1_bp(const inst_ctx *c, double *score) {
  static const double r21_tab[6] = {6.0, 5.4, 4.2, 3.1, 2.2, 1.0};
  static const double r22_alone[5] = {6.0, 4.75, 3.5, 2.25, 1.0};
  double q21 = 0, q22 = 0, r21 = 0, r22 = 0;
  bool h21 = item(c, 21, &q21), h22 = item(c, 22, &q22);
  if (!h21 && !h22) return false;
  if (h21) r21 = r21_tab[(int)q21 - 1];
  if (h21 && h22) {
    if ((int)q22 == 1)
      r22 = (int)q21 == 1 ? 6 : 5;
    else
      r22 = 6 - q22; /* 2 -> 4, 3 -> 3, 4 -> 2, 5 -> 1 */
  } else if (h22) {
    r22 = r22_alone[(int)q22 - 1];
    r21 = r22;
  } else {
    r22 = r21;
  }
  *score = (r21 + r22 - 2) / 10.0 * 100.0;
  return true;
}

/* General health, v1 (3.4): item 1 recalibrated, 34 and 36 reversed. */
static bool v1_gh(const inst_ctx *c, double *score) {
  static const double q1_tab[5] = {5.0, 4.4, 3.4, 2.0, 1.0};
  static const int items[5] = {1, 33, 34, 35, 36};
  double s = 0, v = 0;
  int answered = 0;
  for (int i = 0; i < 5; i++) {
    if (!item(c, items[i], &v)) continue;
    if (items[i] == 1)
      s += q1_tab[(int)v - 1];
    else if (items[i] == 34 || items[i] == 36)
      s += 6 - v;
    else
      s += v;
    answered++;
  }
  if (answered < 3) return false;
  s = s / answered * 5;
  *score = (s - 5) / 20.0 * 100.0;
  return true;
}

avn_rc sf36_score(const inst_ctx *c, inst_scores *out, avn_err *e) {
  static const int pf[10] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, pf_rev[10] = {0};
  static const int rp[4] = {13, 14, 15, 16}, rp_rev[4] = {0};
  static const int re[3] = {17, 18, 19}, re_rev[3] = {0};
  static const int vt[4] = {23, 27, 29, 31}, vt_rev[4] = {7, 7, 0, 0};
  static const int mh[5] = {24, 25, 26, 28, 30}, mh_rev[5] = {0, 0, 7, 0, 7};
  static const int sf[2] = {20, 32}, sf_rev[2] = {6, 0};
  static const int bp[2] = {21, 22}, gh[5] = {1, 33, 34, 35, 36};
  /* table 3.5, order PF RP BP GH VT SF RE MH */
  static const char *const v1_names[8] = {"v1_pf", "v1_rp", "v1_bp", "v1_gh",
                                          "v1_vt", "v1_sf", "v1_re", "v1_mh"};
  static const double mean[8] = {84.52404, 81.19907, 75.49196, 72.21316,
                                 61.05453, 83.59753, 81.29467, 74.84212};
  static const double sd[8] = {22.89490, 33.79729, 23.55879, 20.16964,
                               20.86942, 22.37642, 33.02717, 18.01189};
  static const double pcs_coef[8] = {0.42402, 0.35119, 0.31754, 0.24954,
                                     0.02877, -0.00753, -0.19206, -0.22069};
  static const double mcs_coef[8] = {-0.22999, -0.12329, -0.09731, -0.01571,
                                     0.23534, 0.26876, 0.43407, 0.48581};
  double v1[8] = {0};
  bool have[8];
  (void)e;

  rand_scale(c, out, "pf", pf, 10);
  rand_scale(c, out, "rp", rp, 4);
  rand_scale(c, out, "re", re, 3);
  rand_scale(c, out, "vt", vt, 4);
  rand_scale(c, out, "mh", mh, 5);
  rand_scale(c, out, "sf", sf, 2);
  rand_scale(c, out, "bp", bp, 2);
  rand_scale(c, out, "gh", gh, 5);

  have[0] = v1_scale(c, pf, pf_rev, 10, 5, 10, 20, &v1[0]);
  have[1] = v1_scale(c, rp, rp_rev, 4, 2, 4, 4, &v1[1]);
  have[2] = v1_bp(c, &v1[2]);
  have[3] = v1_gh(c, &v1[3]);
  have[4] = v1_scale(c, vt, vt_rev, 4, 2, 4, 20, &v1[4]);
  have[5] = v1_scale(c, sf, sf_rev, 2, 1, 2, 8, &v1[5]);
  have[6] = v1_scale(c, re, re_rev, 3, 2, 3, 3, &v1[6]);
  have[7] = v1_scale(c, mh, mh_rev, 5, 3, 5, 25, &v1[7]);

  bool all = true;
  double pcs = 0, mcs = 0;
  for (int i = 0; i < 8; i++) {
    if (!have[i]) {
      all = false;
      continue;
    }
    inst_set_num(out, v1_names[i], v1[i]);
    double z = (v1[i] - mean[i]) / sd[i];
    pcs += z * pcs_coef[i];
    mcs += z * mcs_coef[i];
  }
  if (all) {
    inst_set_num(out, "pcs", 50 + 10 * pcs);
    inst_set_num(out, "mcs", 50 + 10 * mcs);
  }
  return AVN_OK;
}
