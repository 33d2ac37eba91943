/* The probe command for a cell: the C or Go host built (cached) against the
 * fixture, the Python interpreter, or the fixture program itself. */
#ifndef GOCOMPAT_HOSTBUILD_H
#define GOCOMPAT_HOSTBUILD_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "cellctx.h"

/* The probe command for a cell, building the host if needed. On failure
 * returns NULL, *why says what failed and *is_harness tells whether the
 * harness (not the toolchain) is to blame; *skip, that the cell cannot apply
 * here (e.g. Python ctypes on a foreign arch). */
char **host_prepare(const run_ctx *ctx, const cell *x, const fixture_build *fb, json_t *evidence, char **why,
                    bool *is_harness, bool *skip);

/* Shared with the launchers of other languages (hostlang.c, hostinterp.c). */
int host_run_build(const run_ctx *ctx, const char *const *argv, const char *const *envp, char **why);
char *host_cached(const run_ctx *ctx, const cell *x, const fixture_build *fb, uint64_t key,
                  int (*build)(const run_ctx *, const cell *, const fixture_build *, const char *, char **), char **why,
                  bool *is_harness, json_t *evidence); /* records host_build_ms when it compiled */
uint64_t host_hash_file(uint64_t h, const char *path);
uint64_t host_hash_c_source(uint64_t h, const char *path); /* with what it #includes from its folder */
uint64_t host_hash_program(uint64_t h, const char *path); /* its path, size and mtime */
uint64_t host_hash_sdk(const run_ctx *ctx, uint64_t h); /* the C probe SDK's files */
char **host_emulated(const cell *x, const char *const *argv); /* behind the emulator on a foreign arch */

#endif
