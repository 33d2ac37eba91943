#define _GNU_SOURCE
#include "toolchain.h"
#include "proc.h"
#include "goversion.h"

#include <ctype.h>
#include <glob.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void add_candidate(strlist *out, const char *p)
{
    char real[PATH_MAX];
    const char *use = realpath(p, real) ? real : p;
    if (!sl_has(out, use)) sl_add(out, use);
}

void toolchain_candidates(strlist *out, bool defaults, const char *configured, const strlist *extra)
{
    if (defaults) {
        glob_t g;
        if (glob("/usr/lib/go-*/bin/go", 0, NULL, &g) == 0) {
            for (size_t i = 0; i < g.gl_pathc; i++) add_candidate(out, g.gl_pathv[i]);
            globfree(&g);
        }
        const char *path = getenv("PATH");
        strlist dirs = { 0 };
        if (path) sl_split(&dirs, path, ":");
        for (size_t i = 0; i < dirs.n; i++) {
            char *p = path_join(dirs.v[i], "go");
            if (is_executable(p)) { add_candidate(out, p); free(p); break; }
            free(p);
        }
        sl_free(&dirs);
    }
    if (configured && *configured) {
        strlist c = { 0 };
        sl_split(&c, configured, ",");
        for (size_t i = 0; i < c.n; i++) add_candidate(out, c.v[i]);
        sl_free(&c);
    }
    for (size_t i = 0; extra && i < extra->n; i++) add_candidate(out, extra->v[i]);
}

static char *env_field(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

int toolchain_parse_env(toolchain *tc, const char *text)
{
    json_error_t jerr;
    json_t *o = json_loads(text, 0, &jerr);
    if (!json_is_object(o)) {
        tc->error = xasprintf("go env -json printed no JSON object (line %d: %s)", jerr.line, jerr.text);
        json_decref(o);
        return -1;
    }
    tc->version = env_field(o, "GOVERSION");
    tc->goroot = env_field(o, "GOROOT");
    tc->goos = env_field(o, "GOOS");
    tc->goarch = env_field(o, "GOARCH");
    tc->cc = env_field(o, "CC");
    char *cgo = env_field(o, "CGO_ENABLED");
    tc->cgo_enabled = cgo && strcmp(cgo, "1") == 0;
    free(cgo);
    json_decref(o);
    if (tc->version && str_prefix(tc->version, "devel ")) {
        /* A toolchain built from a Go source tree: "devel go1.24-a1b2c3d Tue Jan 2 ..."
         * is release 1.24 at that commit; "devel +a1b2c3d ..." names none. */
        char *word = xstrndup(tc->version + 6, strcspn(tc->version + 6, " "));
        free(tc->version);
        tc->version = word;
        char *minor = go_version_minor(word);
        free(minor);
        if (!minor) {
            tc->error = xasprintf("a development toolchain (GOVERSION devel %s) that names no release; build it from a "
                                  "tree with a VERSION file or a go1.N branch", word);
            return -1;
        }
    }
    if (!tc->version || !str_prefix(tc->version, "go") || !tc->goos || !tc->goarch) {
        tc->error = xstrdup("go env -json lacks GOVERSION/GOOS/GOARCH (not a Go toolchain, or older than go1.16)");
        return -1;
    }
    return 0;
}

char **toolchain_env(const toolchain *tc, const char *gocache, const char *gopath, const char *const *extra)
{
    strlist e = { 0 };
    const char *path = getenv("PATH");
    char *bindir = path_dirname(tc->path);
    sl_add_owned(&e, xasprintf("PATH=%s:%s", bindir, path ? path : "/usr/bin:/bin"));
    free(bindir);
    const char *home = getenv("HOME");
    sl_add_owned(&e, xasprintf("HOME=%s", home ? home : "/tmp"));
    sl_add(&e, "GOTOOLCHAIN=local");
    sl_add(&e, "GOPROXY=off");
    sl_add(&e, "GOFLAGS=");
    sl_add(&e, "GOWORK=off");
    sl_add(&e, "GOTELEMETRY=off");
    sl_add(&e, "GO111MODULE=");
    sl_add(&e, "LC_ALL=C");
    if (gocache) sl_add_owned(&e, xasprintf("GOCACHE=%s", gocache));
    if (gopath) sl_add_owned(&e, xasprintf("GOPATH=%s", gopath));
    if (tc->foreign) {
        sl_add_owned(&e, xasprintf("GOARCH=%s", tc->goarch));
        sl_add_owned(&e, xasprintf("CC=%s", tc->cc));
    }
    const char *tmp = getenv("TMPDIR");
    if (tmp) sl_add_owned(&e, xasprintf("TMPDIR=%s", tmp));
    /* Later entries override earlier ones with the same name. */
    for (size_t i = 0; extra && extra[i]; i++) {
        size_t klen = strcspn(extra[i], "=");
        for (size_t j = 0; j < e.n; j++)
            if (strncmp(e.v[j], extra[i], klen + 1) == 0) { free(e.v[j]); e.v[j] = xstrdup(""); }
        sl_add(&e, extra[i]);
    }
    char **env = xcalloc(e.n + 1, sizeof *env);
    size_t k = 0;
    for (size_t i = 0; i < e.n; i++) {
        if (e.v[i][0]) env[k++] = e.v[i];
        else free(e.v[i]);
    }
    free(e.v);
    return env;
}

void env_free(char **env)
{
    for (size_t i = 0; env && env[i]; i++) free(env[i]);
    free(env);
}

/* A toolchain built from a source tree (`gocompat toolchains --build`)
 * names its column in GOROOT/.gocompat-name: its GOVERSION may equal an
 * installed release's (a distribution's source) or be "devel …" (tip). */
static void apply_label(toolchain *tc)
{
    if (!tc->goroot) return;
    char *p = path_join(tc->goroot, ".gocompat-name");
    char *name = read_file(p, NULL);
    free(p);
    if (name && str_prefix(trim(name), "go1.") && tc->goos && tc->goarch) {
        free(tc->version);
        tc->version = xstrdup(trim(name));
        free(tc->error);
        tc->error = NULL;
    }
    free(name);
}

static void probe_one(toolchain *tc, int timeout_ms)
{
    if (!is_executable(tc->path)) {
        tc->error = xstrdup("not an executable file");
        return;
    }
    char *cache = xasprintf("%s/gocompat-env-cache", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    char **env = toolchain_env(tc, cache, NULL, NULL);
    const char *argv[] = { tc->path, "env", "-json", NULL };
    proc_spec s = { .argv = argv, .envp = (const char *const *)env, .timeout_ms = timeout_ms,
                    .capture_limit = 1 << 16 };
    proc_result r;
    proc_run(&s, &r);
    char *out = capture_text(&r.out);
    if (r.kind == PROC_TIMEOUT)
        tc->error = xasprintf("`go env -json` did not answer within %d ms", timeout_ms);
    else if (r.kind == PROC_SPAWN_FAIL)
        tc->error = xstrdup(r.spawn_error);
    else if (r.kind == PROC_SIGNAL)
        tc->error = xasprintf("`go env -json` died of %s", signal_name(r.sig));
    else if (r.code != 0) {
        char *err = capture_text(&r.err);
        tc->error = xasprintf("`go env -json` exited %d: %.200s", r.code, trim(err));
        free(err);
    } else {
        toolchain_parse_env(tc, out);
        apply_label(tc);
    }
    free(out);
    proc_result_free(&r);
    env_free(env);
    free(cache);
}

static int cmp_tc(const void *a, const void *b)
{
    const toolchain *x = a, *y = b;
    if (!x->version || !y->version) return (x->version == NULL) - (y->version == NULL);
    return go_version_cmp(x->version, y->version);
}

void toolchain_discover(toolchain_set *set, const strlist *cand, int timeout_ms)
{
    set->n = cand->n;
    set->v = xcalloc(cand->n, sizeof *set->v);
    for (size_t i = 0; i < cand->n; i++) {
        set->v[i].path = xstrdup(cand->v[i]);
        probe_one(&set->v[i], timeout_ms);
    }
    qsort(set->v, set->n, sizeof *set->v, cmp_tc);
    /* Two binaries (a symlink farm, a copy) can be the same release: keep one. */
    for (size_t i = 1; i < set->n; i++) {
        toolchain *p = &set->v[i - 1], *t = &set->v[i];
        if (!t->error && !p->error && strcmp(t->version, p->version) == 0 && strcmp(t->goarch, p->goarch) == 0)
            t->error = xasprintf("same release as %s; ignored", p->path);
    }
}

void toolchain_set_free(toolchain_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        toolchain *t = &set->v[i];
        free(t->path); free(t->version); free(t->goroot); free(t->goos);
        free(t->goarch); free(t->cc); free(t->error); free(t->emulator);
    }
    free(set->v);
    set->v = NULL;
    set->n = 0;
}

const toolchain *toolchain_find(const toolchain_set *set, const char *key)
{
    for (size_t i = 0; i < set->n; i++) {
        const toolchain *t = &set->v[i];
        if (t->error) continue;
        if (!t->version) continue;
        if (strcmp(t->version, key) == 0 || (t->path && strcmp(t->path, key) == 0)) return t;
        char *m = go_version_minor(t->version);
        bool hit = m && (strcmp(m, key) == 0 || (str_prefix(key, "go") && strcmp(m, key + 2) == 0));
        free(m);
        if (hit) return t;
    }
    return NULL;
}
