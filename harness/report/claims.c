/* The claims ledger: what the records say about each claim, part by part,
 * per release column.
 *
 * A record names a claim as "Cnn" (a pass supports it, a fail refutes it)
 * or "!Cnn" (a pass refutes it, a fail supports it), optionally with a
 * part, "Cnn.part". pass and xpass count as passes, fail and xfail as
 * fails; skip and error give no verdict, and so does an expected failure
 * (xfail, xpass) unless the part lists the case in its `cases`: an
 * expected failure bears on a claim only when the case is about it. A
 * record of N trials counts each trial. A part judged `every` holds in a
 * column when every observation there supports it and is refuted by one
 * that does not; a part judged `once` holds when one observation supports
 * it. A claim holds when every part holds, is `partly` when some hold and
 * some are refuted, `refuted` when parts are refuted and none holds; a
 * part not observed in a column leaves the claim short of `holds` there. */
#define _GNU_SOURCE
#include "report.h"
#include "record.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

static bool claim_id_ok(const char *s)
{
    if (s[0] != 'C' || !isdigit((unsigned char)s[1])) return false;
    for (s++; *s; s++)
        if (!isdigit((unsigned char)*s)) return false;
    return true;
}

static bool part_name_ok(const char *s)
{
    if (!*s) return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_') return false;
    return true;
}

static void part_free(claim_part *p)
{
    free(p->name);
    free(p->text);
    free(p->holds);
    free(p->refuted);
    sl_free(&p->cases);
    sl_free(&p->hosts);
    sl_free(&p->arches);
}

/* The claim-level attributes (before any `part`) are kept in `top` and
 * become the only part of a claim without parts, or the defaults of its
 * parts' scope. */
typedef struct { claim_part top; bool have_top_judge; } pending;

static void finish_claim(claim *c, pending *pd)
{
    if (!c) return;
    if (!c->nparts) {
        c->parts = xcalloc(1, sizeof *c->parts);
        c->parts[0] = pd->top;
        c->parts[0].name = xstrdup("");
        if (!c->parts[0].text) c->parts[0].text = xstrdup(c->text);
        c->nparts = 1;
        memset(&pd->top, 0, sizeof pd->top);
        return;
    }
    for (size_t k = 0; k < c->nparts; k++) {
        claim_part *p = &c->parts[k];
        if (!p->hosts.n)
            for (size_t i = 0; i < pd->top.hosts.n; i++) sl_add(&p->hosts, pd->top.hosts.v[i]);
        if (!p->arches.n)
            for (size_t i = 0; i < pd->top.arches.n; i++) sl_add(&p->arches, pd->top.arches.v[i]);
    }
    part_free(&pd->top);
    memset(&pd->top, 0, sizeof pd->top);
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
    claim *cur = NULL;
    pending pd = { 0 };
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
        if (line[0] == ' ' || line[0] == '\t') {
            /* KEY<TAB>value, about the current claim or part. */
            char *tab = strchr(t, '\t');
            if (!cur) { *err = xasprintf("%s:%d: an indented line before any claim", path, lineno); break; }
            if (!tab) { *err = xasprintf("%s:%d: expected `KEY<TAB>value`", path, lineno); break; }
            *tab = 0;
            char *key = trim(t), *val = trim(tab + 1);
            claim_part *part = cur->nparts ? &cur->parts[cur->nparts - 1] : &pd.top;
            if (!strcmp(key, "part")) {
                char *t2 = strchr(val, '\t');
                if (!t2) { *err = xasprintf("%s:%d: expected `part<TAB>NAME<TAB>what the part says`", path, lineno); break; }
                *t2 = 0;
                char *name = trim(val), *ptext = trim(t2 + 1);
                if (!part_name_ok(name)) { *err = xasprintf("%s:%d: part name `%s`: letters, digits, - and _ only", path, lineno, name); break; }
                for (size_t k = 0; k < cur->nparts; k++)
                    if (!strcmp(cur->parts[k].name, name)) *err = xasprintf("%s:%d: %s has two parts named %s", path, lineno, cur->id, name);
                if (*err) break;
                cur->parts = xrealloc(cur->parts, (cur->nparts + 1) * sizeof *cur->parts);
                cur->parts[cur->nparts++] = (claim_part){ .name = xstrdup(name), .text = xstrdup(ptext) };
            } else if (!strcmp(key, "holds") || !strcmp(key, "refuted")) {
                char **slot = !strcmp(key, "holds") ? &part->holds : &part->refuted;
                if (*slot) { *err = xasprintf("%s:%d: `%s` given twice", path, lineno, key); break; }
                *slot = xstrdup(val);
            } else if (!strcmp(key, "judge")) {
                if (strcmp(val, "every") && strcmp(val, "once")) { *err = xasprintf("%s:%d: judge is `every` or `once`, not `%s`", path, lineno, val); break; }
                part->once = !strcmp(val, "once");
            } else if (!strcmp(key, "cases") || !strcmp(key, "hosts") || !strcmp(key, "arches")) {
                strlist *sl = key[0] == 'c' ? &part->cases : key[0] == 'h' ? &part->hosts : &part->arches;
                sl_split(sl, val, " \t");
            } else {
                *err = xasprintf("%s:%d: unknown key `%s` (part, holds, refuted, judge, cases, hosts, arches)", path, lineno, key);
                break;
            }
            continue;
        }
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
        finish_claim(cur, &pd);
        l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
        l->v[l->n] = (claim){ xstrdup(id), xstrdup(section), xstrdup(claim_text), NULL, 0 };
        cur = &l->v[l->n++];
    }
    if (!*err) finish_claim(cur, &pd);
    part_free(&pd.top);
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
        for (size_t k = 0; k < l->v[i].nparts; k++) part_free(&l->v[i].parts[k]);
        free(l->v[i].parts);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* ---- judging ---- */

static bool matches_any(const strlist *globs, const char *s)
{
    for (size_t i = 0; i < globs->n; i++)
        if (!fnmatch(globs->v[i], s, 0)) return true;
    return false;
}

/* One column of one part: counts of cells and the verdict. */
typedef struct { size_t sup, ref, skip, err, aside; strlist ref_cells, sup_cells; } tally;

static const char *part_verdict(const tally *t)
{
    if (t->ref) return "refuted";
    if (t->sup) return "holds";
    if (t->skip || t->err) return "n/a";
    return "untested";
}

/* Columns (or arches, or parts) together: holds when all hold, refuted when
 * all that were judged are refuted, else partly; untested or n/a beside a
 * holds keeps the whole short of holds. */
static const char *combine(const char *const *v, size_t n, bool parts)
{
    size_t hold = 0, ref = 0, partly = 0, na = 0, untested = 0;
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(v[i], "holds")) hold++;
        else if (!strcmp(v[i], "refuted")) ref++;
        else if (!strcmp(v[i], "partly")) partly++;
        else if (!strcmp(v[i], "n/a")) na++;
        else untested++;
    }
    if (parts) {
        /* The parts of one claim in one column. */
        if (ref && (hold || partly)) return "partly";
        if (ref) return "refuted";
        if (partly) return "partly";
        if (hold == n) return "holds";
        if (na) return "n/a";
        return "untested";
    }
    /* One claim (or part) over columns: the columns it was judged in. */
    if (!hold && !ref && !partly) return na ? "n/a" : "untested";
    if (hold && !ref && !partly) return "holds";
    if (ref && !hold && !partly) return "refuted";
    return "partly";
}

enum { CELLS_SHOWN = 6 };

static void list_some(strbuf *b, const strlist *cells, size_t total)
{
    for (size_t i = 0; i < cells->n; i++) sb_addf(b, "%s%s", i ? ", " : "", cells->v[i]);
    if (total > cells->n) sb_addf(b, " and %zu more", total - cells->n);
}

static void tally_text(strbuf *b, const tally *t, const char *v)
{
    if (!strcmp(v, "untested")) sb_add(b, "no cell observes it");
    else if (!strcmp(v, "n/a")) sb_addf(b, "no verdict: %zu skip, %zu error", t->skip, t->err);
    else if (!strcmp(v, "holds")) sb_addf(b, "supported by %zu cell%s", t->sup, t->sup == 1 ? "" : "s");
    else {
        sb_addf(b, "refuted by %zu of %zu cells (", t->ref, t->ref + t->sup);
        list_some(b, &t->ref_cells, t->ref);
        sb_add(b, ")");
        if (t->sup) {
            sb_add(b, "; supported by ");
            list_some(b, &t->sup_cells, t->sup);
        }
    }
    if ((!strcmp(v, "holds") || !strcmp(v, "refuted")) && (t->skip || t->err))
        sb_addf(b, "; no verdict from %zu skip, %zu error", t->skip, t->err);
}

static const char *bears_text(signed char b) { return b > 0 ? "supports" : b < 0 ? "refutes" : "none"; }

const char *ledger_rule(const ledger_claim *c, const ledger_ev *e)
{
    const claim_part *p = e->part >= 0 ? c->parts[e->part].def : NULL;
    switch (e->why) {
    case EV_SKIP: return "skip: no verdict";
    case EV_ERROR: return "error: the harness could not tell, no verdict";
    case EV_XFAIL_ASIDE: return "an expected failure of a case the part does not list in `cases`: not about this claim, no verdict";
    case EV_HOST_SCOPE: return "a host the part is not observed from (`hosts`): no verdict";
    case EV_ARCH_SCOPE: return "an arch the part is not about (`arches`): no verdict";
    case EV_NO_PART: return "the link names no part of this claim (no `cases` of a part matches): no verdict";
    }
    if (p && p->once)
        return e->negated ? "judged once: it holds if the expectation failed in at least one trial"
                          : "judged once: it holds if the expectation was met in at least one trial";
    return e->negated ? "judged every: a pass refutes, a fail supports; the part holds only if every observation (each trial) supports it"
                      : "judged every: a pass supports, a fail refutes; the part holds only if every observation (each trial) supports it";
}

/* One link of one record to one part: what it says. */
static ledger_ev judge_link(const rrec *r, const claim_part *p, int part, bool neg, const char *link)
{
    ledger_ev e = { .part = part, .negated = neg, .link = link, .why = EV_BEARS };
    bool expected = r->st == STATUS_XFAIL || r->st == STATUS_XPASS;
    int met = rec_status_met(r->st);
    if (p->hosts.n && !sl_has(&p->hosts, r->host)) e.why = EV_HOST_SCOPE;
    else if (p->arches.n && !sl_has(&p->arches, r->goarch)) e.why = EV_ARCH_SCOPE;
    else if (met < 0) e.why = r->st == STATUS_SKIP ? EV_SKIP : EV_ERROR;
    else if (expected && !matches_any(&p->cases, r->kase)) e.why = EV_XFAIL_ASIDE;
    if (e.why != EV_BEARS) return e;
    /* Observations: each trial, or the one run. */
    unsigned n = r->trials ? r->trials : 1, ok = r->trials ? r->trials_met : (unsigned)met;
    e.sup = neg ? n - ok : ok;
    e.ref = n - e.sup;
    bool holds = p->once ? e.sup > 0 : e.ref == 0;
    e.bears = holds ? 1 : -1;
    return e;
}

static void add_ev(ledger_claim *c, size_t *cap, ledger_ev e)
{
    if (c->nev == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        c->ev = xrealloc(c->ev, *cap * sizeof *c->ev);
    }
    c->ev[c->nev++] = e;
}

/* Each link's bearing counted per part and column (tally [part * ngo +
 * column]); the arches with evidence go into c->arches, sorted. */
static tally *tally_links(const rmodel *m, ledger_claim *c, size_t ngo)
{
    tally *tl = xcalloc(ngo * c->nparts, sizeof *tl);
    for (size_t k = 0; k < c->nev; k++) {
        const ledger_ev *e = &c->ev[k];
        if (e->part < 0) continue;
        const rrec *r = &m->v[e->rec];
        tally *t = &tl[(size_t)e->part * ngo + r->gi];
        if (!sl_has(&c->arches, r->goarch)) sl_add(&c->arches, r->goarch);
        if (e->bears > 0) {
            t->sup++;
            if (t->sup_cells.n < CELLS_SHOWN) sl_add_owned(&t->sup_cells, rrec_label(r));
        } else if (e->bears < 0) {
            t->ref++;
            if (t->ref_cells.n < CELLS_SHOWN) sl_add_owned(&t->ref_cells, rrec_label(r));
        } else if (e->why == EV_SKIP) t->skip++;
        else if (e->why == EV_ERROR) t->err++;
        else t->aside++;
    }
    sl_sort(&c->arches);
    return tl;
}

/* Each part's verdict per column (from its tallies TL), over all columns
 * and per arch. */
static void judge_parts(const rmodel *m, ledger_claim *c, const tally *tl, size_t ngo, const char *const *colarch)
{
    size_t na = c->arches.n ? c->arches.n : 1;
    const char **colv = xcalloc(ngo, sizeof *colv);
    for (size_t k = 0; k < c->nparts; k++) {
        ledger_part *lp = &c->parts[k];
        lp->per = xcalloc(ngo, sizeof *lp->per);
        for (size_t g = 0; g < m->gos.n; g++) {
            const tally *t = &tl[k * ngo + g];
            const char *v = part_verdict(t);
            strbuf b;
            sb_init(&b);
            tally_text(&b, t, v);
            lp->per[g] = (ledger_tc){ v, sb_take(&b), t->sup, t->ref, t->skip + t->err + t->aside };
            colv[g] = v;
        }
        lp->verdict = combine(colv, m->gos.n, false);
        lp->arch_verdict = xcalloc(na, sizeof *lp->arch_verdict);
        for (size_t a = 0; a < c->arches.n; a++) {
            size_t n = 0;
            for (size_t g = 0; g < m->gos.n; g++)
                if (colarch[g] && !strcmp(colarch[g], c->arches.v[a])) colv[n++] = lp->per[g].verdict;
            lp->arch_verdict[a] = combine(colv, n, false);
        }
    }
    free(colv);
}

/* The claim per column and per arch, from its parts' verdicts. */
static void judge_columns(const rmodel *m, ledger_claim *c, size_t ngo)
{
    size_t np = c->nparts, na = c->arches.n ? c->arches.n : 1;
    const char **colv = xcalloc(ngo, sizeof *colv), **pv = xcalloc(np, sizeof *pv);
    c->per = xcalloc(ngo, sizeof *c->per);
    for (size_t g = 0; g < m->gos.n; g++) {
        size_t sup = 0, ref = 0, none = 0;
        for (size_t k = 0; k < np; k++) {
            pv[k] = c->parts[k].per[g].verdict;
            sup += c->parts[k].per[g].sup;
            ref += c->parts[k].per[g].ref;
            none += c->parts[k].per[g].none;
        }
        const char *v = combine(pv, np, true);
        strbuf b;
        sb_init(&b);
        if (np == 1) sb_add(&b, c->parts[0].per[g].summary);
        else
            for (size_t k = 0; k < np; k++) {
                /* The failing parts first: they are what `partly` names. */
                sb_addf(&b, "%spart %s %s: %s", k ? "; " : "", c->parts[k].def->name, pv[k], c->parts[k].per[g].summary);
            }
        c->per[g] = (ledger_tc){ v, sb_take(&b), sup, ref, none };
        colv[g] = v;
    }
    c->verdict = combine(colv, m->gos.n, false);
    c->arch_verdict = xcalloc(na, sizeof *c->arch_verdict);
    for (size_t a = 0; a < c->arches.n; a++) {
        for (size_t k = 0; k < np; k++) pv[k] = c->parts[k].arch_verdict[a];
        c->arch_verdict[a] = combine(pv, np, true);
    }
    free(colv);
    free(pv);
}

/* " (by architecture: …)" when the arches judged differ from each other
 * or from the claim as a whole. */
static void arch_note(strbuf *b, const ledger_claim *c)
{
    bool differ = false;
    const char *first = NULL;
    for (size_t a = 0; a < c->arches.n; a++) {
        if (!strcmp(c->arch_verdict[a], "n/a") || !strcmp(c->arch_verdict[a], "untested")) continue;
        if (first && strcmp(first, c->arch_verdict[a])) differ = true;
        if (!first) first = c->arch_verdict[a];
    }
    if (differ || (first && c->arches.n > 1 && strcmp(first, c->verdict))) {
        sb_add(b, " (by architecture:");
        for (size_t a = 0; a < c->arches.n; a++) sb_addf(b, "%s %s %s", a ? "," : "", c->arches.v[a], c->arch_verdict[a]);
        sb_add(b, ")");
    }
}

/* The summary: over columns, then the parts, then the arches when they differ. */
static char *claim_summary(const rmodel *m, const ledger_claim *c)
{
    strbuf b;
    sb_init(&b);
    strlist on[5] = { { 0 } }; /* holds, refuted, partly, n/a, untested */
    static const char *const names[5] = { "holds", "refuted", "partly", "n/a", "untested" };
    size_t tested = 0, np = c->nparts;
    for (size_t g = 0; g < m->gos.n; g++)
        for (int k = 0; k < 5; k++)
            if (!strcmp(c->per[g].verdict, names[k])) {
                sl_add(&on[k], m->gos.v[g]);
                tested += k < 3;
            }
    if (!c->nev) sb_add(&b, "no case names this claim yet");
    else if (!tested) sb_addf(&b, "no cell gave a verdict in any column");
    else if (!strcmp(c->verdict, "holds") || !strcmp(c->verdict, "refuted"))
        sb_addf(&b, "%s in every column judged (%zu)", !strcmp(c->verdict, "holds") ? "holds" : "refuted", tested);
    else
        for (int k = 0; k < 3; k++)
            if (on[k].n) {
                sb_addf(&b, "%s%s on ", b.len ? "; " : "", names[k]);
                for (size_t i = 0; i < on[k].n && i < 10; i++) sb_addf(&b, "%s%s", i ? ", " : "", on[k].v[i]);
                if (on[k].n > 10) sb_addf(&b, " and %zu more", on[k].n - 10);
            }
    if (c->nev && tested && (on[3].n || on[4].n))
        sb_addf(&b, "; not judged in %zu column%s (a part unobserved there)", on[3].n + on[4].n, on[3].n + on[4].n == 1 ? "" : "s");
    if (np > 1 && c->nev) {
        sb_add(&b, " — parts:");
        for (size_t k = 0; k < np; k++) sb_addf(&b, "%s %s %s", k ? "," : "", c->parts[k].def->name, c->parts[k].verdict);
    }
    arch_note(&b, c);
    for (int k = 0; k < 5; k++) sl_free(&on[k]);
    return sb_take(&b);
}

/* Fill the per-column, per-arch and overall verdicts of one claim. */
static void judge_claim(const rmodel *m, ledger_claim *c)
{
    size_t ngo = m->gos.n ? m->gos.n : 1;
    tally *tl = tally_links(m, c, ngo);
    /* Each column's arch (a column holds one release on one arch). */
    const char **colarch = xcalloc(ngo, sizeof *colarch);
    for (size_t i = 0; i < m->n; i++) colarch[m->v[i].gi] = m->v[i].goarch;
    judge_parts(m, c, tl, ngo, colarch);
    judge_columns(m, c, ngo);
    c->summary = claim_summary(m, c);
    for (size_t i = 0; i < ngo * c->nparts; i++) {
        sl_free(&tl[i].ref_cells);
        sl_free(&tl[i].sup_cells);
    }
    free(tl);
    free(colarch);
}

static int cmp_claim_id(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    long nx = strtol(x + 1, NULL, 10), ny = strtol(y + 1, NULL, 10);
    return nx < ny ? -1 : nx > ny ? 1 : strcmp(x, y);
}

/* "!C10.args" -> id "C10", part "args", negated. Writes into buf. */
static void split_link(const char *link, char *buf, size_t n, const char **id, const char **part, bool *neg)
{
    *neg = *link == '!';
    snprintf(buf, n, "%s", link + *neg);
    char *dot = strchr(buf, '.');
    *part = NULL;
    if (dot) {
        *dot = 0;
        *part = dot + 1;
    }
    *id = buf;
}

void ledger_build(const rmodel *m, const claim_list *l, ledger *out)
{
    memset(out, 0, sizeof *out);
    out->m = m;
    json_t *ix = json_object(); /* claim id -> index */
    for (size_t i = 0; i < l->n; i++) {
        out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
        ledger_claim *c = &out->v[out->n];
        *c = (ledger_claim){ .id = xstrdup(l->v[i].id), .section = xstrdup(l->v[i].section), .text = xstrdup(l->v[i].text) };
        c->nparts = l->v[i].nparts;
        c->parts = xcalloc(c->nparts ? c->nparts : 1, sizeof *c->parts);
        for (size_t k = 0; k < c->nparts; k++) c->parts[k].def = &l->v[i].parts[k];
        json_object_set_new(ix, l->v[i].id, json_integer((json_int_t)out->n++));
    }
    /* Ids the records name that the list lacks: shown, never dropped. */
    strlist extra = { 0 };
    char buf[64];
    for (size_t i = 0; i < m->n; i++)
        for (size_t k = 0; k < m->v[i].claims.n; k++) {
            const char *id, *part;
            bool neg;
            split_link(m->v[i].claims.v[k], buf, sizeof buf, &id, &part, &neg);
            if (*id && !json_object_get(ix, id) && !sl_has(&extra, id)) sl_add(&extra, id);
        }
    if (extra.n > 1) qsort(extra.v, extra.n, sizeof *extra.v, cmp_claim_id);
    for (size_t i = 0; i < extra.n; i++) {
        out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
        ledger_claim *c = &out->v[out->n];
        *c = (ledger_claim){ .id = xstrdup(extra.v[i]), .section = xstrdup("Not in the claim list"),
                             .text = xstrdup("(not in the claim list)") };
        c->own_parts = xcalloc(1, sizeof *c->own_parts);
        c->own_parts[0] = (claim_part){ .name = xstrdup(""), .text = xstrdup(c->text) };
        c->nparts = 1;
        c->parts = xcalloc(1, sizeof *c->parts);
        c->parts[0].def = &c->own_parts[0];
        json_object_set_new(ix, extra.v[i], json_integer((json_int_t)out->n++));
    }
    sl_free(&extra);
    size_t *cap = xcalloc(out->n ? out->n : 1, sizeof *cap);
    for (size_t i = 0; i < m->n; i++) {
        const rrec *r = &m->v[i];
        for (size_t k = 0; k < r->claims.n; k++) {
            const char *id, *pname;
            bool neg;
            split_link(r->claims.v[k], buf, sizeof buf, &id, &pname, &neg);
            json_t *ci = json_object_get(ix, id);
            if (!ci) continue;
            size_t at = (size_t)json_integer_value(ci);
            ledger_claim *c = &out->v[at];
            size_t hit = 0;
            for (size_t p = 0; p < c->nparts; p++) {
                const claim_part *def = c->parts[p].def;
                /* A plain link to a claim of several parts bears on the parts
                 * that list its case; a part without `cases` takes only links
                 * that name it. */
                bool on = pname ? !strcmp(def->name, pname) : c->nparts == 1 || matches_any(&def->cases, r->kase);
                if (!on) continue;
                ledger_ev e = judge_link(r, def, (int)p, neg, r->claims.v[k]);
                e.rec = i;
                add_ev(c, &cap[at], e);
                hit++;
            }
            if (!hit) add_ev(c, &cap[at], (ledger_ev){ .rec = i, .negated = neg, .why = EV_NO_PART, .part = -1, .link = r->claims.v[k] });
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
        for (size_t k = 0; k < c->nparts; k++) {
            for (size_t g = 0; c->parts[k].per && g < l->m->gos.n; g++) free(c->parts[k].per[g].summary);
            free(c->parts[k].per);
            free(c->parts[k].arch_verdict);
        }
        free(c->parts);
        if (c->own_parts) {
            part_free(&c->own_parts[0]);
            free(c->own_parts);
        }
        sl_free(&c->arches);
        free(c->arch_verdict);
        free(c->ev);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

int ledger_explain(const ledger *l, const char *id, FILE *f)
{
    const rmodel *m = l->m;
    const ledger_claim *c = NULL;
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].id, id)) c = &l->v[i];
    if (!c) return -1;
    fprintf(f, "%s — %s\n  %s\n  %s\n", c->id, c->verdict, c->text, c->summary);
    for (size_t k = 0; k < c->nparts; k++) {
        const claim_part *p = c->parts[k].def;
        if (*p->name) fprintf(f, "\npart %s — %s: %s\n", p->name, c->parts[k].verdict, p->text);
        else fprintf(f, "\nthe claim as one part — %s\n", c->parts[k].verdict);
        fprintf(f, "  holds if:   %s\n  refuted if: %s\n  judged:     %s\n", p->holds ? p->holds : "(not stated)",
                p->refuted ? p->refuted : "(not stated)",
                p->once ? "once (one supporting observation in a column is enough)" : "every (one refuting observation in a column refutes it)");
        if (p->cases.n || p->hosts.n || p->arches.n) {
            fputs("  scope:     ", f);
            if (p->cases.n) { fputs(" cases", f); for (size_t i = 0; i < p->cases.n; i++) fprintf(f, " %s", p->cases.v[i]); }
            if (p->hosts.n) { fputs(" hosts", f); for (size_t i = 0; i < p->hosts.n; i++) fprintf(f, " %s", p->hosts.v[i]); }
            if (p->arches.n) { fputs(" arches", f); for (size_t i = 0; i < p->arches.n; i++) fprintf(f, " %s", p->arches.v[i]); }
            fputc('\n', f);
        }
        for (size_t g = 0; g < m->gos.n; g++) {
            const ledger_tc *t = &c->parts[k].per[g];
            if (!strcmp(t->verdict, "untested")) continue;
            fprintf(f, "  %s: %s — %s\n", m->gos.v[g], t->verdict, t->summary);
            for (size_t e = 0; e < c->nev; e++) {
                const ledger_ev *ev = &c->ev[e];
                const rrec *r = &m->v[ev->rec];
                if (ev->part != (int)k || r->gi != g) continue;
                fprintf(f, "    %s %s %s: %s", r->kase, r->host, r->buildmode, r->status);
                if (r->trials) fprintf(f, " (met in %u of %u trials)", r->trials_met, r->trials);
                fprintf(f, " -> %s [link %s: a pass %s] %s; record %s\n      expect: %s\n", bears_text(ev->bears), ev->link,
                        ev->negated ? "refutes" : "supports", ledger_rule(c, ev), r->id, r->expect);
            }
        }
    }
    size_t orphans = 0;
    for (size_t e = 0; e < c->nev; e++)
        if (c->ev[e].part < 0) {
            const rrec *r = &m->v[c->ev[e].rec];
            if (!orphans++) fputs("\nlinks that name no part:\n", f);
            fprintf(f, "  %s %s %s %s [link %s]: %s\n", m->gos.v[r->gi], r->kase, r->host, r->buildmode, c->ev[e].link,
                    ledger_rule(c, &c->ev[e]));
        }
    return 0;
}


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
        fputs("},\n   \"parts\": [", f);
        for (size_t k = 0; k < c->nparts; k++) {
            const ledger_part *lp = &c->parts[k];
            const claim_part *d = lp->def;
            fputs(k ? ",\n    {\"name\": " : "\n    {\"name\": ", f);
            json_str(f, d->name, false);
            fputs(", \"text\": ", f); json_str(f, d->text, false);
            fputs(", \"holds\": ", f); json_str(f, d->holds ? d->holds : "", false);
            fputs(", \"refuted\": ", f); json_str(f, d->refuted ? d->refuted : "", false);
            fprintf(f, ", \"judge\": \"%s\"", d->once ? "once" : "every");
            const strlist *sc[3] = { &d->cases, &d->hosts, &d->arches };
            static const char *const scn[3] = { "cases", "hosts", "arches" };
            for (int q = 0; q < 3; q++) {
                fprintf(f, ", \"%s\": [", scn[q]);
                for (size_t i = 0; i < sc[q]->n; i++) {
                    if (i) fputs(", ", f);
                    json_str(f, sc[q]->v[i], false);
                }
                fputc(']', f);
            }
            fputs(",\n     \"verdict\": ", f); json_str(f, lp->verdict, false);
            fputs(", \"toolchains\": {", f);
            for (size_t g = 0; g < m->gos.n; g++) {
                if (g) fputs(", ", f);
                json_str(f, m->gos.v[g], false);
                fputs(": ", f);
                json_str(f, lp->per[g].verdict, false);
            }
            fputs("}, \"architectures\": {", f);
            for (size_t a = 0; a < c->arches.n; a++) {
                fputs(a ? ", " : "", f);
                json_str(f, c->arches.v[a], false);
                fputs(": ", f);
                json_str(f, lp->arch_verdict[a], false);
            }
            fputs("}}", f);
        }
        fputs(c->nparts ? "\n   ],\n   \"evidence\": [" : "],\n   \"evidence\": [", f);
        for (size_t k = 0; k < c->nev; k++) {
            const rrec *r = &m->v[c->ev[k].rec];
            fputs(k ? ",\n    {\"go\": " : "\n    {\"go\": ", f);
            json_str(f, r->release, false);
            fputs(", \"goarch\": ", f); json_str(f, r->goarch, false);
            fputs(", \"case\": ", f); json_str(f, r->kase, false);
            fputs(", \"host\": ", f); json_str(f, r->host, false);
            fputs(", \"buildmode\": ", f); json_str(f, r->buildmode, false);
            fputs(", \"status\": ", f); json_str(f, r->status, false);
            fputs(", \"outcome\": ", f); json_str(f, r->outcome, false);
            fputs(", \"detail\": ", f); json_str(f, r->detail, false);
            fputs(", \"column\": ", f); json_str(f, r->go, false);
            fputs(", \"claim_link\": ", f); json_str(f, c->ev[k].link, false);
            fputs(", \"part\": ", f);
            json_str(f, c->ev[k].part >= 0 ? c->parts[c->ev[k].part].def->name : "", false);
            if (r->trials) fprintf(f, ", \"trials\": %u, \"trials_met\": %u", r->trials, r->trials_met);
            fputs(", \"rule\": ", f); json_str(f, ledger_rule(c, &c->ev[k]), false);
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
               "library. Its verdict per release column is derived from the records of the\n"
               "cases that name it (`%s`%s%s), part by part, with the rules of\n"
               "`cases/claims.txt`. A case names a claim as `Cnn` (its pass supports the claim)\n"
               "or `!Cnn` (its pass refutes it), optionally one part, `Cnn.part`. A part judged\n"
               "*every* **holds** in a column when every cell there supports it and is\n"
               "**refuted** by one that does not; a part judged *once* (what can happen) holds\n"
               "when one cell (or one trial) supports it. A claim **holds** when all its parts\n"
               "hold, is **partly** true when some hold and some are refuted (the summary names\n"
               "them), **refuted** when parts are refuted and none holds, **n/a** when its cells\n"
               "were skipped or errored and **untested** when no cell observes it: a part that\n"
               "no cell observed in a column keeps the claim short of `holds` there. An expected\n"
               "failure bears on a part only when the part lists its case. `gocompat report\n"
               "--explain Cnn` prints every cell behind a verdict. Record links open the cell\n"
               "in `index.html`.\n\n",
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
        /* What each part says, what would make it hold or refute it, and its verdict per column. */
        fprintf(f, "\n| part | holds if | refuted if | judged | verdict |\n|---|---|---|---|---|\n");
        for (size_t k = 0; k < c->nparts; k++) {
            const claim_part *d = c->parts[k].def;
            fputs("| ", f);
            md_cell(f, *d->name ? d->name : "(whole claim)");
            if (*d->name) { fputs(": ", f); md_cell(f, d->text); }
            fputs(" | ", f);
            md_cell(f, d->holds ? d->holds : "(not stated)");
            fputs(" | ", f);
            md_cell(f, d->refuted ? d->refuted : "(not stated)");
            fprintf(f, " | %s", d->once ? "once" : "every");
            if (d->hosts.n) { fputs("; hosts", f); for (size_t i = 0; i < d->hosts.n; i++) fprintf(f, " %s", d->hosts.v[i]); }
            if (d->arches.n) { fputs("; arches", f); for (size_t i = 0; i < d->arches.n; i++) fprintf(f, " %s", d->arches.v[i]); }
            fprintf(f, " | %s |\n", c->parts[k].verdict);
        }
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
        fprintf(f, "\n| release | case | host | buildmode | status | outcome | part | bears | detail |\n|---|---|---|---|---|---|---|---|---|\n");
        size_t shown = 0, limit = 40;
        for (int pass = 0; pass < 3; pass++)
            for (size_t k = 0; k < c->nev && shown < limit; k++) {
                signed char b = c->ev[k].bears;
                if ((pass == 0 && b >= 0) || (pass == 1 && b <= 0) || (pass == 2 && b != 0)) continue;
                const rrec *r = &m->v[c->ev[k].rec];
                shown++;
                const char *pn = c->ev[k].part >= 0 ? c->parts[c->ev[k].part].def->name : "?";
                fprintf(f, "| %s | %s | %s | %s | [%s](index.html#open=%s) | %s | %s | %s%s | ", m->gos.v[r->gi], r->kase, r->host,
                        r->buildmode, r->status, r->id, r->outcome, *pn ? pn : "-", bears_text(b), c->ev[k].negated ? " (named as !)" : "");
                md_cell(f, r->detail);
                fprintf(f, " |\n");
            }
        if (c->nev > limit) fprintf(f, "\n…and %zu more records (claims.json lists them all).\n", c->nev - limit);
    }
}
