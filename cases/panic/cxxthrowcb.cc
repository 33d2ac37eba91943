// A C++ exception thrown in a callback that Go calls (CallThrough, without
// recover): can it unwind through the Go frames to the catch in the host?
// cgo makes no promise; the verdict is the process's end (the case's outcome).
#include <stdexcept>

#include "probe.h"

void probe_main(int, char **)
{
    auto thrower = [](void *) { throw std::runtime_error("from a C++ callback"); };
    gc_mark("before_throw");
    try {
        int rc = GO_FN(CallThrough)(thrower, nullptr, 0);
        gc_fail("CallThrough returned %d after the callback threw", rc);
    } catch (const std::exception &e) {
        gc_fail("the exception reached the catch above Go: %s", e.what());
    }
}
