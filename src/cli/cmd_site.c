/*
** cmd_site.c: `avn site add|list STUDY.db ...`.
*/
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

const char cmd_site_usage[] =
    "usage: avn site add STUDY.db CODE --name TEXT [--user NAME]\n"
    "       avn site list STUDY.db\n\n"
    "The sites (centres) of a multicentre study. Every study starts with site 'main'.\n"
    "A site code follows the identifier pattern (letters, digits, '-', '_', '.'; up to\n"
    "32). In a study with named users only an administrator adds a site (logged in\n"
    "with avn login); --user names the writer only in a study without users. Audited.\n";

int cmd_site(int argc, char **argv) {
  const char *pos[3] = {NULL, NULL, NULL}, *name = NULL, *user = store_user_default();
  avn_err e;
  avn_err_clear(&e);
  const cli_option opts[] = {
      {"--name", CLI_TEXT, &name, "the site's name", NULL, NULL},
      {"--user", CLI_VALUE, &user, NULL, NULL, NULL},
      {NULL, 0, NULL, NULL, NULL, NULL}};
  int r = cli_parse("site", argc, argv, opts, pos, 3, 2, "add or list, then STUDY.db", NULL, NULL);
  if (r) return r;
  bool add = !strcmp(pos[0], "add"), list = !strcmp(pos[0], "list");
  if (!add && !list) return cli_usage_error("site", "'%s': say add or list", pos[0]);
  if (add && (!pos[2] || !name)) return cli_usage_error("site", "give STUDY.db CODE --name TEXT");
  if (list && (pos[2] || name)) return cli_usage_error("site", "avn site list takes STUDY.db only");
  store *s = NULL;
  avn_rc rc;
  if (add) {
    rc = cli_open_write(pos[1], &s, &e);
    if (!rc) rc = store_site_add(s, pos[2], name, user, &e);
    if (!rc) printf("added site %s (%s)\n", pos[2], name);
  } else {
    store_site_row *v = NULL;
    size_t n = 0;
    rc = store_open_read(pos[1], &s, &e);
    if (!rc) rc = store_sites(s, &v, &n, &e);
    for (size_t i = 0; !rc && i < n; i++) printf("%-12s %s\n", v[i].code, v[i].name);
    store_sites_free(v, n);
  }
  store_close(s);
  return rc ? cli_error("site", &e) : 0;
}
