#define _GNU_SOURCE
#include "hostbuild.h"
#include "hostlang.h"
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define HOST_BUILD_TIMEOUT_MS (300 * 1000)

/* A host binary is keyed by what it is built from, never by where the
 * checkout is: a file counts by its base name and its content, so a moved
 * or copied source tree finds the hosts it built before. */
static uint64_t hash_file(uint64_t h, const char *path)
{
    size_t len = 0;
    char *d = read_file(path, &len);
    const char *name = path_basename(path);
    h = fnv1a64(h, name, strlen(name) + 1);
    if (d) h = fnv1a64(h, d, len);
    free(d);
    return h;
}

/* A C probe may #include "FILE" from its own folder (the ABI probes include
 * their generated tables); those files are part of what the host is built
 * from, so they are hashed too, as they nest (a few levels deep). */
static uint64_t hash_c_source(uint64_t h, const char *path, int depth)
{
    h = hash_file(h, path);
    size_t len = 0;
    char *d = depth < 4 ? read_file(path, &len) : NULL;
    char *dir = path_dirname(path);
    for (char *line = d; line && *line;) {
        char *next = strchr(line, '\n');
        if (next) *next++ = 0;
        char name[256];
        if (sscanf(line, " # include \"%255[^\"]\"", name) == 1 && !strchr(name, '/')) {
            char *inc = path_join(dir, name);
            if (file_exists(inc)) h = hash_c_source(h, inc, depth + 1);
            free(inc);
        }
        line = next;
    }
    free(dir);
    free(d);
    return h;
}

/* The probe command, behind the emulator for foreign-arch cells. */
static char **emulated(const cell *x, const char *const *a)
{
    strlist v = { 0 };
    if (x->tc->foreign && x->tc->emulator) sl_split(&v, x->tc->emulator, " ");
    for (size_t i = 0; a[i]; i++) sl_add(&v, a[i]);
    sl_add_owned(&v, NULL);
    return v.v;
}

static char **argv_dup(const char *const *a)
{
    size_t n = 0;
    while (a[n]) n++;
    char **v = xcalloc(n + 1, sizeof *v);
    for (size_t i = 0; i < n; i++) v[i] = xstrdup(a[i]);
    return v;
}

/* Run a host build command; returns 0, -1 (the compiler refused: *why has its
 * words) or -2 (the harness could not run it at all). */
static int run_build(const run_ctx *ctx, const char *const *argv, const char *const *envp, const char *cwd, char **why)
{
    proc_spec s = { .argv = argv, .envp = envp, .cwd = cwd, .capture_limit = 8192,
                    .timeout_ms = proc_deadline_ms(HOST_BUILD_TIMEOUT_MS * ctx->b.timeout_mult),
                    .interrupted = ctx->b.interrupted };
    proc_result r;
    proc_run(&s, &r);
    int rc = 0;
    if (!(r.kind == PROC_EXIT && r.code == 0)) {
        char *e = capture_text(&r.err);
        char *o = capture_text(&r.out);
        rc = -2;
        if (r.kind == PROC_SPAWN_FAIL) *why = xstrdup(r.spawn_error);
        else if (r.kind == PROC_TIMEOUT) *why = xstrdup("host build timed out");
        else if (r.kind == PROC_INTERRUPTED) *why = xstrdup("interrupted");
        else {
            *why = xasprintf("%s%s", trim(e), *trim(e) ? "" : trim(o));
            rc = -1;
        }
        free(e);
        free(o);
    }
    proc_result_free(&r);
    return rc;
}

/* Build under <cache>/hosts/<key>/ with a lock; `build` fills the folder. */
typedef int (*host_builder)(const run_ctx *, const cell *, const fixture_build *, const char *out, char **why);

struct host_job { const run_ctx *ctx; const cell *x; const fixture_build *fb; host_builder build; char **why; double ms; };

static int run_host_job(const char *out, void *arg)
{
    struct host_job *j = arg;
    double t0 = now_ms();
    int rc = j->build(j->ctx, j->x, j->fb, out, j->why);
    j->ms = now_ms() - t0;
    return rc;
}

/* *built_ms: how long this cell spent compiling its host (0 when cached),
 * what a run's timing report sums as its host compiles. */
static char *cached_host(const run_ctx *ctx, const cell *x, const fixture_build *fb, uint64_t key, host_builder build,
                         char **why, bool *is_harness, double *built_ms)
{
    char *dir = xasprintf("%s/hosts/%016llx", ctx->b.cachedir, (unsigned long long)key);
    struct host_job j = { ctx, x, fb, build, why, 0 };
    int rc;
    char *exe = cache_program(dir, "probe", run_host_job, &j, &rc);
    if (!exe) *is_harness = rc == -2;
    *built_ms = j.ms;
    free(dir);
    return exe;
}

static char *probe_file(const cell *x, const char *suffix)
{
    return xasprintf("%s/%s%s", x->c->dir, x->c->probe, suffix);
}

/* The probe SDK (probe/): every C host is compiled with its C sources, and
 * a host binary's cache key covers all of its files. */
static const char *const SDK_C_SOURCES[] = { "probe_host.c", "abi.c", NULL };
static const char *const SDK_HEADERS[] = { "probe.h", "abi.h", NULL };

static char *sdk_dir(const run_ctx *ctx) { return path_join(ctx->b.srcdir, "probe"); }

static uint64_t hash_sdk(const run_ctx *ctx, uint64_t k)
{
    char *dir = sdk_dir(ctx);
    for (int pass = 0; pass < 2; pass++)
        for (const char *const *f = pass ? SDK_HEADERS : SDK_C_SOURCES; *f; f++) {
            char *p = path_join(dir, *f);
            k = hash_file(k, p);
            free(p);
        }
    free(dir);
    return k;
}

/* Foreign-arch cells build their C hosts with the arch's cross compiler. */
static const char *host_cc(const run_ctx *ctx, const cell *x) { return x->tc->foreign ? x->tc->cc : ctx->cc; }

static int build_c_host(const run_ctx *ctx, const cell *x, const fixture_build *fb, const char *out, char **why)
{
    const char *h = x->run->host;
    char *src = probe_file(x, ".c");
    char *hostdir = sdk_dir(ctx);
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
    for (const char *const *f = SDK_C_SOURCES; *f; f++) sl_add_owned(&a, path_join(hostdir, *f));
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
    int rc = run_build(ctx, (const char *const *)a.v, NULL, NULL, why);
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
        rc = run_build(ctx, argv, (const char *const *)env, dir, why);
    } else {
        const char *argv[] = { x->tc->path, "build", "-o", out, src, NULL };
        rc = run_build(ctx, argv, (const char *const *)env, dir, why);
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
        return emulated(x, argv);
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
        char **v = argv_dup(argv);
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
    k = go_host ? hash_file(k, src) : hash_c_source(k, src, 0);
    if (!go_host) {
        k = hash_sdk(ctx, k);
        k = fnv1a64(k, host_cc(ctx, x), strlen(host_cc(ctx, x)) + 1);
        for (size_t i = 0; i < x->c->hostflags.n; i++) k = fnv1a64(k, x->c->hostflags.v[i], strlen(x->c->hostflags.v[i]) + 1);
    }
    free(src);
    char *exe = host_cached(ctx, x, fb, k, go_host ? build_go_host : build_c_host, why, is_harness, ev);
    if (!exe) return NULL;
    json_object_set_new(ev, "host_binary", json_string(exe));
    const char *argv[] = { exe, (!strcmp(h, "c-dlopen") || go_host) ? fb->artifact : NULL, NULL };
    char **v = emulated(x, argv);
    free(exe);
    return v;
}

/* The pieces the launchers of other languages (hostlang.c) share with the
 * C and Go hosts: the build runner, the host cache and its key parts. */
int host_run_build(const run_ctx *ctx, const char *const *argv, const char *const *envp, char **why)
{
    return run_build(ctx, argv, envp, NULL, why);
}

char *host_cached(const run_ctx *ctx, const cell *x, const fixture_build *fb, uint64_t key,
                  int (*build)(const run_ctx *, const cell *, const fixture_build *, const char *, char **), char **why,
                  bool *is_harness, json_t *ev)
{
    double built_ms = 0;
    char *exe = cached_host(ctx, x, fb, key, build, why, is_harness, &built_ms);
    /* Every host language's compile counts in the run's timing report. */
    if (built_ms > 0) json_object_set_new(ev, "host_build_ms", json_real(built_ms));
    return exe;
}

uint64_t host_hash_file(uint64_t h, const char *path) { return hash_file(h, path); }
uint64_t host_hash_c_source(uint64_t h, const char *path) { return hash_c_source(h, path, 0); }

/* A compiler or interpreter upgraded in place changes its size or time. */
uint64_t host_hash_program(uint64_t k, const char *path)
{
    struct stat st;
    k = fnv1a64(k, path, strlen(path) + 1);
    if (stat(path, &st) == 0) {
        long long v[2] = { (long long)st.st_size, (long long)st.st_mtime };
        k = fnv1a64(k, v, sizeof v);
    }
    return k;
}
uint64_t host_hash_sdk(const run_ctx *ctx, uint64_t h) { return hash_sdk(ctx, h); }
char **host_emulated(const cell *x, const char *const *argv) { return emulated(x, argv); }
