#include <unistd.h>

#include "probe.h"

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    close(0);
    close(1);
    close(2);
    GC_EXPECT(GO_FN(Add)(1, 2) == 3);
    gc_pass();
}
