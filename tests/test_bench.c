#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_engine.h"
#include "bench_report.h"
#include "bench_stats.h"
#include "unit.h"
#include "util.h"

START_TEST(summary_of_a_known_sample)
{
    /* mean 5, sample variance 32/7, median between 4 and 5 */
    const double x[] = { 9, 2, 4, 4, 5, 4, 7, 5 };
    bench_summary s;
    bench_summarize(x, 8, &s);
    ck_assert_uint_eq(s.n, 8);
    ck_assert_double_eq_tol(s.min, 2, 1e-12);
    ck_assert_double_eq_tol(s.max, 9, 1e-12);
    ck_assert_double_eq_tol(s.median, 4.5, 1e-12);
    ck_assert_double_eq_tol(s.mean, 5, 1e-12);
    ck_assert_double_eq_tol(s.stddev, sqrt(32.0 / 7), 1e-12);
    ck_assert_double_eq_tol(s.cv, sqrt(32.0 / 7) / 5, 1e-12);
    /* the input is left in its order */
    ck_assert_double_eq(x[0], 9);
}
END_TEST

START_TEST(summary_edge_cases)
{
    const double one[] = { 3.5 };
    bench_summary s;
    bench_summarize(one, 1, &s);
    ck_assert_double_eq(s.median, 3.5);
    ck_assert_double_eq(s.stddev, 0);
    ck_assert_double_eq(s.cv, 0);
    bench_summarize(NULL, 0, &s);
    ck_assert_uint_eq(s.n, 0);
    ck_assert_double_eq(bench_median(NULL, 0), 0);
    const double odd[] = { 10, 1, 7 };
    ck_assert_double_eq(bench_median(odd, 3), 7);
    /* Huge offset, tiny spread: a naive sum-of-squares formula loses it. */
    const double big[] = { 1e9 + 1, 1e9 + 2, 1e9 + 3 };
    bench_summarize(big, 3, &s);
    ck_assert_double_eq_tol(s.stddev, 1, 1e-6);
}
END_TEST

START_TEST(mann_whitney_exact_small_samples)
{
    /* Fully separated 3 vs 3: one arrangement in C(6,3) = 20 at each tail. */
    const double a[] = { 1, 2, 3 }, b[] = { 4, 5, 6 };
    bench_mwu r;
    bench_mann_whitney(a, 3, b, 3, &r);
    ck_assert_double_eq_tol(r.u, 0, 1e-12);
    ck_assert_double_eq_tol(r.p, 0.1, 1e-12);
    /* 10 vs 10 fully separated: 2 / C(20,10) */
    double c[10], d[10];
    for (int i = 0; i < 10; i++) c[i] = i, d[i] = 100 + i;
    bench_mann_whitney(d, 10, c, 10, &r);
    ck_assert_double_eq_tol(r.u, 100, 1e-12);
    ck_assert_double_eq_tol(r.p, 2.0 / 184756, 1e-12);
    /* Interleaved samples: no evidence of a shift. */
    const double e[] = { 1, 4, 5, 8 }, f[] = { 2, 3, 6, 7 };
    bench_mann_whitney(e, 4, f, 4, &r);
    ck_assert_double_eq_tol(r.u, 8, 1e-12);
    ck_assert_double_eq_tol(r.p, 1, 1e-12);
}
END_TEST

START_TEST(mann_whitney_ties_use_the_normal_approximation)
{
    /* Ties: U = 4.5 + ... checked against the textbook formula by hand:
     * ranks of a = {1.5, 3.5, 5} -> R = 10, U = 10 - 6 = 4, mu = 4.5. */
    const double a[] = { 1, 2, 3 }, b[] = { 1, 2, 4 };
    bench_mwu r;
    bench_mann_whitney(a, 3, b, 3, &r);
    ck_assert_double_eq_tol(r.u, 4, 1e-12);
    ck_assert(r.p > 0.5 && r.p <= 1);
    /* All equal: nothing to say. */
    const double s[] = { 2, 2, 2 };
    bench_mann_whitney(s, 3, s, 3, &r);
    ck_assert_double_eq(r.p, 1);
    /* Large, clearly shifted samples with ties: tiny p. */
    double x[40], y[40];
    for (int i = 0; i < 40; i++) x[i] = 10 + i % 4, y[i] = 20 + i % 4;
    bench_mann_whitney(x, 40, y, 40, &r);
    ck_assert_msg(r.p < 1e-10, "p = %g", r.p);
    ck_assert_double_eq_tol(bench_normal_sf(0), 0.5, 1e-15);
    ck_assert_double_eq_tol(bench_normal_sf(1.959963985), 0.025, 1e-9);
}
END_TEST

START_TEST(compare_samples_verdicts)
{
    double old[10], slow[10], bit[10], noisy[10];
    for (int i = 0; i < 10; i++) {
        old[i] = 100 + i * 0.1;
        slow[i] = 130 + i * 0.1;   /* +30 %, clearly separated */
        bit[i] = 103 + i * 0.1;    /* +3 %, separated but under the threshold */
        noisy[i] = (i % 2) ? 80 + i : 120 + i; /* median up, but overlapping */
    }
    bench_change c;
    bench_compare_samples(old, 10, slow, 10, 0.10, 0.05, &c);
    ck_assert_int_eq(c.kind, BENCH_REGRESSION);
    ck_assert_double_eq_tol(c.change, 30 / 100.45, 1e-9); /* medians 100.45 and 130.45 */
    bench_compare_samples(old, 10, bit, 10, 0.10, 0.05, &c);
    ck_assert_int_eq(c.kind, BENCH_SLOWER);
    bench_compare_samples(slow, 10, old, 10, 0.10, 0.05, &c);
    ck_assert_int_eq(c.kind, BENCH_FASTER);
    bench_compare_samples(old, 10, noisy, 10, 0.10, 0.05, &c);
    ck_assert_msg(c.kind == BENCH_SAME, "kind %s p %g", bench_change_name(c.kind), c.test.p);
}
END_TEST

/* A document with one result per id; batch_ns of `iters` iterations. */
static json_t *doc_with(const char *id, double per_call, double step)
{
    json_t *r = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:b}", "id", id, "go", "go1.22.1", "host",
                          "c-dlopen", "bench", "call/add", "thread", "pthread", "status", "ok", "threads", 1, "chosen_run", 0,
                          "rerun", 0);
    json_t *batches = json_array();
    for (int i = 0; i < 10; i++) json_array_append_new(batches, json_integer((json_int_t)((per_call + i * step) * 1000)));
    json_object_set_new(r, "runs", json_pack("[{s:i, s:o}]", "iterations", 1000, "batch_ns", batches));
    bench_result_summarize(r, 0.05);
    return json_pack("{s:s, s:[o]}", "schema", BENCH_SCHEMA, "results", r);
}

START_TEST(result_summary_from_raw_batches)
{
    json_t *d = doc_with("x", 50, 1);
    json_t *r = json_array_get(json_object_get(d, "results"), 0);
    ck_assert_double_eq_tol(json_number_value(json_object_get(r, "median_ns")), 54.5, 1e-9);
    ck_assert_double_eq_tol(json_number_value(json_object_get(r, "min_ns")), 50, 1e-9);
    ck_assert_uint_eq(json_array_size(json_object_get(r, "samples_ns")), 10);
    /* cv = stddev(0..9)/54.5 = 3.03/54.5 ≈ 5.6 %: flagged at a 5 % limit */
    ck_assert(json_is_true(json_object_get(r, "noisy")));
    char *csv = bench_csv(d);
    ck_assert_msg(strstr(csv, "\nx,go1.22.1,,c-dlopen,,call/add,pthread,1,ok,1000,10,50.0000,54.5000,") != NULL, "%s", csv);
    free(csv);
    json_decref(d);
}
END_TEST

START_TEST(compare_documents_exit_status)
{
    json_t *a = doc_with("go1.22.1 c-dlopen call/add pthread", 100, 0.1);
    json_t *same = doc_with("go1.22.1 c-dlopen call/add pthread", 100.05, 0.1);
    json_t *worse = doc_with("go1.22.1 c-dlopen call/add pthread", 125, 0.1);
    json_t *other = doc_with("something else", 100, 0.1);
    char *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);
    char *err = NULL;
    ck_assert_int_eq(bench_compare_docs(a, same, 0.10, 0.05, f, &err), 0);
    ck_assert_int_eq(bench_compare_docs(a, worse, 0.10, 0.05, f, &err), 1);
    ck_assert_int_eq(bench_compare_docs(worse, a, 0.10, 0.05, f, &err), 0);
    /* +25 % is not a regression at a 30 % threshold */
    ck_assert_int_eq(bench_compare_docs(a, worse, 0.30, 0.05, f, &err), 0);
    ck_assert_int_eq(bench_compare_docs(a, other, 0.10, 0.05, f, &err), 2);
    ck_assert(err && strstr(err, "share no"));
    free(err);
    json_t *bad = json_pack("{s:s, s:[]}", "schema", "gocompat.matrix/1", "records");
    ck_assert_int_eq(bench_compare_docs(bad, a, 0.10, 0.05, f, &err), 2);
    ck_assert(err && strstr(err, "schema"));
    free(err);
    fclose(f);
    ck_assert(strstr(out, "REGRESSION") != NULL);
    free(out);
    json_decref(a);
    json_decref(same);
    json_decref(worse);
    json_decref(other);
    json_decref(bad);
}
END_TEST

/* The plot data of doc, written to a fresh folder: paths.dat's text. */
static char *paths_table(json_t *doc, int ncols[5])
{
    char *dir = unit_tmpdir();
    ck_assert_int_eq(bench_plot_data(doc, dir, ncols), 0);
    char *p = path_join(dir, "paths.dat");
    char *text = read_file(p, NULL);
    ck_assert(text);
    free(p);
    rm_rf(dir);
    free(dir);
    return text;
}

START_TEST(plot_tables_put_missing_values_as_question_marks)
{
    json_t *d = doc_with("go1.22.1 c-dlopen call/add pthread", 40, 0);
    int ncols[5];
    char *text = paths_table(d, ncols);
    /* header, then "1.22.1 ? 40 ? …": no baseline, the dlsym Add figure */
    ck_assert_msg(strstr(text, "\n1.22.1 ? 40 ?") != NULL, "%s", text);
    ck_assert_int_eq(ncols[0], 9);
    free(text);
    json_decref(d);
}
END_TEST

START_TEST(emulated_figures_stay_out_of_the_plots)
{
    json_t *d = doc_with("go1.22.1 c-dlopen call/add pthread", 40, 0);
    /* The same release and benchmark under qemu: 100 times slower, and first. */
    json_t *emu = doc_with("go1.22.1/arm64 c-dlopen call/add pthread", 4000, 0);
    json_t *er = json_array_get(json_object_get(emu, "results"), 0);
    json_object_set_new(er, "goarch", json_string("arm64"));
    json_object_set_new(er, "emulated", json_true());
    json_array_insert(json_object_get(d, "results"), 0, er);
    /* An emulated-only release must not get a row either. */
    json_t *emu2 = doc_with("go1.27.3/arm64 c-dlopen call/add pthread", 3000, 0);
    json_t *er2 = json_array_get(json_object_get(emu2, "results"), 0);
    json_object_set_new(er2, "go", json_string("go1.27.3"));
    json_object_set_new(er2, "emulated", json_true());
    json_array_append(json_object_get(d, "results"), er2);
    int ncols[5];
    char *text = paths_table(d, ncols);
    ck_assert_msg(strstr(text, "\n1.22.1 ? 40 ?") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "4000") == NULL && strstr(text, "1.27.3") == NULL, "%s", text);
    ck_assert_int_eq(ncols[2], 2); /* scaling: one column per native release */
    char *csv = bench_csv(d);
    ck_assert_msg(strstr(csv, ",goarch,emulated\n") != NULL, "%s", csv);
    ck_assert_msg(strstr(csv, ",arm64,true\n") != NULL, "%s", csv);
    free(csv);
    free(text);
    json_decref(emu);
    json_decref(emu2);
    json_decref(d);
}
END_TEST

/* The plan of baselines for a run whose globs are `globs` (comma list). */
static bench_plan baseline_plan(const char *globs, bool emulated)
{
    bench_settings st = { 0 };
    if (globs) sl_split(&st.benches, globs, ",");
    toolchain emu = { .goarch = "arm64", .emulator = "qemu-aarch64", .foreign = true };
    bench_builds bb = { .base_probe = "base", .nemu = emulated ? 1 : 0 };
    bb.emu_arch[0] = &emu;
    bb.emu_base[0] = "emu-base";
    bench_plan p = { 0 };
    bench_plan_baselines(&p, &st, &bb);
    sl_free(&st.benches);
    return p;
}

static size_t count_bench(const bench_plan *p, const char *bench, const char *goarch)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n; i++) n += !strcmp(p->v[i].bench, bench) && !strcmp(p->v[i].goarch, goarch);
    return n;
}

START_TEST(the_baseline_is_planned_under_any_filter)
{
    /* A filter that leaves every baseline out still measures the one the
     * ratios divide by, natively and per emulated arch, and only that one. */
    bench_plan p = baseline_plan("call/*", true);
    ck_assert_uint_eq(count_bench(&p, BENCH_BASELINE, "native"), 1);
    ck_assert_uint_eq(count_bench(&p, BENCH_BASELINE, "arm64"), 1);
    ck_assert_uint_eq(p.n, 2);
    ck_assert_uint_eq(p.selected, 0);
    ck_assert_str_eq(p.v[1].emulator, "qemu-aarch64");
    free(p.v);
    /* Selected by the filter: planned once, and counted as chosen. */
    p = baseline_plan("base/c_*", false);
    ck_assert_uint_eq(count_bench(&p, BENCH_BASELINE, "native"), 1);
    ck_assert_uint_eq(count_bench(&p, "base/c_direct", "native"), 1);
    ck_assert_uint_eq(p.n, 2);
    ck_assert_uint_eq(p.selected, 2);
    free(p.v);
    /* No filter: every C baseline; an emulated arch has no libffi. */
    p = baseline_plan(NULL, true);
    ck_assert_uint_eq(count_bench(&p, "base/ffi_c", "native"), 1);
    ck_assert_uint_eq(count_bench(&p, "base/ffi_c", "arm64"), 0);
    ck_assert_uint_eq(p.n, 6 + 5);
    free(p.v);
}
END_TEST

/* A described call as bench_ctypes.py --describe writes it. */
static json_t *described(const char *text)
{
    json_error_t je;
    json_t *c = json_loads(text, JSON_ALLOW_NUL, &je);
    ck_assert_msg(c != NULL, "%s", je.text);
    return c;
}

START_TEST(library_calls_become_c_with_every_value_respelled)
{
    json_t *calls = described(
        "[{\"spec\": \"Add(2,-9223372036854775808)=5\", \"bench\": \"lib/Add(2,-9223372036854775808)\", \"name\": \"Add\","
        "  \"ret\": \"GoInt\", \"args\": [{\"ctype\": \"GoInt\", \"kind\": \"int\", \"value\": \"2\"},"
        "  {\"ctype\": \"GoInt\", \"kind\": \"int\", \"value\": \"-9223372036854775808\"}],"
        "  \"want\": [{\"ctype\": \"GoInt\", \"kind\": \"int\", \"value\": \"5\", \"field\": null}]},"
        " {\"spec\": \"Greet(q)\", \"bench\": \"lib/Greet(q)\", \"name\": \"Greet\", \"ret\": \"GoInt\","
        "  \"args\": [{\"ctype\": \"GoString\", \"kind\": \"string\", \"value\": \"a\\\"b\\u0000*/\"}], \"want\": null},"
        " {\"spec\": \"Divmod(7,2)=(3,1)\", \"bench\": \"lib/Divmod(7,2)\", \"name\": \"Divmod\","
        "  \"ret\": \"struct Divmod_return\", \"args\": [{\"ctype\": \"GoFloat64\", \"kind\": \"float\", \"value\": \"0x1.4p+1\"},"
        "  {\"ctype\": \"GoUint8\", \"kind\": \"uint\", \"value\": \"255\"}],"
        "  \"want\": [{\"ctype\": \"GoInt64\", \"kind\": \"int\", \"value\": \"3\", \"field\": \"q\"},"
        "  {\"ctype\": \"GoFloat32\", \"kind\": \"float\", \"value\": \"-inf\", \"field\": \"r\"}]},"
        " {\"spec\": \"Noop()\", \"bench\": \"lib/Noop()\", \"name\": \"Noop\", \"ret\": \"void\", \"args\": [], \"want\": null}]");
    char *err = NULL;
    char *src = bench_lib_source(calls, &err);
    ck_assert_msg(src != NULL, "%s", err);
    const char *want[] = {
        "#define GCB_EXPORTS(X) X(Add) X(Greet) X(Divmod) X(Noop)\nGCB_EXPORTS(GCB_SYM)",
        "GoInt r = GO(Add)(((GoInt)2LL), ((GoInt)(-9223372036854775807LL - 1)));",
        /* every byte outside a small safe set as an octal escape, NUL included */
        "GO(Greet)(((GoString){ \"a\\042b\\000\\052/\", 6 }))",
        "struct Divmod_return r = GO(Divmod)(((GoFloat64)0x1.4p+1), ((GoUint8)255ULL));",
        "if (!(r.q == ((GoInt64)3LL) && r.r == ((GoFloat32)(-__builtin_inf())))) {",
        "\"%s returned (%lld, %.17g)\", \"Divmod(7,2)=(3,1)\", (long long)r.q, (double)r.r);",
        "if (!(r == ((GoInt)5LL))) {",
        "        GO(Noop)();\n",
        "#define GCB_LIB_BENCHES { \"lib/Add(2,-9223372036854775808)\", gcb_lib_0 }, { \"lib/Greet(q)\", gcb_lib_1 },",
    };
    for (size_t i = 0; i < GC_ARRAY_LEN(want); i++) ck_assert_msg(strstr(src, want[i]) != NULL, "no `%s` in\n%s", want[i], src);
    /* A call without =RESULT is not checked. */
    ck_assert_msg(strstr(src, "lib/Greet(q)\")) {") == NULL, "%s", src);
    free(src);
    json_decref(calls);
}
END_TEST

START_TEST(library_values_that_are_not_what_they_claim_are_refused)
{
    static const char *const bad[] = {
        /* text that would be C, not a number */
        "[{\"name\": \"Add\", \"ret\": \"GoInt\", \"args\": [{\"ctype\": \"GoInt\", \"kind\": \"int\", \"value\": \"1); abort(\"}]}]",
        "[{\"name\": \"Add\", \"ret\": \"GoInt\", \"args\": [{\"ctype\": \"GoInt\", \"kind\": \"uint\", \"value\": \"-1\"}]}]",
        "[{\"name\": \"Add\", \"ret\": \"GoInt\", \"args\": [{\"ctype\": \"GoInt\", \"kind\": \"int\", \"value\": \"99999999999999999999\"}]}]",
        "[{\"name\": \"F\", \"ret\": \"double\", \"args\": [{\"ctype\": \"double\", \"kind\": \"float\", \"value\": \"1.5; x\"}]}]",
        "[{\"name\": \"F\", \"ret\": \"int\", \"args\": [{\"ctype\": \"int\", \"kind\": \"string\", \"value\": \"x\"}]}]",
        /* names and types that are not C names */
        "[{\"name\": \"F(0);G\", \"ret\": \"int\", \"args\": []}]",
        "[{\"name\": \"F\", \"ret\": \"int;\", \"args\": []}]",
        "[{\"name\": \"F\", \"ret\": \"int\", \"args\": [{\"ctype\": \"int*\", \"kind\": \"int\", \"value\": \"1\"}]}]",
        "[{\"name\": \"F\", \"ret\": \"struct F_return\", \"args\": [], \"want\": [{\"ctype\": \"int\", \"kind\": \"int\","
        " \"value\": \"1\", \"field\": \"r0[0]\"}]}]",
    };
    for (size_t i = 0; i < GC_ARRAY_LEN(bad); i++) {
        json_t *calls = described(bad[i]);
        char *err = NULL;
        char *src = bench_lib_source(calls, &err);
        ck_assert_msg(src == NULL && err != NULL && *err, "accepted: %s", bad[i]);
        free(err);
        json_decref(calls);
    }
}
END_TEST

Suite *suite_bench(void)
{
    Suite *s = suite_create("bench");
    TCase *t = tcase_create("stats");
    tcase_add_test(t, summary_of_a_known_sample);
    tcase_add_test(t, summary_edge_cases);
    tcase_add_test(t, mann_whitney_exact_small_samples);
    tcase_add_test(t, mann_whitney_ties_use_the_normal_approximation);
    tcase_add_test(t, compare_samples_verdicts);
    suite_add_tcase(s, t);
    TCase *d = tcase_create("document");
    tcase_add_test(d, result_summary_from_raw_batches);
    tcase_add_test(d, compare_documents_exit_status);
    tcase_add_test(d, plot_tables_put_missing_values_as_question_marks);
    tcase_add_test(d, emulated_figures_stay_out_of_the_plots);
    suite_add_tcase(s, d);
    TCase *pl = tcase_create("plan");
    tcase_add_test(pl, the_baseline_is_planned_under_any_filter);
    tcase_add_test(pl, library_calls_become_c_with_every_value_respelled);
    tcase_add_test(pl, library_values_that_are_not_what_they_claim_are_refused);
    suite_add_tcase(s, pl);
    return s;
}
