/* Fixture builds: one Go package from gosrc/ built by one toolchain in one
 * build mode, cached under a key of everything that affects the output. */
#ifndef GOCOMPAT_FIXTURE_H
#define GOCOMPAT_FIXTURE_H

#include <jansson.h>
#include <signal.h>

#include "toolchain.h"

typedef struct {
    const char *srcdir;     /* project root: gosrc/, cases/, probe/ */
    const char *cachedir;
    double timeout_mult;
    volatile sig_atomic_t *interrupted;
} build_ctx;

typedef enum { BUILD_OK, BUILD_FAIL, BUILD_UNSUPPORTED, BUILD_ERROR, BUILD_INTERRUPTED } build_status;

typedef struct {
    build_status status;
    char *key;        /* hex cache key */
    char *dir;        /* cache folder of this build */
    char *artifact;   /* the library, archive or program */
    char *header;     /* cgo's generated header (c-shared, c-archive) or NULL */
    char *pkgdir;     /* shared: -pkgdir holding the shared runtime */
    char *gopath;     /* shared: GOPATH that holds src/gocompat/<fixture> */
    bool cached;      /* reused, nothing rebuilt */
    json_t *info;     /* build.json: status, commands, stderr_head, duration_ms */
} fixture_build;

/* Build (or reuse) and fill *b. Never exits: failures are in b->status and
 * b->info. Concurrent callers for the same key serialise on a lock file. */
void fixture_build_ensure(const build_ctx *ctx, const toolchain *tc, const char *fixture, const char *mode,
                          const strlist *flags, const strlist *env, fixture_build *b);
void fixture_build_free(fixture_build *b);

/* The cache key (hex); exposed for tests. NULL if the fixture cannot be read. */
char *fixture_key(const build_ctx *ctx, const toolchain *tc, const char *fixture, const char *mode,
                  const strlist *flags, const strlist *env);
/* The fixture's package folder: gosrc/<fixture>, or the fixture itself when
 * it is an absolute path (a library checked by `gocompat check`). */
char *fixture_dir(const build_ctx *ctx, const char *fixture);
/* The nearest folder at or above pkgdir holding go.mod, as go finds it; NULL
 * when the package has no module. */
char *fixture_module_root(const char *pkgdir);
/* A build failure whose message says the mode is not supported here. */
bool build_output_unsupported(const char *stderr_text);
const char *build_status_name(build_status s);
/* Per-toolchain GOCACHE under the cache directory. Caller frees. */
char *toolchain_gocache(const build_ctx *ctx, const toolchain *tc);

#endif
