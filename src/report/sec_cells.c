/*
** sec_cells.c: report section 10, the bone-marrow cell products (the
** hip-level `cell_product` form, one per harvest and injection; data entry
** 1): what was given, how it was processed, the protocol deviations, and
** the primary outcome against the dose.
**
** Values per product, as the scorer (src/instruments/cell_product.c)
** defines them: aspirated_ml, final_ml and mnc_conc_e6_per_ml as entered;
** the dose total_cells_e6 = concentration x final volume (x10^6 cells);
** viability_pct = live / (live + dead) x 100; harvest_to_lab_min and
** processing_to_injection_min from the clock times; spin1_rcf_g and
** spin2_rcf_g = 1.118e-5 r rpm^2.
**
** Tables:
**   cell_products   Measure | Procedure | n | Mean ± SD | Range, per
**                   procedure number (the form's injection_no, else the
**                   protocol procedure done at the form's visit) and all.
**   cell_deviations each protocol limit (protocol.limits, on cell_product
**                   or any other form): forms checked (value present),
**                   values outside (the monitor's deviations, src/monitor/:
**                   below min, above max, or another code than `is`),
**                   their range.
**   dose_model      for each primary outcome of the plan: OLS of the change
**                   baseline -> final visit on the dose of the first
**                   procedure (the plan's `dose` variable): slope with 95%
**                   CI and p, intercept, R^2. Hips are treated as
**                   independent (a patient's two hips are not clustered
**                   here; stated in the note).
** Figure dose_outcome: the hips' (dose, change) points and the OLS line of
** the first primary outcome. figure.h has no scatter kind yet, so the points
** are a lines series sorted by dose (the lead has been asked for a scatter
** kind).
**
** Costs: one scoring per product / limit form (one pass over the forms),
** O(m log m) summaries. Everything allocated here is freed at the single
** exit.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "monitor/monitor.h"
#include "report/rctx.h"
#include "stats/desc.h"
#include "stats/regress.h"

enum { M_ASP, M_FINAL, M_CONC, M_DOSE, M_VIAB, M_H2L, M_P2I, M_RCF1, M_RCF2, M_N };

static const struct {
  const char *name, *label;
  int decimals;
} measures[M_N] = {
    {"aspirated_ml", "Bone marrow aspirated (ml)", 1},
    {"final_ml", "Final product volume (ml)", 1},
    {"mnc_conc_e6_per_ml", "Mononuclear cells (x10^6/ml)", 1},
    {"total_cells_e6", "Cell dose: mononuclear cells (x10^6)", 1},
    {"viability_pct", "Viability (%)", 1},
    {"harvest_to_lab_min", "Harvest to laboratory (min)", 0},
    {"processing_to_injection_min", "Processing to injection (min)", 0},
    {"spin1_rcf_g", "Centrifugation 1 (x g)", 0},
    {"spin2_rcf_g", "Centrifugation 2 (x g)", 0},
};

#define MAX_PROCS 16

typedef struct product {
  size_t unit;           /* (size_t)-1: no unit */
  int proc;              /* 0-based procedure number; -1 unknown */
  double v[M_N];         /* NAN when missing */
} product;

static const inst_value *form_value(const store_form *f, const char *item) {
  for (size_t i = 0; i < f->n_values; i++)
    if (f->values[i].item && !strcmp(f->values[i].item, item)) return f->values[i].missing ? NULL : &f->values[i];
  return NULL;
}

/* An item's or a result's number; false when missing. */
static bool form_num(const store_form *f, const inst_scores *sc, const char *name, double *out) {
  const inst_value *v = form_value(f, name);
  if (v) {
    const inst_item *it = inst_item_find(f->def, name);
    if (it && it->type == INST_TEXT) return false;
    *out = v->num;
    return isfinite(v->num);
  }
  const inst_result *r = sc ? inst_scores_get(sc, name) : NULL;
  if (!r || r->missing || !isfinite(r->num)) return false;
  *out = r->num;
  return true;
}

static bool form_present(const store_form *f, const inst_scores *sc, const char *name) {
  if (form_value(f, name)) return true;
  const inst_result *r = sc ? inst_scores_get(sc, name) : NULL;
  return r && !r->missing;
}

/* The form's results from the analysis dataset's scores (scored once). */
static void score_form(const rctx *c, const store_form *f, inst_scores *sc) {
  frame_scores_copy(c->scores, f, sc);
}

/* --- cell_products table -------------------------------------------------- */

static avn_rc products_table(rctx *c, rsec *s, const product *pr, size_t n, int nproc, size_t n_unknown) {
  avn_rc rc = AVN_OK;
  double *v = avn_calloc(n + 1, sizeof *v);
  if (!v) return AVN_E_NOMEM;
  const char *hdr[] = {"Measure", "Procedure", "n", "Mean \xc2\xb1 SD", "Range"};
  rtable *tb = rsec_table(s, "cell_products", "Cell products: volumes, dose, viability, timings", 5, hdr);
  for (int m = 0; m < M_N; m++) {
    for (int g = 0; g <= nproc; g++) {   /* g == nproc: all products */
      size_t k = 0;
      for (size_t i = 0; i < n; i++)
        if ((g == nproc || pr[i].proc == g) && isfinite(pr[i].v[m])) v[k++] = pr[i].v[m];
      if (k == 0) continue;
      if (g == nproc && nproc == 1 && n_unknown == 0) continue;   /* "All" would repeat procedure 1 */
      desc_result d;
      rc = desc_summary(v, k, 0.95, 7, &d);
      if (rc == AVN_E_NOMEM) goto cleanup;
      if (rc) {
        rc = AVN_OK;
        continue;
      }
      char proc[32], nn[32], ms[96], lo[32], hi[32], rg[96];
      if (g == nproc) snprintf(proc, sizeof proc, "All");
      else snprintf(proc, sizeof proc, "%d", g + 1);
      snprintf(nn, sizeof nn, "%zu", k);
      rfmt_mean_sd(ms, sizeof ms, d.mean, d.sd, measures[m].decimals);
      rfmt_num(lo, sizeof lo, d.min, measures[m].decimals);
      rfmt_num(hi, sizeof hi, d.max, measures[m].decimals);
      snprintf(rg, sizeof rg, "%s-%s", lo, hi);
      const char *cells[] = {measures[m].label, proc, nn, ms, rg};
      rtable_row(tb, cells);
    }
  }
  for (int g = 0; g < nproc && g < (int)c->p->n_procs; g++)
    rtable_note(tb, "Procedure %d: %s.", g + 1, c->p->procs[g].label ? c->p->procs[g].label : c->p->procs[g].name);
  rtable_note(tb, "Dose: mononuclear cell concentration x final product volume; viability: trypan blue "
                  "live / (live + dead); relative centrifugal force 1.118e-5 x radius (cm) x rpm^2. n counts the "
                  "products with the value.");
cleanup:
  avn_free(v);
  return rc;
}

/* --- deviations ------------------------------------------------------------ */

/* The monitor's deviations (src/monitor/), each counted under its limit. */
typedef struct dev_count {
  const protocol *p;
  const bool *in_study;
  size_t *out, n_acked;
  double *omin, *omax;
  const char **otext;
} dev_count;

static int count_deviation(const monitor_finding *x, void *ctx) {
  dev_count *d = ctx;
  size_t l = (size_t)(x->limit - d->p->limits);
  if (!d->in_study[x->patient] || l >= d->p->n_limits) return 0;
  if (d->out[l] == 0 || x->num < d->omin[l]) d->omin[l] = x->num;
  if (d->out[l] == 0 || x->num > d->omax[l]) d->omax[l] = x->num;
  for (size_t k = 0; !d->otext[l] && x->limit->is && k < x->f->n_values; k++)   /* the study's text, kept */
    if (!strcmp(x->f->values[k].item, x->item)) d->otext[l] = x->f->values[k].text;
  d->out[l]++;
  d->n_acked += x->acked;
  return 0;
}

static avn_rc deviations_table(rctx *c, rsec *s, const bool *in_study) {
  const protocol *p = c->p;
  const store_study *st = c->st;
  size_t nl = p->n_limits;
  avn_rc rc = AVN_OK;
  rsec_heading(s, "Protocol deviations");
  if (nl == 0) {
    rsec_missing(s, "The protocol sets no limits on form values, so no deviations are counted.");
    return AVN_OK;
  }
  size_t *checked = avn_calloc(nl, sizeof *checked), *out = avn_calloc(nl, sizeof *out);
  double *omin = avn_calloc(nl, sizeof *omin), *omax = avn_calloc(nl, sizeof *omax);
  const char **otext = avn_calloc(nl, sizeof *otext);
  if (!checked || !out || !omin || !omax || !otext) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  for (size_t i = 0; i < st->n_forms; i++) {
    const store_form *f = &st->forms[i];
    if (f->entry != 1 || !in_study[f->patient] || !f->def) continue;
    bool any = false;
    for (size_t l = 0; l < nl && !any; l++) any = !strcmp(p->limits[l].form, f->instrument);
    if (!any) continue;
    inst_scores sc;
    score_form(c, f, &sc);
    for (size_t l = 0; l < nl; l++)
      if (!strcmp(p->limits[l].form, f->instrument) && form_present(f, &sc, p->limits[l].field)) checked[l]++;
  }
  dev_count dc = {p, in_study, out, 0, omin, omax, otext};
  monitor_run_scored(st, c->scores, 0, 1u << MON_DEVIATION, MONITOR_ACKED, count_deviation, &dc);
  size_t total_checked = 0;
  for (size_t l = 0; l < nl; l++) total_checked += checked[l];
  if (total_checked == 0) {
    rsec_missing(s, "No form carries a value the protocol limits (%zu limits), so no deviations are counted.", nl);
    goto cleanup;
  }
  const char *hdr[] = {"Limit", "Protocol", "Forms checked", "Outside the limit", "Values outside"};
  rtable *tb = rsec_table(s, "cell_deviations", "Protocol deviations: values outside the protocol's limits", 5, hdr);
  for (size_t l = 0; l < nl; l++) {
    const proto_limit *lim = &p->limits[l];
    char ck[32], ou[48], vals[128] = "";
    snprintf(ck, sizeof ck, "%zu", checked[l]);
    rfmt_pct(ou, sizeof ou, out[l], checked[l]);
    if (out[l] && lim->is) snprintf(vals, sizeof vals, "%s", otext[l] ? otext[l] : "");
    else if (out[l] && omin[l] == omax[l]) snprintf(vals, sizeof vals, "%g", omin[l]);
    else if (out[l]) snprintf(vals, sizeof vals, "%g to %g", omin[l], omax[l]);
    char name[160];
    snprintf(name, sizeof name, "%s.%s", lim->form, lim->field);
    const char *cells[] = {name, lim->text ? lim->text : lim->name, ck, ou, vals};
    rtable_row(tb, cells);
  }
  rtable_note(tb, "Forms checked: forms giving the value (entry 1); a missing value is not a deviation. Percentages "
                  "of the forms checked.");
  if (dc.n_acked)
    rtable_note(tb, "%zu of the values outside were acknowledged as deviations with a reason (avn check --ack).",
                dc.n_acked);
  rctx_method(c, "deviations", "Values outside the protocol's limits were counted as protocol deviations.");
cleanup:
  avn_free(checked);
  avn_free(out);
  avn_free(omin);
  avn_free(omax);
  avn_free(otext);
  return rc;
}

/* --- outcome against dose --------------------------------------------------- */

static int cmp_pair(const void *x, const void *y) {
  const double *a = x, *b = y;
  return (a[0] > b[0]) - (a[0] < b[0]);
}

static avn_rc dose_outcome(rctx *c, rsec *s, const double *dose) {
  const sap *plan = c->plan;
  avn_rc rc = AVN_OK;
  double *x = NULL, *y = NULL, *xy = NULL, *px = NULL, *py = NULL;
  regress_result *rr = NULL;
  rtable *tb = NULL;
  bool figure_done = false;
  rsec_heading(s, "Outcome against cell dose");
  x = avn_calloc(c->n_units + 1, sizeof *x);
  y = avn_calloc(c->n_units + 1, sizeof *y);
  xy = avn_calloc(2 * c->n_units + 2, sizeof *xy);
  px = avn_calloc(c->n_units + 1, sizeof *px);
  py = avn_calloc(c->n_units + 1, sizeof *py);
  if (!x || !y || !xy || !px || !py) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  size_t nprim = 0;
  for (size_t o = 0; o < plan->n_outcomes; o++) nprim += plan->outcomes[o].primary;
  for (size_t o = 0; o < plan->n_outcomes; o++) {
    const sap_outcome *oc = &plan->outcomes[o];
    if (nprim ? !oc->primary : o > 0) continue;
    size_t nv = 0;
    char *const *vis = sap_outcome_visits(plan, oc, &nv);
    if (nv < 2) {
      rsec_missing(s, "%s has fewer than two time points, so no change to relate to the dose.", oc->label);
      continue;
    }
    const char *v0 = vis[0], *vf = vis[nv - 1];
    for (size_t k = 1; k < nv; k++)
      if (plan->final_visit && !strcmp(vis[k], plan->final_visit)) vf = vis[k];
    size_t n = 0, ndose = 0;
    for (size_t u = 0; u < c->n_units; u++) {
      double a = 0, b = 0;
      if (!isfinite(dose[u])) continue;
      ndose++;
      if (!rctx_num(c, u, v0, oc->form, oc->result, &a) || !rctx_num(c, u, vf, oc->form, oc->result, &b)) continue;
      x[n] = dose[u];
      y[n++] = b - a;
    }
    if (n < 3) {
      rsec_missing(s, "%s against dose: only %zu %s have both a first-procedure dose and the change from %s to %s "
                      "(%zu have a dose); a regression needs at least 3.",
                   oc->label, n, c->per_hip ? "hips" : "units", rctx_visit_label(c, v0), rctx_visit_label(c, vf),
                   ndose);
      continue;
    }
    const char *names[] = {"dose"};
    avn_err re;
    avn_err_clear(&re);
    rc = regress_ols(n, 1, x, y, true, names, NULL, 0, 0.95, &rr, &re);
    if (rc == AVN_E_NOMEM) goto cleanup;
    if (rc) {
      rc = AVN_OK;
      rsec_missing(s, "%s against dose: no regression (%s%s%s).", oc->label, re.field, re.field[0] ? ": " : "",
                   re.rule);
      continue;
    }
    if (!tb) {
      const char *hdr[] = {"Outcome", "Change", "n", "Slope per 10^6 cells (95% CI)", "p", "Intercept", "R\xc2\xb2"};
      tb = rsec_table(s, "dose_model", "Change in the primary outcome against the cell dose (least squares)", 7, hdr);
      rtable_note(tb, "Dose: mononuclear cells of the first procedure (x10^6). %s are treated as independent "
                      "(no clustering on patient in this model).", c->per_hip ? "Hips" : "Units");
    }
    char chg[160], nn[32], sl[128], a[32], lo[32], hi[32], pv[32], ic[32], r2[32];
    snprintf(chg, sizeof chg, "%s to %s", rctx_visit_label(c, v0), rctx_visit_label(c, vf));
    snprintf(nn, sizeof nn, "%zu", n);
    snprintf(a, sizeof a, "%.4g", rr->beta[1]);
    snprintf(lo, sizeof lo, "%.4g", rr->ci_low[1]);
    snprintf(hi, sizeof hi, "%.4g", rr->ci_high[1]);
    snprintf(sl, sizeof sl, "%s (%s to %s)", a, lo, hi);
    rfmt_p(pv, sizeof pv, rr->p_value[1]);
    snprintf(ic, sizeof ic, "%.4g", rr->beta[0]);
    rfmt_num(r2, sizeof r2, rr->r2, 3);
    const char *cells[] = {oc->label, chg, nn, sl, pv, ic, r2};
    rtable_row(tb, cells);
    rctx_method(c, "dose_ols",
                "The change in each primary outcome from baseline to the final visit was regressed on the cell dose "
                "of the first procedure by ordinary least squares.");
    if (!figure_done) {
      for (size_t i = 0; i < n; i++) {
        xy[2 * i] = x[i];
        xy[2 * i + 1] = y[i];
      }
      qsort(xy, n, 2 * sizeof *xy, cmp_pair);
      for (size_t i = 0; i < n; i++) {
        px[i] = xy[2 * i];
        py[i] = xy[2 * i + 1];
      }
      char ylab[200];
      snprintf(ylab, sizeof ylab, "Change in %s, %s to %s", oc->label, rctx_visit_label(c, v0),
               rctx_visit_label(c, vf));
      rfig *f = rfig_lines("Cell dose, first procedure (x10^6 mononuclear cells)", ylab);
      if (!f) {
        rc = AVN_E_NOMEM;
        goto cleanup;
      }
      rfig_series(f, c->per_hip ? "Hips" : "Patients", n, px, py, NULL, NULL);
      rfig_series_draw(f, false, true);     /* a scatter: points, no joining line */
      double fx[2] = {px[0], px[n - 1]};
      double fy[2] = {rr->beta[0] + rr->beta[1] * px[0], rr->beta[0] + rr->beta[1] * px[n - 1]};
      rfig_series(f, "Least-squares line", 2, fx, fy, NULL, NULL);
      rfig_series_draw(f, true, false);
      char cap[300];
      snprintf(cap, sizeof cap, "Change in %s against the cell dose of the first procedure, with the least-squares "
                                "line (n = %zu)", oc->label, n);
      rsec_figure(s, "dose_outcome", cap, f);
      figure_done = true;
    }
    regress_free(rr);
    rr = NULL;
  }
cleanup:
  regress_free(rr);
  avn_free(x);
  avn_free(y);
  avn_free(xy);
  avn_free(px);
  avn_free(py);
  return rc;
}

avn_rc sec_cells(rctx *c, avn_err *e) {
  avn_rc rc = AVN_OK;
  const store_study *st = c->st;
  const protocol *p = c->p;
  product *pr = NULL;
  size_t *unit_of = NULL;     /* [n_patients * 3] unit of (patient, side), SIZE_MAX none */
  bool *in_study = NULL;
  double *dose = NULL;
  (void)e;
  rsec *s = rdoc_section(c->doc, "cells", "Cell products");
  if (!s) return AVN_E_NOMEM;
  size_t np = st->n_patients;
  unit_of = avn_calloc(3 * np + 1, sizeof *unit_of);
  in_study = avn_calloc(np + 1, sizeof *in_study);
  dose = avn_calloc(c->n_units + 1, sizeof *dose);
  if (!unit_of || !in_study || !dose) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  for (size_t i = 0; i < 3 * np; i++) unit_of[i] = (size_t)-1;
  for (size_t u = 0; u < c->n_units; u++) {
    const runit *un = &c->units[u];
    in_study[un->patient] = true;
    dose[u] = NAN;
    if (un->side != SIDE_PATIENT) unit_of[un->patient * 3 + (size_t)un->side] = u;
    else
      for (size_t k = 0; k < 3; k++) unit_of[un->patient * 3 + k] = u;
  }
  size_t n = 0;
  for (size_t i = 0; i < st->n_forms; i++)
    n += st->forms[i].entry == 1 && !strcmp(st->forms[i].instrument, inst_role_form(INST_ROLE_CELL_PRODUCT)) && in_study[st->forms[i].patient];
  if (n == 0) {
    rsec_missing(s, "No cell product is recorded (no cell_product form), so no dose, viability, timing or outcome "
                    "against dose is computed.");
    rc = deviations_table(c, s, in_study);
    goto cleanup;
  }
  pr = avn_calloc(n, sizeof *pr);
  if (!pr) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  n = 0;
  int nproc = (int)(p->n_procs < MAX_PROCS ? p->n_procs : MAX_PROCS);
  size_t n_unknown = 0;
  for (size_t i = 0; i < st->n_forms; i++) {
    const store_form *f = &st->forms[i];
    if (f->entry != 1 || strcmp(f->instrument, inst_role_form(INST_ROLE_CELL_PRODUCT)) != 0 || !in_study[f->patient]) continue;
    product *q = &pr[n++];
    inst_scores sc;
    score_form(c, f, &sc);
    for (int m = 0; m < M_N; m++)
      if (!form_num(f, &sc, measures[m].name, &q->v[m])) q->v[m] = NAN;
    q->proc = -1;
    double inj = 0;
    if (form_num(f, &sc, "injection_no", &inj) && inj >= 1 && inj <= MAX_PROCS) q->proc = (int)inj - 1;
    else
      for (size_t k = 0; k < p->n_procs && k < MAX_PROCS; k++)
        if (!strcmp(p->visits[p->procs[k].visit].name, f->visit)) q->proc = (int)k;
    if (q->proc + 1 > nproc) nproc = q->proc + 1;
    if (q->proc < 0) n_unknown++;
    q->unit = unit_of[f->patient * 3 + (size_t)(f->side >= 0 && f->side <= 2 ? f->side : 0)];
    if (q->proc == 0 && q->unit != (size_t)-1 && isfinite(q->v[M_DOSE])) dose[q->unit] = q->v[M_DOSE];
  }
  if (nproc == 0) nproc = 1;
  {
    size_t nunits = 0;
    bool *seen = avn_calloc(c->n_units + 1, sizeof *seen);
    if (!seen) {
      rc = AVN_E_NOMEM;
      goto cleanup;
    }
    for (size_t i = 0; i < n; i++)
      if (pr[i].unit != (size_t)-1 && !seen[pr[i].unit]) {
        seen[pr[i].unit] = true;
        nunits++;
      }
    avn_free(seen);
    rsec_para(s, "%zu cell products for %zu %s.%s", n, nunits, c->per_hip ? "hips" : "units",
              n_unknown ? " Products whose procedure cannot be told are counted under All only." : "");
  }
  rc = products_table(c, s, pr, n, nproc, n_unknown);
  if (rc) goto cleanup;
  rctx_method(c, "cells",
              "Cell products were described per procedure (mean \xc2\xb1 SD and range): dose as mononuclear cell "
              "concentration times final volume, viability by trypan blue exclusion, and the harvest, processing "
              "and injection times.");
  rc = deviations_table(c, s, in_study);
  if (rc) goto cleanup;
  rc = dose_outcome(c, s, dose);
cleanup:
  avn_free(pr);
  avn_free(unit_of);
  avn_free(in_study);
  avn_free(dose);
  return rc;
}
