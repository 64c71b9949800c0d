/*
** doc_csv.c: one table as tables/ID.csv.
**
** Format: RFC 4180 (Y. Shafranovich, "Common Format and MIME Type for
** Comma-Separated Values (CSV) Files", 2005) with two stated choices:
** records end in LF, not CRLF (the RFC's own MIME registration allows
** other line breaks in practice, and R's read.csv, Python's csv and
** spreadsheets read both), and the text is UTF-8 without a byte-order mark.
** A field is quoted when it holds a comma, a double quote, CR or LF, and a
** double quote inside is doubled (RFC 4180 section 2, rules 6 and 7);
** other fields are written bare. The first record is the header; every
** record has ncols fields (rule 4): a group row is its label in the first
** field and empty fields after it. Cells are written as displayed
** ("54.6 ± 6.8"), so the CSV says what the report says. Notes are not
** part of the CSV. Cost: O(bytes).
*/
#include "report/doc_int.h"

#include <string.h>

avn_rc rdoc_csv_field(avn_buf *b, const char *s) {
  if (!s) s = "";
  if (strpbrk(s, ",\"\r\n") == NULL) return avn_buf_puts(b, s);
  avn_rc rc = avn_buf_puts(b, "\"");
  const char *p = s;
  while (!rc && *p) {
    const char *q = strchr(p, '"');
    if (!q) {
      rc = avn_buf_puts(b, p);
      break;
    }
    rc = avn_buf_append(b, p, (size_t)(q - p) + 1);
    if (!rc) rc = avn_buf_puts(b, "\"");
    p = q + 1;
  }
  if (!rc) rc = avn_buf_puts(b, "\"");
  return rc;
}

static avn_rc record(avn_buf *b, const rtable *t, const char *const *cells, bool group) {
  avn_rc rc = AVN_OK;
  for (size_t j = 0; !rc && j < t->ncols; j++) {
    if (j) rc = avn_buf_puts(b, ",");
    if (!rc && (!group || j == 0)) rc = rdoc_csv_field(b, cells[j]);
  }
  if (!rc) rc = avn_buf_puts(b, "\n");
  return rc;
}

avn_rc rdoc_write_csv(const rtable *t, const char *path, avn_err *e) {
  avn_buf b;
  avn_buf_init(&b, 0);
  avn_rc rc = record(&b, t, (const char *const *)t->header, false);
  for (size_t r = 0; !rc && r < t->nrows; r++)
    rc = record(&b, t, (const char *const *)&t->cells[r * t->ncols], t->group[r]);
  if (rc) {
    rc = avn_fail(e, rc, "table id", t->id, "out of memory while writing the CSV");
    goto cleanup;
  }
  rc = rdoc_write_file(path, avn_buf_str(&b), b.len, e);
cleanup:
  avn_buf_free(&b);
  return rc;
}
