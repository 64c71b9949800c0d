/*
** cmd_restore.c: `avn restore STUDY.db PATIENT VISIT FORM --reason TEXT`
** (the run is avn void's, cmd_void.c).
*/
#include "cli/cli.h"

const char cmd_restore_usage[] =
    "usage: avn restore STUDY.db PATIENT VISIT FORM --reason TEXT [--hip left|right]\n"
    "                   [--entry 1|2] [--user NAME]\n\n"
    "Restores a form voided with 'avn void': it counts again in show, analysis,\n"
    "check and the report, with the values it had. Audited (action restore).\n";

int cmd_restore(int argc, char **argv) { return cli_void_run("restore", argc, argv, true); }
