/* Statistics for the call-overhead benchmarks: a summary of repeated
 * measurements (min, median, mean, sample standard deviation, coefficient of
 * variation) and the Mann–Whitney U test used by `gocompat bench --compare`
 * to tell a real change from noise. */
#ifndef GOCOMPAT_BENCH_STATS_H
#define GOCOMPAT_BENCH_STATS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    size_t n;
    double min, max, median, mean;
    double stddev; /* sample standard deviation (n - 1); 0 when n < 2 */
    double cv;     /* stddev / mean; 0 when the mean is 0 */
} bench_summary;

/* Summarise x[0..n-1] (not modified). n == 0 gives an all-zero summary. */
void bench_summarize(const double *x, size_t n, bench_summary *s);
/* The median of x[0..n-1] (not modified); 0 when n == 0. */
double bench_median(const double *x, size_t n);

typedef struct {
    double u;      /* U statistic of the first sample */
    double z;      /* normal approximation, tie- and continuity-corrected */
    double p;      /* two-sided p-value; 1 when the test cannot say anything */
} bench_mwu;

/* Two-sided Mann–Whitney U test of a[0..na-1] against b[0..nb-1]. Exact
 * (by enumeration of rank sums) when there are no ties and na, nb <= 12;
 * otherwise the normal approximation with tie correction. */
void bench_mann_whitney(const double *a, size_t na, const double *b, size_t nb, bench_mwu *r);

/* The standard normal upper tail, P(Z > z). */
double bench_normal_sf(double z);

/* Verdict of one comparison: change = (new_median - old_median) / old_median
 * (positive is slower, since figures are ns per call). */
typedef enum { BENCH_SAME, BENCH_FASTER, BENCH_SLOWER, BENCH_REGRESSION } bench_change_kind;

typedef struct {
    double change;       /* relative change of the median */
    bench_mwu test;
    bool significant;    /* p < alpha */
    bench_change_kind kind;
} bench_change;

/* Compare two samples of ns/call. A regression is a significant slowdown
 * beyond `threshold` (0.10 = 10 %); a significant change inside the
 * threshold is SLOWER/FASTER; an insignificant one is SAME. */
void bench_compare_samples(const double *old, size_t nold, const double *new_, size_t nnew, double threshold,
                           double alpha, bench_change *c);
const char *bench_change_name(bench_change_kind k);

#endif
