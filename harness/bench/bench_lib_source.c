/* The C file that makes bench/bench_probe.c time a user's calls (GCB_LIB):
 * one benchmark function per call, the expected results, the table rows.
 * Every value arrives typed from the header (bench_ctypes.py --describe)
 * and is re-checked and spelled here, so nothing of the user's text
 * reaches the compiler unescaped. */
#define _GNU_SOURCE
#include "bench_engine.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *jstr(const json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

/* A C identifier, or a type spelled with identifiers and spaces
 * ("unsigned long long", "struct F_return"). */
static bool c_name(const char *s, bool spaces)
{
    if (!*s || isdigit((unsigned char)*s)) return false;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_' || (spaces && *s == ' '))) return false;
    return true;
}

/* A C string literal of any bytes: everything but letters, digits and a
 * few harmless marks as three-digit octal escapes. */
static void c_string(strbuf *b, const char *s, size_t n)
{
    sb_add(b, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c && (isalnum(c) || strchr(" ,.()=_-+/", c))) sb_addf(b, "%c", c);
        else sb_addf(b, "\\%03o", c);
    }
    sb_add(b, "\"");
}

static bool digits(const char *s, bool sign)
{
    if (sign && *s == '-') s++;
    size_t n = strspn(s, "0123456789");
    return n > 0 && n <= 20 && !s[n];
}

/* One typed value ({"ctype", "kind", "value"}) as a C expression. */
static char *c_value(const json_t *v, char **err)
{
    const char *ct = jstr(v, "ctype"), *kind = jstr(v, "kind"), *text = jstr(v, "value");
    if (!c_name(ct, true)) return (*err = xasprintf("the type `%s` is not a C type name", ct)), NULL;
    errno = 0;
    if (!strcmp(kind, "int") && digits(text, true)) {
        long long x = strtoll(text, NULL, 10);
        if (errno) return (*err = xasprintf("%s does not fit in 64 bits", text)), NULL;
        return x == INT64_MIN ? xasprintf("((%s)(-9223372036854775807LL - 1))", ct) : xasprintf("((%s)%lldLL)", ct, x);
    }
    if (!strcmp(kind, "uint") && digits(text, false)) {
        unsigned long long x = strtoull(text, NULL, 10);
        if (errno) return (*err = xasprintf("%s does not fit in 64 bits", text)), NULL;
        return xasprintf("((%s)%lluULL)", ct, x);
    }
    if (!strcmp(kind, "float")) {
        char *end;
        double d = strtod(text, &end);
        if (*text && !*end) {
            if (isnan(d)) return xasprintf("((%s)__builtin_nan(\"\"))", ct);
            if (isinf(d)) return xasprintf("((%s)(%s__builtin_inf()))", ct, d < 0 ? "-" : "");
            return xasprintf("((%s)%a)", ct, d);
        }
    }
    if (!strcmp(kind, "string") && !strcmp(ct, "GoString")) {
        const json_t *js = json_object_get(v, "value");
        strbuf b;
        sb_init(&b);
        sb_add(&b, "((GoString){ ");
        c_string(&b, json_string_value(js), json_string_length(js));
        sb_addf(&b, ", %zu })", json_string_length(js));
        return sb_take(&b);
    }
    *err = xasprintf("`%s` is not a %s value", text, *kind ? kind : "typed");
    return NULL;
}

/* "NAME(args…)" of one call; NULL with *err. */
static char *call_expr(const json_t *c, char **err)
{
    const char *name = jstr(c, "name");
    if (!c_name(name, false)) return (*err = xasprintf("`%s` is not a C function name", name)), NULL;
    strbuf b;
    sb_init(&b);
    sb_addf(&b, "GO(%s)(", name);
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(c, "args"), i, a) {
        char *v = c_value(a, err);
        if (!v) {
            free(sb_take(&b));
            return NULL;
        }
        sb_addf(&b, "%s%s", i ? ", " : "", v);
        free(v);
    }
    sb_add(&b, ")");
    return sb_take(&b);
}

/* The loop that is timed: n calls, each result stored so none is dropped. */
static void bench_function(strbuf *b, size_t k, const char *ret, const char *call)
{
    sb_addf(b, "static uint64_t gcb_lib_%zu(uint64_t n)\n{\n    for (uint64_t i = 0; i < n; i++) {\n", k);
    if (!strcmp(ret, "void")) sb_addf(b, "        %s;\n", call);
    else sb_addf(b, "        %s r = %s;\n        __asm__ volatile(\"\" : : \"m\"(r));\n", ret, call);
    sb_add(b, "    }\n    return n;\n}\n\n");
}

/* How a result field is printed when it is not the expected value. */
static const char *print_format(const char *kind, const char **cast)
{
    if (!strcmp(kind, "float")) return (*cast = "double"), "%.17g";
    if (!strcmp(kind, "uint")) return (*cast = "unsigned long long"), "%llu";
    return (*cast = "long long"), "%lld";
}

/* One call's expected result, checked before it is timed. */
static int check_block(strbuf *b, const json_t *c, const char *ret, const char *call, char **err)
{
    const json_t *want = json_object_get(c, "want");
    if (!json_array_size(want)) return 0;
    if (!c_name(ret, true)) return (*err = xasprintf("the result type `%s` is not a C type name", ret)), -1;
    strbuf cond, fmt, vals;
    sb_init(&cond), sb_init(&fmt), sb_init(&vals);
    size_t i;
    json_t *w;
    json_array_foreach(want, i, w) {
        const char *field = jstr(w, "field");
        if (*field && !c_name(field, false)) *err = xasprintf("`%s` is not a field name", field);
        char *v = *err ? NULL : c_value(w, err), *lhs = *field ? xasprintf("r.%s", field) : xstrdup("r");
        const char *cast, *f = print_format(jstr(w, "kind"), &cast);
        if (v) sb_addf(&cond, "%s%s == %s", i ? " && " : "", lhs, v);
        sb_addf(&fmt, "%s%s", i ? ", " : "", f);
        sb_addf(&vals, ", (%s)%s", cast, lhs);
        free(v);
        free(lhs);
    }
    char *cs = sb_take(&cond), *fs = sb_take(&fmt), *vs = sb_take(&vals);
    if (!*err) {
        sb_add(b, "    if (!strcmp(bench, ");
        c_string(b, jstr(c, "bench"), strlen(jstr(c, "bench")));
        sb_addf(b, ")) {\n        %s r = %s;\n        if (!(%s)) {\n            snprintf(why, len, \"%%s returned %s%s%s\", ",
                ret, call, cs, json_array_size(want) > 1 ? "(" : "", fs, json_array_size(want) > 1 ? ")" : "");
        c_string(b, jstr(c, "spec"), strlen(jstr(c, "spec")));
        sb_addf(b, "%s);\n            return -1;\n        }\n    }\n", vs);
    }
    free(cs), free(fs), free(vs);
    return *err ? -1 : 0;
}

/* Every export the calls use, once: GCB_EXPORTS and its pointers. */
static void exports_macro(strbuf *b, const json_t *calls)
{
    strlist names = { 0 };
    size_t i;
    json_t *c;
    json_array_foreach(calls, i, c)
        if (!sl_has(&names, jstr(c, "name"))) sl_add(&names, jstr(c, "name"));
    sb_add(b, "#define GCB_EXPORTS(X)");
    for (size_t k = 0; k < names.n; k++) sb_addf(b, " X(%s)", names.v[k]);
    sb_add(b, "\nGCB_EXPORTS(GCB_SYM)\n\n");
    sl_free(&names);
}

char *bench_lib_source(const json_t *calls, char **err)
{
    *err = NULL;
    strbuf b, checks, rows;
    sb_init(&b), sb_init(&checks), sb_init(&rows);
    sb_add(&b, "/* Generated by gocompat bench from a library's header: the calls to time. */\n");
    exports_macro(&b, calls);
    sb_add(&checks, "static int gcb_lib_check(const char *bench, char *why, size_t len)\n{\n"
                    "    (void)bench, (void)why, (void)len;\n");
    sb_add(&rows, "#define GCB_LIB_BENCHES");
    size_t k;
    json_t *c;
    json_array_foreach(calls, k, c) {
        const char *ret = jstr(c, "ret");
        char *call = call_expr(c, err);
        if (call && strcmp(ret, "void") && !c_name(ret, true)) *err = xasprintf("the result type `%s` is not a C type name", ret);
        if (!*err) bench_function(&b, k, ret, call);
        if (!*err) check_block(&checks, c, ret, call, err);
        free(call);
        if (*err) break;
        sb_add(&rows, " { ");
        c_string(&rows, jstr(c, "bench"), strlen(jstr(c, "bench")));
        sb_addf(&rows, ", gcb_lib_%zu },", k);
    }
    sb_add(&checks, "    return 0;\n}\n\n");
    char *cs = sb_take(&checks), *rs = sb_take(&rows);
    sb_addf(&b, "%s%s\n", cs, rs);
    free(cs), free(rs);
    char *text = sb_take(&b);
    if (*err) {
        free(text);
        return NULL;
    }
    return text;
}
