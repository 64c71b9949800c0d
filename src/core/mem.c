/*
** mem.c: the allocation wrappers (see mem.h). The fault counter is a
** process-wide test hook, not meant for threaded use.
*/
#include "core/mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static long fail_after = -1;

static int should_fail(size_t n) {
  if (n > AVN_MEM_CAP) return 1;
  if (fail_after < 0) return 0;
  if (fail_after == 0) return 1;
  fail_after--;
  return 0;
}

void avn_mem_fail_after(long n) { fail_after = n; }

void *avn_malloc(size_t n) {
  if (should_fail(n)) return NULL;
  return malloc(n ? n : 1);
}

void *avn_calloc(size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) return NULL;
  if (should_fail(count * size)) return NULL;
  return calloc(count ? count : 1, size ? size : 1);
}

void *avn_realloc(void *p, size_t n) {
  if (should_fail(n)) return NULL;
  return realloc(p, n ? n : 1);
}

void *avn_reallocarray(void *p, size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) return NULL;
  return avn_realloc(p, count * size);
}

char *avn_strndup(const char *s, size_t n) {
  size_t len = strnlen(s, n);
  char *d = avn_malloc(len + 1);
  if (!d) return NULL;
  memcpy(d, s, len);
  d[len] = '\0';
  return d;
}

char *avn_strdup(const char *s) { return avn_strndup(s, SIZE_MAX); }

void avn_free(void *p) { free(p); }

int avn_grow(void **arr, size_t *cap, size_t n, size_t size) {
  if (n < *cap) return 0;
  size_t c = *cap ? 2 * *cap : 8;
  void *p = avn_reallocarray(*arr, c, size);
  if (!p) return -1;
  *arr = p;
  *cap = c;
  return 0;
}
