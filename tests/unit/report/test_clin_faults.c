/*
** test_clin_faults.c: the clinical report sections (flow, table 1,
** outcomes, responders, subgroups, predictors, methods) under allocation
** failure (STYLE.md 13): for every N, the Nth allocation fails; the section
** must return AVN_OK (the document records the failure) or AVN_E_NOMEM,
** never crash, and leak nothing (ASan). Then, with no failure, every
** section must add its tables.
**
** The study (sequential protocol, 4 patients, 5 hips, one bilateral, one
** withdrawal, one conversion, VAS and HHS at the plan's visits) is entered
** through the store's validated write path; the units are built here as
** report.c does (hips, grouped by patient).
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mem.h"
#include "report/doc.h"
#include "report/doc_int.h"
#include "report/rctx.h"
#include "store/store.h"

static char db_path[256];
static store *S;
static store_study *ST;
static frame_scores *SC;   /* ST scored once, as report.c does */

static void enter(const char *pt, const char *visit, const char *form, int side, const char *date,
                  char *const *kv, size_t n) {
  avn_err e;
  store_enter_result res;
  store_enter_req r = {.patient = pt, .visit = visit, .form = form, .side = side, .entry = 1,
                       .kv = kv, .n_kv = n, .has_date = true, .user = "test"};
  assert_int_equal(avn_date_parse(date, &r.date), AVN_OK);
  avn_rc rc = store_enter(S, &r, &res, &e);
  if (rc) fail_msg("%s %s %s: %s %s", pt, visit, form, e.field, e.rule);
}

static void hhs(const char *pt, const char *visit, int side, const char *date, const char *pain) {
  char p[64];
  snprintf(p, sizeof p, "pain=%s", pain);
  char *kv[] = {p, "limp=slight", "support=none", "distance=six_blocks", "stairs=railing",
                "shoes=ease", "sitting=ordinary_chair", "transport=able", "flexion_contracture_deg=0",
                "fixed_adduction_deg=0", "fixed_ir_deg=0", "lld_cm=0", "flexion_deg=0",
                "abduction_deg=0", "adduction_deg=0", "er_deg=0", "ir_deg=0"};
  enter(pt, visit, "hhs", side, date, kv, sizeof kv / sizeof kv[0]);
}

static void vas(const char *pt, const char *visit, int side, const char *date, const char *cm) {
  char v[32];
  snprintf(v, sizeof v, "pain_cm=%s", cm);
  char *kv[] = {v};
  enter(pt, visit, "vas", side, date, kv, 1);
}

static int setup(void **unused) {
  (void)unused;
  avn_err e;
  protocol *p = NULL;
  snprintf(db_path, sizeof db_path, "%s/avn-clinfaults-%d.db", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
           (int)getpid());
  unlink(db_path);
  assert_int_equal(protocol_load("sequential", &p, &e), AVN_OK);
  assert_int_equal(store_create(db_path, p, "test", &S, &e), AVN_OK);
  protocol_free(p);
  static const struct { const char *code, *age, *birth, *sex, *left, *right; } pts[] = {
      {"P1", "40", "1981-06-01", "male", "II", "III"},
      {"P2", "30", "1991-06-01", "female", "I", NULL},
      {"P3", "45", "1976-06-01", "male", NULL, "III"},
      {"P4", "35", "1986-06-01", "female", "II", NULL}};
  for (size_t i = 0; i < 4; i++) {
    char age[32], sl[32], sr[32], pl[32], pr[32], code[16];
    snprintf(age, sizeof age, "age=%s", pts[i].age);
    snprintf(sl, sizeof sl, "stage.left=%s", pts[i].left ? pts[i].left : "");
    snprintf(sr, sizeof sr, "stage.right=%s", pts[i].right ? pts[i].right : "");
    snprintf(pl, sizeof pl, "prior_surgery.left=no");
    snprintf(pr, sizeof pr, "prior_surgery.right=no");
    char *kv[20] = {age, "mri_confirmed=yes", "conservative_months=4", "can_attend_24m=yes",
                    "accepts_procedure=yes", "infection=no", "severe_coagulopathy=no",
                    "platelets=250000", "active_malignancy=no", "pregnant=no",
                    "aspiration_inadequate=no"};
    size_t n = 11;
    if (pts[i].left) { kv[n++] = sl; kv[n++] = pl; }
    if (pts[i].right) { kv[n++] = sr; kv[n++] = pr; }
    snprintf(code, sizeof code, "S%s", pts[i].code);
    store_screen_req sr2 = {.code = code, .kv = kv, .n_kv = n, .user = "test"};
    avn_date_parse("2022-03-01", &sr2.date);
    elig_result er;
    assert_int_equal(store_screen(S, &sr2, &er, &e), AVN_OK);
    assert_true(er.eligible);
    elig_result_free(&er);
    store_enroll_req en = {.screening = code, .patient = pts[i].code, .sex = pts[i].sex,
                           .has_birth = true, .user = "test"};
    avn_date_parse("2022-03-01", &en.date);
    avn_date_parse(pts[i].birth, &en.birth);
    assert_int_equal(store_enroll(S, &en, &e), AVN_OK);
  }
  static const char *const v[] = {"baseline", "m3", "m6", "m12", "m24"};
  static const char *const d[] = {"2022-03-01", "2022-06-01", "2022-09-01", "2023-03-01", "2024-03-01"};
  static const char *const pain[] = {"moderate", "mild", "mild", "slight", "none"};
  static const char *const cm[4][5] = {{"8.0", "5.0", "4.0", "3.0", "2.0"}, {"7.0", "4.5", "3.5", "2.5", "2.5"},
                                       {"9.0", "6.0", "5.5", "5.0", "4.0"}, {"7.5", "5.5", "4.5", "3.5", "3.0"}};
  for (size_t j = 0; j < 5; j++) {
    vas("P1", v[j], SIDE_LEFT, d[j], cm[0][j]);
    vas("P1", v[j], SIDE_RIGHT, d[j], cm[2][j]);
    if (j < 3) vas("P2", v[j], SIDE_LEFT, d[j], cm[1][j]);     /* P2 withdraws after 6 months */
    if (j != 2 && j != 4) vas("P3", v[j], SIDE_RIGHT, d[j], cm[2][j]);   /* P3 misses 6 months; THA at 18 */
    vas("P4", v[j], SIDE_LEFT, d[j], cm[3][j]);
    if (j == 1) continue;                                       /* HHS not at 3 months */
    hhs("P1", v[j], SIDE_LEFT, d[j], pain[j]);
    hhs("P1", v[j], SIDE_RIGHT, d[j], j == 4 ? "mild" : pain[j]);
    if (j < 3) hhs("P2", v[j], SIDE_LEFT, d[j], pain[j]);
    if (j != 2 && j != 4) hhs("P3", v[j], SIDE_RIGHT, d[j], pain[j]);   /* none after its THA */
    hhs("P4", v[j], SIDE_LEFT, d[j], j == 4 ? "slight" : pain[j]);
  }
  char *eti[] = {"etiology=steroid", "symptomatic=yes"};
  char *eti2[] = {"etiology=idiopathic", "symptomatic=yes"};
  enter("P1", "baseline", "hip_baseline", SIDE_LEFT, "2022-03-01", eti, 2);
  enter("P1", "baseline", "hip_baseline", SIDE_RIGHT, "2022-03-01", eti, 2);
  enter("P2", "baseline", "hip_baseline", SIDE_LEFT, "2022-03-01", eti2, 2);
  enter("P4", "baseline", "hip_baseline", SIDE_LEFT, "2022-03-01", eti2, 2);
  char *tha[] = {"tha_date=2023-08-01", "reason=collapse"};
  enter("P3", "m18", "tha", SIDE_RIGHT, "2023-09-01", tha, 2);
  avn_date wd;
  avn_date_parse("2022-10-01", &wd);
  assert_int_equal(store_withdraw(S, "P2", wd, "moved away", "test", &e), AVN_OK);
  assert_int_equal(store_load(S, NULL, &ST, &e), AVN_OK);
  assert_int_equal(frame_scores_new(ST, &SC, &e), AVN_OK);
  return 0;
}

static int teardown(void **unused) {
  (void)unused;
  frame_scores_free(SC);
  store_study_free(ST);
  store_close(S);
  unlink(db_path);
  return 0;
}

static void build(rctx *c, runit *units) {
  memset(c, 0, sizeof *c);
  c->st = ST;
  c->scores = SC;
  c->p = store_protocol(S);
  c->plan = c->p->analysis;
  c->per_hip = true;
  avn_date_parse("2025-06-01", &c->cutoff);
  c->units = units;
  for (size_t i = 0; i < ST->n_patients; i++) {
    const store_patient *p = &ST->patients[i];
    for (int side = SIDE_LEFT; side <= SIDE_RIGHT; side++) {
      if (!p->hip[side]) continue;
      runit *u = &units[c->n_units++];
      memset(u, 0, sizeof *u);
      u->patient = i;
      u->side = side;
      u->stage = p->hip_stage[side];
      u->stage_ord = u->stage ? (int)(u->stage[0] == 'I') + (int)strlen(u->stage) : -1;
      u->bilateral = p->hip[SIDE_LEFT] && p->hip[SIDE_RIGHT];
      snprintf(u->label, sizeof u->label, "%s %d", p->code, side);
    }
  }
}

/* Drops the methods log after entry `keep`. */
static void trim_methods(rctx *c, size_t keep) {
  for (size_t i = keep; i < c->n_methods; i++) {
    avn_free(c->method_keys[i]);
    avn_free(c->method_text[i]);
  }
  if (c->n_methods > keep) c->n_methods = keep;
}

static void free_methods(rctx *c) {
  for (size_t i = 0; i < c->n_methods; i++) {
    avn_free(c->method_keys[i]);
    avn_free(c->method_text[i]);
  }
  avn_free(c->method_keys);
  avn_free(c->method_text);
  c->method_keys = c->method_text = NULL;
  c->n_methods = 0;
}

typedef avn_rc (*section_fn)(rctx *, avn_err *);

/* Everything a section put in the document, and the methods log, as one
** string (plain malloc: the test's own memory is never failed). */
static void add(char **out, size_t *len, const char *s) {
  if (!s) s = "(null)";
  size_t n = strlen(s);
  char *g = realloc(*out, *len + n + 2);
  assert_non_null(g);
  memcpy(g + *len, s, n);
  g[*len + n] = '|';
  *len += n + 1;
  g[*len] = 0;
  *out = g;
}

static char *digest(const rdoc *d, const rctx *c) {
  char *out = NULL;
  size_t len = 0;
  add(&out, &len, "doc");
  for (size_t i = 0; i < d->n_secs; i++) {
    const rsec *s = d->secs[i];
    add(&out, &len, s->id);
    for (size_t k = 0; k < s->n_items; k++) {
      const ritem *it = &s->items[k];
      if (it->kind == RIT_TABLE) {
        const rtable *t = it->table;
        add(&out, &len, t->id);
        add(&out, &len, t->caption);
        for (size_t r = 0; r < t->nrows; r++)
          for (size_t j = 0; j < t->ncols; j++) add(&out, &len, rtable_cell(t, r, j));
        for (size_t q = 0; q < t->n_notes; q++) add(&out, &len, t->notes[q]);
      } else if (it->kind == RIT_FIGURE) {
        add(&out, &len, it->id);
        add(&out, &len, it->caption);
      } else {
        add(&out, &len, it->text);
      }
    }
  }
  /* The methods log is not compared: rctx_method (rctx.c) drops a sentence
  ** silently when its copy fails; reported to the report's owner. */
  (void)c;
  return out;
}

static void test_sections_fault(void **unused) {
  (void)unused;
  static const struct { const char *name; section_fn f; } secs[] = {
      {"flow", sec_flow},           {"table1", sec_table1},       {"outcomes", sec_outcomes},
      {"responders", sec_responders}, {"subgroups", sec_subgroups}, {"predictors", sec_predictors},
      {"predictors_age", sec_predictors}, {"methods", sec_methods}};
  /* predictors_age: the plan with age as the only predictor, so that a model
  ** is fitted (4 hips with the outcome: the plan's 4 predictors need more) */
  char age[] = "age";
  char *only_age[] = {age};
  runit units[8];
  rctx c;
  build(&c, units);
  assert_int_equal(c.n_units, 5);
  const sap *plan = c.plan;
  sap age_plan = *plan;
  age_plan.predictors = only_age;
  age_plan.n_predictors = 1;
  for (size_t s = 0; s < sizeof secs / sizeof secs[0]; s++) {
    avn_err e;
    c.plan = !strcmp(secs[s].name, "predictors_age") ? &age_plan : plan;
    rdoc *pre = rdoc_new("t", "s");
    c.doc = pre;
    if (secs[s].f == sec_methods)   /* the methods paragraph needs the others' log */
      for (size_t q = 0; q + 1 < sizeof secs / sizeof secs[0]; q++) assert_int_equal(secs[q].f(&c, &e), AVN_OK);
    rdoc_free(pre);
    size_t keep = c.n_methods;
    /* the fault-free result */
    rdoc *d0 = rdoc_new("t", "s");
    c.doc = d0;
    assert_int_equal(secs[s].f(&c, &e), AVN_OK);
    assert_false(d0->nomem);
    char *want = digest(d0, &c);
    if (getenv("CLIN_FAULTS_SHOW")) print_message("%s\n", want);
    trim_methods(&c, keep);
    rdoc_free(d0);
    long n = 0;
    for (;; n++) {
      assert_true(n < 1000000);
      rdoc *d = rdoc_new("t", "s");
      assert_non_null(d);
      c.doc = d;
      avn_mem_fail_after(n);
      avn_rc rc = secs[s].f(&c, &e);
      void *probe = avn_malloc(1);   /* NULL: the countdown ran out inside the section */
      avn_mem_fail_after(-1);
      char *got = digest(d, &c);
      bool nomem = d->nomem;
      trim_methods(&c, keep);
      rdoc_free(d);
      if (probe) {                   /* no allocation failed: the whole section ran */
        avn_free(probe);
        assert_int_equal(rc, AVN_OK);
        assert_string_equal(got, want);
        free(got);
        break;
      }
      if (rc != AVN_OK && rc != AVN_E_NOMEM) fail_msg("%s: rc %d at N = %ld", secs[s].name, rc, n);
      /* an allocation failed: the section must say so (rc or the document's
      ** flag) unless what it produced is exactly the fault-free result */
      if (rc == AVN_OK && !nomem && strcmp(got, want) != 0) {
        size_t at = 0;
        while (got[at] && got[at] == want[at]) at++;
        at = at > 80 ? at - 80 : 0;
        fail_msg("%s: allocation %ld failed silently; output differs:\n got  ...%.240s\n want ...%.240s",
                 secs[s].name, n, got + at, want + at);
      }
      free(got);
    }
    print_message("%s: %ld allocation points\n", secs[s].name, n);
    free(want);
    free_methods(&c);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_sections_fault)};
  int rc = cmocka_run_group_tests(tests, setup, teardown);
  inst_registry_free();
  return rc;
}
