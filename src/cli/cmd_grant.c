/*
** cmd_grant.c: `avn grant postgresql://... SITE ROLE`.
*/
#include <stdio.h>

#include "cli/cli.h"
#include "store/store.h"

const char cmd_grant_usage[] =
    "usage: avn grant postgresql://USER@HOST/DATABASE SITE ROLE [--user NAME]\n\n"
    "Lets the database role ROLE (created by the server's administrator: CREATE ROLE\n"
    "north_reader LOGIN PASSWORD '...') read SITE's rows and no other site's, with\n"
    "any SQL: PostgreSQL row-level security on every patient table, a second wall\n"
    "behind avn's own site checks. The role sees the site, its screenings and\n"
    "patients and everything about them, and the protocol; never the audit trail,\n"
    "users or sessions. Run it again to add another site to the same role. In a\n"
    "study with named users, an administrator's act (avn login first); --user names\n"
    "the writer only in a study without users. Audited: the trail records who let\n"
    "which role read which site (chained and signed; 'avn audit --verify' does not\n"
    "replay it, as copies of the study do not carry the server's permission).\n"
    "Exit status: 0 granted, 1 refused, 2 usage, 3 busy.\n";

int cmd_grant(int argc, char **argv) {
  const char *pos[3] = {NULL, NULL, NULL}, *user = store_user_default();
  const cli_option opts[] = {{"--user", CLI_VALUE, &user, NULL, NULL, NULL}, {NULL, 0, NULL, NULL, NULL, NULL}};
  avn_err e;
  avn_err_clear(&e);
  int r = cli_parse("grant", argc, argv, opts, pos, 3, 3, "a postgresql:// URI, SITE and ROLE", NULL, NULL);
  if (r) return r;
  store *s = NULL;
  avn_rc rc = cli_open_write(pos[0], &s, &e);
  if (!rc) rc = store_grant_site(s, pos[1], pos[2], user, &e);
  if (!rc) printf("database role %s reads site %s\n", pos[2], pos[1]);
  store_close(s);
  return rc ? cli_error("grant", &e) : 0;
}
