/*
** ctable.c: chi-square and Fisher exact tests (see ctable.h for the papers
** and R's conventions followed).
*/
#include "stats/ctable.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
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

/* ---- r x c: enumeration ------------------------------------------------- */

typedef struct enum_ctx {
  size_t r, c;
  long *rem;        /* remaining row totals */
  const long *cs;   /* column totals */
  double *lf;       /* log factorials 0..N */
  double lconst;    /* sum lf(rows) + sum lf(cols) - lf(N) */
  double lobs;      /* log P(observed) */
  double p;         /* accumulated */
  double nodes, cap;
  bool over;
} enum_ctx;

/* Fill column j from row i on, with `left` still to place in this column
** and `acc` = - sum lf(cells) so far. */
static void enum_cell(enum_ctx *e, size_t j, size_t i, long left, double acc) {
  if (e->over) return;
  e->nodes += 1.0;
  if (e->nodes > e->cap) {
    e->over = true;
    return;
  }
  if (j == e->c - 1) {
    /* last column is determined by the remaining row totals */
    double a = acc;
    for (size_t q = 0; q < e->r; q++) a -= e->lf[e->rem[q]];
    double lp = e->lconst + a;
    if (lp <= e->lobs + log1p(1e-7)) e->p += exp(lp);
    return;
  }
  if (i == e->r - 1) {
    if (left > e->rem[i]) return;
    e->rem[i] -= left;
    enum_cell(e, j + 1, 0, e->cs[j + 1], acc - e->lf[left]);
    e->rem[i] += left;
    return;
  }
  /* rows below i can absorb at most their remaining totals */
  long below = 0;
  for (size_t q = i + 1; q < e->r; q++) below += e->rem[q];
  long lo = left - below > 0 ? left - below : 0;
  long hi = left < e->rem[i] ? left : e->rem[i];
  for (long v = lo; v <= hi; v++) {
    e->rem[i] -= v;
    enum_cell(e, j, i + 1, left - v, acc - e->lf[v]);
    e->rem[i] += v;
  }
}

static avn_rc fisher_rxc(const double *x, size_t r, size_t c, const double *rs,
                         const double *cs, double n, ctable_fisher *out) {
  avn_rc rc = AVN_OK;
  enum_ctx e = {0};
  long N = (long)n;
  long *csl = avn_malloc(c * sizeof *csl);
  e.rem = avn_malloc(r * sizeof *e.rem);
  e.lf = avn_malloc((size_t)(N + 1) * sizeof *e.lf);
  if (!csl || !e.rem || !e.lf) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  e.lf[0] = 0.0;
  for (long v = 1; v <= N; v++) e.lf[v] = gsl_sf_lnfact((unsigned)v);
  e.r = r;
  e.c = c;
  e.cs = csl;
  e.cap = 2e8;
  for (size_t j = 0; j < c; j++) csl[j] = (long)cs[j];
  for (size_t i = 0; i < r; i++) e.rem[i] = (long)rs[i];
  e.lconst = -e.lf[N];
  for (size_t i = 0; i < r; i++) e.lconst += e.lf[(long)rs[i]];
  for (size_t j = 0; j < c; j++) e.lconst += e.lf[csl[j]];
  e.lobs = e.lconst;
  for (size_t k = 0; k < r * c; k++) e.lobs -= e.lf[(long)x[k]];
  enum_cell(&e, 0, 0, csl[0], 0.0);
  out->nodes = e.nodes;
  if (e.over) {
    rc = AVN_E_RANGE;
    goto cleanup;
  }
  out->p = e.p > 1.0 ? 1.0 : e.p;
  out->estimate = out->ci_low = out->ci_high = NAN;

cleanup:
  avn_free(csl);
  avn_free(e.rem);
  avn_free(e.lf);
  return rc;
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
