#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "verdict.h"

static case_desc parse(const char *extra)
{
    char *text = xasprintf("fixture: basic\nhosts: c-dlopen\nprobe: p\nexpect: e\n%s", extra);
    case_desc c;
    char *err = NULL;
    ck_assert_msg(case_parse("t.case", text, &c, &err) == 0, "%s", err);
    free(text);
    return c;
}

static const char *judged(const case_desc *c, proc_kind kind, int code_or_sig, const char *report)
{
    proc_result pr = { .kind = kind };
    if (kind == PROC_EXIT) pr.code = code_or_sig;
    if (kind == PROC_SIGNAL) pr.sig = code_or_sig;
    probe_report rep;
    report_parse(report, strlen(report), &rep);
    verdict v = judge(c, &pr, &rep);
    free(v.detail);
    report_free(&rep);
    return rec_status_name(v.status);
}

START_TEST(parses_the_report_protocol)
{
    const char *text = "fact n 42\nfact name \"x y\"\nfact list [1,2]\nfact words free text\nmark call 123\n"
                       "fail a.c:3: oops\npass\ngarbage\nfact torn";
    probe_report r;
    report_parse(text, strlen(text), &r);
    ck_assert_int_eq(json_integer_value(json_object_get(r.facts, "n")), 42);
    ck_assert_str_eq(json_string_value(json_object_get(r.facts, "name")), "x y");
    ck_assert(json_is_array(json_object_get(r.facts, "list")));
    ck_assert_str_eq(json_string_value(json_object_get(r.facts, "words")), "free text");
    ck_assert_ptr_null(json_object_get(r.facts, "torn")); /* no newline: not trusted */
    ck_assert_str_eq(r.mark_name, "call");
    ck_assert_int_eq(r.mark_ns, 123);
    ck_assert_int_eq(r.verdict, STATUS_FAIL); /* the first verdict wins */
    ck_assert_str_eq(r.detail, "a.c:3: oops");
    ck_assert_int_eq(r.junk, 1);
    report_free(&r);
    /* A mark's name may have spaces: the timestamp is the last word. */
    const char *spaced = "mark export called from a constructor 456\n";
    report_parse(spaced, strlen(spaced), &r);
    ck_assert_str_eq(r.mark_name, "export called from a constructor");
    ck_assert_int_eq(r.mark_ns, 456);
    report_free(&r);
}
END_TEST

START_TEST(judges_clean_exits)
{
    case_desc c = parse("");
    ck_assert_str_eq(judged(&c, PROC_EXIT, 0, "pass\n"), "pass");
    ck_assert_str_eq(judged(&c, PROC_EXIT, 0, "fail x\n"), "fail");
    ck_assert_str_eq(judged(&c, PROC_EXIT, 0, "skip no musl\n"), "skip");
    ck_assert_str_eq(judged(&c, PROC_EXIT, 0, ""), "error");            /* said nothing */
    ck_assert_str_eq(judged(&c, PROC_EXIT, 0, "fact a 1\n"), "error");  /* no verdict */
    ck_assert_str_eq(judged(&c, PROC_EXIT, 1, "pass\n"), "fail");        /* wrong exit */
    ck_assert_str_eq(judged(&c, PROC_SIGNAL, SIGSEGV, "fact a 1\n"), "fail");
    ck_assert_str_eq(judged(&c, PROC_TIMEOUT, 0, ""), "fail");
    ck_assert_str_eq(judged(&c, PROC_SPAWN_FAIL, 0, ""), "error");
    case_free(&c);
}
END_TEST

START_TEST(judges_expected_deaths)
{
    case_desc c = parse("outcome: signal SIGABRT | exit 2\n");
    ck_assert_str_eq(judged(&c, PROC_SIGNAL, SIGABRT, "mark call 1\n"), "pass");
    ck_assert_str_eq(judged(&c, PROC_EXIT, 2, "mark call 1\n"), "pass");
    ck_assert_str_eq(judged(&c, PROC_SIGNAL, SIGSEGV, "mark call 1\n"), "fail");
    ck_assert_str_eq(judged(&c, PROC_EXIT, 0, "mark call 1\nfail returned\n"), "fail");
    ck_assert_str_eq(judged(&c, PROC_SIGNAL, SIGABRT, ""), "error"); /* died before reporting anything */
    case_free(&c);
    case_desc t = parse("outcome: timeout\n");
    ck_assert_str_eq(judged(&t, PROC_TIMEOUT, 0, "mark call 1\n"), "pass");
    /* A timeout before the mark may be a slow start, not the hang. */
    ck_assert_str_eq(judged(&t, PROC_TIMEOUT, 0, ""), "error");
    ck_assert_str_eq(judged(&t, PROC_TIMEOUT, 0, "fact started 1\n"), "error");
    ck_assert_str_eq(judged(&t, PROC_EXIT, 0, "pass\n"), "fail");
    case_free(&t);
}
END_TEST

START_TEST(maps_expected_failures)
{
    ck_assert_int_eq(rec_status_expected_to_fail(STATUS_FAIL), STATUS_XFAIL);
    ck_assert_int_eq(rec_status_expected_to_fail(STATUS_PASS), STATUS_XPASS);
    ck_assert_int_eq(rec_status_expected_to_fail(STATUS_ERROR), STATUS_ERROR);
    ck_assert_int_eq(rec_status_expected_to_fail(STATUS_SKIP), STATUS_SKIP);
}
END_TEST

START_TEST(outcome_json_names_signals)
{
    proc_result pr = { .kind = PROC_SIGNAL, .sig = SIGABRT, .core = true };
    json_t *o = outcome_json(&pr);
    ck_assert_str_eq(json_string_value(json_object_get(o, "kind")), "signal");
    ck_assert_str_eq(json_string_value(json_object_get(o, "signal")), "SIGABRT");
    ck_assert(json_is_true(json_object_get(o, "core")));
    json_decref(o);
    proc_result ex = { .kind = PROC_EXIT, .code = 2 };
    o = outcome_json(&ex);
    ck_assert_int_eq(json_integer_value(json_object_get(o, "code")), 2);
    json_decref(o);
}
END_TEST

Suite *suite_verdict(void)
{
    Suite *s = suite_create("verdict");
    TCase *t = tcase_create("core");
    tcase_add_test(t, parses_the_report_protocol);
    tcase_add_test(t, judges_clean_exits);
    tcase_add_test(t, judges_expected_deaths);
    tcase_add_test(t, maps_expected_failures);
    tcase_add_test(t, outcome_json_names_signals);
    suite_add_tcase(s, t);
    return s;
}
