#define _GNU_SOURCE
#include "expectations.h"
#include "record.h"
#include "util.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int expect_parse(const char *path, const char *text, expect_set *s, strlist *errs)
{
    memset(s, 0, sizeof *s);
    s->path = xstrdup(path);
    int bad = 0, lineno = 0;
    char *copy = xstrdup(text);
    char *p = copy;
    while (p && *p) {
        char *nl = strchr(p, '\n');
        if (nl) *nl = 0;
        lineno++;
        char *line = trim(p);
        p = nl ? nl + 1 : NULL;
        if (!*line || *line == '#') continue;
        strlist f = { 0 };
        sl_split(&f, line, " \t");
        char *why = NULL;
        xfail_rule r = { .line = lineno };
        if (f.n < 5) why = xstrdup("expected `GO-RANGE BUILDMODE HOST CASE https://upstream-issue`");
        else if (f.n > 5) why = xasprintf("unexpected `%s` after the link (notes go in a # comment line)", f.v[5]);
        else if (go_range_parse(f.v[0], &r.lo, &r.hi) < 0)
            why = xasprintf("bad Go version range `%s` (go1.21, go1.19..go1.22, go1.24.., ..go1.21 or *)", f.v[0]);
        else if (strcmp(f.v[1], "*") && !buildmode_known(f.v[1])) why = xasprintf("unknown build mode `%s`", f.v[1]);
        else if (strcmp(f.v[2], "*") && !host_known(f.v[2])) why = xasprintf("unknown host `%s`", f.v[2]);
        else if (strcmp(f.v[3], "*") && !strchr(f.v[3], '/'))
            why = xasprintf("`%s` is not a case id (area/name, or a glob such as panic/*)", f.v[3]);
        else if (!str_prefix(f.v[4], "https://")) why = xasprintf("an expected failure needs an upstream https:// link, got `%s`", f.v[4]);
        if (why) {
            sl_add_owned(errs, xasprintf("%s:%d: %s", path, lineno, why));
            free(why);
            free(r.lo);
            free(r.hi);
            bad++;
        } else {
            r.buildmode = xstrdup(f.v[1]);
            r.host = xstrdup(f.v[2]);
            r.link = xstrdup(f.v[4]);
            s->v = xrealloc(s->v, (s->n + 1) * sizeof *s->v);
            s->v[s->n++] = (expectation){ r, xstrdup(f.v[3]), xasprintf("%s:%d", path, lineno) };
        }
        sl_free(&f);
    }
    free(copy);
    return bad;
}

int expect_load(const char *path, expect_set *s, strlist *errs)
{
    memset(s, 0, sizeof *s);
    char *why = NULL;
    char *text = read_input(path, NULL, true, &why);
    if (!text) {
        sl_add_owned(errs, why);
        return -1;
    }
    int bad = expect_parse(path, text, s, errs);
    free(text);
    return bad;
}

void expect_free(expect_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        xfail_rule *r = &s->v[i].rule;
        free(r->lo); free(r->hi); free(r->buildmode); free(r->host); free(r->link);
        free(s->v[i].case_glob);
        free(s->v[i].where);
    }
    free(s->v);
    free(s->path);
    memset(s, 0, sizeof *s);
}

const expectation *expect_match(const expect_set *s, const char *go, const char *mode, const char *host, const char *id)
{
    for (size_t i = 0; s && i < s->n; i++) {
        const expectation *e = &s->v[i];
        if (!version_in_range(go, e->rule.lo, e->rule.hi)) continue;
        if (strcmp(e->rule.buildmode, "*") && strcmp(e->rule.buildmode, mode)) continue;
        if (strcmp(e->rule.host, "*") && strcmp(e->rule.host, host)) continue;
        if (fnmatch(e->case_glob, id, 0) != 0) continue;
        return e;
    }
    return NULL;
}

expect_set *expect_for_run(const char *path, bool disabled, const char *srcdir)
{
    if (disabled) return NULL;
    char *chosen = path ? xstrdup(path) : path_join(srcdir, "results/expectations");
    if (!path && !file_exists(chosen)) {
        free(chosen);
        return NULL;
    }
    expect_set *s = xcalloc(1, sizeof *s);
    strlist errs = { 0 };
    int bad = expect_load(chosen, s, &errs);
    if (bad < 0) gc_die(GC_EXIT_USAGE, "cannot read expectations %s", errs.n ? errs.v[0] : chosen);
    for (size_t i = 0; i < errs.n; i++) fprintf(stderr, "%s\n", errs.v[i]);
    sl_free(&errs);
    if (bad) gc_die(GC_EXIT_USAGE, "%d malformed line%s in %s; nothing was run", bad, bad == 1 ? "" : "s", chosen);
    free(chosen);
    return s;
}

static const char *sget(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "?";
}

size_t count_unexpected(json_t *records)
{
    size_t n = 0, i;
    json_t *r;
    json_array_foreach(records, i, r) n += rec_status_unexpected(rec_status_parse(json_string_value(json_object_get(r, "status"))));
    return n;
}

void print_unexpected(json_t *records)
{
    size_t i;
    json_t *r;
    json_array_foreach(records, i, r) {
        rec_status st = rec_status_parse(json_string_value(json_object_get(r, "status")));
        if (!rec_status_unexpected(st)) continue;
        const char *rule = json_string_value(json_object_get(json_object_get(r, "evidence"), "expected_failure_rule"));
        if (st == STATUS_XPASS)
            fprintf(stderr, "gocompat: XPASS %s %s %s %s: expected to fail (%s, %s) but passed\n", sget(r, "go"),
                    sget(r, "buildmode"), sget(r, "host"), sget(r, "case"), rule ? rule : "xfail rule", sget(r, "upstream"));
        else
            fprintf(stderr, "gocompat: %s %s %s %s %s: %s\n", st == STATUS_FAIL ? "FAIL" : "ERROR", sget(r, "go"),
                    sget(r, "buildmode"), sget(r, "host"), sget(r, "case"), sget(r, "detail"));
    }
}

char *status_counts(json_t *records)
{
    size_t n[STATUS_COUNT + 1] = { 0 }, i;
    json_t *r;
    json_array_foreach(records, i, r) n[rec_status_parse(json_string_value(json_object_get(r, "status")))]++;
    strbuf b;
    sb_init(&b);
    for (size_t k = 0; k < STATUS_COUNT; k++) sb_addf(&b, "%s%s %zu", k ? ", " : "", rec_status_name(k), n[k]);
    return sb_take(&b);
}
