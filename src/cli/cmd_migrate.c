/*
** cmd_migrate.c: `avn migrate`, `avn dump` and `avn backup`: a whole study
** copied into a new database (store_copy): a file to a PostgreSQL server,
** a server's study to a file, or either to a new file as a backup
** (store_backup: SQLite's online backup API for a file).
*/
#include <stdio.h>

#include "cli/cli.h"
#include "store/store.h"

#define COPY_TEXT                                                                                 \
  "The copy is lossless: every table, row and id, the audit trail and its signed\n"              \
  "checkpoint as they are, so 'avn audit --verify' passes on both sides. The source\n"          \
  "is read in one snapshot (others may keep writing); the target is written in one\n"         \
  "transaction: on failure nothing is left behind. A PostgreSQL target must be an\n"          \
  "empty database with the C collation:\n"                                                     \
  "  CREATE DATABASE study TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C';\n"                  \
  "A file target must not exist.\n"                                                           \
  "Exit status: 0 copied, 1 refused, 2 usage, 3 busy.\n"

const char cmd_migrate_usage[] =
    "usage: avn migrate STUDY.db postgresql://USER@HOST[:PORT]/DATABASE\n\n"
    "Moves a study from its file to a PostgreSQL server, where several sites and\n"
    "several 'avn serve' processes work on it at once.\n" COPY_TEXT;

const char cmd_dump_usage[] =
    "usage: avn dump postgresql://USER@HOST[:PORT]/DATABASE STUDY.db [--site SITE]\n\n"
    "Brings a study on a PostgreSQL server back to a file (to hand it in, archive it\n"
    "or work offline).\n"
    "  --site SITE  only that site's part: its screenings, patients and all about\n"
    "               them, its users, and their audit records. The audit chain spans\n"
    "               every site: 'avn audit --verify' on the part checks each record's\n"
    "               hash and links, the signed checkpoint of the whole chain and the\n"
    "               replay of the part, and says it is a site's part. A part is for\n"
    "               handing in and reading, not for writing.\n" COPY_TEXT;

const char cmd_backup_usage[] =
    "usage: avn backup STUDY FILE.db\n\n"
    "A consistent copy of a study (a file or a postgresql:// URI) in a new file,\n"
    "taken while others keep working. A file is copied page by page by SQLite's\n"
    "online backup API (the same bytes as of one moment, writers not held up); a\n"
    "server's study is copied from one snapshot as 'avn dump' does.\n"
    "FILE.db must not exist; a failed backup leaves no file.\n"
    "Exit status: 0 copied, 1 refused, 2 usage, 3 busy.\n";

static int copy_run(const char *cmd, int argc, char **argv, const char *give) {
  const char *pos[2] = {NULL, NULL};
  avn_err e;
  avn_err_clear(&e);
  int rcode = cli_parse(cmd, argc, argv, NULL, pos, 2, 2, give, NULL, NULL);
  if (rcode) return rcode;
  store_copy_result res;
  avn_rc rc = store_copy(pos[0], pos[1], &res, &e);
  if (rc) return cli_error(cmd, &e);
  printf("copied %s to %s: %lld tables, %lld rows, %lld audit rows\n", pos[0], pos[1], (long long)res.tables,
         (long long)res.rows, (long long)res.audit_rows);
  return 0;
}

int cmd_migrate(int argc, char **argv) { return copy_run("migrate", argc, argv, "STUDY.db and a postgresql:// URI"); }
int cmd_dump(int argc, char **argv) {
  const char *pos[2] = {NULL, NULL}, *site = NULL;
  const cli_option opts[] = {{"--site", CLI_TEXT, &site, "a site code", NULL, NULL}, {NULL, 0, NULL, NULL, NULL, NULL}};
  avn_err e;
  avn_err_clear(&e);
  int rcode = cli_parse("dump", argc, argv, opts, pos, 2, 2, "a postgresql:// URI and STUDY.db", NULL, NULL);
  if (rcode) return rcode;
  if (!site) return copy_run("dump", argc, argv, "a postgresql:// URI and STUDY.db");
  store_copy_result res;
  avn_rc rc = store_dump_site(pos[0], pos[1], site, &res, &e);
  if (rc) return cli_error("dump", &e);
  printf("copied site %s of %s to %s: %lld audit rows (the site's records of the whole chain)\n", site, pos[0],
         pos[1], (long long)res.audit_rows);
  return 0;
}
int cmd_backup(int argc, char **argv) {
  const char *pos[2] = {NULL, NULL};
  avn_err e;
  avn_err_clear(&e);
  int rcode = cli_parse("backup", argc, argv, NULL, pos, 2, 2, "STUDY and FILE.db", NULL, NULL);
  if (rcode) return rcode;
  store_backup_result res;
  avn_rc rc = store_backup(pos[0], pos[1], &res, &e);
  if (rc) return cli_error("backup", &e);
  if (res.online)
    printf("backed up %s to %s: SQLite's online backup, %lld pages, %lld audit rows\n", pos[0], pos[1],
           (long long)res.pages, (long long)res.audit_rows);
  else
    printf("backed up %s to %s: one snapshot, %lld audit rows\n", pos[0], pos[1], (long long)res.audit_rows);
  return 0;
}
