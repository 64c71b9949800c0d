/*
** cox.c: Cox proportional-hazards regression (see cox.h for the contract).
**
** References:
**   Cox DR. Regression models and life-tables. J R Stat Soc B 1972;34:
**     187-220.
**   Efron B. The efficiency of Cox's likelihood function for censored data.
**     J Am Stat Assoc 1977;72:557-565 (tied event times).
**   Breslow NE. Covariance analysis of censored survival data. Biometrics
**     1974;30:89-99 (tied event times).
**   Lin DY, Wei LJ. The robust inference for the Cox proportional hazards
**     model. J Am Stat Assoc 1989;84:1074-1078 (sandwich variance).
**   Harrell FE, Califf RM, Pryor DB, Lee KL, Rosati RA. Evaluating the
**     yield of medical tests. JAMA 1982;247:2543-2546 (concordance).
**   Therneau T. survival 3.5-3 for R: coxfit6.c (iteration and convergence
**     rule), coxscore2.c (score residuals), concordance(), reproduced here.
**
** Numerics, as coxfit6.c: covariates are centred and scaled by
** n / sum|x - mean| so exp(eta) stays in range; beta starts at 0;
** Newton-Raphson steps solve I d = U by Cholesky; a step that lowers the
** log-likelihood (or makes it non-finite) is halved toward the previous
** beta; the fit has converged when |1 - l_old / l_new| <= eps on a step
** that was not halved. Results are unscaled at the end.
**
** One iteration: eta = X beta, r = exp(eta); the rows, sorted once by time,
** are visited from the longest time down, adding each distinct-time group
** to the risk-set sums S0 = sum r, S1 = sum r x, S2 = sum r x x'. For a
** group with d deaths (death sums D0, D1, D2), Efron's approximation uses
** for k = 0..d-1 the denominator S0 - (k/d) D0 with the matching means and
** second moments; Breslow uses S0 for all d. Cost O(n p^2).
**
** Robust variance (cluster): the score residual of subject i is
**   L_i = delta_i (x_i - xbar*(t_i)) - r_i sum_{t_j <= t_i} w_ij h_j (x_i - xbar_j)
** with, at an Efron tie, h_k = 1 / denominator_k, xbar_k its mean, weight
** (1 - k/d) for the subjects dying there, 1 for the others, and xbar* the
** average of the xbar_k. dfbeta = L I^-1; summed within clusters, D' D is
** the robust variance (survival: crossprod(rowsum(dfbeta, cluster))).
** The per-time quantities are kept from one backward pass and accumulated
** in a forward pass, so no differences of large sums are taken.
*/
#include "stats/cox.h"

#include <float.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

#include "core/mem.h"
#include "stats/sortkey.h"
#include "stats/survdata.h"

void cox_opts_default(cox_opts *o) {
  o->ties = COX_TIES_EFRON;
  o->max_iter = 20;
  o->eps = 1e-9;
  o->toler_chol = pow(DBL_EPSILON, 0.75);
  o->toler_inf = sqrt(1e-9);
  o->conf_level = 0.95;
  o->strata = NULL;
  o->nstrata = 0;
  o->score_only = 0;
}

void cox_free(cox_result *r) {
  if (!r) return;
  avn_free(r->beta);
  avn_free(r->se);
  avn_free(r->robust_se);
  avn_free(r->var);
  avn_free(r->robust_var);
  avn_free(r->z);
  avn_free(r->p_value);
  avn_free(r->hr);
  avn_free(r->hr_low);
  avn_free(r->hr_high);
  avn_free(r);
}

/* ---- small dense helpers (p x p, row-major) ---------------------------- */

/* In-place Cholesky A = L L' (lower triangle). Returns -1 on success or the
** index of the first column whose pivot is <= toler * max diagonal. */
static long chol(size_t p, double *a, double toler) {
  double dmax = 0;
  for (size_t i = 0; i < p; i++) dmax = fmax(dmax, fabs(a[i * p + i]));
  double lim = toler * dmax;
  for (size_t j = 0; j < p; j++) {
    double d = a[j * p + j];
    for (size_t k = 0; k < j; k++) d -= a[j * p + k] * a[j * p + k];
    if (!(d > lim) || !isfinite(d)) return (long)j;
    d = sqrt(d);
    a[j * p + j] = d;
    for (size_t i = j + 1; i < p; i++) {
      double s = a[i * p + j];
      for (size_t k = 0; k < j; k++) s -= a[i * p + k] * a[j * p + k];
      a[i * p + j] = s / d;
    }
  }
  return -1;
}

/* Solves L L' x = b in place. */
static void chol_solve(size_t p, const double *l, double *b) {
  for (size_t i = 0; i < p; i++) {
    double s = b[i];
    for (size_t k = 0; k < i; k++) s -= l[i * p + k] * b[k];
    b[i] = s / l[i * p + i];
  }
  for (size_t i = p; i-- > 0;) {
    double s = b[i];
    for (size_t k = i + 1; k < p; k++) s -= l[k * p + i] * b[k];
    b[i] = s / l[i * p + i];
  }
}

/* inv = (L L')^-1 */
/* v' A^-1 v with l the Cholesky factor of A; A^-1 v is left in x[p]. */
static double chol_quad(size_t p, const double *l, const double *v, double *x) {
  memcpy(x, v, p * sizeof *x);
  chol_solve(p, l, x);
  double q = 0;
  for (size_t j = 0; j < p; j++) q += v[j] * x[j];
  return q;
}

static void chol_inverse(size_t p, const double *l, double *inv, double *col) {
  for (size_t j = 0; j < p; j++) {
    for (size_t i = 0; i < p; i++) col[i] = i == j;
    chol_solve(p, l, col);
    for (size_t i = 0; i < p; i++) inv[i * p + j] = col[i];
  }
}

/* ---- the sorted, scaled problem ---------------------------------------- */

typedef struct cox_rec {
  double t;
  int32_t ev;
  int32_t idx;
} cox_rec;

typedef struct cox_work {
  size_t n, p, ngroups;
  cox_ties ties;
  double *t;       /* [n] ascending */
  int *ev;         /* [n] */
  int *idx;        /* [n] original row */
  double *x;       /* [n*p] centred, scaled, sorted */
  size_t *gstart;  /* [ngroups+1] first row of each distinct time */
  unsigned char *sfirst; /* [ngroups] 1 when the group starts a stratum */
  size_t *send;    /* [ngroups] one past the last row of the group's stratum */
  double *ef, *eg, *eh; /* exact ties: [dmax+1], [(dmax+1)*p], [(dmax+1)*p*p] */
  size_t dmax;     /* most deaths at one time */
  double *eta, *r; /* [n] */
  double *s1, *s2, *d1, *d2, *a; /* [p], [p*p], [p], [p*p], [p] */
} cox_work;

/* The linear predictor eta = X beta and the risk exp(eta) of every row. */
static void cox_eta(cox_work *w, const double *beta) {
  for (size_t i = 0; i < w->n; i++) {
    const double *xi = w->x + i * w->p;
    double e = 0;
    for (size_t j = 0; j < w->p; j++) e += xi[j] * beta[j];
    w->eta[i] = e;
    w->r[i] = exp(e);
  }
}

/* The exact partial likelihood term of a time with nd > 1 deaths (rows
** lo.. of the group, risk set rows lo..end): the deaths' sum of eta minus
** log of the sum, over every nd-subset of the risk set, of the product of
** the risks, by the recursion of Gail, M. H., Lubin, J. H. & Rubinstein,
** L. V. (1981) Likelihood calculations for matched case-control studies
** and survival studies with tied death times. Biometrika 68, 703-707:
** f(k, s) = f(k-1, s) + r_k f(k-1, s-1), with its gradient g and Hessian
** h carried alongside (survival's coxexact). O((end - lo) nd p^2). The
** deaths' own eta and x were already added to ll and u by the caller. */
static void cox_exact_term(cox_work *w, size_t lo, size_t end, size_t nd, double *ll,
                           double *u, double *imat) {
  size_t p = w->p;
  double *f = w->ef, *g = w->eg, *h = w->eh;
  memset(f, 0, (nd + 1) * sizeof *f);
  memset(g, 0, (nd + 1) * p * sizeof *g);
  memset(h, 0, (nd + 1) * p * p * sizeof *h);
  f[0] = 1.0;
  for (size_t k = lo; k < end; k++) {
    const double *xk = w->x + k * p;
    double rk = w->r[k];
    size_t top = k - lo + 1 < nd ? k - lo + 1 : nd;
    for (size_t s = top; s >= 1; s--) {
      const double *g1 = g + (s - 1) * p, *h1 = h + (s - 1) * p * p;
      double f1 = f[s - 1];
      double *gs = g + s * p, *hs = h + s * p * p;
      for (size_t a = 0; a < p; a++) {
        for (size_t b = a; b < p; b++)
          hs[a * p + b] += rk * (h1[a * p + b] + xk[a] * g1[b] + g1[a] * xk[b] +
                                 xk[a] * xk[b] * f1);
      }
      for (size_t a = 0; a < p; a++) gs[a] += rk * (g1[a] + xk[a] * f1);
      f[s] += rk * f1;
    }
  }
  double F = f[nd];
  const double *G = g + nd * p, *H = h + nd * p * p;
  *ll -= log(F);
  for (size_t a = 0; a < p; a++) {
    u[a] -= G[a] / F;
    for (size_t b = a; b < p; b++) imat[a * p + b] += H[a * p + b] / F - G[a] * G[b] / (F * F);
  }
}

/* Log partial likelihood, score u[p] and information imat[p*p] at beta.
** Returns 0, or 1 if something is not finite. */
static int cox_compute(cox_work *w, const double *beta, double *loglik,
                       double *u, double *imat) {
  size_t p = w->p;
  double *s1 = w->s1, *s2 = w->s2, *d1 = w->d1, *d2 = w->d2, *a = w->a;
  int efron = w->ties == COX_TIES_EFRON;
  cox_eta(w, beta);
  double s0 = 0, ll = 0;
  memset(s1, 0, p * sizeof *s1);
  memset(s2, 0, p * p * sizeof *s2);
  memset(u, 0, p * sizeof *u);
  memset(imat, 0, p * p * sizeof *imat);
  for (size_t g = w->ngroups; g-- > 0;) {
    size_t lo = w->gstart[g], hi = w->gstart[g + 1];
    double d0 = 0;
    size_t nd = 0;
    if (g + 1 < w->ngroups && w->sfirst[g + 1]) {
      /* a new stratum (going down): its own risk sets */
      s0 = 0;
      memset(s1, 0, p * sizeof *s1);
      memset(s2, 0, p * p * sizeof *s2);
    }
    for (size_t i = lo; i < hi; i++) {
      const double *xi = w->x + i * p;
      double ri = w->r[i];
      s0 += ri;
      for (size_t j = 0; j < p; j++) {
        double rx = ri * xi[j];
        s1[j] += rx;
        for (size_t k = j; k < p; k++) s2[j * p + k] += rx * xi[k];
      }
      if (!w->ev[i]) continue;
      if (nd == 0) {
        memset(d1, 0, p * sizeof *d1);
        if (efron) memset(d2, 0, p * p * sizeof *d2);
      }
      nd++;
      d0 += ri;
      ll += w->eta[i];
      for (size_t j = 0; j < p; j++) {
        double rx = ri * xi[j];
        u[j] += xi[j];
        d1[j] += rx;
        if (efron)
          for (size_t k = j; k < p; k++) d2[j * p + k] += rx * xi[k];
      }
    }
    if (nd == 0) continue;
    if (w->ties == COX_TIES_EXACT && nd > 1) {
      cox_exact_term(w, lo, w->send[g], nd, &ll, u, imat);
      continue;
    }
    if (!efron || nd == 1) {
      double dn = (double)nd;
      ll -= dn * log(s0);
      for (size_t j = 0; j < p; j++) a[j] = s1[j] / s0;
      for (size_t j = 0; j < p; j++) {
        u[j] -= dn * a[j];
        for (size_t k = j; k < p; k++)
          imat[j * p + k] += dn * (s2[j * p + k] / s0 - a[j] * a[k]);
      }
    } else {
      for (size_t m = 0; m < nd; m++) {
        double f = (double)m / (double)nd;
        double den = s0 - f * d0;
        ll -= log(den);
        for (size_t j = 0; j < p; j++) a[j] = (s1[j] - f * d1[j]) / den;
        for (size_t j = 0; j < p; j++) {
          u[j] -= a[j];
          for (size_t k = j; k < p; k++)
            imat[j * p + k] +=
                (s2[j * p + k] - f * d2[j * p + k]) / den - a[j] * a[k];
        }
      }
    }
  }
  for (size_t j = 0; j < p; j++)
    for (size_t k = 0; k < j; k++) imat[j * p + k] = imat[k * p + j];
  *loglik = ll;
  if (!isfinite(ll)) return 1;
  for (size_t j = 0; j < p; j++)
    if (!isfinite(u[j])) return 1;
  for (size_t j = 0; j < p * p; j++)
    if (!isfinite(imat[j])) return 1;
  return 0;
}

/* ---- concordance -------------------------------------------------------- */

/* Fenwick trees of counts over score ranks: 32-bit counts (n < 2^31), so
** a tree over 1,000,000 ranks is 4 MB and stays in cache. */
static void fen_add(int32_t *f, size_t m, size_t i, int32_t d) {
  for (i++; i <= m; i += i & (~i + 1)) f[i - 1] += d;
}
static int64_t fen_sum(const int32_t *f, size_t i) { /* count of ranks < i */
  int64_t s = 0;
  for (; i > 0; i -= i & (~i + 1)) s += f[i - 1];
  return s;
}

/* Stable re-sort of ord[n] by stratum code (a counting sort would do; the
** radix sort is already there and O(n)). */
static avn_rc strata_resort(size_t n, const int *strata, uint32_t *ord) {
  double *k = avn_reallocarray(NULL, n ? n : 1, sizeof *k);
  if (!k) return AVN_E_NOMEM;
  for (size_t i = 0; i < n; i++) k[i] = (double)strata[i];
  avn_rc rc = sortkey_order(n, k, ord, ord);
  avn_free(k);
  return rc;
}

/* One stratum's rows rec[0..ns) (by ascending time) against the Fenwick
** trees fen / fen_eq over score ranks rk[]: adds its pair counts to c and
** each row's own counts to dif (concordant - discordant) and all
** (concordant + discordant + tied on the score), indexed by rec[].idx (the
** jackknife below needs only those two), then empties the trees. Pass 1
** (descending time) counts, for each event, the rows still at risk (later
** times, and censorings at its own time); pass 2 (ascending) counts, for
** each row, the earlier events it was at risk for. */
static void conc_stratum(const cox_rec *rec, const uint32_t *rk, size_t ns, size_t m,
                         int32_t *fen, int32_t *fen_eq, int32_t *grp_eq, cox_conc *c,
                         double *dif, double *all) {
  int64_t intree = 0;
  size_t hi = ns;
  while (hi > 0) {
    size_t lo = hi - 1;
    while (lo > 0 && rec[lo - 1].t == rec[hi - 1].t) lo--;
    int64_t nd = 0;
    /* censored at this time are at risk for the deaths at this time */
    for (size_t i = lo; i < hi; i++)
      if (!rec[i].ev) {
        fen_add(fen, m, rk[i], 1);
        fen_eq[rk[i]]++;
        intree++;
      }
    for (size_t i = lo; i < hi; i++) {
      if (!rec[i].ev) continue;
      nd++;
      int64_t below = fen_sum(fen, rk[i]);
      int64_t eq = fen_eq[rk[i]];
      int64_t above = intree - below - eq;
      c->concordant += below;
      c->tied_x += eq;
      c->discordant += above;
      dif[rec[i].idx] += (double)(below - above);
      all[rec[i].idx] += (double)intree;
    }
    /* tied on time: pairs of deaths here, minus those also tied on the
    ** score (survival counts those as tied.xy, in neither C nor tied.y) */
    int64_t txy = 0;
    for (size_t i = lo; i < hi; i++)
      if (rec[i].ev) {
        txy += grp_eq[rk[i]];
        grp_eq[rk[i]]++;
      }
    c->tied_y += nd * (nd - 1) / 2 - txy;
    for (size_t i = lo; i < hi; i++)
      if (rec[i].ev) {
        grp_eq[rk[i]] = 0;
        fen_add(fen, m, rk[i], 1);
        fen_eq[rk[i]]++;
        intree++;
      }
    hi = lo;
  }
  for (size_t i = 0; i < ns; i++) {
    fen_add(fen, m, rk[i], -1);
    fen_eq[rk[i]]--;
  }
  /* pass 2: each row against the events before it (a concordant pair has
  ** the earlier event on the higher score) */
  intree = 0;
  size_t lo = 0;
  while (lo < ns) {
    size_t h2 = lo + 1;
    while (h2 < ns && rec[h2].t == rec[lo].t) h2++;
    for (int phase = 0; phase < 3; phase++) {
      for (size_t i = lo; i < h2; i++) {
        if (phase == 1) {
          if (rec[i].ev) {
            fen_add(fen, m, rk[i], 1);
            fen_eq[rk[i]]++;
            intree++;
          }
          continue;
        }
        /* phase 0: events (earlier events only); phase 2: censored rows
        ** (also the events at their own time) */
        if ((phase == 0) != (rec[i].ev != 0)) continue;
        int64_t below = fen_sum(fen, rk[i]), eq = fen_eq[rk[i]];
        dif[rec[i].idx] += (double)((intree - below - eq) - below);
        all[rec[i].idx] += (double)intree;
      }
    }
    lo = h2;
  }
  for (size_t i = 0; i < ns; i++)
    if (rec[i].ev) {
      fen_add(fen, m, rk[i], -1);
      fen_eq[rk[i]]--;
    }
}

avn_rc cox_concordance_se(size_t n, const double *time, const int *event, const double *score,
                          const int *strata, const int *cluster, size_t ncl, cox_conc *out) {
  avn_rc rc = AVN_OK;
  memset(out, 0, sizeof *out);
  if (n > (size_t)INT32_MAX) return AVN_E_RANGE;
  size_t nn = n ? n : 1;
  bool per_cluster = cluster && ncl;
  cox_rec *rec = avn_reallocarray(NULL, nn, sizeof *rec);
  double *dif = avn_calloc(nn, sizeof *dif), *all = avn_calloc(nn, sizeof *all);
  double *dfb = per_cluster ? avn_calloc(ncl, sizeof *dfb) : NULL;
  int32_t *fen = avn_calloc(nn, sizeof *fen);
  int32_t *fen_eq = NULL, *grp_eq = NULL;
  uint32_t *rank = avn_reallocarray(NULL, nn, sizeof *rank);  /* by input row */
  uint32_t *ord = avn_reallocarray(NULL, nn, sizeof *ord);    /* then: rk by time order */
  if (!rec || !dif || !all || (per_cluster && !dfb) || !fen || !rank || !ord) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  /* order by time (stable radix), then by stratum; ranks of the score */
  rc = sortkey_order(n, time, NULL, ord);
  if (!rc && strata) rc = strata_resort(n, strata, ord);
  if (rc) goto cleanup;
  for (size_t i = 0; i < n; i++) {
    rec[i].t = time[ord[i]];
    rec[i].ev = event[ord[i]];
    rec[i].idx = (int32_t)ord[i];
  }
  rc = sortkey_order(n, score, NULL, ord);
  if (rc) goto cleanup;
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && score[ord[i]] != score[ord[i - 1]]) m++;
    rank[ord[i]] = (uint32_t)m;
  }
  if (n) m++;
  fen_eq = avn_calloc(m ? m : 1, sizeof *fen_eq);
  grp_eq = avn_calloc(m ? m : 1, sizeof *grp_eq);
  if (!fen_eq || !grp_eq) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  uint32_t *rk = ord;
  for (size_t i = 0; i < n; i++) rk[i] = rank[rec[i].idx];
  for (size_t b0 = 0; b0 < n;) {
    size_t b1 = b0 + 1;
    while (strata && b1 < n && strata[rec[b1].idx] == strata[rec[b0].idx]) b1++;
    if (!strata) b1 = n;
    conc_stratum(rec + b0, rk + b0, b1 - b0, m, fen, fen_eq, grp_eq, out, dif, all);
    b0 = b1;
  }
  double npair = (double)(out->concordant + out->discordant + out->tied_x);
  out->c = npair > 0 ? ((double)out->concordant + (double)out->tied_x / 2) / npair : NAN;
  /* survival's concordancefit: the infinitesimal-jackknife variance of
  ** Somers' d from each row's pair counts, summed per cluster; var(C) =
  ** var(d) / 4 */
  double somer = npair > 0 ? ((double)out->concordant - (double)out->discordant) / npair : NAN;
  double v = 0;
  for (size_t i = 0; i < n; i++) {
    double d = (dif[i] - somer * all[i]) / npair;
    if (per_cluster) dfb[cluster[i]] += d;
    else v += d * d;
  }
  for (size_t i = 0; per_cluster && i < ncl; i++) v += dfb[i] * dfb[i];
  out->se = npair > 0 ? sqrt(v / 4) : NAN;
cleanup:
  avn_free(rec);
  avn_free(dif);
  avn_free(all);
  avn_free(dfb);
  avn_free(fen);
  avn_free(fen_eq);
  avn_free(grp_eq);
  avn_free(rank);
  avn_free(ord);
  return rc;
}

avn_rc cox_concordance(size_t n, const double *time, const int *event,
                       const double *score, int64_t *concordant,
                       int64_t *discordant, int64_t *tied_x, int64_t *tied_y,
                       double *c) {
  cox_conc cc;
  avn_rc rc = cox_concordance_se(n, time, event, score, NULL, NULL, 0, &cc);
  *concordant = cc.concordant;
  *discordant = cc.discordant;
  *tied_x = cc.tied_x;
  *tied_y = cc.tied_y;
  *c = cc.c;
  return rc;
}

/* ---- robust variance ---------------------------------------------------- */

/* Score residuals at beta (scaled coefficients) summed per cluster: their
** cross-product M = sum_c s_c s_c' into meat[p*p] (scaled coordinates);
** with var (the model variance V) non-NULL, the robust variance V M V goes
** to rvar instead. */
static avn_rc cox_robust(cox_work *w, const double *beta, const double *var,
                         const int *cluster, size_t ncl, double *rvar) {
  avn_rc rc = AVN_OK;
  size_t p = w->p;
  int efron = w->ties == COX_TIES_EFRON;
  double *gs0 = avn_calloc(w->ngroups, sizeof *gs0);
  double *gd0 = avn_calloc(w->ngroups, sizeof *gd0);
  double *gs1 = avn_calloc(w->ngroups * p, sizeof *gs1);
  double *gd1 = avn_calloc(w->ngroups * p, sizeof *gd1);
  size_t *gnd = avn_calloc(w->ngroups, sizeof *gnd);
  double *HX = avn_calloc(p, sizeof *HX);
  double *hxf = avn_calloc(p, sizeof *hxf), *hxd = avn_calloc(p, sizeof *hxd);
  double *xb = avn_calloc(p, sizeof *xb);
  double *csum = avn_calloc(ncl * p, sizeof *csum);
  double *meat = avn_calloc(p * p, sizeof *meat);
  double *tmp = avn_calloc(p * p, sizeof *tmp);
  if (!gs0 || !gd0 || !gs1 || !gd1 || !gnd || !HX || !hxf || !hxd || !xb ||
      !csum || !meat || !tmp) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  cox_eta(w, beta);
  /* backward: risk-set sums at each distinct time */
  {
    double s0 = 0;
    double *s1 = w->s1;
    memset(s1, 0, p * sizeof *s1);
    for (size_t g = w->ngroups; g-- > 0;) {
      if (g + 1 < w->ngroups && w->sfirst[g + 1]) {
        s0 = 0;
        memset(s1, 0, p * sizeof *s1);
      }
      for (size_t i = w->gstart[g]; i < w->gstart[g + 1]; i++) {
        const double *xi = w->x + i * p;
        double ri = w->r[i];
        s0 += ri;
        for (size_t j = 0; j < p; j++) s1[j] += ri * xi[j];
        if (w->ev[i]) {
          gnd[g]++;
          gd0[g] += ri;
          for (size_t j = 0; j < p; j++) gd1[g * p + j] += ri * xi[j];
        }
      }
      gs0[g] = s0;
      memcpy(gs1 + g * p, s1, p * sizeof *s1);
    }
  }
  /* forward: H, HX cumulate the hazard increments of earlier times */
  double H = 0;
  for (size_t g = 0; g < w->ngroups; g++) {
    size_t nd = gnd[g];
    double hf = 0, hd = 0;
    if (w->sfirst[g]) {
      H = 0;
      memset(HX, 0, p * sizeof *HX);
    }
    memset(hxf, 0, p * sizeof *hxf);
    memset(hxd, 0, p * sizeof *hxd);
    memset(xb, 0, p * sizeof *xb);
    if (nd > 0) {
      int steps_efron = efron && nd > 1;
      size_t steps = steps_efron ? nd : 1;
      for (size_t m = 0; m < steps; m++) {
        double f = steps_efron ? (double)m / (double)nd : 0;
        double den = gs0[g] - f * gd0[g];
        double h = (steps_efron ? 1.0 : (double)nd) / den;
        double wd = 1 - f;
        hf += h;
        hd += wd * h;
        for (size_t j = 0; j < p; j++) {
          double xk = (gs1[g * p + j] - f * gd1[g * p + j]) / den;
          hxf[j] += h * xk;
          hxd[j] += wd * h * xk;
          xb[j] += xk / (double)steps;
        }
      }
    }
    for (size_t i = w->gstart[g]; i < w->gstart[g + 1]; i++) {
      const double *xi = w->x + i * p;
      double ri = w->r[i];
      double *cs = csum + (size_t)cluster[w->idx[i]] * p;
      for (size_t j = 0; j < p; j++) {
        double L;
        if (w->ev[i])
          L = (xi[j] - xb[j]) - ri * (xi[j] * (H + hd) - (HX[j] + hxd[j]));
        else
          L = -ri * (xi[j] * (H + hf) - (HX[j] + hxf[j]));
        cs[j] += L;
      }
    }
    H += hf;
    for (size_t j = 0; j < p; j++) HX[j] += hxf[j];
  }
  for (size_t c = 0; c < ncl; c++) {
    const double *cs = csum + c * p;
    for (size_t j = 0; j < p; j++)
      for (size_t k = 0; k < p; k++) meat[j * p + k] += cs[j] * cs[k];
  }
  if (!var) {
    memcpy(rvar, meat, p * p * sizeof *meat);
    goto cleanup;
  }
  /* rvar = V meat V */
  for (size_t j = 0; j < p; j++)
    for (size_t k = 0; k < p; k++) {
      double s = 0;
      for (size_t l = 0; l < p; l++) s += var[j * p + l] * meat[l * p + k];
      tmp[j * p + k] = s;
    }
  for (size_t j = 0; j < p; j++)
    for (size_t k = 0; k < p; k++) {
      double s = 0;
      for (size_t l = 0; l < p; l++) s += tmp[j * p + l] * var[l * p + k];
      rvar[j * p + k] = s;
    }
cleanup:
  avn_free(gs0);
  avn_free(gd0);
  avn_free(gs1);
  avn_free(gd1);
  avn_free(gnd);
  avn_free(HX);
  avn_free(hxf);
  avn_free(hxd);
  avn_free(xb);
  avn_free(csum);
  avn_free(meat);
  avn_free(tmp);
  return rc;
}

static void work_free(cox_work *w) {
  avn_free(w->t);
  avn_free(w->ev);
  avn_free(w->idx);
  avn_free(w->x);
  avn_free(w->gstart);
  avn_free(w->sfirst);
  avn_free(w->send);
  avn_free(w->ef);
  avn_free(w->eg);
  avn_free(w->eh);
  avn_free(w->eta);
  avn_free(w->r);
  avn_free(w->s1);
  avn_free(w->s2);
  avn_free(w->d1);
  avn_free(w->d2);
  avn_free(w->a);
  memset(w, 0, sizeof *w);   /* freed once: the fit frees it before the concordance */
}

/* ---- the fit ------------------------------------------------------------ */

/* Rows of the n x p matrix x put in the order ord (row i becomes old row
** ord[i]) in place, by following the permutation's cycles: one row of
** scratch and a bit per row instead of a second matrix. */
static avn_rc permute_rows(size_t n, size_t p, double *x, const uint32_t *ord) {
  unsigned char *done = avn_calloc(n / 8 + 1, 1);
  double *tmp = avn_malloc(p * sizeof *tmp);
  if (!done || !tmp) {
    avn_free(done);
    avn_free(tmp);
    return AVN_E_NOMEM;
  }
  for (size_t s = 0; s < n; s++) {
    if (done[s / 8] & (1u << (s % 8))) continue;
    memcpy(tmp, x + s * p, p * sizeof *tmp);
    size_t j = s;
    for (;;) {
      done[j / 8] |= (unsigned char)(1u << (j % 8));
      size_t k = ord[j];
      if (k == s) {
        memcpy(x + j * p, tmp, p * sizeof *tmp);
        break;
      }
      memcpy(x + j * p, x + k * p, p * sizeof *tmp);
      j = k;
    }
  }
  avn_free(done);
  avn_free(tmp);
  return AVN_OK;
}

/* x_take: NULL, or the design x given up (see cox_fit_take); *taken is
** set once the work owns it (and will free it). */
static avn_rc fit(size_t n, size_t p, const double *time, const int *event, const double *x,
                  double *x_take, bool *taken, const char *const *names, const int *cluster,
                  size_t nclusters, const cox_opts *opts, cox_result **out, avn_err *err);

avn_rc cox_fit(size_t n, size_t p, const double *time, const int *event,
               const double *x, const char *const *names, const int *cluster,
               size_t nclusters, const cox_opts *opts, cox_result **out,
               avn_err *err) {
  bool taken = false;
  return fit(n, p, time, event, x, NULL, &taken, names, cluster, nclusters, opts, out, err);
}

avn_rc cox_fit_take(size_t n, size_t p, const double *time, const int *event, double *x,
                    const char *const *names, const int *cluster, size_t nclusters,
                    const cox_opts *opts, cox_result **out, avn_err *err) {
  bool taken = false;
  avn_rc rc = fit(n, p, time, event, x, x, &taken, names, cluster, nclusters, opts, out, err);
  if (!taken) avn_free(x);   /* refused before the work held it */
  return rc;
}

static avn_rc fit(size_t n, size_t p, const double *time, const int *event, const double *x,
                  double *x_take, bool *taken, const char *const *names, const int *cluster,
                  size_t nclusters, const cox_opts *opts, cox_result **out, avn_err *err) {
  avn_rc rc = AVN_OK;
  cox_opts o;
  cox_work w;
  uint32_t *ord = NULL;
  cox_result *r = NULL;
  double *mean = NULL, *scale = NULL, *beta = NULL, *newbeta = NULL;
  double *u = NULL, *imat = NULL, *chl = NULL, *step = NULL, *col = NULL;
  double *vs = NULL, *lp = NULL;
  size_t i, j, k;
  memset(&w, 0, sizeof w);
  *out = NULL;
  if (opts)
    o = *opts;
  else
    cox_opts_default(&o);
  if (p == 0 || p > 100)
    return avn_fail(err, AVN_E_RANGE, "covariates", NULL,
                    "a Cox model needs 1 to 100 covariates");
  if (n < 2)
    return avn_fail(err, AVN_E_DEGENERATE, "time", NULL,
                    "too few rows (%zu) for a Cox model", n);
  size_t nevent = 0;
  for (i = 0; i < n; i++) {
    avn_rc rrc = survdata_check_row(time, event, i, err);
    if (rrc) return rrc;
    for (j = 0; j < p; j++)
      if (!isfinite(x[i * p + j]))
        return avn_fail(err, AVN_E_RANGE, names ? names[j] : "covariate", NULL,
                        "non-finite covariate value (row %zu)", i + 1);
    if (cluster && (cluster[i] < 0 || (size_t)cluster[i] >= nclusters))
      return avn_fail(err, AVN_E_RANGE, "cluster", NULL, "cluster id out of range");
    if (o.strata && (o.strata[i] < 0 || (size_t)o.strata[i] >= o.nstrata))
      return avn_fail(err, AVN_E_RANGE, "strata", NULL, "stratum id out of range");
    nevent += (size_t)event[i];
  }
  if (nevent == 0)
    return avn_fail(err, AVN_E_DEGENERATE, "event", NULL,
                    "every observation is censored: a Cox model needs events");
  w.n = n;
  w.p = p;
  w.ties = o.ties;
  w.t = avn_reallocarray(NULL, n, sizeof *w.t);
  w.ev = avn_reallocarray(NULL, n, sizeof *w.ev);
  w.idx = avn_reallocarray(NULL, n, sizeof *w.idx);
  w.x = x_take ? x_take : avn_reallocarray(NULL, n * p, sizeof *w.x);
  *taken = x_take != NULL;
  w.gstart = avn_reallocarray(NULL, n + 1, sizeof *w.gstart);
  w.sfirst = avn_calloc(n + 1, sizeof *w.sfirst);
  w.s1 = avn_calloc(p, sizeof *w.s1);
  w.s2 = avn_calloc(p * p, sizeof *w.s2);
  w.d1 = avn_calloc(p, sizeof *w.d1);
  w.d2 = avn_calloc(p * p, sizeof *w.d2);
  w.a = avn_calloc(p, sizeof *w.a);
  mean = avn_calloc(p, sizeof *mean);
  scale = avn_calloc(p, sizeof *scale);
  beta = avn_calloc(p, sizeof *beta);
  newbeta = avn_calloc(p, sizeof *newbeta);
  u = avn_calloc(p, sizeof *u);
  imat = avn_calloc(p * p, sizeof *imat);
  chl = avn_calloc(p * p, sizeof *chl);
  step = avn_calloc(p, sizeof *step);
  col = avn_calloc(p, sizeof *col);
  vs = avn_calloc(p * p, sizeof *vs);
  r = avn_calloc(1, sizeof *r);
  if (!w.t || !w.ev || !w.idx || !w.x || !w.gstart || !w.sfirst || !w.s1 || !w.s2 || !w.d1 || !w.d2 || !w.a || !mean || !scale ||
      !beta || !newbeta || !u || !imat || !chl || !step || !col || !vs || !r) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  ord = avn_reallocarray(NULL, n, sizeof *ord);
  if (!ord) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  rc = sortkey_order(n, time, NULL, ord);
  if (!rc && o.strata) rc = strata_resort(n, o.strata, ord);
  if (rc) goto cleanup;
  w.ngroups = 0;
  for (i = 0; i < n; i++) {
    size_t oi = ord[i];
    w.t[i] = time[oi];
    w.ev[i] = event[oi];
    w.idx[i] = (int)oi;
    bool newstrat = i == 0 || (o.strata && o.strata[oi] != o.strata[ord[i - 1]]);
    if (newstrat || w.t[i] != w.t[i - 1]) {
      w.sfirst[w.ngroups] = newstrat;
      w.gstart[w.ngroups++] = i;
    }
    if (!x_take) memcpy(w.x + i * p, x + oi * p, p * sizeof *x);
  }
  if (x_take) rc = permute_rows(n, p, w.x, ord);
  avn_free(ord);
  ord = NULL;
  if (rc) goto cleanup;
  w.gstart[w.ngroups] = n;
  /* the sort's scratch is gone: now the per-row risk arrays; the group
  ** starts shrink to the distinct times */
  w.eta = avn_reallocarray(NULL, n, sizeof *w.eta);
  w.r = avn_reallocarray(NULL, n, sizeof *w.r);
  if (!w.eta || !w.r) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  {
    size_t *g = avn_reallocarray(w.gstart, w.ngroups + 1, sizeof *w.gstart);
    if (g) w.gstart = g;
  }
  w.send = avn_calloc(w.ngroups ? w.ngroups : 1, sizeof *w.send);
  if (!w.send) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  for (size_t g = w.ngroups, end = n; g-- > 0;) {
    w.send[g] = end;
    if (w.sfirst[g]) end = w.gstart[g];
    size_t d = 0;
    for (size_t q = w.gstart[g]; q < w.gstart[g + 1]; q++) d += (size_t)w.ev[q];
    if (d > w.dmax) w.dmax = d;
  }
  if (o.ties == COX_TIES_EXACT) {
    if (cluster) {
      rc = avn_fail(err, AVN_E_USAGE, "ties", "exact",
                    "the robust (cluster) variance is computed for efron and breslow ties only");
      goto cleanup;
    }
    w.ef = avn_calloc(w.dmax + 1, sizeof *w.ef);
    w.eg = avn_calloc((w.dmax + 1) * p, sizeof *w.eg);
    w.eh = avn_calloc((w.dmax + 1) * p * p, sizeof *w.eh);
    if (!w.ef || !w.eg || !w.eh) {
      rc = AVN_E_NOMEM;
      goto cleanup;
    }
  }
  /* centre and scale (coxfit6.c), a pass over the rows per step rather
  ** than per column (the row-major design is read in order; each column's
  ** sums still add its rows in order) */
  double *asum = col;   /* scratch until the variance */
  for (i = 0; i < n; i++)
    for (j = 0; j < p; j++) mean[j] += w.x[i * p + j];
  for (j = 0; j < p; j++) mean[j] /= (double)n;
  for (i = 0; i < n; i++)
    for (j = 0; j < p; j++) {
      w.x[i * p + j] -= mean[j];
      asum[j] += fabs(w.x[i * p + j]);
    }
  for (j = 0; j < p; j++) {
    if (!(asum[j] > 1e-12 * (double)n * fmax(1, fabs(mean[j])))) {
      rc = avn_fail(err, AVN_E_DEGENERATE, names ? names[j] : "covariate", NULL,
                    "the covariate is constant: it has no variance to estimate "
                    "a hazard ratio from");
      goto cleanup;
    }
    scale[j] = (double)n / asum[j];
  }
  for (i = 0; i < n; i++)
    for (j = 0; j < p; j++) w.x[i * p + j] *= scale[j];

  /* iteration 0 at beta = 0 */
  double loglik = 0, newlk = 0;
  int nf = cox_compute(&w, beta, &loglik, u, imat);
  if (nf) {
    rc = avn_fail(err, AVN_E_DEGENERATE, "covariates", NULL,
                  "numeric overflow at the initial values");
    goto cleanup;
  }
  r->loglik0 = loglik;
  memcpy(chl, imat, p * p * sizeof *chl);
  long bad = chol(p, chl, o.toler_chol);
  if (bad >= 0) {
    rc = avn_fail(err, AVN_E_DEGENERATE, names ? names[bad] : "covariate", NULL,
                  "the covariate is collinear with the covariates before it "
                  "(or has no information: no events at its other values)");
    goto cleanup;
  }
  double sc = r->score = chol_quad(p, chl, u, step);   /* step = I^-1 U */
  r->score_p = gsl_cdf_chisq_Q(sc, (double)p);
  r->robust_score = r->robust_score_p = NAN;
  if (cluster) {
    /* survival's rscore: U(0)' M0^-1 U(0), M0 the cross-product of the
    ** score residuals at beta = 0 summed per cluster */
    rc = cox_robust(&w, beta, NULL, cluster, nclusters, vs);
    if (rc) goto cleanup;
    if (chol(p, vs, o.toler_chol) < 0) {
      r->robust_score = chol_quad(p, vs, u, col);
      r->robust_score_p = gsl_cdf_chisq_Q(r->robust_score, (double)p);
    }
  }
  if (o.score_only) {
    r->n = n;
    r->nevent = nevent;
    r->p = p;
    r->df = (int)p;
    r->nclusters = cluster ? nclusters : 0;
    r->loglik = r->loglik0;
    r->lr = r->wald = r->lr_p = r->wald_p = r->robust_wald = r->robust_wald_p = NAN;
    r->concordance = NAN;
    *out = r;
    r = NULL;
    goto cleanup;
  }
  for (j = 0; j < p; j++) newbeta[j] = beta[j] + step[j];
  int halving = 0, iter, converged = 0;
  for (iter = 1; iter <= o.max_iter; iter++) {
    nf = cox_compute(&w, newbeta, &newlk, u, imat);
    if (!nf && fabs(1 - loglik / newlk) <= o.eps && !halving) {
      converged = 1;
      loglik = newlk;
      memcpy(beta, newbeta, p * sizeof *beta);
      break;
    }
    if (iter == o.max_iter) break;
    if (nf || newlk < loglik) {
      halving = 1;
      for (j = 0; j < p; j++) newbeta[j] = (newbeta[j] + beta[j]) / 2;
    } else {
      halving = 0;
      loglik = newlk;
      memcpy(chl, imat, p * p * sizeof *chl);
      bad = chol(p, chl, o.toler_chol);
      if (bad >= 0) {
        rc = avn_fail(err, AVN_E_DEGENERATE, names ? names[bad] : "covariate",
                      NULL, "the information matrix became singular at this "
                      "covariate during the fit");
        goto cleanup;
      }
      memcpy(step, u, p * sizeof *step);
      chol_solve(p, chl, step);
      for (j = 0; j < p; j++) {
        beta[j] = newbeta[j];
        newbeta[j] += step[j];
      }
    }
  }
  if (!converged) {
    /* as coxfit6: report the last accepted point */
    if (iter > o.max_iter) iter = o.max_iter;
    if (!nf && newlk >= loglik) {
      loglik = newlk;
      memcpy(beta, newbeta, p * sizeof *beta);
    } else {
      nf = cox_compute(&w, beta, &newlk, u, imat);
      loglik = newlk;
    }
  }
  if (nf) {
    rc = avn_fail(err, AVN_E_DEGENERATE, "covariates", NULL,
                  "numeric overflow: the fit ran to non-finite values");
    goto cleanup;
  }
  memcpy(chl, imat, p * p * sizeof *chl);
  bad = chol(p, chl, o.toler_chol);
  if (bad >= 0) {
    rc = avn_fail(err, AVN_E_DEGENERATE, names ? names[bad] : "covariate", NULL,
                  "the information matrix is singular at the estimate: the "
                  "coefficient may be infinite");
    goto cleanup;
  }
  chol_inverse(p, chl, vs, col);

  /* results in the original scale */
  r->n = n;
  r->nevent = nevent;
  r->p = p;
  r->df = (int)p;
  r->iterations = iter;
  r->converged = converged;
  r->loglik = loglik;
  r->beta = avn_calloc(p, sizeof *r->beta);
  r->se = avn_calloc(p, sizeof *r->se);
  r->var = avn_calloc(p * p, sizeof *r->var);
  r->z = avn_calloc(p, sizeof *r->z);
  r->p_value = avn_calloc(p, sizeof *r->p_value);
  r->hr = avn_calloc(p, sizeof *r->hr);
  r->hr_low = avn_calloc(p, sizeof *r->hr_low);
  r->hr_high = avn_calloc(p, sizeof *r->hr_high);
  if (!r->beta || !r->se || !r->var || !r->z || !r->p_value || !r->hr ||
      !r->hr_low || !r->hr_high) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  for (j = 0; j < p; j++) {
    r->beta[j] = beta[j] * scale[j];
    for (k = 0; k < p; k++) r->var[j * p + k] = vs[j * p + k] * scale[j] * scale[k];
    r->se[j] = sqrt(r->var[j * p + j]);
  }
  /* survival's infinite-coefficient check: |U V| > eps and > toler_inf |b| */
  for (j = 0; j < p; j++) {
    double s = 0;
    for (k = 0; k < p; k++) s += (u[k] / scale[k]) * r->var[k * p + j];
    s = fabs(s);
    if (s > o.eps && s > o.toler_inf * fabs(r->beta[j])) {
      rc = avn_fail(err, AVN_E_DEGENERATE, names ? names[j] : "covariate", NULL,
                    "the log-likelihood converged before this coefficient did: "
                    "it may be infinite (monotone likelihood, e.g. no events "
                    "in one level)");
      goto cleanup;
    }
  }
  /* Wald on the model variance: beta' I beta (scaled coordinates) */
  {
    double wd = 0;
    for (j = 0; j < p; j++)
      for (k = 0; k < p; k++) wd += beta[j] * imat[j * p + k] * beta[k];
    r->wald = wd;
  }
  r->lr = 2 * (r->loglik - r->loglik0);
  r->lr_p = gsl_cdf_chisq_Q(r->lr, (double)p);
  r->wald_p = gsl_cdf_chisq_Q(r->wald, (double)p);
  r->score_p = gsl_cdf_chisq_Q(r->score, (double)p);
  r->robust_wald = r->robust_wald_p = NAN;
  const double *use_se = r->se;
  if (cluster) {
    r->nclusters = nclusters;
    r->robust_se = avn_calloc(p, sizeof *r->robust_se);
    r->robust_var = avn_calloc(p * p, sizeof *r->robust_var);
    if (!r->robust_se || !r->robust_var) {
      rc = AVN_E_NOMEM;
      goto cleanup;
    }
    rc = cox_robust(&w, beta, vs, cluster, nclusters, r->robust_var);
    if (rc) goto cleanup;
    for (j = 0; j < p; j++)
      for (k = 0; k < p; k++) r->robust_var[j * p + k] *= scale[j] * scale[k];
    for (j = 0; j < p; j++) r->robust_se[j] = sqrt(r->robust_var[j * p + j]);
    /* robust Wald: b' Vr^-1 b */
    memcpy(chl, r->robust_var, p * p * sizeof *chl);
    if (chol(p, chl, 1e-12) < 0) {
      double wd = chol_quad(p, chl, r->beta, step);
      r->robust_wald = wd;
      r->robust_wald_p = gsl_cdf_chisq_Q(wd, (double)p);
    }
    use_se = r->robust_se;
  }
  double zq = gsl_cdf_ugaussian_Pinv(1 - (1 - o.conf_level) / 2);
  for (j = 0; j < p; j++) {
    r->z[j] = r->beta[j] / use_se[j];
    r->p_value[j] = 2 * gsl_cdf_ugaussian_Q(fabs(r->z[j]));
    r->hr[j] = exp(r->beta[j]);
    r->hr_low[j] = exp(r->beta[j] - zq * use_se[j]);
    r->hr_high[j] = exp(r->beta[j] + zq * use_se[j]);
  }
  /* concordance on the linear predictor (x - mean) beta: from the
  ** sorted, centred, scaled rows (beta is in their scale), put back in the
  ** input order; then the fit's work arrays go before the concordance's
  ** own are made */
  lp = avn_reallocarray(NULL, n, sizeof *lp);
  if (!lp) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  for (i = 0; i < n; i++) {
    double e = 0;
    for (j = 0; j < p; j++) e += w.x[i * p + j] * beta[j];
    lp[w.idx[i]] = e;
  }
  work_free(&w);   /* with the taken design */
  {
    cox_conc cc;
    rc = cox_concordance_se(n, time, event, lp, o.strata, cluster, nclusters, &cc);
    if (rc) goto cleanup;
    r->concordant = cc.concordant;
    r->discordant = cc.discordant;
    r->tied_x = cc.tied_x;
    r->tied_y = cc.tied_y;
    r->concordance = cc.c;
    r->concordance_se = cc.se;
  }
  *out = r;
  r = NULL;
cleanup:
  if (rc == AVN_E_NOMEM && err) avn_fail(err, rc, NULL, NULL, "out of memory");
  work_free(&w);
  avn_free(ord);
  avn_free(mean);
  avn_free(scale);
  avn_free(beta);
  avn_free(newbeta);
  avn_free(u);
  avn_free(imat);
  avn_free(chl);
  avn_free(step);
  avn_free(col);
  avn_free(vs);
  avn_free(lp);
  cox_free(r);
  return rc;
}
