/*
** export_odm.c: CDISC ODM 1.3.2 through libxml2's streaming writer: the
** study's metadata (visits as StudyEventDefs, forms, one item group per
** form, items with their data types, questions and code lists) and its
** clinical data (a SubjectData per patient, chunk by chunk).
**
** A per-hip form and a double entry are told apart by FormRepeatKey
** ("left.1", "right.2", "patient.1"), since ODM has no hip and no entry.
** Element order follows the ODM 1.3.2 schema (MetaDataVersion: Protocol,
** StudyEventDef*, FormDef*, ItemGroupDef*, ItemDef*, CodeList*).
*/
#include <libxml/xmlwriter.h>
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "export/export_int.h"
#include "protocol/protocol.h"

#define X(s) ((const xmlChar *)(s))

static const char *data_type(const inst_item *it) {
  switch (it->type) {
  case INST_INT: return "integer";
  case INST_REAL: return "float";
  case INST_DATE: return "date";
  case INST_TIME: return "time";
  case INST_BOOL: return "boolean";
  default: return "text";
  }
}

/* Forms the protocol's visits collect, each once, in first-use order. */
static size_t study_forms(const protocol *p, const inst_def **out, size_t max) {
  size_t n = 0;
  for (size_t v = 0; v < p->n_visits; v++)
    for (size_t k = 0; k < p->visits[v].n_forms; k++) {
      const inst_def *d = inst_find(p->visits[v].forms[k]);
      bool seen = false;
      for (size_t i = 0; i < n; i++) seen |= out[i] == d;
      if (d && !seen && n < max) out[n++] = d;
    }
  return n;
}

static int attr(xmlTextWriterPtr w, const char *name, const char *value) {
  return xmlTextWriterWriteAttribute(w, X(name), X(value ? value : ""));
}

static int attrf(xmlTextWriterPtr w, const char *name, const char *fmt, const char *a, const char *b) {
  char buf[512];
  snprintf(buf, sizeof buf, fmt, a, b);
  return attr(w, name, buf);
}

static int translated(xmlTextWriterPtr w, const char *element, const char *text) {
  int r = xmlTextWriterStartElement(w, X(element));
  r |= xmlTextWriterStartElement(w, X("TranslatedText")) < 0;
  r |= xmlTextWriterWriteAttribute(w, X("xml:lang"), X("en")) < 0;
  r |= xmlTextWriterWriteString(w, X(text ? text : "")) < 0;
  r |= xmlTextWriterEndElement(w) < 0;
  r |= xmlTextWriterEndElement(w) < 0;
  return r;
}

static int metadata(xmlTextWriterPtr w, const protocol *p, const inst_def **forms, size_t nf) {
  int r = 0;
  r |= xmlTextWriterStartElement(w, X("MetaDataVersion")) < 0;
  r |= attr(w, "OID", "MDV.1") < 0;
  r |= attr(w, "Name", p->title ? p->title : p->name) < 0;
  r |= xmlTextWriterStartElement(w, X("Protocol")) < 0;
  for (size_t v = 0; v < p->n_visits; v++) {
    char order[24];
    snprintf(order, sizeof order, "%zu", v + 1);
    r |= xmlTextWriterStartElement(w, X("StudyEventRef")) < 0;
    r |= attrf(w, "StudyEventOID", "SE.%s%s", p->visits[v].name, "") < 0;
    r |= attr(w, "OrderNumber", order) < 0;
    r |= attr(w, "Mandatory", "Yes") < 0;
    r |= xmlTextWriterEndElement(w) < 0;
  }
  r |= xmlTextWriterEndElement(w) < 0;
  for (size_t v = 0; v < p->n_visits; v++) {
    const proto_visit *pv = &p->visits[v];
    r |= xmlTextWriterStartElement(w, X("StudyEventDef")) < 0;
    r |= attrf(w, "OID", "SE.%s%s", pv->name, "") < 0;
    r |= attr(w, "Name", pv->label && *pv->label ? pv->label : pv->name) < 0;
    r |= attr(w, "Repeating", "No") < 0;
    r |= attr(w, "Type", "Scheduled") < 0;
    for (size_t k = 0; k < pv->n_forms; k++) {
      if (!inst_find(pv->forms[k])) continue;
      r |= xmlTextWriterStartElement(w, X("FormRef")) < 0;
      r |= attrf(w, "FormOID", "F.%s%s", pv->forms[k], "") < 0;
      r |= attr(w, "Mandatory", "No") < 0;
      r |= xmlTextWriterEndElement(w) < 0;
    }
    r |= xmlTextWriterEndElement(w) < 0;
  }
  for (size_t i = 0; i < nf; i++) {
    r |= xmlTextWriterStartElement(w, X("FormDef")) < 0;
    r |= attrf(w, "OID", "F.%s%s", inst_name(forms[i]), "") < 0;
    r |= attr(w, "Name", inst_title(forms[i])) < 0;
    r |= attr(w, "Repeating", "Yes") < 0; /* per hip, and per entry */
    r |= xmlTextWriterStartElement(w, X("ItemGroupRef")) < 0;
    r |= attrf(w, "ItemGroupOID", "IG.%s%s", inst_name(forms[i]), "") < 0;
    r |= attr(w, "Mandatory", "Yes") < 0;
    r |= xmlTextWriterEndElement(w) < 0;
    r |= xmlTextWriterEndElement(w) < 0;
  }
  for (size_t i = 0; i < nf; i++) {
    r |= xmlTextWriterStartElement(w, X("ItemGroupDef")) < 0;
    r |= attrf(w, "OID", "IG.%s%s", inst_name(forms[i]), "") < 0;
    r |= attr(w, "Name", inst_title(forms[i])) < 0;
    r |= attr(w, "Repeating", "No") < 0;
    for (size_t k = 0; k < inst_n_items(forms[i]); k++) {
      const inst_item *it = inst_item_at(forms[i], k);
      if (it->alias_of || it->identifying) continue;
      r |= xmlTextWriterStartElement(w, X("ItemRef")) < 0;
      r |= attrf(w, "ItemOID", "I.%s.%s", inst_name(forms[i]), it->name) < 0;
      r |= attr(w, "Mandatory", it->required ? "Yes" : "No") < 0;
      r |= xmlTextWriterEndElement(w) < 0;
    }
    r |= xmlTextWriterEndElement(w) < 0;
  }
  for (size_t i = 0; i < nf; i++)
    for (size_t k = 0; k < inst_n_items(forms[i]); k++) {
      const inst_item *it = inst_item_at(forms[i], k);
      if (it->alias_of || it->identifying) continue;
      r |= xmlTextWriterStartElement(w, X("ItemDef")) < 0;
      r |= attrf(w, "OID", "I.%s.%s", inst_name(forms[i]), it->name) < 0;
      r |= attr(w, "Name", it->name) < 0;
      r |= attr(w, "DataType", data_type(it)) < 0;
      r |= translated(w, "Question", it->label ? it->label : it->name) < 0;
      if (it->type == INST_CODE) {
        r |= xmlTextWriterStartElement(w, X("CodeListRef")) < 0;
        r |= attrf(w, "CodeListOID", "CL.%s.%s", inst_name(forms[i]), it->name) < 0;
        r |= xmlTextWriterEndElement(w) < 0;
      }
      r |= xmlTextWriterEndElement(w) < 0;
    }
  for (size_t i = 0; i < nf; i++)
    for (size_t k = 0; k < inst_n_items(forms[i]); k++) {
      const inst_item *it = inst_item_at(forms[i], k);
      if (it->alias_of || it->type != INST_CODE) continue;
      r |= xmlTextWriterStartElement(w, X("CodeList")) < 0;
      r |= attrf(w, "OID", "CL.%s.%s", inst_name(forms[i]), it->name) < 0;
      r |= attr(w, "Name", it->name) < 0;
      r |= attr(w, "DataType", "text") < 0;
      for (size_t c = 0; c < it->n_codes; c++) {
        r |= xmlTextWriterStartElement(w, X("CodeListItem")) < 0;
        r |= attr(w, "CodedValue", it->codes[c].name) < 0;
        r |= translated(w, "Decode", it->codes[c].label ? it->codes[c].label : it->codes[c].name) < 0;
        r |= xmlTextWriterEndElement(w) < 0;
      }
      r |= xmlTextWriterEndElement(w) < 0;
    }
  r |= xmlTextWriterEndElement(w) < 0;
  return r;
}

/* One item's value as ODM text: dates YYYY-MM-DD, times HH:MM:SS,
** booleans true/false, codes by their coded value (the code's name). */
static void odm_value(const inst_item *it, const inst_value *x, char *out, size_t n) {
  switch (it ? it->type : INST_TEXT) {
  case INST_DATE: {
    char d[11];
    snprintf(out, n, "%s", avn_date_format((avn_date)x->num, d));
    break;
  }
  case INST_TIME: snprintf(out, n, "%02d:%02d:00", (int)x->num / 60, (int)x->num % 60); break;
  case INST_BOOL: snprintf(out, n, "%s", x->num != 0 ? "true" : "false"); break;
  case INST_INT:
  case INST_REAL: snprintf(out, n, "%.15g", x->num); break;
  default: snprintf(out, n, "%s", x->text ? x->text : "");
  }
}

/* The chunk's subjects: forms are in id order, so grouped by patient via
** the snapshot's sorted index (patient, visit, instrument, side, entry). */
static int subjects(xmlTextWriterPtr w, const store_study *st) {
  int r = 0;
  size_t k = 0;
  char value[4096];
  for (size_t pi = 0; pi < st->n_patients; pi++) {
    r |= xmlTextWriterStartElement(w, X("SubjectData")) < 0;
    r |= attr(w, "SubjectKey", st->patients[pi].code) < 0;
    const char *open_visit = NULL;
    for (; k < st->n_forms && st->form_index[k]->patient == pi; k++) {
      const store_form *f = st->form_index[k];
      if (!open_visit || strcmp(open_visit, f->visit)) {
        if (open_visit) r |= xmlTextWriterEndElement(w) < 0;
        r |= xmlTextWriterStartElement(w, X("StudyEventData")) < 0;
        r |= attrf(w, "StudyEventOID", "SE.%s%s", f->visit, *f->visit ? "" : "none") < 0;   /* a log entry at no visit */
        open_visit = f->visit;
      }
      char key[120];   /* side[.instance].entry: a repeating form's number or a read's reader */
      snprintf(key, sizeof key, "%s%s%.64s.%d", f->side == 1 ? "left" : f->side == 2 ? "right" : "patient",
               *f->instance ? "." : "", f->instance, f->entry);
      r |= xmlTextWriterStartElement(w, X("FormData")) < 0;
      r |= attrf(w, "FormOID", "F.%s%s", f->instrument, "") < 0;
      r |= attr(w, "FormRepeatKey", key) < 0;
      r |= xmlTextWriterStartElement(w, X("ItemGroupData")) < 0;
      r |= attrf(w, "ItemGroupOID", "IG.%s%s", f->instrument, "") < 0;
      for (size_t v = 0; v < f->n_values; v++) {
        const inst_value *x = &f->values[v];
        const inst_item *xi = f->def && x->item ? inst_item_find(f->def, x->item) : NULL;
        if (x->missing || !x->item || (xi && xi->identifying)) continue;
        odm_value(xi, x, value, sizeof value);
        r |= xmlTextWriterStartElement(w, X("ItemData")) < 0;
        r |= attrf(w, "ItemOID", "I.%s.%s", f->instrument, x->item) < 0;
        r |= attr(w, "Value", value) < 0;
        r |= xmlTextWriterEndElement(w) < 0;
      }
      r |= xmlTextWriterEndElement(w) < 0;
      r |= xmlTextWriterEndElement(w) < 0;
    }
    if (open_visit) r |= xmlTextWriterEndElement(w) < 0;
    r |= xmlTextWriterEndElement(w) < 0;
  }
  return r;
}

avn_rc ex_write_odm(store *s, frame *fr, const export_opts *o, export_summary *sum, avn_err *e) {
  avn_rc rc = AVN_OK;
  ex_file out = {0};
  xmlTextWriterPtr w = NULL;
  const protocol *p = store_protocol(s);
  const inst_def *forms[256];
  size_t nf = study_forms(p, forms, 256), total = 0, units = 0;
  if (o->deidentified)
    return avn_fail(e, AVN_E_USAGE, "--deidentified", NULL,
                    "an ODM file carries the study's dates as entered: use csv, sav, dta, xpt or xlsx");
  rc = frame_count_rows(s, &total, e);
  if (!rc) rc = ex_open(o->path, false, &out, e);
  if (rc) goto cleanup;
  w = xmlNewTextWriterFilename(out.tmp, 0);
  if (!w) {
    rc = avn_fail(e, AVN_E_IO, "--out", o->path, "cannot be written");
    goto cleanup;
  }
  char now[32], oid[256];
  time_t t = time(NULL);
  strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%S+00:00", gmtime(&t));
  snprintf(oid, sizeof oid, "avn.%s.%s", p->name, now);
  int r = 0;
  xmlTextWriterSetIndent(w, 1);
  r |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
  r |= xmlTextWriterStartElement(w, X("ODM")) < 0;
  r |= attr(w, "xmlns", "http://www.cdisc.org/ns/odm/v1.3") < 0;
  r |= attr(w, "ODMVersion", "1.3.2") < 0;
  r |= attr(w, "FileType", "Snapshot") < 0;
  r |= attr(w, "FileOID", oid) < 0;
  r |= attr(w, "CreationDateTime", now) < 0;
  r |= attr(w, "Originator", "avn") < 0;
  r |= attr(w, "SourceSystem", "avn") < 0;
  r |= attr(w, "SourceSystemVersion", AVN_VERSION) < 0;
  r |= xmlTextWriterStartElement(w, X("Study")) < 0;
  r |= attrf(w, "OID", "ST.%s%s", p->name, "") < 0;
  r |= xmlTextWriterStartElement(w, X("GlobalVariables")) < 0;
  r |= xmlTextWriterWriteElement(w, X("StudyName"), X(p->name)) < 0;
  r |= xmlTextWriterWriteElement(w, X("StudyDescription"), X(p->title ? p->title : p->name)) < 0;
  r |= xmlTextWriterWriteElement(w, X("ProtocolName"), X(p->name)) < 0;
  r |= xmlTextWriterEndElement(w) < 0;
  r |= metadata(w, p, forms, nf);
  r |= xmlTextWriterEndElement(w) < 0;
  r |= xmlTextWriterStartElement(w, X("ClinicalData")) < 0;
  r |= attrf(w, "StudyOID", "ST.%s%s", p->name, "") < 0;
  r |= attr(w, "MetaDataVersionOID", "MDV.1") < 0;
  const frame_cell *cells;
  size_t n;
  while (!r && !(rc = frame_next(fr, &cells, &n, e)) && n > 0) {
    r |= subjects(w, frame_chunk(fr));
    sum->rows += frame_chunk(fr)->n_patients;
    units += n;
    ex_progress(o, units, total);
  }
  r |= xmlTextWriterEndDocument(w) < 0;
  xmlFreeTextWriter(w);
  w = NULL;
  if (!rc && r) rc = avn_fail(e, AVN_E_IO, "--out", o->path, "could not be written (libxml2)");
  if (!rc) rc = ex_commit(&out, e);
cleanup:
  if (w) xmlFreeTextWriter(w);
  ex_abort(&out);
  return rc;
}
