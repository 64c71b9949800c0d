/*
** cmd_amend.c: `avn amend STUDY.db PATIENT [--date D] [--sex S] [--birth D]
** [--site CODE] --reason TEXT`.
*/
#include <stdio.h>

#include "cli/cli.h"
#include "store/store.h"

const char cmd_amend_usage[] =
    "usage: avn amend STUDY.db PATIENT --reason TEXT [--date YYYY-MM-DD] [--sex male|female]\n"
    "                 [--birth YYYY-MM-DD] [--site CODE] [--user NAME]\n\n"
    "Corrects enrolment details entered wrongly, under enrolment's rules: the\n"
    "enrolment date (day 0; the planned dates and windows of the schedule move\n"
    "with it, recorded visit dates stay) is not before the screening, not in the\n"
    "future, not after a recorded visit or the withdrawal; the birth date is before\n"
    "enrolment and gives the age recorded at screening. Each changed field is\n"
    "audited with the old value, the new one and the reason; a value already\n"
    "recorded writes nothing.\n";

int cmd_amend(int argc, char **argv) {
  static const char *const sexes[] = {"male", "female", NULL};
  const char *pos[2] = {NULL};
  int sex = -1;
  store_amend_req req = {.user = store_user_default()};
  avn_err e;
  avn_err_clear(&e);
  const cli_option opts[] = {
      {"--date", CLI_DATE, &req.date, NULL, NULL, &req.has_date},
      {"--birth", CLI_DATE, &req.birth, NULL, NULL, &req.has_birth},
      {"--sex", CLI_CHOICE, &sex, NULL, sexes, NULL},
      {"--site", CLI_TEXT, &req.site, "a site code", NULL, NULL},
      {"--reason", CLI_VALUE, &req.reason, NULL, NULL, NULL},
      {"--user", CLI_VALUE, &req.user, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("amend", argc, argv, opts, pos, 2, 2, "STUDY.db PATIENT", NULL, NULL);
  if (r) return r;
  if (!req.has_date && !req.has_birth && sex < 0 && !req.site)
    return cli_usage_error("amend", "give what to amend: --date, --sex, --birth or --site");
  req.patient = pos[1];
  if (sex >= 0) req.sex = sexes[sex];
  store *s = NULL;
  int n = 0;
  avn_rc rc = cli_open_write(pos[0], &s, &e);
  if (!rc) rc = store_amend(s, &req, &n, &e);
  if (!rc) printf("%s: %d field%s amended\n", req.patient, n, n == 1 ? "" : "s");
  store_close(s);
  inst_registry_free();
  return rc ? cli_error("amend", &e) : 0;
}
