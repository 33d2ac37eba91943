/* The probe command for a cell: the C or Go host built (cached) against the
 * fixture, the Python interpreter, or the fixture program itself. */
#ifndef GOCOMPAT_HOSTBUILD_H
#define GOCOMPAT_HOSTBUILD_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "cellctx.h"

/* The probe command for a cell, building the host if needed. On failure
 * returns NULL, *why says what failed and *is_harness tells whether the
 * harness (not the toolchain) is to blame; *skip, that the cell cannot apply
 * here (e.g. Python ctypes on a foreign arch). */
char **host_prepare(const run_ctx *ctx, const cell *x, const fixture_build *fb, json_t *evidence, char **why,
                    bool *is_harness, bool *skip);

#endif
