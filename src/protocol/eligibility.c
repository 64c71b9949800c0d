/*
** eligibility.c: screening values and criteria (see eligibility.h).
** Cost: O(criteria x 3) per screening.
*/
#include "protocol/eligibility.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

const char *side_name(int side) {
  return side == SIDE_LEFT ? "left" : side == SIDE_RIGHT ? "right" : "patient";
}

void screen_data_free(screen_data *d) {
  if (!d || !d->val) return;
  for (size_t i = 0; i < d->n_fields; i++)
    for (int s = 0; s < 3; s++) avn_free(d->val[i][s]);
  avn_free(d->val);
  d->val = NULL;
}

static avn_rc parse_number(const char *v, double *out) {
  char *end = NULL;
  errno = 0;
  double x = strtod(v, &end);
  if (errno || end == v || *end || !isfinite(x)) return AVN_E_TYPE;
  *out = x;
  return AVN_OK;
}

/* Validates v for field f; *norm gets the normalised text (caller frees). */
static avn_rc check_value(const proto_field *f, const char *key, const char *v, char **norm,
                          avn_err *e) {
  double x;
  *norm = NULL;
  switch (f->type) {
    case INST_INT:
    case INST_REAL:
      if (parse_number(v, &x))
        return avn_fail(e, AVN_E_TYPE, key, v, "must be a number");
      if (f->type == INST_INT && x != floor(x))
        return avn_fail(e, AVN_E_TYPE, key, v, "must be a whole number");
      if (f->has_range && (x < f->min || x > f->max))
        return avn_fail(e, AVN_E_RANGE, key, v, "must be between %g and %g%s%s", f->min, f->max,
                        f->unit ? " " : "", f->unit ? f->unit : "");
      break;
    case INST_BOOL:
      if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1")) v = "yes";
      else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0")) v = "no";
      else return avn_fail(e, AVN_E_CODE, key, v, "must be yes or no");
      break;
    case INST_CODE: {
      bool ok = false;
      char list[256] = "";
      for (size_t k = 0; k < f->n_codes; k++) {
        if (!strcmp(f->codes[k], v)) ok = true;
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "%s%s", k ? ", " : "", f->codes[k]);
      }
      if (!ok) return avn_fail(e, AVN_E_CODE, key, v, "must be one of: %s", list);
      break;
    }
    case INST_DATE: {
      avn_date t;
      if (avn_date_check(key, v, &t, e)) return AVN_E_PARSE;
      if (t > avn_date_today()) return avn_fail(e, AVN_E_DATE, key, v, "must not be in the future");
      break;
    }
    default:
      break;
  }
  *norm = avn_strdup(v);
  return *norm ? AVN_OK : AVN_E_NOMEM;
}

avn_rc screen_data_parse(const protocol *p, char *const *kv, size_t n, screen_data *out, avn_err *e) {
  avn_rc rc = AVN_OK;
  memset(out, 0, sizeof *out);
  out->n_fields = p->n_fields;
  out->val = avn_calloc(p->n_fields ? p->n_fields : 1, sizeof *out->val);
  if (!out->val) return AVN_E_NOMEM;
  for (size_t i = 0; i < n; i++) {
    const char *eq = strchr(kv[i], '=');
    if (!eq || eq == kv[i]) {
      rc = avn_fail(e, AVN_E_USAGE, "argument", kv[i], "expected field=value");
      goto cleanup;
    }
    char key[128];
    snprintf(key, sizeof key, "%.*s", (int)(eq - kv[i]), kv[i]);
    const char *value = eq + 1;
    int side = SIDE_PATIENT;
    char *dot = strchr(key, '.');
    char base[128];
    snprintf(base, sizeof base, "%s", key);
    if (dot) {
      base[dot - key] = '\0';
      if (!strcmp(dot + 1, "left")) side = SIDE_LEFT;
      else if (!strcmp(dot + 1, "right")) side = SIDE_RIGHT;
      else {
        rc = avn_fail(e, AVN_E_UNKNOWN, key, value, "the side must be .left or .right");
        goto cleanup;
      }
    }
    const proto_field *f = protocol_find_field(p, base);
    if (!f) {
      rc = avn_fail(e, AVN_E_UNKNOWN, key, value, "protocol '%s' has no screening field '%s'", p->name, base);
      goto cleanup;
    }
    if (f->per_hip && side == SIDE_PATIENT) {
      rc = avn_fail(e, AVN_E_USAGE, key, value, "a per-hip field: write %s.left= or %s.right=", base, base);
      goto cleanup;
    }
    if (!f->per_hip && side != SIDE_PATIENT) {
      rc = avn_fail(e, AVN_E_USAGE, key, value, "'%s' is a patient-level field: write %s=", base, base);
      goto cleanup;
    }
    if (!*value) {
      rc = avn_fail(e, AVN_E_REQUIRED, key, value, "an empty value; leave the field out instead");
      goto cleanup;
    }
    size_t fi = (size_t)(f - p->fields);
    if (out->val[fi][side]) {
      rc = avn_fail(e, AVN_E_EXISTS, key, value, "given twice");
      goto cleanup;
    }
    rc = check_value(f, key, value, &out->val[fi][side], e);
    if (rc) goto cleanup;
    if (side != SIDE_PATIENT) out->hip[side] = true;
  }
cleanup:
  if (rc) screen_data_free(out);
  return rc;
}

/* Does criterion c hold for value v (non-NULL)? */
static bool holds(const proto_criterion *c, const proto_field *f, const char *v) {
  if (f->type == INST_INT || f->type == INST_REAL) {
    double x = strtod(v, NULL);
    if (c->has_min && !(x >= c->min)) return false;
    if (c->has_max && !(x <= c->max)) return false;
    if (c->has_below && !(x < c->below)) return false;
    if (c->has_above && !(x > c->above)) return false;
  }
  if (c->is && strcmp(c->is, v) != 0) return false;
  if (c->n_in) {
    bool any = false;
    for (size_t k = 0; k < c->n_in; k++)
      if (!strcmp(c->in[k], v)) any = true;
    if (!any) return false;
  }
  return true;
}

static avn_rc add_fail(elig_result *r, const proto_criterion *c, int side, bool missing) {
  elig_failure *f = avn_reallocarray(r->fails, r->n_fails + 1, sizeof *f);
  if (!f) return AVN_E_NOMEM;
  r->fails = f;
  r->fails[r->n_fails++] = (elig_failure){c, side, missing};
  return AVN_OK;
}

avn_rc eligibility_evaluate(const protocol *p, const screen_data *d, elig_result *out) {
  memset(out, 0, sizeof *out);
  bool patient_ok = true;
  for (int s = SIDE_LEFT; s <= SIDE_RIGHT; s++) out->hip_eligible[s] = d->hip[s];
  for (size_t i = 0; i < p->n_criteria; i++) {
    const proto_criterion *c = &p->criteria[i];
    const proto_field *f = &p->fields[c->field];
    for (int s = 0; s < 3; s++) {
      if (f->per_hip ? (s == SIDE_PATIENT || !d->hip[s]) : s != SIDE_PATIENT) continue;
      const char *v = d->val[c->field][s];
      bool fail = v == NULL || (c->kind == CRIT_INCLUSION) != holds(c, f, v);
      if (!fail) continue;
      if (add_fail(out, c, s, v == NULL)) { elig_result_free(out); return AVN_E_NOMEM; }
      if (s == SIDE_PATIENT) patient_ok = false;
      else out->hip_eligible[s] = false;
    }
  }
  bool any_hip = out->hip_eligible[SIDE_LEFT] || out->hip_eligible[SIDE_RIGHT];
  bool has_hip_fields = false;
  for (size_t i = 0; i < p->n_fields; i++) has_hip_fields |= p->fields[i].per_hip;
  out->eligible = patient_ok && (any_hip || !has_hip_fields);
  return AVN_OK;
}

void elig_result_free(elig_result *r) {
  avn_free(r->fails);
  r->fails = NULL;
  r->n_fails = 0;
}
