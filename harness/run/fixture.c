#define _GNU_SOURCE
#include "fixture.h"
#include "proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bump when the way fixtures are built changes, so old cache entries die. */
#define BUILD_RECIPE "gocompat-build-4"
#define BUILD_TIMEOUT_MS (600 * 1000)

const char *build_status_name(build_status s)
{
    static const char *const n[] = { "ok", "build-fail", "unsupported", "error", "interrupted" };
    return n[s];
}

bool build_output_unsupported(const char *t)
{
    return strstr(t, "not supported on ") || strstr(t, "not supported for ");
}

char *toolchain_gocache(const build_ctx *ctx, const toolchain *tc)
{
    return xasprintf("%s/go/%s-%s/gocache", ctx->cachedir, tc->version, tc->goarch);
}

static void list_files(const char *dir, strlist *out)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    struct stat st;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char *p = path_join(dir, e->d_name);
        /* stat, not d_type: a symlinked source file is a source file. */
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) sl_add(out, e->d_name);
        free(p);
    }
    closedir(d);
    sl_sort(out);
}

char *fixture_dir(const build_ctx *ctx, const char *fixture)
{
    char *gosrc = path_join(ctx->srcdir, "gosrc");
    char *d = path_join(gosrc, fixture); /* an absolute fixture is the user's own folder */
    free(gosrc);
    return d;
}

char *fixture_module_root(const char *pkgdir)
{
    char *d = realpath(pkgdir, NULL);
    while (d) {
        char *m = path_join(d, "go.mod");
        bool found = file_exists(m);
        free(m);
        if (found) return d;
        if (!strcmp(d, "/")) break;
        char *up = path_dirname(d);
        free(d);
        d = up;
    }
    free(d);
    return NULL;
}

/* Folders a go.mod's `replace … => ./path` lines put into the build. */
static void local_replacements(const char *root, strlist *out)
{
    char *gomod = path_join(root, "go.mod");
    char *text = read_file(gomod, NULL);
    free(gomod);
    char *save = NULL;
    for (char *line = text ? strtok_r(text, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
        char *arrow = strstr(line, "=>");
        if (!arrow) continue;
        char *t = trim(arrow + 2);
        t[strcspn(t, " \t\r")] = 0;
        if (str_prefix(t, "./") || str_prefix(t, "../") || t[0] == '/') sl_add_owned(out, path_join(root, t));
    }
    free(text);
}

static uint64_t hash_str(uint64_t h, const char *s) { return fnv1a64(h, s, strlen(s) + 1); }

char *fixture_key(const build_ctx *ctx, const toolchain *tc, const char *fixture, const char *mode,
                  const strlist *flags, const strlist *env)
{
    char *dir = fixture_dir(ctx, fixture);
    strlist files = { 0 };
    list_files(dir, &files);
    bool empty = files.n == 0;
    sl_free(&files);
    if (empty) {
        free(dir);
        return NULL;
    }
    uint64_t h = FNV1A64_INIT;
    h = hash_str(h, BUILD_RECIPE);
    h = hash_str(h, tc->version);
    h = hash_str(h, tc->path);
    h = hash_str(h, tc->goos);
    h = hash_str(h, tc->goarch);
    h = hash_str(h, tc->cc ? tc->cc : "");
    h = hash_str(h, mode);
    h = hash_str(h, fixture);
    for (size_t i = 0; flags && i < flags->n; i++) h = hash_str(h, flags->v[i]);
    h = hash_str(h, "|");
    for (size_t i = 0; env && i < env->n; i++) h = hash_str(h, env->v[i]);
    /* The build reads any package of its module (or, without a module, of
     * the folder), go.mod, go.sum, vendor/, embedded files, cgo's C files
     * and the modules local replacements point at: hash all of it. */
    char *root = fixture_module_root(dir);
    h = hash_str(h, root ? "module" : "folder");
    h = fnv1a64_tree(h, root ? root : dir);
    strlist repl = { 0 };
    if (root) local_replacements(root, &repl);
    for (size_t i = 0; i < repl.n; i++) {
        h = hash_str(h, repl.v[i]);
        h = fnv1a64_tree(h, repl.v[i]);
    }
    sl_free(&repl);
    free(root);
    free(dir);
    return xasprintf("%s-%s-%016llx", tc->version, mode, (unsigned long long)h);
}

static const char *artifact_name(const char *mode, const char *fx, char **header)
{
    static __thread char buf[256];
    *header = NULL;
    if (!strcmp(mode, "c-shared")) { snprintf(buf, sizeof buf, "lib%s.so", fx); *header = xasprintf("lib%s.h", fx); }
    else if (!strcmp(mode, "c-archive")) { snprintf(buf, sizeof buf, "lib%s.a", fx); *header = xasprintf("lib%s.h", fx); }
    else if (!strcmp(mode, "plugin")) snprintf(buf, sizeof buf, "%s.so", fx);
    else if (!strcmp(mode, "shared")) snprintf(buf, sizeof buf, "pkg/libgocompat-%s.so", fx);
    else snprintf(buf, sizeof buf, "%s", fx);
    return buf;
}

static int copy_file(const char *from, const char *to)
{
    size_t len;
    char *d = read_file(from, &len);
    if (!d) return -1;
    FILE *f = fopen(to, "w");
    int rc = f && fwrite(d, 1, len, f) == len ? 0 : -1;
    if (f && fclose(f) != 0) rc = -1;
    free(d);
    return rc;
}

static char *joined_argv(const char *const *argv)
{
    strbuf b;
    sb_init(&b);
    for (size_t i = 0; argv[i]; i++) {
        if (i) sb_add(&b, " ");
        bool q = strpbrk(argv[i], " \"'$") != NULL;
        sb_addf(&b, q ? "'%s'" : "%s", argv[i]);
    }
    return sb_take(&b);
}

/* Runs one build step; on failure fills status/stderr. Returns 0 on success. */
static int step(const build_ctx *ctx, const char *const *argv, char **env, const char *cwd, json_t *cmds,
                build_status *st, char **errtext)
{
    char *line = joined_argv(argv);
    json_array_append_new(cmds, json_string(line));
    free(line);
    proc_spec s = { .argv = argv, .envp = (const char *const *)env, .cwd = cwd,
                    .timeout_ms = (int)(BUILD_TIMEOUT_MS * ctx->timeout_mult), .capture_limit = 16384,
                    .interrupted = ctx->interrupted };
    proc_result r;
    proc_run(&s, &r);
    int rc = 0;
    if (r.kind == PROC_EXIT && r.code == 0) {
        proc_result_free(&r);
        return 0;
    }
    char *e = capture_text(&r.err);
    char *o = capture_text(&r.out);
    if (r.kind == PROC_INTERRUPTED) *st = BUILD_INTERRUPTED;
    else if (r.kind == PROC_SPAWN_FAIL) { *st = BUILD_ERROR; free(e); e = xstrdup(r.spawn_error); }
    else if (r.kind == PROC_TIMEOUT) { *st = BUILD_ERROR; free(e); e = xasprintf("build timed out after %d ms", s.timeout_ms); }
    else if (r.kind == PROC_SIGNAL) { *st = BUILD_ERROR; char *x = xasprintf("build died of %s: %s", signal_name(r.sig), e); free(e); e = x; }
    else *st = build_output_unsupported(e) ? BUILD_UNSUPPORTED : BUILD_FAIL;
    if (!*e && *o) { free(e); e = o; o = NULL; }
    *errtext = e;
    free(o);
    proc_result_free(&r);
    rc = -1;
    return rc;
}

static char *first_lines(const char *s, int n)
{
    const char *p = s;
    for (int i = 0; i < n && p; i++) {
        p = strchr(p, '\n');
        if (p) p++;
    }
    return p ? xstrndup(s, (size_t)(p - s)) : xstrdup(s);
}

static void do_build(const build_ctx *ctx, const toolchain *tc, const char *fx, const char *mode,
                     const strlist *flags, const strlist *benv, fixture_build *b)
{
    char *gocache = toolchain_gocache(ctx, tc);
    mkdir_p(gocache, 0755);
    char *srcdir = fixture_dir(ctx, fx);
    char *modroot = fixture_module_root(srcdir);
    bool shared = strcmp(mode, "shared") == 0;
    strlist extra = { 0 };
    sl_add(&extra, "CGO_ENABLED=1");
    /* A package folder without a module builds as GOPATH mode does. */
    if (shared || !modroot) sl_add(&extra, "GO111MODULE=off");
    free(modroot);
    for (size_t i = 0; benv && i < benv->n; i++) sl_add(&extra, benv->v[i]);
    sl_add_owned(&extra, NULL);
    extra.n--;
    char *gopath = shared ? path_join(b->dir, "gopath") : xasprintf("%s/go/%s-%s/gopath", ctx->cachedir, tc->version, tc->goarch);
    char **env = toolchain_env(tc, gocache, gopath, (const char *const *)extra.v);
    json_t *cmds = json_array();
    build_status st = BUILD_OK;
    char *errtext = NULL;
    double t0 = now_ms();

    if (shared) {
        /* -buildmode=shared works on GOPATH packages: lay the fixture out as
         * gocompat/<fixture> and build only the runtime pieces it needs into a
         * private -pkgdir (the whole std would take minutes per toolchain). */
        char *pkgsrc = xasprintf("%s/src/gocompat/%s", gopath, fx);
        mkdir_p(pkgsrc, 0755);
        strlist files = { 0 };
        list_files(srcdir, &files);
        for (size_t i = 0; i < files.n; i++) {
            if (!str_suffix(files.v[i], ".go")) continue;
            char *a = path_join(srcdir, files.v[i]), *z = path_join(pkgsrc, files.v[i]);
            copy_file(a, z);
            free(a);
            free(z);
        }
        sl_free(&files);
        free(pkgsrc);
        char *imp = xasprintf("gocompat/%s", fx);
        const char *a1[] = { tc->path, "install", "-buildmode=shared", "-pkgdir", b->pkgdir, "runtime", "sync/atomic", NULL };
        if (step(ctx, a1, env, b->dir, cmds, &st, &errtext) == 0) {
            strlist a2 = { 0 };
            const char *pre[] = { tc->path, "install", "-buildmode=shared", "-linkshared", "-pkgdir", b->pkgdir };
            for (size_t i = 0; i < GC_ARRAY_LEN(pre); i++) sl_add(&a2, pre[i]);
            for (size_t i = 0; flags && i < flags->n; i++) sl_add(&a2, flags->v[i]);
            sl_add(&a2, imp);
            sl_add_owned(&a2, NULL);
            step(ctx, (const char *const *)a2.v, env, b->dir, cmds, &st, &errtext);
            a2.n--;
            sl_free(&a2);
        }
        free(imp);
    } else {
        strlist a = { 0 };
        sl_add(&a, tc->path);
        sl_add(&a, "build");
        sl_add_owned(&a, xasprintf("-buildmode=%s", mode));
        for (size_t i = 0; flags && i < flags->n; i++) sl_add(&a, flags->v[i]);
        sl_add(&a, "-o");
        sl_add(&a, b->artifact);
        sl_add(&a, ".");
        sl_add_owned(&a, NULL);
        step(ctx, (const char *const *)a.v, env, srcdir, cmds, &st, &errtext);
        a.n--;
        sl_free(&a);
    }
    if (st == BUILD_OK && !file_exists(b->artifact)) {
        st = BUILD_ERROR;
        errtext = xasprintf("the build succeeded but %s is missing", b->artifact);
    }
    b->status = st;
    json_t *info = json_object();
    json_object_set_new(info, "status", json_string(build_status_name(st)));
    json_object_set_new(info, "toolchain", json_string(tc->version));
    json_object_set_new(info, "buildmode", json_string(mode));
    json_object_set_new(info, "fixture", json_string(fx));
    json_object_set_new(info, "commands", cmds);
    json_object_set_new(info, "duration_ms", json_real(now_ms() - t0));
    if (errtext) {
        char *head = first_lines(errtext, 12);
        json_object_set_new(info, "stderr_head", json_string(head));
        free(head);
    }
    b->info = info;
    free(errtext);
    free(gopath);
    free(gocache);
    free(srcdir);
    sl_free(&extra);
    env_free(env);
}

void fixture_build_ensure(const build_ctx *ctx, const toolchain *tc, const char *fx, const char *mode,
                          const strlist *flags, const strlist *env, fixture_build *b)
{
    memset(b, 0, sizeof *b);
    b->key = fixture_key(ctx, tc, fx, mode, flags, env);
    if (!b->key) {
        b->status = BUILD_ERROR;
        b->info = json_pack("{s:s, s:s}", "status", "error", "stderr_head",
                            "fixture folder gosrc/<name> is missing or empty");
        return;
    }
    char *builds = path_join(ctx->cachedir, "builds");
    mkdir_p(builds, 0755);
    b->dir = path_join(builds, b->key);
    char *hdr = NULL;
    b->artifact = path_join(b->dir, artifact_name(mode, path_basename(fx), &hdr));
    if (hdr) { b->header = path_join(b->dir, hdr); free(hdr); }
    if (!strcmp(mode, "shared")) {
        b->pkgdir = path_join(b->dir, "pkg");
        b->gopath = path_join(b->dir, "gopath");
    }
    char *lockp = xasprintf("%s.lock", b->dir);
    char *infop = path_join(b->dir, "build.json");
    int lfd = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lfd >= 0) flock(lfd, LOCK_EX);
    json_error_t jerr;
    json_t *info = file_exists(infop) ? json_load_file(infop, 0, &jerr) : NULL;
    const char *st = json_string_value(json_object_get(info, "status"));
    if (st && (!strcmp(st, "ok") || !strcmp(st, "build-fail") || !strcmp(st, "unsupported"))) {
        b->cached = true;
        b->info = info;
        b->status = !strcmp(st, "ok") ? BUILD_OK : !strcmp(st, "build-fail") ? BUILD_FAIL : BUILD_UNSUPPORTED;
    } else {
        json_decref(info);
        rm_rf(b->dir); /* a half-built or errored entry from an earlier run */
        mkdir_p(b->dir, 0755);
        do_build(ctx, tc, fx, mode, flags, env, b);
        /* Harness-side errors and interruptions are not cached: retry next time. */
        if (b->status != BUILD_ERROR && b->status != BUILD_INTERRUPTED) {
            char *text = json_dumps(b->info, JSON_INDENT(2) | JSON_SORT_KEYS);
            if (write_file_atomic(infop, text, strlen(text)) < 0)
                gc_warn("cannot write %s: %s", infop, strerror(errno));
            free(text);
        }
    }
    if (lfd >= 0) close(lfd);
    free(lockp);
    free(infop);
    free(builds);
}

void fixture_build_free(fixture_build *b)
{
    free(b->key); free(b->dir); free(b->artifact); free(b->header);
    free(b->pkgdir); free(b->gopath);
    json_decref(b->info);
    memset(b, 0, sizeof *b);
}
