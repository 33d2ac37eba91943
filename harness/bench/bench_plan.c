/* The plan of a benchmark run: one item per benchmark process, baselines
 * first, then each toolchain, as the -b globs select. */
#define _GNU_SOURCE
#include "bench_engine.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

static void push(bench_plan *p, bench_item it)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 64;
        p->v = xrealloc(p->v, p->cap * sizeof *p->v);
    }
    it.goarch = p->goarch;
    it.emulator = p->emulator;
    p->v[p->n++] = it;
}

void bench_plan_always(bench_plan *p, bench_item it)
{
    push(p, it);
}

bool bench_plan_add(bench_plan *p, const strlist *globs, bench_item it)
{
    bool keep = !globs->n;
    for (size_t i = 0; i < globs->n && !keep; i++) keep = fnmatch(globs->v[i], it.bench, 0) == 0;
    if (keep) {
        push(p, it);
        p->selected++;
    }
    return keep;
}

char *bench_item_id(const bench_item *it)
{
    char *who = xasprintf("%s%s%s", it->go ? it->go : "baseline", it->emulator ? "/" : "", it->emulator ? it->goarch : "");
    char *id = it->threads > 1 || str_prefix(it->bench, "scale/")
                   ? xasprintf("%s %s %s", who, it->host, it->bench)
                   : xasprintf("%s %s %s %s", who, it->host, it->bench, it->thread);
    free(who);
    return id;
}

static const char *const C_BASELINES[] = { "base/c_indirect", "base/c_direct", "base/clock_gettime", "base/empty_loop",
                                           "base/ffi_c", "base/thread_create" };

/* One arch's C baselines; the one every ratio divides by is measured
 * whatever the -b globs select. */
static void c_baselines(bench_plan *p, const strlist *globs, const char *probe, bool ffi)
{
    for (size_t k = 0; k < GC_ARRAY_LEN(C_BASELINES); k++) {
        bench_item it = BENCH_ITEM(NULL, "c", "c", NULL, C_BASELINES[k], "main", 1, probe, NULL);
        if (!ffi && !strcmp(C_BASELINES[k], "base/ffi_c")) continue;
        if (!bench_plan_add(p, globs, it) && !strcmp(C_BASELINES[k], BENCH_BASELINE)) bench_plan_always(p, it);
    }
}

void bench_plan_baselines(bench_plan *p, const bench_settings *s, const bench_builds *bb)
{
    const char *native_goarch = "native";
    for (size_t t = 0; t < bb->ntb; t++)
        if (!bb->tb[t].tc->foreign) native_goarch = bb->tb[t].tc->goarch;
    p->goarch = native_goarch;
    p->emulator = NULL;
    c_baselines(p, &s->benches, bb->base_probe, true);
    for (size_t e = 0; e < bb->nemu; e++) {
        if (!bb->emu_base[e]) continue;
        p->goarch = bb->emu_arch[e]->goarch;
        p->emulator = bb->emu_arch[e]->emulator;
        c_baselines(p, &s->benches, bb->emu_base[e], false);
    }
    p->goarch = native_goarch;
    p->emulator = NULL;
    const char *pylib = NULL;
    for (size_t t = 0; t < bb->ntb && !pylib; t++)
        if (bb->tb[t].shared.status == BUILD_OK && !bb->tb[t].tc->foreign) pylib = bb->tb[t].shared.artifact;
    if (!pylib) return;
    bench_plan_add(p, &s->benches, BENCH_ITEM(NULL, "python", "python-ctypes", NULL, "py/loop", "main", 1, NULL, pylib));
    /* A user's library has no C function of its own for ctypes to call: libc's. */
    const char *c_call = s->lib ? "py/ctypes_libc" : "py/ctypes_c";
    bench_plan_add(p, &s->benches, BENCH_ITEM(NULL, "ctypes", "python-ctypes", NULL, c_call, "main", 1, NULL, pylib));
}

static const char *const THREADS[] = { "main", "pthread" };
static const char *const CALLS[] = { "call/empty", "call/add" };

/* call/empty and call/add from both threads through one probe. */
static void calls_both_threads(bench_plan *p, const strlist *g, const char *go, const char *path, const char *host,
                               const char *mode, const char *probe, const char *lib)
{
    for (size_t c = 0; c < 2; c++)
        for (size_t h = 0; h < 2; h++) bench_plan_add(p, g, BENCH_ITEM(go, path, host, mode, CALLS[c], THREADS[h], 1, probe, lib));
}

static void plan_dlopen(bench_plan *p, const strlist *g, const char *go, bool native, const char *dl, const char *lib)
{
    calls_both_threads(p, g, go, "dlsym", "c-dlopen", "c-shared", dl, lib);
    static const char *const ARGS[] = { "args/int0", "args/int2", "args/int8", "args/struct64",
                                        "args/string16", "args/string4k", "args/slice4k" };
    for (size_t i = 0; i < GC_ARRAY_LEN(ARGS); i++)
        bench_plan_add(p, g, BENCH_ITEM(go, "dlsym", "c-dlopen", "c-shared", ARGS[i], "pthread", 1, dl, lib));
    if (native) {
        bench_plan_add(p, g, BENCH_ITEM(go, "libffi", "c-dlopen", "c-shared", "ffi/empty", "pthread", 1, dl, lib));
        bench_plan_add(p, g, BENCH_ITEM(go, "libffi", "c-dlopen", "c-shared", "ffi/add", "pthread", 1, dl, lib));
    }
    static const struct { const char *bench, *thread; } MORE[] = {
        { "gocall/cgo", "pthread" },     { "gocall/callback", "pthread" }, { "thread/first_call", "main" },
        { "panic/recovered", "pthread" }, { "lock/lockosthread", "pthread" },
    };
    for (size_t i = 0; i < GC_ARRAY_LEN(MORE); i++)
        bench_plan_add(p, g, BENCH_ITEM(go, "dlsym", "c-dlopen", "c-shared", MORE[i].bench, MORE[i].thread, 1, dl, lib));
    static const char *const SCALE[] = { "scale/1", "scale/2", "scale/4", "scale/8" };
    for (int i = 0; i < 4; i++)
        bench_plan_add(p, g, BENCH_ITEM(go, "dlsym", "c-dlopen", "c-shared", SCALE[i], "main", 1 << i, dl, lib));
}

void bench_plan_fixture(bench_plan *p, const strlist *g, const bench_tc *t)
{
    const char *go = t->tc->version;
    bool native = !t->tc->foreign; /* emulated: no libffi, no Python */
    p->goarch = t->tc->goarch;
    p->emulator = native ? NULL : t->tc->emulator;
    const char *lib = t->shared.artifact;
    if (t->probe[BV_DLOPEN]) plan_dlopen(p, g, go, native, t->probe[BV_DLOPEN], lib);
    if (t->probe[BV_LINKED]) calls_both_threads(p, g, go, "header", "c-linked", "c-shared", t->probe[BV_LINKED], NULL);
    if (t->probe[BV_ARCHIVE]) calls_both_threads(p, g, go, "header", "c-archive", "c-archive", t->probe[BV_ARCHIVE], NULL);
    if (t->shared.status == BUILD_OK && native) {
        bench_plan_add(p, g, BENCH_ITEM(go, "ctypes", "python-ctypes", "c-shared", "py/ctypes_empty", "main", 1, NULL, lib));
        bench_plan_add(p, g, BENCH_ITEM(go, "ctypes", "python-ctypes", "c-shared", "py/ctypes_add", "main", 1, NULL, lib));
    }
}
