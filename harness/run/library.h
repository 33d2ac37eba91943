/* A user's own Go package checked as a library (`gocompat check DIR`): the
 * package found and vetted, its //export names, the environment its build
 * takes from the user (offline module cache, GOFLAGS), and the generic cases
 * of checks/ bound to it. */
#ifndef GOCOMPAT_LIBRARY_H
#define GOCOMPAT_LIBRARY_H

#include "casefile.h"
#include "fixture.h"

typedef struct {
    char *pkgdir;      /* the package folder, absolute and resolved */
    char *modroot;     /* the folder holding its go.mod, or NULL */
    strlist exports;   /* //export names, in file order */
    strlist buildenv;  /* GOFLAGS, GOMODCACHE taken from the user's environment */
} library;

typedef struct {
    strlist calls;        /* NAME(ARGS)=RESULT, for the calls case */
    char *fail_if;        /* the ELF policy, `gocompat elf --fail-if` conditions */
    char *tests;          /* the user's probe folder: NAME.c and NAME.py become user/NAME */
    int test_timeout_s;   /* 0: the descriptor default */
} library_opts;

/* Append the calls of FILE, one NAME(ARGS)[=RESULT] per line (blank lines
 * and # comments skipped); -1 with one line naming FILE in *err. */
int library_read_calls(const char *path, strlist *calls, char **err);

/* The optional config file in the user's repository (`key: value` lines as
 * in case descriptors): releases, buildmodes, hosts, tests, call, fail-if,
 * xfail (GO-RANGE BUILDMODE HOST CASE LINK), timeout. */
typedef struct {
    char *path;
    strlist releases, modes, hosts;
    library_opts lo;
    char *xfail_text;     /* the xfail lines at their line numbers, for expect_parse */
} library_config;

/* The config file the package uses: gocompat-check.conf in the package
 * folder, else in the module root; NULL if none. */
char *library_config_find(const char *pkgdir, const char *modroot);
/* Parse; -1 with "file:line: why" in *err. */
int library_config_load(const char *path, library_config *cf, char **err);
void library_config_free(library_config *cf);

/* Find the package (DIR, or DIR/PKG under a module root) and vet it: Go
 * files, package main, import "C", at least one //export. On a problem
 * returns -1 with one line in *err. */
int library_open(const char *dir, const char *pkg, library *lib, char **err);
void library_free(library *lib);
/* Ask one toolchain whether every dependency resolves offline, with the
 * environment the builds get. -1 and the first problem (naming the
 * package) in *err. */
int library_preflight(const build_ctx *ctx, const toolchain *tc, const library *lib, char **err);
/* The generic cases of <srcdir>/checks bound to the library. */
int library_cases(const build_ctx *ctx, const library *lib, const library_opts *o, case_set *set, char **err);

#endif
