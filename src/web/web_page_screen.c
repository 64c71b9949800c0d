/*
** web_page_screen.c: screening (store_screen: the protocol's screening
** fields, eligibility evaluated and logged) and enrolment (store_enroll) of
** an eligible person. The fields are the protocol's own (protocol.h
** proto_field), drawn with the same controls as a form's items; a refusal
** shows the store's message and keeps what was typed.
*/
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "web/web_int.h"

#define MAX_CODES 64

/* A screening field as an item, so it is drawn like any form item. */
static void field_control(web_req *q, web_resp *r, const proto_field *f, const char *name) {
  inst_code codes[MAX_CODES];
  inst_item it = {.name = name, .label = f->label ? f->label : f->name, .unit = f->unit ? f->unit : "",
                  .type = f->type, .min = f->has_range ? f->min : 1, .max = f->has_range ? f->max : 0,
                  .codes = codes, .n_codes = f->n_codes < MAX_CODES ? f->n_codes : MAX_CODES};
  char label[256];
  if (strcmp(name, f->name) != 0) {   /* a per-hip field: "Stage (left)" */
    snprintf(label, sizeof label, "%s (%s)", it.label, strchr(name, '.') + 1);
    it.label = label;
  }
  for (size_t i = 0; i < it.n_codes; i++) codes[i] = (inst_code){f->codes[i], f->codes[i], (double)i, NULL};
  web_item_control(r, &it, q->post ? web_arg(q, name) : NULL);
}

static void text_field(web_req *q, web_resp *r, const char *name, const char *label, const char *type) {
  web_raw(r, "<div class=\"item\"><label class=\"q\" for=\"f-%s\">%s</label><input id=\"f-%s\" name=\"%s\" "
             "type=\"%s\" value=\"", name, label, name, name, type);
  web_text(r, q->post ? web_arg(q, name) : NULL);
  web_raw(r, "\"></div>");
}

static void screen_form(web_req *q, web_resp *r, const char *error) {
  const protocol *p = store_protocol(q->app->s);
  char name[256];
  web_page_begin(r, q, "Screening");
  web_raw(r, "<h1>Screening</h1>");
  if (error) {
    web_raw(r, "<p class=\"error\" role=\"alert\">");
    web_text(r, error);
    web_raw(r, "</p>");
  }
  web_raw(r, "<form method=\"post\" action=\"/screen\" id=\"screen\">");
  web_csrf_field(r, q);
  text_field(q, r, "code", "Screening number", "text");
  text_field(q, r, "date", "Screening date", "date");
  text_field(q, r, "site", "Site (blank: main)", "text");
  for (size_t i = 0; i < p->n_fields; i++) {
    const proto_field *f = &p->fields[i];
    if (!f->per_hip) {
      field_control(q, r, f, f->name);
      continue;
    }
    for (int side = SIDE_LEFT; side <= SIDE_RIGHT; side++) {
      snprintf(name, sizeof name, "%s.%s", f->name, side_name(side));
      field_control(q, r, f, name);
    }
  }
  web_raw(r, "<p><button type=\"submit\">Screen</button></p></form>");
  web_page_end(r);
}

/* Adds "name=value" for a non-empty posted field. */
static avn_rc add_kv(const web_req *q, const char *name, char **kv, size_t *n) {
  const char *v = web_arg(q, name);
  if (!v || !v[0]) return AVN_OK;
  avn_buf b;
  avn_buf_init(&b, WEB_MAX_BODY);
  avn_rc rc = avn_buf_printf(&b, "%s=%s", name, v);
  if (!rc) kv[(*n)++] = avn_buf_take(&b);
  avn_buf_free(&b);
  return rc;
}

void web_page_screen(web_req *q, web_resp *r) {
  const protocol *p = store_protocol(q->app->s);
  char **kv = NULL, name[256], msg[1024];
  size_t n_kv = 0;
  elig_result res = {0};
  avn_err e;
  avn_err_clear(&e);
  if (!q->post) {
    screen_form(q, r, NULL);
    return;
  }
  store_screen_req req = {.code = web_arg(q, "code"), .site = web_arg(q, "site"), .user = q->who.user};
  const char *date = web_arg(q, "date");
  avn_rc rc = AVN_OK;
  if (!req.code || !req.code[0]) rc = avn_fail(&e, AVN_E_REQUIRED, "code", NULL, "give the screening number");
  if (!rc) rc = avn_date_check("date", date ? date : "", &req.date, &e);
  if (req.site && !req.site[0]) req.site = NULL;
  kv = avn_calloc(2 * p->n_fields + 1, sizeof *kv);
  if (!kv && !rc) rc = avn_fail(&e, AVN_E_NOMEM, NULL, NULL, "out of memory");
  for (size_t i = 0; !rc && i < p->n_fields; i++) {
    const proto_field *f = &p->fields[i];
    for (int side = f->per_hip ? SIDE_LEFT : SIDE_PATIENT; !rc && side <= (f->per_hip ? SIDE_RIGHT : SIDE_PATIENT);
         side++) {
      snprintf(name, sizeof name, "%s%s%s", f->name, side ? "." : "", side ? side_name(side) : "");
      rc = add_kv(q, name, kv, &n_kv);
    }
  }
  req.kv = kv;
  req.n_kv = n_kv;
  if (!rc) rc = store_screen(q->app->s, &req, &res, &e);
  if (rc) {
    r->status = 422;
    screen_form(q, r, avn_err_format(&e, msg, sizeof msg));
    goto cleanup;
  }
  web_page_begin(r, q, "Screening result");
  web_raw(r, "<h1>Screening ");
  web_text(r, req.code);
  web_raw(r, "</h1><p class=\"%s\">%s</p>", res.eligible ? "ok" : "error", res.eligible ? "Eligible." : "Not eligible.");
  if (res.n_fails) {
    web_raw(r, "<ul class=\"fails\">");
    for (size_t i = 0; i < res.n_fails; i++) {
      web_raw(r, "<li>");
      web_text(r, res.fails[i].crit->text ? res.fails[i].crit->text : res.fails[i].crit->name);
      web_raw(r, "%s%s%s%s</li>", res.fails[i].side ? " (" : "", res.fails[i].side ? side_name(res.fails[i].side) : "",
              res.fails[i].side ? ")" : "", res.fails[i].missing ? ": not entered" : "");
    }
    web_raw(r, "</ul>");
  }
  if (res.eligible) {
    web_raw(r, "<p><a class=\"button\" href=\"/enroll?screening=");
    web_url(r, req.code);
    web_raw(r, "\">Enrol</a></p>");
  }
  web_page_end(r);
cleanup:
  for (size_t i = 0; kv && i < n_kv; i++) avn_free(kv[i]);
  avn_free(kv);
  elig_result_free(&res);
}

static void enroll_form(web_req *q, web_resp *r, const char *error) {
  const char *sex = q->post ? web_arg(q, "sex") : NULL;
  web_page_begin(r, q, "Enrolment");
  web_raw(r, "<h1>Enrolment of ");
  web_text(r, web_arg(q, "screening"));
  web_raw(r, "</h1>");
  if (error) {
    web_raw(r, "<p class=\"error\" role=\"alert\">");
    web_text(r, error);
    web_raw(r, "</p>");
  }
  web_raw(r, "<form method=\"post\" action=\"/enroll\" id=\"enroll\">");
  web_csrf_field(r, q);
  web_hidden(r, "screening", web_arg(q, "screening"));
  text_field(q, r, "patient", "Study id (e.g. P001)", "text");
  text_field(q, r, "date", "Enrolment date (day 0)", "date");
  web_raw(r, "<div class=\"item\"><span class=\"q\">Sex</span><div class=\"choices\">");
  for (int i = 0; i < 2; i++) {
    const char *v = i ? "female" : "male";
    web_raw(r, "<label class=\"choice\"><input type=\"radio\" name=\"sex\" value=\"%s\"%s> %s</label>", v,
            sex && strcmp(sex, v) == 0 ? " checked" : "", v);
  }
  web_raw(r, "</div></div>");
  text_field(q, r, "birth", "Birth date", "date");
  text_field(q, r, "name", "Name (kept apart, never exported)", "text");
  text_field(q, r, "phone", "Phone", "text");
  web_raw(r, "<p><button type=\"submit\">Enrol</button></p></form>");
  web_page_end(r);
}

void web_page_enroll(web_req *q, web_resp *r) {
  char msg[1024];
  avn_err e;
  avn_err_clear(&e);
  if (!q->post) {
    enroll_form(q, r, NULL);
    return;
  }
  const char *date = web_arg(q, "date"), *birth = web_arg(q, "birth"), *name = web_arg(q, "name"),
             *phone = web_arg(q, "phone");
  store_enroll_req req = {.screening = web_arg(q, "screening"), .patient = web_arg(q, "patient"),
                          .sex = web_arg(q, "sex"), .user = q->who.user,
                          .name = name && name[0] ? name : NULL, .phone = phone && phone[0] ? phone : NULL};
  avn_rc rc = AVN_OK;
  if (!req.screening || !req.screening[0]) rc = avn_fail(&e, AVN_E_REQUIRED, "screening", NULL, "give the screening number");
  if (!rc && (!req.patient || !req.patient[0])) rc = avn_fail(&e, AVN_E_REQUIRED, "patient", NULL, "give the study id");
  if (!rc && (!req.sex || !req.sex[0])) rc = avn_fail(&e, AVN_E_REQUIRED, "sex", NULL, "give male or female");
  if (!rc) rc = avn_date_check("date", date ? date : "", &req.date, &e);
  if (!rc && birth && birth[0]) {
    rc = avn_date_check("birth", birth, &req.birth, &e);
    req.has_birth = !rc;
  }
  if (!rc) rc = store_enroll(q->app->s, &req, &e);
  if (rc) {
    r->status = 422;
    enroll_form(q, r, avn_err_format(&e, msg, sizeof msg));
    return;
  }
  web_redirect_patient(r, req.patient);
}
