/* A host handler installed without SA_RESTART (as CPython installs its
 * own) interrupts a Go read that blocks in an export. The caller's thread
 * calls ReadVia on a pipe or socket that stays empty; a helper thread waits
 * until /proc shows the caller blocked (in read(2), or parked in a futex for
 * the net.Conn read), sends it SIGUSR1 with pthread_kill, waits for the
 * handler to have run, and does that three times before it writes the byte
 * the read is waiting for. Every signal lands while the call is blocked, so
 * the kernel hands EINTR back to whatever Go code made the system call. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

enum { SIGNALS = 3, WAIT_MS = 20000 };

static atomic_int hits;
static atomic_long hit_tid;
static atomic_int call_done;

static void on_usr1(int sig)
{
    (void)sig;
    atomic_store(&hit_tid, (long)syscall(SYS_gettid));
    atomic_fetch_add(&hits, 1);
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* The system call thread tid is blocked in (/proc/self/task/TID/syscall),
 * -1 while it runs, -2 when the file cannot be read. */
static long task_syscall(long tid)
{
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/self/task/%ld/syscall", tid);
    FILE *f = fopen(path, "r");
    if (!f) return -2;
    long nr = -2;
    if (fgets(buf, sizeof buf, f)) nr = strncmp(buf, "running", 7) == 0 ? -1 : atol(buf);
    fclose(f);
    return nr;
}

struct target {
    pthread_t thread;
    long tid;
    long want_nr;  /* the system call the caller blocks in */
    int wfd;       /* the other end of what ReadVia reads */
    int sent;      /* signals sent while the caller was blocked */
    const char *error;
};

/* Waits until the caller is blocked in its system call: 1, or 0 when the
 * call returned first or the deadline passed (t->error says which). */
static int wait_blocked(struct target *t)
{
    for (int w = 0; w < WAIT_MS; w++) {
        if (atomic_load(&call_done)) return 0;
        if (task_syscall(t->tid) == t->want_nr) return 1;
        sleep_ms(1);
    }
    t->error = "the caller was never seen blocked in its system call";
    return 0;
}

static void *interrupter(void *arg)
{
    struct target *t = arg;
    for (int i = 0; i < SIGNALS && wait_blocked(t); i++) {
        pthread_kill(t->thread, SIGUSR1);
        int w = 0;
        while (atomic_load(&hits) <= i && w++ < WAIT_MS) sleep_ms(1);
        if (atomic_load(&hits) <= i) {
            t->error = "the handler did not run";
            break;
        }
        t->sent++;
    }
    if (write(t->wfd, "x", 1) != 1) t->error = "write failed";
    return NULL;
}

struct kind { int id; const char *name; long nr; int want; int want_sent; };

/* One blocking ReadVia of the given kind under three signals; 1 if it ended
 * as the kind requires. */
static int run_kind(const struct kind *k)
{
    int fds[2];
    int rc = k->id == 2 ? socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) : pipe2(fds, O_CLOEXEC);
    if (rc != 0) {
        gc_fail("%s: cannot make the channel: %s", k->name, strerror(errno));
        return 0;
    }
    struct target t = { pthread_self(), (long)syscall(SYS_gettid), k->nr, fds[1], 0, NULL };
    pthread_t helper;
    atomic_store(&hits, 0);
    atomic_store(&call_done, 0);
    if (pthread_create(&helper, NULL, interrupter, &t) != 0) {
        gc_fail("pthread_create failed");
        return 0;
    }
    int got = GO_FN(ReadVia)(k->id, fds[0]);
    atomic_store(&call_done, 1);
    pthread_join(helper, NULL);
    close(fds[0]);
    close(fds[1]);
    char key[64];
    snprintf(key, sizeof key, "%s_result", k->name);
    gc_fact(key, "\"%s\"", got == 'x' ? "the byte" : got == -EINTR ? "EINTR" : got < 0 ? strerror(-got) : "another byte");
    snprintf(key, sizeof key, "%s_signals_while_blocked", k->name);
    gc_fact(key, "%d", t.sent);
    if (t.error) {
        gc_fail("%s: %s", k->name, t.error);
        return 0;
    }
    if (atomic_load(&hit_tid) != t.tid) {
        gc_fail("%s: the handler ran on thread %ld, not the caller %ld", k->name, atomic_load(&hit_tid), t.tid);
        return 0;
    }
    if (got != k->want || t.sent != k->want_sent) {
        gc_fail("%s: ReadVia returned %d after %d signals, want %d after %d", k->name, got, t.sent, k->want,
                k->want_sent);
        return 0;
    }
    return 1;
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    if (gc_emulated()) {
        gc_skip("under qemu-user /proc shows the emulator's system calls, not the guest's");
        return;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_ONSTACK; /* no SA_RESTART, as CPython's handlers */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    static const struct kind kinds[] = {
        { 0, "os_file", SYS_read, 'x', SIGNALS },
        { 1, "syscall_read", SYS_read, -EINTR, 1 },
        { 2, "net_conn", SYS_futex, 'x', SIGNALS },
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!run_kind(&kinds[i])) return;
    gc_pass();
}
