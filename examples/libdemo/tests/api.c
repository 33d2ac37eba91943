/* libdemo's own C test, run by `gocompat check` from every C host (dlopen,
 * linked, static archive, a new pthread) against probe/probe.h. The
 * library's header is included by the host. */
#include <string.h>

#include "probe.h"

void probe_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    GC_EXPECT_EQ_LL(GO_FN(Add)(40, 2), 42);
    struct Divmod_return q = GO_FN(Divmod)(17, 5);
    GC_EXPECT_EQ_LL(q.r0, 3);
    GC_EXPECT_EQ_LL(q.r1, 2);
    GoString s = { "gopher", 6 };
    GC_EXPECT_EQ_LL(GO_FN(Greet)(s), 13);
    long long xs[] = { 1, 2, 3, 4 };
    GoSlice sl = { xs, 4, 4 };
    GC_EXPECT_EQ_LL(GO_FN(Sum)(sl), 10);
    char buf[8];
    memset(buf, 0, sizeof buf);
    GC_EXPECT_EQ_LL(GO_FN(Fill)(buf, 4), 4);
    GC_EXPECT(strcmp(buf, "xxxx") == 0);
    unsigned long long first = GO_FN(Counter)();
    GC_EXPECT_EQ_LL(GO_FN(Counter)(), first + 1);
    gc_fact("scale_of_2", "%g", GO_FN(Scale)(2));
    gc_pass();
}
