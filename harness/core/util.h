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

/* Files. read_file returns NULL and sets errno on failure. */
char *read_file(const char *path, size_t *len);
/* Write via a temporary file in the same directory and rename(2), so a
 * reader sees the old or the new content, never a torn one. */
int write_file_atomic(const char *path, const char *data, size_t len);
int mkdir_p(const char *path, unsigned mode);
int rm_rf(const char *path);
char *path_join(const char *a, const char *b);
char *path_dirname(const char *p);
const char *path_basename(const char *p);
bool file_exists(const char *p);
bool is_executable(const char *p);
/* The program's path: PROG itself if it names a path, else the first
 * executable PROG on $PATH; NULL if none. */
char *path_which(const char *prog);
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

double now_ms(void);      /* CLOCK_MONOTONIC */
int64_t now_ns(void);     /* CLOCK_MONOTONIC */
char *utc_timestamp(void); /* ISO 8601 */

#endif
