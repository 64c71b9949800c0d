/*
** sec_responders.c: report section 4, responders and the HHS category
** shift.
**
** Responders (table `responders`): for each plan outcome with an MCID,
** units whose improvement from the baseline to the final visit is at least
** the MCID; and for the plan's responder definition, units whose
** improvement is more than responder.more_than. Improvement is the change
** final - baseline, sign-reversed for an outcome where lower is better.
** The final visit is the plan's final_visit, or the outcome's last visit
** when the outcome is not measured there.
** Intention to treat: a unit converted to arthroplasty by the final visit
** is a non-responder, and the denominator is every unit (a unit without
** data counts as a non-responder there). The same responders are also
** shown over the units with data (both values, or converted). With no such
** unit the row says so: an ITT share of 0% made only of missing data would
** be a number computed from nothing.
** 95% CI: Wilson (1927) score interval (stats/binom.h):
**   (k + z^2/2)/(n + z^2) -/+ z sqrt(n)/(n + z^2) sqrt(p(1-p) + z^2/(4n)).
** When a patient contributes both hips (rctx_clustered) each share also
** gets the patient-clustered logit interval (cluster_prop, as R's
** svyciprop(method = "logit")), first, and the Wilson one is labelled
** "hips independent".
**
** HHS category (table `hhs_category`): the hhs result `category`
** (excellent >= 90, good 80-89, fair 70-79, poor < 70) at the baseline
** against the final visit of the plan's HHS outcome, with conversion to
** THA and missing data as their own columns; figure `responders` shows the
** two distributions side by side (percent of units with a category).
**
** Costs: O(units) reads per outcome.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "report/rctx.h"
#include "report/rvar.h"
#include "stats/binom.h"
#include "stats/cluster.h"


static void fmt_share(char *out, size_t n, size_t k, size_t of) {
  if (of == 0) snprintf(out, n, "0/0");
  else snprintf(out, n, "%zu/%zu (%.1f%%)", k, of, 100.0 * (double)k / (double)of);
}

static void fmt_wilson(char *out, size_t n, size_t k, size_t of) {
  double lo = NAN, hi = NAN;
  if (of == 0 || binom_wilson(k, of, 0.95, &lo, &hi) != AVN_OK) {
    out[0] = 0;
    return;
  }
  snprintf(out, n, "%.1f-%.1f%%", 100 * lo, 100 * hi);
}

/* The patient-clustered interval of the share of y[n] (0/1) over units[n]
** (cluster_prop, logit); empty when not computable (no or every responder,
** or fewer than 2 patients). */
static avn_rc fmt_clustered(const rctx *c, char *out, size_t n, const size_t *units, const int *y,
                            size_t m) {
  out[0] = 0;
  int *ids = avn_calloc(m + 1, sizeof *ids);
  if (!ids) return AVN_E_NOMEM;
  size_t npat = 0, both = 0;
  avn_rc rc = rctx_cluster_ids(c, units, m, ids, &npat, &both);
  cluster_est ce;
  avn_err e;
  avn_err_clear(&e);
  if (!rc && cluster_prop(y, ids, m, c->st->n_patients, 0.95, &ce, &e) == AVN_OK && isfinite(ce.ci_low))
    snprintf(out, n, "%.1f-%.1f%%", 100 * ce.ci_low, 100 * ce.ci_high);
  avn_free(ids);
  return rc;
}

/* One responder row. strict: improvement > thr, else >= thr. */
static avn_rc responder_row(rctx *c, rtable *t, const sap_outcome *o, double thr, bool strict,
                            const char *definition) {
  const char *base = NULL, *fin = sap_outcome_final_visit(c->plan, o);
  size_t nv = 0;
  char *const *v = sap_outcome_visits(c->plan, o, &nv);
  if (nv < 2 || !fin) return AVN_OK;
  base = v[0];
  size_t k = 0, with = 0, all = 0;
  /* units and their response: all[] (ITT) first, and those with data */
  size_t *ua = avn_calloc(c->n_units + 1, sizeof *ua), *uw = avn_calloc(c->n_units + 1, sizeof *uw);
  int *ya = avn_calloc(c->n_units + 1, sizeof *ya), *yw = avn_calloc(c->n_units + 1, sizeof *yw);
  avn_rc rc = AVN_OK;
  if (!ua || !uw || !ya || !yw) { rc = AVN_E_NOMEM; goto cleanup; }
  for (size_t u = 0; u < c->n_units; u++) {
    if (!rvar_outcome_unit(c, o, u)) continue;
    ua[all] = u;
    ya[all++] = 0;
    if (rctx_converted_by(c, u, fin)) {
      uw[with] = u;
      yw[with++] = 0;
      continue;
    }
    double b = 0, f = 0;
    if (!rctx_num(c, u, base, o->form, o->result, &b) || !rctx_num(c, u, fin, o->form, o->result, &f))
      continue;
    double imp = rvar_snap((f - b) * (o->higher_better ? 1 : -1));
    int r = strict ? imp > thr : imp >= thr;
    k += (size_t)r;
    ya[all - 1] = r;
    uw[with] = u;
    yw[with++] = r;
  }
  char def[256], a[64], ca[64], w[64], cw[64];
  snprintf(def, sizeof def, "%s, %s to %s", definition, rctx_visit_label(c, base),
           rctx_visit_label(c, fin));
  const bool clustered = rctx_clustered(c);
  if (with == 0) {   /* ITT over nothing observed would be a 0% made of missing data */
    const char *why = "not computed: no unit with both values or a conversion";
    if (clustered) rtable_row(t, (const char *const[]){o->label, def, "", "", "", why, "", ""});
    else rtable_row(t, (const char *const[]){o->label, def, "", "", why, ""});
    goto cleanup;
  }
  fmt_share(a, sizeof a, k, all);
  fmt_wilson(ca, sizeof ca, k, all);
  fmt_share(w, sizeof w, k, with);
  fmt_wilson(cw, sizeof cw, k, with);
  if (clustered) {
    char ka[64], kw[64];
    if ((rc = fmt_clustered(c, ka, sizeof ka, ua, ya, all))) goto cleanup;
    if ((rc = fmt_clustered(c, kw, sizeof kw, uw, yw, with))) goto cleanup;
    rtable_row(t, (const char *const[]){o->label, def, a, ka, ca, w, kw, cw});
  } else {
    rtable_row(t, (const char *const[]){o->label, def, a, ca, w, cw});
  }
cleanup:
  avn_free(ua);
  avn_free(uw);
  avn_free(ya);
  avn_free(yw);
  return rc;
}

/* The table has four category rows and columns: the levels of hhs.yaml's
** `category` result, best first (the definition owns names and cut-offs). */
#define N_CAT 4

/* "Excellent" from "excellent". */
static void level_title(const inst_result_def *cr, int i, char *out, size_t n) {
  snprintf(out, n, "%s", cr->levels[i].name);
  if (out[0] >= 'a' && out[0] <= 'z') out[0] = (char)(out[0] - 'a' + 'A');
}

/* "excellent >= 90, good 80-89, fair 70-79, poor < 70" from the levels. */
static void levels_words(const inst_result_def *cr, char *out, size_t n) {
  size_t len = 0;
  out[0] = '\0';
  for (size_t i = 0; i < cr->n_levels && len < n; i++) {
    const inst_cat_level *l = &cr->levels[i];
    int w;
    if (i == 0) w = snprintf(out + len, n - len, "%s >= %g", l->name, l->min);
    else if (l->has_min) w = snprintf(out + len, n - len, ", %s %g-%g", l->name, l->min, cr->levels[i - 1].min - 1);
    else w = snprintf(out + len, n - len, ", %s < %g", l->name, cr->levels[i - 1].min);
    if (w < 0) break;
    len += (size_t)w;
  }
}

static avn_rc category_table(rctx *c, rsec *s) {
  const sap_outcome *o = NULL;
  for (size_t i = 0; i < c->plan->n_outcomes && !o; i++)
    if (!strcmp(c->plan->outcomes[i].form, "hhs")) o = &c->plan->outcomes[i];
  if (!o) {
    rsec_missing(s, "HHS category shift: the plan has no Harris Hip Score outcome");
    return AVN_OK;
  }
  size_t nv = 0;
  char *const *v = sap_outcome_visits(c->plan, o, &nv);
  const char *fin = sap_outcome_final_visit(c->plan, o);
  if (nv < 2 || !fin) {
    rsec_missing(s, "HHS category shift: the HHS outcome has no follow-up visit");
    return AVN_OK;
  }
  const inst_result_def *cr = inst_result_find(inst_find(o->form), "category");
  if (!cr || cr->n_levels != N_CAT) {
    rsec_missing(s, "HHS category shift: the definition's category result does not have %d levels", N_CAT);
    return AVN_OK;
  }
  /* rows: baseline excellent..poor, no data; cols: final excellent..poor, THA, no data */
  size_t m[5][6];
  memset(m, 0, sizeof m);
  size_t any = 0;
  for (size_t u = 0; u < c->n_units; u++) {
    int r = inst_level_index(cr, rctx_text(c, u, v[0], o->form, "category"));
    int col = rctx_converted_by(c, u, fin) ? 4 : inst_level_index(cr, rctx_text(c, u, fin, o->form, "category"));
    if (r < 0) r = 4;
    if (col < 0) col = 5;
    any += r < 4 || col < 4;
    m[r][col]++;
  }
  if (any == 0) {
    rsec_missing(s, "HHS category shift: no HHS category at the baseline or at %s",
                 rctx_visit_label(c, fin));
    return AVN_OK;
  }
  char cap[256], h0[128];
  snprintf(cap, sizeof cap, "HHS category at %s (rows) and %s (columns), %s",
           rctx_visit_label(c, v[0]), rctx_visit_label(c, fin), c->per_hip ? "hips" : "patients");
  snprintf(h0, sizeof h0, "%s \\ %s", rctx_visit_label(c, v[0]), rctx_visit_label(c, fin));
  char lt[N_CAT][64];
  for (int k = 0; k < N_CAT; k++) level_title(cr, k, lt[k], sizeof lt[k]);
  rtable *t = rsec_table(s, "hhs_category", cap, 8,
                         (const char *const[]){h0, lt[0], lt[1], lt[2], lt[3],
                                               "Converted to THA", "No data", "Total"});
  const char *const rl[] = {lt[0], lt[1], lt[2], lt[3], "No data"};
  size_t coltot[7] = {0};
  for (int r = 0; r < 5; r++) {
    char cells[7][32];
    size_t tot = 0;
    for (int k = 0; k < 6; k++) {
      snprintf(cells[k], sizeof cells[k], "%zu", m[r][k]);
      tot += m[r][k];
      coltot[k] += m[r][k];
    }
    coltot[6] += tot;
    snprintf(cells[6], sizeof cells[6], "%zu", tot);
    rtable_row(t, (const char *const[]){rl[r], cells[0], cells[1], cells[2], cells[3], cells[4],
                                        cells[5], cells[6]});
  }
  char tc[7][32];
  for (int k = 0; k < 7; k++) snprintf(tc[k], sizeof tc[k], "%zu", coltot[k]);
  rtable_row(t, (const char *const[]){"Total", tc[0], tc[1], tc[2], tc[3], tc[4], tc[5], tc[6]});
  char lw[256];
  levels_words(cr, lw, sizeof lw);
  rtable_note(t, "Harris Hip Score categories: %s. "
              "Converted: arthroplasty on or before the final visit's planned date.", lw);

  /* figure: distribution at baseline and final, % of units with a category */
  size_t nb = 0, nf = 0, cb[4] = {0}, cf[4] = {0};
  for (int r = 0; r < 4; r++)
    for (int k = 0; k < 6; k++) {
      cb[r] += m[r][k];
      nb += m[r][k];
    }
  for (int k = 0; k < 4; k++)
    for (int r = 0; r < 5; r++) {
      cf[k] += m[r][k];
      nf += m[r][k];
    }
  if (nb > 0 && nf > 0) {
    rfig *f = rfig_bars(c->per_hip ? "Percent of hips" : "Percent of patients", true);
    const char *cats[2] = {rctx_visit_label(c, v[0]), rctx_visit_label(c, fin)};
    rfig_categories(f, 2, cats);
    for (int k = 0; k < 4; k++) {
      double vals[2] = {100.0 * (double)cb[k] / (double)nb, 100.0 * (double)cf[k] / (double)nf};
      rfig_bar_series(f, rl[k], vals);
    }
    snprintf(cap, sizeof cap, "Harris Hip Score category at %s (n = %zu) and %s (n = %zu, converted "
             "hips excluded), percent of %s with a category.", rctx_visit_label(c, v[0]), nb,
             rctx_visit_label(c, fin), nf, c->per_hip ? "hips" : "patients");
    rsec_figure(s, "responders", cap, f);
  }
  return AVN_OK;
}

avn_rc sec_responders(rctx *c, avn_err *e) {
  (void)e;
  rsec *s = rdoc_section(c->doc, "responders", "Responders");
  if (!s) return AVN_OK;
  const sap *plan = c->plan;
  if (c->n_units == 0) {
    rsec_missing(s, "no patient enrolled: no responder analysis");
    return AVN_OK;
  }
  const char *un = c->per_hip ? "hips" : "patients";
  size_t rows = 0;
  for (size_t i = 0; i < plan->n_outcomes; i++) rows += isfinite(plan->outcomes[i].mcid);
  const sap_outcome *ro = plan->responder_outcome ? sap_find_outcome(plan, plan->responder_outcome) : NULL;
  rows += ro != NULL;
  if (rows == 0) {
    rsec_missing(s, "the plan gives no responder definition and no outcome has an MCID");
  } else {
    char h2[64], h4[64];
    snprintf(h2, sizeof h2, "Responders / all %s (ITT)", un);
    snprintf(h4, sizeof h4, "Responders / %s with data", un);
    const bool clustered = rctx_clustered(c);
    rtable *t = clustered
        ? rsec_table(s, "responders", "Responders at the final visit, patients as clusters", 8,
                     (const char *const[]){"Outcome", "Definition", h2, "95% CI, clustered",
                                           "95% CI, hips independent", h4, "95% CI, clustered",
                                           "95% CI, hips independent"})
        : rsec_table(s, "responders", "Responders at the final visit", 6,
                     (const char *const[]){"Outcome", "Definition", h2, "95% CI", h4, "95% CI"});
    for (size_t i = 0; i < plan->n_outcomes; i++) {
      const sap_outcome *o = &plan->outcomes[i];
      if (!isfinite(o->mcid)) continue;
      char def[128];
      snprintf(def, sizeof def, "improvement \xe2\x89\xa5 MCID (%g)", o->mcid);
      avn_rc rc = responder_row(c, t, o, o->mcid, false, def);
      if (rc) return rc;
    }
    if (ro) {
      char def[128];
      snprintf(def, sizeof def, "improvement > %g", plan->responder_more_than);
      avn_rc rc = responder_row(c, t, ro, plan->responder_more_than, true, def);
      if (rc) return rc;
    }
    rtable_note(t, "Improvement: change from baseline, sign-reversed where lower is better. "
                "Intention to treat: %s converted to arthroplasty by the final visit are "
                "non-responders, and the ITT denominator is every %s (without data = non-responder). "
                "95%% CI: Wilson score interval%s.", un, c->per_hip ? "hip" : "patient",
                clustered ? " where hips are treated as independent; 'clustered' accounts for the patient: "
                            "the share's cluster-robust (linearised) SE counting each patient once and the "
                            "logit interval on patients - 1 df, as R's survey::svyciprop(method = \"logit\") "
                            "with ids = ~patient (none when every or no hip responds)" : "");
    if (clustered)
      rctx_method(c, "responders_clustered", "Responder proportions over hips were given patient-clustered "
                  "95%% confidence intervals (logit interval of the cluster-robust estimate, R survey's "
                  "svyciprop), the Wilson interval beside them treating hips as independent.");
    rctx_method(c, "responders", "Responder proportions are given with Wilson score 95%% confidence "
                "intervals (Wilson 1927); conversion to arthroplasty counted as non-response "
                "(intention to treat).");
  }
  return category_table(c, s);
}
