/*
** cmd_stats.c: `avn stats TEST --data FILE.csv [options] [--json]`.
**
** Parses the options once (stats_opts), reads from --data (a CSV file, or a
** study: STUDY.db or a postgresql:// URI, as its analysis dataset with the
** wide export's column names) the columns the options name, once,
** looks TEST up in stats_methods.def and runs its adapter with a stats_ctx;
** then prints the JSON object (--json) or the adapter's text, or the error.
** Exit status: 0 ok, 1 input refused (missing column, non-numeric cell,
** degenerate data), 2 usage error (unknown test or option, bad option value).
**
** Option syntax: `--name VALUE`, `--name=VALUE`, or a flag from
** stats_flags[] below (a flag never takes a value). Add a new flag there
** with a one-line edit.
*/
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/stats_cli.h"
#include "cli/stats_formula.h"
#include "core/mem.h"
#include "store/store.h"

#define AVN_STATS_METHOD(name, summary, fn) avn_rc fn(stats_ctx *c);
#include "cli/stats_methods.def"
#undef AVN_STATS_METHOD

typedef struct stats_method {
  const char *name;
  const char *summary;
  stats_cli_fn run;
} stats_method;

static const stats_method methods[] = {
#define AVN_STATS_METHOD(name, summary, fn) {name, summary, fn},
#include "cli/stats_methods.def"
#undef AVN_STATS_METHOD
};
static const size_t n_methods = sizeof methods / sizeof methods[0];

/* Options that never take a value. */
static const char *const stats_flags[] = {
  "json", "var-equal", "no-correct", "no-yates", "paired", "ml", "reml",
  "robust", "verbose", "no-intercept", "no-interaction", "strict", "conf-int", NULL,
};

const char cmd_stats_usage[] =
    "usage: avn stats TEST[,TEST...] --data FILE.csv|STUDY [options] [--json]\n"
    "(STUDY.db or postgresql://: its dataset, columns as avn export's csv)\n\n"
    "Several tests separated by commas (km,logrank,cox) run on ONE read of the\n"
    "file, each taking the options it understands; --json then prints\n"
    "{\"tests\": [...], \"km\": {...}, ...}, each object as the test alone prints it.\n\n"
    "Runs a statistical test on the columns of a CSV file (header row required;\n"
    "empty cells and NA are missing and are dropped per analysis, with the count\n"
    "reported). --json prints one JSON object with 17 significant digits.\n\n"
    "Common options: --col C | --x A --y B (paired: y - x) | --value V --group G\n"
    "  --time T --event E [--event-value V] | --covariates a,b | --factors b\n"
    "  --ref b=level | --levels a,b (or col=a,b) | --outcome Y --predictors a,b\n"
    "  --subject S | --within W | --cluster C | --alpha A | --conf-level L\n"
    "  --alternative two.sided|less|greater\n"
    "  --formula F: R's model formula instead of the role flags, e.g. cox:\n"
    "    \"Surv(time, status) ~ age + factor(stage) + strata(site) + cluster(id)\";\n"
    "    ols: \"y ~ a + b\", \"y ~ poly(x, 10, raw = TRUE)\"; lmm: \"hhs ~ visit +\n"
    "    (1 | patient)\"; t, anova, kruskal ...: \"value ~ group\"; anova2: \"y ~ a * b\"\n"
    "Events (km, logrank, cox) are coded as R's Surv(): 0/1, 1/2 (2 = event, when\n"
    "  the column holds exactly 1 and 2) or TRUE/FALSE; --event-value V makes\n"
    "  rows equal to V the events and every other value censored.\n"
    "--levels a,b (or col=a,b, repeatable) chooses and orders a factor's levels:\n"
    "  rows of unlisted levels are left out (t --levels a,c: two of three groups).\n\n"
    "describe: --col C [--group G] [--factors C] [--quantile-type 7|6]\n"
    "          [--conf-level 0.95]\n"
    "shapiro: --col C (3..5000 values)\n"
    "paired-t: --x A --y B [--mu M] (difference B - A)\n"
    "t: --value V --group G [--var-equal] [--levels a,b] | --col C [--mu M]\n"
    "wilcoxon: --x A --y B | --col C [--mu M] [--exact yes|no|auto] [--no-correct]\n"
    "          [--conf-int]   (Hodges-Lehmann (pseudo)median and CI, as conf.int = TRUE)\n"
    "mann-whitney: --value V --group G [--exact yes|no|auto] [--no-correct] [--conf-int]\n"
    "anova: --value V --group G   (values centred in exact decimal: NIST SmLs07-09\n"
    "       reach 15 digits)\n"
    "oneway: --value V --group G [--var-equal]   (Welch's F unless --var-equal)\n"
    "anova2: --value V --factors A,B [--no-interaction]   (type I SS, A first)\n"
    "kruskal: --value V --group G\n"
    "chisq: --x A --y B [--no-yates]    fisher: --x A --y B\n"
    "km: --time T --event E [--group G] [--conf-type log|log-log|plain] [--at t1,t2]\n"
    "logrank: --time T --event E --group G [--rho R]   (G-rho; 1 = Peto & Peto)\n"
    "cox: --time T --event E --covariates a,b [--factors f] [--ties efron|breslow|exact]\n"
    "     [--cluster ID] [--strata S]   (concordance with its se, as summary(coxph))\n"
    "ols, logistic: --outcome Y --predictors a,b [--factors f] [--cluster ID]\n"
    "     ols --predictors x --degree K: y ~ poly(x, K, raw = TRUE), powers in extended\n"
    "     precision (NIST Filip: 10 digits; R's lm about 7)\n"
    "     [--no-intercept]   (logistic: Y is 0/1, TRUE/FALSE or 2 levels, the first\n"
    "     = failure, as glm; separation is refused)\n"
    "rm-anova: --value V --subject S --within W [--p-adjust bonferroni|holm]\n"
    "lmm: --outcome Y --predictors a,b [--factors f] --subject S [--nested H]\n"
    "     [--method reml|ml]\n"
    "gee: --outcome Y --predictors a,b [--factors f] --subject S\n"
    "     [--family gaussian|binomial] [--corstr exchangeable|independence]\n"
    "kappa: --x A --y B [--weights none|linear|quadratic] [--levels a,b,c]\n"
    "icc: --x A --y B | --cols a,b,c [--type agreement|consistency]\n"
    "     [--unit single|average]\n"
    "power: --design paired|two-sample --delta D --sd S [--alpha A]\n"
    "       (--power P | --n N) [--dropout F]   (no --data needed)\n"
    "       --design logrank --hr H [--p-event P] [--alloc 0.5] [--power P]\n"
    "       --design two-prop --p1 P --p2 Q (--power P | --n N)\n"
    "         [--alternative two.sided|one.sided] [--strict]   (power.prop.test)\n"
    "(add --alternative, --conf-level or --alpha where the test has them)\n\n"
    "Exit status: 0 ok, 1 input refused (names the column and reason), 2 usage.\n";

static bool is_flag(const char *name) {
  for (size_t i = 0; stats_flags[i]; i++)
    if (!strcmp(stats_flags[i], name)) return true;
  return false;
}

/* Is the column `name` named in some option's value (a whole word of it:
** bounded by the value's ends or by characters no name-like word has, so
** "time" is in "--time time" and in "Surv(time, status) ~ x", not in
** "times")? Only such columns are read. */
static bool col_is_wanted(const char *name, void *ctx) {
  const stats_opts *o = ctx;
  size_t nl = strlen(name);
  for (size_t i = 0; i < o->n; i++) {
    const char *v = o->v[i].value;
    if (!v || !strcmp(o->v[i].name, "data")) continue;
    for (const char *p = strstr(v, name); p; p = strstr(p + 1, name)) {
      bool left = p == v || !(isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '.');
      char r = p[nl];
      bool right = !(isalnum((unsigned char)r) || r == '_' || r == '.');
      if (left && right) return true;
    }
  }
  return false;
}

/* --data names a study (an SQLite database or a PostgreSQL URI) rather
** than a CSV file. */
static bool is_study(const char *path) {
  if (!strncmp(path, "postgresql://", 13) || !strncmp(path, "postgres://", 11)) return true;
  FILE *f = fopen(path, "rb");
  char magic[16] = {0};
  bool db = f && fread(magic, 1, sizeof magic, f) == sizeof magic &&
            !memcmp(magic, "SQLite format 3", 16);
  if (f) fclose(f);
  return db;
}

/* Reads the columns the options name from --data, once, for every test. */
static avn_rc read_data(stats_ctx *c, bool keep_text, avn_err *e) {
  frame_vars_opts o = {.wanted = col_is_wanted, .ctx = &c->opts, .keep_text = keep_text};
  if (!is_study(c->data_path)) return frame_vars_read_csv(c->data_path, &o, &c->data, e);
  store *s = NULL;
  avn_rc rc = cli_open_read(c->data_path, &s, e);
  if (!rc) rc = frame_vars_read_study(s, &o, &c->data, e);
  store_close(s);
  return rc;
}

static void list_methods(FILE *f) {
  fprintf(f, "tests:\n");
  for (size_t i = 0; i < n_methods; i++)
    fprintf(f, "  %-14s %s\n", methods[i].name, methods[i].summary);
}

int cmd_stats(int argc, char **argv) {
  int status = 0;
  avn_err err;
  stats_ctx c;
  const stats_method *m = NULL;
  enum { MAX_RUN = 8 };
  const stats_method *run[MAX_RUN];
  size_t n_run = 0;
  json_t *several = NULL;   /* {"tests": [...], "km": {...}, ...} */
  stats_optval *argv_opts = NULL;   /* c.opts.v as parsed (a formula swaps it) */
  stats_formula fm = {0};

  avn_err_clear(&err);
  memset(&c, 0, sizeof c);
  avn_buf_init(&c.text, (size_t)64 << 20);
  c.err = &err;

  if (argc < 2 || argv[1][0] == '-') {
    list_methods(stderr);
    status = cli_usage_error("stats", "expected a TEST name first");
    goto cleanup;
  }
  c.test = argv[1];
  /* TEST or TEST,TEST,...: several tests on one read of the data. */
  for (const char *p = c.test; p && *p;) {
    const char *comma = strchr(p, ',');
    size_t wl = comma ? (size_t)(comma - p) : strlen(p);
    m = NULL;
    for (size_t i = 0; i < n_methods; i++)
      if (strlen(methods[i].name) == wl && !strncmp(methods[i].name, p, wl)) m = &methods[i];
    if (!m || n_run == MAX_RUN) {
      list_methods(stderr);
      status = m ? cli_usage_error("stats", "at most %d tests in one run", MAX_RUN)
                 : cli_usage_error("stats", "unknown test '%.*s'", (int)wl, p);
      goto cleanup;
    }
    for (size_t k = 0; k < n_run; k++)
      if (run[k] == m) {
        status = cli_usage_error("stats", "test '%s' given twice", m->name);
        goto cleanup;
      }
    run[n_run++] = m;
    p = comma ? comma + 1 : NULL;
  }
  c.opts.v = argv_opts = avn_calloc((size_t)argc, sizeof *c.opts.v);
  if (!c.opts.v) {
    avn_fail(&err, AVN_E_NOMEM, NULL, NULL, "out of memory");
    status = cli_error("stats", &err);
    goto cleanup;
  }
  for (int i = 2; i < argc;) {
    const char *a = argv[i];
    if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
      status = cli_usage_error("stats", "unexpected argument '%s' (options are --name VALUE)", a);
      goto cleanup;
    }
    stats_optval *ov = &c.opts.v[c.opts.n++];
    const char *eq = strchr(a, '=');
    if (eq) {
      /* --name=VALUE: the name is copied into argv's own storage by
      ** splitting at '='; argv strings are writable in C. */
      argv[i][eq - a] = '\0';
      ov->name = a + 2;
      ov->value = eq + 1;
      i++;
    } else if (is_flag(a + 2)) {
      ov->name = a + 2;
      ov->value = NULL;
      i++;
    } else {
      if (i + 1 >= argc || !strncmp(argv[i + 1], "--", 2)) {
        status = cli_usage_error("stats", "option '%s' needs a value", a);
        goto cleanup;
      }
      ov->name = a + 2;
      ov->value = argv[i + 1];
      i += 2;
    }
    if (is_flag(ov->name) && ov->value) {
      status = cli_usage_error("stats", "--%s is a flag and takes no value", ov->name);
      goto cleanup;
    }
  }
  c.data_path = stats_opt(&c.opts, "data");
  if (stats_has(&c.opts, "data") && (!c.data_path || !*c.data_path)) {
    status = cli_usage_error("stats", "--data needs a file name");
    goto cleanup;
  }
  if (c.data_path) {
    bool keep_text = false;   /* anova and oneway centre on the decimal text */
    for (size_t k = 0; k < n_run; k++)
      keep_text |= !strcmp(run[k]->name, "anova") || !strcmp(run[k]->name, "oneway");
    avn_rc rc = read_data(&c, keep_text, &err);
    if (rc) {
      status = cli_error("stats", &err);
      goto cleanup;
    }
  }
  if (n_run > 1 && stats_has(&c.opts, "formula")) {
    status = cli_usage_error("stats", "--formula takes one test at a time");
    goto cleanup;
  }
  c.several = n_run > 1;
  if (c.several) {
    c.opt_used = avn_calloc(c.opts.n + 1, sizeof *c.opt_used);
    c.narrow = avn_calloc(c.opts.n + 1, sizeof *c.narrow);
    c.all = c.opts;
    several = json_object();
    json_t *names = json_array();
    if (!c.opt_used || !c.narrow || !several || !names) {
      json_decref(names);
      avn_fail(&err, AVN_E_NOMEM, NULL, NULL, "out of memory");
      status = cli_error("stats", &err);
      goto cleanup;
    }
    for (size_t k = 0; k < n_run; k++) json_array_append_new(names, json_string(run[k]->name));
    json_object_set_new(several, "tests", names);
  }
  for (size_t k = 0; k < n_run; k++) {
    c.test = run[k]->name;
    c.last = k + 1 == n_run;
    if (c.several) c.opts = c.all; /* each test narrows them anew */
    c.json = json_object();
    if (!c.json) {
      avn_fail(&err, AVN_E_NOMEM, NULL, NULL, "out of memory");
      status = cli_error("stats", &err);
      goto cleanup;
    }
    stats_json_str(c.json, "test", c.test);
    if (c.several) avn_buf_printf(&c.text, "%s== %s ==\n", k ? "\n" : "", c.test);
    avn_rc rc = stats_formula_apply(&c, &fm);
    if (!rc) rc = run[k]->run(&c);
    if (rc) {
      if (err.rc == AVN_OK) avn_fail(&err, rc, NULL, NULL, NULL);
      if (rc == AVN_E_USAGE) {
        char msg[1024];
        avn_err_format(&err, msg, sizeof msg);
        status = cli_usage_error("stats", "%s", msg);
      } else {
        status = cli_error("stats", &err);
      }
      goto cleanup;
    }
    if (c.several) {
      json_object_set_new(several, c.test, c.json);
      c.json = NULL;
    }
  }
  /* Several tests: an option none of them takes is still a usage error. */
  if (c.several) c.opts = c.all;
  for (size_t i = 0; c.several && i < c.opts.n; i++) {
    const char *name = c.opts.v[i].name;
    if (c.opt_used[i] || !strcmp(name, "data") || !strcmp(name, "json")) continue;
    status = cli_usage_error("stats", "--%s is not an option of any of %s", name, argv[1]);
    goto cleanup;
  }
  if (stats_has(&c.opts, "json")) {
    status = cli_print_json(c.several ? several : c.json);
    if (c.several) several = NULL;
    else c.json = NULL;
  } else {
    fputs(avn_buf_str(&c.text), stdout);
  }

cleanup:
  json_decref(c.json);
  json_decref(several);
  avn_free(c.opt_used);
  avn_free(c.narrow);
  frame_vars_free(c.data);
  stats_formula_free(&fm);
  avn_free(argv_opts);
  avn_buf_free(&c.text);
  return status;
}
