/* The views of a matrix document: a compact in-memory model of the records
 * (loaded one record at a time, so a 50 000-record matrix fits in a small
 * memory budget), the claims ledger, and the renderers behind
 * `gocompat report`. Every renderer writes to a stdio stream, so the unit
 * tests capture output with open_memstream and the command writes files
 * atomically. */
#ifndef GOCOMPAT_REPORT_H
#define GOCOMPAT_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "status.h"
#include "util.h"

/* One record, reduced to what the views need. Strings are never NULL
 * (missing ones are ""), except upstream (NULL when the record has none). */
typedef struct {
    char *go;           /* the column label: the release, plus "/arch" for a non-native arch of a several-arch matrix */
    char *release;      /* the record's own "go" field (go1.22.12) */
    char *goos, *goarch, *buildmode, *host, *kase, *area;
    rec_status st;
    const char *status; /* its name (static) */
    char *expect, *detail, *stderr_head, *upstream;
    char *outcome;      /* "exit 0", "signal SIGSEGV", "timeout", "build-fail" … */
    double duration_ms;
    unsigned trials, trials_met; /* a record of N trials: how many met the expectation (0, 0: one run) */
    strlist claims;     /* "C11", "!C12" */
    char *json;         /* the whole record as compact JSON, '<' written \u003c */
    char id[16];        /* "r" + 12 hex digits of the cell key's hash: the anchor in index.html */
    size_t gi;          /* index of go in the model's releases */
} rrec;

typedef struct {
    char *path;
    char *generated;
    strlist gos;        /* releases present, oldest first */
    json_t *toolchains; /* the document's toolchain list */
    rrec *v;
    size_t n;
} rmodel;

/* Read a gocompat.matrix/1 document (through matrix_read). Returns 0, or
 * -1 with *err one line, "file:line: why". */
int rmodel_load(const char *path, rmodel *m, char **err);
void rmodel_free(rmodel *m);
/* Counts of each status (indexed by rec_status) for one release (NULL: all). */
void rmodel_counts(const rmodel *m, const char *go, size_t counts[STATUS_COUNT]);
/* The anchor id of a cell key. */
void rrec_id(const char *cell_key, char out[16]);
/* "abi/add c-dlopen c-shared" (caller frees). */
char *rrec_label(const rrec *r);

/* ---- claims ----
 * cases/claims.txt: `Cnn<TAB>text` starts a claim; indented `KEY<TAB>value`
 * lines after it describe it, or its parts after `part<TAB>NAME<TAB>text`:
 *   holds    the observation that makes the claim (part) hold
 *   refuted  the observation that refutes it
 *   judge    every (default: it holds when every observation supports it)
 *            or once (a claim about what can happen: one supporting
 *            observation is enough)
 *   cases    globs of the cases whose plain `Cnn` links bear on this part
 *            (a part of a claim with several parts takes plain links only
 *            from these; `Cnn.part` names it directly), and the cases that
 *            are about it: an expected failure bears on a part only through
 *            a case listed here
 *   hosts    only cells from these hosts observe it
 *   arches   only cells of these GOARCHes observe it
 * A claim without `part` lines is one part named "". */
typedef struct {
    char *name, *text, *holds, *refuted;
    strlist cases, hosts, arches;
    bool once;
} claim_part;
typedef struct {
    char *id, *section, *text;
    claim_part *parts;
    size_t nparts;
} claim;
typedef struct { claim *v; size_t n; } claim_list;

/* Read cases/claims.txt. Returns 0 or -1 with *err "file:line: why". */
int claims_load(const char *path, claim_list *l, char **err);
void claims_free(claim_list *l);
/* The ledger (schema gocompat.claims/1): for each claim, each of its parts
 * and each release column a verdict — holds, refuted, partly (some parts
 * hold, some are refuted), n/a or untested — with the cells behind it.
 * Claims named by records but absent from the list are added with text
 * "(not in the claim list)". */
enum {
    EV_BEARS,        /* supports or refutes */
    EV_SKIP,         /* skip: no verdict */
    EV_ERROR,        /* error: no verdict */
    EV_XFAIL_ASIDE,  /* an expected failure of a case not listed in the part's `cases` */
    EV_HOST_SCOPE,   /* the part is observed only from other hosts */
    EV_ARCH_SCOPE,   /* the part is about other arches */
    EV_NO_PART,      /* the link names no part of the claim */
};
typedef struct {
    size_t rec;
    signed char bears;  /* 1 supports, -1 refutes, 0 no verdict */
    bool negated;       /* named as !Cnn: a pass refutes */
    unsigned char why;  /* EV_* */
    int part;           /* index in the claim's parts, -1 none */
    unsigned sup, ref;  /* observations (trials) supporting and refuting */
    const char *link;   /* the record's link text, "!C10.a" */
} ledger_ev;
typedef struct { const char *verdict; char *summary; size_t sup, ref, none; } ledger_tc;
typedef struct {
    const claim_part *def;
    ledger_tc *per;            /* one per release column */
    const char *verdict;       /* over every column */
    const char **arch_verdict; /* one per arch of the claim */
} ledger_part;
typedef struct {
    char *id, *section, *text;
    const char *verdict;
    char *summary;
    ledger_tc *per;     /* one per release of the model, in its order */
    strlist arches;     /* the GOARCHes with evidence, sorted */
    const char **arch_verdict; /* one per arch: its columns together */
    ledger_part *parts;
    size_t nparts;
    claim_part *own_parts; /* for a claim not in the list */
    ledger_ev *ev;
    size_t nev;
} ledger_claim;
typedef struct { const rmodel *m; ledger_claim *v; size_t n; } ledger;
/* The list must outlive the ledger (parts point into it). */
void ledger_build(const rmodel *m, const claim_list *l, ledger *out);
void ledger_free(ledger *l);
/* Every cell behind each verdict of claim `id`: the case, its expect line,
 * the link's polarity and the rule applied. Returns -1 for an unknown id. */
int ledger_explain(const ledger *l, const char *id, FILE *f);
const char *ledger_rule(const ledger_claim *c, const ledger_ev *e); /* the rule applied to one cell, in words */

/* ---- renderers ---- */
void render_md(const rmodel *m, FILE *f);
void render_csv(const rmodel *m, FILE *f);
void render_junit(const rmodel *m, FILE *f);
void render_tap(const rmodel *m, FILE *f);
void render_claims_md(const ledger *l, FILE *f);
void render_claims_json(const ledger *l, FILE *f);
/* bench: names of plot files (relative to the page) to show; may be NULL. */
void render_html(const rmodel *m, const ledger *l, const strlist *bench, FILE *f);

/* Text escapes. */
void xml_escape(FILE *f, const char *s);    /* also for HTML; drops characters XML 1.0 forbids */
void csv_field(FILE *f, const char *s);
void md_cell(FILE *f, const char *s);      /* a table cell: | and newlines escaped */
/* A JSON string literal; html: also write '<' as \\u003c (for <script>). */
void json_str(FILE *f, const char *s, bool html);

/* A file written through a temporary beside it and renamed into place on
 * commit, so readers see the old or the new file, never a torn one. */
typedef struct { FILE *f; char *path, *tmp; } afile;
int afile_open(afile *a, const char *path);
int afile_commit(afile *a); /* 0, or -1 with errno; the temporary is removed */
void afile_abort(afile *a);

#endif
