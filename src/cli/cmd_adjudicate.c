/*
** cmd_adjudicate.c: `avn adjudicate STUDY.db PATIENT VISIT FORM [--hip H]
** ITEM=VALUE --reason TEXT`: a third person settles a value on which the
** two entries of a double-entered form differ (store_adjudicate).
*/
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

const char cmd_adjudicate_usage[] =
    "usage: avn adjudicate STUDY.db PATIENT VISIT FORM [--hip left|right] ITEM=VALUE\n"
    "                      --reason TEXT [--reader NAME] [--user NAME]\n\n"
    "Settles one value of a double-entered form (the protocol's double_entry) on\n"
    "which entries 1 and 2 differ: VALUE is one entry's value or another, checked\n"
    "as entry checks it. The adjudicator must be a third person: a user who wrote\n"
    "either entry is refused. Both entries stay as typed; the adjudication is\n"
    "stored beside them and audited (action adjudicate), and audit --verify\n"
    "replays it. Adjudicating the item again replaces the value (with a reason).\n"
    "The report and the analysis dataset (export) use only values on which the two\n"
    "entries agree or that were adjudicated; 'avn check' stops listing the\n"
    "mismatch. Independent reads by two readers are not adjudicated (a consensus\n"
    "read settles them). Refused (exit 1, nothing written): no reason, no entry\n"
    "2, entries that agree, a value the item refuses, the adjudicator typed an\n"
    "entry. --reader NAME: the two entries of that reader's read (a read may be\n"
    "double-entered like any form).\n";

int cmd_adjudicate(int argc, char **argv) {
  const char *pos[5] = {NULL}, *reason = NULL, *user = store_user_default(), *inst = NULL;
  int hip = -1;
  avn_err e;
  avn_err_clear(&e);
  const cli_option opts[] = {
      {"--hip", CLI_CHOICE, &hip, NULL, cli_hip_choices, NULL},
      {"--reason", CLI_VALUE, &reason, NULL, NULL, NULL},
      {"--user", CLI_VALUE, &user, NULL, NULL, NULL},
      {"--instance", CLI_VALUE, &inst, NULL, NULL, NULL},
      {"--reader", CLI_VALUE, &inst, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("adjudicate", argc, argv, opts, pos, 5, 5, "STUDY.db PATIENT VISIT FORM ITEM=VALUE", NULL, NULL);
  if (r) return r;
  const char *eq = strchr(pos[4], '=');
  if (!eq || eq == pos[4]) return cli_usage_error("adjudicate", "'%s': give ITEM=VALUE", pos[4]);
  char item[256];
  snprintf(item, sizeof item, "%.*s", (int)(eq - pos[4]), pos[4]);
  store_adjudicate_req q = {pos[1], pos[2], pos[3], cli_side(hip),
                            item, eq + 1, reason, user, inst};
  store *s = NULL;
  avn_rc rc = cli_open_write(pos[0], &s, &e);
  if (!rc) rc = store_adjudicate(s, &q, &e);
  if (!rc)
    printf("adjudicated %s %s %s%s%s %s = %s\n", q.patient, q.visit, q.form, q.side ? " " : "",
           q.side ? side_name(q.side) : "", item, eq + 1);
  store_close(s);
  inst_registry_free();
  return rc ? cli_error("adjudicate", &e) : 0;
}
