/* Handlers the host installed before the Go runtime started (a constructor
 * that runs before the library is loaded or, for c-archive, before Go's
 * own constructor) for SIGINT, SIGSEGV, SIGPIPE and SIGPROF. After the load:
 * each still reaches the host's handler, Go still turns its own nil
 * dereference into a recoverable panic, and a C null dereference on a C
 * thread still lands in the host's SIGSEGV handler. */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"

static const int SIGS[] = { SIGINT, SIGSEGV, SIGPIPE, SIGPROF };
#define NSIGS (int)(sizeof SIGS / sizeof *SIGS)
static atomic_int hits[NSIGS];
static int go_was_first; /* a handler was already there: the runtime ran first */
static __thread sigjmp_buf *fault_jmp;
static void *volatile fault_addr = (void *)1;

static void on_signal(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    for (int i = 0; i < NSIGS; i++)
        if (SIGS[i] == sig) atomic_fetch_add(&hits[i], 1);
    if (sig == SIGSEGV) {
        if (!fault_jmp) _exit(99); /* a fault nobody arranged for */
        fault_addr = si->si_addr;
        siglongjmp(*fault_jmp, 1);
    }
}

__attribute__((constructor(101))) static void install_early(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < NSIGS; i++) {
        struct sigaction old;
        sigaction(SIGS[i], &sa, &old);
        if (old.sa_handler != SIG_DFL) go_was_first = 1;
    }
}

static void *c_fault(void *arg)
{
    (void)arg;
    sigjmp_buf jb;
    fault_jmp = &jb;
    if (sigsetjmp(jb, 1) == 0) {
        volatile int *volatile p = NULL;
        *p = 1;
        return (void *)0;
    }
    return (void *)1;
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    if (go_was_first) {
        gc_skip("the Go runtime initialised before the host's constructor (host %s)", gc_host());
        return;
    }
    const char *names[] = { "SIGINT", "SIGSEGV", "SIGPIPE", "SIGPROF" };
    for (int i = 0; i < NSIGS; i++) {
        struct sigaction now;
        sigaction(SIGS[i], NULL, &now);
        gc_fact(names[i], "{\"host_handler_installed\": %s, \"sa_onstack\": %s}",
                now.sa_sigaction == on_signal ? "true" : "false", (now.sa_flags & SA_ONSTACK) ? "true" : "false");
    }
    /* Asynchronous signals: Go left the host's handlers in place. */
    raise(SIGINT);
    raise(SIGPROF);
    /* SIGPIPE: Go installed its own handler and forwards to the host's. */
    raise(SIGPIPE);
    gc_fact("hits_after_raise", "[%d, %d, %d]", atomic_load(&hits[0]), atomic_load(&hits[2]), atomic_load(&hits[3]));
    GC_EXPECT_EQ_LL(atomic_load(&hits[0]), 1);
    GC_EXPECT_EQ_LL(atomic_load(&hits[2]), 1);
    GC_EXPECT_EQ_LL(atomic_load(&hits[3]), 1);
    /* Go's own fault: still a Go panic, recovered in Go. */
    GC_EXPECT_EQ_LL(GO_FN(RecoverNil)(), 1);
    GC_EXPECT_EQ_LL(atomic_load(&hits[1]), 0);
    /* A C fault on a C thread: forwarded to the host's handler. */
    pthread_t t;
    void *caught = NULL;
    GC_EXPECT(pthread_create(&t, NULL, c_fault, NULL) == 0);
    pthread_join(t, &caught);
    gc_fact("c_fault_caught_by_host", "%s", caught ? "true" : "false");
    gc_fact("c_fault_si_addr_null", "%s", fault_addr == NULL ? "true" : "false");
    GC_EXPECT(caught == (void *)1);
    GC_EXPECT(fault_addr == NULL);
    GC_EXPECT_EQ_LL(atomic_load(&hits[1]), 1);
    /* And Go still panics properly afterwards. */
    GC_EXPECT_EQ_LL(GO_FN(RecoverNil)(), 1);
    gc_pass();
}
