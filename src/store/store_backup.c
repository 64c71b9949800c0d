/*
** store_backup.c: `avn backup`: a consistent copy of a study, taken while
** others keep writing, in a new file.
**
** A SQLite study is copied page by page by SQLite's online backup API
** (db_sqlite_backup): the file's bytes as of one snapshot, so the copy is
** the study itself (same pages, same audit chain), and writers on the WAL
** are not held up. A PostgreSQL study has no pages to copy into a file: it
** is copied logically from one REPEATABLE READ snapshot (store_copy).
** Either way the copy is then opened as a study, to count its audit trail:
** a copy that does not open is refused and removed.
**
** The caller owns nothing: the result is plain numbers.
*/
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

static int count_row(void *ctx, int n, const char *const *c) {
  if (n > 0 && c[0]) *(int64_t *)ctx = strtoll(c[0], NULL, 10);
  return 0;
}

avn_rc store_backup(const char *from, const char *to, store_backup_result *out, avn_err *e) {
  store *src = NULL, *copy = NULL;
  avn_rc rc;
  memset(out, 0, sizeof *out);
  if (db_is_uri(to)) return avn_fail(e, AVN_E_USAGE, "target", to, "a backup is a new file, not a server database");
  if (db_is_uri(from)) {
    store_copy_result r;
    rc = store_copy(from, to, &r, e);
    if (!rc) out->audit_rows = r.audit_rows;
    return rc;
  }
  out->online = true;
  rc = store_open_read(from, &src, e);
  if (rc) return rc;
  int pages = 0;
  rc = db_sqlite_backup(src->db, to, &pages, e);
  out->pages = pages;
  if (rc) goto cleanup;
  rc = store_open_read(to, &copy, e);
  if (!rc) rc = copy->db->ops->exec(copy->db, "SELECT count(*) FROM audit", NULL, 0, count_row, &out->audit_rows, e);
  if (rc) db_sqlite_remove(to);
cleanup:
  store_close(copy);
  store_close(src);
  return rc;
}
