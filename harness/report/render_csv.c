/* results/matrix.csv: one row per record (RFC 4180 quoting). `go` is the
 * record's column (go1.22.12, or go1.22.12/arm64 in a several-arch matrix),
 * `release` and `goarch` its release and arch on their own. */
#define _GNU_SOURCE
#include "report.h"

void render_csv(const rmodel *m, FILE *f)
{
    fputs("go,release,goos,goarch,area,case,host,buildmode,status,outcome,duration_ms,claims,upstream,expect,detail,record\r\n", f);
    for (size_t i = 0; i < m->n; i++) {
        const rrec *r = &m->v[i];
        const char *fields[] = { r->go, r->release, r->goos, r->goarch, r->area, r->kase, r->host, r->buildmode, r->status, r->outcome };
        for (size_t k = 0; k < GC_ARRAY_LEN(fields); k++) {
            csv_field(f, fields[k]);
            fputc(',', f);
        }
        fprintf(f, "%.1f,", r->duration_ms);
        strbuf b;
        sb_init(&b);
        for (size_t k = 0; k < r->claims.n; k++) sb_addf(&b, "%s%s", k ? " " : "", r->claims.v[k]);
        csv_field(f, b.s ? b.s : "");
        sb_free(&b);
        fputc(',', f);
        csv_field(f, r->upstream ? r->upstream : "");
        fputc(',', f);
        csv_field(f, r->expect);
        fputc(',', f);
        csv_field(f, r->detail);
        fprintf(f, ",%s\r\n", r->id);
    }
}
