/* fork() after the Go runtime has started: does the child (which has only
 * the forking thread) get through calls into Go? Each scenario runs in its
 * own child, which the probe kills after a deadline and records as a hang.
 * Child exit codes: 0 right result, 3 wrong result, 4 exec failed.
 * THR_FORK=scheduler selects the scenarios that need the Go scheduler. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

/* A child that must complete gets a deadline no loaded machine reaches (it
 * bounds a failure, never a pass: such children end in 10-25 ms). A child
 * that needs the scheduler hangs in most runs, and every trial of the case
 * pays its window, so that is 500 ms, 20x a completing child (a child
 * kept waiting for a CPU by a loaded machine still gets its share of it
 * many times over); a child still running then counts as a hang. The
 * record says what each hang looked like: a child whose threads were all
 * asleep for STUCK_MS with none of them running (nothing inside it was
 * left to wake the others: a deadlock) is killed then, sooner; one killed
 * at the deadline was still running, or waking now and then. */
enum { MUST_COMPLETE_MS = 15000, MAY_HANG_MS = 500, STUCK_MS = 250, BUSY_THREADS = 4 };

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static unsigned long long spawn_ref(int n)
{
    unsigned long long s = 0;
    for (int i = 0; i < n; i++) s += GO_FN(Mix)((unsigned long long)i);
    return s;
}

static unsigned long long want_spawn;

static void child_call(void) { _exit(GO_FN(Mix)(0) == 0xe220a8397b1dcdafULL ? 0 : 3); }
static void child_goroutines(void) { _exit(GO_FN(Spawn)(64) == want_spawn ? 0 : 3); }
static void child_alloc(void) { _exit(GO_FN(Alloc)(16) > 0 ? 0 : 3); }
static void child_call_exec(void)
{
    if (GO_FN(Mix)(0) != 0xe220a8397b1dcdafULL) _exit(3);
    execl("/bin/sh", "sh", "-c", "exit 0", (char *)NULL);
    _exit(4);
}
static void child_exec(void)
{
    execl("/bin/sh", "sh", "-c", "exit 0", (char *)NULL);
    _exit(4);
}

struct child {
    const char *name;
    void (*fn)(void);
    pid_t pid;
    int st;
    const char *how, *seen; /* what a hang looked like */
    double t0, ms;
    unsigned long long ran_ns; /* the threads' run time when last seen to change */
    int threads;
    double still_since; /* -1: some thread was awake at the last look */
};

/* Forks one child per scenario; each runs its scenario and exits. */
static void fork_children(struct child *c, int n)
{
    for (int i = 0; i < n; i++) {
        c[i].t0 = now_ms();
        c[i].how = NULL;
        c[i].seen = NULL;
        c[i].still_since = -1;
        c[i].pid = fork();
        if (c[i].pid == 0) c[i].fn();
        if (c[i].pid < 0) c[i].how = "fork failed";
    }
}

/* Describes how a reaped child ended: "ok", "exit N" or "signal SIGX". */
static const char *ending(int st, char *buf, size_t len)
{
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return "ok";
    if (WIFEXITED(st)) snprintf(buf, len, "exit %d", WEXITSTATUS(st));
    else snprintf(buf, len, "signal SIG%s", sigabbrev_np(WTERMSIG(st)) ? sigabbrev_np(WTERMSIG(st)) : "?");
    return buf;
}

/* Sums the kernel's run time of every thread of pid and says whether all of
 * them are asleep (state S). False when /proc cannot tell. */
static bool all_asleep(pid_t pid, unsigned long long *ran_ns, int *threads)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    if (!d) return false;
    bool asleep = true;
    *ran_ns = 0, *threads = 0;
    for (struct dirent *e; asleep && (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        char f[128], state = 0, buf[512];
        unsigned long long ns = 0;
        snprintf(f, sizeof f, "%s/%s/stat", path, e->d_name);
        FILE *fp = fopen(f, "r");
        size_t n = fp ? fread(buf, 1, sizeof buf - 1, fp) : 0;
        if (fp) fclose(fp);
        buf[n] = 0;
        const char *paren = strrchr(buf, ')'); /* the name may hold spaces */
        if (paren) state = paren[2];
        snprintf(f, sizeof f, "%s/%s/schedstat", path, e->d_name);
        fp = fopen(f, "r");
        if (!fp || fscanf(fp, "%llu", &ns) != 1) asleep = false;
        if (fp) fclose(fp);
        asleep = asleep && state == 'S'; /* D may be a page fault a loaded machine is slow to serve */
        *ran_ns += ns;
        ++*threads;
    }
    closedir(d);
    return asleep && *threads > 0;
}

/* Whether child c has had every thread asleep, none running, for STUCK_MS. */
static bool stuck(struct child *c, double now)
{
    unsigned long long ran;
    int threads;
    if (!all_asleep(c->pid, &ran, &threads) || ran != c->ran_ns || threads != c->threads) {
        c->ran_ns = ran, c->threads = threads;
        c->still_since = -1;
        return false;
    }
    if (c->still_since < 0) c->still_since = now;
    return now - c->still_since >= STUCK_MS;
}

/* Waits for forked children, each up to deadline_ms after its own fork
 * (children forked at different moments get the same window), kills those
 * still running as hangs, and records how each one ended. */
static void reap_children(struct child *c, int n, int deadline_ms)
{
    for (int left = n; left > 0;) {
        left = 0;
        double now = now_ms();
        for (int i = 0; i < n; i++) {
            if (c[i].how) continue;
            if (waitpid(c[i].pid, &c[i].st, WNOHANG) == c[i].pid) {
                c[i].ms = now_ms() - c[i].t0;
                c[i].how = "done";
            } else if (now - c[i].t0 > deadline_ms || (deadline_ms == MAY_HANG_MS && stuck(&c[i], now))) {
                c[i].seen = now - c[i].t0 > deadline_ms ? "killed at the deadline" : "every thread asleep";
                kill(c[i].pid, SIGKILL);
                waitpid(c[i].pid, &c[i].st, 0);
                c[i].ms = now_ms() - c[i].t0;
                c[i].how = "hang";
            } else left++;
        }
        struct timespec ts = { 0, 2000000 };
        if (left) nanosleep(&ts, NULL);
    }
    for (int i = 0; i < n; i++) {
        static char bufs[8][64];
        if (!strcmp(c[i].how, "done")) c[i].how = ending(c[i].st, bufs[i], sizeof bufs[i]);
        if (c[i].seen)
            gc_fact(c[i].name, "{\"result\":\"%s\",\"ms\":%.1f,\"seen\":\"%s\"}", c[i].how, c[i].ms, c[i].seen);
        else gc_fact(c[i].name, "{\"result\":\"%s\",\"ms\":%.1f}", c[i].how, c[i].ms);
    }
}

static atomic_int stop_busy;

static void *busy(void *p)
{
    (void)p;
    while (!atomic_load(&stop_busy)) GO_FN(SpinMs)(20);
    return NULL;
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    const char *mode = getenv("THR_FORK");
    bool scheduler = mode && !strcmp(mode, "scheduler");
    want_spawn = spawn_ref(64);
    GC_EXPECT(GO_FN(Spawn)(64) == want_spawn); /* the runtime and its threads are up */
    GO_FN(GC)();
    if (!scheduler) {
        /* Fork from a quiet runtime, one child at a time: a runtime thread
         * that holds a lock at fork time leaves it held in the child. */
        struct child c[] = { { .name = "fork_exec", .fn = child_exec },
                             { .name = "fork_call", .fn = child_call },
                             { .name = "fork_call_exec", .fn = child_call_exec } };
        for (int i = 0; i < 3; i++) {
            struct timespec quiet = { 0, 100000000 };
            nanosleep(&quiet, NULL);
            fork_children(c + i, 1);
            reap_children(c + i, 1, MUST_COMPLETE_MS);
        }
        for (int i = 0; i < 3; i++)
            if (strcmp(c[i].how, "ok")) { gc_fail("%s: the child ended with %s", c[i].name, c[i].how); return; }
    } else {
        struct child c[] = { { .name = "fork_goroutines", .fn = child_goroutines },
                             { .name = "fork_alloc_gc", .fn = child_alloc },
                             { .name = "fork_while_threads_in_go", .fn = child_call } };
        fork_children(c, 2);
        pthread_t t[BUSY_THREADS];
        for (int i = 0; i < BUSY_THREADS; i++) GC_EXPECT(pthread_create(&t[i], NULL, busy, NULL) == 0);
        struct timespec ts = { 0, 30000000 };
        nanosleep(&ts, NULL);
        fork_children(c + 2, 1);
        /* The child is a snapshot of the instant of fork(): the busy threads
         * can stop now, and all three windows run at once. */
        atomic_store(&stop_busy, 1);
        for (int i = 0; i < BUSY_THREADS; i++) pthread_join(t[i], NULL);
        reap_children(c, 3, MAY_HANG_MS);
        /* Only the forking thread exists in the child, but whether a child
         * that needs the scheduler or a GC completes depends on what the
         * runtime's other threads held at that instant: it hangs in some
         * runs and completes in others. The case runs many trials; each
         * fails when a child did not complete (a hang or a crash: the
         * detail says which), and the record counts them. */
        GC_EXPECT(GO_FN(Mix)(0) == 0xe220a8397b1dcdafULL); /* the parent is unharmed */
        for (int i = 0; i < 3; i++)
            if (strcmp(c[i].how, "ok")) {
                gc_fail("%s: the child ended with %s", c[i].name, c[i].how);
                return;
            }
    }
    GC_EXPECT(GO_FN(Mix)(0) == 0xe220a8397b1dcdafULL); /* the parent is unharmed */
    gc_pass();
}
