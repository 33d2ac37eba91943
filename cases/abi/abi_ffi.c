/* ABI shapes called through libffi: ONE generic caller. Each row of
 * shapes.tsv (read at run time from the working directory, the case folder)
 * becomes an ffi_cif; the same argument bytes go to the oracle (the native
 * C function from abi_oracle_gen.c) and to the Go export (found with dlsym),
 * and the two observations must agree bit for bit. No per-shape code here. */
#include <ffi.h>
#include <string.h>

#include "probe.h"
#include "abi.h"
#include "abi_oracle_gen.c"
#include "abi_run.h"

typedef struct {
    ffi_type t;
    ffi_type *elems[ABI_MAX_FIELDS + 1];
    size_t offs[ABI_MAX_FIELDS];
    int n;
} agg;

static ffi_type *scalar_type(enum abi_kind k, const char **why)
{
    switch (k) {
    case ABI_VOID: return &ffi_type_void;
    case ABI_I8: return &ffi_type_sint8;
    case ABI_U8: case ABI_BOOL: return &ffi_type_uint8;
    case ABI_I16: return &ffi_type_sint16;
    case ABI_U16: return &ffi_type_uint16;
    case ABI_I32: return &ffi_type_sint32;
    case ABI_U32: return &ffi_type_uint32;
    case ABI_I64: return &ffi_type_sint64;
    case ABI_U64: return &ffi_type_uint64;
    case ABI_GOINT: return sizeof(ptrdiff_t) == 8 ? &ffi_type_sint64 : &ffi_type_sint32;
    case ABI_SIZE: case ABI_UPTR: return sizeof(size_t) == 8 ? &ffi_type_uint64 : &ffi_type_uint32;
    case ABI_F32: return &ffi_type_float;
    case ABI_F64: return &ffi_type_double;
    case ABI_PTR: case ABI_CB: return &ffi_type_pointer;
#ifdef FFI_TARGET_HAS_COMPLEX_TYPE
    case ABI_C64: return &ffi_type_complex_float;
    case ABI_C128: return &ffi_type_complex_double;
#endif
    default: *why = "this libffi has no complex types"; return NULL;
    }
}

/* The ffi_type of a table type; aggregates are laid out in *a. */
static ffi_type *type_of(const abi_type *t, agg *a, const char **why)
{
    memset(a, 0, sizeof *a);
    if (t->kind == ABI_STRUCT || t->kind == ABI_TUPLE) {
        for (int j = 0; j < t->nfields; j++)
            if (!(a->elems[j] = scalar_type(t->fields[j], why))) return NULL;
        a->n = t->nfields;
    } else if (t->kind == ABI_STR) { /* { const char *p; ptrdiff_t n; } */
        a->elems[0] = &ffi_type_pointer;
        a->elems[1] = &ffi_type_sint64;
        a->n = 2;
    } else if (t->kind == ABI_SLICE) { /* { void *data; GoInt len, cap; } */
        a->elems[0] = &ffi_type_pointer;
        a->elems[1] = a->elems[2] = &ffi_type_sint64;
        a->n = 3;
    } else
        return scalar_type(t->kind, why);
    a->elems[a->n] = NULL;
    a->t.type = FFI_TYPE_STRUCT;
    a->t.elements = a->elems;
    return &a->t;
}

static const struct abi_oracle_entry *oracle_of(const char *name)
{
    for (const struct abi_oracle_entry *e = abi_oracles; e->name; e++)
        if (!strcmp(e->name, name)) return e;
    return NULL;
}

static abi_run run;
static _Alignas(16) unsigned char slot[ABI_MAX_ARGS][64];
static _Alignas(16) unsigned char rbuf[2][256];

static void fill_arg(const abi_type *t, const agg *a, int i, const struct abi_oracle_entry *o)
{
    unsigned char *s = slot[i];
    memset(s, 0, sizeof slot[i]);
    if (t->kind == ABI_STRUCT) {
        for (int j = 0; j < t->nfields; j++) abi_gen(&run.rng, t->fields[j], s + a->offs[j]);
    } else if (t->kind == ABI_STR) {
        const char *p;
        ptrdiff_t n;
        run_gen_str_raw(&run, i, &p, &n);
        memcpy(s + a->offs[0], &p, sizeof p);
        memcpy(s + a->offs[1], &n, sizeof n);
    } else if (t->kind == ABI_SLICE) {
        void *p;
        ptrdiff_t n, c;
        run_gen_slice_raw(&run, i, &p, &n, &c);
        memcpy(s + a->offs[0], &p, sizeof p);
        memcpy(s + a->offs[1], &n, sizeof n);
        memcpy(s + a->offs[2], &c, sizeof c);
    } else if (t->kind == ABI_CB) {
        void (*cb)(void) = o->cb;
        memcpy(s, &cb, sizeof cb);
    } else
        abi_gen(&run.rng, t->kind, s);
}

static void observe_ret(abi_obs *o, const abi_type *t, const agg *a, const unsigned char *r)
{
    if (t->kind == ABI_VOID) return;
    if (t->kind == ABI_STRUCT || t->kind == ABI_TUPLE) {
        for (int j = 0; j < t->nfields; j++) obs_ret(o, r + a->offs[j], abi_kind_size(t->fields[j]));
    } else if (t->kind == ABI_STR) {
        const char *p;
        ptrdiff_t n;
        memcpy(&p, r + a->offs[0], sizeof p);
        memcpy(&n, r + a->offs[1], sizeof n);
        obs_ret_str(o, p, n);
    } else if (!abi_kind_is_float(t->kind) && abi_kind_size(t->kind) < sizeof(ffi_arg)) {
        /* A narrow integer result is widened to a whole ffi_arg: narrow it
         * back by value, since on a big-endian arch it is not in the low bytes. */
        ffi_arg v;
        memcpy(&v, r, sizeof v);
        unsigned char narrow[8];
        abi_store_uint(narrow, (uint64_t)v, abi_kind_size(t->kind));
        obs_ret(o, narrow, abi_kind_size(t->kind));
    } else
        obs_ret(o, r, abi_kind_size(t->kind));
}

/* Runs one shape; returns NULL or why it cannot run here. */
static const char *run_shape(const abi_shape *sh, int iters, abi_report *rep)
{
    static agg ra, aa[ABI_MAX_ARGS];
    ffi_type *rt, *at[ABI_MAX_ARGS];
    void *av[ABI_MAX_ARGS];
    const char *why = NULL;
    ffi_cif cif;
    const struct abi_oracle_entry *o = oracle_of(sh->name);
    if (!o) return "no oracle for this shape: regenerate with `make regen-abi`";
    if (!(rt = type_of(&sh->ret, &ra, &why))) return why;
    for (int i = 0; i < sh->nargs; i++) {
        if (!(at[i] = type_of(&sh->args[i], &aa[i], &why))) return why;
    }
    if (ffi_prep_cif(&cif, FFI_DEFAULT_ABI, (unsigned)sh->nargs, rt, at) != FFI_OK) return "ffi_prep_cif refused the shape";
    if (rt->type == FFI_TYPE_STRUCT && ffi_get_struct_offsets(FFI_DEFAULT_ABI, rt, ra.offs) != FFI_OK)
        return "ffi_get_struct_offsets failed";
    for (int i = 0; i < sh->nargs; i++)
        if (at[i]->type == FFI_TYPE_STRUCT && ffi_get_struct_offsets(FFI_DEFAULT_ABI, at[i], aa[i].offs) != FFI_OK)
            return "ffi_get_struct_offsets failed";
    char sym[80];
    snprintf(sym, sizeof sym, "Abi_%s", sh->name);
    void (*gofn)(void) = (void (*)(void))gc_sym(sym);
    abi_rng_seed(&run.rng, shape_seed(gc_seed(), sh->name));
    char detail[600];
    for (int it = 0; it < iters; it++) {
        run_begin(&run);
        for (int i = 0; i < sh->nargs; i++) fill_arg(&sh->args[i], &aa[i], i, o);
        memset(rbuf, 0, sizeof rbuf);
        /* libffi (3.4, x86-64) rewrites avalue[i] of a struct over 16 bytes
         * to point at its own copy on its stack, dead once ffi_call returns:
         * the vector is rebuilt before every call. */
        for (int i = 0; i < sh->nargs; i++) av[i] = slot[i];
        abi_oracle_reset();
        ffi_call(&cif, o->oracle, rbuf[0], av);
        run_observe_oracle(&run);
        observe_ret(&run.exp, &sh->ret, &ra, rbuf[0]);
        run_restore(&run);
        abi_oracle_reset();
        for (int i = 0; i < sh->nargs; i++) av[i] = slot[i];
        ffi_call(&cif, gofn, rbuf[1], av);
        run_observe_go(&run);
        observe_ret(&run.got, &sh->ret, &ra, rbuf[1]);
        if (!run_compare(&run, detail, sizeof detail)) {
            report_fail(rep, sh->name, it, detail);
            return NULL;
        }
    }
    report_pass(rep, sh->name);
    return NULL;
}

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    const char *group = getenv("ABI_GROUP");
    int iters = env_int("ABI_ITERS", 40);
    static abi_report rep;
    char err[300];
    abi_shape *shapes;
    if (!group || !*group) {
        gc_fail("ABI_GROUP is not set");
        return;
    }
    int n = abi_load_table("shapes.tsv", &shapes, err, sizeof err);
    if (n < 0) {
        gc_fail("%s", err);
        return;
    }
    for (int i = 0; i < n; i++) {
        if (strcmp(shapes[i].group, group) != 0) continue;
        shape_started(shapes[i].name);
        const char *why = run_shape(&shapes[i], iters, &rep);
        if (why) report_unsupported(&rep, shapes[i].name, why);
    }
    free(shapes);
    report_finish(&rep, group, "libffi", iters);
}
