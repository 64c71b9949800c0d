/*
** rctx.c: the accessors every report section reads the study through
** (rctx.h), and the shared number formats.
**
** Values come from the analysis dataset: the settled snapshot with every
** form scored once (frame_scores, built by report.c), so a section reads a
** result as every other reader of the study does, and no section scores a
** form itself. Each call is O(1) through the form index (rforms, below)
** plus a lookup among the form's results.
**
** The form index: for each (patient, protocol visit, instrument, side) that
** has an entry-1 form, the form store_find_form picks (it is asked once per
** group of the snapshot's sorted index, so the rule for instances and reads
** stays in one place), in an open-addressing hash table keyed by the four
** packed in 64 bits. Instruments are numbered by their definition (a study
** names a few dozen). Owned by the rctx (rctx_forms_free).
*/
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdint.h>

#include "core/mem.h"
#include "frame/frame_code.h"
#include "report/rctx.h"

#define RF_EMPTY UINT64_MAX
#define RF_MAX_DEFS 255    /* instruments and visits numbered in 8 bits */

typedef struct rf_slot {
  uint64_t key;            /* rf_key(); RF_EMPTY when free */
  const store_form *f;
} rf_slot;

struct rforms {
  rf_slot *slot;
  size_t cap;              /* a power of two, at least twice the groups */
  const inst_def *defs[RF_MAX_DEFS];
  size_t n_defs;
};

static uint64_t rf_key(size_t patient, size_t visit, size_t def, int side) {
  return ((uint64_t)patient << 18) | ((uint64_t)visit << 10) | ((uint64_t)def << 2) | (uint64_t)side;
}

/* A 64-bit mix (splitmix64's finaliser) so packed keys spread. */
static size_t rf_hash(uint64_t k, size_t cap) {
  k ^= k >> 30;
  k *= 0xbf58476d1ce4e5b9ULL;
  k ^= k >> 27;
  k *= 0x94d049bb133111ebULL;
  k ^= k >> 31;
  return (size_t)k & (cap - 1);
}

/* The number of definition d in the index; n_defs when not there. */
static size_t rf_def(const rforms *fx, const inst_def *d) {
  size_t i = 0;
  while (i < fx->n_defs && fx->defs[i] != d) i++;
  return i;
}

void rctx_forms_free(rforms *fx) {
  if (!fx) return;
  avn_free(fx->slot);
  avn_free(fx);
}

/* Whether index entries a and b are forms of one group (patient, visit,
** instrument, side). */
static bool same_group(const store_form *a, const store_form *b) {
  return a->patient == b->patient && a->side == b->side && !strcmp(a->visit, b->visit) &&
         !strcmp(a->instrument, b->instrument);
}

avn_rc rctx_forms_new(rctx *c) {
  const store_study *st = c->st;
  rforms *fx = avn_calloc(1, sizeof *fx);
  if (!fx) return AVN_E_NOMEM;
  size_t groups = 0;
  for (size_t k = 0; k < st->n_forms; k++)
    groups += k == 0 || !same_group(st->form_index[k - 1], st->form_index[k]);
  fx->cap = 16;
  while (fx->cap < 2 * groups) fx->cap *= 2;
  if (c->p->n_visits >= RF_MAX_DEFS || st->n_patients >= ((size_t)1 << 40)) {
    rctx_forms_free(fx);   /* too large to pack: every lookup by store_find_form */
    return AVN_OK;
  }
  fx->slot = avn_malloc(fx->cap * sizeof *fx->slot);
  if (!fx->slot) {
    rctx_forms_free(fx);
    return AVN_E_NOMEM;
  }
  for (size_t i = 0; i < fx->cap; i++) fx->slot[i].key = RF_EMPTY;
  size_t visit = (size_t)-1;
  for (size_t k = 0; k < st->n_forms; k++) {
    const store_form *f = st->form_index[k], *prev = k ? st->form_index[k - 1] : NULL;
    if (prev && same_group(prev, f)) continue;
    /* the visit's number, looked up again only when the visit changes */
    if (!prev || prev->patient != f->patient || strcmp(prev->visit, f->visit))
      visit = protocol_visit_index(c->p, f->visit);
    if (visit == (size_t)-1 || !f->def) continue;
    size_t d = rf_def(fx, f->def);
    if (d == fx->n_defs) {
      if (fx->n_defs == RF_MAX_DEFS) continue;   /* left to store_find_form */
      fx->defs[fx->n_defs++] = f->def;
    }
    const store_form *pick = store_find_form(st, f->patient, f->visit, f->instrument, f->side, 1);
    if (!pick) continue;
    uint64_t key = rf_key(f->patient, visit, d, f->side);
    size_t h = rf_hash(key, fx->cap);
    while (fx->slot[h].key != RF_EMPTY) h = (h + 1) & (fx->cap - 1);
    fx->slot[h].key = key;
    fx->slot[h].f = pick;
  }
  c->forms = fx;
  return AVN_OK;
}

/* The indexed form, or NULL; *known false when the index cannot say (a
** visit not in the protocol, an instrument not numbered). */
static const store_form *rf_get(const rctx *c, size_t patient, const char *visit, const inst_def *d,
                                int side, bool *known) {
  const rforms *fx = c->forms;
  size_t v = protocol_visit_index(c->p, visit), di = rf_def(fx, d);
  *known = v != (size_t)-1 && (di < fx->n_defs || fx->n_defs < RF_MAX_DEFS);
  if (!*known || di == fx->n_defs) return NULL;
  uint64_t key = rf_key(patient, v, di, side);
  for (size_t h = rf_hash(key, fx->cap); fx->slot[h].key != RF_EMPTY; h = (h + 1) & (fx->cap - 1))
    if (fx->slot[h].key == key) return fx->slot[h].f;
  return NULL;
}

/* The form of (patient, visit, d, side) analysis reads: from the index when
** it knows, else store_find_form. */
static const store_form *find_form(const rctx *c, size_t patient, const char *visit, const inst_def *d,
                                   int side) {
  bool known = false;
  const store_form *f = c->forms ? rf_get(c, patient, visit, d, side, &known) : NULL;
  return known ? f : store_find_form(c->st, patient, visit, inst_name(d), side, 1);
}

/* The form for unit u at a visit: a hip-level form is the unit's hip; a
** patient-level form is the patient's. When units are patients, a hip-level
** form is taken from the first hip that has one. */
static const store_form *unit_form(const rctx *c, size_t u, const char *visit, const char *form) {
  const runit *un = &c->units[u];
  const inst_def *d = inst_find(form);
  if (!d) return NULL;
  if (inst_get_level(d) == INST_LEVEL_PATIENT) return find_form(c, un->patient, visit, d, SIDE_PATIENT);
  if (un->side != SIDE_PATIENT) return find_form(c, un->patient, visit, d, un->side);
  const store_form *f = find_form(c, un->patient, visit, d, SIDE_LEFT);
  return f ? f : find_form(c, un->patient, visit, d, SIDE_RIGHT);
}

bool rctx_num(const rctx *c, size_t u, const char *visit, const char *form, const char *name, double *out) {
  return frame_scores_num(c->scores, unit_form(c, u, visit, form), name, out);
}

const char *rctx_text(const rctx *c, size_t u, const char *visit, const char *form, const char *name) {
  return frame_scores_text(c->scores, unit_form(c, u, visit, form), name);
}

const store_form *rctx_find_any(const rctx *c, size_t u, const char *form, const char **visit) {
  for (size_t i = 0; i < c->p->n_visits; i++) {
    const store_form *f = unit_form(c, u, c->p->visits[i].name, form);
    if (f) {
      if (visit) *visit = c->p->visits[i].name;
      return f;
    }
  }
  return NULL;
}

double rctx_age(const rctx *c, size_t u) {
  const store_patient *p = &c->st->patients[c->units[u].patient];
  if (!p->has_birth) return NAN;
  return avn_date_age_years(p->birth, p->enrolled);
}

const char *rctx_visit_label(const rctx *c, const char *visit) {
  const proto_visit *v = protocol_find_visit(c->p, visit);
  return v && v->label ? v->label : visit;
}

double rctx_visit_months(const rctx *c, const char *visit) {
  const proto_visit *v = protocol_find_visit(c->p, visit);
  if (!v) return NAN;
  switch (v->at.unit) {
    case AVN_UNIT_MONTH: return v->at.amount;
    case AVN_UNIT_YEAR: return 12.0 * v->at.amount;
    case AVN_UNIT_WEEK: return v->at.amount * 7.0 / (365.25 / 12.0);
    default: return v->at.amount / (365.25 / 12.0);
  }
}

/* The planned date of a visit for unit u's patient. */
static bool visit_planned(const rctx *c, size_t u, const char *visit, avn_date *out) {
  const proto_visit *v = protocol_find_visit(c->p, visit);
  if (!v) return false;
  *out = avn_date_add(c->st->patients[c->units[u].patient].enrolled, v->at.amount, v->at.unit);
  return true;
}

bool rctx_withdrawn_by(const rctx *c, size_t u, const char *visit) {
  const store_patient *p = &c->st->patients[c->units[u].patient];
  avn_date planned;
  return p->withdrawn && visit_planned(c, u, visit, &planned) && p->withdrawn_on <= planned;
}

bool rctx_converted_by(const rctx *c, size_t u, const char *visit) {
  const runit *un = &c->units[u];
  avn_date planned;
  if (!visit_planned(c, u, visit, &planned)) return false;
  if (un->side != SIDE_PATIENT) return store_hip_converted(c->st, un->patient, un->side, planned);
  /* a patient unit: converted when a study hip was */
  return store_hip_converted(c->st, un->patient, SIDE_LEFT, planned) ||
         store_hip_converted(c->st, un->patient, SIDE_RIGHT, planned);
}

bool rctx_ran(const rctx *c, const char *key) {
  for (size_t i = 0; i < c->n_methods; i++)
    if (!strcmp(c->method_keys[i], key)) return true;
  return false;
}

void rctx_method(rctx *c, const char *key, const char *fmt, ...) {
  for (size_t i = 0; i < c->n_methods; i++)
    if (!strcmp(c->method_keys[i], key)) return;
  char text[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  char **k = avn_reallocarray(c->method_keys, c->n_methods + 1, sizeof *k);
  if (!k) return;
  c->method_keys = k;
  char **t = avn_reallocarray(c->method_text, c->n_methods + 1, sizeof *t);
  if (!t) return;
  c->method_text = t;
  k[c->n_methods] = avn_strdup(key);
  t[c->n_methods] = avn_strdup(text);
  if (!k[c->n_methods] || !t[c->n_methods]) {
    avn_free(k[c->n_methods]);
    avn_free(t[c->n_methods]);
    return;
  }
  c->n_methods++;
}

bool rctx_clustered(const rctx *c) {
  if (!c->per_hip) return false;
  for (size_t u = 0; u < c->n_units; u++)
    if (c->units[u].bilateral) return true;
  return false;
}

/* Counted by frame_code_clusters (the one cluster coding); the ids handed
** back are the patients' indices, as rctx.h promises. */
avn_rc rctx_cluster_ids(const rctx *c, const size_t *units, size_t n, int *ids, size_t *patients,
                        size_t *both) {
  size_t *pat = avn_malloc((n ? n : 1) * sizeof *pat);
  if (!pat) return AVN_E_NOMEM;
  for (size_t i = 0; i < n; i++) pat[i] = c->units[units ? units[i] : i].patient;
  avn_rc rc = frame_code_clusters(pat, n, c->st->n_patients, ids, patients, both);
  for (size_t i = 0; !rc && i < n; i++) ids[i] = (int)pat[i];
  avn_free(pat);
  return rc;
}

void rctx_cluster_phrase(char *out, size_t size, size_t n, size_t patients, size_t both) {
  snprintf(out, size, "%zu hip%s of %zu patient%s, %zu with both hips", n, n == 1 ? "" : "s", patients,
           patients == 1 ? "" : "s", both);
}

/* Whether the printed number has a non-zero digit. */
static bool printed_nonzero(const char *s) {
  for (; *s; s++)
    if (*s >= '1' && *s <= '9') return true;
  return false;
}

/* A value within float noise of zero (a difference of equal recorded
** values, 2.0 - 2.0 computed as -4e-16) is zero: it prints "0.0", never
** "-0.0". Recorded scales have far fewer than 9 decimals (rvar_snap). */
#define RFMT_ZERO 1e-9

/* printf of a rounded number that keeps its sign: -0.049 at 1 decimal is
** "-0.0", so a negative value never reads as zero or positive. */
void rfmt_num(char *out, size_t n, double x, int decimals) {
  if (!isfinite(x)) {
    snprintf(out, n, "NA");
    return;
  }
  if (fabs(x) < RFMT_ZERO) x = 0.0;   /* also turns IEEE -0.0 into 0.0 */
  snprintf(out, n, "%.*f", decimals, x);   /* C's printf keeps the sign: "-0.0" */
}

/* The decimals at which x, printed, is not mistaken for `null`: one more
** at a time (up to RFMT_MAX_DEC) while a value that differs from null
** prints as null. */
#define RFMT_MAX_DEC 9
static int ci_decimals(double x, double null, int decimals) {
  if (!isfinite(x) || fabs(x - null) < RFMT_ZERO) return decimals;
  for (int d = decimals; d < RFMT_MAX_DEC; d++) {
    char a[64];
    snprintf(a, sizeof a, "%.*f", d, x - null);
    if (printed_nonzero(a)) return d;
  }
  return RFMT_MAX_DEC;
}

void rfmt_ci(char *out, size_t n, double lo, double hi, double null, int decimals) {
  char a[64], b[64];
  rfmt_num(a, sizeof a, lo, ci_decimals(lo, null, decimals));
  rfmt_num(b, sizeof b, hi, ci_decimals(hi, null, decimals));
  snprintf(out, n, "%s to %s", a, b);
}

void rfmt_est_ci(char *out, size_t n, double est, double lo, double hi, double null,
                 int decimals) {
  char m[64], ci[160];
  rfmt_num(m, sizeof m, est, decimals);
  if (!isfinite(lo) || !isfinite(hi)) {
    snprintf(out, n, "%s", m);
    return;
  }
  rfmt_ci(ci, sizeof ci, lo, hi, null, decimals);
  snprintf(out, n, "%s (%s)", m, ci);
}

void rfmt_mean_sd(char *out, size_t n, double mean, double sd, int decimals) {
  char a[64], b[64];
  rfmt_num(a, sizeof a, mean, decimals);
  if (!isfinite(sd)) {
    snprintf(out, n, "%s", a);
    return;
  }
  rfmt_num(b, sizeof b, sd, decimals);
  snprintf(out, n, "%s \xc2\xb1 %s", a, b);   /* U+00B1 in UTF-8 */
}

/* A p value below 0.05 that rounds to "0.050" gains decimals until it
** prints below 0.05 ("0.0496"), so it never disagrees in print with its
** interval, which excludes the null value (rfmt_ci). */
void rfmt_p(char *out, size_t n, double p) {
  if (!isfinite(p)) {
    snprintf(out, n, "NA");
    return;
  }
  if (p < 0.001) {
    snprintf(out, n, "<0.001");
    return;
  }
  int d = 3;
  snprintf(out, n, "%.*f", d, p);
  while (p < 0.05 && strtod(out, NULL) >= 0.05 && d < RFMT_MAX_DEC)
    snprintf(out, n, "%.*f", ++d, p);
}

void rfmt_pct(char *out, size_t n, size_t k, size_t of) {
  if (of == 0) snprintf(out, n, "%zu", k);
  else snprintf(out, n, "%zu (%.1f%%)", k, 100.0 * (double)k / (double)of);
}
