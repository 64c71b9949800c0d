/*
** cmd_report.c: `avn report STUDY.db --out DIR`.
*/
#include <stdio.h>

#include "cli/cli.h"
#include "report/report.h"

const char cmd_report_usage[] =
    "usage: avn report STUDY.db --out DIR [--final]\n"
    "       avn report STUDY.db --safety --from YYYY-MM-DD --to YYYY-MM-DD --out DIR [--final]\n\n"
    "Writes the study report, computed from the database now (data cut-off: today,\n"
    "or $AVN_TODAY=YYYY-MM-DD): DIR/report.html (one self-contained file that opens\n"
    "offline), DIR/report.pdf, every table as DIR/tables/ID.csv and every figure as\n"
    "DIR/figures/ID.svg, .png and .pdf. The protocol's analysis plan (its analysis:\n"
    "section) decides the outcomes, time points, tests, subgroups and definitions.\n"
    "Sections: study flow (CONSORT), baseline characteristics, outcomes over time,\n"
    "responders, subgroups, radiological outcome, hip survival, predictors of success,\n"
    "safety, cell products, methods. A section whose data are missing says what is\n"
    "missing instead of showing numbers. The report's subtitle and this command's\n"
    "output give the audit trail's row count and head hash the report was made from\n"
    "(compare with 'avn audit'), and whether the data are locked (avn lock --study:\n"
    "when and by whom) or not (an interim report). --final refuses a study that is not\n"
    "locked, and writes nothing.\n\n"
    "--safety: the data and safety monitoring board's report for one review period\n"
    "(seed 000: every six months): patients enrolled by the period's end, in\n"
    "follow-up, withdrawn, attending and overdue; adverse events and serious adverse\n"
    "events by onset (in the period and from the start to its end), by CTCAE grade,\n"
    "relatedness and the protocol procedure they followed; conversions to THA;\n"
    "protocol deviations (open and acknowledged, by visit date). Same files\n"
    "(report.html, report.pdf, tables/*.csv).\n";

int cmd_report(int argc, char **argv) {
  const char *db = NULL, *out = NULL;
  bool safety = false, has_from = false, has_to = false, final = false;
  avn_date from = 0, to = 0;
  avn_err e;
  avn_err_clear(&e);
  const cli_option opts[] = {
      {"--out", CLI_VALUE, &out, "a directory", NULL, NULL},
      {"--safety", CLI_FLAG, &safety, NULL, NULL, NULL},
      {"--from", CLI_DATE, &from, NULL, NULL, &has_from},
      {"--to", CLI_DATE, &to, NULL, NULL, &has_to},
      {"--final", CLI_FLAG, &final, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("report", argc, argv, opts, &db, 1, 1, "STUDY.db", NULL, NULL);
  if (r) return r;
  if (!out) return cli_usage_error("report", "--out DIR is required");
  if (safety && (!has_from || !has_to)) return cli_usage_error("report", "--safety needs --from and --to");
  if (!safety && (has_from || has_to)) return cli_usage_error("report", "--from and --to apply to --safety");
  store *s = NULL;
  report_info info = {0};
  store_lock_info lk = {0};
  avn_rc rc = cli_open_read(db, &s, &e);
  /* the safety board reads its report, and nothing else (store_read_as) */
  if (!rc && safety) rc = store_read_as(s, "read_safety", &e);
  if (!rc && final) rc = store_study_lock(s, &lk, &e);
  if (!rc && final && !lk.locked)
    rc = avn_fail(&e, AVN_E_STATE, "--final", NULL, "the study is not locked: a final report is made from frozen data "
                  "(avn lock %s --study --reason TEXT)", db);
  if (!rc) rc = safety ? report_safety(s, from, to, out, &info, &e) : report_write(s, out, &info, &e);
  if (!rc)
    printf("report of %zu patients (%zu units): %s/report.html, %s/report.pdf, tables/ and figures/\n"
           "audit trail: %lld rows, head %s\n",
           info.n_patients, info.n_units, out, out, info.audit_rows, info.audit_head);
  if (!rc && info.lock.locked) printf("data locked on %s by %s (%s)\n", info.lock.at, info.lock.by, info.lock.reason);
  else if (!rc) printf("data not locked: an interim report\n");
  store_close(s);
  inst_registry_free();
  return rc ? cli_error("report", &e) : 0;
}
