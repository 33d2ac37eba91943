#define _GNU_SOURCE
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int gc_verbose;

static _Noreturn void out_of_memory(void)
{
    static const char msg[] = "gocompat: out of memory\n";
    ssize_t r = write(2, msg, sizeof msg - 1);
    (void)r;
    _exit(GC_EXIT_USAGE);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) out_of_memory();
    return p;
}

void *xcalloc(size_t n, size_t m)
{
    void *p = calloc(n ? n : 1, m ? m : 1);
    if (!p) out_of_memory();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) out_of_memory();
    return p;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
    char *p;
    if (vasprintf(&p, fmt, ap) < 0) out_of_memory();
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}

void sb_init(strbuf *b) { b->s = NULL; b->len = b->cap = 0; }

void sb_addn(strbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1) cap *= 2;
        b->s = xrealloc(b->s, cap);
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

void sb_add(strbuf *b, const char *s) { sb_addn(b, s, strlen(s)); }

void sb_addf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = xvasprintf(fmt, ap);
    va_end(ap);
    sb_add(b, p);
    free(p);
}

char *sb_take(strbuf *b)
{
    char *s = b->s ? b->s : xstrdup("");
    sb_init(b);
    return s;
}

void sb_free(strbuf *b) { free(b->s); sb_init(b); }

void sl_add_owned(strlist *l, char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = s;
}

void sl_add(strlist *l, const char *s) { sl_add_owned(l, xstrdup(s)); }

bool sl_has(const strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0) return true;
    return false;
}

void sl_free(strlist *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void sl_sort(strlist *l) { if (l->n > 1) qsort(l->v, l->n, sizeof *l->v, cmp_str); }

void sl_split(strlist *l, const char *s, const char *seps)
{
    while (*s) {
        size_t skip = strspn(s, seps);
        s += skip;
        size_t n = strcspn(s, seps);
        if (n) sl_add_owned(l, xstrndup(s, n));
        s += n;
    }
}

static void vmsg(const char *fmt, va_list ap)
{
    char *m = xvasprintf(fmt, ap);
    fprintf(stderr, "gocompat: %s\n", m);
    free(m);
}

void gc_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(fmt, ap);
    va_end(ap);
}

void gc_die(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(fmt, ap);
    va_end(ap);
    exit(status);
}

char *trim(char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) s[--n] = 0;
    return s;
}

bool str_prefix(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

bool str_suffix(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

char *read_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    strbuf b;
    sb_init(&b);
    sb_addn(&b, "", 0);
    char buf[65536];
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            close(fd);
            sb_free(&b);
            errno = e;
            return NULL;
        }
        if (r == 0) break;
        sb_addn(&b, buf, (size_t)r);
    }
    close(fd);
    if (len) *len = b.len;
    return sb_take(&b);
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int write_file_atomic(const char *path, const char *data, size_t len)
{
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        errno = e;
        return -1;
    }
    if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        free(tmp);
        errno = e;
        return -1;
    }
    if (close(fd) < 0 || rename(tmp, path) < 0) {
        int e = errno;
        unlink(tmp);
        free(tmp);
        errno = e;
        return -1;
    }
    free(tmp);
    return 0;
}

int mkdir_p(const char *path, unsigned mode)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = 0;
        if (mkdir(p, mode) < 0 && errno != EEXIST) { int e = errno; free(p); errno = e; return -1; }
        *s = '/';
    }
    int r = mkdir(p, mode);
    int e = errno;
    free(p);
    if (r < 0 && e != EEXIST) { errno = e; return -1; }
    return 0;
}

int rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0) return errno == ENOENT ? 0 : -1;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (!d) return -1;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            char *c = path_join(path, e->d_name);
            rm_rf(c);
            free(c);
        }
        closedir(d);
        return rmdir(path);
    }
    return unlink(path);
}

char *path_join(const char *a, const char *b)
{
    if (b[0] == '/' || !a[0]) return xstrdup(b);
    size_t n = strlen(a);
    return xasprintf("%s%s%s", a, (n && a[n - 1] == '/') ? "" : "/", b);
}

char *path_dirname(const char *p)
{
    const char *s = strrchr(p, '/');
    if (!s) return xstrdup(".");
    if (s == p) return xstrdup("/");
    return xstrndup(p, (size_t)(s - p));
}

const char *path_basename(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

bool file_exists(const char *p) { return access(p, F_OK) == 0; }

bool is_executable(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

char *path_which(const char *prog)
{
    if (strchr(prog, '/')) return is_executable(prog) ? xstrdup(prog) : NULL;
    const char *path = getenv("PATH");
    strlist dirs = { 0 };
    sl_split(&dirs, path ? path : "/usr/bin:/bin", ":");
    char *found = NULL;
    for (size_t i = 0; i < dirs.n && !found; i++) {
        char *p = path_join(dirs.v[i], prog);
        if (is_executable(p)) found = p;
        else free(p);
    }
    sl_free(&dirs);
    return found;
}

char *cache_program(const char *dir, const char *name, cache_builder build, void *arg, int *rc)
{
    char *exe = path_join(dir, name);
    char *ok = path_join(dir, "ok");
    char *lockp = xasprintf("%s.lock", dir);
    char *parent = path_dirname(dir);
    mkdir_p(parent, 0755);
    *rc = 0;
    int lfd = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lfd >= 0) flock(lfd, LOCK_EX);
    if (!file_exists(ok) || !is_executable(exe)) {
        rm_rf(dir);
        mkdir_p(dir, 0755);
        *rc = build(exe, arg);
        if (*rc == 0)
            write_file_atomic(ok, "", 0);
        else {
            free(exe);
            exe = NULL;
        }
    }
    if (lfd >= 0) close(lfd);
    free(lockp);
    free(ok);
    free(parent);
    return exe;
}

uint64_t fnv1a64(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

double now_ms(void) { return (double)now_ns() / 1e6; }

char *utc_timestamp(void)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[32];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return xstrdup(buf);
}
