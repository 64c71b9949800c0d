/*
** serve_load.c: the load tool of bench/serve.sh.
**
**   avn-bench-serve http PORT SECONDS CLIENTS COOKIE CSRF ACKS_FILE
**     CLIENTS threads, each with one keep-alive connection to
**     127.0.0.1:PORT, save HHS forms through POST /form for SECONDS: client
**     c owns patient B<c> (enrolled beforehand) and saves its m1 left-hip
**     HHS again and again, pain alternating mild/slight, each save carrying
**     a unique reason "c<c>-<k>-<pain>" (a change needs one; the pain it
**     sent, so a save that changed nothing can be told from a lost one:
**     after an error whose save was in fact stored, the next may repeat
**     the stored value, and a save that changes nothing writes no audit
**     row). A save is
**     acknowledged when the server answers 303 (stored, redirect to the
**     patient). Prints saves, errors, saves/s, p50 and p99 latency; writes
**     every acknowledged reason to ACKS_FILE, one a line, so the script can
**     look each one up in the database afterwards.
**
**   avn-bench-serve raw DB SECONDS
**     The raw durable commit rate of SQLite on the same disk: a copy of the
**     study (same schema), the store's settings (WAL, synchronous=FULL), one
**     transaction per save doing the least a save does (update one value,
**     append one audit row). Prints commits/s.
*/
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

typedef struct client {
  int id, port;
  double until;
  const char *cookie, *csrf;
  double *lat;
  size_t n, cap;
  long errors;
  char **acks;
  size_t n_acks;
} client;

static int dial(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* Reads one response; returns its status, or -1 when the connection broke. */
static int read_response(int fd) {
  char buf[16384];
  size_t have = 0;
  char *end = NULL;
  while (!end) {
    ssize_t k = read(fd, buf + have, sizeof buf - 1 - have);
    if (k <= 0) return -1;
    have += (size_t)k;
    buf[have] = '\0';
    end = strstr(buf, "\r\n\r\n");
    if (!end && have == sizeof buf - 1) return -1;
  }
  int status = atoi(buf + 9);
  char *cl = strcasestr(buf, "\r\nContent-Length:");
  size_t body = cl ? strtoul(cl + 17, NULL, 10) : 0, got = have - (size_t)(end + 4 - buf);
  while (got < body) {
    ssize_t k = read(fd, buf, sizeof buf < body - got ? sizeof buf : body - got);
    if (k <= 0) return -1;
    got += (size_t)k;
  }
  return status;
}

static const char HHS[] =
    "limp=slight&support=cane_long_walks&distance=six_blocks&stairs=railing&shoes=difficulty&sitting=high_chair"
    "&transport=able&flexion_contracture_deg=20&fixed_adduction_deg=5&fixed_ir_deg=5&lld_cm=1.0&flexion_deg=100"
    "&abduction_deg=20&adduction_deg=10&er_deg=10&ir_deg=10";

static void *run_client(void *arg) {
  client *c = arg;
  int fd = dial(c->port);
  char body[2048], req[4096], reason[32];
  for (long k = 0; fd >= 0 && now_s() < c->until; k++) {
    /* pain alternates with each acknowledged save, so every save changes
    ** the form (a refused one in between does not make the next a no-op). */
    const char *pain = c->n_acks % 2 ? "slight" : "mild";
    snprintf(reason, sizeof reason, "c%d-%ld-%s", c->id, k, pain);
    int bl = snprintf(body, sizeof body,
                      "csrf=%s&patient=B%d&visit=m1&form=hhs&hip=left&entry=1&date=2024-02-28&pain=%s&%s&reason=%s",
                      c->csrf, c->id, pain, HHS, reason);
    int rl = snprintf(req, sizeof req,
                      "POST /form HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: avn_session=%s\r\n"
                      "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s",
                      c->cookie, bl, body);
    double t0 = now_s();
    int status = write(fd, req, (size_t)rl) == rl ? read_response(fd) : -1;
    double dt = now_s() - t0;
    if (status < 0) {   /* reconnect and go on */
      close(fd);
      fd = dial(c->port);
      c->errors++;
      continue;
    }
    if (c->n == c->cap) {
      c->cap = c->cap ? 2 * c->cap : 1024;
      c->lat = realloc(c->lat, c->cap * sizeof *c->lat);
      c->acks = realloc(c->acks, c->cap * sizeof *c->acks);
    }
    if (status == 303) {
      c->lat[c->n++] = dt;
      c->acks[c->n_acks++] = strdup(reason);
    } else {
      c->errors++;
    }
  }
  if (fd >= 0) close(fd);
  return NULL;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int http(int argc, char **argv) {
  if (argc != 8 && argc != 9) return 2;
  int port = atoi(argv[2]), n = atoi(argv[4]);
  int first = argc == 9 ? atoi(argv[8]) : 0;   /* clients first+1..first+n: several loads, distinct patients */
  double secs = atof(argv[3]);
  client *cs = calloc((size_t)n, sizeof *cs);
  pthread_t *th = calloc((size_t)n, sizeof *th);
  double t0 = now_s();
  for (int i = 0; i < n; i++) {
    cs[i] = (client){.id = first + i + 1, .port = port, .until = t0 + secs, .cookie = argv[5], .csrf = argv[6]};
    pthread_create(&th[i], NULL, run_client, &cs[i]);
  }
  size_t total = 0;
  long errors = 0;
  for (int i = 0; i < n; i++) {
    pthread_join(th[i], NULL);
    total += cs[i].n;
    errors += cs[i].errors;
  }
  double wall = now_s() - t0;
  double *all = malloc((total + 1) * sizeof *all);
  FILE *acks = fopen(argv[7], "w");
  size_t k = 0;
  for (int i = 0; i < n; i++) {
    for (size_t j = 0; j < cs[i].n; j++) {
      all[k++] = cs[i].lat[j];
      fprintf(acks, "%s\n", cs[i].acks[j]);
      free(cs[i].acks[j]);
    }
    free(cs[i].lat);
    free(cs[i].acks);
  }
  fclose(acks);
  qsort(all, total, sizeof *all, cmp);
  printf("clients %d seconds %.2f saves %zu errors %ld saves_per_s %.1f p50_ms %.2f p99_ms %.2f max_ms %.2f\n", n,
         wall, total, errors, (double)total / wall, total ? 1e3 * all[total / 2] : 0,
         total ? 1e3 * all[(size_t)(0.99 * (double)(total - 1))] : 0, total ? 1e3 * all[total - 1] : 0);
  free(all);
  free(cs);
  free(th);
  return total > 0 ? 0 : 1;
}

static int raw(int argc, char **argv) {
  sqlite3 *db = NULL;
  sqlite3_stmt *up = NULL, *au = NULL;
  if (argc != 4 || sqlite3_open(argv[2], &db) != SQLITE_OK) return 2;
  double secs = atof(argv[3]);
  sqlite3_exec(db, "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; PRAGMA journal_mode=WAL;", NULL, NULL, NULL);
  if (sqlite3_prepare_v2(db, "UPDATE item_value SET value_text=?1 WHERE rowid=(SELECT min(rowid) FROM item_value)",
                         -1, &up, NULL) ||
      sqlite3_prepare_v2(db, "INSERT INTO audit(at, user, action, record, field, old_value, new_value, reason, hash) "
                             "VALUES (datetime('now'), 'bench', 'update', 'raw', 'pain', 'a', ?1, 'raw', "
                             "hex(randomblob(32)))", -1, &au, NULL)) {
    fprintf(stderr, "raw: %s\n", sqlite3_errmsg(db));
    return 1;
  }
  long n = 0;
  double t0 = now_s();
  while (now_s() - t0 < secs) {
    const char *v = n % 2 ? "mild" : "slight";
    sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    sqlite3_bind_text(up, 1, v, -1, SQLITE_STATIC);
    sqlite3_bind_text(au, 1, v, -1, SQLITE_STATIC);
    if (sqlite3_step(up) != SQLITE_DONE || sqlite3_step(au) != SQLITE_DONE) {
      fprintf(stderr, "raw: %s\n", sqlite3_errmsg(db));
      return 1;
    }
    sqlite3_reset(up);
    sqlite3_reset(au);
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) return 1;
    n++;
  }
  double wall = now_s() - t0;
  printf("commits %ld seconds %.2f commits_per_s %.1f\n", n, wall, (double)n / wall);
  sqlite3_finalize(up);
  sqlite3_finalize(au);
  sqlite3_close(db);
  return 0;
}

int main(int argc, char **argv) {
  int rc = argc > 1 && strcmp(argv[1], "http") == 0 ? http(argc, argv)
           : argc > 1 && strcmp(argv[1], "raw") == 0 ? raw(argc, argv) : 2;
  if (rc == 2) fprintf(stderr, "usage: avn-bench-serve http PORT SECONDS CLIENTS COOKIE CSRF ACKS | raw DB SECONDS\n");
  return rc;
}
