#define _GNU_SOURCE
#include "hostbuild.h"
#include "hostcache.h"
#include "hostlang.h"
#include "proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *probe_file(const cell *x, const char *suffix)
{
    return xasprintf("%s/%s%s", x->c->dir, x->c->probe, suffix);
}

/* Foreign-arch cells build their C hosts with the arch's cross compiler. */
static const char *host_cc(const run_ctx *ctx, const cell *x) { return x->tc->foreign ? x->tc->cc : ctx->cc; }

static int build_c_host(const run_ctx *ctx, const cell *x, const fixture_build *fb, const char *out, char **why)
{
    const char *h = x->run->host;
    char *src = probe_file(x, ".c");
    char *hostdir = host_sdk_dir(ctx);
    char *libdir = path_dirname(fb->artifact);
    strlist a = { 0 };
    sl_add(&a, host_cc(ctx, x));
    sl_add(&a, "-std=gnu11");
    sl_add(&a, "-O1");
    sl_add(&a, "-g");
    sl_add(&a, "-Wall");
    sl_add_owned(&a, xasprintf("-I%s", hostdir));
    /* cgo copies an export file's preamble into the header, so a header
     * the preamble includes must resolve from the fixture's own folder. */
    sl_add_owned(&a, xasprintf("-I%s/gosrc/%s", ctx->b.srcdir, x->c->fixture));
    sl_add_owned(&a, xasprintf("-DGC_HOST_NAME=\"%s\"", h));
    if (!strcmp(h, "c-dlopen")) sl_add(&a, "-DGC_HOST_DLOPEN");
    if (!strcmp(h, "c-threads")) sl_add(&a, "-DGC_HOST_THREAD");
    if (fb->header) {
        sl_add(&a, "-include");
        sl_add(&a, fb->header);
    }
    sl_add(&a, "-o");
    sl_add(&a, out);
    sl_add(&a, src);
    for (const char *const *f = HOST_SDK_C_SOURCES; *f; f++) sl_add_owned(&a, path_join(hostdir, *f));
    if (!strcmp(h, "c-linked") || !strcmp(h, "c-threads")) {
        sl_add_owned(&a, xasprintf("-L%s", libdir));
        sl_add_owned(&a, xasprintf("-l:%s", path_basename(fb->artifact)));
        sl_add_owned(&a, xasprintf("-Wl,-rpath,%s", libdir));
    } else if (!strcmp(h, "c-archive")) {
        sl_add(&a, fb->artifact);
    }
    for (size_t i = 0; i < x->c->hostflags.n; i++) sl_add(&a, x->c->hostflags.v[i]);
    sl_add(&a, "-pthread");
    sl_add(&a, "-ldl");
    sl_add(&a, "-lm");
    sl_add_owned(&a, NULL);
    a.n--;
    int rc = host_run_build_in(ctx, (const char *const *)a.v, NULL, NULL, why);
    sl_free(&a);
    free(src);
    free(hostdir);
    free(libdir);
    return rc;
}

static int build_go_host(const run_ctx *ctx, const cell *x, const fixture_build *fb, const char *out, char **why)
{
    bool linkshared = !strcmp(x->run->host, "go-linkshared");
    char *src = probe_file(x, linkshared ? ".linkshared.go" : ".plugin.go");
    char *gocache = toolchain_gocache(&ctx->b, x->tc);
    const char *extra_ls[] = { "CGO_ENABLED=1", "GO111MODULE=off", NULL };
    const char *extra_pl[] = { "CGO_ENABLED=1", NULL };
    char *gopath = linkshared ? xstrdup(fb->gopath) : xasprintf("%s/go/%s-%s/gopath", ctx->b.cachedir, x->tc->version, x->tc->goarch);
    char **env = toolchain_env(x->tc, gocache, gopath, linkshared ? extra_ls : extra_pl);
    char *dir = path_dirname(out);
    int rc;
    if (linkshared) {
        const char *argv[] = { x->tc->path, "build", "-linkshared", "-pkgdir", fb->pkgdir, "-o", out, src, NULL };
        rc = host_run_build_in(ctx, argv, (const char *const *)env, dir, why);
    } else {
        const char *argv[] = { x->tc->path, "build", "-o", out, src, NULL };
        rc = host_run_build_in(ctx, argv, (const char *const *)env, dir, why);
    }
    env_free(env);
    free(gopath);
    free(gocache);
    free(src);
    free(dir);
    return rc;
}

/* A C host that links a library (hostflag -lNAME) the cross toolchain
 * lacks (libffi for arm64, say) cannot be built: that is a gap of this
 * machine, not a result, so the cell is skipped with the reason. NULL when
 * every such library is found. */
static char *missing_foreign_lib(const cell *x)
{
    for (size_t i = 0; i < x->c->hostflags.n; i++) {
        const char *f = x->c->hostflags.v[i];
        if (!str_prefix(f, "-l") || !f[2]) continue;
        char *so = xasprintf("lib%s.so", f + 2), *opt = xasprintf("-print-file-name=%s", so);
        const char *argv[] = { x->tc->cc, opt, NULL };
        proc_spec spec = { .argv = argv, .timeout_ms = 30000, .capture_limit = 4096 };
        proc_result r;
        proc_run(&spec, &r);
        char *out = capture_text(&r.out);
        out[strcspn(out, "\n")] = 0;
        proc_result_free(&r);
        free(opt);
        bool found = strchr(out, '/') != NULL; /* gcc echoes the bare name when it finds nothing */
        free(out);
        if (!found) {
            char *why = xasprintf("%s has no %s for %s here (the C host links it)", path_basename(x->tc->cc), so, x->tc->goarch);
            free(so);
            return why;
        }
        free(so);
    }
    return NULL;
}

char **host_prepare(const run_ctx *ctx, const cell *x, const fixture_build *fb, json_t *ev, char **why,
                    bool *is_harness, bool *skip)
{
    const char *h = x->run->host;
    *why = NULL;
    *is_harness = false;
    *skip = false;
    if (!strcmp(h, "none")) {
        const char *argv[] = { fb->artifact, x->c->probe, NULL };
        return host_emulated(x, argv);
    }
    if (hostlang_owns(h)) return hostlang_prepare(ctx, x, fb, ev, why, is_harness, skip);
    if (hostinterp_owns(h)) return hostinterp_prepare(ctx, x, fb, ev, why, is_harness, skip);
    if (x->tc->foreign && !strcmp(h, "python-ctypes")) {
        *why = xasprintf("no Python for %s here: ctypes cannot load a foreign-arch library", x->tc->goarch);
        *skip = true;
        return NULL;
    }
    if (x->tc->foreign && (*why = missing_foreign_lib(x))) {
        *skip = true;
        return NULL;
    }
    if (!strcmp(h, "python-ctypes") || !strcmp(h, "inspect")) {
        char *py = probe_file(x, !strcmp(h, "inspect") ? ".inspect.py" : ".py");
        if (!file_exists(py)) {
            *why = xasprintf("missing probe %s", py);
            *is_harness = true;
            free(py);
            return NULL;
        }
        /* -S: no site module. Probes need only the standard library and
         * the SDK (on PYTHONPATH), and site's .pth files can import whole
         * packages (tens of ms per cell, in every one of hundreds). */
        const char *argv[] = { ctx->python, "-B", "-S", py, fb->artifact, NULL };
        char **v = host_argv_dup(argv);
        free(py);
        return v;
    }
    bool go_host = str_prefix(h, "go-");
    char *src = probe_file(x, go_host ? (!strcmp(h, "go-linkshared") ? ".linkshared.go" : ".plugin.go") : ".c");
    if (!file_exists(src)) {
        *why = xasprintf("missing probe %s", src);
        *is_harness = true;
        free(src);
        return NULL;
    }
    uint64_t k = FNV1A64_INIT;
    k = fnv1a64(k, h, strlen(h) + 1);
    k = fnv1a64(k, fb->key, strlen(fb->key) + 1);
    k = go_host ? host_hash_file(k, src) : host_hash_c_source(k, src);
    if (!go_host) {
        k = host_hash_sdk(ctx, k);
        k = fnv1a64(k, host_cc(ctx, x), strlen(host_cc(ctx, x)) + 1);
        for (size_t i = 0; i < x->c->hostflags.n; i++) k = fnv1a64(k, x->c->hostflags.v[i], strlen(x->c->hostflags.v[i]) + 1);
    }
    free(src);
    char *exe = host_cached(ctx, x, fb, k, go_host ? build_go_host : build_c_host, why, is_harness, ev);
    if (!exe) return NULL;
    json_object_set_new(ev, "host_binary", json_string(exe));
    const char *argv[] = { exe, (!strcmp(h, "c-dlopen") || go_host) ? fb->artifact : NULL, NULL };
    char **v = host_emulated(x, argv);
    free(exe);
    return v;
}
