/* Running one benchmark: its process in the sandbox, pinned to one CPU,
 * its report read into a run object, and a second run when the first was
 * noisier than the limit. */
#define _GNU_SOURCE
#include "bench_engine.h"
#include "bench_report.h"
#include "proc.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The command line of one benchmark process. */
typedef struct {
    const char *argv[32];
    size_t n;
    strlist emu;
    char *pyprobe;
    char ms[32], reps[16], cpus[16], iters[32];
} item_cmd;

static void item_argv(const bench_settings *s, const bench_item *it, int cpu, long long iters_again, item_cmd *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->ms, sizeof c->ms, "%g", s->batch_ms);
    snprintf(c->reps, sizeof c->reps, "%d", s->reps);
    snprintf(c->cpus, sizeof c->cpus, "%d", str_prefix(it->bench, "scale/") ? -1 : cpu);
    c->pyprobe = xasprintf("%s/bench/bench_ctypes.py", s->srcdir);
    if (it->emulator) sl_split(&c->emu, it->emulator, " ");
    for (size_t k = 0; k < c->emu.n && k < 16; k++) c->argv[c->n++] = c->emu.v[k];
    if (!it->probe) {
        c->argv[c->n++] = s->rc.python;
        c->argv[c->n++] = "-B";
        c->argv[c->n++] = c->pyprobe;
        if (it->spec) {
            c->argv[c->n++] = "--header";
            c->argv[c->n++] = it->header;
            c->argv[c->n++] = "--call";
            c->argv[c->n++] = it->spec;
        }
        c->argv[c->n++] = it->lib;
    } else {
        c->argv[c->n++] = it->probe;
        if (!strcmp(it->host, "c-dlopen")) c->argv[c->n++] = it->lib;
    }
    c->argv[c->n++] = it->bench;
    if (it->probe) c->argv[c->n++] = it->thread;
    c->argv[c->n++] = c->ms;
    c->argv[c->n++] = c->reps;
    c->argv[c->n++] = c->cpus;
    if (iters_again > 0) {
        snprintf(c->iters, sizeof c->iters, "%lld", iters_again / (it->threads > 1 ? it->threads : 1));
        c->argv[c->n++] = c->iters;
    }
    c->argv[c->n] = NULL;
}

static void item_cmd_free(item_cmd *c)
{
    sl_free(&c->emu);
    free(c->pyprobe);
}

/* The report protocol of bench/bench_probe.c: fact, iters, rep, then ok,
 * skip or fail. Fills the run object; returns whether `ok` was seen. */
static bool read_report(const proc_result *r, json_t *run, long long *iters, const char **status, char **detail)
{
    json_t *batches = json_object_get(run, "batch_ns"), *facts = json_object_get(run, "facts");
    bool ok = false;
    char *rep = r->report ? xstrndup(r->report, r->report_len) : xstrdup("");
    for (char *line = strtok(rep, "\n"); line; line = strtok(NULL, "\n")) {
        if (str_prefix(line, "iters ")) *iters = atoll(line + 6);
        else if (str_prefix(line, "rep ")) json_array_append_new(batches, json_integer(atoll(line + 4)));
        else if (str_prefix(line, "fact ")) {
            char *k = line + 5, *sp = strchr(k, ' ');
            if (!sp) continue;
            *sp = 0;
            json_t *v = json_loads(sp + 1, JSON_DECODE_ANY, NULL);
            json_object_set_new(facts, k, v ? v : json_string(sp + 1));
        } else if (!strcmp(line, "ok")) ok = true;
        else if (str_prefix(line, "skip ") || str_prefix(line, "fail ")) {
            *status = line[0] == 's' ? "skip" : "fail";
            free(*detail);
            *detail = xstrdup(line + 5);
        }
    }
    free(rep);
    return ok;
}

/* Why a run without a complete report ended as it did. */
static void explain_end(const proc_result *r, double budget_ms, const char **status, char **detail)
{
    *status = "fail";
    char *e = capture_text(&r->err);
    char *t = trim(e);
    t[strcspn(t, "\n")] = 0;
    if (r->kind == PROC_SIGNAL) *detail = xasprintf("killed by %s: %s", signal_name(r->sig), t);
    else if (r->kind == PROC_TIMEOUT) *detail = xasprintf("timed out after %.0f s", budget_ms / 1000);
    else if (r->kind == PROC_SPAWN_FAIL) { *status = "error"; *detail = xstrdup(r->spawn_error); }
    else if (r->kind == PROC_INTERRUPTED) { *status = "error"; *detail = xstrdup("interrupted"); }
    else *detail = xasprintf("exit %d without a complete report: %s", r->code, t);
    free(e);
}

/* Run one benchmark process and parse its report into a run object;
 * *status and *detail say how it went. */
static json_t *run_once(const bench_settings *s, const bench_item *it, int cpu, long long iters_again,
                        const char **status, char **detail)
{
    item_cmd c;
    item_argv(s, it, cpu, iters_again, &c);
    /* Generous: a slow path on a loaded machine; calibration alone may take
     * several batches. */
    double budget_ms = (s->batch_ms * (s->reps + 30) + 60000) * s->rc.b.timeout_mult *
                       (it->emulator ? s->rc.emu_timeout_mult : 1);
    proc_spec sp = { .argv = c.argv, .capture_limit = 4096, .report_limit = 1 << 20, .timeout_ms = (int)budget_ms,
                     .interrupted = s->rc.b.interrupted };
    proc_result r;
    proc_run(&sp, &r);
    item_cmd_free(&c);
    json_t *run = json_object();
    json_object_set_new(run, "batch_ns", json_array());
    json_object_set_new(run, "facts", json_object());
    json_object_set_new(run, "wall_ms", json_real(r.wall_ms));
    *status = "error";
    *detail = NULL;
    long long iters = 0;
    bool ok = read_report(&r, run, &iters, status, detail);
    json_object_set_new(run, "iterations", json_integer(iters));
    bool clean_exit = r.kind == PROC_EXIT && r.code == 0;
    if (ok && clean_exit && iters > 0 && json_array_size(json_object_get(run, "batch_ns")) == (size_t)s->reps)
        *status = "ok";
    else if (!*detail)
        explain_end(&r, budget_ms, status, detail);
    proc_result_free(&r);
    return run;
}

static json_t *result_new(const bench_item *it)
{
    json_t *res = json_object();
    char *id = bench_item_id(it);
    json_object_set_new(res, "id", json_string(id));
    free(id);
    json_object_set_new(res, "go", it->go ? json_string(it->go) : json_null());
    json_object_set_new(res, "path", json_string(it->path));
    json_object_set_new(res, "host", json_string(it->host));
    json_object_set_new(res, "buildmode", it->buildmode ? json_string(it->buildmode) : json_null());
    json_object_set_new(res, "bench", json_string(it->bench));
    json_object_set_new(res, "thread", json_string(it->thread));
    json_object_set_new(res, "threads", json_integer(it->threads));
    json_object_set_new(res, "goarch", json_string(it->goarch));
    json_object_set_new(res, "emulated", json_boolean(it->emulator != NULL));
    if (it->spec) json_object_set_new(res, "call", json_string(it->spec));
    json_object_set_new(res, "runs", json_array());
    return res;
}

/* A noisy first run is repeated with the same batch size (no second
 * calibration); the steadier of the two is chosen, both are kept. */
static void rerun_if_noisy(const bench_settings *s, const bench_item *it, int cpu, json_t *res, json_t *run)
{
    double cv0 = json_number_value(json_object_get(res, "cv"));
    json_object_set_new(run, "cv", json_real(cv0));
    if (!(cv0 > s->cv_limit) || *s->rc.b.interrupted) return;
    const char *st2;
    char *d2;
    json_t *run2 = run_once(s, it, cpu, (long long)json_integer_value(json_object_get(run, "iterations")), &st2, &d2);
    json_array_append_new(json_object_get(res, "runs"), run2);
    json_object_set_new(res, "rerun", json_true());
    if (!strcmp(st2, "ok")) {
        json_object_set_new(res, "chosen_run", json_integer(1));
        bench_result_summarize(res, s->cv_limit);
        double cv1 = json_number_value(json_object_get(res, "cv"));
        json_object_set_new(run2, "cv", json_real(cv1));
        if (cv1 > cv0) {
            json_object_set_new(res, "chosen_run", json_integer(0));
            bench_result_summarize(res, s->cv_limit);
        }
    }
    free(d2);
}

json_t *bench_item_run(const bench_settings *s, const bench_item *it, int cpu)
{
    json_t *res = result_new(it);
    const char *status;
    char *detail;
    json_t *run = run_once(s, it, cpu, 0, &status, &detail);
    json_array_append_new(json_object_get(res, "runs"), run);
    json_object_set_new(res, "chosen_run", json_integer(0));
    json_object_set_new(res, "rerun", json_false());
    if (!strcmp(status, "ok")) {
        bench_result_summarize(res, s->cv_limit);
        rerun_if_noisy(s, it, cpu, res, run);
    }
    json_object_set_new(res, "status", json_string(status));
    if (detail) json_object_set_new(res, "detail", json_string(detail));
    free(detail);
    return res;
}

/* The last CPU this process may run on: the first is where interrupts and
 * other work tend to land. */
int bench_pick_cpu(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
    for (int c = CPU_SETSIZE - 1; c >= 0; c--)
        if (CPU_ISSET(c, &set)) return c;
    return -1;
}

/* A pyenv shim is a shell script that costs a second per start on a loaded
 * machine: ask Python itself where it lives. */
const char *bench_real_python(const run_ctx *rc)
{
    const char *argv[] = { rc->python, "-c", "import sys; print(sys.executable)", NULL };
    proc_spec s = { .argv = argv, .capture_limit = 4096, .timeout_ms = 30000, .interrupted = rc->b.interrupted };
    proc_result r;
    proc_run(&s, &r);
    const char *py = rc->python;
    if (r.kind == PROC_EXIT && r.code == 0) {
        char *out = capture_text(&r.out);
        char *exe = trim(out);
        if (*exe == '/' && is_executable(exe)) py = xstrdup(exe);
        free(out);
    }
    proc_result_free(&r);
    return py;
}
