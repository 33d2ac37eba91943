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

/* The pool's state: slots 0..jobs-1 for busy tasks, jobs..2*jobs-1 for
 * waiting ones; one cursor per kind walks the tasks in order. */
typedef struct {
    size_t n;
    int jobs;
    pid_t *pids;
    size_t *which;
    size_t cursor[2];
    int running[2];
    pool_waits waits;
    void *ctx;
} pool;

static bool kind_of(const pool *p, size_t i) { return p->waits && p->waits(p->ctx, i); }

/* The next task of this kind not yet started, or n. */
static size_t next_of(pool *p, int kind)
{
    while (p->cursor[kind] < p->n && kind_of(p, p->cursor[kind]) != kind) p->cursor[kind]++;
    return p->cursor[kind];
}

/* Forks a worker for task i into a free slot of its kind; false if fork failed. */
static bool start_task(pool *p, int kind, size_t i, pool_task task, volatile sig_atomic_t *stop, pid_t self)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        gc_warn("fork: %s; waiting for a running task", strerror(errno));
        return false;
    }
    if (pid == 0) {
        /* A worker whose harness died (even by SIGKILL) must not go on
         * appending to a journal that a new run may now own. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != self) _exit(127);
        worker_signals(stop);
        _exit(task(p->ctx, i));
    }
    for (int s = kind * p->jobs; s < (kind + 1) * p->jobs; s++)
        if (!p->pids[s]) { p->pids[s] = pid; p->which[s] = i; break; }
    p->running[kind]++;
    p->cursor[kind] = i + 1;
    return true;
}

/* Starts tasks while a slot of their kind is free; false if fork failed. */
static bool fill_slots(pool *p, pool_task task, volatile sig_atomic_t *stop, pid_t self)
{
    for (int kind = 0; kind < 2; kind++)
        while (p->running[kind] < p->jobs && next_of(p, kind) < p->n && !(stop && *stop))
            if (!start_task(p, kind, next_of(p, kind), task, stop, self)) return false;
    return true;
}

/* Waits for one worker and hands its status to done; false when none is left. */
static bool reap_one(pool *p, pool_done done, size_t *finished)
{
    int st;
    pid_t w = waitpid(-1, &st, WUNTRACED);
    if (w < 0) return errno != ECHILD;
    if (WIFSTOPPED(st)) {
        /* A probe sent SIGSTOP to its parent: a stopped worker would hang the run. */
        kill(w, SIGCONT);
        return true;
    }
    for (int s = 0; s < 2 * p->jobs; s++) {
        if (p->pids[s] != w) continue;
        p->pids[s] = 0;
        p->running[s >= p->jobs]--;
        ++*finished;
        done(p->ctx, p->which[s], st);
        break;
    }
    return true;
}

size_t pool_run_waiting(size_t n, int jobs, pool_task task, pool_done done, pool_waits waits, void *ctx,
                        volatile sig_atomic_t *stop)
{
    pool p = { .n = n, .jobs = jobs < 1 ? 1 : jobs, .waits = waits, .ctx = ctx };
    p.pids = xcalloc(2 * (size_t)p.jobs, sizeof *p.pids);
    p.which = xcalloc(2 * (size_t)p.jobs, sizeof *p.which);
    size_t finished = 0;
    bool forwarded = false;
    pid_t self = getpid();
    for (;;) {
        fill_slots(&p, task, stop, self);
        if (!p.running[0] && !p.running[1]) break;
        if (stop && *stop && !forwarded) {
            /* A SIGTERM aimed at the harness alone must still stop its children. */
            for (int s = 0; s < 2 * p.jobs; s++)
                if (p.pids[s]) kill(p.pids[s], SIGTERM);
            forwarded = true;
        }
        if (!reap_one(&p, done, &finished)) break;
    }
    free(p.pids);
    free(p.which);
    return finished;
}

size_t pool_run(size_t n, int jobs, pool_task task, pool_done done, void *ctx, volatile sig_atomic_t *stop)
{
    return pool_run_waiting(n, jobs, task, done, NULL, ctx, stop);
}
