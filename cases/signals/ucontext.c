/* Exports called from stacks made with makecontext and entered with
 * swapcontext, as coroutine libraries (greenlet, gevent's C core, Boost
 * context) do. On a fresh pthread: one call on the thread's own stack,
 * then ROUNDS calls, each on a new malloc'd stack (the previous one is
 * freed only after the next is allocated, so each lies elsewhere), then
 * one more call on the thread's own stack. Work does a goroutine hop, a GC
 * and a recovered nil dereference, so the runtime checks and uses the
 * stack bounds it holds for this thread. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include "probe.h"

#define ROUNDS 4
#define STACK_SIZE (256 * 1024)

static ucontext_t back, coro;
static int arg, got;

static void on_coro(void) { got = GO_FN(Work)(arg); }

static void *run(void *p)
{
    char *problem = p;
    if (GO_FN(Work)(1) != 2) {
        snprintf(problem, 200, "Work on the thread's own stack failed");
        return NULL;
    }
    char *prev = NULL;
    for (int i = 0; i < ROUNDS; i++) {
        char *stack = malloc(STACK_SIZE);
        if (!stack) {
            snprintf(problem, 200, "malloc failed");
            return NULL;
        }
        free(prev);
        prev = stack;
        getcontext(&coro);
        coro.uc_stack.ss_sp = stack;
        coro.uc_stack.ss_size = STACK_SIZE;
        coro.uc_link = &back;
        makecontext(&coro, on_coro, 0);
        arg = 10 + i;
        got = -1;
        swapcontext(&back, &coro);
        if (got != arg + 1) {
            snprintf(problem, 200, "round %d: Work(%d) on a makecontext stack returned %d", i, arg, got);
            return NULL;
        }
        gc_fact("round_ok", "%d", i + 1);
    }
    free(prev);
    if (GO_FN(Work)(3) != 4) {
        snprintf(problem, 200, "Work on the thread's own stack failed after the switches");
        return NULL;
    }
    return NULL;
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    static char problem[200];
    pthread_t t;
    GC_EXPECT(pthread_create(&t, NULL, run, problem) == 0);
    pthread_join(t, NULL);
    if (problem[0]) {
        gc_fail("%s", problem);
        return;
    }
    gc_fact("rounds", "%d", ROUNDS);
    gc_pass();
}
