/*
** store_key.c: the signing key kept outside the study file, and the signed
** checkpoint of the audit chain (see store_int.h, store_checkpoint).
**
** Why: the hash chain alone shows a row edited in place, but not rows
** deleted from the end, nor a chain recomputed from an edited row on (anyone
** can run BLAKE2b). So every write transaction also records the chain's
** length and head hash, signed (Ed25519, libsodium crypto_sign) with a key
** that never enters the study file. Without the secret key, a truncated or
** recomputed chain cannot carry a valid signature.
**
** Where the key lives: $AVN_KEY if set; else $XDG_CONFIG_HOME/avn/signing.key;
** else $HOME/.config/avn/signing.key. It is created (mode 0600, directory
** 0700) on the first write that needs it, normally avn init. The file holds
** the 64-byte libsodium secret key as 128 hex digits (its public half is the
** last 32 bytes). Everyone who writes to one study uses the same key file. A
** file of 64 hex digits is a public key: it verifies checkpoints (a
** monitor's copy, avn audit --key) but cannot sign.
*/
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/mem.h"
#include "store/store_int.h"

avn_rc store_key_path(char *out, size_t n, avn_err *e) {
  const char *k = getenv("AVN_KEY"), *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
  int w;
  if (k && *k) w = snprintf(out, n, "%s", k);
  else if (x && *x) w = snprintf(out, n, "%s/avn/signing.key", x);
  else if (h && *h) w = snprintf(out, n, "%s/.config/avn/signing.key", h);
  else return avn_fail(e, AVN_E_IO, "signing key", NULL, "set AVN_KEY (or HOME) to say where the study's signing key is kept");
  if (w < 0 || (size_t)w >= n) return avn_fail(e, AVN_E_IO, "signing key", k, "the key path is too long");
  return AVN_OK;
}

/* mkdir -p for the key's directory (0700). */
static avn_rc make_dirs(const char *path, avn_err *e) {
  char d[1024];
  snprintf(d, sizeof d, "%s", path);
  char *slash = strrchr(d, '/');
  if (!slash || slash == d) return AVN_OK;
  *slash = '\0';
  for (char *p = d + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(d, 0700) != 0 && errno != EEXIST) return avn_fail(e, AVN_E_IO, "signing key", d, "cannot create the directory: %s", strerror(errno));
    *p = '/';
  }
  if (mkdir(d, 0700) != 0 && errno != EEXIST)
    return avn_fail(e, AVN_E_IO, "signing key", d, "cannot create the directory: %s", strerror(errno));
  return AVN_OK;
}

static avn_rc read_key(const char *path, store_key *k, avn_err *e) {
  char hex[200] = "";
  FILE *f = fopen(path, "r");
  if (!f) return avn_fail(e, AVN_E_IO, "signing key", path, "cannot read: %s", strerror(errno));
  size_t got = fread(hex, 1, sizeof hex - 1, f);
  fclose(f);
  hex[got] = '\0';
  size_t len = 0;
  /* 64 hex digits: a public key alone, enough to verify (a monitor's copy);
  ** 128: the secret key, which also signs. */
  if (sodium_hex2bin(k->pk, sizeof k->pk, hex, got, "\n", &len, NULL) == 0 && len == sizeof k->pk) {
    k->public_only = true;
    return AVN_OK;
  }
  if (sodium_hex2bin(k->sk, sizeof k->sk, hex, got, "\n", &len, NULL) != 0 || len != sizeof k->sk)
    return avn_fail(e, AVN_E_PARSE, "signing key", path,
                    "is not an avn key (128 hex digits, or 64 for a public key)");
  crypto_sign_ed25519_sk_to_pk(k->pk, k->sk);
  return AVN_OK;
}

/* A new key, written to a temporary file and linked into place, so two avn
** processes creating it at once end with one key, both using it. */
static avn_rc create_key(const char *path, store_key *k, avn_err *e) {
  char tmp[1100], hex[2 * crypto_sign_SECRETKEYBYTES + 2];
  avn_rc rc = make_dirs(path, e);
  if (rc) return rc;
  crypto_sign_keypair(k->pk, k->sk);
  sodium_bin2hex(hex, sizeof hex - 1, k->sk, sizeof k->sk);
  strcat(hex, "\n");
  snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return avn_fail(e, AVN_E_IO, "signing key", tmp, "cannot create: %s", strerror(errno));
  size_t n = strlen(hex);
  bool written = write(fd, hex, n) == (ssize_t)n && fsync(fd) == 0;
  close(fd);
  sodium_memzero(hex, sizeof hex);
  if (!written) {
    unlink(tmp);
    return avn_fail(e, AVN_E_IO, "signing key", tmp, "cannot write the key");
  }
  int linked = link(tmp, path);
  int err = errno;
  unlink(tmp);
  if (linked == 0) return AVN_OK;
  if (err == EEXIST) return read_key(path, k, e);   /* another avn made it first */
  return avn_fail(e, AVN_E_IO, "signing key", path, "cannot create: %s", strerror(err));
}

avn_rc store_key_load(store_key *k, bool create, avn_err *e) {
  if (k->loaded) return AVN_OK;
  avn_rc rc = store_key_path(k->path, sizeof k->path, e);
  if (rc) return rc;
  if (access(k->path, F_OK) != 0) {
    if (!create)
      return avn_fail(e, AVN_E_NOTFOUND, "signing key", k->path,
                      "no signing key here (set AVN_KEY to the study's key file)");
    rc = create_key(k->path, k, e);
  } else {
    rc = read_key(k->path, k, e);
  }
  if (!rc) k->loaded = true;
  return rc;
}

void store_key_fingerprint(const unsigned char pk[32], char out[17]) {
  unsigned char d[8];
  crypto_generichash(d, sizeof d, pk, 32, NULL, 0);
  sodium_bin2hex(out, 17, d, sizeof d);
}

/* What is signed: the chain's length and its head hash. */
static void checkpoint_message(const char *n, const char *head, char *out, size_t size) {
  snprintf(out, size, "avn audit checkpoint v1\n%s\n%s\n", n, head);
}

typedef struct {
  char n[24], head[65], pk[65], sig[129];
  bool found;
} cp_row;

static int cp_cb(void *ctx, int n, const char *const *c) {
  cp_row *r = ctx;
  (void)n;
  r->found = true;
  snprintf(r->n, sizeof r->n, "%s", c[0] ? c[0] : "");
  snprintf(r->head, sizeof r->head, "%s", c[1] ? c[1] : "");
  snprintf(r->pk, sizeof r->pk, "%s", c[2] ? c[2] : "");
  snprintf(r->sig, sizeof r->sig, "%s", c[3] ? c[3] : "");
  return 1;
}

static avn_rc cp_read(store *s, cp_row *r, avn_err *e) {
  memset(r, 0, sizeof *r);
  return store_q(s, "SELECT n, head, public_key, signature FROM checkpoint WHERE id=1", NULL, 0, cp_cb, r, e);
}

avn_rc store_checkpoint(store *s, avn_err *e) {
  char msg[200], pkhex[65], sighex[129];
  unsigned char sig[crypto_sign_BYTES];
  avn_rc rc = store_key_load(&s->key, true, e);
  if (rc) return rc;
  if (s->key.public_only)
    return avn_fail(e, AVN_E_STATE, "signing key", s->key.path, "is a public key: it verifies, but cannot sign a write");
  /* The checkpoint's key came with the chain's head (store_tx_head), read
  ** once per transaction under the write lock. */
  rc = store_tx_head(s, e);
  if (rc) return rc;
  sodium_bin2hex(pkhex, sizeof pkhex, s->key.pk, sizeof s->key.pk);
  if (s->cp_found && strcmp(s->cp_key, pkhex) != 0) {
    unsigned char other[32];
    char fa[17] = "?", fb[17];
    if (sodium_hex2bin(other, sizeof other, s->cp_key, strlen(s->cp_key), NULL, NULL, NULL) == 0)
      store_key_fingerprint(other, fa);
    store_key_fingerprint(s->key.pk, fb);
    return avn_fail(e, AVN_E_STATE, "signing key", s->key.path,
                    "this study's audit is signed with key %s, this key is %s: set AVN_KEY to the study's key file",
                    fa, fb);
  }
  if (!strcmp(s->head_id, "0")) return AVN_OK;
  checkpoint_message(s->head_id, s->head_hash, msg, sizeof msg);
  crypto_sign_detached(sig, NULL, (const unsigned char *)msg, strlen(msg), s->key.sk);
  sodium_bin2hex(sighex, sizeof sighex, sig, sizeof sig);
  const char *p[4] = {s->head_id, s->head_hash, pkhex, sighex};
  /* Sent with COMMIT (store_q_later): one round trip for both. */
  rc = store_q_later(s, "INSERT INTO checkpoint(id,n,head,public_key,signature) VALUES(1,?,?,?,?)"
                        " ON CONFLICT(id) DO UPDATE SET n=excluded.n, head=excluded.head,"
                        " public_key=excluded.public_key, signature=excluded.signature",
                     p, 4, e);
  if (!rc) s->audit_dirty = false;
  return rc;
}

avn_rc store_checkpoint_check(store *s, int64_t n, const char *head, store_chain *out, avn_err *e) {
  cp_row cp;
  char msg[200], nn[24], fp[17];
  unsigned char pk[32], sig[crypto_sign_BYTES];
  avn_err ke;
  avn_err_clear(&ke);
  out->checkpoint_ok = false;
  avn_rc rc = cp_read(s, &cp, e);
  if (rc) return rc;
  if (store_key_load(&s->key, false, &ke) != AVN_OK) {
    snprintf(out->checkpoint, sizeof out->checkpoint, "cannot be checked: %.200s", ke.rule);
    return AVN_OK;
  }
  store_key_fingerprint(s->key.pk, out->key);
  if (!cp.found) {
    snprintf(out->checkpoint, sizeof out->checkpoint, "missing: the study has no signed checkpoint");
    return AVN_OK;
  }
  if (sodium_hex2bin(pk, sizeof pk, cp.pk, strlen(cp.pk), NULL, NULL, NULL) != 0 ||
      sodium_hex2bin(sig, sizeof sig, cp.sig, strlen(cp.sig), NULL, NULL, NULL) != 0) {
    snprintf(out->checkpoint, sizeof out->checkpoint, "damaged: not a key and signature in hex");
    return AVN_OK;
  }
  if (memcmp(pk, s->key.pk, sizeof pk) != 0) {
    store_key_fingerprint(pk, fp);
    snprintf(out->checkpoint, sizeof out->checkpoint, "signed by key %s, not by this key %s (%.150s)", fp, out->key,
             s->key.path);
    return AVN_OK;
  }
  checkpoint_message(cp.n, cp.head, msg, sizeof msg);
  if (crypto_sign_verify_detached(sig, (const unsigned char *)msg, strlen(msg), pk) != 0) {
    snprintf(out->checkpoint, sizeof out->checkpoint, "forged: its signature does not match its content");
    return AVN_OK;
  }
  snprintf(nn, sizeof nn, "%" PRId64, n);
  if (strcmp(nn, cp.n) != 0) {
    snprintf(out->checkpoint, sizeof out->checkpoint,
             "the signed checkpoint says %s rows, the trail has %s: rows were %s", cp.n, nn,
             strtoll(cp.n, NULL, 10) > n ? "deleted from its end" : "added without avn");
    return AVN_OK;
  }
  if (strcmp(head, cp.head) != 0) {
    snprintf(out->checkpoint, sizeof out->checkpoint,
             "the signed head hash is %.16s..., the trail's is %.16s...: the chain was recomputed", cp.head, head);
    return AVN_OK;
  }
  out->checkpoint_ok = true;
  snprintf(out->checkpoint, sizeof out->checkpoint, "signed by key %s, matches %s rows", out->key, nn);
  return AVN_OK;
}
