/* recover in the export, an error code and message back to C: the host
 * keeps running and calls again, 1 000 times per kind of panic (200 under
 * emulation, where go1.21/go1.22 main-thread calls each read qemu's own
 * /proc/self/maps and cost milliseconds). Then the cost of a recovered
 * panic per call, against the same export not panicking ("none"). The
 * fixture's failures table owns the names. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "probe.h"
#include "recovered_kinds.h"

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Per-call time of n calls of RecoveredNamed(name); the fastest of seven
 * batches, interleaved with the other name's batches by the caller, so a
 * busy machine inflates both figures alike rather than one. */
static double batch_ns(const char *name, int n)
{
    char msg[128];
    double t0 = now_ns();
    for (int i = 0; i < n; i++) GO_FN(RecoveredNamed)((char *)name, msg, sizeof msg);
    return (now_ns() - t0) / n;
}

static int batch_size(const char *name)
{
    double t = batch_ns(name, 50);
    double n = 5e6 / (t > 1 ? t : 1);
    return n < 50 ? 50 : n > 20000 ? 20000 : (int)n;
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    char msg[128];
    const int per_kind = gc_emulated() ? 200 : 1000;
    for (int k = 0; k < N_RECOVERED_KINDS; k++) {
        const struct recovered_kind *rk = &RECOVERED_KINDS[k];
        for (int i = 0; i < per_kind; i++) {
            msg[0] = 0;
            int rc = GO_FN(RecoveredNamed)((char *)rk->name, msg, sizeof msg);
            if (rc != 1 || strcmp(msg, rk->want) != 0) {
                gc_fail("call %d of RecoveredNamed(%s) returned %d with \"%s\", want 1 with \"%s\"", i + 1, rk->name, rc,
                        msg, rk->want);
                return;
            }
        }
    }
    GC_EXPECT_EQ_LL(GO_FN(RecoveredNamed)("none", msg, sizeof msg), 0);
    gc_fact("recovered_calls", "%d", N_RECOVERED_KINDS * per_kind);
    /* Batches of about 5 ms each, sized from a short calibration: calls
     * from a main thread cost 100 times more on some releases. */
    int nrec = batch_size("string"), nplain = batch_size("none");
    double rec = 1e300, plain = 1e300;
    for (int b = 0; b < 7; b++) {
        double r = batch_ns("string", nrec), q = batch_ns("none", nplain);
        if (r < rec) rec = r;
        if (q < plain) plain = q;
    }
    gc_fact("batch_calls", "[%d, %d]", nrec, nplain);
    gc_fact("recovered_panic_ns_per_call", "%.0f", rec);
    gc_fact("plain_call_ns_per_call", "%.0f", plain);
    gc_fact("panic_recover_cost_ns", "%.0f", rec - plain);
    gc_pass();
}
