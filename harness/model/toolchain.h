/* Go toolchain discovery: where the `go` binaries are, and what each says
 * about itself through `go env -json` (always with GOTOOLCHAIN=local). */
#ifndef GOCOMPAT_TOOLCHAIN_H
#define GOCOMPAT_TOOLCHAIN_H

#include "goversion.h"
#include "util.h"

typedef struct {
    char *path;      /* real path of the go binary */
    char *version;   /* GOVERSION, e.g. go1.22.12 */
    char *goroot, *goos, *goarch, *cc;
    bool cgo_enabled;
    char *error;     /* non-NULL: the toolchain is broken; why */
    bool foreign;    /* cross-building for a non-native GOARCH (cc is the cross compiler) */
    char *emulator;  /* foreign: prefix that runs its binaries, e.g. "qemu-aarch64 -L /usr/aarch64-linux-gnu" */
} toolchain;

typedef struct { toolchain *v; size_t n; } toolchain_set;

/* Collect candidate paths: glob /usr/lib/go-*\/bin/go, `go` on PATH,
 * configured paths (comma separated), extra paths (--go). Real paths are
 * deduplicated. `defaults` false skips the glob and PATH. */
void toolchain_candidates(strlist *out, bool defaults, const char *configured, const strlist *extra);

/* Probe every candidate (in parallel up to `jobs`), fill the set, sorted by
 * version. Broken toolchains are kept with ->error set. */
void toolchain_discover(toolchain_set *set, const strlist *candidates, int timeout_ms);

/* Parse `go env -json` output into tc; returns 0 or -1 with tc->error set. */
int toolchain_parse_env(toolchain *tc, const char *json_text);


void toolchain_set_free(toolchain_set *set);
const toolchain *toolchain_find(const toolchain_set *set, const char *version_or_path);

/* The environment every go invocation gets (NULL-terminated, owned). */
char **toolchain_env(const toolchain *tc, const char *gocache, const char *gopath, const char *const *extra);
void env_free(char **env);

#endif
