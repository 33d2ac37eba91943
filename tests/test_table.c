#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "expectations.h"
#include "table.h"
#include "unit.h"
#include "util.h"

static json_t *rec(const char *go, const char *c, const char *host, const char *status)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s}", "go", go, "case", c, "host", host, "buildmode", "c-shared", "status", status);
}

START_TEST(renders_rows_by_cell_and_columns_by_release)
{
    json_t *rs = json_array();
    json_array_append_new(rs, rec("go1.27.3", "abi/add", "c-dlopen", "pass"));
    json_array_append_new(rs, rec("go1.9.2", "abi/add", "c-dlopen", "fail"));
    json_array_append_new(rs, rec("go1.27.3", "panic/x", "c-linked", "xfail"));
    char *t = table_render(rs, false);
    /* Releases sort numerically: 1.9 before 1.27. */
    char *h19 = strstr(t, "1.9"), *h27 = strstr(t, "1.27");
    ck_assert(h19 && h27 && h19 < h27);
    ck_assert(strstr(t, "abi/add c-dlopen [c-shared]") != NULL);
    const char *row = strstr(t, "abi/add c-dlopen [c-shared]");
    const char *eol = strchr(row, '\n');
    char *line = xstrndup(row, (size_t)(eol - row));
    ck_assert_msg(strstr(line, "FAIL") && strstr(line, "ok") && strstr(line, "FAIL") < strstr(line, "ok"), "row: %s", line);
    const char *row2 = strstr(t, "panic/x c-linked");
    ck_assert(row2 && strstr(row2, "-") && strstr(row2, "xf"));
    free(line);
    free(t);
    ck_assert_uint_eq(count_unexpected(rs), 1);
    char *c = status_counts(rs);
    ck_assert_str_eq(c, "pass 1, fail 1, xfail 1, xpass 0, skip 0, error 0");
    free(c);
    json_decref(rs);
}
END_TEST

START_TEST(status_cells_are_distinct)
{
    for (rec_status i = 0; i <= STATUS_COUNT; i++)
        for (rec_status j = i + 1; j <= STATUS_COUNT; j++) ck_assert_str_ne(status_cell(i), status_cell(j));
    ck_assert_str_eq(status_cell(STATUS_UNKNOWN), "?");
}
END_TEST

Suite *suite_table(void)
{
    Suite *s = suite_create("table");
    TCase *t = tcase_create("core");
    tcase_add_test(t, renders_rows_by_cell_and_columns_by_release);
    tcase_add_test(t, status_cells_are_distinct);
    suite_add_tcase(s, t);
    return s;
}
