/*
** cmd_enter.c: `avn enter STUDY.db PATIENT VISIT FORM item=value ...`.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/mem.h"
#include "store/store.h"

const char cmd_enter_usage[] =
    "usage: avn enter STUDY.db PATIENT VISIT FORM item=value ... [--hip left|right]\n"
    "                 [--entry 1|2] [--date YYYY-MM-DD] [--reason TEXT] [--user NAME]\n\n"
    "Enters or changes values of one form at one visit. Every value is checked\n"
    "against the form's definition (type, range, codes, dates); a refused value\n"
    "names the field, the value and the rule, and nothing is written. --date is the\n"
    "visit's date (default: today, the first time). Changing a recorded value\n"
    "needs --reason; every change is in the audit trail. --entry 2 is the second\n"
    "entry of a double-entered form. 'avn score FORM --help' lists a form's items.\n";

int cmd_enter(int argc, char **argv) {
  const char *db = NULL;
  store_enter_req req = {.user = store_user_default(), .entry = 1, .side = SIDE_PATIENT};
  char **kv = avn_calloc((size_t)argc, sizeof *kv);
  size_t nkv = 0;
  int rcode = 0;
  avn_err e;
  avn_err_clear(&e);
  if (!kv) return 1;
  for (int i = 1; i < argc;) {
    const char *v;
    int r;
    if ((r = cli_opt(argc, argv, &i, "--hip", &v))) {
      if (r < 0 || (strcmp(v, "left") && strcmp(v, "right"))) {
        rcode = cli_usage_error("enter", "--hip takes left or right");
        goto done;
      }
      req.side = !strcmp(v, "left") ? SIDE_LEFT : SIDE_RIGHT;
    } else if ((r = cli_opt(argc, argv, &i, "--entry", &v))) {
      if (r < 0 || (strcmp(v, "1") && strcmp(v, "2"))) {
        rcode = cli_usage_error("enter", "--entry takes 1 or 2");
        goto done;
      }
      req.entry = v[0] - '0';
    } else if ((r = cli_opt(argc, argv, &i, "--date", &v))) {
      if (r < 0 || avn_date_parse(v, &req.date)) {
        rcode = cli_usage_error("enter", "--date needs a date YYYY-MM-DD");
        goto done;
      }
      req.has_date = true;
    } else if ((r = cli_opt(argc, argv, &i, "--reason", &v))) {
      if (r < 0 || !*v) { rcode = cli_usage_error("enter", "--reason needs a text"); goto done; }
      req.reason = v;
    } else if ((r = cli_opt(argc, argv, &i, "--user", &v))) {
      if (r < 0) { rcode = cli_usage_error("enter", "--user needs a value"); goto done; }
      req.user = v;
    } else if (argv[i][0] == '-') {
      rcode = cli_usage_error("enter", "unknown option '%s'", argv[i]);
      goto done;
    } else if (!db) {
      db = argv[i++];
    } else if (!req.patient) {
      req.patient = argv[i++];
    } else if (!req.visit) {
      req.visit = argv[i++];
    } else if (!req.form) {
      req.form = argv[i++];
    } else {
      kv[nkv++] = argv[i++];
    }
  }
  if (!db || !req.patient || !req.visit || !req.form) {
    rcode = cli_usage_error("enter", "give STUDY.db PATIENT VISIT FORM item=value ...");
    goto done;
  }
  req.kv = kv;
  req.n_kv = nkv;
  store *s = NULL;
  store_enter_result res;
  avn_rc rc = store_open(db, &s, &e);
  if (!rc) rc = store_enter(s, &req, &res, &e);
  if (!rc)
    printf("%s %s %s%s%s entry %d: %d new, %d changed, %d unchanged; form %s\n", req.patient, req.visit,
           req.form, req.side ? " " : "", req.side ? side_name(req.side) : "", req.entry, res.n_new,
           res.n_changed, res.n_same, res.complete ? "complete" : "incomplete");
  store_close(s);
  inst_registry_free();
  rcode = rc ? cli_error("enter", &e) : 0;
done:
  avn_free(kv);
  return rcode;
}
