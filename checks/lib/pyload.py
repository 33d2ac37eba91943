# lib/ctypes (named pyload: a probe called ctypes.py would hide the module): Python loads the library with ctypes, finds every //export,
# and the Go runtime's initialisation runs (its threads appear).
import os
import time

import gocompat_probe as p


def threads():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return -1


exports = [e for e in os.environ.get("GOCOMPAT_EXPORTS", "").split(",") if e]
lib = p.load()
missing = [e for e in exports if not hasattr(lib, e)]
p.fact("resolved", len(exports) - len(missing))
deadline = time.monotonic() + 5
while threads() < 2 and time.monotonic() < deadline:
    time.sleep(0.01)
p.fact("threads", threads())
if missing:
    p.fail("ctypes cannot find: " + ", ".join(missing))
elif threads() < 2:
    p.fail("no Go runtime thread started within 5 s of loading")
else:
    p.passed()
p.finish()
