/* Several Go runtimes in one process: the host's library plus copies of it
 * under distinct names (each copy is a separate runtime with its own heap,
 * scheduler, signal handlers and TLS slot). With THR_MIXED=1 the second
 * library is instead built by another installed Go toolchain. Each runtime
 * gets calls, a goroutine left running, and a forced GC. */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

enum { MAXLIB = 16 };

struct rt {
    void *h;
    unsigned long long (*mix)(unsigned long long);
    int (*start_ticker)(void);
    long long (*ticks)(void);
    void (*gc)(void);
    int (*goroutines)(void);
};

static char scratch[] = "/tmp/gocompat-runtimes-XXXXXX";

static void remove_scratch(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", scratch);
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* Resolve the exports of one runtime; NULL handle = the host's library. */
static int bind_rt(struct rt *r, void *h)
{
    r->h = h;
    r->mix = (unsigned long long (*)(unsigned long long))(h ? dlsym(h, "Mix") : gc_sym("Mix"));
    r->start_ticker = (int (*)(void))(h ? dlsym(h, "StartTicker") : gc_sym("StartTicker"));
    r->ticks = (long long (*)(void))(h ? dlsym(h, "Ticks") : gc_sym("Ticks"));
    r->gc = (void (*)(void))(h ? dlsym(h, "GC") : gc_sym("GC"));
    r->goroutines = (int (*)(void))(h ? dlsym(h, "Goroutines") : gc_sym("Goroutines"));
    return r->mix && r->start_ticker && r->ticks && r->gc && r->goroutines ? 0 : -1;
}

/* Exercise runtimes [0, n): each was started already; returns 0 if all ok.
 * Every runtime's ticker must advance while no call into Go is active; on
 * a loaded machine that may take a while, so wait up to TICK_WAIT_MS for it
 * (the limit bounds a failure, never a pass). */
enum { TICK_WAIT_MS = 10000 };

static int exercise(struct rt *rts, int n, const char *phase)
{
    char key[64];
    long long before[MAXLIB], min_ticks = -1;
    for (int i = 0; i < n; i++) before[i] = rts[i].ticks();
    int waited = 0;
    for (int i = 0; i < n; i++)
        while (rts[i].ticks() == before[i] && waited < TICK_WAIT_MS) {
            sleep_ms(5);
            waited += 5;
        }
    snprintf(key, sizeof key, "%s_wait_ms", phase);
    gc_fact(key, "%d", waited);
    for (int i = 0; i < n; i++) {
        rts[i].gc();
        if (rts[i].mix(0) != 0xe220a8397b1dcdafULL) { gc_fail("%s: runtime %d: Mix(0) wrong", phase, i); return -1; }
        long long t = rts[i].ticks() - before[i];
        if (min_ticks < 0 || t < min_ticks) min_ticks = t;
    }
    snprintf(key, sizeof key, "%s_min_ticks", phase);
    gc_fact(key, "%lld", min_ticks);
    snprintf(key, sizeof key, "%s_os_threads", phase);
    gc_fact(key, "%ld", gc_status_field("Threads"));
    snprintf(key, sizeof key, "%s_vmrss_kb", phase);
    gc_fact(key, "%ld", gc_status_field("VmRSS"));
    if (min_ticks <= 0) { gc_fail("%s: a runtime's ticker goroutine did not run for %d s (ticks %lld)", phase, TICK_WAIT_MS / 1000, min_ticks); return -1; }
    return 0;
}

static int load_copy(struct rt *r, const char *src, int i)
{
    char path[sizeof scratch + 32];
    snprintf(path, sizeof path, "%s/librt%02d.so", scratch, i);
    if (gc_copy_file(src, path) < 0) { gc_fail("cannot copy %s", src); return -1; }
    gc_mark("dlopen_copy");
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) { gc_fail("dlopen of runtime %d: %s", i, dlerror()); return -1; }
    if (bind_rt(r, h) < 0) { gc_fail("dlsym in runtime %d: %s", i, dlerror()); return -1; }
    gc_mark("first_call");
    if (r->start_ticker() != 1) { gc_fail("runtime %d shares ticker state with another", i); return -1; }
    return 0;
}

/* Another installed toolchain than the one that built the host's library,
 * with a warm build cache from an earlier gocompat run. */
static int other_toolchain(char *go, size_t gosz, char *cache, size_t csz, char *why, size_t wsz)
{
    const char *mine = getenv("GOCOMPAT_GOVERSION"), *gc = getenv("GOCOMPAT_GOCACHE"), *arch = getenv("GOCOMPAT_GOARCH");
    if (!mine || !gc || !arch) { snprintf(why, wsz, "GOCOMPAT_GOVERSION, GOCOMPAT_GOCACHE or GOCOMPAT_GOARCH not set"); return -1; }
    char suffix[64];
    snprintf(suffix, sizeof suffix, "-%s", arch); /* cache folders are <release>-<goarch> */
    char root[1024];
    snprintf(root, sizeof root, "%s", gc);
    for (int k = 0; k < 2; k++) { char *s = strrchr(root, '/'); if (s) *s = 0; }
    DIR *d = opendir(root);
    if (!d) { snprintf(why, wsz, "no cache folder %.400s", root); return -1; }
    struct dirent *e;
    char best[256] = "";
    size_t mlen = strcspn(mine + 5, ".") + 5; /* "go1.22" of "go1.22.12" */
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, "go1.", 4) || !strncmp(e->d_name, mine, mlen)) continue;
        size_t nl = strlen(e->d_name), sl = strlen(suffix);
        if (nl <= sl || strcmp(e->d_name + nl - sl, suffix)) continue;
        char minor[16];
        int mi = atoi(e->d_name + 4);
        snprintf(minor, sizeof minor, "%d", mi);
        char gobin[300], gcdir[1400];
        snprintf(gobin, sizeof gobin, "/usr/lib/go-1.%d/bin/go", mi);
        snprintf(gcdir, sizeof gcdir, "%s/%s/gocache", root, e->d_name);
        if (access(gobin, X_OK) != 0 || access(gcdir, W_OK) != 0) continue;
        if (!*best || strcmp(e->d_name, best) > 0) {
            snprintf(best, sizeof best, "%s", e->d_name);
            snprintf(go, gosz, "%s", gobin);
            snprintf(cache, csz, "%s", gcdir);
        }
    }
    closedir(d);
    if (!*best) { snprintf(why, wsz, "no other Go toolchain with a warm gocompat cache under %.400s", root); return -1; }
    return 0;
}

static void mixed(void)
{
    char go[300], cache[1400], why[512];
    if (other_toolchain(go, sizeof go, cache, sizeof cache, why, sizeof why) < 0) {
        gc_skip("%s", why);
        return;
    }
    const char *src = getenv("GOCOMPAT_FIXTURE_SRC");
    /* The other release's library is kept beside that release's GOCACHE
     * (…/go/<release>-<arch>/probe-builds/), keyed by the fixture's files. */
    char kept_dir[1600], kept[1700];
    snprintf(kept_dir, sizeof kept_dir, "%s", cache);
    char *slash = strrchr(kept_dir, '/');
    if (slash) *slash = 0;
    snprintf(kept_dir + strlen(kept_dir), sizeof kept_dir - strlen(kept_dir), "/probe-builds");
    snprintf(kept, sizeof kept, "%s/libthreads-%016llx.so", kept_dir, gc_dir_hash(src));
    gc_fact("other_go", "\"%s\"", go);
    gc_fact("other_library_cached", "%s", access(kept, R_OK) == 0 ? "true" : "false");
    if (access(kept, R_OK) != 0) {
        char *cmd = NULL;
        if (asprintf(&cmd,
                     "cd '%s' && GOTOOLCHAIN=local CGO_ENABLED=1 GOARCH='%s' CC='%s' GOFLAGS= GOCACHE='%s' "
                     "GOPATH='%s/gopath' timeout 100 '%s' build -buildmode=c-shared -o '%s/libother.so' . "
                     ">'%s/build.log' 2>&1 && mkdir -p '%s' && mv '%s/libother.so' '%s.tmp%d' && mv '%s.tmp%d' '%s'",
                     src, getenv("GOCOMPAT_GOARCH"), getenv("GOCOMPAT_CC") ? getenv("GOCOMPAT_CC") : "cc", cache,
                     scratch, go, scratch, scratch, kept_dir, scratch, kept, (int)getpid(), kept,
                     (int)getpid(), kept) < 0) {
            gc_fail("out of memory");
            return;
        }
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        int rc = system(cmd);
        free(cmd);
        clock_gettime(CLOCK_MONOTONIC, &b);
        gc_fact("other_build_s", "%.1f", (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
        if (rc != 0) { gc_fail("building with %s failed (status %d)", go, rc); return; }
    }
    struct rt rts[2];
    GC_EXPECT(bind_rt(&rts[0], NULL) == 0);
    GC_EXPECT(rts[0].start_ticker() >= 1);
    gc_mark("dlopen_other");
    void *h = dlopen(kept, RTLD_NOW | RTLD_LOCAL);
    if (!h) { gc_fail("dlopen of the %s library: %s", go, dlerror()); return; }
    if (bind_rt(&rts[1], h) < 0) { gc_fail("dlsym: %s", dlerror()); return; }
    gc_mark("first_call_other");
    GC_EXPECT_EQ_LL(rts[1].start_ticker(), 1);
    if (exercise(rts, 2, "mixed") < 0) return;
    gc_pass();
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    if (!mkdtemp(scratch)) { gc_fail("mkdtemp failed"); return; }
    atexit(remove_scratch);
    if (getenv("THR_MIXED")) { mixed(); return; }
    const char *art = getenv("GOCOMPAT_ARTIFACT");
    static struct rt rts[MAXLIB];
    GC_EXPECT(bind_rt(&rts[0], NULL) == 0);
    GC_EXPECT(rts[0].start_ticker() >= 1);
    int n = 1;
    static const int phases[] = { 2, MAXLIB };
    for (size_t p = 0; p < 2; p++) {
        for (; n < phases[p]; n++)
            if (load_copy(&rts[n], art, n) < 0) { gc_fact("runtimes_loaded", "%d", n); return; }
        char phase[16];
        snprintf(phase, sizeof phase, "runtimes_%d", n);
        if (exercise(rts, n, phase) < 0) return;
    }
    gc_fact("runtimes_loaded", "%d", n);
    gc_pass();
}
