/*
** test_events.c: the report's events sections (sec_radiology, sec_survival,
** sec_safety, sec_cells) on a small hand-chosen study, against R.
**
** The study is tests/golden/report/events_{patients,hips,forms}.csv (made
** by make_events_data.py): 14 patients, 18 hips of the shipped `sequential`
** protocol, entered here through the validated write path (store_screen,
** store_enroll, store_enter, store_withdraw). R reads the same CSVs in
** make_events_expected.R and writes every table the sections must print,
** cell for cell (the CSVs in events_expected), and the note fragments the HTML
** must contain (Fisher, Rao-Scott, log-rank and robust score p-values). Nothing expected is typed
** from avn's output.
**
** The context is built here (units per hip, as report.c does) so the test
** runs the four sections alone; test_report_write runs the same study
** through report_write (the lead's units and every section) and compares
** the same tables. test_reader_named enters the study again with one MRI
** read given to another reader and checks the methods name both (R says
** how). Two more cases: a plan whose Cox covariate
** has a level without conversions (alcohol-associated hips: none converted)
** must give a notice naming the monotone likelihood and no cox table; a
** study with visits but no MRI, THA, AE or cell product must give notices
** and none of these sections' tables.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/mem.h"
#include "interop/csv_table.h"
#include "report/doc.h"
#include "report/rctx.h"
#include "report/report.h"
#include "store/store.h"

#define GOLD AVN_SOURCE_DIR "/tests/golden/report/"

static char tmp[512];

static void make_tmp(const char *name) {
  snprintf(tmp, sizeof tmp, "%s/avn-events-%s-%d", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", name,
           (int)getpid());
  mkdir(tmp, 0777);
}

static csv_table *read_csv(const char *path) {
  csv_table *t = NULL;
  avn_err e;
  avn_rc rc = csv_table_read_file(path, &t, &e);
  if (rc) print_error("%s: %s %s\n", path, e.field, e.rule);
  assert_int_equal(rc, AVN_OK);
  return t;
}

static size_t col(const csv_table *t, const char *name) {
  size_t c = 0;
  avn_err e;
  assert_int_equal(csv_table_find(t, name, &c, &e), AVN_OK);
  return c;
}

static int side_of(const char *s) {
  return !strcmp(s, "left") ? SIDE_LEFT : !strcmp(s, "right") ? SIDE_RIGHT : SIDE_PATIENT;
}

static void check(avn_rc rc, const avn_err *e, const char *what) {
  if (rc) print_error("%s: rc %d field '%s' value '%s': %s\n", what, rc, e->field, e->value, e->rule);
  assert_int_equal(rc, AVN_OK);
}

/* Screens and enrols every patient of patients.csv with the hips of hips.csv. */
static store *create_study(const char *db, const char *pfile, const char *hfile) {
  protocol *p = NULL;
  store *s = NULL;
  avn_err e;
  unlink(db);
  check(protocol_load("sequential", &p, &e), &e, "protocol");
  check(store_create(db, p, "test", &s, &e), &e, "create");
  protocol_free(p);
  csv_table *pt = read_csv(pfile), *ht = read_csv(hfile);
  size_t cp = col(pt, "patient"), cs = col(pt, "sex"), cb = col(pt, "birth"), ce = col(pt, "enrolled");
  size_t hp = col(ht, "patient"), hs = col(ht, "side"), hst = col(ht, "stage");
  check(store_begin(s, &e), &e, "begin");
  for (size_t i = 0; i < csv_table_nrow(pt); i++) {
    const char *code = csv_table_cell(pt, i, cp);
    char kv[24][64];
    char *args[24];
    size_t n = 0;
    avn_date d0, birth;
    assert_int_equal(avn_date_parse(csv_table_cell(pt, i, ce), &d0), AVN_OK);
    assert_int_equal(avn_date_parse(csv_table_cell(pt, i, cb), &birth), AVN_OK);
    snprintf(kv[n++], 64, "age=%d", avn_date_age_years(birth, d0 - 7));
    const char *fixed[] = {"mri_confirmed=yes", "conservative_months=6", "can_attend_24m=yes",
                           "accepts_procedure=yes", "infection=no", "severe_coagulopathy=no",
                           "platelets=200000", "active_malignancy=no", "pregnant=no",
                           "aspiration_inadequate=no"};
    for (size_t k = 0; k < sizeof fixed / sizeof fixed[0]; k++) snprintf(kv[n++], 64, "%s", fixed[k]);
    for (size_t h = 0; h < csv_table_nrow(ht); h++) {
      if (strcmp(csv_table_cell(ht, h, hp), code) != 0) continue;
      snprintf(kv[n++], 64, "stage.%s=%s", csv_table_cell(ht, h, hs), csv_table_cell(ht, h, hst));
      snprintf(kv[n++], 64, "prior_surgery.%s=no", csv_table_cell(ht, h, hs));
    }
    for (size_t k = 0; k < n; k++) args[k] = kv[k];
    char scr[16];
    snprintf(scr, sizeof scr, "S%s", code + 1);
    store_screen_req sr = {.code = scr, .kv = args, .n_kv = n, .user = "test"};
    sr.date = d0 - 7;
    elig_result er;
    check(store_screen(s, &sr, &er, &e), &e, "screen");
    assert_true(er.eligible);
    elig_result_free(&er);
    store_enroll_req en = {.screening = scr, .patient = code, .sex = csv_table_cell(pt, i, cs),
                           .has_birth = true, .date = d0, .birth = birth, .user = "test"};
    check(store_enroll(s, &en, &e), &e, "enroll");
  }
  check(store_commit(s, &e), &e, "commit");
  csv_table_free(pt);
  csv_table_free(ht);
  return s;
}

/* The reader named in row i's kv ("reader=NAME;..."), or "". */
static void row_reader(const csv_table *ft, size_t i, size_t fk, char *out, size_t n) {
  const char *kv = csv_table_cell(ft, i, fk), *at = strstr(kv, "reader=");
  snprintf(out, n, "%.*s", at ? (int)strcspn(at + 7, ";") : 0, at ? at + 7 : "");
}

/* forms.csv keeps the layout R reads (make_events_expected.R): a second
** reader's read is entry 2 of the form. In the store a read is its
** reader's instance, so such a row is entered as that reader's entry 1
** (migration 5's rule); entry 2 by the same reader stays a double entry. */
static int store_entry(const csv_table *ft, size_t i, size_t fp, size_t fv, size_t ff, size_t fs, size_t fe,
                       size_t fk) {
  if (strcmp(csv_table_cell(ft, i, fe), "2") != 0) return 1;
  const inst_def *d = inst_find(csv_table_cell(ft, i, ff));
  if (!d || !inst_reader_item(d)) return 2;
  char r1[128] = "", r2[128];
  row_reader(ft, i, fk, r2, sizeof r2);
  for (size_t k = 0; k < csv_table_nrow(ft); k++)
    if (!strcmp(csv_table_cell(ft, k, fe), "1") && !strcmp(csv_table_cell(ft, k, fp), csv_table_cell(ft, i, fp)) &&
        !strcmp(csv_table_cell(ft, k, fv), csv_table_cell(ft, i, fv)) &&
        !strcmp(csv_table_cell(ft, k, ff), csv_table_cell(ft, i, ff)) &&
        !strcmp(csv_table_cell(ft, k, fs), csv_table_cell(ft, i, fs)))
      row_reader(ft, k, fk, r1, sizeof r1);
  return strcmp(r1, r2) ? 1 : 2;
}

/* Enters every row of forms.csv, then the withdrawals of patients.csv. */
static void enter_forms(store *s, const char *ffile, const char *pfile) {
  avn_err e;
  csv_table *ft = read_csv(ffile);
  size_t fp = col(ft, "patient"), fv = col(ft, "visit"), ff = col(ft, "form"), fs = col(ft, "side");
  size_t fe = col(ft, "entry"), fd = col(ft, "date"), fk = col(ft, "kv");
  check(store_begin(s, &e), &e, "begin");
  for (size_t i = 0; i < csv_table_nrow(ft); i++) {
    char buf[2048];
    char *args[64];
    size_t n = 0;
    snprintf(buf, sizeof buf, "%s", csv_table_cell(ft, i, fk));
    for (char *tok = buf; tok && n < 64;) {
      char *semi = strchr(tok, ';');
      if (semi) *semi = 0;
      args[n++] = tok;
      tok = semi ? semi + 1 : NULL;
    }
    store_enter_req r = {.patient = csv_table_cell(ft, i, fp), .visit = csv_table_cell(ft, i, fv),
                         .form = csv_table_cell(ft, i, ff), .side = side_of(csv_table_cell(ft, i, fs)),
                         .entry = store_entry(ft, i, fp, fv, ff, fs, fe, fk), .kv = args, .n_kv = n,
                         .has_date = true, .user = "test"};
    assert_int_equal(avn_date_parse(csv_table_cell(ft, i, fd), &r.date), AVN_OK);
    const inst_def *d = inst_find(r.form);
    r.new_instance = d && inst_repeats(d) && r.entry == 1;   /* an AE row: the patient's next in the log */
    store_enter_result res;
    char what[128];
    snprintf(what, sizeof what, "forms.csv row %zu", i + 1);
    check(store_enter(s, &r, &res, &e), &e, what);
  }
  check(store_commit(s, &e), &e, "commit");
  csv_table_free(ft);
  csv_table *pt = read_csv(pfile);
  size_t cp = col(pt, "patient"), cw = col(pt, "withdrawn"), cr = col(pt, "reason");
  for (size_t i = 0; i < csv_table_nrow(pt); i++) {
    if (csv_table_missing(pt, i, cw)) continue;
    avn_date w;
    assert_int_equal(avn_date_parse(csv_table_cell(pt, i, cw), &w), AVN_OK);
    check(store_withdraw(s, csv_table_cell(pt, i, cp), w, csv_table_cell(pt, i, cr), "test", &e), &e, "withdraw");
  }
  csv_table_free(pt);
}

/* The context as report.c builds it: one unit per study hip. */
typedef struct fixture {
  store *s;
  store_study *st;
  frame_scores *sc;          /* st scored once, as report.c does */
  runit *units;
  size_t n_units;
} fixture;

static void load(fixture *fx) {
  avn_err e;
  check(store_load(fx->s, NULL, &fx->st, &e), &e, "load");
  check(frame_scores_new(fx->st, &fx->sc, &e), &e, "frame_scores_new");
  const protocol *p = store_protocol(fx->s);
  const proto_field *sf = protocol_find_field(p, "stage");
  assert_non_null(sf);
  fx->units = avn_calloc(2 * fx->st->n_patients + 1, sizeof *fx->units);
  assert_non_null(fx->units);
  fx->n_units = 0;
  for (size_t i = 0; i < fx->st->n_patients; i++) {
    const store_patient *pt = &fx->st->patients[i];
    for (int side = SIDE_LEFT; side <= SIDE_RIGHT; side++) {
      if (!pt->hip[side]) continue;
      runit *u = &fx->units[fx->n_units++];
      u->patient = i;
      u->side = side;
      u->stage = pt->hip_stage[side];
      u->stage_ord = -1;
      for (size_t k = 0; u->stage && k < sf->n_codes; k++)
        if (!strcmp(sf->codes[k], u->stage)) u->stage_ord = (int)k;
      u->bilateral = pt->hip[SIDE_LEFT] && pt->hip[SIDE_RIGHT];
      snprintf(u->label, sizeof u->label, "%s %s", pt->code, side_name(side));
    }
  }
}

static void unload(fixture *fx) {
  frame_scores_free(fx->sc);
  store_study_free(fx->st);
  avn_free(fx->units);
  store_close(fx->s);
}

/* Runs the four sections into a document written under dir. */
static void run_sections(fixture *fx, const sap *plan, const char *dir) {
  avn_err e;
  rdoc *doc = rdoc_new("avn report: events test", "test");
  assert_non_null(doc);
  rctx c;
  memset(&c, 0, sizeof c);
  c.st = fx->st;
  c.scores = fx->sc;
  c.p = store_protocol(fx->s);
  c.plan = plan ? plan : c.p->analysis;
  c.doc = doc;
  c.cutoff = avn_date_today();
  c.units = fx->units;
  c.n_units = fx->n_units;
  c.per_hip = c.p->per_hip;
  check(sec_radiology(&c, &e), &e, "sec_radiology");
  check(sec_survival(&c, &e), &e, "sec_survival");
  check(sec_safety(&c, &e), &e, "sec_safety");
  check(sec_cells(&c, &e), &e, "sec_cells");
  check(sec_methods(&c, &e), &e, "sec_methods");
  check(rdoc_write(doc, dir, &e), &e, "rdoc_write");
  for (size_t i = 0; i < c.n_methods; i++) {
    avn_free(c.method_keys[i]);
    avn_free(c.method_text[i]);
  }
  avn_free(c.method_keys);
  avn_free(c.method_text);
  rdoc_free(doc);
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) print_error("cannot open %s\n", path);
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = avn_malloc((size_t)n + 1);
  assert_non_null(b);
  assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
  b[n] = 0;
  fclose(f);
  return b;
}

/* A cell equals R's; R's "x (*)" stands for "x (an interval R cannot
** reproduce)": the patient bootstrap of the kappa, random, whose behaviour
** tests/unit/stats/test_cluster.c checks. Then avn's must read
** "x (a to b)". */
static bool cell_equal(const char *want, const char *got) {
  size_t w = strlen(want);
  if (w < 4 || strcmp(want + w - 4, " (*)") != 0) return strcmp(want, got) == 0;
  size_t g = strlen(got);
  return strncmp(want, got, w - 3) == 0 && g > w && got[g - 1] == ')' && strstr(got + w - 3, " to ") != NULL;
}

/* Every cell of R's table equals avn's. */
static void compare_table(const char *dir, const char *id) {
  char want[1024], got[1024];
  snprintf(want, sizeof want, GOLD "events_expected/%s.csv", id);
  snprintf(got, sizeof got, "%s/tables/%s.csv", dir, id);
  csv_table *w = read_csv(want), *g = read_csv(got);
  bool ok = csv_table_ncol(w) == csv_table_ncol(g) && csv_table_nrow(w) == csv_table_nrow(g);
  if (!ok)
    print_error("%s: R has %zu x %zu, avn %zu x %zu\n", id, csv_table_nrow(w), csv_table_ncol(w),
                csv_table_nrow(g), csv_table_ncol(g));
  for (size_t j = 0; ok && j < csv_table_ncol(w); j++)
    if (strcmp(csv_table_name(w, j), csv_table_name(g, j)) != 0) {
      print_error("%s: column %zu is '%s' in R, '%s' in avn\n", id, j + 1, csv_table_name(w, j),
                  csv_table_name(g, j));
      ok = false;
    }
  size_t bad = 0;
  for (size_t i = 0; ok && i < csv_table_nrow(w); i++)
    for (size_t j = 0; j < csv_table_ncol(w); j++)
      if (!cell_equal(csv_table_cell(w, i, j), csv_table_cell(g, i, j))) {
        print_error("%s row %zu '%s': R '%s', avn '%s'\n", id, i + 1, csv_table_name(w, j), csv_table_cell(w, i, j),
                    csv_table_cell(g, i, j));
        bad++;
      }
  csv_table_free(w);
  csv_table_free(g);
  assert_true(ok);
  assert_int_equal(bad, 0);
}

static bool file_exists(const char *dir, const char *id) {
  char path[1024];
  snprintf(path, sizeof path, "%s/tables/%s.csv", dir, id);
  return access(path, F_OK) == 0;
}

static void test_against_r(void **unused) {
  (void)unused;
  make_tmp("full");
  char db[600], dir[600];
  snprintf(db, sizeof db, "%s/study.db", tmp);
  snprintf(dir, sizeof dir, "%s/report", tmp);
  fixture fx = {0};
  fx.s = create_study(db, GOLD "events_patients.csv", GOLD "events_hips.csv");
  enter_forms(fx.s, GOLD "events_forms.csv", GOLD "events_patients.csv");
  load(&fx);
  assert_int_equal(fx.n_units, 18);
  run_sections(&fx, NULL, dir);
  static const char *const ids[] = {"radiology_by_stage", "radiology_by_etiology", "edema", "lesion_change",
                                    "reader_agreement", "survival", "cox", "ae_terms", "complications",
                                    "ae_periods", "satisfaction", "cell_products", "cell_deviations",
                                    "dose_model"};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) compare_table(dir, ids[i]);

  /* the notes R computed: Fisher's p by stage and by etiology, log-rank p */
  char path[1024];
  snprintf(path, sizeof path, "%s/report.html", dir);
  char *html = slurp(path), *want = slurp(GOLD "events_expected/html_contains.txt");
  size_t nlines = 0;
  for (char *line = want; line && *line;) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = 0;
    if (*line) {
      if (!strstr(html, line)) print_error("report.html lacks '%s'\n", line);
      assert_non_null(strstr(html, line));
      nlines++;
    }
    line = nl ? nl + 1 : NULL;
  }
  assert_int_equal(nlines, 7);   /* Fisher and Rao-Scott by stage and by etiology, the reader, log-rank, robust score */
  /* the same-reader double entry is not a second read; the figures exist */
  assert_non_null(strstr(html, "Fisher"));
  snprintf(path, sizeof path, "%s/figures/km_by_stage.svg", dir);
  assert_int_equal(access(path, F_OK), 0);
  snprintf(path, sizeof path, "%s/figures/km_overall.svg", dir);
  assert_int_equal(access(path, F_OK), 0);
  snprintf(path, sizeof path, "%s/figures/dose_outcome.svg", dir);
  assert_int_equal(access(path, F_OK), 0);
  avn_free(html);
  avn_free(want);

  /* a covariate level without conversions: a notice, never a huge HR */
  sap plan = *store_protocol(fx.s)->analysis;
  char *cov[] = {"etiology"};
  plan.cox_covariates = cov;
  plan.n_cox_covariates = 1;
  char dir2[600];
  snprintf(dir2, sizeof dir2, "%s/report-monotone", tmp);
  run_sections(&fx, &plan, dir2);
  assert_false(file_exists(dir2, "cox"));
  assert_true(file_exists(dir2, "survival"));
  snprintf(path, sizeof path, "%s/report.html", dir2);
  html = slurp(path);
  assert_non_null(strstr(html, "monotone"));
  assert_non_null(strstr(html, "Alcohol-associated"));
  avn_free(html);
  unload(&fx);
}

/* Add a reader: the methods name the readers of the reads the radiological
** outcome used. R (make_events_expected.R, reader_variant.txt) picks the
** first used read, gives it to "Dr C" and writes what the methods must
** then say; the study is entered again with that one reader changed. */
static void test_reader_named(void **unused) {
  (void)unused;
  make_tmp("reader");
  char *variant = slurp(GOLD "events_expected/reader_variant.txt");
  char *nl = strchr(variant, '\n');
  assert_non_null(nl);
  *nl = 0;
  char *want = nl + 1;
  char *end = strchr(want, '\n');
  if (end) *end = 0;
  /* variant = "P01,baseline,left": the row "P01,baseline,mri,left,1," */
  char pat[3][64];
  assert_int_equal(sscanf(variant, "%63[^,],%63[^,],%63s", pat[0], pat[1], pat[2]), 3);
  char key[256];
  snprintf(key, sizeof key, "%s,%s,mri,%s,1,", pat[0], pat[1], pat[2]);
  char *forms = slurp(GOLD "events_forms.csv");
  char *row = strstr(forms, key);
  assert_non_null(row);
  char *r = strstr(row, "reader=Dr A");
  assert_non_null(r);
  assert_true(strchr(row, '\n') > r);   /* in that row */
  r[10] = 'C';                           /* "reader=Dr C" */
  char ffile[600], db[600], dir[600];
  snprintf(ffile, sizeof ffile, "%s/forms.csv", tmp);
  snprintf(db, sizeof db, "%s/study.db", tmp);
  snprintf(dir, sizeof dir, "%s/report", tmp);
  FILE *f = fopen(ffile, "w");
  assert_non_null(f);
  fputs(forms, f);
  fclose(f);
  fixture fx = {0};
  fx.s = create_study(db, GOLD "events_patients.csv", GOLD "events_hips.csv");
  enter_forms(fx.s, ffile, GOLD "events_patients.csv");
  load(&fx);
  run_sections(&fx, NULL, dir);
  char path[1024];
  snprintf(path, sizeof path, "%s/report.html", dir);
  char *html = slurp(path);
  if (!strstr(html, want)) print_error("report.html lacks '%s'\n", want);
  assert_non_null(strstr(html, want));
  avn_free(html);
  avn_free(forms);
  avn_free(variant);
  unload(&fx);
}

/* Visits only: every events section says what is missing, no table. */
static void test_no_data(void **unused) {
  (void)unused;
  make_tmp("empty");
  char db[600], dir[600], pfile[600], ffile[600];
  snprintf(db, sizeof db, "%s/study.db", tmp);
  snprintf(dir, sizeof dir, "%s/report", tmp);
  snprintf(pfile, sizeof pfile, "%s/patients.csv", tmp);
  snprintf(ffile, sizeof ffile, "%s/forms.csv", tmp);
  FILE *f = fopen(pfile, "w");
  assert_non_null(f);
  fputs("patient,sex,birth,enrolled,withdrawn,reason\nP01,male,1980-01-01,2022-01-10,,\n"
        "P02,female,1985-01-01,2022-02-10,,\n", f);
  fclose(f);
  f = fopen(ffile, "w");
  assert_non_null(f);
  fputs("patient,visit,form,side,entry,date,kv\nP01,baseline,vas,left,1,2022-01-10,pain_mm=70\n"
        "P01,m6,vas,left,1,2022-07-11,pain_mm=40\nP02,baseline,vas,right,1,2022-02-10,pain_mm=60\n", f);
  fclose(f);
  char hfile[600];
  snprintf(hfile, sizeof hfile, "%s/hips.csv", tmp);
  f = fopen(hfile, "w");
  assert_non_null(f);
  fputs("patient,side,stage\nP01,left,II\nP02,right,I\n", f);
  fclose(f);
  fixture fx = {0};
  fx.s = create_study(db, pfile, hfile);
  enter_forms(fx.s, ffile, pfile);
  load(&fx);
  run_sections(&fx, NULL, dir);
  static const char *const ids[] = {"radiology_by_stage", "radiology_by_etiology", "edema", "lesion_change",
                                    "reader_agreement", "survival", "cox", "ae_terms", "complications",
                                    "ae_periods", "satisfaction", "cell_products", "cell_deviations",
                                    "dose_model"};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
    if (file_exists(dir, ids[i])) print_error("table %s computed from nothing\n", ids[i]);
    assert_false(file_exists(dir, ids[i]));
  }
  char path[1024];
  snprintf(path, sizeof path, "%s/report.html", dir);
  char *html = slurp(path);
  static const char *const notices[] = {"No MRI read is recorded", "No conversion to arthroplasty is recorded",
                                        "No adverse event form", "No cell product is recorded",
                                        "No satisfaction form is recorded"};
  for (size_t i = 0; i < sizeof notices / sizeof notices[0]; i++) {
    if (!strstr(html, notices[i])) print_error("report.html lacks the notice '%s'\n", notices[i]);
    assert_non_null(strstr(html, notices[i]));
  }
  avn_free(html);
  unload(&fx);
}

/* The same study through the whole report (report_write: its own units,
** every section): the events tables are still R's. */
static void test_report_write(void **unused) {
  (void)unused;
  make_tmp("report");
  char db[600], dir[600];
  snprintf(db, sizeof db, "%s/study.db", tmp);
  snprintf(dir, sizeof dir, "%s/report", tmp);
  store *s = create_study(db, GOLD "events_patients.csv", GOLD "events_hips.csv");
  enter_forms(s, GOLD "events_forms.csv", GOLD "events_patients.csv");
  avn_err e;
  report_info info;
  check(report_write(s, dir, &info, &e), &e, "report_write");
  assert_int_equal(info.n_patients, 14);
  assert_int_equal(info.n_units, 18);
  static const char *const ids[] = {"radiology_by_stage", "radiology_by_etiology", "edema", "lesion_change",
                                    "reader_agreement", "survival", "cox", "ae_terms", "complications",
                                    "ae_periods", "satisfaction", "cell_products", "cell_deviations",
                                    "dose_model"};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) compare_table(dir, ids[i]);
  store_close(s);
}

/* Runs the four sections with the (n+1)-th allocation and every later one
** failing; returns true when no allocation failed (the run was complete).
** Each section must return AVN_OK or AVN_E_NOMEM, never crash or leak. */
static bool run_faulty(fixture *fx, long n) {
  rdoc *doc = rdoc_new("avn report: events test", "test");
  assert_non_null(doc);
  rctx c;
  memset(&c, 0, sizeof c);
  c.st = fx->st;
  c.scores = fx->sc;
  c.p = store_protocol(fx->s);
  c.plan = c.p->analysis;
  c.doc = doc;
  c.cutoff = avn_date_today();
  c.units = fx->units;
  c.n_units = fx->n_units;
  c.per_hip = c.p->per_hip;
  avn_rc (*const sec[])(rctx *, avn_err *) = {sec_radiology, sec_survival, sec_safety, sec_cells};
  avn_mem_fail_after(n);
  for (size_t i = 0; i < sizeof sec / sizeof sec[0]; i++) {
    avn_err e;
    avn_err_clear(&e);
    avn_rc rc = sec[i](&c, &e);
    if (rc != AVN_OK && rc != AVN_E_NOMEM) print_error("section %zu, fault at %ld: rc %d\n", i, n, rc);
    assert_true(rc == AVN_OK || rc == AVN_E_NOMEM);
  }
  void *probe = avn_malloc(1);   /* NULL: the injected failure was reached */
  avn_mem_fail_after(-1);
  avn_free(probe);
  for (size_t i = 0; i < c.n_methods; i++) {
    avn_free(c.method_keys[i]);
    avn_free(c.method_text[i]);
  }
  avn_free(c.method_keys);
  avn_free(c.method_text);
  rdoc_free(doc);
  return probe != NULL;
}

/* Allocation failure at every point:
** nothing crashes, nothing leaks (ASan build), only AVN_E_NOMEM comes out. */
static void test_alloc_faults(void **unused) {
  (void)unused;
  make_tmp("faults");
  char db[600];
  snprintf(db, sizeof db, "%s/study.db", tmp);
  fixture fx = {0};
  fx.s = create_study(db, GOLD "events_patients.csv", GOLD "events_hips.csv");
  enter_forms(fx.s, GOLD "events_forms.csv", GOLD "events_patients.csv");
  load(&fx);
  long hi = 1;
  while (!run_faulty(&fx, hi)) hi *= 2;
  long lo = hi / 2;   /* run_faulty(lo) failed (or lo = 0): find the allocation count */
  while (hi - lo > 1) {
    long mid = lo + (hi - lo) / 2;
    if (run_faulty(&fx, mid)) hi = mid;
    else lo = mid;
  }
  long runs = 0;
  for (long n = 0; n < hi; n++) {
    assert_false(run_faulty(&fx, n));
    runs++;
  }
  print_message("%ld allocations in the four sections; %ld fault points tried\n", hi, runs);
  unload(&fx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_against_r),
      cmocka_unit_test(test_no_data),
      cmocka_unit_test(test_reader_named),
      cmocka_unit_test(test_report_write),
      cmocka_unit_test(test_alloc_faults),
  };
  int r = cmocka_run_group_tests(tests, NULL, NULL);
  inst_registry_free();
  return r;
}
