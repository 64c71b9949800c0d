/*
** registry_int.h: the inside of an instrument definition, shared by the two
** halves of the registry. Internal to src/instruments/; everything else
** reads definitions through instrument.h.
**
**   registry_parse.c  YAML text -> inst_def (core/ytree readers), the
**                     definition's memory pool, inst_def_parse/inst_def_free.
**   registry.c        the registry singleton (which definitions exist, the
**                     scorer table), accessors, value parsing, completeness
**                     and cross-item rules, dispatch to the scorers.
**
** The two call each other once: a definition whose items say
** `- include: OTHER` asks the registry for OTHER (registry_load_by_name),
** and the registry parses each shipped file with registry_parse_def.
*/
#ifndef AVN_REGISTRY_INT_H
#define AVN_REGISTRY_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "instruments/instrument.h"
#include "instruments/scoring.h"

#define INCLUDE_DEPTH_MAX 4

typedef struct def_item {
  inst_item pub;        /* what accessors hand out */
  bool by_value;        /* code may be entered as its numeric value */
  const char *dflt;     /* options only: default value text */
  struct cond *cond;    /* `show_if:` parsed (owned by the definition's conds), or NULL */
  int line;             /* of the item's mapping, for refusals */
} def_item;

typedef struct def_rule {
  const char *item;       /* the later value */
  const char *not_before; /* the item it must not precede */
} def_rule;

/* A declarative result (`sum:` in the result's mapping): the sum of the
** listed items' values; up to max_missing of them may be missing, each then
** taking the mean of the answered ones (prorating); more missing leaves the
** result missing. rescale maps the possible range [min_raw, max_raw] (from
** the items' codes or bounds) linearly onto [lo, hi]. items is NULL for a
** result the C scorer sets. */
typedef struct def_sum {
  const char **items;
  size_t n_items;
  int max_missing;
  bool rescale;
  double lo, hi;
  double min_raw, max_raw;
  int line;             /* of `sum:`, for refusals */
} def_sum;

/* Every string below is in the pool; the arrays items, opts, results, rules
** and agree_on are owned directly. Items spliced in by `include` are
** shallow copies whose strings and codes belong to the included definition. */
struct inst_def {
  const char *file;
  const char *name;
  const char *title;
  const char *title_ar;   /* its Arabic, or NULL */
  inst_level level;
  def_item *items;
  size_t n_items, cap_items;
  def_item *opts;
  size_t n_opts, cap_opts;
  inst_result_def *results;
  def_sum *sums;        /* n_results slots, parallel to results */
  size_t n_results;
  inst_role role;        /* `role:` */
  const char *scorer_name; /* `scorer:` the C scorer's name; NULL: the definition's name */
  def_rule *rules;
  size_t n_rules;
  const char *reader;   /* reads: the item naming the reader, or NULL */
  bool repeats;         /* `repeats: true`: numbered instances per patient (a log) */
  const char **agree_on;/* reads: items the readers must agree on */
  size_t n_agree;
  inst_scorer score;
  struct cond **conds;  /* the items' parsed conditions, owned */
  size_t n_conds, cap_conds;
  void **pool;          /* every allocation this definition owns */
  size_t n_pool, cap_pool;
};

/* Parses one definition file (text, len bytes; file names it in "file:line"
** refusals). expect_name: the name the definition must carry (the file
** name), or NULL. depth: how many includes led here. *out is the caller's,
** freed with inst_def_free. */
avn_rc registry_parse_def(const char *file, const char *text, size_t len, const char *expect_name,
                          int depth, inst_def **out /* OUT */, avn_err *e);

/* The shipped definition called name, loaded (and registered) on first use.
** depth > INCLUDE_DEPTH_MAX is refused (an include cycle). AVN_E_UNKNOWN:
** no such file. *out is borrowed from the registry. */
avn_rc registry_load_by_name(const char *name, int depth, const inst_def **out /* OUT */,
                             avn_err *e);

/* The scoring function of the definition called name, or NULL. */
inst_scorer registry_scorer(const char *name);

/* Parses one definition from its mapping root (already read by core/ytree
** from file); registry_parse_def without the text step. */
avn_rc registry_parse_tree(const char *file, const struct ytree *root, const char *expect_name,
                           int depth, inst_def **out /* OUT */, avn_err *e);

/* The declarative results of d (def_sum), computed from c's response. */
void registry_score_sums(const inst_ctx *c, inst_scores *out);

/* Parses text as a value of the item or option di of d (inst_parse_value). */
avn_rc registry_value_item(const inst_def *d, const def_item *di, const char *text,
                           inst_value *out /* OUT */, avn_err *e);

#endif
