/* Toolchains built from a source tree: their column names, and discovery
 * taking the name from GOROOT/.gocompat-name. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "srcbuild.h"
#include "toolchain.h"
#include "unit.h"

START_TEST(names_must_be_go_versions)
{
    ck_assert(srcbuild_name_ok("go1.27.3-src"));
    ck_assert(srcbuild_name_ok("go1.28-devel"));
    ck_assert(srcbuild_name_ok("go1.27rc1_local"));
    ck_assert(!srcbuild_name_ok("tip"));
    ck_assert(!srcbuild_name_ok("go1."));
    ck_assert(!srcbuild_name_ok("go1.27 src"));
    ck_assert(!srcbuild_name_ok("go1.27/../x"));
    ck_assert(!srcbuild_name_ok(""));
}
END_TEST

/* A fake `go` whose `go env -json` names GOROOT=dir and GOVERSION=ver. */
static char *fake_go(const char *dir, const char *file, const char *ver)
{
    char *p = xasprintf("%s/%s", dir, file);
    FILE *f = fopen(p, "w");
    fprintf(f, "#!/bin/sh\necho '{\"GOVERSION\":\"%s\",\"GOROOT\":\"%s\",\"GOOS\":\"linux\",\"GOARCH\":\"amd64\",\"CC\":\"gcc\",\"CGO_ENABLED\":\"1\"}'\n",
            ver, dir);
    fclose(f);
    chmod(p, 0755);
    return p;
}

START_TEST(built_toolchain_is_a_column_of_its_own)
{
    char *a = unit_tmpdir(), *b = unit_tmpdir(), *c = unit_tmpdir();
    char *installed = fake_go(a, "go", "go1.27.3");
    char *built = fake_go(b, "go", "go1.27.3"); /* same release, from its source */
    char *tip = fake_go(c, "go", "devel go1.28-0123abcd Tue Dec 1 2026");
    char *lb = xasprintf("%s/.gocompat-name", b), *lc = xasprintf("%s/.gocompat-name", c);
    ck_assert_int_eq(write_file_atomic(lb, "go1.27.3-src\n", 13), 0);
    strlist cand = { 0 };
    sl_add(&cand, installed);
    sl_add(&cand, built);
    sl_add(&cand, tip);
    toolchain_set s;
    toolchain_discover(&s, &cand, 5000);
    ck_assert_ptr_nonnull(toolchain_find(&s, "go1.27.3"));
    const toolchain *t = toolchain_find(&s, "go1.27.3-src");
    ck_assert_ptr_nonnull(t);
    ck_assert_str_eq(t->path, built);
    size_t broken = 0;
    for (size_t i = 0; i < s.n; i++) broken += s.v[i].error != NULL;
    ck_assert_uint_eq(broken, 0);
    /* tip without a name: "devel go1.28-0123abcd …" is release 1.28 at that commit */
    ck_assert_ptr_nonnull(toolchain_find(&s, "go1.28-0123abcd"));
    toolchain_set_free(&s);
    ck_assert_int_eq(write_file_atomic(lc, "go1.28-devel", 12), 0);
    toolchain_discover(&s, &cand, 5000);
    t = toolchain_find(&s, "go1.28-devel");
    ck_assert_ptr_nonnull(t);
    ck_assert_ptr_null(t->error);
    ck_assert_str_eq(s.v[s.n - 1].version, "go1.28-devel"); /* sorts after go1.27.x */
    toolchain_set_free(&s);
    sl_free(&cand);
    rm_rf(a); rm_rf(b); rm_rf(c);
    free(a); free(b); free(c); free(installed); free(built); free(tip); free(lb); free(lc);
}
END_TEST

START_TEST(build_refuses_what_is_not_a_source_tree)
{
    char *dir = unit_tmpdir();
    srcbuild_spec s = { .cachedir = dir, .src = dir, .bootstrap = "/nonexistent", .timeout_mult = 1 };
    srcbuild_result r;
    char *err = NULL;
    ck_assert_int_eq(srcbuild_build(&s, &r, &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "not a Go source tree"));
    free(err);
    srcbuild_result_free(&r);
    /* A tree without VERSION or goversion.go needs a name. */
    char *srcdir = xasprintf("%s/src", dir), *mk = xasprintf("%s/src/make.bash", dir);
    mkdir_p(srcdir, 0755);
    write_file_atomic(mk, "exit 1\n", 7);
    err = NULL;
    ck_assert_int_eq(srcbuild_build(&s, &r, &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "--name"));
    free(err);
    srcbuild_result_free(&r);
    /* Named, but the bootstrap is no GOROOT. */
    s.name = "go1.99-x";
    err = NULL;
    ck_assert_int_eq(srcbuild_build(&s, &r, &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "bootstrap"));
    free(err);
    srcbuild_result_free(&r);
    strlist none = { 0 };
    srcbuild_candidates(dir, &none);
    ck_assert_uint_eq(none.n, 0);
    rm_rf(dir);
    free(dir); free(srcdir); free(mk);
}
END_TEST

Suite *suite_srcbuild(void)
{
    Suite *s = suite_create("srcbuild");
    TCase *t = tcase_create("srcbuild");
    tcase_add_test(t, names_must_be_go_versions);
    tcase_add_test(t, built_toolchain_is_a_column_of_its_own);
    tcase_add_test(t, build_refuses_what_is_not_a_source_tree);
    suite_add_tcase(s, t);
    return s;
}
