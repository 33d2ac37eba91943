/* From what a probe reported and how its process ended, to a status.
 * Pure functions: no I/O, so they are unit-tested directly. */
#ifndef GOCOMPAT_VERDICT_H
#define GOCOMPAT_VERDICT_H

#include <jansson.h>

#include "casefile.h"
#include "proc.h"
#include "status.h"

typedef struct {
    json_t *facts;        /* object */
    rec_status verdict;   /* the first pass, fail or skip line; STATUS_UNKNOWN: none */
    char *detail;         /* text after fail/skip */
    char *mark_name;      /* last mark */
    long long mark_ns;
    int lines;            /* protocol lines understood */
    int junk;             /* lines not understood */
} probe_report;

void report_parse(const char *text, size_t len, probe_report *r);
void report_free(probe_report *r);

typedef struct {
    rec_status status;    /* pass fail skip error (before expected-failure rules) */
    char *detail;         /* one line; caller frees */
} verdict;

/* Judge one finished probe against what the case wants. */
verdict judge(const case_desc *c, const proc_result *pr, const probe_report *rep);

/* The record's outcome object for a finished probe. */
json_t *outcome_json(const proc_result *pr);

#endif
