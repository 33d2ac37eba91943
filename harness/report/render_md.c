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

static void md_header(const rmodel *m, FILE *f)
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
}

/* Counts of each status per release, and over all. */
static void md_summary(const rmodel *m, FILE *f)
{
    fprintf(f, "## Summary\n\n| release |");
    for (size_t k = 0; k < STATUS_COUNT; k++) fprintf(f, " %s |", rec_status_name(k));
    fprintf(f, " total |\n|---|");
    for (size_t k = 0; k < STATUS_COUNT; k++) fprintf(f, "---:|");
    fprintf(f, "---:|\n");
    size_t c[STATUS_COUNT], tot[STATUS_COUNT] = { 0 };
    for (size_t g = 0; g < m->gos.n; g++) {
        rmodel_counts(m, m->gos.v[g], c);
        size_t n = 0;
        fprintf(f, "| %s |", m->gos.v[g]);
        for (size_t k = 0; k < STATUS_COUNT; k++) {
            fprintf(f, " %zu |", c[k]);
            n += c[k];
            tot[k] += c[k];
        }
        fprintf(f, " %zu |\n", n);
    }
    fprintf(f, "| **all** |");
    for (size_t k = 0; k < STATUS_COUNT; k++) fprintf(f, " %zu |", tot[k]);
    fprintf(f, " %zu |\n", m->n);
}

typedef struct {
    mrow *v;
    size_t n;
    strlist areas; /* sorted */
} mrows;

/* Rows (case × host) in the order the matrix lists them; areas alphabetically. */
static void md_rows(const rmodel *m, mrows *rows)
{
    size_t ngo = m->gos.n;
    memset(rows, 0, sizeof *rows);
    json_t *rix = json_object();
    size_t *rowof = xmalloc((m->n ? m->n : 1) * sizeof *rowof);
    for (size_t i = 0; i < m->n; i++) {
        const rrec *r = &m->v[i];
        char *key = xasprintf("%s\x1f%s", r->kase, r->host);
        json_t *ri = json_object_get(rix, key);
        size_t at;
        if (!ri) {
            at = rows->n++;
            rows->v = xrealloc(rows->v, rows->n * sizeof *rows->v);
            rows->v[at] = (mrow){ r->kase, r->host, r->area, { 0 }, NULL };
            json_object_set_new(rix, key, json_integer((json_int_t)at));
            if (!sl_has(&rows->areas, r->area)) sl_add(&rows->areas, r->area);
        } else
            at = (size_t)json_integer_value(ri);
        free(key);
        rowof[i] = at;
        if (index_of(&rows->v[at].modes, r->buildmode) == rows->v[at].modes.n) sl_add(&rows->v[at].modes, r->buildmode);
    }
    for (size_t k = 0; k < rows->n; k++) rows->v[k].cell = xcalloc(rows->v[k].modes.n * (ngo ? ngo : 1), sizeof(size_t));
    for (size_t i = 0; i < m->n; i++) {
        mrow *row = &rows->v[rowof[i]];
        row->cell[index_of(&row->modes, m->v[i].buildmode) * ngo + m->v[i].gi] = i + 1;
    }
    json_decref(rix);
    free(rowof);
    if (rows->areas.n > 1) qsort(rows->areas.v, rows->areas.n, sizeof *rows->areas.v, cmp_str);
}

static void md_rows_free(mrows *rows)
{
    for (size_t k = 0; k < rows->n; k++) {
        sl_free(&rows->v[k].modes);
        free(rows->v[k].cell);
    }
    free(rows->v);
    sl_free(&rows->areas);
}

/* One row: the status of each build mode in each release; all but a pass link to the evidence. */
static void md_row(const rmodel *m, const mrow *row, FILE *f)
{
    size_t ngo = m->gos.n;
    fprintf(f, "| %s | %s |", row->kase, row->host);
    for (size_t md = 0; md < row->modes.n; md++) fprintf(f, " %s", row->modes.v[md]);
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

static void md_area(const rmodel *m, const mrows *rows, const char *area, FILE *f)
{
    size_t ngo = m->gos.n;
    fprintf(f, "\n## %s\n\n| case | host | modes |", area);
    for (size_t g = 0; g < ngo; g++) {
        char *mn = go_version_minor(m->gos.v[g]);
        const char *arch = strchr(m->gos.v[g], '/');
        fprintf(f, " %s%s |", mn ? mn : m->gos.v[g], mn && arch ? arch : "");
        free(mn);
    }
    fprintf(f, "\n|---|---|---|");
    for (size_t g = 0; g < ngo; g++) fprintf(f, "---|");
    fputc('\n', f);
    for (size_t k = 0; k < rows->n; k++)
        if (!strcmp(rows->v[k].area, area)) md_row(m, &rows->v[k], f);
}

/* The cells CI must hear about, then the expected failures with their upstream links. */
static void md_failures(const rmodel *m, FILE *f)
{
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
    if (!nxf) return;
    fprintf(f, "\n## Expected failures\n\n");
    for (size_t i = 0; i < m->n; i++) {
        const rrec *r = &m->v[i];
        if (r->st != STATUS_XFAIL) continue;
        fprintf(f, "- [xf](index.html#open=%s) %s %s %s %s: ", r->id, r->go, r->kase, r->host, r->buildmode);
        md_cell(f, r->detail);
        fprintf(f, " — %s\n", r->upstream ? r->upstream : "(no upstream link)");
    }
}

void render_md(const rmodel *m, FILE *f)
{
    md_header(m, f);
    md_summary(m, f);
    mrows rows;
    md_rows(m, &rows);
    for (size_t a = 0; a < rows.areas.n; a++) md_area(m, &rows, rows.areas.v[a], f);
    md_rows_free(&rows);
    md_failures(m, f);
}
