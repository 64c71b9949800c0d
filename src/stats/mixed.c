/*
** mixed.c: random-intercept linear mixed models by profiled REML / ML with
** per-subject block formulas; see mixed.h for the model, the criterion and
** the Satterthwaite df (Laird & Ware 1982; Patterson & Thompson 1971;
** Bates et al. 2015; Satterthwaite 1946; Kuznetsova et al. 2017).
**
** Memory: one mm_data holds X'X, X'y, per-unit sums (units x p) and
** per-subject scratch (subjects x p); all freed by mm_free. Cost: one
** O(n p^2) pass, then O((units + subjects) p^2 + p^3) per evaluation,
** about 100 evaluations for the fit and 60 for the df.
**
** Sufficient statistics by cluster shape: a unit's weight w_h = 1/(1 +
** n_h g2) depends on its size n_h only, so the unit terms sum_h c_h s_h s_h'
** are sum over sizes n of c(n) S_n, with S_n = sum of s_h s_h' over the
** units of size n, built once (mm_sizes). Likewise a subject's d_i depends
** only on its shape (the sizes of its units), so with the subject's sums
** per distinct size, S_ia, sum_i d_i ss_i ss_i' = sum over shapes P of
** d_P sum_ab w_a w_b sum_{i in P} S_ia S_ib' (mm_shapes). A study of any
** size has a few dozen shapes (visits per hip, hips per patient), so an
** evaluation costs O((sizes + shape blocks) p^2 + p^3), not O(units p^2),
** and the optimiser's hundreds of evaluations no longer grow with the
** study. The sums are the same algebra in another order, so results agree
** with the per-unit sums to rounding. When the shapes would not compress
** (their blocks outnumber the subjects) the subject terms are summed per
** unit as before (mm_eval's direct loop).
*/
#include "stats/mixed.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multimin.h>
#include "core/mem.h"

#define LOG_2PI 1.837877066409345483560659

typedef struct mm_data {
  size_t n, p, m1, m2;   /* rows, columns, subjects, units */
  int reml, nested;
  double *xtx, *xty, yty;
  double *us, *ut, *un;  /* unit sums of X rows (m2 x p), of y, counts */
  size_t *usub;          /* subject of each unit */
  double *ss, *st, *sn;  /* per-subject scratch (m1 x p, m1, m1) */
  double *A, *b, *beta;  /* p x p, p, p */
  /* units grouped by size (mm_sizes): sizes gn[g], units of that size gc[g],
  ** sum s s' (gU, g x p x p), sum s t (gT, g x p), sum t^2 (gQ) */
  size_t ng;
  double *gn, *gc, *gU, *gT, *gQ;
  /* subjects grouped by shape (mm_shapes; nested only, np = 0 when not
  ** used): shape P has pc[P] subjects and pk[P] slots (distinct unit sizes)
  ** from slot pso[P] (sizes sn_[], units per subject of that size sm_[]);
  ** its k x k blocks from block pbo[P]: sum_i S_ia S_ib' (bS, p x p each),
  ** S_ia T_ib (bT, p each), T_ia T_ib (bQ) */
  size_t np;
  double *pc, *sn_, *sm_, *bS, *bT, *bQ;
  size_t *pk, *pso, *pbo;
} mm_data;

static void mm_free(mm_data *d) {
  avn_free(d->xtx);
  avn_free(d->xty);
  avn_free(d->us);
  avn_free(d->ut);
  avn_free(d->un);
  avn_free(d->usub);
  avn_free(d->ss);
  avn_free(d->st);
  avn_free(d->sn);
  avn_free(d->A);
  avn_free(d->b);
  avn_free(d->beta);
  avn_free(d->gn);
  avn_free(d->gc);
  avn_free(d->gU);
  avn_free(d->gT);
  avn_free(d->gQ);
  avn_free(d->pc);
  avn_free(d->sn_);
  avn_free(d->sm_);
  avn_free(d->bS);
  avn_free(d->bT);
  avn_free(d->bQ);
  avn_free(d->pk);
  avn_free(d->pso);
  avn_free(d->pbo);
}

/* The index of size n among gn[0 .. ng) (sizes are few: a unit's rows). */
static size_t mm_size_index(const double *gn, size_t ng, double n) {
  size_t g = 0;
  while (g < ng && gn[g] != n) g++;
  return g;
}

/* Groups the units by size: gn, gc and the sums gU, gT, gQ (see the
** essay). O(units x (sizes + p^2)). */
static avn_rc mm_sizes(mm_data *d) {
  size_t p = d->p, h, g, j, k;
  d->gn = avn_calloc(d->m2 ? d->m2 : 1, sizeof *d->gn);
  if (!d->gn) return AVN_E_NOMEM;
  for (h = 0; h < d->m2; h++) {
    g = mm_size_index(d->gn, d->ng, d->un[h]);
    if (g == d->ng) d->gn[d->ng++] = d->un[h];
  }
  d->gc = avn_calloc(d->ng, sizeof *d->gc);
  d->gU = avn_calloc(d->ng * p * p, sizeof *d->gU);
  d->gT = avn_calloc(d->ng * p, sizeof *d->gT);
  d->gQ = avn_calloc(d->ng, sizeof *d->gQ);
  if (!d->gc || !d->gU || !d->gT || !d->gQ) return AVN_E_NOMEM;
  for (h = 0; h < d->m2; h++) {
    const double *s = d->us + h * p;
    double t = d->ut[h];
    g = mm_size_index(d->gn, d->ng, d->un[h]);
    d->gc[g] += 1.;
    for (j = 0; j < p; j++) {
      for (k = 0; k <= j; k++) d->gU[(g * p + j) * p + k] += s[j] * s[k];
      d->gT[g * p + j] += s[j] * t;
    }
    d->gQ[g] += t * t;
  }
  return AVN_OK;
}


/* A subject's shape: its distinct unit sizes, ascending, each with how
** many of its units have it (sz[0 .. k), mu[0 .. k)). */
static size_t mm_shape_of(const mm_data *d, const size_t *units, size_t nu, double *sz, double *mu) {
  size_t k = 0, a, b;
  for (a = 0; a < nu; a++) {
    double n = d->un[units[a]];
    for (b = 0; b < k && sz[b] != n; b++) continue;
    if (b == k) {
      /* insert keeping sz ascending */
      while (b > 0 && sz[b - 1] > n) {
        sz[b] = sz[b - 1];
        mu[b] = mu[b - 1];
        b--;
      }
      sz[b] = n;
      mu[b] = 0.;
      k++;
    }
    mu[b] += 1.;
  }
  return k;
}

static uint64_t mm_shape_hash(const double *sz, const double *mu, size_t k) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t a = 0; a < k; a++) {
    uint64_t x = (uint64_t)sz[a] * 1000003ULL + (uint64_t)mu[a];
    h = (h ^ x) * 1099511628211ULL;
  }
  return h;
}

/* Groups the subjects by shape and sums their blocks (see the essay); a
** nested fit only. Leaves np = 0 (the direct loop) when the shapes' blocks
** would outnumber the subjects. O(units x sizes + subjects x blocks p^2). */
static avn_rc mm_shapes(mm_data *d) {
  avn_rc rc = AVN_OK;
  size_t p = d->p, m1 = d->m1, m2 = d->m2, i, h, a, b, j, k, cap = 1, nslot = 0, nblock = 0, maxk = 0;
  size_t *first = NULL, *units = NULL, *fill = NULL, *shape = NULL, *table = NULL;
  double *sz = NULL, *mu = NULL, *S = NULL, *T = NULL;
  while (cap < 2 * m1 + 2) cap *= 2;
  first = avn_calloc(m1 + 1, sizeof *first);
  units = avn_calloc(m2 ? m2 : 1, sizeof *units);
  fill = avn_calloc(m1 + 1, sizeof *fill);
  shape = avn_calloc(m1 ? m1 : 1, sizeof *shape);
  table = avn_malloc(cap * sizeof *table);
  sz = avn_calloc(m2 + 1, sizeof *sz);
  mu = avn_calloc(m2 + 1, sizeof *mu);
  d->pk = avn_calloc(m1 ? m1 : 1, sizeof *d->pk);
  d->pso = avn_calloc(m1 ? m1 : 1, sizeof *d->pso);
  d->pbo = avn_calloc(m1 ? m1 : 1, sizeof *d->pbo);
  d->pc = avn_calloc(m1 ? m1 : 1, sizeof *d->pc);
  d->sn_ = avn_calloc(m2 ? m2 : 1, sizeof *d->sn_);
  d->sm_ = avn_calloc(m2 ? m2 : 1, sizeof *d->sm_);
  if (!first || !units || !fill || !shape || !table || !sz || !mu || !d->pk || !d->pso || !d->pbo ||
      !d->pc || !d->sn_ || !d->sm_) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  /* the units of each subject, by a counting sort on usub */
  for (h = 0; h < m2; h++)
    if (d->usub[h] < m1) first[d->usub[h] + 1]++;   /* a unit without rows has none */
  for (i = 0; i < m1; i++) first[i + 1] += first[i];
  for (h = 0; h < m2; h++)
    if (d->usub[h] < m1) units[first[d->usub[h]] + fill[d->usub[h]]++] = h;
  for (i = 0; i < cap; i++) table[i] = SIZE_MAX;
  for (i = 0; i < m1; i++) {
    size_t ks = mm_shape_of(d, units + first[i], first[i + 1] - first[i], sz, mu);
    uint64_t hv = mm_shape_hash(sz, mu, ks);
    size_t slot = (size_t)(hv & (cap - 1)), P;
    for (;;) {
      P = table[slot];
      if (P == SIZE_MAX) break;
      if (d->pk[P] == ks && !memcmp(d->sn_ + d->pso[P], sz, ks * sizeof *sz) &&
          !memcmp(d->sm_ + d->pso[P], mu, ks * sizeof *mu))
        break;
      slot = (slot + 1) & (cap - 1);
    }
    if (P == SIZE_MAX) {
      P = table[slot] = d->np++;
      d->pk[P] = ks;
      d->pso[P] = nslot;
      d->pbo[P] = nblock;
      memcpy(d->sn_ + nslot, sz, ks * sizeof *sz);
      memcpy(d->sm_ + nslot, mu, ks * sizeof *mu);
      nslot += ks;
      nblock += ks * ks;
      if (ks > maxk) maxk = ks;
    }
    d->pc[P] += 1.;
    shape[i] = P;
  }
  if (nblock > m1) {   /* no compression: the direct loop is cheaper */
    d->np = 0;
    goto cleanup;
  }
  d->bS = avn_calloc(nblock * p * p, sizeof *d->bS);
  d->bT = avn_calloc(nblock * p, sizeof *d->bT);
  d->bQ = avn_calloc(nblock, sizeof *d->bQ);
  S = avn_calloc(maxk * p + 1, sizeof *S);
  T = avn_calloc(maxk + 1, sizeof *T);
  if (!d->bS || !d->bT || !d->bQ || !S || !T) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  for (i = 0; i < m1; i++) {
    size_t P = shape[i], ks = d->pk[P];
    const double *psz = d->sn_ + d->pso[P];
    memset(S, 0, ks * p * sizeof *S);
    memset(T, 0, ks * sizeof *T);
    for (size_t r = first[i]; r < first[i + 1]; r++) {
      h = units[r];
      for (a = 0; psz[a] != d->un[h]; a++) continue;
      for (j = 0; j < p; j++) S[a * p + j] += d->us[h * p + j];
      T[a] += d->ut[h];
    }
    for (a = 0; a < ks; a++)
      for (b = 0; b < ks; b++) {
        size_t blk = d->pbo[P] + a * ks + b;
        double *bs = d->bS + blk * p * p, *bt = d->bT + blk * p;
        for (j = 0; j < p; j++) {
          for (k = 0; k <= j; k++) bs[j * p + k] += S[a * p + j] * S[b * p + k];
          bt[j] += S[a * p + j] * T[b];
        }
        d->bQ[blk] += T[a] * T[b];
      }
  }
cleanup:
  avn_free(first);
  avn_free(units);
  avn_free(fill);
  avn_free(shape);
  avn_free(table);
  avn_free(sz);
  avn_free(mu);
  avn_free(S);
  avn_free(T);
  return rc;
}

/* Builds A = X'V^{-1}X s^2 (Cholesky-factored in place, lower), b, the GLS
** beta, RSS, log|V/s^2| and log|A| for g1, g2 >= 0. Returns 0, or -1 if A
** is not positive definite. */
static int mm_eval(mm_data *d, double g1, double g2, double *ldv, double *lda,
                   double *rss) {
  size_t p = d->p, h, i, j, k;
  double q = d->yty, lv = 0., la = 0., r;
  gsl_matrix_view Av;
  gsl_vector_view bv, xv;
  int st;
  gsl_error_handler_t *old;

  memcpy(d->A, d->xtx, p * p * sizeof *d->A);
  memcpy(d->b, d->xty, p * sizeof *d->b);
  if (d->nested && !d->np) {
    memset(d->ss, 0, d->m1 * p * sizeof *d->ss);
    memset(d->st, 0, d->m1 * sizeof *d->st);
    memset(d->sn, 0, d->m1 * sizeof *d->sn);
  }
  /* unit terms, by size */
  for (h = 0; h < d->ng; h++) {
    const double *U = d->gU + h * p * p, *s = d->gT + h * p;
    double c = g2 / (1. + d->gn[h] * g2);
    for (j = 0; j < p; j++) {
      for (k = 0; k <= j; k++) d->A[j * p + k] -= c * U[j * p + k];
      d->b[j] -= c * s[j];
    }
    q -= c * d->gQ[h];
    lv += d->gc[h] * log1p(d->gn[h] * g2);
  }
  /* subject terms: by shape, or else per unit and subject */
  for (i = 0; d->nested && i < d->np; i++) {
    const double *sz = d->sn_ + d->pso[i], *mu = d->sm_ + d->pso[i];
    size_t ks = d->pk[i], a, b2;
    double sn = 0., di;
    for (a = 0; a < ks; a++) sn += mu[a] * sz[a] / (1. + sz[a] * g2);
    di = g1 / (1. + g1 * sn);
    for (a = 0; a < ks; a++)
      for (b2 = 0; b2 < ks; b2++) {
        size_t blk = d->pbo[i] + a * ks + b2;
        const double *bs = d->bS + blk * p * p, *bt = d->bT + blk * p;
        double f = di / ((1. + sz[a] * g2) * (1. + sz[b2] * g2));
        for (j = 0; j < p; j++) {
          for (k = 0; k <= j; k++) d->A[j * p + k] -= f * bs[j * p + k];
          d->b[j] -= f * bt[j];
        }
        q -= f * d->bQ[blk];
      }
    lv += d->pc[i] * log1p(g1 * sn);
  }
  if (d->nested && !d->np) {
    for (h = 0; h < d->m2; h++) {
      const double *s = d->us + h * p;
      double w = 1. / (1. + d->un[h] * g2);
      i = d->usub[h];
      for (j = 0; j < p; j++) d->ss[i * p + j] += w * s[j];
      d->st[i] += w * d->ut[h];
      d->sn[i] += d->un[h] * w;
    }
    for (i = 0; i < d->m1; i++) {
      const double *s = d->ss + i * p;
      double di = g1 / (1. + g1 * d->sn[i]), t = d->st[i];
      for (j = 0; j < p; j++) {
        for (k = 0; k <= j; k++) d->A[j * p + k] -= di * s[j] * s[k];
        d->b[j] -= di * s[j] * t;
      }
      q -= di * t * t;
      lv += log1p(g1 * d->sn[i]);
    }
  }
  for (j = 0; j < p; j++)
    for (k = 0; k < j; k++) d->A[k * p + j] = d->A[j * p + k];
  Av = gsl_matrix_view_array(d->A, p, p);
  old = gsl_set_error_handler_off();
  st = gsl_linalg_cholesky_decomp1(&Av.matrix);
  gsl_set_error_handler(old);
  if (st) return -1;
  for (j = 0; j < p; j++) la += 2. * log(d->A[j * p + j]);
  bv = gsl_vector_view_array(d->b, p);
  xv = gsl_vector_view_array(d->beta, p);
  gsl_linalg_cholesky_solve(&Av.matrix, &bv.vector, &xv.vector);
  r = q;
  for (j = 0; j < p; j++) r -= d->b[j] * d->beta[j];
  *ldv = lv;
  *lda = la;
  *rss = r;
  return 0;
}

/* Profiled criterion at relative SDs (t1 subject, t2 unit). */
static double mm_dev(mm_data *d, double t1, double t2) {
  double ldv, lda, rss, N = (double)d->n, P = (double)d->p;
  if (mm_eval(d, t1 * t1, t2 * t2, &ldv, &lda, &rss) || !(rss > 0.)) return HUGE_VAL;
  if (d->reml)
    return ldv + lda + (N - P) * (1. + LOG_2PI + log(rss / (N - P)));
  return ldv + N * (1. + LOG_2PI + log(rss / N));
}

/* Non-profiled deviance at variance parameters phi = (s1^2, s2^2, s^2). */
static double mm_dev_full(mm_data *d, const double *phi) {
  double ldv, lda, rss, N = (double)d->n, P = (double)d->p, s2 = phi[2];
  if (!(s2 > 0.) || mm_eval(d, phi[0] / s2, phi[1] / s2, &ldv, &lda, &rss))
    return HUGE_VAL;
  if (d->reml)
    return (N - P) * log(s2) + ldv + lda + rss / s2 + (N - P) * LOG_2PI;
  return N * log(s2) + ldv + rss / s2 + N * LOG_2PI;
}

/* Var(beta_j), j < p, at phi: s^2 [A^{-1}]_jj. Returns 0 or -1. */
static int mm_vbeta(mm_data *d, const double *phi, double *v) {
  double ldv, lda, rss;
  size_t p = d->p, j;
  gsl_matrix_view Av;
  if (mm_eval(d, phi[0] / phi[2], phi[1] / phi[2], &ldv, &lda, &rss)) return -1;
  Av = gsl_matrix_view_array(d->A, p, p);
  gsl_linalg_cholesky_invert(&Av.matrix);
  for (j = 0; j < p; j++) v[j] = phi[2] * d->A[j * p + j];
  return 0;
}

/* Brent's (1973) derivative-free minimiser on [a, b], as R's optimize. */
static double brent_min(mm_data *d, int which, double other, double a, double b,
                        double tol) {
  const double c = (3. - sqrt(5.)) * .5, eps = sqrt(DBL_EPSILON);
  double v = a + c * (b - a), w = v, x = v, dd = 0., e = 0., fx, fv, fw, tol3 = tol / 3.;
  int it;
  fx = which ? mm_dev(d, other, x) : mm_dev(d, x, other);
  fv = fw = fx;
  for (it = 0; it < 500; it++) {
    double xm = (a + b) * .5, tol1 = eps * fabs(x) + tol3, t2 = tol1 * 2.;
    double p = 0., q = 0., r = 0., u, fu;
    if (fabs(x - xm) <= t2 - (b - a) * .5) break;
    if (fabs(e) > tol1) {
      r = (x - w) * (fx - fv);
      q = (x - v) * (fx - fw);
      p = (x - v) * q - (x - w) * r;
      q = (q - r) * 2.;
      if (q > 0.) p = -p; else q = -q;
      r = e;
      e = dd;
    }
    if (fabs(p) >= fabs(q * .5 * r) || p <= q * (a - x) || p >= q * (b - x)) {
      e = x < xm ? b - x : a - x;
      dd = c * e;
    } else {
      dd = p / q;
      u = x + dd;
      if (u - a < t2 || b - u < t2) dd = x >= xm ? -tol1 : tol1;
    }
    if (fabs(dd) >= tol1) u = x + dd;
    else u = dd > 0. ? x + tol1 : x - tol1;
    fu = which ? mm_dev(d, other, u) : mm_dev(d, u, other);
    if (fu <= fx) {
      if (u < x) b = x; else a = x;
      v = w; fv = fw; w = x; fw = fx; x = u; fx = fu;
    } else {
      if (u < x) a = u; else b = u;
      if (fu <= fw || w == x) {
        v = w; fv = fw; w = u; fw = fu;
      } else if (fu <= fv || v == x || v == w) {
        v = u; fv = fu;
      }
    }
  }
  return x;
}

/* 1-D: grid on theta (0 and 10^-3 .. 10^2.5), then Brent in the bracket. */
static double mm_opt1(mm_data *d, int which, double other) {
  double grid[40], best = HUGE_VAL, lo, hi, x, fx;
  size_t i, ng = 0, bi = 0;
  grid[ng++] = 0.;
  for (i = 0; i < 36; i++) grid[ng++] = pow(10., -3. + 5.5 * (double)i / 35.);
  for (i = 0; i < ng; i++) {
    double f = which ? mm_dev(d, other, grid[i]) : mm_dev(d, grid[i], other);
    if (f < best) {
      best = f;
      bi = i;
    }
  }
  lo = bi > 0 ? grid[bi - 1] : 0.;
  hi = bi + 1 < ng ? grid[bi + 1] : grid[ng - 1] * 10.;
  x = brent_min(d, which, other, lo, hi, 1e-12);
  fx = which ? mm_dev(d, other, x) : mm_dev(d, x, other);
  if (best < fx) x = grid[bi];
  return x;
}

static double nm_f(const gsl_vector *v, void *ctx) {
  return mm_dev(ctx, fabs(gsl_vector_get(v, 0)), fabs(gsl_vector_get(v, 1)));
}

/* 2-D: Nelder-Mead on (theta1, theta2) (the criterion is even in each),
** restarted from its answer, then a Brent sweep on each coordinate. */
static int mm_opt2(mm_data *d, double *t1, double *t2) {
  const gsl_multimin_fminimizer_type *T = gsl_multimin_fminimizer_nmsimplex2;
  gsl_multimin_fminimizer *s = NULL;
  gsl_vector *x = NULL, *step = NULL;
  gsl_multimin_function fn;
  int round, it, conv = 0;
  s = gsl_multimin_fminimizer_alloc(T, 2);
  x = gsl_vector_alloc(2);
  step = gsl_vector_alloc(2);
  if (!s || !x || !step) {
    conv = -1;
    goto out;
  }
  fn.n = 2;
  fn.f = nm_f;
  fn.params = d;
  gsl_vector_set(x, 0, *t1);
  gsl_vector_set(x, 1, *t2);
  for (round = 0; round < 3; round++) {
    gsl_vector_set_all(step, round == 0 ? 0.3 : 0.02);
    gsl_multimin_fminimizer_set(s, &fn, x, step);
    conv = 0;
    for (it = 0; it < 5000; it++) {
      if (gsl_multimin_fminimizer_iterate(s)) break;
      if (gsl_multimin_fminimizer_size(s) < 1e-11) {
        conv = 1;
        break;
      }
    }
    gsl_vector_memcpy(x, s->x);
  }
  *t1 = fabs(gsl_vector_get(x, 0));
  *t2 = fabs(gsl_vector_get(x, 1));
  for (round = 0; round < 4; round++) { /* coordinate polish */
    double a = *t1, b = *t2;
    a = brent_min(d, 0, *t2, a > 0.05 ? a * 0.9 : 0., a * 1.1 + 0.05, 1e-13);
    if (mm_dev(d, a, *t2) <= mm_dev(d, *t1, *t2)) *t1 = a;
    b = brent_min(d, 1, *t1, b > 0.05 ? b * 0.9 : 0., b * 1.1 + 0.05, 1e-13);
    if (mm_dev(d, *t1, b) <= mm_dev(d, *t1, *t2)) *t2 = b;
  }
out:
  if (s) gsl_multimin_fminimizer_free(s);
  if (x) gsl_vector_free(x);
  if (step) gsl_vector_free(step);
  return conv;
}

void mixed_result_free(mixed_result *r) {
  if (!r) return;
  avn_free(r->beta);
  avn_free(r->se);
  avn_free(r->df);
  avn_free(r->t);
  avn_free(r->pval);
  avn_free(r->ci_low);
  avn_free(r->ci_high);
  r->beta = r->se = r->df = r->t = r->pval = r->ci_low = r->ci_high = NULL;
}

/* Satterthwaite df for every coefficient; see mixed.h. The free variance
** parameters are phi[idx[0..nf-1]] (phi = s1^2, s2^2, s^2). */
static avn_rc mm_satterthwaite(mm_data *d, const double *phi0, const int *idx,
                               int nf, double *vb0, double *dfo) {
  double H[9], W[9], h[3], *g = NULL, *vp = NULL, *vm = NULL;
  double phi[3], f0 = mm_dev_full(d, phi0);
  size_t p = d->p, j;
  int a, b, r;
  avn_rc rc = AVN_OK;
  g = avn_calloc(p * 3, sizeof *g);
  vp = avn_calloc(p, sizeof *vp);
  vm = avn_calloc(p, sizeof *vm);
  if (!g || !vp || !vm) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  for (a = 0; a < nf; a++) {
    double x = phi0[idx[a]];
    h[a] = x > 1e-8 ? 2e-3 * x : 1e-6;
  }
  /* Hessian with one Richardson step: R = (4 D(h/2) - D(h)) / 3. */
  for (a = 0; a < nf; a++)
    for (b = a; b < nf; b++) {
      double est[2];
      for (r = 0; r < 2; r++) {
        double ha = h[a] / (r ? 2. : 1.), hb = h[b] / (r ? 2. : 1.);
        memcpy(phi, phi0, sizeof phi);
        if (a == b) {
          double fp, fm;
          phi[idx[a]] = phi0[idx[a]] + ha;
          fp = mm_dev_full(d, phi);
          phi[idx[a]] = phi0[idx[a]] - ha;
          fm = mm_dev_full(d, phi);
          est[r] = (fp - 2. * f0 + fm) / (ha * ha);
        } else {
          double fpp, fpm, fmp, fmm;
          phi[idx[a]] = phi0[idx[a]] + ha; phi[idx[b]] = phi0[idx[b]] + hb;
          fpp = mm_dev_full(d, phi);
          phi[idx[b]] = phi0[idx[b]] - hb;
          fpm = mm_dev_full(d, phi);
          phi[idx[a]] = phi0[idx[a]] - ha;
          fmm = mm_dev_full(d, phi);
          phi[idx[b]] = phi0[idx[b]] + hb;
          fmp = mm_dev_full(d, phi);
          est[r] = (fpp - fpm - fmp + fmm) / (4. * ha * hb);
        }
      }
      H[a * nf + b] = H[b * nf + a] = (4. * est[1] - est[0]) / 3.;
    }
  /* W = 2 H^{-1} */
  {
    gsl_matrix_view Hv = gsl_matrix_view_array(H, (size_t)nf, (size_t)nf);
    gsl_matrix_view Wv = gsl_matrix_view_array(W, (size_t)nf, (size_t)nf);
    gsl_permutation *perm = gsl_permutation_alloc((size_t)nf);
    int sg;
    if (!perm) {
      rc = AVN_E_NOMEM;
      goto cleanup;
    }
    gsl_linalg_LU_decomp(&Hv.matrix, perm, &sg);
    if (gsl_linalg_LU_invert(&Hv.matrix, perm, &Wv.matrix)) rc = AVN_E_DEGENERATE;
    gsl_permutation_free(perm);
    if (rc) goto cleanup;
    for (a = 0; a < nf * nf; a++) W[a] *= 2.;
  }
  /* Gradients of Var(beta_j) in phi. */
  for (a = 0; a < nf; a++) {
    double est0, est1;
    for (r = 0; r < 2; r++) {
      double ha = h[a] / (r ? 2. : 1.);
      memcpy(phi, phi0, sizeof phi);
      phi[idx[a]] = phi0[idx[a]] + ha;
      if (mm_vbeta(d, phi, vp)) { rc = AVN_E_DEGENERATE; goto cleanup; }
      phi[idx[a]] = phi0[idx[a]] - ha;
      if (mm_vbeta(d, phi, vm)) { rc = AVN_E_DEGENERATE; goto cleanup; }
      for (j = 0; j < p; j++) {
        double dv = (vp[j] - vm[j]) / (2. * ha);
        if (r == 0) g[j * 3 + a] = dv;
        else {
          est0 = g[j * 3 + a];
          est1 = dv;
          g[j * 3 + a] = (4. * est1 - est0) / 3.;
        }
      }
    }
  }
  for (j = 0; j < p; j++) {
    double qf = 0.;
    for (a = 0; a < nf; a++)
      for (b = 0; b < nf; b++) qf += g[j * 3 + a] * W[a * nf + b] * g[j * 3 + b];
    dfo[j] = 2. * vb0[j] * vb0[j] / qf;
  }
cleanup:
  avn_free(g);
  avn_free(vp);
  avn_free(vm);
  return rc;
}

avn_rc mixed_fit(const double *X, const double *y, size_t n, size_t p,
                 const size_t *subject, size_t n_subjects,
                 const size_t *unit, size_t n_units, int reml,
                 double conf_level, const char *y_name, avn_err *err,
                 mixed_result *out) {
  avn_rc rc = AVN_OK;
  mm_data d;
  double t1 = 0., t2 = 0., ldv, lda, rss, phi[3], *vb = NULL, ymin, ymax;
  size_t i, j, k;
  char v[64];
  const size_t *u;

  assert(X && y && subject && out);
  memset(&d, 0, sizeof d);
  memset(out, 0, sizeof *out);
  if (n_subjects < 2) {
    snprintf(v, sizeof v, "%zu", n_subjects);
    rc = avn_fail(err, AVN_E_DEGENERATE, "subject", v,
                  "a random intercept needs at least 2 subjects");
    goto cleanup;
  }
  if (n <= p + 1) {
    snprintf(v, sizeof v, "%zu", n);
    rc = avn_fail(err, AVN_E_DEGENERATE, y_name, v,
                  "too few complete rows for the number of fixed effects");
    goto cleanup;
  }
  ymin = ymax = y[0];
  for (i = 1; i < n; i++) {
    if (y[i] < ymin) ymin = y[i];
    if (y[i] > ymax) ymax = y[i];
  }
  if (ymin == ymax) {
    rc = avn_fail(err, AVN_E_DEGENERATE, y_name, "",
                  "the outcome is constant: no variance to model");
    goto cleanup;
  }
  d.n = n;
  d.p = p;
  d.m1 = n_subjects;
  d.reml = reml;
  d.nested = unit != NULL;
  d.m2 = unit ? n_units : n_subjects;
  u = unit ? unit : subject;
  d.xtx = avn_calloc(p * p, sizeof *d.xtx);
  d.xty = avn_calloc(p, sizeof *d.xty);
  d.us = avn_calloc(d.m2 * p, sizeof *d.us);
  d.ut = avn_calloc(d.m2, sizeof *d.ut);
  d.un = avn_calloc(d.m2, sizeof *d.un);
  d.usub = avn_calloc(d.m2, sizeof *d.usub);
  d.ss = avn_calloc(d.m1 * p, sizeof *d.ss);
  d.st = avn_calloc(d.m1, sizeof *d.st);
  d.sn = avn_calloc(d.m1, sizeof *d.sn);
  d.A = avn_calloc(p * p, sizeof *d.A);
  d.b = avn_calloc(p, sizeof *d.b);
  d.beta = avn_calloc(p, sizeof *d.beta);
  vb = avn_calloc(p, sizeof *vb);
  out->beta = avn_calloc(p, sizeof *out->beta);
  out->se = avn_calloc(p, sizeof *out->se);
  out->df = avn_calloc(p, sizeof *out->df);
  out->t = avn_calloc(p, sizeof *out->t);
  out->pval = avn_calloc(p, sizeof *out->pval);
  out->ci_low = avn_calloc(p, sizeof *out->ci_low);
  out->ci_high = avn_calloc(p, sizeof *out->ci_high);
  if (!d.xtx || !d.xty || !d.us || !d.ut || !d.un || !d.usub || !d.ss || !d.st ||
      !d.sn || !d.A || !d.b || !d.beta || !vb || !out->beta || !out->se ||
      !out->df || !out->t || !out->pval || !out->ci_low || !out->ci_high) {
    rc = avn_fail(err, AVN_E_NOMEM, NULL, NULL, "mixed model workspace");
    goto cleanup;
  }
  for (j = 0; j < d.m2; j++) d.usub[j] = (size_t)-1;
  for (i = 0; i < n; i++) {
    const double *x = X + i * p;
    size_t h = u[i];
    if (h >= d.m2 || subject[i] >= n_subjects) {
      rc = avn_fail(err, AVN_E_RANGE, unit ? "nested" : "subject", "",
                    "group index out of range (internal)");
      goto cleanup;
    }
    if (d.usub[h] == (size_t)-1) d.usub[h] = subject[i];
    else if (d.usub[h] != subject[i]) {
      rc = avn_fail(err, AVN_E_RANGE, "nested", "",
                    "a nested unit appears under two different subjects");
      goto cleanup;
    }
    for (j = 0; j < p; j++) {
      for (k = 0; k <= j; k++) d.xtx[j * p + k] += x[j] * x[k];
      d.xty[j] += x[j] * y[i];
      d.us[h * p + j] += x[j];
    }
    d.yty += y[i] * y[i];
    d.ut[h] += y[i];
    d.un[h] += 1.;
  }
  for (j = 0; j < p; j++)
    for (k = 0; k < j; k++) d.xtx[k * p + j] = d.xtx[j * p + k];
  rc = mm_sizes(&d);
  if (!rc && d.nested) rc = mm_shapes(&d);
  if (rc) {
    rc = avn_fail(err, rc, NULL, NULL, "mixed model workspace");
    goto cleanup;
  }
  if (mm_eval(&d, 0., 0., &ldv, &lda, &rss)) {
    rc = avn_fail(err, AVN_E_DEGENERATE, "predictors", "",
                  "the fixed-effects design is rank deficient (collinear "
                  "predictors or an empty factor level)");
    goto cleanup;
  }
  if (!(rss > 1e-13 * d.yty)) {
    rc = avn_fail(err, AVN_E_DEGENERATE, y_name, "",
                  "the predictors fit the outcome exactly: zero residual variance");
    goto cleanup;
  }

  if (d.nested) {
    double a = 0.5, b = 0.5;
    out->converged = mm_opt2(&d, &a, &b) == 1;
    t1 = a;
    t2 = b;
  } else {
    t2 = mm_opt1(&d, 1, 0.);
    out->converged = 1;
  }
  out->criterion = mm_dev(&d, t1, t2);
  if (!isfinite(out->criterion) || mm_eval(&d, t1 * t1, t2 * t2, &ldv, &lda, &rss)) {
    rc = avn_fail(err, AVN_E_NOCONV, y_name, "", "REML/ML criterion not finite at the optimum");
    goto cleanup;
  }
  out->n = n;
  out->p = p;
  out->reml = reml;
  out->nested = d.nested;
  out->n_subjects = n_subjects;
  out->n_units = d.nested ? n_units : 0;
  out->var_resid = rss / (reml ? (double)(n - p) : (double)n);
  out->theta[0] = d.nested ? t1 : t2;
  out->theta[1] = d.nested ? t2 : 0.;
  out->var_subject = out->theta[0] * out->theta[0] * out->var_resid;
  out->var_unit = d.nested ? t2 * t2 * out->var_resid : 0.;
  out->loglik = -out->criterion / 2.;
  out->aic = out->criterion + 2. * ((double)p + (d.nested ? 2. : 1.) + 1.);
  memcpy(out->beta, d.beta, p * sizeof *out->beta);

  /* phi = (s1^2, s2^2, s^2) in mm_dev_full's order: phi[0]/s^2 = g1
  ** (subject, nested only), phi[1]/s^2 = g2 (the unit level, which is the
  ** subject when there is no nesting). */
  phi[0] = d.nested ? out->var_subject : 0.;
  phi[1] = d.nested ? out->var_unit : out->var_subject;
  phi[2] = out->var_resid;
  if (mm_vbeta(&d, phi, vb)) {
    rc = avn_fail(err, AVN_E_NOCONV, y_name, "", "covariance of the fixed effects not positive definite");
    goto cleanup;
  }
  {
    int idx3[3] = {0, 1, 2}, idx2[2] = {1, 2};
    rc = d.nested ? mm_satterthwaite(&d, phi, idx3, 3, vb, out->df)
                  : mm_satterthwaite(&d, phi, idx2, 2, vb, out->df);
    if (rc) {
      avn_fail(err, rc, "subject", "", "Satterthwaite df: variance-parameter Hessian singular");
      goto cleanup;
    }
  }
  for (j = 0; j < p; j++) {
    double df = out->df[j], q;
    out->se[j] = sqrt(vb[j]);
    out->t[j] = out->beta[j] / out->se[j];
    if (!(df > 0.) || !isfinite(df)) {
      rc = avn_fail(err, AVN_E_NOCONV, "subject", "",
                    "Satterthwaite df not positive (variance component on the boundary?)");
      goto cleanup;
    }
    out->pval[j] = 2. * gsl_cdf_tdist_Q(fabs(out->t[j]), df);
    q = gsl_cdf_tdist_Pinv(0.5 + conf_level / 2., df);
    out->ci_low[j] = out->beta[j] - q * out->se[j];
    out->ci_high[j] = out->beta[j] + q * out->se[j];
  }
cleanup:
  mm_free(&d);
  avn_free(vb);
  if (rc) mixed_result_free(out);
  return rc;
}
