#define _GNU_SOURCE
#include "cli_common.h"
#include "config.h"
#include "arch.h"
#include "datadir.h"
#include "srcbuild.h"
#include "table.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { OPT_NO_DISCOVER = 256, OPT_SRCDIR, OPT_CACHE, OPT_HOST, OPT_OUT, OPT_RESUME, OPT_SHARD, OPT_SEED,
       OPT_NO_TABLE, OPT_TIMEOUT_MULT, OPT_JSON, OPT_EXPECTATIONS, OPT_NO_EXPECTATIONS, OPT_ARCH, OPT_RERUN };

static const struct option LONG_OPTS[] = {
    { "go", required_argument, NULL, 'g' },
    { "no-discover", no_argument, NULL, OPT_NO_DISCOVER },
    { "toolchain", required_argument, NULL, 't' },
    { "srcdir", required_argument, NULL, OPT_SRCDIR },
    { "cache", required_argument, NULL, OPT_CACHE },
    { "jobs", required_argument, NULL, 'j' },
    { "area", required_argument, NULL, 'a' },
    { "case", required_argument, NULL, 'c' },
    { "host", required_argument, NULL, OPT_HOST },
    { "buildmode", required_argument, NULL, 'm' },
    { "out", required_argument, NULL, 'o' },
    { "resume", no_argument, NULL, OPT_RESUME },
    { "rerun", required_argument, NULL, OPT_RERUN },
    { "shard", required_argument, NULL, OPT_SHARD },
    { "seed", required_argument, NULL, OPT_SEED },
    { "quiet", no_argument, NULL, 'q' },
    { "verbose", no_argument, NULL, 'v' },
    { "no-table", no_argument, NULL, OPT_NO_TABLE },
    { "timeout-mult", required_argument, NULL, OPT_TIMEOUT_MULT },
    { "json", no_argument, NULL, OPT_JSON },
    { "expectations", required_argument, NULL, OPT_EXPECTATIONS },
    { "no-expectations", no_argument, NULL, OPT_NO_EXPECTATIONS },
    { "arch", required_argument, NULL, OPT_ARCH },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static void split_into(strlist *l, const char *v) { sl_split(l, v, ","); }

double opt_double(const char *what, const char *v, double lo, double hi)
{
    double d = 0;
    const char *why = parse_double(v, lo, hi, &d);
    if (why) gc_die(GC_EXIT_USAGE, "%s wants a number in %g..%g, not '%s' (%s)", what, lo, hi, v, why);
    return d;
}

long long opt_int(const char *what, const char *v, long long lo, long long hi)
{
    long long n = 0;
    const char *why = parse_llong(v, lo, hi, &n);
    if (why) gc_die(GC_EXIT_USAGE, "%s wants a whole number in %lld..%lld, not '%s' (%s)", what, lo, hi, v, why);
    return n;
}

const char *output_or_die(const char *path)
{
    char *why = output_problem(path);
    if (why) gc_die(GC_EXIT_USAGE, "%s", why);
    return path;
}

/* A multiplier outside this range would turn every deadline into 0 (none)
 * or into years; either way a hanging probe would hang the run. */
#define TIMEOUT_MULT_MIN 0.01
#define TIMEOUT_MULT_MAX 1000.0

static double env_mult(const char *name, double dflt)
{
    const char *v = getenv(name);
    return v && *v ? opt_double(name, v, TIMEOUT_MULT_MIN, TIMEOUT_MULT_MAX) : dflt;
}

/* ---- how a run looks on a terminal ---- */

/* On a terminal one line rewritten in place; into a log the first, the
 * last and one every 10 s. */
static void show_progress(void *ctx, const char *phase, size_t done, size_t total, const char *what, const char *status)
{
    (void)ctx;
    static double last;
    if (isatty(2)) {
        fprintf(stderr, "\r\033[K[%s %zu/%zu] %s%s%s", phase, done, total, what, status ? ": " : "", status ? status : "");
        if (done == total) fputc('\n', stderr);
        return;
    }
    double now = now_ms();
    if (done == total || now - last > 10000 || done == 1) {
        fprintf(stderr, "gocompat: [%s %zu/%zu] %s%s%s\n", phase, done, total, what, status ? ": " : "", status ? status : "");
        last = now;
    }
}

static void show_table(void *ctx, json_t *records)
{
    (void)ctx;
    char *t = table_render(records, isatty(1));
    fputs(t, stdout);
    free(t);
}

/* PATH as probes, which run in folders of their own, must see it: absolute.
 * A path that cannot be resolved stays as given, for the caller to report. */
static const char *absolute(const char *path, char **owned)
{
    if (path[0] == '/') return path;
    char *abs = realpath(path, NULL);
    if (!abs) return path;
    free(*owned);
    return *owned = abs;
}

/* What the options leave to the environment: the project folder, the
 * cache, the compilers, this program's own path. Dies (exit 2) when the
 * project folder has no cases or the cache cannot be made. */
static void common_setup(common_opts *o)
{
    o->srcdir = absolute(data_dir(o->srcdir), &o->owned_srcdir);
    char *cases = path_join(o->srcdir, "cases");
    if (!file_exists(cases))
        gc_die(GC_EXIT_USAGE, "%s has no cases/ folder; install gocompat (make install), or point --srcdir or "
               "GOCOMPAT_SRCDIR at its source tree", o->srcdir);
    free(cases);
    if (!o->cachedir) o->cachedir = getenv("GOCOMPAT_CACHE");
    if (!o->cachedir || !*o->cachedir) {
        const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
        o->owned_cachedir = xdg && *xdg ? xasprintf("%s/gocompat", xdg) : xasprintf("%s/.cache/gocompat", home ? home : "/tmp");
        o->cachedir = o->owned_cachedir;
    }
    if (mkdir_p(o->cachedir, 0755) < 0) gc_die(GC_EXIT_USAGE, "cannot create cache %s: %s", o->cachedir, strerror(errno));
    o->cachedir = absolute(o->cachedir, &o->owned_cachedir);
    if (o->cachedir[0] != '/') gc_die(GC_EXIT_USAGE, "cannot resolve cache %s: %s", o->cachedir, strerror(errno));
    o->m.rc.b.srcdir = o->srcdir;
    o->m.rc.b.cachedir = o->cachedir;
    o->m.rc.cc = getenv("CC") && *getenv("CC") ? getenv("CC") : GC_HOST_CC;
    o->m.rc.python = getenv("GOCOMPAT_PYTHON") && *getenv("GOCOMPAT_PYTHON") ? getenv("GOCOMPAT_PYTHON") : GC_PYTHON;
    o->m.rc.self = self_exe();
    extern volatile sig_atomic_t gc_interrupted;
    o->m.rc.b.interrupted = &gc_interrupted;
}

int common_parse(int argc, char **argv, common_opts *o, const char *help)
{
    memset(o, 0, sizeof *o);
    o->m.started_ms = now_ms(); /* toolchain discovery is timed from here */
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    o->m.jobs = ncpu > 0 ? (int)ncpu : 1;
    bool table = true;
    o->m.out = "results/matrix.json";
    o->m.rc.seed = 20261123;
    o->m.rc.b.timeout_mult = env_mult("GOCOMPAT_TIMEOUT_MULT", 1.0);
    o->m.rc.emu_timeout_mult = env_mult("GOCOMPAT_EMU_TIMEOUT_MULT", 5.0);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "g:t:j:a:c:m:o:qvh", LONG_OPTS, NULL)) != -1) {
        const char *why;
        switch (c) {
        case 'g': sl_add(&o->go, optarg); break;
        case OPT_NO_DISCOVER: o->no_discover = true; break;
        case 't': split_into(&o->toolchains, optarg); break;
        case OPT_SRCDIR: o->srcdir = optarg; break;
        case OPT_CACHE: o->cachedir = optarg; break;
        case 'j': o->m.jobs = (int)opt_int("--jobs", optarg, 1, 256); break;
        case 'a': split_into(&o->m.areas, optarg); break;
        case 'c': split_into(&o->m.cases, optarg); break;
        case OPT_HOST:
            split_into(&o->m.hosts, optarg);
            for (size_t i = 0; i < o->m.hosts.n; i++)
                if (!host_known(o->m.hosts.v[i])) gc_die(GC_EXIT_USAGE, "unknown host '%s'", o->m.hosts.v[i]);
            break;
        case 'm':
            split_into(&o->m.modes, optarg);
            for (size_t i = 0; i < o->m.modes.n; i++)
                if (!buildmode_known(o->m.modes.v[i])) gc_die(GC_EXIT_USAGE, "unknown build mode '%s'", o->m.modes.v[i]);
            break;
        case 'o':
            if (!*optarg) gc_die(GC_EXIT_USAGE, "-o wants a file name, not an empty one");
            o->m.out = optarg;
            break;
        case OPT_RESUME: o->m.resume = true; break;
        case OPT_RERUN:
            if (!*optarg) gc_die(GC_EXIT_USAGE, "--rerun wants a case glob (area/name), not an empty one");
            split_into(&o->m.rerun, optarg);
            break;
        case OPT_SHARD:
            if ((why = parse_shard(optarg, 1000000, &o->m.shard_k, &o->m.shard_n)))
                gc_die(GC_EXIT_USAGE, "--shard wants K/N with 1 <= K <= N <= 1000000, not '%s' (%s)", optarg, why);
            break;
        case OPT_SEED: o->m.rc.seed = (uint64_t)opt_int("--seed", optarg, 0, INT64_MAX); break;
        case 'q': o->m.quiet = true; break;
        case 'v': gc_verbose++; break;
        case OPT_NO_TABLE: table = false; break;
        case OPT_TIMEOUT_MULT:
            o->m.rc.b.timeout_mult = opt_double("--timeout-mult", optarg, TIMEOUT_MULT_MIN, TIMEOUT_MULT_MAX);
            break;
        case OPT_JSON: o->json = true; break;
        case OPT_EXPECTATIONS: o->expectations = optarg; break;
        case OPT_NO_EXPECTATIONS: o->no_expectations = true; break;
        case OPT_ARCH: o->arch = optarg; break;
        case 'h': fputs(help, stdout); exit(GC_EXIT_OK);
        default: fprintf(stderr, "Try 'gocompat %s --help'.\n", argv[0]); exit(GC_EXIT_USAGE);
        }
    }
    o->m.events = (run_events){ .progress = o->m.quiet ? NULL : show_progress, .written = table ? show_table : NULL };
    common_setup(o);
    return optind;
}

void common_free(common_opts *o)
{
    sl_free(&o->go);
    sl_free(&o->toolchains);
    sl_free(&o->m.areas);
    sl_free(&o->m.cases);
    sl_free(&o->m.rerun);
    sl_free(&o->m.hosts);
    sl_free(&o->m.modes);
    free(o->owned_cachedir);
    o->owned_cachedir = NULL;
    free(o->owned_srcdir);
    o->owned_srcdir = NULL;
}

/* What builds need from the machine, checked once up front: a failure
 * here is the environment's, and must not become a cell's result. */
static void preflight_environment(const common_opts *o, const toolchain_set *set)
{
    struct stat st;
    if (stat(o->cachedir, &st) == 0 && !S_ISDIR(st.st_mode)) errno = ENOTDIR;
    else if (access(o->cachedir, W_OK) == 0) errno = 0;
    if (errno)
        gc_die(GC_EXIT_USAGE, "cannot write the build cache %s: %s (set GOCOMPAT_CACHE or --cache)", o->cachedir, strerror(errno));
    const char *need[2] = { o->m.rc.cc, NULL };
    for (size_t i = 0; i < set->n && !need[1]; i++)
        if (!set->v[i].error && !set->v[i].foreign) need[1] = set->v[i].cc && *set->v[i].cc ? set->v[i].cc : "gcc";
    for (size_t i = 0; i < 2; i++) {
        char *found = need[i] ? find_program(need[i]) : (char *)"";
        if (!found) gc_die(GC_EXIT_USAGE, "C compiler '%s' not found%s (check PATH and CC); nothing was built", need[i],
                           i ? ", which cgo needs" : " for the C hosts");
        if (need[i]) free(found);
    }
}

void common_toolchains(common_opts *o, toolchain_set *set, bool need_usable)
{
    strlist cand = { 0 };
    toolchain_candidates(&cand, !o->no_discover, GC_WITH_GO, &o->go);
    if (!o->no_discover) srcbuild_candidates(o->cachedir, &cand);
    toolchain_discover(set, &cand, (int)(30000 * o->m.rc.b.timeout_mult));
    sl_free(&cand);
    char *err = NULL;
    if (arch_expand(set, o->arch, &err) < 0) gc_die(GC_EXIT_USAGE, "%s", err);
    if (o->toolchains.n) {
        for (size_t i = 0; i < set->n; i++) {
            toolchain *t = &set->v[i];
            if (t->error) continue;
            bool keep = false;
            for (size_t k = 0; k < o->toolchains.n && !keep; k++) {
                toolchain_set one = { t, 1 };
                keep = toolchain_find(&one, o->toolchains.v[k]) != NULL;
            }
            if (!keep) t->error = xstrdup("not selected (--toolchain)");
        }
    }
    size_t usable = 0;
    for (size_t i = 0; i < set->n; i++) {
        if (!set->v[i].error) usable++;
        else if (!str_prefix(set->v[i].error, "not selected") && !str_prefix(set->v[i].error, "same release"))
            gc_warn("%s: %s (skipped)", set->v[i].path, set->v[i].error);
    }
    if (need_usable && !usable)
        gc_die(GC_EXIT_USAGE, "no usable Go toolchain (looked in /usr/lib/go-*/bin, PATH%s%s); install them with "
               "scripts/setup or name one with --go PATH", o->toolchains.n ? ", filtered by --toolchain" : "",
               o->no_discover ? "; --no-discover given" : "");
    if (need_usable) preflight_environment(o, set);
}

void common_cases(common_opts *o, case_set *set)
{
    char *root = path_join(o->srcdir, "cases");
    strlist errs = { 0 };
    memset(set, 0, sizeof *set);
    int bad = case_load_dir(root, set, &errs);
    for (size_t i = 0; i < errs.n; i++) fprintf(stderr, "%s\n", errs.v[i]);
    sl_free(&errs);
    free(root);
    if (bad) gc_die(GC_EXIT_USAGE, "%d malformed case descriptor%s; nothing was run", bad, bad == 1 ? "" : "s");
}
