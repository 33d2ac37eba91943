/* A crash seen from outside. The probe runs itself again as a child (same
 * host, same library), optionally as PID 1 of a new PID namespace, lets the
 * child end the way GOCOMPAT_CRASH picks, and reports what a parent sees:
 * the wait status, the child's stderr, whether the host's own handler ran.
 *
 * The child (GOCOMPAT_CRASH_CHILD set):
 *   GOCOMPAT_CRASH_HANDLER  installed by a constructor that runs before the
 *       Go runtime starts (c-dlopen loads the library later; c-archive's
 *       runtime starts in a constructor of default priority):
 *       none, segv or abrt (a crash reporter's handler: it writes one line
 *       to stderr, restores the default action and raises the signal again),
 *       pipe-ign (SIGPIPE ignored, as Python and many servers do);
 *   GOCOMPAT_CRASH  what it does:
 *       c-segv      CrashInC(0): a NULL write in C code called from Go;
 *       c-abort     CrashInC(1): abort() in C code called from Go;
 *       panic       Panic(): an unrecovered Go panic;
 *       stdout-pipe PrintStdout(1000) with stdout a pipe whose reader is closed;
 *       socket      ConnWrite(fd) on a socket whose peer is closed;
 *       go-pointer  GoPointer(): an export that returns Go memory;
 *       chain-segv, chain-panic, chain-stack  ThroughC(0, 1, 2): C code three
 *                   functions deep that faults, that calls back into Go which
 *                   panics, or whose callback returns how many of the C
 *                   functions its own runtime.Stack names.
 *   A child that survives reports the export's result and exits 0.
 *
 * The parent checks, from the environment:
 *   GOCOMPAT_WANT_END       "signal SIGSEGV", "exit 2", … (alternatives with |)
 *   GOCOMPAT_WANT_STDERR    a substring the child's stderr must hold
 *   GOCOMPAT_NO_STDERR      a substring it must not hold
 *   GOCOMPAT_WANT_HANDLER   1: the host handler ran; 0: it did not
 *   GOCOMPAT_WANT_RESULT    the export's result when the child survives
 *   GOCOMPAT_WANT_FRAMES    C function names (space-separated) that a
 *                           registered cgo symbolizer gives: each must be a
 *                           stderr line of its own, in this order
 *   GOCOMPAT_NO_FRAMES      names that must not be such a line
 *   GOCOMPAT_CRASH_PID1     1: run the child under `unshare --pid --fork`. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probe.h"

#define HANDLER_LINE "gocompat: host handler ran for "

/* ---- child ---------------------------------------------------------- */

static int handled_sig;

static void put(int fd, const char *s)
{
    size_t n = strlen(s);
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w <= 0) return;
        s += w;
        n -= (size_t)w;
    }
}

/* What a crash reporter does: note the crash, give the signal its default
 * action back and raise it again (it is delivered when the handler
 * returns). Async-signal-safe calls only. */
static void reporter(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    const char *name = sig == SIGSEGV ? "SIGSEGV" : sig == SIGABRT ? "SIGABRT" : "another signal";
    put(2, HANDLER_LINE);
    put(2, name);
    put(2, sig == SIGSEGV && si->si_addr == NULL ? " at address 0\n" : "\n");
    put(3, "fact host_handler_ran \"");
    put(3, name);
    put(3, "\"\n");
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(sig, &dfl, NULL);
    raise(sig);
}

__attribute__((constructor(101))) static void install_early(void)
{
    if (!getenv("GOCOMPAT_CRASH_CHILD")) return;
    const char *h = getenv("GOCOMPAT_CRASH_HANDLER");
    if (!h || !strcmp(h, "none")) return;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    if (!strcmp(h, "pipe-ign")) {
        sa.sa_handler = SIG_IGN;
        handled_sig = SIGPIPE;
    } else {
        sa.sa_sigaction = reporter;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
        handled_sig = !strcmp(h, "segv") ? SIGSEGV : !strcmp(h, "abrt") ? SIGABRT : 0;
    }
    if (handled_sig) {
        sigaction(handled_sig, &sa, &old);
        if (old.sa_handler != SIG_DFL) handled_sig = -1; /* the Go runtime was first */
    }
}

static void child(void)
{
    const char *s = getenv("GOCOMPAT_CRASH");
    gc_fact("pid", "%d", (int)getpid());
    if (handled_sig < 0) {
        gc_fact("handler_before_go", "false");
        _exit(90);
    }
    struct sigaction now;
    if (handled_sig > 0) {
        sigaction(handled_sig, NULL, &now);
        gc_fact("handler_after_load", "\"%s\"", now.sa_handler == SIG_IGN ? "SIG_IGN"
                                               : now.sa_sigaction == reporter ? "host's" : "another");
    }
    long r = 0;
    if (!strcmp(s, "c-segv") || !strcmp(s, "c-abort")) {
        GO_FN(CrashInC)(!strcmp(s, "c-abort"));
    } else if (!strcmp(s, "panic")) {
        GO_FN(Panic)();
    } else if (!strcmp(s, "stdout-pipe")) {
        int p[2];
        if (pipe(p) != 0 || dup2(p[1], 1) < 0) _exit(91);
        close(p[0]);
        close(p[1]);
        r = GO_FN(PrintStdout)(1000);
    } else if (!strcmp(s, "socket")) {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) _exit(91);
        close(sv[1]);
        r = GO_FN(ConnWrite)(sv[0]);
    } else if (!strcmp(s, "go-pointer")) {
        int *p = GO_FN(GoPointer)();
        r = p ? *p : -1;
    } else if (!strcmp(s, "chain-segv") || !strcmp(s, "chain-panic") || !strcmp(s, "chain-stack")) {
        r = GO_FN(ThroughC)(!strcmp(s, "chain-segv") ? 0 : !strcmp(s, "chain-panic") ? 1 : 2);
    } else
        _exit(92);
    gc_fact("export_returned", "true");
    gc_fact("result", "%ld", r);
    _exit(0);
}

/* ---- parent --------------------------------------------------------- */

struct run {
    struct gc_child_end end;
    char err[1 << 16];
    size_t errlen;
    char facts[8192];
    double ms;
};

/* Runs the child (under `unshare` when wrap is not NULL) and fills r.
 * 0, or -1 with the reason in r->err. */
static int run_child(char *const *wrap, struct run *r)
{
    char **av = gc_self_argv();
    char self[4096];
    ssize_t sn = readlink("/proc/self/exe", self, sizeof self - 1);
    if (!av || sn <= 0) {
        snprintf(r->err, sizeof r->err, "cannot read this probe's command line: %s", strerror(errno));
        return -1;
    }
    self[sn] = 0;
    char *argv[96];
    int k = 0;
    for (; wrap && wrap[k]; k++) argv[k] = wrap[k];
    if (wrap) argv[k++] = self; /* unshare execs a path, not /proc/self/exe */
    for (int i = wrap ? 1 : 0; av[i] && k < 95; i++) argv[k++] = av[i];
    argv[k] = NULL;
    int p[2];
    int facts = memfd_create("child-facts", 0);
    if (facts < 0 || pipe2(p, O_CLOEXEC) != 0) {
        snprintf(r->err, sizeof r->err, "memfd/pipe: %s", strerror(errno));
        return -1;
    }
    double t0 = gc_now_ms();
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(r->err, sizeof r->err, "fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        dup2(p[1], 2);
        dup2(facts, 3);
        setenv("GOCOMPAT_CRASH_CHILD", "1", 1);
        if (wrap) execvp(argv[0], argv);
        else gc_exec_self(argv);
        dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(p[1]);
    /* A child that hangs is killed after 20 s (a generous bound, not a
     * measurement, and well inside the case's timeout so the parent still
     * reports). */
    r->errlen = gc_wait_child(pid, p[0], t0 + 20000, r->err, sizeof r->err, &r->end);
    r->ms = gc_now_ms() - t0;
    ssize_t fn = pread(facts, r->facts, sizeof r->facts - 1, 0);
    r->facts[fn > 0 ? fn : 0] = 0;
    close(facts);
    return 0;
}

/* The value of the child's fact KEY (its raw text), or NULL. */
static const char *child_fact(const struct run *r, const char *key, char *out, size_t n)
{
    size_t kl = strlen(key);
    for (const char *l = r->facts; *l;) {
        const char *nl = strchr(l, '\n');
        size_t len = nl ? (size_t)(nl - l) : strlen(l);
        if (len > 5 + kl && !strncmp(l, "fact ", 5) && !strncmp(l + 5, key, kl) && l[5 + kl] == ' ') {
            snprintf(out, n, "%.*s", (int)(len - 6 - kl), l + 6 + kl);
            return out;
        }
        l += len + (nl ? 1 : 0);
    }
    return NULL;
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

/* The first stderr line that starts with prefix, as evidence. */
static void fact_line(const struct run *r, const char *key, const char *prefix)
{
    for (const char *l = r->err; *l;) {
        const char *nl = strchr(l, '\n');
        size_t len = nl ? (size_t)(nl - l) : strlen(l);
        if (!strncmp(l, prefix, strlen(prefix))) {
            char v[400];
            json_safe(v, sizeof v, l, len < 300 ? len : 300);
            gc_fact(key, "\"%s\"", v);
            return;
        }
        l += len + (nl ? 1 : 0);
    }
}

/* The first n lines of the first goroutine's traceback, as one line of
 * evidence (" | " between lines, tabs as spaces). */
static void fact_traceback_head(const struct run *r, int n)
{
    const char *g = r->err;
    while (g && strncmp(g, "goroutine ", 10) != 0) {
        g = strchr(g, '\n');
        if (g) g++;
    }
    if (!g) return;
    char flat[800], v[800];
    size_t k = 0;
    for (; *g && n > 0 && k + 4 < sizeof flat; g++) {
        if (*g == '\n') {
            if (--n > 0 && g[1]) k += (size_t)snprintf(flat + k, sizeof flat - k, " | ");
        } else
            flat[k++] = *g == '\t' ? ' ' : *g;
    }
    json_safe(v, sizeof v, flat, k);
    gc_fact("stderr_traceback_head", "\"%s\"", v);
}

/* C frames in the child's traceback. The runtime prints a frame that a
 * registered cgo symbolizer named as the bare name on a line of its own
 * (then "\tpc=…"), so a stderr line equal to a name is that frame. Reports
 * the frames named in GOCOMPAT_WANT_FRAMES or GOCOMPAT_NO_FRAMES in stderr
 * order; returns 0 when both hold, else -1 with the reason in why. */
static int check_frames(const struct run *r, char *why, size_t whyn)
{
    const char *want = getenv("GOCOMPAT_WANT_FRAMES"), *no = getenv("GOCOMPAT_NO_FRAMES");
    if (!want && !no) return 0;
    static char names[2][256];
    const char *name[16];
    int nn = 0, nwant = 0;
    for (int w = 0; w < 2; w++) {
        const char *src = w ? no : want;
        snprintf(names[w], sizeof names[w], "%s", src ? src : "");
        char *save = NULL;
        for (char *t = strtok_r(names[w], " ", &save); t && nn < 16; t = strtok_r(NULL, " ", &save)) name[nn++] = t;
        if (w == 0) nwant = nn;
    }
    const char *seen[64];
    int ns = 0;
    char list[1024] = "[";
    size_t ll = 1;
    for (const char *l = r->err; *l && ns < 64;) {
        const char *nl = strchr(l, '\n');
        size_t len = nl ? (size_t)(nl - l) : strlen(l);
        for (int i = 0; i < nn; i++) {
            if (strlen(name[i]) == len && !strncmp(l, name[i], len)) {
                seen[ns++] = name[i];
                if (ll + strlen(name[i]) + 6 < sizeof list)
                    ll += (size_t)snprintf(list + ll, sizeof list - ll, "%s\"%s\"", ll > 1 ? ", " : "", name[i]);
                break;
            }
        }
        l += len + (nl ? 1 : 0);
    }
    snprintf(list + ll, sizeof list - ll, "]");
    gc_fact("c_frames", "%s", list);
    gc_fact("c_frame_count", "%d", ns);
    fact_traceback_head(r, 10);
    int j = 0;
    for (int i = 0; i < nwant; i++) {
        while (j < ns && strcmp(seen[j], name[i]) != 0) j++;
        if (j == ns) {
            snprintf(why, whyn, "the child's stderr lacks the C frame %s%s (frames named: %s)", name[i],
                     i ? " after the ones before it" : "", list);
            return -1;
        }
        j++;
    }
    for (int k = 0; k < ns; k++) {
        for (int i = nwant; i < nn; i++) {
            if (seen[k] == name[i]) {
                snprintf(why, whyn, "the child's stderr names the C frame %s (frames named: %s)", name[i], list);
                return -1;
            }
        }
    }
    return 0;
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

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    if (getenv("GOCOMPAT_CRASH_CHILD")) child();
    const char *s = getenv("GOCOMPAT_CRASH");
    if (!s) {
        gc_skip("GOCOMPAT_CRASH is not set");
        return;
    }
    static struct run r;
    int pid1 = getenv("GOCOMPAT_CRASH_PID1") && !strcmp(getenv("GOCOMPAT_CRASH_PID1"), "1");
    if (pid1 && gc_emulated()) {
        gc_skip("a PID namespace around an emulated host tests qemu-user, not Go");
        return;
    }
    char *plain[] = { "unshare", "--pid", "--fork", "--kill-child", "--", NULL };
    char *userns[] = { "unshare", "--user", "--map-root-user", "--pid", "--fork", "--kill-child", "--", NULL };
    if (run_child(pid1 ? plain : NULL, &r) < 0) {
        gc_fail("%s", r.err);
        return;
    }
    if (pid1 && !strncmp(r.err, "unshare: ", 9)) {
        /* Not allowed as this user: try a user namespace of our own. */
        char first[300];
        json_safe(first, sizeof first, r.err, strcspn(r.err, "\n"));
        gc_fact("unshare_plain", "\"%s\"", first);
        if (run_child(userns, &r) < 0) {
            gc_fail("%s", r.err);
            return;
        }
        if (!strncmp(r.err, "unshare: ", 9)) {
            json_safe(first, sizeof first, r.err, strcspn(r.err, "\n"));
            gc_skip("no PID namespace here: %s", first);
            return;
        }
        gc_fact("unshare_user_namespace", "true");
    }
    char v[512];
    gc_fact("scenario", "\"%s\"", s);
    gc_fact("child_end", "\"%s\"", r.end.name);
    gc_fact("child_core", "%s", r.end.core ? "true" : "false");
    gc_fact("child_ms", "%.1f", r.ms);
    gc_fact("child_stderr_bytes", "%zu", r.errlen);
    char first[400];
    json_safe(first, sizeof first, r.err, strcspn(r.err, "\n") < 300 ? strcspn(r.err, "\n") : 300);
    gc_fact("stderr_first_line", "\"%s\"", first);
    fact_line(&r, "stderr_fatal_error", "fatal error:");
    fact_line(&r, "stderr_panic", "panic:");
    fact_line(&r, "stderr_signal", "[signal ");
    fact_line(&r, "stderr_signal_line", "SIG");
    fact_line(&r, "stderr_host_handler", HANDLER_LINE);
    char why[1200];
    int frames_ok = check_frames(&r, why, sizeof why);
    const char *facts[] = { "pid", "handler_after_load", "handler_before_go", "host_handler_ran", "export_returned", "result" };
    for (size_t i = 0; i < sizeof facts / sizeof *facts; i++)
        if (child_fact(&r, facts[i], v, sizeof v)) gc_fact(facts[i][0] == 'p' ? "child_pid" : facts[i], "%s", v);

    if (child_fact(&r, "handler_before_go", v, sizeof v)) {
        gc_skip("the Go runtime initialised before the host's constructor (host %s)", gc_host());
        return;
    }
    if (pid1 && (!child_fact(&r, "pid", v, sizeof v) || strcmp(v, "1") != 0)) {
        gc_fail("the child under unshare was not PID 1 (pid %s)", child_fact(&r, "pid", v, sizeof v) ? v : "unknown");
        return;
    }
    const char *want_end = getenv("GOCOMPAT_WANT_END");
    const char *want_err = getenv("GOCOMPAT_WANT_STDERR");
    const char *no_err = getenv("GOCOMPAT_NO_STDERR");
    const char *want_h = getenv("GOCOMPAT_WANT_HANDLER");
    const char *want_res = getenv("GOCOMPAT_WANT_RESULT");
    if (want_end && !end_allowed(want_end, r.end.name)) {
        gc_fail("the child ended with %s, want %s; its stderr starts \"%s\"", r.end.name, want_end, first);
        return;
    }
    if (want_err && !strstr(r.err, want_err)) {
        gc_fail("the child's stderr lacks \"%s\"; it starts \"%s\"", want_err, first);
        return;
    }
    if (no_err && *no_err && strstr(r.err, no_err)) {
        gc_fail("the child's stderr holds \"%s\"; it starts \"%s\"", no_err, first);
        return;
    }
    if (want_h) {
        int ran = child_fact(&r, "host_handler_ran", v, sizeof v) != NULL;
        if (ran != atoi(want_h)) {
            gc_fail("the host's handler %s, want it %s", ran ? "ran" : "did not run", atoi(want_h) ? "to run" : "not to run");
            return;
        }
    }
    if (want_res) {
        if (!child_fact(&r, "result", v, sizeof v) || strcmp(v, want_res) != 0) {
            gc_fail("the export returned %s, want %s", child_fact(&r, "result", v, sizeof v) ? v : "nothing", want_res);
            return;
        }
    }
    if (frames_ok < 0) {
        gc_fail("%s", why);
        return;
    }
    gc_pass();
}
