#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "util.h"

char *unit_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char *t = xasprintf("%s/gocompat-unit-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(t)) ck_abort_msg("mkdtemp failed");
    return t;
}

int main(void)
{
    Suite *(*const suites[])(void) = {
        suite_toolchain, suite_casefile, suite_proc, suite_record, suite_verdict, suite_table, suite_fixture, suite_elf, suite_bench,
    };
    SRunner *sr = srunner_create(suites[0]());
    for (size_t i = 1; i < sizeof suites / sizeof suites[0]; i++) srunner_add_suite(sr, suites[i]());
    srunner_add_suite(sr, suite_report());
    srunner_add_suite(sr, suite_diff());
    srunner_add_suite(sr, suite_abi());
    srunner_add_suite(sr, suite_util());
    srunner_add_suite(sr, suite_srcbuild());
    srunner_add_suite(sr, suite_hostjdk());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
