#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "config.h"
#include "unit.h"
#include "util.h"

START_TEST(parses_a_row_with_structs_results_and_flags)
{
    abi_shape s;
    char err[200];
    int r = abi_parse_row("Sif_iSif\tstructs\t{if}\ti {if} {ahsi}\tstress\n", &s, err, sizeof err);
    ck_assert_msg(r == 1, "%s", err);
    ck_assert_str_eq(s.name, "Sif_iSif");
    ck_assert_str_eq(s.group, "structs");
    ck_assert_int_eq(s.ret.kind, ABI_STRUCT);
    ck_assert_int_eq(s.ret.nfields, 2);
    ck_assert_int_eq(s.ret.fields[1], ABI_F32);
    ck_assert_int_eq(s.nargs, 3);
    ck_assert_int_eq(s.args[0].kind, ABI_I32);
    ck_assert_int_eq(s.args[2].nfields, 4);
    ck_assert_int_eq(s.args[2].fields[0], ABI_I8);
    ck_assert_int_eq(s.args[2].fields[1], ABI_U8);
    ck_assert(s.stress);
    ck_assert(!s.vararg);

    r = abi_parse_row("Tid_v\tmulti\t(id)\t-\t-", &s, err, sizeof err);
    ck_assert_msg(r == 1, "%s", err);
    ck_assert_int_eq(s.ret.kind, ABI_TUPLE);
    ck_assert_int_eq(s.nargs, 0);

    r = abi_parse_row("cb\tcallbacks\td\t@ d d\tcalls=5,stress", &s, err, sizeof err);
    ck_assert_msg(r == 1, "%s", err);
    ck_assert_int_eq(s.calls, 5);
    ck_assert_int_eq(s.args[0].kind, ABI_CB);

    ck_assert_int_eq(abi_parse_row("# comment", &s, err, sizeof err), 0);
    ck_assert_int_eq(abi_parse_row("\n", &s, err, sizeof err), 0);
}
END_TEST

START_TEST(rejects_bad_rows_with_a_reason)
{
    abi_shape s;
    char err[200];
    static const char *const bad[][2] = {
        { "x\tg\ti\ti", "5 tab-separated" },
        { "x\tg\tq\ti\t-", "unknown type code" },
        { "x\tg\ti\t{iq}\t-", "bad field type" },
        { "x\tg\ti\t{ii\t-", "unterminated" },
        { "x\tg\tY\ti\t-", "cannot be a result" },
        { "x\tg\ti\ti @\tcalls=2", "first argument" },
        { "x\tg\ti\t@ i\t-", "calls=N" },
        { "x\tg\ti\ti\tfast", "unknown flag" },
        { "x\tg\ti\tS\tvararg", "plain C scalars" },
        { "bad name\tg\ti\ti\t-", "bad shape name" },
        { "x\tg\ti\tv\t-", "void argument" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        ck_assert_int_eq(abi_parse_row(bad[i][0], &s, err, sizeof err), -1);
        ck_assert_msg(strstr(err, bad[i][1]) != NULL, "row %zu: `%s` lacks `%s`", i, err, bad[i][1]);
    }
}
END_TEST

START_TEST(loads_a_table_and_names_the_bad_line)
{
    char *d = unit_tmpdir();
    char *p = path_join(d, "shapes.tsv");
    const char *good = "# header\n\ni_ii\tints\ti\ti i\t-\nd_dd\tfloats\td\td d\tstress\n";
    write_file_atomic(p, good, strlen(good));
    abi_shape *v;
    char err[300];
    int n = abi_load_table(p, &v, err, sizeof err);
    ck_assert_msg(n == 2, "%s", err);
    ck_assert_str_eq(v[1].name, "d_dd");
    ck_assert(v[1].stress);
    free(v);
    const char *dup = "i_ii\tints\ti\ti i\t-\ni_ii\tints\ti\ti\t-\n";
    write_file_atomic(p, dup, strlen(dup));
    ck_assert_int_eq(abi_load_table(p, &v, err, sizeof err), -1);
    ck_assert_msg(strstr(err, ":2: shape `i_ii` defined twice") != NULL, "%s", err);
    const char *bad = "i_ii\tints\ti\ti i\t-\nx\tints\tW\t-\t-\n";
    write_file_atomic(p, bad, strlen(bad));
    ck_assert_int_eq(abi_load_table(p, &v, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "shapes.tsv:2: return type: unknown type code") != NULL, "%s", err);
    rm_rf(d);
    free(p);
    free(d);
}
END_TEST

START_TEST(every_row_of_the_real_table_parses)
{
    const char *src = getenv("GOCOMPAT_SRCDIR");
    char *p = xasprintf("%s/cases/abi/shapes.tsv", src && *src ? src : GC_SRCDIR);
    abi_shape *v;
    char err[300];
    int n = abi_load_table(p, &v, err, sizeof err);
    ck_assert_msg(n >= 60, "%s (%d shapes)", err, n);
    free(v);
    free(p);
}
END_TEST

START_TEST(comparator_tells_negative_zero_and_nan_payloads_apart)
{
    double pz = 0.0, nz = -0.0;
    /* == says they are equal; the ABI check must not. */
    ck_assert(pz == nz);
    ck_assert(!abi_bits_equal(&pz, &nz, sizeof pz));
    ck_assert_uint_eq(abi_first_diff(&pz, 8, &nz, 8), 7);

    uint64_t qa = 0x7ff8000000000001ULL, qb = 0x7ff8000000000002ULL;
    double a, b;
    memcpy(&a, &qa, 8);
    memcpy(&b, &qb, 8);
    ck_assert(isnan(a) && isnan(b));
    ck_assert(!abi_bits_equal(&a, &b, 8));
    ck_assert_uint_eq(abi_first_diff(&a, 8, &b, 8), 0);
    /* A NaN equals itself bit for bit, though a != a. */
    double c = a;
    ck_assert(!(a == c));
    ck_assert(abi_bits_equal(&a, &c, 8));
    ck_assert_uint_eq(abi_first_diff(&a, 8, &c, 8), SIZE_MAX);

    uint32_t sn = 0x7f812345, qn = 0x7fc12345; /* the quiet bit alone */
    ck_assert_uint_eq(abi_first_diff(&sn, 4, &qn, 4), 2);
    ck_assert_uint_eq(abi_first_diff("abc", 3, "ab", 2), 2);

    char hex[40];
    ck_assert_str_eq(abi_hex(&nz, 8, hex, sizeof hex), "0000000000000080");
    ck_assert_str_eq(abi_hex("\x01\xfe", 2, hex, 3), "01");
}
END_TEST

START_TEST(a_seed_gives_the_same_values_and_another_seed_does_not)
{
    unsigned char a[64 * 8], b[64 * 8], c[64 * 8];
    abi_rng r1, r2, r3;
    abi_rng_seed(&r1, 42);
    abi_rng_seed(&r2, 42);
    abi_rng_seed(&r3, 43);
    for (int i = 0; i < 64; i++) {
        abi_gen(&r1, ABI_F64, a + 8 * i);
        abi_gen(&r2, ABI_F64, b + 8 * i);
        abi_gen(&r3, ABI_F64, c + 8 * i);
    }
    ck_assert(abi_bits_equal(a, b, sizeof a));
    ck_assert(!abi_bits_equal(a, c, sizeof a));
}
END_TEST

START_TEST(values_include_the_special_cases)
{
    abi_rng r;
    abi_rng_seed(&r, 7);
    bool nz = false, snan = false, qnan_payload = false, denorm = false, inf = false;
    bool i8min = false, u8high = false, i64min = false, bool_other = false;
    for (int i = 0; i < 4000; i++) {
        uint64_t d = 0;
        abi_gen(&r, ABI_F64, &d);
        uint64_t exp = (d >> 52) & 0x7ff, man = d & 0xfffffffffffffULL;
        nz |= d == 0x8000000000000000ULL;
        snan |= exp == 0x7ff && man && !(man >> 51);
        qnan_payload |= exp == 0x7ff && (man >> 51) && (man & ((1ULL << 51) - 1));
        denorm |= exp == 0 && man;
        inf |= exp == 0x7ff && !man;
        uint32_t f = 0;
        abi_gen(&r, ABI_F32, &f);
        snan |= ((f >> 23) & 0xff) == 0xff && (f & 0x7fffff) && !(f & 0x400000);
        int8_t c;
        abi_gen(&r, ABI_I8, &c);
        i8min |= c == -128;
        uint8_t h;
        abi_gen(&r, ABI_U8, &h);
        u8high |= h >= 0x80;
        int64_t x;
        abi_gen(&r, ABI_I64, &x);
        i64min |= x == INT64_MIN;
        unsigned char bo = 9;
        abi_gen(&r, ABI_BOOL, &bo);
        bool_other |= bo > 1;
    }
    ck_assert(nz && snan && qnan_payload && denorm && inf);
    ck_assert(i8min && u8high && i64min);
    ck_assert_msg(!bool_other, "_Bool values must be 0 or 1");
}
END_TEST

START_TEST(kind_sizes_match_the_c_types)
{
    ck_assert_uint_eq(abi_kind_size(ABI_I8), sizeof(signed char));
    ck_assert_uint_eq(abi_kind_size(ABI_U16), sizeof(unsigned short));
    ck_assert_uint_eq(abi_kind_size(ABI_SIZE), sizeof(size_t));
    ck_assert_uint_eq(abi_kind_size(ABI_UPTR), sizeof(uintptr_t));
    ck_assert_uint_eq(abi_kind_size(ABI_BOOL), sizeof(_Bool));
    ck_assert_uint_eq(abi_kind_size(ABI_PTR), sizeof(void *));
    ck_assert_uint_eq(abi_kind_size(ABI_C128), sizeof(double _Complex));
    ck_assert(abi_kind_is_signed(ABI_I16) && !abi_kind_is_signed(ABI_U64));
    ck_assert(abi_kind_is_float(ABI_C64) && !abi_kind_is_float(ABI_PTR));
    ck_assert_int_eq(abi_kind_of('z'), ABI_SIZE);
    ck_assert_int_eq(abi_kind_of('Q'), -1);
}
END_TEST

Suite *suite_abi(void)
{
    Suite *s = suite_create("abi");
    TCase *t = tcase_create("abi");
    tcase_add_test(t, parses_a_row_with_structs_results_and_flags);
    tcase_add_test(t, rejects_bad_rows_with_a_reason);
    tcase_add_test(t, loads_a_table_and_names_the_bad_line);
    tcase_add_test(t, every_row_of_the_real_table_parses);
    tcase_add_test(t, comparator_tells_negative_zero_and_nan_payloads_apart);
    tcase_add_test(t, a_seed_gives_the_same_values_and_another_seed_does_not);
    tcase_add_test(t, values_include_the_special_cases);
    tcase_add_test(t, kind_sizes_match_the_c_types);
    suite_add_tcase(s, t);
    return s;
}
