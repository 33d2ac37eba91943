#include "probe.h"

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    gc_fact("spinning", "true");
    for (volatile unsigned long i = 0;; i++) {}
}
