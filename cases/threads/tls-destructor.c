/* A thread that called Go exits: its own pthread_key_create destructors must
 * still run (the runtime registers a destructor of its own to give the M
 * back). Then a destructor that itself calls into Go during thread exit. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "probe.h"

static pthread_key_t plain_key, calling_key;
static atomic_int plain_ran, calling_ran;
static atomic_ullong calling_result;

static void plain_dtor(void *v) { atomic_fetch_add(&plain_ran, (int)(uintptr_t)v); }

static void calling_dtor(void *v)
{
    (void)v;
    atomic_store(&calling_result, GO_FN(Mix)(0));
    atomic_fetch_add(&calling_ran, 1);
}

static void *plain_thread(void *p)
{
    (void)p;
    pthread_setspecific(plain_key, (void *)(uintptr_t)1);
    GO_FN(Mix)(1);
    return NULL;
}

static void *calling_thread(void *p)
{
    (void)p;
    GO_FN(Mix)(2);
    pthread_setspecific(calling_key, (void *)(uintptr_t)1);
    return NULL;
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    GC_EXPECT(pthread_key_create(&plain_key, plain_dtor) == 0);
    GC_EXPECT(pthread_key_create(&calling_key, calling_dtor) == 0);
    enum { N = 8 };
    pthread_t t[N];
    for (int i = 0; i < N; i++) GC_EXPECT(pthread_create(&t[i], NULL, plain_thread, NULL) == 0);
    for (int i = 0; i < N; i++) pthread_join(t[i], NULL);
    gc_fact("plain_destructors_run", "%d", atomic_load(&plain_ran));
    GC_EXPECT_EQ_LL(atomic_load(&plain_ran), N);

    gc_mark("go_call_in_destructor");
    for (int i = 0; i < N; i++) GC_EXPECT(pthread_create(&t[i], NULL, calling_thread, NULL) == 0);
    for (int i = 0; i < N; i++) pthread_join(t[i], NULL);
    gc_fact("calling_destructors_run", "%d", atomic_load(&calling_ran));
    GC_EXPECT_EQ_LL(atomic_load(&calling_ran), N);
    GC_EXPECT(atomic_load(&calling_result) == 0xe220a8397b1dcdafULL);
    /* The runtime must still serve ordinary calls afterwards. */
    GC_EXPECT(GO_FN(Mix)(0) == 0xe220a8397b1dcdafULL);
    gc_pass();
}
