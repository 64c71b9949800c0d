/*
** ytree.c: builds a ytree from libyaml parser events (see ytree.h).
** A recursive descent over the event stream; depth is bounded to keep a
** malicious file from exhausting the stack. O(size of the document), plus
** O(pairs^2) string comparisons per mapping for the key-given-twice check.
**
** Memory. A tree lives in a chain of blocks (yblock), each twice the size
** of the one before: nodes, strings and child arrays are carved from the
** newest block in order, and an array that grows is carved again at twice
** its size (the old copy stays, unused, in its block). ytree_free releases
** the chain, which the root holds. A tree of any size thus costs O(log size) allocations, which keeps
** the fault-injection tests (fail each allocation in turn) of every loader
** cheap.
*/
#include "core/ytree.h"
#include "core/mem.h"

#include <errno.h>
#include <math.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define YTREE_MAX_DEPTH 64
#define YBLOCK_FIRST 4096
#define YBLOCK_MAX ((size_t)1 << 20)

typedef struct yblock {
  struct yblock *next;   /* the block carved before this one */
  size_t used, size;     /* bytes of data */
  alignas(max_align_t) unsigned char data[];
} yblock;

typedef struct {
  yaml_parser_t parser;
  const char *name;
  avn_err *e;
  yblock *blocks;        /* newest first */
} yctx;

/* n zeroed bytes, aligned for any type, from c's blocks (NULL: out of memory). */
static void *carve(yctx *c, size_t n) {
  const size_t a = alignof(max_align_t);
  yblock *b = c->blocks;
  if (n > AVN_MEM_CAP) return NULL;
  n = (n + a - 1) / a * a;
  if (!b || b->size - b->used < n) {
    size_t size = b ? b->size * 2 : YBLOCK_FIRST;
    if (size > YBLOCK_MAX) size = YBLOCK_MAX;
    if (size < n) size = n;
    b = avn_malloc(sizeof *b + size);
    if (!b) return NULL;
    b->next = c->blocks;
    b->used = 0;
    b->size = size;
    c->blocks = b;
  }
  void *p = b->data + b->used;
  b->used += n;
  memset(p, 0, n);
  return p;
}

static void free_blocks(yblock *b) {
  while (b) {
    yblock *next = b->next;
    avn_free(b);
    b = next;
  }
}

static char *carve_str(yctx *c, const unsigned char *s, size_t len) {
  char *p = len < AVN_MEM_CAP ? carve(c, len + 1) : NULL;
  if (p) memcpy(p, s, len);
  return p;
}

static avn_rc yfail(yctx *c, int line, const char *what) {
  char where[160];
  snprintf(where, sizeof where, "%s:%d", c->name, line);
  return avn_fail(c->e, AVN_E_PARSE, where, NULL, "%s", what);
}

static avn_rc next_event(yctx *c, yaml_event_t *ev) {
  if (!yaml_parser_parse(&c->parser, ev)) {
    int line = (int)c->parser.problem_mark.line + 1;
    char what[200];
    const char *problem = c->parser.problem ? c->parser.problem : "malformed";
    snprintf(what, sizeof what, "YAML syntax: %s", problem);
    return yfail(c, line, what);
  }
  return AVN_OK;
}

void ytree_free(ytree *t) {
  if (t) free_blocks(t->blocks);
}

static avn_rc build(yctx *c, yaml_event_t *ev, int depth, ytree **out);

/* Moves the array *arr (n elements of size bytes) to a new carve of cap. */
static avn_rc regrow(yctx *c, void **arr, size_t n, size_t cap, size_t size) {
  void *p = cap <= AVN_MEM_CAP / size ? carve(c, cap * size) : NULL;
  if (!p) return AVN_E_NOMEM;
  if (n) memcpy(p, *arr, n * size);
  *arr = p;
  return AVN_OK;
}

/* Appends child (and key, key_line for a map) to t; the arrays double when
** full. */
static avn_rc append(yctx *c, ytree *t, ytree *child, char *key, int key_line) {
  if (t->n == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 4;
    if (regrow(c, (void **)&t->items, t->n, cap, sizeof *t->items)) return AVN_E_NOMEM;
    if (t->kind == YT_MAP) {
      if (regrow(c, (void **)&t->keys, t->n, cap, sizeof *t->keys)) return AVN_E_NOMEM;
      if (regrow(c, (void **)&t->key_lines, t->n, cap, sizeof *t->key_lines)) return AVN_E_NOMEM;
    }
    t->cap = cap;
  }
  if (t->kind == YT_MAP) {
    t->keys[t->n] = key;
    t->key_lines[t->n] = key_line;
  }
  t->items[t->n++] = child;
  return AVN_OK;
}

static avn_rc build_children(yctx *c, ytree *t, int depth) {
  avn_rc rc = AVN_OK;
  for (;;) {
    yaml_event_t ev;
    rc = next_event(c, &ev);
    if (rc) return rc;
    if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) {
      yaml_event_delete(&ev);
      return AVN_OK;
    }
    char *key = NULL;
    int key_line = 0;
    if (t->kind == YT_MAP) {
      key_line = (int)ev.start_mark.line + 1;
      if (ev.type != YAML_SCALAR_EVENT) {
        yaml_event_delete(&ev);
        return yfail(c, key_line, "a mapping key must be a plain word");
      }
      key = carve_str(c, ev.data.scalar.value, ev.data.scalar.length);
      yaml_event_delete(&ev);
      if (!key) return AVN_E_NOMEM;
      for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->keys[i], key) == 0) {
          char msg[200];
          snprintf(msg, sizeof msg, "key '%s' given twice", key);
          return yfail(c, key_line, msg);
        }
      }
      rc = next_event(c, &ev);
      if (rc) return rc;
    }
    ytree *child = NULL;
    rc = build(c, &ev, depth + 1, &child);
    yaml_event_delete(&ev);
    if (rc) return rc;
    rc = append(c, t, child, key, key_line);
    if (rc) return rc;
  }
}

static avn_rc build(yctx *c, yaml_event_t *ev, int depth, ytree **out) {
  int line = (int)ev->start_mark.line + 1;
  if (depth > YTREE_MAX_DEPTH) return yfail(c, line, "nesting too deep");
  if (ev->type == YAML_ALIAS_EVENT) return yfail(c, line, "aliases (*name) are not allowed");
  ytree *t = carve(c, sizeof *t);
  if (!t) return AVN_E_NOMEM;
  t->line = line;
  avn_rc rc = AVN_OK;
  switch (ev->type) {
    case YAML_SCALAR_EVENT:
      t->kind = YT_SCALAR;
      t->scalar = carve_str(c, ev->data.scalar.value, ev->data.scalar.length);
      if (!t->scalar) rc = AVN_E_NOMEM;
      break;
    case YAML_SEQUENCE_START_EVENT:
      t->kind = YT_SEQ;
      rc = build_children(c, t, depth);
      break;
    case YAML_MAPPING_START_EVENT:
      t->kind = YT_MAP;
      rc = build_children(c, t, depth);
      break;
    default:
      rc = yfail(c, line, "unexpected YAML event");
  }
  if (rc) return rc; /* t stays in the blocks, freed with them */
  *out = t;
  return AVN_OK;
}

avn_rc ytree_parse(const char *name, const char *text, size_t len, ytree **out, avn_err *e) {
  yctx c = {.name = name, .e = e};
  ytree *root = NULL;
  avn_rc rc = AVN_OK;
  int started = 0;
  *out = NULL;
  if (!yaml_parser_initialize(&c.parser)) return AVN_E_NOMEM;
  yaml_parser_set_input_string(&c.parser, (const unsigned char *)text, len);
  for (;;) {
    yaml_event_t ev;
    rc = next_event(&c, &ev);
    if (rc) goto cleanup;
    yaml_event_type_t type = ev.type;
    if (type == YAML_STREAM_END_EVENT) {
      yaml_event_delete(&ev);
      break;
    }
    if (type == YAML_DOCUMENT_START_EVENT && started) {
      int line = (int)ev.start_mark.line + 1;
      yaml_event_delete(&ev);
      rc = yfail(&c, line, "only one YAML document per file");
      goto cleanup;
    }
    if (type == YAML_SCALAR_EVENT || type == YAML_SEQUENCE_START_EVENT ||
        type == YAML_MAPPING_START_EVENT || type == YAML_ALIAS_EVENT) {
      rc = build(&c, &ev, 0, &root);
      yaml_event_delete(&ev);
      if (rc) goto cleanup;
      started = 1;
      continue;
    }
    yaml_event_delete(&ev);
  }
  if (!root) {
    rc = yfail(&c, 1, "the file is empty");
    goto cleanup;
  }
  root->blocks = c.blocks;
  c.blocks = NULL;
  *out = root;
cleanup:
  free_blocks(c.blocks);
  yaml_parser_delete(&c.parser);
  return rc;
}

const ytree *ytree_get(const ytree *map, const char *key) {
  if (!map || map->kind != YT_MAP) return NULL;
  for (size_t i = 0; i < map->n; i++)
    if (strcmp(map->keys[i], key) == 0) return map->items[i];
  return NULL;
}

const char *ytree_str(const ytree *map, const char *key) {
  const ytree *v = ytree_get(map, key);
  return v && v->kind == YT_SCALAR ? v->scalar : NULL;
}

/* --- typed readers ---------------------------------------------------------- */

static avn_rc vfail(const ytree_reader *r, int line, const char *value, const char *fmt,
                    va_list ap) {
  char where[300], rule[384];
  vsnprintf(rule, sizeof rule, fmt, ap);
  snprintf(where, sizeof where, "%s:%d", r->file, line);
  return avn_fail(r->e, AVN_E_PARSE, where, value, "%s", rule);
}

avn_rc ytree_fail(const ytree_reader *r, int line, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  avn_rc rc = vfail(r, line, NULL, fmt, ap);
  va_end(ap);
  return rc;
}

avn_rc ytree_fail_value(const ytree_reader *r, int line, const char *value, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  avn_rc rc = vfail(r, line, value, fmt, ap);
  va_end(ap);
  return rc;
}

avn_rc ytree_check_keys(const ytree_reader *r, const ytree *map, const char *const *allowed,
                        const char *where) {
  for (size_t i = 0; i < map->n; i++) {
    bool ok = false;
    for (const char *const *a = allowed; *a; a++)
      if (!strcmp(map->keys[i], *a)) ok = true;
    if (ok) continue;
    if (where) return ytree_fail(r, map->key_lines[i], "unknown key '%s' in %s", map->keys[i], where);
    return ytree_fail(r, map->key_lines[i], "unknown key '%s'", map->keys[i]);
  }
  return AVN_OK;
}

avn_rc ytree_need_map(const ytree_reader *r, const ytree *t, const char *what) {
  if (!t || t->kind != YT_MAP) return ytree_fail(r, t ? t->line : 1, "%s must be a mapping", what);
  return AVN_OK;
}

avn_rc ytree_need_seq(const ytree_reader *r, const ytree *t, const char *what) {
  if (!t || t->kind != YT_SEQ) return ytree_fail(r, t ? t->line : 1, "%s must be a list", what);
  return AVN_OK;
}

/* A finite number spelled by the whole of s (strtod's syntax). */
static bool finite_number(const char *s, double *out) {
  char *end = NULL;
  errno = 0;
  double x = strtod(s, &end);
  if (errno || end == s || *end || !isfinite(x)) return false;
  *out = x;
  return true;
}

avn_rc ytree_get_str(const ytree_reader *r, const ytree *map, const char *key, bool required, char **out) {
  const ytree *v = ytree_get(map, key);
  *out = NULL;
  if (!v) return required ? ytree_fail(r, map->line, "missing required key '%s'", key) : AVN_OK;
  if (v->kind != YT_SCALAR) return ytree_fail(r, v->line, "'%s' must be a single value", key);
  *out = avn_strdup(v->scalar);
  return *out ? AVN_OK : AVN_E_NOMEM;
}

avn_rc ytree_get_num(const ytree_reader *r, const ytree *map, const char *key, bool *has, double *out) {
  const ytree *v = ytree_get(map, key);
  *has = false;
  if (!v) return AVN_OK;
  if (v->kind != YT_SCALAR) return ytree_fail(r, v->line, "'%s' must be a number", key);
  if (!finite_number(v->scalar, out))
    return ytree_fail(r, v->line, "'%s' must be a number, not '%s'", key, v->scalar);
  *has = true;
  return AVN_OK;
}

avn_rc ytree_get_list(const ytree_reader *r, const ytree *v, const char *key, char ***out, size_t *n) {
  *out = NULL;
  *n = 0;
  if (!v) return AVN_OK;
  if (v->kind == YT_MAP) return ytree_fail(r, v->line, "'%s' must be a list", key);
  size_t count = v->kind == YT_SEQ ? v->n : 1;
  char **arr = avn_calloc(count ? count : 1, sizeof *arr);
  if (!arr) return AVN_E_NOMEM;
  *out = arr;
  for (size_t i = 0; i < count; i++) {
    const ytree *it = v->kind == YT_SEQ ? v->items[i] : v;
    if (it->kind != YT_SCALAR) return ytree_fail(r, it->line, "items of '%s' must be single values", key);
    arr[i] = avn_strdup(it->scalar);
    if (!arr[i]) return AVN_E_NOMEM;
    (*n)++;
  }
  return AVN_OK;
}

void ytree_free_list(char **a, size_t n) {
  for (size_t i = 0; i < n; i++) avn_free(a[i]);
  avn_free(a);
}

/* --- readers of one value --------------------------------------------------- */

avn_rc ytree_scalar(const ytree_reader *r, const ytree *v, const char *key, const char **out) {
  if (v->kind != YT_SCALAR) return ytree_fail(r, v->line, "'%s' must be a plain value", key);
  *out = v->scalar;
  return AVN_OK;
}

avn_rc ytree_number(const ytree_reader *r, const ytree *v, const char *key, double *out) {
  if (v->kind != YT_SCALAR || !finite_number(v->scalar, out))
    return ytree_fail_value(r, v->line, v->scalar, "'%s' must be a number", key);
  return AVN_OK;
}

avn_rc ytree_bool(const ytree_reader *r, const ytree *v, const char *key, bool *out) {
  const char *s = v->kind == YT_SCALAR ? v->scalar : "";
  if (!strcmp(s, "true") || !strcmp(s, "yes")) {
    *out = true;
    return AVN_OK;
  }
  if (!strcmp(s, "false") || !strcmp(s, "no")) {
    *out = false;
    return AVN_OK;
  }
  return ytree_fail_value(r, v->line, v->scalar, "'%s' must be true or false", key);
}

avn_rc ytree_unknown_key(const ytree_reader *r, const ytree *map, size_t i, const char *rule) {
  return ytree_fail_value(r, map->key_lines[i], map->keys[i], "%s", rule);
}
