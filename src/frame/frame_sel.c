/*
** frame_sel.c: complete cases, factor codes, dummies and groups over the
** analysis variables (see frame_sel.h).
**
** A factor starts from the read's first-appearance codes: one pass marks
** the codes the kept rows use, the distinct levels alone are sorted, and a
** code map renumbers the rows: O(n + d log d), no string compared per row.
*/
#include "frame/frame_sel.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "frame/frame_code.h"
#include "interop/csv_table.h"

static int cmp_str_ptr(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef struct lev_num {
  double v;
  size_t d;
} lev_num;

static int cmp_levnum(const void *a, const void *b) {
  const lev_num *x = a, *y = b;
  return (x->v > y->v) - (x->v < y->v);
}

/* A number's bits hashed (splitmix64's finaliser). */
static uint64_t hash_bits(double x) {
  uint64_t z;
  memcpy(&z, &x, sizeof z);
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* Raw level codes of the kept rows of a column of numbers: first-
** appearance indices of its distinct values through an open-addressing
** hash of their bits (O(n)), the levels written %.15g into v->numtext. */
static avn_rc code_numbers(frame_svar *v, size_t n, const size_t *row, uint32_t *raw,
                           const char ***rawlev, size_t *nraw) {
  avn_rc rc = AVN_OK;
  size_t cap = 64, d = 0, dcap = 16;
  uint32_t *slot = avn_malloc(cap * sizeof *slot);   /* distinct index + 1, 0 = empty */
  double *u = avn_malloc(dcap * sizeof *u);
  if (!slot || !u) goto nomem;
  memset(slot, 0, cap * sizeof *slot);
  for (size_t i = 0; i < n; i++) {
    double x = v->src->num[row[i]];
    if (x == 0) x = 0.0;   /* -0 is 0 */
    if (2 * (d + 1) > cap) {   /* keep the load under a half */
      size_t ncap = 2 * cap;
      uint32_t *ns = avn_calloc(ncap, sizeof *ns);
      if (!ns) goto nomem;
      for (size_t k = 0; k < d; k++) {
        size_t h = (size_t)hash_bits(u[k]) & (ncap - 1);
        while (ns[h]) h = (h + 1) & (ncap - 1);
        ns[h] = (uint32_t)(k + 1);
      }
      avn_free(slot);
      slot = ns;
      cap = ncap;
    }
    size_t h = (size_t)hash_bits(x) & (cap - 1);
    while (slot[h] && u[slot[h] - 1] != x) h = (h + 1) & (cap - 1);
    if (!slot[h]) {
      if (avn_grow((void **)&u, &dcap, d, sizeof *u)) goto nomem;
      u[d++] = x;
      slot[h] = (uint32_t)d;
    }
    raw[i] = slot[h] - 1;
  }
  *rawlev = avn_malloc((d ? d : 1) * sizeof **rawlev);
  v->numtext = avn_malloc((d ? d : 1) * 32);
  if (!*rawlev || !v->numtext) goto nomem;
  for (size_t k = 0; k < d; k++) {
    snprintf(v->numtext + 32 * k, 32, "%.15g", u[k]);
    (*rawlev)[k] = v->numtext + 32 * k;
  }
  *nraw = d;
  goto cleanup;
nomem:
  rc = AVN_E_NOMEM;
cleanup:
  avn_free(slot);
  avn_free(u);
  return rc;
}

static avn_rc build_factor(const frame_want *w, frame_svar *v, size_t n, const size_t *row,
                           avn_err *e) {
  avn_rc rc = AVN_OK;
  uint32_t *raw = NULL;
  const char **rawlev_own = NULL, *const *rawlev = NULL;
  size_t nraw = 0, nd = 0;
  size_t *dmap = NULL;      /* raw code -> distinct index (SIZE_MAX: unused) */
  const char **dlev = NULL; /* distinct levels, then sorted */
  size_t *order = NULL;     /* sorted distinct index -> final code */
  lev_num *num = NULL;
  size_t *sorted_of = NULL; /* raw code -> sorted distinct index */

  v->code = avn_malloc((n ? n : 1) * sizeof *v->code);
  raw = avn_malloc((n ? n : 1) * sizeof *raw);
  if (!v->code || !raw) goto nomem;
  if (v->src->code) {
    for (size_t i = 0; i < n; i++) raw[i] = v->src->code[row[i]];
    rawlev = (const char *const *)v->src->level;
    nraw = v->src->nlev;
  } else {
    rc = code_numbers(v, n, row, raw, &rawlev_own, &nraw);
    if (rc) goto nomem;
    rawlev = rawlev_own;
  }
  dmap = avn_malloc((nraw ? nraw : 1) * sizeof *dmap);
  sorted_of = avn_malloc((nraw ? nraw : 1) * sizeof *sorted_of);
  dlev = avn_malloc((nraw ? nraw : 1) * sizeof *dlev);
  if (!dmap || !dlev || !sorted_of) goto nomem;
  for (size_t k = 0; k < nraw; k++) dmap[k] = SIZE_MAX;
  for (size_t i = 0; i < n; i++) {
    if (dmap[raw[i]] == SIZE_MAX) {
      dmap[raw[i]] = nd;
      dlev[nd++] = rawlev[raw[i]];
    }
  }
  order = avn_malloc((nd ? nd : 1) * sizeof *order);
  num = avn_malloc((nd ? nd : 1) * sizeof *num);
  v->levels = avn_malloc((nd ? nd : 1) * sizeof *v->levels);
  v->count = avn_calloc(nd ? nd : 1, sizeof *v->count);
  if (!order || !num || !v->levels || !v->count) goto nomem;
  /* sort the distinct levels: numerically when all are numbers, else strcmp */
  bool all_num = nd > 0;
  for (size_t d = 0; d < nd && all_num; d++) {
    num[d].d = d;
    all_num = csv_parse_double(dlev[d], &num[d].v);
  }
  /* first-seen index -> sorted position */
  size_t *pos = order;   /* reused: pos[first-seen d] = rank */
  if (all_num) {
    qsort(num, nd, sizeof *num, cmp_levnum);
    for (size_t k = 0; k < nd; k++) pos[num[k].d] = k;
  } else {
    const char **tmp = avn_malloc((nd ? nd : 1) * sizeof *tmp);
    if (!tmp) goto nomem;
    memcpy(tmp, dlev, nd * sizeof *tmp);
    qsort(tmp, nd, sizeof *tmp, cmp_str_ptr);
    /* the sorted strings are distinct pointers into dlev's: find each by
    ** a binary search on the text */
    for (size_t d = 0; d < nd; d++) {
      const char **hit = bsearch(&dlev[d], tmp, nd, sizeof *tmp, cmp_str_ptr);
      pos[d] = (size_t)(hit - tmp);
    }
    avn_free(tmp);
  }
  /* sorted level names; sorted_of[raw] */
  const char **sl = v->levels;
  for (size_t d = 0; d < nd; d++) sl[pos[d]] = dlev[d];
  for (size_t k = 0; k < nraw; k++) sorted_of[k] = dmap[k] == SIZE_MAX ? SIZE_MAX : pos[dmap[k]];
  memcpy(dlev, sl, nd * sizeof *dlev);   /* dlev now in sorted order */
  for (size_t d = 0; d < nd; d++) order[d] = d;
  /* chosen levels: their order (every one must occur in the kept rows) */
  if (w->levels) {
    for (size_t d = 0; d < nd; d++) order[d] = SIZE_MAX;
    for (size_t k = 0; k < w->nlevels; k++) {
      size_t hit = SIZE_MAX;
      for (size_t d = 0; d < nd; d++)
        if (!strcmp(dlev[d], w->levels[k])) hit = d;
      if (hit == SIZE_MAX) {
        rc = avn_fail(e, AVN_E_UNKNOWN, v->name, w->levels[k],
                      "%s%snames a level that is not in the column's (complete-case) data",
                      w->levels_from ? w->levels_from : "", w->levels_from ? " " : "");
        goto cleanup;
      }
      if (order[hit] != SIZE_MAX) {
        rc = avn_fail(e, AVN_E_USAGE, w->levels_from ? w->levels_from : v->name, w->levels[k],
                      "level listed twice");
        goto cleanup;
      }
      order[hit] = k;
    }
  }
  if (w->ref) {
    size_t hit = SIZE_MAX;
    for (size_t d = 0; d < nd; d++)
      if (strlen(dlev[d]) == w->ref_len && !strncmp(dlev[d], w->ref, w->ref_len)) hit = d;
    if (hit == SIZE_MAX) {
      char val[256];
      snprintf(val, sizeof val, "%.*s", (int)w->ref_len, w->ref);
      rc = avn_fail(e, AVN_E_UNKNOWN, v->name, val, "%s%snames a level that is not in the data",
                    w->ref_from ? w->ref_from : "", w->ref_from ? " " : "");
      goto cleanup;
    }
    size_t k0 = order[hit];
    for (size_t d = 0; d < nd; d++)
      if (order[d] < k0) order[d]++;
    order[hit] = 0;
  }
  for (size_t d = 0; d < nd; d++) v->levels[order[d]] = dlev[d];
  for (size_t i = 0; i < n; i++) {
    v->code[i] = (int)order[sorted_of[raw[i]]];
    v->count[v->code[i]]++;
  }
  v->nlev = nd;
  v->ref = 0;
  v->kind = FRAME_SEL_FACTOR;
  goto cleanup;
nomem:
  rc = avn_fail(e, AVN_E_NOMEM, v->name, NULL, "out of memory coding the factor");
cleanup:
  avn_free(raw);
  avn_free(rawlev_own);
  avn_free(dmap);
  avn_free(dlev);
  avn_free(order);
  avn_free(num);
  avn_free(sorted_of);
  return rc;
}

/* Is row r of the factor x one of the chosen levels? listed[] says it per
** read code; a column without codes compares its number's text. */
static bool row_listed(const frame_var *x, size_t r, const bool *listed, const frame_want *w) {
  if (x->code) return listed[x->code[r]];
  char buf[40];
  const char *t = frame_var_text(x, r, buf, sizeof buf);
  for (size_t k = 0; k < w->nlevels; k++)
    if (!strcmp(t, w->levels[k])) return true;
  return false;
}

avn_rc frame_select(const frame_vars *d, const frame_want *w, size_t nw, frame_sel *f, avn_err *e) {
  avn_rc rc = AVN_OK;
  bool *keep = NULL;
  bool **listed = NULL;   /* per variable with chosen levels: per read code */

  memset(f, 0, sizeof *f);
  size_t nrow = d->nrow;
  f->v = avn_calloc(nw ? nw : 1, sizeof *f->v);
  keep = avn_malloc((nrow ? nrow : 1) * sizeof *keep);
  listed = avn_calloc(nw ? nw : 1, sizeof *listed);
  if (!f->v || !keep || !listed) goto nomem;
  f->nvar = nw;
  for (size_t j = 0; j < nw; j++) {
    frame_svar *v = &f->v[j];
    rc = frame_vars_find(d, w[j].name, &v->src, e);
    if (rc) goto cleanup;
    v->name = v->src->name;
    v->kind = w[j].kind;
    if (v->kind == FRAME_SEL_AUTO) v->kind = v->src->numeric ? FRAME_SEL_NUMERIC : FRAME_SEL_FACTOR;
    if (v->kind == FRAME_SEL_NUMERIC && !v->src->numeric) {
      /* the whole column is checked, so a bad cell is refused even in a
      ** row another column drops */
      if (v->src->bad_text) {
        rc = avn_fail(e, AVN_E_TYPE, v->name, v->src->bad_text,
                      "not a number (data row %zu); missing values must be empty or NA",
                      v->src->bad_row + 1);
        goto cleanup;
      }
    }
    if (v->kind == FRAME_SEL_FACTOR && w[j].levels && v->src->code) {
      listed[j] = avn_calloc(v->src->nlev ? v->src->nlev : 1, sizeof **listed);
      if (!listed[j]) goto nomem;
      for (size_t k = 0; k < v->src->nlev; k++)
        for (size_t l = 0; l < w[j].nlevels && !listed[j][k]; l++)
          listed[j][k] = !strcmp(v->src->level[k], w[j].levels[l]);
    }
  }
  for (size_t r = 0; r < nrow; r++) {
    keep[r] = true;
    for (size_t j = 0; j < nw && keep[r]; j++)
      if (frame_var_missing(f->v[j].src, r)) keep[r] = false;
    if (!keep[r]) {
      f->n_missing++;
      continue;
    }
    for (size_t j = 0; j < nw && keep[r]; j++)
      if (f->v[j].kind == FRAME_SEL_FACTOR && w[j].levels)
        keep[r] = row_listed(f->v[j].src, r, listed[j], &w[j]);
    if (keep[r]) f->n++;
    else f->n_unlisted++;
  }
  f->row = avn_malloc((f->n ? f->n : 1) * sizeof *f->row);
  if (!f->row) goto nomem;
  for (size_t r = 0, i = 0; r < nrow; r++)
    if (keep[r]) f->row[i++] = r;
  for (size_t j = 0; j < nw; j++) {
    frame_svar *v = &f->v[j];
    if (v->kind == FRAME_SEL_NUMERIC && w[j].borrow) continue;
    if (v->kind == FRAME_SEL_NUMERIC) {
      v->x = avn_malloc((f->n ? f->n : 1) * sizeof *v->x);
      if (!v->x) goto nomem;
      for (size_t i = 0; i < f->n; i++) v->x[i] = v->src->num[f->row[i]];
    } else {
      rc = build_factor(&w[j], v, f->n, f->row, e);
      if (rc) goto cleanup;
    }
  }
  goto cleanup;
nomem:
  rc = avn_fail(e, AVN_E_NOMEM, d->label, NULL, "out of memory building the data frame");
cleanup:
  if (rc) frame_sel_free(f);
  for (size_t j = 0; listed && j < nw; j++) avn_free(listed[j]);
  avn_free(listed);
  avn_free(keep);
  return rc;
}

void frame_sel_free(frame_sel *f) {
  if (!f) return;
  for (size_t j = 0; f->v && j < f->nvar; j++) {
    avn_free(f->v[j].x);
    avn_free(f->v[j].code);
    avn_free(f->v[j].levels);
    avn_free(f->v[j].count);
    avn_free(f->v[j].numtext);
  }
  avn_free(f->v);
  avn_free(f->row);
  memset(f, 0, sizeof *f);
}

avn_rc frame_dummy_code(const frame_svar *v, size_t n, double *X, size_t ld, size_t j0,
                        char **names) {
  size_t k = v->nlev ? v->nlev - 1 : 0;
  for (size_t l = 0; l < k; l++) names[l] = NULL;
  for (size_t l = 1; l < v->nlev; l++) {
    size_t a = strlen(v->name), b = strlen(v->levels[l]);
    char *s = avn_malloc(a + b + 1);
    if (!s) {
      for (size_t m = 0; m < k; m++) {
        avn_free(names[m]);
        names[m] = NULL;
      }
      return AVN_E_NOMEM;
    }
    memcpy(s, v->name, a);
    memcpy(s + a, v->levels[l], b + 1);
    names[l - 1] = s;
  }
  /* The columns as the report's models code them (frame_code.h). */
  frame_code_dummies(v->code, n, v->nlev, X, ld, j0, k);
  return AVN_OK;
}

avn_rc frame_group_index(const frame_svar *g, size_t n, size_t **idx, size_t **start) {
  *idx = avn_malloc((n ? n : 1) * sizeof **idx);
  *start = avn_calloc(g->nlev + 1, sizeof **start);
  if (!*idx || !*start) {
    avn_free(*idx);
    avn_free(*start);
    *idx = *start = NULL;
    return AVN_E_NOMEM;
  }
  size_t *s = *start;
  for (size_t i = 0; i < n; i++) s[g->code[i] + 1]++;
  for (size_t k = 0; k < g->nlev; k++) s[k + 1] += s[k];
  /* fill with a moving cursor per level, then restore start */
  for (size_t i = 0; i < n; i++) (*idx)[s[g->code[i]]++] = i;
  for (size_t k = g->nlev; k > 0; k--) s[k] = s[k - 1];
  s[0] = 0;
  return AVN_OK;
}

bool frame_var_first_numeric(const frame_var *x) {
  if (x->numeric) return true;
  if (!x->bad_text) return false;   /* no cell at all */
  for (size_t r = 0; r < x->bad_row; r++)
    if (!frame_var_missing(x, r)) return true;
  return false;
}
