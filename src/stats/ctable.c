/*
** ctable.c: chi-square and Fisher exact tests (see ctable.h for the papers
** and R's conventions followed).
*/
#include "stats/ctable.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

static avn_rc margins(const double *x, size_t r, size_t c, double *rs, double *cs, double *n) {
  *n = 0;
  for (size_t i = 0; i < r; i++) rs[i] = 0;
  for (size_t j = 0; j < c; j++) cs[j] = 0;
  for (size_t i = 0; i < r; i++)
    for (size_t j = 0; j < c; j++) {
      rs[i] += x[i * c + j];
      cs[j] += x[i * c + j];
      *n += x[i * c + j];
    }
  for (size_t i = 0; i < r; i++)
    if (rs[i] <= 0) return AVN_E_DEGENERATE;
  for (size_t j = 0; j < c; j++)
    if (cs[j] <= 0) return AVN_E_DEGENERATE;
  return AVN_OK;
}

avn_rc ctable_chisq_test(const double *x, size_t r, size_t c, bool yates, ctable_chisq *out) {
  avn_rc rc = AVN_OK;
  double *rs = NULL, *cs = NULL, n = 0;
  memset(out, 0, sizeof *out);
  if (r < 2 || c < 2) return AVN_E_DEGENERATE;
  rs = avn_malloc(r * sizeof *rs);
  cs = avn_malloc(c * sizeof *cs);
  out->expected = avn_malloc(r * c * sizeof *out->expected);
  if (!rs || !cs || !out->expected) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  rc = margins(x, r, c, rs, cs, &n);
  if (rc) goto cleanup;
  double *E = out->expected;
  out->min_expected = INFINITY;
  double ymin = INFINITY;
  for (size_t i = 0; i < r; i++)
    for (size_t j = 0; j < c; j++) {
      E[i * c + j] = rs[i] * cs[j] / n;
      if (E[i * c + j] < out->min_expected) out->min_expected = E[i * c + j];
      double d = fabs(x[i * c + j] - E[i * c + j]);
      if (d < ymin) ymin = d;
    }
  double Y = 0.0;
  if (yates && r == 2 && c == 2) {
    Y = ymin < 0.5 ? ymin : 0.5;
    out->yates = true;
  }
  double q = 0.0;
  for (size_t k = 0; k < r * c; k++) {
    double d = fabs(x[k] - E[k]) - Y;
    q += d * d / E[k];
  }
  out->statistic = q;
  out->df = (double)((r - 1) * (c - 1));
  out->p = gsl_cdf_chisq_Q(q, out->df);
  out->n = (size_t)n;

cleanup:
  if (rc) {
    avn_free(out->expected);
    out->expected = NULL;
  }
  avn_free(rs);
  avn_free(cs);
  return rc;
}

/* ---- 2x2: noncentral hypergeometric on the support lo..hi ---------------- */

typedef struct hyp {
  long lo, hi, x;
  double *logdc;   /* hi - lo + 1 */
  double *d;       /* scratch */
} hyp;

static void dnhyper(const hyp *h, double lncp, double *d) {
  long m = h->hi - h->lo + 1;
  double mx = -INFINITY;
  for (long i = 0; i < m; i++) {
    d[i] = h->logdc[i] + lncp * (double)(h->lo + i);
    if (d[i] > mx) mx = d[i];
  }
  double s = 0.0;
  for (long i = 0; i < m; i++) {
    d[i] = exp(d[i] - mx);
    s += d[i];
  }
  for (long i = 0; i < m; i++) d[i] /= s;
}

static double mnhyper(const hyp *h, double lncp) {
  dnhyper(h, lncp, h->d);
  double s = 0.0;
  for (long i = 0; i <= h->hi - h->lo; i++) s += (double)(h->lo + i) * h->d[i];
  return s;
}

static double pnhyper(const hyp *h, double lncp, bool upper) {
  dnhyper(h, lncp, h->d);
  double s = 0.0;
  for (long i = 0; i <= h->hi - h->lo; i++) {
    long v = h->lo + i;
    if (upper ? v >= h->x : v <= h->x) s += h->d[i];
  }
  return s;
}

/* Root in log(ncp) of f(u) = target, f increasing (sign = 1) or decreasing
** (sign = -1), by bisection on [-60, 60] then to double precision. */
typedef double (*hyp_fn)(const hyp *, double, bool);
static double mn_wrap(const hyp *h, double u, bool unused) {
  (void)unused;
  return mnhyper(h, u);
}

static double solve(const hyp *h, hyp_fn f, bool upper, double target, int sign) {
  double a = -60.0, b = 60.0;
  for (int it = 0; it < 200; it++) {
    double m = 0.5 * (a + b);
    if (m == a || m == b) break;
    double v = f(h, m, upper) - target;
    if ((v < 0) == (sign > 0)) a = m;
    else b = m;
  }
  return exp(0.5 * (a + b));
}

static avn_rc fisher_2x2(const double *x, int alt, double cl, ctable_fisher *out) {
  long m = (long)(x[0] + x[2]), n = (long)(x[1] + x[3]), k = (long)(x[0] + x[1]);
  long xx = (long)x[0];
  hyp h = {0};
  h.lo = k - n > 0 ? k - n : 0;
  h.hi = k < m ? k : m;
  h.x = xx;
  long len = h.hi - h.lo + 1;
  h.logdc = avn_malloc((size_t)len * sizeof *h.logdc);
  h.d = avn_malloc((size_t)len * sizeof *h.d);
  if (!h.logdc || !h.d) {
    avn_free(h.logdc);
    avn_free(h.d);
    return AVN_E_NOMEM;
  }
  for (long i = 0; i < len; i++) {
    long s = h.lo + i;
    h.logdc[i] = gsl_sf_lnchoose((unsigned)m, (unsigned)s) +
                 gsl_sf_lnchoose((unsigned)n, (unsigned)(k - s)) -
                 gsl_sf_lnchoose((unsigned)(m + n), (unsigned)k);
  }
  /* p-value at odds ratio 1 */
  if (alt == 1) {
    out->p = pnhyper(&h, 0.0, false);
  } else if (alt == 2) {
    out->p = pnhyper(&h, 0.0, true);
  } else {
    dnhyper(&h, 0.0, h.d);
    double lim = h.d[xx - h.lo] * (1.0 + 1e-7), s = 0.0;
    for (long i = 0; i < len; i++)
      if (h.d[i] <= lim) s += h.d[i];
    out->p = s > 1.0 ? 1.0 : s;
  }
  /* conditional MLE */
  if (xx == h.lo) out->estimate = 0.0;
  else if (xx == h.hi) out->estimate = INFINITY;
  else out->estimate = solve(&h, mn_wrap, false, (double)xx, 1);
  /* CI */
  double alpha = (alt == 0) ? (1.0 - cl) / 2.0 : 1.0 - cl;
  double U = INFINITY, L = 0.0;
  if (alt != 2 && xx != h.hi) U = solve(&h, pnhyper, false, alpha, -1);
  if (alt != 1 && xx != h.lo) L = solve(&h, pnhyper, true, alpha, 1);
  out->ci_low = L;
  out->ci_high = U;
  out->conf_level = cl;
  avn_free(h.logdc);
  avn_free(h.d);
  return AVN_OK;
}

/* ---- r x c: the network algorithm ----------------------------------------
**
** Mehta, C. R. & Patel, N. R. (1983) A network algorithm for performing
** Fisher's exact test in r x c contingency tables. JASA 78, 427-434.
** Columns are filled one per stage; a node of stage k is the multiset of
** row totals still to fill (kept sorted: rows are exchangeable, so every
** path reaching it has the same completions). Each node keeps its distinct
** "past" values (sum of -log x! over the cells filled so far) with the log
** of how many paths carry each. With the longest (LP) and shortest (SP)
** remaining path of the node: past + LP <= limit means every completion
** counts, and their total is closed-form (the hypergeometric normalizer
** lf(M) - sum lf(rows) - sum lf(cols)); past + SP > limit means none does;
** otherwise the node is expanded to the next stage. LP and SP are exact,
** from one memoized pass over the network without pasts (net_path). */

typedef struct net_entry {
  double past, lw;   /* past length; log of its path count */
} net_entry;

typedef struct net_node {
  net_entry *e;
  size_t ne, cap;
  double lp, sp;     /* bounds memo: longest / shortest remaining path */
  bool done;
} net_node;

typedef struct net_stage {
  size_t r;          /* key length */
  int32_t *keys;     /* nnode * r */
  net_node *node;
  size_t nnode, cap;
  size_t *slot;      /* open-addressing table of node index + 1 */
  size_t nslot;
  /* (node, past) -> entry: equal pasts merge on insertion. A past is
  ** keyed on a 1e-9 grid: the same multiset of cells summed in another
  ** order lands on one key (or, straddling a grid line, on two entries,
  ** which is still exact); pasts closer than 1e-9 but different merge,
  ** moving a table across the limit only within 1e-9, far inside R's own
  ** relative fuzz of 1e-7. */
  int64_t *pq;       /* quantized past */
  uint32_t *pnode, *ppos; /* node index + 1 (0 = empty), entry index */
  size_t pcap, pcount;
} net_stage;

static uint64_t key_hash(const int32_t *k, size_t r) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < r; i++) {
    h ^= (uint64_t)(uint32_t)k[i];
    h *= 1099511628211ULL;
  }
  return h;
}

static void stage_free(net_stage *s) {
  for (size_t i = 0; i < s->nnode; i++) avn_free(s->node[i].e);
  avn_free(s->node);
  avn_free(s->keys);
  avn_free(s->slot);
  avn_free(s->pq);
  avn_free(s->pnode);
  avn_free(s->ppos);
  size_t r = s->r;
  memset(s, 0, sizeof *s);
  s->r = r;
}

static size_t past_slot(const net_stage *s, uint32_t node, int64_t q, size_t cap) {
  uint64_t h = ((uint64_t)q * 0x9E3779B97F4A7C15ULL) ^ ((uint64_t)node * 0xC2B2AE3D27D4EB4FULL);
  h ^= h >> 29;
  size_t i = (size_t)(h & (cap - 1));
  while (s->pnode[i] && !(s->pnode[i] == node + 1 && s->pq[i] == q)) i = (i + 1) & (cap - 1);
  return i;
}

static avn_rc past_grow(net_stage *s) {
  size_t cap = s->pcap ? 2 * s->pcap : 4096;
  int64_t *oq = s->pq;
  uint32_t *on = s->pnode, *op = s->ppos;
  size_t ocap = s->pcap;
  s->pq = avn_malloc(cap * sizeof *s->pq);
  s->pnode = avn_calloc(cap, sizeof *s->pnode);
  s->ppos = avn_malloc(cap * sizeof *s->ppos);
  if (!s->pq || !s->pnode || !s->ppos) {
    avn_free(s->pq);
    avn_free(s->pnode);
    avn_free(s->ppos);
    s->pq = oq, s->pnode = on, s->ppos = op;
    return AVN_E_NOMEM;
  }
  s->pcap = cap;
  for (size_t i = 0; i < ocap; i++)
    if (on[i]) {
      size_t j = past_slot(s, on[i] - 1, oq[i], cap);
      s->pnode[j] = on[i];
      s->pq[j] = oq[i];
      s->ppos[j] = op[i];
    }
  avn_free(oq);
  avn_free(on);
  avn_free(op);
  return AVN_OK;
}

static avn_rc stage_grow(net_stage *s) {
  size_t nslot = s->nslot ? 2 * s->nslot : 1024;
  size_t *slot = avn_calloc(nslot, sizeof *slot);
  if (!slot) return AVN_E_NOMEM;
  for (size_t i = 0; i < s->nnode; i++) {
    size_t h = (size_t)(key_hash(s->keys + i * s->r, s->r) & (nslot - 1));
    while (slot[h]) h = (h + 1) & (nslot - 1);
    slot[h] = i + 1;
  }
  avn_free(s->slot);
  s->slot = slot;
  s->nslot = nslot;
  return AVN_OK;
}

/* Nodes per stage beyond which the table is refused (memory ~ r * 4 B + 40 B
** each, and the time to expand them). */
#define NET_MAX_NODES 1000000
/* Past values per stage beyond which it is refused (32 B each with the
** hash: 64 MB), and the expansion steps in all; both reached within a few
** seconds. */
#define NET_MAX_ENTRIES 2000000.0
#define NET_MAX_WORK 3e7
#define NET_MAX_PATH_WORK 4e8
/* Stages (the longer margin's levels) beyond which a table is refused at
** once: the bounds pass recurses once per stage. */
#define NET_MAX_STAGES 2000

/* The node with key k (sorted), created empty when new; AVN_E_RANGE when
** the stage would pass NET_MAX_NODES. */
static avn_rc stage_find(net_stage *s, const int32_t *k, net_node **out) {
  if (2 * (s->nnode + 1) > s->nslot && stage_grow(s)) return AVN_E_NOMEM;
  size_t h = (size_t)(key_hash(k, s->r) & (s->nslot - 1));
  while (s->slot[h]) {
    size_t i = s->slot[h] - 1;
    if (!memcmp(s->keys + i * s->r, k, s->r * sizeof *k)) {
      *out = &s->node[i];
      return AVN_OK;
    }
    h = (h + 1) & (s->nslot - 1);
  }
  if (s->nnode == s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 256;
    int32_t *keys = avn_reallocarray(s->keys, cap * s->r, sizeof *keys);
    if (!keys) return AVN_E_NOMEM;
    s->keys = keys;
    net_node *node = avn_reallocarray(s->node, cap, sizeof *node);
    if (!node) return AVN_E_NOMEM;
    s->node = node;
    s->cap = cap;
  }
  if (s->nnode >= NET_MAX_NODES) return AVN_E_RANGE;
  memcpy(s->keys + s->nnode * s->r, k, s->r * sizeof *k);
  memset(&s->node[s->nnode], 0, sizeof s->node[s->nnode]);
  s->slot[h] = ++s->nnode;
  *out = &s->node[s->nnode - 1];
  return AVN_OK;
}

static avn_rc node_add(net_node *n, double past, double lw);
static double log_add(double a, double b);

/* Adds (past, lw) to node index v of stage s, merging an equal past. */
static avn_rc stage_add(net_stage *s, size_t v, double past, double lw) {
  if (2 * (s->pcount + 1) > s->pcap && past_grow(s)) return AVN_E_NOMEM;
  int64_t q = (int64_t)llround(past * 1e9);
  size_t i = past_slot(s, (uint32_t)v, q, s->pcap);
  net_node *n = &s->node[v];
  if (s->pnode[i]) {
    net_entry *e = &n->e[s->ppos[i]];
    e->lw = log_add(e->lw, lw);
    return AVN_OK;
  }
  avn_rc rc = node_add(n, past, lw);
  if (rc) return rc;
  s->pnode[i] = (uint32_t)v + 1;
  s->pq[i] = q;
  s->ppos[i] = (uint32_t)(n->ne - 1);
  s->pcount++;
  return AVN_OK;
}

static avn_rc node_add(net_node *n, double past, double lw) {
  if (n->ne == n->cap) {
    size_t cap = n->cap ? 2 * n->cap : 4;
    net_entry *e = avn_reallocarray(n->e, cap, sizeof *e);
    if (!e) return AVN_E_NOMEM;
    n->e = e;
    n->cap = cap;
  }
  n->e[n->ne++] = (net_entry){past, lw};
  return AVN_OK;
}

static double log_add(double a, double b) {
  if (a < b) {
    double t = a;
    a = b;
    b = t;
  }
  return a + log1p(exp(b - a));
}

static int cmp_i32_desc(const void *a, const void *b) {
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return (x < y) - (x > y);
}

typedef struct net_ctx {
  size_t r, c;
  const long *cs;       /* column totals in stage order */
  const double *lf;
  double lconst, lim;
  double work, cap;     /* expansion steps done / allowed */
  size_t max_entries;
} net_ctx;

/* log of the number-weighted total of all completions from key k before
** stage j: sum over them of prod 1/x! = M! / (prod k_i! prod cs_j!), the
** hypergeometric normalizer. */
static double net_total(const net_ctx *x, const int32_t *k, size_t j) {
  long M = 0;
  double t = 0;
  for (size_t i = 0; i < x->r; i++) {
    M += k[i];
    t -= x->lf[k[i]];
  }
  for (size_t q = j; q < x->c; q++) t -= x->lf[x->cs[q]];
  return t + x->lf[M];
}

typedef struct net_scratch {
  int32_t *xv, *nk;   /* [r] the column being built, the next key */
  long *suffix;       /* [r + 1] sum of k[i..] */
  long *left;         /* [r] still to place from row i on */
  double *acc;        /* [r] -sum lf(x) of rows before i */
} net_scratch;

/* Calls fn(arg, next key (sorted), -sum lf(x)) for every column x of stage
** j with sum cs[j] and 0 <= x_i <= k_i (depth-first, no recursion). */
typedef avn_rc (*net_col_fn)(void *arg, const int32_t *nk, double acc);
static avn_rc net_columns(net_ctx *x, const int32_t *k, size_t j, net_scratch *w,
                          net_col_fn fn, void *arg) {
  size_t r = x->r, i = 0;
  w->suffix[r] = 0;
  for (size_t q = r; q-- > 0;) w->suffix[q] = w->suffix[q + 1] + k[q];
  w->left[0] = x->cs[j];
  w->acc[0] = 0.0;
  w->xv[0] = (int32_t)(w->left[0] - w->suffix[1] > 0 ? w->left[0] - w->suffix[1] : 0);
  for (;;) {
    long hi = k[i] < w->left[i] ? k[i] : w->left[i];
    if (w->xv[i] > hi) {
      if (i == 0) return AVN_OK;
      w->xv[--i]++;
      continue;
    }
    double acc = w->acc[i] - x->lf[w->xv[i]];
    if (i + 1 < r) {
      i++;
      w->left[i] = w->left[i - 1] - w->xv[i - 1];
      w->acc[i] = acc;
      long lo = w->left[i] - w->suffix[i + 1];
      w->xv[i] = (int32_t)(lo > 0 ? lo : 0);
      continue;
    }
    /* the last row takes what is left: a complete column */
    for (size_t q = 0; q < r; q++) w->nk[q] = k[q] - w->xv[q];
    qsort(w->nk, r, sizeof *w->nk, cmp_i32_desc);
    x->work += (double)r + 16.0;   /* the sort and the hash look-up */
    if (x->work > x->cap) return AVN_E_RANGE;
    avn_rc rc = fn(arg, w->nk, acc);
    if (rc) return rc;
    w->xv[i]++;
  }
}

typedef struct expand_arg {
  net_ctx *x;
  net_stage *next;
  const net_entry *e;
  size_t ne;
} expand_arg;

static avn_rc expand_one(void *p, const int32_t *nk, double acc) {
  expand_arg *a = p;
  net_node *nd = NULL;
  avn_rc rc = stage_find(a->next, nk, &nd);
  size_t v = rc ? 0 : (size_t)(nd - a->next->node);
  for (size_t q = 0; !rc && q < a->ne; q++) rc = stage_add(a->next, v, a->e[q].past + acc, a->e[q].lw);
  a->x->work += (double)a->ne;
  if (!rc && (double)a->next->pcount > NET_MAX_ENTRIES) rc = AVN_E_RANGE;
  return rc;
}

/* Expands node (key k, kept entries e[0..ne)) through stage j's column into
** the next stage. */
static avn_rc net_expand(net_ctx *x, const int32_t *k, const net_entry *e, size_t ne, size_t j,
                         net_stage *next, net_scratch *w) {
  expand_arg a = {x, next, e, ne};
  return net_columns(x, k, j, w, expand_one, &a);
}

/* ---- exact longest and shortest remaining paths (the bounds) ------------- */

/* For every node reachable from the root: the largest and smallest sum of
** -lf(x) over its completions, by a memoized depth-first pass over the
** same network without pasts (stage j's memo in memo[j]; one scratch per
** depth). These are the exact path lengths FEXACT uses; a node's are found
** once, however many pasts reach it. */
typedef struct path_arg {
  net_ctx *x;
  net_stage *memo;
  net_scratch *w;   /* [C] */
  size_t j;
  double lp, sp;
} path_arg;

static avn_rc net_path(net_ctx *x, net_stage *memo, net_scratch *w, size_t j, const int32_t *k,
                       double *lp, double *sp);

static avn_rc path_one(void *p, const int32_t *nk, double acc) {
  path_arg *a = p;
  double lp, sp;
  avn_rc rc = net_path(a->x, a->memo, a->w, a->j + 1, nk, &lp, &sp);
  if (rc) return rc;
  if (acc + lp > a->lp) a->lp = acc + lp;
  if (acc + sp < a->sp) a->sp = acc + sp;
  return AVN_OK;
}

static avn_rc net_path(net_ctx *x, net_stage *memo, net_scratch *w, size_t j, const int32_t *k,
                       double *lp, double *sp) {
  if (j == x->c) {
    *lp = *sp = 0.0;
    return AVN_OK;
  }
  net_node *nd = NULL;
  avn_rc rc = stage_find(&memo[j], k, &nd);
  if (rc) return rc;
  if (nd->done) {
    *lp = nd->lp;
    *sp = nd->sp;
    return AVN_OK;
  }
  path_arg a = {x, memo, w, j, -INFINITY, INFINITY};
  rc = net_columns(x, k, j, &w[j], path_one, &a);
  if (rc) return rc;
  /* re-find: deeper stages never touch stage j's array, but be exact */
  rc = stage_find(&memo[j], k, &nd);
  if (rc) return rc;
  nd->lp = a.lp;
  nd->sp = a.sp;
  nd->done = true;
  *lp = a.lp;
  *sp = a.sp;
  return AVN_OK;
}

/* Two-sided p of the r x c table (r <= c after transposing: the key is the
** shorter margin). */
static avn_rc fisher_network(const double *x, size_t r, size_t c, const double *rs,
                             const double *cs, double n, double cap, double *p_out,
                             double *work_out) {
  avn_rc rc = AVN_OK;
  bool tr = r > c;           /* keys over the shorter margin */
  size_t R = tr ? c : r, C = tr ? r : c;
  const double *rows = tr ? cs : rs, *cols = tr ? rs : cs;
  long N = (long)n;
  double *lf = avn_malloc((size_t)(N + 2) * sizeof *lf);
  long *csl = avn_malloc(C * sizeof *csl);
  int32_t *key = avn_malloc(R * sizeof *key);
  net_scratch w = {avn_malloc(R * sizeof *w.xv), avn_malloc(R * sizeof *w.nk),
                   avn_malloc((R + 1) * sizeof *w.suffix), avn_malloc(R * sizeof *w.left),
                   avn_malloc(R * sizeof *w.acc)};
  net_stage cur = {0}, nxt = {0}, *memo = NULL;
  net_ctx ctx = {0};
  net_scratch *ws = NULL;
  int32_t *wi = NULL;
  long *wl = NULL;
  double *wd = NULL;
  /* the bounds pass recurses one level per stage and keeps a scratch per
  ** level: refuse at once what it could not hold */
  if (C > NET_MAX_STAGES || (double)R * (double)C > 1e7) {
    rc = AVN_E_RANGE;
    goto cleanup;
  }
  memo = avn_calloc(C + 1, sizeof *memo);
  ws = avn_calloc(C ? C : 1, sizeof *ws);
  wi = avn_malloc(2 * R * C * sizeof *wi);
  wl = avn_malloc((2 * R + 1) * C * sizeof *wl);
  wd = avn_malloc(R * C * sizeof *wd);
  if (memo && ws && wi && wl && wd) {
    for (size_t j = 0; j < C; j++) {
      memo[j].r = R;
      ws[j] = (net_scratch){wi + 2 * R * j, wi + 2 * R * j + R, wl + (2 * R + 1) * j,
                            wl + (2 * R + 1) * j + R + 1, wd + R * j};
    }
    memo[C].r = R;
  }
  if (!lf || !csl || !key || !w.xv || !w.nk || !w.suffix || !w.left || !w.acc || !memo || !ws ||
      !wi || !wl || !wd) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  lf[0] = 0.0;
  for (long v = 1; v <= N + 1; v++) lf[v] = gsl_sf_lnfact((unsigned)v);
  /* stages: columns by decreasing total (big ones while nodes are few) */
  for (size_t j = 0; j < C; j++) csl[j] = (long)cols[j];
  for (size_t j = 1; j < C; j++)
    for (size_t q = j; q > 0 && csl[q] > csl[q - 1]; q--) {
      long t = csl[q];
      csl[q] = csl[q - 1];
      csl[q - 1] = t;
    }
  ctx = (net_ctx){.r = R, .c = C, .cs = csl, .lf = lf, .cap = cap};
  ctx.lconst = -lf[N];
  for (size_t i = 0; i < r; i++) ctx.lconst += lf[(long)rs[i]];
  for (size_t j = 0; j < c; j++) ctx.lconst += lf[(long)cs[j]];
  double lobs = ctx.lconst;
  for (size_t k = 0; k < r * c; k++) lobs -= lf[(long)x[k]];
  ctx.lim = lobs + log1p(1e-7);   /* R's relErr = 1 + 1e-7 */
  for (size_t i = 0; i < R; i++) key[i] = (int32_t)rows[i];
  qsort(key, R, sizeof *key, cmp_i32_desc);
  cur.r = nxt.r = R;
  {
    /* the bounds pass costs a few ns per step, the pasts' one a hash
    ** insertion per entry: each has its own budget */
    double lp0, sp0;
    ctx.cap = NET_MAX_PATH_WORK;
    rc = net_path(&ctx, memo, ws, 0, key, &lp0, &sp0);
    if (rc) goto cleanup;
    ctx.work = 0;
    ctx.cap = cap;
  }
  net_node *root = NULL;
  rc = stage_find(&cur, key, &root);
  if (!rc) rc = stage_add(&cur, 0, 0.0, 0.0);
  if (rc) goto cleanup;
  double p = 0.0;
  for (size_t j = 0; j <= C; j++) {
    for (size_t v = 0; v < cur.nnode; v++) {
      net_node *nd = &cur.node[v];
      const int32_t *k = cur.keys + v * R;
      double ub = 0, lb = 0, lt = net_total(&ctx, k, j);
      if (j < C) {
        net_node *m = NULL;
        rc = stage_find(&memo[j], k, &m);   /* found: the bounds pass saw every node */
        if (rc) goto cleanup;
        ub = m->lp;
        lb = m->sp;
      }
      size_t keep = 0;
      for (size_t q = 0; q < nd->ne; q++) {
        double base = ctx.lconst + nd->e[q].past;
        if (base + ub <= ctx.lim) p += exp(base + nd->e[q].lw + lt);
        else if (!(base + lb > ctx.lim)) nd->e[keep++] = nd->e[q];
      }
      if (keep == 0 || j == C) continue;
      rc = net_expand(&ctx, k, nd->e, keep, j, &nxt, &w);
      if (rc) goto cleanup;
    }
    size_t total = 0;
    for (size_t v = 0; v < nxt.nnode; v++) total += nxt.node[v].ne;
    stage_free(&cur);
    cur = nxt;
    memset(&nxt, 0, sizeof nxt);
    nxt.r = R;
    if ((double)total > NET_MAX_ENTRIES) {
      rc = AVN_E_RANGE;
      goto cleanup;
    }
  }
  *p_out = p > 1.0 ? 1.0 : p;
  *work_out = ctx.work;
cleanup:
  if (rc == AVN_E_RANGE) *work_out = ctx.work;
  stage_free(&cur);
  stage_free(&nxt);
  for (size_t j = 0; memo && j <= C; j++) stage_free(&memo[j]);
  avn_free(memo);
  avn_free(ws);
  avn_free(wi);
  avn_free(wl);
  avn_free(wd);
  avn_free(lf);
  avn_free(csl);
  avn_free(key);
  avn_free(w.xv);
  avn_free(w.nk);
  avn_free(w.suffix);
  avn_free(w.left);
  avn_free(w.acc);
  return rc;
}

static avn_rc fisher_rxc(const double *x, size_t r, size_t c, const double *rs,
                         const double *cs, double n, ctable_fisher *out) {
  double p = 0.0;
  avn_rc rc = fisher_network(x, r, c, rs, cs, n, NET_MAX_WORK, &p, &out->nodes);
  if (rc) return rc;
  out->p = p;
  out->estimate = out->ci_low = out->ci_high = NAN;
  return AVN_OK;
}

avn_rc ctable_fisher_test(const double *x, size_t r, size_t c, int alt, double cl,
                          ctable_fisher *out) {
  avn_rc rc = AVN_OK;
  double *rs = NULL, *cs = NULL, n = 0;
  memset(out, 0, sizeof *out);
  if (r < 2 || c < 2) return AVN_E_DEGENERATE;
  for (size_t k = 0; k < r * c; k++)
    if (!(x[k] >= 0) || x[k] != floor(x[k])) return AVN_E_RANGE;
  rs = avn_malloc(r * sizeof *rs);
  cs = avn_malloc(c * sizeof *cs);
  if (!rs || !cs) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  rc = margins(x, r, c, rs, cs, &n);
  if (rc) goto cleanup;
  out->n = (size_t)n;
  if (r == 2 && c == 2) rc = fisher_2x2(x, alt, cl, out);
  else rc = fisher_rxc(x, r, c, rs, cs, n, out);

cleanup:
  avn_free(rs);
  avn_free(cs);
  return rc;
}
