/* Ctrl-C, SIGTERM and SIGHUP set one flag that every wait loop polls, so an
 * interrupted run stops its probes, keeps its records and exits cleanly. */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>

#include "cli.h"
#include "util.h"

volatile sig_atomic_t gc_interrupted;

static void on_signal(int sig)
{
    (void)sig;
    gc_interrupted = 1;
}

/* Commands that do not poll the flag (report, diff, merge) die of the
 * signal as usual, but first remove the temporary file they were writing:
 * a killed report must not leave 100 MB behind. */
static void on_fatal_signal(int sig)
{
    temps_unlink();
    signal(sig, SIG_DFL);
    raise(sig);
}

void install_cleanup_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    /* Over a file-size limit a write fails with EFBIG and is reported. */
    signal(SIGXFSZ, SIG_IGN);
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
