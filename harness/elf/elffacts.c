/* ELF facts with libelf/gelf (see elf.h). Every offset, count and string
 * index read from the file is checked against the file before use, so a
 * truncated or corrupt file is an error message, never a crash. */
#define _GNU_SOURCE
#include "elffacts.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef DF_1_PIE
#define DF_1_PIE 0x08000000
#endif

#define MAX_VERSIONS 0x8000

typedef struct {
    Elf *e;
    const char *path;
    char *raw;          /* the image (elf_rawfile) */
    size_t size;        /* its size */
    char *err;
    const char *names[MAX_VERSIONS]; /* version index -> name (verneed, verdef) */
} reader;

static int fail(reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(reader *r, const char *fmt, ...)
{
    if (r->err) return -1;
    va_list ap;
    va_start(ap, fmt);
    char *m = xvasprintf(fmt, ap);
    va_end(ap);
    r->err = xasprintf("%s: %s", r->path, m);
    free(m);
    return -1;
}

static const char *libelf_msg(void)
{
    const char *m = elf_errmsg(-1);
    return m ? m : "unknown libelf error";
}

/* A string from a string table section, or NULL if the index is outside it. */
/* Strict UTF-8 (no overlongs, surrogates or values past U+10FFFF). */
static bool utf8_valid(const unsigned char *s)
{
    while (*s) {
        unsigned c = *s++, n, min;
        if (c < 0x80) continue;
        if ((c & 0xE0) == 0xC0) { n = 1; min = 0x80; c &= 0x1F; }
        else if ((c & 0xF0) == 0xE0) { n = 2; min = 0x800; c &= 0x0F; }
        else if ((c & 0xF8) == 0xF0) { n = 3; min = 0x10000; c &= 0x07; }
        else return false;
        for (unsigned i = 0; i < n; i++, s++) {
            if ((*s & 0xC0) != 0x80) return false;
            c = (c << 6) | (*s & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return false;
    }
    return true;
}

/* A name from a string table, or NULL when the offset is out of range or
 * the bytes are not UTF-8: both mean a corrupt file, and a non-UTF-8 name
 * could not be put into a JSON document anyway. */
static const char *strtab(reader *r, size_t sect, size_t off)
{
    if (!sect) return NULL;
    const char *s = elf_strptr(r->e, sect, off);
    return s && utf8_valid((const unsigned char *)s) ? s : NULL;
}

static bool range_ok(const reader *r, uint64_t off, uint64_t len)
{
    return off <= r->size && len <= r->size - off;
}

bool elf_is_go_internal(const char *n)
{
    static const char *const prefixes[] = { "_cgo", "x_cgo_", "__cgo", "crosscall", "x_crosscall", "_rt0_", "go:", "go.", "type:",
                                            "type.", "runtime.", "_cgoexp_", "gcbits." };
    static const char *const exact[] = { "fatalf", "threadentry", "_cgo_topofstack", "__stack_chk_fail_local" };
    for (size_t i = 0; i < GC_ARRAY_LEN(prefixes); i++)
        if (str_prefix(n, prefixes[i])) return true;
    for (size_t i = 0; i < GC_ARRAY_LEN(exact); i++)
        if (!strcmp(n, exact[i])) return true;
    /* Go's own qualified names (main.Add, sync/atomic.Load…) and the
     * linker's generated ones (go:buildid, type:*) carry '.' or ':'. */
    return strchr(n, '.') != NULL || strchr(n, ':') != NULL || strchr(n, '/') != NULL;
}

static const char *type_name(unsigned t)
{
    switch (t) {
    case ET_NONE: return "NONE";
    case ET_REL: return "REL";
    case ET_EXEC: return "EXEC";
    case ET_DYN: return "DYN";
    case ET_CORE: return "CORE";
    default: return "OTHER";
    }
}

static json_t *machine_json(unsigned m)
{
    switch (m) {
    case EM_X86_64: return json_string("x86_64");
    case EM_386: return json_string("i386");
    case EM_AARCH64: return json_string("aarch64");
    case EM_ARM: return json_string("arm");
    case EM_RISCV: return json_string("riscv");
    case EM_PPC64: return json_string("ppc64");
    case EM_S390: return json_string("s390");
    case EM_MIPS: return json_string("mips");
    case EM_LOONGARCH: return json_string("loongarch");
    default: return json_integer(m);
    }
}

static const char *bind_name(unsigned b)
{
    switch (b) {
    case STB_LOCAL: return "LOCAL";
    case STB_GLOBAL: return "GLOBAL";
    case STB_WEAK: return "WEAK";
    case STB_GNU_UNIQUE: return "UNIQUE";
    default: return "OTHER";
    }
}

static const char *symtype_name(unsigned t)
{
    switch (t) {
    case STT_NOTYPE: return "NOTYPE";
    case STT_OBJECT: return "OBJECT";
    case STT_FUNC: return "FUNC";
    case STT_SECTION: return "SECTION";
    case STT_FILE: return "FILE";
    case STT_COMMON: return "COMMON";
    case STT_TLS: return "TLS";
    case STT_GNU_IFUNC: return "IFUNC";
    default: return "OTHER";
    }
}

static const char *sectype_name(unsigned t)
{
    switch (t) {
    case SHT_NULL: return "NULL";
    case SHT_PROGBITS: return "PROGBITS";
    case SHT_SYMTAB: return "SYMTAB";
    case SHT_STRTAB: return "STRTAB";
    case SHT_RELA: return "RELA";
    case SHT_HASH: return "HASH";
    case SHT_DYNAMIC: return "DYNAMIC";
    case SHT_NOTE: return "NOTE";
    case SHT_NOBITS: return "NOBITS";
    case SHT_REL: return "REL";
    case SHT_DYNSYM: return "DYNSYM";
    case SHT_INIT_ARRAY: return "INIT_ARRAY";
    case SHT_FINI_ARRAY: return "FINI_ARRAY";
    case SHT_GROUP: return "GROUP";
    case SHT_GNU_HASH: return "GNU_HASH";
    case SHT_GNU_versym: return "VERSYM";
    case SHT_GNU_verneed: return "VERNEED";
    case SHT_GNU_verdef: return "VERDEF";
    default: return "OTHER";
    }
}

/* "UNDEF", "ABS", "COMMON" or the section number. */
static json_t *shndx_json(unsigned ndx)
{
    if (ndx == SHN_UNDEF) return json_string("UNDEF");
    if (ndx == SHN_ABS) return json_string("ABS");
    if (ndx == SHN_COMMON) return json_string("COMMON");
    return json_integer(ndx);
}

/* ---- sections and program headers ------------------------------------- */

typedef struct {
    Elf_Scn *dynsym, *symtab, *dynamic, *versym, *verneed, *verdef;
} sections;

static int read_sections(reader *r, json_t *o, sections *s)
{
    size_t shnum = 0, shstrndx = 0;
    if (elf_getshdrnum(r->e, &shnum) != 0) return fail(r, "corrupt section header count: %s", libelf_msg());
    if (shnum && elf_getshdrstrndx(r->e, &shstrndx) != 0)
        return fail(r, "corrupt section name table index: %s", libelf_msg());
    json_t *list = json_array(), *debug = json_array();
    json_object_set_new(o, "sections", list);
    json_object_set_new(o, "debug_sections", debug);
    bool symtab = false, dynsym = false;
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(r->e, scn))) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh)) return fail(r, "corrupt section header %zu: %s", elf_ndxscn(scn), libelf_msg());
        if (sh.sh_type != SHT_NOBITS && sh.sh_type != SHT_NULL && !range_ok(r, sh.sh_offset, sh.sh_size))
            return fail(r, "truncated or corrupt: section %zu [offset %llu, size %llu] lies beyond the end of the "
                        "file (%zu bytes)",
                        elf_ndxscn(scn), (unsigned long long)sh.sh_offset, (unsigned long long)sh.sh_size, r->size);
        const char *name = strtab(r, shstrndx, sh.sh_name);
        if (!name) name = "";
        json_array_append_new(list, json_pack("{s:s, s:s, s:I}", "name", name, "type", sectype_name(sh.sh_type),
                                              "size", (json_int_t)sh.sh_size));
        if (str_prefix(name, ".debug_") || str_prefix(name, ".zdebug_")) json_array_append_new(debug, json_string(name));
        switch (sh.sh_type) {
        case SHT_DYNSYM: if (!s->dynsym) s->dynsym = scn; dynsym = true; break;
        case SHT_SYMTAB: if (!s->symtab) s->symtab = scn; symtab = true; break;
        case SHT_DYNAMIC: if (!s->dynamic) s->dynamic = scn; break;
        case SHT_GNU_versym: if (!s->versym) s->versym = scn; break;
        case SHT_GNU_verneed: if (!s->verneed) s->verneed = scn; break;
        case SHT_GNU_verdef: if (!s->verdef) s->verdef = scn; break;
        default: break;
        }
    }
    json_object_set_new(o, "has_symtab", json_boolean(symtab));
    json_object_set_new(o, "has_dynsym", json_boolean(dynsym));
    json_object_set_new(o, "stripped", json_boolean(!symtab));
    return 0;
}

static char *perm_text(unsigned f)
{
    char b[4] = { f & PF_R ? 'R' : '-', f & PF_W ? 'W' : '-', f & PF_X ? 'X' : '-', 0 };
    return xstrdup(b);
}

typedef struct { bool relro, stack, interp, dynamic; } seg_seen;

static int read_segments(reader *r, json_t *o, seg_seen *seen)
{
    size_t phnum = 0;
    if (elf_getphdrnum(r->e, &phnum) != 0) return fail(r, "corrupt program header count: %s", libelf_msg());
    json_t *tls = json_null(), *stack = json_null();
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(r->e, (int)i, &ph)) {
            json_decref(tls);
            json_decref(stack);
            return fail(r, "truncated or corrupt program header %zu: %s", i, libelf_msg());
        }
        if (ph.p_filesz && !range_ok(r, ph.p_offset, ph.p_filesz)) {
            json_decref(tls);
            json_decref(stack);
            return fail(r, "truncated or corrupt: segment %zu [offset %llu, size %llu] lies beyond the end of the "
                        "file (%zu bytes)",
                        i, (unsigned long long)ph.p_offset, (unsigned long long)ph.p_filesz, r->size);
        }
        switch (ph.p_type) {
        case PT_TLS:
            json_decref(tls);
            tls = json_pack("{s:I, s:I, s:I}", "memsz", (json_int_t)ph.p_memsz, "filesz", (json_int_t)ph.p_filesz,
                            "align", (json_int_t)ph.p_align);
            break;
        case PT_GNU_STACK: {
            json_decref(stack);
            char *p = perm_text(ph.p_flags);
            stack = json_pack("{s:s, s:b}", "flags", p, "exec", (ph.p_flags & PF_X) != 0);
            free(p);
            seen->stack = true;
            break;
        }
        case PT_GNU_RELRO: seen->relro = true; break;
        case PT_DYNAMIC: seen->dynamic = true; break;
        case PT_INTERP: {
            seen->interp = true;
            size_t n = ph.p_filesz;
            while (n && r->raw[ph.p_offset + n - 1] == 0) n--;
            json_object_set_new(o, "interp", json_stringn(r->raw + ph.p_offset, n));
            break;
        }
        default: break;
        }
    }
    json_object_set_new(o, "segments", json_integer((json_int_t)phnum));
    json_object_set_new(o, "tls", tls);
    json_object_set_new(o, "gnu_stack", stack);
    return 0;
}

/* ---- dynamic section -------------------------------------------------- */

typedef struct { uint64_t flags, flags1; bool bind_now, textrel, symbolic, any; } dyn_facts;

typedef struct { uint64_t bit; const char *name; } flag_name;

static json_t *flag_names(uint64_t v, const flag_name *t, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        if (v & t[i].bit) {
            json_array_append_new(a, json_string(t[i].name));
            v &= ~t[i].bit;
        }
    if (v) {
        char *x = xasprintf("0x%llx", (unsigned long long)v);
        json_array_append_new(a, json_string(x));
        free(x);
    }
    return a;
}

static int read_dynamic(reader *r, json_t *o, Elf_Scn *scn, dyn_facts *df)
{
    json_t *needed = json_array(), *rpath = json_null(), *runpath = json_null(), *soname = json_null();
    json_object_set_new(o, "needed", needed);
    if (scn) {
        GElf_Shdr sh;
        Elf_Data *d = gelf_getshdr(scn, &sh) ? elf_getdata(scn, NULL) : NULL;
        if (!d) return fail(r, "unreadable .dynamic: %s", libelf_msg());
        size_t ent = gelf_fsize(r->e, ELF_T_DYN, 1, EV_CURRENT);
        size_t n = ent ? d->d_size / ent : 0;
        for (size_t i = 0; i < n; i++) {
            GElf_Dyn dyn;
            if (!gelf_getdyn(d, (int)i, &dyn)) break;
            if (dyn.d_tag == DT_NULL) break;
            df->any = true;
            const char *s = NULL;
            switch (dyn.d_tag) {
            case DT_NEEDED: case DT_SONAME: case DT_RPATH: case DT_RUNPATH:
                s = strtab(r, sh.sh_link, dyn.d_un.d_val);
                if (!s) {
                    json_decref(rpath); json_decref(runpath); json_decref(soname);
                    return fail(r, "corrupt .dynamic: string offset %llu outside its string table",
                                (unsigned long long)dyn.d_un.d_val);
                }
                if (dyn.d_tag == DT_NEEDED) json_array_append_new(needed, json_string(s));
                else if (dyn.d_tag == DT_SONAME) { json_decref(soname); soname = json_string(s); }
                else if (dyn.d_tag == DT_RPATH) { json_decref(rpath); rpath = json_string(s); }
                else { json_decref(runpath); runpath = json_string(s); }
                break;
            case DT_FLAGS: df->flags |= dyn.d_un.d_val; break;
            case DT_FLAGS_1: df->flags1 |= dyn.d_un.d_val; break;
            case DT_BIND_NOW: df->bind_now = true; break;
            case DT_TEXTREL: df->textrel = true; break;
            case DT_SYMBOLIC: df->symbolic = true; break;
            default: break;
            }
        }
    }
    json_object_set_new(o, "soname", soname);
    json_object_set_new(o, "rpath", rpath);
    json_object_set_new(o, "runpath", runpath);
    static const flag_name F[] = {
        { DF_ORIGIN, "ORIGIN" }, { DF_SYMBOLIC, "SYMBOLIC" }, { DF_TEXTREL, "TEXTREL" },
        { DF_BIND_NOW, "BIND_NOW" }, { DF_STATIC_TLS, "STATIC_TLS" },
    };
    static const flag_name F1[] = {
        { DF_1_NOW, "NOW" }, { DF_1_GLOBAL, "GLOBAL" }, { DF_1_GROUP, "GROUP" }, { DF_1_NODELETE, "NODELETE" },
        { DF_1_LOADFLTR, "LOADFLTR" }, { DF_1_INITFIRST, "INITFIRST" }, { DF_1_NOOPEN, "NOOPEN" },
        { DF_1_ORIGIN, "ORIGIN" }, { DF_1_DIRECT, "DIRECT" }, { DF_1_INTERPOSE, "INTERPOSE" },
        { DF_1_NODEFLIB, "NODEFLIB" }, { DF_1_NODUMP, "NODUMP" }, { DF_1_CONFALT, "CONFALT" },
        { DF_1_ENDFILTEE, "ENDFILTEE" }, { DF_1_DISPRELDNE, "DISPRELDNE" }, { DF_1_DISPRELPND, "DISPRELPND" },
        { DF_1_NODIRECT, "NODIRECT" }, { DF_1_IGNMULDEF, "IGNMULDEF" }, { DF_1_NOKSYMS, "NOKSYMS" },
        { DF_1_NOHDR, "NOHDR" }, { DF_1_EDITED, "EDITED" }, { DF_1_NORELOC, "NORELOC" },
        { DF_1_SYMINTPOSE, "SYMINTPOSE" }, { DF_1_GLOBAUDIT, "GLOBAUDIT" }, { DF_1_SINGLETON, "SINGLETON" },
        { DF_1_PIE, "PIE" },
    };
    json_object_set_new(o, "dt_flags", flag_names(df->flags, F, GC_ARRAY_LEN(F)));
    json_object_set_new(o, "dt_flags_1", flag_names(df->flags1, F1, GC_ARRAY_LEN(F1)));
    return 0;
}

/* ---- symbol versions -------------------------------------------------- */

static void glibc_version(const char *v, unsigned out[3])
{
    out[0] = out[1] = out[2] = 0;
    if (!str_prefix(v, "GLIBC_")) return;
    sscanf(v + 6, "%u.%u.%u", &out[0], &out[1], &out[2]);
}

static int read_verneed(reader *r, json_t *o, Elf_Scn *scn)
{
    json_t *list = json_array();
    json_object_set_new(o, "version_needs", list);
    const char *best = NULL;
    unsigned bestv[3] = { 0, 0, 0 };
    if (scn) {
        GElf_Shdr sh;
        Elf_Data *d = gelf_getshdr(scn, &sh) ? elf_getdata(scn, NULL) : NULL;
        if (!d) return fail(r, "unreadable .gnu.version_r: %s", libelf_msg());
        size_t off = 0;
        /* Each step moves forward; a bound on the count stops loops that
         * corrupt next-offsets could make. */
        for (size_t i = 0; i < sh.sh_info && i < 4096; i++) {
            GElf_Verneed vn;
            if (off >= d->d_size || !gelf_getverneed(d, (int)off, &vn))
                return fail(r, "corrupt .gnu.version_r at entry %zu", i);
            const char *file = strtab(r, sh.sh_link, vn.vn_file);
            json_t *vers = json_array();
            json_array_append_new(list, json_pack("{s:s, s:o}", "file", file ? file : "?", "versions", vers));
            size_t aoff = off + vn.vn_aux;
            for (size_t j = 0; j < vn.vn_cnt && j < 4096; j++) {
                GElf_Vernaux va;
                if (aoff >= d->d_size || !gelf_getvernaux(d, (int)aoff, &va))
                    return fail(r, "corrupt .gnu.version_r auxiliary entry %zu of %zu", j, i);
                const char *name = strtab(r, sh.sh_link, va.vna_name);
                if (!name) return fail(r, "corrupt .gnu.version_r: name offset outside its string table");
                json_array_append_new(vers, json_string(name));
                if ((va.vna_other & 0x7fff) < MAX_VERSIONS) r->names[va.vna_other & 0x7fff] = name;
                unsigned v[3];
                glibc_version(name, v);
                if (v[0] && (v[0] > bestv[0] || (v[0] == bestv[0] && (v[1] > bestv[1] || (v[1] == bestv[1] && v[2] > bestv[2]))))) {
                    memcpy(bestv, v, sizeof v);
                    best = name;
                }
                if (!va.vna_next) break;
                aoff += va.vna_next;
            }
            if (!vn.vn_next) break;
            off += vn.vn_next;
        }
    }
    json_object_set_new(o, "glibc_max", best ? json_string(best) : json_null());
    return 0;
}

static int read_verdef(reader *r, json_t *o, Elf_Scn *scn)
{
    json_t *list = json_array();
    json_object_set_new(o, "version_defs", list);
    if (!scn) return 0;
    GElf_Shdr sh;
    Elf_Data *d = gelf_getshdr(scn, &sh) ? elf_getdata(scn, NULL) : NULL;
    if (!d) return fail(r, "unreadable .gnu.version_d: %s", libelf_msg());
    size_t off = 0;
    for (size_t i = 0; i < sh.sh_info && i < 4096; i++) {
        GElf_Verdef vd;
        if (off >= d->d_size || !gelf_getverdef(d, (int)off, &vd)) return fail(r, "corrupt .gnu.version_d at entry %zu", i);
        GElf_Verdaux va;
        size_t aoff = off + vd.vd_aux;
        if (vd.vd_cnt && aoff < d->d_size && gelf_getverdaux(d, (int)aoff, &va)) {
            const char *name = strtab(r, sh.sh_link, va.vda_name);
            if (!name) return fail(r, "corrupt .gnu.version_d: name offset outside its string table");
            if (vd.vd_ndx < MAX_VERSIONS) r->names[vd.vd_ndx] = name;
            if (!(vd.vd_flags & VER_FLG_BASE)) json_array_append_new(list, json_string(name));
        }
        if (!vd.vd_next) break;
        off += vd.vd_next;
    }
    return 0;
}

/* ---- symbols ---------------------------------------------------------- */

typedef struct {
    const strlist *want;      /* expected exports, or NULL to guess */
    json_t *exports, *runtime, *other, *imports, *fortify;
    json_t *defined_set, *undef_set; /* archives: names seen across members */
    bool ssp, tls_get_addr;
    bool counts_only;         /* ELF_COUNTS_ONLY: count, build no symbol objects */
    json_int_t n_exports, n_runtime, n_other, n_imports;
    strlist found;            /* counts_only: expected exports seen */
} sym_split;

/* Append sym (NULL when only counting) to one of the lists. */
static void put(sym_split *sp, json_t *list, json_int_t *count, json_t *sym, const char *name)
{
    (*count)++;
    if (sym) json_array_append_new(list, sym);
    else if (list == sp->exports && sp->want) sl_add(&sp->found, name);
}

static void split_symbol(sym_split *sp, json_t *sym, const char *name, unsigned bind, unsigned type, unsigned shndx)
{
    if (shndx == SHN_UNDEF) {
        if (!strcmp(name, "__stack_chk_fail")) sp->ssp = true;
        if (!strcmp(name, "__tls_get_addr")) sp->tls_get_addr = true;
        if (str_prefix(name, "__") && str_suffix(name, "_chk") && strcmp(name, "__stack_chk_fail"))
            json_array_append_new(sp->fortify, json_string(name));
        put(sp, sp->imports, &sp->n_imports, sym, name);
        return;
    }
    if (!strcmp(name, "__stack_chk_fail")) sp->ssp = true;
    if (sp->want && sp->want->n) {
        if (sl_has(sp->want, name)) put(sp, sp->exports, &sp->n_exports, sym, name);
        else if (elf_is_go_internal(name)) put(sp, sp->runtime, &sp->n_runtime, sym, name);
        else put(sp, sp->other, &sp->n_other, sym, name);
    } else if (elf_is_go_internal(name)) {
        put(sp, sp->runtime, &sp->n_runtime, sym, name);
    } else if ((type == STT_FUNC || type == STT_GNU_IFUNC) && (bind == STB_GLOBAL || bind == STB_WEAK)) {
        put(sp, sp->exports, &sp->n_exports, sym, name);
    } else {
        put(sp, sp->other, &sp->n_other, sym, name);
    }
}

static int read_dynsym(reader *r, Elf_Scn *scn, Elf_Scn *versym, sym_split *sp)
{
    GElf_Shdr sh;
    Elf_Data *d = gelf_getshdr(scn, &sh) ? elf_getdata(scn, NULL) : NULL;
    if (!d) return fail(r, "unreadable .dynsym: %s", libelf_msg());
    Elf_Data *vd = NULL;
    if (versym) vd = elf_getdata(versym, NULL);
    size_t ent = gelf_fsize(r->e, ELF_T_SYM, 1, EV_CURRENT);
    size_t n = ent ? d->d_size / ent : 0;
    size_t nv = vd ? vd->d_size / 2 : 0;
    for (size_t i = 1; i < n; i++) {
        GElf_Sym s;
        if (!gelf_getsym(d, (int)i, &s)) return fail(r, "corrupt .dynsym entry %zu", i);
        const char *name = strtab(r, sh.sh_link, s.st_name);
        if (!name) return fail(r, "corrupt .dynsym: symbol %zu names an offset outside its string table", i);
        unsigned bind = GELF_ST_BIND(s.st_info), type = GELF_ST_TYPE(s.st_info);
        if (sp->counts_only) {
            split_symbol(sp, NULL, name, bind, type, s.st_shndx);
            continue;
        }
        json_t *sym = json_pack("{s:s, s:s, s:s, s:o, s:I}", "name", name, "bind", bind_name(bind), "type",
                                symtype_name(type), "shndx", shndx_json(s.st_shndx), "size", (json_int_t)s.st_size);
        if (i < nv) {
            GElf_Versym v;
            if (gelf_getversym(vd, (int)i, &v)) {
                unsigned idx = v & 0x7fff;
                const char *vn = idx > 1 ? r->names[idx] : NULL;
                if (vn) json_object_set_new(sym, "version", json_string(vn));
                if (v & 0x8000) json_object_set_new(sym, "version_hidden", json_true());
            }
        }
        split_symbol(sp, sym, name, bind, type, s.st_shndx);
    }
    return 0;
}

/* .symtab summary: how many entries, how many functions, how many of them
 * have size 0, how many symbols are absolute; and stack-protector use. */
static int read_symtab(reader *r, json_t *o, Elf_Scn *scn, sym_split *sp, bool list_globals)
{
    if (!scn) {
        json_object_set_new(o, "symtab", json_null());
        return 0;
    }
    GElf_Shdr sh;
    Elf_Data *d = gelf_getshdr(scn, &sh) ? elf_getdata(scn, NULL) : NULL;
    if (!d) return fail(r, "unreadable .symtab: %s", libelf_msg());
    size_t ent = gelf_fsize(r->e, ELF_T_SYM, 1, EV_CURRENT);
    size_t n = ent ? d->d_size / ent : 0;
    json_int_t funcs = 0, func0 = 0, abs = 0, local = 0;
    for (size_t i = 1; i < n; i++) {
        GElf_Sym s;
        if (!gelf_getsym(d, (int)i, &s)) return fail(r, "corrupt .symtab entry %zu", i);
        unsigned bind = GELF_ST_BIND(s.st_info), type = GELF_ST_TYPE(s.st_info);
        if (type == STT_FUNC) { funcs++; if (!s.st_size) func0++; }
        if (s.st_shndx == SHN_ABS && type != STT_FILE) abs++;
        if (bind == STB_LOCAL) local++;
        if (!list_globals && s.st_shndx != SHN_UNDEF) continue;
        const char *name = strtab(r, sh.sh_link, s.st_name);
        if (!name) return fail(r, "corrupt .symtab: symbol %zu names an offset outside its string table", i);
        if (!list_globals) {
            if (!strcmp(name, "__stack_chk_fail")) sp->ssp = true;
            continue;
        }
        if (bind == STB_LOCAL || type == STT_SECTION || type == STT_FILE || !*name) continue;
        if (s.st_shndx == SHN_UNDEF) {
            json_object_set_new(sp->undef_set, name, json_pack("{s:s, s:s}", "bind", bind_name(bind), "type", symtype_name(type)));
        } else if (!json_object_get(sp->defined_set, name)) {
            json_object_set_new(sp->defined_set, name, json_pack("{s:s, s:s, s:s, s:o, s:I}", "name", name, "bind", bind_name(bind), "type",
                                                                 symtype_name(type), "shndx", shndx_json(s.st_shndx), "size",
                                                                 (json_int_t)s.st_size));
        }
    }
    json_object_set_new(o, "symtab", json_pack("{s:I, s:I, s:I, s:I, s:I}", "count", (json_int_t)(n ? n - 1 : 0), "local",
                                               local, "functions", funcs, "functions_size0", func0, "absolute", abs));
    return 0;
}

static void sp_init(sym_split *sp, const strlist *want)
{
    memset(sp, 0, sizeof *sp);
    sp->want = want;
    sp->exports = json_array();
    sp->runtime = json_array();
    sp->other = json_array();
    sp->imports = json_array();
    sp->fortify = json_array();
    sp->defined_set = json_object();
    sp->undef_set = json_object();
}

static void sp_finish(sym_split *sp, json_t *o)
{
    json_t *missing = json_array();
    if (sp->want)
        for (size_t i = 0; i < sp->want->n; i++) {
            bool found = false;
            size_t k;
            json_t *s;
            json_array_foreach(sp->exports, k, s) found |= !strcmp(json_string_value(json_object_get(s, "name")), sp->want->v[i]);
            found |= sl_has(&sp->found, sp->want->v[i]);
            if (!found) json_array_append_new(missing, json_string(sp->want->v[i]));
        }
    json_t *sy = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}", "exports_from", sp->want && sp->want->n ? "list" : "guess",
                           "exports", sp->exports, "missing", missing, "runtime", sp->runtime, "other", sp->other,
                           "imports", sp->imports);
    json_object_set_new(sy, "counts",
                        json_pack("{s:I, s:I, s:I, s:I}", "exports", sp->n_exports, "runtime", sp->n_runtime, "other",
                                  sp->n_other, "imports", sp->n_imports));
    json_object_set_new(o, "symbols", sy);
    json_object_set_new(o, "fortify", json_pack("{s:b, s:o}", "fortified", json_array_size(sp->fortify) > 0, "functions", sp->fortify));
    json_object_set_new(o, "stack_protector", json_boolean(sp->ssp));
    /* A TLS model hint: dynamic-model code calls __tls_get_addr; initial-
     * exec code does not (and a shared object then says DF_STATIC_TLS). */
    json_object_set_new(o, "imports_tls_get_addr", json_boolean(sp->tls_get_addr));
    json_decref(sp->defined_set);
    json_decref(sp->undef_set);
    sl_free(&sp->found);
}

/* ---- one ELF image ---------------------------------------------------- */

static int check_header(reader *r, GElf_Ehdr *eh)
{
    if (elf_kind(r->e) != ELF_K_ELF) return fail(r, "not an ELF file");
    r->raw = elf_rawfile(r->e, &r->size);
    if (!r->raw) return fail(r, "unreadable: %s", libelf_msg());
    if (!gelf_getehdr(r->e, eh)) return fail(r, "truncated or corrupt ELF header: %s", libelf_msg());
    size_t phnum = 0, shnum = 0;
    if (elf_getphdrnum(r->e, &phnum) != 0) return fail(r, "corrupt program header count: %s", libelf_msg());
    if (elf_getshdrnum(r->e, &shnum) != 0) return fail(r, "corrupt section header count: %s", libelf_msg());
    /* libelf quietly reports no headers when the table lies outside the
     * file; the counts in the ELF header say what should be there. */
    if (eh->e_phnum != PN_XNUM && eh->e_phnum > phnum) phnum = eh->e_phnum;
    if (eh->e_shnum > shnum) shnum = eh->e_shnum;
    if (!shnum && eh->e_shoff) shnum = 1; /* extended numbering: entry 0 holds the count */
    if (phnum && !range_ok(r, eh->e_phoff, (uint64_t)phnum * eh->e_phentsize))
        return fail(r, "truncated or corrupt: the program header table (offset %llu, %zu entries) ends beyond the end "
                    "of the file (%zu bytes)",
                    (unsigned long long)eh->e_phoff, phnum, r->size);
    if (shnum && !range_ok(r, eh->e_shoff, (uint64_t)shnum * eh->e_shentsize))
        return fail(r, "truncated or corrupt: the section header table (offset %llu, %zu entries) ends beyond the end "
                    "of the file (%zu bytes)",
                    (unsigned long long)eh->e_shoff, shnum, r->size);
    return 0;
}

static int read_image(reader *r, json_t *o, const strlist *want, unsigned flags)
{
    GElf_Ehdr eh;
    if (check_header(r, &eh) < 0) return -1;
    int cls = gelf_getclass(r->e);
    json_object_set_new(o, "kind", json_string("elf"));
    json_object_set_new(o, "class", json_string(cls == ELFCLASS64 ? "ELF64" : cls == ELFCLASS32 ? "ELF32" : "?"));
    json_object_set_new(o, "data", json_string(eh.e_ident[EI_DATA] == ELFDATA2LSB ? "LSB" : "MSB"));
    json_object_set_new(o, "type", json_string(type_name(eh.e_type)));
    json_object_set_new(o, "machine", machine_json(eh.e_machine));
    sections s = { 0 };
    seg_seen seen = { 0 };
    dyn_facts df = { 0 };
    if (read_segments(r, o, &seen) < 0 || read_sections(r, o, &s) < 0 || read_dynamic(r, o, s.dynamic, &df) < 0 ||
        read_verdef(r, o, s.verdef) < 0 || read_verneed(r, o, s.verneed) < 0)
        return -1;
    sym_split sp;
    sp_init(&sp, want);
    sp.counts_only = (flags & ELF_COUNTS_ONLY) != 0;
    int rc = (s.dynsym ? read_dynsym(r, s.dynsym, s.versym, &sp) : 0) < 0 ? -1 : read_symtab(r, o, s.symtab, &sp, false);
    sp_finish(&sp, o);
    if (rc < 0) return -1;

    bool bind_now = df.bind_now || (df.flags & DF_BIND_NOW) || (df.flags1 & DF_1_NOW);
    bool pie = eh.e_type == ET_DYN && (seen.interp || (df.flags1 & DF_1_PIE));
    const char *relro = !seen.relro ? "none" : bind_now ? "full" : "partial";
    json_t *st = json_object_get(o, "gnu_stack");
    /* Without PT_GNU_STACK, Linux gives the process an executable stack. */
    bool exec_stack = !seen.stack || json_is_true(json_object_get(st, "exec"));
    json_object_set_new(o, "relro", json_string(relro));
    json_object_set_new(o, "bind_now", json_boolean(bind_now));
    json_object_set_new(o, "pie", json_boolean(pie));
    json_object_set_new(o, "exec_stack", json_boolean(exec_stack));
    json_object_set_new(o, "textrel", json_boolean(df.textrel || (df.flags & DF_TEXTREL)));
    json_object_set_new(o, "symbolic", json_boolean(df.symbolic || (df.flags & DF_SYMBOLIC)));
    json_object_set_new(o, "static_tls", json_boolean((df.flags & DF_STATIC_TLS) != 0));
    json_object_set_new(o, "nodelete", json_boolean((df.flags1 & DF_1_NODELETE) != 0));
    json_object_set_new(o, "dynamic", json_boolean(df.any || seen.dynamic));
    return 0;
}

/* ---- ar archives (c-archive): the members and their global symbols ---- */

static int read_archive(reader *top, int fd, json_t *o, const strlist *want)
{
    json_object_set_new(o, "kind", json_string("archive"));
    json_t *members = json_array();
    json_object_set_new(o, "members", members);
    sym_split sp;
    sp_init(&sp, want);
    int rc = 0;
    Elf *m;
    Elf_Cmd cmd = ELF_C_READ_MMAP;
    while (rc == 0 && (m = elf_begin(fd, cmd, top->e))) {
        Elf_Arhdr *ah = elf_getarhdr(m);
        const char *mname = ah && ah->ar_name ? ah->ar_name : "?";
        if (mname[0] == '/') { /* the archive's symbol and long-name tables */
            cmd = elf_next(m);
            elf_end(m);
            continue;
        }
        json_t *mo = json_pack("{s:s}", "name", mname);
        json_array_append_new(members, mo);
        if (elf_kind(m) == ELF_K_ELF) {
            reader *r = xcalloc(1, sizeof *r);
            char *label = xasprintf("%s(%s)", top->path, mname);
            r->e = m;
            r->path = label;
            GElf_Ehdr eh;
            sections s = { 0 };
            json_t *dummy = json_object();
            if (check_header(r, &eh) < 0 || read_sections(r, dummy, &s) < 0 || read_symtab(r, dummy, s.symtab, &sp, true) < 0) {
                top->err = r->err;
                r->err = NULL;
                rc = -1;
            } else {
                json_object_set_new(mo, "type", json_string(type_name(eh.e_type)));
                json_object_set_new(mo, "machine", machine_json(eh.e_machine));
                json_object_set(mo, "has_symtab", json_object_get(dummy, "has_symtab"));
                json_object_set(mo, "debug_sections", json_object_get(dummy, "debug_sections"));
                if (!json_object_get(o, "class")) {
                    int cls = gelf_getclass(m);
                    json_object_set_new(o, "class", json_string(cls == ELFCLASS64 ? "ELF64" : "ELF32"));
                    json_object_set_new(o, "machine", machine_json(eh.e_machine));
                }
            }
            json_decref(dummy);
            free(r->err);
            free(label);
            free(r);
        }
        cmd = elf_next(m);
        elf_end(m);
    }
    if (rc == 0) {
        const char *name;
        json_t *v;
        json_object_foreach(sp.defined_set, name, v) {
            json_t *t = json_object_get(v, "type");
            unsigned type = !strcmp(json_string_value(t), "FUNC") ? STT_FUNC : STT_OBJECT;
            unsigned bind = !strcmp(json_string_value(json_object_get(v, "bind")), "WEAK") ? STB_WEAK : STB_GLOBAL;
            split_symbol(&sp, json_incref(v), name, bind, type, 1);
        }
        json_object_foreach(sp.undef_set, name, v) {
            if (json_object_get(sp.defined_set, name)) continue;
            json_t *sym = json_pack("{s:s, s:O, s:O, s:s}", "name", name, "bind", json_object_get(v, "bind"), "type",
                                    json_object_get(v, "type"), "shndx", "UNDEF");
            split_symbol(&sp, sym, name, STB_GLOBAL, STT_NOTYPE, SHN_UNDEF);
        }
    }
    json_object_set_new(o, "type", json_string("AR"));
    sp_finish(&sp, o);
    return rc;
}

json_t *elf_facts(const char *path, const strlist *want, unsigned flags, char **err)
{
    *err = NULL;
    if (elf_version(EV_CURRENT) == EV_NONE) {
        *err = xasprintf("%s: libelf is out of date", path);
        return NULL;
    }
    struct stat stt;
    int fd = open_input(path, &stt, 0);
    if (fd < 0) {
        *err = xasprintf("%s: %s", path, gc_strerror(errno));
        return NULL;
    }
    reader *r = xcalloc(1, sizeof *r);
    r->path = path;
    json_t *o = json_pack("{s:s, s:s, s:I}", "schema", ELF_FACTS_SCHEMA, "file", path, "file_size", (json_int_t)stt.st_size);
    if (stt.st_size == 0) fail(r, "empty file, not ELF");
    else if (!(r->e = elf_begin(fd, ELF_C_READ_MMAP, NULL))) fail(r, "cannot read: %s", libelf_msg());
    else if (elf_kind(r->e) == ELF_K_AR) read_archive(r, fd, o, want);
    else if (elf_kind(r->e) != ELF_K_ELF) fail(r, "not an ELF file (bad magic or truncated header)");
    else read_image(r, o, want, flags);
    if (r->e) elf_end(r->e);
    close(fd);
    if (r->err) {
        *err = r->err;
        json_decref(o);
        o = NULL;
    }
    free(r);
    return o;
}

/* ---- cgo headers ------------------------------------------------------ */

int elf_header_exports(const char *path, strlist *names, strlist *decls, char **err)
{
    *err = NULL;
    size_t len = 0;
    char *text = read_input(path, &len, true, err);
    if (!text) return -1;
    /* cgo writes its helper declarations (_GoStringLen, …) in the prologue
     * and the exports after it; both are `extern …(…);` lines, the helpers
     * start with an underscore. */
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *l = trim(line);
        if (!str_prefix(l, "extern ") || !str_suffix(l, ");")) continue;
        char *paren = strchr(l, '(');
        if (!paren) continue;
        char *end = paren;
        while (end > l && end[-1] == ' ') end--;
        char *start = end;
        while (start > l && (start[-1] == '_' || (start[-1] >= 'a' && start[-1] <= 'z') ||
                             (start[-1] >= 'A' && start[-1] <= 'Z') || (start[-1] >= '0' && start[-1] <= '9')))
            start--;
        if (start == end || str_prefix(start, "_GoString")) continue;
        if (names) sl_add_owned(names, xstrndup(start, (size_t)(end - start)));
        if (decls) sl_add(decls, l);
    }
    free(text);
    return 0;
}

/* ---- --fail-if conditions --------------------------------------------- */

static bool is_elf(json_t *f) { return !strcmp(json_string_value(json_object_get(f, "kind")), "elf"); }
static bool dyn_obj(json_t *f)
{
    return is_elf(f) && json_is_true(json_object_get(f, "dynamic"));
}
static const char *relro_of(json_t *f) { const char *s = json_string_value(json_object_get(f, "relro")); return s ? s : ""; }
static bool c_no_bind_now(json_t *f) { return dyn_obj(f) && !json_is_true(json_object_get(f, "bind_now")); }
static bool c_no_relro(json_t *f) { return is_elf(f) && !strcmp(relro_of(f), "none"); }
static bool c_partial_relro(json_t *f) { return is_elf(f) && !strcmp(relro_of(f), "partial"); }
static bool c_not_full_relro(json_t *f) { return is_elf(f) && strcmp(relro_of(f), "full"); }
static bool c_textrel(json_t *f) { return json_is_true(json_object_get(f, "textrel")); }
static bool c_exec_stack(json_t *f) { return is_elf(f) && json_is_true(json_object_get(f, "exec_stack")); }
static bool c_no_pie(json_t *f) { return is_elf(f) && !strcmp(json_string_value(json_object_get(f, "type")), "EXEC"); }
static bool c_static_tls(json_t *f) { return json_is_true(json_object_get(f, "static_tls")); }
static bool c_tls(json_t *f) { return json_is_object(json_object_get(f, "tls")); }
static bool c_rpath(json_t *f)
{
    return json_is_string(json_object_get(f, "rpath")) || json_is_string(json_object_get(f, "runpath"));
}
static bool c_symbolic(json_t *f) { return json_is_true(json_object_get(f, "symbolic")); }
static bool c_no_ssp(json_t *f) { return !json_is_true(json_object_get(f, "stack_protector")); }
static bool c_no_fortify(json_t *f)
{
    return !json_is_true(json_object_get(json_object_get(f, "fortify"), "fortified"));
}
static bool c_not_stripped(json_t *f) { return json_is_true(json_object_get(f, "has_symtab")); }
static bool c_debug(json_t *f) { return json_array_size(json_object_get(f, "debug_sections")) > 0; }
static bool c_missing_exports(json_t *f)
{
    return json_array_size(json_object_get(json_object_get(f, "symbols"), "missing")) > 0;
}

const elf_condition ELF_CONDITIONS[] = {
    { "no-bind-now", "a dynamic object without BIND_NOW (DT_BIND_NOW, DF_BIND_NOW or DF_1_NOW)", c_no_bind_now },
    { "no-relro", "no PT_GNU_RELRO segment", c_no_relro },
    { "partial-relro", "PT_GNU_RELRO without BIND_NOW", c_partial_relro },
    { "not-full-relro", "relro is none or partial", c_not_full_relro },
    { "textrel", "text relocations (DT_TEXTREL or DF_TEXTREL)", c_textrel },
    { "exec-stack", "PT_GNU_STACK is executable, or missing", c_exec_stack },
    { "no-pie", "an ET_EXEC executable (not position-independent)", c_no_pie },
    { "static-tls", "DF_STATIC_TLS: needs the static TLS surplus when dlopen()ed", c_static_tls },
    { "tls", "has a PT_TLS segment", c_tls },
    { "rpath", "has DT_RPATH or DT_RUNPATH", c_rpath },
    { "symbolic", "DT_SYMBOLIC or DF_SYMBOLIC", c_symbolic },
    { "no-stack-protector", "does not use __stack_chk_fail", c_no_ssp },
    { "no-fortify", "imports no __*_chk function", c_no_fortify },
    { "not-stripped", "still has .symtab", c_not_stripped },
    { "debug", "has .debug_* sections", c_debug },
    { "missing-exports", "an expected export (--exports, --header) is not defined", c_missing_exports },
};
const size_t ELF_NCONDITIONS = GC_ARRAY_LEN(ELF_CONDITIONS);

const elf_condition *elf_condition_find(const char *name)
{
    for (size_t i = 0; i < ELF_NCONDITIONS; i++)
        if (!strcmp(ELF_CONDITIONS[i].name, name)) return &ELF_CONDITIONS[i];
    return NULL;
}
