/* Signal masks around exports. GOCOMPAT_SIGMASK picks what is looked at:
 *   thread  the caller's blocked set after exports that use os/signal
 *           (NotifyStart, NotifyReset) and after a plain one (Spin), when
 *           it blocked SIGUSR2, SIGINT, SIGTERM, SIGURG, SIGPROF and SIGCHLD
 *           before its first call;
 *   exec    the blocked set of a child the library starts with os/exec
 *           (ChildMasks), from the caller's goroutine and from a new one,
 *           after the caller blocked SIGUSR2 before its first call, then
 *           also SIGINT, then unblocked SIGUSR2 again.
 * Masks are reported as /proc does (bit n-1 for signal n); GOCOMPAT_WANT_*
 * name what the case requires (see the descriptors). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

static unsigned long long bits_of(const sigset_t *s)
{
    unsigned long long b = 0;
    for (int sig = 1; sig <= 64; sig++)
        if (sigismember(s, sig) == 1) b |= 1ULL << (sig - 1);
    return b;
}

static unsigned long long blocked_now(void)
{
    sigset_t cur;
    pthread_sigmask(SIG_BLOCK, NULL, &cur);
    return bits_of(&cur);
}

static unsigned long long bit(int sig) { return 1ULL << (sig - 1); }

/* "SIGURG SIGPROF" for the signals in b, as a JSON string. */
static void fact_names(const char *key, unsigned long long b)
{
    char buf[1024] = "";
    size_t n = 0;
    for (int sig = 1; sig <= 64 && n < sizeof buf - 16; sig++) {
        if (!(b & bit(sig))) continue;
        const char *abbrev = sigabbrev_np(sig);
        if (abbrev)
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%sSIG%s", n ? " " : "", abbrev);
        else
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%d", n ? " " : "", sig);
    }
    gc_fact(key, "\"%s\"", buf);
}

static unsigned long long env_mask(const char *name)
{
    const char *s = getenv(name);
    unsigned long long b = 0;
    char *copy = strdup(s ? s : ""), *save = NULL;
    for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        for (int sig = 1; sig <= 64; sig++) {
            const char *abbrev = sigabbrev_np(sig);
            if (abbrev && strncmp(w, "SIG", 3) == 0 && strcmp(w + 3, abbrev) == 0) b |= bit(sig);
        }
    }
    free(copy);
    return b;
}

static void block(int how, unsigned long long b)
{
    sigset_t s;
    sigemptyset(&s);
    for (int sig = 1; sig <= 64; sig++)
        if (b & bit(sig)) sigaddset(&s, sig);
    pthread_sigmask(how, &s, NULL);
}

/* Fails unless every mask a Go call left on the thread is the one before
 * minus exactly the signals GOCOMPAT_WANT_UNBLOCKED names. */
static void thread_mask(void)
{
    unsigned long long set = bit(SIGUSR2) | bit(SIGINT) | bit(SIGTERM) | bit(SIGURG) | bit(SIGPROF) | bit(SIGCHLD);
    block(SIG_BLOCK, set);
    unsigned long long before = blocked_now();
    GO_FN(NotifyStart)(SIGUSR1);
    unsigned long long after_notify = blocked_now();
    GO_FN(NotifyReset)(SIGUSR1);
    unsigned long long after_reset = blocked_now();
    GO_FN(Spin)(1);
    unsigned long long after_plain = blocked_now();
    fact_names("blocked_before", before);
    fact_names("unblocked_by_notify", before & ~after_notify);
    fact_names("unblocked_by_reset", before & ~after_reset);
    fact_names("unblocked_by_plain_export", before & ~after_plain);
    fact_names("blocked_by_go", (after_notify | after_reset | after_plain) & ~before);
    unsigned long long want = before & ~env_mask("GOCOMPAT_WANT_UNBLOCKED");
    GC_EXPECT_EQ_LL(after_notify, want);
    GC_EXPECT_EQ_LL(after_reset, want);
    GC_EXPECT_EQ_LL(after_plain, want);
    gc_pass();
}

/* The blocked set of a child started by ChildMasks; ~0 on failure. */
static unsigned long long child_blocked(int from_goroutine, const char *key)
{
    unsigned long long blk = 0, ign = 0;
    int rc = GO_FN(ChildMasks)(from_goroutine, &blk, &ign);
    if (rc != 0) {
        gc_fail("ChildMasks(%d) = %d (%s)", from_goroutine, rc, rc > -1000 ? strerror(-rc) : "no errno");
        return ~0ULL;
    }
    fact_names(key, blk);
    return blk;
}

/* Each child must start with exactly the mask of the thread that forked
 * it: the caller's mask of the moment, or the mask Go's own threads got
 * from the thread that loaded the library (nothing blocked here). */
static void exec_mask(void)
{
    unsigned long long start = blocked_now();
    fact_names("blocked_at_start", start);
    block(SIG_BLOCK, bit(SIGUSR2));
    GO_FN(NotifyStart)(SIGUSR1);
    GC_EXPECT_EQ_LL(child_blocked(0, "child_from_caller"), start | bit(SIGUSR2));
    GC_EXPECT_EQ_LL(child_blocked(1, "child_from_goroutine"), start);
    block(SIG_BLOCK, bit(SIGINT));
    GC_EXPECT_EQ_LL(child_blocked(0, "child_from_caller_after_blocking_sigint"), start | bit(SIGUSR2) | bit(SIGINT));
    block(SIG_UNBLOCK, bit(SIGUSR2));
    GC_EXPECT_EQ_LL(child_blocked(0, "child_from_caller_after_unblocking_sigusr2"), start | bit(SIGINT));
    gc_pass();
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    const char *mode = getenv("GOCOMPAT_SIGMASK");
    if (mode && strcmp(mode, "thread") == 0)
        thread_mask();
    else if (mode && strcmp(mode, "exec") == 0)
        exec_mask();
    else
        gc_skip("GOCOMPAT_SIGMASK must be thread or exec");
}
