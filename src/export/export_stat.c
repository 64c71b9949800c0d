/*
** export_stat.c: SPSS .sav, Stata .dta and SAS transport .xpt through
** ReadStat. ReadStat wants the row count and every string's width before the
** first row: they come from count and width queries (frame_count_rows,
** frame_text_widths), so the study is read once, a chunk at a time.
**
** Dates: SPSS counts seconds from 1582-10-14, Stata and SAS days from
** 1960-01-01; avn's day numbers count from 1970-01-01 (core/date.h).
**
** Missing-data codes (inst_missing_codes, k = 0 for NA .. 8 for OTH) stay
** told apart from blanks, each in its format's own way, on every numeric item
** column: SPSS user-missing values -99991 - k (NA -99991, ND -99992 ... OTH
** -99999; the column's MISSING VALUES are the range -99999 THRU -99991,
** since SPSS allows three discrete values or one range), Stata extended
** missing .a + k (.a NA, .b ND ... .i OTH) and SAS special missing .A + k;
** SPSS and Stata value labels name each code ("ND: not done"). Blanks stay
** system missing. A column whose definition allows values in -99999..-99991
** (or a text column: SPSS strings take only three missing values, Stata none)
** writes codes as plain missing (ex_col_takes_codes). The CSV and Excel
** write the code itself; the CSV's .sps turns it into the same user-missing
** value.
*/
#include <readstat.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "core/mem.h"
#include "export/export_int.h"

#define DAYS_1582_TO_1970 141428 /* 1582-10-14 .. 1970-01-01 */
#define DAYS_1960_TO_1970 3653

typedef struct fmt_rules {
  size_t name_max, label_max, string_max;
} fmt_rules;

static ssize_t put_bytes(const void *data, size_t len, void *ctx) {
  return fwrite(data, 1, len, ctx) == len ? (ssize_t)len : -1;
}

static avn_rc rs_fail(readstat_error_t err, const char *what, avn_err *e) {
  return avn_fail(e, AVN_E_IO, "export", what, "refused by ReadStat: %s", readstat_error_message(err));
}

static char code_tag(export_format f, size_t k) { return (char)((f == EXPORT_DTA ? 'a' : 'A') + (int)k); }

static double date_value(export_format f, double day) {
  if (f == EXPORT_SAV) return (day + DAYS_1582_TO_1970) * 86400.0;
  return day + DAYS_1960_TO_1970;
}

avn_rc ex_write_stat(store *s, frame *fr, const export_opts *o, export_summary *sum, avn_err *e) {
  avn_rc rc = AVN_OK;
  readstat_error_t err = READSTAT_OK;
  ex_file out = {0};
  size_t nc = frame_ncols(fr), rows = 0;
  fmt_rules fmt = o->format == EXPORT_SAV ? (fmt_rules){64, 255, 32767}
                : o->format == EXPORT_DTA ? (fmt_rules){32, 80, 2045}
                                          : (fmt_rules){32, 40, 200};
  size_t *widths = avn_calloc(nc + 1, sizeof *widths);
  readstat_variable_t **vars = avn_calloc(nc + 1, sizeof *vars);
  bool *takes = avn_calloc(nc + 1, sizeof *takes);  /* column j writes missing-data codes */
  readstat_writer_t *w = readstat_writer_init();
  char name[80], label[300];
  if (!widths || !vars || !takes || !w) {
    rc = avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
    goto cleanup;
  }
  rc = frame_count_rows(s, &rows, e);
  if (!rc) rc = frame_text_widths(fr, widths, e);
  if (!rc) rc = ex_open(o->path, true, &out, e);
  if (rc) goto cleanup;
  readstat_set_data_writer(w, put_bytes);
  ex_cut_label(store_protocol(s)->title ? store_protocol(s)->title : "avn study", fmt.label_max, label,
               sizeof label);
  readstat_writer_set_file_label(w, label);
  if (o->format == EXPORT_XPT) readstat_writer_set_file_format_version(w, 8);
  /* SPSS's bytecode compression, as SPSS and haven write by default: blank
  ** string padding and small whole numbers take a byte each. */
  if (o->format == EXPORT_SAV) readstat_writer_set_compression(w, READSTAT_COMPRESS_ROWS);
  for (size_t j = 0; j < nc; j++) {
    const frame_col *c = frame_col_at(fr, j);
    size_t n_codes = 0;
    const inst_code *codes = frame_col_codes(c, &n_codes);
    ex_short_name(c->name, j, fmt.name_max, name, sizeof name);
    readstat_type_t type = c->kind == FRAME_TEXT ? READSTAT_TYPE_STRING
                         : n_codes && o->format == EXPORT_DTA ? READSTAT_TYPE_INT32
                                                              : READSTAT_TYPE_DOUBLE;
    size_t width = widths[j] ? widths[j] : 1;
    if (width > fmt.string_max) width = fmt.string_max;
    vars[j] = readstat_add_variable(w, name, type, type == READSTAT_TYPE_STRING ? width : 0);
    char full[400];
    ex_full_label(c, full, sizeof full);
    ex_cut_label(full, fmt.label_max, label, sizeof label);
    readstat_variable_set_label(vars[j], label);
    readstat_variable_set_measure(vars[j], c->measure == FRAME_SCALE     ? READSTAT_MEASURE_SCALE
                                           : c->measure == FRAME_ORDINAL ? READSTAT_MEASURE_ORDINAL
                                                                         : READSTAT_MEASURE_NOMINAL);
    if (c->kind == FRAME_DATE)
      readstat_variable_set_format(vars[j], o->format == EXPORT_SAV ? "SDATE10" : o->format == EXPORT_DTA ? "%td" : "DATE9");
    takes[j] = ex_col_takes_codes(c);
    if (takes[j] && o->format == EXPORT_SAV) {
      err = readstat_variable_add_missing_double_range(vars[j], EX_CODE_SAV_LO, EX_CODE_SAV_HI);
      if (err) {
        rc = rs_fail(err, c->name, e);
        goto cleanup;
      }
    }
    /* Value labels: SPSS and Stata carry them; SAS keeps them in a format
    ** catalogue, which transport files do not hold (the codebook does).
    ** Stata labels whole numbers and its extended missing values only. */
    if ((n_codes || takes[j]) && c->kind != FRAME_TEXT && o->format != EXPORT_XPT) {
      readstat_label_set_t *ls =
          readstat_add_label_set(w, o->format == EXPORT_DTA ? READSTAT_TYPE_INT32 : READSTAT_TYPE_DOUBLE, name);
      for (size_t k = 0; k < n_codes; k++) {
        double v = c->coded ? frame_code_value(c->coded, k) : codes[k].value;
        ex_cut_label(codes[k].label ? codes[k].label : codes[k].name, o->format == EXPORT_DTA ? 32000 : 120, label,
                     sizeof label);
        if (o->format == EXPORT_DTA) readstat_label_int32_value(ls, (int32_t)v, label);
        else readstat_label_double_value(ls, v, label);
      }
      for (size_t k = 0; takes[j] && k < inst_n_missing_codes; k++) {
        snprintf(label, sizeof label, "%s: %s", inst_missing_codes[k].code, inst_missing_codes[k].label);
        if (o->format == EXPORT_DTA) readstat_label_tagged_value(ls, code_tag(o->format, k), label);
        else readstat_label_double_value(ls, EX_CODE_SAV_HI - (double)k, label);
      }
      readstat_variable_set_label_set(vars[j], ls);
    }
  }
  switch (o->format) {
  case EXPORT_SAV: err = readstat_begin_writing_sav(w, out.fp, (long)rows); break;
  case EXPORT_DTA: err = readstat_begin_writing_dta(w, out.fp, (long)rows); break;
  default: err = readstat_begin_writing_xport(w, out.fp, (long)rows); break;
  }
  if (err) {
    rc = rs_fail(err, o->path, e);
    goto cleanup;
  }
  const frame_cell *cells;
  size_t n;
  char text[32768];
  while (!rc && !(rc = frame_next(fr, &cells, &n, e)) && n > 0) {
    for (size_t i = 0; !err && i < n; i++) {
      err = readstat_begin_row(w);
      for (size_t j = 0; !err && j < nc; j++) {
        const frame_col *c = frame_col_at(fr, j);
        const frame_cell *x = &cells[i * nc + j];
        size_t k = x->missing && x->code && takes[j] ? ex_code_index(x->code) : (size_t)-1;
        if (k != (size_t)-1 && o->format == EXPORT_SAV)
          err = readstat_insert_double_value(w, vars[j], EX_CODE_SAV_HI - (double)k);
        else if (k != (size_t)-1) err = readstat_insert_tagged_missing_value(w, vars[j], code_tag(o->format, k));
        else if (x->missing) err = readstat_insert_missing_value(w, vars[j]);
        else if (c->kind == FRAME_TEXT) {
          ex_cut_label(x->text ? x->text : "", fmt.string_max, text, sizeof text);
          if (strlen(text) > readstat_variable_get_storage_width(vars[j])) {
            rc = avn_fail(e, AVN_E_RANGE, c->name, text, "is wider than the column's %zu bytes (frame_text_widths)",
                          readstat_variable_get_storage_width(vars[j]));
            goto cleanup;
          }
          err = readstat_insert_string_value(w, vars[j], text);
        } else if (c->kind == FRAME_DATE)
          err = readstat_insert_double_value(w, vars[j], date_value(o->format, x->num));
        else if (readstat_variable_get_type(vars[j]) == READSTAT_TYPE_INT32)
          err = readstat_insert_int32_value(w, vars[j], (int32_t)x->num);
        else err = readstat_insert_double_value(w, vars[j], x->num);
      }
      if (!err) err = readstat_end_row(w);
    }
    sum->rows += n;
    ex_progress(o, sum->rows, rows);
    if (err) rc = rs_fail(err, o->path, e);
  }
  if (!rc && (err = readstat_end_writing(w))) rc = rs_fail(err, o->path, e);
  if (!rc) rc = ex_commit(&out, e);
cleanup:
  ex_abort(&out);
  if (w) readstat_writer_free(w);
  avn_free(vars);
  avn_free(takes);
  avn_free(widths);
  return rc;
}
