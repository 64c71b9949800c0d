/*
** protocol.h: a study protocol, loaded from YAML (protocols/NAME.yaml or a
** user's file) and validated once, so everything downstream can trust it.
**
** A protocol owns: identity (name, title, source), the unit of analysis
** (patient or hip), the staging system, the fields collected at screening,
** the eligibility criteria over those fields, the visit schedule (offsets
** from day 0 in days, weeks or months, each with a window and the forms
** due), procedures (e.g. injections at 0, 3 and 6 months) tied to visits,
** the MRI schedule, the forms that need double data entry, and protocol
** limits on form values (a value outside is a protocol deviation).
**
** A protocol may define forms of its own (`forms:`, in the format of
** src/instruments/defs/): loading registers them in the instrument registry
** (instrument.h inst_register), so a study opened from its stored protocol
** sees them like shipped instruments; a refused protocol registers nothing.
**
** Loading refuses a malformed file with "file:line" and what is wrong;
** forms and items named in the protocol must exist in the instrument
** registry. The loaded protocol owns all its strings, including a copy of
** the YAML text (stored in the study database, so a study keeps the exact
** protocol it was created with). Free with protocol_free.
*/
#ifndef AVN_PROTOCOL_H
#define AVN_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include "core/date.h"
#include "core/rc.h"
#include "instruments/instrument.h"
#include "protocol/sap.h"

typedef struct proto_offset {
  int amount;
  avn_time_unit unit;
} proto_offset;

typedef struct proto_field {      /* one screening field */
  char *name, *label, *unit;
  inst_type type;                 /* INST_INT, INST_REAL, INST_CODE, INST_BOOL, INST_DATE */
  double min, max;                /* bounds when has_range */
  bool has_range;
  char **codes;                   /* INST_CODE choices */
  size_t n_codes;
  bool per_hip;                   /* entered as name.left= / name.right= */
  int line;
} proto_field;

typedef enum { CRIT_INCLUSION, CRIT_EXCLUSION } proto_crit_kind;

/* A criterion holds when the field's value satisfies every test given:
** min (>=), max (<=), below (<), above (>), is (equals), in (one of). An
** inclusion criterion must hold; an exclusion criterion must not. */
typedef struct proto_criterion {
  char *name, *text;
  proto_crit_kind kind;
  size_t field;                   /* index into protocol.fields */
  bool has_min, has_max, has_below, has_above;
  double min, max, below, above;
  char *is;                       /* NULL when absent; bools as "yes"/"no" */
  char **in;
  size_t n_in;
  int line;
} proto_criterion;

typedef struct proto_visit {
  char *name, *label;
  proto_offset at, before, after;
  char **forms;
  size_t n_forms;
  int line;
} proto_visit;

typedef struct proto_procedure {
  char *name, *label;
  proto_offset at;
  size_t visit;                   /* index into protocol.visits */
  bool per_hip;
} proto_procedure;

typedef struct proto_limit {
  char *name, *text, *form, *field;
  bool has_min, has_max;
  double min, max;
  char *is;                       /* for code items */
} proto_limit;

typedef struct protocol {
  char *name, *title, *source;
  bool per_hip;                   /* unit_of_analysis: hip */
  char *staging;                  /* "ficat", "steinberg", "arco" */
  proto_field *fields;       size_t n_fields;
  proto_criterion *criteria; size_t n_criteria;
  proto_visit *visits;       size_t n_visits;
  proto_procedure *procs;    size_t n_procs;
  size_t *mri;               size_t n_mri;       /* visit indexes */
  char **double_entry;       size_t n_double_entry;
  proto_limit *limits;       size_t n_limits;
  char **forms;              size_t n_forms;     /* `forms:` the study's own form definitions,
                                                    by name (registered in the instrument
                                                    registry while loading) */
  sap *analysis;             /* the `analysis:` plan (defaults when absent); never NULL after load */
  char *yaml;                /* the source text */
  char *file;                /* where it came from ("protocols/x.yaml" or a path) */
} protocol;

/* name_or_path: a shipped protocol's name ("sequential") or a file path. */
avn_rc protocol_load(const char *name_or_path, protocol **out /* OUT */, avn_err *e);
/* Parses YAML text; file is used in messages. */
avn_rc protocol_parse(const char *file, const char *text, size_t len,
                      protocol **out /* OUT */, avn_err *e);
void protocol_free(protocol *p);

/* Lookups; NULL / SIZE_MAX when absent. */
const proto_visit *protocol_find_visit(const protocol *p, const char *name);
size_t protocol_visit_index(const protocol *p, const char *name);
const proto_field *protocol_find_field(const protocol *p, const char *name);
bool protocol_double_entry(const protocol *p, const char *form);
bool protocol_visit_has_form(const proto_visit *v, const char *form);

/* "3 months", "1 month", "14 days", "2 weeks", "1 year" -> offset. */
avn_rc proto_offset_parse(const char *s, proto_offset *out /* OUT */);
/* Writes e.g. "3 months" into out. */
void proto_offset_format(proto_offset o, char *out, size_t n);

#endif
