/* Use up the static TLS surplus, then try to load one more Go library.
 * Every library with DF_STATIC_TLS that is dlopen'ed takes its TLS block
 * from the surplus glibc reserved at start-up (glibc.rtld.optional_static_tls,
 * 512 bytes by default, plus what the start-up objects left over). The
 * probe loads 4 copies of the Go library, then copies of a plain C library
 * with a 64-byte initial-exec __thread block (compiled here with
 * $GOCOMPAT_CC) until dlopen fails, then 1-byte ones until that fails too,
 * then one more Go copy. A scratch folder
 * under /tmp holds the copies and is removed at the end.
 * THR_TLS_MIN_BYTES: the C blocks must reach at least that many bytes. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe.h"

enum { GO_COPIES = 4, BLOCK = 64, C_CAP = 4000 };

static char scratch[] = "/tmp/gocompat-tls-XXXXXX";

static void remove_scratch(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", scratch);
}

/* dlopen a fresh copy of src; NULL with the error in err on failure. */
static void *load_copy(const char *src, const char *name, char *err, size_t errsz)
{
    char path[sizeof scratch + 64];
    snprintf(path, sizeof path, "%s/%s", scratch, name);
    if (gc_copy_file(src, path) < 0) { snprintf(err, errsz, "cannot copy %s", src); return NULL; }
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) snprintf(err, errsz, "%s", dlerror());
    return h;
}

/* Build a C library with an initial-exec __thread block of `bytes`, then
 * dlopen copies of it until one is refused (or C_CAP). Returns how many
 * loaded, the refusal in err; -1 after gc_fail. */
static int fill_static_tls(const char *cc, int bytes, const char *tag, char *err, size_t errsz)
{
    char csrc[sizeof scratch + 32], clib[sizeof scratch + 32], cmd[2048], name[64];
    snprintf(csrc, sizeof csrc, "%s/%s.c", scratch, tag);
    snprintf(clib, sizeof clib, "%s/%s.so", scratch, tag);
    FILE *f = fopen(csrc, "w");
    if (!f) { gc_fail("cannot write %s", csrc); return -1; }
    fprintf(f, "__thread char block[%d] __attribute__((tls_model(\"initial-exec\")));\n"
               "char *touch(void) { block[0]++; return block; }\n", bytes);
    fclose(f);
    snprintf(cmd, sizeof cmd, "'%s' -shared -fPIC -O1 -ftls-model=initial-exec -o '%s' '%s'", cc, clib, csrc);
    if (system(cmd) != 0) { gc_fail("could not build the C TLS library: %s", cmd); return -1; }
    int n = 0;
    for (; n < C_CAP; n++) {
        snprintf(name, sizeof name, "lib%s%d.so", tag, n);
        void *h = load_copy(clib, name, err, errsz);
        if (!h) break;
        char *(*touch)(void) = (char *(*)(void))dlsym(h, "touch");
        if (!touch || !touch()) { gc_fail("%s copy %d: touch() failed", tag, n); return -1; }
    }
    return n;
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    const char *art = getenv("GOCOMPAT_ARTIFACT"), *cc = getenv("GOCOMPAT_CC");
    if (!art || !cc) { gc_fail("GOCOMPAT_ARTIFACT or GOCOMPAT_CC is not set"); return; }
    const char *tun = getenv("GLIBC_TUNABLES");
    gc_fact("glibc_tunables", "\"%s\"", tun ? tun : "");
    if (!mkdtemp(scratch)) { gc_fail("mkdtemp failed"); return; }
    atexit(remove_scratch);

    char err[1024], name[64];
    int go_loaded = 0;
    for (; go_loaded < GO_COPIES; go_loaded++) {
        snprintf(name, sizeof name, "libgo%d.so", go_loaded);
        void *h = load_copy(art, name, err, sizeof err);
        if (!h) { gc_fact("go_copy_dlerror", "\"%s\"", err); break; }
        unsigned long long (*mix)(unsigned long long) = (unsigned long long (*)(unsigned long long))dlsym(h, "Mix");
        if (!mix || mix(0) != 0xe220a8397b1dcdafULL) { gc_fail("Go copy %d: Mix(0) wrong", go_loaded); return; }
    }
    gc_fact("go_copies_loaded_first", "%d", go_loaded);
    GC_EXPECT_EQ_LL(go_loaded, GO_COPIES);

    /* 64-byte blocks until one no longer fits, then 1-byte blocks for the
     * crumbs: a leftover smaller than 64 bytes would otherwise still take
     * the Go library's few bytes of TLS (seen on 386 and s390x). */
    char c_err[1024] = "";
    int c_loaded = fill_static_tls(cc, BLOCK, "c", c_err, sizeof c_err);
    if (c_loaded < 0) return;
    gc_fact("c_tls_block_bytes", "%d", BLOCK);
    gc_fact("c_libraries_loaded", "%d", c_loaded);
    gc_fact("c_dlerror", "\"%s\"", c_err);
    if (c_loaded == C_CAP) { gc_fail("%d libraries with static TLS loaded without exhausting it", C_CAP); return; }
    if (!strstr(c_err, "static TLS")) { gc_fail("dlopen failed for another reason: %s", c_err); return; }
    char crumb_err[1024] = "";
    int crumbs = fill_static_tls(cc, 1, "crumb", crumb_err, sizeof crumb_err);
    if (crumbs < 0) return;
    gc_fact("c_1byte_libraries_loaded", "%d", crumbs);
    if (!strstr(crumb_err, "static TLS")) { gc_fail("a 1-byte TLS dlopen failed for another reason: %s", crumb_err); return; }

    void *late = load_copy(art, "libgo-late.so", err, sizeof err);
    gc_fact("late_go_dlopen", "%s", late ? "\"loaded\"" : "\"failed\"");
    if (!late) gc_fact("late_go_dlerror", "\"%s\"", err);
    if (late) { gc_fail("a Go library loaded after the static TLS surplus was used up"); return; }
    if (!strstr(err, "static TLS")) { gc_fail("the late Go dlopen failed for another reason: %s", err); return; }

    const char *min = getenv("THR_TLS_MIN_BYTES");
    if (min && (long)c_loaded * BLOCK < atol(min)) {
        gc_fail("only %d x %d bytes of static TLS were available, want at least %s", c_loaded, BLOCK, min);
        return;
    }
    gc_pass();
}
