/*
** sap.h: the statistical analysis plan, the `analysis:` section of a
** protocol file. It decides what the report computes: the outcomes and
** their time points, the rule that picks each test, the responder and
** success definitions, subgroups, the radiological outcome rules, the
** survival end point and the Cox covariates. The report never chooses an
** analysis the plan does not name; where the plan is silent it uses the
** defaults below and the methods paragraph says so.
**
** YAML (every key optional except outcomes; defaults in brackets):
**
**   analysis:
**     visits: [baseline, m6, m12, m24]   # time points; first = baseline [all visits]
**     final_visit: m24                   # the end point [last of visits]
**     outcomes:
**       - {name: hhs, label: "Harris Hip Score", form: hhs, result: total,
**          better: higher, mcid: 10, decimals: 1, primary: true,
**          visits: [baseline, m6, m12, m24]}   # per-outcome override
**     tests: {alpha: 0.05, normality_alpha: 0.05, adjust: bonferroni,
**             error_bars: sd}            # adjust: bonferroni|none; error_bars: sd|ci95
**     responder: {outcome: hhs, more_than: 20}
**     success: {outcome: hhs, more_than: 20, conversion_fails: true}
**     predictors: [age, sex, stage, etiology]
**     subgroups:
**       - {by: stage}
**       - {by: age, cuts: [40]}          # < 40 vs >= 40
**       - {by: lesion_size, cuts: [30, 50]}
**     radiology: {improved_reduction_pct: 10, progression_mm: 2,
**                 conversion_progressed: true}
**     survival: {endpoint: tha, by: stage, covariates: [age, stage],
**                cluster: patient}
**     safety: {period_months: 6}
**
** Names the plan may use as a subgroup `by`, a predictor or a covariate:
** age (completed years at enrolment), sex, stage (baseline stage of the
** unit), etiology (hip_baseline.etiology), laterality (unilateral /
** bilateral), lesion_size (baseline MRI head_involved_pct), bmi, dose
** (cells injected, first procedure). Loading refuses any other name, an
** outcome whose form or result does not exist, and a visit the protocol
** does not have, with file:line.
**
** Ownership: owned by the protocol (protocol.analysis), freed with it.
*/
#ifndef AVN_SAP_H
#define AVN_SAP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct sap_outcome {
  char *name;            /* id used in tables and file names: "hhs" */
  char *label;           /* "Harris Hip Score (0-100)" */
  char *form;            /* instrument name: "hhs" */
  char *result;          /* a result of the instrument, or an item: "total" */
  bool higher_better;    /* better: higher | lower */
  double mcid;           /* minimal clinically important difference; NAN if none */
  int decimals;          /* decimals shown for means/SDs [1] */
  bool primary;
  char **visits;         /* NULL: the plan's visits */
  size_t n_visits;
  int line;
} sap_outcome;

typedef struct sap_subgroup {
  char *by;              /* a variable name (see above) */
  double *cuts;          /* numeric variables: class limits, ascending */
  size_t n_cuts;
  int line;
} sap_subgroup;

typedef struct sap {
  char **visits;         size_t n_visits;      /* visits[0] is the baseline */
  char *final_visit;
  sap_outcome *outcomes; size_t n_outcomes;

  double alpha;            /* [0.05] */
  double normality_alpha;  /* [0.05]: Shapiro-Wilk p below -> Wilcoxon signed-rank */
  bool bonferroni;         /* adjust: bonferroni [true] */
  bool error_bars_ci;      /* error_bars: ci95 -> true; sd -> false [sd] */

  char *responder_outcome; /* NULL: no responder analysis */
  double responder_more_than;

  char *success_outcome;   /* NULL: no success definition (no logistic model) */
  double success_more_than;
  bool success_conversion_fails;   /* [true] */
  char **predictors;     size_t n_predictors;

  sap_subgroup *subgroups; size_t n_subgroups;

  double radio_improved_reduction_pct;  /* [10] relative lesion-size reduction */
  double radio_progression_mm;          /* [2] head depression */
  bool radio_conversion_progressed;     /* [true] */

  char *survival_endpoint;               /* [tha] */
  char *survival_by;                     /* NULL: overall only */
  char **cox_covariates; size_t n_cox_covariates;
  bool cluster_patient;                  /* robust SE clustered on patient [true when per hip] */

  int safety_period_months;              /* [6] */
  bool defaulted;                        /* the protocol had no analysis: section */
} sap;

/* The outcome named `name`, or NULL. */
const sap_outcome *sap_find_outcome(const sap *s, const char *name);
/* The time points of an outcome (its own, else the plan's). */
char *const *sap_outcome_visits(const sap *s, const sap_outcome *o, size_t *n /* OUT */);
/* The outcome's end point: the plan's final_visit when the outcome is
** measured there, else its last time point; NULL when it has none. */
const char *sap_outcome_final_visit(const sap *s, const sap_outcome *o);

#endif
