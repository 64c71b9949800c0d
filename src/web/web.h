/*
** web.h: `avn serve`, the study team's browser interface.
**
** The server is one more caller of store.h: pages read snapshots
** (store_load) and write through store_screen / store_enroll / store_enter,
** so the browser refuses exactly what the command line refuses, with the
** same message. libmicrohttpd's event loop runs on the thread that calls
** web_serve (MHD_run_wait); every request is handled on it in turn, so the
** one store handle is used serially (SQLite serialises writers anyway) and
** sessions need no lock. The saves of one turn of the loop share one
** durable commit (group commit, web.c), answered only once it is done.
**
** Limits, so a bad client cannot take the server down: each connection
** gets a bounded memory pool (headers: 431 beyond it, libmicrohttpd's), a
** bounded body (413 beyond it) and a bounded number of form fields (400
** beyond it); at most 256 connections, 64 from one address.
**
** Slow clients get no 408: libmicrohttpd 0.9.75 offers no way to send one.
** What happens instead, precisely (tests/cases/serve_slow.sh):
**  - silent for client_timeout seconds (while the request line, the
**    headers or the body arrive): libmicrohttpd closes the connection; no
**    handler can answer then, so the client sees EOF without a status line;
**  - a body still arriving client_timeout x 2 seconds after its headers
**    (a client trickling a byte now and then, never silent long enough):
**    closed at its next piece after that deadline, again without a status
**    line (MHD_queue_response is refused while a body is being received);
**  - headers trickled the same way are bounded only by the memory pool:
**    431 once they pass 32 KiB; 64 connections per address cap what one
**    machine can hold open that way.
** None of this blocks any other client: the loop serves them meanwhile.
** Malformed requests (not HTTP, HTTP/1.1 without Host) get libmicrohttpd's
** 400 (strict parsing is on).
** web_serve returns after SIGINT or SIGTERM once requests in flight have
** been answered (at most 2 s more).
*/
#ifndef AVN_WEB_H
#define AVN_WEB_H

#include <stddef.h>
#include "core/rc.h"

typedef struct web_config {
  const char *db;             /* the study database */
  const char *bind;           /* numeric address; "127.0.0.1" when NULL */
  unsigned port;              /* 0: any free port (the ready callback says which) */
  const char *cert, *key;     /* PEM files for HTTPS, both or neither */
  const char *user;           /* the operator a token session acts as */
  double idle_minutes;        /* session idle timeout */
  unsigned client_timeout;    /* seconds a connection may stay silent (0: 15); a request
                                 body must arrive within twice that */
  /* Called once the server listens, with the login link (token included). */
  void (*ready)(void *ctx, const char *login_url);
  void *ready_ctx;
} web_config;

/* Runs the server until SIGINT/SIGTERM. Refuses (AVN_E_USAGE) a
** non-loopback --bind without a certificate and key. */
avn_rc web_serve(const web_config *c, avn_err *e);

/* True when the numeric address is a loopback one (127.0.0.0/8, ::1). */
int web_is_loopback(const char *addr);

#endif
