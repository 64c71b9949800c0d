/*
** sortkey.c: LSD radix sort of doubles (see sortkey.h).
**
** A finite or infinite double maps to a uint64 that orders the same way:
** flip every bit of a negative number, only the sign bit of a positive one
** (Herf, "Radix tricks", 2001; Knuth TAOCP 3, 5.2.5). Each of the 8 byte
** passes is a stable counting sort, so the result is stable.
*/
#include "stats/sortkey.h"

#include <string.h>

#include "core/mem.h"

static uint64_t key_bits(double d) {
  uint64_t u;
  if (d == 0) d = 0; /* -0.0 -> +0.0 */
  memcpy(&u, &d, sizeof u);
  return (u >> 63) ? ~u : (u | 0x8000000000000000ULL);
}

avn_rc sortkey_order(size_t n, const double *key, const uint32_t *in_order,
                     uint32_t *order) {
  avn_rc rc = AVN_OK;
  uint64_t *k0 = NULL, *k1 = NULL;
  uint32_t *i0 = NULL, *i1 = NULL;
  size_t (*cnt)[256] = NULL;
  if (n > UINT32_MAX) return AVN_E_RANGE;
  if (n == 0) return AVN_OK;
  k0 = avn_reallocarray(NULL, n, sizeof *k0);
  k1 = avn_reallocarray(NULL, n, sizeof *k1);
  i0 = avn_reallocarray(NULL, n, sizeof *i0);
  i1 = avn_reallocarray(NULL, n, sizeof *i1);
  cnt = avn_calloc(8, sizeof *cnt);
  if (!k0 || !k1 || !i0 || !i1 || !cnt) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  for (size_t i = 0; i < n; i++) {
    uint32_t id = in_order ? in_order[i] : (uint32_t)i;
    uint64_t b = key_bits(key[id]);
    k0[i] = b;
    i0[i] = id;
    for (int d = 0; d < 8; d++) cnt[d][(b >> (8 * d)) & 0xff]++;
  }
  for (int d = 0; d < 8; d++) {
    size_t *c = cnt[d];
    /* skip a byte that is the same for all keys */
    if (c[(k0[0] >> (8 * d)) & 0xff] == n) continue;
    size_t sum = 0;
    for (int v = 0; v < 256; v++) {
      size_t t = c[v];
      c[v] = sum;
      sum += t;
    }
    for (size_t i = 0; i < n; i++) {
      size_t pos = c[(k0[i] >> (8 * d)) & 0xff]++;
      k1[pos] = k0[i];
      i1[pos] = i0[i];
    }
    uint64_t *tk = k0;
    k0 = k1;
    k1 = tk;
    uint32_t *ti = i0;
    i0 = i1;
    i1 = ti;
  }
  memcpy(order, i0, n * sizeof *order);
cleanup:
  avn_free(k0);
  avn_free(k1);
  avn_free(i0);
  avn_free(i1);
  avn_free(cnt);
  return rc;
}
