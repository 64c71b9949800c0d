/*
** schema.h: the versioned schema. Migration i (1-based) takes a database
** from version i-1 to i; store.c runs the missing ones in one transaction
** and records the version in the header (SQLite user_version).
*/
#ifndef AVN_SCHEMA_H
#define AVN_SCHEMA_H

#include <stddef.h>

extern const char *const schema_migrations[];
extern const size_t schema_n_migrations;

#endif
