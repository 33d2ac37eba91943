/* The ELF reader against small objects gcc builds at test time, and against
 * truncated and corrupted copies of them. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elffacts.h"
#include "proc.h"
#include "unit.h"

static const char LIB_SRC[] =
    "int Exported(int a) { return a + 1; }\n"
    "int lowerExported(int a) { return a * 2; }\n"
    "__attribute__((visibility(\"hidden\"))) int Hidden(int a) { return a - 1; }\n"
    "static int helper(int a) { return a; }\n"
    "int _cgo_fake_internal(int a) { return helper(a); }\n"
    "extern int puts(const char *);\n"
    "int Greet(void) { return puts(\"hi\"); }\n";

static const char TLS_SRC[] =
    "__thread long slots[8];\n"
    "long Touch(int i) { return ++slots[i & 7]; }\n";

static const char MAIN_SRC[] =
    "#include <stdio.h>\n"
    "int main(int argc, char **argv) { (void)argv; printf(\"%d\\n\", argc); return 0; }\n";

/* Run cc with the given arguments in dir; the test fails with its stderr. */
static void cc(const char *dir, const char *const *args)
{
    const char *argv[32] = { "cc" };
    size_t n = 1;
    for (; args[n - 1] && n < 31; n++) argv[n] = args[n - 1];
    argv[n] = NULL;
    proc_spec s = { .argv = argv, .cwd = dir, .timeout_ms = 120000, .capture_limit = 4096 };
    proc_result r;
    proc_run(&s, &r);
    char *e = capture_text(&r.err);
    ck_assert_msg(r.kind == PROC_EXIT && r.code == 0, "cc %s failed: %s", args[0], e);
    free(e);
    proc_result_free(&r);
}

static char *put(const char *dir, const char *name, const char *text)
{
    char *p = path_join(dir, name);
    ck_assert_int_eq(write_file_atomic(p, text, strlen(text)), 0);
    return p;
}

static json_t *facts_ok(const char *path, const strlist *want)
{
    char *err = NULL;
    json_t *f = elf_facts(path, want, 0, &err);
    ck_assert_msg(f != NULL, "elf_facts(%s): %s", path, err ? err : "?");
    return f;
}

static const char *sget(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }
static bool bget(json_t *o, const char *k) { return json_is_true(json_object_get(o, k)); }

static json_t *find_sym(json_t *list, const char *name)
{
    size_t i;
    json_t *s;
    json_array_foreach(list, i, s) if (!strcmp(sget(s, "name"), name)) return s;
    return NULL;
}

START_TEST(lazy_and_now_relro)
{
    char *d = unit_tmpdir();
    free(put(d, "lib.c", LIB_SRC));
    cc(d, (const char *const[]){ "-shared", "-fPIC", "-O1", "-Wl,-z,relro,-z,lazy", "-Wl,-soname,liblazy.so.1",
                                 "-o", "liblazy.so", "lib.c", NULL });
    cc(d, (const char *const[]){ "-shared", "-fPIC", "-O1", "-Wl,-z,relro,-z,now", "-Wl,--disable-new-dtags",
                                 "-Wl,-rpath,/opt/gocompat-test", "-o", "libnow.so", "lib.c", NULL });
    char *lazy = path_join(d, "liblazy.so"), *now = path_join(d, "libnow.so");
    json_t *fl = facts_ok(lazy, NULL), *fn = facts_ok(now, NULL);

    ck_assert_str_eq(sget(fl, "type"), "DYN");
    ck_assert_str_eq(sget(fl, "relro"), "partial");
    ck_assert(!bget(fl, "bind_now"));
    ck_assert_str_eq(sget(fl, "soname"), "liblazy.so.1");
    ck_assert(json_is_null(json_object_get(fl, "rpath")));
    ck_assert(elf_condition_find("no-bind-now")->holds(fl));
    ck_assert(elf_condition_find("partial-relro")->holds(fl));

    ck_assert_str_eq(sget(fn, "relro"), "full");
    ck_assert(bget(fn, "bind_now"));
    ck_assert_str_eq(sget(fn, "rpath"), "/opt/gocompat-test");
    ck_assert(!elf_condition_find("no-bind-now")->holds(fn));
    ck_assert(!elf_condition_find("not-full-relro")->holds(fn));
    ck_assert(elf_condition_find("rpath")->holds(fn));
    json_t *f1 = json_object_get(fn, "dt_flags_1");
    bool has_now = false;
    size_t i;
    json_t *v;
    json_array_foreach(f1, i, v) has_now |= !strcmp(json_string_value(v), "NOW");
    ck_assert(has_now);

    /* Both need libc, and some GLIBC_ version. */
    ck_assert(json_array_size(json_object_get(fl, "needed")) >= 1);
    ck_assert_ptr_nonnull(sget(fl, "glibc_max"));
    ck_assert(str_prefix(sget(fl, "glibc_max"), "GLIBC_2."));
    ck_assert(!bget(fl, "exec_stack"));
    ck_assert(json_is_null(json_object_get(fl, "tls")));

    /* Guessed exports: the global functions but not the hidden one or the
     * cgo-looking internal; puts is an import with a GLIBC version. */
    json_t *sy = json_object_get(fl, "symbols");
    ck_assert_str_eq(sget(sy, "exports_from"), "guess");
    ck_assert_ptr_nonnull(find_sym(json_object_get(sy, "exports"), "Exported"));
    ck_assert_ptr_nonnull(find_sym(json_object_get(sy, "exports"), "lowerExported"));
    ck_assert_ptr_null(find_sym(json_object_get(sy, "exports"), "Hidden"));
    ck_assert_ptr_null(find_sym(json_object_get(sy, "exports"), "_cgo_fake_internal"));
    ck_assert_ptr_nonnull(find_sym(json_object_get(sy, "runtime"), "_cgo_fake_internal"));
    json_t *puts_sym = find_sym(json_object_get(sy, "imports"), "puts");
    ck_assert_ptr_nonnull(puts_sym);
    ck_assert_str_eq(sget(puts_sym, "shndx"), "UNDEF");
    ck_assert(str_prefix(sget(puts_sym, "version"), "GLIBC_"));
    json_t *ex = find_sym(json_object_get(sy, "exports"), "Exported");
    ck_assert_str_eq(sget(ex, "type"), "FUNC");
    ck_assert_str_eq(sget(ex, "bind"), "GLOBAL");
    ck_assert(json_integer_value(json_object_get(ex, "size")) > 0);
    ck_assert(json_is_integer(json_object_get(ex, "shndx")));

    /* An explicit list: named ones are exports, the rest "other", and a
     * name that is not there is reported missing. */
    strlist want = { 0 };
    sl_add(&want, "Exported");
    sl_add(&want, "NotThere");
    json_t *fw = facts_ok(lazy, &want);
    json_t *sw = json_object_get(fw, "symbols");
    ck_assert_int_eq(json_array_size(json_object_get(sw, "exports")), 1);
    ck_assert_int_eq(json_array_size(json_object_get(sw, "missing")), 1);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(sw, "missing"), 0)), "NotThere");
    ck_assert_ptr_nonnull(find_sym(json_object_get(sw, "other"), "lowerExported"));
    ck_assert(elf_condition_find("missing-exports")->holds(fw));
    /* Counting only gives the same counts and missing list, without lists. */
    char *cerr = NULL;
    json_t *fc = elf_facts(lazy, &want, ELF_COUNTS_ONLY, &cerr);
    ck_assert_ptr_nonnull(fc);
    json_t *sc = json_object_get(fc, "symbols");
    ck_assert(json_equal(json_object_get(sc, "counts"), json_object_get(sw, "counts")));
    ck_assert(json_equal(json_object_get(sc, "missing"), json_object_get(sw, "missing")));
    ck_assert_int_eq(json_array_size(json_object_get(sc, "exports")), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(sc, "counts"), "exports")), 1);
    json_decref(fc);
    sl_free(&want);

    json_decref(fl);
    json_decref(fn);
    json_decref(fw);
    free(lazy);
    free(now);
    rm_rf(d);
    free(d);
}
END_TEST

START_TEST(tls_models)
{
    char *d = unit_tmpdir();
    free(put(d, "tls.c", TLS_SRC));
    cc(d, (const char *const[]){ "-shared", "-fPIC", "-O1", "-ftls-model=initial-exec", "-o", "libie.so", "tls.c", NULL });
    cc(d, (const char *const[]){ "-shared", "-fPIC", "-O1", "-ftls-model=global-dynamic", "-o", "libgd.so", "tls.c", NULL });
    char *ie = path_join(d, "libie.so"), *gd = path_join(d, "libgd.so");
    json_t *fi = facts_ok(ie, NULL), *fg = facts_ok(gd, NULL);
    json_t *tls = json_object_get(fi, "tls");
    ck_assert(json_is_object(tls));
    ck_assert_int_eq(json_integer_value(json_object_get(tls, "memsz")), 8 * (json_int_t)sizeof(long));
    ck_assert(json_integer_value(json_object_get(tls, "align")) >= (json_int_t)sizeof(long));
    ck_assert(bget(fi, "static_tls"));
    ck_assert(elf_condition_find("static-tls")->holds(fi));
    ck_assert(!bget(fi, "imports_tls_get_addr"));
    ck_assert(json_is_object(json_object_get(fg, "tls")));
    ck_assert(!bget(fg, "static_tls"));
    ck_assert(bget(fg, "imports_tls_get_addr"));
    ck_assert(!elf_condition_find("static-tls")->holds(fg));
    json_decref(fi);
    json_decref(fg);
    free(ie);
    free(gd);
    rm_rf(d);
    free(d);
}
END_TEST

START_TEST(executables_stack_and_pie)
{
    char *d = unit_tmpdir();
    free(put(d, "main.c", MAIN_SRC));
    cc(d, (const char *const[]){ "-O1", "-no-pie", "-fno-pie", "-Wl,-z,execstack", "-o", "xstack", "main.c", NULL });
    cc(d, (const char *const[]){ "-O1", "-fpie", "-pie", "-fstack-protector-all", "-D_FORTIFY_SOURCE=2",
                                 "-Wl,-z,noexecstack", "-o", "pie", "main.c", NULL });
    char *x = path_join(d, "xstack"), *p = path_join(d, "pie");
    json_t *fx = facts_ok(x, NULL), *fp = facts_ok(p, NULL);
    ck_assert_str_eq(sget(fx, "type"), "EXEC");
    ck_assert(!bget(fx, "pie"));
    ck_assert(bget(fx, "exec_stack"));
    ck_assert_str_eq(sget(json_object_get(fx, "gnu_stack"), "flags"), "RWX");
    ck_assert(elf_condition_find("exec-stack")->holds(fx));
    ck_assert(elf_condition_find("no-pie")->holds(fx));
    ck_assert(str_prefix(sget(fx, "interp"), "/"));

    ck_assert_str_eq(sget(fp, "type"), "DYN");
    ck_assert(bget(fp, "pie"));
    ck_assert(!bget(fp, "exec_stack"));
    ck_assert(!elf_condition_find("no-pie")->holds(fp));
    ck_assert(bget(fp, "stack_protector"));
    ck_assert(bget(json_object_get(fp, "fortify"), "fortified"));
    ck_assert_ptr_nonnull(find_sym(json_object_get(json_object_get(fp, "symbols"), "imports"), "__printf_chk"));
    ck_assert(bget(fp, "has_symtab"));

    /* strip removes .symtab but .dynsym stays. */
    cc(d, (const char *const[]){ "-O1", "-s", "-o", "pie-s", "main.c", NULL });
    char *s = path_join(d, "pie-s");
    json_t *fs = facts_ok(s, NULL);
    ck_assert(!bget(fs, "has_symtab"));
    ck_assert(bget(fs, "has_dynsym"));
    ck_assert(bget(fs, "stripped"));
    ck_assert(json_is_null(json_object_get(fs, "symtab")));
    json_decref(fx);
    json_decref(fp);
    json_decref(fs);
    free(x);
    free(p);
    free(s);
    rm_rf(d);
    free(d);
}
END_TEST

START_TEST(archives_list_members_and_globals)
{
    char *d = unit_tmpdir();
    free(put(d, "lib.c", LIB_SRC));
    free(put(d, "tls.c", TLS_SRC));
    cc(d, (const char *const[]){ "-c", "-O1", "-fPIC", "lib.c", NULL });
    cc(d, (const char *const[]){ "-c", "-O1", "-fPIC", "tls.c", NULL });
    const char *argv[] = { "ar", "rcs", "libx.a", "lib.o", "tls.o", NULL };
    proc_spec sp = { .argv = argv, .cwd = d, .timeout_ms = 60000, .capture_limit = 1024 };
    proc_result r;
    proc_run(&sp, &r);
    ck_assert(r.kind == PROC_EXIT && r.code == 0);
    proc_result_free(&r);
    char *a = path_join(d, "libx.a");
    json_t *f = facts_ok(a, NULL);
    ck_assert_str_eq(sget(f, "kind"), "archive");
    ck_assert_int_eq(json_array_size(json_object_get(f, "members")), 2);
    json_t *sy = json_object_get(f, "symbols");
    ck_assert_ptr_nonnull(find_sym(json_object_get(sy, "exports"), "Exported"));
    ck_assert_ptr_nonnull(find_sym(json_object_get(sy, "exports"), "Touch"));
    ck_assert_ptr_null(find_sym(json_object_get(sy, "exports"), "helper"));
    ck_assert_ptr_nonnull(find_sym(json_object_get(sy, "imports"), "puts"));
    json_decref(f);
    free(a);
    rm_rf(d);
    free(d);
}
END_TEST

/* Truncations at many lengths: every one is a one-line error naming the
 * file, never a crash or a partial answer. */
/* A plain shared object built in d; its bytes (and path) for damaging. */
static char *plain_lib(const char *d, char **lib, size_t *len)
{
    free(put(d, "lib.c", LIB_SRC));
    cc(d, (const char *const[]){ "-shared", "-fPIC", "-o", "lib.so", "lib.c", NULL });
    *lib = path_join(d, "lib.so");
    char *data = read_file(*lib, len);
    ck_assert_ptr_nonnull(data);
    return data;
}

START_TEST(truncated_input_is_an_error)
{
    char *d = unit_tmpdir();
    char *lib;
    size_t len = 0;
    char *data = plain_lib(d, &lib, &len);
    char *cut = path_join(d, "cut.so");
    size_t lens[] = { 0, 1, 4, 16, 52, 63, 64, 100, 500, len / 4, len / 2, len - 64, len - 1 };
    for (size_t i = 0; i < GC_ARRAY_LEN(lens); i++) {
        ck_assert_int_eq(write_file_atomic(cut, data, lens[i]), 0);
        char *err = NULL;
        json_t *f = elf_facts(cut, NULL, 0, &err);
        ck_assert_msg(f == NULL, "a copy truncated to %zu of %zu bytes was accepted", lens[i], len);
        ck_assert_ptr_nonnull(err);
        ck_assert_msg(str_prefix(err, cut), "error does not name the file: %s", err);
        ck_assert_msg(!strchr(err, '\n'), "error is not one line: %s", err);
        free(err);
    }
    char *err = NULL;
    char *missing = path_join(d, "missing.so");
    ck_assert_ptr_null(elf_facts(missing, NULL, 0, &err));
    ck_assert_ptr_nonnull(strstr(err, "No such file"));
    free(err);
    ck_assert_ptr_null(elf_facts(d, NULL, 0, &err));
    ck_assert_msg(strstr(err, "Is a directory") != NULL, "%s", err);
    free(err);
    free(missing);
    free(cut);
    free(data);
    free(lib);
    rm_rf(d);
    free(d);
}
END_TEST

/* A needed library's name that is not UTF-8 must be refused as corruption:
 * such a string once made json_pack free an array the reader then used. */
START_TEST(non_utf8_names_are_corruption)
{
    char *d = unit_tmpdir();
    char *lib;
    size_t len = 0;
    char *data = plain_lib(d, &lib, &len);
    size_t hits = 0;
    for (size_t i = 0; i + 9 <= len; i++)
        if (!memcmp(data + i, "libc.so.6", 9)) { data[i] = (char)0xFF; hits++; }
    ck_assert_uint_gt(hits, 0);
    char *bad = path_join(d, "bad.so");
    ck_assert_int_eq(write_file_atomic(bad, data, len), 0);
    char *err = NULL;
    json_t *f = elf_facts(bad, NULL, 0, &err);
    ck_assert_msg(f == NULL && err && strstr(err, "corrupt"), "accepted or unclear: %s", err ? err : "(facts returned)");
    json_decref(f);
    free(err);
    free(bad);
    free(data);
    free(lib);
    rm_rf(d);
    free(d);
}
END_TEST

static void put_u64(char *p, uint64_t v) { memcpy(p, &v, 8); }
static void put_u16(char *p, uint16_t v) { memcpy(p, &v, 2); }

/* Header fields pointing outside the file are errors; random byte damage
 * anywhere is an answer or an error, and never a crash (this test runs in a
 * forked child under ASan, so an invalid read fails it). */
START_TEST(corrupt_input_never_crashes)
{
    char *d = unit_tmpdir();
    free(put(d, "lib.c", LIB_SRC));
    cc(d, (const char *const[]){ "-shared", "-fPIC", "-o", "lib.so", "lib.c", NULL });
    char *lib = path_join(d, "lib.so");
    size_t len = 0;
    char *data = read_file(lib, &len);
    ck_assert_ptr_nonnull(data);
    ck_assert(len > 64 && data[4] == 2); /* ELFCLASS64 */
    char *bad = path_join(d, "bad.so");
    char *copy = xmalloc(len);
    /* e_shoff (0x28), e_phoff (0x20), e_shnum (0x3c), e_shstrndx (0x3e) */
    struct { size_t off; int width; uint64_t val; } damage[] = {
        { 0x28, 8, (uint64_t)1 << 40 }, { 0x20, 8, (uint64_t)1 << 40 }, { 0x3c, 2, 0xfff0 }, { 0x38, 2, 0xfff0 },
    };
    for (size_t i = 0; i < GC_ARRAY_LEN(damage); i++) {
        memcpy(copy, data, len);
        if (damage[i].width == 8) put_u64(copy + damage[i].off, damage[i].val);
        else put_u16(copy + damage[i].off, (uint16_t)damage[i].val);
        ck_assert_int_eq(write_file_atomic(bad, copy, len), 0);
        char *err = NULL;
        json_t *f = elf_facts(bad, NULL, 0, &err);
        ck_assert_msg(f == NULL, "header damage %zu was accepted", i);
        ck_assert_ptr_nonnull(strstr(err, "corrupt"));
        free(err);
    }
    /* Not ELF at all. */
    memcpy(copy, data, len);
    memcpy(copy, "\x7f" "ELG", 4);
    ck_assert_int_eq(write_file_atomic(bad, copy, len), 0);
    char *err = NULL;
    ck_assert_ptr_null(elf_facts(bad, NULL, 0, &err));
    ck_assert_ptr_nonnull(strstr(err, "not an ELF"));
    free(err);
    /* Random damage: 16 bytes each round, 300 rounds, fixed seed. */
    unsigned seed = 20261123;
    size_t answers = 0, errors = 0;
    for (int round = 0; round < 300; round++) {
        memcpy(copy, data, len);
        for (int k = 0; k < 16; k++) copy[(size_t)rand_r(&seed) % len] = (char)rand_r(&seed);
        ck_assert_int_eq(write_file_atomic(bad, copy, len), 0);
        err = NULL;
        json_t *f = elf_facts(bad, NULL, 0, &err);
        if (f) {
            answers++;
            char *s = json_dumps(f, 0);
            ck_assert_ptr_nonnull(s);
            free(s);
            json_decref(f);
        } else {
            errors++;
            ck_assert_ptr_nonnull(err);
            ck_assert(!strchr(err, '\n'));
            free(err);
        }
    }
    ck_assert_int_eq(answers + errors, 300);
    free(copy);
    free(bad);
    free(data);
    free(lib);
    rm_rf(d);
    free(d);
}
END_TEST

START_TEST(header_declarations)
{
    char *d = unit_tmpdir();
    char *h = put(d, "lib.h",
                  "#ifndef GO_CGO_GOSTRING_TYPEDEF\n"
                  "typedef struct { const char *p; ptrdiff_t n; } _GoString_;\n"
                  "extern size_t _GoStringLen(_GoString_ s);\n"
                  "extern const char *_GoStringPtr(_GoString_ s);\n"
                  "#endif\n"
                  "#ifdef __cplusplus\nextern \"C\" {\n#endif\n"
                  "extern int Add(int a, int b);\n"
                  "extern GoInt64 StrLen(GoString s);\n"
                  "extern void lowerAdd(void);\n"
                  "extern char* Name(GoSlice s, GoMap m);\n"
                  "#ifdef __cplusplus\n}\n#endif\n");
    strlist names = { 0 }, decls = { 0 };
    char *err = NULL;
    ck_assert_int_eq(elf_header_exports(h, &names, &decls, &err), 0);
    ck_assert_int_eq(names.n, 4);
    ck_assert_str_eq(names.v[0], "Add");
    ck_assert_str_eq(names.v[1], "StrLen");
    ck_assert_str_eq(names.v[2], "lowerAdd");
    ck_assert_str_eq(names.v[3], "Name");
    ck_assert_str_eq(decls.v[1], "extern GoInt64 StrLen(GoString s);");
    char *missing = path_join(d, "none.h");
    ck_assert_int_eq(elf_header_exports(missing, &names, NULL, &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "none.h"));
    free(err);
    free(missing);
    sl_free(&names);
    sl_free(&decls);
    free(h);
    rm_rf(d);
    free(d);
}
END_TEST

START_TEST(go_internal_names)
{
    const char *internal[] = { "_cgo_panic", "x_cgo_init", "crosscall2", "_cgoexp_1234_Add", "runtime.main",
                               "main.Add", "go:buildid", "x_crosscall2_ptr", "sync/atomic.Load" };
    const char *user[] = { "Add", "lowerAdd", "GoInit", "cgo" };
    for (size_t i = 0; i < GC_ARRAY_LEN(internal); i++) ck_assert_msg(elf_is_go_internal(internal[i]), "%s", internal[i]);
    for (size_t i = 0; i < GC_ARRAY_LEN(user); i++) ck_assert_msg(!elf_is_go_internal(user[i]), "%s", user[i]);
    ck_assert_ptr_null(elf_condition_find("no-such-condition"));
}
END_TEST

Suite *suite_elf(void)
{
    Suite *s = suite_create("elf");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, lazy_and_now_relro);
    tcase_add_test(t, tls_models);
    tcase_add_test(t, executables_stack_and_pie);
    tcase_add_test(t, archives_list_members_and_globals);
    tcase_add_test(t, truncated_input_is_an_error);
    tcase_add_test(t, corrupt_input_never_crashes);
    tcase_add_test(t, non_utf8_names_are_corruption);
    tcase_add_test(t, header_declarations);
    tcase_add_test(t, go_internal_names);
    suite_add_tcase(s, t);
    return s;
}
