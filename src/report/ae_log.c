/*
** ae_log.c: reading the adverse-event log (ae_log.h). One pass over the
** snapshot's forms: O(forms + events x items).
*/
#include <string.h>

#include "core/mem.h"
#include "report/ae_log.h"

static const inst_value *item(const store_form *f, const char *name) {
  for (size_t i = 0; i < f->n_values; i++)
    if (f->values[i].item && !strcmp(f->values[i].item, name)) return f->values[i].missing ? NULL : &f->values[i];
  return NULL;
}

static bool counts(const store_form *f, const char *form, const bool *in) {
  return f->entry == 1 && form && !strcmp(f->instrument, form) && (!in || in[f->patient]);
}

avn_rc ae_log_build(const store_study *st, const bool *in, ae_rec **out, size_t *n) {
  const char *form = inst_role_form(INST_ROLE_ADVERSE_EVENT);
  size_t m = 0;
  *out = NULL;
  *n = 0;
  for (size_t i = 0; i < st->n_forms; i++) m += counts(&st->forms[i], form, in);
  ae_rec *ae = avn_calloc(m + 1, sizeof *ae);
  if (!ae) return AVN_E_NOMEM;
  m = 0;
  for (size_t i = 0; i < st->n_forms; i++) {
    const store_form *f = &st->forms[i];
    if (!counts(f, form, in)) continue;
    ae_rec *r = &ae[m++];
    const inst_value *v = item(f, "term");
    r->patient = f->patient;
    r->form = f;
    r->proc = -1;
    r->term = v && v->text ? v->text : "";
    while (*r->term == ' ' || *r->term == '\t') r->term++;
    r->term_len = strlen(r->term);
    while (r->term_len > 0 && (r->term[r->term_len - 1] == ' ' || r->term[r->term_len - 1] == '\t')) r->term_len--;
    if (r->term_len == 0) {
      r->term = "(term not recorded)";
      r->term_len = strlen(r->term);
    }
    v = item(f, "grade");
    r->grade = v && v->num >= 1 && v->num <= 5 ? (int)v->num : 0;
    v = item(f, "serious");
    r->serious = v ? (v->num != 0) : -1;
    v = item(f, "related");
    r->related = v && v->num >= 1 && v->num <= 5 ? (int)v->num : 0;
    v = item(f, "expected");
    r->expected = v && (v->num == 1 || v->num == 2) ? (int)v->num : 0;
    v = item(f, "onset_date");
    r->has_onset = v != NULL;
    r->onset = v ? (avn_date)v->num : 0;
  }
  *out = ae;
  *n = m;
  return AVN_OK;
}
