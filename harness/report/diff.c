#define _GNU_SOURCE
#include "diff.h"
#include "record.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

bool release_matches(const char *v, const char *want)
{
    if (str_prefix(v, "go")) v += 2;
    if (str_prefix(want, "go")) want += 2;
    size_t n = strlen(want);
    return n && !strncmp(v, want, n) && (v[n] == 0 || v[n] == '.' || v[n] == 'r' || v[n] == 'b');
}

/* Evidence keys that differ from run to run by nature: where things were
 * built, resource use, the seed, byte counts. */
static bool volatile_key(const char *k)
{
    static const char *const skip[] = { "build", "rusage", "host_binary", "seed", "stdout_bytes", "stderr_bytes",
                                        "report_junk_lines", "report_truncated", "expected_failure_rule" };
    for (size_t i = 0; i < GC_ARRAY_LEN(skip); i++)
        if (!strcmp(k, skip[i])) return true;
    return false;
}

/* Measurements (timings, rates, auto-scaled iteration counts, memory):
 * they move from run to run, so they are not compared. */
static bool timing_key(const char *k)
{
    static const char *const parts[] = { "_ns", "_ms", "_us", "_per_", "duration", "batch", "iterations", "elapsed",
                                         "rss", "ticks", "threads", "vmsize", "_kb" };
    for (size_t i = 0; i < GC_ARRAY_LEN(parts); i++)
        if (strstr(k, parts[i])) return true;
    static const char *const units[] = { "ms", "ns", "us", "s", "seconds", "time" };
    for (size_t i = 0; i < GC_ARRAY_LEN(units); i++)
        if (!strcmp(k, units[i])) return true;
    /* thread and process ids differ from run to run */
    return str_suffix(k, "_s") || str_suffix(k, "tid") || str_suffix(k, "pid");
}

/* A string with the record's own Go version replaced, so "go1.22.12" and
 * "go1.27.3" in a runtime.Version() fact compare equal across releases. */
static char *norm(const char *s, const char *go)
{
    strbuf b;
    sb_init(&b);
    size_t n = strlen(go);
    const char *p = s, *q;
    while (n && (q = strstr(p, go))) {
        sb_addn(&b, p, (size_t)(q - p));
        sb_add(&b, "$GOVERSION");
        p = q + n;
    }
    sb_add(&b, p);
    /* Build folders carry a hash of the build: 16 hex digits. */
    char *t = sb_take(&b);
    for (char *q = t; *q; q++) {
        size_t n = strspn(q, "0123456789abcdef");
        if (n == 16 && (q == t || !isxdigit((unsigned char)q[-1]))) {
            memset(q, '#', 16);
            q += 15;
        } else if (n > 1)
            q += n - 1;
    }
    return t;
}

static bool all_strings(json_t *a)
{
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) if (!json_is_string(v)) return false;
    return true;
}

static bool in_array(json_t *a, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) if (!strcmp(json_string_value(v), s)) return true;
    return false;
}

typedef struct { const char *go_old, *go_new; const diff_opts *o; json_t *out; } evctx;

static void ev_change(evctx *c, const char *key, json_t *old, json_t *new_)
{
    json_t *e = json_pack("{s:s}", "key", key);
    json_object_set(e, "old", old ? old : json_null());
    json_object_set(e, "new", new_ ? new_ : json_null());
    if (old && new_ && json_is_array(old) && json_is_array(new_) && all_strings(old) && all_strings(new_)) {
        json_t *add = json_array(), *rem = json_array();
        size_t i;
        json_t *v;
        json_array_foreach(new_, i, v) if (!in_array(old, json_string_value(v))) json_array_append(add, v);
        json_array_foreach(old, i, v) if (!in_array(new_, json_string_value(v))) json_array_append(rem, v);
        json_object_set_new(e, "added", add);
        json_object_set_new(e, "removed", rem);
    }
    json_array_append_new(c->out, e);
}

static void ev_compare(evctx *c, const char *prefix, json_t *a, json_t *b)
{
    const char *k;
    json_t *va;
    /* Keys in the old evidence, then keys only in the new. */
    for (int pass = 0; pass < 2; pass++) {
        json_t *from = pass ? b : a, *other = pass ? a : b;
        json_object_foreach(from, k, va) {
            if (volatile_key(k)) continue;
            json_t *vb = json_object_get(other, k);
            if (pass && vb) continue;
            char *key = *prefix ? xasprintf("%s.%s", prefix, k) : xstrdup(k);
            json_t *o = pass ? vb : va, *n = pass ? va : vb;
            if (!o || !n) {
                if (!timing_key(k)) ev_change(c, key, o, n);
            } else if (json_is_object(o) && json_is_object(n)) {
                ev_compare(c, key, o, n);
            } else if (!strcmp(k, "time_to_death_ms") && json_is_number(o) && json_is_number(n)) {
                double x = json_number_value(o), y = json_number_value(n);
                if (fabs(y - x) > c->o->ttd_abs_ms && fabs(y - x) > c->o->ttd_rel * fabs(x)) ev_change(c, key, o, n);
            } else if (timing_key(k) && (json_is_number(o) || json_is_array(o)) && (json_is_number(n) || json_is_array(n))) {
                /* measurements: noise, not a change */
            } else if (json_is_string(o) && json_is_string(n)) {
                const char *x = json_string_value(o), *y = json_string_value(n);
                bool paths = x[0] == '/' && y[0] == '/';
                char *nx = norm(x, c->go_old), *ny = norm(y, c->go_new);
                if (!paths && strcmp(nx, ny)) ev_change(c, key, o, n);
                free(nx);
                free(ny);
            } else if (json_is_array(o) && json_is_array(n) && all_strings(o) && all_strings(n)) {
                /* symbol lists, declarations: compared as sets */
                bool same = json_array_size(o) == json_array_size(n);
                size_t i;
                json_t *v;
                json_array_foreach(o, i, v) same = same && in_array(n, json_string_value(v));
                if (!same) ev_change(c, key, o, n);
            } else if (!json_equal(o, n)) {
                ev_change(c, key, o, n);
            }
            free(key);
        }
    }
}

static json_t *evidence_of(const rrec *r)
{
    json_t *j = json_loads(r->json, 0, NULL);
    json_t *ev = json_incref(json_object_get(j, "evidence"));
    json_decref(j);
    return ev ? ev : json_object();
}

static char *match_key(const rrec *r, bool with_go)
{
    return with_go ? xasprintf("%s|%s|%s|%s|%s", r->go, r->goarch, r->buildmode, r->host, r->kase)
                   : xasprintf("%s|%s|%s|%s", r->goarch, r->buildmode, r->host, r->kase);
}


static char *gos_text(const rmodel *m)
{
    strbuf b;
    sb_init(&b);
    for (size_t i = 0; i < m->gos.n; i++) sb_addf(&b, "%s%s", i ? ", " : "", m->gos.v[i]);
    if (!b.s) sb_add(&b, "no records");
    return sb_take(&b);
}

static json_t *cell_json(const char *kind, bool regression, const rrec *a, const rrec *b)
{
    const rrec *r = b ? b : a;
    json_t *c = json_pack("{s:s, s:b, s:s, s:s, s:s, s:s, s:s}", "kind", kind, "regression", regression, "case", r->kase,
                          "area", r->area, "host", r->host, "buildmode", r->buildmode, "goarch", r->goarch);
    if (a)
        json_object_set_new(c, "old", json_pack("{s:s, s:s, s:s, s:s, s:s}", "go", a->go, "status", a->status, "outcome",
                                                a->outcome, "detail", a->detail, "record", a->id));
    if (b)
        json_object_set_new(c, "new", json_pack("{s:s, s:s, s:s, s:s, s:s}", "go", b->go, "status", b->status, "outcome",
                                                b->outcome, "detail", b->detail, "record", b->id));
    if (b && *b->stderr_head) json_object_set_new(json_object_get(c, "new"), "stderr_head", json_string(b->stderr_head));
    return c;
}

/* One comparison in progress: how cells are matched, the changes found
 * and their counts. */
typedef struct {
    const rmodel *A, *B;
    const diff_opts *o;
    bool across;            /* matched across releases, one release a side */
    const char *from, *to;  /* those two releases, when across */
    json_t *changes;
    size_t reg, fixed, status, ev, added, removed, same;
} diff_run;

/* How to match: cell by cell when both hold the same releases, across
 * releases when --from/--to name them or each side holds one. -1 with
 * *err set when neither applies. */
static int match_mode(diff_run *d, char **err)
{
    const rmodel *A = d->A, *B = d->B;
    bool same_gos = A->gos.n == B->gos.n;
    for (size_t i = 0; same_gos && i < A->gos.n; i++) same_gos = !strcmp(A->gos.v[i], B->gos.v[i]);
    if (d->o->from || d->o->to) {
        if (!d->o->from || !d->o->to) {
            *err = xstrdup("--from and --to go together (one release of OLD against one of NEW)");
            return -1;
        }
        d->across = true;
    } else if (same_gos) {
        d->across = false;
    } else if (A->gos.n == 1 && B->gos.n == 1) {
        d->across = true;
    } else {
        char *ga = gos_text(A), *gb = gos_text(B);
        *err = xasprintf("OLD holds %s and NEW holds %s: name the two releases to compare with --from and --to", ga, gb);
        free(ga);
        free(gb);
        return -1;
    }
    return 0;
}

/* The one release of M that WANT names (any, when NULL) into *got; -1
 * with *err set when none or several do. */
static int one_release(const rmodel *m, const char *want, const char **got, char **err)
{
    *got = NULL;
    for (size_t g = 0; g < m->gos.n; g++) {
        if (want && !release_matches(m->gos.v[g], want)) continue;
        if (*got) {
            *err = xasprintf("%s matches both %s and %s in %s; name the release exactly", want, *got, m->gos.v[g], m->path);
            return -1;
        }
        *got = m->gos.v[g];
    }
    if (!*got) {
        char *gt = gos_text(m);
        *err = xasprintf("%s has no records for %s (it holds %s)", m->path, want ? want : "any release", gt);
        free(gt);
        return -1;
    }
    return 0;
}

/* A cell on both sides: its status change, else its evidence change. */
static void compare_cell(diff_run *d, const rrec *a, const rrec *b)
{
    json_t *evc = json_array();
    /* Evidence is compared when both probes ran to a verdict; a cell
     * that is skipped on one side has nothing to compare. */
    if (rec_status_met(a->st) >= 0 && rec_status_met(b->st) >= 0) {
        evctx ec = { a->go, b->go, d->o, evc };
        json_t *ea = evidence_of(a), *eb = evidence_of(b);
        ev_compare(&ec, "", ea, eb);
        json_decref(ea);
        json_decref(eb);
    }
    if (a->st != b->st) {
        int ma = rec_status_met(a->st), mb = rec_status_met(b->st);
        bool reg = ma == 1 && (mb == 0 || b->st == STATUS_ERROR);
        bool fixed = (ma == 0 || a->st == STATUS_ERROR) && mb == 1;
        const char *kind = reg ? "regression" : fixed ? "fixed" : "status";
        json_t *c = cell_json(kind, reg, a, b);
        if (json_array_size(evc)) json_object_set(c, "evidence", evc);
        json_array_append_new(d->changes, c);
        d->reg += reg;
        d->fixed += fixed;
        d->status += !reg && !fixed;
    } else if (json_array_size(evc)) {
        json_t *c = cell_json("evidence", false, a, b);
        json_object_set(c, "evidence", evc);
        json_array_append_new(d->changes, c);
        d->ev++;
    } else
        d->same++;
    json_decref(evc);
}

/* Every cell of NEW against its match in OLD (IDX: match key -> index in
 * OLD); the keys matched go into SEEN. */
static void compare_new(diff_run *d, json_t *idx, json_t *seen)
{
    for (size_t i = 0; i < d->B->n; i++) {
        const rrec *b = &d->B->v[i];
        if (d->across && strcmp(b->go, d->to)) continue;
        char *k = match_key(b, !d->across);
        json_t *ai = json_object_get(idx, k);
        if (!ai) {
            bool reg = b->st == STATUS_FAIL || b->st == STATUS_ERROR;
            json_array_append_new(d->changes, cell_json(reg ? "new-failing" : "new", reg, NULL, b));
            d->added++;
            d->reg += reg;
        } else {
            json_object_set_new(seen, k, json_true());
            compare_cell(d, &d->A->v[json_integer_value(ai)], b);
        }
        free(k);
    }
}

/* The cells of OLD that took part, by match key. */
static json_t *index_old(const diff_run *d)
{
    json_t *idx = json_object();
    for (size_t i = 0; i < d->A->n; i++) {
        if (d->across && strcmp(d->A->v[i].go, d->from)) continue;
        char *k = match_key(&d->A->v[i], !d->across);
        json_object_set_new(idx, k, json_integer((json_int_t)i));
        free(k);
    }
    return idx;
}

static void list_removed(diff_run *d, json_t *seen)
{
    for (size_t i = 0; i < d->A->n; i++) {
        const rrec *a = &d->A->v[i];
        if (d->across && strcmp(a->go, d->from)) continue;
        char *k = match_key(a, !d->across);
        if (!json_object_get(seen, k)) {
            json_array_append_new(d->changes, cell_json("removed", false, a, NULL));
            d->removed++;
        }
        free(k);
    }
}

/* The diff document; takes the reference to d->changes. */
static json_t *diff_document(const diff_run *d)
{
    char *ga = gos_text(d->A), *gb = gos_text(d->B);
    json_t *doc = json_pack(
        "{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s}, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I}, s:o}", "schema", "gocompat.diff/1",
        "match", d->across ? "across releases by case, host, build mode and goarch" : "by cell (release, goarch, build mode, host, case)",
        "old", "path", d->A->path, "releases", d->across ? d->from : ga, "new", "path", d->B->path, "releases",
        d->across ? d->to : gb, "counts", "regressions", (json_int_t)d->reg, "fixed", (json_int_t)d->fixed, "status_changes",
        (json_int_t)d->status, "evidence_changes", (json_int_t)d->ev, "new_cells", (json_int_t)d->added, "removed_cells",
        (json_int_t)d->removed, "unchanged", (json_int_t)d->same, "changes", d->changes);
    free(ga);
    free(gb);
    return doc;
}

json_t *matrix_diff(const rmodel *A, const rmodel *B, const diff_opts *o, char **err)
{
    *err = NULL;
    diff_run d = { .A = A, .B = B, .o = o, .from = o->from, .to = o->to };
    if (match_mode(&d, err) < 0) return NULL;
    /* Each side must hold exactly one release when compared across releases. */
    if (d.across && (one_release(A, o->from, &d.from, err) < 0 || one_release(B, o->to, &d.to, err) < 0)) return NULL;
    json_t *idx = index_old(&d), *seen = json_object();
    d.changes = json_array();
    compare_new(&d, idx, seen);
    list_removed(&d, seen);
    json_decref(idx);
    json_decref(seen);
    return diff_document(&d);
}

static const char *jstr(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static size_t count(const json_t *d, const char *k) { return (size_t)json_integer_value(json_object_get(json_object_get(d, "counts"), k)); }

static void md_json(FILE *f, json_t *v)
{
    if (!v || json_is_null(v)) {
        fputs("—", f);
        return;
    }
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    fputc('`', f);
    for (char *p = s; *p; p++) fputs(*p == '|' ? "\\|" : *p == '`' ? "'" : (char[]){ *p, 0 }, f);
    fputc('`', f);
    free(s);
}

static void md_section(FILE *f, const json_t *d, const char *title, const char *const kinds[])
{
    size_t i, n = 0;
    json_t *c;
    json_array_foreach(json_object_get(d, "changes"), i, c) {
        bool want = false;
        for (size_t k = 0; kinds[k]; k++) want |= !strcmp(jstr(c, "kind"), kinds[k]);
        if (!want) continue;
        if (!n++)
            fprintf(f, "\n## %s\n\n| case | host | buildmode | goarch | old | new | detail |\n|---|---|---|---|---|---|---|\n",
                    title);
        json_t *a = json_object_get(c, "old"), *b = json_object_get(c, "new");
        fprintf(f, "| %s | %s | %s | %s | ", jstr(c, "case"), jstr(c, "host"), jstr(c, "buildmode"), jstr(c, "goarch"));
        if (a) fprintf(f, "%s %s (%s)", jstr(a, "go"), jstr(a, "status"), jstr(a, "outcome"));
        else fputs("—", f);
        fputs(" | ", f);
        if (b) fprintf(f, "%s %s (%s)", jstr(b, "go"), jstr(b, "status"), jstr(b, "outcome"));
        else fputs("—", f);
        fputs(" | ", f);
        md_cell(f, jstr(b ? b : a, "detail"));
        fputs(" |\n", f);
    }
}

void diff_render_md(const json_t *d, FILE *f)
{
    json_t *a = json_object_get(d, "old"), *b = json_object_get(d, "new");
    fprintf(f, "# gocompat diff\n\nOld: `%s` (%s). New: `%s` (%s). Cells matched %s.\n\n", jstr(a, "path"),
            jstr(a, "releases"), jstr(b, "path"), jstr(b, "releases"), jstr(d, "match"));
    fprintf(f, "**%zu regression%s**, %zu fixed, %zu other status change%s, %zu evidence change%s, %zu new cell%s, "
               "%zu removed cell%s, %zu unchanged.\n",
            count(d, "regressions"), count(d, "regressions") == 1 ? "" : "s", count(d, "fixed"), count(d, "status_changes"),
            count(d, "status_changes") == 1 ? "" : "s", count(d, "evidence_changes"),
            count(d, "evidence_changes") == 1 ? "" : "s", count(d, "new_cells"), count(d, "new_cells") == 1 ? "" : "s",
            count(d, "removed_cells"), count(d, "removed_cells") == 1 ? "" : "s", count(d, "unchanged"));
    md_section(f, d, "Regressions", (const char *const[]){ "regression", NULL });
    md_section(f, d, "New cells that fail", (const char *const[]){ "new-failing", NULL });
    md_section(f, d, "Fixed", (const char *const[]){ "fixed", NULL });
    md_section(f, d, "Other status changes", (const char *const[]){ "status", NULL });
    md_section(f, d, "New cells", (const char *const[]){ "new", NULL });
    md_section(f, d, "Removed cells", (const char *const[]){ "removed", NULL });
    size_t i, n = 0;
    json_t *c;
    json_array_foreach(json_object_get(d, "changes"), i, c) {
        json_t *ev = json_object_get(c, "evidence");
        size_t k;
        json_t *e;
        json_array_foreach(ev, k, e) {
            if (!n++)
                fprintf(f, "\n## Evidence changes\n\n| release | case | host | buildmode | fact | old | new |\n"
                           "|---|---|---|---|---|---|---|\n");
            /* A release and arch per row: one case's facts change in many cells. */
            const json_t *side = json_object_get(c, "new") ? json_object_get(c, "new") : json_object_get(c, "old");
            const char *go = jstr(side, "go");
            bool has_arch = strchr(go, '/') != NULL; /* a foreign column's label carries its arch already */
            fprintf(f, "| %s%s%s | %s | %s | %s | %s | ", go, has_arch ? "" : "/", has_arch ? "" : jstr(c, "goarch"),
                    jstr(c, "case"), jstr(c, "host"), jstr(c, "buildmode"), jstr(e, "key"));
            if (json_object_get(e, "added")) {
                fputs("removed: ", f);
                md_json(f, json_object_get(e, "removed"));
                fputs(" | added: ", f);
                md_json(f, json_object_get(e, "added"));
            } else {
                md_json(f, json_object_get(e, "old"));
                fputs(" | ", f);
                md_json(f, json_object_get(e, "new"));
            }
            fputs(" |\n", f);
        }
    }
}

void diff_render_junit(const json_t *d, FILE *f)
{
    json_t *changes = json_object_get(d, "changes");
    size_t i, fails = 0;
    json_t *c;
    json_array_foreach(changes, i, c) fails += json_is_true(json_object_get(c, "regression"));
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"gocompat diff\" tests=\"%zu\" failures=\"%zu\">\n",
            json_array_size(changes) + 1, fails);
    fprintf(f, "  <testsuite name=\"");
    xml_escape(f, jstr(json_object_get(d, "old"), "releases"));
    fputs(" -&gt; ", f);
    xml_escape(f, jstr(json_object_get(d, "new"), "releases"));
    fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\">\n", json_array_size(changes) + 1, fails);
    fprintf(f, "    <testcase classname=\"gocompat.diff\" name=\"%zu unchanged cells\"/>\n", count(d, "unchanged"));
    json_array_foreach(changes, i, c) {
        fputs("    <testcase classname=\"gocompat.diff.", f);
        xml_escape(f, jstr(c, "case"));
        fputs("\" name=\"", f);
        xml_escape(f, jstr(c, "host"));
        fputs(" [", f);
        xml_escape(f, jstr(c, "buildmode"));
        fputs("] ", f);
        xml_escape(f, jstr(c, "kind"));
        fputs("\">", f);
        json_t *a = json_object_get(c, "old"), *b = json_object_get(c, "new");
        char *what = xasprintf("%s %s -> %s %s", a ? jstr(a, "go") : "-", a ? jstr(a, "status") : "absent",
                               b ? jstr(b, "go") : "-", b ? jstr(b, "status") : "absent");
        if (json_is_true(json_object_get(c, "regression"))) {
            fputs("<failure type=\"regression\" message=\"", f);
            xml_escape(f, what);
            fputs("\">", f);
            xml_escape(f, jstr(b, "detail"));
            if (*jstr(b, "stderr_head")) {
                fputs("\nstderr (head):\n", f);
                xml_escape(f, jstr(b, "stderr_head"));
            }
            fputs("</failure>", f);
        } else {
            fputs("<system-out>", f);
            xml_escape(f, what);
            json_t *ev = json_object_get(c, "evidence");
            size_t k;
            json_t *e;
            json_array_foreach(ev, k, e) {
                char *o = json_dumps(json_object_get(e, "old"), JSON_COMPACT | JSON_ENCODE_ANY);
                char *n = json_dumps(json_object_get(e, "new"), JSON_COMPACT | JSON_ENCODE_ANY);
                fputs("\n", f);
                xml_escape(f, jstr(e, "key"));
                fputs(": ", f);
                xml_escape(f, o ? o : "null");
                fputs(" -> ", f);
                xml_escape(f, n ? n : "null");
                free(o);
                free(n);
            }
            fputs("</system-out>", f);
        }
        free(what);
        fputs("</testcase>\n", f);
    }
    fputs("  </testsuite>\n</testsuites>\n", f);
}
