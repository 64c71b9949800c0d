/*
** cmd_withdraw.c: `avn withdraw STUDY.db PATIENT --date D --reason TEXT`.
*/
#include <stdio.h>

#include "cli/cli.h"
#include "store/store.h"

const char cmd_withdraw_usage[] =
    "usage: avn withdraw STUDY.db PATIENT --reason TEXT [--date YYYY-MM-DD] [--user NAME]\n\n"
    "Records that the patient left follow-up on the date (default today) and why.\n"
    "Data entered before stay; visits whose window opens after the date are no longer\n"
    "due (schedule and check show them as 'withdrawn'); the report counts the patient\n"
    "as withdrawn from that visit on. Audited; a patient is withdrawn once.\n";

int cmd_withdraw(int argc, char **argv) {
  const char *db = NULL, *patient = NULL, *reason = NULL, *user = store_user_default();
  avn_date date = avn_date_today();
  avn_err e;
  avn_err_clear(&e);
  for (int i = 1; i < argc;) {
    const char *v;
    int r;
    if ((r = cli_opt(argc, argv, &i, "--date", &v))) {
      if (r < 0 || avn_date_parse(v, &date)) return cli_usage_error("withdraw", "--date needs YYYY-MM-DD");
    } else if ((r = cli_opt(argc, argv, &i, "--reason", &v))) {
      if (r < 0) return cli_usage_error("withdraw", "--reason needs a value");
      reason = v;
    } else if ((r = cli_opt(argc, argv, &i, "--user", &v))) {
      if (r < 0) return cli_usage_error("withdraw", "--user needs a value");
      user = v;
    } else if (argv[i][0] == '-') {
      return cli_usage_error("withdraw", "unknown option '%s'", argv[i]);
    } else if (!db) {
      db = argv[i++];
    } else if (!patient) {
      patient = argv[i++];
    } else {
      return cli_usage_error("withdraw", "unexpected argument '%s'", argv[i]);
    }
  }
  if (!db || !patient) return cli_usage_error("withdraw", "give STUDY.db PATIENT");
  store *s = NULL;
  avn_rc rc = store_open(db, &s, &e);
  if (!rc) rc = store_withdraw(s, patient, date, reason, user, &e);
  if (!rc) {
    char d[11];
    printf("withdrew %s on %s\n", patient, avn_date_format(date, d));
  }
  store_close(s);
  inst_registry_free();
  return rc ? cli_error("withdraw", &e) : 0;
}
