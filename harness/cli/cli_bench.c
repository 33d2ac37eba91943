/* `gocompat bench`: call-overhead benchmarks across toolchains. Builds the
 * bench fixture (gosrc/bench) as c-shared and c-archive with each toolchain,
 * builds the C probe (bench/bench_probe.c) against each build, runs every
 * benchmark in its own sandboxed process, and writes bench.json, bench.csv
 * and the gnuplot plots. `--compare OLD NEW` compares two such runs. */
#define _GNU_SOURCE
#include "bench_report.h"
#include "bench_stats.h"
#include "cli.h"
#include "cli_common.h"
#include "config.h"
#include "fixture.h"
#include "pool.h"
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static const char BENCH_HELP[] =
    "Usage: gocompat bench [OPTION]...\n"
    "  or:  gocompat bench --compare OLD.json NEW.json [--threshold=PCT]\n"
    "Measure the cost of crossing between C and Go with every selected toolchain:\n"
    "C->Go export calls from the main thread and from a pthread, through a dlsym\n"
    "pointer, cgo's header (c-shared linked, c-archive), libffi and Python ctypes;\n"
    "Go->C calls and C->Go->C callbacks; 0, 2 and 8 int arguments, a 64-byte\n"
    "struct, GoString and GoSlice arguments; the first call from a new thread;\n"
    "1, 2, 4 and 8 threads calling at once; a recovered panic and\n"
    "runtime.LockOSThread per call. Baselines measured in the same run: C->C\n"
    "direct and indirect call, clock_gettime, an empty loop, libffi and ctypes\n"
    "calls of a C function, thread creation, the bare Python loop.\n\n"
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
    "  -o, --out=DIR         output folder (default results/bench)\n"
    "      --quick           5 repetitions of 10 ms batches (a smoke test; noisy)\n"
    "      --reps=N          timed repetitions per benchmark (default 10)\n"
    "      --batch-ms=MS     minimum batch duration (default 50)\n"
    "      --cv-limit=PCT    flag and rerun figures noisier than this (default 5)\n"
    "  -b, --bench=GLOB      only benchmarks whose name matches (e.g. 'call/*';\n"
    "                        repeatable)\n"
    "      --no-plot         do not run gnuplot\n"
    "  -j, --jobs=N          fixture builds at once (benchmarks always run one\n"
    "                        at a time)\n"
    "  -q, --quiet           no progress lines\n\n"
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
    const char *out;
    bool quick, no_plot, compare;
    int reps;
    double batch_ms, cv_limit, threshold, alpha;
    strlist benches;
    const char *cmp_old, *cmp_new;
} bench_opts;

static double opt_num(const char *name, const char *v, double lo, double hi)
{
    char *what = xasprintf("--%s", name);
    double d = opt_double(what, v, lo, hi);
    free(what);
    return d;
}

/* Take bench's own options out of argv; the rest go to common_parse. */
static int strip_bench_options(int argc, char **argv, bench_opts *b)
{
    static const char *const with_arg[] = { "out", "reps", "batch-ms", "cv-limit", "bench", "threshold", "alpha" };
    int w = 1;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (!strcmp(a, "--")) {
            while (i < argc) argv[w++] = argv[i++];
            break;
        }
        const char *name = NULL, *val = NULL;
        if (!strcmp(a, "-o") || !strcmp(a, "-b")) name = a[1] == 'o' ? "out" : "bench";
        else if ((!strncmp(a, "-o", 2) || !strncmp(a, "-b", 2)) && a[2]) {
            name = a[1] == 'o' ? "out" : "bench";
            val = a + 2;
        } else if (!strncmp(a, "--", 2)) {
            const char *eq = strchr(a, '=');
            size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
            for (size_t k = 0; k < GC_ARRAY_LEN(with_arg); k++)
                if (strlen(with_arg[k]) == len && !strncmp(a + 2, with_arg[k], len)) {
                    name = with_arg[k];
                    if (eq) val = eq + 1;
                }
            if (!name) {
                if (!strcmp(a, "--quick")) { b->quick = true; continue; }
                if (!strcmp(a, "--no-plot")) { b->no_plot = true; continue; }
                if (!strcmp(a, "--compare")) {
                    if (i + 2 >= argc) gc_die(GC_EXIT_USAGE, "--compare wants two files: OLD.json NEW.json");
                    b->compare = true;
                    b->cmp_old = argv[++i];
                    b->cmp_new = argv[++i];
                    continue;
                }
            }
        }
        if (!name) {
            argv[w++] = a;
            continue;
        }
        if (!val) {
            if (i + 1 >= argc) gc_die(GC_EXIT_USAGE, "option '%s' requires an argument", a);
            val = argv[++i];
        }
        if (!strcmp(name, "out")) b->out = val;
        else if (!strcmp(name, "bench")) sl_split(&b->benches, val, ",");
        else if (!strcmp(name, "reps")) b->reps = (int)opt_int("--reps", val, 2, 1000);
        else if (!strcmp(name, "batch-ms")) b->batch_ms = opt_num(name, val, 0.1, 60000);
        else if (!strcmp(name, "cv-limit")) b->cv_limit = opt_num(name, val, 0.01, 1000) / 100;
        else if (!strcmp(name, "threshold")) b->threshold = opt_num(name, val, 0, 10000) / 100;
        else if (!strcmp(name, "alpha")) b->alpha = opt_num(name, val, 1e-9, 1);
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

/* ---- building ---- */

enum variant { V_BASE, V_DLOPEN, V_LINKED, V_ARCHIVE };
static const char *const VARIANT_NAME[] = { "base", "dlopen", "linked", "archive" };

typedef struct {
    const toolchain *tc;
    fixture_build shared, archive;
    char *probe[4];       /* V_DLOPEN, V_LINKED, V_ARCHIVE (NULL: not available) */
    char *why[4];
} tc_builds;

struct probe_job {
    const common_opts *o;
    enum variant v;
    const fixture_build *fb;
    const char *src, *cc;
    bool ffi; /* a cross compiler for an emulated arch has no libffi */
    char **why;
};

static int compile_probe(const char *exe, void *arg)
{
    const struct probe_job *j = arg;
    const fixture_build *fb = j->fb;
    strlist a = { 0 };
    sl_add(&a, j->cc);
    const char *fl[] = { "-std=gnu11", "-O2", "-g", "-Wall", "-Wextra", "-o", exe };
    for (size_t i = 0; i < GC_ARRAY_LEN(fl); i++) sl_add(&a, fl[i]);
    if (j->v != V_BASE) {
        sl_add(&a, "-DGCB_GO");
        sl_add(&a, "-include");
        sl_add(&a, fb->header);
    }
    if (j->v == V_DLOPEN) sl_add(&a, "-DGCB_DLOPEN");
    if (!j->ffi) sl_add(&a, "-DGCB_NO_FFI");
    sl_add(&a, j->src);
    char *libdir = fb ? path_dirname(fb->artifact) : NULL;
    if (j->v == V_LINKED) {
        sl_add_owned(&a, xasprintf("-L%s", libdir));
        sl_add_owned(&a, xasprintf("-l:%s", path_basename(fb->artifact)));
        sl_add_owned(&a, xasprintf("-Wl,-rpath,%s", libdir));
    } else if (j->v == V_ARCHIVE)
        sl_add(&a, fb->artifact);
    free(libdir);
    if (j->ffi) sl_split(&a, GC_LIBFFI_LIBS, " ");
    const char *tail[] = { "-pthread", "-ldl", "-lm" };
    for (size_t i = 0; i < GC_ARRAY_LEN(tail); i++) sl_add(&a, tail[i]);
    sl_add_owned(&a, NULL);
    a.n--;
    proc_spec s = { .argv = (const char *const *)a.v, .capture_limit = 8192,
                    .timeout_ms = (int)(300000 * j->o->m.rc.b.timeout_mult), .interrupted = j->o->m.rc.b.interrupted };
    proc_result r;
    proc_run(&s, &r);
    int rc = r.kind == PROC_EXIT && r.code == 0 ? 0 : -1;
    if (rc) {
        char *e = capture_text(&r.err);
        char *nl = strchr(trim(e), '\n');
        if (nl) *nl = 0;
        *j->why = r.kind == PROC_EXIT ? xasprintf("%s probe does not compile: %s", VARIANT_NAME[j->v], e)
                                      : xasprintf("%s probe build: %s", VARIANT_NAME[j->v],
                                                  r.kind == PROC_SPAWN_FAIL ? r.spawn_error : "killed or timed out");
        free(e);
    }
    proc_result_free(&r);
    sl_free(&a);
    return rc;
}

/* Compile bench/bench_probe.c for one variant into the cache, with the C
 * compiler of tc's arch (NULL: the native one); returns the program's path
 * or NULL with *why. */
static char *build_probe(const common_opts *o, enum variant v, const fixture_build *fb, const toolchain *tc, char **why)
{
    char *src = xasprintf("%s/bench/bench_probe.c", o->srcdir);
    size_t len = 0;
    char *text = read_file(src, &len);
    if (!text) {
        *why = xasprintf("cannot read %s: %s", src, strerror(errno));
        free(src);
        return NULL;
    }
    bool foreign = tc && tc->foreign;
    const char *cc = foreign ? tc->cc : o->m.rc.cc;
    uint64_t k = fnv1a64(FNV1A64_INIT, text, len);
    free(text);
    k = fnv1a64(k, cc, strlen(cc) + 1);
    k = fnv1a64(k, VARIANT_NAME[v], strlen(VARIANT_NAME[v]) + 1);
    if (fb) k = fnv1a64(k, fb->key, strlen(fb->key) + 1);
    char *dir = xasprintf("%s/bench/%016llx", o->cachedir, (unsigned long long)k);
    struct probe_job j = { o, v, fb, src, cc, !foreign, why };
    int rc;
    char *exe = cache_program(dir, "bench_probe", compile_probe, &j, &rc);
    free(dir);
    free(src);
    return exe;
}

struct build_job { const common_opts *o; tc_builds *tb; size_t ntb; };

static int prebuild_task(void *vp, size_t i)
{
    struct build_job *j = vp;
    fixture_build fb;
    fixture_build_ensure(&j->o->m.rc.b, j->tb[i / 2].tc, "bench", i % 2 ? "c-archive" : "c-shared", NULL, NULL, &fb);
    int rc = fb.status == BUILD_INTERRUPTED;
    fixture_build_free(&fb);
    return rc;
}

static void prebuild_done(void *vp, size_t i, int st)
{
    (void)vp; (void)i; (void)st;
}

/* ---- the plan: one item per benchmark process ---- */

typedef struct {
    const char *go;       /* NULL: a baseline */
    const char *path, *host, *buildmode, *bench, *thread;
    int threads;
    const char *probe;    /* program; NULL for Python */
    const char *lib;      /* c-shared library (c-dlopen, Python) */
    const char *goarch;
    const char *emulator; /* NULL: native */
} plan_item;

/* plan_add stamps each item with the plan's goarch and emulator (the arch
 * being planned); items are written without them. */
#define PLAN_ITEM(...) ((plan_item){ __VA_ARGS__, NULL, NULL })
typedef struct { plan_item *v; size_t n, cap; const char *goarch, *emulator; } plan;

static void plan_add(plan *p, const bench_opts *b, plan_item it)
{
    if (b->benches.n) {
        bool keep = false;
        for (size_t i = 0; i < b->benches.n && !keep; i++) keep = fnmatch(b->benches.v[i], it.bench, 0) == 0;
        if (!keep) return;
    }
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 64;
        p->v = xrealloc(p->v, p->cap * sizeof *p->v);
    }
    it.goarch = p->goarch;
    it.emulator = p->emulator;
    p->v[p->n++] = it;
}

static char *item_id(const plan_item *it)
{
    char *who = xasprintf("%s%s%s", it->go ? it->go : "baseline", it->emulator ? "/" : "", it->emulator ? it->goarch : "");
    char *id = it->threads > 1 || str_prefix(it->bench, "scale/")
                   ? xasprintf("%s %s %s", who, it->host, it->bench)
                   : xasprintf("%s %s %s %s", who, it->host, it->bench, it->thread);
    free(who);
    return id;
}

/* Run one benchmark process and parse its report into a run object;
 * the run object is returned; *status and *detail say how it went. */
static json_t *run_once(const common_opts *o, const bench_opts *b, const plan_item *it, int cpu, long long iters_again,
                        const char **status, char **detail)
{
    char ms[32], reps[16], cpus[16], iters_arg[32];
    snprintf(ms, sizeof ms, "%g", b->batch_ms);
    snprintf(reps, sizeof reps, "%d", b->reps);
    snprintf(cpus, sizeof cpus, "%d", str_prefix(it->bench, "scale/") ? -1 : cpu);
    char *pyprobe = xasprintf("%s/bench/bench_ctypes.py", o->srcdir);
    strlist emu = { 0 };
    if (it->emulator) sl_split(&emu, it->emulator, " ");
    const char *argv[12 + 16];
    size_t n = 0;
    for (size_t k = 0; k < emu.n && k < 16; k++) argv[n++] = emu.v[k];
    if (!it->probe) {
        argv[n++] = o->m.rc.python;
        argv[n++] = "-B";
        argv[n++] = pyprobe;
        argv[n++] = it->lib;
    } else {
        argv[n++] = it->probe;
        if (!strcmp(it->host, "c-dlopen")) argv[n++] = it->lib;
    }
    argv[n++] = it->bench;
    if (it->probe) argv[n++] = it->thread;
    argv[n++] = ms;
    argv[n++] = reps;
    argv[n++] = cpus;
    if (iters_again > 0) {
        snprintf(iters_arg, sizeof iters_arg, "%lld", iters_again / (it->threads > 1 ? it->threads : 1));
        argv[n++] = iters_arg;
    }
    argv[n] = NULL;
    /* Generous: a slow path on a loaded machine; calibration alone may take
     * several batches. */
    double budget_ms = (b->batch_ms * (b->reps + 30) + 60000) * o->m.rc.b.timeout_mult * (it->emulator ? o->m.rc.emu_timeout_mult : 1);
    proc_spec s = { .argv = argv, .capture_limit = 4096, .report_limit = 1 << 20, .timeout_ms = (int)budget_ms,
                    .interrupted = o->m.rc.b.interrupted };
    proc_result r;
    proc_run(&s, &r);
    free(pyprobe);
    sl_free(&emu);
    json_t *run = json_object(), *batches = json_array(), *facts = json_object();
    json_object_set_new(run, "batch_ns", batches);
    json_object_set_new(run, "facts", facts);
    json_object_set_new(run, "wall_ms", json_real(r.wall_ms));
    bool ok = false;
    *status = "error";
    *detail = NULL;
    long long iters = 0;
    char *rep = r.report ? xstrndup(r.report, r.report_len) : xstrdup("");
    for (char *line = strtok(rep, "\n"); line; line = strtok(NULL, "\n")) {
        if (str_prefix(line, "iters ")) iters = atoll(line + 6);
        else if (str_prefix(line, "rep ")) json_array_append_new(batches, json_integer(atoll(line + 4)));
        else if (str_prefix(line, "fact ")) {
            char *k = line + 5, *sp = strchr(k, ' ');
            if (!sp) continue;
            *sp = 0;
            json_t *v = json_loads(sp + 1, JSON_DECODE_ANY, NULL);
            json_object_set_new(facts, k, v ? v : json_string(sp + 1));
        } else if (!strcmp(line, "ok")) ok = true;
        else if (str_prefix(line, "skip ")) {
            *status = "skip";
            *detail = xstrdup(line + 5);
        } else if (str_prefix(line, "fail ")) {
            *status = "fail";
            *detail = xstrdup(line + 5);
        }
    }
    free(rep);
    json_object_set_new(run, "iterations", json_integer(iters));
    bool clean_exit = r.kind == PROC_EXIT && r.code == 0;
    if (ok && clean_exit && iters > 0 && json_array_size(batches) == (size_t)b->reps) {
        *status = "ok";
    } else if (!*detail) {
        *status = "fail";
        char *e = capture_text(&r.err);
        char *nl = strchr(trim(e), '\n');
        if (nl) *nl = 0;
        if (r.kind == PROC_SIGNAL) *detail = xasprintf("killed by %s: %s", signal_name(r.sig), e);
        else if (r.kind == PROC_TIMEOUT) *detail = xasprintf("timed out after %.0f s", budget_ms / 1000);
        else if (r.kind == PROC_SPAWN_FAIL) { *status = "error"; *detail = xstrdup(r.spawn_error); }
        else if (r.kind == PROC_INTERRUPTED) { *status = "error"; *detail = xstrdup("interrupted"); }
        else *detail = xasprintf("exit %d without a complete report: %s", r.code, e);
        free(e);
    }
    proc_result_free(&r);
    return run;
}

static json_t *run_item(const common_opts *o, const bench_opts *b, const plan_item *it, int cpu)
{
    json_t *res = json_object();
    char *id = item_id(it);
    json_object_set_new(res, "id", json_string(id));
    free(id);
    json_object_set_new(res, "go", it->go ? json_string(it->go) : json_null());
    json_object_set_new(res, "path", json_string(it->path));
    json_object_set_new(res, "host", json_string(it->host));
    json_object_set_new(res, "buildmode", it->buildmode ? json_string(it->buildmode) : json_null());
    json_object_set_new(res, "bench", json_string(it->bench));
    json_object_set_new(res, "thread", json_string(it->thread));
    json_object_set_new(res, "threads", json_integer(it->threads));
    json_object_set_new(res, "goarch", json_string(it->goarch));
    json_object_set_new(res, "emulated", json_boolean(it->emulator != NULL));
    json_t *runs = json_array();
    json_object_set_new(res, "runs", runs);
    const char *status;
    char *detail;
    json_t *run = run_once(o, b, it, cpu, 0, &status, &detail);
    json_array_append_new(runs, run);
    json_object_set_new(res, "chosen_run", json_integer(0));
    json_object_set_new(res, "rerun", json_false());
    if (!strcmp(status, "ok")) {
        bench_result_summarize(res, b->cv_limit);
        double cv0 = json_number_value(json_object_get(res, "cv"));
        json_object_set_new(run, "cv", json_real(cv0));
        if (cv0 > b->cv_limit && !*o->m.rc.b.interrupted) {
            const char *st2;
            char *d2;
            /* Same batch size as the first run: no second calibration. */
            json_t *run2 = run_once(o, b, it, cpu, (long long)json_integer_value(json_object_get(run, "iterations")), &st2, &d2);
            json_array_append_new(runs, run2);
            json_object_set_new(res, "rerun", json_true());
            if (!strcmp(st2, "ok")) {
                json_object_set_new(res, "chosen_run", json_integer(1));
                bench_result_summarize(res, b->cv_limit);
                double cv1 = json_number_value(json_object_get(res, "cv"));
                json_object_set_new(run2, "cv", json_real(cv1));
                if (cv1 > cv0) {
                    json_object_set_new(res, "chosen_run", json_integer(0));
                    bench_result_summarize(res, b->cv_limit);
                }
            }
            free(d2);
        }
    }
    json_object_set_new(res, "status", json_string(status));
    if (detail) json_object_set_new(res, "detail", json_string(detail));
    free(detail);
    return res;
}

/* The CPU the measuring threads are pinned to: the last one this process
 * may run on (the first is where interrupts and other work tend to land). */
static int pick_cpu(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
    for (int c = CPU_SETSIZE - 1; c >= 0; c--)
        if (CPU_ISSET(c, &set)) return c;
    return -1;
}

static void plan_toolchain(plan *p, const bench_opts *b, const tc_builds *t)
{
    const char *go = t->tc->version;
    bool native = !t->tc->foreign; /* emulated: no libffi, no Python */
    p->goarch = t->tc->goarch;
    p->emulator = native ? NULL : t->tc->emulator;
    static const char *const TH[] = { "main", "pthread" };
    static const char *const CALLS[] = { "call/empty", "call/add" };
    const char *dl = t->probe[V_DLOPEN], *lib = t->shared.artifact;
    if (dl) {
        for (size_t c = 0; c < 2; c++)
            for (size_t h = 0; h < 2; h++)
                plan_add(p, b, PLAN_ITEM(go, "dlsym", "c-dlopen", "c-shared", CALLS[c], TH[h], 1, dl, lib));
        static const char *const ARGS[] = { "args/int0", "args/int2", "args/int8", "args/struct64",
                                            "args/string16", "args/string4k", "args/slice4k" };
        for (size_t i = 0; i < GC_ARRAY_LEN(ARGS); i++)
            plan_add(p, b, PLAN_ITEM(go, "dlsym", "c-dlopen", "c-shared", ARGS[i], "pthread", 1, dl, lib));
        if (native) {
            plan_add(p, b, PLAN_ITEM(go, "libffi", "c-dlopen", "c-shared", "ffi/empty", "pthread", 1, dl, lib));
            plan_add(p, b, PLAN_ITEM(go, "libffi", "c-dlopen", "c-shared", "ffi/add", "pthread", 1, dl, lib));
        }
        plan_add(p, b, PLAN_ITEM(go, "dlsym", "c-dlopen", "c-shared", "gocall/cgo", "pthread", 1, dl, lib));
        plan_add(p, b, PLAN_ITEM(go, "dlsym", "c-dlopen", "c-shared", "gocall/callback", "pthread", 1, dl, lib));
        plan_add(p, b, PLAN_ITEM(go, "dlsym", "c-dlopen", "c-shared", "thread/first_call", "main", 1, dl, lib));
        plan_add(p, b, PLAN_ITEM(go, "dlsym", "c-dlopen", "c-shared", "panic/recovered", "pthread", 1, dl, lib));
        plan_add(p, b, PLAN_ITEM(go, "dlsym", "c-dlopen", "c-shared", "lock/lockosthread", "pthread", 1, dl, lib));
        static const char *const SCALE[] = { "scale/1", "scale/2", "scale/4", "scale/8" };
        for (int i = 0; i < 4; i++)
            plan_add(p, b, PLAN_ITEM(go, "dlsym", "c-dlopen", "c-shared", SCALE[i], "main", 1 << i, dl, lib));
    }
    if (t->probe[V_LINKED])
        for (size_t c = 0; c < 2; c++)
            for (size_t h = 0; h < 2; h++)
                plan_add(p, b, PLAN_ITEM(go, "header", "c-linked", "c-shared", CALLS[c], TH[h], 1, t->probe[V_LINKED], NULL));
    if (t->probe[V_ARCHIVE])
        for (size_t c = 0; c < 2; c++)
            for (size_t h = 0; h < 2; h++)
                plan_add(p, b, PLAN_ITEM(go, "header", "c-archive", "c-archive", CALLS[c], TH[h], 1, t->probe[V_ARCHIVE], NULL));
    if (t->shared.status == BUILD_OK && native) {
        plan_add(p, b, PLAN_ITEM(go, "ctypes", "python-ctypes", "c-shared", "py/ctypes_empty", "main", 1, NULL, lib));
        plan_add(p, b, PLAN_ITEM(go, "ctypes", "python-ctypes", "c-shared", "py/ctypes_add", "main", 1, NULL, lib));
    }
}

/* The interpreter behind a launcher (a pyenv shim is a shell script that
 * costs a second per start on a loaded machine): ask Python itself. */
static const char *real_python(const common_opts *o)
{
    const char *argv[] = { o->m.rc.python, "-c", "import sys; print(sys.executable)", NULL };
    proc_spec s = { .argv = argv, .capture_limit = 4096, .timeout_ms = 30000, .interrupted = o->m.rc.b.interrupted };
    proc_result r;
    proc_run(&s, &r);
    const char *py = o->m.rc.python;
    if (r.kind == PROC_EXIT && r.code == 0) {
        char *out = capture_text(&r.out);
        char *exe = trim(out);
        if (*exe == '/' && is_executable(exe)) py = xstrdup(exe);
        free(out);
    }
    proc_result_free(&r);
    return py;
}

static int render_plots(const common_opts *o, const bench_opts *b, json_t *doc)
{
    const char *gp = getenv("GNUPLOT");
    if (!gp || !*gp) gp = *GC_GNUPLOT ? GC_GNUPLOT : "gnuplot";
    char *data = path_join(b->out, "plotdata");
    int ncols[5];
    if (bench_plot_data(doc, data, ncols) < 0) {
        gc_warn("cannot write plot data under %s: %s", data, strerror(errno));
        free(data);
        return -1;
    }
    int bad = 0;
    for (size_t i = 0; i < GC_ARRAY_LEN(BENCH_PLOTS); i++) {
        char *script = xasprintf("%s/bench/%s.gp", o->srcdir, BENCH_PLOTS[i]);
        char *vars = xasprintf("datadir='%s'; outdir='%s'; ncols=%d", data, b->out, ncols[i]);
        const char *argv[] = { gp, "-e", vars, script, NULL };
        proc_spec s = { .argv = argv, .capture_limit = 4096, .timeout_ms = 60000, .interrupted = o->m.rc.b.interrupted };
        proc_result r;
        proc_run(&s, &r);
        if (!(r.kind == PROC_EXIT && r.code == 0)) {
            char *e = capture_text(&r.err);
            char *nl = strchr(trim(e), '\n');
            if (nl) *nl = 0;
            gc_warn("plot %s: %s", BENCH_PLOTS[i], r.kind == PROC_SPAWN_FAIL ? r.spawn_error : e);
            free(e);
            bad++;
        }
        proc_result_free(&r);
        free(script);
        free(vars);
    }
    free(data);
    return bad ? -1 : 0;
}

static void print_summary(json_t *doc, const toolchain_set *tcs)
{
    static const struct { const char *label, *host, *bench, *thread; } ROWS[] = {
        { "dlsym empty, main thread", "c-dlopen", "call/empty", "main" },
        { "dlsym empty, pthread", "c-dlopen", "call/empty", "pthread" },
        { "dlsym Add, pthread", "c-dlopen", "call/add", "pthread" },
        { "c-archive Add, main thread", "c-archive", "call/add", "main" },
        { "libffi Add", "c-dlopen", "ffi/add", "pthread" },
        { "ctypes Add (Python)", "python-ctypes", "py/ctypes_add", "main" },
        { "Go->C", "c-dlopen", "gocall/cgo", "pthread" },
        { "C->Go->C", "c-dlopen", "gocall/callback", "pthread" },
        { "new thread + call", "c-dlopen", "thread/first_call", "main" },
        { "recovered panic", "c-dlopen", "panic/recovered", "pthread" },
    };
    printf("\nns/call (median)             ");
    bool any_emulated = false;
    for (size_t t = 0; t < tcs->n; t++) {
        if (tcs->v[t].error) continue;
        char *head = tcs->v[t].foreign ? xasprintf("%s/%s*", tcs->v[t].version, tcs->v[t].goarch) : xstrdup(tcs->v[t].version);
        printf(" %*s", tcs->v[t].foreign ? 16 : 10, head);
        free(head);
        any_emulated |= tcs->v[t].foreign;
    }
    printf("\n");
    for (size_t k = 0; k < GC_ARRAY_LEN(ROWS); k++) {
        printf("%-29s", ROWS[k].label);
        for (size_t t = 0; t < tcs->n; t++) {
            if (tcs->v[t].error) continue;
            double m = NAN;
            size_t i;
            json_t *r;
            json_array_foreach(json_object_get(doc, "results"), i, r) {
                const char *g = json_string_value(json_object_get(r, "go"));
                const char *ga = json_string_value(json_object_get(r, "goarch"));
                if (g && !strcmp(g, tcs->v[t].version) && ga && !strcmp(ga, tcs->v[t].goarch) &&
                    !strcmp(json_string_value(json_object_get(r, "host")), ROWS[k].host) &&
                    !strcmp(json_string_value(json_object_get(r, "bench")), ROWS[k].bench) &&
                    !strcmp(json_string_value(json_object_get(r, "thread")), ROWS[k].thread) &&
                    !strcmp(json_string_value(json_object_get(r, "status")), "ok"))
                    m = json_number_value(json_object_get(r, "median_ns"));
            }
            int w = tcs->v[t].foreign ? 16 : 10;
            if (isnan(m)) printf(" %*s", w, "-");
            else printf(" %*.1f", w, m);
        }
        printf("\n");
    }
    if (any_emulated)
        printf("* emulated under qemu-user: the figure measures the emulator as much as Go, and stays out of the plots\n");
}

int cmd_bench(int argc, char **argv)
{
    bench_opts b = { .out = "results/bench", .reps = 0, .batch_ms = 0, .cv_limit = 0.05, .threshold = 0.10, .alpha = 0.05 };
    argc = strip_bench_options(argc, argv, &b);
    if (b.compare) {
        for (int i = 1; i < argc; i++)
            if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
                fputs(BENCH_HELP, stdout);
                return GC_EXIT_OK;
            }
        if (argc > 1) gc_die(GC_EXIT_USAGE, "--compare takes only --threshold and --alpha besides the two files, not '%s'", argv[1]);
        return do_compare(&b);
    }
    if (!b.reps) b.reps = b.quick ? 5 : 10;
    if (!(b.batch_ms > 0)) b.batch_ms = b.quick ? 10 : 50;
    common_opts o;
    int i = common_parse(argc, argv, &o, BENCH_HELP);
    if (i < argc) gc_die(GC_EXIT_USAGE, "bench takes no arguments ('%s'); see --help", argv[i]);
    install_interrupt_handlers();
    double t0 = now_ms();
    toolchain_set tcs;
    common_toolchains(&o, &tcs, true);
    if (mkdir_p(b.out, 0755) < 0) gc_die(GC_EXIT_USAGE, "cannot create %s: %s", b.out, strerror(errno));

    /* Build: fixtures in parallel (cached), then the probes. */
    tc_builds *tb = xcalloc(tcs.n ? tcs.n : 1, sizeof *tb);
    size_t ntb = 0;
    for (size_t t = 0; t < tcs.n; t++)
        if (!tcs.v[t].error && tcs.v[t].cgo_enabled) tb[ntb++].tc = &tcs.v[t];
        else if (!tcs.v[t].error) gc_warn("%s: cgo is disabled; no benchmark can use it", tcs.v[t].version);
    if (!ntb) gc_die(GC_EXIT_USAGE, "no toolchain with cgo to benchmark");
    for (size_t t = 0; t < ntb; t++)
        if (tb[t].tc->foreign && !o.m.quiet)
            fprintf(stderr, "%s/%s runs under qemu-user: its figures are marked emulated and kept out of the plots\n",
                    tb[t].tc->version, tb[t].tc->goarch);
    struct build_job job = { &o, tb, ntb };
    if (!o.m.quiet) fprintf(stderr, "building the bench fixture with %zu toolchain%s…\n", ntb, ntb == 1 ? "" : "s");
    pool_run(2 * ntb, o.m.jobs, prebuild_task, prebuild_done, &job, &gc_interrupted);
    if (gc_interrupted) return GC_EXIT_INTERRUPTED;
    int rc = GC_EXIT_OK;
    char *why = NULL;
    char *base_probe = build_probe(&o, V_BASE, NULL, NULL, &why);
    if (!base_probe) gc_die(GC_EXIT_USAGE, "%s", why);
    /* Each emulated arch gets its own C baselines, run under the same emulator. */
    const toolchain *emu_arch[8];
    char *emu_base[8];
    size_t nemu = 0;
    for (size_t t = 0; t < ntb && nemu < GC_ARRAY_LEN(emu_arch); t++) {
        const toolchain *tc = tb[t].tc;
        bool seen = !tc->foreign;
        for (size_t e = 0; e < nemu && !seen; e++) seen = !strcmp(emu_arch[e]->goarch, tc->goarch);
        if (seen) continue;
        char *ewhy = NULL;
        emu_base[nemu] = build_probe(&o, V_BASE, NULL, tc, &ewhy);
        if (!emu_base[nemu]) {
            gc_warn("%s: %s", tc->goarch, ewhy);
            free(ewhy);
            rc = GC_EXIT_UNEXPECTED;
        }
        emu_arch[nemu++] = tc;
    }
    for (size_t t = 0; t < ntb; t++) {
        fixture_build_ensure(&o.m.rc.b, tb[t].tc, "bench", "c-shared", NULL, NULL, &tb[t].shared);
        fixture_build_ensure(&o.m.rc.b, tb[t].tc, "bench", "c-archive", NULL, NULL, &tb[t].archive);
        for (int k = 0; k < 2; k++) {
            fixture_build *fb = k ? &tb[t].archive : &tb[t].shared;
            if (fb->status == BUILD_OK) continue;
            const char *head = json_string_value(json_object_get(fb->info, "stderr_head"));
            gc_warn("%s: bench fixture (%s) %s: %s", tb[t].tc->version, k ? "c-archive" : "c-shared",
                    build_status_name(fb->status), head ? head : "no details");
            if (fb->status == BUILD_FAIL || fb->status == BUILD_ERROR) rc = GC_EXIT_UNEXPECTED;
        }
        if (tb[t].shared.status == BUILD_OK) {
            tb[t].probe[V_DLOPEN] = build_probe(&o, V_DLOPEN, &tb[t].shared, tb[t].tc, &tb[t].why[V_DLOPEN]);
            tb[t].probe[V_LINKED] = build_probe(&o, V_LINKED, &tb[t].shared, tb[t].tc, &tb[t].why[V_LINKED]);
        }
        if (tb[t].archive.status == BUILD_OK)
            tb[t].probe[V_ARCHIVE] = build_probe(&o, V_ARCHIVE, &tb[t].archive, tb[t].tc, &tb[t].why[V_ARCHIVE]);
        for (int v = V_DLOPEN; v <= V_ARCHIVE; v++)
            if (tb[t].why[v]) {
                gc_warn("%s: %s", tb[t].tc->version, tb[t].why[v]);
                rc = GC_EXIT_UNEXPECTED;
            }
    }
    double t_build = now_ms() - t0;

    /* Plan: baselines first, then each toolchain. */
    plan p = { 0 };
    static const char *const BASE[] = { "base/c_indirect", "base/c_direct", "base/clock_gettime", "base/empty_loop",
                                        "base/ffi_c", "base/thread_create" };
    const char *native_goarch = "native";
    for (size_t t = 0; t < ntb; t++)
        if (!tb[t].tc->foreign) native_goarch = tb[t].tc->goarch;
    p.goarch = native_goarch;
    for (size_t k = 0; k < GC_ARRAY_LEN(BASE); k++)
        plan_add(&p, &b, PLAN_ITEM(NULL, "c", "c", NULL, BASE[k], "main", 1, base_probe, NULL));
    for (size_t e = 0; e < nemu; e++) {
        if (!emu_base[e]) continue;
        p.goarch = emu_arch[e]->goarch;
        p.emulator = emu_arch[e]->emulator;
        for (size_t k = 0; k < GC_ARRAY_LEN(BASE); k++)
            if (strcmp(BASE[k], "base/ffi_c"))
                plan_add(&p, &b, PLAN_ITEM(NULL, "c", "c", NULL, BASE[k], "main", 1, emu_base[e], NULL));
    }
    p.goarch = native_goarch;
    p.emulator = NULL;
    const char *pylib = NULL;
    for (size_t t = 0; t < ntb && !pylib; t++)
        if (tb[t].shared.status == BUILD_OK && !tb[t].tc->foreign) pylib = tb[t].shared.artifact;
    if (pylib) {
        plan_add(&p, &b, PLAN_ITEM(NULL, "python", "python-ctypes", NULL, "py/loop", "main", 1, NULL, pylib));
        plan_add(&p, &b, PLAN_ITEM(NULL, "ctypes", "python-ctypes", NULL, "py/ctypes_c", "main", 1, NULL, pylib));
    }
    for (size_t t = 0; t < ntb; t++) plan_toolchain(&p, &b, &tb[t]);
    if (!p.n) gc_die(GC_EXIT_USAGE, "no benchmark selected (check --bench and --toolchain)");

    o.m.rc.python = real_python(&o);
    int cpu = pick_cpu();
    if (!o.m.quiet)
        fprintf(stderr, "running %zu benchmarks one at a time (%d × %g ms batches each, pinned to CPU %d)…\n", p.n,
                b.reps, b.batch_ms, cpu);
    json_t *results = json_array();
    double c_ind = NAN;           /* the native baseline */
    json_t *emu_c_ind = json_object(); /* goarch -> its emulated baseline */
    size_t failed = 0, noisy = 0;
    for (size_t k = 0; k < p.n && !gc_interrupted; k++) {
        json_t *r = run_item(&o, &b, &p.v[k], cpu);
        const char *st = json_string_value(json_object_get(r, "status"));
        bool ok = !strcmp(st, "ok");
        const char *emu_arch_name = p.v[k].emulator ? p.v[k].goarch : NULL;
        if (ok && !strcmp(p.v[k].bench, "base/c_indirect")) {
            double m = json_number_value(json_object_get(r, "median_ns"));
            if (emu_arch_name) json_object_set_new(emu_c_ind, emu_arch_name, json_real(m));
            else c_ind = m;
        }
        /* A ratio divides by the C->C call of the same arch, emulated or not. */
        /* json_number_value of a missing baseline is 0: no ratio then. */
        double base = emu_arch_name ? json_number_value(json_object_get(emu_c_ind, emu_arch_name)) : c_ind;
        if (ok && !isnan(base) && base > 0)
            json_object_set_new(r, "ratio_to_c", json_real(json_number_value(json_object_get(r, "median_ns")) / base));
        if (!ok && !gc_interrupted) failed += strcmp(st, "skip") != 0;
        noisy += ok && json_is_true(json_object_get(r, "noisy"));
        if (!o.m.quiet) {
            const char *id = json_string_value(json_object_get(r, "id"));
            if (ok)
                fprintf(stderr, "[%3zu/%zu] %-48s %12.2f ns/call  cv %5.1f%%%s%s\n", k + 1, p.n, id,
                        json_number_value(json_object_get(r, "median_ns")), 100 * json_number_value(json_object_get(r, "cv")),
                        json_is_true(json_object_get(r, "rerun")) ? "  rerun" : "",
                        json_is_true(json_object_get(r, "noisy")) ? "  NOISY" : "");
            else
                fprintf(stderr, "[%3zu/%zu] %-48s %s: %s\n", k + 1, p.n, id, st,
                        json_string_value(json_object_get(r, "detail")) ? json_string_value(json_object_get(r, "detail")) : "");
        }
        json_array_append_new(results, r);
    }

    /* The document. */
    json_t *doc = json_object();
    json_object_set_new(doc, "schema", json_string(BENCH_SCHEMA));
    char *ts = utc_timestamp();
    json_object_set_new(doc, "generated", json_string(ts));
    free(ts);
    json_object_set_new(doc, "toolchains", toolchains_json(&tcs));
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    double load[3] = { 0, 0, 0 };
    getloadavg(load, 3);
    json_object_set_new(doc, "settings",
                        json_pack("{s:i, s:f, s:f, s:b, s:i, s:s, s:s}", "reps", b.reps, "batch_ms", b.batch_ms, "cv_limit",
                                  b.cv_limit, "quick", b.quick, "cpu", cpu, "cc", o.m.rc.cc, "python", o.m.rc.python));
    char *model = NULL;
    char *cpuinfo = read_file("/proc/cpuinfo", NULL);
    if (cpuinfo) {
        char *m = strstr(cpuinfo, "model name");
        if (m && (m = strchr(m, ':'))) {
            char *e = strchr(m, '\n');
            model = xstrndup(m + 1, e ? (size_t)(e - m - 1) : strlen(m + 1));
        }
        free(cpuinfo);
    }
    json_object_set_new(doc, "machine",
                        json_pack("{s:s, s:i, s:[f,f,f]}", "cpu_model", model ? trim(model) : "unknown", "cpus", (int)ncpu,
                                  "loadavg_at_end", load[0], load[1], load[2]));
    free(model);
    json_object_set_new(doc, "baseline", json_pack("{s:s, s:o}", "bench", "base/c_indirect", "median_ns",
                                                   isnan(c_ind) ? json_null() : json_real(c_ind)));
    if (json_object_size(emu_c_ind))
        json_object_set_new(doc, "emulated_baselines", json_pack("{s:s, s:s, s:o}", "bench", "base/c_indirect", "note",
                                                                 "median ns under qemu-user, per goarch", "median_ns", emu_c_ind));
    else
        json_decref(emu_c_ind);
    json_object_set_new(doc, "run", json_pack("{s:f, s:f, s:i, s:i, s:b}", "build_s", t_build / 1000, "total_s",
                                              (now_ms() - t0) / 1000, "failed", (int)failed, "noisy", (int)noisy,
                                              "interrupted", gc_interrupted != 0));
    json_object_set_new(doc, "results", results);
    char *jpath = path_join(b.out, "bench.json"), *cpath = path_join(b.out, "bench.csv");
    char *js = json_dumps(doc, JSON_INDENT(1));
    char *csv = bench_csv(doc);
    if (write_file_atomic(jpath, js, strlen(js)) < 0 || write_file_atomic(cpath, csv, strlen(csv)) < 0)
        gc_die(GC_EXIT_USAGE, "cannot write %s: %s", b.out, strerror(errno));
    free(js);
    free(csv);
    if (!gc_interrupted && !b.no_plot) render_plots(&o, &b, doc);
    if (!o.m.quiet) print_summary(doc, &tcs);
    printf("\nC->C indirect call baseline: %.2f ns; %zu benchmarks, %zu failed, %zu noisy (cv > %.0f %%); %.0f s.\n"
           "Wrote %s and %s.\n",
           c_ind, p.n, failed, noisy, 100 * b.cv_limit, (now_ms() - t0) / 1000, jpath, cpath);
    free(jpath);
    free(cpath);
    json_decref(doc);
    for (size_t t = 0; t < ntb; t++) {
        fixture_build_free(&tb[t].shared);
        fixture_build_free(&tb[t].archive);
        for (int v = 0; v < 4; v++) {
            free(tb[t].probe[v]);
            free(tb[t].why[v]);
        }
    }
    free(tb);
    free(p.v);
    free(base_probe);
    for (size_t e = 0; e < nemu; e++) free(emu_base[e]);
    sl_free(&b.benches);
    toolchain_set_free(&tcs);
    if (gc_interrupted) return GC_EXIT_INTERRUPTED;
    if (failed) rc = GC_EXIT_UNEXPECTED;
    return rc;
}
