/* Watches an export fail from outside: the probe runs itself again as a
 * child (same host, same library) with stderr on a pipe, lets the child
 * call the failing export, and reports what a parent process sees: how the
 * child ended, its stderr line count and shape. GOCOMPAT_PANIC picks the
 * failure ("panic": four parked goroutines, then a string panic; "goexit":
 * runtime.Goexit in the export); GOCOMPAT_WANT_END ("signal SIGABRT",
 * "exit 2") and GOCOMPAT_WANT_STDERR (a substring) are what the case
 * requires; GOCOMPAT_WANT_GOROUTINES is "0", "1" or "many" (the number of
 * "goroutine N [" headers in the traceback). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

static void child(void)
{
    const char *s = getenv("GOCOMPAT_PANIC");
    if (s && strcmp(s, "goexit") == 0) GO_FN(GoexitNow)();
    GO_FN(Goroutines)(4);
    GO_FN(PanicKind)(0);
    _exit(0);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    if (getenv("GOCOMPAT_AS_CHILD")) child();
    char **av = gc_self_argv();
    if (!av) {
        gc_fail("cannot read /proc/self/cmdline: %s", strerror(errno));
        return;
    }
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) {
        gc_fail("pipe: %s", strerror(errno));
        return;
    }
    double t0 = now_ms();
    pid_t pid = fork();
    if (pid < 0) {
        gc_fail("fork: %s", strerror(errno));
        return;
    }
    if (pid == 0) {
        /* The child reports nothing to the runner: fd 3 goes nowhere. */
        int nul = open("/dev/null", O_WRONLY);
        dup2(nul, 3);
        dup2(p[1], 2);
        setenv("GOCOMPAT_AS_CHILD", "1", 1);
        gc_exec_self(av);
        _exit(127);
    }
    close(p[1]);
    static char err[1 << 16];
    size_t len = 0;
    for (;;) {
        ssize_t r = read(p[0], err + len, sizeof err - 1 - len);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        len += (size_t)r;
        if (len == sizeof err - 1) break;
    }
    err[len] = 0;
    close(p[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    gc_fact("child_ms", "%.1f", now_ms() - t0);
    char end[64];
    if (WIFSIGNALED(st)) {
        snprintf(end, sizeof end, "signal SIG%s", sigabbrev_np(WTERMSIG(st)));
        gc_fact("child_core", "%s", WCOREDUMP(st) ? "true" : "false");
    } else
        snprintf(end, sizeof end, "exit %d", WEXITSTATUS(st));
    gc_fact("child_end", "\"%s\"", end);
    int lines = 0, goroutines = 0, frames = 0;
    char first[200] = "";
    for (char *l = err; *l;) {
        char *nl = strchr(l, '\n');
        size_t n = nl ? (size_t)(nl - l) : strlen(l);
        if (!lines) snprintf(first, sizeof first, "%.*s", (int)(n < 150 ? n : 150), l);
        lines++;
        if (strncmp(l, "goroutine ", 10) == 0) goroutines++;
        if (n > 1 && l[0] == '\t') frames++;
        l += n + (nl ? 1 : 0);
    }
    for (char *c = first; *c; c++)
        if (*c == '"' || *c == '\\') *c = '\'';
    gc_fact("stderr_lines", "%d", lines);
    gc_fact("child_stderr_bytes", "%zu", len);
    gc_fact("stderr_first_line", "\"%s\"", first);
    gc_fact("goroutine_headers", "%d", goroutines);
    gc_fact("frame_lines", "%d", frames);
    const char *want_end = getenv("GOCOMPAT_WANT_END");
    const char *want_err = getenv("GOCOMPAT_WANT_STDERR");
    const char *want_g = getenv("GOCOMPAT_WANT_GOROUTINES");
    if (want_end && strcmp(want_end, end) != 0) {
        gc_fail("the child ended with %s, want %s", end, want_end);
        return;
    }
    if (want_err && !strstr(err, want_err)) {
        gc_fail("the child's stderr lacks \"%s\"; it starts \"%s\"", want_err, first);
        return;
    }
    if (want_g) {
        bool ok = strcmp(want_g, "many") == 0 ? goroutines > 1 : goroutines == atoi(want_g);
        if (!ok) {
            gc_fail("%d goroutine headers in the child's traceback, want %s", goroutines, want_g);
            return;
        }
    }
    gc_pass();
}
