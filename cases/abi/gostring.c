#include "probe.h"

static GoString go_string(const char *p, ptrdiff_t n)
{
    GoString s = { p, n };
    return s;
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    static const char nul_inside[] = { 'a', 0, 'b' };
    GC_EXPECT_EQ_LL(GO_FN(StrLen)(go_string("gocompat", 8)), 8);
    GC_EXPECT_EQ_LL(GO_FN(StrLen)(go_string(nul_inside, 3)), 3);
    GC_EXPECT_EQ_LL(GO_FN(ByteSum)(go_string(nul_inside, 3)), 'a' + 'b');
    GC_EXPECT_EQ_LL(GO_FN(StrLen)(go_string(NULL, 0)), 0);
    gc_fact("gostring_size", "%zu", sizeof(GoString));
    gc_pass();
}
