/*
** cmd_query.c: `avn query open|answer|close|list STUDY.db ...`.
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "monitor/monitor.h"
#include "store/store.h"

const char cmd_query_usage[] =
    "usage: avn query open STUDY.db PATIENT [--visit V [--form F [--hip left|right] [--item I]]] --message TEXT\n"
    "       avn query open STUDY.db --finding ID [--message TEXT] [--today YYYY-MM-DD]\n"
    "       avn query answer STUDY.db ID --message TEXT\n"
    "       avn query close STUDY.db ID --message TEXT\n"
    "       avn query list STUDY.db [--patient P] [--status open|answered|closed] [--json]\n\n"
    "A query asks about a patient's data: the patient, or a visit, a form (and its hip)\n"
    "or one item. It keeps a thread of messages, each with its author and time, and a\n"
    "status: open, answered (a message from whoever enters the data), closed (with a\n"
    "last message). In a study with named users: a monitor, investigator or\n"
    "administrator opens a query; data_entry, an investigator or an administrator\n"
    "answers; a monitor or an administrator closes; each at the patient's site.\n"
    "--user NAME names the writer in a study without users. Every step is audited\n"
    "(record 'query ID').\n"
    "--finding raises a finding of avn check as a query in one step: ID is the\n"
    "finding's id (avn list STUDY.db findings, or 'id' in avn check --json); it must\n"
    "be a current finding (as of --today); the query is on its patient, visit, form,\n"
    "hip and item, and its first message is the finding's detail unless --message.\n";

static int query_list(const char *db, const char *patient, const char *status, bool json) {
  avn_err e;
  avn_err_clear(&e);
  store *s = NULL;
  store_query_row *v = NULL;
  size_t n = 0;
  avn_rc rc = cli_open_read(db, &s, &e);
  if (!rc) rc = store_queries(s, patient, status, &v, &n, &e);
  json_t *arr = json ? json_array() : NULL;
  for (size_t i = 0; !rc && i < n; i++) {
    if (json) {
      json_t *o = json_object(), *msgs = json_array();
      json_object_set_new(o, "id", json_integer(v[i].id));
      json_object_set_new(o, "on", json_string(v[i].on));
      json_object_set_new(o, "status", json_string(v[i].status));
      for (size_t k = 0; k < v[i].n_messages; k++)
        json_array_append_new(msgs, json_pack("{s:s, s:s, s:s}", "user", v[i].messages[k].user, "at",
                                              v[i].messages[k].at, "text", v[i].messages[k].text));
      json_object_set_new(o, "messages", msgs);
      json_array_append_new(arr, o);
    } else {
      printf("query %" PRId64 " [%s] %s\n", v[i].id, v[i].status, v[i].on);
      for (size_t k = 0; k < v[i].n_messages; k++)
        printf("  %s %s: %s\n", v[i].messages[k].at, v[i].messages[k].user, v[i].messages[k].text);
    }
  }
  if (arr) {
    if (!rc) cli_print_json(json_pack("{s:O}", "queries", arr));
    json_decref(arr);
  }
  store_queries_free(v, n);
  store_close(s);
  return rc ? cli_error("query", &e) : 0;
}

/* avn query open --finding ID: the finding must be current; the query goes
** on what it names, with its detail as the first message by default. */
static int query_from_finding(const char *db, const char *id, const char *message, const char *user,
                              avn_date today) {
  avn_err e;
  avn_err_clear(&e);
  store *s = NULL;
  store_study *st = NULL;
  monitor_hit h;
  int64_t qid = 0;
  avn_rc rc = cli_open_write(db, &s, &e);
  if (!rc) rc = store_load(s, NULL, &st, &e);
  if (!rc && !monitor_find(st, today, 0, id, &h))
    rc = avn_fail(&e, AVN_E_NOTFOUND, "--finding", id, "is not a current finding of this study (avn list STUDY.db "
                  "findings lists them with their ids)");
  if (!rc) {
    store_query_ref q = {h.patient, h.visit[0] ? h.visit : NULL, h.form[0] ? h.form : NULL, h.side,
                         h.item[0] ? h.item : NULL};
    rc = store_query_open(s, &q, message ? message : h.detail, user, &qid, &e);
  }
  if (!rc) printf("opened query %" PRId64 " on %s\n", qid, id);
  store_study_free(st);
  store_close(s);
  inst_registry_free();
  return rc ? cli_error("query", &e) : 0;
}

int cmd_query(int argc, char **argv) {
  const char *pos[3] = {NULL, NULL, NULL}, *visit = NULL, *form = NULL, *item = NULL, *message = NULL;
  const char *patient = NULL, *status = NULL, *user = store_user_default(), *finding = NULL;
  avn_date today = avn_date_today();
  bool today_given = false;
  static const char *const statuses[] = {"open", "answered", "closed", NULL};
  int hip = -1, st = -1;
  bool json = false;
  const cli_option opts[] = {
      {"--visit", CLI_TEXT, &visit, "a visit name", NULL, NULL},
      {"--form", CLI_TEXT, &form, "a form name", NULL, NULL},
      {"--item", CLI_TEXT, &item, "an item name", NULL, NULL},
      {"--hip", CLI_CHOICE, &hip, NULL, cli_hip_choices, NULL},
      {"--message", CLI_VALUE, &message, NULL, NULL, NULL},
      {"--patient", CLI_TEXT, &patient, "a patient", NULL, NULL},
      {"--status", CLI_CHOICE, &st, NULL, statuses, NULL},
      {"--json", CLI_FLAG, &json, NULL, NULL, NULL},
      {"--user", CLI_VALUE, &user, NULL, NULL, NULL},
      {"--finding", CLI_TEXT, &finding, "a finding's id", NULL, NULL},
      {"--today", CLI_DATE, &today, NULL, NULL, &today_given},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("query", argc, argv, opts, pos, 3, 2, "open, answer, close or list, then STUDY.db", NULL, NULL);
  if (r) return r;
  const char *verb = pos[0], *db = pos[1];
  bool open = !strcmp(verb, "open"), answer = !strcmp(verb, "answer"), close = !strcmp(verb, "close");
  if (st >= 0) status = statuses[st];
  if (!strcmp(verb, "list")) {
    if (pos[2] || visit || form || item || message || hip >= 0)
      return cli_usage_error("query", "avn query list takes STUDY.db [--patient P] [--status S] [--json]");
    return query_list(db, patient, status, json);
  }
  if (!open && !answer && !close) return cli_usage_error("query", "'%s': say open, answer, close or list", verb);
  if ((finding || today_given) && !open) return cli_usage_error("query", "--finding and --today go with open");
  if (today_given && !finding) return cli_usage_error("query", "--today goes with --finding");
  if (finding && (pos[2] || visit || form || item || hip >= 0))
    return cli_usage_error("query", "--finding names the patient, visit, form, hip and item itself");
  if (finding) return query_from_finding(db, finding, message, user, today);
  if (!pos[2]) return cli_usage_error("query", open ? "give STUDY.db PATIENT" : "give STUDY.db ID");
  if (!message) return cli_usage_error("query", "--message TEXT is required");
  if (patient || status || json) return cli_usage_error("query", "--patient, --status and --json go with list");
  if (!open && (visit || form || item || hip >= 0))
    return cli_usage_error("query", "--visit, --form, --hip and --item go with open");
  char *end = NULL;
  int64_t id = open ? 0 : strtoll(pos[2], &end, 10);
  if (!open && (*end || id <= 0)) return cli_usage_error("query", "'%s': a query ID is a number (avn query list)", pos[2]);
  avn_err e;
  avn_err_clear(&e);
  store *s = NULL;
  avn_rc rc = cli_open_write(db, &s, &e);
  if (open) {
    store_query_ref q = {pos[2], visit, form, cli_side(hip), item};
    if (!rc) rc = store_query_open(s, &q, message, user, &id, &e);
    if (!rc) printf("opened query %" PRId64 "\n", id);
  } else if (answer) {
    if (!rc) rc = store_query_answer(s, id, message, user, &e);
    if (!rc) printf("answered query %" PRId64 "\n", id);
  } else {
    if (!rc) rc = store_query_close(s, id, message, user, &e);
    if (!rc) printf("closed query %" PRId64 "\n", id);
  }
  store_close(s);
  inst_registry_free();
  return rc ? cli_error("query", &e) : 0;
}
