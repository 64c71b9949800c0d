/*
** cohort.h: a cohort spec -> a study. A demo cohort file (demos/NAME.yaml,
** compiled into the binary) lists the summary figures of a seed paper:
** patients, sex, age, etiology, stage, outcome means and SDs per visit,
** responders, conversions to arthroplasty, radiological outcome counts,
** lesion size change, oedema resolution, adverse events, satisfaction, the
** cell product's limits, and the paper's contradictions and the demo's
** assumptions (notes). demo_build makes a study from the named protocol
** whose data, entered through the store's validated and audited write
** path (store_screen, store_enroll, store_enter, store_visit), give those
** figures when computed from the database; demo_check recomputes them from the database
** (store_load and the instruments' scorers) and writes NOTES.md.
**
** Randomness: one gsl_rng_mt19937 seeded from the file; the same file
** gives the same study (dates of the audit trail aside).
**
** Ownership: demo_spec_load returns a spec freed by demo_spec_free; all of
** its strings are owned by it.
*/
#ifndef AVN_DEMO_COHORT_H
#define AVN_DEMO_COHORT_H

#include <stdbool.h>
#include <stddef.h>
#include "core/date.h"
#include "core/rc.h"
#include "store/store.h"

typedef struct demo_count {       /* a name with a count: "steroid: 21" */
  char *name;
  int n;
} demo_count;

typedef struct demo_range {       /* a scalar ("heparin") or [lo, hi] */
  char *name;
  char *text;                     /* scalar value, or NULL for a range */
  double lo, hi;
} demo_range;

typedef struct demo_target {
  char *visit;
  double mean, sd;
  bool assumed;                   /* the paper does not print this target */
  bool sd_assumed;                /* the paper prints the mean only */
} demo_target;

typedef struct demo_outcome {
  char *name, *form, *item;       /* "vas", "vas", "pain_cm" */
  double step, lo, hi;            /* lattice for plain items (step > 0) */
  int decimals;
  bool lower_better;
  demo_target *targets; size_t n_targets;
} demo_outcome;

typedef struct demo_radio {       /* Table 3 row */
  char *stage;
  int improved, stable, progressed;
} demo_radio;

typedef struct demo_ae {
  char *term, *grade, *related;
  int patients;
  demo_count *after; size_t n_after;   /* visit -> patients */
  int days_lo, days_hi;
} demo_ae;

typedef struct demo_spec {
  char *name, *protocol, *file;
  unsigned long seed;
  avn_date enrol_first, enrol_last;
  int screen_days;
  int patients, bilateral;
  int male, female;
  double age_mean, age_sd, age_min, age_max;
  int age_decimals;
  bool age_range_printed, age_sd_assumed;
  bool etiology_per_hip;
  demo_count *etiology; size_t n_etiology;
  demo_count *pairs; size_t n_pairs;
  demo_count *stages; size_t n_stages;
  bool stages_assumed;
  demo_outcome *outcomes; size_t n_outcomes;
  /* responders (outcome NULL: none) */
  char *resp_outcome, *resp_from, *resp_to;
  double resp_more_than;
  int resp_hips;
  /* conversions */
  int conv_hips;
  demo_count *conv_by_stage; size_t n_conv_by_stage;
  double conv_month_lo, conv_month_hi;
  /* radiology (optional) */
  demo_radio *radio; size_t n_radio;
  demo_count *prog_by_etiology; size_t n_prog_by_etiology;
  demo_range *lesion; size_t n_lesion;          /* stage -> mean % reduction (lo) */
  int edema_baseline;                            /* -1: not targeted */
  demo_count *edema_resolved; size_t n_edema_resolved;
  bool second_reader;
  demo_ae *aes; size_t n_aes;
  char *sat_visit;                               /* NULL: no satisfaction */
  demo_count *sat; size_t n_sat;
  char *sf_from, *sf_to;                         /* NULL: not targeted */
  double sf_enhancement_pct;
  bool has_survival;                             /* Kaplan-Meier hip survival */
  double surv_months, surv_pct;
  demo_range *screening; size_t n_screening;
  demo_range *cell; size_t n_cell;
  demo_range *proc_first; size_t n_proc_first;
  demo_range *proc_repeat; size_t n_proc_repeat;
  char **contradictions; size_t n_contradictions;
  char **assumptions; size_t n_assumptions;
} demo_spec;

/* The names of the shipped demo cohorts, in the order `avn demo` builds them. */
extern const char *const demo_cohorts[];
extern const size_t demo_n_cohorts;

/* Loads demos/NAME.yaml from the embedded files (or a path containing '/').
** Refusals name "file:line" and what is wrong (AVN_E_PARSE). */
avn_rc demo_spec_load(const char *name_or_path, demo_spec **out /* OUT */, avn_err *e);
void demo_spec_free(demo_spec *sp);

/* What demo_build and demo_check report (counts of records written). */
typedef struct demo_stats {
  size_t patients, hips, forms, conversions;
} demo_stats;

/* Creates the study at db_path (a file that must not exist, or an empty
** PostgreSQL database) from the spec's protocol and fills it. */
avn_rc demo_build(const demo_spec *sp, const char *db_path, demo_stats *st /* OUT, may be NULL */,
                  avn_err *e);

/* Recomputes every target from the study (store_load, scorers) and writes
** notes_path (Markdown: targets and what the data give, contradictions,
** assumptions). AVN_E_STATE, naming the first figure, when the data miss a
** target. */
avn_rc demo_check(const demo_spec *sp, store *s, const char *notes_path, avn_err *e);

/* Removes a study file and its -wal / -shm / -journal companions (a
** postgresql:// URI: nothing). */
void demo_remove_db(const char *db_path);

#endif
