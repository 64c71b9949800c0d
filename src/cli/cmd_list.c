/*
** cmd_list.c: `avn list STUDY.db patients|screening|forms|findings [filters]
** [--json]`: the lists a coordinator works from. One store_load, then a
** filter per row; findings come from the monitoring rules (src/monitor/).
*/
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "monitor/monitor.h"
#include "store/store.h"

const char cmd_list_usage[] =
    "usage: avn list STUDY.db patients  [--site CODE] [--status active|withdrawn|completed] [--json]\n"
    "       avn list STUDY.db screening [--site CODE] [--eligible yes|no] [--json]\n"
    "       avn list STUDY.db forms     [--site CODE] [--patient ID] [--visit V] [--form F]\n"
    "                                   [--status incomplete|complete|verified|locked] [--json]\n"
    "       avn list STUDY.db findings  [--kind KIND] [--patient ID] [--site CODE]\n"
    "                                   [--today YYYY-MM-DD] [--json]\n\n"
    "patients:  every enrolled patient: site, sex, enrolment date, status, withdrawal\n"
    "           date and reason, hips with their stage.\n"
    "screening: the screening log, every person screened, eligible or not: date,\n"
    "           site, the criteria failed, the patient number if enrolled.\n"
    "forms:     every form entered: patient, visit, form, hip, entry, status.\n"
    "findings:  what avn check finds, one row each with its id (the handle for\n"
    "           avn check --ack), acknowledged deviations included and marked;\n"
    "           KIND: overdue, out_of_window, missing_form, unscheduled_form,\n"
    "           incomplete_form, deviation, reader_disagreement, second_entry_missing,\n"
    "           entry_mismatch. Then the double-entry discrepancy rate per form\n"
    "           and per user who typed an entry (from the audit trail): values\n"
    "           compared (items in either entry of a form entered twice by the same\n"
    "           reader), values that differ, and their percentage.\n"
    "Names and phone numbers are never listed here (avn contact shows them).\n";

typedef struct filter {
  const char *site, *status, *patient, *visit, *form;
  int eligible;              /* -1 any, 0 no, 1 yes */
} filter;

static bool keep(const char *want, const char *have) { return !want || (have && !strcmp(want, have)); }

static void list_patients(const store_study *st, const filter *fl, json_t *arr) {
  char d1[11], d2[11];
  if (!arr) printf("%-10s %-8s %-7s %-10s %-10s %-10s %-18s %s\n", "patient", "site", "sex", "enrolled", "status",
                   "withdrawn", "hips", "withdrawal reason");
  for (size_t i = 0; i < st->n_patients; i++) {
    const store_patient *p = &st->patients[i];
    if (!keep(fl->site, p->site) || !keep(fl->status, p->status)) continue;
    char hips[64] = "";
    for (int side = SIDE_LEFT; side <= SIDE_RIGHT; side++)
      if (p->hip[side])
        snprintf(hips + strlen(hips), sizeof hips - strlen(hips), "%s%s %s", hips[0] ? ", " : "",
                 side == SIDE_LEFT ? "L" : "R", p->hip_stage[side] ? p->hip_stage[side] : "?");
    if (arr) {
      json_t *o = json_object(), *h = json_array();
      json_object_set_new(o, "patient", json_string(p->code));
      json_object_set_new(o, "site", json_string(p->site));
      json_object_set_new(o, "sex", json_string(p->sex));
      json_object_set_new(o, "enrolled", json_string(avn_date_format(p->enrolled, d1)));
      json_object_set_new(o, "status", json_string(p->status));
      json_object_set_new(o, "withdrawn", p->withdrawn ? json_string(avn_date_format(p->withdrawn_on, d2)) : json_null());
      json_object_set_new(o, "withdraw_reason", p->withdraw_reason ? json_string(p->withdraw_reason) : json_null());
      for (int side = SIDE_LEFT; side <= SIDE_RIGHT; side++) {
        if (!p->hip[side]) continue;
        json_t *x = json_object();
        json_object_set_new(x, "side", json_string(side_name(side)));
        json_object_set_new(x, "stage", p->hip_stage[side] ? json_string(p->hip_stage[side]) : json_null());
        json_array_append_new(h, x);
      }
      json_object_set_new(o, "hips", h);
      json_array_append_new(arr, o);
    } else {
      printf("%-10s %-8s %-7s %-10s %-10s %-10s %-18s %s\n", p->code, p->site, p->sex, avn_date_format(p->enrolled, d1),
             p->status, p->withdrawn ? avn_date_format(p->withdrawn_on, d2) : "-", hips,
             p->withdraw_reason ? p->withdraw_reason : "");
    }
  }
}

static void list_screening(const store_study *st, const filter *fl, json_t *arr) {
  if (!arr) printf("%-12s %-8s %-10s %-9s %-10s %s\n", "screening", "site", "date", "eligible", "patient", "criteria failed");
  for (size_t i = 0; i < st->n_screenings; i++) {
    const store_screening *sc = &st->screenings[i];
    if (!keep(fl->site, sc->site) || (fl->eligible >= 0 && fl->eligible != (int)sc->eligible)) continue;
    if (arr) {
      json_t *o = json_object();
      json_object_set_new(o, "screening", json_string(sc->code));
      json_object_set_new(o, "site", json_string(sc->site));
      json_object_set_new(o, "date", json_string(sc->date));
      json_object_set_new(o, "eligible", json_boolean(sc->eligible));
      json_object_set_new(o, "patient", sc->patient ? json_string(sc->patient) : json_null());
      json_object_set_new(o, "failed", json_string(sc->failed ? sc->failed : ""));
      json_array_append_new(arr, o);
    } else {
      printf("%-12s %-8s %-10s %-9s %-10s %s\n", sc->code, sc->site, sc->date, sc->eligible ? "yes" : "no",
             sc->patient ? sc->patient : "-", sc->failed && *sc->failed ? sc->failed : "");
    }
  }
}

static void list_forms(const store_study *st, const filter *fl, json_t *arr) {
  if (!arr)
    printf("%-10s %-10s %-14s %-6s %-14s %-5s %s\n", "patient", "visit", "form", "hip", "instance", "entry", "status");
  for (size_t i = 0; i < st->n_forms; i++) {
    const store_form *f = st->form_index[i];
    const store_patient *p = &st->patients[f->patient];
    if (!keep(fl->site, p->site) || !keep(fl->patient, p->code) || !keep(fl->visit, f->visit) ||
        !keep(fl->form, f->instrument) || !keep(fl->status, f->status))
      continue;
    if (arr) {
      json_t *o = json_object();
      json_object_set_new(o, "patient", json_string(p->code));
      json_object_set_new(o, "visit", json_string(f->visit));
      json_object_set_new(o, "form", json_string(f->instrument));
      json_object_set_new(o, "hip", f->side ? json_string(side_name(f->side)) : json_null());
      json_object_set_new(o, "instance", json_string(f->instance));   /* "" for a form's one instance */
      json_object_set_new(o, "entry", json_integer(f->entry));
      json_object_set_new(o, "status", json_string(f->status));
      json_array_append_new(arr, o);
    } else {
      printf("%-10s %-10s %-14s %-6s %-14s %-5d %s\n", p->code, *f->visit ? f->visit : "-", f->instrument,
             f->side ? side_name(f->side) : "-", *f->instance ? f->instance : "-", f->entry, f->status);
    }
  }
}

typedef struct find_list {
  const store_study *st;
  const filter *fl;
  json_t *arr;
  size_t n;
} find_list;

static int list_finding(const monitor_finding *x, void *ctx) {
  find_list *l = ctx;
  const store_patient *p = &l->st->patients[x->patient];
  if (!keep(l->fl->patient, p->code) || !keep(l->fl->site, p->site)) return 0;
  l->n++;
  const char *kind = monitor_kind_name(x->kind), *hip = x->side ? side_name(x->side) : NULL;
  if (!l->arr) {
    printf("%-8s %-20s %-9s %-14s %-6s %-12s %s%s%s\n", p->code, kind, x->visit ? x->visit : "-", x->form ? x->form : "-",
           hip ? hip : "-", x->acked ? "acknowledged" : "open", x->id, x->acked ? "  reason: " : "",
           x->acked ? x->ack_reason : "");
    return 0;
  }
  json_t *o = json_object();
  json_object_set_new(o, "id", json_string(x->id));
  json_object_set_new(o, "patient", json_string(p->code));
  json_object_set_new(o, "kind", json_string(kind));
  json_object_set_new(o, "visit", x->visit ? json_string(x->visit) : json_null());
  json_object_set_new(o, "form", x->form ? json_string(x->form) : json_null());
  json_object_set_new(o, "hip", hip ? json_string(hip) : json_null());
  json_object_set_new(o, "entry", x->entry ? json_integer(x->entry) : json_null());
  json_object_set_new(o, "item", x->item ? json_string(x->item) : json_null());
  json_object_set_new(o, "expected", x->expected ? json_string(x->expected) : json_null());
  json_object_set_new(o, "actual", x->actual ? json_string(x->actual) : json_null());
  json_object_set_new(o, "detail", json_string(x->detail));
  json_object_set_new(o, "acknowledged", json_boolean(x->acked));
  json_object_set_new(o, "ack_reason", x->ack_reason ? json_string(x->ack_reason) : json_null());
  json_array_append_new(l->arr, o);
  return 0;
}

/* The double-entry discrepancy rates per form or per user (monitor_discrepancies). */
static void rate_table(const store_study *st, const filter *fl, bool by_user, json_t *arr) {
  monitor_rate d[64];
  size_t nd = monitor_discrepancies(st, fl->patient, fl->site, by_user, d, 64);
  if (!arr) printf("\n%-14s %-16s %-16s %s\n", by_user ? "user" : "form", "values compared", "values differing", "rate");
  for (size_t i = 0; i < nd; i++) {
    double pct = d[i].compared ? 100.0 * (double)d[i].differing / (double)d[i].compared : 0;
    if (!arr) {
      printf("%-14s %-16zu %-16zu %.1f%%\n", d[i].key, d[i].compared, d[i].differing, pct);
      continue;
    }
    json_t *o = json_object();
    json_object_set_new(o, by_user ? "user" : "form", json_string(d[i].key));
    json_object_set_new(o, "values_compared", json_integer((json_int_t)d[i].compared));
    json_object_set_new(o, "values_differing", json_integer((json_int_t)d[i].differing));
    json_object_set_new(o, "rate_pct", d[i].compared ? json_real(pct) : json_null());
    json_array_append_new(arr, o);
  }
}

/* Findings, then the discrepancy rates. */
static void list_findings(const store_study *st, const filter *fl, unsigned kinds, avn_date today, json_t *out) {
  find_list l = {st, fl, out ? json_array() : NULL, 0};
  if (!out) printf("%-8s %-20s %-9s %-14s %-6s %-12s %s\n", "patient", "finding", "visit", "form", "hip", "status", "id");
  monitor_run(st, today, kinds, MONITOR_ACKED, list_finding, &l);
  json_t *rates = out ? json_array() : NULL, *users = out ? json_array() : NULL;
  if (!out) printf("%zu finding%s\n", l.n, l.n == 1 ? "" : "s");
  rate_table(st, fl, false, rates);
  rate_table(st, fl, true, users);
  if (out) {
    json_object_set_new(out, "findings", l.arr);
    json_object_set_new(out, "discrepancy_rates", rates);
    json_object_set_new(out, "discrepancy_rates_by_user", users);
  }
}

int cmd_list(int argc, char **argv) {
  const char *pos[2] = {NULL, NULL};
  filter fl = {.eligible = -1};
  int eligible = -1;
  bool json = false, elig_given = false;
  const char *kind = NULL;
  avn_date today = avn_date_today();
  static const char *const yes_no[] = {"no", "yes", NULL};
  const cli_option opts[] = {
      {"--site", CLI_TEXT, &fl.site, "a site code", NULL, NULL},
      {"--status", CLI_TEXT, &fl.status, "a status", NULL, NULL},
      {"--patient", CLI_TEXT, &fl.patient, "a patient number", NULL, NULL},
      {"--visit", CLI_TEXT, &fl.visit, "a visit name", NULL, NULL},
      {"--form", CLI_TEXT, &fl.form, "a form name", NULL, NULL},
      {"--eligible", CLI_CHOICE, &eligible, NULL, yes_no, &elig_given},
      {"--kind", CLI_TEXT, &kind, "a finding kind", NULL, NULL},
      {"--today", CLI_DATE, &today, NULL, NULL, NULL},
      {"--json", CLI_FLAG, &json, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("list", argc, argv, opts, pos, 2, 2, "STUDY.db and what to list (patients, screening, forms or findings)",
                    NULL, NULL);
  if (r) return r;
  const char *what = pos[1];
  bool pts = !strcmp(what, "patients"), scr = !strcmp(what, "screening"), frm = !strcmp(what, "forms"),
       fnd = !strcmp(what, "findings");
  if (!pts && !scr && !frm && !fnd)
    return cli_usage_error("list", "'%s': list patients, screening, forms or findings", what);
  monitor_kind k = kind ? monitor_kind_parse(kind) : MON_N_KINDS;
  if (kind && !fnd) return cli_usage_error("list", "--kind applies to the findings list");
  if (kind && k == MON_N_KINDS)
    return cli_usage_error("list", "--kind '%s': one of overdue, out_of_window, missing_form, unscheduled_form, "
                           "incomplete_form, deviation, reader_disagreement, second_entry_missing, entry_mismatch", kind);
  if (elig_given) fl.eligible = eligible;
  if (elig_given && !scr) return cli_usage_error("list", "--eligible applies to the screening list");
  if ((fl.visit || fl.form) && !frm) return cli_usage_error("list", "--visit and --form apply to the forms list");
  if (fl.patient && !frm && !fnd) return cli_usage_error("list", "--patient applies to the forms and findings lists");
  if (fl.status && fnd) return cli_usage_error("list", "--status applies to patients and forms");
  if (fl.status && scr) return cli_usage_error("list", "--status applies to patients and forms");
  avn_err e;
  avn_err_clear(&e);
  store *s = NULL;
  store_study *st = NULL;
  avn_rc rc = cli_open_read(pos[0], &s, &e);   /* reads only (a site's part too); a session when the study has users */
  if (!rc) rc = store_load(s, NULL, &st, &e);
  if (!rc) {
    json_t *arr = json && !fnd ? json_array() : NULL;
    if (pts) list_patients(st, &fl, arr);
    else if (scr) list_screening(st, &fl, arr);
    else if (frm) list_forms(st, &fl, arr);
    if (fnd) {
      json_t *o = json ? json_object() : NULL;
      list_findings(st, &fl, kind ? 1u << k : 0, today, o);
      if (o) cli_print_json(o);
    } else if (arr) {
      json_t *o = json_object();
      json_object_set_new(o, what, arr);
      cli_print_json(o);
    }
  }
  store_study_free(st);
  store_close(s);
  inst_registry_free();
  return rc ? cli_error("list", &e) : 0;
}
