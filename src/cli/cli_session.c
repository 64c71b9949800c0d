/*
** cli_session.c: the command line's side of named users (see cli.h):
** reading a password without echo, and keeping a session's token in a
** file only its owner can read, one per study.
**
** The token file lives in $AVN_STATE_DIR, else $XDG_STATE_HOME/avn, else
** ~/.local/state/avn (the XDG base directory specification's state home),
** named after a BLAKE2b hash of the study's real path, mode 0600 in a 0700
** folder. The study keeps only the token's hash (store_user.c).
*/
#define _XOPEN_SOURCE 700   /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/dir.h"
#include "store/store.h"

static avn_rc state_dir(char *out, size_t n, avn_err *e) {
  const char *d = getenv("AVN_STATE_DIR"), *x = getenv("XDG_STATE_HOME"), *h = getenv("HOME");
  if (d && *d) snprintf(out, n, "%s", d);
  else if (x && *x) snprintf(out, n, "%s/avn", x);
  else if (h && *h) snprintf(out, n, "%s/.local/state/avn", h);
  else return avn_fail(e, AVN_E_IO, "AVN_STATE_DIR", NULL, "neither AVN_STATE_DIR, XDG_STATE_HOME nor HOME is set");
  return AVN_OK;
}

avn_rc cli_session_path(const char *db, char *out, size_t n, avn_err *e) {
  char dir[PATH_MAX], real[PATH_MAX], hex[33];
  unsigned char h[16];
  avn_rc rc = state_dir(dir, sizeof dir, e);
  if (rc) return rc;
  /* A server's study (postgresql://...) is named by its URI as given. */
  if (strstr(db, "://"))
    snprintf(real, sizeof real, "%s", db);
  else if (!realpath(db, real))
    return avn_fail(e, AVN_E_IO, db, NULL, "%s", strerror(errno));
  crypto_generichash(h, sizeof h, (const unsigned char *)real, strlen(real), NULL, 0);
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  rc = avn_mkdir_p(dir, e);
  if (rc) return rc;
  if (chmod(dir, 0700) != 0) return avn_fail(e, AVN_E_IO, dir, NULL, "%s", strerror(errno));
  snprintf(out, n, "%s/session-%s", dir, hex);
  return AVN_OK;
}

avn_rc cli_session_save(const char *path, const char *token, avn_err *e) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
  if (fd < 0) return avn_fail(e, AVN_E_IO, path, NULL, "%s", strerror(errno));
  size_t n = strlen(token);
  bool ok = fchmod(fd, 0600) == 0 && write(fd, token, n) == (ssize_t)n && write(fd, "\n", 1) == 1;
  ok &= close(fd) == 0;
  if (!ok) {
    unlink(path);
    return avn_fail(e, AVN_E_IO, path, NULL, "the session could not be saved");
  }
  return AVN_OK;
}

/* The saved token, or "" when there is none. */
static avn_rc session_load(const char *db, char token[STORE_TOKEN_MAX + 1], avn_err *e) {
  char path[PATH_MAX + 64];
  token[0] = '\0';
  avn_rc rc = cli_session_path(db, path, sizeof path, e);
  if (rc) return rc;
  FILE *f = fopen(path, "r");
  if (!f) return AVN_OK;
  if (!fgets(token, STORE_TOKEN_MAX + 1, f)) token[0] = '\0';
  fclose(f);
  token[strcspn(token, "\r\n")] = '\0';
  return AVN_OK;
}

avn_rc cli_session_resume(store *s, const char *db, avn_err *e) {
  char token[STORE_TOKEN_MAX + 1];
  if (!store_has_accounts(s)) return AVN_OK;
  if (cli_user_option())
    return avn_fail(e, AVN_E_STATE, "--user", cli_user_option(), "this study has named users: a command acts as "
                    "the user logged in (avn login %s --user NAME), never as the name --user gives; leave --user "
                    "out", db);
  avn_rc rc = session_load(db, token, e);
  if (rc) return rc;
  if (!token[0])
    return avn_fail(e, AVN_E_STATE, "user", NULL, "this study has named users: log in first (avn login %s --user "
                    "NAME)", db);
  rc = store_session(s, token, e);
  sodium_memzero(token, sizeof token);
  return rc;
}

avn_rc cli_open_read(const char *db, store **s, avn_err *e) {
  avn_rc rc = store_open_read(db, s, e);
  if (!rc) rc = cli_session_resume(*s, db, e);
  return rc;
}

avn_rc cli_open_write(const char *db, store **s, avn_err *e) {
  avn_rc rc = store_open(db, s, e);
  if (!rc) rc = cli_session_resume(*s, db, e);
  return rc;
}

avn_rc cli_password(bool from_stdin, const char *prompt, char *buf, size_t n, avn_err *e) {
  FILE *in = stdin;
  struct termios old, quiet;
  bool tty = false;
  buf[0] = '\0';
  if (!from_stdin) {
    in = fopen("/dev/tty", "r+");
    if (!in)
      return avn_fail(e, AVN_E_REQUIRED, "password", NULL, "no terminal to read it from: give --password-stdin "
                      "and the password on standard input");
    tty = tcgetattr(fileno(in), &old) == 0;
    if (tty) {
      quiet = old;
      quiet.c_lflag &= ~(tcflag_t)ECHO;
      quiet.c_lflag |= ECHONL;
      tcsetattr(fileno(in), TCSAFLUSH, &quiet);
    }
    fprintf(stderr, "%s", prompt);
  }
  bool got = fgets(buf, (int)n, in) != NULL;
  if (tty) tcsetattr(fileno(in), TCSAFLUSH, &old);
  if (in != stdin) fclose(in);
  if (!got) return avn_fail(e, AVN_E_REQUIRED, "password", NULL, "no password was given");
  buf[strcspn(buf, "\r\n")] = '\0';
  return AVN_OK;
}
