/*
** womac.c: WOMAC Likert 3.1 (Bellamy) subscales, total and 0-100 scores
** (docs/instruments.md 2, choices in section 7).
**
** Items 0-4 (none..extreme), higher = worse. Pain p1..p5 (0-20), stiffness
** s1, s2 (0-8), function f1..f17 (0-68); total = sum of the three subscale
** sums (0-96). Normalised = sum / max x 100 (higher = worse).
**
** Missing items: a subscale with at most K missing items (options
** womac_max_missing_pain = 1, _stiffness = 1, _function = 3 by default) has
** its missing items replaced by the mean of its answered items, i.e. its sum
** is mean(answered) x number of items; with more missing, the subscale is
** missing. Function: Whitehouse et al. 2004 ("1-3 missing: substitute the
** mean; 4 or more: invalid"); pain and stiffness: the recalled user-guide
** rule, hence options. The total exists only when all three subscales do.
*/
#include <stdio.h>

#include "instruments/scoring.h"

static bool subscale(const inst_ctx *c, char prefix, int n_items, const char *opt, double *sum) {
  char name[16];
  double s = 0, v = 0;
  int answered = 0;
  int max_missing = (int)inst_ctx_opt(c, opt)->num;
  for (int i = 1; i <= n_items; i++) {
    snprintf(name, sizeof name, "%c%d", prefix, i);
    if (!inst_ctx_num(c, name, &v)) continue;
    s += v;
    answered++;
  }
  if (answered == 0 || n_items - answered > max_missing) return false;
  *sum = s / answered * n_items;
  return true;
}

avn_rc womac_score(const inst_ctx *c, inst_scores *out, avn_err *e) {
  double p = 0, s = 0, f = 0;
  bool hp = subscale(c, 'p', 5, "womac_max_missing_pain", &p);
  bool hs = subscale(c, 's', 2, "womac_max_missing_stiffness", &s);
  bool hf = subscale(c, 'f', 17, "womac_max_missing_function", &f);
  (void)e;
  if (hp) {
    inst_set_num(out, "pain", p);
    inst_set_num(out, "pain_100", p / 20.0 * 100.0);
  }
  if (hs) {
    inst_set_num(out, "stiffness", s);
    inst_set_num(out, "stiffness_100", s / 8.0 * 100.0);
  }
  if (hf) {
    inst_set_num(out, "function", f);
    inst_set_num(out, "function_100", f / 68.0 * 100.0);
  }
  if (hp && hs && hf) {
    inst_set_num(out, "total", p + s + f);
    inst_set_num(out, "total_100", (p + s + f) / 96.0 * 100.0);
  }
  return AVN_OK;
}
