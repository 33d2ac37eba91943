/* What a benchmark run leaves: the document (bench.json), its CSV, the
 * gnuplot plots, and the table of medians on the terminal. */
#define _GNU_SOURCE
#include "bench_engine.h"
#include "bench_report.h"
#include "config.h"
#include "proc.h"
#include "runner.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static json_t *machine_json(void)
{
    char *model = NULL;
    char *cpuinfo = read_file("/proc/cpuinfo", NULL);
    if (cpuinfo) {
        char *m = strstr(cpuinfo, "model name");
        if (m && (m = strchr(m, ':'))) {
            char *e = strchr(m, '\n');
            model = xstrndup(m + 1, e ? (size_t)(e - m - 1) : strlen(m + 1));
        }
        free(cpuinfo);
    }
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    double load[3] = { 0, 0, 0 };
    getloadavg(load, 3);
    json_t *m = json_pack("{s:s, s:i, s:[f,f,f]}", "cpu_model", model ? trim(model) : "unknown", "cpus", (int)ncpu,
                          "loadavg_at_end", load[0], load[1], load[2]);
    free(model);
    return m;
}

json_t *bench_doc_build(const bench_settings *s, const toolchain_set *tcs, const bench_builds *bb, int cpu,
                        bench_outcome *oc, double t_build, double t0)
{
    json_t *doc = json_object();
    json_object_set_new(doc, "schema", json_string(BENCH_SCHEMA));
    char *ts = utc_timestamp();
    json_object_set_new(doc, "generated", json_string(ts));
    free(ts);
    json_object_set_new(doc, "toolchains", toolchains_json(tcs));
    json_object_set_new(doc, "settings",
                        json_pack("{s:i, s:f, s:f, s:b, s:i, s:s, s:s}", "reps", s->reps, "batch_ms", s->batch_ms, "cv_limit",
                                  s->cv_limit, "quick", s->quick, "cpu", cpu, "cc", s->rc.cc, "python", s->rc.python));
    json_object_set_new(doc, "machine", machine_json());
    if (bb->library) json_object_set(doc, "library", bb->library);
    json_object_set_new(doc, "baseline", json_pack("{s:s, s:o}", "bench", BENCH_BASELINE, "median_ns",
                                                   isnan(oc->c_ind) ? json_null() : json_real(oc->c_ind)));
    if (json_object_size(oc->emu_c_ind))
        json_object_set_new(doc, "emulated_baselines", json_pack("{s:s, s:s, s:O}", "bench", BENCH_BASELINE, "note",
                                                             "median ns under qemu-user, per goarch", "median_ns",
                                                             oc->emu_c_ind));
    bool interrupted = *s->rc.b.interrupted != 0;
    json_object_set_new(doc, "run", json_pack("{s:f, s:f, s:i, s:i, s:b}", "build_s", t_build / 1000, "total_s",
                                              (now_ms() - t0) / 1000, "failed", (int)oc->failed, "noisy", (int)oc->noisy,
                                              "interrupted", interrupted));
    json_object_set(doc, "results", oc->results);
    return doc;
}

void bench_doc_write(const bench_settings *s, json_t *doc, char **jpath, char **cpath)
{
    *jpath = path_join(s->out, "bench.json");
    *cpath = path_join(s->out, "bench.csv");
    /* An interrupted run has fewer results than it planned: it never
     * replaces a finished document, and goes beside it instead. */
    if (*s->rc.b.interrupted && access(*jpath, F_OK) == 0) {
        free(*jpath);
        free(*cpath);
        *jpath = path_join(s->out, "bench.interrupted.json");
        *cpath = path_join(s->out, "bench.interrupted.csv");
    }
    char *js = json_dumps(doc, JSON_INDENT(1));
    char *csv = bench_csv(doc);
    if (write_file_atomic(*jpath, js, strlen(js)) < 0 || write_file_atomic(*cpath, csv, strlen(csv)) < 0)
        gc_die(GC_EXIT_USAGE, "cannot write %s: %s", s->out, strerror(errno));
    free(js);
    free(csv);
}

static int plot_one(const bench_settings *s, const char *gp, const char *data, size_t i, int ncols)
{
    char *script = xasprintf("%s/bench/%s.gp", s->srcdir, BENCH_PLOTS[i]);
    char *vars = xasprintf("datadir='%s'; outdir='%s'; ncols=%d", data, s->out, ncols);
    const char *argv[] = { gp, "-e", vars, script, NULL };
    proc_spec sp = { .argv = argv, .capture_limit = 4096, .timeout_ms = 60000, .interrupted = s->rc.b.interrupted };
    proc_result r;
    proc_run(&sp, &r);
    int bad = !(r.kind == PROC_EXIT && r.code == 0);
    if (bad) {
        char *e = capture_text(&r.err);
        char *t = trim(e);
        t[strcspn(t, "\n")] = 0;
        gc_warn("plot %s: %s", BENCH_PLOTS[i], r.kind == PROC_SPAWN_FAIL ? r.spawn_error : t);
        free(e);
    }
    proc_result_free(&r);
    free(script);
    free(vars);
    return bad;
}

int bench_render_plots(const bench_settings *s, json_t *doc)
{
    const char *gp = getenv("GNUPLOT");
    if (!gp || !*gp) gp = *GC_GNUPLOT ? GC_GNUPLOT : "gnuplot";
    char *data = path_join(s->out, "plotdata");
    int ncols[5];
    if (bench_plot_data(doc, data, ncols) < 0) {
        gc_warn("cannot write plot data under %s: %s", data, strerror(errno));
        free(data);
        return -1;
    }
    int bad = 0;
    for (size_t i = 0; i < GC_ARRAY_LEN(BENCH_PLOTS); i++) bad += plot_one(s, gp, data, i, ncols[i]);
    free(data);
    return bad ? -1 : 0;
}

typedef struct { const char *label, *host, *bench, *thread; } summary_row;

static const summary_row FIXTURE_ROWS[] = {
    { "dlsym empty, main thread", "c-dlopen", "call/empty", "main" },
    { "dlsym empty, pthread", "c-dlopen", "call/empty", "pthread" },
    { "dlsym Add, pthread", "c-dlopen", "call/add", "pthread" },
    { "c-archive Add, main thread", "c-archive", "call/add", "main" },
    { "libffi Add", "c-dlopen", "ffi/add", "pthread" },
    { "ctypes Add (Python)", "python-ctypes", "py/ctypes_add", "main" },
    { "Go->C", "c-dlopen", "gocall/cgo", "pthread" },
    { "C->Go->C", "c-dlopen", "gocall/callback", "pthread" },
    { "new thread + call", "c-dlopen", "thread/first_call", "main" },
    { "recovered panic", "c-dlopen", "panic/recovered", "pthread" },
};

static bool jeq(json_t *r, const char *key, const char *want)
{
    const char *v = json_string_value(json_object_get(r, key));
    return v && !strcmp(v, want);
}

/* The median of one row's benchmark for one toolchain; NAN if none. */
static double row_median(json_t *doc, const toolchain *tc, const summary_row *row)
{
    double m = NAN;
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(doc, "results"), i, r)
        if (jeq(r, "go", tc->version) && jeq(r, "goarch", tc->goarch) && jeq(r, "host", row->host) &&
            jeq(r, "bench", row->bench) && jeq(r, "thread", row->thread) && jeq(r, "status", "ok"))
            m = json_number_value(json_object_get(r, "median_ns"));
    return m;
}

static bool print_header(const toolchain_set *tcs, int width)
{
    printf("\n%-*s", width, "ns/call (median)");
    bool any_emulated = false;
    for (size_t t = 0; t < tcs->n; t++) {
        if (tcs->v[t].error) continue;
        char *head = tcs->v[t].foreign ? xasprintf("%s/%s*", tcs->v[t].version, tcs->v[t].goarch) : xstrdup(tcs->v[t].version);
        printf(" %*s", tcs->v[t].foreign ? 16 : 10, head);
        free(head);
        any_emulated |= tcs->v[t].foreign;
    }
    printf("\n");
    return any_emulated;
}

static void print_rows(json_t *doc, const toolchain_set *tcs, const summary_row *rows, size_t n, int width)
{
    for (size_t k = 0; k < n; k++) {
        printf("%-*s", width, rows[k].label);
        for (size_t t = 0; t < tcs->n; t++) {
            if (tcs->v[t].error) continue;
            double m = row_median(doc, &tcs->v[t], &rows[k]);
            int w = tcs->v[t].foreign ? 16 : 10;
            if (isnan(m)) printf(" %*s", w, "-");
            else printf(" %*.1f", w, m);
        }
        printf("\n");
    }
}

/* A library's rows: each call through a dlsym pointer from the main thread
 * and from a pthread, and through ctypes. Labels are kept in `labels`. */
static summary_row *library_rows(json_t *doc, size_t *n, strlist *labels)
{
    static const summary_row WAYS[] = {
        { "main thread", "c-dlopen", NULL, "main" },
        { "pthread", "c-dlopen", NULL, "pthread" },
        { "ctypes", "python-ctypes", NULL, "main" },
    };
    json_t *calls = json_object_get(json_object_get(doc, "library"), "calls");
    summary_row *rows = xcalloc(GC_ARRAY_LEN(WAYS) * json_array_size(calls) + 1, sizeof *rows);
    *n = 0;
    size_t i;
    json_t *c;
    json_array_foreach(calls, i, c) {
        const char *bench = json_string_value(json_object_get(c, "bench"));
        for (size_t w = 0; w < GC_ARRAY_LEN(WAYS); w++) {
            sl_add_owned(labels, xasprintf("%s, %s", bench + 4, WAYS[w].label));
            rows[(*n)++] = (summary_row){ labels->v[labels->n - 1], WAYS[w].host, bench, WAYS[w].thread };
        }
    }
    return rows;
}

void bench_print_summary(json_t *doc, const toolchain_set *tcs)
{
    strlist labels = { 0 };
    size_t n = GC_ARRAY_LEN(FIXTURE_ROWS);
    summary_row *own = json_object_get(doc, "library") ? library_rows(doc, &n, &labels) : NULL;
    const summary_row *rows = own ? own : FIXTURE_ROWS;
    int width = 29;
    for (size_t k = 0; k < n; k++)
        if ((int)strlen(rows[k].label) + 1 > width) width = (int)strlen(rows[k].label) + 1;
    bool any_emulated = print_header(tcs, width);
    print_rows(doc, tcs, rows, n, width);
    if (any_emulated)
        printf("* emulated under qemu-user: the figure measures the emulator as much as Go, and stays out of the plots\n");
    free(own);
    sl_free(&labels);
}
