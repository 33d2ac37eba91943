/* What a cell is and what it runs in: the types the cell runner and the
 * host builder share. */
#ifndef GOCOMPAT_CELLCTX_H
#define GOCOMPAT_CELLCTX_H

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

#endif
