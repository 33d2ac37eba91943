#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe.h"

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    const char *tmp = getenv("TMPDIR");
    GC_EXPECT(tmp && *tmp && strcmp(tmp, "/tmp") != 0);
    gc_fact("tmpdir", "\"%s\"", tmp);
    char path[4096];
    snprintf(path, sizeof path, "%s/nested", tmp);
    GC_EXPECT(mkdir(path, 0700) == 0);
    for (int i = 0; i < 200; i++) {
        snprintf(path, sizeof path, "%s/%s/junk-%d", tmp, i % 2 ? "nested" : ".", i);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0400); /* read-only files too */
        GC_EXPECT(fd >= 0);
        close(fd);
    }
    GC_EXPECT(GO_FN(Add)(2, 2) == 4);
    gc_pass();
}
