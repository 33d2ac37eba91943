/* Case descriptors: `cases/<area>/<name>.case`, one `key: value` per line.
 * The format is documented in cases/README.md. */
#ifndef GOCOMPAT_CASEFILE_H
#define GOCOMPAT_CASEFILE_H

#include "util.h"

/* What a case expects: one of the record's outcome kinds (status.h) by the
 * same name, or OUT_ANY (any ending but a harness error). OUT_BUILD_FAIL: a
 * build case whose expectation is that the build fails. */
typedef enum { OUT_EXIT, OUT_SIGNAL, OUT_TIMEOUT, OUT_ANY, OUT_BUILD_FAIL } outcome_kind;

typedef struct {
    outcome_kind kind;
    int code;   /* OUT_EXIT: exit status; -1 = any non-zero */
    int sig;    /* OUT_SIGNAL: 0 = any signal */
} outcome_want;

typedef struct {
    char *lo, *hi;      /* inclusive Go version bounds; NULL = open */
    char *buildmode;    /* "*" = any */
    char *host;         /* "*" = any */
    char *link;         /* upstream issue */
    int line;
} xfail_rule;

typedef struct { char *host, *buildmode; } host_run;

typedef struct {
    char *id;           /* area/name */
    char *area, *name;
    char *path, *dir;   /* descriptor file and its folder */
    bool build_only;    /* kind: build — the cell is the fixture build itself */
    char *fixture;
    host_run *runs; size_t nruns;
    char *probe;        /* base name of the probe files beside the descriptor */
    char *expect;
    outcome_want *want; size_t nwant;
    int timeout_s;
    int trials;         /* run the probe this many times (seeds seed..seed+N-1); 1: once */
    bool waits;         /* the probe mostly waits (a hang window): it runs beside the job limit */
    strlist claims;     /* "C11"; "!C12" = a pass refutes C12; "C10.args" names a part */
    xfail_rule *xfails; size_t nxfails;
    strlist buildflags; /* extra `go build` arguments, one per line */
    strlist buildenv;   /* extra environment for the fixture build */
    strlist env;        /* extra environment for the probe */
    strlist hostflags;  /* extra C host compiler/linker arguments, one per line */
    char *go_lo, *go_hi; /* toolchains the case applies to; others are skipped */
    strlist arches;     /* GOARCHes the expectation is written for; empty: all */
    char *note;
} case_desc;

typedef struct { case_desc *v; size_t n; } case_set;

/* Parse one descriptor. On error returns -1 and *err is "file:line: message". */
int case_parse(const char *path, const char *text, case_desc *c, char **err);
/* Load every cases/<area>/<name>.case under root, sorted by id. Errors are
 * collected in errs (one line each); returns the number of errors. */
int case_load_dir(const char *root, case_set *set, strlist *errs);
void case_free(case_desc *c);
void case_set_free(case_set *s);

/* The build mode a host implies when the descriptor does not say. NULL: none. */
const char *host_default_buildmode(const char *host);
bool host_known(const char *host);
bool buildmode_known(const char *mode);
/* Does the Go version fall in [lo, hi] (NULL bounds are open; bounds of the
 * form go1.N match any patch release)? */
bool version_in_range(const char *v, const char *lo, const char *hi);
/* Parse a Go release range (`go1.21`, `go1.19..go1.22`, `go1.24..`, `..go1.21`,
 * `*`) into inclusive bounds (NULL = open). 0, or -1 if malformed. */
int go_range_parse(const char *s, char **lo, char **hi);
/* The first matching expected-failure rule, or NULL. */
const xfail_rule *case_xfail(const case_desc *c, const char *go, const char *buildmode, const char *host);
/* "exit 0", "signal SIGABRT" … for the record's expect text. Caller frees. */
char *outcome_want_text(const case_desc *c);

#endif
