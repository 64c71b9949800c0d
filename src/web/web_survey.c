/*
** web_survey.c: patients' own questionnaires (VAS, WOMAC, SF-36), as
** REDCap's surveys: the patient answers on a page of their own, with no
** account, through a one-time link or on a clinic tablet (kiosk).
**
** A member of staff who may enter the patient's data issues the link for
** one patient and one visit (POST /survey/new, from the review page): in a
** study with named users they type their password again, which opens a
** store session of its own for the link's life (store_login, audited), so
** the patient's answers are saved through that session and survive the
** staff member's logout. The link carries 32 random bytes; the server keeps
** only their BLAKE2b hash, with the patient, the visit, a CSRF token and
** the expiry (a monotonic time; links live in memory: a restart ends them).
** Kiosk mode ends the staff member's browser session on that device and
** opens the questionnaire there, so the tablet can be handed over.
**
** GET /s/TOKEN shows every patient-reported form the visit schedules (per
** hip for hip-level forms), with large controls; POST /s/TOKEN saves each
** answered form through store_enter, entry 1, with the reason "reported by
** the patient (...)", which the audit trail keeps beside every value: the
** patient is recorded as the source. A refused value comes back, 422, with
** the store's message and what was typed; once every answered form is
** stored the link is spent (single use). A spent, expired or unknown link:
** 410 Gone, the same page for all three.
**
** Ownership: web_surveys_create returns a table freed by web_surveys_free.
*/
#include <math.h>
#include <stdlib.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "web/web_int.h"

#define SURVEY_SLOTS 128

typedef struct survey {
  bool used;                        /* the slot holds a live link */
  unsigned char hash[crypto_generichash_BYTES];
  char patient[64], visit[64];
  char issuer[65];                  /* the staff member who issued it */
  char store_token[65];             /* the link's own store session ("" without named users) */
  char csrf[WEB_TOKEN_HEX + 1];
  bool kiosk;
  double expires;                   /* monotonic seconds */
} survey;

struct web_surveys {
  survey s[SURVEY_SLOTS];
};

/* The instruments a patient reports themself. */
static const char *const patient_forms[] = {"vas", "womac", "sf36", NULL};

static bool patient_reported(const char *form) {
  for (const char *const *f = patient_forms; *f; f++)
    if (!strcmp(*f, form)) return true;
  return false;
}

avn_rc web_surveys_create(web_surveys **out, avn_err *e) {
  if (sodium_init() < 0) return avn_fail(e, AVN_E_IO, NULL, NULL, "libsodium could not start (no random source)");
  *out = avn_calloc(1, sizeof **out);
  return *out ? AVN_OK : avn_fail(e, AVN_E_NOMEM, NULL, NULL, "out of memory");
}

void web_surveys_free(web_surveys *t) {
  if (!t) return;
  sodium_memzero(t, sizeof *t);
  avn_free(t);
}

static void token_hash(const char *token, unsigned char out[crypto_generichash_BYTES]) {
  crypto_generichash(out, crypto_generichash_BYTES, (const unsigned char *)token, strlen(token), NULL, 0);
}

int web_survey_add(web_surveys *t, const char *patient, const char *visit, const char *issuer,
                   const char *store_token, bool kiosk, double now, double seconds, char token[WEB_TOKEN_HEX + 1]) {
  survey *slot = NULL;
  for (size_t i = 0; i < SURVEY_SLOTS; i++) {   /* a free or expired slot, else the one expiring first */
    survey *x = &t->s[i];
    if (!x->used || x->expires <= now) {
      slot = x;
      break;
    }
    if (!slot || x->expires < slot->expires) slot = x;
  }
  unsigned char raw[WEB_TOKEN_HEX / 2];
  memset(slot, 0, sizeof *slot);
  randombytes_buf(raw, sizeof raw);
  sodium_bin2hex(token, WEB_TOKEN_HEX + 1, raw, sizeof raw);
  randombytes_buf(raw, sizeof raw);
  sodium_bin2hex(slot->csrf, sizeof slot->csrf, raw, sizeof raw);
  token_hash(token, slot->hash);
  snprintf(slot->patient, sizeof slot->patient, "%s", patient);
  snprintf(slot->visit, sizeof slot->visit, "%s", visit);
  snprintf(slot->issuer, sizeof slot->issuer, "%s", issuer ? issuer : "");
  snprintf(slot->store_token, sizeof slot->store_token, "%s", store_token ? store_token : "");
  slot->kiosk = kiosk;
  slot->expires = now + seconds;
  slot->used = true;
  return (int)(slot - t->s);
}

/* The live link of token (hex), or NULL: unknown, spent or expired. */
static survey *survey_find(web_surveys *t, const char *token, double now) {
  unsigned char h[crypto_generichash_BYTES];
  if (!token || !web_is_hex(token, WEB_TOKEN_HEX)) return NULL;
  token_hash(token, h);
  for (size_t i = 0; i < SURVEY_SLOTS; i++) {
    survey *x = &t->s[i];
    if (x->used && sodium_memcmp(x->hash, h, sizeof h) == 0) return x->expires > now ? x : NULL;
  }
  return NULL;
}

bool web_survey_live(web_surveys *t, const char *token, double now) { return survey_find(t, token, now) != NULL; }

void web_survey_spend(web_surveys *t, const char *token, double now) {
  survey *x = survey_find(t, token, now);
  if (x) memset(x, 0, sizeof *x);
}

/* --- staff: issuing a link --- */

void web_page_survey_new(web_req *q, web_resp *r) {
  const char *patient = web_arg(q, "patient"), *visit = web_arg(q, "visit"), *mode = web_arg(q, "mode");
  const char *minutes = web_arg(q, "minutes"), *pw = web_arg(q, "password");
  char tok[65] = "", link[WEB_TOKEN_HEX + 1], msg[1024];
  double min = minutes ? strtod(minutes, NULL) : 0;
  bool kiosk = mode && !strcmp(mode, "kiosk");
  avn_err e;
  avn_err_clear(&e);
  avn_rc rc = AVN_OK;
  if (!patient || !patient[0] || !visit || !protocol_find_visit(store_protocol(q->app->s), visit))
    rc = avn_fail(&e, AVN_E_USAGE, "visit", visit, "a questionnaire needs a patient and one of the protocol's visits");
  if (!rc && !(min >= 1 && min <= 24 * 60))
    rc = avn_fail(&e, AVN_E_RANGE, "minutes", minutes, "a link lives 1 to 1440 minutes");
  /* Who issues it must be allowed to enter this patient's data. */
  if (!rc) rc = store_permit(q->app->s, "enter", patient, &e);
  /* Its own store session, for as long as the link lives (the password again). */
  if (!rc && store_has_accounts(q->app->s))
    rc = store_login(q->app->s, q->who.user, pw ? pw : "", (int)ceil(min / 60.0), tok, &e);
  if (rc) {
    web_error_page(r, q, 422, avn_err_format(&e, msg, sizeof msg));
    return;
  }
  web_survey_add(q->app->surveys, patient, visit, q->who.user, tok, kiosk, web_now(), min * 60.0, link);
  sodium_memzero(tok, sizeof tok);
  if (kiosk) {   /* the tablet is handed to the patient: staff are logged out on it */
    /* Their own store session ends too (the handle holds the link's now). */
    if (q->who.store_token && q->who.store_token[0] && store_session(q->app->s, q->who.store_token, &e) == AVN_OK)
      store_logout(q->app->s, &e);
    web_auth_logout(q->app->auth, q->sid);
    web_clear_session_cookie(r, q);
    web_redirect(r, "/s/%s", link);
    return;
  }
  web_page_begin(r, q, "Questionnaire link");
  web_raw(r, "<h1>Questionnaire link</h1><p>For patient ");
  web_text(r, patient);
  web_raw(r, ", visit ");
  web_text(r, visit);
  web_raw(r, ". It works once, for %.0f minutes, and is shown only now:</p><p><a id=\"survey-link\" "
             "href=\"/s/%s\">/s/%s</a></p>", min, link, link);
  web_page_end(r);
}

/* The review page's form for issuing a link (roles that may enter data). */
void web_survey_issue_form(web_resp *r, const web_req *q, const char *patient) {
  const protocol *p = store_protocol(q->app->s);
  web_raw(r, "<h2>Patient questionnaire</h2><form method=\"post\" action=\"/survey/new\" class=\"act issue\">");
  web_csrf_field(r, q);
  web_hidden(r, "patient", patient);
  web_raw(r, "<label>Visit <select name=\"visit\">");
  for (size_t i = 0; i < p->n_visits; i++) {
    bool any = false;
    for (size_t k = 0; k < p->visits[i].n_forms; k++) any |= patient_reported(p->visits[i].forms[k]);
    if (!any) continue;
    web_raw(r, "<option value=\"");
    web_text(r, p->visits[i].name);
    web_raw(r, "\">");
    web_text(r, p->visits[i].label ? p->visits[i].label : p->visits[i].name);
    web_raw(r, "</option>");
  }
  web_raw(r, "</select></label> <label><input type=\"radio\" name=\"mode\" value=\"link\" checked> one-time link"
             "</label> <label><input type=\"radio\" name=\"mode\" value=\"kiosk\"> this tablet (kiosk)</label> "
             "<label>Minutes <input name=\"minutes\" value=\"60\" inputmode=\"numeric\" size=\"5\"></label> ");
  if (store_has_accounts(q->app->s))
    web_raw(r, "<label>Your password <input name=\"password\" type=\"password\"></label> ");
  web_raw(r, "<button>Open the questionnaire</button></form>");
}

/* --- the patient's page --- */

/* Renders the questionnaire; error and saved (may be NULL) per form. */
static void render_survey(web_req *q, web_resp *r, const survey *sv, const char *token, const store_study *st,
                          const char *error) {
  const protocol *p = store_protocol(q->app->s);
  const proto_visit *v = protocol_find_visit(p, sv->visit);
  const store_patient *pt = &st->patients[0];
  web_page_begin(r, q, web_t(q, "Your questionnaire"));
  web_raw(r, "<div class=\"survey\"><h1>%s</h1><p>%s</p>", web_t(q, "Your questionnaire"),
          web_t(q, "Please answer every question about how you feel now. Your answers go to the study team."));
  if (error) {
    web_raw(r, "<p class=\"error\" role=\"alert\">");
    web_text(r, error);
    web_raw(r, "</p>");
  }
  web_raw(r, "<form method=\"post\" action=\"/s/%s\" id=\"survey\">", token);
  web_hidden(r, "csrf", sv->csrf);
  for (size_t k = 0; v && k < v->n_forms; k++) {
    const inst_def *d = inst_find(v->forms[k]);
    if (!d || !patient_reported(inst_name(d))) continue;
    for (int side = SIDE_PATIENT; side <= SIDE_RIGHT; side++) {
      bool per_hip = inst_get_level(d) == INST_LEVEL_HIP;
      if (per_hip ? side == SIDE_PATIENT || !pt->hip[side] : side != SIDE_PATIENT) continue;
      char prefix[64];
      snprintf(prefix, sizeof prefix, "%s.%s.", inst_name(d), side ? side_name(side) : "patient");
      web_raw(r, "<fieldset><legend>");
      web_text(r, r->rtl && inst_title_ar(d) ? inst_title_ar(d) : inst_title(d));
      if (side) web_raw(r, " · %s", web_t(q, side == SIDE_LEFT ? "left hip" : "right hip"));
      web_raw(r, "</legend>");
      for (size_t i = 0; i < inst_n_items(d); i++) {
        const inst_item *it = inst_item_at(d, i);
        char field[256];
        if (it->alias_of) continue;
        snprintf(field, sizeof field, "%s%s", prefix, it->name);
        web_item_control_as(r, it, prefix, q->post ? web_arg(q, field) : NULL);
      }
      web_raw(r, "</fieldset>");
    }
  }
  web_raw(r, "<p><button type=\"submit\" id=\"send\">%s</button></p></form></div>", web_t(q, "Send my answers"));
  web_page_end(r);
}

static void gone(web_req *q, web_resp *r) {
  web_error_page(r, q, 410, web_t(q, "This questionnaire link has been used, has expired or is not known."));
}

/* The answered forms, each through store_enter; the first refusal stops. */
static avn_rc save_survey(web_req *q, const survey *sv, const store_study *st, avn_err *e) {
  const proto_visit *v = protocol_find_visit(store_protocol(q->app->s), sv->visit);
  const store_patient *pt = &st->patients[0];
  bool dated = false;
  char reason[200];
  snprintf(reason, sizeof reason, "reported by the patient (%s issued by %s)", sv->kiosk ? "kiosk" : "survey link",
           sv->issuer);
  for (size_t i = 0; i < st->n_events; i++)
    dated |= st->events[i].visit && !strcmp(st->events[i].kind, "visit") && !strcmp(st->events[i].name, sv->visit) &&
             st->events[i].has_actual;
  avn_rc rc = AVN_OK;
  for (size_t k = 0; !rc && v && k < v->n_forms; k++) {
    const inst_def *d = inst_find(v->forms[k]);
    if (!d || !patient_reported(inst_name(d))) continue;
    for (int side = SIDE_PATIENT; !rc && side <= SIDE_RIGHT; side++) {
      bool per_hip = inst_get_level(d) == INST_LEVEL_HIP;
      if (per_hip ? side == SIDE_PATIENT || !pt->hip[side] : side != SIDE_PATIENT) continue;
      char *kv[256];
      size_t n = 0;
      for (size_t i = 0; i < inst_n_items(d) && n < 256; i++) {
        const inst_item *it = inst_item_at(d, i);
        char field[256];
        snprintf(field, sizeof field, "%s.%s.%s", inst_name(d), side ? side_name(side) : "patient", it->name);
        const char *x = web_arg(q, field);
        if (!x || !x[0]) continue;
        avn_buf b;
        avn_buf_init(&b, WEB_MAX_BODY);
        if (!avn_buf_printf(&b, "%s=%s", it->name, x)) kv[n++] = avn_buf_take(&b);
        avn_buf_free(&b);
      }
      if (n) {
        store_enter_req req = {.patient = sv->patient, .visit = sv->visit, .form = inst_name(d), .side = side,
                               .entry = 1, .kv = kv, .n_kv = n, .has_date = !dated, .date = avn_date_today(),
                               .user = sv->issuer, .reason = reason};
        store_enter_result res;
        rc = store_enter(q->app->s, &req, &res, e);
        dated = true;
      }
      for (size_t i = 0; i < n; i++) avn_free(kv[i]);
    }
  }
  return rc;
}

void web_page_survey(web_req *q, web_resp *r) {
  const char *token = q->rest;
  survey *sv = survey_find(q->app->surveys, token, web_now());
  store_study *st = NULL;
  char msg[1024];
  avn_err e;
  avn_err_clear(&e);
  if (!sv) {
    gone(q, r);
    return;
  }
  /* The link acts through its own store session (named users), never through
  ** whichever session the store handle resumed last. */
  avn_rc rc = sv->store_token[0] ? store_session(q->app->s, sv->store_token, &e) : AVN_OK;
  if (!rc && q->post && !web_is_hex(web_arg(q, "csrf") ? web_arg(q, "csrf") : "", WEB_TOKEN_HEX))
    rc = avn_fail(&e, AVN_E_STATE, "csrf", NULL, "this form's security token is missing");
  if (!rc && q->post && sodium_memcmp(web_arg(q, "csrf"), sv->csrf, WEB_TOKEN_HEX) != 0)
    rc = avn_fail(&e, AVN_E_STATE, "csrf", NULL, "this form's security token is stale");
  if (!rc) rc = store_load(q->app->s, sv->patient, &st, &e);
  if (rc) {
    web_error_page(r, q, e.rc == AVN_E_STATE ? 403 : 500, avn_err_format(&e, msg, sizeof msg));
    goto cleanup;
  }
  if (!q->post) {
    render_survey(q, r, sv, token, st, NULL);
    goto cleanup;
  }
  rc = save_survey(q, sv, st, &e);
  if (rc) {
    r->status = 422;
    render_survey(q, r, sv, token, st, avn_err_format(&e, msg, sizeof msg));
    goto cleanup;
  }
  /* Spent: the link and its store session end (audited "logout"). */
  if (sv->store_token[0]) store_logout(q->app->s, &e);
  web_survey_spend(q->app->surveys, token, web_now());
  web_page_begin(r, q, web_t(q, "Thank you"));
  web_raw(r, "<div class=\"survey\"><h1>%s</h1><p>%s</p></div>", web_t(q, "Thank you"),
          web_t(q, "Your answers have been saved. You may hand the tablet back."));
  web_page_end(r);
cleanup:
  store_study_free(st);
}
