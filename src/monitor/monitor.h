/*
** monitor.h: the monitoring rules, as a library. monitor_run walks a loaded
** study (store_load) and hands every finding, typed, to a handler (the
** handler style of ReadStat: one callback per record, its return value
** stops the walk). avn check prints them, avn list ... findings filters
** them, the report and the demo count them: one set of rules.
**
** A finding borrows every pointer from the study (or from the monitor's
** own buffers for detail, expected and actual): valid only during the
** handler call; copy what is kept.
*/
#ifndef AVN_MONITOR_H
#define AVN_MONITOR_H

#include "frame/frame_scores.h"
#include "store/store.h"

typedef enum monitor_kind {
  MON_OVERDUE,               /* an event whose window has closed, not done */
  MON_OUT_OF_WINDOW,         /* a visit attended outside its window */
  MON_MISSING_FORM,          /* due at an attended visit (per hip unless converted), not entered */
  MON_UNSCHEDULED_FORM,      /* entered at a visit that does not schedule it */
  MON_INCOMPLETE_FORM,       /* required items missing */
  MON_DEVIATION,             /* a value outside the protocol's limits */
  MON_READER_DISAGREEMENT,   /* two independent reads differ on an agreement item */
  MON_SECOND_ENTRY_MISSING,  /* a double-entry form with entry 1 only */
  MON_ENTRY_MISMATCH,        /* the two entries differ on an item */
  MON_CODED_MISSING,         /* items given a missing-data code (ND, UNK ...), told apart from blanks */
  MON_N_KINDS
} monitor_kind;

typedef struct monitor_finding {
  monitor_kind kind;
  size_t patient;                   /* index into the study's patients */
  const char *patient_code;
  const char *visit, *form;         /* NULL when not about a visit / form */
  int side;                         /* SIDE_PATIENT, SIDE_LEFT, SIDE_RIGHT */
  int entry;                        /* the entry concerned; 0: none */
  const char *item;                 /* the item or limit field; NULL: none */
  const char *expected, *actual;    /* mismatch: entry 1, entry 2 (NULL: blank); reader disagreement:
                                    ** reader 1's, reader 2's value; deviation: the protocol's rule,
                                    ** the value; out_of_window, overdue: the window, the date */
  const store_form *f;              /* the form concerned (entry 1 for pairs); NULL */
  const store_event *ev;            /* the event concerned; NULL */
  const proto_limit *limit;         /* deviations: the limit (in the protocol) */
  double num;                       /* deviations: the value found (numeric limits) */
  const char *instance;             /* the form's instance ("1" of a log, a reader) or NULL; the id
                                    ** names a log's as FORM#N (two AEs at a visit are two findings);
                                    ** a read's ids stay those of before instances (acks keep) */
  const char *id;                   /* stable name: kind/patient/visit/form/hip/item (avn check --ack) */
  bool acked;                       /* a deviation acknowledged (store_ack); only with MONITOR_ACKED */
  const char *ack_reason;
  const char *detail;               /* one line for people, as avn check prints it */
} monitor_finding;

/* Returns 0 to go on; any other value stops the walk and is returned by
** monitor_run. */
typedef int (*monitor_handler)(const monitor_finding *f, void *ctx);

enum {
  MONITOR_ACKED = 1u << 0,   /* also hand acknowledged deviations (acked = true) */
};

/* The findings of the whole study, today's date deciding what is overdue;
** kinds: a mask of (1u << kind), 0 for all. Acknowledged deviations
** (st->acks) are left out unless flags has MONITOR_ACKED. Events first (in
** schedule order, per patient), then forms (in entry order). Returns 0, or
** the handler's stopping value. */
int monitor_run(const store_study *st, avn_date today, unsigned kinds, unsigned flags, monitor_handler h,
                void *ctx);
/* The same walk over a snapshot already scored (frame_scores_new on st, as
** it stands), so a caller that also reads the scores (the report) scores
** each form once. sc may be NULL only when kinds leaves out deviations.
** monitor_run scores st itself when deviations are asked for. Both return
** MONITOR_NOMEM, with no finding handed, when the scores are missing or
** cannot be built (memory). */
#define MONITOR_NOMEM (-1)
int monitor_run_scored(const store_study *st, const frame_scores *sc, avn_date today, unsigned kinds,
                       unsigned flags, monitor_handler h, void *ctx);

/* Double-entry discrepancy rate of one form or one user: over the forms
** entered twice by the same reader (double_entry in the protocol;
** independent reads are not counted), the items in either entry (compared)
** and those whose two values differ (differing: the entry_mismatch
** findings, adjudicated or not). By user: a pair counts for each of the two
** users who typed it (once when one user typed both). */
typedef struct monitor_rate {
  const char *key;           /* the form or the user; borrowed from the study */
  size_t compared, differing;
} monitor_rate;

/* Rates per form (by_user false) or per entering user (true; "(unknown)"
** when the trail does not say), in the order first met, for the patients of
** one code and/or site (NULL: all); at most max written; returns the count. */
size_t monitor_discrepancies(const store_study *st, const char *patient, const char *site, bool by_user,
                             monitor_rate *out, size_t max);

const char *monitor_kind_name(monitor_kind k);     /* "entry_mismatch", ... */
/* MON_N_KINDS when the name is none of them. */
monitor_kind monitor_kind_parse(const char *name);

/* One finding found by its id, copied out of the walk (so it outlives it):
** what avn check --ack and avn query open --finding act on. */
typedef struct monitor_hit {
  monitor_kind kind;
  char patient[64], visit[64], form[64], item[128];
  int side;
  bool acked;
  char detail[600];          /* "kind: detail", as a query's first message */
} monitor_hit;

/* Walks the study for the finding whose id is `id` (only the kind its id
** names, so the walk skips the other rules' output) and copies it to *out;
** flags as monitor_run (MONITOR_ACKED to find acknowledged deviations).
** Returns true when found; false for an id of no current finding. O(study). */
bool monitor_find(const store_study *st, avn_date today, unsigned flags, const char *id, monitor_hit *out /* OUT */);

/* A finding's id into buf (size >= 512): kind/patient/visit/form/hip/item,
** '-' for a part it has not. */
const char *monitor_id(char *buf, size_t n, monitor_kind k, const char *patient, const char *visit,
                       const char *form, int side, const char *item);

#endif
