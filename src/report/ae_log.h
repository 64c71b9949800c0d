/*
** ae_log.h: the adverse-event log, read once from a snapshot: the one
** computation every safety table counts from (the study report's safety
** section, sec_safety.c, and the safety board's report, safety.c), so
** their counts agree by construction.
**
** An event is one instance of the form with the adverse-event role (a
** repeating form: one instance per event, at a visit or at none), data
** entry 1 after the caller settled double entries (store_settle), of a
** patient the caller counts (in[patient]). Seriousness, grade,
** relatedness and expectedness are the definition's items.
**
** Ownership: ae_log_build returns an array the caller frees with avn_free;
** terms are borrowed from the snapshot (valid until store_study_free).
*/
#ifndef AVN_AE_LOG_H
#define AVN_AE_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include "core/date.h"
#include "core/rc.h"
#include "store/store.h"

typedef struct ae_rec {
  size_t patient;
  const store_form *form;
  const char *term;      /* trimmed of surrounding blanks: term_len bytes */
  size_t term_len;
  int grade;             /* CTCAE 1-5, 0 not recorded */
  int serious;           /* 1 yes, 0 no, -1 not recorded */
  int related;           /* 1-5, 0 not recorded */
  int expected;          /* 1 expected, 2 unexpected, 0 not recorded */
  bool has_onset;
  avn_date onset;
  int proc;              /* set by a caller that attributes events to procedures; -1 none */
} ae_rec;

/* The events of the patients with in[patient] (in may be NULL: all), in
** snapshot order. *n may be 0 (*out is still the caller's). AVN_E_NOMEM. */
avn_rc ae_log_build(const store_study *st, const bool *in, ae_rec **out /* OUT */, size_t *n /* OUT */);

#endif
