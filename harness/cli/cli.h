/* Subcommands of gocompat; each returns the process exit status. */
#ifndef GOCOMPAT_CLI_H
#define GOCOMPAT_CLI_H

int cmd_matrix(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_upgrade(int argc, char **argv);
int cmd_toolchains(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_check_cases(int argc, char **argv);
int cmd_elf(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_check(int argc, char **argv);

#include <stdbool.h>

/* `toolchains --build SRC` (cli_srcbuild.c). */
bool toolchains_build_requested(int argc, char **argv);
int toolchains_build(int argc, char **argv, const char *help);

#include "diff.h"

/* The comparison options of `diff`, which `upgrade` takes too (cli_report.c). */
typedef struct {
    const char *format; /* md, json or junit */
    const char *out;    /* the report's file; NULL: stdout */
    diff_opts d;
} diff_cli;
#define DIFF_CLI_INIT { .format = "md", .d = { .ttd_abs_ms = 250, .ttd_rel = 1.0 } }
/* One option by its code ('f' format, 'F' from, 'U' to, 'D' ttd tolerance);
 * false for any other code. A bad value is a usage error (exit 2). */
bool diff_option(int c, const char *arg, diff_cli *o);
/* Compare A with B and write the report; the exit status (1: a regression). */
int emit_diff(const rmodel *a, const rmodel *b, const diff_cli *o);

#include <signal.h>

void install_interrupt_handlers(void);
/* Every command: a fatal signal first removes the temporary files being written. */
void install_cleanup_handlers(void);
extern volatile sig_atomic_t gc_interrupted;

#endif
