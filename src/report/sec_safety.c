/*
** sec_safety.c: report section 9, safety: adverse events (the patient-level
** `ae` form, one form per event, at whatever visit it was reported; data
** entry 1), complications of the procedures, the listing for the data and
** safety monitoring board, and patient satisfaction.
**
** Tables:
**   ae_terms      one row per term (terms grouped without regard to case
**                 or surrounding blanks; the first spelling is shown),
**                 first "Any adverse event": patients with the term, n (%
**                 of the patients in the analysis), events, events by
**                 CTCAE grade 1-5, related events (relatedness possible,
**                 probable or definite: code value >= 3) and serious
**                 events. Rows by patients, then events, descending.
**   sae           the serious events, one row each (only when there are).
**   complications per protocol procedure (injection 1, 2, ...): patients
**                 and hips treated (a `procedure` form at the procedure's
**                 visit), and the adverse events whose onset falls within
**                 30 days after that procedure's date (the actual date of
**                 its visit, else the planned date); an event within 30
**                 days of two procedures belongs to the later one.
**   ae_periods    calendar periods of plan.safety_period_months from the
**                 first enrolment, as a safety board reviews them: patients
**                 enrolled by the period's end, new and cumulative AEs and
**                 SAEs by onset date, up to the last date in the data.
**   satisfaction  the 5-point satisfaction form at the plan's final visit,
**                 patients per answer (% of those answering).
**
** Costs: one pass over forms and events, one O(m log m) sort of the m
** adverse events. Everything allocated here is freed at the single exit.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/mem.h"
#include "report/ae_log.h"
#include "report/rctx.h"

#define COMPLICATION_DAYS 30
#define RELATED_MIN 3


static const inst_value *form_value(const store_form *f, const char *item) {
  for (size_t i = 0; i < f->n_values; i++)
    if (f->values[i].item && !strcmp(f->values[i].item, item)) return f->values[i].missing ? NULL : &f->values[i];
  return NULL;
}

static int term_cmp(const ae_rec *a, const ae_rec *b) {
  size_t n = a->term_len < b->term_len ? a->term_len : b->term_len;
  int c = strncasecmp(a->term, b->term, n);
  if (c) return c;
  return a->term_len < b->term_len ? -1 : a->term_len > b->term_len;
}

static int rec_cmp(const void *x, const void *y) {
  const ae_rec *a = x, *b = y;
  int c = term_cmp(a, b);
  if (c) return c;
  return a->patient < b->patient ? -1 : a->patient > b->patient;
}

/* A term group: a run [first, first+n) of the sorted records. */
typedef struct term_run {
  size_t first, n, patients;
} term_run;

/* Rows by patients, then events, descending; then by term. */
static int run_cmp(const void *x, const void *y) {
  const term_run *a = x, *b = y;
  if (a->patients != b->patients) return a->patients > b->patients ? -1 : 1;
  if (a->n != b->n) return a->n > b->n ? -1 : 1;
  return a->first < b->first ? -1 : a->first > b->first;
}

/* Counts of a set of records into the ae_terms columns. */
static void term_row(rtable *tb, const char *label, const ae_rec *r, size_t n, size_t patients,
                     size_t n_patients) {
  size_t grade[6] = {0}, rel = 0, ser = 0;
  for (size_t i = 0; i < n; i++) {
    if (r[i].grade >= 1 && r[i].grade <= 5) grade[r[i].grade]++;
    if (r[i].related >= RELATED_MIN) rel++;
    if (r[i].serious == 1) ser++;
  }
  char pt[48], ev[32], g[5][32], re[32], se[32];
  rfmt_pct(pt, sizeof pt, patients, n_patients);
  snprintf(ev, sizeof ev, "%zu", n);
  for (int k = 0; k < 5; k++) snprintf(g[k], sizeof g[k], "%zu", grade[k + 1]);
  snprintf(re, sizeof re, "%zu", rel);
  snprintf(se, sizeof se, "%zu", ser);
  const char *cells[] = {label, pt, ev, g[0], g[1], g[2], g[3], g[4], re, se};
  rtable_row(tb, cells);
}

static size_t distinct_patients(const ae_rec *r, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (i == 0 || r[i].patient != r[i - 1].patient) k++;
  return k;
}

static void term_label(char *out, size_t n, const ae_rec *r) {
  snprintf(out, n, "%.*s", (int)(r->term_len < 200 ? r->term_len : 200), r->term);
}

static avn_rc satisfaction_table(rctx *c, rsec *s, const bool *in_study) {
  const store_study *st = c->st;
  const char *fv = c->plan->final_visit;
  if (!fv && c->p->n_visits) fv = c->p->visits[c->p->n_visits - 1].name;
  rsec_heading(s, "Patient satisfaction");
  const inst_def *d = inst_find("satisfaction");
  const inst_item *it = d ? inst_item_find(d, "satisfaction") : NULL;
  if (!fv || !it) {
    rsec_missing(s, "No final visit or no satisfaction form definition: satisfaction is not tabulated.");
    return AVN_OK;
  }
  size_t n_pat = 0, n_ans = 0, n_other = 0;
  size_t cnt[16] = {0};
  for (size_t p = 0; p < st->n_patients; p++) {
    if (!in_study[p]) continue;
    n_pat++;
    const store_form *f = store_find_form(st, p, fv, "satisfaction", SIDE_PATIENT, 1);
    const inst_value *v = f ? form_value(f, "satisfaction") : NULL;
    if (!v) continue;
    for (size_t k = 0; k < it->n_codes && k < 16; k++)
      if (it->codes[k].value == v->num) {
        cnt[k]++;
        n_ans++;
      }
  }
  for (size_t i = 0; i < st->n_forms; i++)
    if (!strcmp(st->forms[i].instrument, "satisfaction") && st->forms[i].entry == 1 && strcmp(st->forms[i].visit, fv))
      n_other++;
  if (n_ans == 0 && n_other == 0) {
    rsec_missing(s, "No satisfaction form is recorded, so patient satisfaction is not tabulated.");
    return AVN_OK;
  }
  if (n_ans == 0) {
    rsec_missing(s, "No patient answered the satisfaction form at the %s visit (the plan's final visit; %zu forms "
                    "are at other visits), so satisfaction is not tabulated.", rctx_visit_label(c, fv), n_other);
    return AVN_OK;
  }
  const char *hdr[] = {"Response", "Patients, n (%)"};
  char cap[160];
  snprintf(cap, sizeof cap, "Patient satisfaction at %s", rctx_visit_label(c, fv));
  rtable *tb = rsec_table(s, "satisfaction", cap, 2, hdr);
  /* highest value first, as the papers list it */
  size_t order[16];
  size_t nc = it->n_codes < 16 ? it->n_codes : 16;
  for (size_t k = 0; k < nc; k++) order[k] = k;
  for (size_t i = 1; i < nc; i++) {
    size_t v = order[i], j = i;
    while (j > 0 && it->codes[order[j - 1]].value < it->codes[v].value) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = v;
  }
  for (size_t i = 0; i < nc; i++) {
    char pc[48];
    rfmt_pct(pc, sizeof pc, cnt[order[i]], n_ans);
    const char *cells[] = {it->codes[order[i]].label, pc};
    rtable_row(tb, cells);
  }
  rtable_note(tb, "%zu of %zu patients answered at %s; percentages of those answering.", n_ans, n_pat,
              rctx_visit_label(c, fv));
  return AVN_OK;
}

avn_rc sec_safety(rctx *c, avn_err *e) {
  avn_rc rc = AVN_OK;
  const store_study *st = c->st;
  const protocol *p = c->p;
  ae_rec *ae = NULL;
  term_run *runs = NULL;
  bool *in_study = NULL;
  avn_date *pdate = NULL;     /* [n_patients * n_procs] */
  bool *pdone = NULL;
  size_t *hips = NULL;
  avn_buf terms;
  avn_buf_init(&terms, 1 << 16);
  (void)e;
  rsec *s = rdoc_section(c->doc, "safety", "Safety");
  if (!s) return AVN_E_NOMEM;
  size_t np = st->n_patients, nproc = p->n_procs;
  in_study = avn_calloc(np + 1, sizeof *in_study);
  pdate = avn_calloc(np * nproc + 1, sizeof *pdate);
  pdone = avn_calloc(np * nproc + 1, sizeof *pdone);
  hips = avn_calloc(nproc + 1, sizeof *hips);
  if (!in_study || !pdate || !pdone || !hips) {
    rc = AVN_E_NOMEM;
    goto cleanup;
  }
  size_t n_pat = 0;
  for (size_t u = 0; u < c->n_units; u++) {
    if (!in_study[c->units[u].patient]) n_pat++;
    in_study[c->units[u].patient] = true;
  }

  /* the adverse events: the log every safety table counts (ae_log.c) */
  size_t n_ae = 0, n_noonset = 0;
  rc = ae_log_build(st, in_study, &ae, &n_ae);
  if (rc) goto cleanup;
  for (size_t i = 0; i < n_ae; i++) n_noonset += !ae[i].has_onset;
  if (n_ae == 0) {
    rsec_missing(s, "No adverse event form (ae) is recorded for the %zu patients: either none occurred or none was "
                    "entered, so no table of adverse events, complications or safety periods is computed.", n_pat);
    rc = satisfaction_table(c, s, in_study);
    goto cleanup;
  }
  qsort(ae, n_ae, sizeof *ae, rec_cmp);
  rctx_method(c, "ae",
              "Adverse events were counted by term (patients and events), CTCAE grade and relatedness (possibly, "
              "probably or definitely related counted as related); complications are adverse events starting within "
              "%d days after a procedure.", COMPLICATION_DAYS);

  /* ae_terms */
  {
    size_t nr = 0;
    runs = avn_calloc(n_ae, sizeof *runs);
    if (!runs) {
      rc = AVN_E_NOMEM;
      goto cleanup;
    }
    for (size_t i = 0; i < n_ae; i++) {
      if (i == 0 || term_cmp(&ae[i], &ae[i - 1]) != 0) runs[nr++] = (term_run){i, 0, 0};
      runs[nr - 1].n++;
    }
    for (size_t k = 0; k < nr; k++) runs[k].patients = distinct_patients(ae + runs[k].first, runs[k].n);
    qsort(runs, nr, sizeof *runs, run_cmp);
    bool *seen = avn_calloc(np + 1, sizeof *seen);
    if (!seen) {
      rc = AVN_E_NOMEM;
      goto cleanup;
    }
    size_t any = 0;
    for (size_t i = 0; i < n_ae; i++) {
      if (!seen[ae[i].patient]) any++;
      seen[ae[i].patient] = true;
    }
    avn_free(seen);
    const char *hdr[] = {"Term", "Patients, n (%)", "Events", "Grade 1", "Grade 2", "Grade 3", "Grade 4", "Grade 5",
                         "Related", "Serious"};
    rtable *tb = rsec_table(s, "ae_terms", "Adverse events by term, grade and relatedness", 10, hdr);
    term_row(tb, "Any adverse event", ae, n_ae, any, n_pat);
    for (size_t k = 0; k < nr; k++) {
      char lab[256];
      term_label(lab, sizeof lab, &ae[runs[k].first]);
      term_row(tb, lab, ae + runs[k].first, runs[k].n, runs[k].patients, n_pat);
    }
    rtable_note(tb, "Patients: patients with at least one such event, %% of the %zu patients in the analysis; grades "
                    "and the other columns count events. Related: possibly, probably or definitely related to the "
                    "study procedure. Grades are CTCAE (1 mild to 5 death).", n_pat);
    rsec_para(s, "%zu adverse events in %zu of %zu patients.", n_ae, any, n_pat);
  }

  /* serious adverse events */
  {
    size_t nsae = 0;
    for (size_t i = 0; i < n_ae; i++) nsae += ae[i].serious == 1;
    if (nsae == 0) {
      rsec_para(s, "No serious adverse event is recorded.");
    } else {
      const char *hdr[] = {"Patient", "Term", "Grade", "Related", "Onset"};
      rtable *tb = rsec_table(s, "sae", "Serious adverse events", 5, hdr);
      const inst_def *d = inst_find(inst_role_form(INST_ROLE_ADVERSE_EVENT));
      const inst_item *gi = d ? inst_item_find(d, "grade") : NULL, *ri = d ? inst_item_find(d, "related") : NULL;
      for (size_t i = 0; i < n_ae; i++) {
        if (ae[i].serious != 1) continue;
        char lab[256], g[96] = "", r[96] = "", on[11] = "";
        term_label(lab, sizeof lab, &ae[i]);
        for (size_t k = 0; gi && k < gi->n_codes; k++)
          if (gi->codes[k].value == ae[i].grade) snprintf(g, sizeof g, "%s", gi->codes[k].label);
        for (size_t k = 0; ri && k < ri->n_codes; k++)
          if (ri->codes[k].value == ae[i].related) snprintf(r, sizeof r, "%s", ri->codes[k].label);
        if (ae[i].has_onset) avn_date_format(ae[i].onset, on);
        const char *cells[] = {st->patients[ae[i].patient].code, lab, g, r, on};
        rtable_row(tb, cells);
      }
    }
  }

  /* complications per procedure */
  if (nproc == 0) {
    rsec_missing(s, "The protocol defines no procedure, so no complications per procedure are computed.");
  } else {
    for (size_t i = 0; i < st->n_forms; i++) {
      const store_form *f = &st->forms[i];
      if (f->entry != 1 || strcmp(f->instrument, inst_role_form(INST_ROLE_PROCEDURE)) != 0 || !in_study[f->patient]) continue;
      for (size_t k = 0; k < nproc; k++)
        if (!strcmp(p->visits[p->procs[k].visit].name, f->visit)) {
          pdone[f->patient * nproc + k] = true;
          hips[k]++;
        }
    }
    for (size_t i = 0; i < st->n_events; i++) {
      const store_event *ev = &st->events[i];
      if (strcmp(ev->kind, "visit") != 0) continue;
      for (size_t k = 0; k < nproc; k++)
        if (!strcmp(p->visits[p->procs[k].visit].name, ev->visit))
          pdate[ev->patient * nproc + k] = ev->has_actual ? ev->actual : ev->planned;
    }
    size_t total_proc = 0;
    for (size_t k = 0; k < nproc; k++) total_proc += hips[k];
    if (total_proc == 0) {
      rsec_missing(s, "No procedure form is recorded, so no complications per procedure are computed.");
    } else {
      for (size_t i = 0; i < n_ae; i++) {
        if (!ae[i].has_onset) continue;
        for (size_t k = 0; k < nproc; k++) {
          size_t at = ae[i].patient * nproc + k;
          if (!pdone[at]) continue;
          long d = (long)ae[i].onset - (long)pdate[at];
          if (d >= 0 && d <= COMPLICATION_DAYS &&
              (ae[i].proc < 0 || pdate[at] > pdate[ae[i].patient * nproc + (size_t)ae[i].proc]))
            ae[i].proc = (int)k;
        }
      }
      const char *hdr[] = {"Procedure", "Patients treated", "Hips treated", "Complications",
                           "Patients with a complication", "Serious", "Terms (events)"};
      rtable *tb = rsec_table(s, "complications", "Complications per procedure (adverse events within 30 days)", 7,
                              hdr);
      for (size_t k = 0; k < nproc; k++) {
        size_t treated = 0, nev = 0, nser = 0, withc = 0;
        for (size_t q = 0; q < np; q++) treated += pdone[q * nproc + k];
        avn_buf_reset(&terms);
        for (size_t i = 0; i < n_ae; i++) {
          if (ae[i].proc != (int)k) continue;
          nev++;
          nser += ae[i].serious == 1;
        }
        /* patients with a complication of this procedure */
        bool *mark = avn_calloc(np + 1, sizeof *mark);
        if (!mark) {
          rc = AVN_E_NOMEM;
          goto cleanup;
        }
        for (size_t i = 0; i < n_ae; i++)
          if (ae[i].proc == (int)k && !mark[ae[i].patient]) {
            mark[ae[i].patient] = true;
            withc++;
          }
        avn_free(mark);
        for (size_t i = 0; i < n_ae;) {   /* term runs in alphabetical order */
          size_t j = i, cnt = 0;
          while (j < n_ae && term_cmp(&ae[j], &ae[i]) == 0) {
            cnt += ae[j].proc == (int)k;
            j++;
          }
          if (cnt) {
            char lab[256];
            term_label(lab, sizeof lab, &ae[i]);
            if (avn_buf_printf(&terms, "%s%s (%zu)", terms.len ? "; " : "", lab, cnt)) {
              rc = AVN_E_NOMEM;
              goto cleanup;
            }
          }
          i = j;
        }
        char tr[32], hp[32], ne[32], wc[48], ns[32];
        snprintf(tr, sizeof tr, "%zu", treated);
        snprintf(hp, sizeof hp, "%zu", hips[k]);
        snprintf(ne, sizeof ne, "%zu", nev);
        rfmt_pct(wc, sizeof wc, withc, treated);
        snprintf(ns, sizeof ns, "%zu", nser);
        const char *cells[] = {p->procs[k].label ? p->procs[k].label : p->procs[k].name, tr, hp, ne, wc, ns,
                               terms.len ? avn_buf_str(&terms) : "none"};
        rtable_row(tb, cells);
      }
      rtable_note(tb, "A complication is an adverse event whose onset is 0 to %d days after the procedure (the date of "
                      "its visit); one within %d days of two procedures belongs to the later. Percentages of the "
                      "patients treated.", COMPLICATION_DAYS, COMPLICATION_DAYS);
      if (n_noonset) rtable_note(tb, "%zu adverse events without an onset date cannot be attributed.", n_noonset);
    }
  }

  /* ae_periods: calendar periods from the first enrolment */
  {
    int months = c->plan->safety_period_months > 0 ? c->plan->safety_period_months : 6;
    avn_date start = 0, end = 0;
    bool have = false;
    for (size_t q = 0; q < np; q++) {
      if (!in_study[q]) continue;
      if (!have || st->patients[q].enrolled < start) start = st->patients[q].enrolled;
      if (!have || st->patients[q].enrolled > end) end = st->patients[q].enrolled;
      have = true;
    }
    for (size_t i = 0; i < st->n_events; i++)
      if (st->events[i].has_actual && in_study[st->events[i].patient] && st->events[i].actual > end)
        end = st->events[i].actual;
    for (size_t i = 0; i < n_ae; i++)
      if (ae[i].has_onset && ae[i].onset > end) end = ae[i].onset;
    const char *hdr[] = {"Period", "Dates", "Patients enrolled", "New AEs", "Cumulative AEs", "New SAEs",
                         "Cumulative SAEs"};
    char cap[160];
    snprintf(cap, sizeof cap, "Cumulative adverse events per %d-month period (safety board listing)", months);
    rtable *tb = rsec_table(s, "ae_periods", cap, 7, hdr);
    size_t cum = 0, cums = 0;
    for (int k = 0; have && k < 1000; k++) {
      avn_date a = avn_date_add_months(start, k * months), b = avn_date_add_months(start, (k + 1) * months);
      if (a > end) break;
      size_t nn = 0, ns = 0, enr = 0;
      for (size_t i = 0; i < n_ae; i++)
        if (ae[i].has_onset && ae[i].onset >= a && ae[i].onset < b) {
          nn++;
          ns += ae[i].serious == 1;
        }
      for (size_t q = 0; q < np; q++) enr += in_study[q] && st->patients[q].enrolled < b;
      cum += nn;
      cums += ns;
      char per[16], dates[40], da[11], db[11], en[32], n1[32], n2[32], n3[32], n4[32];
      snprintf(per, sizeof per, "%d", k + 1);
      avn_date_format(a, da);
      avn_date_format(b - 1, db);
      snprintf(dates, sizeof dates, "%s to %s", da, db);
      snprintf(en, sizeof en, "%zu", enr);
      snprintf(n1, sizeof n1, "%zu", nn);
      snprintf(n2, sizeof n2, "%zu", cum);
      snprintf(n3, sizeof n3, "%zu", ns);
      snprintf(n4, sizeof n4, "%zu", cums);
      const char *cells[] = {per, dates, en, n1, n2, n3, n4};
      rtable_row(tb, cells);
    }
    if (n_noonset) {   /* counted too, so the totals are the AE table's (one log, ae_log.c) */
      size_t ns = 0, enr = 0;
      for (size_t i = 0; i < n_ae; i++) ns += !ae[i].has_onset && ae[i].serious == 1;
      for (size_t q = 0; q < np; q++) enr += in_study[q];
      char en[32], n1[32], n2[32], n3[32], n4[32];
      snprintf(en, sizeof en, "%zu", enr);
      snprintf(n1, sizeof n1, "%zu", n_noonset);
      snprintf(n2, sizeof n2, "%zu", cum + n_noonset);
      snprintf(n3, sizeof n3, "%zu", ns);
      snprintf(n4, sizeof n4, "%zu", cums + ns);
      const char *cells[] = {"-", "onset not recorded", en, n1, n2, n3, n4};
      rtable_row(tb, cells);
    }
    rtable_note(tb, "Calendar periods of %d months from the first enrolment, up to the last date in the data; events "
                    "by onset date. SAE: serious adverse event.%s", months,
                n_noonset ? " Events without an onset date are in no period: the last row counts them, so its "
                            "cumulative counts are the AE table's." : "");
  }
  rc = satisfaction_table(c, s, in_study);
cleanup:
  avn_buf_free(&terms);
  avn_free(ae);
  avn_free(runs);
  avn_free(in_study);
  avn_free(pdate);
  avn_free(pdone);
  avn_free(hips);
  return rc;
}
