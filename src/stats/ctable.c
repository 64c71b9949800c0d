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

/* Cells (j, i) of the columns 0..c-2 are filled in order, depth d = j*r + i;
** the last column is then fixed by the remaining row totals. Iterative, one
** frame per depth (a table of 300 x 300 is 89,700 deep: no recursion), and
** O(1) per node: `below` (what rows i+1.. can still take) and s_in (sum of
** lf(remaining row totals)) are carried in the frames, not recomputed. */
typedef struct enum_frame {
  long lo, hi, v;   /* bounds and current value of this cell */
  long left;        /* still to place in this column from this row on */
  long below;       /* remaining row totals of the rows after this one */
  double acc;       /* - sum lf(cells) before this cell */
  double s;         /* sum lf(remaining row totals) before this cell */
} enum_frame;

/* Cells beyond this are refused before any work: the frames alone would
** take gigabytes, and such a table has astronomically many completions. */
#define ENUM_MAX_DEPTH 20000000.0

static avn_rc fisher_enumerate(const long *rs, const long *cs, size_t r, size_t c,
                               const double *lf, double lconst, double lobs, double cap,
                               double *p_out, double *nodes_out) {
  size_t depth = (c - 1) * r;
  long *rem = avn_malloc(r * sizeof *rem);
  long *colsuf = avn_malloc((c + 1) * sizeof *colsuf);
  enum_frame *fr = avn_malloc(depth * sizeof *fr);
  if (!rem || !colsuf || !fr) {
    avn_free(rem);
    avn_free(colsuf);
    avn_free(fr);
    return AVN_E_NOMEM;
  }
  double s0 = 0.0, p = 0.0, nodes = 0.0, lim = lobs + log1p(1e-7);
  for (size_t i = 0; i < r; i++) {
    rem[i] = rs[i];
    s0 += lf[rs[i]];
  }
  colsuf[c] = 0;
  for (size_t j = c; j-- > 0;) colsuf[j] = colsuf[j + 1] + cs[j];
  avn_rc rc = AVN_OK;
  size_t d = 0;
  bool enter = true;
  double acc = 0.0, s = s0;
  for (;;) {
    enum_frame *f = &fr[d];
    size_t i = d % r, j = d / r;
    if (enter) {
      f->acc = acc;
      f->s = s;
      f->left = i == 0 ? cs[j] : fr[d - 1].left - fr[d - 1].v;
      /* rows i.. hold colsuf[j] in total before this column; rows above i
      ** have already taken their share of column j */
      f->below = i == 0 ? colsuf[j] - rem[0] : fr[d - 1].below - rem[i];
      f->lo = f->left - f->below > 0 ? f->left - f->below : 0;
      f->hi = f->left < rem[i] ? f->left : rem[i];
      f->v = f->lo;
      enter = false;
    } else {
      rem[i] += f->v;   /* undo the value tried last */
      f->v++;
    }
    if (f->v > f->hi) {
      if (d == 0) break;
      d--;
      continue;
    }
    if (++nodes > cap) {
      rc = AVN_E_RANGE;
      break;
    }
    long before = rem[i];
    rem[i] -= f->v;
    double acc2 = f->acc - lf[f->v];
    double s2 = f->s - lf[before] + lf[rem[i]];
    if (d + 1 == depth) {
      double lp = lconst + acc2 - s2;
      if (lp <= lim) p += exp(lp);
      continue;   /* next value at the same depth */
    }
    acc = acc2;
    s = s2;
    d++;
    enter = true;
  }
  *p_out = p;
  *nodes_out = nodes;
  avn_free(rem);
  avn_free(colsuf);
  avn_free(fr);
  return rc;
}

static avn_rc fisher_rxc(const double *x, size_t r, size_t c, const double *rs,
                         const double *cs, double n, ctable_fisher *out) {
  avn_rc rc = AVN_OK;
  long N = (long)n;
  if ((double)(c - 1) * (double)r > ENUM_MAX_DEPTH) return AVN_E_RANGE;
  long *csl = avn_malloc(c * sizeof *csl);
  long *rsl = avn_malloc(r * sizeof *rsl);
  double *lf = avn_malloc((size_t)(N + 1) * sizeof *lf);
  if (!csl || !rsl || !lf) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  lf[0] = 0.0;
  for (long v = 1; v <= N; v++) lf[v] = gsl_sf_lnfact((unsigned)v);
  for (size_t j = 0; j < c; j++) csl[j] = (long)cs[j];
  for (size_t i = 0; i < r; i++) rsl[i] = (long)rs[i];
  double lconst = -lf[N];
  for (size_t i = 0; i < r; i++) lconst += lf[rsl[i]];
  for (size_t j = 0; j < c; j++) lconst += lf[csl[j]];
  double lobs = lconst;
  for (size_t k = 0; k < r * c; k++) lobs -= lf[(long)x[k]];
  double p = 0.0;
  rc = fisher_enumerate(rsl, csl, r, c, lf, lconst, lobs, 2e8, &p, &out->nodes);
  if (rc) goto cleanup;
  out->p = p > 1.0 ? 1.0 : p;
  out->estimate = out->ci_low = out->ci_high = NAN;

cleanup:
  avn_free(csl);
  avn_free(rsl);
  avn_free(lf);
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
