/*
** sap_int.h: reading and freeing the statistical analysis plan (sap.h).
** Internal to the protocol module: protocol.c calls sap_parse on the
** `analysis:` node of a protocol file (or NULL when the file has none) and
** sap_free in protocol_free. Everything else reads the plan through
** protocol.analysis and sap.h.
*/
#ifndef AVN_SAP_INT_H
#define AVN_SAP_INT_H

#include "core/rc.h"
#include "core/ytree.h"
#include "protocol/protocol.h"

/* Reads node (the value of `analysis:`) against the protocol p, whose
** visits must already be loaded. node == NULL builds the default plan
** (sap.defaulted = true). file names the protocol in "file:line" refusals
** (AVN_E_PARSE, e->field = "file:line", e->rule says what is wrong). *out
** is the caller's, freed with sap_free. */
avn_rc sap_parse(const ytree *node, const protocol *p, const char *file,
                 sap **out /* OUT */, avn_err *e);
void sap_free(sap *s);

#endif
