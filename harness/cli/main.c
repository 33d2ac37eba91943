/* gocompat: the command line. Each subcommand parses its own options and
 * hands off to the module that does the work. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "casefile.h"
#include "cli.h"
#include "datadir.h"
#include "runner.h"
#include "toolchain.h"

static const struct command {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
} COMMANDS[] = {
    { "check", cmd_check, "check your own Go package as a C library over every release" },
    { "matrix", cmd_matrix, "build every fixture with every toolchain and run every case" },
    { "report", cmd_report, "render a matrix as markdown, CSV, JUnit, TAP, HTML and the claims ledger" },
    { "diff", cmd_diff, "compare two matrices: regressions, fixes, changed evidence" },
    { "upgrade", cmd_upgrade, "run two Go releases and report what changes between them" },
    { "toolchains", cmd_toolchains, "list the Go toolchains found and what each reports" },
    { "build", cmd_build, "build the fixtures (cached) without running cases" },
    { "list", cmd_list, "list the cases and the cells they expand to" },
    { "check-cases", cmd_check_cases, "parse every case descriptor and report problems" },
    { "elf", cmd_elf, "print ELF linking, hardening and symbol facts of files" },
    { "merge", cmd_merge, "assemble the matrix documents of sharded runs into one" },
    { "bench", cmd_bench, "measure C<->Go call overhead per toolchain; compare two runs" },
};

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: gocompat COMMAND [OPTION]...\n"
            "Build Go fixtures as C libraries with every Go toolchain, load them from\n"
            "C, Python and Go hosts, and record what works.\n\n"
            "Commands:\n");
    for (size_t i = 0; i < GC_ARRAY_LEN(COMMANDS); i++) fprintf(f, "  %-12s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fprintf(f,
            "\n`gocompat COMMAND --help` describes each command's options.\n\n"
            "Exit status:\n"
            "  0    every result was as expected\n"
            "  1    unexpected results (fail, error or xpass)\n"
            "  2    usage error, bad input, or the harness could not do its job\n"
            "  130  interrupted; records written so far are kept\n\n"
            "Environment:\n"
            "  GOCOMPAT_SRCDIR        read cases/, checks/, gosrc/, probe/ from there\n"
            "                         (now: %s)\n"
            "  GOCOMPAT_CACHE         build cache (default ~/.cache/gocompat)\n"
            "  GOCOMPAT_TIMEOUT_MULT  scale every timeout, 0.01..1000 (default 1)\n\n"
            "gocompat %s\n",
            data_dir(NULL), PACKAGE_VERSION);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return GC_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return GC_EXIT_OK;
    }
    if (!strcmp(cmd, "--version")) {
        printf("gocompat %s\n", PACKAGE_VERSION);
        return GC_EXIT_OK;
    }
    install_cleanup_handlers();
    for (size_t i = 0; i < GC_ARRAY_LEN(COMMANDS); i++)
        if (!strcmp(cmd, COMMANDS[i].name)) return COMMANDS[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "gocompat: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return GC_EXIT_USAGE;
}
