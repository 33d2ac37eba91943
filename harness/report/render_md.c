/* results/matrix.md: a summary table of counts per release, then one table
 * per area (rows = case × host, columns = releases, a cell = the status of
 * each build mode of the row), then the unexpected and expected failures. */
#define _GNU_SOURCE
#include "report.h"
#include "record.h"
#include "table.h"
#include "goversion.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *kase, *host, *area;
    strlist modes;
    size_t *cell; /* [mode * ngo + go] = record index + 1; 0 = none */
} mrow;

static size_t index_of(const strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i], s)) return i;
    return l->n;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

void render_md(const rmodel *m, FILE *f)
{
    size_t ngo = m->gos.n;
    fprintf(f, "# Compatibility matrix\n\n");
    strlist arches = { 0 };
    for (size_t i = 0; i < m->n; i++)
        if (!sl_has(&arches, m->v[i].goarch)) sl_add(&arches, m->v[i].goarch);
    if (arches.n > 1)
        fprintf(f, "%zu records in %zu columns of Go release × architecture (`1.22/arm64` is that release cross-built for arm64 and run under qemu-user)", m->n, ngo);
    else
        fprintf(f, "%zu records over %zu Go release%s", m->n, ngo, ngo == 1 ? "" : "s");
    for (size_t a = 0; a < arches.n; a++) fprintf(f, "%s%s/%s", a ? ", " : " (", m->v[0].goos, arches.v[a]);
    if (arches.n) fputc(')', f);
    sl_free(&arches);
    fprintf(f, ", from `%s`", m->path ? path_basename(m->path) : "matrix.json");
    if (m->generated && *m->generated) fprintf(f, " generated %s", m->generated);
    fprintf(f, ". Every cell is one record; open `index.html` for the evidence.\n\n");
    fprintf(f, "Legend: `ok` pass · `FAIL` the expectation was not met · `xf` expected failure "
               "(known upstream issue) · `XP` an expected failure that passed · `skip` does not apply or "
               "unsupported · `ERR` the harness could not tell · `-` no cell. When a row covers several "
               "build modes, a cell lists their statuses in the order of the *modes* column.\n\n");

    fprintf(f, "## Summary\n\n| release |");
    for (size_t k = 0; RECORD_STATUSES[k]; k++) fprintf(f, " %s |", RECORD_STATUSES[k]);
    fprintf(f, " total |\n|---|");
    for (size_t k = 0; RECORD_STATUSES[k]; k++) fprintf(f, "---:|");
    fprintf(f, "---:|\n");
    size_t c[6], tot[6] = { 0 };
    for (size_t g = 0; g < ngo; g++) {
        rmodel_counts(m, m->gos.v[g], c);
        size_t n = 0;
        fprintf(f, "| %s |", m->gos.v[g]);
        for (size_t k = 0; k < 6; k++) {
            fprintf(f, " %zu |", c[k]);
            n += c[k];
            tot[k] += c[k];
        }
        fprintf(f, " %zu |\n", n);
    }
    fprintf(f, "| **all** |");
    for (size_t k = 0; k < 6; k++) fprintf(f, " %zu |", tot[k]);
    fprintf(f, " %zu |\n", m->n);

    /* Rows in the order the matrix lists them; areas alphabetically. */
    mrow *rows = NULL;
    size_t nrows = 0;
    json_t *rix = json_object();
    strlist areas = { 0 };
    size_t *rowof = xmalloc((m->n ? m->n : 1) * sizeof *rowof);
    for (size_t i = 0; i < m->n; i++) {
        const rrec *r = &m->v[i];
        char *key = xasprintf("%s\x1f%s", r->kase, r->host);
        json_t *ri = json_object_get(rix, key);
        size_t at;
        if (!ri) {
            at = nrows++;
            rows = xrealloc(rows, nrows * sizeof *rows);
            rows[at] = (mrow){ r->kase, r->host, r->area, { 0 }, NULL };
            json_object_set_new(rix, key, json_integer((json_int_t)at));
            if (!sl_has(&areas, r->area)) sl_add(&areas, r->area);
        } else
            at = (size_t)json_integer_value(ri);
        free(key);
        rowof[i] = at;
        if (index_of(&rows[at].modes, r->buildmode) == rows[at].modes.n) sl_add(&rows[at].modes, r->buildmode);
    }
    for (size_t k = 0; k < nrows; k++) rows[k].cell = xcalloc(rows[k].modes.n * (ngo ? ngo : 1), sizeof(size_t));
    for (size_t i = 0; i < m->n; i++) {
        const rrec *r = &m->v[i];
        mrow *row = &rows[rowof[i]];
        size_t md = index_of(&row->modes, r->buildmode), g = r->gi;
        row->cell[md * ngo + g] = i + 1;
    }
    json_decref(rix);
    free(rowof);
    if (areas.n > 1) qsort(areas.v, areas.n, sizeof *areas.v, cmp_str);

    for (size_t a = 0; a < areas.n; a++) {
        fprintf(f, "\n## %s\n\n| case | host | modes |", areas.v[a]);
        for (size_t g = 0; g < ngo; g++) {
            char *mn = go_version_minor(m->gos.v[g]);
            const char *arch = strchr(m->gos.v[g], '/');
            fprintf(f, " %s%s |", mn ? mn : m->gos.v[g], mn && arch ? arch : "");
            free(mn);
        }
        fprintf(f, "\n|---|---|---|");
        for (size_t g = 0; g < ngo; g++) fprintf(f, "---|");
        fputc('\n', f);
        for (size_t k = 0; k < nrows; k++) {
            const mrow *row = &rows[k];
            if (strcmp(row->area, areas.v[a])) continue;
            fprintf(f, "| %s | %s |", row->kase, row->host);
            for (size_t md = 0; md < row->modes.n; md++) fprintf(f, "%s%s", md ? " " : " ", row->modes.v[md]);
            fprintf(f, " |");
            for (size_t g = 0; g < ngo; g++) {
                fputc(' ', f);
                for (size_t md = 0; md < row->modes.n; md++) {
                    size_t ri = row->cell[md * ngo + g];
                    if (md) fputc(' ', f);
                    if (!ri) { fputc('-', f); continue; }
                    const rrec *r = &m->v[ri - 1];
                    if (r->st != STATUS_PASS) fprintf(f, "[%s](index.html#open=%s)", status_cell(r->st), r->id);
                    else fputs(status_cell(r->st), f);
                }
                fprintf(f, " |");
            }
            fputc('\n', f);
        }
    }
    for (size_t k = 0; k < nrows; k++) {
        sl_free(&rows[k].modes);
        free(rows[k].cell);
    }
    free(rows);
    sl_free(&areas);

    size_t nbad = 0, nxf = 0;
    for (size_t i = 0; i < m->n; i++) {
        nbad += rec_status_unexpected(m->v[i].st);
        nxf += m->v[i].st == STATUS_XFAIL;
    }
    fprintf(f, "\n## Unexpected results\n\n");
    if (!nbad) fprintf(f, "None: every cell passed, was skipped, or failed as expected.\n");
    for (size_t i = 0; i < m->n; i++) {
        const rrec *r = &m->v[i];
        if (!rec_status_unexpected(r->st)) continue;
        fprintf(f, "- [%s](index.html#open=%s) %s %s %s %s: %s — ", status_cell(r->st), r->id, r->go, r->kase,
                r->host, r->buildmode, r->outcome);
        md_cell(f, r->detail);
        if (r->upstream) fprintf(f, " (expected to fail: %s)", r->upstream);
        fputc('\n', f);
    }
    if (nxf) {
        fprintf(f, "\n## Expected failures\n\n");
        for (size_t i = 0; i < m->n; i++) {
            const rrec *r = &m->v[i];
            if (r->st != STATUS_XFAIL) continue;
            fprintf(f, "- [xf](index.html#open=%s) %s %s %s %s: ", r->id, r->go, r->kase, r->host, r->buildmode);
            md_cell(f, r->detail);
            fprintf(f, " — %s\n", r->upstream ? r->upstream : "(no upstream link)");
        }
    }
}
