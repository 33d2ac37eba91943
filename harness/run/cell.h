/* One cell of the matrix: (toolchain, case, host, build mode) -> one record.
 * Builds the fixture (cached), builds the host (cached), runs the probe in
 * the sandbox and judges it. */
#ifndef GOCOMPAT_CELL_H
#define GOCOMPAT_CELL_H

#include <jansson.h>

#include "cellctx.h"

/* A record skeleton with the identity fields of the cell set. */
json_t *record_new(const cell *x);
/* Fill status/outcome/detail and the rest. Returns NULL when the cell has
 * no result, which is left for --resume: the harness was interrupted, or
 * (*env_fault then holds one line) the environment failed the build -- a
 * missing compiler, a full disk, a read-only cache -- which says nothing
 * about Go. */
json_t *cell_execute(const run_ctx *ctx, const cell *x, char **env_fault);

#endif
