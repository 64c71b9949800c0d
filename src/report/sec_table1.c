/*
** sec_table1.c: report section 2, baseline characteristics (table `table1`).
**
** Patient-level rows count each enrolled patient once (the first unit of
** the patient carries the patient's values): age at enrolment (mean ± SD
** and range), sex, BMI (baseline form), laterality (unilateral /
** bilateral). Unit-level rows count the units of analysis (hips, or
** patients when the protocol's unit is the patient): side (hips only),
** etiology (hip_baseline), baseline stage (screening), lesion size class
** (baseline MRI head_involved_pct; classes from the plan's lesion_size
** subgroup cuts, else < 30 / 30 to < 50 / >= 50 %).
**
** Missing values are counted and shown on their own row ("missing: k");
** percentages are of the units with the value recorded. A variable nobody
** has is one "missing: n" row, never a mean of nothing.
**
** Costs: O(units x variables) reads (rvar_get).
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "report/rctx.h"
#include "report/rvar.h"
#include "stats/desc.h"

/* Continuous rows: mean ± SD, range, missing. */
static avn_rc cont_rows(rctx *c, rtable *t, const char *name, const size_t *units, size_t n,
                        int decimals, int range_decimals) {
  double *x = avn_calloc(n ? n : 1, sizeof *x);
  if (!x) return AVN_E_NOMEM;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    rvar_val v;
    if (rvar_get(c, units[i], name, &v)) x[k++] = v.x;
  }
  char lab[128], val[128], a[48], b[48];
  const char *title = rvar_title(name);
  desc_result d;
  if (k > 0 && desc_summary(x, k, 0.95, 7, &d) == AVN_OK) {
    snprintf(lab, sizeof lab, "%s, mean \xc2\xb1 SD", title);
    rfmt_mean_sd(val, sizeof val, d.mean, k > 1 ? d.sd : NAN, decimals);
    rtable_row(t, (const char *const[]){lab, val});
    snprintf(lab, sizeof lab, "%s, range", title);
    rfmt_num(a, sizeof a, d.min, range_decimals);
    rfmt_num(b, sizeof b, d.max, range_decimals);
    snprintf(val, sizeof val, "%s-%s", a, b);
    rtable_row(t, (const char *const[]){lab, val});
  }
  if (k < n) {
    snprintf(lab, sizeof lab, "%s, missing", title);
    snprintf(val, sizeof val, "missing: %zu", n - k);
    rtable_row(t, (const char *const[]){lab, val});
  }
  avn_free(x);
  return AVN_OK;
}

/* Categorical rows: one per level "k (p%)", then missing. */
static avn_rc cat_rows(rctx *c, rtable *t, const char *name, const char *title, const double *cuts,
                       size_t n_cuts, const size_t *units, size_t n) {
  int *level = avn_calloc(n ? n : 1, sizeof *level);
  if (!level) return AVN_E_NOMEM;
  rlevels L;
  char why[256], lab[160], val[64];
  rvar_group(c, name, cuts, n_cuts, units, n, level, &L, why, sizeof why);
  size_t counts[RVAR_MAX_LEVELS] = {0}, known = 0;
  for (size_t i = 0; i < n; i++)
    if (level[i] >= 0) {
      counts[level[i]]++;
      known++;
    }
  for (size_t l = 0; l < L.n; l++) {
    snprintf(lab, sizeof lab, "%s: %s", title, L.label[l]);
    rfmt_pct(val, sizeof val, counts[l], known);
    rtable_row(t, (const char *const[]){lab, val});
  }
  if (known < n) {
    snprintf(lab, sizeof lab, "%s, missing", title);
    snprintf(val, sizeof val, "missing: %zu", n - known);
    rtable_row(t, (const char *const[]){lab, val});
  }
  avn_free(level);
  return AVN_OK;
}

avn_rc sec_table1(rctx *c, avn_err *e) {
  (void)e;
  avn_rc rc = AVN_OK;
  size_t *pu = NULL, *all = NULL;
  bool *seen = NULL;
  rsec *s = rdoc_section(c->doc, "table1", "Baseline characteristics");
  if (!s) return AVN_OK;
  if (c->n_units == 0) {
    rsec_missing(s, "no patient enrolled: no baseline characteristics to describe");
    return AVN_OK;
  }
  pu = avn_calloc(c->n_units, sizeof *pu);
  all = avn_calloc(c->n_units, sizeof *all);
  seen = avn_calloc(c->st->n_patients + 1, sizeof *seen);
  if (!pu || !all || !seen) { rc = AVN_E_NOMEM; goto cleanup; }
  size_t np = 0;
  for (size_t u = 0; u < c->n_units; u++) {
    all[u] = u;
    if (!seen[c->units[u].patient]) {
      seen[c->units[u].patient] = true;
      pu[np++] = u;
    }
  }
  rtable *t = rsec_table(s, "table1", "Baseline characteristics", 2,
                         (const char *const[]){"Characteristic", "Value"});
  char g[96];
  snprintf(g, sizeof g, "Patients (n = %zu)", np);
  rtable_group(t, g);
  rc = cont_rows(c, t, "age", pu, np, 1, 0);
  if (!rc) rc = cat_rows(c, t, "sex", "Sex", NULL, 0, pu, np);
  if (!rc) rc = cont_rows(c, t, "bmi", pu, np, 1, 1);
  if (!rc) rc = cat_rows(c, t, "laterality", "Laterality", NULL, 0, pu, np);
  if (rc) goto cleanup;
  if (c->per_hip) {
    snprintf(g, sizeof g, "Hips (n = %zu)", c->n_units);
    rtable_group(t, g);
    size_t left = 0;
    for (size_t u = 0; u < c->n_units; u++) left += c->units[u].side == SIDE_LEFT;
    char val[64];
    rfmt_pct(val, sizeof val, left, c->n_units);
    rtable_row(t, (const char *const[]){"Side: Left", val});
    rfmt_pct(val, sizeof val, c->n_units - left, c->n_units);
    rtable_row(t, (const char *const[]){"Side: Right", val});
  }
  rc = cat_rows(c, t, "etiology", "Etiology", NULL, 0, all, c->n_units);
  if (rc) goto cleanup;
  char st[64];
  snprintf(st, sizeof st, "Stage (%s)", !strcmp(c->p->staging, "ficat") ? "Ficat-Arlet"
           : !strcmp(c->p->staging, "steinberg") ? "Steinberg" : "ARCO");
  rc = cat_rows(c, t, "stage", st, NULL, 0, all, c->n_units);
  if (rc) goto cleanup;
  static const double dcuts[] = {30, 50};
  const double *cuts = dcuts;
  size_t n_cuts = 2;
  for (size_t i = 0; i < c->plan->n_subgroups; i++)
    if (!strcmp(c->plan->subgroups[i].by, "lesion_size") && c->plan->subgroups[i].n_cuts) {
      cuts = c->plan->subgroups[i].cuts;
      n_cuts = c->plan->subgroups[i].n_cuts;
    }
  rc = cat_rows(c, t, "lesion_size", "Lesion size (baseline MRI, % of head)", cuts, n_cuts, all, c->n_units);
  if (rc) goto cleanup;
  rtable_note(t, "Mean \xc2\xb1 SD and range; n (%%) with percentages of those with the value "
              "recorded; missing values are counted on their own row. Age in completed years at "
              "enrolment. %s", c->per_hip ? "Etiology, stage and lesion size are per hip." : "");
  rctx_method(c, "table1", "Baseline characteristics are given as mean \xc2\xb1 SD (range) and "
              "counts with percentages of those recorded; missing values are reported, not imputed.");
cleanup:
  avn_free(pu);
  avn_free(all);
  avn_free(seen);
  return rc;
}
