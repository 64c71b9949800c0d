/*
** instrument.h: case report forms as data, and their scoring.
**
** An instrument (HHS, WOMAC, SF-36, an MRI read, a cell product, an adverse
** event, ...) is ONE definition: a YAML file in src/instruments/defs/,
** compiled into the binary, listing its items (name, label, type, unit,
** range, codes with labels and values, required or not) and its result
** fields. That same definition drives validation here, the store's typed
** values, the web forms, the exports' variable and value labels, and the
** analysis. Nothing describes an item twice. Scoring is C, one file per
** instrument (hhs.c, womac.c, sf36.c, ...), registered by name, or a
** declarative sum in the definition (`sum:`). A protocol may add forms of
** its own in the same format (inst_register; docs/forms.md).
**
** Ownership: definitions are loaded once, on first use, and live until
** inst_registry_free() (call it at exit; valgrind stays clean). Every
** pointer returned here is borrowed from the registry.
**
** Values: an inst_value holds one parsed item value. Numbers, dates (day
** numbers, core/date.h), times (minutes since midnight), booleans (0/1) and
** codes (the code's numeric value) all travel in `num`; a code's name and a
** text item's content travel in `text`. A missing value has missing = true.
*/
#ifndef AVN_INSTRUMENT_H
#define AVN_INSTRUMENT_H

#include <stdbool.h>
#include <stddef.h>
#include "core/rc.h"

typedef enum inst_type {
  INST_INT,      /* whole number, range-checked */
  INST_REAL,     /* decimal number, range-checked */
  INST_CODE,     /* one of a list of named codes */
  INST_BOOL,     /* yes/no (accepts yes/no, true/false, 1/0) */
  INST_DATE,     /* YYYY-MM-DD; not in the future */
  INST_TIME,     /* HH:MM, minutes since midnight */
  INST_TEXT      /* free text, bounded length */
} inst_type;

typedef enum inst_level {
  INST_LEVEL_PATIENT,  /* one per patient per visit (SF-36, VAS if per patient) */
  INST_LEVEL_HIP       /* one per hip per visit (HHS, MRI read, cell product) */
} inst_level;

/* What a form is for, when avn's analysis needs to know (`role:` in the
** definition): the report, the store and the demo find "the adverse event
** form" or "the conversion form" by role, never by a form's name. */
typedef enum inst_role {
  INST_ROLE_NONE,           /* an ordinary form */
  INST_ROLE_ADVERSE_EVENT,  /* adverse_event: safety tables */
  INST_ROLE_CONVERSION,     /* conversion: arthroplasty (THA), the survival endpoint */
  INST_ROLE_IMAGING,        /* imaging: the MRI read, staging and radiology */
  INST_ROLE_PROCEDURE,      /* procedure: the procedure record of a scheduled procedure */
  INST_ROLE_CELL_PRODUCT,   /* cell_product: the cell product given */
  INST_ROLE_BASELINE,       /* baseline: per-patient baseline (BMI, history) */
  INST_ROLE_HIP_BASELINE    /* hip_baseline: per-hip baseline (etiology) */
} inst_role;

typedef struct inst_code {
  const char *name;    /* canonical name used on the command line: "slight" */
  const char *label;   /* words shown on forms: "Slight, occasional, ..." */
  double value;        /* numeric value (points, precoded value, grade) */
  const char *label_ar;  /* its Arabic (label_ar:), or NULL */
} inst_code;

typedef struct inst_item {
  const char *name;    /* canonical item name (docs/instruments.md 7) */
  const char *label;
  const char *unit;    /* "mm", "deg", "min", "" */
  inst_type type;
  double min, max;     /* for INST_INT/INST_REAL; min > max means unbounded */
  const inst_code *codes;  /* for INST_CODE */
  size_t n_codes;
  bool required;       /* the form is incomplete without it */
  const char *alias_of;    /* e.g. vas "pain_cm" is an entry alias of "pain_mm"
                              (converted on parse); NULL for ordinary items */
  double alias_factor;     /* stored = entered * alias_factor */
  const char *show_if;     /* `show_if:` the item applies only when this
                              condition holds (cond.h); NULL: always */
  const char *note;        /* `note:` for whoever reviews the definition (an
                              imported REDCap calculation); NULL if none */
  bool identifying;        /* `identifying: true`: a direct identifier, never
                              exported */
  const char *label_ar;    /* its Arabic (label_ar:), or NULL: shown by the Arabic interface */
} inst_item;

/* One level of a category result (`levels:`), best first: a value at or
** above min (has_min) falls in the first such level; the last level, without
** min, takes the rest. */
typedef struct inst_cat_level {
  const char *name;    /* "excellent" */
  double min;
  bool has_min;
} inst_cat_level;

typedef struct inst_result_def {
  const char *name;    /* JSON key of `avn score --json`: "total", "pcs" */
  const char *label;
  const char *unit;
  bool category;       /* `type: category`: the scorer gives a named class
                          ("excellent", "IIIA") with its rank in num; else a number */
  int better;          /* `better:` +1 higher is better, -1 lower is, 0 not stated */
  double mcid;         /* `mcid:` minimal clinically important difference; NAN if none */
  const inst_cat_level *levels;  /* `levels:` of a category result, best first; NULL if none */
  size_t n_levels;
} inst_result_def;

typedef struct inst_value {
  const char *item;    /* item name (borrowed from the definition) */
  bool missing;
  const char *code;    /* a missing-data code ("ND", inst_missing_codes) when
                          the value was entered as one: missing, but recorded
                          and told apart from a blank; NULL otherwise. Static. */
  double num;
  const char *text;    /* code name or text (borrowed from the caller's
                          input or from the definition) */
} inst_value;

/* The item values of one form instance. Items not present count as missing. */
typedef struct inst_response {
  const inst_value *values;
  size_t n;
} inst_response;

/* Scoring options, `--opt name=value` on the command line: rom_method,
** deformity_method, mhhs_factor, womac_max_missing_pain, ficat_variant... */
typedef struct inst_opt {
  const char *name;
  const char *value;
} inst_opt;

typedef struct inst_result {
  const char *name;    /* borrowed from the definition's result list */
  bool missing;        /* could not be computed (e.g. too many items missing) */
  double num;
  const char *text;    /* for categorical results ("excellent", "IIIA"); static */
} inst_result;

#define INST_MAX_RESULTS 48

typedef struct inst_scores {
  inst_result r[INST_MAX_RESULTS];
  size_t n;
} inst_scores;

typedef struct inst_def inst_def;   /* opaque; fields through accessors */

/* Missing-data codes, accepted for any item (`pain=ND`): the CDISC / HL7
** null flavours REDCap offers as missing data codes, plus ND. A coded value
** is stored as its code and counts as missing in scoring, analysis and
** exports; a required item given a code counts as answered. */
typedef struct inst_missing_code {
  const char *code;    /* "ND" */
  const char *label;   /* "not done" */
} inst_missing_code;
extern const inst_missing_code inst_missing_codes[];
extern const size_t inst_n_missing_codes;
/* The code's entry, or NULL when text is not a missing-data code. */
const inst_missing_code *inst_missing_code_find(const char *text);

/* --- registry --- */
const inst_def *inst_find(const char *name);     /* NULL when unknown */
size_t inst_count(void);
const inst_def *inst_at(size_t i);               /* 0 <= i < inst_count() */
void inst_registry_free(void);

/* The name of the form with role r: the most recently registered one (a
** study's own form before a shipped one), or "" when none has it. Never
** NULL, so it can be compared with strcmp directly. */
const char *inst_role_form(inst_role r);
inst_role inst_get_role(const inst_def *d);
/* "adverse_event", ... ; "" for INST_ROLE_NONE. Static. */
const char *inst_role_name(inst_role r);

/* --- definition accessors --- */
const char *inst_name(const inst_def *d);        /* "hhs" */
const char *inst_title(const inst_def *d);       /* "Harris Hip Score" */
const char *inst_title_ar(const inst_def *d);    /* its Arabic (title_ar:), or NULL */
inst_level inst_get_level(const inst_def *d);
size_t inst_n_items(const inst_def *d);
const inst_item *inst_item_at(const inst_def *d, size_t i);
const inst_item *inst_item_find(const inst_def *d, const char *item);
size_t inst_n_results(const inst_def *d);
const inst_result_def *inst_result_at(const inst_def *d, size_t i);

/* Independent reads (`reads:` in the definition, e.g. two radiologists on
** one MRI): the item naming the reader, or NULL when the form has no reads.
** Entries 1 and 2 of such a form whose readers differ are two reads, not a
** double data entry; inst_agree_at(d, i) are the items (the reader's stage)
** on which a disagreement between readers goes to consensus. */
const char *inst_reader_item(const inst_def *d);
/* A repeating form (`repeats: true`: adverse events, concomitant
** medication, unscheduled visits): any number of instances per patient,
** numbered 1, 2, 3 ... in the store, each at a visit or at none. */
bool inst_repeats(const inst_def *d);
size_t inst_n_agree(const inst_def *d);
const char *inst_agree_at(const inst_def *d, size_t i);   /* NULL past the end */

/* Parses and validates one value given as text. For an alias item the value
** is converted and out->item names the target item. Refusals name the field
** ("hhs.flexion_deg"), the value and the rule ("must be between 0 and 140"). */
avn_rc inst_parse_value(const inst_def *d, const char *item, const char *text,
                        inst_value *out /* OUT */, avn_err *e);

/* AVN_OK when every value names an item, the cross-item rules hold and
** every required item that applies (inst_item_applies) is present. Refused
** first: an unknown item (AVN_E_UNKNOWN), a value for an item whose show_if
** is false (AVN_E_STATE, naming the item, value and condition) and a broken
** rule; AVN_E_REQUIRED (naming the first missing item) comes last, so it
** means "valid but incomplete": such a form is stored, listed by avn check
** and scored by the instrument's own missing-item rule. */
avn_rc inst_check_complete(const inst_def *d, const inst_response *resp, avn_err *e);

/* Whether item it of d applies to resp: true without a `show_if:`, else
** its condition evaluated on resp's values. A value for an item that does
** not apply is refused by inst_check_complete (AVN_E_STATE); a required
** item that does not apply is not required. */
bool inst_item_applies(const inst_def *d, const inst_item *it, const inst_response *resp);

/* How many required items resp lacks; their names, comma-separated, in
** out (n bytes, truncated when longer). */
size_t inst_missing_required(const inst_def *d, const inst_response *resp, char *out, size_t n);

/* Scores a response. Unknown options are refused (AVN_E_UNKNOWN) and bad
** option values too (AVN_E_CODE / AVN_E_RANGE). Instruments without a
** score (an adverse event) return n = 0 results. */
avn_rc inst_score(const inst_def *d, const inst_response *resp,
                  const inst_opt *opts, size_t n_opts,
                  inst_scores *out /* OUT */, avn_err *e);

/* The result called name of d, or NULL. */
const inst_result_def *inst_result_find(const inst_def *d, const char *name);
/* The index of level name among r's levels (0 = best), or -1. */
int inst_level_index(const inst_result_def *r, const char *name);

/* Looks a result up by name in scores; NULL when absent. */
const inst_result *inst_scores_get(const inst_scores *s, const char *name);

/* --- added by the instruments module (additions only) --- */

/* Loads every shipped definition now (inst_find() does it lazily). A
** malformed definition gives AVN_E_PARSE with e->field = "file:line". The
** outcome of the first load is remembered and returned again. */
avn_rc inst_registry_load(avn_err *e);

/* Parses one definition from text (tests, user-supplied forms); `include:`
** resolves against the shipped registry. *out is the caller's, freed with
** inst_def_free(). Never use inst_def_free on a registry definition. */
avn_rc inst_def_parse(const char *file, const char *text, size_t len,
                      inst_def **out /* OUT */, avn_err *e);
void inst_def_free(inst_def *d);

/* A study's own form (a protocol's `forms:`): d joins the registry, which
** owns it from now on (freed on refusal too), so inst_find and everything
** downstream see it. A name of a shipped instrument is refused
** (AVN_E_DUPLICATE); registering a name again shadows the earlier version,
** which stays valid until inst_registry_free(). inst_registry_rollback(mark)
** frees what was registered since inst_registry_mark() (a protocol that
** failed to load after its forms did). */
avn_rc inst_register(inst_def *d, avn_err *e);
size_t inst_registry_mark(void);
void inst_registry_rollback(size_t mark);
/* True for a definition compiled into avn (src/instruments/defs/). */
bool inst_is_shipped(const inst_def *d);

/* Parses one definition from a mapping already read by core/ytree (a form
** inside a protocol file); refusals carry file:line of the node. */
struct ytree;
avn_rc inst_def_parse_tree(const char *file, const struct ytree *root,
                           inst_def **out /* OUT */, avn_err *e);

/* Scoring options of a definition (rom_method, mhhs_factor, ...), described
** like items; inst_opt_default() is the value used when not given. */
size_t inst_n_opts(const inst_def *d);
const inst_item *inst_opt_at(const inst_def *d, size_t i);
const char *inst_opt_default(const inst_def *d, size_t i);

/* True when the code item may also be entered as its numeric value
** (WOMAC p1=2, SF-36 q3=1). */
bool inst_item_by_value(const inst_def *d, const inst_item *it);

/* "int", "real", "code", "bool", "date", "time", "text". Static. */
const char *inst_type_name(inst_type t);

#endif
