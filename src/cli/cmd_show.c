/*
** cmd_show.c: `avn show STUDY.db PATIENT [--json]`.
*/
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

const char cmd_show_usage[] =
    "usage: avn show STUDY.db PATIENT [--today YYYY-MM-DD] [--json]\n\n"
    "One patient: sex, enrolment, study hips and stages, the schedule with each\n"
    "event's status, and every form entered with its values and the scores the\n"
    "program computes from them (scores are never typed), then the forms voided as\n"
    "entered in error, with the reason. Direct identifiers (name, phone) are not\n"
    "shown.\n";

static int void_json(void *ctx, const store_void_form *f) {
  json_t *j = json_object();
  json_object_set_new(j, "visit", json_string(f->visit));
  json_object_set_new(j, "form", json_string(f->form));
  json_object_set_new(j, "hip", f->side ? json_string(side_name(f->side)) : json_null());
  json_object_set_new(j, "instance", json_string(f->instance));
  json_object_set_new(j, "entry", json_integer(f->entry));
  json_object_set_new(j, "reason", json_string(f->reason));
  json_array_append_new(ctx, j);
  return 0;
}

/* "VISIT FORM[ HIP][ instance I] entry N" of a form's JSON ("-": no visit). */
static const char *form_label(json_t *j, char *out, size_t n) {
  const char *hip = json_string_value(json_object_get(j, "hip")), *visit = json_string_value(json_object_get(j, "visit")),
             *inst = json_string_value(json_object_get(j, "instance"));
  snprintf(out, n, "%s %s%s%s%s%s entry %lld", visit && *visit ? visit : "-",
           json_string_value(json_object_get(j, "form")), hip ? " " : "", hip ? hip : "",
           inst && *inst ? " instance " : "", inst ? inst : "", (long long)json_integer_value(json_object_get(j, "entry")));
  return out;
}

static json_t *scores_json(const store_form *f) {
  inst_response resp = {f->values, f->n_values};
  inst_scores sc;
  avn_err e;
  json_t *o = json_object();
  if (!f->def || inst_score(f->def, &resp, NULL, 0, &sc, &e) != AVN_OK) return o;
  for (size_t i = 0; i < sc.n; i++) {
    const inst_result *r = &sc.r[i];
    json_object_set_new(o, r->name, r->missing ? json_null() : r->text ? json_string(r->text) : json_real(r->num));
  }
  return o;
}

int cmd_show(int argc, char **argv) {
  const char *pos[2] = {NULL};
  avn_date today = avn_date_today();
  bool json = false;
  avn_err e;
  avn_err_clear(&e);
  const cli_option opts[] = {
      {"--today", CLI_DATE, &today, NULL, NULL, NULL},
      {"--json", CLI_FLAG, &json, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("show", argc, argv, opts, pos, 2, 2, "STUDY.db PATIENT", NULL, NULL);
  if (r) return r;
  const char *db = pos[0], *patient = pos[1];
  store *s = NULL;
  store_study *st = NULL;
  avn_rc rc = cli_open_read(db, &s, &e);
  if (!rc) rc = store_load(s, patient, &st, &e);
  if (rc) goto cleanup;
  const store_patient *p = &st->patients[0];
  char d1[11], d2[11];
  json_t *o = json_object(), *hips = json_array(), *events = json_array(), *forms = json_array();
  json_object_set_new(o, "patient", json_string(p->code));
  json_object_set_new(o, "site", json_string(p->site));
  json_object_set_new(o, "sex", json_string(p->sex));
  /* The birth date identifies: only for the roles that may see contact
  ** details (store_permit "contact"; a study without users: everyone). */
  avn_err pe;
  avn_err_clear(&pe);
  bool see_birth = p->has_birth && store_permit(s, "contact", p->code, &pe) == AVN_OK;
  json_object_set_new(o, "birth", see_birth ? json_string(avn_date_format(p->birth, d1)) : json_null());
  json_object_set_new(o, "enrolled", json_string(avn_date_format(p->enrolled, d2)));
  json_object_set_new(o, "status", json_string(p->status));
  json_object_set_new(o, "screening", json_string(p->screening));
  json_object_set_new(o, "withdrawn", p->withdrawn ? json_string(avn_date_format(p->withdrawn_on, d1)) : json_null());
  json_object_set_new(o, "withdraw_reason", p->withdraw_reason ? json_string(p->withdraw_reason) : json_null());
  for (int side = SIDE_LEFT; side <= SIDE_RIGHT; side++) {
    if (!p->hip[side]) continue;
    json_t *h = json_object();
    json_object_set_new(h, "side", json_string(side_name(side)));
    json_object_set_new(h, "stage", p->hip_stage[side] ? json_string(p->hip_stage[side]) : json_null());
    json_array_append_new(hips, h);
  }
  for (size_t i = 0; i < st->n_events; i++) {
    const store_event *ev = &st->events[i];
    json_t *j = json_object();
    json_object_set_new(j, "kind", json_string(ev->kind));
    json_object_set_new(j, "name", json_string(ev->name));
    json_object_set_new(j, "hip", ev->side ? json_string(side_name(ev->side)) : json_null());
    json_object_set_new(j, "planned", json_string(avn_date_format(ev->planned, d1)));
    json_object_set_new(j, "earliest", json_string(avn_date_format(ev->earliest, d1)));
    json_object_set_new(j, "latest", json_string(avn_date_format(ev->latest, d1)));
    json_object_set_new(j, "actual", ev->has_actual ? json_string(avn_date_format(ev->actual, d2)) : json_null());
    json_object_set_new(j, "status", json_string(store_event_status(st, ev, today)));
    json_array_append_new(events, j);
  }
  for (size_t i = 0; i < st->n_forms; i++) {
    const store_form *f = &st->forms[i];
    json_t *j = json_object(), *vals = json_object();
    json_object_set_new(j, "visit", json_string(f->visit));
    json_object_set_new(j, "form", json_string(f->instrument));
    json_object_set_new(j, "hip", f->side ? json_string(side_name(f->side)) : json_null());
    json_object_set_new(j, "instance", json_string(f->instance));   /* "" for a form's one instance */
    json_object_set_new(j, "entry", json_integer(f->entry));
    json_object_set_new(j, "status", json_string(f->status));
    if (f->unscheduled) json_object_set_new(j, "unscheduled", json_true());
    for (size_t k = 0; k < f->n_values; k++) json_object_set_new(vals, f->values[k].item, json_string(f->values[k].text));
    json_object_set_new(j, "values", vals);
    json_object_set_new(j, "scores", scores_json(f));
    json_array_append_new(forms, j);
  }
  json_object_set_new(o, "hips", hips);
  json_object_set_new(o, "schedule", events);
  json_object_set_new(o, "forms", forms);
  json_t *voids = json_array();
  json_object_set_new(o, "void_forms", voids);
  rc = store_each_void(s, patient, void_json, voids, &e);
  if (rc) {
    json_decref(o);
    goto cleanup;
  }
  if (json) {
    cli_print_json(o);
    goto cleanup;
  }
  printf("patient %s  (%s, site %s, enrolled %s, %s)\n", p->code, p->sex, p->site, avn_date_format(p->enrolled, d1), p->status);
  if (p->withdrawn)
    printf("  withdrawn %s: %s\n", avn_date_format(p->withdrawn_on, d1), p->withdraw_reason ? p->withdraw_reason : "");
  for (int side = SIDE_LEFT; side <= SIDE_RIGHT; side++)
    if (p->hip[side]) printf("  %s hip: stage %s\n", side_name(side), p->hip_stage[side] ? p->hip_stage[side] : "?");
  printf("schedule:   %-12s %-6s %-10s  %-23s  %-10s  %s\n", "", "", "planned", "window", "actual", "status");
  for (size_t i = 0; i < st->n_events; i++) {
    const store_event *ev = &st->events[i];
    char w1[11], w2[11];
    printf("  %-10s %-12s %-6s %s  %s..%s  %-10s  %s\n", ev->kind, ev->name, ev->side ? side_name(ev->side) : "",
           avn_date_format(ev->planned, d1), avn_date_format(ev->earliest, w1), avn_date_format(ev->latest, w2),
           ev->has_actual ? avn_date_format(ev->actual, d2) : "-", store_event_status(st, ev, today));
  }
  printf("forms:\n");
  for (size_t i = 0; i < json_array_size(forms); i++) {
    json_t *j = json_array_get(forms, i);
    char label[512];
    printf("  %s (%s%s)\n", form_label(j, label, sizeof label), json_string_value(json_object_get(j, "status")),
           json_object_get(j, "unscheduled") ? ", unscheduled" : "");
    const char *key;
    json_t *val;
    printf("    values:");
    json_object_foreach(json_object_get(j, "values"), key, val) printf(" %s=%s", key, json_string_value(val));
    printf("\n");
    if (json_object_size(json_object_get(j, "scores"))) {
      printf("    scores:");
      json_object_foreach(json_object_get(j, "scores"), key, val) {
        if (json_is_real(val)) printf(" %s=%.1f", key, json_real_value(val));
        else if (json_is_string(val)) printf(" %s=%s", key, json_string_value(val));
        else printf(" %s=NA", key);
      }
      printf("\n");
    }
  }
  if (json_array_size(voids)) printf("void forms (entered in error; kept, left out):\n");
  for (size_t i = 0; i < json_array_size(voids); i++) {
    json_t *j = json_array_get(voids, i);
    char label[512];
    printf("  %s: %s\n", form_label(j, label, sizeof label), json_string_value(json_object_get(j, "reason")));
  }
  json_decref(o);
cleanup:
  store_study_free(st);
  store_close(s);
  inst_registry_free();
  return rc ? cli_error("show", &e) : 0;
}
