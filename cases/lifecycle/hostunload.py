# ctypes has no public unload: _ctypes.dlclose(handle) is what people call.
import _ctypes
import ctypes

import gocompat_probe as p

ROUNDS = 20


def mapped(path):
    with open("/proc/self/maps") as f:
        return any(path in line for line in f)


def main():
    path = p.library_path()
    still, wrong, errors = 0, 0, []
    for _ in range(ROUNDS):
        lib = ctypes.CDLL(path)
        lib.Mix.argtypes = [ctypes.c_ulonglong]
        lib.Mix.restype = ctypes.c_ulonglong
        if lib.Mix(0) != 0xe220a8397b1dcdaf:
            wrong += 1
        try:
            _ctypes.dlclose(lib._handle)
        except OSError as e:
            errors.append(str(e))
        del lib
        still += mapped(path)
    p.fact("unload_call", "_ctypes.dlclose")
    p.fact("rounds", ROUNDS)
    p.fact("still_mapped_after_unload", still)
    p.fact("unload_errors", len(errors))
    p.fact("wrong_results", wrong)
    if errors:
        p.fail("_ctypes.dlclose raised: %s" % errors[0])
    elif p.expect_eq("wrong Mix(0) results", wrong, 0) and \
            p.expect_eq("rounds the library stayed mapped after dlclose", still, ROUNDS):
        p.passed()


main()
p.finish()
