/*
** test_db.h: where a store unit test keeps its study, on either backend,
** and reading it behind the store's back.
**
** Without AVN_TEST_DB_URI the study is a file in $TMPDIR (or /tmp). With
** AVN_TEST_DB_URI=postgresql://USER@HOST:PORT (a server the test may make
** databases on; tests/CMakeLists.txt passes the run's private cluster), each
** study is a fresh database with the C collation, dropped by test_db_drop.
** test_db_rows reads with sqlite3 or libpq directly, so the SQL must be
** both engines' (no group_concat; an ORDER BY where the order matters).
** Header-only: each test is one executable.
*/
#ifndef AVN_TEST_DB_H
#define AVN_TEST_DB_H

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "protocol/protocol.h"
#include "store/store.h"

static inline const char *test_db_server(void) {
  const char *u = getenv("AVN_TEST_DB_URI");
  return u && *u ? u : NULL;
}

/* Runs one statement on the server's maintenance database. */
static inline void test_db_admin(const char *sql) {
  char uri[512];
  snprintf(uri, sizeof uri, "%s/postgres", test_db_server());
  PGconn *c = PQconnectdb(uri);
  assert_int_equal(PQstatus(c), CONNECTION_OK);
  PGresult *r = PQexec(c, sql);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) fprintf(stderr, "test_db: %s: %s", sql, PQerrorMessage(c));
  assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
  PQclear(r);
  PQfinish(c);
}

/* A new, empty study target named for the test and this process. */
static inline void test_db_make(char *out, size_t n, const char *name) {
  if (!test_db_server()) {
    snprintf(out, n, "%s/avn-%s-%d.db", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", name, (int)getpid());
    unlink(out);
    return;
  }
  char db[96], sql[256];
  snprintf(db, sizeof db, "u_%s_%d", name, (int)getpid());
  snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", db);
  test_db_admin(sql);
  snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'", db);
  test_db_admin(sql);
  snprintf(out, n, "%s/%s", test_db_server(), db);
}

/* A new study of protocol proto in a new target (test_db_make), open; the
** caller includes cmocka before this header and closes the store. */
static inline store *test_db_study(char *out, size_t n, const char *name, const char *proto) {
  avn_err e;
  protocol *p = NULL;
  store *s = NULL;
  test_db_make(out, n, name);
  assert_int_equal(protocol_load(proto, &p, &e), AVN_OK);
  assert_int_equal(store_create(out, p, "test", &s, &e), AVN_OK);
  protocol_free(p);
  return s;
}

static inline void test_db_drop(const char *target) {
  if (!test_db_server()) {
    unlink(target);
    return;
  }
  char sql[256];
  snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", strrchr(target, '/') + 1);
  test_db_admin(sql);
}

/* Every row's first column ("(null)" for NULL), joined by ',', into out. */
static inline void test_db_rows(const char *target, const char *sql, char *out, size_t n) {
  size_t len = 0;
  out[0] = '\0';
  if (test_db_server()) {
    PGconn *c = PQconnectdb(target);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) fprintf(stderr, "test_db: %s: %s", sql, PQerrorMessage(c));
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    for (int i = 0; i < PQntuples(r) && len < n; i++)
      len += snprintf(out + len, n - len, "%s%s", i ? "," : "", PQgetisnull(r, i, 0) ? "(null)" : PQgetvalue(r, i, 0));
    PQclear(r);
    PQfinish(c);
    return;
  }
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_open(target, &db), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  for (int i = 0; sqlite3_step(st) == SQLITE_ROW && len < n; i++) {
    const unsigned char *t = sqlite3_column_text(st, 0);
    len += snprintf(out + len, n - len, "%s%s", i ? "," : "", t ? (const char *)t : "(null)");
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
}

/* A count (the first row's first column as a number). */
static inline long test_db_count(const char *target, const char *sql) {
  char got[64];
  test_db_rows(target, sql, got, sizeof got);
  return strtol(got, NULL, 10);
}

#endif
