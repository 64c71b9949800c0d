/*
** sec_outcomes.c: report section 3, outcomes over time.
**
** For every outcome of the plan (sap.h), at each of its visits, over the
** units of analysis (hips or patients; a patient-level form such as SF-36
** gives each hip its patient's value):
**   - n, mean ± SD (the outcome's decimals), median (IQR) with R's default
**     type 7 quantiles (desc_summary);
**   - at each follow-up visit, on the units with a value at both the
**     baseline and that visit (complete pairs), the change visit - baseline
**     with the paired t 95% CI (ttest_one on the differences), and the
**     test the plan's rule picks: Shapiro-Wilk on the differences (swilk,
**     n >= 3); p < normality_alpha -> Wilcoxon signed-rank (R's
**     wilcox.test defaults: exact when n < 50 without ties or zeros, else
**     the normal approximation with continuity correction), else the paired
**     t test. Differences that are all equal cannot be tested for
**     normality and are not normal: the signed-rank test is used. Over 5000
**     pairs (beyond Shapiro-Wilk) the paired t test is used and the note
**     says so. Fewer than 3 pairs: no test.
**   - Bonferroni over the outcome's m = visits - 1 planned comparisons:
**     min(1, m p) (plan tests.adjust: bonferroni).
**   - when units are hips and some patient contributes both
**     (rctx_clustered), first the same change with patients as clusters:
**     cluster_mean (cluster-robust SE, t interval and test on patients - 1
**     df, R's survey::svymean with ids = ~patient) and its Bonferroni p;
**     the columns above follow, labelled "hips independent".
** Table `outcomes` (columns fixed in report_common.md; 12 with the
** clustered ones) holds these rows.
**
** Table `outcome_models` puts, per outcome, the one-way repeated-measures
** ANOVA over all its visits on complete cases (rmanova_fit: F, df, the
** Greenhouse-Geisser epsilon and corrected p; only with at least as many
** complete cases as visits, else the epsilon is not estimable) next to the linear mixed
** model on all available values (mixed_fit, REML): visit as a factor
** (treatment-coded against the baseline), a random intercept per patient
** and, when units are hips and some patient contributes both hips, a
** random intercept per hip nested in the patient; each visit's effect vs
** baseline with SE, Satterthwaite df and p. The two disagree exactly where
** missing visits matter, which is the point of showing both. Per outcome a
** methods sentence says what ran (model_method): the visits, the values
** used of those recorded at any visit, the complete cases, and the random
** intercepts fitted, a variance estimated at 0 (theta < 1e-4, lme4's
** isSingular) said with the model it leaves.
**
** Figure trajectory_<name> per outcome: mean with error bars of ± SD or the
** 95% CI of the mean (plan tests.error_bars), n at each visit in the caption.
**
** A visit with no value shows n = 0 and empty cells, never a number. An
** outcome with no value at all is one notice. Costs: O(units x visits)
** reads per outcome; the tests are O(n log n); the mixed model O(N p^2).
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"
#include "report/rctx.h"
#include "report/rvar.h"
#include "stats/cluster.h"
#include "stats/desc.h"
#include "stats/mixed.h"
#include "stats/rmanova.h"
#include "stats/swilk.h"
#include "stats/ttest.h"
#include "stats/wilcoxon.h"

#define CELL 256

/* Outcome data: y[u * k + j] for unit u at the outcome's visit j; NaN when
** absent. */
typedef struct odata {
  const sap_outcome *o;
  char *const *visits;
  size_t k, n;            /* visits, units */
  bool per_patient;       /* patient-level form with hip units: one value per patient */
  double *y;
  size_t stored;          /* values recorded at any protocol visit (the plan's or not) */
} odata;

/* Values of `form.result` for every unit at each visit. */
static avn_rc odata_read(rctx *c, const sap_outcome *o, odata *d) {
  memset(d, 0, sizeof *d);
  d->o = o;
  d->visits = sap_outcome_visits(c->plan, o, &d->k);
  d->n = c->n_units;
  d->y = avn_calloc(d->n * d->k + 1, sizeof *d->y);
  if (!d->y) return AVN_E_NOMEM;
  d->per_patient = rvar_outcome_per_patient(c, o);
  for (size_t u = 0; u < d->n; u++) {
    bool counts = rvar_outcome_unit(c, o, u);
    for (size_t j = 0; j < d->k; j++) {
      double v = NAN;
      if (!counts || !rctx_num(c, u, d->visits[j], o->form, o->result, &v)) v = NAN;
      d->y[u * d->k + j] = v;
    }
    /* what the data hold beyond the plan's visits, so the methods can say
    ** how much of it the analysis used */
    for (size_t j = 0; counts && j < c->p->n_visits; j++) {
      double v;
      d->stored += rctx_num(c, u, c->p->visits[j].name, o->form, o->result, &v);
    }
  }
  return AVN_OK;
}

/* A footnote collected once per table. */
typedef struct notes {
  avn_buf b;
  /* the models' methods sentences: outcomes whose sentence is the same
  ** (the ten SF-36 domains) share one, their labels listed */
  char **body;
  avn_buf *labels;
  size_t n_body;
} notes;

/* Adds outcome `label` to the sentence `body` (copied). */
static avn_rc note_model(notes *nb, const char *label, const char *body) {
  size_t i = 0;
  while (i < nb->n_body && strcmp(nb->body[i], body)) i++;
  if (i == nb->n_body) {
    char **b = avn_reallocarray(nb->body, i + 1, sizeof *b);
    if (!b) return AVN_E_NOMEM;
    nb->body = b;
    avn_buf *l = avn_reallocarray(nb->labels, i + 1, sizeof *l);
    if (!l) return AVN_E_NOMEM;
    nb->labels = l;
    if (!(b[i] = avn_strdup(body))) return AVN_E_NOMEM;
    avn_buf_init(&l[i], 1u << 14);
    nb->n_body++;
  }
  return avn_buf_printf(&nb->labels[i], "%s%s", nb->labels[i].len ? "\x1f" : "", label);
}

/* Records the models' sentences: "A, B and C: body". */
static avn_rc notes_models_flush(rctx *c, notes *nb) {
  avn_rc rc = AVN_OK;
  for (size_t i = 0; !rc && i < nb->n_body; i++) {
    avn_buf t;
    avn_buf_init(&t, 1u << 16);
    const char *l = avn_buf_str(&nb->labels[i]);
    size_t parts = 1;
    for (const char *q = l; q && *q; q++) parts += *q == '\x1f';
    for (size_t k = 0; !rc && l && k < parts; k++) {
      const char *e = strchr(l, '\x1f');
      size_t len = e ? (size_t)(e - l) : strlen(l);
      rc = avn_buf_printf(&t, "%s%.*s", k == 0 ? "" : k + 1 == parts ? " and " : ", ", (int)len, l);
      l = e ? e + 1 : NULL;
    }
    if (!rc) rc = avn_buf_printf(&t, ": %s", nb->body[i]);
    if (!rc) {
      char key[64];
      snprintf(key, sizeof key, "model:%zu", i);
      rctx_method(c, key, "%s", avn_buf_str(&t));
    }
    avn_buf_free(&t);
  }
  return rc;
}

static void notes_free(notes *nb) {
  avn_buf_free(&nb->b);
  for (size_t i = 0; i < nb->n_body; i++) {
    avn_free(nb->body[i]);
    avn_buf_free(&nb->labels[i]);
  }
  avn_free(nb->body);
  avn_free(nb->labels);
}

static void note_add(notes *nb, const char *text) {
  const char *cur = avn_buf_str(&nb->b);
  if (cur && strstr(cur, text)) return;
  if (nb->b.len) avn_buf_puts(&nb->b, " ");
  avn_buf_puts(&nb->b, text);
}

/* The test of paired differences d[n] by the plan's rule. *p = NaN when no
** test ran; name gets the test's name or the reason. */
static void paired_test(rctx *c, const double *d, size_t n, double *p, char *name, size_t nn,
                        notes *nb) {
  *p = NAN;
  name[0] = 0;
  if (n < 3) {
    snprintf(name, nn, "none (n < 3)");
    note_add(nb, "No test with fewer than 3 complete pairs.");
    return;
  }
  bool use_wilcoxon = false;
  if (n > 5000) {
    note_add(nb, "Over 5000 pairs normality was not tested (Shapiro-Wilk is defined up to 5000); "
             "the paired t test was used.");
  } else {
    swilk_result sw;
    avn_rc rc = swilk_test(d, n, &sw);
    if (rc == AVN_E_DEGENERATE) {
      use_wilcoxon = true;
      note_add(nb, "Where all differences were equal, normality could not be tested and the "
               "signed-rank test was used.");
    } else if (rc == AVN_OK) {
      use_wilcoxon = sw.p < c->plan->normality_alpha;
      rctx_method(c, "swilk", "Normality of the paired differences was assessed with the "
                  "Shapiro-Wilk test (Royston 1995, AS R94); when p < %g the Wilcoxon signed-rank "
                  "test was used, otherwise the paired t test.", c->plan->normality_alpha);
    }
  }
  if (use_wilcoxon) {
    wilcoxon_result w;
    if (wilcoxon_signed_rank(d, n, 0, 0, true, 0, &w) == AVN_OK) {
      *p = w.p;
      snprintf(name, nn, "Wilcoxon signed-rank");
      rctx_method(c, "wilcoxon_signed", "The Wilcoxon signed-rank test (Wilcoxon 1945) was exact for "
                  "fewer than 50 pairs without ties or zero differences, otherwise it used the "
                  "normal approximation with continuity correction (as R's wilcox.test).");
    } else {
      snprintf(name, nn, "none (no change in any pair)");
      note_add(nb, "No test where every pair had zero change.");
    }
    return;
  }
  ttest_result t;
  if (ttest_one(d, n, 0, 0, 0.95, &t) == AVN_OK) {
    *p = t.p;
    snprintf(name, nn, "Paired t");
    rctx_method(c, "paired_t", "The paired t test compared each follow-up visit with the baseline.");
  } else {
    snprintf(name, nn, "none (constant change)");
  }
}

/* Rows of table `outcomes` and the trajectory figure for one outcome. */
static avn_rc outcome_rows(rctx *c, rsec *s, rtable *t, const odata *d, notes *nb) {
  avn_rc rc = AVN_OK;
  const sap_outcome *o = d->o;
  const int dec = o->decimals;
  double *x = avn_calloc(d->n + 1, sizeof *x), *df = avn_calloc(d->n + 1, sizeof *df);
  size_t *du = avn_calloc(d->n + 1, sizeof *du);
  int *ids = avn_calloc(d->n + 1, sizeof *ids);
  double *fx = avn_calloc(d->k + 1, sizeof *fx), *fy = avn_calloc(d->k + 1, sizeof *fy);
  double *flo = avn_calloc(d->k + 1, sizeof *flo), *fhi = avn_calloc(d->k + 1, sizeof *fhi);
  double *tx = avn_calloc(d->k + 1, sizeof *tx);
  char **tl = avn_calloc(d->k + 1, sizeof *tl);
  rfig *fig = NULL;
  avn_buf cap;
  avn_buf_init(&cap, 1u << 16);
  if (!x || !df || !du || !ids || !fx || !fy || !flo || !fhi || !tx || !tl) { rc = AVN_E_NOMEM; goto cleanup; }
  size_t nf = 0;
  const bool clustered = rctx_clustered(c);
  const size_t m = d->k > 1 ? d->k - 1 : 1;
  for (size_t j = 0; j < d->k; j++) {
    size_t n = 0, np = 0;
    for (size_t u = 0; u < d->n; u++) {
      double v = d->y[u * d->k + j];
      if (!isnan(v)) x[n++] = v;
      double b = d->y[u * d->k];
      if (j > 0 && !isnan(v) && !isnan(b)) {
        du[np] = u;
        df[np++] = rvar_snap(v - b);
      }
    }
    char cn[32], ms[CELL] = "", med[CELL] = "", chg[CELL] = "", test[CELL] = "", pc[32] = "",
         pb[32] = "", cchg[CELL] = "", cp[32] = "", cpb[32] = "";
    snprintf(cn, sizeof cn, "%zu", n);
    desc_result ds;
    if (n > 0 && desc_summary(x, n, 0.95, 7, &ds) == AVN_OK) {
      char a[48], q1[48], q3[48];
      rfmt_mean_sd(ms, sizeof ms, ds.mean, n > 1 ? ds.sd : NAN, dec);
      rfmt_num(a, sizeof a, ds.median, dec);
      rfmt_num(q1, sizeof q1, ds.q1, dec);
      rfmt_num(q3, sizeof q3, ds.q3, dec);
      snprintf(med, sizeof med, "%s (%s-%s)", a, q1, q3);
      fx[nf] = rctx_visit_months(c, d->visits[j]);
      fy[nf] = ds.mean;
      double half = n > 1 ? (c->plan->error_bars_ci ? NAN : ds.sd) : 0;
      flo[nf] = c->plan->error_bars_ci ? (n > 1 ? ds.ci_low : ds.mean) : ds.mean - half;
      fhi[nf] = c->plan->error_bars_ci ? (n > 1 ? ds.ci_high : ds.mean) : ds.mean + half;
      if (isfinite(fx[nf])) nf++;
    }
    if (j > 0) {
      double pv = NAN;
      if (np > 0) {
        ttest_result tt;
        double mean = desc_mean(df, np);
        if (np > 1 && ttest_one(df, np, 0, 0, 0.95, &tt) == AVN_OK)
          rfmt_est_ci(chg, sizeof chg, tt.estimate, tt.ci_low, tt.ci_high, 0, dec);
        else
          rfmt_est_ci(chg, sizeof chg, mean, NAN, NAN, 0, dec);
      }
      paired_test(c, df, np, &pv, test, sizeof test, nb);
      if (isfinite(pv)) {
        rfmt_p(pc, sizeof pc, pv);
        if (c->plan->bonferroni) rfmt_p(pb, sizeof pb, fmin(1.0, pv * (double)m));
      }
      if (clustered && np >= 2) {
        size_t npat = 0, both = 0;
        if ((rc = rctx_cluster_ids(c, du, np, ids, &npat, &both))) goto cleanup;
        cluster_est ce;
        avn_err ee;
        avn_err_clear(&ee);
        if (cluster_mean(df, ids, np, c->st->n_patients, 0.95, &ce, &ee) == AVN_OK) {
          rfmt_est_ci(cchg, sizeof cchg, ce.estimate, ce.ci_low, ce.ci_high, 0, dec);
          if (isfinite(ce.p)) {
            rfmt_p(cp, sizeof cp, ce.p);
            if (c->plan->bonferroni) rfmt_p(cpb, sizeof cpb, fmin(1.0, ce.p * (double)m));
          }
        } else {
          note_add(nb, "A clustered change needs complete pairs from at least 2 patients.");
        }
      }
    }
    const char *vl = rctx_visit_label(c, d->visits[j]);
    if (clustered)
      rtable_row(t, (const char *const[]){o->label, vl, cn, ms, med, cchg, cp, cpb, chg, test, pc, pb});
    else
      rtable_row(t, (const char *const[]){o->label, vl, cn, ms, med, chg, test, pc, pb});
    /* tick label: the visit's offset */
    const proto_visit *pv = protocol_find_visit(c->p, d->visits[j]);
    char tick[32];
    if (!pv || pv->at.amount == 0) snprintf(tick, sizeof tick, "0");
    else if (pv->at.unit == AVN_UNIT_MONTH) snprintf(tick, sizeof tick, "%d", pv->at.amount);
    else proto_offset_format(pv->at, tick, sizeof tick);
    tx[j] = rctx_visit_months(c, d->visits[j]);
    tl[j] = avn_strdup(tick);
    if (!tl[j]) { rc = AVN_E_NOMEM; goto cleanup; }
    avn_buf_printf(&cap, "%s%s n = %zu", j ? ", " : "", rctx_visit_label(c, d->visits[j]), n);
  }
  if (nf == 0) goto cleanup;
  fig = rfig_lines("Months from day 0", o->label);
  if (!fig) { rc = AVN_E_NOMEM; goto cleanup; }
  rfig_xticks(fig, d->k, tx, (const char *const *)tl);
  rfig_series(fig, o->label, nf, fx, fy, flo, fhi);
  {
    char id[160], text[1024];
    snprintf(id, sizeof id, "trajectory_%s", o->name);
    snprintf(text, sizeof text, "%s: mean with %s at each visit; n per visit: %s.",
             o->label, c->plan->error_bars_ci ? "the 95% confidence interval of the mean"
                                             : "\xc2\xb1 1 standard deviation",
             avn_buf_str(&cap) ? avn_buf_str(&cap) : "");
    rsec_figure(s, id, text, fig);
    fig = NULL;
  }
cleanup:
  rfig_free(fig);
  avn_buf_free(&cap);
  if (tl)
    for (size_t j = 0; j < d->k; j++) avn_free(tl[j]);
  avn_free(tl);
  avn_free(tx);
  avn_free(x);
  avn_free(df);
  avn_free(du);
  avn_free(ids);
  avn_free(fx);
  avn_free(fy);
  avn_free(flo);
  avn_free(fhi);
  return rc;
}

/* lme4's isSingular() rule: a relative SD (theta) below 1e-4 is a
** variance estimated at 0. */
#define THETA_ZERO 1e-4

/* The methods sentence of one outcome's models, from what ran: the visits
** and values used, the complete cases, the random effects actually fitted
** (a variance estimated at 0 is said, with the model it leaves). */
static avn_rc model_method(notes *nb, const rctx *c, const odata *d, size_t nc, bool have_ra, size_t N, size_t nu,
                           size_t ns, bool nested, const mixed_result *mr, const char *why, const char *un) {
  avn_buf b;
  avn_buf_init(&b, 1u << 14);
  avn_rc rc = avn_buf_puts(&b, "the plan's visits ");
  for (size_t j = 0; !rc && j < d->k; j++)
    rc = avn_buf_printf(&b, "%s%s", j == 0 ? "" : j + 1 == d->k ? " and " : ", ", rctx_visit_label(c, d->visits[j]));
  if (!rc)
    rc = avn_buf_printf(&b, " (%zu of the %zu values recorded at any visit%s).", N, d->stored,
                        N < d->stored ? "; values at other visits are not in the models" : "");
  if (!rc)
    rc = have_ra ? avn_buf_printf(&b, " Repeated-measures ANOVA on the %zu %s with all %zu visits.", nc, un, d->k)
                 : avn_buf_printf(&b, " No repeated-measures ANOVA (%zu complete %s for %zu visits).", nc, un, d->k);
  if (!rc && !mr) rc = avn_buf_printf(&b, " No mixed model (%s).", why);
  if (!rc && mr) {
    const char *one = !strcmp(un, "hips") ? "hip" : "patient";
    rc = avn_buf_printf(&b, " Mixed model on %zu values of %zu %s", N, nu, un);
    if (!rc && nested) rc = avn_buf_printf(&b, " of %zu patients", ns);
    if (!rc && nested) {
      bool p0 = mr->theta[0] < THETA_ZERO, h0 = mr->theta[1] < THETA_ZERO;
      rc = avn_buf_printf(&b, ", random intercepts for patient and for hip within patient%s",
                          p0 && h0 ? ": both variances were estimated at 0, so the fit is that of independent values"
                          : p0 ? ": the patient variance was estimated at 0, so the fit is a random intercept per hip"
                          : h0 ? ": the hip-within-patient variance was estimated at 0, so the fit is a random "
                                 "intercept per patient"
                               : "");
    } else if (!rc) {
      rc = avn_buf_printf(&b, ", a random intercept per %s%s", one,
                          mr->theta[0] < THETA_ZERO ? ": its variance was estimated at 0, so the fit is that of "
                                                      "independent values" : "");
    }
    if (!rc) rc = avn_buf_puts(&b, ".");
  }
  if (!rc) rc = note_model(nb, d->o->label, avn_buf_str(&b));
  avn_buf_free(&b);
  return rc;
}

/* RM-ANOVA (complete cases) and the mixed model (all data) for one outcome. */
static avn_rc model_rows_core(rctx *c, rtable *t, const odata *d, notes *nb) {
  avn_rc rc = AVN_OK;
  const sap_outcome *o = d->o;
  const size_t k = d->k;
  double *w = NULL, *X = NULL, *yy = NULL;
  size_t *subj = NULL, *unit = NULL, *pmap = NULL, *umap = NULL, *phips = NULL;
  rmanova_result ra;
  mixed_result mr;
  bool have_ra = false, have_mr = false, nested = false;
  char mwhy[512] = "not computed";
  size_t nc = 0, N = 0, ns = 0, nu = 0;   /* for the methods sentence, also on early exits */
  const char *un = c->per_hip && !d->per_patient ? "hips" : "patients";
  memset(&ra, 0, sizeof ra);
  memset(&mr, 0, sizeof mr);
  if (k < 2) {
    note_add(nb, "Models need at least two visits.");
    return AVN_OK;
  }
  /* complete cases */
  w = avn_calloc(d->n * k + 1, sizeof *w);
  if (!w) { rc = AVN_E_NOMEM; goto cleanup; }
  for (size_t u = 0; u < d->n; u++) {
    bool all = true;
    for (size_t j = 0; j < k; j++) all = all && !isnan(d->y[u * k + j]);
    if (!all) continue;
    memcpy(&w[nc * k], &d->y[u * k], k * sizeof *w);
    nc++;
  }
  char n1[CELL], est[CELL] = "", se[48] = "", dfs[96] = "", stat[96] = "", eps[48] = "", pc[32] = "";
  snprintf(n1, sizeof n1, "%zu %s (complete cases)", nc, un);
  /* nc >= k: the (k-1)-dimensional contrast covariance behind the
  ** Greenhouse-Geisser epsilon needs at least k complete cases to be of full
  ** rank; with fewer, the sphericity correction is not estimable. */
  if (nc >= 2 && nc >= k) {
    avn_err err;
    avn_err_clear(&err);
    avn_rc r2 = rmanova_fit(w, nc, k, o->name, &err, &ra);
    if (r2 == AVN_E_NOMEM) { rc = r2; goto cleanup; }
    if (r2 == AVN_OK) {
      have_ra = true;
      char a[32], b[32];
      rfmt_num(a, sizeof a, ra.gg_epsilon * ra.df1, 2);
      rfmt_num(b, sizeof b, ra.gg_epsilon * ra.df2, 2);
      snprintf(dfs, sizeof dfs, "%s, %s", a, b);
      rfmt_num(a, sizeof a, ra.f, 2);
      snprintf(stat, sizeof stat, "F = %s", a);
      rfmt_num(eps, sizeof eps, ra.gg_epsilon, 3);
      rfmt_p(pc, sizeof pc, ra.p_gg);
      rctx_method(c, "rmanova", "Repeated-measures ANOVA over each outcome's analysed visits (listed "
                  "below) used complete cases, with the Greenhouse-Geisser correction for non-sphericity "
                  "(Greenhouse & Geisser 1959).");
    } else {
      char why[1024];
      snprintf(why, sizeof why, "RM-ANOVA not computed for %s: %s.", o->label, err.rule);
      note_add(nb, why);
    }
  } else {
    char why[1024];
    snprintf(why, sizeof why, "RM-ANOVA not computed for %s: %zu complete case%s for %zu visits (the "
             "sphericity correction needs at least as many complete cases as visits).", o->label, nc,
             nc == 1 ? "" : "s", k);
    note_add(nb, why);
  }
  rtable_row(t, (const char *const[]){o->label, "Repeated-measures ANOVA", n1, "Visit (GG-corrected)",
                                      est, se, dfs, stat, eps, pc});

  /* mixed model on all values */
  for (size_t i = 0; i < d->n * k; i++) N += !isnan(d->y[i]);
  X = avn_calloc(N * k + 1, sizeof *X);
  yy = avn_calloc(N + 1, sizeof *yy);
  subj = avn_calloc(N + 1, sizeof *subj);
  unit = avn_calloc(N + 1, sizeof *unit);
  pmap = avn_calloc(c->st->n_patients + 1, sizeof *pmap);
  umap = avn_calloc(d->n + 1, sizeof *umap);
  phips = avn_calloc(c->st->n_patients + 1, sizeof *phips);
  if (!X || !yy || !subj || !unit || !pmap || !umap || !phips) { rc = AVN_E_NOMEM; goto cleanup; }
  size_t r = 0;
  for (size_t i = 0; i <= c->st->n_patients; i++) pmap[i] = SIZE_MAX;
  for (size_t u = 0; u < d->n; u++) {
    umap[u] = SIZE_MAX;
    for (size_t j = 0; j < k; j++) {
      double v = d->y[u * k + j];
      if (isnan(v)) continue;
      size_t pt = c->units[u].patient;
      if (pmap[pt] == SIZE_MAX) pmap[pt] = ns++;
      if (umap[u] == SIZE_MAX) {
        umap[u] = nu++;
        phips[pt]++;
      }
      X[r * k] = 1;
      if (j > 0) X[r * k + j] = 1;
      yy[r] = v;
      subj[r] = pmap[pt];
      unit[r] = umap[u];
      r++;
    }
  }
  if (c->per_hip && !d->per_patient)
    for (size_t i = 0; i < c->st->n_patients; i++) nested = nested || phips[i] > 1;
  char nm[CELL];
  if (nested) snprintf(nm, sizeof nm, "%zu values, %zu hips, %zu patients", N, nu, ns);
  else snprintf(nm, sizeof nm, "%zu values, %zu %s", N, nu, un);
  /* every visit needs a value, or its column is zero (rank deficient) */
  bool cols = true;
  for (size_t j = 1; j < k; j++) {
    bool any = false;
    for (size_t i = 0; i < N && !any; i++) any = X[i * k + j] != 0;
    cols = cols && any;
  }
  avn_err err;
  avn_err_clear(&err);
  avn_rc r3 = AVN_E_DEGENERATE;
  if (cols && ns >= 2) {
    r3 = mixed_fit(X, yy, N, k, subj, ns, nested ? unit : NULL, nested ? nu : 0, 1, 0.95, o->name,
                   &err, &mr);
    if (r3 == AVN_E_NOMEM) { rc = r3; goto cleanup; }
    have_mr = r3 == AVN_OK;
  }
  if (!have_mr) {
    char why[1024];
    snprintf(mwhy, sizeof mwhy, "%s", !cols ? "a visit has no value" : ns < 2 ? "fewer than 2 patients with values"
                                                                              : err.rule);
    snprintf(why, sizeof why, "Mixed model not computed for %s: %s.", o->label, mwhy);
    note_add(nb, why);
    rtable_row(t, (const char *const[]){o->label, "Linear mixed model", nm, "", "", "", "", "", "", ""});
    goto cleanup;
  }
  rctx_method(c, "mixed",
              "The linear mixed model used every value at each outcome's analysed visits (visit as a fixed "
              "factor against the baseline; its random intercepts per outcome below), fitted by REML (Laird & "
              "Ware 1982; Patterson & Thompson 1971), with Satterthwaite degrees of freedom for the visit "
              "effects (Kuznetsova et al. 2017).");
  if (!mr.converged) note_add(nb, "A mixed model's optimiser did not report convergence; read its "
                              "estimates with care.");
  for (size_t j = 1; j < k; j++) {
    char term[CELL], a[48], sdf[48];
    snprintf(term, sizeof term, "%s vs %s", rctx_visit_label(c, d->visits[j]),
             rctx_visit_label(c, d->visits[0]));
    rfmt_est_ci(est, sizeof est, mr.beta[j], mr.ci_low[j], mr.ci_high[j], 0, o->decimals);
    rfmt_num(se, sizeof se, mr.se[j], o->decimals + 1);
    rfmt_num(sdf, sizeof sdf, mr.df[j], 1);
    rfmt_num(a, sizeof a, mr.t[j], 2);
    snprintf(stat, sizeof stat, "t = %s", a);
    rfmt_p(pc, sizeof pc, mr.pval[j]);
    rtable_row(t, (const char *const[]){o->label, "Linear mixed model", nm, term, est, se, sdf, stat,
                                        "", pc});
  }
cleanup:
  if (rc == AVN_OK)
    rc = model_method(nb, c, d, nc, have_ra, N, nu, ns, nested, have_mr ? &mr : NULL,
                      mwhy, un);
  if (have_ra) rmanova_result_free(&ra);
  if (have_mr) mixed_result_free(&mr);
  avn_free(w);
  avn_free(X);
  avn_free(yy);
  avn_free(subj);
  avn_free(unit);
  avn_free(pmap);
  avn_free(umap);
  avn_free(phips);
  return rc;
}

/* The models over the visits that have at least one value (an interim
** report has empty later visits; a visit without values would make every
** case incomplete and the mixed model's design rank-deficient). */
static avn_rc model_rows(rctx *c, rtable *t, const odata *d, notes *nb) {
  avn_rc rc = AVN_OK;
  odata r = *d;
  char **vis = avn_calloc(d->k + 1, sizeof *vis);
  size_t *keep = avn_calloc(d->k + 1, sizeof *keep);
  avn_buf left;
  avn_buf_init(&left, 1u << 16);
  r.y = NULL;
  if (!vis || !keep) { rc = AVN_E_NOMEM; goto cleanup; }
  size_t kk = 0;
  for (size_t j = 0; j < d->k; j++) {
    bool any = false;
    for (size_t u = 0; u < d->n && !any; u++) any = !isnan(d->y[u * d->k + j]);
    if (any) keep[kk++] = j;
    else avn_buf_printf(&left, "%s%s", left.len ? ", " : "", rctx_visit_label(c, d->visits[j]));
  }
  if (kk == d->k) {
    rc = model_rows_core(c, t, d, nb);
    goto cleanup;
  }
  if (kk < 2 || keep[0] != 0) {
    char why[1024];
    snprintf(why, sizeof why, "Models not computed for %s: %s.", d->o->label,
             keep[0] != 0 || kk == 0 ? "no baseline value" : "values at one visit only");
    note_add(nb, why);
    goto cleanup;
  }
  r.y = avn_calloc(d->n * kk + 1, sizeof *r.y);
  if (!r.y) { rc = AVN_E_NOMEM; goto cleanup; }
  for (size_t j = 0; j < kk; j++) vis[j] = d->visits[keep[j]];
  for (size_t u = 0; u < d->n; u++)
    for (size_t j = 0; j < kk; j++) r.y[u * kk + j] = d->y[u * d->k + keep[j]];
  r.visits = vis;
  r.k = kk;
  {
    char why[1024];
    snprintf(why, sizeof why, "%s: visits without any value (%s) are left out of the models.",
             d->o->label, avn_buf_str(&left) ? avn_buf_str(&left) : "");
    note_add(nb, why);
  }
  rc = model_rows_core(c, t, &r, nb);
cleanup:
  avn_free(r.y);
  avn_free(vis);
  avn_free(keep);
  avn_buf_free(&left);
  return rc;
}

avn_rc sec_outcomes(rctx *c, avn_err *e) {
  (void)e;
  avn_rc rc = AVN_OK;
  odata *ds = NULL;
  notes n1, n2;
  memset(&n1, 0, sizeof n1);
  memset(&n2, 0, sizeof n2);
  avn_buf_init(&n1.b, 1u << 16);
  avn_buf_init(&n2.b, 1u << 16);
  rsec *s = rdoc_section(c->doc, "outcomes", "Outcomes over time");
  if (!s) return AVN_OK;
  const sap *plan = c->plan;
  if (plan->n_outcomes == 0) {
    rsec_missing(s, "the analysis plan names no outcome and the protocol collects none of HHS, VAS, "
                 "WOMAC or SF-36");
    goto cleanup;
  }
  if (c->n_units == 0) {
    rsec_missing(s, "no patient enrolled: no outcome data");
    goto cleanup;
  }
  ds = avn_calloc(plan->n_outcomes, sizeof *ds);
  if (!ds) { rc = AVN_E_NOMEM; goto cleanup; }
  size_t with_data = 0;
  for (size_t i = 0; i < plan->n_outcomes; i++) {
    rc = odata_read(c, &plan->outcomes[i], &ds[i]);
    if (rc) goto cleanup;
    size_t nv = 0;
    for (size_t q = 0; q < ds[i].n * ds[i].k; q++) nv += !isnan(ds[i].y[q]);
    if (nv == 0) {
      rsec_missing(s, "%s: no value recorded at any planned visit", plan->outcomes[i].label);
      avn_free(ds[i].y);
      ds[i].y = NULL;
    } else {
      with_data++;
    }
  }
  if (with_data == 0) goto cleanup;
  if (plan->defaulted)
    rsec_para(s, "The protocol has no analysis plan: avn's default plan was used (every HHS, VAS, "
              "WOMAC and SF-36 summary the protocol collects, at the visits that collect it).");
  char cap[256];
  const bool clustered = rctx_clustered(c);
  snprintf(cap, sizeof cap, "Outcomes by visit, per %s: change from baseline on complete pairs%s",
           c->per_hip ? "hip" : "patient", clustered ? ", patients as clusters" : "");
  rtable *t = clustered
      ? rsec_table(s, "outcomes", cap, 12,
                   (const char *const[]){"Outcome", "Visit", "n", "Mean \xc2\xb1 SD", "Median (IQR)",
                                         "Change from baseline (95% CI), clustered", "p, clustered",
                                         "p (Bonferroni), clustered",
                                         "Change from baseline (95% CI), hips independent",
                                         "Test, hips independent", "p, hips independent",
                                         "p (Bonferroni), hips independent"})
      : rsec_table(s, "outcomes", cap, 9,
                   (const char *const[]){"Outcome", "Visit", "n", "Mean \xc2\xb1 SD",
                                         "Median (IQR)", "Change from baseline (95% CI)",
                                         "Test", "p", "p (Bonferroni)"});
  for (size_t i = 0; i < plan->n_outcomes; i++) {
    if (!ds[i].y) continue;
    rc = outcome_rows(c, s, t, &ds[i], &n1);
    if (rc) goto cleanup;
  }
  bool any_pp = false;
  for (size_t i = 0; i < plan->n_outcomes; i++) any_pp = any_pp || (ds[i].y && ds[i].per_patient);
  if (any_pp) note_add(&n1, "Patient-level questionnaires (e.g. SF-36) count each patient once.");
  if (clustered) {
    size_t npat = 0, both = 0;
    int *ids = avn_calloc(c->n_units + 1, sizeof *ids);
    if (!ids) { rc = AVN_E_NOMEM; goto cleanup; }
    rc = rctx_cluster_ids(c, NULL, c->n_units, ids, &npat, &both);
    avn_free(ids);
    if (rc) goto cleanup;
    char ph[160];
    rctx_cluster_phrase(ph, sizeof ph, c->n_units, npat, both);
    rtable_note(t, "Accounts for the patient (%s): the clustered change is the mean paired difference with a "
                "cluster-robust (linearised) standard error counting each patient once, its t interval and "
                "two-sided t test on patients - 1 df (as R's survey::svymean with ids = ~patient). The "
                "columns marked 'hips independent' treat every hip as an independent unit and are shown for "
                "comparison only.", ph);
    rctx_method(c, "outcome_clustered", "Because some patients contributed both hips, changes from baseline "
                "were estimated with patient-clustered (cluster-robust, linearised) standard errors and tested "
                "with t on the number of patients minus one degrees of freedom (Lumley 2010, R survey); the "
                "hip-level paired tests are shown beside them for comparison only.");
  }
  rtable_note(t, "IQR: interquartile range (R type 7 quantiles). Change: mean of the paired "
              "differences visit - baseline with the paired t 95%% CI. Test chosen per visit: "
              "Shapiro-Wilk on the differences, p < %g -> Wilcoxon signed-rank, else paired t. %s %s",
              plan->normality_alpha,
              plan->bonferroni ? "Bonferroni: p x the number of follow-up visits of the outcome, "
                                 "at most 1." : "No adjustment for multiple visits was planned.",
              avn_buf_str(&n1.b) ? avn_buf_str(&n1.b) : "");
  if (plan->bonferroni)
    rctx_method(c, "bonferroni", "p-values were Bonferroni-adjusted over the follow-up visits of each "
                "outcome.");
  rctx_method(c, "outcome_desc", "Outcomes are summarised per visit as mean \xc2\xb1 SD and median "
              "(IQR); changes from baseline are given with 95%% confidence intervals from the paired "
              "t distribution.");

  rtable *m = rsec_table(s, "outcome_models", "Repeated-measures ANOVA (complete cases) and linear "
                         "mixed model (all available values) by outcome", 10,
                         (const char *const[]){"Outcome", "Model", "n", "Term", "Estimate (95% CI)",
                                               "SE", "df", "Statistic", "GG \xce\xb5", "p"});
  for (size_t i = 0; i < plan->n_outcomes; i++) {
    if (!ds[i].y) continue;
    rc = model_rows(c, m, &ds[i], &n2);
    if (rc) goto cleanup;
  }
  if ((rc = notes_models_flush(c, &n2))) goto cleanup;
  rtable_note(m, "RM-ANOVA: F test of visit on the complete cases with Greenhouse-Geisser corrected "
              "df (GG \xce\xb5). Mixed model: REML, visit effects against baseline with Satterthwaite "
              "df; units with missing visits still contribute their available values. %s%s",
              clustered ? "Accounts for the patient: only the mixed model, whose random intercepts for "
                          "patient and for hip within patient carry the correlation of a patient's hips "
                          "(patient-level questionnaires count each patient once); the RM-ANOVA treats each "
                          "hip as an independent subject. " : "",
              avn_buf_str(&n2.b) ? avn_buf_str(&n2.b) : "");
cleanup:
  if (ds)
    for (size_t i = 0; i < plan->n_outcomes; i++) avn_free(ds[i].y);
  avn_free(ds);
  notes_free(&n1);
  notes_free(&n2);
  return rc;
}
