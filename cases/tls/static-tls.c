/* The loaded Go library's TLS, read from its program headers and dynamic
 * section in this process (dl_iterate_phdr): the size of PT_TLS and
 * whether DT_FLAGS carries DF_STATIC_TLS (initial-exec TLS, which must fit
 * into the static TLS block of every thread). */
#define _GNU_SOURCE
#include <elf.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

struct found {
    const char *want;
    char name[512];
    int seen, has_tls;
    unsigned long tls_memsz, tls_align;
    unsigned long flags, flags_1;
};

static int visit(struct dl_phdr_info *info, size_t size, void *p)
{
    (void)size;
    struct found *f = p;
    const char *n = info->dlpi_name ? info->dlpi_name : "";
    size_t ln = strlen(n), lw = strlen(f->want);
    if (ln < lw || strcmp(n + ln - lw, f->want)) return 0;
    f->seen = 1;
    strncpy(f->name, n, sizeof f->name - 1);
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_TLS) {
            f->has_tls = 1;
            f->tls_memsz = ph->p_memsz;
            f->tls_align = ph->p_align;
        } else if (ph->p_type == PT_DYNAMIC) {
            for (const ElfW(Dyn) *d = (const ElfW(Dyn) *)(info->dlpi_addr + ph->p_vaddr); d->d_tag != DT_NULL; d++) {
                if (d->d_tag == DT_FLAGS) f->flags = d->d_un.d_val;
                if (d->d_tag == DT_FLAGS_1) f->flags_1 = d->d_un.d_val;
            }
        }
    }
    return 1;
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    GO_FN(Mix)(0); /* the library is loaded and running */
    const char *art = getenv("GOCOMPAT_ARTIFACT");
    GC_EXPECT(art != NULL);
    const char *base = strrchr(art, '/');
    struct found f = { .want = base ? base : art };
    dl_iterate_phdr(visit, &f);
    if (!f.seen) { gc_fail("%s is not among the loaded objects", f.want); return; }
    gc_fact("object", "\"%s\"", f.name);
    gc_fact("pt_tls", "%s", f.has_tls ? "true" : "false");
    gc_fact("pt_tls_memsz", "%lu", f.tls_memsz);
    gc_fact("pt_tls_align", "%lu", f.tls_align);
    gc_fact("df_static_tls", "%s", f.flags & DF_STATIC_TLS ? "true" : "false");
    gc_fact("df_symbolic", "%s", f.flags & DF_SYMBOLIC ? "true" : "false");
    gc_fact("df_1_nodelete", "%s", f.flags_1 & DF_1_NODELETE ? "true" : "false");
    GC_EXPECT(f.has_tls);
    /* TLS_STATIC_FLAG=absent: the arches whose linker leaves the flag off. */
    const char *want = getenv("TLS_STATIC_FLAG");
    if (want && !strcmp(want, "absent")) GC_EXPECT(!(f.flags & DF_STATIC_TLS));
    else GC_EXPECT(f.flags & DF_STATIC_TLS);
    gc_pass();
}
