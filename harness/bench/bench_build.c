/* What the benchmarks run: the bench fixture built with each toolchain and
 * bench/bench_probe.c compiled per variant, both cached by content. */
#define _GNU_SOURCE
#include "bench_engine.h"
#include "config.h"
#include "pool.h"
#include "proc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const BENCH_VARIANT_NAME[BV_COUNT] = { "base", "dlopen", "linked", "archive", "library" };

struct probe_job {
    const bench_settings *s;
    enum bench_variant v;
    const fixture_build *fb;
    const char *src, *cc, *lib_source;
    bool ffi; /* a cross compiler for an emulated arch has no libffi */
    char **why;
};

/* The compiler's command line for one variant; `gen` is the generated
 * file of a library's calls (BV_LIB). */
static void probe_argv(const struct probe_job *j, const char *exe, const char *gen, strlist *a)
{
    const fixture_build *fb = j->fb;
    sl_add(a, j->cc);
    const char *fl[] = { "-std=gnu11", "-O2", "-g", "-Wall", "-Wextra", "-o", exe };
    for (size_t i = 0; i < GC_ARRAY_LEN(fl); i++) sl_add(a, fl[i]);
    if (j->v != BV_BASE) {
        sl_add(a, "-DGCB_GO");
        sl_add(a, "-include");
        sl_add(a, fb->header);
    }
    if (j->v == BV_DLOPEN || j->v == BV_LIB) sl_add(a, "-DGCB_DLOPEN");
    if (gen) sl_add_owned(a, xasprintf("-DGCB_LIB=\"%s\"", gen));
    if (!j->ffi) sl_add(a, "-DGCB_NO_FFI");
    sl_add(a, j->src);
    char *libdir = fb ? path_dirname(fb->artifact) : NULL;
    if (j->v == BV_LINKED) {
        sl_add_owned(a, xasprintf("-L%s", libdir));
        sl_add_owned(a, xasprintf("-l:%s", path_basename(fb->artifact)));
        sl_add_owned(a, xasprintf("-Wl,-rpath,%s", libdir));
    } else if (j->v == BV_ARCHIVE)
        sl_add(a, fb->artifact);
    free(libdir);
    if (j->ffi) sl_split(a, GC_LIBFFI_LIBS, " ");
    const char *tail[] = { "-pthread", "-ldl", "-lm" };
    for (size_t i = 0; i < GC_ARRAY_LEN(tail); i++) sl_add(a, tail[i]);
    sl_add_owned(a, NULL);
    a->n--;
}

static char *first_line(const capture *c)
{
    char *e = capture_text(c);
    char *t = trim(e);
    t[strcspn(t, "\n")] = 0;
    char *line = xstrdup(t);
    free(e);
    return line;
}

static int compile_probe(const char *exe, void *arg)
{
    const struct probe_job *j = arg;
    char *dir = path_dirname(exe), *gen = NULL;
    if (j->lib_source) {
        gen = path_join(dir, "lib_calls.h");
        if (write_file_atomic(gen, j->lib_source, strlen(j->lib_source)) < 0) {
            *j->why = xasprintf("cannot write %s: %s", gen, strerror(errno));
            free(gen);
            free(dir);
            return -1;
        }
    }
    strlist a = { 0 };
    probe_argv(j, exe, gen, &a);
    const run_ctx *rc = &j->s->rc;
    proc_spec sp = { .argv = (const char *const *)a.v, .capture_limit = 8192,
                     .timeout_ms = (int)(300000 * rc->b.timeout_mult), .interrupted = rc->b.interrupted };
    proc_result r;
    proc_run(&sp, &r);
    int status = r.kind == PROC_EXIT && r.code == 0 ? 0 : -1;
    if (status) {
        char *e = first_line(&r.err);
        const char *name = BENCH_VARIANT_NAME[j->v];
        *j->why = r.kind == PROC_EXIT ? xasprintf("%s probe does not compile: %s", name, e)
                                      : xasprintf("%s probe build: %s", name,
                                                  r.kind == PROC_SPAWN_FAIL ? r.spawn_error : "killed or timed out");
        free(e);
    }
    proc_result_free(&r);
    sl_free(&a);
    free(gen);
    free(dir);
    return status;
}

char *bench_probe_build(const bench_settings *s, enum bench_variant v, const fixture_build *fb, const toolchain *tc,
                        const char *lib_source, char **why)
{
    char *src = xasprintf("%s/bench/bench_probe.c", s->srcdir);
    size_t len = 0;
    char *text = read_file(src, &len);
    if (!text) {
        *why = xasprintf("cannot read %s: %s", src, strerror(errno));
        free(src);
        return NULL;
    }
    bool foreign = tc && tc->foreign;
    const char *cc = foreign ? tc->cc : s->rc.cc;
    uint64_t k = fnv1a64(FNV1A64_INIT, text, len);
    free(text);
    k = fnv1a64(k, cc, strlen(cc) + 1);
    k = fnv1a64(k, BENCH_VARIANT_NAME[v], strlen(BENCH_VARIANT_NAME[v]) + 1);
    if (fb) k = fnv1a64(k, fb->key, strlen(fb->key) + 1);
    if (lib_source) k = fnv1a64(k, lib_source, strlen(lib_source) + 1);
    char *dir = xasprintf("%s/bench/%016llx", s->rc.b.cachedir, (unsigned long long)k);
    struct probe_job j = { s, v, fb, src, cc, lib_source, !foreign, why };
    int rc;
    char *exe = cache_program(dir, "bench_probe", compile_probe, &j, &rc);
    free(dir);
    free(src);
    return exe;
}

/* Each emulated arch gets its own C baselines, run under the same emulator. */
static void emulated_baselines(const bench_settings *s, bench_builds *bb)
{
    for (size_t t = 0; t < bb->ntb && bb->nemu < BENCH_MAX_EMULATED; t++) {
        const toolchain *tc = bb->tb[t].tc;
        bool seen = !tc->foreign;
        for (size_t e = 0; e < bb->nemu && !seen; e++) seen = !strcmp(bb->emu_arch[e]->goarch, tc->goarch);
        if (seen) continue;
        char *why = NULL;
        bb->emu_base[bb->nemu] = bench_probe_build(s, BV_BASE, NULL, tc, NULL, &why);
        if (!bb->emu_base[bb->nemu]) {
            gc_warn("%s: %s", tc->goarch, why);
            free(why);
            bb->rc = GC_EXIT_UNEXPECTED;
        }
        bb->emu_arch[bb->nemu++] = tc;
    }
}

void bench_builds_init(const bench_settings *s, const toolchain_set *tcs, bench_builds *bb)
{
    memset(bb, 0, sizeof *bb);
    bb->tb = xcalloc(tcs->n ? tcs->n : 1, sizeof *bb->tb);
    for (size_t t = 0; t < tcs->n; t++)
        if (!tcs->v[t].error && tcs->v[t].cgo_enabled) bb->tb[bb->ntb++].tc = &tcs->v[t];
        else if (!tcs->v[t].error) gc_warn("%s: cgo is disabled; no benchmark can use it", tcs->v[t].version);
    if (!bb->ntb) gc_die(GC_EXIT_USAGE, "no toolchain with cgo to benchmark");
    for (size_t t = 0; t < bb->ntb; t++)
        if (bb->tb[t].tc->foreign && !s->quiet)
            fprintf(stderr, "%s/%s runs under qemu-user: its figures are marked emulated and kept out of the plots\n",
                    bb->tb[t].tc->version, bb->tb[t].tc->goarch);
    char *why = NULL;
    bb->base_probe = bench_probe_build(s, BV_BASE, NULL, NULL, NULL, &why);
    if (!bb->base_probe) gc_die(GC_EXIT_USAGE, "%s", why);
    emulated_baselines(s, bb);
}

void bench_builds_free(bench_builds *bb)
{
    for (size_t t = 0; t < bb->ntb; t++) {
        fixture_build_free(&bb->tb[t].shared);
        fixture_build_free(&bb->tb[t].archive);
        for (int v = 0; v < BV_COUNT; v++) {
            free(bb->tb[t].probe[v]);
            free(bb->tb[t].why[v]);
        }
        json_decref(bb->tb[t].calls);
    }
    free(bb->tb);
    free(bb->base_probe);
    for (size_t e = 0; e < bb->nemu; e++) free(bb->emu_base[e]);
    json_decref(bb->library);
    memset(bb, 0, sizeof *bb);
}

struct build_job {
    const bench_settings *s;
    bench_builds *bb;
    const char *fixture;
    const strlist *env;
    size_t nmodes;
};

static const char *const MODES[] = { "c-shared", "c-archive" };

static int prebuild_task(void *vp, size_t i)
{
    struct build_job *j = vp;
    fixture_build fb;
    fixture_build_ensure(&j->s->rc.b, j->bb->tb[i / j->nmodes].tc, j->fixture, MODES[i % j->nmodes], NULL, j->env, &fb);
    int rc = fb.status == BUILD_INTERRUPTED;
    fixture_build_free(&fb);
    return rc;
}

static void prebuild_done(void *vp, size_t i, int st)
{
    (void)vp; (void)i; (void)st;
}

void bench_prebuild(const bench_settings *s, bench_builds *bb, const char *fixture, const strlist *env, size_t nmodes)
{
    struct build_job job = { s, bb, fixture, env, nmodes };
    pool_run(nmodes * bb->ntb, s->jobs, prebuild_task, prebuild_done, &job, s->rc.b.interrupted);
}

void bench_report_build(bench_builds *bb, const bench_tc *t, const fixture_build *fb, const char *what)
{
    if (fb->status == BUILD_OK) return;
    const char *head = json_string_value(json_object_get(fb->info, "stderr_head"));
    gc_warn("%s: %s %s: %s", t->tc->version, what, build_status_name(fb->status), head ? head : "no details");
    if (fb->status == BUILD_FAIL || fb->status == BUILD_ERROR) bb->rc = GC_EXIT_UNEXPECTED;
}

static void fixture_probes(const bench_settings *s, bench_builds *bb, bench_tc *t)
{
    fixture_build_ensure(&s->rc.b, t->tc, "bench", "c-shared", NULL, NULL, &t->shared);
    fixture_build_ensure(&s->rc.b, t->tc, "bench", "c-archive", NULL, NULL, &t->archive);
    bench_report_build(bb, t, &t->shared, "bench fixture (c-shared)");
    bench_report_build(bb, t, &t->archive, "bench fixture (c-archive)");
    if (t->shared.status == BUILD_OK) {
        t->probe[BV_DLOPEN] = bench_probe_build(s, BV_DLOPEN, &t->shared, t->tc, NULL, &t->why[BV_DLOPEN]);
        t->probe[BV_LINKED] = bench_probe_build(s, BV_LINKED, &t->shared, t->tc, NULL, &t->why[BV_LINKED]);
    }
    if (t->archive.status == BUILD_OK)
        t->probe[BV_ARCHIVE] = bench_probe_build(s, BV_ARCHIVE, &t->archive, t->tc, NULL, &t->why[BV_ARCHIVE]);
    for (int v = BV_DLOPEN; v <= BV_ARCHIVE; v++)
        if (t->why[v]) {
            gc_warn("%s: %s", t->tc->version, t->why[v]);
            bb->rc = GC_EXIT_UNEXPECTED;
        }
}

void bench_builds_fixture(const bench_settings *s, bench_builds *bb)
{
    /* Fixtures in parallel (cached), then the probes one by one. */
    if (!s->quiet)
        fprintf(stderr, "building the bench fixture with %zu toolchain%s…\n", bb->ntb, bb->ntb == 1 ? "" : "s");
    bench_prebuild(s, bb, "bench", NULL, 2);
    for (size_t t = 0; t < bb->ntb && !*s->rc.b.interrupted; t++) fixture_probes(s, bb, &bb->tb[t]);
}
