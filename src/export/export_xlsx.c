/*
** export_xlsx.c: Excel workbooks through libxlsxwriter, in its constant
** memory mode (each row goes to disk once written, so a study of any size
** fits). A sheet per form (the unit's identifiers, then that form's columns
** over every visit), a sheet with the identifiers and status, a sheet per
** repeating form (a log: a row per instance, which the wide rows cannot
** hold) and a codebook sheet. Coded values appear as their labels, dates as
** Excel dates (in a log sheet, values as stored: codes by name, ISO dates).
*/
#include <string.h>
#include <xlsxwriter.h>

#include "core/mem.h"
#include "export/export_int.h"

#define EXCEL_DAYS_1899_TO_1970 25569.0 /* Excel's serial day of 1970-01-01 */
#define N_KEYS 3                        /* patient, site, side: on every sheet */

typedef struct sheet {
  lxw_worksheet *ws;
  const inst_def *form;      /* NULL: the identifiers' sheet */
  lxw_col_t next_col;
} sheet;

/* A repeating form's sheet: patient, visit, instance, entry, its items. */
typedef struct log_sheet {
  lxw_worksheet *ws;
  const inst_def *d;
  lxw_row_t row;
} log_sheet;

#define MAX_LOGS 16

static void log_header(log_sheet *l, lxw_format *bold) {
  static const char *const keys[] = {"patient", "visit", "instance", "entry"};
  for (lxw_col_t k = 0; k < 4; k++) worksheet_write_string(l->ws, 0, k, keys[k], bold);
  for (size_t i = 0; i < inst_n_items(l->d); i++)
    worksheet_write_string(l->ws, 0, (lxw_col_t)(4 + i), inst_item_at(l->d, i)->name, bold);
  l->row = 1;
}

/* The chunk's instances of each repeating form, a row each. */
static void log_rows(log_sheet *logs, size_t n_logs, const store_study *st) {
  for (size_t i = 0; i < st->n_forms; i++) {
    const store_form *f = &st->forms[i];
    for (size_t k = 0; k < n_logs; k++) {
      if (f->def != logs[k].d) continue;
      lxw_worksheet *ws = logs[k].ws;
      lxw_row_t r = logs[k].row++;
      worksheet_write_string(ws, r, 0, st->patients[f->patient].code, NULL);
      worksheet_write_string(ws, r, 1, f->visit, NULL);
      worksheet_write_string(ws, r, 2, f->instance, NULL);
      worksheet_write_number(ws, r, 3, f->entry, NULL);
      for (size_t v = 0; v < f->n_values; v++) {
        const inst_value *x = &f->values[v];
        const char *shown = x->missing ? x->code : x->text; /* a missing-data code as itself */
        for (size_t j = 0; x->item && shown && j < inst_n_items(f->def); j++)
          if (!strcmp(inst_item_at(f->def, j)->name, x->item))
            worksheet_write_string(ws, r, (lxw_col_t)(4 + j), shown, NULL);
      }
    }
  }
}

static avn_rc lxw_fail(lxw_error err, const char *path, avn_err *e) {
  return avn_fail(e, AVN_E_IO, "--out", path, "refused by libxlsxwriter: %s", lxw_strerror(err));
}

static const char *code_label(const frame_col *c, double v) {
  size_t n = 0;
  const inst_code *codes = frame_col_codes(c, &n);
  for (size_t k = 0; k < n; k++)
    if ((c->coded ? frame_code_value(c->coded, k) : codes[k].value) == v) return codes[k].label;
  return NULL;
}

static void put(lxw_worksheet *ws, lxw_row_t r, lxw_col_t col, const frame_col *c, const frame_cell *x,
                lxw_format *date_fmt) {
  if (x->missing && x->code) {
    worksheet_write_string(ws, r, col, x->code, NULL); /* "ND": told from a blank (codebook) */
    return;
  }
  if (x->missing) return;
  if (c->kind == FRAME_TEXT) {
    worksheet_write_string(ws, r, col, x->text ? x->text : "", NULL);
  } else if (c->kind == FRAME_DATE) {
    worksheet_write_number(ws, r, col, x->num + EXCEL_DAYS_1899_TO_1970, date_fmt);
  } else {
    const char *l = code_label(c, x->num);
    if (l) worksheet_write_string(ws, r, col, l, NULL);
    else worksheet_write_number(ws, r, col, x->num, NULL);
  }
}

/* The sheet a column goes to: its form's, or the identifiers'. */
static size_t sheet_of(const sheet *sh, size_t n, const frame_col *c) {
  for (size_t k = 1; k < n; k++)
    if (sh[k].form == c->form) return k;
  return 0;
}

avn_rc ex_write_xlsx(store *s, frame *fr, const export_opts *o, export_summary *sum, avn_err *e) {
  avn_rc rc = AVN_OK;
  ex_file out = {0};
  lxw_workbook *wb = NULL;
  size_t nc = frame_ncols(fr), n_sheets = 1, total = 0;
  sheet *sh = avn_calloc(nc + 2, sizeof *sh);
  size_t *where = avn_calloc(nc + 1, sizeof *where);
  lxw_col_t *col_in = avn_calloc(nc + 1, sizeof *col_in);
  if (!sh || !where || !col_in) {
    rc = avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
    goto cleanup;
  }
  rc = frame_count_rows(s, &total, e);
  if (!rc) rc = ex_open(o->path, false, &out, e);
  if (rc) goto cleanup;
  lxw_workbook_options wo = {.constant_memory = LXW_TRUE};
  wb = workbook_new_opt(out.tmp, &wo);
  if (!wb) {
    rc = avn_fail(e, AVN_E_IO, "--out", o->path, "cannot be written");
    goto cleanup;
  }
  lxw_format *bold = workbook_add_format(wb), *date_fmt = workbook_add_format(wb);
  format_set_bold(bold);
  format_set_num_format(date_fmt, "yyyy-mm-dd");
  sh[0].ws = workbook_add_worksheet(wb, "patients");
  for (size_t j = 0; j < nc; j++) {
    const frame_col *c = frame_col_at(fr, j);
    if (!c->form || sheet_of(sh, n_sheets, c)) continue;
    sh[n_sheets].form = c->form;
    sh[n_sheets].ws = workbook_add_worksheet(wb, inst_name(c->form));
    sh[n_sheets].next_col = N_KEYS;
    n_sheets++;
  }
  log_sheet logs[MAX_LOGS];
  size_t n_logs = 0;
  for (size_t i = 0; i < inst_count() && n_logs < MAX_LOGS; i++) {
    if (!inst_repeats(inst_at(i))) continue;
    logs[n_logs] = (log_sheet){workbook_add_worksheet(wb, inst_name(inst_at(i))), inst_at(i), 0};
    log_header(&logs[n_logs++], bold);
  }
  lxw_worksheet *book = workbook_add_worksheet(wb, "codebook");
  /* Headers: the first N_KEYS identifiers go on every sheet. */
  for (size_t j = 0; j < nc; j++) {
    const frame_col *c = frame_col_at(fr, j);
    where[j] = sheet_of(sh, n_sheets, c);
    col_in[j] = sh[where[j]].next_col++;
    worksheet_write_string(sh[where[j]].ws, 0, col_in[j], c->name, bold);
    if (j < N_KEYS)
      for (size_t k = 1; k < n_sheets; k++) worksheet_write_string(sh[k].ws, 0, (lxw_col_t)j, c->name, bold);
  }
  for (size_t k = 0; k < n_sheets; k++) worksheet_freeze_panes(sh[k].ws, 1, N_KEYS);
  const frame_cell *cells;
  size_t n;
  lxw_row_t r = 1;
  while (!(rc = frame_next(fr, &cells, &n, e)) && n > 0) {
    for (size_t i = 0; i < n; i++, r++) {
      for (size_t j = 0; j < nc; j++) {
        const frame_col *c = frame_col_at(fr, j);
        put(sh[where[j]].ws, r, col_in[j], c, &cells[i * nc + j], date_fmt);
        if (j < N_KEYS)
          for (size_t k = 1; k < n_sheets; k++) put(sh[k].ws, r, (lxw_col_t)j, c, &cells[i * nc + j], date_fmt);
      }
    }
    log_rows(logs, n_logs, frame_chunk(fr));
    sum->rows += n;
    ex_progress(o, sum->rows, total);
  }
  if (rc) goto cleanup;
  static const char *const head[] = {"variable", "sheet", "label", "type", "unit", "values", "missing codes"};
  for (lxw_col_t k = 0; k < 7; k++) worksheet_write_string(book, 0, k, head[k], bold);
  avn_buf codes_text;
  avn_buf_init(&codes_text, 1 << 12);
  ex_missing_codes_text(&codes_text);
  for (size_t j = 0; j < nc; j++) {
    const frame_col *c = frame_col_at(fr, j);
    char vals[4096] = "";
    size_t nv = 0, len = 0;
    const inst_code *codes = frame_col_codes(c, &nv);
    for (size_t k = 0; k < nv && len < sizeof vals - 1; k++) {
      snprintf(vals + len, sizeof vals - len, "%s%s", k ? "; " : "", codes[k].label);
      len = strlen(vals);
    }
    lxw_row_t br = (lxw_row_t)(j + 1);
    worksheet_write_string(book, br, 0, c->name, NULL);
    worksheet_write_string(book, br, 1, c->form ? inst_name(c->form) : "patients", NULL);
    worksheet_write_string(book, br, 2, c->label, NULL);
    worksheet_write_string(book, br, 3, c->kind == FRAME_TEXT ? "text" : c->kind == FRAME_DATE ? "date" : "number",
                           NULL);
    worksheet_write_string(book, br, 4, c->unit ? c->unit : "", NULL);
    worksheet_write_string(book, br, 5, vals, NULL);
    if (c->item) worksheet_write_string(book, br, 6, avn_buf_str(&codes_text), NULL);
  }
  avn_buf_free(&codes_text);
  lxw_error err = workbook_close(wb);
  wb = NULL;
  if (err) {
    rc = lxw_fail(err, o->path, e);
    goto cleanup;
  }
  rc = ex_commit(&out, e);
cleanup:
  if (wb) workbook_close(wb);
  ex_abort(&out);
  avn_free(sh);
  avn_free(where);
  avn_free(col_in);
  return rc;
}
