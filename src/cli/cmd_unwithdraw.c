/*
** cmd_unwithdraw.c: `avn unwithdraw STUDY.db PATIENT --reason TEXT`.
*/
#include <stdio.h>

#include "cli/cli.h"
#include "store/store.h"

const char cmd_unwithdraw_usage[] =
    "usage: avn unwithdraw STUDY.db PATIENT --reason TEXT [--user NAME]\n\n"
    "Reverses a withdrawal recorded in error (or a patient who came back): the\n"
    "patient is active again, with no withdrawal date; visits after the old date\n"
    "are due again. The withdrawal stays in the audit trail with this reason.\n";

int cmd_unwithdraw(int argc, char **argv) {
  const char *pos[2] = {NULL}, *reason = NULL, *user = store_user_default();
  avn_err e;
  avn_err_clear(&e);
  const cli_option opts[] = {
      {"--reason", CLI_VALUE, &reason, NULL, NULL, NULL},
      {"--user", CLI_VALUE, &user, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("unwithdraw", argc, argv, opts, pos, 2, 2, "STUDY.db PATIENT", NULL, NULL);
  if (r) return r;
  store *s = NULL;
  avn_rc rc = cli_open_write(pos[0], &s, &e);
  if (!rc) rc = store_unwithdraw(s, pos[1], reason, user, &e);
  if (!rc) printf("%s is active again (withdrawal reversed)\n", pos[1]);
  store_close(s);
  inst_registry_free();
  return rc ? cli_error("unwithdraw", &e) : 0;
}
