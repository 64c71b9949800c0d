/*
** store_read.c: store_load, the snapshot reader (see store.h).
**
** A fixed number of queries whatever the study's size: patients, hips,
** events, forms, item values, adjudications and the screening log. Rows are
** matched to their parents by binary search on the parent's id (patients
** come in id order; forms are put in id order, then found by an id map),
** so loading is O(n log n) in rows with no per-row round trip. The big
** tables come as typed rows (store_q_typed), streamed by COPY on
** PostgreSQL. Ownership: the snapshot owns everything in it; the strings
** of patients, hips, events, forms and values are in st->strings (a
** GStringChunk), the rest avn_malloc'd one by one; store_study_free frees
** all.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "core/mem.h"
#include "store/store_int.h"

typedef struct {
  store_study *st;
  store *s;
  avn_rc rc;
  avn_err *e;
  char **creators;           /* audit "create" rows: record, user, record, user ... sorted by record */
  size_t n_creators;
  size_t last_form;          /* value_cb's last form, an index into st->forms */
  uint32_t *form_at;         /* form_at[id - forms[0].id]: the form's index, or UINT32_MAX; NULL: search */
  inst_value *pending;       /* values of form pending_form not yet in it (flush_values) */
  size_t n_pending, cap_pending, pending_form;
  unsigned char *doubled;    /* a bit a form: its values array doubles (flush_values) */
} load_ctx;

static char *dup_or_null(const char *s) { return s ? avn_strdup(s) : NULL; }

/* The strings of the snapshot's patients, hips, events, forms and values
** live in its GStringChunk (st->strings), freed with it at once: millions
** of small strings without a malloc and a free each. keep() copies one;
** keep_one() stores a string once however often it comes (a visit's or an
** instrument's name, a status: a handful of distinct strings over millions
** of forms). glib aborts when memory runs out, as the frame's tables do. */
static char *keep(load_ctx *c, const char *s) { return s ? g_string_chunk_insert(c->st->strings, s) : NULL; }
static char *keep_one(load_ctx *c, const char *s) {
  return s ? g_string_chunk_insert_const(c->st->strings, s) : NULL;
}

static int side_of(const char *s) {
  if (!s || !*s) return SIDE_PATIENT;
  return !strcmp(s, "left") ? SIDE_LEFT : SIDE_RIGHT;
}

static size_t find_patient(const store_study *st, int64_t id) {
  size_t lo = 0, hi = st->n_patients;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (st->patients[mid].id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo < st->n_patients && st->patients[lo].id == id ? lo : (size_t)-1;
}

static size_t find_form(const store_study *st, int64_t id) {
  size_t lo = 0, hi = st->n_forms;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (st->forms[mid].id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo < st->n_forms && st->forms[lo].id == id ? lo : (size_t)-1;
}

/* Room for element n of an array only ever grown here: the capacity is 4,
** then doubles (it is n itself when n is 0 or a power of two from 4 on), so
** loading is O(n) in copies, not a realloc per row. */
#define GROW(arr, n)                                                   \
  do {                                                                 \
    if ((n) == 0 || ((n) >= 4 && ((n) & ((n) - 1)) == 0)) {            \
      void *g_ = avn_reallocarray((arr), (n) ? 2 * (n) : 4, sizeof *(arr)); \
      if (!g_) { c->rc = AVN_E_NOMEM; return 1; }                      \
      (arr) = g_;                                                      \
    }                                                                  \
    memset(&(arr)[(n)], 0, sizeof *(arr));                             \
  } while (0)

/* The snapshot's tables come as typed rows (store_q_typed): ids as
** numbers, streamed on PostgreSQL (COPY), never a whole result in memory. */
static int patient_cb(void *ctx, const db_row *r) {
  load_ctx *c = ctx;
  store_study *st = c->st;
  GROW(st->patients, st->n_patients);
  store_patient *p = &st->patients[st->n_patients++];
  const char *reason = db_text(r, 9), *birth = db_text(r, 7), *withdrawn = db_text(r, 8);
  p->id = db_int64(r, 0);
  p->code = keep(c, db_text(r, 1));
  p->site = keep_one(c, db_text(r, 2));
  p->sex = keep_one(c, db_text(r, 3));
  p->status = keep_one(c, db_text(r, 4));
  p->screening = keep(c, db_text(r, 5));
  avn_date_parse(db_text(r, 6), &p->enrolled);
  p->has_birth = birth && avn_date_parse(birth, &p->birth) == AVN_OK;
  p->withdrawn = withdrawn && avn_date_parse(withdrawn, &p->withdrawn_on) == AVN_OK;
  p->withdraw_reason = keep(c, reason);
  return 0;
}

static int hip_cb(void *ctx, const db_row *r) {
  load_ctx *c = ctx;
  size_t pi = find_patient(c->st, db_int64(r, 0));
  if (pi == (size_t)-1) return 0;
  int side = side_of(db_text(r, 1));
  const char *stage = db_text(r, 2);
  c->st->patients[pi].hip[side] = true;
  c->st->patients[pi].hip_stage[side] = keep_one(c, stage);
  return 0;
}

static int event_cb(void *ctx, const db_row *r) {
  load_ctx *c = ctx;
  store_study *st = c->st;
  size_t pi = find_patient(st, db_int64(r, 0));
  if (pi == (size_t)-1) return 0;
  GROW(st->events, st->n_events);
  store_event *ev = &st->events[st->n_events++];
  const char *actual = db_text(r, 8);
  ev->patient = pi;
  ev->kind = keep_one(c, db_text(r, 1));
  ev->name = keep_one(c, db_text(r, 2));
  ev->visit = keep_one(c, db_text(r, 3));
  ev->side = side_of(db_text(r, 4));
  avn_date_parse(db_text(r, 5), &ev->planned);
  avn_date_parse(db_text(r, 6), &ev->earliest);
  avn_date_parse(db_text(r, 7), &ev->latest);
  ev->has_actual = actual && avn_date_parse(actual, &ev->actual) == AVN_OK;
  return 0;
}

/* A patient's events in schedule order: by planned date, visits before
** procedures before MRIs on a day, the patient's before the left hip's
** before the right's ('' < left < right), then by name (an event is unique
** by patient, kind, name and side, so this is a total order). */
static int kind_rank(const char *kind) { return !strcmp(kind, "visit") ? 0 : !strcmp(kind, "procedure") ? 1 : 2; }
static int event_cmp(const void *x, const void *y) {
  const store_event *a = x, *b = y;
  if (a->patient != b->patient) return a->patient < b->patient ? -1 : 1;
  if (a->planned != b->planned) return a->planned < b->planned ? -1 : 1;
  int ka = kind_rank(a->kind), kb = kind_rank(b->kind);
  if (ka != kb) return ka - kb;
  if (a->side != b->side) return a->side - b->side;
  return strcmp(a->name, b->name);
}

static int form_cb(void *ctx, const db_row *r) {
  load_ctx *c = ctx;
  store_study *st = c->st;
  size_t pi = find_patient(st, db_int64(r, 1));
  if (pi == (size_t)-1) return 0;
  GROW(st->forms, st->n_forms);
  store_form *f = &st->forms[st->n_forms++];
  const char *instrument = db_text(r, 3), *instance = db_text(r, 8);
  f->id = db_int64(r, 0);
  f->patient = pi;
  f->visit = keep_one(c, db_text(r, 2));
  f->instrument = keep_one(c, instrument);
  f->side = side_of(db_text(r, 4));
  f->entry = (int)db_int64(r, 5);
  f->status = keep_one(c, db_text(r, 6));
  f->unscheduled = !db_null(r, 7) && db_int64(r, 7) == 1;
  f->instance = keep_one(c, instance ? instance : "");
  f->def = inst_find(instrument);
  return 0;
}

/* The typed value of a stored row without parsing its text again where the
** row says all: store_put writes value_num as the parsed number (dates as
** day numbers, codes as their value, yes/no as 0/1) and NULL for text and
** missing-data codes. Anything else (an alias, a code, a number missing)
** goes through inst_parse_value. false: parse instead. */
static bool stored_value(const inst_def *d, const char *item, const char *text, bool has_num, double num,
                         inst_value *out) {
  const inst_item *it = inst_item_find(d, item);
  if (!it || it->alias_of) return false;
  if (has_num && it->type != INST_TEXT) {
    *out = (inst_value){.item = it->name, .num = num};
    return true;
  }
  if (!has_num && it->type == INST_TEXT && *text && !inst_missing_code_find(text)) {
    *out = (inst_value){.item = it->name};
    return true;
  }
  return false;
}

typedef struct {
  int64_t id;
  size_t at;
} form_key;

static int form_key_cmp_id(const void *x, const void *y) {
  const form_key *a = x, *b = y;
  return a->id < b->id ? -1 : a->id > b->id;
}

/* The forms in id order (what the values' lookups need), sorted here
** rather than by the server (an index scan instead of its table in
** order: a quarter more of its time for the table): the table comes
** nearly in order, so this is a check, then a sort of (id, index) pairs
** and one pass that moves each form once, not a sort of the forms
** themselves. */
static avn_rc sort_forms(store_study *st) {
  size_t n = st->n_forms, i = 1;
  while (i < n && st->forms[i - 1].id < st->forms[i].id) i++;
  if (i >= n) return AVN_OK;
  avn_rc rc = AVN_E_NOMEM;
  form_key *k = avn_malloc(n * sizeof *k);
  store_form *sorted = avn_malloc(n * sizeof *sorted);
  if (!k || !sorted) goto cleanup;
  for (i = 0; i < n; i++) k[i] = (form_key){st->forms[i].id, i};
  qsort(k, n, sizeof *k, form_key_cmp_id);
  for (i = 0; i < n; i++) sorted[i] = st->forms[k[i].at];
  avn_free(st->forms);
  st->forms = sorted;
  sorted = NULL;
  rc = AVN_OK;
cleanup:
  avn_free(k);
  avn_free(sorted);
  return rc;
}

/* A form's index by its id, (size_t)-1 when it is not in the snapshot. */
static size_t form_index_of(const load_ctx *c, int64_t id) {
  const store_study *st = c->st;
  if (!c->form_at) return find_form(st, id);
  if (st->n_forms == 0 || id < st->forms[0].id || id > st->forms[st->n_forms - 1].id) return (size_t)-1;
  uint32_t k = c->form_at[id - st->forms[0].id];
  return k == UINT32_MAX ? (size_t)-1 : k;
}

/* The form_at map for the forms loaded (sorted by id), when their ids are
** dense enough (a span at most 4 times their number: 16 bytes a form at
** most): a value then finds its form in one step, not a binary search
** through millions of forms (a cache miss each step: most of the client's
** time for the values at 100,000 patients). Without it (ids too sparse,
** too many forms for 32 bits, no memory) form_index_of searches. */
static void map_forms(load_ctx *c) {
  const store_study *st = c->st;
  if (st->n_forms == 0 || st->n_forms >= UINT32_MAX) return;
  uint64_t span = (uint64_t)(st->forms[st->n_forms - 1].id - st->forms[0].id) + 1;
  if (span > 4 * (uint64_t)st->n_forms) return;
  c->form_at = avn_malloc((size_t)span * sizeof *c->form_at);
  if (!c->form_at) return;
  memset(c->form_at, 0xff, (size_t)span * sizeof *c->form_at);
  for (size_t i = 0; i < st->n_forms; i++) c->form_at[st->forms[i].id - st->forms[0].id] = (uint32_t)i;
}

static size_t pow2_at_least(size_t n) {
  size_t k = 4;
  while (k < n) k *= 2;
  return k;
}

/* A form's values in item order (byte order), whatever order the backend
** returned them in (PostgreSQL's COPY gives the table's heap order; the long
** export and every reader expect one order on both engines). Usually
** sorted already: checked first, sorted only when not. */
static int value_item_cmp(const void *a, const void *b) {
  return strcmp(((const inst_value *)a)->item, ((const inst_value *)b)->item);
}
static void sort_values(store_study *st) {
  for (size_t i = 0; i < st->n_forms; i++) {
    store_form *f = &st->forms[i];
    size_t k = 1;
    while (k < f->n_values && strcmp(f->values[k - 1].item, f->values[k].item) <= 0) k++;
    if (k < f->n_values) qsort(f->values, f->n_values, sizeof *f->values, value_item_cmp);
  }
}

/* A form's values collect in c->pending while they come in a run and move
** to the form in one array of their exact number when the run ends: one
** allocation a form, not a doubling array's three and its unused half (at
** 3 M forms, most of a gigabyte), where a form's values come together (a
** study saved form by form). Where they do not (a table whose rows were
** copied or updated in another order: a form's values in many runs), the
** form's array doubles from its second run on (c->doubled marks it), so
** appending stays O(1) amortised. */
static avn_rc flush_values(load_ctx *c) {
  if (!c->n_pending) return AVN_OK;
  size_t fi = c->pending_form;
  store_form *f = &c->st->forms[fi];
  size_t need = f->n_values + c->n_pending;
  bool doubled = c->doubled[fi / 8] & (1u << (fi % 8));
  size_t cap = doubled ? pow2_at_least(f->n_values) : f->n_values;
  if (need > cap) {
    size_t want = f->n_values ? pow2_at_least(need) : need;
    inst_value *v = avn_reallocarray(f->values, want, sizeof *v);
    if (!v) return AVN_E_NOMEM;
    f->values = v;
    if (f->n_values) c->doubled[fi / 8] |= (unsigned char)(1u << (fi % 8));
  }
  memcpy(f->values + f->n_values, c->pending, c->n_pending * sizeof *f->values);
  f->n_values = need;
  c->n_pending = 0;
  return AVN_OK;
}

static int value_cb(void *ctx, const db_row *r) {
  load_ctx *c = ctx;
  int64_t id = db_int64(r, 0);
  /* A form's values come together (the table's order): the last form found
  ** is asked first, the form_at map (or a search) only when it changes. */
  size_t fi = c->last_form;
  if (fi >= c->st->n_forms || c->st->forms[fi].id != id) fi = form_index_of(c, id);
  if (fi == (size_t)-1) return 0;
  c->last_form = fi;
  store_form *f = &c->st->forms[fi];
  if (!f->def) return 0;
  const char *item = db_text(r, 1), *stored = db_text(r, 2);
  if (!item) return 0;
  bool has_num = !db_null(r, 3);
  double num = has_num ? db_double(r, 3) : 0;
  if (fi != c->pending_form) {
    c->rc = flush_values(c);
    if (c->rc) return 1;
    c->pending_form = fi;
  }
  if (avn_grow((void **)&c->pending, &c->cap_pending, c->n_pending, sizeof *c->pending)) {
    c->rc = AVN_E_NOMEM;
    return 1;
  }
  char *text = keep(c, stored ? stored : "");
  avn_err e2;
  inst_value *iv = &c->pending[c->n_pending];
  memset(iv, 0, sizeof *iv);
  /* Stored values were validated on entry; re-parsing restores the typed
  ** value. A definition that has since narrowed a range still loads: the
  ** value is kept as text and flagged by avn check, not dropped. */
  if (!stored_value(f->def, item, text, has_num, num, iv) && inst_parse_value(f->def, item, text, iv, &e2) != AVN_OK) {
    const inst_item *it = inst_item_find(f->def, item);
    iv->item = it ? it->name : NULL;
    iv->missing = false;
    iv->num = num;
    if (!iv->item) return 0;   /* its text stays in the chunk, unused */
  }
  iv->text = text;
  c->n_pending++;
  return 0;
}

static int screening_cb(void *ctx, int n, const char *const *v) {
  load_ctx *c = ctx;
  store_study *st = c->st;
  (void)n;
  GROW(st->screenings, st->n_screenings);
  store_screening *s = &st->screenings[st->n_screenings++];
  s->code = dup_or_null(v[0]);
  s->site = dup_or_null(v[1]);
  s->date = dup_or_null(v[2]);
  s->eligible = v[3] && v[3][0] == '1';
  s->failed = dup_or_null(v[4]);
  s->patient = dup_or_null(v[5]);
  return 0;
}

static int ack_cb(void *ctx, int n, const char *const *v) {
  load_ctx *c = ctx;
  store_study *st = c->st;
  (void)n;
  GROW(st->acks, st->n_acks);
  store_ack *a = &st->acks[st->n_acks++];
  *a = (store_ack){dup_or_null(v[0]), dup_or_null(v[1]), dup_or_null(v[2]), dup_or_null(v[3])};
  return 0;
}

static int adjudication_cb(void *ctx, int n, const char *const *v) {
  load_ctx *c = ctx;
  store_study *st = c->st;
  (void)n;
  size_t pi = find_patient(st, strtoll(v[0], NULL, 10));
  if (pi == (size_t)-1) return 0;
  GROW(st->adjudications, st->n_adjudications);
  store_adjudication *a = &st->adjudications[st->n_adjudications++];
  *a = (store_adjudication){pi, dup_or_null(v[1]), dup_or_null(v[2]), dup_or_null(v[4]), dup_or_null(v[5]),
                            dup_or_null(v[6]), dup_or_null(v[7]), side_of(v[3]), avn_strdup(v[8] ? v[8] : "")};
  if (!a->visit || !a->form || !a->item || !a->value || !a->reason || !a->user || !a->instance) c->rc = AVN_E_NOMEM;
  return c->rc != AVN_OK;
}

static int creator_cb(void *ctx, int n, const char *const *v) {
  load_ctx *c = ctx;
  (void)n;
  char **g = avn_reallocarray(c->creators, 2 * (c->n_creators + 1), sizeof *g);
  if (!g) { c->rc = AVN_E_NOMEM; return 1; }
  c->creators = g;
  g[2 * c->n_creators] = dup_or_null(v[0]);
  g[2 * c->n_creators + 1] = dup_or_null(v[1]);
  c->n_creators++;
  if (!g[2 * c->n_creators - 2] || !g[2 * c->n_creators - 1]) c->rc = AVN_E_NOMEM;
  return c->rc != AVN_OK;
}

/* Each form's entering user: the audit row that created it, found by the
** form's record name (store_form_record) in the sorted rows: O(n log n). */
static avn_rc form_users(load_ctx *c) {
  store_study *st = c->st;
  char rec[600];
  for (size_t i = 0; i < st->n_forms; i++) {
    store_form *f = &st->forms[i];
    store_form_record(rec, sizeof rec, st->patients[f->patient].code, f->visit, f->instrument, f->side, f->instance,
                      f->entry);
    size_t lo = 0, hi = c->n_creators;
    while (lo < hi) {   /* the first row >= rec: a form created, voided and re-entered keeps its first creator */
      size_t mid = lo + (hi - lo) / 2;
      if (strcmp(c->creators[2 * mid], rec) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo < c->n_creators && !strcmp(c->creators[2 * lo], rec)) {
      f->user = keep_one(c, c->creators[2 * lo + 1]);
    }
  }
  return AVN_OK;
}

static avn_rc build_form_index(store_study *st);

/* where (" WHERE ..." over patient p, or "") narrowed to the site ids of
** sites ("" : every site) into buf. */
static const char *at_sites(char *buf, size_t n, const char *where, const char *sites) {
  if (!sites[0]) return where;
  snprintf(buf, n, "%s%s p.site_id IN %s", where, where[0] ? " AND" : " WHERE", sites);
  return buf;
}

/* One snapshot: the patients that `where` (over patient p, taking pp) selects,
** at most `limit` of them in id order (0: all), then their hips, events, forms
** and values, one query per table; with_screenings adds the screening log.
** sites: the reader's site ids (store_read_scope), "" for every site. */
static avn_rc load(store *s, const char *where, const char *const *pp, size_t np, size_t limit,
                   bool with_screenings, const char *sites, store_study **out, avn_err *e) {
  load_ctx c = {.s = s, .e = e};
  avn_rc rc;
  char wbuf[256];
  *out = NULL;
  c.st = avn_calloc(1, sizeof *c.st);
  if (!c.st) return AVN_E_NOMEM;
  c.st->protocol = s->protocol;
  c.st->strings = g_string_chunk_new((size_t)1 << 20);
  where = at_sites(wbuf, sizeof wbuf, where, sites);
  char sql[1024], lim[32] = "";
  if (limit) snprintf(lim, sizeof lim, " LIMIT %zu", limit);
  snprintf(sql, sizeof sql,
           "SELECT p.id, p.code, site.code, p.sex, p.status, sc.code, p.enrolled_on, p.birth_date,"
           " p.withdrawn_on, p.withdraw_reason"
           " FROM patient p JOIN site ON site.id = p.site_id JOIN screening sc ON sc.id = p.screening_id"
           "%s ORDER BY p.id%s", where, lim);
  rc = store_q_typed(s, sql, pp, np, patient_cb, &c, e);
  if (!rc) rc = c.rc;
  if (rc) goto cleanup;
  /* A limited load: the other tables take the id range of the patients read. */
  char lo[32], hi[32];
  const char *range[2] = {lo, hi};
  if (limit) {
    if (c.st->n_patients == 0) goto done;
    snprintf(lo, sizeof lo, "%lld", (long long)c.st->patients[0].id);
    snprintf(hi, sizeof hi, "%lld", (long long)c.st->patients[c.st->n_patients - 1].id);
    where = at_sites(wbuf, sizeof wbuf, " WHERE p.id BETWEEN ? AND ?", sites);
    pp = range;
    np = 2;
  }
  /* The rest of the snapshot, one query per table; "%s" takes the patient
  ** filter. Events come in schedule order, values grouped by form. A form
  ** voided as entered in error (avn void) stays in the file but is left out
  ** of the snapshot, so of analysis, checks and the report. The whole
  ** study (no filter) reads each table alone (`all`): every row's patient
  ** is loaded and a void form's values find no form (value_cb drops them),
  ** so the joins would only cost the server (at 27 M values, most of its
  ** time: a hash of every form, spilled to disk) and SQLite two lookups a
  ** value. The rows and their order are the same. */
  static const struct {
    const char *sql, *all;
    db_row_fn fn;
    db_typed_fn typed;       /* or this, for the big tables */
  } parts[] = {
      {"SELECT h.patient_id, h.side, h.stage FROM hip h JOIN patient p ON p.id = h.patient_id%s",
       "SELECT h.patient_id, h.side, h.stage FROM hip h", NULL, hip_cb},
      /* in any order: sorted below (event_cmp) */
      {"SELECT ev.patient_id, ev.kind, ev.name, ev.visit, ev.side, ev.planned, ev.earliest, ev.latest, ev.actual"
       " FROM event ev JOIN patient p ON p.id = ev.patient_id%s",
       "SELECT ev.patient_id, ev.kind, ev.name, ev.visit, ev.side, ev.planned, ev.earliest, ev.latest, ev.actual"
       " FROM event ev", NULL, event_cb},
      /* in any order: sorted by id below (sort_forms) */
      {"SELECT f.id, f.patient_id, f.visit, f.instrument, f.side, f.entry, f.status, f.unscheduled, f.instance"
       " FROM form f JOIN patient p ON p.id = f.patient_id AND f.void_reason IS NULL%s",
       "SELECT f.id, f.patient_id, f.visit, f.instrument, f.side, f.entry, f.status, f.unscheduled, f.instance"
       " FROM form f WHERE f.void_reason IS NULL", NULL, form_cb},
      /* values in any order: value_cb finds the form (form_at), sort_values orders them */
      {"SELECT v.form_id, v.item, v.value_text, v.value_num FROM item_value v JOIN form f ON f.id = v.form_id"
       " AND f.void_reason IS NULL JOIN patient p ON p.id = f.patient_id%s",
       "SELECT v.form_id, v.item, v.value_text, v.value_num FROM item_value v", NULL, value_cb},
      /* in store_find_adjudication's order: patient (id order is index
      ** order), then visit, form, side ('' < left < right), instance, item */
      {"SELECT a.patient_id, a.visit, a.instrument, a.side, a.item, a.value_text, a.reason, a.user, a.instance"
       " FROM adjudication a JOIN patient p ON p.id = a.patient_id%s"
       " ORDER BY a.patient_id, a.visit, a.instrument, a.side, CAST(a.instance AS BLOB), a.item",
       "SELECT a.patient_id, a.visit, a.instrument, a.side, a.item, a.value_text, a.reason, a.user, a.instance"
       " FROM adjudication a"
       " ORDER BY a.patient_id, a.visit, a.instrument, a.side, CAST(a.instance AS BLOB), a.item", adjudication_cb, NULL},
  };
  for (size_t i = 0; !rc && i < sizeof parts / sizeof parts[0]; i++) {
    if (limit && parts[i].typed == event_cb) continue;   /* chunks (the analysis dataset) need no schedule */
    if (parts[i].typed == value_cb) {
      rc = sort_forms(c.st);
      if (!rc && !(c.doubled = avn_calloc(c.st->n_forms / 8 + 1, 1))) rc = AVN_E_NOMEM;
      if (rc) break;
      map_forms(&c);
    }
    if (where[0]) snprintf(sql, sizeof sql, parts[i].sql, where);
    else snprintf(sql, sizeof sql, "%s", parts[i].all);
    rc = parts[i].typed ? store_q_typed(s, sql, pp, np, parts[i].typed, &c, e)
                        : store_q(s, sql, pp, np, parts[i].fn, &c, e);
    if (!rc) rc = c.rc;
    if (!rc && parts[i].typed == value_cb) rc = flush_values(&c);
  }
  /* Schedule order, sorted here rather than by the server (at 1.5 M
  ** events a third of its time for the table): sorting costs the client
  ** less than the server, which has one core for the whole load. */
  if (!rc && c.st->n_events > 1) qsort(c.st->events, c.st->n_events, sizeof *c.st->events, event_cmp);
  if (!rc && with_screenings) {
    snprintf(sql, sizeof sql, "SELECT sc.code, site.code, sc.screened_on, sc.eligible, sc.failed, p.code FROM"
             " screening sc JOIN site ON site.id = sc.site_id LEFT JOIN patient p ON p.screening_id = sc.id%s%s"
             " ORDER BY sc.id", sites[0] ? " WHERE sc.site_id IN " : "", sites);
    rc = store_q(s, sql, NULL, 0, screening_cb, &c, e);
    if (!rc) rc = c.rc;
    /* sorted as strcmp sorts: the monitor looks ids up by bsearch */
    if (!rc) rc = store_q(s, "SELECT finding, reason, user, at FROM deviation_ack ORDER BY CAST(finding AS BLOB)",
                          NULL, 0, ack_cb, &c, e);
    if (!rc) rc = c.rc;
    if (!rc) rc = store_q(s, "SELECT record, user FROM audit WHERE action = 'create' AND field = 'status'"
                             " ORDER BY CAST(record AS BLOB), id", NULL, 0, creator_cb, &c, e);
    if (!rc) rc = c.rc;
    if (!rc) rc = form_users(&c);
  }
done:
  if (!rc) sort_values(c.st);
  if (!rc) rc = build_form_index(c.st);
  if (rc) goto cleanup;
  *out = c.st;
  c.st = NULL;
cleanup:
  avn_free(c.form_at);
  avn_free(c.pending);
  avn_free(c.doubled);
  for (size_t i = 0; i < 2 * c.n_creators; i++) avn_free(c.creators[i]);
  avn_free(c.creators);
  if (rc == AVN_E_NOMEM) avn_fail(e, rc, "study", NULL, "out of memory loading the study");
  store_study_free(c.st);
  return rc;
}

avn_rc store_load(store *s, const char *patient, store_study **out, avn_err *e) {
  const char *pp[1] = {patient};
  char sites[128];
  *out = NULL;
  avn_rc rc = store_read_scope(s, patient, NULL, sites, sizeof sites, e);
  if (rc) return rc;
  rc = load(s, patient ? " WHERE p.code=?" : "", pp, patient ? 1 : 0, 0, !patient, patient ? "" : sites, out, e);
  if (!rc && patient && (*out)->n_patients == 0) {
    store_study_free(*out);
    *out = NULL;
    rc = avn_fail(e, AVN_E_NOTFOUND, "patient", patient, "no such patient in this study");
  }
  return rc;
}

avn_rc store_load_next(store *s, int64_t after, size_t max, store_study **out, avn_err *e) {
  char a[32];
  snprintf(a, sizeof a, "%lld", (long long)after);
  const char *pp[1] = {a};
  char sites[128];
  *out = NULL;
  avn_rc rc = store_read_scope(s, NULL, NULL, sites, sizeof sites, e);
  return rc ? rc : load(s, " WHERE p.id > ?", pp, 1, max ? max : 1, false, sites, out, e);
}

typedef struct contact_ctx {
  bool found;
  char *name, *phone;
  avn_rc rc;
} contact_ctx;

static int contact_cb(void *ctx, int n, const char *const *v) {
  contact_ctx *c = ctx;
  (void)n;
  c->found = true;
  if ((v[0] && !(c->name = avn_strdup(v[0]))) || (v[1] && !(c->phone = avn_strdup(v[1])))) c->rc = AVN_E_NOMEM;
  return c->rc != AVN_OK;
}

avn_rc store_contact(store *s, const char *patient, char **name, char **phone, avn_err *e) {
  contact_ctx c = {0};
  const char *pp[1] = {patient};
  *name = *phone = NULL;
  avn_rc rc = store_permit(s, "contact", patient, e);
  if (rc) return rc;
  rc = store_q(s, "SELECT i.name, i.phone FROM patient p LEFT JOIN identity i ON i.patient_id = p.id"
                         " WHERE p.code = ?", pp, 1, contact_cb, &c, e);
  if (!rc) rc = c.rc;
  if (!rc && !c.found) rc = avn_fail(e, AVN_E_NOTFOUND, "patient", patient, "no such patient in this study");
  if (rc) {
    avn_free(c.name);
    avn_free(c.phone);
    return rc == AVN_E_NOMEM ? avn_fail(e, rc, NULL, NULL, "out of memory") : rc;
  }
  *name = c.name;
  *phone = c.phone;
  return AVN_OK;
}

avn_rc store_count_units(store *s, size_t *patients, size_t *hips, avn_err *e) {
  char *a = NULL, *b = NULL;
  avn_rc rc = store_q_one(s, "SELECT count(*) FROM patient", NULL, 0, &a, NULL, e);
  if (!rc) rc = store_q_one(s, "SELECT count(*) FROM hip", NULL, 0, &b, NULL, e);
  if (!rc) {
    *patients = (size_t)strtoull(a ? a : "0", NULL, 10);
    *hips = (size_t)strtoull(b ? b : "0", NULL, 10);
  }
  avn_free(a);
  avn_free(b);
  return rc;
}

void store_study_free(store_study *st) {
  if (!st) return;
  avn_free(st->patients);
  avn_free(st->events);
  for (size_t i = 0; i < st->n_forms; i++) avn_free(st->forms[i].values);
  avn_free(st->forms);
  if (st->strings) g_string_chunk_free(st->strings);
  for (size_t i = 0; i < st->n_screenings; i++) {
    store_screening *s = &st->screenings[i];
    avn_free(s->code); avn_free(s->site); avn_free(s->date); avn_free(s->failed); avn_free(s->patient);
  }
  avn_free(st->screenings);
  for (size_t i = 0; i < st->n_acks; i++) {
    store_ack *a = &st->acks[i];
    avn_free(a->finding); avn_free(a->reason); avn_free(a->user); avn_free(a->at);
  }
  avn_free(st->acks);
  for (size_t i = 0; i < st->n_adjudications; i++) {
    store_adjudication *a = &st->adjudications[i];
    avn_free(a->visit); avn_free(a->form); avn_free(a->item); avn_free(a->value); avn_free(a->reason); avn_free(a->user);
    avn_free(a->instance);
  }
  avn_free(st->adjudications);
  avn_free(st->form_index);
  avn_free(st->form_first);
  avn_free(st);
}

/* --- lookups on a snapshot ---------------------------------------------- */

/* The key up to the instance: (patient, visit, instrument, side). */
/* The snapshot's visits and instruments are stored once (keep_one): the
** same pointer is the same string, the usual case when the index is
** sorted. */
static int form_group_cmp(size_t pa, const char *va, const char *ia, int sa, const store_form *b) {
  if (pa != b->patient) return pa < b->patient ? -1 : 1;
  int c = va == b->visit ? 0 : strcmp(va, b->visit);
  if (c) return c;
  c = ia == b->instrument ? 0 : strcmp(ia, b->instrument);
  if (c) return c;
  if (sa != b->side) return sa < b->side ? -1 : 1;
  return 0;
}

static int form_key_cmp(size_t pa, const char *va, const char *ia, int sa, const char *na, int ea,
                        const store_form *b) {
  int c = form_group_cmp(pa, va, ia, sa, b);
  if (!c) c = store_instance_cmp(na, b->instance);
  return c ? c : ea - b->entry;
}

static int form_sort_cmp(const void *x, const void *y) {
  const store_form *a = *(const store_form *const *)x;
  const store_form *b = *(const store_form *const *)y;
  return form_key_cmp(a->patient, a->visit, a->instrument, a->side, a->instance, a->entry, b);
}

static avn_rc build_form_index(store_study *st) {
  st->form_index = avn_calloc(st->n_forms ? st->n_forms : 1, sizeof *st->form_index);
  if (!st->form_index) return AVN_E_NOMEM;
  for (size_t i = 0; i < st->n_forms; i++) st->form_index[i] = &st->forms[i];
  qsort(st->form_index, st->n_forms, sizeof *st->form_index, form_sort_cmp);
  /* Each patient's run of the index: lookups then search a patient's few
  ** dozen forms, not the study's (cache misses dominated at 10,000). */
  st->form_first = avn_calloc(st->n_patients + 2, sizeof *st->form_first);
  if (!st->form_first) return AVN_E_NOMEM;
  size_t i = 0;
  for (size_t p = 0; p <= st->n_patients; p++) {
    while (i < st->n_forms && st->form_index[i]->patient < p) i++;
    st->form_first[p] = i;
  }
  return AVN_OK;
}

/* The part of the index that can hold patient's forms. */
static void patient_range(const store_study *st, size_t patient, size_t *lo, size_t *hi) {
  *lo = 0;
  *hi = st->n_forms;
  if (st->form_first && patient < st->n_patients) {
    *lo = st->form_first[patient];
    *hi = st->form_first[patient + 1];
  }
}

const store_form *store_find_instance(const store_study *st, size_t patient, const char *visit,
                                      const char *instrument, int side, const char *instance, int entry) {
  size_t lo, hi;
  patient_range(st, patient, &lo, &hi);
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = form_key_cmp(patient, visit, instrument, side, instance ? instance : "", entry, st->form_index[mid]);
    if (c == 0) return st->form_index[mid];
    if (c < 0) hi = mid;
    else lo = mid + 1;
  }
  return NULL;
}

size_t store_form_group(const store_study *st, size_t patient, const char *visit, const char *instrument, int side,
                        const store_form *const **out) {
  size_t lo, hi;
  patient_range(st, patient, &lo, &hi);
  while (lo < hi) {   /* the first form of the group */
    size_t mid = lo + (hi - lo) / 2;
    if (form_group_cmp(patient, visit, instrument, side, st->form_index[mid]) > 0) lo = mid + 1;
    else hi = mid;
  }
  size_t end = lo;
  while (end < st->n_forms && !form_group_cmp(patient, visit, instrument, side, st->form_index[end])) end++;
  *out = (const store_form *const *)st->form_index + lo;
  return end - lo;
}

const store_form *store_find_form(const store_study *st, size_t patient, const char *visit,
                                  const char *instrument, int side, int entry) {
  const store_form *const *g = NULL;
  size_t n = store_form_group(st, patient, visit, instrument, side, &g);
  const store_form *first = NULL;
  for (size_t i = 0; i < n; i++) {
    const store_form *f = g[i];
    if (f->entry != entry) continue;
    if (!f->instance[0] || !strcmp(f->instance, STORE_CONSENSUS)) return f;
    if (!first || (f->def && inst_repeats(f->def) ? store_instance_cmp(f->instance, first->instance) < 0
                                                  : f->id < first->id))
      first = f;
  }
  return first;
}

bool store_event_done(const store_study *st, const store_event *ev) {
  if (!strcmp(ev->kind, "visit")) return ev->has_actual;
  const char *form = inst_role_form(!strcmp(ev->kind, "mri") ? INST_ROLE_IMAGING : INST_ROLE_PROCEDURE);
  return store_find_form(st, ev->patient, ev->visit, form, ev->side, 1) != NULL;
}

/* Walks the patient's run of the index once (a few dozen forms), not a
** lookup per protocol visit: the report asks this per unit and visit. The
** forms looked at are those store_find_form gives for a protocol visit. */
bool store_hip_converted(const store_study *st, size_t patient, int side, avn_date on) {
  const char *tha = inst_role_form(INST_ROLE_CONVERSION);
  size_t lo, hi;
  patient_range(st, patient, &lo, &hi);
  for (size_t k = lo; k < hi; k++) {
    const store_form *f = st->form_index[k];
    if (f->patient != patient || f->side != side || f->entry != 1 || strcmp(f->instrument, tha)) continue;
    if (!protocol_find_visit(st->protocol, f->visit) || f != store_find_form(st, patient, f->visit, tha, side, 1))
      continue;
    for (size_t i = 0; i < f->n_values; i++)
      if (!strcmp(f->values[i].item, "tha_date") && !f->values[i].missing && f->values[i].num <= on) return true;
  }
  return false;
}

const char *store_event_status(const store_study *st, const store_event *ev, avn_date today) {
  if (store_event_done(st, ev)) return "done";
  const store_patient *pt = &st->patients[ev->patient];
  if (pt->withdrawn && ev->earliest > pt->withdrawn_on) return "withdrawn";
  if (ev->side != SIDE_PATIENT && store_hip_converted(st, ev->patient, ev->side, ev->earliest)) return "converted";
  if (today > ev->latest) return "overdue";
  if (today >= ev->earliest) return "due";
  return "upcoming";
}
