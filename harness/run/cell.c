#define _GNU_SOURCE
#include "cell.h"
#include "hostbuild.h"
#include "expectations.h"
#include "record.h"
#include "verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STDERR_HEAD_BYTES 2048

json_t *record_new(const cell *x)
{
    json_t *claims = json_array();
    for (size_t i = 0; i < x->c->claims.n; i++) json_array_append_new(claims, json_string(x->c->claims.v[i]));
    char *want = outcome_want_text(x->c);
    char *expect = xasprintf("%s [%s]", x->c->expect, want);
    free(want);
    json_t *r = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s}, s:s, s:s, s:o, s:s, s:f, s:o, s:n}",
                          "schema", RECORD_SCHEMA, "go", x->tc->version, "goos", x->tc->goos, "goarch",
                          x->tc->goarch, "buildmode", x->run->buildmode, "host", x->run->host, "case", x->c->id,
                          "area", x->c->area, "status", "error", "outcome", "kind", "none", "expect", expect,
                          "detail", "", "evidence", json_object(), "stderr_head", "", "duration_ms", 0.0,
                          "claims", claims, "upstream");
    free(expect);
    return r;
}

static void set_str(json_t *r, const char *k, const char *v) { json_object_set_new(r, k, json_string(v ? v : "")); }

static char *head_of(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max) return xstrdup(s);
    /* Cut at a line end where possible, and never inside a UTF-8 sequence. */
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80) max--;
    return xasprintf("%.*s…", (int)max, s);
}

static void set_status(const run_ctx *ctx, json_t *r, const cell *x, const char *status)
{
    const xfail_rule *xf = case_xfail(x->c, x->tc->version, x->run->buildmode, x->run->host);
    char *where = xf ? xasprintf("%s:%d", x->c->path, xf->line) : NULL;
    const expectation *e = xf ? NULL : expect_match(ctx->expect, x->tc->version, x->run->buildmode, x->run->host, x->c->id);
    if (e) {
        xf = &e->rule;
        where = xstrdup(e->where);
    }
    const char *s = apply_xfail(status, xf != NULL);
    set_str(r, "status", s);
    if (xf) {
        set_str(r, "upstream", xf->link);
        json_object_set_new(json_object_get(r, "evidence"), "expected_failure_rule", json_string(where));
    }
    free(where);
}

static json_t *build_evidence(const fixture_build *fb)
{
    json_t *b = json_object();
    json_object_set_new(b, "key", json_string(fb->key ? fb->key : ""));
    json_object_set_new(b, "cached", json_boolean(fb->cached));
    json_t *cmds = json_object_get(fb->info, "commands");
    if (cmds) json_object_set(b, "commands", cmds);
    json_t *d = json_object_get(fb->info, "duration_ms");
    if (d) json_object_set(b, "duration_ms", d);
    if (fb->artifact && fb->status == BUILD_OK) json_object_set_new(b, "artifact", json_string(fb->artifact));
    return b;
}

static json_t *rusage_json(const proc_result *pr)
{
    const struct rusage *u = &pr->ru;
    return json_pack("{s:I, s:f, s:f}", "maxrss_kb", (json_int_t)u->ru_maxrss, "utime_ms",
                     (double)u->ru_utime.tv_sec * 1e3 + (double)u->ru_utime.tv_usec / 1e3, "stime_ms",
                     (double)u->ru_stime.tv_sec * 1e3 + (double)u->ru_stime.tv_usec / 1e3);
}

/* The first line that says something: the go command puts a "# package"
 * line before the compiler's or linker's own message. */
static char *first_line(const char *s)
{
    while (s[0] == '#' && s[1] == ' ' && strchr(s, '\n')) s = strchr(s, '\n') + 1;
    size_t n = strcspn(s, "\n");
    return xstrndup(s, n);
}

/* What every probe may need to know about the build it examines; the
 * inspect host's probes live on these. */
static void probe_env(const run_ctx *ctx, const cell *x, const fixture_build *fb, strlist *env)
{
    sl_add_owned(env, xasprintf("GOCOMPAT_ARTIFACT=%s", fb->artifact));
    if (fb->header) sl_add_owned(env, xasprintf("GOCOMPAT_HEADER=%s", fb->header));
    sl_add_owned(env, xasprintf("GOCOMPAT_BUILD_DIR=%s", fb->dir));
    sl_add_owned(env, xasprintf("GOCOMPAT_BUILDMODE=%s", x->run->buildmode));
    sl_add_owned(env, xasprintf("GOCOMPAT_GO=%s", x->tc->path));
    sl_add_owned(env, xasprintf("GOCOMPAT_GOVERSION=%s", x->tc->version));
    sl_add_owned(env, xasprintf("GOCOMPAT_GOCACHE=%s/go/%s-%s/gocache", ctx->b.cachedir, x->tc->version, x->tc->goarch));
    char *src = fixture_dir(&ctx->b, x->c->fixture);
    sl_add_owned(env, xasprintf("GOCOMPAT_FIXTURE_SRC=%s", src));
    free(src);
    sl_add_owned(env, xasprintf("GOCOMPAT_CC=%s", x->tc->foreign ? x->tc->cc : ctx->cc));
    sl_add_owned(env, xasprintf("GOCOMPAT_GOARCH=%s", x->tc->goarch));
    if (x->tc->foreign) sl_add_owned(env, xasprintf("GOCOMPAT_EMULATOR=%s", x->tc->emulator));
    if (ctx->self) sl_add_owned(env, xasprintf("GOCOMPAT_BIN=%s", ctx->self));
}

/* Emulated probes get longer to do their work. A case that expects a hang
 * does not: its window runs on from the mark the probe sets before the call
 * that hangs (judge() insists on the mark), and stretching it only waits. */
static double emulated_timeout_factor(const run_ctx *ctx, const cell *x)
{
    if (!x->tc->foreign || !strcmp(x->run->host, "inspect")) return 1;
    bool only_hangs = x->c->nwant > 0;
    for (size_t i = 0; i < x->c->nwant; i++) only_hangs &= x->c->want[i].kind == OUT_TIMEOUT;
    return only_hangs ? 1 : ctx->emu_timeout_mult;
}

json_t *cell_execute(const run_ctx *ctx, const cell *x)
{
    json_t *r = record_new(x);
    json_t *ev = json_object_get(r, "evidence");
    double t0 = now_ms();
    if (!version_in_range(x->tc->version, x->c->go_lo, x->c->go_hi)) {
        set_str(r, "status", "skip");
        set_str(r, "detail", "case does not apply to this Go release");
        json_object_set_new(r, "outcome", json_pack("{s:s}", "kind", "unsupported"));
        return r;
    }
    if (x->c->arches.n && !sl_has(&x->c->arches, x->tc->goarch)) {
        strbuf why;
        sb_init(&why);
        sb_add(&why, "the case's expectation is written for");
        for (size_t i = 0; i < x->c->arches.n; i++) sb_addf(&why, "%s %s", i ? "," : "", x->c->arches.v[i]);
        sb_addf(&why, ", not %s", x->tc->goarch);
        char *detail = sb_take(&why);
        set_str(r, "status", "skip");
        set_str(r, "detail", detail);
        json_object_set_new(r, "outcome", json_pack("{s:s}", "kind", "unsupported"));
        free(detail);
        return r;
    }
    fixture_build fb;
    fixture_build_ensure(&ctx->b, x->tc, x->c->fixture, x->run->buildmode, &x->c->buildflags, &x->c->buildenv, &fb);
    if (fb.status == BUILD_INTERRUPTED) {
        fixture_build_free(&fb);
        json_decref(r);
        return NULL;
    }
    json_object_set_new(ev, "build", build_evidence(&fb));
    const char *berr = json_string_value(json_object_get(fb.info, "stderr_head"));
    if (berr) {
        char *h = head_of(berr, STDERR_HEAD_BYTES);
        set_str(r, "stderr_head", h);
        free(h);
    }
    bool want_build_fail = false;
    for (size_t i = 0; i < x->c->nwant; i++) want_build_fail |= x->c->want[i].kind == OUT_BUILD_FAIL;
    if (x->c->build_only && want_build_fail && fb.status != BUILD_ERROR) {
        /* The case is about a build that must be refused (and how). */
        char *line = first_line(berr ? berr : "");
        bool failed = fb.status == BUILD_FAIL || fb.status == BUILD_UNSUPPORTED;
        set_status(ctx, r, x, failed ? "pass" : "fail");
        json_object_set_new(r, "outcome", json_pack("{s:s}", "kind", failed ? "build-fail" : "exit"));
        if (!failed) json_object_set_new(json_object_get(r, "outcome"), "code", json_integer(0));
        char *d = failed ? xasprintf("refused: %s", line) : xstrdup("built, but the build was expected to fail");
        set_str(r, "detail", d);
        if (failed) json_object_set_new(ev, "build_error", json_string(line));
        free(d);
        free(line);
    } else if (fb.status != BUILD_OK) {
        char *line = first_line(berr ? berr : "");
        if (fb.status == BUILD_UNSUPPORTED) {
            set_str(r, "status", "skip");
            json_object_set_new(r, "outcome", json_pack("{s:s}", "kind", "unsupported"));
        } else if (fb.status == BUILD_FAIL) {
            set_status(ctx, r, x, "fail");
            json_object_set_new(r, "outcome", json_pack("{s:s}", "kind", "build-fail"));
        } else {
            set_str(r, "status", "error");
            json_object_set_new(r, "outcome", json_pack("{s:s}", "kind", "build-fail"));
        }
        char *d = xasprintf("%s%s", x->c->build_only ? "" : "fixture did not build: ", line);
        set_str(r, "detail", d);
        free(d);
        free(line);
    } else if (x->c->build_only) {
        set_status(ctx, r, x, "pass");
        set_str(r, "detail", fb.cached ? "built (cached)" : "built");
        json_object_set_new(r, "outcome", json_pack("{s:s, s:i}", "kind", "exit", "code", 0));
    } else {
        char *why = NULL;
        bool harness_fault = false, skip = false;
        char **argv = host_prepare(ctx, x, &fb, ev, &why, &harness_fault, &skip);
        if (!argv && skip) {
            set_str(r, "status", "skip");
            set_str(r, "detail", why);
            json_object_set_new(r, "outcome", json_pack("{s:s}", "kind", "unsupported"));
            free(why);
        } else if (!argv) {
            if (ctx->b.interrupted && *ctx->b.interrupted) {
                free(why);
                fixture_build_free(&fb);
                json_decref(r);
                return NULL;
            }
            set_str(r, "status", harness_fault ? "error" : "fail");
            if (!harness_fault) set_status(ctx, r, x, "fail");
            json_object_set_new(r, "outcome", json_pack("{s:s}", "kind", "build-fail"));
            char *line = first_line(why ? why : "");
            char *d = xasprintf("host build failed: %s", line);
            set_str(r, "detail", d);
            char *h = head_of(why ? why : "", STDERR_HEAD_BYTES);
            set_str(r, "stderr_head", h);
            free(h);
            free(d);
            free(line);
            free(why);
        } else {
            strlist env = { 0 };
            sl_add(&env, "PATH=/usr/local/bin:/usr/bin:/bin");
            sl_add_owned(&env, xasprintf("HOME=%s", getenv("HOME") ? getenv("HOME") : "/tmp"));
            sl_add(&env, "LC_ALL=C");
            sl_add_owned(&env, xasprintf("GOCOMPAT_SEED=%llu", ctx->seed));
            sl_add_owned(&env, xasprintf("PYTHONPATH=%s/probe", ctx->b.srcdir));
            sl_add(&env, "PYTHONDONTWRITEBYTECODE=1");
            probe_env(ctx, x, &fb, &env);
            for (size_t i = 0; i < x->c->env.n; i++) sl_add(&env, x->c->env.v[i]);
            sl_add_owned(&env, NULL);
            env.n--;
            /* A case of N trials runs the probe N times with seeds seed,
             * seed+1, …: the record counts each trial's status, outcome and
             * (for a trial that did not pass) detail, and keeps the fields of
             * the first trial that did not pass, else of the last. */
            int ntrials = x->c->trials > 1 ? x->c->trials : 1;
            const char *cap = getenv("GOCOMPAT_MAX_TRIALS");
            if (ntrials > 1 && cap && atoi(cap) > 0 && atoi(cap) < ntrials) ntrials = atoi(cap);
            size_t seed_at = 3; /* env.v[3] is GOCOMPAT_SEED */
            json_t *t_status = json_object(), *t_outcome = json_object(), *t_detail = json_object();
            unsigned met = 0;
            bool kept_failure = false;
            for (int k = 0; k < ntrials; k++) {
                free(env.v[seed_at]);
                env.v[seed_at] = xasprintf("GOCOMPAT_SEED=%llu", ctx->seed + (unsigned long long)k);
                proc_spec s = { .argv = (const char *const *)argv, .envp = (const char *const *)env.v,
                                .cwd = x->c->dir,
                                .timeout_ms = (int)(x->c->timeout_s * 1000 * ctx->b.timeout_mult * emulated_timeout_factor(ctx, x)),
                                .capture_limit = 16384, .report_limit = 1 << 20, .interrupted = ctx->b.interrupted };
                proc_result pr;
                proc_run(&s, &pr);
                if (pr.kind == PROC_INTERRUPTED) {
                    proc_result_free(&pr);
                    sl_free(&env);
                    for (size_t i = 0; argv[i]; i++) free(argv[i]);
                    free(argv);
                    fixture_build_free(&fb);
                    json_decref(r);
                    json_decref(t_status);
                    json_decref(t_outcome);
                    json_decref(t_detail);
                    return NULL;
                }
                probe_report rep;
                report_parse(pr.report, pr.report_len, &rep);
                verdict v = judge(x->c, &pr, &rep);
                json_t *oj = outcome_json(&pr);
                const char *okind = json_string_value(json_object_get(oj, "kind"));
                char *okey = !strcmp(okind, "exit") ? xasprintf("exit %d", pr.code)
                             : !strcmp(okind, "signal") ? xasprintf("signal %s", json_string_value(json_object_get(oj, "signal")))
                                                        : xstrdup(okind);
                json_object_set_new(t_status, v.status, json_integer(json_integer_value(json_object_get(t_status, v.status)) + 1));
                json_object_set_new(t_outcome, okey, json_integer(json_integer_value(json_object_get(t_outcome, okey)) + 1));
                free(okey);
                bool passed = !strcmp(v.status, "pass");
                met += passed;
                if (!passed && v.detail)
                    json_object_set_new(t_detail, v.detail, json_integer(json_integer_value(json_object_get(t_detail, v.detail)) + 1));
                bool keep = !kept_failure && (!passed || k == ntrials - 1);
                kept_failure |= !passed;
                if (keep) {
                    set_status(ctx, r, x, v.status);
                    if (!strcmp(v.status, "error") || !strcmp(v.status, "skip")) set_str(r, "status", v.status);
                    set_str(r, "detail", v.detail);
                    json_object_set_new(r, "outcome", oj);
                    oj = NULL;
                    json_object_update(ev, rep.facts);
                    bool clean = pr.kind == PROC_EXIT && pr.code == 0;
                    if (rep.mark_name && !clean && pr.end_ns > rep.mark_ns) {
                        json_object_set_new(ev, "time_to_death_ms", json_real((double)(pr.end_ns - rep.mark_ns) / 1e6));
                        json_object_set_new(ev, "death_after", json_string(rep.mark_name));
                    }
                    json_object_set_new(ev, "rusage", rusage_json(&pr));
                    json_object_set_new(ev, "stdout_bytes", json_integer((json_int_t)pr.out.total));
                    json_object_set_new(ev, "stderr_bytes", json_integer((json_int_t)pr.err.total));
                    if (pr.leftovers) json_object_set_new(ev, "leftover_processes", json_true());
                    if (rep.junk) json_object_set_new(ev, "report_junk_lines", json_integer(rep.junk));
                    if (pr.report_truncated) json_object_set_new(ev, "report_truncated", json_true());
                    json_object_set_new(ev, "seed", json_integer((json_int_t)(ctx->seed + (unsigned long long)k)));
                    char *errtext = capture_text(&pr.err);
                    char *h = head_of(errtext, STDERR_HEAD_BYTES);
                    set_str(r, "stderr_head", h);
                    free(h);
                    free(errtext);
                }
                json_decref(oj);
                free(v.detail);
                report_free(&rep);
                proc_result_free(&pr);
            }
            if (ntrials > 1) {
                /* A measurement: it passes when every trial gave a verdict;
                 * how often the expectation was met is trials.met, and the
                 * claims ledger judges on the counts. */
                json_int_t nerr = json_integer_value(json_object_get(t_status, "error"));
                json_int_t nskip = json_integer_value(json_object_get(t_status, "skip"));
                const char *st = nerr ? "error" : nskip == ntrials ? "skip" : "pass";
                set_status(ctx, r, x, st);
                if (nerr || nskip == ntrials) set_str(r, "status", st);
                char *d = xasprintf("expectation met in %u of %d trials (seeds %llu..%llu)%s%s", met, ntrials, ctx->seed,
                                    ctx->seed + (unsigned long long)ntrials - 1, met < (unsigned)ntrials ? "; first other: " : "",
                                    met < (unsigned)ntrials ? json_string_value(json_object_get(r, "detail")) : "");
                set_str(r, "detail", d);
                free(d);
                json_object_set_new(r, "trials", json_pack("{s:i, s:I, s:i, s:O, s:O, s:O}", "n", ntrials, "seed",
                                                           (json_int_t)ctx->seed, "met", (int)met, "statuses", t_status,
                                                           "outcomes", t_outcome, "details", t_detail));
            }
            json_decref(t_status);
            json_decref(t_outcome);
            json_decref(t_detail);
            sl_free(&env);
            for (size_t i = 0; argv[i]; i++) free(argv[i]);
            free(argv);
        }
    }
    json_object_set_new(r, "duration_ms", json_real(now_ms() - t0));
    fixture_build_free(&fb);
    return r;
}
