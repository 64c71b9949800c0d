/*
** pg_copy.h: one row of PostgreSQL's COPY text format, split and unescaped
** in place (pg_copy.c). db_pg.c reads the bulk readers' rows by
** COPY (SELECT ...) TO STDOUT and hands each line here; no libpq in it,
** so the format's rules are tested on their own.
*/
#ifndef AVN_STORE_PG_COPY_H
#define AVN_STORE_PG_COPY_H

#include <stddef.h>

/* Splits line[0 .. len) (one row; a final '\n' is dropped) at its tabs and
** undoes the format's escapes in place: \N alone is SQL NULL (cols[i] =
** NULL), \b \f \n \r \t \v the control characters, \ and 1-3 octal digits
** or x and 1-2 hex digits a byte, a backslash before any other character
** that character. cols[i] points into line, NUL-terminated, valid while
** line is. line[len] must be writable (a row from libpq ends in '\n' and
** a NUL). Returns the number of columns, or -1 when there are more than
** max (cols then holds the first max). */
int pg_copy_split(char *line, size_t len, char **cols, int max);

#endif
