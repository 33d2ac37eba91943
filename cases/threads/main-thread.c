/* Which OS thread runs the Go code? A cgo callback runs on the thread that
 * called it: the process's main thread (c-dlopen, c-linked, c-archive run
 * probe_main there) and a pthread alike. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "probe.h"

static long my_tid(void) { return (long)syscall(SYS_gettid); }

static void *on_pthread(void *p)
{
    long *out = p;
    out[0] = my_tid();
    out[1] = GO_FN(Tid)();
    return NULL;
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    long self = my_tid();
    int on_main = self == (long)getpid();
    gc_fact("probe_on_main_thread", "%s", on_main ? "true" : "false");
    long go_tid = GO_FN(Tid)();
    gc_fact("caller_tid", "%ld", self);
    gc_fact("go_tid", "%ld", go_tid);
    GC_EXPECT_EQ_LL(go_tid, self);
    long t[2] = { 0, 0 };
    pthread_t th;
    GC_EXPECT(pthread_create(&th, NULL, on_pthread, t) == 0);
    pthread_join(th, NULL);
    gc_fact("pthread_tid", "%ld", t[0]);
    gc_fact("pthread_go_tid", "%ld", t[1]);
    GC_EXPECT_EQ_LL(t[1], t[0]);
    /* And back on the first thread after another thread used Go. */
    GC_EXPECT_EQ_LL(GO_FN(Tid)(), self);
    gc_pass();
}
