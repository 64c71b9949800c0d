/*
** stats_design.c: model frame and design matrix for lmm / gee; see
** stats_design.h. O(n p) time and memory.
*/
#include "cli/stats_design.h"

#include <string.h>
#include "core/mem.h"

void stats_design_free(stats_design *d) {
  size_t j;
  if (!d) return;
  frame_sel_free(&d->f);
  avn_free(d->X);
  if (d->names)
    for (j = 0; j < d->p; j++) avn_free(d->names[j]);
  avn_free(d->names);
  avn_free(d->subject);
  avn_free(d->unit);
  avn_free(d->pred);
  avn_free(d->fac);
  memset(d, 0, sizeof *d);
}

avn_rc stats_design_build(stats_ctx *c, const char *outcome, const char *subject,
                          const char *nested, stats_design *d) {
  avn_rc rc = AVN_OK;
  char **pred = NULL, **fac = NULL;
  size_t npred = 0, nfac = 0, nterm, nspec, i, j, k, col;
  stats_colspec *spec = NULL;
  const char *ps = stats_opt(&c->opts, "predictors"), *fs = stats_opt(&c->opts, "factors");

  memset(d, 0, sizeof *d);
  if (ps) {
    rc = stats_split_list(ps, &pred, &npred);
    if (rc) goto cleanup;
  }
  if (fs) {
    rc = stats_split_list(fs, &fac, &nfac);
    if (rc) goto cleanup;
  }
  nterm = npred + nfac;
  nspec = 2 + (nested ? 1 : 0) + nterm;
  spec = avn_calloc(nspec, sizeof *spec);
  if (!spec) {
    rc = avn_fail(c->err, AVN_E_NOMEM, NULL, NULL, "design");
    goto cleanup;
  }
  k = 0;
  spec[k++] = (stats_colspec){outcome, FRAME_SEL_NUMERIC};
  spec[k++] = (stats_colspec){subject, FRAME_SEL_FACTOR};
  if (nested) spec[k++] = (stats_colspec){nested, FRAME_SEL_FACTOR};
  for (i = 0; i < npred; i++) {
    int dup = 0;
    for (j = 0; j < nfac; j++) dup |= strcmp(pred[i], fac[j]) == 0;
    if (dup) { /* listed in both: a factor, once */
      spec[k++] = (stats_colspec){pred[i], FRAME_SEL_FACTOR};
      continue;
    }
    spec[k++] = (stats_colspec){pred[i], FRAME_SEL_AUTO};
  }
  for (j = 0; j < nfac; j++) {
    int dup = 0;
    for (i = 0; i < npred; i++) dup |= strcmp(pred[i], fac[j]) == 0;
    if (!dup) spec[k++] = (stats_colspec){fac[j], FRAME_SEL_FACTOR};
  }
  nspec = k;
  rc = stats_cli_frame(c, spec, nspec, &d->f);
  if (rc) goto cleanup;
  d->n = d->f.n;
  d->n_missing = d->f.n_missing;
  d->p = 1;
  for (k = 2 + (nested ? 1 : 0); k < nspec; k++)
    d->p += d->f.v[k].kind == FRAME_SEL_FACTOR ? (d->f.v[k].nlev ? d->f.v[k].nlev - 1 : 0) : 1;
  if (d->n == 0) {
    rc = avn_fail(c->err, AVN_E_DEGENERATE, outcome, NULL,
                  "no complete rows (%zu dropped for missing cells)", d->n_missing);
    goto cleanup;
  }
  d->X = avn_calloc(d->n * d->p, sizeof *d->X);
  d->names = avn_calloc(d->p, sizeof *d->names);
  d->subject = avn_calloc(d->n, sizeof *d->subject);
  if (nested) d->unit = avn_calloc(d->n, sizeof *d->unit);
  if (!d->X || !d->names || !d->subject || (nested && !d->unit)) {
    rc = avn_fail(c->err, AVN_E_NOMEM, NULL, NULL, "design");
    goto cleanup;
  }
  d->y = d->f.v[0].x;
  for (i = 0; i < d->n; i++) {
    d->X[i * d->p] = 1.;
    d->subject[i] = (size_t)d->f.v[1].code[i];
    if (nested) d->unit[i] = (size_t)d->f.v[2].code[i];
  }
  d->n_subjects = d->f.v[1].nlev;
  d->n_units = nested ? d->f.v[2].nlev : 0;
  d->names[0] = avn_strdup("(Intercept)");
  if (!d->names[0]) {
    rc = avn_fail(c->err, AVN_E_NOMEM, NULL, NULL, "design");
    goto cleanup;
  }
  col = 1;
  for (k = 2 + (nested ? 1 : 0); k < nspec; k++) {
    frame_svar *v = &d->f.v[k];
    if (v->kind == FRAME_SEL_FACTOR) {
      if (v->nlev < 2) {
        rc = avn_fail(c->err, AVN_E_DEGENERATE, v->name, NULL,
                      "a factor needs at least 2 levels among complete rows, found %zu",
                      v->nlev);
        goto cleanup;
      }
      rc = frame_dummy_code(v, d->n, d->X, d->p, col, d->names + col);
      if (rc) {
        avn_fail(c->err, rc, v->name, NULL, "dummy coding failed");
        goto cleanup;
      }
      col += v->nlev - 1;
    } else {
      for (i = 0; i < d->n; i++) d->X[i * d->p + col] = v->x[i];
      d->names[col] = avn_strdup(v->name);
      if (!d->names[col]) {
        rc = avn_fail(c->err, AVN_E_NOMEM, NULL, NULL, "design");
        goto cleanup;
      }
      col++;
    }
  }
cleanup:
  d->pred = pred;
  d->fac = fac;
  avn_free(spec);
  if (rc) stats_design_free(d);
  return rc;
}
