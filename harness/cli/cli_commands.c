#define _GNU_SOURCE
#include "cli.h"
#include "cli_common.h"
#include "expectations.h"
#include "record.h"
#include "runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char MATRIX_HELP[] =
    "Usage: gocompat matrix [OPTION]...\n"
    "Build every fixture with every toolchain in every build mode its cases need,\n"
    "run every case from every host in a sandboxed child, and write the records\n"
    "to the matrix document (default results/matrix.json). Each record is also\n"
    "appended to OUT.journal as soon as it exists, so an interrupted run loses\n"
    "nothing: rerun with --resume to finish it.\n\n"
    "Options:\n" COMMON_OPTION_TEXT FILTER_OPTION_TEXT
    "  -j, --jobs=N          run N builds or probes at once (default: CPUs)\n"
    "  -o, --out=FILE        matrix document to write (default results/matrix.json)\n"
    "      --resume          keep the records of an interrupted run, run the rest\n"
    "      --rerun=GLOB      measure again the cells of the cases matching GLOB\n"
    "                        (repeatable) and keep every other record of OUT (or\n"
    "                        of the journal, with --resume); OUT as it was is\n"
    "                        kept as OUT.old\n"
    "      --force           replace OUT even when it holds records of cells this\n"
    "                        run does not select (by default that is refused,\n"
    "                        exit 2: a narrower run never replaces a wider one)\n"
    "      --shard=K/N       run only the K-th of N deterministic slices\n"
    "      --seed=N          seed for randomised case values (recorded)\n"
    "      --timeout-mult=X  scale every timeout (also GOCOMPAT_TIMEOUT_MULT)\n"
    "      --no-table        do not print the terminal table\n"
    "      --expectations=FILE  expected failures, one line each (GO-RANGE BUILDMODE\n"
    "                        HOST CASE LINK): fail becomes xfail, pass becomes xpass\n"
    "                        (default: results/expectations beside cases/)\n"
    "      --no-expectations ignore the expectations baseline\n"
    "  -q, --quiet           no progress\n\n"
    "Exit status: 0 all as expected, 1 unexpected fail/error/xpass, 2 usage or\n"
    "harness error, 130 interrupted (records kept).\n";

/* Takes --force out of argv; returns whether it was there. */
static bool take_force(int *argc, char **argv)
{
    bool force = false;
    int w = 0;
    for (int i = 0; i < *argc; i++) {
        if (!strcmp(argv[i], "--")) {
            while (i < *argc) argv[w++] = argv[i++];
            break;
        }
        if (!strcmp(argv[i], "--force")) force = true;
        else argv[w++] = argv[i];
    }
    argv[w] = NULL;
    *argc = w;
    return force;
}

/* A narrower run never replaces a wider document: exit 2 when OUT is a
 * matrix document holding records of cells this run does not select
 * (another -t, -c or --arch), naming how many and one of them, unless
 * --force. --resume, --rerun and --shard runs keep their own rules. */
static void refuse_narrower(const common_opts *o, const toolchain_set *tcs, const case_set *cases)
{
    struct stat st;
    if (o->m.resume || o->m.rerun.n || o->m.shard_n || stat(o->m.out, &st) != 0 || !S_ISREG(st.st_mode)) return;
    char *err = NULL;
    json_t *old = matrix_load(o->m.out, &err);
    free(err);
    if (!old) return; /* not a matrix document: the output policy decides */
    cell_list all;
    cells_expand(&o->m, tcs, cases, &all);
    if (!all.n) { /* the runner says that the selection is empty */
        json_decref(old);
        free(all.v);
        return;
    }
    json_t *planned = json_object();
    for (size_t k = 0; k < all.n; k++) {
        char *key = cell_key(&all.v[k]);
        json_object_set_new(planned, key, json_true());
        free(key);
    }
    size_t i, lost = 0;
    json_t *r;
    char *example = NULL;
    json_array_foreach(json_object_get(old, "records"), i, r) {
        char *key = record_cell_key(r);
        if (!json_object_get(planned, key) && !lost++) example = xstrdup(key);
        free(key);
    }
    if (lost)
        gc_die(GC_EXIT_USAGE, "%s holds %zu records of cells this run does not select (%s, ...); write elsewhere with -o FILE, or pass --force to replace it",
               o->m.out, lost, example);
    free(example);
    json_decref(planned);
    json_decref(old);
    free(all.v);
}

int cmd_matrix(int argc, char **argv)
{
    common_opts o;
    bool force = take_force(&argc, argv);
    int i = common_parse(argc, argv, &o, MATRIX_HELP);
    if (i < argc) gc_die(GC_EXIT_USAGE, "matrix takes no arguments ('%s'); see --help", argv[i]);
    install_interrupt_handlers();
    toolchain_set tcs;
    common_toolchains(&o, &tcs, true);
    case_set cases;
    common_cases(&o, &cases);
    expect_set *ex = expect_for_run(o.expectations, o.no_expectations, o.srcdir);
    o.m.rc.expect = ex;
    if (!force) refuse_narrower(&o, &tcs, &cases);
    int rc = matrix_run(&o.m, &tcs, &cases);
    if (ex) expect_free(ex);
    free(ex);
    case_set_free(&cases);
    toolchain_set_free(&tcs);
    common_free(&o);
    return rc;
}

static const char TOOLCHAINS_HELP[] =
    "Usage: gocompat toolchains [OPTION]...\n"
    "Find Go toolchains (/usr/lib/go-*/bin/go, go on PATH, configure's --with-go,\n"
    "--go PATH), ask each `go env -json` with GOTOOLCHAIN=local, and print one\n"
    "line per toolchain. A broken toolchain is listed with the reason.\n\n"
    "With --build SRC, build a toolchain from a Go source tree (a release\n"
    "candidate or tip checkout, or a distribution's GOROOT) with make.bash and\n"
    "an installed Go as bootstrap, cached under the cache's goroots/ by a hash\n"
    "of the source; later commands find it like an installed one, as a column\n"
    "of its own named NAME (select it with -t NAME).\n\n"
    "Options:\n" COMMON_OPTION_TEXT
    "      --json            print JSON instead of a table\n"
    "      --build=SRC       build a toolchain from the Go source tree SRC\n"
    "      --name=NAME       its column name (default: VERSION + \"-src\", or go1.N-devel\n"
    "                        for a tip checkout); must start with go1.N\n"
    "      --bootstrap=GOROOT  GOROOT_BOOTSTRAP (default: the newest installed Go)\n\n"
    "Exit status: 0 at least one usable toolchain (or the build succeeded), 1 the\n"
    "source tree did not build (the log is named), 2 none usable or bad input.\n";

int cmd_toolchains(int argc, char **argv)
{
    if (toolchains_build_requested(argc, argv)) return toolchains_build(argc, argv, TOOLCHAINS_HELP);
    common_opts o;
    common_parse(argc, argv, &o, TOOLCHAINS_HELP);
    toolchain_set tcs;
    common_toolchains(&o, &tcs, false);
    size_t usable = 0;
    if (o.json) {
        json_t *a = toolchains_json(&tcs);
        char *s = json_dumps(a, JSON_INDENT(2));
        puts(s);
        free(s);
        json_decref(a);
    } else {
        printf("%-12s %-13s %-3s %-6s %s\n", "VERSION", "GOOS/GOARCH", "CGO", "CC", "PATH");
        for (size_t i = 0; i < tcs.n; i++) {
            const toolchain *t = &tcs.v[i];
            if (t->error && str_prefix(t->error, "not selected")) continue; /* asked for by the user */
            if (t->error) {
                printf("%-12s %-13s %-3s %-6s %s  (%s)\n", "-", "-", "-", "-", t->path, t->error);
                continue;
            }
            char *osarch = xasprintf("%s/%s", t->goos, t->goarch);
            printf("%-12s %-13s %-3s %-6s %s%s%s\n", t->version, osarch, t->cgo_enabled ? "yes" : "no", t->cc ? t->cc : "-", t->path,
                   t->foreign ? "  via " : "", t->foreign ? t->emulator : "");
            free(osarch);
        }
    }
    for (size_t i = 0; i < tcs.n; i++) usable += !tcs.v[i].error;
    toolchain_set_free(&tcs);
    common_free(&o);
    return usable ? GC_EXIT_OK : GC_EXIT_USAGE;
}

static const char BUILD_HELP[] =
    "Usage: gocompat build [OPTION]...\n"
    "Build (or find in the cache) every fixture the selected cases need, with\n"
    "every selected toolchain, without running any case. A warm cache rebuilds\n"
    "nothing. Build failures are reported, not fatal.\n\n"
    "Options:\n" COMMON_OPTION_TEXT FILTER_OPTION_TEXT
    "  -j, --jobs=N          run N builds at once (default: CPUs)\n"
    "  -q, --quiet           no progress\n\n"
    "Exit status: 0 every build succeeded or is unsupported, 1 a build failed, 2\n"
    "usage error.\n";

int cmd_build(int argc, char **argv)
{
    common_opts o;
    common_parse(argc, argv, &o, BUILD_HELP);
    install_interrupt_handlers();
    toolchain_set tcs;
    common_toolchains(&o, &tcs, true);
    case_set cases;
    common_cases(&o, &cases);
    o.m.build_only = true;
    int rc = matrix_run(&o.m, &tcs, &cases);
    case_set_free(&cases);
    toolchain_set_free(&tcs);
    common_free(&o);
    return rc;
}

static const char LIST_HELP[] =
    "Usage: gocompat list [OPTION]...\n"
    "List the cases (id, fixture, hosts@buildmodes, claims) that the filters\n"
    "select.\n\n"
    "Options:\n" COMMON_OPTION_TEXT FILTER_OPTION_TEXT;

int cmd_list(int argc, char **argv)
{
    common_opts o;
    common_parse(argc, argv, &o, LIST_HELP);
    case_set cases;
    common_cases(&o, &cases);
    size_t listed = 0;
    for (size_t i = 0; i < cases.n; i++) {
        const case_desc *c = &cases.v[i];
        size_t runs = 0;
        for (size_t r = 0; r < c->nruns; r++) runs += run_selected(&o.m, &c->runs[r]);
        if (!case_selected(&o.m, c) || !runs) continue;
        listed++;
        printf("%-32s %-10s", c->id, c->fixture);
        for (size_t r = 0; r < c->nruns; r++)
            if (run_selected(&o.m, &c->runs[r])) printf(" %s@%s", c->runs[r].host, c->runs[r].buildmode);
        for (size_t k = 0; k < c->claims.n; k++) printf("%s%s", k ? "," : "  claims ", c->claims.v[k]);
        putchar('\n');
    }
    case_set_free(&cases);
    common_free(&o);
    if (!listed) gc_die(GC_EXIT_USAGE, "the selection matches no case (check -a, -c, --host, -m)");
    return GC_EXIT_OK;
}

static const char CHECK_CASES_HELP[] =
    "Usage: gocompat check-cases [OPTION]...\n"
    "Parse every case descriptor under cases/ and report each problem as\n"
    "file:line: message. Exit status 0 when all parse, 2 otherwise.\n\n"
    "Options:\n" COMMON_OPTION_TEXT;

int cmd_check_cases(int argc, char **argv)
{
    common_opts o;
    common_parse(argc, argv, &o, CHECK_CASES_HELP);
    case_set cases;
    common_cases(&o, &cases);
    printf("%zu case descriptors parse\n", cases.n);
    case_set_free(&cases);
    common_free(&o);
    return GC_EXIT_OK;
}
