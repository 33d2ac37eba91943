"""A library built with -race, loaded by Python ctypes: Work from the main
thread and from four Python threads."""
import threading

import gocompat_probe as p

lib = p.load()
ok = [lib.Work(1) == 2]


def call(i):
    ok.append(lib.Work(i) == i + 1)


ts = [threading.Thread(target=call, args=(10 + i,)) for i in range(4)]
for t in ts:
    t.start()
for t in ts:
    t.join()
p.fact("calls_ok", sum(ok))
if p.expect_eq("calls that returned the right value", sum(ok), 5):
    p.passed()
p.finish()
