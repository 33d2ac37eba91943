#define _GNU_SOURCE
#include "table.h"
#include "record.h"
#include "goversion.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

const char *status_cell(rec_status s)
{
    static const char *const cell[] = { [STATUS_PASS] = "ok", [STATUS_FAIL] = "FAIL", [STATUS_XFAIL] = "xf",
                                        [STATUS_XPASS] = "XP", [STATUS_SKIP] = "skip", [STATUS_ERROR] = "ERR" };
    return (unsigned)s < STATUS_COUNT ? cell[s] : "?";
}

static const char *sget(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static rec_status status_of(json_t *r) { return rec_status_parse(sget(r, "status")); }

static int cmp_ver(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    int c = go_version_cmp(x, y);
    return c ? c : strcmp(x, y);
}

/* A column is a release, or release/arch once several arches are present. */
static char *column_of(json_t *r, bool by_arch)
{
    const char *go = sget(r, "go"), *arch = sget(r, "goarch");
    return by_arch ? xasprintf("%s/%s", go ? go : "?", arch ? arch : "?") : xstrdup(go ? go : "?");
}

char *table_render(json_t *records, bool color)
{
    strlist gos = { 0 }, rows = { 0 };
    json_t *row_index = json_object(), *go_index = json_object();
    size_t i;
    json_t *r;
    bool by_arch = false;
    json_array_foreach(records, i, r) {
        const char *a0 = sget(json_array_get(records, 0), "goarch"), *a = sget(r, "goarch");
        if (a0 && a && strcmp(a0, a)) by_arch = true;
    }
    json_array_foreach(records, i, r) {
        char *go = column_of(r, by_arch);
        if (!json_object_get(go_index, go)) {
            json_object_set_new(go_index, go, json_true());
            sl_add(&gos, go);
        }
        free(go);
        char *row = xasprintf("%s %s [%s]", sget(r, "case"), sget(r, "host"), sget(r, "buildmode"));
        if (!json_object_get(row_index, row)) {
            json_object_set_new(row_index, row, json_integer((json_int_t)rows.n));
            sl_add_owned(&rows, row);
        } else
            free(row);
    }
    if (gos.n > 1) qsort(gos.v, gos.n, sizeof *gos.v, cmp_ver);
    for (size_t g = 0; g < gos.n; g++) json_object_set_new(go_index, gos.v[g], json_integer((json_int_t)g));
    size_t w = 21;
    for (size_t k = 0; k < rows.n; k++)
        if (strlen(rows.v[k]) > w) w = strlen(rows.v[k]);
    unsigned char *cells = xcalloc(rows.n * (gos.n ? gos.n : 1), sizeof *cells); /* status + 1; 0: no cell */
    json_array_foreach(records, i, r) {
        char *row = xasprintf("%s %s [%s]", sget(r, "case"), sget(r, "host"), sget(r, "buildmode"));
        char *col = column_of(r, by_arch);
        json_t *ri = json_object_get(row_index, row), *gi = json_object_get(go_index, col);
        free(col);
        if (ri && gi) cells[(size_t)json_integer_value(ri) * gos.n + (size_t)json_integer_value(gi)] = (unsigned char)(status_of(r) + 1);
        free(row);
    }
    strbuf b;
    sb_init(&b);
    sb_addf(&b, "%-*s", (int)w, "case host [buildmode]");
    int cw = by_arch ? 12 : 6;
    for (size_t g = 0; g < gos.n; g++) {
        char *m = go_version_minor(gos.v[g]);
        const char *slash = strchr(gos.v[g], '/');
        char *label = xasprintf("%s%s", m ? m : gos.v[g], slash && m ? slash : "");
        sb_addf(&b, " %*s", cw, label);
        free(label);
        free(m);
    }
    sb_add(&b, "\n");
    for (size_t k = 0; k < rows.n; k++) {
        sb_addf(&b, "%-*s", (int)w, rows.v[k]);
        for (size_t g = 0; g < gos.n; g++) {
            unsigned c = cells[k * gos.n + g];
            const char *txt = c ? status_cell(c - 1) : "-";
            if (color && c && rec_status_unexpected(c - 1)) sb_addf(&b, " \033[1;31m%*s\033[0m", cw, txt);
            else sb_addf(&b, " %*s", cw, txt);
        }
        sb_add(&b, "\n");
    }
    free(cells);
    json_decref(row_index);
    json_decref(go_index);
    sl_free(&gos);
    sl_free(&rows);
    return sb_take(&b);
}
