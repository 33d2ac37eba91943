/* `gocompat diff`: matching cells within and across releases, what counts
 * as a regression, which evidence changes are reported, exit statuses. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diff.h"
#include "record.h"
#include "report.h"
#include "unit.h"

static json_t *rec(const char *go, const char *kase, const char *host, const char *status, json_t *evidence)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:i}, s:s, s:s, s:o, s:s, s:f, s:[], s:n}",
                     "schema", RECORD_SCHEMA, "go", go, "goos", "linux", "goarch", "amd64", "buildmode", "c-shared",
                     "host", host, "case", kase, "area", "abi", "status", status, "outcome", "kind", "exit", "code",
                     strcmp(status, "pass") ? 1 : 0, "expect", "works", "detail", strcmp(status, "pass") ? "broke" : "exit 0",
                     "evidence", evidence ? evidence : json_object(), "stderr_head", "", "duration_ms", 1.0, "claims",
                     "upstream");
}

static json_t *ev(const char *exports, double ttd, const char *path, const char *version_fact)
{
    json_t *e = json_object();
    json_t *a = json_array();
    strlist l = { 0 };
    sl_split(&l, exports, " ");
    for (size_t i = 0; i < l.n; i++) json_array_append_new(a, json_string(l.v[i]));
    sl_free(&l);
    json_object_set_new(e, "exports", a);
    json_object_set_new(e, "time_to_death_ms", json_real(ttd));
    json_object_set_new(e, "header", json_string(path));
    json_object_set_new(e, "runtime_version", json_string(version_fact));
    json_object_set_new(e, "elf", json_pack("{s:b, s:b}", "bind_now", 1, "relro_full", 1));
    json_object_set_new(e, "rusage", json_pack("{s:i}", "maxrss_kb", 3000));
    json_object_set_new(e, "dlopen_ms", json_real(2.5));
    return e;
}

static char *save(const char *dir, const char *name, json_t *records)
{
    json_t *doc = json_pack("{s:s, s:s, s:[], s:o}", "schema", MATRIX_SCHEMA, "generated", "2026-01-01T00:00:00Z",
                            "toolchains", "records", records);
    char *p = xasprintf("%s/%s", dir, name);
    ck_assert_int_eq(json_dump_file(doc, p, JSON_INDENT(1)), 0);
    json_decref(doc);
    return p;
}

static void load(const char *p, rmodel *m)
{
    char *err = NULL;
    ck_assert_msg(rmodel_load(p, m, &err) == 0, "%s", err ? err : "");
}

static json_t *find(json_t *d, const char *kase, const char *host)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(d, "changes"), i, c)
        if (!strcmp(json_string_value(json_object_get(c, "case")), kase) &&
            !strcmp(json_string_value(json_object_get(c, "host")), host))
            return c;
    return NULL;
}

static json_int_t count(json_t *d, const char *k) { return json_integer_value(json_object_get(json_object_get(d, "counts"), k)); }

static const diff_opts DEF = { NULL, NULL, 50, 0.5 };

START_TEST(same_releases_match_cell_by_cell)
{
    char *dir = unit_tmpdir();
    json_t *a = json_array(), *b = json_array();
    json_array_append_new(a, rec("go1.22.12", "abi/add", "c-dlopen", "pass", ev("Add Mul", 10, "/a/x.h", "go1.22.12")));
    json_array_append_new(b, rec("go1.22.12", "abi/add", "c-dlopen", "fail", ev("Add Mul", 10, "/b/x.h", "go1.22.12")));
    json_array_append_new(a, rec("go1.22.12", "abi/sum", "c-dlopen", "fail", NULL));
    json_array_append_new(b, rec("go1.22.12", "abi/sum", "c-dlopen", "pass", NULL));
    json_array_append_new(a, rec("go1.22.12", "abi/gone", "c-dlopen", "pass", NULL));
    json_array_append_new(b, rec("go1.22.12", "abi/new", "c-dlopen", "pass", NULL));
    json_array_append_new(a, rec("go1.22.12", "abi/same", "c-dlopen", "pass", ev("Add Mul", 10, "/a/x.h", "go1.22.12")));
    /* Small time-to-death noise, a different build path, timings: not changes. */
    json_array_append_new(b, rec("go1.22.12", "abi/same", "c-dlopen", "pass", ev("Mul Add", 30, "/b/x.h", "go1.22.12")));
    char *pa = save(dir, "a.json", a), *pb = save(dir, "b.json", b);
    rmodel A, B;
    load(pa, &A);
    load(pb, &B);
    char *err = NULL;
    json_t *d = matrix_diff(&A, &B, &DEF, &err);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(count(d, "regressions"), 1);
    ck_assert_int_eq(count(d, "fixed"), 1);
    ck_assert_int_eq(count(d, "new_cells"), 1);
    ck_assert_int_eq(count(d, "removed_cells"), 1);
    ck_assert_int_eq(count(d, "unchanged"), 1);
    ck_assert_int_eq(count(d, "evidence_changes"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(find(d, "abi/add", "c-dlopen"), "kind")), "regression");
    ck_assert_str_eq(json_string_value(json_object_get(find(d, "abi/sum", "c-dlopen"), "kind")), "fixed");
    ck_assert_str_eq(json_string_value(json_object_get(find(d, "abi/gone", "c-dlopen"), "kind")), "removed");
    /* The same through the command: exit 1 on a regression, 0 without. */
    char *argv[] = { "diff", "-f", "json", "-o", NULL, pa, pb, NULL };
    argv[4] = xasprintf("%s/d.json", dir);
    ck_assert_int_eq(cmd_diff(7, argv), GC_EXIT_UNEXPECTED);
    json_t *written = json_load_file(argv[4], 0, NULL);
    ck_assert_int_eq(count(written, "regressions"), 1);
    json_decref(written);
    char *same[] = { "diff", "-o", argv[4], pa, pa, NULL };
    ck_assert_int_eq(cmd_diff(5, same), GC_EXIT_OK);
    char *bad[] = { "diff", pa, NULL };
    ck_assert_int_eq(cmd_diff(2, bad), GC_EXIT_USAGE);
    free(argv[4]);
    json_decref(d);
    rmodel_free(&A);
    rmodel_free(&B);
    free(pa);
    free(pb);
    rm_rf(dir);
    free(dir);
}
END_TEST

START_TEST(across_releases_by_case_host_mode_arch)
{
    char *dir = unit_tmpdir();
    json_t *a = json_array(), *b = json_array();
    json_t *e0 = ev("Add Mul", 10, "/a/x.h", "go1.22.12");
    json_object_set_new(e0, "caller_tid", json_integer(3001));
    json_object_set_new(e0, "dlopen_error", json_string("cannot load builds/go1.22.12-c-shared-0123456789abcdef/lib.so"));
    json_array_append_new(a, rec("go1.22.12", "abi/add", "c-dlopen", "pass", e0));
    /* An export disappears, time to death jumps, the ELF flag flips; the
     * version string in a fact, a thread id, a build folder's hash are not
     * changes. */
    json_t *e = ev("Add Div", 400, "/b/x.h", "go1.27.3");
    json_object_set_new(e, "caller_tid", json_integer(4711));
    json_object_set_new(e, "dlopen_error", json_string("cannot load builds/go1.27.3-c-shared-fedcba9876543210/lib.so"));
    json_object_set_new(json_object_get(e, "elf"), "bind_now", json_false());
    json_array_append_new(b, rec("go1.27.3", "abi/add", "c-dlopen", "pass", e));
    json_array_append_new(b, rec("go1.27.3", "abi/crash", "c-dlopen", "fail", NULL));
    char *pa = save(dir, "a.json", a), *pb = save(dir, "b.json", b);
    rmodel A, B;
    load(pa, &A);
    load(pb, &B);
    char *err = NULL;
    json_t *d = matrix_diff(&A, &B, &DEF, &err);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(count(d, "evidence_changes"), 1);
    ck_assert_int_eq(count(d, "regressions"), 1); /* the new failing cell */
    ck_assert_str_eq(json_string_value(json_object_get(find(d, "abi/crash", "c-dlopen"), "kind")), "new-failing");
    json_t *evc = json_object_get(find(d, "abi/add", "c-dlopen"), "evidence");
    ck_assert_uint_eq(json_array_size(evc), 3);
    size_t i;
    json_t *x;
    bool saw_exports = false, saw_ttd = false, saw_elf = false;
    json_array_foreach(evc, i, x) {
        const char *k = json_string_value(json_object_get(x, "key"));
        if (!strcmp(k, "exports")) {
            saw_exports = true;
            ck_assert_str_eq(json_string_value(json_array_get(json_object_get(x, "removed"), 0)), "Mul");
            ck_assert_str_eq(json_string_value(json_array_get(json_object_get(x, "added"), 0)), "Div");
        }
        saw_ttd |= !strcmp(k, "time_to_death_ms");
        saw_elf |= !strcmp(k, "elf.bind_now");
    }
    ck_assert(saw_exports && saw_ttd && saw_elf);
    /* Markdown and JUnit name the regression. */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    diff_render_md(d, f);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "**1 regression**"));
    ck_assert_ptr_nonnull(strstr(buf, "| abi/crash | c-dlopen | c-shared | amd64 | — | go1.27.3 fail (exit 1) |"));
    ck_assert_ptr_nonnull(strstr(buf, "| go1.27.3/amd64 | abi/add | c-dlopen | c-shared | exports | removed: `[\"Mul\"]` | added: `[\"Div\"]` |"));
    free(buf);
    f = open_memstream(&buf, &len);
    diff_render_junit(d, f);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "failures=\"1\""));
    ck_assert_ptr_nonnull(strstr(buf, "<failure type=\"regression\" message=\"- absent -&gt; go1.27.3 fail\">"));
    free(buf);
    json_decref(d);
    rmodel_free(&A);
    rmodel_free(&B);
    free(pa);
    free(pb);
    rm_rf(dir);
    free(dir);
}
END_TEST

START_TEST(from_and_to_pick_releases_of_one_document)
{
    char *dir = unit_tmpdir();
    json_t *a = json_array();
    json_array_append_new(a, rec("go1.21.13", "abi/add", "c-dlopen", "pass", NULL));
    json_array_append_new(a, rec("go1.22.12", "abi/add", "c-dlopen", "pass", NULL));
    json_array_append_new(a, rec("go1.27.3", "abi/add", "c-dlopen", "fail", NULL));
    json_t *b = json_array();
    json_array_append_new(b, rec("go1.21.13", "abi/add", "c-dlopen", "pass", NULL));
    json_array_append_new(b, rec("go1.27.3", "abi/add", "c-dlopen", "pass", NULL));
    char *pa = save(dir, "a.json", a), *pb = save(dir, "b.json", b);
    rmodel A, B;
    load(pa, &A);
    load(pb, &B);
    char *err = NULL;
    /* Different release sets, several each: ambiguous. */
    ck_assert_ptr_null(matrix_diff(&A, &B, &DEF, &err));
    ck_assert_ptr_nonnull(strstr(err, "name the two releases to compare with --from and --to"));
    free(err);
    diff_opts o = DEF;
    o.from = "1.22";
    o.to = "go1.27";
    json_t *d = matrix_diff(&A, &A, &o, &err);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(count(d, "regressions"), 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(d, "old"), "releases")), "go1.22.12");
    json_decref(d);
    o.from = "1.2"; /* matches no release: 1.2 is not 1.21 */
    ck_assert_ptr_null(matrix_diff(&A, &A, &o, &err));
    ck_assert_ptr_nonnull(strstr(err, "has no records for 1.2"));
    free(err);
    ck_assert(release_matches("go1.22.12", "1.22"));
    ck_assert(release_matches("go1.22.12", "go1.22.12"));
    ck_assert(!release_matches("go1.22.12", "1.2"));
    ck_assert(!release_matches("go1.22.12", "go1.22.1"));
    rmodel_free(&A);
    rmodel_free(&B);
    free(pa);
    free(pb);
    rm_rf(dir);
    free(dir);
}
END_TEST

Suite *suite_diff(void)
{
    Suite *s = suite_create("diff");
    TCase *t = tcase_create("diff");
    tcase_add_test(t, same_releases_match_cell_by_cell);
    tcase_add_test(t, across_releases_by_case_host_mode_arch);
    tcase_add_test(t, from_and_to_pick_releases_of_one_document);
    suite_add_tcase(s, t);
    return s;
}
