#include <unistd.h>

#include "probe.h"

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    GC_EXPECT(chdir("/") == 0);
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    GC_EXPECT(n > 0);
    self[n] = 0;
    GC_EXPECT(unlink(self) == 0);
    gc_fact("deleted", "\"%s\"", self);
    GC_EXPECT(GO_FN(Add)(2, 2) == 4);
    gc_pass();
}
