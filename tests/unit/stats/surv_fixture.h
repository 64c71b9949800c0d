/*
** surv_fixture.h: shared helpers for the stats-B unit tests (survival,
** regression): read a committed CSV with csv_table, pick complete cases
** over named columns, code factors as R's treatment contrasts (levels in
** strcmp order, first level the reference), and compare with R's JSON
** (arrays; null = NA) keeping the largest relative error seen per method.
** Header-only (static functions) so each test executable is one file.
*/
#ifndef AVN_TEST_SURV_FIXTURE_H
#define AVN_TEST_SURV_FIXTURE_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "core/mem.h"
#include "interop/csv_table.h"

#define FX_DATA AVN_SOURCE_DIR "/tests/golden/stats/data/"

typedef struct fx_frame {
  size_t n;          /* complete rows */
  size_t p;          /* design columns */
  double *x;         /* [n*p] row-major design (no intercept) */
  char names[64][64];
  double *time, *y;  /* [n] first/second numeric role column */
  int *ev;           /* [n] */
  int *grp;          /* [n] codes of the group/cluster column */
  size_t ngrp;
  char levels[64][64];
} fx_frame;

static inline void fx_free(fx_frame *f) {
  avn_free(f->x);
  avn_free(f->time);
  avn_free(f->y);
  avn_free(f->ev);
  avn_free(f->grp);
  memset(f, 0, sizeof *f);
}

static inline int fx_strcmp(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Numeric-order compare when both look numeric (as the CLI framework). */
static inline int fx_lvcmp(const void *a, const void *b) {
  const char *x = *(const char *const *)a, *y = *(const char *const *)b;
  double dx, dy;
  if (csv_parse_double(x, &dx) && csv_parse_double(y, &dy))
    return dx < dy ? -1 : dx > dy;
  return strcmp(x, y);
}

/* Sorted distinct non-missing levels of column col over rows keep[]. */
static inline size_t fx_levels(const csv_table *t, size_t col, const char **lv,
                               size_t maxlv) {
  size_t nr = csv_table_nrow(t), m = 0;
  for (size_t r = 0; r < nr; r++) {
    if (csv_table_missing(t, r, col)) continue;
    const char *s = csv_table_cell(t, r, col);
    size_t k;
    for (k = 0; k < m; k++)
      if (!strcmp(lv[k], s)) break;
    if (k == m && m < maxlv) lv[m++] = s;
  }
  qsort(lv, m, sizeof *lv, fx_lvcmp);
  return m;
}

static inline int fx_in_list(const char *list, const char *name) {
  size_t n = strlen(name);
  for (const char *s = list; s && *s;) {
    const char *c = strchr(s, ',');
    size_t len = c ? (size_t)(c - s) : strlen(s);
    if (len == n && !strncmp(s, name, n)) return 1;
    s = c ? c + 1 : NULL;
  }
  return 0;
}

/* Loads file; time_col/event_col/y_col/grp_col may be NULL; covariates
** comma list, factors comma list (coded as dummies). Rows with a missing
** cell in any used column are dropped (as R's na.omit). */
static inline int fx_load(const char *file, const char *time_col, const char *event_col,
                          const char *y_col, const char *grp_col, const char *covs,
                          const char *factors, fx_frame *f) {
  char path[512];
  avn_err e;
  csv_table *t = NULL;
  memset(f, 0, sizeof *f);
  snprintf(path, sizeof path, "%s%s", FX_DATA, file);
  if (csv_table_read_file(path, &t, &e)) return -1;
  size_t nr = csv_table_nrow(t);
  size_t cols[32], ncol = 0;
  int isfac[32];
  const char *cn[32];
  char buf[512];
  if (covs) {
    snprintf(buf, sizeof buf, "%s", covs);
    for (char *s = strtok(buf, ","); s; s = strtok(NULL, ",")) {
      if (csv_table_find(t, s, &cols[ncol], &e)) goto fail;
      cn[ncol] = csv_table_name(t, cols[ncol]);
      isfac[ncol] = fx_in_list(factors, s);
      ncol++;
    }
  }
  size_t ct = 0, ce = 0, cy = 0, cg = 0;
  if (time_col && csv_table_find(t, time_col, &ct, &e)) goto fail;
  if (event_col && csv_table_find(t, event_col, &ce, &e)) goto fail;
  if (y_col && csv_table_find(t, y_col, &cy, &e)) goto fail;
  if (grp_col && csv_table_find(t, grp_col, &cg, &e)) goto fail;
  /* levels per factor covariate and for the group column */
  const char *lv[32][64];
  size_t nlv[32] = {0};
  for (size_t j = 0; j < ncol; j++)
    if (isfac[j]) nlv[j] = fx_levels(t, cols[j], lv[j], 64);
  const char *glv[64];
  size_t nglv = grp_col ? fx_levels(t, cg, glv, 64) : 0;
  f->p = 0;
  for (size_t j = 0; j < ncol; j++) {
    if (!isfac[j]) {
      snprintf(f->names[f->p++], 64, "%s", cn[j]);
    } else {
      for (size_t k = 1; k < nlv[j]; k++)
        snprintf(f->names[f->p++], 64, "%s%s", cn[j], lv[j][k]);
    }
  }
  f->ngrp = nglv;
  for (size_t k = 0; k < nglv; k++) snprintf(f->levels[k], 64, "%s", glv[k]);
  f->x = avn_calloc(nr * (f->p ? f->p : 1), sizeof *f->x);
  f->time = avn_calloc(nr, sizeof *f->time);
  f->y = avn_calloc(nr, sizeof *f->y);
  f->ev = avn_calloc(nr, sizeof *f->ev);
  f->grp = avn_calloc(nr, sizeof *f->grp);
  size_t n = 0;
  for (size_t r = 0; r < nr; r++) {
    int miss = 0;
    for (size_t j = 0; j < ncol; j++) miss |= csv_table_missing(t, r, cols[j]);
    if (time_col) miss |= csv_table_missing(t, r, ct);
    if (event_col) miss |= csv_table_missing(t, r, ce);
    if (y_col) miss |= csv_table_missing(t, r, cy);
    if (grp_col) miss |= csv_table_missing(t, r, cg);
    if (miss) continue;
    double v;
    bool m;
    if (time_col) {
      csv_table_number(t, r, ct, &v, &m, &e);
      f->time[n] = v;
    }
    if (event_col) {
      csv_table_number(t, r, ce, &v, &m, &e);
      f->ev[n] = (int)v;
    }
    if (y_col) {
      csv_table_number(t, r, cy, &v, &m, &e);
      f->y[n] = v;
    }
    if (grp_col) {
      const char *s = csv_table_cell(t, r, cg);
      for (size_t k = 0; k < nglv; k++)
        if (!strcmp(glv[k], s)) f->grp[n] = (int)k;
    }
    size_t q = 0;
    for (size_t j = 0; j < ncol; j++) {
      if (!isfac[j]) {
        csv_table_number(t, r, cols[j], &v, &m, &e);
        f->x[n * f->p + q++] = v;
      } else {
        const char *s = csv_table_cell(t, r, cols[j]);
        for (size_t k = 1; k < nlv[j]; k++) f->x[n * f->p + q++] = !strcmp(lv[j][k], s);
      }
    }
    n++;
  }
  f->n = n;
  csv_table_free(t);
  return 0;
fail:
  csv_table_free(t);
  return -1;
}

/* ---- comparison with R ---------------------------------------------------- */

static double fx_maxrel[8];
static char fx_maxrel_name[8][192];
static int fx_ncompared;

static inline json_t *fx_json(const char *name) {
  char path[512];
  json_error_t je;
  snprintf(path, sizeof path, "%s/tests/golden/stats/%s", AVN_SOURCE_DIR, name);
  json_t *j = json_load_file(path, 0, &je);
  if (!j) fprintf(stderr, "cannot load %s: %s line %d\n", path, je.text, je.line);
  return j;
}

/* Element i of the array at key (or the scalar); NAN for null. */
static inline double fx_num(const json_t *o, const char *key, size_t i) {
  json_t *v = json_object_get(o, key);
  if (json_is_array(v)) v = json_array_get(v, i);
  if (!v || json_is_null(v)) return NAN;
  return json_number_value(v);
}
static inline size_t fx_len(const json_t *o, const char *key) {
  json_t *v = json_object_get(o, key);
  return json_is_array(v) ? json_array_size(v) : (v && !json_is_null(v));
}
static inline const char *fx_str(const json_t *o, const char *key, size_t i) {
  json_t *v = json_object_get(o, key);
  if (json_is_array(v)) v = json_array_get(v, i);
  return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Compares got with R's want: both NA, or |got - want| <= max(abs, rel |want|).
** Records the relative error in slot (per method). Returns 1 when close. */
static inline int fx_close(int slot, const char *what, double got, double want,
                           double rel, double abs) {
  fx_ncompared++;
  if (isnan(want) || isnan(got)) {
    if (isnan(want) && isnan(got)) return 1;
    fprintf(stderr, "%s: got %.17g, R has %.17g\n", what, got, want);
    return 0;
  }
  double d = fabs(got - want);
  double r = want != 0 ? d / fabs(want) : d;
  if (r > fx_maxrel[slot]) {
    fx_maxrel[slot] = r;
    snprintf(fx_maxrel_name[slot], sizeof fx_maxrel_name[slot], "%s", what);
  }
  if (d <= fmax(abs, rel * fabs(want))) return 1;
  fprintf(stderr, "%s: got %.17g, R has %.17g (rel %.3g)\n", what, got, want, r);
  return 0;
}

#endif
