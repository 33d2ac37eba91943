/* `gocompat bench`: its options and help; the engine (harness/bench) builds,
 * measures and writes. `--compare OLD NEW` compares two runs. */
#define _GNU_SOURCE
#include "bench_report.h"
#include "bench_run.h"
#include "cli.h"
#include "cli_common.h"
#include "library.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char BENCH_HELP[] =
    "Usage: gocompat bench [OPTION]...\n"
    "  or:  gocompat bench --lib DIR [--pkg PATH] [--call SPEC]... [OPTION]...\n"
    "  or:  gocompat bench --compare OLD.json NEW.json [--threshold=PCT]\n"
    "Measure the cost of crossing between C and Go with every selected toolchain:\n"
    "C->Go export calls from the main thread and from a pthread, through a dlsym\n"
    "pointer, cgo's header (c-shared linked, c-archive), libffi and Python ctypes;\n"
    "Go->C calls and C->Go->C callbacks; 0, 2 and 8 int arguments, a 64-byte\n"
    "struct, GoString and GoSlice arguments; the first call from a new thread;\n"
    "1, 2, 4 and 8 threads calling at once; a recovered panic and\n"
    "runtime.LockOSThread per call. Baselines measured in the same run: C->C\n"
    "direct and indirect call, clock_gettime, an empty loop, libffi and ctypes\n"
    "calls of a C function, thread creation, the bare Python loop. The C->C\n"
    "indirect call, which every ratio divides by, is measured whatever -b\n"
    "selects.\n\n"
    "Each benchmark runs in its own sandboxed process, its measuring thread\n"
    "pinned to one CPU. Iterations are scaled until one batch takes at least\n"
    "--batch-ms; then --reps batches are timed. A figure whose coefficient of\n"
    "variation exceeds --cv-limit is run once more with the same batch size and\n"
    "the steadier run is kept (both are recorded); one still above the limit is\n"
    "flagged noisy.\n\n"
    "Writes DIR/bench.json (schema gocompat.bench/1, every repetition kept),\n"
    "DIR/bench.csv and, with gnuplot, DIR/{paths,threads,scaling,ratio,args}\n"
    ".svg and .png.\n\n"
    "Options:\n" COMMON_OPTION_TEXT
    "  -o, --out=DIR         output folder (default results/bench;\n"
    "                        _gocompat/bench with --lib)\n"
    "      --quick           5 repetitions of 10 ms batches (a smoke test; noisy)\n"
    "      --reps=N          timed repetitions per benchmark (default 10)\n"
    "      --batch-ms=MS     minimum batch duration (default 50)\n"
    "      --cv-limit=PCT    flag and rerun figures noisier than this (default 5)\n"
    "  -b, --bench=GLOB      only benchmarks whose name matches (e.g. 'call/*';\n"
    "                        repeatable)\n"
    "      --no-plot         do not run gnuplot\n"
    "      --force           replace DIR/bench.json even when it holds benchmarks\n"
    "                        this run does not plan (by default that is refused,\n"
    "                        exit 2: a narrower run never replaces a wider one)\n"
    "  -j, --jobs=N          fixture builds at once (benchmarks always run one\n"
    "                        at a time)\n"
    "  -q, --quiet           no progress lines\n\n"
    "Your own library (--lib): the calls you name, each timed through a dlsym\n"
    "pointer from the main thread and from a pthread, and through Python ctypes\n"
    "from its main thread, with each release's c-shared build of the package;\n"
    "the same C baselines, the bare Python loop and ctypes calling libc's labs\n"
    "are measured in the same run. Arguments and results are typed from the\n"
    "header cgo generates. Only named calls are made (a call may have effects\n"
    "the header cannot show), and only when the header types every argument\n"
    "and the result: every other export is listed with the reason, and a call\n"
    "the header rules out is an error (exit 2). The benchmarks are named\n"
    "lib/NAME(ARGS); the output goes to _gocompat/bench, without plots.\n"
    "      --lib=DIR         the package folder, with or without go.mod, or a\n"
    "                        module root with --pkg (as for `gocompat check`)\n"
    "      --pkg=PATH        the package folder under the module root DIR\n"
    "      --call=SPEC       NAME(ARGS) or NAME(ARGS)=RESULT: numbers, strings\n"
    "                        (GoString), a tuple for several results, e.g.\n"
    "                        'Add(2,3)=5', 'Greet(\"go\")', 'Divmod(7,2)=(3,1)';\n"
    "                        with =RESULT the first call must return it\n"
    "                        (repeatable)\n"
    "      --calls=FILE      one SPEC per line (# comments)\n"
    "      --config=FILE     where the calls (`call:` lines) and releases\n"
    "                        (`releases:`) come from when --call and -t name\n"
    "                        none (default: gocompat-check.conf in the package\n"
    "                        folder or the module root)\n\n"
    "Comparison:\n"
    "      --compare OLD NEW print the change of each benchmark's median between\n"
    "                        two bench.json files, with a Mann-Whitney U test over\n"
    "                        the repetitions\n"
    "      --threshold=PCT   a significant slowdown beyond PCT is a regression\n"
    "                        (default 10)\n"
    "      --alpha=P         significance level (default 0.05)\n\n"
    "A foreign --arch is benchmarked under qemu-user with its own C->C baselines\n"
    "(no libffi or Python there). Such a timing measures the emulator as much\n"
    "as Go: every figure is marked emulated (\"emulated\": true, a goarch\n"
    "column, ids like go1.27.3/arm64), starred in the summary, and kept out of\n"
    "the plots, which compare native figures only.\n\n"
    "Exit status: 0 every benchmark ran (compare: no regression), 1 a benchmark\n"
    "failed (compare: a regression), 2 usage error, bad input or a build the\n"
    "harness could not make, 130 interrupted.\n";

typedef struct {
    const char *out;      /* NULL: results/bench, or _gocompat/bench with --lib */
    bool quick, no_plot, compare, force;
    int reps;
    double batch_ms, cv_limit, threshold, alpha;
    strlist benches;
    const char *cmp_old, *cmp_new;
    const char *lib, *pkg, *config; /* --lib DIR [--pkg PATH] [--config FILE] */
    strlist calls;                  /* --call, --calls */
} bench_opts;

static double opt_num(const char *name, const char *v, double lo, double hi)
{
    char *what = xasprintf("--%s", name);
    double d = opt_double(what, v, lo, hi);
    free(what);
    return d;
}

static const char *const WITH_ARG[] = { "out", "reps", "batch-ms", "cv-limit", "bench", "threshold", "alpha",
                                        "lib", "pkg", "call", "calls", "config" };

/* The option argv[i] names if it takes a value: -o, -b or a --NAME of
 * WITH_ARG; *val is set when the value is attached (-oDIR, --out=DIR). */
static const char *valued_option(const char *a, const char **val)
{
    *val = NULL;
    if (a[0] == '-' && (a[1] == 'o' || a[1] == 'b')) {
        if (a[2]) *val = a + 2;
        return a[1] == 'o' ? "out" : "bench";
    }
    if (strncmp(a, "--", 2)) return NULL;
    const char *eq = strchr(a, '=');
    size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
    for (size_t k = 0; k < GC_ARRAY_LEN(WITH_ARG); k++)
        if (strlen(WITH_ARG[k]) == len && !strncmp(a + 2, WITH_ARG[k], len)) {
            if (eq) *val = eq + 1;
            return WITH_ARG[k];
        }
    return NULL;
}

static void set_option(const char *name, const char *val, bench_opts *b)
{
    char *err = NULL;
    if (!strcmp(name, "out")) b->out = val;
    else if (!strcmp(name, "bench")) sl_split(&b->benches, val, ",");
    else if (!strcmp(name, "reps")) b->reps = (int)opt_int("--reps", val, 2, 1000);
    else if (!strcmp(name, "batch-ms")) b->batch_ms = opt_num(name, val, 0.1, 60000);
    else if (!strcmp(name, "cv-limit")) b->cv_limit = opt_num(name, val, 0.01, 1000) / 100;
    else if (!strcmp(name, "threshold")) b->threshold = opt_num(name, val, 0, 10000) / 100;
    else if (!strcmp(name, "alpha")) b->alpha = opt_num(name, val, 1e-9, 1);
    else if (!strcmp(name, "lib")) b->lib = val;
    else if (!strcmp(name, "pkg")) b->pkg = val;
    else if (!strcmp(name, "config")) b->config = val;
    else if (!strcmp(name, "call")) sl_add(&b->calls, val);
    else if (!strcmp(name, "calls") && library_read_calls(val, &b->calls, &err) < 0) gc_die(GC_EXIT_USAGE, "--calls %s", err);
}

/* --quick, --no-plot, --compare OLD NEW; false when argv[*i] is none. */
static bool flag_option(int argc, char **argv, int *i, bench_opts *b)
{
    const char *a = argv[*i];
    if (!strcmp(a, "--quick")) b->quick = true;
    else if (!strcmp(a, "--no-plot")) b->no_plot = true;
    else if (!strcmp(a, "--force")) b->force = true;
    else if (!strcmp(a, "--compare")) {
        if (*i + 2 >= argc) gc_die(GC_EXIT_USAGE, "--compare wants two files: OLD.json NEW.json");
        b->compare = true;
        b->cmp_old = argv[++*i];
        b->cmp_new = argv[++*i];
    } else
        return false;
    return true;
}

/* Take bench's own options out of argv; the rest go to common_parse. */
static int strip_bench_options(int argc, char **argv, bench_opts *b)
{
    int w = 1;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (!strcmp(a, "--")) {
            while (i < argc) argv[w++] = argv[i++];
            break;
        }
        if (flag_option(argc, argv, &i, b)) continue;
        const char *val, *name = valued_option(a, &val);
        if (!name) {
            argv[w++] = a;
            continue;
        }
        if (!val) {
            if (i + 1 >= argc) gc_die(GC_EXIT_USAGE, "option '%s' requires an argument", a);
            val = argv[++i];
        }
        set_option(name, val, b);
    }
    argv[w] = NULL;
    return w;
}

static int do_compare(const bench_opts *b)
{
    char *err = NULL;
    json_t *old = bench_doc_load(b->cmp_old, &err);
    json_t *new_ = old ? bench_doc_load(b->cmp_new, &err) : NULL;
    int rc = 2;
    if (old && new_) rc = bench_compare_docs(old, new_, b->threshold, b->alpha, stdout, &err);
    if (err) fprintf(stderr, "gocompat: %s\n", err);
    free(err);
    json_decref(old);
    json_decref(new_);
    return rc;
}

/* The engine's settings from the parsed options. */
static void settings_of(const common_opts *o, const bench_opts *b, const library *lib, bench_settings *s)
{
    memset(s, 0, sizeof *s);
    s->rc = o->m.rc;
    s->srcdir = o->srcdir;
    s->jobs = o->m.jobs;
    s->quiet = o->m.quiet;
    s->quick = b->quick;
    s->no_plot = b->no_plot;
    s->force = b->force;
    s->reps = b->reps;
    s->batch_ms = b->batch_ms;
    s->cv_limit = b->cv_limit;
    s->out = b->out;
    s->benches = b->benches;
    s->lib = lib;
    s->calls = b->calls;
}

/* The package of --lib, and the calls and releases its config file names
 * where the command line names none. */
static void open_library(bench_opts *b, common_opts *o, library *lib)
{
    const char *cgo = getenv("CGO_ENABLED");
    if (cgo && !strcmp(cgo, "0"))
        gc_die(GC_EXIT_USAGE, "CGO_ENABLED=0 in the environment: a C library needs cgo; unset it to benchmark");
    char *err = NULL;
    if (library_open(b->lib, b->pkg, lib, &err) < 0) gc_die(GC_EXIT_USAGE, "%s", err);
    char *path = b->config ? xstrdup(b->config) : library_config_find(lib->pkgdir, lib->modroot);
    if (path) {
        library_config cf;
        if (library_config_load(path, &cf, &err) < 0) gc_die(GC_EXIT_USAGE, "%s", err);
        bool own_calls = b->calls.n > 0, own_releases = o->toolchains.n > 0;
        for (size_t i = 0; !own_calls && i < cf.lo.calls.n; i++) sl_add(&b->calls, cf.lo.calls.v[i]);
        for (size_t i = 0; !own_releases && i < cf.releases.n; i++) sl_add(&o->toolchains, cf.releases.v[i]);
        library_config_free(&cf);
        free(path);
    }
    if (!b->calls.n)
        gc_die(GC_EXIT_USAGE, "%s: no call to time: name one with --call 'NAME(ARGS)' (or a `call:` line in "
                              "gocompat-check.conf); bench calls only what it is told", lib->pkgdir);
}

static bool wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) return true;
    return false;
}

int cmd_bench(int argc, char **argv)
{
    bench_opts b = { .reps = 0, .batch_ms = 0, .cv_limit = 0.05, .threshold = 0.10, .alpha = 0.05 };
    argc = strip_bench_options(argc, argv, &b);
    if (b.compare) {
        if (wants_help(argc, argv)) return fputs(BENCH_HELP, stdout), GC_EXIT_OK;
        if (argc > 1) gc_die(GC_EXIT_USAGE, "--compare takes only --threshold and --alpha besides the two files, not '%s'", argv[1]);
        return do_compare(&b);
    }
    if (!b.lib && (b.pkg || b.calls.n || b.config) && !wants_help(argc, argv))
        gc_die(GC_EXIT_USAGE, "--pkg, --call, --calls and --config go with --lib DIR");
    if (!b.reps) b.reps = b.quick ? 5 : 10;
    if (!(b.batch_ms > 0)) b.batch_ms = b.quick ? 10 : 50;
    common_opts o;
    int i = common_parse(argc, argv, &o, BENCH_HELP);
    if (i < argc) gc_die(GC_EXIT_USAGE, "bench takes no arguments ('%s'); see --help", argv[i]);
    library lib = { 0 };
    if (b.lib) open_library(&b, &o, &lib);
    if (!b.out) b.out = b.lib ? "_gocompat/bench" : "results/bench";
    install_interrupt_handlers();
    toolchain_set tcs;
    common_toolchains(&o, &tcs, true);
    bench_settings s;
    settings_of(&o, &b, b.lib ? &lib : NULL, &s);
    int rc = bench_run(&s, &tcs);
    sl_free(&b.benches);
    sl_free(&b.calls);
    library_free(&lib);
    toolchain_set_free(&tcs);
    common_free(&o);
    return rc;
}
