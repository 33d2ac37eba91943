/* What the C ABI probes share (abi_direct.c, abi_ffi.c): an observation of
 * one call (the callee's argument capture, what the native callbacks saw,
 * the result's bits, the bytes written back into slices), one for the
 * oracle and one for the Go export, a bit-exact comparison of the two, and
 * the per-group driver that reports facts and the verdict.
 *
 * Included after probe.h, abi.h and abi_oracle_gen.c. */
#ifndef GOCOMPAT_ABI_RUN_H
#define GOCOMPAT_ABI_RUN_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OBS_MAX (1 << 16)
#define STR_MAX 48

typedef struct {
    unsigned char cap[OBS_MAX], cb[OBS_MAX], ret[512], wb[ABI_MAX_ARGS * STR_MAX];
    size_t ncap, ncb, nret, nwb;
} abi_obs;

typedef struct {
    abi_rng rng;
    abi_obs exp, got;
    /* string and slice arguments: their bytes, and a slice's bytes as drawn */
    unsigned char buf[ABI_MAX_ARGS][STR_MAX], orig[ABI_MAX_ARGS][STR_MAX];
    size_t len[ABI_MAX_ARGS];
    bool slice[ABI_MAX_ARGS];
} abi_run;

size_t abi_oracle_capture(void *dst, size_t n);
size_t abi_cblog_take(void *dst, size_t n);
void abi_oracle_reset(void);

static void run_begin(abi_run *r)
{
    r->exp.ncap = r->exp.ncb = r->exp.nret = r->exp.nwb = 0;
    r->got.ncap = r->got.ncb = r->got.nret = r->got.nwb = 0;
    memset(r->slice, 0, sizeof r->slice);
}

/* A string argument: 0..STR_MAX random bytes (NULs included), sometimes
 * empty with a NULL pointer. */
static void run_gen_str_raw(abi_run *r, int i, const char **p, ptrdiff_t *n)
{
    uint64_t v = abi_rng_next(&r->rng);
    size_t len = (size_t)(v % (STR_MAX + 1));
    abi_gen_bytes(&r->rng, r->buf[i], len);
    r->len[i] = len;
    *p = (len == 0 && (v >> 32) % 2) ? NULL : (const char *)r->buf[i];
    *n = (ptrdiff_t)len;
}

static void run_gen_slice_raw(abi_run *r, int i, void **data, ptrdiff_t *len, ptrdiff_t *cap)
{
    const char *p;
    ptrdiff_t n;
    run_gen_str_raw(r, i, &p, &n);
    *data = (void *)p;
    *len = n;
    *cap = n + (ptrdiff_t)(abi_rng_next(&r->rng) % (uint64_t)(STR_MAX - n + 1));
    if (*data == NULL) *cap = 0;
    memcpy(r->orig[i], r->buf[i], STR_MAX);
    r->slice[i] = true;
}

#ifdef GOCOMPAT_ABI_TYPES
__attribute__((unused)) static void run_gen_str(abi_run *r, int i, abi_gostring *s)
{
    run_gen_str_raw(r, i, &s->p, &s->n);
}

__attribute__((unused)) static void run_gen_slice(abi_run *r, int i, abi_goslice *s)
{
    run_gen_slice_raw(r, i, &s->data, &s->len, &s->cap);
}
#endif

static void obs_ret(abi_obs *o, const void *p, size_t n)
{
    if (o->nret + n > sizeof o->ret) n = sizeof o->ret - o->nret;
    memcpy(o->ret + o->nret, p, n);
    o->nret += n;
}

/* A GoString result: the pointer only counts when the string is not empty
 * (Go keeps the base pointer of an empty substring; C would point past it). */
static void obs_ret_str(abi_obs *o, const char *p, ptrdiff_t n)
{
    uint64_t v[2] = { n ? (uint64_t)(uintptr_t)p : 0, (uint64_t)n };
    obs_ret(o, v, sizeof v);
}

static void obs_common(abi_run *r, abi_obs *o)
{
    o->ncb = abi_cblog_take(o->cb, sizeof o->cb);
    if (o->ncb > sizeof o->cb) o->ncb = sizeof o->cb;
    for (int i = 0; i < ABI_MAX_ARGS; i++)
        if (r->slice[i]) {
            memcpy(o->wb + o->nwb, r->buf[i], r->len[i]);
            o->nwb += r->len[i];
        }
}

static void run_observe_oracle(abi_run *r)
{
    r->exp.ncap = abi_oracle_capture(r->exp.cap, sizeof r->exp.cap);
    obs_common(r, &r->exp);
}

static void run_observe_go(abi_run *r)
{
    r->got.ncap = (size_t)GO_FN(AbiCapture)(r->got.cap, sizeof r->got.cap);
    if (r->got.ncap > sizeof r->got.cap) r->got.ncap = sizeof r->got.cap;
    obs_common(r, &r->got);
}

/* Put the slices back as drawn, so the export sees what the oracle saw. */
static void run_restore(abi_run *r)
{
    for (int i = 0; i < ABI_MAX_ARGS; i++)
        if (r->slice[i]) memcpy(r->buf[i], r->orig[i], STR_MAX);
}

/* Compares part by part; on a difference writes "PART byte N: want HEX got
 * HEX" (up to 16 bytes from the 8-byte boundary before the difference) and
 * returns false. */
static bool part_cmp(const char *part, const unsigned char *e, size_t en, const unsigned char *g, size_t gn,
                     char *why, size_t whysz)
{
    size_t d = abi_first_diff(e, en, g, gn);
    if (d == SIZE_MAX) return true;
    size_t at = d & ~(size_t)7;
    char he[40], hg[40];
    abi_hex(e + at, en > at ? (en - at < 16 ? en - at : 16) : 0, he, sizeof he);
    abi_hex(g + at, gn > at ? (gn - at < 16 ? gn - at : 16) : 0, hg, sizeof hg);
    snprintf(why, whysz, "%s byte %zu (of %zu/%zu): want %s got %s", part, d, en, gn, *he ? he : "(none)",
             *hg ? hg : "(none)");
    return false;
}

static bool run_compare(abi_run *r, char *why, size_t whysz)
{
    return part_cmp("argument capture", r->exp.cap, r->exp.ncap, r->got.cap, r->got.ncap, why, whysz) &&
           part_cmp("callback log", r->exp.cb, r->exp.ncb, r->got.cb, r->got.ncb, why, whysz) &&
           part_cmp("result", r->exp.ret, r->exp.nret, r->got.ret, r->got.nret, why, whysz) &&
           part_cmp("written-back bytes", r->exp.wb, r->exp.nwb, r->got.wb, r->got.nwb, why, whysz);
}

/* ---- the per-group report ---------------------------------------------- */

typedef struct {
    /* JSON list bodies; a fact line holds at most about 7000 bytes */
    char passed[3000], failed[3000], unsupported[1000];
    int npass, nfail, nunsup, total;
    char first[1200];
} abi_report;

static void list_add(char *list, size_t sz, const char *item)
{
    size_t n = strlen(list);
    if (n + strlen(item) + 8 > sz) return; /* the counts still say how many */
    snprintf(list + n, sz - n, "%s\"%s\"", n ? "," : "", item);
}

static void report_pass(abi_report *rep, const char *name)
{
    rep->total++;
    rep->npass++;
    list_add(rep->passed, sizeof rep->passed, name);
}

static void report_fail(abi_report *rep, const char *name, int iter, const char *why)
{
    char item[700];
    rep->total++;
    rep->nfail++;
    snprintf(item, sizeof item, "%s: call %d: %.600s", name, iter, why);
    list_add(rep->failed, sizeof rep->failed, item);
    if (!rep->first[0]) snprintf(rep->first, sizeof rep->first, "%s", item);
}

__attribute__((unused)) static void report_unsupported(abi_report *rep, const char *name, const char *why)
{
    char item[300];
    rep->total++;
    rep->nunsup++;
    snprintf(item, sizeof item, "%s: %s", name, why);
    list_add(rep->unsupported, sizeof rep->unsupported, item);
}

/* Names the shape about to run, so a record of a process that died in a
 * call still says which shape killed it. */
static void shape_started(const char *name) { gc_fact("abi_last_shape", "\"%s\"", name); }

static int env_int(const char *name, int dflt)
{
    const char *s = getenv(name);
    return s && *s ? atoi(s) : dflt;
}

/* The seed of one shape: the run's seed and the shape's name, so a shape
 * draws the same values whatever else runs. */
static uint64_t shape_seed(uint64_t seed, const char *name)
{
    uint64_t h = 0xcbf29ce484222325ULL ^ seed;
    for (const char *p = name; *p; p++) h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
    return h;
}

static void report_finish(abi_report *rep, const char *group, const char *caller, int iters)
{
    gc_fact("abi_group", "\"%s\"", group);
    gc_fact("abi_caller", "\"%s\"", caller);
    gc_fact("seed", "%llu", (unsigned long long)gc_seed());
    gc_fact("calls_per_shape", "%d", iters);
    gc_fact("shapes_total", "%d", rep->total);
    gc_fact("shapes_passed_count", "%d", rep->npass);
    gc_fact("shapes_failed_count", "%d", rep->nfail);
    gc_fact("shapes_unsupported_count", "%d", rep->nunsup);
    gc_fact("shapes_passed", "[%s]", rep->passed);
    gc_fact("shapes_failed", "[%s]", rep->failed);
    gc_fact("shapes_unsupported", "[%s]", rep->unsupported);
    if (rep->total == 0)
        gc_fail("no shapes in group `%s`", group);
    else if (rep->nfail)
        gc_fail("%d of %d `%s` shapes differ from the oracle; first: %s", rep->nfail, rep->total, group, rep->first);
    else
        gc_pass();
}

#endif
