#define _GNU_SOURCE
#include "pool.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

size_t pool_run(size_t n, int jobs, pool_task task, pool_done done, void *ctx, volatile sig_atomic_t *stop)
{
    if (jobs < 1) jobs = 1;
    pid_t *pids = xcalloc((size_t)jobs, sizeof *pids);
    size_t *which = xcalloc((size_t)jobs, sizeof *which);
    size_t next = 0, finished = 0;
    int running = 0;
    bool forwarded = false;
    while (next < n || running) {
        while (running < jobs && next < n && !(stop && *stop)) {
            fflush(NULL);
            pid_t p = fork();
            if (p < 0) {
                gc_warn("fork: %s; waiting for a running task", strerror(errno));
                break;
            }
            if (p == 0) _exit(task(ctx, next));
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
        pid_t w = waitpid(-1, &st, 0);
        if (w < 0) {
            if (errno == EINTR) continue;
            if (errno == ECHILD) break;
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
