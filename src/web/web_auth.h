/*
** web_auth.h: who is asking. Sessions, CSRF tokens, idle expiry and the
** back-off after failed logins, behind one small interface so the pages
** never see how a person proved who they are.
**
** Two ways in. A study with named users (avn init --admin) takes a user
** name and password, checked by the store (store_login): the session then
** acts as that user, with the user's role and sites, through the store
** session resumed before each request. A study without them takes the local
** token (as Jupyter does): at start
** the server draws 32 random bytes (libsodium), shows them as hex in the
** login link it prints, and whoever presents that token gets a session
** acting as the operator user (--user, else store_user_default(), as the
** command line does). Pages ask web_auth_session() for a principal and
** check its CSRF token, nothing else.
**
** Sessions live in memory (a fixed table; the least recently used one is
** dropped when it is full), so a restart logs everyone out. Session ids and
** CSRF tokens are 32 random bytes in hex; comparisons are constant-time.
** Times are seconds on a monotonic clock (the caller's), so a change of the
** wall clock neither ends nor prolongs a session. Not thread-safe: the server calls it from its one polling thread.
**
** Ownership: web_auth_create returns a handle freed by web_auth_free.
** Strings in a principal are borrowed from the handle until the next call.
*/
#ifndef AVN_WEB_AUTH_H
#define AVN_WEB_AUTH_H

#include <stdbool.h>
#include "core/rc.h"

#define WEB_TOKEN_HEX 64           /* 32 bytes in hex */
#define WEB_MAX_SESSIONS 256
#define WEB_BACKOFF_MAX 60         /* seconds */
#define WEB_BACKOFF_SLOTS 1024     /* user names and addresses remembered (the oldest make way) */
#define WEB_BACKOFF_KEY 96         /* "u:" or "a:" and the name or address, truncated */
#define WEB_BACKOFF_FORGET 900.0   /* seconds after its last failure a key starts afresh */

typedef struct web_auth web_auth;

typedef struct web_principal {
  const char *user;                /* who the store records as the author of a change */
  const char *csrf;                /* the session's CSRF token, put in every form */
  const char *store_token;         /* a named user's store session ("" for the operator's token):
                                      resumed (store_session) before each request */
} web_principal;

typedef enum web_login {
  WEB_LOGIN_OK,
  WEB_LOGIN_REFUSED,               /* wrong credentials (the attempt counts) */
  WEB_LOGIN_WAIT                   /* too soon after a failure: try again later */
} web_login;

/* user: the operator the token session acts as (copied). idle_seconds > 0. */
avn_rc web_auth_create(const char *user, double idle_seconds, web_auth **out /* OUT */, avn_err *e);
void web_auth_free(web_auth *a);
/* The login token of this run (hex, WEB_TOKEN_HEX chars). Borrowed. */
const char *web_auth_token(const web_auth *a);

/* Back-off. Failures are counted per user name and per client address
** (the numeric address as text), each on its own: after n failures of a
** key its next attempt is refused with WEB_LOGIN_WAIT for 1, 2, 4, ... up
** to WEB_BACKOFF_MAX seconds (*wait: the longest of the two that remain).
** A user's success resets the user's count; the address's count is kept
** (it is forgotten WEB_BACKOFF_FORGET seconds after its last failure).
**
** Checks the run's token for a client at addr (may be NULL). On
** WEB_LOGIN_OK a new session's id is written to sid (WEB_TOKEN_HEX + 1
** bytes) and the address's count is reset (there is one token). */
web_login web_auth_login(web_auth *a, const char *token, const char *addr, double now, char *sid /* OUT */,
                         int *wait /* OUT */);
/* The pieces of a password login (the caller checks the password with the
** store): the back-off gate of that user name and address, a failure that
** lengthens both, and a session for a named user whose store session token
** is kept with it. */
web_login web_auth_gate(web_auth *a, const char *user, const char *addr, double now, int *wait /* OUT */);
void web_auth_failed(web_auth *a, const char *user, const char *addr, double now);
void web_auth_open(web_auth *a, const char *user, const char *store_token, double now, char *sid /* OUT */);
/* The session's principal when sid names a live session (used within the
** idle time, which it renews); false otherwise (an expired one is dropped). */
bool web_auth_session(web_auth *a, const char *sid, double now, web_principal *out /* OUT */);
/* Whether a form's CSRF field matches the principal's session. */
bool web_auth_csrf_ok(const web_principal *p, const char *csrf);
void web_auth_logout(web_auth *a, const char *sid);

#endif
