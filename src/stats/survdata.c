/*
** survdata.c: the shared (time, event) row check (see survdata.h).
*/
#include "stats/survdata.h"

#include <math.h>
#include <stdio.h>

avn_rc survdata_check_row(const double *time, const int *event, size_t i, avn_err *err) {
  if (!isfinite(time[i]) || time[i] < 0) {
    char v[64];
    snprintf(v, sizeof v, "%g", time[i]);
    return avn_fail(err, AVN_E_RANGE, "time", v,
                    "survival times must be finite and >= 0 (row %zu)", i + 1);
  }
  if (event[i] != 0 && event[i] != 1) {
    char v[32];
    snprintf(v, sizeof v, "%d", event[i]);
    return avn_fail(err, AVN_E_RANGE, "event", v,
                    "event must be 1 (event) or 0 (censored) (row %zu)", i + 1);
  }
  return AVN_OK;
}
