/*
** cmd_protocol.c: `avn protocol list|show NAME|FILE|amend STUDY.db FILE`.
*/
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/embedded.h"
#include "protocol/protocol.h"
#include "protocol/schedule.h"
#include "store/store.h"

const char cmd_protocol_usage[] =
    "usage: avn protocol list\n"
    "       avn protocol show NAME|FILE [--json]\n"
    "       avn protocol amend STUDY.db NEW.yaml --reason TEXT [--user NAME]\n\n"
    "list: the protocols shipped inside avn (use their NAME with avn init).\n"
    "show: the protocol's eligibility criteria, visits, forms (the study's own\n"
    "      forms marked), procedures, MRI schedule and limits, after validation.\n"
    "amend: makes NEW.yaml (same protocol name) the study's protocol, as its next\n"
    "      version, kept with the earlier ones and audited with the reason. Refused\n"
    "      (exit 1, nothing written) when it would orphan recorded data: a visit,\n"
    "      form or item with values, a recorded value a narrowed code list or range\n"
    "      no longer allows, a screening field in use. A schedule that moves (a\n"
    "      visit's day or window, a visit, procedure or MRI added or dropped)\n"
    "      re-plans every enrolled patient's planned dates and windows, audited\n"
    "      (replan); recorded visit dates stay, and one now outside its window is an\n"
    "      out_of_window finding of avn check, not a refusal.\n";

static void offset_json(json_t *o, const char *key, proto_offset off) {
  char b[32];
  proto_offset_format(off, b, sizeof b);
  json_object_set_new(o, key, json_string(b));
}

static json_t *str_array(char **a, size_t n) {
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) json_array_append_new(arr, json_string(a[i]));
  return arr;
}

static void print_json(const protocol *p) {
  json_t *o = json_object(), *fields = json_array(), *crit = json_array(), *visits = json_array();
  json_t *procs = json_array(), *mri = json_array(), *limits = json_array();
  json_object_set_new(o, "name", json_string(p->name));
  json_object_set_new(o, "title", json_string(p->title));
  json_object_set_new(o, "source", p->source ? json_string(p->source) : json_null());
  json_object_set_new(o, "unit_of_analysis", json_string(p->per_hip ? "hip" : "patient"));
  json_object_set_new(o, "staging", json_string(p->staging));
  for (size_t i = 0; i < p->n_fields; i++) {
    const proto_field *f = &p->fields[i];
    json_t *j = json_object();
    json_object_set_new(j, "name", json_string(f->name));
    json_object_set_new(j, "label", f->label ? json_string(f->label) : json_null());
    json_object_set_new(j, "per_hip", json_boolean(f->per_hip));
    json_object_set_new(j, "type", json_string(inst_type_name(f->type)));
    json_object_set_new(j, "unit", f->unit && *f->unit ? json_string(f->unit) : json_null());
    json_object_set_new(j, "min", f->has_range ? json_real(f->min) : json_null());
    json_object_set_new(j, "max", f->has_range ? json_real(f->max) : json_null());
    if (f->n_codes) json_object_set_new(j, "codes", str_array(f->codes, f->n_codes));
    json_array_append_new(fields, j);
  }
  for (size_t i = 0; i < p->n_criteria; i++) {
    json_t *j = json_object();
    json_object_set_new(j, "name", json_string(p->criteria[i].name));
    json_object_set_new(j, "kind", json_string(p->criteria[i].kind == CRIT_INCLUSION ? "inclusion" : "exclusion"));
    json_object_set_new(j, "text", json_string(p->criteria[i].text));
    json_object_set_new(j, "field", json_string(p->fields[p->criteria[i].field].name));
    json_array_append_new(crit, j);
  }
  for (size_t i = 0; i < p->n_visits; i++) {
    const proto_visit *v = &p->visits[i];
    json_t *j = json_object();
    json_object_set_new(j, "name", json_string(v->name));
    json_object_set_new(j, "label", json_string(v->label ? v->label : v->name));
    offset_json(j, "at", v->at);
    offset_json(j, "before", v->before);
    offset_json(j, "after", v->after);
    json_object_set_new(j, "forms", str_array(v->forms, v->n_forms));
    json_array_append_new(visits, j);
  }
  for (size_t i = 0; i < p->n_procs; i++) {
    json_t *j = json_object();
    json_object_set_new(j, "name", json_string(p->procs[i].name));
    offset_json(j, "at", p->procs[i].at);
    json_object_set_new(j, "visit", json_string(p->visits[p->procs[i].visit].name));
    json_array_append_new(procs, j);
  }
  for (size_t i = 0; i < p->n_mri; i++) json_array_append_new(mri, json_string(p->visits[p->mri[i]].name));
  for (size_t i = 0; i < p->n_limits; i++) {
    const proto_limit *l = &p->limits[i];
    json_t *j = json_object();
    json_object_set_new(j, "name", json_string(l->name));
    json_object_set_new(j, "text", json_string(l->text));
    json_object_set_new(j, "form", json_string(l->form));
    json_object_set_new(j, "field", json_string(l->field));
    if (l->has_min) json_object_set_new(j, "min", json_real(l->min));
    if (l->has_max) json_object_set_new(j, "max", json_real(l->max));
    if (l->is) json_object_set_new(j, "is", json_string(l->is));
    json_array_append_new(limits, j);
  }
  json_object_set_new(o, "screening", fields);
  json_object_set_new(o, "criteria", crit);
  json_object_set_new(o, "visits", visits);
  json_object_set_new(o, "double_entry", str_array(p->double_entry, p->n_double_entry));
  json_object_set_new(o, "procedures", procs);
  json_object_set_new(o, "mri", mri);
  json_object_set_new(o, "limits", limits);
  json_t *forms = json_array();
  for (size_t i = 0; i < p->n_forms; i++) {
    const inst_def *d = inst_find(p->forms[i]);
    json_t *j = json_object();
    json_object_set_new(j, "name", json_string(p->forms[i]));
    json_object_set_new(j, "title", json_string(d ? inst_title(d) : ""));
    json_object_set_new(j, "items", json_integer(d ? (json_int_t)inst_n_items(d) : 0));
    json_object_set_new(j, "results", json_integer(d ? (json_int_t)inst_n_results(d) : 0));
    json_array_append_new(forms, j);
  }
  json_object_set_new(o, "forms", forms);   /* the study's own form definitions */
  cli_print_json(o);
}

static void print_text(const protocol *p) {
  char a[32], b[32], c[32];
  printf("%s: %s\n", p->name, p->title);
  if (p->source) printf("source: %s\n", p->source);
  printf("unit of analysis: %s; staging: %s\n\n", p->per_hip ? "hip" : "patient", p->staging);
  if (p->n_forms) {
    printf("the study's own forms (defined in this protocol):\n");
    for (size_t i = 0; i < p->n_forms; i++) {
      const inst_def *d = inst_find(p->forms[i]);
      printf("  %-16s %s [%zu items, %zu results]\n", p->forms[i], d ? inst_title(d) : "",
             d ? inst_n_items(d) : 0, d ? inst_n_results(d) : 0);
    }
    printf("\n");
  }
  printf("screening fields (field=value; per-hip fields as field.left= / field.right=):\n");
  for (size_t i = 0; i < p->n_fields; i++) {
    const proto_field *f = &p->fields[i];
    /* Type, range and unit beside the label: platelets=250 in x10^3/uL where
    ** the protocol counts per uL screens out, and the user must see why. */
    char kind[96];
    if (f->has_range)
      snprintf(kind, sizeof kind, "%s %.10g-%.10g%s%s", inst_type_name(f->type), f->min, f->max,
               f->unit && *f->unit ? " " : "", f->unit ? f->unit : "");
    else
      snprintf(kind, sizeof kind, "%s%s%s", inst_type_name(f->type), f->unit && *f->unit ? ", " : "", f->unit ? f->unit : "");
    printf("  %-24s %s [%s]%s", f->name, f->label ? f->label : "", kind, f->per_hip ? " [per hip]" : "");
    for (size_t k = 0; k < f->n_codes; k++) printf("%s%s", k ? "|" : " (", f->codes[k]);
    printf("%s\n", f->n_codes ? ")" : "");
  }
  printf("\ninclusion criteria:\n");
  for (size_t i = 0; i < p->n_criteria; i++)
    if (p->criteria[i].kind == CRIT_INCLUSION) printf("  %-24s %s\n", p->criteria[i].name, p->criteria[i].text);
  printf("exclusion criteria:\n");
  for (size_t i = 0; i < p->n_criteria; i++)
    if (p->criteria[i].kind == CRIT_EXCLUSION) printf("  %-24s %s\n", p->criteria[i].name, p->criteria[i].text);
  printf("\nvisits (offset from day 0, window -before/+after):\n");
  for (size_t i = 0; i < p->n_visits; i++) {
    const proto_visit *v = &p->visits[i];
    proto_offset_format(v->at, a, sizeof a);
    proto_offset_format(v->before, b, sizeof b);
    proto_offset_format(v->after, c, sizeof c);
    printf("  %-9s %-10s -%s/+%s:", v->name, a, b, c);
    for (size_t k = 0; k < v->n_forms; k++)
      printf(" %s%s", v->forms[k], protocol_double_entry(p, v->forms[k]) ? "(x2)" : "");
    printf("\n");
  }
  printf("\nprocedures:\n");
  for (size_t i = 0; i < p->n_procs; i++) {
    proto_offset_format(p->procs[i].at, a, sizeof a);
    printf("  %-12s at %s (visit %s)%s\n", p->procs[i].name, a, p->visits[p->procs[i].visit].name,
           p->procs[i].label ? "" : "");
  }
  printf("MRI at visits:");
  for (size_t i = 0; i < p->n_mri; i++) printf(" %s", p->visits[p->mri[i]].name);
  printf("\n\nprotocol limits (a value outside is a deviation):\n");
  for (size_t i = 0; i < p->n_limits; i++)
    printf("  %-20s %s.%s: %s\n", p->limits[i].name, p->limits[i].form, p->limits[i].field, p->limits[i].text);
}

static int protocol_amend(int argc, char **argv) {
  const char *pos[2] = {NULL, NULL}, *reason = NULL, *user = store_user_default();
  const cli_option opts[] = {{"--reason", CLI_VALUE, &reason, NULL, NULL, NULL},
                             {"--user", CLI_VALUE, &user, NULL, NULL, NULL},
                             {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("protocol", argc, argv, opts, pos, 2, 2, "STUDY.db and the amended protocol file", NULL, NULL);
  if (r) return r;
  store *s = NULL;
  protocol *np = NULL;
  long version = 0;
  avn_err e;
  avn_err_clear(&e);
  store_replan plan;
  avn_rc rc = cli_open_write(pos[0], &s, &e);
  if (!rc) rc = protocol_load(pos[1], &np, &e);
  if (!rc) rc = store_protocol_amend(s, np, reason, user, &version, &plan, &e);
  if (!rc) {
    printf("%s: protocol '%s' amended to version %ld\n", pos[0], np->name, version);
    if (plan.patients)
      printf("schedule re-planned for %zu patient%s: %zu event%s moved, %zu added, %zu dropped; %zu recorded visit%s "
             "now outside %s window (avn check lists %s)\n", plan.patients, plan.patients == 1 ? "" : "s", plan.moved,
             plan.moved == 1 ? "" : "s", plan.added, plan.removed, plan.now_outside, plan.now_outside == 1 ? "" : "s",
             plan.now_outside == 1 ? "its" : "their", plan.now_outside == 1 ? "it" : "them");
    np = NULL;   /* the store's now */
  }
  protocol_free(np);
  store_close(s);
  inst_registry_free();
  return rc ? cli_error("protocol", &e) : 0;
}

int cmd_protocol(int argc, char **argv) {
  if (argc < 2) return cli_usage_error("protocol", "expected 'list', 'show' or 'amend'");
  if (!strcmp(argv[1], "list")) {
    for (const avn_embedded *e = avn_embedded_files; e->name; e++) {
      if (strncmp(e->name, "protocols/", 10) != 0) continue;
      const char *base = e->name + 10;
      const char *dot = strrchr(base, '.');
      printf("%.*s\n", (int)(dot ? dot - base : (long)strlen(base)), base);
    }
    return 0;
  }
  if (!strcmp(argv[1], "amend")) return protocol_amend(argc - 1, argv + 1);
  if (strcmp(argv[1], "show") != 0)
    return cli_usage_error("protocol", "unknown subcommand '%s'", argv[1]);
  const char *name = NULL;
  bool json = false;
  for (int i = 2; i < argc;) {
    if (cli_flag(argv, &i, "--json")) json = true;
    else if (argv[i][0] == '-') return cli_usage_error("protocol", "unknown option '%s'", argv[i]);
    else if (!name) name = argv[i++];
    else return cli_usage_error("protocol", "unexpected argument '%s'", argv[i]);
  }
  if (!name) return cli_usage_error("protocol", "show needs a NAME or FILE");
  protocol *p = NULL;
  avn_err e;
  avn_err_clear(&e);
  avn_rc rc = protocol_load(name, &p, &e);
  if (rc) {
    inst_registry_free();
    return cli_error("protocol", &e);
  }
  if (json) print_json(p);
  else print_text(p);
  protocol_free(p);
  inst_registry_free();
  return 0;
}
