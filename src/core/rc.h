/*
** rc.h: avn's status codes and the error context that carries the details.
**
** Every library function returns an avn_rc (AVN_OK = 0). When it fails it
** also fills an avn_err, if the caller passed one, with what a user needs to
** fix the input: the field, the value and the rule that refused it. This is
** the same split as sqlite3_errcode()/sqlite3_errmsg(): the code is for
** programs, the message for people.
**
** An avn_err is a plain struct with fixed buffers: it owns no heap memory,
** so it never needs freeing and can live on the stack.
*/
#ifndef AVN_RC_H
#define AVN_RC_H

#include <stddef.h>

typedef enum avn_rc {
  AVN_OK = 0,
  AVN_E_NOMEM,       /* 1  an allocation failed or exceeded its cap */
  AVN_E_USAGE,       /* 2  bad command-line usage (exit status 2) */
  AVN_E_IO,          /* 3  a file could not be read or written */
  AVN_E_PARSE,       /* 4  malformed input text (YAML, CSV, number, date) */
  AVN_E_TYPE,        /* 5  a value of the wrong type for its item */
  AVN_E_RANGE,       /* 6  a number outside its allowed range */
  AVN_E_CODE,        /* 7  a code not in the item's list of choices */
  AVN_E_REQUIRED,    /* 8  a required value is missing */
  AVN_E_UNKNOWN,     /* 9  an unknown name: item, form, visit, test, column */
  AVN_E_DATE,        /* 10 a date that breaks a date rule */
  AVN_E_STATE,       /* 11 an operation not allowed in the record's state */
  AVN_E_LOCKED,      /* 12 the record is locked */
  AVN_E_NOTFOUND,    /* 13 no such record */
  AVN_E_EXISTS,      /* 14 the record already exists */
  AVN_E_DB,          /* 15 the database engine failed */
  AVN_E_SCHEMA,      /* 16 not an avn database, or a newer schema */
  AVN_E_INELIGIBLE,  /* 17 eligibility criteria not met */
  AVN_E_DEGENERATE,  /* 18 data on which a statistic cannot be computed */
  AVN_E_NOCONV,      /* 19 an iterative fit did not converge */
  AVN_E_BUSY,        /* 20 another writer holds the database: try again (exit status 3) */
  AVN_E_CORRUPT,     /* 21 the database file is damaged (SQLITE_CORRUPT, quick_check) */
  AVN_E__LAST        /* never use: one past the last code */
} avn_rc;

typedef struct avn_err {
  avn_rc rc;
  char field[128];   /* the item, column or option at fault ("" if none) */
  char value[256];   /* the value refused, as the user gave it */
  char rule[384];    /* the rule it broke, in words */
} avn_err;

/* Static English name of a code ("value out of range"). Never NULL. */
const char *avn_strerror(avn_rc rc);

/* Fills e (if not NULL) and returns rc, so callers can write
** `return avn_fail(e, AVN_E_RANGE, "hhs.flexion_deg", "200", "must be 0-140");`
** field and value may be NULL. The rule is a printf format. */
avn_rc avn_fail(avn_err *e, avn_rc rc, const char *field, const char *value,
                const char *rule_fmt, ...)
    __attribute__((format(printf, 5, 6)));

void avn_err_clear(avn_err *e);

/* Writes "field 'F': value 'V' refused: RULE" (parts omitted when empty)
** into out (always NUL-terminated). Returns out. */
char *avn_err_format(const avn_err *e, char *out, size_t out_size);

/* Exit status for a command that ended with rc: 0 ok, 2 usage, 3 busy (the
** database is locked by another writer: the same command may succeed when
** retried), 1 otherwise. */
int avn_exit_status(avn_rc rc);

#endif
