/* One cell of the matrix: (toolchain, case, host, build mode) -> one record.
 * Builds the fixture (cached), builds the host (cached), runs the probe in
 * the sandbox and judges it. */
#ifndef GOCOMPAT_CELL_H
#define GOCOMPAT_CELL_H

#include <jansson.h>

#include "casefile.h"
#include "fixture.h"

typedef struct {
    build_ctx b;
    const char *cc;       /* C compiler for hosts */
    const char *python;   /* Python 3 for python-ctypes */
    unsigned long long seed;
    const char *self;     /* path of this gocompat binary, for probes that call it */
    const struct expect_set *expect; /* results/expectations, applied like xfail: lines; may be NULL */
    double emu_timeout_mult; /* extra timeout factor for emulated (foreign-arch) probes */
} run_ctx;

typedef struct {
    const toolchain *tc;
    const case_desc *c;
    const host_run *run;
} cell;

/* A record skeleton with the identity fields of the cell set. */
json_t *record_new(const cell *x);
/* Fill status/outcome/detail and the rest; never NULL. Returns NULL only if
 * the harness was interrupted (the cell is then left for --resume). */
json_t *cell_execute(const run_ctx *ctx, const cell *x);

/* The probe command for a cell, building the host if needed. On failure
 * returns NULL, *why says what failed and *is_harness tells whether the
 * harness (not the toolchain) is to blame; *skip, that the cell cannot apply
 * here (e.g. Python ctypes on a foreign arch). */
char **host_prepare(const run_ctx *ctx, const cell *x, const fixture_build *fb, json_t *evidence, char **why,
                    bool *is_harness, bool *skip);

#endif
