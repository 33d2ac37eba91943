// RecoveredNamed(name) recovers each kind of panic (by the fixture's names)
// inside the export and returns 1 with the message, 100 times per kind; the
// C++ host carries on.
#include <cstring>

#include "probe.h"
#include "recovered_kinds.h"

void probe_main(int, char **)
{
    char buf[128];
    for (const auto &k : RECOVERED_KINDS)
        for (int i = 0; i < 100; i++) {
            int rc = GO_FN(RecoveredNamed)(const_cast<char *>(k.name), buf, sizeof buf);
            if (rc != 1 || strcmp(buf, k.want)) {
                gc_fail("RecoveredNamed(%s) returned %d with \"%s\", want 1 with \"%s\"", k.name, rc, buf, k.want);
                return;
            }
        }
    GC_EXPECT_EQ_LL(GO_FN(RecoveredNamed)(const_cast<char *>("none"), buf, sizeof buf), 0);
    gc_fact("recovered_calls", "%d", 100 * N_RECOVERED_KINDS);
    gc_pass();
}
