/* The benchmark document (schema "gocompat.bench/1") and what is derived
 * from it: the CSV table, the data files the gnuplot scripts read, and the
 * comparison of two documents. */
#ifndef GOCOMPAT_BENCH_REPORT_H
#define GOCOMPAT_BENCH_REPORT_H

#include <jansson.h>
#include <stdio.h>

#define BENCH_SCHEMA "gocompat.bench/1"

/* Load and check a bench document; NULL with *err (caller frees) on failure. */
json_t *bench_doc_load(const char *path, char **err);
/* Check the shape of a document; NULL if fine, else what is wrong (caller frees). */
char *bench_doc_validate(json_t *doc);

/* Set a result's summary fields (min, median, mean, stddev, cv, iterations,
 * samples, noisy) from its chosen run; `cv_limit` is the noise flag. */
void bench_result_summarize(json_t *result, double cv_limit);
/* The per-call samples (ns) of a result's chosen run. Caller frees; *n set. */
double *bench_result_samples(json_t *result, size_t *n);

/* One CSV line per result, with a header. Caller frees. */
char *bench_csv(json_t *doc);

/* Compare two documents result by result (matched on "id"), print one line
 * per benchmark present in both, and return 0 (no regression), 1 (a
 * significant slowdown beyond `threshold`, e.g. 0.10) or 2 (bad input, *err
 * says why). */
int bench_compare_docs(json_t *old, json_t *new_, double threshold, double alpha, FILE *out, char **err);

/* Write the gnuplot data tables into `dir` (paths, threads, scaling, ratio,
 * args). Returns 0 or -1 with errno. `ncols` receives each table's column
 * count in the order above. */
int bench_plot_data(json_t *doc, const char *dir, int ncols[5]);
extern const char *const BENCH_PLOTS[5];

#endif
