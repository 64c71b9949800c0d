/*
** rc.c: status names and the error context (see rc.h).
*/
#include "core/rc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const rc_names[AVN_E__LAST] = {
  [AVN_OK] = "ok",
  [AVN_E_NOMEM] = "out of memory",
  [AVN_E_USAGE] = "usage error",
  [AVN_E_IO] = "input/output error",
  [AVN_E_PARSE] = "malformed input",
  [AVN_E_TYPE] = "wrong type",
  [AVN_E_RANGE] = "value out of range",
  [AVN_E_CODE] = "not an allowed code",
  [AVN_E_REQUIRED] = "required value missing",
  [AVN_E_UNKNOWN] = "unknown name",
  [AVN_E_DATE] = "date rule broken",
  [AVN_E_STATE] = "not allowed in this state",
  [AVN_E_LOCKED] = "record is locked",
  [AVN_E_NOTFOUND] = "not found",
  [AVN_E_EXISTS] = "already exists",
  [AVN_E_DB] = "database error",
  [AVN_E_SCHEMA] = "not a usable avn database",
  [AVN_E_INELIGIBLE] = "not eligible",
  [AVN_E_DEGENERATE] = "cannot be computed on these data",
  [AVN_E_NOCONV] = "did not converge",
  [AVN_E_BUSY] = "the database is busy: try again",
  [AVN_E_CORRUPT] = "the database file is damaged",
};

const char *avn_strerror(avn_rc rc) {
  if ((int)rc < 0 || rc >= AVN_E__LAST || !rc_names[rc]) return "unknown error";
  return rc_names[rc];
}

static void copy_trunc(char *dst, size_t n, const char *src) {
  if (!src) src = "";
  snprintf(dst, n, "%s", src);
}

avn_rc avn_fail(avn_err *e, avn_rc rc, const char *field, const char *value,
                const char *rule_fmt, ...) {
  if (!e) return rc;
  e->rc = rc;
  copy_trunc(e->field, sizeof e->field, field);
  copy_trunc(e->value, sizeof e->value, value);
  if (rule_fmt) {
    va_list ap;
    va_start(ap, rule_fmt);
    vsnprintf(e->rule, sizeof e->rule, rule_fmt, ap);
    va_end(ap);
  } else {
    e->rule[0] = '\0';
  }
  return rc;
}

void avn_err_clear(avn_err *e) {
  if (!e) return;
  memset(e, 0, sizeof *e);
}

char *avn_err_format(const avn_err *e, char *out, size_t n) {
  const char *rule = e->rule[0] ? e->rule : avn_strerror(e->rc);
  if (e->field[0] && e->value[0])
    snprintf(out, n, "%s: value '%s' refused: %s", e->field, e->value, rule);
  else if (e->field[0])
    snprintf(out, n, "%s: %s", e->field, rule);
  else
    snprintf(out, n, "%s", rule);
  return out;
}

int avn_exit_status(avn_rc rc) {
  if (rc == AVN_OK) return 0;
  if (rc == AVN_E_USAGE) return 2;
  if (rc == AVN_E_BUSY) return 3;
  return 1;
}
