/*
** store_user.c: sites, users (accounts), roles and sessions (see store.h).
**
** Passwords: libsodium's Argon2id string (crypto_pwhash_str, interactive
** limits), verified with crypto_pwhash_str_verify; the plain text is never
** stored or audited. The trail records a BLAKE2b fingerprint of the stored
** string ("user NAME", field "password"), so store_verify can replay it
** without the trail holding anything an attacker could test guesses
** against. Sessions: 32 random bytes (randombytes_buf) given to the caller
** as hex; the study keeps only their BLAKE2b hash and the expiry.
*/
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/mem.h"
#include "core/text.h"
#include "store/store_int.h"

static const char *const role_names[STORE_ROLE_N] = {"administrator", "investigator", "data_entry",
                                                     "monitor",       "statistician", "safety_board"};

const char *store_role_name(store_role r) { return r < STORE_ROLE_N ? role_names[r] : "?"; }

int store_role_parse(const char *name) {
  for (int i = 0; name && i < STORE_ROLE_N; i++)
    if (!strcmp(name, role_names[i])) return i;
  return -1;
}

bool store_has_accounts(const store *s) { return s->has_accounts; }
const char *store_actor(const store *s) { return s->actor.set ? s->actor.name : NULL; }
int store_actor_role(const store *s) { return s->actor.set ? s->actor.role : -1; }

avn_rc store_accounts_load(store *s, avn_err *e) {
  char *n = NULL;
  avn_rc rc = store_q_one(s, "SELECT count(*) FROM account", NULL, 0, &n, NULL, e);
  if (!rc) s->has_accounts = n && strcmp(n, "0") != 0;
  avn_free(n);
  return rc;
}

avn_rc store_writer(store *s, const char *user, const char **out, avn_err *e) {
  if (!s->has_accounts) {
    *out = user;
    return AVN_OK;
  }
  if (!s->actor.set)
    return avn_fail(e, AVN_E_STATE, "user", NULL, "this study has named users: log in first (avn login STUDY.db "
                    "--user NAME); nothing was written");
  *out = s->actor.name;
  return AVN_OK;
}

/* Refuses unless the session's user is an administrator (or there are no
** accounts yet and bootstrap allows it). */
static avn_rc need_admin(store *s, const char *action, avn_err *e) {
  if (!s->has_accounts) return AVN_OK;
  if (!s->actor.set) return store_writer(s, NULL, &(const char *){NULL}, e);
  if (s->actor.role == STORE_ROLE_ADMIN) return AVN_OK;
  return avn_fail(e, AVN_E_STATE, "user", s->actor.name, "user %s (role %s) may not %s: administrators only",
                  s->actor.name, store_role_name(s->actor.role), action);
}

static avn_rc password_rule(const char *pw, avn_err *e) {
  size_t n = pw ? strlen(pw) : 0;
  if (n < STORE_PASSWORD_MIN || n > STORE_PASSWORD_MAX)
    return avn_fail(e, AVN_E_RANGE, "password", "(hidden)", "a password has %d to %d bytes (this one has %zu)",
                    STORE_PASSWORD_MIN, STORE_PASSWORD_MAX, n);
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)pw[i] < 0x20 || pw[i] == 0x7f)
      return avn_fail(e, AVN_E_PARSE, "password", "(hidden)", "a password has no control character");
  return AVN_OK;
}

avn_rc store_user_check(const char *name, const char *password, avn_err *e) {
  avn_rc rc = avn_text_check("user", name, AVN_TEXT_ID, 0, e);
  return rc ? rc : password_rule(password, e);
}

static avn_rc hash_password(const char *pw, char out[crypto_pwhash_STRBYTES], char fp[65], avn_err *e) {
  if (crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return avn_fail(e, AVN_E_NOMEM, "password", NULL, "Argon2id hashing ran out of memory");
  store_text_hash(out, fp);
  return AVN_OK;
}

/* --- sites --------------------------------------------------------------- */

avn_rc store_site_add(store *s, const char *code, const char *name, const char *user, avn_err *e) {
  char rec[64];
  const char *who = NULL;
  avn_rc rc = avn_text_check("site", code, AVN_TEXT_ID, 0, e);
  if (!rc) rc = avn_text_check("--name", name, AVN_TEXT_REASON, 0, e);
  if (!rc) rc = need_admin(s, "add a site", e);
  if (!rc) rc = store_writer(s, user, &who, e);
  if (rc) return rc;
  rc = store_tx_begin(s, e);
  if (rc) return rc;
  rc = store_id_unused(s, "site", code, "a site code is used once", e);
  const char *p[2] = {code, name};
  if (!rc) rc = store_q(s, "INSERT INTO site(code,name) VALUES(?,?)", p, 2, NULL, NULL, e);
  snprintf(rec, sizeof rec, "site %s", code);
  if (!rc) rc = store_audit(s, who, "site", rec, "name", NULL, name, NULL, e);
  if (!rc) rc = store_tx_commit(s, e);
  if (rc) store_tx_rollback(s);
  return rc;
}

typedef struct { store_site_row *v; size_t n, cap; bool nomem; } site_list;

static int site_row(void *ctx, int n, const char *const *c) {
  site_list *l = ctx;
  (void)n;
  if (avn_grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v)) return l->nomem = true, 1;
  store_site_row *r = &l->v[l->n++];
  r->code = avn_strdup(c[0]);
  r->name = avn_strdup(c[1] ? c[1] : "");
  l->nomem |= !r->code || !r->name;
  return l->nomem;
}

avn_rc store_sites(store *s, store_site_row **out, size_t *n, avn_err *e) {
  site_list l = {0};
  avn_rc rc = store_q(s, "SELECT code, name FROM site ORDER BY code", NULL, 0, site_row, &l, e);
  if (!rc && l.nomem) rc = AVN_E_NOMEM;
  if (rc) {
    store_sites_free(l.v, l.n);
    return rc;
  }
  *out = l.v;
  *n = l.n;
  return AVN_OK;
}

void store_sites_free(store_site_row *v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    avn_free(v[i].code);
    avn_free(v[i].name);
  }
  avn_free(v);
}

/* --- users --------------------------------------------------------------- */

/* User names compare case-insensitively, like identifiers (core/text.h). */
static avn_rc name_unused(store *s, const char *name, avn_err *e) {
  char key[AVN_ID_MAX + 1], *have = NULL;
  bool found = false;
  avn_id_key(name, key, sizeof key);
  const char *p[1] = {key};
  avn_rc rc = store_q_one(s, "SELECT name FROM account WHERE upper(name)=?", p, 1, &have, &found, e);
  if (!rc && found)
    rc = avn_fail(e, AVN_E_EXISTS, "user", name, "a user name is used once, disabled users keep theirs "
                  "(there is '%s': names differing only in case are the same)", have);
  avn_free(have);
  return rc;
}

avn_rc store_user_add(store *s, const store_user_req *r, avn_err *e) {
  char hash[crypto_pwhash_STRBYTES], fp[65], at[32], rec[96], field[64];
  char *aid = NULL, *sid = NULL;
  const char *who = NULL;
  bool first = !s->has_accounts;
  int role = store_role_parse(r->role);
  avn_rc rc = store_user_check(r->name, r->password, e);
  if (rc) return rc;
  if (role < 0)
    return avn_fail(e, AVN_E_CODE, "--role", r->role ? r->role : "", "a role is administrator, investigator, "
                    "data_entry, monitor, statistician or safety_board");
  if (r->n_sites == 0) return avn_fail(e, AVN_E_REQUIRED, "--site", NULL, "a user works at one site or more");
  if (first && role != STORE_ROLE_ADMIN)
    return avn_fail(e, AVN_E_STATE, "--role", r->role, "the study has no users yet: the first one is an "
                    "administrator");
  rc = need_admin(s, "add a user", e);
  if (rc) return rc;
  who = first ? r->name : s->actor.name;
  rc = hash_password(r->password, hash, fp, e);
  if (rc) return rc;
  rc = store_tx_begin(s, e);
  if (rc) return rc;
  rc = name_unused(s, r->name, e);
  store_now_iso(at);
  const char *p[4] = {r->name, r->role, hash, at};
  if (!rc)
    rc = store_q_one(s, "INSERT INTO account(name,role,pw_hash,created_at) VALUES(?,?,?,?) RETURNING id", p, 4, &aid,
                     NULL, e);
  snprintf(rec, sizeof rec, "user %s", r->name);
  if (!rc) rc = store_audit(s, who, "user", rec, "role", NULL, r->role, NULL, e);
  if (!rc) rc = store_audit(s, who, "user", rec, "password", NULL, fp, NULL, e);
  for (size_t i = 0; !rc && i < r->n_sites; i++) {
    const char *ps[1] = {r->sites[i]};
    bool found = false;
    avn_free(sid);
    sid = NULL;
    rc = store_q_one(s, "SELECT id FROM site WHERE code=?", ps, 1, &sid, &found, e);
    if (!rc && !found) rc = avn_fail(e, AVN_E_NOTFOUND, "--site", r->sites[i], "no such site (avn site add first)");
    const char *pa[2] = {aid, sid};
    if (!rc) rc = store_q(s, "INSERT INTO account_site(account_id,site_id) VALUES(?,?) ON CONFLICT DO NOTHING", pa, 2, NULL, NULL, e);
    snprintf(field, sizeof field, "site %s", r->sites[i]);
    if (!rc) rc = store_audit(s, who, "user", rec, field, NULL, "yes", NULL, e);
  }
  if (!rc) rc = store_tx_commit(s, e);
  if (rc) {
    store_tx_rollback(s);
  } else if (first) {
    /* The first administrator made this handle's writer. */
    s->has_accounts = true;
    s->actor.set = true;
    s->actor.id = strtoll(aid, NULL, 10);
    s->actor.role = STORE_ROLE_ADMIN;
    snprintf(s->actor.name, sizeof s->actor.name, "%s", r->name);
  }
  sodium_memzero(hash, sizeof hash);
  avn_free(aid);
  avn_free(sid);
  return rc;
}

/* The account's id, role and disabled flag, inside a transaction. */
static avn_rc account_find(store *s, const char *name, char *c[3], avn_err *e) {
  bool found = false;
  const char *p[1] = {name};
  avn_rc rc = store_q_row(s, "SELECT id, role, disabled FROM account WHERE name=?", p, 1, c, 3, &found, e);
  if (!rc && !found) rc = avn_fail(e, AVN_E_NOTFOUND, "user", name, "no such user in this study");
  return rc;
}

avn_rc store_user_disable(store *s, const char *name, const char *reason, avn_err *e) {
  char *c[3] = {NULL, NULL, NULL}, rec[96];
  if (!reason || !reason[0]) return avn_fail(e, AVN_E_REQUIRED, "--reason", NULL, "disabling a user needs a reason");
  avn_rc rc = need_admin(s, "disable a user", e);
  if (rc) return rc;
  if (s->actor.set && !strcmp(name, s->actor.name))
    return avn_fail(e, AVN_E_STATE, "user", name, "an administrator does not disable themself (another one does)");
  rc = store_tx_begin(s, e);
  if (rc) return rc;
  rc = account_find(s, name, c, e);
  if (!rc && !strcmp(c[2], "1")) rc = avn_fail(e, AVN_E_STATE, "user", name, "already disabled");
  const char *p[1] = {c[0]};
  if (!rc) rc = store_q(s, "UPDATE account SET disabled=1 WHERE id=?", p, 1, NULL, NULL, e);
  snprintf(rec, sizeof rec, "user %s", name);
  if (!rc) rc = store_audit(s, s->actor.name, "user", rec, "disabled", NULL, "yes", reason, e);
  if (!rc) rc = store_tx_commit(s, e);
  if (rc) store_tx_rollback(s);
  store_row_free(c, 3);
  return rc;
}

avn_rc store_user_passwd(store *s, const char *name, const char *password, avn_err *e) {
  char *c[3] = {NULL, NULL, NULL}, *old = NULL, hash[crypto_pwhash_STRBYTES], fp[65], oldfp[65], rec[96];
  const char *who = NULL;
  avn_rc rc = password_rule(password, e);
  if (!rc) rc = store_writer(s, NULL, &who, e);
  if (rc) return rc;
  if (!s->has_accounts) return avn_fail(e, AVN_E_STATE, "user", name, "this study has no users yet");
  if (strcmp(name, s->actor.name) != 0 && s->actor.role != STORE_ROLE_ADMIN)
    return avn_fail(e, AVN_E_STATE, "user", s->actor.name, "user %s (role %s) may not set another user's password: "
                    "administrators only", s->actor.name, store_role_name(s->actor.role));
  rc = hash_password(password, hash, fp, e);
  if (rc) return rc;
  rc = store_tx_begin(s, e);
  if (rc) return rc;
  rc = account_find(s, name, c, e);
  const char *p0[1] = {c[0]};
  if (!rc) rc = store_q_one(s, "SELECT pw_hash FROM account WHERE id=?", p0, 1, &old, NULL, e);
  if (!rc) store_text_hash(old, oldfp);
  const char *p[2] = {hash, c[0]};
  if (!rc) rc = store_q(s, "UPDATE account SET pw_hash=? WHERE id=?", p, 2, NULL, NULL, e);
  snprintf(rec, sizeof rec, "user %s", name);
  if (!rc) rc = store_audit(s, who, "passwd", rec, "password", oldfp, fp, NULL, e);
  if (!rc) rc = store_tx_commit(s, e);
  if (rc) store_tx_rollback(s);
  sodium_memzero(hash, sizeof hash);
  store_row_free(c, 3);
  avn_free(old);
  return rc;
}

typedef struct { store_user_row *v; size_t n, cap; bool nomem; } user_list;

static int user_row(void *ctx, int n, const char *const *c) {
  user_list *l = ctx;
  (void)n;
  if (avn_grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v)) return l->nomem = true, 1;
  store_user_row *r = &l->v[l->n++];
  r->name = avn_strdup(c[0]);
  r->role = avn_strdup(c[1]);
  r->sites = avn_strdup(c[2] ? c[2] : "");
  r->disabled = c[3] && !strcmp(c[3], "1");
  l->nomem |= !r->name || !r->role || !r->sites;
  return l->nomem;
}

avn_rc store_users(store *s, store_user_row **out, size_t *n, avn_err *e) {
  user_list l = {0};
  avn_rc rc = store_q(s, "SELECT a.name, a.role, (SELECT group_concat(code, ',') FROM (SELECT st.code FROM"
                         " account_site x JOIN site st ON st.id = x.site_id WHERE x.account_id = a.id ORDER BY"
                         " st.code) sites), a.disabled FROM account a ORDER BY a.name", NULL, 0, user_row, &l, e);
  if (!rc && l.nomem) rc = AVN_E_NOMEM;
  if (rc) {
    store_users_free(l.v, l.n);
    return rc;
  }
  *out = l.v;
  *n = l.n;
  return AVN_OK;
}

void store_users_free(store_user_row *v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    avn_free(v[i].name);
    avn_free(v[i].role);
    avn_free(v[i].sites);
  }
  avn_free(v);
}

/* --- sessions ------------------------------------------------------------ */

static void iso_in(time_t t, char out[32]) {
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* c: id, role, disabled, pw_hash of the named user. */
static avn_rc check_password(store *s, const char *name, const char *password, char *c[4], avn_err *e) {
  bool found = false;
  const char *p[1] = {name};
  avn_rc rc = store_q_row(s, "SELECT id, role, disabled, pw_hash FROM account WHERE name=?", p, 1, c, 4, &found, e);
  if (rc) return rc;
  /* A wrong name, a wrong password and a disabled user are refused alike. */
  if (!found || !strcmp(c[2], "1") || !password ||
      crypto_pwhash_str_verify(c[3], password, strlen(password)) != 0)
    return avn_fail(e, AVN_E_STATE, "user", name, "unknown user, wrong password or disabled user");
  return AVN_OK;
}

static avn_rc session_rule(const store *s, const char *name, int hours, avn_err *e) {
  if (!s->has_accounts) return avn_fail(e, AVN_E_STATE, "user", name, "this study has no users (avn user add)");
  if (hours < 1 || hours > 24) {
    char h[16];
    snprintf(h, sizeof h, "%d", hours);
    return avn_fail(e, AVN_E_RANGE, "--hours", h, "a session lasts 1 to 24 hours");
  }
  return AVN_OK;
}

avn_rc store_login(store *s, const char *name, const char *password, int hours, char token[65], avn_err *e) {
  char *c[4] = {NULL, NULL, NULL, NULL}, th[65], rec[64], now[32], until[32];
  unsigned char raw[32];
  avn_rc rc = session_rule(s, name, hours, e);
  if (rc) return rc;
  rc = store_tx_begin(s, e);
  if (rc) return rc;
  rc = check_password(s, name, password, c, e);
  if (rc) goto cleanup;
  randombytes_buf(raw, sizeof raw);
  sodium_bin2hex(token, 65, raw, sizeof raw);
  sodium_memzero(raw, sizeof raw);
  store_text_hash(token, th);
  time_t t = time(NULL);
  iso_in(t, now);
  iso_in(t + (time_t)hours * 3600, until);
  const char *p[4] = {th, c[0], now, until};
  rc = store_q(s, "INSERT INTO session(token_hash,account_id,created_at,expires_at) VALUES(?,?,?,?)", p, 4, NULL,
               NULL, e);
  if (rc) goto cleanup;
  s->actor.set = true;
  s->actor.id = strtoll(c[0], NULL, 10);
  s->actor.role = store_role_parse(c[1]);
  snprintf(s->actor.name, sizeof s->actor.name, "%s", name);
  snprintf(s->actor.session, sizeof s->actor.session, "%s", th);
  snprintf(rec, sizeof rec, "session %.16s", th);
  rc = store_audit(s, name, "login", rec, "user", NULL, name, NULL, e);
  if (!rc) rc = store_audit(s, name, "login", rec, "expires", NULL, until, NULL, e);
  if (!rc) rc = store_tx_commit(s, e);
cleanup:
  if (rc) {
    store_tx_rollback(s);
    memset(&s->actor, 0, sizeof s->actor);
    token[0] = '\0';
  }
  store_row_free(c, 4);
  return rc;
}

/* A site's part (store.h store_part_login): its token is
** "part:" UNTIL ":" MAC ":" NAME, MAC the hex BLAKE2b of the user, the
** expiry and the part (its site and the whole chain's head), keyed by a
** hash of the user's stored password hash: a new password or another part
** makes it void. */
#define PART_TOKEN "part:"
#define PART_UNTIL_LEN 20   /* 2026-12-06T15:00:00Z */

static avn_rc part_mac(store *s, const char *pw_hash, const char *name, const char *until, char out[65],
                       avn_err *e) {
  store_part_links h;
  unsigned char key[32], mac[32];
  crypto_generichash_state st;
  avn_rc rc = store_part_head(s, &h, e);
  if (rc) return rc;
  if (!h.site[0])
    return avn_fail(e, AVN_E_STATE, "session", NULL, "this session is for a site's part of a study (avn dump "
                    "--site), not this study: avn login again");
  crypto_generichash(key, sizeof key, (const unsigned char *)pw_hash, strlen(pw_hash), NULL, 0);
  crypto_generichash_init(&st, key, sizeof key, sizeof mac);
  const char *parts[] = {"avn part session", name, until, h.site, h.whole_head};
  for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
    crypto_generichash_update(&st, (const unsigned char *)parts[i], strlen(parts[i]) + 1);   /* with its NUL */
  crypto_generichash_final(&st, mac, sizeof mac);
  sodium_bin2hex(out, 65, mac, sizeof mac);
  sodium_memzero(key, sizeof key);
  return AVN_OK;
}

avn_rc store_part_login(store *s, const char *name, const char *password, int hours, char token[STORE_TOKEN_MAX + 1],
                        avn_err *e) {
  char *c[4] = {NULL, NULL, NULL, NULL}, until[32], mac[65];
  token[0] = '\0';
  avn_rc rc = session_rule(s, name, hours, e);
  if (!rc) rc = check_password(s, name, password, c, e);
  iso_in(time(NULL) + (time_t)hours * 3600, until);
  if (!rc) rc = part_mac(s, c[3], name, until, mac, e);
  if (!rc) snprintf(token, STORE_TOKEN_MAX + 1, PART_TOKEN "%s:%s:%s", until, mac, name);
  store_row_free(c, 4);
  return rc;
}

/* store_session for a part's token: checked against the part, nothing read
** from or written to a session table. */
static avn_rc part_session(store *s, const char *token, avn_err *e) {
  char until[PART_UNTIL_LEN + 1], mac[65], now[32], *c[4] = {NULL, NULL, NULL, NULL};
  bool found = false;
  const char *t = token + strlen(PART_TOKEN), *name = t + PART_UNTIL_LEN + 1 + 64 + 1;
  if (strlen(t) <= PART_UNTIL_LEN + 1 + 64 + 1 || t[PART_UNTIL_LEN] != ':' || t[PART_UNTIL_LEN + 1 + 64] != ':')
    return avn_fail(e, AVN_E_STATE, "session", NULL, "no such session in this study (logged out?): avn login again");
  snprintf(until, sizeof until, "%.*s", PART_UNTIL_LEN, t);
  const char *p[1] = {name};
  avn_rc rc = store_q_row(s, "SELECT id, role, disabled, pw_hash FROM account WHERE name=?", p, 1, c, 4, &found, e);
  if (!rc && found) rc = part_mac(s, c[3], name, until, mac, e);
  store_now_iso(now);
  if (rc) goto cleanup;
  if (!found || sodium_memcmp(mac, t + PART_UNTIL_LEN + 1, 64) != 0)
    rc = avn_fail(e, AVN_E_STATE, "session", NULL, "no such session in this part (made for another copy, or the "
                  "password changed?): avn login again");
  else if (!strcmp(c[2], "1"))
    rc = avn_fail(e, AVN_E_STATE, "user", name, "user %s is disabled", name);
  else if (strcmp(now, until) >= 0)
    rc = avn_fail(e, AVN_E_STATE, "session", until, "the session of %s expired at %s: avn login again", name, until);
  if (rc) goto cleanup;
  s->actor.set = true;
  s->actor.id = strtoll(c[0], NULL, 10);
  s->actor.role = store_role_parse(c[1]);
  snprintf(s->actor.name, sizeof s->actor.name, "%s", name);
cleanup:
  store_row_free(c, 4);
  return rc;
}

/* A session this batch found valid, as the actor (store.seen): false when
** it is not one of them. Its expiry is checked again: time passes. */
static bool session_seen(store *s, const char *th, const char *now, avn_err *e, avn_rc *rc) {
  for (size_t i = 0; i < s->n_seen; i++) {
    if (strcmp(s->seen[i].session, th) != 0) continue;
    *rc = AVN_OK;
    if (strcmp(now, s->seen[i].expires) >= 0) {
      *rc = avn_fail(e, AVN_E_STATE, "session", s->seen[i].expires, "the session of %s expired at %s: avn login again",
                     s->seen[i].name, s->seen[i].expires);
      return true;
    }
    s->actor.set = true;
    s->actor.id = s->seen[i].id;
    s->actor.role = s->seen[i].role;
    snprintf(s->actor.name, sizeof s->actor.name, "%s", s->seen[i].name);
    snprintf(s->actor.session, sizeof s->actor.session, "%s", th);
    return true;
  }
  return false;
}

avn_rc store_session(store *s, const char *token, avn_err *e) {
  char th[65], now[32], *c[5] = {NULL, NULL, NULL, NULL, NULL};
  bool found = false;
  avn_rc rc = AVN_OK;
  memset(&s->actor, 0, sizeof s->actor);
  if (!token) return AVN_OK;   /* no user: the handle acts for nobody until the next session */
  if (!strncmp(token, PART_TOKEN, strlen(PART_TOKEN))) return part_session(s, token, e);
  store_text_hash(token, th);
  store_now_iso(now);
  if (s->batch && session_seen(s, th, now, e, &rc)) return rc;
  const char *p[1] = {th};
  rc = store_q_row(s, "SELECT a.id, a.role, a.disabled, a.name, x.expires_at FROM session x JOIN account a"
                      " ON a.id = x.account_id WHERE x.token_hash=?", p, 1, c, 5, &found, e);
  if (rc) return rc;
  if (!found)
    rc = avn_fail(e, AVN_E_STATE, "session", NULL, "no such session in this study (logged out?): avn login again");
  else if (!strcmp(c[2], "1"))
    rc = avn_fail(e, AVN_E_STATE, "user", c[3], "user %s is disabled", c[3]);
  else if (strcmp(now, c[4]) >= 0)
    rc = avn_fail(e, AVN_E_STATE, "session", c[4], "the session of %s expired at %s: avn login again", c[3], c[4]);
  if (!rc) {
    s->actor.set = true;
    s->actor.id = strtoll(c[0], NULL, 10);
    s->actor.role = store_role_parse(c[1]);
    snprintf(s->actor.name, sizeof s->actor.name, "%s", c[3]);
    snprintf(s->actor.session, sizeof s->actor.session, "%s", th);
    if (s->batch && s->n_seen < sizeof s->seen / sizeof s->seen[0] && strlen(c[4]) < sizeof s->seen[0].expires) {
      size_t k = s->n_seen++;
      memcpy(s->seen[k].session, th, sizeof th);
      s->seen[k].id = s->actor.id;
      s->seen[k].role = s->actor.role;
      snprintf(s->seen[k].name, sizeof s->seen[k].name, "%s", s->actor.name);
      snprintf(s->seen[k].expires, sizeof s->seen[k].expires, "%s", c[4]);
    }
  }
  store_row_free(c, 5);
  return rc;
}

avn_rc store_logout(store *s, avn_err *e) {
  char rec[64];
  if (!s->actor.set || !s->actor.session[0])
    return avn_fail(e, AVN_E_STATE, "session", NULL, "not logged in to this study");
  avn_rc rc = store_tx_begin(s, e);
  if (rc) return rc;
  const char *p[1] = {s->actor.session};
  rc = store_q(s, "DELETE FROM session WHERE token_hash=?", p, 1, NULL, NULL, e);
  snprintf(rec, sizeof rec, "session %.16s", s->actor.session);
  if (!rc) rc = store_audit(s, s->actor.name, "logout", rec, "user", s->actor.name, NULL, NULL, e);
  if (!rc) rc = store_audit(s, s->actor.name, "logout", rec, "expires", NULL, NULL, NULL, e);
  if (!rc) rc = store_tx_commit(s, e);
  if (rc) store_tx_rollback(s);
  else memset(&s->actor, 0, sizeof s->actor);
  return rc;
}

avn_rc store_password_check(store *s, const char *password, avn_err *e) {
  char *c[4] = {NULL, NULL, NULL, NULL};
  if (!s->actor.set) return avn_fail(e, AVN_E_STATE, "user", NULL, "not logged in to this study");
  avn_rc rc = check_password(s, s->actor.name, password, c, e);
  store_row_free(c, 4);
  return rc;
}

/* --- what each role may do ----------------------------------------------- */

/* The actions that change a patient's data (the audit rows' actions). */
static const char *const data_actions[] = {"enter", "unsign", "screen",   "enroll",     "create", "insert", "update", "clear", "status",
                                           "visit",    "withdraw",   "unwithdraw", "void",   "restore", "amend",
                                           NULL};

static bool in_list(const char *const *l, const char *a) {
  for (; *l; l++)
    if (!strcmp(*l, a)) return true;
  return false;
}

/* The role's actions: administrators every one at every site; the others
** at their own sites only (store_permit). */
static bool role_may(int role, const char *action) {
  /* Settling a double-entry discrepancy and acknowledging a deviation are a
  ** third person's: an investigator's or a monitor's (issue 11). */
  static const char *const monitor[] = {"contact", "query_open", "query_close", "verify", "adjudicate", "ack", NULL};
  static const char *const investigator[] = {"contact", "query_open", "query_answer", "adjudicate", "ack", NULL};
  static const char *const entry[] = {"contact", "query_answer", NULL};
  static const char *const locks[] = {"lock", "unlock", NULL};
  /* A signature is the investigator's own. Reading, at the user's sites:
  ** the safety board the safety data only (its report: adverse events,
  ** conversions, deviations, enrolment and follow-up), every other role the
  ** study's data; identifying dates leave in an export for the roles that
  ** may see contact details, never the statistician's (--deidentified). */
  if (!strcmp(action, "sign")) return role == STORE_ROLE_INVESTIGATOR;
  if (!strcmp(action, "read_safety")) return true;
  if (!strcmp(action, "read")) return role != STORE_ROLE_SAFETY_BOARD;
  if (!strcmp(action, "export_identified"))
    return role != STORE_ROLE_STATISTICIAN && role != STORE_ROLE_SAFETY_BOARD;
  if (in_list(locks, action) && role == STORE_ROLE_INVESTIGATOR) return true;
  switch (role) {
  case STORE_ROLE_ADMIN: return true;
  case STORE_ROLE_INVESTIGATOR: return in_list(data_actions, action) || in_list(investigator, action);
  case STORE_ROLE_DATA_ENTRY: return in_list(data_actions, action) || in_list(entry, action);
  case STORE_ROLE_MONITOR: return in_list(monitor, action);
  default: return false;   /* statistician, safety board: read only */
  }
}

/* The actions that only read (their refusals write nothing to speak of). */
static bool reading(const char *a) {
  return !strncmp(a, "read", 4) || !strcmp(a, "contact") || !strcmp(a, "export_identified");
}

/* An audit action in the words of a refusal. */
static const char *action_words(const char *a) {
  static const char *const entering[] = {"enter", "create", "insert", "update", "clear", "status", NULL};
  if (in_list(entering, a)) return "enter data for";
  if (!strcmp(a, "contact")) return "see the contact details of";
  if (!strcmp(a, "read")) return "see the data of";
  if (!strcmp(a, "read_safety")) return "see the safety data of";
  if (!strcmp(a, "read_trail")) return "replay the whole audit trail (avn audit --verify) of";
  if (!strcmp(a, "export_identified")) return "export identifying dates (birth, enrolment; give --deidentified) of";
  if (!strcmp(a, "visit")) return "record a visit of";
  if (!strcmp(a, "query_open")) return "open a query on";
  if (!strcmp(a, "verify")) return "verify the source data of";
  if (!strcmp(a, "lock_study")) return "lock the study";
  if (!strcmp(a, "unlock_study")) return "unlock the study";
  if (!strcmp(a, "query_answer")) return "answer a query on";
  if (!strcmp(a, "adjudicate")) return "adjudicate a value of";
  if (!strcmp(a, "ack")) return "acknowledge a deviation of";
  if (!strcmp(a, "query_close")) return "close a query on";
  return a;
}

void store_site_memo(store *s, const char *code, const char *site) {
  if (strlen(site) >= sizeof s->memo.site) return;
  snprintf(s->memo.site_of, sizeof s->memo.site_of, "%s", code);
  snprintf(s->memo.site, sizeof s->memo.site, "%s", site);
}

/* The site of the record an audit row names ("patient P / ...", "screening
** S"), or NULL (*site) when it names neither. A patient's site is read once
** per write (store.memo) unless fresh: a write moves a patient between
** sites only with an audit row of field "site", which reads it afresh (a
** patient made in this write has no site until its row is in: a site not
** found is never kept). */
static avn_rc record_site(store *s, const char *record, bool fresh, char **site, char **who, avn_err *e) {
  char code[AVN_ID_MAX + 1];
  const char *sql = NULL, *rest = NULL;
  bool patient = !strncmp(record, "patient ", 8);
  *site = *who = NULL;
  if (patient) {
    rest = record + 8;
    sql = STORE_SITE_SQL;
  } else if (!strncmp(record, "screening ", 10)) {
    rest = record + 10;
    sql = "SELECT st.code FROM screening c JOIN site st ON st.id = c.site_id WHERE c.code=?";
  } else {
    return AVN_OK;
  }
  size_t n = strcspn(rest, " ");
  snprintf(code, sizeof code, "%.*s", (int)(n < sizeof code - 1 ? n : sizeof code - 1), rest);
  *who = avn_strdup(code);
  if (!*who) return AVN_E_NOMEM;
  if (patient && !fresh && s->memo.site_of[0] && !strcmp(s->memo.site_of, code)) {
    *site = avn_strdup(s->memo.site);
    return *site ? AVN_OK : AVN_E_NOMEM;
  }
  const char *p[1] = {code};
  avn_rc rc = store_q_one(s, sql, p, 1, site, NULL, e);
  if (!rc && patient && *site) store_site_memo(s, code, *site);
  return rc;
}

static avn_rc site_member(store *s, const char *site, bool *yes, avn_err *e) {
  char id[24], *one = NULL;
  bool found = false;
  snprintf(id, sizeof id, "%" PRId64, s->actor.id);
  const char *p[2] = {id, site};
  avn_rc rc = store_q_one(s, "SELECT 1 FROM account_site x JOIN site st ON st.id = x.site_id"
                             " WHERE x.account_id=? AND st.code=?", p, 2, &one, &found, e);
  avn_free(one);
  *yes = found;
  return rc;
}

/* Refuses the action on `what` ("patient P1", or NULL) at site for the
** session's user, naming them all: by role first, then by site. */
static avn_rc site_check(store *s, const char *action, const char *what, const char *site, avn_err *e) {
  bool yes = false;
  const char *u = s->actor.name, *r = store_role_name(s->actor.role);
  char words[160];
  snprintf(words, sizeof words, "%s", action_words(action));
  size_t n = strlen(words);
  if (!what && n > 3 && !strcmp(words + n - 3, " of")) words[n - 3] = '\0';   /* "see the contact details" */
  /* A read refused shows nothing; a write refused writes nothing. */
  const char *after = reading(action) ? "" : "; nothing was written";
  if (!role_may(s->actor.role, action))
    return avn_fail(e, AVN_E_STATE, "user", u, "user %s (role %s) may not %s%s%s%s%s: the role does not allow it%s",
                    u, r, words, what ? " " : "", what ? what : "", site ? " at site " : "", site ? site : "",
                    after);
  if (s->actor.role == STORE_ROLE_ADMIN || !site) return AVN_OK;
  avn_rc rc = site_member(s, site, &yes, e);
  if (!rc && !yes)
    rc = avn_fail(e, AVN_E_STATE, "user", u, "user %s (role %s) may not %s %s at site %s: not one of their sites%s",
                  u, r, action_words(action), what ? what : "", site, after);
  return rc;
}

avn_rc store_permit(store *s, const char *action, const char *patient, avn_err *e) {
  char rec[64];
  if (!s->has_accounts) return AVN_OK;
  avn_rc rc = store_writer(s, NULL, &(const char *){NULL}, e);
  if (rc || !patient) return rc ? rc : site_check(s, action, NULL, NULL, e);
  snprintf(rec, sizeof rec, "patient %.40s", patient);
  char *site = NULL, *who = NULL;
  rc = record_site(s, rec, false, &site, &who, e);
  if (!rc) rc = site_check(s, action, rec, site, e);
  avn_free(site);
  avn_free(who);
  return rc;
}

avn_rc store_audit_permit(store *s, const char *action, const char *record, const char *field, const char *old_v,
                          avn_err *e) {
  if (!s->has_accounts) return AVN_OK;
  /* Users, sites and sessions check their own rules (administrators only). */
  if (!strncmp(record, "user ", 5) || !strncmp(record, "site ", 5) || !strncmp(record, "session ", 8) ||
      !strcmp(record, "study"))
    return AVN_OK;
  char *site = NULL, *who = NULL, what[80];
  avn_rc rc = record_site(s, record, field && !strcmp(field, "site"), &site, &who, e);
  snprintf(what, sizeof what, "%s %.40s", !strncmp(record, "patient ", 8) ? "patient" : "screening",
           who ? who : "");
  if (!rc) rc = site_check(s, action, who ? what : record, site, e);
  /* A patient or a screening moved between sites: both are the user's. */
  if (!rc && field && !strcmp(field, "site") && old_v) rc = site_check(s, action, what, old_v, e);
  avn_free(site);
  avn_free(who);
  return rc;
}

/* --- reading ------------------------------------------------------------- */

avn_rc store_read_as(store *s, const char *action, avn_err *e) {
  if (!s->has_accounts) return AVN_OK;
  avn_rc rc = store_read_scope(s, NULL, action, NULL, 0, e);
  if (!rc) snprintf(s->actor.read_as, sizeof s->actor.read_as, "%s", action);
  return rc;
}

avn_rc store_read_scope(store *s, const char *patient, const char *action, char *sites, size_t n, avn_err *e) {
  if (n) sites[0] = '\0';
  if (!s->has_accounts) return AVN_OK;
  if (!s->actor.set)
    return avn_fail(e, AVN_E_STATE, "user", NULL, "this study has named users: log in first (avn login STUDY.db "
                    "--user NAME); nothing is shown without a session");
  if (!action) action = s->actor.read_as[0] ? s->actor.read_as : "read";
  if (patient) return store_permit(s, action, patient, e);
  avn_rc rc = site_check(s, action, NULL, NULL, e);
  if (!rc && n && s->actor.role != STORE_ROLE_ADMIN)
    snprintf(sites, n, "(SELECT site_id FROM account_site WHERE account_id=%" PRId64 ")", s->actor.id);
  return rc;
}
