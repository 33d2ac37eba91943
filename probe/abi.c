/* The shape table parser, value generator and bit-exact comparator
 * described in abi.h. libc only. */
#include "abi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char CODES[] = "ahstijxyzufdbpgFDSY@v";
static const enum abi_kind KINDS[] = {
    ABI_I8, ABI_U8, ABI_I16, ABI_U16, ABI_I32, ABI_U32, ABI_I64, ABI_U64, ABI_SIZE, ABI_UPTR, ABI_F32,
    ABI_F64, ABI_BOOL, ABI_PTR, ABI_GOINT, ABI_C64, ABI_C128, ABI_STR, ABI_SLICE, ABI_CB, ABI_VOID,
};

int abi_kind_of(char code)
{
    const char *p = code ? strchr(CODES, code) : NULL;
    return p ? (int)KINDS[p - CODES] : -1;
}

size_t abi_kind_size(enum abi_kind k)
{
    switch (k) {
    case ABI_I8: case ABI_U8: case ABI_BOOL: return 1;
    case ABI_I16: case ABI_U16: return 2;
    case ABI_I32: case ABI_U32: case ABI_F32: return 4;
    case ABI_I64: case ABI_U64: case ABI_F64: case ABI_C64: return 8;
    case ABI_C128: return 16;
    /* The probes compile this file for the arch they test: these follow it. */
    case ABI_SIZE: return sizeof(size_t);
    case ABI_UPTR: return sizeof(uintptr_t);
    case ABI_PTR: case ABI_CB: return sizeof(void *);
    case ABI_GOINT: return sizeof(ptrdiff_t); /* cgo's GoInt is pointer-sized */
    case ABI_STR: return sizeof(void *) + sizeof(ptrdiff_t);
    case ABI_SLICE: return sizeof(void *) + 2 * sizeof(ptrdiff_t);
    default: return 0;
    }
}

bool abi_kind_is_float(enum abi_kind k) { return k == ABI_F32 || k == ABI_F64 || k == ABI_C64 || k == ABI_C128; }

bool abi_kind_is_signed(enum abi_kind k)
{
    return k == ABI_I8 || k == ABI_I16 || k == ABI_I32 || k == ABI_I64 || k == ABI_GOINT;
}

/* Kinds allowed as struct fields and tuple members. */
static bool field_kind_ok(int k)
{
    return k >= 0 && k != ABI_VOID && k != ABI_STR && k != ABI_SLICE && k != ABI_CB;
}

int abi_parse_type(const char *tok, abi_type *t, const char **err)
{
    memset(t, 0, sizeof *t);
    size_t n = strlen(tok);
    if (n == 0) return *err = "empty type", -1;
    if (n >= sizeof t->code) return *err = "type too long", -1;
    memcpy(t->code, tok, n + 1);
    if (tok[0] == '{' || tok[0] == '(') {
        char close = tok[0] == '{' ? '}' : ')';
        if (tok[n - 1] != close) return *err = "unterminated struct or result list", -1;
        if (n < 3) return *err = "empty struct or result list", -1;
        t->kind = tok[0] == '{' ? ABI_STRUCT : ABI_TUPLE;
        for (size_t i = 1; i + 1 < n; i++) {
            int k = abi_kind_of(tok[i]);
            if (!field_kind_ok(k)) return *err = "bad field type code", -1;
            if (k == ABI_C64 || k == ABI_C128) return *err = "complex fields are not supported", -1;
            t->fields[t->nfields++] = (enum abi_kind)k;
        }
        return 0;
    }
    if (n != 1) return *err = "unknown type code", -1;
    int k = abi_kind_of(tok[0]);
    if (k < 0) return *err = "unknown type code", -1;
    t->kind = (enum abi_kind)k;
    return 0;
}

static int seterr(char *err, size_t errsz, const char *fmt, const char *a)
{
    if (err && errsz) snprintf(err, errsz, fmt, a);
    return -1;
}

static bool ident_ok(const char *s)
{
    if (!*s) return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_')) return false;
    return true;
}

int abi_parse_row(const char *line, abi_shape *s, char *err, size_t errsz)
{
    memset(s, 0, sizeof *s);
    while (*line == ' ') line++;
    if (!*line || *line == '#' || *line == '\n' || *line == '\r') return 0;
    char buf[512];
    size_t n = strcspn(line, "\r\n");
    if (n >= sizeof buf) return seterr(err, errsz, "%s", "line too long");
    memcpy(buf, line, n);
    buf[n] = 0;
    char *col[5];
    int nc = 0;
    char *p = buf;
    for (;;) {
        if (nc == 5) return seterr(err, errsz, "%s", "more than 5 tab-separated columns");
        col[nc++] = p;
        char *tab = strchr(p, '\t');
        if (!tab) break;
        *tab = 0;
        p = tab + 1;
    }
    if (nc != 5) return seterr(err, errsz, "%s", "want 5 tab-separated columns: name group ret args flags");
    if (!ident_ok(col[0]) || strlen(col[0]) >= sizeof s->name) return seterr(err, errsz, "bad shape name `%s`", col[0]);
    if (!ident_ok(col[1]) || strlen(col[1]) >= sizeof s->group) return seterr(err, errsz, "bad group `%s`", col[1]);
    strcpy(s->name, col[0]);
    strcpy(s->group, col[1]);
    const char *why;
    if (abi_parse_type(col[2], &s->ret, &why)) return seterr(err, errsz, "return type: %s", why);
    if (s->ret.kind == ABI_SLICE || s->ret.kind == ABI_CB)
        return seterr(err, errsz, "%s", "a slice or callback cannot be a result");
    if (strcmp(col[3], "-") != 0) {
        for (char *tok = strtok(col[3], " "); tok; tok = strtok(NULL, " ")) {
            if (s->nargs == ABI_MAX_ARGS) return seterr(err, errsz, "%s", "too many arguments");
            if (abi_parse_type(tok, &s->args[s->nargs], &why)) return seterr(err, errsz, "argument: %s", why);
            if (s->args[s->nargs].kind == ABI_VOID) return seterr(err, errsz, "%s", "void argument");
            if (s->args[s->nargs].kind == ABI_TUPLE) return seterr(err, errsz, "%s", "a result list cannot be an argument");
            if (s->args[s->nargs].kind == ABI_CB && s->nargs != 0)
                return seterr(err, errsz, "%s", "a callback must be the first argument");
            s->nargs++;
        }
    }
    if (strcmp(col[4], "-") != 0) {
        for (char *tok = strtok(col[4], ","); tok; tok = strtok(NULL, ",")) {
            if (!strcmp(tok, "stress")) s->stress = true;
            else if (!strcmp(tok, "vararg")) s->vararg = true;
            else if (!strncmp(tok, "calls=", 6)) {
                char *end;
                long c = strtol(tok + 6, &end, 10);
                if (*end || c < 1 || c > 1000) return seterr(err, errsz, "bad flag `%s`", tok);
                s->calls = (int)c;
            } else
                return seterr(err, errsz, "unknown flag `%s`", tok);
        }
    }
    bool cb = s->nargs > 0 && s->args[0].kind == ABI_CB;
    if (cb != (s->calls > 0)) return seterr(err, errsz, "%s", "a callback shape needs calls=N and `@` first, and only it");
    if (s->vararg) {
        for (int i = 0; i < s->nargs; i++) {
            enum abi_kind k = s->args[i].kind;
            if (k == ABI_BOOL || k == ABI_C64 || k == ABI_C128 || k == ABI_STR || k == ABI_SLICE || k == ABI_CB ||
                k == ABI_STRUCT || k == ABI_UPTR || k == ABI_GOINT)
                return seterr(err, errsz, "vararg shape `%s` takes only plain C scalars", s->name);
        }
    }
    return 1;
}

int abi_load_table(const char *path, abi_shape **out, char *err, size_t errsz)
{
    *out = NULL;
    FILE *f = fopen(path, "r");
    if (!f) return seterr(err, errsz, "%s: cannot open", path);
    char line[1024], why[256];
    int n = 0, cap = 0, lineno = 0;
    abi_shape *v = NULL;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        abi_shape s;
        int r = abi_parse_row(line, &s, why, sizeof why);
        if (r < 0) {
            if (err && errsz) snprintf(err, errsz, "%s:%d: %s", path, lineno, why);
            free(v);
            fclose(f);
            return -1;
        }
        if (r == 0) continue;
        for (int i = 0; i < n; i++)
            if (!strcmp(v[i].name, s.name)) {
                if (err && errsz) snprintf(err, errsz, "%s:%d: shape `%s` defined twice", path, lineno, s.name);
                free(v);
                fclose(f);
                return -1;
            }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            abi_shape *nv = realloc(v, (size_t)cap * sizeof *v);
            if (!nv) {
                free(v);
                fclose(f);
                return seterr(err, errsz, "%s: out of memory", path);
            }
            v = nv;
        }
        v[n++] = s;
    }
    fclose(f);
    *out = v;
    return n;
}

/* ---- values ---------------------------------------------------------- */

void abi_rng_seed(abi_rng *r, uint64_t seed) { r->s = seed ^ 0x6a09e667f3bcc909ULL; }

uint64_t abi_rng_next(abi_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static unsigned char arena[4096];

static const uint32_t F32_SPECIAL[] = {
    0x00000000, 0x80000000,             /* +0, -0 */
    0x7f800000, 0xff800000,             /* +inf, -inf */
    0x7fc00000, 0xffc00000,             /* default quiet NaNs */
    0x7fc12345, 0xffe00001,             /* quiet NaNs with payloads */
    0x7f812345, 0xff800001, 0x7fbfffff, /* signalling NaNs with payloads */
    0x00000001, 0x007fffff, 0x80000001, /* denormals */
    0x00800000, 0x7f7fffff, 0xff7fffff, /* FLT_MIN, FLT_MAX, -FLT_MAX */
    0x3f800000, 0xbf800000,             /* 1, -1 */
};
static const uint64_t F64_SPECIAL[] = {
    0x0000000000000000ULL, 0x8000000000000000ULL, 0x7ff0000000000000ULL, 0xfff0000000000000ULL,
    0x7ff8000000000000ULL, 0xfff8000000000000ULL, 0x7ff8000000012345ULL, 0xfffc0000deadbeefULL,
    0x7ff0000000000001ULL, 0xfff4000000000000ULL, 0x7ff7ffffffffffffULL, /* signalling */
    0x0000000000000001ULL, 0x000fffffffffffffULL, 0x8000000000000001ULL,
    0x0010000000000000ULL, 0x7fefffffffffffffULL, 0xffefffffffffffffULL,
    0x3ff0000000000000ULL, 0xbff0000000000000ULL,
};

#define NSPECIAL(a) (sizeof(a) / sizeof((a)[0]))

/* Special integers of `bytes` width: 0, 1, all ones, the sign bit alone,
 * the largest positive, 0x80 and 0xff in the low byte with the rest clear
 * (sign-extension traps), and alternating bits. */
static uint64_t int_special(uint64_t pick, size_t bytes)
{
    uint64_t mask = bytes >= 8 ? ~0ULL : (1ULL << (bytes * 8)) - 1;
    uint64_t sign = 1ULL << (bytes * 8 - 1);
    const uint64_t v[] = { 0, 1, mask, sign, sign - 1, 0x80, 0xff, 0x8000, 0x7f, 0x5555555555555555ULL, sign | 1 };
    return v[pick % NSPECIAL(v)] & mask;
}

void abi_gen(abi_rng *r, int k, void *out)
{
    uint64_t x = abi_rng_next(r);
    bool special = (x & 1) == 0;
    uint64_t v = abi_rng_next(r);
    size_t n = abi_kind_size((enum abi_kind)k);
    switch (k) {
    case ABI_BOOL: {
        unsigned char b = (unsigned char)(v & 1);
        memcpy(out, &b, 1);
        return;
    }
    case ABI_PTR: case ABI_CB: {
        void *p = (v % 8 == 0) ? NULL : (void *)(arena + (v >> 8) % sizeof arena);
        memcpy(out, &p, sizeof p);
        return;
    }
    case ABI_F32: {
        uint32_t b = special ? F32_SPECIAL[(x >> 1) % NSPECIAL(F32_SPECIAL)] : (uint32_t)v;
        memcpy(out, &b, 4);
        return;
    }
    case ABI_F64: {
        uint64_t b = special ? F64_SPECIAL[(x >> 1) % NSPECIAL(F64_SPECIAL)] : v;
        memcpy(out, &b, 8);
        return;
    }
    case ABI_C64: {
        abi_gen(r, ABI_F32, out);
        abi_gen(r, ABI_F32, (char *)out + 4);
        return;
    }
    case ABI_C128: {
        abi_gen(r, ABI_F64, out);
        abi_gen(r, ABI_F64, (char *)out + 8);
        return;
    }
    default:
        if (n == 0 || n > 8) return;
        if (special) v = int_special(x >> 1, n);
        abi_store_uint(out, v, n);
        return;
    }
}

void abi_store_uint(void *out, uint64_t v, size_t n)
{
    /* As a value of that width in the arch's own byte order, so a special
     * value (0x80, the sign bit) stays itself on a big-endian arch too. */
    if (n == 1) { uint8_t w = (uint8_t)v; memcpy(out, &w, 1); }
    else if (n == 2) { uint16_t w = (uint16_t)v; memcpy(out, &w, 2); }
    else if (n == 4) { uint32_t w = (uint32_t)v; memcpy(out, &w, 4); }
    else memcpy(out, &v, 8);
}

void abi_gen_bytes(abi_rng *r, void *out, size_t n)
{
    unsigned char *p = out;
    for (size_t i = 0; i < n; i++) {
        uint64_t v = abi_rng_next(r);
        p[i] = (v & 7) == 0 ? 0 : (unsigned char)(v >> 8);
    }
}

size_t abi_first_diff(const void *a, size_t an, const void *b, size_t bn)
{
    const unsigned char *x = a, *y = b;
    size_t n = an < bn ? an : bn;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i]) return i;
    return an == bn ? SIZE_MAX : n;
}

bool abi_bits_equal(const void *a, const void *b, size_t n) { return memcmp(a, b, n) == 0; }

char *abi_hex(const void *p, size_t n, char *out, size_t outsz)
{
    static const char digits[] = "0123456789abcdef";
    const unsigned char *b = p;
    size_t o = 0;
    if (!outsz) return out;
    for (size_t i = 0; i < n && o + 2 < outsz; i++) {
        out[o++] = digits[b[i] >> 4];
        out[o++] = digits[b[i] & 15];
    }
    out[o] = 0;
    return out;
}
