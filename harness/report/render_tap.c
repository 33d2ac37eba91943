/* results/matrix.tap: TAP version 13, one test point per record.
 * fail and error are "not ok"; an expected failure is "not ok … # TODO",
 * an expected failure that passed "ok … # TODO" (which TAP consumers such
 * as Automake's tap-driver report as XPASS); skip is "ok … # SKIP". */
#define _GNU_SOURCE
#include "labelled.h"
#include "report.h"

#include <string.h>

/* A description may not contain '#' (it starts a directive) or newlines. */
static void tap_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '#') fputs("\\#", f);
        else if (*s == '\\') fputs("\\\\", f);
        else if (*s == '\n' || *s == '\r') fputc(' ', f);
        else fputc(*s, f);
    }
}

/* A YAML double-quoted scalar. */
static void yaml_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
        else if (*p == '\n') fputs("\\n", f);
        else if (*p == '\t') fputs("\\t", f);
        else if (*p < 0x20 || *p == 0x7f) fprintf(f, "\\x%02x", *p);
        else fputc(*p, f);
    }
    fputc('"', f);
}

void render_tap(const rmodel *m, FILE *f)
{
    fprintf(f, "TAP version 13\n1..%zu\n", m->n);
    for (size_t i = 0; i < m->n; i++) {
        const rrec *r = &m->v[i];
        const char *s = r->status;
        bool ok = r->st == STATUS_PASS || r->st == STATUS_SKIP || r->st == STATUS_XPASS;
        fprintf(f, "%s %zu - ", ok ? "ok" : "not ok", i + 1);
        const labelled name[] = { { "", r->go }, { " ", r->kase }, { " ", r->host }, { " ", r->buildmode } };
        put_labelled(f, tap_text, name, GC_ARRAY_LEN(name));
        if (r->st == STATUS_SKIP) {
            fputs(" # SKIP ", f);
            tap_text(f, r->detail);
        } else if (r->st == STATUS_XFAIL || r->st == STATUS_XPASS) {
            fputs(" # TODO expected to fail: ", f);
            tap_text(f, r->upstream ? r->upstream : "no upstream link");
        }
        fputc('\n', f);
        if (r->st == STATUS_PASS || r->st == STATUS_SKIP) continue;
        const labelled yaml[] = {
            { "  ---\n  status: ", s }, { "\n  outcome: ", r->outcome }, { "\n  expect: ", r->expect },
            { "\n  detail: ", r->detail }, { "\n  stderr_head: ", *r->stderr_head ? r->stderr_head : NULL },
        };
        put_labelled(f, yaml_str, yaml, GC_ARRAY_LEN(yaml));
        fprintf(f, "\n  record: \"%s\"\n  ...\n", r->id);
    }
}
