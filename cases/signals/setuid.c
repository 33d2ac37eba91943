/* setgroups/setgid/setuid by a root host after the library loaded, while
 * Go threads run: the os/signal thread (NotifyStart; it blocks nearly every
 * signal), and a C thread blocked inside an export (ReadVia on an empty
 * pipe). The kernel changes one thread's credentials per system call; glibc
 * makes the change process-wide by signalling every thread it created
 * (SIGSETXID, signal 33) and waiting for each, so a thread that blocked
 * that signal would hang the call (golang/go#3871). Every task's Uid and
 * Gid lines in /proc must read 65534 four times, then and after further
 * calls from an old and a new thread. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

enum { NOBODY = 65534, WAIT_MS = 20000 };

struct scan {
    int tasks;
    int switched;
    char first_other[200];
};

/* Whether a "Uid:" or "Gid:" line of /proc/…/status holds id four times. */
static int all_ids(const char *line, unsigned id)
{
    unsigned v[4];
    if (sscanf(line + 4, "%u %u %u %u", &v[0], &v[1], &v[2], &v[3]) != 4) return 0;
    return v[0] == id && v[1] == id && v[2] == id && v[3] == id;
}

static void scan_tasks(struct scan *s, unsigned id)
{
    memset(s, 0, sizeof *s);
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        char path[300], line[256], uid[128] = "?", gid[128] = "?";
        snprintf(path, sizeof path, "/proc/self/task/%s/status", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue; /* the thread ended meanwhile */
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\n")] = 0;
            if (!strncmp(line, "Uid:", 4)) snprintf(uid, sizeof uid, "%.100s", line);
            if (!strncmp(line, "Gid:", 4)) snprintf(gid, sizeof gid, "%.100s", line);
        }
        fclose(f);
        s->tasks++;
        if (all_ids(uid, id) && all_ids(gid, id))
            s->switched++;
        else if (!s->first_other[0])
            snprintf(s->first_other, sizeof s->first_other, "task %.20s: %.80s / %.80s", e->d_name, uid, gid);
    }
    if (d) closedir(d);
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0) {
    }
}

static atomic_long reader_tid;
static int reader_got;

static void *reader(void *arg)
{
    atomic_store(&reader_tid, (long)syscall(SYS_gettid));
    reader_got = GO_FN(ReadVia)(0, *(int *)arg);
    return NULL;
}

static void *late_caller(void *arg)
{
    (void)arg;
    GO_FN(Spin)(1);
    return NULL;
}

/* Whether the reader is blocked in read(2) inside the export; -1 when that
 * cannot be told (under qemu /proc shows the emulator's system calls). */
static int reader_blocked(void)
{
    if (gc_emulated()) return -1;
    char path[64], buf[64] = "";
    for (int w = 0; w < WAIT_MS; w++) {
        long tid = atomic_load(&reader_tid);
        snprintf(path, sizeof path, "/proc/self/task/%ld/syscall", tid);
        FILE *f = tid ? fopen(path, "r") : NULL;
        if (f) {
            int got = fgets(buf, sizeof buf, f) != NULL;
            fclose(f);
            if (got && strncmp(buf, "running", 7) != 0 && atol(buf) == SYS_read) return 1;
        }
        sleep_ms(1);
    }
    return 0;
}

static int expect_switched(const char *when)
{
    struct scan s;
    scan_tasks(&s, NOBODY);
    char key[64];
    snprintf(key, sizeof key, "threads_%s", when);
    gc_fact(key, "%d", s.tasks);
    if (s.tasks == 0 || s.switched != s.tasks) {
        gc_fail("%s: %d of %d threads have uid and gid %d; %s", when, s.switched, s.tasks, NOBODY, s.first_other);
        return 0;
    }
    return 1;
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    if (geteuid() != 0) {
        gc_skip("changing credentials needs root (euid %u)", (unsigned)geteuid());
        return;
    }
    GO_FN(NotifyStart)(SIGUSR1);
    int p[2];
    pthread_t r, late;
    if (pipe(p) != 0 || pthread_create(&r, NULL, reader, &p[0]) != 0) {
        gc_fail("pipe or pthread_create: %s", strerror(errno));
        return;
    }
    int blocked = reader_blocked();
    gc_fact("reader_blocked_in_go", "%s", blocked == 1 ? "true" : blocked == 0 ? "false" : "null");
    GC_EXPECT(blocked != 0);
    if (setgroups(0, NULL) != 0 || setgid(NOBODY) != 0 || setuid(NOBODY) != 0) {
        int e = errno;
        ssize_t w = write(p[1], "x", 1); /* let the reader go */
        (void)w;
        pthread_join(r, NULL);
        if (e == EPERM) gc_skip("no CAP_SETUID/CAP_SETGID here: %s", strerror(e));
        else gc_fail("changing credentials: %s", strerror(e));
        return;
    }
    if (!expect_switched("at_switch")) return;
    GC_EXPECT_EQ_LL(write(p[1], "x", 1), 1);
    pthread_join(r, NULL);
    GC_EXPECT_EQ_LL(reader_got, 'x');
    GO_FN(Spin)(1);
    GC_EXPECT(pthread_create(&late, NULL, late_caller, NULL) == 0);
    pthread_join(late, NULL);
    if (!expect_switched("after_calls")) return;
    gc_pass();
}
