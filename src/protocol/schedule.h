/*
** schedule.h: a patient's calendar from the protocol and day 0.
**
** Each visit, procedure and MRI becomes an event with a planned date and a
** window [earliest, latest]. Month offsets are calendar months from day 0
** (core/date.h: 31 January + 1 month = 29 February in a leap year), never
** chained from the previous visit. Procedures and MRIs take the window of
** the visit they belong to. Events come sorted by planned date, visits
** before procedures before MRIs on the same day.
*/
#ifndef AVN_SCHEDULE_H
#define AVN_SCHEDULE_H

#include "protocol/protocol.h"

typedef enum { SCHED_VISIT, SCHED_PROCEDURE, SCHED_MRI } sched_kind;

typedef struct sched_event {
  sched_kind kind;
  const char *name;        /* visit or procedure name; for an MRI, its visit's */
  const char *label;
  const char *visit;       /* the visit it happens at */
  proto_offset at;
  avn_date planned, earliest, latest;
  bool per_hip;
} sched_event;

/* *out is the caller's to free with avn_free; strings borrowed from p. */
avn_rc schedule_build(const protocol *p, avn_date day0, sched_event **out /* OUT */,
                      size_t *n /* OUT */);
const char *sched_kind_name(sched_kind k);  /* "visit", "procedure", "mri" */

#endif
