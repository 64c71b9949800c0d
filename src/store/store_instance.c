/*
** store_instance.c: the instance dimension of a form (schema migration 5).
**
** A form instance is keyed (patient, visit, instrument, side, instance,
** entry). instance is:
**   ""          an ordinary form's one instance (every form before migration 5);
**   "1", "2"... a repeating form's numbered instances (inst_repeats: adverse
**               events, concomitant medication), numbered per patient and
**               form in order of entry, never reused (a void instance keeps
**               its number); visit "" when it belongs to no visit;
**   a reader    a read of a form that takes independent reads
**               (inst_reader_item: mri), "consensus" for the consensus read.
** entry (1, 2) stays the double data entry of one instance.
**
** This file owns the instance's naming and lookups on the write path: the
** audit record name (store_form_record), the order of instances
** (store_instance_cmp), finding an instance named by a store_form_ref
** (store_form_locate), numbering a new one (store_instance_next), and the
** step of migration 5 that moves existing reads to their reader's instance
** (store_instance_migrate). store_verify replays the same move from the
** trail (its legacy_reads). Nothing here allocates what the caller frees,
** except store_form_locate's row (store_row_free).
*/
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "store/store_int.h"

static bool all_digits(const char *s) {
  if (!*s) return false;
  for (; *s; s++)
    if (!isdigit((unsigned char)*s)) return false;
  return true;
}

int store_instance_cmp(const char *a, const char *b) {
  bool da = all_digits(a), db = all_digits(b);
  if (!*a || !*b) return (*a != '\0') - (*b != '\0');
  if (da && db) {
    size_t la = strlen(a), lb = strlen(b);   /* no leading zeros: numbers are written by store_instance_next */
    if (la != lb) return la < lb ? -1 : 1;
    return strcmp(a, b);
  }
  if (da != db) return da ? -1 : 1;
  return strcmp(a, b);
}

void store_form_record(char *out, size_t n, const char *patient, const char *visit, const char *form, int side,
                       const char *instance, int entry) {
  bool hv = visit && *visit, hi = instance && *instance;
  snprintf(out, n, "patient %s%s%s / %s%s%s%s%s / entry %d", patient, hv ? " / visit " : "", hv ? visit : "", form,
           side == SIDE_PATIENT ? "" : " ", side == SIDE_PATIENT ? "" : side_name(side), hi ? " / instance " : "",
           hi ? instance : "", entry);
}

avn_rc store_instance_check(const inst_def *d, const char *instance, bool new_instance, avn_err *e) {
  const char *name = inst_name(d);
  bool given = instance && *instance;
  if (inst_repeats(d)) {
    if (given && new_instance)
      return avn_fail(e, AVN_E_USAGE, "--instance", instance, "give --new (a new %s) or --instance N (change %s N), "
                      "not both", name, name);
    if (given && (!all_digits(instance) || instance[0] == '0' || strlen(instance) > 9))
      return avn_fail(e, AVN_E_RANGE, "--instance", instance, "an instance of %s is numbered 1, 2, 3 ...", name);
    return AVN_OK;
  }
  if (new_instance)
    return avn_fail(e, AVN_E_USAGE, "--new", NULL, "form '%s' does not repeat: it has one instance%s", name,
                    inst_reader_item(d) ? " per reader (--reader)" : "");
  if (!given) return AVN_OK;
  if (!inst_reader_item(d))
    return avn_fail(e, AVN_E_USAGE, "--instance", instance, "form '%s' neither repeats nor takes independent reads: "
                    "it has one instance", name);
  if (strchr(instance, '/') || strlen(instance) > 63 || all_digits(instance))
    return avn_fail(e, AVN_E_RANGE, "--reader", instance, "a reader is named by at most 63 characters, not only "
                    "digits, without '/'");
  return avn_text_check("--reader", instance, AVN_TEXT_REASON, 0, e);
}

avn_rc store_instance_next(store *s, const char *pid, const char *form, char out[64], avn_err *e) {
  char *max = NULL;
  const char *p[2] = {pid, form};
  avn_rc rc = store_q_one(s, "SELECT coalesce(max(CAST(instance AS INTEGER)), 0) FROM form WHERE patient_id=?"
                             " AND instrument=? AND instance <> ''", p, 2, &max, NULL, e);
  if (!rc) snprintf(out, 64, "%lld", strtoll(max ? max : "0", NULL, 10) + 1);
  avn_free(max);
  return rc;
}

avn_rc store_instance_visit(store *s, const char *pid, const char *form, int side, const char *instance,
                            char **visit, bool *found, avn_err *e) {
  const char *p[4] = {pid, form, side == SIDE_PATIENT ? "" : side_name(side), instance};
  return store_q_one(s, "SELECT visit FROM form WHERE patient_id=? AND instrument=? AND side=? AND instance=?"
                        " ORDER BY entry LIMIT 1", p, 4, visit, found, e);
}

/* "-" and "" say "no visit" (a repeating form's instance may have none). */
static const char *visit_given(const char *v) { return v && *v && strcmp(v, "-") != 0 ? v : NULL; }

avn_rc store_form_locate(store *s, const store_form_ref *f, store_patient_row *pt, char *c[3], char record[256],
                         avn_err *e) {
  char entry[4], *visit = NULL;
  bool found = false;
  const inst_def *d = inst_find(f->form);
  const char *inst = f->instance ? f->instance : "", *given = visit_given(f->visit);
  if (!d) return avn_fail(e, AVN_E_UNKNOWN, "form", f->form, "no such form (see 'avn score --help')");
  if (f->entry != 1 && f->entry != 2) return avn_fail(e, AVN_E_RANGE, "entry", NULL, "the entry number is 1 or 2");
  avn_rc rc = store_instance_check(d, inst, false, e);
  if (!rc && inst_repeats(d) && !*inst)
    rc = avn_fail(e, AVN_E_REQUIRED, "--instance", NULL, "form '%s' is a log: name the instance (--instance N)",
                  f->form);
  if (!rc && given) rc = store_visit_known(s, given, e);
  if (!rc && !given && !inst_repeats(d)) rc = avn_fail(e, AVN_E_REQUIRED, "visit", f->visit, "name the visit");
  if (!rc) rc = store_patient_find(s, f->patient, pt, e);
  if (rc) return rc;
  const char *side = f->side == SIDE_PATIENT ? "" : side_name(f->side);
  if (inst_repeats(d)) {   /* the number names the instance; its visit is looked up */
    rc = store_instance_visit(s, pt->pid, f->form, f->side, inst, &visit, &found, e);
    if (!rc && found && given && strcmp(given, visit) != 0)
      rc = avn_fail(e, AVN_E_STATE, "visit", given, "%s instance %s belongs to %s%s", f->form, inst,
                    *visit ? "visit " : "no visit", visit);
    given = found ? visit : given;
  }
  snprintf(entry, sizeof entry, "%d", f->entry);
  store_form_record(record, 256, f->patient, given, f->form, f->side, inst, f->entry);
  const char *p[6] = {pt->pid, given ? given : "", f->form, side, inst, entry};
  if (!rc)
    rc = store_q_row(s, "SELECT id, status, void_reason FROM form WHERE patient_id=? AND visit=? AND instrument=?"
                        " AND side=? AND instance=? AND entry=?", p, 6, c, 3, &found, e);
  if (!rc && !found) rc = avn_fail(e, AVN_E_NOTFOUND, "form", record, "no such form was entered");
  avn_free(visit);
  return rc;
}

/* Migration 5's second step: a repeating form's forms (one per visit
** before) are numbered 1, 2 ... per patient in the order they were
** created; and a read entered before the instance column
** moves to its reader's instance (the reader item's value). Entry 1 becomes
** (reader, 1); entry 2 becomes (its reader, 2) when entry 1 names the same
** reader (a double entry of one read), else (its reader, 1): an independent
** read. A read without a reader value stays where it was. Adjudications of
** a double-entered read follow it. store_verify's legacy_reads applies the
** same rule to the trail. */
avn_rc store_instance_migrate(store *s, avn_err *e) {
  avn_rc rc = AVN_OK;
  for (size_t i = 0; !rc && i < inst_count(); i++) {
    const inst_def *d = inst_at(i);
    const char *ri = inst_reader_item(d);
    if (inst_repeats(d)) {   /* one per visit so far: numbered per patient in order of creation (id) */
      const char *p[1] = {inst_name(d)};
      rc = store_q(s, "WITH g AS (SELECT patient_id, visit, side, min(id) AS first FROM form WHERE instrument = ?1"
                      " AND instance = '' GROUP BY patient_id, visit, side), r AS (SELECT patient_id, visit, side,"
                      " row_number() OVER (PARTITION BY patient_id ORDER BY first) AS k FROM g)"
                      " UPDATE form SET instance = (SELECT r.k FROM r WHERE r.patient_id = form.patient_id AND"
                      " r.visit = form.visit AND r.side = form.side) WHERE instrument = ?1 AND instance = ''",
                   p, 1, NULL, NULL, e);
      continue;
    }
    if (!ri) continue;
    const char *p[2] = {ri, inst_name(d)};
    rc = store_q(s, "UPDATE form SET instance = (SELECT v.value_text FROM item_value v WHERE v.form_id = form.id"
                    " AND v.item = ?1) WHERE instrument = ?2 AND instance = '' AND entry = 1 AND EXISTS"
                    " (SELECT 1 FROM item_value v WHERE v.form_id = form.id AND v.item = ?1 AND v.value_text <> '')",
                 p, 2, NULL, NULL, e);
    if (!rc)
      rc = store_q(s, "UPDATE form SET instance = (SELECT v.value_text FROM item_value v WHERE v.form_id = form.id"
                      " AND v.item = ?1), entry = CASE WHEN EXISTS (SELECT 1 FROM form f1 JOIN item_value v1"
                      " ON v1.form_id = f1.id AND v1.item = ?1 JOIN item_value v2 ON v2.form_id = form.id"
                      " AND v2.item = ?1 WHERE f1.patient_id = form.patient_id AND f1.visit = form.visit"
                      " AND f1.instrument = form.instrument AND f1.side = form.side AND f1.entry = 1"
                      " AND v1.value_text = v2.value_text) THEN 2 ELSE 1 END"
                      " WHERE instrument = ?2 AND instance = '' AND entry = 2 AND EXISTS (SELECT 1 FROM item_value v"
                      " WHERE v.form_id = form.id AND v.item = ?1 AND v.value_text <> '')", p, 2, NULL, NULL, e);
  }
  /* An adjudication settles the two entries of one instance: the one whose
  ** entry 2 it was (a repeating form's number, a read's reader). */
  if (!rc)
    rc = store_q(s, "UPDATE adjudication SET instance = coalesce((SELECT f.instance FROM form f WHERE"
                    " f.patient_id = adjudication.patient_id AND f.visit = adjudication.visit AND f.instrument ="
                    " adjudication.instrument AND f.side = adjudication.side AND f.entry = 2), '')"
                    " WHERE instance = ''", NULL, 0, NULL, NULL, e);
  return rc;
}
