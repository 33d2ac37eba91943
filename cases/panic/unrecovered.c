/* One unrecovered failure in an export, named by GOCOMPAT_PANIC (the
 * fixture's FailNamed owns the names), then a check that the caller never
 * regains control. The runner decodes how the process ended; "mark call"
 * lets it time the death. */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

enum { FAIL_UNKNOWN = -1, FAIL_DEFERRED = -2 };

static int armed;

/* Runs only if the process ends through libc's exit() after the failing
 * call: then the exit status becomes 97, which no case allows. */
static void at_exit(void)
{
    if (!armed) return;
    gc_fact("atexit_ran", "true");
    _exit(97);
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    const char *s = getenv("GOCOMPAT_PANIC");
    if (!s) {
        gc_skip("GOCOMPAT_PANIC is not set");
        return;
    }
    atexit(at_exit);
    gc_fact("scenario", "\"%s\"", s);
    gc_mark("call");
    armed = 1;
    int r = GO_FN(FailNamed)((char *)s);
    if (r == FAIL_UNKNOWN) {
        armed = 0;
        gc_skip("unknown GOCOMPAT_PANIC %s", s);
        return;
    }
    gc_fact("export_returned", "true");
    if (r != FAIL_DEFERRED) {
        gc_fail("FailNamed(%s) returned %d to C", s, r);
        return;
    }
    /* The failure happens on a goroutine while C sleeps here. */
    gc_mark("returned");
    struct timespec ts = { 10, 0 };
    while (nanosleep(&ts, &ts) != 0) {
    }
    gc_fail("the process outlived the goroutine's panic by 10 s");
}
