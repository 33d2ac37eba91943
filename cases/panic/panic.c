#include "probe.h"

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    gc_fact("reached", "\"Panicky\"");
    gc_mark("call");
    GO_FN(Panicky)();
    gc_fail("Panicky returned to C");
}
