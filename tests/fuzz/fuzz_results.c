/* Fuzz target: the matrix document and journal readers. */
#include <stdint.h>
#include <stdlib.h>

#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *err = NULL;
    json_t *m = matrix_parse((const char *)data, size, "fuzz.json", &err);
    if (!m && !err) abort();
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
