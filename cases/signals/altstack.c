/* C threads that run with an alternate signal stack of their own call Go
 * exports. Each of THREADS threads maps an alternate stack, fills it with
 * a pattern, installs it with sigaltstack and calls Work (a goroutine hop,
 * a GC, and a nil dereference that Go's SIGSEGV handler turns into a
 * recovered panic on this thread) CALLS times. After every call the
 * thread's sigaltstack must be exactly what it installed; a SIGUSR1 it
 * raises afterwards must run the host's SA_ONSTACK handler on that stack.
 * Facts: how much of the stack Go's signal handling wrote, and what a
 * thread without an alternate stack of its own has after a call. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "probe.h"

#define THREADS 4
#define CALLS 20
#define ALT_SIZE (256 * 1024)
#define PATTERN 0xA5

/* volatile: written by a signal handler (an async write the compiler must
 * not assume away across raise()). */
static __thread volatile uintptr_t handler_sp;

static void on_usr1(int sig)
{
    (void)sig;
    volatile char here = 0;
    handler_sp = (uintptr_t)&here;
}

struct result {
    int index;
    char problem[300];
    size_t used;    /* bytes of the alternate stack that no longer hold PATTERN */
    int on_alt;     /* the host's SIGUSR1 handler ran on the alternate stack */
};

static void *with_altstack(void *arg)
{
    struct result *r = arg;
    char *mem = mmap(NULL, ALT_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        snprintf(r->problem, sizeof r->problem, "mmap failed");
        return NULL;
    }
    memset(mem, PATTERN, ALT_SIZE);
    stack_t ss = { .ss_sp = mem, .ss_size = ALT_SIZE, .ss_flags = 0 }, now;
    if (sigaltstack(&ss, NULL) != 0) {
        snprintf(r->problem, sizeof r->problem, "sigaltstack failed");
        return NULL;
    }
    for (int i = 0; i < CALLS; i++) {
        int got = GO_FN(Work)(r->index * 100 + i);
        if (got != r->index * 100 + i + 1) {
            snprintf(r->problem, sizeof r->problem, "thread %d call %d: Work returned %d", r->index, i, got);
            return NULL;
        }
        sigaltstack(NULL, &now);
        if (now.ss_sp != mem || now.ss_size != ALT_SIZE || now.ss_flags != 0) {
            snprintf(r->problem, sizeof r->problem,
                     "thread %d after call %d: sigaltstack is {sp %p, size %zu, flags %d}, was {sp %p, size %d, flags 0}",
                     r->index, i, now.ss_sp, now.ss_size, now.ss_flags, (void *)mem, ALT_SIZE);
            return NULL;
        }
    }
    size_t used = 0;
    for (size_t k = 0; k < ALT_SIZE; k++) used += (unsigned char)mem[k] != PATTERN;
    r->used = used;
    handler_sp = 0;
    raise(SIGUSR1);
    r->on_alt = handler_sp >= (uintptr_t)mem && handler_sp < (uintptr_t)mem + ALT_SIZE;
    /* Leave the stack mapped: the runtime may still use it when the thread
     * exits (dropm restores the signal stack then). */
    return NULL;
}

static void *without_altstack(void *arg)
{
    stack_t *after = arg;
    GO_FN(Work)(1);
    sigaltstack(NULL, after);
    return NULL;
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    GC_EXPECT(gc_on_signal(SIGUSR1, on_usr1, SA_ONSTACK) == 0);

    pthread_t t[THREADS];
    struct result r[THREADS];
    for (int i = 0; i < THREADS; i++) {
        memset(&r[i], 0, sizeof r[i]);
        r[i].index = i + 1;
        GC_EXPECT(pthread_create(&t[i], NULL, with_altstack, &r[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    size_t min_used = SIZE_MAX, max_used = 0;
    int on_alt = 0;
    for (int i = 0; i < THREADS; i++) {
        if (r[i].problem[0]) {
            gc_fail("%s", r[i].problem);
            return;
        }
        if (r[i].used < min_used) min_used = r[i].used;
        if (r[i].used > max_used) max_used = r[i].used;
        on_alt += r[i].on_alt;
    }
    gc_fact("threads", "%d", THREADS);
    gc_fact("calls_per_thread", "%d", CALLS);
    gc_fact("altstack_unchanged_after_every_call", "true");
    gc_fact("altstack_bytes_written", "[%zu, %zu]", min_used, max_used);
    gc_fact("host_handler_on_altstack", "%d", on_alt);

    stack_t after;
    memset(&after, 0, sizeof after);
    pthread_t plain;
    GC_EXPECT(pthread_create(&plain, NULL, without_altstack, &after) == 0);
    pthread_join(plain, NULL);
    gc_fact("plain_thread_altstack_after_call", "{\"enabled\": %s, \"size\": %zu}",
            (after.ss_flags & SS_DISABLE) ? "false" : "true", (after.ss_flags & SS_DISABLE) ? (size_t)0 : after.ss_size);

    GC_EXPECT_EQ_LL(on_alt, THREADS);
    GC_EXPECT(min_used > 0);
    gc_pass();
}
