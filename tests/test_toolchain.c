#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "arch.h"
#include "toolchain.h"
#include "unit.h"

START_TEST(parses_go_env_json)
{
    toolchain t = { 0 };
    const char *json = "{\"GOVERSION\":\"go1.22.12\",\"GOOS\":\"linux\",\"GOARCH\":\"amd64\","
                       "\"CC\":\"gcc\",\"CGO_ENABLED\":\"1\",\"GOROOT\":\"/usr/lib/go-1.22\"}";
    ck_assert_int_eq(toolchain_parse_env(&t, json), 0);
    ck_assert_str_eq(t.version, "go1.22.12");
    ck_assert_str_eq(t.goarch, "amd64");
    ck_assert_str_eq(t.cc, "gcc");
    ck_assert(t.cgo_enabled);
    ck_assert_ptr_null(t.error);
    toolchain_set s = { &t, 1 };
    ck_assert_ptr_eq(toolchain_find(&s, "1.22"), &t);
    ck_assert_ptr_eq(toolchain_find(&s, "go1.22"), &t);
    ck_assert_ptr_eq(toolchain_find(&s, "go1.22.12"), &t);
    ck_assert_ptr_null(toolchain_find(&s, "1.2"));
    free(t.version); free(t.goos); free(t.goarch); free(t.cc); free(t.goroot);
}
END_TEST

START_TEST(a_development_toolchain_is_its_release)
{
    toolchain t = { 0 };
    ck_assert_int_eq(toolchain_parse_env(&t, "{\"GOVERSION\":\"devel go1.24-a1b2c3d Tue Jan 2 10:00:00 2024 +0000\","
                                             "\"GOOS\":\"linux\",\"GOARCH\":\"amd64\",\"CGO_ENABLED\":\"1\"}"), 0);
    ck_assert_ptr_null(t.error);
    ck_assert_str_eq(t.version, "go1.24-a1b2c3d");
    toolchain_set s = { &t, 1 };
    ck_assert_ptr_eq(toolchain_find(&s, "1.24"), &t);
    free(t.version); free(t.goos); free(t.goarch); free(t.cc); free(t.goroot);
    toolchain u = { 0 };
    ck_assert_int_eq(toolchain_parse_env(&u, "{\"GOVERSION\":\"devel +a1b2c3d Tue\",\"GOOS\":\"linux\",\"GOARCH\":\"amd64\"}"), -1);
    ck_assert_msg(strstr(u.error, "development toolchain") != NULL, "%s", u.error);
    free(u.error); free(u.version); free(u.goos); free(u.goarch); free(u.cc); free(u.goroot);
}
END_TEST

START_TEST(rejects_non_go_output)
{
    toolchain t = { 0 };
    ck_assert_int_eq(toolchain_parse_env(&t, "Python 3.11.7"), -1);
    ck_assert_ptr_nonnull(t.error);
    ck_assert(strstr(t.error, "JSON") != NULL);
    free(t.error);
    toolchain u = { 0 };
    ck_assert_int_eq(toolchain_parse_env(&u, "{\"GOOS\":\"linux\"}"), -1);
    ck_assert(strstr(u.error, "GOVERSION") != NULL);
    free(u.error); free(u.goos);
    toolchain v = { 0 };
    ck_assert_int_eq(toolchain_parse_env(&v, "{\"GOVERSION\":\"devel\",\"GOOS\":\"linux\",\"GOARCH\":\"amd64\"}"), -1);
    free(v.error); free(v.version); free(v.goos); free(v.goarch);
}
END_TEST

START_TEST(orders_versions_numerically)
{
    ck_assert_int_lt(go_version_cmp("go1.9", "go1.19.2"), 0);
    ck_assert_int_lt(go_version_cmp("go1.21rc1", "go1.21.0"), 0);
    ck_assert_int_lt(go_version_cmp("go1.21beta1", "go1.21rc1"), 0);
    ck_assert_int_gt(go_version_cmp("go1.27.3", "go1.26.10"), 0);
    ck_assert_int_eq(go_version_cmp("go1.21", "go1.21.0"), 0);
    char *m = go_version_minor("go1.22.12");
    ck_assert_str_eq(m, "1.22");
    free(m);
    ck_assert_ptr_null(go_version_minor("python3"));
}
END_TEST

START_TEST(broken_toolchains_are_reported_not_fatal)
{
    char *dir = unit_tmpdir();
    char *notgo = xasprintf("%s/go", dir);
    FILE *f = fopen(notgo, "w");
    fputs("#!/bin/sh\necho 'I am not Go'\n", f);
    fclose(f);
    chmod(notgo, 0755);
    char *hang = xasprintf("%s/hang-go", dir);
    f = fopen(hang, "w");
    fputs("#!/bin/sh\nexec sleep 30\n", f);
    fclose(f);
    chmod(hang, 0755);
    strlist cand = { 0 };
    sl_add(&cand, notgo);
    sl_add(&cand, hang);
    sl_add(&cand, "/nonexistent/go");
    toolchain_set s;
    toolchain_discover(&s, &cand, 500);
    ck_assert_uint_eq(s.n, 3);
    for (size_t i = 0; i < s.n; i++) ck_assert_msg(s.v[i].error != NULL, "%s should be broken", s.v[i].path);
    bool saw_timeout = false;
    for (size_t i = 0; i < s.n; i++) saw_timeout |= strstr(s.v[i].error, "did not answer") != NULL;
    ck_assert(saw_timeout);
    toolchain_set_free(&s);
    sl_free(&cand);
    rm_rf(dir);
    free(dir); free(notgo); free(hang);
}
END_TEST

START_TEST(candidates_dedupe_by_real_path)
{
    char *dir = unit_tmpdir();
    char *a = xasprintf("%s/go", dir), *b = xasprintf("%s/go-link", dir);
    FILE *f = fopen(a, "w");
    fclose(f);
    ck_assert_int_eq(symlink(a, b), 0);
    strlist extra = { 0 }, out = { 0 };
    sl_add(&extra, a);
    sl_add(&extra, b);
    toolchain_candidates(&out, false, NULL, &extra);
    ck_assert_uint_eq(out.n, 1);
    toolchain_candidates(&out, false, b, NULL); /* configured, same file again */
    ck_assert_uint_eq(out.n, 1);
    sl_free(&extra);
    sl_free(&out);
    rm_rf(dir);
    free(dir); free(a); free(b);
}
END_TEST

/* One native amd64 toolchain, then arch_expand with SPEC: is it still usable? */
static bool native_kept_by(const char *spec)
{
    toolchain_set set = { xcalloc(1, sizeof(toolchain)), 1 };
    toolchain *t = &set.v[0];
    t->path = xstrdup("/usr/lib/go-9.9/bin/go");
    t->version = xstrdup("go9.9.1");
    t->goos = xstrdup("linux");
    t->goarch = xstrdup("amd64");
    t->cc = xstrdup("gcc");
    char *err = NULL;
    ck_assert_int_eq(arch_expand(&set, spec, &err), 0);
    bool kept = false;
    for (size_t i = 0; i < set.n; i++)
        if (!set.v[i].foreign && !strcmp(set.v[i].goarch ? set.v[i].goarch : "", "amd64")) kept = !set.v[i].error;
    for (size_t i = 0; i < set.n; i++) ck_assert(!set.v[i].foreign || strcmp(set.v[i].goarch, "amd64"));
    toolchain_set_free(&set);
    return kept;
}

START_TEST(arch_list_names_every_arch_to_run)
{
    ck_assert(native_kept_by(NULL));
    ck_assert(native_kept_by("native"));
    ck_assert(native_kept_by("amd64"));
    ck_assert(native_kept_by("all"));
    ck_assert(native_kept_by("arm64,native"));
    ck_assert(!native_kept_by("arm64"));
    ck_assert(!native_kept_by("386,s390x"));
    toolchain_set none = { 0 };
    char *err = NULL;
    ck_assert_int_eq(arch_expand(&none, "arm64,mips", &err), -1);
    ck_assert(strstr(err, "'mips'") != NULL);
    free(err);
}
END_TEST

Suite *suite_toolchain(void)
{
    Suite *s = suite_create("toolchain");
    TCase *t = tcase_create("core");
    tcase_add_test(t, parses_go_env_json);
    tcase_add_test(t, a_development_toolchain_is_its_release);
    tcase_add_test(t, rejects_non_go_output);
    tcase_add_test(t, orders_versions_numerically);
    tcase_add_test(t, broken_toolchains_are_reported_not_fatal);
    tcase_add_test(t, candidates_dedupe_by_real_path);
    tcase_add_test(t, arch_list_names_every_arch_to_run);
    suite_add_tcase(s, t);
    return s;
}
