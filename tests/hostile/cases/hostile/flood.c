#include <string.h>
#include <unistd.h>

#include "probe.h"

static int pour(int fd, long long total)
{
    static char block[1 << 16];
    memset(block, 'x', sizeof block);
    while (total > 0) {
        ssize_t w = write(fd, block, total < (long long)sizeof block ? (size_t)total : sizeof block);
        if (w <= 0) return -1;
        total -= w;
    }
    return 0;
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    GC_EXPECT(pour(1, 1LL << 30) == 0);
    GC_EXPECT(pour(2, 1LL << 30) == 0);
    /* A probe that names a fact as the harness's own count: both are kept. */
    gc_fact("stdout_bytes", "%d", 7);
    gc_pass();
}
