/*
** scoring.h: what a scoring function sees (internal to src/instruments/).
**
** The registry (registry.c) validates the options and builds an inst_ctx:
** the definition, the response, and one parsed value per option of the
** definition (the user's value, or the definition's default). It then fills
** the output with every result the definition lists, all marked missing, and
** calls the instrument's scorer (hhs.c, womac.c, ...). A scorer reads items
** with inst_ctx_num()/inst_ctx_get(), options with inst_ctx_opt(), and sets
** results by name with inst_set_num()/inst_set_text(). A result the scorer
** cannot compute stays missing: scorers never produce NaN.
**
** Everything here is borrowed: the context lives on inst_score()'s stack.
** Scorers are pure: no I/O, no static state, no allocation.
*/
#ifndef AVN_INST_SCORING_H
#define AVN_INST_SCORING_H

#include <stdbool.h>
#include "instruments/instrument.h"

#define INST_MAX_OPTS 16

typedef struct inst_ctx {
  const inst_def *def;
  const inst_response *resp;
  inst_value opt[INST_MAX_OPTS];  /* parsed, index = option index in def */
} inst_ctx;

typedef avn_rc (*inst_scorer)(const inst_ctx *c, inst_scores *out, avn_err *e);

/* The value of item, or NULL when absent or missing. */
const inst_value *inst_ctx_get(const inst_ctx *c, const char *item);
/* true and *v set when the item has a value; false when missing. */
bool inst_ctx_num(const inst_ctx *c, const char *item, double *v /* OUT */);
/* The parsed value of option name (always present: default or user's).
** The name must be an option of the definition (asserted). */
const inst_value *inst_ctx_opt(const inst_ctx *c, const char *name);

/* Set a result by name (the name must be in the definition; asserted). */
void inst_set_num(inst_scores *s, const char *name, double v);
void inst_set_text(inst_scores *s, const char *name, const char *text, double num);
/* Sets the category result name from value by the definition's `levels:`
** (best first); its num is the rank, n_levels for the best down to 1. */
void inst_set_level(const inst_ctx *c, inst_scores *s, const char *name, double value);

/* The scorers, one file each. */
avn_rc hhs_score(const inst_ctx *c, inst_scores *out, avn_err *e);
avn_rc vas_score(const inst_ctx *c, inst_scores *out, avn_err *e);
avn_rc womac_score(const inst_ctx *c, inst_scores *out, avn_err *e);
avn_rc sf36_score(const inst_ctx *c, inst_scores *out, avn_err *e);
avn_rc mri_score(const inst_ctx *c, inst_scores *out, avn_err *e);
avn_rc cell_product_score(const inst_ctx *c, inst_scores *out, avn_err *e);
avn_rc baseline_score(const inst_ctx *c, inst_scores *out, avn_err *e);
avn_rc rom_score(const inst_ctx *c, inst_scores *out, avn_err *e);

/* HHS range-of-motion index (Harris 1969), shared by hhs.c and rom.c:
** degrees -> points 0..5 (capped). */
double hhs_rom_index(double flexion, double abduction, double adduction,
                     double er, double ir);
/* Total-arc band method: sum of the five arcs -> 0..5. */
double hhs_rom_bands(double flexion, double abduction, double adduction,
                     double er, double ir);

#endif
