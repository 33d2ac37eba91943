/* The parts of the benchmark engine its files share: the programs built per
 * toolchain, the plan (one item per benchmark process) and the running of
 * one item. Not used outside harness/bench and its tests. */
#ifndef GOCOMPAT_BENCH_ENGINE_H
#define GOCOMPAT_BENCH_ENGINE_H

#include <jansson.h>

#include "bench_run.h"
#include "fixture.h"

/* The programs bench/bench_probe.c is compiled into. */
enum bench_variant { BV_BASE, BV_DLOPEN, BV_LINKED, BV_ARCHIVE, BV_LIB, BV_COUNT };
extern const char *const BENCH_VARIANT_NAME[BV_COUNT];

/* What one toolchain contributes: its builds and probes (NULL: not
 * available, why[] says why when it is a failure). */
typedef struct {
    const toolchain *tc;
    fixture_build shared, archive;
    char *probe[BV_COUNT];
    char *why[BV_COUNT];
    json_t *calls;        /* library mode: the calls read from this release's header */
} bench_tc;

#define BENCH_MAX_EMULATED 8

typedef struct {
    bench_tc *tb;
    size_t ntb;
    char *base_probe;                          /* the native C baselines */
    const toolchain *emu_arch[BENCH_MAX_EMULATED];
    char *emu_base[BENCH_MAX_EMULATED];        /* per emulated arch; NULL: not built */
    size_t nemu;
    int rc;                                    /* GC_EXIT_UNEXPECTED after a failed build */
    json_t *library;                           /* library mode: the document's "library" */
} bench_builds;

/* The toolchains with cgo, and a C baseline probe per arch. Dies (exit 2)
 * when no toolchain can be benchmarked or the native baseline probe does
 * not build. */
void bench_builds_init(const bench_settings *s, const toolchain_set *tcs, bench_builds *bb);
void bench_builds_free(bench_builds *bb);
/* Build `fixture` (a gosrc/ name or a package's absolute path) in the
 * first nmodes of c-shared, c-archive with every toolchain, s->jobs at once,
 * into the cache; the caller then takes each build from there. */
void bench_prebuild(const bench_settings *s, bench_builds *bb, const char *fixture, const strlist *env, size_t nmodes);
/* A build that did not succeed is a warning; a failed one also makes the
 * run's exit status 1. */
void bench_report_build(bench_builds *bb, const bench_tc *t, const fixture_build *fb, const char *what);
/* The bench fixture as c-shared and c-archive, and its probes. */
void bench_builds_fixture(const bench_settings *s, bench_builds *bb);
/* A user's library as c-shared, the calls read from each release's header
 * and the probe generated for them. Dies (exit 2) on a call that cannot be
 * made, or when no release builds the library. */
void bench_builds_library(const bench_settings *s, bench_builds *bb);
/* The C file of a library's described calls for bench_probe.c (GCB_LIB);
 * NULL with *err when a description is not what a C program can use. */
char *bench_lib_source(const json_t *calls, char **err);
/* Compile bench/bench_probe.c for one variant into the cache with the C
 * compiler of tc's arch (NULL: the native one). `lib_source` (BV_LIB) is
 * the generated file of a library's calls. Returns the program or NULL
 * with *why. */
char *bench_probe_build(const bench_settings *s, enum bench_variant v, const fixture_build *fb, const toolchain *tc,
                        const char *lib_source, char **why);

typedef struct {
    const char *go;       /* NULL: a baseline */
    const char *path, *host, *buildmode, *bench, *thread;
    int threads;
    const char *probe;    /* program; NULL for Python */
    const char *lib;      /* c-shared library (c-dlopen, Python) */
    const char *goarch;
    const char *emulator; /* NULL: native */
    const char *spec;     /* a library call, NAME(ARGS)[=RESULT] (Python) */
    const char *header;   /* the header that types it */
} bench_item;

/* bench_plan_add stamps each item with the plan's goarch and emulator (the
 * arch being planned); items are written without them, and a fixture's
 * without spec and header. */
#define BENCH_ITEM(...) ((bench_item){ __VA_ARGS__, NULL, NULL, NULL, NULL })
typedef struct {
    bench_item *v;
    size_t n, cap;
    size_t selected;      /* items the globs chose (not those added always) */
    const char *goarch, *emulator;
} bench_plan;

/* Add an item if the -b globs select it (all do when there are none);
 * returns whether they did. */
bool bench_plan_add(bench_plan *p, const strlist *globs, bench_item it);
/* Add an item whatever the globs say: every ratio divides by a baseline
 * measured in the same run. */
void bench_plan_always(bench_plan *p, bench_item it);
/* The C baselines (natively and per emulated arch) and the Python ones. */
void bench_plan_baselines(bench_plan *p, const bench_settings *s, const bench_builds *bb);
/* Every benchmark of the bench fixture for one toolchain. */
void bench_plan_fixture(bench_plan *p, const strlist *globs, const bench_tc *t);
/* Each call of a library from the main thread and a pthread (dlsym
 * pointer) and from Python ctypes, for one toolchain. */
void bench_plan_library(bench_plan *p, const strlist *globs, const bench_tc *t);
/* "go1.22.12 c-dlopen call/add pthread" */
char *bench_item_id(const bench_item *it);
/* The benchmark the baseline ratios divide by. */
#define BENCH_BASELINE "base/c_indirect"

/* Run one item (and once more when noisy) into a result object. */
json_t *bench_item_run(const bench_settings *s, const bench_item *it, int cpu);
/* The CPU measuring threads are pinned to; -1 when unknown. */
int bench_pick_cpu(void);
/* The interpreter behind a Python launcher. */
const char *bench_real_python(const run_ctx *rc);

/* The document: settings, machine, toolchains, baselines, results. */
typedef struct {
    json_t *results;
    double c_ind;          /* the native baseline; NAN when it failed */
    json_t *emu_c_ind;     /* goarch -> its emulated baseline */
    size_t failed, noisy;
} bench_outcome;
json_t *bench_doc_build(const bench_settings *s, const toolchain_set *tcs, const bench_builds *bb, int cpu,
                        bench_outcome *oc, double t_build, double t0);
/* Write bench.json and bench.csv into s->out (bench.interrupted.* when the
 * run was interrupted and a bench.json exists); dies (exit 2) when it
 * cannot. */
void bench_doc_write(const bench_settings *s, json_t *doc, char **jpath, char **cpath);
int bench_render_plots(const bench_settings *s, json_t *doc);
/* The table of medians per release printed at the end. */
void bench_print_summary(json_t *doc, const toolchain_set *tcs);

#endif
