#define _GNU_SOURCE
#include "hostcache.h"
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

char **host_argv_dup(const char *const *a)
{
    size_t n = 0;
    while (a[n]) n++;
    char **v = xcalloc(n + 1, sizeof *v);
    for (size_t i = 0; i < n; i++) v[i] = xstrdup(a[i]);
    return v;
}

/* Run a host build command; returns 0, -1 (the compiler refused: *why has its
 * words) or -2 (the harness could not run it at all). */
int host_run_build_in(const run_ctx *ctx, const char *const *argv, const char *const *envp, const char *cwd, char **why)
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

/* The probe SDK (probe/): every C host is compiled with its C sources, and
 * a host binary's cache key covers all of its files. */
const char *const HOST_SDK_C_SOURCES[] = { "probe_host.c", "abi.c", NULL };
static const char *const SDK_HEADERS[] = { "probe.h", "abi.h", NULL };

char *host_sdk_dir(const run_ctx *ctx) { return path_join(ctx->b.srcdir, "probe"); }

static uint64_t hash_sdk(const run_ctx *ctx, uint64_t k)
{
    char *dir = host_sdk_dir(ctx);
    for (int pass = 0; pass < 2; pass++)
        for (const char *const *f = pass ? SDK_HEADERS : HOST_SDK_C_SOURCES; *f; f++) {
            char *p = path_join(dir, *f);
            k = hash_file(k, p);
            free(p);
        }
    free(dir);
    return k;
}

int host_run_build(const run_ctx *ctx, const char *const *argv, const char *const *envp, char **why)
{
    return host_run_build_in(ctx, argv, envp, NULL, why);
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
