/*
** make_study.c: builds a large synthetic study for bench/report.sh.
**
** usage: avn-bench-study STUDY.db N_PATIENTS [SEED]
**
** Every patient goes through the same validated, audited write path a user
** takes (store_screen, store_enroll, store_enter, store_withdraw), in
** batches (store_begin/store_commit) so that building 10,000 patients takes
** a minute, not an hour of fsyncs. The data are plausible, not a paper's:
** the 'sequential' protocol, 25% bilateral, Steinberg I-III, VAS and HHS at
** every visit (5% of follow-up visits missed), MRI reads at the MRI visits,
** three injections with cell products, some conversions to arthroplasty,
** adverse events and withdrawals. Fixed seed: the same study every run.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

static unsigned long long rng_state;

/* splitmix64: small, fast, good enough for synthetic data. */
static double unif(void) {
  unsigned long long z = (rng_state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return (double)(z >> 11) / 9007199254740992.0;
}
static int irand(int lo, int hi) { return lo + (int)(unif() * (hi - lo + 1)); }

static const char *const hhs_sets[3][17] = {
    {"pain=marked", "limp=severe", "support=two_canes", "distance=indoors", "stairs=railing", "shoes=difficulty",
     "sitting=high_chair", "transport=able", "flexion_contracture_deg=20", "fixed_adduction_deg=5",
     "fixed_ir_deg=5", "lld_cm=1", "flexion_deg=80", "abduction_deg=15", "adduction_deg=10", "er_deg=15",
     "ir_deg=5"},
    {"pain=moderate", "limp=moderate", "support=cane_most", "distance=two_three_blocks", "stairs=railing",
     "shoes=difficulty", "sitting=high_chair", "transport=able", "flexion_contracture_deg=10",
     "fixed_adduction_deg=5", "fixed_ir_deg=5", "lld_cm=1", "flexion_deg=90", "abduction_deg=20",
     "adduction_deg=15", "er_deg=20", "ir_deg=10"},
    {"pain=slight", "limp=slight", "support=none", "distance=six_blocks", "stairs=normal", "shoes=ease",
     "sitting=ordinary_chair", "transport=able", "flexion_contracture_deg=0", "fixed_adduction_deg=0",
     "fixed_ir_deg=0", "lld_cm=0.5", "flexion_deg=110", "abduction_deg=30", "adduction_deg=20", "er_deg=30",
     "ir_deg=20"},
};

static int enter(store *s, const char *pid, const char *visit, const char *form, int side, avn_date date,
                 char **kv, size_t n) {
  store_enter_req r = {.patient = pid, .visit = visit, .form = form, .side = side, .entry = 1, .kv = kv,
                       .n_kv = n, .has_date = true, .date = date, .user = "bench"};
  const inst_def *d = inst_find(form);
  r.new_instance = d && inst_repeats(d);   /* an AE: the patient's next in the log */
  store_enter_result res;
  avn_err e;
  avn_err_clear(&e);
  if (store_enter(s, &r, &res, &e) == AVN_OK) return 0;
  char msg[512];
  fprintf(stderr, "make_study: %s %s %s: %s\n", pid, visit, form, avn_err_format(&e, msg, sizeof msg));
  return 1;
}

/* The planned date of a visit: the date the generator records for it. */
static avn_date visit_date(const protocol *p, avn_date enrol, const char *visit) {
  const proto_visit *pv = protocol_find_visit(p, visit);
  return avn_date_add(enrol, pv->at.amount, pv->at.unit);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: avn-bench-study STUDY.db N_PATIENTS [SEED]\n");
    return 2;
  }
  long n = strtol(argv[2], NULL, 10);
  rng_state = argc > 3 ? strtoull(argv[3], NULL, 10) : 20261125ULL;
  avn_err e;
  avn_err_clear(&e);
  protocol *p = NULL;
  store *s = NULL;
  int bad = 0;
  char msg[512];
  remove(argv[1]);
  if (protocol_load("sequential", &p, &e) || store_create(argv[1], p, "bench", &s, &e)) {
    fprintf(stderr, "make_study: %s\n", avn_err_format(&e, msg, sizeof msg));
    return 1;
  }
  protocol_free(p);
  p = (protocol *)store_protocol(s);
  static const char *const stages[] = {"I", "II", "III"};
  static const char *const etiologies[] = {"steroid", "idiopathic", "alcohol", "sickle_cell"};
  avn_date start;
  avn_date_parse("2021-01-04", &start);
  for (long i = 0; i < n && !bad; i++) {
    if (i % 250 == 0 && store_begin(s, &e)) break;
    char code[24], pid[24], kv_age[16], kv_l[32], kv_r[32], kv_pl[32], kv_pr[32];
    snprintf(code, sizeof code, "S%05ld", i + 1);
    snprintf(pid, sizeof pid, "P%05ld", i + 1);
    int age = irand(22, 55);
    bool hips[3] = {false, true, unif() < 0.25};
    if (unif() < 0.5) { hips[SIDE_LEFT] = hips[SIDE_RIGHT]; hips[SIDE_RIGHT] = true; }
    int stage[3] = {0, irand(0, 2), irand(0, 2)};
    snprintf(kv_age, sizeof kv_age, "age=%d", age);
    snprintf(kv_l, sizeof kv_l, "stage.left=%s", hips[SIDE_LEFT] ? stages[stage[1]] : "0");
    snprintf(kv_r, sizeof kv_r, "stage.right=%s", hips[SIDE_RIGHT] ? stages[stage[2]] : "0");
    snprintf(kv_pl, sizeof kv_pl, "prior_surgery.left=no");
    snprintf(kv_pr, sizeof kv_pr, "prior_surgery.right=no");
    char *kv[] = {kv_age, "mri_confirmed=yes", kv_l, kv_r, "conservative_months=6", "can_attend_24m=yes",
                  "accepts_procedure=yes", "infection=no", "severe_coagulopathy=no", "platelets=210000",
                  kv_pl, kv_pr, "active_malignancy=no", "pregnant=no", "aspiration_inadequate=no"};
    avn_date enrol = start + (avn_date)(i * 1000 / (n > 0 ? n : 1));
    store_screen_req sr = {.code = code, .date = enrol, .kv = kv, .n_kv = 15, .user = "bench"};
    elig_result er;
    if (store_screen(s, &sr, &er, &e)) { bad = 1; break; }
    bool ok = er.eligible;
    elig_result_free(&er);
    if (!ok) {
      fprintf(stderr, "make_study: %s not eligible\n", code);
      bad = 1;
      break;
    }
    store_enroll_req en = {.screening = code, .patient = pid, .date = enrol, .sex = unif() < 0.7 ? "male" : "female",
                           .has_birth = true, .user = "bench"};
    en.birth = avn_date_add(enrol, -age, AVN_UNIT_YEAR) - irand(1, 300);
    if (store_enroll(s, &en, &e)) { bad = 1; break; }
    char w[32], h[32], bmi[32];
    snprintf(w, sizeof w, "weight_kg=%d", irand(55, 100));
    snprintf(h, sizeof h, "height_cm=%d", irand(155, 190));
    char *base[] = {w, h, "smoking=never", "alcohol=none", "steroid_use=never", "trauma=no", "asa=1"};
    (void)bmi;
    bad |= enter(s, pid, "baseline", "baseline", SIDE_PATIENT, enrol, base, 7);
    long withdraw_at = unif() < 0.04 ? irand(2, 6) : 99;
    for (int side = SIDE_LEFT; side <= SIDE_RIGHT && !bad; side++) {
      if (!hips[side]) continue;
      int st = stage[side];
      char et[48];
      snprintf(et, sizeof et, "etiology=%s", etiologies[irand(0, 3)]);
      char *hb[] = {et, "symptomatic=yes"};
      bad |= enter(s, pid, "baseline", "hip_baseline", side, enrol, hb, 2);
      /* A hip converts at m18 (visit 5) only in a patient still followed
      ** then: the store refuses a withdrawal dated before recorded follow-up. */
      bool converts = st == 2 && unif() < 0.3 && withdraw_at > 5;
      for (size_t v = 0; v < p->n_visits && !bad; v++) {
        const proto_visit *pv = &p->visits[v];
        if ((long)v >= withdraw_at) break;
        if (converts && v >= 5) break;             /* no hip forms after conversion */
        if (v > 0 && unif() < 0.05) continue;      /* missed visit */
        avn_date d = avn_date_add(enrol, pv->at.amount, pv->at.unit);
        char vas[32];
        snprintf(vas, sizeof vas, "pain_mm=%d", v == 0 ? irand(60, 95) : irand(5, 70));
        char *vkv[] = {vas};
        bad |= enter(s, pid, pv->name, "vas", side, d, vkv, 1);
        int level = v == 0 ? irand(0, 1) : irand(1, 2);
        bad |= enter(s, pid, pv->name, "hhs", side, d, (char **)hhs_sets[level], 17);
        if (protocol_visit_has_form(pv, "mri")) {
          char date[32], pct[32], bme[16];
          char dd[11];
          snprintf(date, sizeof date, "read_date=%s", avn_date_format(d, dd));
          snprintf(pct, sizeof pct, "head_involved_pct=%d", irand(10, 45));
          snprintf(bme, sizeof bme, "bme=%s", v == 0 || unif() < 0.3 ? "yes" : "no");
          char *mkv[] = {"reader=R1", date, "mri_positive=yes", st == 0 ? "xray=normal" : "xray=sclerosis",
                         pct, bme, st == 2 ? "crescent_sign=yes" : "crescent_sign=no",
                         st == 2 ? "subchondral_fracture=yes" : "subchondral_fracture=no", "flattening=no",
                         "jsn=no", "acetabular_involvement=no", "advanced_degeneration=no"};
          bad |= enter(s, pid, pv->name, "mri", side, d, mkv, 12);
        }
        if (protocol_visit_has_form(pv, "procedure")) {
          char *pkv[] = {v == 0 ? "kind=cd_injection" : "kind=injection_only", "drill_mm=3.2", "injected_ml=10",
                         "injection_min=5", "anaesthesia=spinal", "fluoroscopy=yes"};
          bad |= enter(s, pid, pv->name, "procedure", side, d, pkv, 6);
          char asp[32], conc[32], live[32];
          snprintf(asp, sizeof asp, "aspirated_ml=%d", irand(60, 120));
          snprintf(conc, sizeof conc, "mnc_conc_e6_per_ml=%d", irand(15, 40));
          snprintf(live, sizeof live, "live_count=%d", irand(900, 990));
          char *ckv[] = {asp, "anticoagulant=heparin", "processing=double_spin", "spin1_rpm=1200", "spin1_min=10",
                         "spin2_rpm=3000", "spin2_min=7", conc, "final_ml=10", live, "dead_count=30"};
          bad |= enter(s, pid, pv->name, "cell_product", side, d, ckv, 11);
        }
      }
      if (converts && !bad) {
        char td[32], dd[11];
        snprintf(td, sizeof td, "tha_date=%s", avn_date_format(enrol + irand(380, 540), dd));
        char *tkv[] = {td, "reason=collapse"};
        bad |= enter(s, pid, "m18", "tha", side, visit_date(p, enrol, "m18"), tkv, 2);
      }
    }
    if (!bad && unif() < 0.2) {
      char od[32], dd[11];
      snprintf(od, sizeof od, "onset_date=%s", avn_date_format(enrol + irand(0, 20), dd));
      char *akv[] = {"term=Pain at aspiration site", "grade=mild", "serious=no", "related=definite", od,
                     "outcome=recovered"};
      bad |= enter(s, pid, "m1", "ae", SIDE_PATIENT, visit_date(p, enrol, "m1"), akv, 6);
    }
    if (!bad && withdraw_at < 99) {
      const proto_visit *pv = &p->visits[withdraw_at];
      if (store_withdraw(s, pid, avn_date_add(enrol, pv->at.amount, pv->at.unit) - 20, "lost to follow-up",
                         "bench", &e))
        bad = 1;
    } else if (!bad) {
      char sat[32];
      snprintf(sat, sizeof sat, "satisfaction=%d", irand(2, 5));
      char *skv[] = {sat};
      bad |= enter(s, pid, "m24", "satisfaction", SIDE_PATIENT, visit_date(p, enrol, "m24"), skv, 1);
    }
    if ((i % 250 == 249 || i == n - 1) && store_commit(s, &e)) bad = 1;
  }
  if (bad && e.rule[0]) fprintf(stderr, "make_study: %s\n", avn_err_format(&e, msg, sizeof msg));
  store_close(s);
  inst_registry_free();
  return bad ? 1 : 0;
}
