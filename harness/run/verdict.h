/* From what a probe reported and how its process ended, to a status.
 * Pure functions: no I/O, so they are unit-tested directly. */
#ifndef GOCOMPAT_VERDICT_H
#define GOCOMPAT_VERDICT_H

#include <jansson.h>

#include "casefile.h"
#include "proc.h"

typedef struct {
    json_t *facts;        /* object */
    char *verdict;        /* "pass", "fail", "skip" or NULL */
    char *detail;         /* text after fail/skip */
    char *mark_name;      /* last mark */
    long long mark_ns;
    int lines;            /* protocol lines understood */
    int junk;             /* lines not understood */
} probe_report;

void report_parse(const char *text, size_t len, probe_report *r);
void report_free(probe_report *r);

typedef struct {
    const char *status;   /* pass fail skip error (before xfail mapping) */
    char *detail;         /* one line; caller frees */
} verdict;

/* Judge one finished probe against what the case wants. */
verdict judge(const case_desc *c, const proc_result *pr, const probe_report *rep);

/* Map pass/fail through an expected-failure rule: fail->xfail, pass->xpass. */
const char *apply_xfail(const char *status, bool expected_to_fail);

/* The record's outcome object for a finished probe. */
json_t *outcome_json(const proc_result *pr);

#endif
