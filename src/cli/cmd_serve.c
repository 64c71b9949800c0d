/*
** cmd_serve.c: `avn serve STUDY.db [--bind ADDR] [--port N] [--cert F --key F]`.
*/
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "store/store.h"
#include "web/web.h"

const char cmd_serve_usage[] =
    "usage: avn serve STUDY.db [--bind 127.0.0.1] [--port 8080] [--cert FILE --key FILE]\n"
    "                 [--user NAME] [--idle-minutes 30] [--client-timeout 15]\n\n"
    "Serves the study to a browser: a dashboard, patients (hips, schedule, forms\n"
    "and scores, audit trail), forms generated from their definitions with the\n"
    "score shown live, screening and enrolment. Every save goes through the same\n"
    "checks as 'avn enter' and is refused with the same message.\n\n"
    "Log in with the link printed at start: it carries a random token made for\n"
    "this run; the session then acts as --user (default $AVN_USER, else $USER).\n"
    "Sessions end after --idle-minutes without a request (a fraction is allowed)\n"
    "and at logout. --port 0 takes any free port (the link says which). An\n"
    "address other than loopback needs --cert and --key (PEM files): without\n"
    "HTTPS the token, the session cookie and the data would cross the network in\n"
    "clear. SIGINT or SIGTERM stop the server once requests in flight are answered.\n"
    "--client-timeout: seconds a connection may stay silent before it is closed\n"
    "(1 to 600); a request body still arriving after twice that is cut off too.\n";

static void ready(void *ctx, const char *url) {
  (void)ctx;
  printf("avn serve: listening; log in at\n%s\n", url);
  fflush(stdout);
}

int cmd_serve(int argc, char **argv) {
  const char *db = NULL, *port = NULL, *idle = NULL, *ctimeout = NULL;
  web_config c = {.user = store_user_default(), .port = 8080, .idle_minutes = 30, .ready = ready};
  avn_err e;
  avn_err_clear(&e);
  const cli_option opts[] = {
      {"--bind", CLI_TEXT, &c.bind, "an IP address", NULL, NULL},
      {"--port", CLI_TEXT, &port, "a port number", NULL, NULL},
      {"--cert", CLI_TEXT, &c.cert, "a PEM file", NULL, NULL},
      {"--key", CLI_TEXT, &c.key, "a PEM file", NULL, NULL},
      {"--user", CLI_TEXT, &c.user, "a name", NULL, NULL},
      {"--idle-minutes", CLI_TEXT, &idle, "a number of minutes", NULL, NULL},
      {"--client-timeout", CLI_TEXT, &ctimeout, "a number of seconds", NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("serve", argc, argv, opts, &db, 1, 1, "STUDY.db", NULL, NULL);
  if (r) return r;
  c.db = db;
  if (port) {
    char *end;
    unsigned long v = strtoul(port, &end, 10);
    if (*end || end == port || v > 65535) return cli_usage_error("serve", "--port needs a number from 0 to 65535");
    c.port = (unsigned)v;
  }
  if (idle) {
    char *end;
    c.idle_minutes = strtod(idle, &end);
    if (*end || end == idle || !(c.idle_minutes > 0) || c.idle_minutes > 24 * 60)
      return cli_usage_error("serve", "--idle-minutes needs a number of minutes above 0, at most 1440");
  }
  if (ctimeout) {
    char *end;
    unsigned long v = strtoul(ctimeout, &end, 10);
    if (*end || end == ctimeout || v < 1 || v > 600)
      return cli_usage_error("serve", "--client-timeout needs a number of seconds from 1 to 600");
    c.client_timeout = (unsigned)v;
  }
  avn_rc rc = web_serve(&c, &e);
  inst_registry_free();
  if (rc) return cli_error("serve", &e);
  printf("avn serve: stopped\n");
  return 0;
}
