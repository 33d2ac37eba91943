/* Right after the library is loaded: is the Go runtime already initialised
 * (package init done) when control reaches the host, and do calls racing
 * from 8 threads at that moment all wait for it and get correct results?
 * Package init must run on another thread than the one that loaded the
 * library. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

enum { RACERS = 8 };

static long long mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static pthread_barrier_t start;
static atomic_int wrong;

static void *racer(void *p)
{
    (void)p;
    pthread_barrier_wait(&start);
    if (GO_FN(Mix)(0) != 0xe220a8397b1dcdafULL) atomic_fetch_add(&wrong, 1);
    return NULL;
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    /* For c-dlopen this is microseconds after dlopen returned. */
    long long entry = mono_ns();
    /* Resolve first, so the race is between the calls and runtime init. */
    __typeof__(&Mix) mix = GO_FN(Mix);
    __typeof__(&InitNanos) init_ns = GO_FN(InitNanos);
    pthread_barrier_init(&start, NULL, RACERS + 1);
    pthread_t t[RACERS];
    for (int i = 0; i < RACERS; i++) GC_EXPECT(pthread_create(&t[i], NULL, racer, NULL) == 0);
    long long c0 = mono_ns();
    pthread_barrier_wait(&start);
    unsigned long long first = mix(0);
    long long c1 = mono_ns();
    for (int i = 0; i < RACERS; i++) pthread_join(t[i], NULL);
    long long init = init_ns();
    gc_fact("init_minus_entry_us", "%.1f", (double)(init - entry) / 1e3);
    gc_fact("init_done_before_probe_entry", "%s", init < entry ? "true" : "false");
    gc_fact("first_call_us", "%.1f", (double)(c1 - c0) / 1e3);
    gc_fact("racing_threads", "%d", RACERS);
    GC_EXPECT(first == 0xe220a8397b1dcdafULL);
    GC_EXPECT_EQ_LL(atomic_load(&wrong), 0);
    /* The library's constructor (run by dlopen, or by the loader before
     * main) only starts a thread that initialises the runtime, so package
     * init runs on that thread, concurrently with the host
     * (golang/go#12639). Whether it has finished by the time dlopen
     * returns is a race: evidence only. */
    long itid = GO_FN(InitTid)();
    gc_fact("init_tid", "%ld", itid);
    gc_fact("loading_tid", "%ld", (long)getpid());
    if (itid == (long)getpid()) { gc_fail("package init ran on the thread that loaded the library"); return; }
    /* A later call, for comparison with the first one. */
    long long l0 = mono_ns();
    mix(1);
    gc_fact("later_call_us", "%.1f", (double)(mono_ns() - l0) / 1e3);
    gc_pass();
}
