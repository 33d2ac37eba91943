// An export panics and nobody recovers: a C++ catch (...) around the call
// must not see it; the process ends as the runtime decides.
#include "probe.h"

void probe_main(int, char **)
{
    gc_mark("before_panic");
    try {
        GO_FN(FailNamed)((char *)"string");
    } catch (...) {
        gc_fail("a Go panic reached a C++ catch (...)");
        return;
    }
    gc_fail("FailNamed(\"string\") returned");
}
