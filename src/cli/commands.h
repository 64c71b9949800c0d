/*
** commands.h: the handler and --help text of every row in commands.def.
** A row AVN_CMD(name, summary, fn) needs `int fn(int, char **)` and
** `const char fn_usage[]`, both in cmd_<name>.c.
*/
#ifndef AVN_COMMANDS_H
#define AVN_COMMANDS_H

#define AVN_CMD(name, summary, fn) \
  int fn(int argc, char **argv);   \
  extern const char fn##_usage[];
#include "cli/commands.def"
#undef AVN_CMD

#endif
