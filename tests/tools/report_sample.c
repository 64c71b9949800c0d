/*
** report_sample.c: writes a sample report with every item and figure kind
** (test-only; used by tests/cases/report_render.sh and to look at pages).
**
**   report_sample OUTDIR [--big N] [--pages PREFIX]
**
** OUTDIR gets what rdoc_write makes (report.html, report.pdf, tables/,
** figures/). The document has 7 sections, 5 tables (one of 150 rows, so it
** splits across PDF pages), 6 figures (flow, lines, grouped and stacked
** bars, two Kaplan-Meier) and one "Not computed" notice. --big N gives the
** overall Kaplan-Meier curve N steps and N censoring marks (the speed
** check). --pages PREFIX also renders the PDF's pages as PREFIX-NNN.png.
** The numbers are made up; the point is the layout.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "report/doc.h"
#include "report/doc_int.h"

static void flow_section(rdoc *d) {
  rsec *s = rdoc_section(d, "flow", "Study flow");
  rsec_para(s, "Patients were screened between 2021 and 2023; %d were enrolled.", 46);
  rfig *f = rfig_flow();
  size_t b = rfig_flow_box(f, "Assessed for eligibility\n(n = 60 patients)");
  rfig_flow_side(f, b, "Excluded (n = 14)\n\xE2\x80\xA2 Not meeting inclusion criteria (n = 9)\n"
                       "\xE2\x80\xA2 Declined to participate (n = 5)");
  rfig_flow_box(f, "Enrolled\n(n = 46 patients, 58 hips)");
  b = rfig_flow_box(f, "3 months\nAttended: 56 hips");
  rfig_flow_side(f, b, "Missed: 1 hip\nWithdrawn: 1 patient (1 hip)");
  b = rfig_flow_box(f, "12 months\nAttended: 53 hips");
  rfig_flow_side(f, b, "Missed: 2 hips\nConverted to THA: 3 hips");
  b = rfig_flow_box(f, "24 months\nAnalysed: 52 hips");
  rfig_flow_side(f, b, "Converted to THA: 3 more hips");
  rsec_figure(s, "consort", "Flow of patients and hips through the study.", f);
  const char *h[] = {"Visit", "Attended", "Missed", "Withdrawn", "Converted to THA"};
  rtable *t = rsec_table(s, "flow", "Attendance at each visit (hips).", 5, h);
  const char *r1[] = {"Baseline", "58", "0", "0", "0"};
  const char *r2[] = {"3 months", "56", "1", "1", "0"};
  const char *r3[] = {"12 months", "53", "2", "0", "3"};
  const char *r4[] = {"24 months", "52", "0", "0", "3"};
  rtable_row(t, r1);
  rtable_row(t, r2);
  rtable_row(t, r3);
  rtable_row(t, r4);
}

static void outcomes_section(rdoc *d) {
  rsec *s = rdoc_section(d, "outcomes", "Outcomes over time");
  rsec_heading(s, "Harris Hip Score");
  const char *h[] = {"Outcome", "Visit", "n", "Mean \xC2\xB1 SD", "Median (IQR)",
                     "Change from baseline (95% CI)", "Test", "p", "p (Bonferroni)"};
  rtable *t = rsec_table(s, "outcomes", "Harris Hip Score and pain (VAS) by visit.", 9, h);
  rtable_group(t, "Harris Hip Score");
  const char *a[] = {"HHS", "Baseline", "58", "55.4 \xC2\xB1 8.1", "56 (50 to 61)", "", "", "", ""};
  const char *b[] = {"HHS", "3 months", "56", "70.2 \xC2\xB1 9.0", "71 (64 to 77)",
                     "14.8 (12.5 to 17.1)", "paired t", "<0.001", "<0.001"};
  const char *c[] = {"HHS", "24 months", "52", "79.9 \xC2\xB1 12.4", "82 (73 to 88)",
                     "24.5 (21.0 to 28.0)", "Wilcoxon signed-rank", "<0.001", "<0.001"};
  rtable_row(t, a);
  rtable_row(t, b);
  rtable_row(t, c);
  rtable_group(t, "Pain (VAS)");
  const char *v1[] = {"VAS", "Baseline", "58", "7.1 \xC2\xB1 1.2", "7 (6 to 8)", "", "", "", ""};
#define MINUS "\xE2\x88\x92" /* U+2212 */
  const char *v2[] = {"VAS",        "24 months", "52",    "2.9 \xC2\xB1 1.9", "3 (1 to 4)",
                      MINUS "4.2 (" MINUS "4.7 to " MINUS "3.7)",
                      "paired t",   "0.034",     "0.068"};
#undef MINUS
  rtable_row(t, v1);
  rtable_row(t, v2);
  rtable_note(t, "SD, standard deviation; IQR, interquartile range; CI, confidence interval. "
                 "The test is picked per visit by the Shapiro-Wilk test on the differences.");
  rfig *f =
      rfig_lines("Time since surgery (months)", "Harris Hip Score (points), mean \xC2\xB1 SD");
  double x[] = {0, 3, 6, 12, 24};
  const char *lab[] = {"Baseline", "3 months", "6 months", "12 months", "24 months"};
  rfig_xticks(f, 5, x, lab);
  double y1[] = {56.2, 71.4, 78.9, 82.1, 84.0}, s1[] = {8, 9, 7.5, 8.2, 9.1};
  double y2[] = {52.0, 62.3, 66.8, 68.0, 63.5}, s2[] = {7, 10, 11, 12, 14};
  double lo1[5], hi1[5], lo2[5], hi2[5];
  for (int i = 0; i < 5; i++) {
    lo1[i] = y1[i] - s1[i];
    hi1[i] = y1[i] + s1[i];
    lo2[i] = y2[i] - s2[i];
    hi2[i] = y2[i] + s2[i];
  }
  rfig_series(f, "Steinberg I\xE2\x80\x93II (n = 43)", 5, x, y1, lo1, hi1);
  rfig_series(f, "Steinberg III (n = 15)", 5, x, y2, lo2, hi2);
  rsec_figure(s, "trajectory_hhs", "Harris Hip Score by visit and stage: mean \xC2\xB1 SD.", f);
}

static void responders_section(rdoc *d) {
  rsec *s = rdoc_section(d, "responders", "Responders");
  const char *h[] = {"Stage", "Improved by \xE2\x89\xA5 MCID", "Improved by > 20 points"};
  rtable *t = rsec_table(s, "responders",
                         "Responders by stage (ITT: conversions count as failures).", 3, h);
  const char *r1[] = {"I", "12/14 (85.7%)", "10/14 (71.4%)"};
  const char *r2[] = {"II", "21/29 (72.4%)", "16/29 (55.2%)"};
  const char *r3[] = {"III", "6/15 (40.0%)", "3/15 (20.0%)"};
  rtable_row(t, r1);
  rtable_row(t, r2);
  rtable_row(t, r3);
  rfig *f = rfig_bars("Hips (%)", false);
  const char *cats[] = {"Steinberg I", "Steinberg II", "Steinberg III"};
  rfig_categories(f, 3, cats);
  double b1[] = {85.7, 72.4, 40.0}, b2[] = {71.4, 55.2, 20.0};
  rfig_bar_series(f, "Improved by \xE2\x89\xA5 MCID", b1);
  rfig_bar_series(f, "Improved by > 20 points", b2);
  rsec_figure(s, "responders", "Share of hips responding, by stage.", f);
}

static void radiology_section(rdoc *d) {
  rsec *s = rdoc_section(d, "radiology", "Radiological outcome");
  const char *h[] = {"Stage", "n", "Improved", "Stable", "Progressed", "THA"};
  rtable *t = rsec_table(s, "radiology_by_stage", "Radiological outcome by stage (hips).", 6, h);
  const char *r1[] = {"I", "14", "10 (71.4%)", "3 (21.4%)", "1 (7.1%)", "0"};
  const char *r2[] = {"II", "29", "12 (41.4%)", "14 (48.3%)", "3 (10.3%)", "0"};
  const char *r3[] = {"III", "15", "2 (13.3%)", "6 (40.0%)", "7 (46.7%)", "6"};
  rtable_row(t, r1);
  rtable_row(t, r2);
  rtable_row(t, r3);
  rtable_note(t, "Fisher's exact test across stages: p = 0.002.");
  rfig *f = rfig_bars("Hips", true);
  const char *cats[] = {"Steinberg I", "Steinberg II", "Steinberg III"};
  rfig_categories(f, 3, cats);
  double i1[] = {10, 12, 2}, i2[] = {3, 14, 6}, i3[] = {1, 3, 7};
  rfig_bar_series(f, "Improved", i1);
  rfig_bar_series(f, "Stable", i2);
  rfig_bar_series(f, "Progressed", i3);
  rsec_figure(s, "radiology", "Radiological outcome by stage.", f);
  rsec_heading(s, "Agreement between readers");
  rsec_missing(s, "inter-reader agreement (kappa) needs two reads of the same MRI; every MRI "
                  "in this study has one read.");
}

static void survival_section(rdoc *d, size_t big) {
  rsec *s = rdoc_section(d, "survival", "Hip survival");
  rsec_para(s, "Survival free of conversion to total hip arthroplasty (THA).");
  size_t n = big ? big : 6;
  double *t = avn_calloc(n, sizeof *t), *sv = avn_calloc(n, sizeof *sv);
  double *ct = avn_calloc(n, sizeof *ct), *cs = avn_calloc(n, sizeof *cs);
  if (!t || !sv || !ct || !cs) {
    fprintf(stderr, "report_sample: out of memory\n");
    exit(1);
  }
  double surv = 1.0;
  for (size_t i = 0; i < n; i++) {
    t[i] = 30.0 * (double)(i + 1) / (double)(n + 1);
    surv *= 1.0 - 0.15 / (double)n;
    sv[i] = surv;
    ct[i] = t[i] + 15.0 / (double)(n + 1);
    cs[i] = surv;
  }
  rfig *f = rfig_km("Months since enrolment", "Hip survival (proportion)");
  rfig_km_curve(f, "All hips", n, t, sv, n, ct, cs);
  double rt[] = {0, 6, 12, 18, 24, 30};
  int cnt[] = {58, 55, 50, 46, 40, 12};
  rfig_km_risk(f, 6, rt, 1, cnt);
  rsec_figure(s, "km_overall",
              "Kaplan-Meier estimate of hip survival, all hips; + marks censoring.", f);
  avn_free(t);
  avn_free(sv);
  avn_free(ct);
  avn_free(cs);

  f = rfig_km("Months since enrolment", "Hip survival (proportion)");
  double t1[] = {8, 14, 19}, s1[] = {0.95, 0.9, 0.85};
  double c1[] = {5, 12, 24, 24, 30}, cs1[] = {1, 0.95, 0.85, 0.85, 0.85};
  double t2[] = {20}, s2[] = {0.96};
  double c2[] = {26, 30}, cs2[] = {0.96, 0.96};
  double t3[] = {3, 6, 9, 12}, s3[] = {0.93, 0.8, 0.67, 0.6};
  double c3[] = {10, 24}, cs3[] = {0.67, 0.6};
  rfig_km_curve(f, "Stage I", 3, t1, s1, 5, c1, cs1);
  rfig_km_curve(f, "Stage II", 1, t2, s2, 2, c2, cs2);
  rfig_km_curve(f, "Stage III", 4, t3, s3, 2, c3, cs3);
  int cnt3[] = {14, 14, 13, 12, 10, 2, 29, 29, 28, 27, 26, 8, 15, 13, 11, 9, 7, 1};
  rfig_km_risk(f, 6, rt, 3, cnt3);
  rsec_figure(s, "km_by_stage",
              "Kaplan-Meier estimate of hip survival by Steinberg stage (log-rank p < 0.001).", f);
}

static void safety_section(rdoc *d) {
  rsec *s = rdoc_section(d, "safety", "Safety");
  const char *h[] = {"Patient", "Day", "Term", "Grade", "Related", "Outcome"};
  rtable *t = rsec_table(s, "ae_listing", "Adverse events, cumulative listing.", 6, h);
  const char *terms[] = {"Pain at the harvest site", "Haematoma", "Fever",
                         "Superficial wound infection, treated with oral antibiotics", "Nausea"};
  char pid[16], day[16];
  for (int i = 0; i < 150; i++) {
    if (i % 50 == 0) {
      char g[32];
      snprintf(g, sizeof g, "Period %d", i / 50 + 1);
      rtable_group(t, g);
    }
    snprintf(pid, sizeof pid, "P%03d", i % 46 + 1);
    snprintf(day, sizeof day, "%d", i * 4 + 1);
    const char *row[] = {pid, day, terms[i % 5], i % 7 == 0 ? "2" : "1", i % 3 ? "no" : "possibly",
                         "resolved"};
    rtable_row(t, row);
  }
  rtable_note(t, "Grades per CTCAE v5.0.");
}

static void methods_section(rdoc *d) {
  rsec *s = rdoc_section(d, "methods", "Methods");
  rsec_para(s,
            "Analyses used avn. Text is escaped: <b>not bold</b> & \"quoted\" 'single' "
            "<script>alert(1)</script>. A long paragraph wraps: Lorem ipsum dolor sit amet, "
            "consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore "
            "magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi "
            "ut aliquip ex ea commodo consequat.");
}

int main(int argc, char **argv) {
  const char *out = NULL, *pages = NULL;
  size_t big = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--big") == 0 && i + 1 < argc) big = (size_t)strtoul(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--pages") == 0 && i + 1 < argc) pages = argv[++i];
    else if (!out) out = argv[i];
    else {
      fprintf(stderr, "usage: report_sample OUTDIR [--big N] [--pages PREFIX]\n");
      return 2;
    }
  }
  if (!out) {
    fprintf(stderr, "usage: report_sample OUTDIR [--big N] [--pages PREFIX]\n");
    return 2;
  }
  rdoc *d = rdoc_new("avn report: Sample study of every figure kind",
                     "Study SAMPLE \xC2\xB7 protocol sample-1 \xC2\xB7 data cut-off 2024-06-30 "
                     "\xC2\xB7 generated by report_sample");
  flow_section(d);
  outcomes_section(d);
  responders_section(d);
  radiology_section(d);
  survival_section(d, big);
  safety_section(d);
  methods_section(d);
  avn_err e;
  avn_err_clear(&e);
  avn_rc rc = rdoc_write(d, out, &e);
  if (!rc && pages) rc = rdoc_pdf_pages_png(d, pages, &e);
  if (rc) {
    char msg[1024];
    fprintf(stderr, "report_sample: %s\n", avn_err_format(&e, msg, sizeof msg));
  }
  rdoc_free(d);
  return rc ? 1 : 0;
}
