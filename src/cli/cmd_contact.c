/*
** cmd_contact.c: `avn contact STUDY.db PATIENT` and `avn contact STUDY.db
** --overdue`: the only command that shows a patient's direct identifiers
** (name, phone), for the coordinator who must call a patient. Reports,
** lists and exports never carry them.
*/
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/mem.h"
#include "store/store.h"

const char cmd_contact_usage[] =
    "usage: avn contact STUDY.db PATIENT [--json]\n"
    "       avn contact STUDY.db --overdue [--today YYYY-MM-DD] [--json]\n\n"
    "Shows the name and phone number recorded at enrolment (avn enroll --name\n"
    "--phone): for one patient, or with --overdue for every patient with an overdue\n"
    "visit, procedure or MRI (as avn schedule --overdue finds them), with what is\n"
    "overdue. This is the only command that shows identifying details; reports,\n"
    "lists and exports never do. In a study with named users it needs avn login and\n"
    "a role that may see them (not statistician or safety_board), and shows only the\n"
    "patients of the user's sites (an administrator's: all).\n";

static json_t *one(store *s, const char *patient, json_t *overdue, avn_err *e) {
  char *name = NULL, *phone = NULL;
  if (store_contact(s, patient, &name, &phone, e)) return NULL;
  json_t *o = json_object();
  json_object_set_new(o, "patient", json_string(patient));
  json_object_set_new(o, "name", name ? json_string(name) : json_null());
  json_object_set_new(o, "phone", phone ? json_string(phone) : json_null());
  if (overdue) json_object_set_new(o, "overdue", overdue);
  avn_free(name);
  avn_free(phone);
  return o;
}

static void print_one(json_t *o) {
  const char *name = json_string_value(json_object_get(o, "name")), *phone = json_string_value(json_object_get(o, "phone"));
  printf("%-10s %-28s %-18s", json_string_value(json_object_get(o, "patient")), name ? name : "(no name recorded)",
         phone ? phone : "(no phone recorded)");
  json_t *od = json_object_get(o, "overdue");
  for (size_t i = 0; i < json_array_size(od); i++) printf("%s%s", i ? ", " : "  overdue: ", json_string_value(json_array_get(od, i)));
  printf("\n");
}

int cmd_contact(int argc, char **argv) {
  const char *pos[2] = {NULL, NULL};
  bool json = false, overdue = false, today_given = false;
  avn_date today = avn_date_today();
  const cli_option opts[] = {
      {"--overdue", CLI_FLAG, &overdue, NULL, NULL, NULL},
      {"--today", CLI_DATE, &today, NULL, NULL, &today_given},
      {"--json", CLI_FLAG, &json, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("contact", argc, argv, opts, pos, 2, 1, "STUDY.db", NULL, NULL);
  if (r) return r;
  if (!overdue == !pos[1]) return cli_usage_error("contact", "give a PATIENT or --overdue");
  if (today_given && !overdue) return cli_usage_error("contact", "--today goes with --overdue");
  avn_err e;
  avn_err_clear(&e);
  store *s = NULL;
  store_study *st = NULL;
  json_t *arr = json_array();
  avn_rc rc = cli_open_write(pos[0], &s, &e);
  if (!rc) rc = store_permit(s, "contact", NULL, &e);
  if (!rc && !overdue) {
    json_t *o = one(s, pos[1], NULL, &e);
    if (!o) rc = e.rc ? e.rc : AVN_E_NOTFOUND;
    else json_array_append_new(arr, o);
  }
  if (!rc && overdue) rc = store_load(s, NULL, &st, &e);
  for (size_t i = 0; !rc && overdue && i < st->n_patients; i++) {
    json_t *od = json_array();
    char what[96];
    for (size_t k = 0; k < st->n_events; k++) {
      const store_event *ev = &st->events[k];
      if (ev->patient != i || strcmp(store_event_status(st, ev, today), "overdue")) continue;
      snprintf(what, sizeof what, "%s %s%s%s", ev->kind, ev->name, ev->side ? " " : "", ev->side ? side_name(ev->side) : "");
      json_array_append_new(od, json_string(what));
    }
    /* A user sees the contact details of their own sites' patients only. */
    if (!json_array_size(od) || store_permit(s, "contact", st->patients[i].code, NULL) != AVN_OK) {
      json_decref(od);
      continue;
    }
    json_t *o = one(s, st->patients[i].code, od, &e);
    if (!o) rc = e.rc ? e.rc : AVN_E_NOTFOUND;
    else json_array_append_new(arr, o);
  }
  if (!rc) {
    if (json) {
      json_t *o = json_object();
      json_object_set_new(o, "contacts", json_incref(arr));
      cli_print_json(o);
    } else {
      for (size_t i = 0; i < json_array_size(arr); i++) print_one(json_array_get(arr, i));
    }
  }
  json_decref(arr);
  store_study_free(st);
  store_close(s);
  inst_registry_free();
  return rc ? cli_error("contact", &e) : 0;
}
