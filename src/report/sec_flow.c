/*
** sec_flow.c: report section 1, the study flow (CONSORT-style).
**
** Screening: every screening logged (store_screening), the ineligible ones
** with the criteria they failed (store_screening.failed is a comma list,
** "criterion" or "criterion[left]"; a screening counts once per distinct
** criterion), eligible but not enrolled, enrolled patients and hips.
**
** Follow-up, per protocol visit after day 0, per unit of analysis (hips
** when the protocol's unit is the hip, else patients), in this order of
** precedence:
**   withdrawn   the patient was withdrawn on or before the visit's planned
**               date (cumulative; rctx_withdrawn_by)
**   converted   the unit was converted to arthroplasty on or before the
**               planned date (cumulative; rctx_converted_by)
**   attended    otherwise, the visit's actual date is recorded
**   missed      otherwise, its window closed before the data cut-off
**   not yet due otherwise (window open or in the future)
** expected = attended + missed + not yet due (units still in follow-up).
** A unit whose patient attended after its withdrawal date counts as
** withdrawn: the withdrawal is the record that decides. A visit that
** collects no form (a wound check) is counted like the others: its date is
** recorded by avn visit (store_visit).
**
** Output: table `flow` and figure `consort`. Costs: one pass over events to
** index the visit events by (patient, visit) (O(events x visits) name
** lookups), then O(units x visits).
*/
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"
#include "monitor/monitor.h"
#include "report/rctx.h"

#define MAX_REASONS 64

typedef struct reason {
  char name[96];
  size_t n;
} reason;

/* Adds one screening's failed list to the reason counts (distinct names). */
static void count_reasons(const char *failed, reason *r, size_t *nr) {
  char seen[MAX_REASONS];
  memset(seen, 0, sizeof seen);
  const char *s = failed;
  while (s && *s) {
    const char *end = strchr(s, ',');
    size_t len = end ? (size_t)(end - s) : strlen(s);
    const char *br = memchr(s, '[', len);
    size_t nlen = br ? (size_t)(br - s) : len;
    while (nlen > 0 && s[nlen - 1] == ' ') nlen--;
    while (nlen > 0 && *s == ' ') { s++; nlen--; len--; }
    if (nlen > 0 && nlen < sizeof r[0].name) {
      size_t k = 0;
      while (k < *nr && (strlen(r[k].name) != nlen || strncmp(r[k].name, s, nlen))) k++;
      if (k == *nr && *nr < MAX_REASONS) {
        memcpy(r[k].name, s, nlen);
        r[k].name[nlen] = 0;
        r[k].n = 0;
        (*nr)++;
      }
      if (k < *nr && !seen[k]) {
        r[k].n++;
        seen[k] = 1;
      }
    }
    s = end ? end + 1 : NULL;
  }
}

/* The criterion's text from the protocol, else its name. */
static const char *criterion_text(const protocol *p, const char *name) {
  for (size_t i = 0; i < p->n_criteria; i++)
    if (!strcmp(p->criteria[i].name, name)) return p->criteria[i].text;
  return name;
}

typedef struct vcount {
  size_t expected, attended, missed, pending, withdrawn, converted;
} vcount;

static void rate_rows(rtable *t, const monitor_rate *r, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char a[32], b[48];
    snprintf(a, sizeof a, "%zu", r[i].compared);
    rfmt_pct(b, sizeof b, r[i].differing, r[i].compared);
    rtable_row(t, (const char *const[]){r[i].key, a, b});
  }
  rtable_note(t, "Values compared: the items given in either entry of a form entered twice (independent reads by "
                 "two readers are not counted). A value given in one entry only differs.");
}

/* Data quality: the double-entry discrepancy rate per form and per user (the monitor's,
** as avn list ... findings prints it, taken before settling), and what
** became of the differing values. */
static void data_quality(rctx *c, rsec *s) {
  const monitor_rate *r = c->rates;
  size_t n = c->n_rates;
  const store_settle_result *z = &c->settled;
  rsec_heading(s, "Data quality");
  if (z->agreed + z->adjudicated + z->unresolved)
    rsec_para(s, "Double data entry: %zu value%s on which the two entries agree, %zu adjudicated (avn adjudicate), "
                 "%zu still unresolved. The analysis uses only agreed and adjudicated values; an unresolved value "
                 "is missing in every table and figure, never taken from one entry.",
              z->agreed, z->agreed == 1 ? "" : "s", z->adjudicated, z->unresolved);
  if (n == 0) {
    rsec_para(s, "No form has been entered twice by the same person or reader, so no double-entry discrepancy "
                 "rate is given.");
    return;
  }
  rate_rows(rsec_table(s, "data_quality", "Double data entry: values that differ between the two entries, per form",
                      3, (const char *const[]){"Form", "Values compared", "Values differing"}), r, n);
  rate_rows(rsec_table(s, "data_quality_users", "Double data entry: values that differ, per user who typed an entry",
                      3, (const char *const[]){"User", "Values compared", "Values differing"}),
            c->user_rates, c->n_user_rates);
}

avn_rc sec_flow(rctx *c, avn_err *e) {
  (void)e;
  avn_rc rc = AVN_OK;
  const store_study *st = c->st;
  const protocol *p = c->p;
  const store_event **vev = NULL;
  vcount *vc = NULL;
  reason *rs = NULL;
  rfig *fig = NULL;
  avn_buf b;
  avn_buf_init(&b, 1u << 20);
  rsec *s = rdoc_section(c->doc, "flow", "Study flow");
  if (!s) return AVN_OK;   /* the document records the memory failure */
  const char *unit = c->per_hip ? "hips" : "patients";

  /* screening */
  size_t n_scr = st->n_screenings, n_inel = 0, n_elig_not = 0, nr = 0;
  rs = avn_calloc(MAX_REASONS, sizeof *rs);
  if (!rs) { rc = AVN_E_NOMEM; goto cleanup; }
  for (size_t i = 0; i < n_scr; i++) {
    const store_screening *sc = &st->screenings[i];
    if (!sc->eligible) {
      n_inel++;
      count_reasons(sc->failed, rs, &nr);
    } else if (!sc->patient) {
      n_elig_not++;
    }
  }
  size_t n_hips = 0, n_bilat = 0;
  for (size_t i = 0; i < st->n_patients; i++) {
    size_t h = (size_t)st->patients[i].hip[1] + (size_t)st->patients[i].hip[2];
    n_hips += h;
    n_bilat += h == 2;
  }
  if (n_scr == 0)
    rsec_missing(s, "no screening log: the number screened and the reasons for exclusion are unknown");
  else
    rsec_para(s, "%zu screened; %zu not eligible; %zu eligible but not enrolled; %zu patients enrolled "
              "with %zu hips (%zu patients bilateral).", n_scr, n_inel, n_elig_not, st->n_patients,
              n_hips, n_bilat);
  if (nr > 0) {
    rtable *rt = rsec_table(s, "flow_exclusions", "Reasons for exclusion at screening (a screening "
                            "may fail several criteria)", 2,
                            (const char *const[]){"Criterion", "Screenings"});
    for (size_t k = 0; k < nr; k++) {
      char n[32];
      snprintf(n, sizeof n, "%zu", rs[k].n);
      rtable_row(rt, (const char *const[]){criterion_text(p, rs[k].name), n});
    }
  }
  if (st->n_patients == 0) {
    rsec_missing(s, "no patient enrolled: no follow-up to show");
    goto cleanup;
  }

  /* index the visit events: vev[patient * n_visits + visit] */
  size_t nv = p->n_visits;
  vev = avn_calloc(st->n_patients * nv + 1, sizeof *vev);
  vc = avn_calloc(nv + 1, sizeof *vc);
  if (!vev || !vc) { rc = AVN_E_NOMEM; goto cleanup; }
  for (size_t i = 0; i < st->n_events; i++) {
    const store_event *ev = &st->events[i];
    if (strcmp(ev->kind, "visit") != 0 || !ev->visit) continue;
    size_t v = protocol_visit_index(p, ev->visit);
    if (v == (size_t)-1) continue;
    vev[ev->patient * nv + v] = ev;
  }
  for (size_t v = 1; v < nv; v++) {
    const char *vn = p->visits[v].name;
    for (size_t u = 0; u < c->n_units; u++) {
      const store_event *ev = vev[c->units[u].patient * nv + v];
      /* A conversion ends the hip's follow-up for good; count it before a
      ** later withdrawal of the patient, so the cumulative count never drops. */
      if (rctx_converted_by(c, u, vn)) vc[v].converted++;
      else if (rctx_withdrawn_by(c, u, vn)) vc[v].withdrawn++;
      else {
        vc[v].expected++;
        if (ev && ev->has_actual) vc[v].attended++;
        else if (ev && ev->latest < c->cutoff) vc[v].missed++;
        else vc[v].pending++;
      }
    }
  }
  char cap[256];
  snprintf(cap, sizeof cap, "Follow-up by visit, counted in %s (withdrawn and converted are "
           "cumulative; expected = still in follow-up)", unit);
  rtable *t = rsec_table(s, "flow", cap, 7,
                         (const char *const[]){"Visit", "Expected", "Attended", "Missed",
                                               "Not yet due", "Withdrawn (cumulative)",
                                               "Converted to THA (cumulative)"});
  for (size_t v = 1; v < nv; v++) {
    char a[6][32];
    size_t x[6] = {vc[v].expected, vc[v].attended, vc[v].missed, vc[v].pending, vc[v].withdrawn,
                   vc[v].converted};
    for (int k = 0; k < 6; k++) snprintf(a[k], sizeof a[k], "%zu", x[k]);
    rtable_row(t, (const char *const[]){rctx_visit_label(c, p->visits[v].name), a[0], a[1], a[2],
                                        a[3], a[4], a[5]});
  }
  rtable_note(t, "Missed: the visit window closed before the data cut-off without a recorded visit "
              "date. Attended: the visit date is recorded. A hip counts as attended when its "
              "patient's visit is recorded.");
  rctx_method(c, "flow", "The study flow follows CONSORT: at each visit a unit counts as withdrawn or "
              "converted to arthroplasty when that happened on or before the visit's planned date, "
              "and as missed when the visit window closed without a recorded visit.");

  /* the CONSORT figure */
  fig = rfig_flow();
  if (!fig) { rc = AVN_E_NOMEM; goto cleanup; }
  char box[512];
  if (n_scr > 0) {
    snprintf(box, sizeof box, "Screened (n = %zu)", n_scr);
    size_t top = rfig_flow_box(fig, box);
    avn_buf_reset(&b);
    rc = avn_buf_printf(&b, "Not eligible (n = %zu)", n_inel);
    for (size_t k = 0; !rc && k < nr && k < 6; k++)
      rc = avn_buf_printf(&b, "\n%s: %zu", criterion_text(p, rs[k].name), rs[k].n);
    if (!rc && nr > 6) rc = avn_buf_printf(&b, "\nother criteria: see the table");
    if (!rc && n_elig_not) rc = avn_buf_printf(&b, "\nEligible, not enrolled (n = %zu)", n_elig_not);
    if (rc) goto cleanup;
    rfig_flow_side(fig, top, avn_buf_str(&b));
  }
  snprintf(box, sizeof box, "Enrolled: %zu patients\n%zu hips (%zu patients bilateral)", st->n_patients,
           n_hips, n_bilat);
  rfig_flow_box(fig, box);
  for (size_t v = 1; v < nv; v++) {
    snprintf(box, sizeof box, "%s\nattended %zu, missed %zu, not yet due %zu", rctx_visit_label(c, p->visits[v].name),
             vc[v].attended, vc[v].missed, vc[v].pending);
    size_t bx = rfig_flow_box(fig, box);
    if (vc[v].withdrawn || vc[v].converted) {
      snprintf(box, sizeof box, "Withdrawn (cumulative): %zu\nConverted to THA (cumulative): %zu",
               vc[v].withdrawn, vc[v].converted);
      rfig_flow_side(fig, bx, box);
    }
  }
  snprintf(cap, sizeof cap, "Study flow. Follow-up counts are %s.", unit);
  rsec_figure(s, "consort", cap, fig);
  fig = NULL;
  data_quality(c, s);
cleanup:
  rfig_free(fig);
  avn_buf_free(&b);
  avn_free(vev);
  avn_free(vc);
  avn_free(rs);
  return rc;
}
