/*
** web_int.h: what the server core (web.c) and the pages (web_page_*.c)
** share: the request as pages see it, the response they fill, the route
** table, and HTML helpers. Pages never include microhttpd.h.
*/
#ifndef AVN_WEB_INT_H
#define AVN_WEB_INT_H

#include <stdbool.h>
#include "core/buf.h"
#include "store/store.h"
#include "web/web_auth.h"
#include "web/web_parse.h"

#define WEB_MAX_BODY (64 * 1024)   /* the largest request body accepted */
#define WEB_MAX_PAGE (8 * 1024 * 1024)

typedef struct web_surveys web_surveys;

typedef struct web_app {
  store *s;
  web_auth *auth;
  web_surveys *surveys;       /* live questionnaire links (web_survey.c) */
  bool tls;
} web_app;

typedef struct web_req {
  web_app *app;
  bool post;
  const char *path;           /* "/patient/P001" */
  const char *rest;           /* path after the route's prefix */
  void *conn;                 /* the MHD connection, for web_query */
  web_form form;              /* the POST body, decoded */
  web_principal who;          /* valid when the route needs a session */
  const char *sid;            /* the session id from the cookie, or NULL */
  char addr[64];              /* the client's numeric address ("" unknown): login back-off */
  const char *cookies;        /* the Cookie header, or NULL */
} web_req;

typedef struct web_resp {
  unsigned status;
  const char *ctype;          /* static */
  avn_buf body;
  char location[512];         /* a redirect target when non-empty */
  char cookie[256];           /* a Set-Cookie value when non-empty */
  int retry_after;            /* seconds, when > 0 */
  char disposition[128];      /* a Content-Disposition value when non-empty (downloads) */
  bool rtl;                   /* the page is in Arabic (set by web_page_begin): labels' label_ar */
} web_resp;

typedef void (*web_handler)(web_req *q, web_resp *r);

/* A query argument (GET) or a form field (POST); NULL when absent. */
const char *web_arg(const web_req *q, const char *name);

/* --- HTML helpers (web_html.c) --- */
void web_page_begin(web_resp *r, const web_req *q, const char *title);
void web_page_end(web_resp *r);
/* Appends the text escaped (web_html_escape). */
void web_text(web_resp *r, const char *s);
/* Appends fmt with every %s argument... not escaped: use only for markup. */
void web_raw(web_resp *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s percent-encoded, for an id inside a link. */
void web_url(web_resp *r, const char *s);
/* A stored value as a person would type it again ("slight", "12", "yes",
** "2024-01-31", "08:30"); "" when missing. */
const char *web_value_text(const inst_item *it, const inst_value *v, char *out, size_t n);
/* The form's scores as "total 91 · category excellent" (escaped). */
void web_scores(web_resp *r, const inst_def *d, const inst_value *values, size_t n);
/* The control of one item (radios or a select for codes and yes/no, else an
** input), labelled, with its required mark, unit and range, holding value. */
void web_item_control(web_resp *r, const inst_item *it, const char *value);
/* The same, its field named prefix + item ("vas.left.pain_mm"), for pages with several forms. */
void web_item_control_as(web_resp *r, const inst_item *it, const char *prefix, const char *value);
/* <input type=hidden name=NAME value=VALUE> (value escaped). */
void web_hidden(web_resp *r, const char *name, const char *value);
/* The hidden CSRF field of the session, for every form. */
void web_csrf_field(web_resp *r, const web_req *q);
/* A whole page saying what went wrong (the text is escaped). */
void web_error_page(web_resp *r, const web_req *q, unsigned status, const char *msg);
/* Whether the logged-in user may see the patient (store_permit "read": a
** named user's own sites; always in a study without users). */
bool web_may_read(web_req *q, const char *patient);
/* 303 See Other to a local path (escaped in the Location by construction:
** callers build it from validated ids). */
void web_redirect(web_resp *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 303 to the patient's page. */
void web_redirect_patient(web_resp *r, const char *code);
/* 303 to prefix followed by code percent-encoded ("/review/", "P001"). */
void web_redirect_under(web_resp *r, const char *prefix, const char *code);

/* --- pages --- */
void web_page_dashboard(web_req *q, web_resp *r);
void web_page_patient(web_req *q, web_resp *r);
void web_page_audit(web_req *q, web_resp *r);
void web_page_form(web_req *q, web_resp *r);
void web_api_score(web_req *q, web_resp *r);
void web_page_screen(web_req *q, web_resp *r);
void web_page_enroll(web_req *q, web_resp *r);
void web_page_review(web_req *q, web_resp *r);
void web_page_act(web_req *q, web_resp *r);
/* The study lock form, for administrators (nothing for others); error: a refusal to show. */
void web_study_lock_form(web_req *q, web_resp *r, const char *error);
void web_page_reports(web_req *q, web_resp *r);
void web_page_report_study(web_req *q, web_resp *r);
void web_page_report_safety(web_req *q, web_resp *r);
/* Whether the session's role receives the study report (0) or the safety report (1). */
bool web_may_report(web_req *q, int which);

/* --- patients' questionnaires (web_survey.c) --- */
avn_rc web_surveys_create(web_surveys **out /* OUT */, avn_err *e);
void web_surveys_free(web_surveys *t);
/* Adds a link for `seconds` from now; its token (hex) is written to token
** and only its hash is kept. Returns the slot used. */
int web_survey_add(web_surveys *t, const char *patient, const char *visit, const char *issuer,
                   const char *store_token, bool kiosk, double now, double seconds,
                   char token[WEB_TOKEN_HEX + 1] /* OUT */);
/* Whether token names a link that is neither spent nor expired at now. */
bool web_survey_live(web_surveys *t, const char *token, double now);
/* Spends the link (single use). */
void web_survey_spend(web_surveys *t, const char *token, double now);
void web_page_survey_new(web_req *q, web_resp *r);
void web_page_survey(web_req *q, web_resp *r);
/* The form that issues a link, for the review page. */
void web_survey_issue_form(web_resp *r, const web_req *q, const char *patient);

/* --- language (web_i18n.c) --- */
/* "ar" or "en": ?lang=, else the avn_lang cookie. */
const char *web_lang(const web_req *q);
bool web_rtl(const web_req *q);
/* The interface string en in the request's language (web_strings.def), or en. Static. */
const char *web_t(const web_req *q, const char *en);
size_t web_strings_count(void);
void web_page_lang(web_req *q, web_resp *r);

/* Seconds on the monotonic clock (sessions, back-off, links). */
double web_now(void);
/* A Set-Cookie that ends the browser's session. */
void web_clear_session_cookie(web_resp *r, const web_req *q);

/* The embedded stylesheet and script (web_assets.c). */
extern const char web_css[], web_js[];

#endif
