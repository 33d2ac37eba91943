/* write(2) to a socket whose peer is closed, with no SIGPIPE handler of the
 * host's own. GOCOMPAT_SIGPIPE picks the writer:
 *   go:         Go code (WriteFD) on the caller's thread;
 *   c:          C code on a thread that never ran Go;
 *   c-after-go: C code on the thread that just returned from Go. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probe.h"

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    const char *who = getenv("GOCOMPAT_SIGPIPE");
    int sv[2];
    if (!who) {
        gc_skip("GOCOMPAT_SIGPIPE is not set");
        return;
    }
    GC_EXPECT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    close(sv[1]);
    if (strcmp(who, "go") == 0) {
        gc_mark("write");
        int r = GO_FN(WriteFD)(sv[0]);
        gc_fact("go_write", "%d", r);
        GC_EXPECT_EQ_LL(r, -EPIPE);
        /* And again: the first SIGPIPE changed nothing. */
        GC_EXPECT_EQ_LL(GO_FN(WriteFD)(sv[0]), -EPIPE);
        gc_pass();
        return;
    }
    if (strcmp(who, "c-after-go") == 0) GC_EXPECT_EQ_LL(GO_FN(WriteFD)(sv[0]), -EPIPE);
    gc_mark("write");
    ssize_t n = write(sv[0], "x", 1);
    int e = errno;
    gc_fact("c_write", "%zd", n);
    gc_fact("c_write_errno", "\"%s\"", n < 0 ? strerrorname_np(e) : "");
    gc_fail("the C write to a broken socket returned (%zd, %s) instead of the default SIGPIPE action", n,
            n < 0 ? strerrorname_np(e) : "no error");
}
