/* The call-overhead benchmark engine behind `gocompat bench`: builds what
 * each toolchain needs, plans one sandboxed process per benchmark, runs them
 * one at a time, summarises the repetitions and writes bench.json,
 * bench.csv and the plots. The command line only fills bench_settings. */
#ifndef GOCOMPAT_BENCH_RUN_H
#define GOCOMPAT_BENCH_RUN_H

#include "cellctx.h"
#include "library.h"
#include "toolchain.h"

typedef struct {
    run_ctx rc;           /* compilers, Python, cache, timeouts, interrupt flag */
    const char *srcdir;   /* bench/ probes and plot scripts */
    int jobs;             /* fixture builds at once */
    bool quiet, quick, no_plot;
    bool force;           /* replace a bench.json that holds benchmarks this run does not */
    int reps;             /* timed repetitions per benchmark */
    double batch_ms;      /* minimum batch duration */
    double cv_limit;      /* a figure noisier than this is run again, then flagged */
    const char *out;      /* output folder */
    strlist benches;      /* -b globs; empty: every benchmark */
    const library *lib;   /* NULL: the bench fixture; else the user's library */
    strlist calls;        /* with lib: NAME(ARGS) or NAME(ARGS)=RESULT to time */
} bench_settings;

/* Run the benchmarks over the usable toolchains of tcs. Returns the exit
 * status (GC_EXIT_*); a problem that prevents any run (no toolchain with
 * cgo, a probe that cannot be built, a call that cannot be made) is one
 * line on stderr and GC_EXIT_USAGE. */
int bench_run(const bench_settings *s, const toolchain_set *tcs);

#endif
