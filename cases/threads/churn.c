/* Thread churn: 10 000 short-lived C threads, 16 alive at a time, each
 * making exactly one call into Go and exiting. Every thread that enters Go
 * needs an M; the runtime must give it back when the thread exits. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "probe.h"

enum { NATIVE_TOTAL = 10000, EMULATED_TOTAL = 2000, LIVE = 16 };

static unsigned long long mix_ref(unsigned long long z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int threads_now(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    int n = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "Threads:", 8)) n = atoi(line + 8);
    if (f) fclose(f);
    return n;
}

static void *one_call(void *p)
{
    unsigned long long x = (unsigned long long)(uintptr_t)p;
    return (void *)(uintptr_t)(GO_FN(Mix)(x) == mix_ref(x));
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    /* Under qemu-user a thread start costs milliseconds, not microseconds:
     * fewer threads there, still two orders of magnitude past any M the
     * runtime could keep. */
    const int TOTAL = gc_emulated() ? EMULATED_TOTAL : NATIVE_TOTAL;
    GO_FN(Mix)(0); /* the runtime is up before counting its threads */
    int before = threads_now();
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    int bad = 0, peak = before;
    pthread_t live[LIVE];
    for (int i = 0; i < TOTAL; i += LIVE) {
        for (int j = 0; j < LIVE; j++)
            if (pthread_create(&live[j], NULL, one_call, (void *)(uintptr_t)(i + j)) != 0) {
                gc_fail("pthread_create failed after %d threads", i + j);
                return;
            }
        if (i % 1024 == 0) {
            int t = threads_now();
            if (t > peak) peak = t;
        }
        for (int j = 0; j < LIVE; j++) {
            void *ok = NULL;
            pthread_join(live[j], &ok);
            if (!ok) bad++;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
    int after = threads_now();
    gc_fact("threads_created", "%d", TOTAL);
    gc_fact("churn_ms", "%.1f", ms);
    gc_fact("us_per_thread", "%.2f", ms * 1e3 / TOTAL);
    gc_fact("os_threads_before", "%d", before);
    gc_fact("os_threads_peak_sampled", "%d", peak);
    gc_fact("os_threads_after", "%d", after);
    GC_EXPECT_EQ_LL(bad, 0);
    /* Leaked Ms would show up as threads the kernel still counts. */
    if (after > before + LIVE) {
        gc_fail("%d OS threads after the churn, %d before: threads or Ms leaked", after, before);
        return;
    }
    gc_pass();
}
