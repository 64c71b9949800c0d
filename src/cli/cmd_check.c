/*
** cmd_check.c: `avn check STUDY.db [--today D] [--json]`: what a monitor
** asks first. Reads the study once (store_load) and walks it.
*/
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "protocol/limits.h"
#include "store/store.h"

const char cmd_check_usage[] =
    "usage: avn check STUDY.db [--today YYYY-MM-DD] [--json]\n\n"
    "Lists, per patient: forms due at an attended visit but missing (per hip where\n"
    "the form is per hip; none for a hip after its arthroplasty), incomplete forms\n"
    "(every missing required item in one finding), items given a missing-data code\n"
    "(coded_missing, told apart from blanks),\n"
    "second entries missing for double-entry forms and values where the two entries\n"
    "disagree, forms entered at a visit that does not schedule them\n"
    "(unscheduled_form), visits outside their window, overdue visits, procedures and MRIs,\n"
    "and protocol deviations (values outside the protocol's limits). A form read\n"
    "independently by two readers (an MRI whose entry 2 names another reader) is\n"
    "not a double entry: only the readers' stages are compared, and a difference\n"
    "is listed as reader_disagreement, for a consensus read. Exit status 0;\n"
    "the findings are the output ('findings' in --json). The file is checked first\n"
    "(SQLite quick_check): a damaged study is reported (exit 1), not read. The study\n"
    "is opened read-only.\n";

typedef struct {
  json_t *arr;
  bool json;
  size_t n;
} findings;

static void add(findings *f, const char *patient, const char *kind, const char *visit, const char *form,
                int side, const char *detail) {
  f->n++;
  if (f->json) {
    json_t *o = json_object();
    json_object_set_new(o, "patient", json_string(patient));
    json_object_set_new(o, "kind", json_string(kind));
    json_object_set_new(o, "visit", visit ? json_string(visit) : json_null());
    json_object_set_new(o, "form", form ? json_string(form) : json_null());
    json_object_set_new(o, "hip", side ? json_string(side_name(side)) : json_null());
    json_object_set_new(o, "detail", json_string(detail));
    json_array_append_new(f->arr, o);
  } else {
    printf("%-8s %-19s %-9s %-14s %-6s %s\n", patient, kind, visit ? visit : "-", form ? form : "-",
           side ? side_name(side) : "-", detail);
  }
}

static const char *value_text(const store_form *f, const char *item) {
  for (size_t i = 0; i < f->n_values; i++)
    if (!strcmp(f->values[i].item, item)) return f->values[i].text;
  return NULL;
}

/* true when the form takes independent reads (inst_reader_item) and its two
** entries name different readers (*r1, *r2). */
static bool reads_by_two(const store_form *f, const store_form *f2, const char **r1, const char **r2) {
  const char *ri = f->def ? inst_reader_item(f->def) : NULL;
  if (!ri) return false;
  *r1 = value_text(f, ri);
  *r2 = value_text(f2, ri);
  return *r1 && *r2 && strcmp(*r1, *r2) != 0;
}

static void check_form_values(findings *fd, const store_study *st, const store_form *f) {
  const store_patient *p = &st->patients[f->patient];
  char detail[1024];
  if (f->unscheduled) {
    snprintf(detail, sizeof detail, "entered at a visit that does not schedule it (entry %d)", f->entry);
    add(fd, p->code, "unscheduled_form", f->visit, f->instrument, f->side, detail);
  }
  if (!strcmp(f->status, "incomplete")) {
    inst_response resp = {f->values, f->n_values};
    avn_err e;
    avn_err_clear(&e);
    char names[400];
    size_t nm = f->def ? inst_missing_required(f->def, &resp, names, sizeof names) : 0;
    if (nm) {   /* every missing item in one finding, not the first of ten */
      snprintf(detail, sizeof detail, "incomplete (entry %d): %zu required item%s missing: %s", f->entry, nm,
               nm == 1 ? "" : "s", names);
    } else {
      if (f->def) inst_check_complete(f->def, &resp, &e);
      snprintf(detail, sizeof detail, "incomplete (entry %d): %s%s%s", f->entry, e.field[0] ? e.field : "",
               e.field[0] ? ": " : "", e.rule[0] ? e.rule : "required items missing");
    }
    add(fd, p->code, "incomplete_form", f->visit, f->instrument, f->side, detail);
  }
  char coded[512];
  size_t nc = 0, len = 0;
  /* missing-data codes (recorded, not blank), in the definition's item order */
  for (size_t k = 0; f->def && k < inst_n_items(f->def); k++) {
    for (size_t i = 0; i < f->n_values; i++) {
      const inst_value *v = &f->values[i];
      if (!v->code || len >= sizeof coded || strcmp(v->item, inst_item_at(f->def, k)->name)) continue;
      int w = snprintf(coded + len, sizeof coded - len, "%s%s=%s", nc ? ", " : "", v->item, v->code);
      if (w > 0) len += (size_t)w;
      nc++;
    }
  }
  if (nc) {
    snprintf(detail, sizeof detail, "missing-data code%s (entry %d): %s", nc == 1 ? "" : "s", f->entry, coded);
    add(fd, p->code, "coded_missing", f->visit, f->instrument, f->side, detail);
  }
  if (f->entry != 1 || !f->def) return;
  inst_response resp = {f->values, f->n_values};
  inst_scores sc;
  avn_err e;
  bool scored = inst_score(f->def, &resp, NULL, 0, &sc, &e) == AVN_OK;
  limit_breach br[32];
  size_t nb = limits_check(st->protocol, f->instrument, &resp, scored ? &sc : NULL, br, 32);
  for (size_t i = 0; i < nb; i++) {
    if (br[i].limit->is)
      snprintf(detail, sizeof detail, "%s = %s: protocol says %s", br[i].limit->field, br[i].text ? br[i].text : "?", br[i].limit->text);
    else
      snprintf(detail, sizeof detail, "%s = %g: protocol says %s", br[i].limit->field, br[i].num, br[i].limit->text);
    add(fd, p->code, "deviation", f->visit, f->instrument, f->side, detail);
  }
  const store_form *f2 = store_find_form(st, f->patient, f->visit, f->instrument, f->side, 2);
  const char *r1 = NULL, *r2 = NULL;
  if (f2 && reads_by_two(f, f2, &r1, &r2)) {
    /* Two independent reads: they may differ in every measurement; only
    ** the items the definition names (the reader's stage) go to consensus. */
    for (size_t a = 0; a < inst_n_agree(f->def); a++) {
      const char *item = inst_agree_at(f->def, a), *v1 = value_text(f, item), *v2 = value_text(f2, item);
      if (!v1 || !v2 || !strcmp(v1, v2)) continue;
      snprintf(detail, sizeof detail, "%s: reader %s '%s', reader %s '%s'", item, r1, v1, r2, v2);
      add(fd, p->code, "reader_disagreement", f->visit, f->instrument, f->side, detail);
    }
    return;
  }
  if (!protocol_double_entry(st->protocol, f->instrument)) return;
  if (!f2) {
    add(fd, p->code, "second_entry_missing", f->visit, f->instrument, f->side, "double entry: entry 2 not done");
    return;
  }
  for (size_t i = 0; i < f->n_values; i++) {
    const char *other = NULL;
    for (size_t k = 0; k < f2->n_values; k++)
      if (!strcmp(f2->values[k].item, f->values[i].item)) other = f2->values[k].text;
    if (other && !strcmp(other, f->values[i].text)) continue;
    snprintf(detail, sizeof detail, "%s: entry 1 '%s', entry 2 '%s'", f->values[i].item, f->values[i].text,
             other ? other : "(blank)");
    add(fd, p->code, "entry_mismatch", f->visit, f->instrument, f->side, detail);
  }
  for (size_t k = 0; k < f2->n_values; k++) {
    bool in1 = false;
    for (size_t i = 0; i < f->n_values; i++) in1 |= !strcmp(f2->values[k].item, f->values[i].item);
    if (in1) continue;
    snprintf(detail, sizeof detail, "%s: entry 1 (blank), entry 2 '%s'", f2->values[k].item, f2->values[k].text);
    add(fd, p->code, "entry_mismatch", f->visit, f->instrument, f->side, detail);
  }
}

int cmd_check(int argc, char **argv) {
  const char *db = NULL;
  avn_date today = avn_date_today();
  findings fd = {0};
  avn_err e;
  avn_err_clear(&e);
  const cli_option opts[] = {
      {"--today", CLI_DATE, &today, NULL, NULL, NULL},
      {"--json", CLI_FLAG, &fd.json, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("check", argc, argv, opts, &db, 1, 1, "STUDY.db", NULL, NULL);
  if (r) return r;
  store *s = NULL;
  store_study *st = NULL;
  avn_rc rc = store_open_read(db, &s, &e);
  if (!rc) rc = store_quick_check(s, &e);   /* a damaged file is reported, never read as if sound */
  if (!rc) rc = store_load(s, NULL, &st, &e);
  if (rc) goto cleanup;
  if (fd.json) fd.arr = json_array();
  else printf("%-8s %-19s %-9s %-14s %-6s %s\n", "patient", "finding", "visit", "form", "hip", "detail");
  const protocol *p = st->protocol;
  char detail[512], d1[11], d2[11], d3[11];
  for (size_t i = 0; i < st->n_events; i++) {
    const store_event *ev = &st->events[i];
    const store_patient *pt = &st->patients[ev->patient];
    const char *status = store_event_status(st, ev, today);
    if (!strcmp(status, "overdue")) {
      snprintf(detail, sizeof detail, "%s %s overdue: window closed %s", ev->kind, ev->name, avn_date_format(ev->latest, d1));
      add(&fd, pt->code, "overdue", ev->visit, NULL, ev->side, detail);
    }
    if (strcmp(ev->kind, "visit") != 0 || !ev->has_actual) continue;
    if (ev->actual < ev->earliest || ev->actual > ev->latest) {
      snprintf(detail, sizeof detail, "visit on %s, window %s..%s", avn_date_format(ev->actual, d1),
               avn_date_format(ev->earliest, d2), avn_date_format(ev->latest, d3));
      add(&fd, pt->code, "out_of_window", ev->visit, NULL, SIDE_PATIENT, detail);
    }
    const proto_visit *pv = protocol_find_visit(p, ev->visit);
    for (size_t k = 0; pv && k < pv->n_forms; k++) {
      const inst_def *d = inst_find(pv->forms[k]);
      for (int side = 0; d && side < 3; side++) {
        if (inst_get_level(d) == INST_LEVEL_HIP ? (side == SIDE_PATIENT || !pt->hip[side]) : side != SIDE_PATIENT)
          continue;
        if (store_find_form(st, ev->patient, ev->visit, pv->forms[k], side, 1)) continue;
        if (side != SIDE_PATIENT && store_hip_converted(st, ev->patient, side, ev->actual)) continue;
        add(&fd, pt->code, "missing_form", ev->visit, pv->forms[k], side, "due at this visit, not entered");
      }
    }
  }
  for (size_t i = 0; i < st->n_forms; i++) check_form_values(&fd, st, &st->forms[i]);
  if (fd.json) {
    json_t *o = json_object();
    json_object_set_new(o, "today", json_string(avn_date_format(today, d1)));
    json_object_set_new(o, "n_findings", json_integer((json_int_t)fd.n));
    json_object_set_new(o, "findings", fd.arr);
    cli_print_json(o);
  } else {
    printf("%zu finding%s\n", fd.n, fd.n == 1 ? "" : "s");
  }
cleanup:
  store_study_free(st);
  store_close(s);
  inst_registry_free();
  return rc ? cli_error("check", &e) : 0;
}
