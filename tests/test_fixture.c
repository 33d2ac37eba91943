#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fixture.h"
#include "unit.h"

static build_ctx ctx_in(const char *root)
{
    build_ctx c = { .srcdir = root, .cachedir = root, .timeout_mult = 1 };
    return c;
}

START_TEST(cache_key_follows_every_input)
{
    char *root = unit_tmpdir();
    char *fx = xasprintf("%s/gosrc/f", root);
    mkdir_p(fx, 0755);
    char *file = xasprintf("%s/a.go", fx);
    write_file_atomic(file, "package main\n", 13);
    toolchain tc = { .path = "/usr/lib/go-1.22/bin/go", .version = "go1.22.12", .goos = "linux", .goarch = "amd64", .cc = "gcc" };
    build_ctx b = ctx_in(root);
    strlist none = { 0 }, flags = { 0 };
    sl_add(&flags, "-ldflags=-s -w");
    char *k1 = fixture_key(&b, &tc, "f", "c-shared", &none, &none);
    char *k1again = fixture_key(&b, &tc, "f", "c-shared", &none, &none);
    ck_assert_str_eq(k1, k1again);
    ck_assert(str_prefix(k1, "go1.22.12-c-shared-"));
    char *k_mode = fixture_key(&b, &tc, "f", "c-archive", &none, &none);
    char *k_flags = fixture_key(&b, &tc, "f", "c-shared", &flags, &none);
    toolchain tc2 = tc;
    tc2.version = "go1.23.5";
    char *k_tc = fixture_key(&b, &tc2, "f", "c-shared", &none, &none);
    write_file_atomic(file, "package main // edited\n", 23);
    char *k_src = fixture_key(&b, &tc, "f", "c-shared", &none, &none);
    const char *all[] = { k1, k_mode, k_flags, k_tc, k_src };
    for (size_t i = 0; i < 5; i++)
        for (size_t j = i + 1; j < 5; j++) ck_assert_str_ne(all[i], all[j]);
    ck_assert_ptr_null(fixture_key(&b, &tc, "missing", "c-shared", &none, &none));
    sl_free(&flags);
    rm_rf(root);
    free(root); free(fx); free(file); free(k1); free(k1again); free(k_mode); free(k_flags); free(k_tc); free(k_src);
}
END_TEST

START_TEST(recognises_unsupported_build_modes)
{
    ck_assert(build_output_unsupported("-buildmode=plugin not supported on windows/amd64\n"));
    ck_assert(build_output_unsupported("go: -buildmode=c-shared not supported on linux/ppc64\n"));
    ck_assert(!build_output_unsupported("./x.go:3:1: syntax error: non-declaration statement outside function body\n"));
}
END_TEST

START_TEST(broken_toolchain_build_is_an_error_not_a_crash)
{
    char *root = unit_tmpdir();
    char *fx = xasprintf("%s/gosrc/f", root);
    mkdir_p(fx, 0755);
    char *file = xasprintf("%s/a.go", fx);
    write_file_atomic(file, "package main\n", 13);
    toolchain tc = { .path = "/nonexistent/go", .version = "go1.22.12", .goos = "linux", .goarch = "amd64" };
    build_ctx b = ctx_in(root);
    fixture_build fb;
    fixture_build_ensure(&b, &tc, "f", "c-shared", NULL, NULL, &fb);
    ck_assert_int_eq(fb.status, BUILD_ERROR);
    ck_assert(!fb.cached);
    /* Harness-side errors are not cached: the next call tries again. */
    fixture_build fb2;
    fixture_build_ensure(&b, &tc, "f", "c-shared", NULL, NULL, &fb2);
    ck_assert(!fb2.cached);
    fixture_build_free(&fb);
    fixture_build_free(&fb2);
    rm_rf(root);
    free(root); free(fx); free(file);
}
END_TEST

/* A "go" whose build fails as a machine without a C compiler makes it fail. */
static char *fake_go(const char *root, const char *said)
{
    char *go = path_join(root, "go");
    char *script = xasprintf("#!/bin/sh\necho '# runtime/cgo' >&2\necho '%s' >&2\nexit 1\n", said);
    write_file_atomic(go, script, strlen(script));
    chmod(go, 0755);
    free(script);
    return go;
}

START_TEST(environment_failures_are_never_cached)
{
    char *root = unit_tmpdir();
    char *fx = xasprintf("%s/gosrc/f", root);
    mkdir_p(fx, 0755);
    char *file = xasprintf("%s/a.go", fx);
    write_file_atomic(file, "package main\n", 13);
    char *go = fake_go(root, "cgo: C compiler \"gcc\" not found: exec: \"gcc\": executable file not found in $PATH");
    toolchain tc = { .path = go, .version = "go1.22.12", .goos = "linux", .goarch = "amd64" };
    build_ctx b = ctx_in(root);
    fixture_build fb, fb2;
    fixture_build_ensure(&b, &tc, "f", "c-shared", NULL, NULL, &fb);
    ck_assert_int_eq(fb.status, BUILD_ENVIRONMENT);
    const char *head = json_string_value(json_object_get(fb.info, "stderr_head"));
    ck_assert_msg(str_prefix(head, "cgo: C compiler"), "%s", head); /* the line that says why comes first */
    char *info = path_join(fb.dir, "build.json");
    ck_assert(!file_exists(info));
    /* An older harness cached such a failure: it is not believed. */
    const char *old = "{\"status\": \"build-fail\", \"stderr_head\": \"exec: \\\"gcc\\\": executable file not found in $PATH\"}";
    write_file_atomic(info, old, strlen(old));
    fixture_build_ensure(&b, &tc, "f", "c-shared", NULL, NULL, &fb2);
    ck_assert(!fb2.cached);
    ck_assert_int_eq(fb2.status, BUILD_ENVIRONMENT);
    fixture_build_free(&fb2);
    /* A Go compile error is a result, and is cached. */
    char *same_go = fake_go(root, "./a.go:5:1: undefined: thing");
    fixture_build_ensure(&b, &tc, "f", "c-shared", NULL, NULL, &fb2);
    ck_assert_int_eq(fb2.status, BUILD_FAIL);
    ck_assert(file_exists(info));
    fixture_build_free(&fb);
    fixture_build_free(&fb2);
    rm_rf(root);
    free(root); free(fx); free(file); free(go); free(same_go); free(info);
}
END_TEST

Suite *suite_fixture(void)
{
    Suite *s = suite_create("fixture");
    TCase *t = tcase_create("core");
    tcase_add_test(t, cache_key_follows_every_input);
    tcase_add_test(t, recognises_unsupported_build_modes);
    tcase_add_test(t, broken_toolchain_build_is_an_error_not_a_crash);
    tcase_add_test(t, environment_failures_are_never_cached);
    suite_add_tcase(s, t);
    return s;
}
