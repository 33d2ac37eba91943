/* Launchers of the interpreted hosts (the list is in hostlang.h). */
#define _GNU_SOURCE
#include "hostlang.h"
#include "hostcache.h"
#include "proc.h"

#include <stdlib.h>
#include <string.h>

typedef enum { IN_CTYPES, IN_CFFI, IN_CFFI_API, IN_NODE } interp;

static const struct {
    const char *host;
    interp kind;
    bool py313;         /* Python 3.13 instead of the configured Python 3 */
    const char *suffix; /* of the probe file beside the case */
} HOSTS[] = {
    { "python313-ctypes", IN_CTYPES, true, ".py" },
    { "python-cffi", IN_CFFI, false, ".cffi.py" },
    { "python313-cffi", IN_CFFI, true, ".cffi.py" },
    { "python-cffi-api", IN_CFFI_API, false, ".cffi.py" },
    { "node-koffi", IN_NODE, false, ".js" },
};

static int host_index(const char *h)
{
    for (size_t i = 0; i < GC_ARRAY_LEN(HOSTS); i++)
        if (!strcmp(HOSTS[i].host, h)) return (int)i;
    return -1;
}

bool hostinterp_owns(const char *host) { return host_index(host) >= 0; }

/* A program named by an environment variable, else the default; *why says
 * which one is missing. */
static char *program(const char *var, const char *dflt, const char *missing, char **why)
{
    const char *env = getenv(var);
    char *p = find_program(env && *env ? env : dflt);
    if (!p) *why = env && *env ? xasprintf("%s=%s is not an executable", var, env) : xstrdup(missing);
    return p;
}

static char *interpreter(const run_ctx *ctx, int i, char **why)
{
    if (HOSTS[i].kind == IN_NODE)
        return program("GOCOMPAT_NODE", "node", "no node here (Node.js; scripts/setup --hosts installs it)", why);
    if (!HOSTS[i].py313) return xstrdup(ctx->python);
    /* Debian's python3.13 (trixie), not one found on PATH: a column is
     * only comparable when it names the interpreter it ran. */
    return program("GOCOMPAT_PYTHON313", "/usr/bin/python3.13",
                   "no /usr/bin/python3.13 here (scripts/setup --hosts installs it from trixie when that upgrades "
                   "nothing else; GOCOMPAT_PYTHON313 names another)",
                   why);
}

/* What an interpreter needs to compile a cffi extension; exits 1 with the
 * missing piece on stderr. */
static const char API_CHECK[] = "import os, sys, sysconfig\n"
                                "try:\n import cffi\nexcept ImportError:\n sys.exit('no cffi module')\n"
                                "if not os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')):\n"
                                " sys.exit('no Python.h (python3-dev)')\n"
                                "try:\n import setuptools\nexcept ImportError:\n"
                                " try:\n  import distutils.core\n except ImportError:\n"
                                "  sys.exit('neither setuptools nor distutils to compile with')\n";

/* Why PYTHON cannot build a cffi extension, or NULL. Asked by the build
 * only (each cell runs in a process of its own, and a cached extension
 * needs no compiler); a probe run without cffi still ends as a skip. */
static char *cffi_api_lacks(const char *python)
{
    const char *argv[] = { python, "-c", API_CHECK, NULL };
    proc_spec s = { .argv = argv, .timeout_ms = 60000, .capture_limit = 4096 };
    proc_result r;
    proc_run(&s, &r);
    char *why = NULL;
    if (!(r.kind == PROC_EXIT && r.code == 0)) {
        char *e = capture_text(&r.err);
        why = xasprintf("%s cannot compile a cffi extension: %s (scripts/setup --hosts installs python3-cffi and python3-dev)",
                        python, *trim(e) ? trim(e) : r.spawn_error);
        free(e);
    }
    proc_result_free(&r);
    return why;
}

/* The builder callback takes no extra argument: what it builds with is set
 * just before the cached build, per thread; `lacking` is its answer that
 * this machine cannot build it at all (a skip, not a failure). */
static _Thread_local struct { const char *python, *src; bool lacking; } api_build;

/* cffi's set_source/compile run by the probe's own gocompat_cffi.load()
 * under -X gocompat_cffi_build: it compiles the probe's cdef against the
 * cgo header, links the library, writes the extension to `out` and exits
 * before the probe calls anything. */
static int build_cffi_api(const run_ctx *ctx, const cell *x, const fixture_build *fb, const char *out, char **why)
{
    if (!fb->header) {
        *why = xstrdup("the build left no cgo header to compile against");
        return -1;
    }
    if ((*why = cffi_api_lacks(api_build.python))) {
        api_build.lacking = true;
        return -1;
    }
    char *hdrdir = path_dirname(fb->header);
    char *pypath = xasprintf("PYTHONPATH=%s/probe", ctx->b.srcdir);
    char *o = xasprintf("gocompat_cffi_build=%s", out);
    char *h = xasprintf("gocompat_cffi_header=%s", fb->header);
    /* cgo copies the export files' preamble into the header: what it
     * includes resolves from the fixture's folder. */
    char *inc = xasprintf("gocompat_cffi_include=%s:%s/gosrc/%s", hdrdir, ctx->b.srcdir, x->c->fixture);
    const char *argv[] = { "/usr/bin/env", pypath, api_build.python, "-B", "-X", o, "-X", h, "-X", inc, api_build.src, fb->artifact, NULL };
    int rc = host_run_build(ctx, argv, NULL, why);
    if (rc == 0 && !is_executable(out)) {
        *why = xasprintf("%s never called gocompat_cffi.load(): no extension was built", path_basename(api_build.src));
        rc = -1;
    }
    free(hdrdir);
    free(pypath);
    free(o);
    free(h);
    free(inc);
    return rc;
}

static char **cffi_api_argv(const run_ctx *ctx, const cell *x, const fixture_build *fb, const char *python,
                            const char *src, json_t *ev, char **why, bool *is_harness, bool *skip)
{
    uint64_t k = FNV1A64_INIT;
    k = fnv1a64(k, x->run->host, strlen(x->run->host) + 1);
    k = fnv1a64(k, fb->key, strlen(fb->key) + 1);
    k = host_hash_file(k, src);
    k = host_hash_program(k, python);
    char *sdk = path_join(ctx->b.srcdir, "probe/gocompat_cffi.py");
    k = host_hash_file(k, sdk);
    free(sdk);
    api_build.python = python;
    api_build.src = src;
    api_build.lacking = false;
    char *ext = host_cached(ctx, x, fb, k, build_cffi_api, why, is_harness, ev);
    if (!ext) {
        *skip = api_build.lacking;
        return NULL;
    }
    json_object_set_new(ev, "host_binary", json_string(ext));
    char *mod = xasprintf("gocompat_cffi_module=%s", ext);
    const char *a[] = { python, "-B", "-X", mod, src, fb->artifact, NULL };
    char **argv = host_emulated(x, a);
    free(mod);
    free(ext);
    return argv;
}

/* koffi from the node_modules folder scripts/setup --hosts fills in the
 * cache (or $GOCOMPAT_NODE_MODULES), and the probe SDK, both through
 * NODE_PATH; env(1) sets it, so nothing is built or cached. */
static char **node_argv(const run_ctx *ctx, const cell *x, const fixture_build *fb, const char *node, const char *src,
                        char **why, bool *skip)
{
    const char *env = getenv("GOCOMPAT_NODE_MODULES");
    char *mods = env && *env ? xstrdup(env) : xasprintf("%s/node/node_modules", ctx->b.cachedir);
    char *pkg = path_join(mods, "koffi/package.json");
    char **argv = NULL;
    if (!file_exists(pkg)) {
        *why = xasprintf("no koffi module in %s (scripts/setup --hosts installs it; GOCOMPAT_NODE_MODULES names another "
                         "node_modules folder)",
                         mods);
        *skip = true;
    } else {
        char *path = xasprintf("NODE_PATH=%s:%s/probe", mods, ctx->b.srcdir);
        const char *a[] = { "/usr/bin/env", path, node, src, fb->artifact, NULL };
        argv = host_emulated(x, a);
        free(path);
    }
    free(pkg);
    free(mods);
    return argv;
}

char **hostinterp_prepare(const run_ctx *ctx, const cell *x, const fixture_build *fb, json_t *ev, char **why,
                          bool *is_harness, bool *skip)
{
    int i = host_index(x->run->host);
    interp kind = HOSTS[i].kind;
    if (x->tc->foreign) {
        *why = xasprintf("no %s for %s here: %s cannot load a foreign-arch library", kind == IN_NODE ? "Node.js" : "Python",
                         x->tc->goarch, kind == IN_NODE ? "koffi" : kind == IN_CTYPES ? "ctypes" : "cffi");
        *skip = true;
        return NULL;
    }
    char *prog = interpreter(ctx, i, why);
    if (!prog) {
        *skip = true;
        return NULL;
    }
    char *src = xasprintf("%s/%s%s", x->c->dir, x->c->probe, HOSTS[i].suffix);
    char **argv = NULL;
    if (!file_exists(src)) {
        *why = xasprintf("missing probe %s", src);
        *is_harness = true;
    } else if (kind == IN_NODE) {
        argv = node_argv(ctx, x, fb, prog, src, why, skip);
    } else if (kind == IN_CFFI_API) {
        argv = cffi_api_argv(ctx, x, fb, prog, src, ev, why, is_harness, skip);
    } else if (kind == IN_CTYPES) {
        /* -S as for python-ctypes: a probe needs the standard library only. */
        const char *a[] = { prog, "-B", "-S", src, fb->artifact, NULL };
        argv = host_emulated(x, a);
    } else {
        /* cffi lives in site-packages. */
        const char *a[] = { prog, "-B", src, fb->artifact, NULL };
        argv = host_emulated(x, a);
    }
    if (argv) json_object_set_new(ev, "host_compiler", json_string(prog));
    free(src);
    free(prog);
    return argv;
}
