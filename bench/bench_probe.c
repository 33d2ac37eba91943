/* The C benchmark probe. One source, built by `gocompat bench` into four
 * programs with the configured C compiler:
 *
 *   GCB_GO undefined          baselines only: no Go runtime in the process
 *   GCB_GO + GCB_DLOPEN       dlopen the c-shared library named in argv[1],
 *                             call exports through dlsym'd pointers
 *   GCB_GO (linked)           call exports directly, as declared by cgo's
 *                             header: linked against the c-shared library or
 *                             statically against the c-archive
 *   GCB_NO_FFI                without the libffi benchmarks (a cross
 *                             compiler for an emulated arch has no libffi)
 *
 * Usage: bench_probe [LIBRARY] BENCH THREAD BATCH_MS REPS CPU [ITERS]
 *   BENCH    a name from the table at the end (e.g. call/add, scale/4)
 *   THREAD   main (the process's initial thread) or pthread (a thread this
 *            program creates)
 *   BATCH_MS iterations are scaled until one batch takes at least this long
 *   REPS     timed batches after calibration
 *   CPU      pin the measuring thread to this CPU; -1 leaves it unpinned
 *   ITERS    skip calibration and time batches of ITERS iterations (per
 *            thread for scale/N): a rerun reuses the first run's count
 *
 * Report (fd 3, or stdout when fd 3 is not open), one line each:
 *   fact KEY VALUE    context (pinned CPU, thread, calibration steps)
 *   iters N           iterations (calls) in each timed batch
 *   rep NS            wall time of one batch, in nanoseconds
 *   ok | skip REASON | fail DETAIL
 *
 * Every result feeds a volatile sink so no loop can be optimised away. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#ifndef GCB_NO_FFI
#include <ffi.h>
#endif
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__has_attribute)
#if __has_attribute(noipa)
#define GCB_OPAQUE __attribute__((noinline, noipa))
#endif
#endif
#ifndef GCB_OPAQUE
#define GCB_OPAQUE __attribute__((noinline))
#endif

static FILE *report;
static int scale_threads = 1; /* scale/N */
static volatile uint64_t sink;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(report, fmt, ap);
    va_end(ap);
    fputc('\n', report);
    fflush(report);
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- C targets: the baselines ---- */

GCB_OPAQUE static int c_add(int a, int b)
{
    __asm__ volatile("" ::: "memory");
    return a + b;
}

GCB_OPAQUE __attribute__((unused)) static int c_cb(int x)
{
    __asm__ volatile("" ::: "memory");
    return x + 1;
}

static void c_nothing(void) {}

/* Set at start-up from a volatile, so the compiler cannot see through it. */
static int (*c_add_ptr)(int, int);
static int (*volatile c_add_src)(int, int) = c_add;

/* ---- Go targets ---- */

#ifdef GCB_GO
#ifdef GCB_DLOPEN
static void *lib;
#define GCB_SYM(name) static __typeof__(&name) p_##name;
#define GO(name) (p_##name)
#else
#define GCB_SYM(name)
#define GO(name) (name)
#endif
GCB_SYM(BenchEmpty)
GCB_SYM(BenchInt0)
GCB_SYM(BenchAdd)
GCB_SYM(BenchAdd8)
GCB_SYM(BenchStruct64)
GCB_SYM(BenchString)
GCB_SYM(BenchSlice)
GCB_SYM(BenchCallC)
GCB_SYM(BenchCallback)
GCB_SYM(BenchPanic)
GCB_SYM(BenchLocked)

static int resolve(const char *path)
{
#ifdef GCB_DLOPEN
    lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        say("fail dlopen: %s", dlerror());
        return -1;
    }
#define R(name) if (!(p_##name = (__typeof__(&name))dlsym(lib, #name))) { say("fail dlsym %s", #name); return -1; }
    R(BenchEmpty) R(BenchInt0) R(BenchAdd) R(BenchAdd8) R(BenchStruct64) R(BenchString) R(BenchSlice)
    R(BenchCallC) R(BenchCallback) R(BenchPanic) R(BenchLocked)
#undef R
#else
    (void)path;
#endif
    return 0;
}

static char str16[16], buf4k[4096];

static uint64_t b_call_empty(uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) GO(BenchEmpty)();
    return n;
}

static uint64_t b_int0(uint64_t n)
{
    uint64_t acc = 0;
    for (uint64_t i = 0; i < n; i++) acc += (uint64_t)GO(BenchInt0)();
    return acc;
}

static uint64_t b_call_add(uint64_t n)
{
    int acc = 0;
    for (uint64_t i = 0; i < n; i++) acc = GO(BenchAdd)(acc, (int)i);
    return (uint64_t)acc;
}

static uint64_t b_int8(uint64_t n)
{
    int acc = 0;
    for (uint64_t i = 0; i < n; i++) acc = GO(BenchAdd8)(acc, (int)i, 1, 2, 3, 4, 5, 6);
    return (uint64_t)acc;
}

static uint64_t b_struct64(uint64_t n)
{
    gcb_s64 s = { { 1, 2, 3, 4, 5, 6, 7, 8 } };
    long long acc = 0;
    for (uint64_t i = 0; i < n; i++) {
        s.v[0] = (long long)i;
        acc += GO(BenchStruct64)(s);
    }
    return (uint64_t)acc;
}

static uint64_t str_calls(uint64_t n, const char *p, size_t len)
{
    GoString s = { p, (ptrdiff_t)len };
    long long acc = 0;
    for (uint64_t i = 0; i < n; i++) acc += GO(BenchString)(s);
    return (uint64_t)acc;
}
static uint64_t b_string16(uint64_t n) { return str_calls(n, str16, sizeof str16); }
static uint64_t b_string4k(uint64_t n) { return str_calls(n, buf4k, sizeof buf4k); }

static uint64_t b_slice4k(uint64_t n)
{
    GoSlice s = { buf4k, (GoInt)sizeof buf4k, (GoInt)sizeof buf4k };
    long long acc = 0;
    for (uint64_t i = 0; i < n; i++) acc += GO(BenchSlice)(s);
    return (uint64_t)acc;
}

/* Go→C: n cgo calls made inside one export call. */
static uint64_t b_cgo(uint64_t n)
{
    uint64_t acc = 0;
    while (n) {
        int k = n > (1u << 30) ? (1 << 30) : (int)n;
        acc += (uint64_t)GO(BenchCallC)(k);
        n -= (uint64_t)k;
    }
    return acc;
}

static uint64_t b_callback(uint64_t n)
{
    int acc = 0;
    for (uint64_t i = 0; i < n; i++) acc = GO(BenchCallback)(c_cb, acc);
    return (uint64_t)acc;
}

static uint64_t b_panic(uint64_t n)
{
    uint64_t acc = 0;
    for (uint64_t i = 0; i < n; i++) acc += (uint64_t)GO(BenchPanic)();
    return acc;
}

static uint64_t b_locked(uint64_t n)
{
    uint64_t acc = 0;
    for (uint64_t i = 0; i < n; i++) acc += (uint64_t)GO(BenchLocked)();
    return acc;
}

#ifndef GCB_NO_FFI
/* libffi calling the export through its pointer. */
static ffi_cif cif_add;
static uint64_t ffi_calls(uint64_t n, void (*fn)(void))
{
    uint64_t acc = 0;
    for (uint64_t i = 0; i < n; i++) {
        int a = (int)acc, b = (int)i;
        void *args[2] = { &a, &b };
        ffi_arg r;
        ffi_call(&cif_add, fn, &r, args);
        acc = (uint64_t)(int)r;
    }
    return acc;
}
static uint64_t b_ffi_empty(uint64_t n)
{
    static ffi_cif cif0;
    static int ready;
    if (!ready && ffi_prep_cif(&cif0, FFI_DEFAULT_ABI, 0, &ffi_type_void, NULL) == FFI_OK) ready = 1;
    void (*fn)(void) = (void (*)(void))GO(BenchEmpty);
    for (uint64_t i = 0; i < n; i++) ffi_call(&cif0, fn, NULL, NULL);
    return n;
}
static uint64_t b_ffi_add(uint64_t n) { return ffi_calls(n, (void (*)(void))GO(BenchAdd)); }
#endif

static void *first_call_thread(void *arg)
{
    (void)arg;
    GO(BenchEmpty)();
    return NULL;
}
static uint64_t b_first_call(uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, first_call_thread, NULL)) return 0;
        pthread_join(t, NULL);
    }
    return n;
}

/* Scaling: `scale_threads` threads each make n calls at once; the batch
 * counts n × threads calls. */
static pthread_barrier_t scale_bar;
struct scale_arg { uint64_t n, acc; };
static void *scale_thread(void *p)
{
    struct scale_arg *a = p;
    GO(BenchAdd)(0, 0); /* the thread's first call is not part of the figure */
    pthread_barrier_wait(&scale_bar);
    int acc = 0;
    for (uint64_t i = 0; i < a->n; i++) acc = GO(BenchAdd)(acc, (int)i);
    a->acc = (uint64_t)acc;
    return NULL;
}
#endif /* GCB_GO */

/* ---- baselines ---- */

static uint64_t b_c_direct(uint64_t n)
{
    int acc = 0;
    for (uint64_t i = 0; i < n; i++) acc = c_add(acc, (int)i);
    return (uint64_t)acc;
}

static uint64_t b_c_indirect(uint64_t n)
{
    int acc = 0;
    for (uint64_t i = 0; i < n; i++) acc = c_add_ptr(acc, (int)i);
    return (uint64_t)acc;
}

static uint64_t b_clock(uint64_t n)
{
    uint64_t acc = 0;
    struct timespec ts;
    for (uint64_t i = 0; i < n; i++) {
        clock_gettime(CLOCK_MONOTONIC, &ts);
        acc += (uint64_t)ts.tv_nsec;
    }
    return acc;
}

static uint64_t b_empty_loop(uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) __asm__ volatile("" : : "r"(i) : "memory");
    return n;
}

#ifndef GCB_NO_FFI
static ffi_cif cif_c;
static uint64_t b_ffi_c(uint64_t n)
{
    uint64_t acc = 0;
    for (uint64_t i = 0; i < n; i++) {
        int a = (int)acc, b = (int)i;
        void *args[2] = { &a, &b };
        ffi_arg r;
        ffi_call(&cif_c, (void (*)(void))c_add_ptr, &r, args);
        acc = (uint64_t)(int)r;
    }
    return acc;
}
#endif

static void *c_thread(void *arg)
{
    (void)arg;
    c_nothing();
    return NULL;
}
static uint64_t b_thread_create(uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, c_thread, NULL)) return 0;
        pthread_join(t, NULL);
    }
    return n;
}

static const struct bench {
    const char *name;
    uint64_t (*fn)(uint64_t);
} BENCHES[] = {
    { "base/c_direct", b_c_direct },
    { "base/c_indirect", b_c_indirect },
    { "base/clock_gettime", b_clock },
    { "base/empty_loop", b_empty_loop },
#ifndef GCB_NO_FFI
    { "base/ffi_c", b_ffi_c },
#endif
    { "base/thread_create", b_thread_create },
#ifdef GCB_GO
    { "call/empty", b_call_empty },
    { "call/add", b_call_add },
    { "args/int0", b_int0 },
    { "args/int2", b_call_add },
    { "args/int8", b_int8 },
    { "args/struct64", b_struct64 },
    { "args/string16", b_string16 },
    { "args/string4k", b_string4k },
    { "args/slice4k", b_slice4k },
#ifndef GCB_NO_FFI
    { "ffi/empty", b_ffi_empty },
    { "ffi/add", b_ffi_add },
#endif
    { "gocall/cgo", b_cgo },
    { "gocall/callback", b_callback },
    { "thread/first_call", b_first_call },
    { "panic/recovered", b_panic },
    { "lock/lockosthread", b_locked },
    { "scale/N", NULL }, /* scale/1, scale/2, … */
#endif
};

/* ---- the driver ---- */

static const struct bench *chosen;
static double batch_ms;
static int reps, cpu;
static uint64_t fixed_iters;

/* One timed batch of n iterations. */
static int64_t batch(uint64_t n)
{
#ifdef GCB_GO
    if (!chosen->fn) {
        pthread_t t[64];
        struct scale_arg a[64];
        pthread_barrier_init(&scale_bar, NULL, (unsigned)scale_threads + 1);
        for (int i = 0; i < scale_threads; i++) {
            a[i] = (struct scale_arg){ n, 0 };
            if (pthread_create(&t[i], NULL, scale_thread, &a[i])) {
                say("fail pthread_create: %s", strerror(errno));
                exit(1);
            }
        }
        /* The clock starts before the release: a worker may finish before
         * this thread is scheduled again. */
        int64_t t0 = now_ns();
        pthread_barrier_wait(&scale_bar);
        for (int i = 0; i < scale_threads; i++) {
            pthread_join(t[i], NULL);
            sink += a[i].acc;
        }
        int64_t dt = now_ns() - t0;
        pthread_barrier_destroy(&scale_bar);
        return dt;
    }
#endif
    int64_t t0 = now_ns();
    sink += chosen->fn(n);
    return now_ns() - t0;
}

static void pin(void)
{
    if (cpu < 0) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    /* pid 0: the calling thread only; the Go runtime's threads stay free. */
    if (sched_setaffinity(0, sizeof set, &set) == 0) say("fact pinned_cpu %d", cpu);
    else say("fact pinned_cpu \"not pinned: %s\"", strerror(errno));
}

static void *measure(void *arg)
{
    (void)arg;
    if (chosen->fn) pin(); /* scaling threads spread over the CPUs */
    int64_t target = (int64_t)(batch_ms * 1e6);
    /* Warm-up: the first call may wait for the runtime to start (dlopen
     * starts it asynchronously) or set the thread up; keep it out. */
    sink += batch(1);
    uint64_t n = fixed_iters ? fixed_iters : 1;
    int steps = 0;
    while (!fixed_iters) {
        int64_t t = batch(n);
        steps++;
        if (n >= (UINT64_C(1) << 40) || steps > 60) break;
        /* Long enough: confirm with a second batch, so one preemption
         * cannot stop the scaling at a far too small n. */
        if (t >= target) {
            t = batch(n);
            steps++;
            if (t >= target / 2) break;
        }
        /* aim 15 % past the target: batches land at 50-60 ms, not 70 */
        double m = t > 0 ? 1.15 * (double)target / (double)t : 10;
        if (m > 10) m = 10;
        if (m < 1.2) m = 1.2;
        n = (uint64_t)((double)n * m) + 1;
    }
    say("fact calibration_steps %d", steps);
    uint64_t per = chosen->fn ? n : n * (uint64_t)scale_threads;
    say("iters %llu", (unsigned long long)per);
    for (int r = 0; r < reps; r++) say("rep %lld", (long long)batch(n));
    return NULL;
}

int main(int argc, char **argv)
{
    report = fdopen(3, "w");
    if (!report || fcntl(3, F_GETFD) < 0) report = stdout;
    int a = 1;
#ifdef GCB_DLOPEN
    const char *libpath = argc > 1 ? argv[a++] : NULL;
#endif
    if (argc - a != 5 && argc - a != 6) {
        fprintf(stderr, "usage: %s%s BENCH main|pthread BATCH_MS REPS CPU [ITERS]\n", argv[0],
#ifdef GCB_DLOPEN
                " LIBRARY"
#else
                ""
#endif
        );
        return 2;
    }
    const char *name = argv[a], *thread = argv[a + 1];
    batch_ms = atof(argv[a + 2]);
    reps = atoi(argv[a + 3]);
    cpu = atoi(argv[a + 4]);
    if (argc - a == 6) fixed_iters = strtoull(argv[a + 5], NULL, 10);
    for (size_t i = 0; i < sizeof BENCHES / sizeof BENCHES[0]; i++)
        if (!strcmp(BENCHES[i].name, name)) chosen = &BENCHES[i];
    if (!chosen && !strncmp(name, "scale/", 6)) {
        for (size_t i = 0; i < sizeof BENCHES / sizeof BENCHES[0]; i++)
            if (!strcmp(BENCHES[i].name, "scale/N")) chosen = &BENCHES[i];
        scale_threads = atoi(name + 6);
        if (scale_threads < 1 || scale_threads > 64) chosen = NULL;
    }
    if (!chosen) {
        say("fail unknown benchmark %s for this probe", name);
        return 1;
    }
    if (!(batch_ms > 0) || reps < 1) {
        say("fail bad BATCH_MS or REPS");
        return 1;
    }
    c_add_ptr = c_add_src;
#ifndef GCB_NO_FFI
    ffi_type *ints[2] = { &ffi_type_sint, &ffi_type_sint };
    if (ffi_prep_cif(&cif_c, FFI_DEFAULT_ABI, 2, &ffi_type_sint, ints) != FFI_OK) {
        say("fail ffi_prep_cif");
        return 1;
    }
#endif
#ifdef GCB_GO
#ifndef GCB_NO_FFI
    cif_add = cif_c;
#endif
    memset(str16, 'x', sizeof str16);
    memset(buf4k, 'y', sizeof buf4k);
#ifdef GCB_DLOPEN
    if (resolve(libpath) < 0) return 1;
#else
    if (resolve(NULL) < 0) return 1;
#endif
#endif
    say("fact thread \"%s\"", thread);
    if (!strcmp(thread, "main")) measure(NULL);
    else if (!strcmp(thread, "pthread")) {
        pthread_t t;
        if (pthread_create(&t, NULL, measure, NULL)) {
            say("fail pthread_create: %s", strerror(errno));
            return 1;
        }
        pthread_join(t, NULL);
    } else {
        say("fail THREAD must be main or pthread, not %s", thread);
        return 1;
    }
    say("ok");
    return 0;
}
