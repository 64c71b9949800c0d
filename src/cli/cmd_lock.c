/*
** cmd_lock.c: `avn lock|unlock STUDY.db (--study | PATIENT [VISIT FORM]) --reason TEXT`.
*/
#include <stdio.h>

#include "cli/cli.h"
#include "store/store.h"

#define LOCK_USAGE(verb)                                                                                          \
  "usage: avn " verb " STUDY.db --study --reason TEXT\n"                                                          \
  "       avn " verb " STUDY.db PATIENT --reason TEXT\n"                                                          \
  "       avn " verb " STUDY.db PATIENT VISIT FORM [--hip left|right] [--entry 1|2]\n"                       \
  "              [--instance N|--reader NAME] --reason TEXT\n\n"

const char cmd_lock_usage[] =
    LOCK_USAGE("lock")
    "Locks a form, a patient's casebook or the whole study, with the reason: a locked\n"
    "record cannot change (no entry, void, amend, visit, verify or sign) until avn\n"
    "unlock. A locked study is a data freeze: the report says when it was locked and\n"
    "by whom, and avn report --final needs it. In a study with named users an\n"
    "administrator or an investigator (at the patient's site) locks a form or a\n"
    "casebook; an administrator locks the study. Audited. --user NAME names the\n"
    "writer in a study without users.\n";

const char cmd_unlock_usage[] =
    LOCK_USAGE("unlock")
    "Unlocks what avn lock locked, with the reason; a form gets back the status it had\n"
    "(complete, verified...). Same roles as avn lock. Audited.\n";

static int lock_run(const char *cmd, int argc, char **argv, bool unlock) {
  const char *pos[4] = {NULL, NULL, NULL, NULL}, *reason = NULL, *user = store_user_default(), *inst = NULL;
  int hip = -1, entry = 0;
  bool study = false;
  avn_err e;
  avn_err_clear(&e);
  const cli_option opts[] = {
      {"--study", CLI_FLAG, &study, NULL, NULL, NULL},
      CLI_FORM_OPTIONS(&hip, &entry, &inst),
      {"--reason", CLI_VALUE, &reason, NULL, NULL, NULL},
      {"--user", CLI_VALUE, &user, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse(cmd, argc, argv, opts, pos, 4, 1, "STUDY.db", NULL, NULL);
  if (r) return r;
  if (study == (pos[1] != NULL)) return cli_usage_error(cmd, "give --study, or PATIENT [VISIT FORM]");
  if (pos[2] && !pos[3]) return cli_usage_error(cmd, "give PATIENT VISIT FORM to %s a form", cmd);
  if ((hip >= 0 || entry) && !pos[3]) return cli_usage_error(cmd, "--hip and --entry go with a form");
  store *s = NULL;
  avn_rc rc = cli_open_write(pos[0], &s, &e);
  if (!rc && study) {
    rc = store_lock_study(s, unlock, reason, user, &e);
    if (!rc) printf("%s the study\n", unlock ? "unlocked" : "locked");
  } else if (!rc && !pos[2]) {
    rc = store_lock_patient(s, pos[1], unlock, reason, user, &e);
    if (!rc) printf("%s %s\n", unlock ? "unlocked" : "locked", pos[1]);
  } else if (!rc) {
    store_form_ref f = {pos[1], pos[2], pos[3], cli_side(hip), entry + 1, inst};
    rc = store_lock_form(s, &f, unlock, reason, user, &e);
    if (!rc)
      printf("%s %s %s %s%s%s entry %d\n", unlock ? "unlocked" : "locked", f.patient, f.visit, f.form,
             f.side ? " " : "", f.side ? side_name(f.side) : "", f.entry);
  }
  store_close(s);
  inst_registry_free();
  return rc ? cli_error(cmd, &e) : 0;
}

int cmd_lock(int argc, char **argv) { return lock_run("lock", argc, argv, false); }
int cmd_unlock(int argc, char **argv) { return lock_run("unlock", argc, argv, true); }
