// Eight std::threads call Mix 500 times each (checked against the same
// function in C++), then meet inside Go at Barrier(8).
#include <atomic>
#include <thread>
#include <vector>

#include "probe.h"

static unsigned long long mix_ref(unsigned long long z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void probe_main(int, char **)
{
    const int K = 8, CALLS = 500;
    std::atomic<int> wrong{0}, arrived{0};
    std::vector<std::thread> ts;
    gc_mark("threads_start");
    for (int i = 0; i < K; i++)
        ts.emplace_back([&, i] {
            for (int j = 0; j < CALLS; j++) {
                unsigned long long x = ((unsigned long long)(i + 1) << 32) | (unsigned)j;
                if (GO_FN(Mix)(x) != mix_ref(x)) wrong++;
            }
            if (GO_FN(Barrier)(K) > 0) arrived++;
        });
    for (auto &t : ts) t.join();
    gc_fact("host_threads", "%d", K);
    GC_EXPECT_EQ_LL(wrong.load(), 0);
    GC_EXPECT_EQ_LL(arrived.load(), K);
    gc_pass();
}
