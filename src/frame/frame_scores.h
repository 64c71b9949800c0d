/*
** frame_scores.h: a loaded study's forms, scored once.
**
** Scores are not stored: a form's results are what its instrument's scorer
** gives from the entered items. Every reader that analyses or checks a
** snapshot (the report's sections, avn check's rules, the demo's checker,
** the frame's rows) reads them from here, so a form is scored once per
** snapshot and every reader sees the same numbers.
**
** frame_scores_new scores every form of the snapshot as it stands: call it
** after store_settle when the reader wants settled values (the report),
** before it when it wants the entries as typed (avn check compares them).
** O(forms x scoring) time; memory one inst_result per computed result (not
** a whole inst_scores per form).
**
** Ownership: the scores borrow the snapshot (its forms must not move or
** change while the scores are used) and are freed by frame_scores_free.
** Results are borrowed from the scores, valid until frame_scores_free.
*/
#ifndef AVN_FRAME_SCORES_H
#define AVN_FRAME_SCORES_H

#include <stdbool.h>
#include <stddef.h>
#include "core/rc.h"
#include "instruments/instrument.h"
#include "store/store.h"

typedef struct frame_scores frame_scores;

avn_rc frame_scores_new(const store_study *st, frame_scores **out /* OUT */, avn_err *e);
void frame_scores_free(frame_scores *sc);

/* Whether the scorer accepted form f (one of the snapshot's forms): false
** for a form without definition or results, or one it refused (required
** items missing). */
bool frame_scores_ok(const frame_scores *sc, const store_form *f);

/* Result `name` of form f, or NULL when the form was not scored or has no
** such result. The result may itself be missing (r->missing). */
const inst_result *frame_scores_get(const frame_scores *sc, const store_form *f, const char *name);

/* The form's results as an inst_scores (for limits_check); false, with
** out->n = 0, when the form was not scored. */
bool frame_scores_copy(const frame_scores *sc, const store_form *f, inst_scores *out /* OUT */);

/* A form's number: its item `name` when entered (not a missing code, not a
** text item), else its result `name` when computed and finite. False when
** neither. The one rule every reader of a snapshot uses. */
bool frame_scores_num(const frame_scores *sc, const store_form *f, const char *name, double *out /* OUT */);

/* A form's text: its result `name` when the form has that result (NULL
** when not computed), else its item `name` as entered (NULL when blank or
** a missing-data code). Borrowed from the scores or the snapshot. */
const char *frame_scores_text(const frame_scores *sc, const store_form *f, const char *name);

#endif
