/*
** cmd_login.c: `avn login STUDY.db --user NAME` and `avn logout STUDY.db`.
*/
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "store/store.h"

const char cmd_login_usage[] =
    "usage: avn login STUDY.db --user NAME [--password-stdin] [--hours N]\n\n"
    "Opens a session on a study with named users: every write command that follows\n"
    "acts as NAME, under NAME's role and sites, until the session ends (after\n"
    "--hours, 8 by default, at most 24) or avn logout. The password is read from the\n"
    "terminal without echo, or from standard input with --password-stdin. The study\n"
    "keeps only a hash of the session's random token; the token is kept in a file\n"
    "only you can read (mode 0600) in $AVN_STATE_DIR, else $XDG_STATE_HOME/avn, else\n"
    "~/.local/state/avn, one per study. Audited (login, logout).\n"
    "On a site's part of a study (avn dump --site), which is read and never written,\n"
    "the password is checked against the part's users and nothing is written: the\n"
    "reading commands (audit, report, export, list ...) then act as NAME, writes stay\n"
    "refused, and the login is not audited.\n";

const char cmd_logout_usage[] =
    "usage: avn logout STUDY.db\n\n"
    "Ends the session opened by avn login on the study (in the study and the token\n"
    "file). Audited.\n";

/* The study, opened to write; a site's part (a file), opened to read, its
** site in site[] ("" otherwise). A file that does not open to read gets
** store_open's own error. */
static avn_rc login_open(const char *db, store **s, char site[64], avn_err *e) {
  site[0] = '\0';
  if (!strstr(db, "://") && !store_open_read(db, s, e) && !store_part_site(*s, site, e) && site[0]) return AVN_OK;
  store_close(*s);
  *s = NULL;
  avn_err_clear(e);
  return store_open(db, s, e);
}

int cmd_login(int argc, char **argv) {
  const char *db = NULL, *user = NULL, *hours_s = "8";
  bool from_stdin = false;
  char pw[STORE_PASSWORD_MAX + 2], token[STORE_TOKEN_MAX + 1], path[PATH_MAX + 64], site[64] = "";
  avn_err e;
  avn_err_clear(&e);
  const cli_option opts[] = {
      {"--user", CLI_TEXT, &user, "a user name", NULL, NULL},
      {"--password-stdin", CLI_FLAG, &from_stdin, NULL, NULL, NULL},
      {"--hours", CLI_TEXT, &hours_s, "a number of hours", NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("login", argc, argv, opts, &db, 1, 1, "STUDY.db --user NAME", NULL, NULL);
  if (r) return r;
  if (!user) return cli_usage_error("login", "give --user NAME");
  char *end = NULL;
  long hours = strtol(hours_s, &end, 10);
  if (*end || hours < 1 || hours > 24) return cli_usage_error("login", "--hours takes a whole number from 1 to 24");
  store *s = NULL;
  avn_rc rc = login_open(db, &s, site, &e);
  if (!rc) rc = cli_session_path(db, path, sizeof path, &e);
  if (!rc) rc = cli_password(from_stdin, "password: ", pw, sizeof pw, &e);
  if (!rc) rc = site[0] ? store_part_login(s, user, pw, (int)hours, token, &e)
                        : store_login(s, user, pw, (int)hours, token, &e);
  sodium_memzero(pw, sizeof pw);
  if (!rc) {
    rc = cli_session_save(path, token, &e);
    if (rc) store_logout(s, NULL);
  }
  sodium_memzero(token, sizeof token);
  if (!rc && site[0])
    printf("logged in to %s (site %s's part: read only) as %s for %ld hours\n", db, site, user, hours);
  else if (!rc)
    printf("logged in to %s as %s (%s) for %ld hours\n", db, user, store_role_name(store_actor_role(s)), hours);
  store_close(s);
  return rc ? cli_error("login", &e) : 0;
}

int cmd_logout(int argc, char **argv) {
  const char *db = NULL;
  char path[PATH_MAX + 64];
  avn_err e;
  avn_err_clear(&e);
  int r = cli_parse("logout", argc, argv, NULL, &db, 1, 1, "STUDY.db", NULL, NULL);
  if (r) return r;
  store *s = NULL;
  char site[64];
  avn_rc rc = login_open(db, &s, site, &e);
  if (!rc) rc = cli_session_path(db, path, sizeof path, &e);
  if (!rc && site[0]) {   /* a part's session is only its token file */
    unlink(path);
    printf("logged out of %s\n", db);
    store_close(s);
    return 0;
  }
  if (!rc) {
    rc = cli_session_resume(s, db, &e);
    /* An expired or ended session: its token file goes all the same. */
    if (rc == AVN_E_STATE) unlink(path);
  }
  if (!rc) rc = store_logout(s, &e);
  if (!rc) {
    unlink(path);
    printf("logged out of %s\n", db);
  }
  store_close(s);
  return rc ? cli_error("logout", &e) : 0;
}
