/* Fuzz target: the matrix document and journal readers. The reading the
 * views use (records without their evidence) must accept and refuse exactly
 * what the whole reading does, with the same message, and hand over the
 * same records but for the evidence. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void keep(void *records, json_t *rec, const char *text, size_t len)
{
    (void)text;
    (void)len;
    json_array_append(records, rec);
}

/* The record with an empty evidence object, as the views are given it. */
static json_t *without_evidence(json_t *r)
{
    json_t *c = json_deep_copy(r);
    json_object_set_new(c, "evidence", json_object());
    return c;
}

static void same_as_whole(const uint8_t *data, size_t size, json_t *whole, const char *whole_err)
{
    json_t *head = NULL, *recs = json_array();
    char *err = NULL;
    int rc = matrix_read_text((const char *)data, size, "fuzz.json", MATRIX_NO_EVIDENCE, &head, keep, recs, &err);
    if ((rc == 0) != (whole != NULL)) abort();
    if (rc < 0 && (!err || strcmp(err, whole_err))) abort();
    if (rc == 0) {
        json_t *wrecs = json_object_get(whole, "records");
        if (json_array_size(wrecs) != json_array_size(recs)) abort();
        size_t i;
        json_t *r;
        json_array_foreach(recs, i, r) {
            json_t *w = json_array_get(wrecs, i), *ev = json_object_get(r, "evidence");
            if (json_object_size(ev) && !json_equal(ev, json_object_get(w, "evidence"))) abort();
            json_t *a = without_evidence(r), *b = without_evidence(w);
            if (!json_equal(a, b)) abort();
            json_decref(a);
            json_decref(b);
        }
    }
    json_decref(head);
    json_decref(recs);
    free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *err = NULL;
    json_t *m = matrix_parse((const char *)data, size, "fuzz.json", &err);
    if (!m && !err) abort();
    same_as_whole(data, size, m, err);
    if (m) {
        json_t *recs = json_object_get(m, "records");
        records_sort_canonical(recs);
        size_t i;
        json_t *r;
        json_array_foreach(recs, i, r) free(record_cell_key(r));
    }
    json_decref(m);
    free(err);
    json_t *recs = json_array();
    strlist errs = { 0 };
    journal_parse((const char *)data, size, "fuzz.jsonl", recs, &errs);
    sl_free(&errs);
    json_decref(recs);
    return 0;
}
