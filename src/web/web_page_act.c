/*
** web_page_act.c: a patient's review page and the actions taken from it,
** each the command line's, through the same store function:
**
**   adjudicate   store_adjudicate     (avn adjudicate)
**   query_open   store_query_open     (avn query open [--finding])
**   query_answer store_query_answer   (avn query answer)
**   query_close  store_query_close    (avn query close)
**   verify       store_sdv            (avn verify)
**   sign         store_sign           (avn sign; the password typed again)
**   lock/unlock  store_lock_form, store_lock_patient (avn lock / unlock)
**   ack          store_ack_deviation  (avn check --ack)
**   withdraw     store_withdraw       (avn withdraw)
**   unwithdraw   store_unwithdraw     (avn unwithdraw)
**   void/restore store_void           (avn void / restore)
**   visit        store_visit          (avn visit: a visit's date without a form)
**
** The page (GET /review/P001) shows the patient's current findings (the
** monitoring library's, monitor_run over one whole-study snapshot, so
** acknowledgements are known), the queries with their threads, and a form
** for each action the logged-in user's role may take there (store_permit
** decides; a form not shown can still be posted, and the store refuses it
** with its own message). POST /act runs the action named by the "action"
** field from the table below; a refusal re-renders the page, 422, with the
** store's message above the form that was posted, which keeps what was
** typed (the "key" field says which of the page's forms it was).
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "monitor/monitor.h"
#include "web/web_int.h"

/* What the page needs across its sections. */
typedef struct review {
  web_req *q;
  web_resp *r;
  const char *patient;
  const char *error;          /* the refusal of the posted action, or NULL */
  const store_study *st;
  size_t pi;                  /* the patient's index in st */
} review;

/* Whether the session may take `action` on the patient (store_permit). */
static bool may(web_req *q, const char *action, const char *patient) {
  avn_err e;
  return store_permit(q->app->s, action, patient, &e) == AVN_OK;
}

/* The value typed into field `name` of the posted form `key`, when this
** page answers that post; else `dflt`. */
static const char *typed(const review *v, const char *key, const char *name, const char *dflt) {
  const char *k = v->q->post ? web_arg(v->q, "key") : NULL;
  if (!k || strcmp(k, key) != 0) return dflt;
  const char *x = web_arg(v->q, name);
  return x ? x : dflt;
}

/* Opens a form of action `action`; `key` names it on the page. The error of
** its post, if it was the one posted, goes above it. */
static void form_open(const review *v, const char *action, const char *key, const char *cls) {
  const char *k = v->q->post ? web_arg(v->q, "key") : NULL;
  if (v->error && k && !strcmp(k, key)) {
    web_raw(v->r, "<p class=\"error\">");
    web_text(v->r, v->error);
    web_raw(v->r, "</p>");
  }
  web_raw(v->r, "<form method=\"post\" action=\"/act\" class=\"act %s\">", cls);
  web_csrf_field(v->r, v->q);
  web_hidden(v->r, "action", action);
  web_hidden(v->r, "key", key);
  web_hidden(v->r, "patient", v->patient);
}

static void text_input(const review *v, const char *key, const char *name, const char *label, const char *type) {
  web_raw(v->r, "<label>%s <input name=\"%s\" type=\"%s\" value=\"", label, name, type);
  if (strcmp(type, "password") != 0) web_text(v->r, typed(v, key, name, ""));   /* a password is never sent back */
  web_raw(v->r, "\"></label> ");
}

/* The hidden fields naming one form (visit, form, hip, entry). */
static void form_ref_fields(web_resp *r, const char *visit, const char *form, int side, const char *instance,
                            int entry) {
  char n[8];
  web_hidden(r, "visit", visit);
  web_hidden(r, "form", form);
  web_hidden(r, "instance", instance ? instance : "");
  web_hidden(r, "hip", side ? side_name(side) : "");
  snprintf(n, sizeof n, "%d", entry);
  web_hidden(r, "entry", n);
}

typedef struct finding_ctx {
  review *v;
  size_t n;
} finding_ctx;

/* One finding: what it says, and the forms to act on it. */
static int finding_row(const monitor_finding *x, void *ctx) {
  finding_ctx *fc = ctx;
  review *v = fc->v;
  web_resp *r = v->r;
  if (x->patient != v->pi) return 0;
  fc->n++;
  web_raw(r, "<li class=\"finding\"><span class=\"kind\">%s</span> ", monitor_kind_name(x->kind));
  web_text(r, x->detail);
  web_raw(r, " <code>");
  web_text(r, x->id);
  web_raw(r, "</code>");
  if (x->kind == MON_ENTRY_MISMATCH && may(v->q, "adjudicate", v->patient)) {
    const store_adjudication *a = store_find_adjudication(v->st, x->patient, x->visit, x->form, x->side, x->instance,
                                                            x->item);
    if (a) {
      web_raw(r, " <span class=\"settled\">adjudicated: ");
      web_text(r, a->value);
      web_raw(r, "</span>");
    }
    form_open(v, "adjudicate", x->id, "adjudicate");
    form_ref_fields(r, x->visit, x->form, x->side, x->instance, 1);
    web_hidden(r, "item", x->item);
    const char *cur = typed(v, x->id, "value", NULL);
    const char *vals[2] = {x->expected ? x->expected : "", x->actual ? x->actual : ""};
    for (int k = 0; k < 2; k++) {
      web_raw(r, "<label class=\"choice\"><input type=\"radio\" name=\"value\" value=\"");
      web_text(r, vals[k]);
      web_raw(r, "\"%s> entry %d: ", cur && !strcmp(cur, vals[k]) ? " checked" : "", k + 1);
      web_text(r, vals[k][0] ? vals[k] : "(blank)");
      web_raw(r, "</label> ");
    }
    text_input(v, x->id, "reason", "Reason", "text");
    web_raw(r, "<button>Adjudicate</button></form>");
  }
  if (x->kind == MON_DEVIATION && !x->acked && may(v->q, "ack", v->patient)) {
    form_open(v, "ack", x->id, "ack");
    web_hidden(r, "finding", x->id);
    text_input(v, x->id, "reason", "Reason", "text");
    web_raw(r, "<button>Acknowledge</button></form>");
  }
  if (x->acked) {
    web_raw(r, " <span class=\"settled\">acknowledged: ");
    web_text(r, x->ack_reason);
    web_raw(r, "</span>");
  }
  if (may(v->q, "query_open", v->patient)) {
    char key[600];
    snprintf(key, sizeof key, "q:%s", x->id);
    form_open(v, "query_open", key, "query");
    web_hidden(r, "finding", x->id);
    text_input(v, key, "message", "Message", "text");
    web_raw(r, "<button>Open a query</button></form>");
  }
  web_raw(r, "</li>");
  return 0;
}

static void section_findings(review *v) {
  finding_ctx fc = {v, 0};
  web_raw(v->r, "<h2>Findings</h2><ul class=\"findings\">");
  monitor_run(v->st, avn_date_today(), 0, MONITOR_ACKED, finding_row, &fc);
  web_raw(v->r, "</ul>");
  if (!fc.n) web_raw(v->r, "<p>No findings.</p>");
  /* Settled discrepancies (the monitor no longer lists them as open). */
  bool any = false;
  for (size_t i = 0; i < v->st->n_adjudications; i++) {
    const store_adjudication *a = &v->st->adjudications[i];
    if (a->patient != v->pi) continue;
    if (!any) web_raw(v->r, "<h3>Adjudicated</h3><ul class=\"adjudications\">");
    any = true;
    web_raw(v->r, "<li>");
    web_text(v->r, a->visit);
    web_raw(v->r, " · ");
    web_text(v->r, a->form);
    web_raw(v->r, "%s%s · ", a->side ? " " : "", a->side ? side_name(a->side) : "");
    web_text(v->r, a->item);
    web_raw(v->r, " <span class=\"settled\">adjudicated: ");
    web_text(v->r, a->value);
    web_raw(v->r, "</span> (");
    web_text(v->r, a->user);
    web_raw(v->r, ": ");
    web_text(v->r, a->reason);
    web_raw(v->r, ")</li>");
  }
  if (any) web_raw(v->r, "</ul>");
}

static void section_queries(review *v) {
  store_query_row *qs = NULL;
  size_t n = 0;
  char msg[1024], key[40];
  avn_err e;
  avn_err_clear(&e);
  web_raw(v->r, "<h2>Queries</h2>");
  if (store_queries(v->q->app->s, v->patient, NULL, &qs, &n, &e)) {
    web_raw(v->r, "<p class=\"error\">");
    web_text(v->r, avn_err_format(&e, msg, sizeof msg));
    web_raw(v->r, "</p>");
    return;
  }
  bool answer = may(v->q, "query_answer", v->patient), close = may(v->q, "query_close", v->patient);
  for (size_t i = 0; i < n; i++) {
    web_raw(v->r, "<div class=\"query\" id=\"query-%" PRId64 "\"><h3>Query %" PRId64 " <span class=\"%s\">%s</span> ",
            qs[i].id, qs[i].id, strcmp(qs[i].status, "closed") ? "open" : "closed", qs[i].status);
    web_text(v->r, qs[i].on);
    web_raw(v->r, "</h3><ol class=\"thread\">");
    for (size_t k = 0; k < qs[i].n_messages; k++) {
      web_raw(v->r, "<li><span class=\"who\">");
      web_text(v->r, qs[i].messages[k].user);
      web_raw(v->r, "</span> <span class=\"at\">");
      web_text(v->r, qs[i].messages[k].at);
      web_raw(v->r, "</span>: ");
      web_text(v->r, qs[i].messages[k].text);
      web_raw(v->r, "</li>");
    }
    web_raw(v->r, "</ol>");
    for (int c = 0; c < 2 && strcmp(qs[i].status, "closed"); c++) {
      if (!(c ? close : answer)) continue;
      const char *action = c ? "query_close" : "query_answer";
      char id[24];
      snprintf(key, sizeof key, "%s:%" PRId64, action, qs[i].id);
      snprintf(id, sizeof id, "%" PRId64, qs[i].id);
      form_open(v, action, key, "query");
      web_hidden(v->r, "id", id);
      text_input(v, key, "message", "Message", "text");
      web_raw(v->r, "<button>%s</button></form>", c ? "Close" : "Answer");
    }
    web_raw(v->r, "</div>");
  }
  if (!n) web_raw(v->r, "<p>No queries.</p>");
  store_queries_free(qs, n);
}

/* The patient's forms with verification and locks. */
static void section_forms(review *v) {
  bool verify = may(v->q, "verify", v->patient), lock = may(v->q, "lock", v->patient);
  web_raw(v->r, "<h2>Verification and locks</h2><table><thead><tr><th>Visit</th><th>Form</th><th>Hip</th>"
                "<th>Entry</th><th>Status</th><th></th></tr></thead><tbody>");
  for (size_t i = 0; i < v->st->n_forms; i++) {
    const store_form *f = &v->st->forms[i];
    char key[200];
    if (f->patient != v->pi) continue;
    web_raw(v->r, "<tr><td>");
    web_text(v->r, f->visit);
    web_raw(v->r, "</td><td>");
    web_text(v->r, f->instrument);
    web_raw(v->r, "</td><td>%s</td><td>%d</td><td>", f->side ? side_name(f->side) : "", f->entry);
    web_text(v->r, f->status);
    web_raw(v->r, "</td><td>");
    snprintf(key, sizeof key, "f:%s/%s/%d/%s/%d", f->visit, f->instrument, f->side, f->instance, f->entry);
    if (verify && !strcmp(f->status, "complete")) {
      char k2[220];
      snprintf(k2, sizeof k2, "v%s", key);
      form_open(v, "verify", k2, "verify");
      form_ref_fields(v->r, f->visit, f->instrument, f->side, f->instance, f->entry);
      web_raw(v->r, "<button>Source verified</button></form>");
    }
    if (may(v->q, "void", v->patient)) {   /* store_load holds no void form: restore is on the voided list */
      char k3[220];
      snprintf(k3, sizeof k3, "x%s", key);
      form_open(v, "void", k3, "void");
      form_ref_fields(v->r, f->visit, f->instrument, f->side, f->instance, f->entry);
      text_input(v, k3, "reason", "Reason", "text");
      web_raw(v->r, "<button>Void (entered in error)</button></form>");
    }
    if (lock) {
      bool locked = !strcmp(f->status, "locked");
      form_open(v, locked ? "unlock" : "lock", key, "lock");
      form_ref_fields(v->r, f->visit, f->instrument, f->side, f->instance, f->entry);
      text_input(v, key, "reason", "Reason", "text");
      web_raw(v->r, "<button>%s</button></form>", locked ? "Unlock" : "Lock");
    }
    web_raw(v->r, "</td></tr>");
  }
  web_raw(v->r, "</tbody></table>");
}

/* A <select name="visit"> of the protocol's visits, `none` (may be NULL)
** first as the empty choice, `chosen` selected. */
static void visit_select(const review *v, const char *none, const char *chosen) {
  const protocol *p = store_protocol(v->q->app->s);
  web_raw(v->r, "<label>Visit <select name=\"visit\">");
  if (none) web_raw(v->r, "<option value=\"\">%s</option>", none);
  for (size_t i = 0; i < p->n_visits; i++) {
    web_raw(v->r, "<option value=\"");
    web_text(v->r, p->visits[i].name);
    web_raw(v->r, "\"%s>", !strcmp(chosen, p->visits[i].name) ? " selected" : "");
    web_text(v->r, p->visits[i].label ? p->visits[i].label : p->visits[i].name);
    web_raw(v->r, "</option>");
  }
  web_raw(v->r, "</select></label> ");
}

typedef struct void_ctx {
  review *v;
  bool restore;
  size_t n;
} void_ctx;

static int void_row(void *ctx, const store_void_form *f) {
  void_ctx *c = ctx;
  review *v = c->v;
  char key[200];
  if (!c->n++) web_raw(v->r, "<h2>Void forms</h2><ul class=\"void\">");
  web_raw(v->r, "<li>");
  web_text(v->r, f->visit);
  web_raw(v->r, " · ");
  web_text(v->r, f->form);
  web_raw(v->r, "%s%s · entry %d: ", f->side ? " " : "", f->side ? side_name(f->side) : "", f->entry);
  web_text(v->r, f->reason);
  if (c->restore) {
    snprintf(key, sizeof key, "r:%s/%s/%d/%s/%d", f->visit, f->form, f->side, f->instance ? f->instance : "",
             f->entry);
    form_open(v, "restore", key, "void");
    form_ref_fields(v->r, f->visit, f->form, f->side, f->instance, f->entry);
    text_input(v, key, "reason", "Reason", "text");
    web_raw(v->r, "<button>Restore</button></form>");
  }
  web_raw(v->r, "</li>");
  return 0;
}

/* Void forms (restore), a visit's date without a form. */
static void section_corrections(review *v) {
  void_ctx c = {v, may(v->q, "restore", v->patient), 0};
  avn_err e;
  store_each_void(v->q->app->s, v->patient, void_row, &c, &e);
  if (c.n) web_raw(v->r, "</ul>");
  if (may(v->q, "visit", v->patient)) {
    web_raw(v->r, "<h2>A visit's date</h2>");
    form_open(v, "visit", "visit", "visit");
    visit_select(v, NULL, typed(v, "visit", "visit", ""));
    text_input(v, "visit", "date", "Date", "date");
    text_input(v, "visit", "reason", "Reason (to change a recorded date)", "text");
    web_raw(v->r, "<button>Record the visit</button></form>");
  }
}

/* Signature, casebook lock, withdrawal, a query on the patient. */
static void section_patient(review *v) {
  const store_patient *pt = &v->st->patients[v->pi];
  if (may(v->q, "sign", v->patient)) {
    web_raw(v->r, "<h2>Signature</h2>");
    form_open(v, "sign", "sign", "sign");
    visit_select(v, "the whole casebook", typed(v, "sign", "visit", ""));
    web_raw(v->r, "<label>Meaning <input name=\"meaning\" size=\"40\" value=\"");
    web_text(v->r, typed(v, "sign", "meaning", "I confirm these data are accurate"));
    web_raw(v->r, "\"></label> ");
    text_input(v, "sign", "password", "Your password", "password");
    web_raw(v->r, "<button>Sign</button></form>");
  }
  if (may(v->q, "lock", v->patient)) {
    web_raw(v->r, "<h2>Casebook lock</h2>");
    static const char *const what[2][2] = {{"lock", "casebook"}, {"unlock", "casebook-unlock"}};
    for (int k = 0; k < 2; k++) {
      form_open(v, what[k][0], what[k][1], "lock");
      text_input(v, what[k][1], "reason", "Reason", "text");
      web_raw(v->r, "<button>%s the casebook</button></form>", k ? "Unlock" : "Lock");
    }
  }
  if (may(v->q, "query_open", v->patient)) {
    web_raw(v->r, "<h2>A query on the patient</h2>");
    form_open(v, "query_open", "query-patient", "query");
    text_input(v, "query-patient", "message", "Message", "text");
    web_raw(v->r, "<button>Open a query</button></form>");
  }
  if (!pt->withdrawn && may(v->q, "enter", v->patient)) web_survey_issue_form(v->r, v->q, v->patient);
  if (pt->withdrawn && may(v->q, "unwithdraw", v->patient)) {
    web_raw(v->r, "<h2>Back into follow-up</h2>");
    form_open(v, "unwithdraw", "unwithdraw", "withdraw");
    text_input(v, "unwithdraw", "reason", "Reason", "text");
    web_raw(v->r, "<button>Reverse the withdrawal</button></form>");
  }
  if (!pt->withdrawn && may(v->q, "withdraw", v->patient)) {
    web_raw(v->r, "<h2>Withdrawal</h2>");
    form_open(v, "withdraw", "withdraw", "withdraw");
    text_input(v, "withdraw", "date", "Date", "date");
    text_input(v, "withdraw", "reason", "Reason", "text");
    web_raw(v->r, "<button>Withdraw from follow-up</button></form>");
  }
}

/* The page; error: the refusal of the action posted (the page is then 422). */
static void render_review(web_req *q, web_resp *r, const char *patient, const char *error) {
  store_study *st = NULL;
  char msg[1024];
  avn_err e;
  avn_err_clear(&e);
  if (store_permit(q->app->s, "read", patient, &e) || store_load(q->app->s, NULL, &st, &e)) {
    web_error_page(r, q, e.rc == AVN_E_NOTFOUND ? 404 : e.rc == AVN_E_STATE ? 403 : 500,
                   avn_err_format(&e, msg, sizeof msg));
    return;
  }
  review v = {q, r, patient, error, st, 0};
  while (v.pi < st->n_patients && strcmp(st->patients[v.pi].code, patient) != 0) v.pi++;
  if (v.pi == st->n_patients) {
    web_error_page(r, q, 404, "There is no such patient.");
    goto cleanup;
  }
  if (error) r->status = 422;
  web_page_begin(r, q, "Review");
  web_raw(r, "<p><a href=\"/patient/");
  web_url(r, patient);
  web_raw(r, "\">← ");
  web_text(r, patient);
  web_raw(r, "</a></p><h1>Review of ");
  web_text(r, patient);
  web_raw(r, "</h1>");
  if (error) {   /* at the top, and again above the form posted (form_open) */
    web_raw(r, "<p class=\"error\" role=\"alert\">");
    web_text(r, error);
    web_raw(r, "</p>");
  }
  section_findings(&v);
  section_queries(&v);
  section_forms(&v);
  section_corrections(&v);
  section_patient(&v);
  web_page_end(r);
cleanup:
  store_study_free(st);
}

void web_page_review(web_req *q, web_resp *r) { render_review(q, r, q->rest, NULL); }

/* --- the actions --- */

/* The form a post names (patient, visit, form, hip, entry). */
static const char *arg_or_null(web_req *q, const char *name);

static avn_rc form_ref(web_req *q, store_form_ref *f, avn_err *e) {
  const char *hip = web_arg(q, "hip"), *entry = web_arg(q, "entry");
  f->patient = web_arg(q, "patient");
  f->visit = web_arg(q, "visit");
  f->form = web_arg(q, "form");
  f->instance = arg_or_null(q, "instance");
  f->side = !hip || !hip[0] ? SIDE_PATIENT : !strcmp(hip, "left") ? SIDE_LEFT : !strcmp(hip, "right") ? SIDE_RIGHT : -1;
  f->entry = !entry || !strcmp(entry, "1") ? 1 : !strcmp(entry, "2") ? 2 : 0;
  if (f->side < 0) return avn_fail(e, AVN_E_USAGE, "hip", hip, "must be left or right");
  if (!f->entry) return avn_fail(e, AVN_E_USAGE, "entry", entry, "must be 1 or 2");
  if (!f->visit || !f->form || !f->form[0] || (!f->visit[0] && !f->instance))
    return avn_fail(e, AVN_E_USAGE, "form", NULL, "an action on a form needs visit and form");
  return AVN_OK;
}

static const char *arg_or_null(web_req *q, const char *name) {
  const char *x = web_arg(q, name);
  return x && x[0] ? x : NULL;
}

static avn_rc query_id(web_req *q, int64_t *id, avn_err *e) {
  const char *s = web_arg(q, "id");
  char *end = NULL;
  long long v = s ? strtoll(s, &end, 10) : 0;
  if (!s || end == s || *end || v <= 0) return avn_fail(e, AVN_E_USAGE, "id", s, "must be a query number");
  *id = v;
  return AVN_OK;
}

typedef struct find_ctx {
  const char *want;
  bool deviation_only, found;
  char visit[64], form[64], item[128], detail[600];
  int side;
  const char *patient;        /* the patient the post names: the finding must be theirs */
} find_ctx;

static int find_one(const monitor_finding *x, void *ctx) {
  find_ctx *f = ctx;
  if (strcmp(x->id, f->want) != 0 || strcmp(x->patient_code, f->patient) != 0) return 0;
  if (f->deviation_only && (x->kind != MON_DEVIATION || x->acked)) return 0;
  f->found = true;
  snprintf(f->visit, sizeof f->visit, "%s", x->visit ? x->visit : "");
  snprintf(f->form, sizeof f->form, "%s", x->form ? x->form : "");
  snprintf(f->item, sizeof f->item, "%s", x->item ? x->item : "");
  snprintf(f->detail, sizeof f->detail, "%s: %s", monitor_kind_name(x->kind), x->detail ? x->detail : "");
  f->side = x->side;
  return 1;
}

/* The current finding `id` of the post's patient (as avn query open
** --finding and avn check --ack look it up). */
static avn_rc current_finding(web_req *q, const char *id, bool deviation, find_ctx *out, avn_err *e) {
  store_study *st = NULL;
  out->want = id;
  out->deviation_only = deviation;
  out->patient = web_arg(q, "patient");
  if (!id || !out->patient) return avn_fail(e, AVN_E_USAGE, "finding", NULL, "the post names no finding");
  avn_rc rc = store_load(q->app->s, NULL, &st, e);
  if (!rc) monitor_run(st, avn_date_today(), deviation ? 1u << MON_DEVIATION : 0, deviation ? MONITOR_ACKED : 0,
                       find_one, out);
  if (!rc && !out->found)
    rc = avn_fail(e, AVN_E_NOTFOUND, "finding", id,
                  deviation ? "is no open protocol deviation of this patient" : "is not a current finding of this patient");
  store_study_free(st);
  return rc;
}

static avn_rc act_adjudicate(web_req *q, avn_err *e) {
  store_form_ref f;
  avn_rc rc = form_ref(q, &f, e);
  if (rc) return rc;
  const char *value = web_arg(q, "value");
  if (!value) return avn_fail(e, AVN_E_REQUIRED, "value", NULL, "choose the value to settle on");
  store_adjudicate_req a = {f.patient, f.visit, f.form, f.side, web_arg(q, "item"), value, arg_or_null(q, "reason"),
                            q->who.user, f.instance};
  return store_adjudicate(q->app->s, &a, e);
}

static avn_rc act_query_open(web_req *q, avn_err *e) {
  const char *finding = arg_or_null(q, "finding"), *message = arg_or_null(q, "message");
  if (!finding) {
    store_query_ref r = {web_arg(q, "patient"), NULL, NULL, SIDE_PATIENT, NULL};
    return store_query_open(q->app->s, &r, message, q->who.user, NULL, e);
  }
  find_ctx h = {0};
  avn_rc rc = current_finding(q, finding, false, &h, e);
  if (rc) return rc;
  store_query_ref r = {h.patient, h.visit[0] ? h.visit : NULL, h.form[0] ? h.form : NULL, h.side,
                       h.item[0] ? h.item : NULL};
  return store_query_open(q->app->s, &r, message ? message : h.detail, q->who.user, NULL, e);
}

/* The query must be this patient's: a post cannot reach another's by its number. */
static avn_rc query_of_patient(web_req *q, int64_t id, avn_err *e) {
  store_query_row *v = NULL;
  size_t n = 0;
  bool mine = false;
  avn_rc rc = store_queries(q->app->s, web_arg(q, "patient"), NULL, &v, &n, e);
  for (size_t i = 0; !rc && i < n; i++) mine |= v[i].id == id;
  store_queries_free(v, n);
  if (!rc && !mine) rc = avn_fail(e, AVN_E_NOTFOUND, "query", web_arg(q, "id"), "is no query of this patient");
  return rc;
}

static avn_rc act_query_step(web_req *q, bool close, avn_err *e) {
  int64_t id = 0;
  avn_rc rc = query_id(q, &id, e);
  if (!rc) rc = query_of_patient(q, id, e);
  if (rc) return rc;
  const char *m = arg_or_null(q, "message");
  return close ? store_query_close(q->app->s, id, m, q->who.user, e) : store_query_answer(q->app->s, id, m, q->who.user, e);
}
static avn_rc act_query_answer(web_req *q, avn_err *e) { return act_query_step(q, false, e); }
static avn_rc act_query_close(web_req *q, avn_err *e) { return act_query_step(q, true, e); }

static avn_rc act_verify(web_req *q, avn_err *e) {
  store_form_ref f;
  avn_rc rc = form_ref(q, &f, e);
  return rc ? rc : store_sdv(q->app->s, &f, q->who.user, e);
}

static avn_rc act_sign(web_req *q, avn_err *e) {
  const char *pw = web_arg(q, "password");
  return store_sign(q->app->s, web_arg(q, "patient"), arg_or_null(q, "visit"), arg_or_null(q, "meaning"),
                    pw ? pw : "", e);
}

/* A lock of a form when the post names one, else of the casebook. */
static avn_rc act_lock_step(web_req *q, bool unlock, avn_err *e) {
  const char *reason = arg_or_null(q, "reason");
  if (!arg_or_null(q, "form")) return store_lock_patient(q->app->s, web_arg(q, "patient"), unlock, reason, q->who.user, e);
  store_form_ref f;
  avn_rc rc = form_ref(q, &f, e);
  return rc ? rc : store_lock_form(q->app->s, &f, unlock, reason, q->who.user, e);
}
static avn_rc act_lock(web_req *q, avn_err *e) { return act_lock_step(q, false, e); }
static avn_rc act_unlock(web_req *q, avn_err *e) { return act_lock_step(q, true, e); }

static avn_rc act_ack(web_req *q, avn_err *e) {
  const char *id = arg_or_null(q, "finding"), *reason = arg_or_null(q, "reason");
  find_ctx h = {0};
  if (!reason) return avn_fail(e, AVN_E_REQUIRED, "reason", NULL, "acknowledging a deviation needs a reason");
  avn_rc rc = current_finding(q, id, true, &h, e);
  return rc ? rc : store_ack_deviation(q->app->s, id, reason, q->who.user, e);
}

static avn_rc act_withdraw(web_req *q, avn_err *e) {
  avn_date d = 0;
  const char *date = web_arg(q, "date");
  avn_rc rc = avn_date_check("date", date ? date : "", &d, e);
  return rc ? rc : store_withdraw(q->app->s, web_arg(q, "patient"), d, arg_or_null(q, "reason"), q->who.user, e);
}

static avn_rc act_unwithdraw(web_req *q, avn_err *e) {
  return store_unwithdraw(q->app->s, web_arg(q, "patient"), arg_or_null(q, "reason"), q->who.user, e);
}

static avn_rc act_void_step(web_req *q, bool restore, avn_err *e) {
  store_form_ref f;
  avn_rc rc = form_ref(q, &f, e);
  return rc ? rc : store_void(q->app->s, &f, restore, arg_or_null(q, "reason"), q->who.user, e);
}
static avn_rc act_void(web_req *q, avn_err *e) { return act_void_step(q, false, e); }
static avn_rc act_restore(web_req *q, avn_err *e) { return act_void_step(q, true, e); }

static avn_rc act_visit(web_req *q, avn_err *e) {
  const char *date = web_arg(q, "date");
  store_visit_req v = {.patient = web_arg(q, "patient"), .visit = web_arg(q, "visit"), .user = q->who.user,
                       .reason = arg_or_null(q, "reason")};
  avn_rc rc = avn_date_check("date", date ? date : "", &v.date, e);
  return rc ? rc : store_visit(q->app->s, &v, NULL, e);
}

typedef struct act_row {
  const char *name;
  avn_rc (*run)(web_req *q, avn_err *e);
} act_row;

static const act_row acts[] = {
    {"adjudicate", act_adjudicate}, {"query_open", act_query_open}, {"query_answer", act_query_answer},
    {"query_close", act_query_close}, {"verify", act_verify}, {"sign", act_sign},
    {"lock", act_lock}, {"unlock", act_unlock}, {"ack", act_ack},
    {"withdraw", act_withdraw}, {"unwithdraw", act_unwithdraw}, {"void", act_void},
    {"restore", act_restore}, {"visit", act_visit},
};

/* The study lock (the data freeze), an administrator's: its form, holding
** what was typed when error (the refusal) is given. */
void web_study_lock_form(web_req *q, web_resp *r, const char *error) {
  store_lock_info lk;
  avn_err e;
  memset(&lk, 0, sizeof lk);
  bool admin = store_permit(q->app->s, "lock_study", NULL, &e) == AVN_OK;
  if (!admin && error) {   /* the refusal, and no form to offer */
    web_raw(r, "<h2>Study lock</h2><p class=\"error\" role=\"alert\">");
    web_text(r, error);
    web_raw(r, "</p>");
  }
  if (!admin || store_study_lock(q->app->s, &lk, &e)) return;
  web_raw(r, "<h2>Study lock</h2>");
  if (lk.locked) {
    web_raw(r, "<p>Locked since %s by ", lk.at);
    web_text(r, lk.by);
    web_raw(r, ": ");
    web_text(r, lk.reason);
    web_raw(r, "</p>");
  }
  if (error) {
    web_raw(r, "<p class=\"error\" role=\"alert\">");
    web_text(r, error);
    web_raw(r, "</p>");
  }
  web_raw(r, "<form method=\"post\" action=\"/act\" class=\"act lock\">");
  web_csrf_field(r, q);
  web_hidden(r, "action", lk.locked ? "unlock_study" : "lock_study");
  web_raw(r, "<label>Reason <input name=\"reason\" value=\"");
  web_text(r, error ? web_arg(q, "reason") : "");
  web_raw(r, "\"></label> <button>%s the study</button></form>", lk.locked ? "Unlock" : "Lock");
}

/* lock_study / unlock_study: no patient; back to the dashboard. */
static void act_study(web_req *q, web_resp *r, bool unlock) {
  char msg[1024];
  avn_err e;
  avn_err_clear(&e);
  if (!store_lock_study(q->app->s, unlock, arg_or_null(q, "reason"), q->who.user, &e)) {
    web_redirect(r, "/");
    return;
  }
  r->status = 422;
  web_page_begin(r, q, "Study lock");
  web_study_lock_form(q, r, avn_err_format(&e, msg, sizeof msg));
  web_page_end(r);
}

void web_page_act(web_req *q, web_resp *r) {
  const char *action = web_arg(q, "action"), *patient = web_arg(q, "patient");
  char msg[1024];
  avn_err e;
  avn_err_clear(&e);
  const act_row *a = NULL;
  if (action && (!strcmp(action, "lock_study") || !strcmp(action, "unlock_study"))) {
    act_study(q, r, action[0] == 'u');
    return;
  }
  for (size_t i = 0; action && i < sizeof acts / sizeof acts[0]; i++)
    if (!strcmp(acts[i].name, action)) a = &acts[i];
  if (!a || !patient || !patient[0]) {
    web_error_page(r, q, 400, "An action needs a known action and a patient.");
    return;
  }
  /* The patient must be one the user may see before anything else is said about it. */
  avn_rc rc = store_permit(q->app->s, "read", patient, &e);
  if (rc) {
    web_error_page(r, q, e.rc == AVN_E_NOTFOUND ? 404 : 403, avn_err_format(&e, msg, sizeof msg));
    return;
  }
  rc = a->run(q, &e);
  if (!rc) {
    web_redirect_under(r, "/review/", patient);
    return;
  }
  render_review(q, r, patient, avn_err_format(&e, msg, sizeof msg));
}
