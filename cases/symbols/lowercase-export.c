#include "probe.h"

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    /* Resolving through the header (linked) or dlsym (dlopen) both need the
     * exact name; either failing means the export was dropped. */
    GC_EXPECT_EQ_LL(GO_FN(lowerAdd)(40, 2), 42);
    gc_fact("resolved", "\"lowerAdd\"");
    gc_pass();
}
