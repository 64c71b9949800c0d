/*
** schedule.c: events from the protocol (see schedule.h). O(e log e).
*/
#include "protocol/schedule.h"

#include <stdlib.h>

#include "core/mem.h"

const char *sched_kind_name(sched_kind k) {
  return k == SCHED_VISIT ? "visit" : k == SCHED_PROCEDURE ? "procedure" : "mri";
}

static int cmp_event(const void *a, const void *b) {
  const sched_event *x = a, *y = b;
  if (x->planned != y->planned) return x->planned < y->planned ? -1 : 1;
  if (x->kind != y->kind) return (int)x->kind - (int)y->kind;
  return 0;
}

static void window(const proto_visit *v, avn_date day0, sched_event *ev) {
  ev->planned = avn_date_add(day0, v->at.amount, v->at.unit);
  ev->earliest = avn_date_add(ev->planned, -v->before.amount, v->before.unit);
  ev->latest = avn_date_add(ev->planned, v->after.amount, v->after.unit);
}

avn_rc schedule_build(const protocol *p, avn_date day0, sched_event **out, size_t *n) {
  size_t total = p->n_visits + p->n_procs + p->n_mri;
  sched_event *ev = avn_calloc(total ? total : 1, sizeof *ev);
  if (!ev) return AVN_E_NOMEM;
  size_t k = 0;
  for (size_t i = 0; i < p->n_visits; i++, k++) {
    const proto_visit *v = &p->visits[i];
    ev[k] = (sched_event){.kind = SCHED_VISIT, .name = v->name, .label = v->label ? v->label : v->name,
                          .visit = v->name, .at = v->at};
    window(v, day0, &ev[k]);
  }
  for (size_t i = 0; i < p->n_procs; i++, k++) {
    const proto_procedure *pr = &p->procs[i];
    const proto_visit *v = &p->visits[pr->visit];
    ev[k] = (sched_event){.kind = SCHED_PROCEDURE, .name = pr->name,
                          .label = pr->label ? pr->label : pr->name, .visit = v->name, .at = pr->at,
                          .per_hip = pr->per_hip};
    window(v, day0, &ev[k]);
    /* The procedure's own offset decides its date; the visit's window applies. */
    avn_date planned = avn_date_add(day0, pr->at.amount, pr->at.unit);
    ev[k].earliest += planned - ev[k].planned;
    ev[k].latest += planned - ev[k].planned;
    ev[k].planned = planned;
  }
  for (size_t i = 0; i < p->n_mri; i++, k++) {
    const proto_visit *v = &p->visits[p->mri[i]];
    ev[k] = (sched_event){.kind = SCHED_MRI, .name = v->name, .label = "MRI", .visit = v->name,
                          .at = v->at, .per_hip = true};
    window(v, day0, &ev[k]);
  }
  qsort(ev, total, sizeof *ev, cmp_event);
  *out = ev;
  *n = total;
  return AVN_OK;
}
