/*
** cmd_sign.c: `avn sign STUDY.db PATIENT [--visit V] --meaning TEXT`.
*/
#include <sodium.h>
#include <stdio.h>

#include "cli/cli.h"
#include "store/store.h"

const char cmd_sign_usage[] =
    "usage: avn sign STUDY.db PATIENT [--visit V] --meaning TEXT [--password-stdin]\n\n"
    "The investigator's signature of one visit (--visit) or of the patient's whole\n"
    "casebook, with what it means (e.g. --meaning \"I reviewed these data and they are\n"
    "accurate\"). The logged-in investigator enters their password again (from the\n"
    "terminal without echo, or standard input with --password-stdin). Any later change\n"
    "to the data of that visit (any change to the patient, for the casebook) takes the\n"
    "signature away, in the audit trail too. Only in a study with named users, by an\n"
    "investigator at the patient's site. Audited (sign, unsign).\n";

int cmd_sign(int argc, char **argv) {
  const char *pos[2] = {NULL, NULL}, *visit = NULL, *meaning = NULL;
  bool from_stdin = false;
  char pw[STORE_PASSWORD_MAX + 2] = "";
  avn_err e;
  avn_err_clear(&e);
  const cli_option opts[] = {
      {"--visit", CLI_TEXT, &visit, "a visit name", NULL, NULL},
      {"--meaning", CLI_VALUE, &meaning, NULL, NULL, NULL},
      {"--password-stdin", CLI_FLAG, &from_stdin, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("sign", argc, argv, opts, pos, 2, 2, "STUDY.db PATIENT", NULL, NULL);
  if (r) return r;
  if (!meaning) return cli_usage_error("sign", "--meaning TEXT is required: say what the signature means");
  store *s = NULL;
  avn_rc rc = cli_open_write(pos[0], &s, &e);
  if (!rc && store_has_accounts(s)) rc = cli_password(from_stdin, "your password, to sign: ", pw, sizeof pw, &e);
  if (!rc) rc = store_sign(s, pos[1], visit, meaning, pw, &e);
  sodium_memzero(pw, sizeof pw);
  if (!rc) printf("signed %s %s as %s\n", pos[1], visit ? visit : "casebook", store_actor(s));
  store_close(s);
  inst_registry_free();
  return rc ? cli_error("sign", &e) : 0;
}
