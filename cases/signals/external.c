/* A signal sent by another process while a host thread is running Go code
 * (testcarchive's TestSignalForwardingExternal). The probe runs itself
 * again as a child (same host, same library) GOCOMPAT_EXTERNAL_RUNS times
 * (default 1) and reports how each child ended.
 *
 * The child (GOCOMPAT_EXTERNAL_CHILD set) starts a pthread that writes its
 * thread id to a pipe, calls the export WriteFD on that pipe (so the next
 * byte comes from Go, on that thread), then calls Spin(20000) over and
 * over; the thread that started it waits in pthread_join. The child
 * installs no handler. GOCOMPAT_EXTERNAL_MAIN picks the main thread's mask:
 *   c      (default) nothing blocked: the kernel offers a process-directed
 *          signal to the main thread first, and it is waiting in C code;
 *   block  the signal blocked from a constructor, before the Go runtime
 *          starts, so only the spinning thread and threads that unblock
 *          it (Go's own, for the signals the runtime handles) can take it.
 *
 * The parent reads the thread id and Go's byte, then waits until the
 * thread has used CPU time in user mode since (it is spinning in Go code:
 * Spin makes no system calls; the wait is bounded and a pass never depends
 * on it), records the thread's state and sends GOCOMPAT_EXTERNAL_SIGNAL
 * (TERM, SEGV, …): with kill() to the process (si_code SI_USER), or with
 * tgkill() to the spinning thread when GOCOMPAT_EXTERNAL_TARGET=thread
 * (si_code SI_TKILL). A child that has not ended 20 s after the signal is
 * killed and ends as "timeout"; one that never sent both bytes ends as
 * "… (never ready)", which no case accepts.
 *
 * Evidence: the count of each ending over the runs ("signal SIGQUIT": 9,
 * …), the first stderr line of each ending, which thread the Go runtime's
 * report names (report_names: the thread in Spin, goroutine 0, a thread in
 * the Go scheduler, no Go report), the thread's state and CPU time when the signal was sent. The
 * cell passes when every run ended in one of GOCOMPAT_WANT_END ("signal
 * SIGTERM", alternatives with |) and, with GOCOMPAT_WANT_STDERR, every
 * child's stderr holds that text. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

/* ---- child ---------------------------------------------------------- */

static int ready_fd = -1;
static int child_sig;

static int signal_number(const char *name)
{
    for (int s = 1; name && s < 32; s++)
        if (sigabbrev_np(s) && !strcmp(name, sigabbrev_np(s))) return s;
    return 0;
}

/* GOCOMPAT_EXTERNAL_MAIN=block: the main thread blocks the signal before
 * the Go runtime starts (c-archive's and c-linked's start in constructors
 * of default priority), so every thread created later inherits the block
 * unless it unblocks: the spinning thread does, Go's own threads unblock
 * what the runtime handles (SIGSEGV, not SIGTERM). */
__attribute__((constructor(101))) static void block_early(void)
{
    if (!getenv("GOCOMPAT_EXTERNAL_CHILD")) return;
    child_sig = signal_number(getenv("GOCOMPAT_EXTERNAL_SIGNAL"));
    const char *m = getenv("GOCOMPAT_EXTERNAL_MAIN");
    if (child_sig && m && !strcmp(m, "block")) {
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, child_sig);
        sigprocmask(SIG_BLOCK, &s, NULL);
    }
}

static void *spinner(void *arg)
{
    (void)arg;
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, child_sig);
    pthread_sigmask(SIG_UNBLOCK, &s, NULL);
    char line[32];
    int n = snprintf(line, sizeof line, "%d\n", (int)gettid());
    if (write(ready_fd, line, (size_t)n) != n) _exit(93);
    if (GO_FN(WriteFD)(ready_fd) != 0) _exit(94);
    for (int i = 0; i < 10; i++) GO_FN(Spin)(20000);
    return NULL;
}

static void child(void)
{
    const char *fd = getenv("GOCOMPAT_EXTERNAL_READY_FD");
    if (!fd) _exit(91);
    ready_fd = atoi(fd);
    pthread_t t;
    if (pthread_create(&t, NULL, spinner, NULL) != 0) _exit(92);
    pthread_join(t, NULL);
    _exit(0);
}

/* ---- parent --------------------------------------------------------- */

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* The state letter and user CPU ticks of thread tid of pid, from
 * /proc/PID/task/TID/stat; 0 when unreadable. */
static int thread_stat(pid_t pid, int tid, char *state, long *utime)
{
    char path[96], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)pid, tid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = 0;
    char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    if (!p) return 0;
    unsigned long ut = 0;
    /* ") S ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime" */
    if (sscanf(p + 1, " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu", state, &ut) != 2) return 0;
    *utime = (long)ut;
    return 1;
}

struct run {
    struct gc_child_end end;
    char err[1 << 14];
    size_t errlen;
    char state;        /* the thread's state when the signal was sent */
    long ticks;        /* its user CPU ticks gained between Go's byte and the signal */
    double wait_ms;    /* from Go's byte to the signal */
    double after_ms;   /* from the signal to the child's end */
    const char *landed; /* where the Go runtime's report says it was */
};

/* What Go's crash report names first: its first "goroutine " line is the
 * goroutine of the thread that took the signal ("goroutine 0 … [idle]": a
 * thread in the Go scheduler, one of Go's own parked threads or the
 * spinning thread between slices; a goroutine whose stack holds main.Spin:
 * the spinning host thread, in Spin). */
static const char *landed_on(const char *err)
{
    const char *g = strstr(err, "\ngoroutine ");
    if (!g) return "no Go report";
    const char *eol = strchr(g + 1, '\n');
    if (eol && memmem(g, (size_t)(eol - g), "[idle]", 6)) return "goroutine 0, a thread in the Go scheduler";
    const char *end = strstr(g + 1, "\n\n");
    size_t len = end ? (size_t)(end - g) : strlen(g);
    if (memmem(g, len, "main.Spin(", 10)) return "the thread in Spin";
    return "another goroutine";
}

/* Reads from fd into buf until want bytes, a newline (line != 0) or the
 * deadline; the count read. */
static size_t read_until(int fd, char *buf, size_t cap, int line, double deadline)
{
    size_t k = 0;
    while (k < cap) {
        int left = (int)(deadline - gc_now_ms());
        if (left <= 0) break;
        struct pollfd pf = { fd, POLLIN, 0 };
        int pr = poll(&pf, 1, left);
        if (pr < 0 && errno == EINTR) continue;
        if (pr <= 0) break;
        ssize_t n = read(fd, buf + k, line ? 1 : cap - k);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        k += (size_t)n;
        if (line && buf[k - 1] == '\n') break;
    }
    return k;
}

/* One child: 0, or -1 with the reason in r->err. */
static int run_child(int sig, struct run *r)
{
    char **av = gc_self_argv();
    if (!av) {
        snprintf(r->err, sizeof r->err, "cannot read this probe's command line: %s", strerror(errno));
        return -1;
    }
    int ready[2], errp[2];
    if (pipe2(ready, O_CLOEXEC) != 0 || pipe2(errp, O_CLOEXEC) != 0) {
        snprintf(r->err, sizeof r->err, "pipe: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(r->err, sizeof r->err, "fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        int fd = dup(ready[1]); /* without O_CLOEXEC */
        char num[16];
        snprintf(num, sizeof num, "%d", fd);
        setenv("GOCOMPAT_EXTERNAL_READY_FD", num, 1);
        setenv("GOCOMPAT_EXTERNAL_CHILD", "1", 1);
        dup2(errp[1], 2);
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) dup2(null, 3); /* the child reports nothing */
        gc_exec_self(av);
        dprintf(2, "exec: %s\n", strerror(errno));
        _exit(127);
    }
    close(ready[1]);
    close(errp[1]);
    /* The thread id, then the byte WriteFD wrote from Go: generous bounds,
     * a child that misses them is still signalled and reported. */
    double t0 = gc_now_ms();
    char line[32] = { 0 }, go = 0;
    size_t n = read_until(ready[0], line, sizeof line - 1, 1, t0 + 20000);
    int tid = n ? atoi(line) : 0;
    size_t gn = tid ? read_until(ready[0], &go, 1, 0, gc_now_ms() + 20000) : 0;
    double tgo = gc_now_ms();
    long base = 0, ut = 0;
    char st = '?';
    r->ticks = -1;
    if (gn == 1 && go == 'x' && thread_stat(pid, tid, &st, &base)) {
        /* Spinning in Spin: user CPU time grows by at least 2 ticks (at
         * least 10 ms of it, usually 100 ms). At most 10 s. */
        do {
            sleep_ms(20);
            if (!thread_stat(pid, tid, &st, &ut)) break;
        } while (ut - base < 2 && gc_now_ms() - tgo < 10000);
        r->ticks = ut - base;
    }
    r->state = st;
    r->wait_ms = gc_now_ms() - tgo;
    double tk = gc_now_ms();
    if (getenv("GOCOMPAT_EXTERNAL_TARGET") && !strcmp(getenv("GOCOMPAT_EXTERNAL_TARGET"), "thread") && tid)
        syscall(SYS_tgkill, (int)pid, tid, sig);
    else
        kill(pid, sig);
    /* The child's stderr, until every writer is gone or 20 s. */
    r->errlen = gc_wait_child(pid, errp[0], tk + 20000, r->err, sizeof r->err, &r->end);
    r->after_ms = gc_now_ms() - tk;
    r->landed = landed_on(r->err);
    close(ready[0]);
    if (gn != 1 || go != 'x')
        snprintf(r->end.name + strlen(r->end.name), sizeof r->end.name - strlen(r->end.name), " (never ready)");
    return 0;
}

/* A copy of s fit for a JSON string (quotes and controls replaced). */
static void json_safe(char *dst, size_t n, const char *s, size_t len)
{
    size_t k = 0;
    for (size_t i = 0; i < len && k + 1 < n; i++) {
        char c = s[i];
        dst[k++] = (c == '"' || c == '\\' || (unsigned char)c < 0x20) ? '\'' : c;
    }
    dst[k] = 0;
}

static int end_allowed(const char *want, const char *end)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", want);
    char *save = NULL;
    for (char *w = strtok_r(buf, "|", &save); w; w = strtok_r(NULL, "|", &save)) {
        while (*w == ' ') w++;
        size_t n = strlen(w);
        while (n && w[n - 1] == ' ') w[--n] = 0;
        if (!strcmp(w, end)) return 1;
    }
    return 0;
}

enum { MAX_RUNS = 100, MAX_ENDS = 8 };

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    if (getenv("GOCOMPAT_EXTERNAL_CHILD")) child();
    const char *sname = getenv("GOCOMPAT_EXTERNAL_SIGNAL");
    const char *want = getenv("GOCOMPAT_WANT_END");
    if (!sname || !want) {
        gc_skip("GOCOMPAT_EXTERNAL_SIGNAL or GOCOMPAT_WANT_END is not set");
        return;
    }
    int sig = signal_number(sname);
    if (!sig) {
        gc_fail("unknown signal name %s (want SEGV, TERM, …)", sname);
        return;
    }
    int runs = getenv("GOCOMPAT_EXTERNAL_RUNS") ? atoi(getenv("GOCOMPAT_EXTERNAL_RUNS")) : 1;
    if (runs < 1 || runs > MAX_RUNS) runs = 1;

    static struct run r;
    char ends[MAX_ENDS][64];
    char firsts[MAX_ENDS][320];
    const char *want_err = getenv("GOCOMPAT_WANT_STDERR");
    int lacks = -1;
    int counts[MAX_ENDS] = { 0 }, nends = 0, bad = -1;
    const char *places[4] = { 0 };
    int pcounts[4] = { 0 }, nplaces = 0;
    char states[MAX_RUNS + 1] = { 0 };
    long min_ticks = -1;
    double max_wait = 0, max_after = 0;
    for (int i = 0; i < runs; i++) {
        if (run_child(sig, &r) < 0) {
            gc_fail("%s", r.err);
            return;
        }
        states[i] = r.state;
        if (min_ticks < 0 || r.ticks < min_ticks) min_ticks = r.ticks;
        if (r.wait_ms > max_wait) max_wait = r.wait_ms;
        if (r.after_ms > max_after) max_after = r.after_ms;
        int e = 0;
        while (e < nends && strcmp(ends[e], r.end.name) != 0) e++;
        if (e == nends && nends < MAX_ENDS) {
            snprintf(ends[e], sizeof ends[e], "%s", r.end.name);
            size_t fl = strcspn(r.err, "\n");
            json_safe(firsts[e], sizeof firsts[e], r.err, fl < 300 ? fl : 300);
            nends++;
        }
        if (e < nends) counts[e]++;
        int q = 0;
        while (q < nplaces && strcmp(places[q], r.landed) != 0) q++;
        if (q == nplaces && nplaces < 4) places[nplaces++] = r.landed;
        if (q < nplaces) pcounts[q]++;
        if (bad < 0 && !end_allowed(want, r.end.name)) bad = e < nends ? e : 0;
        if (lacks < 0 && want_err && *want_err && !strstr(r.err, want_err)) lacks = e < nends ? e : 0;
    }
    char hist[1024] = "{", firstj[4096] = "{";
    for (int e = 0; e < nends; e++) {
        size_t hl = strlen(hist), fl = strlen(firstj);
        snprintf(hist + hl, sizeof hist - hl, "%s\"%s\": %d", e ? ", " : "", ends[e], counts[e]);
        snprintf(firstj + fl, sizeof firstj - fl, "%s\"%s\": \"%s\"", e ? ", " : "", ends[e], firsts[e]);
    }
    char where[512] = "{";
    for (int q = 0; q < nplaces; q++) {
        size_t wl = strlen(where);
        snprintf(where + wl, sizeof where - wl, "%s\"%s\": %d", q ? ", " : "", places[q], pcounts[q]);
    }
    strncat(where, "}", sizeof where - strlen(where) - 1);
    strncat(hist, "}", sizeof hist - strlen(hist) - 1);
    strncat(firstj, "}", sizeof firstj - strlen(firstj) - 1);
    gc_fact("signal", "\"SIG%s\"", sname);
    gc_fact("runs", "%d", runs);
    gc_fact("sent_with", "\"%s\"", getenv("GOCOMPAT_EXTERNAL_TARGET") && !strcmp(getenv("GOCOMPAT_EXTERNAL_TARGET"), "thread") ? "tgkill to the thread in Spin" : "kill to the process");
    gc_fact("main_thread", "\"%s\"", getenv("GOCOMPAT_EXTERNAL_MAIN") ? getenv("GOCOMPAT_EXTERNAL_MAIN") : "c");
    gc_fact("endings", "%s", hist);
    gc_fact("stderr_first_line", "%s", firstj);
    gc_fact("report_names", "%s", where);
    gc_fact("thread_states_at_kill", "\"%s\"", states);
    gc_fact("min_user_ticks_before_kill", "%ld", min_ticks);
    gc_fact("max_wait_before_kill_ms", "%.1f", max_wait);
    gc_fact("max_kill_to_end_ms", "%.1f", max_after);
    if (bad >= 0) {
        gc_fail("a child ended with %s, want %s (endings %s); its stderr starts \"%s\"", ends[bad], want, hist,
                firsts[bad]);
        return;
    }
    if (lacks >= 0) {
        gc_fail("a child that ended with %s has no \"%s\" on stderr (endings %s); its stderr starts \"%s\"", ends[lacks],
                want_err, hist, firsts[lacks]);
        return;
    }
    gc_pass();
}
