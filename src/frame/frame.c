/*
** frame.c: the analysis dataset (see frame.h).
**
** Columns come in groups: the identifier columns, then one group per
** (visit, form, hip slot) holding the form's items and then its results.
** A chunk fills a row per unit; each group's values are chosen (agreement of
** a double entry) and scored once per unit, so a chunk costs
** O(units x columns + forms log forms).
*/
#include "frame/frame.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "protocol/protocol.h"

/* Identifier columns, in order. */
enum { ID_PATIENT, ID_SITE, ID_SIDE, ID_SEX, ID_AGE, ID_BIRTH, ID_ENROLLED, ID_STATUS, ID_WITHDRAWN,
       ID_REASON, ID_STAGE, ID_STAGE_LEFT, ID_STAGE_RIGHT, ID__N };

static const inst_code sex_codes[] = {{"male", "Male", 1, NULL}, {"female", "Female", 2, NULL}};
static const inst_code side_codes[] = {{"left", "Left", 1, NULL}, {"right", "Right", 2, NULL}};

/* An item's column within its group, found by the name's address: stored
** values borrow their item names from the definition, as columns do. */
typedef struct item_key {
  const char *name;
  size_t k;                  /* the group's k-th item column */
} item_key;

typedef struct group {
  const char *visit;
  const inst_def *def;
  int side;                  /* SIDE_LEFT/RIGHT for a fixed hip; SIDE_PATIENT: the row's own */
  size_t first, n_items, n_results;
  item_key *keys;            /* n_items, sorted by address (frame_open) */
} group;

struct frame {
  store *s;
  frame_opts o;
  bool per_hip;              /* a row per hip */
  frame_col *cols;
  size_t n_cols;
  int id_col[ID__N];         /* column of each identifier, -1 when absent */
  group *groups;
  size_t n_groups;
  inst_code *bool_codes;     /* shared by yes/no columns */
  store_study *st;           /* the current chunk */
  int64_t last_id;
  frame_cell *cells;
  inst_value *chosen;        /* scratch: one group's values, as many as its items */
  const inst_value **slot;   /* scratch: the value of each item column of a group, or NULL */
  size_t cap_rows;
  bool *code_plain;          /* per column: a code item whose cells carry codes[k].value (frame_code_value) */
  bool done;
};

static const inst_code yes_no[] = {{"no", "No", 0, NULL}, {"yes", "Yes", 1, NULL}};

/* ------------------------------------------------------------------ */
/* columns                                                             */

static void clean_name(char *s) {
  for (char *p = s; *p; p++) *p = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
}

static avn_rc add_col(frame *f, const char *name, const char *label, frame_kind kind, frame_measure m,
                      avn_err *e) {
  frame_col *c = avn_reallocarray(f->cols, f->n_cols + 1, sizeof *f->cols);
  if (!c) return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  f->cols = c;
  c = &f->cols[f->n_cols++];
  memset(c, 0, sizeof *c);
  snprintf(c->name, sizeof c->name, "%s", name);
  clean_name(c->name);
  if (!isalpha((unsigned char)c->name[0])) c->name[0] = 'v';
  snprintf(c->label, sizeof c->label, "%s", label);
  c->unit = "";
  c->kind = kind;
  c->measure = m;
  c->source = NULL;
  /* Names are unique: a clash (two visits whose names differ only in
  ** punctuation) gets a number. */
  for (size_t j = 0; j + 1 < f->n_cols; j++) {
    if (strcmp(f->cols[j].name, c->name)) continue;
    size_t n = strlen(c->name);
    snprintf(c->name + (n > 56 ? 56 : n), sizeof c->name - (n > 56 ? 56 : n), "_%zu", f->n_cols);
    j = (size_t)-1;
  }
  return AVN_OK;
}

static avn_rc add_id(frame *f, int id, const char *name, const char *label, frame_kind kind, frame_measure m,
                     avn_err *e) {
  avn_rc rc = add_col(f, name, label, kind, m, e);
  if (rc) return rc;
  f->id_col[id] = (int)(f->n_cols - 1);
  f->cols[f->n_cols - 1].source = name;
  return AVN_OK;
}

static avn_rc id_columns(frame *f, avn_err *e) {
  bool deid = f->o.deidentified;
  avn_rc rc = add_id(f, ID_PATIENT, "patient", "Patient (study number)", FRAME_TEXT, FRAME_NOMINAL, e);
  if (!rc) rc = add_id(f, ID_SITE, "site", "Site", FRAME_TEXT, FRAME_NOMINAL, e);
  if (!rc && f->per_hip) rc = add_id(f, ID_SIDE, "side", "Hip", FRAME_NUM, FRAME_NOMINAL, e);
  if (!rc) rc = add_id(f, ID_SEX, "sex", "Sex", FRAME_NUM, FRAME_NOMINAL, e);
  if (!rc) rc = add_id(f, ID_AGE, "age", "Age at enrolment", FRAME_NUM, FRAME_SCALE, e);
  if (!rc) f->cols[f->n_cols - 1].unit = "years";
  if (!rc && !deid) rc = add_id(f, ID_BIRTH, "birth_date", "Date of birth", FRAME_DATE, FRAME_SCALE, e);
  if (!rc && !deid) rc = add_id(f, ID_ENROLLED, "enrolled", "Date of enrolment", FRAME_DATE, FRAME_SCALE, e);
  if (!rc) rc = add_id(f, ID_STATUS, "status", "Status in the study", FRAME_TEXT, FRAME_NOMINAL, e);
  if (!rc)
    rc = add_id(f, ID_WITHDRAWN, "withdrawn", deid ? "Withdrawal, days from enrolment" : "Date of withdrawal",
                deid ? FRAME_NUM : FRAME_DATE, FRAME_SCALE, e);
  if (!rc && deid) f->cols[f->n_cols - 1].unit = "days";
  if (!rc) rc = add_id(f, ID_REASON, "withdraw_reason", "Reason for withdrawal", FRAME_TEXT, FRAME_NOMINAL, e);
  if (!rc && f->per_hip) rc = add_id(f, ID_STAGE, "stage", "Stage at screening", FRAME_TEXT, FRAME_ORDINAL, e);
  if (!rc && !f->per_hip)
    rc = add_id(f, ID_STAGE_LEFT, "stage_left", "Stage at screening, left hip", FRAME_TEXT, FRAME_ORDINAL, e);
  if (!rc && !f->per_hip)
    rc = add_id(f, ID_STAGE_RIGHT, "stage_right", "Stage at screening, right hip", FRAME_TEXT, FRAME_ORDINAL, e);
  return rc;
}

/* The column of an item: its kind, level and value labels from the definition. */
static void item_kind(frame *f, frame_col *c, const inst_item *it) {
  c->unit = it->unit ? it->unit : "";
  switch (it->type) {
  case INST_CODE:
    c->kind = FRAME_NUM;
    c->measure = FRAME_NOMINAL;
    c->coded = it;
    break;
  case INST_BOOL:
    c->kind = FRAME_NUM;
    c->measure = FRAME_NOMINAL;
    c->coded = it;
    break;
  case INST_DATE:
    c->kind = f->o.deidentified ? FRAME_NUM : FRAME_DATE;
    c->measure = FRAME_SCALE;
    if (f->o.deidentified) c->unit = "days from enrolment";
    break;
  case INST_TIME:
    c->kind = FRAME_NUM;
    c->measure = FRAME_SCALE;
    c->unit = "minutes after midnight";
    break;
  case INST_TEXT:
    c->kind = FRAME_TEXT;
    c->measure = FRAME_NOMINAL;
    break;
  default:
    c->kind = FRAME_NUM;
    c->measure = FRAME_SCALE;
  }
}

static avn_rc form_group(frame *f, const proto_visit *pv, const inst_def *d, int side, avn_err *e) {
  group g = {.visit = pv->name, .def = d, .side = side, .first = f->n_cols};
  const char *suffix = side == SIDE_LEFT ? "_left" : side == SIDE_RIGHT ? "_right" : "";
  const char *hip = side == SIDE_LEFT ? ", left hip" : side == SIDE_RIGHT ? ", right hip" : "";
  const char *vlabel = pv->label && *pv->label ? pv->label : pv->name;
  char name[160], label[512];
  avn_rc rc = AVN_OK;
  for (size_t i = 0; !rc && i < inst_n_items(d); i++) {
    const inst_item *it = inst_item_at(d, i);
    if (it->alias_of || it->identifying) continue; /* an alias is stored as its target; identifiers never leave */
    snprintf(name, sizeof name, "%s_%s_%s%s", pv->name, inst_name(d), it->name, suffix);
    snprintf(label, sizeof label, "%s (%s, %s%s)", it->label ? it->label : it->name, inst_title(d), vlabel, hip);
    rc = add_col(f, name, label, FRAME_NUM, FRAME_SCALE, e);
    if (rc) break;
    frame_col *c = &f->cols[f->n_cols - 1];
    item_kind(f, c, it);
    c->item = it;
    c->visit = pv->name;
    c->form = d;
    c->source = it->name;
    g.n_items++;
  }
  for (size_t i = 0; !rc && i < inst_n_results(d); i++) {
    const inst_result_def *r = inst_result_at(d, i);
    /* A result named like an item (vas pain_mm, the score in mm) is told apart. */
    snprintf(name, sizeof name, "%s_%s_%s%s%s", pv->name, inst_name(d), r->name,
             inst_item_find(d, r->name) ? "_score" : "", suffix);
    snprintf(label, sizeof label, "%s (%s, %s%s)", r->label, inst_title(d), vlabel, hip);
    rc = add_col(f, name, label, r->category ? FRAME_TEXT : FRAME_NUM, r->category ? FRAME_ORDINAL : FRAME_SCALE,
                 e);
    if (rc) break;
    frame_col *c = &f->cols[f->n_cols - 1];
    c->unit = r->unit ? r->unit : "";
    c->visit = pv->name;
    c->form = d;
    c->source = r->name;
    g.n_results++;
  }
  if (rc) return rc;
  group *gs = avn_reallocarray(f->groups, f->n_groups + 1, sizeof *f->groups);
  if (!gs) return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  f->groups = gs;
  f->groups[f->n_groups++] = g;
  return AVN_OK;
}

static avn_rc form_columns(frame *f, avn_err *e) {
  const protocol *p = store_protocol(f->s);
  avn_rc rc = AVN_OK;
  for (size_t v = 0; !rc && v < p->n_visits; v++) {
    const proto_visit *pv = &p->visits[v];
    for (size_t k = 0; !rc && k < pv->n_forms; k++) {
      const inst_def *d = inst_find(pv->forms[k]);
      if (!d || inst_repeats(d)) continue;   /* a log has no one row per unit: export's per-instance table */
      if (inst_get_level(d) == INST_LEVEL_HIP && !f->per_hip) {
        rc = form_group(f, pv, d, SIDE_LEFT, e);
        if (!rc) rc = form_group(f, pv, d, SIDE_RIGHT, e);
      } else {
        rc = form_group(f, pv, d, SIDE_PATIENT, e);
      }
    }
  }
  return rc;
}

static int key_cmp(const void *a, const void *b) {
  uintptr_t x = (uintptr_t)((const item_key *)a)->name, y = (uintptr_t)((const item_key *)b)->name;
  return x < y ? -1 : x > y;
}

avn_rc frame_open(store *s, const frame_opts *o, frame **out, avn_err *e) {
  avn_rc rc = AVN_OK;
  *out = NULL;
  frame *f = avn_calloc(1, sizeof *f);
  if (!f) return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  f->s = s;
  if (o) f->o = *o;
  if (!f->o.chunk) f->o.chunk = 1000;
  f->per_hip = store_protocol(s)->per_hip;
  for (int i = 0; i < ID__N; i++) f->id_col[i] = -1;
  rc = id_columns(f, e);
  if (!rc) rc = form_columns(f, e);
  if (rc) goto cleanup;
  size_t max_items = 0;
  for (size_t g = 0; g < f->n_groups; g++)
    if (f->groups[g].n_items > max_items) max_items = f->groups[g].n_items;
  /* frame_code_value asks every pair of codes; asked once here, not per cell. */
  f->code_plain = avn_calloc(f->n_cols + 1, sizeof *f->code_plain);
  for (size_t j = 0; f->code_plain && j < f->n_cols; j++) {
    const inst_item *it = f->cols[j].item;
    f->code_plain[j] = it && it->type == INST_CODE;
    for (size_t k = 0; f->code_plain[j] && k < it->n_codes; k++)
      f->code_plain[j] = frame_code_value(it, k) == it->codes[k].value;
  }
  f->chosen = avn_calloc(max_items + 1, sizeof *f->chosen);
  f->slot = avn_calloc(max_items + 1, sizeof *f->slot);
  for (size_t g = 0; f->chosen && f->slot && g < f->n_groups; g++) {
    group *gr = &f->groups[g];
    gr->keys = avn_calloc(gr->n_items + 1, sizeof *gr->keys);
    if (!gr->keys) break;
    for (size_t k = 0; k < gr->n_items; k++) gr->keys[k] = (item_key){f->cols[gr->first + k].source, k};
    qsort(gr->keys, gr->n_items, sizeof *gr->keys, key_cmp);
  }
  if (!f->chosen || !f->slot || !f->code_plain || (f->n_groups && !f->groups[f->n_groups - 1].keys)) {
    rc = avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
    goto cleanup;
  }
  *out = f;
  f = NULL;
cleanup:
  frame_close(f);
  return rc;
}

void frame_close(frame *f) {
  if (!f) return;
  store_study_free(f->st);
  avn_free(f->cols);
  for (size_t g = 0; f->groups && g < f->n_groups; g++) avn_free(f->groups[g].keys);
  avn_free(f->groups);
  avn_free(f->slot);
  avn_free(f->cells);
  avn_free(f->chosen);
  avn_free(f->code_plain);
  avn_free(f);
}

size_t frame_ncols(const frame *f) { return f->n_cols; }
const frame_col *frame_col_at(const frame *f, size_t j) { return &f->cols[j]; }
const store_study *frame_chunk(const frame *f) { return f->st; }

double frame_code_value(const inst_item *it, size_t k) {
  if (it->type == INST_BOOL) return (double)k;
  for (size_t i = 0; i < it->n_codes; i++) {
    if (it->codes[i].value != nearbyint(it->codes[i].value) || fabs(it->codes[i].value) > 2e9)
      return (double)(k + 1); /* Stata labels whole numbers only */
    for (size_t j = i + 1; j < it->n_codes; j++)
      if (it->codes[i].value == it->codes[j].value) return (double)(k + 1);
  }
  return it->codes[k].value;
}

/* Value labels of a coded column: the item's codes, yes/no, sex or side. */
const inst_code *frame_col_codes(const frame_col *c, size_t *n) {
  if (c->coded && c->coded->type == INST_BOOL) {
    *n = 2;
    return yes_no;
  }
  if (c->coded) {
    *n = c->coded->n_codes;
    return c->coded->codes;
  }
  if (c->source && !c->visit && !strcmp(c->source, "sex")) {
    *n = 2;
    return sex_codes;
  }
  if (c->source && !c->visit && !strcmp(c->source, "side")) {
    *n = 2;
    return side_codes;
  }
  *n = 0;
  return NULL;
}

/* ------------------------------------------------------------------ */
/* rows                                                                */

/* The group's k for a stored item name, or -1 (an item without a column). */
static long key_find(const group *g, const char *name) {
  size_t lo = 0, hi = g->n_items;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if ((uintptr_t)g->keys[mid].name < (uintptr_t)name) lo = mid + 1;
    else hi = mid;
  }
  return lo < g->n_items && g->keys[lo].name == name ? (long)g->keys[lo].k : -1;
}

static void set_item_cell(const frame *f, size_t j, const inst_value *v, avn_date enrolled, frame_cell *out) {
  const frame_col *c = &f->cols[j];
  memset(out, 0, sizeof *out);
  out->missing = true;
  if (!v) return;
  const inst_item *it = c->item;
  if (!it) return;
  if (v->missing) {
    out->code = v->code;
    return;
  }
  out->missing = false;
  switch (it->type) {
  case INST_CODE:
    out->text = v->text;
    out->missing = true;
    for (size_t k = 0; v->text && k < it->n_codes; k++)
      if (it->codes[k].name[0] == v->text[0] && !strcmp(it->codes[k].name, v->text)) {
        out->num = f->code_plain[j] ? it->codes[k].value : frame_code_value(it, k);
        out->missing = false;
        break;
      }
    break;
  case INST_TEXT:
    out->text = v->text ? v->text : "";
    break;
  case INST_DATE:
    out->num = f->o.deidentified ? v->num - enrolled : v->num;
    break;
  default:
    out->num = v->num;
  }
}

/* One group for one unit: the values chosen, scored once. */
static void fill_group(frame *f, const group *g, size_t pi, int row_side, frame_cell *row) {
  const store_study *st = f->st;
  int side = g->side != SIDE_PATIENT ? g->side : inst_get_level(g->def) == INST_LEVEL_HIP ? row_side : SIDE_PATIENT;
  const char *form = inst_name(g->def);
  const store_form *f1 = store_find_form(st, pi, g->visit, form, side, 1);
  avn_date enrolled = st->patients[pi].enrolled;
  inst_value *chosen = f->chosen;
  const inst_value **slot = f->slot;
  size_t n = 0;
  /* Entry 1, settled by store_settle in frame_next: each item's first value
  ** that is there or carries a missing-data code. O(values log items). */
  memset(slot, 0, g->n_items * sizeof *slot);
  for (size_t i = 0; f1 && i < f1->n_values; i++) {
    const inst_value *v = &f1->values[i];
    long k = v->missing && !v->code ? -1 : key_find(g, v->item);
    if (k >= 0 && !slot[k]) slot[k] = v;
  }
  for (size_t j = 0; j < g->n_items; j++) {
    const inst_value *v = slot[j];
    set_item_cell(f, g->first + j, v, enrolled, &row[g->first + j]);
    if (v && !v->missing) chosen[n++] = *v;
  }
  inst_scores sc = {0};
  bool scored = false;
  if (f1 && g->n_results) {
    inst_response resp = {chosen, n};
    avn_err e;
    scored = inst_score(g->def, &resp, NULL, 0, &sc, &e) == AVN_OK;
  }
  for (size_t j = 0; j < g->n_results; j++) {
    const frame_col *c = &f->cols[g->first + g->n_items + j];
    frame_cell *cell = &row[g->first + g->n_items + j];
    memset(cell, 0, sizeof *cell);
    cell->missing = true;
    const inst_result *r = scored ? inst_scores_get(&sc, c->source) : NULL;
    if (!r || r->missing || (!r->text && !isfinite(r->num))) continue;
    cell->missing = false;
    cell->num = r->num;
    cell->text = r->text; /* static text of the scorer */
  }
}

static void set_id(const frame *f, frame_cell *row, int id, bool missing, double num, const char *text) {
  int j = f->id_col[id];
  if (j < 0) return;
  row[j].missing = missing || (f->cols[j].kind == FRAME_TEXT && !text);
  row[j].num = num;
  row[j].text = text;
  row[j].code = NULL;
}

static void fill_ids(const frame *f, const store_patient *p, int side, frame_cell *row) {
  set_id(f, row, ID_PATIENT, false, 0, p->code);
  set_id(f, row, ID_SITE, false, 0, p->site);
  set_id(f, row, ID_SIDE, false, side, side == SIDE_LEFT ? "left" : "right");
  bool male = p->sex && !strcmp(p->sex, "male"), female = p->sex && !strcmp(p->sex, "female");
  set_id(f, row, ID_SEX, !male && !female, male ? 1 : 2, p->sex);
  set_id(f, row, ID_AGE, !p->has_birth, p->has_birth ? avn_date_age_years(p->birth, p->enrolled) : 0, NULL);
  set_id(f, row, ID_BIRTH, !p->has_birth, p->birth, NULL);
  set_id(f, row, ID_ENROLLED, false, p->enrolled, NULL);
  set_id(f, row, ID_STATUS, false, 0, p->status);
  set_id(f, row, ID_WITHDRAWN, !p->withdrawn,
         f->o.deidentified ? p->withdrawn_on - p->enrolled : p->withdrawn_on, NULL);
  set_id(f, row, ID_REASON, !p->withdraw_reason, 0, p->withdraw_reason);
  set_id(f, row, ID_STAGE, false, 0, side != SIDE_PATIENT ? p->hip_stage[side] : NULL);
  set_id(f, row, ID_STAGE_LEFT, false, 0, p->hip[SIDE_LEFT] ? p->hip_stage[SIDE_LEFT] : NULL);
  set_id(f, row, ID_STAGE_RIGHT, false, 0, p->hip[SIDE_RIGHT] ? p->hip_stage[SIDE_RIGHT] : NULL);
}

avn_rc frame_next(frame *f, const frame_cell **rows, size_t *n_rows, avn_err *e) {
  avn_rc rc = AVN_OK;
  *rows = NULL;
  *n_rows = 0;
  store_study_free(f->st);
  f->st = NULL;
  if (f->done) return AVN_OK;
  rc = store_load_next(f->s, f->last_id, f->o.chunk, &f->st, e);
  if (rc) return rc;
  const store_study *st = f->st;
  if (st->n_patients == 0) {
    f->done = true;
    return AVN_OK;
  }
  f->last_id = st->patients[st->n_patients - 1].id;
  /* Double entries settled once per chunk, the report's rule (store.h):
  ** agreed or adjudicated values in entry 1, a disagreement missing. */
  if (!f->o.raw && store_settle(f->st, NULL) != AVN_OK) return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  size_t units = 0;
  for (size_t i = 0; i < st->n_patients; i++)
    units += f->per_hip ? (size_t)st->patients[i].hip[SIDE_LEFT] + st->patients[i].hip[SIDE_RIGHT] : 1;
  if (units > f->cap_rows) {
    frame_cell *c = avn_reallocarray(f->cells, units * (f->n_cols ? f->n_cols : 1), sizeof *c);
    if (!c) return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
    f->cells = c;
    f->cap_rows = units;
  }
  size_t r = 0;
  for (size_t i = 0; i < st->n_patients; i++) {
    const store_patient *p = &st->patients[i];
    for (int side = f->per_hip ? SIDE_LEFT : SIDE_PATIENT; side <= (f->per_hip ? SIDE_RIGHT : SIDE_PATIENT);
         side++) {
      if (f->per_hip && !p->hip[side]) continue;
      frame_cell *row = &f->cells[r++ * f->n_cols];
      fill_ids(f, p, side, row);
      for (size_t g = 0; g < f->n_groups; g++) fill_group(f, &f->groups[g], i, side, row);
    }
  }
  *rows = f->cells;
  *n_rows = r;
  return AVN_OK;
}

/* ------------------------------------------------------------------ */
/* widths                                                              */

typedef struct width_ctx {
  frame *f;
  size_t *widths;
} width_ctx;

static void widen(size_t *w, size_t bytes) {
  if (bytes > *w) *w = bytes;
}

/* A stored group's width to the columns that show it: an identifier's
** column, or the item's column in each group of that visit and form whose
** hip matches (a fixed hip, or the row's own). */
static int width_cb(void *ctx, const char *visit, const char *form, int side, const char *item, size_t bytes) {
  width_ctx *w = ctx;
  frame *f = w->f;
  if (!visit) {
    static const struct { const char *name; int id[3]; } ids[] = {
        {"patient", {ID_PATIENT, -1, -1}}, {"site", {ID_SITE, -1, -1}}, {"status", {ID_STATUS, -1, -1}},
        {"withdraw_reason", {ID_REASON, -1, -1}}, {"stage", {ID_STAGE, ID_STAGE_LEFT, ID_STAGE_RIGHT}}};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
      for (int k = 0; !strcmp(ids[i].name, item) && k < 3; k++)
        if (ids[i].id[k] >= 0 && f->id_col[ids[i].id[k]] >= 0) widen(&w->widths[f->id_col[ids[i].id[k]]], bytes);
    return 0;
  }
  for (size_t g = 0; g < f->n_groups; g++) {
    const group *gr = &f->groups[g];
    if (strcmp(gr->visit, visit) || strcmp(inst_name(gr->def), form)) continue;
    if (gr->side != SIDE_PATIENT && gr->side != side) continue;
    for (size_t j = gr->first; j < gr->first + gr->n_items; j++)
      if (f->cols[j].kind == FRAME_TEXT && !strcmp(f->cols[j].source, item)) widen(&w->widths[j], bytes);
  }
  return 0;
}

avn_rc frame_text_widths(frame *f, size_t *widths, avn_err *e) {
  avn_rc rc = AVN_OK;
  const char **forms = avn_calloc(f->n_cols + 1, sizeof *forms), **items = avn_calloc(f->n_cols + 1, sizeof *items);
  size_t n = 0;
  if (!forms || !items) {
    rc = avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
    goto cleanup;
  }
  memset(widths, 0, f->n_cols * sizeof *widths);
  /* Each (form, text item) pair once; category results from their levels. */
  for (size_t j = 0; j < f->n_cols; j++) {
    const frame_col *c = &f->cols[j];
    if (c->kind != FRAME_TEXT || !c->form) continue;
    if (!c->item) {
      const inst_result_def *r = NULL;
      for (size_t k = 0; !r && k < inst_n_results(c->form); k++)
        if (!strcmp(inst_result_at(c->form, k)->name, c->source)) r = inst_result_at(c->form, k);
      widths[j] = r && r->n_levels ? 0 : FRAME_CATEGORY_WIDTH;
      for (size_t k = 0; r && k < r->n_levels; k++) widen(&widths[j], strlen(r->levels[k].name));
      continue;
    }
    bool seen = false;
    for (size_t k = 0; !seen && k < n; k++) seen = !strcmp(forms[k], inst_name(c->form)) && !strcmp(items[k], c->source);
    if (seen) continue;
    forms[n] = inst_name(c->form);
    items[n++] = c->source;
  }
  width_ctx w = {f, widths};
  rc = store_text_widths(f->s, forms, items, n, width_cb, &w, e);
cleanup:
  avn_free(forms);
  avn_free(items);
  return rc;
}

avn_rc frame_count_rows(store *s, size_t *out, avn_err *e) {
  size_t np = 0, nh = 0;
  avn_rc rc = store_count_units(s, &np, &nh, e);
  if (!rc) *out = store_protocol(s)->per_hip ? nh : np;
  return rc;
}
