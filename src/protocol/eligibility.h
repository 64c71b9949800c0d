/*
** eligibility.h: screening values and the evaluation of a protocol's
** inclusion and exclusion criteria.
**
** Screening input is "field=value" for patient-level fields and
** "field.left=value" / "field.right=value" for per-hip fields (a hip is
** affected when any of its per-hip fields is given). Each value is checked
** against the protocol's field definition (type, range, codes) before
** anything is evaluated.
**
** Rules: an inclusion criterion must hold and an exclusion criterion must
** not; a value that was not entered counts as failing ("not assessed"),
** because eligibility must be shown, not assumed. A per-hip criterion is
** judged for each affected hip: a hip is a study hip when all per-hip
** criteria pass for it. The patient is eligible when every patient-level
** criterion passes and at least one hip is a study hip.
**
** Ownership: screen_data and elig_result own their memory; free with
** screen_data_free / elig_result_free. Failures point into the protocol
** (borrowed: valid while the protocol lives).
*/
#ifndef AVN_ELIGIBILITY_H
#define AVN_ELIGIBILITY_H

#include "protocol/protocol.h"

enum { SIDE_PATIENT = 0, SIDE_LEFT = 1, SIDE_RIGHT = 2 };

typedef struct screen_data {
  size_t n_fields;
  char *(*val)[3];         /* val[field][side]: normalised text or NULL */
  bool hip[3];             /* hip[SIDE_LEFT], hip[SIDE_RIGHT]: affected */
} screen_data;

typedef struct elig_failure {
  const proto_criterion *crit;
  int side;                /* SIDE_PATIENT, SIDE_LEFT or SIDE_RIGHT */
  bool missing;            /* the field was not entered */
} elig_failure;

typedef struct elig_result {
  bool eligible;
  bool hip_eligible[3];    /* by side */
  elig_failure *fails;
  size_t n_fails;
} elig_result;

/* Parses "field=value" / "field.side=value" pairs. Refuses unknown fields,
** a side on a patient-level field (or none on a per-hip one), values of the
** wrong type, out of range or not among the codes, and a field given twice. */
avn_rc screen_data_parse(const protocol *p, char *const *kv, size_t n,
                         screen_data *out /* OUT */, avn_err *e);
void screen_data_free(screen_data *d);

avn_rc eligibility_evaluate(const protocol *p, const screen_data *d,
                            elig_result *out /* OUT */);
void elig_result_free(elig_result *r);

const char *side_name(int side);   /* "patient", "left", "right" */

#endif
