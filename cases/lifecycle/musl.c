/* A musl-linked host dlopens a Go c-shared library. The probe compiles a
 * small host with musl-gcc into a scratch folder, builds the fixture with
 * CC=musl-gcc (so the library's C side is musl too), and runs the host on
 * that library and on the glibc-built one under test. The musl-built
 * library is kept beside the toolchain's GOCACHE (../probe-builds/), keyed
 * by the fixture's files. Skipped when musl-gcc is not installed (Debian:
 * musl-tools). */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"

static char scratch[] = "/tmp/gocompat-musl-XXXXXX";

static void remove_scratch(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", scratch);
}

static const char HOST_SRC[] =
    "#include <dlfcn.h>\n#include <stdio.h>\n"
    "int main(int argc, char **argv) {\n"
    "    (void)argc;\n"
    "    void *h = dlopen(argv[1], RTLD_NOW);\n"
    "    if (!h) { printf(\"dlopen: %s\\n\", dlerror()); return 3; }\n"
    "    unsigned long long (*mix)(unsigned long long) = (unsigned long long (*)(unsigned long long))dlsym(h, \"Mix\");\n"
    "    if (!mix) { printf(\"dlsym: %s\\n\", dlerror()); return 5; }\n"
    "    unsigned long long r = mix(0);\n"
    "    printf(\"Mix(0) = %llx\\n\", r);\n"
    "    return r == 0xe220a8397b1dcdafULL ? 0 : 4;\n"
    "}\n";

static char *which(const char *prog)
{
    const char *path = getenv("PATH");
    static char buf[1024];
    for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
        size_t n = strcspn(p, ":");
        snprintf(buf, sizeof buf, "%.*s/%s", (int)n, p, prog);
        if (access(buf, X_OK) == 0) return buf;
        p += n + (p[n] == ':');
    }
    return NULL;
}

/* Runs the musl host on lib; fills out (first line of its output) and
 * returns the exit code, 124 on timeout, 128+N for signal N. */
static int run_host(const char *lib, char *out, size_t outsz)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "timeout -s KILL 10 '%s/host' '%s' 2>&1", scratch, lib);
    FILE *f = popen(cmd, "r");
    out[0] = 0;
    if (!f) return -1;
    if (!fgets(out, (int)outsz, f)) out[0] = 0;
    out[strcspn(out, "\n")] = 0;
    char sink[256];
    while (fgets(sink, sizeof sink, f)) {}
    int st = pclose(f);
    if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
    int code = WEXITSTATUS(st);
    return code == 137 ? 124 : code;
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    char *musl = which("musl-gcc");
    if (!musl) { gc_skip("musl-gcc not found (Debian package musl-tools; scripts/setup installs it)"); return; }
    musl = strdup(musl);
    const char *go = getenv("GOCOMPAT_GO"), *src = getenv("GOCOMPAT_FIXTURE_SRC"), *art = getenv("GOCOMPAT_ARTIFACT");
    const char *gocache = getenv("GOCOMPAT_GOCACHE");
    if (!go || !src || !art || !gocache) { gc_fail("the probe environment is incomplete"); return; }
    if (!mkdtemp(scratch)) { gc_fail("mkdtemp failed"); return; }
    atexit(remove_scratch);

    char path[1400], cmd[6000], out[512];
    snprintf(path, sizeof path, "%s/host.c", scratch);
    FILE *f = fopen(path, "w");
    GC_EXPECT(f != NULL);
    fputs(HOST_SRC, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "'%s' -O1 -o '%s/host' '%s'", musl, scratch, path);
    if (system(cmd) != 0) { gc_fail("musl-gcc could not build the host: %s", cmd); return; }

    /* The glibc-built library under test, from a musl process. */
    int rc = run_host(art, out, sizeof out);
    gc_fact("glibc_library_exit", "%d", rc);
    gc_fact("glibc_library_output", "\"%s\"", out);

    /* The same fixture built with CC=musl-gcc (kept between runs). */
    char kept_dir[1200], kept[1300];
    snprintf(kept_dir, sizeof kept_dir, "%s", gocache);
    char *slash = strrchr(kept_dir, '/');
    if (slash) *slash = 0;
    snprintf(kept_dir + strlen(kept_dir), sizeof kept_dir - strlen(kept_dir), "/probe-builds");
    snprintf(kept, sizeof kept, "%s/libthreads-musl-%016llx.so", kept_dir, gc_dir_hash(src));
    gc_fact("musl_library_cached", "%s", access(kept, R_OK) == 0 ? "true" : "false");
    if (access(kept, R_OK) != 0) {
        snprintf(cmd, sizeof cmd,
                 "cd '%s' && CC='%s' CGO_ENABLED=1 GOTOOLCHAIN=local GOFLAGS= GOCACHE='%s' GOPATH='%s/gopath' "
                 "timeout 100 '%s' build -buildmode=c-shared -o '%s/libmusl.so' . >'%s/build.log' 2>&1 "
                 "&& mkdir -p '%s' && mv '%s/libmusl.so' '%s.tmp%d' && mv '%s.tmp%d' '%s'",
                 src, musl, gocache, scratch, go, scratch, scratch, kept_dir, scratch, kept, (int)getpid(), kept,
                 (int)getpid(), kept);
        if (system(cmd) != 0) {
            snprintf(path, sizeof path, "%s/build.log", scratch);
            FILE *log = fopen(path, "r");
            if (!log || !fgets(out, sizeof out, log)) snprintf(out, sizeof out, "(no output)");
            if (log) fclose(log);
            out[strcspn(out, "\n")] = 0;
            gc_fact("musl_build_error", "\"%s\"", out);
            gc_fail("go build -buildmode=c-shared with CC=musl-gcc failed: %s", out);
            return;
        }
    }
    snprintf(path, sizeof path, "%s", kept);
    rc = run_host(path, out, sizeof out);
    gc_fact("musl_library_exit", "%d", rc);
    gc_fact("musl_library_output", "\"%s\"", out);
    if (rc != 0) { gc_fail("a musl host could not use the musl-built Go library (exit %d): %s", rc, out); return; }
    gc_pass();
}
