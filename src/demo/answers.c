/*
** answers.c: item answers that score to what a synthetic hip must show
** (answers.h).
**
** Harris Hip Score. total = pain + gait + activities + deformity + ROM
** (hhs.c). The eight coded items and the deformity points (0 or 4, all or
** none) give a whole number I; the range-of-motion index gives
** r = s / 20 with s = the index sum (flexion 1.0 / 0.6 / 0.3 per degree in
** 0-45 / 45-90 / 90-110, abduction 0.8 / 0.3 in 0-15 / 15-20, external
** rotation 0.4 in 0-15, adduction 0.2 in 0-15), capped at 5. A total T on
** the 0.05 grid is split as T = I + r with r in [3, 5] (hips with flexion
** of at least 55 degrees cannot score less than 3) chosen nearest a typical
** r for T, then:
**   - I comes from a table built once: for every whole number, the four
**     item combinations whose item levels (points / item maximum) are
**     closest to I / 95, i.e. pain, gait and activities equally impaired,
**     one picked at random;
**   - r comes from a table of integer degree tuples, for every s (in tenths,
**     computed in integers so no rounding can creep in), the tuple nearest a
**     reference hip whose motion grows with r.
** The code names and points are read from the hhs definition.
**
** WOMAC: a raw total k is spread over the 24 items as evenly as possible
** (k / 24 each, one more for k mod 24 items picked at random).
**
** SF-36: an item with K choices is answered at position round(L' (K - 1))
** of its scale from worst to best, L' = level + N(0, noise) clamped to
** [0, 1]. Which end is best is found once by scoring each item alone at
** its lowest and highest choice with the registry's own SF-36 scorer.
**
** Costs: demo_answers_new enumerates about 10^5 HHS item combinations and
** 3 * 10^6 degree tuples once (tens of milliseconds); each answer is O(1)
** plus one scoring.
*/
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_randist.h>

#include "core/mem.h"
#include "demo/answers.h"

/* --- item=value lists --- */

void demo_kv_reset(demo_kv *kv) { kv->n = 0; }

bool demo_kv_add(demo_kv *kv, const char *fmt, ...) {
  if (kv->n >= DEMO_KV_MAX) return false;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(kv->buf[kv->n], sizeof kv->buf[kv->n], fmt, ap);
  va_end(ap);
  kv->ptr[kv->n] = kv->buf[kv->n];
  kv->n++;
  return true;
}

avn_rc demo_kv_score(const char *form, const demo_kv *kv, inst_scores *out, avn_err *e) {
  const inst_def *d = inst_find(form);
  inst_value vals[DEMO_KV_MAX];
  if (!d) return avn_fail(e, AVN_E_UNKNOWN, "form", form, "no such form");
  for (size_t i = 0; i < kv->n; i++) {
    char item[96];
    const char *eq = strchr(kv->buf[i], '=');
    if (!eq) return avn_fail(e, AVN_E_USAGE, "argument", kv->buf[i], "expected item=value");
    snprintf(item, sizeof item, "%.*s", (int)(eq - kv->buf[i]), kv->buf[i]);
    avn_rc rc = inst_parse_value(d, item, eq + 1, &vals[i], e);
    if (rc) return rc;
  }
  inst_response resp = {vals, kv->n};
  return inst_score(d, &resp, NULL, 0, out, e);
}

/* --- tables --- */

#define HHS_CODED 8          /* pain limp support distance stairs shoes sitting transport */
#define HHS_PARTS 9          /* + deformity (0 or 4) */
#define HHS_TOP 4            /* combinations kept per whole-number sum */
#define HHS_MAX_SUM 96
#define ROM_S10_MAX 1000     /* s in tenths; >= 1000 is capped at 5 points */
#define SF36_ITEMS 36

typedef struct hhs_part {
  const char *item;
  size_t n;                  /* distinct point values */
  int points[8];             /* descending */
  const char *code[8];
  int max;
} hhs_part;

typedef struct combo {
  unsigned char pick[HHS_PARTS];
  double cost;
} combo;

typedef struct rom_entry {
  bool ok;
  double cost;
  demo_rom deg;
} rom_entry;

struct demo_answers {
  hhs_part parts[HHS_PARTS];
  combo best[HHS_MAX_SUM + 1][HHS_TOP];
  int n_best[HHS_MAX_SUM + 1];
  rom_entry rom[ROM_S10_MAX + 1];
  /* SF-36: choices ascending by value, and whether higher is better. */
  const inst_item *sf_item[SF36_ITEMS];
  int sf_dir[SF36_ITEMS];
  double sf_phys[SF36_ITEMS];     /* weight of the physical level for the item's scale */
};

static const char *const hhs_coded[HHS_CODED] = {"pain",   "limp",  "support", "distance",
                                                 "stairs", "shoes", "sitting", "transport"};

static avn_rc load_part(hhs_part *p, const inst_def *d, const char *item, avn_err *e) {
  const inst_item *it = inst_item_find(d, item);
  if (!it || it->type != INST_CODE) return avn_fail(e, AVN_E_UNKNOWN, "hhs", item, "not a coded HHS item");
  p->item = item;
  p->n = 0;
  for (size_t k = 0; k < it->n_codes; k++) {
    int v = (int)lround(it->codes[k].value);
    bool seen = false;
    for (size_t j = 0; j < p->n; j++) seen |= p->points[j] == v;
    if (seen || p->n >= 8) continue;
    size_t j = p->n++;   /* insertion, descending */
    while (j > 0 && p->points[j - 1] < v) {
      p->points[j] = p->points[j - 1];
      p->code[j] = p->code[j - 1];
      j--;
    }
    p->points[j] = v;
    p->code[j] = it->codes[k].name;
  }
  p->max = p->n ? p->points[0] : 0;
  return p->max > 0 ? AVN_OK : avn_fail(e, AVN_E_STATE, "hhs", item, "item without points");
}

/* Weight of each part in the "equally impaired" cost. */
static const double part_weight[HHS_PARTS] = {3, 1, 1, 1, 0.5, 0.5, 0.5, 0.2, 0.5};

static void build_hhs(demo_answers *a) {
  size_t pick[HHS_PARTS] = {0};
  for (;;) {
    int sum = 0;
    for (int k = 0; k < HHS_PARTS; k++) sum += a->parts[k].points[pick[k]];
    double level = sum / 95.0, cost = 0;
    for (int k = 0; k < HHS_PARTS; k++) {
      double l = (double)a->parts[k].points[pick[k]] / a->parts[k].max - level;
      cost += part_weight[k] * l * l;
    }
    if (sum <= HHS_MAX_SUM) {
      int n = a->n_best[sum];
      combo c;
      for (int k = 0; k < HHS_PARTS; k++) c.pick[k] = (unsigned char)pick[k];
      c.cost = cost;
      if (n < HHS_TOP || cost < a->best[sum][n - 1].cost) {
        int j = n < HHS_TOP ? n : HHS_TOP - 1;
        while (j > 0 && a->best[sum][j - 1].cost > cost) {
          a->best[sum][j] = a->best[sum][j - 1];
          j--;
        }
        a->best[sum][j] = c;
        if (n < HHS_TOP) a->n_best[sum] = n + 1;
      }
    }
    int k = 0;
    while (k < HHS_PARTS && ++pick[k] == a->parts[k].n) pick[k++] = 0;
    if (k == HHS_PARTS) break;
  }
}

static int clampi(int x, int lo, int hi) { return x < lo ? lo : (x > hi ? hi : x); }

/* Index sum in tenths (hhs_rom_index before x 0.05), in integers. */
static int rom_s10(int fl, int ab, int ad, int er) {
  return 10 * clampi(fl, 0, 45) + 6 * clampi(fl - 45, 0, 45) + 3 * clampi(fl - 90, 0, 20) +
         8 * clampi(ab, 0, 15) + 3 * clampi(ab - 15, 0, 5) + 4 * clampi(er, 0, 15) + 2 * clampi(ad, 0, 15);
}

static void build_rom(demo_answers *a) {
  for (int fl = 55; fl <= 125; fl++)
    for (int ab = 5; ab <= 45; ab++)
      for (int ad = 5; ad <= 30; ad++)
        for (int er = 5; er <= 45; er++) {
          int s = rom_s10(fl, ab, ad, er);
          if (s > ROM_S10_MAX) s = ROM_S10_MAX;
          double q = (s / 200.0 - 3.0) / 2.0;
          q = q < 0 ? 0 : (q > 1 ? 1 : q);
          double dfl = (fl - (65 + 55 * q)) / 10, dab = (ab - (8 + 32 * q)) / 5;
          double dad = (ad - (8 + 17 * q)) / 5, der = (er - (8 + 32 * q)) / 5;
          double cost = dfl * dfl + dab * dab + dad * dad + der * der;
          rom_entry *r = &a->rom[s];
          if (!r->ok || cost < r->cost) {
            r->ok = true;
            r->cost = cost;
            r->deg = (demo_rom){fl, ab, ad, er, clampi((int)lround(8 + 25 * q), 0, 90)};
          }
        }
}

static avn_rc build_sf36(demo_answers *a, avn_err *e) {
  static const char *const scales[] = {"pf", "rp", "re", "vt", "mh", "sf", "bp", "gh"};
  /* How much each RAND-36 scale follows physical rather than mental health. */
  static const double phys[] = {1.0, 1.0, 0.2, 0.5, 0.1, 0.4, 1.0, 0.6};
  const inst_def *d = inst_find("sf36");
  if (!d) return avn_fail(e, AVN_E_UNKNOWN, "form", "sf36", "no such form");
  for (int k = 0; k < SF36_ITEMS; k++) {
    char name[8];
    snprintf(name, sizeof name, "q%d", k + 1);
    const inst_item *it = inst_item_find(d, name);
    if (!it || it->type != INST_CODE || it->n_codes < 2)
      return avn_fail(e, AVN_E_UNKNOWN, "sf36", name, "not a coded SF-36 item");
    a->sf_item[k] = it;
    double lo = it->codes[0].value, hi = lo;
    const char *nlo = it->codes[0].name, *nhi = nlo;
    for (size_t j = 1; j < it->n_codes; j++) {
      if (it->codes[j].value < lo) { lo = it->codes[j].value; nlo = it->codes[j].name; }
      if (it->codes[j].value > hi) { hi = it->codes[j].value; nhi = it->codes[j].name; }
    }
    double s_lo = 0, s_hi = 0;
    bool any = false;
    a->sf_phys[k] = 0.5;   /* q2, in no scale */
    for (int end = 0; end < 2; end++) {
      inst_value v;
      avn_rc rc = inst_parse_value(d, name, end ? nhi : nlo, &v, e);
      if (rc) return rc;
      inst_response resp = {&v, 1};
      inst_scores sc;
      rc = inst_score(d, &resp, NULL, 0, &sc, e);
      if (rc) return rc;
      for (size_t j = 0; j < sizeof scales / sizeof scales[0]; j++) {
        const inst_result *r = inst_scores_get(&sc, scales[j]);
        if (!r || r->missing) continue;
        any = true;
        a->sf_phys[k] = phys[j];
        if (end) s_hi += r->num;
        else s_lo += r->num;
      }
    }
    a->sf_dir[k] = any && s_hi > s_lo ? 1 : -1;   /* q2: 1 = much better, so -1 */
  }
  return AVN_OK;
}

avn_rc demo_answers_new(demo_answers **out, avn_err *e) {
  demo_answers *a = avn_calloc(1, sizeof *a);
  avn_rc rc = AVN_OK;
  *out = NULL;
  if (!a) return AVN_E_NOMEM;
  const inst_def *d = inst_find("hhs");
  if (!d) {
    rc = avn_fail(e, AVN_E_UNKNOWN, "form", "hhs", "no such form");
    goto cleanup;
  }
  for (int k = 0; k < HHS_CODED; k++) {
    rc = load_part(&a->parts[k], d, hhs_coded[k], e);
    if (rc) goto cleanup;
  }
  a->parts[8] = (hhs_part){.item = "deformity", .n = 2, .points = {4, 0}, .code = {"met", "unmet"}, .max = 4};
  build_hhs(a);
  build_rom(a);
  rc = build_sf36(a, e);
cleanup:
  if (rc) avn_free(a);
  else *out = a;
  return rc;
}

void demo_answers_free(demo_answers *a) { avn_free(a); }

/* --- HHS --- */

static double typical_rom(double total) {
  double q = (total - 40) / 55;
  q = q < 0 ? 0 : (q > 1 ? 1 : q);
  return 3.2 + 1.8 * q;
}

/* The split T = I + r (in 0.05 units: t20 = 20 I + r20), or false. */
static bool hhs_split(const demo_answers *a, long t20, int *I, int *r20) {
  double want = typical_rom(t20 / 20.0);
  bool found = false;
  double best = 0;
  for (int r = 60; r <= 100; r++) {
    if ((t20 - r) % 20 != 0 || t20 - r < 0) continue;
    long i = (t20 - r) / 20;
    if (i > HHS_MAX_SUM || a->n_best[i] == 0 || !a->rom[r * 10].ok) continue;
    double d = fabs(r / 20.0 - want);
    if (!found || d < best) {
      found = true;
      best = d;
      *I = (int)i;
      *r20 = r;
    }
  }
  return found;
}

size_t demo_hhs_lattice(const demo_answers *a, double lo, double hi, double *out, size_t cap) {
  size_t n = 0;
  for (long t = lround(ceil(lo * 20 - 1e-9)); t <= lround(floor(hi * 20 + 1e-9)) && n < cap; t++) {
    int I, r;
    if (hhs_split(a, t, &I, &r)) out[n++] = t / 20.0;
  }
  return n;
}

avn_rc demo_hhs_items(const demo_answers *a, double total, gsl_rng *r, demo_kv *kv, demo_rom *rom,
                      avn_err *e) {
  long t20 = lround(total * 20);
  int I = 0, r20 = 0;
  char val[32];
  snprintf(val, sizeof val, "%.2f", total);
  if (fabs(t20 / 20.0 - total) > 1e-6 || !hhs_split(a, t20, &I, &r20))
    return avn_fail(e, AVN_E_RANGE, "hhs.total", val, "no item answers give this total");
  const combo *c = &a->best[I][gsl_rng_uniform_int(r, (unsigned long)a->n_best[I])];
  const demo_rom *deg = &a->rom[r20 * 10].deg;
  demo_kv_reset(kv);
  for (int k = 0; k < HHS_CODED; k++)
    demo_kv_add(kv, "%s=%s", a->parts[k].item, a->parts[k].code[c->pick[k]]);
  bool deformity = a->parts[8].points[c->pick[8]] == 0;
  static const int small[] = {0, 5, 10};
  demo_kv_add(kv, "flexion_contracture_deg=%d", deformity ? 30 + 5 * (int)gsl_rng_uniform_int(r, 2)
                                                          : small[gsl_rng_uniform_int(r, 3)]);
  demo_kv_add(kv, "fixed_adduction_deg=%d", 5 * (int)gsl_rng_uniform_int(r, 2));
  demo_kv_add(kv, "fixed_ir_deg=%d", 5 * (int)gsl_rng_uniform_int(r, 2));
  demo_kv_add(kv, "lld_cm=%.1f", 0.5 * (double)gsl_rng_uniform_int(r, 3));
  demo_kv_add(kv, "flexion_deg=%d", deg->flexion);
  demo_kv_add(kv, "abduction_deg=%d", deg->abduction);
  demo_kv_add(kv, "adduction_deg=%d", deg->adduction);
  demo_kv_add(kv, "er_deg=%d", deg->er);
  demo_kv_add(kv, "ir_deg=%d", deg->ir);
  if (rom) *rom = *deg;
  inst_scores sc;
  avn_rc rc = demo_kv_score("hhs", kv, &sc, e);
  if (rc) return rc;
  const inst_result *tot = inst_scores_get(&sc, "total");
  if (!tot || tot->missing || fabs(tot->num - t20 / 20.0) > 1e-9)
    return avn_fail(e, AVN_E_STATE, "hhs.total", val, "the answers score %.4f, not the total asked for",
                    tot && !tot->missing ? tot->num : NAN);
  return AVN_OK;
}

/* --- WOMAC --- */

avn_rc demo_womac_items(int raw, gsl_rng *r, demo_kv *kv, avn_err *e) {
  const inst_def *d = inst_find("womac");
  size_t idx[DEMO_KV_MAX], n = 0;
  char val[16];
  snprintf(val, sizeof val, "%d", raw);
  if (!d) return avn_fail(e, AVN_E_UNKNOWN, "form", "womac", "no such form");
  for (size_t i = 0; i < inst_n_items(d) && n < DEMO_KV_MAX; i++)
    if (inst_item_at(d, i)->type == INST_CODE) idx[n++] = i;
  if (raw < 0 || raw > 4 * (int)n) return avn_fail(e, AVN_E_RANGE, "womac.total", val, "outside 0-%zu", 4 * n);
  int base = raw / (int)n, extra = raw % (int)n;
  int *plus = avn_calloc(n, sizeof *plus);
  if (!plus) return AVN_E_NOMEM;
  size_t order[DEMO_KV_MAX];
  for (size_t i = 0; i < n; i++) order[i] = i;
  gsl_ran_shuffle(r, order, n, sizeof order[0]);
  for (int k = 0; k < extra; k++) plus[order[k]] = 1;
  demo_kv_reset(kv);
  for (size_t i = 0; i < n; i++) demo_kv_add(kv, "%s=%d", inst_item_at(d, idx[i])->name, base + plus[i]);
  avn_free(plus);
  return AVN_OK;
}

/* --- SF-36 --- */

avn_rc demo_sf36_items(const demo_answers *a, double physical, double mental, double noise, gsl_rng *r,
                       demo_kv *kv, avn_err *e) {
  (void)e;
  demo_kv_reset(kv);
  for (int k = 0; k < SF36_ITEMS; k++) {
    const inst_item *it = a->sf_item[k];
    double level = a->sf_phys[k] * physical + (1 - a->sf_phys[k]) * mental;
    double sd = it->n_codes <= 2 ? 2 * noise : noise;   /* yes/no items: a smoother share */
    double l = level + (sd > 0 ? gsl_ran_gaussian(r, sd) : 0);
    l = l < 0 ? 0 : (l > 1 ? 1 : l);
    size_t K = it->n_codes;
    size_t p = (size_t)lround(l * (double)(K - 1));      /* 0 worst .. K-1 best */
    size_t rank = a->sf_dir[k] > 0 ? p : K - 1 - p;       /* rank among values, ascending */
    /* the code with that rank by value */
    const inst_code *pick = NULL;
    for (size_t j = 0; j < K; j++) {
      size_t below = 0;
      for (size_t i = 0; i < K; i++) below += it->codes[i].value < it->codes[j].value;
      if (below == rank) pick = &it->codes[j];
    }
    if (!pick) pick = &it->codes[0];
    demo_kv_add(kv, "%s=%s", it->name, pick->name);
  }
  return AVN_OK;
}

/* --- MRI --- */

avn_rc demo_mri_items(const demo_mri *m, const char *staging, demo_kv *kv, int *derived_ord, avn_err *e) {
  demo_kv_reset(kv);
  demo_kv_add(kv, "reader=%s", m->reader);
  demo_kv_add(kv, "read_date=%s", m->read_date);
  demo_kv_add(kv, "mri_positive=yes");
  demo_kv_add(kv, "xray=%s", m->xray);
  if (m->location) demo_kv_add(kv, "location=%s", m->location);
  demo_kv_add(kv, "head_involved_pct=%.1f", m->head_pct);
  demo_kv_add(kv, "bme=%s", m->bme ? "yes" : "no");
  demo_kv_add(kv, "crescent_sign=%s", m->crescent ? "yes" : "no");
  demo_kv_add(kv, "subchondral_fracture=%s", m->fracture ? "yes" : "no");
  demo_kv_add(kv, "flattening=%s", m->flattening ? "yes" : "no");
  demo_kv_add(kv, "depression_mm=%.1f", m->depression_mm);
  if (m->surface_pct >= 0) demo_kv_add(kv, "surface_collapsed_pct=%.1f", m->surface_pct);
  demo_kv_add(kv, "jsn=%s", m->jsn ? "yes" : "no");
  demo_kv_add(kv, "acetabular_involvement=no");
  demo_kv_add(kv, "advanced_degeneration=no");
  inst_scores sc;
  avn_rc rc = demo_kv_score(inst_role_form(INST_ROLE_IMAGING), kv, &sc, e);
  if (rc) return rc;
  bool ficat = !strcmp(staging, "ficat");
  const inst_result *st = inst_scores_get(&sc, ficat ? "ficat" : "steinberg");
  if (!st || st->missing || !st->text)
    return avn_fail(e, AVN_E_STATE, "mri", staging, "the findings derive no stage");
  demo_kv_add(kv, "%s_reader=%s", ficat ? "ficat" : "steinberg", st->text);
  *derived_ord = (int)lround(st->num);
  return AVN_OK;
}
