/*
** web_page_report.c: the study report and the safety board's report,
** generated on demand (report_write / report_safety, the same code as
** `avn report` and `avn report --safety`) and sent as the PDF they write.
**
** Who may have which: the study report the administrator, investigators,
** monitors and the statistician; the safety report the administrator,
** investigators, the statistician and the safety board (who get nothing
** else: web.c keeps them to this page). In a study without named users the
** operator has both. Neither report holds direct identifiers.
**
** A report is written into a fresh directory under $TMPDIR (mkdtemp),
** read back whole (at most WEB_MAX_PAGE) and the directory removed before
** the answer is sent. The server's one loop is busy while a report is
** computed (a few seconds on a large study); saves queue behind it.
*/
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mem.h"
#include "report/report.h"
#include "web/web_int.h"

enum { REPORT_STUDY, REPORT_SAFETY };

bool web_may_report(web_req *q, int which) {
  if (!store_has_accounts(q->app->s)) return true;
  switch (store_actor_role(q->app->s)) {
  case STORE_ROLE_ADMIN:
  case STORE_ROLE_INVESTIGATOR:
  case STORE_ROLE_STATISTICIAN: return true;
  case STORE_ROLE_MONITOR: return which == REPORT_STUDY;
  case STORE_ROLE_SAFETY_BOARD: return which == REPORT_SAFETY;
  default: return false;
  }
}

void web_page_reports(web_req *q, web_resp *r) {
  char today[11];
  avn_date_format(avn_date_today(), today);
  web_page_begin(r, q, "Reports");
  web_raw(r, "<h1>Reports</h1>");
  if (web_may_report(q, REPORT_STUDY))
    web_raw(r, "<h2>Study report</h2><p>Computed from the database now (PDF). "
               "<a class=\"button\" id=\"report-study\" href=\"/report/study.pdf\">Download the study report</a></p>");
  if (web_may_report(q, REPORT_SAFETY))
    web_raw(r, "<h2>Safety report</h2><form method=\"get\" action=\"/report/safety.pdf\">"
               "<label>From <input type=\"date\" name=\"from\"></label> "
               "<label>To <input type=\"date\" name=\"to\" value=\"%s\"></label> "
               "<button id=\"report-safety\">Download the safety report</button></form>", today);
  if (!web_may_report(q, REPORT_STUDY) && !web_may_report(q, REPORT_SAFETY))
    web_raw(r, "<p>Your role receives no report.</p>");
  web_page_end(r);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(path);
}

/* Reads the whole file into r's body. */
static avn_rc slurp(const char *path, web_resp *r, avn_err *e) {
  char chunk[65536];
  size_t n;
  avn_rc rc = AVN_OK;
  FILE *f = fopen(path, "rb");
  if (!f) return avn_fail(e, AVN_E_IO, "report", path, "was not written");
  while (!rc && (n = fread(chunk, 1, sizeof chunk, f)) > 0) rc = avn_buf_append(&r->body, chunk, n);
  if (rc) avn_fail(e, rc, "report", path, "is larger than the server sends (8 MB)");
  fclose(f);
  return rc;
}

static void send_report(web_req *q, web_resp *r, int which) {
  char dir[4096], pdf[4200], msg[1024];
  const char *tmp = getenv("TMPDIR");
  avn_date from = 0, to = 0;
  avn_err e;
  avn_err_clear(&e);
  if (!web_may_report(q, which)) {
    web_error_page(r, q, 403, which == REPORT_SAFETY ? "Your role does not receive the safety report."
                                                      : "Your role does not receive the study report.");
    return;
  }
  avn_rc rc = AVN_OK;
  if (which == REPORT_SAFETY) {
    const char *f = web_arg(q, "from"), *t = web_arg(q, "to");
    rc = avn_date_check("from", f ? f : "", &from, &e);
    if (!rc) rc = avn_date_check("to", t ? t : "", &to, &e);
    if (rc) {
      web_error_page(r, q, 400, avn_err_format(&e, msg, sizeof msg));
      return;
    }
  }
  snprintf(dir, sizeof dir, "%s/avn-report-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
  if (!mkdtemp(dir)) {
    web_error_page(r, q, 500, "A directory for the report could not be made.");
    return;
  }
  /* the safety board reads its report, and nothing else (store_read_as), as avn report --safety does */
  if (which == REPORT_SAFETY) {
    rc = store_read_as(q->app->s, "read_safety", &e);
    if (!rc) rc = report_safety(q->app->s, from, to, dir, NULL, &e);   /* the next request resumes "read" */
  } else {
    rc = report_write(q->app->s, dir, NULL, &e);
  }
  snprintf(pdf, sizeof pdf, "%s/report.pdf", dir);
  avn_buf_reset(&r->body);
  if (!rc) rc = slurp(pdf, r, &e);
  nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
  if (rc) {
    web_error_page(r, q, e.rc == AVN_E_RANGE || e.rc == AVN_E_USAGE ? 400 : 500, avn_err_format(&e, msg, sizeof msg));
    return;
  }
  r->ctype = "application/pdf";
  snprintf(r->disposition, sizeof r->disposition, "attachment; filename=\"%s\"",
           which == REPORT_SAFETY ? "safety-report.pdf" : "study-report.pdf");
}

void web_page_report_study(web_req *q, web_resp *r) { send_report(q, r, REPORT_STUDY); }
void web_page_report_safety(web_req *q, web_resp *r) { send_report(q, r, REPORT_SAFETY); }
