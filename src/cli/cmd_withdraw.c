/*
** cmd_withdraw.c: `avn withdraw STUDY.db PATIENT --date D --reason TEXT`.
*/
#include <stdio.h>

#include "cli/cli.h"
#include "store/store.h"

const char cmd_withdraw_usage[] =
    "usage: avn withdraw STUDY.db PATIENT --reason TEXT --date YYYY-MM-DD|today [--user NAME]\n\n"
    "Records that the patient left follow-up on the date (--date, required) and why.\n"
    "Data entered before stay; visits whose window opens after the date are no longer\n"
    "due (schedule and check show them as 'withdrawn'); the report counts the patient\n"
    "as withdrawn from that visit on. The date is not before enrolment, not in the\n"
    "future and not before the latest recorded visit. Audited; a patient is\n"
    "withdrawn once.\n";

int cmd_withdraw(int argc, char **argv) {
  const char *pos[2] = {NULL}, *reason = NULL, *user = store_user_default();
  avn_date date = 0;
  bool dated = false;
  avn_err e;
  avn_err_clear(&e);
  const cli_option opts[] = {
      {"--date", CLI_DATE, &date, NULL, NULL, &dated},
      {"--reason", CLI_VALUE, &reason, NULL, NULL, NULL},
      {"--user", CLI_VALUE, &user, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("withdraw", argc, argv, opts, pos, 2, 2, "STUDY.db PATIENT", NULL, NULL);
  if (!r) r = cli_need_date("withdraw", dated);
  if (r) return r;
  const char *db = pos[0], *patient = pos[1];
  store *s = NULL;
  avn_rc rc = cli_open_write(db, &s, &e);
  if (!rc) rc = store_withdraw(s, patient, date, reason, user, &e);
  if (!rc) {
    char d[11];
    printf("withdrew %s on %s\n", patient, avn_date_format(date, d));
  }
  store_close(s);
  inst_registry_free();
  return rc ? cli_error("withdraw", &e) : 0;
}
