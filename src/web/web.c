/*
** web.c: the server core (web.h): libmicrohttpd setup and limits, reading
** request bodies, sessions and CSRF on the way in, routing, and turning a
** page's web_resp into an HTTP response with the security headers.
**
** A request passes, in order: method (GET/POST, else 405), body bounds
** (Content-Length over WEB_MAX_BODY: 413 before reading it; a chunked body
** that grows past it: 413 at its end), content type of a POST
** (application/x-www-form-urlencoded, else 415), body decoding (400 with
** the rule), the route (404), the session (login page or 401), the CSRF
** token of a POST (403). Only then does a page run.
**
** Group commit. One durable commit (an fsync) per save would cap the
** server at SQLite's raw commit rate and make every client queue behind
** every other. So the server runs libmicrohttpd's event loop itself
** (MHD_run_wait, on the thread that called web_serve): the saves that
** arrive in one turn of the loop go into one store batch (store_begin;
** each save is still validated and all-or-nothing through its savepoint),
** their connections are suspended with their answers ready, and at the end
** of the turn the batch is committed and only then are the answers sent. A
** save is acknowledged only once it is durable; if the commit fails, every
** save of the batch is answered 500 and none is stored. Any other request
** commits an open batch first, so pages never read an uncommitted save.
*/
#include "web/web.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/mem.h"
#include "web/web_int.h"

#define SESSION_COOKIE "avn_session"
#define WEB_MAX_CONNECTIONS 256
#define WEB_MAX_PER_ADDRESS 64      /* one machine cannot hold every connection */

typedef struct web_conn {      /* per-request state, freed in on_done */
  avn_buf body;
  double deadline;            /* the body must be in by then (monotonic seconds) */
  bool too_big;
  bool refused;               /* a response was queued before the body */
  bool waiting;               /* suspended until its batch commits */
  bool ready;                 /* resumed: send resp */
  struct MHD_Connection *conn;
  web_resp resp;              /* the answer held while the batch is open */
} web_conn;

typedef struct web_server {
  web_app app;                /* what pages see */
  double body_seconds;        /* how long a request body may take to arrive */
  struct web_batch *batch;
} web_server;

/* The saves of the open batch, answered when it commits. */
typedef struct web_batch {
  bool open;
  web_conn *conn[WEB_MAX_CONNECTIONS];
  size_t n;
} web_batch;

const char *web_arg(const web_req *q, const char *name) {
  if (q->post) return web_form_get(&q->form, name);
  return MHD_lookup_connection_value(q->conn, MHD_GET_ARGUMENT_KIND, name);
}

static enum MHD_Result send_resp(struct MHD_Connection *c, web_resp *r) {
  struct MHD_Response *m =
      MHD_create_response_from_buffer(r->body.len, r->body.data ? r->body.data : (char *)"", MHD_RESPMEM_MUST_COPY);
  if (!m) return MHD_NO;
  MHD_add_response_header(m, MHD_HTTP_HEADER_CONTENT_TYPE, r->ctype ? r->ctype : "text/html; charset=utf-8");
  /* No inline script or style may run: a value that escaped escaping still could not execute. */
  MHD_add_response_header(m, "Content-Security-Policy",
                          "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'; "
                          "form-action 'self'; base-uri 'none'");
  MHD_add_response_header(m, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(m, "X-Frame-Options", "DENY");
  MHD_add_response_header(m, "Referrer-Policy", "no-referrer");   /* the login link carries the token */
  MHD_add_response_header(m, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  if (r->location[0]) MHD_add_response_header(m, MHD_HTTP_HEADER_LOCATION, r->location);
  if (r->cookie[0]) MHD_add_response_header(m, MHD_HTTP_HEADER_SET_COOKIE, r->cookie);
  if (r->disposition[0]) MHD_add_response_header(m, MHD_HTTP_HEADER_CONTENT_DISPOSITION, r->disposition);
  if (r->retry_after > 0) {
    char s[16];
    snprintf(s, sizeof s, "%d", r->retry_after);
    MHD_add_response_header(m, MHD_HTTP_HEADER_RETRY_AFTER, s);
  }
  enum MHD_Result ret = MHD_queue_response(c, r->status, m);
  MHD_destroy_response(m);
  return ret;
}

/* A short plain-text answer for requests refused before any page runs. */
static enum MHD_Result send_plain(struct MHD_Connection *c, unsigned status, const char *msg) {
  web_resp r = {.status = status, .ctype = "text/plain; charset=utf-8"};
  avn_buf_init(&r.body, 4096);
  avn_buf_printf(&r.body, "%u %s\n", status, msg);
  enum MHD_Result ret = send_resp(c, &r);
  avn_buf_free(&r.body);
  return ret;
}

double web_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The client's numeric address, for the login back-off ("" when unknown). */
static void client_addr(struct MHD_Connection *c, char *out, size_t n) {
  const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  const struct sockaddr *sa = ci ? ci->client_addr : NULL;
  out[0] = '\0';
  if (sa && sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)n);
  else if (sa && sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)n);
}

static void set_session_cookie(web_resp *r, const web_req *q, const char *sid, bool clear) {
  snprintf(r->cookie, sizeof r->cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", SESSION_COOKIE,
           clear ? "" : sid, q->app->tls ? "; Secure" : "", clear ? "; Max-Age=0" : "");
}

/* A study with named users: POST /login takes name and password, checked
** by the store (store_login opens the user's store session, audited); the
** back-off after a failure is the token's. */
static void login_password(web_req *q, web_resp *r) {
  const char *name = web_arg(q, "user"), *pw = web_arg(q, "password");
  char sid[WEB_TOKEN_HEX + 1], tok[65];
  int wait = 0;
  avn_err e;
  avn_err_clear(&e);
  if (web_auth_gate(q->app->auth, name, q->addr, web_now(), &wait) != WEB_LOGIN_OK) {
    r->retry_after = wait;
    web_error_page(r, q, 429, "Too many failed attempts: wait a few seconds and try again.");
    return;
  }
  if (!name || !pw || store_login(q->app->s, name, pw, 8, tok, &e) != AVN_OK) {
    web_auth_failed(q->app->auth, name, q->addr, web_now());
    web_error_page(r, q, 403, "That user name and password were refused.");
    return;
  }
  web_auth_open(q->app->auth, name, tok, web_now(), sid);
  sodium_memzero(tok, sizeof tok);
  set_session_cookie(r, q, sid, false);
  web_redirect(r, "/");
}

/* GET /login shows how to get in (or logs in with ?token=); POST /login
** takes the token pasted into the form, or, in a study with named users,
** a user name and password (the token is then refused). */
static void page_login(web_req *q, web_resp *r) {
  const char *token = web_arg(q, "token");
  bool users = store_has_accounts(q->app->s);
  if (users && q->post && !token) {
    login_password(q, r);
    return;
  }
  if (users && token) {
    web_error_page(r, q, 403, "This study has named users: log in with your user name and password.");
    return;
  }
  if (token) {
    char sid[WEB_TOKEN_HEX + 1];
    int wait = 0;
    web_login l = web_auth_login(q->app->auth, token, q->addr, web_now(), sid, &wait);
    if (l == WEB_LOGIN_OK) {
      set_session_cookie(r, q, sid, false);
      web_redirect(r, "/");   /* and the token leaves the address bar */
      return;
    }
    r->retry_after = l == WEB_LOGIN_WAIT ? wait : 0;
    web_error_page(r, q, l == WEB_LOGIN_WAIT ? 429 : 403,
                   l == WEB_LOGIN_WAIT ? "Too many failed attempts: wait a few seconds and try again."
                                       : "That login token is not this server's.");
    return;
  }
  web_page_begin(r, q, web_t(q, "Log in"));
  if (users)
    web_raw(r, "<h1>%s</h1><form method=\"post\" action=\"/login\"><label>%s <input name=\"user\" "
               "autocomplete=\"username\"></label> <label>%s <input name=\"password\" type=\"password\" "
               "autocomplete=\"current-password\"></label> <button>%s</button></form>",
            web_t(q, "Log in"), web_t(q, "User"), web_t(q, "Password"), web_t(q, "Log in"));
  else
    web_raw(r, "<h1>%s</h1><p>Open the login link that <code>avn serve</code> printed when it started "
               "(it holds a one-time token for this run), or paste the token here.</p>"
               "<form method=\"post\" action=\"/login\"><label>Token <input name=\"token\" autocomplete=\"off\" "
               "size=\"66\"></label> <button>%s</button></form>", web_t(q, "Log in"), web_t(q, "Log in"));
  web_page_end(r);
}

void web_clear_session_cookie(web_resp *r, const web_req *q) { set_session_cookie(r, q, "", true); }

static void page_logout(web_req *q, web_resp *r) {
  avn_err e;
  if (q->who.store_token && q->who.store_token[0]) store_logout(q->app->s, &e); /* resumed by dispatch */
  web_auth_logout(q->app->auth, q->sid);
  set_session_cookie(r, q, "", true);
  web_redirect(r, "/login");
}

static void asset(web_resp *r, const char *ctype, const char *text) {
  r->ctype = ctype;
  avn_buf_puts(&r->body, text);
}
static void page_css(web_req *q, web_resp *r) {
  (void)q;
  asset(r, "text/css; charset=utf-8", web_css);
}
static void page_js(web_req *q, web_resp *r) {
  (void)q;
  asset(r, "text/javascript; charset=utf-8", web_js);
}

typedef struct route {
  const char *path;
  bool prefix;                /* path is a prefix; q->rest is what follows */
  bool get, post;
  bool session;               /* needs a logged-in session (and CSRF on POST) */
  web_handler run;
  bool batch;                 /* a POST that saves: joins the open batch */
  bool safety;                /* open to the safety board, who see the safety report only */
} route;

static const route routes[] = {
    {"/static/avn.css", false, true, false, false, page_css, false, true},
    {"/static/avn.js", false, true, false, false, page_js, false, true},
    {"/login", false, true, true, false, page_login, false, true},
    {"/logout", false, false, true, true, page_logout, false, true},
    {"/", false, true, false, true, web_page_dashboard, false, false},
    {"/patient/", true, true, false, true, web_page_patient, false, false},
    {"/audit/", true, true, false, true, web_page_audit, false, false},
    {"/form", false, true, true, true, web_page_form, true, false},
    {"/api/score/", true, false, true, true, web_api_score, false, false},
    {"/screen", false, true, true, true, web_page_screen, false, false},
    {"/enroll", false, true, true, true, web_page_enroll, false, false},
    {"/review/", true, true, false, true, web_page_review, false, false},
    {"/act", false, false, true, true, web_page_act, false, false},
    {"/reports", false, true, false, true, web_page_reports, false, true},
    {"/report/study.pdf", false, true, false, true, web_page_report_study, false, false},
    {"/report/safety.pdf", false, true, false, true, web_page_report_safety, false, true},
    {"/survey/new", false, false, true, true, web_page_survey_new, false, false},
    {"/s/", true, true, true, false, web_page_survey, false, true},   /* the patient's: the link is the key */
    {"/lang", false, true, false, false, web_page_lang, false, true},
};

static const route *find_route(const char *path) {
  for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
    const route *x = &routes[i];
    size_t n = strlen(x->path);
    if (x->prefix ? strncmp(path, x->path, n) == 0 && path[n] : strcmp(path, x->path) == 0) return x;
  }
  return NULL;
}

static void dispatch(const route *rt, web_req *q, web_resp *r) {
  /* The store handle serves every request: the previous one's user (and
  ** read purpose) never carries over; a signed-in request resumes its own. */
  store_session(q->app->s, NULL, NULL);
  if (!rt) {
    web_error_page(r, q, 404, "There is no such page.");
    return;
  }
  q->rest = q->path + strlen(rt->path);
  if (q->post ? !rt->post : !rt->get) {
    web_error_page(r, q, 405, "That method is not allowed here.");
    return;
  }
  char sid[WEB_TOKEN_HEX + 1];
  if (q->cookies && web_cookie_get(q->cookies, SESSION_COOKIE, sid, sizeof sid)) q->sid = sid;
  if (rt->session) {
    if (!web_auth_session(q->app->auth, q->sid, web_now(), &q->who)) {
      if (q->post) {
        web_error_page(r, q, 401, "Your session has ended (or never began): log in again.");
      } else {
        web_redirect(r, "/login");
      }
      return;
    }
    if (q->post && !web_auth_csrf_ok(&q->who, web_arg(q, "csrf"))) {
      web_error_page(r, q, 403, "This form's security token is missing or stale: reload the page and try again.");
      return;
    }
    /* A named user's request acts as that user in the store (role, sites);
    ** a store session that ended (expired, user disabled) ends this one. */
    if (q->who.store_token && q->who.store_token[0]) {
      avn_err e;
      avn_rc src = store_session(q->app->s, q->who.store_token, &e);
      if (src == AVN_E_IO || src == AVN_E_DB || src == AVN_E_BUSY) {
        /* The database is out of reach (a server restart): the session
        ** stands, this request is refused and may be sent again. */
        char msg[512];
        web_error_page(r, q, 503, avn_err_format(&e, msg, sizeof msg));
        return;
      }
      if (src != AVN_OK) {
        web_auth_logout(q->app->auth, q->sid);
        web_error_page(r, q, 401, "Your session has ended: log in again.");
        return;
      }
    } else if (store_has_accounts(q->app->s)) {
      web_auth_logout(q->app->auth, q->sid);
      web_error_page(r, q, 401, "This study has named users: log in with your user name and password.");
      return;
    }
  }
  /* The safety board sees the safety report and nothing else: not the
  ** dashboard, not a patient (their home is the reports page). */
  if (rt->session && !rt->safety && store_has_accounts(q->app->s) &&
      store_actor_role(q->app->s) == STORE_ROLE_SAFETY_BOARD) {
    if (!q->post && !strcmp(rt->path, "/")) {
      web_redirect(r, "/reports");
    } else {
      web_error_page(r, q, 403, "The safety board receives the safety report only (Reports).");
    }
    return;
  }
  rt->run(q, r);
}

/* Commits the open batch, then lets its suspended saves answer: as stored,
** or all 500 when the commit failed (then none of them is stored). */
static void flush(web_server *srv) {
  web_batch *b = srv->batch;
  char msg[1024];
  avn_err e;
  if (!b->open) return;
  avn_err_clear(&e);
  avn_rc rc = store_commit(srv->app.s, &e);
  b->open = false;
  for (size_t i = 0; i < b->n; i++) {
    web_conn *wc = b->conn[i];
    if (rc) {
      wc->resp.status = 500;
      wc->resp.location[0] = '\0';
      wc->resp.ctype = "text/plain; charset=utf-8";
      avn_buf_reset(&wc->resp.body);
      avn_buf_printf(&wc->resp.body, "500 the save could not be made durable, nothing was stored: %s\n",
                     avn_err_format(&e, msg, sizeof msg));
    }
    wc->waiting = false;
    wc->ready = true;
    MHD_resume_connection(wc->conn);
  }
  b->n = 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls) {
  web_server *srv = cls;
  web_conn *wc = *con_cls;
  bool post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
  (void)version;
  if (!wc) {
    wc = avn_calloc(1, sizeof *wc);
    if (!wc) return MHD_NO;
    avn_buf_init(&wc->body, WEB_MAX_BODY);
    wc->deadline = web_now() + srv->body_seconds;
    *con_cls = wc;
    if (!post && strcmp(method, MHD_HTTP_METHOD_GET) != 0) {
      wc->refused = true;
      return send_plain(c, 405, "only GET and POST are served");
    }
    if (post) {
      const char *len = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
      const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
      if (len && strtoull(len, NULL, 10) > WEB_MAX_BODY) {
        wc->refused = true;
        return send_plain(c, 413, "request body larger than 64 KiB");
      }
      if (!ct || strncmp(ct, "application/x-www-form-urlencoded", 33) != 0) {
        wc->refused = true;
        return send_plain(c, 415, "a POST body must be application/x-www-form-urlencoded");
      }
    }
    return MHD_YES;
  }
  if (wc->ready) return send_resp(c, &wc->resp);   /* resumed after its batch committed */
  if (wc->refused) {   /* the body of a refused request is discarded */
    *upload_data_size = 0;
    return MHD_YES;
  }
  /* A body trickled in too slowly: libmicrohttpd (0.9.75) refuses a
  ** response queued while a body is arriving, so the connection is closed
  ** (web.h says what the client sees). */
  if (*upload_data_size && web_now() > wc->deadline) return MHD_NO;
  if (*upload_data_size) {
    if (!wc->too_big && avn_buf_append(&wc->body, upload_data, *upload_data_size)) wc->too_big = true;
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (wc->too_big) return send_plain(c, 413, "request body larger than 64 KiB");
  web_req q = {.app = &srv->app, .post = post, .path = url, .conn = c};
  client_addr(c, q.addr, sizeof q.addr);
  q.cookies = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE);
  web_resp r = {.status = 200};
  avn_err e;
  avn_err_clear(&e);
  avn_buf_init(&r.body, WEB_MAX_PAGE);
  if (post && web_form_parse(wc->body.data ? wc->body.data : "", wc->body.len, &q.form, &e)) {
    char msg[1024];
    avn_buf_free(&r.body);
    return send_plain(c, 400, avn_err_format(&e, msg, sizeof msg));
  }
  const route *rt = find_route(url);
  bool batched = post && rt && rt->batch;
  if (!batched || srv->batch->n == WEB_MAX_CONNECTIONS) flush(srv);
  if (batched && !srv->batch->open) srv->batch->open = store_begin(srv->app.s, &e) == AVN_OK;
  dispatch(rt, &q, &r);
  if (batched && srv->batch->open && r.status == 303) {   /* stored in the batch: answer once durable */
    web_form_free(&q.form);
    wc->resp = r;
    wc->conn = c;
    wc->waiting = true;
    srv->batch->conn[srv->batch->n++] = wc;
    MHD_suspend_connection(c);
    return MHD_YES;
  }
  enum MHD_Result ret = send_resp(c, &r);
  web_form_free(&q.form);
  avn_buf_free(&r.body);
  return ret;
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe) {
  web_conn *wc = *con_cls;
  (void)cls;
  (void)c;
  (void)toe;
  if (!wc) return;
  avn_buf_free(&wc->body);
  avn_buf_free(&wc->resp.body);
  avn_free(wc);
  *con_cls = NULL;
}

int web_is_loopback(const char *addr) {
  struct in_addr a4;
  struct in6_addr a6;
  if (inet_pton(AF_INET, addr, &a4) == 1) return (ntohl(a4.s_addr) >> 24) == 127;
  if (inet_pton(AF_INET6, addr, &a6) == 1) return IN6_IS_ADDR_LOOPBACK(&a6);
  return 0;
}

static avn_rc read_file(const char *opt, const char *path, char **out, avn_err *e) {
  avn_rc rc = AVN_OK;
  avn_buf b;
  char chunk[4096];
  size_t n;
  FILE *f = fopen(path, "rb");
  avn_buf_init(&b, 1 << 20);
  if (!f) return avn_fail(e, AVN_E_IO, opt, path, "cannot be read");
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && !rc) rc = avn_buf_append(&b, chunk, n);
  if (ferror(f) && !rc) rc = avn_fail(e, AVN_E_IO, opt, path, "cannot be read");
  if (rc == AVN_E_NOMEM) avn_fail(e, rc, opt, path, "is larger than 1 MB: not a PEM certificate or key");
  fclose(f);
  if (!rc) *out = avn_buf_take(&b);
  avn_buf_free(&b);
  return rc;
}

avn_rc web_serve(const web_config *cfg, avn_err *e) {
  avn_rc rc = AVN_OK;
  web_batch batch = {0};
  web_server srv = {.batch = &batch};
  web_app *app = &srv.app;
  struct MHD_Daemon *d = NULL;
  char *cert = NULL, *key = NULL;
  const char *bind = cfg->bind ? cfg->bind : "127.0.0.1";
  struct sockaddr_in a4 = {0};
  struct sockaddr_in6 a6 = {0};
  bool v6 = false;
  sigset_t stop, old;

  if (inet_pton(AF_INET, bind, &a4.sin_addr) == 1) {
    a4.sin_family = AF_INET;
    a4.sin_port = htons((uint16_t)cfg->port);
  } else if (inet_pton(AF_INET6, bind, &a6.sin6_addr) == 1) {
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons((uint16_t)cfg->port);
    v6 = true;
  } else {
    return avn_fail(e, AVN_E_USAGE, "--bind", bind, "must be a numeric IPv4 or IPv6 address");
  }
  if (!cfg->cert != !cfg->key)
    return avn_fail(e, AVN_E_USAGE, cfg->cert ? "--key" : "--cert", NULL, "HTTPS needs both --cert and --key");
  if (!web_is_loopback(bind) && !cfg->cert)
    return avn_fail(e, AVN_E_USAGE, "--bind", bind,
                    "a non-loopback address needs --cert and --key: without HTTPS the session cookie, the "
                    "login token and patients' data would cross the network in clear");
  if (cfg->cert) {
    rc = read_file("--cert", cfg->cert, &cert, e);
    if (!rc) rc = read_file("--key", cfg->key, &key, e);
    if (rc) goto cleanup;
    app->tls = true;
  }
  rc = store_open(cfg->db, &app->s, e);
  if (!rc) rc = web_auth_create(cfg->user, cfg->idle_minutes * 60.0, &app->auth, e);
  if (!rc) rc = web_surveys_create(&app->surveys, e);
  if (rc) goto cleanup;

  /* SIGINT/SIGTERM are blocked and looked for between turns of the loop,
  ** so a signal never interrupts a save. */
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, &old);
  unsigned timeout = cfg->client_timeout ? cfg->client_timeout : 15;
  srv.body_seconds = 2.0 * timeout;
  struct MHD_OptionItem opts[] = {
      {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_done, NULL},
      {MHD_OPTION_SOCK_ADDR, 0, v6 ? (void *)&a6 : (void *)&a4},
      {MHD_OPTION_CONNECTION_MEMORY_LIMIT, 32 * 1024, NULL},   /* request line and headers */
      {MHD_OPTION_CONNECTION_TIMEOUT, timeout, NULL},           /* seconds silent: closed (web.h) */
      {MHD_OPTION_CONNECTION_LIMIT, WEB_MAX_CONNECTIONS, NULL},
      {MHD_OPTION_PER_IP_CONNECTION_LIMIT, WEB_MAX_PER_ADDRESS, NULL},
      {MHD_OPTION_STRICT_FOR_CLIENT, 1, NULL},                  /* 400 for HTTP/1.1 without Host, bare LF... */
      {cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, cert},
      {cert ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, key},
      {MHD_OPTION_END, 0, NULL}};
  unsigned flags = MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME | (v6 ? MHD_USE_IPv6 : 0) | (cert ? MHD_USE_TLS : 0);
  d = MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, on_request, &srv, MHD_OPTION_ARRAY, opts,
                       MHD_OPTION_END);
  if (!d) {
    rc = avn_fail(e, AVN_E_IO, "--port", NULL, "could not listen on %s port %u (in use, or a bad certificate/key)",
                  bind, cfg->port);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    goto cleanup;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  char url[256];
  snprintf(url, sizeof url, "%s://%s%s%s:%u/login?token=%s", cert ? "https" : "http", v6 ? "[" : "", bind,
           v6 ? "]" : "", info ? (unsigned)info->port : cfg->port, web_auth_token(app->auth));
  if (cfg->ready) cfg->ready(cfg->ready_ctx, url);
  /* The loop: one turn handles every connection that is ready, then commits
  ** the turn's saves. After a signal: no new connections, and up to 2 s for
  ** the requests in flight to be answered. */
  bool stopping = false;
  double stop_at = 0;
  for (;;) {
    MHD_run_wait(d, stopping ? 20 : 200);
    flush(&srv);
    if (!stopping) {
      sigset_t pending;
      int sig = 0;
      sigpending(&pending);
      if (!sigismember(&pending, SIGINT) && !sigismember(&pending, SIGTERM)) continue;
      sigwait(&stop, &sig);
      stopping = true;
      stop_at = web_now() + 2;
      MHD_socket ls = MHD_quiesce_daemon(d);
      if (ls != MHD_INVALID_SOCKET) close(ls);
      continue;
    }
    const union MHD_DaemonInfo *n = MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    if (!n || n->num_connections == 0 || web_now() > stop_at) break;
  }
  flush(&srv);
  MHD_stop_daemon(d);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
cleanup:
  web_auth_free(app->auth);
  web_surveys_free(app->surveys);
  store_close(app->s);
  avn_free(cert);
  avn_free(key);
  return rc;
}
