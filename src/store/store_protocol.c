/*
** store_protocol.c: protocol amendments (store.h store_protocol_amend).
**
** What it owns. Table protocol_version (schema migration 4): version 1 is the
** protocol the study was created with (written at the first amendment, from
** the study row), each amendment the next version, with its YAML, when, by
** whom and why. study.protocol_yaml is always the current version. Every
** row is audited (record "protocol version N", fields yaml as a BLAKE2b
** fingerprint, and reason) and the study's protocol_yaml change too, so
** store_verify replays amendments like any other write.
**
** What is refused, naming it: an amendment that would orphan recorded data
** (a visit with forms or a date, a form or an item with values, a value the
** new definition no longer accepts: a narrowed code list or range, a
** screening the new fields cannot read back, a value whose item's show_if the
** new definitions make false) and one that renames the protocol.
**
** A schedule that moves (a visit's day or window, a procedure or an MRI
** added, moved or dropped) re-plans every enrolled patient from their day 0
** in the same transaction (replan): each changed planned date and window
** bound is audited (action "replan", record "patient P / event KIND NAME
** [HIP]", fields planned / earliest / latest, with the amendment's reason),
** and store_verify's replay, which plans the schedule from the current
** protocol, agrees. Recorded visit dates stay: one that falls outside its
** new window is an out_of_window finding of the monitor (avn check), not a
** refusal, and is counted in the result.
**
** Costs: one grouped query per kind of data (distinct form/visit pairs,
** distinct item values), each value parsed once: O(distinct values). The
** re-plan reads patients, hips and events in three queries and matches each
** patient's events among their own (a protocol's few dozen): O(events); then
** one write and up to three audit rows per event that changed.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"
#include "core/text.h"
#include "protocol/schedule.h"
#include "store/store_int.h"

/* What the amendment would orphan, collected for one refusal. */
typedef struct orphans {
  const protocol *np;
  char text[1536];
  size_t n;
  avn_rc rc;             /* a failure inside a row callback */
} orphans;

static void orphan(orphans *o, const char *fmt, const char *a, const char *b, const char *c) {
  size_t len = strlen(o->text);
  if (o->n++ && len + 2 < sizeof o->text) {
    memcpy(o->text + len, "; ", 3);
    len += 2;
  }
  if (len < sizeof o->text) snprintf(o->text + len, sizeof o->text - len, fmt, a, b ? b : "", c ? c : "");
}

/* A form the new protocol knows: shipped, or one of its own forms. */
static bool form_known(const protocol *np, const char *form) {
  const inst_def *d = inst_find(form);
  if (d && inst_is_shipped(d)) return true;
  for (size_t i = 0; i < np->n_forms; i++)
    if (!strcmp(np->forms[i], form)) return true;
  return false;
}

/* visit, form, count of forms entered there. */
static int form_row(void *ctx, int n, const char *const *c) {
  orphans *o = ctx;
  (void)n;
  if (!protocol_find_visit(o->np, c[0]))
    orphan(o, "visit '%s' has %s recorded form(s) (%s)", c[0], c[2], c[1]);
  else if (!form_known(o->np, c[1]))
    orphan(o, "form '%s' has %s recorded instance(s) at visit %s", c[1], c[2], c[0]);
  return 0;
}

/* visit, count of recorded visit dates. */
static int date_row(void *ctx, int n, const char *const *c) {
  orphans *o = ctx;
  (void)n;
  if (!protocol_find_visit(o->np, c[0])) orphan(o, "visit '%s' has %s recorded date(s)%s", c[0], c[1], NULL);
  return 0;
}

/* form, item, value text, count. */
static int value_row(void *ctx, int n, const char *const *c) {
  orphans *o = ctx;
  char field[200];
  avn_err e;
  inst_value v;
  (void)n;
  if (!form_known(o->np, c[0])) return 0;   /* the form itself is named */
  const inst_def *d = inst_find(c[0]);
  snprintf(field, sizeof field, "%s.%s", c[0], c[1]);
  if (!inst_item_find(d, c[1])) {
    orphan(o, "item %s has %s recorded value(s)%s", field, c[3], NULL);
  } else if (inst_parse_value(d, c[1], c[2], &v, &e)) {
    char what[400];
    snprintf(what, sizeof what, "'%.150s' (%s value(s))", c[2], c[3]);
    orphan(o, "%s: recorded %s no longer allowed: %s", field, what, e.rule);
  }
  return 0;
}

/* One form's recorded values at a time (rows in form order): a value whose
** item's show_if the new definitions make false would be orphaned too (it
** answers a question the form no longer asks). Only forms with conditions
** are gathered. */
typedef struct cond_scan {
  orphans *o;
  char *form_id, *record;
  const inst_def *d;         /* NULL: the form has no condition, or is unknown */
  inst_value *v;
  char **text;
  size_t n, cap;
} cond_scan;

static bool has_conditions(const inst_def *d) {
  for (size_t i = 0; d && i < inst_n_items(d); i++)
    if (inst_item_at(d, i)->show_if) return true;
  return false;
}

static void scan_flush(cond_scan *c) {
  avn_err e;
  inst_response resp = {c->v, c->n};
  if (c->d && c->n && inst_check_complete(c->d, &resp, &e) == AVN_E_STATE)
    orphan(c->o, "%s: %s %s", c->record, e.field, e.rule);
  for (size_t i = 0; i < c->n; i++) avn_free(c->text[i]);
  c->n = 0;
  avn_free(c->form_id);
  avn_free(c->record);
  c->form_id = c->record = NULL;
  c->d = NULL;
}

/* form id, record, form, item, value text. */
static int cond_row(void *ctx, int n, const char *const *c) {
  cond_scan *sc = ctx;
  avn_err e;
  (void)n;
  if (!sc->form_id || strcmp(sc->form_id, c[0]) != 0) {
    scan_flush(sc);
    sc->form_id = avn_strdup(c[0]);
    sc->record = avn_strdup(c[1]);
    if (!sc->form_id || !sc->record) goto nomem;
    const inst_def *d = form_known(sc->o->np, c[2]) ? inst_find(c[2]) : NULL;
    sc->d = has_conditions(d) ? d : NULL;
  }
  if (!sc->d) return 0;
  size_t cap = sc->cap;
  if (avn_grow((void **)&sc->v, &sc->cap, sc->n, sizeof *sc->v) ||
      avn_grow((void **)&sc->text, &cap, sc->n, sizeof *sc->text))
    goto nomem;
  sc->text[sc->n] = avn_strdup(c[4] ? c[4] : "");
  if (!sc->text[sc->n]) goto nomem;
  /* A value the new definition refuses outright is value_row's finding. */
  if (inst_parse_value(sc->d, c[3], sc->text[sc->n], &sc->v[sc->n], &e)) avn_free(sc->text[sc->n]);
  else sc->n++;
  return 0;
nomem:
  sc->o->rc = AVN_E_NOMEM;
  return 1;
}

/* code, data of one screening. */
static int screening_row(void *ctx, int n, const char *const *c) {
  orphans *o = ctx;
  screen_data d;
  avn_err e;
  (void)n;
  memset(&d, 0, sizeof d);
  if (store_reparse_screening(o->np, c[1], &d, &e)) orphan(o, "screening %s: %s %s", c[0], e.field, e.rule);
  screen_data_free(&d);
  return 0;
}

/* True when the two protocols plan the same events from one day 0. */
static bool same_schedule(const protocol *a, const protocol *b) {
  sched_event *ea = NULL, *eb = NULL;
  size_t na = 0, nb = 0;
  bool same = !schedule_build(a, 0, &ea, &na) && !schedule_build(b, 0, &eb, &nb) && na == nb;
  for (size_t i = 0; same && i < na; i++)
    same = ea[i].kind == eb[i].kind && !strcmp(ea[i].name, eb[i].name) && ea[i].per_hip == eb[i].per_hip &&
           ea[i].planned == eb[i].planned && ea[i].earliest == eb[i].earliest && ea[i].latest == eb[i].latest;
  avn_free(ea);
  avn_free(eb);
  return same;
}

static avn_rc check_orphans(store *s, const protocol *np, avn_err *e) {
  orphans o = {.np = np};
  avn_rc rc = store_q(s, "SELECT visit, instrument, count(*) FROM form GROUP BY visit, instrument ORDER BY visit, "
                         "instrument", NULL, 0, form_row, &o, e);
  if (!rc) rc = store_q(s, "SELECT name, count(*) FROM event WHERE kind='visit' AND actual IS NOT NULL GROUP BY name"
                           " ORDER BY name", NULL, 0, date_row, &o, e);
  if (!rc) rc = store_q(s, "SELECT f.instrument, v.item, v.value_text, count(*) FROM item_value v JOIN form f"
                           " ON f.id = v.form_id WHERE v.value_text <> '' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
                        NULL, 0, value_row, &o, e);
  if (!rc) {
    cond_scan sc = {.o = &o};
    rc = store_q(s, "SELECT f.id, 'patient ' || p.code || ' / visit ' || f.visit || ' / ' || f.instrument ||"
                    " CASE WHEN f.side <> '' THEN ' ' || f.side ELSE '' END || ' / entry ' || f.entry,"
                    " f.instrument, v.item, v.value_text FROM form f JOIN patient p ON p.id = f.patient_id"
                    " JOIN item_value v ON v.form_id = f.id ORDER BY f.id", NULL, 0, cond_row, &sc, e);
    scan_flush(&sc);
    avn_free(sc.v);
    avn_free(sc.text);
    if (o.rc) rc = avn_fail(e, o.rc, NULL, NULL, "out of memory");
  }
  if (!rc) rc = store_q(s, "SELECT code, data FROM screening ORDER BY code", NULL, 0, screening_row, &o, e);
  if (rc) return rc;
  if (o.n) rc = avn_fail(e, AVN_E_STATE, "protocol", np->file, "the amendment would orphan recorded data: %s", o.text);
  return rc;
}

/* --- re-planning the enrolled patients ------------------------------------ */

typedef struct ev_row {
  char *id, *kind, *name, *side, *planned, *earliest, *latest, *actual;
  size_t patient;            /* index into the patients read */
  bool kept;                 /* in the new schedule */
} ev_row;

typedef struct pt_row {
  char *id, *code;
  avn_date day0;
  bool hip[3];
  size_t ev_first, ev_end;   /* its events: ev[ev_first .. ev_end) */
} pt_row;

typedef struct plan_rd {
  pt_row *pt; size_t n_pt, cap_pt;
  ev_row *ev; size_t n_ev, cap_ev;
  bool nomem;
} plan_rd;

static char *dup0(const char *x) { return avn_strdup(x ? x : ""); }

/* Patients, sorted by id. */
static int pt_cb(void *ctx, int n, const char *const *c) {
  plan_rd *r = ctx;
  (void)n;
  if (avn_grow((void **)&r->pt, &r->cap_pt, r->n_pt + 1, sizeof *r->pt)) return r->nomem = true;
  pt_row *p = &r->pt[r->n_pt++];
  memset(p, 0, sizeof *p);
  p->id = dup0(c[0]);
  p->code = dup0(c[1]);
  if (!p->id || !p->code || avn_date_parse(c[2], &p->day0)) return r->nomem = true;
  return 0;
}

static size_t pt_find(const plan_rd *r, const char *id) {
  long long want = strtoll(id, NULL, 10);
  size_t lo = 0, hi = r->n_pt;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (strtoll(r->pt[mid].id, NULL, 10) < want) lo = mid + 1;
    else hi = mid;
  }
  return lo < r->n_pt && strtoll(r->pt[lo].id, NULL, 10) == want ? lo : (size_t)-1;
}

static int hip_cb(void *ctx, int n, const char *const *c) {
  plan_rd *r = ctx;
  (void)n;
  size_t i = pt_find(r, c[0]);
  if (i != (size_t)-1) r->pt[i].hip[!strcmp(c[1], "left") ? SIDE_LEFT : SIDE_RIGHT] = true;
  return 0;
}

/* Events, by patient id: each patient's are contiguous. */
static int ev_cb(void *ctx, int n, const char *const *c) {
  plan_rd *r = ctx;
  (void)n;
  if (avn_grow((void **)&r->ev, &r->cap_ev, r->n_ev + 1, sizeof *r->ev)) return r->nomem = true;
  ev_row *v = &r->ev[r->n_ev++];
  memset(v, 0, sizeof *v);
  v->patient = pt_find(r, c[1]);
  v->id = dup0(c[0]);
  v->kind = dup0(c[2]);
  v->name = dup0(c[3]);
  v->side = dup0(c[4]);
  v->planned = dup0(c[5]);
  v->earliest = dup0(c[6]);
  v->latest = dup0(c[7]);
  v->actual = c[8] ? avn_strdup(c[8]) : NULL;
  if (!v->id || !v->kind || !v->name || !v->side || !v->planned || !v->earliest || !v->latest || (c[8] && !v->actual))
    return r->nomem = true;
  if (v->patient != (size_t)-1) {
    pt_row *p = &r->pt[v->patient];
    if (p->ev_end == 0) p->ev_first = r->n_ev - 1;
    p->ev_end = r->n_ev;
  }
  return 0;
}

static void plan_rd_free(plan_rd *r) {
  for (size_t i = 0; i < r->n_pt; i++) {
    avn_free(r->pt[i].id);
    avn_free(r->pt[i].code);
  }
  for (size_t i = 0; i < r->n_ev; i++) {
    ev_row *v = &r->ev[i];
    char *f[8] = {v->id, v->kind, v->name, v->side, v->planned, v->earliest, v->latest, v->actual};
    for (int k = 0; k < 8; k++) avn_free(f[k]);
  }
  avn_free(r->pt);
  avn_free(r->ev);
}

/* One field of an event moved: its audit row (NULL old: a new event; NULL
** new: an event dropped). */
static avn_rc replan_audit(store *s, const char *rec, const char *field, const char *was, const char *now,
                           const char *reason, const char *user, avn_err *e) {
  if (was && now && !strcmp(was, now)) return AVN_OK;
  return store_audit(s, user, "replan", rec, field, was, now, reason, e);
}

/* Re-plans every enrolled patient from np (see the essay above). */
static avn_rc replan(store *s, const protocol *np, const char *reason, const char *user, store_replan *out,
                     avn_err *e) {
  plan_rd r = {0};
  sched_event *sev = NULL;
  size_t nsev = 0;
  char rec[400], d[3][11];
  avn_rc rc = store_q(s, "SELECT id, code, enrolled_on FROM patient ORDER BY id", NULL, 0, pt_cb, &r, e);
  if (!rc) rc = store_q(s, "SELECT patient_id, side FROM hip", NULL, 0, hip_cb, &r, e);
  if (!rc) rc = store_q(s, "SELECT id, patient_id, kind, name, side, planned, earliest, latest, actual FROM event"
                           " ORDER BY patient_id, id", NULL, 0, ev_cb, &r, e);
  if (!rc && r.nomem) rc = avn_fail(e, AVN_E_NOMEM, "protocol", NULL, "out of memory re-planning the schedule");
  for (size_t i = 0; !rc && i < r.n_pt; i++) {
    pt_row *p = &r.pt[i];
    bool moved = false;
    avn_free(sev);
    sev = NULL;
    rc = schedule_build(np, p->day0, &sev, &nsev);
    for (size_t k = 0; !rc && k < nsev; k++) {
      for (int side = 0; !rc && side < 3; side++) {
        if (sev[k].per_hip ? (side == SIDE_PATIENT || !p->hip[side]) : side != SIDE_PATIENT) continue;
        const char *kind = sched_kind_name(sev[k].kind), *sn = side == SIDE_PATIENT ? "" : side_name(side);
        avn_date_format(sev[k].planned, d[0]);
        avn_date_format(sev[k].earliest, d[1]);
        avn_date_format(sev[k].latest, d[2]);
        snprintf(rec, sizeof rec, "patient %s / event %s %s%s%s", p->code, kind, sev[k].name, sn[0] ? " " : "", sn);
        ev_row *v = NULL;
        for (size_t j = p->ev_first; j < p->ev_end && !v; j++)
          if (!strcmp(r.ev[j].kind, kind) && !strcmp(r.ev[j].name, sev[k].name) && !strcmp(r.ev[j].side, sn))
            v = &r.ev[j];
        if (v) {
          v->kept = true;
          if (!strcmp(v->planned, d[0]) && !strcmp(v->earliest, d[1]) && !strcmp(v->latest, d[2])) continue;
          const char *pu[5] = {sev[k].visit, d[0], d[1], d[2], v->id};
          rc = store_q(s, "UPDATE event SET visit=?, planned=?, earliest=?, latest=? WHERE id=?", pu, 5, NULL, NULL, e);
          /* a recorded visit that was in its window and no longer is */
          if (v->actual && strcmp(v->actual, v->earliest) >= 0 && strcmp(v->actual, v->latest) <= 0 &&
              (strcmp(v->actual, d[1]) < 0 || strcmp(v->actual, d[2]) > 0))
            out->now_outside++;
          out->moved++;
        } else {
          const char *pi[8] = {p->id, kind, sev[k].name, sev[k].visit, sn, d[0], d[1], d[2]};
          rc = store_q(s, "INSERT INTO event(patient_id,kind,name,visit,side,planned,earliest,latest)"
                          " VALUES(?,?,?,?,?,?,?,?)", pi, 8, NULL, NULL, e);
          out->added++;
        }
        if (!rc) rc = replan_audit(s, rec, "planned", v ? v->planned : NULL, d[0], reason, user, e);
        if (!rc) rc = replan_audit(s, rec, "earliest", v ? v->earliest : NULL, d[1], reason, user, e);
        if (!rc) rc = replan_audit(s, rec, "latest", v ? v->latest : NULL, d[2], reason, user, e);
        moved = true;
      }
    }
    /* Events the new schedule drops (a dropped visit with a date was refused
    ** as an orphan; a dropped procedure or MRI keeps its form). */
    for (size_t j = p->ev_first; !rc && j < p->ev_end; j++) {
      ev_row *v = &r.ev[j];
      if (v->kept) continue;
      snprintf(rec, sizeof rec, "patient %s / event %s %s%s%s", p->code, v->kind, v->name, v->side[0] ? " " : "",
               v->side);
      const char *pd[1] = {v->id};
      rc = store_q(s, "DELETE FROM event WHERE id=?", pd, 1, NULL, NULL, e);
      if (!rc) rc = replan_audit(s, rec, "planned", v->planned, NULL, reason, user, e);
      if (!rc) rc = replan_audit(s, rec, "earliest", v->earliest, NULL, reason, user, e);
      if (!rc) rc = replan_audit(s, rec, "latest", v->latest, NULL, reason, user, e);
      out->removed++;
      moved = true;
    }
    if (moved) out->patients++;
  }
  avn_free(sev);
  plan_rd_free(&r);
  return rc;
}

/* Version row and its audit. */
static avn_rc add_version(store *s, long version, const char *yaml, const char *at, const char *by,
                          const char *reason, const char *user, avn_err *e) {
  char v[24], record[48], hash[65];
  snprintf(v, sizeof v, "%ld", version);
  snprintf(record, sizeof record, "protocol version %ld", version);
  store_text_hash(yaml, hash);
  const char *p[5] = {v, yaml, at, by, reason};
  avn_rc rc = store_q(s, "INSERT INTO protocol_version(version, yaml, amended_at, amended_by, reason)"
                         " VALUES(?,?,?,?,?)", p, 5, NULL, NULL, e);
  if (!rc) rc = store_audit(s, user, "amend", record, "yaml", NULL, hash, reason, e);
  if (!rc) rc = store_audit(s, user, "amend", record, "reason", NULL, reason, reason, e);
  return rc;
}

avn_rc store_protocol_amend(store *s, protocol *np, const char *reason, const char *user, long *version,
                            store_replan *plan, avn_err *e) {
  store_replan local;
  if (!plan) plan = &local;
  memset(plan, 0, sizeof *plan);
  char *last = NULL, *c[3] = {NULL, NULL, NULL}, at[32], oldh[65], newh[65];
  bool found = false, in_tx = false;
  avn_rc rc = AVN_OK;
  if (!reason) return avn_fail(e, AVN_E_REQUIRED, "--reason", NULL, "a protocol amendment needs --reason \"why\"");
  rc = avn_text_check("--reason", reason, AVN_TEXT_REASON, 0, e);
  if (rc) return rc;
  if (strcmp(np->name, s->protocol->name))
    return avn_fail(e, AVN_E_STATE, "name", np->name, "an amendment keeps the protocol's name ('%s')",
                    s->protocol->name);
  if (!strcmp(np->yaml, s->protocol->yaml))
    return avn_fail(e, AVN_E_STATE, "protocol", np->file, "is the protocol the study already has: nothing to amend");
  rc = store_tx_begin(s, e);
  if (rc) return rc;
  in_tx = true;
  rc = check_orphans(s, np, e);
  if (!rc) rc = store_q_one(s, "SELECT max(version) FROM protocol_version", NULL, 0, &last, NULL, e);
  if (!rc) rc = store_q_row(s, "SELECT protocol_yaml, created_at, created_by FROM study WHERE id=1", NULL, 0, c, 3,
                            &found, e);
  if (rc) goto cleanup;
  long n = last ? strtol(last, NULL, 10) : 0;
  if (!n) rc = add_version(s, 1, c[0], c[1], c[2], "as created", user, e);   /* keep the original */
  store_now_iso(at);
  if (!rc) rc = add_version(s, n ? n + 1 : 2, np->yaml, at, user, reason, user, e);
  const char *p[1] = {np->yaml};
  if (!rc) rc = store_q(s, "UPDATE study SET protocol_yaml=? WHERE id=1", p, 1, NULL, NULL, e);
  store_text_hash(c[0] ? c[0] : "", oldh);
  store_text_hash(np->yaml, newh);
  if (!rc) rc = store_audit(s, user, "amend", "study", "protocol_yaml", oldh, newh, reason, e);
  if (!rc && !same_schedule(s->protocol, np)) rc = replan(s, np, reason, user, plan, e);
  if (!rc) rc = store_tx_commit(s, e);
  if (rc) goto cleanup;
  in_tx = false;
  protocol_free(s->protocol);
  s->protocol = np;
  *version = n ? n + 1 : 2;
cleanup:
  if (in_tx) store_tx_rollback(s);
  avn_free(last);
  store_row_free(c, 3);
  return rc;
}
