/* The compact model the renderers use: model/matrix.c reads the document
 * one record at a time, and each record is reduced here to the dozen
 * strings a view needs, then let go, so a 50 000-record matrix fits in a
 * small memory budget. */
#define _GNU_SOURCE
#include "report.h"
#include "record.h"
#include "goversion.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void rrec_id(const char *key, char out[16])
{
    uint64_t h = fnv1a64(FNV1A64_INIT, key, strlen(key));
    snprintf(out, 16, "r%012llx", (unsigned long long)(h & 0xffffffffffffULL));
}

char *rrec_label(const rrec *r) { return xasprintf("%s %s %s", r->kase, r->host, r->buildmode); }

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

static char *str_or_empty(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return xstrdup(s ? s : "");
}

/* "exit 0", "signal SIGSEGV", "timeout" … */
static char *outcome_text(json_t *o)
{
    const char *kind = json_string_value(json_object_get(o, "kind"));
    json_t *code = json_object_get(o, "code");
    rec_outcome k = rec_outcome_parse(kind);
    if (k == OUTCOME_EXIT) return json_is_number(code) ? xasprintf("exit %.0f", json_number_value(code)) : xstrdup("exit");
    if (k == OUTCOME_SIGNAL) {
        const char *sig = json_string_value(json_object_get(o, "signal"));
        return xasprintf("signal %s", sig ? sig : "?");
    }
    return xstrdup(kind);
}

/* {"n": 20, "met": 1, …}: how many of the trials met the expectation. */
static void reduce_trials(json_t *t, rrec *r)
{
    json_int_t n = json_integer_value(json_object_get(t, "n")), met = json_integer_value(json_object_get(t, "met"));
    if (n > 0 && met >= 0 && met <= n) {
        r->trials = (unsigned)n;
        r->trials_met = (unsigned)met;
    }
}

/* One valid record (record_validate has seen it), and its text. */
static void rrec_reduce(json_t *j, const char *text, size_t len, rrec *r)
{
    memset(r, 0, sizeof *r);
    r->go = str_or_empty(j, "go");
    r->release = str_or_empty(j, "go");
    r->goos = str_or_empty(j, "goos");
    r->goarch = str_or_empty(j, "goarch");
    r->buildmode = str_or_empty(j, "buildmode");
    r->host = str_or_empty(j, "host");
    r->kase = str_or_empty(j, "case");
    r->area = str_or_empty(j, "area");
    r->st = rec_status_parse(json_string_value(json_object_get(j, "status")));
    r->status = rec_status_name(r->st);
    r->expect = str_or_empty(j, "expect");
    r->detail = str_or_empty(j, "detail");
    r->stderr_head = str_or_empty(j, "stderr_head");
    const char *up = json_string_value(json_object_get(j, "upstream"));
    r->upstream = up && *up ? xstrdup(up) : NULL;
    r->outcome = outcome_text(json_object_get(j, "outcome"));
    r->duration_ms = json_number_value(json_object_get(j, "duration_ms"));
    reduce_trials(json_object_get(j, "trials"), r);
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(j, "claims"), i, c)
        if (json_is_string(c)) sl_add(&r->claims, json_string_value(c));
    r->json = compact_for_html(text, len);
    char *key = record_cell_key(j);
    rrec_id(key, r->id);
    free(key);
}

static void rrec_free(rrec *r)
{
    free(r->go); free(r->release); free(r->goos); free(r->goarch); free(r->buildmode); free(r->host); free(r->kase);
    free(r->area); free(r->expect); free(r->detail); free(r->stderr_head);
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

typedef struct { rmodel *m; size_t cap; } loader;

static void add_record(void *vp, json_t *rec, const char *text, size_t len)
{
    loader *ld = vp;
    rmodel *m = ld->m;
    if (m->n == ld->cap) {
        ld->cap = ld->cap ? ld->cap * 2 : 256;
        m->v = xrealloc(m->v, ld->cap * sizeof *m->v);
    }
    rrec_reduce(rec, text, len, &m->v[m->n++]);
}

/* The release columns present, oldest first, and each record's column. */
static void index_releases(rmodel *m)
{
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
}

int rmodel_load(const char *path, rmodel *m, char **err)
{
    memset(m, 0, sizeof *m);
    *err = NULL;
    loader ld = { .m = m };
    json_t *head;
    if (matrix_read(path, MATRIX_NO_EVIDENCE, &head, add_record, &ld, err) < 0) {
        rmodel_free(m);
        return -1;
    }
    m->path = xstrdup(path);
    const char *generated = json_string_value(json_object_get(head, "generated"));
    m->generated = xstrdup(generated ? generated : "");
    json_t *tcs = json_object_get(head, "toolchains");
    m->toolchains = json_is_array(tcs) ? json_incref(tcs) : json_array();
    json_decref(head);
    key_releases_by_arch(m);
    index_releases(m);
    return 0;
}

void rmodel_counts(const rmodel *m, const char *go, size_t counts[STATUS_COUNT])
{
    memset(counts, 0, STATUS_COUNT * sizeof *counts);
    for (size_t i = 0; i < m->n; i++)
        if (!go || !strcmp(go, m->v[i].go)) counts[m->v[i].st]++;
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
