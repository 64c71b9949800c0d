/*
** import_rows.c: a records file -> an import plan (see import_int.h).
**
** Three layouts:
**   long    patient,site,side,visit,form,instance,entry,item,value (avn
**           export --layout long; instance optional): consecutive rows of
**           one (patient, visit, form, side, instance, entry) are one entry,
**           and one unit.
**   wide    a row per unit (avn export, wide): `patient`, `side` when the
**           unit is the hip, and VISIT_FORM_ITEM columns (per-hip forms of a
**           per-patient study: ..._left, ..._right). Identifier columns
**           (site, sex, age, dates, status, stage) and computed scores are
**           not data to enter: they are counted as ignored. A coded cell
**           may be the code's name, its label, or the number the export
**           writes for it.
**   redcap  a REDCap records export (raw): the first column is the record
**           id (avn's patient), redcap_event_name the event (a visit: the
**           map's `events:`, else the event name without its _arm_N), the
**           fields the items of the forms the visit collects (checkbox
**           columns FIELD___CODE are the yes/no items of the same names;
**           REDCap writes 0 for every unticked box, so 0 is left blank).
**           `visit:` in the map names the visit of a project without
**           events; `date:` names the field holding the visit's date.
**           A repeating instrument's row is an instance of an avn log, or
**           a per-hip form's hip (its field `hip`); a per-hip form's fields
**           may also come suffixed _left/_right in the event's row.
** Wide and REDCap files may also give each patient's enrolment
** (import_patient.c) and visit dates (VISIT_date; REDCap's date:),
** planned here as the plan's patients and each unit's visit dates.
** A column the protocol has no place for refuses the whole file (header,
** row 1): silently dropping a column of data is worse than refusing it.
**
** Costs: one pass over the table; column lookups go through a hash table
** built once from the protocol's visits, forms and items.
*/
#include "import/import_int.h"

#include <assert.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/mem.h"
#include "core/ytree.h"
#include "instruments/instrument.h"

/* What a wide column holds. */
typedef struct wcol {
  const char *visit;
  const inst_def *form;
  const inst_item *item;     /* NULL: ignored (identifier, score) */
  int side;                  /* a per-hip form's column in a per-patient study */
} wcol;

typedef struct map_t {
  ytree *root;
  const ytree *events;       /* REDCap event -> visit */
  const char *visit, *date;
  const ytree *enrolment;    /* enrolment key -> REDCap field */
  const ytree *screening;    /* screening field ("stage.left") -> REDCap field */
  const char *label;
} map_t;

typedef struct pctx {
  const csv_table *t;
  const protocol *p;
  import_plan *pl;
  import_code_value_fn code_value;
  GHashTable *patients;      /* code -> index + 1 into pl->patients */
  char **pkeys;              /* REDCap: the enrolment column keys (import_pcols) */
  long hip_col;              /* REDCap: the `hip` column of per-hip instrument instances, or -1 */
  avn_err *e;
} pctx;

/* ------------------------------------------------------------------ */
/* the plan                                                            */

void import_plan_free(import_plan *pl) {
  if (!pl) return;
  for (size_t i = 0; i < pl->n_entries; i++) {
    import_entry *x = &pl->entries[i];
    avn_free(x->patient);
    avn_free(x->visit);
    avn_free(x->form);
    avn_free(x->instance);
    for (size_t k = 0; k < x->n_kv; k++) avn_free(x->kv[k]);
    avn_free(x->kv);
    avn_free(x->col);
    avn_free(x->row);
  }
  for (size_t i = 0; i < pl->n_vdates; i++) {
    avn_free(pl->vdates[i].visit);
    avn_free(pl->vdates[i].date);
  }
  for (size_t i = 0; i < pl->n_patients; i++) import_patient_free(&pl->patients[i]);
  avn_free(pl->patients);
  avn_free(pl->vdates);
  avn_free(pl->entries);
  avn_free(pl->units);
  memset(pl, 0, sizeof *pl);
}

static avn_rc nomem(avn_err *e) { return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory"); }

static avn_rc unit_open(pctx *c, size_t row, import_unit **out) {
  import_plan *pl = c->pl;
  if (avn_grow((void **)&pl->units, &pl->cap_units, pl->n_units, sizeof *pl->units)) return nomem(c->e);
  import_unit *u = &pl->units[pl->n_units++];
  memset(u, 0, sizeof *u);
  u->first = u->last = row;
  u->entry0 = pl->n_entries;
  u->vdate0 = pl->n_vdates;
  u->patient = -1;
  *out = u;
  return AVN_OK;
}

static void unit_refuse(import_unit *u, size_t row, const char *column, const char *value, const char *rule) {
  if (u->refused) return;
  u->refused = true;
  u->refused_row = row;
  snprintf(u->column, sizeof u->column, "%s", column);
  snprintf(u->value, sizeof u->value, "%s", value ? value : "");
  snprintf(u->rule, sizeof u->rule, "%s", rule);
}

static avn_rc entry_open(pctx *c, import_unit *u, const char *patient, const char *visit, const char *form,
                         int side, int entry, import_entry **out) {
  import_plan *pl = c->pl;
  if (avn_grow((void **)&pl->entries, &pl->cap_entries, pl->n_entries, sizeof *pl->entries)) return nomem(c->e);
  import_entry *x = &pl->entries[pl->n_entries++];
  memset(x, 0, sizeof *x);
  x->patient = avn_strdup(patient);
  x->visit = avn_strdup(visit);
  x->form = avn_strdup(form);
  x->side = side;
  x->entry = entry;
  x->date_col = -1;
  u->n_entries++;
  if (!x->patient || !x->visit || !x->form) return nomem(c->e);
  *out = x;
  return AVN_OK;
}

static avn_rc entry_add(pctx *c, import_entry *x, const char *item, const char *value, size_t col, size_t row) {
  size_t cap = x->cap_kv, cap2 = x->cap_kv;
  if (avn_grow((void **)&x->kv, &x->cap_kv, x->n_kv, sizeof *x->kv) ||
      avn_grow((void **)&x->col, &cap, x->n_kv, sizeof *x->col) ||
      avn_grow((void **)&x->row, &cap2, x->n_kv, sizeof *x->row))
    return nomem(c->e);
  size_t n = strlen(item) + strlen(value) + 2;
  char *kv = avn_malloc(n);
  if (!kv) return nomem(c->e);
  snprintf(kv, n, "%s=%s", item, value);
  x->kv[x->n_kv] = kv;
  x->col[x->n_kv] = col;
  x->row[x->n_kv++] = row;
  return AVN_OK;
}

/* The unit's visit date: recorded (store_visit) before its forms. */
static avn_rc vdate_add(pctx *c, import_unit *u, const char *visit, const char *date, size_t col, size_t row) {
  import_plan *pl = c->pl;
  if (avn_grow((void **)&pl->vdates, &pl->cap_vdates, pl->n_vdates, sizeof *pl->vdates)) return nomem(c->e);
  import_vdate *d = &pl->vdates[pl->n_vdates++];
  *d = (import_vdate){.visit = avn_strdup(visit), .date = avn_strdup(date), .col = col, .row = row};
  u->n_vdates++;
  return d->visit && d->date ? AVN_OK : nomem(c->e);
}

/* ------------------------------------------------------------------ */
/* shared                                                              */

static int parse_side(const char *s) {
  if (!*s || !strcasecmp(s, "patient")) return SIDE_PATIENT;
  if (!strcasecmp(s, "left") || !strcmp(s, "1")) return SIDE_LEFT;
  if (!strcasecmp(s, "right") || !strcmp(s, "2")) return SIDE_RIGHT;
  return -1;
}

static avn_rc need_col(const pctx *c, const char *name, size_t *col) {
  if (csv_table_find(c->t, name, col, NULL) == AVN_OK) return AVN_OK;
  return avn_fail(c->e, AVN_E_UNKNOWN, "header (row 1)", name, "the file needs a column '%s'", name);
}

static bool has_col(const csv_table *t, const char *name, size_t *col) {
  return csv_table_find(t, name, col, NULL) == AVN_OK;
}

/* A wide cell of a code item as the code's name: the code whose export
** number or label it is, else the text as given (the store judges it). */
static const char *code_cell(const pctx *c, const inst_item *it, const char *cell) {
  char *end = NULL;
  if (it->type != INST_CODE) return cell;
  for (size_t k = 0; k < it->n_codes; k++)
    if (!strcmp(it->codes[k].name, cell)) return cell;
  double x = strtod(cell, &end);
  if (c->code_value && end != cell && *end == '\0')
    for (size_t k = 0; k < it->n_codes; k++)
      if (c->code_value(it, k) == x) return it->codes[k].name;
  for (size_t k = 0; k < it->n_codes; k++)
    if (!strcmp(it->codes[k].label, cell)) return it->codes[k].name;
  return cell;
}

/* ------------------------------------------------------------------ */
/* long                                                                */

static avn_rc plan_long(pctx *c) {
  size_t cp, cs = 0, cv, cf, ce = 0, ci, cx, cn = 0;
  bool has_side, has_entry, has_inst;
  avn_rc rc = need_col(c, "patient", &cp);
  if (!rc) rc = need_col(c, "visit", &cv);
  if (!rc) rc = need_col(c, "form", &cf);
  if (!rc) rc = need_col(c, "item", &ci);
  if (!rc) rc = need_col(c, "value", &cx);
  if (rc) return rc;
  has_side = has_col(c->t, "side", &cs);
  has_entry = has_col(c->t, "entry", &ce);
  has_inst = has_col(c->t, "instance", &cn);
  for (size_t j = 0; j < csv_table_ncol(c->t); j++) {
    const char *h = csv_table_name(c->t, j);
    if (strcmp(h, "patient") && strcmp(h, "site") && strcmp(h, "side") && strcmp(h, "visit") && strcmp(h, "form") &&
        strcmp(h, "instance") && strcmp(h, "entry") && strcmp(h, "item") && strcmp(h, "value"))
      return avn_fail(c->e, AVN_E_UNKNOWN, "header (row 1)", h, "a long file has the columns patient, site, side, "
                      "visit, form, instance, entry, item, value");
  }
  import_unit *u = NULL;
  import_entry *x = NULL;
  const char *key[6] = {NULL};   /* the previous row's patient, visit, form, side, entry, instance */
  for (size_t r = 0; r < csv_table_nrow(c->t); r++) {
    size_t row = r + 2;
    const char *pat = csv_table_cell(c->t, r, cp), *vis = csv_table_cell(c->t, r, cv);
    const char *frm = csv_table_cell(c->t, r, cf), *sd = has_side ? csv_table_cell(c->t, r, cs) : "";
    const char *en = has_entry ? csv_table_cell(c->t, r, ce) : "1";
    const char *in = has_inst ? csv_table_cell(c->t, r, cn) : "";
    const char *now[6] = {pat, vis, frm, sd, en, in};
    bool same = u != NULL;
    for (int k = 0; k < 6 && same; k++) same = !strcmp(key[k], now[k]);
    memcpy(key, now, sizeof key);
    if (!same) {
      rc = unit_open(c, row, &u);
      if (rc) return rc;
      x = NULL;
    }
    u->last = row;
    if (u->refused) continue;
    int side = parse_side(sd), entry = !strcmp(en, "1") ? 1 : !strcmp(en, "2") ? 2 : 0;
    if (side < 0) {
      unit_refuse(u, row, "side", sd, "the hip is left, right or blank (a per-patient form)");
      continue;
    }
    if (!entry) {
      unit_refuse(u, row, "entry", en, "the entry is 1, or 2 for the second of a double entry");
      continue;
    }
    if (!*pat) {
      unit_refuse(u, row, "patient", pat, "every row names its patient");
      continue;
    }
    if (!x) {
      rc = entry_open(c, u, pat, vis, frm, side, entry, &x);
      if (!rc && *in && !(x->instance = avn_strdup(in))) rc = nomem(c->e);
      if (rc) return rc;
    }
    rc = entry_add(c, x, csv_table_cell(c->t, r, ci), csv_table_cell(c->t, r, cx), cx, row);
    if (rc) return rc;
  }
  return AVN_OK;
}

/* ------------------------------------------------------------------ */
/* wide                                                                */

/* Columns avn export writes that are no data to enter (the enrolment ones,
** site, sex, birth_date, enrolled, are read by import_patient.c). */
static const char *const id_columns[] = {"age", "status", "withdrawn", "withdraw_reason", "stage", "stage_left",
                                         "stage_right", NULL};

typedef struct wide_taken_ctx {
  GHashTable *names;
  bool per_hip;
} wide_taken_ctx;

/* Whether a wide column is something other than an enrolment column. */
static bool wide_taken(void *ctx, const char *h) {
  const wide_taken_ctx *w = ctx;
  if (g_hash_table_contains(w->names, h) || !strcmp(h, "patient") || (w->per_hip && !strcmp(h, "side"))) return true;
  for (size_t i = 0; id_columns[i]; i++)
    if (!strcmp(h, id_columns[i])) return true;
  return false;
}

/* The visit of a VISIT_date column, or NULL. */
static const proto_visit *date_visit(const protocol *p, const char *h) {
  size_t n = strlen(h);
  char v[128];
  if (n <= 5 || n - 5 >= sizeof v || strcmp(h + n - 5, "_date")) return NULL;
  snprintf(v, sizeof v, "%.*s", (int)(n - 5), h);
  return protocol_find_visit(p, v);
}

/* Every VISIT_FORM_ITEM[_SIDE] name of the protocol, and its scores. */
static avn_rc wide_names(pctx *c, GHashTable *names, wcol **cols, size_t *n, size_t *cap) {
  char name[200];
  for (size_t v = 0; v < c->p->n_visits; v++) {
    const proto_visit *pv = &c->p->visits[v];
    for (size_t k = 0; k < pv->n_forms; k++) {
      const inst_def *d = inst_find(pv->forms[k]);
      if (!d) continue;
      bool split = inst_get_level(d) == INST_LEVEL_HIP && !c->p->per_hip;
      for (int s = split ? SIDE_LEFT : SIDE_PATIENT; s <= (split ? SIDE_RIGHT : SIDE_PATIENT); s++) {
        const char *suffix = s == SIDE_LEFT ? "_left" : s == SIDE_RIGHT ? "_right" : "";
        size_t total = inst_n_items(d) + inst_n_results(d);
        for (size_t i = 0; i < total; i++) {
          const inst_item *it = i < inst_n_items(d) ? inst_item_at(d, i) : NULL;
          const inst_result_def *res = it ? NULL : inst_result_at(d, i - inst_n_items(d));
          if (it && it->alias_of) continue;
          if (it) snprintf(name, sizeof name, "%s_%s_%s%s", pv->name, inst_name(d), it->name, suffix);
          else snprintf(name, sizeof name, "%s_%s_%s%s%s", pv->name, inst_name(d), res->name,
                        inst_item_find(d, res->name) ? "_score" : "", suffix);
          if (avn_grow((void **)cols, cap, *n, sizeof **cols)) return nomem(c->e);
          (*cols)[*n] = (wcol){.visit = pv->name, .form = d, .item = it, .side = s};
          (*n)++;
          g_hash_table_insert(names, g_strdup(name), GSIZE_TO_POINTER(*n));
        }
      }
    }
  }
  return AVN_OK;
}

static avn_rc plan_wide(pctx *c) {
  avn_rc rc = AVN_OK;
  size_t cp = 0, cs = 0, n_defs = 0, cap_defs = 0;
  wcol *defs = NULL;
  const wcol **map = NULL;
  const proto_visit **dmap = NULL;     /* VISIT_date columns */
  char **pkeys = NULL;                 /* enrolment columns */
  GHashTable *names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  size_t ncol = csv_table_ncol(c->t);
  wide_taken_ctx wt = {.names = names, .per_hip = c->p->per_hip};
  rc = need_col(c, "patient", &cp);
  if (!rc && c->p->per_hip) rc = need_col(c, "side", &cs);
  if (!rc) rc = wide_names(c, names, &defs, &n_defs, &cap_defs);
  if (!rc) rc = import_pcols(c->t, c->p, wide_taken, &wt, &pkeys, c->e);
  if (rc) goto cleanup;
  map = avn_calloc(ncol, sizeof *map);
  dmap = avn_calloc(ncol, sizeof *dmap);
  if (!map || !dmap) {
    rc = nomem(c->e);
    goto cleanup;
  }
  for (size_t j = 0; j < ncol; j++) {
    const char *h = csv_table_name(c->t, j);
    size_t k = GPOINTER_TO_SIZE(g_hash_table_lookup(names, h));
    bool id = !strcmp(h, "patient") || (c->p->per_hip && !strcmp(h, "side"));
    for (size_t i = 0; id_columns[i] && !id; i++) id = !strcmp(h, id_columns[i]);
    if (!k && !id) dmap[j] = date_visit(c->p, h);
    if (k) map[j] = &defs[k - 1];
    if (k && !defs[k - 1].item) c->pl->ignored_columns++;
    else if (!k && (pkeys[j] || dmap[j])) continue;
    else if (!k && !id) {
      rc = avn_fail(c->e, AVN_E_UNKNOWN, "header (row 1)", h, "no visit, form and item of protocol '%s' has this "
                    "column's name (VISIT_FORM_ITEM, as avn export writes it; VISIT_date; an enrolment column)",
                    c->p->name);
      goto cleanup;
    } else if (!k && strcmp(h, "patient") && strcmp(h, "side")) {
      c->pl->ignored_columns++;
    }
  }
  for (size_t r = 0; r < csv_table_nrow(c->t); r++) {
    size_t row = r + 2;
    import_unit *u = NULL;
    rc = unit_open(c, row, &u);
    if (rc) goto cleanup;
    const char *pat = csv_table_cell(c->t, r, cp);
    int row_side = c->p->per_hip ? parse_side(csv_table_cell(c->t, r, cs)) : SIDE_PATIENT;
    if (!*pat) {
      unit_refuse(u, row, "patient", pat, "every row names its patient");
      continue;
    }
    if (row_side < 0 || (c->p->per_hip && row_side == SIDE_PATIENT)) {
      unit_refuse(u, row, "side", csv_table_cell(c->t, r, cs), "the hip is left or right (1 or 2)");
      continue;
    }
    u->code = pat;
    rc = import_patient_row(c->pl, c->patients, c->t, pkeys, r, pat, row_side, c->e);
    for (size_t j = 0; j < ncol && !rc; j++)
      if (dmap[j] && !csv_table_missing(c->t, r, j) && *csv_table_cell(c->t, r, j))
        rc = vdate_add(c, u, dmap[j]->name, csv_table_cell(c->t, r, j), j, row);
    if (rc) goto cleanup;
    /* Columns of one (visit, form, side) are adjacent: one entry each run. */
    import_entry *x = NULL;
    for (size_t j = 0; j < ncol; j++) {
      const wcol *w = map[j];
      const char *cell = csv_table_cell(c->t, r, j);
      if (!w || !w->item || csv_table_missing(c->t, r, j)) continue;
      int side = w->side != SIDE_PATIENT ? w->side
                 : inst_get_level(w->form) == INST_LEVEL_HIP ? row_side : SIDE_PATIENT;
      if (!x || strcmp(x->visit, w->visit) || strcmp(x->form, inst_name(w->form)) || x->side != side) {
        x = NULL;
        for (size_t q = u->entry0; q < u->entry0 + u->n_entries && !x; q++) {
          import_entry *y = &c->pl->entries[q];
          if (!strcmp(y->visit, w->visit) && !strcmp(y->form, inst_name(w->form)) && y->side == side) x = y;
        }
        if (!x) rc = entry_open(c, u, pat, w->visit, inst_name(w->form), side, 1, &x);
        if (rc) goto cleanup;
        for (size_t d = 0; d < ncol; d++)
          if (dmap[d] && !strcmp(dmap[d]->name, w->visit)) x->date_col = (long)d;
      }
      rc = entry_add(c, x, w->item->name, code_cell(c, w->item, cell), j, row);
      if (rc) goto cleanup;
    }
  }
cleanup:
  g_hash_table_destroy(names);
  import_pcols_free(pkeys, ncol);
  avn_free(defs);
  avn_free(map);
  avn_free(dmap);
  return rc;
}

/* ------------------------------------------------------------------ */
/* REDCap                                                              */

static avn_rc map_read(const char *text, size_t len, const char *label, map_t *m, avn_err *e) {
  memset(m, 0, sizeof *m);
  if (!text) return AVN_OK;
  avn_rc rc = ytree_parse(label, text, len, &m->root, e);
  if (rc) return rc;
  ytree_reader r = {.file = label, .e = e};
  static const char *const keys[] = {"events", "visit", "date", "enrolment", "screening", NULL};
  static const char *const enrol_keys[] = {"enrolled", "sex", "birth", "site", "screening", "screened", NULL};
  m->label = label;
  rc = ytree_need_map(&r, m->root, "the map (events, visit, date, enrolment, screening)");
  if (!rc) rc = ytree_check_keys(&r, m->root, keys, "the map's keys are events, visit, date, enrolment and screening");
  if (rc) return rc;
  m->events = ytree_get(m->root, "events");
  if (m->events) rc = ytree_need_map(&r, m->events, "events (REDCap event: avn visit)");
  m->enrolment = ytree_get(m->root, "enrolment");
  if (!rc && m->enrolment) rc = ytree_need_map(&r, m->enrolment, "enrolment (avn enrolment detail: REDCap field)");
  if (!rc && m->enrolment)
    rc = ytree_check_keys(&r, m->enrolment, enrol_keys, "enrolment's keys are enrolled, sex, birth, site, screening "
                          "and screened");
  m->screening = ytree_get(m->root, "screening");
  if (!rc && m->screening) rc = ytree_need_map(&r, m->screening, "screening (avn screening field: REDCap field)");
  m->visit = ytree_str(m->root, "visit");
  m->date = ytree_str(m->root, "date");
  return rc;
}

/* The avn visit of a REDCap event, or NULL. */
static const char *event_visit(const pctx *c, const map_t *m, const char *event, char *buf, size_t n) {
  if (!*event) return m->visit;
  if (m->events) return ytree_str(m->events, event);
  snprintf(buf, n, "%s", event);
  char *arm = strstr(buf, "_arm_");
  if (arm) *arm = '\0';
  return protocol_find_visit(c->p, buf) ? buf : NULL;
}

static bool redcap_special(const char *h) {
  static const char *const names[] = {"redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance",
                                      "redcap_data_access_group", "redcap_survey_identifier", NULL};
  size_t n = strlen(h);
  for (size_t i = 0; names[i]; i++)
    if (!strcmp(h, names[i])) return true;
  return (n > 9 && !strcmp(h + n - 9, "_complete")) || (n > 10 && !strcmp(h + n - 10, "_timestamp"));
}

/* The form at visit pv that has item (ambiguous: the first; none: NULL). */
static const inst_def *form_at(const proto_visit *pv, const char *item) {
  for (size_t k = 0; k < pv->n_forms; k++) {
    const inst_def *d = inst_find(pv->forms[k]);
    if (d && inst_item_find(d, item)) return d;
  }
  return NULL;
}

static bool item_anywhere(const protocol *p, const char *item) {
  for (size_t v = 0; v < p->n_visits; v++)
    if (form_at(&p->visits[v], item)) return true;
  return false;
}

/* The map's enrolment: and screening: fields as enrolment columns (a field
** that is also an item stays an item too: REDCap's sex, a visit date). */
static avn_rc map_pcols(pctx *c, const map_t *m) {
  const ytree *maps[2] = {m->enrolment, m->screening};
  for (int w = 0; w < 2; w++) {
    for (size_t i = 0; maps[w] && i < maps[w]->n; i++) {
      const char *key = maps[w]->keys[i];
      const ytree *v = maps[w]->items[i];
      size_t col = 0;
      if (v->kind != YT_SCALAR || !has_col(c->t, v->scalar, &col))
        return avn_fail(c->e, AVN_E_UNKNOWN, "--map", v->kind == YT_SCALAR ? v->scalar : key, "%s:%d: %s: %s names "
                        "no column of the file", m->label, v->line, w ? "screening" : "enrolment", key);
      if (w) {
        char base[128];
        snprintf(base, sizeof base, "%s", key);
        char *dot = strchr(base, '.');
        if (dot) *dot = '\0';
        const proto_field *f = protocol_find_field(c->p, base);
        bool sided = dot && (!strcmp(dot + 1, "left") || !strcmp(dot + 1, "right"));
        if (!f || f->per_hip != sided || (dot && !sided))
          return avn_fail(c->e, AVN_E_UNKNOWN, "--map", key, "%s:%d: screening: protocol '%s' has no screening "
                          "field '%s' (FIELD, or FIELD.left / FIELD.right for a per-hip one)", m->label, v->line,
                          c->p->name, key);
      }
      g_free(c->pkeys[col]);
      c->pkeys[col] = g_strdup(key);   /* freed by import_pcols_free */
    }
  }
  return AVN_OK;
}

/* Whether column j holds only enrolment (no item to enter). */
static bool enrol_only(const pctx *c, size_t j) {
  return c->pkeys[j] && !item_anywhere(c->p, csv_table_name(c->t, j));
}

/* A per-hip item's column FIELD_left / FIELD_right (as avn's wide CSV
** names them): the form at visit pv with the item FIELD, recorded per hip,
** and the side; NULL when h is no such column. */
static const inst_def *hip_column(const proto_visit *pv, const char *h, char *item, size_t n, int *side) {
  size_t len = strlen(h);
  for (int s = SIDE_LEFT; s <= SIDE_RIGHT; s++) {
    const char *suffix = s == SIDE_LEFT ? "_left" : "_right";
    size_t k = strlen(suffix);
    if (len <= k || len - k >= n || strcmp(h + len - k, suffix)) continue;
    snprintf(item, n, "%.*s", (int)(len - k), h);
    const inst_def *d = form_at(pv, item);
    if (d && inst_get_level(d) == INST_LEVEL_HIP) {
      *side = s;
      return d;
    }
  }
  return NULL;
}

static bool hip_column_anywhere(const protocol *p, const char *h) {
  char item[128];
  int side;
  for (size_t v = 0; v < p->n_visits; v++)
    if (hip_column(&p->visits[v], h, item, sizeof item, &side)) return true;
  return false;
}

/* The values of an instance row (a repeating or per-hip instrument's) into
** x: only form d's fields may hold values; REDCap leaves the others blank. */
static avn_rc instance_values(pctx *c, size_t r, import_unit *u, const inst_def *d, import_entry *x,
                              const char *kind) {
  char rule[384];
  avn_rc rc = AVN_OK;
  for (size_t j = 1; !rc && j < csv_table_ncol(c->t); j++) {
    const char *h = csv_table_name(c->t, j), *cell = csv_table_cell(c->t, r, j);
    if (redcap_special(h) || enrol_only(c, j) || (long)j == c->hip_col || !*cell) continue;
    const inst_item *it = inst_item_find(d, h);
    if (!it) {
      snprintf(rule, sizeof rule, "a row of the %s instrument '%s' holds only its own fields", kind, inst_name(d));
      unit_refuse(u, r + 2, h, cell, rule);
      return AVN_OK;
    }
    if (it->type == INST_BOOL && strstr(h, "___") && !strcmp(cell, "0")) continue;
    rc = entry_add(c, x, h, cell, j, r + 2);
  }
  return rc;
}

/* A per-hip form as a REDCap repeating instrument: an instance per hip,
** the hip named by the row's `hip` field (left/right, 1/2), at the event's
** visit. Only that form's fields may hold values. */
static avn_rc redcap_hip_instance(pctx *c, const map_t *m, size_t r, import_unit *u, const char *pat,
                                  const char *event, const inst_def *d) {
  size_t row = r + 2;
  char vbuf[128], rule[384];
  const char *hip = c->hip_col >= 0 ? csv_table_cell(c->t, r, (size_t)c->hip_col) : NULL;
  int side = hip ? parse_side(hip) : -1;
  if (side != SIDE_LEFT && side != SIDE_RIGHT) {
    snprintf(rule, sizeof rule, "an instance of the per-hip form '%s' names its hip in a field `hip`: left or right "
             "(1 or 2)", inst_name(d));
    unit_refuse(u, row, "hip", hip ? hip : "", rule);
    return AVN_OK;
  }
  const char *visit = event_visit(c, m, event, vbuf, sizeof vbuf);
  if (!visit || !protocol_find_visit(c->p, visit)) {
    unit_refuse(u, row, *event ? "redcap_event_name" : "--map", visit ? visit : event,
                "no visit of the protocol has this event's name: map it in --map (events: {EVENT: VISIT}; "
                "visit: NAME without events)");
    return AVN_OK;
  }
  import_entry *x = NULL;
  avn_rc rc = entry_open(c, u, pat, visit, inst_name(d), side, 1, &x);
  return rc ? rc : instance_values(c, r, u, d, x, "per-hip");
}

/* A repeating instrument's row (redcap_repeat_instrument, _instance): one
** numbered instance of an avn log (a form that repeats: ae, conmed), at the
** event's visit or, without an event, at none. Only that form's fields may
** hold values; REDCap leaves the others blank in such a row. */
static avn_rc redcap_repeat(pctx *c, const map_t *m, size_t r, import_unit *u, const char *pat, const char *event,
                            size_t c_rep) {
  size_t row = r + 2, c_inst = 0;
  char vbuf[128];
  const char *form = csv_table_cell(c->t, r, c_rep);
  const char *num = has_col(c->t, "redcap_repeat_instance", &c_inst) ? csv_table_cell(c->t, r, c_inst) : "";
  const inst_def *d = inst_find(form);
  if (d && !inst_repeats(d) && inst_get_level(d) == INST_LEVEL_HIP) return redcap_hip_instance(c, m, r, u, pat, event, d);
  if (!d || !inst_repeats(d)) {
    unit_refuse(u, row, "redcap_repeat_instrument", form,
                "a repeating instrument must be a form that repeats in avn (a log: repeats: true, e.g. ae, conmed) "
                "or a form recorded per hip (an instance per hip, its `hip` field left or right)");
    return AVN_OK;
  }
  char *end = NULL;
  long k = *num ? strtol(num, &end, 10) : 0;
  if (k < 1 || *end || num[0] == '0') {
    unit_refuse(u, row, "redcap_repeat_instance", num, "the instance is a number 1, 2, ...");
    return AVN_OK;
  }
  const char *visit = *event ? event_visit(c, m, event, vbuf, sizeof vbuf) : NULL;
  if (*event && !visit) {
    unit_refuse(u, row, "redcap_event_name", event, "no visit of the protocol has this event's name: map it in --map "
                "(events: {EVENT: VISIT})");
    return AVN_OK;
  }
  import_entry *x = NULL;
  avn_rc rc = entry_open(c, u, pat, visit ? visit : "-", inst_name(d), SIDE_PATIENT, 1, &x);
  if (!rc && !(x->instance = avn_strdup(num))) rc = nomem(c->e);
  return rc ? rc : instance_values(c, r, u, d, x, "repeating");
}

static avn_rc redcap_row(pctx *c, const map_t *m, size_t r, size_t c_event, bool has_event, size_t c_rep,
                         bool has_rep, size_t c_date, bool has_date) {
  size_t row = r + 2;
  import_unit *u = NULL;
  char vbuf[128], rule[384];
  avn_rc rc = unit_open(c, row, &u);
  if (rc) return rc;
  const char *pat = csv_table_cell(c->t, r, 0);
  const char *event = has_event ? csv_table_cell(c->t, r, c_event) : "";
  if (!*pat) {
    unit_refuse(u, row, csv_table_name(c->t, 0), pat, "every row names its record (avn's patient)");
    return AVN_OK;
  }
  u->code = pat;
  /* REDCap exports a record's events in order: its enrolment is read from
  ** the first row that gives any of it (the first event's), where an
  ** enrolment date that is also a visit's date field means that visit's. */
  if (!g_hash_table_contains(c->patients, pat)) {
    rc = import_patient_row(c->pl, c->patients, c->t, c->pkeys, r, pat, SIDE_PATIENT, c->e);
    if (rc) return rc;
  }
  if (has_rep && *csv_table_cell(c->t, r, c_rep)) return redcap_repeat(c, m, r, u, pat, event, c_rep);
  const char *visit = event_visit(c, m, event, vbuf, sizeof vbuf);
  const proto_visit *pv = visit ? protocol_find_visit(c->p, visit) : NULL;
  if (!pv) {
    snprintf(rule, sizeof rule, "%s", !*event ? "no redcap_event_name: give the visit in --map (visit: NAME)"
                                    : visit ? "the map names a visit the protocol does not have"
                                            : "no visit of the protocol has this event's name: map it in --map "
                                              "(events: {EVENT: VISIT})");
    unit_refuse(u, row, has_event ? "redcap_event_name" : "--map", visit ? visit : event, rule);
    return AVN_OK;
  }
  const char *date = has_date ? csv_table_cell(c->t, r, c_date) : NULL;
  if (date && *date) {
    rc = vdate_add(c, u, pv->name, date, c_date, row);
    if (rc) return rc;
  }
  for (size_t j = 1; j < csv_table_ncol(c->t); j++) {
    const char *h = csv_table_name(c->t, j), *cell = csv_table_cell(c->t, r, j);
    if (redcap_special(h) || enrol_only(c, j) || (long)j == c->hip_col || !*cell) continue;
    const inst_def *d = form_at(pv, h);
    char item[128];
    int side = SIDE_PATIENT;
    snprintf(item, sizeof item, "%s", h);
    if (!d && has_date && j == c_date) continue;   /* the visit's date, no item of this visit */
    if (!d) d = hip_column(pv, h, item, sizeof item, &side);
    if (!d) {
      snprintf(rule, sizeof rule, "visit '%s' collects no form with the item '%s'", pv->name, h);
      unit_refuse(u, row, h, cell, rule);
      return AVN_OK;
    }
    const inst_item *it = inst_item_find(d, item);
    /* REDCap writes 0 for every unticked box, even on forms never filled in. */
    if (it->type == INST_BOOL && strstr(h, "___") && !strcmp(cell, "0")) continue;
    if (inst_get_level(d) == INST_LEVEL_HIP && side == SIDE_PATIENT) {
      snprintf(rule, sizeof rule, "form '%s' is recorded per hip: name its fields %s_left and %s_right, or make it "
               "a repeating instrument with an instance per hip (a field `hip`: left or right)", inst_name(d), h, h);
      unit_refuse(u, row, h, cell, rule);
      return AVN_OK;
    }
    import_entry *x = NULL;
    for (size_t q = u->entry0; q < u->entry0 + u->n_entries && !x; q++)
      if (!strcmp(c->pl->entries[q].form, inst_name(d)) && c->pl->entries[q].side == side) x = &c->pl->entries[q];
    if (!x) {
      rc = entry_open(c, u, pat, pv->name, inst_name(d), side, 1, &x);
      if (!rc && has_date) x->date_col = (long)c_date;
      if (rc) return rc;
    }
    rc = entry_add(c, x, item, cell, j, row);
    if (rc) return rc;
  }
  return AVN_OK;
}

/* Whether item belongs to a log (a form that repeats: ae, conmed), which a
** study keeps at any visit or none, whatever its visits list. */
static bool item_of_log(const char *item) {
  for (size_t i = 0; i < inst_count(); i++)
    if (inst_repeats(inst_at(i)) && inst_item_find(inst_at(i), item)) return true;
  return false;
}

typedef struct redcap_taken_ctx {
  const pctx *c;
  bool has_rep;
} redcap_taken_ctx;

/* Whether a REDCap column is something other than an enrolment column. */
static bool redcap_taken(void *ctx, const char *h) {
  const redcap_taken_ctx *r = ctx;
  if (!strcmp(h, csv_table_name(r->c->t, 0)) || hip_column_anywhere(r->c->p, h)) return true;
  if (r->c->hip_col >= 0 && !strcmp(h, "hip")) return true;
  if (redcap_special(h) && strcmp(h, "redcap_data_access_group")) return true;
  return item_anywhere(r->c->p, h) || (r->has_rep && item_of_log(h));
}

static avn_rc plan_redcap(pctx *c, const map_t *m) {
  size_t c_event = 0, c_rep = 0, c_date = 0;
  bool has_event = has_col(c->t, "redcap_event_name", &c_event);
  bool has_rep = has_col(c->t, "redcap_repeat_instrument", &c_rep);
  bool has_date = m->date && has_col(c->t, m->date, &c_date);
  redcap_taken_ctx rt = {.c = c, .has_rep = has_rep};
  size_t c_hip = 0;
  c->hip_col = has_rep && !item_anywhere(c->p, "hip") && has_col(c->t, "hip", &c_hip) ? (long)c_hip : -1;
  if (m->date && !has_date)
    return avn_fail(c->e, AVN_E_UNKNOWN, "--map", m->date, "date: names a field that is not a column of the file");
  avn_rc rc = import_pcols(c->t, c->p, redcap_taken, &rt, &c->pkeys, c->e);
  if (!rc) rc = map_pcols(c, m);
  if (rc) return rc;
  for (size_t j = 1; j < csv_table_ncol(c->t); j++) {
    const char *h = csv_table_name(c->t, j);
    if (!redcap_special(h) && !c->pkeys[j] && !item_anywhere(c->p, h) && !(has_rep && item_of_log(h)) &&
        !hip_column_anywhere(c->p, h) && (long)j != c->hip_col)
      return avn_fail(c->e, AVN_E_UNKNOWN, "header (row 1)", h, "no form of protocol '%s' has this field (import "
                      "the data dictionary first: avn import dictionary)", c->p->name);
  }
  for (size_t r = 0; r < csv_table_nrow(c->t); r++) {
    rc = redcap_row(c, m, r, c_event, has_event, c_rep, has_rep, c_date, has_date);
    if (rc) return rc;
  }
  return AVN_OK;
}

avn_rc import_plan_build(const csv_table *t, import_format fmt, const protocol *p, const char *map_text,
                         size_t map_len, const char *map_label, import_code_value_fn code_value, import_plan *out,
                         avn_err *e) {
  pctx c = {.t = t, .p = p, .pl = out, .code_value = code_value, .e = e,
            .patients = g_hash_table_new(g_str_hash, g_str_equal),
            .hip_col = -1};
  map_t m;
  assert(t && p && out);
  memset(out, 0, sizeof *out);
  out->rows = csv_table_nrow(t);
  avn_rc rc = map_read(map_text, map_len, map_label ? map_label : "--map", &m, e);
  if (!rc && map_text && fmt != IMPORT_REDCAP)
    rc = avn_fail(e, AVN_E_USAGE, "--map", map_label, "applies to --format redcap only");
  if (!rc) {
    switch (fmt) {
    case IMPORT_LONG: rc = plan_long(&c); break;
    case IMPORT_WIDE: rc = plan_wide(&c); break;
    case IMPORT_REDCAP: rc = plan_redcap(&c, &m); break;
    }
  }
  /* Every unit of a patient the file enrols waits on that enrolment. */
  for (size_t i = 0; !rc && i < out->n_units; i++) {
    import_unit *u = &out->units[i];
    size_t k = u->code ? GPOINTER_TO_SIZE(g_hash_table_lookup(c.patients, u->code)) : 0;
    if (k) u->patient = (long)k - 1;
  }
  import_pcols_free(c.pkeys, csv_table_ncol(t));
  g_hash_table_destroy(c.patients);
  ytree_free(m.root);
  if (rc) import_plan_free(out);
  return rc;
}
