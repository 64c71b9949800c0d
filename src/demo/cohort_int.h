/*
** cohort_int.h: the generator's working state (internal to src/demo).
** cohort.c builds it and writes the study from it; nothing outside the
** module sees it. All arrays are owned by the gen and freed together.
*/
#ifndef AVN_DEMO_COHORT_INT_H
#define AVN_DEMO_COHORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "demo/answers.h"
#include "demo/cohort.h"

typedef struct gpat {
  char code[16], scr[16];    /* "P001", "S001" */
  int male, age;
  avn_date enrol, birth;
  int n_hips;
  int side[2];               /* SIDE_LEFT / SIDE_RIGHT */
  size_t hip[2];             /* indexes into gen.hips */
  const char *etiology;      /* borrowed from the spec */
  avn_date *vdate;           /* actual date of each protocol visit */
  double conservative;       /* months of conservative therapy */
  double sf_base, sf_gain;   /* SF-36 physical health level and its rise */
  double sf_mental;          /* SF-36 mental health level at baseline */
  const char *satisfaction;  /* code name, borrowed from the spec */
  const demo_ae *ae;         /* at most one adverse event */
  avn_date ae_onset, ae_end;
  size_t ae_visit;           /* visit at which it is reported */
} gpat;

typedef struct ghip {
  size_t pat;
  int side;
  const char *stage;         /* screening stage, borrowed from the spec */
  int stage_ord;             /* its index among the protocol's stage codes */
  const char *etiology;
  int radio;                 /* -1 not targeted, 0 improved, 1 stable, 2 progressed */
  bool converted;
  avn_date tha_date;
  size_t tha_visit;          /* first visit after the conversion; SIZE_MAX none */
  double base, gain;         /* latent condition at baseline, and its gain */
  bool bme0;                 /* marrow oedema at baseline */
  size_t bme_resolved;       /* first MRI visit without it; SIZE_MAX never */
  double lesion0, lesion_last, reduction;   /* head_involved_pct, % reduction */
  const char *xray;          /* stage II radiograph finding */
  int xray_variant;
  const char *location;
  double surface_pct, depression_last;
} ghip;

typedef struct gen {
  const demo_spec *sp;
  const protocol *p;
  store *s;
  gsl_rng *r, *rsf, *rsf_write;
  demo_answers *ans;
  avn_err *e;
  gpat *pats; size_t np;
  ghip *hips; size_t nh;
  double *val;               /* outcome x visit x hip; NAN: no value */
  demo_kv kv;
  size_t forms;
  double sf_k, sf_achieved;
} gen;

#define VAL(g, o, v, h) ((g)->val[((o) * (g)->p->n_visits + (v)) * (g)->nh + (h)])

/* Months from day 0 of a visit's planned offset. */
double gen_visit_months(const proto_visit *v);
/* Index of a stage among the protocol's `stage` screening codes; -1 unknown. */
int gen_stage_ord(const protocol *p, const char *stage);

#endif
