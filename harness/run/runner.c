#define _GNU_SOURCE
#include "runner.h"
#include "pool.h"
#include "proc.h"
#include "expectations.h"
#include "record.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern volatile sig_atomic_t gc_interrupted;

/* Child exit codes of a cell task. */
enum { CELL_RECORDED = 10, CELL_INTERRUPTED = 3, CELL_JOURNAL_FAILED = 4, CELL_ENV_FAULT = 5 };

char *cell_key(const cell *x)
{
    return xasprintf("%s|%s|%s|%s|%s", x->tc->version, x->tc->goarch, x->run->buildmode, x->run->host, x->c->id);
}

static bool wanted(const strlist *filter, const char *v, bool glob)
{
    if (!filter->n) return true;
    for (size_t i = 0; i < filter->n; i++)
        if (glob ? fnmatch(filter->v[i], v, 0) == 0 : strcmp(filter->v[i], v) == 0) return true;
    return false;
}

bool case_selected(const matrix_opts *o, const case_desc *cd)
{
    return wanted(&o->areas, cd->area, false) && wanted(&o->cases, cd->id, true);
}

bool run_selected(const matrix_opts *o, const host_run *hr)
{
    return wanted(&o->hosts, hr->host, false) && wanted(&o->modes, hr->buildmode, false);
}

void cells_expand(const matrix_opts *o, const toolchain_set *tcs, const case_set *cases, cell_list *out)
{
    out->v = NULL;
    out->n = 0;
    size_t idx = 0;
    for (size_t t = 0; t < tcs->n; t++) {
        if (tcs->v[t].error) continue;
        for (size_t c = 0; c < cases->n; c++) {
            const case_desc *cd = &cases->v[c];
            if (!case_selected(o, cd)) continue;
            for (size_t r = 0; r < cd->nruns; r++) {
                const host_run *hr = &cd->runs[r];
                if (!run_selected(o, hr)) continue;
                size_t my = idx++;
                if (o->shard_n && (int)(my % (size_t)o->shard_n) != o->shard_k - 1) continue;
                out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
                out->v[out->n++] = (cell){ &tcs->v[t], cd, hr };
            }
        }
    }
}

json_t *toolchains_json(const toolchain_set *tcs)
{
    json_t *a = json_array();
    for (size_t i = 0; i < tcs->n; i++) {
        const toolchain *t = &tcs->v[i];
        json_t *o = json_pack("{s:s}", "path", t->path);
        if (t->version) json_object_set_new(o, "version", json_string(t->version));
        if (t->goos) json_object_set_new(o, "goos", json_string(t->goos));
        if (t->goarch) json_object_set_new(o, "goarch", json_string(t->goarch));
        if (t->cc) json_object_set_new(o, "cc", json_string(t->cc));
        if (!t->error) json_object_set_new(o, "cgo_enabled", json_boolean(t->cgo_enabled));
        if (t->foreign) json_object_set_new(o, "emulator", json_string(t->emulator));
        if (t->error) json_object_set_new(o, "error", json_string(t->error));
        json_array_append_new(a, o);
    }
    return a;
}

/* ---- the build phase: one task per distinct fixture build ---- */

typedef struct {
    const matrix_opts *o;
    const cell **builds; /* a representative cell per distinct build */
    size_t n, done;
    size_t ok, failed, hard_fail;
    bool env_fault;
} build_phase;

static int build_task(void *vp, size_t i)
{
    build_phase *bp = vp;
    const cell *x = bp->builds[i];
    fixture_build fb;
    fixture_build_ensure(&bp->o->rc.b, x->tc, x->c->fixture, x->run->buildmode, &x->c->buildflags, &x->c->buildenv, &fb);
    int code = (int)fb.status;
    if (fb.status == BUILD_ENVIRONMENT) {
        const char *said = json_string_value(json_object_get(fb.info, "stderr_head"));
        gc_warn("building %s for %s %s failed for a reason outside Go: %.*s", x->c->fixture, x->tc->version,
                x->run->buildmode, said ? (int)strcspn(said, "\n") : 0, said ? said : "");
    }
    fixture_build_free(&fb);
    return code;
}

static void progress(const matrix_opts *o, const char *phase, size_t done, size_t total, const char *what, const char *status)
{
    if (o->events.progress) o->events.progress(o->events.ctx, phase, done, total, what, status);
}

static void build_done(void *vp, size_t i, int st)
{
    build_phase *bp = vp;
    bp->done++;
    const cell *x = bp->builds[i];
    int code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    if (code == BUILD_OK) bp->ok++;
    else bp->failed++;
    if (code != BUILD_OK && code != BUILD_UNSUPPORTED) bp->hard_fail++;
    if (code == BUILD_ENVIRONMENT) {
        bp->env_fault = true;
        gc_interrupted = 1; /* every other build would fail the same way */
    }
    char *what = xasprintf("%s %s %s", x->tc->version, x->c->fixture, x->run->buildmode);
    progress(bp->o, "build", bp->done, bp->n, what,
             code >= 0 && code <= BUILD_ENVIRONMENT ? build_status_name((build_status)code) : "crashed");
    free(what);
}

/* Each distinct fixture build of the cells to run, once. */
static void plan_builds(const matrix_opts *o, const cell_list *todo, build_phase *bp)
{
    json_t *seen = json_object();
    for (size_t i = 0; i < todo->n; i++) {
        const cell *x = &todo->v[i];
        if (!version_in_range(x->tc->version, x->c->go_lo, x->c->go_hi)) continue;
        char *k = fixture_key(&o->rc.b, x->tc, x->c->fixture, x->run->buildmode, &x->c->buildflags, &x->c->buildenv);
        if (k && !json_object_get(seen, k)) {
            json_object_set_new(seen, k, json_true());
            bp->builds = xrealloc(bp->builds, (bp->n + 1) * sizeof *bp->builds);
            bp->builds[bp->n++] = x;
        }
        free(k);
    }
    json_decref(seen);
}

/* ---- the run phase: one task per cell ---- */

typedef struct {
    const matrix_opts *o;
    cell_list todo;
    journal *j;
    size_t done, counts[6], crashed;
    bool journal_failed, env_fault;
} run_phase;

static int status_index(const char *s)
{
    for (int k = 0; RECORD_STATUSES[k]; k++)
        if (!strcmp(RECORD_STATUSES[k], s)) return k;
    return 5;
}

static int cell_task(void *vp, size_t i)
{
    run_phase *rp = vp;
    char *env_fault = NULL;
    json_t *rec = cell_execute(&rp->o->rc, &rp->todo.v[i], &env_fault);
    if (env_fault) {
        gc_warn("%s", env_fault);
        free(env_fault);
        return CELL_ENV_FAULT;
    }
    if (!rec) return CELL_INTERRUPTED;
    int k = status_index(json_string_value(json_object_get(rec, "status")));
    if (journal_append(rp->j, rec) < 0) {
        gc_warn("cannot append to %s: %s", rp->j->path, strerror(errno));
        json_decref(rec);
        return CELL_JOURNAL_FAILED;
    }
    json_decref(rec);
    return CELL_RECORDED + k;
}

/* A cell whose probe mostly waits takes no CPU slot. Under emulation a
 * waiting probe's runtime still costs CPU, so there it takes one. */
static bool cell_waits(void *vp, size_t i)
{
    const run_phase *rp = vp;
    const cell *x = &rp->todo.v[i];
    return x->c->waits && !x->tc->foreign;
}

/* The harness's own worker died: say so in the cell, never hide it. */
static void record_worker_death(run_phase *rp, const cell *x, int st)
{
    json_t *rec = record_new(x);
    char *d = WIFSIGNALED(st) ? xasprintf("harness worker died of %s", signal_name(WTERMSIG(st)))
                              : xasprintf("harness worker exited %d", WEXITSTATUS(st));
    json_object_set_new(rec, "detail", json_string(d));
    free(d);
    if (journal_append(rp->j, rec) < 0) rp->journal_failed = true;
    json_decref(rec);
    rp->counts[5]++;
    rp->crashed++;
}

static void cell_done(void *vp, size_t i, int st)
{
    run_phase *rp = vp;
    const cell *x = &rp->todo.v[i];
    rp->done++;
    int code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    const char *status = NULL;
    if (code >= CELL_RECORDED && code < CELL_RECORDED + 6) {
        rp->counts[code - CELL_RECORDED]++;
        status = RECORD_STATUSES[code - CELL_RECORDED];
    } else if (code == CELL_INTERRUPTED) {
        status = "interrupted";
    } else if (code == CELL_JOURNAL_FAILED || code == CELL_ENV_FAULT) {
        if (code == CELL_JOURNAL_FAILED) rp->journal_failed = true;
        else rp->env_fault = true;
        gc_interrupted = 1; /* stop starting cells: nothing more could be kept */
        status = "not recorded";
    } else {
        record_worker_death(rp, x, st);
        status = "error (harness)";
    }
    char *what = xasprintf("%s %s %s", x->tc->version, x->c->id, x->run->host);
    progress(rp->o, "run", rp->done, rp->todo.n, what, status);
    free(what);
}

/* ---- the timing report ---- */

/* Where a run's time went: its phases (wall), what its cells cost summed
 * (their own durations, host compiles among them) and the slowest cells,
 * so every run names the next thing to make faster. Records kept from an
 * earlier run (--resume) are not this run's time. */
typedef struct {
    double discovery, build, cells, total; /* phases, wall ms */
    double cell_sum, host_sum;             /* summed over this run's cells, ms */
    json_t **mine;                         /* this run's records, slowest first */
    size_t n;
} run_times;

static double num(json_t *o, const char *k) { return json_number_value(json_object_get(o, k)); }

static int by_duration_desc(const void *a, const void *b)
{
    double x = num(*(json_t *const *)a, "duration_ms"), y = num(*(json_t *const *)b, "duration_ms");
    return (x < y) - (x > y);
}

static void timing_collect(run_times *t, json_t *records, json_t *prior_keys)
{
    t->mine = xcalloc(json_array_size(records) + 1, sizeof *t->mine);
    size_t i;
    json_t *r;
    json_array_foreach(records, i, r) {
        char *k = record_cell_key(r);
        if (!json_object_get(prior_keys, k)) {
            t->mine[t->n++] = r;
            t->cell_sum += num(r, "duration_ms");
            t->host_sum += num(json_object_get(r, "evidence"), "host_build_ms");
        }
        free(k);
    }
    qsort(t->mine, t->n, sizeof *t->mine, by_duration_desc);
}

static json_t *timing_json(const run_times *t)
{
    return json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:I}", "discovery_s", t->discovery / 1000, "build_s", t->build / 1000,
                     "cells_s", t->cells / 1000, "total_s", t->total / 1000, "cell_sum_s", t->cell_sum / 1000,
                     "host_compile_s", t->host_sum / 1000, "cells_run", (json_int_t)t->n);
}

static const char *str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static void timing_print(const run_times *t, int jobs)
{
    gc_warn("time: toolchain discovery %.1f s, fixture builds %.1f s, cells %.1f s (-j %d); total %.1f s", t->discovery / 1000,
            t->build / 1000, t->cells / 1000, jobs, (t->discovery + t->total) / 1000);
    gc_warn("time: %zu cell%s took %.1f s summed, host compiles %.1f s of it%s", t->n, t->n == 1 ? "" : "s",
            t->cell_sum / 1000, t->host_sum / 1000, t->n ? "; the slowest:" : "");
    for (size_t k = 0; k < t->n && k < 10; k++)
        fprintf(stderr, "  %7.2f s  %s %s %s %s %s\n", num(t->mine[k], "duration_ms") / 1000, str(t->mine[k], "go"),
                str(t->mine[k], "goarch"), str(t->mine[k], "buildmode"), str(t->mine[k], "host"), str(t->mine[k], "case"));
}

/* ---- the schedule ---- */

struct planned { double ms; size_t i; };

static int longest_first(const void *a, const void *b)
{
    const struct planned *x = a, *y = b;
    if (x->ms != y->ms) return x->ms < y->ms ? 1 : -1;
    return (x->i > y->i) - (x->i < y->i);
}

/* Longest cells first, as long as the previous document at the same path
 * says (cells it lacks keep their matrix order, after the known ones): with
 * N workers the run then ends when the short cells run out, not with one
 * long cell started last. Records are written in canonical order whatever
 * the schedule. */
static void schedule_longest_first(cell_list *todo, const char *prev)
{
    char *err = NULL;
    json_t *doc = todo->n > 1 && file_exists(prev) ? matrix_load(prev, &err) : NULL;
    free(err);
    if (!doc) return;
    json_t *ms = json_object();
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(doc, "records"), i, r) {
        char *k = record_cell_key(r);
        json_object_set(ms, k, json_object_get(r, "duration_ms"));
        free(k);
    }
    json_decref(doc);
    struct planned *p = xcalloc(todo->n, sizeof *p);
    for (i = 0; i < todo->n; i++) {
        char *k = cell_key(&todo->v[i]);
        json_t *d = json_object_get(ms, k);
        p[i] = (struct planned){ json_is_number(d) ? json_number_value(d) : -1, i };
        free(k);
    }
    json_decref(ms);
    qsort(p, todo->n, sizeof *p, longest_first);
    cell *v = xcalloc(todo->n, sizeof *v);
    for (i = 0; i < todo->n; i++) v[i] = todo->v[p[i].i];
    free(todo->v);
    todo->v = v;
    free(p);
}

/* ---- the journal: what a run owns, resumes and never loses ---- */

/* A journal (or, for --rerun, the document) is kept beside the new one
 * under the first free name of .old, .old.1, ...: moved (an unfinished
 * run's journal) or linked (one a resume rewrites, a document a rerun
 * replaces, described by WHAT); none is ever overwritten. */
static void keep_aside(const char *path, bool link_only, const char *what)
{
    for (int n = 0; n < 1000; n++) {
        char *old = n ? xasprintf("%s.old.%d", path, n) : xasprintf("%s.old", path);
        struct stat st;
        bool taken = lstat(old, &st) == 0;
        if (!taken && (link_only ? link(path, old) : rename(path, old)) == 0) {
            if (link_only) gc_warn("%s %s is kept as %s", path, what, old);
            else gc_warn("an earlier unfinished run's journal was moved to %s (use --resume to continue a run)", old);
        }
        free(old);
        if (!taken) return;
    }
    gc_die(GC_EXIT_USAGE, "%s: a thousand earlier copies are kept beside it; move them away", path);
}

/* --rerun without a journal to resume starts from OUT's records: a
 * missing OUT is a usage error, since nothing would be kept. */
static json_t *rerun_base(const matrix_opts *o, json_t *empty)
{
    char *err = NULL;
    json_t *doc = matrix_load(o->out, &err);
    if (!doc) gc_die(GC_EXIT_USAGE, "--rerun re-measures cells of %s, which cannot be read: %s", o->out, err ? err : "?");
    json_decref(empty);
    json_t *recs = json_incref(json_object_get(doc, "records"));
    json_decref(doc);
    return recs;
}

/* Drops the records of the cases --rerun names, so their cells run again. */
static void drop_rerun(const matrix_opts *o, json_t *prior, bool *dropped)
{
    size_t n = 0;
    for (size_t i = json_array_size(prior); i-- > 0;) {
        const char *id = json_string_value(json_object_get(json_array_get(prior, i), "case"));
        if (id && wanted(&o->rerun, id, true)) {
            json_array_remove(prior, i);
            n++;
        }
    }
    if (!n) gc_die(GC_EXIT_USAGE, "--rerun: no record of %s matches %s%s", o->resume ? "the journal" : o->out,
                   o->rerun.v[0], o->rerun.n > 1 ? " or the other globs" : "");
    if (o->resume) *dropped = true;
    if (!o->quiet) gc_warn("rerun: %zu record%s to measure again", n, n == 1 ? "" : "s");
}

/* The records of an interrupted run, by cell key. Refuses (exit 2) a
 * journal holding cells outside this selection: resuming would drop them. */
static json_t *load_prior(const matrix_opts *o, const char *jpath, const cell_list *all, json_t *have, bool *dropped)
{
    json_t *prior = json_array();
    if (o->resume && file_exists(jpath)) {
        strlist errs = { 0 };
        if (journal_load(jpath, prior, &errs) < 0) gc_die(GC_EXIT_USAGE, "cannot read %s: %s", jpath, gc_strerror(errno));
        for (size_t i = 0; i < errs.n; i++) gc_warn("%s", errs.v[i]);
        *dropped = errs.n > 0;
        sl_free(&errs);
    } else if (o->rerun.n) {
        prior = rerun_base(o, prior);
    } else {
        return prior;
    }
    json_t *selected = json_object();
    for (size_t i = 0; i < all->n; i++) {
        char *k = cell_key(&all->v[i]);
        json_object_set_new(selected, k, json_true());
        free(k);
    }
    size_t i, outside = 0;
    json_t *r;
    char *first = NULL;
    json_array_foreach(prior, i, r) {
        char *k = record_cell_key(r);
        if (!json_object_get(selected, k) && !outside++) first = xstrdup(k);
        free(k);
    }
    json_decref(selected);
    /* Checked before --rerun drops anything: a narrower rerun would drop
     * the records outside its selection from the new document. */
    if (outside)
        gc_die(GC_EXIT_USAGE, "%s holds %zu record%s outside this selection (first: %s); %s with the selection that "
               "made it, or move %s away", o->resume ? jpath : o->out, outside, outside == 1 ? "" : "s", first,
               o->resume ? "resume" : "rerun", o->resume ? "the journal" : "it");
    if (o->rerun.n) drop_rerun(o, prior, dropped);
    json_array_foreach(prior, i, r) {
        char *k = record_cell_key(r);
        json_object_set(have, k, r);
        free(k);
    }
    if (!o->quiet)
        gc_warn("%s: %zu records kept from %s", o->resume ? "resuming" : "rerun", json_array_size(prior),
                o->resume && file_exists(jpath) ? jpath : o->out);
    return prior;
}

/* Open the journal for appending. On resume its valid records are first
 * written to a new file that replaces the old by rename, so a torn last
 * line is dropped and a full disk leaves the old journal whole. */
static void journal_begin(const matrix_opts *o, const char *jpath, json_t *prior, bool dropped, journal *j)
{
    if (!o->resume && file_exists(jpath))
        keep_aside(jpath, false, NULL);
    if (o->resume && dropped) keep_aside(jpath, true, "as it was, with the lines --resume drops,");
    if (o->rerun.n && !o->resume && file_exists(o->out)) keep_aside(o->out, true, "as it was before --rerun");
    if ((o->resume || o->rerun.n) && (file_exists(jpath) || json_array_size(prior)) && journal_rewrite(jpath, prior) < 0)
        gc_die(GC_EXIT_USAGE, "cannot rewrite %s: %s; it is unchanged", jpath, gc_strerror(errno));
    if (journal_open(j, jpath, false) < 0) gc_die(GC_EXIT_USAGE, "cannot write %s: %s", jpath, gc_strerror(errno));
}

/* ---- the end of a run ---- */

typedef struct {
    const matrix_opts *o;
    const toolchain_set *tcs;
    const cell_list *all;
    const char *jpath;
    double t_build, t_total;
    run_times *times;
    json_t *prior_keys; /* cells recorded before this run (--resume) */
} run_end;

static int write_document(const run_end *e, json_t *records)
{
    const matrix_opts *o = e->o;
    json_t *tcj = toolchains_json(e->tcs);
    timing_collect(e->times, records, e->prior_keys);
    json_t *run = timing_json(e->times);
    json_object_set_new(run, "jobs", json_integer(o->jobs));
    json_object_set_new(run, "seed", json_integer((json_int_t)o->rc.seed));
    json_t *extra = json_pack("{s:o}", "run", run);
    if (o->shard_n) json_object_set_new(json_object_get(extra, "run"), "shard", json_pack("[i,i]", o->shard_k, o->shard_n));
    int rc = GC_EXIT_OK;
    if (matrix_write(o->out, tcj, records, extra) < 0) {
        gc_warn("cannot write %s: %s (the records are intact in %s)", o->out, gc_strerror(errno), e->jpath);
        rc = GC_EXIT_USAGE;
    } else {
        unlink(e->jpath);
        if (o->events.written) o->events.written(o->events.ctx, records);
        char *counts = status_counts(records);
        size_t bad = count_unexpected(records);
        if (!o->quiet) {
            timing_print(e->times, o->jobs);
            gc_warn("%zu records in %s (%s); %.1f s (builds %.1f s)", json_array_size(records), o->out, counts,
                    e->t_total / 1000, e->t_build / 1000);
        }
        free(counts);
        if (bad) {
            print_unexpected(records);
            gc_warn("%zu unexpected result%s (fail, error or xpass)", bad, bad == 1 ? "" : "s");
            rc = GC_EXIT_UNEXPECTED;
        }
    }
    json_decref(tcj);
    json_decref(extra);
    return rc;
}

/* Assemble in matrix order; a later record for the same cell wins. A cell
 * without a record is a harness failure: the journal is kept for --resume. */
static int assemble(const run_end *e, json_t *got)
{
    json_t *bykey = json_object();
    size_t i, missing = 0;
    json_t *r;
    json_array_foreach(got, i, r) {
        char *k = record_cell_key(r);
        json_object_set(bykey, k, r);
        free(k);
    }
    json_t *records = json_array();
    for (size_t c = 0; c < e->all->n; c++) {
        char *k = cell_key(&e->all->v[c]);
        json_t *rec = json_object_get(bykey, k);
        if (rec) json_array_append(records, rec);
        else if (!missing++) gc_warn("no record for %s", k);
        free(k);
    }
    int rc;
    if (missing) {
        gc_warn("%zu of %zu cells have no record; nothing written to %s, the journal %s is kept: run again with --resume",
                missing, e->all->n, e->o->out, e->jpath);
        rc = GC_EXIT_USAGE;
    } else {
        records_sort_canonical(records);
        rc = write_document(e, records);
    }
    json_decref(records);
    json_decref(bykey);
    return rc;
}

static int finish(const run_end *e, const run_phase *rp)
{
    json_t *got = json_array();
    strlist errs = { 0 };
    if (journal_load(e->jpath, got, &errs) < 0) gc_die(GC_EXIT_USAGE, "cannot read back %s: %s", e->jpath, gc_strerror(errno));
    for (size_t i = 0; i < errs.n; i++) gc_warn("%s", errs.v[i]);
    sl_free(&errs);
    size_t n = json_array_size(got);
    int rc;
    if (rp->journal_failed || rp->env_fault) {
        gc_warn("stopped: %s; the %zu record%s in %s %s intact", rp->env_fault ? "the environment failed (above), not Go"
                : "the journal could not be written", n, n == 1 ? "" : "s", e->jpath, n == 1 ? "is" : "are");
        rc = GC_EXIT_USAGE;
    } else if (gc_interrupted) {
        gc_warn("interrupted: %zu of %zu record%s kept in %s; run again with --resume to finish", n, e->all->n,
                e->all->n == 1 ? "" : "s", e->jpath);
        rc = GC_EXIT_INTERRUPTED;
    } else {
        rc = assemble(e, got);
    }
    json_decref(got);
    return rc;
}

/* The output lock, released (and its file removed) however the run ends,
 * gc_die included. */
static int held_lock = -1;
static const char *held_out;

static void release_output(void)
{
    output_unlock(held_lock, held_out);
    held_lock = -1;
}

/* What must hold before anything is built or written; takes the output's
 * lock (not for a build-only run). */
static void preflight(const matrix_opts *o, const cell_list *all)
{
    if (!all->n)
        gc_die(GC_EXIT_USAGE, "the selection matches no cell (check -t, -a, -c, --host, -m, --shard, --arch); nothing was %s",
               o->build_only ? "built" : "run or written");
    if (o->build_only) return;
    char *why = output_problem(o->out);
    if (why) gc_die(GC_EXIT_USAGE, "%s", why);
    int lock = output_lock(o->out);
    if (lock < 0 && (errno == EWOULDBLOCK || errno == EAGAIN))
        gc_die(GC_EXIT_USAGE, "another gocompat run is writing %s (it holds %s.lock); wait for it or choose another -o",
               o->out, o->out);
    if (lock < 0) gc_die(GC_EXIT_USAGE, "cannot lock %s.lock: %s", o->out, gc_strerror(errno));
    held_lock = lock;
    held_out = o->out;
    atexit(release_output);
}

static int run_builds(const matrix_opts *o, build_phase *bp, size_t ncells, size_t ntodo, double t0)
{
    if (!o->quiet) gc_warn("%zu cells (%zu to run), %zu fixture builds, %d jobs", ncells, ntodo, bp->n, o->jobs);
    if (bp->n) pool_run(bp->n, o->jobs, build_task, build_done, bp, &gc_interrupted);
    if (bp->env_fault) {
        gc_warn("stopped: the environment failed a build (above), not Go; nothing was recorded for it");
        return GC_EXIT_USAGE;
    }
    if (!o->build_only) return -1;
    if (!o->quiet)
        gc_warn("%zu builds: %zu ok, %zu failed or unsupported; %.1f s", bp->n, bp->ok, bp->failed, (now_ms() - t0) / 1000);
    return gc_interrupted ? GC_EXIT_INTERRUPTED : bp->hard_fail ? GC_EXIT_UNEXPECTED : GC_EXIT_OK;
}

/* The cells of ALL that HAVE (records by cell key) lacks. */
static void cells_to_run(const cell_list *all, json_t *have, cell_list *todo)
{
    for (size_t i = 0; i < all->n; i++) {
        char *k = cell_key(&all->v[i]);
        if (!json_object_get(have, k)) {
            todo->v = xrealloc(todo->v, (todo->n + 1) * sizeof *todo->v);
            todo->v[todo->n++] = all->v[i];
        }
        free(k);
    }
}

/* The run phase after the builds (which began at T0), then the end of the
 * run; the exit status. */
static int run_cells(run_phase *rp, run_end *e, double t0)
{
    const matrix_opts *o = rp->o;
    e->t_build = e->times->build = now_ms() - t0;
    schedule_longest_first(&rp->todo, o->out);
    if (!gc_interrupted) pool_run_waiting(rp->todo.n, o->jobs, cell_task, cell_done, cell_waits, rp, &gc_interrupted);
    journal_close(rp->j);
    e->t_total = e->times->total = now_ms() - t0;
    e->times->cells = e->t_total - e->t_build;
    return finish(e, rp);
}

int matrix_run(const matrix_opts *o, const toolchain_set *tcs, const case_set *cases)
{
    cell_list all;
    cells_expand(o, tcs, cases, &all);
    preflight(o, &all);
    char *jpath = xasprintf("%s.journal", o->out);
    /* Records already in the journal are kept and their cells not rerun. */
    json_t *have = json_object();
    bool dropped = false;
    json_t *prior = o->build_only ? json_array() : load_prior(o, jpath, &all, have, &dropped);
    journal j = { -1, NULL };
    run_phase rp = { .o = o, .j = &j };
    cells_to_run(&all, have, &rp.todo);
    /* The journal is made ready before any work, so a disk that cannot
     * take it stops the run before minutes of builds. */
    if (!o->build_only) journal_begin(o, jpath, prior, dropped, &j);
    double t0 = now_ms();
    run_times times = { .discovery = o->started_ms > 0 ? t0 - o->started_ms : 0 };
    build_phase bp = { .o = o };
    plan_builds(o, &rp.todo, &bp);
    int rc = run_builds(o, &bp, all.n, rp.todo.n, t0);
    if (rc < 0) {
        run_end e = { .o = o, .tcs = tcs, .all = &all, .jpath = jpath, .times = &times, .prior_keys = have };
        rc = run_cells(&rp, &e, t0);
    }
    journal_close(&j);
    release_output();
    free(times.mine);
    json_decref(prior);
    json_decref(have);
    free(bp.builds);
    free(rp.todo.v);
    free(all.v);
    free(jpath);
    return rc;
}
