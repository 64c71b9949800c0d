/*
** sec_subgroups.c: report section 5, change from baseline by subgroup.
**
** For every subgroup the plan names (sap.h: by, with class limits for a
** numeric variable) and every primary outcome (the first outcome when none
** is marked primary): the change final - baseline per unit with both
** values (the outcome's first and final visits; final = the plan's
** final_visit, or the outcome's last visit when it is not measured there),
** summarised per group (n, mean ± SD), and one test between the groups
** that have at least 2 units:
**   2 groups:  Welch's t test (R's t.test default) when every tested group
**              passes Shapiro-Wilk (n >= 3, p >= normality_alpha), else the
**              Mann-Whitney / Wilcoxon rank-sum test (R's wilcox.test
**              defaults);
**   3+ groups: one-way ANOVA under the same normality rule, else
**              Kruskal-Wallis (Kruskal & Wallis 1952, stats/kruskal.h).
** A group with fewer than 3 units cannot be checked for normality, so the
** rank test is used. Units whose value of the variable is unknown are
** counted in a "not recorded" row and left out of the test.
**
** Table `subgroups`. Costs: O(units) reads per (subgroup, outcome), tests
** O(n log n).
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "report/rctx.h"
#include "report/rvar.h"
#include "stats/anova.h"
#include "stats/desc.h"
#include "stats/kruskal.h"
#include "stats/swilk.h"
#include "stats/ttest.h"
#include "stats/wilcoxon.h"


/* Test between the groups of x (level[] codes, L groups). */
static void group_test(rctx *c, const double *x, const int *lev, size_t n, size_t L,
                       char *name, size_t nn, double *p, char *why, size_t wn) {
  size_t cnt[RVAR_MAX_LEVELS] = {0};
  int map[RVAR_MAX_LEVELS];
  *p = NAN;
  name[0] = why[0] = 0;
  for (size_t i = 0; i < n; i++)
    if (lev[i] >= 0) cnt[lev[i]]++;
  size_t kk = 0;
  for (size_t l = 0; l < L; l++) map[l] = cnt[l] >= 2 ? (int)kk++ : -1;
  if (kk < 2) {
    snprintf(why, wn, "fewer than 2 groups with at least 2 units");
    return;
  }
  double *y = avn_calloc(n + 1, sizeof *y), *grp[RVAR_MAX_LEVELS] = {0};
  int *g = avn_calloc(n + 1, sizeof *g);
  size_t gn[RVAR_MAX_LEVELS] = {0};
  for (size_t l = 0; l < L; l++) grp[l] = cnt[l] >= 2 ? avn_calloc(cnt[l], sizeof(double)) : NULL;
  bool ok = y && g;
  for (size_t l = 0; l < L; l++) ok = ok && (cnt[l] < 2 || grp[l]);
  if (!ok) {
    snprintf(why, wn, "out of memory");
    goto cleanup;
  }
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (lev[i] < 0 || map[lev[i]] < 0) continue;
    y[m] = x[i];
    g[m++] = map[lev[i]];
    grp[lev[i]][gn[lev[i]]++] = x[i];
  }
  bool normal = true;
  for (size_t l = 0; l < L && normal; l++) {
    if (!grp[l]) continue;
    swilk_result sw;
    if (gn[l] < 3 || gn[l] > 5000 || swilk_test(grp[l], gn[l], &sw) != AVN_OK) normal = false;
    else normal = sw.p >= c->plan->normality_alpha;
  }
  rctx_method(c, "sub_swilk", "Between subgroups, normality was checked with the Shapiro-Wilk test "
              "in each group (groups under 3 units count as not normal).");
  if (kk == 2) {
    const double *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    for (size_t l = 0; l < L; l++) {
      if (!grp[l]) continue;
      if (!a) { a = grp[l]; na = gn[l]; }
      else { b = grp[l]; nb = gn[l]; }
    }
    if (normal) {
      ttest_result t;
      if (ttest_two(a, na, b, nb, 0, false, 0, 0.95, &t) == AVN_OK) {
        *p = t.p;
        snprintf(name, nn, "Welch t");
        rctx_method(c, "welch", "Two subgroups were compared with Welch's t test (Welch 1947) when "
                    "both were normal, otherwise with the Mann-Whitney test (Mann & Whitney 1947).");
      } else {
        snprintf(why, wn, "the changes are constant in both groups");
      }
    } else {
      wilcoxon_result w;
      if (wilcoxon_rank_sum(a, na, b, nb, 0, 0, true, 0, &w) == AVN_OK) {
        *p = w.p;
        snprintf(name, nn, "Mann-Whitney");
        rctx_method(c, "welch", "Two subgroups were compared with Welch's t test (Welch 1947) when "
                    "both were normal, otherwise with the Mann-Whitney test (Mann & Whitney 1947).");
      } else {
        snprintf(why, wn, "the rank-sum test could not be computed");
      }
    }
  } else if (normal) {
    anova_result a;
    if (anova_oneway(y, g, m, kk, &a) == AVN_OK) {
      *p = a.p;
      snprintf(name, nn, "One-way ANOVA");
      rctx_method(c, "kw", "Three or more subgroups were compared with one-way ANOVA when every group "
                  "was normal, otherwise with the Kruskal-Wallis test (Kruskal & Wallis 1952).");
    } else {
      snprintf(why, wn, "no variation within the groups");
    }
  } else {
    kruskal_result k;
    if (kruskal_test(y, g, m, kk, &k) == AVN_OK) {
      *p = k.p;
      snprintf(name, nn, "Kruskal-Wallis");
      rctx_method(c, "kw", "Three or more subgroups were compared with one-way ANOVA when every group "
                  "was normal, otherwise with the Kruskal-Wallis test (Kruskal & Wallis 1952).");
    } else {
      snprintf(why, wn, "all changes are equal");
    }
  }
cleanup:
  for (size_t l = 0; l < L; l++) avn_free(grp[l]);
  avn_free(y);
  avn_free(g);
}

static avn_rc subgroup_rows(rctx *c, rtable *t, const sap_outcome *o, const sap_subgroup *sg,
                            size_t *idx, double *chg, int *lev) {
  size_t nv = 0;
  char *const *v = sap_outcome_visits(c->plan, o, &nv);
  const char *fin = sap_outcome_final_visit(c->plan, o);
  if (nv < 2 || !fin) return AVN_OK;
  size_t n = 0;
  for (size_t u = 0; u < c->n_units; u++) {
    double b = 0, f = 0;
    if (!rvar_outcome_unit(c, o, u)) continue;
    if (!rctx_num(c, u, v[0], o->form, o->result, &b) || !rctx_num(c, u, fin, o->form, o->result, &f))
      continue;
    idx[n] = u;
    chg[n++] = rvar_snap(f - b);
  }
  char sub[128], why[256];
  snprintf(sub, sizeof sub, "%s", rvar_title(sg->by));
  rlevels L;
  rvar_group(c, sg->by, sg->cuts, sg->n_cuts, idx, n, lev, &L, why, sizeof why);
  if (n == 0) {
    rtable_row(t, (const char *const[]){o->label, sub, "", "0", "", "",
                                        "not computed: no unit with both baseline and final values"});
    return AVN_OK;
  }
  if (L.n == 0) {
    char msg[320];
    snprintf(msg, sizeof msg, "not computed: %s", why[0] ? why : "the variable is not recorded");
    rtable_row(t, (const char *const[]){o->label, sub, "", "", "", "", msg});
    return AVN_OK;
  }
  char tname[64], pc[32] = "", tcell[320];
  double p = NAN;
  group_test(c, chg, lev, n, L.n, tname, sizeof tname, &p, why, sizeof why);
  if (isfinite(p)) {
    rfmt_p(pc, sizeof pc, p);
    snprintf(tcell, sizeof tcell, "%s", tname);
  } else {
    snprintf(tcell, sizeof tcell, "not computed: %s", why);
  }
  double *x = avn_calloc(n, sizeof *x);
  if (!x) return AVN_E_NOMEM;
  size_t unknown = 0;
  for (int l = -1; l < (int)L.n; l++) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
      if (lev[i] == l) x[k++] = chg[i];
    if (l < 0) {
      unknown = k;
      continue;
    }
    char cn[32], ms[128] = "";
    snprintf(cn, sizeof cn, "%zu", k);
    desc_result d;
    if (k > 0 && desc_summary(x, k, 0.95, 7, &d) == AVN_OK)
      rfmt_mean_sd(ms, sizeof ms, d.mean, k > 1 ? d.sd : NAN, o->decimals);
    bool first = l == 0;
    rtable_row(t, (const char *const[]){o->label, sub, L.label[l], cn, ms, first ? tcell : "",
                                        first ? pc : ""});
  }
  if (unknown) {
    char cn[32];
    snprintf(cn, sizeof cn, "%zu", unknown);
    rtable_row(t, (const char *const[]){o->label, sub, "not recorded", cn, "", "", ""});
  }
  avn_free(x);
  return AVN_OK;
}

avn_rc sec_subgroups(rctx *c, avn_err *e) {
  (void)e;
  avn_rc rc = AVN_OK;
  size_t *idx = NULL;
  double *chg = NULL;
  int *lev = NULL;
  rsec *s = rdoc_section(c->doc, "subgroups", "Subgroups");
  if (!s) return AVN_OK;
  const sap *plan = c->plan;
  if (plan->n_subgroups == 0) {
    rsec_missing(s, "the analysis plan names no subgroup");
    return AVN_OK;
  }
  if (plan->n_outcomes == 0 || c->n_units == 0) {
    rsec_missing(s, "%s", c->n_units == 0 ? "no patient enrolled" : "the plan has no outcome");
    return AVN_OK;
  }
  idx = avn_calloc(c->n_units, sizeof *idx);
  chg = avn_calloc(c->n_units, sizeof *chg);
  lev = avn_calloc(c->n_units, sizeof *lev);
  if (!idx || !chg || !lev) { rc = AVN_E_NOMEM; goto cleanup; }
  size_t nprim = 0;
  for (size_t i = 0; i < plan->n_outcomes; i++) nprim += plan->outcomes[i].primary;
  rtable *t = rsec_table(s, "subgroups", "Change from baseline to the final visit by subgroup", 7,
                         (const char *const[]){"Outcome", "Subgroup", "Group", "n",
                                               "Change (mean \xc2\xb1 SD)", "Test", "p"});
  for (size_t i = 0; i < plan->n_outcomes; i++) {
    const sap_outcome *o = &plan->outcomes[i];
    if (nprim ? !o->primary : i > 0) continue;
    for (size_t g = 0; g < plan->n_subgroups; g++) {
      rc = subgroup_rows(c, t, o, &plan->subgroups[g], idx, chg, lev);
      if (rc) goto cleanup;
    }
  }
  bool bilateral = false;
  for (size_t u = 0; u < c->n_units; u++) bilateral = bilateral || c->units[u].bilateral;
  rtable_note(t, "Change: final - baseline on the units with both values. Tests between the groups "
              "with at least 2 units: 2 groups Welch t or Mann-Whitney, 3 or more one-way ANOVA or "
              "Kruskal-Wallis, by Shapiro-Wilk normality within each group (alpha %g).%s",
              plan->normality_alpha,
              c->per_hip && bilateral ? " The two hips of a bilateral patient are not independent; "
                                        "these tests treat them as if they were (the mixed model in "
                                        "the outcome models accounts for the pairing)." : "");
  if (c->per_hip && bilateral)
    rctx_method(c, "sub_bilateral", "Subgroup tests treat hips as independent although the hips of a "
                "bilateral patient are not; the mixed model accounts for this.");
cleanup:
  avn_free(idx);
  avn_free(chg);
  avn_free(lev);
  return rc;
}
