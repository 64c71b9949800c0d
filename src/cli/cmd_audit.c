/*
** cmd_audit.c: `avn audit STUDY.db [--record TEXT] [--verify] [--json]`.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

const char cmd_audit_usage[] =
    "usage: avn audit STUDY.db [--record TEXT] [--verify] [--key FILE] [--json]\n\n"
    "Prints the audit trail (who, when, which record and field, old and new value,\n"
    "reason), oldest first, optionally only records containing TEXT (e.g. a\n"
    "patient id), then the chain's row count and head hash. The hash chain and its\n"
    "signed checkpoint are verified: a row altered, removed or added, rows cut from\n"
    "the end or a chain recomputed behind avn's back is reported and the command\n"
    "exits 1. The checkpoint is signed with the key in $AVN_KEY, else\n"
    "$XDG_CONFIG_HOME/avn/signing.key, else ~/.config/avn/signing.key (created by\n"
    "avn init; keep it, and a copy, outside the study file), or in --key FILE: the\n"
    "secret key file, or a public key file (its last 64 hex digits, from\n"
    "'tail -c 65 signing.key'), which verifies but cannot sign.\n\n"
    "--verify also checks the file (SQLite quick_check) and replays the whole trail\n"
    "into the state it implies, comparing it with every table (study protocol,\n"
    "sites, screenings, patients, hips, schedule, visit dates, forms, values,\n"
    "withdrawals): each difference is printed as record, field, what the audit\n"
    "says and what the table holds, and the command exits 1.\n"
    "The study is opened read-only: audit never writes.\n"
    "Exit status: 0 verified, 1 a difference or refusal, 2 usage, 3 busy.\n";

typedef struct {
  json_t *arr;
  bool print;
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
    json_object_set_new(j, "hash", json_string(r->hash));
    json_array_append_new(o->arr, j);
  } else if (o->print) {
    printf("%s %s %-7s %s %s: %s -> %s%s%s\n", r->at, r->user, r->action, r->record,
           r->field ? r->field : "", r->old_value ? r->old_value : "(none)",
           r->new_value ? r->new_value : "(none)", r->reason ? "  reason: " : "", r->reason ? r->reason : "");
  }
  return 0;
}

static int print_diff(void *ctx, const store_diff *d) {
  json_t *arr = ctx;
  if (arr) {
    json_t *j = json_object();
    json_object_set_new(j, "record", json_string(d->record));
    json_object_set_new(j, "field", json_string(d->field));
    json_object_set_new(j, "audit", d->audit ? json_string(d->audit) : json_null());
    json_object_set_new(j, "table", d->table ? json_string(d->table) : json_null());
    json_array_append_new(arr, j);
  } else {
    printf("differs: %s / %s: audit %s%s%s, table %s%s%s\n", d->record, d->field, d->audit ? "'" : "",
           d->audit ? d->audit : "(none)", d->audit ? "'" : "", d->table ? "'" : "", d->table ? d->table : "(none)",
           d->table ? "'" : "");
  }
  return 0;
}

int cmd_audit(int argc, char **argv) {
  const char *db = NULL, *like = NULL, *key = NULL;
  bool json = false, verify = false;
  avn_err e;
  avn_err_clear(&e);
  const cli_option opts[] = {
      {"--record", CLI_VALUE, &like, "a text", NULL, NULL},
      {"--verify", CLI_FLAG, &verify, NULL, NULL, NULL},
      {"--key", CLI_TEXT, &key, "a key file", NULL, NULL},
      {"--json", CLI_FLAG, &json, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("audit", argc, argv, opts, &db, 1, 1, "STUDY.db", NULL, NULL);
  if (r) return r;
  /* --key is $AVN_KEY for this run: the store reads the key from there. */
  if (key && setenv("AVN_KEY", key, 1) != 0) return cli_usage_error("audit", "--key: cannot use '%s'", key);
  store *s = NULL;
  audit_out o = {json ? json_array() : NULL, true};
  json_t *diffs = json && verify ? json_array() : NULL;
  store_verify_result vr;
  memset(&vr, 0, sizeof vr);
  avn_rc rc = cli_open_read(db, &s, &e);
  /* what the role may see, asked before anything is printed: the trail of
  ** the user's sites, or (--verify) the whole replay, an administrator's */
  if (!rc) rc = store_read_as(s, verify ? "read_trail" : "read", &e);
  bool opened = rc == AVN_OK;
  if (opened) rc = store_each_audit(s, like, print_row, &o, &vr.chain, &e);
  if (opened && verify && (rc == AVN_OK || rc == AVN_E_STATE)) {
    avn_err ve;
    avn_err_clear(&ve);
    avn_rc vrc = store_verify(s, print_diff, diffs, &vr, &ve);
    if (vrc && (!rc || vrc != AVN_E_STATE)) {
      rc = vrc;
      e = ve;
    }
  }
  /* The chain's length and head are printed whatever was found, so a copy
  ** kept elsewhere can be compared with them. */
  /* A file that could not be read through says so, and nothing else. */
  if (rc && rc != AVN_E_STATE) opened = false;
  if (opened && json) {
    json_t *top = json_object();
    json_object_set_new(top, "verified", json_boolean(rc == AVN_OK));
    if (rc) {
      char msg[1024];
      avn_err_format(&e, msg, sizeof msg);
      json_object_set_new(top, "problem", json_string(msg));
    }
    json_object_set_new(top, "rows_total", json_integer(vr.chain.rows));
    json_object_set_new(top, "head", json_string(vr.chain.head));
    json_object_set_new(top, "checkpoint", json_string(vr.chain.checkpoint));
    json_object_set_new(top, "key", json_string(vr.chain.key));
    if (vr.chain.whole_rows) {
      json_object_set_new(top, "part_site", json_string(vr.chain.part_site));
      json_object_set_new(top, "whole_rows", json_integer(vr.chain.whole_rows));
    }
    if (verify) {
      json_object_set_new(top, "file", json_string(vr.file));
      json_object_set_new(top, "differences", diffs);
      diffs = NULL;
    }
    json_object_set_new(top, "rows", o.arr);
    o.arr = NULL;
    cli_print_json(top);
  } else if (opened) {
    if (vr.chain.whole_rows)
      printf("site part: site %s, %lld of the whole chain's %lld rows; each row checked against its predecessor "
             "in the whole chain, the rows between are other sites' and not here (verify the whole chain on the "
             "study itself)\n", vr.chain.part_site, (long long)vr.chain.rows, (long long)vr.chain.whole_rows);
    printf("chain: %lld rows, head %s\ncheckpoint: %s\n", (long long)vr.chain.rows,
           vr.chain.head[0] ? vr.chain.head : "(empty)", vr.chain.checkpoint);
    if (verify) printf("file: %s\nreplay: %zu difference%s\n", vr.file, vr.n_diffs, vr.n_diffs == 1 ? "" : "s");
  }
  json_decref(o.arr);
  json_decref(diffs);
  store_close(s);
  inst_registry_free();
  return rc ? cli_error("audit", &e) : 0;
}
