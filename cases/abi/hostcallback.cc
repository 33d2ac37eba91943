// A C++ lambda (no captures, so it converts to a C function pointer) called
// back from Go through CallThrough, 1000 times, from the main thread.
#include "probe.h"

void probe_main(int, char **)
{
    long n = 0;
    auto cb = [](void *arg) { ++*static_cast<long *>(arg); };
    for (int i = 0; i < 1000; i++)
        if (GO_FN(CallThrough)(cb, &n, 0) != 0) { gc_fail("CallThrough returned nonzero at call %d", i); return; }
    GC_EXPECT_EQ_LL(n, 1000);
    gc_fact("callbacks", "%ld", n);
    gc_pass();
}
