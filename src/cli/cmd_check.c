/*
** cmd_check.c: `avn check STUDY.db [--today D] [--json]`: what a monitor
** asks first. Reads the study once (store_load) and prints what the
** monitoring rules (src/monitor/) find; `--ack ID --reason TEXT`
** acknowledges one protocol deviation.
*/
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "monitor/monitor.h"
#include "store/store.h"

const char cmd_check_usage[] =
    "usage: avn check STUDY.db [--today YYYY-MM-DD] [--json]\n"
    "       avn check STUDY.db --ack DEVIATION_ID --reason TEXT [--user NAME]\n\n"
    "Lists, per patient: forms due at an attended visit but missing (per hip where\n"
    "the form is per hip; none for a hip after its arthroplasty), incomplete forms\n"
    "(every missing required item in one finding), items given a missing-data code\n"
    "(coded_missing, told apart from blanks),\n"
    "second entries missing for double-entry forms and values where the two entries\n"
    "disagree, forms entered at a visit that does not schedule them\n"
    "(unscheduled_form), visits outside their window, overdue visits, procedures and MRIs,\n"
    "and protocol deviations (values outside the protocol's limits). A form read\n"
    "independently by two readers (an MRI whose entry 2 names another reader) is\n"
    "not a double entry: only the readers' stages are compared, and a difference\n"
    "is listed as reader_disagreement, for a consensus read. Exit status 0;\n"
    "the findings are the output ('findings' in --json, each with its 'id'). The\n"
    "file is checked first (SQLite quick_check): a damaged study is reported\n"
    "(exit 1), not read. The study is opened read-only.\n\n"
    "--ack ID --reason TEXT acknowledges an open protocol deviation (its id as\n"
    "'avn list STUDY.db findings --kind deviation' shows it): stored, audited\n"
    "(action ack) and no longer listed here; 'avn list ... findings' still lists\n"
    "it, marked acknowledged. Exit 1 when ID is no open deviation.\n";

typedef struct {
  json_t *arr;
  bool json;
  size_t n;
} findings;

static int print_finding(const monitor_finding *x, void *ctx) {
  findings *f = ctx;
  f->n++;
  if (f->json) {
    json_t *o = json_object();
    json_object_set_new(o, "patient", json_string(x->patient_code));
    json_object_set_new(o, "kind", json_string(monitor_kind_name(x->kind)));
    json_object_set_new(o, "visit", x->visit ? json_string(x->visit) : json_null());
    json_object_set_new(o, "form", x->form ? json_string(x->form) : json_null());
    json_object_set_new(o, "hip", x->side ? json_string(side_name(x->side)) : json_null());
    json_object_set_new(o, "detail", json_string(x->detail));
    json_object_set_new(o, "id", json_string(x->id));
    json_array_append_new(f->arr, o);
  } else {
    printf("%-8s %-19s %-9s %-14s %-6s %s\n", x->patient_code, monitor_kind_name(x->kind), x->visit ? x->visit : "-",
           x->form ? x->form : "-", x->side ? side_name(x->side) : "-", x->detail);
  }
  return 0;
}

/* --ack: the id must name a deviation open now; then the store writes it. */
static int ack(const char *db, const char *id, const char *reason, const char *user, avn_date today) {
  avn_err e;
  avn_err_clear(&e);
  store *s = NULL;
  store_study *st = NULL;
  monitor_hit hit;
  avn_rc rc = cli_open_write(db, &s, &e);
  if (!rc) rc = store_load(s, NULL, &st, &e);
  if (!rc && !reason) rc = avn_fail(&e, AVN_E_REQUIRED, "--reason", NULL, "acknowledging a deviation needs --reason \"why\"");
  /* acknowledged ones too: the store refuses a second ack, naming it */
  if (!rc && (!monitor_find(st, today, MONITOR_ACKED, id, &hit) || hit.kind != MON_DEVIATION))
    rc = avn_fail(&e, AVN_E_NOTFOUND, "--ack", id, "is no open protocol deviation of this study (see avn list STUDY.db "
                  "findings --kind deviation)");
  if (!rc) rc = store_ack_deviation(s, id, reason, user, &e);
  if (!rc) printf("acknowledged %s\n", id);
  store_study_free(st);
  store_close(s);
  inst_registry_free();
  return rc ? cli_error("check", &e) : 0;
}

int cmd_check(int argc, char **argv) {
  const char *db = NULL, *ack_id = NULL, *reason = NULL, *user = store_user_default();
  avn_date today = avn_date_today();
  findings fd = {0};
  avn_err e;
  avn_err_clear(&e);
  const cli_option opts[] = {
      {"--today", CLI_DATE, &today, NULL, NULL, NULL},
      {"--json", CLI_FLAG, &fd.json, NULL, NULL, NULL},
      {"--ack", CLI_VALUE, &ack_id, NULL, NULL, NULL},
      {"--reason", CLI_VALUE, &reason, NULL, NULL, NULL},
      {"--user", CLI_VALUE, &user, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("check", argc, argv, opts, &db, 1, 1, "STUDY.db", NULL, NULL);
  if (r) return r;
  if (ack_id) return ack(db, ack_id, reason, user, today);
  store *s = NULL;
  store_study *st = NULL;
  char d1[11];
  avn_rc rc = cli_open_read(db, &s, &e);
  if (!rc) rc = store_quick_check(s, &e);   /* a damaged file is reported, never read as if sound */
  if (!rc) rc = store_load(s, NULL, &st, &e);
  if (rc) goto cleanup;
  if (fd.json) fd.arr = json_array();
  else printf("%-8s %-19s %-9s %-14s %-6s %s\n", "patient", "finding", "visit", "form", "hip", "detail");
  monitor_run(st, today, 0, 0, print_finding, &fd);
  if (fd.json) {
    json_t *o = json_object();
    json_object_set_new(o, "today", json_string(avn_date_format(today, d1)));
    json_object_set_new(o, "n_findings", json_integer((json_int_t)fd.n));
    json_object_set_new(o, "findings", fd.arr);
    cli_print_json(o);
  } else {
    printf("%zu finding%s\n", fd.n, fd.n == 1 ? "" : "s");
  }
cleanup:
  store_study_free(st);
  store_close(s);
  inst_registry_free();
  return rc ? cli_error("check", &e) : 0;
}
