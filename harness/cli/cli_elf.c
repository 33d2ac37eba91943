/* gocompat elf: checksec-style ELF facts for any library, program or
 * archive, as a table or JSON, with CI conditions. */
#define _GNU_SOURCE
#include "cli.h"
#include "elffacts.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char ELF_HELP[] =
    "Usage: gocompat elf [OPTION]... FILE...\n"
    "Read each ELF file (shared library, program, object, or ar archive of\n"
    "objects) with libelf and print its linking and hardening facts: ELF type,\n"
    "RELRO (none, partial, full), BIND_NOW, PIE, executable stack (PT_GNU_STACK),\n"
    "TEXTREL, PT_TLS and DF_STATIC_TLS, stack protector (__stack_chk_fail),\n"
    "fortify (__*_chk imports), .symtab and .debug_* presence, the highest\n"
    "GLIBC_ symbol version required, and how many dynamic symbols are exported\n"
    "Go functions, Go/cgo runtime internals, other definitions and imports.\n"
    "With --json every fact is printed, including DT_NEEDED, DT_SONAME,\n"
    "RPATH/RUNPATH, DT_FLAGS/DT_FLAGS_1, the section list, the version-need list\n"
    "and each dynamic symbol with its binding, type, version, section index and\n"
    "size.\n\n"
    "Options:\n"
    "      --json            print a JSON array with one object per FILE\n"
    "      --fail-if=COND[,COND...]\n"
    "                        exit 1 if any COND holds for any FILE (repeatable)\n"
    "      --exports=NAME[,NAME...]\n"
    "                        the exported functions to expect (repeatable); others\n"
    "                        defined are listed as runtime internals or `other`\n"
    "      --header=FILE     expect the functions a cgo-generated header declares;\n"
    "                        with --json its declarations are printed too\n"
    "  -h, --help            show this help\n\n"
    "Without --exports or --header, every defined global function that is not a\n"
    "Go/cgo runtime internal (_cgo_*, x_cgo_*, crosscall2, _cgoexp_*, qualified\n"
    "Go names) counts as an export.\n\n"
    "Conditions for --fail-if:\n";

static void help(FILE *f)
{
    fputs(ELF_HELP, f);
    for (size_t i = 0; i < ELF_NCONDITIONS; i++) fprintf(f, "  %-20s %s\n", ELF_CONDITIONS[i].name, ELF_CONDITIONS[i].help);
    fputs("\nExit status: 0 no condition holds, 1 a --fail-if condition holds (each is\n"
          "named on stderr), 2 usage error or a FILE that is unreadable, truncated or\n"
          "not ELF (one line on stderr per bad FILE; the other files are still read).\n\n"
          "Example: gocompat elf --fail-if no-bind-now,textrel,exec-stack libfoo.so\n",
          f);
}

static const char *yesno(json_t *f, const char *k) { return json_is_true(json_object_get(f, k)) ? "yes" : "no"; }

static void print_row(json_t *f)
{
    bool ar = !strcmp(json_string_value(json_object_get(f, "kind")), "archive");
    json_t *tls = json_object_get(f, "tls");
    char tlsbuf[48] = "no";
    if (json_is_object(tls))
        snprintf(tlsbuf, sizeof tlsbuf, "%lld/%lld%s", (long long)json_integer_value(json_object_get(tls, "memsz")),
                 (long long)json_integer_value(json_object_get(tls, "align")),
                 json_is_true(json_object_get(f, "static_tls")) ? "+S" : "");
    json_t *counts = json_object_get(json_object_get(f, "symbols"), "counts");
    char syms[64];
    snprintf(syms, sizeof syms, "%lld/%lld/%lld", (long long)json_integer_value(json_object_get(counts, "exports")),
             (long long)json_integer_value(json_object_get(counts, "runtime")),
             (long long)json_integer_value(json_object_get(counts, "imports")));
    const char *glibc = json_string_value(json_object_get(f, "glibc_max"));
    printf("%-5s %-7s %-8s %-4s %-5s %-7s %-12s %-3s %-7s %-6s %-11s %-12s %s\n",
           json_string_value(json_object_get(f, "type")), ar ? "-" : json_string_value(json_object_get(f, "relro")),
           ar ? "-" : yesno(f, "bind_now"), ar ? "-" : yesno(f, "pie"), ar ? "-" : json_is_true(json_object_get(f, "exec_stack")) ? "RWX" : "RW",
           ar ? "-" : yesno(f, "textrel"), ar ? "-" : tlsbuf, yesno(f, "stack_protector"),
           json_is_true(json_object_get(json_object_get(f, "fortify"), "fortified")) ? "yes" : "no",
           ar ? "-" : yesno(f, "has_symtab"), glibc ? glibc : "-", syms, json_string_value(json_object_get(f, "file")));
}

int cmd_elf(int argc, char **argv)
{
    enum { OPT_JSON = 1000, OPT_FAIL_IF, OPT_EXPORTS, OPT_HEADER };
    static const struct option opts[] = {
        { "json", no_argument, NULL, OPT_JSON },       { "fail-if", required_argument, NULL, OPT_FAIL_IF },
        { "exports", required_argument, NULL, OPT_EXPORTS }, { "header", required_argument, NULL, OPT_HEADER },
        { "help", no_argument, NULL, 'h' },            { NULL, 0, NULL, 0 },
    };
    bool json = false;
    strlist conds = { 0 }, exports = { 0 }, decls = { 0 };
    const char *header = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_JSON: json = true; break;
        case OPT_FAIL_IF: sl_split(&conds, optarg, ","); break;
        case OPT_EXPORTS: sl_split(&exports, optarg, ","); break;
        case OPT_HEADER: header = optarg; break;
        case 'h': help(stdout); return GC_EXIT_OK;
        default:
            gc_warn("elf: unknown or incomplete option '%s'; see gocompat elf --help", argv[optind - 1]);
            sl_free(&conds); sl_free(&exports);
            return GC_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        gc_warn("elf: no FILE given; see gocompat elf --help");
        return GC_EXIT_USAGE;
    }
    for (size_t i = 0; i < conds.n; i++)
        if (!elf_condition_find(conds.v[i])) {
            gc_warn("elf: unknown --fail-if condition '%s' (gocompat elf --help lists them)", conds.v[i]);
            sl_free(&conds); sl_free(&exports);
            return GC_EXIT_USAGE;
        }
    if (header) {
        char *err = NULL;
        if (elf_header_exports(header, &exports, &decls, &err) < 0) {
            gc_warn("elf: header %s", err);
            free(err);
            sl_free(&conds); sl_free(&exports);
            return GC_EXIT_USAGE;
        }
    }
    int rc = GC_EXIT_OK;
    bool bad = false;
    json_t *all = json_array();
    if (!json)
        printf("%-5s %-7s %-8s %-4s %-5s %-7s %-12s %-3s %-7s %-6s %-11s %-12s %s\n", "TYPE", "RELRO", "BIND_NOW",
               "PIE", "STACK", "TEXTREL", "TLS(sz/al)", "SSP", "FORTIFY", "SYMTAB", "GLIBC", "EXP/RT/IMP", "FILE");
    for (int i = optind; i < argc; i++) {
        char *err = NULL;
        json_t *f = elf_facts(argv[i], &exports, json ? 0 : ELF_COUNTS_ONLY, &err);
        if (!f) {
            fprintf(stderr, "gocompat: elf: %s\n", err);
            free(err);
            bad = true;
            continue;
        }
        if (header) {
            json_t *d = json_array();
            for (size_t k = 0; k < decls.n; k++) json_array_append_new(d, json_string(decls.v[k]));
            json_object_set_new(f, "header", json_pack("{s:s, s:o}", "file", header, "declarations", d));
        }
        json_t *held = json_array();
        for (size_t k = 0; k < conds.n; k++)
            if (elf_condition_find(conds.v[k])->holds(f)) {
                json_array_append_new(held, json_string(conds.v[k]));
                fprintf(stderr, "gocompat: elf: %s: %s\n", argv[i], conds.v[k]);
                if (rc == GC_EXIT_OK) rc = GC_EXIT_UNEXPECTED;
            }
        if (conds.n) json_object_set_new(f, "failed_conditions", held);
        else json_decref(held);
        if (json) json_array_append(all, f);
        else print_row(f);
        json_decref(f);
    }
    if (json) {
        char *s = json_dumps(all, JSON_COMPACT);
        if (s) puts(s);
        free(s);
    }
    json_decref(all);
    sl_free(&conds);
    sl_free(&exports);
    sl_free(&decls);
    return bad ? GC_EXIT_USAGE : rc;
}
