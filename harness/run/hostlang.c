#define _GNU_SOURCE
#include "hostlang.h"
#include "hostcache.h"
#include "hostjdk.h"

#ifdef __GLIBC__
#include <gnu/libc-version.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef enum { LANG_CXX, LANG_RUST, LANG_JAVA, LANG_FFM } lang;

static const struct {
    const char *host;
    lang lang;
    const char *suffix; /* of the probe file beside the case */
} HOSTS[] = {
    { "cxx-dlopen", LANG_CXX, ".cc" },
    { "cxx-linked", LANG_CXX, ".cc" },
    { "rust-linked", LANG_RUST, ".rs" },
    { "java-jna", LANG_JAVA, ".java" },
    { "java-jna-jsig", LANG_JAVA, ".java" },
    /* Not NAME.java: that file holds the JNA probe's public class NAME. */
    { "java-ffm", LANG_FFM, ".ffm.java" },
};

static int host_index(const char *h)
{
    for (size_t i = 0; i < GC_ARRAY_LEN(HOSTS); i++)
        if (!strcmp(HOSTS[i].host, h)) return (int)i;
    return -1;
}

bool hostlang_owns(const char *host) { return host_index(host) >= 0; }

#define SETUP_HINT "scripts/setup --hosts installs it"

/* The C++ compiler: $GOCOMPAT_CXX, else the g++ beside the cell's C
 * compiler (the cross g++ for a foreign arch). */
static char *cxx_compiler(const cell *x)
{
    const char *env = getenv("GOCOMPAT_CXX");
    if (env && *env) return find_program(env);
    if (!x->tc->foreign) return find_program("g++");
    const char *cc = path_basename(x->tc->cc);
    if (!str_suffix(cc, "gcc")) return NULL;
    char *name = xasprintf("%.*sg++", (int)(strlen(cc) - 3), cc);
    char *p = find_program(name);
    free(name);
    return p;
}

/* $GOCOMPAT_RUSTC, else Debian's rustc (what setup installs) before one
 * found on $PATH (a rustup toolchain, say). */
static char *rust_compiler(void)
{
    const char *env = getenv("GOCOMPAT_RUSTC");
    if (env && *env) return find_program(env);
    char *p = find_program("/usr/bin/rustc");
    return p ? p : find_program("rustc");
}

/* The compiler a build uses, for the builder callbacks (which take no
 * extra argument); set by hostlang_prepare just before the cached build. */
struct lang_build { const char *compiler, *src, *jar; };
static _Thread_local struct lang_build current;

static void add_link(strlist *a, const fixture_build *fb, bool rust)
{
    char *libdir = path_dirname(fb->artifact);
    const char *pre = rust ? "-Clink-arg=" : "";
    sl_add_owned(a, xasprintf("%s-L%s", pre, libdir));
    sl_add_owned(a, xasprintf("%s-l:%s", pre, path_basename(fb->artifact)));
    sl_add_owned(a, xasprintf("%s-Wl,-rpath,%s", pre, libdir));
    free(libdir);
}

/* One g++ command: the probe as C++, the C probe SDK as C, linked as C++. */
static int build_cxx(const run_ctx *ctx, const cell *x, const fixture_build *fb, const char *out, char **why)
{
    char *sdk = path_join(ctx->b.srcdir, "probe");
    strlist a = { 0 };
    sl_add(&a, current.compiler);
    const char *const flags[] = { "-O1", "-g", "-Wall", NULL };
    for (const char *const *f = flags; *f; f++) sl_add(&a, *f);
    sl_add_owned(&a, xasprintf("-I%s", sdk));
    sl_add_owned(&a, xasprintf("-DGC_HOST_NAME=\"%s\"", x->run->host));
    if (!strcmp(x->run->host, "cxx-dlopen")) sl_add(&a, "-DGC_HOST_DLOPEN");
    if (fb->header) {
        sl_add(&a, "-include");
        sl_add(&a, fb->header);
    }
    sl_add(&a, "-o");
    sl_add(&a, out);
    sl_add(&a, current.src);
    /* g++ keeps `-x c` for one file only: one per C source. */
    const char *const c_sources[] = { "probe_host.c", "abi.c", NULL };
    for (const char *const *f = c_sources; *f; f++) {
        sl_add(&a, "-x");
        sl_add(&a, "c");
        sl_add_owned(&a, path_join(sdk, *f));
    }
    sl_add(&a, "-x");
    sl_add(&a, "none");
    if (!strcmp(x->run->host, "cxx-linked")) add_link(&a, fb, false);
    for (size_t i = 0; i < x->c->hostflags.n; i++) sl_add(&a, x->c->hostflags.v[i]);
    const char *const libs[] = { "-pthread", "-ldl", "-lm", NULL };
    for (const char *const *f = libs; *f; f++) sl_add(&a, *f);
    sl_add_owned(&a, NULL);
    int rc = host_run_build(ctx, (const char *const *)a.v, NULL, why);
    sl_free(&a);
    free(sdk);
    return rc;
}

/* rustc on the single probe file (std only; it reaches probe/gocompat_probe.rs
 * by a #[path] module), linked against the library like c-linked. */
static int build_rust(const run_ctx *ctx, const cell *x, const fixture_build *fb, const char *out, char **why)
{
    strlist a = { 0 };
    sl_add(&a, current.compiler);
    const char *const flags[] = { "--edition=2021", "--crate-type=bin", "-Copt-level=1", "-o", NULL };
    for (const char *const *f = flags; *f; f++) sl_add(&a, *f);
    sl_add(&a, out);
    sl_add(&a, current.src);
    add_link(&a, fb, true);
    for (size_t i = 0; i < x->c->hostflags.n; i++) sl_add_owned(&a, xasprintf("-Clink-arg=%s", x->c->hostflags.v[i]));
    sl_add_owned(&a, NULL);
    int rc = host_run_build(ctx, (const char *const *)a.v, NULL, why);
    sl_free(&a);
    return rc;
}

/* JNA's jar: $GOCOMPAT_JNA_JAR, else Debian's (libjna-java). */
static const char *jna_jar(void)
{
    const char *env = getenv("GOCOMPAT_JNA_JAR");
    return env && *env ? env : "/usr/share/java/jna.jar";
}

/* A file beside the JDK that javac belongs to: bin/java, lib/libjsig.so. */
static char *jdk_file(const char *javac, const char *rel)
{
    char *real = realpath(javac, NULL);
    if (!real) return NULL;
    char *bin = path_dirname(real), *home = path_dirname(bin);
    char *p = path_join(home, rel);
    free(real);
    free(bin);
    free(home);
    if (file_exists(p)) return p;
    free(p);
    return NULL;
}

/* The probe SDK's Java files a probe is compiled with: the report
 * protocol and the host's way to the library (JNA's Go types, or the FFM
 * layouts and handles). */
static const char *const JNA_SDK[] = { "GocompatProbe.java", "GocompatJna.java", NULL };
static const char *const FFM_SDK[] = { "GocompatProbe.java", "GocompatFfm.java", NULL };

/* java.lang.foreign is final from this JDK on (a preview before). */
#define FFM_JDK 22
#define FFM_JDK_TEXT STRINGIFY(FFM_JDK)
#define STRINGIFY(x) STRINGIFY_(x)
#define STRINGIFY_(x) #x
#define JVM_DIR "/usr/lib/jvm"

/* Why Debian's packages give this machine no JDK for java-ffm. */
static char *no_debian_ffm_jdk(void)
{
#ifdef __GLIBC__
    const char *libc = gnu_get_libc_version();
    int major = 0, minor = 0;
    if (sscanf(libc, "%d.%d", &major, &minor) == 2 && (major < 2 || (major == 2 && minor < 38)))
        return xasprintf("Debian's (openjdk-25, trixie) needs glibc >= 2.38, this one is %s", libc);
#endif
    return xstrdup(SETUP_HINT " from trixie (openjdk-25) where apt can");
}

/* $GOCOMPAT_JAVA_FFM_HOME, else the newest JDK in JVM_DIR, if it is one
 * of FFM_JDK or later; NULL and *why otherwise. */
static jdk *find_ffm_jdk(char **why)
{
    const char *env = getenv("GOCOMPAT_JAVA_FFM_HOME");
    bool named = env && *env;
    char *lack = NULL;
    jdk *j = named ? jdk_at(env, &lack) : jdk_newest(JVM_DIR);
    if (j && j->v[0] >= FFM_JDK) return j;
    if (named && !j)
        *why = xasprintf("GOCOMPAT_JAVA_FFM_HOME: %s", lack);
    else if (named)
        *why = xasprintf("GOCOMPAT_JAVA_FFM_HOME=%s is JDK %s; java-ffm needs " FFM_JDK_TEXT
                         " or later (java.lang.foreign is final since JDK " FFM_JDK_TEXT ")",
                         env, j->version);
    else {
        char *debian = no_debian_ffm_jdk();
        *why = xasprintf("no JDK " FFM_JDK_TEXT " or later in " JVM_DIR " (newest there: %s; java.lang.foreign is final "
                         "since JDK " FFM_JDK_TEXT "): %s; GOCOMPAT_JAVA_FFM_HOME names a JDK",
                         j ? j->version : "none", debian);
        free(debian);
    }
    free(lack);
    jdk_free(j);
    return NULL;
}

/* The JDK java-ffm compiles and runs with, looked up once per process (a
 * few release files: no JVM is started to ask). */
static const jdk *ffm_jdk(char **why)
{
    static bool looked;
    static jdk *found;
    static char *reason;
    if (!looked) {
        found = find_ffm_jdk(&reason);
        looked = true;
    }
    if (!found) *why = xstrdup(reason);
    return found;
}

/* javac with OPTS on the probe and the SDK files into CLASSES. */
static int javac(const run_ctx *ctx, const char *const *opts, const char *const *sdk, const char *classes, char **why)
{
    strlist a = { 0 };
    const char *const head[] = { current.compiler, "-encoding", "UTF-8", "-d", classes, NULL };
    for (const char *const *f = head; *f; f++) sl_add(&a, *f);
    for (const char *const *f = opts; *f; f++) sl_add(&a, *f);
    for (const char *const *f = sdk; *f; f++) sl_add_owned(&a, xasprintf("%s/probe/%s", ctx->b.srcdir, *f));
    sl_add(&a, current.src);
    sl_add_owned(&a, NULL);
    int rc = host_run_build(ctx, (const char *const *)a.v, NULL, why);
    sl_free(&a);
    return rc;
}

/* The host "binary": a script that starts one JVM on the probe's class,
 * with PRELOAD (if any) in LD_PRELOAD. */
static int write_launcher(const char *out, const char *preload, const char *java, const char *opts, const char *cp,
                          const char *cls, char **why)
{
    char *pre = preload ? xasprintf("LD_PRELOAD=%s\nexport LD_PRELOAD\n", preload) : xstrdup("");
    char *script = xasprintf("#!/bin/sh\n%sexec %s %s-cp %s %s \"$@\"\n", pre, java, opts, cp, cls);
    int rc = 0;
    if (write_file_atomic(out, script, strlen(script)) < 0 || chmod(out, 0755) < 0) {
        *why = xasprintf("cannot write %s", out);
        rc = -2;
    }
    free(script);
    free(pre);
    return rc;
}

/* javac the probe with JNA_SDK; the launcher preloads libjsig for
 * java-jna-jsig. */
static int build_java(const run_ctx *ctx, const cell *x, const fixture_build *fb, const char *out, char **why)
{
    (void)fb;
    char *dir = path_dirname(out), *classes = path_join(dir, "classes");
    const char *const opts[] = { "-cp", current.jar, NULL };
    int rc = javac(ctx, opts, JNA_SDK, classes, why);
    bool want_jsig = !strcmp(x->run->host, "java-jna-jsig");
    char *java = jdk_file(current.compiler, "bin/java");
    char *jsig = want_jsig ? jdk_file(current.compiler, "lib/libjsig.so") : NULL;
    if (rc == 0 && (!java || (want_jsig && !jsig))) {
        *why = xasprintf("no %s beside %s", java ? "lib/libjsig.so" : "bin/java", current.compiler);
        rc = -2;
    }
    if (rc == 0) {
        char *cp = xasprintf("%s:%s", current.jar, classes);
        rc = write_launcher(out, jsig, java, "", cp, x->c->probe, why);
        free(cp);
    }
    free(java);
    free(jsig);
    free(dir);
    free(classes);
    return rc;
}

/* javac the probe with FFM_SDK, for JDK FFM_JDK's API (so a probe stays
 * runnable on it); the launcher lets the unnamed module make downcalls
 * without the JVM's warning. */
static int build_ffm(const run_ctx *ctx, const cell *x, const fixture_build *fb, const char *out, char **why)
{
    (void)fb;
    char *dir = path_dirname(out), *classes = path_join(dir, "classes");
    const char *const opts[] = { "--release", FFM_JDK_TEXT, NULL };
    int rc = javac(ctx, opts, FFM_SDK, classes, why);
    char *java = jdk_file(current.compiler, "bin/java");
    if (rc == 0 && !java) {
        *why = xasprintf("no bin/java beside %s", current.compiler);
        rc = -2;
    }
    if (rc == 0) rc = write_launcher(out, NULL, java, "--enable-native-access=ALL-UNNAMED ", classes, x->c->probe, why);
    free(java);
    free(dir);
    free(classes);
    return rc;
}

/* Every file of a Java SDK list, for a cache key. */
static uint64_t hash_java_sdk(const run_ctx *ctx, uint64_t k, const char *const *sdk)
{
    for (const char *const *f = sdk; *f; f++) {
        char *p = xasprintf("%s/probe/%s", ctx->b.srcdir, *f);
        k = host_hash_file(k, p);
        free(p);
    }
    return k;
}

/* Why this host cannot run here, or NULL; *compiler gets the compiler. */
static char *unavailable(const cell *x, lang l, char **compiler)
{
    *compiler = NULL;
    if ((l == LANG_JAVA || l == LANG_FFM) && x->tc->foreign) return xasprintf("no JVM for %s here", x->tc->goarch);
    if (l == LANG_FFM) {
        char *why = NULL;
        const jdk *j = ffm_jdk(&why);
        if (j) *compiler = path_join(j->home, "bin/javac");
        return why;
    }
    if (l == LANG_JAVA) {
        if (!file_exists(jna_jar())) return xasprintf("no JNA jar %s (%s: libjna-java)", jna_jar(), SETUP_HINT);
        if (!(*compiler = find_program("javac"))) return xasprintf("no javac here (a JDK: %s)", SETUP_HINT);
        return NULL;
    }
    if (l == LANG_RUST) {
        if (x->tc->foreign) return xasprintf("no Rust standard library for %s here", x->tc->goarch);
        if (!(*compiler = rust_compiler()))
            return getenv("GOCOMPAT_RUSTC") && *getenv("GOCOMPAT_RUSTC")
                       ? xasprintf("GOCOMPAT_RUSTC=%s is not an executable", getenv("GOCOMPAT_RUSTC"))
                       : xasprintf("no rustc here (%s)", SETUP_HINT);
        return NULL;
    }
    if (!(*compiler = cxx_compiler(x)))
        return getenv("GOCOMPAT_CXX") && *getenv("GOCOMPAT_CXX")
                   ? xasprintf("GOCOMPAT_CXX=%s is not an executable", getenv("GOCOMPAT_CXX"))
                   : xasprintf("no C++ compiler for %s here (scripts/setup %s--hosts installs it)", x->tc->goarch,
                               x->tc->foreign ? "--cross " : "");
    return NULL;
}

/* What a host binary is built from: the probe, the compiler, the SDK
 * files, the case's host flags and, for the languages that link the
 * library, its build. */
static uint64_t host_key(const run_ctx *ctx, const cell *x, const fixture_build *fb, lang l, const char *src,
                         const char *compiler)
{
    uint64_t k = FNV1A64_INIT;
    k = fnv1a64(k, x->run->host, strlen(x->run->host) + 1);
    /* A Java host loads the library by path: one build serves every toolchain. */
    bool java = l == LANG_JAVA || l == LANG_FFM;
    if (!java) k = fnv1a64(k, fb->key, strlen(fb->key) + 1);
    k = l == LANG_CXX ? host_hash_c_source(k, src) : host_hash_file(k, src);
    k = host_hash_program(k, compiler);
    if (l == LANG_CXX) k = host_hash_sdk(ctx, k);
    else if (l == LANG_JAVA) k = hash_java_sdk(ctx, host_hash_program(k, jna_jar()), JNA_SDK);
    else if (l == LANG_FFM) {
        char *unused = NULL;
        const jdk *j = ffm_jdk(&unused);
        free(unused);
        /* The JDK by where it is and what it says it is: the javac
         * launcher's size and time barely change between updates. */
        k = fnv1a64(k, j->home, strlen(j->home) + 1);
        k = fnv1a64(k, j->version, strlen(j->version) + 1);
        k = hash_java_sdk(ctx, k, FFM_SDK);
    } else {
        char *sdk = path_join(ctx->b.srcdir, "probe/gocompat_probe.rs");
        k = host_hash_file(k, sdk);
        free(sdk);
    }
    for (size_t j = 0; j < x->c->hostflags.n; j++) k = fnv1a64(k, x->c->hostflags.v[j], strlen(x->c->hostflags.v[j]) + 1);
    return k;
}

static int (*const BUILDERS[])(const run_ctx *, const cell *, const fixture_build *, const char *, char **) = {
    [LANG_CXX] = build_cxx, [LANG_RUST] = build_rust, [LANG_JAVA] = build_java, [LANG_FFM] = build_ffm,
};

/* The JDK a java-ffm cell ran on, as evidence. */
static void note_jdk(json_t *ev, lang l)
{
    char *unused = NULL;
    const jdk *j = l == LANG_FFM ? ffm_jdk(&unused) : NULL;
    free(unused);
    if (j) json_object_set_new(ev, "host_jdk", json_pack("{s:s,s:s}", "home", j->home, "version", j->version));
}

char **hostlang_prepare(const run_ctx *ctx, const cell *x, const fixture_build *fb, json_t *ev, char **why,
                        bool *is_harness, bool *skip)
{
    int i = host_index(x->run->host);
    lang l = HOSTS[i].lang;
    char *compiler = NULL;
    if ((*why = unavailable(x, l, &compiler))) {
        *skip = true;
        return NULL;
    }
    char *src = xasprintf("%s/%s%s", x->c->dir, x->c->probe, HOSTS[i].suffix);
    char **argv = NULL;
    if (!file_exists(src)) {
        *why = xasprintf("missing probe %s", src);
        *is_harness = true;
    } else {
        uint64_t k = host_key(ctx, x, fb, l, src, compiler);
        current = (struct lang_build){ compiler, src, jna_jar() };
        char *exe = host_cached(ctx, x, fb, k, BUILDERS[l], why, is_harness, ev);
        if (exe) {
            json_object_set_new(ev, "host_binary", json_string(exe));
            bool by_path = !strcmp(x->run->host, "cxx-dlopen") || l == LANG_JAVA || l == LANG_FFM;
            const char *a[] = { exe, by_path ? fb->artifact : NULL, NULL };
            argv = host_emulated(x, a);
            free(exe);
        }
    }
    if (argv) {
        json_object_set_new(ev, "host_compiler", json_string(compiler));
        note_jdk(ev, l);
    }
    free(src);
    free(compiler);
    return argv;
}
