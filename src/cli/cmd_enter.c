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
    "                 [--entry 1|2] [--date YYYY-MM-DD|today] [--reason TEXT] [--user NAME]\n"
    "                 [--unscheduled] [--new | --instance N] [--reader NAME] [--if-version N]\n\n"
    "Enters or changes values of one form at one visit. Every value is checked\n"
    "against the form's definition (type, range, codes, dates); a refused value\n"
    "names the field, the value and the rule, and nothing is written. --date is the\n"
    "visit's date (YYYY-MM-DD or today), required at a visit with no date yet.\n"
    "Changing a recorded value needs --reason; every change is in the audit trail.\n"
    "--entry 2 is the second entry of a double-entered form.\n"
    "A repeating form (a log: ae, conmed) has numbered instances per patient:\n"
    "--new adds the next one and prints its number; --instance N changes instance\n"
    "N (its VISIT may then be '-'). VISIT '-' with --new: an instance that belongs\n"
    "to no visit (an event reported between visits).\n"
    "A form read independently (mri) has one read per reader: --reader NAME (or\n"
    "reader=NAME) names the read, any number of readers; --reader consensus is\n"
    "the consensus read, which the analysis uses (docs/forms.md). Each read may be\n"
    "double-entered (--entry 2).\n"
    "A blank value (item=) is missing, never 0 or \"no\": a required item cannot be\n"
    "left blank (leave it out and enter it later), and blanking a recorded value\n"
    "clears it, with --reason.\n"
    "A missing-data code instead of a value (item=ND; also NA, UNK, ASKU, NASK,\n"
    "NI, NAV, MSK, OTH) records why there is none: missing in scores and exports,\n"
    "answered for completeness, listed by avn check (docs/forms.md).\n"
    "A form the protocol schedules at other visits only is refused at this one\n"
    "unless --unscheduled (it is then marked, and avn check lists it); a form it\n"
    "schedules nowhere (ae, tha) may come at any visit. Dates of in-study events\n"
    "(tha_date, ae onset_date, cell harvest/injection dates) lie between enrolment\n"
    "and withdrawal and not after the visit's date; nothing is entered on a hip at\n"
    "a visit after its arthroplasty.\n"
    "--if-version N saves only over version N of the form (as printed by the\n"
    "save that made it; 0: no form yet): a value someone else saved since is a\n"
    "conflict naming the item, both values and who, and nothing is written.\n"
    "'avn score FORM --help' lists a form's items.\n";

int cmd_enter(int argc, char **argv) {
  store_enter_req req = {.user = store_user_default(), .entry = 1, .side = SIDE_PATIENT};
  char **kv = avn_calloc((size_t)argc, sizeof *kv);
  const char *pos[4] = {NULL};
  size_t nkv = 0;
  int rcode = 0, hip = -1, entry = 0;
  const char *if_version = NULL;
  avn_err e;
  avn_err_clear(&e);
  if (!kv) return 1;
  const cli_option opts[] = {
      CLI_FORM_OPTIONS(&hip, &entry, &req.instance),
      {"--date", CLI_DATE, &req.date, NULL, NULL, &req.has_date},
      {"--reason", CLI_TEXT, &req.reason, "a text", NULL, NULL},
      {"--user", CLI_VALUE, &req.user, NULL, NULL, NULL},
      {"--unscheduled", CLI_FLAG, &req.unscheduled, NULL, NULL, NULL},
      {"--new", CLI_FLAG, &req.new_instance, NULL, NULL, NULL},
      {"--if-version", CLI_VALUE, &if_version, NULL, NULL, &req.has_if_version},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  rcode = cli_parse("enter", argc, argv, opts, pos, 4, 4, "STUDY.db PATIENT VISIT FORM item=value ...", kv, &nkv);
  if (rcode) goto done;
  const char *db = pos[0];
  req.patient = pos[1];
  req.visit = pos[2];
  req.form = pos[3];
  req.side = cli_side(hip);
  req.entry = entry + 1;
  req.kv = kv;
  req.n_kv = nkv;
  if (req.has_if_version) {
    char *end = NULL;
    req.if_version = strtoll(if_version, &end, 10);
    if (!*if_version || *end || req.if_version < 0) {
      avn_fail(&e, AVN_E_USAGE, "--if-version", if_version, "must be a form version: a whole number from 0 "
               "(0: the form did not exist)");
      rcode = cli_error("enter", &e);
      goto done;
    }
  }
  store *s = NULL;
  store_enter_result res;
  avn_rc rc = cli_open_write(db, &s, &e);
  if (!rc) rc = store_enter(s, &req, &res, &e);
  if (!rc) {
    char cleared[32] = "";
    if (res.n_cleared) snprintf(cleared, sizeof cleared, ", %d cleared", res.n_cleared);
    printf("%s %s %s%s%s%s%s entry %d: %d new, %d changed, %d unchanged%s; form %s (version %lld)\n", req.patient,
           res.visit[0] ? res.visit : "-",
           req.form, req.side ? " " : "", req.side ? side_name(req.side) : "", res.instance[0] ? " instance " : "",
           res.instance, req.entry, res.n_new, res.n_changed, res.n_same, cleared,
           res.complete ? "complete" : "incomplete", (long long)res.version);
  }
  store_close(s);
  inst_registry_free();
  rcode = rc ? cli_error("enter", &e) : 0;
done:
  avn_free(kv);
  return rcode;
}
