/* Options shared by the subcommands, and the set-up they all need:
 * the project folder, the cache, the toolchains, the cases. */
#ifndef GOCOMPAT_CLI_COMMON_H
#define GOCOMPAT_CLI_COMMON_H

#include <getopt.h>

#include "casefile.h"
#include "runner.h"
#include "toolchain.h"

typedef struct {
    strlist go;          /* --go PATH */
    bool no_discover;    /* --no-discover */
    strlist toolchains;  /* --toolchain VERSION filter */
    const char *srcdir, *cachedir;
    matrix_opts m;
    bool json;
    const char *expectations; /* --expectations FILE */
    bool no_expectations;     /* --no-expectations */
    const char *arch;    /* --arch spec */
    char *owned_cachedir; /* the cache path, when we made it (the default, or made absolute) */
    char *owned_srcdir;   /* the project folder, when made absolute */
} common_opts;

/* Options every command understands; see COMMON_HELP. `upgrade` picks its
 * releases itself, so it shows the text without --toolchain. */
#define COMMON_OPTION_TEXT COMMON_GO_OPTION_TEXT TOOLCHAIN_OPTION_TEXT COMMON_OTHER_OPTION_TEXT
#define COMMON_GO_OPTION_TEXT \
    "  -g, --go=PATH         also use this go binary (repeatable)\n" \
    "      --no-discover     use only --go and configure's --with-go toolchains\n"
#define TOOLCHAIN_OPTION_TEXT \
    "  -t, --toolchain=VER   only this release (go1.22, 1.22 or go1.22.12; repeatable)\n"
#define COMMON_OTHER_OPTION_TEXT \
    "      --srcdir=DIR      read cases/, checks/, gosrc/, probe/ from DIR (default\n" \
    "                        $GOCOMPAT_SRCDIR, else where gocompat installed them)\n" \
    "      --cache=DIR       build cache (default $GOCOMPAT_CACHE or ~/.cache/gocompat)\n" \
    "      --arch=LIST       the GOARCHes to run (default: native): any of amd64,arm64,\n" \
    "                        386,riscv64,ppc64le,s390x and native; foreign ones are\n" \
    "                        cross-built and run under qemu-user. `all`: native plus\n" \
    "                        every arch whose cross compiler and emulator are installed\n" \
    "  -h, --help            show this help\n"

#define FILTER_OPTION_TEXT \
    "  -a, --area=AREA       only cases of this area (repeatable)\n" \
    "  -c, --case=GLOB       only cases whose id (area/name) matches (repeatable)\n" \
    "      --host=HOST       only this host (repeatable)\n" \
    "  -m, --buildmode=MODE  only this build mode (repeatable)\n"

/* The numeric-option policy (parse_llong/parse_double) for the command
 * line: a value outside [lo, hi] or not a number is a usage error naming
 * WHAT (an option or an environment variable). */
long long opt_int(const char *what, const char *v, long long lo, long long hi);
double opt_double(const char *what, const char *v, double lo, double hi);

/* The output-path policy (output_problem) for one file a command will
 * write: a usage error (exit 2) before any work. Returns PATH. */
const char *output_or_die(const char *path);

/* Parse argv; `help` is printed for --help. Unknown options are a usage
 * error (exit 2). Returns optind. */
int common_parse(int argc, char **argv, common_opts *o, const char *help);
/* Release what common_parse allocated. */
void common_free(common_opts *o);
/* Discover and filter toolchains; dies (exit 2) when none is usable. */
void common_toolchains(common_opts *o, toolchain_set *set, bool need_usable);
/* Load the cases; dies (exit 2) listing every malformed descriptor. */
void common_cases(common_opts *o, case_set *set);

#endif
