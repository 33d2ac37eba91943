#include <limits.h>

#include "probe.h"

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    GC_EXPECT_EQ_LL(GO_FN(Add)(2, 3), 5);
    GC_EXPECT_EQ_LL(GO_FN(Add)(-7, 3), -4);
    /* Go's int32 addition wraps; cgo must not widen or trap. */
    GC_EXPECT_EQ_LL(GO_FN(Add)(INT_MAX, 1), INT_MIN);
    gc_pass();
}
