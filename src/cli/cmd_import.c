/*
** cmd_import.c: `avn import dictionary DICT.csv --out FORMS.yaml` and
** `avn import records STUDY.db FILE --format long|wide|redcap` (src/import/).
** Prints the summary and every refusal; a progress bar on stderr when it is
** a terminal.
*/
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/mem.h"
#include "import/import.h"
#include "store/store.h"

const char cmd_import_usage[] =
    "usage: avn import dictionary DICT.csv --out FORMS.yaml [--per-hip FORM,...]\n"
    "       avn import records STUDY.db FILE --format long|wide|redcap [--skip-invalid]\n"
    "                  [--map MAP.yaml] [--reason TEXT] [--user NAME]\n\n"
    "dictionary: a REDCap data dictionary (CSV) becomes avn form definitions, a\n"
    "  `forms:` list for a protocol (paste it in, then avn init; or avn protocol\n"
    "  amend). Field types, validation types and ranges, choices, required flags\n"
    "  and identifiers are kept; branching logic becomes show_if, evaluated on\n"
    "  entry (a value for a question that does not apply is refused; a required\n"
    "  one that does not apply is not required). Calculated fields become plain\n"
    "  numbers and are listed for review, with everything else avn could not keep.\n"
    "  --per-hip: forms recorded once per hip (REDCap has no hips). A refusal names\n"
    "  the row (the header is row 1), the column, the value and the rule.\n"
    "records: loads form values through the same checks as avn enter, in one\n"
    "  transaction. A wide or REDCap file may enrol the patients the study lacks\n"
    "  (avn screen + avn enroll's checks) from the columns enrolled, sex,\n"
    "  birth_date, site, screening, screened, screen_FIELD[_left|_right], and date\n"
    "  visits (avn visit's checks) from VISIT_date columns (REDCap: --map date:).\n"
    "  Otherwise the patients must be enrolled and each visit's date recorded.\n"
    "  long    avn export --layout long: patient,site,side,visit,form,instance,entry,\n"
    "          item,value (instance optional; a log's instances numbered 1, 2, ...;\n"
    "          a missing-data code such as ND is read as the code)\n"
    "  wide    avn export's wide CSV: patient (and side), VISIT_FORM_ITEM columns;\n"
    "          identifiers and computed scores are ignored\n"
    "  redcap  a REDCap records export (raw): record id first, redcap_event_name;\n"
    "          --map MAP.yaml: {events: {EVENT: VISIT}, visit: VISIT, date: FIELD,\n"
    "          enrolment: {enrolled: FIELD, sex: FIELD, ...}, screening: {F: FIELD}};\n"
    "          a repeating instrument's row is an instance of an avn log (ae, conmed)\n"
    "          or a per-hip form's hip (field hip: left/right); per-hip fields may\n"
    "          also come as FIELD_left, FIELD_right\n"
    "  If any row is refused nothing is loaded (the study file is unchanged) and\n"
    "  every refused row is listed: row, column, value, rule. --skip-invalid loads\n"
    "  the others and lists every row left out. --reason: for values that change\n"
    "  recorded ones (audited with it).\n"
    "Exit status: 0 loaded, 1 refused (nothing loaded), 2 usage.\n";

static void refusal_cb(void *ctx, const import_refusal *r) {
  (void)ctx;
  fprintf(stderr, "row %zu, column '%s': value '%s' refused: %s", r->row, r->column, r->value, r->rule);
  if (r->last > r->first) fprintf(stderr, " (rows %zu-%zu left out together)", r->first, r->last);
  fputc('\n', stderr);
}

static int run_records(int argc, char **argv) {
  const char *pos[3] = {NULL}, *format = NULL;
  import_opts o = {.user = store_user_default()};
  cli_progress pg = {.what = "import"};
  const cli_option opts[] = {
      {"--format", CLI_VALUE, &format, "long, wide or redcap", NULL, NULL},
      {"--skip-invalid", CLI_FLAG, &o.skip_invalid, NULL, NULL, NULL},
      {"--map", CLI_VALUE, &o.map_path, "a file", NULL, NULL},
      {"--reason", CLI_TEXT, &o.reason, "a text", NULL, NULL},
      {"--user", CLI_VALUE, &o.user, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("import", argc, argv, opts, pos, 3, 3, "records STUDY.db FILE", NULL, NULL);
  if (r) return r;
  if (!format) return cli_usage_error("import", "--format is required (long, wide or redcap)");
  avn_err e;
  avn_err_clear(&e);
  if (import_format_parse(format, &o.format, &e)) return cli_usage_error("import", "--format %s: %s", format, e.rule);
  o.refused = refusal_cb;
  if (isatty(STDERR_FILENO)) o.progress = cli_progress_draw;
  o.ctx = &pg;
  store *s = NULL;
  import_summary sum = {0};
  avn_rc rc = cli_open_write(pos[1], &s, &e);
  if (!rc) rc = import_records(s, pos[2], &o, &sum, &e);
  store_close(s);
  inst_registry_free();
  if (rc == AVN_E_USAGE) return cli_usage_error("import", "%s %s", e.field, e.rule);
  if (rc) return cli_error("import", &e);
  if (!sum.loaded) {
    printf("%s: %zu rows read, %zu refused: nothing loaded (%s unchanged)\n", pos[2], sum.rows, sum.refused, pos[1]);
    return 1;
  }
  printf("%s: %zu rows read, %zu form entries, %zu values new or changed", pos[2], sum.rows, sum.forms, sum.values);
  if (sum.patients) printf(", %zu patients enrolled", sum.patients);
  if (sum.visits) printf(", %zu visit dates recorded", sum.visits);
  if (sum.refused) printf(", %zu rows refused and left out (listed above)", sum.refused);
  if (sum.ignored_columns) printf(", %zu columns ignored (identifiers, computed scores)", sum.ignored_columns);
  printf("\n");
  return 0;
}

/* "a,b,c" into at most max names, in place. */
static size_t split_names(char *s, const char **out, size_t max) {
  size_t n = 0;
  char *save = NULL;
  for (char *t = strtok_r(s, ",", &save); t && n < max; t = strtok_r(NULL, ",", &save)) out[n++] = t;
  return n;
}

static int run_dictionary(int argc, char **argv) {
  const char *pos[2] = {NULL}, *out = NULL, *hips = NULL;
  const char *hip_forms[64];
  char hip_buf[1024] = "";
  const cli_option opts[] = {
      {"--out", CLI_VALUE, &out, "a file", NULL, NULL},
      {"--per-hip", CLI_TEXT, &hips, "form names, comma-separated", NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("import", argc, argv, opts, pos, 2, 2, "dictionary DICT.csv", NULL, NULL);
  if (r) return r;
  if (!out) return cli_usage_error("import", "--out FORMS.yaml is required");
  snprintf(hip_buf, sizeof hip_buf, "%s", hips ? hips : "");
  import_dict_opts o = {.hip_forms = hip_forms, .n_hip_forms = split_names(hip_buf, hip_forms, 64)};
  import_dict_result res = {0};
  avn_err e;
  avn_err_clear(&e);
  avn_rc rc = import_dictionary(pos[1], &o, &res, &e);
  inst_registry_free();
  if (rc) return cli_error("import", &e);
  FILE *fp = fopen(out, "wb");
  bool ok = fp && fputs(res.yaml, fp) >= 0;
  if (fp && fclose(fp) != 0) ok = false;
  if (!ok) {
    avn_fail(&e, AVN_E_IO, "--out", out, "cannot be written");
    import_dict_result_free(&res);
    return cli_error("import", &e);
  }
  printf("%s: %zu fields -> %zu forms, %zu items in %s\n", pos[1], res.n_fields, res.n_forms, res.n_items, out);
  if (res.n_notes) printf("to review (%zu):\n", res.n_notes);
  for (size_t i = 0; i < res.n_notes; i++)
    printf("  row %zu, %s: %s\n", res.notes[i].row, res.notes[i].field, res.notes[i].text);
  import_dict_result_free(&res);
  return 0;
}

int cmd_import(int argc, char **argv) {
  if (argc >= 2 && !strcmp(argv[1], "dictionary")) return run_dictionary(argc, argv);
  if (argc >= 2 && !strcmp(argv[1], "records")) return run_records(argc, argv);
  return cli_usage_error("import", "give dictionary or records");
}
