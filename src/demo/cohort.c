/*
** cohort.c: a cohort spec -> a study (cohort.h): synthetic patients whose
** data reproduce a seed paper's summary figures, written through the
** store's validated and audited write path.
**
** Order of construction (one gsl_rng_mt19937 seeded from the spec; a second
** one, seed + 1, only for SF-36 answers so their calibration can replay it):
**  1. patients: enrolment dates spread over the enrolment period (weekdays,
**     a jitter of a few days), sex and bilateral patients by shuffling the
**     printed counts, age by fit_moments on whole years (the printed range's
**     ends fixed when the paper prints a range);
**  2. hips: etiology (bilateral pairs share it), then (stage, radiological
**     outcome, conversion) slots from the paper's table, the progressed
**     slots going to hips of the etiologies the paper names;
**  3. visit dates inside their windows, conversion dates, and for each hip
**     the first visit after its conversion (nothing is recorded on a hip
**     from then on; its THA form is entered at that visit);
**  4. two latent scores per hip (baseline condition, gain), worse for higher
**     stages, progressed and converted hips; each outcome at each visit is
**     fitted (fit_moments) from the latent mix, so VAS and HHS agree within
**     a hip and over time, then the responder count is met by swapping final
**     values between hips (a swap leaves every mean and SD unchanged);
**  5. MRI findings: lesion size from the radiological outcome, adjusted
**     until the mean reduction per stage prints as the paper's; oedema
**     resolution by visit; stage-defining findings per staging system, with
**     a progression at the last read of progressed hips;
**  6. SF-36 health levels, the gain scaled by bisection until the domain
**     means improve by the paper's average percentage;
**  7. writing, patient by patient, visit by visit, in one batch
**     (store_begin / store_commit): screening, enrolment, each form the
**     protocol lists for the visit, the THA and adverse-event forms, and
**     the date of a visit that collects no form (store_visit) once the
**     patient has attended the visit after it.
** Costs: O(patients x visits x forms) store writes, each O(items); the fits
** are O(n^2) at worst on n <= hips.
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "core/mem.h"
#include "demo/answers.h"
#include "demo/cohort.h"
#include "demo/cohort_int.h"
#include "demo/fit.h"

#define DEMO_USER "demo"

/* --- small helpers --- */

static double unif(gsl_rng *r, double lo, double hi) { return lo + (hi - lo) * gsl_rng_uniform(r); }
static int unif_int(gsl_rng *r, int lo, int hi) {
  return lo + (int)gsl_rng_uniform_int(r, (unsigned long)(hi - lo + 1));
}
static double round1(double x) { return round(x * 10) / 10; }

static int count_of(const demo_count *c, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(c[i].name, name)) return c[i].n;
  return 0;
}

double gen_visit_months(const proto_visit *v) {
  switch (v->at.unit) {
  case AVN_UNIT_DAY: return v->at.amount / (365.25 / 12);
  case AVN_UNIT_WEEK: return v->at.amount * 7 / (365.25 / 12);
  case AVN_UNIT_MONTH: return v->at.amount;
  case AVN_UNIT_YEAR: return v->at.amount * 12.0;
  }
  return 0;
}

int gen_stage_ord(const protocol *p, const char *stage) {
  const proto_field *f = protocol_find_field(p, "stage");
  for (size_t i = 0; f && i < f->n_codes; i++)
    if (!strcmp(f->codes[i], stage)) return (int)i;
  return -1;
}

/* --- 1. patients --- */

static avn_rc make_patients(gen *g) {
  const demo_spec *sp = g->sp;
  size_t n = (size_t)sp->patients;
  avn_rc rc = AVN_OK;
  int *male = NULL, *bil = NULL;
  double *ages = NULL, *lat = NULL;
  if (sp->patients < 2) return avn_fail(g->e, AVN_E_RANGE, "patients", NULL, "at least 2 patients");
  if (sp->bilateral < 0 || sp->bilateral > sp->patients)
    return avn_fail(g->e, AVN_E_RANGE, "bilateral", NULL, "between 0 and the number of patients");
  g->pats = avn_calloc(n, sizeof *g->pats);
  male = avn_calloc(n, sizeof *male);
  bil = avn_calloc(n, sizeof *bil);
  ages = avn_calloc(n, sizeof *ages);
  lat = avn_calloc(200, sizeof *lat);
  if (!g->pats || !male || !bil || !ages || !lat) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  g->np = n;
  for (size_t i = 0; i < n; i++) {
    male[i] = (int)i < sp->male;
    bil[i] = (int)i < sp->bilateral;
  }
  gsl_ran_shuffle(g->r, male, n, sizeof *male);
  gsl_ran_shuffle(g->r, bil, n, sizeof *bil);
  /* Age: whole years; the printed range's ends kept. */
  size_t nl = fit_lattice_uniform(sp->age_min, sp->age_max, 1, lat, 200);
  double fixed[2] = {sp->age_min, sp->age_max};
  fit_spec fs = {.n = n, .mean = sp->age_mean, .sd = sp->age_sd, .decimals = sp->age_decimals,
                 .lattice = lat, .n_lattice = nl, .lo = sp->age_min, .hi = sp->age_max,
                 .fixed = sp->age_range_printed ? fixed : NULL, .n_fixed = sp->age_range_printed ? 2 : 0};
  rc = fit_moments(&fs, g->r, ages, g->e);
  if (rc) goto cleanup;
  gsl_ran_shuffle(g->r, ages, n, sizeof *ages);
  double span = (double)(sp->enrol_last - sp->enrol_first);
  for (size_t i = 0; i < n; i++) {
    gpat *pt = &g->pats[i];
    snprintf(pt->code, sizeof pt->code, "P%03zu", i + 1);
    snprintf(pt->scr, sizeof pt->scr, "S%03zu", i + 1);
    pt->male = male[i];
    pt->age = (int)ages[i];
    avn_date d = sp->enrol_first + (avn_date)lround(span * (double)i / (double)(n - 1));
    if (i > 0 && i + 1 < n) d += unif_int(g->r, -2, 2);
    int wd = (int)(((d + 4) % 7 + 7) % 7);    /* 0 Sunday .. 6 Saturday */
    if (wd == 6) d -= 1;
    if (wd == 0) d += 1;
    if (d < sp->enrol_first) d = sp->enrol_first;
    if (d > sp->enrol_last) d = sp->enrol_last;
    pt->enrol = d;
    /* Birthday 10-350 days before the enrolment's anniversary: the age is
    ** the same at screening (a week earlier) and at enrolment. */
    pt->birth = avn_date_add(d, -pt->age, AVN_UNIT_YEAR) - unif_int(g->r, 10, 350);
    if (avn_date_age_years(pt->birth, d) != pt->age ||
        avn_date_age_years(pt->birth, d - sp->screen_days) != pt->age) {
      rc = avn_fail(g->e, AVN_E_STATE, "birth", pt->code, "age at enrolment does not match");
      goto cleanup;
    }
    pt->n_hips = bil[i] ? 2 : 1;
    pt->side[0] = bil[i] ? SIDE_LEFT : (gsl_rng_uniform(g->r) < 0.5 ? SIDE_LEFT : SIDE_RIGHT);
    pt->side[1] = SIDE_RIGHT;
    pt->conservative = round1(unif(g->r, 3, 18));
  }
cleanup:
  avn_free(male);
  avn_free(bil);
  avn_free(ages);
  avn_free(lat);
  return rc;
}

/* --- 2. hips: etiology, stage, radiological outcome, conversion --- */

static avn_rc assign_etiology(gen *g) {
  const demo_spec *sp = g->sp;
  size_t nbil = 0, k = 0;
  for (size_t i = 0; i < g->np; i++) nbil += g->pats[i].n_hips == 2;
  int pairs = 0;
  for (size_t i = 0; i < sp->n_pairs; i++) pairs += sp->pairs[i].n;
  if (nbil && (size_t)pairs != nbil)
    return avn_fail(g->e, AVN_E_RANGE, "etiology.bilateral_pairs", NULL,
                    "pairs (%d) must equal the bilateral patients (%zu)", pairs, nbil);
  /* The etiologies of one-sided units (hips or patients): counts minus pairs. */
  size_t units = sp->etiology_per_hip ? g->nh - 2 * nbil : g->np - nbil, total = 0;
  const char **one = avn_calloc(units ? units : 1, sizeof *one);
  const char **two = avn_calloc(nbil ? nbil : 1, sizeof *two);
  if (!one || !two) {
    avn_free(one);
    avn_free(two);
    return AVN_E_NOMEM;
  }
  for (size_t i = 0; i < sp->n_etiology; i++) {
    int paired = count_of(sp->pairs, sp->n_pairs, sp->etiology[i].name);
    int rest = sp->etiology[i].n - (sp->etiology_per_hip ? 2 : 1) * paired;
    if (rest < 0) {
      avn_free(one);
      avn_free(two);
      return avn_fail(g->e, AVN_E_RANGE, "etiology", sp->etiology[i].name, "fewer than its bilateral pairs need");
    }
    for (int j = 0; j < rest && total < units; j++) one[total++] = sp->etiology[i].name;
  }
  size_t sum = 0;
  for (size_t i = 0; i < sp->n_etiology; i++) sum += (size_t)sp->etiology[i].n;
  size_t want = sp->etiology_per_hip ? g->nh : g->np;
  if (sum != want || total != units) {
    avn_free(one);
    avn_free(two);
    return avn_fail(g->e, AVN_E_RANGE, "etiology.counts", NULL, "add up to %zu, the %s number %zu", sum,
                    sp->etiology_per_hip ? "hips'" : "patients'", want);
  }
  for (size_t i = 0; i < sp->n_pairs; i++)
    for (int j = 0; j < sp->pairs[i].n; j++) two[k++] = sp->pairs[i].name;
  gsl_ran_shuffle(g->r, one, units, sizeof *one);
  gsl_ran_shuffle(g->r, two, nbil, sizeof *two);
  size_t a = 0, b = 0;
  for (size_t i = 0; i < g->np; i++) {
    gpat *pt = &g->pats[i];
    if (pt->n_hips == 2) {
      pt->etiology = two[b++];
      g->hips[pt->hip[0]].etiology = g->hips[pt->hip[1]].etiology = pt->etiology;
    } else {
      pt->etiology = one[a++];
      g->hips[pt->hip[0]].etiology = pt->etiology;
    }
  }
  avn_free(one);
  avn_free(two);
  return AVN_OK;
}

typedef struct slot {
  const char *stage;
  int radio;
  bool converted;
} slot;

static avn_rc assign_stages(gen *g) {
  const demo_spec *sp = g->sp;
  slot *slots = avn_calloc(g->nh, sizeof *slots);
  size_t *order = avn_calloc(g->nh, sizeof *order);
  bool *taken = avn_calloc(g->nh, sizeof *taken);
  size_t ns = 0, nprog = 0;
  avn_rc rc = AVN_OK;
  if (!slots || !order || !taken) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  for (size_t i = 0; i < sp->n_stages; i++) {
    const char *st = sp->stages[i].name;
    if (gen_stage_ord(g->p, st) < 0) {
      rc = avn_fail(g->e, AVN_E_UNKNOWN, "stage", st, "not a stage of protocol '%s'", g->p->name);
      goto cleanup;
    }
    int conv = count_of(sp->conv_by_stage, sp->n_conv_by_stage, st);
    const demo_radio *ra = NULL;
    for (size_t k = 0; k < sp->n_radio; k++)
      if (!strcmp(sp->radio[k].stage, st)) ra = &sp->radio[k];
    int n = sp->stages[i].n;
    if (ra && ra->improved + ra->stable + ra->progressed != n) {
      rc = avn_fail(g->e, AVN_E_RANGE, "radiology", st, "outcomes do not add up to the stage's %d hips", n);
      goto cleanup;
    }
    if (ra && conv > ra->progressed) {
      rc = avn_fail(g->e, AVN_E_RANGE, "conversions", st, "more conversions than progressed hips");
      goto cleanup;
    }
    for (int j = 0; j < n && ns < g->nh; j++) {
      slot *s = &slots[ns++];
      s->stage = st;
      s->radio = !ra ? -1 : j < ra->improved ? 0 : j < ra->improved + ra->stable ? 1 : 2;
      s->converted = ra ? (s->radio == 2 && j - ra->improved - ra->stable < conv) : j < conv;
      nprog += s->radio == 2;
    }
  }
  if (ns != g->nh) {
    rc = avn_fail(g->e, AVN_E_RANGE, "stage", NULL, "stage counts add up to %zu, not the %zu hips", ns, g->nh);
    goto cleanup;
  }
  /* Progressed slots go to hips of the etiologies the paper names. */
  for (size_t i = 0; i < g->nh; i++) order[i] = i;
  gsl_ran_shuffle(g->r, order, g->nh, sizeof *order);
  gsl_ran_shuffle(g->r, slots, g->nh, sizeof *slots);
  size_t *prog = avn_calloc(g->nh, sizeof *prog), np = 0;
  if (!prog) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  if (sp->n_prog_by_etiology) {
    for (size_t k = 0; k < sp->n_prog_by_etiology; k++) {
      int want = sp->prog_by_etiology[k].n;
      for (size_t i = 0; i < g->nh && want > 0; i++) {
        size_t h = order[i];
        if (taken[h] || strcmp(g->hips[h].etiology, sp->prog_by_etiology[k].name)) continue;
        taken[h] = true;
        prog[np++] = h;
        want--;
      }
      if (want) {
        avn_free(prog);
        rc = avn_fail(g->e, AVN_E_RANGE, "progressed_by_etiology", sp->prog_by_etiology[k].name,
                      "more than the hips of that etiology");
        goto cleanup;
      }
    }
    if (np != nprog) {
      avn_free(prog);
      rc = avn_fail(g->e, AVN_E_RANGE, "progressed_by_etiology", NULL,
                    "adds up to %zu, Table 3 has %zu progressed", np, nprog);
      goto cleanup;
    }
  }
  size_t pi = 0, oi = 0;
  for (size_t k = 0; k < g->nh; k++) {
    const slot *s = &slots[k];
    size_t h;
    if (np && s->radio == 2) {
      h = prog[pi++];
    } else {
      while (taken[order[oi]]) oi++;
      h = order[oi];
      taken[h] = true;
    }
    ghip *hp = &g->hips[h];
    hp->stage = s->stage;
    hp->stage_ord = gen_stage_ord(g->p, s->stage);
    hp->radio = s->radio;
    hp->converted = s->converted;
  }
  avn_free(prog);
cleanup:
  avn_free(slots);
  avn_free(order);
  avn_free(taken);
  return rc;
}

static avn_rc make_hips(gen *g) {
  size_t nh = 0;
  for (size_t i = 0; i < g->np; i++) nh += (size_t)g->pats[i].n_hips;
  g->hips = avn_calloc(nh, sizeof *g->hips);
  if (!g->hips) return AVN_E_NOMEM;
  g->nh = nh;
  size_t h = 0;
  for (size_t i = 0; i < g->np; i++)
    for (int k = 0; k < g->pats[i].n_hips; k++) {
      g->pats[i].hip[k] = h;
      g->hips[h].pat = i;
      g->hips[h].side = g->pats[i].side[k];
      g->hips[h].tha_visit = SIZE_MAX;
      h++;
    }
  avn_rc rc = assign_etiology(g);
  if (!rc) rc = assign_stages(g);
  return rc;
}

/* --- 3. dates --- */

static avn_rc make_dates(gen *g) {
  const protocol *p = g->p;
  const demo_spec *sp = g->sp;
  for (size_t i = 0; i < g->np; i++) {
    gpat *pt = &g->pats[i];
    pt->vdate = avn_calloc(p->n_visits, sizeof *pt->vdate);
    if (!pt->vdate) return AVN_E_NOMEM;
    for (size_t v = 0; v < p->n_visits; v++) {
      const proto_visit *pv = &p->visits[v];
      avn_date planned = avn_date_add(pt->enrol, pv->at.amount, pv->at.unit);
      avn_date lo = avn_date_add(planned, -pv->before.amount, pv->before.unit);
      avn_date hi = avn_date_add(planned, pv->after.amount, pv->after.unit);
      int a = planned - lo > 5 ? 5 : (int)(planned - lo), b = hi - planned > 5 ? 5 : (int)(hi - planned);
      pt->vdate[v] = planned + (a + b ? unif_int(g->r, -a, b) : 0);
      if (v > 0 && pt->vdate[v] <= pt->vdate[v - 1]) pt->vdate[v] = pt->vdate[v - 1] + 1;
    }
  }
  size_t nconv = 0;
  for (size_t h = 0; h < g->nh; h++) {
    ghip *hp = &g->hips[h];
    if (!hp->converted) continue;
    nconv++;
    const gpat *pt = &g->pats[hp->pat];
    avn_date lo = pt->enrol + (avn_date)lround(sp->conv_month_lo * 365.25 / 12);
    avn_date hi = pt->enrol + (avn_date)lround(sp->conv_month_hi * 365.25 / 12);
    hp->tha_date = lo + unif_int(g->r, 0, (int)(hi - lo));
    for (size_t v = 0; v < p->n_visits; v++)
      if (pt->vdate[v] == hp->tha_date) hp->tha_date++;
    for (size_t v = 0; v < p->n_visits && hp->tha_visit == SIZE_MAX; v++)
      if (pt->vdate[v] > hp->tha_date) hp->tha_visit = v;
    if (hp->tha_visit == SIZE_MAX)
      return avn_fail(g->e, AVN_E_RANGE, "conversions.months", NULL, "a conversion falls after the last visit");
  }
  if (sp->conv_hips && (int)nconv != sp->conv_hips)
    return avn_fail(g->e, AVN_E_RANGE, "conversions.by_stage", NULL, "adds up to %zu, not %d hips", nconv,
                    sp->conv_hips);
  return AVN_OK;
}

/* --- 4. outcomes --- */

static size_t lattice_for(gen *g, const demo_outcome *o, double *lat, size_t cap) {
  if (!strcmp(o->form, "hhs")) return demo_hhs_lattice(g->ans, o->lo, o->hi, lat, cap);
  if (!strcmp(o->form, "womac")) {
    size_t n = 0;
    for (int k = 0; k <= 96 && n < cap; k++) {
      double v = k * 100.0 / 96.0;
      if (v >= o->lo - 1e-9 && v <= o->hi + 1e-9) lat[n++] = v;
    }
    return n;
  }
  return fit_lattice_uniform(o->lo, o->hi, o->step > 0 ? o->step : 1, lat, cap);
}

static const demo_target *target_at(const demo_outcome *o, const char *visit) {
  for (size_t i = 0; i < o->n_targets; i++)
    if (!strcmp(o->targets[i].visit, visit)) return &o->targets[i];
  return NULL;
}

/* The level of hip h in grouping k: 0 stage, 1 etiology, 2 sex. */
static const char *level_of(const gen *g, size_t h, int k) {
  const ghip *hp = &g->hips[h];
  if (k == 0) return hp->stage;
  if (k == 1) return hp->etiology;
  return g->pats[hp->pat].male ? "male" : "female";
}

/* Failures (conversion or no response) in the level of hip h, grouping k. */
static int fails_in(const gen *g, size_t o, size_t vf, size_t vt, double sign, double more, size_t h, int k) {
  int n = 0;
  for (size_t j = 0; j < g->nh; j++) {
    if (strcmp(level_of(g, j, k), level_of(g, h, k))) continue;
    double a = VAL(g, o, vf, j), b = VAL(g, o, vt, j);
    n += g->hips[j].converted || isnan(a) || isnan(b) || !(sign * (b - a) > more);
  }
  return n;
}

/* With the responder count met, moves non-responses (by swapping final
** values, count and moments unchanged) so that every stage, etiology and
** sex with at least two hips has a failure as well as a success where it
** can: a real cohort rarely has a subgroup in which every hip succeeds,
** and a logistic model of success on these predictors would otherwise
** face complete separation. */
static avn_rc spread_failures(gen *g, size_t o, size_t vf, size_t vt, double sign, double more) {
  for (int guard = 0; guard < 64; guard++) {
    bool moved = false;
    for (int k = 0; k < 3 && !moved; k++) {
      for (size_t h = 0; h < g->nh && !moved; h++) {
        double ah = VAL(g, o, vf, h), bh = VAL(g, o, vt, h);
        if (isnan(ah) || isnan(bh) || fails_in(g, o, vf, vt, sign, more, h, k) > 0) continue;
        size_t size = 0;
        for (size_t j = 0; j < g->nh; j++) size += !strcmp(level_of(g, j, k), level_of(g, h, k));
        if (size < 2) continue;
        /* The responder of this level nearest the threshold, and a
        ** non-responder elsewhere whose levels keep another failure. */
        size_t best_h = SIZE_MAX, best_j = SIZE_MAX;
        double gap = INFINITY;
        for (size_t i = 0; i < g->nh; i++) {
          double ai = VAL(g, o, vf, i), bi = VAL(g, o, vt, i);
          if (isnan(ai) || isnan(bi) || strcmp(level_of(g, i, k), level_of(g, h, k))) continue;
          for (size_t j = 0; j < g->nh; j++) {
            double aj = VAL(g, o, vf, j), bj = VAL(g, o, vt, j);
            if (isnan(aj) || isnan(bj) || sign * (bj - aj) > more) continue;
            bool keeps = true;
            for (int q = 0; q < 3; q++) keeps &= fails_in(g, o, vf, vt, sign, more, j, q) >= 2;
            if (!keeps || !(sign * (bj - ai) <= more) || !(sign * (bi - aj) > more)) continue;
            double d = fabs(bi - bj);
            if (d < gap) {
              gap = d;
              best_h = i;
              best_j = j;
            }
          }
        }
        if (best_h == SIZE_MAX) continue;
        double t = VAL(g, o, vt, best_h);
        VAL(g, o, vt, best_h) = VAL(g, o, vt, best_j);
        VAL(g, o, vt, best_j) = t;
        moved = true;
      }
    }
    if (!moved) break;
  }
  return AVN_OK;
}

/* Responders: swap final values between hips (means and SDs stay) until
** the count of (to - from) > more_than is the paper's. */
static avn_rc fix_responders(gen *g) {
  const demo_spec *sp = g->sp;
  if (!sp->resp_outcome) return AVN_OK;
  size_t o = SIZE_MAX, vf = protocol_visit_index(g->p, sp->resp_from), vt = protocol_visit_index(g->p, sp->resp_to);
  for (size_t k = 0; k < sp->n_outcomes; k++)
    if (!strcmp(sp->outcomes[k].name, sp->resp_outcome)) o = k;
  if (o == SIZE_MAX || vf == SIZE_MAX || vt == SIZE_MAX)
    return avn_fail(g->e, AVN_E_UNKNOWN, "responder", sp->resp_outcome, "outcome or visit unknown");
  double sign = sp->outcomes[o].lower_better ? -1 : 1, more = sp->resp_more_than;
  for (int guard = 0; guard < 1000; guard++) {
    int count = 0;
    for (size_t h = 0; h < g->nh; h++) {
      double a = VAL(g, o, vf, h), b = VAL(g, o, vt, h);
      if (!isnan(a) && !isnan(b) && sign * (b - a) > more) count++;
    }
    if (count == sp->resp_hips) return spread_failures(g, o, vf, vt, sign, more);
    int need = count < sp->resp_hips ? 1 : -1;
    size_t bi = SIZE_MAX, bj = SIZE_MAX;
    double best = INFINITY;
    for (size_t i = 0; i < g->nh; i++) {
      double ai = VAL(g, o, vf, i), bi_ = VAL(g, o, vt, i);
      if (isnan(ai) || isnan(bi_)) continue;
      for (size_t j = i + 1; j < g->nh; j++) {
        double aj = VAL(g, o, vf, j), bj_ = VAL(g, o, vt, j);
        if (isnan(aj) || isnan(bj_)) continue;
        int before = (sign * (bi_ - ai) > more) + (sign * (bj_ - aj) > more);
        int after = (sign * (bj_ - ai) > more) + (sign * (bi_ - aj) > more);
        if (after - before != need) continue;
        double cost = fabs(bi_ - bj_);
        if (cost < best) {
          best = cost;
          bi = i;
          bj = j;
        }
      }
    }
    if (bi == SIZE_MAX) break;
    double t = VAL(g, o, vt, bi);
    VAL(g, o, vt, bi) = VAL(g, o, vt, bj);
    VAL(g, o, vt, bj) = t;
  }
  return avn_fail(g->e, AVN_E_NOCONV, "responder", sp->resp_outcome, "cannot reach %d responders", sp->resp_hips);
}

static avn_rc make_outcomes(gen *g) {
  const demo_spec *sp = g->sp;
  const protocol *p = g->p;
  size_t cap = 2100;
  double *lat = avn_calloc(cap, sizeof *lat), *z = avn_calloc(g->nh, sizeof *z);
  double *vals = avn_calloc(g->nh, sizeof *vals);
  size_t *who = avn_calloc(g->nh, sizeof *who);
  avn_rc rc = AVN_OK;
  g->val = avn_calloc(sp->n_outcomes * p->n_visits * g->nh + 1, sizeof *g->val);
  if (!lat || !z || !vals || !who || !g->val) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  for (size_t i = 0; i < sp->n_outcomes * p->n_visits * g->nh; i++) g->val[i] = NAN;
  /* Latent condition and gain per hip (higher = better). */
  for (size_t h = 0; h < g->nh; h++) {
    ghip *hp = &g->hips[h];
    hp->base = gsl_ran_gaussian(g->r, 1.0) - 0.5 * (hp->stage_ord - 2) - (hp->converted ? 0.5 : 0);
    hp->gain = gsl_ran_gaussian(g->r, 1.0) + (hp->radio == 0 ? 0.6 : hp->radio == 2 ? -0.9 : 0) -
               (hp->converted ? 0.6 : 0);
  }
  double last_months = gen_visit_months(&p->visits[p->n_visits - 1]);
  for (size_t o = 0; o < sp->n_outcomes; o++) {
    const demo_outcome *oc = &sp->outcomes[o];
    if (!inst_find(oc->form)) {
      rc = avn_fail(g->e, AVN_E_UNKNOWN, "outcomes.form", oc->form, "no such form");
      goto cleanup;
    }
    for (size_t k = 0; k < oc->n_targets; k++) {
      size_t v = protocol_visit_index(p, oc->targets[k].visit);
      if (v == SIZE_MAX || !protocol_visit_has_form(&p->visits[v], oc->form)) {
        rc = avn_fail(g->e, AVN_E_UNKNOWN, "targets", oc->targets[k].visit,
                      "protocol '%s' does not schedule '%s' at this visit", p->name, oc->form);
        goto cleanup;
      }
    }
    size_t nl = lattice_for(g, oc, lat, cap);
    for (size_t v = 0; v < p->n_visits; v++) {
      if (!protocol_visit_has_form(&p->visits[v], oc->form)) continue;
      const demo_target *t = target_at(oc, p->visits[v].name);
      if (!t) {
        rc = avn_fail(g->e, AVN_E_REQUIRED, oc->name, p->visits[v].name,
                      "the protocol schedules '%s' at this visit: give a target (mean, sd)", oc->form);
        goto cleanup;
      }
      double w = last_months > 0 ? gen_visit_months(&p->visits[v]) / last_months : 0;
      size_t n = 0;
      for (size_t h = 0; h < g->nh; h++) {
        if (g->hips[h].tha_visit <= v) continue;
        double zz = (1 - w) * g->hips[h].base + w * (0.6 * g->hips[h].base + g->hips[h].gain) +
                    gsl_ran_gaussian(g->r, 0.35);
        z[n] = oc->lower_better ? -zz : zz;
        who[n++] = h;
      }
      fit_spec fs = {.n = n, .mean = t->mean, .sd = t->sd, .decimals = oc->decimals, .lattice = lat,
                     .n_lattice = nl, .lo = oc->lo, .hi = oc->hi, .z = z};
      rc = fit_moments(&fs, g->r, vals, g->e);
      if (rc) {
        if (g->e) snprintf(g->e->field, sizeof g->e->field, "%s at %s", oc->name, p->visits[v].name);
        goto cleanup;
      }
      for (size_t i = 0; i < n; i++) VAL(g, o, v, who[i]) = vals[i];
    }
  }
  rc = fix_responders(g);
cleanup:
  avn_free(lat);
  avn_free(z);
  avn_free(vals);
  avn_free(who);
  return rc;
}

/* --- 5. MRI: lesion size, oedema, findings --- */

static bool is_mri_visit(const protocol *p, size_t v) {
  for (size_t i = 0; i < p->n_mri; i++)
    if (p->mri[i] == v) return true;
  return false;
}

/* The hip's last MRI visit (before its conversion), or SIZE_MAX. */
static size_t gen_last_mri(const gen *g, const ghip *hp) {
  size_t last = SIZE_MAX;
  for (size_t v = 0; v < g->p->n_visits; v++)
    if (is_mri_visit(g->p, v) && v < hp->tha_visit) last = v;
  return last;
}

static void reduction_bounds(int radio, bool converted, double *lo, double *hi) {
  if (radio == 0) { *lo = 11; *hi = 45; }
  else if (radio == 1) { *lo = -5; *hi = 9; }
  else if (radio == 2 || converted) { *lo = -20; *hi = -2; }
  else { *lo = -4; *hi = 22; }
}

static avn_rc make_lesions(gen *g) {
  const demo_spec *sp = g->sp;
  for (size_t h = 0; h < g->nh; h++) {
    ghip *hp = &g->hips[h];
    double lo = 15, hi = 40;
    if (hp->stage_ord == 1) { lo = 10; hi = 25; }
    if (hp->stage_ord >= 3) { lo = 25; hi = 50; }
    hp->lesion0 = round1(unif(g->r, lo, hi));
    double rlo, rhi;
    reduction_bounds(hp->radio, hp->converted, &rlo, &rhi);
    hp->reduction = unif(g->r, rlo + 2, rhi - 2);
  }
  /* Mean reduction per stage where the paper prints one. */
  for (size_t k = 0; k < sp->n_lesion; k++) {
    const char *st = sp->lesion[k].name;
    double target = sp->lesion[k].lo;
    for (int pass = 0; pass < 50; pass++) {
      double sum = 0;
      size_t n = 0, nadj = 0;
      for (size_t h = 0; h < g->nh; h++) {
        const ghip *hp = &g->hips[h];
        if (strcmp(hp->stage, st) || gen_last_mri(g, hp) == SIZE_MAX) continue;
        sum += hp->reduction;
        n++;
      }
      if (!n) break;
      double deficit = target * (double)n - sum;
      if (fabs(deficit) < 1e-9) break;
      for (size_t h = 0; h < g->nh; h++) {
        const ghip *hp = &g->hips[h];
        double lo, hi;
        reduction_bounds(hp->radio, hp->converted, &lo, &hi);
        if (!strcmp(hp->stage, st) && (deficit > 0 ? hp->reduction < hi : hp->reduction > lo)) nadj++;
      }
      if (!nadj) break;
      for (size_t h = 0; h < g->nh; h++) {
        ghip *hp = &g->hips[h];
        double lo, hi;
        reduction_bounds(hp->radio, hp->converted, &lo, &hi);
        if (strcmp(hp->stage, st)) continue;
        hp->reduction = fmin(hi, fmax(lo, hp->reduction + deficit / (double)nadj));
      }
    }
  }
  /* Last read = baseline x (1 - reduction), one decimal; then the mean of
  ** the rounded reductions is brought inside the printed interval. */
  for (size_t h = 0; h < g->nh; h++) {
    ghip *hp = &g->hips[h];
    hp->lesion_last = round1(hp->lesion0 * (1 - hp->reduction / 100));
  }
  for (size_t k = 0; k < sp->n_lesion; k++) {
    const char *st = sp->lesion[k].name;
    double target = sp->lesion[k].lo;
    for (int it = 0; it < 10000; it++) {
      double sum = 0;
      size_t n = 0;
      for (size_t h = 0; h < g->nh; h++) {
        const ghip *hp = &g->hips[h];
        if (strcmp(hp->stage, st) || gen_last_mri(g, hp) == SIZE_MAX) continue;
        sum += 100 * (hp->lesion0 - hp->lesion_last) / hp->lesion0;
        n++;
      }
      if (!n || fabs(sum / (double)n - target) < 0.03) break;
      double dir = sum / (double)n < target ? -0.1 : 0.1;   /* smaller last read = larger reduction */
      size_t h = (size_t)gsl_rng_uniform_int(g->r, (unsigned long)g->nh);
      ghip *hp = &g->hips[h];
      if (strcmp(hp->stage, st) || gen_last_mri(g, hp) == SIZE_MAX) continue;
      double last = round1(hp->lesion_last + dir), lo, hi;
      double red = 100 * (hp->lesion0 - last) / hp->lesion0;
      reduction_bounds(hp->radio, hp->converted, &lo, &hi);
      if (red >= lo + 0.5 && red <= hi - 0.5) hp->lesion_last = last;
    }
  }
  return AVN_OK;
}

static int edema_rank(const ghip *hp) {
  if (hp->converted) return 4;
  return hp->radio == 2 ? 3 : hp->radio == 1 ? 2 : 1;
}

static avn_rc make_edema(gen *g) {
  const demo_spec *sp = g->sp;
  const protocol *p = g->p;
  size_t *order = avn_calloc(g->nh, sizeof *order);
  double *key = avn_calloc(g->nh, sizeof *key);
  if (!order || !key) {
    avn_free(order);
    avn_free(key);
    return AVN_E_NOMEM;
  }
  for (size_t h = 0; h < g->nh; h++) {
    order[h] = h;
    key[h] = edema_rank(&g->hips[h]) + gsl_rng_uniform(g->r);
    g->hips[h].bme_resolved = SIZE_MAX;
  }
  /* Most favourable first: those resolve earliest. */
  for (size_t i = 1; i < g->nh; i++)
    for (size_t j = i; j > 0 && key[order[j - 1]] > key[order[j]]; j--) {
      size_t t = order[j];
      order[j] = order[j - 1];
      order[j - 1] = t;
    }
  size_t nb = sp->edema_baseline >= 0 ? (size_t)sp->edema_baseline : (size_t)lround(0.75 * (double)g->nh);
  if (nb > g->nh) nb = g->nh;
  /* The hips without oedema at baseline: drawn among the favourable half. */
  size_t skip = g->nh - nb, half = g->nh / 2;
  for (size_t i = 0; i < g->nh; i++) g->hips[i].bme0 = true;
  for (size_t k = 0; k < skip && half > 0; k++) {
    size_t i;
    do i = (size_t)gsl_rng_uniform_int(g->r, (unsigned long)half);
    while (!g->hips[order[i]].bme0);
    g->hips[order[i]].bme0 = false;
  }
  if (sp->n_edema_resolved) {
    size_t next = 0;
    for (size_t k = 0; k < sp->n_edema_resolved; k++) {
      size_t v = protocol_visit_index(p, sp->edema_resolved[k].name);
      if (v == SIZE_MAX || !is_mri_visit(p, v)) {
        avn_free(order);
        avn_free(key);
        return avn_fail(g->e, AVN_E_UNKNOWN, "edema.resolved", sp->edema_resolved[k].name, "not an MRI visit");
      }
      size_t want = (size_t)sp->edema_resolved[k].n;
      for (size_t i = 0; i < g->nh && next < want; i++) {
        ghip *hp = &g->hips[order[i]];
        if (!hp->bme0 || hp->bme_resolved != SIZE_MAX) continue;
        hp->bme_resolved = v;
        next++;
      }
      if (next < want) {
        avn_free(order);
        avn_free(key);
        return avn_fail(g->e, AVN_E_RANGE, "edema.resolved", sp->edema_resolved[k].name,
                        "more than the hips with oedema");
      }
    }
  } else {
    for (size_t h = 0; h < g->nh; h++) {
      ghip *hp = &g->hips[h];
      if (!hp->bme0 || hp->converted || hp->radio == 2) continue;
      for (size_t v = 1; v < p->n_visits; v++)
        if (is_mri_visit(p, v) && gsl_rng_uniform(g->r) < 0.45) {
          hp->bme_resolved = v;
          break;
        }
    }
  }
  /* Stable and improved hips not yet resolved do so at the final read. */
  size_t final = SIZE_MAX;
  for (size_t v = 0; v < p->n_visits; v++)
    if (is_mri_visit(p, v)) final = v;
  for (size_t h = 0; h < g->nh; h++) {
    ghip *hp = &g->hips[h];
    if (hp->bme0 && hp->bme_resolved == SIZE_MAX && hp->radio != 2 && !hp->converted && final != SIZE_MAX &&
        sp->n_edema_resolved && final > protocol_visit_index(p, sp->edema_resolved[sp->n_edema_resolved - 1].name))
      hp->bme_resolved = final;
  }
  avn_free(order);
  avn_free(key);
  return AVN_OK;
}

/* Findings of hip h at MRI visit v (reader 1). */
static void gen_mri_findings(const gen *g, const ghip *hp, size_t v, demo_mri *m) {
  const protocol *p = g->p;
  size_t last = gen_last_mri(g, hp);
  double t_last = gen_visit_months(&p->visits[last]);
  double frac = t_last > 0 ? gen_visit_months(&p->visits[v]) / t_last : 1;
  if (frac > 1) frac = 1;
  memset(m, 0, sizeof *m);
  m->location = hp->location;
  m->head_pct = v == last ? hp->lesion_last : round1(hp->lesion0 + (hp->lesion_last - hp->lesion0) * frac);
  m->bme = hp->bme0 && (hp->bme_resolved == SIZE_MAX || v < hp->bme_resolved);
  m->surface_pct = -1;
  int stage = hp->stage_ord;
  bool progressing = (hp->radio == 2 || hp->converted) && v == last && v > 0;
  bool ficat = !strcmp(p->staging, "ficat");
  bool collapse = progressing && (hp->converted || stage >= 3);
  if (progressing && !collapse) stage++;
  m->xray = stage <= 1 ? (ficat && hp->xray_variant ? "osteopenia" : "normal") : hp->xray;
  if (stage >= 3) {
    m->xray = "sclerosis_cysts";
    m->crescent = true;
    m->fracture = hp->xray_variant != 0;
    m->surface_pct = hp->surface_pct;
  }
  if (collapse) {
    m->crescent = true;
    m->flattening = true;
    m->depression_mm = hp->depression_last;
    m->surface_pct = round1(hp->surface_pct + 10);
    if (!strcmp(m->xray, "normal") || !strcmp(m->xray, "osteopenia")) m->xray = "sclerosis";
  }
}

/* --- 6. SF-36 levels --- */

/* Physical and mental health levels of a patient at a visit: the physical
** level rises with the hips, the mental one by 40% as much. */
static void sf36_levels(const gen *g, const gpat *pt, size_t v, double k, double *phys, double *ment) {
  double w = gen_visit_months(&g->p->visits[v]);
  double last = gen_visit_months(&g->p->visits[g->p->n_visits - 1]);
  double rise = k * (last > 0 ? w / last : 0) * pt->sf_gain;
  double x = pt->sf_base + rise, y = pt->sf_mental + 0.4 * rise;
  *phys = x < 0.02 ? 0.02 : (x > 0.98 ? 0.98 : x);
  *ment = y < 0.02 ? 0.02 : (y > 0.98 ? 0.98 : y);
}

static const char *const rand_scales[8] = {"pf", "rp", "re", "vt", "mh", "sf", "bp", "gh"};

/* Average relative change (%) of the eight RAND-36 domain means from
** visit a to visit b, answers drawn from a copy of the SF-36 RNG. */
static avn_rc sf36_enhancement(gen *g, double k, size_t a, size_t b, double *out, avn_err *e) {
  gsl_rng *r = gsl_rng_clone(g->rsf);
  double sum[2][8] = {{0}};
  size_t n[2][8] = {{0}};
  avn_rc rc = AVN_OK;
  if (!r) return AVN_E_NOMEM;
  for (size_t i = 0; i < g->np && !rc; i++) {
    for (size_t v = 0; v < g->p->n_visits && !rc; v++) {
      if (!protocol_visit_has_form(&g->p->visits[v], "sf36")) continue;
      double ph, me;
      sf36_levels(g, &g->pats[i], v, k, &ph, &me);
      rc = demo_sf36_items(g->ans, ph, me, 0.12, r, &g->kv, e);
      if (rc || (v != a && v != b)) continue;
      inst_scores sc;
      rc = demo_kv_score("sf36", &g->kv, &sc, e);
      for (int d = 0; d < 8 && !rc; d++) {
        const inst_result *res = inst_scores_get(&sc, rand_scales[d]);
        if (!res || res->missing) continue;
        sum[v == b][d] += res->num;
        n[v == b][d]++;
      }
    }
  }
  gsl_rng_free(r);
  double tot = 0;
  for (int d = 0; d < 8; d++) {
    double m0 = n[0][d] ? sum[0][d] / (double)n[0][d] : NAN, m1 = n[1][d] ? sum[1][d] / (double)n[1][d] : NAN;
    tot += 100 * (m1 / m0 - 1);
  }
  *out = tot / 8;
  return rc;
}

static avn_rc make_sf36(gen *g) {
  const demo_spec *sp = g->sp;
  for (size_t i = 0; i < g->np; i++) {
    gpat *pt = &g->pats[i];
    double hb = 0;
    bool conv = false;
    for (int k = 0; k < pt->n_hips; k++) {
      hb += g->hips[pt->hip[k]].base / pt->n_hips;
      conv |= g->hips[pt->hip[k]].converted;
    }
    pt->sf_base = 0.33 + 0.08 * gsl_ran_gaussian(g->r, 1.0) + 0.03 * hb;
    pt->sf_mental = 0.55 + 0.10 * gsl_ran_gaussian(g->r, 1.0);
    pt->sf_gain = fmax(0.2, 1 + 0.35 * gsl_ran_gaussian(g->r, 1.0)) * (conv ? 0.5 : 1);
  }
  g->sf_k = 0.18;
  if (!sp->sf_from) return AVN_OK;
  size_t a = protocol_visit_index(g->p, sp->sf_from), b = protocol_visit_index(g->p, sp->sf_to);
  if (a == SIZE_MAX || b == SIZE_MAX)
    return avn_fail(g->e, AVN_E_UNKNOWN, "sf36", sp->sf_from, "unknown visit");
  double lo = 0, hi = 1.0;
  for (int it = 0; it < 40; it++) {
    double mid = (lo + hi) / 2, got = 0;
    avn_rc rc = sf36_enhancement(g, mid, a, b, &got, g->e);
    if (rc) return rc;
    g->sf_k = mid;
    g->sf_achieved = got;
    if (fabs(got - sp->sf_enhancement_pct) < 0.05) break;
    if (got < sp->sf_enhancement_pct) lo = mid;
    else hi = mid;
  }
  return AVN_OK;
}

/* --- 7. writing --- */

static avn_rc enter(gen *g, const gpat *pt, size_t v, const char *form, int side, int entry) {
  store_enter_req r = {.patient = pt->code, .visit = g->p->visits[v].name, .form = form, .side = side,
                       .entry = entry, .kv = g->kv.ptr, .n_kv = g->kv.n, .has_date = true,
                       .date = pt->vdate[v], .user = DEMO_USER};
  const inst_def *d = inst_find(form);
  r.new_instance = d && inst_repeats(d) && entry == 1;   /* an adverse event: the patient's next in the log */
  store_enter_result res;
  avn_rc rc = store_enter(g->s, &r, &res, g->e);
  if (rc) return rc;
  g->forms++;
  if (!res.complete)
    return avn_fail(g->e, AVN_E_STATE, form, pt->code, "the demo entered an incomplete form at %s", r.visit);
  return AVN_OK;
}

/* Enters the form in g->kv, twice when the protocol asks for double entry. */
static avn_rc enter_de(gen *g, const gpat *pt, size_t v, const char *form, int side) {
  avn_rc rc = enter(g, pt, v, form, side, 1);
  if (!rc && protocol_double_entry(g->p, form)) rc = enter(g, pt, v, form, side, 2);
  return rc;
}

static void add_range(gen *g, const demo_range *rg, const inst_def *d) {
  if (rg->text) {
    demo_kv_add(&g->kv, "%s=%s", rg->name, rg->text);
    return;
  }
  const inst_item *it = d ? inst_item_find(d, rg->name) : NULL;
  if (it && it->type == INST_INT) demo_kv_add(&g->kv, "%s=%d", rg->name, unif_int(g->r, (int)rg->lo, (int)rg->hi));
  else demo_kv_add(&g->kv, "%s=%.1f", rg->name, round1(unif(g->r, rg->lo, rg->hi)));
}

static avn_rc write_screening(gen *g, gpat *pt) {
  const protocol *p = g->p;
  demo_kv_reset(&g->kv);
  demo_kv_add(&g->kv, "age=%d", pt->age);
  for (int k = 0; k < pt->n_hips; k++)
    demo_kv_add(&g->kv, "stage.%s=%s", side_name(pt->side[k]), g->hips[pt->hip[k]].stage);
  for (size_t i = 0; i < g->sp->n_screening; i++) {
    const demo_range *rg = &g->sp->screening[i];
    const proto_field *f = protocol_find_field(p, rg->name);
    if (!f) return avn_fail(g->e, AVN_E_UNKNOWN, "screening", rg->name, "not a screening field of '%s'", p->name);
    for (int k = 0; k < (f->per_hip ? pt->n_hips : 1); k++) {
      char name[128];
      if (f->per_hip) snprintf(name, sizeof name, "%s.%s", rg->name, side_name(pt->side[k]));
      else snprintf(name, sizeof name, "%s", rg->name);
      if (!strcmp(rg->name, "conservative_months")) demo_kv_add(&g->kv, "%s=%.1f", name, pt->conservative);
      else if (rg->text) demo_kv_add(&g->kv, "%s=%s", name, rg->text);
      else if (f->type == INST_INT) demo_kv_add(&g->kv, "%s=%d", name, unif_int(g->r, (int)rg->lo, (int)rg->hi));
      else demo_kv_add(&g->kv, "%s=%.1f", name, round1(unif(g->r, rg->lo, rg->hi)));
    }
  }
  store_screen_req sr = {.code = pt->scr, .date = pt->enrol - g->sp->screen_days, .kv = g->kv.ptr,
                         .n_kv = g->kv.n, .user = DEMO_USER};
  elig_result er;
  avn_rc rc = store_screen(g->s, &sr, &er, g->e);
  if (rc) return rc;
  bool ok = er.eligible;
  for (int k = 0; k < pt->n_hips; k++) ok &= er.hip_eligible[pt->side[k]];
  elig_result_free(&er);
  if (!ok) return avn_fail(g->e, AVN_E_INELIGIBLE, "screening", pt->scr, "a demo patient screened ineligible");
  store_enroll_req en = {.screening = pt->scr, .patient = pt->code, .date = pt->enrol,
                         .sex = pt->male ? "male" : "female", .birth = pt->birth, .has_birth = true,
                         .user = DEMO_USER};
  return store_enroll(g->s, &en, g->e);
}

static avn_rc write_baseline(gen *g, const gpat *pt, size_t v) {
  double h = pt->male ? gsl_ran_gaussian(g->r, 7) + 172 : gsl_ran_gaussian(g->r, 6) + 160;
  double bmi = 26 + gsl_ran_gaussian(g->r, 3.5);
  bmi = fmin(38, fmax(18.5, bmi));
  const char *e = pt->etiology;
  double u = gsl_rng_uniform(g->r);
  demo_kv_reset(&g->kv);
  demo_kv_add(&g->kv, "weight_kg=%.1f", round1(bmi * (h / 100) * (h / 100)));
  demo_kv_add(&g->kv, "height_cm=%.0f", h);
  demo_kv_add(&g->kv, "smoking=%s", u < 0.5 ? "never" : u < 0.7 ? "former" : "current");
  const char *alcohol = !strcmp(e, "alcohol") ? "heavy" : gsl_rng_uniform(g->r) < 0.2 ? "moderate" : "none";
  demo_kv_add(&g->kv, "alcohol=%s", alcohol);
  const char *steroid = !strcmp(e, "steroid") ? (gsl_rng_uniform(g->r) < 0.6 ? "past" : "current") : "never";
  demo_kv_add(&g->kv, "steroid_use=%s", steroid);
  demo_kv_add(&g->kv, "trauma=%s", !strcmp(e, "trauma") ? "yes" : "no");
  demo_kv_add(&g->kv, "symptom_months=%.1f", round1(pt->conservative + unif(g->r, 1, 12)));
  demo_kv_add(&g->kv, "asa=%d", !strcmp(e, "sickle_cell") ? 2 : unif_int(g->r, 1, 2));
  demo_kv_add(&g->kv, "conservative_months=%.1f", pt->conservative);
  return enter_de(g, pt, v, inst_role_form(INST_ROLE_BASELINE), SIDE_PATIENT);
}

static avn_rc write_cells(gen *g, const gpat *pt, size_t v, int side, int no, double *final_ml) {
  const inst_def *d = inst_find(inst_role_form(INST_ROLE_CELL_PRODUCT));
  const demo_spec *sp = g->sp;
  demo_kv_reset(&g->kv);
  demo_kv_add(&g->kv, "injection_no=%d", no);
  *final_ml = 10;
  int h2l = 15, proc = 60, p2i = 30;
  double viab = 95;
  for (size_t i = 0; i < sp->n_cell; i++) {
    const demo_range *rg = &sp->cell[i];
    double x = rg->text ? rg->lo : unif(g->r, rg->lo, rg->hi);
    if (!strcmp(rg->name, "viability_pct")) viab = x;
    else if (!strcmp(rg->name, "harvest_to_lab_min")) h2l = (int)lround(x);
    else if (!strcmp(rg->name, "processing_min")) proc = (int)lround(x);
    else if (!strcmp(rg->name, "processing_to_injection_min")) p2i = (int)lround(x);
    else if (!strcmp(rg->name, "final_ml")) {
      *final_ml = round1(x);
      demo_kv_add(&g->kv, "final_ml=%.1f", *final_ml);
    } else if (!strcmp(rg->name, "aspirated_ml") && !rg->text) {
      demo_kv_add(&g->kv, "aspirated_ml=%d", (int)lround(x));
    } else {
      add_range(g, rg, d);
    }
  }
  int live = (int)lround(5 * viab);
  demo_kv_add(&g->kv, "live_count=%d", live);
  demo_kv_add(&g->kv, "dead_count=%d", 500 - live);
  char day[11];
  demo_kv_add(&g->kv, "harvest_date=%s", avn_date_format(pt->vdate[v], day));
  int t = 8 * 60 + unif_int(g->r, 0, 90);
  demo_kv_add(&g->kv, "harvest_time=%02d:%02d", t / 60, t % 60);
  t += h2l;
  demo_kv_add(&g->kv, "lab_time=%02d:%02d", t / 60, t % 60);
  t += proc;
  demo_kv_add(&g->kv, "processed_time=%02d:%02d", t / 60, t % 60);
  t += p2i;
  demo_kv_add(&g->kv, "injection_time=%02d:%02d", t / 60, t % 60);
  return enter_de(g, pt, v, inst_role_form(INST_ROLE_CELL_PRODUCT), side);
}

static avn_rc write_procedure(gen *g, const gpat *pt, size_t v, int side, int no, double final_ml) {
  const demo_spec *sp = g->sp;
  const demo_range *rg = no == 1 || !sp->n_proc_repeat ? sp->proc_first : sp->proc_repeat;
  size_t n = no == 1 || !sp->n_proc_repeat ? sp->n_proc_first : sp->n_proc_repeat;
  demo_kv_reset(&g->kv);
  demo_kv_add(&g->kv, "injected_ml=%.1f", final_ml);
  for (size_t i = 0; i < n; i++) {
    if (!strcmp(rg[i].name, "injection_min") && !rg[i].text)
      demo_kv_add(&g->kv, "injection_min=%.1f", 0.5 * unif_int(g->r, (int)(2 * rg[i].lo), (int)(2 * rg[i].hi)));
    else
      add_range(g, &rg[i], inst_find(inst_role_form(INST_ROLE_PROCEDURE)));
  }
  return enter_de(g, pt, v, inst_role_form(INST_ROLE_PROCEDURE), side);
}

static avn_rc write_outcome(gen *g, const gpat *pt, size_t v, size_t o, const ghip *hp, size_t h, demo_rom *rom) {
  const demo_outcome *oc = &g->sp->outcomes[o];
  double x = VAL(g, o, v, h);
  avn_rc rc = AVN_OK;
  if (isnan(x)) return AVN_OK;
  if (!strcmp(oc->form, "hhs")) {
    rc = demo_hhs_items(g->ans, x, g->r, &g->kv, rom, g->e);
  } else if (!strcmp(oc->form, "womac")) {
    rc = demo_womac_items((int)lround(x * 96 / 100), g->r, &g->kv, g->e);
  } else {
    int dec = 0;
    for (double s = oc->step; s > 0 && s < 1 - 1e-9 && dec < 6; s *= 10) dec++;
    demo_kv_reset(&g->kv);
    demo_kv_add(&g->kv, "%s=%.*f", oc->item, dec, x);
  }
  if (rc) return rc;
  return enter_de(g, pt, v, oc->form, hp->side);
}

static avn_rc write_mri(gen *g, const gpat *pt, size_t v, const ghip *hp) {
  demo_mri m;
  char day[11];
  int ord = 0;
  gen_mri_findings(g, hp, v, &m);
  m.reader = "Radiologist A";
  m.read_date = avn_date_format(pt->vdate[v] + 1, day);
  avn_rc rc = demo_mri_items(&m, g->p->staging, &g->kv, &ord, g->e);
  if (rc) return rc;
  if (v == 0 && ord != hp->stage_ord)
    return avn_fail(g->e, AVN_E_STATE, "mri", pt->code, "baseline findings derive stage %d, screened %s", ord,
                    hp->stage);
  rc = enter(g, pt, v, inst_role_form(INST_ROLE_IMAGING), hp->side, 1);
  if (rc || !protocol_double_entry(g->p, inst_role_form(INST_ROLE_IMAGING))) return rc;
  if (g->sp->second_reader) {
    m.reader = "Radiologist B";
    m.head_pct = round1(fmax(1, m.head_pct + unif(g->r, -2, 2)));
    /* One read in about twenty-five, the second radiologist sees one
    ** stage-defining finding differently (no effect on the analysis,
    ** which uses the first read until a consensus read exists; it is what
    ** the reader-agreement kappa measures). */
    if (gsl_rng_uniform(g->r) < 0.04 && !m.flattening) {
      if (!strcmp(m.xray, "normal")) {
        m.xray = "sclerosis";
      } else if (m.crescent) {
        m.crescent = m.fracture = false;
        m.surface_pct = -1;
      } else {
        m.crescent = true;
        m.surface_pct = 10;
      }
    }
    rc = demo_mri_items(&m, g->p->staging, &g->kv, &ord, g->e);
    if (rc) return rc;
    return enter(g, pt, v, inst_role_form(INST_ROLE_IMAGING), hp->side, 1);   /* reader B's own read */
  }
  return enter(g, pt, v, inst_role_form(INST_ROLE_IMAGING), hp->side, 2);   /* reader A's read, typed again */
}

/* Visits that collect no form (single-dose's 2-week wound check) just
** before visit v, which the patient attended: each is recorded with its
** date from make_dates through store_visit, as a site would with avn visit,
** unless the patient had no hip left in follow-up by then (every hip
** converted before it; the demo withdraws nobody). So the same cohort gives
** the same records, and no rng draw is spent. */
static avn_rc write_formless_visits(gen *g, const gpat *pt, size_t v) {
  const protocol *p = g->p;
  size_t u0 = v;
  while (u0 > 0 && p->visits[u0 - 1].n_forms == 0) u0--;
  for (size_t u = u0; u < v; u++) {
    bool in_follow_up = false;
    for (int k = 0; k < pt->n_hips; k++) in_follow_up |= g->hips[pt->hip[k]].tha_visit > u;
    if (!in_follow_up) continue;
    store_visit_req r = {.patient = pt->code, .visit = p->visits[u].name, .date = pt->vdate[u],
                         .user = DEMO_USER};
    avn_rc rc = store_visit(g->s, &r, NULL, g->e);
    if (rc) return rc;
  }
  return AVN_OK;
}

static avn_rc write_patient(gen *g, size_t pi) {
  gpat *pt = &g->pats[pi];
  const protocol *p = g->p;
  const demo_spec *sp = g->sp;
  avn_rc rc = write_screening(g, pt);
  if (rc) return rc;
  size_t sf_v = 0;
  for (size_t v = 0; v < p->n_visits; v++) {
    const proto_visit *pv = &p->visits[v];
    demo_rom rom[2];
    bool has_rom[2] = {false, false};
    size_t forms_before = g->forms;   /* a form entered here records the visit's date */
    for (size_t f = 0; f < pv->n_forms; f++) {
      const char *form = pv->forms[f];
      bool done = false;
      if (!strcmp(form, inst_role_form(INST_ROLE_BASELINE))) {
        rc = write_baseline(g, pt, v);
        done = true;
      } else if (!strcmp(form, "sf36")) {
        double ph, me;
        sf36_levels(g, pt, v, g->sf_k, &ph, &me);
        rc = demo_sf36_items(g->ans, ph, me, 0.12, g->rsf_write, &g->kv, g->e);
        if (!rc) rc = enter_de(g, pt, v, "sf36", SIDE_PATIENT);
        sf_v++;
        done = true;
      } else if (!strcmp(form, "satisfaction")) {
        if (sp->sat_visit && !strcmp(sp->sat_visit, pv->name)) {
          demo_kv_reset(&g->kv);
          demo_kv_add(&g->kv, "satisfaction=%s", pt->satisfaction);
          rc = enter_de(g, pt, v, "satisfaction", SIDE_PATIENT);
        }
        done = true;
      }
      if (rc) return rc;
      if (done) continue;
      for (int k = 0; k < pt->n_hips && !rc; k++) {
        size_t h = pt->hip[k];
        const ghip *hp = &g->hips[h];
        if (hp->tha_visit <= v) continue;
        if (!strcmp(form, inst_role_form(INST_ROLE_HIP_BASELINE))) {
          demo_kv_reset(&g->kv);
          demo_kv_add(&g->kv, "etiology=%s", hp->etiology);
          demo_kv_add(&g->kv, "symptomatic=yes");
          rc = enter_de(g, pt, v, form, hp->side);
        } else if (!strcmp(form, inst_role_form(INST_ROLE_IMAGING))) {
          if (is_mri_visit(p, v)) rc = write_mri(g, pt, v, hp);
        } else if (!strcmp(form, inst_role_form(INST_ROLE_PROCEDURE)) || !strcmp(form, inst_role_form(INST_ROLE_CELL_PRODUCT))) {
          if (!strcmp(form, inst_role_form(INST_ROLE_CELL_PRODUCT))) continue;   /* written with the procedure */
          int no = 0;
          for (size_t q = 0; q < p->n_procs; q++)
            if (p->procs[q].visit == v) no = (int)q + 1;
          if (!no) continue;
          double ml = 10;
          rc = write_cells(g, pt, v, hp->side, no, &ml);
          if (!rc) rc = write_procedure(g, pt, v, hp->side, no, ml);
        } else if (!strcmp(form, "rom")) {
          if (!has_rom[k]) continue;
          demo_kv_reset(&g->kv);
          demo_kv_add(&g->kv, "flexion_deg=%d", rom[k].flexion);
          demo_kv_add(&g->kv, "abduction_deg=%d", rom[k].abduction);
          demo_kv_add(&g->kv, "adduction_deg=%d", rom[k].adduction);
          demo_kv_add(&g->kv, "er_deg=%d", rom[k].er);
          demo_kv_add(&g->kv, "ir_deg=%d", rom[k].ir);
          rc = enter_de(g, pt, v, "rom", hp->side);
        } else {
          size_t o = SIZE_MAX;
          for (size_t q = 0; q < sp->n_outcomes; q++)
            if (!strcmp(sp->outcomes[q].form, form)) o = q;
          if (o == SIZE_MAX)
            return avn_fail(g->e, AVN_E_UNKNOWN, "form", form, "the demo has no values for this form of visit %s",
                            pv->name);
          demo_rom rm;
          rc = write_outcome(g, pt, v, o, hp, h, &rm);
          if (!rc && !strcmp(form, "hhs")) {
            rom[k] = rm;
            has_rom[k] = true;
          }
        }
      }
      if (rc) return rc;
    }
    /* Conversions reported at this visit. */
    for (int k = 0; k < pt->n_hips; k++) {
      const ghip *hp = &g->hips[pt->hip[k]];
      if (hp->tha_visit != v) continue;
      char day[11];
      demo_kv_reset(&g->kv);
      demo_kv_add(&g->kv, "tha_date=%s", avn_date_format(hp->tha_date, day));
      demo_kv_add(&g->kv, "reason=collapse");
      rc = enter(g, pt, v, inst_role_form(INST_ROLE_CONVERSION), hp->side, 1);
      if (rc) return rc;
    }
    /* Adverse events reported at this visit. */
    if (pt->ae && pt->ae_visit == v) {
      char d1[11], d2[11];
      demo_kv_reset(&g->kv);
      demo_kv_add(&g->kv, "term=%s", pt->ae->term);
      demo_kv_add(&g->kv, "grade=%s", pt->ae->grade);
      demo_kv_add(&g->kv, "serious=no");
      demo_kv_add(&g->kv, "related=%s", pt->ae->related);
      demo_kv_add(&g->kv, "onset_date=%s", avn_date_format(pt->ae_onset, d1));
      demo_kv_add(&g->kv, "resolution_date=%s", avn_date_format(pt->ae_end, d2));
      demo_kv_add(&g->kv, "outcome=recovered");
      rc = enter(g, pt, v, inst_role_form(INST_ROLE_ADVERSE_EVENT), SIDE_PATIENT, 1);
      if (rc) return rc;
    }
    if (g->forms > forms_before) {
      rc = write_formless_visits(g, pt, v);
      if (rc) return rc;
    }
  }
  return AVN_OK;
}

static avn_rc plan_events(gen *g) {
  const demo_spec *sp = g->sp;
  const protocol *p = g->p;
  size_t *order = avn_calloc(g->np, sizeof *order), next = 0;
  double *score = avn_calloc(g->np, sizeof *score);
  if (!order || !score) {
    avn_free(order);
    avn_free(score);
    return AVN_E_NOMEM;
  }
  for (size_t i = 0; i < g->np; i++) order[i] = i;
  gsl_ran_shuffle(g->r, order, g->np, sizeof *order);
  for (size_t a = 0; a < sp->n_aes; a++) {
    const demo_ae *ae = &sp->aes[a];
    for (size_t k = 0; k < ae->n_after; k++) {
      size_t v0 = protocol_visit_index(p, ae->after[k].name);
      if (v0 == SIZE_MAX) {
        avn_free(order);
        avn_free(score);
        return avn_fail(g->e, AVN_E_UNKNOWN, "adverse_events.after", ae->after[k].name, "no such visit");
      }
      for (int j = 0; j < ae->after[k].n; j++) {
        if (next >= g->np) {
          avn_free(order);
          avn_free(score);
          return avn_fail(g->e, AVN_E_RANGE, "adverse_events", ae->term, "more patients than enrolled");
        }
        gpat *pt = &g->pats[order[next++]];
        pt->ae = ae;
        pt->ae_onset = pt->vdate[v0] + unif_int(g->r, 0, 1);
        pt->ae_end = pt->ae_onset + unif_int(g->r, ae->days_lo, ae->days_hi);
        pt->ae_visit = SIZE_MAX;
        for (size_t v = v0 + 1; v < p->n_visits && pt->ae_visit == SIZE_MAX; v++)
          if (pt->vdate[v] >= pt->ae_end) pt->ae_visit = v;
        if (pt->ae_visit == SIZE_MAX) {
          avn_free(order);
          avn_free(score);
          return avn_fail(g->e, AVN_E_RANGE, "adverse_events", ae->term, "no visit after the event");
        }
      }
    }
  }
  /* Satisfaction by outcome: best final change first, conversions last. */
  if (sp->sat_visit) {
    size_t o = 0, vf = 0, vt = p->n_visits - 1;
    if (sp->resp_outcome)
      for (size_t q = 0; q < sp->n_outcomes; q++)
        if (!strcmp(sp->outcomes[q].name, sp->resp_outcome)) o = q;
    if (sp->resp_to) vt = protocol_visit_index(p, sp->resp_to);
    for (size_t i = 0; i < g->np; i++) {
      const gpat *pt = &g->pats[i];
      double s = 0;
      for (int k = 0; k < pt->n_hips; k++) {
        size_t h = pt->hip[k];
        double a = VAL(g, o, vf, h), b = vt < p->n_visits ? VAL(g, o, vt, h) : NAN;
        s += isnan(a) || isnan(b) ? -100 : (b - a) * (sp->outcomes[o].lower_better ? -1 : 1);
      }
      score[i] = s / pt->n_hips + gsl_ran_gaussian(g->r, 3);
      order[i] = i;
    }
    for (size_t i = 1; i < g->np; i++)
      for (size_t j = i; j > 0 && score[order[j - 1]] < score[order[j]]; j--) {
        size_t t = order[j];
        order[j] = order[j - 1];
        order[j - 1] = t;
      }
    size_t at = 0;
    for (size_t k = 0; k < sp->n_sat; k++)
      for (int j = 0; j < sp->sat[k].n && at < g->np; j++) g->pats[order[at++]].satisfaction = sp->sat[k].name;
    if (at != g->np) {
      avn_free(order);
      avn_free(score);
      return avn_fail(g->e, AVN_E_RANGE, "satisfaction", NULL, "counts add up to %zu, not %zu patients", at, g->np);
    }
  }
  avn_free(order);
  avn_free(score);
  return AVN_OK;
}

static void hip_details(gen *g) {
  static const char *const xr[] = {"sclerosis", "cysts", "sclerosis_cysts"};
  static const char *const loc[] = {"central", "lateral", "lateral", "multiple"};
  for (size_t h = 0; h < g->nh; h++) {
    ghip *hp = &g->hips[h];
    hp->xray = xr[gsl_rng_uniform_int(g->r, 3)];
    hp->xray_variant = (int)gsl_rng_uniform_int(g->r, 2);
    hp->location = loc[gsl_rng_uniform_int(g->r, 4)];
    hp->surface_pct = round1(unif(g->r, 8, 28));
    hp->depression_last = round1(unif(g->r, 2.5, 4.5));
  }
}

static void gen_free(gen *g) {
  for (size_t i = 0; g->pats && i < g->np; i++) avn_free(g->pats[i].vdate);
  avn_free(g->pats);
  avn_free(g->hips);
  avn_free(g->val);
  if (g->r) gsl_rng_free(g->r);
  if (g->rsf) gsl_rng_free(g->rsf);
  if (g->rsf_write) gsl_rng_free(g->rsf_write);
  demo_answers_free(g->ans);
}

avn_rc demo_build(const demo_spec *sp, const char *db_path, demo_stats *st, avn_err *e) {
  gen g = {0};
  protocol *p = NULL;
  store *s = NULL;
  bool batch = false;
  avn_rc rc;
  g.sp = sp;
  g.e = e;
  if (access(db_path, F_OK) == 0)
    return avn_fail(e, AVN_E_EXISTS, "database", db_path, "the demo writes a new study; remove the old one first");
  rc = protocol_load(sp->protocol, &p, e);
  if (rc) goto cleanup;
  g.p = p;
  g.r = gsl_rng_alloc(gsl_rng_mt19937);
  g.rsf = gsl_rng_alloc(gsl_rng_mt19937);
  if (!g.r || !g.rsf) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  gsl_rng_set(g.r, sp->seed);
  gsl_rng_set(g.rsf, sp->seed + 1);
  rc = demo_answers_new(&g.ans, e);
  if (!rc) rc = make_patients(&g);
  if (!rc) rc = make_hips(&g);
  if (!rc) rc = make_dates(&g);
  if (!rc) rc = make_outcomes(&g);
  if (rc) goto cleanup;
  hip_details(&g);
  rc = make_lesions(&g);
  if (!rc) rc = make_edema(&g);
  if (!rc) rc = make_sf36(&g);
  if (!rc) rc = plan_events(&g);
  if (rc) goto cleanup;
  g.rsf_write = gsl_rng_clone(g.rsf);
  if (!g.rsf_write) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  rc = store_create(db_path, p, DEMO_USER, &s, e);
  if (rc) goto cleanup;
  g.s = s;
  rc = store_begin(s, e);
  if (rc) goto cleanup;
  batch = true;
  for (size_t i = 0; i < g.np && !rc; i++) rc = write_patient(&g, i);
  if (rc) goto cleanup;
  batch = false;
  rc = store_commit(s, e);
  if (rc) goto cleanup;
  if (st) {
    st->patients = g.np;
    st->hips = g.nh;
    st->forms = g.forms;
    st->conversions = 0;
    for (size_t h = 0; h < g.nh; h++) st->conversions += g.hips[h].converted;
  }
cleanup:
  if (batch) {
    avn_err ignored;
    store_commit(s, &ignored);
  }
  store_close(s);
  gen_free(&g);
  protocol_free(p);
  if (rc && s) demo_remove_db(db_path);
  return rc;
}

void demo_remove_db(const char *db_path) {
  static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
  char path[4200];
  /* A server's database (postgresql://) is not avn's to drop. */
  if (strstr(db_path, "://")) return;
  for (size_t k = 0; k < sizeof suffix / sizeof suffix[0]; k++) {
    snprintf(path, sizeof path, "%s%s", db_path, suffix[k]);
    unlink(path);
  }
}
