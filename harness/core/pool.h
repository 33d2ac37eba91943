/* A fork-per-task pool. Each task runs in its own child of the harness, so
 * a harness bug triggered by one cell costs that cell, not the run. */
#ifndef GOCOMPAT_POOL_H
#define GOCOMPAT_POOL_H

#include <signal.h>
#include <stddef.h>

typedef int (*pool_task)(void *ctx, size_t i);                 /* in the child; returns its exit code */
typedef void (*pool_done)(void *ctx, size_t i, int wait_status); /* in the parent */

/* Runs tasks 0..n-1, at most `jobs` at a time. Stops starting new tasks once
 * *stop is non-zero; running ones are sent SIGTERM and waited for. Returns
 * the number of tasks that finished. */
size_t pool_run(size_t n, int jobs, pool_task task, pool_done done, void *ctx, volatile sig_atomic_t *stop);

#endif
