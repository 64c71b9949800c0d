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

/* The back-off of one user name ("u:NAME") or one client address
** ("a:ADDR"): a failure lengthens it for that key alone, so one person's
** typos never lock out another, and guessing many names from one address
** still backs off. */
typedef struct backoff {
  char key[WEB_BACKOFF_KEY];        /* "" when the slot is free */
  int fails;                        /* failed logins since the last success */
  double next_try;                  /* no login attempt before this */
  double last;                      /* the last failure */
} backoff;

struct web_auth {
  char token[WEB_TOKEN_HEX + 1];
  char *user;
  double idle;
  backoff backoffs[WEB_BACKOFF_SLOTS];
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

/* The slot of key (kind 'u' or 'a'), or NULL; with make, a free slot or the
** one whose last failure is oldest is taken for it. A key whose last
** failure is older than WEB_BACKOFF_FORGET is forgotten. */
static backoff *backoff_slot(web_auth *a, char kind, const char *name, double now, bool make) {
  char key[WEB_BACKOFF_KEY];
  backoff *free_slot = NULL, *oldest = &a->backoffs[0];
  if (!name || !name[0]) return NULL;
  snprintf(key, sizeof key, "%c:%s", kind, name);
  for (size_t i = 0; i < WEB_BACKOFF_SLOTS; i++) {
    backoff *b = &a->backoffs[i];
    if (b->key[0] && now - b->last > WEB_BACKOFF_FORGET) memset(b, 0, sizeof *b);
    if (!b->key[0]) {
      if (!free_slot) free_slot = b;
      continue;
    }
    if (!strcmp(b->key, key)) return b;
    if (b->last < oldest->last) oldest = b;
  }
  if (!make) return NULL;
  backoff *b = free_slot ? free_slot : oldest;
  memset(b, 0, sizeof *b);
  snprintf(b->key, sizeof b->key, "%s", key);
  return b;
}

static void gate_one(web_auth *a, char kind, const char *name, double now, int *wait) {
  backoff *b = backoff_slot(a, kind, name, now, false);
  if (b && now < b->next_try) {
    int w = (int)(b->next_try - now) + 1;
    if (w > *wait) *wait = w;
  }
}

web_login web_auth_gate(web_auth *a, const char *user, const char *addr, double now, int *wait) {
  *wait = 0;
  gate_one(a, 'u', user, now, wait);
  gate_one(a, 'a', addr, now, wait);
  return *wait ? WEB_LOGIN_WAIT : WEB_LOGIN_OK;
}

static void fail_one(web_auth *a, char kind, const char *name, double now) {
  backoff *b = backoff_slot(a, kind, name, now, true);
  if (!b) return;
  b->fails++;
  b->last = now;
  int delay = b->fails > 6 ? WEB_BACKOFF_MAX : 1 << (b->fails - 1);
  b->next_try = now + (delay < WEB_BACKOFF_MAX ? delay : WEB_BACKOFF_MAX);
}

void web_auth_failed(web_auth *a, const char *user, const char *addr, double now) {
  fail_one(a, 'u', user, now);
  fail_one(a, 'a', addr, now);
}

void web_auth_open(web_auth *a, const char *user, const char *store_token, double now, char *sid) {
  /* A success forgives the user name's failures, not the address's: one
  ** account of one's own must not reset the guessing of others'. */
  backoff *b = backoff_slot(a, 'u', user, now, false);
  if (b) memset(b, 0, sizeof *b);
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

web_login web_auth_login(web_auth *a, const char *token, const char *addr, double now, char *sid, int *wait) {
  if (web_auth_gate(a, NULL, addr, now, wait) != WEB_LOGIN_OK) return WEB_LOGIN_WAIT;
  if (!token || !token_eq(token, a->token)) {
    web_auth_failed(a, NULL, addr, now);
    return WEB_LOGIN_REFUSED;
  }
  backoff *b = backoff_slot(a, 'a', addr, now, false);   /* the one token: its holder is forgiven */
  if (b) memset(b, 0, sizeof *b);
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
