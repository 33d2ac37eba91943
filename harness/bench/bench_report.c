#define _GNU_SOURCE
#include "bench_report.h"
#include "bench_stats.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const BENCH_PLOTS[5] = { "paths", "threads", "scaling", "ratio", "args" };

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

char *bench_doc_validate(json_t *doc)
{
    if (!json_is_object(doc)) return xstrdup("not a JSON object");
    const char *schema = json_string_value(json_object_get(doc, "schema"));
    if (!schema || strcmp(schema, BENCH_SCHEMA))
        return xasprintf("schema is '%s', want '%s'", schema ? schema : "(none)", BENCH_SCHEMA);
    json_t *rs = json_object_get(doc, "results");
    if (!json_is_array(rs)) return xstrdup("no \"results\" array");
    size_t i;
    json_t *r;
    json_array_foreach(rs, i, r) {
        if (!json_is_string(json_object_get(r, "id")) || !json_is_string(json_object_get(r, "status")))
            return xasprintf("result %zu has no \"id\" or \"status\"", i);
        if (!strcmp(jstr(r, "status"), "ok") && !json_is_array(json_object_get(r, "samples_ns")))
            return xasprintf("result %s has no \"samples_ns\"", jstr(r, "id"));
    }
    return NULL;
}

json_t *bench_doc_load(const char *path, char **err)
{
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    if (!doc) {
        *err = je.line > 0 ? xasprintf("%s:%d: %s", path, je.line, je.text) : xasprintf("%s: %s", path, je.text);
        return NULL;
    }
    char *why = bench_doc_validate(doc);
    if (why) {
        *err = xasprintf("%s: %s", path, why);
        free(why);
        json_decref(doc);
        return NULL;
    }
    return doc;
}

static double *samples_of_run(json_t *run, size_t *n)
{
    json_t *b = json_object_get(run, "batch_ns");
    double iters = json_number_value(json_object_get(run, "iterations"));
    *n = json_array_size(b);
    double *v = xmalloc((*n ? *n : 1) * sizeof *v);
    for (size_t i = 0; i < *n; i++) v[i] = iters > 0 ? json_number_value(json_array_get(b, i)) / iters : 0;
    return v;
}

double *bench_result_samples(json_t *r, size_t *n)
{
    json_t *s = json_object_get(r, "samples_ns");
    *n = json_array_size(s);
    double *v = xmalloc((*n ? *n : 1) * sizeof *v);
    for (size_t i = 0; i < *n; i++) v[i] = json_number_value(json_array_get(s, i));
    return v;
}

void bench_result_summarize(json_t *r, double cv_limit)
{
    json_t *runs = json_object_get(r, "runs");
    size_t k = (size_t)json_integer_value(json_object_get(r, "chosen_run"));
    json_t *run = json_array_get(runs, k);
    if (!run) return;
    size_t n;
    double *v = samples_of_run(run, &n);
    bench_summary s;
    bench_summarize(v, n, &s);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(a, json_real(v[i]));
    free(v);
    json_object_set_new(r, "unit", json_string("ns/call"));
    json_object_set(r, "iterations", json_object_get(run, "iterations"));
    json_object_set_new(r, "samples_ns", a);
    json_object_set_new(r, "min_ns", json_real(s.min));
    json_object_set_new(r, "median_ns", json_real(s.median));
    json_object_set_new(r, "mean_ns", json_real(s.mean));
    json_object_set_new(r, "stddev_ns", json_real(s.stddev));
    json_object_set_new(r, "cv", json_real(s.cv));
    json_object_set_new(r, "noisy", json_boolean(s.cv > cv_limit));
    json_object_set_new(r, "calls_per_s", json_real(s.median > 0 ? 1e9 / s.median : 0));
}

static void csv_field(strbuf *b, const char *s)
{
    if (strpbrk(s, ",\"\n")) {
        sb_add(b, "\"");
        for (const char *p = s; *p; p++) sb_add(b, *p == '"' ? "\"\"" : (char[2]){ *p, 0 });
        sb_add(b, "\"");
    } else
        sb_add(b, s);
}

static void csv_num(strbuf *b, json_t *v, const char *fmt)
{
    sb_add(b, ",");
    if (json_is_number(v)) sb_addf(b, fmt, json_number_value(v));
}

char *bench_csv(json_t *doc)
{
    strbuf b;
    sb_init(&b);
    sb_add(&b, "id,go,path,host,buildmode,bench,thread,threads,status,iterations,reps,min_ns,median_ns,mean_ns,"
               "stddev_ns,cv,noisy,rerun,ratio_to_c,calls_per_s,goarch,emulated\n");
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(doc, "results"), i, r) {
        const char *txt[] = { "id", "go", "path", "host", "buildmode", "bench", "thread" };
        for (size_t k = 0; k < GC_ARRAY_LEN(txt); k++) {
            if (k) sb_add(&b, ",");
            csv_field(&b, jstr(r, txt[k]));
        }
        sb_addf(&b, ",%lld,", (long long)json_integer_value(json_object_get(r, "threads")));
        csv_field(&b, jstr(r, "status"));
        csv_num(&b, json_object_get(r, "iterations"), "%.0f");
        sb_addf(&b, ",%zu", json_array_size(json_object_get(r, "samples_ns")));
        csv_num(&b, json_object_get(r, "min_ns"), "%.4f");
        csv_num(&b, json_object_get(r, "median_ns"), "%.4f");
        csv_num(&b, json_object_get(r, "mean_ns"), "%.4f");
        csv_num(&b, json_object_get(r, "stddev_ns"), "%.4f");
        csv_num(&b, json_object_get(r, "cv"), "%.5f");
        json_t *nz = json_object_get(r, "noisy");
        sb_add(&b, json_is_boolean(nz) ? (json_is_true(nz) ? ",true" : ",false") : ",");
        sb_add(&b, json_is_true(json_object_get(r, "rerun")) ? ",true" : ",false");
        csv_num(&b, json_object_get(r, "ratio_to_c"), "%.3f");
        csv_num(&b, json_object_get(r, "calls_per_s"), "%.0f");
        sb_add(&b, ",");
        csv_field(&b, jstr(r, "goarch"));
        sb_add(&b, json_is_true(json_object_get(r, "emulated")) ? ",true\n" : ",false\n");
    }
    return sb_take(&b);
}

static json_t *find_ok(json_t *doc, const char *id)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(doc, "results"), i, r)
        if (!strcmp(jstr(r, "id"), id)) return strcmp(jstr(r, "status"), "ok") ? NULL : r;
    return NULL;
}

int bench_compare_docs(json_t *old, json_t *new_, double threshold, double alpha, FILE *out, char **err)
{
    *err = NULL;
    char *why = bench_doc_validate(old);
    if (!why) why = bench_doc_validate(new_);
    if (why) {
        *err = why;
        return 2;
    }
    size_t i, matched = 0, regressions = 0, slower = 0, faster = 0, only_new = 0;
    json_t *r;
    fprintf(out, "%-52s %12s %12s %8s %9s  %s\n", "benchmark", "old ns/call", "new ns/call", "change", "p", "verdict");
    json_array_foreach(json_object_get(new_, "results"), i, r) {
        if (strcmp(jstr(r, "status"), "ok")) continue;
        json_t *o = find_ok(old, jstr(r, "id"));
        if (!o) {
            only_new++;
            continue;
        }
        matched++;
        size_t na, nb;
        double *a = bench_result_samples(o, &na), *b = bench_result_samples(r, &nb);
        bench_change c;
        bench_compare_samples(a, na, b, nb, threshold, alpha, &c);
        const char *note = c.significant ? "" : " (within noise)";
        if (c.significant && (na < 5 || nb < 5)) note = " (few repetitions)";
        else if (c.significant && (json_is_true(json_object_get(o, "noisy")) || json_is_true(json_object_get(r, "noisy"))))
            note = " (a noisy run: cv above the limit)";
        fprintf(out, "%-52s %12.3f %12.3f %+7.1f%% %9.2g  %s%s\n", jstr(r, "id"), bench_median(a, na),
                bench_median(b, nb), 100 * c.change, c.test.p, bench_change_name(c.kind), note);
        regressions += c.kind == BENCH_REGRESSION;
        slower += c.kind == BENCH_SLOWER;
        faster += c.kind == BENCH_FASTER;
        free(a);
        free(b);
    }
    if (!matched) {
        *err = xstrdup("the two documents share no successful benchmark (compare runs of the same benchmark set)");
        return 2;
    }
    fprintf(out,
            "\n%zu compared: %zu regression%s (slower by more than %.0f %% at p < %g), %zu slower within the "
            "threshold, %zu faster; %zu only in the new run.\n",
            matched, regressions, regressions == 1 ? "" : "s", threshold * 100, alpha, slower, faster, only_new);
    return regressions ? 1 : 0;
}

/* ---- data for the gnuplot scripts ---- */

static double median_of(json_t *doc, const char *go, const char *host, const char *bench, const char *thread)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(doc, "results"), i, r) {
        if (json_is_true(json_object_get(r, "emulated"))) continue; /* the plots compare native figures */
        json_t *g = json_object_get(r, "go");
        bool go_ok = go ? (json_is_string(g) && !strcmp(json_string_value(g), go)) : !json_is_string(g);
        if (go_ok && !strcmp(jstr(r, "host"), host) && !strcmp(jstr(r, "bench"), bench) &&
            !strcmp(jstr(r, "thread"), thread) && !strcmp(jstr(r, "status"), "ok"))
            return json_number_value(json_object_get(r, "median_ns"));
    }
    return NAN;
}

static void num(strbuf *b, double v)
{
    if (isnan(v) || v <= 0) sb_add(b, " ?");
    else sb_addf(b, " %.6g", v);
}

/* The releases present in the results, in the document's toolchain order. */
static void releases(json_t *doc, strlist *out)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(doc, "results"), i, r) {
        const char *g = json_string_value(json_object_get(r, "go"));
        if (g && !json_is_true(json_object_get(r, "emulated")) && !sl_has(out, g)) sl_add(out, g);
    }
}

struct column { const char *title, *host, *bench, *thread; };

static char *table(json_t *doc, const strlist *gos, const struct column *cols, size_t ncols, double divide_by)
{
    strbuf b;
    sb_init(&b);
    sb_add(&b, "go");
    for (size_t c = 0; c < ncols; c++) sb_addf(&b, " \"%s\"", cols[c].title);
    sb_add(&b, "\n");
    for (size_t g = 0; g < gos->n; g++) {
        sb_addf(&b, "%s", str_prefix(gos->v[g], "go") ? gos->v[g] + 2 : gos->v[g]);
        for (size_t c = 0; c < ncols; c++) {
            bool base = str_prefix(cols[c].bench, "base/");
            num(&b, median_of(doc, base ? NULL : gos->v[g], cols[c].host, cols[c].bench, cols[c].thread) / divide_by);
        }
        sb_add(&b, "\n");
    }
    return sb_take(&b);
}

static int put(const char *dir, const char *name, char *text)
{
    char *file = xasprintf("%s/%s.dat", dir, name);
    int rc = write_file_atomic(file, text, strlen(text));
    free(file);
    free(text);
    return rc;
}

int bench_plot_data(json_t *doc, const char *dir, int ncols[5])
{
    if (mkdir_p(dir, 0755) < 0) return -1;
    strlist gos = { 0 };
    releases(doc, &gos);
    static const struct column paths[] = {
        { "C→C indirect (baseline)", "c", "base/c_indirect", "main" },
        { "dlsym pointer", "c-dlopen", "call/add", "pthread" },
        { "header, c-shared", "c-linked", "call/add", "pthread" },
        { "header, c-archive", "c-archive", "call/add", "pthread" },
        { "libffi ffi_call", "c-dlopen", "ffi/add", "pthread" },
        { "Python ctypes", "python-ctypes", "py/ctypes_add", "main" },
        { "Go→C (cgo call)", "c-dlopen", "gocall/cgo", "pthread" },
        { "C→Go→C round trip", "c-dlopen", "gocall/callback", "pthread" },
    };
    static const struct column threads[] = {
        { "dlsym, main thread", "c-dlopen", "call/empty", "main" },
        { "dlsym, pthread", "c-dlopen", "call/empty", "pthread" },
        { "c-shared header, main", "c-linked", "call/empty", "main" },
        { "c-shared header, pthread", "c-linked", "call/empty", "pthread" },
        { "c-archive, main", "c-archive", "call/empty", "main" },
        { "c-archive, pthread", "c-archive", "call/empty", "pthread" },
    };
    static const struct column ratio[] = {
        { "empty, main thread", "c-dlopen", "call/empty", "main" },
        { "empty, pthread", "c-dlopen", "call/empty", "pthread" },
        { "Add, pthread", "c-dlopen", "call/add", "pthread" },
        { "Go→C", "c-dlopen", "gocall/cgo", "pthread" },
        { "C→Go→C", "c-dlopen", "gocall/callback", "pthread" },
        { "recovered panic", "c-dlopen", "panic/recovered", "pthread" },
        { "LockOSThread", "c-dlopen", "lock/lockosthread", "pthread" },
        { "new thread + call", "c-dlopen", "thread/first_call", "main" },
    };
    static const struct column args[] = {
        { "0 ints", "c-dlopen", "args/int0", "pthread" },
        { "2 ints", "c-dlopen", "args/int2", "pthread" },
        { "8 ints", "c-dlopen", "args/int8", "pthread" },
        { "64-byte struct", "c-dlopen", "args/struct64", "pthread" },
        { "GoString 16 B", "c-dlopen", "args/string16", "pthread" },
        { "GoString 4 KiB", "c-dlopen", "args/string4k", "pthread" },
        { "GoSlice 4 KiB", "c-dlopen", "args/slice4k", "pthread" },
    };
    double c_ind = median_of(doc, NULL, "c", "base/c_indirect", "main");
    int rc = 0;
    rc |= put(dir, "paths", table(doc, &gos, paths, GC_ARRAY_LEN(paths), 1));
    rc |= put(dir, "threads", table(doc, &gos, threads, GC_ARRAY_LEN(threads), 1));
    rc |= put(dir, "ratio", table(doc, &gos, ratio, GC_ARRAY_LEN(ratio), isnan(c_ind) ? NAN : c_ind));
    rc |= put(dir, "args", table(doc, &gos, args, GC_ARRAY_LEN(args), 1));
    /* scaling: one row per thread count, one column per release (M calls/s) */
    strbuf b;
    sb_init(&b);
    sb_add(&b, "threads");
    for (size_t g = 0; g < gos.n; g++) sb_addf(&b, " \"%s\"", gos.v[g]);
    sb_add(&b, "\n");
    static const int counts[] = { 1, 2, 4, 8 };
    for (size_t k = 0; k < GC_ARRAY_LEN(counts); k++) {
        char bench[32];
        snprintf(bench, sizeof bench, "scale/%d", counts[k]);
        sb_addf(&b, "%d", counts[k]);
        for (size_t g = 0; g < gos.n; g++) num(&b, 1e3 / median_of(doc, gos.v[g], "c-dlopen", bench, "main"));
        sb_add(&b, "\n");
    }
    rc |= put(dir, "scaling", sb_take(&b));
    ncols[0] = (int)GC_ARRAY_LEN(paths) + 1;
    ncols[1] = (int)GC_ARRAY_LEN(threads) + 1;
    ncols[2] = (int)gos.n + 1;
    ncols[3] = (int)GC_ARRAY_LEN(ratio) + 1;
    ncols[4] = (int)GC_ARRAY_LEN(args) + 1;
    sl_free(&gos);
    return rc ? -1 : 0;
}
