/*
** web_page_form.c: a case report form generated from its instrument
** definition (items, labels, units, ranges, codes, required marks), saved
** through store_enter exactly as `avn enter` saves it, and the live score
** endpoint its script calls (inst_score on what has been typed so far).
**
** A refused save shows the store's message, formatted as the command line
** formats it (avn_err_format), above the form, and the form keeps every
** value as typed. An entry shows only its own values: the second entry of a
** double-entered form is looked up by its own entry number and never sees
** the first.
*/
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "web/web_int.h"

const char *web_value_text(const inst_item *it, const inst_value *v, char *out, size_t n) {
  out[0] = '\0';
  if (!v || v->missing) return out;
  switch (it->type) {
    case INST_CODE:
    case INST_TEXT: snprintf(out, n, "%s", v->text ? v->text : ""); break;
    case INST_BOOL: snprintf(out, n, "%s", v->num != 0 ? "yes" : "no"); break;
    case INST_DATE: {
      char d[11];
      snprintf(out, n, "%s", avn_date_format((avn_date)v->num, d));
      break;
    }
    case INST_TIME: snprintf(out, n, "%02d:%02d", (int)v->num / 60, (int)v->num % 60); break;
    case INST_INT: snprintf(out, n, "%.0f", v->num); break;
    case INST_REAL: snprintf(out, n, "%.15g", v->num); break;
  }
  return out;
}

static const char *result_label(const inst_def *d, const char *name) {
  for (size_t i = 0; i < inst_n_results(d); i++)
    if (strcmp(inst_result_at(d, i)->name, name) == 0)
      return inst_result_at(d, i)->label ? inst_result_at(d, i)->label : name;
  return name;
}

void web_scores(web_resp *r, const inst_def *d, const inst_value *values, size_t n) {
  inst_scores sc;
  inst_response resp = {values, n};
  int shown = 0;
  if (inst_score(d, &resp, NULL, 0, &sc, NULL)) return;
  for (size_t i = 0; i < sc.n; i++) {
    if (sc.r[i].missing) continue;
    web_raw(r, "%s<span class=\"result\">", shown++ ? " · " : "");
    web_text(r, result_label(d, sc.r[i].name));
    web_raw(r, " <b>");
    if (sc.r[i].text) {
      web_text(r, sc.r[i].text);
    } else {
      web_raw(r, "%.6g", sc.r[i].num);
    }
    web_raw(r, "</b></span>");
  }
}

/* What the request names: the patient, visit, form, hip and entry, and the
** instance (a repeating form's number, a read's reader; NULL or "": for a
** repeating form, a new instance). */
typedef struct form_target {
  const char *patient, *visit;
  const inst_def *def;
  int side, entry;
  const char *instance;
} form_target;

static bool read_target(web_req *q, web_resp *r, form_target *t) {
  const char *form = web_arg(q, "form"), *hip = web_arg(q, "hip"), *entry = web_arg(q, "entry");
  t->patient = web_arg(q, "patient");
  t->visit = web_arg(q, "visit");
  t->instance = web_arg(q, "instance");
  if (t->instance && !t->instance[0]) t->instance = NULL;
  t->def = form ? inst_find(form) : NULL;
  t->side = !hip || !hip[0] ? SIDE_PATIENT : strcmp(hip, "left") == 0 ? SIDE_LEFT : strcmp(hip, "right") == 0 ? SIDE_RIGHT : -1;
  t->entry = !entry || strcmp(entry, "1") == 0 ? 1 : strcmp(entry, "2") == 0 ? 2 : 0;
  if (!t->patient || !t->visit || !t->def || t->side < 0 || !t->entry) {
    web_error_page(r, q, 400, "A form needs patient, visit, a known form, hip left|right (per-hip forms) and entry 1|2.");
    return false;
  }
  return true;
}

void web_hidden(web_resp *r, const char *name, const char *value) {
  web_raw(r, "<input type=\"hidden\" name=\"%s\" value=\"", name);
  web_text(r, value);
  web_raw(r, "\">");
}

/* One item's control, holding `value` (as typed or as stored). */
void web_item_control(web_resp *r, const inst_item *it, const char *value) { web_item_control_as(r, it, "", value); }

void web_item_control_as(web_resp *r, const inst_item *it, const char *prefix, const char *value) {
  char name[256];
  snprintf(name, sizeof name, "%s%s", prefix, it->name);
  web_raw(r, "<div class=\"item\" id=\"item-");
  web_text(r, name);
  web_raw(r, "\"><label class=\"q\" for=\"f-");
  web_text(r, name);
  web_raw(r, "\">");
  web_text(r, r->rtl && it->label_ar ? it->label_ar : it->label ? it->label : name);
  if (it->required) web_raw(r, " <span class=\"req\" title=\"required\">*</span>");
  web_raw(r, "</label>");
  if (it->type == INST_CODE || it->type == INST_BOOL) {
    static const inst_code yesno[] = {{"yes", "Yes", 1, NULL}, {"no", "No", 0, NULL}};
    const inst_code *codes = it->type == INST_BOOL ? yesno : it->codes;
    size_t n = it->type == INST_BOOL ? 2 : it->n_codes;
    bool radios = n <= 8;
    if (!radios) {
      web_raw(r, "<select id=\"f-");
      web_text(r, name);
      web_raw(r, "\" name=\"");
      web_text(r, name);
      web_raw(r, "\"><option value=\"\"></option>");
    } else {
      web_raw(r, "<div class=\"choices\" id=\"f-");
      web_text(r, name);
      web_raw(r, "\">");
    }
    for (size_t c = 0; c < n; c++) {
      bool on = value && strcmp(value, codes[c].name) == 0;
      if (radios) {
        web_raw(r, "<label class=\"choice\"><input type=\"radio\" name=\"");
        web_text(r, name);
        web_raw(r, "\" value=\"");
        web_text(r, codes[c].name);
        web_raw(r, "\"%s> ", on ? " checked" : "");
        web_text(r, r->rtl && codes[c].label_ar ? codes[c].label_ar : codes[c].label ? codes[c].label : codes[c].name);
        web_raw(r, "</label>");
      } else {
        web_raw(r, "<option value=\"");
        web_text(r, codes[c].name);
        web_raw(r, "\"%s>", on ? " selected" : "");
        web_text(r, r->rtl && codes[c].label_ar ? codes[c].label_ar : codes[c].label ? codes[c].label : codes[c].name);
        web_raw(r, "</option>");
      }
    }
    web_raw(r, radios ? "</div>" : "</select>");
  } else {
    const char *type = it->type == INST_DATE ? "date" : it->type == INST_TIME ? "time" : "text";
    const char *mode = it->type == INST_INT ? "numeric" : it->type == INST_REAL ? "decimal" : "text";
    web_raw(r, "<input id=\"f-");
    web_text(r, name);
    web_raw(r, "\" name=\"");
    web_text(r, name);
    web_raw(r, "\" type=\"%s\" inputmode=\"%s\" value=\"", type, mode);
    web_text(r, value);
    web_raw(r, "\">");
    if (it->unit && it->unit[0]) {
      web_raw(r, " <span class=\"unit\">");
      web_text(r, it->unit);
      web_raw(r, "</span>");
    }
    if ((it->type == INST_INT || it->type == INST_REAL) && it->min <= it->max)
      web_raw(r, " <span class=\"range\">%g – %g</span>", it->min, it->max);
  }
  web_raw(r, "</div>");
}

static void render_form(web_req *q, web_resp *r, const form_target *t, const store_form *stored, const char *error) {
  const inst_def *d = t->def;
  char buf[512];
  web_page_begin(r, q, inst_title(d));
  web_raw(r, "<p><a href=\"/patient/");
  web_url(r, t->patient);
  web_raw(r, "\">← ");
  web_text(r, t->patient);
  web_raw(r, "</a></p><h1>");
  web_text(r, inst_title(d));
  web_raw(r, "</h1><p class=\"target\">");
  web_text(r, t->visit);
  web_raw(r, "%s%s", t->side ? " · hip " : "", t->side ? side_name(t->side) : "");
  if (t->instance) {
    web_raw(r, " · instance ");
    web_text(r, t->instance);
  } else if (inst_repeats(d)) {
    web_raw(r, " · a new instance");
  }
  web_raw(r, " · entry %d%s</p>", t->entry, stored || q->post ? "" : " · not entered yet");
  if (error) {
    web_raw(r, "<p class=\"error\" role=\"alert\">");
    web_text(r, error);
    web_raw(r, "</p>");
  }
  web_raw(r, "<form method=\"post\" action=\"/form\" id=\"crf\" data-form=\"");
  web_text(r, inst_name(d));
  web_raw(r, "\">");
  web_csrf_field(r, q);
  web_hidden(r, "patient", t->patient);
  web_hidden(r, "visit", t->visit);
  web_hidden(r, "form", inst_name(d));
  web_hidden(r, "hip", t->side ? side_name(t->side) : "");
  snprintf(buf, sizeof buf, "%d", t->entry);
  web_hidden(r, "entry", buf);
  if (t->instance) web_hidden(r, "instance", t->instance);
  /* The version this page shows: the save names it, so a save by someone
  ** else in between is a conflict, not an overwrite (store_enter). */
  int64_t version = 0;
  avn_err ve;
  avn_err_clear(&ve);
  if (q->post && web_arg(q, "version"))
    snprintf(buf, sizeof buf, "%s", web_arg(q, "version"));
  else if (store_form_version(q->app->s, t->patient, t->visit, inst_name(d), t->side, t->instance,
                                   t->entry, &version, &ve) == AVN_OK)
    snprintf(buf, sizeof buf, "%lld", (long long)version);
  else
    buf[0] = '\0';
  if (buf[0]) web_hidden(r, "version", buf);
  web_raw(r, "<div class=\"item\"><label class=\"q\" for=\"f-date\">Visit date</label>"
             "<input id=\"f-date\" name=\"date\" type=\"date\" value=\"");
  web_text(r, q->post ? web_arg(q, "date") : "");
  web_raw(r, "\"></div>");
  for (size_t i = 0; i < inst_n_items(d); i++) {
    const inst_item *it = inst_item_at(d, i);
    if (it->alias_of) continue;   /* an alternative spelling for the command line (vas pain_cm) */
    const char *value = NULL;
    if (q->post) {
      value = web_arg(q, it->name);
    } else if (stored) {
      for (size_t k = 0; k < stored->n_values; k++)
        if (strcmp(stored->values[k].item, it->name) == 0) value = web_value_text(it, &stored->values[k], buf, sizeof buf);
    }
    web_item_control(r, it, value);
  }
  web_raw(r, "<div class=\"score\" id=\"score\" aria-live=\"polite\">");
  if (stored) web_scores(r, d, stored->values, stored->n_values);
  web_raw(r, "</div><div class=\"item\"><label class=\"q\" for=\"f-reason\">Reason for a change</label>"
             "<input id=\"f-reason\" name=\"reason\" type=\"text\" value=\"");
  web_text(r, q->post ? web_arg(q, "reason") : "");
  web_raw(r, "\"></div><p><button type=\"submit\" id=\"save\">Save</button></p></form>");
  web_page_end(r);
}

/* The posted item fields as "item=value" (empty fields are not sent). */
static char **posted_kv(const web_req *q, const inst_def *d, size_t *n) {
  char **kv = avn_calloc(inst_n_items(d) + 1, sizeof *kv);
  *n = 0;
  for (size_t i = 0; kv && i < inst_n_items(d); i++) {
    const char *name = inst_item_at(d, i)->name, *v = web_arg(q, name);
    if (!v || !v[0]) continue;
    avn_buf b;
    avn_buf_init(&b, WEB_MAX_BODY);
    if (avn_buf_printf(&b, "%s=%s", name, v)) {
      avn_buf_free(&b);
      continue;
    }
    kv[(*n)++] = avn_buf_take(&b);
  }
  return kv;
}

static void free_kv(char **kv, size_t n) {
  for (size_t i = 0; kv && i < n; i++) avn_free(kv[i]);
  avn_free(kv);
}

void web_page_form(web_req *q, web_resp *r) {
  form_target t;
  store_study *st = NULL;
  char **kv = NULL;
  size_t n_kv = 0;
  char msg[1024];
  avn_err e;
  avn_err_clear(&e);
  if (!read_target(q, r, &t)) return;
  if (q->post) {
    store_enter_req req = {.patient = t.patient, .visit = t.visit, .form = inst_name(t.def), .side = t.side,
                           .entry = t.entry, .user = q->who.user, .instance = t.instance,
                           .new_instance = inst_repeats(t.def) && !t.instance};
    store_enter_result res;
    const char *date = web_arg(q, "date"), *reason = web_arg(q, "reason");
    avn_rc rc = AVN_OK;
    if (date && date[0]) {
      rc = avn_date_check("date", date, &req.date, &e);
      req.has_date = !rc;
    }
    if (reason && reason[0]) req.reason = reason;
    const char *version = web_arg(q, "version");
    if (!rc && version && version[0]) {
      char *end = NULL;
      req.if_version = strtoll(version, &end, 10);
      req.has_if_version = true;
      if (*end || req.if_version < 0)
        rc = avn_fail(&e, AVN_E_PARSE, "version", version, "must be the form version the page was read at");
    }
    kv = posted_kv(q, t.def, &n_kv);
    if (!kv) rc = avn_fail(&e, AVN_E_NOMEM, NULL, NULL, "out of memory");
    req.kv = kv;
    req.n_kv = n_kv;
    if (!rc) rc = store_enter(q->app->s, &req, &res, &e);
    if (!rc) {
      web_redirect_patient(r, t.patient);
      goto cleanup;
    }
    r->status = 422;
    render_form(q, r, &t, NULL, avn_err_format(&e, msg, sizeof msg));
    goto cleanup;
  }
  if (store_permit(q->app->s, "read", t.patient, &e) || store_load(q->app->s, t.patient, &st, &e)) {
    web_error_page(r, q, e.rc == AVN_E_NOTFOUND ? 404 : e.rc == AVN_E_STATE ? 403 : 500,
                   avn_err_format(&e, msg, sizeof msg));
    goto cleanup;
  }
  const store_form *f = NULL;
  if (t.instance && inst_repeats(t.def)) {   /* a log instance is named by its number, whatever its visit */
    for (size_t i = 0; i < st->n_forms && !f; i++)
      if (st->forms[i].def == t.def && st->forms[i].side == t.side && st->forms[i].entry == t.entry &&
          !strcmp(st->forms[i].instance, t.instance))
        f = &st->forms[i];
  } else if (t.instance) {
    f = store_find_instance(st, 0, t.visit, inst_name(t.def), t.side, t.instance, t.entry);
  } else if (!inst_repeats(t.def)) {   /* a log without an instance: a blank form for a new one */
    f = store_find_form(st, 0, t.visit, inst_name(t.def), t.side, t.entry);
  }
  render_form(q, r, &t, f, NULL);
cleanup:
  free_kv(kv, n_kv);
  store_study_free(st);
}

void web_api_score(web_req *q, web_resp *r) {
  const inst_def *d = inst_find(q->rest);
  json_t *out = json_object(), *results = json_array(), *errors = json_object();
  inst_value *values = NULL;
  size_t n = 0;
  char msg[1024];
  avn_err e;
  avn_err_clear(&e);
  r->ctype = "application/json";
  if (!d) {
    r->status = 404;
    json_object_set_new(errors, "form", json_string("no such form"));
    goto done;
  }
  values = avn_calloc(inst_n_items(d) + 1, sizeof *values);
  for (size_t i = 0; values && i < inst_n_items(d); i++) {
    const char *name = inst_item_at(d, i)->name, *v = web_arg(q, name);
    if (!v || !v[0]) continue;
    if (inst_parse_value(d, name, v, &values[n], &e)) {
      json_object_set_new(errors, name, json_string(avn_err_format(&e, msg, sizeof msg)));
      continue;
    }
    n++;
  }
  inst_scores sc;
  inst_response resp = {values, n};
  if (!values || inst_score(d, &resp, NULL, 0, &sc, &e)) {
    json_object_set_new(errors, "score", json_string(values ? avn_err_format(&e, msg, sizeof msg) : "out of memory"));
    goto done;
  }
  for (size_t i = 0; i < sc.n; i++) {
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(sc.r[i].name));
    json_object_set_new(o, "label", json_string(result_label(d, sc.r[i].name)));
    json_object_set_new(o, "missing", json_boolean(sc.r[i].missing));
    if (!sc.r[i].missing && sc.r[i].text) json_object_set_new(o, "text", json_string(sc.r[i].text));
    if (!sc.r[i].missing && isfinite(sc.r[i].num)) json_object_set_new(o, "value", json_real(sc.r[i].num));
    json_array_append_new(results, o);
  }
done:
  json_object_set_new(out, "results", results);
  json_object_set_new(out, "errors", errors);
  char *text = json_dumps(out, JSON_COMPACT | JSON_REAL_PRECISION(10));
  if (text) avn_buf_puts(&r->body, text);
  free(text);
  json_decref(out);
  avn_free(values);
}
