/*
** fit.h: exact-moment fitting: n values on a lattice of achievable values
** whose sample mean and standard deviation round to printed targets.
**
** A paper prints "54.6 ± 6.8" for 58 hips. To build synthetic hips whose
** computed summary prints the same, fit_moments draws n scores (or takes
** the caller's, to carry correlation with other variables), standardises
** them to the target mean and SD, snaps each to the nearest value the
** instrument can produce (VAS in 0.1 cm steps, HHS totals reachable from
** item answers, WOMAC raw totals / 96 x 100, whole years of age), then
** repairs: it moves single values by one lattice step, or a pair in
** opposite directions, always taking the move that most reduces
**   F = ((mean - target mean) / h)^2 + ((sd - target sd) / h)^2,
** h = half a unit of the last printed decimal, until both the mean and
** the SD lie strictly inside their rounding intervals (with a margin of
** 1e-6 units of the last decimal, so a report that sums in another order
** still prints the same digits). When no move improves F it nudges one
** value at random (from the caller's RNG) and goes on.
**
** Deterministic: the same spec, the same RNG state give the same values.
** The SD is the sample SD (n - 1), as every report prints it.
**
** Costs: O(n) per single-move scan, O(n^2) per pair scan (pairs are tried
** only when no single move helps); the demo's n is at most a few hundred.
** Memory: O(n) scratch, freed before return.
*/
#ifndef AVN_DEMO_FIT_H
#define AVN_DEMO_FIT_H

#include <stddef.h>
#include <gsl/gsl_rng.h>
#include "core/rc.h"

typedef struct fit_spec {
  size_t n;                  /* how many values, fixed ones included (>= 2) */
  double mean, sd;           /* the printed targets */
  int decimals;              /* both printed with this many decimals (0-6) */
  const double *lattice;     /* achievable values, strictly ascending */
  size_t n_lattice;
  double lo, hi;             /* only lattice values in [lo, hi] are used */
  const double *fixed;       /* values that must appear as given (e.g. the */
  size_t n_fixed;            /*   printed range's ends); may be NULL / 0 */
  const double *z;           /* n - n_fixed starting scores, or NULL: drawn */
  size_t max_iter;           /* 0: 200000 */
} fit_spec;

/* Fits; out[0 .. n_fixed-1] are the fixed values, out[n_fixed ..] the
** fitted ones in the order of z (rank order is kept except for the repair's
** one-step moves). AVN_E_RANGE for a malformed spec (field names the
** parameter), AVN_E_NOCONV when the lattice cannot reach the targets. */
avn_rc fit_moments(const fit_spec *sp, gsl_rng *rng, double *out /* OUT: sp->n values */,
                   avn_err *e);

/* Mean and sample SD by the plain two-pass formula (the check the repair
** ends with). n >= 2. */
void fit_mean_sd(const double *x, size_t n, double *mean /* OUT */, double *sd /* OUT */);

/* Whether x prints as target with `decimals` decimals, with the margin above. */
int fit_rounds_to(double x, double target, int decimals);

/* A uniform lattice lo, lo + step, ..., <= hi (+ step/1000): values are
** computed as lo + k * step, rounded to 1e-9. Returns the count written
** (at most cap). */
size_t fit_lattice_uniform(double lo, double hi, double step, double *out /* OUT */, size_t cap);

#endif
