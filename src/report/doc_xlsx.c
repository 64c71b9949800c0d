/*
** doc_xlsx.c: the report's tables as an Excel workbook (report.xlsx), one
** formatted sheet per table (libxlsxwriter): the caption in bold, the header
** row bold with a border and frozen, group rows bold, cells that are plain
** numbers written as numbers (so Excel can compute with them) and the rest
** as text ("54.6 ± 12.1", "<0.001"), the table's notes below it.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "core/mem.h"
#include "interop/csv_table.h"
#include "report/doc_int.h"

/* Excel's sheet names: at most 31 characters, none of []:*?/\ , unique. */
static void sheet_name(const char *id, size_t n, char *out, size_t size) {
  char base[32];
  snprintf(base, sizeof base, "%.27s", id);
  for (char *p = base; *p; p++)
    if (strchr("[]:*?/\\", *p)) *p = '_';
  snprintf(out, size, "%s_%zu", base, n);
  if (n == 0) snprintf(out, size, "%s", base);
}

static void write_sheet(lxw_workbook *wb, const rtable *t, size_t n, lxw_format *bold, lxw_format *head,
                        lxw_format *wrap) {
  char name[40];
  sheet_name(t->id, 0, name, sizeof name);
  if (workbook_get_worksheet_by_name(wb, name)) sheet_name(t->id, n, name, sizeof name);
  lxw_worksheet *ws = workbook_add_worksheet(wb, name);
  if (!ws) return;
  lxw_row_t r = 0;
  worksheet_write_string(ws, r++, 0, t->caption ? t->caption : t->id, bold);
  for (size_t j = 0; j < t->ncols; j++)
    worksheet_write_string(ws, r, (lxw_col_t)j, t->header[j] ? t->header[j] : "", head);
  worksheet_freeze_panes(ws, r + 1, 1);
  r++;
  for (size_t i = 0; i < t->nrows; i++, r++) {
    if (t->group[i]) {
      worksheet_write_string(ws, r, 0, rtable_cell(t, i, 0), bold);
      continue;
    }
    for (size_t j = 0; j < t->ncols; j++) {
      const char *c = rtable_cell(t, i, j);
      double x;
      if (!*c) continue;
      if (j > 0 && csv_parse_double(c, &x)) worksheet_write_number(ws, r, (lxw_col_t)j, x, NULL);
      else worksheet_write_string(ws, r, (lxw_col_t)j, c, NULL);
    }
  }
  r++;
  for (size_t k = 0; k < t->n_notes; k++)
    worksheet_write_string(ws, r++, 0, t->notes[k], wrap);
  worksheet_set_column(ws, 0, 0, 34, NULL);
  if (t->ncols > 1) worksheet_set_column(ws, 1, (lxw_col_t)(t->ncols - 1), 16, NULL);
}

avn_rc rdoc_write_xlsx(const rdoc *d, const char *path, avn_err *e) {
  avn_rc rc = AVN_OK;
  size_t n = strlen(path) + 6;
  char *tmp = avn_malloc(n);
  if (!tmp) return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  snprintf(tmp, n, "%s.tmp", path);
  lxw_workbook *wb = workbook_new(tmp);
  if (!wb) {
    rc = avn_fail(e, AVN_E_IO, "file", path, "could not be written");
    goto cleanup;
  }
  lxw_format *bold = workbook_add_format(wb), *head = workbook_add_format(wb), *wrap = workbook_add_format(wb);
  format_set_bold(bold);
  format_set_bold(head);
  format_set_bottom(head, LXW_BORDER_THIN);
  format_set_italic(wrap);
  size_t n_tab = 0;
  for (size_t i = 0; i < d->n_secs; i++)
    for (size_t k = 0; k < d->secs[i]->n_items; k++)
      if (d->secs[i]->items[k].kind == RIT_TABLE) write_sheet(wb, d->secs[i]->items[k].table, ++n_tab, bold, head, wrap);
  lxw_error err = workbook_close(wb);
  if (err) {
    rc = avn_fail(e, AVN_E_IO, "file", path, "could not be written: %s", lxw_strerror(err));
    remove(tmp);
    goto cleanup;
  }
  if (rename(tmp, path) != 0) {
    remove(tmp);
    rc = avn_fail(e, AVN_E_IO, "file", path, "could not be replaced");
  }
cleanup:
  avn_free(tmp);
  return rc;
}
