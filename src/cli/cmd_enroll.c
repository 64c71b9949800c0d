/*
** cmd_enroll.c: `avn enroll STUDY.db SCREENING PATIENT --date D --sex S`.
*/
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

const char cmd_enroll_usage[] =
    "usage: avn enroll STUDY.db SCREENING PATIENT --sex male|female --date YYYY-MM-DD|today\n"
    "                  [--birth YYYY-MM-DD] [--name TEXT] [--phone TEXT] [--user NAME]\n\n"
    "Enrols an eligible screened person under a pseudonymous study id (PATIENT).\n"
    "The enrolment date (--date, required) is day 0 of the schedule. The study hips are\n"
    "the eligible hips of the screening. Name and phone are kept in a separate\n"
    "identity table and never exported by default. If a birth date is given it must\n"
    "agree with the age recorded at screening.\n";

int cmd_enroll(int argc, char **argv) {
  const char *pos[3] = {NULL};
  store_enroll_req req = {.user = store_user_default()};
  bool dated = false;
  avn_err e;
  avn_err_clear(&e);
  const cli_option opts[] = {
      {"--date", CLI_DATE, &req.date, NULL, NULL, &dated},
      {"--birth", CLI_DATE, &req.birth, NULL, NULL, &req.has_birth},
      {"--sex", CLI_VALUE, &req.sex, "male or female", NULL, NULL},
      {"--name", CLI_VALUE, &req.name, NULL, NULL, NULL},
      {"--phone", CLI_VALUE, &req.phone, NULL, NULL, NULL},
      {"--user", CLI_VALUE, &req.user, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("enroll", argc, argv, opts, pos, 3, 3, "STUDY.db SCREENING PATIENT", NULL, NULL);
  if (!r) r = cli_need_date("enroll", dated);
  if (r) return r;
  const char *db = pos[0];
  req.screening = pos[1];
  req.patient = pos[2];
  if (!req.sex) return cli_usage_error("enroll", "--sex is required");
  store *s = NULL;
  avn_rc rc = cli_open_write(db, &s, &e);
  if (!rc) rc = store_enroll(s, &req, &e);
  if (!rc) {
    char d[11];
    printf("enrolled %s (screening %s), day 0 = %s\n", req.patient, req.screening, avn_date_format(req.date, d));
  }
  store_close(s);
  inst_registry_free();
  return rc ? cli_error("enroll", &e) : 0;
}
