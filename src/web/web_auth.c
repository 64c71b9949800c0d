/*
** web_auth.c: token login, sessions and CSRF (web_auth.h).
*/
#include "web/web_auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "web/web_parse.h"

typedef struct session {
  bool used;
  char id[WEB_TOKEN_HEX + 1];
  char csrf[WEB_TOKEN_HEX + 1];
  double last;       /* seconds on the monotonic clock */
  char user[65];     /* a named user's login ("" for the operator's token) */
  char store_token[WEB_TOKEN_HEX + 1]; /* that user's store session ("" none) */
} session;

struct web_auth {
  char token[WEB_TOKEN_HEX + 1];
  char *user;
  double idle;
  int fails;                        /* failed logins since the last success */
  double next_try;                  /* no login attempt before this */
  session sessions[WEB_MAX_SESSIONS];
};

static void random_hex(char out[WEB_TOKEN_HEX + 1]) {
  unsigned char raw[WEB_TOKEN_HEX / 2];
  randombytes_buf(raw, sizeof raw);
  sodium_bin2hex(out, WEB_TOKEN_HEX + 1, raw, sizeof raw);
}

/* Constant-time equality of two hex tokens of the expected length. */
static bool token_eq(const char *a, const char *b) {
  if (!web_is_hex(a, WEB_TOKEN_HEX) || !web_is_hex(b, WEB_TOKEN_HEX)) return false;
  return sodium_memcmp(a, b, WEB_TOKEN_HEX) == 0;
}

avn_rc web_auth_create(const char *user, double idle_seconds, web_auth **out, avn_err *e) {
  *out = NULL;
  if (sodium_init() < 0) return avn_fail(e, AVN_E_IO, NULL, NULL, "libsodium could not start (no random source)");
  web_auth *a = avn_calloc(1, sizeof *a);
  if (!a || !(a->user = avn_strdup(user))) {
    avn_free(a);
    return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  }
  random_hex(a->token);
  a->idle = idle_seconds;
  *out = a;
  return AVN_OK;
}

void web_auth_free(web_auth *a) {
  if (!a) return;
  avn_free(a->user);
  sodium_memzero(a, sizeof *a);
  avn_free(a);
}

const char *web_auth_token(const web_auth *a) { return a->token; }

web_login web_auth_gate(web_auth *a, double now, int *wait) {
  *wait = 0;
  if (now < a->next_try) {
    *wait = (int)(a->next_try - now) + 1;
    return WEB_LOGIN_WAIT;
  }
  return WEB_LOGIN_OK;
}

void web_auth_failed(web_auth *a, double now) {
  a->fails++;
  int delay = a->fails > 6 ? WEB_BACKOFF_MAX : 1 << (a->fails - 1);
  a->next_try = now + (delay < WEB_BACKOFF_MAX ? delay : WEB_BACKOFF_MAX);
}

void web_auth_open(web_auth *a, const char *user, const char *store_token, double now, char *sid) {
  a->fails = 0;
  a->next_try = 0;
  session *slot = &a->sessions[0];
  for (size_t i = 0; i < WEB_MAX_SESSIONS; i++) {   /* a free slot, else the least recently used */
    session *s = &a->sessions[i];
    if (!s->used) {
      slot = s;
      break;
    }
    if (s->last < slot->last) slot = s;
  }
  memset(slot, 0, sizeof *slot);
  slot->used = true;
  random_hex(slot->id);
  random_hex(slot->csrf);
  slot->last = now;
  snprintf(slot->user, sizeof slot->user, "%s", user ? user : "");
  snprintf(slot->store_token, sizeof slot->store_token, "%s", store_token ? store_token : "");
  memcpy(sid, slot->id, sizeof slot->id);
}

web_login web_auth_login(web_auth *a, const char *token, double now, char *sid, int *wait) {
  if (web_auth_gate(a, now, wait) != WEB_LOGIN_OK) return WEB_LOGIN_WAIT;
  if (!token || !token_eq(token, a->token)) {
    web_auth_failed(a, now);
    return WEB_LOGIN_REFUSED;
  }
  web_auth_open(a, NULL, NULL, now, sid);
  return WEB_LOGIN_OK;
}

bool web_auth_session(web_auth *a, const char *sid, double now, web_principal *out) {
  if (!sid) return false;
  for (size_t i = 0; i < WEB_MAX_SESSIONS; i++) {
    session *s = &a->sessions[i];
    if (!s->used || !token_eq(sid, s->id)) continue;
    if (now - s->last > a->idle) {
      memset(s, 0, sizeof *s);
      return false;
    }
    s->last = now;
    out->user = s->user[0] ? s->user : a->user;
    out->csrf = s->csrf;
    out->store_token = s->store_token;
    return true;
  }
  return false;
}

bool web_auth_csrf_ok(const web_principal *p, const char *csrf) { return p && token_eq(csrf, p->csrf); }

void web_auth_logout(web_auth *a, const char *sid) {
  for (size_t i = 0; sid && i < WEB_MAX_SESSIONS; i++)
    if (a->sessions[i].used && token_eq(sid, a->sessions[i].id)) memset(&a->sessions[i], 0, sizeof a->sessions[i]);
}
