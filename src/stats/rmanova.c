/*
** rmanova.c: one-way repeated-measures ANOVA; see rmanova.h for formulas
** (Greenhouse & Geisser 1959; Huynh & Feldt 1976; Lecoutre 1991;
** Mauchly 1940; Holm 1979). Scratch: k x k covariance and p x p contrast
** matrices, freed before return.
*/
#include "stats/rmanova.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>
#include "core/mem.h"

void rmanova_result_free(rmanova_result *r) {
  if (!r) return;
  avn_free(r->pairs);
  r->pairs = NULL;
  r->n_pairs = 0;
}

typedef struct { double p; size_t i; } holm_item;

static int cmp_holm(const void *a, const void *b) {
  const holm_item *x = a, *y = b;
  if (x->p < y->p) return -1;
  if (x->p > y->p) return 1;
  return x->i < y->i ? -1 : (x->i > y->i);
}

avn_rc rmanova_holm(const double *p, size_t m, double *adj) {
  holm_item *it = NULL;
  size_t i, mm = 0;
  double run = 0.;
  if (m == 0) return AVN_OK;
  it = avn_malloc(m * sizeof *it);
  if (!it) return AVN_E_NOMEM;
  for (i = 0; i < m; i++)
    if (!isnan(p[i])) {
      it[mm].p = p[i];
      it[mm].i = i;
      mm++;
    }
  qsort(it, mm, sizeof *it, cmp_holm);
  for (i = 0; i < mm; i++) {
    double v = (double)(mm - i) * it[i].p;
    if (v > 1.) v = 1.;
    if (v > run) run = v;
    adj[it[i].i] = run;
  }
  avn_free(it);
  return AVN_OK;
}

avn_rc rmanova_fit(const double *y, size_t n, size_t k, const char *value_name,
                   avn_err *err, rmanova_result *out) {
  avn_rc rc = AVN_OK;
  double *mean = NULL, *cov = NULL, *C = NULL, *S = NULL, *tmp = NULL, *praw = NULL;
  double gm = 0., sst = 0., ssw = 0., sss = 0., sse, dn = (double)n;
  size_t i, j, l, q, p = k - 1, np;
  char v[64];

  assert(y && out);
  memset(out, 0, sizeof *out);
  if (k < 2) {
    snprintf(v, sizeof v, "%zu", k);
    rc = avn_fail(err, AVN_E_DEGENERATE, "within", v,
                  "the within factor needs at least 2 levels");
    goto cleanup;
  }
  if (n < 2) {
    snprintf(v, sizeof v, "%zu", n);
    rc = avn_fail(err, AVN_E_DEGENERATE, "subject", v,
                  "at least 2 subjects with every level are needed");
    goto cleanup;
  }
  mean = avn_calloc(k, sizeof *mean);
  cov = avn_calloc(k * k, sizeof *cov);
  C = avn_calloc(k * p, sizeof *C);
  S = avn_calloc(p * p, sizeof *S);
  tmp = avn_calloc(k * p, sizeof *tmp);
  np = k * (k - 1) / 2;
  praw = avn_calloc(np, sizeof *praw);
  out->pairs = avn_calloc(np, sizeof *out->pairs);
  if (!mean || !cov || !C || !S || !tmp || !praw || !out->pairs) {
    rc = avn_fail(err, AVN_E_NOMEM, NULL, NULL, "rm-anova scratch");
    goto cleanup;
  }
  out->n_pairs = np;
  out->n = n;
  out->k = k;

  for (i = 0; i < n; i++)
    for (j = 0; j < k; j++) mean[j] += y[i * k + j];
  for (j = 0; j < k; j++) {
    mean[j] /= dn;
    gm += mean[j];
  }
  gm /= (double)k;
  for (i = 0; i < n; i++) {
    double rm = 0.;
    for (j = 0; j < k; j++) {
      double d = y[i * k + j] - gm;
      sst += d * d;
      rm += y[i * k + j];
    }
    rm = rm / (double)k - gm;
    sss += rm * rm;
  }
  sss *= (double)k;
  for (j = 0; j < k; j++) ssw += (mean[j] - gm) * (mean[j] - gm);
  ssw *= dn;
  sse = sst - ssw - sss;
  if (!(sse > 1e-13 * sst) || !(sst > 0.)) {
    rc = avn_fail(err, AVN_E_DEGENERATE, value_name, "",
                  "zero residual variance within subjects (constant outcome or "
                  "identical profiles): F undefined");
    goto cleanup;
  }
  out->ss_effect = ssw;
  out->ss_error = sse;
  out->ss_subject = sss;
  out->df1 = (double)(k - 1);
  out->df2 = (dn - 1.) * (double)(k - 1);
  out->f = (ssw / out->df1) / (sse / out->df2);
  out->p = gsl_cdf_fdist_Q(out->f, out->df1, out->df2);
  out->partial_eta_sq = ssw / (ssw + sse);

  /* Sample covariance (divisor n - 1). */
  for (i = 0; i < n; i++)
    for (j = 0; j < k; j++)
      for (l = j; l < k; l++)
        cov[j * k + l] += (y[i * k + j] - mean[j]) * (y[i * k + l] - mean[l]);
  for (j = 0; j < k; j++)
    for (l = j; l < k; l++) {
      cov[j * k + l] /= dn - 1.;
      cov[l * k + j] = cov[j * k + l];
    }
  /* Normalised Helmert contrasts: column q compares level q+1 with 0..q. */
  for (q = 0; q < p; q++) {
    double nrm = sqrt((double)(q + 1) * (double)(q + 2));
    for (j = 0; j <= q; j++) C[j * p + q] = -1. / nrm;
    C[(q + 1) * p + q] = (double)(q + 1) / nrm;
  }
  for (j = 0; j < k; j++) /* tmp = cov C  (k x p) */
    for (q = 0; q < p; q++) {
      double s = 0.;
      for (l = 0; l < k; l++) s += cov[j * k + l] * C[l * p + q];
      tmp[j * p + q] = s;
    }
  for (i = 0; i < p; i++) /* S = C' tmp */
    for (q = 0; q < p; q++) {
      double s = 0.;
      for (l = 0; l < k; l++) s += C[l * p + i] * tmp[l * p + q];
      S[i * p + q] = s;
    }
  {
    double tr = 0., tr2 = 0., dp = (double)p;
    for (i = 0; i < p; i++) tr += S[i * p + i];
    for (i = 0; i < p * p; i++) tr2 += S[i] * S[i];
    out->gg_epsilon = tr * tr / (dp * tr2);
    out->hf_epsilon = (dn * dp * out->gg_epsilon - 2.) /
                      (dp * (dn - 1. - dp * out->gg_epsilon));
    out->p_gg = gsl_cdf_fdist_Q(out->f, out->df1 * out->gg_epsilon,
                                out->df2 * out->gg_epsilon);
    {
      double e = out->hf_epsilon;
      if (e > 1. || e <= 0.) e = e > 1. ? 1. : out->gg_epsilon;
      out->p_hf = gsl_cdf_fdist_Q(out->f, out->df1 * e, out->df2 * e);
    }
    if (n - 1 >= p) {
      /* log det S by Cholesky (S is positive semi-definite). */
      gsl_matrix_view Sv = gsl_matrix_view_array(S, p, p);
      int st;
      gsl_error_handler_t *old = gsl_set_error_handler_off();
      st = gsl_linalg_cholesky_decomp1(&Sv.matrix);
      gsl_set_error_handler(old);
      if (st == 0) {
        double logdet = 0., r = dn - 1., rho, z, f, w2, p1, p2;
        for (i = 0; i < p; i++) logdet += 2. * log(S[i * p + i]);
        out->mauchly_w = exp(logdet - dp * log(tr / dp));
        rho = 1. - (2. * dp * dp + dp + 2.) / (6. * dp * r);
        z = -r * rho * (logdet - dp * log(tr / dp));
        f = dp * (dp + 1.) / 2. - 1.;
        w2 = (dp + 2.) * (dp - 1.) * (dp - 2.) *
             (2. * dp * dp * dp + 6. * dp * dp + 3. * dp + 2.) /
             (288. * (r * dp * rho) * (r * dp * rho));
        p1 = gsl_cdf_chisq_Q(z, f);
        p2 = gsl_cdf_chisq_Q(z, f + 4.);
        out->mauchly_chisq = z;
        out->mauchly_df = f;
        out->mauchly_p = p1 + w2 * (p2 - p1);
        out->mauchly_ok = 1; /* k = 2: W = 1 and p = 1 (0 df), as R */
        if (p == 1) {
          out->mauchly_w = 1.;
          out->mauchly_chisq = 0.;
          out->mauchly_p = 1.;
        }
      }
    }
  }

  /* Pairwise paired t tests. */
  q = 0;
  for (j = 0; j < k; j++)
    for (l = j + 1; l < k; l++, q++) {
      rmanova_pair *pr = &out->pairs[q];
      double md = 0., ss = 0., sd;
      for (i = 0; i < n; i++) md += y[i * k + l] - y[i * k + j];
      md /= dn;
      for (i = 0; i < n; i++) {
        double d = y[i * k + l] - y[i * k + j] - md;
        ss += d * d;
      }
      sd = sqrt(ss / (dn - 1.));
      pr->a = j;
      pr->b = l;
      pr->estimate = md;
      pr->df = dn - 1.;
      if (sd > 1e-14 * (fabs(md) + 1e-300) && sd > 0.) {
        pr->ok = 1;
        pr->t = md / (sd / sqrt(dn));
        pr->p = 2. * gsl_cdf_tdist_Q(fabs(pr->t), pr->df);
        pr->p_bonferroni = fmin(1., pr->p * (double)np);
      } else {
        pr->ok = 0;
        pr->t = pr->p = pr->p_bonferroni = pr->p_holm = NAN;
      }
      praw[q] = pr->p;
    }
  rc = rmanova_holm(praw, np, praw);
  if (rc) {
    avn_fail(err, rc, NULL, NULL, "holm");
    goto cleanup;
  }
  for (q = 0; q < np; q++)
    if (out->pairs[q].ok) out->pairs[q].p_holm = praw[q];

cleanup:
  avn_free(mean);
  avn_free(cov);
  avn_free(C);
  avn_free(S);
  avn_free(tmp);
  avn_free(praw);
  if (rc) rmanova_result_free(out);
  return rc;
}
