/* `gocompat bench --lib`: the calls of a user's library, read from the
 * header each release generates, as benchmarks. Only what the user names
 * is called (a call can have effects the header cannot show), and only
 * when the header types every argument and the result; every other export
 * is listed with the reason. */
#define _GNU_SOURCE
#include "bench_engine.h"
#include "proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *jstr(const json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

/* bench_ctypes.py --describe: the calls typed from one header. */
static json_t *describe(const bench_settings *s, const char *header, char **err)
{
    strlist a = { 0 };
    sl_add(&a, s->rc.python);
    sl_add(&a, "-B");
    sl_add_owned(&a, xasprintf("%s/bench/bench_ctypes.py", s->srcdir));
    sl_add(&a, "--describe");
    sl_add(&a, header);
    for (size_t i = 0; i < s->calls.n; i++) sl_add(&a, s->calls.v[i]);
    sl_add_owned(&a, NULL);
    a.n--;
    proc_spec sp = { .argv = (const char *const *)a.v, .capture_limit = 1 << 20,
                     .timeout_ms = proc_deadline_ms(60000 * s->rc.b.timeout_mult), .interrupted = s->rc.b.interrupted };
    proc_result r;
    proc_run(&sp, &r);
    json_t *d = NULL;
    json_error_t je = { .text = "no output" };
    char *out = capture_text(&r.out), *errs = capture_text(&r.err);
    /* A GoString argument may hold NUL bytes. */
    if (r.kind == PROC_EXIT && r.code == 0) d = json_loads(out, JSON_ALLOW_NUL, &je);
    if (!json_is_array(json_object_get(d, "calls")) || !json_is_object(json_object_get(d, "exports"))) {
        char *t = trim(errs);
        t[strcspn(t, "\n")] = 0;
        *err = xasprintf("%s could not read the header's signatures: %s", s->rc.python,
                         *t ? t : r.kind == PROC_SPAWN_FAIL ? r.spawn_error : je.text);
        json_decref(d);
        d = NULL;
    }
    free(out);
    free(errs);
    proc_result_free(&r);
    sl_free(&a);
    return d;
}

/* A call the header rules out, or named twice, is bad input: one line. */
static void vet_calls(const bench_tc *t)
{
    strlist seen = { 0 };
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(t->calls, "calls"), i, c) {
        const char *why = json_string_value(json_object_get(c, "error"));
        if (why) gc_die(GC_EXIT_USAGE, "%s: %s: %s", t->tc->version, jstr(c, "spec"), why);
        if (sl_has(&seen, jstr(c, "bench")))
            gc_die(GC_EXIT_USAGE, "%s is named twice: each call is one benchmark", jstr(c, "bench") + 4);
        sl_add(&seen, jstr(c, "bench"));
    }
    sl_free(&seen);
}

static void library_tc(const bench_settings *s, bench_builds *bb, bench_tc *t)
{
    fixture_build_ensure(&s->rc.b, t->tc, s->lib->pkgdir, "c-shared", NULL, &s->lib->buildenv, &t->shared);
    bench_report_build(bb, t, &t->shared, "library (c-shared)");
    if (t->shared.status != BUILD_OK) return;
    char *err = NULL;
    t->calls = describe(s, t->shared.header, &err);
    if (!t->calls) gc_die(GC_EXIT_USAGE, "%s: %s", t->tc->version, err);
    vet_calls(t);
    char *src = bench_lib_source(json_object_get(t->calls, "calls"), &err);
    if (!src) gc_die(GC_EXIT_USAGE, "%s: the calls cannot be written as C: %s", t->tc->version, err);
    t->probe[BV_LIB] = bench_probe_build(s, BV_LIB, &t->shared, t->tc, src, &t->why[BV_LIB]);
    free(src);
    if (!t->probe[BV_LIB]) {
        gc_warn("%s: %s", t->tc->version, t->why[BV_LIB]);
        bb->rc = GC_EXIT_UNEXPECTED;
    }
}

static bool named(const json_t *calls, const char *name)
{
    size_t i;
    json_t *c;
    json_array_foreach(calls, i, c)
        if (!strcmp(jstr(c, "name"), name)) return true;
    return false;
}

/* Every //export that is not timed, and why: the header cannot type it, or
 * no call names it. */
static json_t *not_benchmarked(const library *lib, const json_t *desc)
{
    json_t *out = json_object(), *exports = json_object_get(desc, "exports");
    for (size_t i = 0; i < lib->exports.n; i++) {
        const char *name = lib->exports.v[i];
        json_t *why = json_object_get(exports, name);
        if (!why) json_object_set_new(out, name, json_string("not declared in the header"));
        else if (json_is_string(why)) json_object_set(out, name, why);
        else if (!named(json_object_get(desc, "calls"), name))
            json_object_set_new(out, name, json_string("no --call names it (bench calls only what it is told)"));
    }
    return out;
}

/* The document's "library": the package, the calls, what was left out. */
static json_t *library_doc(const bench_settings *s, const bench_tc *t)
{
    json_t *calls = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(t->calls, "calls"), i, c)
        json_array_append_new(calls, json_pack("{s:s, s:s}", "call", jstr(c, "spec"), "bench", jstr(c, "bench")));
    json_t *skipped = not_benchmarked(s->lib, t->calls);
    if (!s->quiet) {
        const char *name;
        json_t *why;
        json_object_foreach(skipped, name, why) fprintf(stderr, "not benchmarked: %s: %s\n", name, json_string_value(why));
    }
    return json_pack("{s:s, s:o, s:o}", "package", s->lib->pkgdir, "calls", calls, "not_benchmarked", skipped);
}

void bench_builds_library(const bench_settings *s, bench_builds *bb)
{
    if (!s->calls.n) gc_die(GC_EXIT_USAGE, "no call to time: name one with --call 'NAME(ARGS)'");
    if (!s->quiet)
        fprintf(stderr, "building %s with %zu toolchain%s…\n", s->lib->pkgdir, bb->ntb, bb->ntb == 1 ? "" : "s");
    bench_prebuild(s, bb, s->lib->pkgdir, &s->lib->buildenv, 1);
    for (size_t t = 0; t < bb->ntb && !*s->rc.b.interrupted; t++) {
        library_tc(s, bb, &bb->tb[t]);
        if (!bb->library && bb->tb[t].calls) bb->library = library_doc(s, &bb->tb[t]);
    }
    if (!*s->rc.b.interrupted && !bb->library)
        gc_die(GC_EXIT_USAGE, "%s does not build as a c-shared library with any selected toolchain", s->lib->pkgdir);
}

void bench_plan_library(bench_plan *p, const strlist *g, const bench_tc *t)
{
    const char *probe = t->probe[BV_LIB], *lib = t->shared.artifact, *header = t->shared.header, *go = t->tc->version;
    if (!probe) return;
    bool native = !t->tc->foreign; /* emulated: no Python */
    p->goarch = t->tc->goarch;
    p->emulator = native ? NULL : t->tc->emulator;
    static const char *const THREADS[] = { "main", "pthread" };
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(t->calls, "calls"), i, c) {
        bench_item it = { .go = go, .path = "dlsym", .host = "c-dlopen", .buildmode = "c-shared", .bench = jstr(c, "bench"),
                          .threads = 1, .probe = probe, .lib = lib, .spec = jstr(c, "spec"), .header = header };
        for (size_t h = 0; h < 2; h++) {
            it.thread = THREADS[h];
            bench_plan_add(p, g, it);
        }
        if (!native) continue;
        it.path = "ctypes", it.host = "python-ctypes", it.thread = "main", it.probe = NULL;
        bench_plan_add(p, g, it);
    }
}
