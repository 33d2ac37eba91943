/* An export called from a constructor of the host program, before main.
 * For c-linked the library's own constructors run first (it is a
 * dependency); for c-archive the Go runtime's constructor sits in the same
 * executable and runs in link order, after this one. */
#define _GNU_SOURCE
#include <time.h>

#include "probe.h"

static unsigned long long early_value;
static long long early_ns, early_done_ns;

static long long mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

__attribute__((constructor)) static void early(void)
{
    early_ns = mono_ns();
    /* Where a c-archive host hangs: the mark proves the timeout is that
     * wait, not a start-up too slow to get here. */
    gc_mark("export called from a constructor");
    early_value = Mix(0);
    early_done_ns = mono_ns();
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    long long init = InitNanos();
    gc_fact("ctor_call_us", "%.1f", (double)(early_done_ns - early_ns) / 1e3);
    gc_fact("init_minus_ctor_call_us", "%.1f", (double)(init - early_ns) / 1e3);
    GC_EXPECT(early_value == 0xe220a8397b1dcdafULL);
    gc_pass();
}
