#define _GNU_SOURCE
#include "bench_stats.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double *sorted_copy(const double *x, size_t n)
{
    double *s = xmalloc((n ? n : 1) * sizeof *s);
    if (n) memcpy(s, x, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    return s;
}

double bench_median(const double *x, size_t n)
{
    if (!n) return 0;
    double *s = sorted_copy(x, n);
    double m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    free(s);
    return m;
}

void bench_summarize(const double *x, size_t n, bench_summary *s)
{
    memset(s, 0, sizeof *s);
    s->n = n;
    if (!n) return;
    double *v = sorted_copy(x, n);
    s->min = v[0];
    s->max = v[n - 1];
    s->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    /* Welford's update: stable even when the spread is tiny next to the mean. */
    double mean = 0, m2 = 0;
    for (size_t i = 0; i < n; i++) {
        double d = v[i] - mean;
        mean += d / (double)(i + 1);
        m2 += d * (v[i] - mean);
    }
    s->mean = mean;
    s->stddev = n > 1 ? sqrt(m2 / (double)(n - 1)) : 0;
    s->cv = mean != 0 ? s->stddev / fabs(mean) : 0;
    free(v);
}

double bench_normal_sf(double z) { return 0.5 * erfc(z / M_SQRT2); }

/* Number of ways k ranks out of 1..n sum to exactly s, for all s: the
 * distribution of the rank sum of the first sample under the null. */
static double exact_p(size_t na, size_t nb, double ra)
{
    size_t n = na + nb;
    size_t maxs = n * (n + 1) / 2;
    /* ways[k][s]: subsets of size k of the ranks seen so far with sum s */
    double *ways = xcalloc((na + 1) * (maxs + 1), sizeof *ways);
#define W(k, s) ways[(k) * (maxs + 1) + (s)]
    W(0, 0) = 1;
    for (size_t r = 1; r <= n; r++)
        for (size_t k = (r < na ? r : na); k >= 1; k--)
            for (size_t s = maxs; s >= r; s--) W(k, s) += W(k - 1, s - r);
    double total = 0, lower = 0, upper = 0;
    for (size_t s = 0; s <= maxs; s++) {
        double w = W(na, s);
        total += w;
        if ((double)s <= ra + 1e-9) lower += w;
        if ((double)s >= ra - 1e-9) upper += w;
    }
#undef W
    free(ways);
    double p = 2 * (lower < upper ? lower : upper) / total;
    return p > 1 ? 1 : p;
}

void bench_mann_whitney(const double *a, size_t na, const double *b, size_t nb, bench_mwu *r)
{
    memset(r, 0, sizeof *r);
    r->p = 1;
    if (!na || !nb) return;
    size_t n = na + nb;
    struct item { double v; int first; } *it = xmalloc(n * sizeof *it);
    for (size_t i = 0; i < na; i++) it[i] = (struct item){ a[i], 1 };
    for (size_t i = 0; i < nb; i++) it[na + i] = (struct item){ b[i], 0 };
    /* insertion sort keeps this dependency-free; n is a few dozen */
    for (size_t i = 1; i < n; i++) {
        struct item t = it[i];
        size_t j = i;
        while (j > 0 && it[j - 1].v > t.v) { it[j] = it[j - 1]; j--; }
        it[j] = t;
    }
    double ra = 0, tie = 0;
    bool ties = false;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && it[j + 1].v == it[i].v) j++;
        double rank = (double)(i + j + 2) / 2; /* average of ranks i+1..j+1 */
        double t = (double)(j - i + 1);
        if (t > 1) { ties = true; tie += t * t * t - t; }
        for (size_t k = i; k <= j; k++)
            if (it[k].first) ra += rank;
        i = j + 1;
    }
    free(it);
    double dna = (double)na, dnb = (double)nb, dn = (double)n;
    r->u = ra - dna * (dna + 1) / 2;
    double mu = dna * dnb / 2;
    double var = dna * dnb / 12 * ((dn + 1) - tie / (dn * (dn - 1)));
    if (var <= 0) return; /* every value equal: no evidence either way */
    double d = fabs(r->u - mu);
    d = d > 0.5 ? d - 0.5 : 0;
    r->z = (r->u - mu >= 0 ? d : -d) / sqrt(var);
    if (!ties && na <= 12 && nb <= 12) r->p = exact_p(na, nb, ra);
    else {
        r->p = 2 * bench_normal_sf(fabs(r->z));
        if (r->p > 1) r->p = 1;
    }
}

void bench_compare_samples(const double *old, size_t nold, const double *new_, size_t nnew, double threshold,
                           double alpha, bench_change *c)
{
    memset(c, 0, sizeof *c);
    double mo = bench_median(old, nold), mn = bench_median(new_, nnew);
    c->change = mo > 0 ? (mn - mo) / mo : 0;
    bench_mann_whitney(old, nold, new_, nnew, &c->test);
    c->significant = c->test.p < alpha;
    if (!c->significant) c->kind = BENCH_SAME;
    else if (c->change > threshold) c->kind = BENCH_REGRESSION;
    else c->kind = c->change > 0 ? BENCH_SLOWER : BENCH_FASTER;
}

const char *bench_change_name(bench_change_kind k)
{
    switch (k) {
    case BENCH_SAME: return "same";
    case BENCH_FASTER: return "faster";
    case BENCH_SLOWER: return "slower";
    case BENCH_REGRESSION: return "REGRESSION";
    }
    return "?";
}
