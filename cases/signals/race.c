/* A library built with -race, loaded by the C host: the export does Go work
 * (goroutine hop, GC, recovered nil dereference) from the probe's thread
 * and from THREADS more C threads at once. */
#define _GNU_SOURCE
#include <pthread.h>

#include "probe.h"

#define THREADS 4

static void *call(void *arg)
{
    long i = (long)arg;
    return (void *)(long)(GO_FN(Work)((int)i) == i + 1);
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    GC_EXPECT_EQ_LL(GO_FN(Work)(1), 2);
    pthread_t t[THREADS];
    for (long i = 0; i < THREADS; i++) GC_EXPECT(pthread_create(&t[i], NULL, call, (void *)(i + 10)) == 0);
    int ok = 0;
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        ok += r != NULL;
    }
    gc_fact("threads_ok", "%d", ok);
    GC_EXPECT_EQ_LL(ok, THREADS);
    gc_pass();
}
