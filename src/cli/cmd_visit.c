/*
** cmd_visit.c: `avn visit STUDY.db PATIENT VISIT --date D [--reason TEXT]`.
*/
#include <stdio.h>

#include "cli/cli.h"
#include "store/store.h"

const char cmd_visit_usage[] =
    "usage: avn visit STUDY.db PATIENT VISIT --date YYYY-MM-DD [--reason TEXT] [--user NAME]\n\n"
    "Records that the visit took place on the date, without entering a form: for a\n"
    "visit that collects none (e.g. a wound check) or whose forms come later. The\n"
    "rules are avn enter's for --date: not before enrolment, not in the future\n"
    "(today, or $AVN_TODAY), not after the patient's withdrawal; changing a recorded\n"
    "date needs --reason. Schedule, check and the report's flow then count the\n"
    "visit as attended. Audited; a refusal names the field, the value and the rule\n"
    "and writes nothing.\n";

int cmd_visit(int argc, char **argv) {
  const char *pos[3] = {NULL};
  store_visit_req req = {.user = store_user_default()};
  bool has_date = false;
  avn_err e;
  avn_err_clear(&e);
  const cli_option opts[] = {
      {"--date", CLI_DATE, &req.date, NULL, NULL, &has_date},
      {"--reason", CLI_TEXT, &req.reason, "a text", NULL, NULL},
      {"--user", CLI_VALUE, &req.user, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("visit", argc, argv, opts, pos, 3, 3, "STUDY.db PATIENT VISIT", NULL, NULL);
  if (r) return r;
  if (!has_date) return cli_need_date("visit", false);
  const char *db = pos[0];
  req.patient = pos[1];
  req.visit = pos[2];
  store *s = NULL;
  store_visit_change ch = STORE_VISIT_SAME;
  avn_rc rc = cli_open_write(db, &s, &e);
  if (!rc) rc = store_visit(s, &req, &ch, &e);
  if (!rc) {
    static const char *const what[] = {"already recorded", "recorded", "changed"};
    char d[11];
    printf("%s %s on %s: %s\n", req.patient, req.visit, avn_date_format(req.date, d), what[ch]);
  }
  store_close(s);
  inst_registry_free();
  return rc ? cli_error("visit", &e) : 0;
}
