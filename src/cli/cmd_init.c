/*
** cmd_init.c: `avn init STUDY.db --protocol NAME|FILE`.
*/
#include <stdio.h>

#include "cli/cli.h"
#include "protocol/protocol.h"
#include "store/store.h"

const char cmd_init_usage[] =
    "usage: avn init STUDY.db --protocol NAME|FILE [--user NAME]\n\n"
    "Creates a new study database (SQLite) that follows the protocol: a shipped one\n"
    "by NAME (see 'avn protocol list') or your own YAML file. The protocol is\n"
    "validated and stored inside the study. The file must not exist yet.\n";

int cmd_init(int argc, char **argv) {
  const char *db = NULL, *proto = NULL, *user = store_user_default();
  avn_err e;
  avn_err_clear(&e);
  const cli_option opts[] = {
      {"--protocol", CLI_VALUE, &proto, NULL, NULL, NULL},
      {"--user", CLI_VALUE, &user, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("init", argc, argv, opts, &db, 1, 0, NULL, NULL, NULL);
  if (r) return r;
  if (!db || !proto) return cli_usage_error("init", "give STUDY.db and --protocol");
  protocol *p = NULL;
  store *s = NULL;
  avn_rc rc = protocol_load(proto, &p, &e);
  if (!rc) rc = store_create(db, p, user, &s, &e);
  if (!rc) printf("created %s: protocol '%s' (%s)\n", db, p->name, p->title);
  store_close(s);
  protocol_free(p);
  inst_registry_free();
  return rc ? cli_error("init", &e) : 0;
}
