/*
** report.h: `avn report`: the study report, computed from the database at
** the moment it runs (no number in it is typed by hand).
**
** report_write loads the whole study in one snapshot (store_load: a fixed
** number of queries, never per patient), builds the units of analysis,
** runs every section the protocol's analysis plan asks for (rctx.h lists
** them) and writes DIR/report.html, DIR/report.pdf, the CSV tables under DIR/tables/ and
** DIR/figures/ (SVG, PNG, PDF; doc.h).
**
** A section without the data it needs says so in the report and the report
** still succeeds; report_write fails only on I/O, memory, or a database it
** cannot read. The data cut-off is today (AVN_TODAY overrides, for
** reproducible reports and tests).
*/
#ifndef AVN_REPORT_H
#define AVN_REPORT_H

#include "core/rc.h"
#include "store/store.h"

typedef struct report_info {
  size_t n_patients, n_units;   /* patients enrolled; units of analysis (hips or patients) */
  long long audit_rows;         /* the audit trail the report was made from: its length */
  char audit_head[65];          /* and its head hash (also in the report's subtitle) */
  store_lock_info lock;         /* the study's lock (data freeze), also in the subtitle */
} report_info;

/* info may be NULL. */
avn_rc report_write(store *s, const char *dir, report_info *info /* OUT */, avn_err *e);

/* The safety board's report for the review period [from, to] (safety.c):
** enrolment and follow-up, adverse events by period, grade, relatedness
** and procedure, conversions to THA, protocol deviations; same files as
** report_write. info->n_patients: patients enrolled by `to`. */
avn_rc report_safety(store *s, avn_date from, avn_date to, const char *dir, report_info *info /* OUT */, avn_err *e);

#endif
