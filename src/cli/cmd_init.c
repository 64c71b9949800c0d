/*
** cmd_init.c: `avn init STUDY.db --protocol NAME|FILE`.
*/
#include <sodium.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "protocol/protocol.h"
#include "store/store.h"

const char cmd_init_usage[] =
    "usage: avn init STUDY.db --protocol NAME|FILE [--admin NAME [--password-stdin]] [--user NAME]\n\n"
    "Creates a new study database (SQLite) that follows the protocol: a shipped one\n"
    "by NAME (see 'avn protocol list') or your own YAML file. The protocol is\n"
    "validated and stored inside the study. The file must not exist yet.\n\n"
    "--admin NAME makes the study's first user, an administrator at site 'main',\n"
    "with the password read from the terminal without echo (or from standard input\n"
    "with --password-stdin); then log in (avn login) before any write. Without\n"
    "--admin the study is single-user: writes are made by --user (or $AVN_USER,\n"
    "else $USER) until 'avn user add' adds its first administrator.\n";

int cmd_init(int argc, char **argv) {
  const char *db = NULL, *proto = NULL, *user = store_user_default(), *admin = NULL;
  bool from_stdin = false;
  char pw[STORE_PASSWORD_MAX + 2] = "";
  avn_err e;
  avn_err_clear(&e);
  const cli_option opts[] = {
      {"--protocol", CLI_VALUE, &proto, NULL, NULL, NULL},
      {"--user", CLI_VALUE, &user, NULL, NULL, NULL},
      {"--admin", CLI_TEXT, &admin, "a user name", NULL, NULL},
      {"--password-stdin", CLI_FLAG, &from_stdin, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("init", argc, argv, opts, &db, 1, 0, NULL, NULL, NULL);
  if (r) return r;
  if (!db || !proto) return cli_usage_error("init", "give STUDY.db and --protocol");
  protocol *p = NULL;
  store *s = NULL;
  if (from_stdin && !admin) return cli_usage_error("init", "--password-stdin goes with --admin");
  avn_rc rc = protocol_load(proto, &p, &e);
  /* The administrator's name and password are checked before the file is made. */
  if (!rc && admin) rc = cli_password(from_stdin, "administrator's password: ", pw, sizeof pw, &e);
  if (!rc && admin) rc = store_user_check(admin, pw, &e);
  if (!rc) rc = store_create(db, p, admin ? admin : user, &s, &e);
  if (!rc && admin) {
    const char *sites[1] = {"main"};
    store_user_req r = {admin, "administrator", sites, 1, pw, admin};
    rc = store_user_add(s, &r, &e);
    if (rc) {   /* no study without its administrator */
      store_close(s);
      s = NULL;
      char side[1100];
      unlink(db);
      snprintf(side, sizeof side, "%s-wal", db);
      unlink(side);
      snprintf(side, sizeof side, "%s-shm", db);
      unlink(side);
    }
  }
  sodium_memzero(pw, sizeof pw);
  if (!rc) printf("created %s: protocol '%s' (%s)%s%s\n", db, p->name, p->title, admin ? ", administrator " : "",
                  admin ? admin : "");
  store_close(s);
  protocol_free(p);
  inst_registry_free();
  return rc ? cli_error("init", &e) : 0;
}
