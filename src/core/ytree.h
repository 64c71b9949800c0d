/*
** ytree.h: a YAML document as a small tree with line numbers.
**
** libyaml gives a stream of events; every definition file avn reads
** (protocols with their analysis plan, instrument definitions, the demo's
** cohort) is small, so it is simplest to build the whole tree once and let
** the reader walk it with lookups that report "file:line: what is wrong".
** Definition files must be plain: ytree_parse refuses aliases (*name), a
** key given twice in one mapping, a key that is not a scalar, a second
** document and an empty file; a libyaml error comes back as "YAML syntax:
** ..." at libyaml's line. Anchors (&name) and tags (!!str) are ignored.
**
** Two ways to read a mapping, both below: by key (ytree_get_str, _num,
** _list: the loader asks for the keys it knows, ytree_check_keys refuses
** the rest), or pair by pair in document order (ytree_scalar, _number,
** _bool, ytree_unknown_key), when the first problem in the file must be
** the one reported.
**
** Ownership: ytree_parse returns a tree the caller frees with ytree_free
** (on the root only); every node, string and array inside is owned by the
** tree, which holds them in a few large blocks.
*/
#ifndef AVN_YTREE_H
#define AVN_YTREE_H

#include <stdbool.h>
#include <stddef.h>
#include "core/rc.h"

typedef enum { YT_SCALAR, YT_SEQ, YT_MAP } ytree_kind;

typedef struct ytree ytree;
struct ytree {
  ytree_kind kind;
  int line;            /* 1-based line of the node's start */
  char *scalar;        /* YT_SCALAR: the text */
  size_t n;            /* YT_SEQ: items; YT_MAP: pairs */
  ytree **items;       /* YT_SEQ items, or YT_MAP values */
  char **keys;         /* YT_MAP keys (scalars only) */
  int *key_lines;      /* YT_MAP key lines */
  size_t cap;          /* room in items (keys, key_lines); ytree.c's own */
  struct yblock *blocks; /* the root's: the tree's memory (ytree.c's own) */
};

/* Parses text (len bytes) from a file called name (used in messages).
** On error, e->field = "name:line" and e->rule says what is wrong. */
avn_rc ytree_parse(const char *name, const char *text, size_t len,
                   ytree **out /* OUT */, avn_err *e);
/* Frees a tree from ytree_parse (t: its root, or NULL). */
void ytree_free(ytree *t);

/* Map lookup: the value for key, or NULL. */
const ytree *ytree_get(const ytree *map, const char *key);
/* Scalar text of map[key], or NULL when absent or not a scalar. */
const char *ytree_str(const ytree *map, const char *key);

/* --- typed readers for definition files ---------------------------------
** Every refusal is AVN_E_PARSE with e->field = "file:line" and e->rule saying
** what is wrong, so each file's loader only names its keys. Strings and
** lists handed out are the caller's (avn_free / ytree_free_list). */
typedef struct ytree_reader {
  const char *file;    /* used in "file:line" */
  avn_err *e;
} ytree_reader;

avn_rc ytree_fail(const ytree_reader *r, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* ytree_fail with the refused text in e->value (value may be NULL). */
avn_rc ytree_fail_value(const ytree_reader *r, int line, const char *value, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Refuses a key of map not in allowed (NULL-terminated); where (may be
** NULL) is added to the message: "unknown key 'k' in an outcome". */
avn_rc ytree_check_keys(const ytree_reader *r, const ytree *map, const char *const *allowed,
                        const char *where);
/* t must be a mapping (t may be NULL: refused at line 1). */
avn_rc ytree_need_map(const ytree_reader *r, const ytree *t, const char *what);
/* t must be a sequence: "WHAT must be a list" (t may be NULL: line 1). */
avn_rc ytree_need_seq(const ytree_reader *r, const ytree *t, const char *what);
/* Copies map[key] (a scalar) into *out (NULL when absent and not required). */
avn_rc ytree_get_str(const ytree_reader *r, const ytree *map, const char *key, bool required,
                     char **out /* OUT */);
/* A finite number in map[key]; *has = false when absent. */
avn_rc ytree_get_num(const ytree_reader *r, const ytree *map, const char *key, bool *has /* OUT */,
                     double *out /* OUT */);
/* A scalar or a sequence of scalars (v may be NULL: empty) -> strings. On
** a refusal *out holds what was read so far (free it with ytree_free_list). */
avn_rc ytree_get_list(const ytree_reader *r, const ytree *v, const char *key, char ***out /* OUT */,
                      size_t *n /* OUT */);
void ytree_free_list(char **a, size_t n);

/* --- readers of one value ------------------------------------------------
** For a loader that walks a mapping's pairs in document order itself
**   for (size_t i = 0; i < map->n; i++)  map->keys[i], map->items[i]
** so that the first problem in the file is the one reported. v is the
** value (not NULL); key names it in the rule; a refusal is at v's line and
** carries v's text in e->value when v is a scalar. */
/* v's text, borrowed from the tree: "'key' must be a plain value". */
avn_rc ytree_scalar(const ytree_reader *r, const ytree *v, const char *key,
                    const char **out /* OUT */);
/* A finite decimal number (what strtod reads, whole text, no inf/nan):
** "'key' must be a number". */
avn_rc ytree_number(const ytree_reader *r, const ytree *v, const char *key,
                    double *out /* OUT */);
/* true or yes -> true, false or no -> false: "'key' must be true or false". */
avn_rc ytree_bool(const ytree_reader *r, const ytree *v, const char *key, bool *out /* OUT */);
/* Refuses the i-th key of map as one it does not take: at the key's line,
** the key in e->value, rule as given (e.g. "unknown key in a code
** (expected name, label, value)"). */
avn_rc ytree_unknown_key(const ytree_reader *r, const ytree *map, size_t i, const char *rule);

#endif
