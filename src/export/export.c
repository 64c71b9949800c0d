/*
** export.c: format dispatch, the shared file handling, and the CSV family:
** wide (a row per unit), long (a row per stored value), the codebook and
** SPSS syntax that reads the wide file with its labels (see export.h); the
** missing-data code helpers every writer shares. A cell entered as a
** missing-data code is written as the code ("ND"), a blank as a blank.
*/
#include "export/export_int.h"

#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/dir.h"
#include "core/mem.h"

static const char *const format_names[] = {"csv", "sav", "dta", "xpt", "xlsx", "odm"};

avn_rc export_format_parse(const char *name, export_format *out, avn_err *e) {
  for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
    if (name && !strcmp(name, format_names[i])) {
      *out = (export_format)i;
      return AVN_OK;
    }
  return avn_fail(e, AVN_E_UNKNOWN, "--format", name, "must be one of csv, sav, dta, xpt, xlsx, odm");
}

/* ------------------------------------------------------------------ */
/* shared                                                              */

/* The folder of path, made as mkdir -p does (every --out makes its folders). */
static avn_rc make_parent(const char *path, avn_err *e) {
  const char *slash = strrchr(path, '/');
  if (!slash || slash == path) return AVN_OK;
  char *dir = avn_strndup(path, (size_t)(slash - path));
  if (!dir) return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  avn_rc rc = avn_mkdir_p(dir, e);
  avn_free(dir);
  return rc;
}

avn_rc ex_open(const char *path, bool open_fp, ex_file *f, avn_err *e) {
  memset(f, 0, sizeof *f);
  avn_rc rc = make_parent(path, e);
  if (rc) return rc;
  f->path = avn_strdup(path);
  size_t n = strlen(path) + 6;
  f->tmp = avn_malloc(n);
  if (!f->path || !f->tmp) {
    ex_abort(f);
    return avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  }
  snprintf(f->tmp, n, "%s.part", path);
  if (open_fp && !(f->fp = fopen(f->tmp, "wb"))) {
    avn_rc rc = avn_fail(e, AVN_E_IO, "--out", path, "cannot be written: %s", strerror(errno));
    ex_abort(f);
    return rc;
  }
  return AVN_OK;
}

static void ex_free(ex_file *f) {
  avn_free(f->path);
  avn_free(f->tmp);
  memset(f, 0, sizeof *f);
}

avn_rc ex_commit(ex_file *f, avn_err *e) {
  avn_rc rc = AVN_OK;
  if (f->fp && (ferror(f->fp) | fclose(f->fp)) != 0)
    rc = avn_fail(e, AVN_E_IO, "--out", f->path, "could not be written: %s", strerror(errno ? errno : EIO));
  f->fp = NULL;
  if (!rc && rename(f->tmp, f->path) != 0)
    rc = avn_fail(e, AVN_E_IO, "--out", f->path, "could not be put in place: %s", strerror(errno));
  if (rc) unlink(f->tmp);
  ex_free(f);
  return rc;
}

void ex_abort(ex_file *f) {
  if (f->fp) fclose(f->fp);
  f->fp = NULL;
  if (f->tmp) unlink(f->tmp);
  ex_free(f);
}

void ex_progress(const export_opts *o, size_t done, size_t total) {
  if (o->progress) o->progress(o->ctx, done, total);
}

void ex_short_name(const char *name, size_t col, size_t max, char *out, size_t out_size) {
  size_t n = strlen(name);
  if (n <= max) {
    snprintf(out, out_size, "%s", name);
    return;
  }
  snprintf(out, out_size, "%.*s_%04zu", (int)(max - 5), name, col % 10000);
}

void ex_cut_label(const char *label, size_t max, char *out, size_t out_size) {
  size_t n = strlen(label);
  if (n > max) {
    n = max;
    while (n > 0 && ((unsigned char)label[n] & 0xC0) == 0x80) n--; /* not inside a character */
  }
  snprintf(out, out_size, "%.*s", (int)n, label);
}

void ex_full_label(const frame_col *c, char *out, size_t out_size) {
  bool unit = c->unit && *c->unit;
  snprintf(out, out_size, "%s%s%s%s", c->label, unit ? " [" : "", unit ? c->unit : "", unit ? "]" : "");
}

size_t ex_code_index(const char *code) {
  const inst_missing_code *m = inst_missing_code_find(code);
  return m ? (size_t)(m - inst_missing_codes) : (size_t)-1;
}

bool ex_col_takes_codes(const frame_col *c) {
  const inst_item *it = c->item;
  /* The range holds one value per code (and Stata's tags run .a to .z). */
  if (!it || c->kind == FRAME_TEXT || inst_n_missing_codes > (size_t)(EX_CODE_SAV_HI - EX_CODE_SAV_LO) + 1)
    return false;
  if ((it->type == INST_INT || it->type == INST_REAL) && it->min <= it->max && it->min <= EX_CODE_SAV_HI &&
      it->max >= EX_CODE_SAV_LO)
    return false;
  for (size_t k = 0; it->type == INST_CODE && k < it->n_codes; k++) {
    double v = frame_code_value(it, k);
    if (v >= EX_CODE_SAV_LO && v <= EX_CODE_SAV_HI) return false;
  }
  return true;
}

/* ------------------------------------------------------------------ */
/* CSV                                                                 */

/* Text fields go through libcsv (RFC 4180: quoted, quotes doubled); numbers
** and dates are written bare. */
static void put_text(FILE *fp, const char *s) { csv_fwrite(fp, s, strlen(s)); }

static const char *code_label(const frame_col *c, double v, bool want_label) {
  size_t n = 0;
  const inst_code *codes = frame_col_codes(c, &n);
  for (size_t k = 0; k < n; k++) {
    double cv = c->coded ? frame_code_value(c->coded, k) : codes[k].value;
    if (cv == v) return want_label ? codes[k].label : codes[k].name;
  }
  return NULL;
}

/* A cell: blank when missing, its code when entered as a missing-data code
** ("ND": every reader tells it from a blank; the .sps makes it user-missing). */
static void put_cell(FILE *fp, const frame_col *c, const frame_cell *x, bool labels, size_t *width) {
  char buf[40];
  if (x->missing && x->code) {
    fputs(x->code, fp);
    if (strlen(x->code) > *width) *width = strlen(x->code);
    return;
  }
  if (x->missing) return;
  switch (c->kind) {
  case FRAME_TEXT:
    put_text(fp, x->text ? x->text : "");
    if (x->text && strlen(x->text) > *width) *width = strlen(x->text);
    return;
  case FRAME_DATE:
    fputs(avn_date_format((avn_date)x->num, buf), fp);
    return;
  default: {
    const char *l = labels ? code_label(c, x->num, true) : NULL;
    if (l) {
      put_text(fp, l);
      if (strlen(l) > *width) *width = strlen(l);
      return;
    }
    snprintf(buf, sizeof buf, "%.15g", x->num);
    fputs(buf, fp);
  }
  }
}

static avn_rc write_wide(frame *fr, const export_opts *o, FILE *fp, size_t *widths, size_t total,
                         export_summary *sum, avn_err *e) {
  size_t nc = frame_ncols(fr);
  for (size_t j = 0; j < nc; j++) {
    if (j) fputc(',', fp);
    fputs(frame_col_at(fr, j)->name, fp);
  }
  fputs("\r\n", fp);
  const frame_cell *rows;
  size_t n;
  avn_rc rc;
  while (!(rc = frame_next(fr, &rows, &n, e)) && n > 0) {
    for (size_t i = 0; i < n; i++) {
      for (size_t j = 0; j < nc; j++) {
        if (j) fputc(',', fp);
        put_cell(fp, frame_col_at(fr, j), &rows[i * nc + j], o->labels, &widths[j]);
      }
      fputs("\r\n", fp);
    }
    sum->rows += n;
    ex_progress(o, sum->rows, total);
  }
  return rc;
}

/* A row per stored value of every form, entries 1 and 2 alike: patient,
** site, hip, visit, form, instance, entry, item, value (a code's name, a
** number, a date, or days from enrolment when de-identified). instance is
** a repeating form's number (each adverse event its own rows: the
** per-instance table the wide layout cannot hold), a read's reader, or
** blank for a form's one instance. A value entered as a missing-data code
** is written as the code ("ND"), so the file round-trips through avn
** import; a blank item has no row. */
static avn_rc write_long(frame *fr, const export_opts *o, FILE *fp, size_t total, export_summary *sum,
                         avn_err *e) {
  fputs("patient,site,side,visit,form,instance,entry,item,value\r\n", fp);
  const frame_cell *rows;
  size_t n, units = 0;
  avn_rc rc;
  char buf[40];
  while (!(rc = frame_next(fr, &rows, &n, e)) && n > 0) {
    const store_study *st = frame_chunk(fr);
    for (size_t k = 0; k < st->n_forms; k++) {
      const store_form *f = &st->forms[k];
      const store_patient *p = &st->patients[f->patient];
      for (size_t v = 0; v < f->n_values; v++) {
        const inst_value *x = &f->values[v];
        if ((x->missing && !x->code) || !x->item) continue;   /* a blank is no row; a code is */
        const inst_item *it = f->def ? inst_item_find(f->def, x->item) : NULL;
        if (it && it->identifying) continue;   /* a direct identifier never leaves */
        put_text(fp, p->code);
        fputc(',', fp);
        put_text(fp, p->site);
        fprintf(fp, ",%s,", f->side == SIDE_PATIENT ? "" : side_name(f->side));
        put_text(fp, f->visit);
        fputc(',', fp);
        put_text(fp, f->instrument);
        fputc(',', fp);
        put_text(fp, f->instance);
        fprintf(fp, ",%d,", f->entry);
        put_text(fp, x->item);
        fputc(',', fp);
        if (x->missing) {
          fputs(x->code, fp);   /* "ND": read back as the code (avn import --format long) */
        } else if (it && it->type == INST_DATE) {
          if (o->deidentified) fprintf(fp, "%.0f", x->num - p->enrolled);
          else fputs(avn_date_format((avn_date)x->num, buf), fp);
        } else if (x->text) {
          put_text(fp, x->text);
        } else {
          snprintf(buf, sizeof buf, "%.15g", x->num);
          fputs(buf, fp);
        }
        fputs("\r\n", fp);
        sum->rows++;
      }
    }
    units += n;
    ex_progress(o, units, total);
  }
  return rc;
}

static const char *kind_name(frame_kind k) { return k == FRAME_TEXT ? "text" : k == FRAME_DATE ? "date" : "number"; }
static const char *measure_name(frame_measure m) {
  return m == FRAME_SCALE ? "scale" : m == FRAME_ORDINAL ? "ordinal" : "nominal";
}

void ex_missing_codes_text(avn_buf *b) {
  for (size_t k = 0; k < inst_n_missing_codes; k++)
    avn_buf_printf(b, "%s%s=%s", k ? "; " : "", inst_missing_codes[k].code, inst_missing_codes[k].label);
}

/* name,label,type,unit,measure,values,visit,form,source,missing_codes: one
** row per column; missing_codes lists the codes an item's cells may hold
** instead of a value (the data file writes the code, "ND"). */
static void write_codebook(frame *fr, FILE *fp) {
  fputs("variable,label,type,unit,measure,values,visit,form,source,missing_codes\r\n", fp);
  avn_buf vals, codes_text;
  avn_buf_init(&vals, 1 << 16);
  avn_buf_init(&codes_text, 1 << 12);
  ex_missing_codes_text(&codes_text);
  for (size_t j = 0; j < frame_ncols(fr); j++) {
    const frame_col *c = frame_col_at(fr, j);
    size_t n = 0;
    const inst_code *codes = frame_col_codes(c, &n);
    avn_buf_reset(&vals);
    for (size_t k = 0; k < n; k++)
      avn_buf_printf(&vals, "%s%.15g=%s", k ? "; " : "", c->coded ? frame_code_value(c->coded, k) : codes[k].value,
                     codes[k].label);
    fprintf(fp, "%s,", c->name);
    put_text(fp, c->label);
    fprintf(fp, ",%s,", kind_name(c->kind));
    put_text(fp, c->unit ? c->unit : "");
    fprintf(fp, ",%s,", measure_name(c->measure));
    put_text(fp, avn_buf_str(&vals));
    fputc(',', fp);
    put_text(fp, c->visit ? c->visit : "");
    fputc(',', fp);
    put_text(fp, c->form ? inst_name(c->form) : "");
    fputc(',', fp);
    put_text(fp, c->source ? c->source : "");
    fputc(',', fp);
    put_text(fp, c->item ? avn_buf_str(&codes_text) : "");
    fputs("\r\n", fp);
  }
  avn_buf_free(&vals);
  avn_buf_free(&codes_text);
}

/* An SPSS string literal: single quotes, doubled inside. */
static void sps_quote(FILE *fp, const char *s) {
  fputc('\'', fp);
  for (; *s; s++) {
    if (*s == '\'') fputc('\'', fp);
    fputc(*s, fp);
  }
  fputc('\'', fp);
}

/* Whether the .sps reads a column as text first: a numeric or date item,
** whose cells may hold a missing-data code ("ND"). */
static bool sps_via_text(const export_opts *o, const frame_col *c) {
  return c->item && c->kind != FRAME_TEXT && !(o->labels && c->coded);
}

/* An item column read as text (@name) becomes the number or date it holds;
** a code becomes its user-missing value where the column takes codes (as in
** the .sav), else a blank. RECODE INTO a new variable leaves the rest system
** missing, and NUMBER then parses them: a blank quietly, never a code. */
static void sps_convert(FILE *fp, const frame_col *c) {
  const char *fmt = c->kind == FRAME_DATE ? "SDATE10" : "F40";
  bool takes = ex_col_takes_codes(c);
  fprintf(fp, "RECODE @%s", c->name);
  for (size_t k = 0; k < inst_n_missing_codes; k++) {
    fprintf(fp, "%s('%s'=", k % 4 ? " " : "\n  ", inst_missing_codes[k].code);
    if (takes) fprintf(fp, "%.0f)", EX_CODE_SAV_HI - (double)k);
    else fputs("'')", fp);
  }
  if (takes) fprintf(fp, "\n  INTO %s.\nIF SYSMIS(%s) %s = NUMBER(@%s, %s).\n", c->name, c->name, c->name, c->name, fmt);
  else fprintf(fp, ".\nCOMPUTE %s = NUMBER(@%s, %s).\n", c->name, c->name, fmt);
  fprintf(fp, "FORMATS %s (%s).\n", c->name, c->kind == FRAME_DATE ? "SDATE10" : "F16.6");
}

/* Syntax that reads the wide CSV in SPSS or PSPP with every label, and the
** missing-data codes as the .sav has them: user-missing values with labels. */
static void write_sps(frame *fr, const export_opts *o, const char *csv_name, const size_t *widths, FILE *fp) {
  size_t nc = frame_ncols(fr);
  bool any_via = false;
  fputs("* Reads the avn export beside this file with its labels (SPSS or PSPP).\n", fp);
  fputs("GET DATA /TYPE=TXT /FILE=", fp);
  sps_quote(fp, csv_name);
  fputs(" /ENCODING='UTF8' /ARRANGEMENT=DELIMITED /DELCASE=LINE /FIRSTCASE=2\n"
        "  /DELIMITERS=\",\" /QUALIFIER='\"'\n  /VARIABLES=\n",
        fp);
  for (size_t j = 0; j < nc; j++) {
    const frame_col *c = frame_col_at(fr, j);
    bool text = c->kind == FRAME_TEXT || (o->labels && c->coded);
    if (sps_via_text(o, c)) fprintf(fp, "    @%s A40\n", c->name);
    else if (text) fprintf(fp, "    %s A%zu\n", c->name, widths[j] ? widths[j] : 1);
    else if (c->kind == FRAME_DATE) fprintf(fp, "    %s SDATE10\n", c->name);
    else fprintf(fp, "    %s F16.6\n", c->name);
  }
  fputs(".\n", fp);
  for (size_t j = 0; j < nc; j++) {
    const frame_col *c = frame_col_at(fr, j);
    if (!sps_via_text(o, c)) continue;
    sps_convert(fp, c);
    any_via = true;
  }
  /* The converted columns back in their places, the text ones dropped. */
  if (any_via) {
    fputs("MATCH FILES /FILE=* /KEEP=", fp);
    for (size_t j = 0; j < nc; j++) fprintf(fp, "\n  %s", frame_col_at(fr, j)->name);
    fputs(".\n", fp);
  }
  fputs("VARIABLE LABELS\n", fp);
  for (size_t j = 0; j < nc; j++) {
    const frame_col *c = frame_col_at(fr, j);
    char label[400];
    ex_full_label(c, label, sizeof label);
    fprintf(fp, "  %s%s ", j ? "/" : "", c->name);
    sps_quote(fp, label);
    fputc('\n', fp);
  }
  fputs(".\n", fp);
  bool any = false;
  for (size_t j = 0; j < nc; j++) {
    const frame_col *c = frame_col_at(fr, j);
    size_t n = 0;
    const inst_code *codes = frame_col_codes(c, &n);
    bool takes = sps_via_text(o, c) && ex_col_takes_codes(c);
    if ((!n && !takes) || (o->labels && c->coded) || c->kind == FRAME_TEXT) continue;
    fprintf(fp, "%s  %s", any ? "\n  /" : "VALUE LABELS\n", c->name);
    for (size_t k = 0; k < n; k++) {
      fprintf(fp, " %.15g ", c->coded ? frame_code_value(c->coded, k) : codes[k].value);
      sps_quote(fp, codes[k].label);
    }
    for (size_t k = 0; takes && k < inst_n_missing_codes; k++)
      fprintf(fp, "\n    %.0f '%s: %s'", EX_CODE_SAV_HI - (double)k, inst_missing_codes[k].code,
              inst_missing_codes[k].label);
    any = true;
  }
  if (any) fputs("\n.\n", fp);
  any = false;
  for (size_t j = 0; j < nc; j++) {
    const frame_col *c = frame_col_at(fr, j);
    if (!sps_via_text(o, c) || !ex_col_takes_codes(c)) continue;
    fprintf(fp, "%s  %s", any ? "\n" : "MISSING VALUES\n", c->name);
    any = true;
  }
  if (any) fprintf(fp, " (%.0f THRU %.0f).\n", EX_CODE_SAV_LO, EX_CODE_SAV_HI);
  fputs("VARIABLE LEVEL\n", fp);
  for (size_t j = 0; j < nc; j++) {
    const frame_col *c = frame_col_at(fr, j);
    bool text = c->kind == FRAME_TEXT || (o->labels && c->coded);
    fprintf(fp, "  %s%s (%s)\n", j ? "/" : "", c->name,
            text && c->measure == FRAME_SCALE ? "NOMINAL" : c->measure == FRAME_SCALE ? "SCALE"
                                                          : c->measure == FRAME_ORDINAL ? "ORDINAL" : "NOMINAL");
  }
  fputs(".\nEXECUTE.\n", fp);
}

/* PATH without its extension + suffix. */
static char *sibling(const char *path, const char *suffix) {
  const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
  size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - path) : strlen(path);
  size_t n = stem + strlen(suffix) + 1;
  char *s = avn_malloc(n);
  if (s) snprintf(s, n, "%.*s%s", (int)stem, path, suffix);
  return s;
}

static avn_rc write_csv(store *s, frame *fr, const export_opts *o, export_summary *sum, avn_err *e) {
  avn_rc rc = AVN_OK;
  ex_file data = {0}, book = {0}, sps = {0};
  size_t *widths = avn_calloc(frame_ncols(fr) + 1, sizeof *widths);
  char *book_path = sibling(o->path, ".codebook.csv"), *sps_path = sibling(o->path, ".sps");
  size_t total = 0;
  if (!widths || !book_path || !sps_path) {
    rc = avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
    goto cleanup;
  }
  rc = frame_count_rows(s, &total, e);
  if (!rc) rc = ex_open(o->path, true, &data, e);
  if (!rc) rc = o->long_layout ? write_long(fr, o, data.fp, total, sum, e)
                               : write_wide(fr, o, data.fp, widths, total, sum, e);
  if (!rc && !o->long_layout) {
    rc = ex_open(book_path, true, &book, e);
    if (!rc) write_codebook(fr, book.fp);
    if (!rc) rc = ex_open(sps_path, true, &sps, e);
    if (!rc) {
      const char *slash = strrchr(o->path, '/');
      write_sps(fr, o, slash ? slash + 1 : o->path, widths, sps.fp);
    }
  }
  /* All three files land, or none. */
  if (!rc) rc = ex_commit(&data, e);
  if (!rc && book.tmp) rc = ex_commit(&book, e);
  if (!rc && sps.tmp) rc = ex_commit(&sps, e);
cleanup:
  ex_abort(&data);
  ex_abort(&book);
  ex_abort(&sps);
  avn_free(widths);
  avn_free(book_path);
  avn_free(sps_path);
  return rc;
}

avn_rc export_study(store *s, const export_opts *o, export_summary *out, avn_err *e) {
  avn_rc rc = AVN_OK;
  export_summary sum = {0};
  frame *fr = NULL;
  /* The long CSV and ODM carry both entries as typed; the wide formats the settled values. */
  frame_opts fo = {.deidentified = o->deidentified, .raw = o->long_layout || o->format == EXPORT_ODM};
  if ((o->long_layout || o->labels) && o->format != EXPORT_CSV)
    return avn_fail(e, AVN_E_USAGE, o->long_layout ? "--layout" : "--labels", o->long_layout ? "long" : NULL,
                    "applies to --format csv only");
  /* Birth and enrolment dates leave only for roles that may see who a
  ** patient is (store_permit; the statistician exports --deidentified). */
  if (!o->deidentified) rc = store_permit(s, "export_identified", NULL, e);
  if (!rc) rc = frame_open(s, &fo, &fr, e);
  if (rc) goto cleanup;
  sum.columns = o->long_layout ? 8 : frame_ncols(fr);
  switch (o->format) {
  case EXPORT_CSV: rc = write_csv(s, fr, o, &sum, e); break;
  case EXPORT_SAV:
  case EXPORT_DTA:
  case EXPORT_XPT: rc = ex_write_stat(s, fr, o, &sum, e); break;
  case EXPORT_XLSX: rc = ex_write_xlsx(s, fr, o, &sum, e); break;
  case EXPORT_ODM: rc = ex_write_odm(s, fr, o, &sum, e); break;
  }
  if (!rc && out) *out = sum;
cleanup:
  frame_close(fr);
  return rc;
}
