#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "probe.h"

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    /* The Go runtime has already reserved its address space; cap what is left. */
    struct rlimit cur;
    getrlimit(RLIMIT_AS, &cur);
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long pages = 0;
    if (f) { if (fscanf(f, "%lu", &pages) != 1) pages = 0; fclose(f); }
    rlim_t cap = (rlim_t)pages * 4096 + (256u << 20);
    struct rlimit lim = { cap, cap };
    GC_EXPECT(setrlimit(RLIMIT_AS, &lim) == 0);
    size_t got = 0;
    for (;;) {
        char *p = malloc(1 << 20);
        if (!p) break;
        memset(p, 1, 1 << 20);
        got++;
    }
    gc_fact("allocated_mib", "%zu", got);
    GC_EXPECT(got > 0); /* the loop ended: the limit refused an allocation */
    gc_pass();
}
