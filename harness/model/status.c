#include "status.h"

#include <stddef.h>
#include <string.h>

const char *const RECORD_STATUSES[] = {
    [STATUS_PASS] = "pass", [STATUS_FAIL] = "fail", [STATUS_XFAIL] = "xfail",
    [STATUS_XPASS] = "xpass", [STATUS_SKIP] = "skip", [STATUS_ERROR] = "error",
    [STATUS_COUNT] = NULL,
};

rec_status rec_status_parse(const char *name)
{
    for (int k = 0; name && k < STATUS_COUNT; k++)
        if (!strcmp(name, RECORD_STATUSES[k])) return (rec_status)k;
    return STATUS_UNKNOWN;
}

const char *rec_status_name(rec_status s) { return (unsigned)s < STATUS_COUNT ? RECORD_STATUSES[s] : "?"; }

bool rec_status_unexpected(rec_status s) { return s == STATUS_FAIL || s == STATUS_ERROR || s == STATUS_XPASS; }

int rec_status_met(rec_status s)
{
    if (s == STATUS_PASS || s == STATUS_XPASS) return 1;
    if (s == STATUS_FAIL || s == STATUS_XFAIL) return 0;
    return -1;
}

rec_status rec_status_expected_to_fail(rec_status s)
{
    return s == STATUS_FAIL ? STATUS_XFAIL : s == STATUS_PASS ? STATUS_XPASS : s;
}

const char *const RECORD_OUTCOME_KINDS[] = {
    [OUTCOME_EXIT] = "exit", [OUTCOME_SIGNAL] = "signal", [OUTCOME_TIMEOUT] = "timeout",
    [OUTCOME_BUILD_FAIL] = "build-fail", [OUTCOME_UNSUPPORTED] = "unsupported", [OUTCOME_NONE] = "none",
    [OUTCOME_COUNT] = NULL,
};

rec_outcome rec_outcome_parse(const char *name)
{
    for (int k = 0; name && k < OUTCOME_COUNT; k++)
        if (!strcmp(name, RECORD_OUTCOME_KINDS[k])) return (rec_outcome)k;
    return OUTCOME_UNKNOWN;
}

const char *rec_outcome_name(rec_outcome k) { return (unsigned)k < OUTCOME_COUNT ? RECORD_OUTCOME_KINDS[k] : "?"; }
