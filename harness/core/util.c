#define _GNU_SOURCE
#include "util.h"

#include <dirent.h>
#include <signal.h>
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

/* Our own errno values for the input and output policies. */
enum { E_NOT_REGULAR = ENODEV, E_TOO_BIG = EOVERFLOW, E_BAD_TEXT = EILSEQ, E_WONT_REPLACE = ENOTEMPTY };

const char *gc_strerror(int e)
{
    switch (e) {
    case E_NOT_REGULAR: return "not a regular file";
    case E_TOO_BIG: return "larger than the 1 GiB input limit";
    case E_BAD_TEXT: return "not UTF-8 text, or holds a NUL byte";
    case E_WONT_REPLACE: return "exists and is not a regular file; refusing to replace it";
    default: return strerror(e);
    }
}

int open_input(const char *path, struct stat *st, size_t max)
{
    if (stat(path, st) < 0) return -1;
    if (S_ISDIR(st->st_mode)) { errno = EISDIR; return -1; }
    if (!S_ISREG(st->st_mode)) { errno = E_NOT_REGULAR; return -1; }
    if (max && (size_t)st->st_size > max) { errno = E_TOO_BIG; return -1; }
    /* O_NONBLOCK: the path may have been swapped for a FIFO since the stat. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) return -1;
    if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
        close(fd);
        errno = E_NOT_REGULAR;
        return -1;
    }
    return fd;
}

char *read_file(const char *path, size_t *len)
{
    struct stat st;
    int fd = open_input(path, &st, GC_INPUT_MAX);
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
        if (b.len + (size_t)r > GC_INPUT_MAX) { /* a file that grows while we read */
            close(fd);
            sb_free(&b);
            errno = E_TOO_BIG;
            return NULL;
        }
        sb_addn(&b, buf, (size_t)r);
    }
    close(fd);
    if (len) *len = b.len;
    return sb_take(&b);
}

long text_problem(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        if (c == 0) return (long)i;
        if (c < 0x80) { i++; continue; }
        size_t k;
        unsigned cp, min;
        if (c >= 0xc2 && c <= 0xdf) { k = 1; cp = c & 0x1f; min = 0x80; }
        else if (c >= 0xe0 && c <= 0xef) { k = 2; cp = c & 0x0f; min = 0x800; }
        else if (c >= 0xf0 && c <= 0xf4) { k = 3; cp = c & 0x07; min = 0x10000; }
        else return (long)i;
        if (i + k >= n) return (long)i; /* cut short */
        for (size_t j = 1; j <= k; j++) {
            if ((p[i + j] & 0xc0) != 0x80) return (long)i;
            cp = cp << 6 | (p[i + j] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return (long)i;
        i += k + 1;
    }
    return -1;
}

char *read_input(const char *path, size_t *len, bool text, char **why)
{
    size_t n;
    char *data = read_file(path, &n);
    if (!data) {
        *why = xasprintf("%s: %s", path, gc_strerror(errno));
        return NULL;
    }
    long bad = text ? text_problem(data, n) : -1;
    if (bad >= 0) {
        size_t line = 1;
        for (long i = 0; i < bad; i++) line += data[i] == '\n';
        *why = xasprintf("%s:%zu: %s", path, line, data[bad] ? "not valid UTF-8" : "a NUL byte in text");
        free(data);
        errno = E_BAD_TEXT;
        return NULL;
    }
    if (len) *len = n;
    return data;
}

char *output_problem(const char *path)
{
    if (!*path) return xstrdup("the output path is empty");
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (S_ISLNK(st.st_mode)) return xasprintf("%s is a symbolic link; refusing to replace it (name its target)", path);
        if (S_ISDIR(st.st_mode)) return xasprintf("%s is a directory; name a file", path);
        if (!S_ISREG(st.st_mode)) return xasprintf("%s is not a regular file; refusing to replace it", path);
    } else if (errno != ENOENT) {
        return xasprintf("cannot write %s: %s", path, strerror(errno));
    }
    if (str_suffix(path, "/")) return xasprintf("%s names a folder; name a file", path);
    char *dir = path_dirname(path);
    char *why = NULL;
    if (mkdir_p(dir, 0755) < 0) why = xasprintf("cannot create %s: %s", dir, strerror(errno));
    else if (access(dir, W_OK) != 0) why = xasprintf("cannot write results to %s: %s", dir, strerror(errno));
    free(dir);
    return why;
}

int output_lock(const char *path)
{
    char *lp = xasprintf("%s.lock", path);
    int fd = -1, e = 0;
    /* The owner removes the lock file when done: a lock taken on a file
     * that is no longer at its path is worthless, so take it again. */
    for (int tries = 0; tries < 100; tries++) {
        fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
        if (fd < 0) { e = errno; break; }
        struct stat st, now;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) { e = E_WONT_REPLACE; break; }
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) { e = errno; break; }
        if (stat(lp, &now) == 0 && now.st_ino == st.st_ino && now.st_dev == st.st_dev) { e = 0; break; }
        close(fd);
        fd = -1;
        e = EWOULDBLOCK;
    }
    if (e && fd >= 0) close(fd);
    free(lp);
    errno = e;
    return e ? -1 : fd;
}

void output_unlock(int fd, const char *path)
{
    if (fd < 0) return;
    char *lp = xasprintf("%s.lock", path);
    unlink(lp); /* still holding the lock, so nobody can be mid-way through taking it */
    close(fd);
    free(lp);
}

static bool plain_number_start(const char *s)
{
    return *s && (*s == '-' || (*s >= '0' && *s <= '9') || *s == '.');
}

const char *parse_llong(const char *s, long long lo, long long hi, long long *out)
{
    if (!s || !plain_number_start(s)) return "not a number";
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end) return "not a whole number";
    if (errno == ERANGE || v < lo || v > hi) return "out of range";
    *out = v;
    return NULL;
}

const char *parse_double(const char *s, double lo, double hi, double *out)
{
    if (!s || !plain_number_start(s)) return "not a number";
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end) return "not a number";
    if (strpbrk(s, "xXnNiI")) return "not a decimal number"; /* hex floats, inf, nan */
    if (errno == ERANGE || !(v >= lo && v <= hi)) return "out of range";
    *out = v;
    return NULL;
}

const char *parse_shard(const char *s, int hi, int *k, int *n)
{
    const char *slash = s ? strchr(s, '/') : NULL;
    if (!slash) return "not K/N";
    char *ks = xstrndup(s, (size_t)(slash - s));
    long long kv = 0, nv = 0;
    const char *why = parse_llong(ks, 1, hi, &kv);
    free(ks);
    if (!why) why = parse_llong(slash + 1, 1, hi, &nv);
    if (!why && kv > nv) why = "K is greater than N";
    if (why) return why;
    *k = (int)kv;
    *n = (int)nv;
    return NULL;
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

enum { MAX_TEMPS = 8 };
static char temps[MAX_TEMPS][4096];
static volatile sig_atomic_t temp_used[MAX_TEMPS];

void temp_register(const char *path)
{
    for (int i = 0; i < MAX_TEMPS; i++)
        if (!temp_used[i] && strlen(path) < sizeof temps[i]) {
            strcpy(temps[i], path);
            temp_used[i] = 1;
            return;
        }
}

void temp_unregister(const char *path)
{
    for (int i = 0; i < MAX_TEMPS; i++)
        if (temp_used[i] && !strcmp(temps[i], path)) temp_used[i] = 0;
}

void temps_unlink(void)
{
    for (int i = 0; i < MAX_TEMPS; i++)
        if (temp_used[i]) unlink(temps[i]);
}

int check_replaceable(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0) return errno == ENOENT ? 0 : -1;
    if (S_ISREG(st.st_mode)) return 0;
    errno = E_WONT_REPLACE;
    return -1;
}

int write_file_atomic(const char *path, const char *data, size_t len)
{
    if (check_replaceable(path) < 0) return -1;
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    temp_register(tmp);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    int rc = fd < 0 ? -1 : 0;
    if (!rc && (write_all(fd, data, len) < 0 || fsync(fd) < 0)) rc = -1;
    int e = errno;
    if (fd >= 0 && close(fd) < 0 && !rc) { rc = -1; e = errno; }
    /* Checked again here: the path may have become a link since the run began. */
    if (!rc && check_replaceable(path) < 0) { rc = -1; e = errno; }
    if (!rc && rename(tmp, path) < 0) { rc = -1; e = errno; }
    if (rc && fd >= 0) unlink(tmp);
    temp_unregister(tmp);
    free(tmp);
    errno = e;
    return rc;
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

char *find_program(const char *cmd)
{
    size_t n = strcspn(cmd, " \t");
    char *prog = xstrndup(cmd, n);
    if (strchr(prog, '/')) {
        if (is_executable(prog)) return prog;
        free(prog);
        return NULL;
    }
    const char *path = getenv("PATH");
    strlist dirs = { 0 };
    sl_split(&dirs, path ? path : "/usr/bin:/bin", ":");
    char *found = NULL;
    for (size_t i = 0; i < dirs.n && !found && *prog; i++) {
        char *p = path_join(dirs.v[i], prog);
        if (is_executable(p)) found = p;
        else free(p);
    }
    sl_free(&dirs);
    free(prog);
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

/* Folders go ignores: the package loader skips names starting with `.` or
 * `_`, and embedding a folder leaves them out (version control metadata,
 * tool output such as `gocompat check`'s own _gocompat/). */
static bool tree_skipped(const char *dir, const char *name)
{
    if (name[0] != '.' && name[0] != '_') return false;
    char *p = path_join(dir, name);
    struct stat st;
    bool is_dir = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
    free(p);
    return is_dir;
}

static int name_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* `up` is the chain of folders being walked (real paths), so a symlink back
 * to one of them is hashed as a name, not followed forever. */
static uint64_t tree_walk(uint64_t h, const char *dir, const char *rel, strlist *up)
{
    char *real = realpath(dir, NULL);
    if (!real || sl_has(up, real)) {
        free(real);
        return fnv1a64(h, "loop", 5);
    }
    sl_add_owned(up, real);
    strlist names = { 0 };
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && !tree_skipped(dir, e->d_name)) sl_add(&names, e->d_name);
    if (d) closedir(d);
    if (names.n) qsort(names.v, names.n, sizeof *names.v, name_cmp);
    for (size_t i = 0; i < names.n; i++) {
        char *p = path_join(dir, names.v[i]);
        char *r = *rel ? xasprintf("%s/%s", rel, names.v[i]) : xstrdup(names.v[i]);
        struct stat st;
        h = fnv1a64(h, r, strlen(r) + 1);
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            h = tree_walk(h, p, r, up);
        } else {
            size_t len = 0;
            char *data = read_file(p, &len);
            h = data ? fnv1a64(h, data, len) : fnv1a64(h, "unreadable", 11);
            free(data);
        }
        free(r);
        free(p);
    }
    sl_free(&names);
    up->n--;
    free(up->v[up->n]);
    return h;
}

uint64_t fnv1a64_tree(uint64_t h, const char *dir)
{
    strlist up = { 0 };
    h = tree_walk(h, dir, "", &up);
    sl_free(&up);
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
