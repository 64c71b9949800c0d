/*
** cmd_verify.c: `avn verify STUDY.db PATIENT VISIT FORM`.
*/
#include <stdio.h>

#include "cli/cli.h"
#include "store/store.h"

const char cmd_verify_usage[] =
    "usage: avn verify STUDY.db PATIENT VISIT FORM [--hip left|right] [--entry 1|2] [--user NAME]\n"
    "                  [--instance N|--reader NAME]\n\n"
    "Source data verification: records that a complete form was checked against its\n"
    "source (status verified). A later change of any value in the form returns it to\n"
    "complete, so it is verified again. In a study with named users, a monitor or an\n"
    "administrator verifies, at the patient's site. Audited (action verify).\n";

int cmd_verify(int argc, char **argv) {
  const char *pos[4] = {NULL}, *user = store_user_default(), *inst = NULL;
  int hip = -1, entry = 0;
  avn_err e;
  avn_err_clear(&e);
  const cli_option opts[] = {
      CLI_FORM_OPTIONS(&hip, &entry, &inst),
      {"--user", CLI_VALUE, &user, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("verify", argc, argv, opts, pos, 4, 4, "STUDY.db PATIENT VISIT FORM", NULL, NULL);
  if (r) return r;
  store_form_ref f = {pos[1], pos[2], pos[3], cli_side(hip), entry + 1, inst};
  store *s = NULL;
  avn_rc rc = cli_open_write(pos[0], &s, &e);
  if (!rc) rc = store_sdv(s, &f, user, &e);
  if (!rc)
    printf("verified %s %s %s%s%s entry %d\n", f.patient, f.visit, f.form, f.side ? " " : "",
           f.side ? side_name(f.side) : "", f.entry);
  store_close(s);
  inst_registry_free();
  return rc ? cli_error("verify", &e) : 0;
}
