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

#endif
