/* N foreign threads (N = 1, 2, 8, 32) each call Mix M times and check every
 * result against the same function computed in C; then all N meet inside
 * Go at Barrier(N), which needs N threads blocked in Go at once. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "probe.h"

enum { CALLS = 2000 };

static unsigned long long mix_ref(unsigned long long z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

struct worker { pthread_t t; int id, nthreads, wrong, arrival; };

static void *work(void *p)
{
    struct worker *w = p;
    for (int i = 0; i < CALLS; i++) {
        unsigned long long x = ((unsigned long long)w->id << 32) | (unsigned)i;
        if (GO_FN(Mix)(x) != mix_ref(x)) w->wrong++;
    }
    w->arrival = GO_FN(Barrier)(w->nthreads);
    return NULL;
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    static const int counts[] = { 1, 2, 8, 32 };
    gc_fact("gomaxprocs", "%d", GO_FN(MaxProcs)());
    gc_fact("calls_per_thread", "%d", CALLS);
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
        int n = counts[k];
        struct worker *w = calloc((size_t)n, sizeof *w);
        double t0 = now_ms();
        for (int i = 0; i < n; i++) {
            w[i].id = i + 1;
            w[i].nthreads = n;
            if (pthread_create(&w[i].t, NULL, work, &w[i]) != 0) {
                gc_fail("pthread_create failed at thread %d of %d", i, n);
                return;
            }
        }
        int wrong = 0;
        for (int i = 0; i < n; i++) {
            pthread_join(w[i].t, NULL);
            wrong += w[i].wrong;
            if (w[i].arrival < 1 || w[i].arrival > n) wrong++;
        }
        char key[32];
        snprintf(key, sizeof key, "threads_%d_ms", n);
        gc_fact(key, "%.2f", now_ms() - t0);
        free(w);
        if (wrong) {
            gc_fail("%d of %d threads x %d calls: %d wrong results or barrier arrivals", n, n, CALLS, wrong);
            return;
        }
    }
    gc_pass();
}
