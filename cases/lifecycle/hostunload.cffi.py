# cffi's ABI mode unloads with ffi.dlclose(lib); a later ffi.dlopen loads again.
import gocompat_cffi
import gocompat_probe as p

ROUNDS = 20


def mapped(path):
    with open("/proc/self/maps") as f:
        return any(path in line for line in f)


def main():
    ffi, lib = gocompat_cffi.load("unsigned long long Mix(unsigned long long x);")
    path = p.library_path()
    still, wrong, errors = 0, 0, []
    for i in range(ROUNDS):
        if i:
            lib = ffi.dlopen(path)
        if lib.Mix(0) != 0xe220a8397b1dcdaf:
            wrong += 1
        try:
            ffi.dlclose(lib)
        except (OSError, ValueError) as e:
            errors.append(str(e))
        still += mapped(path)
    p.fact("unload_call", "ffi.dlclose")
    p.fact("rounds", ROUNDS)
    p.fact("still_mapped_after_unload", still)
    p.fact("unload_errors", len(errors))
    p.fact("wrong_results", wrong)
    if errors:
        p.fail("ffi.dlclose raised: %s" % errors[0])
    elif p.expect_eq("wrong Mix(0) results", wrong, 0) and \
            p.expect_eq("rounds the library stayed mapped after dlclose", still, ROUNDS):
        p.passed()


main()
p.finish()
