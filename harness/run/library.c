#define _GNU_SOURCE
#include "library.h"
#include "proc.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* What the package's own (non-test) Go files say about it. */
typedef struct {
    size_t files;
    char *package;     /* the first package clause's name */
    bool imports_c;
} pkg_scan;

static void skip_comments(const char **p, bool *in_block)
{
    for (;;) {
        while (**p == ' ' || **p == '\t') (*p)++;
        if (*in_block) {
            const char *e = strstr(*p, "*/");
            if (!e) { *p += strlen(*p); return; }
            *p = e + 2;
            *in_block = false;
        } else if (str_prefix(*p, "/*")) {
            *p += 2;
            *in_block = true;
        } else return;
    }
}

static void scan_file(const char *path, pkg_scan *s, strlist *exports)
{
    char *text = read_file(path, NULL);
    if (!text) return;
    bool in_block = false, in_import = false;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (str_prefix(line, "//export ")) {
            char *name = trim(line + 9);
            name[strcspn(name, " \t\r")] = 0;
            if (*name && !sl_has(exports, name)) sl_add(exports, name);
            continue;
        }
        const char *p = line;
        skip_comments(&p, &in_block);
        if (in_block || str_prefix(p, "//")) continue;
        char word[256];
        if (!s->package && sscanf(p, "package %255[A-Za-z0-9_]", word) == 1) s->package = xstrdup(word);
        if (str_prefix(p, "import \"C\"") || (in_import && str_prefix(p, "\"C\""))) s->imports_c = true;
        if (str_prefix(p, "import (")) in_import = true;
        else if (in_import && *p == ')') in_import = false;
    }
    free(text);
}

static int scan_package(const char *dir, pkg_scan *s, strlist *exports)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    strlist names = { 0 };
    struct dirent *e;
    while ((e = readdir(d)))
        if (str_suffix(e->d_name, ".go") && !str_suffix(e->d_name, "_test.go") && e->d_name[0] != '.' && e->d_name[0] != '_')
            sl_add(&names, e->d_name);
    closedir(d);
    sl_sort(&names);
    for (size_t i = 0; i < names.n; i++) {
        char *p = path_join(dir, names.v[i]);
        struct stat st;
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
            s->files++;
            scan_file(p, s, exports);
        }
        free(p);
    }
    sl_free(&names);
    return 0;
}

/* The module cache and flags the user's own `go build` would use, so an
 * offline build finds what the user already downloaded or vendored. */
static void user_buildenv(strlist *env)
{
    const char *flags = getenv("GOFLAGS");
    if (flags && *flags) sl_add_owned(env, xasprintf("GOFLAGS=%s", flags));
    const char *mc = getenv("GOMODCACHE"), *gp = getenv("GOPATH"), *home = getenv("HOME");
    if (mc && *mc) sl_add_owned(env, xasprintf("GOMODCACHE=%s", mc));
    else if (gp && *gp) sl_add_owned(env, xasprintf("GOMODCACHE=%.*s/pkg/mod", (int)strcspn(gp, ":"), gp));
    else sl_add_owned(env, xasprintf("GOMODCACHE=%s/go/pkg/mod", home ? home : "/tmp"));
}

int library_open(const char *dir, const char *pkg, library *lib, char **err)
{
    memset(lib, 0, sizeof *lib);
    char *want = pkg ? path_join(dir, pkg) : xstrdup(dir);
    lib->pkgdir = realpath(want, NULL);
    struct stat st;
    if (!lib->pkgdir || stat(lib->pkgdir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        *err = xasprintf("%s: %s", want, lib->pkgdir ? "not a folder" : strerror(errno));
        free(want);
        return -1;
    }
    pkg_scan s = { 0 };
    scan_package(lib->pkgdir, &s, &lib->exports);
    if (!s.files)
        *err = xasprintf("%s: not a Go package (no .go files)%s", want, pkg ? "" : "; for a module root, name the package with --pkg PATH");
    else if (!s.package || strcmp(s.package, "main"))
        *err = xasprintf("%s: package %s is not main; -buildmode=c-shared and c-archive build only a main package", want,
                         s.package ? s.package : "(none)");
    else if (!s.imports_c)
        *err = xasprintf("%s: no file imports \"C\"; //export needs cgo", want);
    else if (!lib->exports.n)
        *err = xasprintf("%s: no //export comment: the library gives C nothing to call", want);
    free(s.package);
    free(want);
    if (*err) return -1;
    lib->modroot = fixture_module_root(lib->pkgdir);
    user_buildenv(&lib->buildenv);
    return 0;
}

void library_free(library *lib)
{
    free(lib->pkgdir);
    free(lib->modroot);
    sl_free(&lib->exports);
    sl_free(&lib->buildenv);
    memset(lib, 0, sizeof *lib);
}

int library_preflight(const build_ctx *ctx, const toolchain *tc, const library *lib, char **err)
{
    char *gocache = toolchain_gocache(ctx, tc);
    char *gopath = xasprintf("%s/go/%s-%s/gopath", ctx->cachedir, tc->version, tc->goarch);
    strlist extra = { 0 };
    sl_add(&extra, "CGO_ENABLED=1");
    if (!lib->modroot) sl_add(&extra, "GO111MODULE=off");
    for (size_t i = 0; i < lib->buildenv.n; i++) sl_add(&extra, lib->buildenv.v[i]);
    sl_add_owned(&extra, NULL);
    extra.n--;
    char **env = toolchain_env(tc, gocache, gopath, (const char *const *)extra.v);
    const char *argv[] = { tc->path, "list", "-e", "-deps", "-f",
                           "{{with .Error}}{{$.ImportPath}}: {{.Err}}{{\"\\n\"}}{{end}}", ".", NULL };
    proc_spec s = { .argv = argv, .envp = (const char *const *)env, .cwd = lib->pkgdir,
                    .timeout_ms = (int)(120000 * ctx->timeout_mult), .capture_limit = 16384,
                    .interrupted = ctx->interrupted };
    proc_result r;
    proc_run(&s, &r);
    char *out = capture_text(&r.out), *errs = capture_text(&r.err);
    const char *text = *trim(out) ? out : trim(errs);
    *err = NULL;
    if (r.kind == PROC_EXIT && *text) {
        char *line = xstrndup(text, strcspn(text, "\n"));
        *err = xasprintf("%s: a dependency does not resolve offline (GOPROXY=off, GOMODCACHE and vendor/ as for "
                         "the build): %s", lib->pkgdir, line);
        free(line);
    }
    /* A go list that cannot run is left for the builds to report per cell. */
    free(out);
    free(errs);
    proc_result_free(&r);
    env_free(env);
    sl_free(&extra);
    free(gopath);
    free(gocache);
    return *err ? -1 : 0;
}

/* The probe naming every export, so that each host links them by name. */
static char *load_probe_source(const library *lib)
{
    strbuf b;
    sb_init(&b);
    sb_add(&b, "/* Generated by gocompat check: resolve every //export of the library. */\n"
               "#define _GNU_SOURCE\n#include <dlfcn.h>\n#include <stddef.h>\n#include <time.h>\n#include \"probe.h\"\n\n"
               "#ifdef GC_HOST_THREAD\n#define GC_STARTED_THREADS 3 /* and the probe's own */\n#else\n"
               "#define GC_STARTED_THREADS 2\n#endif\n\n"
               "static const char *const names[] = {");
    for (size_t i = 0; i < lib->exports.n; i++) sb_addf(&b, " \"%s\",", lib->exports.v[i]);
    sb_add(&b, " NULL };\n\nvoid probe_main(int argc, char **argv)\n{\n    (void)argc;\n    (void)argv;\n"
               "#ifndef GC_HOST_DLOPEN\n"
               "    /* volatile: the addresses must reach the program, so the linker keeps the\n"
               "     * library (or pulls the archive's object) and its runtime starts. */\n"
               "    void *volatile linked[] = {");
    for (size_t i = 0; i < lib->exports.n; i++) sb_addf(&b, " (void *)&%s,", lib->exports.v[i]);
    sb_add(&b, " NULL };\n#endif\n"
               "    int resolved = 0;\n"
               "    for (int i = 0; names[i]; i++) {\n"
               "#ifdef GC_HOST_DLOPEN\n"
               "        void *p = gc_sym(names[i]);\n"
               "#else\n"
               "        void *p = dlsym(RTLD_DEFAULT, names[i]);\n"
               "        if (!p) p = linked[i]; /* a static archive's symbols are not dynamic */\n"
               "#endif\n"
               "        if (!p) { gc_fail(\"%s does not resolve\", names[i]); return; }\n"
               "        resolved++;\n"
               "    }\n"
               "    gc_fact(\"resolved\", \"%d\", resolved);\n"
               "    /* The runtime starts on its own thread; a host thread runs this probe in c-threads. */\n"
               "    long want = GC_STARTED_THREADS;\n"
               "    struct timespec ms = { 0, 10 * 1000 * 1000 };\n"
               "    for (int i = 0; i < 500 && gc_status_field(\"Threads\") < want; i++) nanosleep(&ms, NULL);\n"
               "    gc_fact(\"threads\", \"%ld\", gc_status_field(\"Threads\"));\n"
               "    if (gc_status_field(\"Threads\") < want) { gc_fail(\"no Go runtime thread within 5 s\"); return; }\n"
               "    gc_pass();\n}\n");
    return sb_take(&b);
}

static void bind_case(case_desc *c, const library *lib, const library_opts *o)
{
    free(c->fixture);
    c->fixture = xstrdup(lib->pkgdir);
    for (size_t i = 0; i < lib->buildenv.n; i++) sl_add(&c->buildenv, lib->buildenv.v[i]);
    strbuf b;
    sb_init(&b);
    for (size_t i = 0; i < lib->exports.n; i++) sb_addf(&b, "%s%s", i ? "," : "", lib->exports.v[i]);
    char *names = sb_take(&b);
    sl_add_owned(&c->env, xasprintf("GOCOMPAT_EXPORTS=%s", names));
    free(names);
    sb_init(&b);
    for (size_t i = 0; i < o->calls.n; i++) sb_addf(&b, "%s\n", o->calls.v[i]);
    char *calls = sb_take(&b);
    sl_add_owned(&c->env, xasprintf("GOCOMPAT_CALLS=%s", calls));
    free(calls);
    sl_add_owned(&c->env, xasprintf("GOCOMPAT_FAIL_IF=%s", o->fail_if ? o->fail_if : ""));
}

/* The user's own probes: NAME.c runs from every C host, NAME.py from
 * python-ctypes, as the case user/NAME. */
static int user_cases(const library_opts *o, case_set *set, char **err)
{
    DIR *d = opendir(o->tests);
    if (!d) {
        *err = xasprintf("tests folder %s: %s", o->tests, strerror(errno));
        return -1;
    }
    strlist names = { 0 };
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        bool py = str_suffix(e->d_name, ".py") && !str_suffix(e->d_name, ".inspect.py");
        if (e->d_name[0] == '.' || !(str_suffix(e->d_name, ".c") || py)) continue;
        char *base = xstrndup(e->d_name, n - (py ? 3 : 2));
        if (!sl_has(&names, base)) sl_add(&names, base);
        free(base);
    }
    closedir(d);
    sl_sort(&names);
    for (size_t i = 0; i < names.n && !*err; i++) {
        char *c_src = xasprintf("%s/%s.c", o->tests, names.v[i]), *py = xasprintf("%s/%s.py", o->tests, names.v[i]);
        char *path = xasprintf("%s/%s.case", o->tests, names.v[i]);
        char *text = xasprintf("fixture: library\nprobe: %s\nhosts:%s%s\nexpect: the user's test %s passes\n%s%d\n",
                               names.v[i], file_exists(c_src) ? " c-dlopen c-linked c-archive c-threads" : "",
                               file_exists(py) ? " python-ctypes" : "", names.v[i], "timeout: ",
                               o->test_timeout_s ? o->test_timeout_s : 30);
        case_desc c;
        if (case_parse(path, text, &c, err) == 0) {
            c.area = xstrdup("user");
            c.name = xstrdup(names.v[i]);
            c.id = xasprintf("user/%s", names.v[i]);
            set->v = xrealloc(set->v, (set->n + 1) * sizeof *set->v);
            set->v[set->n++] = c;
        }
        free(text);
        free(path);
        free(c_src);
        free(py);
    }
    sl_free(&names);
    return *err ? -1 : 0;
}

int library_cases(const build_ctx *ctx, const library *lib, const library_opts *o, case_set *set, char **err)
{
    memset(set, 0, sizeof *set);
    *err = NULL;
    char *root = path_join(ctx->srcdir, "checks");
    strlist errs = { 0 };
    int bad = case_load_dir(root, set, &errs);
    if (bad) *err = xasprintf("%s", errs.n ? errs.v[0] : "cannot read the generic cases");
    sl_free(&errs);
    free(root);
    if (bad) return -1;
    /* The generated probe lives in the cache, one folder per package. */
    char *gen = xasprintf("%s/check/%016llx", ctx->cachedir,
                          (unsigned long long)fnv1a64(FNV1A64_INIT, lib->pkgdir, strlen(lib->pkgdir)));
    mkdir_p(gen, 0755);
    char *src = load_probe_source(lib);
    char *path = path_join(gen, "load.c");
    if (write_file_atomic(path, src, strlen(src)) < 0) *err = xasprintf("cannot write %s: %s", path, strerror(errno));
    if (!*err && o->tests) user_cases(o, set, err);
    for (size_t i = 0; i < set->n && !*err; i++) {
        case_desc *c = &set->v[i];
        bind_case(c, lib, o);
        if (c->probe && !strcmp(c->probe, "load")) {
            free(c->dir);
            c->dir = xstrdup(gen);
        }
    }
    free(path);
    free(src);
    free(gen);
    return *err ? -1 : 0;
}

int library_read_calls(const char *path, strlist *calls, char **err)
{
    char *text = read_input(path, NULL, true, err);
    if (!text) return -1;
    char *save = NULL;
    for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        char *t = trim(l);
        if (*t && *t != '#') sl_add(calls, t);
    }
    free(text);
    return 0;
}

char *library_config_find(const char *pkgdir, const char *modroot)
{
    const char *dirs[] = { pkgdir, modroot };
    for (size_t i = 0; i < GC_ARRAY_LEN(dirs); i++) {
        if (!dirs[i]) continue;
        char *p = path_join(dirs[i], "gocompat-check.conf");
        if (file_exists(p)) return p;
        free(p);
    }
    return NULL;
}

static void set_owned(char **slot, char *v) { free(*slot); *slot = v; }

static char *config_line(library_config *cf, const char *key, const char *val, strbuf *xf, char *dir)
{
    if (!strcmp(key, "releases")) sl_split(&cf->releases, val, " \t,");
    else if (!strcmp(key, "buildmodes")) sl_split(&cf->modes, val, " \t,");
    else if (!strcmp(key, "hosts")) sl_split(&cf->hosts, val, " \t,");
    else if (!strcmp(key, "call")) sl_add(&cf->lo.calls, val);
    else if (!strcmp(key, "fail-if")) set_owned(&cf->lo.fail_if, xstrdup(val));
    else if (!strcmp(key, "tests")) set_owned(&cf->lo.tests, path_join(dir, val));
    else if (!strcmp(key, "xfail")) sb_add(xf, val);
    else if (!strcmp(key, "timeout")) {
        char *end;
        long t = strtol(val, &end, 10);
        if (*end || t < 1 || t > 3600) return xasprintf("timeout wants 1..3600 seconds, not `%s`", val);
        cf->lo.test_timeout_s = (int)t;
    } else
        return xasprintf("unknown key `%s` (releases, buildmodes, hosts, tests, call, fail-if, xfail, timeout)", key);
    return NULL;
}

int library_config_load(const char *path, library_config *cf, char **err)
{
    memset(cf, 0, sizeof *cf);
    *err = NULL;
    cf->path = xstrdup(path);
    char *text = read_file(path, NULL);
    if (!text) {
        *err = xasprintf("%s: %s", path, strerror(errno));
        return -1;
    }
    char *dir = path_dirname(path);
    strbuf xf;
    sb_init(&xf);
    int lineno = 0;
    char *next = text;
    while (next && !*err) {
        char *line = next, *nl = strchr(line, '\n');
        if (nl) { *nl = 0; next = nl + 1; } else next = NULL;
        lineno++;
        char *l = trim(line), *colon = strchr(l, ':');
        if (*l && *l != '#' && !colon) *err = xasprintf("%s:%d: expected `key: value`", path, lineno);
        else if (*l && *l != '#') {
            *colon = 0;
            char *why = config_line(cf, trim(l), trim(colon + 1), &xf, dir);
            if (why) *err = xasprintf("%s:%d: %s", path, lineno, why);
            free(why);
        }
        sb_add(&xf, "\n"); /* one line per line: expect_parse names the config's lines */
    }
    cf->xfail_text = sb_take(&xf);
    free(dir);
    free(text);
    return *err ? -1 : 0;
}

void library_config_free(library_config *cf)
{
    free(cf->path);
    sl_free(&cf->releases);
    sl_free(&cf->modes);
    sl_free(&cf->hosts);
    sl_free(&cf->lo.calls);
    free(cf->lo.fail_if);
    free(cf->lo.tests);
    free(cf->xfail_text);
    memset(cf, 0, sizeof *cf);
}
