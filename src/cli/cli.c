/*
** cli.c: shared command-line helpers (see cli.h).
*/
#include "cli/cli.h"
#include "protocol/eligibility.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cli_error(const char *cmd, const avn_err *e) {
  char msg[1024];
  avn_err_format(e, msg, sizeof msg);
  fprintf(stderr, "avn %s: error: %s\n", cmd, msg);
  return avn_exit_status(e->rc);
}

const char *const cli_hip_choices[] = {"left", "right", NULL};
const char *const cli_entry_choices[] = {"1", "2", NULL};

int cli_side(int hip_choice) { return hip_choice < 0 ? SIDE_PATIENT : hip_choice == 0 ? SIDE_LEFT : SIDE_RIGHT; }

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

/* The value's refusal for the option, as a usage error. */
static int bad_value(const char *cmd, const cli_option *o) {
  char words[256] = "";
  switch (o->kind) {
  case CLI_DATE:
    return cli_usage_error(cmd, "%s needs a date YYYY-MM-DD (or today)", o->name);
  case CLI_CHOICE:
    for (size_t k = 0; o->choices[k]; k++) {
      size_t n = strlen(words);
      snprintf(words + n, sizeof words - n, "%s%s", k == 0 ? "" : o->choices[k + 1] ? ", " : " or ",
               o->choices[k]);
    }
    return cli_usage_error(cmd, "%s takes %s", o->name, words);
  default:
    return cli_usage_error(cmd, "%s needs %s", o->name, o->what ? o->what : "a value");
  }
}

/* Reads one option at argv[*i] (it matched o's name): 0 or a usage error. */
static int read_option(const char *cmd, int argc, char **argv, int *i, const cli_option *o) {
  const char *v = NULL;
  if (o->kind == CLI_FLAG) {
    (*i)++;
    *(bool *)o->out = true;
  } else {
    if (cli_opt(argc, argv, i, o->name, &v) < 0) return bad_value(cmd, o);
    switch (o->kind) {
    case CLI_DATE: {
      avn_err e;
      char msg[800];
      /* "today" is typed, so it is a choice the user made, never a default. */
      if (!strcmp(v, "today")) *(avn_date *)o->out = avn_date_today();
      else if (avn_date_check(o->name, v, (avn_date *)o->out, &e) != AVN_OK)
        return cli_usage_error(cmd, "%s", avn_err_format(&e, msg, sizeof msg));
      break;
    }
    case CLI_CHOICE: {
      int k = 0;
      while (o->choices[k] && strcmp(o->choices[k], v) != 0) k++;
      if (!o->choices[k]) return bad_value(cmd, o);
      *(int *)o->out = k;
      break;
    }
    case CLI_TEXT:
      if (!*v) return bad_value(cmd, o);
      *(const char **)o->out = v;
      break;
    default:
      *(const char **)o->out = v;
      break;
    }
  }
  if (o->given) *o->given = true;
  return 0;
}

/* The option argv[*i] names ("--x" or "--x=value"), or NULL. */
static const cli_option *find_option(const cli_option *opts, const char *a) {
  for (const cli_option *o = opts; o && o->name; o++) {
    size_t n = strlen(o->name);
    if (!strncmp(a, o->name, n) && (a[n] == '\0' || (a[n] == '=' && o->kind != CLI_FLAG))) return o;
  }
  return NULL;
}

/* The --user NAME this run was given, or NULL (one command per process):
** a study with named users refuses it (cli_session.c). */
static const char *user_option;
const char *cli_user_option(void) { return user_option; }

int cli_parse(const char *cmd, int argc, char **argv, const cli_option *opts, const char **pos, size_t npos,
              size_t nreq, const char *give, char **rest, size_t *nrest) {
  size_t got = 0;
  if (nrest) *nrest = 0;
  for (int i = 1; i < argc;) {
    const char *a = argv[i];
    if (a[0] == '-' && a[1] != '\0') {
      const cli_option *o = find_option(opts, a);
      if (!o) return cli_usage_error(cmd, "unknown option '%s'", a);
      int r = read_option(cmd, argc, argv, &i, o);
      if (r) return r;
      if (!strcmp(o->name, "--user") && (o->kind == CLI_VALUE || o->kind == CLI_TEXT))
        user_option = *(const char **)o->out;
    } else if (got < npos) {
      pos[got++] = argv[i++];
    } else if (rest) {
      rest[(*nrest)++] = argv[i++];
    } else {
      return cli_usage_error(cmd, "unexpected argument '%s'", a);
    }
  }
  if (got < nreq) return cli_usage_error(cmd, "give %s", give);
  return 0;
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

int cli_need_date(const char *cmd, bool given) {
  if (given) return 0;
  return cli_usage_error(cmd, "--date is required: give YYYY-MM-DD or --date today");
}
