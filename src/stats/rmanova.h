/*
** rmanova.h: one-way repeated-measures ANOVA (one within-subject factor,
** complete cases) with sphericity diagnostics and pairwise paired t tests.
**
** Input is the n x k wide matrix of complete subjects (row-major, y[i*k+j]
** = subject i at level j); the CLI adapter builds it from long data and
** drops (and counts) subjects missing a level.
**
** Univariate test: SS_within = n sum_j (m_j - m)^2 on k-1 df, error
** SS = SS_total - SS_within - SS_subjects on (n-1)(k-1) df; F, p, partial
** eta^2 = SS_within / (SS_within + SS_error).
**
** Sphericity: with C a k x (k-1) orthonormal contrast matrix (normalised
** Helmert) and S = C' Cov(Y) C (p = k - 1):
**  - Mauchly (1940): W = det(S) / (tr(S)/p)^p; the chi-square statistic and
**    p-value with the second-order term exactly as R's mauchly.test:
**    r = n-1, rho = 1 - (2p^2+p+2)/(6pr), z = -r rho log W, f = p(p+1)/2 - 1,
**    w2 = (p+2)(p-1)(p-2)(2p^3+6p^2+3p+2) / (288 (r p rho)^2),
**    P = Q(z; f) + w2 (Q(z; f+4) - Q(z; f)). Needs n - 1 >= p (else
**    mauchly_ok = 0: S is singular and W is not reported).
**  - Greenhouse & Geisser (1959): eps = tr(S)^2 / (p tr(S^2)).
**  - Huynh & Feldt (1976) with Lecoutre's (1991) correction, as car and R's
**    anova.mlm report it (one group): eps_HF = (n p eps_GG - 2) /
**    (p (n - 1 - p eps_GG)); reported as computed (it may exceed 1), the
**    corrected p uses min(1, eps_HF) as car does.
** Corrected p: F on (eps (k-1), eps (n-1)(k-1)) df.
**
** Pairs: for each pair of levels a < b (column order), the paired t test of
** y_b - y_a (estimate = mean difference), with Bonferroni and Holm (1979)
** adjusted p over the k(k-1)/2 tests.
**
** Cost O(n k^2 + k^3). The result owns its pair arrays: free with
** rmanova_result_free.
*/
#ifndef AVN_STATS_RMANOVA_H
#define AVN_STATS_RMANOVA_H

#include <stddef.h>
#include "core/rc.h"

typedef struct rmanova_pair {
  size_t a, b;            /* level indices, a < b */
  double estimate;        /* mean of y_b - y_a */
  double t, df;
  double p, p_bonferroni, p_holm;
  int ok;                 /* 0: constant difference, t undefined (p = NaN) */
} rmanova_pair;

typedef struct rmanova_result {
  size_t n, k;
  double ss_effect, ss_error, ss_subject;
  double f, df1, df2, p, partial_eta_sq;
  int mauchly_ok;
  double mauchly_w, mauchly_chisq, mauchly_df, mauchly_p;
  double gg_epsilon, hf_epsilon, p_gg, p_hf;
  size_t n_pairs;
  rmanova_pair *pairs;    /* owned */
} rmanova_result;

/* y: n x k, all finite. n >= 2, k >= 2. Refuses a zero error sum of
** squares (constant outcome, or the factor explains everything) with
** AVN_E_DEGENERATE naming `value_name`. */
avn_rc rmanova_fit(const double *y, size_t n, size_t k, const char *value_name,
                   avn_err *err, rmanova_result *out /* OUT */);

void rmanova_result_free(rmanova_result *r);

/* Holm (1979) step-down adjustment of m p-values (NaN entries are skipped
** and stay NaN). adj may alias p. */
avn_rc rmanova_holm(const double *p, size_t m, double *adj /* OUT */);

#endif
