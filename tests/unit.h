/* Check suites for the harness library; unit_main.c runs them all. */
#ifndef GOCOMPAT_UNIT_H
#define GOCOMPAT_UNIT_H

#include <check.h>

Suite *suite_toolchain(void);
Suite *suite_srcbuild(void);
Suite *suite_report(void);
Suite *suite_diff(void);
Suite *suite_casefile(void);
Suite *suite_proc(void);
Suite *suite_record(void);
Suite *suite_verdict(void);
Suite *suite_table(void);
Suite *suite_fixture(void);
Suite *suite_elf(void);
Suite *suite_bench(void);
Suite *suite_abi(void);
Suite *suite_util(void);
Suite *suite_hostjdk(void);

/* A fresh temporary folder for one test; removed by unit_tmpdir_cleanup. */
char *unit_tmpdir(void);

#endif
