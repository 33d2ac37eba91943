// Exports called from C++ static initialisation and from the end of the
// process: a static object's constructor (before main, after the linked
// library's own initialisers), an atexit handler and the static object's
// destructor (after main returns). A call that fails at exit ends the
// process with exit code 3; one that hangs is a timeout.
#include <cstdlib>
#include <unistd.h>

#include "probe.h"

static int at_init = -1;

static void check_at_exit(const char *when)
{
    int got = Add(20, 22);
    gc_fact(when, "%d", got);
    if (got != 42) _exit(3);
}

struct Calls {
    Calls() { at_init = Add(2, 3); }
    ~Calls() { check_at_exit("destructor_add"); }
};
static Calls calls;

void probe_main(int, char **)
{
    gc_fact("initialiser_add", "%d", at_init);
    GC_EXPECT_EQ_LL(at_init, 5);
    if (atexit([] { check_at_exit("atexit_add"); }) != 0) { gc_fail("atexit failed"); return; }
    gc_pass();
}
