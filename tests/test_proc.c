#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pool.h"
#include "proc.h"
#include "unit.h"
#include "util.h"

static proc_result run_sh(const char *script, int timeout_ms, size_t cap)
{
    const char *argv[] = { "/bin/sh", "-c", script, NULL };
    proc_spec s = { .argv = argv, .timeout_ms = timeout_ms, .capture_limit = cap };
    proc_result r;
    ck_assert_int_eq(proc_run(&s, &r), 0);
    return r;
}

START_TEST(decodes_exit_status)
{
    proc_result r = run_sh("exit 3", 5000, 0);
    ck_assert_int_eq(r.kind, PROC_EXIT);
    ck_assert_int_eq(r.code, 3);
    proc_result_free(&r);
}
END_TEST

START_TEST(decodes_death_by_signal)
{
    proc_result r = run_sh("kill -SEGV $$", 5000, 0);
    ck_assert_int_eq(r.kind, PROC_SIGNAL);
    ck_assert_int_eq(r.sig, SIGSEGV);
    ck_assert_str_eq(signal_name(r.sig), "SIGSEGV");
    ck_assert(!r.core); /* RLIMIT_CORE is 0 in the sandbox */
    proc_result_free(&r);
}
END_TEST

START_TEST(decodes_raw_wait_words)
{
    proc_result r = { 0 };
    proc_decode_status(W_EXITCODE(2, 0), &r);
    ck_assert_int_eq(r.kind, PROC_EXIT);
    ck_assert_int_eq(r.code, 2);
    proc_decode_status(SIGABRT | 0x80, &r);
    ck_assert_int_eq(r.kind, PROC_SIGNAL);
    ck_assert_int_eq(r.sig, SIGABRT);
    ck_assert(r.core);
    ck_assert_str_eq(signal_name(SIGABRT), "SIGABRT");
    ck_assert_str_eq(signal_name(200), "SIG200");
}
END_TEST

START_TEST(times_out_and_kills_the_group)
{
    double t0 = now_ms();
    /* The child ignores SIGTERM and leaves a grandchild: both must go. */
    proc_result r = run_sh("trap '' TERM; sleep 30 & sleep 30", 300, 0);
    double took = now_ms() - t0;
    ck_assert_int_eq(r.kind, PROC_TIMEOUT);
    ck_assert_msg(took < 5000, "timeout took %.0f ms", took);
    proc_result_free(&r);
}
END_TEST

START_TEST(reads_the_report_channel_and_no_stdin)
{
    proc_result r = run_sh("n=$(cat | wc -c); echo \"fact stdin_bytes $n\" >&3; echo pass >&3; echo out; echo err >&2", 5000, 0);
    ck_assert_int_eq(r.kind, PROC_EXIT);
    ck_assert_str_eq(r.report, "fact stdin_bytes 0\npass\n");
    char *o = capture_text(&r.out), *e = capture_text(&r.err);
    ck_assert_str_eq(o, "out\n");
    ck_assert_str_eq(e, "err\n");
    free(o);
    free(e);
    proc_result_free(&r);
}
END_TEST

START_TEST(bounds_a_flood_of_output)
{
    /* 4 MB of output kept as 64 bytes of head and 64 of tail. */
    proc_result r = run_sh("head -c 4000000 /dev/zero | tr '\\0' x; printf END", 20000, 64);
    ck_assert_int_eq(r.kind, PROC_EXIT);
    ck_assert_uint_eq(r.out.total, 4000003);
    ck_assert_uint_eq(r.out.head_len, 64);
    char *t = capture_text(&r.out);
    ck_assert(strstr(t, "bytes elided") != NULL);
    ck_assert(str_suffix(t, "xxxEND"));
    ck_assert_uint_lt(strlen(t), 256);
    free(t);
    proc_result_free(&r);
}
END_TEST

START_TEST(reports_a_program_that_cannot_start)
{
    const char *argv[] = { "/nonexistent/probe", NULL };
    proc_spec s = { .argv = argv, .timeout_ms = 1000 };
    proc_result r;
    proc_run(&s, &r);
    ck_assert_int_eq(r.kind, PROC_SPAWN_FAIL);
    ck_assert(strstr(r.spawn_error, "No such file") != NULL);
    proc_result_free(&r);
}
END_TEST

static bool process_gone(pid_t pid)
{
    char path[64], state = 0;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return true;
    int ok = fscanf(f, "%*d %*s %c", &state);
    fclose(f);
    return ok == 1 && (state == 'Z' || state == 'X');
}

START_TEST(kills_what_the_child_leaves_behind)
{
    proc_result r = run_sh("sleep 60 & echo \"fact orphan $!\" >&3; exit 0", 5000, 0);
    ck_assert_int_eq(r.kind, PROC_EXIT);
    ck_assert_int_eq(r.leftovers, 1);
    int pid = 0;
    ck_assert_int_eq(sscanf(r.report, "fact orphan %d", &pid), 1);
    bool gone = false;
    for (int i = 0; i < 100 && !gone; i++) {
        gone = process_gone(pid);
        if (!gone) usleep(10000);
    }
    ck_assert_msg(gone, "orphan %d still running", pid);
    proc_result_free(&r);
}
END_TEST

START_TEST(stops_when_interrupted)
{
    volatile sig_atomic_t flag = 1;
    const char *argv[] = { "/bin/sleep", "30", NULL };
    proc_spec s = { .argv = argv, .timeout_ms = 20000, .interrupted = &flag };
    proc_result r;
    double t0 = now_ms();
    proc_run(&s, &r);
    ck_assert_int_eq(r.kind, PROC_INTERRUPTED);
    ck_assert(now_ms() - t0 < 5000);
    proc_result_free(&r);
}
END_TEST

/* The pool: tasks 0 and 1 wait, 2 and 3 are busy; jobs 1. A waiting task
 * polls for a file that only a busy task makes, so it ends well only if the
 * busy one ran beside it; two waiting tasks at once would find each
 * other's lock. */
typedef struct {
    char dir[64];
    int status[4];
} pool_fixture;

static bool task_waits(void *vp, size_t i) { (void)vp; return i < 2; }

static bool appears(const char *path, int ms)
{
    for (int t = 0; t < ms; t += 5) {
        if (access(path, F_OK) == 0) return true;
        usleep(5000);
    }
    return false;
}

static int pool_fixture_task(void *vp, size_t i)
{
    pool_fixture *f = vp;
    char made[96], lock[96];
    snprintf(made, sizeof made, "%s/made%zu", f->dir, i < 2 ? i + 2 : i);
    if (i >= 2) {
        FILE *fp = fopen(made, "w");
        return fp && fclose(fp) == 0 ? 0 : 1;
    }
    snprintf(lock, sizeof lock, "%s/waiting", f->dir);
    FILE *fp = fopen(lock, "wx");
    if (!fp) return 2; /* another waiting task holds the slot */
    fclose(fp);
    int rc = appears(made, 20000) ? 0 : 3;
    unlink(lock);
    return rc;
}

static void pool_fixture_done(void *vp, size_t i, int st)
{
    pool_fixture *f = vp;
    f->status[i] = WIFEXITED(st) ? WEXITSTATUS(st) : 100;
}

START_TEST(waiting_tasks_take_no_busy_slot)
{
    pool_fixture f = { .dir = "/tmp/gocompat-pool-XXXXXX" };
    ck_assert_ptr_nonnull(mkdtemp(f.dir));
    ck_assert_uint_eq(pool_run_waiting(4, 1, pool_fixture_task, pool_fixture_done, task_waits, &f, NULL), 4);
    for (int i = 0; i < 4; i++) ck_assert_msg(f.status[i] == 0, "task %d ended %d", i, f.status[i]);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f.dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

Suite *suite_proc(void)
{
    Suite *s = suite_create("proc");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, decodes_exit_status);
    tcase_add_test(t, decodes_death_by_signal);
    tcase_add_test(t, decodes_raw_wait_words);
    tcase_add_test(t, times_out_and_kills_the_group);
    tcase_add_test(t, reads_the_report_channel_and_no_stdin);
    tcase_add_test(t, bounds_a_flood_of_output);
    tcase_add_test(t, reports_a_program_that_cannot_start);
    tcase_add_test(t, kills_what_the_child_leaves_behind);
    tcase_add_test(t, stops_when_interrupted);
    tcase_add_test(t, waiting_tasks_take_no_busy_slot);
    suite_add_tcase(s, t);
    return s;
}
