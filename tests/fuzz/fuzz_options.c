/* Fuzz target: the numeric-option parsers every option and environment
 * variable goes through (-j, --shard, --seed, --timeout-mult,
 * GOCOMPAT_TIMEOUT_MULT, bench and diff figures, descriptor timeouts) and
 * the text policy of the input opener. The first byte picks the parser and
 * its range; the rest is the text. Each acceptance is checked against what
 * the parser promises. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct { long long lo, hi; } INT_RANGES[] = { { 1, 256 }, { 0, INT64_MAX }, { 1, 3600 }, { -5, 5 } };
static const struct { double lo, hi; } DBL_RANGES[] = { { 0.01, 1000 }, { 0, 86400000 }, { 1e-9, 1 }, { 2, 1000 } };

static void check_llong(const char *s, unsigned pick)
{
    long long lo = INT_RANGES[pick % 4].lo, hi = INT_RANGES[pick % 4].hi, v = 12345;
    if (parse_llong(s, lo, hi, &v)) return;
    if (v < lo || v > hi) abort();
    /* Only a plain decimal number is accepted: it prints back as itself,
     * give or take leading zeros. */
    char back[32];
    snprintf(back, sizeof back, "%lld", v);
    const char *p = s;
    int neg = *p == '-';
    if (neg) p++;
    while (p[0] == '0' && p[1]) p++;
    if (strcmp(back + (v < 0), p) || (v < 0 && !neg)) abort();
}

static void check_double(const char *s, unsigned pick)
{
    double lo = DBL_RANGES[pick % 4].lo, hi = DBL_RANGES[pick % 4].hi, v = NAN;
    if (parse_double(s, lo, hi, &v)) return;
    if (!isfinite(v) || v < lo || v > hi) abort();
    if (strpbrk(s, "xXnNiI \t\n")) abort();
}

static void check_shard(const char *s)
{
    int k = -1, n = -1;
    if (parse_shard(s, 1000, &k, &n)) return;
    if (k < 1 || n < k || n > 1000) abort();
    if (strchr(s, '/') != strrchr(s, '/')) abort();
}

static void check_text(const uint8_t *data, size_t size)
{
    long bad = text_problem((const char *)data, size);
    if (bad < -1 || bad >= (long)size) abort();
    if (bad == -1 && memchr(data, 0, size)) abort();
    /* A prefix cut at the problem is itself clean. */
    if (bad > 0 && text_problem((const char *)data, (size_t)bad) != -1) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) return 0;
    unsigned pick = data[0];
    char *text = xstrndup((const char *)data + 1, size - 1);
    switch (pick % 4) {
    case 0: check_llong(text, pick / 4); break;
    case 1: check_double(text, pick / 4); break;
    case 2: check_shard(text); break;
    case 3: check_text(data + 1, size - 1); break;
    }
    free(text);
    return 0;
}
