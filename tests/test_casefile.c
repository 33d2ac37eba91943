#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch.h"
#include "casefile.h"
#include "unit.h"

static const char GOOD[] =
    "# comment\n"
    "fixture: basic\n"
    "hosts: c-dlopen python-ctypes none@exe\n"
    "probe: add\n"
    "expect: adds\n"
    "outcome: exit 2 | signal SIGABRT\n"
    "timeout: 5\n"
    "claims: C11 !C14\n"
    "xfail: go1.19..go1.21 c-shared c-dlopen https://github.com/golang/go/issues/1\n"
    "env: GOTRACEBACK=none\n"
    "arch: arm64 386\n";

START_TEST(parses_a_full_descriptor)
{
    case_desc c;
    char *err = NULL;
    ck_assert_int_eq(case_parse("x/y.case", GOOD, &c, &err), 0);
    ck_assert_ptr_null(err);
    ck_assert_str_eq(c.fixture, "basic");
    ck_assert_uint_eq(c.nruns, 3);
    ck_assert_str_eq(c.runs[0].buildmode, "c-shared");
    ck_assert_str_eq(c.runs[2].host, "none");
    ck_assert_str_eq(c.runs[2].buildmode, "exe");
    ck_assert_uint_eq(c.nwant, 2);
    ck_assert_int_eq(c.want[0].kind, OUT_EXIT);
    ck_assert_int_eq(c.want[0].code, 2);
    ck_assert_int_eq(c.want[1].kind, OUT_SIGNAL);
    ck_assert_int_eq(c.want[1].sig, 6);
    ck_assert_int_eq(c.timeout_s, 5);
    ck_assert_uint_eq(c.claims.n, 2);
    ck_assert_str_eq(c.claims.v[1], "!C14");
    ck_assert_ptr_nonnull(case_xfail(&c, "go1.21.13", "c-shared", "c-dlopen"));
    ck_assert_ptr_null(case_xfail(&c, "go1.22.0", "c-shared", "c-dlopen"));
    ck_assert_ptr_null(case_xfail(&c, "go1.19.8", "c-shared", "c-linked"));
    ck_assert_uint_eq(c.arches.n, 2);
    ck_assert_str_eq(c.arches.v[1], "386");
    char *w = outcome_want_text(&c);
    ck_assert_str_eq(w, "exit 2 | signal SIGABRT");
    free(w);
    case_free(&c);
}
END_TEST

/* Each malformed descriptor must be refused with the file, the line and why. */
static const struct { const char *text, *want; } BAD[] = {
    { "fixture: basic\nhosts: c-dlopen\nprobe: p\nexpect: e\nbogus: 1\n", "y.case:5: unknown key `bogus`" },
    { "fixture: basic\nhosts: c-nowhere\n", "y.case:2: unknown host `c-nowhere`" },
    { "fixture: basic\nhosts: none\n", "y.case:2: host `none` needs a build mode" },
    { "fixture: basic\nhosts: c-dlopen@c-wat\n", "y.case:2: unknown build mode `c-wat`" },
    { "fixture: basic\noutcome: exit 300\n", "y.case:2: bad outcome" },
    { "fixture: basic\noutcome: signal SIGNOPE\n", "y.case:2: bad outcome" },
    { "fixture: basic\nclaims: C1\n", "y.case:2: bad claim id `C1`" },
    { "fixture: basic\nxfail: go1.19 * *\n", "y.case:2: xfail wants" },
    { "fixture: basic\nxfail: go1.19 * * http://x\n", "y.case:2: xfail needs an upstream https://" },
    { "fixture: basic\nxfail: 1.19 * * https://x\n", "y.case:2: bad Go version range" },
    { "fixture: basic\ntimeout: 0\n", "y.case:2: timeout must be" },
    { "fixture: basic\narch: amd64 mips\n", "y.case:2: unknown architecture `mips`" },
    { "fixture: basic\narch: natve\n", "y.case:2: unknown architecture `natve`" },
    { "just words\n", "y.case:1: expected `key: value`" },
    { "hosts: c-dlopen\nprobe: p\nexpect: e\n", "y.case: missing `fixture:`" },
    { "fixture: basic\nprobe: p\nexpect: e\n", "y.case: missing `hosts:`" },
    { "fixture: basic\nhosts: c-dlopen\nexpect: e\n", "y.case: missing `probe:`" },
    { "kind: build\nfixture: basic\nexpect: e\nhosts: c-dlopen\n", "y.case: a build case takes `buildmodes:`" },
    { "", "y.case: missing `fixture:`" },
    /* One cell, one record: a host named twice would run its cell twice. */
    { "fixture: basic\nhosts: c-dlopen c-dlopen\n", "y.case:2: host `c-dlopen@c-shared` listed twice" },
    { "fixture: basic\nhosts: c-dlopen\nhosts: c-linked\n", "y.case:3: `hosts:` given twice" },
    { "fixture: basic\nhosts: c-dlopen c-dlopen@c-shared\n", "y.case:2: host `c-dlopen@c-shared` listed twice" },
    { "kind: build\nfixture: basic\nbuildmodes: c-shared c-shared\n", "y.case:3: build mode `c-shared` listed twice" },
    { "kind: build\nfixture: basic\nbuildmodes: c-shared\nbuildmodes: pie\n", "y.case:4: `buildmodes:` given twice" },
    { "fixture: basic\ntimeout: 10s\n", "y.case:2: timeout must be" },
    { "fixture: basic\ntimeout: 99999999999999999999\n", "y.case:2: timeout must be" },
};

START_TEST(refuses_malformed_descriptors)
{
    case_desc c;
    char *err = NULL;
    int rc = case_parse("x/y.case", BAD[_i].text, &c, &err);
    ck_assert_int_eq(rc, -1);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, BAD[_i].want) != NULL, "got '%s', want '%s'", err, BAD[_i].want);
    free(err);
}
END_TEST

START_TEST(version_ranges_cover_patch_releases)
{
    ck_assert(version_in_range("go1.21.13", "go1.21", "go1.21"));
    ck_assert(version_in_range("go1.22.0", "go1.22", NULL));
    ck_assert(!version_in_range("go1.21.13", "go1.22", NULL));
    ck_assert(version_in_range("go1.19.8", NULL, "go1.21"));
    ck_assert(!version_in_range("go1.22.1", NULL, "go1.21"));
    ck_assert(version_in_range("go1.22.5", "go1.22.5", "go1.22.5"));
    ck_assert(!version_in_range("go1.22.4", "go1.22.5", NULL));
}
END_TEST

START_TEST(loads_a_tree_and_reports_every_bad_file)
{
    char *root = unit_tmpdir();
    char *area = xasprintf("%s/abi", root);
    mkdir_p(area, 0755);
    char *good = xasprintf("%s/ok.case", area), *bad = xasprintf("%s/broken.case", area);
    write_file_atomic(good, GOOD, strlen(GOOD));
    write_file_atomic(bad, "fixture basic\n", 14);
    case_set set = { 0 };
    strlist errs = { 0 };
    ck_assert_int_eq(case_load_dir(root, &set, &errs), 1);
    ck_assert_uint_eq(set.n, 1);
    ck_assert_str_eq(set.v[0].id, "abi/ok");
    ck_assert_uint_eq(errs.n, 1);
    ck_assert(strstr(errs.v[0], "broken.case:1:") != NULL);
    case_set_free(&set);
    sl_free(&errs);
    rm_rf(root);
    free(root); free(area); free(good); free(bad);
}
END_TEST

START_TEST(an_unreadable_area_is_an_error_not_an_empty_area)
{
    char *root = unit_tmpdir();
    char *loop = xasprintf("%s/loop", root), *good = xasprintf("%s/abi/ok.case", root), *readme = xasprintf("%s/README.md", root);
    char *abi = xasprintf("%s/abi", root);
    mkdir_p(abi, 0755);
    write_file_atomic(good, GOOD, strlen(GOOD));
    write_file_atomic(readme, "# cases\n", 8);
    ck_assert_int_eq(symlink(loop, loop), 0); /* ELOOP, as an unreadable folder would be for a user */
    case_set set = { 0 };
    strlist errs = { 0 };
    ck_assert_int_eq(case_load_dir(root, &set, &errs), 1);
    ck_assert_uint_eq(set.n, 1);
    ck_assert_uint_eq(errs.n, 1);
    ck_assert_msg(strstr(errs.v[0], "loop:") != NULL, "%s", errs.v[0]);
    case_set_free(&set);
    sl_free(&errs);
    rm_rf(root);
    free(root); free(loop); free(good); free(readme); free(abi);
}
END_TEST

/* `native` follows the emulator, not a GOARCH: amd64 under qemu is not it,
 * arm64 on an arm64 machine is. */
START_TEST(arch_native_means_not_emulated)
{
    case_desc c;
    char *err = NULL;
    ck_assert_int_eq(case_parse("x/y.case", "fixture: basic\nhosts: c-dlopen\nprobe: p\nexpect: e\narch: native 386\n", &c, &err), 0);
    toolchain here = { .goarch = "arm64" }, emulated = { .goarch = "amd64", .foreign = true },
              emulated386 = { .goarch = "386", .foreign = true };
    ck_assert(arch_applies(&c.arches, &here));
    ck_assert(!arch_applies(&c.arches, &emulated));
    ck_assert(arch_applies(&c.arches, &emulated386));
    strlist none = { 0 };
    ck_assert(arch_applies(&none, &emulated));
    case_free(&c);
}
END_TEST

Suite *suite_casefile(void)
{
    Suite *s = suite_create("casefile");
    TCase *t = tcase_create("core");
    tcase_add_test(t, parses_a_full_descriptor);
    tcase_add_loop_test(t, refuses_malformed_descriptors, 0, (int)(sizeof BAD / sizeof BAD[0]));
    tcase_add_test(t, version_ranges_cover_patch_releases);
    tcase_add_test(t, arch_native_means_not_emulated);
    tcase_add_test(t, loads_a_tree_and_reports_every_bad_file);
    tcase_add_test(t, an_unreadable_area_is_an_error_not_an_empty_area);
    suite_add_tcase(s, t);
    return s;
}
