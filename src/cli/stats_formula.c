/*
** stats_formula.c: R model formulas to `avn stats` flags (see
** stats_formula.h). A small recursive-descent reader of the subset of R's
** formula grammar the methods can fit (R: ?formula, ?Surv, lme4's
** (1 | g) random-effect terms); O(length of the formula).
*/
#include "cli/stats_formula.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

enum { F_MAX_TERMS = 64, F_NAME = 256 };

typedef enum term_kind {
  T_PLAIN = 0,   /* a */
  T_FACTOR,      /* factor(a), as.factor(a) */
  T_STRATA,      /* strata(s) */
  T_CLUSTER,     /* cluster(id) */
  T_POLY,        /* poly(x, K, raw = TRUE) */
  T_RANDOM       /* (1 | s) or (1 | s/u) */
} term_kind;

typedef struct fterm {
  term_kind kind;
  char name[F_NAME];
  char name2[F_NAME];   /* (1 | s/u): u */
  long degree;          /* poly */
} fterm;

typedef struct fparse {
  const char *s, *p;
  avn_err *err;
  bool surv;
  char lhs[F_NAME], lhs2[F_NAME];   /* outcome, or Surv(time, event) */
  fterm t[F_MAX_TERMS];
  size_t nt;
  bool no_intercept, star, plus;
} fparse;

static void skip(fparse *f) {
  while (isspace((unsigned char)*f->p)) f->p++;
}

static avn_rc bad(fparse *f, const char *what) {
  char at[64];
  snprintf(at, sizeof at, "at character %ld", (long)(f->p - f->s) + 1);
  return avn_fail(f->err, AVN_E_USAGE, "--formula", f->s, "%s (%s)", what, at);
}

static bool eat(fparse *f, char ch) {
  skip(f);
  if (*f->p != ch) return false;
  f->p++;
  return true;
}

/* An R name: letters, digits, '.', '_' (not starting with a digit), or a
** `backquoted` name. */
static bool name(fparse *f, char *out) {
  skip(f);
  const char *q = f->p;
  size_t n = 0;
  if (*q == '`') {
    const char *e = strchr(q + 1, '`');
    if (!e || e == q + 1 || (size_t)(e - q - 1) >= F_NAME) return false;
    n = (size_t)(e - q - 1);
    memcpy(out, q + 1, n);
    out[n] = '\0';
    f->p = e + 1;
    return true;
  }
  if (!(isalpha((unsigned char)*q) || *q == '.' || *q == '_')) return false;
  while (isalnum((unsigned char)q[n]) || q[n] == '.' || q[n] == '_') n++;
  if (n >= F_NAME) return false;
  memcpy(out, q, n);
  out[n] = '\0';
  f->p = q + n;
  return true;
}

static bool number(fparse *f, long *v) {
  skip(f);
  if (!isdigit((unsigned char)*f->p)) return false;
  char *end = NULL;
  *v = strtol(f->p, &end, 10);
  f->p = end;
  return true;
}

/* One term: a, fn(a ...), (1 | s[/u]), 0 or 1. */
static avn_rc term(fparse *f) {
  skip(f);
  if (f->nt == F_MAX_TERMS) return bad(f, "too many terms");
  fterm *t = &f->t[f->nt];
  memset(t, 0, sizeof *t);
  long one;
  if (eat(f, '(')) {
    if (!number(f, &one) || one != 1 || !eat(f, '|') || !name(f, t->name))
      return bad(f, "a random effect is written (1 | group) or (1 | group/subgroup)");
    if (eat(f, '/') && !name(f, t->name2)) return bad(f, "expected the nested group's name");
    if (!eat(f, ')')) return bad(f, "expected ')' closing the random effect");
    t->kind = T_RANDOM;
    f->nt++;
    return AVN_OK;
  }
  if (isdigit((unsigned char)*f->p)) {
    number(f, &one);
    if (one == 0) f->no_intercept = true;
    else if (one != 1) return bad(f, "a number term must be 0 or 1 (the intercept)");
    return AVN_OK;
  }
  char fn[F_NAME];
  if (!name(f, fn)) return bad(f, "expected a column name");
  if (!eat(f, '(')) {
    snprintf(t->name, sizeof t->name, "%s", fn);
    t->kind = T_PLAIN;
    f->nt++;
    return AVN_OK;
  }
  if (!name(f, t->name)) return bad(f, "expected a column name as the function's argument");
  if (!strcmp(fn, "factor") || !strcmp(fn, "as.factor")) t->kind = T_FACTOR;
  else if (!strcmp(fn, "strata")) t->kind = T_STRATA;
  else if (!strcmp(fn, "cluster")) t->kind = T_CLUSTER;
  else if (!strcmp(fn, "poly")) {
    char key[F_NAME], val[F_NAME];
    t->kind = T_POLY;
    if (!eat(f, ',') || !number(f, &t->degree) || t->degree < 1 || t->degree > 30)
      return bad(f, "poly() needs a degree from 1 to 30: poly(x, K, raw = TRUE)");
    bool raw = false;
    while (eat(f, ',')) {
      if (!name(f, key) || !eat(f, '=') || !name(f, val) || strcmp(key, "raw"))
        return bad(f, "poly() takes only raw = TRUE");
      raw = !strcmp(val, "TRUE") || !strcmp(val, "T");
    }
    if (!raw)
      return bad(f, "only raw polynomials are fitted: write poly(x, K, raw = TRUE) "
                    "(orthogonal poly() gives other coefficients)");
  } else {
    return bad(f, "unsupported function in a term (factor, strata, cluster, poly only)");
  }
  if (!eat(f, ')')) return bad(f, "expected ')'");
  f->nt++;
  return AVN_OK;
}

static avn_rc parse(fparse *f) {
  char nm[F_NAME];
  if (!name(f, nm)) return bad(f, "expected the response (a column or Surv(time, event))");
  if (!strcmp(nm, "Surv") && eat(f, '(')) {
    if (!name(f, f->lhs) || !eat(f, ',') || !name(f, f->lhs2) || !eat(f, ')'))
      return bad(f, "Surv() takes two column names: Surv(time, event)");
    f->surv = true;
  } else {
    snprintf(f->lhs, sizeof f->lhs, "%s", nm);
  }
  if (!eat(f, '~')) return bad(f, "expected '~'");
  avn_rc rc = term(f);
  while (!rc) {
    skip(f);
    if (*f->p == '\0') break;
    if (eat(f, '+')) {
      f->plus = true;
      rc = term(f);
    } else if (eat(f, '*')) {
      f->star = true;
      rc = term(f);
    } else if (eat(f, '-')) {
      long one;
      if (!number(f, &one) || one != 1) return bad(f, "only '- 1' (no intercept) may be subtracted");
      f->no_intercept = true;
    } else if (*f->p == ':') {
      return bad(f, "interaction terms a:b are not fitted (anova2 takes a * b)");
    } else {
      return bad(f, "expected '+' between terms");
    }
  }
  return rc;
}

/* ---- translation --------------------------------------------------------- */

typedef struct fout {
  stats_ctx *c;
  char *buf;
  size_t len, cap;
  stats_optval *v;
  size_t n;
} fout;

/* Appends --name value (value NULL: a flag); the strings are copied. */
static avn_rc put(fout *o, const char *nm, const char *val) {
  if (stats_has(&o->c->opts, nm)) {
    char opt[64];
    snprintf(opt, sizeof opt, "--%s", nm);
    return avn_fail(o->c->err, AVN_E_USAGE, opt, NULL,
                    "given both in --formula and on the command line");
  }
  size_t a = strlen(nm) + 1, b = val ? strlen(val) + 1 : 0;
  if (o->len + a + b > o->cap) return AVN_E_NOMEM;   /* cap covers the formula */
  char *pn = o->buf + o->len;
  memcpy(pn, nm, a);
  o->len += a;
  char *pv = NULL;
  if (val) {
    pv = o->buf + o->len;
    memcpy(pv, val, b);
    o->len += b;
  }
  o->v[o->n++] = (stats_optval){pn, pv};
  return AVN_OK;
}

/* Comma list of the names of the terms of the given kinds. */
static void join(const fparse *f, bool (*want)(term_kind), char *out, size_t n) {
  size_t used = 0;
  out[0] = '\0';
  for (size_t i = 0; i < f->nt; i++) {
    if (!want(f->t[i].kind)) continue;
    int w = snprintf(out + used, n - used, "%s%s", used ? "," : "", f->t[i].name);
    if (w < 0 || (size_t)w >= n - used) break;
    used += (size_t)w;
  }
}

static bool is_cov(term_kind k) { return k == T_PLAIN || k == T_FACTOR; }
static bool is_factor(term_kind k) { return k == T_FACTOR; }
static bool is_poly(term_kind k) { return k == T_POLY; }

static const fterm *only(const fparse *f, term_kind k) {
  for (size_t i = 0; i < f->nt; i++)
    if (f->t[i].kind == k) return &f->t[i];
  return NULL;
}

static size_t count(const fparse *f, term_kind k) {
  size_t n = 0;
  for (size_t i = 0; i < f->nt; i++) n += f->t[i].kind == k;
  return n;
}

static bool test_is(const stats_ctx *c, const char *list) {
  size_t n = strlen(c->test);
  for (const char *p = list; p;) {
    const char *comma = strchr(p, ',');
    size_t wl = comma ? (size_t)(comma - p) : strlen(p);
    if (wl == n && !strncmp(p, c->test, n)) return true;
    p = comma ? comma + 1 : NULL;
  }
  return false;
}

/* Refuses terms of kinds the method has no flag for. */
static avn_rc allow_kinds(fparse *f, const stats_ctx *c, unsigned mask) {
  for (size_t i = 0; i < f->nt; i++)
    if (!(mask & (1u << f->t[i].kind)))
      return avn_fail(f->err, AVN_E_USAGE, "--formula", f->t[i].name,
                      "this kind of term has no meaning for 'avn stats %s'", c->test);
  return AVN_OK;
}

#define K(x) (1u << (x))

static avn_rc translate(fparse *f, fout *o) {
  stats_ctx *c = o->c;
  char list[4096];
  avn_rc rc = AVN_OK;
  bool surv_test = test_is(c, "cox,km,logrank");
  if (surv_test != f->surv)
    return avn_fail(f->err, AVN_E_USAGE, "--formula", f->s,
                    surv_test ? "'avn stats %s' needs Surv(time, event) on the left"
                              : "Surv() belongs to km, logrank and cox, not '%s'",
                    c->test);
  if (f->no_intercept && !test_is(c, "ols,logistic"))
    return avn_fail(f->err, AVN_E_USAGE, "--formula", f->s,
                    "removing the intercept is for ols and logistic only");
  if (surv_test) {
    rc = put(o, "time", f->lhs);
    if (!rc) rc = put(o, "event", f->lhs2);
    if (rc) return rc;
    if (test_is(c, "km,logrank")) {
      rc = allow_kinds(f, c, K(T_PLAIN) | K(T_FACTOR));
      if (!rc && (f->nt > 1 || (f->nt == 0 && test_is(c, "logrank"))))
        rc = avn_fail(f->err, AVN_E_USAGE, "--formula", f->s,
                      "'avn stats %s' compares the groups of one column: Surv(T, E) ~ g",
                      c->test);
      if (!rc && f->nt == 1) rc = put(o, "group", f->t[0].name);
      return rc;
    }
    rc = allow_kinds(f, c, K(T_PLAIN) | K(T_FACTOR) | K(T_STRATA) | K(T_CLUSTER));
    if (!rc && (count(f, T_STRATA) > 1 || count(f, T_CLUSTER) > 1))
      rc = avn_fail(f->err, AVN_E_USAGE, "--formula", f->s,
                    "one strata() and one cluster() column at most");
    join(f, is_cov, list, sizeof list);
    if (!rc && list[0]) rc = put(o, "covariates", list);
    join(f, is_factor, list, sizeof list);
    if (!rc && list[0]) rc = put(o, "factors", list);
    if (!rc && only(f, T_STRATA)) rc = put(o, "strata", only(f, T_STRATA)->name);
    if (!rc && only(f, T_CLUSTER)) rc = put(o, "cluster", only(f, T_CLUSTER)->name);
    return rc;
  }
  if (test_is(c, "t,mann-whitney,anova,oneway,kruskal")) {
    rc = allow_kinds(f, c, K(T_PLAIN) | K(T_FACTOR));
    if (!rc && f->nt != 1)
      rc = avn_fail(f->err, AVN_E_USAGE, "--formula", f->s,
                    "'avn stats %s' takes value ~ group", c->test);
    if (!rc) rc = put(o, "value", f->lhs);
    if (!rc) rc = put(o, "group", f->t[0].name);
    return rc;
  }
  if (test_is(c, "anova2")) {
    rc = allow_kinds(f, c, K(T_PLAIN) | K(T_FACTOR));
    if (!rc && (f->nt != 2 || (f->star && f->plus)))
      rc = avn_fail(f->err, AVN_E_USAGE, "--formula", f->s,
                    "anova2 takes value ~ a * b (with interaction) or value ~ a + b");
    join(f, is_cov, list, sizeof list);
    if (!rc) rc = put(o, "value", f->lhs);
    if (!rc) rc = put(o, "factors", list);
    if (!rc && !f->star) rc = put(o, "no-interaction", NULL);
    return rc;
  }
  if (!test_is(c, "ols,logistic,lmm,gee"))
    return avn_fail(f->err, AVN_E_USAGE, "--formula", NULL,
                    "'avn stats %s' takes no formula", c->test);
  unsigned kinds = K(T_PLAIN) | K(T_FACTOR);
  if (test_is(c, "ols")) kinds |= K(T_POLY) | K(T_CLUSTER);
  if (test_is(c, "logistic,gee")) kinds |= K(T_CLUSTER);
  if (test_is(c, "lmm")) kinds |= K(T_RANDOM);
  rc = allow_kinds(f, c, kinds);
  if (rc) return rc;
  if (f->star)
    return avn_fail(f->err, AVN_E_USAGE, "--formula", f->s,
                    "interactions a * b are not fitted by '%s'", c->test);
  if (count(f, T_CLUSTER) > 1 || count(f, T_RANDOM) > 1 || count(f, T_POLY) > 1)
    return avn_fail(f->err, AVN_E_USAGE, "--formula", f->s,
                    "one cluster(), one (1 | group) and one poly() term at most");
  if (only(f, T_POLY) && count(f, T_PLAIN) + count(f, T_FACTOR) > 0)
    return avn_fail(f->err, AVN_E_USAGE, "--formula", f->s,
                    "poly(x, K, raw = TRUE) must be the only predictor");
  rc = put(o, "outcome", f->lhs);
  join(f, only(f, T_POLY) ? is_poly : is_cov, list, sizeof list);
  if (!rc && list[0]) rc = put(o, "predictors", list);
  if (!rc && only(f, T_POLY)) {
    char k[32];
    snprintf(k, sizeof k, "%ld", only(f, T_POLY)->degree);
    rc = put(o, "degree", k);
  }
  join(f, is_factor, list, sizeof list);
  if (!rc && list[0]) rc = put(o, "factors", list);
  if (!rc && f->no_intercept) rc = put(o, "no-intercept", NULL);
  if (!rc && only(f, T_CLUSTER))
    rc = put(o, test_is(c, "gee") ? "subject" : "cluster", only(f, T_CLUSTER)->name);
  if (!rc && test_is(c, "lmm")) {
    const fterm *re = only(f, T_RANDOM);
    if (!re)
      return avn_fail(f->err, AVN_E_USAGE, "--formula", f->s,
                      "lmm needs a random intercept: + (1 | subject)");
    rc = put(o, "subject", re->name);
    if (!rc && re->name2[0]) rc = put(o, "nested", re->name2);
  }
  return rc;
}

avn_rc stats_formula_apply(stats_ctx *c, stats_formula *fm) {
  memset(fm, 0, sizeof *fm);
  const char *text = stats_opt(&c->opts, "formula");
  if (!stats_has(&c->opts, "formula")) return AVN_OK;
  if (!text || !*text)
    return avn_fail(c->err, AVN_E_USAGE, "--formula", NULL, "needs a formula: \"y ~ a + b\"");
  fparse *f = avn_calloc(1, sizeof *f);
  if (!f) return AVN_E_NOMEM;
  f->s = f->p = text;
  f->err = c->err;
  avn_rc rc = parse(f);
  /* room: every name of the formula at most twice (covariates and factors)
  ** plus the option names */
  size_t cap = 4 * strlen(text) + 512;
  fout o = {.c = c, .buf = avn_malloc(cap), .cap = cap,
            .v = avn_calloc(c->opts.n + 2 * F_MAX_TERMS + 16, sizeof *o.v)};
  if (!rc && (!o.buf || !o.v)) rc = AVN_E_NOMEM;
  for (size_t i = 0; !rc && i < c->opts.n; i++)
    if (strcmp(c->opts.v[i].name, "formula")) o.v[o.n++] = c->opts.v[i];
  if (!rc) rc = translate(f, &o);
  if (!rc) {
    stats_json_str(c->json, "formula", text);
    fm->v = o.v;
    fm->text = o.buf;
    c->opts.v = o.v;
    c->opts.n = o.n;
  } else {
    avn_free(o.v);
    avn_free(o.buf);
  }
  avn_free(f);
  return rc;
}

void stats_formula_free(stats_formula *fm) {
  avn_free(fm->v);
  avn_free(fm->text);
  memset(fm, 0, sizeof *fm);
}
