/* The policies every command shares (input, output, numeric options, where
 * the data folder is) and the JSON skimmer behind the matrix reader. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "datadir.h"
#include "installdirs.h"
#include "jskim.h"
#include "unit.h"
#include "util.h"

START_TEST(numbers_must_be_whole_and_in_range)
{
    long long n = 7;
    ck_assert_ptr_null(parse_llong("4", 1, 256, &n));
    ck_assert_int_eq(n, 4);
    const char *bad[] = { "", "0", "257", "4294967297", "99999999999999999999", "2x", " 2", "+2", "0x10", "2.0", "abc", "-" };
    for (size_t i = 0; i < GC_ARRAY_LEN(bad); i++) ck_assert_msg(parse_llong(bad[i], 1, 256, &n), "accepted '%s'", bad[i]);
    ck_assert_int_eq(n, 4); /* untouched by a refusal */
    ck_assert_ptr_null(parse_llong("-3", -5, 5, &n));
    ck_assert_int_eq(n, -3);
}
END_TEST

START_TEST(multipliers_refuse_what_would_disable_a_deadline)
{
    double d = 0;
    ck_assert_ptr_null(parse_double("0.5", 0.01, 1000, &d));
    ck_assert(d == 0.5);
    ck_assert_ptr_null(parse_double("2e1", 0.01, 1000, &d));
    ck_assert(d == 20);
    const char *bad[] = { "1e-9", "1e308", "1e999", "inf", "-inf", "nan", "0x1p3", "0", "-1", "", "1.5s", " 1", "infinity" };
    for (size_t i = 0; i < GC_ARRAY_LEN(bad); i++) ck_assert_msg(parse_double(bad[i], 0.01, 1000, &d), "accepted '%s'", bad[i]);
}
END_TEST

START_TEST(shards_are_k_of_n)
{
    int k = 0, n = 0;
    ck_assert_ptr_null(parse_shard("2/4", 100, &k, &n));
    ck_assert_int_eq(k, 2);
    ck_assert_int_eq(n, 4);
    const char *bad[] = { "1/2junk", "0/2", "3/2", "1/", "/2", "1", "1/2/3", "a/b", "1/101", "-1/2", "" };
    for (size_t i = 0; i < GC_ARRAY_LEN(bad); i++) ck_assert_msg(parse_shard(bad[i], 100, &k, &n), "accepted '%s'", bad[i]);
}
END_TEST

START_TEST(text_must_be_utf8_without_nul)
{
    ck_assert_int_eq(text_problem("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80", 15), -1);
    ck_assert_int_eq(text_problem("ab\0c", 4), 2);
    ck_assert_int_eq(text_problem("ab\xff", 3), 2);
    ck_assert_int_eq(text_problem("\xc0\xaf", 2), 0);          /* overlong */
    ck_assert_int_eq(text_problem("\xed\xa0\x80", 3), 0);      /* a surrogate */
    ck_assert_int_eq(text_problem("x\xe2\x82", 3), 1);         /* cut short */
    ck_assert_int_eq(text_problem("\xf4\x90\x80\x80", 4), 0);  /* above U+10FFFF */
}
END_TEST

START_TEST(inputs_are_regular_files_read_without_blocking)
{
    char *root = unit_tmpdir();
    char *fifo = path_join(root, "fifo"), *big = path_join(root, "big"), *bad = path_join(root, "bad"), *why = NULL;
    ck_assert_int_eq(mkfifo(fifo, 0644), 0);
    /* Opened before the check, a FIFO with no writer would block forever. */
    ck_assert_ptr_null(read_input(fifo, NULL, true, &why));
    ck_assert_msg(strstr(why, "not a regular file"), "%s", why);
    free(why);
    ck_assert_ptr_null(read_input("/dev/zero", NULL, false, &why));
    ck_assert_msg(strstr(why, "not a regular file"), "%s", why);
    free(why);
    ck_assert_ptr_null(read_input(root, NULL, true, &why));
    ck_assert_msg(strstr(why, "Is a directory"), "%s", why);
    free(why);
    int fd = open(big, O_WRONLY | O_CREAT, 0644); /* sparse: costs no disk */
    ck_assert(fd >= 0 && ftruncate(fd, (off_t)GC_INPUT_MAX + 1) == 0);
    close(fd);
    ck_assert_ptr_null(read_input(big, NULL, false, &why));
    ck_assert_msg(strstr(why, "input limit"), "%s", why);
    free(why);
    write_file_atomic(bad, "ok\nstill ok\nbad \xff\n", 18);
    ck_assert_ptr_null(read_input(bad, NULL, true, &why));
    ck_assert_msg(strstr(why, "bad:3: not valid UTF-8"), "%s", why);
    free(why);
    size_t n = 0;
    char *bin = read_input(bad, &n, false, &why); /* binary input: bytes as they are */
    ck_assert_ptr_nonnull(bin);
    ck_assert_int_eq(n, 18);
    free(bin);
    rm_rf(root);
    free(root); free(fifo); free(big); free(bad);
}
END_TEST

START_TEST(outputs_never_replace_links_devices_or_folders)
{
    char *root = unit_tmpdir();
    char *lnk = path_join(root, "lnk"), *target = path_join(root, "target"), *fifo = path_join(root, "fifo");
    char *plain = path_join(root, "sub/new.json");
    ck_assert_int_eq(symlink(target, lnk), 0);
    ck_assert_int_eq(mkfifo(fifo, 0644), 0);
    char *why;
    ck_assert_ptr_nonnull((why = output_problem(lnk))); free(why);
    ck_assert_ptr_nonnull((why = output_problem(fifo))); free(why);
    ck_assert_ptr_nonnull((why = output_problem(root))); free(why);
    ck_assert_ptr_nonnull((why = output_problem("/dev/null"))); free(why);
    ck_assert_ptr_nonnull((why = output_problem(""))); free(why);
    ck_assert_ptr_null(output_problem(plain)); /* its folder is made */
    /* Checked again at the rename: the link and the FIFO stay what they were. */
    ck_assert_int_eq(write_file_atomic(lnk, "x", 1), -1);
    ck_assert_int_eq(write_file_atomic(fifo, "x", 1), -1);
    struct stat st;
    ck_assert(lstat(lnk, &st) == 0 && S_ISLNK(st.st_mode));
    ck_assert(lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));
    ck_assert(lstat(target, &st) < 0);
    ck_assert_int_eq(write_file_atomic(plain, "x", 1), 0);
    rm_rf(root);
    free(root); free(lnk); free(target); free(fifo); free(plain);
}
END_TEST

START_TEST(one_run_owns_an_output)
{
    char *root = unit_tmpdir();
    char *out = path_join(root, "m.json"), *lock = path_join(root, "m.json.lock");
    int a = output_lock(out);
    ck_assert_int_ge(a, 0);
    /* flock is per open file: a second open in this process conflicts as another process would. */
    int b = output_lock(out);
    ck_assert_int_eq(b, -1);
    ck_assert(errno == EWOULDBLOCK || errno == EAGAIN);
    output_unlock(a, out);
    ck_assert(!file_exists(lock));
    b = output_lock(out);
    ck_assert_int_ge(b, 0);
    output_unlock(b, out);
    rm_rf(root);
    free(root); free(out); free(lock);
}
END_TEST

/* The skimmer answers only for text jansson certainly decodes, and finds
 * the one member it is asked for. */
START_TEST(skimmer_is_sure_only_of_what_jansson_decodes)
{
    static const char *const sure[] = {
        "{}", "{ }", "{\"a\": [1, -0, 2.5e-10, 1E+99, true, false, null, \"x\\n\\u00e9\\/\"], \"b\": {\"c\": {}}}",
        "{\"n\": 123456789012345678, \"s\": \"caf\xc3\xa9 \\\" \\\\\"}",
    };
    static const char *const unsure[] = {
        "", "[]", "{", "{\"a\": 1,}", "{\"a\" 1}", "{a: 1}", "{\"a\": 01}", "{\"a\": 1.}", "{\"a\": -}",
        "{\"a\": tru}", "{\"a\": truex}", "{\"a\": 1 2}", "{\"a\": \"x\ty\"}", "{\"a\": \"\\x\"}",
        "{\"a\": \"\\u0000\"}", "{\"a\": \"\\ud83d\\ude00\"}", "{\"a\": \"\\u12\"}", "{\"a\": \"open}",
        "{\"a\": 1234567890123456789}", "{\"a\": 1e100}", "{\"a\": [1]]}",
    };
    json_span m;
    for (size_t i = 0; i < GC_ARRAY_LEN(sure); i++) {
        const char *s = sure[i], *end = s + strlen(s);
        ck_assert_msg(json_skim_object(s, end, "x", &m) == end, "not sure of %s", s);
        json_error_t je;
        json_t *j = json_loadb(s, strlen(s), 0, &je);
        ck_assert_msg(j != NULL, "jansson refuses %s: %s", s, je.text);
        json_decref(j);
    }
    for (size_t i = 0; i < GC_ARRAY_LEN(unsure); i++)
        ck_assert_msg(json_skim_object(unsure[i], unsure[i] + strlen(unsure[i]), "x", &m) == NULL, "sure of %s", unsure[i]);
    /* Text after the object is the caller's. */
    const char *two = "{\"a\": 1} ,{";
    ck_assert_ptr_eq(json_skim_object(two, two + strlen(two), "x", &m), two + 8);

    const char *doc = "{\"e\": 1, \"ev\": {\"x\": [{}]}, \"in\": {\"ev\": {}}}";
    ck_assert_ptr_nonnull(json_skim_object(doc, doc + strlen(doc), "ev", &m));
    ck_assert_ptr_eq(m.start, strstr(doc, "{\"x\""));
    ck_assert_ptr_eq(m.end, strstr(doc, ", \"in\""));
    /* Only an object, named once and without escapes. */
    static const char *const none[] = { "{\"ev\": 5}", "{\"ev\": {}, \"ev\": {}}", "{\"e\\u0076\": {}}", "{\"in\": {\"ev\": {}}}" };
    for (size_t i = 0; i < GC_ARRAY_LEN(none); i++) {
        ck_assert_ptr_nonnull(json_skim_object(none[i], none[i] + strlen(none[i]), "ev", &m));
        ck_assert_msg(m.start == NULL && m.end == NULL, "member found in %s", none[i]);
    }
}
END_TEST

static void relocated(const char *was, const char *target, const char *now, const char *want)
{
    char *got = path_relocate(was, target, now);
    if (!want) ck_assert_msg(!got, "%s -> %s at %s: want none, got %s", was, target, now, got);
    else ck_assert_msg(got && !strcmp(got, want), "%s -> %s at %s: want %s, got %s", was, target, now, want, got ? got : "none");
    free(got);
}

START_TEST(installed_data_moves_with_the_binary)
{
    const char *bin = "/usr/local/bin", *data = "/usr/local/share/gocompat";
    relocated(bin, data, bin, data);
    relocated(bin, data, "/tmp/stage/usr/local/bin", "/tmp/stage/usr/local/share/gocompat"); /* DESTDIR */
    relocated(bin, data, "/opt/gc/bin/", "/opt/gc/share/gocompat");                          /* another prefix */
    relocated(bin, data, "/opt/gc/sbin", NULL);  /* not the same folder below the prefix */
    relocated(bin, data, "/work/build", NULL);   /* a build tree */
    relocated(bin, data, "/", NULL);
    relocated("/opt/gc", "/opt/gc/data", "/x/y", "/x/y/data"); /* bindir is the prefix */
    relocated("/opt/gc/bin", "/opt/gc", "/x/bin", "/x");       /* pkgdatadir is the prefix */
    relocated("/a/bc", "/a/b", "/z/bc", "/z/b");                /* common text, not a common folder */
    relocated("/a/bc", "/a/b", "/z/xbc", NULL);
}
END_TEST

START_TEST(srcdir_wins_over_the_environment_over_the_installation)
{
    ck_assert_str_eq(data_dir("/given"), "/given");
    setenv("GOCOMPAT_SRCDIR", "/from-env", 1);
    ck_assert_str_eq(data_dir("/given"), "/given");
    ck_assert_str_eq(data_dir(NULL), "/from-env");
    ck_assert_str_eq(data_dir(""), "/from-env");
    setenv("GOCOMPAT_SRCDIR", "", 1);
    /* This test program is neither gocompat in its build tree nor installed. */
    ck_assert_str_eq(data_dir(NULL), GC_PKGDATADIR);
}
END_TEST

Suite *suite_util(void)
{
    Suite *s = suite_create("util");
    TCase *t = tcase_create("policies");
    tcase_add_test(t, numbers_must_be_whole_and_in_range);
    tcase_add_test(t, multipliers_refuse_what_would_disable_a_deadline);
    tcase_add_test(t, shards_are_k_of_n);
    tcase_add_test(t, text_must_be_utf8_without_nul);
    tcase_add_test(t, skimmer_is_sure_only_of_what_jansson_decodes);
    tcase_add_test(t, inputs_are_regular_files_read_without_blocking);
    tcase_add_test(t, outputs_never_replace_links_devices_or_folders);
    tcase_add_test(t, one_run_owns_an_output);
    tcase_add_test(t, installed_data_moves_with_the_binary);
    tcase_add_test(t, srcdir_wins_over_the_environment_over_the_installation);
    suite_add_tcase(s, t);
    return s;
}
