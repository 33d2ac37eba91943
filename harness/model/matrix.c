/* The matrix document (gocompat.matrix/1): its one reader and its writer.
 *
 * A matrix of 50 000 records is about 60 MB of JSON; as one jansson tree it
 * takes over 300 MB. So the reader walks the top level of the document by
 * hand and decodes the records one at a time (json_loadb stops after one
 * value and says how many bytes it used): each is validated and handed to
 * the caller, who keeps it (merge, --resume) or reduces it and lets it go
 * (the views). Every command therefore accepts and refuses the same
 * documents, with the same messages. */
#define _GNU_SOURCE
#include "record.h"
#include "jskim.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    const char *path, *s;
    size_t n, pos;
    char *err;
    json_t *head;        /* every member but "records" */
    bool have_records;
    unsigned flags;      /* MATRIX_* */
    strbuf slim;         /* scratch: a record with {} for its evidence */
    matrix_each_fn each;
    void *ctx;
} scan;

static void ws(scan *sc)
{
    for (char c; sc->pos < sc->n && ((c = sc->s[sc->pos]) == ' ' || c == '\n' || c == '\t' || c == '\r');) sc->pos++;
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

/* A message about the document as a whole: no line. */
static int fail_doc(scan *sc, char *why)
{
    free(sc->err);
    sc->err = xasprintf("%s: %s", sc->path, why);
    free(why);
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

/* A record decoded without the contents of its evidence: most of its
 * text, and so of the cost of decoding it. NULL when the skimmer is unsure
 * of the text; the whole record is then left to jansson. */
static json_t *slim_record(scan *sc)
{
    const char *p = sc->s + sc->pos, *end = sc->s + sc->n;
    json_span ev;
    const char *e = json_skim_object(p, end, "evidence", &ev);
    if (!e) return NULL;
    const char *text = p;
    size_t len = (size_t)(e - p);
    if (ev.start) {
        sc->slim.len = 0;
        sb_addn(&sc->slim, p, (size_t)(ev.start - p));
        sb_add(&sc->slim, "{}");
        sb_addn(&sc->slim, ev.end, (size_t)(e - ev.end));
        text = sc->slim.s;
        len = sc->slim.len;
    }
    json_t *r = json_loadb(text, len, 0, NULL);
    if (r) sc->pos += (size_t)(e - p);
    return r;
}

/* The records array: each record decoded, validated, handed over, freed. */
static int read_records(scan *sc)
{
    if (!expect_char(sc, '[')) return fail_at(sc, sc->pos, "\"records\" is not an array");
    if (expect_char(sc, ']')) return 0;
    for (size_t i = 0;; i++) {
        ws(sc);
        size_t start = sc->pos;
        json_t *r = sc->flags & MATRIX_NO_EVIDENCE ? slim_record(sc) : NULL;
        if (!r && !(r = value(sc))) return -1;
        char *why = record_validate(r);
        if (why) {
            char *msg = xasprintf("record %zu: %s", i, why);
            fail_at(sc, start, msg);
            free(msg);
            free(why);
            json_decref(r);
            return -1;
        }
        sc->each(sc->ctx, r, sc->s + start, sc->pos - start);
        json_decref(r);
        if (expect_char(sc, ',')) continue;
        if (expect_char(sc, ']')) return 0;
        return fail_at(sc, sc->pos, sc->pos >= sc->n ? "truncated document (records array not closed)"
                                                      : "invalid JSON: expected ',' or ']' after a record");
    }
}

/* One member of the document object: "key": value. */
static int read_member(scan *sc)
{
    ws(sc);
    size_t kpos = sc->pos;
    json_t *k = value(sc);
    if (!k) return -1;
    if (!json_is_string(k)) {
        json_decref(k);
        return fail_at(sc, kpos, "invalid JSON: object key is not a string");
    }
    char *key = xstrdup(json_string_value(k));
    json_decref(k);
    int rc = 0;
    if (!expect_char(sc, ':')) rc = fail_at(sc, sc->pos, sc->pos >= sc->n ? "truncated document" : "invalid JSON: expected ':'");
    else if (!strcmp(key, "records")) {
        rc = sc->have_records ? fail_at(sc, kpos, "\"records\" appears twice") : read_records(sc);
        sc->have_records = true;
    } else {
        json_t *v = value(sc);
        if (v) json_object_set_new(sc->head, key, v);
        else rc = -1;
    }
    free(key);
    return rc;
}

static int read_document(scan *sc)
{
    if (!expect_char(sc, '{'))
        return fail_at(sc, sc->pos, sc->pos >= sc->n ? "empty file, not a gocompat matrix" : "not a gocompat matrix (not a JSON object)");
    if (!expect_char(sc, '}')) {
        for (;;) {
            if (read_member(sc) < 0) return -1;
            if (expect_char(sc, ',')) continue;
            if (expect_char(sc, '}')) break;
            return fail_at(sc, sc->pos, sc->pos >= sc->n ? "truncated document (object not closed)" : "invalid JSON: expected ',' or '}'");
        }
    }
    ws(sc);
    if (sc->pos < sc->n) return fail_at(sc, sc->pos, "invalid JSON: text after the document");
    const char *schema = json_string_value(json_object_get(sc->head, "schema"));
    if (!schema) return fail_at(sc, 0, "not a gocompat matrix (no \"schema\")");
    if (strcmp(schema, MATRIX_SCHEMA))
        return fail_doc(sc, xasprintf("unknown schema \"%s\" (this gocompat reads %s)", schema, MATRIX_SCHEMA));
    if (!sc->have_records) return fail_doc(sc, xstrdup("no \"records\" array"));
    return 0;
}

int matrix_read_text(const char *text, size_t len, const char *name, unsigned flags, json_t **head, matrix_each_fn each,
                     void *ctx, char **err)
{
    scan sc = { .path = name, .s = text, .n = len, .head = json_object(), .flags = flags, .each = each, .ctx = ctx };
    *head = NULL;
    long bad = text_problem(text, len);
    if (bad >= 0) fail_at(&sc, (size_t)bad, text[bad] ? "not valid UTF-8" : "a NUL byte in text");
    int rc = bad >= 0 ? -1 : read_document(&sc);
    sb_free(&sc.slim);
    if (rc < 0) {
        *err = sc.err ? sc.err : xasprintf("%s: unreadable matrix", name);
        json_decref(sc.head);
        return -1;
    }
    *head = sc.head;
    return 0;
}

/* The input policy of read_input, but a document is mapped (no copy of a
 * 60 MB file); open_input's checks keep a FIFO or a device from blocking us. */
static char *map_input(const char *path, size_t *len, bool *mapped, char **err)
{
    struct stat st;
    void *map = NULL;
    int fd = open_input(path, &st, GC_INPUT_MAX);
    if (fd < 0) {
        *err = xasprintf("%s: %s", path, gc_strerror(errno));
        return NULL;
    }
    if (st.st_size > 0) {
        map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) map = NULL;
        else {
            madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
            *len = (size_t)st.st_size;
        }
    }
    close(fd);
    *mapped = map != NULL;
    return map ? map : read_input(path, len, false, err);
}

int matrix_read(const char *path, unsigned flags, json_t **head, matrix_each_fn each, void *ctx, char **err)
{
    size_t len = 0;
    bool mapped;
    *head = NULL;
    char *text = map_input(path, &len, &mapped, err);
    if (!text) return -1;
    int rc = matrix_read_text(text, len, path, flags, head, each, ctx, err);
    if (mapped) munmap(text, len);
    else free(text);
    return rc;
}

static void keep_record(void *records, json_t *rec, const char *text, size_t len)
{
    (void)text;
    (void)len;
    json_array_append(records, rec);
}

/* The whole document as one tree, its records in "records". */
static json_t *whole(json_t *head, json_t *records)
{
    if (head) json_object_set_new(head, "records", records);
    else json_decref(records);
    return head;
}

json_t *matrix_load(const char *path, char **err)
{
    json_t *head, *records = json_array();
    matrix_read(path, 0, &head, keep_record, records, err);
    return whole(head, records);
}

json_t *matrix_parse(const char *text, size_t len, const char *name, char **err)
{
    json_t *head, *records = json_array();
    matrix_read_text(text, len, name, 0, &head, keep_record, records, err);
    return whole(head, records);
}

int matrix_write(const char *path, json_t *toolchains, json_t *records, json_t *extra)
{
    json_t *m = json_object();
    json_object_set_new(m, "schema", json_string(MATRIX_SCHEMA));
    char *ts = utc_timestamp();
    json_object_set_new(m, "generated", json_string(ts));
    free(ts);
    json_object_set_new(m, "toolchains", toolchains ? json_incref(toolchains) : json_array());
    json_object_set(m, "records", records);
    if (extra) json_object_update(m, extra);
    char *text = json_dumps(m, JSON_INDENT(1) | JSON_SORT_KEYS);
    json_decref(m);
    if (!text) { errno = ENOMEM; return -1; }
    size_t n = strlen(text);
    text = xrealloc(text, n + 2);
    text[n++] = '\n';
    int rc = write_file_atomic(path, text, n);
    int e = errno;
    free(text);
    errno = e;
    return rc;
}
