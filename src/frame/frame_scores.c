/*
** frame_scores.c: every form of a snapshot scored once (frame_scores.h).
**
** Layout: the computed results of all forms in one array, form i's at
** r[first[i]] .. r[first[i] + n[i] - 1]; n[i] = 0 and ok[i] = false for a
** form not scored. A form is found by its index in the snapshot's forms
** array (pointer difference), so a lookup is O(results of the form).
*/
#include "frame/frame_scores.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/mem.h"

struct frame_scores {
  const store_study *st;
  inst_result *r;            /* all computed results */
  size_t n_r, cap_r;
  size_t *first;             /* [n_forms] */
  unsigned char *n;          /* [n_forms]: results of the form (<= INST_MAX_RESULTS) */
  bool *ok;                  /* [n_forms]: the scorer accepted the form */
};

static avn_rc append(frame_scores *sc, const inst_scores *one) {
  if (sc->n_r + one->n > sc->cap_r) {
    size_t cap = sc->cap_r ? sc->cap_r : 1024;
    while (cap < sc->n_r + one->n) cap *= 2;
    inst_result *r = avn_reallocarray(sc->r, cap, sizeof *r);
    if (!r) return AVN_E_NOMEM;
    sc->r = r;
    sc->cap_r = cap;
  }
  memcpy(sc->r + sc->n_r, one->r, one->n * sizeof *one->r);
  sc->n_r += one->n;
  return AVN_OK;
}

avn_rc frame_scores_new(const store_study *st, frame_scores **out, avn_err *e) {
  avn_rc rc = AVN_OK;
  *out = NULL;
  frame_scores *sc = avn_calloc(1, sizeof *sc);
  if (!sc) return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  sc->st = st;
  size_t nf = st->n_forms ? st->n_forms : 1;
  sc->first = avn_calloc(nf, sizeof *sc->first);
  sc->n = avn_calloc(nf, sizeof *sc->n);
  sc->ok = avn_calloc(nf, sizeof *sc->ok);
  if (!sc->first || !sc->n || !sc->ok) {
    rc = avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
    goto cleanup;
  }
  for (size_t i = 0; i < st->n_forms; i++) {
    const store_form *f = &st->forms[i];
    sc->first[i] = sc->n_r;
    if (!f->def || inst_n_results(f->def) == 0) continue;
    inst_response resp = {f->values, f->n_values};
    inst_scores one;
    avn_err ignored;
    avn_err_clear(&ignored);
    if (inst_score(f->def, &resp, NULL, 0, &one, &ignored) != AVN_OK) continue;   /* incomplete: no results */
    rc = append(sc, &one);
    if (rc) {
      avn_fail(e, rc, NULL, NULL, "out of memory");
      goto cleanup;
    }
    sc->n[i] = (unsigned char)one.n;
    sc->ok[i] = true;
  }
  *out = sc;
  sc = NULL;
cleanup:
  frame_scores_free(sc);
  return rc;
}

void frame_scores_free(frame_scores *sc) {
  if (!sc) return;
  avn_free(sc->r);
  avn_free(sc->first);
  avn_free(sc->n);
  avn_free(sc->ok);
  avn_free(sc);
}

/* The form's index in the snapshot, or SIZE_MAX for a form not of it. */
static size_t form_index(const frame_scores *sc, const store_form *f) {
  if (!sc || !f || f < sc->st->forms || f >= sc->st->forms + sc->st->n_forms) return SIZE_MAX;
  return (size_t)(f - sc->st->forms);
}

bool frame_scores_ok(const frame_scores *sc, const store_form *f) {
  size_t i = form_index(sc, f);
  assert(i != SIZE_MAX);
  return i != SIZE_MAX && sc->ok[i];
}

const inst_result *frame_scores_get(const frame_scores *sc, const store_form *f, const char *name) {
  size_t i = form_index(sc, f);
  assert(i != SIZE_MAX);
  if (i == SIZE_MAX) return NULL;
  const inst_result *r = sc->r + sc->first[i];
  for (size_t k = 0; k < sc->n[i]; k++)
    if (r[k].name && !strcmp(r[k].name, name)) return &r[k];
  return NULL;
}

bool frame_scores_copy(const frame_scores *sc, const store_form *f, inst_scores *out) {
  size_t i = form_index(sc, f);
  assert(i != SIZE_MAX);
  out->n = 0;
  if (i == SIZE_MAX || !sc->ok[i]) return false;
  memcpy(out->r, sc->r + sc->first[i], sc->n[i] * sizeof *out->r);
  out->n = sc->n[i];
  return true;
}

bool frame_scores_num(const frame_scores *sc, const store_form *f, const char *name, double *out) {
  if (!f || !f->def) return false;
  if (inst_result_find(f->def, name)) {
    const inst_result *r = frame_scores_get(sc, f, name);
    if (!r || r->missing || !isfinite(r->num)) return false;
    *out = r->num;
    return true;
  }
  for (size_t i = 0; i < f->n_values; i++) {
    const inst_value *v = &f->values[i];
    if (strcmp(v->item, name)) continue;
    if (v->missing || !isfinite(v->num)) return false;
    const inst_item *it = inst_item_find(f->def, name);
    if (it && it->type == INST_TEXT) return false;
    *out = v->num;
    return true;
  }
  return false;
}

const char *frame_scores_text(const frame_scores *sc, const store_form *f, const char *name) {
  if (!f || !f->def) return NULL;
  if (inst_result_find(f->def, name)) {
    const inst_result *r = frame_scores_get(sc, f, name);
    return r && !r->missing ? r->text : NULL;
  }
  for (size_t i = 0; i < f->n_values; i++)
    if (!strcmp(f->values[i].item, name)) return f->values[i].missing ? NULL : f->values[i].text;
  return NULL;
}
