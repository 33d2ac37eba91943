/* A C++ exception thrown through Go frames: C++ catch -> C -> Go export
 * (CallThrough) -> C++ throw. Go frames carry no unwind tables for the C++
 * runtime and cgo promises nothing here, so this is an observation: the
 * facts say how far the exception got. The C++ part is compiled at run time
 * with $GOCOMPAT_CXX, else the C++ driver beside $GOCOMPAT_CC (…gcc ->
 * …g++, …clang -> …clang++), else g++. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"

typedef int (*catch_fn)(void (*)(void *), void *, char *, int);
static void (*thrower)(void *);

static void via_c(void *arg)
{
    thrower(arg);
}

static void via_go(void *arg)
{
    GO_FN(CallThrough)((gc_callback)thrower, arg, 0);
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    char cxx[256] = "g++";
    const char *cc = getenv("GOCOMPAT_CC");
    size_t n = cc ? strlen(cc) : 0;
    if (getenv("GOCOMPAT_CXX"))
        snprintf(cxx, sizeof cxx, "%s", getenv("GOCOMPAT_CXX"));
    else if (n >= 3 && n < 200 && strcmp(cc + n - 3, "gcc") == 0)
        snprintf(cxx, sizeof cxx, "%.*sg++", (int)(n - 3), cc);
    else if (n >= 5 && n < 200 && strcmp(cc + n - 5, "clang") == 0)
        snprintf(cxx, sizeof cxx, "%s++", cc);
    gc_fact("cxx", "\"%s\"", cxx);
    char dir[] = "/tmp/gocompat-cxx-XXXXXX";
    if (!mkdtemp(dir)) {
        gc_fail("mkdtemp failed");
        return;
    }
    char so[64], cmd[512];
    snprintf(so, sizeof so, "%s/libcxxthrow.so", dir);
    snprintf(cmd, sizeof cmd, "%s -shared -fPIC -O1 -o %s cxxthrow.cc 2>&1", cxx, so);
    int st = system(cmd);
    void *h = st == 0 ? dlopen(so, RTLD_NOW | RTLD_LOCAL) : NULL;
    unlink(so);
    rmdir(dir);
    if (st != 0) {
        gc_skip("cannot build the C++ part with %s (status %d)", cxx, st);
        return;
    }
    if (!h) {
        gc_fail("dlopen(%s): %s", so, dlerror());
        return;
    }
    catch_fn catcher = (catch_fn)dlsym(h, "gc_cxx_catch");
    thrower = (void (*)(void *))dlsym(h, "gc_cxx_throw");
    GC_EXPECT(catcher && thrower);
    char what[128] = "";
    /* Control: the exception crosses a plain C frame and is caught. */
    int rc = catcher(via_c, NULL, what, sizeof what);
    gc_fact("caught_through_c", "%d", rc);
    GC_EXPECT_EQ_LL(rc, 1);
    what[0] = 0;
    gc_mark("throw_through_go");
    rc = catcher(via_go, NULL, what, sizeof what);
    /* Only reached if the exception (or CallThrough) came back. */
    gc_fact("caught_through_go", "%d", rc);
    gc_fact("caught_what", "\"%s\"", what);
    char msg[64];
    gc_fact("go_usable_after", "%s", GO_FN(RecoveredNamed)("none", msg, sizeof msg) == 0 ? "true" : "false");
    gc_pass();
}
