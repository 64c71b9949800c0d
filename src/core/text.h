/*
** text.h: the one validation of what people type into avn that is not a
** typed item value: identifiers (screening numbers, study ids), free text
** (reasons, names, text items) and user names.
**
** Identifiers follow one documented pattern: 1-32 characters, ASCII
** letters, digits, '-', '_' or '.', starting with a letter or a digit
** ("S001", "P-012", "site.2"). Two identifiers that differ only in case are
** the same person (avn_id_key), so "s001" is refused beside "S001"; a
** space, a tab, a no-break space or any other character outside the
** pattern is refused outright, so "S001 " cannot be a second S001.
**
** Text is valid UTF-8 (glib's g_utf8_validate), has no control character
** (C0, DEL, C1; a line break only where the kind allows it), and is bounded
** in bytes. A reason or a user name must also say something: not empty,
** not only spaces.
*/
#ifndef AVN_TEXT_H
#define AVN_TEXT_H

#include <stddef.h>
#include "core/rc.h"

#define AVN_ID_MAX 32        /* bytes of an identifier */
#define AVN_LINE_MAX 1000    /* bytes of a reason or a one-line text */
#define AVN_USER_MAX 64      /* bytes of a user name */

typedef enum avn_text_kind {
  AVN_TEXT_ID,       /* an identifier, the pattern above */
  AVN_TEXT_LINE,     /* one line of text, may be empty (an optional text) */
  AVN_TEXT_REASON,   /* one line that says something (a reason) */
  AVN_TEXT_USER      /* a user name: one line that says something, at most AVN_USER_MAX */
} avn_text_kind;

/* AVN_OK, or AVN_E_PARSE / AVN_E_RANGE / AVN_E_REQUIRED naming field, the
** value (made printable) and the rule. max: bytes for AVN_TEXT_LINE (0: the
** kind's default); ignored otherwise. */
avn_rc avn_text_check(const char *field, const char *v, avn_text_kind kind, size_t max, avn_err *e);
/* The identity under which identifiers are compared: ASCII upper-cased. */
void avn_id_key(const char *id, char *out, size_t n);

#endif
