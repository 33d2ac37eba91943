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

#include "util.h"

/* One record, reduced to what the views need. Strings are never NULL
 * (missing ones are ""), except upstream (NULL when the record has none). */
typedef struct {
    char *go;           /* the column label: the release, plus "/arch" for a non-native arch of a several-arch matrix */
    char *release;      /* the record's own "go" field (go1.22.12) */
    char *goos, *goarch, *buildmode, *host, *kase, *area, *status;
    char *expect, *detail, *stderr_head, *upstream;
    char *outcome;      /* "exit 0", "signal SIGSEGV", "timeout", "build-fail" … */
    double duration_ms;
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

/* Read a gocompat.matrix/1 document. Returns 0, or -1 with *err set to a
 * one-line "file: why" (file:line for JSON syntax errors). */
int rmodel_load(const char *path, rmodel *m, char **err);
void rmodel_free(rmodel *m);
/* Counts of each status (index as RECORD_STATUSES) for one release (NULL: all). */
void rmodel_counts(const rmodel *m, const char *go, size_t counts[6]);
/* The anchor id of a cell key. */
void rrec_id(const char *cell_key, char out[16]);
/* "abi/add c-dlopen c-shared" (caller frees). */
char *rrec_label(const rrec *r);
bool status_unexpected(const char *status); /* fail, error, xpass */
/* pass and xpass: the case's expectation was met; fail and xfail: it was
 * not; skip and error: no verdict. Returns 1, 0 or -1. */
int status_met(const char *status);

/* ---- claims ---- */
typedef struct { char *id, *section, *text; } claim;
typedef struct { claim *v; size_t n; } claim_list;

/* Read `Cnn<TAB>text` lines (`## Section` headings, `#` comments). Returns 0
 * or -1 with *err "file:line: why". */
int claims_load(const char *path, claim_list *l, char **err);
void claims_free(claim_list *l);
/* The ledger (schema gocompat.claims/1): for each claim and release a
 * verdict — holds, refuted, partly, n/a or untested — with its evidence.
 * Claims named by records but absent from the list are added with text
 * "(not in the claim list)". */
typedef struct { size_t rec; signed char bears; bool negated; } ledger_ev; /* bears: 1 supports, -1 refutes, 0 no verdict */
typedef struct { const char *verdict; char *summary; size_t sup, ref, none; } ledger_tc;
typedef struct {
    char *id, *section, *text;
    const char *verdict;
    char *summary;
    ledger_tc *per;     /* one per release of the model, in its order */
    strlist arches;     /* the GOARCHes with evidence, sorted */
    const char **arch_verdict; /* one per arch: its cells of every release together */
    ledger_ev *ev;
    size_t nev;
} ledger_claim;
typedef struct { const rmodel *m; ledger_claim *v; size_t n; } ledger;
void ledger_build(const rmodel *m, const claim_list *l, ledger *out);
void ledger_free(ledger *l);

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
