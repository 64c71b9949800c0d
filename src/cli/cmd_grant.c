/*
** cmd_grant.c: `avn grant postgresql://... SITE ROLE` and its inverse,
** `avn revoke postgresql://... SITE ROLE` (store_grant.c).
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
    "users or sessions. Run it again to add another site to the same role; avn\n"
    "revoke takes one away. In a study with named users, an administrator's act\n"
    "(avn login first); --user names the writer only in a study without users.\n"
    "Audited: the trail records who let which role read which site (chained and\n"
    "signed; 'avn audit --verify' does not replay it, as copies of the study do not\n"
    "carry the server's permission).\n"
    "Exit status: 0 granted, 1 refused, 2 usage, 3 busy.\n";

const char cmd_revoke_usage[] =
    "usage: avn revoke postgresql://USER@HOST/DATABASE SITE ROLE [--user NAME]\n\n"
    "Undoes 'avn grant': the database role ROLE no longer reads SITE's rows (from\n"
    "its next statement on). A role left with no site loses its SELECT on the\n"
    "study's tables and reads nothing of the study; one with other sites keeps\n"
    "reading those. Refused when ROLE has no grant for SITE. In a study with named\n"
    "users, an administrator's act (avn login first); --user names the writer only\n"
    "in a study without users. Audited like a grant (action revoke).\n"
    "Exit status: 0 revoked, 1 refused, 2 usage, 3 busy.\n";

typedef avn_rc (*grant_fn)(store *s, const char *site, const char *role, const char *user, avn_err *e);

static int grant_run(const char *cmd, grant_fn fn, const char *done, int argc, char **argv) {
  const char *pos[3] = {NULL, NULL, NULL}, *user = store_user_default();
  const cli_option opts[] = {{"--user", CLI_VALUE, &user, NULL, NULL, NULL}, {NULL, 0, NULL, NULL, NULL, NULL}};
  avn_err e;
  avn_err_clear(&e);
  int r = cli_parse(cmd, argc, argv, opts, pos, 3, 3, "a postgresql:// URI, SITE and ROLE", NULL, NULL);
  if (r) return r;
  store *s = NULL;
  avn_rc rc = cli_open_write(pos[0], &s, &e);
  if (!rc) rc = fn(s, pos[1], pos[2], user, &e);
  if (!rc) printf("database role %s %s site %s\n", pos[2], done, pos[1]);
  store_close(s);
  return rc ? cli_error(cmd, &e) : 0;
}

int cmd_grant(int argc, char **argv) { return grant_run("grant", store_grant_site, "reads", argc, argv); }
int cmd_revoke(int argc, char **argv) {
  return grant_run("revoke", store_revoke_site, "no longer reads", argc, argv);
}
