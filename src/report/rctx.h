/*
** rctx.h: what every report section shares (internal to src/report).
**
** report.c loads the study once (store_load: a fixed number of queries,
** never per patient), builds the analysis units (hips when the protocol's
** unit of analysis is the hip, else patients) and then calls each section
** in turn. A section reads values through the accessors below, runs the
** statistics (src/stats) and adds paragraphs, tables, figures and
** notices to its rsec. It never fails the report for lack of data: it says
** what is missing (rsec_missing) and goes on. It returns an error only for
** memory or a bug-like state.
**
** Values: rctx_num() gives a form's result (scored once for the whole
** snapshot: frame_scores, the analysis dataset's scores) or item, for a
** unit at a visit, from the first data entry. Patient-level forms (SF-36,
** satisfaction, baseline) are read from the unit's patient. O(1) per
** call at a protocol visit: rctx_forms_new indexes, once, the form
** store_find_form picks for each (patient, visit, instrument, side), in a
** hash table (about 16 bytes per form); other visits fall back to
** store_find_form (O(log n)).
**
** Methods: a section records each method it actually ran with
** rctx_method(key, sentence); the methods section prints the sentences
** in order, each once, so the paragraph says what was run, not what
** might have been.
**
** Ownership: the context borrows the study snapshot and the document.
*/
#ifndef AVN_REPORT_RCTX_H
#define AVN_REPORT_RCTX_H

#include <stdbool.h>
#include <stddef.h>
#include "core/date.h"
#include "core/rc.h"
#include "frame/frame_scores.h"
#include "monitor/monitor.h"
#include "protocol/sap.h"
#include "report/doc.h"
#include "store/store.h"

typedef struct runit {
  size_t patient;        /* index into st->patients */
  int side;              /* SIDE_LEFT / SIDE_RIGHT; SIDE_PATIENT when units are patients */
  const char *stage;     /* baseline stage as screened ("II"); NULL if unknown */
  int stage_ord;         /* ordinal of the stage among the protocol's codes; -1 unknown */
  bool bilateral;        /* the patient has both hips in the study */
  char label[48];        /* "P001 left" / "P001" */
} runit;

typedef struct rforms rforms;   /* the form index (rctx.c) */

typedef struct rctx {
  const store_study *st;
  rforms *forms;         /* rctx_forms_new; NULL: every lookup by store_find_form */
  frame_scores *scores;  /* st's forms, scored once after settling (report.c) */
  const protocol *p;
  const sap *plan;       /* never NULL (defaults when the protocol has none) */
  rdoc *doc;
  avn_date cutoff;       /* data cut-off: AVN_TODAY or today */
  runit *units;  size_t n_units;
  bool per_hip;
  /* methods log: keys and sentences in order of first use */
  char **method_keys, **method_text; size_t n_methods;
  /* double data entry, taken before the snapshot is settled (store_settle):
  ** discrepancy rates per form; then what settling found */
  monitor_rate rates[64]; size_t n_rates;
  monitor_rate user_rates[64]; size_t n_user_rates;
  store_settle_result settled;
} rctx;

/* Indexes c->st's forms at c->p's visits for rctx_num and the other
** accessors (c->forms; freed by rctx_forms_free). O(forms) time. */
avn_rc rctx_forms_new(rctx *c);
void rctx_forms_free(rforms *fx);

/* The audit trail's length and head (report.c), for a report's subtitle. */
avn_rc rctx_chain(store *s, store_chain *out /* OUT */, avn_err *e);

/* A form's result or item for unit u at a visit (first entry). False when
** the form is absent, the value missing or not numeric. */
bool rctx_num(const rctx *c, size_t u, const char *visit, const char *form,
              const char *name, double *out /* OUT */);
/* A code item's name, or a categorical result's text ("excellent",
** "IIIA"); NULL when absent. Borrowed from the snapshot or the registry. */
const char *rctx_text(const rctx *c, size_t u, const char *visit, const char *form,
                      const char *name);
/* The first form `form` of unit u at any visit, in protocol visit order;
** *visit is set to the visit's name. NULL when none. */
const store_form *rctx_find_any(const rctx *c, size_t u, const char *form,
                                const char **visit /* OUT, may be NULL */);
/* Age in completed years at enrolment; NAN without a birth date. */
double rctx_age(const rctx *c, size_t u);
/* The visit's label ("12 months"), or the name when unknown. */
const char *rctx_visit_label(const rctx *c, const char *visit);
/* Months from day 0 of the visit's planned offset (for x axes). */
double rctx_visit_months(const rctx *c, const char *visit);
/* Whether the unit's patient was withdrawn on or before the visit's planned
** date, and whether the unit was converted (tha form dated on or before it). */
bool rctx_withdrawn_by(const rctx *c, size_t u, const char *visit);
bool rctx_converted_by(const rctx *c, size_t u, const char *visit);

/* Clustering. When units are hips and some patient contributes both, the
** hips of one patient are not independent: every test and interval on hips
** then counts the patient as the independent unit (src/stats/cluster.h,
** km_robust, cox's robust score, agree_kappa_boot), with the hip-level
** result beside it, labelled. rctx_clustered says whether that applies to
** the whole study; rctx_cluster_ids gives units[i]'s patient as a cluster
** id (ids < c->st->n_patients) and counts the patients and those with two
** of the listed units; rctx_cluster_phrase writes "58 hips of 46 patients,
** 12 with both hips". */
bool rctx_clustered(const rctx *c);
avn_rc rctx_cluster_ids(const rctx *c, const size_t *units, size_t n, int *ids /* OUT [n] */,
                        size_t *patients /* OUT */, size_t *both /* OUT */);
void rctx_cluster_phrase(char *out, size_t size, size_t n, size_t patients, size_t both);

/* Whether a method sentence with this key was recorded (the method ran). */
bool rctx_ran(const rctx *c, const char *key);

/* Records a method sentence once per key (later calls with the key are
** ignored). */
void rctx_method(rctx *c, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Number formatting shared by the sections, so every table agrees:
** "54.6 ± 6.8", "51.0 (46.0-58.0)", p-values as "<0.001" or "0.034".
** No print hides a sign: rfmt_num keeps it (-0.049 at 1 decimal is
** "-0.0"); an interval's bound that differs from the null value (0 for a
** difference, 1 for a ratio) gains decimals until it no longer prints as
** the null ("-0.05 to 3.4", "1.004 to 2.10"); a p value below 0.05 never
** prints as "0.050" ("0.0496"). So an interval and the p value of the same
** test agree in print on which side of the null they fall. */
void rfmt_mean_sd(char *out, size_t n, double mean, double sd, int decimals);
void rfmt_num(char *out, size_t n, double x, int decimals);
void rfmt_p(char *out, size_t n, double p);
/* "lo to hi" */
void rfmt_ci(char *out, size_t n, double lo, double hi, double null, int decimals);
/* "est (lo to hi)"; just "est" when a bound is not finite. */
void rfmt_est_ci(char *out, size_t n, double est, double lo, double hi, double null,
                 int decimals);
void rfmt_pct(char *out, size_t n, size_t k, size_t of);   /* "14 (24.1%)" */

/* The sections, in report order (sec_*.c). Each adds one rsec. */
avn_rc sec_flow(rctx *c, avn_err *e);
avn_rc sec_table1(rctx *c, avn_err *e);
avn_rc sec_outcomes(rctx *c, avn_err *e);
avn_rc sec_responders(rctx *c, avn_err *e);
avn_rc sec_subgroups(rctx *c, avn_err *e);
avn_rc sec_radiology(rctx *c, avn_err *e);
avn_rc sec_survival(rctx *c, avn_err *e);
avn_rc sec_predictors(rctx *c, avn_err *e);
avn_rc sec_safety(rctx *c, avn_err *e);
avn_rc sec_cells(rctx *c, avn_err *e);
avn_rc sec_methods(rctx *c, avn_err *e);

#endif
