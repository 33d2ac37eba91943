/* `gocompat matrix`: expand toolchains × cases × hosts into cells, build the
 * fixtures, run every cell in the sandbox, journal each record as it lands
 * and assemble the matrix document at the end. */
#ifndef GOCOMPAT_RUNNER_H
#define GOCOMPAT_RUNNER_H

#include "casefile.h"
#include "cell.h"
#include "toolchain.h"

/* What a run reports as it goes, to whoever shows it: the command line
 * prints progress lines and the table. A NULL member is not called. */
typedef struct {
    void *ctx;
    /* A build (PHASE "build") or a cell ("run") ended: the DONE-th of TOTAL,
     * WHAT it was, and STATUS, how it ended. */
    void (*progress)(void *ctx, const char *phase, size_t done, size_t total, const char *what, const char *status);
    /* The matrix document was written: its records, in canonical order. */
    void (*written)(void *ctx, json_t *records);
} run_events;

typedef struct {
    run_ctx rc;
    int jobs;
    const char *out;        /* matrix.json */
    bool resume;
    strlist rerun;          /* --rerun: case globs whose cells OUT (or the journal) holds are measured again */
    int shard_k, shard_n;   /* 1-based K of N; N = 0: no sharding */
    bool quiet;             /* no summary lines of the run's own */
    run_events events;
    bool build_only;        /* stop after the build phase */
    double started_ms;      /* now_ms() when the command started; 0: unknown */
    strlist areas, cases, hosts, modes; /* filters; empty = all */
} matrix_opts;

typedef struct { cell *v; size_t n; } cell_list;

/* The filters (-a, -c, --host, -m) of a run. */
bool case_selected(const matrix_opts *o, const case_desc *cd);
bool run_selected(const matrix_opts *o, const host_run *hr);
/* The cells a run covers, in the deterministic order of the matrix. */
void cells_expand(const matrix_opts *o, const toolchain_set *tcs, const case_set *cases, cell_list *out);
char *cell_key(const cell *x);

/* Returns the process exit status (GC_EXIT_*). */
int matrix_run(const matrix_opts *o, const toolchain_set *tcs, const case_set *cases);

json_t *toolchains_json(const toolchain_set *tcs);

#endif
