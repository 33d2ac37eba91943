#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    pid_t parent = getppid();
    const int sigs[] = { SIGTERM, SIGINT, SIGUSR1, SIGPIPE, SIGSTOP };
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        GC_EXPECT(kill(parent, sigs[i]) == 0);
        struct timespec ts = { 0, 20 * 1000000 };
        nanosleep(&ts, NULL);
    }
    gc_fact("signalled", "%d", (int)parent);
    gc_pass();
}
