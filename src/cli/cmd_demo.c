/*
** cmd_demo.c: `avn demo [--out DIR]`: the main job on the embedded SQLite
** default. Creates a study from the shipped `sequential` protocol and enters
** a few patients through the same validated write path a user's
** `avn screen / enroll / enter` takes (store_screen, store_enroll,
** store_enter: validation, transaction, audit), then prints the schedule
** and the scores the program computes.
**
** The patients are illustrative, not the seed paper's cohort: the report
** issue replaces them with a cohort that reproduces the papers' tables.
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "store/store.h"

const char cmd_demo_usage[] =
    "usage: avn demo [--out DIR]\n\n"
    "Builds DIR/sequential-demo.db (default DIR: ./avn-demo) from the shipped\n"
    "'sequential' protocol: screens four people (one ineligible), enrols three\n"
    "(one with bilateral disease), enters baseline, 1- and 3-month VAS and Harris\n"
    "Hip Score forms through the validated, audited write path, then prints the\n"
    "schedule as of 2024-06-01, each patient's scores and the monitoring check.\n"
    "An existing demo database in DIR is replaced.\n";

typedef struct {
  const char *code, *patient, *sex, *birth, *age, *enrol;
  const char *stage_left, *stage_right;   /* NULL: hip not affected */
  const char *platelets;
} demo_person;

static const demo_person people[] = {
    {"S001", "P001", "male", "1985-06-01", "38", "2024-01-31", "II", "III", "250000"},
    {"S002", "P002", "female", "1979-11-20", "44", "2024-02-12", NULL, "I", "310000"},
    {"S003", "P003", "male", "1990-03-03", "33", "2024-02-20", "II", NULL, "190000"},
    {"S004", NULL, "male", "1962-01-01", "62", NULL, "III", NULL, "60000"},  /* too old, low platelets */
};

/* HHS answers that move from poor to good over the first three months. */
static char *const hhs_baseline[] = {"pain=moderate", "limp=moderate", "support=cane_most", "distance=two_three_blocks",
                                     "stairs=railing", "shoes=difficulty", "sitting=high_chair", "transport=able",
                                     "flexion_contracture_deg=10", "fixed_adduction_deg=5", "fixed_ir_deg=5",
                                     "lld_cm=1", "flexion_deg=90", "abduction_deg=20", "adduction_deg=15",
                                     "er_deg=20", "ir_deg=10"};
static char *const hhs_m3[] = {"pain=slight", "limp=slight", "support=none", "distance=six_blocks",
                               "stairs=normal", "shoes=ease", "sitting=ordinary_chair", "transport=able",
                               "flexion_contracture_deg=0", "fixed_adduction_deg=0", "fixed_ir_deg=0",
                               "lld_cm=0.5", "flexion_deg=110", "abduction_deg=30", "adduction_deg=20",
                               "er_deg=30", "ir_deg=20"};

static avn_rc enter_n(store *s, const char *patient, const char *visit, const char *form, int side,
                      int entry, const char *date, char *const *kv, size_t n, avn_err *e) {
  store_enter_req r = {.patient = patient, .visit = visit, .form = form, .side = side, .entry = entry,
                       .kv = kv, .n_kv = n, .has_date = true, .user = "demo"};
  store_enter_result res;
  avn_date_parse(date, &r.date);
  return store_enter(s, &r, &res, e);
}

static avn_rc enter(store *s, const char *patient, const char *visit, const char *form, int side,
                    const char *date, char *const *kv, size_t n, avn_err *e) {
  return enter_n(s, patient, visit, form, side, 1, date, kv, n, e);
}

static avn_rc build(store *s, avn_err *e) {
  avn_rc rc = AVN_OK;
  for (size_t i = 0; i < sizeof people / sizeof people[0] && !rc; i++) {
    const demo_person *p = &people[i];
    char kv[16][64];
    char *args[16];
    size_t n = 0;
    snprintf(kv[n++], 64, "age=%s", p->age);
    snprintf(kv[n++], 64, "platelets=%s", p->platelets);
    const char *fixed[] = {"mri_confirmed=yes", "conservative_months=4", "can_attend_24m=yes",
                           "accepts_procedure=yes", "infection=no", "severe_coagulopathy=no",
                           "active_malignancy=no", "pregnant=no", "aspiration_inadequate=no"};
    for (size_t k = 0; k < sizeof fixed / sizeof fixed[0]; k++) snprintf(kv[n++], 64, "%s", fixed[k]);
    if (p->stage_left) {
      snprintf(kv[n++], 64, "stage.left=%s", p->stage_left);
      snprintf(kv[n++], 64, "prior_surgery.left=no");
    }
    if (p->stage_right) {
      snprintf(kv[n++], 64, "stage.right=%s", p->stage_right);
      snprintf(kv[n++], 64, "prior_surgery.right=no");
    }
    for (size_t k = 0; k < n; k++) args[k] = kv[k];
    store_screen_req sr = {.code = p->code, .kv = args, .n_kv = n, .user = "demo"};
    avn_date_parse(p->enrol ? p->enrol : "2024-03-01", &sr.date);
    sr.date -= 7;
    elig_result er;
    rc = store_screen(s, &sr, &er, e);
    if (rc) break;
    printf("screened %s: %s\n", p->code, er.eligible ? "eligible" : "not eligible");
    for (size_t k = 0; k < er.n_fails; k++)
      printf("    failed: %s%s%s\n", er.fails[k].crit->name, er.fails[k].side ? " " : "",
             er.fails[k].side ? side_name(er.fails[k].side) : "");
    elig_result_free(&er);
    if (!p->patient) continue;
    store_enroll_req en = {.screening = p->code, .patient = p->patient, .sex = p->sex, .has_birth = true,
                           .user = "demo"};
    avn_date_parse(p->enrol, &en.date);
    avn_date_parse(p->birth, &en.birth);
    rc = store_enroll(s, &en, e);
    if (rc) break;
    printf("enrolled %s as %s on %s\n", p->code, p->patient, p->enrol);
    for (int side = SIDE_LEFT; side <= SIDE_RIGHT && !rc; side++) {
      if (!(side == SIDE_LEFT ? p->stage_left : p->stage_right)) continue;
      avn_date d0, d1, d3;
      avn_date_parse(p->enrol, &d0);
      d1 = avn_date_add_months(d0, 1) + 2;
      d3 = avn_date_add_months(d0, 3) - 3;
      char s0[11], s1[11], s3[11];
      avn_date_format(d0, s0);
      avn_date_format(d1, s1);
      avn_date_format(d3, s3);
      char *vas0[] = {"pain_cm=7.8"}, *vas1[] = {"pain_mm=55"}, *vas3[] = {"pain_mm=31"};
      rc = enter(s, p->patient, "baseline", "vas", side, s0, vas0, 1, e);
      if (!rc) rc = enter(s, p->patient, "baseline", "hhs", side, s0, hhs_baseline, 17, e);
      if (!rc) rc = enter(s, p->patient, "m1", "vas", side, s1, vas1, 1, e);
      if (!rc && !strcmp(p->patient, "P001")) {
        /* Double entry: a second data-entry clerk keys the baseline HHS again
        ** and misreads the flexion; avn check lists the mismatch. */
        char *again[17];
        memcpy(again, hhs_baseline, sizeof again);
        again[12] = side == SIDE_LEFT ? "flexion_deg=80" : "flexion_deg=90";
        rc = enter_n(s, p->patient, "baseline", "hhs", side, 2, s0, again, 17, e);
      }
      if (!rc) rc = enter(s, p->patient, "m3", "vas", side, s3, vas3, 1, e);
      if (!rc) rc = enter(s, p->patient, "m3", "hhs", side, s3, hhs_m3, 17, e);
      /* The injections of day 0 and month 3, with their cell products; the
      ** month-3 injection of P001's right hip took 7 minutes, outside the
      ** protocol's 4-6, and so appears as a deviation in avn check. */
      char *proc0[] = {"kind=cd_injection", "drill_mm=3.2", "injected_ml=10", "injection_min=5", "anaesthesia=spinal", "fluoroscopy=yes"};
      char *proc3a[] = {"kind=injection_only", "injected_ml=9", "injection_min=5", "anaesthesia=spinal", "fluoroscopy=yes"};
      char *proc3b[] = {"kind=injection_only", "injected_ml=9", "injection_min=7", "anaesthesia=spinal", "fluoroscopy=yes"};
      char *cells[] = {"aspirated_ml=100", "anticoagulant=heparin", "processing=double_spin",
                       "spin1_rpm=1200", "spin1_min=10", "spin1_radius_cm=15", "spin2_rpm=3000",
                       "spin2_min=7", "spin2_radius_cm=15", "mnc_conc_e6_per_ml=12", "final_ml=10",
                       "live_count=475", "dead_count=25", "harvest_time=08:10", "lab_time=08:25",
                       "processed_time=09:30", "injection_time=10:05"};
      bool late = !strcmp(p->patient, "P001") && side == SIDE_RIGHT;
      if (!rc) rc = enter(s, p->patient, "baseline", "procedure", side, s0, proc0, 6, e);
      if (!rc) rc = enter(s, p->patient, "baseline", "cell_product", side, s0, cells, 17, e);
      if (!rc) rc = enter(s, p->patient, "m3", "procedure", side, s3, late ? proc3b : proc3a, 5, e);
      if (!rc) rc = enter(s, p->patient, "m3", "cell_product", side, s3, cells, 17, e);
    }
  }
  return rc;
}

int cmd_demo(int argc, char **argv) {
  const char *dir = "avn-demo";
  for (int i = 1; i < argc;) {
    const char *v;
    int r;
    if ((r = cli_opt(argc, argv, &i, "--out", &v))) {
      if (r < 0) return cli_usage_error("demo", "--out needs a directory");
      dir = v;
    } else {
      return cli_usage_error("demo", "unexpected argument '%s'", argv[i]);
    }
  }
  avn_err e;
  avn_err_clear(&e);
  if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
    avn_fail(&e, AVN_E_IO, dir, NULL, "cannot create the directory: %s", strerror(errno));
    return cli_error("demo", &e);
  }
  char db[1100], tmp[1120];
  snprintf(db, sizeof db, "%s/sequential-demo.db", dir);
  const char *suffix[] = {"", "-wal", "-shm"};
  for (int k = 0; k < 3; k++) {
    snprintf(tmp, sizeof tmp, "%s%s", db, suffix[k]);
    unlink(tmp);
  }
  protocol *p = NULL;
  store *s = NULL;
  avn_rc rc = protocol_load("sequential", &p, &e);
  if (!rc) rc = store_create(db, p, "demo", &s, &e);
  if (!rc) {
    printf("== study %s (protocol '%s')\n", db, p->name);
    rc = build(s, &e);
  }
  store_close(s);
  protocol_free(p);
  if (rc) {
    inst_registry_free();
    return cli_error("demo", &e);
  }
  printf("\n== schedule of P001 (bilateral) as of 2024-06-01: avn schedule %s --patient P001 --today 2024-06-01\n", db);
  char *sched[] = {"schedule", db, "--patient", "P001", "--today", "2024-06-01"};
  int status = cmd_schedule(6, sched);
  for (size_t i = 0; !status && i < 3; i++) {
    printf("\n== avn show %s %s\n", db, people[i].patient);
    char *show[] = {"show", db, (char *)people[i].patient, "--today", "2024-06-01"};
    status = cmd_show(5, show);
  }
  if (!status) {
    printf("\n== monitoring: avn check %s --today 2024-06-01\n", db);
    char *check[] = {"check", db, "--today", "2024-06-01"};
    status = cmd_check(4, check);
  }
  if (!status) printf("\ndemo study: %s (try: avn audit %s)\n", db, db);
  return status;
}
