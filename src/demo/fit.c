/*
** fit.c: exact-moment fitting (fit.h): values on a lattice whose sample
** mean and SD print as given targets.
**
** Method. Let m, s be the targets and F the free values (n_f of them) next
** to the fixed ones. The free values need mean
**   m_f = (n m - sum(fixed)) / n_f
** and, since (n - 1) s^2 = sum over all values of (x - m)^2,
**   SS_f = (n - 1) s^2 - sum_fixed (x - m)^2 - n_f (m_f - m)^2
** about their own mean, so s_f = sqrt(SS_f / (n_f - 1)). Standardised
** scores z give x = m_f + s_f z, each snapped to the nearest lattice value
** in [lo, hi]. Snapping moves the moments by up to half a step; the repair
** (fit.h) then walks single values, or pairs in opposite directions, one
** lattice step at a time, taking the move that lowers F most. Every
** candidate is scored in O(1) from A = sum(x - m) and Q = sum(x - m)^2:
**   mean = m + A/n,  sd^2 = (Q - A^2/n) / (n - 1)
** (deviations from the target keep the sums small, so the shortcut loses
** nothing that matters at the lattice's resolution); the acceptance test
** is always the plain two-pass formula on the values themselves.
**
** Invariants: every free value is lattice[k] for some k in [k0, k1] (the
** lattice's values inside [lo, hi]); fixed values are never changed; the
** RNG is used only to draw z (when not given) and for the rare random
** nudge, so the result is a function of the spec and the RNG state.
*/
#include <math.h>
#include <stdint.h>
#include <gsl/gsl_randist.h>

#include "core/mem.h"
#include "demo/fit.h"

void fit_mean_sd(const double *x, size_t n, double *mean, double *sd) {
  double s = 0;
  for (size_t i = 0; i < n; i++) s += x[i];
  double m = s / (double)n, q = 0;
  for (size_t i = 0; i < n; i++) q += (x[i] - m) * (x[i] - m);
  *mean = m;
  *sd = n > 1 ? sqrt(q / (double)(n - 1)) : 0;
}

int fit_rounds_to(double x, double target, int decimals) {
  double unit = pow(10.0, -decimals);
  return fabs(x - target) < 0.5 * unit - 1e-6 * unit;
}

size_t fit_lattice_uniform(double lo, double hi, double step, double *out, size_t cap) {
  size_t n = 0;
  if (!(step > 0) || hi < lo) return 0;
  for (size_t k = 0; n < cap; k++) {
    double v = lo + (double)k * step;
    if (v > hi + step / 1000) break;
    out[n++] = round(v * 1e9) / 1e9;
  }
  return n;
}

/* Nearest lattice index in [k0, k1] to x. */
static size_t snap(const double *lat, size_t k0, size_t k1, double x) {
  if (x <= lat[k0]) return k0;
  if (x >= lat[k1]) return k1;
  size_t a = k0, b = k1; /* lat[a] <= x < lat[b] */
  while (b - a > 1) {
    size_t mid = a + (b - a) / 2;
    if (lat[mid] <= x) a = mid;
    else b = mid;
  }
  return (x - lat[a] <= lat[b] - x) ? a : b;
}

typedef struct fit_state {
  const fit_spec *sp;
  const double *lat;
  size_t k0, k1, nf;
  size_t *idx;               /* free values' lattice indexes */
  double A, Q;               /* sums of (x - m) and (x - m)^2 over all values */
  double h;                  /* half a unit of the last decimal */
} fit_state;

static double objective(const fit_state *st, double A, double Q) {
  double n = (double)st->sp->n;
  double mean = st->sp->mean + A / n;
  double var = (Q - A * A / n) / (n - 1);
  double sd = sqrt(var > 0 ? var : 0);
  double dm = (mean - st->sp->mean) / st->h, ds = (sd - st->sp->sd) / st->h;
  return dm * dm + ds * ds;
}

static void sums(fit_state *st) {
  const fit_spec *sp = st->sp;
  double A = 0, Q = 0;
  for (size_t i = 0; i < sp->n_fixed; i++) {
    double d = sp->fixed[i] - sp->mean;
    A += d;
    Q += d * d;
  }
  for (size_t i = 0; i < st->nf; i++) {
    double d = st->lat[st->idx[i]] - sp->mean;
    A += d;
    Q += d * d;
  }
  st->A = A;
  st->Q = Q;
}

/* Change of A and Q when free value i moves by dir steps. */
static void delta(const fit_state *st, size_t i, int dir, double *dA, double *dQ) {
  double u = st->lat[st->idx[i]] - st->sp->mean;
  double v = st->lat[st->idx[i] + (dir > 0 ? 1 : -1) * 1] - st->sp->mean;
  *dA = v - u;
  *dQ = v * v - u * u;
}

static int can_move(const fit_state *st, size_t i, int dir) {
  return dir > 0 ? st->idx[i] < st->k1 : st->idx[i] > st->k0;
}

/* One improving move (single first, then pairs); 0 when none improves. */
static int improve(fit_state *st) {
  double f0 = objective(st, st->A, st->Q), best = f0 * (1 - 1e-12);
  size_t bi = SIZE_MAX, bj = SIZE_MAX;
  int bdir = 0;
  for (size_t i = 0; i < st->nf; i++) {
    for (int dir = -1; dir <= 1; dir += 2) {
      if (!can_move(st, i, dir)) continue;
      double dA, dQ;
      delta(st, i, dir, &dA, &dQ);
      double f = objective(st, st->A + dA, st->Q + dQ);
      if (f < best) {
        best = f;
        bi = i;
        bdir = dir;
      }
    }
  }
  if (bi != SIZE_MAX) {
    st->idx[bi] += bdir > 0 ? 1 : (size_t)-1;
    return 1;
  }
  for (size_t i = 0; i < st->nf; i++) {
    if (!can_move(st, i, 1)) continue;
    double dAi, dQi;
    delta(st, i, 1, &dAi, &dQi);
    for (size_t j = 0; j < st->nf; j++) {
      if (j == i || !can_move(st, j, -1)) continue;
      double dAj, dQj;
      delta(st, j, -1, &dAj, &dQj);
      double f = objective(st, st->A + dAi + dAj, st->Q + dQi + dQj);
      if (f < best) {
        best = f;
        bi = i;
        bj = j;
      }
    }
  }
  if (bi == SIZE_MAX) return 0;
  st->idx[bi]++;
  st->idx[bj]--;
  return 1;
}

static int accepted(const fit_state *st, double *vals) {
  const fit_spec *sp = st->sp;
  for (size_t i = 0; i < sp->n_fixed; i++) vals[i] = sp->fixed[i];
  for (size_t i = 0; i < st->nf; i++) vals[sp->n_fixed + i] = st->lat[st->idx[i]];
  double m, s;
  fit_mean_sd(vals, sp->n, &m, &s);
  return fit_rounds_to(m, sp->mean, sp->decimals) && fit_rounds_to(s, sp->sd, sp->decimals);
}

avn_rc fit_moments(const fit_spec *sp, gsl_rng *rng, double *out, avn_err *e) {
  fit_state st = {0};
  double *z = NULL;
  avn_rc rc = AVN_OK;
  if (sp->n < 2) return avn_fail(e, AVN_E_RANGE, "n", NULL, "at least 2 values are needed for an SD");
  if (sp->n_fixed >= sp->n) return avn_fail(e, AVN_E_RANGE, "fixed", NULL, "at least one value must be free");
  if (sp->n_fixed && !sp->fixed) return avn_fail(e, AVN_E_RANGE, "fixed", NULL, "fixed values missing");
  if (sp->decimals < 0 || sp->decimals > 6)
    return avn_fail(e, AVN_E_RANGE, "decimals", NULL, "must be between 0 and 6");
  if (!isfinite(sp->mean) || !isfinite(sp->sd) || sp->sd < 0)
    return avn_fail(e, AVN_E_RANGE, "sd", NULL, "mean and SD must be finite, SD >= 0");
  if (!sp->lattice || sp->n_lattice == 0)
    return avn_fail(e, AVN_E_RANGE, "lattice", NULL, "the lattice is empty");
  for (size_t k = 1; k < sp->n_lattice; k++)
    if (!(sp->lattice[k] > sp->lattice[k - 1]))
      return avn_fail(e, AVN_E_RANGE, "lattice", NULL, "values must be strictly ascending");
  st.sp = sp;
  st.lat = sp->lattice;
  st.nf = sp->n - sp->n_fixed;
  st.h = 0.5 * pow(10.0, -sp->decimals);
  st.k0 = SIZE_MAX;
  for (size_t k = 0; k < sp->n_lattice; k++) {
    if (sp->lattice[k] < sp->lo || sp->lattice[k] > sp->hi) continue;
    if (st.k0 == SIZE_MAX) st.k0 = k;
    st.k1 = k;
  }
  if (st.k0 == SIZE_MAX) return avn_fail(e, AVN_E_RANGE, "lattice", NULL, "no lattice value lies in [lo, hi]");

  st.idx = avn_calloc(st.nf, sizeof *st.idx);
  z = avn_calloc(st.nf, sizeof *z);
  if (!st.idx || !z) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  /* 1. Scores, standardised. */
  double zm = 0, zs = 0;
  for (size_t i = 0; i < st.nf; i++) {
    z[i] = sp->z ? sp->z[i] : gsl_ran_gaussian(rng, 1.0);
    zm += z[i];
  }
  zm /= (double)st.nf;
  for (size_t i = 0; i < st.nf; i++) zs += (z[i] - zm) * (z[i] - zm);
  zs = st.nf > 1 ? sqrt(zs / (double)(st.nf - 1)) : 0;
  /* 2. The free values' own mean and SD, then snap. */
  double n = (double)sp->n, nf = (double)st.nf, sf = 0, qf = 0;
  for (size_t i = 0; i < sp->n_fixed; i++) {
    sf += sp->fixed[i];
    qf += (sp->fixed[i] - sp->mean) * (sp->fixed[i] - sp->mean);
  }
  double mf = (n * sp->mean - sf) / nf;
  double ssf = (n - 1) * sp->sd * sp->sd - qf - nf * (mf - sp->mean) * (mf - sp->mean);
  double sdf = st.nf > 1 && ssf > 0 ? sqrt(ssf / (nf - 1)) : 0;
  for (size_t i = 0; i < st.nf; i++) {
    double zi = zs > 0 ? (z[i] - zm) / zs : 0;
    st.idx[i] = snap(st.lat, st.k0, st.k1, mf + sdf * zi);
  }
  /* 3. Repair. */
  size_t max_iter = sp->max_iter ? sp->max_iter : 200000;
  for (size_t it = 0;; it++) {
    if (accepted(&st, out)) goto cleanup;
    if (it >= max_iter) {
      rc = avn_fail(e, AVN_E_NOCONV, "fit", NULL,
                    "could not reach mean %.*f and SD %.*f with %zu values on this lattice",
                    sp->decimals, sp->mean, sp->decimals, sp->sd, sp->n);
      goto cleanup;
    }
    sums(&st);
    if (improve(&st)) continue;
    /* Stuck in a local minimum: one random step of one value. */
    size_t i = (size_t)gsl_rng_uniform_int(rng, (unsigned long)st.nf);
    int dir = gsl_rng_uniform(rng) < 0.5 ? -1 : 1;
    if (!can_move(&st, i, dir)) dir = -dir;
    if (can_move(&st, i, dir)) st.idx[i] += dir > 0 ? 1 : (size_t)-1;
  }
cleanup:
  avn_free(st.idx);
  avn_free(z);
  return rc;
}
