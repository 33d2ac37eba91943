#define _GNU_SOURCE
#include "srcbuild.h"
#include "proc.h"

#include <ctype.h>
#include <dirent.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAKE_TIMEOUT_MS (60 * 60 * 1000)
#define LABEL_FILE ".gocompat-name"

/* Names and contents under DIR, in name order, symlinks followed (Debian's
 * GOROOT/src is one). */
static uint64_t hash_tree(uint64_t h, const char *dir, const char *rel)
{
    struct dirent **ents = NULL;
    int n = scandir(dir, &ents, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        const char *nm = ents[i]->d_name;
        if (strcmp(nm, ".") && strcmp(nm, "..")) {
            char *p = path_join(dir, nm), *r = xasprintf("%s/%s", rel, nm);
            struct stat st;
            if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) h = hash_tree(h, p, r);
            else if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
                size_t len = 0;
                char *d = read_file(p, &len);
                h = fnv1a64(h, r, strlen(r) + 1);
                if (d) h = fnv1a64(h, d, len);
                free(d);
            }
            free(p);
            free(r);
        }
        free(ents[i]);
    }
    free(ents);
    return h;
}

/* What make.bash reads: src/ and the top-level VERSION and go.env. */
static uint64_t hash_source(const char *src)
{
    uint64_t h = FNV1A64_INIT;
    char *s = path_join(src, "src");
    h = hash_tree(h, s, "src");
    free(s);
    static const char *const top[] = { "VERSION", "go.env", NULL };
    for (const char *const *f = top; *f; f++) {
        char *p = path_join(src, *f);
        size_t len = 0;
        char *d = read_file(p, &len);
        h = fnv1a64(h, *f, strlen(*f) + 1);
        if (d) h = fnv1a64(h, d, len);
        free(d);
        free(p);
    }
    return h;
}

bool srcbuild_name_ok(const char *name)
{
    if (!str_prefix(name, "go1.") || !isdigit((unsigned char)name[4])) return false;
    for (const char *c = name; *c; c++)
        if (!isalnum((unsigned char)*c) && !strchr("._-", *c)) return false;
    return true;
}

/* VERSION's first line + "-src" (a release's source), else go1.N-devel
 * from internal/goversion (a tip checkout has no VERSION file). */
static char *default_name(const char *src)
{
    char *p = path_join(src, "VERSION");
    char *v = read_file(p, NULL);
    free(p);
    char *name = NULL;
    if (v && str_prefix(v, "go")) {
        v[strcspn(v, "\n")] = 0;
        name = xasprintf("%s-src", trim(v));
    } else {
        p = path_join(src, "src/internal/goversion/goversion.go");
        char *g = read_file(p, NULL);
        const char *c = g ? strstr(g, "const Version = ") : NULL;
        if (c) name = xasprintf("go1.%d-devel", atoi(c + strlen("const Version = ")));
        free(g);
        free(p);
    }
    free(v);
    return name;
}

static int run_logged(const srcbuild_spec *s, const char *const *argv, const char *const *envp, const char *cwd,
                      const char *log, char **err)
{
    proc_spec ps = { .argv = argv, .envp = envp, .cwd = cwd, .capture_limit = 1 << 20,
                     .timeout_ms = (int)(MAKE_TIMEOUT_MS * s->timeout_mult), .interrupted = s->interrupted };
    proc_result r;
    proc_run(&ps, &r);
    char *o = capture_text(&r.out), *e = capture_text(&r.err);
    char *all = xasprintf("%s%s", o, e);
    if (log) write_file_atomic(log, all, strlen(all));
    int rc = 0;
    if (r.kind != PROC_EXIT || r.code != 0) {
        char *last = trim(e)[0] ? e : o;
        char *nl = strrchr(trim(last), '\n');
        *err = xasprintf("`%s` failed (%s): %s", argv[0],
                         r.kind == PROC_TIMEOUT ? "timed out" : r.kind == PROC_INTERRUPTED ? "interrupted" : "see the log",
                         nl ? nl + 1 : last);
        rc = -1;
    }
    free(all);
    free(o);
    free(e);
    proc_result_free(&r);
    return rc;
}

struct make_job { const srcbuild_spec *s; const char *dest; char *err; };

/* Copy the tree (dereferenced, without its binaries) and run make.bash. */
static int make_toolchain(const char *gobin, void *arg)
{
    (void)gobin;
    struct make_job *j = arg;
    char *from = xasprintf("%s/.", j->s->src), *goroot = path_join(j->dest, "go");
    const char *cp[] = { "cp", "-RL", from, goroot, NULL };
    const char *path_env[] = { "PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C", NULL };
    int rc = run_logged(j->s, cp, path_env, NULL, NULL, &j->err);
    char *log = path_join(j->dest, "make.log"), *srcdir = path_join(goroot, "src");
    if (rc == 0) {
        static const char *const stale[] = { "bin", "pkg", LABEL_FILE, NULL };
        for (const char *const *f = stale; *f; f++) {
            char *p = path_join(goroot, *f);
            rm_rf(p);
            free(p);
        }
        strlist env = { 0 };
        sl_add(&env, "PATH=/usr/local/bin:/usr/bin:/bin");
        sl_add(&env, "LC_ALL=C");
        sl_add_owned(&env, xasprintf("HOME=%s", j->dest));
        sl_add_owned(&env, xasprintf("GOROOT_BOOTSTRAP=%s", j->s->bootstrap));
        sl_add_owned(&env, xasprintf("GOCACHE=%s/gocache", j->dest));
        sl_add(&env, "GOTOOLCHAIN=local");
        sl_add(&env, "GOFLAGS=");
        sl_add_owned(&env, NULL);
        const char *mk[] = { "bash", "make.bash", NULL };
        rc = run_logged(j->s, mk, (const char *const *)env.v, srcdir, log, &j->err);
        sl_free(&env);
    }
    free(log);
    free(srcdir);
    free(from);
    free(goroot);
    return rc;
}

int srcbuild_build(const srcbuild_spec *s, srcbuild_result *r, char **err)
{
    memset(r, 0, sizeof *r);
    char *mk = path_join(s->src, "src/make.bash");
    bool tree = file_exists(mk);
    free(mk);
    if (!tree) {
        *err = xasprintf("%s is not a Go source tree (no src/make.bash)", s->src);
        return -1;
    }
    r->name = s->name ? xstrdup(s->name) : default_name(s->src);
    if (!r->name || !srcbuild_name_ok(r->name)) {
        *err = r->name ? xasprintf("bad toolchain name `%s`: it must start with go1.N and use only letters, digits, `.`, `_`, `-`", r->name)
                       : xasprintf("%s has no VERSION or internal/goversion: name the toolchain with --name go1.N-…", s->src);
        return -1;
    }
    char *gob = xasprintf("%s/bin/go", s->bootstrap);
    bool boot = is_executable(gob);
    free(gob);
    if (!boot) {
        *err = xasprintf("bootstrap %s has no bin/go (name a GOROOT with --bootstrap)", s->bootstrap);
        return -1;
    }
    double t0 = now_ms();
    r->hash = hash_source(s->src);
    char *dest = xasprintf("%s/goroots/%016llx", s->cachedir, (unsigned long long)r->hash);
    char *ok = path_join(dest, "ok");
    r->cached = file_exists(ok);
    if (!r->cached && s->say)
        fprintf(stderr, "gocompat: building %s from %s with GOROOT_BOOTSTRAP=%s (make.bash: minutes)\n", r->name, s->src, s->bootstrap);
    struct make_job j = { s, dest, NULL };
    int rc;
    r->go = cache_program(dest, "go/bin/go", make_toolchain, &j, &rc);
    r->log = path_join(dest, "make.log");
    r->seconds = (now_ms() - t0) / 1e3;
    if (r->go) {
        char *label = path_join(dest, "go/" LABEL_FILE);
        write_file_atomic(label, r->name, strlen(r->name));
        free(label);
    } else
        *err = j.err ? j.err : xstrdup("make.bash failed");
    if (r->go && j.err) free(j.err);
    free(ok);
    free(dest);
    return r->go ? 0 : -2;
}

void srcbuild_result_free(srcbuild_result *r)
{
    free(r->go);
    free(r->name);
    free(r->log);
}

void srcbuild_candidates(const char *cachedir, strlist *out)
{
    char *pat = xasprintf("%s/goroots/*/go/bin/go", cachedir);
    glob_t g;
    if (glob(pat, 0, NULL, &g) == 0)
        for (size_t i = 0; i < g.gl_pathc; i++) {
            /* Only finished builds: a failed or running one has no `ok`. */
            const char *go = g.gl_pathv[i];
            char *ok = xasprintf("%.*s/ok", (int)(strlen(go) - strlen("/go/bin/go")), go);
            if (file_exists(ok)) sl_add(out, go);
            free(ok);
        }
    globfree(&g);
    free(pat);
}
