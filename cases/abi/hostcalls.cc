// GoString and GoSlice by value from C++: the cgo header compiled as C++
// (extern "C" through its own guards), values built from std::string and
// std::vector.
#include <string>
#include <vector>

#include "probe.h"

void probe_main(int, char **)
{
    const std::string s = "h\xc3\xa9llo, \xe4\xb8\x96\xe7\x95\x8c";
    GoString gs = { s.data(), (ptrdiff_t)s.size() };
    GC_EXPECT_EQ_LL(GO_FN(StrLen)(gs), s.size());
    std::vector<long long> v(5, 7);
    GoSlice sl = { v.data(), (GoInt)v.size(), (GoInt)v.capacity() };
    GC_EXPECT_EQ_LL(GO_FN(SliceLen)(sl), 5);
    GoString empty = { nullptr, 0 };
    GC_EXPECT_EQ_LL(GO_FN(StrLen)(empty), 0);
    gc_fact("strlen", "%lld", (long long)GO_FN(StrLen)(gs));
    gc_pass();
}
