/*
** limits.c: protocol limits (see limits.h). O(limits x values).
*/
#include "protocol/limits.h"

#include <string.h>

size_t limits_check(const protocol *p, const char *form, const inst_response *resp,
                    const inst_scores *scores, limit_breach *out, size_t max) {
  size_t n = 0;
  for (size_t i = 0; i < p->n_limits && n < max; i++) {
    const proto_limit *l = &p->limits[i];
    if (strcmp(l->form, form) != 0) continue;
    bool found = false, missing = true;
    double x = 0;
    const char *text = NULL;
    for (size_t k = 0; k < resp->n; k++) {
      if (resp->values[k].item && !strcmp(resp->values[k].item, l->field)) {
        found = true;
        missing = resp->values[k].missing;
        x = resp->values[k].num;
        text = resp->values[k].text;
      }
    }
    if (!found && scores) {
      const inst_result *r = inst_scores_get(scores, l->field);
      if (r) {
        missing = r->missing;
        x = r->num;
        text = r->text;
      }
    }
    if (missing) continue;
    bool bad = (l->has_min && x < l->min) || (l->has_max && x > l->max) ||
               (l->is && (!text || strcmp(text, l->is) != 0));
    if (bad) out[n++] = (limit_breach){l, x, text};
  }
  return n;
}
