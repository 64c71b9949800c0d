/*
** survdata.h: the one check every survival fit (km, logrank, cox) makes on
** its (time, event) rows, so the rule and its message live in one place.
*/
#ifndef AVN_STATS_SURVDATA_H
#define AVN_STATS_SURVDATA_H

#include <stddef.h>
#include "core/rc.h"

/* AVN_OK when time[i] is finite and >= 0 and event[i] is 0 or 1;
** otherwise AVN_E_RANGE naming "time" or "event", the value and the row
** (1-based i + 1). */
avn_rc survdata_check_row(const double *time, const int *event, size_t i, avn_err *err);

#endif
