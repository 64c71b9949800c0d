/*
** monitor.c: the monitoring rules (monitor.h). Formerly inside avn check;
** the wording of each detail line is avn check's. Limits on computed
** scores read the analysis dataset's scores (frame_scores: each form scored
** once), never a scoring of their own.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/monitor.h"
#include "protocol/limits.h"

static const char *const kind_names[MON_N_KINDS] = {
    [MON_OVERDUE] = "overdue",
    [MON_OUT_OF_WINDOW] = "out_of_window",
    [MON_MISSING_FORM] = "missing_form",
    [MON_UNSCHEDULED_FORM] = "unscheduled_form",
    [MON_INCOMPLETE_FORM] = "incomplete_form",
    [MON_DEVIATION] = "deviation",
    [MON_READER_DISAGREEMENT] = "reader_disagreement",
    [MON_SECOND_ENTRY_MISSING] = "second_entry_missing",
    [MON_ENTRY_MISMATCH] = "entry_mismatch",
    [MON_CODED_MISSING] = "coded_missing",
};

const char *monitor_kind_name(monitor_kind k) { return k < MON_N_KINDS ? kind_names[k] : "?"; }

monitor_kind monitor_kind_parse(const char *name) {
  for (int k = 0; name && k < MON_N_KINDS; k++)
    if (!strcmp(kind_names[k], name)) return (monitor_kind)k;
  return MON_N_KINDS;
}

const char *monitor_id(char *buf, size_t n, monitor_kind k, const char *patient, const char *visit,
                       const char *form, int side, const char *item) {
  snprintf(buf, n, "%s/%s/%s/%s/%s/%s", monitor_kind_name(k), patient ? patient : "-", visit && *visit ? visit : "-",
           form ? form : "-", side ? side_name(side) : "-", item ? item : "-");
  return buf;
}

typedef struct walk {
  const store_study *st;
  const frame_scores *sc;    /* st's forms scored; NULL when no deviation is asked for */
  unsigned kinds, flags;
  monitor_handler h;
  void *ctx;
  int stop;
} walk;

static int ack_cmp(const void *key, const void *elem) {
  return strcmp(key, ((const store_ack *)elem)->finding);
}

/* Whether the walk hands findings of kind k (so a rule not asked for is
** not even evaluated: the report asks for deviations alone). */
static bool wants(const walk *w, monitor_kind k) { return !w->kinds || (w->kinds & (1u << k)); }

/* Fills in the id, the acknowledgement and the call; f->detail set by the
** caller. */
static void emit(walk *w, monitor_finding *f) {
  if (w->stop || !wants(w, f->kind)) return;
  char id[512], form[200];
  f->patient_code = w->st->patients[f->patient].code;
  if (f->form && f->instance && *f->instance && f->f && f->f->def && inst_repeats(f->f->def))
    snprintf(form, sizeof form, "%s#%s", f->form, f->instance);
  else snprintf(form, sizeof form, "%s", f->form ? f->form : "-");
  f->id = monitor_id(id, sizeof id, f->kind, f->patient_code, f->visit, form, f->side, f->item);
  if (f->kind == MON_DEVIATION && w->st->n_acks) {
    const store_ack *a = bsearch(id, w->st->acks, w->st->n_acks, sizeof *w->st->acks, ack_cmp);
    if (a && !(w->flags & MONITOR_ACKED)) return;
    f->acked = a != NULL;
    f->ack_reason = a ? a->reason : NULL;
  }
  w->stop = w->h(f, w->ctx);
}

static const char *value_text(const store_form *f, const char *item) {
  for (size_t i = 0; i < f->n_values; i++)
    if (!strcmp(f->values[i].item, item)) return f->values[i].text;
  return NULL;
}

static monitor_finding form_finding(monitor_kind k, const store_form *f) {
  return (monitor_finding){.kind = k, .patient = f->patient, .visit = f->visit, .form = f->instrument,
                           .side = f->side, .entry = f->entry, .f = f, .instance = f->instance};
}

/* Reader disagreement: the reads of one image set (each reader's instance,
** entry 1) differ on an item the definition names (reads: agree_on, the
** reader's stage). One finding per item, naming every reader's value,
** until a consensus read exists (then the analysis uses it: none). Called
** for the group's first read only, so a group is looked at once. */
static void reader_disagreement(walk *w, const store_form *f) {
  const store_study *st = w->st;
  const store_form *const *g = NULL;
  size_t n = store_form_group(st, f->patient, f->visit, f->instrument, f->side, &g);
  char detail[512];
  for (size_t i = 0; i < n; i++)
    if (g[i]->entry == 1 && !strcmp(g[i]->instance, STORE_CONSENSUS)) return;
  for (size_t a = 0; a < inst_n_agree(f->def); a++) {
    const char *item = inst_agree_at(f->def, a), *v1 = NULL, *v2 = NULL;
    size_t used = 0, nreads = 0;
    bool differ = false;
    detail[0] = '\0';
    for (size_t i = 0; i < n; i++) {
      const char *v = g[i]->entry == 1 && g[i]->instance[0] ? value_text(g[i], item) : NULL;
      if (!v) continue;
      if (!v1) v1 = v;
      else if (strcmp(v, v1) && !v2) v2 = v;
      differ |= strcmp(v, v1) != 0;
      int k = snprintf(detail + used, sizeof detail - used, "%sreader %s '%s'", nreads++ ? ", " : "", g[i]->instance, v);
      if (k > 0 && (size_t)k < sizeof detail - used) used += (size_t)k;
    }
    if (!differ) continue;
    char head[600];
    snprintf(head, sizeof head, "%s: %s: a consensus read settles it (--reader %s)", item, detail, STORE_CONSENSUS);
    monitor_finding x = form_finding(MON_READER_DISAGREEMENT, f);
    x.instance = NULL;   /* about the readers' reads together */
    x.item = item;
    x.expected = v1;
    x.actual = v2;
    x.detail = head;
    emit(w, &x);
  }
}

static void deviations(walk *w, const store_form *f) {
  char detail[512], rule[256], val[64];
  inst_response resp = {f->values, f->n_values};
  inst_scores sc;
  bool scored = frame_scores_copy(w->sc, f, &sc);
  limit_breach br[32];
  size_t nb = limits_check(w->st->protocol, f->instrument, &resp, scored ? &sc : NULL, br, 32);
  for (size_t i = 0; i < nb; i++) {
    const proto_limit *l = br[i].limit;
    if (l->is) snprintf(val, sizeof val, "%s", br[i].text ? br[i].text : "?");
    else snprintf(val, sizeof val, "%g", br[i].num);
    snprintf(detail, sizeof detail, "%s = %s: protocol says %s", l->field, val, l->text);
    snprintf(rule, sizeof rule, "%s", l->text ? l->text : l->name);
    monitor_finding x = form_finding(MON_DEVIATION, f);
    x.item = l->field;
    x.expected = rule;
    x.actual = val;
    x.limit = l;
    x.num = br[i].num;
    x.detail = detail;
    emit(w, &x);
  }
}

static void mismatch(walk *w, const store_form *f, const char *item, const char *v1, const char *v2) {
  char detail[512];
  if (store_find_adjudication(w->st, f->patient, f->visit, f->instrument, f->side, f->instance, item)) return;   /* settled */
  /* avn check's wording: an entry-1 blank unquoted, an entry-2 blank quoted */
  snprintf(detail, sizeof detail, "%s: entry 1 %s%s%s, entry 2 '%s'", item, v1 ? "'" : "", v1 ? v1 : "(blank)",
           v1 ? "'" : "", v2 ? v2 : "(blank)");
  monitor_finding x = form_finding(MON_ENTRY_MISMATCH, f);
  x.item = item;
  x.expected = v1;
  x.actual = v2;
  x.detail = detail;
  emit(w, &x);
}

/* The second entry of the same instance (a double entry; for a read, of
** the same reader's read), or NULL. */
static const store_form *double_entry_pair(const store_study *st, const store_form *f) {
  if (f->entry != 1 || !f->def) return NULL;
  const store_form *f2 = store_find_instance(st, f->patient, f->visit, f->instrument, f->side, f->instance, 2);
  return protocol_double_entry(st->protocol, f->instrument) ? f2 : NULL;
}

static void add_rate(monitor_rate *out, size_t *n, size_t max, const char *key, size_t compared, size_t differing) {
  size_t k = 0;
  while (k < *n && strcmp(out[k].key, key)) k++;
  if (k == *n) {
    if (*n == max) return;
    out[(*n)++] = (monitor_rate){key, 0, 0};
  }
  out[k].compared += compared;
  out[k].differing += differing;
}

size_t monitor_discrepancies(const store_study *st, const char *patient, const char *site, bool by_user,
                             monitor_rate *out, size_t max) {
  size_t n = 0;
  for (size_t i = 0; i < st->n_forms; i++) {
    const store_form *f = &st->forms[i];
    const store_patient *p = &st->patients[f->patient];
    const store_form *f2 = double_entry_pair(st, f);
    if (!f2 || (patient && strcmp(patient, p->code)) || (site && strcmp(site, p->site))) continue;
    size_t compared = 0, differing = 0;
    for (size_t j = 0; j < f->n_values; j++) {
      const char *other = value_text(f2, f->values[j].item);
      compared++;
      differing += !other || strcmp(other, f->values[j].text);
    }
    for (size_t j = 0; j < f2->n_values; j++)
      if (!value_text(f, f2->values[j].item)) compared++, differing++;
    if (!by_user) {
      add_rate(out, &n, max, f->instrument, compared, differing);
      continue;
    }
    const char *u1 = f->user ? f->user : "(unknown)", *u2 = f2->user ? f2->user : "(unknown)";
    add_rate(out, &n, max, u1, compared, differing);
    if (strcmp(u1, u2)) add_rate(out, &n, max, u2, compared, differing);
  }
  return n;
}

static void form_rules(walk *w, const store_form *f) {
  const store_study *st = w->st;
  char detail[512];
  if (f->unscheduled && wants(w, MON_UNSCHEDULED_FORM)) {
    snprintf(detail, sizeof detail, "entered at a visit that does not schedule it (entry %d)", f->entry);
    monitor_finding x = form_finding(MON_UNSCHEDULED_FORM, f);
    x.detail = detail;
    emit(w, &x);
  }
  if (!strcmp(f->status, "incomplete") && wants(w, MON_INCOMPLETE_FORM)) {
    inst_response resp = {f->values, f->n_values};
    avn_err e;
    avn_err_clear(&e);
    char names[400], first[128];
    size_t nm = f->def ? inst_missing_required(f->def, &resp, names, sizeof names) : 0;
    monitor_finding x = form_finding(MON_INCOMPLETE_FORM, f);
    if (nm) { /* every missing item in one finding, not the first of ten */
      snprintf(detail, sizeof detail, "incomplete (entry %d): %zu required item%s missing: %s", f->entry, nm,
               nm == 1 ? "" : "s", names);
      snprintf(first, sizeof first, "%.*s", (int)strcspn(names, ","), names); /* the finding's item: the first */
      x.item = first;
    } else {
      if (f->def) inst_check_complete(f->def, &resp, &e);
      snprintf(detail, sizeof detail, "incomplete (entry %d): %s", f->entry,
               e.field[0] ? e.field : "required items missing");
      size_t fl = strlen(f->instrument); /* inst_check_complete names "form.item": the item alone */
      x.item = !e.field[0] ? NULL : !strncmp(e.field, f->instrument, fl) && e.field[fl] == '.' ? e.field + fl + 1 : e.field;
    }
    x.detail = detail;
    emit(w, &x);
  }
  /* Missing-data codes (recorded, not blank), in the definition's item order. */
  char coded[400];
  size_t nc = 0, len = 0;
  for (size_t k = 0; f->def && wants(w, MON_CODED_MISSING) && k < inst_n_items(f->def); k++)
    for (size_t i = 0; i < f->n_values; i++) {
      const inst_value *v = &f->values[i];
      if (!v->code || len >= sizeof coded || v->item != inst_item_at(f->def, k)->name) continue;
      int wr = snprintf(coded + len, sizeof coded - len, "%s%s=%s", nc ? ", " : "", v->item, v->code);
      if (wr > 0) len += (size_t)wr;
      nc++;
    }
  if (nc) {
    snprintf(detail, sizeof detail, "missing-data code%s (entry %d): %s", nc == 1 ? "" : "s", f->entry, coded);
    monitor_finding x = form_finding(MON_CODED_MISSING, f);
    x.detail = detail;
    emit(w, &x);
  }
  if (f->entry != 1 || !f->def) return;
  if (w->sc) deviations(w, f);
  if (!wants(w, MON_READER_DISAGREEMENT) && !wants(w, MON_SECOND_ENTRY_MISSING) && !wants(w, MON_ENTRY_MISMATCH))
    return;
  const store_form *f2 = store_find_instance(st, f->patient, f->visit, f->instrument, f->side, f->instance, 2);
  bool reads = inst_reader_item(f->def) != NULL;
  /* Independent reads may differ in every measurement; only the items the
  ** definition names (the reader's stage) go to a consensus read. */
  if (reads && f == store_find_form(st, f->patient, f->visit, f->instrument, f->side, 1)) reader_disagreement(w, f);
  if (!protocol_double_entry(st->protocol, f->instrument)) return;
  if (!f2 && reads) return;   /* a read's double entry is optional */
  if (!f2) {
    monitor_finding x = form_finding(MON_SECOND_ENTRY_MISSING, f);
    x.entry = 2;
    x.detail = "double entry: entry 2 not done";
    emit(w, &x);
    return;
  }
  for (size_t i = 0; i < f->n_values; i++) {
    const char *other = value_text(f2, f->values[i].item);
    if (!other || strcmp(other, f->values[i].text)) mismatch(w, f, f->values[i].item, f->values[i].text, other);
  }
  for (size_t k = 0; k < f2->n_values; k++)
    if (!value_text(f, f2->values[k].item)) mismatch(w, f, f2->values[k].item, NULL, f2->values[k].text);
}

static void event_rules(walk *w, const store_event *ev, avn_date today) {
  const store_study *st = w->st;
  const store_patient *pt = &st->patients[ev->patient];
  char detail[512], d1[11], d2[11], d3[11], window[32];
  snprintf(window, sizeof window, "%s..%s", avn_date_format(ev->earliest, d2), avn_date_format(ev->latest, d3));
  monitor_finding base = {.patient = ev->patient, .visit = ev->visit, .side = ev->side, .ev = ev,
                          .expected = window};
  if (wants(w, MON_OVERDUE) && !strcmp(store_event_status(st, ev, today), "overdue")) {
    snprintf(detail, sizeof detail, "%s %s overdue: window closed %s", ev->kind, ev->name, avn_date_format(ev->latest, d1));
    monitor_finding x = base;
    x.kind = MON_OVERDUE;
    x.item = strcmp(ev->kind, "visit") ? ev->name : NULL;   /* a procedure or MRI is named; a visit is the visit */
    x.actual = avn_date_format(today, d1);
    x.detail = detail;
    emit(w, &x);
  }
  if (strcmp(ev->kind, "visit") != 0 || !ev->has_actual) return;
  if (ev->actual < ev->earliest || ev->actual > ev->latest) {
    snprintf(detail, sizeof detail, "visit on %s, window %s", avn_date_format(ev->actual, d1), window);
    monitor_finding x = base;
    x.kind = MON_OUT_OF_WINDOW;
    x.side = SIDE_PATIENT;
    x.actual = d1;
    x.detail = detail;
    emit(w, &x);
  }
  const proto_visit *pv = wants(w, MON_MISSING_FORM) ? protocol_find_visit(st->protocol, ev->visit) : NULL;
  for (size_t k = 0; pv && k < pv->n_forms; k++) {
    const inst_def *d = inst_find(pv->forms[k]);
    for (int side = 0; d && side < 3; side++) {
      if (inst_get_level(d) == INST_LEVEL_HIP ? (side == SIDE_PATIENT || !pt->hip[side]) : side != SIDE_PATIENT)
        continue;
      if (store_find_form(st, ev->patient, ev->visit, pv->forms[k], side, 1)) continue;
      if (side != SIDE_PATIENT && store_hip_converted(st, ev->patient, side, ev->actual)) continue;
      monitor_finding x = {.kind = MON_MISSING_FORM, .patient = ev->patient, .visit = ev->visit,
                           .form = pv->forms[k], .side = side, .entry = 1, .ev = ev,
                           .detail = "due at this visit, not entered"};
      emit(w, &x);
    }
  }
}

int monitor_run_scored(const store_study *st, const frame_scores *sc, avn_date today, unsigned kinds,
                       unsigned flags, monitor_handler h, void *ctx) {
  bool deviations = !kinds || (kinds & (1u << MON_DEVIATION));
  walk w = {st, deviations ? sc : NULL, kinds, flags, h, ctx, 0};
  if (deviations && !sc) return MONITOR_NOMEM;
  bool events = wants(&w, MON_OVERDUE) || wants(&w, MON_OUT_OF_WINDOW) || wants(&w, MON_MISSING_FORM);
  for (size_t i = 0; events && i < st->n_events && !w.stop; i++) event_rules(&w, &st->events[i], today);
  for (size_t i = 0; i < st->n_forms && !w.stop; i++) form_rules(&w, &st->forms[i]);
  return w.stop;
}

int monitor_run(const store_study *st, avn_date today, unsigned kinds, unsigned flags, monitor_handler h,
                void *ctx) {
  frame_scores *sc = NULL;
  if (!kinds || (kinds & (1u << MON_DEVIATION))) {
    if (frame_scores_new(st, &sc, NULL) != AVN_OK) return MONITOR_NOMEM;
  }
  int stop = monitor_run_scored(st, sc, today, kinds, flags, h, ctx);
  frame_scores_free(sc);
  return stop;
}

typedef struct find_ctx {
  const char *want;
  monitor_hit *out;
  bool found;
} find_ctx;

static int take_hit(const monitor_finding *x, void *ctx) {
  find_ctx *c = ctx;
  if (strcmp(x->id, c->want) != 0) return 0;
  monitor_hit *h = c->out;
  c->found = true;
  h->kind = x->kind;
  snprintf(h->patient, sizeof h->patient, "%s", x->patient_code);
  snprintf(h->visit, sizeof h->visit, "%s", x->visit ? x->visit : "");
  snprintf(h->form, sizeof h->form, "%s", x->form ? x->form : "");
  snprintf(h->item, sizeof h->item, "%s", x->item ? x->item : "");
  snprintf(h->detail, sizeof h->detail, "%s: %s", monitor_kind_name(x->kind), x->detail ? x->detail : "");
  h->side = x->side;
  h->acked = x->acked;
  return 1;
}

bool monitor_find(const store_study *st, avn_date today, unsigned flags, const char *id, monitor_hit *out) {
  char kind[32];
  find_ctx c = {id, out, false};
  memset(out, 0, sizeof *out);
  snprintf(kind, sizeof kind, "%.*s", (int)strcspn(id, "/"), id);
  monitor_kind k = monitor_kind_parse(kind);
  if (k == MON_N_KINDS) return false;
  monitor_run(st, today, 1u << k, flags, take_hit, &c);
  return c.found;
}
