#define _GNU_SOURCE
#include "pool.h"
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t *child_stop;
static pid_t child_parent;

/* In a worker, only the harness (its parent) or the kernel (a terminal's
 * Ctrl-C) may stop it: a probe that signals its parent must not be able to
 * cancel the cell it is being judged in. */
static void worker_on_signal(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    if (si->si_code > 0 || si->si_pid == child_parent) *child_stop = 1;
}

static void worker_signals(volatile sig_atomic_t *stop)
{
    child_stop = stop;
    child_parent = getppid();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = worker_on_signal;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    if (stop) {
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);
    }
    /* Signals whose default would kill or stop a worker, sent by a probe. */
    const int ignored[] = { SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE, SIGQUIT, SIGVTALRM, SIGPROF,
                            SIGTSTP, SIGTTIN, SIGTTOU, SIGPOLL, SIGXCPU, SIGXFSZ };
    for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++) signal(ignored[i], SIG_IGN);
    /* Descendants a probe orphans come back to us, so none outlives its cell. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
}

size_t pool_run(size_t n, int jobs, pool_task task, pool_done done, void *ctx, volatile sig_atomic_t *stop)
{
    if (jobs < 1) jobs = 1;
    pid_t *pids = xcalloc((size_t)jobs, sizeof *pids);
    size_t *which = xcalloc((size_t)jobs, sizeof *which);
    size_t next = 0, finished = 0;
    int running = 0;
    bool forwarded = false;
    pid_t self = getpid();
    while (next < n || running) {
        while (running < jobs && next < n && !(stop && *stop)) {
            fflush(NULL);
            pid_t p = fork();
            if (p < 0) {
                gc_warn("fork: %s; waiting for a running task", strerror(errno));
                break;
            }
            if (p == 0) {
                /* A worker whose harness died (even by SIGKILL) must not go on
                 * appending to a journal that a new run may now own. */
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                if (getppid() != self) _exit(127);
                worker_signals(stop);
                _exit(task(ctx, next));
            }
            for (int s = 0; s < jobs; s++)
                if (!pids[s]) { pids[s] = p; which[s] = next; break; }
            running++;
            next++;
        }
        if (!running) break;
        if (stop && *stop && !forwarded) {
            /* A SIGTERM aimed at the harness alone must still stop its children. */
            for (int s = 0; s < jobs; s++)
                if (pids[s]) kill(pids[s], SIGTERM);
            forwarded = true;
        }
        int st;
        pid_t w = waitpid(-1, &st, WUNTRACED);
        if (w < 0) {
            if (errno == EINTR) continue;
            if (errno == ECHILD) break;
            continue;
        }
        if (WIFSTOPPED(st)) {
            /* A probe sent SIGSTOP to its parent: a stopped worker would hang the run. */
            kill(w, SIGCONT);
            continue;
        }
        for (int s = 0; s < jobs; s++) {
            if (pids[s] != w) continue;
            pids[s] = 0;
            running--;
            finished++;
            done(ctx, which[s], st);
            break;
        }
    }
    free(pids);
    free(which);
    return finished;
}
