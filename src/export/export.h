/*
** export.h: a study's data out, for the tools statisticians use: CSV (wide
** or long, with a codebook and SPSS syntax), SPSS .sav, Stata .dta and SAS
** transport .xpt (ReadStat), Excel .xlsx (libxlsxwriter) and CDISC ODM 1.3.2
** XML (libxml2).
**
** Every format reads the analysis dataset (frame/frame.h) chunk by chunk,
** so memory stays bounded whatever the study's size; the long CSV walks the
** stored values of each chunk. Variable names, labels, units, value labels
** and measurement levels are the frame's, from the definitions.
**
** A file is written under a temporary name and renamed into place at the
** end: a failed export leaves no half-written file behind.
*/
#ifndef AVN_EXPORT_H
#define AVN_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include "core/rc.h"
#include "store/store.h"

typedef enum export_format {
  EXPORT_CSV, EXPORT_SAV, EXPORT_DTA, EXPORT_XPT, EXPORT_XLSX, EXPORT_ODM
} export_format;

/* Units written so far of total (0: unknown), after each chunk; done ==
** total at the end. The library never prints: the CLI draws the bar. */
typedef void (*export_progress_fn)(void *ctx, size_t done, size_t total);

typedef struct export_opts {
  export_format format;
  const char *path;          /* the data file; a CSV also gets PATH's stem + .codebook.csv and .sps */
  bool long_layout;          /* CSV only: a row per stored value */
  bool labels;               /* CSV only: a code's label instead of its value */
  bool deidentified;         /* no birth or enrolment dates; dates as days from enrolment */
  export_progress_fn progress; /* may be NULL */
  void *ctx;                 /* progress's */
} export_opts;

typedef struct export_summary {
  size_t rows, columns;
} export_summary;

/* "csv", "sav", ... to a format; AVN_E_UNKNOWN naming the choices. */
avn_rc export_format_parse(const char *name, export_format *out /* OUT */, avn_err *e);

avn_rc export_study(store *s, const export_opts *o, export_summary *out /* OUT, may be NULL */, avn_err *e);

#endif
