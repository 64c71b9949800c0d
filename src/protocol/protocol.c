/*
** protocol.c: YAML -> protocol, with validation (see protocol.h).
**
** The reader walks the ytree once. Every refusal carries "file:line" in the
** error's field and what is wrong in its rule, so a coordinator writing a
** protocol of their own can fix it without reading C. Unknown keys are
** refused too: a typo ("windw") must not silently change a schedule.
*/
#include "protocol/protocol.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/embedded.h"
#include "core/mem.h"
#include "core/ytree.h"
#include "protocol/sap_int.h"

/* The file being read and where refusals go (core/ytree.h readers). */
typedef ytree_reader pctx;

static bool yes_word(const char *s) {
  return !strcmp(s, "yes") || !strcmp(s, "true") || !strcmp(s, "1");
}
static bool no_word(const char *s) {
  return !strcmp(s, "no") || !strcmp(s, "false") || !strcmp(s, "0");
}

avn_rc proto_offset_parse(const char *s, proto_offset *out) {
  char *end = NULL;
  errno = 0;
  long n = strtol(s, &end, 10);
  if (errno || end == s || n < -1200 || n > 1200 * 31) return AVN_E_PARSE;
  while (*end == ' ') end++;
  static const struct { const char *w; avn_time_unit u; } units[] = {
      {"day", AVN_UNIT_DAY},     {"days", AVN_UNIT_DAY},     {"week", AVN_UNIT_WEEK},
      {"weeks", AVN_UNIT_WEEK},  {"month", AVN_UNIT_MONTH},  {"months", AVN_UNIT_MONTH},
      {"year", AVN_UNIT_YEAR},   {"years", AVN_UNIT_YEAR}};
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
    if (!strcmp(end, units[i].w)) {
      out->amount = (int)n;
      out->unit = units[i].u;
      return AVN_OK;
    }
  }
  return AVN_E_PARSE;
}

void proto_offset_format(proto_offset o, char *out, size_t n) {
  static const char *names[] = {"day", "week", "month", "year"};
  snprintf(out, n, "%d %s%s", o.amount, names[o.unit], o.amount == 1 ? "" : "s");
}

static avn_rc get_offset(pctx *c, const ytree *map, const char *key, bool required,
                         proto_offset *out) {
  const ytree *v = ytree_get(map, key);
  out->amount = 0;
  out->unit = AVN_UNIT_DAY;
  if (!v) return required ? ytree_fail(c, map->line, "missing required key '%s'", key) : AVN_OK;
  if (v->kind != YT_SCALAR || proto_offset_parse(v->scalar, out))
    return ytree_fail(c, v->line, "'%s' must be like '3 months', '2 weeks' or '14 days'", key);
  if (out->amount < 0 && strcmp(key, "at") != 0)
    return ytree_fail(c, v->line, "'%s' must not be negative", key);
  return AVN_OK;
}

/* --- sections ----------------------------------------------------------- */

static avn_rc parse_type(pctx *c, const ytree *node, const char *s, inst_type *out) {
  static const struct { const char *w; inst_type t; } types[] = {
      {"int", INST_INT}, {"real", INST_REAL}, {"code", INST_CODE},
      {"bool", INST_BOOL}, {"date", INST_DATE}};
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    if (!strcmp(s, types[i].w)) { *out = types[i].t; return AVN_OK; }
  return ytree_fail(c, node->line, "unknown type '%s' (int, real, code, bool or date)", s);
}

static avn_rc parse_fields(pctx *c, const ytree *seq, protocol *p) {
  static const char *const keys[] = {"name", "label", "type", "unit", "min", "max",
                                     "codes", "per_hip", NULL};
  if (!seq) return AVN_OK;
  if (seq->kind != YT_SEQ) return ytree_fail(c, seq->line, "'screening' must be a list of fields");
  p->fields = avn_calloc(seq->n ? seq->n : 1, sizeof *p->fields);
  if (!p->fields) return AVN_E_NOMEM;
  for (size_t i = 0; i < seq->n; i++) {
    const ytree *m = seq->items[i];
    avn_rc rc = ytree_need_map(c, m, "a screening field");
    if (rc) return rc;
    rc = ytree_check_keys(c, m, keys, NULL);
    if (rc) return rc;
    proto_field *f = &p->fields[p->n_fields++];
    f->line = m->line;
    char *type = NULL, *per_hip = NULL;
    if ((rc = ytree_get_str(c, m, "name", true, &f->name))) return rc;
    if ((rc = ytree_get_str(c, m, "label", false, &f->label))) return rc;
    if ((rc = ytree_get_str(c, m, "unit", false, &f->unit))) return rc;
    if ((rc = ytree_get_str(c, m, "type", true, &type))) return rc;
    rc = parse_type(c, ytree_get(m, "type"), type, &f->type);
    avn_free(type);
    if (rc) return rc;
    bool hmin, hmax;
    if ((rc = ytree_get_num(c, m, "min", &hmin, &f->min))) return rc;
    if ((rc = ytree_get_num(c, m, "max", &hmax, &f->max))) return rc;
    if (hmin != hmax) return ytree_fail(c, m->line, "field '%s': give both min and max", f->name);
    f->has_range = hmin;
    if (hmin && f->min > f->max) return ytree_fail(c, m->line, "field '%s': min is above max", f->name);
    if ((rc = ytree_get_list(c, ytree_get(m, "codes"), "codes", &f->codes, &f->n_codes))) return rc;
    if (f->type == INST_CODE && f->n_codes == 0)
      return ytree_fail(c, m->line, "field '%s' of type code needs 'codes'", f->name);
    if ((rc = ytree_get_str(c, m, "per_hip", false, &per_hip))) return rc;
    f->per_hip = per_hip && yes_word(per_hip);
    if (per_hip && !yes_word(per_hip) && !no_word(per_hip)) {
      avn_free(per_hip);
      return ytree_fail(c, m->line, "'per_hip' must be yes or no");
    }
    avn_free(per_hip);
    for (size_t j = 0; j < i; j++)
      if (!strcmp(p->fields[j].name, f->name))
        return ytree_fail(c, m->line, "screening field '%s' defined twice", f->name);
  }
  return AVN_OK;
}

static bool field_accepts(const proto_field *f, const char *v) {
  if (f->type == INST_BOOL) return yes_word(v) || no_word(v);
  if (f->type == INST_CODE) {
    for (size_t k = 0; k < f->n_codes; k++)
      if (!strcmp(f->codes[k], v)) return true;
    return false;
  }
  return true;
}

static avn_rc parse_criteria(pctx *c, const ytree *seq, proto_crit_kind kind, protocol *p) {
  static const char *const keys[] = {"name", "text", "field", "min", "max", "below",
                                     "above", "is", "in", NULL};
  if (!seq) return AVN_OK;
  if (seq->kind != YT_SEQ) return ytree_fail(c, seq->line, "criteria must be a list");
  proto_criterion *grown = avn_reallocarray(p->criteria, p->n_criteria + seq->n + 1, sizeof *grown);
  if (!grown) return AVN_E_NOMEM;
  p->criteria = grown;
  for (size_t i = 0; i < seq->n; i++) {
    const ytree *m = seq->items[i];
    avn_rc rc = ytree_need_map(c, m, "a criterion");
    if (rc) return rc;
    if ((rc = ytree_check_keys(c, m, keys, NULL))) return rc;
    proto_criterion *cr = &p->criteria[p->n_criteria++];
    memset(cr, 0, sizeof *cr);
    cr->kind = kind;
    cr->line = m->line;
    char *field = NULL;
    if ((rc = ytree_get_str(c, m, "name", true, &cr->name))) return rc;
    if ((rc = ytree_get_str(c, m, "text", true, &cr->text))) return rc;
    if ((rc = ytree_get_str(c, m, "field", true, &field))) return rc;
    const proto_field *f = protocol_find_field(p, field);
    if (!f) {
      rc = ytree_fail(c, ytree_get(m, "field")->line, "criterion '%s' uses unknown screening field '%s'",
                cr->name, field);
      avn_free(field);
      return rc;
    }
    avn_free(field);
    cr->field = (size_t)(f - p->fields);
    if ((rc = ytree_get_num(c, m, "min", &cr->has_min, &cr->min))) return rc;
    if ((rc = ytree_get_num(c, m, "max", &cr->has_max, &cr->max))) return rc;
    if ((rc = ytree_get_num(c, m, "below", &cr->has_below, &cr->below))) return rc;
    if ((rc = ytree_get_num(c, m, "above", &cr->has_above, &cr->above))) return rc;
    if ((rc = ytree_get_str(c, m, "is", false, &cr->is))) return rc;
    if ((rc = ytree_get_list(c, ytree_get(m, "in"), "in", &cr->in, &cr->n_in))) return rc;
    bool numeric = cr->has_min || cr->has_max || cr->has_below || cr->has_above;
    if (!numeric && !cr->is && !cr->n_in)
      return ytree_fail(c, m->line, "criterion '%s' has no test (min, max, below, above, is or in)", cr->name);
    if (numeric && f->type != INST_INT && f->type != INST_REAL)
      return ytree_fail(c, m->line, "criterion '%s': min/max/below/above need a numeric field", cr->name);
    if (cr->is && !field_accepts(f, cr->is))
      return ytree_fail(c, ytree_get(m, "is")->line, "criterion '%s': '%s' is not a value of field '%s'",
                  cr->name, cr->is, f->name);
    for (size_t k = 0; k < cr->n_in; k++)
      if (!field_accepts(f, cr->in[k]))
        return ytree_fail(c, ytree_get(m, "in")->line, "criterion '%s': '%s' is not a value of field '%s'",
                    cr->name, cr->in[k], f->name);
    if (cr->is && f->type == INST_BOOL) {
      bool y = yes_word(cr->is);
      avn_free(cr->is);
      cr->is = avn_strdup(y ? "yes" : "no");
      if (!cr->is) return AVN_E_NOMEM;
    }
    for (size_t j = 0; j + 1 < p->n_criteria; j++)
      if (!strcmp(p->criteria[j].name, cr->name))
        return ytree_fail(c, m->line, "criterion name '%s' used twice", cr->name);
  }
  return AVN_OK;
}

/* forms: a list of form definitions in the format of src/instruments/defs/
** (registry_parse.c), each registered so the rest of avn sees it like a
** shipped instrument. A name avn already ships is refused: a study may add
** forms, not redefine HHS under the same name. */
static avn_rc parse_forms(pctx *c, const ytree *seq, protocol *p) {
  if (!seq) return AVN_OK;
  if (seq->kind != YT_SEQ) return ytree_fail(c, seq->line, "'forms' must be a list of form definitions");
  p->forms = avn_calloc(seq->n ? seq->n : 1, sizeof *p->forms);
  if (!p->forms) return AVN_E_NOMEM;
  for (size_t i = 0; i < seq->n; i++) {
    const ytree *m = seq->items[i];
    inst_def *d = NULL;
    avn_rc rc = ytree_need_map(c, m, "a form definition");
    if (rc) return rc;
    const char *name = ytree_str(m, "name");
    const inst_def *old = name ? inst_find(name) : NULL;
    if (old && inst_is_shipped(old))
      return ytree_fail(c, m->line, "form '%s' is one of avn's own instruments: give the study's "
                        "form another name", name);
    for (size_t j = 0; name && j < p->n_forms; j++)
      if (!strcmp(p->forms[j], name)) return ytree_fail(c, m->line, "form '%s' defined twice", name);
    if ((rc = inst_def_parse_tree(c->file, m, &d, c->e))) return rc;
    if ((rc = inst_register(d, c->e))) return rc;
    p->forms[p->n_forms] = avn_strdup(inst_name(d));
    if (!p->forms[p->n_forms]) return AVN_E_NOMEM;
    p->n_forms++;
  }
  return AVN_OK;
}

static avn_rc check_form(pctx *c, int line, const char *form) {
  if (!inst_find(form)) return ytree_fail(c, line, "unknown form '%s'", form);
  return AVN_OK;
}

static avn_rc parse_visits(pctx *c, const ytree *seq, protocol *p) {
  static const char *const keys[] = {"name", "label", "at", "before", "after", "forms", NULL};
  if (!seq || seq->kind != YT_SEQ || seq->n == 0)
    return ytree_fail(c, seq ? seq->line : 1, "'visits' must be a non-empty list");
  p->visits = avn_calloc(seq->n, sizeof *p->visits);
  if (!p->visits) return AVN_E_NOMEM;
  for (size_t i = 0; i < seq->n; i++) {
    const ytree *m = seq->items[i];
    avn_rc rc = ytree_need_map(c, m, "a visit");
    if (rc) return rc;
    if ((rc = ytree_check_keys(c, m, keys, NULL))) return rc;
    proto_visit *v = &p->visits[p->n_visits++];
    v->line = m->line;
    if ((rc = ytree_get_str(c, m, "name", true, &v->name))) return rc;
    if ((rc = ytree_get_str(c, m, "label", false, &v->label))) return rc;
    if ((rc = get_offset(c, m, "at", true, &v->at))) return rc;
    if ((rc = get_offset(c, m, "before", false, &v->before))) return rc;
    if ((rc = get_offset(c, m, "after", false, &v->after))) return rc;
    if ((rc = ytree_get_list(c, ytree_get(m, "forms"), "forms", &v->forms, &v->n_forms))) return rc;
    for (size_t k = 0; k < v->n_forms; k++)
      if ((rc = check_form(c, ytree_get(m, "forms")->line, v->forms[k]))) return rc;
    for (size_t j = 0; j < i; j++)
      if (!strcmp(p->visits[j].name, v->name))
        return ytree_fail(c, m->line, "visit '%s' defined twice", v->name);
  }
  return AVN_OK;
}

static avn_rc parse_procs(pctx *c, const ytree *seq, protocol *p) {
  static const char *const keys[] = {"name", "label", "at", "visit", "per_hip", NULL};
  if (!seq) return AVN_OK;
  if (seq->kind != YT_SEQ) return ytree_fail(c, seq->line, "'procedures' must be a list");
  p->procs = avn_calloc(seq->n ? seq->n : 1, sizeof *p->procs);
  if (!p->procs) return AVN_E_NOMEM;
  for (size_t i = 0; i < seq->n; i++) {
    const ytree *m = seq->items[i];
    avn_rc rc = ytree_need_map(c, m, "a procedure");
    if (rc) return rc;
    if ((rc = ytree_check_keys(c, m, keys, NULL))) return rc;
    proto_procedure *pr = &p->procs[p->n_procs++];
    char *visit = NULL, *per_hip = NULL;
    if ((rc = ytree_get_str(c, m, "name", true, &pr->name))) return rc;
    if ((rc = ytree_get_str(c, m, "label", false, &pr->label))) return rc;
    if ((rc = get_offset(c, m, "at", true, &pr->at))) return rc;
    if ((rc = ytree_get_str(c, m, "visit", true, &visit))) return rc;
    pr->visit = protocol_visit_index(p, visit);
    if (pr->visit == (size_t)-1) {
      rc = ytree_fail(c, ytree_get(m, "visit")->line, "procedure '%s' names unknown visit '%s'", pr->name, visit);
      avn_free(visit);
      return rc;
    }
    avn_free(visit);
    if ((rc = ytree_get_str(c, m, "per_hip", false, &per_hip))) return rc;
    pr->per_hip = per_hip && yes_word(per_hip);
    avn_free(per_hip);
  }
  return AVN_OK;
}

static avn_rc parse_limits(pctx *c, const ytree *seq, protocol *p) {
  static const char *const keys[] = {"name", "text", "form", "field", "min", "max", "is", NULL};
  if (!seq) return AVN_OK;
  if (seq->kind != YT_SEQ) return ytree_fail(c, seq->line, "'limits' must be a list");
  p->limits = avn_calloc(seq->n ? seq->n : 1, sizeof *p->limits);
  if (!p->limits) return AVN_E_NOMEM;
  for (size_t i = 0; i < seq->n; i++) {
    const ytree *m = seq->items[i];
    avn_rc rc = ytree_need_map(c, m, "a limit");
    if (rc) return rc;
    if ((rc = ytree_check_keys(c, m, keys, NULL))) return rc;
    proto_limit *l = &p->limits[p->n_limits++];
    if ((rc = ytree_get_str(c, m, "name", true, &l->name))) return rc;
    if ((rc = ytree_get_str(c, m, "text", true, &l->text))) return rc;
    if ((rc = ytree_get_str(c, m, "form", true, &l->form))) return rc;
    if ((rc = ytree_get_str(c, m, "field", true, &l->field))) return rc;
    if ((rc = ytree_get_num(c, m, "min", &l->has_min, &l->min))) return rc;
    if ((rc = ytree_get_num(c, m, "max", &l->has_max, &l->max))) return rc;
    if ((rc = ytree_get_str(c, m, "is", false, &l->is))) return rc;
    if (!l->has_min && !l->has_max && !l->is)
      return ytree_fail(c, m->line, "limit '%s' needs min, max or is", l->name);
    const inst_def *d = inst_find(l->form);
    if (!d) return ytree_fail(c, m->line, "limit '%s' names unknown form '%s'", l->name, l->form);
    bool known = inst_item_find(d, l->field) != NULL;
    for (size_t k = 0; !known && k < inst_n_results(d); k++)
      known = !strcmp(inst_result_at(d, k)->name, l->field);
    if (!known)
      return ytree_fail(c, m->line, "limit '%s': form '%s' has no item or result '%s'", l->name,
                  l->form, l->field);
  }
  return AVN_OK;
}

/* --- entry points ------------------------------------------------------- */

avn_rc protocol_parse(const char *file, const char *text, size_t len, protocol **out, avn_err *e) {
  static const char *const top_keys[] = {
      "avn_protocol", "name", "title", "source", "unit_of_analysis", "staging", "day0",
      "screening", "eligibility", "visits", "double_entry", "procedures", "mri", "limits",
      "analysis", "forms", NULL};
  pctx c = {.file = file, .e = e};
  ytree *root = NULL;
  protocol *p = NULL;
  size_t mark = inst_registry_mark();
  char *s = NULL;
  avn_rc rc;
  *out = NULL;
  /* libyaml would stop a string at a NUL byte and carry on: refuse it. */
  const char *nul = memchr(text, '\0', len);
  if (nul) {
    int line = 1;
    for (const char *q = text; q < nul; q++) line += *q == '\n';
    rc = ytree_fail(&c, line, "a NUL byte in the text: a protocol is plain UTF-8 text");
    goto cleanup;
  }
  rc = ytree_parse(file, text, len, &root, e);
  if (rc) goto cleanup;
  rc = ytree_need_map(&c, root, "a protocol file");
  if (rc) goto cleanup;
  rc = ytree_check_keys(&c, root, top_keys, NULL);
  if (rc) goto cleanup;
  const char *ver = ytree_str(root, "avn_protocol");
  if (!ver || strcmp(ver, "1") != 0) {
    rc = ytree_fail(&c, root->line, "'avn_protocol: 1' is required (this avn reads protocol format 1)");
    goto cleanup;
  }
  p = avn_calloc(1, sizeof *p);
  if (!p) { rc = AVN_E_NOMEM; goto cleanup; }
  p->yaml = avn_strndup(text, len);
  p->file = avn_strdup(file);
  if (!p->yaml || !p->file) { rc = AVN_E_NOMEM; goto cleanup; }
  /* The study's own forms first: the visits, limits and analysis name them. */
  if ((rc = parse_forms(&c, ytree_get(root, "forms"), p))) goto cleanup;
  if ((rc = ytree_get_str(&c, root, "name", true, &p->name))) goto cleanup;
  if ((rc = ytree_get_str(&c, root, "title", true, &p->title))) goto cleanup;
  if ((rc = ytree_get_str(&c, root, "source", false, &p->source))) goto cleanup;
  if ((rc = ytree_get_str(&c, root, "unit_of_analysis", true, &s))) goto cleanup;
  if (strcmp(s, "hip") && strcmp(s, "patient")) {
    rc = ytree_fail(&c, ytree_get(root, "unit_of_analysis")->line, "unit_of_analysis must be hip or patient");
    goto cleanup;
  }
  p->per_hip = !strcmp(s, "hip");
  if ((rc = ytree_get_str(&c, root, "staging", true, &p->staging))) goto cleanup;
  if (strcmp(p->staging, "ficat") && strcmp(p->staging, "steinberg") && strcmp(p->staging, "arco")) {
    rc = ytree_fail(&c, ytree_get(root, "staging")->line, "staging must be ficat, steinberg or arco");
    goto cleanup;
  }
  const char *day0 = ytree_str(root, "day0");
  if (day0 && strcmp(day0, "enrolment")) {
    rc = ytree_fail(&c, ytree_get(root, "day0")->line, "day0 must be 'enrolment'");
    goto cleanup;
  }
  if ((rc = parse_fields(&c, ytree_get(root, "screening"), p))) goto cleanup;
  const ytree *el = ytree_get(root, "eligibility");
  if (el) {
    static const char *const ek[] = {"inclusion", "exclusion", NULL};
    if ((rc = ytree_need_map(&c, el, "'eligibility'"))) goto cleanup;
    if ((rc = ytree_check_keys(&c, el, ek, NULL))) goto cleanup;
    if ((rc = parse_criteria(&c, ytree_get(el, "inclusion"), CRIT_INCLUSION, p))) goto cleanup;
    if ((rc = parse_criteria(&c, ytree_get(el, "exclusion"), CRIT_EXCLUSION, p))) goto cleanup;
  }
  if ((rc = parse_visits(&c, ytree_get(root, "visits"), p))) goto cleanup;
  if ((rc = parse_procs(&c, ytree_get(root, "procedures"), p))) goto cleanup;
  const ytree *mri = ytree_get(root, "mri");
  if (mri) {
    char **names = NULL;
    size_t n = 0;
    rc = ytree_get_list(&c, mri, "mri", &names, &n);
    if (!rc) {
      p->mri = avn_calloc(n ? n : 1, sizeof *p->mri);
      if (!p->mri) rc = AVN_E_NOMEM;
      for (size_t i = 0; !rc && i < n; i++) {
        p->mri[i] = protocol_visit_index(p, names[i]);
        if (p->mri[i] == (size_t)-1) rc = ytree_fail(&c, mri->line, "mri names unknown visit '%s'", names[i]);
        else p->n_mri++;
      }
    }
    ytree_free_list(names, n);
    if (rc) goto cleanup;
  }
  const ytree *de = ytree_get(root, "double_entry");
  if ((rc = ytree_get_list(&c, de, "double_entry", &p->double_entry, &p->n_double_entry))) goto cleanup;
  for (size_t i = 0; i < p->n_double_entry; i++)
    if ((rc = check_form(&c, de->line, p->double_entry[i]))) goto cleanup;
  if ((rc = parse_limits(&c, ytree_get(root, "limits"), p))) goto cleanup;
  rc = sap_parse(ytree_get(root, "analysis"), p, file, &p->analysis, e);
  if (rc) goto cleanup;
  *out = p;
  p = NULL;
cleanup:
  if (rc == AVN_E_NOMEM) avn_fail(e, rc, file, NULL, "out of memory reading the protocol");
  if (rc) inst_registry_rollback(mark);
  avn_free(s);
  protocol_free(p);
  ytree_free(root);
  return rc;
}

static avn_rc read_file(const char *path, char **text, size_t *len, avn_err *e) {
  FILE *f = fopen(path, "rb");
  avn_buf b;
  avn_buf_init(&b, 4u << 20);
  if (!f) return avn_fail(e, AVN_E_IO, path, NULL, "cannot open: %s", strerror(errno));
  char chunk[8192];
  size_t n;
  avn_rc rc = AVN_OK;
  while (!rc && (n = fread(chunk, 1, sizeof chunk, f)) > 0) rc = avn_buf_append(&b, chunk, n);
  if (!rc && ferror(f)) rc = avn_fail(e, AVN_E_IO, path, NULL, "read error");
  fclose(f);
  if (rc == AVN_E_NOMEM) avn_fail(e, rc, path, NULL, "file larger than 4 MiB");
  if (rc) { avn_buf_free(&b); return rc; }
  *len = b.len;
  *text = avn_buf_take(&b);
  return *text ? AVN_OK : AVN_E_NOMEM;
}

avn_rc protocol_load(const char *name_or_path, protocol **out, avn_err *e) {
  char key[256];
  snprintf(key, sizeof key, "protocols/%s.yaml", name_or_path);
  const avn_embedded *emb = strchr(name_or_path, '/') ? NULL : avn_embedded_find(key);
  if (emb) return protocol_parse(key, emb->data, emb->len, out, e);
  FILE *probe = fopen(name_or_path, "rb");
  if (!probe) {
    return avn_fail(e, AVN_E_NOTFOUND, "protocol", name_or_path,
                    "not a shipped protocol (see 'avn protocol list') and no such file");
  }
  fclose(probe);
  char *text = NULL;
  size_t len = 0;
  avn_rc rc = read_file(name_or_path, &text, &len, e);
  if (rc) return rc;
  rc = protocol_parse(name_or_path, text, len, out, e);
  avn_free(text);
  return rc;
}

void protocol_free(protocol *p) {
  if (!p) return;
  avn_free(p->name); avn_free(p->title); avn_free(p->source); avn_free(p->staging);
  for (size_t i = 0; i < p->n_fields; i++) {
    proto_field *f = &p->fields[i];
    avn_free(f->name); avn_free(f->label); avn_free(f->unit);
    ytree_free_list(f->codes, f->n_codes);
  }
  avn_free(p->fields);
  for (size_t i = 0; i < p->n_criteria; i++) {
    proto_criterion *c = &p->criteria[i];
    avn_free(c->name); avn_free(c->text); avn_free(c->is);
    ytree_free_list(c->in, c->n_in);
  }
  avn_free(p->criteria);
  for (size_t i = 0; i < p->n_visits; i++) {
    avn_free(p->visits[i].name); avn_free(p->visits[i].label);
    ytree_free_list(p->visits[i].forms, p->visits[i].n_forms);
  }
  avn_free(p->visits);
  for (size_t i = 0; i < p->n_procs; i++) { avn_free(p->procs[i].name); avn_free(p->procs[i].label); }
  avn_free(p->procs);
  avn_free(p->mri);
  ytree_free_list(p->double_entry, p->n_double_entry);
  for (size_t i = 0; i < p->n_limits; i++) {
    proto_limit *l = &p->limits[i];
    avn_free(l->name); avn_free(l->text); avn_free(l->form); avn_free(l->field); avn_free(l->is);
  }
  avn_free(p->limits);
  ytree_free_list(p->forms, p->n_forms);
  sap_free(p->analysis);
  avn_free(p->yaml);
  avn_free(p->file);
  avn_free(p);
}

size_t protocol_visit_index(const protocol *p, const char *name) {
  for (size_t i = 0; i < p->n_visits; i++)
    if (p->visits[i].name && !strcmp(p->visits[i].name, name)) return i;
  return (size_t)-1;
}

const proto_visit *protocol_find_visit(const protocol *p, const char *name) {
  size_t i = protocol_visit_index(p, name);
  return i == (size_t)-1 ? NULL : &p->visits[i];
}

const proto_field *protocol_find_field(const protocol *p, const char *name) {
  for (size_t i = 0; i < p->n_fields; i++)
    if (!strcmp(p->fields[i].name, name)) return &p->fields[i];
  return NULL;
}

bool protocol_double_entry(const protocol *p, const char *form) {
  for (size_t i = 0; i < p->n_double_entry; i++)
    if (!strcmp(p->double_entry[i], form)) return true;
  return false;
}

bool protocol_visit_has_form(const proto_visit *v, const char *form) {
  for (size_t i = 0; i < v->n_forms; i++)
    if (!strcmp(v->forms[i], form)) return true;
  return false;
}
