/*
** embedded.c: lookup in the generated table (see embedded.h). Linear: the
** table holds a few dozen files.
*/
#include "core/embedded.h"

#include <string.h>

const avn_embedded *avn_embedded_find(const char *name) {
  for (const avn_embedded *e = avn_embedded_files; e->name; e++)
    if (strcmp(e->name, name) == 0) return e;
  return NULL;
}
