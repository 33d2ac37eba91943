// Recovered(kind) recovers each kind of panic inside the export and returns
// 1 with the message, 100 times per kind; the C++ host carries on.
#include <cstring>

#include "probe.h"

static const char *const WANT[] = {
    "gocompat: deliberate panic", "gocompat: deliberate error", "{7}",
    "runtime error: invalid memory address or nil pointer dereference",
    "runtime error: index out of range [5] with length 1", "runtime error: integer divide by zero",
};

void probe_main(int, char **)
{
    char buf[128];
    for (int kind = 0; kind < 6; kind++)
        for (int i = 0; i < 100; i++) {
            int rc = GO_FN(Recovered)(kind, buf, sizeof buf);
            if (rc != 1 || strcmp(buf, WANT[kind])) {
                gc_fail("Recovered(%d) returned %d with \"%s\", want 1 with \"%s\"", kind, rc, buf, WANT[kind]);
                return;
            }
        }
    GC_EXPECT_EQ_LL(GO_FN(Recovered)(-1, buf, sizeof buf), 0);
    gc_fact("recovered_calls", "%d", 600);
    gc_pass();
}
