/*
** cmd_screen.c: `avn screen STUDY.db SCREENING field=value ...`.
*/
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/mem.h"
#include "store/store.h"

const char cmd_screen_usage[] =
    "usage: avn screen STUDY.db SCREENING --date YYYY-MM-DD|today [--site CODE] [--json]\n"
    "                  [--again --reason TEXT] [--user NAME]\n"
    "                  field=value ... field.left=value field.right=value ...\n\n"
    "Records a screening in the study's screening log and evaluates the protocol's\n"
    "eligibility criteria. Per-hip fields (such as the stage) are given per side;\n"
    "a hip is affected when any of its fields is given. Every failed criterion is\n"
    "listed by name; a value that was not entered fails its criterion ('not\n"
    "assessed'). The person stays in the log either way. 'avn protocol show NAME'\n"
    "lists the fields. Exit status 0 whether or not the person is eligible.\n"
    "SCREENING is an identifier: 1-32 ASCII letters, digits, '-', '_' or '.',\n"
    "starting with a letter or digit; 's001' is the same person as 'S001'.\n"
    "--again screens a person already in the log (not enrolled) again, with\n"
    "--reason: the log shows the latest attempt, every earlier one is kept.\n";

int cmd_screen(int argc, char **argv) {
  const char *db = NULL, *code = NULL;
  store_screen_req req = {.user = store_user_default(), };
  char **kv = NULL;
  size_t nkv = 0;
  bool json = false;
  bool dated = false;
  avn_err e;
  avn_err_clear(&e);
  kv = avn_calloc((size_t)argc, sizeof *kv);
  if (!kv) return 1;
  const cli_option opts[] = {
      {"--date", CLI_DATE, &req.date, NULL, NULL, &dated},
      {"--site", CLI_VALUE, &req.site, NULL, NULL, NULL},
      {"--user", CLI_VALUE, &req.user, NULL, NULL, NULL},
      {"--again", CLI_FLAG, &req.again, NULL, NULL, NULL},
      {"--reason", CLI_VALUE, &req.reason, NULL, NULL, NULL},
      {"--json", CLI_FLAG, &json, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  const char *pos[2] = {NULL};
  int r = cli_parse("screen", argc, argv, opts, pos, 2, 2, "STUDY.db and a SCREENING number", kv, &nkv);
  if (!r) r = cli_need_date("screen", dated);
  if (r) {
    avn_free(kv);
    return r;
  }
  db = pos[0];
  code = pos[1];
  req.code = code;
  req.kv = kv;
  req.n_kv = nkv;
  store *s = NULL;
  elig_result er = {0};
  avn_rc rc = cli_open_write(db, &s, &e);
  if (!rc) rc = store_screen(s, &req, &er, &e);
  if (!rc && json) {
    json_t *o = json_object(), *fails = json_array();
    json_object_set_new(o, "screening", json_string(code));
    json_object_set_new(o, "eligible", json_boolean(er.eligible));
    json_t *hips = json_array();
    for (int side = SIDE_LEFT; side <= SIDE_RIGHT; side++)
      if (er.hip_eligible[side]) json_array_append_new(hips, json_string(side_name(side)));
    json_object_set_new(o, "study_hips", hips);
    for (size_t i = 0; i < er.n_fails; i++) {
      json_t *f = json_object();
      json_object_set_new(f, "criterion", json_string(er.fails[i].crit->name));
      json_object_set_new(f, "kind", json_string(er.fails[i].crit->kind == CRIT_INCLUSION ? "inclusion" : "exclusion"));
      json_object_set_new(f, "text", json_string(er.fails[i].crit->text));
      json_object_set_new(f, "side", json_string(side_name(er.fails[i].side)));
      json_object_set_new(f, "not_assessed", json_boolean(er.fails[i].missing));
      json_array_append_new(fails, f);
    }
    json_object_set_new(o, "failed", fails);
    cli_print_json(o);
  } else if (!rc) {
    printf("screening %s: %s\n", code, er.eligible ? "ELIGIBLE" : "NOT ELIGIBLE");
    if (er.eligible) {
      printf("  study hips:");
      for (int side = SIDE_LEFT; side <= SIDE_RIGHT; side++)
        if (er.hip_eligible[side]) printf(" %s", side_name(side));
      printf("\n");
    }
    for (size_t i = 0; i < er.n_fails; i++) {
      const elig_failure *f = &er.fails[i];
      printf("  %s %s%s%s%s: %s%s\n", f->crit->kind == CRIT_INCLUSION ? "not met: " : "excluded:",
             f->crit->name, f->side ? " (" : "", f->side ? side_name(f->side) : "", f->side ? " hip)" : "",
             f->crit->text, f->missing ? " [not assessed]" : "");
    }
  }
  elig_result_free(&er);
  store_close(s);
  inst_registry_free();
  avn_free(kv);
  return rc ? cli_error("screen", &e) : 0;
}
