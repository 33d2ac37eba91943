/* ABI shapes as data: the table parser, the seeded value generator and the
 * bit-exact comparator behind the `abi` cases.
 *
 * A shape is one row of cases/abi/shapes.tsv (tab-separated):
 *
 *     NAME  GROUP  RET  ARGS  FLAGS
 *
 * RET and ARGS are type codes (ARGS separated by spaces, `-` for none):
 *
 *     a signed char   h unsigned char    s short      t unsigned short
 *     i int           j unsigned int     x long long  y unsigned long long
 *     z size_t        u uintptr_t        f float      d double
 *     b _Bool         p void *           g GoInt      F GoComplex64
 *     D GoComplex128  S GoString         Y GoSlice of bytes (written back)
 *     @ a C callback (first argument only)            v void (RET only)
 *     {...} a struct of scalar codes, by value   (...) several Go results
 *
 * FLAGS (comma-separated, `-` for none): `stress` (the export grows its stack
 * and runs runtime.GC() before it reads its arguments), `calls=N` (how many
 * times a callback shape calls back), `vararg` (the export passes its
 * arguments on to snprintf, a variadic C function).
 *
 * This file depends on libc only: the C probes compile abi.c into
 * themselves, and the Python probe builds it into its oracle library. */
#ifndef GOCOMPAT_ABI_H
#define GOCOMPAT_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum abi_kind {
    ABI_VOID, ABI_I8, ABI_U8, ABI_I16, ABI_U16, ABI_I32, ABI_U32, ABI_I64, ABI_U64, ABI_SIZE, ABI_UPTR,
    ABI_F32, ABI_F64, ABI_BOOL, ABI_PTR, ABI_GOINT, ABI_C64, ABI_C128, ABI_STR, ABI_SLICE, ABI_CB,
    ABI_STRUCT, ABI_TUPLE,
};

#define ABI_MAX_FIELDS 12
#define ABI_MAX_ARGS 24

typedef struct {
    enum abi_kind kind;
    int nfields;                            /* ABI_STRUCT, ABI_TUPLE */
    enum abi_kind fields[ABI_MAX_FIELDS];   /* scalar kinds */
    char code[ABI_MAX_FIELDS + 3];          /* as written in the table */
} abi_type;

typedef struct {
    char name[64];
    char group[32];
    abi_type ret;
    int nargs;
    abi_type args[ABI_MAX_ARGS];
    bool stress, vararg;
    int calls;                              /* callback shapes: calls per export call */
} abi_shape;

/* Kind of a one-letter code, or -1. */
int abi_kind_of(char code);
/* Size in bytes of a scalar kind (GoString 16, GoSlice 24); 0 for void. */
size_t abi_kind_size(enum abi_kind k);
bool abi_kind_is_float(enum abi_kind k);
bool abi_kind_is_signed(enum abi_kind k);

/* Parse one type token; 0 on success, -1 with *err set. */
int abi_parse_type(const char *tok, abi_type *t, const char **err);
/* Parse one table line: 1 = a shape, 0 = blank or comment, -1 = error
 * (err gets a one-line reason). */
int abi_parse_row(const char *line, abi_shape *s, char *err, size_t errsz);
/* Read a whole table; returns the number of shapes (malloc'd in *out) or -1
 * with "file:line: reason" in err. */
int abi_load_table(const char *path, abi_shape **out, char *err, size_t errsz);

/* The seeded value generator: splitmix64 underneath, so a seed gives the
 * same values on every machine. About half the values are special:
 * integer extremes and narrow sign-bit patterns, NaNs with payloads (quiet
 * and signalling, both signs), -0.0, denormals, infinities. */
typedef struct { uint64_t s; } abi_rng;
void abi_rng_seed(abi_rng *r, uint64_t seed);
uint64_t abi_rng_next(abi_rng *r);
/* Writes abi_kind_size(k) bytes of a fresh value of scalar kind k. _Bool is
 * 0 or 1; pointers point into a static arena (or are NULL). */
void abi_gen(abi_rng *r, int k, void *out);
/* Stores the low n (1, 2, 4 or 8) bytes of v as an integer of that width. */
void abi_store_uint(void *out, uint64_t v, size_t n);
/* Fills n bytes with random bytes (NULs included). */
void abi_gen_bytes(abi_rng *r, void *out, size_t n);

/* Bit-exact comparison (memcmp semantics: -0.0 != 0.0, NaN payloads
 * differ, a NaN equals itself). The index of the first differing byte, or
 * SIZE_MAX if equal (different lengths differ at the shorter length). */
size_t abi_first_diff(const void *a, size_t an, const void *b, size_t bn);
bool abi_bits_equal(const void *a, const void *b, size_t n);
/* Lower-case hex of n bytes (in memory order) into out; returns out. */
char *abi_hex(const void *p, size_t n, char *out, size_t outsz);

#endif
