#define _GNU_SOURCE
#include "verdict.h"

#include <stdlib.h>
#include <string.h>

static json_t *fact_value(const char *v)
{
    json_error_t je;
    json_t *j = json_loads(v, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
    return j ? j : json_string(v);
}

/* The words a probe may end its report with. */
static bool is_verdict(rec_status s) { return s == STATUS_PASS || s == STATUS_FAIL || s == STATUS_SKIP; }

void report_parse(const char *text, size_t len, probe_report *r)
{
    memset(r, 0, sizeof *r);
    r->verdict = STATUS_UNKNOWN;
    r->facts = json_object();
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) break; /* a torn last line is not trusted */
        char *line = xstrndup(p, (size_t)(nl - p));
        p = nl + 1;
        char *sp = strchr(line, ' ');
        char *word = line, *rest = sp ? sp + 1 : line + strlen(line);
        if (sp) *sp = 0;
        if (!strcmp(word, "fact") && sp) {
            char *sp2 = strchr(rest, ' ');
            if (sp2) {
                *sp2 = 0;
                json_object_set_new(r->facts, rest, fact_value(sp2 + 1));
            } else
                json_object_set_new(r->facts, rest, json_true());
            r->lines++;
        } else if (!strcmp(word, "mark") && sp) {
            /* The timestamp is the last word: a mark's name may have spaces. */
            char *sp2 = strrchr(rest, ' ');
            if (sp2) {
                *sp2 = 0;
                free(r->mark_name);
                r->mark_name = xstrdup(rest);
                r->mark_ns = atoll(sp2 + 1);
                r->lines++;
            } else
                r->junk++;
        } else if (is_verdict(rec_status_parse(word))) {
            /* The first verdict wins; a probe cannot take a failure back. */
            if (r->verdict == STATUS_UNKNOWN) {
                r->verdict = rec_status_parse(word);
                r->detail = xstrdup(rest);
            }
            r->lines++;
        } else
            r->junk++;
        free(line);
    }
}

void report_free(probe_report *r)
{
    json_decref(r->facts);
    free(r->detail);
    free(r->mark_name);
    memset(r, 0, sizeof *r);
    r->verdict = STATUS_UNKNOWN;
}

static bool want_matches(const outcome_want *w, const proc_result *pr)
{
    switch (w->kind) {
    case OUT_BUILD_FAIL: return false;
    case OUT_ANY: return pr->kind == PROC_EXIT || pr->kind == PROC_SIGNAL || pr->kind == PROC_TIMEOUT;
    case OUT_TIMEOUT: return pr->kind == PROC_TIMEOUT;
    case OUT_EXIT: return pr->kind == PROC_EXIT && (w->code < 0 ? pr->code != 0 : pr->code == w->code);
    case OUT_SIGNAL: return pr->kind == PROC_SIGNAL && (w->sig == 0 || w->sig == pr->sig);
    }
    return false;
}

static char *actual_text(const proc_result *pr)
{
    switch (pr->kind) {
    case PROC_EXIT: return xasprintf("exit %d", pr->code);
    case PROC_SIGNAL: return xasprintf("signal %s%s", signal_name(pr->sig), pr->core ? " (core)" : "");
    case PROC_TIMEOUT: return xstrdup("timeout");
    case PROC_SPAWN_FAIL: return xasprintf("not started: %s", pr->spawn_error);
    case PROC_INTERRUPTED: return xstrdup("interrupted");
    }
    return xstrdup("?");
}

verdict judge(const case_desc *c, const proc_result *pr, const probe_report *rep)
{
    verdict v = { 0 };
    char *actual = actual_text(pr);
    char *want = outcome_want_text(c);
    bool matched = false, clean_exit_wanted = false;
    for (size_t i = 0; i < c->nwant; i++) {
        if (want_matches(&c->want[i], pr)) {
            matched = true;
            clean_exit_wanted = c->want[i].kind == OUT_EXIT && c->want[i].code == 0;
            break;
        }
    }
    if (pr->kind == PROC_SPAWN_FAIL || pr->kind == PROC_INTERRUPTED) {
        v.status = STATUS_ERROR;
        v.detail = xasprintf("probe %s", actual);
    } else if (matched && pr->kind == PROC_TIMEOUT && !rep->mark_name) {
        /* Only a mark tells a hang in the call under test from a probe that
         * was merely slow to get there (under emulation, say). */
        v.status = STATUS_ERROR;
        v.detail = xstrdup("timed out before the probe marked the call expected to hang");
    } else if (rep->lines == 0 && pr->kind != PROC_TIMEOUT) {
        /* A probe that says nothing proves nothing, whatever its exit status. */
        v.status = STATUS_ERROR;
        v.detail = xasprintf("probe reported nothing (%s)", actual);
    } else if (rep->verdict == STATUS_SKIP) {
        v.status = STATUS_SKIP;
        v.detail = xstrdup(rep->detail);
    } else if (rep->verdict == STATUS_FAIL) {
        v.status = STATUS_FAIL;
        v.detail = xasprintf("%s (%s)", rep->detail, actual);
    } else if (!matched) {
        v.status = STATUS_FAIL;
        v.detail = xasprintf("wanted %s, got %s", want, actual);
    } else if (clean_exit_wanted && rep->verdict == STATUS_UNKNOWN) {
        v.status = STATUS_ERROR;
        v.detail = xstrdup("probe exited 0 without a verdict");
    } else {
        v.status = STATUS_PASS;
        v.detail = xstrdup(actual);
    }
    free(actual);
    free(want);
    return v;
}

json_t *outcome_json(const proc_result *pr)
{
    json_t *o = json_object();
    switch (pr->kind) {
    case PROC_EXIT:
        json_object_set_new(o, "kind", json_string(rec_outcome_name(OUTCOME_EXIT)));
        json_object_set_new(o, "code", json_integer(pr->code));
        break;
    case PROC_SIGNAL:
        json_object_set_new(o, "kind", json_string(rec_outcome_name(OUTCOME_SIGNAL)));
        json_object_set_new(o, "signal", json_string(signal_name(pr->sig)));
        json_object_set_new(o, "core", json_boolean(pr->core));
        break;
    case PROC_TIMEOUT:
        json_object_set_new(o, "kind", json_string(rec_outcome_name(OUTCOME_TIMEOUT)));
        break;
    default:
        json_object_set_new(o, "kind", json_string(rec_outcome_name(OUTCOME_NONE)));
        break;
    }
    return o;
}
