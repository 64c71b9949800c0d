/*
** cli.c: shared command-line helpers (see cli.h).
*/
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cli_error(const char *cmd, const avn_err *e) {
  char msg[1024];
  avn_err_format(e, msg, sizeof msg);
  fprintf(stderr, "avn %s: error: %s\n", cmd, msg);
  return avn_exit_status(e->rc);
}

int cli_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "avn %s: usage error: ", cmd);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n(see 'avn %s --help')\n", cmd);
  return 2;
}

int cli_opt(int argc, char **argv, int *i, const char *name, const char **value) {
  const char *a = argv[*i];
  size_t n = strlen(name);
  if (strncmp(a, name, n) != 0) return 0;
  if (a[n] == '=') {
    *value = a + n + 1;
    (*i)++;
    return 1;
  }
  if (a[n] != '\0') return 0;
  if (*i + 1 >= argc) return -1;
  *value = argv[*i + 1];
  *i += 2;
  return 1;
}

int cli_flag(char **argv, int *i, const char *name) {
  if (strcmp(argv[*i], name) != 0) return 0;
  (*i)++;
  return 1;
}

int cli_print_json(json_t *obj) {
  if (!obj) return 1;
  char *s = json_dumps(obj, JSON_INDENT(2) | JSON_REAL_PRECISION(17) | JSON_PRESERVE_ORDER);
  json_decref(obj);
  if (!s) return 1;
  puts(s);
  free(s);
  return 0;
}
