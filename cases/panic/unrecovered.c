/* One unrecovered failure in an export, chosen by GOCOMPAT_PANIC, then a
 * check that the caller never regains control. The runner decodes how the
 * process ended; "mark call" lets it time the death. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

static const char *const KINDS[] = { "string", "error", "custom", "nil", "index", "divide" };

/* Runs only if the process ends through libc's exit(): then the exit
 * status becomes 97, which no case allows. */
static void at_exit(void)
{
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
    for (int k = 0; k < (int)(sizeof KINDS / sizeof *KINDS); k++) {
        if (strcmp(s, KINDS[k]) == 0) {
            gc_mark("call");
            int r = GO_FN(PanicKind)(k);
            gc_fail("PanicKind(%d) returned %d to C", k, r);
            return;
        }
    }
    if (strcmp(s, "goroutine") == 0) {
        GO_FN(PanicLater)(50);
        gc_mark("returned");
        gc_fact("export_returned", "true");
        /* The goroutine panics while C sleeps here. */
        struct timespec ts = { 10, 0 };
        while (nanosleep(&ts, &ts) != 0) {
        }
        gc_fail("the process outlived the goroutine's panic by 10 s");
    } else if (strcmp(s, "goexit") == 0) {
        gc_mark("call");
        GO_FN(GoexitNow)();
        gc_fact("export_returned", "true");
        gc_fail("GoexitNow returned to C");
    } else if (strcmp(s, "os-exit") == 0) {
        gc_mark("call");
        GO_FN(ExitNow)(3);
        gc_fail("ExitNow(3) returned to C");
    } else if (strcmp(s, "log-fatal") == 0) {
        gc_mark("call");
        GO_FN(LogFatal)();
        gc_fail("LogFatal returned to C");
    } else {
        gc_skip("unknown GOCOMPAT_PANIC %s", s);
    }
}
