/* One cell of the matrix: (toolchain, case, host, build mode) -> one record.
 * Builds the fixture (cached), builds the host (cached), runs the probe in
 * the sandbox and judges it. */
#ifndef GOCOMPAT_CELL_H
#define GOCOMPAT_CELL_H

#include <jansson.h>

#include "cellctx.h"

/* A record skeleton with the identity fields of the cell set. */
json_t *record_new(const cell *x);
/* Fill status/outcome/detail and the rest; never NULL. Returns NULL only if
 * the harness was interrupted (the cell is then left for --resume). */
json_t *cell_execute(const run_ctx *ctx, const cell *x);

#endif
