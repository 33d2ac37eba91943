/* One benchmark run from start to end: build, plan, measure one item at a
 * time, then the document, the plots and the summary. */
#define _GNU_SOURCE
#include "bench_engine.h"
#include "bench_report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void progress(size_t k, size_t n, json_t *r)
{
    const char *id = json_string_value(json_object_get(r, "id"));
    const char *st = json_string_value(json_object_get(r, "status"));
    if (!strcmp(st, "ok"))
        fprintf(stderr, "[%3zu/%zu] %-48s %12.2f ns/call  cv %5.1f%%%s%s\n", k + 1, n, id,
                json_number_value(json_object_get(r, "median_ns")), 100 * json_number_value(json_object_get(r, "cv")),
                json_is_true(json_object_get(r, "rerun")) ? "  rerun" : "",
                json_is_true(json_object_get(r, "noisy")) ? "  NOISY" : "");
    else {
        const char *detail = json_string_value(json_object_get(r, "detail"));
        fprintf(stderr, "[%3zu/%zu] %-48s %s: %s\n", k + 1, n, id, st, detail ? detail : "");
    }
}

/* Note a baseline when it is one; give the result its ratio to the C->C
 * call of the same arch, emulated or not, measured earlier in the run. */
static void ratio(const bench_item *it, json_t *r, bench_outcome *oc)
{
    const char *emu_arch = it->emulator ? it->goarch : NULL;
    double median = json_number_value(json_object_get(r, "median_ns"));
    if (!strcmp(it->bench, BENCH_BASELINE)) {
        if (emu_arch) json_object_set_new(oc->emu_c_ind, emu_arch, json_real(median));
        else oc->c_ind = median;
    }
    /* json_number_value of a missing baseline is 0: no ratio then. */
    double base = emu_arch ? json_number_value(json_object_get(oc->emu_c_ind, emu_arch)) : oc->c_ind;
    if (!isnan(base) && base > 0) json_object_set_new(r, "ratio_to_c", json_real(median / base));
}

static void run_plan(const bench_settings *s, const bench_plan *p, int cpu, bench_outcome *oc)
{
    for (size_t k = 0; k < p->n && !*s->rc.b.interrupted; k++) {
        json_t *r = bench_item_run(s, &p->v[k], cpu);
        const char *st = json_string_value(json_object_get(r, "status"));
        bool ok = !strcmp(st, "ok");
        if (ok) ratio(&p->v[k], r, oc);
        if (!ok && !*s->rc.b.interrupted) oc->failed += strcmp(st, "skip") != 0;
        oc->noisy += ok && json_is_true(json_object_get(r, "noisy"));
        if (!s->quiet) progress(k, p->n, r);
        json_array_append_new(oc->results, r);
    }
}

static void plan_all(const bench_settings *s, const bench_builds *bb, bench_plan *p)
{
    memset(p, 0, sizeof *p);
    bench_plan_baselines(p, s, bb);
    for (size_t t = 0; t < bb->ntb; t++)
        if (s->lib) bench_plan_library(p, &s->benches, &bb->tb[t]);
        else bench_plan_fixture(p, &s->benches, &bb->tb[t]);
    if (!p->selected) gc_die(GC_EXIT_USAGE, "no benchmark selected (check --bench and --toolchain)");
}

static void final_line(const bench_settings *s, const bench_plan *p, const bench_outcome *oc, double t0,
                       const char *jpath, const char *cpath)
{
    if (isnan(oc->c_ind)) printf("\nC->C indirect call baseline: not measured (%s did not pass); ", BENCH_BASELINE);
    else printf("\nC->C indirect call baseline: %.2f ns; ", oc->c_ind);
    printf("%zu benchmarks, %zu failed, %zu noisy (cv > %.0f %%); %.0f s.\nWrote %s and %s.\n", p->n, oc->failed,
           oc->noisy, 100 * s->cv_limit, (now_ms() - t0) / 1000, jpath, cpath);
}

/* A narrower run must not replace a wider one: refuse (exit 2) when
 * OUT/bench.json holds a benchmark this plan lacks, or is not a bench
 * document, unless --force. */
static void refuse_narrower(const bench_settings *s, const bench_plan *p)
{
    char *path = path_join(s->out, "bench.json");
    if (s->force || access(path, F_OK) != 0) {
        free(path);
        return;
    }
    char *err = NULL;
    json_t *old = bench_doc_load(path, &err);
    if (!old) gc_die(GC_EXIT_USAGE, "%s is not a benchmark document (%s); move it away or pass --force", path, err);
    size_t i, lost = 0;
    json_t *r;
    const char *example = NULL;
    json_array_foreach(json_object_get(old, "results"), i, r) {
        const char *id = json_string_value(json_object_get(r, "id"));
        bool planned = false;
        for (size_t k = 0; k < p->n && !planned && id; k++) {
            char *pid = bench_item_id(&p->v[k]);
            planned = !strcmp(pid, id);
            free(pid);
        }
        if (!planned && !lost++) example = id;
    }
    if (lost)
        gc_die(GC_EXIT_USAGE, "%s holds %zu benchmarks this run does not plan (%s, ...); write elsewhere with -o DIR, or pass --force to replace it",
               path, lost, example ? example : "?");
    json_decref(old);
    free(path);
}

/* Measure, then write what the run leaves; returns whether any failed. */
static bool measure_and_report(const bench_settings *s, const toolchain_set *tcs, const bench_builds *bb,
                               const bench_plan *p, double t0, double t_build)
{
    int cpu = bench_pick_cpu();
    if (!s->quiet)
        fprintf(stderr, "running %zu benchmarks one at a time (%d × %g ms batches each, pinned to CPU %d)…\n", p->n,
                s->reps, s->batch_ms, cpu);
    bench_outcome oc = { json_array(), NAN, json_object(), 0, 0 };
    run_plan(s, p, cpu, &oc);
    json_t *doc = bench_doc_build(s, tcs, bb, cpu, &oc, t_build, t0);
    char *jpath, *cpath;
    bench_doc_write(s, doc, &jpath, &cpath);
    /* The plots are drawn for the bench fixture's benchmarks. */
    if (!*s->rc.b.interrupted && !s->no_plot && !s->lib) bench_render_plots(s, doc);
    if (!s->quiet) bench_print_summary(doc, tcs);
    final_line(s, p, &oc, t0, jpath, cpath);
    free(jpath);
    free(cpath);
    json_decref(doc);
    json_decref(oc.results);
    json_decref(oc.emu_c_ind);
    return oc.failed > 0;
}

int bench_run(const bench_settings *in, const toolchain_set *tcs)
{
    bench_settings s = *in;
    double t0 = now_ms();
    if (mkdir_p(s.out, 0755) < 0) gc_die(GC_EXIT_USAGE, "cannot create %s: %s", s.out, strerror(errno));
    bench_builds bb;
    bench_builds_init(&s, tcs, &bb);
    if (s.lib) bench_builds_library(&s, &bb);
    else bench_builds_fixture(&s, &bb);
    int rc = bb.rc;
    if (!*s.rc.b.interrupted) {
        double t_build = now_ms() - t0;
        bench_plan p;
        plan_all(&s, &bb, &p);
        refuse_narrower(&s, &p);
        const char *py = bench_real_python(&s.rc);
        s.rc.python = py;
        if (measure_and_report(&s, tcs, &bb, &p, t0, t_build)) rc = GC_EXIT_UNEXPECTED;
        if (py != in->rc.python) free((char *)py);
        free(p.v);
    }
    bench_builds_free(&bb);
    return *s.rc.b.interrupted ? GC_EXIT_INTERRUPTED : rc;
}
