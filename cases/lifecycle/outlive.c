/* Goroutines that outlive the export call that started them: they keep
 * running while the host is outside Go, the host calls in again later, and
 * finally a host process exits (returns from main) while its goroutines
 * run and another thread is still inside a Go call. That last part runs in
 * a fresh copy of this host (re-executed with THR_OUTLIVE_CHILD set) so
 * its exit status and the time exit takes can be measured from outside. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

static long long mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* Deadlines for what must happen; they bound a failure, never a pass, so
 * they are generous enough for a machine with every core busy. */
enum { TICKS_WANTED = 10, TICKS_LIMIT_MS = 10000, CHILD_EXIT_LIMIT_MS = 20000 };

/* The ticker (1 ms period) must advance while the host sleeps outside Go.
 * It usually ticks ~100 times in the first 100 ms; a loaded machine may
 * starve it, so the host goes on sleeping in 100 ms steps until it has seen
 * TICKS_WANTED ticks or the limit passed. Returns the ticks seen. */
static long long ticks_while_outside(long long *waited_ms)
{
    long long t0 = GO_FN(Ticks)(), t = t0;
    for (*waited_ms = 0; t - t0 < TICKS_WANTED && *waited_ms < TICKS_LIMIT_MS; *waited_ms += 100) {
        sleep_ms(100); /* no call into Go is active now */
        t = GO_FN(Ticks)();
    }
    return t - t0;
}

static void *spin(void *p)
{
    (void)p;
    GO_FN(SpinMs)(10000);
    return NULL;
}

/* Child: leave goroutines and a Go call running, tell the parent the time,
 * and return from main. */
static void child(int fd)
{
    for (int i = 0; i < 4; i++) GO_FN(StartTicker)();
    pthread_t t;
    if (pthread_create(&t, NULL, spin, NULL) != 0) _exit(5);
    sleep_ms(20);
    long long now = mono_ns();
    if (write(fd, &now, sizeof now) != (ssize_t)sizeof now) _exit(6);
}

static int run_child(long long *exit_ns, int *status)
{
    char cmd[8192];
    int fd = open("/proc/self/cmdline", O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, cmd, sizeof cmd - 1) : -1;
    if (fd >= 0) close(fd);
    if (n <= 0) return -1;
    cmd[n] = 0;
    char *args[8] = { 0 };
    int k = 0;
    for (char *p = cmd; p < cmd + n && k < 7; p += strlen(p) + 1) args[k++] = p;
    int pfd[2];
    if (pipe(pfd) < 0) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 3); /* the child's verdict lines must not reach the runner */
        close(pfd[0]);
        char env[32];
        snprintf(env, sizeof env, "%d", pfd[1]);
        setenv("THR_OUTLIVE_CHILD", env, 1);
        gc_exec_self(args);
        _exit(127);
    }
    close(pfd[1]);
    long long sent = 0;
    ssize_t r = read(pfd[0], &sent, sizeof sent);
    close(pfd[0]);
    long long deadline = mono_ns() + CHILD_EXIT_LIMIT_MS * 1000000LL;
    int st = 0;
    while (waitpid(pid, &st, WNOHANG) != pid) {
        if (mono_ns() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            *status = -1;
            return 0;
        }
        sleep_ms(1);
    }
    *exit_ns = r == (ssize_t)sizeof sent ? mono_ns() - sent : -1;
    *status = st;
    return 0;
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    const char *cf = getenv("THR_OUTLIVE_CHILD");
    if (cf) { child(atoi(cf)); return; }

    int started = GO_FN(StartTicker)();
    long long waited = 0, ticks = ticks_while_outside(&waited);
    gc_fact("ticks_while_host_outside_go", "%lld", ticks);
    gc_fact("host_outside_go_ms", "%lld", waited);
    gc_fact("goroutines", "%d", GO_FN(Goroutines)());
    GC_EXPECT_EQ_LL(started, 1);
    GC_EXPECT(ticks >= TICKS_WANTED);
    GC_EXPECT_EQ_LL(GO_FN(StartTicker)(), 2);

    long long exit_ns = 0;
    int st = 0;
    GC_EXPECT(run_child(&exit_ns, &st) == 0);
    if (st == -1) {
        gc_fail("a host returning from main with goroutines running did not exit within %d s", CHILD_EXIT_LIMIT_MS / 1000);
        return;
    }
    gc_fact("child_exit_ms", "%.2f", (double)exit_ns / 1e6);
    if (WIFSIGNALED(st)) { gc_fail("the exiting host died of signal %d", WTERMSIG(st)); return; }
    gc_fact("child_exit_status", "%d", WEXITSTATUS(st));
    GC_EXPECT_EQ_LL(WEXITSTATUS(st), 0);
    gc_pass();
}
