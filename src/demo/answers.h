/*
** answers.h: item answers for synthetic patients: given a score a demo
** hip must have (an HHS total, a WOMAC raw total, an SF-36 health level,
** MRI findings), the `item=value` arguments that a clinician would enter
** and that the instrument's own scorer turns back into that score.
**
** Answers are built from the instrument definitions in the registry
** (code names and points come from defs/hhs.yaml etc., never retyped), so
** a change of a definition changes the answers with it. Every HHS answer
** set is scored with inst_score before it is returned, and refused
** (AVN_E_STATE) if the scorer does not give back the total asked for.
**
** Ownership: demo_answers_new builds lookup tables (HHS item combinations
** by points, range-of-motion degrees by index points, SF-36 item
** directions) that demo_answers_free releases. A demo_kv is a plain
** struct of fixed buffers (no heap), filled by the functions below and
** passed to store_enter as kv / n_kv.
*/
#ifndef AVN_DEMO_ANSWERS_H
#define AVN_DEMO_ANSWERS_H

#include <stdbool.h>
#include <stddef.h>
#include <gsl/gsl_rng.h>
#include "core/rc.h"
#include "instruments/instrument.h"

#define DEMO_KV_MAX 48

typedef struct demo_kv {
  char buf[DEMO_KV_MAX][112];
  char *ptr[DEMO_KV_MAX];
  size_t n;
} demo_kv;

void demo_kv_reset(demo_kv *kv);
/* Appends one "item=value" (printf format); silently truncated values
** cannot happen with the demo's short items. Returns false when full. */
bool demo_kv_add(demo_kv *kv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Scores a form given as item=value pairs, exactly as the store will. */
avn_rc demo_kv_score(const char *form, const demo_kv *kv, inst_scores *out /* OUT */, avn_err *e);

typedef struct demo_answers demo_answers;

avn_rc demo_answers_new(demo_answers **out /* OUT */, avn_err *e);
void demo_answers_free(demo_answers *a);

/* Range of motion in degrees (what the HHS form and the rom form record). */
typedef struct demo_rom {
  int flexion, abduction, adduction, er, ir;
} demo_rom;

/* The HHS totals demo_hhs_items can produce between lo and hi (multiples of
** 0.05), ascending, into out (cap entries); returns the count. */
size_t demo_hhs_lattice(const demo_answers *a, double lo, double hi, double *out /* OUT */, size_t cap);

/* HHS item answers whose total (hhs.c, default options) is `total` (a
** lattice value). Items look like one hip: pain, gait and activities at
** similar levels, range of motion matching the total. *rom gets the
** degrees used (may be NULL). */
avn_rc demo_hhs_items(const demo_answers *a, double total, gsl_rng *r, demo_kv *kv /* OUT */,
                      demo_rom *rom /* OUT */, avn_err *e);

/* WOMAC answers (24 items, 0-4) whose raw total is `raw` (0-96). */
avn_rc demo_womac_items(int raw, gsl_rng *r, demo_kv *kv /* OUT */, avn_err *e);

/* SF-36 answers for physical and mental health levels in [0, 1] (0 worst,
** 1 best): an item's level mixes the two by its RAND-36 scale (physical
** functioning, role-physical and pain follow the physical level; emotional
** well-being the mental one; the others in between), and the item is
** answered at about that position of its scale, with noise of SD `noise`
** in level units (twice that for yes/no items). q2 (health transition, in
** no scale) runs from "much better" at level 1. */
avn_rc demo_sf36_items(const demo_answers *a, double physical, double mental, double noise, gsl_rng *r,
                       demo_kv *kv /* OUT */, avn_err *e);

/* Findings of one imaging read (see defs/mri.yaml). */
typedef struct demo_mri {
  const char *reader;
  const char *read_date;     /* YYYY-MM-DD */
  const char *xray;          /* normal | osteopenia | sclerosis | cysts | sclerosis_cysts */
  const char *location;
  double head_pct;           /* femoral head involved, % (one decimal) */
  bool bme, crescent, fracture, flattening;
  double depression_mm;      /* 0 when none */
  double surface_pct;        /* articular surface under the crescent / collapsed; < 0: not recorded */
  bool jsn;
} demo_mri;

/* The mri form's items for these findings, with the reader's stage set to
** the stage the findings derive to in `staging` ("steinberg" / "ficat"),
** so reader and derivation agree. *derived_ord gets that stage's number. */
avn_rc demo_mri_items(const demo_mri *m, const char *staging, demo_kv *kv /* OUT */,
                      int *derived_ord /* OUT */, avn_err *e);

#endif
