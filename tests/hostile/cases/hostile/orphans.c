#include <stdio.h>
#include <unistd.h>

#include "probe.h"

static pid_t linger(int escape)
{
    pid_t p = fork();
    if (p == 0) {
        if (escape) setsid();
        /* argv[0] carries a marker the test looks for afterwards. */
        execl("/bin/sleep", "gocompat-hostile-orphan", "600", (char *)NULL);
        _exit(127);
    }
    return p;
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    gc_fact("in_group", "%d", (int)linger(0));
    gc_fact("escaped", "%d", (int)linger(1));
    gc_pass();
}
