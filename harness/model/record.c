#define _GNU_SOURCE
#include "record.h"
#include "goversion.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static const char *sget(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

char *record_cell_key(json_t *r)
{
    const char *f[] = { sget(r, "go"), sget(r, "goarch"), sget(r, "buildmode"), sget(r, "host"), sget(r, "case") };
    return xasprintf("%s|%s|%s|%s|%s", f[0] ? f[0] : "?", f[1] ? f[1] : "?", f[2] ? f[2] : "?",
                     f[3] ? f[3] : "?", f[4] ? f[4] : "?");
}

static bool in(const char *s, const char *const *set)
{
    for (; s && *set; set++)
        if (strcmp(s, *set) == 0) return true;
    return false;
}

char *record_validate(json_t *r)
{
    if (!json_is_object(r)) return xstrdup("record is not a JSON object");
    const char *schema = sget(r, "schema");
    if (!schema) return xstrdup("record has no \"schema\"");
    if (strcmp(schema, RECORD_SCHEMA)) return xasprintf("unknown record schema \"%s\" (this gocompat reads %s)", schema, RECORD_SCHEMA);
    static const char *const req[] = { "go", "goos", "goarch", "buildmode", "host", "case", "area", "status", "expect", "detail" };
    for (size_t i = 0; i < GC_ARRAY_LEN(req); i++)
        if (!json_is_string(json_object_get(r, req[i]))) return xasprintf("record lacks string field \"%s\"", req[i]);
    if (rec_status_parse(sget(r, "status")) == STATUS_UNKNOWN) return xasprintf("record has unknown status \"%s\"", sget(r, "status"));
    json_t *o = json_object_get(r, "outcome");
    if (!json_is_object(o) || !in(sget(o, "kind"), RECORD_OUTCOME_KINDS)) return xstrdup("record has no valid \"outcome\".kind");
    if (!json_is_object(json_object_get(r, "evidence"))) return xstrdup("record lacks object \"evidence\"");
    if (!json_is_array(json_object_get(r, "claims"))) return xstrdup("record lacks array \"claims\"");
    if (!json_is_number(json_object_get(r, "duration_ms"))) return xstrdup("record lacks number \"duration_ms\"");
    return NULL;
}

int journal_open(journal *j, const char *path, bool truncate)
{
    j->path = xstrdup(path);
    j->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0644);
    if (j->fd < 0) {
        int e = errno;
        free(j->path);
        j->path = NULL;
        errno = e;
        return -1;
    }
    return 0;
}

int journal_rewrite(const char *path, json_t *records)
{
    strbuf b;
    sb_init(&b);
    sb_addn(&b, "", 0);
    size_t i;
    json_t *r;
    json_array_foreach(records, i, r) {
        char *line = json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS);
        if (line) sb_add(&b, line);
        sb_add(&b, "\n");
        free(line);
    }
    int rc = write_file_atomic(path, b.s, b.len);
    int e = errno;
    sb_free(&b);
    errno = e;
    return rc;
}

int journal_append(journal *j, json_t *rec)
{
    char *line = json_dumps(rec, JSON_COMPACT | JSON_SORT_KEYS);
    if (!line) { errno = EINVAL; return -1; }
    size_t n = strlen(line);
    line = xrealloc(line, n + 2);
    line[n++] = '\n';
    line[n] = 0;
    flock(j->fd, LOCK_EX);
    off_t start = lseek(j->fd, 0, SEEK_END);
    ssize_t w = write(j->fd, line, n);
    int e = errno;
    if (w != (ssize_t)n) {
        /* A short write (disk full) would leave a torn line: cut it off. */
        if (w > 0 && start >= 0 && ftruncate(j->fd, start) < 0) { /* best effort */ }
        if (w >= 0) e = ENOSPC;
    }
    flock(j->fd, LOCK_UN);
    free(line);
    if (w != (ssize_t)n) { errno = e; return -1; }
    return 0;
}

void journal_close(journal *j)
{
    if (j->fd >= 0) close(j->fd);
    j->fd = -1;
    free(j->path);
    j->path = NULL;
}

int journal_load(const char *path, json_t *records, strlist *errs)
{
    size_t len;
    char *text = read_file(path, &len);
    if (!text) return -1;
    int bad = journal_parse(text, len, path, records, errs);
    free(text);
    return bad;
}

int journal_parse(const char *text, size_t len, const char *path, json_t *records, strlist *errs)
{
    int bad = 0, lineno = 0;
    const char *p = text;
    while (p < text + len) {
        const char *nl = memchr(p, '\n', (size_t)(text + len - p));
        lineno++;
        if (!nl) { /* no newline: the writer died mid-line */
            sl_add_owned(errs, xasprintf("%s:%d: torn last line (ignored)", path, lineno));
            bad++;
            break;
        }
        if (nl > p) {
            json_error_t je;
            json_t *r = json_loadb(p, (size_t)(nl - p), 0, &je);
            char *why = r ? record_validate(r) : xasprintf("invalid JSON: %s", je.text);
            if (why) {
                sl_add_owned(errs, xasprintf("%s:%d: %s", path, lineno, why));
                free(why);
                json_decref(r);
                bad++;
            } else
                json_array_append_new(records, r);
        }
        p = nl + 1;
    }
    return bad;
}

static int cmp_canonical(const void *a, const void *b)
{
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    const char *gx = sget(x, "go"), *gy = sget(y, "go");
    int c = go_version_cmp(gx ? gx : "", gy ? gy : "");
    if (c) return c;
    static const char *const keys[] = { "goarch", "case", "buildmode", "host" };
    for (size_t i = 0; i < GC_ARRAY_LEN(keys); i++) {
        const char *p = sget(x, keys[i]), *q = sget(y, keys[i]);
        c = strcmp(p ? p : "", q ? q : "");
        if (c) return c;
    }
    return 0;
}

void records_sort_canonical(json_t *records)
{
    size_t n = json_array_size(records);
    if (n < 2) return;
    json_t **v = xmalloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++) v[i] = json_incref(json_array_get(records, i));
    qsort(v, n, sizeof *v, cmp_canonical);
    json_array_clear(records);
    for (size_t i = 0; i < n; i++) json_array_append_new(records, v[i]);
    free(v);
}
