/* C -> Go (CallThrough) -> C callback -> Go (PanicKind): the innermost Go
 * frame panics. With GOCOMPAT_NESTED=recovered the outer Go frame recovers
 * it: the panic unwinds straight through the C callback's frame, so the
 * callback's code after the inner call never runs, and the host goes on
 * calling. With GOCOMPAT_NESTED=unrecovered nobody recovers. */
#include <stdlib.h>
#include <string.h>

#include "probe.h"

struct trail { int entered, resumed; };

static void callback(void *arg)
{
    struct trail *t = arg;
    t->entered++;
    GO_FN(PanicKind)(0);
    t->resumed++;
}

static void plain(void *arg)
{
    struct trail *t = arg;
    t->entered++;
    GO_FN(PanicKind)(-1);
    t->resumed++;
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    const char *mode = getenv("GOCOMPAT_NESTED");
    struct trail t = { 0, 0 };
    if (mode && strcmp(mode, "unrecovered") == 0) {
        gc_mark("call");
        GO_FN(CallThrough)(callback, &t, 0);
        gc_fail("the unrecovered nested panic returned to C (callback entered %d, resumed %d)", t.entered, t.resumed);
        return;
    }
    for (int i = 0; i < 200; i++) {
        int rc = GO_FN(CallThrough)(callback, &t, 1);
        if (rc != 1) {
            gc_fail("call %d: CallThrough returned %d, want 1 (recovered)", i + 1, rc);
            return;
        }
    }
    gc_fact("callback_entered", "%d", t.entered);
    gc_fact("callback_resumed_after_panic", "%d", t.resumed);
    GC_EXPECT_EQ_LL(t.entered, 200);
    /* The panic skipped the rest of the C frame, like longjmp. */
    GC_EXPECT_EQ_LL(t.resumed, 0);
    /* The same path without a panic still works afterwards. */
    GC_EXPECT_EQ_LL(GO_FN(CallThrough)(plain, &t, 1), 0);
    GC_EXPECT_EQ_LL(t.resumed, 1);
    gc_pass();
}
