/*
** cmd_schedule.c: `avn schedule STUDY.db [--today D] [--overdue] [--json]`.
*/
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

const char cmd_schedule_usage[] =
    "usage: avn schedule STUDY.db [--patient ID] [--today YYYY-MM-DD] [--overdue] [--json]\n\n"
    "Every patient's visits, procedures (e.g. injections) and MRIs with the planned\n"
    "date, the window (earliest-latest) and the status as of --today (default\n"
    "today): done, due (in its window), overdue (window closed, not done),\n"
    "upcoming, withdrawn (the patient left follow-up before its window opened) or\n"
    "converted (a hip's event after that hip's arthroplasty). A visit is done once\n"
    "its date is recorded (avn enter, or avn visit for a visit that collects no\n"
    "form). Months are calendar months from day 0 (enrolment). --overdue lists only\n"
    "overdue events.\n";

int cmd_schedule(int argc, char **argv) {
  const char *db = NULL, *patient = NULL;
  avn_date today = avn_date_today();
  bool json = false, overdue = false;
  avn_err e;
  avn_err_clear(&e);
  const cli_option opts[] = {
      {"--today", CLI_DATE, &today, NULL, NULL, NULL},
      {"--patient", CLI_VALUE, &patient, "an id", NULL, NULL},
      {"--json", CLI_FLAG, &json, NULL, NULL, NULL},
      {"--overdue", CLI_FLAG, &overdue, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("schedule", argc, argv, opts, &db, 1, 1, "STUDY.db", NULL, NULL);
  if (r) return r;
  store *s = NULL;
  store_study *st = NULL;
  avn_rc rc = cli_open_read(db, &s, &e);
  if (!rc) rc = store_load(s, patient, &st, &e);
  if (rc) goto cleanup;
  json_t *arr = json ? json_array() : NULL;
  if (!json) printf("%-8s %-10s %-12s %-6s %-10s %-23s %s\n", "patient", "kind", "name", "hip", "planned", "window", "status");
  for (size_t i = 0; i < st->n_events; i++) {
    const store_event *ev = &st->events[i];
    const char *status = store_event_status(st, ev, today);
    if (overdue && strcmp(status, "overdue") != 0) continue;
    char pl[11], lo[11], hi[11], ac[11];
    avn_date_format(ev->planned, pl);
    avn_date_format(ev->earliest, lo);
    avn_date_format(ev->latest, hi);
    const char *code = st->patients[ev->patient].code;
    if (json) {
      json_t *o = json_object();
      json_object_set_new(o, "patient", json_string(code));
      json_object_set_new(o, "kind", json_string(ev->kind));
      json_object_set_new(o, "name", json_string(ev->name));
      json_object_set_new(o, "visit", json_string(ev->visit));
      json_object_set_new(o, "hip", ev->side ? json_string(side_name(ev->side)) : json_null());
      json_object_set_new(o, "planned", json_string(pl));
      json_object_set_new(o, "earliest", json_string(lo));
      json_object_set_new(o, "latest", json_string(hi));
      json_object_set_new(o, "actual", ev->has_actual ? json_string(avn_date_format(ev->actual, ac)) : json_null());
      json_object_set_new(o, "status", json_string(status));
      json_array_append_new(arr, o);
    } else {
      char win[32];
      snprintf(win, sizeof win, "%s..%s", lo, hi);
      printf("%-8s %-10s %-12s %-6s %-10s %-23s %s\n", code, ev->kind, ev->name,
             ev->side ? side_name(ev->side) : "-", pl, win, status);
    }
  }
  if (json) {
    json_t *o = json_object();
    char t[11];
    json_object_set_new(o, "today", json_string(avn_date_format(today, t)));
    json_object_set_new(o, "events", arr);
    cli_print_json(o);
  }
cleanup:
  store_study_free(st);
  store_close(s);
  inst_registry_free();
  return rc ? cli_error("schedule", &e) : 0;
}
