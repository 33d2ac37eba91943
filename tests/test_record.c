#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record.h"
#include "unit.h"

static json_t *sample(const char *go, const char *status)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s,s:i}, s:s, s:s, s:{s:i}, s:s, s:f, s:[s], s:n}",
                     "schema", RECORD_SCHEMA, "go", go, "goos", "linux", "goarch", "amd64", "buildmode", "c-shared",
                     "host", "c-dlopen", "case", "abi/add", "area", "abi", "status", status, "outcome", "kind", "exit",
                     "code", 0, "expect", "adds", "detail", "exit 0", "evidence", "n", 1, "stderr_head", "",
                     "duration_ms", 1.5, "claims", "C11", "upstream");
}

START_TEST(validates_records)
{
    json_t *r = sample("go1.22.12", "pass");
    ck_assert_ptr_null(record_validate(r));
    json_object_set_new(r, "status", json_string("great"));
    char *why = record_validate(r);
    ck_assert(why && strstr(why, "unknown status"));
    free(why);
    json_object_set_new(r, "status", json_string("pass"));
    json_object_set_new(r, "schema", json_string("gocompat.result/9"));
    why = record_validate(r);
    ck_assert(why && strstr(why, "unknown record schema"));
    free(why);
    json_decref(r);
    json_t *notobj = json_string("x");
    why = record_validate(notobj);
    ck_assert(why != NULL);
    free(why);
    json_decref(notobj);
}
END_TEST

START_TEST(cell_key_names_the_cell)
{
    json_t *r = sample("go1.22.12", "pass");
    char *k = record_cell_key(r);
    ck_assert_str_eq(k, "go1.22.12|amd64|c-shared|c-dlopen|abi/add");
    free(k);
    json_decref(r);
}
END_TEST

START_TEST(journal_round_trip_survives_a_torn_line)
{
    char *dir = unit_tmpdir();
    char *path = xasprintf("%s/j.jsonl", dir);
    journal j;
    ck_assert_int_eq(journal_open(&j, path, true), 0);
    for (int i = 0; i < 3; i++) {
        json_t *r = sample(i == 1 ? "go1.21.13" : "go1.22.12", i == 2 ? "fail" : "pass");
        ck_assert_int_eq(journal_append(&j, r), 0);
        json_decref(r);
    }
    journal_close(&j);
    /* A writer killed mid-record leaves a line without its newline. */
    int fd = open(path, O_WRONLY | O_APPEND);
    ck_assert_int_eq(write(fd, "{\"schema\":\"gocompat.res", 23), 23);
    close(fd);
    json_t *got = json_array();
    strlist errs = { 0 };
    ck_assert_int_eq(journal_load(path, got, &errs), 1);
    ck_assert_uint_eq(json_array_size(got), 3);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(got, 1), "go")), "go1.21.13");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(got, 2), "status")), "fail");
    ck_assert(strstr(errs.v[0], "j.jsonl:4: torn last line") != NULL);
    json_decref(got);
    sl_free(&errs);
    rm_rf(dir);
    free(dir);
    free(path);
}
END_TEST

START_TEST(journal_reports_invalid_lines_with_their_number)
{
    char *dir = unit_tmpdir();
    char *path = xasprintf("%s/j.jsonl", dir);
    const char *text = "not json\n{\"schema\":\"gocompat.result/1\"}\n";
    write_file_atomic(path, text, strlen(text));
    json_t *got = json_array();
    strlist errs = { 0 };
    ck_assert_int_eq(journal_load(path, got, &errs), 2);
    ck_assert_uint_eq(json_array_size(got), 0);
    ck_assert(strstr(errs.v[0], ":1: invalid JSON") != NULL);
    ck_assert(strstr(errs.v[1], ":2: record lacks") != NULL);
    json_decref(got);
    sl_free(&errs);
    rm_rf(dir);
    free(dir);
    free(path);
}
END_TEST

START_TEST(matrix_write_is_atomic_and_reloads)
{
    char *dir = unit_tmpdir();
    char *path = xasprintf("%s/matrix.json", dir);
    json_t *recs = json_array();
    json_array_append_new(recs, sample("go1.22.12", "pass"));
    ck_assert_int_eq(matrix_write(path, NULL, recs, NULL), 0);
    char *err = NULL;
    json_t *m = matrix_load(path, &err);
    ck_assert_ptr_nonnull(m);
    ck_assert_uint_eq(json_array_size(json_object_get(m, "records")), 1);
    json_decref(m);
    /* No temporary file is left beside it. */
    char *cmd = xasprintf("ls %s | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = 0;
    ck_assert_int_eq(fscanf(p, "%d", &n), 1);
    pclose(p);
    ck_assert_int_eq(n, 1);
    /* A write into a folder that is gone fails and says so. */
    char *bad = xasprintf("%s/nope/matrix.json", dir);
    ck_assert_int_eq(matrix_write(bad, NULL, recs, NULL), -1);
    json_decref(recs);
    rm_rf(dir);
    free(dir); free(path); free(cmd); free(bad);
}
END_TEST

START_TEST(matrix_load_refuses_bad_documents)
{
    char *dir = unit_tmpdir();
    char *path = xasprintf("%s/m.json", dir);
    static const struct { const char *text, *want; } cases[] = {
        { "{\"schema\": \"gocompat.matrix/1\", \"records\": [", "m.json:1:" },
        { "{\"records\": []}", "not a gocompat matrix" },
        { "{\"schema\": \"gocompat.matrix/7\", \"records\": []}", "unknown schema \"gocompat.matrix/7\"" },
        { "{\"schema\": \"gocompat.matrix/1\", \"records\": {}}", "\"records\" is not an array" },
        { "{\"schema\": \"gocompat.matrix/1\", \"records\": [{\"schema\": \"gocompat.result/1\"}]}", "record 0: record lacks" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_file_atomic(path, cases[i].text, strlen(cases[i].text));
        char *err = NULL;
        ck_assert_ptr_null(matrix_load(path, &err));
        ck_assert_msg(err && strstr(err, cases[i].want), "case %zu: got '%s'", i, err);
        free(err);
    }
    rm_rf(dir);
    free(dir);
    free(path);
}
END_TEST

START_TEST(statuses_have_one_name_each)
{
    for (rec_status k = 0; k < STATUS_COUNT; k++) {
        ck_assert_str_eq(rec_status_name(k), RECORD_STATUSES[k]);
        ck_assert_int_eq(rec_status_parse(RECORD_STATUSES[k]), k);
    }
    ck_assert_ptr_null(RECORD_STATUSES[STATUS_COUNT]);
    ck_assert_int_eq(rec_status_parse("great"), STATUS_UNKNOWN);
    ck_assert_int_eq(rec_status_parse("Pass"), STATUS_UNKNOWN);
    ck_assert_int_eq(rec_status_parse(NULL), STATUS_UNKNOWN);
    ck_assert_str_eq(rec_status_name(STATUS_UNKNOWN), "?");
    /* What each means: met (1), not met (0), no verdict (-1); and what CI hears about. */
    static const int met[] = { [STATUS_PASS] = 1, [STATUS_FAIL] = 0, [STATUS_XFAIL] = 0, [STATUS_XPASS] = 1,
                               [STATUS_SKIP] = -1, [STATUS_ERROR] = -1, [STATUS_UNKNOWN] = -1 };
    static const bool unexpected[STATUS_UNKNOWN + 1] = { [STATUS_FAIL] = true, [STATUS_XPASS] = true, [STATUS_ERROR] = true };
    for (rec_status k = 0; k <= STATUS_UNKNOWN; k++) {
        ck_assert_int_eq(rec_status_met(k), met[k]);
        ck_assert_int_eq(rec_status_unexpected(k), unexpected[k]);
    }
}
END_TEST

static void keep(void *records, json_t *rec, const char *text, size_t len)
{
    /* The text handed over is the record's own, whole. */
    json_t *again = json_loadb(text, len, 0, NULL);
    ck_assert_ptr_nonnull(again);
    ck_assert_str_eq(json_string_value(json_object_get(again, "go")), json_string_value(json_object_get(rec, "go")));
    json_decref(again);
    json_array_append(records, rec);
}

/* Read TEXT both ways; the outcome and message must agree. Returns the
 * records read without evidence (NULL when refused, *err then set). */
static json_t *read_both_ways(const char *text, json_t **whole, char **err)
{
    json_t *head, *recs = json_array();
    char *werr = NULL;
    *whole = matrix_parse(text, strlen(text), "m.json", &werr);
    *err = NULL;
    int rc = matrix_read_text(text, strlen(text), "m.json", MATRIX_NO_EVIDENCE, &head, keep, recs, err);
    ck_assert_int_eq(rc == 0, *whole != NULL);
    if (rc < 0) {
        ck_assert_str_eq(*err, werr);
        free(werr);
        json_decref(recs);
        return NULL;
    }
    ck_assert_str_eq(json_string_value(json_object_get(head, "schema")), MATRIX_SCHEMA);
    ck_assert_ptr_null(json_object_get(head, "records"));
    json_decref(head);
    return recs;
}

START_TEST(views_read_records_without_evidence_and_refuse_the_same)
{
    json_t *recs = json_array();
    json_array_append_new(recs, sample("go1.22.12", "pass"));
    json_t *odd = sample("go1.21.13", "fail"); /* evidence the skimmer leaves to jansson */
    json_object_set_new(json_object_get(odd, "evidence"), "text", json_string("\xf0\x9f\x98\x80 and \\u"));
    json_object_set_new(json_object_get(odd, "evidence"), "big", json_integer(1234567890123456789LL));
    json_array_append_new(recs, odd);
    json_t *doc = json_pack("{s:s, s:o}", "schema", MATRIX_SCHEMA, "records", recs);
    char *text = json_dumps(doc, JSON_INDENT(1) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
    json_t *whole;
    char *err;
    json_t *slim = read_both_ways(text, &whole, &err);
    ck_assert_ptr_nonnull(slim);
    ck_assert_uint_eq(json_array_size(slim), 2);
    json_t *s0 = json_array_get(slim, 0), *s1 = json_array_get(slim, 1);
    ck_assert_uint_eq(json_object_size(json_object_get(s0, "evidence")), 0);  /* skimmed */
    ck_assert(json_equal(json_object_get(s1, "evidence"), json_object_get(odd, "evidence"))); /* decoded whole */
    json_object_set_new(s0, "evidence", json_deep_copy(json_object_get(json_array_get(recs, 0), "evidence")));
    ck_assert(json_equal(slim, recs));
    ck_assert(json_equal(json_object_get(whole, "records"), recs));
    json_decref(slim);
    json_decref(whole);
    free(text);
    /* A broken evidence object is refused by both, in the same words. */
    static const char *const evils[] = { "{\"n\": 1e999}", "{\"n\": 99999999999999999999}", "{\"s\": \"\\u0000\"}",
                                         "{\"s\": \"\\udc00\"}", "{\"a\": [1,]}", "{\"s\": \"x" };
    for (size_t i = 0; i < GC_ARRAY_LEN(evils); i++) {
        char *ev = json_dumps(json_object_get(json_array_get(recs, 0), "evidence"), JSON_COMPACT);
        char *one = json_dumps(json_array_get(recs, 0), JSON_COMPACT | JSON_SORT_KEYS);
        char *at = strstr(one, ev);
        ck_assert_ptr_nonnull(at);
        char *bad = xasprintf("{\"schema\":\"%s\",\"records\":[%.*s%s%s]}", MATRIX_SCHEMA, (int)(at - one), one, evils[i],
                              at + strlen(ev));
        ck_assert_ptr_null(read_both_ways(bad, &whole, &err));
        ck_assert_msg(str_prefix(err, "m.json:1: "), "%s", err);
        free(err);
        free(bad);
        free(one);
        free(ev);
    }
    json_decref(doc);
}
END_TEST

Suite *suite_record(void)
{
    Suite *s = suite_create("record");
    TCase *t = tcase_create("core");
    tcase_add_test(t, validates_records);
    tcase_add_test(t, cell_key_names_the_cell);
    tcase_add_test(t, journal_round_trip_survives_a_torn_line);
    tcase_add_test(t, journal_reports_invalid_lines_with_their_number);
    tcase_add_test(t, matrix_write_is_atomic_and_reloads);
    tcase_add_test(t, matrix_load_refuses_bad_documents);
    tcase_add_test(t, statuses_have_one_name_each);
    tcase_add_test(t, views_read_records_without_evidence_and_refuse_the_same);
    suite_add_tcase(s, t);
    return s;
}
