#define _GNU_SOURCE
#include "library_diff.h"
#include "proc.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const json_t *header_evidence(const json_t *records, const char *go)
{
    size_t i;
    json_t *r;
    json_array_foreach(records, i, r) {
        const char *c = json_string_value(json_object_get(r, "case"));
        const char *m = json_string_value(json_object_get(r, "buildmode"));
        const char *g = json_string_value(json_object_get(r, "go"));
        if (c && m && g && !strcmp(c, "lib/header") && !strcmp(m, "c-shared") && !strcmp(g, go))
            return json_object_get(r, "evidence");
    }
    return NULL;
}

static char *temp_with(const char *text)
{
    const char *tmp = getenv("TMPDIR");
    char *p = xasprintf("%s/gocompat-header-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(p);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        if (fd >= 0) close(fd);
        free(p);
        return NULL;
    }
    close(fd);
    return p;
}

/* `diff -u` of two texts, labelled; "" when equal. */
static char *unified_diff(const char *a, const char *la, const char *b, const char *lb)
{
    char *pa = temp_with(a), *pb = temp_with(b);
    char *out = NULL;
    if (pa && pb) {
        const char *argv[] = { "diff", "-u", "--label", la, "--label", lb, pa, pb, NULL };
        proc_spec s = { .argv = argv, .timeout_ms = 30000, .capture_limit = 1 << 20 };
        proc_result r;
        proc_run(&s, &r);
        out = r.kind == PROC_EXIT && r.code <= 1 ? capture_text(&r.out)
                                                  : xasprintf("(diff could not run: %s)\n", r.spawn_error);
        proc_result_free(&r);
    }
    if (pa) unlink(pa);
    if (pb) unlink(pb);
    free(pa);
    free(pb);
    return out ? out : xstrdup("(cannot write temporary files for the header diff)\n");
}

static json_t *signature_changes(const json_t *da, const json_t *db)
{
    json_t *added = json_array(), *removed = json_array(), *changed = json_array();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)db, k, v) {
        const json_t *old = json_object_get(da, k);
        if (!old) json_array_append_new(added, json_pack("{s:s, s:O}", "name", k, "decl", v));
        else if (!json_equal(old, v)) json_array_append_new(changed, json_pack("{s:s, s:O, s:O}", "name", k, "from", old, "to", v));
    }
    json_object_foreach((json_t *)da, k, v)
        if (!json_object_get(db, k)) json_array_append_new(removed, json_pack("{s:s, s:O}", "name", k, "decl", v));
    return json_pack("{s:o, s:o, s:o}", "added", added, "removed", removed, "changed", changed);
}

json_t *library_diff(const json_t *records, const char *a, const char *b)
{
    const json_t *ea = header_evidence(records, a), *eb = header_evidence(records, b);
    const char *ha = json_string_value(json_object_get(ea, "header"));
    const char *hb = json_string_value(json_object_get(eb, "header"));
    if (!ha || !hb) {
        char *why = xasprintf("not compared: no lib/header c-shared record with the header for %s", !ha ? a : b);
        json_t *ld = json_pack("{s:n, s:s, s:o}", "header_changed", "header_note", why, "signatures",
                               signature_changes(NULL, NULL));
        free(why);
        return ld;
    }
    char *la = xasprintf("%s/header.h", a), *lb = xasprintf("%s/header.h", b);
    char *d = unified_diff(ha, la, hb, lb);
    json_t *ld = json_pack("{s:b, s:s, s:o}", "header_changed", strcmp(ha, hb) != 0, "header_diff", d, "signatures",
                           signature_changes(json_object_get(ea, "declarations"), json_object_get(eb, "declarations")));
    free(d);
    free(la);
    free(lb);
    return ld;
}

static void list_md(FILE *f, const json_t *a, const char *what, const char *field)
{
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x)
        fprintf(f, "- %s `%s`: `%s`\n", what, json_string_value(json_object_get(x, "name")),
                json_string_value(json_object_get(x, field)));
}

void library_diff_render_md(const json_t *ld, FILE *f)
{
    const json_t *s = json_object_get(ld, "signatures");
    fputs("\n## Export signatures\n\n", f);
    size_t n = json_array_size(json_object_get(s, "added")) + json_array_size(json_object_get(s, "removed")) +
               json_array_size(json_object_get(s, "changed"));
    if (!n) fputs("No export was added, removed or changed.\n", f);
    list_md(f, json_object_get(s, "added"), "added", "decl");
    list_md(f, json_object_get(s, "removed"), "removed", "decl");
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(s, "changed"), i, x)
        fprintf(f, "- changed `%s`: `%s` → `%s`\n", json_string_value(json_object_get(x, "name")),
                json_string_value(json_object_get(x, "from")), json_string_value(json_object_get(x, "to")));
    fputs("\n## Generated header\n\n", f);
    if (json_object_get(ld, "header_note"))
        fprintf(f, "The header was %s.\n", json_string_value(json_object_get(ld, "header_note")));
    else if (!json_is_true(json_object_get(ld, "header_changed")))
        fputs("The generated header is the same (package line normalised).\n", f);
    else
        fprintf(f, "```diff\n%s```\n", json_string_value(json_object_get(ld, "header_diff")));
}
