/*
** main.c: the `avn` command. Looks the verb up in the command table
** (commands.def), answers --help from the row's usage text, and hands the
** rest to the handler. Exit status: 0 success, 1 input refused, 2 usage, 3 busy.
*/
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"

static const cli_command commands[] = {
#define AVN_CMD(name, summary, fn) {name, summary, fn##_usage, fn},
#include "cli/commands.def"
#undef AVN_CMD
};
static const size_t n_commands = sizeof commands / sizeof commands[0];

static void print_help(FILE *f) {
  fprintf(f,
          "avn %s: clinical studies of osteonecrosis of the femoral head\n\n"
          "usage: avn COMMAND [ARGS] (avn COMMAND --help for each)\n\n"
          "commands:\n",
          AVN_VERSION);
  for (size_t i = 0; i < n_commands; i++)
    fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(f, "\nIn a study with named users (avn init --admin, avn user add), log in first\n"
             "(avn login): every write acts as that user, under their role and sites, and\n"
             "--user is ignored. A study without users is single-user: --user (else\n"
             "$AVN_USER, else $USER) names the writer.\n");
  fprintf(f, "\nexit status: 0 success, 1 input refused, 2 usage error, 3 busy (another program\n"
             "is writing to the study: nothing was written, run the command again)\n");
}

int main(int argc, char **argv) {
  /* GSL's default handler aborts the process on a domain error; avn's
  ** statistics check GSL's return values and NaNs and report them, so a
  ** degenerate subgroup can never kill a report or a data-entry session. */
  gsl_set_error_handler_off();
  if (argc < 2) {
    print_help(stderr);
    return 2;
  }
  const char *verb = argv[1];
  if (!strcmp(verb, "help") || !strcmp(verb, "--help") || !strcmp(verb, "-h")) {
    print_help(stdout);
    return 0;
  }
  if (!strcmp(verb, "--version") || !strcmp(verb, "version")) {
    printf("avn %s\n", AVN_VERSION);
    return 0;
  }
  for (size_t i = 0; i < n_commands; i++) {
    if (strcmp(commands[i].name, verb) != 0) continue;
    for (int a = 2; a < argc; a++) {
      if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) {
        fputs(commands[i].usage, stdout);
        return 0;
      }
    }
    return commands[i].run(argc - 1, argv + 1);
  }
  fprintf(stderr, "avn: unknown command '%s' (see 'avn help')\n", verb);
  return 2;
}
