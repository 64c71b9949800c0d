/*
** dir.c: output folders (see dir.h).
*/
#include "core/dir.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "core/mem.h"

/* One component: made, or already a directory. */
static avn_rc make_one(const char *p, avn_err *e) {
  struct stat st;
  if (mkdir(p, 0777) == 0) return AVN_OK;
  if (errno == EEXIST) {
    if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) return AVN_OK;
    return avn_fail(e, AVN_E_IO, "directory", p, "exists and is not a directory");
  }
  return avn_fail(e, AVN_E_IO, "directory", p, "could not be created: %s", strerror(errno));
}

avn_rc avn_mkdir_p(const char *dir, avn_err *e) {
  avn_rc rc = AVN_OK;
  if (!dir || !*dir) return avn_fail(e, AVN_E_IO, "directory", "", "is empty: name a folder");
  char *p = avn_strdup(dir);
  if (!p) return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  for (char *q = p + 1; *q; q++) {
    if (*q != '/' || q[-1] == '/') continue;
    *q = '\0';
    rc = make_one(p, e);
    *q = '/';
    if (rc) goto cleanup;
  }
  rc = make_one(p, e);
cleanup:
  avn_free(p);
  return rc;
}
