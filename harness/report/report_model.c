/* Loading a matrix document into the compact model the renderers use.
 *
 * A matrix of 50 000 records is about 60 MB of JSON; as one jansson tree it
 * would take over 300 MB. So the document is walked at the top level by
 * hand, each record is decoded on its own (json_loadb stops after one value
 * and reports how many bytes it used), validated, reduced to an rrec and
 * freed before the next one. */
#define _GNU_SOURCE
#include "report.h"
#include "record.h"
#include "goversion.h"

#include <ctype.h>
#include <math.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void rrec_id(const char *key, char out[16])
{
    uint64_t h = fnv1a64(FNV1A64_INIT, key, strlen(key));
    snprintf(out, 16, "r%012llx", (unsigned long long)(h & 0xffffffffffffULL));
}

char *rrec_label(const rrec *r) { return xasprintf("%s %s %s", r->kase, r->host, r->buildmode); }

bool status_unexpected(const char *s) { return rec_status_unexpected(rec_status_parse(s)); }

int status_met(const char *s) { return rec_status_met(rec_status_parse(s)); }

/* Compact JSON for embedding in a <script> element: whitespace outside
 * strings dropped, '<' inside strings written \u003c (it cannot occur
 * outside one), so no "</script>" or "<!--" can appear. */
static char *compact_for_html(const char *s, size_t n)
{
    size_t lt = 0;
    for (const char *p = s; (p = memchr(p, '<', (size_t)(s + n - p))); p++) lt++;
    char *out = xmalloc(n + 5 * lt + 1), *o = out;
    bool in_str = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\') {
                *o++ = c;
                if (i + 1 < n) *o++ = s[++i];
                continue;
            }
            if (c == '"') in_str = false;
            else if (c == '<') {
                memcpy(o, "\\u003c", 6);
                o += 6;
                continue;
            }
            *o++ = c;
            continue;
        }
        if (c == '"') in_str = true;
        else if (c == ' ' || c == '\n' || c == '\t' || c == '\r') continue;
        *o++ = c;
    }
    *o = 0;
    return out;
}

/* ---- a small, strict JSON reader for records ----
 * jansson builds a tree of every record (hash tables, one allocation per
 * value); a record here needs a dozen strings, so the reader below
 * validates the syntax of the whole record and keeps only those. */

typedef struct {
    const char *s, *end, *err; /* err: static text */
    const char *at;           /* where the error is */
} jr;

static void jr_fail(jr *j, const char *p, const char *why)
{
    if (!j->err) {
        j->err = why;
        j->at = p;
    }
}

static const char *jr_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')) p++;
    return p;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void put_utf8(strbuf *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) { u[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { u[0] = (char)(0xC0 | cp >> 6); u[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
    else if (cp < 0x10000) { u[0] = (char)(0xE0 | cp >> 12); u[1] = (char)(0x80 | (cp >> 6 & 0x3F)); u[2] = (char)(0x80 | (cp & 0x3F)); n = 3; }
    else { u[0] = (char)(0xF0 | cp >> 18); u[1] = (char)(0x80 | (cp >> 12 & 0x3F)); u[2] = (char)(0x80 | (cp >> 6 & 0x3F)); u[3] = (char)(0x80 | (cp & 0x3F)); n = 4; }
    sb_addn(b, u, n);
}

static int read_hex4(const char *p, const char *end)
{
    if (end - p < 4) return -1;
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval((unsigned char)p[i]);
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    return v;
}

/* A string at p (the opening quote). Decoded into *out when out != NULL.
 * Returns the position after the closing quote, or NULL. */
static const char *jr_string(jr *j, const char *p, char **out)
{
    const char *end = j->end, *q = p + 1, *run = q;
    strbuf b;
    sb_init(&b);
    while (q < end && *q != '"') {
        unsigned char c = (unsigned char)*q;
        if (c < 0x20) { jr_fail(j, q, "control character in a string"); goto bad; }
        if (c == '\\') {
            if (out) sb_addn(&b, run, (size_t)(q - run));
            if (q + 1 >= end) break;
            char e = q[1];
            q += 2;
            switch (e) {
            case '"': case '\\': case '/': if (out) sb_addn(&b, &e, 1); break;
            case 'b': if (out) sb_add(&b, "\b"); break;
            case 'f': if (out) sb_add(&b, "\f"); break;
            case 'n': if (out) sb_add(&b, "\n"); break;
            case 'r': if (out) sb_add(&b, "\r"); break;
            case 't': if (out) sb_add(&b, "\t"); break;
            case 'u': {
                int cp = read_hex4(q, end);
                if (cp < 0) { jr_fail(j, q, "bad \\u escape"); goto bad; }
                q += 4;
                if (cp >= 0xD800 && cp < 0xDC00) {
                    int lo = q + 1 < end && q[0] == '\\' && q[1] == 'u' ? read_hex4(q + 2, end) : -1;
                    if (lo < 0xDC00 || lo > 0xDFFF) { jr_fail(j, q, "unpaired surrogate in a \\u escape"); goto bad; }
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    q += 6;
                } else if (cp >= 0xDC00 && cp < 0xE000) { jr_fail(j, q, "unpaired surrogate in a \\u escape"); goto bad; }
                if (out) put_utf8(&b, (unsigned)cp);
                break;
            }
            default: jr_fail(j, q - 1, "bad escape in a string"); goto bad;
            }
            run = q;
            continue;
        }
        if (c >= 0x80) { /* UTF-8: the right number of continuation bytes */
            int n = c >= 0xF0 && c < 0xF5 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 && c < 0xE0 ? 1 : -1;
            if (n < 0 || end - q <= n) { jr_fail(j, q, "invalid UTF-8 in a string"); goto bad; }
            for (int k = 1; k <= n; k++)
                if (((unsigned char)q[k] & 0xC0) != 0x80) { jr_fail(j, q, "invalid UTF-8 in a string"); goto bad; }
            q += n + 1;
            continue;
        }
        q++;
    }
    if (q >= end) { jr_fail(j, end, "truncated document (string not closed)"); goto bad; }
    if (out && !b.s) { /* no escape: one allocation */
        *out = xstrndup(p + 1, (size_t)(q - p - 1));
        return q + 1;
    }
    if (out) {
        sb_addn(&b, run, (size_t)(q - run));
        if (!b.s) sb_add(&b, "");
        *out = sb_take(&b);
    }
    return q + 1;
bad:
    sb_free(&b);
    return NULL;
}

/* Object keys are short and escape-free in practice: copy them into a
 * static buffer (no allocation); a long or escaped key is decoded (owned). */
static char KEYBUF[64];
static const char *jr_key(jr *j, const char *p, char **out)
{
    const char *q = p + 1;
    while (q < j->end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20 && (unsigned char)*q < 0x80) q++;
    if (q < j->end && *q == '"' && (size_t)(q - p - 1) < sizeof KEYBUF) {
        memcpy(KEYBUF, p + 1, (size_t)(q - p - 1));
        KEYBUF[q - p - 1] = 0;
        *out = KEYBUF;
        return q + 1;
    }
    return jr_string(j, p, out);
}

static const char *jr_value(jr *j, const char *p, int depth);

static const char *jr_number(jr *j, const char *p, double *out)
{
    const char *q = p, *end = j->end;
    if (q < end && *q == '-') q++;
    if (q >= end || !isdigit((unsigned char)*q)) { jr_fail(j, p, "invalid JSON value"); return NULL; }
    if (*q == '0') q++;
    else while (q < end && isdigit((unsigned char)*q)) q++;
    if (q < end && *q == '.') {
        q++;
        if (q >= end || !isdigit((unsigned char)*q)) { jr_fail(j, q, "invalid number"); return NULL; }
        while (q < end && isdigit((unsigned char)*q)) q++;
    }
    if (q < end && (*q == 'e' || *q == 'E')) {
        q++;
        if (q < end && (*q == '+' || *q == '-')) q++;
        if (q >= end || !isdigit((unsigned char)*q)) { jr_fail(j, q, "invalid number"); return NULL; }
        while (q < end && isdigit((unsigned char)*q)) q++;
    }
    /* A number no double can hold is refused here as merge (jansson) refuses
     * it, so every command reads the same documents. */
    char tmp[512];
    if ((size_t)(q - p) >= sizeof tmp) { jr_fail(j, p, "number too long"); return NULL; }
    memcpy(tmp, p, (size_t)(q - p));
    tmp[q - p] = 0;
    double v = strtod(tmp, NULL);
    if (isinf(v)) { jr_fail(j, p, "real number overflow"); return NULL; }
    if (out) *out = v;
    return q;
}

/* Any value, validated and skipped. */
static const char *jr_value(jr *j, const char *p, int depth)
{
    const char *end = j->end;
    p = jr_ws(p, end);
    if (p >= end) { jr_fail(j, p, "truncated document"); return NULL; }
    if (depth > 64) { jr_fail(j, p, "nested too deeply"); return NULL; }
    switch (*p) {
    case '"': return jr_string(j, p, NULL);
    case '{': case '[': {
        char close = *p == '{' ? '}' : ']';
        bool obj = *p == '{';
        p = jr_ws(p + 1, end);
        if (p < end && *p == close) return p + 1;
        for (;;) {
            if (obj) {
                if (p >= end || *p != '"') { jr_fail(j, p, p >= end ? "truncated document" : "object key is not a string"); return NULL; }
                if (!(p = jr_string(j, p, NULL))) return NULL;
                p = jr_ws(p, end);
                if (p >= end || *p != ':') { jr_fail(j, p, p >= end ? "truncated document" : "expected ':'"); return NULL; }
                p++;
            }
            if (!(p = jr_value(j, p, depth + 1))) return NULL;
            p = jr_ws(p, end);
            if (p < end && *p == ',') { p = jr_ws(p + 1, end); continue; }
            if (p < end && *p == close) return p + 1;
            jr_fail(j, p, p >= end ? "truncated document" : obj ? "expected ',' or '}'" : "expected ',' or ']'");
            return NULL;
        }
    }
    case 't': if (end - p >= 4 && !memcmp(p, "true", 4)) return p + 4; break;
    case 'f': if (end - p >= 5 && !memcmp(p, "false", 5)) return p + 5; break;
    case 'n': if (end - p >= 4 && !memcmp(p, "null", 4)) return p + 4; break;
    default: return jr_number(j, p, NULL);
    }
    jr_fail(j, p, "invalid JSON value");
    return NULL;
}

static const char *const REC_FIELDS[] = { "go", "goos", "goarch", "buildmode", "host", "case", "area", "status",
                                          "expect", "detail", "stderr_head", "upstream", "schema" };
enum { F_GO, F_GOOS, F_GOARCH, F_MODE, F_HOST, F_CASE, F_AREA, F_STATUS, F_EXPECT, F_DETAIL, F_STDERR, F_UPSTREAM,
       F_SCHEMA, NF };

static const char *const OUTCOME_KINDS[] = { "exit", "signal", "timeout", "build-fail", "unsupported", "none", NULL };

static bool in_set(const char *s, const char *const *set)
{
    for (; s && *set; set++)
        if (!strcmp(s, *set)) return true;
    return false;
}

/* One record at p. On success fills r and returns the end; else NULL with
 * j->err set, or *why (owned) for a record that is valid JSON but not a
 * valid record. */
static const char *jr_record(jr *j, const char *p, rrec *r, char **why)
{
    const char *end = j->end, *start = p;
    char *f[NF] = { 0 };
    char *okind = NULL, *osig = NULL;
    double ocode = 0, dur = 0;
    unsigned trials = 0, trials_met = 0;
    bool have_code = false, have_dur = false, have_outcome = false, have_ev = false, have_claims = false;
    strlist claims = { 0 };
    *why = NULL;
    if (p >= end || *p != '{') { jr_fail(j, p, p >= end ? "truncated document" : "record is not a JSON object"); return NULL; }
    p = jr_ws(p + 1, end);
    bool empty = p < end && *p == '}';
    if (empty) p++;
    while (!empty) {
        char *key = NULL;
        if (p >= end || *p != '"') { jr_fail(j, p, p >= end ? "truncated document" : "object key is not a string"); goto bad; }
        if (!(p = jr_key(j, p, &key))) goto bad;
        p = jr_ws(p, end);
        if (p >= end || *p != ':') {
            if (key != KEYBUF) free(key);
            jr_fail(j, p, p >= end ? "truncated document" : "expected ':'");
            goto bad;
        }
        p = jr_ws(p + 1, end);
        int fi = -1;
        for (int k = 0; k < NF; k++)
            if (!strcmp(key, REC_FIELDS[k])) fi = k;
        if (fi >= 0 && p < end && *p == '"') {
            free(f[fi]);
            f[fi] = NULL;
            p = jr_string(j, p, &f[fi]);
        } else if (!strcmp(key, "outcome") && p < end && *p == '{') {
            have_outcome = true;
            const char *q = jr_ws(p + 1, end);
            bool done = q < end && *q == '}';
            if (done) p = q + 1;
            while (!done) {
                char *k2 = NULL;
                if (q >= end || *q != '"') { jr_fail(j, q, q >= end ? "truncated document" : "object key is not a string"); p = NULL; break; }
                if (!(q = jr_key(j, q, &k2))) { p = NULL; break; }
                q = jr_ws(q, end);
                if (q >= end || *q != ':') {
                    if (k2 != KEYBUF) free(k2);
                    jr_fail(j, q, "expected ':'");
                    p = NULL;
                    break;
                }
                q = jr_ws(q + 1, end);
                if (!strcmp(k2, "kind") && q < end && *q == '"') { free(okind); okind = NULL; q = jr_string(j, q, &okind); }
                else if (!strcmp(k2, "signal") && q < end && *q == '"') { free(osig); osig = NULL; q = jr_string(j, q, &osig); }
                else if (!strcmp(k2, "code") && q < end && (*q == '-' || isdigit((unsigned char)*q))) { q = jr_number(j, q, &ocode); have_code = true; }
                else q = jr_value(j, q, 2);
                if (k2 != KEYBUF) free(k2);
                if (!q) { p = NULL; break; }
                q = jr_ws(q, end);
                if (q < end && *q == ',') { q = jr_ws(q + 1, end); continue; }
                if (q < end && *q == '}') { p = q + 1; break; }
                jr_fail(j, q, q >= end ? "truncated document" : "expected ',' or '}'");
                p = NULL;
                break;
            }
        } else if (!strcmp(key, "claims") && p < end && *p == '[') {
            have_claims = true;
            const char *q = jr_ws(p + 1, end);
            if (q < end && *q == ']') p = q + 1;
            else for (;;) {
                if (q < end && *q == '"') {
                    char *c = NULL;
                    if (!(q = jr_string(j, q, &c))) { p = NULL; break; }
                    sl_add_owned(&claims, c);
                } else if (!(q = jr_value(j, q, 2))) { p = NULL; break; }
                q = jr_ws(q, end);
                if (q < end && *q == ',') { q = jr_ws(q + 1, end); continue; }
                if (q < end && *q == ']') { p = q + 1; break; }
                jr_fail(j, q, q >= end ? "truncated document" : "expected ',' or ']'");
                p = NULL;
                break;
            }
        } else if (!strcmp(key, "duration_ms") && p < end && (*p == '-' || isdigit((unsigned char)*p))) {
            p = jr_number(j, p, &dur);
            have_dur = true;
        } else if (!strcmp(key, "trials") && p < end && *p == '{') {
            /* {"n": 20, "met": 1, "seed": …, "outcomes": {…}}: rare and small. */
            const char *q = jr_value(j, p, 1);
            json_t *t = q ? json_loadb(p, (size_t)(q - p), 0, NULL) : NULL;
            json_int_t n = json_integer_value(json_object_get(t, "n")), met = json_integer_value(json_object_get(t, "met"));
            if (n > 0 && met >= 0 && met <= n) {
                trials = (unsigned)n;
                trials_met = (unsigned)met;
            }
            json_decref(t);
            p = q;
        } else {
            if (!strcmp(key, "evidence") && p < end && *p == '{') have_ev = true;
            p = jr_value(j, p, 1);
        }
        if (key != KEYBUF) free(key);
        if (!p) goto bad;
        p = jr_ws(p, end);
        if (p < end && *p == ',') { p = jr_ws(p + 1, end); continue; }
        if (p < end && *p == '}') { p++; break; }
        jr_fail(j, p, p >= end ? "truncated document" : "expected ',' or '}'");
        goto bad;
    }
    /* The same rules as record_validate. */
    if (!f[F_SCHEMA]) *why = xstrdup("record has no \"schema\"");
    else if (strcmp(f[F_SCHEMA], RECORD_SCHEMA))
        *why = xasprintf("unknown record schema \"%s\" (this gocompat reads %s)", f[F_SCHEMA], RECORD_SCHEMA);
    for (int k = 0; !*why && k < F_STDERR; k++)
        if (!f[k]) *why = xasprintf("record lacks string field \"%s\"", REC_FIELDS[k]);
    if (!*why && rec_status_parse(f[F_STATUS]) == STATUS_UNKNOWN) *why = xasprintf("record has unknown status \"%s\"", f[F_STATUS]);
    if (!*why && (!have_outcome || !in_set(okind, OUTCOME_KINDS))) *why = xstrdup("record has no valid \"outcome\".kind");
    if (!*why && !have_ev) *why = xstrdup("record lacks object \"evidence\"");
    if (!*why && !have_claims) *why = xstrdup("record lacks array \"claims\"");
    if (!*why && !have_dur) *why = xstrdup("record lacks number \"duration_ms\"");
    if (*why) goto bad;
    r->release = xstrdup(f[F_GO]);
    r->go = f[F_GO]; r->goos = f[F_GOOS]; r->goarch = f[F_GOARCH]; r->buildmode = f[F_MODE]; r->host = f[F_HOST];
    r->kase = f[F_CASE]; r->area = f[F_AREA]; r->status = f[F_STATUS]; r->expect = f[F_EXPECT]; r->detail = f[F_DETAIL];
    r->stderr_head = f[F_STDERR] ? f[F_STDERR] : xstrdup("");
    r->upstream = f[F_UPSTREAM] && *f[F_UPSTREAM] ? f[F_UPSTREAM] : NULL;
    if (f[F_UPSTREAM] && !r->upstream) free(f[F_UPSTREAM]);
    free(f[F_SCHEMA]);
    if (!strcmp(okind, "exit")) r->outcome = have_code ? xasprintf("exit %.0f", ocode) : xstrdup("exit");
    else if (!strcmp(okind, "signal")) r->outcome = xasprintf("signal %s", osig ? osig : "?");
    else r->outcome = xstrdup(okind);
    free(okind);
    free(osig);
    r->duration_ms = dur;
    r->trials = trials;
    r->trials_met = trials_met;
    r->claims = claims;
    r->json = compact_for_html(start, (size_t)(p - start));
    char *key = xasprintf("%s|%s|%s|%s|%s", r->go, r->goarch, r->buildmode, r->host, r->kase);
    rrec_id(key, r->id);
    free(key);
    return p;
bad:
    for (int k = 0; k < NF; k++) free(f[k]);
    free(okind);
    free(osig);
    sl_free(&claims);
    return NULL;
}

static void rrec_free(rrec *r)
{
    free(r->go); free(r->release); free(r->goos); free(r->goarch); free(r->buildmode); free(r->host); free(r->kase);
    free(r->area); free(r->status); free(r->expect); free(r->detail); free(r->stderr_head);
    free(r->upstream); free(r->outcome); free(r->json);
    sl_free(&r->claims);
}

void rmodel_free(rmodel *m)
{
    for (size_t i = 0; i < m->n; i++) rrec_free(&m->v[i]);
    free(m->v);
    free(m->path);
    free(m->generated);
    sl_free(&m->gos);
    json_decref(m->toolchains);
    memset(m, 0, sizeof *m);
}

typedef struct {
    const char *path, *s;
    size_t n, pos;
    char *err;
} scan;

static void ws(scan *sc)
{
    while (sc->pos < sc->n && isspace((unsigned char)sc->s[sc->pos])) sc->pos++;
}

static int line_of(const scan *sc, size_t pos)
{
    int line = 1;
    for (size_t i = 0; i < pos && i < sc->n; i++) line += sc->s[i] == '\n';
    return line;
}

static int fail_at(scan *sc, size_t pos, const char *why)
{
    if (!sc->err) sc->err = xasprintf("%s:%d: %s", sc->path, line_of(sc, pos), why);
    return -1;
}

/* Decode one JSON value at the current position. */
static json_t *value(scan *sc)
{
    ws(sc);
    if (sc->pos >= sc->n) {
        fail_at(sc, sc->pos, "truncated document (unexpected end of file)");
        return NULL;
    }
    json_error_t je;
    json_t *v = json_loadb(sc->s + sc->pos, sc->n - sc->pos, JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK, &je);
    if (!v) {
        size_t at = sc->pos + (je.position > 0 ? (size_t)je.position : 0);
        char *why = at >= sc->n ? xasprintf("truncated document: %s", je.text) : xasprintf("invalid JSON: %s", je.text);
        fail_at(sc, at, why);
        free(why);
        return NULL;
    }
    sc->pos += (size_t)je.position;
    return v;
}

static bool expect_char(scan *sc, char c)
{
    ws(sc);
    if (sc->pos < sc->n && sc->s[sc->pos] == c) {
        sc->pos++;
        return true;
    }
    return false;
}

static int cmp_ver(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    int c = go_version_cmp(x, y);
    return c ? c : strcmp(x, y); /* "go1.22.12" before "go1.22.12/arm64" */
}

/* With several architectures in one document, a release column is a
 * (release, arch) pair: records of any arch but the native one get the key
 * "go1.22.12/arm64", which every view then treats as its own column, test
 * suite, filter value and ledger column. The native arch is that of the
 * toolchains run without an emulator; failing those, the most common. */
static void key_releases_by_arch(rmodel *m)
{
    json_t *count = json_object();
    const char *top = NULL;
    json_int_t best = 0;
    for (size_t i = 0; i < m->n; i++) {
        json_int_t c = json_integer_value(json_object_get(count, m->v[i].goarch)) + 1;
        json_object_set_new(count, m->v[i].goarch, json_integer(c));
        if (c > best) { best = c; top = m->v[i].goarch; }
    }
    size_t k;
    json_t *t;
    json_array_foreach(m->toolchains, k, t) {
        const char *a = json_string_value(json_object_get(t, "goarch"));
        if (a && !json_object_get(t, "emulator") && json_object_get(count, a)) {
            top = a;
            break;
        }
    }
    if (json_object_size(count) > 1) {
        char *native = xstrdup(top);
        for (size_t i = 0; i < m->n; i++) {
            if (!strcmp(m->v[i].goarch, native)) continue;
            char *k = xasprintf("%s/%s", m->v[i].go, m->v[i].goarch);
            free(m->v[i].go);
            m->v[i].go = k;
        }
        free(native);
    }
    json_decref(count);
}

static int load_records(scan *sc, rmodel *m)
{
    if (!expect_char(sc, '[')) return fail_at(sc, sc->pos, "\"records\" is not an array");
    if (expect_char(sc, ']')) return 0;
    size_t cap = 0;
    jr j = { .s = sc->s, .end = sc->s + sc->n };
    for (;;) {
        ws(sc);
        if (m->n == cap) {
            cap = cap ? cap * 2 : 256;
            m->v = xrealloc(m->v, cap * sizeof *m->v);
        }
        char *why = NULL;
        const char *e = jr_record(&j, sc->s + sc->pos, &m->v[m->n], &why);
        if (!e) {
            if (why) {
                char *msg = xasprintf("record %zu: %s", m->n, why);
                fail_at(sc, sc->pos, msg);
                free(msg);
                free(why);
            } else {
                const char *what = j.err;
                char *msg = str_prefix(what, "truncated") ? xstrdup(what) : xasprintf("invalid JSON: %s", what);
                fail_at(sc, (size_t)(j.at - sc->s), msg);
                free(msg);
            }
            return -1;
        }
        m->n++;
        sc->pos = (size_t)(e - sc->s);
        if (expect_char(sc, ',')) continue;
        if (expect_char(sc, ']')) return 0;
        return fail_at(sc, sc->pos, sc->pos >= sc->n ? "truncated document (records array not closed)"
                                                      : "invalid JSON: expected ',' or ']' after a record");
    }
}

int rmodel_load(const char *path, rmodel *m, char **err)
{
    memset(m, 0, sizeof *m);
    *err = NULL;
    size_t len = 0;
    char *text = NULL;
    void *map = NULL;
    /* The input policy of read_input, but a document is mapped (no copy of
     * a 60 MB file); O_NONBLOCK and the fstat keep a FIFO from blocking us. */
    struct stat st;
    int fd = open_input(path, &st, GC_INPUT_MAX);
    if (fd >= 0 && st.st_size > 0) {
        map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) map = NULL;
        else {
            madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
            len = (size_t)st.st_size;
        }
    }
    if (fd >= 0) close(fd);
    if (map && text_problem(map, len) >= 0) {
        munmap(map, len);
        map = NULL;
    }
    if (!map) {
        text = read_input(path, &len, true, err);
        if (!text) return -1;
    }
    scan sc = { .path = path, .s = map ? map : text, .n = len };
    m->path = xstrdup(path);
    const char *schema = NULL;
    char *schema_own = NULL;
    bool have_records = false;
    int rc = 0;
    if (!expect_char(&sc, '{')) {
        rc = fail_at(&sc, sc.pos, sc.pos >= sc.n ? "empty file, not a gocompat matrix" : "not a gocompat matrix (not a JSON object)");
        goto out;
    }
    if (!expect_char(&sc, '}')) {
        for (;;) {
            ws(&sc);
            size_t kpos = sc.pos;
            json_t *k = value(&sc);
            if (!k) { rc = -1; goto out; }
            if (!json_is_string(k)) {
                json_decref(k);
                rc = fail_at(&sc, kpos, "invalid JSON: object key is not a string");
                goto out;
            }
            char *key = xstrdup(json_string_value(k));
            json_decref(k);
            if (!expect_char(&sc, ':')) {
                free(key);
                rc = fail_at(&sc, sc.pos, sc.pos >= sc.n ? "truncated document" : "invalid JSON: expected ':'");
                goto out;
            }
            if (!strcmp(key, "records")) {
                free(key);
                have_records = true;
                if (load_records(&sc, m) < 0) { rc = -1; goto out; }
            } else {
                json_t *v = value(&sc);
                if (!v) { free(key); rc = -1; goto out; }
                if (!strcmp(key, "schema") && json_is_string(v)) {
                    free(schema_own);
                    schema_own = xstrdup(json_string_value(v));
                    schema = schema_own;
                } else if (!strcmp(key, "generated") && json_is_string(v)) {
                    free(m->generated);
                    m->generated = xstrdup(json_string_value(v));
                } else if (!strcmp(key, "toolchains") && json_is_array(v)) {
                    json_decref(m->toolchains);
                    m->toolchains = json_incref(v);
                }
                json_decref(v);
                free(key);
            }
            if (expect_char(&sc, ',')) continue;
            if (expect_char(&sc, '}')) break;
            rc = fail_at(&sc, sc.pos, sc.pos >= sc.n ? "truncated document (object not closed)" : "invalid JSON: expected ',' or '}'");
            goto out;
        }
    }
    ws(&sc);
    if (sc.pos < sc.n) { rc = fail_at(&sc, sc.pos, "invalid JSON: text after the document"); goto out; }
    if (!schema) { rc = fail_at(&sc, 0, "not a gocompat matrix (no \"schema\")"); goto out; }
    if (strcmp(schema, MATRIX_SCHEMA)) {
        char *why = xasprintf("unknown schema \"%s\" (this gocompat reads %s)", schema, MATRIX_SCHEMA);
        free(sc.err);
        sc.err = xasprintf("%s: %s", path, why);
        free(why);
        rc = -1;
        goto out;
    }
    if (!have_records) { free(sc.err); sc.err = xasprintf("%s: no \"records\" array", path); rc = -1; goto out; }
    if (!m->generated) m->generated = xstrdup("");
    if (!m->toolchains) m->toolchains = json_array();
    key_releases_by_arch(m);
    json_t *seen = json_object();
    for (size_t i = 0; i < m->n; i++)
        if (!json_object_get(seen, m->v[i].go)) {
            json_object_set_new(seen, m->v[i].go, json_true());
            sl_add(&m->gos, m->v[i].go);
        }
    json_decref(seen);
    if (m->gos.n > 1) qsort(m->gos.v, m->gos.n, sizeof *m->gos.v, cmp_ver);
    for (size_t i = 0; i < m->n; i++)
        for (size_t g = 0; g < m->gos.n; g++)
            if (!strcmp(m->gos.v[g], m->v[i].go)) m->v[i].gi = g;
out:
    free(schema_own);
    free(text);
    if (map) munmap(map, len);
    if (rc < 0) {
        /* A schema error is the clearer message when both apply. */
        *err = sc.err ? sc.err : xasprintf("%s: unreadable matrix", path);
        rmodel_free(m);
    }
    return rc;
}

void rmodel_counts(const rmodel *m, const char *go, size_t counts[STATUS_COUNT])
{
    memset(counts, 0, STATUS_COUNT * sizeof *counts);
    for (size_t i = 0; i < m->n; i++) {
        rec_status s = rec_status_parse(m->v[i].status);
        if ((!go || !strcmp(go, m->v[i].go)) && s != STATUS_UNKNOWN) counts[s]++;
    }
}

/* ---- escapes ---- */

void xml_escape(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    for (; *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        case '\t': case '\n': case '\r': fputc(*p, f); break;
        default:
            if (*p < 0x20 || *p == 0x7f) fprintf(f, "\\x%02x", *p); /* not allowed in XML 1.0 */
            else if (*p == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF)) { fputs("\\ufffe", f); p += 2; }
            else fputc(*p, f);
        }
    }
}

void json_str(FILE *f, const char *s, bool html)
{
    fputc('"', f);
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\' && !(html && c == '<')) continue;
        fwrite(run, 1, (size_t)(s - run), f);
        run = s + 1;
        if (c == '"') fputs("\\\"", f);
        else if (c == '\\') fputs("\\\\", f);
        else if (c == '\n') fputs("\\n", f);
        else if (c == '\t') fputs("\\t", f);
        else if (c == '\r') fputs("\\r", f);
        else fprintf(f, "\\u%04x", c);
    }
    fwrite(run, 1, (size_t)(s - run), f);
    fputc('"', f);
}

void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void md_cell(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|') fputs("\\|", f);
        else if (*s == '\n') fputs("<br>", f);
        else if ((unsigned char)*s < 0x20 || *s == 0x7f) continue;
        else if (*s == '<') fputs("&lt;", f);
        else if (*s == '>') fputs("&gt;", f);
        else if (*s == '&') fputs("&amp;", f);
        else fputc(*s, f);
    }
}

/* ---- atomic files ---- */

int afile_open(afile *a, const char *path)
{
    memset(a, 0, sizeof *a);
    a->path = xstrdup(path);
    a->tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    if (check_replaceable(path) < 0) {
        int e = errno;
        free(a->path);
        free(a->tmp);
        a->path = a->tmp = NULL;
        errno = e;
        return -1;
    }
    temp_register(a->tmp);
    int fd = open(a->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0 || !(a->f = fdopen(fd, "w"))) {
        int e = errno;
        if (fd >= 0) { close(fd); unlink(a->tmp); }
        temp_unregister(a->tmp);
        free(a->path);
        free(a->tmp);
        a->path = a->tmp = NULL;
        errno = e;
        return -1;
    }
    setvbuf(a->f, NULL, _IOFBF, 1 << 16);
    return 0;
}

int afile_commit(afile *a)
{
    int rc = 0, e = 0;
    if (fflush(a->f) != 0 || ferror(a->f) || fsync(fileno(a->f)) < 0) { rc = -1; e = errno ? errno : EIO; }
    if (fclose(a->f) != 0 && !rc) { rc = -1; e = errno; }
    if (!rc && check_replaceable(a->path) < 0) { rc = -1; e = errno; }
    if (!rc && rename(a->tmp, a->path) < 0) { rc = -1; e = errno; }
    if (rc) unlink(a->tmp);
    temp_unregister(a->tmp);
    free(a->path);
    free(a->tmp);
    memset(a, 0, sizeof *a);
    errno = e;
    return rc;
}

void afile_abort(afile *a)
{
    if (a->f) fclose(a->f);
    if (a->tmp) { unlink(a->tmp); temp_unregister(a->tmp); }
    free(a->path);
    free(a->tmp);
    memset(a, 0, sizeof *a);
}
