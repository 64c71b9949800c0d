/*
** test_monitor.c: the monitoring rules (src/monitor/), one table row per
** rule: a study built through the store (real SQLite), the forms entered,
** the findings expected. Hand-worked from protocols/sequential.yaml.
**
** The study: patient P1, left hip only (stage II), enrolled on 2024-01-15
** (day 0). Schedule (sequential.yaml): baseline 2024-01-15, window
** 2024-01-15..2024-01-15 (before/after 0 days); procedure injection_1
** (left) at 0 days in the baseline window; MRI (left) at baseline; m1 at 1
** month = 2024-02-15, window +-7 days = 2024-02-08..2024-02-22; m3
** 2024-04-15 (window 2024-04-01..2024-04-29). Writes are made on "today"
** 2024-03-01 ($AVN_TODAY); the rules are run with the date each row gives.
** Each finding's expected/actual pair is the one monitor.h documents.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mem.h"
#include "monitor/monitor.h"
#include "store/store.h"

static char db_path[256];

typedef struct step {
  const char *visit, *form;
  int side, entry;
  const char *kv;            /* space-separated item=value ('_' stands for a space) */
  bool unscheduled;
} step;

typedef struct want {
  const char *visit, *form;
  int side, entry;
  const char *item, *expected, *actual, *detail;
} want;

typedef struct rule_case {
  const char *name;
  monitor_kind kind;
  const char *today;
  step steps[6];
  size_t n_want;
  want w[8];
} rule_case;

#define VISIT_DATE(v) (!strcmp((v), "m1") ? "2024-02-25" : "2024-01-15")

static const rule_case cases[] = {
    /* Baseline attended (vas entered): the other six baseline forms are due,
    ** baseline per patient, the five hip forms on the left hip only. */
    {"missing_form", MON_MISSING_FORM, "2024-03-01",
     {{"baseline", "vas", SIDE_LEFT, 1, "pain_mm=40", false}},
     6,
     {{"baseline", "baseline", SIDE_PATIENT, 1, NULL, NULL, NULL, "due at this visit, not entered"},
      {"baseline", "hip_baseline", SIDE_LEFT, 1, NULL, NULL, NULL, "due at this visit, not entered"},
      {"baseline", "hhs", SIDE_LEFT, 1, NULL, NULL, NULL, "due at this visit, not entered"},
      {"baseline", "mri", SIDE_LEFT, 1, NULL, NULL, NULL, "due at this visit, not entered"},
      {"baseline", "procedure", SIDE_LEFT, 1, NULL, NULL, NULL, "due at this visit, not entered"},
      {"baseline", "cell_product", SIDE_LEFT, 1, NULL, NULL, NULL, "due at this visit, not entered"}}},
    /* m1 attended on 2024-02-25, three days after its window closed. */
    {"out_of_window", MON_OUT_OF_WINDOW, "2024-03-01",
     {{"m1", "vas", SIDE_LEFT, 1, "pain_mm=40", false}},
     1,
     {{"m1", NULL, SIDE_PATIENT, 0, NULL, "2024-02-08..2024-02-22", "2024-02-25",
       "visit on 2024-02-25, window 2024-02-08..2024-02-22"}}},
    /* Nothing entered; on 2024-03-01 four windows have closed: baseline's
    ** visit, procedure and MRI (2024-01-15) and m1's (2024-02-22). */
    {"overdue", MON_OVERDUE, "2024-03-01",
     {{NULL, NULL, 0, 0, NULL, false}},
     4,
     {{"baseline", NULL, SIDE_PATIENT, 0, NULL, "2024-01-15..2024-01-15", "2024-03-01",
       "visit baseline overdue: window closed 2024-01-15"},
      {"baseline", NULL, SIDE_LEFT, 0, "injection_1", "2024-01-15..2024-01-15", "2024-03-01",
       "procedure injection_1 overdue: window closed 2024-01-15"},
      {"baseline", NULL, SIDE_LEFT, 0, "baseline", "2024-01-15..2024-01-15", "2024-03-01",
       "mri baseline overdue: window closed 2024-01-15"},
      {"m1", NULL, SIDE_PATIENT, 0, NULL, "2024-02-08..2024-02-22", "2024-03-01",
       "visit m1 overdue: window closed 2024-02-22"}}},
    /* The same study on 2024-02-22, m1's last day: only baseline's three. */
    {"overdue_not_yet", MON_OVERDUE, "2024-02-22", {{NULL, NULL, 0, 0, NULL, false}}, 3,
     {{"baseline", NULL, SIDE_PATIENT, 0, NULL, "2024-01-15..2024-01-15", "2024-02-22", NULL},
      {"baseline", NULL, SIDE_LEFT, 0, "injection_1", "2024-01-15..2024-01-15", "2024-02-22", NULL},
      {"baseline", NULL, SIDE_LEFT, 0, "baseline", "2024-01-15..2024-01-15", "2024-02-22", NULL}}},
    /* A procedure form at m1, which schedules only vas and hhs. */
    {"unscheduled_form", MON_UNSCHEDULED_FORM, "2024-03-01",
     {{"m1", "procedure", SIDE_LEFT, 1, "kind=injection_only injected_ml=5 anaesthesia=local fluoroscopy=yes", true}},
     1,
     {{"m1", "procedure", SIDE_LEFT, 1, NULL, NULL, NULL, "entered at a visit that does not schedule it (entry 1)"}}},
    /* procedure.yaml requires kind, injected_ml, anaesthesia, fluoroscopy:
    ** with the kind only, all three others are missing, named in one finding
    ** in the definition's order; the finding's item is the first. */
    {"incomplete_form", MON_INCOMPLETE_FORM, "2024-03-01",
     {{"baseline", "procedure", SIDE_LEFT, 1, "kind=cd_injection", false}},
     1,
     {{"baseline", "procedure", SIDE_LEFT, 1, "injected_ml", NULL, NULL, "incomplete (entry 1): 3 required items missing: injected_ml, anaesthesia, fluoroscopy"}}},
    /* Limits drill_size (3.2 mm) and injection_duration (4-6 min): a 4 mm
    ** drill and a 7-minute injection are two deviations, in the protocol's
    ** order; injected_ml has no limit. */
    {"deviation", MON_DEVIATION, "2024-03-01",
     {{"baseline", "procedure", SIDE_LEFT, 1,
       "kind=cd_injection drill_mm=4 injection_min=7 injected_ml=5 anaesthesia=spinal fluoroscopy=yes", false}},
     2,
     {{"baseline", "procedure", SIDE_LEFT, 1, "drill_mm", "3.2 mm core decompression drill", "4",
       "drill_mm = 4: protocol says 3.2 mm core decompression drill"},
      {"baseline", "procedure", SIDE_LEFT, 1, "injection_min", "injection over 4-6 minutes to avoid pressurization", "7",
       "injection_min = 7: protocol says injection over 4-6 minutes to avoid pressurization"}}},
    /* Within the limits: none. */
    {"deviation_none", MON_DEVIATION, "2024-03-01",
     {{"baseline", "procedure", SIDE_LEFT, 1,
       "kind=cd_injection drill_mm=3.2 injection_min=4 injected_ml=5 anaesthesia=spinal fluoroscopy=yes", false}},
     0, {{0}}},
    /* hhs and mri are double-entered (double_entry: [hhs, mri]). */
    {"second_entry_missing", MON_SECOND_ENTRY_MISSING, "2024-03-01",
     {{"baseline", "hhs", SIDE_LEFT, 1, "pain=slight", false}},
     1,
     {{"baseline", "hhs", SIDE_LEFT, 2, NULL, NULL, NULL, "double entry: entry 2 not done"}}},
    /* A read's double entry is optional (each reader's read is its own
    ** instance; readers are what make it independent). */
    {"second_entry_read", MON_SECOND_ENTRY_MISSING, "2024-03-01",
     {{"baseline", "mri", SIDE_LEFT, 1, "reader=Dr_A head_involved_pct=20", false}},
     0, {{0}}},
    /* The same reader twice: 20 against 25, and crescent_sign typed in entry
    ** 2 only. Entry 1's items first, then those only entry 2 has. */
    {"entry_mismatch", MON_ENTRY_MISMATCH, "2024-03-01",
     {{"baseline", "mri", SIDE_LEFT, 1, "reader=Dr_A head_involved_pct=20", false},
      {"baseline", "mri", SIDE_LEFT, 2, "reader=Dr_A head_involved_pct=25 crescent_sign=no", false}},
     2,
     {{"baseline", "mri", SIDE_LEFT, 1, "head_involved_pct", "20", "25", "head_involved_pct: entry 1 '20', entry 2 '25'"},
      {"baseline", "mri", SIDE_LEFT, 1, "crescent_sign", NULL, "no", "crescent_sign: entry 1 (blank), entry 2 'no'"}}},
    /* Two readers (each its own read, entry 1): the sizes may differ; the
    ** stages (IIA, IIC) go to a consensus read. */
    {"reader_disagreement", MON_READER_DISAGREEMENT, "2024-03-01",
     {{"baseline", "mri", SIDE_LEFT, 1, "reader=Dr_A head_involved_pct=20 steinberg_reader=IIA", false},
      {"baseline", "mri", SIDE_LEFT, 1, "reader=Dr_B head_involved_pct=30 steinberg_reader=IIC", false}},
     1,
     {{"baseline", "mri", SIDE_LEFT, 1, "steinberg_reader", "IIA", "IIC",
       "steinberg_reader: reader Dr A 'IIA', reader Dr B 'IIC': a consensus read settles it (--reader consensus)"}}},
    /* The same with the consensus read: settled, no finding. */
    {"reader_consensus", MON_READER_DISAGREEMENT, "2024-03-01",
     {{"baseline", "mri", SIDE_LEFT, 1, "reader=Dr_A head_involved_pct=20 steinberg_reader=IIA", false},
      {"baseline", "mri", SIDE_LEFT, 1, "reader=Dr_B head_involved_pct=30 steinberg_reader=IIC", false},
      {"baseline", "mri", SIDE_LEFT, 1, "reader=consensus head_involved_pct=25 steinberg_reader=IIA", false}},
     0, {{0}}},
    /* Two readers agreeing on the stage: no disagreement, and no mismatch
    ** (independent reads are not a double entry). */
    {"reader_agreement", MON_READER_DISAGREEMENT, "2024-03-01",
     {{"baseline", "mri", SIDE_LEFT, 1, "reader=Dr_A head_involved_pct=20 steinberg_reader=IIA", false},
      {"baseline", "mri", SIDE_LEFT, 1, "reader=Dr_B head_involved_pct=30 steinberg_reader=IIA", false}},
     0, {{0}}},
};

static store *make_study(void) {
  avn_err e;
  protocol *p = NULL;
  store *s = NULL;
  setenv("AVN_TODAY", "2024-03-01", 1);
  snprintf(db_path, sizeof db_path, "%s/avn-monitor-%d.db", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
  unlink(db_path);
  assert_int_equal(protocol_load("sequential", &p, &e), AVN_OK);
  assert_int_equal(store_create(db_path, p, "test", &s, &e), AVN_OK);
  protocol_free(p);
  char *kv[] = {"age=40", "mri_confirmed=yes", "stage.left=II", "conservative_months=4", "can_attend_24m=yes",
                "accepts_procedure=yes", "infection=no", "severe_coagulopathy=no", "platelets=250000",
                "prior_surgery.left=no", "active_malignancy=no", "pregnant=no", "aspiration_inadequate=no"};
  elig_result er;
  store_screen_req sr = {.code = "S1", .kv = kv, .n_kv = 13, .user = "test"};
  avn_date_parse("2024-01-10", &sr.date);
  assert_int_equal(store_screen(s, &sr, &er, &e), AVN_OK);
  assert_true(er.eligible);
  elig_result_free(&er);
  store_enroll_req en = {.screening = "S1", .patient = "P1", .sex = "male", .user = "test"};
  avn_date_parse("2024-01-15", &en.date);
  assert_int_equal(store_enroll(s, &en, &e), AVN_OK);
  return s;
}

static void enter(store *s, const step *st) {
  char buf[512], *kv[16];
  size_t n = 0;
  snprintf(buf, sizeof buf, "%s", st->kv);
  for (char *t = strtok(buf, " "); t && n < 16; t = strtok(NULL, " ")) kv[n++] = t;
  for (size_t i = 0; i < n; i++)   /* '_' in a value: a space (reader names) */
    for (char *c = strchr(kv[i], '='); c && *c; c++) if (*c == '_' && !strncmp(kv[i], "reader=", 7)) *c = ' ';
  store_enter_req r = {.patient = "P1", .visit = st->visit, .form = st->form, .side = st->side, .entry = st->entry,
                       .kv = kv, .n_kv = n, .has_date = true, .user = "test", .unscheduled = st->unscheduled};
  avn_date_parse(VISIT_DATE(st->visit), &r.date);
  store_enter_result res;
  avn_err e;
  avn_rc rc = store_enter(s, &r, &res, &e);
  if (rc) fail_msg("%s %s entry %d: %s %s: %s", st->visit, st->form, st->entry, e.field, e.value, e.rule);
}

typedef struct got {
  const rule_case *c;
  size_t n;
} got;

static void eq(const char *what, const char *want, const char *have) {
  if (!want && !have) return;
  if (!want || !have || strcmp(want, have)) fail_msg("%s: want '%s', have '%s'", what, want ? want : "(null)", have ? have : "(null)");
}

static int check_one(const monitor_finding *x, void *ctx) {
  got *g = ctx;
  const rule_case *c = g->c;
  if (g->n >= c->n_want) fail_msg("%s: unexpected finding %zu: %s", c->name, g->n + 1, x->detail);
  const want *w = &c->w[g->n++];
  assert_int_equal(x->kind, c->kind);
  assert_string_equal(x->patient_code, "P1");
  eq("visit", w->visit, x->visit);
  eq("form", w->form, x->form);
  assert_int_equal(x->side, w->side);
  assert_int_equal(x->entry, w->entry);
  eq("item", w->item, x->item);
  eq("expected", w->expected, x->expected);
  eq("actual", w->actual, x->actual);
  if (w->detail) eq("detail", w->detail, x->detail);
  char id[512];
  eq("id", monitor_id(id, sizeof id, c->kind, "P1", w->visit, w->form, w->side, w->item), x->id);
  return 0;
}

static void run_case(const rule_case *c) {
  store *s = make_study();
  for (size_t i = 0; i < 6 && c->steps[i].visit; i++) enter(s, &c->steps[i]);
  store_study *st = NULL;
  avn_err e;
  assert_int_equal(store_load(s, NULL, &st, &e), AVN_OK);
  avn_date today;
  assert_int_equal(avn_date_parse(c->today, &today), AVN_OK);
  got g = {c, 0};
  print_message("rule %s\n", c->name);
  assert_int_equal(monitor_run(st, today, 1u << c->kind, 0, check_one, &g), 0);
  assert_int_equal(g.n, c->n_want);
  store_study_free(st);
  store_close(s);
  unlink(db_path);
}

static void test_rules(void **unused) {
  (void)unused;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) run_case(&cases[i]);
}

/* Names and ids: every kind has a name that parses back. */
static void test_names(void **unused) {
  (void)unused;
  for (int k = 0; k < MON_N_KINDS; k++) assert_int_equal(monitor_kind_parse(monitor_kind_name((monitor_kind)k)), k);
  assert_int_equal(monitor_kind_parse("nonsense"), MON_N_KINDS);
  char id[512];
  assert_string_equal(monitor_id(id, sizeof id, MON_DEVIATION, "P1", "baseline", "procedure", SIDE_LEFT, "drill_mm"),
                      "deviation/P1/baseline/procedure/left/drill_mm");
  assert_string_equal(monitor_id(id, sizeof id, MON_OUT_OF_WINDOW, "P1", "m1", NULL, SIDE_PATIENT, NULL),
                      "out_of_window/P1/m1/-/-/-");
}

/* The handler's return value stops the walk and comes back. */
static int stop_at_first(const monitor_finding *x, void *ctx) {
  (void)x;
  ++*(int *)ctx;
  return 7;
}

/* The study file's audit rows, deviation_ack rows and last hash. */
static void state(char *out, size_t n) {
  sqlite3 *db = NULL;
  sqlite3_stmt *q = NULL;
  assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM audit) || '/' || (SELECT count(*) FROM"
                                          " deviation_ack) || '/' || (SELECT hash FROM audit ORDER BY id DESC LIMIT 1)",
                                      -1, &q, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(q), SQLITE_ROW);
  snprintf(out, n, "%s", (const char *)sqlite3_column_text(q, 0));
  sqlite3_finalize(q);
  sqlite3_close(db);
}

typedef struct acks_seen {
  size_t n, n_acked;
  char reason[64];
} acks_seen;

static int see_ack(const monitor_finding *x, void *ctx) {
  acks_seen *a = ctx;
  a->n++;
  if (x->acked) {
    a->n_acked++;
    snprintf(a->reason, sizeof a->reason, "%s", x->ack_reason);
  }
  return 0;
}

/* An acknowledged deviation leaves the open list; with MONITOR_ACKED it is
** handed, marked. Refusals write nothing. */
static void test_ack(void **unused) {
  (void)unused;
  store *s = make_study();
  enter(s, &cases[6].steps[0]);   /* the two deviations */
  avn_err e;
  char before[256], after[256];
  const char *id = "deviation/P1/baseline/procedure/left/drill_mm";
  state(before, sizeof before);
  assert_int_equal(store_ack_deviation(s, id, NULL, "test", &e), AVN_E_REQUIRED);
  assert_string_equal(e.field, "--reason");
  assert_int_equal(store_ack_deviation(s, "entry_mismatch/P1/baseline/mri/left/x", "ok", "test", &e), AVN_E_RANGE);
  assert_string_equal(e.field, "--ack");
  state(after, sizeof after);
  assert_string_equal(before, after);
  assert_int_equal(store_ack_deviation(s, id, "surgeon's 4 mm trephine, agreed with the sponsor", "test", &e), AVN_OK);
  state(before, sizeof before);
  assert_int_equal(store_ack_deviation(s, id, "again", "test", &e), AVN_E_STATE);
  state(after, sizeof after);
  assert_string_equal(before, after);
  store_study *st = NULL;
  assert_int_equal(store_load(s, NULL, &st, &e), AVN_OK);
  acks_seen open = {0}, all = {0};
  monitor_run(st, 0, 1u << MON_DEVIATION, 0, see_ack, &open);
  assert_int_equal(open.n, 1);   /* injection_min only */
  assert_int_equal(open.n_acked, 0);
  monitor_run(st, 0, 1u << MON_DEVIATION, MONITOR_ACKED, see_ack, &all);
  assert_int_equal(all.n, 2);
  assert_int_equal(all.n_acked, 1);
  assert_string_equal(all.reason, "surgeon's 4 mm trephine, agreed with the sponsor");
  int calls = 0;
  assert_int_equal(monitor_run(st, 0, 0, MONITOR_ACKED, stop_at_first, &calls), 7);
  assert_int_equal(calls, 1);
  /* monitor_find: the acknowledged deviation only with MONITOR_ACKED, copied
  ** out with its parts; an id of no current finding, or of no kind, is none. */
  monitor_hit hit;
  assert_false(monitor_find(st, 0, 0, id, &hit));
  assert_true(monitor_find(st, 0, MONITOR_ACKED, id, &hit));
  assert_int_equal(hit.kind, MON_DEVIATION);
  assert_string_equal(hit.patient, "P1");
  assert_string_equal(hit.visit, "baseline");
  assert_string_equal(hit.form, "procedure");
  assert_int_equal(hit.side, SIDE_LEFT);
  assert_string_equal(hit.item, "drill_mm");
  assert_true(hit.acked);
  assert_non_null(strstr(hit.detail, "deviation: "));
  assert_true(monitor_find(st, 0, 0, "deviation/P1/baseline/procedure/left/injection_min", &hit));
  assert_false(hit.acked);
  assert_false(monitor_find(st, 0, 0, "deviation/P2/baseline/procedure/left/drill_mm", &hit));
  assert_false(monitor_find(st, 0, 0, "nonsense/P1/baseline/procedure/left/drill_mm", &hit));
  assert_false(monitor_find(st, 0, 0, "", &hit));
  store_study_free(st);
  store_verify_result vr;
  assert_int_equal(store_verify(s, NULL, NULL, &vr, &e), AVN_OK);   /* the ack replays from the trail */
  store_close(s);
  unlink(db_path);
}

static void enter_as(store *s, const char *user, int entry, const char *kv) {
  char buf[256], *v[8];
  size_t n = 0;
  snprintf(buf, sizeof buf, "%s", kv);
  for (char *t = strtok(buf, " "); t && n < 8; t = strtok(NULL, " ")) v[n++] = t;
  store_enter_req r = {.patient = "P1", .visit = "baseline", .form = "hhs", .side = SIDE_LEFT, .entry = entry,
                       .kv = v, .n_kv = n, .has_date = true, .user = user};
  avn_date_parse("2024-01-15", &r.date);
  store_enter_result res;
  avn_err e;
  assert_int_equal(store_enter(s, &r, &res, &e), AVN_OK);
}

static const inst_value *hhs_value(const store_study *st, int entry, const char *item) {
  const store_form *f = store_find_form(st, 0, "baseline", "hhs", SIDE_LEFT, entry);
  assert_non_null(f);
  for (size_t i = 0; i < f->n_values; i++)
    if (!strcmp(f->values[i].item, item)) return &f->values[i];
  return NULL;
}

static int count_mismatch(const monitor_finding *x, void *ctx) {
  (void)x;
  ++*(int *)ctx;
  return 0;
}

/* Adjudication and the settled view the report reads (store_settle). HHS
** at baseline, left: clerk1 types pain=none limp=none, clerk2 pain=slight
** limp=none support=none. Hand-worked: limp agrees (1); pain differs and
** support is in entry 2 only: 2 unresolved, both missing in both entries
** (never entry 1's 'none'). After monitor1 adjudicates pain=slight (code
** value 40, hhs.yaml): 1 agreed, 1 adjudicated (both entries read 'slight'
** = 40), 1 unresolved; the monitor's entry_mismatch for pain is gone. */
static void test_settle(void **unused) {
  (void)unused;
  store *s = make_study();
  enter_as(s, "clerk1", 1, "pain=none limp=none");
  enter_as(s, "clerk2", 2, "pain=slight limp=none support=none");
  avn_err e;
  store_study *st = NULL;
  assert_int_equal(store_load(s, NULL, &st, &e), AVN_OK);
  assert_string_equal(st->forms[0].user, "clerk1");
  int mism = 0;
  monitor_run(st, 0, 1u << MON_ENTRY_MISMATCH, 0, count_mismatch, &mism);
  assert_int_equal(mism, 2);
  store_settle_result r = {0, 0, 0};
  assert_int_equal(store_settle(st, &r), AVN_OK);
  assert_int_equal(r.agreed, 1);
  assert_int_equal(r.adjudicated, 0);
  assert_int_equal(r.unresolved, 2);
  assert_true(hhs_value(st, 1, "pain")->missing);
  assert_true(hhs_value(st, 2, "pain")->missing);
  assert_true(hhs_value(st, 2, "support")->missing);
  assert_false(hhs_value(st, 1, "limp")->missing);
  assert_null(hhs_value(st, 1, "support"));
  store_study_free(st);

  store_adjudicate_req q = {"P1", "baseline", "hhs", SIDE_LEFT, "pain", "slight", "source document", "clerk2", NULL};
  char before[256], after[256];
  state(before, sizeof before);
  assert_int_equal(store_adjudicate(s, &q, &e), AVN_E_STATE);   /* clerk2 typed entry 2 */
  assert_string_equal(e.field, "--user");
  q.user = "monitor1";
  q.item = "limp";
  q.value = "none";
  assert_int_equal(store_adjudicate(s, &q, &e), AVN_E_STATE);   /* the entries agree on limp */
  state(after, sizeof after);
  assert_string_equal(before, after);
  q.item = "pain";
  q.value = "slight";
  assert_int_equal(store_adjudicate(s, &q, &e), AVN_OK);
  assert_int_equal(store_load(s, NULL, &st, &e), AVN_OK);
  mism = 0;
  monitor_run(st, 0, 1u << MON_ENTRY_MISMATCH, 0, count_mismatch, &mism);
  assert_int_equal(mism, 1);   /* support only */
  r = (store_settle_result){0, 0, 0};
  assert_int_equal(store_settle(st, &r), AVN_OK);
  assert_int_equal(r.agreed, 1);
  assert_int_equal(r.adjudicated, 1);
  assert_int_equal(r.unresolved, 1);
  for (int entry = 1; entry <= 2; entry++) {
    const inst_value *v = hhs_value(st, entry, "pain");
    assert_false(v->missing);
    assert_string_equal(v->text, "slight");
    assert_true(v->num == 40);
  }
  store_study_free(st);
  store_verify_result vr;
  assert_int_equal(store_verify(s, NULL, NULL, &vr, &e), AVN_OK);
  store_close(s);
  unlink(db_path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rules),
      cmocka_unit_test(test_names),
      cmocka_unit_test(test_ack),
      cmocka_unit_test(test_settle),
  };
  int r = cmocka_run_group_tests(tests, NULL, NULL);
  inst_registry_free();
  return r;
}
