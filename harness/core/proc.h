/* Run one untrusted child: own process group, no stdin, bounded capture of
 * stdout/stderr, a private report channel on fd 3, a timeout enforced with
 * killpg, and the wait status decoded here rather than assumed. */
#ifndef GOCOMPAT_PROC_H
#define GOCOMPAT_PROC_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

/* The probe report channel: probes write protocol lines to this fd. */
#define GC_REPORT_FD 3

typedef enum {
    PROC_EXIT,        /* exited; code is the status */
    PROC_SIGNAL,      /* killed by a signal it did not handle */
    PROC_TIMEOUT,     /* still running at the deadline; the group was killed */
    PROC_SPAWN_FAIL,  /* could not be started at all (spawn_error says why) */
    PROC_INTERRUPTED, /* the harness was interrupted; the group was killed */
} proc_kind;

/* Keeps the first and the last `limit` bytes of a stream and counts the rest. */
typedef struct {
    char *head; size_t head_len;
    char *tail; size_t tail_len, tail_pos; /* ring buffer */
    size_t total, limit;
} capture;

typedef struct {
    const char *const *argv;
    const char *const *envp;   /* NULL: inherit */
    const char *cwd;           /* NULL: inherit */
    int timeout_ms;            /* <= 0: none */
    size_t capture_limit;      /* bytes kept at each end of stdout/stderr */
    size_t report_limit;       /* bytes of fd-3 report kept */
    rlim_t as_limit;           /* RLIMIT_AS for the child; 0: unchanged */
    volatile sig_atomic_t *interrupted; /* polled; non-zero stops the child */
} proc_spec;

typedef struct {
    proc_kind kind;
    int code;          /* PROC_EXIT */
    int sig;           /* PROC_SIGNAL */
    bool core;
    capture out, err;
    char *report; size_t report_len; bool report_truncated;
    double wall_ms;
    int64_t end_ns;    /* CLOCK_MONOTONIC when the child was reaped */
    struct rusage ru;
    int leftovers;     /* processes it left behind (in its group, or escaped and re-parented to a subreaper caller) */
    char spawn_error[256];
} proc_result;

/* Callers that set PR_SET_CHILD_SUBREAPER also get every descendant the
 * child orphaned killed and reaped before proc_run returns. */
/* A scaled timeout as proc_spec wants it: at least 1 ms (0 means no
 * deadline) and no more than INT_MAX (a cast beyond it would be negative,
 * which also means no deadline). */
int proc_deadline_ms(double ms);
int proc_run(const proc_spec *spec, proc_result *res);
void proc_result_free(proc_result *res);

/* A printable text of a capture: head, an elision marker, tail. Caller frees. */
char *capture_text(const capture *c);
void capture_init(capture *c, size_t limit);
void capture_add(capture *c, const char *p, size_t n);
void capture_free(capture *c);

/* "SIGSEGV" for 11, "SIG42" for unknown numbers. Static storage. */
const char *signal_name(int sig);
/* Decode a wait(2) status word into res->kind/code/sig/core. */
void proc_decode_status(int status, proc_result *res);

#endif
