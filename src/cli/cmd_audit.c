/*
** cmd_audit.c: `avn audit STUDY.db [--record TEXT] [--json]`.
*/
#include <stdio.h>

#include "cli/cli.h"
#include "store/store.h"

const char cmd_audit_usage[] =
    "usage: avn audit STUDY.db [--record TEXT] [--json]\n\n"
    "Prints the audit trail (who, when, which record and field, old and new value,\n"
    "reason), oldest first, optionally only records containing TEXT (e.g. a\n"
    "patient id). The hash chain is verified; if any row was altered the command\n"
    "says which and exits 1.\n";

typedef struct {
  json_t *arr;
} audit_out;

static int print_row(void *ctx, const store_audit_row *r) {
  audit_out *o = ctx;
  if (o->arr) {
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer(r->id));
    json_object_set_new(j, "at", json_string(r->at));
    json_object_set_new(j, "user", json_string(r->user));
    json_object_set_new(j, "action", json_string(r->action));
    json_object_set_new(j, "record", json_string(r->record));
    json_object_set_new(j, "field", r->field ? json_string(r->field) : json_null());
    json_object_set_new(j, "old", r->old_value ? json_string(r->old_value) : json_null());
    json_object_set_new(j, "new", r->new_value ? json_string(r->new_value) : json_null());
    json_object_set_new(j, "reason", r->reason ? json_string(r->reason) : json_null());
    json_array_append_new(o->arr, j);
  } else {
    printf("%s %s %-7s %s %s: %s -> %s%s%s\n", r->at, r->user, r->action, r->record,
           r->field ? r->field : "", r->old_value ? r->old_value : "(none)",
           r->new_value ? r->new_value : "(none)", r->reason ? "  reason: " : "", r->reason ? r->reason : "");
  }
  return 0;
}

int cmd_audit(int argc, char **argv) {
  const char *db = NULL, *like = NULL;
  bool json = false;
  avn_err e;
  avn_err_clear(&e);
  const cli_option opts[] = {
      {"--record", CLI_VALUE, &like, "a text", NULL, NULL},
      {"--json", CLI_FLAG, &json, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("audit", argc, argv, opts, &db, 1, 1, "STUDY.db", NULL, NULL);
  if (r) return r;
  store *s = NULL;
  audit_out o = {json ? json_array() : NULL};
  avn_rc rc = store_open(db, &s, &e);
  if (!rc) rc = store_each_audit(s, like, print_row, &o, &e);
  if (json) {
    if (!rc) {
      json_t *top = json_object();
      json_object_set_new(top, "verified", json_true());
      json_object_set_new(top, "rows", o.arr);
      cli_print_json(top);
    } else {
      json_decref(o.arr);
    }
  }
  store_close(s);
  inst_registry_free();
  return rc ? cli_error("audit", &e) : 0;
}
