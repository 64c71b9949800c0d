/*
** mem.h: bounded allocation with a fault-injection hook.
**
** All heap memory in avn comes from these wrappers. A request larger than
** AVN_MEM_CAP (1 GiB) is refused as if memory had run out, so a malformed
** input cannot ask for an absurd allocation. Tests call
** avn_mem_fail_after(n) to make the (n+1)-th allocation fail and check
** that nothing is half-applied. Library code returns AVN_E_NOMEM on NULL;
** only main() may abort.
*/
#ifndef AVN_MEM_H
#define AVN_MEM_H

#include <stddef.h>

#define AVN_MEM_CAP ((size_t)1 << 30)

void *avn_malloc(size_t n);
void *avn_calloc(size_t count, size_t size);
void *avn_realloc(void *p, size_t n);
/* Array growth with overflow checks: realloc p to count*size bytes. */
void *avn_reallocarray(void *p, size_t count, size_t size);
/* Makes room for element n of *arr (elements of size bytes, capacity *cap),
** doubling the capacity (first: 8). 0 on success, -1 when out of memory
** (*arr and *cap unchanged). */
int avn_grow(void **arr, size_t *cap, size_t n, size_t size);
char *avn_strdup(const char *s);
char *avn_strndup(const char *s, size_t n);
void avn_free(void *p);

/* Fault injection: after n more successful allocations, fail every one.
** n < 0 switches injection off. */
void avn_mem_fail_after(long n);

#endif
