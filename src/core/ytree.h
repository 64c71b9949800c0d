/*
** ytree.h: a YAML document as a small tree with line numbers.
**
** libyaml gives a stream of events; every definition file avn reads
** (protocols, instrument definitions) is small, so it is simplest to build
** the whole tree once and let the reader walk it with lookups that report
** "file:line: what is wrong". Anchors/aliases and tags are refused: definition
** files must be plain.
**
** Ownership: ytree_parse returns a tree the caller frees with ytree_free;
** every node and string inside is owned by the tree.
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
};

/* Parses text (len bytes) from a file called name (used in messages).
** On error, e->field = "name:line" and e->rule says what is wrong. */
avn_rc ytree_parse(const char *name, const char *text, size_t len,
                   ytree **out /* OUT */, avn_err *e);
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
/* Refuses a key of map not in allowed (NULL-terminated); where (may be
** NULL) is added to the message: "unknown key 'k' in an outcome". */
avn_rc ytree_check_keys(const ytree_reader *r, const ytree *map, const char *const *allowed,
                        const char *where);
/* t must be a mapping (t may be NULL: refused at line 1). */
avn_rc ytree_need_map(const ytree_reader *r, const ytree *t, const char *what);
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

#endif
