/* Ctrl-C, SIGTERM and SIGHUP set one flag that every wait loop polls, so an
 * interrupted run stops its probes, keeps its records and exits cleanly. */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>

#include "cli.h"

volatile sig_atomic_t gc_interrupted;

static void on_signal(int sig)
{
    (void)sig;
    gc_interrupted = 1;
}

void install_interrupt_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: blocking waits must wake up */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    /* Over a file-size limit, write(2) then fails with EFBIG and the journal
     * code reports it, instead of the process dying mid-record. */
    signal(SIGXFSZ, SIG_IGN);
}
