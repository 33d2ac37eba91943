/* results/junit.xml: one <testsuite> per Go release, one <testcase> per
 * case × host × build mode. fail and xpass are <failure>, error is <error>,
 * skip is <skipped>; an expected failure passes and says so in
 * <system-out>. Everything is XML-escaped. */
#define _GNU_SOURCE
#include "labelled.h"
#include "record.h"
#include "report.h"

#include <string.h>

static void attr(FILE *f, const char *name, const char *v)
{
    fprintf(f, " %s=\"", name);
    xml_escape(f, v);
    fputc('"', f);
}

static void body(FILE *f, const rrec *r)
{
    const labelled v[] = {
        { "expect: ", r->expect }, { "\noutcome: ", r->outcome }, { "\ndetail: ", r->detail },
        { "\nupstream: ", r->upstream }, { "\nstderr (head):\n", *r->stderr_head ? r->stderr_head : NULL },
    };
    put_labelled(f, xml_escape, v, GC_ARRAY_LEN(v));
}

/* What a record that did not pass adds to its <testcase>. */
static void verdict(FILE *f, const rrec *r)
{
    const char *s = r->status;
    if (r->st == STATUS_FAIL || r->st == STATUS_XPASS) {
        fputs("      <failure", f);
        attr(f, "type", s);
        char *msg = r->st == STATUS_XPASS ? xasprintf("expected to fail (%s) but passed", r->upstream ? r->upstream : "?")
                                        : xstrdup(r->detail);
        attr(f, "message", msg);
        free(msg);
        fputc('>', f);
        body(f, r);
        fputs("</failure>\n", f);
    } else if (r->st == STATUS_ERROR) {
        fputs("      <error", f);
        attr(f, "type", "error");
        attr(f, "message", r->detail);
        fputc('>', f);
        body(f, r);
        fputs("</error>\n", f);
    } else if (r->st == STATUS_SKIP) {
        fputs("      <skipped", f);
        attr(f, "message", r->detail);
        fputs("/>\n", f);
    } else {
        fputs("      <system-out>expected failure (", f);
        xml_escape(f, r->upstream ? r->upstream : "no upstream link");
        fputs(")\n", f);
        body(f, r);
        fputs("</system-out>\n", f);
    }
    if (*r->stderr_head && r->st != STATUS_XFAIL) {
        fputs("      <system-err>", f);
        xml_escape(f, r->stderr_head);
        fputs("</system-err>\n", f);
    }
}

static void testcase(FILE *f, const char *go, const rrec *r)
{
    char *name = xasprintf("%s [%s]", r->host, r->buildmode);
    char *cls = xasprintf("%s.%s", go, r->kase);
    for (char *p = cls; *p; p++)
        if (*p == '/') *p = '.';
    fputs("    <testcase", f);
    attr(f, "classname", cls);
    attr(f, "name", name);
    fprintf(f, " time=\"%.3f\"", r->duration_ms / 1000);
    free(name);
    free(cls);
    if (r->st == STATUS_PASS) {
        fputs("/>\n", f);
        return;
    }
    fputs(">\n", f);
    verdict(f, r);
    fputs("    </testcase>\n", f);
}

/* The <testsuite> of release column g. */
static void testsuite(FILE *f, const rmodel *m, size_t g)
{
    const char *go = m->gos.v[g];
    size_t c[6];
    rmodel_counts(m, go, c);
    double ms = 0;
    const char *goos = "", *goarch = "";
    for (size_t i = 0; i < m->n; i++)
        if (m->v[i].gi == g) {
            ms += m->v[i].duration_ms;
            goos = m->v[i].goos;
            goarch = m->v[i].goarch;
        }
    fputs("  <testsuite", f);
    attr(f, "name", go);
    fprintf(f, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\"", c[0] + c[1] + c[2] + c[3] + c[4] + c[5],
            c[1] + c[3], c[5], c[4], ms / 1000);
    if (m->generated && *m->generated) attr(f, "timestamp", m->generated);
    fputs(">\n    <properties>", f);
    fputs("<property name=\"goos\"", f);
    attr(f, "value", goos);
    fputs("/><property name=\"goarch\"", f);
    attr(f, "value", goarch);
    fputs("/></properties>\n", f);
    for (size_t i = 0; i < m->n; i++)
        if (m->v[i].gi == g) testcase(f, go, &m->v[i]);
    fputs("  </testsuite>\n", f);
}

void render_junit(const rmodel *m, FILE *f)
{
    size_t all[6];
    rmodel_counts(m, NULL, all);
    double total_ms = 0;
    for (size_t i = 0; i < m->n; i++) total_ms += m->v[i].duration_ms;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<testsuites name=\"gocompat\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
            m->n, all[1] + all[3], all[5], all[4], total_ms / 1000);
    for (size_t g = 0; g < m->gos.n; g++) testsuite(f, m, g);
    fputs("</testsuites>\n", f);
}
