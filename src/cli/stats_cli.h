/*
** stats_cli.h: what every `avn stats TEST` method adapter shares.
**
** The command (cmd_stats.c) parses argv once into a stats_opts, reads
** the columns they name from --data once (when given), creates the JSON result object and
** a text buffer, and calls the method's adapter from stats_methods.def:
**
**     avn_rc stats_cli_NAME(stats_ctx *c);
**
** The adapter picks its columns (stats_cli_frame), calls the library in
** src/stats/, fills c->json (stats_json_*) and c->text (stats_text_*), and
** returns AVN_OK, or a status with c->err filled. It never prints and never
** exits: cmd_stats prints the JSON (--json) or the text, or the error, and
** maps the status to the exit code (AVN_E_USAGE -> 2, others -> 1).
** How to add a method: docs/internals/stats_cli.md.
**
** Options: every argument after TEST is `--name VALUE`, `--name=VALUE` or a
** flag listed in stats_flag_names (stats_cli.c). Options may repeat
** (--ref a=x --ref b=y); stats_opt() returns the last. Each adapter
** declares the options it understands with stats_cli_allow(), so a typo is
** a usage error (exit 2) instead of being silently ignored.
**
** Data: cmd_stats reads the columns the options name, once, into c->data
** (src/frame/frame_vars.h: typed columns, from a CSV file or a study);
** stats_cli_frame() translates the options (--factors, --levels, --ref)
** into a frame_select() over named columns (src/frame/frame_sel.h:
** complete cases, numeric arrays, factor codes and levels, ordered
** numerically when every level is a number, else in C-locale order).
** --levels also chooses: rows whose level is not listed are left out
** (n_unlisted, "n_not_in_levels" in the JSON), as R's factor(x, levels =
** ...) + subset; --ref col=level moves a level first (R's relevel).
**
** Ownership: the frame owns its arrays (frame_sel_free); level strings are
** borrowed from c->data, which lives until the command ends. The JSON
** helpers add to objects the caller owns; NaN/Inf become null.
*/
#ifndef AVN_STATS_CLI_H
#define AVN_STATS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "core/buf.h"
#include "core/rc.h"
#include "frame/frame_sel.h"
#include "frame/frame_vars.h"

/* ---- options ---------------------------------------------------------- */

typedef struct stats_optval {
  const char *name;   /* without the leading "--" */
  const char *value;  /* NULL for a flag */
} stats_optval;

typedef struct stats_opts {
  stats_optval *v;    /* in command-line order */
  size_t n;
} stats_opts;

/* Last value of --name, or NULL when absent (borrowed from argv). */
const char *stats_opt(const stats_opts *o, const char *name);
/* True when --name (a flag, or an option with a value) was given. */
bool stats_has(const stats_opts *o, const char *name);
/* Required option: AVN_E_USAGE naming --name when absent. */
avn_rc stats_opt_req(const stats_opts *o, const char *name, const char **value /* OUT */,
                     avn_err *e);
/* --name as a double in [lo, hi] (def when absent); AVN_E_USAGE when not a
** number or out of range. */
avn_rc stats_opt_double(const stats_opts *o, const char *name, double def, double lo,
                        double hi, double *x /* OUT */, avn_err *e);
/* --name as one of the words in choices (NULL-terminated); returns the
** index in *idx, def when absent; AVN_E_USAGE otherwise. */
avn_rc stats_opt_choice(const stats_opts *o, const char *name, const char *const choices[],
                        int def, int *idx /* OUT */, avn_err *e);
/* Splits a comma list ("a,b,c") into *items (an array of pointers into one
** allocation; free *items with avn_free). Empty list => *n = 0. */
avn_rc stats_split_list(const char *s, char ***items /* OUT */, size_t *n /* OUT */);

/* ---- the context handed to every adapter ------------------------------- */

typedef struct stats_ctx {
  const char *test;      /* the TEST word */
  stats_opts opts;
  const char *data_path; /* --data or NULL */
  bool last;             /* the last test of the run: it may release columns
                            it has copied (frame_vars_release) */
  frame_vars *data;      /* the columns the tests name, read once from --data
                            (a CSV file, or a study: STUDY.db, postgresql://) */
  json_t *json;          /* result object (owned by cmd_stats) */
  avn_buf text;          /* human-readable output */
  avn_err *err;
  bool several;          /* one of several tests on one read (km,logrank,cox):
                            stats_cli_allow marks the options a test takes and
                            narrows opts to them, instead of refusing the rest */
  bool *opt_used;        /* [all.n] with several: taken by some test */
  stats_opts all;        /* with several: every option given */
  stats_optval *narrow;  /* with several: [all.n], the current test's options */
} stats_ctx;

typedef avn_rc (*stats_cli_fn)(stats_ctx *c);

/* Refuses (AVN_E_USAGE) any option not in the comma list allowed; "data"
** and "json" are always allowed. Call it first in an adapter. */
avn_rc stats_cli_allow(stats_ctx *c, const char *allowed);
/* src/stats names the role that failed in the error's field ("subject",
** "predictors", "x"); this names what the user gave for it instead: the
** column (or column list) `column`, when the field is `role`. */
void stats_cli_role_field(stats_ctx *c, const char *role, const char *column);
/* The data, or AVN_E_USAGE "--data FILE.csv is required". */
avn_rc stats_cli_data(const stats_ctx *c, const frame_vars **d /* OUT */);
/* Confidence level from --conf-level or 1 - --alpha (default 0.95), in (0,1);
** both options given and disagreeing is a usage error. */
avn_rc stats_cli_conf_level(const stats_ctx *c, double *level /* OUT */);

typedef enum stats_alt { STATS_TWO_SIDED = 0, STATS_LESS = 1, STATS_GREATER = 2 } stats_alt;
/* --alternative two.sided|less|greater (default two.sided). */
avn_rc stats_cli_alternative(const stats_ctx *c, stats_alt *alt /* OUT */);
const char *stats_alt_name(stats_alt a);

/* ---- frames: complete cases over several columns ---------------------- */

typedef struct stats_colspec {
  const char *name;    /* column name */
  frame_sel_kind kind; /* FRAME_SEL_AUTO: numeric if every cell is a number
                          and the column is not listed in --factors */
} stats_colspec;

/* Builds the complete-case frame over the listed columns (O(rows x cols +
** levels log levels)). Errors name the column: AVN_E_UNKNOWN (no such
** column), AVN_E_TYPE (non-numeric cell in a numeric column, with row and
** value), AVN_E_UNKNOWN for a --ref/--levels level not in the data. An
** empty result is not an error here: methods check their own minimum n. */
avn_rc stats_cli_frame(const stats_ctx *c, const stats_colspec *spec, size_t nspec,
                       frame_sel *f /* OUT */);
/* The same, with the numeric columns from spec[borrow_from] on borrowed
** from the read (x NULL; frame_want.borrow): for a caller that copies them
** into a design matrix itself. */
avn_rc stats_cli_frame_borrow(const stats_ctx *c, const stats_colspec *spec, size_t nspec,
                              size_t borrow_from, frame_sel *f /* OUT */);
/* True when name is listed in --factors. */
bool stats_cli_is_listed_factor(const stats_ctx *c, const char *name);

/* Splits numeric variable f->v[vi] by the two-level factor f->v[gi] into
** x (level 0) and y (level 1), freshly allocated (avn_free both). A factor
** with other than 2 levels is AVN_E_DEGENERATE naming the column and the
** levels found (--levels a,b picks two levels and their order). */
avn_rc stats_cli_two_groups(const stats_ctx *c, const frame_sel *f, size_t vi, size_t gi,
                            double **x /* OUT */, size_t *nx /* OUT */, double **y /* OUT */,
                            size_t *ny /* OUT */);
/* The k-group frame of --value V (numeric) by --group G (factor) after
** stats_cli_allow(c, allowed); fewer than 2 groups is AVN_E_DEGENERATE
** naming G. *vc, *gc: the column names. (oneway, kruskal.) */
avn_rc stats_cli_value_by_group(stats_ctx *c, const char *allowed, frame_sel *f /* OUT */,
                                const char **vc /* OUT */, const char **gc /* OUT */);
/* Replaces the numeric f->v[vi].x by the cells minus the first kept cell,
** subtracted in decimal from the CSV text (csv_decimal_diff) before any
** rounding: for shift-invariant statistics (ANOVA sums of squares, F) on
** data with many constant leading digits (NIST SmLs07-09:
** 1000000000000.4), which doubles would already have rounded away. Adds
** "centred_on" to the JSON. */
void stats_cli_center_exact(stats_ctx *c, frame_sel *f, size_t vi);
/* Reads the factor columns xc and yc (complete rows) into f for a cross
** table; a factor with fewer than 2 levels is AVN_E_DEGENERATE naming it. */
avn_rc stats_cli_factor_pair(stats_ctx *c, const char *xc, const char *yc, frame_sel *f /* OUT */);
/* Cross table of the factors f->v[0] (rows) and f->v[1] (columns): counts
** r x c row-major, allocated (avn_free). */
avn_rc stats_cli_crosstab(const stats_ctx *c, const frame_sel *f, double **counts /* OUT */);
/* Adds "rows", "cols" (level names) and "observed" (array of rows) to c->json,
** and the table as text. */
avn_rc stats_cli_put_table(stats_ctx *c, const frame_sel *f, const char *key,
                           const double *m);

/* --conf-int of wilcoxon / mann-whitney: the status of wilcoxon_hl_*
** (AVN_E_DEGENERATE becomes the message naming data_name), else adds
** estimate, estimate_name, ci_low, ci_high, conf_level, ci_exact. */
struct wilcoxon_hl;
avn_rc stats_cli_put_hl(stats_ctx *c, avn_rc rc, const char *data_name,
                        const struct wilcoxon_hl *hl, const char *estimate_name);

/* R's "alternative hypothesis" sentence: "true WHAT is not equal to MU". */
char *stats_alt_sentence(char *buf, size_t n, const char *what, stats_alt a, double mu);

/* ---- JSON result helpers ------------------------------------------------ */

/* "method", "n" and "n_missing" (complete rows and rows dropped) of f. */
void stats_json_head(stats_ctx *c, const char *method, const frame_sel *f);
/* Sets key to the number (null when NaN or infinite). */
void stats_json_num(json_t *o, const char *key, double x);
void stats_json_int(json_t *o, const char *key, long long v);
void stats_json_str(json_t *o, const char *key, const char *s);
void stats_json_bool(json_t *o, const char *key, bool b);

typedef struct stats_coef {
  const char *term;
  double estimate, se, robust_se, statistic, p, ci_low, ci_high; /* NAN = null */
} stats_coef;
/* Appends one {"term",...,"ci_high"} row to the array at key
** "coefficients" (created on first use). */
avn_rc stats_json_coef(json_t *o, const stats_coef *row);

typedef struct stats_surv_row {
  double time, n_risk, n_event, n_censor, surv, std_err, lower, upper;
  const char *strata;  /* NULL = no strata (field omitted) */
} stats_surv_row;
/* Appends one row to the array at key "table". */
avn_rc stats_json_surv(json_t *o, const stats_surv_row *row);
/* Appends {"a","b","p","p_adjusted"} to the array at key "pairs". */
avn_rc stats_json_pair(json_t *o, const char *a, const char *b, double p, double p_adjusted);
/* The array at key (created empty on first use); borrowed. */
json_t *stats_json_array(json_t *o, const char *key);

/* ---- text output, formatted like R's print ------------------------------ */

/* x with `digits` significant digits, the shortest of fixed and scientific
** notation as R's format() chooses (trailing zeros dropped); "NA", "Inf". */
char *stats_fmt_num(char *buf, size_t n, double x, int digits);
/* p-value as R's format.pval(p, digits): "< 2.2e-16" below machine epsilon. */
char *stats_fmt_p(char *buf, size_t n, double p, int digits);
/* Appends "label = value" pieces: stats_text_kv(&c->text, "t", 2.5, 7). */
avn_rc stats_text_printf(stats_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The R htest block: title, data line, statistic line with p, alternative,
** CI and estimate. Any NaN field is left out. */
typedef struct stats_htest {
  const char *method;      /* "Welch Two Sample t-test" */
  const char *data_name;   /* "len by supp" */
  const char *stat_name;   /* "t", "W", "V", "X-squared", "F" */
  double statistic;
  const char *df_name;     /* "df" or NULL */
  double df;
  double p;
  const char *alternative; /* full sentence or NULL */
  double conf_level, ci_low, ci_high;
  const char *estimate_name;
  double estimate;
} stats_htest;
avn_rc stats_text_htest(stats_ctx *c, const stats_htest *h);

#endif
