// Built at run time by cxxthrow.c: a C++ catcher and a C++ thrower, both
// with C linkage, so C code and Go frames can sit between them.
#include <cstdio>
#include <stdexcept>

extern "C" int gc_cxx_catch(void (*fn)(void *), void *arg, char *what, int n)
{
    try {
        fn(arg);
        return 0;
    } catch (const std::exception &e) {
        std::snprintf(what, (size_t)n, "%s", e.what());
        return 1;
    } catch (...) {
        return 2;
    }
}

extern "C" void gc_cxx_throw(void *)
{
    throw std::runtime_error("gocompat: C++ exception");
}
