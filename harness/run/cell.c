#define _GNU_SOURCE
#include "cell.h"
#include "arch.h"
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
                          "area", x->c->area, "status", rec_status_name(STATUS_ERROR), "outcome", "kind", rec_outcome_name(OUTCOME_NONE), "expect", expect,
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

static void set_status(const run_ctx *ctx, json_t *r, const cell *x, rec_status status)
{
    const xfail_rule *xf = case_xfail(x->c, x->tc->version, x->run->buildmode, x->run->host);
    char *where = xf ? xasprintf("%s:%d", x->c->path, xf->line) : NULL;
    const expectation *e = xf ? NULL : expect_match(ctx->expect, x->tc->version, x->run->buildmode, x->run->host, x->c->id);
    if (e) {
        xf = &e->rule;
        where = xstrdup(e->where);
    }
    set_str(r, "status", rec_status_name(xf ? rec_status_expected_to_fail(status) : status));
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

/* How a phase left the cell: go on to the next phase, the record is
 * complete, or the cell gets no record (interrupted, or the environment
 * failed: both are left for --resume, neither is a Go result). */
typedef enum { PHASE_NEXT, PHASE_DONE, PHASE_NO_RECORD } phase_end;

static void set_skip(json_t *r, const char *detail)
{
    set_str(r, "status", rec_status_name(STATUS_SKIP));
    set_str(r, "detail", detail);
    json_object_set_new(r, "outcome", json_pack("{s:s}", "kind", rec_outcome_name(OUTCOME_UNSUPPORTED)));
}

/* Phase 1: does the cell apply to this release and arch at all? */
static phase_end cell_gate(const cell *x, json_t *r)
{
    if (!version_in_range(x->tc->version, x->c->go_lo, x->c->go_hi)) {
        set_skip(r, "case does not apply to this Go release");
        return PHASE_DONE;
    }
    if (!arch_applies(&x->c->arches, x->tc)) {
        strbuf why;
        sb_init(&why);
        sb_add(&why, "the case's expectation is written for");
        for (size_t i = 0; i < x->c->arches.n; i++)
            sb_addf(&why, "%s %s", i ? "," : "", strcmp(x->c->arches.v[i], "native") ? x->c->arches.v[i] : "the machine's own arch");
        sb_addf(&why, ", not %s%s", x->tc->goarch, x->tc->foreign ? " under an emulator" : "");
        char *detail = sb_take(&why);
        set_skip(r, detail);
        free(detail);
        return PHASE_DONE;
    }
    return PHASE_NEXT;
}

/* A build case about a build that must be refused (and how). */
static void record_refusal(const run_ctx *ctx, const cell *x, const fixture_build *fb, const char *berr, json_t *r)
{
    json_t *ev = json_object_get(r, "evidence");
    char *line = first_line(berr ? berr : "");
    bool failed = fb->status == BUILD_FAIL || fb->status == BUILD_UNSUPPORTED;
    set_status(ctx, r, x, failed ? STATUS_PASS : STATUS_FAIL);
    json_object_set_new(r, "outcome", json_pack("{s:s}", "kind", rec_outcome_name(failed ? OUTCOME_BUILD_FAIL : OUTCOME_EXIT)));
    if (!failed) json_object_set_new(json_object_get(r, "outcome"), "code", json_integer(0));
    char *d = failed ? xasprintf("refused: %s", line) : xstrdup("built, but the build was expected to fail");
    set_str(r, "detail", d);
    if (failed) json_object_set_new(ev, "build_error", json_string(line));
    free(d);
    free(line);
}

static void record_build_failure(const run_ctx *ctx, const cell *x, const fixture_build *fb, const char *berr, json_t *r)
{
    char *line = first_line(berr ? berr : "");
    if (fb->status == BUILD_UNSUPPORTED) {
        set_str(r, "status", rec_status_name(STATUS_SKIP));
        json_object_set_new(r, "outcome", json_pack("{s:s}", "kind", rec_outcome_name(OUTCOME_UNSUPPORTED)));
    } else if (fb->status == BUILD_FAIL) {
        set_status(ctx, r, x, STATUS_FAIL);
        json_object_set_new(r, "outcome", json_pack("{s:s}", "kind", rec_outcome_name(OUTCOME_BUILD_FAIL)));
    } else {
        set_str(r, "status", rec_status_name(STATUS_ERROR));
        json_object_set_new(r, "outcome", json_pack("{s:s}", "kind", rec_outcome_name(OUTCOME_BUILD_FAIL)));
    }
    char *d = xasprintf("%s%s", x->c->build_only ? "" : "fixture did not build: ", line);
    set_str(r, "detail", d);
    free(d);
    free(line);
}

/* Phase 2: the fixture. A build case is complete after it. */
static phase_end cell_build(const run_ctx *ctx, const cell *x, json_t *r, fixture_build *fb, char **env_fault)
{
    fixture_build_ensure(&ctx->b, x->tc, x->c->fixture, x->run->buildmode, &x->c->buildflags, &x->c->buildenv, fb);
    const char *berr = json_string_value(json_object_get(fb->info, "stderr_head"));
    if (fb->status == BUILD_INTERRUPTED) return PHASE_NO_RECORD;
    if (fb->status == BUILD_ENVIRONMENT) {
        char *line = first_line(berr ? berr : "");
        *env_fault = xasprintf("building %s for %s %s failed for a reason outside Go: %s", x->c->fixture, x->tc->version,
                               x->run->buildmode, line);
        free(line);
        return PHASE_NO_RECORD;
    }
    json_object_set_new(json_object_get(r, "evidence"), "build", build_evidence(fb));
    if (berr) {
        char *h = head_of(berr, STDERR_HEAD_BYTES);
        set_str(r, "stderr_head", h);
        free(h);
    }
    bool want_build_fail = false;
    for (size_t i = 0; i < x->c->nwant; i++) want_build_fail |= x->c->want[i].kind == OUT_BUILD_FAIL;
    if (x->c->build_only && want_build_fail && fb->status != BUILD_ERROR) {
        record_refusal(ctx, x, fb, berr, r);
        return PHASE_DONE;
    }
    if (fb->status != BUILD_OK) {
        record_build_failure(ctx, x, fb, berr, r);
        return PHASE_DONE;
    }
    if (x->c->build_only) {
        set_status(ctx, r, x, STATUS_PASS);
        set_str(r, "detail", fb->cached ? "built (cached)" : "built");
        json_object_set_new(r, "outcome", json_pack("{s:s, s:i}", "kind", rec_outcome_name(OUTCOME_EXIT), "code", 0));
        return PHASE_DONE;
    }
    return PHASE_NEXT;
}

/* Phase 3: the host that loads the fixture. */
static phase_end cell_prepare(const run_ctx *ctx, const cell *x, const fixture_build *fb, json_t *r, char ***argv,
                              char **env_fault)
{
    char *why = NULL;
    bool harness_fault = false, skip = false;
    *argv = host_prepare(ctx, x, fb, json_object_get(r, "evidence"), &why, &harness_fault, &skip);
    if (*argv) return PHASE_NEXT;
    phase_end e = PHASE_DONE;
    char *env_line = !skip && why ? build_output_environment(why) : NULL;
    if (skip) {
        set_skip(r, why);
    } else if (ctx->b.interrupted && *ctx->b.interrupted) {
        e = PHASE_NO_RECORD;
    } else if (env_line) {
        *env_fault = xasprintf("building the %s host for %s failed for a reason outside Go: %s", x->run->host, x->c->id, env_line);
        e = PHASE_NO_RECORD;
    } else {
        set_str(r, "status", rec_status_name(harness_fault ? STATUS_ERROR : STATUS_FAIL));
        if (!harness_fault) set_status(ctx, r, x, STATUS_FAIL);
        json_object_set_new(r, "outcome", json_pack("{s:s}", "kind", rec_outcome_name(OUTCOME_BUILD_FAIL)));
        char *line = first_line(why ? why : "");
        char *d = xasprintf("host build failed: %s", line);
        set_str(r, "detail", d);
        char *h = head_of(why ? why : "", STDERR_HEAD_BYTES);
        set_str(r, "stderr_head", h);
        free(h);
        free(d);
        free(line);
    }
    free(env_line);
    free(why);
    return e;
}

/* Each trial gets a scratch folder of its own as TMPDIR, removed when the
 * probe has ended: what a probe, its children or a broken runtime leave in
 * the temp folder (a -linkshared program under go1.21 creates thousands of
 * files there) goes with it. NULL when none could be made; the probe then
 * shares the system's. */
static char *scratch_dir(void)
{
    const char *base = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char *dir = xasprintf("%s/gocompat-cell-XXXXXX", base);
    if (mkdtemp(dir)) return dir;
    free(dir);
    return NULL;
}

static void probe_environment(const run_ctx *ctx, const cell *x, const fixture_build *fb, unsigned long long seed,
                              const char *scratch, strlist *env)
{
    sl_add(env, "PATH=/usr/local/bin:/usr/bin:/bin");
    if (scratch) sl_add_owned(env, xasprintf("TMPDIR=%s", scratch));
    sl_add_owned(env, xasprintf("HOME=%s", getenv("HOME") ? getenv("HOME") : "/tmp"));
    sl_add(env, "LC_ALL=C");
    sl_add_owned(env, xasprintf("GOCOMPAT_SEED=%llu", seed));
    sl_add_owned(env, xasprintf("PYTHONPATH=%s/probe", ctx->b.srcdir));
    sl_add(env, "PYTHONDONTWRITEBYTECODE=1");
    probe_env(ctx, x, fb, env);
    for (size_t i = 0; i < x->c->env.n; i++) sl_add(env, x->c->env.v[i]);
    sl_add_owned(env, NULL);
    env->n--;
}

/* Adds a probe's facts to evidence the harness has written already: a
 * fact named like one of those is kept as probe_NAME, never overwriting
 * the harness's own. */
static void add_facts(json_t *ev, json_t *facts)
{
    const char *k;
    json_t *v;
    json_object_foreach(facts, k, v) {
        char *name = json_object_get(ev, k) ? xasprintf("probe_%s", k) : xstrdup(k);
        json_object_set(ev, name, v);
        free(name);
    }
}

/* What one run of the probe did, judged, into the record. */
static void record_run(const run_ctx *ctx, const cell *x, const proc_result *pr, const probe_report *rep,
                       const verdict *v, unsigned long long seed, json_t *r)
{
    json_t *ev = json_object_get(r, "evidence");
    set_status(ctx, r, x, v->status);
    if (v->status == STATUS_ERROR || v->status == STATUS_SKIP) set_str(r, "status", rec_status_name(v->status));
    set_str(r, "detail", v->detail);
    json_object_set_new(r, "outcome", outcome_json(pr));
    bool clean = pr->kind == PROC_EXIT && pr->code == 0;
    if (rep->mark_name && !clean && pr->end_ns > rep->mark_ns) {
        json_object_set_new(ev, "time_to_death_ms", json_real((double)(pr->end_ns - rep->mark_ns) / 1e6));
        json_object_set_new(ev, "death_after", json_string(rep->mark_name));
    }
    json_object_set_new(ev, "rusage", rusage_json(pr));
    json_object_set_new(ev, "stdout_bytes", json_integer((json_int_t)pr->out.total));
    json_object_set_new(ev, "stderr_bytes", json_integer((json_int_t)pr->err.total));
    if (pr->leftovers) json_object_set_new(ev, "leftover_processes", json_true());
    if (rep->junk) json_object_set_new(ev, "report_junk_lines", json_integer(rep->junk));
    if (pr->report_truncated) json_object_set_new(ev, "report_truncated", json_true());
    json_object_set_new(ev, "seed", json_integer((json_int_t)seed));
    add_facts(ev, rep->facts);
    char *errtext = capture_text(&pr->err);
    char *h = head_of(errtext, STDERR_HEAD_BYTES);
    set_str(r, "stderr_head", h);
    free(h);
    free(errtext);
}

/* A case of N trials runs the probe N times with seeds seed, seed+1, …:
 * the record counts each trial's status, outcome and (for a trial that did
 * not pass) detail, and keeps the fields of the first trial that did not
 * pass, else of the last. */
typedef struct {
    int n;
    unsigned met;
    bool kept_failure;
    json_t *statuses, *outcomes, *details; /* name -> count */
} trials;

static void count_up(json_t *o, const char *k) { json_object_set_new(o, k, json_integer(json_integer_value(json_object_get(o, k)) + 1)); }

static int trial_count(const cell *x)
{
    int n = x->c->trials > 1 ? x->c->trials : 1;
    const char *cap = getenv("GOCOMPAT_MAX_TRIALS");
    if (n > 1 && cap && atoi(cap) > 0 && atoi(cap) < n) n = atoi(cap);
    return n;
}

static void count_trial(trials *t, const verdict *v, const proc_result *pr)
{
    json_t *oj = outcome_json(pr);
    const char *okind = json_string_value(json_object_get(oj, "kind"));
    char *okey = !strcmp(okind, "exit") ? xasprintf("exit %d", pr->code)
                 : !strcmp(okind, "signal") ? xasprintf("signal %s", json_string_value(json_object_get(oj, "signal")))
                                            : xstrdup(okind);
    count_up(t->statuses, rec_status_name(v->status));
    count_up(t->outcomes, okey);
    bool passed = v->status == STATUS_PASS;
    t->met += passed;
    if (!passed && v->detail) count_up(t->details, v->detail);
    free(okey);
    json_decref(oj);
}

/* A measurement: it passes when every trial gave a verdict; how often the
 * expectation was met is trials.met, and the claims ledger judges on the
 * counts. */
static void record_trials(const run_ctx *ctx, const cell *x, const trials *t, json_t *r)
{
    json_int_t nerr = json_integer_value(json_object_get(t->statuses, rec_status_name(STATUS_ERROR)));
    json_int_t nskip = json_integer_value(json_object_get(t->statuses, rec_status_name(STATUS_SKIP)));
    rec_status st = nerr ? STATUS_ERROR : nskip == t->n ? STATUS_SKIP : STATUS_PASS;
    set_status(ctx, r, x, st);
    if (nerr || nskip == t->n) set_str(r, "status", rec_status_name(st));
    bool all = t->met == (unsigned)t->n;
    char *d = xasprintf("expectation met in %u of %d trials (seeds %llu..%llu)%s%s", t->met, t->n, ctx->seed,
                        ctx->seed + (unsigned long long)t->n - 1, all ? "" : "; first other: ",
                        all ? "" : json_string_value(json_object_get(r, "detail")));
    set_str(r, "detail", d);
    free(d);
    json_object_set_new(r, "trials", json_pack("{s:i, s:I, s:i, s:O, s:O, s:O}", "n", t->n, "seed", (json_int_t)ctx->seed,
                                               "met", (int)t->met, "statuses", t->statuses, "outcomes", t->outcomes,
                                               "details", t->details));
}

/* Trial k: the probe in its sandbox. */
static phase_end run_trial(const run_ctx *ctx, const cell *x, const fixture_build *fb, char **argv, int k, trials *t,
                           json_t *r)
{
    unsigned long long seed = ctx->seed + (unsigned long long)k;
    strlist env = { 0 };
    char *scratch = scratch_dir();
    probe_environment(ctx, x, fb, seed, scratch, &env);
    proc_spec s = { .argv = (const char *const *)argv, .envp = (const char *const *)env.v, .cwd = x->c->dir,
                    .timeout_ms = proc_deadline_ms(x->c->timeout_s * 1000.0 * ctx->b.timeout_mult * emulated_timeout_factor(ctx, x)),
                    .capture_limit = 16384, .report_limit = 1 << 20, .interrupted = ctx->b.interrupted };
    proc_result pr;
    proc_run(&s, &pr);
    if (scratch) rm_rf(scratch);
    free(scratch);
    phase_end e = pr.kind == PROC_INTERRUPTED ? PHASE_NO_RECORD : PHASE_DONE;
    if (e == PHASE_DONE) {
        probe_report rep;
        report_parse(pr.report, pr.report_len, &rep);
        verdict v = judge(x->c, &pr, &rep);
        count_trial(t, &v, &pr);
        bool passed = v.status == STATUS_PASS;
        if (!t->kept_failure && (!passed || k == t->n - 1)) record_run(ctx, x, &pr, &rep, &v, seed, r);
        t->kept_failure |= !passed;
        free(v.detail);
        report_free(&rep);
    }
    proc_result_free(&pr);
    sl_free(&env);
    return e;
}

/* Phase 4: the probe in its sandbox, once or for each trial. */
static phase_end cell_run(const run_ctx *ctx, const cell *x, const fixture_build *fb, char **argv, json_t *r)
{
    trials t = { .n = trial_count(x), .statuses = json_object(), .outcomes = json_object(), .details = json_object() };
    phase_end e = PHASE_DONE;
    for (int k = 0; k < t.n && e == PHASE_DONE; k++) e = run_trial(ctx, x, fb, argv, k, &t, r);
    if (e == PHASE_DONE && t.n > 1) record_trials(ctx, x, &t, r);
    json_decref(t.statuses);
    json_decref(t.outcomes);
    json_decref(t.details);
    return e;
}

json_t *cell_execute(const run_ctx *ctx, const cell *x, char **env_fault)
{
    *env_fault = NULL;
    json_t *r = record_new(x);
    if (cell_gate(x, r) == PHASE_DONE) return r;
    double t0 = now_ms();
    fixture_build fb = { 0 };
    char **argv = NULL;
    phase_end e = cell_build(ctx, x, r, &fb, env_fault);
    if (e == PHASE_NEXT) e = cell_prepare(ctx, x, &fb, r, &argv, env_fault);
    if (e == PHASE_NEXT) e = cell_run(ctx, x, &fb, argv, r);
    /* The one cleanup path, whichever phase ended the cell. */
    for (size_t i = 0; argv && argv[i]; i++) free(argv[i]);
    free(argv);
    fixture_build_free(&fb);
    if (e == PHASE_NO_RECORD) {
        json_decref(r);
        return NULL;
    }
    json_object_set_new(r, "duration_ms", json_real(now_ms() - t0));
    return r;
}
