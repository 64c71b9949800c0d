/*
** cond.c: an item's condition, parsed once into a small tree and evaluated
** against a form's values (see cond.h for the language).
**
** Grammar (recursive descent, one function per line):
**   or      := and ('or' and)*
**   and     := primary ('and' primary)*
**   primary := '(' or ')' | operand OP operand
**   operand := '[' name ['(' code ')'] ']' | 'text' | "text" | number
** Words `and`/`or` are matched without regard to case, as REDCap does.
** Anything else (functions such as datediff(), [event][field] references,
** arithmetic) is refused with the character position.
**
** Memory: the nodes live in one array; the text of each operand is a copy
** owned by the condition (freed by cond_free).
*/
#include "instruments/cond.h"

#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/mem.h"

typedef enum { N_OR, N_AND, N_CMP } node_kind;
typedef enum { OP_EQ, OP_NE, OP_LT, OP_GT, OP_LE, OP_GE } cmp_op;

typedef struct operand {
  bool field;           /* an item reference; else a literal */
  bool checkbox;        /* [x(code)] */
  char *text;           /* the item's name, or the literal's text */
} operand;

typedef struct node {
  node_kind kind;
  int a, b;             /* N_OR / N_AND: children */
  cmp_op op;            /* N_CMP */
  operand l, r;
} node;

struct cond {
  node *nodes;
  size_t n, cap;
  int root;
  const char **refs;    /* borrowed from the operands */
  bool *ref_box;
  size_t n_refs, cap_refs;
};

typedef struct parser {
  const char *text, *p;
  cond *c;
  int depth;
  avn_err *e;
} parser;

static avn_rc perr(parser *ps, const char *what) {
  return avn_fail(ps->e, AVN_E_PARSE, "show_if", ps->text, "at character %d: %s",
                  (int)(ps->p - ps->text) + 1, what);
}

static void skip_space(parser *ps) {
  while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r') ps->p++;
}

/* True (and past it) when the next word is w, followed by a non-word character. */
static bool word(parser *ps, const char *w) {
  size_t n = strlen(w);
  skip_space(ps);
  if (strncasecmp(ps->p, w, n) != 0) return false;
  char next = ps->p[n];
  if (isalnum((unsigned char)next) || next == '_') return false;
  ps->p += n;
  return true;
}

static avn_rc add_node(parser *ps, const node *nd, int *out) {
  cond *c = ps->c;
  if (avn_grow((void **)&c->nodes, &c->cap, c->n, sizeof *c->nodes))
    return avn_fail(ps->e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  c->nodes[c->n] = *nd;
  *out = (int)c->n++;
  return AVN_OK;
}

static bool name_char(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_'; }

/* [name] or [name(code)] at ps->p ('[' already seen). */
static avn_rc parse_ref(parser *ps, operand *o) {
  const char *start = ps->p;
  while (name_char(*ps->p)) ps->p++;
  if (ps->p == start) return perr(ps, "expected an item name after '['");
  size_t n = (size_t)(ps->p - start);
  char name[128], code[64];
  if (n >= sizeof name) return perr(ps, "item name too long");
  memcpy(name, start, n);
  name[n] = '\0';
  o->field = true;
  if (*ps->p == '(') {
    const char *cs = ++ps->p;
    while (*ps->p && *ps->p != ')' && *ps->p != ']') ps->p++;
    if (*ps->p != ')' || ps->p == cs || (size_t)(ps->p - cs) >= sizeof code)
      return perr(ps, "expected a checkbox choice code and ')': [field(code)]");
    memcpy(code, cs, (size_t)(ps->p - cs));
    code[ps->p - cs] = '\0';
    ps->p++;
    char item[192];
    if (!cond_checkbox_item(name, code, item, sizeof item)) return perr(ps, "checkbox reference too long");
    o->checkbox = true;
    o->text = avn_strdup(item);
  } else {
    o->text = avn_strdup(name);
  }
  if (!o->text) return avn_fail(ps->e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  if (*ps->p != ']') return perr(ps, "expected ']' (a reference to another event or form, [event][field], is not supported)");
  ps->p++;
  skip_space(ps);
  if (*ps->p == '[') return perr(ps, "[event][field]: a reference to another event is not supported");
  return AVN_OK;
}

static avn_rc parse_operand(parser *ps, operand *o) {
  skip_space(ps);
  memset(o, 0, sizeof *o);
  char ch = *ps->p;
  if (ch == '[') {
    ps->p++;
    return parse_ref(ps, o);
  }
  if (ch == '\'' || ch == '"') {
    const char *start = ++ps->p;
    while (*ps->p && *ps->p != ch) ps->p++;
    if (*ps->p != ch) return perr(ps, "unterminated quoted text");
    o->text = avn_strndup(start, (size_t)(ps->p - start));
    ps->p++;
  } else if ((ch >= '0' && ch <= '9') || ch == '-' || ch == '.') {
    const char *start = ps->p;
    char *end = NULL;
    strtod(start, &end);
    if (end == start) return perr(ps, "expected a number");
    ps->p = end;
    o->text = avn_strndup(start, (size_t)(end - start));
  } else {
    return perr(ps, "expected [item], a quoted value or a number (functions are not supported)");
  }
  if (!o->text) return avn_fail(ps->e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  return AVN_OK;
}

static avn_rc parse_op(parser *ps, cmp_op *op) {
  skip_space(ps);
  static const struct { const char *s; cmp_op op; } ops[] = {
      {"<>", OP_NE}, {"!=", OP_NE}, {"<=", OP_LE}, {">=", OP_GE}, {"=", OP_EQ}, {"<", OP_LT}, {">", OP_GT}};
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
    size_t n = strlen(ops[i].s);
    if (!strncmp(ps->p, ops[i].s, n)) {
      ps->p += n;
      *op = ops[i].op;
      return AVN_OK;
    }
  }
  return perr(ps, "expected a comparison: = <> != < > <= >=");
}

static avn_rc parse_or(parser *ps, int *out);

static avn_rc parse_primary(parser *ps, int *out) {
  skip_space(ps);
  if (*ps->p == '(') {
    ps->p++;
    if (++ps->depth > COND_MAX_DEPTH) return perr(ps, "nested too deeply");
    avn_rc rc = parse_or(ps, out);
    ps->depth--;
    if (rc) return rc;
    skip_space(ps);
    if (*ps->p != ')') return perr(ps, "expected ')'");
    ps->p++;
    return AVN_OK;
  }
  node nd = {.kind = N_CMP};
  avn_rc rc = parse_operand(ps, &nd.l);
  if (!rc) rc = parse_op(ps, &nd.op);
  if (!rc) rc = parse_operand(ps, &nd.r);
  if (!rc) rc = add_node(ps, &nd, out);
  if (rc) {
    avn_free(nd.l.text);
    avn_free(nd.r.text);
  }
  return rc;
}

static avn_rc parse_chain(parser *ps, node_kind kind, int *out) {
  const char *w = kind == N_OR ? "or" : "and";
  avn_rc rc = kind == N_OR ? parse_chain(ps, N_AND, out) : parse_primary(ps, out);
  while (!rc && word(ps, w)) {
    node nd = {.kind = kind, .a = *out};
    rc = kind == N_OR ? parse_chain(ps, N_AND, &nd.b) : parse_primary(ps, &nd.b);
    if (!rc) rc = add_node(ps, &nd, out);
  }
  return rc;
}

static avn_rc parse_or(parser *ps, int *out) { return parse_chain(ps, N_OR, out); }

void cond_free(cond *c) {
  if (!c) return;
  for (size_t i = 0; i < c->n; i++) {
    if (c->nodes[i].kind != N_CMP) continue;
    avn_free(c->nodes[i].l.text);
    avn_free(c->nodes[i].r.text);
  }
  avn_free(c->nodes);
  avn_free(c->refs);
  avn_free(c->ref_box);
  avn_free(c);
}

static avn_rc add_ref(cond *c, const operand *o, avn_err *e) {
  size_t cap = c->cap_refs;
  if (avn_grow((void **)&c->refs, &c->cap_refs, c->n_refs, sizeof *c->refs) ||
      avn_grow((void **)&c->ref_box, &cap, c->n_refs, sizeof *c->ref_box))
    return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  c->refs[c->n_refs] = o->text;
  c->ref_box[c->n_refs++] = o->checkbox;
  return AVN_OK;
}

avn_rc cond_parse(const char *text, cond **out, avn_err *e) {
  avn_rc rc = AVN_OK;
  assert(text && out);
  *out = NULL;
  parser ps = {.text = text, .p = text, .e = e};
  if (strlen(text) > COND_MAX_LEN)
    return avn_fail(e, AVN_E_PARSE, "show_if", NULL, "a condition is at most %d characters", COND_MAX_LEN);
  ps.c = avn_calloc(1, sizeof *ps.c);
  if (!ps.c) return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  rc = parse_or(&ps, &ps.c->root);
  if (rc) goto cleanup;
  skip_space(&ps);
  if (*ps.p) {
    rc = perr(&ps, "expected 'and', 'or' or the end");
    goto cleanup;
  }
  /* References in order of appearance: nodes are added left to right. */
  for (size_t i = 0; i < ps.c->n && !rc; i++) {
    const node *nd = &ps.c->nodes[i];
    if (nd->kind != N_CMP) continue;
    if (nd->l.field) rc = add_ref(ps.c, &nd->l, e);
    if (!rc && nd->r.field) rc = add_ref(ps.c, &nd->r, e);
  }
  if (rc) goto cleanup;
  *out = ps.c;
  ps.c = NULL;
cleanup:
  cond_free(ps.c);
  return rc;
}

size_t cond_n_refs(const cond *c) { return c->n_refs; }
const char *cond_ref_at(const cond *c, size_t i) { return i < c->n_refs ? c->refs[i] : NULL; }
bool cond_ref_checkbox(const cond *c, size_t i) { return i < c->n_refs && c->ref_box[i]; }

bool cond_checkbox_item(const char *field, const char *code, char *out, size_t n) {
  size_t used = 0, nf = strlen(field), nc = strlen(code);
  if (nf + 3 + nc + 1 > n) return false;
  memcpy(out, field, nf);
  used = nf;
  memcpy(out + used, "___", 3);
  used += 3;
  for (size_t i = 0; i < nc; i++) {
    char ch = code[i];
    if (ch >= 'A' && ch <= 'Z') ch = (char)(ch - 'A' + 'a');
    else if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))) ch = '_';
    out[used++] = ch;
  }
  out[used] = '\0';
  return true;
}

/* A whole decimal number, as REDCap's comparisons read one. */
static bool as_number(const char *s, double *x) {
  char *end = NULL;
  if (!s || !*s) return false;
  *x = strtod(s, &end);
  return end && *end == '\0' && end != s && isfinite(*x);
}

static const char *operand_value(const operand *o, cond_get_fn get, void *ctx, char *buf, size_t n) {
  if (!o->field) return o->text;
  const char *v = get(ctx, o->text, buf, n);
  if (!v) return o->checkbox ? "0" : "";
  return v;
}

static bool eval_cmp(const node *nd, cond_get_fn get, void *ctx) {
  char lb[128], rb[128];
  const char *l = operand_value(&nd->l, get, ctx, lb, sizeof lb);
  const char *r = operand_value(&nd->r, get, ctx, rb, sizeof rb);
  double x, y;
  int cmp;
  if (as_number(l, &x) && as_number(r, &y)) cmp = (x > y) - (x < y);
  else if (nd->op != OP_EQ && nd->op != OP_NE && (!*l || !*r)) return false;
  else cmp = strcmp(l, r);
  switch (nd->op) {
  case OP_EQ: return cmp == 0;
  case OP_NE: return cmp != 0;
  case OP_LT: return cmp < 0;
  case OP_GT: return cmp > 0;
  case OP_LE: return cmp <= 0;
  case OP_GE: return cmp >= 0;
  }
  return false;
}

static bool eval_node(const cond *c, int i, cond_get_fn get, void *ctx) {
  const node *nd = &c->nodes[i];
  switch (nd->kind) {
  case N_OR: return eval_node(c, nd->a, get, ctx) || eval_node(c, nd->b, get, ctx);
  case N_AND: return eval_node(c, nd->a, get, ctx) && eval_node(c, nd->b, get, ctx);
  case N_CMP: return eval_cmp(nd, get, ctx);
  }
  return false;
}

bool cond_eval(const cond *c, cond_get_fn get, void *ctx) {
  assert(c && get);
  return eval_node(c, c->root, get, ctx);
}
