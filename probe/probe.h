/* The API a C probe is written against. A probe defines
 *
 *     void probe_main(int argc, char **argv);
 *
 * and calls Go exports as GO_FN(Name)(args…). The same probe source is built
 * into every C host: c-dlopen resolves GO_FN through dlsym, c-linked and
 * c-archive call the symbol directly, c-threads runs probe_main on a fresh
 * pthread. cgo's generated header is force-included, so exports and Go*
 * types are declared.
 *
 * Reports go to the runner on fd 3, one line each:
 *   fact KEY VALUE   evidence (VALUE is JSON if it parses as JSON)
 *   mark NAME NS     a CLOCK_MONOTONIC timestamp (e.g. just before a fatal call)
 *   pass | fail DETAIL | skip REASON
 */
#ifndef GOCOMPAT_PROBE_H
#define GOCOMPAT_PROBE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void probe_main(int argc, char **argv);

void gc_fact(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gc_mark(const char *name);
void gc_pass(void);
void gc_fail_at(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void gc_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The host kind this probe was built into: "c-dlopen", "c-linked", … */
const char *gc_host(void);
/* The library path given on the command line (c-dlopen); NULL otherwise. */
const char *gc_library(void);
/* dlsym in the loaded library (c-dlopen) or the whole process. */
void *gc_sym(const char *name);
uint64_t gc_seed(void);
/* Copy a file (mode 0755), e.g. a library to load under another name.
 * 0, or -1 with errno. */
int gc_copy_file(const char *from, const char *to);
/* Re-execute this probe binary with argv (argv[0] included), behind
 * GOCOMPAT_EMULATOR when the cell runs under qemu-user: a foreign binary
 * cannot be exec'd directly. Returns only on failure (-1, errno set). */
int gc_exec_self(char *const argv[]);
/* This probe's own argv, read from /proc/self/cmdline (for a child that
 * re-executes it with gc_exec_self); NULL with errno set when unreadable.
 * Static storage: valid until the next call. */
char **gc_self_argv(void);
/* Whether this cell runs under qemu-user (GOCOMPAT_EMULATOR is set). */
int gc_emulated(void);
/* Install handler for sig with flags (SA_ONSTACK, …) and an empty mask.
 * 0, or -1 with errno (sigaction's). */
int gc_on_signal(int sig, void (*handler)(int), int flags);
/* A numeric field of /proc/self/status ("Threads", "VmRSS" …), or -1. */
long gc_status_field(const char *name);
/* FNV-1a over a folder's file names and contents, in name order (dot files
 * skipped): a key for artifacts a probe builds from that folder. */
unsigned long long gc_dir_hash(const char *dir);
/* Milliseconds on CLOCK_MONOTONIC: the clock of gc_wait_child's deadline. */
double gc_now_ms(void);

/* How a child process ended, as cases name it (GOCOMPAT_WANT_END). */
struct gc_child_end {
    char name[64]; /* "exit N", "signal SIGNAME" or "timeout" */
    int core;      /* the signal that ended it dumped core */
};

/* Waits for child pid, collecting its stderr: reads fd (the read end of the
 * child's stderr pipe, with the parent's write end already closed) into err
 * until every writer has closed it or err holds cap - 1 bytes, sends the
 * child SIGKILL once deadline_ms (gc_now_ms's clock) has passed, then closes
 * fd and reaps the child. err is NUL-terminated; cap is at least 1. A child
 * killed at the deadline ends as "timeout" whatever its wait status says;
 * one that goes on writing after err is full meets a closed pipe.
 * Returns the count of stderr bytes kept. */
size_t gc_wait_child(int pid, int fd, double deadline_ms, char *err, size_t cap, struct gc_child_end *end);

#define gc_fail(...) gc_fail_at(__FILE__, __LINE__, __VA_ARGS__)
/* Fails (once, with file:line and the observed values) unless a == b. */
#define GC_EXPECT_EQ_LL(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
    if (a_ != b_) { gc_fail_at(__FILE__, __LINE__, "%s == %lld, want %lld", #a, a_, b_); return; } } while (0)
#define GC_EXPECT(cond) do { if (!(cond)) { gc_fail_at(__FILE__, __LINE__, "expected %s", #cond); return; } } while (0)

#ifdef __cplusplus
}
#endif

#ifdef GC_HOST_DLOPEN
#define GO_FN(name) ((__typeof__(&name))gc_sym(#name))
#else
#define GO_FN(name) (&name)
#endif

#endif
