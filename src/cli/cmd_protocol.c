/*
** cmd_protocol.c: `avn protocol list|show NAME|FILE`.
*/
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/embedded.h"

const char cmd_protocol_usage[] =
    "usage: avn protocol list\n"
    "       avn protocol show NAME|FILE [--json]\n\n"
    "list: the protocols shipped inside avn (use their NAME with avn init).\n"
    "show: the protocol's eligibility criteria, visits, forms, procedures,\n"
    "      MRI schedule and limits, after validation.\n";

int cmd_protocol(int argc, char **argv) {
  if (argc < 2) return cli_usage_error("protocol", "expected 'list' or 'show'");
  if (!strcmp(argv[1], "list")) {
    for (const avn_embedded *e = avn_embedded_files; e->name; e++) {
      if (strncmp(e->name, "protocols/", 10) != 0) continue;
      const char *base = e->name + 10;
      const char *dot = strrchr(base, '.');
      printf("%.*s\n", (int)(dot ? dot - base : (long)strlen(base)), base);
    }
    return 0;
  }
  return cli_usage_error("protocol", "unknown subcommand '%s'", argv[1]);
}
