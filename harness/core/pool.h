/* A fork-per-task pool. Each task runs in its own child of the harness, so
 * a harness bug triggered by one cell costs that cell, not the run. */
#ifndef GOCOMPAT_POOL_H
#define GOCOMPAT_POOL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

typedef int (*pool_task)(void *ctx, size_t i);                 /* in the child; returns its exit code */
typedef void (*pool_done)(void *ctx, size_t i, int wait_status); /* in the parent */
typedef bool (*pool_waits)(void *ctx, size_t i);                /* does task i mostly wait? */

/* Runs tasks 0..n-1, at most `jobs` at a time. Stops starting new tasks once
 * *stop is non-zero; running ones are sent SIGTERM and waited for. Returns
 * the number of tasks that finished. */
size_t pool_run(size_t n, int jobs, pool_task task, pool_done done, void *ctx, volatile sig_atomic_t *stop);

/* pool_run, where a task that `waits` says mostly waits (a hang window, a
 * sleep: it needs next to no CPU) runs beside the `jobs` limit, in one of
 * `jobs` slots of its own, so it never keeps a CPU-bound task from one.
 * Each kind starts in index order. */
size_t pool_run_waiting(size_t n, int jobs, pool_task task, pool_done done, pool_waits waits, void *ctx,
                        volatile sig_atomic_t *stop);

#endif
