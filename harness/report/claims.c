/* The claims ledger: what the records say about each claim, per release.
 *
 * A record names a claim as "Cnn" (a pass supports it, a fail refutes it)
 * or "!Cnn" (a pass refutes it, a fail supports it); pass and xpass count
 * as passes, fail and xfail as fails, skip and error give no verdict. */
#define _GNU_SOURCE
#include "report.h"
#include "record.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool claim_id_ok(const char *s)
{
    if (s[0] != 'C' || !isdigit((unsigned char)s[1])) return false;
    for (s++; *s; s++)
        if (!isdigit((unsigned char)*s)) return false;
    return true;
}

int claims_load(const char *path, claim_list *l, char **err)
{
    memset(l, 0, sizeof *l);
    *err = NULL;
    size_t len;
    char *text = read_input(path, &len, true, err);
    if (!text) return -1;
    char *section = xstrdup("");
    int lineno = 0;
    char *save = NULL;
    for (char *p = text; p <= text + len && !*err;) {
        char *nl = strchr(p, '\n');
        if (nl) *nl = 0;
        lineno++;
        char *line = p;
        p = nl ? nl + 1 : text + len + 1;
        if (str_prefix(line, "## ")) {
            free(section);
            section = xstrdup(trim(line + 3));
            continue;
        }
        char *t = trim(line);
        if (!*t || *t == '#') continue;
        char *tab = strchr(line, '\t');
        if (!tab) {
            *err = xasprintf("%s:%d: expected `Cnn<TAB>claim text`", path, lineno);
            break;
        }
        *tab = 0;
        char *id = trim(line), *claim_text = trim(tab + 1);
        if (!claim_id_ok(id)) *err = xasprintf("%s:%d: `%s` is not a claim id (C followed by digits)", path, lineno, id);
        else if (!*claim_text) *err = xasprintf("%s:%d: claim %s has no text", path, lineno, id);
        for (size_t i = 0; !*err && i < l->n; i++)
            if (!strcmp(l->v[i].id, id)) *err = xasprintf("%s:%d: claim %s is listed twice", path, lineno, id);
        if (*err) break;
        l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
        l->v[l->n++] = (claim){ xstrdup(id), xstrdup(section), xstrdup(claim_text) };
    }
    (void)save;
    free(section);
    free(text);
    if (*err) {
        claims_free(l);
        return -1;
    }
    return 0;
}

void claims_free(claim_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].id);
        free(l->v[i].section);
        free(l->v[i].text);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

typedef struct { size_t sup, ref, skip, err; strlist ref_cells, sup_cells; bool any; } tally;

static const char *verdict_of(const tally *t)
{
    if (!t->any) return "untested";
    if (t->sup && !t->ref) return "holds";
    if (t->ref && !t->sup) return "refuted";
    if (t->ref && t->sup) return "partly";
    return "n/a";
}

static void list_cells(strbuf *b, const strlist *cells, size_t max)
{
    for (size_t i = 0; i < cells->n && i < max; i++) sb_addf(b, "%s%s", i ? ", " : "", cells->v[i]);
    if (cells->n > max) sb_addf(b, " and %zu more", cells->n - max);
}

/* The first CELLS_SHOWN cells of a list of `total`, then "and N more". */
enum { CELLS_SHOWN = 6 };
static void list_some(strbuf *b, const strlist *cells, size_t total)
{
    for (size_t i = 0; i < cells->n; i++) sb_addf(b, "%s%s", i ? ", " : "", cells->v[i]);
    if (total > cells->n) sb_addf(b, " and %zu more", total - cells->n);
}

static char *tally_summary(const tally *t, const char *verdict)
{
    strbuf b;
    sb_init(&b);
    if (!strcmp(verdict, "untested")) sb_add(&b, "no case names this claim");
    else if (!strcmp(verdict, "n/a")) sb_addf(&b, "no verdict: %zu skip, %zu error", t->skip, t->err);
    else if (!strcmp(verdict, "holds")) sb_addf(&b, "supported by %zu cell%s", t->sup, t->sup == 1 ? "" : "s");
    else if (!strcmp(verdict, "refuted")) sb_addf(&b, "refuted by %zu cell%s", t->ref, t->ref == 1 ? "" : "s");
    else {
        sb_addf(&b, "refuted by %zu of %zu cells (", t->ref, t->ref + t->sup);
        list_some(&b, &t->ref_cells, t->ref);
        sb_add(&b, "); holds in ");
        list_some(&b, &t->sup_cells, t->sup);
    }
    if (strcmp(verdict, "n/a") && strcmp(verdict, "untested") && (t->skip || t->err))
        sb_addf(&b, "; no verdict from %zu skip, %zu error", t->skip, t->err);
    return sb_take(&b);
}

/* A claim can hold on one architecture and not another (calling
 * convention, TLS model, signal frames): fill c->arches and
 * c->arch_verdict, each arch judged on its cells of every release, and say
 * so in the summary when the tested arches disagree. */
static void judge_by_arch(const rmodel *m, ledger_claim *c, strbuf *summary)
{
    for (size_t k = 0; k < c->nev; k++)
        if (!sl_has(&c->arches, m->v[c->ev[k].rec].goarch)) sl_add(&c->arches, m->v[c->ev[k].rec].goarch);
    sl_sort(&c->arches);
    c->arch_verdict = xcalloc(c->arches.n ? c->arches.n : 1, sizeof *c->arch_verdict);
    size_t *cells = xcalloc(c->arches.n ? c->arches.n : 1, sizeof *cells); /* cells with a verdict */
    bool differ = false;
    const char *first = NULL;
    for (size_t a = 0; a < c->arches.n; a++) {
        tally t = { 0 };
        for (size_t k = 0; k < c->nev; k++) {
            if (strcmp(m->v[c->ev[k].rec].goarch, c->arches.v[a])) continue;
            t.any = true;
            t.sup += c->ev[k].bears > 0;
            t.ref += c->ev[k].bears < 0;
        }
        c->arch_verdict[a] = verdict_of(&t);
        cells[a] = t.sup + t.ref;
        if (!strcmp(c->arch_verdict[a], "n/a")) continue;
        if (first && strcmp(first, c->arch_verdict[a])) differ = true;
        if (!first) first = c->arch_verdict[a];
    }
    if (differ) {
        /* The cell counts matter: an arch that ran fewer cases can look
         * different for want of evidence, not by behaving differently. */
        sb_add(summary, " (by architecture:");
        for (size_t a = 0; a < c->arches.n; a++)
            sb_addf(summary, "%s %s %s over %zu cell%s", a ? "," : "", c->arches.v[a], c->arch_verdict[a], cells[a],
                    cells[a] == 1 ? "" : "s");
        sb_add(summary, ")");
    }
    free(cells);
}

/* Fill c->per, c->verdict and c->summary from c->ev. */
static void judge_claim(const rmodel *m, ledger_claim *c)
{
    size_t ngo = m->gos.n ? m->gos.n : 1;
    tally *tl = xcalloc(ngo, sizeof *tl);
    for (size_t k = 0; k < c->nev; k++) {
        const rrec *r = &m->v[c->ev[k].rec];
        tally *t = &tl[r->gi];
        t->any = true;
        if (c->ev[k].bears > 0) {
            t->sup++;
            if (t->sup_cells.n < CELLS_SHOWN) sl_add_owned(&t->sup_cells, rrec_label(r));
        } else if (c->ev[k].bears < 0) {
            t->ref++;
            if (t->ref_cells.n < CELLS_SHOWN) sl_add_owned(&t->ref_cells, rrec_label(r));
        } else if (!strcmp(r->status, "skip"))
            t->skip++;
        else
            t->err++;
    }
    c->per = xcalloc(ngo, sizeof *c->per);
    size_t n_hold = 0, n_ref = 0, n_tested = 0, n_any = 0;
    strlist holds_on = { 0 }, ref_on = { 0 }, partly_on = { 0 };
    for (size_t g = 0; g < m->gos.n; g++) {
        tally *t = &tl[g];
        const char *v = verdict_of(t);
        char *s = tally_summary(t, v);
        c->per[g] = (ledger_tc){ v, s, t->sup, t->ref, t->skip + t->err };
        n_any += t->any;
        if (!strcmp(v, "holds")) { n_hold++; n_tested++; sl_add(&holds_on, m->gos.v[g]); }
        else if (!strcmp(v, "refuted")) { n_ref++; n_tested++; sl_add(&ref_on, m->gos.v[g]); }
        else if (!strcmp(v, "partly")) { n_tested++; sl_add(&partly_on, m->gos.v[g]); }
        sl_free(&t->ref_cells);
        sl_free(&t->sup_cells);
    }
    strbuf b;
    sb_init(&b);
    if (!n_any) {
        c->verdict = "untested";
        sb_add(&b, "no case names this claim yet");
    } else if (!n_tested) {
        c->verdict = "n/a";
        sb_add(&b, "named by cases that gave no verdict (skipped or errored) on every release");
    } else if (n_hold == n_tested) {
        c->verdict = "holds";
        sb_addf(&b, "holds on every release tested (%zu)", n_tested);
    } else if (n_ref == n_tested) {
        c->verdict = "refuted";
        sb_addf(&b, "refuted on every release tested (%zu)", n_tested);
    } else {
        c->verdict = "partly";
        if (holds_on.n) { sb_add(&b, "holds on "); list_cells(&b, &holds_on, 10); }
        if (ref_on.n) { sb_add(&b, b.len ? "; refuted on " : "refuted on "); list_cells(&b, &ref_on, 10); }
        if (partly_on.n) { sb_add(&b, b.len ? "; partly on " : "partly on "); list_cells(&b, &partly_on, 10); }
    }
    judge_by_arch(m, c, &b);
    c->summary = sb_take(&b);
    sl_free(&holds_on);
    sl_free(&ref_on);
    sl_free(&partly_on);
    free(tl);
}

static int cmp_claim_id(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    long nx = strtol(x + 1, NULL, 10), ny = strtol(y + 1, NULL, 10);
    return nx < ny ? -1 : nx > ny ? 1 : strcmp(x, y);
}

void ledger_build(const rmodel *m, const claim_list *l, ledger *out)
{
    memset(out, 0, sizeof *out);
    out->m = m;
    json_t *ix = json_object(); /* claim id -> index */
    for (size_t i = 0; i < l->n; i++) {
        out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
        out->v[out->n] = (ledger_claim){ .id = xstrdup(l->v[i].id), .section = xstrdup(l->v[i].section), .text = xstrdup(l->v[i].text) };
        json_object_set_new(ix, l->v[i].id, json_integer((json_int_t)out->n++));
    }
    /* Ids the records name that the list lacks: shown, never dropped. */
    strlist extra = { 0 };
    for (size_t i = 0; i < m->n; i++)
        for (size_t k = 0; k < m->v[i].claims.n; k++) {
            const char *id = m->v[i].claims.v[k];
            if (*id == '!') id++;
            if (*id && !json_object_get(ix, id) && !sl_has(&extra, id)) sl_add(&extra, id);
        }
    if (extra.n > 1) qsort(extra.v, extra.n, sizeof *extra.v, cmp_claim_id);
    for (size_t i = 0; i < extra.n; i++) {
        out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
        out->v[out->n] = (ledger_claim){ .id = xstrdup(extra.v[i]), .section = xstrdup("Not in the claim list"),
                                         .text = xstrdup("(not in the claim list)") };
        json_object_set_new(ix, extra.v[i], json_integer((json_int_t)out->n++));
    }
    sl_free(&extra);
    size_t *cap = xcalloc(out->n ? out->n : 1, sizeof *cap);
    for (size_t i = 0; i < m->n; i++) {
        const rrec *r = &m->v[i];
        for (size_t k = 0; k < r->claims.n; k++) {
            const char *id = r->claims.v[k];
            bool neg = *id == '!';
            json_t *ci = json_object_get(ix, neg ? id + 1 : id);
            if (!ci) continue;
            ledger_claim *c = &out->v[json_integer_value(ci)];
            size_t at = (size_t)json_integer_value(ci);
            if (c->nev == cap[at]) {
                cap[at] = cap[at] ? cap[at] * 2 : 16;
                c->ev = xrealloc(c->ev, cap[at] * sizeof *c->ev);
            }
            int met = status_met(r->status);
            signed char bears = met < 0 ? 0 : (met == 1) == !neg ? 1 : -1;
            c->ev[c->nev++] = (ledger_ev){ i, bears, neg };
        }
    }
    free(cap);
    json_decref(ix);
    for (size_t i = 0; i < out->n; i++) judge_claim(m, &out->v[i]);
}

void ledger_free(ledger *l)
{
    for (size_t i = 0; i < l->n; i++) {
        ledger_claim *c = &l->v[i];
        free(c->id);
        free(c->section);
        free(c->text);
        free(c->summary);
        for (size_t g = 0; c->per && g < l->m->gos.n; g++) free(c->per[g].summary);
        free(c->per);
        sl_free(&c->arches);
        free(c->arch_verdict);
        free(c->ev);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

static const char *bears_text(signed char b) { return b > 0 ? "supports" : b < 0 ? "refutes" : "none"; }

void render_claims_json(const ledger *l, FILE *f)
{
    const rmodel *m = l->m;
    fputs("{\n \"schema\": \"gocompat.claims/1\",\n \"matrix\": ", f);
    json_str(f, m->path ? m->path : "", false);
    fputs(",\n \"generated\": ", f);
    json_str(f, m->generated ? m->generated : "", false);
    fputs(",\n \"toolchains\": [", f);
    for (size_t g = 0; g < m->gos.n; g++) {
        if (g) fputs(", ", f);
        json_str(f, m->gos.v[g], false);
    }
    fputs("],\n \"claims\": [", f);
    for (size_t i = 0; i < l->n; i++) {
        const ledger_claim *c = &l->v[i];
        fputs(i ? ",\n  {" : "\n  {", f);
        fputs("\"id\": ", f); json_str(f, c->id, false);
        fputs(", \"section\": ", f); json_str(f, c->section, false);
        fputs(", \"text\": ", f); json_str(f, c->text, false);
        fputs(",\n   \"verdict\": ", f); json_str(f, c->verdict, false);
        fputs(", \"summary\": ", f); json_str(f, c->summary, false);
        fputs(",\n   \"toolchains\": {", f);
        for (size_t g = 0; g < m->gos.n; g++) {
            const ledger_tc *t = &c->per[g];
            fputs(g ? ",\n    " : "\n    ", f);
            json_str(f, m->gos.v[g], false);
            fputs(": {\"verdict\": ", f);
            json_str(f, t->verdict, false);
            fputs(", \"summary\": ", f);
            json_str(f, t->summary, false);
            fprintf(f, ", \"supports\": %zu, \"refutes\": %zu, \"no_verdict\": %zu}", t->sup, t->ref, t->none);
        }
        fputs("},\n   \"architectures\": {", f);
        for (size_t a = 0; a < c->arches.n; a++) {
            fputs(a ? ", " : "", f);
            json_str(f, c->arches.v[a], false);
            fputs(": ", f);
            json_str(f, c->arch_verdict[a], false);
        }
        fputs("},\n   \"evidence\": [", f);
        for (size_t k = 0; k < c->nev; k++) {
            const rrec *r = &m->v[c->ev[k].rec];
            fputs(k ? ",\n    {\"go\": " : "\n    {\"go\": ", f);
            json_str(f, r->go, false);
            fputs(", \"goarch\": ", f); json_str(f, r->goarch, false);
            fputs(", \"case\": ", f); json_str(f, r->kase, false);
            fputs(", \"host\": ", f); json_str(f, r->host, false);
            fputs(", \"buildmode\": ", f); json_str(f, r->buildmode, false);
            fputs(", \"status\": ", f); json_str(f, r->status, false);
            fputs(", \"outcome\": ", f); json_str(f, r->outcome, false);
            fputs(", \"detail\": ", f); json_str(f, r->detail, false);
            fprintf(f, ", \"bears\": \"%s\", \"negated\": %s, \"record\": \"%s\", \"link\": \"index.html#open=%s\"}",
                    bears_text(c->ev[k].bears), c->ev[k].negated ? "true" : "false", r->id, r->id);
        }
        fputs(c->nev ? "\n   ]}" : "]}", f);
    }
    fputs("\n ]\n}\n", f);
}

void render_claims_md(const ledger *l, FILE *f)
{
    const rmodel *m = l->m;
    fprintf(f, "# Claims ledger\n\n");
    fprintf(f, "Each claim below is made by widely copied articles about building Go as a C\n"
               "library. Its verdict per Go release is derived from the records of the cases\n"
               "that name it (`%s`%s%s): **holds** (every such cell supports it),\n"
               "**refuted** (every one refutes it), **partly** (some do, some do not: the cells\n"
               "are named), **n/a** (the cases were skipped or errored) or **untested** (no\n"
               "case names it yet). A case names a claim as `Cnn` (its pass supports the claim)\n"
               "or `!Cnn` (its pass refutes it). Record links open the cell in `index.html`.\n\n",
            m->path ? path_basename(m->path) : "matrix.json", m->generated && *m->generated ? ", generated " : "",
            m->generated ? m->generated : "");
    fprintf(f, "| claim | overall |");
    for (size_t g = 0; g < m->gos.n; g++) fprintf(f, " %s |", m->gos.v[g]);
    fprintf(f, "\n|---|---|");
    for (size_t g = 0; g < m->gos.n; g++) fprintf(f, "---|");
    fputc('\n', f);
    for (size_t i = 0; i < l->n; i++) {
        const ledger_claim *c = &l->v[i];
        fprintf(f, "| [%s](#%s) | %s |", c->id, c->id, c->verdict);
        for (size_t g = 0; g < m->gos.n; g++) fprintf(f, " %s |", c->per[g].verdict);
        fputc('\n', f);
    }
    const char *section = NULL;
    for (size_t i = 0; i < l->n; i++) {
        const ledger_claim *c = &l->v[i];
        if (!section || strcmp(section, c->section)) {
            section = c->section;
            if (*section) fprintf(f, "\n## %s\n", section);
        }
        fprintf(f, "\n### <a id=\"%s\"></a>%s — %s\n\n> ", c->id, c->id, c->verdict);
        md_cell(f, c->text);
        fprintf(f, "\n\n%s.\n", c->summary);
        bool header = false;
        for (size_t g = 0; g < m->gos.n; g++) {
            const ledger_tc *t = &c->per[g];
            if (!strcmp(t->verdict, "untested")) continue;
            if (!header) fprintf(f, "\n| release | verdict | why |\n|---|---|---|\n");
            header = true;
            fprintf(f, "| %s | %s | ", m->gos.v[g], t->verdict);
            md_cell(f, t->summary);
            fprintf(f, " |\n");
        }
        if (!c->nev) continue;
        /* The cells that refute come first: they are what a reader checks. */
        fprintf(f, "\n| release | case | host | buildmode | status | outcome | bears | detail |\n|---|---|---|---|---|---|---|---|\n");
        size_t shown = 0, limit = 40;
        for (int pass = 0; pass < 3; pass++)
            for (size_t k = 0; k < c->nev && shown < limit; k++) {
                signed char b = c->ev[k].bears;
                if ((pass == 0 && b >= 0) || (pass == 1 && b <= 0) || (pass == 2 && b != 0)) continue;
                const rrec *r = &m->v[c->ev[k].rec];
                shown++;
                fprintf(f, "| %s | %s | %s | %s | [%s](index.html#open=%s) | %s | %s%s | ", m->gos.v[r->gi], r->kase, r->host,
                        r->buildmode, r->status, r->id, r->outcome, bears_text(b), c->ev[k].negated ? " (named as !)" : "");
                md_cell(f, r->detail);
                fprintf(f, " |\n");
            }
        if (c->nev > limit) fprintf(f, "\n…and %zu more records (claims.json lists them all).\n", c->nev - limit);
    }
}
