/*
** cmd_enroll.c: `avn enroll STUDY.db SCREENING PATIENT --date D --sex S`.
*/
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

const char cmd_enroll_usage[] =
    "usage: avn enroll STUDY.db SCREENING PATIENT --sex male|female [--date YYYY-MM-DD]\n"
    "                  [--birth YYYY-MM-DD] [--name TEXT] [--phone TEXT] [--user NAME]\n\n"
    "Enrols an eligible screened person under a pseudonymous study id (PATIENT).\n"
    "The enrolment date (default today) is day 0 of the schedule. The study hips are\n"
    "the eligible hips of the screening. Name and phone are kept in a separate\n"
    "identity table and never exported by default. If a birth date is given it must\n"
    "agree with the age recorded at screening.\n";

int cmd_enroll(int argc, char **argv) {
  const char *db = NULL;
  store_enroll_req req = {.user = store_user_default(), .date = avn_date_today()};
  avn_err e;
  avn_err_clear(&e);
  for (int i = 1; i < argc;) {
    const char *v;
    int r;
    if ((r = cli_opt(argc, argv, &i, "--date", &v))) {
      if (r < 0 || avn_date_parse(v, &req.date)) return cli_usage_error("enroll", "--date needs YYYY-MM-DD");
    } else if ((r = cli_opt(argc, argv, &i, "--birth", &v))) {
      if (r < 0 || avn_date_parse(v, &req.birth)) return cli_usage_error("enroll", "--birth needs YYYY-MM-DD");
      req.has_birth = true;
    } else if ((r = cli_opt(argc, argv, &i, "--sex", &v))) {
      if (r < 0) return cli_usage_error("enroll", "--sex needs male or female");
      req.sex = v;
    } else if ((r = cli_opt(argc, argv, &i, "--name", &v))) {
      if (r < 0) return cli_usage_error("enroll", "--name needs a value");
      req.name = v;
    } else if ((r = cli_opt(argc, argv, &i, "--phone", &v))) {
      if (r < 0) return cli_usage_error("enroll", "--phone needs a value");
      req.phone = v;
    } else if ((r = cli_opt(argc, argv, &i, "--user", &v))) {
      if (r < 0) return cli_usage_error("enroll", "--user needs a value");
      req.user = v;
    } else if (argv[i][0] == '-') {
      return cli_usage_error("enroll", "unknown option '%s'", argv[i]);
    } else if (!db) {
      db = argv[i++];
    } else if (!req.screening) {
      req.screening = argv[i++];
    } else if (!req.patient) {
      req.patient = argv[i++];
    } else {
      return cli_usage_error("enroll", "unexpected argument '%s'", argv[i]);
    }
  }
  if (!db || !req.screening || !req.patient) return cli_usage_error("enroll", "give STUDY.db SCREENING PATIENT");
  if (!req.sex) return cli_usage_error("enroll", "--sex is required");
  store *s = NULL;
  avn_rc rc = store_open(db, &s, &e);
  if (!rc) rc = store_enroll(s, &req, &e);
  if (!rc) {
    char d[11];
    printf("enrolled %s (screening %s), day 0 = %s\n", req.patient, req.screening, avn_date_format(req.date, d));
  }
  store_close(s);
  inst_registry_free();
  return rc ? cli_error("enroll", &e) : 0;
}
