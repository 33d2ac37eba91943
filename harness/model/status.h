/* The status of a record: the one list of statuses, their names in the
 * record schema, and what each means for a verdict. */
#ifndef GOCOMPAT_STATUS_H
#define GOCOMPAT_STATUS_H

#include <stdbool.h>

/* The order is part of the views: count tables and summary columns follow it. */
typedef enum {
    STATUS_PASS,
    STATUS_FAIL,
    STATUS_XFAIL,   /* failed, as an expected-failure rule says it does */
    STATUS_XPASS,   /* passed although an expected-failure rule says it fails */
    STATUS_SKIP,
    STATUS_ERROR,   /* the harness could not tell */
    STATUS_COUNT,
    STATUS_UNKNOWN = STATUS_COUNT /* not a status of the schema */
} rec_status;

extern const char *const RECORD_STATUSES[]; /* the names, indexed by rec_status; NULL-terminated */

/* STATUS_UNKNOWN for NULL or a name the schema does not have. */
rec_status rec_status_parse(const char *name);
/* The schema's name; "?" for STATUS_UNKNOWN. */
const char *rec_status_name(rec_status s);
/* fail, error and xpass: what CI must hear about. */
bool rec_status_unexpected(rec_status s);
/* pass and xpass: the case's expectation was met; fail and xfail: it was
 * not; skip, error (and unknown): no verdict. Returns 1, 0 or -1. */
int rec_status_met(rec_status s);
/* Through an expected-failure rule: fail -> xfail, pass -> xpass, others unchanged. */
rec_status rec_status_expected_to_fail(rec_status s);

/* How a record's probe ended (its "outcome".kind): one list, its names in
 * the record schema. Case descriptors expect these by the same names. */
typedef enum {
    OUTCOME_EXIT,
    OUTCOME_SIGNAL,
    OUTCOME_TIMEOUT,
    OUTCOME_BUILD_FAIL,
    OUTCOME_UNSUPPORTED, /* the toolchain cannot build this mode here */
    OUTCOME_NONE,        /* nothing ran (a harness error, an interrupted cell) */
    OUTCOME_COUNT,
    OUTCOME_UNKNOWN = OUTCOME_COUNT
} rec_outcome;

extern const char *const RECORD_OUTCOME_KINDS[]; /* indexed by rec_outcome; NULL-terminated */

/* OUTCOME_UNKNOWN for NULL or a name the schema does not have. */
rec_outcome rec_outcome_parse(const char *name);
/* The schema's name; "?" for OUTCOME_UNKNOWN. */
const char *rec_outcome_name(rec_outcome k);

#endif
