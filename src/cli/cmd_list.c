/*
** cmd_list.c: `avn list STUDY.db patients|screening|forms [filters] [--json]`:
** the lists a coordinator works from. One store_load, then a filter per row.
*/
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "store/store.h"

const char cmd_list_usage[] =
    "usage: avn list STUDY.db patients  [--site CODE] [--status active|withdrawn|completed] [--json]\n"
    "       avn list STUDY.db screening [--site CODE] [--eligible yes|no] [--json]\n"
    "       avn list STUDY.db forms     [--site CODE] [--patient ID] [--visit V] [--form F]\n"
    "                                   [--status incomplete|complete|verified|locked] [--json]\n\n"
    "patients:  every enrolled patient: site, sex, enrolment date, status, withdrawal\n"
    "           date and reason, hips with their stage.\n"
    "screening: the screening log, every person screened, eligible or not: date,\n"
    "           site, the criteria failed, the patient number if enrolled.\n"
    "forms:     every form entered: patient, visit, form, hip, entry, status.\n"
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
  if (!arr) printf("%-10s %-10s %-14s %-6s %-5s %s\n", "patient", "visit", "form", "hip", "entry", "status");
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
      json_object_set_new(o, "entry", json_integer(f->entry));
      json_object_set_new(o, "status", json_string(f->status));
      json_array_append_new(arr, o);
    } else {
      printf("%-10s %-10s %-14s %-6s %-5d %s\n", p->code, f->visit, f->instrument, f->side ? side_name(f->side) : "-",
             f->entry, f->status);
    }
  }
}

int cmd_list(int argc, char **argv) {
  const char *pos[2] = {NULL, NULL};
  filter fl = {.eligible = -1};
  int eligible = -1;
  bool json = false, elig_given = false;
  static const char *const yes_no[] = {"no", "yes", NULL};
  const cli_option opts[] = {
      {"--site", CLI_TEXT, &fl.site, "a site code", NULL, NULL},
      {"--status", CLI_TEXT, &fl.status, "a status", NULL, NULL},
      {"--patient", CLI_TEXT, &fl.patient, "a patient number", NULL, NULL},
      {"--visit", CLI_TEXT, &fl.visit, "a visit name", NULL, NULL},
      {"--form", CLI_TEXT, &fl.form, "a form name", NULL, NULL},
      {"--eligible", CLI_CHOICE, &eligible, NULL, yes_no, &elig_given},
      {"--json", CLI_FLAG, &json, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("list", argc, argv, opts, pos, 2, 2, "STUDY.db and what to list (patients, screening or forms)",
                    NULL, NULL);
  if (r) return r;
  const char *what = pos[1];
  bool pts = !strcmp(what, "patients"), scr = !strcmp(what, "screening"), frm = !strcmp(what, "forms");
  if (!pts && !scr && !frm) return cli_usage_error("list", "'%s': list patients, screening or forms", what);
  if (elig_given) fl.eligible = eligible;
  if (elig_given && !scr) return cli_usage_error("list", "--eligible applies to the screening list");
  if ((fl.patient || fl.visit || fl.form) && !frm)
    return cli_usage_error("list", "--patient, --visit and --form apply to the forms list");
  if (fl.status && scr) return cli_usage_error("list", "--status applies to patients and forms");
  avn_err e;
  avn_err_clear(&e);
  store *s = NULL;
  store_study *st = NULL;
  avn_rc rc = store_open(pos[0], &s, &e);
  if (!rc) rc = store_load(s, NULL, &st, &e);
  if (!rc) {
    json_t *arr = json ? json_array() : NULL;
    if (pts) list_patients(st, &fl, arr);
    else if (scr) list_screening(st, &fl, arr);
    else list_forms(st, &fl, arr);
    if (arr) {
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
