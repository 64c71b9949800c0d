/*
** ctable.h: tests on an r x c contingency table of counts.
**
** chisq: Pearson's X^2 = sum (|O - E| - Y)^2 / E with E = row x col / N,
**   df = (r-1)(c-1), p from GSL's chi-square upper tail; for a 2x2 table
**   with yates = true, Y = min(0.5, min |O - E|) as R's chisq.test (Yates
**   1934), else Y = 0. min_expected lets the caller warn when < 5.
** fisher: the exact conditional test. p-value = sum of the probabilities of
**   all tables with the observed margins whose probability is <= that of
**   the observed table x (1 + 1e-7), as R's fisher.test.
**   2x2: from the hypergeometric support, as R, plus the conditional maximum
**   likelihood odds ratio and its exact CI (roots of the noncentral
**   hypergeometric mean / tail equations, found by bisection on log(ncp) to
**   full double precision; R uses uniroot's default tolerance ~1.2e-4, so R's
**   printed estimate and CI differ from the exact roots in the 4th-5th digit).
**   r x c: the network algorithm of Mehta, C. R. & Patel, N. R. (1983) A
**   network algorithm for performing Fisher's exact test in r x c
**   contingency tables. JASA 78, 427-434 (what R's FEXACT implements):
**   columns are filled stage by stage, nodes are the sorted remaining row
**   totals (over the shorter margin), each with its distinct past path
**   lengths; a past whose every completion is at most (or above) the
**   observed probability is settled in closed form (or dropped), with the
**   exact longest and shortest remaining paths of each node found first by
**   a memoized pass over the network (as FEXACT). The same p-value as
**   complete enumeration. Refused with AVN_E_RANGE (the caller suggests
**   chisq): more than 2000 levels on the longer side (at once), 1e6 nodes
**   or 2e6 past values in a stage, or more than a few seconds of steps.
**   Tables with a tiny p (most tables more probable than the observed one)
**   and large n with many columns can be refused where R still answers.
**
** Arguments: counts[r*c] row-major (borrowed), r, c >= 2. Refused with
** AVN_E_DEGENERATE: a row or column with zero total (E = 0).
*/
#ifndef AVN_CTABLE_H
#define AVN_CTABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/rc.h"

typedef struct ctable_chisq {
  double statistic, df, p;
  double *expected;     /* r*c expected counts, row-major; caller frees (avn_free) */
  double min_expected;
  bool yates;           /* correction applied */
  size_t n;
} ctable_chisq;

typedef struct ctable_fisher {
  double p;
  /* 2x2 only (NaN otherwise): conditional MLE odds ratio and CI */
  double estimate, ci_low, ci_high, conf_level;
  size_t n;
  double nodes;         /* r x c: network expansion steps taken */
} ctable_fisher;

avn_rc ctable_chisq_test(const double *counts, size_t r, size_t c, bool yates,
                         ctable_chisq *out /* OUT */);
/* alternative (2x2 only; r x c is always two-sided): 0 two-sided, 1 less,
** 2 greater. */
avn_rc ctable_fisher_test(const double *counts, size_t r, size_t c, int alternative,
                          double conf_level, ctable_fisher *out /* OUT */);

#endif
