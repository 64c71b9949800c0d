/*
** report.c: report_write (report.h): one snapshot, the units of analysis,
** the sections in order, the document written.
**
** Freeing the snapshot (millions of small allocations: 8.6 s of CPU for
** 100,000 patients) runs in a second thread while the document is written:
** the document copies everything it prints (doc.h, figure.h), so once the
** sections are done nothing reads the snapshot, the scores or the form
** index. The output does not depend on it; joined before returning. If the
** thread cannot start, they are freed here as before.
**
** Cost: store_load runs a fixed number of queries; building the units is
** O(patients); the form index (rctx_forms_new) O(forms); each section
** reads values by O(1) lookups, so the whole report is O(n log n) in the
** number of forms (the sorts of the statistics).
*/
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/mem.h"
#include "report/rctx.h"
#include "report/report.h"

typedef avn_rc (*section_fn)(rctx *c, avn_err *e);

static const section_fn sections[] = {
    sec_flow,     sec_table1,   sec_outcomes,   sec_responders, sec_subgroups, sec_radiology,
    sec_survival, sec_predictors, sec_safety,   sec_cells,      sec_methods,
};

/* Ordinal of a stage among the protocol's screening codes for "stage". */
static int stage_ordinal(const protocol *p, const char *stage) {
  const proto_field *f = protocol_find_field(p, "stage");
  if (!f || !stage) return -1;
  for (size_t i = 0; i < f->n_codes; i++)
    if (!strcmp(f->codes[i], stage)) return (int)i;
  return -1;
}

static avn_rc build_units(rctx *c) {
  const store_study *st = c->st;
  size_t cap = c->per_hip ? 2 * st->n_patients : st->n_patients;
  c->units = avn_calloc(cap ? cap : 1, sizeof *c->units);
  if (!c->units) return AVN_E_NOMEM;
  for (size_t i = 0; i < st->n_patients; i++) {
    const store_patient *p = &st->patients[i];
    bool bilateral = p->hip[SIDE_LEFT] && p->hip[SIDE_RIGHT];
    if (!c->per_hip) {
      runit *u = &c->units[c->n_units++];
      u->patient = i;
      u->side = SIDE_PATIENT;
      /* A patient's stage is that of the worse study hip. */
      const char *l = p->hip_stage[SIDE_LEFT], *r = p->hip_stage[SIDE_RIGHT];
      u->stage = stage_ordinal(c->p, r) > stage_ordinal(c->p, l) ? r : l;
      u->stage_ord = stage_ordinal(c->p, u->stage);
      u->bilateral = bilateral;
      snprintf(u->label, sizeof u->label, "%s", p->code);
      continue;
    }
    for (int side = SIDE_LEFT; side <= SIDE_RIGHT; side++) {
      if (!p->hip[side]) continue;
      runit *u = &c->units[c->n_units++];
      u->patient = i;
      u->side = side;
      u->stage = p->hip_stage[side];
      u->stage_ord = stage_ordinal(c->p, u->stage);
      u->bilateral = bilateral;
      snprintf(u->label, sizeof u->label, "%s %s", p->code, side == SIDE_LEFT ? "left" : "right");
    }
  }
  return AVN_OK;
}

/* The trail's length and head, so a copy of a report pins the data it came
** from (avn audit prints the same two; the chain is not judged here, so
** it is read in one query, not walked and hashed row by row). */
avn_rc rctx_chain(store *s, store_chain *out, avn_err *e) {
  return store_audit_head(s, out, e);
}

/* What the sections read, handed to free_snapshot once they are done. */
typedef struct snapshot {
  store_study *st;
  frame_scores *scores;
  rforms *forms;
} snapshot;

static void *free_snapshot(void *arg) {
  snapshot *sn = arg;
  rctx_forms_free(sn->forms);
  frame_scores_free(sn->scores);
  store_study_free(sn->st);
  return NULL;
}

avn_rc report_write(store *s, const char *dir, report_info *info, avn_err *e) {
  rctx c = {0};
  store_study *st = NULL;
  snapshot done = {0};
  pthread_t freer;
  bool freeing = false;
  size_t n_patients = 0;
  avn_rc rc = store_load(s, NULL, &st, e);
  if (rc) goto cleanup;
  /* The entries' discrepancy rates, then the values analysis may use: agreed
  ** or adjudicated; an unresolved difference is missing, never entry 1. */
  c.n_rates = monitor_discrepancies(st, NULL, NULL, false, c.rates, sizeof c.rates / sizeof c.rates[0]);
  c.n_user_rates = monitor_discrepancies(st, NULL, NULL, true, c.user_rates, sizeof c.user_rates / sizeof c.user_rates[0]);
  rc = store_settle(st, &c.settled);
  if (rc) goto cleanup;
  rc = frame_scores_new(st, &c.scores, e);
  if (rc) goto cleanup;
  c.st = st;
  c.p = store_protocol(s);
  c.plan = c.p->analysis;
  c.per_hip = c.p->per_hip;
  c.cutoff = avn_date_today();
  if (!c.plan) {
    rc = avn_fail(e, AVN_E_STATE, "protocol", c.p->name, "the protocol has no analysis plan loaded");
    goto cleanup;
  }
  rc = build_units(&c);
  if (rc) goto cleanup;
  rc = rctx_forms_new(&c);
  if (rc) goto cleanup;

  store_chain chain;
  rc = rctx_chain(s, &chain, e);
  if (rc) goto cleanup;
  /* A locked study is a data freeze: the report says since when, by whom. */
  store_lock_info lk;
  rc = store_study_lock(s, &lk, e);
  if (rc) goto cleanup;
  char title[512], sub[2400], cut[11], made[32], frz[1200];
  if (lk.locked) snprintf(frz, sizeof frz, " Data locked on %s by %s (%.1000s).", lk.at, lk.by, lk.reason);
  else snprintf(frz, sizeof frz, " The data are not locked: an interim report.");
  time_t now = time(NULL);
  struct tm tmv;
  gmtime_r(&now, &tmv);
  strftime(made, sizeof made, "%Y-%m-%d %H:%M UTC", &tmv);
  snprintf(title, sizeof title, "%s", c.p->title ? c.p->title : c.p->name);
  char src[300] = "";
  if (c.p->source) snprintf(src, sizeof src, " (%s)", c.p->source);
  char unres[160] = "";
  if (c.settled.unresolved)
    snprintf(unres, sizeof unres, " %zu double-entered value%s still unresolved (left out of the analysis).",
             c.settled.unresolved, c.settled.unresolved == 1 ? "" : "s");
  snprintf(sub, sizeof sub, "Study report, protocol '%s'%s. Data cut-off %s; %zu patients, %zu %s. Generated by avn %s on %s"
           " from an audit trail of %lld rows, head %s.%s%s",
           c.p->name, src, avn_date_format(c.cutoff, cut), st->n_patients, c.n_units,
           c.per_hip ? "hips" : "patients", AVN_VERSION, made, (long long)chain.rows, chain.head[0] ? chain.head : "(empty)",
           unres, frz);
  c.doc = rdoc_new(title, sub);
  if (!c.doc) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
    rc = sections[i](&c, e);
    if (rc) goto cleanup;
  }
  n_patients = st->n_patients;
  done = (snapshot){st, c.scores, c.forms};
  if (!pthread_create(&freer, NULL, free_snapshot, &done)) {
    freeing = true;
    st = NULL;
    c.st = NULL;
    c.scores = NULL;
    c.forms = NULL;
  }
  rc = rdoc_write(c.doc, dir, e);
  if (rc) goto cleanup;
  if (info) {
    info->n_patients = n_patients;
    info->n_units = c.n_units;
    info->audit_rows = (long long)chain.rows;
    snprintf(info->audit_head, sizeof info->audit_head, "%s", chain.head);
    info->lock = lk;
  }
cleanup:
  if (freeing) pthread_join(freer, NULL);
  if (rc == AVN_E_NOMEM && e && !e->rule[0]) avn_fail(e, AVN_E_NOMEM, "report", NULL, "out of memory");
  for (size_t i = 0; i < c.n_methods; i++) {
    avn_free(c.method_keys[i]);
    avn_free(c.method_text[i]);
  }
  avn_free(c.method_keys);
  avn_free(c.method_text);
  avn_free(c.units);
  rctx_forms_free(c.forms);
  rdoc_free(c.doc);
  frame_scores_free(c.scores);
  store_study_free(st);
  return rc;
}
