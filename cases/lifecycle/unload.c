/* dlclose a Go c-shared library and load it again, 100 times. The copy
 * under a private name makes this probe the only holder of the handle. */
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

enum { ROUNDS = 100, WARMUP = 10, STRETCHES = 3 };

/* The runtime starts threads of its own lazily (GC workers, a spare M) in
 * steps; a leak grows with every stretch of rounds. */
static int stretch_end(int k) { return WARMUP - 1 + k * (ROUNDS - WARMUP) / STRETCHES; }

static int mapped(const char *path)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[4096];
    int n = 0;
    while (f && fgets(line, sizeof line, f))
        if (strstr(line, path)) n++;
    if (f) fclose(f);
    return n;
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    const char *art = getenv("GOCOMPAT_ARTIFACT");
    if (!art) { gc_fail("GOCOMPAT_ARTIFACT is not set"); return; }
    char dir[] = "/tmp/gocompat-unload-XXXXXX";
    if (!mkdtemp(dir)) { gc_fail("mkdtemp failed"); return; }
    char lib[sizeof dir + 32];
    snprintf(lib, sizeof lib, "%s/libunload.so", dir);
    if (gc_copy_file(art, lib) < 0) { gc_fail("cannot copy %s to %s", art, lib); rmdir(dir); return; }

    int close_failures = 0, still_mapped = 0, wrong = 0, same_handle = 0;
    long vm1 = 0, thr1 = 0, vm_end = 0, thr_end = 0, rss1 = 0, rss_end = 0;
    int maps1 = 0, maps_end = 0;
    long thr_at[STRETCHES + 1] = { 0 };
    void *first = NULL;
    char err[512] = "";
    for (int i = 0; i < ROUNDS; i++) {
        void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
        if (!h) { snprintf(err, sizeof err, "dlopen round %d: %s", i, dlerror()); break; }
        if (!first) first = h;
        else if (h == first) same_handle++;
        unsigned long long (*mix)(unsigned long long) = (unsigned long long (*)(unsigned long long))dlsym(h, "Mix");
        if (!mix || mix(0) != 0xe220a8397b1dcdafULL) wrong++;
        if (dlclose(h) != 0) close_failures++;
        int m = mapped(lib);
        if (m) still_mapped++;
        /* The baseline comes after a warm-up: the runtime starts some of its
         * own threads lazily during its first rounds, which is not growth. */
        if (i == WARMUP - 1) { vm1 = gc_status_field("VmSize"); rss1 = gc_status_field("VmRSS"); thr1 = gc_status_field("Threads"); maps1 = m; }
        for (int k = 0; k <= STRETCHES; k++)
            if (i == stretch_end(k)) thr_at[k] = gc_status_field("Threads");
        maps_end = m;
    }
    vm_end = gc_status_field("VmSize");
    rss_end = gc_status_field("VmRSS");
    thr_end = gc_status_field("Threads");
    unlink(lib);
    rmdir(dir);
    gc_fact("rounds", "%d", ROUNDS);
    gc_fact("dlclose_failures", "%d", close_failures);
    gc_fact("still_mapped_after_dlclose", "%d", still_mapped);
    gc_fact("same_handle_on_reopen", "%d", same_handle);
    gc_fact("warmup_rounds", "%d", WARMUP);
    gc_fact("vmsize_kb_after_first", "%ld", vm1);
    gc_fact("vmsize_kb_after_last", "%ld", vm_end);
    gc_fact("vmrss_kb_after_first", "%ld", rss1);
    gc_fact("vmrss_kb_after_last", "%ld", rss_end);
    gc_fact("library_mappings_after_first", "%d", maps1);
    gc_fact("library_mappings_after_last", "%d", maps_end);
    gc_fact("threads_after_first", "%ld", thr1);
    gc_fact("threads_after_last", "%ld", thr_end);
    gc_fact("threads_per_stretch", "[%ld,%ld,%ld,%ld]", thr_at[0], thr_at[1], thr_at[2], thr_at[3]);
    if (*err) { gc_fail("%s", err); return; }
    GC_EXPECT_EQ_LL(wrong, 0);
    GC_EXPECT_EQ_LL(close_failures, 0);
    /* DF_1_NODELETE: dlclose succeeds but nothing is unmapped. */
    GC_EXPECT_EQ_LL(still_mapped, ROUNDS);
    GC_EXPECT_EQ_LL(same_handle, ROUNDS - 1);
    /* Reopening must not map the library again. VmSize steps up by 64 MiB
     * whenever a runtime thread gets a glibc malloc arena (seen up to three
     * times in 100 rounds), so the memory test is on VmRSS: a per-round
     * leak of 160 kB or more fails. */
    GC_EXPECT_EQ_LL(maps_end, maps1);
    if (rss_end > rss1 + 16 * 1024) { gc_fail("VmRSS grew from %ld to %ld kB over %d rounds", rss1, rss_end, ROUNDS - WARMUP); return; }
    int grew = 0;
    for (int k = 1; k <= STRETCHES; k++) grew += thr_at[k] > thr_at[k - 1];
    if (grew == STRETCHES || thr_end > thr1 + 8) {
        gc_fail("threads grew from %ld to %ld over %d rounds (%ld, %ld, %ld, %ld at the ends of %d-round stretches)", thr1, thr_end,
                ROUNDS - WARMUP, thr_at[0], thr_at[1], thr_at[2], thr_at[3], (ROUNDS - WARMUP) / STRETCHES);
        return;
    }
    gc_pass();
}
