/* `gocompat upgrade`: run the matrix with two Go releases, then compare
 * them cell by cell across the releases as `gocompat diff` does. */
#define _GNU_SOURCE
#include "cli.h"
#include "cli_common.h"
#include "expectations.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char UPGRADE_HELP[] =
    "Usage: gocompat upgrade --from=GO_A --to=GO_B [OPTION]...\n"
    "Run the matrix with two Go releases (the one a team ships with and the one\n"
    "it moves to), then compare them cell by cell across the releases, exactly\n"
    "as `gocompat diff --from GO_A --to GO_B` does, and print the changes.\n"
    "The run's records go to OUT (default results/upgrade-GO_A-GO_B.json), so\n"
    "`gocompat diff` and `gocompat report` can be run on them again.\n\n"
    "Options:\n"
    "      --from=GO         the release in use (1.22, go1.22 or go1.22.12)\n"
    "      --to=GO           the release to move to\n"
    "  -f, --format=FMT      md (default), json or junit\n"
    "      --diff-out=FILE   write the comparison there instead of stdout\n"
    "      --ttd-tolerance=MS  as for `gocompat diff` (default 250)\n"
    "  -o, --out=FILE        the matrix document of the run\n"
    "  -j, --jobs=N          run N builds or probes at once\n"
    "      --expectations=FILE, --no-expectations  as for `gocompat matrix`\n"
    COMMON_GO_OPTION_TEXT COMMON_OTHER_OPTION_TEXT FILTER_OPTION_TEXT
    "\nExit status: 0 no regression, 1 at least one regression, 2 usage error or a\n"
    "release that is not installed, 130 interrupted.\n";

/* Take this command's own options out of argv into o; the rest, argv[0]
 * first, are the matrix's (returned, with their count in *nrest). */
static char **take_own_options(int argc, char **argv, diff_cli *o, int *nrest)
{
    static const struct { const char *name; int code; } own[] = {
        { "--from", 'F' }, { "--to", 'U' }, { "--format", 'f' }, { "-f", 'f' }, { "--ttd-tolerance", 'D' }, { "--diff-out", 'O' },
    };
    char **rest = xcalloc((size_t)argc + 1, sizeof *rest);
    *nrest = 0;
    for (int i = 0; i < argc; i++) {
        bool taken = false;
        for (size_t k = 0; i > 0 && k < GC_ARRAY_LEN(own) && !taken; k++) {
            size_t n = strlen(own[k].name);
            const char *val = NULL;
            if (!strcmp(argv[i], own[k].name)) {
                if (i + 1 >= argc) gc_die(GC_EXIT_USAGE, "%s wants a value; see --help", own[k].name);
                val = argv[++i];
            } else if (!strncmp(argv[i], own[k].name, n) && argv[i][n] == '=' && n > 2)
                val = argv[i] + n + 1;
            if (!val) continue;
            taken = true;
            if (own[k].code == 'O') o->out = output_or_die(val);
            else diff_option(own[k].code, val, o);
        }
        if (!taken) rest[(*nrest)++] = argv[i];
    }
    return rest;
}

static bool wants_help(int n, char **v)
{
    for (int i = 1; i < n; i++)
        if (!strcmp(v[i], "-h") || !strcmp(v[i], "--help")) return true;
    return false;
}

/* The usable toolchains of --from and --to (dies, exit 2, unless both are
 * installed and differ); points o->d.from and .to at their exact versions,
 * which the caller frees. */
static void pick_releases(const toolchain_set *tcs, diff_cli *o)
{
    const toolchain *ta = NULL, *tb = NULL;
    for (size_t k = 0; k < tcs->n; k++) {
        if (tcs->v[k].error) continue;
        if (release_matches(tcs->v[k].version, o->d.from) && !ta) ta = &tcs->v[k];
        if (release_matches(tcs->v[k].version, o->d.to) && !tb) tb = &tcs->v[k];
    }
    if (!ta || !tb)
        gc_die(GC_EXIT_USAGE, "no installed Go toolchain is release %s (see `gocompat toolchains`)", !ta ? o->d.from : o->d.to);
    if (ta == tb) gc_die(GC_EXIT_USAGE, "--from and --to name the same toolchain (%s)", ta->version);
    o->d.from = xstrdup(ta->version);
    o->d.to = xstrdup(tb->version);
}

/* results/upgrade-GO_A-GO_B.json unless -o named the document; the
 * caller frees the result (NULL when -o was given). */
static char *default_out(common_opts *co, const char *from, const char *to)
{
    if (strcmp(co->m.out, "results/matrix.json")) return NULL;
    char *ma = go_version_minor(from), *mb = go_version_minor(to);
    char *out = xasprintf("results/upgrade-%s-%s.json", ma ? ma : from, mb ? mb : to);
    free(ma);
    free(mb);
    co->m.out = out;
    return out;
}

/* The run, then its two releases compared; the exit status. */
static int run_and_compare(common_opts *co, const toolchain_set *tcs, const diff_cli *o)
{
    case_set cases;
    common_cases(co, &cases);
    expect_set *ex = expect_for_run(co->expectations, co->no_expectations, co->srcdir);
    co->m.rc.expect = ex;
    int rc = matrix_run(&co->m, tcs, &cases);
    if (rc == GC_EXIT_OK || rc == GC_EXIT_UNEXPECTED) {
        rmodel m;
        char *err = NULL;
        if (rmodel_load(co->m.out, &m, &err) < 0) {
            fprintf(stderr, "gocompat: %s\n", err);
            free(err);
            rc = GC_EXIT_USAGE;
        } else {
            rc = emit_diff(&m, &m, o);
            rmodel_free(&m);
        }
    }
    if (ex) expect_free(ex);
    free(ex);
    case_set_free(&cases);
    return rc;
}

int cmd_upgrade(int argc, char **argv)
{
    diff_cli o = DIFF_CLI_INIT;
    int nrest;
    char **rest = take_own_options(argc, argv, &o, &nrest);
    if (wants_help(nrest, rest)) {
        fputs(UPGRADE_HELP, stdout);
        free(rest);
        return GC_EXIT_OK;
    }
    if (!o.d.from || !o.d.to) gc_die(GC_EXIT_USAGE, "upgrade needs --from=GO_A and --to=GO_B; see --help");
    common_opts co;
    int i = common_parse(nrest, rest, &co, UPGRADE_HELP);
    if (i < nrest) gc_die(GC_EXIT_USAGE, "upgrade takes no arguments ('%s'); see --help", rest[i]);
    if (co.toolchains.n) gc_die(GC_EXIT_USAGE, "upgrade picks its two toolchains with --from and --to, not -t");
    sl_add(&co.toolchains, o.d.from);
    sl_add(&co.toolchains, o.d.to);
    install_interrupt_handlers();
    toolchain_set tcs;
    common_toolchains(&co, &tcs, true);
    pick_releases(&tcs, &o);
    char *defout = default_out(&co, o.d.from, o.d.to);
    int rc = run_and_compare(&co, &tcs, &o);
    toolchain_set_free(&tcs);
    common_free(&co);
    free(defout);
    free((char *)o.d.from);
    free((char *)o.d.to);
    free(rest);
    return rc;
}
