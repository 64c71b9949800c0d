/*
** buf.h: a growable byte buffer with a size limit (curl's dynbuf idea).
**
** The buffer owns its bytes; avn_buf_free releases them. The content is
** always NUL-terminated, so b->data can be used as a C string. Appending past
** the limit fails with AVN_E_NOMEM and leaves the content as it was.
*/
#ifndef AVN_BUF_H
#define AVN_BUF_H

#include <stddef.h>
#include "core/rc.h"

typedef struct avn_buf {
  char *data;      /* NUL-terminated content, or NULL when empty */
  size_t len;      /* bytes used, excluding the NUL */
  size_t cap;      /* bytes allocated */
  size_t limit;    /* largest len allowed */
} avn_buf;

void avn_buf_init(avn_buf *b, size_t limit);
avn_rc avn_buf_append(avn_buf *b, const char *s, size_t n);
avn_rc avn_buf_puts(avn_buf *b, const char *s);
avn_rc avn_buf_printf(avn_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Content as a C string; "" when nothing was appended. Borrowed. */
const char *avn_buf_str(const avn_buf *b);
void avn_buf_reset(avn_buf *b);
void avn_buf_free(avn_buf *b);
/* Hands the content to the caller (free with avn_free); b is left empty. */
char *avn_buf_take(avn_buf *b);

#endif
