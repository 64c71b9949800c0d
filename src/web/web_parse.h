/*
** web_parse.h: the small, bounded pieces of request parsing the web server
** does itself, kept apart from libmicrohttpd so a fuzzer can drive them in
** memory (tests/fuzz/fuzz_web.c): an application/x-www-form-urlencoded
** body into name/value pairs, one cookie out of a Cookie header, a hex
** token check, and HTML escaping (the one way a stored string reaches a
** page).
**
** The HTTP layer only decodes, never decides: values are handed to the
** store as typed, which validates them exactly as `avn enter` does.
**
** Ownership: a web_form owns its strings (web_form_free). Escaping appends
** to the caller's avn_buf.
*/
#ifndef AVN_WEB_PARSE_H
#define AVN_WEB_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include "core/buf.h"
#include "core/rc.h"

#define WEB_FORM_MAX_FIELDS 256   /* more pairs than any form has items */
#define WEB_FORM_MAX_NAME 128     /* a decoded name longer than this is refused */

typedef struct web_form {
  char **name, **value;   /* decoded, NUL-terminated */
  size_t n;
} web_form;

/* Parses "a=1&b=x+y%21" (len bytes, not NUL-terminated). '+' is a space,
** %XX a byte; a malformed escape, a NUL byte, an empty or over-long name or
** more than WEB_FORM_MAX_FIELDS pairs is refused (AVN_E_PARSE naming the
** rule); nothing is kept then. A pair without '=' has the value "". */
avn_rc web_form_parse(const char *body, size_t len, web_form *out /* OUT */, avn_err *e);
void web_form_free(web_form *f);
/* The first value named `name`, or NULL. Borrowed from f. */
const char *web_form_get(const web_form *f, const char *name);

/* Copies the value of cookie `name` from a Cookie header ("a=1; b=2") into
** out (n bytes with the NUL). Returns false when it is absent, empty or does
** not fit. */
bool web_cookie_get(const char *header, const char *name, char *out, size_t n);

/* True when s is exactly `len` lowercase hex digits. */
bool web_is_hex(const char *s, size_t len);

/* Appends s with & < > " ' escaped, safe in element text and in a quoted
** attribute value alike. NULL appends nothing. */
avn_rc web_html_escape(avn_buf *b, const char *s);

/* Appends s percent-encoded (every byte but A-Z a-z 0-9 - . _ ~), safe in
** a URL's path segment or query value and, by construction, in HTML. */
avn_rc web_url_encode(avn_buf *b, const char *s);

#endif
