/* A handler change made after the Go runtime started, without SA_ONSTACK,
 * then a signal while Go code runs. GOCOMPAT_LATE picks the change:
 *   chain-segv: a host SIGSEGV handler (no SA_ONSTACK) that passes faults on
 *               to the handler it replaced (Go's), then a nil dereference in
 *               Go (RecoverNil);
 *   strip-urg:  Go's own SIGURG (preemption) handler reinstalled without
 *               SA_ONSTACK, then 2 s of Go code (Spin) that the runtime
 *               preempts with SIGURG.
 * Either way Go's handler runs on a goroutine stack instead of its signal
 * stack; the runtime notices (sigNotOnStack) and throws. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

static struct sigaction go_segv;
static volatile int chained;

static void chain(int sig, siginfo_t *si, void *ctx)
{
    chained++;
    go_segv.sa_sigaction(sig, si, ctx);
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    const char *mode = getenv("GOCOMPAT_LATE");
    if (!mode) {
        gc_skip("GOCOMPAT_LATE is not set");
        return;
    }
    /* The runtime is up: one call proves it and starts the threads. */
    GC_EXPECT_EQ_LL(GO_FN(RecoverNil)(), 1);
    if (strcmp(mode, "chain-segv") == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = chain;
        sa.sa_flags = SA_SIGINFO; /* no SA_ONSTACK */
        sigaction(SIGSEGV, &sa, &go_segv);
        GC_EXPECT(go_segv.sa_flags & SA_SIGINFO);
        gc_mark("fault_in_go");
        int r = GO_FN(RecoverNil)();
        gc_fact("recover_nil", "%d", r);
        gc_fact("host_handler_calls", "%d", chained);
        gc_fail("the runtime accepted its handler off the signal stack (RecoverNil returned %d)", r);
    } else if (strcmp(mode, "strip-urg") == 0) {
        struct sigaction cur;
        sigaction(SIGURG, NULL, &cur);
        gc_fact("go_sigurg_onstack", "%s", (cur.sa_flags & SA_ONSTACK) ? "true" : "false");
        cur.sa_flags &= ~SA_ONSTACK;
        sigaction(SIGURG, &cur, NULL);
        gc_mark("spin_in_go");
        long n = GO_FN(Spin)(2000);
        gc_fact("spin_rounds", "%ld", n);
        gc_fail("2 s of Go code ran without a preemption signal reaching the stripped handler");
    } else
        gc_skip("unknown GOCOMPAT_LATE %s", mode);
}
