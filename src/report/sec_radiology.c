/*
** sec_radiology.c: report section 6, the radiological outcome of each hip
** from its MRI reads (the `mri` form: the consensus read, else the first
** reader's), and the agreement between readers.
**
** Rules (report_common.md, with the plan's radiology thresholds):
**   - a hip's baseline read is its mri form at the plan's baseline visit;
**     its last read is the mri form at the latest later protocol visit
**     that has one. Progressed: the derived stage number (mri result
**     steinberg_stage; ficat or arco when the protocol stages so) is higher
**     than at baseline, or depression_mm rose by more than
**     radio_progression_mm (both reads must give it), or the hip was
**     converted to THA (a tha form) when radio_conversion_progressed.
**     Improved: not progressed and head_involved_pct fell by at least
**     radio_improved_reduction_pct percent of its baseline value (compared
**     as 100 (b - l) >= r b, so a fall of exactly r % counts). Stable:
**     otherwise. No baseline or no later read, and not converted (or
**     conversions not counted): not assessable, counted apart.
**   - tables radiology_by_stage and radiology_by_etiology: Stage | n |
**     Improved | Stable | Progressed | THA over assessable hips (THA is a
**     plain count of converted hips; they are also among Progressed when
**     conversions count as progression), with the test of stage (etiology)
**     against outcome: Pearson's chi-square, or Fisher's exact test when
**     an expected count is below 5 (the usual rule; ctable.h; levels with
**     no hips are dropped first). When a patient contributes both hips,
**     a note adds the Rao-Scott second-order test with patients as
**     clusters (cluster_chisq, as survey::svychisq) and labels the first
**     test as treating hips as independent.
**   - table edema: hips with bme = yes at baseline and bme = no on the MRI
**     of the 6- and 12-month visits, over all hips with a baseline MRI.
**   - table lesion_change: 100 (b - l) / b of head_involved_pct per hip
**     (b > 0), mean ± SD by stage.
**   - table reader_agreement: pairs of reads of the same hip and visit by
**     two readers (each read its reader's instance in the store, entry 1:
**     every other reader's read paired with the first reader's; the
**     consensus read is not a reader's); Cohen's kappa
**     on the reader's stage (steinberg_reader / ficat_reader /
**     arco_reader as the protocol stages; sub-stages pooled by the code's
**     value, IIA = II). The pairs are repeated reads of hips of patients,
**     so the 95% CI is a patient bootstrap (agree_kappa_boot, 2000
**     replicates, fixed seed); the Fleiss-Cohen-Everitt CI and p (agree.h)
**     stay beside it, labelled "pairs independent".
**   - the methods name the readers of the reads the outcome used (the
**     consensus read where there is one, else the first reader's:
**     store_find_form), and describe the rule only when an outcome was
**     classified.
**     Double entry by the same reader is a data-entry check, not a second
**     read, and is said so.
**
** Costs: per unit a fixed number of O(log n) form lookups and scorings,
** one pass over the forms for the second reads. Arrays are freed at the
** single exit.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "report/rctx.h"
#include "stats/agree.h"
#include "stats/cluster.h"
#include "stats/ctable.h"
#include "stats/desc.h"

/* "p = 0.034" or "p < 0.001" for running text. */
static void p_phrase(char *out, size_t n, double p) {
  char b[16];
  rfmt_p(b, sizeof b, p);
  snprintf(out, n, "p %s %s", b[0] == '<' ? "<" : "=", b[0] == '<' ? b + 1 : b);
}

enum { OUT_NA_NOBASE = -2, OUT_NA_NOLATER = -1, OUT_IMPROVED = 0, OUT_STABLE, OUT_PROGRESSED };

#define MAX_GROUPS 32
#define LABEL_LEN 80

typedef struct hipout {
  int outcome;        /* OUT_* */
  bool converted;
  bool has_base, has_later;
  const char *last;   /* the visit of the last read, NULL when none */
  double change_pct;  /* lesion size reduction, NAN when not computable */
  int stage_group;    /* row of the stage table, -1 unknown */
  int etio_group;     /* row of the etiology table, -1 unknown */
} hipout;

typedef struct groups {
  size_t n;
  char label[MAX_GROUPS][LABEL_LEN];
  double order[MAX_GROUPS];
} groups;

static const char *baseline_visit(const rctx *c) {
  if (c->plan->n_visits > 0) return c->plan->visits[0];
  return c->p->n_visits > 0 ? c->p->visits[0].name : NULL;
}

/* The unit's mri form at a visit (entry 1), as rctx reads hip-level forms. */
static const store_form *unit_mri(const rctx *c, size_t u, const char *visit) {
  const runit *un = &c->units[u];
  if (un->side != SIDE_PATIENT) return store_find_form(c->st, un->patient, visit, inst_role_form(INST_ROLE_IMAGING), un->side, 1);
  const store_form *f = store_find_form(c->st, un->patient, visit, inst_role_form(INST_ROLE_IMAGING), SIDE_LEFT, 1);
  return f ? f : store_find_form(c->st, un->patient, visit, inst_role_form(INST_ROLE_IMAGING), SIDE_RIGHT, 1);
}

static const inst_value *form_value(const store_form *f, const char *item) {
  for (size_t i = 0; i < f->n_values; i++)
    if (f->values[i].item && !strcmp(f->values[i].item, item)) return f->values[i].missing ? NULL : &f->values[i];
  return NULL;
}

/* The derived stage result and the reader's stage item for the protocol. */
static const char *stage_result(const protocol *p) {
  if (p->staging && !strcmp(p->staging, "ficat")) return "ficat";
  if (p->staging && !strcmp(p->staging, "arco")) return "arco";
  return "steinberg_stage";
}

static const char *reader_item(const protocol *p) {
  if (p->staging && !strcmp(p->staging, "ficat")) return "ficat_reader";
  if (p->staging && !strcmp(p->staging, "arco")) return "arco_reader";
  return "steinberg_reader";
}

static const char *staging_name(const protocol *p) {
  if (p->staging && !strcmp(p->staging, "ficat")) return "Ficat-Arlet";
  if (p->staging && !strcmp(p->staging, "arco")) return "ARCO";
  return "Steinberg";
}

static int groups_add(groups *g, const char *label, double order) {
  for (size_t i = 0; i < g->n; i++)
    if (!strcmp(g->label[i], label)) return (int)i;
  if (g->n == MAX_GROUPS) return -1;
  snprintf(g->label[g->n], LABEL_LEN, "%s", label);
  g->order[g->n] = order;
  return (int)g->n++;
}

/* Row order of the groups: by order, then label; rank[g] is the row. */
static void groups_rank(const groups *g, size_t *row_of /* OUT: [n] group in row order */) {
  for (size_t i = 0; i < g->n; i++) row_of[i] = i;
  for (size_t i = 1; i < g->n; i++) {
    size_t v = row_of[i], j = i;
    while (j > 0 && (g->order[row_of[j - 1]] > g->order[v] ||
                     (g->order[row_of[j - 1]] == g->order[v] && strcmp(g->label[row_of[j - 1]], g->label[v]) > 0))) {
      row_of[j] = row_of[j - 1];
      j--;
    }
    row_of[j] = v;
  }
}

/* Classifies unit u. */
static void classify(const rctx *c, size_t u, const char *base, size_t base_idx, hipout *h) {
  const sap *plan = c->plan;
  const char *sr = stage_result(c->p);
  const char *last = NULL;
  h->converted = rctx_find_any(c, u, inst_role_form(INST_ROLE_CONVERSION), NULL) != NULL;
  h->has_base = base && unit_mri(c, u, base) != NULL;
  for (size_t v = base_idx + 1; v < c->p->n_visits; v++)
    if (unit_mri(c, u, c->p->visits[v].name)) last = c->p->visits[v].name;
  h->has_later = last != NULL;
  h->last = last;
  h->change_pct = NAN;
  bool conv_prog = h->converted && plan->radio_conversion_progressed;
  if (!conv_prog && (!h->has_base || !h->has_later)) {
    h->outcome = h->has_base ? OUT_NA_NOLATER : OUT_NA_NOBASE;
    return;
  }
  bool progressed = conv_prog, improved = false;
  double b = 0, l = 0;
  if (h->has_base && h->has_later) {
    if (rctx_num(c, u, base, inst_role_form(INST_ROLE_IMAGING), sr, &b) && rctx_num(c, u, last, inst_role_form(INST_ROLE_IMAGING), sr, &l) && l > b) progressed = true;
    if (rctx_num(c, u, base, inst_role_form(INST_ROLE_IMAGING), "depression_mm", &b) && rctx_num(c, u, last, inst_role_form(INST_ROLE_IMAGING), "depression_mm", &l) &&
        l - b > plan->radio_progression_mm)
      progressed = true;
    if (rctx_num(c, u, base, inst_role_form(INST_ROLE_IMAGING), "head_involved_pct", &b) && rctx_num(c, u, last, inst_role_form(INST_ROLE_IMAGING), "head_involved_pct", &l) &&
        b > 0) {
      double r = plan->radio_improved_reduction_pct;
      h->change_pct = 100.0 * (b - l) / b;
      improved = 100.0 * (b - l) >= r * b - 1e-9 * fabs(r * b);
    }
  }
  h->outcome = progressed ? OUT_PROGRESSED : improved ? OUT_IMPROVED : OUT_STABLE;
}

/* Chi-square or Fisher between the groups (rows) and the three outcomes,
** as a table note. counts[g*3 + o]. */
static avn_rc outcome_test(rctx *c, rtable *tb, const double *counts, size_t ng, const char *what) {
  double m[MAX_GROUPS * 3];
  size_t rows = 0, cols = 0;
  bool colkeep[3] = {false, false, false};
  for (size_t o = 0; o < 3; o++)
    for (size_t g = 0; g < ng; g++)
      if (counts[g * 3 + o] > 0) colkeep[o] = true;
  for (size_t o = 0; o < 3; o++) cols += colkeep[o];
  for (size_t g = 0; g < ng; g++) {
    double t = counts[g * 3] + counts[g * 3 + 1] + counts[g * 3 + 2];
    if (t <= 0) continue;
    size_t k = 0;
    for (size_t o = 0; o < 3; o++)
      if (colkeep[o]) m[rows * cols + k++] = counts[g * 3 + o];
    rows++;
  }
  if (rows < 2 || cols < 2) {
    rtable_note(tb, "No test of %s against outcome: %s.", what,
                rows < 2 ? "fewer than two groups have assessable hips" : "every assessable hip has the same outcome");
    return AVN_OK;
  }
  ctable_chisq ch;
  memset(&ch, 0, sizeof ch);
  avn_rc rc = ctable_chisq_test(m, rows, cols, true, &ch);
  if (rc == AVN_E_NOMEM) return rc;
  if (rc) {
    rtable_note(tb, "No test of %s against outcome (%s).", what, avn_strerror(rc));
    return AVN_OK;
  }
  double minexp = ch.min_expected;
  avn_free(ch.expected);
  char pv[32];
  if (minexp < 5) {
    ctable_fisher fi;
    rc = ctable_fisher_test(m, rows, cols, 0, 0.95, &fi);
    if (rc == AVN_E_NOMEM) return rc;
    if (!rc) {
      p_phrase(pv, sizeof pv, fi.p);
      rtable_note(tb, "%s against outcome (%zu x %zu, groups and outcomes without hips left out): Fisher's exact "
                      "test (an expected count is below 5: smallest %.2f), %s.",
                  what, rows, cols, minexp, pv);
      rctx_method(c, "radiology_fisher",
                  "Radiological outcome was compared between groups with Fisher's exact test when an expected "
                  "count was below 5, otherwise with Pearson's chi-square test.");
      return AVN_OK;
    }
    rc = AVN_OK;
    p_phrase(pv, sizeof pv, ch.p);
    rtable_note(tb, "%s against outcome: Pearson's chi-square %.2f on %.0f df, %s (an expected count is below "
                    "5, but the table is too large for Fisher's exact test: read with care).",
                what, ch.statistic, ch.df, pv);
  } else {
    p_phrase(pv, sizeof pv, ch.p);
    rtable_note(tb, "%s against outcome (%zu x %zu): Pearson's chi-square %.2f on %.0f df%s, %s.", what, rows, cols,
                ch.statistic, ch.df, ch.yates ? " with Yates' correction" : "", pv);
  }
  rctx_method(c, "radiology_chisq",
              "Radiological outcome was compared between groups with Pearson's chi-square test, or Fisher's exact "
              "test when an expected count was below 5.");
  return AVN_OK;
}

/* The Rao-Scott test of group against outcome with patients as clusters,
** as a table note beside the hip-level test. */
static avn_rc clustered_test(rctx *c, rtable *tb, const hipout *h, size_t nh, bool by_stage, size_t ngroups,
                             const char *what) {
  avn_rc rc = AVN_OK;
  size_t *units = avn_calloc(nh + 1, sizeof *units);
  int *a = avn_calloc(nh + 1, sizeof *a), *b = avn_calloc(nh + 1, sizeof *b), *ids = avn_calloc(nh + 1, sizeof *ids);
  if (!units || !a || !b || !ids) { rc = AVN_E_NOMEM; goto cleanup; }
  size_t m = 0, npat = 0, both = 0;
  for (size_t i = 0; i < nh; i++) {
    int gi = by_stage ? h[i].stage_group : h[i].etio_group;
    if (gi < 0 || h[i].outcome < 0) continue;
    units[m] = i;
    a[m] = gi;
    b[m++] = h[i].outcome;
  }
  if ((rc = rctx_cluster_ids(c, units, m, ids, &npat, &both))) goto cleanup;
  char ph[160], pv[32];
  rctx_cluster_phrase(ph, sizeof ph, m, npat, both);
  cluster_chisq_result r;
  avn_err e;
  avn_err_clear(&e);
  avn_rc r2 = cluster_chisq(a, ngroups, b, 3, ids, m, c->st->n_patients, &r, &e);
  if (r2 == AVN_E_NOMEM) { rc = r2; goto cleanup; }
  if (r2) {
    rtable_note(tb, "No patient-clustered test of %s against outcome (%s): %s.", what, ph, e.rule);
    goto cleanup;
  }
  p_phrase(pv, sizeof pv, r.p);
  rtable_note(tb, "Accounting for the patient (%s): Rao-Scott second-order corrected chi-square (as R's "
                  "survey::svychisq with ids = ~patient), F = %.2f on %.2f and %.2f df, %s. The test above treats "
                  "hips as independent.", ph, r.f, r.df1, r.df2, pv);
  rctx_method(c, "radiology_raoscott",
              "Because some patients contributed both hips, the radiological outcome was also compared between "
              "groups with the Rao-Scott second-order corrected chi-square test with patients as clusters (Rao & "
              "Scott 1984; R survey's svychisq).");
cleanup:
  avn_free(units);
  avn_free(a);
  avn_free(b);
  avn_free(ids);
  return rc;
}

/* One outcome table (by stage or by etiology). */
static avn_rc outcome_table(rctx *c, rsec *s, const char *id, const char *caption, const char *first,
                            const char *what, const groups *g, const hipout *h, size_t nh, bool by_stage) {
  size_t cnt[MAX_GROUPS + 1][5];   /* n, improved, stable, progressed, tha; last row: unknown */
  size_t na[MAX_GROUPS + 1];
  double m[MAX_GROUPS * 3];
  size_t row_of[MAX_GROUPS];
  memset(cnt, 0, sizeof cnt);
  memset(na, 0, sizeof na);
  for (size_t i = 0; i < nh; i++) {
    int gi = by_stage ? h[i].stage_group : h[i].etio_group;
    size_t r = gi < 0 ? MAX_GROUPS : (size_t)gi;
    if (h[i].converted) cnt[r][4]++;
    if (h[i].outcome < 0) {
      na[r]++;
      continue;
    }
    cnt[r][0]++;
    cnt[r][1 + h[i].outcome]++;
  }
  const char *hdr[] = {first, "n", "Improved", "Stable", "Progressed", "THA"};
  rtable *tb = rsec_table(s, id, caption, 6, hdr);
  groups_rank(g, row_of);
  size_t ng = 0;
  for (size_t k = 0; k <= g->n; k++) {
    size_t r = k < g->n ? row_of[k] : MAX_GROUPS;
    if (cnt[r][0] == 0 && cnt[r][4] == 0 && na[r] == 0) continue;
    char n[32], a[48], b[48], d[48], t[32];
    snprintf(n, sizeof n, "%zu", cnt[r][0]);
    rfmt_pct(a, sizeof a, cnt[r][1], cnt[r][0]);
    rfmt_pct(b, sizeof b, cnt[r][2], cnt[r][0]);
    rfmt_pct(d, sizeof d, cnt[r][3], cnt[r][0]);
    snprintf(t, sizeof t, "%zu", cnt[r][4]);
    const char *cells[] = {k < g->n ? g->label[r] : "Not recorded", n, a, b, d, t};
    rtable_row(tb, cells);
    if (k < g->n) {
      for (size_t o = 0; o < 3; o++) m[ng * 3 + o] = (double)cnt[r][1 + o];
      ng++;
    }
  }
  size_t tot_na = 0;
  for (size_t r = 0; r <= MAX_GROUPS; r++) tot_na += na[r];
  rtable_note(tb, "n: assessable %s (a baseline and a later MRI read, or converted); percentages of n. THA: "
                  "converted %s (%s).",
              c->per_hip ? "hips" : "units", c->per_hip ? "hips" : "units",
              c->plan->radio_conversion_progressed ? "counted as progressed" : "classified from their MRI reads");
  if (tot_na) rtable_note(tb, "%zu not assessable %s are not in the table.", tot_na, c->per_hip ? "hips" : "units");
  avn_rc rc = outcome_test(c, tb, m, ng, what);
  if (rc || !rctx_clustered(c)) return rc;
  return clustered_test(c, tb, h, nh, by_stage, g->n, what);
}

#define KAPPA_BOOT_REPS 2000
#define KAPPA_BOOT_SEED 20261206

/* The first reader's read of f's images (lowest id among the readers'
** reads, entry 1; the consensus read is not a reader's), or NULL. */
static const store_form *first_read(const store_study *st, const store_form *f) {
  const store_form *const *g = NULL, *first = NULL;
  size_t n = store_form_group(st, f->patient, f->visit, f->instrument, f->side, &g);
  for (size_t i = 0; i < n; i++)
    if (g[i]->entry == 1 && g[i]->instance[0] && strcmp(g[i]->instance, STORE_CONSENSUS) &&
        (!first || g[i]->id < first->id))
      first = g[i];
  return first;
}

/* Agreement between readers: each other reader's read (its own instance,
** entry 1) paired with the first reader's read of the same images. */
static avn_rc reader_agreement(rctx *c, rsec *s) {
  const store_study *st = c->st;
  const char *ri = reader_item(c->p);
  size_t n_second = 0, n_other = 0, n = 0, cap = 0;
  int *x = NULL, *y = NULL, *pat = NULL;
  unsigned char *seen = NULL;
  avn_rc rc = AVN_OK;
  rsec_heading(s, "Agreement between readers");
  for (size_t i = 0; i < st->n_forms; i++) {
    const store_form *f = &st->forms[i];
    if (strcmp(f->instrument, inst_role_form(INST_ROLE_IMAGING)) != 0) continue;
    n_second += f->entry == 2;   /* a read typed twice: a data-entry check, not a second reader */
    if (f->entry != 1 || !f->instance[0] || !strcmp(f->instance, STORE_CONSENSUS)) continue;
    const store_form *f1 = first_read(st, f);
    if (!f1 || f1 == f) continue;
    n_second++;
    n_other++;
    const inst_value *s1 = form_value(f1, ri), *s2 = form_value(f, ri);
    if (!s1 || !s2) continue;
    if (n == cap) {
      cap = cap ? 2 * cap : 64;
      int *gx = avn_reallocarray(x, cap, sizeof *x);
      if (!gx) {
        rc = AVN_E_NOMEM;
        goto cleanup;
      }
      x = gx;
      int *gy = avn_reallocarray(y, cap, sizeof *y);
      if (!gy) {
        rc = AVN_E_NOMEM;
        goto cleanup;
      }
      y = gy;
      int *gp = avn_reallocarray(pat, cap, sizeof *pat);
      if (!gp) {
        rc = AVN_E_NOMEM;
        goto cleanup;
      }
      pat = gp;
    }
    x[n] = (int)s1->num;
    y[n] = (int)s2->num;
    pat[n] = (int)f->patient;
    n++;
    if (!seen) {
      seen = avn_calloc(2 * st->n_patients + 2, 1);   /* hips that have a pair: patient x side */
      if (!seen) {
        rc = AVN_E_NOMEM;
        goto cleanup;
      }
    }
    seen[2 * f->patient + (f->side == SIDE_RIGHT)] = 1;
  }
  if (n_second == 0) {
    rsec_missing(s, "No second read exists: every MRI was read by one reader only, so agreement between readers "
                    "cannot be measured.");
    goto cleanup;
  }
  if (n_other == 0) {
    rsec_missing(s, "No second read by another reader: the %zu MRI reads entered twice were typed twice by data entry "
                    "(a data-entry check, not an independent read), so agreement between readers cannot be "
                    "measured.", n_second);
    goto cleanup;
  }
  if (n < 2) {
    rsec_missing(s, "Too few paired reads: %zu read%s by two different readers give%s the reader's %s stage (%s) in "
                    "both; kappa needs at least 2.", n, n == 1 ? "" : "s", n == 1 ? "s" : "", staging_name(c->p), ri);
    goto cleanup;
  }
  {
    int k = 2;
    for (size_t i = 0; i < n; i++) {
      if (x[i] + 1 > k) k = x[i] + 1;
      if (y[i] + 1 > k) k = y[i] + 1;
    }
    agree_kappa_result kr;
    avn_err ke;
    avn_err_clear(&ke);
    rc = agree_kappa(x, y, n, k, AGREE_W_NONE, 0.95, &ke, &kr);
    if (rc == AVN_E_NOMEM) goto cleanup;
    if (rc) {
      rc = AVN_OK;
      rsec_missing(s, "No kappa: %s.", ke.rule);
      goto cleanup;
    }
    /* the pairs are repeated reads of hips (visits) of patients (two hips):
    ** the patient is the independent unit, so its interval resamples them */
    agree_kappa_boot_result kb;
    avn_err be;
    avn_err_clear(&be);
    avn_rc brc = agree_kappa_boot(x, y, pat, n, st->n_patients, k, AGREE_W_NONE, 0.95, KAPPA_BOOT_REPS,
                                  KAPPA_BOOT_SEED, &be, &kb);
    if (brc == AVN_E_NOMEM) { rc = brc; goto cleanup; }
    size_t npat = 0, nhip = 0;
    for (size_t i = 0; i < st->n_patients; i++) {
      nhip += (size_t)seen[2 * i] + seen[2 * i + 1];
      npat += seen[2 * i] || seen[2 * i + 1];
    }
    const char *hdr[] = {"Stage", "Pairs of reads", "Hips / patients", "Observed agreement",
                         "Kappa (95% CI, patient bootstrap)", "95% CI, pairs independent", "p, pairs independent"};
    rtable *tb = rsec_table(s, "reader_agreement", "Agreement between two readers on the stage, patients as "
                            "clusters", 7, hdr);
    char stg[64], np[32], hp[64], po[48], kk[128], kn[96], pv[32];
    snprintf(stg, sizeof stg, "%s (reader)", staging_name(c->p));
    snprintf(np, sizeof np, "%zu", n);
    snprintf(hp, sizeof hp, "%zu / %zu", nhip, npat);
    rfmt_pct(po, sizeof po, (size_t)llround(kr.po * (double)n), n);
    if (brc == AVN_OK) rfmt_est_ci(kk, sizeof kk, kr.kappa, kb.ci_low, kb.ci_high, 0, 3);
    else rfmt_num(kk, sizeof kk, kr.kappa, 3);
    rfmt_ci(kn, sizeof kn, kr.ci_low, kr.ci_high, 0, 3);
    rfmt_p(pv, sizeof pv, kr.p);
    const char *cells[] = {stg, np, hp, po, kk, kn, pv};
    rtable_row(tb, cells);
    rtable_note(tb, "Pairs: reads of the same hip at the same visit by two different readers (entry 1 and entry 2 "
                    "of the mri form, item %s); sub-stages pooled (IIA = II). Unweighted Cohen's kappa. Accounts for "
                    "the patient: the 95%% CI is the percentile interval of %d bootstrap replicates that resample "
                    "patients (all their hips and visits) with replacement (fixed seed %d)%s. The interval from the "
                    "large-sample SE of Fleiss, Cohen & Everitt (1969) and p (kappa = 0) treat the pairs as "
                    "independent, which repeated reads of one hip are not.", ri, KAPPA_BOOT_REPS,
                KAPPA_BOOT_SEED, brc == AVN_OK ? "" : " - not computed here");
    if (brc != AVN_OK) rtable_note(tb, "No patient bootstrap interval: %s.", be.rule);
    if (n_other > n)
      rtable_note(tb, "%zu further pairs lack the reader's stage in one entry.", n_other - n);
    rctx_method(c, "kappa",
                "Agreement between two readers on the %s stage was measured with Cohen's unweighted kappa over %zu "
                "pairs of reads of %zu hips of %zu patients, with a 95%% confidence interval from a bootstrap that "
                "resamples patients (%d replicates); the large-sample interval of Fleiss, Cohen and Everitt (1969), "
                "which treats the pairs as independent, is shown beside it.",
                staging_name(c->p), n, nhip, npat, KAPPA_BOOT_REPS);
  }
cleanup:
  avn_free(x);
  avn_free(y);
  avn_free(pat);
  avn_free(seen);
  return rc;
}

/* The protocol visit at `months` (within half a month), or NULL. */
static const char *visit_at(const rctx *c, double months) {
  for (size_t i = 0; i < c->p->n_visits; i++) {
    double m = rctx_visit_months(c, c->p->visits[i].name);
    if (isfinite(m) && fabs(m - months) < 0.5) return c->p->visits[i].name;
  }
  return NULL;
}

static avn_rc edema_table(rctx *c, rsec *s, const char *base, const hipout *h) {
  const char *hdr[] = {"Visit", "Hips with a baseline MRI", "Oedema at baseline", "MRI at the visit",
                       "Oedema resolved", "Resolved, of oedema at baseline"};
  size_t nbase = 0, nedema = 0;
  bool *edema0 = avn_calloc(c->n_units + 1, sizeof *edema0);
  if (!edema0) return AVN_E_NOMEM;
  for (size_t u = 0; u < c->n_units; u++) {
    double v = 0;
    if (!h[u].has_base) continue;
    nbase++;
    if (rctx_num(c, u, base, inst_role_form(INST_ROLE_IMAGING), "bme", &v) && v != 0) {
      edema0[u] = true;
      nedema++;
    }
  }
  rtable *tb = rsec_table(s, "edema", "Resolution of bone marrow oedema", 6, hdr);
  const double at[2] = {6, 12};
  size_t shown = 0;
  for (size_t k = 0; k < 2; k++) {
    const char *v = visit_at(c, at[k]);
    if (!v) {
      rtable_note(tb, "The protocol has no visit at %.0f months.", at[k]);
      continue;
    }
    size_t nmri = 0, res = 0;
    for (size_t u = 0; u < c->n_units; u++) {
      double x = 0;
      if (!h[u].has_base || !unit_mri(c, u, v)) continue;
      nmri++;
      if (edema0[u] && rctx_num(c, u, v, inst_role_form(INST_ROLE_IMAGING), "bme", &x) && x == 0) res++;
    }
    char nb[32], ne[48], nm[32], r1[48], r2[64];
    snprintf(nb, sizeof nb, "%zu", nbase);
    rfmt_pct(ne, sizeof ne, nedema, nbase);
    snprintf(nm, sizeof nm, "%zu", nmri);
    rfmt_pct(r1, sizeof r1, res, nbase);
    if (nedema) snprintf(r2, sizeof r2, "%zu of %zu (%.1f%%)", res, nedema, 100.0 * (double)res / (double)nedema);
    else snprintf(r2, sizeof r2, "none with oedema");
    const char *cells[] = {rctx_visit_label(c, v), nb, ne, nm, r1, r2};
    rtable_row(tb, cells);
    shown++;
  }
  rtable_note(tb, "Oedema resolved: bone marrow oedema (bme) at the baseline MRI and none on the MRI of that visit; "
                  "percentages of all hips with a baseline MRI, then of those with oedema at baseline.");
  avn_free(edema0);
  (void)shown;
  return AVN_OK;
}

static avn_rc lesion_table(rctx *c, rsec *s, const groups *g, const hipout *h) {
  avn_rc rc = AVN_OK;
  double *v = avn_calloc(c->n_units + 1, sizeof *v);
  size_t row_of[MAX_GROUPS];
  if (!v) return AVN_E_NOMEM;
  const char *hdr[] = {"Stage", "n", "Reduction in lesion size, % (mean \xc2\xb1 SD)", "Median (range)"};
  rtable *tb = rsec_table(s, "lesion_change", "Change in the share of the femoral head involved, by stage", 4, hdr);
  groups_rank(g, row_of);
  for (size_t k = 0; k <= g->n; k++) {
    size_t n = 0;
    for (size_t u = 0; u < c->n_units; u++) {
      if (!isfinite(h[u].change_pct)) continue;
      if (k < g->n && h[u].stage_group != (int)row_of[k]) continue;
      v[n++] = h[u].change_pct;
    }
    if (n == 0) continue;
    desc_result d;
    rc = desc_summary(v, n, 0.95, 7, &d);
    if (rc == AVN_E_NOMEM) goto cleanup;
    if (rc) {
      rc = AVN_OK;
      continue;
    }
    char nn[32], ms[96], med[32], mn[32], mx[32], mr[128];
    snprintf(nn, sizeof nn, "%zu", n);
    rfmt_mean_sd(ms, sizeof ms, d.mean, d.sd, 1);
    rfmt_num(med, sizeof med, d.median, 1);
    rfmt_num(mn, sizeof mn, d.min, 1);
    rfmt_num(mx, sizeof mx, d.max, 1);
    snprintf(mr, sizeof mr, "%s (%s to %s)", med, mn, mx);
    const char *cells[] = {k < g->n ? g->label[row_of[k]] : "All", nn, ms, mr};
    rtable_row(tb, cells);
  }
  rtable_note(tb, "Per hip 100 x (baseline - last) / baseline of the share of the head involved (head_involved_pct), "
                  "last MRI read against the baseline read; positive values are reductions. Hips with a baseline "
                  "share of 0 or without both reads are left out.");
cleanup:
  avn_free(v);
  return rc;
}

/* "reads by R1" / "reads by R1 (40) and R2 (12)": the readers named in the
** baseline and last reads the outcome used; a second entry (another
** reader's read) is never used for the outcome. */
static void read_by(const rctx *c, const hipout *h, const char *base, char *out, size_t n) {
  enum { MAXR = 8 };
  const char *name[MAXR];
  size_t cnt[MAXR], nr = 0, unnamed = 0;
  for (size_t u = 0; u < c->n_units; u++) {
    if (h[u].outcome < 0 || !h[u].has_base || !h[u].has_later) continue;
    const store_form *fs[2] = {unit_mri(c, u, base), unit_mri(c, u, h[u].last)};
    for (size_t k = 0; k < 2; k++) {
      const char *rn = fs[k] && fs[k]->def ? inst_reader_item(fs[k]->def) : NULL;
      const inst_value *v = rn ? form_value(fs[k], rn) : NULL;
      if (!v || !v->text) {
        unnamed++;
        continue;
      }
      size_t i = 0;
      while (i < nr && strcmp(name[i], v->text)) i++;
      if (i == nr && nr < MAXR) {
        name[nr] = v->text;
        cnt[nr++] = 0;
      }
      if (i < nr) cnt[i]++;
    }
  }
  size_t w = (size_t)snprintf(out, n, nr ? "reads by "
                                       : unnamed ? "the reads name no reader"
                                                 : "no hip had both a baseline and a later read: only conversions "
                                                   "were classified");
  for (size_t i = 0; i < nr && w < n; i++) {
    const char *sep = i == 0 ? "" : i + 1 == nr ? " and " : ", ";
    if (nr == 1) w += (size_t)snprintf(out + w, n - w, "%s", name[i]);
    else w += (size_t)snprintf(out + w, n - w, "%s%s (%zu)", sep, name[i], cnt[i]);
  }
  if (nr && unnamed && w < n) snprintf(out + w, n - w, "; %zu reads name no reader", unnamed);
}

avn_rc sec_radiology(rctx *c, avn_err *e) {
  avn_rc rc = AVN_OK;
  hipout *h = NULL;
  groups *gs = NULL, *ge = NULL;
  (void)e;
  rsec *s = rdoc_section(c->doc, "radiology", "Radiological outcome");
  if (!s) return AVN_E_NOMEM;
  const char *unit_word = c->per_hip ? "hips" : "units", *unit_one = c->per_hip ? "hip" : "unit";
  const char *base = baseline_visit(c);
  size_t base_idx = base ? protocol_visit_index(c->p, base) : (size_t)-1;
  size_t n_mri = 0;
  for (size_t i = 0; i < c->st->n_forms; i++)
    if (c->st->forms[i].entry == 1 && !strcmp(c->st->forms[i].instrument, inst_role_form(INST_ROLE_IMAGING)))
      n_mri++;   /* every reader's read counts: any read means there is something to analyse */
  if (c->n_units == 0 || n_mri == 0) {
    rsec_missing(s, "No MRI read is recorded (no mri form), so no radiological outcome, oedema, lesion size or "
                    "reader agreement can be computed.");
    return AVN_OK;
  }
  if (!base || base_idx == (size_t)-1) {
    rsec_missing(s, "The plan has no baseline visit, so no MRI read can serve as the baseline.");
    return AVN_OK;
  }
  h = avn_calloc(c->n_units, sizeof *h);
  gs = avn_calloc(1, sizeof *gs);
  ge = avn_calloc(1, sizeof *ge);
  if (!h || !gs || !ge) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  size_t n_base = 0, n_nobase = 0, n_nolater = 0, n_ass = 0, n_out[3] = {0, 0, 0};
  for (size_t u = 0; u < c->n_units; u++) {
    classify(c, u, base, base_idx, &h[u]);
    const runit *un = &c->units[u];
    h[u].stage_group = -1;
    h[u].etio_group = -1;
    if (un->stage) {
      char lab[LABEL_LEN];
      snprintf(lab, sizeof lab, "%s", un->stage);
      h[u].stage_group = groups_add(gs, lab, un->stage_ord);
    }
    const char *code = rctx_text(c, u, base, inst_role_form(INST_ROLE_HIP_BASELINE), "etiology");
    double ev = 0;
    if (code && rctx_num(c, u, base, inst_role_form(INST_ROLE_HIP_BASELINE), "etiology", &ev)) {
      const inst_def *d = inst_find(inst_role_form(INST_ROLE_HIP_BASELINE));
      const inst_item *it = d ? inst_item_find(d, "etiology") : NULL;
      const char *lab = code;
      for (size_t k = 0; it && k < it->n_codes; k++)
        if (!strcmp(it->codes[k].name, code)) lab = it->codes[k].label;
      h[u].etio_group = groups_add(ge, lab, ev);
    }
    n_base += h[u].has_base;
    if (h[u].outcome == OUT_NA_NOBASE) n_nobase++;
    else if (h[u].outcome == OUT_NA_NOLATER) n_nolater++;
    else {
      n_ass++;
      n_out[h[u].outcome]++;
    }
  }
  if (n_base == 0) {
    rsec_missing(s, "No %s has a baseline MRI read (mri form at the %s visit), so no radiological outcome, oedema "
                    "resolution or lesion size change can be computed%s.",
                 unit_one, rctx_visit_label(c, base),
                 n_ass ? " (conversions to arthroplasty alone would say nothing about the MRI)" : "");
  } else if (n_ass == 0) {
    rsec_missing(s, "No %s is assessable (%zu without a baseline MRI read, %zu without a later read), so the "
                    "radiological outcome tables are not computed.",
                 unit_one, n_nobase, n_nolater);
  } else {
    char a[48], b[48], d[48];
    rfmt_pct(a, sizeof a, n_out[OUT_IMPROVED], n_ass);
    rfmt_pct(b, sizeof b, n_out[OUT_STABLE], n_ass);
    rfmt_pct(d, sizeof d, n_out[OUT_PROGRESSED], n_ass);
    rsec_para(s, "Of %zu %s, %zu were assessable: improved %s, stable %s, progressed %s. Not assessable: %zu without "
                 "a baseline MRI read, %zu without a later read.",
              c->n_units, unit_word, n_ass, a, b, d, n_nobase, n_nolater);
    char readers[512];
    read_by(c, h, base, readers, sizeof readers);
    rctx_method(c, "radiology",
                "The radiological outcome of each %s compared its last MRI read with its baseline read, from the "
                "first entry of each MRI form (%s): progressed when the derived %s stage rose, head depression "
                "increased by more than %g mm%s; improved when the share of the femoral head involved fell by at "
                "least %g%% of its baseline value; otherwise stable.",
                c->per_hip ? "hip" : "unit", readers, staging_name(c->p), c->plan->radio_progression_mm,
                c->plan->radio_conversion_progressed ? ", or the hip was converted to arthroplasty" : "",
                c->plan->radio_improved_reduction_pct);
    rc = outcome_table(c, s, "radiology_by_stage", "Radiological outcome by stage", "Stage", "Stage", gs, h,
                       c->n_units, true);
    if (rc) goto cleanup;
    if (ge->n == 0) {
      rsec_missing(s, "No etiology is recorded (hip_baseline form at the %s visit), so the outcome by etiology is "
                      "not computed.", rctx_visit_label(c, base));
    } else {
      rc = outcome_table(c, s, "radiology_by_etiology", "Radiological outcome by etiology", "Etiology", "Etiology",
                         ge, h, c->n_units, false);
      if (rc) goto cleanup;
    }
  }
  if (n_base > 0) {
    rsec_heading(s, "Bone marrow oedema and lesion size");
    rc = edema_table(c, s, base, h);
    if (rc) goto cleanup;
    size_t nchg = 0;
    for (size_t u = 0; u < c->n_units; u++) nchg += isfinite(h[u].change_pct);
    if (nchg == 0)
      rsec_missing(s, "No %s has the share of the head involved on both a baseline (> 0) and a later MRI read, so "
                      "no lesion size change is computed.", unit_one);
    else {
      rc = lesion_table(c, s, gs, h);
      if (rc) goto cleanup;
    }
  }
  rc = reader_agreement(c, s);
cleanup:
  avn_free(h);
  avn_free(gs);
  avn_free(ge);
  return rc;
}
