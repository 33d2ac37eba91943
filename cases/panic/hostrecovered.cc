// RecoveredNamed(name) recovers each kind of panic (by the fixture's names)
// inside the export and returns 1 with the message, 100 times per kind; the
// C++ host carries on.
#include <cstring>

#include "probe.h"

static const struct { const char *name, *want; } KINDS[] = {
    { "string", "gocompat: deliberate panic" },
    { "error", "gocompat: deliberate error" },
    { "custom", "{7}" },
    { "nil", "runtime error: invalid memory address or nil pointer dereference" },
    { "index", "runtime error: index out of range [5] with length 1" },
    { "divide", "runtime error: integer divide by zero" },
};

void probe_main(int, char **)
{
    char buf[128];
    for (const auto &k : KINDS)
        for (int i = 0; i < 100; i++) {
            int rc = GO_FN(RecoveredNamed)(const_cast<char *>(k.name), buf, sizeof buf);
            if (rc != 1 || strcmp(buf, k.want)) {
                gc_fail("RecoveredNamed(%s) returned %d with \"%s\", want 1 with \"%s\"", k.name, rc, buf, k.want);
                return;
            }
        }
    GC_EXPECT_EQ_LL(GO_FN(RecoveredNamed)(const_cast<char *>("none"), buf, sizeof buf), 0);
    gc_fact("recovered_calls", "%d", int(100 * (sizeof KINDS / sizeof *KINDS)));
    gc_pass();
}
