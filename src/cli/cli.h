/*
** cli.h: what every `avn` command shares: the command table entry, option
** parsing, error printing and JSON output.
**
** A command is one row in commands.def (name, summary, handler); main()
** looks the name up, handles --help centrally via the row's usage text, and
** calls the handler with argv[0] = the command name. A handler returns the
** process exit status: 0 success, 1 input refused, 2 usage error
** (avn_exit_status() maps an avn_rc to it). Only this layer prints or exits.
*/
#ifndef AVN_CLI_H
#define AVN_CLI_H

#include <stdbool.h>
#include <time.h>
#include <jansson.h>
#include "core/date.h"
#include "core/rc.h"

typedef int (*cli_handler)(int argc, char **argv);

typedef struct cli_command {
  const char *name;
  const char *summary;   /* one line for `avn help` */
  const char *usage;     /* full --help text */
  cli_handler run;
} cli_command;

/* Prints "avn CMD: error: <field: value refused: rule>" to stderr and
** returns the exit status for e->rc. */
int cli_error(const char *cmd, const avn_err *e);
/* The choices of --hip and --entry (CLI_CHOICE tables), and the side a
** --hip choice means: -1 (not given) the patient, 0 left, 1 right. */
extern const char *const cli_hip_choices[];
extern const char *const cli_entry_choices[];
int cli_side(int hip_choice);
/* The options that name one form of a patient, for the commands acting on
** a form (void, restore, lock, verify, enter): --hip and --entry (choices
** above), --instance N of a log and --reader NAME of a read, which both
** fill inst (the form's instance, store_form_ref.instance). */
#define CLI_FORM_OPTIONS(hip, entry, inst)                         \
  {"--hip", CLI_CHOICE, (hip), NULL, cli_hip_choices, NULL},       \
  {"--entry", CLI_CHOICE, (entry), NULL, cli_entry_choices, NULL}, \
  {"--instance", CLI_VALUE, (inst), NULL, NULL, NULL},             \
  {"--reader", CLI_VALUE, (inst), NULL, NULL, NULL}

/* Prints a usage error and a pointer to --help; returns 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Option parsing. If argv[*i] is "--name VALUE" or "--name=VALUE", sets
** *value (borrowed from argv), advances *i past it and returns 1; returns 0
** when argv[*i] is another argument and -1 when the value is missing. */
int cli_opt(int argc, char **argv, int *i, const char *name, const char **value);
/* 1 if argv[*i] is exactly the flag (advancing *i), else 0. */
int cli_flag(char **argv, int *i, const char *name);

/* A command's options as a table (the last row has name == NULL), read by
** cli_parse, so every command refuses the same way: "--date needs
** YYYY-MM-DD", "--hip takes left or right", "unknown option '--x'". */
typedef enum {
  CLI_VALUE,   /* const char **out: any value, borrowed from argv */
  CLI_TEXT,    /* const char **out: a non-empty value */
  CLI_DATE,    /* avn_date *out: YYYY-MM-DD or "today" */
  CLI_FLAG,    /* bool *out: present or not, no value */
  CLI_CHOICE   /* int *out: index of the value in choices (NULL-ended) */
} cli_kind;

typedef struct cli_option {
  const char *name;              /* "--date" */
  cli_kind kind;
  void *out;
  const char *what;              /* VALUE/TEXT: "needs <what>" (default "a value") */
  const char *const *choices;    /* CHOICE: the words, NULL-ended */
  bool *given;                   /* optional: set true when the option appears */
} cli_option;

/* Reads argv[1..argc-1]: options by the table, the first npos other
** arguments into pos[0..npos-1] (left as they were when absent), the rest
** into rest[*nrest++] when rest is given (room for argc), else refused.
** Fewer than nreq positionals: "give <give>". Returns 0, or 2 after printing
** the usage error (cli_usage_error). */
int cli_parse(const char *cmd, int argc, char **argv, const cli_option *opts, const char **pos, size_t npos,
              size_t nreq, const char *give, char **rest, size_t *nrest);

/* Every dated write states its date: 0 when --date was given, else a usage
** error (2) saying so. --date accepts YYYY-MM-DD or the word today. */
int cli_need_date(const char *cmd, bool given);

/* avn void / avn restore (cmd_void.c): one run, restore says which. */
int cli_void_run(const char *cmd, int argc, char **argv, bool restore);

/* --- named users (cli_session.c) --- */
typedef struct store store;
/* Opens the study to write and, when it has named users, resumes the
** session saved by avn login (refused without one). */
avn_rc cli_open_write(const char *db, store **s, avn_err *e);
/* Opens the study to read only and, when it has named users, resumes the
** saved session (refused without one): the store then shows the session
** user's sites only, and refuses what the role may not see (store_permit). */
avn_rc cli_open_read(const char *db, store **s, avn_err *e);
/* Resumes the saved session of db on an open store (no-op without users).
** --user NAME given to a command on a study with named users is refused:
** the command acts as the user logged in, never as the name given. */
avn_rc cli_session_resume(store *s, const char *db, avn_err *e);
/* The value of --user if this run's command line gave one, else NULL. */
const char *cli_user_option(void);
/* Where db's session token is kept (the folder is made, mode 0700). */
avn_rc cli_session_path(const char *db, char *out, size_t n, avn_err *e);
/* Writes the token to path, mode 0600. */
avn_rc cli_session_save(const char *path, const char *token, avn_err *e);
/* Reads one line as a password: from standard input (from_stdin), else
** from the terminal with echo off, after prompt. Never from argv. */
avn_rc cli_password(bool from_stdin, const char *prompt, char *buf, size_t n, avn_err *e);

/* --- progress bar (cli_progress.c) --- */
/* "\rexport [####      ]  25% 250/1000" on stderr, redrawn at most ten times
** a second, a newline when done reaches total. Zero-initialise, set what. */
typedef struct cli_progress {
  const char *what;          /* "import", "export" */
  struct timespec last;
  bool drawn, open;          /* open: drawn and not yet ended by a newline */
} cli_progress;
/* An import_progress_fn / export_progress_fn: ctx is a cli_progress. */
void cli_progress_draw(void *ctx, size_t done, size_t total);
/* Ends a bar cut short (an error follows on its own line). */
void cli_progress_end(cli_progress *p);

/* Dumps obj to stdout as indented JSON, doubles with 17 significant digits,
** followed by a newline. Steals the reference to obj. Returns 0 or 1. */
int cli_print_json(json_t *obj);

#endif
