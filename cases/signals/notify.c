/* signal.Notify in the library for SIGUSR1, over a handler the host had
 * installed before: while Go has it, deliveries reach the Go channel;
 * signal.Reset gives the host's handler back. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

static atomic_int host_hits;

static void on_usr1(int sig)
{
    (void)sig;
    atomic_fetch_add(&host_hits, 1);
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* kill() is process-directed: another thread may run the handler, a little
 * later (much later on a loaded machine). Wait up to WAIT_MS for the count
 * to reach want; the limit bounds a failure, never a pass. */
enum { WAIT_MS = 10000 };

static int wait_for(atomic_int *c, int want)
{
    for (int w = 0; w < WAIT_MS / 10 && atomic_load(c) < want; w++) sleep_ms(10);
    return atomic_load(c);
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    GC_EXPECT(gc_on_signal(SIGUSR1, on_usr1, SA_ONSTACK) == 0);
    kill(getpid(), SIGUSR1);
    GC_EXPECT_EQ_LL(wait_for(&host_hits, 1), 1);

    GO_FN(NotifyStart)(SIGUSR1);
    for (int i = 0; i < 3; i++) {
        kill(getpid(), SIGUSR1);
        sleep_ms(20);
    }
    int go = 0;
    for (int w = 0; w < WAIT_MS / 10 && (go = GO_FN(NotifyCount)()) < 3; w++) sleep_ms(10);
    gc_fact("go_deliveries", "%d", go);
    gc_fact("host_hits_while_notified", "%d", atomic_load(&host_hits) - 1);
    GC_EXPECT(go >= 1);
    /* os/signal does not also forward an asynchronous signal it handles. */
    GC_EXPECT_EQ_LL(atomic_load(&host_hits), 1);

    GO_FN(NotifyReset)(SIGUSR1);
    struct sigaction now;
    sigaction(SIGUSR1, NULL, &now);
    gc_fact("host_handler_restored", "%s", now.sa_handler == on_usr1 ? "true" : "false");
    kill(getpid(), SIGUSR1);
    gc_fact("host_hits_after_reset", "%d", wait_for(&host_hits, 2) - 1);
    GC_EXPECT_EQ_LL(atomic_load(&host_hits), 2);
    GC_EXPECT_EQ_LL(GO_FN(NotifyCount)(), go);
    gc_pass();
}
