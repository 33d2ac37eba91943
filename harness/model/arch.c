#define _GNU_SOURCE
#include "arch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const arch_info ARCHES[] = {
    { "amd64", "x86_64-linux-gnu", "qemu-x86_64" },
    { "arm64", "aarch64-linux-gnu", "qemu-aarch64" },
    { "386", "i686-linux-gnu", "qemu-i386" },
    { "riscv64", "riscv64-linux-gnu", "qemu-riscv64" },
    { "ppc64le", "powerpc64le-linux-gnu", "qemu-ppc64le" },
    { "s390x", "s390x-linux-gnu", "qemu-s390x" },
};

const arch_info *arch_lookup(const char *goarch)
{
    for (size_t i = 0; i < GC_ARRAY_LEN(ARCHES); i++)
        if (!strcmp(ARCHES[i].goarch, goarch)) return &ARCHES[i];
    return NULL;
}

const char *arch_known_list(void) { return "amd64,arm64,386,riscv64,ppc64le,s390x"; }

/* `native` names whichever arch runs without an emulator: a case whose
 * subject qemu-user itself would decide (a signal sent from outside, a
 * sanitizer's shadow memory) says it instead of one GOARCH. */
bool arch_applies(const strlist *arches, const toolchain *tc)
{
    if (!arches->n || sl_has(arches, tc->goarch)) return true;
    return !tc->foreign && sl_has(arches, "native");
}


static int cmp_tc(const void *a, const void *b)
{
    const toolchain *x = a, *y = b;
    if (!x->version || !y->version) return (x->version == NULL) - (y->version == NULL);
    int c = go_version_cmp(x->version, y->version);
    if (c) return c;
    return strcmp(x->goarch ? x->goarch : "", y->goarch ? y->goarch : "");
}

int arch_expand(toolchain_set *set, const char *spec, char **err)
{
    *err = NULL;
    if (!spec || !*spec || !strcmp(spec, "native")) return 0;
    bool all = !strcmp(spec, "all");
    strlist want = { 0 };
    sl_split(&want, all ? arch_known_list() : spec, ",");
    for (size_t i = 0; i < want.n; i++) {
        if (strcmp(want.v[i], "native") && !arch_lookup(want.v[i])) {
            *err = xasprintf("unknown architecture '%s' (known: %s, all, native)", want.v[i], arch_known_list());
            sl_free(&want);
            return -1;
        }
    }
    size_t native_n = set->n;
    for (size_t w = 0; w < want.n; w++) {
        const arch_info *a = arch_lookup(want.v[w]);
        if (!a) continue; /* "native" */
        char *cc_name = xasprintf("%s-gcc", a->triplet);
        char *cc = find_program(cc_name), *emu = find_program(a->qemu);
        char *sysroot = xasprintf("/usr/%s", a->triplet);
        bool added = false, native_here = false;
        for (size_t i = 0; i < native_n; i++) {
            toolchain *t = &set->v[i];
            if (t->error || t->foreign) continue;
            if (!strcmp(t->goarch, a->goarch)) { native_here = true; continue; }
            if (!cc || !emu || !file_exists(sysroot)) continue;
            set->v = xrealloc(set->v, (set->n + 1) * sizeof *set->v);
            t = &set->v[i]; /* the array may have moved */
            toolchain *d = &set->v[set->n++];
            memset(d, 0, sizeof *d);
            d->path = xstrdup(t->path);
            d->version = xstrdup(t->version);
            d->goroot = t->goroot ? xstrdup(t->goroot) : NULL;
            d->goos = xstrdup(t->goos);
            d->goarch = xstrdup(a->goarch);
            d->cc = xstrdup(cc);
            d->cgo_enabled = true;
            d->foreign = true;
            /* The guest loader reads the host's /etc/ld.so.cache, which on an
             * amd64 machine with libc6-i386 sends a 386 guest to /lib32's libc:
             * a different glibc build than the cross loader, and every threaded
             * program then spins forever. A guest LD_LIBRARY_PATH (remapped
             * into the sysroot by -L) is searched before that cache. */
            d->emulator = xasprintf("%s -L %s -E LD_LIBRARY_PATH=/lib", emu, sysroot);
            added = true;
        }
        if (!added && !native_here && !all)
            gc_warn("%s skipped: %s%s%s (scripts/setup --cross installs them)", a->goarch,
                    cc ? "" : cc_name, !cc && !emu ? " and " : "", emu ? (file_exists(sysroot) ? "no usable toolchain" : sysroot) : a->qemu);
        free(cc_name);
        free(cc);
        free(emu);
        free(sysroot);
    }
    /* The list names every arch to run: the machine's own only if listed. */
    bool keep_native = all;
    for (size_t w = 0; w < want.n && !keep_native; w++) keep_native = !strcmp(want.v[w], "native");
    for (size_t i = 0; i < native_n; i++) {
        toolchain *t = &set->v[i];
        if (t->error || t->foreign || keep_native) continue;
        bool listed = false;
        for (size_t w = 0; w < want.n && !listed; w++) listed = !strcmp(want.v[w], t->goarch);
        if (!listed) t->error = xstrdup("not selected (--arch)");
    }
    sl_free(&want);
    qsort(set->v, set->n, sizeof *set->v, cmp_tc);
    return 0;
}
