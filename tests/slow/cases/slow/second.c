#include <time.h>

#include "probe.h"

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    struct timespec ts = { 1, 0 };
    nanosleep(&ts, NULL);
    GC_EXPECT_EQ_LL(GO_FN(Add)(2, 3), 5);
    gc_pass();
}
