/* The views of a matrix: loading (and refusing malformed documents), the
 * claims ledger, every renderer against golden files, escaping. Golden
 * files live in tests/golden/; GOCOMPAT_UPDATE_GOLDEN=1 rewrites them from
 * the current renderers (review the diff before committing). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "expectations.h"
#include "record.h"
#include "report.h"
#include "unit.h"

static json_t *rec(const char *go, const char *kase, const char *host, const char *mode, const char *status,
                   const char *claims, const char *detail)
{
    json_t *cl = json_array();
    strlist l = { 0 };
    sl_split(&l, claims, " ");
    for (size_t i = 0; i < l.n; i++) json_array_append_new(cl, json_string(l.v[i]));
    sl_free(&l);
    char *area = xstrndup(kase, strcspn(kase, "/"));
    bool bad = !strcmp(status, "fail") || !strcmp(status, "xfail");
    json_t *r = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:{s:[s,s], s:f, s:s}, s:s, s:f, s:o, s:o}",
                          "schema", RECORD_SCHEMA, "go", go, "goos", "linux", "goarch", "amd64", "buildmode", mode,
                          "host", host, "case", kase, "area", area, "status", status, "outcome",
                          bad ? json_pack("{s:s, s:s}", "kind", "signal", "signal", "SIGSEGV")
                              : json_pack("{s:s, s:i}", "kind", "exit", "code", 0),
                          "expect", "Add(2,3) == 5 [exit 0]", "detail", detail, "evidence", "exports", "Add", "Mul",
                          "time_to_death_ms", 12.5, "artifact", "/cache/x/libbasic.so", "stderr_head",
                          bad ? "panic: boom\ngoroutine 1 [running]:\n" : "", "duration_ms", 250.0, "claims", cl,
                          "upstream", !strcmp(status, "xfail") || !strcmp(status, "xpass")
                                          ? json_string("https://github.com/golang/go/issues/12345")
                                          : json_null());
    free(area);
    return r;
}

/* A small matrix over two releases (listed newest first, to check sorting). */
static json_t *synthetic(void)
{
    json_t *recs = json_array();
    json_array_append_new(recs, rec("go1.21.13", "abi/add", "c-dlopen", "c-shared", "pass", "C11", "exit 0"));
    json_array_append_new(recs, rec("go1.21.13", "abi/add", "c-archive", "c-archive", "pass", "C11", "exit 0"));
    json_array_append_new(recs, rec("go1.21.13", "panic/die", "python-ctypes", "c-shared", "fail", "C29 !C31",
                                    "Add(2,3) = 6 | \"quoted\" <b>&amp; </script>\x01"));
    json_array_append_new(recs, rec("go1.21.13", "build/basic", "none", "pie", "skip", "C35", "not on this arch"));
    json_array_append_new(recs, rec("go1.21.13", "build/basic", "none", "exe", "xfail", "C06", "refused, as known"));
    json_array_append_new(recs, rec("go1.9.5", "abi/add", "c-dlopen", "c-shared", "pass", "C11", "exit 0"));
    json_array_append_new(recs, rec("go1.9.5", "abi/add", "c-archive", "c-archive", "fail", "C11", "Add(2,3) = 4, want 5"));
    json_array_append_new(recs, rec("go1.9.5", "panic/die", "python-ctypes", "c-shared", "pass", "C29 !C31", "exit 2"));
    json_array_append_new(recs, rec("go1.9.5", "build/basic", "none", "pie", "error", "C35 C99", "probe said nothing"));
    json_array_append_new(recs, rec("go1.9.5", "build/basic", "none", "exe", "xpass", "C06", "built"));
    json_t *m = json_pack("{s:s, s:s, s:[], s:o}", "schema", MATRIX_SCHEMA, "generated", "2026-01-02T03:04:05Z",
                          "toolchains", "records", recs);
    return m;
}

static char *write_doc(const char *dir, const char *name, json_t *doc)
{
    char *p = xasprintf("%s/%s", dir, name);
    ck_assert_int_eq(json_dump_file(doc, p, JSON_INDENT(1) | JSON_SORT_KEYS), 0);
    return p;
}

static char *write_text(const char *dir, const char *name, const char *text)
{
    char *p = xasprintf("%s/%s", dir, name);
    ck_assert_int_eq(write_file_atomic(p, text, strlen(text)), 0);
    return p;
}

static const char CLAIMS[] =
    "# test claims\n## ABI\nC11\tArguments cross bit-exactly.\n## Panics\nC29\tA panic kills the process.\n"
    "C31\tRecovering keeps the host alive.\nC05\tNo case checks this one.\n## Building\nC06\tThe build modes are as listed.\n"
    "\tholds\tevery listed mode builds\n\trefuted\tone is refused\n\tcases\tbuild/*\n"
    "C35\tpie is ELF DYN.\n";

static void load_synthetic(char **dir, rmodel *m, claim_list *cl)
{
    *dir = unit_tmpdir();
    json_t *doc = synthetic();
    char *p = write_doc(*dir, "matrix.json", doc);
    json_decref(doc);
    char *err = NULL;
    ck_assert_msg(rmodel_load(p, m, &err) == 0, "%s", err ? err : "");
    /* A stable name for golden output. */
    free(m->path);
    m->path = xstrdup("matrix.json");
    free(p);
    char *cp = write_text(*dir, "claims.txt", CLAIMS);
    ck_assert_msg(claims_load(cp, cl, &err) == 0, "%s", err ? err : "");
    free(cp);
}

static char *render(void (*fn)(const rmodel *, FILE *), const rmodel *m)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fn(m, f);
    fclose(f);
    return buf;
}

/* Compare with tests/golden/NAME, or rewrite it when asked to. */
static void golden(const char *name, const char *got)
{
    const char *src = getenv("GOCOMPAT_SRCDIR");
    char *path = xasprintf("%s/tests/golden/%s", src && *src ? src : ".", name);
    const char *upd = getenv("GOCOMPAT_UPDATE_GOLDEN");
    if (upd && !strcmp(upd, "1")) {
        ck_assert_int_eq(write_file_atomic(path, got, strlen(got)), 0);
    } else {
        char *want = read_file(path, NULL);
        ck_assert_msg(want != NULL, "missing golden file %s (GOCOMPAT_UPDATE_GOLDEN=1 writes it)", path);
        if (strcmp(want, got)) {
            /* Name the first differing line. */
            int line = 1;
            size_t i = 0;
            while (want[i] && want[i] == got[i]) line += want[i++] == '\n';
            ck_abort_msg("%s differs from the renderer's output at line %d", path, line);
        }
        free(want);
    }
    free(path);
}

START_TEST(loads_and_sorts_releases_by_version)
{
    char *dir;
    rmodel m;
    claim_list cl;
    load_synthetic(&dir, &m, &cl);
    ck_assert_uint_eq(m.n, 10);
    ck_assert_uint_eq(m.gos.n, 2);
    ck_assert_str_eq(m.gos.v[0], "go1.9.5"); /* not lexical: 1.9 < 1.21 */
    ck_assert_str_eq(m.gos.v[1], "go1.21.13");
    ck_assert_str_eq(m.v[2].outcome, "signal SIGSEGV");
    ck_assert_str_eq(m.v[0].outcome, "exit 0");
    ck_assert_uint_eq(m.v[0].gi, 1);
    ck_assert_ptr_null(m.v[0].upstream);
    ck_assert_str_eq(m.v[4].upstream, "https://github.com/golang/go/issues/12345");
    ck_assert_str_eq(m.v[2].detail, "Add(2,3) = 6 | \"quoted\" <b>&amp; </script>\x01");
    /* The embedded JSON never carries a literal '<' and parses back to the same record. */
    ck_assert_ptr_null(strchr(m.v[2].json, '<'));
    json_t *back = json_loads(m.v[2].json, 0, NULL);
    ck_assert_ptr_nonnull(back);
    ck_assert_str_eq(json_string_value(json_object_get(back, "detail")), m.v[2].detail);
    json_decref(back);
    /* Ids are the cell key's hash: distinct per cell, stable per key. */
    char id[16];
    rrec_id("go1.21.13|amd64|c-shared|c-dlopen|abi/add", id);
    ck_assert_str_eq(id, m.v[0].id);
    ck_assert_str_ne(m.v[0].id, m.v[5].id);
    size_t c[6];
    rmodel_counts(&m, "go1.9.5", c);
    ck_assert_uint_eq(c[0], 2);
    ck_assert_uint_eq(c[1], 1);
    ck_assert_uint_eq(c[5], 1);
    claims_free(&cl);
    rmodel_free(&m);
    rm_rf(dir);
    free(dir);
}
END_TEST

static const ledger_claim *find_claim(const ledger *l, const char *id)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].id, id)) return &l->v[i];
    ck_abort_msg("claim %s missing from the ledger", id);
    return NULL;
}

/* Several architectures: the minority arch's records become their own
 * release columns ("go1.22.12/arm64"), ordered right after their release. */
START_TEST(architectures_become_release_columns)
{
    char *dir = unit_tmpdir();
    json_t *recs = json_array();
    const char *gos[] = { "go1.22.12", "go1.21.13" };
    for (size_t g = 0; g < 2; g++)
        for (int k = 0; k < 2; k++) {
            json_t *r = rec(gos[g], k ? "abi/b" : "abi/a", "c-dlopen", "c-shared", "pass", "", "ok");
            json_array_append_new(recs, r);
        }
    json_t *arm = rec("go1.22.12", "abi/a", "c-dlopen", "c-shared", "skip", "", "no python");
    json_object_set_new(arm, "goarch", json_string("arm64"));
    json_array_append_new(recs, arm);
    char *path = path_join(dir, "m.json");
    ck_assert_int_eq(matrix_write(path, NULL, recs, NULL), 0);
    rmodel m;
    char *err = NULL;
    ck_assert_msg(rmodel_load(path, &m, &err) == 0, "%s", err);
    ck_assert_uint_eq(m.gos.n, 3);
    ck_assert_str_eq(m.gos.v[0], "go1.21.13");
    ck_assert_str_eq(m.gos.v[1], "go1.22.12");
    ck_assert_str_eq(m.gos.v[2], "go1.22.12/arm64");
    size_t counts[6];
    rmodel_counts(&m, "go1.22.12", counts);
    ck_assert_uint_eq(counts[0], 2); /* the arm64 skip is not counted as amd64 */
    ck_assert_uint_eq(counts[4], 0);
    rmodel_free(&m);
    json_decref(recs);
    rm_rf(dir);
    free(path);
    free(dir);
}
END_TEST

START_TEST(the_native_arch_keeps_the_plain_release_column)
{
    /* As many 386 records as amd64 ones: the toolchain run without an
     * emulator decides which arch is native, not the counts. */
    char *dir = unit_tmpdir();
    json_t *recs = json_array();
    json_t *r386 = rec("go1.22.12", "abi/a", "c-dlopen", "c-shared", "pass", "", "ok");
    json_object_set_new(r386, "goarch", json_string("386"));
    json_array_append_new(recs, r386); /* first, so a count alone would crown it */
    json_array_append_new(recs, rec("go1.22.12", "abi/a", "c-dlopen", "c-shared", "pass", "", "ok"));
    json_t *tcs = json_pack("[{s:s,s:s,s:s},{s:s,s:s}]", "version", "go1.22.12", "goarch", "386", "emulator", "qemu-i386",
                            "version", "go1.22.12", "goarch", "amd64");
    char *path = path_join(dir, "m.json"), *err = NULL;
    ck_assert_int_eq(matrix_write(path, tcs, recs, NULL), 0);
    rmodel m;
    ck_assert_msg(rmodel_load(path, &m, &err) == 0, "%s", err);
    ck_assert_uint_eq(m.gos.n, 2);
    ck_assert_str_eq(m.gos.v[0], "go1.22.12");
    ck_assert_str_eq(m.gos.v[1], "go1.22.12/386");
    rmodel_free(&m);
    json_decref(recs);
    json_decref(tcs);
    rm_rf(dir);
    free(path);
    free(dir);
}
END_TEST

START_TEST(ledger_verdicts_follow_the_records)
{
    char *dir;
    rmodel m;
    claim_list cl;
    load_synthetic(&dir, &m, &cl);
    ledger l;
    ledger_build(&m, &cl, &l);
    /* go1.9.5 is m.gos[0], go1.21.13 m.gos[1]. */
    const ledger_claim *c11 = find_claim(&l, "C11");
    ck_assert_str_eq(c11->per[0].verdict, "refuted"); /* one pass, one fail: judged on every cell */
    ck_assert_ptr_nonnull(strstr(c11->per[0].summary, "abi/add c-archive c-archive"));
    ck_assert_str_eq(c11->per[1].verdict, "holds");
    ck_assert_str_eq(c11->verdict, "partly");
    /* C29 named plainly: fail on 1.21 refutes, pass on 1.9 supports. */
    const ledger_claim *c29 = find_claim(&l, "C29");
    ck_assert_str_eq(c29->per[0].verdict, "holds");
    ck_assert_str_eq(c29->per[1].verdict, "refuted");
    /* C31 named as !C31: a pass refutes it, a fail supports it. */
    const ledger_claim *c31 = find_claim(&l, "C31");
    ck_assert_str_eq(c31->per[0].verdict, "refuted");
    ck_assert_str_eq(c31->per[1].verdict, "holds");
    ck_assert(c31->ev[0].negated);
    /* In a case the claim lists (`cases`), xfail counts as a fail, xpass as a pass. */
    const ledger_claim *c06 = find_claim(&l, "C06");
    ck_assert_str_eq(c06->per[0].verdict, "holds");
    ck_assert_str_eq(c06->per[1].verdict, "refuted");
    /* skip and error give no verdict. */
    const ledger_claim *c35 = find_claim(&l, "C35");
    ck_assert_str_eq(c35->per[0].verdict, "n/a");
    ck_assert_str_eq(c35->verdict, "n/a");
    /* Listed but named by no case: untested, not dropped. */
    const ledger_claim *c05 = find_claim(&l, "C05");
    ck_assert_str_eq(c05->verdict, "untested");
    ck_assert_uint_eq(c05->nev, 0);
    /* Named by a record but not in the list: added. */
    const ledger_claim *c99 = find_claim(&l, "C99");
    ck_assert_str_eq(c99->text, "(not in the claim list)");
    ck_assert_uint_eq(l.n, 7);
    ledger_free(&l);
    claims_free(&cl);
    rmodel_free(&m);
    rm_rf(dir);
    free(dir);
}
END_TEST

START_TEST(ledger_says_when_architectures_disagree)
{
    char *dir = unit_tmpdir();
    json_t *recs = json_array();
    json_array_append_new(recs, rec("go1.22.12", "abi/add", "c-dlopen", "c-shared", "pass", "C11", "exit 0"));
    json_array_append_new(recs, rec("go1.22.12", "abi/add", "c-linked", "c-shared", "pass", "C11", "exit 0"));
    json_array_append_new(recs, rec("go1.22.12", "abi/add", "c-dlopen", "c-shared", "fail", "C11", "Add(2,3) = 4"));
    json_object_set_new(json_array_get(recs, 2), "goarch", json_string("386"));
    json_array_append_new(recs, rec("go1.22.12", "abi/sub", "c-dlopen", "c-shared", "pass", "C29", "exit 0"));
    json_array_append_new(recs, rec("go1.22.12", "abi/sub", "c-dlopen", "c-shared", "pass", "C29", "exit 0"));
    json_object_set_new(json_array_get(recs, 4), "goarch", json_string("386"));
    char *path = path_join(dir, "m.json"), *cp = write_text(dir, "claims.txt", CLAIMS), *err = NULL;
    ck_assert_int_eq(matrix_write(path, NULL, recs, NULL), 0);
    rmodel m;
    claim_list cl;
    ck_assert_msg(rmodel_load(path, &m, &err) == 0, "%s", err);
    ck_assert_msg(claims_load(cp, &cl, &err) == 0, "%s", err);
    ledger l;
    ledger_build(&m, &cl, &l);
    const ledger_claim *c11 = find_claim(&l, "C11");
    ck_assert_uint_eq(c11->arches.n, 2);
    ck_assert_str_eq(c11->arches.v[0], "386");
    ck_assert_str_eq(c11->arch_verdict[0], "refuted");
    ck_assert_str_eq(c11->arch_verdict[1], "holds");
    ck_assert_msg(strstr(c11->summary, "(by architecture: 386 refuted, amd64 holds)"), "%s", c11->summary);
    const ledger_claim *c29 = find_claim(&l, "C29"); /* same on both: no note */
    ck_assert_str_eq(c29->arch_verdict[0], "holds");
    ck_assert_ptr_null(strstr(c29->summary, "by architecture"));
    ledger_free(&l);
    claims_free(&cl);
    rmodel_free(&m);
    json_decref(recs);
    rm_rf(dir);
    free(path); free(cp); free(dir);
}
END_TEST

static char *render_ledger(void (*fn)(const ledger *, FILE *), const ledger *l)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fn(l, f);
    fclose(f);
    return buf;
}

START_TEST(renderers_match_golden_files)
{
    char *dir;
    rmodel m;
    claim_list cl;
    load_synthetic(&dir, &m, &cl);
    ledger l;
    ledger_build(&m, &cl, &l);
    char *s;
    golden("report.md", s = render(render_md, &m));
    free(s);
    golden("report.csv", s = render(render_csv, &m));
    free(s);
    golden("report.tap", s = render(render_tap, &m));
    free(s);
    golden("report.junit.xml", s = render(render_junit, &m));
    free(s);
    golden("claims.md", s = render_ledger(render_claims_md, &l));
    free(s);
    s = render_ledger(render_claims_json, &l);
    golden("claims.json", s);
    /* claims.json is valid JSON whose verdicts are the ledger's. */
    json_t *j = json_loads(s, 0, NULL);
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(j, "claims"), 0), "verdict")),
                     l.v[0].verdict);
    json_decref(j);
    free(s);
    ledger_free(&l);
    claims_free(&cl);
    rmodel_free(&m);
    rm_rf(dir);
    free(dir);
}
END_TEST

START_TEST(outputs_escape_hostile_text)
{
    char *dir;
    rmodel m;
    claim_list cl;
    load_synthetic(&dir, &m, &cl);
    ledger l;
    ledger_build(&m, &cl, &l);
    char *x = render(render_junit, &m);
    ck_assert_ptr_null(strstr(x, "<b>"));
    ck_assert_ptr_null(strstr(x, "</script>"));
    ck_assert_ptr_nonnull(strstr(x, "&lt;b&gt;&amp;amp; &lt;/script&gt;\\x01"));
    ck_assert_ptr_nonnull(strstr(x, "&quot;quoted&quot;"));
    free(x);
    char *html = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&html, &len);
    render_html(&m, &l, NULL, f);
    fclose(f);
    /* Exactly the page's own two scripts close; record text cannot. */
    size_t closes = 0;
    for (const char *p = html; (p = strstr(p, "</script>")); p++) closes++;
    ck_assert_uint_eq(closes, 2);
    ck_assert_ptr_null(strstr(html, "<b>"));
    ck_assert_ptr_null(strstr(html, "http://"));
    free(html);
    char *csv = render(render_csv, &m);
    ck_assert_ptr_nonnull(strstr(csv, ",\"Add(2,3) = 6 | \"\"quoted\"\" <b>&amp; </script>\x01\","));
    free(csv);
    char *tap = render(render_tap, &m);
    ck_assert_ptr_nonnull(strstr(tap, "not ok 3 - go1.21.13 panic/die python-ctypes c-shared\n"));
    ck_assert_ptr_nonnull(strstr(tap, "ok 10 - go1.9.5 build/basic none exe # TODO expected to fail"));
    free(tap);
    ledger_free(&l);
    claims_free(&cl);
    rmodel_free(&m);
    rm_rf(dir);
    free(dir);
}
END_TEST

static void expect_load_error(const char *text, const char *want)
{
    char *dir = unit_tmpdir();
    char *p = write_text(dir, "bad.json", text);
    rmodel m;
    char *err = NULL;
    ck_assert_int_eq(rmodel_load(p, &m, &err), -1);
    ck_assert_msg(err && strstr(err, want), "for %.40s: got \"%s\", want \"%s\"", text, err ? err : "(null)", want);
    ck_assert_msg(str_prefix(err, p), "error \"%s\" does not name the file", err);
    free(err);
    /* The command says the same and exits 2. */
    char *out = xasprintf("%s/out", dir);
    char *argv[] = { "report", "-q", "-i", p, "-o", out, NULL };
    ck_assert_int_eq(cmd_report(6, argv), GC_EXIT_USAGE);
    char *argv2[] = { "diff", p, p, NULL };
    ck_assert_int_eq(cmd_diff(3, argv2), GC_EXIT_USAGE);
    free(out);
    free(p);
    rm_rf(dir);
    free(dir);
}

START_TEST(malformed_documents_are_refused_clearly)
{
    json_t *doc = synthetic();
    char *full = json_dumps(doc, JSON_INDENT(1) | JSON_SORT_KEYS);
    json_decref(doc);
    /* Cut in the middle of the records. */
    full[strlen(full) / 2] = 0;
    expect_load_error(full, "truncated");
    free(full);
    expect_load_error("", "empty file");
    expect_load_error("[1,2]", "not a gocompat matrix");
    expect_load_error("{\"schema\":\"gocompat.matrix/9\",\"records\":[]}", "unknown schema \"gocompat.matrix/9\"");
    expect_load_error("{\"records\":[]}", "no \"schema\"");
    expect_load_error("{\"schema\":\"gocompat.matrix/1\"}", "no \"records\"");
    expect_load_error("{\"schema\":\"gocompat.matrix/1\",\n\"records\":[{\"schema\":\"gocompat.result/1\"}]}",
                      ":2: record 0: record lacks string field \"go\"");
    expect_load_error("{\"schema\":\"gocompat.matrix/1\",\n\n\"records\":[{,}]}", ":3: invalid JSON");
    doc = synthetic();
    json_object_del(json_array_get(json_object_get(doc, "records"), 3), "status");
    char *s = json_dumps(doc, JSON_COMPACT);
    expect_load_error(s, "record 3: record lacks string field \"status\"");
    free(s);
    json_object_set_new(json_array_get(json_object_get(doc, "records"), 3), "status", json_string("great"));
    s = json_dumps(doc, JSON_COMPACT);
    expect_load_error(s, "record 3: record has unknown status \"great\"");
    free(s);
    json_object_del(json_array_get(json_object_get(doc, "records"), 1), "evidence");
    json_object_set_new(json_array_get(json_object_get(doc, "records"), 3), "status", json_string("pass"));
    s = json_dumps(doc, JSON_COMPACT);
    expect_load_error(s, "record 1: record lacks object \"evidence\"");
    free(s);
    json_decref(doc);
}
END_TEST

/* Parts, polarity, scope, expected failures and trials, and --explain. */
START_TEST(ledger_judges_parts_scope_and_trials)
{
    static const char RULES[] =
        "## T\n"
        "C03\tTwo things at once.\n"
        "\tpart\tfirst\tthe first thing\n\t\tholds\tbuilt\n\t\trefuted\trefused\n\t\tcases\tbuild/one\n"
        "\tpart\tsecond\tthe second thing\n\t\tcases\tbuild/two\n"
        "C21\tOnly Python sees it.\n\thosts\tpython-ctypes\n"
        "C25\tAbout TLS.\n\tcases\ttls/*\n"
        "C28\tAlways completes.\n"
        "C40\tCan happen.\n\tjudge\tonce\n";
    char *dir = unit_tmpdir();
    json_t *recs = json_array();
    /* C03: part first holds (pass), part second refuted (a pass of a !link). */
    json_array_append_new(recs, rec("go1.22.12", "build/one", "none", "exe", "pass", "C03", "built"));
    json_array_append_new(recs, rec("go1.22.12", "build/two", "none", "exe", "pass", "!C03", "built"));
    /* A link that names a part directly; one that matches no part. */
    json_array_append_new(recs, rec("go1.22.12", "build/three", "none", "exe", "pass", "C03.first", "built"));
    json_array_append_new(recs, rec("go1.22.12", "build/four", "none", "exe", "fail", "C03", "refused"));
    /* C21: a C host does not observe it; only the Python cell counts. */
    json_array_append_new(recs, rec("go1.22.12", "threads/main", "c-dlopen", "c-shared", "fail", "!C21", "x"));
    json_array_append_new(recs, rec("go1.22.12", "threads/main", "python-ctypes", "c-shared", "pass", "!C21", "ok"));
    /* C25: an expected failure of a case it does not list gives no verdict. */
    json_array_append_new(recs, rec("go1.22.12", "lifecycle/musl", "c-dlopen", "c-shared", "xfail", "C25", "x"));
    json_array_append_new(recs, rec("go1.22.12", "tls/exhaust", "c-dlopen", "c-shared", "pass", "C25", "ok"));
    /* C28 judged on every trial, C40 on one: 19 of 20 met. */
    json_t *t = rec("go1.22.12", "lifecycle/fork-scheduler", "c-dlopen", "c-shared", "pass", "C28 C40", "met in 19 of 20");
    json_object_set_new(t, "trials", json_pack("{s:i, s:i, s:i}", "n", 20, "met", 19, "seed", 7));
    json_array_append_new(recs, t);
    char *path = path_join(dir, "m.json"), *cp = write_text(dir, "claims.txt", RULES), *err = NULL;
    ck_assert_int_eq(matrix_write(path, NULL, recs, NULL), 0);
    rmodel m;
    claim_list cl;
    ck_assert_msg(rmodel_load(path, &m, &err) == 0, "%s", err);
    ck_assert_msg(claims_load(cp, &cl, &err) == 0, "%s", err);
    ck_assert_uint_eq(m.v[8].trials, 20);
    ck_assert_uint_eq(m.v[8].trials_met, 19);
    ledger l;
    ledger_build(&m, &cl, &l);
    const ledger_claim *c03 = find_claim(&l, "C03");
    ck_assert_uint_eq(c03->nparts, 2);
    ck_assert_str_eq(c03->parts[0].per[0].verdict, "holds");
    ck_assert_str_eq(c03->parts[1].per[0].verdict, "refuted");
    ck_assert_str_eq(c03->per[0].verdict, "partly");
    ck_assert_msg(strstr(c03->per[0].summary, "part second refuted"), "%s", c03->per[0].summary);
    ck_assert_str_eq(c03->ev[3].why == EV_NO_PART ? "no part" : "?", "no part"); /* build/four names no part */
    const ledger_claim *c21 = find_claim(&l, "C21");
    ck_assert_str_eq(c21->per[0].verdict, "refuted"); /* the Python pass of !C21; the C fail is aside */
    ck_assert_uint_eq(c21->per[0].ref, 1);
    ck_assert_uint_eq(c21->per[0].sup, 0);
    ck_assert_int_eq(c21->ev[0].why, EV_HOST_SCOPE);
    const ledger_claim *c25 = find_claim(&l, "C25");
    ck_assert_str_eq(c25->per[0].verdict, "holds");
    ck_assert_int_eq(c25->ev[0].why, EV_XFAIL_ASIDE);
    ck_assert_str_eq(find_claim(&l, "C28")->per[0].verdict, "refuted"); /* one trial of 20 did not complete */
    ck_assert_str_eq(find_claim(&l, "C40")->per[0].verdict, "holds");   /* it happened at least once */
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    ck_assert_int_eq(ledger_explain(&l, "C03", f), 0);
    ck_assert_int_eq(ledger_explain(&l, "C77", f), -1);
    fclose(f);
    ck_assert_msg(strstr(out, "part second — refuted: the second thing"), "%s", out);
    ck_assert_msg(strstr(out, "build/two none exe: pass -> refutes [link !C03: a pass refutes]"), "%s", out);
    ck_assert_msg(strstr(out, "expect: Add(2,3) == 5 [exit 0]"), "%s", out);
    ck_assert_msg(strstr(out, "holds if:   built"), "%s", out);
    free(out);
    ledger_free(&l);
    claims_free(&cl);
    rmodel_free(&m);
    json_decref(recs);
    rm_rf(dir);
    free(path); free(cp); free(dir);
}
END_TEST

START_TEST(claim_list_errors_name_the_line)
{
    char *dir = unit_tmpdir();
    claim_list cl;
    char *err = NULL;
    char *p = write_text(dir, "c.txt", "# x\nC01\tone\nC1x\ttwo\n");
    ck_assert_int_eq(claims_load(p, &cl, &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "c.txt:3: `C1x` is not a claim id"));
    free(err);
    free(p);
    p = write_text(dir, "d.txt", "C01\tone\nC01\tagain\n");
    ck_assert_int_eq(claims_load(p, &cl, &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "d.txt:2: claim C01 is listed twice"));
    free(err);
    free(p);
    p = write_text(dir, "f.txt", "C01\tone\n\tpart\ta\tfirst\n\tpart\ta\tagain\n");
    ck_assert_int_eq(claims_load(p, &cl, &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "f.txt:3: C01 has two parts named a"));
    free(err);
    free(p);
    p = write_text(dir, "g.txt", "C01\tone\n\tjudge\tsometimes\n");
    ck_assert_int_eq(claims_load(p, &cl, &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "g.txt:2: judge is `every` or `once`"));
    free(err);
    free(p);
    p = write_text(dir, "h.txt", "\tholds\tx\n");
    ck_assert_int_eq(claims_load(p, &cl, &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "h.txt:1: an indented line before any claim"));
    free(err);
    free(p);
    p = write_text(dir, "e.txt", "C01 no tab here\n");
    ck_assert_int_eq(claims_load(p, &cl, &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "e.txt:1: expected `Cnn<TAB>claim text`"));
    free(err);
    free(p);
    rm_rf(dir);
    free(dir);
}
END_TEST

START_TEST(expectations_parse_and_match)
{
    expect_set s;
    strlist errs = { 0 };
    const char *text = "# known failures\n"
                       "go1.19..go1.21 c-shared python-ctypes tls/* https://github.com/golang/go/issues/1\n"
                       "\n"
                       "go1.24.. * * panic/nested https://github.com/golang/go/issues/2\n"
                       "go1.22 c-shared c-dlopen abi/add http://not-https\n"
                       "go1.22 c-shared c-dlopen\n"
                       "1.22 c-shared c-dlopen abi/add https://x\n"
                       "go1.22 c-shared moon abi/add https://x\n"
                       "go1.22 c-shared c-dlopen abi/add https://x trailing\n";
    ck_assert_int_eq(expect_parse("results/expectations", text, &s, &errs), 5);
    ck_assert_uint_eq(s.n, 2);
    ck_assert_str_eq(errs.v[0], "results/expectations:5: an expected failure needs an upstream https:// link, got `http://not-https`");
    ck_assert_ptr_nonnull(strstr(errs.v[1], "results/expectations:6: expected `GO-RANGE"));
    ck_assert_ptr_nonnull(strstr(errs.v[2], "results/expectations:7: bad Go version range `1.22`"));
    ck_assert_ptr_nonnull(strstr(errs.v[3], "results/expectations:8: unknown host `moon`"));
    ck_assert_ptr_nonnull(strstr(errs.v[4], "results/expectations:9: unexpected `trailing`"));
    const expectation *e = expect_match(&s, "go1.21.13", "c-shared", "python-ctypes", "tls/main-thread");
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(e->where, "results/expectations:2");
    ck_assert_ptr_null(expect_match(&s, "go1.22.12", "c-shared", "python-ctypes", "tls/main-thread"));
    ck_assert_ptr_null(expect_match(&s, "go1.21.13", "c-shared", "c-dlopen", "tls/main-thread"));
    e = expect_match(&s, "go1.27.3", "c-archive", "c-archive", "panic/nested");
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(e->rule.link, "https://github.com/golang/go/issues/2");
    ck_assert_ptr_null(expect_match(&s, "go1.23.5", "c-archive", "c-archive", "panic/nested"));
    ck_assert_ptr_null(expect_match(NULL, "go1.27.3", "c-archive", "c-archive", "panic/nested"));
    expect_free(&s);
    sl_free(&errs);
}
END_TEST

Suite *suite_report(void)
{
    Suite *s = suite_create("report");
    TCase *t = tcase_create("views");
    tcase_add_test(t, loads_and_sorts_releases_by_version);
    tcase_add_test(t, architectures_become_release_columns);
    tcase_add_test(t, the_native_arch_keeps_the_plain_release_column);
    tcase_add_test(t, ledger_verdicts_follow_the_records);
    tcase_add_test(t, ledger_says_when_architectures_disagree);
    tcase_add_test(t, ledger_judges_parts_scope_and_trials);
    tcase_add_test(t, renderers_match_golden_files);
    tcase_add_test(t, outputs_escape_hostile_text);
    tcase_add_test(t, malformed_documents_are_refused_clearly);
    tcase_add_test(t, claim_list_errors_name_the_line);
    tcase_add_test(t, expectations_parse_and_match);
    suite_add_tcase(s, t);
    return s;
}
