/* Architectures beyond the native one: each Go toolchain can cross-build
 * for them with Debian's cross compilers, and probes run under qemu-user. */
#ifndef GOCOMPAT_ARCH_H
#define GOCOMPAT_ARCH_H

#include "toolchain.h"

typedef struct {
    const char *goarch;   /* Go's name */
    const char *triplet;  /* Debian's cross triplet: <triplet>-gcc, /usr/<triplet> */
    const char *qemu;     /* qemu-user binary */
} arch_info;

const arch_info *arch_lookup(const char *goarch);
/* Comma-separated names of every known arch. Static storage. */
const char *arch_known_list(void);

/* Whether a case written for `arches` (a case's `arch:` words; empty: all)
 * runs on tc's arch. The word `native` matches any arch run without an
 * emulator. */
bool arch_applies(const strlist *arches, const toolchain *tc);

/* Add one derived toolchain per (usable toolchain, requested foreign arch).
 * spec: NULL or "native" (nothing added), "all" (every arch whose cross
 * compiler and emulator are installed, silently skipping the rest) or a
 * comma list (missing tools are warned about). Returns -1 on an unknown
 * arch name (message in *err). */
int arch_expand(toolchain_set *set, const char *spec, char **err);

#endif
