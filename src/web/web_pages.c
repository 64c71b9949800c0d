/*
** web_pages.c: the read-only pages: the study dashboard, a patient (hips,
** schedule, forms by visit with their scores) and a patient's audit trail.
** Each reads one snapshot (store_load) or streams the trail, so a page
** costs a fixed number of queries whatever the study's size.
*/
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "web/web_int.h"

bool web_may_read(web_req *q, const char *patient) {
  avn_err e;
  return store_permit(q->app->s, "read", patient, &e) == AVN_OK;
}

static void load_error(web_resp *r, const web_req *q, const avn_err *e) {
  char msg[1024];
  web_error_page(r, q, e->rc == AVN_E_NOTFOUND ? 404 : e->rc == AVN_E_STATE ? 403 : 500,
                 avn_err_format(e, msg, sizeof msg));
}

static void patient_link(web_resp *r, const char *code) {
  web_raw(r, "<a href=\"/patient/");
  web_url(r, code);
  web_raw(r, "\">");
  web_text(r, code);
  web_raw(r, "</a>");
}

static void window_cells(web_resp *r, const store_event *ev) {
  char a[11], b[11], c[11], d[11];
  web_raw(r, "<td>%s</td><td>%s – %s</td><td>%s</td>", avn_date_format(ev->planned, a),
          avn_date_format(ev->earliest, b), avn_date_format(ev->latest, c),
          ev->has_actual ? avn_date_format(ev->actual, d) : "");
}

void web_page_dashboard(web_req *q, web_resp *r) {
  store_study *st = NULL;
  bool *see = NULL;
  size_t *due = NULL, *overdue = NULL, n_eligible = 0, n_withdrawn = 0, n_due = 0, n_overdue = 0;
  avn_date today = avn_date_today();
  avn_err e;
  avn_err_clear(&e);
  if (store_load(q->app->s, NULL, &st, &e)) {
    load_error(r, q, &e);
    return;
  }
  due = avn_calloc(st->n_patients + 1, sizeof *due);
  overdue = avn_calloc(st->n_patients + 1, sizeof *overdue);
  see = avn_calloc(st->n_patients + 1, sizeof *see);
  if (!due || !overdue || !see) {
    web_error_page(r, q, 500, "out of memory");
    goto cleanup;
  }
  /* A named user sees the patients of their own sites only (the counts
  ** above the lists stay the whole study's). */
  /* One permission check per site, not per patient: first[] holds the
  ** first patient of each site seen (sites are few). */
  size_t *first = avn_calloc(st->n_patients + 1, sizeof *first), n_sites = 0;
  if (!first) {
    web_error_page(r, q, 500, "out of memory");
    goto cleanup;
  }
  for (size_t i = 0; i < st->n_patients; i++) {
    size_t k = 0;
    while (k < n_sites && strcmp(st->patients[first[k]].site, st->patients[i].site) != 0) k++;
    if (k < n_sites) {
      see[i] = see[first[k]];
    } else {
      first[n_sites++] = i;
      see[i] = web_may_read(q, st->patients[i].code);
    }
  }
  avn_free(first);
  for (size_t i = 0; i < st->n_events; i++) {
    const char *status = store_event_status(st, &st->events[i], today);
    if (strcmp(status, "due") == 0) due[st->events[i].patient]++, n_due++;
    if (strcmp(status, "overdue") == 0) overdue[st->events[i].patient]++, n_overdue++;
  }
  for (size_t i = 0; i < st->n_screenings; i++) n_eligible += st->screenings[i].eligible;
  for (size_t i = 0; i < st->n_patients; i++) n_withdrawn += st->patients[i].withdrawn;

  web_page_begin(r, q, "Dashboard");
  web_raw(r, "<h1>Dashboard</h1><ul class=\"counts\"><li><b>%zu</b> screened</li><li><b>%zu</b> eligible</li>"
             "<li><b>%zu</b> enrolled</li><li><b>%zu</b> withdrawn</li><li><b>%zu</b> due</li>"
             "<li><b>%zu</b> overdue</li></ul>",
          st->n_screenings, n_eligible, st->n_patients, n_withdrawn, n_due, n_overdue);
  web_raw(r, "<p><a class=\"button\" href=\"/screen\">Screen a person</a></p><h2>Patients</h2>"
             "<table><thead><tr><th>Patient</th><th>Site</th><th>Status</th><th>Hips</th><th>Due</th>"
             "<th>Overdue</th></tr></thead><tbody>");
  for (size_t i = 0; i < st->n_patients; i++) {
    const store_patient *pt = &st->patients[i];
    if (!see[i]) continue;
    web_raw(r, "<tr><td>");
    patient_link(r, pt->code);
    web_raw(r, "</td><td>");
    web_text(r, pt->site);
    web_raw(r, "</td><td>");
    web_text(r, pt->status);
    web_raw(r, "</td><td>%s%s%s</td><td>%zu</td><td%s>%zu</td></tr>", pt->hip[SIDE_LEFT] ? "left" : "",
            pt->hip[SIDE_LEFT] && pt->hip[SIDE_RIGHT] ? ", " : "", pt->hip[SIDE_RIGHT] ? "right" : "", due[i],
            overdue[i] ? " class=\"overdue\"" : "", overdue[i]);
  }
  web_raw(r, "</tbody></table><h2>Due and overdue</h2><table><thead><tr><th>Patient</th><th>Event</th>"
             "<th>Hip</th><th>Planned</th><th>Window</th><th>Done</th><th>Status</th></tr></thead><tbody>");
  for (size_t i = 0; i < st->n_events; i++) {
    const store_event *ev = &st->events[i];
    const char *status = store_event_status(st, ev, today);
    if (strcmp(status, "due") != 0 && strcmp(status, "overdue") != 0) continue;
    if (!see[ev->patient]) continue;
    web_raw(r, "<tr><td>");
    patient_link(r, st->patients[ev->patient].code);
    web_raw(r, "</td><td>");
    web_text(r, ev->name);
    web_raw(r, "</td><td>%s</td>", ev->side ? side_name(ev->side) : "");
    window_cells(r, ev);
    web_raw(r, "<td class=\"%s\">%s</td></tr>", status, status);
  }
  web_raw(r, "</tbody></table>");
  web_study_lock_form(q, r, NULL);
  web_page_end(r);
cleanup:
  avn_free(due);
  avn_free(overdue);
  avn_free(see);
  store_study_free(st);
}

/* One row of the forms table: a form at a visit, for a side and an entry. */
static void form_row(web_resp *r, const store_study *st, const proto_visit *v, const inst_def *d, int side,
                     int entry, bool double_entry) {
  const store_form *f = store_find_form(st, 0, v->name, inst_name(d), side, entry);
  web_raw(r, "<tr><td>");
  web_text(r, v->label ? v->label : v->name);
  web_raw(r, "</td><td>");
  web_text(r, inst_title(d));
  web_raw(r, "</td><td>%s</td><td>%s</td><td>%s</td><td>", side ? side_name(side) : "",
          double_entry ? (entry == 1 ? "1st" : "2nd") : "", f ? f->status : "not entered");
  /* A double-entered form's scores wait for both entries: the second
  ** typist must not see what the first typed, not even its total. */
  if (f && (!double_entry || store_find_form(st, 0, v->name, inst_name(d), side, 3 - entry)))
    web_scores(r, d, f->values, f->n_values);
  web_raw(r, "</td><td><a class=\"button\" href=\"/form?patient=");
  web_url(r, st->patients[0].code);
  web_raw(r, "&amp;visit=");
  web_url(r, v->name);
  web_raw(r, "&amp;form=");
  web_url(r, inst_name(d));
  if (side) web_raw(r, "&amp;hip=%s", side_name(side));
  web_raw(r, "&amp;entry=%d\">%s</a></td></tr>", entry, f ? "Edit" : "Enter");
}

void web_page_patient(web_req *q, web_resp *r) {
  store_study *st = NULL;
  const protocol *p = store_protocol(q->app->s);
  avn_date today = avn_date_today();
  char d1[11], d2[11];
  avn_err e;
  avn_err_clear(&e);
  if (store_permit(q->app->s, "read", q->rest, &e) || store_load(q->app->s, q->rest, &st, &e)) {
    load_error(r, q, &e);
    return;
  }
  const store_patient *pt = &st->patients[0];
  web_page_begin(r, q, pt->code);
  web_raw(r, "<h1>Patient ");
  web_text(r, pt->code);
  web_raw(r, "</h1><dl class=\"facts\"><dt>Site</dt><dd>");
  web_text(r, pt->site);
  web_raw(r, "</dd><dt>Sex</dt><dd>");
  web_text(r, pt->sex);
  web_raw(r, "</dd><dt>Enrolled</dt><dd>%s</dd><dt>Status</dt><dd>", avn_date_format(pt->enrolled, d1));
  web_text(r, pt->status);
  if (pt->withdrawn) {
    web_raw(r, " on %s: ", avn_date_format(pt->withdrawn_on, d2));
    web_text(r, pt->withdraw_reason);
  }
  /* Contact details for the roles that may see them (store_contact asks
  ** store_permit "contact"; a refusal simply leaves them out). */
  char *name = NULL, *phone = NULL;
  if (store_contact(q->app->s, pt->code, &name, &phone, &e) == AVN_OK && (name || phone)) {
    web_raw(r, "</dd><dt>Contact</dt><dd class=\"contact\">");
    web_text(r, name);
    web_raw(r, name && phone ? " · " : "");
    web_text(r, phone);
  }
  avn_free(name);
  avn_free(phone);
  web_raw(r, "</dd><dt>Hips</dt><dd>");
  for (int side = SIDE_LEFT; side <= SIDE_RIGHT; side++) {
    if (!pt->hip[side]) continue;
    web_raw(r, "<span class=\"hip\">%s", side_name(side));
    if (pt->hip_stage[side]) {
      web_raw(r, " (stage ");
      web_text(r, pt->hip_stage[side]);
      web_raw(r, ")");
    }
    web_raw(r, "</span> ");
  }
  web_raw(r, "</dd></dl><p><a href=\"/audit/");
  web_url(r, pt->code);
  web_raw(r, "\">Audit trail</a> · <a href=\"/review/");
  web_url(r, pt->code);
  web_raw(r, "\">Review: findings, queries, verification, signature, locks</a></p><h2>Schedule</h2><table><thead><tr><th>Event</th><th>Kind</th><th>Hip</th>"
             "<th>Planned</th><th>Window</th><th>Done</th><th>Status</th></tr></thead><tbody>");
  for (size_t i = 0; i < st->n_events; i++) {
    const store_event *ev = &st->events[i];
    const char *status = store_event_status(st, ev, today);
    web_raw(r, "<tr><td>");
    web_text(r, ev->name);
    web_raw(r, "</td><td>");
    web_text(r, ev->kind);
    web_raw(r, "</td><td>%s</td>", ev->side ? side_name(ev->side) : "");
    window_cells(r, ev);
    web_raw(r, "<td class=\"%s\">%s</td></tr>", status, status);
  }
  web_raw(r, "</tbody></table><h2>Forms</h2><table><thead><tr><th>Visit</th><th>Form</th><th>Hip</th>"
             "<th>Entry</th><th>Status</th><th>Scores</th><th></th></tr></thead><tbody>");
  for (size_t v = 0; v < p->n_visits; v++) {
    for (size_t k = 0; k < p->visits[v].n_forms; k++) {
      const inst_def *d = inst_find(p->visits[v].forms[k]);
      if (!d) continue;
      bool dbl = protocol_double_entry(p, inst_name(d));
      for (int side = SIDE_PATIENT; side <= SIDE_RIGHT; side++) {
        bool per_hip = inst_get_level(d) == INST_LEVEL_HIP;
        if (per_hip ? side == SIDE_PATIENT || !pt->hip[side] : side != SIDE_PATIENT) continue;
        for (int entry = 1; entry <= (dbl ? 2 : 1); entry++) form_row(r, st, &p->visits[v], d, side, entry, dbl);
      }
    }
  }
  web_raw(r, "</tbody></table>");
  /* Logs (repeating forms): a new instance at no visit (web_page_form). */
  for (size_t i = 0; i < inst_count(); i++) {
    const inst_def *d = inst_at(i);
    if (!inst_repeats(d) || inst_get_level(d) != INST_LEVEL_PATIENT) continue;
    web_raw(r, "<p><a class=\"button\" href=\"/form?patient=");
    web_url(r, pt->code);
    web_raw(r, "&amp;visit=-&amp;form=");
    web_url(r, inst_name(d));
    web_raw(r, "\">New: ");
    web_text(r, inst_title(d));
    web_raw(r, "</a></p>");
  }
  web_page_end(r);
  store_study_free(st);
}

typedef struct audit_ctx {
  web_resp *r;
  const char *record;   /* "patient P001" */
  size_t n;
  bool contact;         /* the role sees contact details (store_permit "contact") */
} audit_ctx;

static int audit_row(void *ctx, const store_audit_row *row) {
  audit_ctx *a = ctx;
  size_t n = strlen(a->record);
  /* the filter is a substring: keep "patient P001" and "patient P001 / ...", not "patient P0010" */
  const char *at = strstr(row->record, a->record);
  if (!at || (at[n] != '\0' && at[n] != ' ')) return 0;
  /* The birth date identifies: only the roles that see contact details see it. */
  bool hide = !a->contact && row->field && !strcmp(row->field, "birth");
  const char *cells[] = {row->at, row->user, row->action, row->record, row->field,
                         hide && row->old_value ? "(hidden)" : row->old_value,
                         hide && row->new_value ? "(hidden)" : row->new_value, row->reason};
  web_raw(a->r, "<tr>");
  for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
    web_raw(a->r, "<td>");
    web_text(a->r, cells[i]);
    web_raw(a->r, "</td>");
  }
  web_raw(a->r, "</tr>");
  a->n++;
  return 0;
}

void web_page_audit(web_req *q, web_resp *r) {
  char record[200], msg[1024];
  avn_err e;
  avn_err_clear(&e);
  if (store_permit(q->app->s, "read", q->rest, &e)) {
    load_error(r, q, &e);
    return;
  }
  snprintf(record, sizeof record, "patient %s", q->rest);
  audit_ctx a = {r, record, 0, store_permit(q->app->s, "contact", q->rest, &e) == AVN_OK};
  avn_err_clear(&e);
  web_page_begin(r, q, "Audit trail");
  web_raw(r, "<h1>Audit trail of ");
  patient_link(r, q->rest);
  web_raw(r, "</h1><table class=\"audit\"><thead><tr><th>When</th><th>Who</th><th>Action</th><th>Record</th>"
             "<th>Field</th><th>Old</th><th>New</th><th>Reason</th></tr></thead><tbody>");
  store_chain ch;
  memset(&ch, 0, sizeof ch);
  avn_rc rc = store_each_audit(q->app->s, record, audit_row, &a, &ch, &e);
  web_raw(r, "</tbody></table><p>%zu changes. Whole trail: %lld rows, head ", a.n, (long long)ch.rows);
  web_text(r, ch.head);
  web_raw(r, ", chain %s, checkpoint %s.</p>", ch.chain_ok ? "verified" : "BROKEN",
          ch.checkpoint_ok ? "verified" : "NOT verified");
  if (rc) {
    web_raw(r, "<p class=\"error\">");
    web_text(r, avn_err_format(&e, msg, sizeof msg));
    web_raw(r, "</p>");
  }
  web_page_end(r);
}
