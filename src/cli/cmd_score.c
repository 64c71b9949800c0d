/*
** cmd_score.c: `avn score FORM item=value ... [--opt name=value] [--json]`,
** a scoring calculator over the instrument definitions that needs no
** database: parse every value against the definition (inst_parse_value),
** check its items and cross-item rules (inst_check_complete), score
** (inst_score) and print the results. An incomplete form (required items
** missing) is scored as the study scores it, by the instrument's own
** missing-item rule, and says which items it lacks: --json one object whose keys are
** the definition's result names (numbers unrounded, text for stages and
** categories, null when a result cannot be computed), else a table with
** one decimal. `avn score FORM --items` prints the definition; `avn score
** --list` the forms. Exit 0 ok, 1 input refused, 2 usage error.
*/
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/mem.h"
#include "instruments/instrument.h"

const char cmd_score_usage[] =
    "usage: avn score FORM item=value ... [--opt name=value ...] [--json]\n"
    "       avn score FORM --items\n"
    "       avn score --list\n\n"
    "Scores one instrument from values given on the command line; no database.\n"
    "  FORM            hhs, vas, womac, sf36, mri, cell_product, baseline, rom, ...\n"
    "  item=value      a code's name (pain=slight) or, where the form allows it,\n"
    "                  its number (womac p1=2); dates YYYY-MM-DD; times HH:MM;\n"
    "                  an empty value (item=) is an explicit missing value\n"
    "  --opt NAME=VAL  a scoring option, e.g. rom_method=bands,\n"
    "                  deformity_method=per_criterion, mhhs_factor=100/91,\n"
    "                  womac_max_missing_function=2, ficat_variant=modified\n"
    "  --json          one JSON object keyed by result name, numbers unrounded\n"
    "  --items         the form's items, codes, options and results\n"
    "  --list          the forms avn knows\n\n"
    "exit status: 0 scored, 1 a value, item, form or option refused, 2 usage error\n";

static void print_range(const inst_item *it) {
  if ((it->type == INST_INT || it->type == INST_REAL) && it->min <= it->max)
    printf(" %.15g..%.15g", it->min, it->max);
  if (*it->unit) printf(" %s", it->unit);
}

static void print_item(const inst_def *d, const inst_item *it, const char *dflt) {
  printf("  %-28s %s", it->name, inst_type_name(it->type));
  print_range(it);
  if (it->required) printf(", required");
  if (it->alias_of) printf(", entry alias of %s (x %.15g)", it->alias_of, it->alias_factor);
  if (dflt) printf(", default %s", dflt);
  printf("\n  %-28s %s\n", "", it->label);
  for (size_t k = 0; k < it->n_codes; k++) {
    if (d && inst_item_by_value(d, it))
      printf("  %-30s %s (or %.15g): %s\n", "", it->codes[k].name, it->codes[k].value,
             it->codes[k].label);
    else
      printf("  %-30s %s: %s\n", "", it->codes[k].name, it->codes[k].label);
  }
}

static void print_items(const inst_def *d) {
  printf("%s: %s (one per %s)\n\nitems:\n", inst_name(d), inst_title(d),
         inst_get_level(d) == INST_LEVEL_HIP ? "hip" : "patient");
  for (size_t i = 0; i < inst_n_items(d); i++) print_item(d, inst_item_at(d, i), NULL);
  if (inst_n_opts(d)) {
    printf("\noptions (--opt name=value):\n");
    for (size_t i = 0; i < inst_n_opts(d); i++)
      print_item(NULL, inst_opt_at(d, i), inst_opt_default(d, i));
  }
  if (inst_n_results(d)) {
    printf("\nresults:\n");
    for (size_t i = 0; i < inst_n_results(d); i++) {
      const inst_result_def *r = inst_result_at(d, i);
      printf("  %-28s %s%s%s%s\n", r->name, r->label, *r->unit ? " [" : "", r->unit,
             *r->unit ? "]" : "");
    }
  }
}

/* The required items resp lacks, or NULL (n_missing 0): JSON gets them as
** "missing_required", the table as its last line. */
static int print_json(const inst_def *d, const inst_scores *s, const char *missing) {
  json_t *o = json_object();
  if (!o) return 1;
  if (missing) {
    json_t *a = json_array();
    for (const char *p = missing; a && *p;) {
      size_t n = strcspn(p, ",");
      json_array_append_new(a, json_stringn(p, n));
      p += n;
      p += strspn(p, ", ");
    }
    if (!a || json_object_set_new(o, "missing_required", a)) {
      json_decref(o);
      return 1;
    }
  }
  for (size_t i = 0; i < s->n; i++) {
    const inst_result *r = &s->r[i];
    json_t *v = r->missing ? json_null() : r->text ? json_string(r->text) : json_real(r->num);
    if (!v || json_object_set_new(o, r->name, v)) {
      json_decref(o);
      return 1;
    }
  }
  (void)d;
  return cli_print_json(o);
}

static void print_table(const inst_def *d, const inst_scores *s, size_t n_missing, const char *missing) {
  printf("%s (%s)\n", inst_title(d), inst_name(d));
  if (!s->n) printf("  values valid%s; this form has no scores\n", n_missing ? "" : " and complete");
  for (size_t i = 0; i < s->n; i++) {
    const inst_result *r = &s->r[i];
    const inst_result_def *rd = inst_result_at(d, i);
    printf("  %-20s ", r->name);
    if (r->missing)
      printf("%10s", "-");
    else if (r->text)
      printf("%10s", r->text);
    else
      printf("%10.1f", r->num);
    printf(" %-8s %s\n", rd->unit, rd->label);
  }
  if (n_missing)
    printf("  incomplete: %zu required item%s missing: %s (scored by the instrument's missing-item rule)\n",
           n_missing, n_missing == 1 ? "" : "s", missing);
}

int cmd_score(int argc, char **argv) {
  inst_value *vals = NULL;
  inst_opt *opts = NULL;
  size_t n_vals = 0, n_opts = 0;
  bool json = false, items = false;
  const inst_def *d = NULL;
  avn_err e;
  inst_scores s;
  char missing[1024];
  size_t n_missing = 0;
  int status = 0;
  avn_rc rc = AVN_OK;

  avn_err_clear(&e);
  if (argc < 2) return cli_usage_error("score", "expected a FORM");
  rc = inst_registry_load(&e);
  if (rc) {
    status = cli_error("score", &e);
    goto cleanup;
  }
  if (!strcmp(argv[1], "--list")) {
    for (size_t i = 0; i < inst_count(); i++)
      printf("%-14s %s\n", inst_name(inst_at(i)), inst_title(inst_at(i)));
    goto cleanup;
  }
  if (argv[1][0] == '-') {
    status = cli_usage_error("score", "expected a FORM before '%s'", argv[1]);
    goto cleanup;
  }
  d = inst_find(argv[1]);
  if (!d) {
    avn_fail(&e, AVN_E_UNKNOWN, "form", argv[1], "no such form (avn score --list shows them)");
    status = cli_error("score", &e);
    goto cleanup;
  }
  vals = avn_calloc((size_t)argc, sizeof *vals);
  opts = avn_calloc((size_t)argc, sizeof *opts);
  if (!vals || !opts) {
    avn_fail(&e, AVN_E_NOMEM, NULL, NULL, "out of memory");
    status = cli_error("score", &e);
    goto cleanup;
  }
  for (int i = 2; i < argc;) {
    const char *optval = NULL;
    int r = 0;
    if (cli_flag(argv, &i, "--json")) {
      json = true;
      continue;
    }
    if (cli_flag(argv, &i, "--items") || cli_flag(argv, &i, "--help-items")) {
      items = true;
      continue;
    }
    r = cli_opt(argc, argv, &i, "--opt", &optval);
    if (r < 0) {
      status = cli_usage_error("score", "--opt needs name=value");
      goto cleanup;
    }
    if (r > 0) {
      const char *eq = strchr(optval, '=');
      if (!eq || eq == optval) {
        status = cli_usage_error("score", "--opt needs name=value, not '%s'", optval);
        goto cleanup;
      }
      /* split in place: argv strings are ours to modify */
      *(char *)eq = '\0';
      opts[n_opts].name = optval;
      opts[n_opts].value = eq + 1;
      n_opts++;
      continue;
    }
    char *arg = argv[i];
    char *eq = strchr(arg, '=');
    if (arg[0] == '-' || !eq || eq == arg) {
      status = cli_usage_error("score", "expected item=value, not '%s'", arg);
      goto cleanup;
    }
    *eq = '\0';
    rc = inst_parse_value(d, arg, eq + 1, &vals[n_vals], &e);
    if (rc) {
      status = cli_error("score", &e);
      goto cleanup;
    }
    for (size_t k = 0; k < n_vals; k++) {
      if (!strcmp(vals[k].item, vals[n_vals].item)) {
        char field[128];
        snprintf(field, sizeof field, "%s.%s", inst_name(d), vals[n_vals].item);
        avn_fail(&e, AVN_E_USAGE, field, eq + 1, "given twice (an alias and its item count as one)");
        status = cli_error("score", &e);
        goto cleanup;
      }
    }
    n_vals++;
    i++;
  }
  if (items) {
    print_items(d);
    goto cleanup;
  }
  inst_response resp = {vals, n_vals};
  rc = inst_check_complete(d, &resp, &e);
  if (rc && rc != AVN_E_REQUIRED) {
    status = cli_error("score", &e);
    goto cleanup;
  }
  rc = inst_score(d, &resp, opts, n_opts, &s, &e);
  if (rc) {
    status = cli_error("score", &e);
    goto cleanup;
  }
  n_missing = inst_missing_required(d, &resp, missing, sizeof missing);
  if (json)
    status = print_json(d, &s, n_missing ? missing : NULL);
  else
    print_table(d, &s, n_missing, missing);

cleanup:
  avn_free(vals);
  avn_free(opts);
  inst_registry_free();
  return status;
}
