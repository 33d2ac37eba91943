/* Exports called on the way out of the process, after main returned: an
 * atexit handler the probe registers, then a destructor of the host
 * program (__attribute__((destructor)), run by the dynamic loader's fini).
 * The Go runtime is still running then: a goroutine the probe started keeps
 * ticking on one of Go's threads. Each exit-time caller makes a plain call
 * (Mix), one the scheduler must serve from other threads (Spawn: 8
 * goroutines), a collection (GC), and waits for the ticker to advance. The
 * verdict is sent before main returns, so the way the process ends is the
 * rest of it: the destructor ends it with exit 7 when both callers got
 * through; a wrong result is exit 3, a ticker that stopped exit 4, an
 * atexit handler that never ran exit 5, a hang a timeout, and exit 0 means
 * the destructor never ran. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

/* How long the ticker may take to advance at exit: it bounds a failure,
 * never a pass. */
enum { TICK_WAIT_MS = 10000 };

static int registered, atexit_done;

static unsigned long long mix(unsigned long long x)
{
    unsigned long long z = x + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int ticker_advances(void)
{
    long long t0 = GO_FN(Ticks)();
    struct timespec ms = { 0, 1000000L };
    for (int w = 0; w < TICK_WAIT_MS; w++) {
        if (GO_FN(Ticks)() > t0) return 1;
        nanosleep(&ms, NULL);
    }
    return 0;
}

static void exit_calls(const char *when)
{
    unsigned long long want = 0;
    for (int i = 0; i < 8; i++) want += mix((unsigned long long)i);
    int mix_ok = GO_FN(Mix)(42) == mix(42);
    int spawn_ok = GO_FN(Spawn)(8) == want;
    GO_FN(GC)();
    int ticking = ticker_advances();
    gc_fact(when, "{\"mix\": %s, \"spawn\": %s, \"ticker\": %s}", mix_ok ? "true" : "false",
            spawn_ok ? "true" : "false", ticking ? "true" : "false");
    if (!mix_ok || !spawn_ok) _exit(3);
    if (!ticking) _exit(4);
}

static void at_exit(void)
{
    exit_calls("atexit_calls");
    atexit_done = 1;
}

__attribute__((destructor)) static void host_destructor(void)
{
    if (!registered) return;
    exit_calls("destructor_calls");
    _exit(atexit_done ? 7 : 5);
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    GC_EXPECT(GO_FN(StartTicker)() >= 1);
    GC_EXPECT_EQ_LL(GO_FN(Mix)(7), mix(7));
    GC_EXPECT(atexit(at_exit) == 0);
    registered = 1;
    gc_pass();
}
