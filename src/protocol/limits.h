/*
** limits.h: protocol limits on form values (e.g. "processing to injection
** within 120 minutes"). A value outside is not refused at entry, because
** it is what happened; it is a protocol deviation, reported by avn check
** and by avn enter as it is recorded.
*/
#ifndef AVN_LIMITS_H
#define AVN_LIMITS_H

#include "protocol/protocol.h"

typedef struct limit_breach {
  const proto_limit *limit;   /* borrowed from the protocol */
  double num;                 /* the value found */
  const char *text;           /* for code limits; borrowed */
} limit_breach;

/* Checks every limit of the protocol on this form's values and scores
** (a limit's field may be an item or a result). Missing values are not
** breaches. Writes up to max breaches into out; returns the count. */
size_t limits_check(const protocol *p, const char *form, const inst_response *resp,
                    const inst_scores *scores, limit_breach *out /* OUT */, size_t max);

#endif
