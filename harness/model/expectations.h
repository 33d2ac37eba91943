/* The expectations baseline (results/expectations): one line per expected
 * failure, applied to a run exactly as a descriptor's `xfail:` line is
 * (fail -> xfail, pass -> xpass). The format:
 *
 *     # comment
 *     GO-RANGE  BUILDMODE  HOST  CASE  https://github.com/golang/go/issues/N
 *
 * GO-RANGE is `go1.21`, `go1.19..go1.22`, `go1.24..`, `..go1.21` or `*`;
 * BUILDMODE and HOST are names or `*`; CASE is a case id or a glob
 * (`panic/` followed by a star). */
#ifndef GOCOMPAT_EXPECTATIONS_H
#define GOCOMPAT_EXPECTATIONS_H

#include <jansson.h>

#include "casefile.h"

typedef struct {
    xfail_rule rule;    /* range, build mode, host, link, line */
    char *case_glob;
    char *where;        /* "file:line" */
} expectation;

typedef struct expect_set { expectation *v; size_t n; char *path; } expect_set;

/* Parse a baseline. Each problem is added to errs as "file:line: why";
 * returns the number of problems (the set holds the valid lines). */
int expect_parse(const char *path, const char *text, expect_set *s, strlist *errs);
/* Read and parse; -1 with errno when the file cannot be read. */
int expect_load(const char *path, expect_set *s, strlist *errs);
void expect_free(expect_set *s);
/* The first line that matches the cell, or NULL. */
const expectation *expect_match(const expect_set *s, const char *go, const char *buildmode, const char *host,
                                const char *case_id);

/* The baseline a run uses: `path` when given (an error if unreadable),
 * else SRCDIR/results/expectations when it exists, else none. Dies (exit 2)
 * listing every malformed line. Returns NULL when there is none. */
expect_set *expect_for_run(const char *path, bool disabled, const char *srcdir);

/* How a run's records stand: an unexpected record is one whose status is
 * fail, error or xpass, what CI must hear about. */
size_t count_unexpected(json_t *records);
/* Print one line per unexpected record to stderr, naming the cell and,
 * for an xpass, the rule that expected it to fail. */
void print_unexpected(json_t *records);
/* "pass 10, fail 1, …" over the records; caller frees. */
char *status_counts(json_t *records);

#endif
