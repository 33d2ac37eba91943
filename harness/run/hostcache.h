/* What every host language's launcher shares: the build runner, the cache
 * of host binaries under <cache>/hosts/<key>/ and the parts of their keys. */
#ifndef GOCOMPAT_HOSTCACHE_H
#define GOCOMPAT_HOSTCACHE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "cellctx.h"

/* Runs a compiler or build tool for a host with the build deadline; cwd may be NULL. */
int host_run_build_in(const run_ctx *ctx, const char *const *argv, const char *const *envp, const char *cwd, char **why);
int host_run_build(const run_ctx *ctx, const char *const *argv, const char *const *envp, char **why);
/* The host binary for KEY, built by BUILD under a lock if not cached. */
char *host_cached(const run_ctx *ctx, const cell *x, const fixture_build *fb, uint64_t key,
                  int (*build)(const run_ctx *, const cell *, const fixture_build *, const char *, char **), char **why,
                  bool *is_harness, json_t *evidence); /* records host_build_ms when it compiled */
uint64_t host_hash_file(uint64_t h, const char *path);
uint64_t host_hash_c_source(uint64_t h, const char *path); /* with what it #includes from its folder */
uint64_t host_hash_program(uint64_t h, const char *path); /* its path, size and mtime */
uint64_t host_hash_sdk(const run_ctx *ctx, uint64_t h); /* the C probe SDK's files */
char **host_emulated(const cell *x, const char *const *argv); /* behind the emulator on a foreign arch */
char **host_argv_dup(const char *const *argv);

/* The probe SDK's folder and the C sources compiled into every C host. */
char *host_sdk_dir(const run_ctx *ctx);
extern const char *const HOST_SDK_C_SOURCES[];

#endif
