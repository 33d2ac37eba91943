/* main() of every C host. The host kind is chosen at compile time:
 * GC_HOST_DLOPEN (dlopen the library named in argv[1]), GC_HOST_THREAD
 * (run the probe on a new pthread), or neither (linked at build time). */
#define _GNU_SOURCE
#include "probe.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef GC_HOST_NAME
#error "GC_HOST_NAME must name the host kind"
#endif

static void *lib_handle;
static const char *lib_path;
static int verdict_sent;

static void emit(const char *line, size_t n)
{
    /* One write per line: the runner reads whole lines even if we die next. */
    while (n) {
        ssize_t w = write(3, line, n);
        if (w <= 0) return;
        line += w;
        n -= (size_t)w;
    }
}

static void emitf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void emitf(const char *fmt, ...)
{
    char buf[8192];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n > sizeof buf - 2) n = (int)sizeof buf - 2;
    for (int i = 0; i < n; i++)
        if (buf[i] == '\n') buf[i] = ' ';
    buf[n++] = '\n';
    emit(buf, (size_t)n);
}

void gc_fact(const char *key, const char *fmt, ...)
{
    char val[7000];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(val, sizeof val, fmt, ap);
    va_end(ap);
    emitf("fact %s %s", key, val);
}

void gc_mark(const char *name)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    emitf("mark %s %lld", name, (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
}

void gc_pass(void)
{
    if (verdict_sent++) return;
    emitf("pass");
}

void gc_fail_at(const char *file, int line, const char *fmt, ...)
{
    char msg[7000];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (verdict_sent++) return;
    emitf("fail %s:%d: %s", file, line, msg);
}

void gc_skip(const char *fmt, ...)
{
    char msg[7000];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (verdict_sent++) return;
    emitf("skip %s", msg);
}

const char *gc_host(void) { return GC_HOST_NAME; }
const char *gc_library(void) { return lib_path; }

void *gc_sym(const char *name)
{
    void *p = dlsym(lib_handle ? lib_handle : RTLD_DEFAULT, name);
    if (!p) {
        gc_fail_at(__FILE__, __LINE__, "dlsym(%s): %s", name, dlerror());
        fflush(NULL);
        _exit(1);
    }
    return p;
}

uint64_t gc_seed(void)
{
    const char *s = getenv("GOCOMPAT_SEED");
    return s ? strtoull(s, NULL, 0) : 1;
}

int gc_copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC), out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
    struct stat st;
    int rc = -1;
    if (in >= 0 && out >= 0 && fstat(in, &st) == 0) {
        off_t off = 0;
        rc = 0;
        while (off < st.st_size)
            if (sendfile(out, in, &off, (size_t)(st.st_size - off)) <= 0) { rc = -1; break; }
    }
    if (in >= 0) close(in);
    if (out >= 0 && close(out) != 0) rc = -1;
    return rc;
}

int gc_emulated(void)
{
    const char *emu = getenv("GOCOMPAT_EMULATOR");
    return emu && *emu;
}

char **gc_self_argv(void)
{
    static char buf[16384];
    static char *v[64];
    int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return NULL;
    buf[n] = 0;
    int k = 0;
    for (char *p = buf; p < buf + n && k < 63; p += strlen(p) + 1) v[k++] = p;
    v[k] = NULL;
    return v;
}

int gc_exec_self(char *const argv[])
{
    if (!gc_emulated()) return execv("/proc/self/exe", argv);
    const char *emu = getenv("GOCOMPAT_EMULATOR");
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1); /* qemu answers with the guest binary */
    if (n <= 0) return -1;
    self[n] = 0;
    size_t argc = 0;
    while (argv[argc]) argc++;
    char *spec = strdup(emu), *save = NULL;
    char **v = calloc(argc + 16, sizeof *v);
    if (!spec || !v) return -1;
    size_t k = 0;
    for (char *w = strtok_r(spec, " ", &save); w && k < 12; w = strtok_r(NULL, " ", &save)) v[k++] = w;
    v[k++] = self;
    for (size_t i = 1; i < argc; i++) v[k++] = argv[i];
    execv(v[0], v);
    int e = errno;
    free(spec);
    free(v);
    errno = e;
    return -1;
}

int gc_on_signal(int sig, void (*handler)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    return sigaction(sig, &sa, NULL);
}

long gc_status_field(const char *name)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t n = strlen(name);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, name, n) && line[n] == ':') v = atol(line + n + 1);
    if (f) fclose(f);
    return v;
}

unsigned long long gc_dir_hash(const char *dir)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    unsigned long long h = 0xcbf29ce484222325ULL;
    for (int i = 0; i < n; i++) {
        if (names[i]->d_name[0] != '.') {
            char path[2048];
            snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
            for (const char *c = names[i]->d_name; *c; c++) h = (h ^ (unsigned char)*c) * 0x100000001b3ULL;
            FILE *f = fopen(path, "rb");
            int ch;
            while (f && (ch = fgetc(f)) != EOF) h = (h ^ (unsigned char)ch) * 0x100000001b3ULL;
            if (f) fclose(f);
        }
        free(names[i]);
    }
    free(names);
    return h;
}

double gc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Reads fd into err (NUL-terminated) until EOF or err is full, killing pid
 * once the deadline has passed; whether it killed. */
static int drain_stderr(int pid, int fd, double deadline_ms, char *err, size_t cap, size_t *len)
{
    int killed = 0;
    *len = 0;
    for (;;) {
        int left = (int)(deadline_ms - gc_now_ms());
        if (left <= 0 && !killed) {
            kill(pid, SIGKILL);
            killed = 1;
        }
        struct pollfd pf = { fd, POLLIN, 0 };
        /* After the kill, the first second without output ends the read:
         * a writer the kill did not reach (a grandchild holding the pipe)
         * must not hold the probe. */
        int pr = poll(&pf, 1, left > 0 ? left : 1000);
        if (pr < 0 && errno == EINTR) continue;
        if (pr <= 0) {
            if (killed) break;
            continue;
        }
        ssize_t n = read(fd, err + *len, cap - 1 - *len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        *len += (size_t)n;
        if (*len == cap - 1) break;
    }
    err[*len] = 0;
    return killed;
}

static void name_end(int status, int killed, struct gc_child_end *end)
{
    end->core = 0;
    if (killed)
        snprintf(end->name, sizeof end->name, "timeout");
    else if (WIFSIGNALED(status)) {
        snprintf(end->name, sizeof end->name, "signal SIG%s", sigabbrev_np(WTERMSIG(status)));
        end->core = WCOREDUMP(status) != 0;
    } else
        snprintf(end->name, sizeof end->name, "exit %d", WEXITSTATUS(status));
}

size_t gc_wait_child(int pid, int fd, double deadline_ms, char *err, size_t cap, struct gc_child_end *end)
{
    size_t len;
    int killed = drain_stderr(pid, fd, deadline_ms, err, cap, &len);
    close(fd);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    name_end(st, killed, end);
    return len;
}

struct call { int argc; char **argv; };

static void *on_thread(void *arg)
{
    struct call *c = arg;
    probe_main(c->argc, c->argv);
    return NULL;
}

int main(int argc, char **argv)
{
    int first = 1;
#ifdef GC_HOST_DLOPEN
    if (argc < 2) {
        fprintf(stderr, "usage: %s LIBRARY [ARG…]\n", argv[0]);
        return 2;
    }
    lib_path = argv[1];
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    lib_handle = dlopen(lib_path, RTLD_NOW | RTLD_LOCAL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    if (!lib_handle) {
        emitf("fact dlerror \"%s\"", dlerror());
        gc_fail_at(__FILE__, __LINE__, "dlopen failed");
        return 1;
    }
    gc_fact("dlopen_ms", "%.3f", (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6);
    first = 2;
#endif
    struct call c = { argc - first, argv + first };
#ifdef GC_HOST_THREAD
    pthread_t t;
    if (pthread_create(&t, NULL, on_thread, &c) != 0) {
        gc_fail_at(__FILE__, __LINE__, "pthread_create failed");
        return 1;
    }
    pthread_join(t, NULL);
#else
    on_thread(&c);
#endif
    if (!verdict_sent) gc_fail_at(__FILE__, __LINE__, "probe_main returned without a verdict");
    return 0;
}
