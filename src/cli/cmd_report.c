/*
** cmd_report.c: `avn report STUDY.db --out DIR`.
*/
#include <stdio.h>

#include "cli/cli.h"
#include "report/report.h"

const char cmd_report_usage[] =
    "usage: avn report STUDY.db --out DIR\n\n"
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
    "(compare with 'avn audit').\n";

int cmd_report(int argc, char **argv) {
  const char *db = NULL, *out = NULL;
  avn_err e;
  avn_err_clear(&e);
  const cli_option opts[] = {
      {"--out", CLI_VALUE, &out, "a directory", NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("report", argc, argv, opts, &db, 1, 1, "STUDY.db", NULL, NULL);
  if (r) return r;
  if (!out) return cli_usage_error("report", "--out DIR is required");
  store *s = NULL;
  report_info info = {0};
  avn_rc rc = store_open_read(db, &s, &e);
  if (!rc) rc = report_write(s, out, &info, &e);
  if (!rc)
    printf("report of %zu patients (%zu units): %s/report.html, %s/report.pdf, tables/ and figures/\n"
           "audit trail: %lld rows, head %s\n",
           info.n_patients, info.n_units, out, out, info.audit_rows, info.audit_head);
  store_close(s);
  inst_registry_free();
  return rc ? cli_error("report", &e) : 0;
}
