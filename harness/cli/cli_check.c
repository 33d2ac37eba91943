/* `gocompat check DIR`: the matrix of the user's own library, with no file
 * written by the user; with --from/--to, the upgrade report between two
 * releases (regressions, the whole header diff, export signatures). */
#define _GNU_SOURCE
#include "cli.h"
#include "cli_common.h"
#include "bench_stats.h"
#include "diff.h"
#include "expectations.h"
#include "library.h"
#include "library_diff.h"
#include "proc.h"
#include "record.h"
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char CHECK_HELP[] =
    "Usage: gocompat check [OPTION]... DIR\n"
    "Check a Go package built as a C library with every selected Go release:\n"
    "DIR is the package folder (with or without go.mod), or a module root with\n"
    "--pkg PATH. Nothing needs to be written: the generic cells are\n"
    "  lib/build    the build per release and mode (compiler errors as evidence)\n"
    "  lib/header   the header declares every //export and compiles as C11 and\n"
    "               C++17 with -Wall -Wextra -Werror; the whole header is evidence\n"
    "  lib/symbols  every //export is a defined (dynamic) function symbol\n"
    "  lib/elf      RELRO, BIND_NOW, stack, TEXTREL, TLS, NEEDED, GLIBC needs,\n"
    "               runtime symbols; judged by --fail-if\n"
    "  lib/load     C hosts load it (dlopen, linked, static archive, a pthread),\n"
    "               resolve every //export, and the Go runtime starts\n"
    "  lib/ctypes   Python ctypes loads it and finds every //export\n"
    "  lib/calls    the --call calls, from the main thread and a new thread\n"
    "Builds run offline (GOPROXY=off) with the GOFLAGS and module cache of the\n"
    "environment (GOMODCACHE, else $GOPATH/pkg/mod, else ~/go/pkg/mod) and a\n"
    "vendor/ folder as go uses it.\n\n"
    "Options:\n"
    "      --pkg=PATH        the package folder under the module root DIR\n"
    "      --call=SPEC       call an export: NAME(ARGS) or NAME(ARGS)=RESULT, e.g.\n"
    "                        'Add(2,3)=5', 'Greet(\"go\")=9', 'Divmod(7,2)=(3,1)';\n"
    "                        numbers and strings (GoString) only (repeatable)\n"
    "      --calls=FILE      one SPEC per line (# comments)\n"
    "      --tests=DIR       the library's own probes: NAME.c (probe/probe.h API) runs\n"
    "                        from every C host, NAME.py (gocompat_probe) from ctypes,\n"
    "                        each as the cell user/NAME\n"
    "      --config=FILE     settings (default: gocompat-check.conf in the package\n"
    "                        folder or the module root), `key: value` per line:\n"
    "                        releases, buildmodes, hosts, tests, call, fail-if,\n"
    "                        timeout, xfail (GO-RANGE BUILDMODE HOST CASE LINK);\n"
    "                        options given on the command line win\n"
    "      --fail-if=COND[,COND...]  ELF policy for lib/elf: the conditions of\n"
    "                        `gocompat elf --fail-if` (no-bind-now, textrel, ...)\n"
    "      --from=GO, --to=GO  run two releases and print the upgrade report\n"
    "  -f, --format=FMT      upgrade report: md (default), json or junit\n"
    "      --threshold=PCT   upgrade report: a --call slower by more than PCT\n"
    "                        (default 10) at p < 0.05 (Mann-Whitney U over the\n"
    "                        timed batches) is a regression\n"
    "      --diff-out=FILE   write the upgrade report there instead of stdout\n"
    "  -o, --out=FILE        matrix document (default _gocompat/check.json, or\n"
    "                        _gocompat/upgrade-A-B.json; go ignores _ folders)\n"
    "  -j, --jobs=N          run N builds or probes at once (default: CPUs)\n"
    "      --resume          keep the records of an interrupted run, run the rest\n"
    "      --rerun=GLOB      measure again the cells of the cases matching GLOB\n"
    "                        (repeatable) and keep every other record of OUT (or\n"
    "                        of the journal, with --resume); OUT as it was is\n"
    "                        kept as OUT.old\n"
    "  -m, --buildmode=MODE  c-shared or c-archive (default both)\n"
    "  -c, --case=GLOB       only these cells (lib/header, lib/*, ...)\n"
    "      --no-table        do not print the terminal table\n"
    "  -q, --quiet           no progress\n"
    COMMON_OPTION_TEXT "\n"
    "Exit status: 0 all passed, 1 a cell failed or (with --from/--to) a\n"
    "regression, 2 not a usable package, a dependency missing offline, or a\n"
    "usage error, 130 interrupted (records kept; rerun with --resume).\n";

typedef struct {
    const char *pkg, *from, *to, *format, *diff_out, *config, *tests;
    double threshold;  /* a significant slowdown beyond it is a regression */
    library_opts lo;
} check_opts;

/* Takes this command's own options out of argv; the rest are the matrix's. */
static int own_options(int argc, char **argv, check_opts *o, char **rest)
{
    static const struct { const char *name; char code; } own[] = {
        { "--pkg", 'P' }, { "--call", 'C' }, { "--calls", 'L' }, { "--fail-if", 'X' }, { "--from", 'F' },
        { "--to", 'U' }, { "--format", 'f' }, { "-f", 'f' }, { "--diff-out", 'O' }, { "--config", 'K' },
        { "--tests", 'T' }, { "--threshold", 'H' },
    };
    int nrest = 0;
    for (int i = 0; i < argc; i++) {
        const char *val = NULL;
        char code = 0;
        for (size_t k = 0; i > 0 && k < GC_ARRAY_LEN(own) && !val; k++) {
            size_t n = strlen(own[k].name);
            if (!strcmp(argv[i], own[k].name)) {
                if (i + 1 >= argc) gc_die(GC_EXIT_USAGE, "%s wants a value; see --help", own[k].name);
                val = argv[++i];
            } else if (!strncmp(argv[i], own[k].name, n) && argv[i][n] == '=' && n > 2)
                val = argv[i] + n + 1;
            if (val) code = own[k].code;
        }
        switch (code) {
        case 'P': o->pkg = val; break;
        case 'C': sl_add(&o->lo.calls, val); break;
        case 'L': {
            char *err = NULL;
            if (library_read_calls(val, &o->lo.calls, &err) < 0) gc_die(GC_EXIT_USAGE, "--calls %s", err);
            break;
        }
        case 'X': o->lo.fail_if = xstrdup(val); break;
        case 'K': o->config = val; break;
        case 'T': o->tests = val; break;
        case 'H': {
            char *end;
            o->threshold = strtod(val, &end) / 100;
            if (*end || !(o->threshold >= 0)) gc_die(GC_EXIT_USAGE, "--threshold wants a percentage, not '%s'", val);
            break;
        }
        case 'F': o->from = val; break;
        case 'U': o->to = val; break;
        case 'f':
            if (strcmp(val, "md") && strcmp(val, "json") && strcmp(val, "junit"))
                gc_die(GC_EXIT_USAGE, "--format wants md, json or junit, not '%s'", val);
            o->format = val;
            break;
        case 'O': o->diff_out = val; break;
        default: rest[nrest++] = argv[i];
        }
    }
    return nrest;
}

/* The selected toolchain that matches a release the user named. */
static const toolchain *release_of(const toolchain_set *tcs, const char *want)
{
    for (size_t k = 0; k < tcs->n; k++)
        if (!tcs->v[k].error && release_matches(tcs->v[k].version, want)) return &tcs->v[k];
    gc_die(GC_EXIT_USAGE, "no installed Go toolchain is release %s (see `gocompat toolchains`)", want);
}

static void check_modes(common_opts *co)
{
    for (size_t i = 0; i < co->m.modes.n; i++)
        if (strcmp(co->m.modes.v[i], "c-shared") && strcmp(co->m.modes.v[i], "c-archive"))
            gc_die(GC_EXIT_USAGE, "check builds c-shared and c-archive libraries, not %s", co->m.modes.v[i]);
    if (!co->m.modes.n) {
        sl_add(&co->m.modes, "c-shared");
        sl_add(&co->m.modes, "c-archive");
    }
}

/* The header's text is shown once, as a unified diff in the library
 * section, not as an old/new pair of whole files in the evidence table. */
static void drop_header_evidence(json_t *d)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(d, "changes"), i, c) {
        json_t *ev = json_object_get(c, "evidence");
        for (size_t k = json_array_size(ev); k-- > 0;)
            if (!strcmp(json_string_value(json_object_get(json_array_get(ev, k), "key")) ?: "", "header"))
                json_array_remove(ev, k);
    }
}

static const json_t *calls_evidence(const json_t *records, const char *go)
{
    size_t i;
    json_t *r;
    json_array_foreach((json_t *)records, i, r)
        if (!strcmp(json_string_value(json_object_get(r, "case")) ?: "", "lib/calls") &&
            !strcmp(json_string_value(json_object_get(r, "go")) ?: "", go))
            return json_object_get(json_object_get(r, "evidence"), "call_ns");
    return NULL;
}

static size_t samples(const json_t *a, double *out, size_t max)
{
    size_t n = 0;
    for (; n < json_array_size(a) && n < max; n++) out[n] = json_number_value(json_array_get(a, n));
    return n;
}

/* Each timed call, per thread, compared across the two releases with the
 * benchmark statistics; *regressions counts the calls of the library (the
 * ctypes-to-C baseline shows the machine's drift, never a regression). */
static json_t *call_cost_changes(const json_t *records, const char *a, const char *b, double threshold,
                                 size_t *regressions)
{
    const json_t *ea = calls_evidence(records, a), *eb = calls_evidence(records, b);
    json_t *out = json_array();
    const char *spec;
    json_t *tb;
    json_object_foreach((json_t *)eb, spec, tb) {
        const json_t *ta = json_object_get(ea, spec);
        for (int t = 0; ta && t < 2; t++) {
            const char *thr = t ? "new_thread" : "main_thread";
            double x[64], y[64];
            size_t nx = samples(json_object_get(ta, thr), x, 64), ny = samples(json_object_get(tb, thr), y, 64);
            if (!nx || !ny) continue;
            bench_change c;
            bench_compare_samples(x, nx, y, ny, threshold, 0.05, &c);
            bool baseline = spec[0] == '(';
            if (c.kind == BENCH_REGRESSION && !baseline) (*regressions)++;
            json_array_append_new(out, json_pack("{s:s, s:s, s:f, s:f, s:f, s:f, s:s}", "call", spec, "thread", thr,
                                                 "old_ns", bench_median(x, nx), "new_ns", bench_median(y, ny),
                                                 "change", c.change, "p", c.test.p,
                                                 "verdict", bench_change_name(c.kind)));
        }
    }
    return out;
}

static void call_cost_md(const json_t *cc, double threshold, FILE *f)
{
    fprintf(f, "\n## Call cost (ns per call through ctypes; a regression is > %.0f %% slower at p < 0.05)\n\n",
            threshold * 100);
    if (!json_array_size(cc)) {
        fputs("No call was timed in both releases (name calls with --call or `call:` lines).\n", f);
        return;
    }
    fputs("| call | thread | old | new | change | p | verdict |\n|---|---|---|---|---|---|---|\n", f);
    size_t i;
    json_t *x;
    json_array_foreach(cc, i, x)
        fprintf(f, "| `%s` | %s | %.0f | %.0f | %+.1f %% | %.3f | %s |\n", json_string_value(json_object_get(x, "call")),
                json_string_value(json_object_get(x, "thread")), json_number_value(json_object_get(x, "old_ns")),
                json_number_value(json_object_get(x, "new_ns")), json_number_value(json_object_get(x, "change")) * 100,
                json_number_value(json_object_get(x, "p")), json_string_value(json_object_get(x, "verdict")));
}

/* The upgrade report: the matrix diff across the two releases, with the
 * library's header diff and signature changes added. */
static int upgrade_report(const char *matrix, const char *from, const char *to, const char *format, const char *out,
                          double threshold)
{
    rmodel m;
    char *err = NULL;
    json_error_t jerr;
    json_t *doc = json_load_file(matrix, 0, &jerr);
    if (!doc || rmodel_load(matrix, &m, &err) < 0) {
        gc_warn("%s", err ? err : jerr.text);
        free(err);
        json_decref(doc);
        return GC_EXIT_USAGE;
    }
    diff_opts dopt = { .from = from, .to = to, .ttd_abs_ms = 250, .ttd_rel = 1.0 };
    json_t *d = matrix_diff(&m, &m, &dopt, &err);
    json_t *ld = d ? library_diff(json_object_get(doc, "records"), from, to) : NULL;
    size_t slower = 0;
    json_t *cc = call_cost_changes(json_object_get(doc, "records"), from, to, threshold, &slower);
    rmodel_free(&m);
    json_decref(doc);
    if (!ld) {
        gc_warn("%s", err);
        free(err);
        json_decref(d);
        json_decref(cc);
        return GC_EXIT_USAGE;
    }
    json_object_set_new(ld, "call_cost", cc);
    json_object_set_new(ld, "slower_calls", json_integer((json_int_t)slower));
    drop_header_evidence(d);
    json_object_set_new(d, "library", ld);
    afile af = { 0 };
    FILE *f = stdout;
    if (out) {
        if (afile_open(&af, out) < 0) gc_die(GC_EXIT_USAGE, "cannot write %s: %s", out, strerror(errno));
        f = af.f;
    }
    if (!strcmp(format, "json")) {
        json_dumpf(d, f, JSON_INDENT(1));
        fputc('\n', f);
    } else if (!strcmp(format, "junit"))
        diff_render_junit(d, f);
    else {
        diff_render_md(d, f);
        library_diff_render_md(ld, f);
        call_cost_md(cc, threshold, f);
    }
    if (out && afile_commit(&af) < 0) gc_die(GC_EXIT_USAGE, "cannot write %s: %s", out, strerror(errno));
    json_int_t reg = json_integer_value(json_object_get(json_object_get(d, "counts"), "regressions"));
    json_decref(d);
    if (slower) gc_warn("%zu call%s slower beyond the threshold (a regression)", slower, slower == 1 ? "" : "s");
    return reg || slower ? GC_EXIT_UNEXPECTED : GC_EXIT_OK;
}

/* The config file's settings, under what the command line says. Its xfail
 * lines become the run's expected failures. */
static expect_set *apply_config(const check_opts *o, const library *lib, common_opts *co, library_opts *lo)
{
    char *path = o->config ? xstrdup(o->config) : library_config_find(lib->pkgdir, lib->modroot);
    if (!path) return NULL;
    library_config cf;
    char *err = NULL;
    if (library_config_load(path, &cf, &err) < 0) gc_die(GC_EXIT_USAGE, "%s", err);
    if (!co->toolchains.n && !o->from)
        for (size_t i = 0; i < cf.releases.n; i++) sl_add(&co->toolchains, cf.releases.v[i]);
    if (!co->m.modes.n)
        for (size_t i = 0; i < cf.modes.n; i++) sl_add(&co->m.modes, cf.modes.v[i]);
    if (!co->m.hosts.n)
        for (size_t i = 0; i < cf.hosts.n; i++) {
            if (!host_known(cf.hosts.v[i])) gc_die(GC_EXIT_USAGE, "%s: unknown host `%s`", path, cf.hosts.v[i]);
            sl_add(&co->m.hosts, cf.hosts.v[i]);
        }
    for (size_t i = 0; i < cf.lo.calls.n; i++) sl_add(&lo->calls, cf.lo.calls.v[i]);
    if (!lo->fail_if && cf.lo.fail_if) lo->fail_if = xstrdup(cf.lo.fail_if);
    if (!lo->tests && cf.lo.tests) lo->tests = xstrdup(cf.lo.tests);
    if (!lo->test_timeout_s) lo->test_timeout_s = cf.lo.test_timeout_s;
    expect_set *ex = xcalloc(1, sizeof *ex);
    strlist errs = { 0 };
    int bad = expect_parse(path, cf.xfail_text, ex, &errs);
    if (bad) gc_die(GC_EXIT_USAGE, "%s", errs.v[0]);
    sl_free(&errs);
    library_config_free(&cf);
    free(path);
    return ex;
}

/* Results go to _gocompat/ in the current folder: go ignores `_` folders,
 * so a run from inside the module does not change the library's cache key. */
static char *default_out(const check_opts *o, const toolchain_set *tcs)
{
    if (!o->from) return xstrdup("_gocompat/check.json");
    char *ma = go_version_minor(release_of(tcs, o->from)->version), *mb = go_version_minor(release_of(tcs, o->to)->version);
    char *out = xasprintf("_gocompat/upgrade-%s-%s.json", ma, mb);
    free(ma);
    free(mb);
    return out;
}

/* The newest native toolchain answers whether the imports resolve offline. */
static void preflight(const common_opts *co, const toolchain_set *tcs, const library *lib)
{
    const toolchain *newest = NULL;
    for (size_t k = 0; k < tcs->n; k++)
        if (!tcs->v[k].error && !tcs->v[k].foreign) newest = &tcs->v[k];
    char *err = NULL;
    if (newest && library_preflight(&co->m.rc.b, newest, lib, &err) < 0) gc_die(GC_EXIT_USAGE, "%s", err);
}

int cmd_check(int argc, char **argv)
{
    check_opts o = { .format = "md", .threshold = 0.10 };
    char **rest = xcalloc((size_t)argc + 1, sizeof *rest);
    int nrest = own_options(argc, argv, &o, rest);
    common_opts co;
    int i = common_parse(nrest, rest, &co, CHECK_HELP);
    if (i >= nrest) gc_die(GC_EXIT_USAGE, "check wants the package folder: gocompat check DIR (see --help)");
    if (i + 1 < nrest) gc_die(GC_EXIT_USAGE, "check takes one folder, not also '%s'", rest[i + 1]);
    if (!o.from != !o.to) gc_die(GC_EXIT_USAGE, "an upgrade report needs both --from and --to");
    if (o.from && co.toolchains.n) gc_die(GC_EXIT_USAGE, "with --from and --to, check picks its two toolchains itself, not -t");
    const char *cgo = getenv("CGO_ENABLED");
    if (cgo && !strcmp(cgo, "0"))
        gc_die(GC_EXIT_USAGE, "CGO_ENABLED=0 in the environment: a C library needs cgo; unset it to check");
    library lib;
    char *err = NULL;
    if (library_open(rest[i], o.pkg, &lib, &err) < 0) gc_die(GC_EXIT_USAGE, "%s", err);
    if (o.tests) o.lo.tests = realpath(o.tests, NULL);
    if (o.tests && !o.lo.tests) gc_die(GC_EXIT_USAGE, "--tests %s: %s", o.tests, strerror(errno));
    expect_set *ex = apply_config(&o, &lib, &co, &o.lo);
    co.m.rc.expect = ex;
    check_modes(&co);
    if (o.from) {
        sl_add(&co.toolchains, o.from);
        sl_add(&co.toolchains, o.to);
    }
    install_interrupt_handlers();
    toolchain_set tcs;
    common_toolchains(&co, &tcs, true);
    if (o.from && release_of(&tcs, o.from) == release_of(&tcs, o.to))
        gc_die(GC_EXIT_USAGE, "--from and --to name the same toolchain");
    preflight(&co, &tcs, &lib);
    case_set cases;
    if (library_cases(&co.m.rc.b, &lib, &o.lo, &cases, &err) < 0) gc_die(GC_EXIT_USAGE, "%s", err);
    char *defout = NULL;
    if (!strcmp(co.m.out, "results/matrix.json")) co.m.out = defout = default_out(&o, &tcs);
    if (!co.m.quiet) gc_warn("checking %s: %zu export%s", lib.pkgdir, lib.exports.n, lib.exports.n == 1 ? "" : "s");
    int rc = matrix_run(&co.m, &tcs, &cases);
    if (o.from && (rc == GC_EXIT_OK || rc == GC_EXIT_UNEXPECTED)) {
        /* As for `upgrade`: across releases only a regression is unexpected. */
        rc = upgrade_report(co.m.out, release_of(&tcs, o.from)->version, release_of(&tcs, o.to)->version, o.format,
                            o.diff_out, o.threshold);
    }
    case_set_free(&cases);
    toolchain_set_free(&tcs);
    library_free(&lib);
    if (ex) expect_free(ex);
    free(ex);
    sl_free(&o.lo.calls);
    free(o.lo.fail_if);
    free(o.lo.tests);
    free(defout);
    free(rest);
    common_free(&co);
    return rc;
}
