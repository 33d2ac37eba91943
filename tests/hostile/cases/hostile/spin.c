#include "probe.h"

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    gc_fact("spinning", "true");
    gc_mark("spin");
    for (volatile unsigned long i = 0;; i++) {}
}
