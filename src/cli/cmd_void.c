/*
** cmd_void.c: `avn void STUDY.db PATIENT VISIT FORM --reason TEXT`, and the
** run shared with `avn restore` (cmd_restore.c).
*/
#include <stdio.h>

#include "cli/cli.h"
#include "store/store.h"

const char cmd_void_usage[] =
    "usage: avn void STUDY.db PATIENT VISIT FORM --reason TEXT [--hip left|right]\n"
    "                [--entry 1|2] [--instance N|--reader NAME] [--user NAME]\n\n"
    "Marks a form entered in error as void (REDCap: 'mark as entered in error'):\n"
    "it stays in the study file with its values and the reason, but is left out of\n"
    "show, analysis, check and the report, and cannot be changed. A THA form entered\n"
    "on the wrong hip, voided, no longer converts that hip. 'avn restore' undoes it.\n"
    "Audited (action void, field voided). A repeating form's instance is named by\n"
    "--instance N (its VISIT may be '-'); a read by --reader NAME.\n";

int cli_void_run(const char *cmd, int argc, char **argv, bool restore) {
  const char *pos[4] = {NULL}, *reason = NULL, *user = store_user_default(), *inst = NULL;
  int hip = -1, entry = 0;
  avn_err e;
  avn_err_clear(&e);
  const cli_option opts[] = {
      CLI_FORM_OPTIONS(&hip, &entry, &inst),
      {"--reason", CLI_VALUE, &reason, NULL, NULL, NULL},
      {"--user", CLI_VALUE, &user, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse(cmd, argc, argv, opts, pos, 4, 4, "STUDY.db PATIENT VISIT FORM", NULL, NULL);
  if (r) return r;
  store_form_ref f = {pos[1], pos[2], pos[3], cli_side(hip), entry + 1, inst};
  store *s = NULL;
  avn_rc rc = cli_open_write(pos[0], &s, &e);
  if (!rc) rc = store_void(s, &f, restore, reason, user, &e);
  if (!rc)
    printf("%s %s %s %s%s%s%s%s entry %d\n", restore ? "restored" : "voided", f.patient, f.visit, f.form,
           f.side ? " " : "", f.side ? side_name(f.side) : "", inst ? " instance " : "", inst ? inst : "", f.entry);
  store_close(s);
  inst_registry_free();
  return rc ? cli_error(cmd, &e) : 0;
}

int cmd_void(int argc, char **argv) { return cli_void_run("void", argc, argv, false); }
