/*
** import.c: a records file into a study (import_records, see import.h).
**
** The file is planned first (import_rows.c: no database), then, inside
** one store batch, the patients the file enrols go through store_screen
** and store_enroll (import_patient.c), each unit's visit dates through
** store_visit, and every entry through store_enter, the path `avn enter`
** takes. A unit (a row, or a long file's run of rows of one form) is
** loaded whole or refused whole. When any unit is refused the batch is
** abandoned (store_abort), so the study file is as it was; with
** skip_invalid the batch is run again without the refused units, and again
** if leaving them out makes another unit fail (a later row may rely on an
** earlier one), until a run refuses nothing: at most one run per unit.
**
** Refusals name the row and column of the value at fault: a store refusal
** naming "form.item" is traced back to that item's cell.
**
** Costs: a few queries per form entry (store_enter's checks), one
** transaction for the whole file; the plan holds the file's cells once
** more as item=value strings.
*/
#include "import/import_int.h"

#include <assert.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/mem.h"
#include "frame/frame.h"

static const char *const format_names[] = {"long", "wide", "redcap", NULL};

avn_rc import_format_parse(const char *name, import_format *out, avn_err *e) {
  for (size_t i = 0; format_names[i]; i++)
    if (name && !strcmp(name, format_names[i])) {
      *out = (import_format)i;
      return AVN_OK;
    }
  return avn_fail(e, AVN_E_UNKNOWN, "--format", name, "must be long, wide or redcap");
}

/* The unit's refusal from the store's error: the cell of the item named
** in e->field ("hhs.pain"), else the entry's first cell. */
static void refuse_from(import_unit *u, const csv_table *t, const import_entry *x, const avn_err *e) {
  const char *dot = strchr(e->field, '.');
  const char *item = dot ? dot + 1 : e->field;
  size_t n = strlen(item);
  snprintf(u->column, sizeof u->column, "%s", e->field);
  u->refused_row = x->n_kv ? x->row[0] : u->first;
  for (size_t k = 0; k < x->n_kv; k++) {
    if (strncmp(x->kv[k], item, n) != 0 || x->kv[k][n] != '=') continue;
    snprintf(u->column, sizeof u->column, "%s", csv_table_name(t, x->col[k]));
    u->refused_row = x->row[k];
    break;
  }
  if (!strcmp(e->field, "--hip")) snprintf(u->column, sizeof u->column, "side");
  if (!strcmp(e->field, "--date"))
    snprintf(u->column, sizeof u->column, "%s", x->date_col >= 0 ? csv_table_name(t, (size_t)x->date_col) : "visit date");
  snprintf(u->value, sizeof u->value, "%s", e->value);
  snprintf(u->rule, sizeof u->rule, "%s", e->rule[0] ? e->rule : avn_strerror(e->rc));
  /* The store asks avn enter for --date; an import has no such option. */
  if (!strcmp(e->field, "--date") && e->rc == AVN_E_REQUIRED)
    snprintf(u->rule, sizeof u->rule, "visit '%s' has no date yet: record it first (avn visit) or give it in the "
             "file (REDCap: --map date: FIELD)", x->visit);
  u->refused = true;
}

/* The unit's visit dates, through store_visit (avn visit's rules). */
static avn_rc run_vdates(store *s, const csv_table *t, const import_plan *pl, import_unit *u, const char *patient,
                         const import_opts *o, import_summary *sum) {
  for (size_t q = u->vdate0; q < u->vdate0 + u->n_vdates; q++) {
    const import_vdate *d = &pl->vdates[q];
    store_visit_req r = {.patient = patient, .visit = d->visit, .user = o->user, .reason = o->reason};
    store_visit_change ch = STORE_VISIT_SAME;
    avn_err e;
    avn_err_clear(&e);
    avn_rc rc = avn_date_parse(d->date, &r.date) != AVN_OK
                    ? avn_fail(&e, AVN_E_DATE, "--date", d->date, "a visit's date is YYYY-MM-DD")
                    : store_visit(s, &r, &ch, &e);
    if (import_fatal(rc)) return rc;
    if (rc) {
      snprintf(u->column, sizeof u->column, "%s", csv_table_name(t, d->col));
      snprintf(u->value, sizeof u->value, "%s", d->date);
      snprintf(u->rule, sizeof u->rule, "%s", e.rule[0] ? e.rule : avn_strerror(e.rc));
      u->refused_row = d->row;
      u->refused = true;
      return AVN_OK;
    }
    if (ch != STORE_VISIT_SAME) sum->visits++;
  }
  return AVN_OK;
}

/* One unit's entries. AVN_OK also when the store refused it (u->refused);
** an error only when the study could not be written at all. */
static avn_rc run_unit(store *s, const csv_table *t, const import_plan *pl, import_unit *u, const import_opts *o,
                       import_summary *sum) {
  if (u->patient >= 0 && pl->patients[u->patient].refused) {
    const import_patient *pt = &pl->patients[u->patient];
    u->refused = true;
    if (pt->refused_row >= u->first && pt->refused_row <= u->last) {
      u->refused_row = pt->refused_row;
      snprintf(u->column, sizeof u->column, "%s", pt->column);
      snprintf(u->value, sizeof u->value, "%s", pt->value);
      snprintf(u->rule, sizeof u->rule, "%s", pt->rule);
    } else {   /* another row of the patient holds the refusal */
      u->refused_row = u->first;
      snprintf(u->column, sizeof u->column, "patient");
      snprintf(u->value, sizeof u->value, "%s", pt->code);
      snprintf(u->rule, sizeof u->rule, "the patient's enrolment is refused (row %zu, column '%.100s'): its rows "
               "load with it or not at all", pt->refused_row, pt->column);
    }
    return AVN_OK;
  }
  if (u->n_vdates) {
    avn_rc rc = run_vdates(s, t, pl, u, u->code, o, sum);
    if (rc || u->refused) return rc;
  }
  for (size_t q = u->entry0; q < u->entry0 + u->n_entries; q++) {
    const import_entry *x = &pl->entries[q];
    store_enter_req r = {.patient = x->patient, .visit = x->visit, .form = x->form, .side = x->side,
                         .entry = x->entry, .kv = x->kv, .n_kv = x->n_kv, .user = o->user, .reason = o->reason};
    store_enter_result res;
    avn_err e;
    avn_err_clear(&e);
    r.instance = x->instance;
    avn_rc rc = store_enter(s, &r, &res, &e);
    /* A repeating form's instance N that the study lacks yet is added as the
    ** patient's next one, which must then be N: a file numbers each
    ** patient's instances 1, 2, ... as avn export writes them. */
    if (rc == AVN_E_NOTFOUND && x->instance && !strcmp(e.field, "--instance")) {
      avn_err_clear(&e);
      r.instance = NULL;
      r.new_instance = true;
      rc = store_enter(s, &r, &res, &e);
      if (!rc && strcmp(res.instance, x->instance) != 0) {
        avn_fail(&e, AVN_E_STATE, "instance", x->instance, "patient %s's next %s instance is %s: number each "
                 "patient's instances 1, 2, ... in the file's order", x->patient, x->form, res.instance);
        refuse_from(u, t, x, &e);
        return AVN_OK;
      }
    }
    if (import_fatal(rc)) return rc;
    if (rc) {
      refuse_from(u, t, x, &e);
      return AVN_OK;
    }
    sum->forms++;
    sum->values += (size_t)(res.n_new + res.n_changed);
  }
  return AVN_OK;
}

static double code_value(const inst_item *it, size_t k) { return frame_code_value(it, k); }

avn_rc import_records(store *s, const char *path, const import_opts *o, import_summary *sum, avn_err *e) {
  csv_table *t = NULL;
  import_plan pl = {0};
  char *map = NULL;
  gsize map_len = 0;
  bool *skip = NULL;
  avn_rc rc = AVN_OK;
  assert(s && path && o && sum);
  memset(sum, 0, sizeof *sum);
  if (o->map_path && !g_file_get_contents(o->map_path, &map, &map_len, NULL))
    return avn_fail(e, AVN_E_IO, "--map", o->map_path, "cannot be read");
  rc = csv_table_read_file(path, &t, e);
  if (!rc) rc = import_plan_build(t, o->format, store_protocol(s), map, map_len, o->map_path, code_value, &pl, e);
  if (rc) goto cleanup;
  sum->rows = pl.rows;
  sum->ignored_columns = pl.ignored_columns;
  skip = avn_calloc(pl.n_units + 1, sizeof *skip);
  if (!skip) {
    rc = avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
    goto cleanup;
  }
  for (size_t run = 0; run <= pl.n_units; run++) {
    size_t refused = 0;
    sum->forms = sum->values = sum->patients = sum->visits = 0;
    rc = store_begin(s, e);
    if (rc) goto cleanup;
    /* Patients first: every unit of a patient may need its enrolment. */
    for (size_t i = 0; i < pl.n_patients && !rc; i++) {
      int enrolled = 0;
      rc = import_patient_run(s, t, &pl.patients[i], o->user, &enrolled);
      sum->patients += (size_t)enrolled;
    }
    if (rc) {
      rc = avn_fail(e, rc, "import", path, "the study could not be written");
      store_abort(s);
      goto cleanup;
    }
    for (size_t i = 0; i < pl.n_units && !rc; i++) {
      import_unit *u = &pl.units[i];
      if (skip[i]) continue;
      if (!u->refused) rc = run_unit(s, t, &pl, u, o, sum);
      if (u->refused) {
        skip[i] = true;
        refused++;
      }
      if (o->progress && (i % 256 == 0 || i + 1 == pl.n_units)) o->progress(o->ctx, i + 1, pl.n_units);
    }
    if (rc) {
      store_abort(s);
      goto cleanup;
    }
    if (!refused) {
      rc = store_commit(s, e);
      sum->loaded = rc == AVN_OK;
      break;
    }
    store_abort(s);
    if (!o->skip_invalid) break;
  }
  for (size_t i = 0; i < pl.n_units; i++) {
    const import_unit *u = &pl.units[i];
    if (!u->refused) continue;
    sum->refused += u->last - u->first + 1;
    import_refusal r = {.row = u->refused_row ? u->refused_row : u->first, .first = u->first, .last = u->last,
                        .column = u->column, .value = u->value, .rule = u->rule};
    if (o->refused) o->refused(o->ctx, &r);
  }
  if (!sum->loaded) sum->forms = sum->values = sum->patients = sum->visits = 0;
cleanup:
  g_free(map);
  avn_free(skip);
  import_plan_free(&pl);
  csv_table_free(t);
  return rc;
}
