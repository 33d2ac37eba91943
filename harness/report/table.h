/* The compact terminal view of a set of records: rows = case × host ×
 * build mode, columns = toolchains, and a count line per status. */
#ifndef GOCOMPAT_TABLE_H
#define GOCOMPAT_TABLE_H

#include <jansson.h>
#include <stdbool.h>

#include "status.h"

/* Short cell text for a status: "ok", "FAIL", "xf", "XP", "skip", "ERR". */
const char *status_cell(rec_status s);
/* Render; caller frees. `color` adds ANSI colours to bad cells. */
char *table_render(json_t *records, bool color);

#endif
