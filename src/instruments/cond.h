/*
** cond.h: an item's condition (`show_if:` in a definition): when the item
** applies. The language is the part of REDCap's branching logic that reads
** one form:
**
**   [sex] = '2'            a value compared with a literal ('x', "x" or 12)
**   [age] >= 18            = <> != < > <= >=
**   [meds(3)] = '1'        a checkbox choice: the yes/no item meds___3
**   ... and ... or ...     `and` binds tighter than `or`; parentheses group
**
** Values are compared as REDCap compares them: as numbers when both sides
** are numbers, else as text (so dates YYYY-MM-DD order correctly). A blank
** item is '' (a checkbox choice not ticked is '0'); an ordering comparison
** (< > <= >=) with a blank side is false. A missing-data code compares as
** its code ('UNK').
**
** Ownership: cond_parse returns a condition the caller frees with
** cond_free. Reference names are borrowed from it.
**
** Costs: parsing is linear in the text (at most COND_MAX_LEN bytes, nesting
** at most COND_MAX_DEPTH); evaluation is linear in the number of
** comparisons, each asking the caller for a value.
*/
#ifndef AVN_COND_H
#define AVN_COND_H

#include <stdbool.h>
#include <stddef.h>

#include "core/rc.h"

#define COND_MAX_LEN 4096
#define COND_MAX_DEPTH 32

typedef struct cond cond;

/* Parses text. A refusal is AVN_E_PARSE with e->value = text and a rule
** saying what was expected where ("at character 12: expected ..."). */
avn_rc cond_parse(const char *text, cond **out /* OUT */, avn_err *e);
void cond_free(cond *c);

/* The items the condition reads, in order of appearance (with repeats);
** a checkbox reference [x(2)] reads item "x___2". Borrowed. */
size_t cond_n_refs(const cond *c);
const char *cond_ref_at(const cond *c, size_t i);
/* True when reference i was written as a checkbox choice [x(code)]. */
bool cond_ref_checkbox(const cond *c, size_t i);

/* The item's value as text, or NULL when blank. buf (n bytes) is scratch
** space the callback may format into. */
typedef const char *(*cond_get_fn)(void *ctx, const char *item, char *buf, size_t n);
bool cond_eval(const cond *c, cond_get_fn get, void *ctx);

/* The item a checkbox choice becomes: FIELD___CODE with the code folded to
** [a-z0-9_] (REDCap's export column name). False when it does not fit n. */
bool cond_checkbox_item(const char *field, const char *code, char *out, size_t n);

#endif
