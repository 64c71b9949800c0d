/*
** stats_covars.c: role columns + dummy-coded covariates (see stats_covars.h).
** O(rows x columns).
*/
#include "cli/stats_covars.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>


#include "core/mem.h"
#include "interop/csv_table.h"

void stats_covars_free(stats_covars *m) {
  if (!m) return;
  for (size_t j = 0; j < m->k && m->names; j++) avn_free(m->names[j]);
  avn_free(m->names);
  avn_free(m->X);
  avn_free(m->cov);
  frame_sel_free(&m->f);
  memset(m, 0, sizeof *m);
}

avn_rc stats_covars_build(stats_ctx *c, const stats_colspec *roles, size_t nroles,
                          const char *list_opt, bool need_covs, stats_covars *m) {
  avn_rc rc = AVN_OK;
  stats_colspec *spec = NULL;
  memset(m, 0, sizeof *m);
  const char *list = stats_opt(&c->opts, list_opt);
  if (list) {
    rc = stats_split_list(list, &m->cov, &m->ncov);
    if (rc) goto cleanup;
  }
  if (need_covs && m->ncov == 0) {
    rc = avn_fail(c->err, AVN_E_USAGE, list_opt, NULL,
                  "--%s a,b,... is required (columns of the model)", list_opt);
    goto cleanup;
  }
  for (size_t j = 0; j < m->ncov; j++)
    for (size_t r = 0; r < nroles; r++)
      if (!strcmp(m->cov[j], roles[r].name)) {
        rc = avn_fail(c->err, AVN_E_USAGE, m->cov[j], NULL,
                      "the column is both a covariate and a role column");
        goto cleanup;
      }
  spec = avn_calloc(nroles + m->ncov + 1, sizeof *spec);
  if (!spec) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  for (size_t r = 0; r < nroles; r++) spec[r] = roles[r];
  /* Kind of each covariate: a factor when listed in --factors or when its
  ** first non-missing cell is not a number, else numeric, so a later
  ** non-numeric cell in a numeric column is refused naming the column, row
  ** and value (not silently made a factor). Numeric covariates are
  ** borrowed from the read (no selection copy): they go into X. */
  const frame_vars *d = NULL;
  rc = stats_cli_data(c, &d);
  if (rc) goto cleanup;
  for (size_t j = 0; j < m->ncov; j++) {
    frame_sel_kind kind = FRAME_SEL_AUTO;
    const frame_var *src = NULL;
    if (stats_cli_is_listed_factor(c, m->cov[j]))
      kind = FRAME_SEL_FACTOR;
    else if (frame_vars_find(d, m->cov[j], &src, NULL) == AVN_OK && src->n_present)
      kind = frame_var_first_numeric(src) ? FRAME_SEL_NUMERIC : FRAME_SEL_FACTOR;
    spec[nroles + j].name = m->cov[j];
    spec[nroles + j].kind = kind;
  }
  rc = stats_cli_frame_borrow(c, spec, nroles + m->ncov, nroles, &m->f);
  if (rc) goto cleanup;
  m->n = m->f.n;
  size_t k = 0;
  for (size_t j = 0; j < m->ncov; j++) {
    const frame_svar *v = &m->f.v[nroles + j];
    k += v->kind == FRAME_SEL_FACTOR ? (v->nlev ? v->nlev - 1 : 0) : 1;
    if (v->kind == FRAME_SEL_FACTOR && v->nlev < 2 && m->n > 0) {
      rc = avn_fail(c->err, AVN_E_DEGENERATE, v->name, NULL,
                    "the factor has a single level in the complete rows: no contrast "
                    "to estimate");
      goto cleanup;
    }
  }
  m->k = k;
  m->names = avn_calloc(k ? k : 1, sizeof *m->names);
  m->X = avn_calloc((m->n ? m->n : 1) * (k ? k : 1), sizeof *m->X);
  if (!m->names || !m->X) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  size_t j0 = 0;
  for (size_t j = 0; j < m->ncov; j++) {
    const frame_svar *v = &m->f.v[nroles + j];
    if (v->kind == FRAME_SEL_FACTOR) {
      rc = frame_dummy_code(v, m->n, m->X, k, j0, m->names + j0);
      if (rc) goto cleanup;
      j0 += v->nlev - 1;
    } else {
      m->names[j0] = avn_strdup(v->name);
      if (!m->names[j0]) {
        rc = AVN_E_NOMEM;
        goto cleanup;
      }
      for (size_t i = 0; i < m->n; i++) m->X[i * k + j0] = v->src->num[m->f.row[i]];
      j0++;
      /* the column now lives in X: in the last test of the run, the read
      ** gives its copy back (1M rows x 8 B each) */
      if (c->last) {
        m->f.v[nroles + j].src = NULL;
        frame_vars_release(c->data, v->name);
      }
    }
  }
cleanup:
  if (rc == AVN_E_NOMEM) avn_fail(c->err, rc, NULL, NULL, "out of memory");
  avn_free(spec);
  return rc;
}

avn_rc stats_covars_binary(stats_ctx *c, const frame_sel *f, size_t var, int *out) {
  const frame_svar *v = &f->v[var];
  size_t n = f->n;
  for (size_t i = 0; i < n; i++) {
    double x = v->x[i];
    if (x != 0 && x != 1) {
      char val[64];
      snprintf(val, sizeof val, "%g", x);
      return avn_fail(c->err, AVN_E_RANGE, v->name, val,
                      "must be 1 (event) or 0 (censored / no event); data row %zu",
                      f->row[i] + 1);
    }
    out[i] = (int)x;
  }
  return AVN_OK;
}

/* R's as.logical() spellings (what read.csv reads as a logical column). */
static int logical_word(const char *s) {
  static const char *const yes[] = {"TRUE", "true", "True", "T"};
  static const char *const no[] = {"FALSE", "false", "False", "F"};
  for (size_t k = 0; k < 4; k++) {
    if (!strcmp(s, yes[k])) return 1;
    if (!strcmp(s, no[k])) return 0;
  }
  return -1;
}

/* Same value: the same text, or two numbers that are equal ("2" and "2.0"). */
static bool same_value(const char *a, const char *b) {
  double x, y;
  if (!strcmp(a, b)) return true;
  return csv_parse_double(a, &x) && csv_parse_double(b, &y) && x == y;
}

avn_rc stats_covars_event(stats_ctx *c, const frame_sel *f, size_t var, int *out,
                          const char **coding) {
  const frame_svar *v = &f->v[var];
  const char *want = stats_opt(&c->opts, "event-value");
  int *map = avn_calloc(v->nlev ? v->nlev : 1, sizeof *map);
  avn_rc rc = AVN_OK;
  size_t bad = SIZE_MAX;   /* the level that fits no coding */
  if (!map) return AVN_E_NOMEM;
  if (want) {
    bool hit = false;
    for (size_t k = 0; k < v->nlev; k++) {
      map[k] = same_value(v->levels[k], want);
      hit = hit || map[k];
    }
    if (!hit && f->n > 0) {
      rc = avn_fail(c->err, AVN_E_UNKNOWN, v->name, want,
                    "--event-value names a value that is not in the column's complete rows");
      goto cleanup;
    }
    *coding = "--event-value";
  } else {
    /* R's Surv(): logical TRUE/FALSE, numeric 0/1, or 1/2 with 2 = event;
    ** 1/2 only when the column holds exactly those two values, so a 0/1/2
    ** column or a lone 2 is refused rather than guessed */
    size_t nlog = 0, n01 = 0;
    bool has1 = false, has2 = false;
    for (size_t k = 0; k < v->nlev; k++) {
      double x;
      int l = logical_word(v->levels[k]);
      if (l >= 0) {
        map[k] = l;
        nlog++;
      } else if (csv_parse_double(v->levels[k], &x) && (x == 0 || x == 1 || x == 2)) {
        map[k] = x == 2 ? 1 : (int)x;
        n01 += x != 2;
        has1 = has1 || x == 1;
        has2 = has2 || x == 2;
      } else if (bad == SIZE_MAX) {
        bad = k;
      }
    }
    bool one_two = has1 && has2 && v->nlev == 2 && nlog == 0;
    if (bad == SIZE_MAX && nlog > 0 && nlog < v->nlev) {
      for (size_t k = 0; k < v->nlev && bad == SIZE_MAX; k++)
        if (logical_word(v->levels[k]) < 0) bad = k;
    } else if (bad == SIZE_MAX && has2 && !one_two) {
      for (size_t k = 0; k < v->nlev && bad == SIZE_MAX; k++) {
        double x;
        if (csv_parse_double(v->levels[k], &x) && x == 2) bad = k;
      }
    }
    if (bad != SIZE_MAX) {
      size_t row = 0;
      for (size_t i = 0; i < f->n; i++)
        if (v->code[i] == (int)bad) {
          row = f->row[i] + 1;
          break;
        }
      rc = avn_fail(c->err, AVN_E_RANGE, v->name, v->levels[bad],
                    "the event must be coded 0/1, 1/2 (2 = event; only when the column holds "
                    "exactly those two values) or TRUE/FALSE, as R's Surv(), or named with "
                    "--event-value V; data row %zu", row);
      goto cleanup;
    }
    for (size_t k = 0; one_two && k < v->nlev; k++) {
      double x;
      map[k] = csv_parse_double(v->levels[k], &x) && x == 2;
    }
    *coding = nlog ? "TRUE/FALSE (TRUE = event)" : one_two ? "1/2 (2 = event)"
                                                            : "0/1 (1 = event)";
  }
  for (size_t i = 0; i < f->n; i++) out[i] = map[v->code[i]];
cleanup:
  avn_free(map);
  return rc;
}

avn_rc stats_covars_surv(stats_ctx *c, const frame_sel *f, int **ev) {
  const char *coding = NULL;
  *ev = avn_calloc(f->n ? f->n : 1, sizeof **ev);
  if (!*ev) return AVN_E_NOMEM;
  avn_rc rc = stats_covars_times(c, f, 0);
  if (!rc) rc = stats_covars_event(c, f, 1, *ev, &coding);
  if (!rc) stats_json_str(c->json, "event_coding", coding);
  return rc;
}

avn_rc stats_covars_times(stats_ctx *c, const frame_sel *f, size_t var) {
  const frame_svar *v = &f->v[var];
  size_t n = f->n;
  for (size_t i = 0; i < n; i++)
    if (!(v->x[i] >= 0) || !isfinite(v->x[i])) {
      char val[64];
      snprintf(val, sizeof val, "%g", v->x[i]);
      return avn_fail(c->err, AVN_E_RANGE, v->name, val,
                      "survival times must be >= 0; data row %zu", f->row[i] + 1);
    }
  return AVN_OK;
}

/* ---- ols / logistic (shared by stats_ols.c and stats_logistic.c) --------- */

/* The term names of a degree-K polynomial in the single predictor x:
** x, x^2, ..., x^K (m->names grows to K entries; m->k becomes K). */
static avn_rc stats_covars_poly_names(stats_covars *m, size_t degree) {
  char **nn = avn_calloc(degree, sizeof *nn);
  if (!nn) return AVN_E_NOMEM;
  for (size_t d = 0; d < degree; d++) {
    char buf[300];
    if (d == 0) snprintf(buf, sizeof buf, "%s", m->names[0]);
    else snprintf(buf, sizeof buf, "%s^%zu", m->names[0], d + 1);
    nn[d] = avn_strdup(buf);
    if (!nn[d]) {
      for (size_t q = 0; q < d; q++) avn_free(nn[q]);
      avn_free(nn);
      return AVN_E_NOMEM;
    }
  }
  for (size_t j = 0; j < m->k; j++) avn_free(m->names[j]);
  avn_free(m->names);
  m->names = nn;
  m->k = degree;
  return AVN_OK;
}

#include "stats/regress.h"

avn_rc stats_covars_regress(stats_ctx *c, bool logistic) {
  avn_rc rc = AVN_OK;
  stats_covars m = {0};
  regress_result *r = NULL;
  double *yb = NULL;
  int *yi = NULL;
  const char *yc = NULL, *cc = NULL;
  double conf;
  char b[9][48];
  bool intercept = !stats_has(&c->opts, "no-intercept");

  double degree = 1;
  rc = stats_cli_allow(c, logistic ? "outcome,predictors,covariates,factors,ref,levels,cluster,"
                                     "conf-level,alpha,no-intercept"
                                   : "outcome,predictors,covariates,factors,ref,levels,cluster,"
                                     "conf-level,alpha,no-intercept,degree");
  if (!rc) rc = stats_opt_req(&c->opts, "outcome", &yc, c->err);
  if (!rc) rc = stats_cli_conf_level(c, &conf);
  if (!rc) rc = stats_opt_double(&c->opts, "degree", 1, 1, 30, &degree, c->err);
  if (!rc && degree != floor(degree))
    rc = avn_fail(c->err, AVN_E_USAGE, "--degree", stats_opt(&c->opts, "degree"),
                  "must be a whole number from 1 to 30");
  if (rc) goto cleanup;
  cc = stats_opt(&c->opts, "cluster");
  const char *list = stats_opt(&c->opts, "predictors") ? "predictors" : "covariates";
  /* logistic: a non-numeric outcome (TRUE/FALSE, yes/no) is a factor whose
  ** first level is failure, as glm(family = binomial) reads one */
  stats_colspec roles[2] = {{yc, logistic ? FRAME_SEL_AUTO : FRAME_SEL_NUMERIC}, {cc, FRAME_SEL_FACTOR}};
  rc = stats_covars_build(c, roles, cc ? 2 : 1, list, !intercept, &m);
  if (rc) goto cleanup;
  const double *y = m.f.v[0].x;
  if (logistic) {
    yi = avn_calloc(m.n ? m.n : 1, sizeof *yi);
    yb = avn_calloc(m.n ? m.n : 1, sizeof *yb);
    if (!yi || !yb) {
      rc = AVN_E_NOMEM;
      goto cleanup;
    }
    const frame_svar *yv = &m.f.v[0];
    if (yv->kind == FRAME_SEL_FACTOR) {
      if (yv->nlev != 2) {
        rc = avn_fail(c->err, AVN_E_RANGE, yc, NULL,
                      "a non-numeric outcome must have exactly 2 levels (found %zu); the first "
                      "(sorted, or --levels) is failure",
                      yv->nlev);
        goto cleanup;
      }
      for (size_t i = 0; i < m.n; i++) yi[i] = yv->code[i] != 0;
      stats_json_str(c->json, "outcome_success", yv->levels[1]);
    } else {
      rc = stats_covars_binary(c, &m.f, 0, yi);
    }
    if (rc) goto cleanup;
    for (size_t i = 0; i < m.n; i++) yb[i] = yi[i];
    y = yb;
  }
  const frame_svar *cl = cc ? &m.f.v[1] : NULL;
  const char *const *nm = (const char *const *)m.names;
  if (degree > 1) {
    /* y ~ poly(x, K, raw = TRUE): the powers are formed in long double in
    ** the QR (regress_ols_poly), never rounded to double first */
    if (m.k != 1 || m.f.v[m.f.nvar - 1].kind != FRAME_SEL_NUMERIC) {
      rc = avn_fail(c->err, AVN_E_USAGE, "--degree", stats_opt(&c->opts, "degree"),
                    "a polynomial takes exactly one numeric predictor");
      goto cleanup;
    }
    rc = stats_covars_poly_names(&m, (size_t)degree);
    if (rc) goto cleanup;
    nm = (const char *const *)m.names;
  }
  rc = logistic ? regress_logistic(m.n, m.k, m.X, y, intercept, nm, cl ? cl->code : NULL,
                                   cl ? cl->nlev : 0, conf, &r, c->err)
       : degree > 1 ? regress_ols_poly(m.n, (size_t)degree, m.X, y, intercept, nm,
                                       cl ? cl->code : NULL, cl ? cl->nlev : 0, conf, &r, c->err)
                    : regress_ols(m.n, m.k, m.X, y, intercept, nm, cl ? cl->code : NULL,
                                  cl ? cl->nlev : 0, conf, &r, c->err);
  if (rc) {
    if (!strcmp(c->err->field, "outcome")) snprintf(c->err->field, sizeof c->err->field, "%s", yc);
    goto cleanup;
  }
  stats_json_str(c->json, "method", logistic ? "Logistic regression (binomial, logit; IRLS)"
                                             : "Linear regression (OLS, Householder QR)");
  stats_json_int(c->json, "n", (long long)m.n);
  stats_json_int(c->json, "n_missing", (long long)m.f.n_missing);
  stats_json_str(c->json, "se_type",
                 cl ? "robust_se: CR1 cluster-robust (sandwich::vcovCL type HC1: "
                      "G/(G-1) * (n-1)/(n-p)); statistic, p and CIs use it"
                    : "model-based");
  if (cl) stats_json_int(c->json, "n_clusters", (long long)cl->nlev);
  for (size_t j = 0; j < r->p; j++) {
    const char *term = (intercept && j == 0) ? "(Intercept)" : m.names[j - (intercept ? 1 : 0)];
    stats_coef row = {term, r->beta[j], r->se[j], cl ? r->robust_se[j] : NAN, r->statistic[j],
                      r->p_value[j], r->ci_low[j], r->ci_high[j]};
    rc = stats_json_coef(c->json, &row);
    if (rc) goto cleanup;
  }
  stats_json_num(c->json, "df_resid", r->df_resid);
  stats_json_num(c->json, "loglik", r->loglik);
  stats_json_num(c->json, "aic", r->aic);
  if (logistic) {
    stats_json_num(c->json, "deviance", r->deviance);
    stats_json_num(c->json, "null_deviance", r->null_deviance);
    stats_json_num(c->json, "df_null", r->df_null);
    stats_json_int(c->json, "iterations", r->iterations);
  } else {
    stats_json_num(c->json, "sigma", r->sigma);
    stats_json_num(c->json, "r2", r->r2);
    stats_json_num(c->json, "adj_r2", r->adj_r2);
    stats_json_num(c->json, "statistic", r->fstat);
    stats_json_num(c->json, "df1", r->f_df1);
    stats_json_num(c->json, "df2", r->f_df2);
    stats_json_num(c->json, "p", r->f_p);
  }
  rc = stats_text_printf(c, "%s: %s ~ %s%s%s%s\n\nCoefficients%s:\n%-16s %12s %12s %9s %10s\n",
                         logistic ? "glm (binomial)" : "lm", yc,
                         stats_opt(&c->opts, list) ? stats_opt(&c->opts, list) : "1",
                         intercept ? "" : " - 1", cl ? ", cluster-robust SE by " : "",
                         cl ? cc : "", cl ? " (CR1 robust SE)" : "", "", "Estimate",
                         "Std. Error", logistic ? "z value" : "t value",
                         logistic ? "Pr(>|z|)" : "Pr(>|t|)");
  for (size_t j = 0; !rc && j < r->p; j++) {
    const char *term = (intercept && j == 0) ? "(Intercept)" : m.names[j - (intercept ? 1 : 0)];
    rc = stats_text_printf(c, "%-16s %12s %12s %9s %10s\n", term,
                           stats_fmt_num(b[0], 48, r->beta[j], 5),
                           stats_fmt_num(b[1], 48, cl ? r->robust_se[j] : r->se[j], 5),
                           stats_fmt_num(b[2], 48, r->statistic[j], 4),
                           stats_fmt_p(b[3], 48, r->p_value[j], 3));
  }
  if (rc) goto cleanup;
  if (logistic)
    rc = stats_text_printf(c, "\n    Null deviance: %s  on %s  degrees of freedom\n"
                              "Residual deviance: %s  on %s  degrees of freedom\nAIC: %s\n\n"
                              "Number of Fisher Scoring iterations: %d\n",
                           stats_fmt_num(b[0], 48, r->null_deviance, 5),
                           stats_fmt_num(b[1], 48, r->df_null, 7),
                           stats_fmt_num(b[2], 48, r->deviance, 5),
                           stats_fmt_num(b[3], 48, r->df_resid, 7),
                           stats_fmt_num(b[4], 48, r->aic, 5), r->iterations);
  else
    rc = stats_text_printf(c, "\nResidual standard error: %s on %s degrees of freedom\n"
                              "Multiple R-squared:  %s,\tAdjusted R-squared:  %s \n"
                              "F-statistic: %s on %s and %s DF,  p-value: %s\nAIC: %s\n",
                           stats_fmt_num(b[0], 48, r->sigma, 4),
                           stats_fmt_num(b[1], 48, r->df_resid, 7),
                           stats_fmt_num(b[2], 48, r->r2, 4),
                           stats_fmt_num(b[3], 48, r->adj_r2, 4),
                           stats_fmt_num(b[4], 48, r->fstat, 4),
                           stats_fmt_num(b[5], 48, r->f_df1, 7),
                           stats_fmt_num(b[6], 48, r->f_df2, 7),
                           stats_fmt_p(b[7], 48, r->f_p, 4),
                           stats_fmt_num(b[8], 48, r->aic, 7));
cleanup:
  avn_free(yi);
  avn_free(yb);
  regress_free(r);
  stats_covars_free(&m);
  return rc;
}
