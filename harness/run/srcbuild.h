/* Go toolchains built from a Go source tree (a release candidate, tip, or
 * a distribution's source) with an installed Go as bootstrap. Each lives in
 * <cache>/goroots/<source hash>/go, carries its column name in
 * GOROOT/.gocompat-name (see toolchain.c) and is found by discovery like
 * an installed one. */
#ifndef GOCOMPAT_SRCBUILD_H
#define GOCOMPAT_SRCBUILD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "util.h"

typedef struct {
    const char *cachedir;
    const char *src;       /* the tree: has src/make.bash */
    const char *name;      /* column name, or NULL: VERSION + "-src", or go1.N-devel */
    const char *bootstrap; /* GOROOT_BOOTSTRAP */
    double timeout_mult;
    volatile sig_atomic_t *interrupted;
    bool say; /* tell stderr when make.bash starts (it takes minutes) */
} srcbuild_spec;

typedef struct {
    char *go;      /* the built go binary */
    char *name;    /* its column name */
    char *log;     /* make.bash's output */
    uint64_t hash; /* of the source */
    bool cached;   /* built by an earlier run */
    double seconds;
} srcbuild_result;

/* Build (or find cached) the toolchain; 0, or -1 with *err (the tree or
 * name is bad: a usage error) or -2 with *err (make.bash failed). */
int srcbuild_build(const srcbuild_spec *s, srcbuild_result *r, char **err);
void srcbuild_result_free(srcbuild_result *r);

/* The go binaries built so far, as discovery candidates. */
void srcbuild_candidates(const char *cachedir, strlist *out);

/* Whether NAME can name a column: go1.N… and only [A-Za-z0-9._-]. */
bool srcbuild_name_ok(const char *name);

#endif
