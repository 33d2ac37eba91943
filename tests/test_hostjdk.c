#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hostjdk.h"
#include "unit.h"
#include "util.h"

START_TEST(release_versions_parse_old_and_new_style)
{
    char *ver = NULL;
    int v[JDK_VERSION_PARTS];
    ck_assert(jdk_parse_release("IMPLEMENTOR=\"X\"\nJAVA_VERSION=\"25.0.3\"\nJAVA_VERSION_DATE=\"2026-04-21\"\n", &ver, v));
    ck_assert_str_eq(ver, "25.0.3");
    ck_assert_int_eq(v[0], 25);
    ck_assert_int_eq(v[2], 3);
    free(ver);
    ck_assert(jdk_parse_release("JAVA_VERSION=\"1.8.0_412\"", &ver, v));
    ck_assert_int_eq(v[0], 8);
    ck_assert_int_eq(v[2], 412);
    free(ver);
    ck_assert(jdk_parse_release("JAVA_VERSION=22\r\n", &ver, v));
    ck_assert_str_eq(ver, "22");
    free(ver);
    ck_assert(!jdk_parse_release("JAVA_VERSION_DATE=\"2026-04-21\"\n", &ver, v));
    ck_assert(!jdk_parse_release("JAVA_VERSION=\"\"\n", &ver, v));
    ck_assert(!jdk_parse_release("", &ver, v));
}
END_TEST

START_TEST(versions_compare_number_by_number)
{
    int a[JDK_VERSION_PARTS] = { 22, 0, 2, 0 }, b[JDK_VERSION_PARTS] = { 22, 0, 10, 0 }, c[JDK_VERSION_PARTS] = { 9, 0, 0, 0 };
    ck_assert_int_lt(jdk_version_cmp(a, b), 0);
    ck_assert_int_gt(jdk_version_cmp(a, c), 0);
    ck_assert_int_eq(jdk_version_cmp(b, b), 0);
}
END_TEST

/* A folder that looks like a JDK of VERSION (NULL: no release file). */
static void fake_jdk(const char *dir, const char *version)
{
    char *bin = path_join(dir, "bin");
    mkdir_p(bin, 0755);
    const char *const tools[] = { "javac", "java", NULL };
    for (const char *const *t = tools; *t; t++) {
        char *p = path_join(bin, *t);
        write_file_atomic(p, "#!/bin/sh\n", 10);
        chmod(p, 0755);
        free(p);
    }
    if (version) {
        char *rel = path_join(dir, "release"), *text = xasprintf("JAVA_VERSION=\"%s\"\n", version);
        write_file_atomic(rel, text, strlen(text));
        free(rel);
        free(text);
    }
    free(bin);
}

START_TEST(the_newest_jdk_of_a_folder_is_found_and_others_are_named)
{
    char *root = unit_tmpdir();
    char *a = path_join(root, "jdk-17"), *b = path_join(root, "jdk-25"), *c = path_join(root, "no-release");
    char *d = path_join(root, "jre-only");
    fake_jdk(a, "17.0.15");
    fake_jdk(b, "25.0.3");
    fake_jdk(c, NULL);
    mkdir_p(d, 0755);
    jdk *j = jdk_newest(root);
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(j->version, "25.0.3");
    ck_assert(str_suffix(j->home, "/jdk-25"));
    jdk_free(j);
    char *why = NULL;
    ck_assert_ptr_null(jdk_at(c, &why));
    ck_assert_ptr_nonnull(strstr(why, "JAVA_VERSION"));
    free(why);
    ck_assert_ptr_null(jdk_at(d, &why));
    ck_assert_ptr_nonnull(strstr(why, "no bin/javac"));
    free(why);
    rm_rf(root);
    free(root); free(a); free(b); free(c); free(d);
}
END_TEST

Suite *suite_hostjdk(void)
{
    Suite *s = suite_create("hostjdk");
    TCase *t = tcase_create("core");
    tcase_add_test(t, release_versions_parse_old_and_new_style);
    tcase_add_test(t, versions_compare_number_by_number);
    tcase_add_test(t, the_newest_jdk_of_a_folder_is_found_and_others_are_named);
    suite_add_tcase(s, t);
    return s;
}
