#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static void put(const char *root, const char *rel, const char *text)
{
    char *p = path_join(root, rel);
    char *d = path_dirname(p);
    mkdir_p(d, 0755);
    ck_assert_int_eq(write_file_atomic(p, text, strlen(text)), 0);
    free(d);
    free(p);
}

/* Everything a build reads lives somewhere in the module (or the folder of
 * a module-less package) or a local replace target: each must move the key. */
START_TEST(cache_key_covers_the_build_graph)
{
    char *root = unit_tmpdir();
    char *mod = path_join(root, "gosrc/m");
    put(mod, "go.mod", "module example.com/m\n\ngo 1.19\n\nreplace example.com/r => ../../outside/r\n");
    put(mod, "main.go", "package main\n");
    put(root, "outside/r/go.mod", "module example.com/r\n");
    put(root, "outside/r/r.go", "package r\n");
    char *real = path_join(root, "elsewhere.go");
    put(root, "elsewhere.go", "package main // linked\n");
    char *link = path_join(mod, "linked.go");
    ck_assert_int_eq(symlink(real, link), 0);
    toolchain tc = { .path = "/usr/lib/go-1.22/bin/go", .version = "go1.22.12", .goos = "linux", .goarch = "amd64", .cc = "gcc" };
    build_ctx b = ctx_in(root);
    const char *edits[][2] = {
        { "gosrc/m/sub/value.go", "package sub\nconst V = 1\n" },
        { "gosrc/m/sub/value.go", "package sub\nconst V = 2\n" },
        { "gosrc/m/go.sum", "example.com/x v1.0.0 h1:abc=\n" },
        { "gosrc/m/vendor/example.com/x/x.go", "package x\n" },
        { "gosrc/m/assets/data/page.txt", "embedded\n" },
        { "gosrc/m/sub/helper.c", "int helper(void) { return 1; }\n" },
        { "gosrc/m/sub/include/helper.h", "int helper(void);\n" },
        { "elsewhere.go", "package main // the link's target changed\n" },
        { "outside/r/r.go", "package r // replaced module edited\n" },
    };
    strlist keys = { 0 };
    sl_add_owned(&keys, fixture_key(&b, &tc, "m", "c-shared", NULL, NULL));
    for (size_t i = 0; i < GC_ARRAY_LEN(edits); i++) {
        put(root, edits[i][0], edits[i][1]);
        char *k = fixture_key(&b, &tc, "m", "c-shared", NULL, NULL);
        ck_assert_msg(k != NULL, "no key after writing %s", edits[i][0]);
        ck_assert_msg(!sl_has(&keys, k), "the key did not change when %s was written", edits[i][0]);
        sl_add_owned(&keys, k);
    }
    /* What go never reads does not move the key: tool output in _ folders. */
    char *before = fixture_key(&b, &tc, "m", "c-shared", NULL, NULL);
    put(root, "gosrc/m/_gocompat/check.json", "{}\n");
    put(root, "gosrc/m/.git/HEAD", "ref: x\n");
    char *after = fixture_key(&b, &tc, "m", "c-shared", NULL, NULL);
    ck_assert_str_eq(before, after);
    free(before);
    free(after);
    /* A package folder given by absolute path is keyed the same way. */
    char *abs = fixture_key(&b, &tc, mod, "c-shared", NULL, NULL);
    ck_assert_ptr_nonnull(abs);
    put(root, "gosrc/m/sub/value.go", "package sub\nconst V = 3\n");
    char *abs2 = fixture_key(&b, &tc, mod, "c-shared", NULL, NULL);
    ck_assert_str_ne(abs, abs2);
    sl_free(&keys);
    rm_rf(root);
    free(root); free(mod); free(real); free(link); free(abs); free(abs2);
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
    tcase_add_test(t, cache_key_covers_the_build_graph);
    tcase_add_test(t, recognises_unsupported_build_modes);
    tcase_add_test(t, broken_toolchain_build_is_an_error_not_a_crash);
    tcase_add_test(t, environment_failures_are_never_cached);
    suite_add_tcase(s, t);
    return s;
}
