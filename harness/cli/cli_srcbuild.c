/* `gocompat toolchains --build SRC`: a toolchain from a Go source tree. */
#include "cli.h"
#include "cli_common.h"
#include "srcbuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { const char *src, *name, *bootstrap; } build_args;

/* Take --build, --name and --bootstrap (as `--opt V` or `--opt=V`) out of
 * argv, so the common options parse the rest. */
static int take_build_args(int argc, char **argv, build_args *b)
{
    static const char *const keys[] = { "--build", "--name", "--bootstrap" };
    const char **slots[] = { &b->src, &b->name, &b->bootstrap };
    int out = 1;
    for (int i = 1; i < argc; i++) {
        bool taken = false;
        for (int k = 0; k < 3 && !taken; k++) {
            size_t n = strlen(keys[k]);
            if (strncmp(argv[i], keys[k], n)) continue;
            if (argv[i][n] == '=') *slots[k] = argv[i] + n + 1, taken = true;
            else if (!argv[i][n]) {
                if (i + 1 >= argc) gc_die(GC_EXIT_USAGE, "%s needs a value", keys[k]);
                *slots[k] = argv[++i];
                taken = true;
            }
        }
        if (!taken) argv[out++] = argv[i];
    }
    argv[out] = NULL;
    return out;
}

bool toolchains_build_requested(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--build") || !strncmp(argv[i], "--build=", 8)) return true;
    return false;
}

/* The newest installed toolchain (not one built here) bootstraps. */
static char *default_bootstrap(common_opts *o)
{
    toolchain_set tcs;
    common_toolchains(o, &tcs, true);
    char *built = path_join(o->cachedir, "goroots/");
    char *goroot = NULL;
    for (size_t i = tcs.n; i-- > 0 && !goroot;) {
        const toolchain *t = &tcs.v[i];
        if (!t->error && !t->foreign && t->goroot && !str_prefix(t->path, built)) goroot = xstrdup(t->goroot);
    }
    free(built);
    toolchain_set_free(&tcs);
    return goroot;
}

int toolchains_build(int argc, char **argv, const char *help)
{
    build_args b = { 0 };
    argc = take_build_args(argc, argv, &b);
    if (!b.src || !*b.src) gc_die(GC_EXIT_USAGE, "--build needs a Go source tree");
    if (b.name && !srcbuild_name_ok(b.name))
        gc_die(GC_EXIT_USAGE, "bad --name `%s`: it must start with go1.N and use only letters, digits, `.`, `_`, `-`", b.name);
    common_opts o;
    if (common_parse(argc, argv, &o, help) < argc) gc_die(GC_EXIT_USAGE, "unexpected argument `%s`", argv[argc - 1]);
    char *boot = b.bootstrap ? xstrdup(b.bootstrap) : default_bootstrap(&o);
    if (!boot) gc_die(GC_EXIT_USAGE, "no installed Go toolchain to bootstrap with; name a GOROOT with --bootstrap");
    srcbuild_spec s = { o.cachedir, b.src, b.name, boot, o.m.rc.b.timeout_mult, o.m.rc.b.interrupted, true };
    srcbuild_result r;
    char *err = NULL;
    int rc = srcbuild_build(&s, &r, &err);
    if (rc == -1) gc_die(GC_EXIT_USAGE, "%s", err);
    int status = GC_EXIT_OK;
    if (rc < 0) {
        fprintf(stderr, "gocompat: %s\ngocompat: make.bash log: %s\n", err, r.log ? r.log : "-");
        status = o.m.rc.b.interrupted && *o.m.rc.b.interrupted ? GC_EXIT_INTERRUPTED : GC_EXIT_UNEXPECTED;
    } else
        printf("%s %s (source %016llx, %s in %.1f s; select it with -t %s)\n", r.name, r.go, (unsigned long long)r.hash,
               r.cached ? "cached" : "built", r.seconds, r.name);
    free(err);
    free(boot);
    srcbuild_result_free(&r);
    common_free(&o);
    return status;
}
