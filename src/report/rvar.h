/*
** rvar.h: the plan's unit variables (sap.h: age, sex, stage, etiology,
** laterality, lesion_size, bmi, dose) read for one analysis unit, and the
** grouping of units by one of them. Shared by the table 1, subgroup and
** predictor sections (internal to src/report).
**
** Where each comes from (report_common.md):
**   age          completed years at enrolment (rctx_age)
**   sex          store_patient.sex ("Female", "Male"; levels in
**                alphabetical order, as R's factor())
**   stage        the unit's baseline stage as screened ("Stage II"),
**                ordered as the protocol's codes
**   etiology     hip_baseline.etiology at the plan's baseline visit, shown
**                by its code label, ordered by the code's value
**   laterality   "Unilateral" / "Bilateral" (both hips in the study)
**   lesion_size  mri.head_involved_pct at the plan's baseline visit
**   bmi          baseline.bmi at the plan's baseline visit
**   dose         cell_product.total_cells_e6 at the first procedure's visit
** Numeric variables are grouped by class limits (the subgroup's cuts):
** class k holds cuts[k-1] <= x < cuts[k], labelled "< 40 years",
** "30% to < 50%", "\u2265 50%".
**
** Costs: one rctx read per unit and variable (O(log n) each). Levels are
** at most RVAR_MAX_LEVELS (more is refused with a reason).
*/
#ifndef AVN_REPORT_RVAR_H
#define AVN_REPORT_RVAR_H

#include <stdbool.h>
#include <stddef.h>
#include "report/rctx.h"

#define RVAR_MAX_LEVELS 32
#define RVAR_LABEL 64

typedef struct rvar_val {
  bool numeric;
  double x;                   /* numeric variables */
  char level[RVAR_LABEL];     /* categorical: the level's label */
  double order;               /* categorical: sort key of the level */
} rvar_val;

typedef struct rlevels {
  size_t n;
  char label[RVAR_MAX_LEVELS][RVAR_LABEL];
  double order[RVAR_MAX_LEVELS];
} rlevels;

/* The plan's baseline visit (its first), else the protocol's first; NULL
** when the protocol has no visits. */
const char *rvar_baseline(const rctx *c);
bool rvar_is_numeric(const char *name);
/* "Age (years)", "Sex", "Stage", "Etiology", "Laterality",
** "Lesion size (% of head)", "BMI (kg/m\u00b2)", "Dose (x10^6 cells)". */
const char *rvar_title(const char *name);
/* Reads variable `name` for unit u; false when unknown or not recorded. */
bool rvar_get(const rctx *c, size_t u, const char *name, rvar_val *out /* OUT */);
/* The class (0..n_cuts) of x and its label. */
size_t rvar_class(const char *name, const double *cuts, size_t n_cuts, double x,
                  char *label, size_t label_size);

/* A difference of two recorded values with the float noise of its inputs
** removed: x rounded to 1e-9 (|x| < 1e6; larger x unchanged). 2.0 - 7.3
** and 1.5 - 6.8 are both -5.3 in the data but differ in the last bits in
** binary; rank tests (ties, zero differences) and threshold comparisons
** must see the values the clinician recorded. Outcome scales have far fewer
** than 9 decimals, so no real difference is merged. */
double rvar_snap(double x);

/* Whether unit u carries outcome o: always, except that when units are
** hips and o's form is patient-level (SF-36), only the first hip of each
** patient does, so a bilateral patient's one answer is not counted twice. */
bool rvar_outcome_unit(const rctx *c, const sap_outcome *o, size_t u);
/* True when o's form is patient-level and units are hips (see above). */
bool rvar_outcome_per_patient(const rctx *c, const sap_outcome *o);

/* Groups the n units units[] by `by`: level[i] in 0..L->n-1, or -1 when the
** unit's value is not recorded; levels sorted by (order, label). Numeric
** variables need cuts (n_cuts > 0). When grouping is impossible L->n = 0
** and why says why. */
void rvar_group(const rctx *c, const char *by, const double *cuts, size_t n_cuts,
                const size_t *units, size_t n, int *level /* OUT */, rlevels *L /* OUT */,
                char *why, size_t why_size);

#endif
