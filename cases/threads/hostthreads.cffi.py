# Eight Python threads call Mix 500 times each through cffi (which releases
# the GIL for the call), then all eight meet inside Go at Barrier(8).
import threading

import gocompat_cffi
import gocompat_probe as p

ffi, lib = gocompat_cffi.load("""
unsigned long long Mix(unsigned long long x);
int Barrier(int n);
""")
K, CALLS, M = 8, 500, (1 << 64) - 1


def mix_ref(z):
    z = (z + 0x9e3779b97f4a7c15) & M
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M
    return z ^ (z >> 31)


wrong, arrivals = [], []


def worker(i):
    for j in range(CALLS):
        x = ((i + 1) << 32) | j
        if lib.Mix(x) != mix_ref(x):
            wrong.append(x)
    arrivals.append(lib.Barrier(K))


def main():
    p.mark("threads_start")
    ts = [threading.Thread(target=worker, args=(i,)) for i in range(K)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    p.fact("host_threads", K)
    if p.expect_eq("wrong results", len(wrong), 0) and p.expect_eq("threads through Barrier", sorted(arrivals), list(range(1, K + 1))):
        p.passed()


main()
p.finish()
