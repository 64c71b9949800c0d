/*
** cmd_export.c: `avn export STUDY.db --format F --out FILE`: the study's
** data for SPSS, Stata, SAS, Excel, R or an ODM-speaking system
** (src/export/).
*/
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "export/export.h"
#include "store/store.h"

const char cmd_export_usage[] =
    "usage: avn export STUDY.db --format csv|sav|dta|xpt|xlsx|odm --out FILE\n"
    "                  [--layout wide|long] [--labels] [--deidentified]\n\n"
    "Writes the study's data for the tools statisticians use:\n"
    "  csv   wide (default: a row per unit of analysis, a hip or a patient as the\n"
    "        protocol says, a column per visit, form and item: m6_hhs_pain, with the\n"
    "        computed scores: m6_hhs_total), UTF-8, RFC 4180; beside it FILE's stem +\n"
    "        .codebook.csv (every column's label, type, unit, level and value labels)\n"
    "        and .sps (SPSS/PSPP syntax that reads the CSV with its labels).\n"
    "        --layout long: a row per stored value (patient, site, side, visit, form,\n"
    "        instance, entry, item, value), both entries of a double entry; instance\n"
    "        is a log's number (ae) or a read's reader. The wide layout leaves logs out.\n"
    "        --labels: a coded answer as its label (\"Slight\") instead of its value.\n"
    "        A missing-data code is written as itself (ND); the .sps makes it a\n"
    "        user-missing value as in the .sav.\n"
    "  sav   SPSS, dta Stata, xpt SAS transport (version 8), through ReadStat:\n"
    "        variable labels, value labels (sav, dta), measurement levels, dates as\n"
    "        dates; names longer than the format allows (Stata and SAS: 32) are cut\n"
    "        and numbered, the label keeps the meaning.\n"
    "  xlsx  Excel: a sheet per form, a patients sheet, a sheet per log (ae,\n"
    "        conmed: a row per instance) and a codebook sheet.\n"
    "  odm   CDISC ODM 1.3.2 XML: the study's metadata and every stored value.\n"
    "A value entered twice counts where both entries agree; a disagreement not yet\n"
    "settled is left missing (never entry 1 picked silently); one settled by avn\n"
    "adjudicate takes the adjudicated value. The first MRI read is\n"
    "used. Names and phone numbers are never exported. --deidentified also drops\n"
    "the birth and enrolment dates and gives every other date as days from the\n"
    "patient's enrolment. The data file is written under FILE.part and renamed\n"
    "when complete, so a failed export leaves nothing behind. A progress bar goes\n"
    "to stderr when it is a terminal.\n";

int cmd_export(int argc, char **argv) {
  const char *db = NULL, *out = NULL, *format = NULL;
  int layout = 0;
  bool labels = false, deid = false;
  static const char *const layouts[] = {"wide", "long", NULL};
  const cli_option opts[] = {
      {"--format", CLI_VALUE, &format, "csv, sav, dta, xpt, xlsx or odm", NULL, NULL},
      {"--out", CLI_VALUE, &out, "a file", NULL, NULL},
      {"--layout", CLI_CHOICE, &layout, NULL, layouts, NULL},
      {"--labels", CLI_FLAG, &labels, NULL, NULL, NULL},
      {"--deidentified", CLI_FLAG, &deid, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("export", argc, argv, opts, &db, 1, 1, "STUDY.db", NULL, NULL);
  if (r) return r;
  if (!format) return cli_usage_error("export", "--format is required (csv, sav, dta, xpt, xlsx or odm)");
  if (!out) return cli_usage_error("export", "--out FILE is required");
  avn_err e;
  avn_err_clear(&e);
  cli_progress bar = {.what = "export"};
  export_opts o = {.path = out, .long_layout = layout == 1, .labels = labels, .deidentified = deid,
                   .progress = isatty(STDERR_FILENO) ? cli_progress_draw : NULL, .ctx = &bar};
  avn_rc rc = export_format_parse(format, &o.format, &e);
  if (rc) return cli_usage_error("export", "--format %s: must be csv, sav, dta, xpt, xlsx or odm", format);
  store *s = NULL;
  export_summary sum = {0};
  rc = cli_open_read(db, &s, &e);   /* an export writes nothing to the study; a session when it has users */
  if (!rc) rc = export_study(s, &o, &sum, &e);
  store_close(s);
  inst_registry_free();
  cli_progress_end(&bar);
  if (rc == AVN_E_USAGE) return cli_usage_error("export", "%s %s", e.field, e.rule);
  if (rc) return cli_error("export", &e);
  printf("%s: %zu %s, %zu columns\n", out, sum.rows,
         o.long_layout ? "values" : o.format == EXPORT_ODM ? "patients" : "rows", sum.columns);
  return 0;
}
