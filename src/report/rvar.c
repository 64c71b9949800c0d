/*
** rvar.c: unit variables and grouping (see rvar.h).
**
** No allocation: levels live in a fixed table (RVAR_MAX_LEVELS), level
** indices in the caller's array. Sorting the levels is an insertion sort
** over at most 32 entries.
*/
#include "report/rvar.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *rvar_baseline(const rctx *c) {
  if (c->plan && c->plan->n_visits > 0) return c->plan->visits[0];
  return c->p->n_visits > 0 ? c->p->visits[0].name : NULL;
}

bool rvar_is_numeric(const char *name) {
  return !strcmp(name, "age") || !strcmp(name, "lesion_size") || !strcmp(name, "bmi") ||
         !strcmp(name, "dose");
}

const char *rvar_title(const char *name) {
  static const struct { const char *name, *title; } t[] = {
      {"age", "Age (years)"},
      {"sex", "Sex"},
      {"stage", "Stage"},
      {"etiology", "Etiology"},
      {"laterality", "Laterality"},
      {"lesion_size", "Lesion size (% of head)"},
      {"bmi", "BMI (kg/m\xc2\xb2)"},
      {"dose", "Dose (x10^6 cells)"}};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    if (!strcmp(t[i].name, name)) return t[i].title;
  return name;
}

double rvar_snap(double x) {
  if (!isfinite(x) || fabs(x) >= 1e6) return x;
  return nearbyint(x * 1e9) / 1e9;
}

bool rvar_outcome_per_patient(const rctx *c, const sap_outcome *o) {
  const inst_def *d = inst_find(o->form);
  return c->per_hip && d && inst_get_level(d) == INST_LEVEL_PATIENT;
}

bool rvar_outcome_unit(const rctx *c, const sap_outcome *o, size_t u) {
  if (!rvar_outcome_per_patient(c, o)) return true;
  return u == 0 || c->units[u - 1].patient != c->units[u].patient;   /* units are grouped by patient */
}

static const char *code_label(const char *form, const char *item, const char *code) {
  const inst_def *d = inst_find(form);
  const inst_item *it = d ? inst_item_find(d, item) : NULL;
  if (!it || !code) return NULL;
  for (size_t k = 0; k < it->n_codes; k++)
    if (!strcmp(it->codes[k].name, code)) return it->codes[k].label;
  return NULL;
}

bool rvar_get(const rctx *c, size_t u, const char *name, rvar_val *out) {
  const runit *un = &c->units[u];
  const store_patient *pt = &c->st->patients[un->patient];
  const char *base = rvar_baseline(c);
  memset(out, 0, sizeof *out);
  out->numeric = rvar_is_numeric(name);
  if (!strcmp(name, "age")) {
    out->x = rctx_age(c, u);
    return isfinite(out->x);
  }
  if (!strcmp(name, "lesion_size"))
    return base && rctx_num(c, u, base, inst_role_form(INST_ROLE_IMAGING), "head_involved_pct", &out->x);
  if (!strcmp(name, "bmi")) return base && rctx_num(c, u, base, inst_role_form(INST_ROLE_BASELINE), "bmi", &out->x);
  if (!strcmp(name, "dose")) {
    if (c->p->n_procs == 0) return false;
    const char *pv = c->p->visits[c->p->procs[0].visit].name;
    return rctx_num(c, u, pv, inst_role_form(INST_ROLE_CELL_PRODUCT), "total_cells_e6", &out->x);
  }
  if (!strcmp(name, "stage")) {
    if (!un->stage) return false;
    snprintf(out->level, sizeof out->level, "Stage %s", un->stage);
    out->order = un->stage_ord;
    return true;
  }
  if (!strcmp(name, "sex")) {
    if (!pt->sex || !pt->sex[0]) return false;
    snprintf(out->level, sizeof out->level, "%s", pt->sex);
    if (out->level[0] >= 'a' && out->level[0] <= 'z') out->level[0] = (char)(out->level[0] - 'a' + 'A');
    out->order = 0;   /* alphabetical, as R's factor() */
    return true;
  }
  if (!strcmp(name, "laterality")) {
    snprintf(out->level, sizeof out->level, "%s", un->bilateral ? "Bilateral" : "Unilateral");
    out->order = un->bilateral ? 1 : 0;
    return true;
  }
  if (!strcmp(name, "etiology")) {
    double v = 0;
    const char *code = base ? rctx_text(c, u, base, inst_role_form(INST_ROLE_HIP_BASELINE), "etiology") : NULL;
    if (!code || !rctx_num(c, u, base, inst_role_form(INST_ROLE_HIP_BASELINE), "etiology", &v)) return false;
    const char *lab = code_label(inst_role_form(INST_ROLE_HIP_BASELINE), "etiology", code);
    snprintf(out->level, sizeof out->level, "%s", lab ? lab : code);
    out->order = v;
    return true;
  }
  return false;
}

size_t rvar_class(const char *name, const double *cuts, size_t n_cuts, double x, char *label,
                  size_t label_size) {
  const char *unit = !strcmp(name, "age") ? " years" : !strcmp(name, "lesion_size") ? "%" : "";
  size_t k = 0;
  while (k < n_cuts && x >= cuts[k]) k++;
  if (k == 0) snprintf(label, label_size, "< %g%s", cuts[0], unit);
  else if (k == n_cuts) snprintf(label, label_size, "\xe2\x89\xa5 %g%s", cuts[k - 1], unit);
  else snprintf(label, label_size, "%g%s to < %g%s", cuts[k - 1], unit, cuts[k], unit);
  return k;
}

static int levels_add(rlevels *L, const char *label, double order) {
  for (size_t i = 0; i < L->n; i++)
    if (!strcmp(L->label[i], label)) return (int)i;
  if (L->n == RVAR_MAX_LEVELS) return -1;
  snprintf(L->label[L->n], RVAR_LABEL, "%s", label);
  L->order[L->n] = order;
  return (int)L->n++;
}

static void levels_sort(rlevels *L, int *level, size_t n) {
  size_t idx[RVAR_MAX_LEVELS];
  int map[RVAR_MAX_LEVELS];
  for (size_t i = 0; i < L->n; i++) idx[i] = i;
  for (size_t i = 1; i < L->n; i++) {
    size_t v = idx[i], j = i;
    while (j > 0 && (L->order[idx[j - 1]] > L->order[v] ||
                     (L->order[idx[j - 1]] == L->order[v] &&
                      strcmp(L->label[idx[j - 1]], L->label[v]) > 0))) {
      idx[j] = idx[j - 1];
      j--;
    }
    idx[j] = v;
  }
  rlevels sorted;
  sorted.n = L->n;
  for (size_t i = 0; i < L->n; i++) {
    map[idx[i]] = (int)i;
    memcpy(sorted.label[i], L->label[idx[i]], RVAR_LABEL);
    sorted.order[i] = L->order[idx[i]];
  }
  *L = sorted;
  for (size_t i = 0; i < n; i++)
    if (level[i] >= 0) level[i] = map[level[i]];
}

void rvar_group(const rctx *c, const char *by, const double *cuts, size_t n_cuts,
                const size_t *units, size_t n, int *level, rlevels *L, char *why, size_t why_size) {
  bool numeric = rvar_is_numeric(by);
  L->n = 0;
  why[0] = 0;
  if (numeric && n_cuts == 0) {
    snprintf(why, why_size, "'%s' is numeric and the plan gives no class limits (cuts) for it", by);
    return;
  }
  for (size_t i = 0; i < n; i++) {
    rvar_val v;
    char lab[RVAR_LABEL];
    level[i] = -1;
    if (!rvar_get(c, units[i], by, &v)) continue;
    if (numeric) {
      size_t k = rvar_class(by, cuts, n_cuts, v.x, lab, sizeof lab);
      level[i] = levels_add(L, lab, (double)k);
    } else {
      level[i] = levels_add(L, v.level, v.order);
    }
    if (level[i] < 0) {
      snprintf(why, why_size, "'%s' has more than %d values", by, RVAR_MAX_LEVELS);
      L->n = 0;
      return;
    }
  }
  levels_sort(L, level, n);
}
