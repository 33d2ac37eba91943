#define _GNU_SOURCE
#include "proc.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void capture_init(capture *c, size_t limit)
{
    memset(c, 0, sizeof *c);
    c->limit = limit ? limit : 4096;
    c->head = xmalloc(c->limit + 1);
    c->tail = xmalloc(c->limit + 1);
}

void capture_add(capture *c, const char *p, size_t n)
{
    c->total += n;
    size_t h = c->limit - c->head_len;
    if (h) {
        if (h > n) h = n;
        memcpy(c->head + c->head_len, p, h);
        c->head_len += h;
        p += h;
        n -= h;
    }
    /* Everything past the head goes through the tail ring. */
    if (n >= c->limit) {
        p += n - c->limit;
        n = c->limit;
    }
    for (size_t i = 0; i < n; i++) {
        c->tail[c->tail_pos] = p[i];
        c->tail_pos = (c->tail_pos + 1) % c->limit;
        if (c->tail_len < c->limit) c->tail_len++;
    }
}

char *capture_text(const capture *c)
{
    strbuf b;
    sb_init(&b);
    sb_addn(&b, c->head ? c->head : "", c->head_len);
    if (c->tail_len) {
        size_t elided = c->total - c->head_len - c->tail_len;
        if (elided) sb_addf(&b, "\n[... %zu bytes elided ...]\n", elided);
        size_t start = (c->tail_pos + c->limit - c->tail_len) % c->limit;
        for (size_t i = 0; i < c->tail_len; i++) sb_addn(&b, &c->tail[(start + i) % c->limit], 1);
    }
    return sb_take(&b);
}

void capture_free(capture *c)
{
    free(c->head);
    free(c->tail);
    c->head = c->tail = NULL;
}

void proc_result_free(proc_result *r)
{
    capture_free(&r->out);
    capture_free(&r->err);
    free(r->report);
    r->report = NULL;
}

const char *signal_name(int sig)
{
    static __thread char buf[16];
    const char *abbrev = sigabbrev_np(sig);
    if (abbrev) {
        snprintf(buf, sizeof buf, "SIG%s", abbrev);
        return buf;
    }
    snprintf(buf, sizeof buf, "SIG%d", sig);
    return buf;
}

void proc_decode_status(int status, proc_result *res)
{
    if (WIFEXITED(status)) {
        res->kind = PROC_EXIT;
        res->code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        res->kind = PROC_SIGNAL;
        res->sig = WTERMSIG(status);
        res->core = WCOREDUMP(status);
    }
}

static int pidfd_open_compat(pid_t pid)
{
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

static _Noreturn void child_exec(const proc_spec *s, int out_w, int err_w, int rep_w, int errpipe_w)
{
    setpgid(0, 0);
    /* The harness may die; its probes must not outlive it. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int sig = 1; sig < NSIG; sig++) signal(sig, SIG_DFL);

    int devnull = open("/dev/null", O_RDONLY);
    /* Move every pipe end above the target fds first so dup2 cannot clobber one. */
    int fds[4] = { devnull, out_w, err_w, rep_w };
    for (int i = 0; i < 4; i++) {
        int moved = fcntl(fds[i], F_DUPFD, 10);
        fds[i] = moved;
    }
    for (int i = 0; i < 4; i++) dup2(fds[i], i);
    int keep_from = 4;
    for (int fd = keep_from; fd < 1024; fd++)
        if (fd != errpipe_w) close(fd);

    struct rlimit nocore = { 0, 0 };
    setrlimit(RLIMIT_CORE, &nocore);
    if (s->as_limit) {
        struct rlimit as = { s->as_limit, s->as_limit };
        setrlimit(RLIMIT_AS, &as);
    }
    if (s->cwd && chdir(s->cwd) < 0) goto fail;
    /* PATH lookup uses the harness's PATH, so "gcc" or "python3" resolve
     * the same way they would in the user's shell. */
    if (s->envp)
        execvpe(s->argv[0], (char *const *)s->argv, (char *const *)s->envp);
    else
        execvp(s->argv[0], (char *const *)s->argv);
fail:;
    int e = errno;
    ssize_t w = write(errpipe_w, &e, sizeof e);
    (void)w;
    _exit(127);
}

static void drain(int *fd, capture *c, strbuf *rep, size_t rep_limit, bool *rep_trunc)
{
    char buf[65536];
    ssize_t r = read(*fd, buf, sizeof buf);
    if (r > 0) {
        if (c) capture_add(c, buf, (size_t)r);
        if (rep) {
            size_t room = rep->len < rep_limit ? rep_limit - rep->len : 0;
            size_t take = (size_t)r < room ? (size_t)r : room;
            if (take) sb_addn(rep, buf, take);
            if (take < (size_t)r) *rep_trunc = true;
        }
    } else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
        close(*fd);
        *fd = -1;
    }
}

/* Children of ours that are not the probe: descendants a probe orphaned
 * (even ones that left its process group with setsid) are re-parented to us
 * when we are a child subreaper. Kill and reap them all. Returns how many. */
static int reap_orphans(void)
{
    int sub = 0;
    if (prctl(PR_GET_CHILD_SUBREAPER, &sub) != 0 || !sub) return 0;
    int killed = 0;
    for (int round = 0; round < 50; round++) {
        int found = 0;
        DIR *d = opendir("/proc");
        if (!d) break;
        struct dirent *e;
        pid_t me = getpid();
        while ((e = readdir(d))) {
            if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
            char path[300], buf[512];
            snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0) continue;
            ssize_t n = read(fd, buf, sizeof buf - 1);
            close(fd);
            if (n <= 0) continue;
            buf[n] = 0;
            char *rp = strrchr(buf, ')'); /* comm may hold spaces */
            char state;
            int ppid;
            if (!rp || sscanf(rp + 1, " %c %d", &state, &ppid) != 2 || ppid != me) continue;
            pid_t pid = (pid_t)atoi(e->d_name);
            if (state != 'Z') {
                kill(pid, SIGKILL);
                killed++;
            }
            found++;
        }
        closedir(d);
        while (waitpid(-1, NULL, WNOHANG) > 0) {}
        if (!found) break;
        struct timespec ts = { 0, 2 * 1000000 };
        nanosleep(&ts, NULL);
    }
    return killed;
}

static int count_group(pid_t pgid)
{
    /* kill(-pgid, 0) tells whether anyone is left; that is all we need. */
    return kill(-pgid, 0) == 0 ? 1 : 0;
}

int proc_deadline_ms(double ms)
{
    if (!(ms >= 1)) return 1; /* 0 would mean no deadline at all */
    return ms < INT_MAX ? (int)ms : INT_MAX;
}

/* One sandboxed child being watched: its pipes, deadline and how it ended. */
typedef struct {
    pid_t pid;
    int pidfd, fd_out, fd_err, fd_rep, exec_errno, status;
    strbuf rep;
    int64_t t0, deadline, drain_deadline;
    bool reaped, timed_out, interrupted;
} watch;

static int spawn_fail(proc_result *res, const char *what)
{
    res->kind = PROC_SPAWN_FAIL;
    snprintf(res->spawn_error, sizeof res->spawn_error, "%s: %s", what, strerror(errno));
    return -1;
}

/* Fork and exec the child with its pipes; learn whether exec worked. */
static int spawn(const proc_spec *s, proc_result *res, watch *w)
{
    int p_out[2], p_err[2], p_rep[2], p_exec[2];
    if (pipe2(p_out, O_CLOEXEC) < 0 || pipe2(p_err, O_CLOEXEC) < 0 || pipe2(p_rep, O_CLOEXEC) < 0 ||
        pipe2(p_exec, O_CLOEXEC) < 0)
        return spawn_fail(res, "pipe");
    w->t0 = now_ns();
    w->pid = fork();
    if (w->pid < 0) {
        int e = errno;
        for (int i = 0; i < 2; i++) { close(p_out[i]); close(p_err[i]); close(p_rep[i]); close(p_exec[i]); }
        errno = e;
        return spawn_fail(res, "fork");
    }
    if (w->pid == 0) {
        close(p_exec[0]);
        child_exec(s, p_out[1], p_err[1], p_rep[1], p_exec[1]);
    }
    setpgid(w->pid, w->pid); /* also done in the child; whoever runs first wins the race */
    close(p_out[1]);
    close(p_err[1]);
    close(p_rep[1]);
    close(p_exec[1]);
    ssize_t er;
    do er = read(p_exec[0], &w->exec_errno, sizeof w->exec_errno);
    while (er < 0 && errno == EINTR);
    close(p_exec[0]);
    w->fd_out = p_out[0];
    w->fd_err = p_err[0];
    w->fd_rep = p_rep[0];
    fcntl(w->fd_out, F_SETFL, O_NONBLOCK);
    fcntl(w->fd_err, F_SETFL, O_NONBLOCK);
    fcntl(w->fd_rep, F_SETFL, O_NONBLOCK);
    sb_init(&w->rep);
    w->pidfd = pidfd_open_compat(w->pid);
    w->deadline = s->timeout_ms > 0 ? w->t0 + (int64_t)s->timeout_ms * 1000000 : 0;
    return 0;
}

/* Reap the child if it ended; kill it at its deadline or on interrupt. */
static void check_child(const proc_spec *s, proc_result *res, watch *w)
{
    if (w->reaped) return;
    if (wait4(w->pid, &w->status, WNOHANG, &res->ru) == w->pid) {
        w->reaped = true;
        res->end_ns = now_ns();
        /* Children it left behind in its group would keep our pipes open. */
        res->leftovers = count_group(w->pid);
        killpg(w->pid, SIGKILL);
        w->drain_deadline = now_ns() + 200 * 1000000LL;
        return;
    }
    bool late = w->deadline && now_ns() >= w->deadline, stop = s->interrupted && *s->interrupted;
    if (late) w->timed_out = true;
    if (stop) w->interrupted = true;
    if (late || stop) {
        killpg(w->pid, SIGKILL);
        kill(w->pid, SIGKILL);
    }
}

/* Wait a little for output or the child's end, and take what came.
 * Returns -1 when poll failed for good. */
static int watch_io(const proc_spec *s, proc_result *res, watch *w)
{
    struct pollfd pf[4];
    int n = 0, i_out = -1, i_err = -1, i_rep = -1;
    if (w->fd_out >= 0) { i_out = n; pf[n++] = (struct pollfd){ w->fd_out, POLLIN, 0 }; }
    if (w->fd_err >= 0) { i_err = n; pf[n++] = (struct pollfd){ w->fd_err, POLLIN, 0 }; }
    if (w->fd_rep >= 0) { i_rep = n; pf[n++] = (struct pollfd){ w->fd_rep, POLLIN, 0 }; }
    if (!w->reaped && w->pidfd >= 0) pf[n++] = (struct pollfd){ w->pidfd, POLLIN, 0 };
    int wait_ms = w->pidfd < 0 && !w->reaped ? 5 : 50;
    if (!w->reaped && w->deadline) {
        int64_t left = (w->deadline - now_ns()) / 1000000 + 1;
        if (left < wait_ms) wait_ms = (int)(left > 0 ? left : 0);
    }
    if (n == 0) {
        struct timespec ts = { 0, 5 * 1000000 };
        nanosleep(&ts, NULL);
        return 0;
    }
    int pr = poll(pf, (nfds_t)n, wait_ms);
    if (pr < 0 && errno != EINTR) return -1;
    if (pr <= 0) return 0;
    if (i_out >= 0 && pf[i_out].revents) drain(&w->fd_out, &res->out, NULL, 0, NULL);
    if (i_err >= 0 && pf[i_err].revents) drain(&w->fd_err, &res->err, NULL, 0, NULL);
    if (i_rep >= 0 && pf[i_rep].revents)
        drain(&w->fd_rep, NULL, &w->rep, s->report_limit ? s->report_limit : 65536, &res->report_truncated);
    return 0;
}

/* Close everything, kill what is left, and say how the child ended. */
static void conclude(const proc_spec *s, proc_result *res, watch *w)
{
    if (!w->reaped) { /* poll failed hard: make sure the child is gone */
        killpg(w->pid, SIGKILL);
        wait4(w->pid, &w->status, 0, &res->ru);
        res->end_ns = now_ns();
    }
    if (w->fd_out >= 0) close(w->fd_out);
    if (w->fd_err >= 0) close(w->fd_err);
    if (w->fd_rep >= 0) close(w->fd_rep);
    if (w->pidfd >= 0) close(w->pidfd);
    int escaped = reap_orphans();
    if (escaped && !res->leftovers) res->leftovers = escaped;
    res->wall_ms = (double)(res->end_ns - w->t0) / 1e6;
    res->report_len = w->rep.len;
    res->report = sb_take(&w->rep);
    if (w->exec_errno) {
        res->kind = PROC_SPAWN_FAIL;
        snprintf(res->spawn_error, sizeof res->spawn_error, "exec %s: %s", s->argv[0], strerror(w->exec_errno));
    } else if (w->interrupted) {
        res->kind = PROC_INTERRUPTED;
    } else if (w->timed_out) {
        res->kind = PROC_TIMEOUT;
    } else {
        proc_decode_status(w->status, res);
    }
}

int proc_run(const proc_spec *s, proc_result *res)
{
    memset(res, 0, sizeof *res);
    capture_init(&res->out, s->capture_limit);
    capture_init(&res->err, s->capture_limit);
    watch w = { .pidfd = -1, .fd_out = -1, .fd_err = -1, .fd_rep = -1 };
    if (spawn(s, res, &w) < 0) return -1;
    for (;;) {
        check_child(s, res, &w);
        if (w.reaped && w.fd_out < 0 && w.fd_err < 0 && w.fd_rep < 0) break;
        if (w.reaped && now_ns() > w.drain_deadline) break;
        if (watch_io(s, res, &w) < 0) break;
    }
    conclude(s, res, &w);
    return 0;
}
