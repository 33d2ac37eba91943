/* runtime/pprof's CPU profile started inside the library (ProfileStart)
 * while C threads call in: two threads call Spin(5) over and over, a third
 * spins in C code without calling Go. The profile is stopped only after
 * each caller made CALLS calls and the C spinner went round as often, so
 * the calls overlap the profile however slow the machine is; ProfileStop
 * checks that what pprof wrote is gzip holding a well-formed Profile
 * message; its size and sample count are evidence only (they depend on the
 * load).
 *
 * GOCOMPAT_PPROF=host-handler first installs the host's own SIGPROF
 * handler and ITIMER_PROF timer (a sampling profiler of its own, as some
 * Python profilers are) and runs it until it has ticked; then the facts
 * say what pprof did to it: whose handler is installed while Go profiles
 * and after, whether a SIGPROF raised meanwhile reaches the host's, and
 * what is left of the host's timer. GOCOMPAT_WANT_* name what the case
 * requires of those. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "probe.h"

enum { CALLERS = 2, CALLS = 5, WAIT_MS = 30000 };

static atomic_int stop;
static atomic_long rounds[CALLERS + 1];
static atomic_int host_hits;

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0) {
    }
}

static void *go_caller(void *arg)
{
    atomic_long *n = arg;
    while (!atomic_load(&stop)) {
        GO_FN(Spin)(5);
        atomic_fetch_add(n, 1);
    }
    return NULL;
}

static void *c_spinner(void *arg)
{
    atomic_long *n = arg;
    volatile unsigned long x = 0;
    while (!atomic_load(&stop)) {
        for (int i = 0; i < 1000000; i++) x += (unsigned long)i;
        atomic_fetch_add(n, 1);
    }
    return NULL;
}

/* Waits until every thread went round `more` times beyond `from`. */
static int wait_rounds(const long *from, long more)
{
    for (int w = 0; w < WAIT_MS; w++) {
        int all = 1;
        for (int i = 0; i <= CALLERS; i++)
            if (atomic_load(&rounds[i]) < from[i] + more) all = 0;
        if (all) return 1;
        sleep_ms(1);
    }
    return 0;
}

static void on_prof(int sig)
{
    (void)sig;
    atomic_fetch_add(&host_hits, 1);
}

/* Runs the host's own profiler until its handler has counted 3 ticks of
 * the process's CPU time (the calling thread burns it). */
static int host_profiler_ticks(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_prof;
    sa.sa_flags = SA_ONSTACK | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPROF, &sa, NULL);
    struct itimerval it = { { 0, 10000 }, { 0, 10000 } };
    setitimer(ITIMER_PROF, &it, NULL);
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    volatile unsigned long x = 0;
    do {
        for (int i = 0; i < 100000; i++) x += (unsigned long)i;
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while (atomic_load(&host_hits) < 3 && t.tv_sec - t0.tv_sec < WAIT_MS / 1000);
    return atomic_load(&host_hits) >= 3;
}

/* Whose SIGPROF handler is installed: "host", "default", "ignored", "other". */
static const char *prof_owner(void)
{
    struct sigaction now;
    sigaction(SIGPROF, NULL, &now);
    if (now.sa_handler == on_prof) return "host";
    if (now.sa_handler == SIG_DFL) return "default";
    if (now.sa_handler == SIG_IGN) return "ignored";
    return "other";
}

/* A SIGPROF raised on this thread: 1 if the host's handler counted it. */
static int raise_reaches_host(void)
{
    int before = atomic_load(&host_hits);
    raise(SIGPROF);
    return atomic_load(&host_hits) > before;
}

static int want(const char *name, const char *got)
{
    const char *w = getenv(name);
    if (w && strcmp(w, got) != 0) {
        gc_fail("%s: got %s, want %s", name, got, w);
        return 0;
    }
    return 1;
}

static const char *yes(int b) { return b ? "true" : "false"; }

/* What Go's profile did to the host's handler while it ran; recorded in
 * *during* and judged once the profile is stopped. */
struct during { const char *owner; int reached; };

static int judge_host_handler(const struct during *d)
{
    struct itimerval left;
    getitimer(ITIMER_PROF, &left);
    const char *timer = left.it_interval.tv_sec || left.it_interval.tv_usec ? "running" : "stopped";
    const char *owner = prof_owner();
    int reached = raise_reaches_host();
    gc_fact("handler_while_profiling", "\"%s\"", d->owner);
    gc_fact("raise_reaches_host_while_profiling", "%s", yes(d->reached));
    gc_fact("handler_after_profiling", "\"%s\"", owner);
    gc_fact("raise_reaches_host_after_profiling", "%s", yes(reached));
    gc_fact("host_timer_after_profiling", "\"%s\"", timer);
    return want("GOCOMPAT_WANT_HANDLER_DURING", d->owner) && want("GOCOMPAT_WANT_RAISE_DURING", yes(d->reached)) &&
           want("GOCOMPAT_WANT_HANDLER_AFTER", owner) && want("GOCOMPAT_WANT_RAISE_AFTER", yes(reached)) &&
           want("GOCOMPAT_WANT_HOST_TIMER_AFTER", timer);
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    const char *mode = getenv("GOCOMPAT_PPROF");
    int host = mode && strcmp(mode, "host-handler") == 0;
    if (host) {
        GC_EXPECT(host_profiler_ticks());
        gc_fact("host_ticks_before", "%d", atomic_load(&host_hits));
    }
    pthread_t th[CALLERS + 1];
    for (int i = 0; i <= CALLERS; i++)
        GC_EXPECT(pthread_create(&th[i], NULL, i < CALLERS ? go_caller : c_spinner, &rounds[i]) == 0);
    GC_EXPECT_EQ_LL(GO_FN(ProfileStart)(), 0);
    long from[CALLERS + 1];
    for (int i = 0; i <= CALLERS; i++) from[i] = atomic_load(&rounds[i]);
    int overlapped = wait_rounds(from, CALLS);
    struct during d = { NULL, 0 };
    if (host) {
        d.owner = prof_owner();
        d.reached = raise_reaches_host();
    }
    long long samples = -1;
    long size = GO_FN(ProfileStop)(&samples);
    atomic_store(&stop, 1);
    for (int i = 0; i <= CALLERS; i++) pthread_join(th[i], NULL);
    /* Both move with the machine's load; named as measurements, which
     * comparisons of two runs leave out. */
    gc_fact("profile_kb", "%.2f", (double)size / 1024);
    gc_fact("samples_per_profile", "%lld", samples);
    GC_EXPECT(overlapped);
    if (size < 0) {
        gc_fail("ProfileStop: %s", size == -1 ? "not gzip" : size == -2 ? "a malformed message" : "no sample types");
        return;
    }
    if (host && !judge_host_handler(&d)) return;
    gc_pass();
}
