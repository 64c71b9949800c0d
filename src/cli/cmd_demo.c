/*
** cmd_demo.c: `avn demo [--out DIR]`: the two paper demos. For each shipped
** demo cohort (demos/sequential.yaml: seed paper 002; demos/single-dose.yaml:
** seed paper 000) it builds DIR/<name>/study.db with synthetic patients whose
** data reproduce the paper's published figures (src/demo/cohort.c: entered
** through store_screen / store_enroll / store_enter, so validated and
** audited like real data), recomputes every figure from the database into
** DIR/<name>/NOTES.md with the paper's contradictions and the demo's
** assumptions (demo_check: the demo fails rather than claim a figure its
** data miss), writes the report (report_write: DIR/<name>/report.html,
** report.pdf, the tables as CSV, the figures), then prints where everything is.
** `--only NAME STUDY` builds one demo into STUDY instead: a new file or an
** empty PostgreSQL database (a server's database is never dropped or
** emptied by avn; store_create refuses one that has tables).
*/
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/dir.h"
#include "cli/commands.h"
#include "demo/cohort.h"
#include "report/report.h"
#include "store/store.h"

const char cmd_demo_usage[] =
    "usage: avn demo [--out DIR] [--only NAME [STUDY]]\n\n"
    "Builds the two demo studies, with synthetic patients whose data reproduce the\n"
    "seed papers' published summary figures (targets in demos/*.yaml, compiled in):\n"
    "  DIR/sequential/    seed paper 002: 46 patients, 58 hips, Steinberg I-III,\n"
    "                     injections at 0, 3 and 6 months, 24 months of follow-up\n"
    "  DIR/single-dose/   seed paper 000: 50 patients, 60 hips, Ficat-Arlet I-III,\n"
    "                     one implantation, 18 months of follow-up\n"
    "Each directory gets study.db, where every screening, enrolment and form was\n"
    "entered through the validated, audited write path (try avn show, avn check,\n"
    "avn audit on it); NOTES.md: each figure of the paper next to the value\n"
    "recomputed from the database, the paper's contradictions and the demo's\n"
    "assumptions; and the study report as `avn report` writes it: report.html,\n"
    "report.pdf, tables/*.csv, figures/. The patients come from a fixed random\n"
    "seed, so every run builds the same studies. Existing demo studies in DIR are\n"
    "replaced. DIR defaults to ./avn-demo. Exit status 1 if a figure is not\n"
    "reproduced.\n\n"
    "--only NAME builds one of them (sequential or single-dose). With STUDY, its\n"
    "study is STUDY instead of DIR/NAME/study.db: a new file, or an empty\n"
    "PostgreSQL database (postgresql://USER@HOST[:PORT]/DATABASE, C collation, as\n"
    "for avn init); NOTES.md and the report still go to DIR/NAME. A study there\n"
    "already is refused, never replaced.\n";

/* study: where the study goes (NULL: DIR/NAME/study.db, replaced). */
static avn_rc one_demo(const char *dir, const char *name, const char *study, avn_err *e) {
  demo_spec *sp = NULL;
  store *s = NULL;
  demo_stats ds = {0};
  char sub[1100], db[1200], notes[1200];
  snprintf(sub, sizeof sub, "%s/%s", dir, name);
  snprintf(db, sizeof db, "%s", study ? study : "");
  if (!study) snprintf(db, sizeof db, "%s/study.db", sub);
  snprintf(notes, sizeof notes, "%s/NOTES.md", sub);
  avn_rc rc = avn_mkdir_p(sub, e);
  if (rc) return rc;
  if (!study) demo_remove_db(db);
  rc = demo_spec_load(name, &sp, e);
  if (!rc) rc = demo_build(sp, db, &ds, e);
  /* The old notes go only once a new study is built: a STUDY refused
  ** (already a study) leaves the folder as it was. */
  if (!rc) unlink(notes);
  if (!rc) rc = store_open(db, &s, e);
  if (!rc) rc = demo_check(sp, s, notes, e);
  if (!rc) rc = report_write(s, sub, NULL, e);
  store_close(s);
  if (!rc) {
    printf("%s: %zu patients, %zu hips, %zu forms, %zu conversions to THA\n", name, ds.patients, ds.hips,
           ds.forms, ds.conversions);
    printf("  study:  %s\n  notes:  %s\n  report: %s/report.html (and report.pdf, tables/, figures/)\n", db,
           notes, sub);
  }
  demo_spec_free(sp);
  return rc;
}

int cmd_demo(int argc, char **argv) {
  const char *dir = "avn-demo", *only = NULL, *study = NULL;
  const cli_option opts[] = {
      {"--out", CLI_VALUE, &dir, "a directory", NULL, NULL},
      {"--only", CLI_TEXT, &only, "a demo's name", NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("demo", argc, argv, opts, &study, 1, 0, NULL, NULL, NULL);
  if (r) return r;
  bool known = !only;
  for (size_t k = 0; only && k < demo_n_cohorts; k++) known = known || !strcmp(only, demo_cohorts[k]);
  if (!known) return cli_usage_error("demo", "--only '%s': no such demo (sequential or single-dose)", only);
  if (study && !only)
    return cli_usage_error("demo", "STUDY '%s' holds one demo: name it with --only sequential or --only single-dose",
                           study);
  avn_err e;
  avn_err_clear(&e);
  avn_rc rc = AVN_OK;
  for (size_t k = 0; !rc && k < demo_n_cohorts; k++)
    if (!only || !strcmp(only, demo_cohorts[k])) rc = one_demo(dir, demo_cohorts[k], study, &e);
  inst_registry_free();
  return rc ? cli_error("demo", &e) : 0;
}
