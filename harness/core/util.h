/* Small helpers shared by the whole harness: allocation that cannot fail
 * silently, strings, files and paths. */
#ifndef GOCOMPAT_UTIL_H
#define GOCOMPAT_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define GC_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Exit statuses of every gocompat command (documented in the README). */
enum { GC_EXIT_OK = 0, GC_EXIT_UNEXPECTED = 1, GC_EXIT_USAGE = 2, GC_EXIT_INTERRUPTED = 130 };

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/* A growable string. */
typedef struct { char *s; size_t len, cap; } strbuf;
void sb_init(strbuf *b);
void sb_add(strbuf *b, const char *s);
void sb_addn(strbuf *b, const char *s, size_t n);
void sb_addf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *sb_take(strbuf *b); /* returns the string, leaves b empty */
void sb_free(strbuf *b);

/* A growable list of owned strings. */
typedef struct { char **v; size_t n, cap; } strlist;
void sl_add(strlist *l, const char *s);
void sl_add_owned(strlist *l, char *s);
bool sl_has(const strlist *l, const char *s);
void sl_free(strlist *l);
void sl_sort(strlist *l);
/* Split s on any of seps, skipping empty fields. */
void sl_split(strlist *l, const char *s, const char *seps);

/* Messages: the program name prefix is added here. */
void gc_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void gc_die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
extern int gc_verbose;

char *trim(char *s); /* in place */
bool str_prefix(const char *s, const char *prefix);
bool str_suffix(const char *s, const char *suffix);

/* Files. read_file returns NULL and sets errno on failure; it reads only a
 * regular file (checked before open and on the descriptor, so a FIFO or a
 * device can never block it) of at most GC_INPUT_MAX bytes. */
#define GC_INPUT_MAX ((size_t)1 << 30)
char *read_file(const char *path, size_t *len);
/* The descriptor under read_file: a regular file of at most MAX bytes (0:
 * any size), checked before open and on the descriptor; -1 and errno
 * (for gc_strerror) otherwise. For readers that map their input. */
struct stat;
int open_input(const char *path, struct stat *st, size_t max);
/* The one opener for files a user hands a command: read_file, plus, for
 * text, valid UTF-8 without NUL bytes. On failure returns NULL and sets
 * *why to one line naming the file (and the line of bad text). */
char *read_input(const char *path, size_t *len, bool text, char **why);
/* strerror, with the reasons read_file and write_file_atomic add. */
const char *gc_strerror(int e);
/* Where the text is not UTF-8 or holds a NUL: the offset, or -1 when clean. */
long text_problem(const char *s, size_t n);
/* The one policy for a file a command writes: absent or a regular file
 * (a symlink, a directory, a device or a FIFO is never replaced), in a
 * folder that exists or can be made, and writable. NULL when fine, else a
 * one-line reason. Checked before a run starts, and again by
 * write_file_atomic before its rename. */
char *output_problem(const char *path);
/* Exclusive ownership of an output for one run: an flock on PATH.lock.
 * Returns the lock's descriptor (kept open for the run), or -1 with errno
 * EWOULDBLOCK when another process holds it. */
int output_lock(const char *path);
/* Release it and remove PATH.lock. */
void output_unlock(int fd, const char *path);
/* 0 when PATH is absent or a regular file, else -1 (errno for gc_strerror). */
int check_replaceable(const char *path);

/* Numbers from options and the environment: the whole text must be a
 * decimal number within [lo, hi] (no sign games, no junk, no inf or nan).
 * NULL when it is, else why not. */
const char *parse_llong(const char *s, long long lo, long long hi, long long *out);
const char *parse_double(const char *s, double lo, double hi, double *out);
/* K/N with 1 <= K <= N <= hi. */
const char *parse_shard(const char *s, int hi, int *k, int *n);
/* Write via a temporary file in the same directory and rename(2), so a
 * reader sees the old or the new content, never a torn one. */
int write_file_atomic(const char *path, const char *data, size_t len);
/* Temporary files being written, so a signal handler can remove them
 * (temps_unlink is async-signal-safe); at most a few at a time. */
void temp_register(const char *path);
void temp_unregister(const char *path);
void temps_unlink(void);
int mkdir_p(const char *path, unsigned mode);
int rm_rf(const char *path);
char *path_join(const char *a, const char *b);
char *path_dirname(const char *p);
const char *path_basename(const char *p);
bool file_exists(const char *p);
bool is_executable(const char *p);
/* The program a command line starts with, found as execvp would (its first
 * word; PATH unless it holds a slash). NULL when there is none. */
char *find_program(const char *cmd);
/* A program cached in DIR/NAME, built at most once however many processes
 * ask: under an exclusive lock on DIR.lock, an entry without its `ok`
 * marker, or whose program is gone (a probe may delete its own binary), is
 * rebuilt in an emptied DIR by build(out, arg), which returns 0 on success.
 * Returns the program's path, or NULL with build's nonzero result in *rc. */
typedef int (*cache_builder)(const char *out, void *arg);
char *cache_program(const char *dir, const char *name, cache_builder build, void *arg, int *rc);

/* 64-bit FNV-1a; used for cache keys (collisions only cost a wrong cache hit
 * and the key also embeds the toolchain version and build mode). */
uint64_t fnv1a64(uint64_t h, const void *data, size_t n);
#define FNV1A64_INIT 0xcbf29ce484222325ULL
/* Every file under dir, recursively, by relative name and content; symlinks
 * are followed (the content a build would read); folders whose names start
 * with `.` or `_` are skipped, as go skips them. */
uint64_t fnv1a64_tree(uint64_t h, const char *dir);

double now_ms(void);      /* CLOCK_MONOTONIC */
int64_t now_ns(void);     /* CLOCK_MONOTONIC */
char *utc_timestamp(void); /* ISO 8601 */

#endif
