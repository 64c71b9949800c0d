/*
** cmd_user.c: `avn user add|list|disable|passwd STUDY.db ...`.
*/
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

const char cmd_user_usage[] =
    "usage: avn user add STUDY.db NAME --role ROLE --site CODE [--site CODE...] [--password-stdin]\n"
    "       avn user list STUDY.db\n"
    "       avn user disable STUDY.db NAME --reason TEXT\n"
    "       avn user passwd STUDY.db NAME [--password-stdin]\n\n"
    "Named users of the study, each with one role and one or more sites:\n"
    "  administrator  adds sites and users, and does everything below\n"
    "  investigator   enters data at their sites and signs\n"
    "  data_entry     enters data at their sites\n"
    "  monitor        opens queries and verifies source data; changes no data\n"
    "  statistician   reads only, never identifying details\n"
    "  safety_board   reads only\n"
    "A user NAME follows the identifier pattern (letters, digits, '-', '_', '.'; up to\n"
    "32; names differing only in case are the same user).\n"
    "Only an administrator (logged in with avn login) adds, disables or sets another\n"
    "user's password; anyone sets their own. The password (8 to 256 bytes) is read\n"
    "from the terminal without echo, or from the first line of standard input with\n"
    "--password-stdin; never from the command line. It is stored as an Argon2id hash.\n"
    "A study made without an administrator (avn init without --admin, or made before\n"
    "users existed) is single-user until 'avn user add' adds its first administrator\n"
    "(who must be one); from then on every write needs avn login. A disabled user keeps\n"
    "their name in the trail and can no longer log in. Audited.\n";

static int user_add(const char *db, const char *name, const char *role, const char *const *sites, size_t n_sites,
                    bool from_stdin, avn_err *e) {
  char pw[STORE_PASSWORD_MAX + 2];
  store *s = NULL;
  avn_rc rc = cli_password(from_stdin, "new user's password: ", pw, sizeof pw, e);
  if (!rc) rc = cli_open_write(db, &s, e);
  store_user_req r = {name, role, sites, n_sites, pw, store_user_default()};
  if (!rc) rc = store_user_add(s, &r, e);
  if (!rc) printf("added user %s (%s)\n", name, role);
  sodium_memzero(pw, sizeof pw);
  store_close(s);
  return rc ? cli_error("user", e) : 0;
}

int cmd_user(int argc, char **argv) {
  const char *pos[3] = {NULL, NULL, NULL}, *role = NULL, *reason = NULL, *sites[argc > 0 ? argc : 1];
  char *rest[argc > 0 ? argc : 1];
  size_t n_sites = 0, nrest = 0;
  bool from_stdin = false;
  avn_err e;
  avn_err_clear(&e);
  /* --site repeats: gathered before the table parses the rest. */
  char *args[argc > 0 ? argc : 1];
  int n = 0;
  for (int i = 0; i < argc; i++) {
    const char *v = NULL;
    int k = i;
    if (i > 0 && cli_opt(argc, argv, &k, "--site", &v) == 1) {
      sites[n_sites++] = v;
      i = k - 1;
    } else if (i > 0 && !strcmp(argv[i], "--site")) {
      return cli_usage_error("user", "--site needs a site code");
    } else {
      args[n++] = argv[i];
    }
  }
  const cli_option opts[] = {
      {"--role", CLI_TEXT, &role, "a role", NULL, NULL},
      {"--reason", CLI_TEXT, &reason, "a reason", NULL, NULL},
      {"--password-stdin", CLI_FLAG, &from_stdin, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("user", n, args, opts, pos, 3, 2, "add, list, disable or passwd, then STUDY.db", rest, &nrest);
  if (r) return r;
  if (nrest) return cli_usage_error("user", "unexpected argument '%s'", rest[0]);
  const char *verb = pos[0], *db = pos[1], *name = pos[2];
  if (!strcmp(verb, "add")) {
    if (!name || !role || !n_sites) return cli_usage_error("user", "give STUDY.db NAME --role ROLE --site CODE");
    return user_add(db, name, role, sites, n_sites, from_stdin, &e);
  }
  store *s = NULL;
  avn_rc rc = AVN_OK;
  if (!strcmp(verb, "list")) {
    if (name || role || n_sites || reason) return cli_usage_error("user", "avn user list takes STUDY.db only");
    store_user_row *v = NULL;
    size_t nu = 0;
    rc = store_open_read(db, &s, &e);
    if (!rc) rc = store_users(s, &v, &nu, &e);
    for (size_t i = 0; !rc && i < nu; i++)
      printf("%-16s %-14s %-20s%s\n", v[i].name, v[i].role, v[i].sites, v[i].disabled ? " disabled" : "");
    store_users_free(v, nu);
  } else if (!strcmp(verb, "disable")) {
    if (!name || !reason) return cli_usage_error("user", "give STUDY.db NAME --reason TEXT");
    rc = cli_open_write(db, &s, &e);
    if (!rc) rc = store_user_disable(s, name, reason, &e);
    if (!rc) printf("disabled user %s\n", name);
  } else if (!strcmp(verb, "passwd")) {
    char pw[STORE_PASSWORD_MAX + 2];
    if (!name) return cli_usage_error("user", "give STUDY.db NAME");
    rc = cli_open_write(db, &s, &e);
    if (!rc) rc = cli_password(from_stdin, "new password: ", pw, sizeof pw, &e);
    if (!rc) rc = store_user_passwd(s, name, pw, &e);
    if (!rc) printf("set the password of %s\n", name);
    sodium_memzero(pw, sizeof pw);
  } else {
    return cli_usage_error("user", "'%s': say add, list, disable or passwd", verb);
  }
  store_close(s);
  return rc ? cli_error("user", &e) : 0;
}
