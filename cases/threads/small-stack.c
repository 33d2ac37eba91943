/* A C thread with a 64 KiB stack (or the arch's minimum when that is
 * larger: 128 KiB on arm64) calls an export whose recursion needs about a
 * megabyte: Go code runs on a goroutine stack that grows, not on the C
 * stack, so this must work. */
#define _GNU_SOURCE
#include <limits.h>
#include <pthread.h>
#include <unistd.h>

#include "probe.h"

enum { DEPTH = 2000, STACK = 64 * 1024 };

static void *call_deep(void *p)
{
    *(long long *)p = GO_FN(Deep)(DEPTH);
    return NULL;
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    long long want = 0;
    for (int n = 1; n <= DEPTH; n++) want += n & 0xff;
    pthread_attr_t a;
    pthread_attr_init(&a);
    long min = sysconf(_SC_THREAD_STACK_MIN);
    size_t want_stack = min > STACK ? (size_t)min : STACK;
    GC_EXPECT(pthread_attr_setstacksize(&a, want_stack) == 0);
    size_t got = 0;
    pthread_attr_getstacksize(&a, &got);
    gc_fact("c_stack_bytes", "%zu", got);
    gc_fact("go_depth", "%d", DEPTH);
    long long r = -1;
    pthread_t t;
    gc_mark("call");
    GC_EXPECT(pthread_create(&t, &a, call_deep, &r) == 0);
    pthread_join(t, NULL);
    pthread_attr_destroy(&a);
    GC_EXPECT_EQ_LL(r, want);
    gc_pass();
}
